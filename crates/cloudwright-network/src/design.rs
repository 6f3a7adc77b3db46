//! Design checks that need the whole network: address plans that collide
//! where networks meet, routes AWS will refuse, private subnets with no way
//! out, NAT gateways whose AZ takes other AZs' egress down with it, S3 and
//! DynamoDB traffic paying NAT processing for want of a gateway endpoint,
//! subnets too small for what is declared to scale into them, and
//! security-group rules no packet can use.
//!
//! Each check returns [`Violation`]s (the segmentation type): a message,
//! evidence with locations, or what is missing to decide.

use crate::exposure::Hop;
use crate::segment::{Policy, Violation};
use crate::sets::{AddrSet, HeaderSpace, PortSet, ProtoSet, TCP};
use crate::topology::{
    interfaces, referring, route_table, routes, sg_group_permissions, sg_permissions, string,
    target, targets, Fact, Interface, Tier,
};
use cloudwright_model::{Graph, Mode, Resource, Value};
use std::collections::BTreeMap;

fn hop(kind: &'static str, r: &Resource, detail: impl Into<String>) -> Hop {
    Hop {
        root: Some(r.root.clone()),
        kind,
        address: r.address.to_string(),
        detail: detail.into(),
        span: r.span,
    }
}

fn violation(kind: &'static str, r: &Resource, message: String, evidence: Vec<Hop>) -> Violation {
    Violation {
        kind,
        resource: r.address.to_string(),
        root: r.root.to_string(),
        message,
        evidence,
        unknown: None,
    }
}

fn managed<'g>(graph: &'g Graph, t: &'static str) -> impl Iterator<Item = &'g Resource> + 'g {
    graph.of_type(t).filter(|r| r.mode == Mode::Managed)
}

/// A VPC's IPv4 ranges: its `cidr_block` and secondary associations.
fn vpc_ranges(graph: &Graph, vpc: &Resource) -> Fact<Vec<ipnet::IpNet>> {
    let mut out = Vec::new();
    let mut read = |r: &Resource| -> Result<(), String> {
        match r.get("cidr_block") {
            Some(v) if v.is_unknown() => Err(format!(
                "{}.cidr_block is {}",
                r.address,
                match v.why_unknown() {
                    why if r.get("ipv4_ipam_pool_id").is_some() =>
                        format!("{why} (an IPAM allocation)"),
                    why => why.to_string(),
                }
            )),
            Some(v) => {
                if let Some(n) = string(&v).and_then(|s| s.parse().ok()) {
                    out.push(n);
                }
                Ok(())
            }
            None => Ok(()),
        }
    };
    if let Err(w) = read(vpc) {
        return Fact::Unknown(w);
    }
    for assoc in referring(graph, vpc, "aws_vpc_ipv4_cidr_block_association", "vpc_id") {
        if let Err(w) = read(assoc) {
            return Fact::Unknown(w);
        }
    }
    Fact::Known(out)
}

fn overlap(a: &[ipnet::IpNet], b: &[ipnet::IpNet]) -> Option<(ipnet::IpNet, ipnet::IpNet)> {
    a.iter()
        .flat_map(|x| b.iter().map(move |y| (*x, *y)))
        .find(|(x, y)| x.contains(&y.network()) || y.contains(&x.network()))
}

