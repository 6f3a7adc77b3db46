//! Failure simulation. Entry points are load balancers; behind them the
//! compute their target groups register (Auto Scaling groups, instances,
//! ECS services); behind the compute the data stores whose security groups
//! admit it, and the NAT gateways its subnets route through. For each
//! Availability Zone in use, and for each region, everything there is
//! removed and each entry point is judged: serving, degraded (with the
//! capacity left), down — with the first component that explains it — or
//! unknown when placement is not in the configuration.

use crate::placement::{egress_nat, flag, number, own_zone, region, zones, Zones};
use cloudwright_model::{Graph, Mode, Resource};
use cloudwright_network::topology::{
    interfaces, referring, sg_group_permissions, target, targets, Fact,
};
use std::collections::BTreeSet;

#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Status {
    Serving,
    Degraded,
    Down,
    Unknown,
}

impl Status {
    pub fn name(&self) -> &'static str {
        match self {
            Status::Serving => "serving",
            Status::Degraded => "degraded",
            Status::Down => "down",
            Status::Unknown => "unknown",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct EntryPoint {
    pub address: String,
    pub root: String,
    pub status: Status,
    /// Compute capacity left, percent (when it is known).
    pub capacity_pct: Option<u8>,
    pub reason: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    /// `az` or `region`
    pub kind: &'static str,
    pub name: String,
    pub entry_points: Vec<EntryPoint>,
}

/// A component whose loss breaks an entry point in a scenario.
#[derive(Clone, Debug, PartialEq)]
pub struct SinglePoint {
    pub address: String,
    pub root: String,
    pub scenario: String,
    pub reason: String,
}

/// A service declared where the code cannot show it
/// (`[[resilience.services]]` in `cloudwright.toml`): an entry point and
/// what it depends on, by address.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DeclaredService {
    pub entry: String,
    pub depends_on: Vec<String>,
}

#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Declarations that name nothing in the configuration.
    pub notes: Vec<String>,
    pub scenarios: Vec<Scenario>,
    pub single_points_of_failure: Vec<SinglePoint>,
    pub data_stores: Vec<crate::recovery::DataStore>,
    /// Each entry point's composite availability from published SLAs.
    pub availability: Vec<crate::availability::Availability>,
    /// Entry points no AZ scenario, or no region scenario, judges, and
    /// why: the configuration does not say which Availability Zones or
    /// region they run in (a subnet without `availability_zone`, zones
    /// from a data source, a provider region from an unset variable) —
    /// never read as surviving the outage.
    pub unplaced: Vec<Unplaced>,
}

/// An entry point no AZ scenario, or no region scenario, judges (see
/// [`Report::unplaced`]).
#[derive(Clone, Debug, PartialEq)]
pub struct Unplaced {
    /// `"az"` or `"region"`: the kind of scenario that does not judge it
    pub kind: &'static str,
    pub address: String,
    pub root: String,
    pub reason: String,
}

/// One service: an entry point and what it depends on.
struct Service<'g> {
    entry: &'g Resource,
    compute: Vec<&'g Resource>,
    stores: Vec<&'g Resource>,
    /// Why a data store may depend on it unseen: its security group's rules
    /// naming groups are not known from the code.
    unknown: Option<String>,
}

/// Stores a function or task names in its environment (table names,
/// endpoints, bucket names): dependencies the network cannot show.
const NAMED_STORES: &[&str] = &[
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_dynamodb_table",
    "aws_s3_bucket",
    "aws_elasticache_replication_group",
    "aws_sqs_queue",
];

const STORES: &[&str] = &[
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_elasticache_replication_group",
    "aws_elasticache_cluster",
    "aws_efs_mount_target",
    "aws_opensearch_domain",
    "aws_elasticsearch_domain",
    "aws_msk_cluster",
];

