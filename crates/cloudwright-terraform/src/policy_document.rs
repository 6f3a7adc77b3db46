//! `data "aws_iam_policy_document"`: rendered to the JSON the AWS provider
//! produces, so the IAM engine reads one policy shape wherever it came from.
//!
//! Merging follows the provider's documented rules: statements of
//! `source_policy_documents` come first; a statement of this document with
//! the same non-empty `Sid` replaces a source statement; statements of
//! `override_policy_documents` replace those with the same `Sid` or are
//! appended. <https://registry.terraform.io/providers/hashicorp/aws/latest/docs/data-sources/iam_policy_document>

use crate::functions::encoding::encode_string;
use cloudwright_model::format_number;
use cloudwright_model::Value;
use std::collections::BTreeMap;

/// The policy's `json` and `minified_json`. When only elements of lists
/// inside `statement` blocks are unknown (an ARN known after apply), or a
/// condition's variable or values (`"${replace(oidc.url, "https://", "")}:sub"`,
/// the key of an EKS service account's trust), the text is unknown but its
/// structure is kept (`Value::unknown_document`; an unknown variable is the
/// key [`Value::unknown_mark`] writes, its known text kept); any other
/// unknown part — an effect, a whole list, a condition's test — makes it
/// unknown outright.
pub fn render(fields: &cloudwright_model::FieldSlice) -> (Value, Value) {
    match document(fields) {
        Ok(policy) => {
            let json = provider_text(&policy);
            let minified = minify(&json);
            (Value::string(json), Value::string(minified))
        }
        Err(unknown) => (unknown.clone(), unknown),
    }
}

