//! Global front doors — CloudFront distributions and Global Accelerator
//! accelerators — judged from the entry points they send traffic to. Both
//! run outside any one region: an AZ or region outage reaches them only
//! through their origins or endpoints.
//!
//! - CloudFront serves while one origin of each path serves: a plain origin
//!   follows the load balancer, API or bucket behind it; an origin group
//!   fails over to its secondary member.
//! - Global Accelerator routes to healthy endpoints in any of its endpoint
//!   groups: it serves while one endpoint does.

use crate::simulate::{EntryPoint, Status};
use cloudwright_model::{Graph, Mode, Resource};
use cloudwright_network::topology::{referring, targets, Fact};

/// What a front door sends traffic to, grouped: the front door serves
/// while every group has a serving member (CloudFront: each origin, or an
/// origin group's members; Global Accelerator: one group of every
/// endpoint).
pub struct Front<'g> {
    pub entry: &'g Resource,
    pub groups: Vec<Vec<&'g Resource>>,
    /// Why its origins may fail over to each other unseen: its origin
    /// groups are not known from the code.
    pub unknown: Option<String>,
}

const ORIGIN_TYPES: &[&str] = &[
    "aws_lb",
    "aws_alb",
    "aws_elb",
    "aws_api_gateway_rest_api",
    "aws_apigatewayv2_api",
    "aws_s3_bucket",
];

fn origin_targets<'g>(graph: &'g Graph, r: &'g Resource) -> Vec<&'g Resource> {
    let mut out: Vec<&Resource> = Vec::new();
    for x in r.references.iter().filter(|x| x.attribute == "origin") {
        if let Some(t) = graph.resource_in(&r.root, &x.target) {
            if ORIGIN_TYPES.contains(&t.resource_type.as_str())
                && t.mode == Mode::Managed
                && !out.iter().any(|o| std::ptr::eq(*o, t))
            {
                out.push(t);
            }
        }
    }
    out
}

/// The front doors of the configuration.
pub fn fronts(graph: &Graph) -> Vec<Front<'_>> {
    let mut out = Vec::new();
    for cf in graph
        .of_type("aws_cloudfront_distribution")
        .filter(|r| r.mode == Mode::Managed)
    {
        let origins = origin_targets(graph, cf);
        // an origin group (failover) makes its members one group
        let origin_group = cf.get("origin_group");
        let unknown = origin_group
            .as_ref()
            .filter(|v| v.is_unknown())
            .map(|v| format!("{}.origin_group is {}", cf.address, v.why_unknown()));
        let grouped = origin_group
            .and_then(|v| v.as_list().map(|l| !l.is_empty()))
            .unwrap_or(false);
        let groups = if grouped {
            vec![origins]
        } else {
            origins.into_iter().map(|o| vec![o]).collect()
        };
        out.push(Front {
            entry: cf,
            groups,
            unknown,
        });
    }
    for ga in graph
        .of_type("aws_globalaccelerator_accelerator")
        .filter(|r| r.mode == Mode::Managed)
    {
        let mut endpoints: Vec<&Resource> = Vec::new();
        for listener in referring(
            graph,
            ga,
            "aws_globalaccelerator_listener",
            "accelerator_arn",
        ) {
            for group in referring(
                graph,
                listener,
                "aws_globalaccelerator_endpoint_group",
                "listener_arn",
            ) {
                for t in ["aws_lb", "aws_alb", "aws_elb", "aws_eip", "aws_instance"] {
                    if let Fact::Known(list) = targets(graph, group, "endpoint_configuration", t) {
                        endpoints.extend(list);
                    }
                }
            }
        }
        out.push(Front {
            entry: ga,
            groups: vec![endpoints],
            unknown: None,
        });
    }
    out
}

/// Whether a scenario concerns a front door: one of its members is judged
/// in it, or lives in the lost region.
pub fn concerned(
    front: &Front<'_>,
    judged: &[EntryPoint],
    lost: &str,
    region_of: impl Fn(&Resource) -> Option<String>,
) -> bool {
    front.groups.iter().flatten().any(|m| {
        judged
            .iter()
            .any(|e| e.address == m.address && *e.root == *m.root)
            || region_of(m).as_deref() == Some(lost)
    }) || front.groups.iter().all(Vec::is_empty)
}