/// The compute behind a load balancer: what its listeners' target groups
/// register.
fn backends<'g>(graph: &'g Graph, lb: &'g Resource) -> Vec<&'g Resource> {
    let mut out = Vec::new();
    let mut groups = Vec::new();
    for l in referring(graph, lb, "aws_lb_listener", "load_balancer_arn") {
        if let Fact::Known(g) = targets(graph, l, "default_action", "aws_lb_target_group") {
            groups.extend(g);
        }
    }
    for g in groups {
        out.extend(referring(
            graph,
            g,
            "aws_autoscaling_group",
            "target_group_arns",
        ));
        out.extend(referring(graph, g, "aws_ecs_service", "load_balancer"));
        for a in referring(
            graph,
            g,
            "aws_lb_target_group_attachment",
            "target_group_arn",
        ) {
            if let Fact::Known(Some(i)) = target(graph, a, "target_id", "aws_instance") {
                out.push(i);
            }
        }
    }
    if lb.resource_type == "aws_elb" {
        if let Fact::Known(list) = targets(graph, lb, "instances", "aws_instance") {
            out.extend(list);
        }
        out.extend(referring(
            graph,
            lb,
            "aws_autoscaling_group",
            "load_balancers",
        ));
    }
    // (by root too: a backend read from another unit's outputs may have
    // a namesake here)
    out.sort_by(|a, b| (&a.root, &a.address).cmp(&(&b.root, &b.address)));
    out.dedup_by(|a, b| a.address == b.address && a.root == b.root);
    out
}

/// The data stores of each root module, found once per simulation.
type StoresByRoot<'g> = std::collections::HashMap<&'g str, Vec<&'g Resource>>;

fn stores_by_root(graph: &Graph) -> StoresByRoot<'_> {
    let mut out: StoresByRoot<'_> = Default::default();
    for t in STORES {
        for store in graph.of_type(t).filter(|r| r.mode == Mode::Managed) {
            out.entry(&store.root).or_default().push(store);
        }
    }
    out
}

