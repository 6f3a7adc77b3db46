//! Collection functions: <https://developer.hashicorp.com/terraform/language/functions#collection-functions>

use super::{arity, boolean, fail, integer, list, number, object, string, strings, CallResult};
use crate::types::{common_type, convert, set_of, Seen, Type};
use cloudwright_model::{format_number, Fields, Value};
use std::collections::BTreeMap;

pub fn call(name: &str, args: &[Value]) -> Option<CallResult> {
    Some(match name {
        "length" => length(args),
        "concat" => concat(args),
        "merge" => merge(args),
        "lookup" => lookup(args),
        "element" => element(args),
        "flatten" => arity(args, 1).and_then(|_| {
            let mut out = Vec::new();
            Ok(if flatten_into(&args[0], &mut out)? {
                Value::list(out)
            } else {
                Value::unknown_made_from(args)
            })
        }),
        "slice" => slice(args),
        "reverse" => arity(args, 1).and_then(|_| {
            let mut items = list(&args[0])?.to_vec();
            items.reverse();
            Ok(Value::list(items))
        }),
        "zipmap" => zipmap(args),
        "one" => one(args),
        "keys" => arity(args, 1).and_then(|_| {
            Ok(Value::list(
                object(&args[0])?
                    .fields()
                    .keys()
                    .map(Value::string)
                    .collect(),
            ))
        }),
        "values" => arity(args, 1).and_then(|_| {
            Ok(Value::list(
                object(&args[0])?.fields().values().cloned().collect(),
            ))
        }),
        "coalesce" => coalesce(args),
        "coalescelist" => coalescelist(args),
        "compact" => arity(args, 1).and_then(|_| {
            Ok(Value::list(
                list(&args[0])?
                    .iter()
                    .filter(|v| !v.is_null() && v.as_str() != Some(""))
                    .cloned()
                    .collect(),
            ))
        }),
        "contains" => contains(args),
        "distinct" => arity(args, 1).and_then(|_| {
            let items = as_list_of_one_type(&args[0]);
            Ok(Value::list(crate::types::first_of_each(list(&items)?)))
        }),
        "index" => arity(args, 2).and_then(|_| {
            list(&args[0])?
                .iter()
                .position(|v| v.equals(&args[1]) == Some(true))
                .map(|i| Value::Number(i as f64))
                .ok_or_else(|| super::CallError::Failed(NOT_IN_LIST.into()))
        }),
        "chunklist" => chunklist(args),
        "alltrue" => arity(args, 1).and_then(|_| {
            let mut all = true;
            for v in list(&args[0])? {
                all &= boolean(v)?;
            }
            Ok(Value::Bool(all))
        }),
        "anytrue" => arity(args, 1).and_then(|_| {
            let mut any = false;
            for v in list(&args[0])? {
                any |= boolean(v)?;
            }
            Ok(Value::Bool(any))
        }),
        "range" => range(args),
        "sort" => arity(args, 1).and_then(|_| {
            let mut items = strings(&args[0])?;
            items.sort();
            Ok(super::string_list(items))
        }),
        "sum" => arity(args, 1).and_then(|_| {
            let items = list(&args[0])?;
            if items.is_empty() {
                return fail("cannot sum an empty list");
            }
            let mut total = 0.0;
            for v in items {
                total += number(v)?;
            }
            Ok(Value::Number(total))
        }),
        "matchkeys" => matchkeys(args),
        "transpose" => transpose(args),
        "setunion" => concat(args).and_then(|all| set_of(list(&all)?.to_vec()).or_else(fail)),
        "setintersection" => intersection(args),
        "setsubtract" => arity(args, 2).and_then(|_| {
            let b: Seen = list(&args[1])?.iter().collect();
            let kept = list(&args[0])?
                .iter()
                .filter(|a| !b.contains(a))
                .cloned()
                .collect();
            set_of(kept).or_else(fail)
        }),
        "setproduct" => setproduct(args),
        _ => return None,
    })
}

fn length(args: &[Value]) -> CallResult {
    arity(args, 1)?;
    Ok(Value::Number(match &args[0] {
        // characters are grapheme clusters, as cty counts them
        Value::String(s) => super::strings::cluster_count(s) as f64,
        Value::List(items) => items.len() as f64,
        Value::Map(obj) => obj.fields().len() as f64,
        other => {
            return fail(format!(
                "cannot take the length of a {} value",
                other.type_name()
            ))
        }
    }))
}

fn concat(args: &[Value]) -> CallResult {
    let mut out = Vec::new();
    for a in args {
        out.extend(list(a)?.iter().cloned());
    }
    Ok(Value::list(out))
}

