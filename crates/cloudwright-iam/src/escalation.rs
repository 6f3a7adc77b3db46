//! Who is admin-equivalent, and who can become so: the known privilege
//! escalation patterns as edges of a graph between principals, searched
//! breadth-first from each role and user, every step explained with the
//! statement that allows it.
//!
//! Edges (S can become T):
//! - S modifies its own permissions: `iam:PutRolePolicy`/`AttachRolePolicy`
//!   (roles), `iam:PutUserPolicy`/`AttachUserPolicy`/`AddUserToGroup`
//!   (users) on itself, `iam:CreatePolicyVersion`/`SetDefaultPolicyVersion`
//!   on a policy attached to it — S becomes administrator;
//! - S assumes T: `sts:AssumeRole` allowed by T's trust policy (and by S's
//!   identity policies unless the trust names S itself);
//! - S rewrites T's trust (`iam:UpdateAssumeRolePolicy`) and assumes it;
//! - S passes T to a service it can run code in (`iam:PassRole` with
//!   `ec2:RunInstances`, `lambda:CreateFunction`,
//!   `cloudformation:CreateStack`, `glue:CreateDevEndpoint`,
//!   `codebuild:CreateProject`, `ecs:RunTask`), T trusting that service;
//! - S creates credentials for user T (`iam:CreateAccessKey`,
//!   `iam:CreateLoginProfile`, `iam:UpdateLoginProfile`);
//! - S runs commands (`ssm:SendCommand`) on an instance whose profile is T.

use crate::eval::{evaluate, Outcome, PolicySet, Principal, Request};
use crate::principals::{Located, Subject};
use cloudwright_model::{Graph, Span};
use std::collections::{HashMap, VecDeque};

/// Actions a principal must be able to do on every resource to count as
/// administrator.
pub const ADMIN_PROBE: &[&str] = &[
    "iam:CreateUser",
    "iam:AttachRolePolicy",
    "ec2:RunInstances",
    "s3:DeleteBucket",
    "kms:ScheduleKeyDeletion",
    "lambda:CreateFunction",
    "organizations:LeaveOrganization",
];

