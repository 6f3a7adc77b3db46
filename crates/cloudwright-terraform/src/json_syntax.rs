//! Terraform's JSON configuration syntax (`.tf.json`, `.tfvars.json`).
//!
//! `serde_json` gives no positions, and a finding must point at a line, so
//! this module has a small JSON parser that keeps byte ranges, and converts
//! the result into [`crate::syntax`] following
//! <https://developer.hashicorp.com/terraform/language/syntax/json>:
//! strings are templates (`"${var.x}"`), except where Terraform takes them
//! literally (variable defaults, `type` as a type expression, `depends_on`
//! references).

use crate::hcl;
use crate::schema::{Kind as SchemaKind, Node, Schemas};
use crate::syntax::relocate as shift;
use crate::syntax::*;
use cloudwright_model::Value;

/// A JSON value with its byte range.
#[derive(Clone, Debug)]
pub struct JsonNode {
    pub kind: JsonKind,
    pub range: Range,
}

#[derive(Clone, Debug)]
pub enum JsonKind {
    Null,
    Bool(bool),
    Number(f64),
    String(String),
    Array(Vec<JsonNode>),
    /// Members in document order: (key, key range, value).
    Object(Vec<(String, Range, JsonNode)>),
}

#[derive(Debug, Clone)]
pub struct JsonError {
    pub message: String,
    pub offset: usize,
}

/// Depth beyond which nesting is rejected rather than risk the stack.
const MAX_DEPTH: usize = 256;

pub fn parse_json(text: &str) -> Result<JsonNode, JsonError> {
    let mut p = Parser {
        bytes: text.as_bytes(),
        text,
        pos: 0,
        depth: 0,
    };
    if text.starts_with('\u{feff}') {
        // Terraform's JSON parser does not skip one either
        return Err(p.err(
            "the file begins with a byte order mark (U+FEFF), which JSON does not allow; save it as UTF-8 without one",
        ));
    }
    p.skip_ws();
    let v = p.value()?;
    p.skip_ws();
    if p.pos < p.bytes.len() {
        return Err(p.err("unexpected content after the JSON value"));
    }
    Ok(v)
}

struct Parser<'a> {
    bytes: &'a [u8],
    text: &'a str,
    pos: usize,
    depth: usize,
}

