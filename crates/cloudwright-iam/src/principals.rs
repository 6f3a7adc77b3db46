//! Principals and their policies, from the model: IAM roles and users
//! with every identity policy attached to them (inline blocks, role/user
//! policies, attachments, `managed_policy_arns`, group memberships), their
//! permissions boundaries and, for roles, their trust policies. A policy
//! whose document is not known before apply, one named by an ARN outside
//! the configuration, or an AWS-managed policy not in the bundled table
//! (`crate::managed`: every policy AWS published when it was generated) is
//! recorded as missing — the analysis then says so instead of guessing.

use crate::document::{attribute_statements, statements, Statement};
use crate::eval::Policy;
use crate::managed::{Lookup, Published};
use cloudwright_model::{Graph, Mode, Resource, Span, Tri, Value};

/// The bundled document of an AWS-managed policy, by its ARN in any
/// partition (`arn:aws-cn:iam::aws:policy/…` names the same document).
pub fn managed_policy(arn: &str) -> Option<Policy> {
    match crate::managed::managed_policies().lookup(arn)? {
        Lookup::Found(published) => published_policy(published),
        Lookup::ElsewhereAs(_) | Lookup::Unknown => None,
    }
}

fn published_policy(published: Published<'_>) -> Option<Policy> {
    let json: serde_json::Value = serde_json::from_str(published.document).ok()?;
    match statements(Tri::Known(Value::from_json(&json))) {
        Tri::Known(st) => Some(Policy {
            name: format!("AWS managed {}", published.name),
            statements: st,
        }),
        _ => None,
    }
}

/// Why the `aws` account's policy an ARN names is not analysed.
fn not_bundled(arn: &str) -> String {
    let table = crate::managed::managed_policies();
    match table.lookup(arn) {
        Some(Lookup::ElsewhereAs(tail)) => format!(
            "no AWS-managed policy has this ARN (AWS's policy of that name is arn:aws:iam::aws:policy/{tail}; attaching this one fails)"
        ),
        Some(Lookup::Found(_)) => "its document could not be read".to_string(),
        _ => format!(
            "not among the {} AWS-managed policies bundled ({}); contents unknown",
            table.len(),
            table.source
        ),
    }
}

/// A policy with where it is written.
#[derive(Clone, Debug)]
pub struct Located {
    pub policy: Policy,
    pub span: Option<Span>,
}

/// A role or user and what applies to it.
#[derive(Clone, Debug)]
pub struct Subject<'g> {
    pub resource: &'g Resource,
    /// `arn:aws:iam::<account>:role/<name>` (account `self` when the
    /// configuration does not say).
    pub arn: String,
    pub identity: Vec<Located>,
    pub boundary: Option<Vec<Located>>,
    /// Roles: the trust policy.
    pub trust: Option<Located>,
    /// Service control policies attached to the configuration's account
    /// (with AWS's default `FullAWSAccess`), `None` when none is.
    pub scps: Option<Vec<Located>>,
    /// Policies that apply but whose contents are not known.
    pub missing: Vec<String>,
}

fn located(r: &Resource, path: &str, name: String, missing: &mut Vec<String>) -> Option<Located> {
    let document = r.get_path(path)?;
    let unknown = || format!("{}.{path} is {}", r.address, document.why_unknown());
    match attribute_statements(&document, unknown) {
        Tri::Known(st) => Some(Located {
            policy: Policy {
                name,
                statements: st,
            },
            span: r.span_of(path).or(r.span),
        }),
        Tri::Unknown(why) => {
            missing.push(why);
            None
        }
        Tri::Absent => None,
    }
}

/// Does `r.attribute` name `target` — by reference, or by the target's
/// `name` / `arn` written literally?
fn names(graph: &Graph, r: &Resource, attribute: &str, target: &Resource) -> bool {
    let referenced = r.references.iter().any(|x| {
        (x.attribute == attribute
            || x.attribute
                .strip_prefix(attribute)
                .is_some_and(|rest| rest.starts_with(['[', '.'])))
            && graph
                .resource_in(&r.root, &x.target)
                .is_some_and(|t| t.address == target.address)
    });
    if referenced {
        return true;
    }
    let want: Vec<String> = ["name", "arn"]
        .iter()
        .filter_map(|k| target.get(k).and_then(|v| v.as_str().map(str::to_string)))
        .collect();
    let values: Vec<String> = match r.get(attribute).map(|v| v.strip().clone()) {
        Some(Value::String(s)) => vec![s.to_string()],
        Some(Value::List(items)) => items
            .iter()
            .filter_map(|i| i.as_str().map(str::to_string))
            .collect(),
        _ => Vec::new(),
    };
    values.iter().any(|v| want.contains(v))
}

