//! Internet exposure against fixture trees: the exact verdict, services,
//! sources and path — including the traps (an open security group without
//! a public address, a public address without a route to the gateway,
//! replies dropped by a stateless ACL, a more specific route, IPv6-only
//! exposure, an unknown subnet).

use cloudwright_network::exposure::{internet_exposure, Exposure, Verdict};
use cloudwright_terraform::{load, LoadOptions};
use std::path::Path;

fn exposures(case: &str) -> Vec<Exposure> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(case);
    let graph = load(&[dir], &LoadOptions::default());
    let errors: Vec<_> = graph
        .diagnostics
        .iter()
        .filter(|d| d.severity == cloudwright_model::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{case}: {errors:?}");
    internet_exposure(&graph)
}

fn kinds(e: &Exposure) -> Vec<&str> {
    e.path.iter().map(|h| h.kind).collect()
}

#[test]
fn an_instance_with_a_public_ip_behind_an_open_group_is_exposed() {
    let found = exposures("exposed_instance");
    assert_eq!(found.len(), 1, "{found:?}");
    let e = &found[0];
    assert_eq!(e.resource, "aws_instance.bastion");
    assert_eq!(e.verdict, Verdict::Reachable);
    assert_eq!(e.services, vec![("tcp".to_string(), vec![(22, 22)])]);
    assert_eq!(e.sources, vec!["0.0.0.0/0".to_string()]);
    assert_eq!(
        kinds(e),
        vec![
            "public-address",
            "internet-gateway",
            "route",
            "network-acl",
            "security-group"
        ]
    );
    assert_eq!(e.path[2].address, "aws_route_table.public");
    assert_eq!(e.path[2].detail, "route[0]: 0.0.0.0/0 → internet gateway");
    assert_eq!(e.path[4].address, "aws_security_group.ssh.ingress[0]");
    assert_eq!(e.path[4].span.map(|s| s.line), Some(20));
}

#[test]
fn an_open_group_without_a_public_address_is_not_exposed() {
    assert!(exposures("no_public_ip").is_empty());
}

#[test]
fn a_public_address_without_a_route_to_the_gateway_is_not_exposed() {
    assert!(exposures("no_igw_route").is_empty());
}

#[test]
fn replies_dropped_by_the_network_acl_mean_not_exposed() {
    assert!(exposures("nacl_return_denied").is_empty());
}

#[test]
fn a_more_specific_route_carves_its_range_out_of_the_exposure() {
    let found = exposures("specific_route");
    assert_eq!(found.len(), 1);
    let sources = &found[0].sources;
    assert!(
        !sources.iter().any(|s| s.starts_with("203.0.113.")),
        "{sources:?}"
    );
    assert!(
        sources.contains(&"203.0.112.0/24".to_string()),
        "{sources:?}"
    );
    assert!(
        sources.contains(&"203.0.114.0/23".to_string()),
        "{sources:?}"
    );
}

#[test]
fn an_unknown_subnet_is_unknown_not_safe() {
    let found = exposures("unknown_subnet");
    let missing = |address: &str| {
        let e = found
            .iter()
            .find(|e| e.resource == address)
            .unwrap_or_else(|| panic!("{address}: {found:?}"));
        assert_eq!(e.verdict, Verdict::Unknown);
        e.missing.clone()
    };
    assert_eq!(found.len(), 3);
    assert_eq!(
        missing("aws_instance.somewhere"),
        vec!["aws_instance.somewhere.subnet_id is not known from the code".to_string()]
    );
    // why a part is missing: an unset variable is not in the code, an
    // address the provider assigns is known after apply
    assert_eq!(
        missing("aws_instance.variable_port"),
        vec!["a port is not known from the code".to_string()]
    );
    assert_eq!(
        missing("aws_instance.computed_source"),
        vec!["a CIDR is known only after apply".to_string()]
    );
}

#[test]
fn a_public_database_in_public_subnets_is_exposed_on_its_port() {
    let found = exposures("public_rds");
    assert_eq!(found.len(), 1);
    let e = &found[0];
    assert_eq!(e.resource, "aws_db_instance.main");
    assert_eq!(e.services, vec![("tcp".to_string(), vec![(5432, 5432)])]);
    assert_eq!(e.path[0].detail, "publicly_accessible = true");
    assert_eq!(
        e.path.last().unwrap().address,
        "aws_vpc_security_group_ingress_rule.postgres"
    );
}

#[test]
fn ipv6_only_exposure_is_found() {
    let found = exposures("ipv6_only");
    assert_eq!(found.len(), 1);
    let e = &found[0];
    // the IPv4 range is not routed to the gateway; ::/0 is
    assert_eq!(e.sources, vec!["::/0".to_string()]);
    assert_eq!(e.services, vec![("tcp".to_string(), vec![(443, 443)])]);
    assert_eq!(e.path[0].detail, "an Elastic IP is attached");
}