fn merge(args: &[Value]) -> CallResult {
    let mut objects = Vec::with_capacity(args.len());
    for a in args {
        if !a.is_null() {
            objects.push(object(a)?.fields());
        }
    }
    Ok(Value::map(Fields::merged_all(&objects)))
}

/// `merge` of known objects (and nulls), some of them or of their
/// attributes marked sensitive: the attributes keep their marks, the result
/// is marked as a whole where an argument is; `None` for any other
/// arguments (an unknown, a value of another type), which the plain
/// `merge` answers.
pub(crate) fn merge_keeping_marks(args: &[Value]) -> Option<Value> {
    let mut whole = false;
    let mut objects = Vec::with_capacity(args.len());
    for a in args {
        let inner = match a {
            Value::Sensitive(inner) => {
                whole = true;
                &**inner
            }
            other => other,
        };
        match inner {
            Value::Null => {}
            Value::Map(obj) => objects.push(obj.fields()),
            _ => return None,
        }
    }
    let merged = Value::map(Fields::merged_all(&objects));
    Some(if whole { merged.sensitive() } else { merged })
}

fn lookup(args: &[Value]) -> CallResult {
    if !(2..=3).contains(&args.len()) {
        return fail("lookup takes a map, a key and an optional default");
    }
    let obj = object(&args[0])?;
    let key = string(&args[1])?;
    match obj.fields().get(&key) {
        Some(v) => Ok(v.clone()),
        None => match args.get(2) {
            Some(default) => Ok(default.clone()),
            None => fail(format!(
                "the map has no key {key:?} and no default was given"
            )),
        },
    }
}

fn element(args: &[Value]) -> CallResult {
    arity(args, 2)?;
    let items = list(&args[0])?;
    if items.is_empty() {
        return fail("cannot use element() on an empty list");
    }
    let i = integer(&args[1])?;
    if i < 0 {
        return fail("element() index must not be negative");
    }
    // element wraps around: element(["a","b"], 3) is "b"
    Ok(items[i as usize % items.len()].clone())
}

/// Returns false when an unknown element hides how many elements there are.
fn flatten_into(v: &Value, out: &mut Vec<Value>) -> Result<bool, super::CallError> {
    for item in list(v)? {
        match item {
            Value::List(_) => {
                if !flatten_into(item, out)? {
                    return Ok(false);
                }
            }
            // (an ID or ARN a provider computes is a string, never a list:
            // an element, as Terraform, knowing its type, keeps it)
            Value::Unknown(u)
                if u.origin()
                    .is_some_and(cloudwright_model::value::is_resource_identifier) =>
            {
                out.push(item.clone())
            }
            Value::Unknown(_) => return Ok(false),
            other => out.push(other.clone()),
        }
    }
    Ok(true)
}

fn slice(args: &[Value]) -> CallResult {
    arity(args, 3)?;
    let items = list(&args[0])?;
    let start = integer(&args[1])?;
    let end = integer(&args[2])?;
    if start < 0 || end < start || end as usize > items.len() {
        return fail(format!(
            "slice indices {start}..{end} are out of range for a list of {}",
            items.len()
        ));
    }
    Ok(Value::list(items[start as usize..end as usize].to_vec()))
}

/// `slice` of a list the code does not determine, by known indices: that
/// many elements, each the list's element at its index (Terraform refuses a
/// range beyond the list, so when it evaluates the list has them):
/// `slice(data.aws_availability_zones.available.names, 0, 3)` is three
/// zones, `…names[0]` to `…names[2]`. `None` for anything else.
pub fn slice_partial(args: &[Value]) -> Option<Value> {
    let [list, start, end] = args else {
        return None;
    };
    let Value::Unknown(u) = list.strip() else {
        return None;
    };
    let (start, end) = (start.as_number()?, end.as_number()?);
    let whole = |n: f64| n >= 0.0 && n.fract() == 0.0 && n <= MAX_SLICE;
    if !whole(start) || !whole(end) || end < start {
        return None;
    }
    let items = (start as usize..end as usize)
        .map(|i| Value::Unknown(u.index(&Value::Number(i as f64))))
        .collect();
    Some(Value::list(items))
}

/// The longest range of an unknown list `slice` lays out.
const MAX_SLICE: f64 = 1024.0;

fn zipmap(args: &[Value]) -> CallResult {
    arity(args, 2)?;
    let keys = strings(&args[0])?;
    let values = list(&args[1])?;
    if keys.len() != values.len() {
        return fail("zipmap needs lists of the same length");
    }
    Ok(Value::map(
        keys.into_iter()
            .zip(values.iter().cloned())
            .collect::<cloudwright_model::Fields>(),
    ))
}

