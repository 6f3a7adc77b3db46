//! Terraform's built-in functions.
//!
//! Each family lives in its own file. [`call`] handles what is common to all:
//! sensitive arguments make a sensitive result, and an unknown argument makes
//! an unknown result unless the function is *structural* (it can give a known
//! answer about a collection whose elements are unknown, like `length`).
//!
//! Functions whose result Terraform only knows at apply time (`timestamp`,
//! `uuid`, `bcrypt`) return Unknown, which is their honest value at plan time.

mod collections;
pub(crate) mod encoding;
mod files;
mod hashing;
mod hclwrite;
mod network;
mod numeric;
mod provider_aws;
mod strings;
mod time;
mod types;

use crate::eval::Evaluator;
use crate::syntax::Range;
use cloudwright_model::{format_number, Object, Value};

pub use encoding::json_encode;
pub(crate) use files::{file_attributes, render_template};
pub(crate) use provider_aws::Arn;

#[derive(Debug)]
pub enum CallError {
    /// The call is wrong (argument types, values): Terraform would fail too.
    Failed(String),
    /// A real Terraform function Cloudwright does not evaluate.
    NotImplemented,
    /// A function Cloudwright evaluates, called with an argument it does
    /// not carry (an encoding): what, in a phrase.
    Unsupported(String),
    /// No such function.
    Unknown,
}

pub type CallResult = Result<Value, CallError>;

pub(crate) fn fail<T>(msg: impl Into<String>) -> Result<T, CallError> {
    Err(CallError::Failed(msg.into()))
}

/// Functions that can return a known result when elements of a collection
/// argument are unknown.
const STRUCTURAL: &[&str] = &[
    "length",
    "concat",
    "merge",
    "lookup",
    "element",
    "flatten",
    "tolist",
    "tomap",
    "slice",
    "reverse",
    "zipmap",
    "one",
    "keys",
    "values",
    "coalescelist",
    "contains",
    "chunklist",
    "transpose",
    "setunion",
];

/// Functions whose result Cloudwright does not compute: the time and
/// random values Terraform leaves unknown until it applies (`timestamp`,
/// `uuid`), the plan's time, a random salt, a private key's decryption.
const APPLY_TIME: &[&str] = &["timestamp", "plantimestamp", "uuid", "bcrypt", "rsadecrypt"];

/// Conversion functions pass an unknown argument through, origin and all.
const PASS_UNKNOWN: &[&str] = &["tostring", "tonumber", "tobool", "tolist", "toset", "tomap"];

