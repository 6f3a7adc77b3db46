//! AWS's policy evaluation logic, three-valued: a request is allowed,
//! denied (explicitly or for want of an allow), or *conditional* — it
//! depends on a condition the request context does not decide, which is
//! shown, never guessed.
//!
//! Order (as AWS documents it): an explicit deny in any applicable policy
//! wins; service control policies must allow; a permissions boundary must
//! allow what identity policies allow; within one account an allow in the
//! identity policies (within the boundary) or in the resource policy
//! suffices; across accounts both are needed; KMS key policies and role
//! trust policies must always allow.

use crate::document::Statement;
use crate::glob;
use std::collections::HashMap;

/// Who asks.
#[derive(Clone, Debug, PartialEq)]
pub struct Principal {
    /// `arn:aws:iam::111122223333:role/app`; `*` for anonymous.
    pub arn: String,
    pub account: String,
    /// A service principal (`lambda.amazonaws.com`) asks as a service.
    pub service: Option<String>,
    /// The principal's address in the configuration: a policy naming it by
    /// a reference known only after apply (`aws_iam_role.ci.arn`) names it.
    pub address: Option<String>,
}

impl Principal {
    pub fn aws(arn: &str) -> Principal {
        let account = arn.split(':').nth(4).unwrap_or_default().to_string();
        Principal {
            arn: arn.to_string(),
            account,
            service: None,
            address: None,
        }
    }

    pub fn service(name: &str) -> Principal {
        Principal {
            arn: name.to_string(),
            account: String::new(),
            service: Some(name.to_string()),
            address: None,
        }
    }
}

/// What the request context holds for a condition key.
#[derive(Clone, Debug, PartialEq)]
pub enum ContextValue {
    Values(Vec<String>),
    /// The key is definitely not in the request.
    Absent,
}

/// The request: principal, action, resource, and the condition keys that
/// are known. A key missing from `context` is unknown: conditions on it
/// make the answer conditional.
#[derive(Clone, Debug)]
pub struct Request {
    pub principal: Principal,
    pub action: String,
    pub resource: String,
    /// The resource's address in the configuration, when the question is
    /// about one: a policy naming it by a reference known only after apply
    /// (`aws_s3_bucket.logs.arn`) names it.
    pub resource_address: Option<String>,
    /// Lower-cased condition key → value.
    pub context: HashMap<String, ContextValue>,
}

impl Request {
    pub fn new(principal: Principal, action: &str, resource: &str) -> Request {
        let mut context = HashMap::new();
        if principal.service.is_none() {
            context.insert(
                "aws:principalarn".into(),
                ContextValue::Values(vec![principal.arn.clone()]),
            );
            context.insert(
                "aws:principalaccount".into(),
                ContextValue::Values(vec![principal.account.clone()]),
            );
        }
        Request {
            principal,
            action: action.to_string(),
            resource: resource.to_string(),
            resource_address: None,
            context,
        }
    }

    pub fn with(mut self, key: &str, value: ContextValue) -> Request {
        self.context.insert(key.to_ascii_lowercase(), value);
        self
    }
}

/// A three-valued truth.
#[derive(Clone, Debug, PartialEq)]
pub enum Truth {
    True,
    False,
    /// Depends on these conditions (as written: `StringEquals aws:SourceVpce = vpce-1`).
    Depends(Vec<String>),
}

impl Truth {
    fn and(self, other: Truth) -> Truth {
        match (self, other) {
            (Truth::False, _) | (_, Truth::False) => Truth::False,
            (Truth::True, t) | (t, Truth::True) => t,
            (Truth::Depends(mut a), Truth::Depends(b)) => {
                a.extend(b);
                Truth::Depends(a)
            }
        }
    }
}

fn value_strings(v: &serde_json::Value) -> Vec<String> {
    match v {
        serde_json::Value::Array(items) => items.iter().flat_map(value_strings).collect(),
        serde_json::Value::String(s) => vec![s.clone()],
        serde_json::Value::Bool(b) => vec![b.to_string()],
        serde_json::Value::Number(n) => vec![n.to_string()],
        _ => Vec::new(),
    }
}