/// Overlapping address ranges where networks meet: the two sides of a
/// peering connection, VPCs on the same transit gateway, and VPCs that
/// reach on-premises ranges (declared in `cloudwright.toml` or as static
/// VPN routes) through a VPN.
pub fn overlapping_ranges(graph: &Graph, policy: &Policy) -> Vec<Violation> {
    let mut out = Vec::new();
    for p in managed(graph, "aws_vpc_peering_connection") {
        let (Fact::Known(Some(a)), Fact::Known(Some(b))) = (
            target(graph, p, "vpc_id", "aws_vpc"),
            target(graph, p, "peer_vpc_id", "aws_vpc"),
        ) else {
            continue;
        };
        match (vpc_ranges(graph, a), vpc_ranges(graph, b)) {
            (Fact::Known(x), Fact::Known(y)) => {
                if let Some((x, y)) = overlap(&x, &y) {
                    out.push(violation(
                        "overlap",
                        p,
                        format!("peers {} ({x}) with {} ({y}): the ranges overlap, so AWS refuses the peering and no route could tell the sides apart", a.address, b.address),
                        vec![hop("vpc", a, x.to_string()), hop("vpc", b, y.to_string())],
                    ));
                }
            }
            (Fact::Unknown(w), _) | (_, Fact::Unknown(w)) => {
                out.push(Violation::undecided("overlap", p, w))
            }
        }
    }
    // VPCs per transit gateway
    let mut by_tgw: BTreeMap<(String, String), Vec<(&Resource, &Resource)>> = BTreeMap::new();
    for att in managed(graph, "aws_ec2_transit_gateway_vpc_attachment") {
        if let (Fact::Known(Some(tgw)), Fact::Known(Some(vpc))) = (
            target(graph, att, "transit_gateway_id", "aws_ec2_transit_gateway"),
            target(graph, att, "vpc_id", "aws_vpc"),
        ) {
            by_tgw
                .entry((tgw.root.to_string(), tgw.address.to_string()))
                .or_default()
                .push((att, vpc));
        }
    }
    for ((_, tgw), list) in &by_tgw {
        for (i, (att, vpc)) in list.iter().enumerate() {
            let mine = match vpc_ranges(graph, vpc) {
                Fact::Known(mine) => mine,
                Fact::Unknown(w) => {
                    if list.len() > 1 {
                        out.push(Violation::undecided("overlap", att, w));
                    }
                    continue;
                }
            };
            for (other_att, other) in &list[..i] {
                let Fact::Known(theirs) = vpc_ranges(graph, other) else {
                    continue;
                };
                if let Some((x, y)) = overlap(&mine, &theirs) {
                    for (a, (v, r), (o, q)) in [
                        (att, (vpc, x), (other, y)),
                        (other_att, (other, y), (vpc, x)),
                    ] {
                        out.push(violation(
                            "overlap",
                            a,
                            format!("attaches {} ({r}) to {tgw}, where {} ({q}) overlaps it: routes between them are ambiguous", v.address, o.address),
                            vec![hop("vpc", v, r.to_string()), hop("vpc", o, q.to_string())],
                        ));
                    }
                }
            }
        }
    }
    // on-premises ranges: configured, and static routes of VPN connections
    let mut on_prem: Vec<(ipnet::IpNet, Option<&Resource>)> = policy
        .on_premises
        .iter()
        .filter_map(|s| s.parse().ok().map(|n| (n, None)))
        .collect();
    // a static VPN route the code does not determine may name any range
    let mut unknown_on_prem = None;
    for route in managed(graph, "aws_vpn_connection_route") {
        let destination = route.get("destination_cidr_block");
        if let Some(v) = destination.as_ref().filter(|v| v.is_unknown()) {
            unknown_on_prem.get_or_insert_with(|| {
                format!(
                    "{}.destination_cidr_block is {}",
                    route.address,
                    v.why_unknown()
                )
            });
        }
        if let Some(n) = destination
            .as_ref()
            .and_then(string)
            .and_then(|s| s.parse().ok())
        {
            on_prem.push((n, Some(route)));
        }
    }
    if on_prem.is_empty() && unknown_on_prem.is_none() {
        return out;
    }
    // VPCs with a VPN: a virtual private gateway, or a transit gateway that
    // carries a VPN connection
    let vpn_tgws: Vec<String> = managed(graph, "aws_vpn_connection")
        .filter_map(
            |c| match target(graph, c, "transit_gateway_id", "aws_ec2_transit_gateway") {
                Fact::Known(Some(t)) => Some(t.address.to_string()),
                _ => None,
            },
        )
        .collect();
    for vpc in managed(graph, "aws_vpc") {
        let vgw = referring(graph, vpc, "aws_vpn_gateway", "vpc_id")
            .into_iter()
            .next()
            .or_else(|| {
                referring(graph, vpc, "aws_vpn_gateway_attachment", "vpc_id")
                    .into_iter()
                    .next()
            });
        let via_tgw = by_tgw.iter().any(|((_, tgw), list)| {
            vpn_tgws.contains(tgw) && list.iter().any(|(_, v)| v.address == vpc.address)
        });
        if vgw.is_none() && !via_tgw && policy.on_premises.is_empty() {
            continue;
        }
        let mine = match vpc_ranges(graph, vpc) {
            Fact::Known(mine) => mine,
            Fact::Unknown(w) => {
                out.push(Violation::undecided("overlap", vpc, w));
                continue;
            }
        };
        let overlapping = on_prem
            .iter()
            .any(|(net, _)| overlap(&mine, std::slice::from_ref(net)).is_some());
        if let (false, Some(w)) = (overlapping, &unknown_on_prem) {
            out.push(Violation::undecided("overlap", vpc, w.clone()));
            continue;
        }
        for (net, source) in &on_prem {
            if let Some((x, y)) = overlap(&mine, std::slice::from_ref(net)) {
                let mut evidence = vec![hop("vpc", vpc, x.to_string())];
                if let Some(r) = source {
                    evidence.push(hop("vpn-route", r, format!("on-premises {y}")));
                }
                out.push(violation(
                    "overlap",
                    vpc,
                    format!("{} ({x}) overlaps the on-premises range {y}: hosts there cannot be told apart from the VPC's own", vpc.address),
                    evidence,
                ));
                break;
            }
        }
    }
    out
}