/// The policies an attachment's `policy_arn` (or an ARN list) names.
fn attached(
    graph: &Graph,
    holder: &Resource,
    attribute: &str,
    out: &mut Vec<Located>,
    missing: &mut Vec<String>,
) {
    // managed in the configuration: by reference
    let mut found = false;
    for x in holder.references.iter().filter(|x| {
        x.attribute == attribute
            || x.attribute
                .strip_prefix(attribute)
                .is_some_and(|rest| rest.starts_with(['[', '.']))
    }) {
        if let Some(p) = graph.resource_in(&holder.root, &x.target) {
            if p.resource_type == "aws_iam_policy" {
                found = true;
                if let Some(l) = located(p, "policy", p.address.to_string(), missing) {
                    out.push(l);
                }
            }
        }
    }
    if found {
        return;
    }
    let arns: Vec<Value> = match holder.get(attribute).map(|v| v.strip().clone()) {
        Some(Value::List(items)) => items.to_vec(),
        Some(v @ Value::String(_)) => vec![v],
        Some(v @ Value::Unknown(_)) => vec![v],
        _ => Vec::new(),
    };
    for arn in arns {
        match arn.as_str() {
            Some(a) => match managed_policy(a) {
                Some(p) => out.push(Located {
                    policy: p,
                    span: holder.span_of(attribute).or(holder.span),
                }),
                None => {
                    // a policy of the configuration named by ARN
                    let local = graph.of_type("aws_iam_policy").find(|p| {
                        p.root == holder.root
                            && p.get("arn").and_then(|v| v.as_str().map(|s| s == a)) == Some(true)
                    });
                    match local.and_then(|p| located(p, "policy", p.address.to_string(), missing)) {
                        Some(l) => out.push(l),
                        None if a.contains(":iam::aws:policy/") => missing.push(format!(
                            "{a} (attached by {}): {}",
                            holder.address,
                            not_bundled(a)
                        )),
                        None => missing.push(format!(
                            "{a} (attached by {}): a policy not in the configuration, contents unknown",
                            holder.address
                        )),
                    }
                }
            },
            None => missing.push(format!(
                "{}.{attribute} is {}",
                holder.address,
                arn.why_unknown()
            )),
        }
    }
}

/// The configuration's own account: the AWS provider's
/// `allowed_account_ids`, else an account id written in the ARN of one of
/// its roles or users, else `self` (unknown).
pub fn account_of(graph: &Graph) -> String {
    let from_provider = graph
        .modules
        .iter()
        .flat_map(|m| m.providers.iter())
        .find_map(allowed_account);
    from_provider
        .or_else(|| principals_of_kind(graph).find_map(arn_account))
        .unwrap_or_else(|| "self".to_string())
}

/// The first of the `allowed_account_ids` of an AWS provider.
fn allowed_account(p: &cloudwright_model::ProviderConfig) -> Option<String> {
    if p.name != "aws" {
        return None;
    }
    let ids = p.attributes.get("allowed_account_ids")?;
    let first = ids.as_list()?.first()?.as_str()?;
    (!first.is_empty()).then(|| first.to_string())
}

/// Roles and users.
fn principals_of_kind(graph: &Graph) -> impl Iterator<Item = &Resource> {
    graph
        .of_type("aws_iam_role")
        .chain(graph.of_type("aws_iam_user"))
}

/// The account written in a principal's ARN, when it is known.
fn arn_account(r: &Resource) -> Option<String> {
    let arn = r.get("arn")?;
    let account = arn.as_str()?.split(':').nth(4)?;
    (!account.is_empty()).then(|| account.to_string())
}