fn ip_in(cidr: &str, ip: &str) -> Option<bool> {
    let ip: std::net::IpAddr = ip.parse().ok()?;
    let (net, len) = match cidr.split_once('/') {
        Some((n, l)) => (n.parse::<std::net::IpAddr>().ok()?, l.parse::<u8>().ok()?),
        None => (
            cidr.parse::<std::net::IpAddr>().ok()?,
            if cidr.contains(':') { 128 } else { 32 },
        ),
    };
    Some(match (net, ip) {
        (std::net::IpAddr::V4(n), std::net::IpAddr::V4(i)) => {
            let mask = if len == 0 {
                0
            } else {
                u32::MAX << (32 - len.min(32))
            };
            (u32::from(n) & mask) == (u32::from(i) & mask)
        }
        (std::net::IpAddr::V6(n), std::net::IpAddr::V6(i)) => {
            let mask = if len == 0 {
                0
            } else {
                u128::MAX << (128 - len.min(128))
            };
            (u128::from(n) & mask) == (u128::from(i) & mask)
        }
        _ => false,
    })
}

/// Does one context value match one policy value under the base operator
/// (without `Not`, `IfExists`, set prefixes)? `None` when the operator is
/// not one this engine knows.
fn base_match(op: &str, policy: &str, actual: &str) -> Option<bool> {
    let num = |s: &str| s.parse::<f64>().ok();
    Some(match op {
        "StringEquals" => policy == actual,
        "StringEqualsIgnoreCase" => policy.eq_ignore_ascii_case(actual),
        "StringLike" => glob::matches(policy, actual),
        "NumericEquals" => num(policy)? == num(actual)?,
        "NumericLessThan" => num(actual)? < num(policy)?,
        "NumericLessThanEquals" => num(actual)? <= num(policy)?,
        "NumericGreaterThan" => num(actual)? > num(policy)?,
        "NumericGreaterThanEquals" => num(actual)? >= num(policy)?,
        // ISO 8601 timestamps in one format compare as text
        "DateEquals" => policy == actual,
        "DateLessThan" => actual < policy,
        "DateLessThanEquals" => actual <= policy,
        "DateGreaterThan" => actual > policy,
        "DateGreaterThanEquals" => actual >= policy,
        "Bool" => policy.eq_ignore_ascii_case(actual),
        "BinaryEquals" => policy == actual,
        "IpAddress" => ip_in(policy, actual)?,
        "ArnEquals" | "ArnLike" => glob::matches(policy, actual),
        _ => return None,
    })
}

/// One condition operator over one key.
pub fn condition(
    operator: &str,
    key: &str,
    policy_values: &[String],
    ctx: &HashMap<String, ContextValue>,
) -> Truth {
    let shown = || format!("{operator} {key} = {}", policy_values.join(", "));
    let (set, rest) = if let Some(r) = operator.strip_prefix("ForAllValues:") {
        (Some(true), r)
    } else if let Some(r) = operator.strip_prefix("ForAnyValue:") {
        (Some(false), r)
    } else {
        (None, operator)
    };
    let (rest, if_exists) = match rest.strip_suffix("IfExists") {
        Some(r) => (r, true),
        None => (rest, false),
    };
    let actual = match ctx.get(&key.to_ascii_lowercase()) {
        None => return Truth::Depends(vec![shown()]),
        Some(v) => v,
    };
    if rest == "Null" {
        // "true": the key must be absent
        let want_absent = policy_values.iter().any(|v| v.eq_ignore_ascii_case("true"));
        let absent = matches!(actual, ContextValue::Absent);
        return if want_absent == absent {
            Truth::True
        } else {
            Truth::False
        };
    }
    let (negated, base) = match rest {
        "StringNotEquals" => (true, "StringEquals"),
        "StringNotEqualsIgnoreCase" => (true, "StringEqualsIgnoreCase"),
        "StringNotLike" => (true, "StringLike"),
        "NumericNotEquals" => (true, "NumericEquals"),
        "DateNotEquals" => (true, "DateEquals"),
        "NotIpAddress" => (true, "IpAddress"),
        "ArnNotEquals" => (true, "ArnEquals"),
        "ArnNotLike" => (true, "ArnLike"),
        other => (false, other),
    };
    let values = match actual {
        ContextValue::Absent => {
            // an absent key: IfExists and negated operators hold,
            // ForAllValues holds vacuously, the rest do not
            return if if_exists || set == Some(true) || (negated && set.is_none()) {
                Truth::True
            } else {
                Truth::False
            };
        }
        ContextValue::Values(v) => v,
    };
    // does one context value match any policy value?
    let one = |a: &str| -> Option<bool> {
        let mut any = false;
        for p in policy_values {
            any |= base_match(base, p, a)?;
        }
        Some(any)
    };
    let mut results = Vec::new();
    for a in values {
        match one(a) {
            Some(m) => results.push(m),
            None => return Truth::Depends(vec![format!("{} (operator not evaluated)", shown())]),
        }
    }
    let holds = match set {
        // every value matches (negated: matches none of the policy values)
        Some(true) => results.iter().all(|m| *m != negated),
        // some value matches
        Some(false) => results.iter().any(|m| *m != negated),
        // a single-valued key; several values behave like ForAnyValue
        None => {
            if negated {
                results.iter().all(|m| !m)
            } else {
                results.iter().any(|m| *m)
            }
        }
    };
    if holds {
        Truth::True
    } else {
        Truth::False
    }
}

