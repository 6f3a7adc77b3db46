//! Terraform's value space, with Unknown as a first-class value.
//!
//! Terraform (through `cty`) distinguishes list/tuple/set and map/object; for
//! reviewing infrastructure the distinction that matters is "ordered sequence"
//! versus "keyed collection", so a [`Value`] has one variant for each. Sets are
//! lists that were de-duplicated and sorted the way `toset` does.
//!
//! Two marks travel with values:
//! - **Unknown**: a value only known after apply. When it came from another
//!   resource's attribute it remembers its *origin* (`aws_s3_bucket.logs.id`),
//!   which is how engines link resources whose ids are computed.
//! - **Sensitive**: a value declared `sensitive`; renderers never print it.

use crate::fields::{FieldSlice, Fields};
use crate::text::Shared;
use std::fmt;
use std::sync::Arc;

/// A Terraform value.
#[derive(Clone, Debug, Default)]
pub enum Value {
    #[default]
    Null,
    Bool(bool),
    Number(f64),
    String(Shared),
    /// list, tuple or set
    List(Items),
    /// map or object
    Map(Object),
    /// known only after apply
    Unknown(Unknown),
    /// a value marked sensitive; operations on it produce sensitive results
    Sensitive(Arc<Value>),
    /// A JSON document whose text is known only after apply because some
    /// values in it are (`jsonencode({ Resource = aws_s3_bucket.b.arn, … })`),
    /// holding its decoded structure with those values unknown; or an
    /// encoding Cloudwright does not reproduce byte for byte
    /// (`base64gzip(script)`), holding the text it encodes. To every
    /// operation it is an unknown value ([`Value::strip`] returns
    /// [`UNKNOWN`]); rules read the known parts — a `"*"` principal, a
    /// secret in a script — through [`Value::document`] without pretending
    /// to know the text.
    Document(Arc<Value>),
    /// A string whose text is known only in part: its known pieces
    /// (strings) and its unknown ones, in order — `"arn:aws:iam::${data.
    /// aws_caller_identity.current.account_id}:root"` is the string
    /// `arn:aws:iam::`, the account id, and the string `:root`. To every
    /// operation it is an unknown value ([`Value::strip`] returns
    /// [`UNKNOWN`]); rules read the known pieces through
    /// [`Value::template`] (such a principal is an account, not `"*"`).
    Template(Pieces),
}

/// Values in order, in one allocation shared when cloned (its count and
/// length before them): the items of a list ([`Value::List`]) and the
/// pieces of a string known only in part ([`Value::Template`]). One
/// pointer wide, as every payload of a [`Value`] is; a list was an `Arc`
/// and a vector, two allocations.
#[derive(Clone)]
pub struct Items(triomphe::ThinArc<(), Value>);

/// The pieces of a string known only in part ([`Value::Template`]).
pub type Pieces = Items;

impl Items {
    /// One item, made without a vector between.
    pub fn one(item: Value) -> Items {
        Items(triomphe::ThinArc::from_header_and_iter(
            (),
            std::iter::once(item),
        ))
    }

    /// The items' address, telling the same items apart from equal ones.
    pub fn as_ptr(&self) -> *const u8 {
        self.0.heap_ptr().cast()
    }

    /// Whether another value holds these same items.
    pub fn is_shared(&self) -> bool {
        triomphe::ThinArc::strong_count(&self.0) > 1
    }

    /// Changes the items in place: these own, copied first when another
    /// value holds them too.
    pub fn update<R>(&mut self, change: impl FnOnce(&mut [Value]) -> R) -> R {
        own(&mut self.0, |inner| change(inner.slice_mut()))
    }
}

/// A thin shared slice of the items, after the header: the items moved
/// in one copy, the vector freed.
fn thin<H, T>(header: H, items: Vec<T>) -> triomphe::ThinArc<H, T> {
    let header = triomphe::HeaderWithLength::new(header, items.len());
    triomphe::Arc::into_thin(triomphe::Arc::from_header_and_vec(header, items))
}

/// Changes what a thin shared slice holds, in place: made its holder's
/// own first (copied) when another holds it too.
fn own<H: Clone, T: Clone, R>(
    arc: &mut triomphe::ThinArc<H, T>,
    change: impl FnOnce(&mut triomphe::HeaderSliceWithLengthProtected<H, T>) -> R,
) -> R {
    if triomphe::ThinArc::strong_count(arc) > 1 {
        let copy = triomphe::ThinArc::from_header_and_iter(
            arc.header.header.clone(),
            arc.slice.iter().cloned(),
        );
        *arc = copy;
    }
    arc.with_arc_mut(|arc| match triomphe::Arc::get_mut(arc) {
        Some(inner) => change(inner),
        // (not shared: made so above)
        None => unreachable!("a copy's only holder is its maker"),
    })
}

impl std::ops::Deref for Items {
    type Target = [Value];

    fn deref(&self) -> &[Value] {
        &self.0.slice
    }
}

impl fmt::Debug for Items {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.iter()).finish()
    }
}

impl From<Vec<Value>> for Items {
    fn from(items: Vec<Value>) -> Items {
        Items(thin((), items))
    }
}

impl FromIterator<Value> for Items {
    fn from_iter<I: IntoIterator<Item = Value>>(items: I) -> Items {
        Items::from(items.into_iter().collect::<Vec<_>>())
    }
}

/// The unknown value without an origin, for references to unknowns.
pub static UNKNOWN: Value = Value::Unknown(Unknown { origin: None });

/// An unknown value and, where known, the resource attribute it will come
/// from ([`Unknown::origin`]); or, without one, whether it was made only
/// from values a resource's provider computes when it applies
/// (`upper(aws_s3_bucket.b.id)`, `aws_vpc.a.cidr_block == "x"`): known only
/// after apply, though from no one attribute ([`Unknown::is_after_apply`]).
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Unknown {
    /// The absolute reference (`module.net.aws_vpc.this.id`), or
    /// [`AFTER_APPLY_ORIGIN`] for a value made from such without one. (One field,
    /// not two: a second would make every [`Value`] dearer to match.)
    origin: Option<Shared>,
}

/// The origin an unknown made only from values known after apply holds in
/// place of one ([`Unknown::origin`] hides it): no reference starts with NUL.
const AFTER_APPLY_ORIGIN: &str = "\u{0}known after apply";

fn after_apply_origin() -> Shared {
    static ORIGIN: std::sync::LazyLock<Shared> =
        std::sync::LazyLock::new(|| Shared::from(AFTER_APPLY_ORIGIN));
    ORIGIN.clone()
}

/// A keyed collection. `computed` marks the object of a resource (or module)
/// instance: an attribute that was not set in configuration is not absent but
/// unknown, computed by the provider, with origin `<computed>.<name>`.
///
/// One allocation, shared when cloned: its count, its `computed` mark and
/// its entries in key order after them (an object was an `Arc` and a
/// vector, two allocations; the model of a large configuration holds
/// hundreds of thousands). Its fields are read as a map
/// ([`Object::fields`]); a new object is built as [`Fields`].
#[derive(Clone)]
pub struct Object(triomphe::ThinArc<Option<Shared>, (crate::text::Name, Value)>);

impl Object {
    pub fn new(fields: impl Into<Fields>) -> Self {
        Object::with_computed(fields.into(), None)
    }

    /// The object of `fields` marked as computed by `computed` (see
    /// [`Object::computed`]).
    pub fn with_computed(fields: Fields, computed: Option<Shared>) -> Self {
        Object(thin(computed, fields.into_entries()))
    }

