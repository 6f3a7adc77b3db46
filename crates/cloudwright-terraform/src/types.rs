//! Type constraints (`list(string)`, `object({ a = optional(number, 1) })`)
//! and Terraform's automatic conversions between types.

use crate::syntax::{Expr, ExprKind, ObjectKey};
use cloudwright_model::{format_number, Value};

#[derive(Clone, Debug)]
pub enum Type {
    Any,
    String,
    Number,
    Bool,
    List(Box<Type>),
    Set(Box<Type>),
    Map(Box<Type>),
    Tuple(Vec<Type>),
    Object(Vec<ObjectAttribute>),
}

#[derive(Clone, Debug)]
pub struct ObjectAttribute {
    pub name: String,
    pub ty: Type,
    pub optional: bool,
    /// The default of `optional(T, default)`, already evaluated.
    pub default: Option<Value>,
}

/// Reads a type expression. `eval_default` evaluates the default of an
/// `optional(T, default)` attribute (a constant expression).
pub fn parse_type(
    expr: &Expr,
    eval_default: &mut dyn FnMut(&Expr) -> Value,
) -> Result<Type, String> {
    match &expr.kind {
        ExprKind::Variable(name) => match name.as_str() {
            "any" => Ok(Type::Any),
            "string" => Ok(Type::String),
            "number" => Ok(Type::Number),
            "bool" => Ok(Type::Bool),
            // `list` and `map` alone were accepted by Terraform 0.11 as list(any)
            "list" => Ok(Type::List(Box::new(Type::Any))),
            "map" => Ok(Type::Map(Box::new(Type::Any))),
            "set" => Ok(Type::Set(Box::new(Type::Any))),
            other => Err(format!("unknown type `{other}`")),
        },
        // Terraform 0.11's quoted type names, which Terraform now refuses
        // (and then takes the variable as `any`)
        ExprKind::Literal(Value::String(s)) => Err(match &**s {
            "string" => "a quoted type constraint is a Terraform 0.11 form that Terraform now refuses: remove the quotes around \"string\"".to_string(),
            "list" | "map" => format!("a quoted type constraint is a Terraform 0.11 form that Terraform now refuses: remove the quotes around \"{s}\" and write {s}(string) to say its elements are strings"),
            other => format!("unknown type {other:?}: a type constraint is written without quotes (`string`, `list(string)`)"),
        }),
        ExprKind::Call(call) => {
            let arg = |i: usize| {
                call.args
                    .get(i)
                    .ok_or_else(|| format!("{}() needs an argument", call.name))
            };
            match call.name.as_str() {
                "list" => Ok(Type::List(Box::new(parse_type(arg(0)?, eval_default)?))),
                "set" => Ok(Type::Set(Box::new(parse_type(arg(0)?, eval_default)?))),
                "map" => Ok(Type::Map(Box::new(parse_type(arg(0)?, eval_default)?))),
                "tuple" => match &arg(0)?.kind {
                    ExprKind::Tuple(items) => Ok(Type::Tuple(
                        items
                            .iter()
                            .map(|t| parse_type(t, eval_default))
                            .collect::<Result<_, _>>()?,
                    )),
                    _ => Err("tuple() takes a list of types".into()),
                },
                "object" => match &arg(0)?.kind {
                    ExprKind::Object(items) => {
                        let mut attrs = Vec::new();
                        for (key, ty) in items {
                            let name = match key {
                                ObjectKey::Ident(n) => *n,
                                ObjectKey::Expr(Expr {
                                    kind: ExprKind::Variable(n),
                                    ..
                                }) => *n,
                                ObjectKey::Expr(Expr {
                                    kind: ExprKind::Literal(Value::String(s)),
                                    ..
                                }) => s.as_ref().into(),
                                _ => {
                                    return Err("object attribute names must be identifiers".into())
                                }
                            };
                            attrs.push(parse_object_attribute(name.to_string(), ty, eval_default)?);
                        }
                        attrs.sort_by(|a, b| a.name.cmp(&b.name));
                        Ok(Type::Object(attrs))
                    }
                    _ => Err("object() takes an object of attribute types".into()),
                },
                "optional" => Err("optional() is only valid for an attribute of object()".into()),
                other => Err(format!("unknown type constructor `{other}`")),
            }
        }
        _ => Err("invalid type expression".into()),
    }
}