/// All conditions of a statement (AND across operators and keys).
pub fn conditions(c: &serde_json::Value, ctx: &HashMap<String, ContextValue>) -> Truth {
    let Some(ops) = c.as_object() else {
        return Truth::True;
    };
    let mut t = Truth::True;
    for (op, keys) in ops {
        let Some(keys) = keys.as_object() else {
            continue;
        };
        for (key, values) in keys {
            t = t.and(condition(op, key, &value_strings(values), ctx));
        }
    }
    t
}

/// Replaces `${aws:username}`-style policy variables from the context;
/// `None` when one is unknown.
fn substitute(pattern: &str, ctx: &HashMap<String, ContextValue>) -> Option<String> {
    if !pattern.contains("${") {
        return Some(pattern.to_string());
    }
    let mut out = String::new();
    let mut rest = pattern;
    while let Some(at) = rest.find("${") {
        out.push_str(&rest[..at]);
        let end = rest[at..].find('}')? + at;
        let var = &rest[at + 2..end];
        match var {
            "*" => out.push('*'),
            "?" => out.push('?'),
            "$" => out.push('$'),
            _ => match ctx.get(&var.to_ascii_lowercase()) {
                Some(ContextValue::Values(v)) if v.len() == 1 => out.push_str(&v[0]),
                _ => return None,
            },
        }
        rest = &rest[end + 1..];
    }
    out.push_str(rest);
    Some(out)
}

/// Does a value known only after apply come from `address`
/// (`aws_s3_bucket.logs.arn` from `aws_s3_bucket.logs`)? An address of
/// another root module is qualified with it (`live/ci//aws_iam_role.ci`),
/// as an origin read from another Terragrunt unit's outputs is: each
/// matches only its like, so a plain origin — the policy's own root's —
/// never names a resource of another root.
pub fn from_address(pattern: &str, address: Option<&str>) -> bool {
    use cloudwright_model::value::origin_root;
    match (crate::document::unknown_origin(pattern), address) {
        (Some(origin), Some(a)) => {
            let ((origin_in, origin), (a_in, a)) = (origin_root(origin), origin_root(a));
            origin_in == a_in
                && origin
                    .strip_prefix(a)
                    .is_some_and(|rest| rest.starts_with('.'))
        }
        _ => false,
    }
}

fn any_action(patterns: &[String], action: &str) -> bool {
    patterns.iter().any(|p| glob::matches_ci(p, action))
}

/// Resource patterns: `Some(true/false)`, or `None` when a policy variable
/// in them is unknown.
fn any_resource(
    patterns: &[String],
    resource: &str,
    address: Option<&str>,
    ctx: &HashMap<String, ContextValue>,
) -> Option<bool> {
    let mut unknown = false;
    for p in patterns {
        if from_address(p, address) {
            return Some(true);
        }
        match substitute(p, ctx) {
            Some(p) if glob::matches(&p, resource) => return Some(true),
            Some(_) => {}
            None => unknown = true,
        }
    }
    if unknown {
        None
    } else {
        Some(false)
    }
}

/// Does a principal element name the principal?
fn names_principal(principals: &[(String, String)], who: &Principal) -> bool {
    principals.iter().any(|(kind, id)| {
        from_address(id, who.address.as_deref())
            || match kind.as_str() {
                "*" => id == "*",
                "AWS" => {
                    id == "*"
                        || glob::matches(id, &who.arn)
                        || (who.service.is_none()
                            && (id == &who.account
                                || *id == format!("arn:aws:iam::{}:root", who.account)))
                }
                "Service" => who.service.as_deref() == Some(id.as_str()),
                "Federated" | "CanonicalUser" => who.arn == *id,
                _ => false,
            }
    })
}