    /// The object of a few fields already in key order (`each`'s `key` and
    /// `value`), made without a vector between.
    pub fn of_sorted<const N: usize>(fields: [(crate::text::Name, Value); N]) -> Self {
        debug_assert!(fields.is_sorted_by(|a, b| {
            crate::fields::compare(a.0.as_bytes(), b.0.as_bytes()).is_lt()
        }));
        Object(triomphe::ThinArc::from_header_and_iter(
            None,
            fields.into_iter(),
        ))
    }

    /// The attributes, in key order.
    pub fn fields(&self) -> &FieldSlice {
        FieldSlice::from_entries(&self.0.slice)
    }

    /// The resource (or module) instance whose object this is, while its
    /// module is evaluated: an attribute not set is computed by its
    /// provider (unknown, with origin `<computed>.<name>`).
    pub fn computed(&self) -> Option<&Shared> {
        self.0.header.header.as_ref()
    }

    /// The attributes as a map of their own, to build another object from.
    pub fn to_fields(&self) -> Fields {
        self.fields().to_map()
    }

    /// The object's address, telling the same object apart from an equal
    /// one.
    pub fn as_ptr(&self) -> *const u8 {
        self.0.heap_ptr().cast()
    }

    /// Whether another value holds this same object.
    pub fn is_shared(&self) -> bool {
        triomphe::ThinArc::strong_count(&self.0) > 1
    }

    /// Changes the values in place (the keys stay): this object's own,
    /// copied first when another value holds it too.
    pub fn update<R>(&mut self, change: impl FnOnce(&mut FieldSlice) -> R) -> R {
        own(&mut self.0, |inner| {
            change(FieldSlice::from_entries_mut(inner.slice_mut()))
        })
    }

    /// Marks the object computed by `computed`, or not (see
    /// [`Object::computed`]), in place as [`Object::update`] does.
    pub fn set_computed(&mut self, computed: Option<Shared>) {
        if self.computed() != computed.as_ref() {
            own(&mut self.0, |inner| *inner.header_mut() = computed);
        }
    }
}

impl Default for Object {
    fn default() -> Self {
        Object::new(Fields::new())
    }
}

impl fmt::Debug for Object {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Object")
            .field("fields", &self.fields())
            .field("computed", &self.computed())
            .finish()
    }
}

impl Unknown {
    /// Why the value is missing, as a finding or an estimate says it:
    /// "known only after apply" for what a resource's provider computes
    /// ([`computed_by_apply`]), "not known from the code" otherwise.
    pub fn why(&self) -> &'static str {
        unknown_reason(self.is_after_apply())
    }

    /// Whether the value is known only after apply: what a resource's
    /// provider computes, or made only from such values.
    pub fn is_after_apply(&self) -> bool {
        self.origin
            .as_deref()
            .is_some_and(|o| o == AFTER_APPLY_ORIGIN || computed_by_apply(o))
    }

    /// The absolute reference the value will come from, e.g.
    /// `module.net.aws_vpc.this.id`.
    pub fn origin(&self) -> Option<&str> {
        self.origin_arc().map(|o| &**o)
    }

    /// [`Unknown::origin`], shared.
    pub fn origin_arc(&self) -> Option<&Shared> {
        self.origin.as_ref().filter(|o| &***o != AFTER_APPLY_ORIGIN)
    }

    pub fn with_origin(origin: impl Into<Shared>) -> Self {
        Unknown {
            origin: Some(origin.into()),
        }
    }

    /// An unknown with no origin made only from values known after apply.
    pub fn after_apply() -> Self {
        Unknown {
            origin: Some(after_apply_origin()),
        }
    }

    /// The unknown value of `self.<name>`: attribute access on an unknown
    /// object keeps the origin path growing so links stay precise.
    pub fn attr(&self, name: &str) -> Unknown {
        match self.origin_arc() {
            Some(o) => Unknown::with_origin(Shared::concat([o, ".", name])),
            None => self.clone(),
        }
    }

    pub fn index(&self, key: &Value) -> Unknown {
        let Some(o) = self.origin_arc() else {
            return self.clone();
        };
        let suffix = match key {
            Value::Number(n) => format!("[{}]", format_number(*n)),
            Value::String(s) => format!("[{s:?}]"),
            _ => "[*]".to_string(),
        };
        Unknown::with_origin(format!("{o}{suffix}"))
    }
}

impl Value {
    pub fn string(s: impl Into<Shared>) -> Value {
        Value::String(s.into())
    }

    pub fn list(items: Vec<Value>) -> Value {
        Value::List(Items::from(items))
    }

    pub fn map(fields: impl Into<Fields>) -> Value {
        Value::Map(Object::new(fields))
    }

    pub fn unknown() -> Value {
        Value::Unknown(Unknown::default())
    }

    /// A value known only after apply that comes from no one resource
    /// attribute (`timestamp()`).
    pub fn unknown_after_apply() -> Value {
        Value::Unknown(Unknown::after_apply())
    }

    /// The unknown value an operation on `inputs` makes when it cannot be
    /// known (`upper(aws_s3_bucket.b.id)`): known only after apply when
    /// every unknown in the inputs is ([`Value::why_unknown`]), not known
    /// from the code otherwise.
    pub fn unknown_made_from(inputs: &[Value]) -> Value {
        match all_after_apply(inputs.iter()) {
            Some(true) => Value::unknown_after_apply(),
            _ => Value::unknown(),
        }
    }

    /// The unknown text of a JSON document whose structure is `document`
    /// (which holds unknown values), or of an encoding of the text
    /// `document`; see [`Value::Document`].
    pub fn unknown_document(document: Value) -> Value {
        Value::Document(Arc::new(document))
    }

    /// The known structure of a JSON document whose text is unknown
    /// ([`Value::Document`]), through a sensitive mark.
    pub fn document(&self) -> Option<&Value> {
        match self {
            Value::Document(doc) if !matches!(**doc, Value::String(_) | Value::Template(_)) => {
                Some(doc)
            }
            Value::Sensitive(inner) => inner.document(),
            _ => None,
        }
    }