fn parse_object_attribute(
    name: String,
    ty: &Expr,
    eval_default: &mut dyn FnMut(&Expr) -> Value,
) -> Result<ObjectAttribute, String> {
    if let ExprKind::Call(call) = &ty.kind {
        if call.name == "optional" {
            let inner = call.args.first().ok_or("optional() needs a type")?;
            let inner_ty = parse_type(inner, eval_default)?;
            let default = match call.args.get(1) {
                Some(d) => Some(convert(&eval_default(d), &inner_ty)?),
                None => None,
            };
            return Ok(ObjectAttribute {
                name,
                ty: inner_ty,
                optional: true,
                default,
            });
        }
    }
    Ok(ObjectAttribute {
        name,
        ty: parse_type(ty, eval_default)?,
        optional: false,
        default: None,
    })
}

/// Converts a value to a type the way Terraform does for variables, or says why not.
pub fn convert(value: &Value, ty: &Type) -> Result<Value, String> {
    if let Value::Sensitive(inner) = value {
        return convert(inner, ty).map(Value::sensitive);
    }
    match (value, ty) {
        (Value::Unknown(_) | Value::Document(_) | Value::Template(_), _)
        | (_, Type::Any)
        | (Value::Null, _) => Ok(value.clone()),
        (Value::String(_), Type::String) => Ok(value.clone()),
        (Value::Number(n), Type::String) => Ok(Value::string(format_number(*n))),
        (Value::Bool(b), Type::String) => Ok(Value::string(b.to_string())),
        (Value::Number(_), Type::Number) => Ok(value.clone()),
        (Value::String(s), Type::Number) => string_to_number(s.trim())
            .map(Value::Number)
            .ok_or_else(|| format!("cannot convert {s:?} to a number")),
        (Value::Bool(_), Type::Bool) => Ok(value.clone()),
        (Value::String(s), Type::Bool) => string_to_bool(s)
            .map(Value::Bool)
            .map_err(|e| format!("cannot convert {s:?}: {e}")),
        (Value::List(items), Type::List(elem)) => Ok(Value::list(convert_elements(items, elem)?)),
        (Value::List(items), Type::Set(elem)) => set_of(convert_elements(items, elem)?),
        (Value::List(items), Type::Tuple(types)) => {
            if items.len() != types.len() {
                return Err(format!(
                    "a tuple of {} elements is required, got {}",
                    types.len(),
                    items.len()
                ));
            }
            Ok(Value::list(
                items
                    .iter()
                    .zip(types)
                    .map(|(v, t)| convert(v, t))
                    .collect::<Result<_, _>>()?,
            ))
        }
        (Value::Map(obj), Type::Map(elem)) => {
            let convert_values = |elem: &Type, fields: &cloudwright_model::FieldSlice| {
                fields
                    .iter()
                    .map(|(k, v)| {
                        convert(v, elem)
                            .map(|v| (k, v))
                            .map_err(|e| format!("element {k:?}: {e}"))
                    })
                    .collect::<Result<cloudwright_model::Fields, _>>()
            };
            let mut fields = convert_values(elem, obj.fields())?;
            if has_any(elem) {
                if let Some(t) = unified(&fields.values().collect::<Vec<_>>()) {
                    fields = convert_values(&t, &fields)?;
                }
            }
            Ok(Value::map(fields))
        }
        (Value::Map(obj), Type::Object(attrs)) => {
            let mut fields = Vec::with_capacity(attrs.len());
            for attr in attrs {
                let given = obj.fields().get(&attr.name).filter(|v| !v.is_null());
                let v = match (given, attr.optional) {
                    (Some(v), _) => convert(v, &attr.ty)
                        .map_err(|e| format!("attribute {:?}: {e}", attr.name))?,
                    (None, true) => attr.default.clone().unwrap_or(Value::Null),
                    (None, false) if obj.fields().contains_key(&attr.name) => Value::Null,
                    (None, false) => return Err(format!("attribute {:?} is required", attr.name)),
                };
                fields.push((attr.name.as_str(), v));
            }
            // (an object type's attributes are few: sorted once, no tree)
            Ok(Value::map(
                fields.into_iter().collect::<cloudwright_model::Fields>(),
            ))
        }
        (v, t) => Err(format!(
            "a {} value cannot be converted to {}",
            v.type_name(),
            type_name(t)
        )),
    }
}