impl Parser<'_> {
    fn err(&self, message: &str) -> JsonError {
        JsonError {
            message: message.to_string(),
            offset: self.pos,
        }
    }

    fn skip_ws(&mut self) {
        while self.pos < self.bytes.len()
            && matches!(self.bytes[self.pos], b' ' | b'\t' | b'\n' | b'\r')
        {
            self.pos += 1;
        }
    }

    fn value(&mut self) -> Result<JsonNode, JsonError> {
        let start = self.pos;
        let kind = match self.bytes.get(self.pos) {
            None => return Err(self.err("unexpected end of input")),
            Some(b'{') => self.object()?,
            Some(b'[') => self.array()?,
            Some(b'"') => JsonKind::String(self.string()?),
            Some(b't') => self.keyword("true", JsonKind::Bool(true))?,
            Some(b'f') => self.keyword("false", JsonKind::Bool(false))?,
            Some(b'n') => self.keyword("null", JsonKind::Null)?,
            Some(b'-' | b'0'..=b'9') => self.number()?,
            Some(_) => return Err(self.err("expected a JSON value")),
        };
        Ok(JsonNode {
            kind,
            range: Range::new(start, self.pos),
        })
    }

    fn keyword(&mut self, word: &str, kind: JsonKind) -> Result<JsonKind, JsonError> {
        if self.bytes[self.pos..].starts_with(word.as_bytes()) {
            self.pos += word.len();
            Ok(kind)
        } else {
            Err(self.err("expected a JSON value"))
        }
    }

    fn number(&mut self) -> Result<JsonKind, JsonError> {
        let start = self.pos;
        while self.pos < self.bytes.len()
            && matches!(
                self.bytes[self.pos],
                b'-' | b'+' | b'.' | b'e' | b'E' | b'0'..=b'9'
            )
        {
            self.pos += 1;
        }
        self.text[start..self.pos]
            .parse()
            .map(JsonKind::Number)
            .map_err(|_| JsonError {
                message: "invalid number".into(),
                offset: start,
            })
    }

    fn string(&mut self) -> Result<String, JsonError> {
        self.pos += 1; // opening quote
        let mut out = String::new();
        loop {
            let start = self.pos;
            while self.pos < self.bytes.len() && !matches!(self.bytes[self.pos], b'"' | b'\\') {
                if self.bytes[self.pos] < 0x20 {
                    return Err(self.err("control character in string"));
                }
                self.pos += 1;
            }
            out.push_str(&self.text[start..self.pos]);
            match self.bytes.get(self.pos) {
                None => return Err(self.err("unterminated string")),
                Some(b'"') => {
                    self.pos += 1;
                    return Ok(out);
                }
                Some(_) => {
                    self.pos += 1;
                    let c = match self.bytes.get(self.pos) {
                        Some(b'"') => '"',
                        Some(b'\\') => '\\',
                        Some(b'/') => '/',
                        Some(b'b') => '\u{8}',
                        Some(b'f') => '\u{c}',
                        Some(b'n') => '\n',
                        Some(b'r') => '\r',
                        Some(b't') => '\t',
                        Some(b'u') => {
                            let cp = self.hex4()?;
                            let cp = if (0xD800..0xDC00).contains(&cp)
                                && self.bytes[self.pos + 1..].starts_with(b"\\u")
                            {
                                self.pos += 2;
                                let low = self.hex4()?;
                                0x10000 + ((cp - 0xD800) << 10) + (low.wrapping_sub(0xDC00) & 0x3FF)
                            } else {
                                cp
                            };
                            char::from_u32(cp).unwrap_or('\u{FFFD}')
                        }
                        _ => return Err(self.err("invalid escape in string")),
                    };
                    out.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    fn hex4(&mut self) -> Result<u32, JsonError> {
        let digits = self
            .text
            .get(self.pos + 1..self.pos + 5)
            .ok_or_else(|| self.err("truncated \\u escape"))?;
        let v = u32::from_str_radix(digits, 16).map_err(|_| self.err("invalid \\u escape"))?;
        self.pos += 4;
        Ok(v)
    }

    fn enter(&mut self) -> Result<(), JsonError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err("JSON nested too deeply"));
        }
        self.pos += 1;
        self.skip_ws();
        Ok(())
    }

    fn array(&mut self) -> Result<JsonKind, JsonError> {
        self.enter()?;
        let mut items = Vec::new();
        if self.bytes.get(self.pos) == Some(&b']') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(JsonKind::Array(items));
        }
        loop {
            self.skip_ws();
            items.push(self.value()?);
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b']') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(JsonKind::Array(items));
                }
                _ => return Err(self.err("expected ',' or ']'")),
            }
        }
    }

    fn object(&mut self) -> Result<JsonKind, JsonError> {
        self.enter()?;
        let mut members = Vec::new();
        if self.bytes.get(self.pos) == Some(&b'}') {
            self.pos += 1;
            self.depth -= 1;
            return Ok(JsonKind::Object(members));
        }
        loop {
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b'"') {
                return Err(self.err("expected a string key"));
            }
            let key_start = self.pos;
            let key = self.string()?;
            let key_range = Range::new(key_start, self.pos);
            self.skip_ws();
            if self.bytes.get(self.pos) != Some(&b':') {
                return Err(self.err("expected ':'"));
            }
            self.pos += 1;
            self.skip_ws();
            let value = self.value()?;
            members.push((key, key_range, value));
            self.skip_ws();
            match self.bytes.get(self.pos) {
                Some(b',') => self.pos += 1,
                Some(b'}') => {
                    self.pos += 1;
                    self.depth -= 1;
                    return Ok(JsonKind::Object(members));
                }
                _ => return Err(self.err("expected ',' or '}'")),
            }
        }
    }
}

