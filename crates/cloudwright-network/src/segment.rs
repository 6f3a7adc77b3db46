//! Segmentation: the reference three-tier design checked against the
//! network. Subnets fall into tiers (public, app, data: see
//! [`subnet_tier`]); the policy says what may sit in the public tier and
//! which flows between tiers are allowed. By default:
//!
//! - the public tier holds only load balancers and NAT gateways;
//! - nothing in the app or data tier is reachable from the internet
//!   directly (through a load balancer is the design);
//! - the app tier is reached from the public tier (its load balancers)
//!   and from itself;
//! - the data tier is reached from the app tier on the data store's engine
//!   port only, and from itself (replication, cluster peers).
//!
//! Flows are read from the security groups of the resources in the app
//! and data tiers: a rule admitting a CIDR admits every tier whose subnets
//! that range overlaps; a rule naming a group admits the tiers where that
//! group's interfaces sit. `cloudwright.toml` can classify subnets, allow
//! more resource types in the public tier and allow more flows.

use crate::exposure::{rule_hop, traffic_text, Exposure, Hop, Verdict};
use crate::sets::{AddrSet, PortSet, ProtoSet, TCP};
use crate::topology::{
    interfaces, is_placed, sg_group_permissions, sg_permissions, subnet_range, subnet_tier, Fact,
    Tier,
};
use cloudwright_model::{Graph, Mode, Resource};
use std::collections::{BTreeMap, BTreeSet};

/// A flow between tiers the policy allows, on some ports (`None`: any;
/// for flows into the data tier from the app tier, the default is the
/// data store's engine port).
#[derive(Clone, Debug, PartialEq)]
pub struct Flow {
    pub from: Tier,
    pub to: Tier,
    pub ports: Option<PortSet>,
}

impl Flow {
    /// `public->app`, `app->data:5432`, `app->data:8000-8100`.
    pub fn parse(text: &str) -> Result<Flow, String> {
        let bad = || {
            format!("invalid flow {text:?}: write FROM->TO or FROM->TO:PORT[-PORT] with tiers public, app, data")
        };
        let (tiers, ports) = match text.split_once(':') {
            Some((t, p)) => (t, Some(p)),
            None => (text, None),
        };
        let (from, to) = tiers.split_once("->").ok_or_else(bad)?;
        let tier = |t: &str| match t.trim() {
            "public" => Some(Tier::Public),
            "app" => Some(Tier::App),
            "data" => Some(Tier::Data),
            _ => None,
        };
        let ports = match ports {
            None => None,
            Some(p) => {
                let n = |x: &str| x.trim().parse::<u16>().map_err(|_| bad());
                Some(match p.split_once('-') {
                    Some((a, b)) => PortSet::range(n(a)?, n(b)?),
                    None => PortSet::single(n(p)?),
                })
            }
        };
        Ok(Flow {
            from: tier(from).ok_or_else(bad)?,
            to: tier(to).ok_or_else(bad)?,
            ports,
        })
    }
}

/// The segmentation policy.
#[derive(Clone, Debug, Default)]
pub struct Policy {
    /// Subnet address patterns (`*` matches any text) → tier; the first
    /// match wins over tags, names and routes.
    pub tiers: Vec<(String, Tier)>,
    /// Resource types allowed in the public tier besides load balancers
    /// and NAT gateways.
    pub public_types: Vec<String>,
    /// Flows allowed besides the defaults.
    pub allow: Vec<Flow>,
    /// Address ranges of the networks reached over VPN or Direct Connect
    /// (CIDRs), for the overlap check.
    pub on_premises: Vec<String>,
}

const PUBLIC_TYPES: &[&str] = &["aws_lb", "aws_alb", "aws_elb", "aws_nat_gateway"];

/// `*` matches any run of characters (see [`cloudwright_model::glob`]).
pub fn glob(pattern: &str, text: &str) -> bool {
    cloudwright_model::glob::glob(pattern, text)
}