/// Does a statement apply to the request? (Principal elements are read
/// only for resource policies.)
pub fn applies(s: &Statement, req: &Request, resource_policy: bool) -> Truth {
    // a part the code does not determine decides nothing: it may or may
    // not match
    let later =
        |key: &str| Truth::Depends(vec![format!("the statement's {key} is {}", s.why(key))]);
    let mut t = Truth::True;
    if s.actions.is_empty() && s.not_actions.is_empty() {
        return Truth::False;
    }
    if !s.actions.is_empty() && !any_action(&s.actions, &req.action) {
        if !s.has_unknown("Action") {
            return Truth::False;
        }
        t = t.and(later("Action"));
    }
    if !s.not_actions.is_empty() && any_action(&s.not_actions, &req.action) {
        return Truth::False;
    }
    if s.has_unknown("NotAction") {
        t = t.and(later("NotAction"));
    }
    if !s.resources.is_empty() {
        match any_resource(
            &s.resources,
            &req.resource,
            req.resource_address.as_deref(),
            &req.context,
        ) {
            Some(false) if s.has_unknown("Resource") => t = t.and(later("Resource")),
            Some(false) => return Truth::False,
            None => t = t.and(Truth::Depends(vec!["a policy variable in Resource".into()])),
            Some(true) => {}
        }
    }
    if !s.not_resources.is_empty() {
        match any_resource(
            &s.not_resources,
            &req.resource,
            req.resource_address.as_deref(),
            &req.context,
        ) {
            Some(true) => return Truth::False,
            None => {
                t = t.and(Truth::Depends(vec![
                    "a policy variable in NotResource".into()
                ]))
            }
            Some(false) if s.has_unknown("NotResource") => t = t.and(later("NotResource")),
            Some(false) => {}
        }
    }
    if resource_policy {
        if s.has_not_principal {
            if names_principal(&s.not_principals, &req.principal) {
                return Truth::False;
            }
        } else if !names_principal(&s.principals, &req.principal) {
            if !s.has_unknown("Principal") {
                return Truth::False;
            }
            t = t.and(later("Principal"));
        }
    }
    if s.has_unknown("Condition") {
        return t.and(later("Condition"));
    }
    t.and(conditions(&s.conditions, &req.context))
}

/// Where a deciding statement is: the policy's name and the statement's
/// position in it.
#[derive(Clone, Debug, PartialEq)]
pub struct Cite {
    pub policy: String,
    pub statement: usize,
    pub sid: Option<String>,
}

/// A policy as the evaluator reads it.
#[derive(Clone, Debug)]
pub struct Policy {
    /// Where it comes from (`aws_iam_role_policy.app`, `AWS managed
    /// ReadOnlyAccess`).
    pub name: String,
    pub statements: Vec<Statement>,
}

/// The outcome of one policy set for a request.
#[derive(Clone, Debug, PartialEq)]
struct SetResult {
    deny: Truth,
    allow: Truth,
    denies: Vec<Cite>,
    allows: Vec<Cite>,
}

fn evaluate_set(policies: &[Policy], req: &Request, resource_policy: bool) -> SetResult {
    let mut r = SetResult {
        deny: Truth::False,
        allow: Truth::False,
        denies: Vec::new(),
        allows: Vec::new(),
    };
    for p in policies {
        for (i, s) in p.statements.iter().enumerate() {
            let t = applies(s, req, resource_policy);
            if t == Truth::False {
                continue;
            }
            let cite = Cite {
                policy: p.name.clone(),
                statement: i,
                sid: s.sid.clone(),
            };
            let (acc, cites) = if s.allow {
                (&mut r.allow, &mut r.allows)
            } else {
                (&mut r.deny, &mut r.denies)
            };
            *acc = match (std::mem::replace(acc, Truth::False), t) {
                (Truth::True, _) | (_, Truth::True) => Truth::True,
                (Truth::False, x) => x,
                (Truth::Depends(mut a), Truth::Depends(b)) => {
                    a.extend(b);
                    Truth::Depends(a)
                }
                (x, Truth::False) => x,
            };
            cites.push(cite);
        }
    }
    r
}

/// Does one policy allow the request, ignoring denies (trust policies:
/// "would the role admit this principal")? Principals are read as in a
/// resource policy.
pub fn policy_allows(policy: &Policy, req: &Request) -> Truth {
    let r = evaluate_set(std::slice::from_ref(policy), req, true);
    match r.deny {
        Truth::True => Truth::False,
        _ => r.allow,
    }
}

