//! Reachability between two resources inside the network: can traffic
//! from one resource's interfaces reach another's, on which protocols and
//! ports, by which path — or which component blocks it, and what change
//! would open it.
//!
//! A flow from interface A (subnet SA, groups GA) to interface B (SB, GB)
//! needs, in order: a route (the local route within one VPC; across VPCs a
//! route in SA's table to B's range through a peering connection or a
//! transit gateway joining the two, and the route back); GA's egress
//! rules; SA's network ACL outbound and SB's inbound (skipped within one
//! subnet); GB's ingress rules (a CIDR covering A's address, or a rule
//! naming one of GA — which matches private traffic, also across a
//! peering); and, ACLs being stateless, SB's outbound and SA's inbound for
//! the replies to A's ephemeral ports. Each step narrows the protocol ×
//! port space; the first that empties it is the blocker.
//!
//! An address inside a subnet is not known until launch unless the
//! resource sets `private_ip`: a rule covering only part of the subnet's
//! range makes the answer unknown, never reachable or blocked.

use crate::exposure::Hop;
use crate::sets::{AddrSet, Cube, HeaderSpace, PortSet, ProtoSet};
use crate::topology::{
    acl_entries, interfaces, referring, route_table, routes, sg_group_permissions, sg_permissions,
    string, subnet_acl, subnet_range, target, Fact, Interface,
};
use cloudwright_model::{Graph, Resource, Value};

const EPHEMERAL: (u16, u16) = (1024, 65535);

/// The verdict of a question.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Outcome {
    Reachable,
    Blocked,
    Unknown,
}

/// The answer to "can `from` reach `to`".
#[derive(Clone, Debug)]
pub struct Answer {
    pub from: String,
    pub to: String,
    pub outcome: Outcome,
    /// What gets through (reachable), as protocol and port ranges.
    pub services: Vec<(String, Vec<(u16, u16)>)>,
    pub path: Vec<Hop>,
    /// The component that stops it (blocked).
    pub blocked_by: Option<Hop>,
    /// The change that would open it (blocked) or close it (reachable).
    pub change: Option<String>,
    pub missing: Vec<String>,
}

impl Answer {
    fn unknown(from: &Resource, to: &Resource, why: String) -> Answer {
        Answer {
            from: from.address.to_string(),
            to: to.address.to_string(),
            outcome: Outcome::Unknown,
            services: Vec::new(),
            path: Vec::new(),
            blocked_by: None,
            change: None,
            missing: vec![why],
        }
    }
}

/// The traffic asked about: protocols × destination ports.
pub fn traffic(protocols: ProtoSet, ports: PortSet) -> HeaderSpace {
    HeaderSpace::from_cube(Cube {
        protocols,
        ports,
        sources: AddrSet::everywhere(),
    })
}

fn with_peer(space: &HeaderSpace, peer: &AddrSet) -> HeaderSpace {
    HeaderSpace::from_cubes(space.cubes().iter().map(|c| Cube {
        sources: peer.clone(),
        ..c.clone()
    }))
}

fn everywhere(space: &HeaderSpace) -> HeaderSpace {
    with_peer(space, &AddrSet::everywhere())
}

/// The outcome of one step: the protocol × port space that passes for
/// every address of the peer, and whether some part passes only for some
/// addresses.
struct Step {
    passed: HeaderSpace,
    partial: bool,
    hops: Vec<Hop>,
}

fn narrow(current: &HeaderSpace, peer: &AddrSet, admitted: &HeaderSpace, hops: Vec<Hop>) -> Step {
    let offered = with_peer(current, peer);
    let admitted = admitted.intersect(&offered);
    let full = admitted.for_all_sources(&offered);
    let partial = !admitted.difference(&full).is_empty();
    Step {
        passed: everywhere(&full),
        partial,
        hops,
    }
}