impl JsonNode {
    /// The plain value, strings taken literally.
    pub fn to_value(&self) -> Value {
        match &self.kind {
            JsonKind::Null => Value::Null,
            JsonKind::Bool(b) => Value::Bool(*b),
            JsonKind::Number(n) => Value::Number(*n),
            JsonKind::String(s) => Value::string(s.as_str()),
            JsonKind::Array(items) => Value::list(items.iter().map(JsonNode::to_value).collect()),
            JsonKind::Object(members) => Value::map(
                members
                    .iter()
                    .map(|(k, _, v)| (k.clone(), v.to_value()))
                    .collect::<cloudwright_model::Fields>(),
            ),
        }
    }
}

/// Problems converting a `.tf.json` file that are not JSON syntax errors.
pub type ConversionErrors = Vec<(String, Range)>;

/// A conversion of a JSON document into a body: Terraform's
/// ([`convert_config`]) or Terragrunt's ([`convert_terragrunt`]).
pub type Conversion = fn(&JsonNode) -> (Body, ConversionErrors);

/// Converts a `.tf.json` document to a configuration body.
pub fn convert_config(root: &JsonNode) -> (Body, ConversionErrors) {
    let mut errors = Vec::new();
    let mut body = Body::default();
    let members = top_members(root, "a .tf.json file", &mut errors);
    for (key, key_range, value) in members {
        let range = Range::new(key_range.start as usize, value.range.end as usize);
        match key.as_str() {
            "//" => {}
            "resource" | "data" | "ephemeral" | "module" | "variable" | "output" | "provider"
            | "check" => {
                // (a resource's type and name; one name for the others)
                let labels = match key.as_str() {
                    "resource" | "data" | "ephemeral" => 2,
                    _ => 1,
                };
                labelled_blocks(
                    key,
                    value,
                    labels,
                    range,
                    &mut body,
                    &mut errors,
                    &terraform_body(key),
                )
            }
            "locals" => {
                for item in as_items(value) {
                    body.blocks.push(Block {
                        kind: "locals".into(),
                        labels: vec![],
                        body: attributes_only(item, &mut errors),
                        range,
                        origin: None,
                    });
                }
            }
            "terraform" => {
                for item in as_items(value) {
                    body.blocks.push(Block {
                        kind: "terraform".into(),
                        labels: vec![],
                        body: block_body("terraform", item, None, &mut errors),
                        range,
                        origin: None,
                    });
                }
            }
            _ => {
                // moved, import, removed …: kept as unlabeled blocks
                for item in as_items(value) {
                    body.blocks.push(Block {
                        kind: crate::syntax::name(key),
                        labels: vec![],
                        body: block_body(key, item, None, &mut errors),
                        range,
                        origin: None,
                    });
                }
            }
        }
    }
    (body, errors)
}

