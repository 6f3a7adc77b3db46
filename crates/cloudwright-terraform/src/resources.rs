//! Resources and data sources: expansion by `count`/`for_each`, evaluation of
//! their bodies (nested and `dynamic` blocks), and provider behaviour that
//! changes meaning (`default_tags` → `tags_all`).

use crate::data_sources;
use crate::eval::{instance_object, Declared, Evaluator, ModuleScope, Trace};
use crate::instance::{resource_provider, Loader, Providers};
use crate::module::ModuleDef;
use crate::syntax::{Attribute, Block, Body, ExprKind, Name, TraversalOp};
use cloudwright_model::text::Shared;
use cloudwright_model::tri::describe_unknown;
use cloudwright_model::{
    format_number, text, FieldSlice, Fields, InstanceKey, Mode, Object, Origin, ProviderRef,
    Reference, Resource, SortedMap, Span, Value,
};
use std::sync::Arc;

/// How many instances a block has.
#[derive(Debug, Clone)]
pub enum Expansion {
    Single,
    Count(usize),
    /// (key, each.value), keys in lexical order as Terraform iterates them
    /// (each key one shared text: the instance's key, address and
    /// `each.key` are made from it without a copy)
    ForEach(Vec<(Shared, Value)>),
    /// `count`/`for_each` is known only after apply.
    Unknown,
    /// OpenTofu's `lifecycle { enabled = false }`: no instance, and the
    /// block's value is null.
    Disabled,
}

/// The key of one instance.
#[derive(Debug, Clone)]
pub enum Key {
    None,
    Index(usize),
    Name(Shared),
    Unknown,
}

impl Key {
    /// The address of this instance of the block at `block`:
    /// `block`, `block[0]`, `block["a"]` or `block[?]`.
    pub fn address(&self, block: &str) -> String {
        match self {
            Key::None => block.to_string(),
            Key::Index(i) => text::indexed([block], *i),
            Key::Name(s) => text::keyed(block, s),
            Key::Unknown => text::concat([block, "[?]"]),
        }
    }

    /// [`Key::address`] as shared text: the block's own when it has one
    /// instance, else made at once (no `String` between).
    pub fn shared_address(&self, block: &Shared) -> Shared {
        match self {
            Key::None => block.clone(),
            Key::Index(i) => Shared::concat([block, "[", itoa::Buffer::new().format(*i), "]"]),
            Key::Name(s) => Shared::keyed(block, s),
            Key::Unknown => Shared::concat([block, "[?]"]),
        }
    }

    fn instance_key(&self) -> Option<InstanceKey> {
        match self {
            Key::None => None,
            Key::Index(i) => Some(InstanceKey::Int(*i as i64)),
            Key::Name(s) => Some(InstanceKey::Str(s.clone())),
            Key::Unknown => Some(InstanceKey::Unknown),
        }
    }
}

impl Expansion {
    pub fn keys(&self) -> Vec<Key> {
        match self {
            Expansion::Single => vec![Key::None],
            Expansion::Count(n) => (0..*n).map(Key::Index).collect(),
            Expansion::ForEach(entries) => {
                entries.iter().map(|(k, _)| Key::Name(k.clone())).collect()
            }
            Expansion::Unknown => vec![Key::Unknown],
            Expansion::Disabled => Vec::new(),
        }
    }
}

/// The span of each attribute and nested block of an instance, by path
/// (`ingress[0].cidr_blocks`).
pub type Spans = SortedMap<Span>;

/// How many blocks each `dynamic` block of a body made, in the order they
/// were evaluated (a `dynamic` block's count before those its content
/// made; 0 when how many is unknown): the one thing the spans of an
/// instance's attributes depend on beyond the body's text.
pub type Shape = Vec<u32>;

/// What the evaluation of a body records beside its values, for the spans
/// of what it evaluated: its [`Shape`] always, the spans themselves when
/// asked (`spans`: the first instance of a block records them as it goes;
/// the next ones find theirs by shape, [`body_spans`]).
pub struct Record {
    pub shape: Shape,
    /// in the order evaluated ([`Spans::from_unsorted`] orders them once)
    pub spans: Option<Vec<(Name, Span)>>,
}

impl Record {
    fn spans(&mut self) -> Option<&mut Vec<(Name, Span)>> {
        self.spans.as_mut()
    }
}

/// Largest `count` or `for_each` Cloudwright expands.
const MAX_INSTANCES: usize = 10_000;