    /// The structure of the JSON document a value holds while its text is
    /// not known: a [`Value::Document`]'s, or that of a string known in part
    /// ([`Value::Template`]) whose known text is JSON with every unknown
    /// piece inside a string literal — a heredoc policy with
    /// `"Resource": "${aws_s3_bucket.b.arn}/*"`. Such a string decodes to
    /// the string known in part `arn` + `/*`, and one made of a single
    /// unknown to that unknown (with its origin). An interpolated value is
    /// read as string content, as Terraform writes it (a value holding a
    /// quote would make the text invalid JSON, which the provider rejects).
    /// `None` when the text is not JSON with unknowns only inside strings:
    /// an unknown where a number, an object key or a whole list or object
    /// is written may stand for any JSON, so nothing of the structure is known.
    pub fn json_document(&self) -> Option<std::borrow::Cow<'_, Value>> {
        if let Some(doc) = self.document() {
            return Some(std::borrow::Cow::Borrowed(doc));
        }
        self.template()
            .and_then(decode_json_known_in_part)
            .map(std::borrow::Cow::Owned)
    }

    /// A string known only in part, its pieces in order: known text and
    /// unknown values; see [`Value::Template`]. `None` for a string made
    /// only of unknowns (which is plain unknown).
    pub fn partial_string(pieces: Vec<Value>) -> Value {
        let mut joined: Vec<Value> = Vec::with_capacity(pieces.len());
        let mut push = |piece: Value| match (&piece, joined.last_mut()) {
            (Value::String(s), _) if s.is_empty() => {}
            (Value::String(s), Some(Value::String(last))) => {
                *last = crate::text::concat([last, s]).into();
            }
            (Value::String(_), _) => joined.push(piece),
            // the JSON text of a value with unknowns in it (`jsonencode`):
            // kept, its structure read where the text is JSON
            _ if piece.document().is_some() => joined.push(piece),
            // an unknown piece is an unknown, with its origin when it has one
            _ => joined.push(match piece.as_unknown() {
                Some(u) => Value::Unknown(u.clone()),
                None => Value::unknown_made_from(std::slice::from_ref(&piece)),
            }),
        };
        for piece in pieces {
            // a string known in part within this one: its pieces
            match piece.template() {
                Some(inner) => inner.iter().cloned().for_each(&mut push),
                None => push(piece),
            }
        }
        match (
            joined.iter().any(|p| matches!(p, Value::String(_))),
            joined.len(),
        ) {
            (true, _) => Value::Template(joined.into()),
            // a string that is one unknown value is that value
            (false, 1) => joined.pop().unwrap_or_default(),
            (false, _) => Value::unknown_made_from(&joined),
        }
    }

    /// The pieces of a string known only in part ([`Value::Template`]),
    /// through a sensitive mark.
    pub fn template(&self) -> Option<&[Value]> {
        match self {
            Value::Template(pieces) => Some(pieces),
            Value::Sensitive(inner) => inner.template(),
            _ => None,
        }
    }

    /// The pieces of the string known only in part that an encoding
    /// Cloudwright does not reproduce encodes (`base64encode` of a
    /// template rendered around unknown values), through a sensitive mark.
    pub fn encoded_template(&self) -> Option<&[Value]> {
        match self {
            Value::Document(doc) => doc.template(),
            Value::Sensitive(inner) => inner.encoded_template(),
            _ => None,
        }
    }

    /// The text an encoding Cloudwright does not reproduce encodes
    /// (`base64gzip(script)`: the script; [`Value::Document`]), through a
    /// sensitive mark.
    pub fn encoded_text(&self) -> Option<&str> {
        match self {
            Value::Document(doc) => match &**doc {
                Value::String(text) => Some(text),
                _ => None,
            },
            Value::Sensitive(inner) => inner.encoded_text(),
            _ => None,
        }
    }

    pub fn unknown_from(origin: impl Into<Shared>) -> Value {
        Value::Unknown(Unknown::with_origin(origin))
    }

    pub fn sensitive(self) -> Value {
        match self {
            v @ Value::Sensitive(_) => v,
            v => Value::Sensitive(Arc::new(v)),
        }
    }

    pub fn is_null(&self) -> bool {
        matches!(self.strip(), Value::Null)
    }

    pub fn is_unknown(&self) -> bool {
        matches!(self.strip(), Value::Unknown(_))
    }

    pub fn is_sensitive(&self) -> bool {
        matches!(self, Value::Sensitive(_))
    }

    /// The value without its sensitive mark. Use only to compute, never to print.
    pub fn strip(&self) -> &Value {
        match self {
            Value::Sensitive(inner) => inner.strip(),
            Value::Document(_) | Value::Template(_) => &UNKNOWN,
            v => v,
        }
    }

    /// True when the value or anything inside it is unknown.
    pub fn contains_unknown(&self) -> bool {
        match self.strip() {
            Value::Unknown(_) => true,
            Value::List(items) => items.iter().any(Value::contains_unknown),
            Value::Map(obj) => obj.fields().values().any(Value::contains_unknown),
            _ => false,
        }
    }

    /// True when the value or anything inside it is sensitive.
    pub fn contains_sensitive(&self) -> bool {
        match self {
            Value::Sensitive(_) => true,
            Value::List(items) => items.iter().any(Value::contains_sensitive),
            Value::Map(obj) => obj.fields().values().any(Value::contains_sensitive),
            _ => false,
        }
    }

    pub fn as_bool(&self) -> Option<bool> {
        match self.strip() {
            Value::Bool(b) => Some(*b),
            Value::String(s) if &**s == "true" => Some(true),
            Value::String(s) if &**s == "false" => Some(false),
            _ => None,
        }
    }

    pub fn as_number(&self) -> Option<f64> {
        match self.strip() {
            Value::Number(n) => Some(*n),
            Value::String(s) => s.trim().parse().ok(),
            _ => None,
        }
    }

    pub fn as_i64(&self) -> Option<i64> {
        self.as_number()
            .filter(|n| n.fract() == 0.0 && n.abs() < 9.0e15)
            .map(|n| n as i64)
    }

    pub fn as_str(&self) -> Option<&str> {
        match self.strip() {
            Value::String(s) => Some(s),
            _ => None,
        }
    }

    pub fn as_list(&self) -> Option<&[Value]> {
        match self.strip() {
            Value::List(items) => Some(items),
            _ => None,
        }
    }

    pub fn as_object(&self) -> Option<&Object> {
        match self.strip() {
            Value::Map(obj) => Some(obj),
            _ => None,
        }
    }

    /// Why a value is not known, or why the unknown parts of a list, map,
    /// document or string known in part are, as a finding or an estimate
    /// says it (see [`Unknown::why`]): "known only after apply" when every
    /// unknown in it is what a resource's provider computes, "not known from
    /// the code" otherwise.
    pub fn why_unknown(&self) -> &'static str {
        unknown_reason(self.unknowns_after_apply() == Some(true))
    }

    /// Whether every unknown in this value is what a resource's provider
    /// computes; `None` when nothing in it is unknown.
    fn unknowns_after_apply(&self) -> Option<bool> {
        match self {
            Value::Unknown(u) => Some(u.is_after_apply()),
            Value::Sensitive(inner) | Value::Document(inner) => inner.unknowns_after_apply(),
            Value::Template(pieces) => all_after_apply(pieces.iter()),
            Value::List(items) => all_after_apply(items.iter()),
            Value::Map(obj) => all_after_apply(obj.fields().values()),
            Value::Null | Value::Bool(_) | Value::Number(_) | Value::String(_) => None,
        }
    }

    pub fn as_unknown(&self) -> Option<&Unknown> {
        match self.strip() {
            Value::Unknown(u) => Some(u),
            _ => None,
        }
    }

    /// `self.<name>` for an object: a field, an unknown computed attribute
    /// (for resource objects), or `None` when the object has no such field.
    pub fn get(&self, name: &str) -> Option<Value> {
        match self {
            Value::Map(obj) => match obj.fields().get(name) {
                Some(v) => Some(v.clone()),
                None => self.get_missing(name),
            },
            _ => self.get_missing(name),
        }
    }

    /// [`Value::get`] of a name already interned (an attribute name from
    /// the syntax tree): looked up by its address ([`SortedMap::get_name`]).
    ///
    /// [`SortedMap::get_name`]: crate::fields::SortedMap::get_name
    pub fn get_name(&self, name: crate::text::Name) -> Option<Value> {
        match self {
            Value::Map(obj) => match obj.fields().get_name(name) {
                Some(v) => Some(v.clone()),
                None => self.get_missing(name.as_str()),
            },
            _ => self.get_missing(name.as_str()),
        }
    }

    /// [`Value::get`] of what is not a field of a map: of a sensitive
    /// value, a computed object's attribute not set (its fields were looked
    /// in), an unknown value.
    fn get_missing(&self, name: &str) -> Option<Value> {
        match self {
            Value::Sensitive(inner) => inner.get(name).map(Value::sensitive),
            Value::Map(obj) => obj
                .computed()
                .map(|o| Value::unknown_from(Shared::concat([o, ".", name]))),
            Value::Unknown(u) => Some(Value::Unknown(u.attr(name))),
            _ => None,
        }
    }

    /// Follows a dotted attribute path (`versioning.0.enabled` style is not
    /// supported; use [`Value::get`] and list indexing for nested blocks).
    pub fn get_path(&self, path: &[&str]) -> Option<Value> {
        self.get_segments(path.iter().copied())
    }

    /// [`Value::get_path`] over any sequence of segments. Plain maps and
    /// lists are walked by reference and only the value found is cloned;
    /// from a sensitive, computed or unknown value on, each step is taken
    /// by [`Value::get`], which marks what it returns.
    pub fn get_segments<'p>(&self, path: impl IntoIterator<Item = &'p str>) -> Option<Value> {
        let mut path = path.into_iter();
        let mut current = self;
        while let Some(segment) = path.next() {
            let next = match current {
                Value::List(items) => items.get(segment.parse::<usize>().ok()?),
                Value::Map(obj) => obj.fields().get(segment),
                _ => None,
            };
            current = match next {
                Some(value) => value,
                None => {
                    let mut owned = current.step(segment)?;
                    for segment in path {
                        owned = owned.step(segment)?;
                    }
                    return Some(owned);
                }
            };
        }
        Some(current.clone())
    }

    /// One step of a path: a list index or a field.
    fn step(&self, segment: &str) -> Option<Value> {
        match self.strip() {
            Value::List(items) => {
                let index: usize = segment.parse().ok()?;
                items.get(index).cloned()
            }
            _ => self.get(segment),
        }
    }

    /// Name of the value's type as Terraform would describe it in an error.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::Null => "null",
            Value::Bool(_) => "bool",
            Value::Number(_) => "number",
            Value::String(_) => "string",
            Value::List(_) => "list",
            Value::Map(_) => "object",
            Value::Unknown(_) | Value::Document(_) | Value::Template(_) => "unknown",
            Value::Sensitive(inner) => inner.type_name(),
        }
    }

    /// Structural equality with three-valued logic: `None` when an unknown
    /// makes the answer unknowable.
    pub fn equals(&self, other: &Value) -> Option<bool> {
        // (plain scalars, compared by the million in `contains` and
        // `index` over long lists: told at once)
        match (self, other) {
            (Value::String(a), Value::String(b)) => return Some(a == b),
            (Value::Number(a), Value::Number(b)) => return Some(a == b),
            (Value::Bool(a), Value::Bool(b)) => return Some(a == b),
            _ => {}
        }
        // a string known in part is a string, never null, and starts with
        // its known text (as Terraform refines such a string)
        for (partial, known) in [(self, other), (other, self)] {
            if let Some(pieces) = partial.template() {
                return match known.strip() {
                    Value::String(s) if !template_may_be(pieces, s) => Some(false),
                    Value::Null
                    | Value::Bool(_)
                    | Value::Number(_)
                    | Value::List(_)
                    | Value::Map(_) => Some(false),
                    _ => None,
                };
            }
        }
        // so is the JSON text of a value with unknowns in it (`jsonencode`
        // refines its result as not null) or an encoding of a text
        for (document, known) in [(self, other), (other, self)] {
            if is_document(document)
                && matches!(
                    known.strip(),
                    Value::Null
                        | Value::Bool(_)
                        | Value::Number(_)
                        | Value::List(_)
                        | Value::Map(_)
                )
            {
                return Some(false);
            }
        }
        match (self.strip(), other.strip()) {
            (Value::Unknown(_), _) | (_, Value::Unknown(_)) => None,
            (Value::Null, Value::Null) => Some(true),
            (Value::Bool(a), Value::Bool(b)) => Some(a == b),
            (Value::Number(a), Value::Number(b)) => Some(a == b),
            (Value::String(a), Value::String(b)) => Some(a == b),
            (Value::List(a), Value::List(b)) => {
                if a.len() != b.len() {
                    return Some(false);
                }
                let mut result = Some(true);
                for (x, y) in a.iter().zip(b.iter()) {
                    match x.equals(y) {
                        Some(false) => return Some(false),
                        None => result = None,
                        Some(true) => {}
                    }
                }
                result
            }
            (Value::Map(a), Value::Map(b)) => {
                if a.fields().len() != b.fields().len() || a.fields().keys().ne(b.fields().keys()) {
                    return Some(false);
                }
                let mut result = Some(true);
                for (x, y) in a.fields().values().zip(b.fields().values()) {
                    match x.equals(y) {
                        Some(false) => return Some(false),
                        None => result = None,
                        Some(true) => {}
                    }
                }
                result
            }
            _ => Some(false),
        }
    }

    /// Every unknown origin inside the value (for reference linking).
    pub fn unknown_origins(&self, out: &mut Vec<Shared>) {
        match self.strip() {
            Value::Unknown(u) => out.extend(u.origin_arc().cloned()),
            Value::List(items) => items.iter().for_each(|v| v.unknown_origins(out)),
            Value::Map(obj) => obj.fields().values().for_each(|v| v.unknown_origins(out)),
            _ => {}
        }
    }

    /// Converts to JSON as Cloudwright documents it: unknown as
    /// `{"unknown": true, "origin": …}`, sensitive as `{"sensitive": true}`.
    pub fn to_json(&self) -> serde_json::Value {
        use serde_json::Value as J;
        match self {
            Value::Null => J::Null,
            Value::Bool(b) => J::Bool(*b),
            Value::Number(n) => number_to_json(*n),
            Value::String(s) => J::String(s.to_string()),
            Value::List(items) => J::Array(items.iter().map(Value::to_json).collect()),
            Value::Map(obj) => J::Object(
                obj.fields()
                    .iter()
                    .map(|(k, v)| (k.to_string(), v.to_json()))
                    .collect(),
            ),
            Value::Unknown(u) => {
                let mut m = serde_json::Map::new();
                m.insert("unknown".into(), J::Bool(true));
                if let Some(o) = u.origin() {
                    m.insert("origin".into(), J::String(o.to_string()));
                }
                J::Object(m)
            }
            Value::Document(_) => UNKNOWN.to_json(),
            Value::Template(pieces) => {
                let mut m = serde_json::Map::new();
                m.insert("unknown".into(), J::Bool(true));
                m.insert("text".into(), J::String(template_text(pieces)));
                J::Object(m)
            }
            Value::Sensitive(_) => {
                let mut m = serde_json::Map::new();
                m.insert("sensitive".into(), J::Bool(true));
                J::Object(m)
            }
        }
    }

    /// Builds a value from plain JSON (plan/state attribute values, `jsondecode`).
    pub fn from_json(json: &serde_json::Value) -> Value {
        use serde_json::Value as J;
        match json {
            J::Null => Value::Null,
            J::Bool(b) => Value::Bool(*b),
            J::Number(n) => Value::Number(n.as_f64().unwrap_or(f64::NAN)),
            J::String(s) => Value::string(s.as_str()),
            J::Array(items) => Value::list(items.iter().map(Value::from_json).collect()),
            J::Object(m) => Value::Map(Object::new(
                m.iter()
                    .map(|(k, v)| (k.clone(), Value::from_json(v)))
                    .collect::<Fields>(),
            )),
        }
    }
}

