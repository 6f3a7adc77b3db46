//! The segmentation policy against a fixture tree: the default policy, and
//! the same tree under a configured one.

use cloudwright_network::exposure::internet_exposure;
use cloudwright_network::segment::{glob, violations, Flow, Policy};
use cloudwright_network::topology::Tier;
use cloudwright_terraform::{load, LoadOptions};
use std::path::Path;

fn run(policy: &Policy) -> Vec<(String, &'static str, String)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/segmentation");
    let graph = load(&[dir], &LoadOptions::default());
    assert!(!graph.has_errors());
    let exposures = internet_exposure(&graph);
    let mut v: Vec<_> = violations(&graph, policy, &exposures)
        .into_iter()
        .map(|v| (v.resource, v.kind, v.message))
        .collect();
    v.sort();
    v
}

#[test]
fn the_default_policy_flags_workloads_in_public_subnets_and_flows_beyond_the_engine_port() {
    let found = run(&Policy::default());
    assert_eq!(
        found,
        vec![
            (
                "aws_elasticache_replication_group.cache".to_string(),
                "flow",
                "aws_elasticache_replication_group.cache in the data tier admits the app tier beyond its engine port 6379".to_string()
            ),
            (
                "aws_elasticache_replication_group.cache".to_string(),
                "flow",
                "aws_elasticache_replication_group.cache in the data tier admits traffic from the public tier".to_string()
            ),
            (
                "aws_instance.bastion".to_string(),
                "placement",
                "aws_instance.bastion sits in the public tier (aws_subnet.public): only load balancers and NAT gateways belong there".to_string()
            ),
            (
                "aws_instance.tools".to_string(),
                "placement",
                "aws_instance.tools sits in the public tier (aws_subnet.mgmt): only load balancers and NAT gateways belong there".to_string()
            ),
        ]
    );
}

#[test]
fn a_configured_policy_classifies_subnets_allows_types_and_flows() {
    let policy = Policy {
        tiers: vec![("aws_subnet.mgm*".to_string(), Tier::App)],
        public_types: vec!["aws_instance".to_string()],
        allow: vec![
            Flow::parse("app->data:6380").unwrap(),
            Flow::parse("public->data:6379").unwrap(),
        ],
        on_premises: Vec::new(),
    };
    assert!(run(&policy).is_empty(), "{:?}", run(&policy));
}

#[test]
fn flows_and_patterns_parse_strictly() {
    assert_eq!(
        Flow::parse("app->data:5432-5433")
            .unwrap()
            .ports
            .unwrap()
            .ranges(),
        &[(5432, 5433)]
    );
    assert!(Flow::parse("app=>data").is_err());
    assert!(Flow::parse("app->db").is_err());
    assert!(Flow::parse("app->data:http").is_err());
    assert!(glob(
        "module.net.aws_subnet.this[\"data-*\"]",
        "module.net.aws_subnet.this[\"data-a\"]"
    ));
    assert!(glob("*.data", "aws_subnet.data"));
    assert!(!glob("aws_subnet.data*", "aws_subnet.app"));
    assert!(glob("a*b*c", "aXXbYYc"));
    assert!(!glob("a*b*c", "aXXcYYb"));
}
