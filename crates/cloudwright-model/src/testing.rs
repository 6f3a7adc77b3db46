//! Support for the engines' property tests: a resource with each of its
//! settings not determined by the code (what an unset variable gives), in
//! turn. Engines must then keep what they found or say what they cannot
//! decide — never pass it silently (see the rule and exposure harnesses).

use crate::{Graph, Object, Value};

/// A resource's attributes with one setting made unknown, for each setting
/// it sets and each setting of each nested block, at any depth: (what was
/// made unknown, the top-level attribute, the attributes). Tags made
/// unknown make the effective tags (`tags_all`) unknown too.
pub fn unknown_variants(obj: &Object) -> Vec<(String, String, Object)> {
    let mut out = Vec::new();
    for (label, changed) in variants_of(obj, "") {
        let key = label.split(['.', '[']).next().unwrap_or(&label).to_string();
        let mut changed = changed;
        if label == "tags" && changed.fields().get("tags_all").is_some() {
            changed = with(&changed, "tags_all", Value::unknown());
        }
        out.push((label, key, changed));
    }
    out
}

/// The variants of one object: each setting unknown, then each setting of
/// each item of each list of objects (a nested block), recursively.
fn variants_of(obj: &Object, prefix: &str) -> Vec<(String, Object)> {
    let set = |v: &Value| !v.is_null();
    let mut out = Vec::new();
    for (key, _) in obj.fields().iter().filter(|(_, v)| set(v)) {
        out.push((format!("{prefix}{key}"), with(obj, key, Value::unknown())));
    }
    for (block, value) in obj.fields().iter() {
        let Some(items) = value.as_list() else {
            continue;
        };
        for (i, item) in items.iter().enumerate() {
            let Some(inner) = item.as_object() else {
                continue;
            };
            for (label, changed_inner) in variants_of(inner, &format!("{prefix}{block}[{i}].")) {
                let mut changed_items = items.to_vec();
                changed_items[i] = Value::Map(changed_inner);
                out.push((label, with(obj, block, Value::list(changed_items))));
            }
        }
    }
    out
}

/// `obj` with its attribute `key` set to `value`.
fn with(obj: &Object, key: &str, value: Value) -> Object {
    let mut fields = obj.to_fields();
    fields.insert(key, value);
    Object::with_computed(fields, obj.computed().cloned())
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
        graph.resources[i].attributes = Value::Map(changed);
        f(graph, &label, &key);
    }
    graph.resources[i].attributes = original;
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_setting_of_every_nested_block_is_made_unknown_in_turn() {
        let inner = |algorithm: &str| {
            Value::map([(
                "apply_server_side_encryption_by_default",
                Value::list(vec![Value::map([(
                    "sse_algorithm",
                    Value::string(algorithm),
                )])]),
            )])
        };
        let obj = Object::new([
            ("bucket", Value::string("b")),
            ("rule", Value::list(vec![inner("AES256"), inner("aws:kms")])),
            ("tags", Value::map([("a", Value::string("b"))])),
            ("tags_all", Value::map([("a", Value::string("b"))])),
        ]);
        let labels: Vec<(String, String)> = unknown_variants(&obj)
            .into_iter()
            .map(|(label, key, _)| (label, key))
            .collect();
        let expected = [
            ("bucket", "bucket"),
            ("rule", "rule"),
            ("tags", "tags"),
            ("tags_all", "tags_all"),
            ("rule[0].apply_server_side_encryption_by_default", "rule"),
            (
                "rule[0].apply_server_side_encryption_by_default[0].sse_algorithm",
                "rule",
            ),
            ("rule[1].apply_server_side_encryption_by_default", "rule"),
            (
                "rule[1].apply_server_side_encryption_by_default[0].sse_algorithm",
                "rule",
            ),
        ];
        assert_eq!(
            labels,
            expected.map(|(l, k)| (l.to_string(), k.to_string()))
        );
        // the second rule's algorithm, and nothing else
        let (_, _, changed) = &unknown_variants(&obj)[7];
        let rule = changed.fields().get("rule").unwrap();
        let second = &rule.as_list().unwrap()[1];
        assert!(second
            .get_path(&[
                "apply_server_side_encryption_by_default",
                "0",
                "sse_algorithm"
            ])
            .unwrap()
            .is_unknown());
        let first = &rule.as_list().unwrap()[0];
        assert_eq!(
            first
                .get_path(&[
                    "apply_server_side_encryption_by_default",
                    "0",
                    "sse_algorithm"
                ])
                .unwrap()
                .as_str(),
            Some("AES256")
        );
    }
}