/// Each root module's own account, as [`account_of`] finds it among the
/// root's modules and principals; a root that says nothing of it takes the
/// configuration's. Several roots may be several accounts (environments,
/// Terragrunt units): an account one declares is not another's.
pub struct Accounts {
    by_root: std::collections::HashMap<String, String>,
    any: String,
}

impl Accounts {
    pub fn of(graph: &Graph) -> Accounts {
        let any = account_of(graph);
        let mut by_root: std::collections::HashMap<String, String> = Default::default();
        // a provider's declaration first, else a principal's ARN
        for m in &graph.modules {
            if !by_root.contains_key(&m.root_dir) {
                if let Some(a) = m.providers.iter().find_map(allowed_account) {
                    by_root.insert(m.root_dir.clone(), a);
                }
            }
        }
        for r in principals_of_kind(graph) {
            if !by_root.contains_key(&*r.root) {
                if let Some(a) = arn_account(r) {
                    by_root.insert(r.root.to_string(), a);
                }
            }
        }
        Accounts { by_root, any }
    }

    /// The account of a root module.
    pub fn of_root(&self, root: &str) -> &str {
        self.by_root.get(root).unwrap_or(&self.any)
    }
}

/// Which resources of a type name which others in an attribute: by
/// reference (the exact target) or by a literal name or ARN. Built once per
/// (type, attribute) so finding a role's policies is a lookup.
struct Index<'g> {
    by_target: std::collections::HashMap<(String, String), Vec<&'g Resource>>,
    by_literal: std::collections::HashMap<(String, String), Vec<&'g Resource>>,
}

impl<'g> Index<'g> {
    fn new(graph: &'g Graph, holder_type: &str, attribute: &str) -> Index<'g> {
        let mut by_target: std::collections::HashMap<(String, String), Vec<&'g Resource>> =
            Default::default();
        let mut by_literal: std::collections::HashMap<(String, String), Vec<&'g Resource>> =
            Default::default();
        for h in graph
            .of_type(holder_type)
            .filter(|h| h.mode == Mode::Managed)
        {
            for x in h.references.iter().filter(|x| {
                x.attribute == attribute
                    || x.attribute
                        .strip_prefix(attribute)
                        .is_some_and(|rest| rest.starts_with(['[', '.']))
            }) {
                if let Some(t) = graph.resource_in(&h.root, &x.target) {
                    let list = by_target
                        .entry((h.root.to_string(), t.address.to_string()))
                        .or_default();
                    if !list.iter().any(|r| std::ptr::eq(*r, h)) {
                        list.push(h);
                    }
                }
            }
            let values: Vec<String> = match h.get(attribute).map(|v| v.strip().clone()) {
                Some(Value::String(s)) => vec![s.to_string()],
                Some(Value::List(items)) => items
                    .iter()
                    .filter_map(|i| i.as_str().map(str::to_string))
                    .collect(),
                _ => Vec::new(),
            };
            for v in values {
                by_literal
                    .entry((h.root.to_string(), v))
                    .or_default()
                    .push(h);
            }
        }
        Index {
            by_target,
            by_literal,
        }
    }

    /// The holders that name `target`.
    fn naming(&self, target: &Resource) -> Vec<&'g Resource> {
        let root = target.root.to_string();
        let mut out: Vec<&'g Resource> = self
            .by_target
            .get(&(root.clone(), target.address.to_string()))
            .cloned()
            .unwrap_or_default();
        for k in ["name", "arn"] {
            if let Some(v) = target.get(k).and_then(|v| v.as_str().map(str::to_string)) {
                for h in self
                    .by_literal
                    .get(&(root.clone(), v))
                    .into_iter()
                    .flatten()
                {
                    if !out.iter().any(|r| std::ptr::eq(*r, *h)) {
                        out.push(h);
                    }
                }
            }
        }
        out
    }
}