/// A number written as a string, as Terraform reads one (decimal, with an
/// optional sign, fraction and exponent; not `inf`, `nan` or hex).
pub(crate) fn string_to_number(s: &str) -> Option<f64> {
    let digits = s.strip_prefix(['-', '+']).unwrap_or(s);
    let decimal = digits.starts_with(|c: char| c.is_ascii_digit() || c == '.')
        && digits
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'-' | b'+'));
    decimal.then(|| s.parse().ok()).flatten()
}

/// A bool written as a string: `"true"` / `"1"`, `"false"` / `"0"`, as
/// Terraform converts them; its message otherwise.
pub(crate) fn string_to_bool(s: &str) -> Result<bool, String> {
    match s {
        "true" | "1" => Ok(true),
        "false" | "0" => Ok(false),
        _ if s.eq_ignore_ascii_case("true") || s.eq_ignore_ascii_case("false") => Err(format!(
            "a bool is required; to convert from string, use lowercase \"{}\"",
            s.to_ascii_lowercase()
        )),
        _ => Err("a bool is required".to_string()),
    }
}

/// Terraform's conversion of an argument's value to the type the
/// provider's schema gives the argument, before the provider sees it (and
/// what a plan shows): `"443"` set where a number is wanted is 443, `5`
/// where a string is wanted is `"5"`, a list given for a set loses its
/// repeats and is in the set's order. `Ok(None)` when the value already
/// is of the type. The error is Terraform's own wording (`string
/// required`, `element 0: a number is required`). Unknown values, and
/// collections holding any, are left as they are.
pub fn conform(value: &Value, ty: &Type) -> Result<Option<Value>, String> {
    match (value, ty) {
        (Value::Sensitive(inner), _) => Ok(conform(inner, ty)?.map(Value::sensitive)),
        (Value::Unknown(_) | Value::Null | Value::Document(_) | Value::Template(_), _)
        | (_, Type::Any)
        | (Value::String(_), Type::String)
        | (Value::Number(_), Type::Number)
        | (Value::Bool(_), Type::Bool) => Ok(None),
        (Value::Number(n), Type::String) => Ok(Some(Value::string(format_number(*n)))),
        (Value::Bool(b), Type::String) => {
            Ok(Some(Value::string(if *b { "true" } else { "false" })))
        }
        (Value::String(s), Type::Number) => string_to_number(s)
            .map(|n| Some(Value::Number(n)))
            .ok_or_else(|| "a number is required".to_string()),
        (Value::String(s), Type::Bool) => string_to_bool(s).map(|b| Some(Value::Bool(b))),
        (Value::List(items), Type::List(elem) | Type::Set(elem)) => {
            // copied only from the first element that changes
            let mut out: Option<Vec<Value>> = None;
            for (i, item) in items.iter().enumerate() {
                let converted = conform(item, elem).map_err(|e| format!("element {i}: {e}"))?;
                match (converted, &mut out) {
                    (Some(c), None) => {
                        let mut copy = Vec::with_capacity(items.len());
                        copy.extend_from_slice(&items[..i]);
                        copy.push(c);
                        out = Some(copy);
                    }
                    (Some(c), Some(copy)) => copy.push(c),
                    (None, Some(copy)) => copy.push(item.clone()),
                    (None, None) => {}
                }
            }
            if let Type::Set(_) = ty {
                if let Some(set) = distinct(out.as_deref().unwrap_or(items)) {
                    return Ok(Some(set));
                }
            }
            Ok(out.map(Value::list))
        }
        // a nested block type written as an argument: its attributes by
        // name (what the type has not is left as written, and reported by
        // the schema check)
        (Value::Map(obj), Type::Object(attributes)) => {
            if obj.computed().is_some() {
                // a resource's own object: its unset attributes unknown
                return Ok(None);
            }
            let mut fields: Option<cloudwright_model::Fields> = None;
            for (k, v) in obj.fields().iter() {
                let Some(attribute) = attributes.iter().find(|a| a.name == k) else {
                    continue;
                };
                let converted =
                    conform(v, &attribute.ty).map_err(|e| format!("attribute {k:?}: {e}"))?;
                if let Some(c) = converted {
                    fields.get_or_insert_with(|| obj.to_fields()).insert(k, c);
                }
            }
            Ok(fields.map(Value::map))
        }
        (Value::Map(obj), Type::Map(elem)) => {
            // copied only when an element changes
            let mut fields: Option<cloudwright_model::Fields> = None;
            for (i, (k, v)) in obj.fields().iter().enumerate() {
                let converted = conform(v, elem).map_err(|e| format!("element {k:?}: {e}"))?;
                match (converted, &mut fields) {
                    (Some(c), None) => {
                        let mut copy = cloudwright_model::Fields::with_capacity(obj.fields().len());
                        for (k, v) in obj.fields().iter().take(i) {
                            copy.insert(k, v.clone());
                        }
                        copy.insert(k, c);
                        fields = Some(copy);
                    }
                    (Some(c), Some(copy)) => {
                        copy.insert(k, c);
                    }
                    (None, Some(copy)) => {
                        copy.insert(k, v.clone());
                    }
                    (None, None) => {}
                }
            }
            Ok(fields.map(Value::map))
        }
        (_, t) => Err(format!("{} required", friendly_name(t))),
    }
}

