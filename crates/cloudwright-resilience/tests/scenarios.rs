//! AZ and region scenarios and recovery objectives on fixture trees.

use cloudwright_resilience::{simulate, Report, Status};
use cloudwright_terraform::{load, LoadOptions};
use std::path::Path;

fn report(case: &str) -> Report {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(case);
    let graph = load(&[dir], &LoadOptions::default());
    let errors: Vec<_> = graph
        .diagnostics
        .iter()
        .filter(|d| d.severity == cloudwright_model::Severity::Error)
        .collect();
    assert!(errors.is_empty(), "{errors:?}");
    simulate(&graph)
}

fn status(r: &Report, scenario: &str, entry: &str) -> (Status, Option<u8>, String) {
    let s = r.scenarios.iter().find(|s| s.name == scenario).unwrap();
    let e = s.entry_points.iter().find(|e| e.address == entry).unwrap();
    (e.status.clone(), e.capacity_pct, e.reason.clone())
}

#[test]
fn a_three_az_service_survives_any_az_loss_with_two_thirds_of_its_capacity() {
    let r = report("stacks");
    for az in ["eu-west-1a", "eu-west-1b", "eu-west-1c"] {
        let (st, cap, why) = status(&r, az, "aws_lb.this[\"resilient\"]");
        assert_eq!(st, Status::Degraded, "{az}: {why}");
        assert_eq!(cap, Some(66));
        assert!(!why.contains("egress"), "{why}");
    }
}

#[test]
fn a_single_nat_gateway_takes_the_other_azs_egress_with_it() {
    let r = report("stacks");
    let (st, _, why) = status(&r, "eu-west-1a", "aws_lb.this[\"single_nat\"]");
    assert_eq!(st, Status::Degraded);
    assert!(
        why.contains("aws_nat_gateway.this[\"single-eu-west-1a\"] in eu-west-1a carries the egress of subnets in eu-west-1b, eu-west-1c"),
        "{why}"
    );
    // losing another AZ leaves egress alone
    let (_, _, why) = status(&r, "eu-west-1b", "aws_lb.this[\"single_nat\"]");
    assert!(!why.contains("egress"), "{why}");
}

#[test]
fn a_nat_gateway_whose_zone_is_unknown_may_take_the_egress_with_any_zone() {
    let r = report("nat_unknown");
    // its compute is in eu-west-1b and eu-west-1c; the NAT gateway may be
    // in eu-west-1a
    let (st, _, why) = status(&r, "eu-west-1a", "aws_lb.app");
    assert_eq!(st, Status::Unknown, "{why}");
    assert!(
        why.contains("the egress of aws_subnet.private[\"b\"] goes through aws_nat_gateway.this, whose zone is not known"),
        "{why}"
    );
    // where the compute is hit, it is degraded either way
    let (st, cap, why) = status(&r, "eu-west-1b", "aws_lb.app");
    assert_eq!((st, cap), (Status::Degraded, Some(50)), "{why}");

    // the NAT gateway in eu-west-1a, but the private routes not known
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/nat_unknown");
    let options = LoadOptions {
        vars: vec!["nat_zone=eu-west-1a".into()],
        ..Default::default()
    };
    let mut graph = load(&[dir], &options);
    let i = graph
        .resources
        .iter()
        .position(|r| r.address == "aws_route_table.private")
        .unwrap();
    let mut attributes = graph.resources[i]
        .attributes
        .as_object()
        .unwrap()
        .to_fields();
    attributes.insert("route", cloudwright_model::Value::unknown());
    graph.resources[i].attributes = cloudwright_model::Value::map(attributes);
    let r = simulate(&graph);
    let (st, _, why) = status(&r, "eu-west-1a", "aws_lb.app");
    assert_eq!(st, Status::Unknown, "{why}");
    assert!(
        why.contains("the egress of aws_subnet.private[\"b\"] is not known"),
        "{why}"
    );
}