/// What an interface's security groups admit in one direction of
/// `current` to/from `peer` (addresses) carrying `peer_groups`.
fn groups_step(
    graph: &Graph,
    side: &Interface<'_>,
    egress: bool,
    current: &HeaderSpace,
    peer: &AddrSet,
    peer_side: &Interface<'_>,
) -> Fact<Step> {
    if side.default_group {
        // the VPC's default group, unmanaged: all egress, ingress from its
        // own members only
        let detail = if egress {
            "the VPC's default security group allows all outbound traffic"
        } else {
            "the VPC's default security group admits its own members"
        };
        let admits = egress || peer_side.default_group && peer_side.vpc.address == side.vpc.address;
        let admitted = if admits {
            with_peer(current, peer)
        } else {
            HeaderSpace::empty()
        };
        let hop = Hop {
            root: None,
            kind: "security-group",
            address: side.vpc.address.to_string(),
            detail: detail.into(),
            span: side.vpc.span,
        };
        return Fact::Known(narrow(current, peer, &admitted, vec![hop]));
    }
    if side.groups.is_empty() {
        // no security groups on this interface (NAT gateway, NLB without)
        return Fact::Known(Step {
            passed: current.clone(),
            partial: false,
            hops: Vec::new(),
        });
    }
    let offered = with_peer(current, peer);
    let peer_groups: Vec<&str> = peer_side
        .groups
        .iter()
        .map(|g| g.address.as_str())
        .collect();
    let mut admitted = HeaderSpace::empty();
    let mut hops = Vec::new();
    let mut undecided = None;
    let verb = if egress { "allows it out" } else { "admits it" };
    for g in &side.groups {
        match sg_permissions(graph, g, egress) {
            Fact::Known(perms) => {
                for p in perms {
                    let hit = p.space.intersect(&offered);
                    if !hit.is_empty() {
                        admitted = admitted.union(&hit);
                        hops.push(crate::exposure::rule_hop(
                            &p.root,
                            &p.address,
                            &p.attribute,
                            p.span,
                            verb,
                        ));
                    }
                }
            }
            Fact::Unknown(w) => {
                undecided.get_or_insert(w);
            }
        }
        // rules naming groups the code does not determine may name the peer's
        if let Some(w) = crate::topology::sg_group_permissions_unknown(g, egress) {
            undecided.get_or_insert(w);
        }
        for p in sg_group_permissions(graph, g, egress) {
            if !p
                .from_groups
                .iter()
                .any(|f| peer_groups.contains(&f.as_str()))
            {
                continue;
            }
            let space = HeaderSpace::from_cube(Cube {
                protocols: p.protocols.clone(),
                ports: p.ports.clone(),
                sources: peer.clone(),
            });
            let hit = space.intersect(&offered);
            if !hit.is_empty() {
                admitted = admitted.union(&hit);
                let detail = if egress {
                    "allows it out to the destination's security group"
                } else {
                    "admits the source's security group"
                };
                hops.push(crate::exposure::rule_hop(
                    &p.root,
                    &p.address,
                    &p.attribute,
                    p.span,
                    detail,
                ));
            }
        }
    }
    match undecided {
        Some(w) if admitted.is_empty() => Fact::Unknown(w),
        _ => Fact::Known(narrow(current, peer, &admitted, hops)),
    }
}