#[test]
fn a_prefix_list_holding_everyone_exposes_and_an_aws_managed_one_is_unknown() {
    let found = exposures("prefix_list_open");
    assert_eq!(found.len(), 2, "{found:?}");
    let api = &found[0];
    assert_eq!(api.resource, "aws_instance.api");
    assert_eq!(api.verdict, Verdict::Reachable);
    assert_eq!(api.services, vec![("tcp".to_string(), vec![(443, 443)])]);
    assert_eq!(api.sources, vec!["0.0.0.0/0".to_string()]);
    assert_eq!(
        api.path.last().map(|h| h.address.as_str()),
        Some("aws_vpc_security_group_ingress_rule.partners_https")
    );
    let web = &found[1];
    assert_eq!(web.resource, "aws_instance.web");
    assert_eq!(web.verdict, Verdict::Unknown);
    assert_eq!(
        web.missing,
        vec![
            "aws_security_group.managed admits \"pl-0123456789abcdef0\", whose entries are not in this configuration"
                .to_string()
        ]
    );
}

#[test]
fn a_network_load_balancer_preserving_clients_exposes_targets_that_admit_them() {
    let found = exposures("nlb_client_ip");
    let names: Vec<&str> = found.iter().map(|e| e.resource.as_str()).collect();
    // the admin targets admit only the VPC range: internet clients keep
    // their addresses through the NLB and do not match
    assert_eq!(names, vec!["aws_instance.app", "aws_lb.nlb"]);
    let app = &found[0];
    assert_eq!(app.via, vec!["aws_lb.nlb".to_string()]);
    assert_eq!(app.services, vec![("tcp".to_string(), vec![(8443, 8443)])]);
    assert_eq!(app.sources, vec!["0.0.0.0/0".to_string()]);
    assert_eq!(
        kinds(app),
        vec![
            "public-address",
            "internet-gateway",
            "route",
            "network-acl",
            "listener",
            "target-group",
            "security-group"
        ]
    );
    assert_eq!(app.path[4].address, "aws_lb_listener.tcp");
    assert_eq!(
        app.path[6].detail,
        "admits the clients, whose addresses the load balancer preserves"
    );
}