/// Zones from `data.aws_availability_zones` are played by their place in
/// the list: two places are two zones, one place one zone; a service also
/// in a zone written by name is judged only where the answer does not
/// depend on which zone that is.
#[test]
fn zones_a_data_source_lists_are_played_by_their_place() {
    let r = report("data_zones");
    let first = "data.aws_availability_zones.available.names[0]";
    let second = "data.aws_availability_zones.available.names[1]";
    let names: Vec<&str> = r
        .scenarios
        .iter()
        .filter(|s| s.kind == "az")
        .map(|s| s.name.as_str())
        .collect();
    assert_eq!(names, [first, second]);
    for zone in [first, second] {
        let (st, cap, why) = status(&r, zone, "aws_lb.app");
        assert_eq!((st, cap), (Status::Degraded, Some(50)), "{zone}: {why}");
    }
    assert_eq!(status(&r, first, "aws_lb.one").0, Status::Down);
    assert_eq!(status(&r, second, "aws_lb.one").0, Status::Serving);
    // in eu-west-1a and the first listed zone: down with the first (its
    // only target is there), unknown with the second (eu-west-1a may be it)
    assert_eq!(status(&r, first, "aws_lb.mixed").0, Status::Down);
    let (st, _, why) = status(&r, second, "aws_lb.mixed");
    assert_eq!(st, Status::Unknown);
    assert_eq!(
        why,
        "aws_lb.mixed is in zones written by name and the zones data.aws_availability_zones.available lists, which cannot be compared (any of the listed zones may be one named)"
    );
    let spof: Vec<(&str, &str)> = r
        .single_points_of_failure
        .iter()
        .map(|s| (s.address.as_str(), s.scenario.as_str()))
        .collect();
    assert_eq!(
        spof,
        [
            (
                "aws_lb.mixed",
                "loss of data.aws_availability_zones.available.names[0]"
            ),
            (
                "aws_lb.one",
                "loss of data.aws_availability_zones.available.names[0]"
            )
        ]
    );
}

#[test]
fn a_single_az_database_and_a_single_instance_go_down() {
    let r = report("stacks");
    let (st, _, why) = status(&r, "eu-west-1b", "aws_lb.this[\"single_db\"]");
    assert_eq!(st, Status::Down);
    assert!(
        why.contains("aws_db_instance.this[\"single_db\"] is a single-AZ database in eu-west-1b"),
        "{why}"
    );
    assert_eq!(
        status(&r, "eu-west-1a", "aws_lb.this[\"single_db\"]").0,
        Status::Degraded
    );
    for az in ["eu-west-1a", "eu-west-1b", "eu-west-1c"] {
        assert_eq!(status(&r, az, "aws_lb.this[\"one_box\"]").0, Status::Down);
    }
    let spof: Vec<(&str, &str)> = r
        .single_points_of_failure
        .iter()
        .map(|s| (s.address.as_str(), s.scenario.as_str()))
        .collect();
    assert!(spof.contains(&("aws_lb.this[\"single_db\"]", "loss of eu-west-1b")));
    assert!(spof.contains(&("aws_lb.this[\"one_box\"]", "loss of eu-west-1a")));
}

#[test]
fn unknown_placement_is_unknown_never_surviving() {
    let r = report("stacks");
    let (st, _, why) = status(&r, "eu-west-1a", "aws_lb.unplaced");
    assert_eq!(st, Status::Unknown);
    assert_eq!(why, "aws_lb.unplaced.subnets is not known from the code");
}

#[test]
fn a_region_failure_fails_over_only_with_a_record_to_another_region() {
    let r = report("regions");
    let (st, _, why) = status(&r, "eu-west-1", "aws_lb.primary");
    assert_eq!(st, Status::Degraded);
    assert_eq!(
        why,
        "aws_route53_record.secondary fails over to aws_lb.standby in eu-central-1"
    );
    let r = report("stacks");
    let (st, _, why) = status(&r, "eu-west-1", "aws_lb.this[\"resilient\"]");
    assert_eq!(st, Status::Down);
    assert!(
        why.contains("no failover record to another region"),
        "{why}"
    );
}

/// (address, RPO, RTO, standby region, violations)
type Row<'a> = (
    &'a str,
    Option<u64>,
    Option<u64>,
    Option<&'a str>,
    Vec<&'a str>,
);