/// One step of an escalation path.
#[derive(Clone, Debug, PartialEq)]
pub struct Step {
    pub action: String,
    /// What the step does, in words.
    pub detail: String,
    /// The policy and statement that allow it, where written.
    pub policy: Option<String>,
    pub span: Option<Span>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Path {
    /// The address of the principal gained, or `administrator`.
    pub target: String,
    pub steps: Vec<Step>,
}

#[derive(Clone, Debug)]
pub struct Analysis {
    pub address: String,
    pub root: String,
    pub arn: String,
    pub admin_equivalent: bool,
    pub span: Option<Span>,
    pub escalation_paths: Vec<Path>,
    /// Policies that apply but could not be read.
    pub missing: Vec<String>,
}

fn set_of(s: &Subject<'_>) -> PolicySet {
    PolicySet {
        identity: s.identity.iter().map(|l| l.policy.clone()).collect(),
        boundary: s
            .boundary
            .as_ref()
            .map(|b| b.iter().map(|l| l.policy.clone()).collect()),
        scps: s
            .scps
            .as_ref()
            .map(|b| b.iter().map(|l| l.policy.clone()).collect()),
        ..Default::default()
    }
}

/// Can `s` do `action` on `resource`, by its own policies? The step when
/// it can (a conditional answer is not counted as a path).
fn can(
    s: &Subject<'_>,
    set: &PolicySet,
    action: &str,
    resource: &str,
    detail: String,
) -> Option<Step> {
    can_on(s, set, action, resource, None, detail)
}

/// [`can`] on a resource of the configuration: its address lets policies
/// that name it by a reference known only after apply match.
fn can_on(
    s: &Subject<'_>,
    set: &PolicySet,
    action: &str,
    resource: &str,
    address: Option<&str>,
    detail: String,
) -> Option<Step> {
    let mut req = Request::new(principal_of(s), action, resource);
    req.resource_address = address.map(str::to_string);
    let d = evaluate(set, &req);
    if d.outcome != Outcome::Allowed {
        return None;
    }
    let cite = d.because.first();
    let located: Option<&Located> =
        cite.and_then(|c| s.identity.iter().find(|l| l.policy.name == c.policy));
    Some(Step {
        action: action.to_string(),
        detail,
        policy: cite.map(|c| c.policy.clone()),
        span: located.and_then(|l| l.span),
    })
}

fn principal_of(s: &Subject<'_>) -> Principal {
    let mut p = Principal::aws(&s.arn);
    p.address = Some(s.resource.address.to_string());
    p
}

/// Services a role can be passed to, with the action that runs code as
/// the role there.
const PASS_TARGETS: &[(&str, &[&str])] = &[
    ("ec2.amazonaws.com", &["ec2:RunInstances"]),
    // a function runs on any trigger; creating it is the step
    ("lambda.amazonaws.com", &["lambda:CreateFunction"]),
    (
        "cloudformation.amazonaws.com",
        &["cloudformation:CreateStack"],
    ),
    ("glue.amazonaws.com", &["glue:CreateDevEndpoint"]),
    (
        "codebuild.amazonaws.com",
        &["codebuild:CreateProject", "codebuild:StartBuild"],
    ),
    (
        "ecs-tasks.amazonaws.com",
        &["ecs:RegisterTaskDefinition", "ecs:RunTask"],
    ),
];

/// Does a trust policy let `who` assume the role?
fn trusts(trust: &Located, who: &Principal, role_arn: &str) -> bool {
    let mut req = Request::new(who.clone(), "sts:AssumeRole", role_arn);
    req.resource_address = None;
    if who.service.is_some() {
        req.context.clear();
    }
    crate::eval::policy_allows(&trust.policy, &req) == crate::eval::Truth::True
}

/// Does the trust policy name this principal's ARN itself (then no
/// identity permission is needed within the account)?
/// `address` is the principal's, qualified with its root when the trust
/// policy is another root's.
fn names_exactly(trust: &Located, who: &Subject<'_>, address: &str) -> bool {
    trust.policy.statements.iter().any(|s| {
        s.allow
            && s.principals.iter().any(|(kind, id)| {
                kind == "AWS" && (*id == who.arn || crate::eval::from_address(id, Some(address)))
            })
    })
}

/// A principal's address with its root module (`live/ci//aws_iam_role.ci`),
/// as an origin read from another unit's outputs names it.
fn qualified(s: &Subject<'_>) -> String {
    format!("{}//{}", s.resource.root, s.resource.address)
}

/// A principal as another's analysis names it: with its root module when
/// it is another's (`live/ci: aws_iam_role.ci`).
fn named(t: &Subject<'_>, from: &Subject<'_>) -> String {
    match t.resource.root == from.resource.root {
        true => t.resource.address.to_string(),
        false => format!("{}: {}", t.resource.root, t.resource.address),
    }
}

/// The principals of other root modules each principal is linked with
/// by a reference: a trust policy naming a principal, or a policy naming a
/// role, by a value read from the other's outputs (a Terragrunt
/// `dependency`), in either direction. Roots are otherwise apart: another
/// root may be another account, and its same-named roles are not these.
fn links(subjects: &[Subject<'_>]) -> Vec<Vec<usize>> {
    let index: HashMap<(&str, &str), usize> = subjects
        .iter()
        .enumerate()
        .map(|(i, s)| ((&*s.resource.root, s.resource.address.as_str()), i))
        .collect();
    let mut out = vec![Vec::new(); subjects.len()];
    for (i, s) in subjects.iter().enumerate() {
        let trust = s
            .trust
            .iter()
            .flat_map(|t| t.policy.statements.iter())
            .flat_map(|st| st.principals.iter().map(|(_, id)| id));
        let resources = s
            .identity
            .iter()
            .flat_map(|l| l.policy.statements.iter())
            .filter(|st| st.allow)
            .flat_map(|st| st.resources.iter());
        for pattern in trust.chain(resources) {
            let Some(origin) = crate::document::unknown_origin(pattern) else {
                continue;
            };
            let (Some(root), rest) = cloudwright_model::value::origin_root(origin) else {
                continue;
            };
            let Some((address, _attribute)) = rest.rsplit_once('.') else {
                continue;
            };
            if let Some(&j) = index.get(&(root, address)) {
                if j != i && !out[i].contains(&j) {
                    out[i].push(j);
                    out[j].push(i);
                }
            }
        }
    }
    out
}

/// The instance profiles' roles of instances: (instance address, role address).
fn instance_roles(graph: &Graph) -> Vec<(String, String, String)> {
    let mut out = Vec::new();
    for i in graph.of_type("aws_instance") {
        let Some(profile) = i
            .references
            .iter()
            .filter(|x| x.attribute == "iam_instance_profile")
            .find_map(|x| graph.resource_in(&i.root, &x.target))
        else {
            continue;
        };
        if let Some(role) = profile
            .references
            .iter()
            .filter(|x| x.attribute == "role")
            .find_map(|x| graph.resource_in(&profile.root, &x.target))
        {
            out.push((
                i.root.to_string(),
                i.address.to_string(),
                role.address.to_string(),
            ));
        }
    }
    out
}

/// Edges out of one subject: (target index or `None` for administrator, steps).
/// The edges from subject `i`, and why it may reach a role the code does
/// not let it judge (its trust policy or its name is not known).
type Edges = (Vec<(Option<usize>, Vec<Step>)>, Option<String>);

fn edges(
    subjects: &[Subject<'_>],
    sets: &[PolicySet],
    i: usize,
    instances: &[(String, String, String)],
    links: &[Vec<usize>],
) -> Edges {
    let s = &subjects[i];
    let set = &sets[i];
    let me = principal_of(s);
    let mut out = Vec::new();
    let is_role = s.resource.resource_type == "aws_iam_role";
    // 1. modify its own permissions
    let own: &[&str] = if is_role {
        &["iam:PutRolePolicy", "iam:AttachRolePolicy"]
    } else {
        &[
            "iam:PutUserPolicy",
            "iam:AttachUserPolicy",
            "iam:AddUserToGroup",
        ]
    };
    for action in own {
        if let Some(step) = can_on(
            s,
            set,
            action,
            &s.arn,
            Some(&s.resource.address),
            format!("{action} on itself: grants itself any permission"),
        ) {
            out.push((None, vec![step]));
            break;
        }
    }
    for action in ["iam:CreatePolicyVersion", "iam:SetDefaultPolicyVersion"] {
        if let Some(step) = can(
            s,
            set,
            action,
            "arn:aws:iam::*:policy/*",
            format!("{action} on its own managed policies: rewrites them"),
        ) {
            out.push((None, vec![step]));
            break;
        }
    }
    // quick filters: which escalation actions can it do at all?
    let any = |action: &str| {
        can(s, set, action, "*", String::new()).is_some()
            || s.identity
                .iter()
                .flat_map(|l| l.policy.statements.iter())
                .any(|st| {
                    st.allow
                        && st
                            .actions
                            .iter()
                            .any(|a| crate::glob::matches_ci(a, action))
                })
    };
    let may_assume = any("sts:AssumeRole");
    let may_update_trust = any("iam:UpdateAssumeRolePolicy");
    let may_pass = any("iam:PassRole");
    let may_keys = any("iam:CreateAccessKey")
        || any("iam:CreateLoginProfile")
        || any("iam:UpdateLoginProfile");
    let may_ssm = any("ssm:SendCommand");
    // a cheap necessary condition before evaluating: some Allow statement
    // names the action and a resource pattern covering the ARN
    let statements: Vec<&crate::document::Statement> = s
        .identity
        .iter()
        .flat_map(|l| l.policy.statements.iter())
        .filter(|st| st.allow)
        .collect();
    let could = |action: &str, arn: &str| {
        statements.iter().any(|st| {
            let acts = if st.actions.is_empty() {
                !st.not_actions
                    .iter()
                    .any(|a| crate::glob::matches_ci(a, action))
            } else {
                st.actions
                    .iter()
                    .any(|a| crate::glob::matches_ci(a, action))
            };
            acts && (st.resources.is_empty()
                || st.resources.iter().any(|r| {
                    r.contains("${")
                        || crate::document::is_unknown(r)
                        || crate::glob::matches(r, arn)
                }))
        })
    };
    let mut maybe = None;
    let me_qualified = {
        let mut p = principal_of(s);
        p.address = Some(qualified(s));
        p
    };
    for (j, t) in subjects.iter().enumerate() {
        let apart = t.resource.root != s.resource.root;
        if j == i || (apart && !links[i].contains(&j)) {
            continue;
        }
        // another root's principal is named with its root, and names this
        // one with this one's
        let (me, my_address, t_address, t_name) = match apart {
            true => (&me_qualified, qualified(s), qualified(t), named(t, s)),
            false => (
                &me,
                s.resource.address.to_string(),
                t.resource.address.to_string(),
                t.resource.address.to_string(),
            ),
        };
        let t_is_role = t.resource.resource_type == "aws_iam_role";
        // a role whose trust policy or name (its ARN) the code does not
        // determine: whether it may be assumed or passed is not known
        if t_is_role && !apart && maybe.is_none() && (may_assume || may_pass) {
            let name = t.resource.get("name").filter(|v| v.is_unknown());
            let reaches = match &name {
                Some(_) => statements.iter().any(|st| {
                    st.resources.is_empty()
                        || st
                            .resources
                            .iter()
                            .any(|r| r.contains(":role/") || r == "*")
                }),
                None => could("sts:AssumeRole", &t.arn) || could("iam:PassRole", &t.arn),
            };
            if reaches && (t.trust.is_none() || name.is_some()) {
                let what = if name.is_some() {
                    "name"
                } else {
                    "trust policy"
                };
                maybe = Some(format!(
                    "it may assume or pass {}, whose {what} is not known from the code",
                    t.resource.address
                ));
            }
        }
        if t_is_role {
            if let Some(trust) = &t.trust {
                // within its account, a role the trust names needs no
                // permission of its own; another root may be another
                // account, where it does
                let free = !apart && names_exactly(trust, s, &my_address);
                let assumable = free || (may_assume && could("sts:AssumeRole", &t.arn));
                if assumable && trusts(trust, me, &t.arn) {
                    let step = if free {
                        Some(Step {
                            action: "sts:AssumeRole".into(),
                            detail: format!("{t_name}'s trust policy names it"),
                            policy: Some(trust.policy.name.clone()),
                            span: trust.span,
                        })
                    } else {
                        can_on(
                            s,
                            set,
                            "sts:AssumeRole",
                            &t.arn,
                            Some(&t_address),
                            format!("assumes {t_name}, whose trust policy admits it"),
                        )
                    };
                    if let Some(step) = step {
                        out.push((Some(j), vec![step]));
                        continue;
                    }
                }
                if may_pass && could("iam:PassRole", &t.arn) {
                    for (service, run) in PASS_TARGETS {
                        if !trusts(trust, &Principal::service(service), &t.arn) {
                            continue;
                        }
                        let pass = can_on(
                            s,
                            set,
                            "iam:PassRole",
                            &t.arn,
                            Some(&t_address),
                            format!("passes {t_name} to {service}"),
                        );
                        let start: Option<Vec<Step>> = run
                            .iter()
                            .map(|action| {
                                can(
                                    s,
                                    set,
                                    action,
                                    "*",
                                    format!("{action}: runs code as the passed role"),
                                )
                            })
                            .collect();
                        if let (Some(a), Some(rest)) = (pass, start) {
                            let mut steps = vec![a];
                            steps.extend(rest);
                            out.push((Some(j), steps));
                            break;
                        }
                    }
                }
            }
            if may_update_trust && may_assume && could("iam:UpdateAssumeRolePolicy", &t.arn) {
                let update = can_on(
                    s,
                    set,
                    "iam:UpdateAssumeRolePolicy",
                    &t.arn,
                    Some(&t_address),
                    format!("rewrites {t_name}'s trust policy to admit itself"),
                );
                let assume = can_on(
                    s,
                    set,
                    "sts:AssumeRole",
                    &t.arn,
                    Some(&t_address),
                    format!("assumes {t_name}"),
                );
                if let (Some(a), Some(b)) = (update, assume) {
                    out.push((Some(j), vec![a, b]));
                    continue;
                }
            }
            if may_ssm {
                for (root, instance, role) in instances {
                    if *root == *t.resource.root && *role == t.resource.address {
                        let arn = format!("arn:aws:ec2:*:*:instance/{instance}");
                        if let Some(step) = can(
                            s,
                            set,
                            "ssm:SendCommand",
                            &arn,
                            format!(
                                "runs commands on {instance}, whose instance profile is {t_name}"
                            ),
                        ) {
                            out.push((Some(j), vec![step]));
                            break;
                        }
                    }
                }
            }
        } else if may_keys {
            for action in [
                "iam:CreateAccessKey",
                "iam:CreateLoginProfile",
                "iam:UpdateLoginProfile",
            ] {
                if let Some(step) = can_on(
                    s,
                    set,
                    action,
                    &t.arn,
                    Some(&t_address),
                    format!("{action} for {t_name}: signs in as it"),
                ) {
                    out.push((Some(j), vec![step]));
                    break;
                }
            }
        }
    }
    (out, maybe)
}

/// Whether a subject can do every probe action on every resource.
fn admin(s: &Subject<'_>, set: &PolicySet) -> bool {
    ADMIN_PROBE.iter().all(|a| {
        evaluate(set, &Request::new(Principal::aws(&s.arn), a, "*")).outcome == Outcome::Allowed
    })
}

/// The full analysis: every role and user, admin-equivalent or not, and
/// the shortest escalation path to administrator (directly, or through
/// principals that are or can become administrator).
pub fn analyse(graph: &Graph) -> Vec<Analysis> {
    let subjects = crate::principals::subjects(graph);
    let sets: Vec<PolicySet> = subjects.iter().map(set_of).collect();
    let admins: Vec<bool> = subjects
        .iter()
        .zip(&sets)
        .map(|(s, set)| admin(s, set))
        .collect();
    let instances = instance_roles(graph);
    let links = links(&subjects);
    let (adjacency, maybe): (Vec<_>, Vec<_>) = (0..subjects.len())
        .map(|i| edges(&subjects, &sets, i, &instances, &links))
        .unzip();
    // per root: an administrator role whose trust policy is not known
    let mut open_admin: HashMap<&str, usize> = HashMap::new();
    for (t, subject) in subjects.iter().enumerate() {
        if admins[t] && subject.trust.is_none() && subject.resource.resource_type == "aws_iam_role"
        {
            open_admin.entry(&subject.resource.root).or_insert(t);
        }
    }
    let mut out = Vec::new();
    for (i, s) in subjects.iter().enumerate() {
        let mut paths = Vec::new();
        let mut missing = s.missing.clone();
        // a principal it can become whose policies are not analysed may be
        // an administrator: without a known path, that is said
        let mut through_unanalysed: Option<String> = None;
        if !admins[i] {
            // breadth-first: the shortest path to administrator power
            let mut seen = vec![false; subjects.len()];
            seen[i] = true;
            let mut queue: VecDeque<(usize, Vec<Step>)> = VecDeque::from([(i, Vec::new())]);
            let mut found: HashMap<String, Vec<Step>> = HashMap::new();
            while let Some((n, steps)) = queue.pop_front() {
                if let Some(why) = &maybe[n] {
                    through_unanalysed.get_or_insert_with(|| why.clone());
                }
                // an administrator role whose trust policy is not known may
                // name it, which needs no permission of its own
                if through_unanalysed.is_none() {
                    if let Some(&t) = open_admin
                        .get(&*subjects[n].resource.root)
                        .filter(|&&t| t != n)
                    {
                        through_unanalysed = Some(format!(
                            "it may assume {}, an administrator whose trust policy is not known from the code",
                            subjects[t].resource.address
                        ));
                    }
                }
                for (target, edge_steps) in &adjacency[n] {
                    let mut path = steps.clone();
                    path.extend(edge_steps.iter().cloned());
                    match target {
                        None => {
                            let key = if n == i {
                                "administrator".to_string()
                            } else {
                                named(&subjects[n], s)
                            };
                            found.entry(key).or_insert(path);
                        }
                        Some(t) if admins[*t] => {
                            found.entry(named(&subjects[*t], s)).or_insert(path);
                        }
                        Some(t) if !seen[*t] => {
                            seen[*t] = true;
                            if !subjects[*t].missing.is_empty() {
                                through_unanalysed.get_or_insert_with(|| {
                                    format!(
                                        "it can become {}, whose policies are not analysed",
                                        named(&subjects[*t], s)
                                    )
                                });
                            }
                            queue.push_back((*t, path));
                        }
                        _ => {}
                    }
                }
                if !found.is_empty() {
                    break;
                }
            }
            let mut found: Vec<(String, Vec<Step>)> = found.into_iter().collect();
            found.sort_by(|a, b| (a.1.len(), &a.0).cmp(&(b.1.len(), &b.0)));
            paths = found
                .into_iter()
                .map(|(target, steps)| Path { target, steps })
                .collect();
            if paths.is_empty() {
                missing.extend(through_unanalysed);
            }
        }
        out.push(Analysis {
            address: s.resource.address.to_string(),
            root: s.resource.root.to_string(),
            arn: s.arn.clone(),
            admin_equivalent: admins[i],
            span: s.resource.span,
            escalation_paths: paths,
            missing,
        });
    }
    out.sort_by(|a, b| (&a.root, &a.address).cmp(&(&b.root, &b.address)));
    out
}