/// Data stores of the same root module whose security groups admit one of
/// the compute's groups (security groups are matched within a root), and
/// why another may, unseen.
fn dependencies<'g>(
    graph: &'g Graph,
    compute: &[&'g Resource],
    stores: &[&'g Resource],
) -> (Vec<&'g Resource>, Option<String>) {
    let mut groups = BTreeSet::new();
    for c in compute {
        if let Fact::Known(sides) = interfaces(graph, c) {
            for s in sides {
                for g in s.groups {
                    groups.insert((g.root.to_string(), g.address.to_string()));
                }
            }
        }
    }
    let mut out = Vec::new();
    let mut unknown = None;
    if groups.is_empty() {
        return (out, unknown);
    }
    {
        for &store in stores {
            let Fact::Known(sides) = interfaces(graph, store) else {
                continue;
            };
            if unknown.is_none() {
                unknown = sides.iter().flat_map(|s| s.groups.iter()).find_map(|g| {
                    cloudwright_network::topology::sg_group_permissions_unknown(g, false)
                });
            }
            let admitted = sides.iter().flat_map(|s| s.groups.iter()).any(|g| {
                sg_group_permissions(graph, g, false).iter().any(|p| {
                    p.from_groups
                        .iter()
                        .any(|f| groups.contains(&(g.root.to_string(), f.clone())))
                })
            });
            let listed = |o: &&Resource| o.address == store.address && o.root == store.root;
            if admitted && !out.iter().any(listed) {
                out.push(store);
            }
        }
    }
    (out, unknown)
}

/// Data stores the compute refers to in its environment variables, or
/// that its IAM role's policies grant access to by reference (a policy
/// naming `aws_dynamodb_table.orders.arn`).
fn named_in_environment<'g>(graph: &'g Graph, compute: &[&'g Resource]) -> Vec<&'g Resource> {
    let mut out: Vec<&Resource> = Vec::new();
    let mut add = |t: &'g Resource| {
        if NAMED_STORES.contains(&t.resource_type.as_str())
            && !out.iter().any(|o| std::ptr::eq(*o, t))
        {
            out.push(t);
        }
    };
    for c in compute {
        for x in c.references.iter().filter(|x| x.attribute == "environment") {
            if let Some(t) = graph.resource_in(&c.root, &x.target) {
                add(t);
            }
        }
        for role in roles(graph, c) {
            for t in granted(graph, role) {
                add(t);
            }
        }
    }
    out
}

/// The IAM roles a compute resource runs as: a function's `role`, a task's
/// `task_role_arn`, an instance profile's role (through the launch
/// template of an Auto Scaling group).
fn roles<'g>(graph: &'g Graph, c: &'g Resource) -> Vec<&'g Resource> {
    let via = |r: &'g Resource, attribute: &str, kind: &str| -> Vec<&'g Resource> {
        match targets(graph, r, attribute, kind) {
            Fact::Known(v) => v,
            Fact::Unknown(_) => Vec::new(),
        }
    };
    let profile_roles = |holder: &'g Resource, attribute: &str| -> Vec<&'g Resource> {
        via(holder, attribute, "aws_iam_instance_profile")
            .into_iter()
            .flat_map(|p| via(p, "role", "aws_iam_role"))
            .collect()
    };
    match c.resource_type.as_str() {
        "aws_lambda_function" => via(c, "role", "aws_iam_role"),
        "aws_ecs_service" => via(c, "task_definition", "aws_ecs_task_definition")
            .into_iter()
            .flat_map(|t| via(t, "task_role_arn", "aws_iam_role"))
            .collect(),
        "aws_instance" => profile_roles(c, "iam_instance_profile"),
        "aws_autoscaling_group" => via(c, "launch_template", "aws_launch_template")
            .into_iter()
            .flat_map(|t| profile_roles(t, "iam_instance_profile"))
            .collect(),
        _ => Vec::new(),
    }
}

/// Data stores a role's policies name by reference: inline role policies
/// and attached customer-managed policies, and the policy documents they
/// are written with.
fn granted<'g>(graph: &'g Graph, role: &'g Resource) -> Vec<&'g Resource> {
    let mut policies: Vec<&Resource> = referring(graph, role, "aws_iam_role_policy", "role");
    for a in referring(graph, role, "aws_iam_role_policy_attachment", "role") {
        if let Fact::Known(Some(p)) = target(graph, a, "policy_arn", "aws_iam_policy") {
            policies.push(p);
        }
    }
    let mut out = Vec::new();
    for p in policies {
        for x in p.references.iter().filter(|x| x.attribute == "policy") {
            let Some(t) = graph.resource_in(&p.root, &x.target) else {
                continue;
            };
            if t.resource_type == "aws_iam_policy_document" {
                // the document's own references: its statements' resources
                out.extend(
                    t.references
                        .iter()
                        .filter_map(|y| graph.resource_in(&t.root, &y.target)),
                );
            } else {
                out.push(t);
            }
        }
    }
    out
}

/// The Lambda functions an API's integrations invoke.
fn api_backends<'g>(graph: &'g Graph, api: &'g Resource) -> Vec<&'g Resource> {
    let (integration, by, uri) = if api.resource_type == "aws_api_gateway_rest_api" {
        ("aws_api_gateway_integration", "rest_api_id", "uri")
    } else {
        ("aws_apigatewayv2_integration", "api_id", "integration_uri")
    };
    let mut out: Vec<&Resource> = Vec::new();
    for i in referring(graph, api, integration, by) {
        if let Fact::Known(Some(f)) = target(graph, i, uri, "aws_lambda_function") {
            if !out.iter().any(|o| std::ptr::eq(*o, f)) {
                out.push(f);
            }
        }
    }
    out.sort_by(|a, b| a.address.cmp(&b.address));
    out
}

/// Compute types: declared dependencies of these kinds run the service,
/// the others hold its data.
const COMPUTE: &[&str] = &[
    "aws_autoscaling_group",
    "aws_instance",
    "aws_ecs_service",
    "aws_lambda_function",
    "aws_eks_node_group",
];

/// Adds the declared services: dependencies to existing entry points, and
/// entry points of their own.
fn declare<'g>(
    graph: &'g Graph,
    svcs: &mut Vec<Service<'g>>,
    declared: &[DeclaredService],
    notes: &mut Vec<String>,
) {
    let find = |address: &str| {
        graph
            .resources
            .iter()
            .find(|r| r.mode == Mode::Managed && r.address == address)
    };
    for d in declared {
        let Some(entry) = find(&d.entry) else {
            notes.push(format!(
                "cloudwright.toml declares the service {}, which is not in the configuration",
                d.entry
            ));
            continue;
        };
        let at = match svcs.iter().position(|s| std::ptr::eq(s.entry, entry)) {
            Some(i) => i,
            None => {
                svcs.push(Service {
                    entry,
                    compute: Vec::new(),
                    stores: Vec::new(),
                    unknown: None,
                });
                svcs.len() - 1
            }
        };
        for dep in &d.depends_on {
            let Some(r) = find(dep).filter(|r| r.root == entry.root) else {
                notes.push(format!(
                    "cloudwright.toml says {} depends on {dep}, which is not in its root module",
                    d.entry
                ));
                continue;
            };
            let s = &mut svcs[at];
            let list = if COMPUTE.contains(&r.resource_type.as_str()) {
                &mut s.compute
            } else {
                &mut s.stores
            };
            if !list.iter().any(|o| std::ptr::eq(*o, r)) {
                list.push(r);
            }
        }
    }
}