/// Where an unknown piece of a string known in part stands in its text
/// while it is decoded as JSON: characters of a private-use area, which a
/// JSON string may hold unescaped and nothing else in the text can hold.
const HOLE_START: char = '\u{F8F0}';
const HOLE_END: char = '\u{F8F1}';

/// Whether every unknown in the values is known only after apply; `None`
/// when none of them holds an unknown.
fn all_after_apply<'v>(values: impl Iterator<Item = &'v Value>) -> Option<bool> {
    let mut found = None;
    for v in values {
        match v.unknowns_after_apply() {
            // one that is not settles it
            Some(false) => return Some(false),
            Some(true) => found = Some(true),
            None => {}
        }
    }
    found
}

/// The pieces of a text in which unknown values stand as holes — `start`,
/// the index of the value, `end` — in order: the known text around them
/// (possibly empty) and the values `value` gives for the indices. `None`
/// when a hole is not closed or names no value.
pub fn pieces_around_holes<'v>(
    text: &str,
    (start, end): (char, char),
    value: impl Fn(usize) -> Option<&'v Value>,
) -> Option<Vec<Value>> {
    let mut parts = Vec::new();
    let mut rest = text;
    while let Some(at) = rest.find(start) {
        parts.push(Value::string(&rest[..at]));
        let after = &rest[at + start.len_utf8()..];
        let close = after.find(end)?;
        parts.push(value(after[..close].parse::<usize>().ok()?)?.clone());
        rest = &after[close + end.len_utf8()..];
    }
    parts.push(Value::string(rest));
    Some(parts)
}

