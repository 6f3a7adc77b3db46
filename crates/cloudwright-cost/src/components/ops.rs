//! Logs, alarms, dashboards, keys, secrets, queues and topics, workflows,
//! audit and configuration recording, parameters, builds, file transfer,
//! private certificate authorities, queries and ETL.

use super::{count, fixed, num, text, usage, Ctx, Spec};
use crate::catalogue::Selector;
use crate::HOURS_PER_MONTH;
use cloudwright_model::Resource;

fn cloudwatch(family: &'static str, unit: &'static str, usagetype: &str) -> Selector {
    Selector::new("AmazonCloudWatch", family, unit).with("usagetype", usagetype)
}

pub fn log_group(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    if text(r, "log_group_class")?.as_deref() == Some("INFREQUENT_ACCESS") {
        return Err(format!(
            "{}: the Infrequent Access log class is not in the catalogue",
            r.address
        ));
    }
    Ok(vec![
        usage(
            "Data ingested",
            cloudwatch("Data Payload", "GB", "DataProcessing-Bytes"),
            ctx.usage(r, "monthly_data_ingested_gb"),
            "monthly_data_ingested_gb",
        ),
        usage(
            "Archival storage",
            cloudwatch("Storage Snapshot", "GB-Mo", "TimedStorage-ByteHrs"),
            ctx.usage(r, "storage_gb"),
            "storage_gb",
        ),
        usage(
            "Insights queries data scanned",
            cloudwatch("Data Payload", "GB", "DataScanned-Bytes"),
            ctx.usage(r, "monthly_data_scanned_gb"),
            "monthly_data_scanned_gb",
        ),
    ])
}

/// Alarms are billed per metric they watch: one for a plain alarm, one per
/// metric of a metric-math alarm; periods under 60 s are high resolution;
/// anomaly detection watches three.
pub fn metric_alarm(_ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let queries = count(r, "metric_query")?;
    let mut metrics = 0.0;
    let mut high_resolution = num(r, "period")?.is_some_and(|p| p < 60.0);
    let mut anomaly = false;
    for i in 0..queries {
        if r.get_path(&format!("metric_query.{i}.metric.0")).is_some() {
            metrics += 1.0;
            if num(r, &format!("metric_query.{i}.metric.0.period"))?.is_some_and(|p| p < 60.0) {
                high_resolution = true;
            }
        }
        if text(r, &format!("metric_query.{i}.expression"))?
            .is_some_and(|e| e.contains("ANOMALY_DETECTION_BAND"))
        {
            anomaly = true;
        }
    }
    if queries == 0 {
        metrics = 1.0;
    }
    if anomaly {
        metrics *= 3.0;
    }
    let (usagetype, label) = if high_resolution {
        ("CW:HighResAlarmMonitorUsage", "high resolution")
    } else {
        ("CW:AlarmMonitorUsage", "standard resolution")
    };
    Ok(vec![fixed(
        format!("Alarm metrics ({label})"),
        cloudwatch("Alarm", "Alarms", usagetype),
        metrics,
    )])
}

pub fn dashboard(_ctx: &Ctx<'_>, _r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(vec![fixed(
        "Dashboard",
        cloudwatch("Dashboard", "Dashboards", "DashboardsUsageHour"),
        1.0,
    )])
}

pub fn kms_key(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(vec![
        fixed(
            "Customer managed key",
            Selector::new("awskms", "Encryption Key", "Months").with("usagetype", "KMS-Keys"),
            1.0,
        ),
        usage(
            "Requests",
            Selector::new("awskms", "API Request", "Requests").with("usagetype", "KMS-Requests"),
            ctx.usage(r, "monthly_requests"),
            "monthly_requests",
        ),
    ])
}

pub fn secret(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(vec![
        fixed(
            "Secret",
            Selector::new("AWSSecretsManager", "Secret", "Month"),
            1.0,
        ),
        usage(
            "API requests",
            Selector::new("AWSSecretsManager", "API Request", "API Requests"),
            ctx.usage(r, "monthly_requests"),
            "monthly_requests",
        ),
    ])
}

/// SQS bills every 64 KB chunk of a request as one request.
pub fn sqs_queue(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let fifo = super::flag(r, "fifo_queue")? == Some(true);
    let chunks = (ctx.usage(r, "request_size_kb").unwrap_or(64.0) / 64.0)
        .ceil()
        .max(1.0);
    Ok(vec![usage(
        if fifo { "FIFO requests" } else { "Requests" },
        Selector::new("AWSQueueService", "API Request", "Requests")
            .with("queueType", if fifo { "FIFO" } else { "Standard" }),
        ctx.usage(r, "monthly_requests").map(|n| n * chunks),
        "monthly_requests",
    )])
}

pub fn sns_topic(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    if super::flag(r, "fifo_topic")? == Some(true) {
        return Err(format!(
            "{}: FIFO topics are not in the catalogue",
            r.address
        ));
    }
    let chunks = (ctx.usage(r, "request_size_kb").unwrap_or(64.0) / 64.0)
        .ceil()
        .max(1.0);
    Ok(vec![usage(
        "Publish requests",
        Selector::new("AmazonSNS", "API Request", "Requests"),
        ctx.usage(r, "monthly_requests").map(|n| n * chunks),
        "monthly_requests",
    )])
}