pub fn call(ev: &mut Evaluator<'_>, name: &str, args: Vec<Value>, range: Range) -> CallResult {
    if name == DECODE_TFVARS {
        return files::decode_tfvars(ev, &args, range);
    }
    // (a provider function's namespace: `provider::aws::arn_parse`; a
    // plain name holds no colon, found without a substring search)
    if name.contains(':') && name.contains("::") && !is_known_function(name) {
        return Err(CallError::Unknown);
    }
    if APPLY_TIME.contains(&name) {
        // Terraform leaves these two unknown until it applies
        return Ok(match name {
            "timestamp" | "uuid" => Value::unknown_after_apply(),
            _ => Value::unknown(),
        });
    }
    match name {
        "ephemeralasnull" => return one_arg(args).map(|v| types::ephemeral_as_null(&v)),
        "sensitive" => return one_arg(args).map(Value::sensitive),
        "nonsensitive" => return one_arg(args).map(|v| deep_strip(&v)),
        "issensitive" => return one_arg(args).map(|v| Value::Bool(v.contains_sensitive())),
        _ => {}
    }
    // `merge` keeps each attribute's mark on it, and marks the result as a
    // whole only with its arguments' own marks (as cty's `merge` does): a
    // sensitive tag does not hide the others
    if name == "merge" {
        if let Some(merged) = collections::merge_keeping_marks(&args) {
            return Ok(merged);
        }
    }
    let sensitive = args.iter().any(|a| ev.holds_sensitive(a));
    let args: Vec<Value> = if sensitive {
        args.iter().map(deep_strip).collect()
    } else {
        args
    };
    // a document whose text is unknown keeps its structure (Value::Document,
    // or JSON text written around unknown values: Value::json_document)
    if name == "jsondecode" && args.len() == 1 {
        if let Some(doc) = args[0].json_document() {
            return Ok(mark(doc.into_owned(), sensitive));
        }
    }
    // Go's gzip bytes are not reproduced: the result is unknown, and keeps
    // the text it compresses for the rules that read user data
    if name == "base64gzip" && args.len() == 1 && !args[0].contains_unknown() {
        let text = string(&args[0])?;
        let span = ev.span(range);
        ev.diagnostics.push(
            cloudwright_model::Diagnostic::info(
                "base64gzip(): Cloudwright does not reproduce the gzip bytes; the result is treated as unknown, and rules that read user data read the text it compresses",
            )
            .at(span),
        );
        return Ok(mark(
            Value::unknown_document(Value::string(text)),
            sensitive,
        ));
    }
    // the encoding of a string known only in part is unknown; it keeps the
    // string, for the rules that read user data
    if matches!(name, "base64encode" | "base64gzip")
        && args.len() == 1
        && args[0].template().is_some()
    {
        return Ok(mark(Value::unknown_document(args[0].clone()), sensitive));
    }
    // functions that keep what is known of arguments known only in part
    // (the name first: whether the arguments hold an unknown is a walk)
    if PARTIAL.contains(&name) && args.iter().any(|a| ev.holds_unknown(a)) {
        if let Some(v) = partial(name, &args) {
            return Ok(mark(v, sensitive));
        }
    }
    // a template renders around the unknown values it is given (a string
    // known in part), when its text and the object of its values are known
    if matches!(name, "templatefile" | "templatestring")
        && args.len() == 2
        && !args[0].contains_unknown()
        && matches!(args[1].strip(), Value::Map(_))
    {
        let result = dispatch(ev, name, args, range)?;
        return Ok(mark(result, sensitive));
    }
    if name == "jsonencode"
        && args.len() == 1
        && !args[0].is_unknown()
        && ev.holds_unknown(&args[0])
    {
        return Ok(mark(Value::unknown_document(args[0].clone()), sensitive));
    }
    if let Some(u) = args.iter().find(|a| a.is_unknown()) {
        if PASS_UNKNOWN.contains(&name) && args.len() == 1 {
            return Ok(mark(u.clone(), sensitive));
        }
        if is_known_function(name) {
            return Ok(mark(Value::unknown_made_from(&args), sensitive));
        }
    }
    if !STRUCTURAL.contains(&name)
        && args.iter().any(|a| ev.holds_unknown(a))
        && is_known_function(name)
    {
        return Ok(mark(Value::unknown_made_from(&args), sensitive));
    }
    // a search of a large list something else holds, read for each
    // instance: found by hash, the list indexed once
    if matches!(name, "contains" | "index") && args.len() == 2 {
        if let Some(position) = ev.position_in(&args[0], &args[1]) {
            let result = match (name, position) {
                ("contains", found) => Value::Bool(found.is_some()),
                (_, Some(i)) => Value::Number(i as f64),
                (_, None) => return Err(CallError::Failed(collections::NOT_IN_LIST.into())),
            };
            return Ok(mark(result, sensitive));
        }
    }
    let result = dispatch(ev, name, args, range)?;
    Ok(mark(result, sensitive))
}

/// The functions [`partial`] knows.
const PARTIAL: &[&str] = &[
    "format",
    "join",
    "replace",
    "coalesce",
    "slice",
    "lower",
    "upper",
    "startswith",
    "trimprefix",
    "trimsuffix",
    "substr",
];

/// What a function makes of arguments some of which are unknown, when it
/// keeps what is known of them; `None` when the result is plainly unknown.
fn partial(name: &str, args: &[Value]) -> Option<Value> {
    match name {
        // a known format string with unknown arguments, each a plain `%s`
        // or `%v`: a string known in part
        "format" if args.len() > 1 && !args[0].contains_unknown() => {
            let unknown_args = args[1..].iter().any(Value::is_unknown);
            unknown_args
                .then(|| strings::format_partial(args[0].as_str()?, &args[1..]))
                .flatten()
        }
        // known lists holding unknown strings (`join(":", ["arn:aws:iam:",
        // "", data.aws_caller_identity.c.account_id, "root"])`)
        "join" if args.len() > 1 => strings::join_partial(args),
        // in a string known in part, or by an unknown replacement (the
        // placeholders of a policy replaced by a bucket's ARN)
        "replace" if args.len() == 3 => strings::replace_partial(args),
        // past null and "" to a value certainly set (a resource's ARN)
        "coalesce" if args.iter().any(Value::is_unknown) => collections::coalesce_partial(args),
        // a known range of a list not known from the code
        // (`slice(data.aws_availability_zones.available.names, 0, 3)`)
        "slice" => collections::slice_partial(args),
        // what is known of a string known in part, cased, tested or cut
        // where its known text decides (`lower("${var.x}-${random_id.r.hex}")`,
        // `substr(name, 0, 32)`)
        "lower" | "upper" if args.len() == 1 => strings::cased_partial(name == "upper", &args[0]),
        "startswith" if args.len() == 2 => strings::startswith_partial(args),
        "trimprefix" | "trimsuffix" if args.len() == 2 => {
            strings::trim_partial(name == "trimsuffix", args)
        }
        "substr" if args.len() == 3 => strings::substr_partial(args),
        _ => None,
    }
}

