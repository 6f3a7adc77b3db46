//! Reachability between resources and from the internet, against fixture
//! trees: the exact verdict, the path, and for a blocked flow the
//! component that blocks it and the change that would open it.

use cloudwright_model::Graph;
use cloudwright_network::reach::{ask, endpoint, traffic, Answer, Endpoint, Outcome};
use cloudwright_network::sets::{AddrSet, PortSet, ProtoSet, TCP};
use cloudwright_terraform::{load, LoadOptions};
use std::path::Path;

fn graph(case: &str) -> Graph {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(case);
    let graph = load(&[dir], &LoadOptions::default());
    assert!(!graph.has_errors(), "{case}: {:?}", graph.diagnostics);
    graph
}

fn one(case: &str, from: &str, to: &str, port: u16) -> Answer {
    let g = graph(case);
    let from = endpoint(&g, from).unwrap();
    let to = endpoint(&g, to).unwrap();
    let asked = traffic(ProtoSet::single(TCP), PortSet::single(port));
    let mut answers = ask(&g, &from, &to, &asked);
    assert_eq!(answers.len(), 1, "{answers:?}");
    answers.remove(0)
}

fn path(a: &Answer) -> Vec<(&str, &str)> {
    a.path
        .iter()
        .map(|h| (h.kind, h.address.as_str()))
        .collect()
}

#[test]
fn a_security_group_reference_works_across_a_peering_with_routes_both_ways() {
    let a = one("reach_peering", "aws_instance.app", "aws_instance.db", 5432);
    assert_eq!(a.outcome, Outcome::Reachable);
    assert_eq!(a.services, vec![("tcp".to_string(), vec![(5432, 5432)])]);
    assert_eq!(
        path(&a),
        vec![
            ("route", "aws_route_table.app.route[0]"),
            ("route", "aws_route.data_back"),
            ("security-group", "aws_security_group.app.egress[0]"),
            ("network-acl", "aws_vpc.app"),
            ("network-acl", "aws_vpc.data"),
            ("security-group", "aws_security_group.data.ingress[0]"),
        ]
    );
    assert_eq!(
        a.path[0].detail,
        "10.1.0.0/16 → aws_vpc_peering_connection.app_data"
    );
    assert_eq!(a.path[5].detail, "admits the source's security group");
    assert_eq!(
        a.change.as_deref(),
        Some("to close it, remove or narrow aws_security_group.data.ingress[0]")
    );
}

#[test]
fn a_peering_without_the_route_back_is_blocked_at_the_far_route_table() {
    let a = one(
        "reach_peering",
        "aws_instance.app",
        "aws_instance.oneway",
        5432,
    );
    assert_eq!(a.outcome, Outcome::Blocked);
    let b = a.blocked_by.as_ref().unwrap();
    assert_eq!(b.address, "the main route table of aws_vpc.oneway");
    assert_eq!(b.detail, "no route covers the destination");
    assert_eq!(
        a.change.as_deref(),
        Some("add a route in the main route table of aws_vpc.oneway to the destination's range through aws_vpc_peering_connection.app_oneway")
    );
}

#[test]
fn overlapping_ranges_lose_to_the_local_route() {
    let a = one(
        "reach_peering",
        "aws_instance.app",
        "aws_instance.clash",
        5432,
    );
    assert_eq!(a.outcome, Outcome::Blocked);
    assert_eq!(
        a.blocked_by.unwrap().detail,
        "the destination's range overlaps aws_vpc.app's own: the local route wins"
    );
}

#[test]
fn the_first_matching_acl_rule_decides_and_names_its_number() {
    let a = one("reach_nacl", "aws_instance.a", "aws_instance.db", 5432);
    assert_eq!(a.outcome, Outcome::Blocked);
    let b = a.blocked_by.unwrap();
    assert_eq!(b.address, "aws_network_acl.data");
    assert_eq!(b.detail, "inbound rule 90 denies it");
    assert_eq!(b.span.map(|s| s.line), Some(22));
}

#[test]
fn a_stateless_acl_without_the_ephemeral_ports_drops_the_replies() {
    let a = one("reach_nacl", "aws_instance.b", "aws_instance.db", 5432);
    assert_eq!(a.outcome, Outcome::Blocked);
    let b = a.blocked_by.unwrap();
    assert_eq!(b.address, "aws_network_acl.data");
    assert_eq!(
        b.detail,
        "no outbound rule matches: the implicit deny drops it (the replies, to ephemeral ports 1024-65535)"
    );
    assert_eq!(
        a.change.as_deref(),
        Some("allow the replies (ports 1024-65535) in aws_network_acl.data: network ACLs are stateless")
    );
}

#[test]
fn a_rule_covering_part_of_a_subnet_is_decided_only_by_a_fixed_address() {
    let pinned = one(
        "reach_nacl",
        "aws_instance.pinned",
        "aws_instance.half",
        8080,
    );
    assert_eq!(pinned.outcome, Outcome::Reachable);
    let floating = one(
        "reach_nacl",
        "aws_instance.floating",
        "aws_instance.half",
        8080,
    );
    assert_eq!(floating.outcome, Outcome::Unknown);
    assert_eq!(
        floating.missing,
        vec!["an ingress rule of the destination covers only part of the addresses aws_instance.floating may have: set its private_ip to decide".to_string()]
    );
}

