//! EC2 instances and volumes, Auto Scaling groups, EKS, ECS on Fargate,
//! Lambda.

use super::{count, fixed, flag, num, referenced, text, usage, Ctx, Spec};
use crate::catalogue::Selector;
use crate::HOURS_PER_MONTH;
use cloudwright_model::{Resource, Value};

fn ec2_hours(instance_type: &str) -> Selector {
    Selector::new("AmazonEC2", "Compute Instance", "Hrs").with("instanceType", instance_type)
}

fn ebs(volume_type: &str) -> Selector {
    Selector::new("AmazonEC2", "Storage", "GB-Mo").with("volumeApiName", volume_type)
}

fn ebs_iops(volume_type: &str) -> Selector {
    Selector::new("AmazonEC2", "System Operation", "IOPS-Mo").with("volumeApiName", volume_type)
}

/// Detailed monitoring: seven EC2 metrics at one-minute resolution, billed
/// as custom metrics.
fn detailed_monitoring(instances: f64) -> Spec {
    fixed(
        "CloudWatch detailed monitoring (7 metrics)",
        Selector::new("AmazonCloudWatch", "Metric", "Metrics"),
        7.0 * instances,
    )
}

/// The components of one EBS volume's settings, `instances` times over.
/// gp3 includes 3,000 IOPS and 125 MiB/s; io1/io2 bill every provisioned
/// IOPS; gp2, st1, sc1 and standard bill only the size.
fn volume(
    prefix: &str,
    volume_type: &str,
    size_gb: f64,
    iops: Option<f64>,
    throughput: Option<f64>,
    instances: f64,
) -> Result<Vec<Spec>, String> {
    let mut out = vec![fixed(
        format!("{prefix}storage ({volume_type})"),
        ebs(volume_type),
        size_gb * instances,
    )];
    match volume_type {
        "gp3" => {
            let extra = iops.unwrap_or(3000.0) - 3000.0;
            if extra > 0.0 {
                out.push(fixed(
                    format!("{prefix}IOPS above 3,000 (gp3)"),
                    ebs_iops("gp3"),
                    extra * instances,
                ));
            }
            let extra = throughput.unwrap_or(125.0) - 125.0;
            if extra > 0.0 {
                out.push(fixed(
                    format!("{prefix}throughput above 125 MiB/s (gp3)"),
                    Selector::new("AmazonEC2", "Provisioned Throughput", "GiBps-mo")
                        .with("volumeApiName", "gp3"),
                    extra / 1024.0 * instances,
                ));
            }
        }
        "io1" | "io2" => {
            let Some(iops) = iops else {
                return Err(format!("an {volume_type} volume needs iops"));
            };
            out.push(fixed(
                format!("{prefix}provisioned IOPS ({volume_type})"),
                ebs_iops(volume_type),
                iops * instances,
            ));
        }
        "gp2" | "st1" | "sc1" | "standard" => {}
        other => return Err(format!("unknown EBS volume type {other:?}")),
    }
    Ok(out)
}

/// A `root_block_device` / `ebs_block_device` block. A block without a
/// size takes the AMI's, which the configuration does not say: its
/// storage is usage-based (`root_volume_size_gb`).
fn block_device(
    ctx: &Ctx<'_>,
    r: &Resource,
    path: &str,
    prefix: &str,
    instances: f64,
) -> Result<Vec<Spec>, String> {
    let volume_type = text(r, &format!("{path}.volume_type"))?;
    // the AWS provider's default when the block does not say
    let volume_type = volume_type.unwrap_or_else(|| "gp2".to_string());
    match num(r, &format!("{path}.volume_size"))? {
        Some(size) => volume(
            prefix,
            &volume_type,
            size,
            num(r, &format!("{path}.iops"))?,
            num(r, &format!("{path}.throughput"))?,
            instances,
        ),
        None => Ok(vec![usage(
            format!("{prefix}storage ({volume_type}, size from the AMI)"),
            ebs(&volume_type),
            ctx.usage(r, "root_volume_size_gb").map(|g| g * instances),
            "root_volume_size_gb",
        )]),
    }
}

