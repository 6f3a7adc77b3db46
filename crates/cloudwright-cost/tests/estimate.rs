//! The estimate of a fixture tree against hand-computed expectations:
//! quantity × the catalogue's unit price, through count, for_each,
//! modules, tiers, Multi-AZ, usage inputs and unknowns.

use cloudwright_cost::{estimate, Catalogue, Estimate, Usage};
use cloudwright_terraform::{load, LoadOptions};
use std::path::Path;

fn fixture(name: &str) -> std::path::PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn priced() -> Estimate {
    let dir = fixture("priced");
    let graph = load(std::slice::from_ref(&dir), &LoadOptions::default());
    let usage = Usage::read(&dir.join("cloudwright-usage.yml")).unwrap();
    estimate(&graph, &Catalogue::embedded(), &usage)
}

fn cost(e: &Estimate, address: &str) -> f64 {
    e.resources
        .iter()
        .find(|r| r.address == address)
        .unwrap_or_else(|| panic!("{address} is not priced: {:?}", e.unpriced))
        .monthly_cost
}

fn close(a: f64, b: f64) -> bool {
    (a - b).abs() < 1e-6 * b.abs().max(1.0)
}

#[test]
fn every_resource_costs_its_quantity_times_the_catalogue_price() {
    let e = priced();
    let h = 730.0;
    let web = 0.096 * h + 50.0 * 0.08 + 1000.0 * 0.005 + 125.0 / 1024.0 * 40.96 + 7.0 * 0.30;
    let io2_iops = 32_000.0 * 0.065 + 8_000.0 * 0.0455;
    let expected: &[(&str, f64)] = &[
        ("aws_instance.web[0]", web),
        ("aws_instance.web[1]", web),
        ("aws_instance.web[2]", web),
        ("aws_ebs_volume.data[\"a\"]", 100.0 * 0.125 + io2_iops),
        ("aws_ebs_volume.data[\"b\"]", 200.0 * 0.125 + io2_iops),
        ("aws_ebs_volume.cold", 500.0 * 0.10),
        ("aws_eip.nat", 0.005 * h),
        // its own region, not its provider's (Sydney)
        ("aws_instance.own_region", 0.0114 * h),
        ("aws_nat_gateway.main", 0.045 * h + 1000.0 * 0.045),
        // 50 new connections/s = 2 LCU, 0.5 GB/h = 0.5 LCU: the larger counts
        ("aws_lb.web", 0.0225 * h + 2.0 * h * 0.008),
        ("aws_lb.tcp", 0.0225 * h),
        // Multi-AZ: instance, storage and IOPS at the Multi-AZ prices
        (
            "aws_db_instance.orders",
            0.356 * h + 100.0 * 0.25 + 3000.0 * 0.20,
        ),
        ("aws_db_instance.legacy", 0.068 * h + 20.0 * 0.115),
        ("aws_rds_cluster.aurora", 0.0),
        ("aws_rds_cluster_instance.aurora[0]", 0.26 * h),
        ("aws_rds_cluster_instance.aurora[1]", 0.26 * h),
        ("aws_elasticache_replication_group.cache", 0.206 * h * 2.0),
        (
            "aws_dynamodb_table.provisioned",
            5.0 * h * 0.00065 + 10.0 * h * 0.00013 + 10.0 * 0.25,
        ),
        (
            "aws_dynamodb_table.on_demand",
            4e6 * 0.000000625 + 20e6 * 0.000000125 + 10.0 * 0.25,
        ),
        // 60,000 GB: the first 51,200 at $0.023, the rest at $0.022
        (
            "aws_s3_bucket.big",
            51_200.0 * 0.023 + 8_800.0 * 0.022 + 1e6 * 0.000005 + 1e7 * 0.0000004,
        ),
        (
            "aws_lambda_function.api",
            1e7 * 0.0000002 + 1e7 * 0.2 * 0.5 * 0.0000166667,
        ),
        ("aws_eks_cluster.main", 0.10 * h),
        ("aws_cloudwatch_log_group.app", 100.0 * 0.50 + 500.0 * 0.03),
        ("aws_kms_key.data", 1.0),
        ("aws_secretsmanager_secret.db", 0.40),
        ("aws_vpc_endpoint.sm", 3.0 * h * 0.01),
        ("aws_route53_zone.main", 0.50),
        ("aws_sqs_queue.jobs", 0.0),
        (
            "module.app.aws_autoscaling_group.app",
            4.0 * h * 0.085 + 4.0 * 30.0 * 0.08,
        ),
        (
            "module.app.aws_ecs_service.worker",
            0.5 * 3.0 * h * 0.04048 + 1.0 * 3.0 * h * 0.004445,
        ),
    ];
    for (address, want) in expected {
        let got = cost(&e, address);
        assert!(close(got, *want), "{address}: {got} != {want}");
    }
    let priced: Vec<&str> = e.resources.iter().map(|r| r.address.as_str()).collect();
    assert_eq!(priced.len(), expected.len(), "{priced:?}");
    let total: f64 = expected.iter().map(|(_, c)| c).sum();
    assert!(close(e.total_monthly_cost, total));
}

