//! A change review: two reviews (before and after) compared section by
//! section — findings new and fixed, exposure paths opened and closed,
//! escalation paths and public access new and closed, the cost delta, and
//! the failure scenarios that got worse or better.

use crate::{ConfigProblem, Review};
use cloudwright_cost::{CostDiff, Estimate};
use cloudwright_model::Finding;
use cloudwright_network::exposure::{Exposure, Verdict};
use cloudwright_resilience::Status;
use std::collections::{BTreeMap, BTreeSet};

/// An internet exposure, as the review shows and compares it.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ExposureSummary {
    /// The root module of the resource (`.` or `""` for a load of one).
    pub root: String,
    pub resource: String,
    pub resource_type: String,
    /// `tcp 5432`, `tcp 80, 443`
    pub services: String,
    /// `0.0.0.0/0`
    pub sources: String,
    pub via: Vec<String>,
}

impl ExposureSummary {
    pub fn of(e: &Exposure) -> ExposureSummary {
        let services: Vec<String> = e
            .services
            .iter()
            .map(|(proto, ranges)| {
                let ports: Vec<String> = ranges
                    .iter()
                    .map(|(a, b)| {
                        if a == b {
                            a.to_string()
                        } else if *a == 0 && *b == 65535 {
                            "all ports".to_string()
                        } else {
                            format!("{a}-{b}")
                        }
                    })
                    .collect();
                format!("{proto} {}", ports.join(", "))
            })
            .collect();
        ExposureSummary {
            root: e.root.clone(),
            resource: e.resource.clone(),
            resource_type: e.resource_type.clone(),
            services: services.join("; "),
            sources: e.sources.join(", "),
            via: e.via.clone(),
        }
    }
}

/// An entry point whose fate in a failure scenario changed.
#[derive(Clone, Debug, PartialEq)]
pub struct ScenarioChange {
    /// `AZ eu-west-1a`, `region eu-west-1`
    pub scenario: String,
    pub address: String,
    /// `None`: the entry point is new.
    pub before: Option<&'static str>,
    pub after: &'static str,
    pub reason: String,
}

pub struct ChangeReview {
    pub new_findings: Vec<Finding>,
    /// The fingerprints of the new findings on objects of module instances
    /// the head could read only in part (a syntax error): they may come
    /// from what was left out — a security group looks unattached when the
    /// instance that uses it was in the unread block.
    pub new_in_partly_read: BTreeSet<String>,
    pub fixed_findings: Vec<Finding>,
    pub opened: Vec<ExposureSummary>,
    pub closed: Vec<ExposureSummary>,
    /// (principal, target)
    pub new_escalations: Vec<(String, String)>,
    pub closed_escalations: Vec<(String, String)>,
    pub new_admins: Vec<String>,
    /// (resource, classification: public / cross-account / organization)
    pub new_access: Vec<(String, String)>,
    pub closed_access: Vec<(String, String)>,
    pub cost: CostDiff,
    pub worse: Vec<ScenarioChange>,
    pub better: Vec<ScenarioChange>,
    /// Recovery objectives violated now and not before: (address, violation).
    pub new_violations: Vec<(String, String)>,
    /// Loader errors and warnings the change brings (a misspelt argument,
    /// an unknown resource type) and those it mends: compared by severity,
    /// message and file, not line, which the change may shift.
    pub new_problems: Vec<ConfigProblem>,
    pub fixed_problems: Vec<ConfigProblem>,
    /// Objects the change hands over without creating or destroying them:
    /// imported, or released from management and left running. Their cost
    /// is in the cost diff (it follows what Terraform manages) but is not a
    /// change in what is paid; a released object's findings and exposures
    /// are not counted as fixed or closed.
    pub handovers: Vec<HandoverChange>,
}

impl ChangeReview {
    /// The change in the monthly bill: the cost diff (which follows what
    /// Terraform manages) without what imported objects already cost and
    /// with what released ones still cost.
    pub fn paid_delta(&self) -> f64 {
        let cost = |kind| -> f64 { self.handed(kind).filter_map(|h| h.monthly_cost).sum() };
        self.cost.delta - cost(cloudwright_model::HandoverKind::Import)
            + cost(cloudwright_model::HandoverKind::Release)
    }

    /// The objects the change imports, or releases.
    pub fn handed(
        &self,
        kind: cloudwright_model::HandoverKind,
    ) -> impl Iterator<Item = &HandoverChange> {
        self.handovers.iter().filter(move |h| h.kind == kind)
    }
}

