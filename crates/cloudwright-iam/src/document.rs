//! IAM policy documents as the model holds them (`jsonencode`, heredoc
//! JSON, `aws_iam_policy_document`), parsed into statements. A document
//! known in structure but holding values known only after apply gives
//! statements whose [`Statement::unknown`] names where those values are.

use cloudwright_model::{Tri, Value};

#[derive(Debug, Clone, Default)]
pub struct Statement {
    pub sid: Option<String>,
    pub allow: bool,
    pub actions: Vec<String>,
    pub not_actions: Vec<String>,
    pub resources: Vec<String>,
    pub not_resources: Vec<String>,
    /// `"*"` principals and `{"AWS": …}`, flattened to (kind, id).
    pub principals: Vec<(String, String)>,
    pub has_not_principal: bool,
    /// The `NotPrincipal` entries, flattened like `principals`.
    pub not_principals: Vec<(String, String)>,
    pub conditions: serde_json::Value,
    /// Keys of the statement (`Effect`, `Action`, `Resource`, `Principal`,
    /// `Condition`, …) that hold a value the code does not determine, with
    /// why ("known only after apply" when each is what a resource's
    /// provider computes, see [`cloudwright_model::Unknown::why`]); such a
    /// value reads as [`UNKNOWN`] in the fields above.
    pub unknown: Vec<(String, &'static str)>,
}

/// How a value known only after apply reads inside a parsed statement
/// ([`cloudwright_model::value::UNKNOWN_MARK`]).
pub const UNKNOWN: &str = cloudwright_model::value::UNKNOWN_MARK;

/// Is this string a value known only after apply (see [`UNKNOWN`])? The
/// marker may carry where the value comes from: `UNKNOWN` followed by
/// `:` and the origin (`aws_iam_role.deploy.arn`).
pub fn is_unknown(s: &str) -> bool {
    s.starts_with(UNKNOWN)
}

/// The origin a marker carries, if any.
pub fn unknown_origin(s: &str) -> Option<&str> {
    marked_origin(s).filter(|o| !cloudwright_model::value::is_no_origin(o))
}

/// The origin text a marker carries, the mark of a value made from values
/// known after apply included.
fn marked_origin(s: &str) -> Option<&str> {
    s.strip_prefix(UNKNOWN)?.strip_prefix(':')
}

/// Around an unknown piece of a string known in part (its origin between).
use cloudwright_model::value::{PIECE_END, PIECE_START};

/// The text of a marker for a string known only in part: `UNKNOWN`, `~`,
/// then the string with each unknown piece as `\u{2}origin\u{3}`.
pub fn known_text(s: &str) -> Option<&str> {
    s.strip_prefix(UNKNOWN)?.strip_prefix('~')
}

/// A piece of the text of a string known in part: known text, or the
/// origin of an unknown piece (`""` when it has none).
enum Piece<'a> {
    Known(&'a str),
    Unknown(&'a str),
}

/// The pieces of [`known_text`], in order.
fn pieces(text: &str) -> impl Iterator<Item = Piece<'_>> {
    text.split(PIECE_START).enumerate().flat_map(|(i, part)| {
        let (origin, known) = match (i, part.split_once(PIECE_END)) {
            (0, _) | (_, None) => (None, part),
            (_, Some((origin, rest))) => (Some(origin), rest),
        };
        origin
            .map(Piece::Unknown)
            .into_iter()
            .chain([Piece::Known(known)])
    })
}

/// A value of a parsed statement as people read it: a marker of a value
/// known only after apply as `(known after apply: origin)` (one the code
/// does not determine otherwise, as `(unknown: origin)`), a string known
/// in part as written (`arn:aws:iam::${data.aws_caller_identity.current.
/// account_id}:root`), anything else as itself.
pub fn shown(s: &str) -> std::borrow::Cow<'_, str> {
    if let Some(text) = known_text(s) {
        let mut out = String::with_capacity(text.len());
        for piece in pieces(text) {
            match piece {
                Piece::Known(known) => out.push_str(known),
                Piece::Unknown(origin) => {
                    out.push_str("${");
                    out.push_str(match cloudwright_model::value::is_no_origin(origin) {
                        true => "…",
                        false => origin,
                    });
                    out.push('}');
                }
            }
        }
        return out.into();
    }
    match (is_unknown(s), marked_origin(s)) {
        (true, Some(origin)) if cloudwright_model::value::is_no_origin(origin) => {
            match cloudwright_model::value::origin_after_apply(origin) {
                true => "(known after apply)".into(),
                false => "(unknown)".into(),
            }
        }
        (true, Some(origin)) if cloudwright_model::value::computed_by_apply(origin) => {
            format!("(known after apply: {origin})").into()
        }
        (true, Some(origin)) => format!("(unknown: {origin})").into(),
        (true, None) => "(unknown)".into(),
        (false, _) => s.into(),
    }
}