#[derive(Clone, Debug, PartialEq)]
pub enum Outcome {
    Allowed,
    /// An explicit deny applies.
    Denied,
    /// No allow applies (or a boundary, SCP or required resource policy
    /// does not allow).
    ImplicitlyDenied,
    /// Depends on conditions the request context does not decide.
    Conditional(Vec<String>),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub outcome: Outcome,
    /// The statements that decide it (the denies for a deny, the allows
    /// for an allow).
    pub because: Vec<Cite>,
}

/// The policies that apply to a request.
#[derive(Clone, Debug, Default)]
pub struct PolicySet {
    pub identity: Vec<Policy>,
    /// `None`: no boundary.
    pub boundary: Option<Vec<Policy>>,
    /// `None`: no SCPs in the configuration (treated as allowing).
    pub scps: Option<Vec<Policy>>,
    pub resource: Vec<Policy>,
    /// The resource's account (cross-account needs both sides).
    pub resource_account: Option<String>,
    /// A KMS key policy or a role trust policy: the resource policy must
    /// allow whatever the identity policies say.
    pub resource_policy_required: bool,
}

/// AWS's evaluation of one request against a policy set.
pub fn evaluate(set: &PolicySet, req: &Request) -> Decision {
    let identity = evaluate_set(&set.identity, req, false);
    let resource = evaluate_set(&set.resource, req, true);
    let boundary = set.boundary.as_ref().map(|b| evaluate_set(b, req, false));
    let scp = set.scps.as_ref().map(|s| evaluate_set(s, req, false));
    // 1. explicit deny anywhere
    let mut deny = Truth::False;
    let mut denies = Vec::new();
    for r in [
        Some(&identity),
        Some(&resource),
        boundary.as_ref(),
        scp.as_ref(),
    ]
    .into_iter()
    .flatten()
    {
        if r.deny != Truth::False {
            deny = match (deny, r.deny.clone()) {
                (Truth::True, _) | (_, Truth::True) => Truth::True,
                (Truth::False, x) => x,
                (Truth::Depends(mut a), Truth::Depends(b)) => {
                    a.extend(b);
                    Truth::Depends(a)
                }
                (x, Truth::False) => x,
            };
            denies.extend(r.denies.clone());
        }
    }
    if deny == Truth::True {
        return Decision {
            outcome: Outcome::Denied,
            because: denies,
        };
    }
    // 2. SCPs must allow
    let scp_allows = scp.as_ref().map_or(Truth::True, |s| s.allow.clone());
    // 3. identity within the boundary
    let boundary_allows = boundary.as_ref().map_or(Truth::True, |b| b.allow.clone());
    let identity_allows = identity.allow.clone().and(boundary_allows);
    let same_account = set
        .resource_account
        .as_ref()
        .is_none_or(|a| *a == req.principal.account);
    // a service principal has no identity policies: the resource policy
    // alone grants it
    let allowed = if req.principal.service.is_some() {
        resource.allow.clone()
    } else if set.resource_policy_required {
        identity_allows.clone().and(resource.allow.clone())
    } else if same_account {
        match (&identity_allows, &resource.allow) {
            (Truth::True, _) | (_, Truth::True) => Truth::True,
            (Truth::False, x) | (x, Truth::False) => x.clone(),
            (Truth::Depends(a), Truth::Depends(b)) => {
                Truth::Depends([a.clone(), b.clone()].concat())
            }
        }
    } else {
        identity_allows.clone().and(resource.allow.clone())
    };
    let allowed = allowed.and(scp_allows);
    let mut because = identity.allows.clone();
    because.extend(resource.allows.clone());
    // the deny is now false or conditional
    let deny_conditions = match deny {
        Truth::Depends(c) => c,
        _ => Vec::new(),
    };
    match allowed {
        Truth::False => Decision {
            outcome: Outcome::ImplicitlyDenied,
            because: Vec::new(),
        },
        Truth::True if deny_conditions.is_empty() => Decision {
            outcome: Outcome::Allowed,
            because,
        },
        Truth::True => Decision {
            outcome: Outcome::Conditional(deny_conditions),
            because,
        },
        Truth::Depends(mut c) => {
            c.extend(deny_conditions);
            Decision {
                outcome: Outcome::Conditional(c),
                because,
            }
        }
    }
}
