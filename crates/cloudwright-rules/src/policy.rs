//! IAM policy documents as rules read them, parsed once from the JSON that
//! the loader produced (`jsonencode`, heredoc, `aws_iam_policy_document`).

use crate::check::{get, Context, Tri};
use crate::Report;
use cloudwright_model::Value;

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
    pub conditions: serde_json::Value,
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
    /// on the caller narrows.
    pub fn public_grant(&self) -> bool {
        self.allow && self.any_principal() && !self.limits_caller()
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

/// The statements of a policy attribute: unknown when the document is not
/// known before apply, absent when not set, unparseable JSON is absent (the
/// provider would reject it).
pub fn statements(v: Tri<Value>) -> Tri<Vec<Statement>> {
    let text = match v {
        Tri::Known(v) => match v.as_str() {
            Some(s) => s.to_string(),
            None => return Tri::Absent,
        },
        Tri::Absent => return Tri::Absent,
        Tri::Unknown(w) => return Tri::Unknown(w),
    };
    let Ok(json) = serde_json::from_str::<serde_json::Value>(&text) else {
        return Tri::Absent;
    };
    let raw = match json.get("Statement") {
        Some(serde_json::Value::Array(items)) => items.clone(),
        Some(single @ serde_json::Value::Object(_)) => vec![single.clone()],
        _ => return Tri::Known(Vec::new()),
    };
    Tri::Known(raw.iter().map(statement).collect())
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

fn statement(s: &serde_json::Value) -> Statement {
    let mut principals = Vec::new();
    match s.get("Principal") {
        Some(serde_json::Value::String(p)) => principals.push(("*".to_string(), p.clone())),
        Some(serde_json::Value::Object(m)) => {
            for (kind, ids) in m {
                for id in strings(Some(ids)) {
                    principals.push((kind.clone(), id));
                }
            }
        }
        _ => {}
    }
    Statement {
        sid: s.get("Sid").and_then(|v| v.as_str()).map(str::to_string),
        allow: s.get("Effect").and_then(|e| e.as_str()) == Some("Allow"),
        actions: strings(s.get("Action")),
        not_actions: strings(s.get("NotAction")),
        resources: strings(s.get("Resource")),
        not_resources: strings(s.get("NotResource")),
        principals,
        has_not_principal: s.get("NotPrincipal").is_some(),
        conditions: s
            .get("Condition")
            .cloned()
            .unwrap_or(serde_json::Value::Null),
    }
}

/// The resource-policy check shared by the "open to everyone" rules: for
/// each resource of `types`, its `policy` must not grant every principal
/// without a condition on the caller. `noun` names the protected thing in
/// messages ("queue", "topic"). A document with a public grant and also a
/// deny to every principal is undecidable: the deny may close the grant.
pub fn report_public_grants(ctx: &Context<'_>, report: &mut Report, types: &[&str], noun: &str) {
    for r in ctx.resources(types) {
        let statements = match statements(get(r, "policy")) {
            Tri::Known(s) => s,
            // an inline policy is optional on the protected resource
            Tri::Absent => {
                report.checked(r);
                continue;
            }
            Tri::Unknown(why) => {
                report.unknown(r, why);
                continue;
            }
        };
        report.checked(r);
        let Some(grant) = statements.iter().find(|s| s.public_grant()) else {
            continue;
        };
        if statements.iter().any(|s| !s.allow && s.any_principal()) {
            report.unknown(
                r,
                "the policy allows every principal and also denies every principal under some condition; whether the deny closes the grant is not decided",
            );
            continue;
        }
        let sid = grant
            .sid
            .as_deref()
            .map_or(String::new(), |sid| format!(" (statement {sid:?})"));
        let actions = if grant.actions.is_empty() {
            "every action but those in NotAction".to_string()
        } else {
            grant.actions.join(", ")
        };
        report.fail(
            r,
            "policy",
            format!("anyone may call {actions} on the {noun}{sid}: the policy allows every principal with no condition on the caller"),
        );
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_single_and_list_forms() {
        let doc = r#"{"Statement": {"Effect": "Allow", "Action": "*", "Resource": ["*"], "Principal": {"AWS": ["a", "b"]}}}"#;
        let Tri::Known(st) = statements(Tri::Known(Value::string(doc))) else {
            panic!()
        };
        assert!(st[0].allow && st[0].all_actions() && st[0].all_resources());
        assert_eq!(st[0].principals.len(), 2);
        assert!(matches!(
            statements(Tri::Known(Value::unknown())),
            Tri::Absent
        ));
        assert!(matches!(
            statements(Tri::Unknown("x".into())),
            Tri::Unknown(_)
        ));
    }
}