impl Policy {
    /// Why a subnet's tier under the policy may be other than [`Policy::tier`]
    /// says: no tag, name or `cloudwright.toml` entry decided it, and its
    /// tags or routes (a route to an internet gateway makes it public) are
    /// not known from the code.
    pub fn tier_unknown(&self, graph: &Graph, subnet: &Resource) -> Option<String> {
        if self
            .tiers
            .iter()
            .any(|(pattern, _)| glob(pattern, &subnet.address))
        {
            return None;
        }
        crate::topology::subnet_tier_unknown(graph, subnet)
    }

    /// A subnet's tier under the policy, and how it was decided.
    pub fn tier(&self, graph: &Graph, subnet: &Resource) -> (Tier, String) {
        for (pattern, tier) in &self.tiers {
            if glob(pattern, &subnet.address) {
                return (
                    *tier,
                    format!("classified {} by cloudwright.toml", tier.name()),
                );
            }
        }
        subnet_tier(graph, subnet)
    }

    fn allows_in_public(&self, resource_type: &str) -> bool {
        PUBLIC_TYPES.contains(&resource_type)
            || self.public_types.iter().any(|t| t == resource_type)
    }

    /// The ports allowed from `from` into `to` for a resource whose engine
    /// port is `engine` (`None` in `Some`: every port; `None`: not allowed).
    fn allowed_ports(&self, from: Tier, to: Tier, engine: Option<u16>) -> Option<Option<PortSet>> {
        let mut allowed: Option<Option<PortSet>> = match (from, to) {
            (Tier::Public, Tier::App) | (Tier::App, Tier::App) | (Tier::Data, Tier::Data) => {
                Some(None)
            }
            (Tier::App, Tier::Data) => Some(engine.map(PortSet::single)),
            _ => None,
        };
        for f in self.allow.iter().filter(|f| f.from == from && f.to == to) {
            allowed = match (allowed, &f.ports) {
                (Some(None), _) | (_, None) => Some(None),
                (Some(Some(a)), Some(b)) => Some(Some(a.union(b))),
                (None, Some(b)) => Some(Some(b.clone())),
            };
        }
        allowed
    }
}

/// One violation of the policy.
#[derive(Clone, Debug)]
pub struct Violation {
    /// `placement`, `direct-exposure`, `flow`
    pub kind: &'static str,
    pub resource: String,
    pub root: String,
    pub message: String,
    /// Where the evidence is written (the rule admitting the flow, the
    /// subnet and how its tier was decided, the exposure path).
    pub evidence: Vec<Hop>,
    /// When the check cannot be decided: what is missing.
    pub unknown: Option<String>,
}

impl Violation {
    /// A check on `r` the policy or design cannot decide, and why.
    pub(crate) fn undecided(kind: &'static str, r: &Resource, why: String) -> Violation {
        Violation {
            kind,
            resource: r.address.to_string(),
            root: r.root.to_string(),
            message: String::new(),
            evidence: Vec::new(),
            unknown: Some(why),
        }
    }
}

/// The engine port of a data store: its `port` attribute, else the
/// default of its engine.
pub fn engine_port(r: &Resource) -> Option<u16> {
    if let Some(p) = r.get("port").and_then(|v| v.strip().as_number()) {
        return Some(p as u16);
    }
    let engine = r
        .get("engine")
        .and_then(|v| v.strip().as_str().map(str::to_ascii_lowercase))
        .unwrap_or_default();
    Some(match r.resource_type.as_str() {
        "aws_db_instance" | "aws_rds_cluster" | "aws_rds_cluster_instance" => {
            if engine.contains("postgres") {
                5432
            } else if engine.contains("mysql") || engine.contains("mariadb") {
                3306
            } else if engine.starts_with("sqlserver") {
                1433
            } else if engine.starts_with("oracle") {
                1521
            } else if engine.starts_with("db2") {
                50000
            } else {
                return None;
            }
        }
        "aws_elasticache_cluster" | "aws_elasticache_replication_group" => {
            if engine == "memcached" {
                11211
            } else {
                6379
            }
        }
        "aws_redshift_cluster" => 5439,
        "aws_docdb_cluster" => 27017,
        "aws_neptune_cluster" => 8182,
        "aws_opensearch_domain" | "aws_elasticsearch_domain" => 443,
        "aws_efs_mount_target" => 2049,
        _ => return None,
    })
}