fn services(graph: &Graph) -> Vec<Service<'_>> {
    let mut out = Vec::new();
    let by_root = stores_by_root(graph);
    for t in ["aws_lb", "aws_alb", "aws_elb"] {
        for lb in graph.of_type(t).filter(|r| r.mode == Mode::Managed) {
            let compute = backends(graph, lb);
            let (mut stores, unknown) = dependencies(
                graph,
                &compute,
                by_root.get(&*lb.root).map_or(&[][..], Vec::as_slice),
            );
            for s in named_in_environment(graph, &compute) {
                if !stores.iter().any(|o| std::ptr::eq(*o, s)) {
                    stores.push(s);
                }
            }
            out.push(Service {
                entry: lb,
                compute,
                stores,
                unknown,
            });
        }
    }
    for t in ["aws_api_gateway_rest_api", "aws_apigatewayv2_api"] {
        for api in graph.of_type(t).filter(|r| r.mode == Mode::Managed) {
            let compute = api_backends(graph, api);
            let (mut stores, unknown) = dependencies(
                graph,
                &compute,
                by_root.get(&*api.root).map_or(&[][..], Vec::as_slice),
            );
            for s in named_in_environment(graph, &compute) {
                if !stores.iter().any(|o| std::ptr::eq(*o, s)) {
                    stores.push(s);
                }
            }
            out.push(Service {
                entry: api,
                compute,
                stores,
                unknown,
            });
        }
    }
    out
}

/// Regional services AWS runs across the region's AZs: an AZ outage does
/// not take them down.
fn regional(r: &Resource) -> bool {
    match r.resource_type.as_str() {
        "aws_api_gateway_rest_api"
        | "aws_apigatewayv2_api"
        | "aws_dynamodb_table"
        | "aws_s3_bucket"
        | "aws_sqs_queue" => true,
        // a function outside a VPC runs wherever Lambda places it
        "aws_lambda_function" => match r.get_path("vpc_config.0.subnet_ids") {
            None => true,
            Some(v) => v.is_null() || v.as_list().is_some_and(<[_]>::is_empty),
        },
        _ => false,
    }
}

/// What losing zone `z` does to one component: a status, the capacity
/// left for compute, and why.
fn component(graph: &Graph, r: &Resource, z: &str) -> (Status, Option<u8>, String) {
    if regional(r) {
        return (Status::Serving, Some(100), String::new());
    }
    let zs = match zones(graph, r) {
        Zones::Known(zs) => zs,
        Zones::Unknown(why) => return (Status::Unknown, None, why),
    };
    let hit = zs.contains(z);
    match r.resource_type.as_str() {
        "aws_lb" | "aws_alb" | "aws_elb" => {
            if hit && zs.len() == 1 {
                (
                    Status::Down,
                    None,
                    format!("{} has subnets in {z} only", r.address),
                )
            } else {
                (Status::Serving, None, String::new())
            }
        }
        "aws_autoscaling_group" | "aws_ecs_service" => {
            let min = number(r, "min_size")
                .or_else(|| number(r, "desired_count"))
                .unwrap_or(1.0);
            if !hit {
                return (Status::Serving, Some(100), String::new());
            }
            if zs.len() == 1 {
                return (
                    Status::Down,
                    Some(0),
                    format!("{} runs in {z} only", r.address),
                );
            }
            // a minimum the code does not determine may be one instance
            if let Some((k, v)) = ["min_size", "desired_count"]
                .iter()
                .find_map(|k| r.get(k).filter(|v| v.is_unknown()).map(|v| (*k, v)))
            {
                return (
                    Status::Unknown,
                    None,
                    format!("{}.{k} is {}", r.address, v.why_unknown()),
                );
            }
            if min <= 1.0 {
                return (
                    Status::Down,
                    Some(0),
                    format!("{} keeps one instance (minimum 1): if it is in {z}, nothing serves until a replacement starts in another AZ", r.address),
                );
            }
            let left = ((zs.len() - 1) * 100 / zs.len()) as u8;
            (
                Status::Degraded,
                Some(left),
                format!("{} loses its capacity in {z}: {left}% of the minimum remains until it rebalances", r.address),
            )
        }
        "aws_lambda_function" => {
            if hit && zs.len() == 1 {
                (
                    Status::Down,
                    Some(0),
                    format!("{} runs in subnets of {z} only", r.address),
                )
            } else {
                (Status::Serving, Some(100), String::new())
            }
        }
        "aws_instance" => {
            if hit {
                (
                    Status::Down,
                    Some(0),
                    format!("{} is a single instance in {z}", r.address),
                )
            } else {
                (Status::Serving, Some(100), String::new())
            }
        }
        "aws_db_instance" => {
            if flag(r, "multi_az") == Some(true) {
                return (Status::Serving, None, String::new());
            }
            match own_zone(r) {
                Some(own) if own == z => (Status::Down, None, format!("{} is a single-AZ database in {z}", r.address)),
                Some(_) => (Status::Serving, None, String::new()),
                None if hit => (
                    Status::Unknown,
                    None,
                    format!("{} is a single-AZ database; it is down if AWS placed it in {z} (availability_zone is not set)", r.address),
                ),
                None => (Status::Serving, None, String::new()),
            }
        }
        "aws_rds_cluster" => {
            let instances = referring(graph, r, "aws_rds_cluster_instance", "cluster_identifier");
            if instances.len() >= 2 {
                (Status::Serving, None, String::new())
            } else {
                (
                    Status::Down,
                    None,
                    format!(
                        "{} has {} instance(s): no replica to fail over to",
                        r.address,
                        instances.len()
                    ),
                )
            }
        }
        "aws_elasticache_replication_group" => {
            let failover = flag(r, "automatic_failover_enabled") == Some(true);
            let nodes = number(r, "num_cache_clusters").unwrap_or(1.0);
            if failover && nodes >= 2.0 {
                (Status::Serving, None, String::new())
            } else if hit {
                (
                    Status::Down,
                    None,
                    format!("{} has no automatic failover to another AZ", r.address),
                )
            } else {
                (Status::Serving, None, String::new())
            }
        }
        _ => {
            if hit && zs.len() == 1 {
                (Status::Down, None, format!("{} is in {z} only", r.address))
            } else {
                (Status::Serving, None, String::new())
            }
        }
    }
}

