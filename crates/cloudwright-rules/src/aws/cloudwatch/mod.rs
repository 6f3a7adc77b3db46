//! Observability: alarms on what production depends on, and audit logs
//! kept long enough.

use crate::check::{get, get_number, get_str, Context, Tri};
use crate::{Report, Rule};
use cloudwright_model::{Mode, Resource, Value};

pub fn rules() -> Vec<&'static Rule> {
    vec![&NO_ALARM, &AUDIT_LOG_RETENTION]
}

const WATCHED: &[&str] = &[
    "aws_lb",
    "aws_alb",
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_sqs_queue",
    "aws_autoscaling_group",
    "aws_elasticache_replication_group",
];

/// The names an alarm's dimensions use for a resource.
fn identifiers(r: &Resource) -> Vec<String> {
    [
        "name",
        "identifier",
        "cluster_identifier",
        "replication_group_id",
        "arn_suffix",
        "id",
    ]
    .iter()
    .filter_map(|k| match get_str(r, k) {
        Tri::Known(s) => Some(s),
        _ => None,
    })
    .collect()
}

/// Is some `aws_cloudwatch_metric_alarm` about `r` — by reference in its
/// dimensions (or metric queries), or by a dimension value equal to one
/// of its names?
fn alarmed(ctx: &Context<'_>, r: &Resource) -> bool {
    if ctx
        .graph
        .referrers(r)
        .any(|(a, _)| a.resource_type == "aws_cloudwatch_metric_alarm" && a.mode == Mode::Managed)
    {
        return true;
    }
    let names = identifiers(r);
    if names.is_empty() {
        return false;
    }
    ctx.graph
        .of_type("aws_cloudwatch_metric_alarm")
        .filter(|a| a.root == r.root && a.mode == Mode::Managed)
        .any(|a| match get(a, "dimensions") {
            Tri::Known(Value::Map(d)) => d
                .fields()
                .iter()
                .any(|(_, v)| v.as_str().is_some_and(|s| names.iter().any(|n| n == s))),
            _ => false,
        })
}

/// Why an alarm naming something by a literal dimension value may be about
/// `r`, whose name the code does not determine.
fn unknown_name_maybe_alarmed(ctx: &Context<'_>, r: &Resource) -> Option<String> {
    let (key, why) = [
        "name",
        "identifier",
        "cluster_identifier",
        "replication_group_id",
    ]
    .iter()
    .find_map(|k| match get_str(r, k) {
        Tri::Unknown(why) => Some((*k, why)),
        _ => None,
    })?;
    let alarm = ctx
        .graph
        .of_type("aws_cloudwatch_metric_alarm")
        .filter(|a| a.root == r.root && a.mode == Mode::Managed)
        .find(|a| match get(a, "dimensions") {
            Tri::Known(Value::Map(d)) => d.fields().values().any(|v| v.as_str().is_some()),
            _ => false,
        })?;
    Some(format!(
        "{} names a resource by its name, which may be {} (its {key} is {why})",
        alarm.address, r.address
    ))
}

crate::rule! {
    /// ## What it checks
    /// In production, every load balancer, RDS instance or Aurora cluster,
    /// SQS queue, Auto Scaling group and ElastiCache replication group has
    /// at least one `aws_cloudwatch_metric_alarm` about it: one that refers
    /// to it (in `dimensions` or a metric query) or names it in a dimension
    /// value. The environment comes from `cloudwright.toml`
    /// `[environments]`, the `environment` tag, or the root's directory;
    /// other environments are not checked.
    ///
    /// ## Why it matters
    /// Without an alarm, the first signal of a full disk, a backed-up
    /// queue or a 5xx storm is a customer. The alarms (5xx rate, CPU, free
    /// storage, oldest message age, unhealthy hosts) belong in the same
    /// code as the resource, so they exist the day it does.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_sqs_queue" "orders" {
    ///   name = "orders"
    ///   tags = { environment = "prod" }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudwatch_metric_alarm" "orders_age" {
    ///   alarm_name          = "orders-oldest-message"
    ///   namespace           = "AWS/SQS"
    ///   metric_name         = "ApproximateAgeOfOldestMessage"
    ///   dimensions          = { QueueName = aws_sqs_queue.orders.name }
    ///   statistic           = "Maximum"
    ///   period              = 300
    ///   evaluation_periods  = 1
    ///   threshold           = 600
    ///   comparison_operator = "GreaterThanThreshold"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add the alarms that page for the resource (a module that creates the
    /// resource with its alarms keeps them together).
    pub static NO_ALARM = {
        id: "CW-AWS-CW-001",
        title: "Production resource without a CloudWatch alarm",
        severity: Medium,
        category: "monitoring",
        resource_types: [
            "aws_lb",
            "aws_alb",
            "aws_db_instance",
            "aws_rds_cluster",
            "aws_sqs_queue",
            "aws_autoscaling_group",
            "aws_elasticache_replication_group"
        ],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Add aws_cloudwatch_metric_alarm resources for it (errors, saturation, backlog).",
        check: check_alarms,
    }
}