/// Every managed role and user with its policies.
pub fn subjects(graph: &Graph) -> Vec<Subject<'_>> {
    let accounts = Accounts::of(graph);
    let mut out = Vec::new();
    let indexes: std::collections::HashMap<(&str, &str), Index<'_>> = [
        ("aws_iam_role_policy", "role"),
        ("aws_iam_role_policy_attachment", "role"),
        ("aws_iam_user_policy", "user"),
        ("aws_iam_user_policy_attachment", "user"),
        ("aws_iam_policy_attachment", "roles"),
        ("aws_iam_policy_attachment", "users"),
    ]
    .into_iter()
    .map(|(t, a)| ((t, a), Index::new(graph, t, a)))
    .collect();
    // the service control policies that apply to each account
    let mut scps_of: std::collections::HashMap<String, (Option<Vec<Located>>, Vec<String>)> =
        Default::default();
    for (kind, t) in [("role", "aws_iam_role"), ("user", "aws_iam_user")] {
        for r in graph.of_type(t).filter(|r| r.mode == Mode::Managed) {
            let account = accounts.of_root(&r.root);
            let (scps, scp_notes) = scps_of
                .entry(account.to_string())
                .or_insert_with(|| service_control_policies_with_notes(graph, account))
                .clone();
            let name = r
                .get("name")
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_else(|| r.name.to_string());
            let path = r
                .get("path")
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_else(|| "/".into());
            let arn = format!("arn:aws:iam::{account}:{kind}{path}{name}");
            let mut identity = Vec::new();
            let mut missing = Vec::new();
            // its ARN, which policies name, is not known: what they allow
            // it on itself is not either
            if let Some(v) = r.get("name").filter(Value::is_unknown) {
                missing.push(format!("{}.name is {}", r.address, v.why_unknown()));
            }
            // inline blocks on the role (a `dynamic` block over a collection
            // the code does not determine: what they grant is not known)
            if let Some(v) = r.get("inline_policy").filter(Value::is_unknown) {
                missing.push(format!(
                    "{}.inline_policy is {}",
                    r.address,
                    v.why_unknown()
                ));
            }
            if let Some(blocks) = r
                .get("inline_policy")
                .and_then(|v| v.as_list().map(<[Value]>::to_vec))
            {
                for i in 0..blocks.len() {
                    if let Some(l) = located(
                        r,
                        &format!("inline_policy.{i}.policy"),
                        format!("{}.inline_policy[{i}]", r.address),
                        &mut missing,
                    ) {
                        identity.push(l);
                    }
                }
            }
            let (policy_type, attach_type, link) = if kind == "role" {
                (
                    "aws_iam_role_policy",
                    "aws_iam_role_policy_attachment",
                    "role",
                )
            } else {
                (
                    "aws_iam_user_policy",
                    "aws_iam_user_policy_attachment",
                    "user",
                )
            };
            for p in indexes[&(policy_type, link)].naming(r) {
                if let Some(l) = located(p, "policy", p.address.to_string(), &mut missing) {
                    identity.push(l);
                }
            }
            for a in indexes[&(attach_type, link)].naming(r) {
                attached(graph, a, "policy_arn", &mut identity, &mut missing);
            }
            let plural = if kind == "role" { "roles" } else { "users" };
            for a in indexes[&("aws_iam_policy_attachment", plural)].naming(r) {
                attached(graph, a, "policy_arn", &mut identity, &mut missing);
            }
            if r.get("managed_policy_arns").is_some() {
                attached(graph, r, "managed_policy_arns", &mut identity, &mut missing);
            }
            if kind == "user" {
                for g in groups_of(graph, r) {
                    for p in graph
                        .of_type("aws_iam_group_policy")
                        .filter(|p| p.root == r.root && names(graph, p, "group", g))
                    {
                        if let Some(l) = located(p, "policy", p.address.to_string(), &mut missing) {
                            identity.push(l);
                        }
                    }
                    for a in graph
                        .of_type("aws_iam_group_policy_attachment")
                        .filter(|a| a.root == r.root && names(graph, a, "group", g))
                    {
                        attached(graph, a, "policy_arn", &mut identity, &mut missing);
                    }
                }
            }
            let boundary = if r.get("permissions_boundary").is_some_and(|v| !v.is_null()) {
                let mut b = Vec::new();
                attached(graph, r, "permissions_boundary", &mut b, &mut missing);
                Some(b)
            } else {
                None
            };
            let trust = if kind == "role" {
                located(
                    r,
                    "assume_role_policy",
                    format!("{}.assume_role_policy", r.address),
                    &mut missing,
                )
            } else {
                None
            };
            out.push(Subject {
                resource: r,
                arn,
                identity,
                boundary,
                trust,
                scps: scps.clone(),
                missing: [missing, scp_notes.clone()].concat(),
            });
        }
    }
    out
}