/// Compute whose subnets route their egress through a NAT gateway in `z`
/// while they themselves are elsewhere: degraded, with why; unknown when
/// the zone of such a NAT gateway is not known from the code (it may be
/// in `z`).
fn egress_loss(graph: &Graph, compute: &[&Resource], z: &str) -> Option<(Status, String)> {
    let mut hit: BTreeSet<String> = BTreeSet::new();
    let mut nat_name = String::new();
    let mut unknown = None;
    for c in compute {
        let Fact::Known(sides) = interfaces(graph, c) else {
            continue;
        };
        for s in sides {
            // (a subnet whose own zone is unknown makes its compute unknown)
            let Fact::Known(own) = crate::placement::subnet_zone(s.subnet) else {
                continue;
            };
            let (nat, nat_zone) = match egress_nat(graph, s.subnet) {
                Fact::Known(Some(found)) => found,
                Fact::Known(None) => continue,
                Fact::Unknown(why) => {
                    if own != z {
                        unknown.get_or_insert_with(|| {
                            format!("the egress of {} is not known: {why}", s.subnet.address)
                        });
                    }
                    continue;
                }
            };
            let comparable =
                |zone: &str| crate::placement::namespace(zone) == crate::placement::namespace(z);
            match nat_zone {
                Fact::Known(nat_zone) if nat_zone == z && own != z => {
                    hit.insert(own);
                    nat_name = nat.address.to_string();
                }
                // a NAT gateway in a zone by name, compute in a listed
                // zone (or the other way): it may be in `z`
                Fact::Known(nat_zone) if !comparable(&nat_zone) && own != z => {
                    unknown.get_or_insert_with(|| {
                        format!(
                            "the egress of {} goes through {} in {nat_zone}, which may or may not be {z}",
                            s.subnet.address, nat.address
                        )
                    });
                }
                Fact::Known(_) => {}
                Fact::Unknown(why) if own != z => {
                    unknown.get_or_insert_with(|| {
                        format!(
                            "the egress of {} goes through {}, whose zone is not known: {why}",
                            s.subnet.address, nat.address
                        )
                    });
                }
                Fact::Unknown(_) => {}
            }
        }
    }
    if !hit.is_empty() {
        let why = format!(
            "{nat_name} in {z} carries the egress of subnets in {}: they lose it",
            hit.into_iter().collect::<Vec<_>>().join(", ")
        );
        return Some((Status::Degraded, why));
    }
    unknown.map(|why| (Status::Unknown, why))
}

/// An entry point judged serving or degraded while a data store may depend
/// on it unseen (see [`Service::unknown`]) is unknown: that store may be
/// lost with the zone or region.
fn unseen(s: &Service<'_>, e: EntryPoint) -> EntryPoint {
    match (&s.unknown, &e.status) {
        (Some(why), Status::Serving | Status::Degraded) => EntryPoint {
            status: Status::Unknown,
            capacity_pct: None,
            reason: why.clone(),
            ..e
        },
        _ => e,
    }
}