/// The account a principal (`arn:…:ACCOUNT:…` or a bare account id) names,
/// when its text says: `Some("self")` for the account running Terraform,
/// the account id written around an unknown value from
/// `data.aws_caller_identity` (`arn:aws:iam::${…account_id}:root`).
pub fn principal_account(id: &str) -> Option<std::borrow::Cow<'_, str>> {
    let text = match known_text(id) {
        Some(text) => text,
        None if is_unknown(id) => return None,
        None => id,
    };
    if text.len() == 12 && text.chars().all(|c| c.is_ascii_digit()) {
        return Some(text.into());
    }
    let account = text.split(':').nth(4).filter(|a| !a.is_empty())?;
    if !account.contains(PIECE_START) {
        return Some(account.into());
    }
    let origin = account.strip_prefix(PIECE_START)?.strip_suffix(PIECE_END)?;
    let caller = origin.contains("aws_caller_identity") && origin.ends_with(".account_id");
    caller.then_some("self".into())
}

/// Whether an unknown principal or resource could be `"*"`: not when it is
/// a string known in part whose known text has more than asterisks
/// (`arn:aws:iam::${account}:root` names an account, whatever the account),
/// nor the ARN or id of a managed resource, alone or within such a string
/// (`aws_s3_bucket.data.arn`, `${aws_s3_bucket.data.arn}*`: the provider
/// sets it to that resource's, never empty, never `"*"`).
fn may_be_wildcard(s: &str) -> bool {
    let names_a_resource = cloudwright_model::value::is_resource_identifier;
    if let Some(origin) = unknown_origin(s) {
        return !names_a_resource(origin);
    }
    let Some(text) = known_text(s) else {
        return true;
    };
    pieces(text).all(|p| match p {
        Piece::Known(known) => known.chars().all(|c| c == '*'),
        Piece::Unknown(origin) => !names_a_resource(origin),
    })
}

/// The origins of the unknown pieces a marker carries (one for a plain
/// unknown with an origin; `""` for a piece without one).
fn marker_origins(s: &str) -> Vec<&str> {
    if let Some(o) = marked_origin(s) {
        return vec![o];
    }
    let Some(text) = known_text(s) else {
        return vec![""];
    };
    pieces(text)
        .filter_map(|p| match p {
            Piece::Unknown(origin) => Some(origin),
            Piece::Known(_) => None,
        })
        .collect()
}

impl Statement {
    pub fn has_condition(&self) -> bool {
        self.conditions.as_object().is_some_and(|c| !c.is_empty())
    }

    /// Allows every action (`*` or `*:*`).
    pub fn all_actions(&self) -> bool {
        self.actions.iter().any(|a| a == "*" || a == "*:*")
    }

    pub fn all_resources(&self) -> bool {
        self.resources.iter().any(|r| r == "*")
    }

    /// Could the statement apply to every resource: `"*"`, or a resource
    /// the code does not determine that may be `"*"` (not a managed
    /// resource's ARN, nor a string known in part such as
    /// `${aws_s3_bucket.b.arn}/*`).
    pub fn may_be_all_resources(&self) -> bool {
        self.all_resources()
            || self
                .resources
                .iter()
                .any(|r| is_unknown(r) && may_be_wildcard(r))
    }

