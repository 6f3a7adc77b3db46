//! Web identity federation in trust policies: what a `Federated`
//! principal is (an OpenID Connect provider — GitHub Actions, an EKS
//! cluster, Google, a Cognito identity pool — or SAML), and whether a
//! statement's conditions name the identities the provider's tokens must be
//! issued to. The IAM engine classifies trusts by it; CW-AWS-IAM-015 reports
//! the ones that name none.

use crate::document::{is_unknown, Statement};
use cloudwright_model::Tri;

/// OpenID Connect providers that issue tokens to anyone who signs up (any
/// GitHub repository's workflow, any Google account): a trust that names
/// no subject of theirs is open to everyone.
pub const PUBLIC_PROVIDERS: &[&str] = &[
    "token.actions.githubusercontent.com",
    "accounts.google.com",
    "graph.facebook.com",
    "www.amazon.com",
    "cognito-identity.amazonaws.com",
    "gitlab.com",
    "app.terraform.io",
];

/// What a `Federated` principal of a trust policy is, as far as its text
/// says: an OpenID Connect provider (its host, when known), another kind of
/// federation (SAML), or not known.
pub enum Federation {
    Oidc(Option<String>),
    Other,
    Unknown,
}

pub fn federation(id: &str) -> Federation {
    if is_unknown(id) {
        // an OIDC provider the configuration declares
        return match crate::document::unknown_origin(id) {
            Some(o) if o.contains("aws_iam_openid_connect_provider.") && o.ends_with(".arn") => {
                Federation::Oidc(None)
            }
            _ => Federation::Unknown,
        };
    }
    if let Some((_, host)) = id.split_once(":oidc-provider/") {
        return Federation::Oidc(Some(host.to_string()));
    }
    if id.contains(":saml-provider/") {
        return Federation::Other;
    }
    // web identity federation names the identity provider itself
    // (`accounts.google.com`, `cognito-identity.amazonaws.com`)
    Federation::Oidc(Some(id.to_string()))
}

/// Does a statement allow assuming a role with a web identity token?
pub fn allows_web_identity(st: &Statement) -> bool {
    st.actions.iter().any(|a| {
        let a = a.to_ascii_lowercase();
        a == "*" || a == "sts:*" || a == "sts:assumerolewithwebidentity"
    })
}

/// The claim that names who a token was issued to: `sub`, except for
/// Cognito identity pools, whose tokens are scoped by `aud` (the pool).
pub fn identity_claim(host: Option<&str>) -> &'static str {
    match host {
        Some("cognito-identity.amazonaws.com") => "aud",
        _ => "sub",
    }
}

/// How a statement's conditions restrict the token's subject: `Known(true)`
/// when a condition on the claim admits named subjects, `Known(false)` when
/// none does (no such condition, or only `"*"`/`"repo:*"`), `Unknown` when a
/// condition key or its values are not known from the code.
pub fn restricts_subject(st: &Statement, claim: &str) -> Tri<bool> {
    if st.conditions.as_object().is_none() {
        return match st.has_unknown("Condition") {
            true => Tri::Unknown(format!("the trust's Condition is {}", st.why("Condition"))),
            false => Tri::Known(false),
        };
    }
    let mut undecided = None;
    for condition in naming_conditions(st) {
        let (key, values) = match condition {
            Ok(found) => found,
            Err(op) => {
                undecided.get_or_insert(format!(
                    "the trust's {op} condition is not known from the code"
                ));
                continue;
            }
        };
        if is_unknown(key) && crate::document::known_text(key).is_none() {
            undecided.get_or_insert(format!(
                "a condition key of the trust is {}",
                st.why("Condition")
            ));
            continue;
        }
        if !on_claim(key, claim) {
            continue;
        }
        let mut named = false;
        for v in values {
            match v.as_str() {
                Some(s) if is_unknown(s) && crate::document::known_text(s).is_none() => {
                    undecided.get_or_insert(format!(
                        "the subjects the trust admits are {}",
                        st.why("Condition")
                    ));
                }
                Some("*") | Some("repo:*") => {}
                Some(_) => named = true,
                None => {}
            }
        }
        if named {
            return Tri::Known(true);
        }
    }
    match undecided {
        Some(why) => Tri::Unknown(why),
        None => Tri::Known(false),
    }
}

/// Each key of a statement's conditions whose operator names who may
/// (not `StringNotEquals` and the like), with its values; `Err` with the
/// operator when what it holds is not known from the code.
fn naming_conditions(st: &Statement) -> Vec<Result<(&str, Vec<&serde_json::Value>), &str>> {
    let mut out = Vec::new();
    for (op, keys) in st.conditions.as_object().into_iter().flatten() {
        if op.to_ascii_lowercase().contains("not") {
            continue;
        }
        let Some(keys) = keys.as_object() else {
            out.push(Err(op.as_str()));
            continue;
        };
        for (key, values) in keys {
            let values = match values {
                serde_json::Value::Array(items) => items.iter().collect(),
                single => vec![single],
            };
            out.push(Ok((key.as_str(), values)));
        }
    }
    out
}

/// Whether a condition key is the token's `claim` (`…:sub`), its known
/// text read when it is written around an unknown provider URL.
fn on_claim(key: &str, claim: &str) -> bool {
    let text = crate::document::known_text(key).unwrap_or(key);
    text.to_ascii_lowercase()
        .strip_suffix(claim)
        .is_some_and(|rest| rest.ends_with(':'))
}

/// The subjects a statement's conditions on the token's `claim` admit, as
/// written (`repo:acme/deploy:ref:refs/heads/main`).
pub fn subjects(st: &Statement, claim: &str) -> Vec<String> {
    naming_conditions(st)
        .into_iter()
        .flatten()
        .filter(|(key, _)| on_claim(key, claim))
        .flat_map(|(_, values)| values)
        .filter_map(|v| v.as_str())
        .map(|v| crate::document::shown(v).into_owned())
        .collect()
}