/// A Terragrunt configuration in JSON (`terragrunt.hcl.json`) as the
/// body its HCL would be: `include`, `dependency`, `generate` and
/// `feature` are blocks keyed by their label (an `include` holding `path`
/// itself has none), `locals`, `remote_state`, `exclude` and
/// `dependencies` blocks of attributes, `terraform` a block whose
/// `extra_arguments` and hooks are blocks keyed by name; every other key
/// (`inputs`, `skip`, …) is an attribute.
pub fn convert_terragrunt(root: &JsonNode) -> (Body, ConversionErrors) {
    let mut errors = Vec::new();
    let mut body = Body::default();
    let members = top_members(root, "a terragrunt.hcl.json file", &mut errors);
    for (key, key_range, value) in members {
        let range = Range::new(key_range.start as usize, value.range.end as usize);
        let unlabeled = |body: &mut Body, block: Body| {
            body.blocks.push(Block {
                kind: crate::syntax::name(key),
                labels: vec![],
                body: block,
                range,
                origin: None,
            })
        };
        match key.as_str() {
            "//" => {}
            "include" if has_key(value, "path") => {
                for item in as_items(value) {
                    unlabeled(&mut body, attributes_only(item, &mut errors));
                }
            }
            "include" | "dependency" | "generate" | "feature" => {
                let of = |_: &[String], item: &JsonNode, errors: &mut ConversionErrors| {
                    attributes_only(item, errors)
                };
                labelled_blocks(key, value, 1, range, &mut body, &mut errors, &of)
            }
            "locals" | "remote_state" | "exclude" | "dependencies" | "errors" | "engine" => {
                for item in as_items(value) {
                    unlabeled(&mut body, attributes_only(item, &mut errors));
                }
            }
            "terraform" => {
                for item in as_items(value) {
                    let mut block = Body::default();
                    if let JsonKind::Object(members) = &item.kind {
                        for (key, key_range, value) in members {
                            match key.as_str() {
                                "//" => {}
                                "extra_arguments" | "before_hook" | "after_hook" | "error_hook" => {
                                    let of = |_: &[String], item: &JsonNode, e: &mut ConversionErrors| {
                                        attributes_only(item, e)
                                    };
                                    let range = Range::new(
                                        key_range.start as usize,
                                        value.range.end as usize,
                                    );
                                    labelled_blocks(
                                        key,
                                        value,
                                        1,
                                        range,
                                        &mut block,
                                        &mut errors,
                                        &of,
                                    )
                                }
                                _ => block.attributes.push(Attribute {
                                    name: crate::syntax::name(key),
                                    expr: expression(value, &mut errors),
                                    range: Range::new(
                                        key_range.start as usize,
                                        value.range.end as usize,
                                    ),
                                    origin: None,
                                }),
                            }
                        }
                    }
                    unlabeled(&mut body, block);
                }
            }
            _ => body.attributes.push(Attribute {
                name: crate::syntax::name(key),
                expr: expression(value, &mut errors),
                range,
                origin: None,
            }),
        }
    }
    (body, errors)
}

/// The members of a document, which must be an object (`what` holds it);
/// none, said, when it is not.
fn top_members<'a>(
    root: &'a JsonNode,
    what: &str,
    errors: &mut ConversionErrors,
) -> &'a [(String, Range, JsonNode)] {
    match &root.kind {
        JsonKind::Object(members) => members,
        _ => {
            errors.push((format!("{what} must hold a JSON object"), root.range));
            &[]
        }
    }
}

/// Whether a JSON object (or each object of an array) has `key`.
fn has_key(node: &JsonNode, key: &str) -> bool {
    as_items(node).iter().all(|item| match &item.kind {
        JsonKind::Object(members) => members.iter().any(|(k, ..)| k == key),
        _ => false,
    })
}

/// A JSON value that may be one object or an array of objects (Terraform
/// allows both wherever a block can repeat).
fn as_items(node: &JsonNode) -> Vec<&JsonNode> {
    match &node.kind {
        JsonKind::Array(items) => items.iter().collect(),
        _ => vec![node],
    }
}

/// The body of a Terraform block: attributes and nested blocks as the
/// block type (and the AWS provider's schema, for its resources) has them.
fn terraform_body(kind: &str) -> impl Fn(&[String], &JsonNode, &mut ConversionErrors) -> Body + '_ {
    move |labels, item, errors| block_body(kind, item, aws_schema(kind, labels), errors)
}