/// A set's elements once each, in its order (strings and numbers sorted),
/// when that differs from `items`; `None` when they already are. With
/// unknown elements, only known repeats go and the order stays (which
/// elements the unknown ones equal is not known).
fn distinct(items: &[Value]) -> Option<Value> {
    // the common case: strings already in order, once each
    let ordered = items.windows(2).all(|w| match (&w[0], &w[1]) {
        (Value::String(a), Value::String(b)) => a < b,
        _ => false,
    });
    if ordered && items.first().is_none_or(|v| matches!(v, Value::String(_))) {
        return None;
    }
    if items.iter().any(Value::contains_unknown) {
        let out = first_of_each(items);
        return (out.len() < items.len()).then(|| Value::list(out));
    }
    let set = set_of(items.to_vec()).ok()?;
    let same = set.as_list().is_some_and(|s| {
        s.len() == items.len() && s.iter().zip(items).all(|(a, b)| a.equals(b) == Some(true))
    });
    (!same).then_some(set)
}

/// A type as Terraform names it in a mismatch: `list of string`.
fn friendly_name(t: &Type) -> String {
    match t {
        Type::List(e) => format!("list of {}", friendly_name(e)),
        Type::Set(e) => format!("set of {}", friendly_name(e)),
        Type::Map(e) => format!("map of {}", friendly_name(e)),
        other => type_name(other),
    }
}

/// A collection's elements converted to its element type; where that type
/// leaves something to the values (`list(any)`, `map(any)`, `tomap`), the
/// elements then take the one type they all convert to, as Terraform
/// requires of a collection (`tolist([1, "a"])` is `["1", "a"]`).
fn convert_elements(items: &[Value], elem: &Type) -> Result<Vec<Value>, String> {
    let out = convert_all(items, elem)?;
    if has_any(elem) {
        if let Some(t) = common_type(&out) {
            return convert_all(&out, &t);
        }
    }
    Ok(out)
}

/// Whether a type leaves some part of it to the value (`any`).
fn has_any(t: &Type) -> bool {
    match t {
        Type::Any => true,
        Type::List(e) | Type::Set(e) | Type::Map(e) => has_any(e),
        Type::Tuple(types) => types.iter().any(has_any),
        Type::Object(attrs) => attrs.iter().any(|a| has_any(&a.ty)),
        Type::String | Type::Number | Type::Bool => false,
    }
}

/// [`unified`] of a slice, without a pass of its own over values already
/// of one primitive type (the common case: a list of strings).
pub(crate) fn common_type(values: &[Value]) -> Option<Type> {
    let mut kind = None;
    for v in values.iter().map(Value::strip) {
        match v {
            Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                let d = std::mem::discriminant(v);
                if *kind.get_or_insert(d) != d {
                    return unified(&values.iter().collect::<Vec<_>>());
                }
            }
            Value::Null | Value::Unknown(_) => {}
            _ => return unified(&values.iter().collect::<Vec<_>>()),
        }
    }
    None
}