pub fn state_machine(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let kind = text(r, "type")?.unwrap_or_else(|| "STANDARD".into());
    Ok(if kind == "EXPRESS" {
        let requests = ctx.usage(r, "monthly_requests");
        let gb_seconds = match (
            requests,
            ctx.usage(r, "workflow_duration_ms"),
            ctx.usage(r, "memory_mb"),
        ) {
            (Some(n), Some(ms), mb) => Some(n * ms / 1000.0 * mb.unwrap_or(64.0) / 1024.0),
            _ => None,
        };
        vec![
            usage(
                "Express workflow requests",
                Selector::new("AmazonStates", "AWS Step Functions", "Requests"),
                requests,
                "monthly_requests",
            ),
            usage(
                "Express workflow duration",
                Selector::new("AmazonStates", "AWS Step Functions", "GB-Second"),
                gb_seconds,
                "monthly_requests, workflow_duration_ms, memory_mb",
            ),
        ]
    } else {
        vec![usage(
            "State transitions",
            Selector::new("AmazonStates", "AWS Step Functions", "StateTransitions"),
            ctx.usage(r, "monthly_transitions"),
            "monthly_transitions",
        )]
    })
}

pub fn config_recorder(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(vec![usage(
        "Configuration items recorded",
        Selector::new(
            "AWSConfig",
            "Management Tools - AWS Config",
            "ConfigurationItemRecorded",
        ),
        ctx.usage(r, "monthly_config_items"),
        "monthly_config_items",
    )])
}

pub fn config_rule(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(vec![usage(
        "Rule evaluations",
        Selector::new(
            "AWSConfig",
            "Management Tools - AWS Config Rules",
            "ConfigRuleEvaluations",
        ),
        ctx.usage(r, "monthly_rule_evaluations"),
        "monthly_rule_evaluations",
    )])
}

/// CloudTrail: the first copy of management events is free; additional
/// copies, data events and Insights are billed per event.
pub fn cloudtrail(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let events = |label: &str, usagetype: &str, key: &'static str| {
        usage(
            label,
            Selector::new(
                "AWSCloudTrail",
                "Management Tools - AWS CloudTrail",
                "Events",
            )
            .with("usagetype", usagetype),
            ctx.usage(r, key),
            key,
        )
    };
    Ok(vec![
        events(
            "Additional copies of management events",
            "PaidEventsRecorded",
            "monthly_additional_management_events",
        ),
        events("Data events", "DataEventsRecorded", "monthly_data_events"),
        events(
            "Insights events",
            "InsightsEvents",
            "monthly_insight_events",
        ),
    ])
}

/// Standard parameters are free; advanced ones are billed by the month.
pub fn ssm_parameter(_ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    if text(r, "tier")?.as_deref() != Some("Advanced") {
        return Ok(Vec::new());
    }
    Ok(vec![fixed(
        "Advanced parameter",
        Selector::new(
            "AWSSystemsManager",
            "AWS Systems Manager",
            "Parameter-Month",
        )
        .with("usagetype", "PS-Advanced-Param-Tier1"),
        1.0,
    )])
}

pub fn codebuild_project(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let compute = text(r, "environment.0.compute_type")?
        .ok_or_else(|| format!("{} sets no compute_type", r.address))?;
    let kind = text(r, "environment.0.type")?.unwrap_or_else(|| "LINUX_CONTAINER".into());
    if kind != "LINUX_CONTAINER" {
        return Err(format!(
            "{}: {kind} build environments are not in the catalogue",
            r.address
        ));
    }
    let size = match compute.as_str() {
        "BUILD_GENERAL1_SMALL" => "general1.small",
        "BUILD_GENERAL1_MEDIUM" => "general1.medium",
        "BUILD_GENERAL1_LARGE" => "general1.large",
        other => {
            return Err(format!(
                "{}: compute type {other} is not in the catalogue",
                r.address
            ))
        }
    };
    Ok(vec![usage(
        format!("Build minutes (Linux, {size})"),
        Selector::new("CodeBuild", "Compute", "Minutes").with("computeType", size),
        ctx.usage(r, "monthly_build_mins"),
        "monthly_build_mins",
    )])
}

/// Transfer Family: every enabled protocol is billed by the hour.
pub fn transfer_server(_ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let protocols = count(r, "protocols")?.max(1);
    Ok(vec![fixed(
        format!("Protocol endpoints ({protocols})"),
        Selector::new("AWSTransfer", "AWS Transfer Family", "Hrs")
            .with("usagetype", "ProtocolHours"),
        HOURS_PER_MONTH * protocols as f64,
    )])
}

pub fn private_ca(_ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let mode = text(r, "usage_mode")?.unwrap_or_else(|| "GENERAL_PURPOSE".into());
    Ok(vec![fixed(
        format!("Private certificate authority ({mode})"),
        Selector::new("AWSCertificateManager", "Certificate Authority", "Months")
            .with("usageMode", mode),
        1.0,
    )])
}

pub fn athena_workgroup(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(vec![usage(
        "Data scanned by queries",
        Selector::new("AmazonAthena", "Athena Queries", "Terabytes"),
        ctx.usage(r, "monthly_terabytes_scanned"),
        "monthly_terabytes_scanned",
    )])
}

fn glue_dpu_hours(ctx: &Ctx<'_>, r: &Resource, label: &str) -> Vec<Spec> {
    vec![usage(
        label,
        Selector::new("AWSGlue", "AWS Glue", "DPU-Hour"),
        ctx.usage(r, "monthly_hours")
            .zip(ctx.usage(r, "dpus").or(Some(1.0)))
            .map(|(h, d)| h * d),
        "monthly_hours, dpus",
    )]
}

pub fn glue_job(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(glue_dpu_hours(ctx, r, "Job DPU-hours"))
}

pub fn glue_crawler(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(glue_dpu_hours(ctx, r, "Crawler DPU-hours"))
}