#[test]
fn what_cannot_be_priced_is_listed_with_the_reason_never_at_zero() {
    let e = priced();
    let reasons: Vec<(&str, &str)> = e
        .unpriced
        .iter()
        .map(|u| (u.address.as_str(), u.reason.as_str()))
        .collect();
    assert_eq!(
        reasons,
        vec![
            (
                "aws_db_instance.oracle",
                "aws_db_instance.oracle: the oracle-ee engine is licence-priced and not in the catalogue"
            ),
            (
                "aws_imagebuilder_pipeline.unsupported",
                "aws_imagebuilder_pipeline is not priced by Cloudwright yet"
            ),
            (
                "aws_instance.elsewhere",
                "no price in the catalogue for ap-southeast-2 for Instance usage (Linux/UNIX, on-demand, t3.micro) (AmazonEC2 Compute Instance instanceType=t3.micro (Hrs))"
            ),
            (
                "aws_instance.from_template",
                "aws_instance.from_template takes its instance type from a launch template; set instance_type to price it"
            ),
            (
                "aws_instance.no_type",
                "aws_instance.no_type sets no instance_type and no launch template (the AWS provider requires one): nothing to price"
            ),
            (
                "aws_instance.own_region_unpriced",
                "no price in the catalogue for ap-southeast-2 for Instance usage (Linux/UNIX, on-demand, t3.micro) (AmazonEC2 Compute Instance instanceType=t3.micro (Hrs))"
            ),
            (
                "aws_instance.region_unset",
                "the region of provider aws.somewhere is not known from the code (from var.unset_region)"
            ),
            (
                "aws_instance.unknown_type",
                "aws_instance.unknown_type.instance_type is not known from the code (from var.unset_type)"
            ),
        ]
    );
    // the VPC, the IAM role, the launch template, the task definition and
    // the gateway endpoint are free
    assert_eq!(e.free, 5);
}

#[test]
fn usage_based_components_without_usage_show_their_price_and_stay_out_of_totals() {
    let e = priced();
    let sqs = e
        .resources
        .iter()
        .find(|r| r.address == "aws_sqs_queue.jobs")
        .unwrap();
    let c = &sqs.components[0];
    assert_eq!(c.quantity, None);
    assert_eq!(c.monthly_cost, None);
    assert!(c.usage_based);
    assert_eq!(c.unit_price, 0.0000004);
    assert_eq!(c.usage_keys, Some("monthly_requests"));
    // with the usage: tiered S3 storage shows its blended price
    let s3 = e
        .resources
        .iter()
        .find(|r| r.address == "aws_s3_bucket.big")
        .unwrap();
    assert_eq!(s3.components[0].quantity, Some(60_000.0));
    assert!(close(
        s3.components[0].unit_price,
        (51_200.0 * 0.023 + 8_800.0 * 0.022) / 60_000.0
    ));
}

#[test]
fn infracost_usage_files_price_the_same() {
    let dir = fixture("priced");
    let graph = load(std::slice::from_ref(&dir), &LoadOptions::default());
    let infracost = Usage::parse(
        "version: 0.1\nresource_usage:\n  aws_nat_gateway.main:\n    monthly_data_processed_gb: 1000\n  aws_lambda_function.api[*]:\n    monthly_requests: 10000000\n    request_duration_ms: 200\n",
        "infracost-usage.yml",
    )
    .unwrap();
    let e = estimate(&graph, &Catalogue::embedded(), &infracost);
    assert!(close(
        cost(&e, "aws_nat_gateway.main"),
        0.045 * 730.0 + 45.0
    ));
    assert!(close(
        cost(&e, "aws_lambda_function.api"),
        2.0 + 1e7 * 0.2 * 0.5 * 0.0000166667
    ));
}