/// Why the flows into an interface cannot be judged: its own subnet's tier
/// is not known, or a CIDR rule admits a range that may be a subnet whose
/// tier or range the code does not determine.
fn tier_unknown_flow(
    graph: &Graph,
    policy: &Policy,
    side: &crate::topology::Interface<'_>,
    uncertain: &[(Option<AddrSet>, String)],
) -> Option<String> {
    if let Some(w) = policy.tier_unknown(graph, side.subnet) {
        return Some(w);
    }
    // rules naming groups that the code does not determine
    if let Some(w) = side
        .groups
        .iter()
        .find_map(|g| crate::topology::sg_group_permissions_unknown(g, false))
    {
        return Some(w);
    }
    if uncertain.is_empty() {
        return None;
    }
    for g in &side.groups {
        let Fact::Known(perms) = sg_permissions(graph, g, false) else {
            continue;
        };
        for p in perms {
            for cube in p.space.cubes() {
                if let Some((_, w)) = uncertain.iter().find(|(range, _)| match range {
                    Some(range) => !cube.sources.intersect(range).is_empty(),
                    None => !cube.sources.is_empty(),
                }) {
                    return Some(w.clone());
                }
            }
        }
    }
    None
}

fn resource_hop(kind: &'static str, r: &Resource, detail: String) -> Hop {
    Hop {
        root: Some(r.root.clone()),
        kind,
        address: r.address.to_string(),
        detail,
        span: r.span,
    }
}

/// A subnet's range with its tier.
type TieredRange<'g> = (AddrSet, Tier, &'g Resource);