fn judge_az(graph: &Graph, s: &Service<'_>, z: &str) -> EntryPoint {
    let mut status = Status::Serving;
    let mut reasons: Vec<String> = Vec::new();
    let mut capacity: Option<u8> = if s.compute.is_empty() {
        None
    } else {
        Some(100)
    };
    let worst = |st: Status, why: String, status: &mut Status, reasons: &mut Vec<String>| {
        if st > Status::Serving && !why.is_empty() {
            reasons.push(why);
        }
        // down beats unknown beats degraded for the verdict
        let rank = |x: &Status| match x {
            Status::Serving => 0,
            Status::Degraded => 1,
            Status::Unknown => 2,
            Status::Down => 3,
        };
        if rank(&st) > rank(status) {
            *status = st;
        }
    };
    let (st, _, why) = component(graph, s.entry, z);
    worst(st, why, &mut status, &mut reasons);
    if !s.compute.is_empty() {
        // the service keeps the capacity of its best-placed compute
        let mut best: Option<(Status, Option<u8>, String)> = None;
        for c in &s.compute {
            let r = component(graph, c, z);
            let better = match &best {
                None => true,
                Some(b) => r.1.unwrap_or(0) > b.1.unwrap_or(0) || (r.0 < b.0),
            };
            if better {
                best = Some(r);
            }
        }
        if let Some((st, cap, why)) = best {
            capacity = cap;
            worst(st, why, &mut status, &mut reasons);
        }
        match egress_loss(graph, &s.compute, z) {
            Some((Status::Unknown, _)) if status != Status::Serving => {
                // a lost egress would only degrade what is degraded already
            }
            Some((st, why)) => worst(st, why, &mut status, &mut reasons),
            None => {}
        }
    }
    for d in &s.stores {
        let (st, _, why) = component(graph, d, z);
        worst(st, why, &mut status, &mut reasons);
    }
    EntryPoint {
        address: s.entry.address.to_string(),
        root: s.entry.root.to_string(),
        status,
        capacity_pct: capacity,
        reason: reasons.join("; "),
    }
}

/// Route 53 failover for an entry point: a PRIMARY failover record
/// aliasing it, and a SECONDARY record of the same name aliasing a load
/// balancer in another region. `Err` explains a failover that cannot work
/// (no health check on the primary and no target-health evaluation).
fn failover_elsewhere(
    graph: &Graph,
    entry: &Resource,
    lost: &str,
) -> Option<Result<String, String>> {
    let records: Vec<&Resource> = graph
        .of_type("aws_route53_record")
        .filter(|r| r.mode == Mode::Managed && r.root == entry.root)
        .collect();
    let kind = |r: &Resource| {
        r.get_path("failover_routing_policy.0.type")
            .and_then(|v| v.as_str().map(str::to_string))
    };
    let aliased = |r: &Resource| {
        r.references
            .iter()
            .filter(|x| x.attribute.starts_with("alias"))
            .find_map(|x| graph.resource_in(&r.root, &x.target))
    };
    let name = |r: &Resource| r.get("name").and_then(|v| v.as_str().map(str::to_string));
    let primary = records.iter().find(|r| {
        kind(r).as_deref() == Some("PRIMARY")
            && aliased(r).is_some_and(|t| t.address == entry.address && t.root == entry.root)
    })?;
    let secondary = records.iter().find(|r| {
        kind(r).as_deref() == Some("SECONDARY")
            && name(r) == name(primary)
            && aliased(r).and_then(region).is_some_and(|g| g != lost)
    })?;
    let target = aliased(secondary)?;
    let checked = primary.get("health_check_id").is_some_and(|v| !v.is_null())
        || primary
            .get_path("alias.0.evaluate_target_health")
            .and_then(|v| v.strip().as_bool())
            == Some(true);
    let other = region(target).unwrap_or_default();
    Some(if checked {
        Ok(format!(
            "{} fails over to {} in {other}",
            secondary.address, target.address
        ))
    } else {
        Err(format!(
            "{} points to {} in {other}, but {} has no health check: Route 53 never fails over",
            secondary.address, target.address, primary.address
        ))
    })
}