/// Evaluates `count` / `for_each` of a resource or module block, or
/// OpenTofu's `lifecycle { enabled = … }` (1.11).
pub fn expansion(ev: &mut Evaluator<'_>, block: &Block) -> Expansion {
    let count = block.body.attribute("count");
    let for_each = block.body.attribute("for_each");
    let enabled = block
        .body
        .blocks_of("lifecycle")
        .find_map(|l| l.body.attribute("enabled"));
    if let Some(attr) = enabled {
        let entered = ev.enter(&attr.origin);
        let expansion = if count.is_some() || for_each.is_some() {
            ev.error(
                attr.range,
                "`enabled` cannot be used together with `count` or `for_each`",
            );
            Expansion::Unknown
        } else {
            enabled_expansion(ev, attr)
        };
        ev.leave(entered);
        return expansion;
    }
    let (attr, expand): (_, fn(&mut Evaluator<'_>, &Attribute) -> Expansion) =
        match (count, for_each) {
            (Some(_), Some(fe)) => {
                let entered = ev.enter(&fe.origin);
                ev.error(fe.range, "`count` and `for_each` cannot be used together");
                ev.leave(entered);
                return Expansion::Unknown;
            }
            (Some(attr), None) => (attr, count_expansion),
            (None, Some(attr)) => (attr, for_each_expansion),
            (None, None) => return Expansion::Single,
        };
    let entered = ev.enter(&attr.origin);
    let mark = ev.traces.len();
    let expansion = expand(ev, attr);
    if for_each.is_some() {
        // what `each.key` and `each.value` are read from
        ev.each_sources = ev.traces[mark..]
            .iter()
            .filter(|t| matches!(t, Trace::Source(_)))
            .cloned()
            .collect();
        crate::instance::dedup(&mut ev.each_sources);
    }
    ev.leave(entered);
    expansion
}

/// `lifecycle { enabled = … }`: one instance without a key, or none.
fn enabled_expansion(ev: &mut Evaluator<'_>, attr: &Attribute) -> Expansion {
    let v = ev.eval(&attr.expr);
    match v.strip() {
        Value::Bool(true) => Expansion::Single,
        Value::Bool(false) => Expansion::Disabled,
        Value::Unknown(_) => {
            let msg = format!(
                "`enabled` is {}; the instance is evaluated as if it were enabled",
                describe_unknown(&v)
            );
            ev.warn(attr.range, msg);
            Expansion::Single
        }
        _ => {
            let msg = format!("`enabled` must be true or false, got {v}");
            ev.error(attr.range, msg);
            Expansion::Single
        }
    }
}

fn count_expansion(ev: &mut Evaluator<'_>, attr: &Attribute) -> Expansion {
    let v = ev.eval(&attr.expr);
    match v.strip() {
        Value::Unknown(_) => {
            let msg = format!(
                "`count` is {}; one instance with an unknown index stands for all of them",
                describe_unknown(&v)
            );
            ev.warn(attr.range, msg);
            Expansion::Unknown
        }
        _ => match v.as_number() {
            Some(n) if n >= 0.0 && n.fract() == 0.0 && (n as usize) <= MAX_INSTANCES => {
                Expansion::Count(n as usize)
            }
            Some(n) if n >= 0.0 && n.fract() == 0.0 => {
                ev.error(
                    attr.range,
                    format!(
                        "`count` of {} is larger than Cloudwright expands ({MAX_INSTANCES})",
                        format_number(n)
                    ),
                );
                Expansion::Unknown
            }
            _ => {
                let msg = format!("`count` must be a whole number of zero or more, got {v}");
                ev.error(attr.range, msg);
                Expansion::Unknown
            }
        },
    }
}

fn for_each_expansion(ev: &mut Evaluator<'_>, attr: &Attribute) -> Expansion {
    let v = ev.eval(&attr.expr);
    if v.is_sensitive() {
        // its keys would show in every instance's address
        ev.error(attr.range, "`for_each` must not be sensitive: its keys would be shown in the instances' addresses (Terraform refuses it; use nonsensitive() on what is safe to show)");
        return Expansion::Unknown;
    }
    // a list written as one is a tuple, which Terraform refuses whatever
    // its elements (only a set has no order to key instances by)
    let listed =
        matches!(v.strip(), Value::List(_) | Value::Unknown(_)) && ev.scope.makes_list(&attr.expr);
    if listed {
        ev.error(
            attr.range,
            "`for_each` must be a map or a set of strings, not a list (a tuple): wrap it in toset()",
        );
    }
    match v.strip() {
        Value::Unknown(_) if listed => Expansion::Unknown,
        Value::Unknown(_) => {
            let msg = format!(
                "`for_each` is {}; one instance with an unknown key stands for all of them",
                describe_unknown(&v)
            );
            ev.warn(attr.range, msg);
            Expansion::Unknown
        }
        Value::Map(obj) => Expansion::ForEach(
            obj.fields()
                .iter()
                .map(|(k, v)| (Shared::from(k), v.clone()))
                .collect(),
        ),
        Value::List(items) => {
            let mut entries = Vec::new();
            for item in items.iter() {
                match item.strip() {
                    Value::String(s) => entries.push((s.clone(), item.clone())),
                    Value::Unknown(_) => {
                        if !listed {
                            let msg = format!("a key of `for_each` is {}; one instance with an unknown key stands for all of them", describe_unknown(item));
                            ev.warn(attr.range, msg);
                        }
                        return Expansion::Unknown;
                    }
                    other => {
                        let msg = format!(
                            "`for_each` over a list needs strings (a set of strings), got {}",
                            other.type_name()
                        );
                        ev.error(attr.range, msg);
                        return Expansion::Unknown;
                    }
                }
            }
            // (a refused list's instances are still those of its set, so
            // the rest can be checked)
            entries.sort_by(|a, b| a.0.cmp(&b.0));
            entries.dedup_by(|a, b| a.0 == b.0);
            Expansion::ForEach(entries)
        }
        Value::Null => {
            ev.error(attr.range, "`for_each` must not be null");
            Expansion::Unknown
        }
        other => {
            let msg = format!(
                "`for_each` must be a map or a set of strings, got {}",
                other.type_name()
            );
            ev.error(attr.range, msg);
            Expansion::Unknown
        }
    }
}

/// Binds `count.index` / `each.key` / `each.value` for one instance; returns
/// how many bindings to remove afterwards.
pub fn bind_instance(ev: &mut Evaluator<'_>, expansion: &Expansion, key: &Key) -> usize {
    match (expansion, key) {
        (Expansion::Count(_), Key::Index(i)) => {
            ev.bind(
                cloudwright_model::name!("count"),
                count_object(Value::Number(*i as f64)),
            );
            1
        }
        (Expansion::ForEach(entries), Key::Name(k)) => {
            // the entries are in key order
            let value = entries
                .binary_search_by(|(key, _)| key.as_str().cmp(k))
                .map(|i| entries[i].1.clone())
                .unwrap_or_default();
            ev.bind(
                cloudwright_model::name!("each"),
                key_value(Value::String(k.clone()), value),
            );
            1
        }
        (Expansion::Unknown, _) => {
            ev.bind(
                cloudwright_model::name!("count"),
                count_object(Value::unknown()),
            );
            ev.bind(
                cloudwright_model::name!("each"),
                key_value(Value::unknown(), Value::unknown()),
            );
            2
        }
        _ => 0,
    }
}

/// `count` of one instance: its `index` (built in key order, as the
/// object's attributes are kept — no sorting per instance).
fn count_object(index: Value) -> Value {
    Value::Map(Object::of_sorted([(
        cloudwright_model::name!("index"),
        index,
    )]))
}

/// `each` of one instance, a `dynamic` block's iterator: its `key` and
/// `value` (in key order).
fn key_value(key: Value, value: Value) -> Value {
    Value::Map(Object::of_sorted([
        (cloudwright_model::name!("key"), key),
        (cloudwright_model::name!("value"), value),
    ]))
}

/// The value other expressions see for a block: the instance object, a list
/// (`count`), a map (`for_each`) or Unknown.
pub fn collect_instances(expansion: &Expansion, values: Vec<(Key, Value)>, address: &str) -> Value {
    match expansion {
        Expansion::Single => values
            .into_iter()
            .next()
            .map(|(_, v)| v)
            .unwrap_or_default(),
        Expansion::Count(_) => Value::list(values.into_iter().map(|(_, v)| v).collect()),
        Expansion::ForEach(_) => Value::map(
            values
                .into_iter()
                .filter_map(|(k, v)| match k {
                    Key::Name(n) => Some((Name::new(&n), v)),
                    _ => None,
                })
                .collect::<cloudwright_model::Fields>(),
        ),
        Expansion::Unknown => Value::unknown_from(address),
        Expansion::Disabled => Value::Null,
    }
}

/// Meta-arguments and meta-blocks: they shape Terraform's behaviour, they
/// are not attributes of the resource. Interned once: every attribute of
/// every instance is told apart from them by address.
fn resource_meta() -> &'static [Name] {
    static META: std::sync::LazyLock<[Name; 7]> = std::sync::LazyLock::new(|| {
        [
            "count",
            "for_each",
            "provider",
            "depends_on",
            "lifecycle",
            "provisioner",
            "connection",
        ]
        .map(Name::new)
    });
    &*META
}

/// Where evaluated spans and traces of a body go.
pub struct BodySink<'a> {
    /// Per top-level attribute (or block type) that traced something: the
    /// traces of its expressions (of a block type's, each block's after the
    /// one before), each name once.
    pub traces: &'a mut Vec<(Name, Vec<Trace>)>,
    /// Absolute address of the instance, for unknown computed attributes of nested blocks.
    pub address: &'a str,
    /// The arguments the instances of a block share, when it has several.
    pub shared: Option<&'a mut SharedArguments>,
    /// How many attributes the instance's object will hold: what the
    /// body sets and the names the provider adds (`tags_all`), so that it
    /// is made at its final size.
    pub object_size: usize,
}