/// The one type values take together, as cty unifies their types: mixed
/// strings, numbers and bools are strings; sequences of one length unify
/// position by position (of several lengths, into a list of their
/// elements' type); objects with the same attributes attribute by
/// attribute (with different ones, into a map of their values' type).
/// Nulls and unknown values take any type. `None` when the values need no
/// conversion, or are of kinds no type holds together (a list beside a
/// string), which are left as they are.
pub(crate) fn unified(values: &[&Value]) -> Option<Type> {
    let known: Vec<&Value> = values
        .iter()
        .map(|v| v.strip())
        .filter(|v| !v.is_null() && !v.is_unknown())
        .collect();
    let first = *known.first()?;
    match first {
        Value::String(_) | Value::Number(_) | Value::Bool(_) => {
            let mut mixed = false;
            for v in &known {
                match v {
                    Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                        mixed |= std::mem::discriminant(*v) != std::mem::discriminant(first)
                    }
                    _ => return None,
                }
            }
            mixed.then_some(Type::String)
        }
        Value::List(items) => {
            let mut lists = Vec::with_capacity(known.len());
            for v in &known {
                match v {
                    Value::List(other) => lists.push(other),
                    _ => return None,
                }
            }
            let len = items.len();
            if lists.iter().all(|l| l.len() == len) {
                let types: Vec<Type> = (0..len)
                    .map(|i| {
                        let column: Vec<&Value> = lists.iter().map(|l| &l[i]).collect();
                        unified(&column).unwrap_or(Type::Any)
                    })
                    .collect();
                (!types.iter().all(|t| matches!(t, Type::Any))).then_some(Type::Tuple(types))
            } else {
                let all: Vec<&Value> = lists.iter().flat_map(|l| l.iter()).collect();
                unified(&all).map(|t| Type::List(Box::new(t)))
            }
        }
        Value::Map(obj) => {
            let mut maps = Vec::with_capacity(known.len());
            for v in &known {
                match v {
                    Value::Map(other) => maps.push(other.fields()),
                    _ => return None,
                }
            }
            let same_keys = maps.iter().all(|m| {
                m.len() == obj.fields().len()
                    && m.keys().zip(obj.fields().keys()).all(|(a, b)| a == b)
            });
            if same_keys {
                let attrs: Vec<ObjectAttribute> = obj
                    .fields()
                    .keys()
                    .map(|k| {
                        let column: Vec<&Value> = maps.iter().filter_map(|m| m.get(k)).collect();
                        ObjectAttribute {
                            name: k.to_string(),
                            ty: unified(&column).unwrap_or(Type::Any),
                            optional: false,
                            default: None,
                        }
                    })
                    .collect();
                (!attrs.iter().all(|a| matches!(a.ty, Type::Any))).then_some(Type::Object(attrs))
            } else {
                let all: Vec<&Value> = maps.iter().flat_map(|m| m.values()).collect();
                unified(&all).map(|t| Type::Map(Box::new(t)))
            }
        }
        _ => None,
    }
}

/// Why values' types do not unify as cty unifies them (a conditional's
/// two results, which Terraform requires to share one type): `None` when
/// they do, or may. A null, an unknown value and a resource's object (whose
/// unset attributes are not known here) take any type; strings, numbers
/// and bools unify as strings, but numbers and bools alone do not;
/// sequences of one length unify position by position, of several lengths
/// as a list of all their elements; objects with the same attributes
/// attribute by attribute, with different ones as a map of all their
/// values.
pub(crate) fn not_unifiable(values: &[&Value]) -> Option<String> {
    clash(values).map(|(mut path, what)| {
        path.reverse();
        match path.is_empty() {
            true => what,
            false => format!("at {}: {what}", path.join(", ")),
        }
    })
}

