//! `data "aws_iam_policy_document"`: rendered to the JSON the AWS provider
//! produces, so the IAM engine reads one policy shape wherever it came from.
//!
//! Merging follows the provider's documented rules: statements of
//! `source_policy_documents` come first; a statement of this document with
//! the same non-empty `Sid` replaces a source statement; statements of
//! `override_policy_documents` replace those with the same `Sid` or are
//! appended. <https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document>

use crate::functions::json_encode;
use cloudwright_model::Value;
use std::collections::BTreeMap;

/// The policy JSON. When only elements of lists inside `statement` blocks
/// are unknown (an ARN known after apply), the text is unknown but its
/// structure is kept (`Value::unknown_document`); any other unknown part —
/// an effect, a whole list, a condition's test — makes it unknown outright.
pub fn render(fields: &cloudwright_model::Fields) -> Value {
    let relevant = [
        "version",
        "policy_id",
        "source_policy_documents",
        "override_policy_documents",
        "source_json",
        "override_json",
    ];
    if relevant
        .iter()
        .filter_map(|k| fields.get(k))
        .any(Value::contains_unknown)
    {
        return Value::unknown();
    }
    if let Some(blocks) = fields.get("statement") {
        if blocks.is_unknown()
            || blocks
                .as_list()
                .is_some_and(|l| l.iter().any(structural_unknown))
        {
            return Value::unknown();
        }
    }
    let mut statements: Vec<Value> = Vec::new();
    let documents = |key: &str, legacy: &str| -> Vec<String> {
        let mut docs: Vec<String> = fields
            .get(key)
            .and_then(|v| {
                v.as_list().map(|l| {
                    l.iter()
                        .filter_map(|d| d.as_str().map(str::to_string))
                        .collect()
                })
            })
            .unwrap_or_default();
        if let Some(s) = fields.get(legacy).and_then(Value::as_str) {
            docs.insert(0, s.to_string());
        }
        docs
    };
    for doc in documents("source_policy_documents", "source_json") {
        match parse_statements(&doc) {
            Some(list) => statements.extend(list),
            None => return Value::unknown(),
        }
    }
    for st in fields
        .get("statement")
        .and_then(|v| v.as_list().map(<[Value]>::to_vec))
        .unwrap_or_default()
    {
        merge_statement(&mut statements, statement(&st));
    }
    for doc in documents("override_policy_documents", "override_json") {
        match parse_statements(&doc) {
            Some(list) => list
                .into_iter()
                .for_each(|s| merge_statement(&mut statements, s)),
            None => return Value::unknown(),
        }
    }
    let mut policy = BTreeMap::new();
    let version = fields
        .get("version")
        .and_then(Value::as_str)
        .unwrap_or("2012-10-17");
    policy.insert("Version".to_string(), Value::string(version));
    if let Some(id) = fields.get("policy_id").and_then(Value::as_str) {
        policy.insert("Id".to_string(), Value::string(id));
    }
    policy.insert("Statement".to_string(), Value::list(statements));
    let policy = Value::map(policy);
    if policy.contains_unknown() {
        return Value::unknown_document(policy);
    }
    Value::string(json_encode(&policy))
}

/// Is a part of a `statement` block that shapes the document unknown (as
/// opposed to an element of one of its lists)?
fn structural_unknown(block: &Value) -> bool {
    if block.is_unknown() {
        return true;
    }
    // written fields only: unset attributes of a data source's blocks read
    // as computed, but the document leaves them out
    let field = |v: &Value, k: &str| -> Option<Value> {
        v.as_object().and_then(|o| o.fields.get(k).cloned())
    };
    let whole = |v: Option<Value>| v.is_some_and(|v| v.is_unknown());
    let blocks_with = |name: &str, keys: &[&str]| -> bool {
        match field(block, name) {
            Some(v) if v.is_unknown() => true,
            Some(v) => v.as_list().is_some_and(|l| {
                l.iter()
                    .any(|b| b.is_unknown() || keys.iter().any(|k| whole(field(b, k))))
            }),
            None => false,
        }
    };
    [
        "sid",
        "effect",
        "actions",
        "not_actions",
        "resources",
        "not_resources",
    ]
    .iter()
    .any(|k| whole(field(block, k)))
        || blocks_with("principals", &["type", "identifiers"])
        || blocks_with("not_principals", &["type", "identifiers"])
        || blocks_with("condition", &["test", "variable", "values"])
}

fn parse_statements(doc: &str) -> Option<Vec<Value>> {
    let json: serde_json::Value = serde_json::from_str(doc).ok()?;
    let v = Value::from_json(&json);
    match v.get("Statement")? {
        Value::List(items) => Some(items.to_vec()),
        single @ Value::Map(_) => Some(vec![single]),
        _ => None,
    }
}

fn sid(v: &Value) -> Option<String> {
    v.get("Sid")
        .and_then(|s| s.as_str().map(str::to_string))
        .filter(|s| !s.is_empty())
}

fn merge_statement(statements: &mut Vec<Value>, new: Value) {
    if let Some(id) = sid(&new) {
        if let Some(existing) = statements
            .iter_mut()
            .find(|s| sid(s).as_deref() == Some(id.as_str()))
        {
            *existing = new;
            return;
        }
    }
    statements.push(new);
}