#[test]
fn recovery_points_and_times_per_data_store_against_objectives() {
    let r = report("regions");
    let got: Vec<Row> = r
        .data_stores
        .iter()
        .map(|d| {
            (
                d.address.as_str(),
                d.rpo_seconds,
                d.rto_seconds,
                d.standby_region.as_deref(),
                d.violations.iter().map(String::as_str).collect(),
            )
        })
        .collect();
    assert_eq!(
        got,
        vec![
            (
                "aws_db_instance.legacy",
                None,
                Some(2400),
                None,
                vec!["RPO objective 1h but no recovery point (backup_retention_period = 0: no automated backups; single-AZ: restore)"]
            ),
            ("aws_db_instance.orders", Some(300), Some(120), Some("eu-central-1"), vec![]),
            ("aws_dynamodb_table.events", Some(86400), Some(3600), None, vec![]),
            (
                "aws_dynamodb_table.sessions",
                Some(300),
                Some(3600),
                Some("eu-central-1"),
                vec!["RPO 5m exceeds the objective 1m"]
            ),
            ("aws_elasticache_replication_group.cache", Some(86400), Some(60), None, vec![]),
        ]
    );
}

#[test]
fn durations_read_as_people_write_them() {
    use cloudwright_resilience::recovery::{duration, human};
    assert_eq!(duration("15m"), Some(900));
    assert_eq!(duration("1h"), Some(3600));
    assert_eq!(duration("4 hours"), Some(14400));
    assert_eq!(duration("1d"), Some(86400));
    assert_eq!(duration("0"), Some(0));
    assert_eq!(duration("soon"), None);
    assert_eq!(human(5400), "90m");
    assert_eq!(human(86400), "1d");
}

#[test]
fn a_region_failover_serves_only_where_the_data_has_a_copy_elsewhere() {
    let r = report("dr");
    let (st, _, why) = status(&r, "eu-west-1", "aws_lb.this[\"replicated\"]");
    assert_eq!(st, Status::Degraded, "{why}");
    assert_eq!(
        why,
        "aws_route53_record.secondary[\"replicated\"] fails over to aws_lb.standby[\"replicated\"] in eu-central-1"
    );
    let (st, _, why) = status(&r, "eu-west-1", "aws_lb.this[\"stranded\"]");
    assert_eq!(st, Status::Down);
    assert!(
        why.ends_with(
            "but aws_db_instance.this[\"stranded\"], aws_msk_cluster.events have no copies outside eu-west-1"
        ),
        "{why}"
    );
    // an AZ of eu-west-1 is not a scenario for the standby in eu-central-1
    let az = r.scenarios.iter().find(|s| s.name == "eu-west-1a").unwrap();
    assert!(az
        .entry_points
        .iter()
        .all(|e| !e.address.starts_with("aws_lb.standby")));
}

#[test]
fn apis_reach_their_functions_and_the_stores_named_in_their_environment() {
    let r = report("dr");
    // Lambda outside a VPC and DynamoDB are regional: no AZ takes them down
    for az in ["eu-west-1a", "eu-west-1b", "eu-west-1c"] {
        assert_eq!(
            status(&r, az, "aws_apigatewayv2_api.http").0,
            Status::Serving
        );
    }
    // a function pinned to one subnet goes with its AZ
    let (st, _, why) = status(&r, "eu-west-1a", "aws_api_gateway_rest_api.legacy");
    assert_eq!(st, Status::Down);
    assert_eq!(
        why,
        "aws_lambda_function.pinned runs in subnets of eu-west-1a only"
    );
    assert_eq!(
        status(&r, "eu-west-1b", "aws_api_gateway_rest_api.legacy").0,
        Status::Serving
    );
    let http = r
        .availability
        .iter()
        .find(|a| a.address == "aws_apigatewayv2_api.http")
        .unwrap();
    let parts: Vec<&str> = http.components.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        parts,
        vec![
            "aws_apigatewayv2_api.http",
            "aws_dynamodb_table.orders",
            "aws_lambda_function.api"
        ]
    );
}