/// The top-level arguments of a block with several instances that read
/// nothing of the instance (not `count`, `each` or `self`): each is
/// evaluated for the first instance, its value and traces kept for the
/// others (`element(aws_instance.web[*].id, 0)` would be a list of every
/// instance made again for each).
pub struct SharedArguments {
    /// Per argument: whether it reads the instance.
    reads_instance: Vec<bool>,
    /// Per argument: its value and traces, once evaluated.
    kept: Vec<Option<(Value, Vec<Trace>)>>,
}

impl SharedArguments {
    pub fn of(body: &Body) -> SharedArguments {
        let reads_instance = body
            .attributes
            .iter()
            .map(|attr| {
                let mut reads = false;
                attr.expr.traversals(&mut |root, _, _| {
                    reads |= matches!(root, "count" | "each" | "self");
                });
                reads
            })
            .collect();
        SharedArguments {
            reads_instance,
            kept: vec![None; body.attributes.len()],
        }
    }
}

/// The provider's schema of a body being evaluated: its arguments'
/// values are converted to the types it gives them, as Terraform does
/// before the provider sees them.
#[derive(Clone, Copy)]
pub struct Typed<'a> {
    pub types: &'a crate::schema::BodyTypes,
    /// the block, for messages: `aws_instance.web`
    pub subject: &'a str,
}

impl<'a> Typed<'a> {
    /// The types of the body's `i`-th nested block (a `dynamic` block's
    /// content).
    fn nested(self, i: usize) -> Option<Typed<'a>> {
        let types = self.types.blocks.get(i)?.as_ref()?;
        Some(Typed { types, ..self })
    }

    /// The body's `i`-th argument's value converted to its type; an error
    /// (and the value as it was) when Terraform would refuse it.
    fn conform(
        self,
        ev: &mut Evaluator<'_>,
        (i, attr): (usize, &Attribute),
        path: &str,
        value: Value,
    ) -> Value {
        let Some(ty) = self.types.attributes.get(i).copied().flatten() else {
            return value;
        };
        match crate::types::conform(&value, ty) {
            Ok(converted) => converted.unwrap_or(value),
            Err(why) => {
                let name = join(path, &attr.name);
                // (what the value is, when the whole of it is refused)
                let whole = !why.starts_with("element") && !why.starts_with("attribute");
                let got = match value.strip() {
                    Value::List(_) | Value::Map(_) if whole => {
                        format!(" (the value is a {})", value.type_name())
                    }
                    _ => String::new(),
                };
                ev.error(
                    attr.range,
                    format!(
                        "inappropriate value for `{name}` in {}: {why}{got}; Terraform refuses it",
                        self.subject
                    ),
                );
                value
            }
        }
    }
}