fn groups_of<'g>(graph: &'g Graph, user: &Resource) -> Vec<&'g Resource> {
    let mut out = Vec::new();
    for g in graph
        .of_type("aws_iam_group")
        .filter(|g| g.root == user.root)
    {
        let member = graph
            .of_type("aws_iam_group_membership")
            .any(|m| names(graph, m, "group", g) && names(graph, m, "users", user))
            || graph
                .of_type("aws_iam_user_group_membership")
                .any(|m| names(graph, m, "user", user) && names(graph, m, "groups", g));
        if member {
            out.push(g);
        }
    }
    out
}

/// The statements of a subject's identity policies, for quick scans.
pub fn identity_statements<'a>(s: &'a Subject<'_>) -> impl Iterator<Item = &'a Statement> + 'a {
    s.identity.iter().flat_map(|l| l.policy.statements.iter())
}

/// The service control policies attached (`aws_organizations_policy_attachment`)
/// to the configuration's own account, with AWS's default `FullAWSAccess`
/// (attached to every account unless replaced), so that deny-list SCPs take
/// effect. Attachments to roots and organisational units are not applied:
/// which accounts they contain is not in the configuration.
pub fn service_control_policies(graph: &Graph, account: &str) -> Option<Vec<Located>> {
    service_control_policies_with_notes(graph, account).0
}

/// [`service_control_policies`], and notes on attachments that could not
/// be applied (to an organisational unit: which accounts it holds is not in
/// the configuration; or to a target known only after apply).
pub fn service_control_policies_with_notes(
    graph: &Graph,
    account: &str,
) -> (Option<Vec<Located>>, Vec<String>) {
    let mut out = Vec::new();
    let mut notes = Vec::new();
    for a in graph
        .of_type("aws_organizations_policy_attachment")
        .filter(|a| a.mode == Mode::Managed)
    {
        let target_ref = a
            .references
            .iter()
            .filter(|x| x.attribute == "target_id")
            .find_map(|x| graph.resource_in(&a.root, &x.target));
        let applies = match (a.get("target_id"), target_ref) {
            // the organisation's root: every account
            (_, Some(t)) if t.resource_type == "aws_organizations_organization" => true,
            (_, Some(t)) if t.resource_type == "aws_organizations_organizational_unit" => {
                notes.push(format!(
                    "{} attaches a service control policy to {}: not applied (which accounts the unit holds is not in the configuration)",
                    a.address, t.address
                ));
                false
            }
            (Some(v), _) if v.as_str() == Some(account) => true,
            (Some(v), _) if v.is_unknown() => {
                notes.push(format!(
                    "{}.target_id is {}: its service control policy is not applied",
                    a.address,
                    v.why_unknown()
                ));
                false
            }
            _ => false,
        };
        if !applies {
            continue;
        }
        let policy = a
            .references
            .iter()
            .filter(|x| x.attribute == "policy_id")
            .find_map(|x| graph.resource_in(&a.root, &x.target))
            .filter(|p| p.resource_type == "aws_organizations_policy");
        if let Some(p) = policy {
            let scp = p
                .get("type")
                .and_then(|v| v.as_str().map(|t| t == "SERVICE_CONTROL_POLICY"))
                .unwrap_or(true);
            if scp {
                if let Some(l) = located(p, "content", p.address.to_string(), &mut notes) {
                    out.push(l);
                }
            }
        }
    }
    if out.is_empty() {
        return (None, notes);
    }
    let full: serde_json::Value =
        serde_json::json!({"Statement": [{"Effect": "Allow", "Action": "*", "Resource": "*"}]});
    if let Tri::Known(st) = statements(Tri::Known(Value::from_json(&full))) {
        out.insert(
            0,
            Located {
                policy: Policy {
                    name: "AWS managed FullAWSAccess (SCP)".into(),
                    statements: st,
                },
                span: None,
            },
        );
    }
    (Some(out), notes)
}