#[test]
fn composite_availability_multiplies_serial_slas_and_checks_the_target() {
    let r = report("dr");
    let a = |address: &str| {
        r.availability
            .iter()
            .find(|a| a.address == address)
            .unwrap()
            .clone()
    };
    // ELB 99.99 × (ASG in three AZs: region-level 99.99) × RDS Multi-AZ 99.95
    let replicated = a("aws_lb.this[\"replicated\"]");
    let want = (0.9999f64 * 0.9999 * 0.9995 * 1e6).round() / 1e4;
    assert_eq!(replicated.percent, Some(want));
    assert_eq!(
        replicated.weakest,
        Some(("aws_db_instance.this[\"replicated\"]".to_string(), 99.95))
    );
    assert_eq!(replicated.target, Some(99.9));
    assert_eq!(replicated.meets_target, Some(true));
    // the stranded service also writes to Kafka (MSK, 99.9), which its
    // security group admits it to: the weakest link
    let stranded = a("aws_lb.this[\"stranded\"]");
    assert_eq!(
        stranded.weakest,
        Some(("aws_msk_cluster.events".to_string(), 99.9))
    );
    assert_eq!(stranded.target, Some(99.99));
    assert_eq!(stranded.meets_target, Some(false));
    // API Gateway 99.95 × Lambda 99.95 × DynamoDB 99.99
    let http = a("aws_apigatewayv2_api.http");
    assert_eq!(
        http.percent,
        Some((0.9995f64 * 0.9995 * 0.9999 * 1e6).round() / 1e4)
    );
    // single-instance compute takes the instance-level SLA
    let stacks = report("stacks");
    let one_box = stacks
        .availability
        .iter()
        .find(|a| a.address == "aws_lb.this[\"one_box\"]")
        .unwrap();
    assert!(one_box
        .components
        .iter()
        .any(|(c, s)| c == "aws_autoscaling_group.this[\"one_box\"]" && s.kind == "ec2-region"));
    let single_db = stacks
        .availability
        .iter()
        .find(|a| a.address == "aws_lb.this[\"single_db\"]")
        .unwrap();
    assert_eq!(
        single_db.weakest,
        Some(("aws_db_instance.this[\"single_db\"]".to_string(), 99.5))
    );
    // unknown placement: no estimate
    let unplaced = stacks
        .availability
        .iter()
        .find(|a| a.address == "aws_lb.unplaced")
        .unwrap();
    assert_eq!(unplaced.percent, None);
}

#[test]
fn global_front_doors_follow_their_origins_and_endpoints() {
    let r = report("dr");
    // an origin group fails over: the distribution serves through every scenario
    for s in ["eu-west-1a", "eu-west-1", "eu-central-1"] {
        assert_eq!(
            status(&r, s, "aws_cloudfront_distribution.failover").0,
            Status::Serving,
            "{s}"
        );
    }
    // one origin: the distribution is what its origin is
    assert_eq!(
        status(&r, "eu-west-1b", "aws_cloudfront_distribution.single").0,
        Status::Degraded
    );
    let (st, _, why) = status(&r, "eu-west-1", "aws_cloudfront_distribution.single");
    assert_eq!(st, Status::Down);
    assert!(
        why.contains("aws_db_instance.this[\"stranded\"], aws_msk_cluster.events have no copies outside eu-west-1"),
        "{why}"
    );
    // the accelerator routes to the endpoint group in the other region
    assert_eq!(
        status(&r, "eu-west-1", "aws_globalaccelerator_accelerator.ga").0,
        Status::Serving
    );
    // CloudFront 99.9 × its origin's composite
    let single = r
        .availability
        .iter()
        .find(|a| a.address == "aws_cloudfront_distribution.single")
        .unwrap();
    let origin = 0.9999f64 * 0.9999 * 0.9995 * 0.999;
    assert_eq!(single.percent, Some((0.999 * origin * 1e6).round() / 1e4));
    // a standby whose placement is unknown leaves the estimate unknown
    let failover = r
        .availability
        .iter()
        .find(|a| a.address == "aws_cloudfront_distribution.failover")
        .unwrap();
    assert_eq!(failover.percent, None);
}