/// Routes more specific than the VPC's local route that AWS refuses: only
/// a network interface, a Gateway Load Balancer endpoint or a Network
/// Firewall endpoint may take traffic for the VPC's own range; anything
/// else fails at apply and would cut the subnets in that range off.
pub fn local_overrides(graph: &Graph) -> Vec<Violation> {
    let mut out = Vec::new();
    for table in managed(graph, "aws_route_table") {
        let Fact::Known(Some(vpc)) = target(graph, table, "vpc_id", "aws_vpc") else {
            continue;
        };
        let list = match routes(graph, table) {
            Fact::Known(l) => l,
            Fact::Unknown(w) => {
                out.push(Violation::undecided("local-override", table, w));
                continue;
            }
        };
        let ranges = match vpc_ranges(graph, vpc) {
            Fact::Known(ranges) => ranges,
            // a specific route may fall inside a range the code does not
            // determine
            Fact::Unknown(w) => {
                if list.iter().any(|r| {
                    r.destination.prefix_len() > 0
                        && !matches!(r.via, "network_interface_id" | "vpc_endpoint_id")
                }) {
                    out.push(Violation::undecided("local-override", table, w));
                }
                continue;
            }
        };
        for r in list {
            let inside = ranges
                .iter()
                .any(|v| v.contains(&r.destination) && r.destination != *v);
            let allowed = matches!(r.via, "network_interface_id" | "vpc_endpoint_id");
            if inside && !allowed {
                let place = if r.attribute.is_empty() {
                    r.address.to_string()
                } else {
                    format!("{}.{}", r.address, r.attribute)
                };
                out.push(Violation {
                    kind: "local-override",
                    resource: table.address.to_string(),
                    root: table.root.to_string(),
                    message: format!(
                        "{place} sends {} — inside {}'s own range — to a {}: AWS accepts only a network interface or an endpoint there, so the route fails and subnets in that range stay unreachable as intended",
                        r.destination,
                        vpc.address,
                        r.via.trim_end_matches("_id").replace('_', " ")
                    ),
                    evidence: vec![Hop {
                        root: None,
                        kind: "route",
                        address: place.clone(),
                        detail: format!("{} more specific than the local route", r.destination),
                        span: r.span,
                    }],
                    unknown: None,
                });
            }
        }
    }
    out
}