/// The other priced types, one by one (us-east-1, with a usage file).
#[test]
fn every_other_priced_type_against_hand_computed_figures() {
    let dir = fixture("priced-more");
    let graph = load(std::slice::from_ref(&dir), &LoadOptions::default());
    let usage = Usage::read(&dir.join("cloudwright-usage.yml")).unwrap();
    let e = estimate(&graph, &Catalogue::embedded(), &usage);
    assert!(e.unpriced.is_empty(), "{:?}", e.unpriced);
    let h = 730.0;
    let expected: &[(&str, f64)] = &[
        ("aws_ebs_volume.src", 80.0 * 0.08),
        ("aws_ebs_snapshot.daily", 80.0 * 0.05),
        (
            "aws_eks_node_group.workers",
            0.192 * h * 3.0 + 50.0 * 3.0 * 0.10,
        ),
        (
            "aws_eks_fargate_profile.jobs",
            1000.0 * 0.04048 + 2000.0 * 0.004445,
        ),
        ("aws_lambda_function.worker", 0.0),
        (
            "aws_lambda_provisioned_concurrency_config.worker",
            2.0 * h * 3600.0 * 0.0000041667,
        ),
        ("aws_elb.legacy", 0.025 * h + 100.0 * 0.008),
        ("aws_alb.old_name", 0.0225 * h),
        ("aws_lb.gateway", 0.0125 * h),
        (
            "aws_ec2_transit_gateway_vpc_attachment.app",
            0.05 * h + 1000.0 * 0.02,
        ),
        ("aws_ec2_transit_gateway_peering_attachment.eu", 0.05 * h),
        ("aws_vpn_connection.office", 0.05 * h + 0.05 * h),
        (
            "aws_ec2_client_vpn_network_association.a",
            0.10 * h + 200.0 * 0.05,
        ),
        // 12,000 GB: 10,240 at $0.085, 1,760 at $0.080; 50M HTTPS requests
        (
            "aws_cloudfront_distribution.cdn",
            10_240.0 * 0.085 + 1_760.0 * 0.08 + 50e6 * 0.000001,
        ),
        ("aws_route53_record.www", 10e6 * 0.0000004),
        // outside AWS: $0.75, plus HTTPS and string matching at $2 each
        ("aws_route53_health_check.www", 0.75 + 2.0 * 2.0),
        // 400M requests: 333M at $3.50/M, 67M at $2.80/M
        (
            "aws_api_gateway_rest_api.api",
            333e6 * 0.0000035 + 67e6 * 0.0000028,
        ),
        ("aws_api_gateway_stage.prod", 0.038 * h),
        ("aws_apigatewayv2_api.http", 5e6 * 0.000001),
        ("aws_apigatewayv2_api.ws", 2e6 * 0.000001 + 4e6 * 0.00000025),
        ("aws_globalaccelerator_accelerator.ga", 0.025 * h),
        ("aws_networkfirewall_firewall.fw", 2.0 * h * 0.395),
        ("aws_wafv2_web_acl.edge", 5.0 + 3.0),
        ("aws_elasticache_cluster.memcached", 0.156 * h * 3.0),
        ("aws_efs_file_system.shared", 100.0 * 0.30 + 10.0 * 6.0),
        (
            "aws_opensearch_domain.search",
            0.167 * h * 3.0 + 0.128 * h * 3.0 + 100.0 * 3.0 * 0.122,
        ),
        ("aws_elasticsearch_domain.old", 0.036 * h + 10.0 * 0.135),
        (
            "aws_msk_cluster.events",
            0.21 * h * 3.0 + 500.0 * 3.0 * 0.10,
        ),
        ("aws_redshift_cluster.dw", 1.086 * h * 2.0 + 1000.0 * 0.024),
        ("aws_docdb_cluster.docs", 100.0 * 0.10 + 10e6 * 0.0000002),
        ("aws_docdb_cluster_instance.docs[0]", 0.277 * h),
        ("aws_docdb_cluster_instance.docs[1]", 0.277 * h),
        ("aws_neptune_cluster.graph", 0.0),
        ("aws_neptune_cluster_instance.graph", 0.348 * h),
        (
            "aws_kinesis_stream.clicks",
            4.0 * h * 0.015 + 100e6 * 0.000000014,
        ),
        (
            "aws_kinesis_stream.burst",
            0.04 * h + 100.0 * 0.08 + 200.0 * 0.04,
        ),
        ("aws_kinesis_firehose_delivery_stream.to_s3", 1000.0 * 0.029),
        ("aws_mq_broker.orders", 0.288 * h * 2.0),
        ("aws_ecr_repository.app", 20.0 * 0.10),
        ("aws_backup_vault.main", 500.0 * 0.05 + 100.0 * 0.095),
        // a 10-second period is high resolution
        ("aws_cloudwatch_metric_alarm.cpu", 0.30),
        ("aws_cloudwatch_dashboard.ops", 3.0),
        // 100 KB messages bill as two 64 KB requests each
        ("aws_sns_topic.events", 3e6 * 2.0 * 0.0000005),
        ("aws_sfn_state_machine.flow", 2e6 * 0.000025),
        ("aws_config_configuration_recorder.main", 10_000.0 * 0.003),
        (
            "aws_config_config_rule.s3",
            100_000.0 * 0.001 + 50_000.0 * 0.0008,
        ),
        ("aws_cloudtrail.main", 1e6 * 0.000001),
        ("aws_ssm_parameter.big", 0.05),
        ("aws_codebuild_project.build", 3000.0 * 0.01),
        ("aws_transfer_server.sftp", 2.0 * h * 0.30),
        ("aws_acmpca_certificate_authority.internal", 400.0),
        ("aws_athena_workgroup.analysts", 2.0 * 5.0),
        ("aws_glue_job.etl", 100.0 * 10.0 * 0.44),
        ("aws_glue_crawler.raw", 20.0 * 0.44),
        // gp3 below 400 GB includes 3,000 IOPS: 12,000 more at $0.02
        (
            "aws_db_instance.primary",
            0.171 * h + 200.0 * 0.115 + 12_000.0 * 0.02,
        ),
        // a replica runs its source's engine and storage size
        ("aws_db_instance.replica", 0.171 * h + 200.0 * 0.115),
    ];
    for (address, want) in expected {
        let got = cost(&e, address);
        assert!(close(got, *want), "{address}: {got} != {want}");
    }
    assert_eq!(e.resources.len(), expected.len());
    // the standard parameter and the alias record are free
    assert_eq!(e.free, 2);
}