#[test]
fn a_role_granting_access_to_a_table_makes_it_a_dependency() {
    let r = report("dr");
    let audit = r
        .availability
        .iter()
        .find(|a| a.address == "aws_apigatewayv2_api.audit")
        .unwrap();
    let parts: Vec<&str> = audit.components.iter().map(|(a, _)| a.as_str()).collect();
    assert_eq!(
        parts,
        vec![
            "aws_apigatewayv2_api.audit",
            "aws_dynamodb_table.audit",
            "aws_lambda_function.writer"
        ]
    );
}

#[test]
fn declared_services_add_what_the_code_cannot_show() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/dr");
    let graph = load(&[dir], &LoadOptions::default());
    let declared = vec![
        cloudwright_resilience::DeclaredService {
            entry: "aws_lb.this[\"replicated\"]".into(),
            depends_on: vec![
                "aws_dynamodb_table.audit".into(),
                "aws_sqs_queue.nowhere".into(),
            ],
        },
        cloudwright_resilience::DeclaredService {
            entry: "aws_lb.gone".into(),
            depends_on: vec![],
        },
    ];
    let r = cloudwright_resilience::simulate_with(
        &graph,
        &cloudwright_resilience::Options {
            services: declared,
            ..Default::default()
        },
    );
    let replicated = r
        .availability
        .iter()
        .find(|a| a.address == "aws_lb.this[\"replicated\"]")
        .unwrap();
    assert!(replicated
        .components
        .iter()
        .any(|(a, _)| a == "aws_dynamodb_table.audit"));
    assert_eq!(
        r.notes,
        vec![
            "cloudwright.toml says aws_lb.this[\"replicated\"] depends on aws_sqs_queue.nowhere, which is not in its root module",
            "cloudwright.toml declares the service aws_lb.gone, which is not in the configuration",
        ]
    );
}

#[test]
fn the_recovery_model_is_the_teams_to_set() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/regions");
    let graph = load(&[dir], &LoadOptions::default());
    let mut model = cloudwright_resilience::RecoveryModel::default();
    model.set("restore_base", "45m").unwrap();
    model.set("restore_per_gb", "10s").unwrap();
    assert!(model.set("restore_base", "soon").is_err());
    assert!(model.set("teleport", "1m").is_err());
    let stores = cloudwright_resilience::recovery::recovery_with(&graph, &model);
    let legacy = stores
        .iter()
        .find(|d| d.address == "aws_db_instance.legacy")
        .unwrap();
    // single-AZ, 100 GB: 45 minutes + 10 s per GB
    assert_eq!(legacy.rto_seconds, Some(45 * 60 + 10 * 100));
}

/// (scenario, entry point) of every entry point whose status `keep` accepts.
fn judged(r: &Report, keep: impl Fn(&Status) -> bool) -> Vec<(String, String)> {
    r.scenarios
        .iter()
        .flat_map(|s| {
            s.entry_points
                .iter()
                .filter(|e| keep(&e.status))
                .map(move |e| (s.name.clone(), e.address.to_string()))
        })
        .collect()
}

/// Whether `entry` is judged in `scenario` with a status `keep` accepts.
fn in_scenario(r: &Report, scenario: &str, entry: &str, keep: impl Fn(&Status) -> bool) -> bool {
    r.scenarios
        .iter()
        .filter(|s| s.name == scenario)
        .flat_map(|s| &s.entry_points)
        .any(|e| e.address == entry && keep(&e.status))
}