fn mark(v: Value, sensitive: bool) -> Value {
    if sensitive {
        v.sensitive()
    } else {
        v
    }
}

fn dispatch(ev: &mut Evaluator<'_>, name: &str, args: Vec<Value>, range: Range) -> CallResult {
    if let Some(r) = strings::call(name, &args) {
        return r;
    }
    if let Some(r) = provider_aws::call(name, &args) {
        return r;
    }
    if let Some(r) = hclwrite::call(name, &args) {
        return r;
    }
    if let Some(r) = collections::call(name, &args) {
        return r;
    }
    if let Some(r) = encoding::call(name, &args) {
        return r;
    }
    if let Some(r) = numeric::call(name, &args) {
        return r;
    }
    if let Some(r) = network::call(name, &args) {
        return r;
    }
    if let Some(r) = hashing::call(name, &args) {
        return r;
    }
    if let Some(r) = time::call(name, &args) {
        return r;
    }
    if let Some(r) = types::call(name, &args) {
        return r;
    }
    if let Some(r) = files::call(ev, name, &args, range) {
        return r;
    }
    match name {
        // a known argument is taken before (`call`): here, a wrong count
        "base64gzip" => arity(&args, 1).and_then(|_| fail("base64gzip() needs one string")),
        "type" => Err(CallError::NotImplemented),
        "list" | "map" => fail(format!(
            "{name}() was removed in Terraform 0.15; use tolist([...]) or tomap({{...}})"
        )),
        _ => Err(CallError::Unknown),
    }
}

/// Terraform's builtin provider's function that reads a variables file's
/// text (Terraform 1.8, OpenTofu 1.7).
const DECODE_TFVARS: &str = "provider::terraform::decode_tfvars";

/// Every function name Cloudwright knows (implemented or knowingly not).
pub fn is_known_function(name: &str) -> bool {
    KNOWN.binary_search(&name).is_ok()
        || provider_aws::is_known(name)
        || [
            DECODE_TFVARS,
            hclwrite::ENCODE_TFVARS,
            hclwrite::ENCODE_EXPR,
        ]
        .contains(&name)
}

/// The built-in function a misspelt name most likely meant (`lenght` →
/// `length`): two edits away at most, one for a name of four letters or
/// fewer (`foo` is not `log`).
pub fn meant(name: &str) -> Option<&'static str> {
    let meant = crate::module::closest(name, KNOWN)?;
    let short = name.chars().count() <= 4;
    (!short || crate::module::edit_distance(name, meant) <= 1).then_some(meant)
}

/// Sorted list of Terraform's built-in functions.
const KNOWN: &[&str] = &[
    "abs",
    "abspath",
    "alltrue",
    "anytrue",
    "base64decode",
    "base64encode",
    "base64gunzip",
    "base64gzip",
    "base64sha256",
    "base64sha512",
    "basename",
    "bcrypt",
    "can",
    "ceil",
    "chomp",
    "chunklist",
    "cidrcontains",
    "cidrhost",
    "cidrnetmask",
    "cidrsubnet",
    "cidrsubnets",
    "coalesce",
    "coalescelist",
    "compact",
    "concat",
    "contains",
    "csvdecode",
    "dirname",
    "distinct",
    "element",
    "endswith",
    "ephemeralasnull",
    "file",
    "filebase64",
    "filebase64sha256",
    "filebase64sha512",
    "fileexists",
    "filemd5",
    "fileset",
    "filesha1",
    "filesha256",
    "filesha512",
    "flatten",
    "floor",
    "format",
    "formatdate",
    "formatlist",
    "indent",
    "index",
    "issensitive",
    "join",
    "jsondecode",
    "jsonencode",
    "keys",
    "length",
    "list",
    "log",
    "lookup",
    "lower",
    "map",
    "matchkeys",
    "max",
    "md5",
    "merge",
    "min",
    "nonsensitive",
    "one",
    "parseint",
    "pathexpand",
    "plantimestamp",
    "pow",
    "range",
    "regex",
    "regexall",
    "replace",
    "reverse",
    "rsadecrypt",
    "sensitive",
    "setintersection",
    "setproduct",
    "setsubtract",
    "setunion",
    "sha1",
    "sha256",
    "sha512",
    "signum",
    "slice",
    "sort",
    "split",
    "startswith",
    "strcontains",
    "strrev",
    "substr",
    "sum",
    "templatefile",
    "templatestring",
    "textdecodebase64",
    "textencodebase64",
    "timeadd",
    "timecmp",
    "timestamp",
    "title",
    "tobool",
    "tolist",
    "tomap",
    "tonumber",
    "toset",
    "tostring",
    "transpose",
    "trim",
    "trimprefix",
    "trimspace",
    "trimsuffix",
    "try",
    "type",
    "upper",
    "urldecode",
    "urlencode",
    "uuid",
    "uuidv5",
    "values",
    "yamldecode",
    "yamlencode",
    "zipmap",
];