/// The default route of a subnet's table (`0.0.0.0/0`): its target type
/// and resource, `None` without one.
fn default_route<'g>(
    graph: &'g Graph,
    subnet: &'g Resource,
    vpc: &'g Resource,
) -> Fact<Option<(&'static str, Option<&'g Resource>, Hop)>> {
    let table = match route_table(graph, subnet, vpc) {
        Fact::Known(t) => t,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    let Some(table) = table else {
        return Fact::Known(None);
    };
    let list = match routes(graph, table) {
        Fact::Known(l) => l,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    Fact::Known(
        list.into_iter()
            .find(|r| r.destination.prefix_len() == 0 && r.destination.addr().is_ipv4())
            .map(|r| {
                let h = Hop {
                    root: None,
                    kind: "route",
                    address: if r.attribute.is_empty() {
                        r.address.to_string()
                    } else {
                        format!("{}.{}", r.address, r.attribute)
                    },
                    detail: format!(
                        "0.0.0.0/0 → {}",
                        r.target.map_or(r.via, |t| t.address.as_str())
                    ),
                    span: r.span,
                };
                (r.via, r.target, h)
            }),
    )
}

/// Does any security group on the interface allow egress to the internet
/// on some port (the workload expects a way out)?
fn wants_internet(graph: &Graph, side: &Interface<'_>) -> Fact<bool> {
    if side.default_group {
        return Fact::Known(true);
    }
    let internet = HeaderSpace::from_cube(crate::sets::Cube {
        protocols: ProtoSet::full(),
        ports: PortSet::full(),
        sources: AddrSet::internet(),
    });
    // egress rules the code does not determine may allow it
    let mut unknown = None;
    for g in &side.groups {
        match sg_permissions(graph, g, true) {
            Fact::Known(perms) => {
                if perms
                    .iter()
                    .any(|p| !p.space.intersect(&internet).is_empty())
                {
                    return Fact::Known(true);
                }
            }
            Fact::Unknown(w) => unknown = unknown.or(Some(w)),
        }
    }
    unknown.map_or(Fact::Known(false), Fact::Unknown)
}

const WORKLOADS: &[&str] = &[
    "aws_instance",
    "aws_autoscaling_group",
    "aws_lambda_function",
    "aws_ecs_service",
];

/// Private subnets whose workloads' security groups allow traffic to the
/// internet but whose route table has no default route (no NAT gateway,
/// transit gateway or appliance): updates, package mirrors and AWS APIs
/// without endpoints are unreachable.
pub fn no_egress(graph: &Graph, policy: &Policy) -> Vec<Violation> {
    let mut out = Vec::new();
    for t in WORKLOADS {
        for r in managed(graph, t) {
            let sides = match interfaces(graph, r) {
                Fact::Known(sides) => sides,
                Fact::Unknown(w) => {
                    out.push(Violation::undecided("no-egress", r, w));
                    continue;
                }
            };
            for side in &sides {
                if policy.tier(graph, side.subnet).0 == Tier::Public {
                    continue;
                }
                let route = default_route(graph, side.subnet, side.vpc);
                let wants = match route {
                    Fact::Known(None) => wants_internet(graph, side),
                    _ => Fact::Known(false),
                };
                if let Fact::Unknown(w) = wants {
                    out.push(Violation::undecided("no-egress", r, w));
                    break;
                }
                match route {
                    Fact::Known(None) if wants == Fact::Known(true) => {
                        out.push(violation(
                            "no-egress",
                            r,
                            format!(
                                "{} allows traffic to the internet but {} has no default route (no NAT gateway, transit gateway or appliance): it has no way out",
                                r.address, side.subnet.address
                            ),
                            vec![hop("subnet", side.subnet, "no 0.0.0.0/0 route in its route table")],
                        ));
                        break;
                    }
                    Fact::Unknown(w) => {
                        out.push(Violation::undecided("no-egress", r, w));
                        break;
                    }
                    _ => {}
                }
            }
        }
    }
    out
}

fn zone(subnet: &Resource) -> Fact<String> {
    for attribute in ["availability_zone", "availability_zone_id"] {
        match subnet.get(attribute) {
            Some(v) if v.is_unknown() => {
                return Fact::Unknown(format!(
                    "{}.{attribute} is {}",
                    subnet.address,
                    v.why_unknown()
                ))
            }
            Some(v) => {
                if let Some(s) = string(&v) {
                    return Fact::Known(s.to_string());
                }
            }
            None => {}
        }
    }
    Fact::Unknown(format!(
        "{} does not say its availability zone (AWS picks one)",
        subnet.address
    ))
}

/// Route tables that send subnets of one AZ to a NAT gateway in another:
/// when the NAT gateway's AZ fails, those subnets lose egress too, and
/// every byte pays cross-AZ transfer.
pub fn nat_across_zones(graph: &Graph) -> Vec<Violation> {
    let mut out = Vec::new();
    for subnet in managed(graph, "aws_subnet") {
        let Fact::Known(Some(vpc)) = target(graph, subnet, "vpc_id", "aws_vpc") else {
            continue;
        };
        let (nat, route) = match default_route(graph, subnet, vpc) {
            Fact::Known(Some(("nat_gateway_id", Some(nat), route))) => (nat, route),
            // which NAT gateway, or whether one, is not known
            Fact::Known(Some(("nat_gateway_id", None, route))) => {
                let why = format!("the NAT gateway {} routes {} to is not in the configuration or not known from the code", route.address, subnet.address);
                out.push(Violation::undecided("nat-zone", subnet, why));
                continue;
            }
            Fact::Unknown(w) => {
                out.push(Violation::undecided("nat-zone", subnet, w));
                continue;
            }
            _ => continue,
        };
        let Fact::Known(Some(nat_subnet)) = target(graph, nat, "subnet_id", "aws_subnet") else {
            continue;
        };
        match (zone(subnet), zone(nat_subnet)) {
            (Fact::Known(mine), Fact::Known(theirs)) if mine != theirs => {
                out.push(violation(
                    "nat-zone",
                    subnet,
                    format!(
                        "{} ({mine}) sends its internet traffic to {} in {theirs}: an outage of {theirs} cuts its egress too, and the traffic pays cross-AZ transfer",
                        subnet.address, nat.address
                    ),
                    vec![route, hop("nat-gateway", nat, format!("in {} ({theirs})", nat_subnet.address))],
                ));
            }
            (Fact::Unknown(w), _) | (_, Fact::Unknown(w)) => {
                out.push(Violation::undecided("nat-zone", subnet, w));
            }
            _ => {}
        }
    }
    out
}

/// Route tables that send private subnets to the internet through a NAT
/// gateway without a gateway endpoint for S3 (and DynamoDB when the
/// configuration has tables): that traffic pays NAT processing per GB and
/// leaves the VPC, where a free gateway endpoint would keep it private.
pub fn missing_gateway_endpoints(graph: &Graph) -> Vec<Violation> {
    let mut out = Vec::new();
    let uses_dynamodb = managed(graph, "aws_dynamodb_table").next().is_some();
    let mut done = std::collections::BTreeSet::new();
    for subnet in managed(graph, "aws_subnet") {
        let Fact::Known(Some(vpc)) = target(graph, subnet, "vpc_id", "aws_vpc") else {
            continue;
        };
        let Fact::Known(Some(table)) = route_table(graph, subnet, vpc) else {
            continue;
        };
        if !done.insert((table.root.to_string(), table.address.to_string())) {
            continue;
        }
        let route = match default_route(graph, subnet, vpc) {
            Fact::Known(Some(("nat_gateway_id", _, route))) => route,
            // routes the code does not determine may send it through NAT
            Fact::Unknown(w) => {
                out.push(Violation::undecided("gateway-endpoint", table, w));
                continue;
            }
            _ => continue,
        };
        let attached: Vec<&Resource> = managed(graph, "aws_vpc_endpoint")
            .filter(|e| {
                e.root == table.root
                    && e.get("vpc_endpoint_type").as_ref().and_then(string).unwrap_or("Gateway") == "Gateway"
                    && (matches!(targets(graph, e, "route_table_ids", "aws_route_table"), Fact::Known(t) if t.iter().any(|t| t.address == table.address))
                        || referring(graph, e, "aws_vpc_endpoint_route_table_association", "vpc_endpoint_id")
                            .iter()
                            .any(|a| matches!(target(graph, a, "route_table_id", "aws_route_table"), Fact::Known(Some(t)) if t.address == table.address)))
            })
            .collect();
        if let Some((e, name)) = attached.iter().find_map(|e| {
            e.get("service_name")
                .filter(Value::is_unknown)
                .map(|name| (e, name))
        }) {
            out.push(Violation::undecided(
                "gateway-endpoint",
                table,
                format!("{}.service_name is {}", e.address, name.why_unknown()),
            ));
            continue;
        }
        let endpoints: Vec<String> = attached
            .iter()
            .filter_map(|e| {
                e.get("service_name")
                    .as_ref()
                    .and_then(string)
                    .map(str::to_string)
            })
            .collect();
        let has = |svc: &str| endpoints.iter().any(|s| s.ends_with(&format!(".{svc}")));
        let mut missing = Vec::new();
        if !has("s3") {
            missing.push("S3");
        }
        if uses_dynamodb && !has("dynamodb") {
            missing.push("DynamoDB");
        }
        if missing.is_empty() {
            continue;
        }
        out.push(violation(
            "gateway-endpoint",
            table,
            format!(
                "{} sends private subnets to the internet through NAT without a gateway endpoint for {}: that traffic pays NAT processing per GB and leaves the VPC",
                table.address,
                missing.join(" and ")
            ),
            vec![route],
        ));
    }
    out
}

/// Addresses AWS lets you use in a subnet: the range less the five it
/// reserves.
fn usable(net: &ipnet::IpNet) -> u64 {
    match net {
        ipnet::IpNet::V4(n) => (1u64 << (32 - n.prefix_len())).saturating_sub(5),
        ipnet::IpNet::V6(_) => u64::MAX,
    }
}

/// Subnets too small for what is declared to scale into them: the maximum
/// sizes of Auto Scaling groups and EKS node groups, the desired counts of
/// `awsvpc` ECS services, one address per instance or task, spread over
/// their subnets, against the subnets' usable addresses.
pub fn subnet_capacity(graph: &Graph) -> Vec<Violation> {
    let mut demand: BTreeMap<(String, String), (u64, Vec<Hop>)> = BTreeMap::new();
    let mut undecidable: BTreeMap<(String, String), String> = BTreeMap::new();
    // what scales into subnets the code does not determine: (root, how
    // many at most, why)
    let mut floating: Vec<(String, u64, String)> = Vec::new();
    let mut out = Vec::new();
    let mut add = |r: &Resource, count_attr: &str, subnets_attr: &str| {
        let subnets = match targets(graph, r, subnets_attr, "aws_subnet") {
            Fact::Known(subnets) => subnets,
            Fact::Unknown(w) => {
                let count = r
                    .get_path(count_attr)
                    .and_then(|v| v.strip().as_number())
                    .map_or(u64::MAX, |n| n as u64);
                let why = format!("the subnets {} scales into are not known: {w}", r.address);
                floating.push((r.root.to_string(), count, why));
                return;
            }
        };
        if subnets.is_empty() {
            return;
        }
        let value = r.get_path(count_attr);
        if let Some(v_why) = value
            .as_ref()
            .filter(|v| v.is_unknown())
            .map(Value::why_unknown)
        {
            for s in subnets {
                undecidable
                    .entry((s.root.to_string(), s.address.to_string()))
                    .or_insert_with(|| format!("{}.{count_attr} is {}", r.address, v_why));
            }
            return;
        }
        let Some(count) = value.and_then(|v| v.strip().as_number()) else {
            return;
        };
        // spread evenly, rounding up: the worst case per subnet
        let per = (count as u64).div_ceil(subnets.len() as u64);
        for s in subnets {
            let entry = demand
                .entry((s.root.to_string(), s.address.to_string()))
                .or_default();
            entry.0 += per;
            entry.1.push(hop(
                "scaling",
                r,
                format!("up to {per} addresses here ({count_attr} = {count} over its subnets)"),
            ));
        }
    };
    for r in managed(graph, "aws_autoscaling_group") {
        add(r, "max_size", "vpc_zone_identifier");
    }
    for r in managed(graph, "aws_eks_node_group") {
        add(r, "scaling_config.0.max_size", "subnet_ids");
    }
    for r in managed(graph, "aws_ecs_service") {
        add(r, "desired_count", "network_configuration.0.subnets");
    }
    // a subnet that what scales into unknown subnets could fill
    for subnet in managed(graph, "aws_subnet") {
        let key = (subnet.root.to_string(), subnet.address.to_string());
        let Some((most, why)) = floating
            .iter()
            .filter(|(root, ..)| *root == key.0)
            .map(|(_, n, why)| (*n, why))
            .max_by_key(|(n, _)| *n)
        else {
            continue;
        };
        let Some(net) = subnet
            .get("cidr_block")
            .as_ref()
            .and_then(string)
            .and_then(|s| s.parse::<ipnet::IpNet>().ok())
        else {
            continue;
        };
        let need = demand.get(&key).map_or(0, |d| d.0);
        let have = usable(&net);
        if need <= have && need.saturating_add(most) > have {
            undecidable.entry(key).or_insert_with(|| why.clone());
        }
    }
    for ((root, address), why) in &undecidable {
        if let Some(subnet) = graph.resource_in(root, address) {
            out.push(Violation::undecided("capacity", subnet, why.clone()));
        }
    }
    for ((root, address), (need, evidence)) in demand {
        let Some(subnet) = graph.resource_in(&root, &address) else {
            continue;
        };
        if undecidable.contains_key(&(root.clone(), address.clone())) {
            continue;
        }
        let cidr = subnet.get("cidr_block");
        if let Some(v) = cidr.as_ref().filter(|v| v.is_unknown()) {
            let why = format!("{}.cidr_block is {}", subnet.address, v.why_unknown());
            out.push(Violation::undecided("capacity", subnet, why));
            continue;
        }
        let Some(net) = cidr
            .as_ref()
            .and_then(string)
            .and_then(|s| s.parse::<ipnet::IpNet>().ok())
        else {
            continue;
        };
        let have = usable(&net);
        if need > have {
            out.push(violation(
                "capacity",
                subnet,
                format!(
                    "{} ({net}) has {have} usable addresses but what scales into it may need {need}: launches fail with InsufficientFreeAddressesInSubnet",
                    subnet.address
                ),
                evidence,
            ));
        }
    }
    out
}

/// Ingress rules that admit another security group on ports that group's
/// own egress never allows toward this one: the flow the rule was written
/// for cannot happen (a broken dependency, or a dead rule).
pub fn dead_rules(graph: &Graph) -> Vec<Violation> {
    let mut out = Vec::new();
    // what each source group lets out, computed once per group however
    // many rules name it: the TCP ports its CIDR egress allows toward
    // private ranges (or why that is unknown), and its egress rules that
    // name other groups
    struct Egress {
        to_private: PortSet,
        unknown: Option<String>,
        to_groups: Vec<crate::topology::GroupPermission>,
    }
    let private = AddrSet::everywhere().difference(&AddrSet::internet());
    let mut egress: std::collections::HashMap<usize, Egress> = Default::default();
    for sg in managed(graph, "aws_security_group") {
        // rules the code does not determine may admit any group
        if let Some(why) = crate::topology::sg_group_permissions_unknown(sg, false) {
            out.push(Violation::undecided("dead-rule", sg, why));
            continue;
        }
        for perm in sg_group_permissions(graph, sg, false) {
            if !perm.protocols.contains(TCP) {
                continue;
            }
            for source in &perm.from_groups {
                let Some(src) = graph.resource_in(&sg.root, source) else {
                    continue;
                };
                if src.address == sg.address {
                    continue;
                }
                let e = egress
                    .entry(src as *const Resource as usize)
                    .or_insert_with(|| {
                        let mut to_private = PortSet::empty();
                        let mut unknown = None;
                        match sg_permissions(graph, src, true) {
                            Fact::Known(perms) => {
                                for p in perms {
                                    for c in p.space.cubes() {
                                        // a CIDR egress rule reaches the group
                                        // when it covers the private ranges it
                                        // lives in; any private coverage counts
                                        if c.protocols.contains(TCP)
                                            && !c.sources.intersect(&private).is_empty()
                                        {
                                            to_private = to_private.union(&c.ports);
                                        }
                                    }
                                }
                            }
                            Fact::Unknown(w) => unknown = Some(w),
                        }
                        let to_groups = sg_group_permissions(graph, src, true)
                            .into_iter()
                            .filter(|p| p.protocols.contains(TCP))
                            .collect();
                        Egress {
                            to_private,
                            unknown,
                            to_groups,
                        }
                    });
                // what the source allows out toward this group
                let mut allowed = e.to_private.clone();
                for p in &e.to_groups {
                    if p.from_groups.iter().any(|g| *g == *sg.address) {
                        allowed = allowed.union(&p.ports);
                    }
                }
                let unknown = e.unknown.clone();
                if !perm.ports.intersect(&allowed).is_empty() {
                    continue;
                }
                if let Some(w) = unknown {
                    out.push(Violation::undecided("dead-rule", sg, w));
                    continue;
                }
                let first = crate::exposure::rule_hop(
                    &perm.root,
                    &perm.address,
                    &perm.attribute,
                    perm.span,
                    "",
                );
                let place = first.address.to_string();
                let ports = crate::exposure::traffic_text(&ProtoSet::single(TCP), &perm.ports);
                out.push(Violation {
                    kind: "dead-rule",
                    resource: sg.address.to_string(),
                    root: sg.root.to_string(),
                    message: format!(
                        "{place} admits {source} on {ports}, but {source}'s egress never allows {ports} out: the connection this rule is for cannot be opened"
                    ),
                    evidence: vec![
                        Hop {
                            root: None,
                            detail: format!("admits {source} on {ports}"),
                            ..first
                        },
                        hop("security-group", src, "its egress rules do not allow it"),
                    ],
                    unknown: None,
                });
            }
        }
    }
    out
}

/// Every design check.
pub fn checks(graph: &Graph, policy: &Policy) -> Vec<Violation> {
    let mut out = overlapping_ranges(graph, policy);
    out.extend(local_overrides(graph));
    out.extend(no_egress(graph, policy));
    out.extend(nat_across_zones(graph));
    out.extend(missing_gateway_endpoints(graph));
    out.extend(subnet_capacity(graph));
    out.extend(dead_rules(graph));
    out
}