/// Blocks keyed by their labels, one object level per label:
/// `{"aws_s3_bucket": {"logs": {...}}}`; `body` converts each.
fn labelled_blocks(
    kind: &str,
    node: &JsonNode,
    labels: usize,
    range: Range,
    out: &mut Body,
    errors: &mut ConversionErrors,
    body: &dyn Fn(&[String], &JsonNode, &mut ConversionErrors) -> Body,
) {
    type Convert<'c> = &'c dyn Fn(&[String], &JsonNode, &mut ConversionErrors) -> Body;
    fn walk(
        (kind, body): (&str, Convert<'_>),
        node: &JsonNode,
        remaining: usize,
        labels: &mut Vec<String>,
        range: Range,
        out: &mut Body,
        errors: &mut ConversionErrors,
    ) {
        if remaining == 0 {
            for item in as_items(node) {
                out.blocks.push(Block {
                    kind: kind.into(),
                    labels: labels.iter().map(|l| crate::syntax::name(l)).collect(),
                    body: body(labels, item, errors),
                    range: Range::new(range.start as usize, item.range.end as usize),
                    origin: None,
                });
            }
            return;
        }
        for item in as_items(node) {
            let JsonKind::Object(members) = &item.kind else {
                errors.push((
                    format!("`{kind}` expects an object keyed by its labels"),
                    item.range,
                ));
                continue;
            };
            for (key, key_range, value) in members {
                labels.push(key.clone());
                walk(
                    (kind, body),
                    value,
                    remaining - 1,
                    labels,
                    *key_range,
                    out,
                    errors,
                );
                labels.pop();
            }
        }
    }
    walk(
        (kind, body),
        node,
        labels,
        &mut Vec::new(),
        range,
        out,
        errors,
    );
}

/// Arguments whose object values are maps, not nested blocks. Without the
/// provider's schema Terraform's JSON syntax is ambiguous here; these are the
/// map-typed arguments of the AWS provider that real configurations use.
const MAP_ARGUMENTS: &[&str] = &[
    "tags",
    "tags_all",
    "default_tags_map",
    "variables",
    "environment_variables",
    "parameters",
    "labels",
    "annotations",
    "request_parameters",
    "request_templates",
    "response_parameters",
    "response_templates",
    "stage_variables",
    "options",
    "metadata",
    "attributes",
    "for_each",
    "providers",
    "default",
    "triggers",
    "context",
    "selector",
    "values",
];

/// The AWS provider's schema of a `resource`, `data` or `provider` block,
/// which says which of its keys are nested blocks.
fn aws_schema(kind: &str, labels: &[String]) -> Option<&'static Node> {
    let type_name = labels.first()?;
    let aws = match kind {
        "resource" | "data" => type_name.starts_with("aws_"),
        "provider" => type_name == "aws",
        _ => false,
    };
    aws.then(|| Schemas::aws().get(kind, type_name)).flatten()
}