/// Every violation of the policy in the graph. `exposures` is the
/// internet exposure of the same graph.
pub fn violations(graph: &Graph, policy: &Policy, exposures: &[Exposure]) -> Vec<Violation> {
    let mut out = Vec::new();
    // tiers of subnets, and the interfaces of every placed resource
    // keyed by the subnet's identity: no key to build on every lookup
    let mut tiers: std::collections::HashMap<usize, (Tier, String)> = Default::default();
    let mut tier_of = |s: &Resource| {
        tiers
            .entry(s as *const Resource as usize)
            .or_insert_with(|| policy.tier(graph, s))
            .clone()
    };
    let placed: Vec<&Resource> = graph
        .resources
        .iter()
        .filter(|r| r.mode == Mode::Managed && is_placed(&r.resource_type))
        .collect();
    // group address (per root) → tiers its interfaces sit in
    let mut group_tiers: BTreeMap<(String, String), BTreeSet<Tier>> = BTreeMap::new();
    let mut sides = Vec::new();
    for r in &placed {
        match interfaces(graph, r) {
            Fact::Known(list) => {
                for i in &list {
                    let (t, _) = tier_of(i.subnet);
                    for g in &i.groups {
                        group_tiers
                            .entry((g.root.to_string(), g.address.to_string()))
                            .or_default()
                            .insert(t);
                    }
                }
                if !list.is_empty() {
                    sides.push((*r, list));
                }
            }
            Fact::Unknown(w) => out.push(Violation::undecided("placement", r, w)),
        }
    }
    // subnet ranges per VPC, with their tiers
    let mut ranges: std::collections::HashMap<usize, Vec<TieredRange<'_>>> = Default::default();
    // per VPC: subnets with a range (`None`: not known) whose tier or range
    // the code does not determine, and why
    let mut uncertain: std::collections::HashMap<usize, Vec<(Option<AddrSet>, String)>> =
        Default::default();
    for s in graph.of_type("aws_subnet") {
        if s.mode != Mode::Managed {
            continue;
        }
        let Fact::Known(Some(vpc)) = crate::topology::target(graph, s, "vpc_id", "aws_vpc") else {
            continue;
        };
        // subnets whose range or tier the code does not determine: flows
        // from them cannot be judged
        let vpc_key = vpc as *const Resource as usize;
        match subnet_range(s) {
            Fact::Known(range) => {
                if let Some(w) = policy.tier_unknown(graph, s) {
                    uncertain
                        .entry(vpc_key)
                        .or_default()
                        .push((Some(range.clone()), w));
                }
                let (t, _) = tier_of(s);
                ranges.entry(vpc_key).or_default().push((range, t, s));
            }
            Fact::Unknown(w) => uncertain.entry(vpc_key).or_default().push((None, w)),
        }
    }
    for (r, list) in &sides {
        // 1. the public tier holds only the edge (a subnet whose tier the
        // code does not determine may be public)
        if !policy.allows_in_public(&r.resource_type)
            && list.iter().all(|i| tier_of(i.subnet).0 != Tier::Public)
        {
            if let Some(w) = list
                .iter()
                .find_map(|i| policy.tier_unknown(graph, i.subnet))
            {
                out.push(Violation::undecided("placement", r, w));
                continue;
            }
        }
        if !policy.allows_in_public(&r.resource_type) {
            if let Some(i) = list.iter().find(|i| tier_of(i.subnet).0 == Tier::Public) {
                let (_, why) = tier_of(i.subnet);
                out.push(Violation {
                    kind: "placement",
                    resource: r.address.to_string(),
                    root: r.root.to_string(),
                    message: format!(
                        "{} sits in the public tier ({}): only load balancers and NAT gateways belong there",
                        r.address, i.subnet.address
                    ),
                    evidence: vec![resource_hop("subnet", i.subnet, format!("public tier: {why}"))],
                    unknown: None,
                });
            }
        }
        // 3. flows into the app and data tiers
        let inner: Vec<_> = list
            .iter()
            .filter(|i| tier_of(i.subnet).0 != Tier::Public)
            .collect();
        let Some(side) = inner.first() else {
            continue;
        };
        let to = tier_of(side.subnet).0;
        let engine = engine_port(r);
        // a data store whose port the code does not determine: which
        // flows the policy allows into it is not known
        let port_unknown = r.get("port").is_some_and(|v| v.is_unknown());
        if to == Tier::Data && (engine.is_none() || port_unknown) {
            let unknown = ["port", "engine"].iter().find_map(|k| {
                r.get(k)
                    .filter(|v| v.is_unknown())
                    .map(|v| format!("{}.{k} is {}", r.address, v.why_unknown()))
            });
            if let Some(w) = unknown {
                out.push(Violation::undecided("flow", r, w));
                continue;
            }
        }
        let no_ranges = Vec::new();
        let vpc_ranges = ranges
            .get(&(side.vpc as *const Resource as usize))
            .unwrap_or(&no_ranges);
        let no_uncertain = Vec::new();
        let vpc_uncertain = uncertain
            .get(&(side.vpc as *const Resource as usize))
            .unwrap_or(&no_uncertain);
        if let Some(w) = tier_unknown_flow(graph, policy, side, vpc_uncertain) {
            out.push(Violation::undecided("flow", r, w));
            continue;
        }
        let mut seen = BTreeSet::new();
        for g in &side.groups {
            let perms = match sg_permissions(graph, g, false) {
                Fact::Known(p) => p,
                Fact::Unknown(w) => {
                    out.push(Violation::undecided("flow", r, w));
                    continue;
                }
            };
            for p in perms {
                for cube in p.space.cubes() {
                    for (range, from, subnet) in vpc_ranges {
                        if cube.sources.intersect(range).is_empty() {
                            continue;
                        }
                        let evidence = rule_hop(
                            &p.root,
                            &p.address,
                            &p.attribute,
                            p.span,
                            format!(
                                "admits {} from a range overlapping {} ({} tier)",
                                traffic_text(&cube.protocols, &cube.ports),
                                subnet.address,
                                from.name()
                            ),
                        );
                        check_flow(
                            policy,
                            r,
                            *from,
                            to,
                            engine,
                            &cube.protocols,
                            &cube.ports,
                            evidence,
                            &mut seen,
                            &mut out,
                        );
                    }
                }
            }
            for p in sg_group_permissions(graph, g, false) {
                for source in &p.from_groups {
                    let key = (g.root.to_string(), source.clone());
                    for from in group_tiers.get(&key).into_iter().flatten() {
                        let evidence = rule_hop(
                            &p.root,
                            &p.address,
                            &p.attribute,
                            p.span,
                            format!(
                                "admits {} from {source}, whose interfaces sit in the {} tier",
                                traffic_text(&p.protocols, &p.ports),
                                from.name()
                            ),
                        );
                        check_flow(
                            policy,
                            r,
                            *from,
                            to,
                            engine,
                            &p.protocols,
                            &p.ports,
                            evidence,
                            &mut seen,
                            &mut out,
                        );
                    }
                }
            }
        }
    }
    // 2. nothing in the app or data tier reachable from the internet directly
    let side_of: std::collections::HashMap<(&str, &str), usize> = sides
        .iter()
        .enumerate()
        .map(|(i, (r, _))| ((&*r.root, r.address.as_str()), i))
        .collect();
    for e in exposures {
        if !e.via.is_empty() {
            continue;
        }
        if e.path.first().is_some_and(|h| h.kind == "front-door") {
            continue;
        }
        let Some(&at) = side_of.get(&(e.root.as_str(), e.resource.as_str())) else {
            continue;
        };
        let (r, list) = &sides[at];
        // in the public tier only, as far as the code says
        if list.iter().all(|i| tier_of(i.subnet).0 == Tier::Public) {
            if let Some(w) = list
                .iter()
                .find_map(|i| policy.tier_unknown(graph, i.subnet))
            {
                out.push(Violation::undecided("direct-exposure", r, w));
            }
            continue;
        }
        if let Some(i) = list.iter().find(|i| tier_of(i.subnet).0 != Tier::Public) {
            if e.verdict == Verdict::Unknown {
                out.push(Violation::undecided(
                    "direct-exposure",
                    r,
                    e.missing.join("; "),
                ));
                continue;
            }
            let (t, why) = tier_of(i.subnet);
            let mut evidence = vec![resource_hop(
                "subnet",
                i.subnet,
                format!("{} tier: {why}", t.name()),
            )];
            evidence.extend(e.path.iter().cloned());
            out.push(Violation {
                kind: "direct-exposure",
                resource: r.address.to_string(),
                root: r.root.to_string(),
                message: format!(
                    "{} in the {} tier is reachable from the internet directly on {}, not through a load balancer",
                    r.address,
                    t.name(),
                    crate::exposure::describe_services(&e.services)
                ),
                evidence,
                unknown: None,
            });
        }
    }
    out
}