/// Evaluates a body: attributes by name, nested blocks as lists of objects
/// keyed by block type, `dynamic` blocks expanded in place; what it
/// evaluated is recorded for its spans in `record` when given. With a
/// schema, arguments are converted to their types.
pub fn eval_body(
    ev: &mut Evaluator<'_>,
    body: &Body,
    path: &str,
    mut record: Option<&mut Record>,
    skip: &[Name],
    mut sink: Option<&mut BodySink<'_>>,
    typed: Option<Typed<'_>>,
) -> Fields {
    let size = match sink.as_deref() {
        Some(sink) => sink.object_size,
        None => body.attributes.len() + body.blocks.len(),
    };
    let mut fields = Fields::with_capacity(size);
    for (ai, attr) in body.attributes.iter().enumerate() {
        if skip.contains(&attr.name) {
            continue;
        }
        let kept = sink
            .as_deref()
            .and_then(|s| s.shared.as_deref())
            .and_then(|shared| shared.kept[ai].clone());
        if let (Some((value, traces)), Some(sink)) = (kept, sink.as_deref_mut()) {
            // (an argument every instance shares: evaluated once)
            if let Some(spans) = record.as_deref_mut().and_then(Record::spans) {
                spans.push((attr.name, ev.span_in(&attr.origin, attr.range)));
            }
            if !traces.is_empty() {
                sink.traces.push((attr.name, traces));
            }
            fields.insert(attr.name, value);
            continue;
        }
        let mark = ev.traces.len();
        if sink.is_some() {
            ev.read_each = false;
        }
        let entered = ev.enter(&attr.origin);
        let mut value = ev.eval(&attr.expr);
        if let Some(typed) = typed {
            value = typed.conform(ev, (ai, attr), path, value);
        }
        if let Some(spans) = record.as_deref_mut().and_then(Record::spans) {
            let span = ev.span(attr.range);
            if path.is_empty() {
                spans.push((attr.name, span));
            } else {
                spans.push((Name::concat([path, ".", &attr.name]), span));
            }
        }
        ev.leave(entered);
        if let Some(sink) = sink.as_deref_mut() {
            // (an attribute that traced nothing adds nothing: neither
            // references nor provenance)
            let traces = ev.take_traces(mark);
            if let Some(shared) = sink.shared.as_deref_mut() {
                if !shared.reads_instance[ai] {
                    shared.kept[ai] = Some((value.clone(), traces.clone()));
                }
            }
            if !traces.is_empty() {
                sink.traces.push((attr.name, traces));
            }
        }
        fields.insert(attr.name, value);
    }
    // block type → (objects, unknown) in order of first appearance
    let mut groups: Vec<(Name, Objects, bool)> = Vec::with_capacity(body.blocks.len());
    for (bi, block) in body.blocks.iter().enumerate() {
        if skip.contains(&block.kind) {
            continue;
        }
        let mark = ev.traces.len();
        if sink.is_some() {
            ev.read_each = false;
        }
        let entered = ev.enter(&block.origin);
        let kind = if block.kind == "dynamic" {
            match block.labels.first() {
                Some(l) => *l,
                None => {
                    ev.error(
                        block.range,
                        "a `dynamic` block needs a label naming the block type",
                    );
                    ev.leave(entered);
                    continue;
                }
            }
        } else {
            block.kind
        };
        let index = match groups.iter().position(|(k, ..)| *k == kind) {
            Some(i) => i,
            None => {
                groups.push((kind, Objects::default(), false));
                groups.len() - 1
            }
        };
        let address = sink.as_ref().map(|s| s.address);
        if block.kind == "dynamic" {
            // (its count before the counts of the blocks its content makes)
            let slot = record.as_deref_mut().map(|record| {
                record.shape.push(0);
                record.shape.len() - 1
            });
            let expanded = expand_dynamic(
                ev,
                block,
                (&kind, groups[index].1.len()),
                path,
                record.as_deref_mut(),
                address,
                typed.and_then(|t| t.nested(bi)),
            );
            if let (Some(record), Some(slot)) = (record.as_deref_mut(), slot) {
                record.shape[slot] = expanded.as_ref().map_or(0, Vec::len) as u32;
            }
            match expanded {
                Some(objects) => groups[index].1.extend(objects),
                None => groups[index].2 = true,
            }
        } else {
            let item_path = item_path(path, &kind, groups[index].1.len());
            if let Some(spans) = record.as_deref_mut().and_then(Record::spans) {
                spans.push((Name::new(&item_path), ev.span(block.range)));
            }
            let inner = eval_body(
                ev,
                &block.body,
                &item_path,
                record.as_deref_mut(),
                &[],
                None,
                typed.and_then(|t| t.nested(bi)),
            );
            groups[index]
                .1
                .push(block_object(inner, address, &item_path));
        }
        ev.leave(entered);
        if let Some(sink) = sink.as_deref_mut() {
            let traces = ev.take_traces(mark);
            if !traces.is_empty() {
                // one entry per name: a kind's blocks after each other
                match sink.traces.iter_mut().find(|(k, _)| *k == kind) {
                    Some((_, earlier)) => earlier.extend(traces),
                    None => sink.traces.push((kind, traces)),
                }
            }
        }
    }
    for (kind, objects, unknown) in groups {
        let v = if unknown {
            Value::unknown()
        } else {
            objects.into_list()
        };
        fields.insert(kind, v);
    }
    fields
}

/// The objects of one block type of a body, in order: most types have one
/// block, kept without a vector until the list is made.
#[derive(Default)]
struct Objects {
    first: Option<Value>,
    rest: Vec<Value>,
}

impl Objects {
    fn len(&self) -> usize {
        usize::from(self.first.is_some()) + self.rest.len()
    }

    fn push(&mut self, object: Value) {
        match self.first {
            None if self.rest.is_empty() => self.first = Some(object),
            _ => self.rest.push(object),
        }
    }

    fn extend(&mut self, objects: Vec<Value>) {
        if self.len() == 0 {
            self.rest = objects;
        } else {
            self.rest.extend(objects);
        }
    }

    fn into_list(self) -> Value {
        match (self.first, self.rest.is_empty()) {
            (Some(one), true) => Value::List(cloudwright_model::value::Items::one(one)),
            (None, _) => Value::list(self.rest),
            (Some(first), false) => Value::list(std::iter::once(first).chain(self.rest).collect()),
        }
    }
}

/// The spans of what [`eval_body`] evaluated of `body`, told by its text
/// and the `shape` that evaluation recorded: each attribute's and each
/// nested block's by its path (`ingress[1].from_port`, `ingress[1]`), in
/// the file each comes from. Walks the body as `eval_body` does; only the
/// first instance of a shape needs it.
pub fn body_spans(ev: &mut Evaluator<'_>, body: &Body, skip: &[Name], shape: &[u32]) -> Spans {
    let mut spans = Vec::with_capacity(body.attributes.len() + body.blocks.len() + 1);
    let mut path = String::with_capacity(64);
    let mut shape = shape.iter();
    walk_spans(ev, body, &mut path, skip, &mut shape, &mut spans);
    Spans::from_unsorted(spans)
}

/// [`body_spans`] below `path`, the path of the block `body` is (empty
/// at the top), given back as it came.
fn walk_spans(
    ev: &mut Evaluator<'_>,
    body: &Body,
    path: &mut String,
    skip: &[Name],
    shape: &mut std::slice::Iter<'_, u32>,
    spans: &mut Vec<(Name, Span)>,
) {
    let base = path.len();
    for attr in &body.attributes {
        if skip.contains(&attr.name) {
            continue;
        }
        let span = ev.span_in(&attr.origin, attr.range);
        if base == 0 {
            spans.push((attr.name, span));
        } else {
            path.push('.');
            path.push_str(&attr.name);
            spans.push((Name::new(path), span));
            path.truncate(base);
        }
    }
    // block type → how many blocks of it so far
    let mut made: Vec<(Name, usize)> = Vec::new();
    for block in &body.blocks {
        if skip.contains(&block.kind) {
            continue;
        }
        let dynamic = block.kind == "dynamic";
        let kind = match (dynamic, block.labels.first()) {
            (false, _) => block.kind,
            (true, Some(label)) => *label,
            // (not evaluated: `eval_body` said why)
            (true, None) => continue,
        };
        let index = match made.iter().position(|(k, _)| *k == kind) {
            Some(i) => i,
            None => {
                made.push((kind, 0));
                made.len() - 1
            }
        };
        let entered = ev.enter(&block.origin);
        let (count, content) = match dynamic {
            true => (
                shape.next().copied().unwrap_or(0) as usize,
                block.body.blocks_of("content").next(),
            ),
            false => (1, Some(block)),
        };
        // (a `dynamic` block without `content` made none)
        for i in content.map_or(0..0, |_| 0..count) {
            let Some(item) = content else { break };
            if base > 0 {
                path.push('.');
            }
            path.push_str(&kind);
            text::push_index(path, made[index].1 + i);
            spans.push((Name::new(path), ev.span(item.range)));
            walk_spans(ev, &item.body, path, &[], shape, spans);
            path.truncate(base);
        }
        made[index].1 += count;
        ev.leave(entered);
    }
}