/// The body of a block: which keys are attributes and which nested blocks
/// depends on the block type — on the provider's schema where there is one
/// (an AWS block's map argument is an object, like a nested block), else
/// on the key.
fn block_body(
    kind: &str,
    node: &JsonNode,
    schema: Option<&'static Node>,
    errors: &mut ConversionErrors,
) -> Body {
    let JsonKind::Object(members) = &node.kind else {
        errors.push((
            format!("the body of a `{kind}` block must be a JSON object"),
            node.range,
        ));
        return Body::default();
    };
    let mut body = Body::default();
    for (key, key_range, value) in members {
        if key == "//" {
            continue;
        }
        let range = Range::new(key_range.start as usize, value.range.end as usize);
        let literal_attr = (kind == "variable" && key == "default") || key == "depends_on";
        if literal_attr {
            let expr = if key == "depends_on" {
                references_list(value)
            } else {
                Expr::literal(value.to_value(), value.range)
            };
            body.attributes.push(Attribute {
                name: crate::syntax::name(key),
                expr,
                range,
                origin: None,
            });
            continue;
        }
        if kind == "variable" && key == "type" {
            let expr = match &value.kind {
                JsonKind::String(s) => hcl::parse_expr(s)
                    .map(|e| shift(e, value.range))
                    .unwrap_or_else(|_| Expr::literal(Value::Null, value.range)),
                _ => Expr::literal(Value::Null, value.range),
            };
            body.attributes.push(Attribute {
                name: crate::syntax::name(key),
                expr,
                range,
                origin: None,
            });
            continue;
        }
        let known = schema.and_then(|s| s.child(key));
        let objects = match &value.kind {
            JsonKind::Object(_) => true,
            JsonKind::Array(items) => {
                !items.is_empty() && items.iter().all(|i| matches!(i.kind, JsonKind::Object(_)))
            }
            _ => false,
        };
        let is_block = match (kind, known.map(|n| n.kind)) {
            (_, Some(SchemaKind::Argument | SchemaKind::Computed)) => false,
            (_, Some(SchemaKind::Block)) => objects,
            // an output's and a module call's only nested blocks
            ("output", _) => key == "precondition",
            ("module", _) => key == "lifecycle",
            // `aws = { source = …, version = … }`: arguments, each an object
            ("locals" | "required_providers", _) => false,
            _ => match &value.kind {
                JsonKind::Object(_) => {
                    !MAP_ARGUMENTS.contains(&key.as_str())
                        || matches!((kind, key.as_str()), ("dynamic", _))
                }
                JsonKind::Array(items) => {
                    !items.is_empty()
                        && items.iter().all(|i| matches!(i.kind, JsonKind::Object(_)))
                        && !MAP_ARGUMENTS.contains(&key.as_str())
                }
                _ => false,
            },
        };
        if !is_block {
            body.attributes.push(Attribute {
                name: crate::syntax::name(key),
                expr: expression(value, errors),
                range,
                origin: None,
            });
            continue;
        }
        match key.as_str() {
            "dynamic" | "provisioner" | "backend" => labelled_blocks(
                key,
                value,
                1,
                range,
                &mut body,
                errors,
                &terraform_body(key),
            ),
            // a check's scoped data source: `data "type" "name" { … }`
            "data" if kind == "check" => labelled_blocks(
                key,
                value,
                2,
                range,
                &mut body,
                errors,
                &terraform_body(key),
            ),
            _ => {
                for item in as_items(value) {
                    body.blocks.push(Block {
                        kind: crate::syntax::name(key),
                        labels: vec![],
                        body: block_body(key, item, known, errors),
                        range: Range::new(key_range.start as usize, item.range.end as usize),
                        origin: None,
                    });
                }
            }
        }
    }
    body
}

fn attributes_only(node: &JsonNode, errors: &mut ConversionErrors) -> Body {
    let mut body = Body::default();
    if let JsonKind::Object(members) = &node.kind {
        for (key, key_range, value) in members {
            if key == "//" {
                continue;
            }
            body.attributes.push(Attribute {
                name: crate::syntax::name(key),
                expr: expression(value, errors),
                range: Range::new(key_range.start as usize, value.range.end as usize),
                origin: None,
            });
        }
    }
    body
}

/// `depends_on: ["aws_s3_bucket.b"]` holds references, not templates.
fn references_list(node: &JsonNode) -> Expr {
    let items = as_items(node)
        .into_iter()
        .filter_map(|item| match &item.kind {
            JsonKind::String(s) => hcl::parse_expr(s).ok().map(|e| shift(e, item.range)),
            _ => None,
        })
        .collect();
    Expr {
        kind: ExprKind::Tuple(items),
        range: node.range,
    }
}