/// What a subnet's network ACL passes of `current` in one direction,
/// with `peer` as the other end; `reply` asks for the return leg to the
/// peer's ephemeral ports instead.
fn acl_step(
    graph: &Graph,
    side: &Interface<'_>,
    egress: bool,
    reply: bool,
    current: &HeaderSpace,
    peer: &AddrSet,
) -> Fact<(Step, Option<Hop>)> {
    let acl = match subnet_acl(graph, side.subnet, side.vpc) {
        Fact::Known(Some(a)) => a,
        Fact::Known(None) => {
            let hop = Hop {
                root: None,
                kind: "network-acl",
                address: side.vpc.address.to_string(),
                detail: "the VPC's default network ACL allows all traffic".into(),
                span: side.vpc.span,
            };
            let step = Step {
                passed: current.clone(),
                partial: false,
                hops: if reply { Vec::new() } else { vec![hop] },
            };
            return Fact::Known((step, None));
        }
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    let entries = match acl_entries(graph, acl, egress) {
        Fact::Known(e) => e,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    // the request: as asked; the reply: any port of the peer's ephemeral
    // range, for the protocols still in play
    let offered = if reply {
        let protocols = current
            .cubes()
            .iter()
            .fold(ProtoSet::empty(), |p, c| p.union(&c.protocols));
        HeaderSpace::from_cube(Cube {
            protocols,
            ports: PortSet::range(EPHEMERAL.0, EPHEMERAL.1),
            sources: peer.clone(),
        })
    } else {
        with_peer(current, peer)
    };
    let mut remaining = offered.clone();
    let mut admitted = HeaderSpace::empty();
    let mut hops = Vec::new();
    let mut blocker = None;
    let direction = if egress { "outbound" } else { "inbound" };
    for e in &entries {
        let matched = remaining.intersect(&e.space);
        if matched.is_empty() {
            continue;
        }
        if e.allow {
            admitted = admitted.union(&matched);
            let what = if reply { " the replies" } else { "" };
            hops.push(Hop {
                root: None,
                kind: "network-acl",
                address: e.address.to_string(),
                detail: format!("{direction} rule {} allows{what}", e.number),
                span: e.span,
            });
        } else if blocker.is_none() {
            blocker = Some(Hop {
                root: None,
                kind: "network-acl",
                address: e.address.to_string(),
                detail: format!("{direction} rule {} denies it", e.number),
                span: e.span,
            });
        }
        remaining = remaining.difference(&e.space);
    }
    let blocker = blocker.or_else(|| {
        Some(Hop {
            root: None,
            kind: "network-acl",
            address: acl.address.to_string(),
            detail: format!("no {direction} rule matches: the implicit deny drops it"),
            span: acl.span,
        })
    });
    let step = if reply {
        // a protocol passes when some ephemeral port is open for the
        // whole peer range
        let full = admitted.for_all_sources(&offered);
        let protocols = full
            .cubes()
            .iter()
            .fold(ProtoSet::empty(), |p, c| p.union(&c.protocols));
        let partial = !admitted.is_empty() && full.is_empty();
        Step {
            passed: current.intersect(&traffic(protocols, PortSet::full())),
            partial,
            hops,
        }
    } else {
        narrow(current, peer, &admitted, hops)
    };
    Fact::Known((step, blocker))
}

/// The address of an interface: its `private_ip` when set, else its
/// subnet's range.
fn address(side: &Interface<'_>) -> Fact<AddrSet> {
    if let Some(ip) = side
        .resource
        .get("private_ip")
        .as_ref()
        .and_then(string)
        .and_then(|s| s.parse::<std::net::IpAddr>().ok())
    {
        return Fact::Known(AddrSet::from_net(&ipnet::IpNet::from(ip)));
    }
    subnet_range(side.subnet)
}

fn vpc_range(vpc: &Resource) -> AddrSet {
    ["cidr_block", "ipv6_cidr_block"]
        .iter()
        .filter_map(|a| vpc.get(a))
        .filter_map(|v| string(&v).and_then(|s| s.parse::<ipnet::IpNet>().ok()))
        .fold(AddrSet::empty(), |s, n| s.union(&AddrSet::from_net(&n)))
}

/// Does the subnet's route table send `dest` to a connection joining its
/// VPC and `other`? The route hop, or the blocker and the fix.
fn route_across(
    graph: &Graph,
    side: &Interface<'_>,
    dest: &AddrSet,
    other: &Resource,
) -> Fact<Result<Hop, (Hop, String)>> {
    let own = vpc_range(side.vpc);
    if !own.intersect(dest).is_empty() {
        let hop = Hop {
            root: None,
            kind: "route",
            address: side.vpc.address.to_string(),
            detail: format!(
                "the destination's range overlaps {}'s own: the local route wins",
                side.vpc.address
            ),
            span: side.vpc.span,
        };
        return Fact::Known(Err((
            hop,
            "give the VPCs ranges that do not overlap".to_string(),
        )));
    }
    let table = match route_table(graph, side.subnet, side.vpc) {
        Fact::Known(t) => t,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    let list = match table {
        Some(t) => match routes(graph, t) {
            Fact::Known(r) => r,
            Fact::Unknown(w) => return Fact::Unknown(w),
        },
        None => Vec::new(),
    };
    // longest prefix among the routes covering the whole destination
    let best = list
        .iter()
        .filter(|r| {
            dest.difference(&AddrSet::from_net(&r.destination))
                .is_empty()
        })
        .max_by_key(|r| r.destination.prefix_len());
    let table_name = table.map_or_else(
        || format!("the main route table of {}", side.vpc.address),
        |t| t.address.to_string(),
    );
    let connection = connection(graph, side.vpc, other);
    let fix = match &connection {
        Some(c) => format!(
            "add a route in {table_name} to the destination's range through {}",
            c.address
        ),
        None => format!(
            "peer {} with {} (or attach both to a transit gateway) and route between them",
            side.vpc.address, other.address
        ),
    };
    let Some(route) = best else {
        let hop = Hop {
            root: None,
            kind: "route",
            address: table_name.clone(),
            detail: "no route covers the destination".into(),
            span: table.and_then(|t| t.span).or(side.vpc.span),
        };
        return Fact::Known(Err((hop, fix)));
    };
    let place = if route.attribute.is_empty() {
        route.address.to_string()
    } else {
        format!("{}.{}", route.address, route.attribute)
    };
    let transit = route
        .target
        .filter(|t| t.resource_type == "aws_ec2_transit_gateway")
        .map(|t| (t, transit_joins(graph, t, side.vpc, other, dest)));
    let joins = match (route.target, &connection, &transit) {
        (_, _, Some((_, Ok(())))) => true,
        (Some(t), Some(c), None) => t.address == c.address && t.root == c.root,
        _ => false,
    };
    let target_name = route.target.map_or_else(
        || route.via.trim_end_matches("_id").replace('_', " "),
        |t| t.address.to_string(),
    );
    let hop = Hop {
        root: None,
        kind: "route",
        address: place,
        detail: format!("{} → {target_name}", route.destination),
        span: route.span,
    };
    if joins {
        Fact::Known(Ok(hop))
    } else if route.target.is_none()
        && matches!(
            route.via,
            "vpc_peering_connection_id" | "transit_gateway_id"
        )
    {
        Fact::Unknown(format!(
            "{} routes the destination to a {} outside this configuration",
            hop.address,
            route.via.trim_end_matches("_id").replace('_', " ")
        ))
    } else if let Some((tgw, Err((why, tgw_fix)))) = transit {
        let detail = format!(
            "{} → {}, which does not route to {}: {why}",
            route.destination, tgw.address, other.address
        );
        Fact::Known(Err((Hop { detail, ..hop }, tgw_fix)))
    } else {
        let detail = format!(
            "{} sends the destination to {target_name}, which does not lead to {}",
            route.destination, other.address
        );
        Fact::Known(Err((Hop { detail, ..hop }, fix)))
    }
}

/// The peering connection joining two VPCs, if the configuration has one.
fn connection<'g>(graph: &'g Graph, a: &Resource, b: &Resource) -> Option<&'g Resource> {
    referring(graph, a, "aws_vpc_peering_connection", "vpc_id")
        .into_iter()
        .find(|p| matches!(target(graph, p, "peer_vpc_id", "aws_vpc"), Fact::Known(Some(v)) if v.address == b.address))
        .or_else(|| {
            referring(graph, b, "aws_vpc_peering_connection", "vpc_id")
                .into_iter()
                .find(|p| matches!(target(graph, p, "peer_vpc_id", "aws_vpc"), Fact::Known(Some(v)) if v.address == a.address))
        })
}

/// Does a transit gateway route from VPC `a` to `dest` in VPC `b`? Both
/// must be attached. With the default route table (association and
/// propagation on, the AWS defaults) it does; otherwise `a`'s attachment
/// must be associated with a table where the longest static route
/// covering `dest` points at `b`'s attachment (a blackhole drops it), or,
/// without such a route, `b`'s attachment is propagated. The reason and
/// the fix when it does not.
fn transit_joins(
    graph: &Graph,
    tgw: &Resource,
    a: &Resource,
    b: &Resource,
    dest: &AddrSet,
) -> Result<(), (String, String)> {
    let attachment = |vpc: &Resource| {
        referring(graph, vpc, "aws_ec2_transit_gateway_vpc_attachment", "vpc_id")
            .into_iter()
            .find(|x| matches!(target(graph, x, "transit_gateway_id", "aws_ec2_transit_gateway"), Fact::Known(Some(t)) if t.address == tgw.address))
    };
    let from = attachment(a).ok_or_else(|| {
        (
            format!("{} is not attached to it", a.address),
            format!("attach {} to {}", a.address, tgw.address),
        )
    })?;
    let to = attachment(b).ok_or_else(|| {
        (
            format!("{} is not attached to it", b.address),
            format!("attach {} to {}", b.address, tgw.address),
        )
    })?;
    let enabled = |r: &Resource, key: &str| match r.get(key).map(|v| v.strip().clone()) {
        Some(Value::Bool(b)) => b,
        Some(Value::String(s)) => &*s != "disable",
        _ => true,
    };
    let defaults = enabled(tgw, "default_route_table_association")
        && enabled(tgw, "default_route_table_propagation")
        && enabled(from, "transit_gateway_default_route_table_association")
        && enabled(to, "transit_gateway_default_route_table_propagation");
    if defaults {
        return Ok(());
    }
    let is_to = |r: &Resource, attr: &str| matches!(target(graph, r, attr, "aws_ec2_transit_gateway_vpc_attachment"), Fact::Known(Some(x)) if x.address == to.address);
    let tables: Vec<&Resource> = referring(
        graph,
        from,
        "aws_ec2_transit_gateway_route_table_association",
        "transit_gateway_attachment_id",
    )
    .into_iter()
    .filter_map(|assoc| {
        match target(
            graph,
            assoc,
            "transit_gateway_route_table_id",
            "aws_ec2_transit_gateway_route_table",
        ) {
            Fact::Known(Some(t)) => Some(t),
            _ => None,
        }
    })
    .collect();
    let Some(table) = tables.first() else {
        return Err((
            format!("{} is associated with no route table of it", from.address),
            format!(
                "associate {} with a transit gateway route table",
                from.address
            ),
        ));
    };
    // static routes: longest prefix covering the destination
    let statics = referring(
        graph,
        table,
        "aws_ec2_transit_gateway_route",
        "transit_gateway_route_table_id",
    );
    let best = statics
        .iter()
        .filter_map(|r| {
            let net = r
                .get("destination_cidr_block")
                .as_ref()
                .and_then(string)
                .and_then(|s| s.parse::<ipnet::IpNet>().ok())?;
            dest.difference(&AddrSet::from_net(&net))
                .is_empty()
                .then_some((net.prefix_len(), *r))
        })
        .max_by_key(|(len, _)| *len);
    if let Some((_, r)) = best {
        if r.get("blackhole").and_then(|v| v.strip().as_bool()) == Some(true) {
            return Err((
                format!("{} is a blackhole in {}", r.address, table.address),
                format!(
                    "remove the blackhole {} or route to {}",
                    r.address, to.address
                ),
            ));
        }
        if is_to(r, "transit_gateway_attachment_id") {
            return Ok(());
        }
    }
    let propagated = referring(
        graph,
        table,
        "aws_ec2_transit_gateway_route_table_propagation",
        "transit_gateway_route_table_id",
    )
    .iter()
    .any(|p| is_to(p, "transit_gateway_attachment_id"));
    if propagated {
        return Ok(());
    }
    Err((
        format!("{} has no route to {}", table.address, to.address),
        format!(
            "propagate {} into {} (or add a static route)",
            to.address, table.address
        ),
    ))
}

/// Can traffic (`asked`: protocols × ports) from resource `from` reach
/// resource `to`?
pub fn between(graph: &Graph, from: &Resource, to: &Resource, asked: &HeaderSpace) -> Answer {
    let sources = match interfaces(graph, from) {
        Fact::Known(s) if s.is_empty() => {
            return Answer::unknown(
                from,
                to,
                format!(
                    "{} has no network interface in a VPC of this configuration",
                    from.address
                ),
            )
        }
        Fact::Known(s) => s,
        Fact::Unknown(w) => return Answer::unknown(from, to, w),
    };
    let destinations = match interfaces(graph, to) {
        Fact::Known(d) if d.is_empty() => {
            return Answer::unknown(
                from,
                to,
                format!(
                    "{} has no network interface in a VPC of this configuration",
                    to.address
                ),
            )
        }
        Fact::Known(d) => d,
        Fact::Unknown(w) => return Answer::unknown(from, to, w),
    };
    let mut first_block: Option<Answer> = None;
    let mut undecided: Option<String> = None;
    let mut best: Option<Answer> = None;
    for a in &sources {
        for b in &destinations {
            match flow(graph, a, b, asked) {
                Fact::Known(answer) if answer.outcome == Outcome::Reachable => {
                    // the widest service set over all interface pairs
                    if best
                        .as_ref()
                        .is_none_or(|x| x.services.len() < answer.services.len())
                    {
                        best = Some(answer);
                    }
                }
                Fact::Known(answer) if answer.outcome == Outcome::Unknown => {
                    undecided.get_or_insert(answer.missing.join("; "));
                }
                Fact::Known(answer) => {
                    first_block.get_or_insert(answer);
                }
                Fact::Unknown(w) => {
                    undecided.get_or_insert(w);
                }
            }
        }
    }
    if let Some(b) = best {
        return b;
    }
    if let Some(w) = undecided {
        return Answer::unknown(from, to, w);
    }
    first_block.unwrap_or_else(|| Answer::unknown(from, to, "no interface pair to compare".into()))
}

/// One interface pair.
fn flow(graph: &Graph, a: &Interface<'_>, b: &Interface<'_>, asked: &HeaderSpace) -> Fact<Answer> {
    let from_addr = match address(a) {
        Fact::Known(x) => x,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    let to_addr = match address(b) {
        Fact::Known(x) => x,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    let mut path: Vec<Hop> = Vec::new();
    let blocked = |path: Vec<Hop>, hop: Hop, change: String| Answer {
        from: a.resource.address.to_string(),
        to: b.resource.address.to_string(),
        outcome: Outcome::Blocked,
        services: Vec::new(),
        path,
        blocked_by: Some(hop),
        change: Some(change),
        missing: Vec::new(),
    };
    // `whose`: the end whose address the rule is matched against
    let partial = |what: &str, whose: &Resource| {
        format!(
            "{what} covers only part of the addresses {} may have: set its private_ip to decide",
            whose.address
        )
    };
    // 1. routes
    if a.vpc.address == b.vpc.address && a.vpc.root == b.vpc.root {
        path.push(Hop {
            root: None,
            kind: "route",
            address: a.vpc.address.to_string(),
            detail: "the local route within the VPC".into(),
            span: a.vpc.span,
        });
    } else {
        for (side, dest, other) in [(a, &to_addr, b.vpc), (b, &from_addr, a.vpc)] {
            match route_across(graph, side, dest, other) {
                Fact::Known(Ok(hop)) => path.push(hop),
                Fact::Known(Err((hop, fix))) => return Fact::Known(blocked(path, hop, fix)),
                Fact::Unknown(w) => return Fact::Unknown(w),
            }
        }
    }
    let same_subnet = a.subnet.address == b.subnet.address && a.subnet.root == b.subnet.root;
    let mut current = asked.clone();
    let describe = |s: &HeaderSpace| crate::exposure::services_text(s);
    // 2. the source's security groups, outbound
    let step = match groups_step(graph, a, true, &current, &to_addr, b) {
        Fact::Known(s) => s,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    if step.passed.is_empty() {
        if step.partial {
            return Fact::Unknown(partial("an egress rule of the source", b.resource));
        }
        let (hop, change) = sg_blocker(a, b, &current, true, describe);
        return Fact::Known(blocked(path, hop, change));
    }
    path.extend(step.hops);
    current = step.passed;
    // 3–4. ACLs on the way there, 6. and back
    let legs: &[(&Interface<'_>, bool, bool, &AddrSet)] =
        &[(a, true, false, &to_addr), (b, false, false, &from_addr)];
    if !same_subnet {
        for &(side, egress, reply, peer) in legs {
            match acl_step(graph, side, egress, reply, &current, peer) {
                Fact::Known((step, blocker)) => {
                    if step.passed.is_empty() {
                        if step.partial {
                            let whose = if egress { b.resource } else { a.resource };
                            return Fact::Unknown(partial("a network ACL rule", whose));
                        }
                        let hop = blocker.expect("an ACL that passes nothing names its blocker");
                        let change = format!(
                            "allow {} in {} before the rule that drops it",
                            describe(&current),
                            hop.address
                        );
                        return Fact::Known(blocked(path, hop, change));
                    }
                    path.extend(step.hops);
                    current = step.passed;
                }
                Fact::Unknown(w) => return Fact::Unknown(w),
            }
        }
    }
    // 5. the destination's security groups, inbound
    let step = match groups_step(graph, b, false, &current, &from_addr, a) {
        Fact::Known(s) => s,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    if step.passed.is_empty() {
        if step.partial {
            return Fact::Unknown(partial("an ingress rule of the destination", a.resource));
        }
        let (hop, change) = sg_blocker(b, a, &current, false, describe);
        return Fact::Known(blocked(path, hop, change));
    }
    let closers: Vec<String> = step.hops.iter().map(|h| h.address.to_string()).collect();
    path.extend(step.hops);
    current = step.passed;
    if !same_subnet {
        for (side, egress, peer) in [(b, true, &from_addr), (a, false, &to_addr)] {
            match acl_step(graph, side, egress, true, &current, peer) {
                Fact::Known((step, blocker)) => {
                    if step.passed.is_empty() {
                        if step.partial {
                            let whose = if egress { a.resource } else { b.resource };
                            return Fact::Unknown(partial("a network ACL rule", whose));
                        }
                        let hop = blocker.expect("an ACL that passes nothing names its blocker");
                        let hop = Hop {
                            root: None,
                            detail: format!(
                                "{} (the replies, to ephemeral ports 1024-65535)",
                                hop.detail
                            ),
                            ..hop
                        };
                        let change = format!(
                            "allow the replies (ports 1024-65535) in {}: network ACLs are stateless",
                            hop.address
                        );
                        return Fact::Known(blocked(path, hop, change));
                    }
                    path.extend(step.hops);
                    current = step.passed;
                }
                Fact::Unknown(w) => return Fact::Unknown(w),
            }
        }
    }
    path.dedup_by(|x, y| x.address == y.address && x.detail == y.detail);
    Fact::Known(Answer {
        from: a.resource.address.to_string(),
        to: b.resource.address.to_string(),
        outcome: Outcome::Reachable,
        services: crate::exposure::services(&current),
        path,
        blocked_by: None,
        change: Some(if closers.is_empty() {
            format!(
                "to close it, filter it at {}: it has no security group",
                b.resource.address
            )
        } else {
            format!("to close it, remove or narrow {}", closers.join(", "))
        }),
        missing: Vec::new(),
    })
}

/// The security groups that stop a flow, and the rule that would open it.
fn sg_blocker(
    side: &Interface<'_>,
    peer: &Interface<'_>,
    current: &HeaderSpace,
    egress: bool,
    describe: impl Fn(&HeaderSpace) -> String,
) -> (Hop, String) {
    let names: Vec<&str> = side.groups.iter().map(|g| g.address.as_str()).collect();
    let (address, span) = match side.groups.first() {
        Some(g) if !side.default_group => (names.join(", "), g.span),
        _ => (
            format!("the default security group of {}", side.vpc.address),
            side.vpc.span,
        ),
    };
    let peer_name = match peer.groups.first() {
        Some(g) => g.address.to_string(),
        None => peer.subnet.address.to_string(),
    };
    let (detail, change) = if egress {
        (
            format!(
                "no egress rule allows {} to the destination",
                describe(current)
            ),
            format!(
                "add an egress rule to {address} for {} to {peer_name}",
                describe(current)
            ),
        )
    } else {
        (
            format!(
                "no ingress rule admits {} from the source",
                describe(current)
            ),
            format!(
                "add an ingress rule to {address} for {} from {peer_name}",
                describe(current)
            ),
        )
    };
    (
        Hop {
            root: None,
            kind: "security-group",
            address,
            detail,
            span,
        },
        change,
    )
}

/// One end of a question.
#[derive(Clone, Debug)]
pub enum Endpoint<'g> {
    /// Clients on the internet, narrowed to a range (`0.0.0.0/0` and
    /// `::/0` for everyone).
    Internet(AddrSet),
    /// Resources by address (every instance of a `count`/`for_each` block).
    Resources(Vec<&'g Resource>),
    /// Every interface-bearing resource (and, as a source, the internet).
    Any,
}

/// Reads `internet`, `any`, a CIDR, or a resource address (`ROOT//ADDRESS`,
/// `ROOT:ADDRESS` or `ROOT: ADDRESS`, as the outputs write it, to pick one
/// root module).
pub fn endpoint<'g>(graph: &'g Graph, spec: &str) -> Result<Endpoint<'g>, String> {
    match spec {
        "internet" => return Ok(Endpoint::Internet(AddrSet::everywhere())),
        "any" | "*" => return Ok(Endpoint::Any),
        _ => {}
    }
    if let Ok(net) = spec.parse::<ipnet::IpNet>() {
        let set = AddrSet::from_net(&net);
        if set.intersect(&AddrSet::internet()).is_empty() {
            return Err(format!(
                "{spec} is private address space: clients there are resources of the configuration — ask with --from ADDRESS"
            ));
        }
        return Ok(Endpoint::Internet(set));
    }
    let (root, address) = cloudwright_model::graph::root_and_address(spec);
    let found: Vec<&Resource> = graph
        .resources
        .iter()
        .filter(|r| r.mode == cloudwright_model::Mode::Managed)
        .filter(|r| root.is_none_or(|root| *r.root == *root))
        .filter(|r| r.address == address || r.is_block(address))
        .collect();
    if found.is_empty() {
        return Err(format!(
            "no managed resource {address:?} in the configuration (list them with `cloudwright resources`)"
        ));
    }
    Ok(Endpoint::Resources(found))
}

/// Answers every (source, destination) pair the endpoints name. With
/// `Any` on one side only the pairs that are reachable or undecidable are
/// kept: "what can reach X", "what X can reach".
pub fn ask(
    graph: &Graph,
    from: &Endpoint<'_>,
    to: &Endpoint<'_>,
    asked: &HeaderSpace,
) -> Vec<Answer> {
    let placed = || -> Vec<&Resource> {
        graph
            .resources
            .iter()
            .filter(|r| r.mode == cloudwright_model::Mode::Managed)
            .filter(|r| crate::topology::is_placed(&r.resource_type))
            .filter(|r| matches!(interfaces(graph, r), Fact::Known(v) if !v.is_empty()))
            .collect()
    };
    let mut out = Vec::new();
    match (from, to) {
        (Endpoint::Internet(clients), Endpoint::Resources(dests)) => {
            for d in dests {
                out.push(crate::exposure::from_internet(graph, d, clients, asked));
            }
        }
        (Endpoint::Resources(sources), Endpoint::Resources(dests)) => {
            for s in sources {
                for d in dests {
                    if s.root == d.root && s.address != d.address {
                        out.push(between(graph, s, d, asked));
                    }
                }
            }
        }
        (Endpoint::Resources(sources), Endpoint::Any) => {
            let all = placed();
            for s in sources {
                for d in &all {
                    if s.root == d.root && s.address != d.address {
                        let a = between(graph, s, d, asked);
                        if a.outcome != Outcome::Blocked {
                            out.push(a);
                        }
                    }
                }
            }
        }
        (Endpoint::Any, Endpoint::Resources(dests)) => {
            let all = placed();
            for d in dests {
                let a = crate::exposure::from_internet(graph, d, &AddrSet::everywhere(), asked);
                if a.outcome != Outcome::Blocked {
                    out.push(a);
                }
                for s in &all {
                    if s.root == d.root && s.address != d.address {
                        let a = between(graph, s, d, asked);
                        if a.outcome != Outcome::Blocked {
                            out.push(a);
                        }
                    }
                }
            }
        }
        _ => {}
    }
    out
}