#[test]
fn a_transit_gateway_routes_by_propagation_and_drops_blackholes() {
    let a = one(
        "reach_transit",
        "aws_instance.app",
        "aws_instance.shared",
        443,
    );
    assert_eq!(a.outcome, Outcome::Reachable);
    assert_eq!(a.path[0].detail, "10.0.0.0/8 → aws_ec2_transit_gateway.hub");
    let b = one(
        "reach_transit",
        "aws_instance.app",
        "aws_instance.legacy",
        443,
    );
    assert_eq!(b.outcome, Outcome::Blocked);
    assert!(b
        .blocked_by
        .unwrap()
        .detail
        .ends_with("aws_ec2_transit_gateway_route.legacy_blackhole is a blackhole in aws_ec2_transit_gateway_route_table.spokes"));
}

#[test]
fn what_a_resource_can_reach_lists_only_open_flows() {
    let g = graph("reach_peering");
    let from = endpoint(&g, "aws_instance.app").unwrap();
    let asked = traffic(ProtoSet::single(TCP), PortSet::single(5432));
    let answers = ask(&g, &from, &Endpoint::Any, &asked);
    let to: Vec<&str> = answers.iter().map(|a| a.to.as_str()).collect();
    assert_eq!(to, vec!["aws_instance.db"]);
}

#[test]
fn from_the_internet_the_first_missing_piece_is_named() {
    let g = graph("no_public_ip");
    let to = endpoint(&g, "aws_instance.private").unwrap();
    let asked = traffic(ProtoSet::single(TCP), PortSet::single(22));
    let answers = ask(&g, &Endpoint::Internet(AddrSet::everywhere()), &to, &asked);
    assert_eq!(answers[0].outcome, Outcome::Blocked);
    assert_eq!(
        answers[0].blocked_by.as_ref().unwrap().detail,
        "it has no public address (no public IP, no Elastic IP)"
    );
    let g = graph("no_igw_route");
    let to = endpoint(&g, "aws_instance.app").unwrap();
    let answers = ask(&g, &Endpoint::Internet(AddrSet::everywhere()), &to, &asked);
    assert_eq!(answers[0].outcome, Outcome::Blocked);
    assert_eq!(answers[0].blocked_by.as_ref().unwrap().kind, "route");
}

#[test]
fn a_private_range_is_not_an_internet_source() {
    let g = graph("no_public_ip");
    let err = endpoint(&g, "10.0.0.0/8").unwrap_err();
    assert!(
        err.starts_with("10.0.0.0/8 is private address space"),
        "{err}"
    );
    assert!(endpoint(&g, "aws_instance.nope").is_err());
}

#[test]
fn eks_nodes_are_placed_by_their_launch_template_or_unknown_without_one() {
    let a = one(
        "eks_nodes",
        "aws_eks_node_group.templated",
        "aws_instance.db",
        5432,
    );
    assert_eq!(a.outcome, Outcome::Reachable);
    let b = one(
        "eks_nodes",
        "aws_eks_node_group.default_sg",
        "aws_instance.db",
        5432,
    );
    assert_eq!(b.outcome, Outcome::Unknown);
    assert_eq!(
        b.missing,
        vec!["aws_eks_node_group.default_sg uses the cluster security group EKS creates, which is outside the configuration".to_string()]
    );
}

/// A flow that is reachable, or blocked, stays so or becomes unknown when
/// any setting of any resource of the fixture is not determined by the
/// code — never flips on a guess.
#[test]
fn a_flow_never_flips_when_a_setting_is_unknown() {
    let asked = traffic(ProtoSet::single(TCP), PortSet::single(5432));
    let mut flipped = Vec::new();
    for (case, from, to) in [
        ("reach_peering", "aws_instance.app", "aws_instance.db"),
        ("reach_nacl", "aws_instance.a", "aws_instance.db"),
        ("reach_nacl", "aws_instance.b", "aws_instance.db"),
    ] {
        let mut g = graph(case);
        let outcome = |g: &Graph| {
            cloudwright_network::topology::forget();
            let (Ok(f), Ok(t)) = (endpoint(g, from), endpoint(g, to)) else {
                return Outcome::Unknown;
            };
            let answers = ask(g, &f, &t, &asked);
            match answers.as_slice() {
                [a] => a.outcome,
                _ => Outcome::Unknown,
            }
        };
        let before = outcome(&g);
        assert_ne!(before, Outcome::Unknown, "{case}: {from} → {to}");
        for i in 0..g.resources.len() {
            let address = g.resources[i].address.to_string();
            cloudwright_model::testing::with_each_unknown(&mut g, i, |g, label, _| {
                let now = outcome(g);
                if now != before && now != Outcome::Unknown {
                    flipped.push(format!(
                        "{case}: {from} → {to} is {now:?}, not {before:?}, when {address}.{label} is unknown"
                    ));
                }
            });
        }
    }
    assert!(
        flipped.is_empty(),
        "{} flows flip on a guess:\n{}",
        flipped.len(),
        flipped.join("\n")
    );
}

/// A resource of one root module, named as the outputs write it or with
/// `//`: the same endpoint.
#[test]
fn an_endpoint_names_its_root_as_the_outputs_write_it() {
    let g = graph("terragrunt_units");
    let names = |spec: &str| match endpoint(&g, spec).unwrap() {
        Endpoint::Resources(found) => found
            .iter()
            .map(|r| format!("{} {}", r.root, r.address))
            .collect::<Vec<_>>(),
        _ => panic!("{spec}: not resources"),
    };
    let bastion = vec!["live/bastion aws_instance.bastion".to_string()];
    assert_eq!(names("live/bastion//aws_instance.bastion"), bastion);
    assert_eq!(names("live/bastion: aws_instance.bastion"), bastion);
    assert_eq!(names("live/bastion:aws_instance.bastion"), bastion);
    assert!(endpoint(&g, "live/network//aws_instance.bastion").is_err());
}