/// A JSON value as an expression: strings are templates.
fn expression(node: &JsonNode, errors: &mut ConversionErrors) -> Expr {
    let kind = match &node.kind {
        JsonKind::String(s) => {
            if !s.contains("${") && !s.contains("%{") {
                ExprKind::Literal(Value::string(s.as_str()))
            } else {
                match hcl::parse_template(s) {
                    Ok(parts) => {
                        return shift(
                            Expr {
                                kind: ExprKind::Template(parts),
                                range: Range::new(0, s.len()),
                            },
                            node.range,
                        )
                    }
                    Err(e) => {
                        errors.push((format!("invalid template: {}", e.message), node.range));
                        ExprKind::Literal(Value::unknown())
                    }
                }
            }
        }
        JsonKind::Array(items) => {
            ExprKind::Tuple(items.iter().map(|i| expression(i, errors)).collect())
        }
        JsonKind::Object(members) => ExprKind::Object(
            members
                .iter()
                .filter(|(k, _, _)| k != "//")
                .map(|(k, _, v)| (ObjectKey::Ident(k.as_str().into()), expression(v, errors)))
                .collect(),
        ),
        _ => ExprKind::Literal(node.to_value()),
    };
    Expr {
        kind,
        range: node.range,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_with_ranges_and_escapes() {
        let text = r#"{"a": [1, "x\u00e9\n"], "b": {"c": null}}"#;
        let node = parse_json(text).unwrap();
        let JsonKind::Object(m) = &node.kind else {
            panic!()
        };
        assert_eq!(m[0].0, "a");
        assert_eq!(&text[m[0].1.start as usize..m[0].1.end as usize], "\"a\"");
        assert_eq!(m[0].2.to_value().to_string(), "[1, \"x\u{e9}\\n\"]");
    }

    #[test]
    fn rejects_truncated_and_deep_input() {
        assert!(parse_json("{\"a\": [1, 2").is_err());
        let deep = "[".repeat(10_000);
        assert!(parse_json(&deep).is_err());
    }

    #[test]
    fn converts_terragrunt_blocks_by_their_keys() {
        let text = r#"{
          "include": {"path": "../root.hcl"},
          "dependency": {"vpc": {"config_path": "../vpc"}, "db": {"config_path": "../db"}},
          "remote_state": {"backend": "s3", "config": {"bucket": "b"}},
          "terraform": {"source": "../m", "before_hook": {"lint": {"commands": ["plan"]}}},
          "inputs": {"name": "x"}
        }"#;
        let (body, errors) = convert_terragrunt(&parse_json(text).unwrap());
        assert!(errors.is_empty(), "{errors:?}");
        let blocks: Vec<(String, Vec<String>)> = body
            .blocks
            .iter()
            .map(|b| {
                let labels = b.labels.iter().map(|l| l.to_string()).collect();
                (b.kind.to_string(), labels)
            })
            .collect();
        let named =
            |k: &str, l: &[&str]| (k.to_string(), l.iter().map(|s| s.to_string()).collect());
        assert_eq!(
            blocks,
            vec![
                named("include", &[]),
                named("dependency", &["vpc"]),
                named("dependency", &["db"]),
                named("remote_state", &[]),
                named("terraform", &[]),
            ]
        );
        // `config` is an attribute of remote_state; hooks are blocks of terraform
        assert!(body.blocks[3].body.attribute("config").is_some());
        assert_eq!(&*body.blocks[4].body.blocks[0].kind, "before_hook");
        assert!(body.blocks[4].body.attribute("source").is_some());
        assert_eq!(body.attributes.len(), 1);
    }

    #[test]
    fn converts_resources_with_nested_blocks_and_map_arguments() {
        let text = r#"{"resource": {"aws_s3_bucket": {"b": {
            "bucket": "${var.name}-logs",
            "tags": {"team": "x"},
            "versioning": {"enabled": true}
        }}}}"#;
        let (body, errors) = convert_config(&parse_json(text).unwrap());
        assert!(errors.is_empty());
        let block = &body.blocks[0];
        assert_eq!(block.labels, vec!["aws_s3_bucket", "b"]);
        assert!(block.body.attribute("tags").is_some());
        assert!(block.body.attribute("bucket").is_some());
        assert_eq!(block.body.blocks[0].kind, "versioning");
    }
}