/// The merged document, or the unknown value its text is.
fn document(fields: &cloudwright_model::FieldSlice) -> Result<Value, Value> {
    let relevant = [
        "version",
        "policy_id",
        "source_policy_documents",
        "override_policy_documents",
        "source_json",
        "override_json",
    ];
    let relevant: Vec<Value> = relevant
        .iter()
        .filter_map(|k| fields.get(k).cloned())
        .collect();
    if relevant.iter().any(Value::contains_unknown) {
        return Err(Value::unknown_made_from(&relevant));
    }
    if let Some(blocks) = fields.get("statement") {
        if blocks.is_unknown()
            || blocks
                .as_list()
                .is_some_and(|l| l.iter().any(structural_unknown))
        {
            return Err(Value::unknown_made_from(std::slice::from_ref(blocks)));
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
    // where the first statement of each `Sid` is
    let mut by_sid: crate::eval::FastMap<String, usize> = Default::default();
    for doc in documents("source_policy_documents", "source_json") {
        match parse_statements(&doc) {
            Some(list) => {
                for st in list {
                    if let Some(id) = sid(&st) {
                        by_sid.entry(id).or_insert(statements.len());
                    }
                    statements.push(st);
                }
            }
            None => return Err(Value::unknown()),
        }
    }
    for st in fields
        .get("statement")
        .and_then(|v| v.as_list().map(<[Value]>::to_vec))
        .unwrap_or_default()
    {
        merge_statement(&mut statements, &mut by_sid, statement(&st));
    }
    for doc in documents("override_policy_documents", "override_json") {
        match parse_statements(&doc) {
            Some(list) => list
                .into_iter()
                .for_each(|s| merge_statement(&mut statements, &mut by_sid, s)),
            None => return Err(Value::unknown()),
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
        return Err(Value::unknown_document(policy));
    }
    Ok(policy)
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
        v.as_object().and_then(|o| o.fields().get(k).cloned())
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
        || blocks_with("condition", &["test"])
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

/// Adds a statement, in place of the first one with its `Sid` if there is
/// one (`by_sid`: where that is).
fn merge_statement(
    statements: &mut Vec<Value>,
    by_sid: &mut crate::eval::FastMap<String, usize>,
    new: Value,
) {
    if let Some(id) = sid(&new) {
        match by_sid.get(&id) {
            Some(&i) => {
                statements[i] = new;
                return;
            }
            None => _ = by_sid.insert(id, statements.len()),
        }
    }
    statements.push(new);
}

/// One `statement` block as policy JSON.
/// An attribute a block sets: `None` when it sets none (an open block —
/// a resource's, which references read — answers an attribute it does
/// not set with an unknown named for it; where only a string or a list
/// is read, not set and unknown come to the same, without making the
/// unknown).
fn set(block: &Value, name: &str) -> Option<Value> {
    match block {
        Value::Map(obj) => obj.fields().get(name).cloned(),
        other => other.get(name),
    }
}

fn statement(block: &Value) -> Value {
    let mut out = BTreeMap::new();
    // (the provider writes a statement's `Sid` even when it is empty)
    let sid = set(block, "sid").and_then(|v| v.as_str().map(str::to_string));
    out.insert("Sid".to_string(), Value::string(sid.unwrap_or_default()));
    let effect = set(block, "effect")
        .and_then(|v| v.as_str().map(str::to_string))
        .unwrap_or_else(|| "Allow".into());
    out.insert("Effect".to_string(), Value::string(effect));
    for (field, key) in [
        ("actions", "Action"),
        ("not_actions", "NotAction"),
        ("resources", "Resource"),
        ("not_resources", "NotResource"),
    ] {
        if let Some(list) = set(block, field).and_then(|v| v.as_list().map(set_of_strings)) {
            if !list.is_empty() {
                out.insert(key.to_string(), one_or_many(list));
            }
        }
    }
    for (field, key) in [
        ("principals", "Principal"),
        ("not_principals", "NotPrincipal"),
    ] {
        if let Some(blocks) = set(block, field).and_then(|v| v.as_list().map(<[Value]>::to_vec)) {
            if let Some(p) = principals(&blocks) {
                out.insert(key.to_string(), p);
            }
        }
    }
    if let Some(conditions) =
        set(block, "condition").and_then(|v| v.as_list().map(<[Value]>::to_vec))
    {
        let mut by_test: BTreeMap<String, BTreeMap<String, Value>> = BTreeMap::new();
        for c in conditions {
            let (Some(test), Some(variable)) = (
                c.get("test").and_then(|v| v.as_str().map(str::to_string)),
                c.get("variable"),
            ) else {
                continue;
            };
            // (a list: its order is kept)
            let values = match c.get("values") {
                Some(v) if v.is_unknown() => v,
                v => one_or_many(
                    v.and_then(|v| v.as_list().map(|l| l.iter().map(as_string).collect()))
                        .unwrap_or_default(),
                ),
            };
            // a variable the code does not determine is its mark as the key
            // (`${…}:sub` keeps its known text)
            let Some(name) = variable
                .as_str()
                .map(str::to_string)
                .or_else(|| variable.unknown_mark())
            else {
                continue;
            };
            by_test.entry(test).or_default().insert(name, values);
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

/// A set of strings as the provider writes it: each element once, in
/// reverse order (`policyDecodeConfigStringList`); numbers and booleans as
/// the strings Terraform converts them to. Unknown elements stay, last.
fn set_of_strings(list: &[Value]) -> Vec<Value> {
    let mut out: Vec<Value> = list.iter().map(as_string).collect();
    out.sort_by(|a, b| match (a.as_str(), b.as_str()) {
        (Some(a), Some(b)) => b.cmp(a),
        (Some(_), None) => std::cmp::Ordering::Less,
        (None, Some(_)) => std::cmp::Ordering::Greater,
        (None, None) => std::cmp::Ordering::Equal,
    });
    out.dedup_by(|a, b| a.as_str().is_some() && a.as_str() == b.as_str());
    out
}

/// A number or a boolean as the string the schema's type makes it.
fn as_string(v: &Value) -> Value {
    match v.strip() {
        Value::Number(n) => Value::string(format_number(*n)),
        Value::Bool(b) => Value::string(if *b { "true" } else { "false" }),
        _ => v.clone(),
    }
}

/// The document's text as the provider writes it (Go's `encoding/json`):
/// `json` indented by two spaces (`minified_json` is [`minify`]'s); the document's
/// and each statement's keys in the provider's order, a statement's `Sid`
/// written even when empty, other objects' keys sorted.
fn provider_text(policy: &Value) -> String {
    let mut out = String::with_capacity(512);
    write_json(policy, Level::Document, 0, &mut out);
    out
}

/// The indented text without the whitespace between its tokens (what
/// `json.Marshal` writes for the same document): strings are left as they
/// are, the only whitespace outside them is the indentation's.
fn minify(json: &str) -> String {
    // (only ASCII bytes are dropped, so what is kept is whole characters)
    let mut out = Vec::with_capacity(json.len());
    let (mut in_string, mut escaped) = (false, false);
    for &b in json.as_bytes() {
        if in_string {
            out.push(b);
            match (escaped, b) {
                (true, _) => escaped = false,
                (false, b'\\') => escaped = true,
                (false, b'"') => in_string = false,
                _ => {}
            }
        } else if b == b'"' {
            in_string = true;
            out.push(b);
        } else if !matches!(b, b' ' | b'\n') {
            out.push(b);
        }
    }
    String::from_utf8(out).unwrap_or_default()
}

/// Where an object is in the document: its keys' order.
#[derive(Clone, Copy)]
enum Level {
    Document,
    Statements,
    Statement,
    Other,
}

const DOCUMENT_KEYS: &[&str] = &["Version", "Id", "Statement"];
const STATEMENT_KEYS: &[&str] = &[
    "Sid",
    "Effect",
    "Action",
    "NotAction",
    "Resource",
    "NotResource",
    "Principal",
    "NotPrincipal",
    "Condition",
];

fn write_json(v: &Value, level: Level, depth: usize, out: &mut String) {
    let newline = |out: &mut String, depth: usize| {
        out.push('\n');
        for _ in 0..depth {
            out.push_str("  ");
        }
    };
    match v.strip() {
        Value::List(items) if !items.is_empty() => {
            out.push('[');
            let inner = match level {
                Level::Statements => Level::Statement,
                _ => Level::Other,
            };
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                write_json(item, inner, depth + 1, out);
            }
            newline(out, depth);
            out.push(']');
        }
        Value::Map(object) if !object.fields().is_empty() || matches!(level, Level::Statement) => {
            let order: &[&str] = match level {
                Level::Document => DOCUMENT_KEYS,
                Level::Statement => STATEMENT_KEYS,
                _ => &[],
            };
            // the known keys in their order (`Sid` always: `None` is the
            // empty one), then the rest
            let entries = order
                .iter()
                .filter_map(|k| match object.fields().get(k) {
                    Some(v) => Some((*k, Some(v))),
                    None if *k == "Sid" => Some((*k, None)),
                    None => None,
                })
                .chain(
                    object
                        .fields()
                        .iter()
                        .filter(|(k, _)| !order.contains(k))
                        .map(|(k, v)| (k, Some(v))),
                );
            out.push('{');
            for (i, (k, v)) in entries.enumerate() {
                if i > 0 {
                    out.push(',');
                }
                newline(out, depth + 1);
                encode_string(k, out);
                out.push_str(": ");
                let inner = match (level, k) {
                    (Level::Document, "Statement") => Level::Statements,
                    _ => Level::Other,
                };
                match v {
                    Some(v) => write_json(v, inner, depth + 1, out),
                    None => out.push_str("\"\""),
                }
            }
            newline(out, depth);
            out.push('}');
        }
        Value::List(_) => out.push_str("[]"),
        Value::Map(_) => out.push_str("{}"),
        Value::String(s) => encode_string(s, out),
        Value::Number(n) => out.push_str(&format_number(*n)),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        _ => out.push_str("null"),
    }
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
            .and_then(|v| v.as_list().map(set_of_strings))
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
        let (json, minified) = render(&fields);
        // as the provider writes it: its key order, sets reversed
        assert_eq!(
            minified.as_str().unwrap(),
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"Read","Effect":"Allow","Action":"s3:GetObject","Resource":["arn:aws:s3:::b/*","arn:aws:s3:::b"],"Principal":{"AWS":"arn:aws:iam::111122223333:root"},"Condition":{"Bool":{"aws:SecureTransport":"true"}}}]}"#
        );
        // `json` indented as Go's json.MarshalIndent(doc, "", "  ")
        assert_eq!(
            json.as_str().unwrap(),
            "{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"Read\",\n      \"Effect\": \"Allow\",\n      \"Action\": \"s3:GetObject\",\n      \"Resource\": [\n        \"arn:aws:s3:::b/*\",\n        \"arn:aws:s3:::b\"\n      ],\n      \"Principal\": {\n        \"AWS\": \"arn:aws:iam::111122223333:root\"\n      },\n      \"Condition\": {\n        \"Bool\": {\n          \"aws:SecureTransport\": \"true\"\n        }\n      }\n    }\n  ]\n}"
        );
    }

    #[test]
    fn minifying_leaves_strings_as_they_are() {
        let text = "{\n  \"Sid\": \"a: \\\" b\",\n  \"X\": [\n    \"c é d\"\n  ]\n}";
        assert_eq!(minify(text), "{\"Sid\":\"a: \\\" b\",\"X\":[\"c é d\"]}");
    }

    #[test]
    fn sets_are_written_once_each_in_reverse_order_and_sid_always() {
        let st = obj(vec![(
            "actions",
            Value::list(vec![
                s("s3:GetObject"),
                s("s3:PutObject"),
                s("s3:GetObject"),
            ]),
        )]);
        let fields =
            cloudwright_model::Fields::from([("statement".to_string(), Value::list(vec![st]))]);
        let (_, minified) = render(&fields);
        assert_eq!(
            minified.as_str().unwrap(),
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Action":["s3:PutObject","s3:GetObject"]}]}"#
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
        let (_, json) = render(&fields);
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
        assert!(render(&fields).0.is_unknown());
    }
}