    /// Names every principal: `"*"`, `{"AWS": "*"}`, or a `NotPrincipal`.
    pub fn any_principal(&self) -> bool {
        self.has_not_principal
            || self
                .principals
                .iter()
                .any(|(kind, id)| id == "*" && (kind == "*" || kind == "AWS"))
    }

    /// Has a condition on who the caller is or where the call comes from
    /// (account, organisation, source ARN, network). Other conditions —
    /// `aws:SecureTransport`, time, tags — do not narrow who may call.
    pub fn limits_caller(&self) -> bool {
        let Some(operators) = self.conditions.as_object() else {
            return false;
        };
        operators
            .values()
            .filter_map(serde_json::Value::as_object)
            .flat_map(|keys| keys.keys())
            .any(|key| CALLER_KEYS.contains(&key.to_ascii_lowercase().as_str()))
    }

    /// Allows anyone at all: an Allow to every principal that no condition
    /// on the caller narrows. Unknown when a part that decides it is.
    pub fn public_grant(&self) -> Tri<bool> {
        let effect_unknown = self.has_unknown("Effect");
        if !self.allow && !effect_unknown {
            return Tri::Known(false);
        }
        if !self.any_principal() {
            let may_be_anyone = self
                .principals
                .iter()
                .any(|(_, id)| is_unknown(id) && may_be_wildcard(id));
            return if may_be_anyone {
                Tri::Unknown(format!(
                    "a principal of the policy is {}",
                    self.why("Principal")
                ))
            } else {
                Tri::Known(false)
            };
        }
        if self.limits_caller() {
            return Tri::Known(false);
        }
        if self.has_unknown("Condition") {
            return Tri::Unknown(format!(
                "a condition of the policy is {}",
                self.why("Condition")
            ));
        }
        if effect_unknown {
            return Tri::Unknown(format!(
                "the effect of a statement is {}",
                self.why("Effect")
            ));
        }
        Tri::Known(true)
    }

    /// Does `key` (`Action`, `Resource`, …) hold a value the code does not
    /// determine?
    pub fn has_unknown(&self, key: &str) -> bool {
        self.unknown.iter().any(|(k, _)| k == key)
    }

    /// Why `key` is not known (see [`Statement::unknown`]).
    pub fn why(&self, key: &str) -> &'static str {
        self.unknown.iter().find(|(k, _)| k == key).map_or(
            cloudwright_model::value::unknown_reason(false),
            |(_, why)| why,
        )
    }

    /// Why the statement's decisive parts are not all known: the first of
    /// `keys` that holds an unknown value.
    pub fn unknown_reason(&self, keys: &[&str]) -> Option<String> {
        keys.iter()
            .find(|k| self.has_unknown(k))
            .map(|k| format!("the policy's {k} is {}", self.why(k)))
    }
}

/// Condition keys (lower-cased) that restrict which callers a statement
/// applies to.
const CALLER_KEYS: &[&str] = &[
    "aws:sourcearn",
    "aws:sourceaccount",
    "aws:sourceowner",
    "aws:sourceorgid",
    "aws:sourceorgpaths",
    "aws:principalarn",
    "aws:principalaccount",
    "aws:principalorgid",
    "aws:principalorgpaths",
    "aws:userid",
    "aws:username",
    "aws:sourceip",
    "aws:sourcevpc",
    "aws:sourcevpce",
    "aws:vpcsourceip",
    // the account whose principals call through a key policy
    "kms:calleraccount",
];

/// The statements of a policy document: unknown when the document is not
/// known before apply, absent when not set.
pub fn statements(v: Tri<Value>) -> Tri<Vec<Statement>> {
    match v {
        Tri::Known(doc) => statements_in(&to_json(&doc)),
        Tri::Absent => Tri::Absent,
        Tri::Unknown(w) => Tri::Unknown(w),
    }
}