/// Why a Route 53 record of the entry point's root may be a failover for
/// it unseen: its failover policy, or the name of a failover record, is
/// not known from the code.
fn failover_unknown(graph: &Graph, entry: &Resource) -> Option<String> {
    graph
        .of_type("aws_route53_record")
        .filter(|r| r.mode == Mode::Managed && r.root == entry.root)
        .find_map(|r| {
            let policy = r.get("failover_routing_policy");
            let failover = policy.as_ref().is_some_and(|p| !p.is_null());
            let unknown = ["failover_routing_policy", "failover_routing_policy.0.type"]
                .iter()
                .find_map(|p| r.get_path(p).filter(|v| v.is_unknown()).map(|v| (*p, v)))
                .or_else(|| {
                    failover
                        .then(|| {
                            r.get("name")
                                .filter(|v| v.is_unknown())
                                .map(|v| ("name", v))
                        })
                        .flatten()
                })?;
            Some(format!(
                "{}.{} is {}",
                r.address,
                unknown.0,
                unknown.1.why_unknown()
            ))
        })
}

fn judge_region(
    graph: &Graph,
    selected: &crate::recovery::Selections<'_>,
    s: &Service<'_>,
    lost: &str,
) -> Option<EntryPoint> {
    let here = region(s.entry)?;
    if here != lost {
        return None;
    }
    let (status, reason) = match failover_elsewhere(graph, s.entry, lost) {
        Some(Ok(why)) => {
            // the standby serves only with the data: every store needs a
            // copy outside the lost region
            let stranded: Vec<&str> = s
                .stores
                .iter()
                .filter(|d| region(d).as_deref() == Some(lost))
                .filter(|d| crate::recovery::standby_with(graph, selected, d).is_none())
                .map(|d| d.address.as_str())
                .collect();
            if stranded.is_empty() {
                (Status::Degraded, why)
            } else {
                let verb = if stranded.len() == 1 {
                    "has no copy"
                } else {
                    "have no copies"
                };
                (
                    Status::Down,
                    format!("{why}, but {} {verb} outside {lost}", stranded.join(", ")),
                )
            }
        }
        Some(Err(why)) => (Status::Down, why),
        None => match failover_unknown(graph, s.entry) {
            // a record the code does not determine may fail it over
            Some(why) => (Status::Unknown, why),
            None => (
                Status::Down,
                format!("{} and everything behind it are in {lost}, with no failover record to another region", s.entry.address),
            ),
        },
    };
    Some(EntryPoint {
        address: s.entry.address.to_string(),
        root: s.entry.root.to_string(),
        status,
        capacity_pct: None,
        reason,
    })
}

/// The namespaces (see [`crate::placement::namespace`]) of the zones a
/// service's entry point, compute and stores are known to be in.
fn namespaces(graph: &Graph, s: &Service<'_>) -> BTreeSet<Option<String>> {
    std::iter::once(&s.entry)
        .chain(s.compute.iter())
        .chain(s.stores.iter())
        .filter_map(|r| match zones(graph, r) {
            Zones::Known(zs) => Some(zs),
            Zones::Unknown(_) => None,
        })
        .flatten()
        .map(|z| crate::placement::namespace(&z))
        .collect()
}

/// The services whose entry point no AZ scenario, or no region scenario,
/// judges, with why: the first of the entry point and its compute whose
/// zones the configuration does not say; the first whose region it does
/// not say.
fn unplaced(graph: &Graph, svcs: &[Service<'_>], scenarios: &[Scenario]) -> Vec<Unplaced> {
    let judged = |s: &Service<'_>, kind: &str| {
        scenarios.iter().filter(|sc| sc.kind == kind).any(|sc| {
            sc.entry_points
                .iter()
                .any(|e| e.address == s.entry.address && e.root == *s.entry.root)
        })
    };
    let mut out = Vec::new();
    for s in svcs {
        let placed = || std::iter::once(&s.entry).chain(s.compute.iter());
        for kind in ["az", "region"] {
            if judged(s, kind) {
                continue;
            }
            let why = match kind {
                "az" => placed()
                    .find_map(|r| match zones(graph, r) {
                        Zones::Unknown(why) => Some(why),
                        Zones::Known(_) => None,
                    })
                    .or_else(|| {
                        let spaces = namespaces(graph, s);
                        (spaces.len() > 1).then(|| {
                            let listed: Vec<String> =
                                spaces.iter().map(crate::placement::described).collect();
                            format!(
                                "{} and what it depends on are in {}, which cannot be compared (any of the listed zones may be one named)",
                                s.entry.address,
                                listed.join(" and ")
                            )
                        })
                    }),
                _ => placed()
                    .find(|r| region(r).is_none())
                    .map(|r| format!("the region of {} is not known from the code", r.address)),
            };
            out.push(Unplaced {
                kind,
                address: s.entry.address.to_string(),
                root: s.entry.root.to_string(),
                reason: why
                    .unwrap_or_else(|| "where it runs is not known from the code".to_string()),
            });
        }
    }
    out
}