/// Where values' types clash (innermost first) and what clashes there.
fn clash(values: &[&Value]) -> Option<(Vec<String>, String)> {
    let known: Vec<&Value> = values
        .iter()
        .map(|v| v.strip())
        .filter(|v| match v {
            Value::Null | Value::Unknown(_) | Value::Document(_) => false,
            Value::Map(o) => o.computed().is_none(),
            _ => true,
        })
        .collect();
    let first = *known.first()?;
    let kind = |v: &Value| match v {
        Value::List(_) => "a list",
        Value::Map(_) => "an object",
        _ => "a primitive",
    };
    if let Some(other) = known.iter().find(|v| kind(v) != kind(first)) {
        let name = |v: &Value| match v {
            Value::String(_) => "a string",
            Value::Number(_) => "a number",
            Value::Bool(_) => "a bool",
            _ => kind(v),
        };
        return Some((Vec::new(), format!("{} and {}", name(first), name(other))));
    }
    // a clash inside one position (`element 0`, `attribute "a"`), or
    // among all the elements of collections unified as one list or map
    let within = |column: Vec<&Value>, step: String| {
        clash(&column).map(|(mut path, what)| {
            path.push(step);
            (path, what)
        })
    };
    let among = |all: Vec<&Value>, whose: &str| {
        clash(&all).map(|(_, what)| (Vec::new(), format!("{whose} share no type: {what}")))
    };
    match first {
        Value::List(items) => {
            let lists: Vec<&[Value]> = known.iter().filter_map(|v| v.as_list()).collect();
            if lists.iter().all(|l| l.len() == items.len()) {
                (0..items.len()).find_map(|i| {
                    within(
                        lists.iter().map(|l| &l[i]).collect(),
                        format!("element {i}"),
                    )
                })
            } else {
                let all = lists.iter().flat_map(|l| l.iter()).collect();
                among(all, "lists of different lengths whose elements")
            }
        }
        Value::Map(obj) => {
            let maps: Vec<&cloudwright_model::FieldSlice> = known
                .iter()
                .filter_map(|v| v.as_object())
                .map(|o| o.fields())
                .collect();
            let same_keys = maps.iter().all(|m| {
                m.len() == obj.fields().len()
                    && m.keys().zip(obj.fields().keys()).all(|(a, b)| a == b)
            });
            if same_keys {
                obj.fields().keys().find_map(|k| {
                    let column = maps.iter().filter_map(|m| m.get(k)).collect();
                    within(column, format!("attribute {k:?}"))
                })
            } else {
                let all = maps.iter().flat_map(|m| m.values()).collect();
                among(all, "objects with different attributes whose values")
            }
        }
        _ => {
            let has = |f: fn(&Value) -> bool| known.iter().any(|v| f(v));
            let mixed = !has(|v| matches!(v, Value::String(_)))
                && has(|v| matches!(v, Value::Number(_)))
                && has(|v| matches!(v, Value::Bool(_)));
            mixed.then(|| (Vec::new(), "a number and a bool".to_string()))
        }
    }
}

fn convert_all(items: &[Value], elem: &Type) -> Result<Vec<Value>, String> {
    items
        .iter()
        .enumerate()
        .map(|(i, v)| convert(v, elem).map_err(|e| format!("element {i}: {e}")))
        .collect()
}

pub fn type_name(t: &Type) -> String {
    match t {
        Type::Any => "any".into(),
        Type::String => "string".into(),
        Type::Number => "number".into(),
        Type::Bool => "bool".into(),
        Type::List(e) => format!("list({})", type_name(e)),
        Type::Set(e) => format!("set({})", type_name(e)),
        Type::Map(e) => format!("map({})", type_name(e)),
        Type::Tuple(_) => "tuple".into(),
        Type::Object(_) => "object".into(),
    }
}

/// The values once each, in the order they first come: a value that
/// [`Value::equals`] tells equal to one before it goes (unknown values,
/// equal to nothing for sure, all stay).
pub fn first_of_each<'a>(items: impl IntoIterator<Item = &'a Value>) -> Vec<Value> {
    let mut seen = Seen::default();
    items
        .into_iter()
        .filter(|v| seen.insert(v))
        .cloned()
        .collect()
}

/// Values seen, to tell whether another equals one of them as
/// [`Value::equals`] tells it for sure. Strings, numbers, bools and null —
/// the elements of nearly every set — are found by hash; lists and
/// objects by comparing them with each one seen.
#[derive(Default)]
pub struct Seen<'a> {
    scalars: crate::eval::FastSet<Scalar<'a>>,
    others: Vec<&'a Value>,
}

/// A scalar as `equals` compares it: strings by text (sensitive or not),
/// numbers by value (`-0` is `0`; NaN equals nothing, not even itself).
#[derive(PartialEq, Eq, Hash)]
enum Scalar<'a> {
    Null,
    Bool(bool),
    Number(u64),
    String(&'a str),
}