/// See [`Value::json_document`].
fn decode_json_known_in_part(pieces: &[Value]) -> Option<Value> {
    match pieces.first() {
        Some(Value::String(first)) if first.trim_start().starts_with(['{', '[']) => {}
        _ => return None,
    }
    let mut text = String::new();
    for (i, piece) in pieces.iter().enumerate() {
        match piece {
            Value::String(s) if !s.contains([HOLE_START, HOLE_END]) => text.push_str(s),
            Value::Unknown(_) => {
                text.push(HOLE_START);
                text.push_str(&i.to_string());
                text.push(HOLE_END);
            }
            // a JSON value of its own (`${jsonencode(x)}`): where a value
            // stands, a string of its hole alone, replaced by its structure
            // (anywhere else the quotes make the text invalid)
            _ if piece.document().is_some() => {
                text.push('"');
                text.push(HOLE_START);
                text.push_str(&i.to_string());
                text.push(HOLE_END);
                text.push('"');
            }
            _ => return None,
        }
    }
    let json: serde_json::Value = serde_json::from_str(&text).ok()?;
    with_holes(&json, pieces)
}

/// A decoded JSON value, its strings with holes made strings known in part.
fn with_holes(json: &serde_json::Value, pieces: &[Value]) -> Option<Value> {
    use serde_json::Value as J;
    Some(match json {
        J::String(s) if s.contains(HOLE_START) => {
            let parts = pieces_around_holes(s, (HOLE_START, HOLE_END), |i| pieces.get(i))?;
            match parts.as_slice() {
                // a string that is one unknown is that unknown, origin kept;
                // one that is a document, its structure
                [Value::String(a), hole, Value::String(b)] if a.is_empty() && b.is_empty() => {
                    match hole.document() {
                        Some(structure) => structure.clone(),
                        None => hole.clone(),
                    }
                }
                _ => Value::partial_string(parts),
            }
        }
        J::Array(items) => Value::list(
            items
                .iter()
                .map(|item| with_holes(item, pieces))
                .collect::<Option<Vec<_>>>()?,
        ),
        J::Object(m) => {
            let mut fields = Vec::with_capacity(m.len());
            for (k, v) in m {
                if k.contains(HOLE_START) {
                    return None;
                }
                fields.push((k.clone(), with_holes(v, pieces)?));
            }
            Value::Map(Object::new(fields.into_iter().collect::<Fields>()))
        }
        other => Value::from_json(other),
    })
}

fn number_to_json(n: f64) -> serde_json::Value {
    if n.fract() == 0.0 && n.abs() < 9.0e15 {
        serde_json::Value::from(n as i64)
    } else {
        serde_json::Number::from_f64(n)
            .map(serde_json::Value::Number)
            .unwrap_or(serde_json::Value::Null)
    }
}

/// Formats a number the way Terraform prints it: integers without a fraction.
pub fn format_number(n: f64) -> String {
    if n.fract() == 0.0 && n.abs() < 1e21 {
        itoa::Buffer::new().format(n as i128).to_string()
    } else {
        let s = format!("{n}");
        s
    }
}

/// A short, human rendering used in text output. Sensitive values are
/// redacted; long strings are kept whole (renderers decide on truncation).
/// An unknown is "(known after apply)" only when it is an attribute of a
/// managed resource, as Terraform shows it; otherwise it is "(unknown)": a
/// data source Terraform reads while planning, a root variable without a
/// value, a module Cloudwright could not read, a value made from unknowns.
impl fmt::Display for Value {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Value::Null => f.write_str("null"),
            Value::Bool(b) => write!(f, "{b}"),
            Value::Number(n) => f.write_str(&format_number(*n)),
            Value::String(s) => write!(f, "{s:?}"),
            Value::List(items) => {
                f.write_str("[")?;
                for (i, v) in items.iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{v}")?;
                }
                f.write_str("]")
            }
            Value::Map(obj) => {
                f.write_str("{")?;
                for (i, (k, v)) in obj.fields().iter().enumerate() {
                    if i > 0 {
                        f.write_str(", ")?;
                    }
                    write!(f, "{k} = {v}")?;
                }
                f.write_str("}")
            }
            Value::Unknown(u) => match u.origin() {
                Some(o) if computed_by_apply(o) => write!(f, "(known after apply: {o})"),
                Some(o) => write!(f, "(unknown: {o})"),
                None if u.is_after_apply() => f.write_str("(known after apply)"),
                None => f.write_str("(unknown)"),
            },
            Value::Document(_) => match self.why_unknown() {
                AFTER_APPLY => f.write_str("(known after apply)"),
                _ => f.write_str("(unknown)"),
            },
            Value::Template(pieces) => {
                let label = match self.why_unknown() {
                    AFTER_APPLY => "known after apply",
                    _ => "unknown",
                };
                write!(f, "({label}: {:?})", template_text(pieces))
            }
            Value::Sensitive(_) => f.write_str("(sensitive value)"),
        }
    }
}

/// Whether `v` is the text of a JSON document or encoding Cloudwright does
/// not know ([`Value::Document`]), through a sensitive mark.
fn is_document(v: &Value) -> bool {
    match v {
        Value::Document(_) => true,
        Value::Sensitive(inner) => is_document(inner),
        _ => false,
    }
}

/// Whether a string known in part (its `pieces`) may be `s`, as Terraform
/// refines such a string: by its leading known text, less its last
/// character (which an unknown piece could combine with, go-cty's
/// `StringPrefix`). Nothing is said of how it ends or how long it is.
fn template_may_be(pieces: &[Value], s: &str) -> bool {
    let leading = pieces.first().and_then(Value::as_str).unwrap_or("");
    let mut prefix = leading.chars();
    prefix.next_back();
    s.starts_with(prefix.as_str())
}

/// A string known in part as written: its known text, each unknown piece
/// `${…}` with where it comes from (`arn:aws:iam::${data.aws_caller_
/// identity.current.account_id}:root`).
fn template_text(pieces: &[Value]) -> String {
    let mut text = String::new();
    for piece in pieces {
        match piece {
            Value::String(s) => text.push_str(s),
            Value::Unknown(u) if u.origin().is_some() => {
                let o = u.origin().unwrap_or_default();
                text.push_str("${");
                text.push_str(o);
                text.push('}');
            }
            _ => text.push_str("${…}"),
        }
    }
    text
}