fn one(args: &[Value]) -> CallResult {
    arity(args, 1)?;
    let items = list(&args[0])?;
    match items.len() {
        0 => Ok(Value::Null),
        1 => Ok(items[0].clone()),
        n => fail(format!(
            "one() needs a list of zero or one element, got {n}"
        )),
    }
}

fn coalescelist(args: &[Value]) -> CallResult {
    for a in args {
        if !list(a)?.is_empty() {
            return Ok(a.clone());
        }
    }
    fail("no non-empty list in the arguments")
}

/// A list argument of a function whose parameter is `list(any)`
/// (`distinct`, `chunklist`): its elements of the one type they convert to
/// (`distinct([1, "1"])` is `["1"]`). Anything else is returned as it is.
fn as_list_of_one_type(v: &Value) -> Value {
    convert(v, &Type::List(Box::new(Type::Any))).unwrap_or_else(|_| v.clone())
}

/// The first argument neither null nor `""`, of the type all the
/// arguments convert to (`coalesce(1, "a")` is `"1"`).
fn coalesce(args: &[Value]) -> CallResult {
    let common = common_type(args);
    for a in args {
        let a = match &common {
            Some(t) => convert(a, t).unwrap_or_else(|_| a.clone()),
            None => a.clone(),
        };
        match a {
            Value::Null => continue,
            Value::String(s) if s.is_empty() => continue,
            other => return Ok(other),
        }
    }
    fail("no non-null, non-empty argument")
}

/// `coalesce` of strings some of which are unknown: the first argument that
/// is certainly neither null nor `""` — a known string, a string known in
/// part (its known text is not empty), a managed resource's ARN or id —
/// when every argument before it is null or `""`; an unknown argument that
/// only null and `""` follow (the result is that value, or an error); `None`
/// (unknown) when an unknown that may be null or empty comes first, or an
/// argument is not a string.
pub fn coalesce_partial(args: &[Value]) -> Option<Value> {
    let certainly_set = |a: &Value| {
        a.template().is_some()
            || a.as_unknown()
                .and_then(|u| u.origin())
                .is_some_and(cloudwright_model::value::is_resource_identifier)
    };
    let empty = |a: &Value| a.is_null() || a.as_str() == Some("");
    for (i, a) in args.iter().enumerate() {
        match a.strip() {
            _ if a.is_unknown() => {
                return (certainly_set(a) || args[i + 1..].iter().all(empty)).then(|| a.clone());
            }
            Value::Null => {}
            Value::String(s) if s.is_empty() => {}
            Value::String(_) => return Some(a.clone()),
            _ => return None,
        }
    }
    None
}

/// What `index` says of a value not in the list.
pub(super) const NOT_IN_LIST: &str = "the value is not in the list";

fn contains(args: &[Value]) -> CallResult {
    arity(args, 2)?;
    let mut unknown = false;
    for v in list(&args[0])? {
        match v.equals(&args[1]) {
            Some(true) => return Ok(Value::Bool(true)),
            None => unknown = true,
            Some(false) => {}
        }
    }
    Ok(if unknown {
        Value::unknown_made_from(args)
    } else {
        Value::Bool(false)
    })
}

fn chunklist(args: &[Value]) -> CallResult {
    arity(args, 2)?;
    let converted = as_list_of_one_type(&args[0]);
    let items = list(&converted)?;
    let size = integer(&args[1])?;
    if size < 0 {
        return fail("chunk size must not be negative");
    }
    if size == 0 {
        return Ok(Value::list(vec![args[0].clone()]));
    }
    Ok(Value::list(
        items
            .chunks(size as usize)
            .map(|c| Value::list(c.to_vec()))
            .collect(),
    ))
}

fn range(args: &[Value]) -> CallResult {
    let nums: Vec<f64> = args.iter().map(number).collect::<Result<_, _>>()?;
    let (start, end, step) = match nums.as_slice() {
        [end] => (0.0, *end, 1.0),
        [start, end] => (*start, *end, if end >= start { 1.0 } else { -1.0 }),
        [start, end, step] => (*start, *end, *step),
        _ => return fail("range takes one to three numbers"),
    };
    if step == 0.0 {
        return fail("range step must not be zero");
    }
    if (step > 0.0 && start > end) || (step < 0.0 && start < end) {
        return fail("range step moves away from the end");
    }
    let count = ((end - start) / step).ceil().max(0.0);
    if count > 1024.0 {
        return fail(format!(
            "range would produce {} elements; Terraform's limit is 1024",
            format_number(count)
        ));
    }
    Ok(Value::list(
        (0..count as usize)
            .map(|i| Value::Number(start + step * i as f64))
            .collect(),
    ))
}