#[test]
fn the_priced_fixtures_cover_every_priced_type() {
    let mut seen = std::collections::BTreeSet::new();
    for name in ["priced", "priced-more"] {
        let dir = fixture(name);
        let graph = load(std::slice::from_ref(&dir), &LoadOptions::default());
        seen.extend(graph.resources.iter().map(|r| r.resource_type.clone()));
    }
    let missing: Vec<&str> = cloudwright_cost::components::PRICED
        .iter()
        .map(|(t, _)| *t)
        .filter(|t| !seen.contains(*t))
        .collect();
    assert!(missing.is_empty(), "no fixture prices {missing:?}");
}

/// A priced resource whose setting the code does not determine keeps its
/// price, or is listed as not priced (with why) — never priced silently at
/// another amount: each setting of every resource of the fixture is made
/// unknown in turn.
#[test]
fn a_price_never_changes_silently_when_a_setting_is_unknown() {
    let dir = fixture("priced");
    let mut graph = load(std::slice::from_ref(&dir), &LoadOptions::default());
    let usage = Usage::read(&dir.join("cloudwright-usage.yml")).unwrap();
    let catalogue = Catalogue::embedded();
    let baseline = estimate(&graph, &catalogue, &usage);
    let mut changed = Vec::new();
    for i in 0..graph.resources.len() {
        let address = graph.resources[i].address.to_string();
        cloudwright_model::testing::with_each_unknown(&mut graph, i, |graph, label, _| {
            let now = estimate(graph, &catalogue, &usage);
            for before in &baseline.resources {
                let unpriced = now.unpriced.iter().any(|u| u.address == before.address);
                let same = now
                    .resources
                    .iter()
                    .find(|r| r.address == before.address)
                    .is_some_and(|r| close(r.monthly_cost, before.monthly_cost));
                if !unpriced && !same {
                    changed.push(format!(
                        "{} is priced differently when {address}.{label} is unknown",
                        before.address
                    ));
                }
            }
        });
    }
    assert!(
        changed.is_empty(),
        "{} prices change silently:\n{}",
        changed.len(),
        changed.join("\n")
    );
}