/// The statements of the policy document an attribute holds: JSON text
/// (`jsonencode`, a heredoc, `aws_iam_policy_document.json`) decoded
/// straight into statements, a document whose text is known only after
/// apply (`jsonencode` of unknown values, or JSON text written around them:
/// [`Value::json_document`]) read for its known structure, an object taken
/// as the document.
/// Text that is not JSON is absent (the provider rejects it); an unknown
/// value is unknown, `why` saying so.
pub fn attribute_statements(v: &Value, why: impl FnOnce() -> String) -> Tri<Vec<Statement>> {
    if let Some(doc) = v.json_document() {
        return statements_in(&to_json(&doc));
    }
    match v.strip() {
        Value::String(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(json) => statements_in(&json),
            Err(_) => Tri::Absent,
        },
        Value::Unknown(_) => Tri::Unknown(why()),
        Value::Null => Tri::Absent,
        other => statements_in(&to_json(other)),
    }
}

/// The statements of a policy document as JSON.
fn statements_in(json: &serde_json::Value) -> Tri<Vec<Statement>> {
    let raw = match json.get("Statement") {
        Some(serde_json::Value::Array(items)) => items.as_slice(),
        Some(single @ serde_json::Value::Object(_)) => std::slice::from_ref(single),
        Some(serde_json::Value::String(s)) if is_unknown(s) => {
            return Tri::Unknown(format!(
                "the policy's statements are {}",
                unknown_why(&serde_json::Value::String(s.clone())).unwrap_or_default()
            ))
        }
        _ => return Tri::Known(Vec::new()),
    };
    Tri::Known(raw.iter().map(statement).collect())
}

/// A document as JSON, unknown values as [`UNKNOWN`] (a string known in
/// part with its known text: [`known_text`]).
pub fn to_json(v: &Value) -> serde_json::Value {
    use serde_json::Value as J;
    if let Some(mark) = v.unknown_mark() {
        return J::String(mark);
    }
    match v.strip() {
        Value::Null => J::Null,
        Value::Bool(b) => J::Bool(*b),
        Value::Number(n) => serde_json::Number::from_f64(*n).map_or(J::Null, J::Number),
        Value::String(s) => J::String(s.to_string()),
        Value::List(items) => J::Array(items.iter().map(to_json).collect()),
        Value::Map(obj) => J::Object(
            obj.fields()
                .iter()
                .map(|(k, v)| (k.to_string(), to_json(v)))
                .collect(),
        ),
        // (marked above)
        Value::Unknown(_) | Value::Document(_) | Value::Template(_) => {
            J::String(UNKNOWN.to_string())
        }
        Value::Sensitive(inner) => to_json(inner),
    }
}

/// Why a part of a statement is not known, when it holds an unknown value:
/// "known only after apply" when every unknown in it is what a resource's
/// provider computes.
fn unknown_why(v: &serde_json::Value) -> Option<&'static str> {
    fn walk(v: &serde_json::Value, found: &mut bool, after_apply: &mut bool) {
        match v {
            serde_json::Value::String(s) if is_unknown(s) => {
                *found = true;
                *after_apply &= marker_origins(s)
                    .into_iter()
                    .all(cloudwright_model::value::origin_after_apply);
            }
            serde_json::Value::Array(items) => {
                items.iter().for_each(|i| walk(i, found, after_apply))
            }
            // (a key the code does not determine: a condition's variable)
            serde_json::Value::Object(m) => m.iter().for_each(|(k, i)| {
                walk(&serde_json::Value::String(k.clone()), found, after_apply);
                walk(i, found, after_apply)
            }),
            _ => {}
        }
    }
    let (mut found, mut after_apply) = (false, true);
    walk(v, &mut found, &mut after_apply);
    found.then(|| cloudwright_model::value::unknown_reason(after_apply))
}