/// An object imported or released by the change, with its monthly cost
/// where it is priced.
#[derive(Clone, Debug, PartialEq)]
pub struct HandoverChange {
    pub address: String,
    pub kind: cloudwright_model::HandoverKind,
    pub monthly_cost: Option<f64>,
}

fn rank(s: &Status) -> Option<u8> {
    match s {
        Status::Serving => Some(0),
        Status::Degraded => Some(1),
        Status::Down => Some(2),
        Status::Unknown => None,
    }
}

fn scenario_name(kind: &str, name: &str) -> String {
    if kind == "az" {
        format!("AZ {name}")
    } else {
        format!("region {name}")
    }
}

/// (scenario, entry point) → (status, reason)
fn fates(r: &Review, names: &Renames) -> BTreeMap<(String, String), (Status, String)> {
    let mut out = BTreeMap::new();
    for s in &r.resilience.scenarios {
        for e in &s.entry_points {
            out.insert(
                (
                    scenario_name(s.kind, &s.name),
                    names.name(&e.root, &e.address),
                ),
                (e.status.clone(), e.reason.clone()),
            );
        }
    }
    out
}

fn difference<T: Ord + Clone>(a: &BTreeSet<T>, b: &BTreeSet<T>) -> Vec<T> {
    a.difference(b).cloned().collect()
}

/// The head configuration's `moved` blocks, by root module: every
/// comparison reads the base's objects under the addresses the head moves
/// them to, so a moved resource is the same resource — not one removed and
/// another added, with its findings fixed and found again.
struct Renames<'a>(Option<&'a BTreeMap<String, Vec<cloudwright_model::Move>>>);

impl Renames<'_> {
    /// The head's address of the base's object at `address` in `root`.
    fn address(&self, root: &str, address: &str) -> String {
        self.moved(root, address)
            .unwrap_or_else(|| address.to_string())
    }

    /// [`Renames::address`] after its root (`live/ci: aws_iam_role.ci`)
    /// when that is not the scanned directory's own: the same address in
    /// two roots is two objects.
    fn name(&self, root: &str, address: &str) -> String {
        cloudwright_model::qualified(root, &self.address(root, address))
    }

    /// The head's address of the base's object, where a move changes it.
    fn moved(&self, root: &str, address: &str) -> Option<String> {
        let moves = self.0?.get(root)?;
        let moved = cloudwright_model::moved_address(moves, address);
        (moved != address).then_some(moved)
    }
}

/// Whether the head releases the base's object at `address` in `root`
/// (`removed` with `destroy = false`): it keeps existing, unmanaged.
fn released(head: &Review, root: &str, address: &str) -> bool {
    head.handovers.get(root).is_some_and(|hs| {
        hs.iter()
            .any(|h| h.kind == cloudwright_model::HandoverKind::Release && h.covers(address))
    })
}

/// Whether the head could read only part of the module instance that
/// declares the base's object at `address` in `root` (a syntax error), or
/// of a module above it: missing there, the object is not known to be gone.
fn unread(head: &Review, root: &str, address: &str) -> bool {
    cloudwright_model::Graph::unread_in(&head.partly_read, root, address)
}

/// `items` without those in `unread`.
fn without<T: Ord>(items: Vec<T>, unread: &BTreeSet<T>) -> Vec<T> {
    items.into_iter().filter(|i| !unread.contains(i)).collect()
}

/// The objects the head imports or releases, priced from the side that
/// manages them.
fn handovers(base: &Review, head: &Review, renames: &Renames<'_>) -> Vec<HandoverChange> {
    use cloudwright_model::HandoverKind;
    let mut out = Vec::new();
    for (root, hs) in &head.handovers {
        for h in hs {
            // a release is priced by the base, an import by the head
            let side = match h.kind {
                HandoverKind::Release => &base.cost,
                HandoverKind::Import => &head.cost,
            };
            let base_has = |address: &str| {
                base.cost
                    .resources
                    .iter()
                    .any(|r| r.root == *root && renames.address(root, &r.address) == address)
            };
            let priced: Vec<&cloudwright_cost::estimate::PricedResource> = side
                .resources
                .iter()
                .filter(|r| r.root == *root && h.covers(&r.address))
                // an import of what the base already managed changes nothing
                .filter(|r| h.kind == HandoverKind::Release || !base_has(&r.address))
                .collect();
            if priced.is_empty() {
                out.push(HandoverChange {
                    address: h.address.to_string(),
                    kind: h.kind,
                    monthly_cost: None,
                });
            }
            out.extend(priced.into_iter().map(|r| HandoverChange {
                address: r.address.to_string(),
                kind: h.kind,
                monthly_cost: Some(r.monthly_cost),
            }));
        }
    }
    out
}