/// Every AZ and region scenario, the single points of failure they reveal,
/// and each data store's recovery.
pub fn simulate(graph: &Graph) -> Report {
    simulate_with(graph, &Options::default())
}

/// What `cloudwright.toml` says about resilience: declared services and
/// the recovery model.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Options {
    pub services: Vec<DeclaredService>,
    pub model: crate::recovery::RecoveryModel,
}

/// [`simulate`] with what `cloudwright.toml` declares.
pub fn simulate_with(graph: &Graph, options: &Options) -> Report {
    let declared = &options.services;
    cloudwright_network::topology::forget();
    crate::placement::forget();
    let mut svcs = services(graph);
    let mut notes = Vec::new();
    declare(graph, &mut svcs, declared, &mut notes);
    let fronts = crate::fronts::fronts(graph);
    let mut az: BTreeSet<String> = BTreeSet::new();
    let mut regions: BTreeSet<String> = BTreeSet::new();
    for s in &svcs {
        for r in std::iter::once(&s.entry)
            .chain(s.compute.iter())
            .chain(s.stores.iter())
        {
            if let Zones::Known(zs) = zones(graph, r) {
                az.extend(zs);
            }
            if let Some(reg) = region(r) {
                regions.insert(reg);
            }
        }
    }
    let mut report = Report {
        notes,
        ..Report::default()
    };
    for z in &az {
        // an AZ belongs to its region (`eu-west-1a` to `eu-west-1`): a
        // service in another region is not in this scenario; a zone a data
        // source lists judges only services in that list's zones, and a
        // zone by name only services in zones by name (the others may or
        // may not be in it)
        let space = crate::placement::namespace(z);
        let mut entry_points: Vec<EntryPoint> = svcs
            .iter()
            .filter(|s| space.is_some() || region(s.entry).is_none_or(|r| z.starts_with(&r)))
            .filter(|s| namespaces(graph, s).iter().all(|n| *n == space))
            .map(|s| unseen(s, judge_az(graph, s, z)))
            .collect();
        let in_front: Vec<EntryPoint> = fronts
            .iter()
            .filter(|f| crate::fronts::concerned(f, &entry_points, z, region))
            .map(|f| crate::fronts::judge(f, &entry_points, z, region))
            .collect();
        entry_points.extend(in_front);
        for e in &entry_points {
            if e.status == Status::Down {
                report.single_points_of_failure.push(SinglePoint {
                    address: e.address.to_string(),
                    root: e.root.clone(),
                    scenario: format!("loss of {z}"),
                    reason: e.reason.clone(),
                });
            }
        }
        report.scenarios.push(Scenario {
            kind: "az",
            name: z.clone(),
            entry_points,
        });
    }
    let selected = crate::recovery::selections(graph);
    for reg in &regions {
        let mut entry_points: Vec<EntryPoint> = svcs
            .iter()
            .filter_map(|s| judge_region(graph, &selected, s, reg).map(|e| unseen(s, e)))
            .collect();
        let in_front: Vec<EntryPoint> = fronts
            .iter()
            .filter(|f| crate::fronts::concerned(f, &entry_points, reg, region))
            .map(|f| crate::fronts::judge(f, &entry_points, reg, region))
            .collect();
        entry_points.extend(in_front);
        report.scenarios.push(Scenario {
            kind: "region",
            name: reg.clone(),
            entry_points,
        });
    }
    report.unplaced = unplaced(graph, &svcs, &report.scenarios);
    report.data_stores = crate::recovery::recovery_with(graph, &options.model);
    report.availability = svcs
        .iter()
        .map(|s| {
            let mut a = crate::availability::composite(graph, s.entry, &s.compute, &s.stores);
            // a store that may depend on it unseen may be its weakest link
            if let (Some(why), Some(_)) = (&s.unknown, a.percent) {
                a.percent = None;
                a.weakest = None;
                a.meets_target = None;
                a.unknown = Some(why.clone());
            }
            a
        })
        .collect();
    let of_fronts: Vec<_> = fronts
        .iter()
        .map(|f| crate::fronts::composite(graph, f, &report.availability))
        .collect();
    report.availability.extend(of_fronts);
    cloudwright_network::topology::forget();
    crate::placement::forget();
    report
}