/// What an outage takes down or degrades stays so, or becomes unknown, or
/// the entry point is listed as not judged, when any setting of any
/// resource of the fixtures is not determined by the code — never
/// silently "serving"; and nothing goes down on a guess.
#[test]
fn an_outage_never_turns_into_serving_when_a_setting_is_unknown() {
    let mut lost = Vec::new();
    for case in ["stacks", "regions", "dr", "nat_unknown", "data_zones"] {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/fixtures")
            .join(case);
        let mut graph = load(&[dir], &LoadOptions::default());
        let baseline = simulate(&graph);
        let standing = judged(&baseline, |st| *st != Status::Down);
        let hurt = judged(&baseline, |st| {
            matches!(st, Status::Down | Status::Degraded)
        });
        assert!(!hurt.is_empty(), "{case}: no outage to keep");
        for i in 0..graph.resources.len() {
            let address = graph.resources[i].address.to_string();
            cloudwright_model::testing::with_each_unknown(&mut graph, i, |graph, label, _| {
                let now = simulate(graph);
                for (scenario, entry) in &hurt {
                    // a scenario that no longer exists (its zone was named
                    // only by the setting made unknown) leaves the entry
                    // unknown in every other of its kind
                    let kind = &baseline
                        .scenarios
                        .iter()
                        .find(|s| s.name == *scenario)
                        .unwrap()
                        .kind;
                    let vanished = !now.scenarios.iter().any(|s| s.name == *scenario);
                    let unknown_elsewhere = now
                        .scenarios
                        .iter()
                        .filter(|s| s.kind == *kind)
                        .flat_map(|s| s.entry_points.iter().filter(|e| e.address == *entry))
                        .all(|e| e.status == Status::Unknown);
                    let still = in_scenario(&now, scenario, entry, |st| *st != Status::Serving)
                        || now.unplaced.iter().any(|u| u.address == *entry)
                        || (vanished && unknown_elsewhere);
                    if !still {
                        lost.push(format!(
                            "{case}: {entry} serves in {scenario} when {address}.{label} is unknown"
                        ));
                    }
                }
                // and nothing goes down on a guess
                for (scenario, entry) in &standing {
                    let down = in_scenario(&now, scenario, entry, |st| *st == Status::Down);
                    if down {
                        lost.push(format!(
                            "{case}: {entry} is down in {scenario} when {address}.{label} is unknown"
                        ));
                    }
                }
            });
        }
    }
    assert!(
        lost.is_empty(),
        "{} outages vanish silently or appear on a guess:\n{}",
        lost.len(),
        lost.join("\n")
    );
}

#[test]
fn a_store_that_may_depend_on_a_service_unseen_makes_its_outages_unknown() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/stacks");
    let mut graph = load(&[dir], &LoadOptions::default());
    let lb = "aws_lb.this[\"resilient\"]";
    assert_eq!(
        status(&simulate(&graph), "eu-west-1a", lb).0,
        Status::Degraded
    );
    // the database's group admits groups the code does not determine
    let i = graph
        .resources
        .iter()
        .position(|r| r.address == "aws_security_group.db[\"resilient\"]")
        .unwrap();
    let attributes = graph.resources[i].attributes.clone();
    let (_, _, changed) =
        cloudwright_model::testing::unknown_variants(attributes.as_object().unwrap())
            .into_iter()
            .find(|(label, ..)| label == "ingress[0].security_groups")
            .unwrap();
    graph.resources[i].attributes = cloudwright_model::Value::Map(changed);
    let r = simulate(&graph);
    let (s, capacity, reason) = status(&r, "eu-west-1a", lb);
    assert_eq!(s, Status::Unknown);
    assert_eq!(capacity, None);
    assert_eq!(
        reason,
        "an ingress rule's security_groups of aws_security_group.db[\"resilient\"] is not known from the code"
    );
    let a = r.availability.iter().find(|a| a.address == lb).unwrap();
    assert_eq!(a.percent, None);
}

/// Terragrunt units: a load balancer and its instance in one unit, placed
/// in the network unit's subnet (a `dependency` output), are in that
/// subnet's zone.
#[test]
fn placement_runs_through_another_terragrunt_unit() {
    let r = report("terragrunt_units");
    let (st, _, why) = status(&r, "eu-west-1a", "aws_lb.b");
    assert_eq!(st, Status::Down);
    assert_eq!(
        why,
        "aws_lb.b has subnets in eu-west-1a only; aws_instance.bastion is a single instance in eu-west-1a"
    );
}
