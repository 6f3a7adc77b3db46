//! Who a resource policy or trust policy lets in: every Allow statement's
//! principals classified as `public` (anyone, no condition narrowing the
//! caller — or a web identity provider anyone can get a token from, such
//! as GitHub Actions, with no condition naming the token's subject),
//! `cross-account` (another account), `federated` (the identities an
//! identity provider names, narrowed by a condition on the token's subject,
//! or a SAML or cluster provider), `organization` (narrowed by
//! `aws:PrincipalOrgID`/`aws:PrincipalOrgPaths`), `account` (this account),
//! or `service` (an AWS service principal).

use crate::document::{attribute_statements, Statement};
use cloudwright_model::{Graph, Mode, Resource, Span, Tri};

/// Where resource policies live: (type, attribute). `aws_lambda_permission`
/// grants are read from their `principal` and `source_*` arguments.
pub const RESOURCE_POLICIES: &[(&str, &str)] = &[
    ("aws_s3_bucket_policy", "policy"),
    ("aws_sqs_queue_policy", "policy"),
    ("aws_sqs_queue", "policy"),
    ("aws_sns_topic_policy", "policy"),
    ("aws_sns_topic", "policy"),
    ("aws_kms_key", "policy"),
    ("aws_ecr_repository_policy", "policy"),
    ("aws_secretsmanager_secret_policy", "policy"),
    ("aws_secretsmanager_secret", "policy"),
    ("aws_opensearch_domain_policy", "access_policies"),
    ("aws_elasticsearch_domain_policy", "access_policies"),
    ("aws_iam_role", "assume_role_policy"),
];

#[derive(Clone, Debug, PartialEq)]
pub struct Access {
    pub address: String,
    pub root: String,
    pub resource_type: String,
    pub classification: &'static str,
    pub principals: Vec<String>,
    pub actions: Vec<String>,
    /// For cross-account role trust: whether `sts:ExternalId` is required.
    pub external_id: bool,
    pub span: Option<Span>,
    /// When the policy cannot be read: why.
    pub unknown: Option<String>,
}

fn has_key(s: &Statement, keys: &[&str]) -> bool {
    s.conditions
        .as_object()
        .into_iter()
        .flat_map(|ops| ops.values())
        .filter_map(|k| k.as_object())
        .flat_map(|k| k.keys())
        .any(|k| keys.contains(&k.to_ascii_lowercase().as_str()))
}

/// Classifies one Allow statement: its widest class, its principals, and
/// why it is `unknown` when it is.
pub fn classify(
    s: &Statement,
    own_account: &str,
) -> Option<(&'static str, Vec<String>, Option<String>)> {
    if !s.allow {
        return None;
    }
    let mut names = Vec::new();
    let mut class = None;
    let rank = |c: &str| match c {
        "public" => 6,
        "cross-account" => 5,
        // a principal the code does not determine may be another account
        "unknown" => 4,
        "federated" => 3,
        "organization" => 2,
        "account" => 1,
        _ => 0,
    };
    let mut why = None;
    let raise = |c: &'static str, class: &mut Option<&'static str>| {
        if class.is_none_or(|x| rank(c) > rank(x)) {
            *class = Some(c);
        }
    };
    let org = has_key(s, &["aws:principalorgid", "aws:principalorgpaths"]);
    for (kind, id) in &s.principals {
        let shown = crate::document::shown(id);
        names.push(if kind == "*" {
            shown.into_owned()
        } else {
            format!("{kind}:{shown}")
        });
        match kind.as_str() {
            "Service" => raise("service", &mut class),
            "*" | "AWS" if id == "*" => {
                if org {
                    raise("organization", &mut class)
                } else if s.limits_caller() {
                    raise("account", &mut class)
                } else {
                    raise("public", &mut class)
                }
            }
            "AWS" => match crate::document::principal_account(id) {
                // (the account running Terraform is the own account)
                Some(a) if a == own_account || a == "self" => raise("account", &mut class),
                Some(_) => raise("cross-account", &mut class),
                None if crate::document::is_unknown(id) => {
                    why.get_or_insert_with(|| match principal_resource(id) {
                        // (a provider of the root, or the other unit's,
                        // may be another account's)
                        Some(named) => format!(
                            "a principal of the policy is the ARN of {named}, known only after apply: its account is not known from the code"
                        ),
                        None => format!("a principal of the policy is {}", s.why("Principal")),
                    });
                    raise("unknown", &mut class)
                }
                None => raise("account", &mut class),
            },
            "Federated" => {
                use crate::federation::{
                    federation, identity_claim, restricts_subject, subjects, Federation,
                    PUBLIC_PROVIDERS,
                };
                match federation(id) {
                    Federation::Other => raise("federated", &mut class),
                    Federation::Unknown => {
                        why.get_or_insert_with(|| {
                            format!(
                                "a federated principal of the policy is {}",
                                s.why("Principal")
                            )
                        });
                        raise("unknown", &mut class)
                    }
                    Federation::Oidc(host) => {
                        let public = host
                            .as_deref()
                            .is_some_and(|h| PUBLIC_PROVIDERS.contains(&h));
                        let claim = identity_claim(host.as_deref());
                        let restricted = restricts_subject(s, claim);
                        // the principal with the subjects its tokens must name
                        if restricted == Tri::Known(true) {
                            if let Some(last) = names.last_mut() {
                                let admitted = subjects(s, claim).join(", ");
                                last.push_str(&format!(" ({claim}: {admitted})"));
                            }
                        }
                        match restricted {
                            Tri::Known(false) | Tri::Absent if public => {
                                raise("public", &mut class)
                            }
                            Tri::Unknown(w) if public => {
                                why.get_or_insert(w);
                                raise("unknown", &mut class)
                            }
                            _ => raise("federated", &mut class),
                        }
                    }
                }
            }
            _ => {}
        }
    }
    if s.has_not_principal {
        names.push("NotPrincipal".into());
        raise(if org { "organization" } else { "public" }, &mut class);
    }
    class.map(|c| (c, names, why))
}