/// What the change from `base` to `head` does, engine by engine.
pub fn compare(base: &Review, head: &Review) -> ChangeReview {
    let renames = Renames(Some(&head.moves));
    let before: BTreeMap<String, Finding> = base
        .scan
        .findings
        .iter()
        // what the head releases is not fixed: it keeps running, unmanaged
        .filter(|f| !released(head, &f.root, &f.resource))
        .map(|f| {
            let print = match renames.moved(&f.root, &f.resource) {
                None => f.fingerprint(),
                Some(moved) => {
                    let mut as_moved = f.clone();
                    as_moved.resource = moved;
                    as_moved.fingerprint()
                }
            };
            (print, f.clone())
        })
        .collect();
    let after: BTreeMap<String, Finding> = head
        .scan
        .findings
        .iter()
        .map(|f| (f.fingerprint(), f.clone()))
        .collect();
    let mut new_findings: Vec<Finding> = after
        .iter()
        .filter(|(k, _)| !before.contains_key(*k))
        .map(|(_, f)| f.clone())
        .collect();
    new_findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.root.cmp(&b.root))
            .then(a.resource.cmp(&b.resource))
            .then(a.rule_id.cmp(b.rule_id))
    });
    let mut fixed_findings: Vec<Finding> = before
        .iter()
        .filter(|(k, _)| !after.contains_key(*k))
        // what the head could not read is not fixed: it is not known
        .filter(|(_, f)| !unread(head, &f.root, &f.resource))
        .map(|(_, f)| f.clone())
        .collect();
    fixed_findings.sort_by(|a, b| {
        b.severity
            .cmp(&a.severity)
            .then(a.root.cmp(&b.root))
            .then(a.resource.cmp(&b.resource))
            .then(a.rule_id.cmp(b.rule_id))
    });

    // each side's keys under the head's addresses (the head's own are)
    let none = Renames(None);
    // each engine's items of a side that `keep` keeps (the base's that the
    // head could not read, to leave out of what the change closes)
    type Keep<'k> = &'k dyn Fn(&str, &str) -> bool;
    let all = |_: &str, _: &str| true;
    let unread_in_head = |root: &str, address: &str| unread(head, root, address);
    let exposures = |r: &Review, names: &Renames, keep: Keep| -> BTreeSet<ExposureSummary> {
        r.exposures
            .iter()
            .filter(|e| e.verdict == Verdict::Reachable)
            .filter(|e| !released(head, &e.root, &e.resource))
            .filter(|e| keep(&e.root, &e.resource))
            .map(|e| {
                let mut summary = ExposureSummary::of(e);
                summary.resource = names.address(&e.root, &summary.resource);
                for hop in &mut summary.via {
                    *hop = names.address(&e.root, hop);
                }
                summary
            })
            .collect()
    };
    let (eb, eh) = (
        exposures(base, &renames, &all),
        exposures(head, &none, &all),
    );
    let eu = exposures(base, &renames, &unread_in_head);

    let escalations = |r: &Review, names: &Renames, keep: Keep| -> BTreeSet<(String, String)> {
        r.principals
            .iter()
            .filter(|a| !released(head, &a.root, &a.address))
            .filter(|a| keep(&a.root, &a.address))
            .flat_map(|a| {
                a.escalation_paths.iter().map(move |p| {
                    // (a target is "administrator", a principal of the same
                    // root, or one of another root already named with it)
                    let target = match p.target == "administrator" || p.target.contains(": ") {
                        true => p.target.clone(),
                        false => names.name(&a.root, &p.target),
                    };
                    (names.name(&a.root, &a.address), target)
                })
            })
            .collect()
    };
    let (xb, xh) = (
        escalations(base, &renames, &all),
        escalations(head, &none, &all),
    );
    let xu = escalations(base, &renames, &unread_in_head);
    let admins = |r: &Review, names: &Renames| -> BTreeSet<String> {
        r.principals
            .iter()
            .filter(|a| a.admin_equivalent)
            .map(|a| names.name(&a.root, &a.address))
            .collect()
    };
    let access = |r: &Review, names: &Renames, keep: Keep| -> BTreeSet<(String, String)> {
        r.access
            .iter()
            .filter(|a| a.unknown.is_none())
            .filter(|a| !released(head, &a.root, &a.address))
            .filter(|a| keep(&a.root, &a.address))
            .map(|a| {
                (
                    names.name(&a.root, &a.address),
                    a.classification.to_string(),
                )
            })
            .collect()
    };
    let (ab, ah) = (access(base, &renames, &all), access(head, &none, &all));
    let au = access(base, &renames, &unread_in_head);

    let (fb, fh) = (fates(base, &renames), fates(head, &none));
    let mut worse = Vec::new();
    let mut better = Vec::new();
    for (key, (status, reason)) in &fh {
        let was = fb.get(key);
        let (Some(now), was_rank) = (rank(status), was.and_then(|(s, _)| rank(s))) else {
            continue;
        };
        let change = |before: Option<&'static str>| ScenarioChange {
            scenario: key.0.clone(),
            address: key.1.clone(),
            before,
            after: status.name(),
            reason: reason.clone(),
        };
        match (was, was_rank) {
            // a new entry point counts when the scenario takes it down
            (None, _) if now == 2 => worse.push(change(None)),
            (Some((s, _)), Some(w)) if now > w => worse.push(change(Some(s.name()))),
            (Some((s, _)), Some(w)) if now < w => better.push(change(Some(s.name()))),
            _ => {}
        }
    }
    let violations = |r: &Review, names: &Renames| -> BTreeSet<(String, String)> {
        r.resilience
            .data_stores
            .iter()
            .flat_map(|d| {
                let address = names.name(&d.root, &d.address);
                d.violations
                    .iter()
                    .map(move |v| (address.clone(), v.clone()))
            })
            .collect()
    };
    // the base's estimate under the head's addresses (a copy only when
    // the head moves something)
    let moved_cost;
    let base_cost = if head.moves.is_empty() {
        &base.cost
    } else {
        let mut cost = base.cost.clone();
        cost.renamed(|root, address| renames.address(root, address));
        moved_cost = cost;
        &moved_cost
    };
    let new_in_partly_read = new_findings
        .iter()
        .filter(|f| unread(head, &f.root, &f.resource))
        .map(|f| f.fingerprint())
        .collect();
    ChangeReview {
        new_findings,
        new_in_partly_read,
        fixed_findings,
        opened: difference(&eh, &eb),
        closed: without(difference(&eb, &eh), &eu),
        new_escalations: difference(&xh, &xb),
        closed_escalations: without(difference(&xb, &xh), &xu),
        new_admins: difference(&admins(head, &none), &admins(base, &renames)),
        new_access: difference(&ah, &ab),
        closed_access: without(difference(&ab, &ah), &au),
        cost: cloudwright_cost::diff(base_cost, &head_cost(base_cost, head)),
        worse,
        better,
        new_violations: difference(&violations(head, &none), &violations(base, &renames)),
        handovers: handovers(base, head, &renames),
        new_problems: unmatched(&head.configuration, &base.configuration),
        fixed_problems: unmatched(&base.configuration, &head.configuration),
    }
}

/// The head's estimate, with the base's resources the head could not read
/// (a partly read module) as they were: not known to be removed, so not a
/// saving.
fn head_cost(base: &Estimate, head: &Review) -> Estimate {
    let mut cost = head.cost.clone();
    cloudwright_cost::keep_unread(base, &mut cost, |root, address| unread(head, root, address));
    cost
}

/// The problems of `these` that `those` has no match for, one for one
/// (by severity, message and file: a change shifts lines).
fn unmatched(these: &[ConfigProblem], those: &[ConfigProblem]) -> Vec<ConfigProblem> {
    let key = |p: &ConfigProblem| (p.severity, p.message.clone(), p.file.clone());
    let mut left: BTreeMap<_, usize> = BTreeMap::new();
    for p in those {
        *left.entry(key(p)).or_default() += 1;
    }
    these
        .iter()
        .filter(|p| match left.get_mut(&key(p)) {
            Some(n) if *n > 0 => {
                *n -= 1;
                false
            }
            _ => true,
        })
        .cloned()
        .collect()
}