fn join(path: &str, name: &str) -> String {
    if path.is_empty() {
        name.to_string()
    } else {
        text::concat([path, ".", name])
    }
}

/// The path of a nested block: `ingress[0]`, `rule[1].statement[0]` —
/// kept inline when short, as most are (one is made per nested block of
/// every instance).
fn item_path(path: &str, kind: &str, index: usize) -> compact_str::CompactString {
    let mut digits = itoa::Buffer::new();
    let digits = digits.format(index);
    if path.is_empty() {
        text::concat_compact([kind, "[", digits, "]"])
    } else {
        text::concat_compact([path, ".", kind, "[", digits, "]"])
    }
}

/// A nested block's object; open (unset attributes unknown) when it belongs
/// to a resource instance, so references to computed nested attributes work.
fn block_object(fields: Fields, address: Option<&str>, path: &str) -> Value {
    Value::Map(Object::with_computed(
        fields,
        address.map(|a| cloudwright_model::text::Shared::concat([a, ".", path])),
    ))
}

/// Expands `dynamic "kind" { for_each = …  iterator = it  content { … } }`,
/// its blocks numbered from `first_index` (the blocks of the kind before
/// it). `None` when `for_each` is unknown (how many blocks there are is
/// unknown).
fn expand_dynamic(
    ev: &mut Evaluator<'_>,
    block: &Block,
    (kind, first_index): (&str, usize),
    path: &str,
    mut record: Option<&mut Record>,
    address: Option<&str>,
    typed: Option<Typed<'_>>,
) -> Option<Vec<Value>> {
    let Some(for_each) = block.body.attribute("for_each") else {
        ev.error(
            block.range,
            format!("dynamic block `{kind}` needs `for_each`"),
        );
        return Some(Vec::new());
    };
    let iterator = match block.body.attribute("iterator").map(|a| &a.expr.kind) {
        Some(ExprKind::Variable(name)) => *name,
        _ => kind.into(),
    };
    let Some(content) = block.body.blocks_of("content").next() else {
        ev.error(
            block.range,
            format!("dynamic block `{kind}` needs a `content` block"),
        );
        return Some(Vec::new());
    };
    let collection = ev.eval(&for_each.expr);
    let entries: Vec<(Value, Value)> = match collection.strip() {
        Value::Unknown(_) => return None,
        Value::Null => Vec::new(),
        Value::List(items) => {
            // a set iterates with key = value; a list/tuple with key = index
            items
                .iter()
                .enumerate()
                .map(|(i, v)| (Value::Number(i as f64), v.clone()))
                .collect()
        }
        Value::Map(obj) => obj
            .fields()
            .iter()
            .map(|(k, v)| (Value::string(k), v.clone()))
            .collect(),
        other => {
            let msg = format!(
                "dynamic block `for_each` must be a collection, got {}",
                other.type_name()
            );
            ev.error(for_each.range, msg);
            return Some(Vec::new());
        }
    };
    let mut out = Vec::with_capacity(entries.len());
    for (i, (key, value)) in entries.into_iter().enumerate() {
        let iter_value = key_value(key, value);
        ev.bind(iterator, iter_value);
        let item_path = item_path(path, kind, first_index + i);
        if let Some(spans) = record.as_deref_mut().and_then(Record::spans) {
            spans.push((Name::new(&item_path), ev.span(content.range)));
        }
        let inner = eval_body(
            ev,
            &content.body,
            &item_path,
            record.as_deref_mut(),
            &[],
            None,
            typed,
        );
        ev.unbind(1);
        out.push(block_object(inner, address, &item_path));
    }
    Some(out)
}

/// Whether the value holds an open object (a string, a number: no).
fn holds_open(v: &Value) -> bool {
    match v {
        Value::Map(o) => o.computed().is_some() || o.fields().values().any(holds_open),
        Value::List(items) => items.iter().any(holds_open),
        Value::Sensitive(inner) => holds_open(inner),
        _ => false,
    }
}

/// The value with every object closed: engines see only what was set.
pub fn close(v: &Value) -> Value {
    if !holds_open(v) {
        return v.clone();
    }
    match v {
        Value::Map(o) => Value::map(close_fields(o.fields())),
        Value::List(items) => Value::list(items.iter().map(close).collect()),
        Value::Sensitive(inner) => close(inner).sensitive(),
        other => other.clone(),
    }
}

/// Closed copies of the values of an object's fields.
fn close_fields(fields: &FieldSlice) -> Fields {
    fields.map_values(close)
}

/// Closes every object of the value in place: [`close`] without a copy of
/// what nothing else holds. A resource instance's object is closed so once
/// its module instance is evaluated and the scope that read it open is
/// gone; an object something else still holds (a module output that is the
/// whole resource) is copied, and that holder keeps it open.
pub fn close_in_place(v: &mut Value) {
    /// Whether the value may hold an object: told without a call.
    fn may_hold(v: &Value) -> bool {
        matches!(v, Value::Map(_) | Value::List(_) | Value::Sensitive(_))
    }
    if !holds_open(v) {
        return;
    }
    match v {
        Value::Map(o) => {
            o.set_computed(None);
            o.update(|fields| {
                fields
                    .values_mut()
                    .filter(|v| may_hold(v))
                    .for_each(close_in_place)
            });
        }
        Value::List(items) => items.update(|items| {
            items
                .iter_mut()
                .filter(|v| may_hold(v))
                .for_each(close_in_place)
        }),
        Value::Sensitive(inner) => close_in_place(Arc::make_mut(inner)),
        _ => {}
    }
}

/// The provider references of a module instance's resources, by provider
/// address: one record for all the resources of a provider, made on first
/// use with what its resources read of it.
pub type ProviderRefs = crate::eval::FastMap<String, Chosen>;

