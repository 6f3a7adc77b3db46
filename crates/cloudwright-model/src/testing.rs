//! Support for the engines' property tests: a resource with each of its
//! settings not determined by the code (what an unset variable gives), in
//! turn. Engines must then keep what they found or say what they cannot
//! decide — never pass it silently (see the rule and exposure harnesses).

use crate::{Graph, Object, Value};
use std::sync::Arc;

/// A resource's attributes with one setting made unknown, for each setting
/// it sets and each setting of the first of each kind of nested block:
/// (what was made unknown, the top-level attribute, the attributes). Tags
/// made unknown make the effective tags (`tags_all`) unknown too.
pub fn unknown_variants(obj: &Object) -> Vec<(String, String, Object)> {
    let set = |v: &Value| !v.is_null();
    let mut out = Vec::new();
    for (key, _) in obj.fields.iter().filter(|(_, v)| set(v)) {
        let mut changed = obj.clone();
        changed.fields.insert(key, Value::unknown());
        if key == "tags" && changed.fields.get("tags_all").is_some() {
            changed.fields.insert("tags_all", Value::unknown());
        }
        out.push((key.to_string(), key.to_string(), changed));
    }
    for (block, value) in obj.fields.iter() {
        let Some(items) = value.as_list() else {
            continue;
        };
        let Some(first) = items.first().and_then(Value::as_object) else {
            continue;
        };
        for (inner, _) in first.fields.iter().filter(|(_, v)| set(v)) {
            let mut block_first = first.clone();
            block_first.fields.insert(inner, Value::unknown());
            let mut changed_items = items.to_vec();
            changed_items[0] = Value::Map(Arc::new(block_first));
            let mut changed = obj.clone();
            changed.fields.insert(block, Value::list(changed_items));
            out.push((format!("{block}[0].{inner}"), block.to_string(), changed));
        }
    }
    out
}

/// Runs `f` on the graph with each of [`unknown_variants`] of resource `i`
/// in turn (what was made unknown, the top-level attribute), then puts the
/// resource back as it was. Engines that remember answers per graph must
/// forget them in `f`: the graph changed under the same identity.
pub fn with_each_unknown(graph: &mut Graph, i: usize, mut f: impl FnMut(&Graph, &str, &str)) {
    let original = graph.resources[i].attributes.clone();
    let Some(obj) = original.as_object() else {
        return;
    };
    for (label, key, changed) in unknown_variants(obj) {
        graph.resources[i].attributes = Value::Map(Arc::new(changed));
        f(graph, &label, &key);
    }
    graph.resources[i].attributes = original;
}