/// Every resource and trust policy's access, one entry per resource and
/// classification.
pub fn resource_access(graph: &Graph) -> Vec<Access> {
    let accounts = crate::principals::Accounts::of(graph);
    let mut out = Vec::new();
    for (t, attr) in RESOURCE_POLICIES {
        for r in graph.of_type(t).filter(|r| r.mode == Mode::Managed) {
            let doc = match r.get(attr) {
                None => continue,
                Some(v) if v.is_null() => continue,
                Some(v) => v,
            };
            let parsed = attribute_statements(&doc, || {
                format!("{}.{attr} is {}", r.address, doc.why_unknown())
            });
            let st = match parsed {
                Tri::Known(st) => st,
                Tri::Unknown(why) => {
                    out.push(entry(
                        r,
                        "unknown",
                        Vec::new(),
                        Vec::new(),
                        false,
                        Some(why),
                    ));
                    continue;
                }
                Tri::Absent => continue,
            };
            let mut by_class: Vec<(&'static str, Vec<String>, Vec<String>, bool)> = Vec::new();
            let mut unknown_why = None;
            for s in &st {
                let Some((class, principals, why)) = classify(s, accounts.of_root(&r.root)) else {
                    continue;
                };
                if class == "unknown" {
                    unknown_why = unknown_why.or(why);
                }
                let mut actions = s.actions.clone();
                if actions.is_empty() && !s.not_actions.is_empty() {
                    actions = s
                        .not_actions
                        .iter()
                        .map(|a| format!("NotAction {a}"))
                        .collect();
                }
                let ext = has_key(s, &["sts:externalid"]);
                match by_class.iter_mut().find(|(c, ..)| *c == class) {
                    Some((_, p, a, e)) => {
                        p.extend(principals);
                        a.extend(actions);
                        *e &= ext;
                    }
                    None => by_class.push((class, principals, actions, ext)),
                }
            }
            for (class, mut principals, mut actions, ext) in by_class {
                principals.sort();
                principals.dedup();
                actions.sort();
                actions.dedup();
                let why = (class == "unknown").then(|| unknown_why.clone()).flatten();
                out.push(entry(r, class, principals, actions, ext, why));
            }
        }
    }
    // Lambda permissions: one principal each, narrowed by source_arn /
    // source_account / principal_org_id
    for p in graph
        .of_type("aws_lambda_permission")
        .filter(|r| r.mode == Mode::Managed)
    {
        let principal = match p.get("principal") {
            Some(v) if v.is_unknown() => {
                out.push(entry(
                    p,
                    "unknown",
                    Vec::new(),
                    Vec::new(),
                    false,
                    Some(format!("{}.principal is {}", p.address, v.why_unknown())),
                ));
                continue;
            }
            Some(v) => v.as_str().unwrap_or_default().to_string(),
            None => continue,
        };
        let narrowed = ["source_arn", "source_account", "principal_org_id"]
            .iter()
            .any(|k| p.get(k).is_some_and(|v| !v.is_null()));
        let org = p.get("principal_org_id").is_some_and(|v| !v.is_null());
        let class = if principal == "*" {
            if org {
                "organization"
            } else if narrowed {
                "account"
            } else {
                "public"
            }
        } else if principal.ends_with(".amazonaws.com") {
            "service"
        } else {
            match crate::document::principal_account(&principal) {
                Some(a) if a == accounts.of_root(&p.root) || a == "self" => "account",
                Some(_) => "cross-account",
                None => "account",
            }
        };
        let action = p
            .get("action")
            .and_then(|v| v.as_str().map(str::to_string))
            .unwrap_or_else(|| "lambda:InvokeFunction".into());
        out.push(entry(p, class, vec![principal], vec![action], false, None));
    }
    out
}

fn entry(
    r: &Resource,
    classification: &'static str,
    principals: Vec<String>,
    actions: Vec<String>,
    external_id: bool,
    unknown: Option<String>,
) -> Access {
    Access {
        address: r.address.to_string(),
        root: r.root.to_string(),
        resource_type: r.resource_type.to_string(),
        classification,
        principals,
        actions,
        external_id,
        span: r.span,
        unknown,
    }
}

/// The resource policy that governs a resource: its own policy attribute,
/// or the policy resource that names it (`aws_s3_bucket_policy.bucket`,
/// `aws_sqs_queue_policy.queue_url`, `aws_sns_topic_policy.arn`, …).
pub fn policy_of<'g>(graph: &'g Graph, r: &'g Resource) -> Option<(&'g Resource, &'static str)> {
    for (t, attr) in RESOURCE_POLICIES {
        if *t == r.resource_type && r.get(attr).is_some_and(|v| !v.is_null()) {
            return Some((r, attr));
        }
    }
    let companions: &[(&str, &str, &str)] = &[
        ("aws_s3_bucket", "aws_s3_bucket_policy", "bucket"),
        ("aws_sqs_queue", "aws_sqs_queue_policy", "queue_url"),
        ("aws_sns_topic", "aws_sns_topic_policy", "arn"),
        (
            "aws_ecr_repository",
            "aws_ecr_repository_policy",
            "repository",
        ),
        (
            "aws_secretsmanager_secret",
            "aws_secretsmanager_secret_policy",
            "secret_arn",
        ),
        (
            "aws_opensearch_domain",
            "aws_opensearch_domain_policy",
            "domain_name",
        ),
    ];
    for (owner, policy_type, link) in companions {
        if *owner != r.resource_type {
            continue;
        }
        let found = graph.of_type(policy_type).find(|p| {
            p.root == r.root
                && p.references.iter().any(|x| {
                    x.attribute == *link
                        && graph
                            .resource_in(&p.root, &x.target)
                            .is_some_and(|t| t.address == r.address)
                })
        });
        if let Some(p) = found {
            let attr = RESOURCE_POLICIES
                .iter()
                .find(|(t, _)| *t == *policy_type)
                .map(|(_, a)| *a)
                .unwrap_or("policy");
            return Some((p, attr));
        }
    }
    None
}

/// The resource whose ARN or id a principal known only after apply is
/// (`aws_iam_role.ci`, or `live/ci: aws_iam_role.ci` when another root's).
fn principal_resource(id: &str) -> Option<String> {
    let origin = crate::document::unknown_origin(id)?;
    if !cloudwright_model::value::is_resource_identifier(origin) {
        return None;
    }
    let (root, rest) = cloudwright_model::value::origin_root(origin);
    let address = rest.rsplit_once('.').map_or(rest, |(a, _)| a);
    Some(match root {
        Some(root) => format!("{root}: {address}"),
        None => address.to_string(),
    })
}