/// A traversal as written: `aws_sqs_queue.q[0].arn`.
fn traversal_text(root: &str, ops: &[TraversalOp]) -> String {
    let mut out = String::from(root);
    for op in ops {
        match op {
            TraversalOp::GetAttr(n) => {
                out.push('.');
                out.push_str(n);
            }
            TraversalOp::Index(e) => match &e.kind {
                ExprKind::Literal(Value::String(k)) => out.push_str(&format!("[{k:?}]")),
                ExprKind::Literal(Value::Number(n)) => {
                    out.push_str(&format!("[{}]", cloudwright_model::format_number(*n)))
                }
                _ => out.push_str("[…]"),
            },
            TraversalOp::FullSplat => out.push_str("[*]"),
            TraversalOp::AttrSplat => out.push_str(".*"),
        }
    }
    out
}

/// Each object a block's `depends_on` names must be declared in its module,
/// and be a whole object (`aws_s3_bucket.logs`, not `….arn`): Terraform
/// refuses the configuration otherwise. The argument has no other effect
/// on the model.
pub fn check_depends_on(ev: &mut Evaluator<'_>, body: &Body) {
    let Some(attr) = body.attribute("depends_on") else {
        return;
    };
    let mut missing = Vec::new();
    // (the reference written, the object it names, where)
    let mut partial: Vec<(String, String, crate::syntax::Range)> = Vec::new();
    attr.expr.traversals(&mut |root, ops, range| {
        let name = |i: usize| match ops.get(i) {
            Some(TraversalOp::GetAttr(n)) => Some(n.as_str()),
            _ => None,
        };
        // the object named, how many operations name it (an instance key
        // after them; for a module, the output read: Terraform takes
        // `module.x.out` as a whole object), and whether it must be
        // declared here
        let (object, mut named, declared) = match (root, name(0), name(1)) {
            ("module", Some(n), _) => (text::concat(["module.", n]), 1, true),
            ("data" | "ephemeral", Some(t), Some(n)) => {
                (text::concat([root, ".", t, ".", n]), 2, true)
            }
            ("var" | "local", Some(n), _) => (text::concat([root, ".", n]), 1, false),
            ("each" | "count" | "path" | "terraform" | "self", ..) => return,
            (t, Some(n), _) => (text::concat([t, ".", n]), 1, true),
            _ => return,
        };
        if matches!(ops.get(named), Some(TraversalOp::Index(_))) {
            named += 1;
        }
        if root == "module" && name(named).is_some() {
            named += 1;
        }
        if ops.len() > named {
            partial.push((traversal_text(root, ops), object.clone(), range));
        }
        if declared && !ev.scope.declares(&object) && !missing.contains(&object) {
            missing.push(object);
        }
    });
    let entered = ev.enter(&attr.origin);
    for key in missing {
        ev.error(
            attr.range,
            format!("depends_on: `{key}` is not declared in this module"),
        );
    }
    for (written, object, range) in partial {
        ev.error(
            range,
            format!("depends_on: `{written}` is an attribute of `{object}`; depends_on takes whole objects (`{object}`), and Terraform refuses it"),
        );
    }
    ev.leave(entered);
}

/// What a resource takes from its provider configuration.
/// The provider configuration (`aws`, `aws.west`) a resource uses.
#[derive(Clone)]
pub struct Chosen {
    region: Option<Value>,
    /// `default_tags { tags = … }`
    default_tags: Option<Value>,
    /// `hostname` (the `tfe` provider's: where `tfe_outputs` reads)
    hostname: Option<Value>,
    reference: Arc<ProviderRef>,
}

impl Chosen {
    fn of(providers: &Providers, refs: &mut ProviderRefs, address: &str) -> Chosen {
        if let Some(chosen) = refs.get(address) {
            return chosen.clone();
        }
        let provider = providers.get(address);
        let region = provider.and_then(|p| p.attributes.get("region"));
        let default_tags = provider
            .and_then(|p| p.attributes.get("default_tags"))
            .and_then(|dt| match dt.strip() {
                Value::List(items) => items.first().and_then(|o| o.get("tags")),
                _ => None,
            });
        let reference = Arc::new(ProviderRef {
            name: address.split('.').next().unwrap_or_default().to_string(),
            alias: address.split_once('.').map(|(_, a)| a.to_string()),
            region: Some(region.clone().unwrap_or_else(|| {
                Value::unknown_from(text::concat(["provider.", address, ".region"]))
            })),
        });
        // (looked up for the one provider that has it)
        let hostname = provider
            .filter(|p| p.name == "tfe")
            .and_then(|p| p.attributes.get("hostname"));
        let chosen = Chosen {
            region,
            default_tags,
            hostname,
            reference,
        };
        refs.insert(address.to_string(), chosen.clone());
        chosen
    }
}

/// What a resource instance's evaluation gathers before the model keeps
/// it, in buffers reused by every instance a root evaluates.
#[derive(Default)]
pub struct InstanceScratch {
    traces: Vec<(Name, Vec<Trace>)>,
    references: Vec<Reference>,
    provenance: ProvenanceScratch,
}

/// An instance's provenance while it is gathered: attribute → sources,
/// in one buffer the instances of a block reuse. Made into a map of its
/// own only when no instance before had the same
/// ([`crate::instance::BlockMaps::provenance_of`]).
#[derive(Default)]
pub struct ProvenanceScratch {
    /// Per attribute: its name and the range of its sources in `sources`.
    attributes: Vec<(Name, std::ops::Range<usize>)>,
    sources: Vec<Arc<cloudwright_model::ValueSource>>,
}

impl ProvenanceScratch {
    fn clear(&mut self) {
        self.attributes.clear();
        self.sources.clear();
    }

    /// A source of `attribute`: an attribute's sources come together, the
    /// first of them starting its entry.
    fn push(&mut self, attribute: Name, source: Arc<cloudwright_model::ValueSource>, first: bool) {
        let end = self.sources.len() + 1;
        match self.attributes.last_mut() {
            Some((a, range)) if *a == attribute && !first => range.end = end,
            _ => self.attributes.push((attribute, end - 1..end)),
        }
        self.sources.push(source);
    }

