//! What a principal can do, by service and access level, and where it has
//! more than least privilege: write and permissions-management actions on
//! every resource, whole-service wildcards, and the actions that read data
//! out (objects, secrets, parameters, decryption) on every resource.

use crate::catalogue::{catalogue, Access};
use crate::eval::{evaluate, Outcome, PolicySet, Principal, Request};
use crate::principals::Subject;
use std::collections::{BTreeMap, BTreeSet};

/// Actions that move data out of the account when granted on everything.
pub const EXFILTRATION: &[&str] = &[
    "s3:GetObject",
    "secretsmanager:GetSecretValue",
    "ssm:GetParameter",
    "ssm:GetParameters",
    "ssm:GetParametersByPath",
    "kms:Decrypt",
    "dynamodb:Scan",
    "rds:DownloadDBLogFilePortion",
];

#[derive(Clone, Debug, Default, PartialEq)]
pub struct LeastPrivilege {
    /// Write and permissions-management actions allowed on every resource.
    pub write_on_all: usize,
    pub permissions_on_all: Vec<String>,
    /// `s3:*`, `*` as written in Allow statements.
    pub service_wildcards: Vec<String>,
    pub exfiltration_on_all: Vec<String>,
}

pub fn policy_set(s: &Subject<'_>) -> PolicySet {
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

/// The actions the subject's Allow statements on every resource name
/// (expanded against the catalogue), then checked one by one against the
/// whole policy set (denies and the boundary subtract).
pub fn least_privilege(s: &Subject<'_>) -> LeastPrivilege {
    let c = catalogue();
    let set = policy_set(s);
    let mut lp = LeastPrivilege::default();
    let mut candidates: BTreeSet<usize> = BTreeSet::new();
    for st in s.identity.iter().flat_map(|l| l.policy.statements.iter()) {
        if !st.allow {
            continue;
        }
        let everywhere = st.resources.iter().any(|r| r == "*") || !st.not_resources.is_empty();
        if !everywhere {
            continue;
        }
        for a in &st.actions {
            if a == "*" || a.ends_with(":*") {
                lp.service_wildcards.push(a.clone());
            }
        }
        let names: Vec<String> = if st.actions.is_empty() {
            c.actions
                .iter()
                .filter(|a| {
                    !st.not_actions
                        .iter()
                        .any(|n| crate::glob::matches_ci(n, &a.full_name()))
                })
                .map(|a| a.full_name())
                .collect()
        } else {
            st.actions
                .iter()
                .flat_map(|p| c.expand(p))
                .map(|a| a.full_name())
                .collect()
        };
        for n in names {
            if let Some(a) = c.action(&n) {
                // the catalogue's own index of the action
                if let Some(pos) = c.position(a) {
                    candidates.insert(pos);
                }
            }
        }
    }
    lp.service_wildcards.sort();
    lp.service_wildcards.dedup();
    let me = Principal::aws(&s.arn);
    for i in candidates {
        let a = &c.actions[i];
        let name = a.full_name();
        let interesting = matches!(a.access, Access::Write | Access::PermissionsManagement)
            || EXFILTRATION.iter().any(|e| e.eq_ignore_ascii_case(&name));
        if !interesting {
            continue;
        }
        if evaluate(&set, &Request::new(me.clone(), &name, "*")).outcome != Outcome::Allowed {
            continue;
        }
        match a.access {
            Access::Write => lp.write_on_all += 1,
            Access::PermissionsManagement => lp.permissions_on_all.push(name.clone()),
            _ => {}
        }
        if EXFILTRATION.iter().any(|e| e.eq_ignore_ascii_case(&name)) {
            lp.exfiltration_on_all.push(name);
        }
    }
    lp
}

/// What the subject can do, per (service, access level): (actions allowed
/// on every resource, actions allowed on some resources).
pub fn summary(s: &Subject<'_>) -> BTreeMap<(String, Access), (usize, usize)> {
    let c = catalogue();
    let set = policy_set(s);
    let me = Principal::aws(&s.arn);
    let statements: Vec<&crate::document::Statement> = s
        .identity
        .iter()
        .flat_map(|l| l.policy.statements.iter())
        .filter(|st| st.allow)
        .collect();
    let mut out: BTreeMap<(String, Access), (usize, usize)> = BTreeMap::new();
    for a in &c.actions {
        let name = a.full_name();
        let named = statements.iter().any(|st| {
            if st.actions.is_empty() {
                !st.not_actions
                    .iter()
                    .any(|n| crate::glob::matches_ci(n, &name))
            } else {
                st.actions.iter().any(|p| crate::glob::matches_ci(p, &name))
            }
        });
        if !named {
            continue;
        }
        let everywhere =
            evaluate(&set, &Request::new(me.clone(), &name, "*")).outcome == Outcome::Allowed;
        let e = out.entry((a.service.clone(), a.access)).or_default();
        if everywhere {
            e.0 += 1;
        } else {
            e.1 += 1;
        }
    }
    out
}