fn check_alarms(ctx: &Context<'_>, report: &mut Report) {
    for r in ctx.resources(WATCHED) {
        match ctx.environment(r) {
            Tri::Known(Some(env)) if env.is_production() => {}
            Tri::Unknown(why) => {
                report.unknown(r, why);
                continue;
            }
            _ => continue,
        }
        report.checked(r);
        if !alarmed(ctx, r) {
            if let Some(why) = unknown_name_maybe_alarmed(ctx, r) {
                report.unknown(r, why);
                continue;
            }
            report.fail(
                r,
                "",
                format!(
                    "no CloudWatch alarm watches this production {}",
                    r.resource_type.trim_start_matches("aws_").replace('_', " ")
                ),
            );
        }
    }
}

/// Is the log group an audit trail: named so, or the destination of a
/// CloudTrail trail or a VPC flow log?
fn audit(ctx: &Context<'_>, group: &Resource) -> Tri<bool> {
    let fed = ctx
        .graph
        .referrers(group)
        .any(|(r, _)| matches!(r.resource_type.as_str(), "aws_cloudtrail" | "aws_flow_log"));
    if fed {
        return Tri::Known(true);
    }
    match get_str(group, "name") {
        Tri::Known(n) => {
            let n = n.to_ascii_lowercase();
            Tri::Known(
                ["audit", "cloudtrail", "flow-log", "flowlog", "vpc-flow"]
                    .iter()
                    .any(|w| n.contains(w)),
            )
        }
        Tri::Unknown(why) => Tri::Unknown(why),
        Tri::Absent => Tri::Known(false),
    }
}

crate::rule! {
    /// ## What it checks
    /// Log groups that hold audit trails — the destination of a CloudTrail
    /// trail or a VPC flow log, or named `audit`, `cloudtrail`, `flow-log`
    /// — keep them at least a year (`retention_in_days >= 365`; 0 or unset
    /// keeps them forever and passes). The minimum is configurable:
    ///
    /// ```toml
    /// [observability]
    /// audit_log_retention_days = 400
    /// ```
    ///
    /// ## Why it matters
    /// Incidents are discovered months after they start (the median is
    /// measured in weeks to months); PCI DSS asks for a year of audit
    /// history, and an investigation without the first weeks of logs
    /// cannot say what was taken.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_cloudwatch_log_group" "trail" {
    ///   name              = "cloudtrail"
    ///   retention_in_days = 30
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudwatch_log_group" "trail" {
    ///   name              = "cloudtrail"
    ///   retention_in_days = 400
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Raise `retention_in_days` (and archive to S3 with a lifecycle for
    /// the long tail).
    pub static AUDIT_LOG_RETENTION = {
        id: "CW-AWS-LOGS-003",
        title: "Audit log group kept less than the minimum",
        severity: Medium,
        category: "logging",
        resource_types: ["aws_cloudwatch_log_group"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Set retention_in_days to at least the audit minimum (365 by default).",
        check: check_audit_retention,
    }
}

fn check_audit_retention(ctx: &Context<'_>, report: &mut Report) {
    let minimum = ctx.settings.audit_log_retention_days as f64;
    for group in ctx.resources(&["aws_cloudwatch_log_group"]) {
        match audit(ctx, group) {
            Tri::Known(true) => {}
            Tri::Unknown(why) => {
                report.unknown(group, why);
                continue;
            }
            _ => continue,
        }
        report.checked(group);
        match get_number(group, "retention_in_days") {
            Tri::Known(days) if days == 0.0 || days >= minimum => {}
            Tri::Known(days) => {
                report.fail(
                    group,
                    "retention_in_days",
                    format!("an audit log group keeps {days} days, less than {minimum}"),
                );
            }
            Tri::Absent => {}
            Tri::Unknown(why) => report.unknown(group, why),
        }
    }
}