    /// The attributes in the order of a map's keys, each once: of an
    /// argument set twice (refused where it is written), the later, as its
    /// value is.
    fn sort(&mut self) {
        self.attributes
            .sort_by(|a, b| cloudwright_model::fields::compare(a.0.as_bytes(), b.0.as_bytes()));
        self.attributes.dedup_by(|later, kept| {
            let same = later.0 == kept.0;
            if same {
                std::mem::swap(later, kept);
            }
            same
        });
    }

    /// Whether `map` holds exactly these attributes and sources (once
    /// sorted).
    pub fn same_as(
        &self,
        map: &cloudwright_model::SortedMap<Vec<Arc<cloudwright_model::ValueSource>>>,
    ) -> bool {
        map.len() == self.attributes.len()
            && map
                .iter()
                .zip(&self.attributes)
                .all(|((k, v), (name, range))| *k == *name && v[..] == self.sources[range.clone()])
    }

    /// The map of its own (sorted).
    pub fn to_map(&self) -> cloudwright_model::SortedMap<Vec<Arc<cloudwright_model::ValueSource>>> {
        cloudwright_model::SortedMap::from_sorted(
            self.attributes
                .iter()
                .map(|(name, range)| (*name, self.sources[range.clone()].to_vec()))
                .collect(),
        )
    }
}

/// Evaluates a resource or data block into its instances. Returns the scope
/// key (`aws_vpc.main`, `aws_iam_policy_document.x`), the value references
/// see with the block's address, and the model's resources.
pub fn eval_resource(
    loader: &mut Loader<'_>,
    def: &ModuleDef,
    i: usize,
    scope: &ModuleScope,
    providers: &Providers,
    provider_refs: &mut ProviderRefs,
) -> (Shared, Declared, Vec<Resource>) {
    let decl = &def.resources[i];
    let block = def.block(decl.at);
    let file = def.file_id(decl.at);
    let source = loader.source(file);
    let key = decl.key.clone();
    // (shared text: what references to the block record)
    let block_address = match (decl.mode, scope.address.is_empty()) {
        (Mode::Managed, true) => key.clone(),
        (Mode::Managed, false) => Shared::concat([&scope.address, ".", &key]),
        (Mode::Data, true) => Shared::concat(["data.", &key]),
        (Mode::Data, false) => Shared::concat([&scope.address, ".data.", &key]),
    };
    let (provider_address, provider_key) = resource_provider(block, &decl.resource_type);
    let block_provider = Chosen::of(providers, provider_refs, &provider_address);

    let fs = loader.fs.clone();
    let mut ev = Evaluator::new(scope, &source, file, &fs);
    let data_subject;
    let subject: &str = match decl.mode {
        Mode::Managed => &key,
        Mode::Data => {
            data_subject = text::concat(["data.", &key]);
            &data_subject
        }
    };
    let typed = decl.types.as_ref().map(|types| Typed { types, subject });
    // the root module configures every alias its resources name (a
    // module's come from its caller, through `providers`)
    let unconfigured = |address: &str| {
        scope.address.is_empty() && address.contains('.') && !providers.contains_key(address)
    };
    let provider_attr = block.body.attribute("provider");
    if let (Some(attr), None) = (provider_attr, provider_key) {
        if unconfigured(&provider_address) {
            let at = attr.range;
            crate::instance::report_unconfigured_alias(&mut ev, at, &provider_address);
        }
    }
    check_depends_on(&mut ev, &block.body);
    let expansion = expansion(&mut ev, block);
    let block_span = ev.span(block.range);
    let keys = expansion.keys();
    let mut values = Vec::with_capacity(keys.len());
    let mut resources = Vec::with_capacity(keys.len());
    let checks_conditions = block.body.blocks_of("lifecycle").any(|l| {
        l.body
            .blocks
            .iter()
            .any(|b| b.kind == "precondition" || b.kind == "postcondition")
    });
    let taggable = decl.taggable;
    // the attributes an instance's object holds: the arguments and block
    // types the body sets (meta-arguments aside), `tags_all` where the
    // provider adds it — most instances fill exactly this
    let object_size = {
        let meta = resource_meta();
        let arguments = block
            .body
            .attributes
            .iter()
            .filter(|a| !meta.contains(&a.name))
            .count();
        let kind_of = |b: &Block| match (b.kind == "dynamic", b.labels.first()) {
            (true, label) => label.copied(),
            (false, _) if meta.contains(&b.kind) => None,
            (false, _) => Some(b.kind),
        };
        // (each kind once: where it first comes)
        let blocks = &block.body.blocks;
        let kinds = (0..blocks.len())
            .filter(|&i| {
                let kind = kind_of(&blocks[i]);
                kind.is_some() && !blocks[..i].iter().any(|b| kind_of(b) == kind)
            })
            .count();
        // (`tags_all` is added where the resource or its provider tags)
        let tags_all = taggable
            && decl.mode == Mode::Managed
            && block.body.attribute("tags_all").is_none()
            && (block.body.attribute("tags").is_some() || block_provider.default_tags.is_some());
        arguments + kinds + usize::from(tags_all)
    };
    // whether an instance of the block (in any root) has told its spans:
    // the first records them as it is evaluated, the next find theirs by
    // shape
    let mut spans_known = loader.block_maps(file, block.range.start, |maps| maps.has_spans());
    let mut shared = (keys.len() > 1).then(|| SharedArguments::of(&block.body));
    ev.remember_splats = keys.len() > 1;
    // an instance's traces, references and provenance are gathered in
    // buffers every instance of the root reuses (the model keeps copies
    // made to measure, or a provenance map kept before)
    let InstanceScratch {
        mut traces,
        references: mut gathered,
        mut provenance,
    } = std::mem::take(&mut loader.scratch);
    for instance_key in keys {
        let bound = bind_instance(&mut ev, &expansion, &instance_key);
        // an instance of a provider with `for_each`, chosen by this
        // instance's key (`aws.by_region[each.key]`)
        let instance_provider = provider_key.map(|key| {
            let key = ev.static_key(key).unwrap_or_else(|| "[?]".to_string());
            let address = text::concat([&provider_address, &key]);
            // (a provider whose `for_each` is unknown has an instance `[?]`)
            let keys_known = !providers.contains_key(&text::concat([&provider_address, "[?]"]));
            if key != "[?]" && keys_known && unconfigured(&address) {
                let range = provider_attr.map_or(block.range, |a| a.range);
                ev.error(
                    range,
                    format!("provider `{address}` is not configured: the provider's `for_each` has no such key"),
                );
            }
            Chosen::of(providers, provider_refs, &address)
        });
        let Chosen {
            region,
            default_tags,
            hostname,
            reference: provider_ref,
        } = instance_provider.as_ref().unwrap_or(&block_provider);
        let address = instance_key.shared_address(&block_address);
        let mut record = Record {
            shape: Shape::new(),
            spans: (!spans_known).then(|| {
                Vec::with_capacity(block.body.attributes.len() + block.body.blocks.len() + 1)
            }),
        };
        traces.clear();
        let mut sink = BodySink {
            object_size,
            traces: &mut traces,
            address: &address,
            shared: shared.as_mut(),
        };
        let mut fields = eval_body(
            &mut ev,
            &block.body,
            "",
            Some(&mut record),
            resource_meta(),
            Some(&mut sink),
            typed,
        );
        crate::schema::mark_sensitive_arguments(decl.sensitive, &mut fields);
        if checks_conditions {
            // a postcondition reads the instance as `self`
            ev.bind("self", instance_object(fields.clone(), &address));
            let subject = format!("`{address}`");
            for lifecycle in block.body.blocks_of("lifecycle") {
                let entered = ev.enter(&lifecycle.origin);
                for kind in ["precondition", "postcondition"] {
                    let blocks = lifecycle.body.blocks_of(kind);
                    crate::conditions::check_all(&mut ev, blocks, kind, &subject);
                }
                ev.leave(entered);
            }
            ev.unbind(1);
        }
        ev.unbind(bound);
        let tagged = match decl.mode {
            Mode::Managed => taggable && apply_default_tags(&mut fields, default_tags.as_ref()),
            Mode::Data => {
                let provider = data_sources::ProviderFacts {
                    region: region.as_ref(),
                    default_tags: default_tags.as_ref(),
                    hostname: hostname.as_ref(),
                };
                data_sources::computed_attributes(
                    &mut ev,
                    block,
                    &decl.resource_type,
                    &mut fields,
                    provider,
                    &address,
                );
                false
            }
        };
        // attribute → sources, in the order the attributes were evaluated
        // (sorted below, before the block's maps are locked)
        provenance.clear();
        // (each in order without repeats: `Evaluator::take_traces`)
        for (attribute, attr_traces) in traces.drain(..) {
            let mut first = true;
            for t in attr_traces {
                match t {
                    Trace::Reference {
                        target,
                        attribute: target_attribute,
                    } => {
                        if *target != *address && *target != *block_address {
                            gathered.push(Reference {
                                attribute,
                                target,
                                target_attribute,
                            });
                        }
                    }
                    Trace::Source(s) => {
                        provenance.push(attribute, s, first);
                        first = false;
                    }
                }
            }
        }
        gathered.sort();
        gathered.dedup();
        // (what the model keeps, sized once; the buffer stays for the next)
        let mut references = Vec::with_capacity(gathered.len());
        references.append(&mut gathered);
        // `tags_all` is where the resource's `tags` are, or its block
        let with_tags_all = |mut spans: Spans| {
            if tagged {
                let span = spans.get("tags").copied().unwrap_or(block_span);
                spans.insert(cloudwright_model::name!("tags_all"), span);
            }
            spans
        };
        provenance.sort();
        let Record { shape, spans } = record;
        let recorded = spans.map(|spans| with_tags_all(Spans::from_unsorted(spans)));
        let (attribute_spans, provenance) = loader.block_maps(file, block.range.start, |maps| {
            let spans = match recorded {
                Some(spans) => Some(maps.keep_spans(shape.clone(), tagged, spans)),
                None => maps.spans(&shape, tagged),
            };
            (spans, maps.provenance_of(&provenance))
        });
        spans_known = true;
        // the spans follow from the text and the shape: an instance of a
        // shape not seen before walks the body for them
        let attribute_spans = attribute_spans.unwrap_or_else(|| {
            let spans = with_tags_all(body_spans(&mut ev, &block.body, resource_meta(), &shape));
            loader.block_maps(file, block.range.start, |maps| {
                maps.keep_spans(shape, tagged, spans)
            })
        });
        let index = instance_key.instance_key();
        // (the model's copy is closed in place once the module instance is
        // evaluated: `close_in_place`)
        let object = instance_object(fields, &address);
        values.push((instance_key, object.clone()));
        resources.push(Resource {
            address,
            root: loader.root_display.clone(),
            mode: decl.mode,
            resource_type: decl.resource_type.clone(),
            name: decl.name.clone(),
            module: scope.module.clone(),
            index,
            provider: provider_ref.clone(),
            attributes: object,
            span: Some(block_span),
            attribute_spans,
            references,
            provenance,
            origin: Origin::Configuration,
            actions: Vec::new(),
        });
    }
    loader.scratch = InstanceScratch {
        traces,
        references: gathered,
        provenance,
    };
    loader.diagnostics.append(&mut ev.diagnostics);
    drop(ev);
    let value = collect_instances(&expansion, values, &block_address);
    let declared = Declared {
        value,
        address: block_address,
    };
    (key, declared, resources)
}