#[allow(clippy::too_many_arguments)]
fn check_flow(
    policy: &Policy,
    r: &Resource,
    from: Tier,
    to: Tier,
    engine: Option<u16>,
    protocols: &ProtoSet,
    ports: &PortSet,
    evidence: Hop,
    seen: &mut BTreeSet<(Tier, String)>,
    out: &mut Vec<Violation>,
) {
    let beyond = match policy.allowed_ports(from, to, engine) {
        Some(None) => return,
        Some(Some(allowed)) => {
            // TCP on allowed ports is fine; anything else is beyond
            if protocols == &ProtoSet::single(TCP) {
                ports.difference(&allowed)
            } else {
                PortSet::full()
            }
        }
        None => ports.clone(),
    };
    if beyond.is_empty() || !seen.insert((from, evidence.address.to_string())) {
        return;
    }
    let what = match (from, to, engine) {
        (Tier::App, Tier::Data, Some(p)) => {
            format!("admits the app tier beyond its engine port {p}")
        }
        (Tier::App, Tier::Data, None) => {
            "admits the app tier on ports the policy does not list".to_string()
        }
        _ => format!("admits traffic from the {} tier", from.name()),
    };
    out.push(Violation {
        kind: "flow",
        resource: r.address.to_string(),
        root: r.root.to_string(),
        message: format!("{} in the {} tier {what}", r.address, to.name()),
        evidence: vec![evidence],
        unknown: None,
    });
}