impl<'a> Seen<'a> {
    fn scalar(v: &'a Value) -> Option<Scalar<'a>> {
        match v.strip() {
            Value::Null => Some(Scalar::Null),
            Value::Bool(b) => Some(Scalar::Bool(*b)),
            Value::Number(n) if n.is_nan() => None,
            Value::Number(n) => Some(Scalar::Number(if *n == 0.0 { 0 } else { n.to_bits() })),
            Value::String(s) => Some(Scalar::String(s)),
            _ => None,
        }
    }

    /// Whether `v` equals a value seen.
    pub fn contains(&self, v: &Value) -> bool {
        match Seen::scalar(v) {
            Some(scalar) => self.scalars.contains(&scalar),
            None => self.others.iter().any(|o| o.equals(v) == Some(true)),
        }
    }

    /// Adds `v`: whether it equals none seen before.
    pub fn insert(&mut self, v: &'a Value) -> bool {
        match Seen::scalar(v) {
            Some(scalar) => self.scalars.insert(scalar),
            None if self.contains(v) => false,
            None => {
                self.others.push(v);
                true
            }
        }
    }
}

impl<'a> FromIterator<&'a Value> for Seen<'a> {
    fn from_iter<I: IntoIterator<Item = &'a Value>>(items: I) -> Seen<'a> {
        let mut seen = Seen::default();
        for v in items {
            seen.insert(v);
        }
        seen
    }
}