const AFTER_APPLY: &str = "known only after apply";
const NOT_FROM_CODE: &str = "not known from the code";

/// Why values are missing, in words: "known only after apply" when every
/// one is what a resource's provider computes, "not known from the code"
/// otherwise.
pub fn unknown_reason(computed_by_apply: bool) -> &'static str {
    match computed_by_apply {
        true => AFTER_APPLY,
        false => NOT_FROM_CODE,
    }
}

/// Whether an unknown's origin is an attribute of a managed resource
/// (`aws_vpc.main.id`, `module.net["a"].aws_subnet.this[0].id`), which the
/// provider computes when it applies — not a data source
/// (`data.aws_ami.ubuntu.id`), a variable, a provider setting or the output
/// of a module call (`module.kms.key_id`, when the module could not be read).
pub fn computed_by_apply(origin: &str) -> bool {
    let mut rest = origin_root(origin).1;
    // (a module call, or a Terraform Stack's component)
    while let Some(after) = rest
        .strip_prefix("module.")
        .or_else(|| rest.strip_prefix("component."))
    {
        // the call's name, then its instance key
        rest = &after[after.find(['.', '[']).unwrap_or(after.len())..];
        if rest.starts_with('[') {
            let close = match rest.starts_with("[\"") {
                true => rest.find("\"]").map(|i| i + 2),
                false => rest.find(']').map(|i| i + 1),
            };
            match close {
                Some(c) => rest = &rest[c..],
                None => return false,
            }
        }
        match rest.strip_prefix('.') {
            Some(r) => rest = r,
            None => return false,
        }
    }
    match rest.split_once('.') {
        Some((first, _)) => !matches!(
            first,
            "data" | "var" | "local" | "provider" | "path" | "terraform" | "each" | "count"
        ),
        // a module call's output
        None => false,
    }
}

/// How text that can only be a string — a policy's key or value read as
/// JSON, where rules and the IAM engine read policies — holds a value the
/// code does not determine: this mark, then `:` and the origin (a plain
/// unknown with one), or `~` and the string known in part with each
/// unknown piece as [`PIECE_START`], its origin (or nothing), [`PIECE_END`];
/// or the mark alone. See [`Value::unknown_mark`].
pub const UNKNOWN_MARK: &str = "\u{1}(known after apply)";
/// Around an unknown piece of a string known in part, in [`UNKNOWN_MARK`]'s text.
pub const PIECE_START: char = '\u{2}';
pub const PIECE_END: char = '\u{3}';

impl Value {
    /// The value as [`UNKNOWN_MARK`] text, when it is unknown or a string
    /// known in part (a document's text, whose structure is not kept, is
    /// the mark alone).
    pub fn unknown_mark(&self) -> Option<String> {
        if let Some(pieces) = self.template() {
            let mut text = format!("{UNKNOWN_MARK}~");
            for piece in pieces {
                match piece {
                    Value::String(s) => text.push_str(s),
                    Value::Unknown(u) => {
                        text.push(PIECE_START);
                        text.push_str(u.origin.as_deref().unwrap_or(""));
                        text.push(PIECE_END);
                    }
                    _ => text.extend([PIECE_START, PIECE_END]),
                }
            }
            return Some(text);
        }
        match self.strip() {
            // (an unknown made from values known after apply marks its
            // sentinel origin: see `origin_after_apply`)
            Value::Unknown(u) => Some(match u.origin.as_deref() {
                Some(o) => format!("{UNKNOWN_MARK}:{o}"),
                None => UNKNOWN_MARK.to_string(),
            }),
            _ => None,
        }
    }
}

/// Whether an origin an [`UNKNOWN_MARK`] carries is known only after apply:
/// a managed resource's attribute ([`computed_by_apply`]), or the mark of a
/// value made only from such, which has none ([`is_no_origin`] says so).
pub fn origin_after_apply(origin: &str) -> bool {
    origin == AFTER_APPLY_ORIGIN || computed_by_apply(origin)
}

/// Whether an origin an [`UNKNOWN_MARK`] carries stands for none: empty,
/// or the mark of a value made only from values known after apply.
pub fn is_no_origin(origin: &str) -> bool {
    origin.is_empty() || origin == AFTER_APPLY_ORIGIN
}

/// The root module an origin names when it is another's, and the address
/// in it: `live/prod/network//aws_subnet.private[0].id` is an attribute of
/// a resource of root module `live/prod/network` (a Terragrunt
/// dependency's output, read by another unit; a resource of another state
/// file its ID names). Only an instance key holds `//` in an address
/// (`aws_s3_bucket.b["http://x"]`), after a `[`; an origin without a root
/// before it is an address of the resource's own root.
pub fn origin_root(origin: &str) -> (Option<&str>, &str) {
    match split_at_double_slash(origin) {
        Some((root, address)) if !root.contains('[') => (Some(root), address),
        _ => (None, origin),
    }
}

/// `s` around its first `//`: what `split_once("//")` gives, found by a
/// byte search (a substring searcher's setup costs more than the search
/// of a short address, made for every reference of a load of layers).
fn split_at_double_slash(s: &str) -> Option<(&str, &str)> {
    let bytes = s.as_bytes();
    let mut from = 0;
    while let Some(i) = bytes[from..].iter().position(|&b| b == b'/') {
        let at = from + i;
        if bytes.get(at + 1) == Some(&b'/') {
            return Some((&s[..at], &s[at + 2..]));
        }
        from = at + 1;
    }
    None
}

