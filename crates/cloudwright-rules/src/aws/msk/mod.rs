//! Amazon MSK (managed Kafka).

use crate::check::{get, get_bool, get_str, Context, Tri};
use crate::setting::{require, Absent, Setting, Want};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &MSK_IN_TRANSIT,
        &MSK_LOGGING,
        &MSK_PUBLIC,
        &MSK_UNAUTHENTICATED,
    ]
}

const CLUSTERS: &[&str] = &["aws_msk_cluster"];

fn check_in_transit(ctx: &Context<'_>, report: &mut Report) {
    for cluster in ctx.resources(CLUSTERS) {
        report.checked(cluster);
        let path = "encryption_info.0.encryption_in_transit.0";
        match get_str(cluster, &format!("{path}.client_broker")) {
            Tri::Known(cb) if cb != "TLS" => {
                report.fail(
                    cluster,
                    "encryption_info[0].encryption_in_transit[0].client_broker",
                    format!("clients may connect in plaintext (client_broker = {cb})"),
                );
                continue;
            }
            Tri::Unknown(why) => {
                report.unknown(cluster, why);
                continue;
            }
            _ => {}
        }
        match get_bool(cluster, &format!("{path}.in_cluster")) {
            Tri::Known(false) => {
                report.fail(
                    cluster,
                    "encryption_info[0].encryption_in_transit[0].in_cluster",
                    "traffic between brokers is not encrypted",
                );
            }
            Tri::Unknown(why) => report.unknown(cluster, why),
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// MSK clusters encrypt traffic: `encryption_in_transit.client_broker`
    /// is `TLS` (the default; `TLS_PLAINTEXT` and `PLAINTEXT` fail) and
    /// `in_cluster` is not `false`.
    ///
    /// ## Why it matters
    /// Messages, and SASL/SCRAM credentials, travel in plaintext otherwise.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_msk_cluster" "events" {
    ///   cluster_name = "events"
    ///   encryption_info {
    ///     encryption_in_transit {
    ///       client_broker = "TLS_PLAINTEXT"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_msk_cluster" "events" {
    ///   cluster_name = "events"
    ///   encryption_info {
    ///     encryption_in_transit {
    ///       client_broker = "TLS"
    ///       in_cluster    = true
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `client_broker = "TLS"` and leave `in_cluster` on.
    pub static MSK_IN_TRANSIT = {
        id: "CW-AWS-MSK-001",
        title: "MSK traffic not encrypted",
        severity: High,
        category: "encryption",
        resource_types: ["aws_msk_cluster"],
        checkov: ["CKV_AWS_81"],
        trivy: ["AVD-AWS-0073", "aws-msk-enable-in-transit-encryption"],
        kics: ["6db52fa6-d4da-4608-908a-89f0c59e743e"],
        remediation: "Set client_broker = \"TLS\" and in_cluster = true.",
        check: check_in_transit,
    }
}

fn check_logging(ctx: &Context<'_>, report: &mut Report) {
    for cluster in ctx.resources(CLUSTERS) {
        report.checked(cluster);
        let base = "logging_info.0.broker_logs.0";
        let mut undecided = None;
        let mut on = false;
        for sink in ["cloudwatch_logs", "firehose", "s3"] {
            match get_bool(cluster, &format!("{base}.{sink}.0.enabled")) {
                Tri::Known(true) => on = true,
                Tri::Unknown(why) => {
                    undecided.get_or_insert(why);
                }
                _ => {}
            }
        }
        if on {
            continue;
        }
        match undecided {
            Some(why) => report.unknown(cluster, why),
            None => {
                report.fail(
                    cluster,
                    "",
                    "broker logs are not delivered to CloudWatch Logs, Firehose or S3",
                );
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// MSK clusters deliver broker logs: `logging_info.broker_logs` enables
    /// CloudWatch Logs, Firehose or S3.
    ///
    /// ## Why it matters
    /// Broker logs show authentication failures, ACL denials and broker
    /// errors — what is needed to investigate misuse or an outage.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_msk_cluster" "events" {
    ///   cluster_name = "events"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_msk_cluster" "events" {
    ///   cluster_name = "events"
    ///   logging_info {
    ///     broker_logs {
    ///       cloudwatch_logs {
    ///         enabled   = true
    ///         log_group = aws_cloudwatch_log_group.msk.name
    ///       }
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `logging_info.broker_logs` with at least one enabled destination.
    pub static MSK_LOGGING = {
        id: "CW-AWS-MSK-002",
        title: "MSK broker logs not delivered",
        severity: Low,
        category: "logging",
        resource_types: ["aws_msk_cluster"],
        checkov: ["CKV_AWS_80"],
        trivy: ["AVD-AWS-0074", "aws-msk-enable-logging"],
        kics: ["2f56b7ab-7fba-4e93-82f0-247e5ddeb239"],
        remediation: "Enable broker_logs to CloudWatch Logs, Firehose or S3.",
        check: check_logging,
    }
}

crate::rule! {
    /// ## What it checks
    /// MSK brokers are not reachable from the internet:
    /// `broker_node_group_info.connectivity_info.public_access.type` is not
    /// `SERVICE_PROVIDED_EIPS` (the default is `DISABLED`).
    ///
    /// ## Why it matters
    /// Public brokers are exposed to the internet, protected only by
    /// client authentication and security groups.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_msk_cluster" "events" {
    ///   cluster_name = "events"
    ///   broker_node_group_info {
    ///     instance_type  = "kafka.m7g.large"
    ///     client_subnets = var.subnets
    ///     connectivity_info {
    ///       public_access {
    ///         type = "SERVICE_PROVIDED_EIPS"
    ///       }
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_msk_cluster" "events" {
    ///   cluster_name = "events"
    ///   broker_node_group_info {
    ///     instance_type  = "kafka.m7g.large"
    ///     client_subnets = var.private_subnets
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `public_access.type = "DISABLED"`; reach the cluster through the
    /// VPC, PrivateLink or multi-VPC connectivity.
    pub static MSK_PUBLIC = {
        id: "CW-AWS-MSK-003",
        title: "MSK brokers publicly accessible",
        severity: High,
        category: "network",
        resource_types: ["aws_msk_cluster"],
        checkov: ["CKV_AWS_291"],
        trivy: [],
        kics: ["54378d69-dd7c-4b08-a43e-80d563396857"],
        remediation: "Set connectivity_info.public_access.type = \"DISABLED\".",
        check: |ctx, report| require(ctx, report, CLUSTERS, &Setting {
            path: "broker_node_group_info.0.connectivity_info.0.public_access.0.type",
            want: Want::NoneOf(&["SERVICE_PROVIDED_EIPS"]),
            absent: Absent::Passes,
            message: "the brokers have public IP addresses",
        }),
    }
}

fn check_unauthenticated(ctx: &Context<'_>, report: &mut Report) {
    for cluster in ctx.resources(CLUSTERS) {
        report.checked(cluster);
        match get(cluster, "client_authentication") {
            Tri::Known(v) if v.as_list().is_some_and(|l| !l.is_empty()) => {}
            Tri::Unknown(why) => {
                report.unknown(cluster, why);
                continue;
            }
            _ => {
                report.fail(
                    cluster,
                    "",
                    "no client_authentication: clients connect without authenticating",
                );
                continue;
            }
        }
        match get_bool(cluster, "client_authentication.0.unauthenticated") {
            Tri::Known(true) => {
                report.fail(
                    cluster,
                    "client_authentication[0].unauthenticated",
                    "unauthenticated clients are allowed",
                );
            }
            Tri::Unknown(why) => report.unknown(cluster, why),
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// MSK clusters authenticate clients: a `client_authentication` block
    /// with SASL (IAM or SCRAM) or TLS, and `unauthenticated` not `true`.
    /// Without the block, clients connect unauthenticated.
    ///
    /// ## Why it matters
    /// Without authentication, any client that reaches the brokers can
    /// produce to and consume from every topic; Kafka ACLs cannot name it.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_msk_cluster" "events" {
    ///   cluster_name = "events"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_msk_cluster" "events" {
    ///   cluster_name = "events"
    ///   client_authentication {
    ///     sasl {
    ///       iam = true
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Enable IAM (or SCRAM / mutual TLS) authentication and set
    /// `unauthenticated = false`.
    pub static MSK_UNAUTHENTICATED = {
        id: "CW-AWS-MSK-004",
        title: "MSK allows unauthenticated clients",
        severity: High,
        category: "iam",
        resource_types: ["aws_msk_cluster"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Add client_authentication with SASL/IAM or TLS; unauthenticated = false.",
        check: check_unauthenticated,
    }
}