pub fn instance(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let Some(instance_type) = text(r, "instance_type")? else {
        // from a launch template: priced there is not possible, the
        // template is free; say so
        let from_template = r
            .get("launch_template")
            .and_then(|v| v.as_list().map(|l| !l.is_empty()))
            .unwrap_or(false);
        return Err(match from_template {
            true => format!(
                "{} takes its instance type from a launch template; set instance_type to price it",
                r.address
            ),
            false => format!(
                "{} sets no instance_type and no launch template (the AWS provider requires one): nothing to price",
                r.address
            ),
        });
    };
    if let Some(t) = text(r, "tenancy")? {
        if t != "default" {
            return Err(format!(
                "{}: {t} tenancy is not in the catalogue (shared tenancy only)",
                r.address
            ));
        }
    }
    let mut out = vec![fixed(
        format!("Instance usage (Linux/UNIX, on-demand, {instance_type})"),
        ec2_hours(&instance_type),
        HOURS_PER_MONTH,
    )];
    out.extend(block_device(
        ctx,
        r,
        "root_block_device.0",
        "Root volume ",
        1.0,
    )?);
    for i in 0..count(r, "ebs_block_device")? {
        out.extend(block_device(
            ctx,
            r,
            &format!("ebs_block_device.{i}"),
            "Block device ",
            1.0,
        )?);
    }
    if flag(r, "monitoring")? == Some(true) {
        out.push(detailed_monitoring(1.0));
    }
    // a public IPv4 address is billed by the hour since February 2024
    if flag(r, "associate_public_ip_address")? == Some(true) {
        out.push(fixed(
            "Public IPv4 address",
            Selector::new("AmazonVPC", "VPC Public IPv4 Address", "Hrs")
                .with("usagetype", "PublicIPv4:InUseAddress"),
            HOURS_PER_MONTH,
        ));
    }
    Ok(out)
}

pub fn ebs_volume(_ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let volume_type = text(r, "type")?.unwrap_or_else(|| "gp3".to_string());
    let Some(size) = num(r, "size")? else {
        return Err(format!(
            "{} sets no size (it comes from its snapshot)",
            r.address
        ));
    };
    volume(
        "",
        &volume_type,
        size,
        num(r, "iops")?,
        num(r, "throughput")?,
        1.0,
    )
}

pub fn ebs_snapshot(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let selector = Selector::new("AmazonEC2", "Storage Snapshot", "GB-Mo")
        .with("usagetype", "EBS:SnapshotUsage");
    // a full first snapshot is as large as the volume's used blocks; the
    // volume's size is its upper bound, so the figure comes from usage
    let from_volume = referenced(ctx.graph, r, "volume_id", "aws_ebs_volume")
        .and_then(|v| num(v, "size").ok().flatten());
    Ok(vec![usage(
        "Snapshot storage",
        selector,
        ctx.usage(r, "monthly_storage_gb").or(from_volume),
        "monthly_storage_gb",
    )])
}

/// The instance type, volumes and monitoring of a launch template or
/// launch configuration, `instances` times over.
fn launched(
    ctx: &Ctx<'_>,
    template: &Resource,
    instances: f64,
    owner: &Resource,
) -> Result<Vec<Spec>, String> {
    let Some(instance_type) = text(template, "instance_type")? else {
        return Err(format!(
            "{}: its launch template {} sets no instance_type",
            owner.address, template.address
        ));
    };
    let mut out = vec![fixed(
        format!("Instance usage (Linux/UNIX, on-demand, {instance_type} × {instances})"),
        ec2_hours(&instance_type),
        HOURS_PER_MONTH * instances,
    )];
    let devices = if template.resource_type == "aws_launch_configuration" {
        vec!["root_block_device".to_string()]
    } else {
        (0..count(template, "block_device_mappings")?)
            .map(|i| format!("block_device_mappings.{i}.ebs"))
            .collect()
    };
    for d in devices {
        if template.get_path(&format!("{d}.0")).is_none() {
            continue;
        }
        out.extend(block_device(
            ctx,
            template,
            &format!("{d}.0"),
            "Volume ",
            instances,
        )?);
    }
    let monitored = if template.resource_type == "aws_launch_configuration" {
        flag(template, "enable_monitoring")?.unwrap_or(true)
    } else {
        flag(template, "monitoring.0.enabled")? == Some(true)
    };
    if monitored {
        out.push(detailed_monitoring(instances));
    }
    Ok(out)
}