/// Whether an unknown's origin is the ARN or id of a managed resource
/// (`aws_kms_key.trail.arn`): a value the provider sets when it applies,
/// never null, never empty, naming that resource (a key's ARN is not an
/// alias of an AWS-managed key, a bucket's ARN is not `"*"`).
pub fn is_resource_identifier(origin: &str) -> bool {
    let attribute = origin.rsplit('.').next().unwrap_or("");
    matches!(attribute, "arn" | "id") && computed_by_apply(origin)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    #[test]
    fn a_double_slash_splits_as_split_once_does() {
        for s in [
            "",
            "/",
            "//",
            "a//b",
            "a/b",
            "a/b//c//d",
            "live/prod//aws_s3_bucket.b[\"http://x\"]",
            "a///b",
            "ends/",
            "ends//",
            "//starts",
            "é//ü",
        ] {
            assert_eq!(split_at_double_slash(s), s.split_once("//"), "{s:?}");
        }
        assert_eq!(
            origin_root("live/prod//aws_vpc.main.id"),
            (Some("live/prod"), "aws_vpc.main.id")
        );
        let keyed = "aws_s3_bucket.b[\"http://x\"].id";
        assert_eq!(origin_root(keyed), (None, keyed));
    }

    #[test]
    fn an_origin_names_another_root_only_before_its_address() {
        assert_eq!(
            origin_root("live/network//aws_subnet.a[0].id"),
            (Some("live/network"), "aws_subnet.a[0].id")
        );
        assert_eq!(origin_root("aws_subnet.a.id"), (None, "aws_subnet.a.id"));
        // an instance key may hold `//`
        let keyed = r#"aws_s3_bucket.b["http://x"].arn"#;
        assert_eq!(origin_root(keyed), (None, keyed));
    }

    #[test]
    fn a_string_known_in_part_compares_by_its_prefix_as_terraform_refines_it() {
        let partial = Value::partial_string(vec![
            Value::string("abc"),
            Value::unknown_from("aws_vpc.main.id"),
        ]);
        assert_eq!(partial.equals(&Value::string("xyz")), Some(false));
        assert_eq!(partial.equals(&Value::string("")), Some(false));
        assert_eq!(partial.equals(&Value::Null), Some(false));
        assert_eq!(Value::Number(1.0).equals(&partial), Some(false));
        // its last known character may combine with what follows
        assert_eq!(partial.equals(&Value::string("abd")), None);
        assert_eq!(partial.equals(&Value::string("abc-1")), None);
        assert_eq!(partial.equals(&partial.clone()), None);
        // a string of unknowns alone is plainly unknown; of one, that one
        assert!(matches!(
            Value::partial_string(vec![Value::unknown(), Value::string("")]),
            Value::Unknown(_)
        ));
        let one = Value::partial_string(vec![
            Value::string(""),
            Value::unknown_from("aws_vpc.main.id"),
        ]);
        assert_eq!(one.to_string(), "(known after apply: aws_vpc.main.id)");
    }

    #[test]
    fn the_unknown_text_of_a_document_is_a_string_never_null() {
        let doc = Value::unknown_document(Value::map([(
            "Resource",
            Value::unknown_from("aws_s3_bucket.b.arn"),
        )]));
        assert_eq!(doc.equals(&Value::Null), Some(false));
        assert_eq!(Value::Null.equals(&doc.clone().sensitive()), Some(false));
        assert_eq!(doc.equals(&Value::Number(1.0)), Some(false));
        // which text it is, is not known
        assert_eq!(doc.equals(&Value::string("{}")), None);
        assert_eq!(doc.equals(&doc.clone()), None);
    }

    #[test]
    fn json_text_known_in_part_decodes_with_its_unknowns_inside_strings() {
        let arn = Value::unknown_from("aws_s3_bucket.b.arn");
        let text = |pieces: Vec<Value>| Value::partial_string(pieces);
        let policy = text(vec![
            Value::string("{\"Statement\": [{\"Principal\": \"*\", \"Resource\": [\""),
            arn.clone(),
            Value::string("\", \""),
            arn.clone(),
            Value::string("/*\"], \"Sid\": \"a\\\"b\"}]}"),
        ]);
        let doc = policy.json_document().expect("decodes");
        let statements = doc.get("Statement").unwrap();
        let st = &statements.as_list().unwrap()[0];
        assert_eq!(st.get("Principal").unwrap().as_str(), Some("*"));
        assert_eq!(st.get("Sid").unwrap().as_str(), Some("a\"b"));
        let resources = st.get("Resource").unwrap();
        let resources = resources.as_list().unwrap();
        // a string that is one unknown is that unknown, with its origin
        assert_eq!(
            resources[0].as_unknown().and_then(|u| u.origin()),
            Some("aws_s3_bucket.b.arn")
        );
        let known_in_part = resources[1].template().expect("a string known in part");
        assert_eq!(known_in_part.len(), 2);
        assert_eq!(known_in_part[1].as_str(), Some("/*"));

        // an unknown where a list, a number or a key is written: no structure
        for pieces in [
            vec![
                Value::string("{\"Action\": "),
                arn.clone(),
                Value::string("}"),
            ],
            vec![Value::string("{\"N\": 1"), arn.clone(), Value::string("}")],
            vec![Value::string("{\""), arn.clone(), Value::string("\": 1}")],
            vec![
                Value::string("not json \""),
                arn.clone(),
                Value::string("\""),
            ],
            vec![
                Value::string("{\"a\": \"\\"),
                arn.clone(),
                Value::string("\"}"),
            ],
        ] {
            assert!(text(pieces.clone()).json_document().is_none(), "{pieces:?}");
        }
        // the text of a document from jsonencode keeps its structure, also
        // where it stands for a value in JSON text around it
        let doc = Value::unknown_document(Value::map([("a", arn.clone())]));
        assert!(doc.json_document().is_some());
        let actions = Value::unknown_document(Value::list(vec![
            Value::string("s3:GetObject"),
            arn.clone(),
        ]));
        let around = text(vec![
            Value::string("{\"Effect\": \"Allow\", \"Action\": "),
            actions.clone(),
            Value::string(", \"Resource\": \"*\"}"),
        ]);
        let decoded = around.json_document().expect("decodes");
        assert_eq!(decoded.get("Effect").unwrap().as_str(), Some("Allow"));
        let action = decoded.get("Action").unwrap();
        let action = action.as_list().expect("the document's list");
        assert_eq!(action[0].as_str(), Some("s3:GetObject"));
        assert!(action[1].is_unknown());
        // inside a string literal it is no JSON value: nothing is known
        let inside = text(vec![
            Value::string("{\"Action\": \"x"),
            actions,
            Value::string("\"}"),
        ]);
        assert!(inside.json_document().is_none());
        assert!(Value::string("{}").json_document().is_none());
    }

    #[test]
    fn a_value_is_two_words() {
        // the model holds millions of them: a larger value is a larger load
        // (three words, with fat string pointers: 10% more memory resident
        // after loading the 10k corpus)
        assert_eq!(std::mem::size_of::<Value>(), 16);
        // and its variants' payloads fit one word, so its tag is a byte of
        // its own: a flag beside an unknown's origin made every match on a
        // value decode a niche, +2% of the load's instructions
        assert_eq!(std::mem::size_of::<Unknown>(), 8);
    }

    #[test]
    fn what_is_made_from_values_known_after_apply_is_known_after_apply() {
        let computed = Value::unknown_from("aws_s3_bucket.b.id");
        let data = Value::unknown_from("data.aws_caller_identity.c.account_id");
        let made = Value::unknown_made_from(&[computed.clone(), Value::string("x")]);
        assert_eq!(made.to_string(), "(known after apply)");
        assert_eq!(made.why_unknown(), "known only after apply");
        // one input the code does not determine makes it not known from the code
        let mixed = Value::unknown_made_from(&[computed.clone(), data.clone()]);
        assert_eq!(mixed.to_string(), "(unknown)");
        // made from what is made so, and kept through attributes and indices
        let again = Value::unknown_made_from(std::slice::from_ref(&made));
        assert_eq!(
            again.get("name").unwrap().why_unknown(),
            "known only after apply"
        );
        assert_eq!(
            Value::unknown_made_from(&[]).why_unknown(),
            "not known from the code"
        );
        let list = Value::list(vec![made, Value::string("a")]);
        assert_eq!(list.why_unknown(), "known only after apply");
    }

    #[test]
    fn only_resource_attributes_are_known_after_apply() {
        let shown = |origin: &str| Value::unknown_from(origin).to_string();
        assert_eq!(
            shown("aws_vpc.main.id"),
            "(known after apply: aws_vpc.main.id)"
        );
        assert_eq!(
            shown("module.net[\"a.b\"].aws_subnet.this[0].id"),
            "(known after apply: module.net[\"a.b\"].aws_subnet.this[0].id)"
        );
        assert_eq!(
            shown("module.net.module.inner[1].aws_vpc.this"),
            "(known after apply: module.net.module.inner[1].aws_vpc.this)"
        );
        assert_eq!(shown("module.kms.key_id"), "(unknown: module.kms.key_id)");
        assert_eq!(
            shown("module.kms[\"x\"].key_id"),
            "(unknown: module.kms[\"x\"].key_id)"
        );
        assert_eq!(shown("module.kms"), "(unknown: module.kms)");
        assert_eq!(
            shown("module.a.data.aws_ami.ubuntu.id"),
            "(unknown: module.a.data.aws_ami.ubuntu.id)"
        );
        assert_eq!(shown("var.password"), "(unknown: var.password)");
        assert_eq!(
            shown("provider.aws.region"),
            "(unknown: provider.aws.region)"
        );
        assert_eq!(Value::unknown().to_string(), "(unknown)");
        let doc = |v: Value| Value::unknown_document(Value::list(vec![v])).to_string();
        assert_eq!(
            doc(Value::unknown_from("aws_s3_bucket.b.arn")),
            "(known after apply)"
        );
        assert_eq!(
            doc(Value::unknown_from("data.aws_caller_identity.c.account_id")),
            "(unknown)"
        );
        assert_eq!(doc(Value::string("gzip me")), "(unknown)");
    }

    #[test]
    fn unknown_origin_grows_with_traversal() {
        let u = Unknown::with_origin("aws_subnet.private");
        let v = u.index(&Value::string("a")).attr("id");
        assert_eq!(v.origin(), Some("aws_subnet.private[\"a\"].id"));
    }

    #[test]
    fn objects_and_lists_change_in_place_only_when_nothing_else_holds_them() {
        let fields: Fields = [("a", Value::Number(1.0)), ("b", Value::Number(2.0))].into();
        let mut object = Object::with_computed(fields, Some("aws_vpc.main".into()));
        let held = object.clone();
        assert!(object.is_shared());
        // shared: the change goes to a copy, the other holder keeps its own
        object.set_computed(None);
        object.update(|f| f.values_mut().for_each(|v| *v = Value::Number(9.0)));
        assert_ne!(object.as_ptr(), held.as_ptr());
        assert_eq!(
            held.computed().map(|c| c.to_string()),
            Some("aws_vpc.main".into())
        );
        assert_eq!(held.fields().get("a").and_then(Value::as_number), Some(1.0));
        assert!(object.computed().is_none());
        assert_eq!(object.fields().keys().collect::<Vec<_>>(), ["a", "b"]);
        assert_eq!(
            object.fields().get("b").and_then(Value::as_number),
            Some(9.0)
        );
        // its own: changed where it is
        let at = object.as_ptr();
        object.update(|f| f.values_mut().for_each(|v| *v = Value::Null));
        assert_eq!(object.as_ptr(), at);
        assert!(object.fields().values().all(Value::is_null));
        // lists alike
        let mut items = Items::from(vec![Value::Number(1.0), Value::Number(2.0)]);
        let held = items.clone();
        items.update(|items| items[0] = Value::Null);
        assert_eq!(held[0].as_number(), Some(1.0));
        assert!(items[0].is_null() && items.len() == 2 && !items.is_shared());
        let at = items.as_ptr();
        items.update(|items| items[1] = Value::Null);
        assert_eq!(items.as_ptr(), at);
        // one pointer each, as every payload of a value is
        assert_eq!(size_of::<Object>(), size_of::<usize>());
        assert_eq!(size_of::<Items>(), size_of::<usize>());
    }

    #[test]
    fn computed_object_yields_unknown_with_origin() {
        let obj = Object::with_computed(
            BTreeMap::from([("bucket".to_string(), Value::string("logs"))]).into(),
            Some("aws_s3_bucket.logs".into()),
        );
        let v = Value::Map(obj);
        assert_eq!(v.get("bucket").unwrap().as_str(), Some("logs"));
        let id = v.get("id").unwrap();
        assert_eq!(
            id.as_unknown().unwrap().origin(),
            Some("aws_s3_bucket.logs.id")
        );
    }

    #[test]
    fn paths_through_plain_sensitive_computed_and_unknown_values() {
        let inner = Object::with_computed(
            BTreeMap::from([("bucket".to_string(), Value::string("logs"))]).into(),
            Some("aws_s3_bucket.logs".into()),
        );
        let secret = Object::with_computed(
            BTreeMap::from([("password".to_string(), Value::string("hunter2"))]).into(),
            None,
        );
        let root = Object::with_computed(
            BTreeMap::from([
                ("list".to_string(), Value::list(vec![Value::Map(inner)])),
                ("secret".to_string(), Value::Map(secret).sensitive()),
                ("later".to_string(), Value::unknown_from("aws_vpc.main")),
            ])
            .into(),
            None,
        );
        let v = Value::Map(root);
        // plain maps and lists, walked in place
        assert_eq!(
            v.get_path(&["list", "0", "bucket"]).unwrap().as_str(),
            Some("logs")
        );
        assert!(v.get_path(&["list", "1", "bucket"]).is_none());
        assert!(v.get_path(&["list", "x"]).is_none());
        assert!(v.get_path(&["nothing"]).is_none());
        // a field the computed object does not have is unknown, with its origin
        let id = v.get_path(&["list", "0", "id"]).unwrap();
        assert_eq!(
            id.as_unknown().unwrap().origin(),
            Some("aws_s3_bucket.logs.id")
        );
        // through a sensitive value the result stays sensitive
        let password = v.get_path(&["secret", "password"]).unwrap();
        assert!(password.is_sensitive());
        assert_eq!(password.strip().as_str(), Some("hunter2"));
        // through an unknown value the origin grows
        let cidr = v.get_path(&["later", "cidr_block"]).unwrap();
        assert_eq!(
            cidr.as_unknown().unwrap().origin(),
            Some("aws_vpc.main.cidr_block")
        );
    }

    #[test]
    fn equality_is_three_valued() {
        let a = Value::list(vec![Value::Number(1.0), Value::unknown()]);
        let b = Value::list(vec![Value::Number(1.0), Value::Number(2.0)]);
        let c = Value::list(vec![Value::Number(3.0), Value::unknown()]);
        assert_eq!(a.equals(&b), None);
        assert_eq!(c.equals(&b), Some(false));
    }

    #[test]
    fn why_a_collection_is_unknown_is_the_weakest_of_its_parts() {
        let arn = Value::unknown_from("aws_iam_role.r.arn");
        let var = Value::unknown_from("var.principal");
        let plain = Value::unknown();
        let list = |items: Vec<Value>| Value::list(items);
        assert_eq!(arn.why_unknown(), "known only after apply");
        assert_eq!(var.why_unknown(), "not known from the code");
        // every unknown part computed by the provider
        let both = list(vec![Value::string("a"), arn.clone(), arn.clone()]);
        assert_eq!(both.why_unknown(), "known only after apply");
        // one part from a variable, or made by an operation, is not
        assert_eq!(
            list(vec![arn.clone(), var]).why_unknown(),
            "not known from the code"
        );
        assert_eq!(
            list(vec![arn.clone(), plain]).why_unknown(),
            "not known from the code"
        );
        // nested, through documents, strings known in part and sensitive values
        let mut fields = Fields::default();
        fields.insert("Resource", list(vec![arn.clone()]));
        let doc = Value::Document(Arc::new(Value::Map(Object::new(fields))));
        assert_eq!(doc.why_unknown(), "known only after apply");
        let text = Value::partial_string(vec![Value::string("x-"), arn.sensitive()]);
        assert_eq!(text.why_unknown(), "known only after apply");
    }

    #[test]
    fn sensitive_is_never_rendered() {
        let v = Value::string("hunter2").sensitive();
        assert_eq!(v.to_string(), "(sensitive value)");
        assert_eq!(v.to_json(), serde_json::json!({"sensitive": true}));
        assert_eq!(v.as_str(), Some("hunter2"));
    }
}