fn matchkeys(args: &[Value]) -> CallResult {
    arity(args, 3)?;
    let values = list(&args[0])?;
    let keys = list(&args[1])?;
    let search = list(&args[2])?;
    if values.len() != keys.len() {
        return fail("matchkeys needs values and keys of the same length");
    }
    Ok(Value::list(
        values
            .iter()
            .zip(keys)
            .filter(|(_, k)| search.iter().any(|s| s.equals(k) == Some(true)))
            .map(|(v, _)| v.clone())
            .collect(),
    ))
}

fn transpose(args: &[Value]) -> CallResult {
    arity(args, 1)?;
    let mut out: BTreeMap<String, Vec<String>> = BTreeMap::new();
    for (k, v) in object(&args[0])?.fields() {
        for item in strings(v)? {
            out.entry(item).or_default().push(k.to_string());
        }
    }
    Ok(Value::map(
        out.into_iter()
            .map(|(k, v)| (k, super::string_list(v)))
            .collect::<cloudwright_model::Fields>(),
    ))
}

/// `setintersection`: the elements of the first set in every other.
fn intersection(args: &[Value]) -> CallResult {
    let Some((first, rest)) = args.split_first() else {
        return fail("needs at least one set");
    };
    let mut current = list(first)?.to_vec();
    for other in rest {
        let other: Seen = list(other)?.iter().collect();
        current.retain(|v| other.contains(v));
    }
    set_of(current).or_else(fail)
}

fn setproduct(args: &[Value]) -> CallResult {
    if args.is_empty() {
        return fail("setproduct needs at least one set");
    }
    let mut product: Vec<Vec<Value>> = vec![vec![]];
    for a in args {
        let items = list(a)?;
        let mut next = Vec::with_capacity(product.len() * items.len());
        for prefix in &product {
            for item in items {
                let mut row = prefix.clone();
                row.push(item.clone());
                next.push(row);
            }
        }
        product = next;
        if product.len() > 100_000 {
            return fail("setproduct result is too large");
        }
    }
    Ok(Value::list(product.into_iter().map(Value::list).collect()))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn n(x: f64) -> Value {
        Value::Number(x)
    }

    #[test]
    fn element_wraps_and_range_counts() {
        let l = Value::list(vec![Value::string("a"), Value::string("b")]);
        assert_eq!(element(&[l, n(3.0)]).unwrap().as_str(), Some("b"));
        assert_eq!(
            range(&[n(1.0), n(10.0), n(3.0)]).unwrap().to_string(),
            "[1, 4, 7]"
        );
        assert_eq!(range(&[n(3.0)]).unwrap().to_string(), "[0, 1, 2]");
    }

    #[test]
    fn length_of_list_with_unknown_elements_is_known() {
        let l = Value::list(vec![Value::unknown(), n(1.0)]);
        assert_eq!(length(&[l]).unwrap().as_number(), Some(2.0));
    }

    #[test]
    fn contains_is_three_valued() {
        let l = Value::list(vec![Value::unknown(), Value::string("a")]);
        assert_eq!(
            contains(&[l.clone(), Value::string("a")])
                .unwrap()
                .as_bool(),
            Some(true)
        );
        assert!(contains(&[l, Value::string("z")]).unwrap().is_unknown());
    }

    #[test]
    fn merge_keeps_each_mark_where_it_is() {
        let obj = |pairs: &[(&str, Value)]| {
            Value::map(pairs.iter().cloned().collect::<cloudwright_model::Fields>())
        };
        let tags = obj(&[("Owner", Value::string("ops"))]);
        let secret = obj(&[("Token", Value::string("t").sensitive())]);
        let merged = merge_keeping_marks(&[tags.clone(), secret.clone()]).unwrap();
        assert!(!merged.is_sensitive());
        assert!(!merged.get("Owner").unwrap().is_sensitive());
        assert!(merged.get("Token").unwrap().is_sensitive());
        // an argument marked as a whole marks the result as a whole
        let merged = merge_keeping_marks(&[tags.clone().sensitive(), Value::Null]).unwrap();
        assert!(merged.is_sensitive());
        // anything but known objects and nulls is the plain merge's
        assert!(merge_keeping_marks(&[tags, Value::unknown()]).is_none());
    }

    #[test]
    fn merge_later_wins_and_skips_null() {
        let a = Value::map([("x".to_string(), n(1.0))]);
        let b = Value::map([("x".to_string(), n(2.0)), ("y".to_string(), n(3.0))]);
        assert_eq!(
            merge(&[a, Value::Null, b]).unwrap().to_string(),
            "{x = 2, y = 3}"
        );
    }
}