/// The AWS provider merges its `default_tags` into every taggable
/// resource's `tags_all` (resource tags win on conflicts); `fields` are a
/// taggable resource's. Whether it set a known `tags_all`, which has the
/// span of `tags` (or of the block).
fn apply_default_tags(fields: &mut Fields, default_tags: Option<&Value>) -> bool {
    if fields.contains_key("tags_all") {
        return false;
    }
    let tags = fields.get("tags").cloned().filter(|t| !t.is_null());
    if tags.is_none() && default_tags.is_none() {
        return false;
    }
    if let (None, Some(defaults @ Value::Map(_))) = (&tags, default_tags) {
        // the common case: share the provider's map instead of copying it
        fields.insert(cloudwright_model::name!("tags_all"), defaults.clone());
        return true;
    }
    // the defaults, the resource's own winning where both set a key
    let none = Fields::new();
    let mut maps: [&FieldSlice; 2] = [&none, &none];
    for (slot, source) in maps.iter_mut().zip([default_tags, tags.as_ref()]) {
        match source.map(Value::strip) {
            Some(Value::Map(obj)) => *slot = obj.fields(),
            None | Some(Value::Null) => {}
            Some(_) => {
                fields.insert(cloudwright_model::name!("tags_all"), Value::unknown());
                return false;
            }
        }
    }
    let merged = maps[0].merged(maps[1]);
    fields.insert(cloudwright_model::name!("tags_all"), Value::map(merged));
    true
}