#[test]
fn front_doors_outside_the_vpc_are_listed_with_their_ports_and_sources() {
    let found = exposures("front_doors");
    let summary: Vec<(&str, &str, String)> = found
        .iter()
        .map(|e| {
            (
                e.resource.as_str(),
                e.severity(),
                format!("{:?} {:?}", e.services, e.sources),
            )
        })
        .collect();
    let all = r#"["0.0.0.0/0", "::/0"]"#;
    assert_eq!(
        summary,
        vec![
            (
                "aws_api_gateway_rest_api.public",
                "medium",
                format!(r#"[("tcp", [(443, 443)])] {all}"#)
            ),
            (
                "aws_apigatewayv2_api.http",
                "medium",
                format!(r#"[("tcp", [(443, 443)])] {all}"#)
            ),
            (
                "aws_cloudfront_distribution.site",
                "medium",
                format!(r#"[("tcp", [(80, 80), (443, 443)])] {all}"#)
            ),
            (
                "aws_eks_cluster.office",
                "medium",
                r#"[("tcp", [(443, 443)])] ["198.51.100.0/24"]"#.to_string()
            ),
            (
                "aws_eks_cluster.open",
                "high",
                format!(r#"[("tcp", [(443, 443)])] {all}"#)
            ),
            (
                "aws_globalaccelerator_listener.udp",
                "high",
                format!(r#"[("udp", [(3478, 3479)])] {all}"#)
            ),
            (
                "aws_lambda_function_url.hook",
                "high",
                format!(r#"[("tcp", [(443, 443)])] {all}"#)
            ),
        ]
    );
    let site = &found[2];
    assert_eq!(kinds(site), vec!["front-door", "origin"]);
    assert_eq!(site.path[1].address, "aws_s3_bucket.site");
}

#[test]
fn targets_behind_load_balancers_are_reached_in_two_hops() {
    let found = exposures("load_balancers");
    let summary: Vec<(&str, Vec<String>, String)> = found
        .iter()
        .map(|e| {
            (
                e.resource.as_str(),
                e.via.clone(),
                format!("{:?}", e.services),
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            (
                "aws_ecs_service.api",
                vec!["aws_lb.web".to_string()],
                r#"[("tcp", [(8080, 8080)])]"#.to_string()
            ),
            (
                "aws_elb.legacy",
                vec![],
                r#"[("tcp", [(80, 80)])]"#.to_string()
            ),
            (
                "aws_instance.legacy",
                vec!["aws_elb.legacy".to_string()],
                r#"[("tcp", [(8000, 8000)])]"#.to_string()
            ),
            (
                "aws_lb.web",
                vec![],
                r#"[("tcp", [(443, 443)])]"#.to_string()
            ),
        ]
    );
    let api = &found[0];
    assert_eq!(
        kinds(api),
        vec![
            "public-address",
            "internet-gateway",
            "route",
            "network-acl",
            "listener",
            "security-group",
            "target-group",
            "security-group"
        ]
    );
    assert_eq!(api.path[7].address, "aws_security_group.tasks.ingress[0]");
    assert_eq!(
        api.path[7].detail,
        "admits the load balancer's security group"
    );
    assert_eq!(api.severity(), "medium");
    let legacy = &found[2];
    assert_eq!(
        legacy.path.last().unwrap().detail,
        "admits the load balancer's subnets"
    );
}

#[test]
fn auto_scaling_groups_and_ecs_tasks_with_public_addresses_are_exposed() {
    let found = exposures("public_workloads");
    let names: Vec<&str> = found.iter().map(|e| e.resource.as_str()).collect();
    assert_eq!(
        names,
        vec![
            "aws_autoscaling_group.workers",
            "aws_ecs_service.public_task"
        ]
    );
    assert_eq!(found[0].path[0].address, "aws_launch_template.workers");
    assert_eq!(
        found[0].path[0].detail,
        "the launch template's network interface asks for a public IP"
    );
    assert_eq!(found[1].path[0].detail, "assign_public_ip = true");
    assert_eq!(found[0].severity(), "high");
}

/// The engine remembers answers per graph and thread; a graph loaded after
/// another was freed (at the same addresses, as often as not) is judged on
/// its own: the same resources, public then private then public again.
#[test]
fn answers_remembered_for_one_graph_never_serve_the_next() {
    for _ in 0..3 {
        assert_eq!(exposures("exposed_instance").len(), 1);
        assert!(exposures("no_public_ip").is_empty());
        assert!(exposures("no_igw_route").is_empty());
    }
}

/// What is reachable stays reachable, or becomes undecidable, when any
/// setting of any resource of the fixture (the workload, its subnet, route
/// table, gateway, security groups, ACLs) is not determined by the code —
/// never silently safe.
#[test]
fn an_exposure_never_vanishes_when_a_setting_is_unknown() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut cases: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    cases.sort();
    let mut lost = Vec::new();
    for case in cases {
        let mut graph = load(std::slice::from_ref(&case), &LoadOptions::default());
        cloudwright_network::topology::forget();
        let reachable: Vec<String> = internet_exposure(&graph)
            .into_iter()
            .filter(|e| e.verdict == Verdict::Reachable)
            .map(|e| e.resource)
            .collect();
        let name = case.file_name().unwrap().to_string_lossy().to_string();
        for i in 0..graph.resources.len() {
            let address = graph.resources[i].address.to_string();
            cloudwright_model::testing::with_each_unknown(&mut graph, i, |graph, label, _| {
                cloudwright_network::topology::forget();
                let now = internet_exposure(graph);
                for r in &reachable {
                    if !now.iter().any(|e| e.resource == *r) {
                        lost.push(format!(
                            "{name}: {r} is safe when {address}.{label} is unknown"
                        ));
                    }
                }
                // and nothing becomes reachable on a guess
                for e in now.iter().filter(|e| e.verdict == Verdict::Reachable) {
                    if !reachable.contains(&e.resource) {
                        lost.push(format!(
                            "{name}: {} is reachable when {address}.{label} is unknown",
                            e.resource
                        ));
                    }
                }
            });
        }
    }
    assert!(
        lost.is_empty(),
        "{} exposures vanish silently or appear on a guess:\n{}",
        lost.len(),
        lost.join("\n")
    );
}

/// Terragrunt units: the bastion's unit places it in a subnet of the
/// network unit (a `dependency` output); the path to the internet runs
/// through the other unit's route table and gateway.
#[test]
fn an_exposure_path_runs_through_another_terragrunt_unit() {
    let found = exposures("terragrunt_units");
    assert_eq!(found.len(), 1, "{found:?}");
    let e = &found[0];
    assert_eq!(
        (e.root.as_str(), e.resource.as_str()),
        ("live/bastion", "aws_instance.bastion")
    );
    assert_eq!(e.verdict, Verdict::Reachable);
    assert_eq!(
        kinds(e),
        vec![
            "public-address",
            "internet-gateway",
            "route",
            "network-acl",
            "security-group"
        ]
    );
    assert_eq!(e.path[2].address, "aws_route_table.public");
    assert_eq!(e.path[2].detail, "route[0]: 0.0.0.0/0 → internet gateway");
    // each hop says whose it is: the network unit's route, the bastion's own address
    assert_eq!(e.path[2].root.as_deref(), Some("live/network"));
    assert_eq!(e.path[0].root.as_deref(), Some("live/bastion"));
    // a security-group rule's hop too
    assert_eq!(e.path[4].root.as_deref(), Some("live/bastion"));
}