pub fn autoscaling_group(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    if r.get_path("mixed_instances_policy.0").is_some() {
        return Err(format!(
            "{} uses a mixed instances policy (several types, spot shares): not priced yet",
            r.address
        ));
    }
    // AWS keeps `desired_capacity` running; without it, the minimum
    let instances = match num(r, "desired_capacity")? {
        Some(n) => n,
        None => num(r, "min_size")?.unwrap_or(0.0),
    };
    let template =
        referenced(ctx.graph, r, "launch_template", "aws_launch_template").or_else(|| {
            referenced(
                ctx.graph,
                r,
                "launch_configuration",
                "aws_launch_configuration",
            )
        });
    let Some(template) = template else {
        return Err(format!(
            "{}: its launch template is not in this configuration",
            r.address
        ));
    };
    if instances == 0.0 {
        return Ok(Vec::new());
    }
    launched(ctx, template, instances, r)
}

pub fn eks_cluster(_ctx: &Ctx<'_>, _r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(vec![fixed(
        "EKS cluster (control plane)",
        Selector::new("AmazonEKS", "Compute", "Hrs")
            .with("usagetype", "AmazonEKS-Hours:perCluster"),
        HOURS_PER_MONTH,
    )])
}

pub fn eks_node_group(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let Some(desired) = num(r, "scaling_config.0.desired_size")? else {
        return Err(format!("{} sets no scaling_config.desired_size", r.address));
    };
    if text(r, "capacity_type")?.as_deref() == Some("SPOT") {
        return Err(format!(
            "{}: spot capacity is not in the catalogue (on-demand only)",
            r.address
        ));
    }
    if let Some(template) = referenced(ctx.graph, r, "launch_template", "aws_launch_template") {
        if text(template, "instance_type")?.is_some() {
            return launched(ctx, template, desired, r);
        }
    }
    let instance_type = match r.get("instance_types").map(|v| v.strip().clone()) {
        Some(Value::List(l)) if !l.is_empty() => match l[0].strip() {
            Value::String(s) => s.to_string(),
            other => return Err(super::unknown(r, "instance_types[0]", other)),
        },
        Some(v @ Value::Unknown(_)) => return Err(super::unknown(r, "instance_types", &v)),
        // EKS's default for managed node groups
        _ => "t3.medium".to_string(),
    };
    let disk = num(r, "disk_size")?.unwrap_or(20.0);
    Ok(vec![
        fixed(
            format!("Instance usage (Linux/UNIX, on-demand, {instance_type} × {desired})"),
            ec2_hours(&instance_type),
            HOURS_PER_MONTH * desired,
        ),
        fixed("Node disk (gp2)", ebs("gp2"), disk * desired),
    ])
}

fn fargate(arm: bool) -> (Selector, Selector) {
    let (cpu, mem) = if arm {
        ("Fargate-ARM-vCPU-Hours:perCPU", "Fargate-ARM-GB-Hours")
    } else {
        ("Fargate-vCPU-Hours:perCPU", "Fargate-GB-Hours")
    };
    (
        Selector::new("AmazonECS", "Compute", "hours").with("usagetype", cpu),
        Selector::new("AmazonECS", "Compute", "hours").with("usagetype", mem),
    )
}

pub fn eks_fargate_profile(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let (cpu, mem) = fargate(false);
    let pods = ctx.usage(r, "monthly_pod_hours");
    let vcpu = ctx.usage(r, "pod_vcpu").unwrap_or(0.25);
    let gb = ctx.usage(r, "pod_memory_gb").unwrap_or(0.5);
    Ok(vec![
        usage(
            "Fargate vCPU",
            cpu,
            pods.map(|h| h * vcpu),
            "monthly_pod_hours, pod_vcpu",
        ),
        usage(
            "Fargate memory",
            mem,
            pods.map(|h| h * gb),
            "monthly_pod_hours, pod_memory_gb",
        ),
    ])
}

/// Fargate task sizes: CPU units (1024 per vCPU) and memory in MiB, or
/// the `1 vCPU` / `2 GB` forms.
fn task_size(text_value: &str, per_unit: f64) -> Option<f64> {
    let t = text_value.trim().to_ascii_lowercase();
    if let Some(v) = t.strip_suffix("vcpu") {
        return v.trim().parse().ok();
    }
    if let Some(v) = t.strip_suffix("gb") {
        return v.trim().parse().ok();
    }
    t.parse::<f64>().ok().map(|n| n / per_unit)
}