/// Terraform's `toset`: the elements of one type (`toset([1, "1"])` is
/// `["1"]`), duplicates removed; strings and numbers in their natural
/// order (the order `for_each` and `for` iterate a set in).
pub fn set_of(items: Vec<Value>) -> Result<Value, String> {
    if items.iter().any(Value::contains_unknown) {
        return Ok(Value::unknown());
    }
    let items = match common_type(&items) {
        Some(t) => convert_all(&items, &t)?,
        None => items,
    };
    let mut out = first_of_each(&items);
    if out.iter().all(|v| matches!(v.strip(), Value::String(_))) {
        out.sort_by(|a, b| a.as_str().cmp(&b.as_str()));
    } else if out.iter().all(|v| matches!(v.strip(), Value::Number(_))) {
        out.sort_by(|a, b| {
            a.as_number()
                .partial_cmp(&b.as_number())
                .unwrap_or(std::cmp::Ordering::Equal)
        });
    }
    Ok(Value::list(out))
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::hcl::parse_expr;

    fn ty(src: &str) -> Type {
        parse_type(&parse_expr(src).unwrap(), &mut |e| match &e.kind {
            ExprKind::Literal(v) => v.clone(),
            _ => Value::unknown(),
        })
        .unwrap()
    }

    #[test]
    fn optional_attributes_take_their_defaults() {
        let t = ty(
            "object({ name = string, size = optional(number, 20), tags = optional(map(string)) })",
        );
        let v = Value::map([("name".to_string(), Value::string("db"))]);
        assert_eq!(
            convert(&v, &t).unwrap().to_string(),
            "{name = \"db\", size = 20, tags = null}"
        );
        let missing = Value::map(cloudwright_model::Fields::new());
        assert_eq!(
            convert(&missing, &t).unwrap_err(),
            "attribute \"name\" is required"
        );
    }

    #[test]
    fn strings_convert_to_numbers_and_bools_as_terraform_reads_them() {
        for (s, n) in [("1e3", 1000.0), ("-2.5", -2.5), (".5", 0.5), ("+7", 7.0)] {
            assert_eq!(string_to_number(s), Some(n), "{s}");
        }
        for s in ["inf", "NaN", " 5", "0x10", "", "1_000", "5 "] {
            assert_eq!(string_to_number(s), None, "{s}");
        }
        assert_eq!(string_to_bool("1"), Ok(true));
        assert_eq!(string_to_bool("0"), Ok(false));
        assert_eq!(
            string_to_bool("FALSE").unwrap_err(),
            r#"a bool is required; to convert from string, use lowercase "false""#
        );
        assert_eq!(string_to_bool("yes").unwrap_err(), "a bool is required");
    }

    #[test]
    fn arguments_conform_to_their_schema_types() {
        let list = |items: &[&str]| Value::list(items.iter().map(|s| Value::string(*s)).collect());
        // nothing to convert: nothing copied
        assert!(conform(&list(&["a"]), &ty("list(string)"))
            .unwrap()
            .is_none());
        assert!(conform(&list(&["a", "b"]), &ty("set(string)"))
            .unwrap()
            .is_none());
        assert_eq!(
            conform(&list(&["b", "a", "b"]), &ty("set(string)"))
                .unwrap()
                .unwrap()
                .to_string(),
            r#"["a", "b"]"#
        );
        let ports = Value::list(vec![Value::string("443"), Value::Number(80.0)]);
        assert_eq!(
            conform(&ports, &ty("set(number)"))
                .unwrap()
                .unwrap()
                .to_string(),
            "[80, 443]"
        );
        assert_eq!(
            conform(&list(&["1", "x"]), &ty("list(number)")).unwrap_err(),
            "element 1: a number is required"
        );
        let tags = Value::map([("n", Value::Number(3.0)), ("b", Value::Bool(true))]);
        assert_eq!(
            conform(&tags, &ty("map(string)"))
                .unwrap()
                .unwrap()
                .to_string(),
            r#"{b = "true", n = "3"}"#
        );
        assert_eq!(
            conform(&tags, &ty("list(string)")).unwrap_err(),
            "list of string required"
        );
        assert_eq!(
            conform(&list(&["a"]), &Type::String).unwrap_err(),
            "string required"
        );
        // a secret stays one, converted
        let secret = Value::Number(5.0).sensitive();
        let converted = conform(&secret, &Type::String).unwrap().unwrap();
        assert!(converted.is_sensitive());
        assert_eq!(converted.strip().as_str(), Some("5"));
    }

    #[test]
    fn each_value_is_kept_once_where_it_first_comes() {
        let s = Value::string;
        let list = |items: Vec<Value>| Value::list(items);
        let items = vec![
            s("b"),
            s("a"),
            s("b").sensitive(),
            Value::Number(-0.0),
            Value::Number(0.0),
            Value::Number(f64::NAN),
            Value::Number(f64::NAN),
            Value::Null,
            Value::Null,
            Value::Bool(true),
            list(vec![s("x")]),
            list(vec![s("x")]),
            list(vec![s("y")]),
            Value::unknown(),
            Value::unknown(),
            s("a"),
        ];
        let kept = first_of_each(&items);
        let shown: Vec<String> = kept.iter().map(|v| format!("{v:?}")).collect();
        let expected: Vec<String> = [
            s("b"),
            s("a"),
            Value::Number(-0.0),
            Value::Number(f64::NAN),
            Value::Number(f64::NAN),
            Value::Null,
            Value::Bool(true),
            list(vec![s("x")]),
            list(vec![s("y")]),
            Value::unknown(),
            Value::unknown(),
        ]
        .iter()
        .map(|v| format!("{v:?}"))
        .collect();
        assert_eq!(shown, expected);
        // a set of thousands, as `toset` makes it: each once, in order
        let many: Vec<Value> = (0..3000)
            .map(|i| Value::string(format!("k{}", i % 1500)))
            .collect();
        let set = set_of(many).unwrap();
        let set = set.as_list().unwrap();
        assert_eq!(set.len(), 1500);
        assert_eq!(set[0].as_str(), Some("k0"));
        assert_eq!(set[1].as_str(), Some("k1"));
        assert_eq!(set[2].as_str(), Some("k10"));
    }

    #[test]
    fn primitive_conversions_follow_terraform() {
        assert_eq!(
            convert(&Value::string("5"), &Type::Number)
                .unwrap()
                .as_number(),
            Some(5.0)
        );
        assert_eq!(
            convert(&Value::Number(5.0), &Type::String)
                .unwrap()
                .as_str(),
            Some("5")
        );
        assert!(convert(&Value::string("x"), &Type::Bool).is_err());
        let set = convert(
            &Value::list(vec![
                Value::string("b"),
                Value::string("a"),
                Value::string("b"),
            ]),
            &ty("set(string)"),
        )
        .unwrap();
        assert_eq!(set.to_string(), "[\"a\", \"b\"]");
    }
}