/// One `statement` block as policy JSON.
fn statement(block: &Value) -> Value {
    let mut out = BTreeMap::new();
    if let Some(sid) = block
        .get("sid")
        .and_then(|v| v.as_str().map(str::to_string))
    {
        if !sid.is_empty() {
            out.insert("Sid".to_string(), Value::string(sid));
        }
    }
    let effect = block
        .get("effect")
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "Allow".into());
    out.insert("Effect".to_string(), Value::string(effect));
    for (field, key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(list) = block
            .get(field)
            .and_then(|v| v.as_list().map(<[Value]>::to_vec))
        {
            if !list.is_empty() {
                out.insert(key.to_string(), one_or_many(list));
            }
        }
    }
    for (field, key) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        if let Some(blocks) = block
            .get(field)
            .and_then(|v| v.as_list().map(<[Value]>::to_vec))
        {
            if let Some(p) = principals(&blocks) {
                out.insert(key.to_string(), p);
            }
        }
    }
    if let Some(conditions) = block
        .get("condition")
        .and_then(|v| v.as_list().map(<[Value]>::to_vec))
    {
        let mut by_test: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
        for c in conditions {
            let (Some(test), Some(variable)) = (
                c.get("test").and_then(|v| v.as_str().map(str::to_string)),
                c.get("variable")
                    .and_then(|v| v.as_str().map(str::to_string)),
            ) else {
                continue;
            };
            let values = c
                .get("values")
                .and_then(|v| v.as_list().map(<[Value]>::to_vec))
                .unwrap_or_default();
            by_test
                .entry(test)
                .or_default()
                .insert(variable, one_or_many(values));
        }
        if !by_test.is_empty() {
            out.insert(
                "Condition".to_string(),
                Value::map(
                    by_test
                        .into_iter()
                        .map(|(k, v)| (k, Value::map(v)))
                        .collect::<cloudwright_model::Fields>(),
                ),
            );
        }
    }
    Value::map(out)
}

fn one_or_many(mut list: Vec<Value>) -> Value {
    if list.len() == 1 {
        list.remove(0)
    } else {
        Value::list(list)
    }
}

fn principals(blocks: &[Value]) -> Option<Value> {
    let mut by_type: BTreeMap<String, Vec<Value>> = BTreeMap::new();
    for b in blocks {
        let t = b.get("type").and_then(|v| v.as_str().map(str::to_string))?;
        let ids = b
            .get("identifiers")
            .and_then(|v| v.as_list().map(<[Value]>::to_vec))
            .unwrap_or_default();
        // `type = "*"`, `identifiers = ["*"]` is the anonymous principal "*"
        if t == "*" {
            return Some(Value::string("*"));
        }
        by_type.entry(t).or_default().extend(ids);
    }
    if by_type.is_empty() {
        return None;
    }
    Some(Value::map(
        by_type
            .into_iter()
            .map(|(k, v)| (k, one_or_many(v)))
            .collect::<cloudwright_model::Fields>(),
    ))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::string(v)
    }
    fn obj(fields: Vec<(&str, Value)>) -> Value {
        Value::map(
            fields
                .into_iter()
                .map(|(k, v)| (k.to_string(), v))
                .collect::<cloudwright_model::Fields>(),
        )
    }

    #[test]
    fn renders_statements_principals_and_conditions() {
        let st = obj(vec![
            ("sid", s("Read")),
            ("actions", Value::list(vec![s("s3:GetObject")])),
            (
                "resources",
                Value::list(vec![s("arn:aws:s3:::b/*"), s("arn:aws:s3:::b")]),
            ),
            (
                "principals",
                Value::list(vec![obj(vec![
                    ("type", s("AWS")),
                    (
                        "identifiers",
                        Value::list(vec![s("arn:aws:iam::111122223333:root")]),
                    ),
                ])]),
            ),
            (
                "condition",
                Value::list(vec![obj(vec![
                    ("test", s("Bool")),
                    ("variable", s("aws:SecureTransport")),
                    ("values", Value::list(vec![s("true")])),
                ])]),
            ),
        ]);
        let fields =
            cloudwright_model::Fields::from([("statement".to_string(), Value::list(vec![st]))]);
        let json = render(&fields);
        assert_eq!(
            json.as_str().unwrap(),
            r#"{"Statement":[{"Action":"s3:GetObject","Condition":{"Bool":{"aws:SecureTransport":"true"}},"Effect":"Allow","Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b"],"Sid":"Read"}],"Version":"2012-10-17"}"#
        );
    }

    #[test]
    fn override_documents_replace_by_sid() {
        let base = obj(vec![
            ("sid", s("A")),
            ("actions", Value::list(vec![s("s3:*")])),
        ]);
        let fields = cloudwright_model::Fields::from([
            ("statement".to_string(), Value::list(vec![base])),
            (
                "override_policy_documents".to_string(),
                Value::list(vec![s(
                    r#"{"Statement":[{"Sid":"A","Effect":"Deny","Action":"s3:DeleteBucket"}]}"#,
                )]),
            ),
        ]);
        let json = render(&fields);
        assert!(
            json.as_str().unwrap().contains(r#""Effect":"Deny""#),
            "{json}"
        );
        assert!(!json.as_str().unwrap().contains("s3:*"));
    }

    #[test]
    fn unknown_parts_make_the_document_unknown() {
        let st = obj(vec![("resources", Value::list(vec![Value::unknown()]))]);
        let fields =
            cloudwright_model::Fields::from([("statement".to_string(), Value::list(vec![st]))]);
        assert!(render(&fields).is_unknown());
    }
}