/// The composite availability of a front door: its own SLA times, for
/// every group, the redundancy of its members' composites.
pub fn composite(
    graph: &Graph,
    front: &Front<'_>,
    members: &[crate::availability::Availability],
) -> crate::availability::Availability {
    let kind = if front.entry.resource_type == "aws_cloudfront_distribution" {
        "cloudfront"
    } else {
        "global-accelerator"
    };
    let own = crate::availability::sla(kind);
    let mut out = crate::availability::Availability::of(front.entry);
    let Some(own) = own else { return out };
    let mut product = own.percent / 100.0;
    out.components
        .push((front.entry.address.to_string(), own.clone()));
    let mut weakest = (front.entry.address.to_string(), own.percent);
    for group in &front.groups {
        let mut down_all = 1.0;
        for m in group {
            let percent = match members
                .iter()
                .find(|a| a.address == m.address && *a.root == *m.root)
            {
                Some(a) => a.percent,
                None => crate::availability::component_sla(graph, m)
                    .ok()
                    .map(|s| s.percent),
            };
            let Some(p) = percent else {
                out.unknown = Some(format!("the availability of {} is unknown", m.address));
                return out;
            };
            if p < weakest.1 {
                weakest = (m.address.to_string(), p);
            }
            down_all *= 1.0 - p / 100.0;
        }
        if !group.is_empty() {
            product *= 1.0 - down_all;
        }
    }
    if front.groups.iter().all(Vec::is_empty) {
        out.unknown = Some(format!(
            "{} sends traffic outside this configuration",
            front.entry.address
        ));
        return out;
    }
    out.settle(product, Some(weakest));
    out
}

/// The status of a front door given the statuses of the entry points of
/// one scenario (`lost`: the lost AZ or region, for regional origins).
pub fn judge(
    front: &Front<'_>,
    judged: &[EntryPoint],
    lost: &str,
    region_of: impl Fn(&Resource) -> Option<String>,
) -> EntryPoint {
    let mut status = Status::Serving;
    let mut reasons = Vec::new();
    if front.groups.is_empty() || front.groups.iter().all(Vec::is_empty) {
        return EntryPoint {
            address: front.entry.address.to_string(),
            root: front.entry.root.to_string(),
            status: Status::Unknown,
            capacity_pct: None,
            reason: format!(
                "{} sends traffic to origins or endpoints outside this configuration",
                front.entry.address
            ),
        };
    }
    let rank = |s: &Status| match s {
        Status::Serving => 0,
        Status::Degraded => 1,
        Status::Unknown => 2,
        Status::Down => 3,
    };
    for group in &front.groups {
        // the best member of the group decides it
        let mut best: Option<(Status, String)> = None;
        for member in group {
            let judged_member = judged
                .iter()
                .find(|e| e.address == member.address && *e.root == *member.root);
            let (st, why) = match judged_member {
                Some(e) => (e.status.clone(), e.reason.clone()),
                // not an entry point of this scenario: elsewhere, or
                // regional (a bucket) — lost only with its region
                None => match region_of(member) {
                    Some(r) if r == lost => {
                        (Status::Down, format!("{} is in {lost}", member.address))
                    }
                    _ => (Status::Serving, String::new()),
                },
            };
            if best.as_ref().is_none_or(|(b, _)| rank(&st) < rank(b)) {
                best = Some((st, why));
            }
        }
        if let Some((st, why)) = best {
            if rank(&st) > rank(&status) {
                status = st.clone();
            }
            if st != Status::Serving && !why.is_empty() {
                reasons.push(why);
            }
        }
    }
    // origins that may fail over to each other unseen
    if let (Status::Down, Some(why)) = (&status, &front.unknown) {
        if front.groups.iter().flatten().count() > 1 {
            status = Status::Unknown;
            reasons = vec![why.clone()];
        }
    }
    EntryPoint {
        address: front.entry.address.to_string(),
        root: front.entry.root.to_string(),
        status,
        capacity_pct: None,
        reason: reasons.join("; "),
    }
}