/// Removes sensitive marks everywhere inside a value.
pub fn deep_strip(v: &Value) -> Value {
    match v {
        Value::Sensitive(inner) => deep_strip(inner),
        Value::List(items) if items.iter().any(Value::contains_sensitive) => {
            Value::list(items.iter().map(deep_strip).collect())
        }
        Value::Map(obj) if obj.fields().values().any(Value::contains_sensitive) => {
            Value::Map(Object::with_computed(
                obj.fields()
                    .iter()
                    .map(|(k, v)| (k, deep_strip(v)))
                    .collect(),
                obj.computed().cloned(),
            ))
        }
        other => other.clone(),
    }
}

// ---- argument helpers shared by the families ----

pub(crate) fn arity(args: &[Value], n: usize) -> Result<(), CallError> {
    if args.len() != n {
        return fail(format!("expected {n} argument(s), got {}", args.len()));
    }
    Ok(())
}

fn one_arg(mut args: Vec<Value>) -> Result<Value, CallError> {
    if args.len() != 1 {
        return fail(format!("expected 1 argument, got {}", args.len()));
    }
    Ok(args.remove(0))
}

/// A string argument; numbers and bools convert as Terraform converts them.
pub(crate) fn string(v: &Value) -> Result<String, CallError> {
    match v {
        Value::String(s) => Ok(String::from(&**s)),
        Value::Number(n) => Ok(format_number(*n)),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Null => fail("argument must not be null"),
        other => fail(format!("expected a string, got {}", other.type_name())),
    }
}

pub(crate) fn number(v: &Value) -> Result<f64, CallError> {
    match v {
        Value::Number(n) => Ok(*n),
        Value::String(s) => s
            .trim()
            .parse()
            .or_else(|_| fail(format!("cannot convert {s:?} to a number"))),
        Value::Null => fail("argument must not be null"),
        other => fail(format!("expected a number, got {}", other.type_name())),
    }
}

pub(crate) fn integer(v: &Value) -> Result<i64, CallError> {
    let n = number(v)?;
    if n.fract() != 0.0 {
        return fail(format!("expected a whole number, got {}", format_number(n)));
    }
    Ok(n as i64)
}

pub(crate) fn list(v: &Value) -> Result<&[Value], CallError> {
    match v {
        Value::List(items) => Ok(items),
        Value::Null => fail("argument must not be null"),
        other => fail(format!("expected a list, got {}", other.type_name())),
    }
}

pub(crate) fn object(v: &Value) -> Result<&Object, CallError> {
    match v {
        Value::Map(obj) => Ok(obj),
        Value::Null => fail("argument must not be null"),
        other => fail(format!(
            "expected a map or object, got {}",
            other.type_name()
        )),
    }
}

pub(crate) fn boolean(v: &Value) -> Result<bool, CallError> {
    v.as_bool()
        .ok_or_else(|| CallError::Failed(format!("expected a bool, got {}", v.type_name())))
}

pub(crate) fn strings(v: &Value) -> Result<Vec<String>, CallError> {
    list(v)?.iter().map(string).collect()
}

pub(crate) fn string_list(items: impl IntoIterator<Item = String>) -> Value {
    Value::list(items.into_iter().map(Value::string).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn known_function_table_is_sorted() {
        let mut sorted = KNOWN.to_vec();
        sorted.sort_unstable();
        assert_eq!(sorted, KNOWN);
    }
}