pub fn ecs_service(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let launch = text(r, "launch_type")?;
    let on_fargate = launch.as_deref() == Some("FARGATE")
        || r.get_path("capacity_provider_strategy.0.capacity_provider")
            .and_then(|v| v.as_str().map(|s| s.starts_with("FARGATE")))
            == Some(true);
    if !on_fargate {
        // on EC2 the instances are billed (their Auto Scaling group)
        return Ok(Vec::new());
    }
    let Some(task) = referenced(ctx.graph, r, "task_definition", "aws_ecs_task_definition") else {
        return Err(format!(
            "{}: its task definition is not in this configuration",
            r.address
        ));
    };
    let desired = num(r, "desired_count")?.unwrap_or(0.0);
    let cpu = text(task, "cpu")?
        .and_then(|c| task_size(&c, 1024.0))
        .ok_or_else(|| format!("{} sets no task cpu", task.address))?;
    let memory = text(task, "memory")?
        .and_then(|m| task_size(&m, 1024.0))
        .ok_or_else(|| format!("{} sets no task memory", task.address))?;
    let arm = text(task, "runtime_platform.0.cpu_architecture")?.as_deref() == Some("ARM64");
    let (cpu_sel, mem_sel) = fargate(arm);
    Ok(vec![
        fixed(
            format!("Fargate vCPU ({cpu} vCPU × {desired} tasks)"),
            cpu_sel,
            cpu * desired * HOURS_PER_MONTH,
        ),
        fixed(
            format!("Fargate memory ({memory} GB × {desired} tasks)"),
            mem_sel,
            memory * desired * HOURS_PER_MONTH,
        ),
    ])
}

fn lambda_arm(r: &Resource) -> Result<bool, String> {
    Ok(match r.get("architectures").map(|v| v.strip().clone()) {
        Some(Value::List(l)) => l.first().and_then(|v| v.as_str()) == Some("arm64"),
        Some(v @ Value::Unknown(_)) => return Err(super::unknown(r, "architectures", &v)),
        _ => false,
    })
}

pub fn lambda_function(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let memory_mb = num(r, "memory_size")?.unwrap_or(128.0);
    let arm = lambda_arm(r)?;
    let (requests_group, duration_group) = if arm {
        ("AWS-Lambda-Requests-ARM", "AWS-Lambda-Duration-ARM")
    } else {
        ("AWS-Lambda-Requests", "AWS-Lambda-Duration")
    };
    let requests = ctx.usage(r, "monthly_requests");
    let duration_ms = ctx.usage(r, "request_duration_ms");
    let gb_seconds = match (requests, duration_ms) {
        (Some(n), Some(ms)) => Some(n * ms / 1000.0 * memory_mb / 1024.0),
        _ => None,
    };
    let mut out = vec![
        usage(
            "Requests",
            Selector::new("AWSLambda", "Serverless", "Requests").with("group", requests_group),
            requests,
            "monthly_requests",
        ),
        usage(
            format!("Duration ({memory_mb} MB)"),
            Selector::new("AWSLambda", "Serverless", "Lambda-GB-Second")
                .with("group", duration_group),
            gb_seconds,
            "monthly_requests, request_duration_ms",
        ),
    ];
    let storage = num(r, "ephemeral_storage.0.size")?.unwrap_or(512.0);
    if storage > 512.0 {
        out.push(usage(
            format!("Ephemeral storage above 512 MB ({storage} MB)"),
            Selector::new("AWSLambda", "Serverless", "GB-Seconds")
                .with("group", "AWS-Lambda-Storage-Duration"),
            requests
                .zip(duration_ms)
                .map(|(n, ms)| n * ms / 1000.0 * (storage - 512.0) / 1024.0),
            "monthly_requests, request_duration_ms",
        ));
    }
    Ok(out)
}

pub fn lambda_provisioned(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let Some(units) = num(r, "provisioned_concurrent_executions")? else {
        return Err(format!(
            "{} sets no provisioned_concurrent_executions",
            r.address
        ));
    };
    let memory_mb = referenced(ctx.graph, r, "function_name", "aws_lambda_function")
        .map(|f| num(f, "memory_size"))
        .transpose()?
        .flatten()
        .ok_or_else(|| {
            format!(
                "{}: the function's memory size is not in this configuration",
                r.address
            )
        })?;
    let seconds = HOURS_PER_MONTH * 3600.0;
    Ok(vec![fixed(
        format!("Provisioned concurrency ({units} × {memory_mb} MB)"),
        Selector::new("AWSLambda", "Serverless", "Lambda-GB-Second")
            .with("group", "AWS-Lambda-Provisioned-Concurrency"),
        units * memory_mb / 1024.0 * seconds,
    )])
}