fn strings(v: Option<&serde_json::Value>) -> Vec<String> {
    match v {
        Some(serde_json::Value::String(s)) => vec![s.clone()],
        Some(serde_json::Value::Array(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    }
}

/// A statement read in one pass over its keys (each `get` on a JSON map
/// hashes its key, and a statement was asked for ten of them).
fn statement(s: &serde_json::Value) -> Statement {
    let flatten = |v: &serde_json::Value| {
        let mut out = Vec::new();
        match v {
            serde_json::Value::String(p) => out.push(("*".to_string(), p.clone())),
            serde_json::Value::Object(m) => {
                for (kind, ids) in m {
                    for id in strings(Some(ids)) {
                        out.push((kind.clone(), id));
                    }
                }
            }
            _ => {}
        }
        out
    };
    let mut out = Statement::default();
    let Some(fields) = s.as_object() else {
        return out;
    };
    for (key, v) in fields {
        if let Some(why) = unknown_why(v) {
            out.unknown.push((key.clone(), why));
        }
        match key.as_str() {
            // (an empty `Sid`, as the provider writes a statement without
            // one, is none)
            "Sid" => out.sid = v.as_str().filter(|s| !s.is_empty()).map(str::to_string),
            "Effect" => out.allow = v.as_str() == Some("Allow"),
            "Action" => out.actions = strings(Some(v)),
            "NotAction" => out.not_actions = strings(Some(v)),
            "Resource" => out.resources = strings(Some(v)),
            "NotResource" => out.not_resources = strings(Some(v)),
            "Principal" => out.principals = flatten(v),
            "NotPrincipal" => {
                out.has_not_principal = true;
                out.not_principals = flatten(v);
            }
            "Condition" => out.conditions = v.clone(),
            _ => {}
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The marker of `arn:aws:iam::${origin}:root` as a parsed statement
    /// holds it.
    fn account_root(origin: &str) -> String {
        let pieces = vec![
            Value::string("arn:aws:iam::"),
            Value::unknown_from(origin),
            Value::string(":root"),
        ];
        to_json(&Value::partial_string(pieces))
            .as_str()
            .unwrap()
            .to_string()
    }

    #[test]
    fn what_is_made_from_values_known_after_apply_reads_as_such() {
        // `"${replace(aws_iam_openid_connect_provider.eks.url, "https://", "")}:sub"`
        let made = Value::unknown_made_from(&[Value::unknown_from(
            "aws_iam_openid_connect_provider.eks.url",
        )]);
        let key = Value::partial_string(vec![made.clone(), Value::string(":sub")]);
        let key = to_json(&key).as_str().unwrap().to_string();
        assert_eq!(shown(&key), "${…}:sub");
        let statement = serde_json::json!({
            "Effect": "Allow",
            "Condition": {"StringEquals": {key: "system:serviceaccount:a:b"}},
            "Resource": [to_json(&made)],
        });
        let Tri::Known(st) = statements_in(&serde_json::json!({ "Statement": [statement] })) else {
            panic!()
        };
        assert_eq!(st[0].why("Condition"), "known only after apply");
        assert_eq!(st[0].why("Resource"), "known only after apply");
        assert_eq!(shown(&st[0].resources[0]), "(known after apply)");
        assert_eq!(unknown_origin(&st[0].resources[0]), None);
        // one not known from the code makes the whole so
        let mixed = Value::unknown_made_from(&[made, Value::unknown_from("var.x")]);
        assert_eq!(shown(to_json(&mixed).as_str().unwrap()), "(unknown)");
    }

    #[test]
    fn principals_known_in_part_read_as_written_and_name_their_account() {
        let caller = account_root("data.aws_caller_identity.current.account_id");
        assert!(is_unknown(&caller));
        assert_eq!(
            shown(&caller),
            "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"
        );
        assert_eq!(principal_account(&caller).as_deref(), Some("self"));
        // another unknown account is not known to be this one
        let other = account_root("aws_organizations_account.vendor.id");
        assert_eq!(principal_account(&other), None);
        assert_eq!(
            principal_account("arn:aws:iam::111122223333:root").as_deref(),
            Some("111122223333")
        );
        assert_eq!(
            principal_account("111122223333").as_deref(),
            Some("111122223333")
        );
        let plain = to_json(&Value::unknown_from("aws_iam_role.r.arn"));
        assert_eq!(
            shown(plain.as_str().unwrap()),
            "(known after apply: aws_iam_role.r.arn)"
        );
        assert_eq!(principal_account(plain.as_str().unwrap()), None);
        assert_eq!(
            shown("arn:aws:iam::111122223333:root"),
            "arn:aws:iam::111122223333:root"
        );
    }
}
