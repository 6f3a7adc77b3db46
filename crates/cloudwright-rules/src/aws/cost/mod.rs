//! Cost judgement that needs no billing data: storage and instance
//! generations, provisioned performance nobody needs, redundancy bought
//! where nobody needs it, and resources that cost money doing nothing.
//! Each finding says what its fix saves a month at list price, priced by
//! the cost engine (`cloudwright_cost::whatif`) in the resource's region,
//! when the resource can be priced; the rule text explains the trade-off.

use crate::check::{get, get_bool, get_number, get_str, Context, Tri};
use crate::{Report, Rule};
use cloudwright_cost::whatif::Fix;
use cloudwright_model::{Mode, Resource, Value};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &GP2,
        &PREVIOUS_GENERATION,
        &PROVISIONED_IOPS,
        &NAT_PER_AZ_NON_PRODUCTION,
        &HA_NON_PRODUCTION,
        &UNATTACHED_EIP,
        &NONCURRENT_VERSIONS,
        &INCOMPLETE_UPLOADS,
        &DETAILED_MONITORING_NON_PRODUCTION,
        &DYNAMODB_FIXED_CAPACITY,
    ]
}

/// A string setting at `path` judged by `bad` (which returns the message
/// when the value is wasteful); unset values use `default`.
/// With `fix` (the value the finding recommends for the setting), the
/// message says what the fix saves a month at list price, through the
/// cost engine, when the resource can be priced.
fn judge_str(
    ctx: &Context<'_>,
    report: &mut Report,
    r: &Resource,
    path: &str,
    default: Option<&str>,
    bad: impl Fn(&str) -> Option<String>,
    fix: impl Fn(&str) -> Option<String>,
) {
    let display = crate::setting::display_path(path);
    let note = |v: &str| {
        fix(v)
            .map(|to| saving(ctx, r, &[Fix::Set(path.to_string(), Value::string(to))]))
            .unwrap_or_default()
    };
    match get_str(r, path) {
        Tri::Known(v) => {
            report.checked(r);
            if let Some(m) = bad(&v) {
                report.fail(r, &display, format!("{m}{}", note(&v)));
            }
        }
        Tri::Absent => {
            report.checked(r);
            if let Some(m) = default.and_then(&bad) {
                let d = default.unwrap_or_default();
                report.fail(
                    r,
                    "",
                    format!(
                        "{m} ({display} is not set; the default is {d:?}){}",
                        note(d)
                    ),
                );
            }
        }
        Tri::Unknown(why) => report.unknown(r, why),
    }
}

/// What a fix saves a month at list price, for a finding's message.
fn saving(ctx: &Context<'_>, r: &Resource, fixes: &[Fix]) -> String {
    cloudwright_cost::whatif::saving_note(ctx.graph, r, fixes)
}

/// The type a previous-generation one moves to: `m4.large` → `m7i.large`.
fn successor_type(instance_type: &str) -> Option<String> {
    let family = successor(instance_type)?.split_whitespace().next()?;
    let (_, size) = instance_type.rsplit_once('.')?;
    (family != "a").then(|| format!("{family}.{size}"))
}

/// Each element of the nested blocks at `blocks` (`root_block_device`),
/// as its index path prefix; blocks the code does not determine (a
/// `dynamic` block over an unknown collection) are reported undecidable.
fn each_block(report: &mut Report, r: &Resource, blocks: &str) -> Vec<String> {
    match get(r, blocks) {
        Tri::Known(Value::List(items)) => {
            (0..items.len()).map(|i| format!("{blocks}.{i}")).collect()
        }
        Tri::Unknown(why) => {
            report.unknown(r, format!("`{blocks}` blocks are {why}"));
            Vec::new()
        }
        _ => Vec::new(),
    }
}

crate::rule! {
    /// ## What it checks
    /// EBS storage is not `gp2`: `aws_ebs_volume.type` (the provider's
    /// default is `gp2`), the `volume_type` of instance root and EBS block
    /// devices and of launch-template block device mappings, and RDS
    /// `storage_type`.
    ///
    /// ## Why it matters
    /// `gp3` costs about 20% less per GB than `gp2` ($0.08 vs $0.10 per
    /// GB-month) and gives 3,000 IOPS and 125 MB/s at any size, where `gp2`
    /// ties performance to size (3 IOPS/GB). The change is online.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ebs_volume" "data" {
    ///   availability_zone = "eu-west-1a"
    ///   size              = 500
    ///   type              = "gp2"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ebs_volume" "data" {
    ///   availability_zone = "eu-west-1a"
    ///   size              = 500
    ///   type              = "gp3"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Use `gp3` (and set `iops`/`throughput` only if the workload needs
    /// more than the baseline).
    pub static GP2 = {
        id: "CW-AWS-COST-001",
        title: "gp2 storage where gp3 is cheaper and faster",
        severity: Low,
        category: "cost",
        resource_types: ["aws_ebs_volume", "aws_instance", "aws_launch_template", "aws_db_instance"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Use gp3.",
        check: check_gp2,
    }
}

fn gp2(v: &str) -> Option<String> {
    (v == "gp2").then(|| {
        "gp2 storage: gp3 is about 20% cheaper per GB with 3,000 IOPS at any size".to_string()
    })
}

fn to_gp3(_: &str) -> Option<String> {
    Some("gp3".into())
}

fn check_gp2(ctx: &Context<'_>, report: &mut Report) {
    for r in ctx.resources(&["aws_ebs_volume"]) {
        judge_str(ctx, report, r, "type", Some("gp2"), gp2, to_gp3);
    }
    for r in ctx.resources(&["aws_db_instance"]) {
        judge_str(ctx, report, r, "storage_type", None, gp2, to_gp3);
    }
    for r in ctx.resources(&["aws_instance"]) {
        for block in ["root_block_device", "ebs_block_device"] {
            for prefix in each_block(report, r, block) {
                judge_str(
                    ctx,
                    report,
                    r,
                    &format!("{prefix}.volume_type"),
                    None,
                    gp2,
                    to_gp3,
                );
            }
        }
    }
    for r in ctx.resources(&["aws_launch_template"]) {
        for prefix in each_block(report, r, "block_device_mappings") {
            judge_str(
                ctx,
                report,
                r,
                &format!("{prefix}.ebs.0.volume_type"),
                None,
                gp2,
                to_gp3,
            );
        }
    }
}

/// The current equivalent of a previous-generation instance family.
fn successor(instance_type: &str) -> Option<&'static str> {
    let (prefix, rest) = ["db.", "cache."]
        .iter()
        .find_map(|p| instance_type.strip_prefix(p).map(|r| (*p, r)))
        .unwrap_or(("", instance_type));
    let family = rest.split('.').next().unwrap_or(rest);
    let ec2 = match family {
        "t1" | "t2" => "t3",
        "m1" | "m2" | "m3" | "m4" => "m7i (or m7g on Graviton)",
        "c1" | "c3" | "c4" => "c7i (or c7g)",
        "r3" | "r4" => "r7i (or r7g)",
        "i2" => "i4i",
        "d2" => "d3",
        "g2" | "g3" => "g4dn",
        "p2" => "p3",
        "cc2" | "cr1" | "hs1" => "a current family",
        _ => return None,
    };
    Some(match (prefix, family) {
        ("db.", "t2") => "db.t3 (or db.t4g)",
        ("db.", f) if f.starts_with('m') => "db.m6i (or db.m7g)",
        ("db.", f) if f.starts_with('r') => "db.r6i (or db.r7g)",
        ("cache.", f) if f.starts_with('t') => "cache.t4g",
        ("cache.", f) if f.starts_with('m') => "cache.m7g",
        ("cache.", f) if f.starts_with('r') => "cache.r7g",
        _ => ec2,
    })
}

crate::rule! {
    /// ## What it checks
    /// Instances, launch templates and configurations, RDS and Aurora
    /// instances and ElastiCache nodes do not use previous-generation
    /// families (t1/t2, m1–m4, c1/c3/c4, r3/r4, i2, d2, g2/g3, p2 and their
    /// `db.`/`cache.` forms); the finding names the current equivalent.
    ///
    /// ## Why it matters
    /// Previous generations cost as much or more for less performance:
    /// `m4.large` is $0.100/hour, `m7i.large` $0.1008 with roughly 50% more
    /// compute, and `m7g.large` $0.0816. They also lack newer features
    /// (Nitro, ENA Express, IMDSv2 defaults) and get capacity last.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_instance" "app" {
    ///   instance_type = "m4.large"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_instance" "app" {
    ///   instance_type = "m7i.large"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Move to the current family named in the finding (test the AMI on
    /// Nitro; Graviton needs arm64 builds).
    pub static PREVIOUS_GENERATION = {
        id: "CW-AWS-COST-002",
        title: "Previous-generation instance type",
        severity: Low,
        category: "cost",
        resource_types: ["aws_instance", "aws_launch_template", "aws_launch_configuration", "aws_db_instance", "aws_rds_cluster_instance", "aws_elasticache_cluster", "aws_elasticache_replication_group"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Use the current-generation equivalent.",
        check: |ctx, report| {
            for (types, attribute) in [
                (&["aws_instance", "aws_launch_template", "aws_launch_configuration"][..], "instance_type"),
                (&["aws_db_instance", "aws_rds_cluster_instance"][..], "instance_class"),
                (&["aws_elasticache_cluster", "aws_elasticache_replication_group"][..], "node_type"),
            ] {
                for r in ctx.resources(types) {
                    judge_str(ctx, report, r, attribute, None, |v| {
                        successor(v).map(|s| format!("{v} is a previous generation: {s} costs the same or less and is faster"))
                    }, successor_type);
                }
            }
        },
    }
}

crate::rule! {
    /// ## What it checks
    /// Provisioned-IOPS volumes (`io1`, `io2`) — EBS volumes, instance
    /// block devices and RDS storage — ask for no more IOPS than `gp3`
    /// delivers (16,000 for EBS; 12,000 for RDS gp3 above 400 GB, which
    /// is also where its 3,000 baseline rises).
    ///
    /// ## Why it matters
    /// `io1`/`io2` charge per provisioned IOPS ($0.065 per IOPS-month) on
    /// top of a higher per-GB price: 10,000 IOPS is $650 a month that
    /// `gp3` provides for about $35 of extra IOPS. Provisioned IOPS pay off
    /// only above gp3's limits or for io2's durability.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ebs_volume" "db" {
    ///   availability_zone = "eu-west-1a"
    ///   size              = 200
    ///   type              = "io1"
    ///   iops              = 5000
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ebs_volume" "db" {
    ///   availability_zone = "eu-west-1a"
    ///   size              = 200
    ///   type              = "gp3"
    ///   iops              = 5000
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Use `gp3` with the IOPS and throughput the workload measures.
    pub static PROVISIONED_IOPS = {
        id: "CW-AWS-COST-003",
        title: "Provisioned IOPS where gp3 would do",
        severity: Low,
        category: "cost",
        resource_types: ["aws_ebs_volume", "aws_instance", "aws_db_instance"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Use gp3 with the needed IOPS.",
        check: check_piops,
    }
}

fn check_piops(ctx: &Context<'_>, report: &mut Report) {
    // instances' block devices, found before `judge` holds the report
    let mut devices = Vec::new();
    for r in ctx.resources(&["aws_instance"]) {
        for block in ["root_block_device", "ebs_block_device"] {
            devices.extend(each_block(report, r, block).into_iter().map(|p| (r, p)));
        }
    }
    let mut judge = |r: &Resource, type_path: &str, iops_path: &str, limit: f64| match (
        get_str(r, type_path),
        get_number(r, iops_path),
    ) {
        (Tri::Known(t), Tri::Known(iops)) if t == "io1" || t == "io2" => {
            report.checked(r);
            if iops <= limit {
                let note = saving(
                    ctx,
                    r,
                    &[Fix::Set(type_path.to_string(), Value::string("gp3"))],
                );
                report.fail(r, &crate::setting::display_path(iops_path), format!("{t} with {iops} provisioned IOPS: gp3 delivers up to {limit} without the per-IOPS premium{note}"));
            }
        }
        (Tri::Unknown(why), _) => report.unknown(r, why),
        (Tri::Known(t), Tri::Unknown(why)) if t == "io1" || t == "io2" => report.unknown(r, why),
        _ => {}
    };
    for r in ctx.resources(&["aws_ebs_volume"]) {
        judge(r, "type", "iops", 16000.0);
    }
    for r in ctx.resources(&["aws_db_instance"]) {
        judge(r, "storage_type", "iops", 12000.0);
    }
    for (r, prefix) in devices {
        judge(
            r,
            &format!("{prefix}.volume_type"),
            &format!("{prefix}.iops"),
            16000.0,
        );
    }
}

/// `Known(true)` for a resource in a known non-production environment.
fn non_production(ctx: &Context<'_>, r: &Resource) -> Tri<bool> {
    match ctx.environment(r) {
        Tri::Known(Some(env)) => Tri::Known(env.is_non_production()),
        Tri::Known(None) | Tri::Absent => Tri::Known(false),
        Tri::Unknown(why) => Tri::Unknown(why),
    }
}

crate::rule! {
    /// ## What it checks
    /// In non-production environments (staging, development: see
    /// `cloudwright.toml` `[environments]`, the `environment` tag or the
    /// root's directory), a VPC has at most one NAT gateway.
    ///
    /// ## Why it matters
    /// Each NAT gateway costs about $33 a month before data ($0.045/hour)
    /// plus $0.045 per GB processed. One per AZ is the right design for
    /// production (CW-AWS-NET-009); in development, an AZ outage that takes
    /// egress down for a while is an acceptable trade for a third of the
    /// bill.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_nat_gateway" "this" {
    ///   for_each      = toset(["a", "b", "c"])   # in envs/dev
    ///   subnet_id     = aws_subnet.public[each.key].id
    ///   allocation_id = aws_eip.nat[each.key].id
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_nat_gateway" "this" {
    ///   subnet_id     = aws_subnet.public["a"].id   # one, shared by every AZ
    ///   allocation_id = aws_eip.nat.id
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Make the NAT layout a variable (`single_nat_gateway = true` outside
    /// production).
    pub static NAT_PER_AZ_NON_PRODUCTION = {
        id: "CW-AWS-COST-004",
        title: "NAT gateway per AZ in non-production",
        severity: Low,
        category: "cost",
        resource_types: ["aws_nat_gateway"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Use one NAT gateway outside production.",
        check: check_nat_per_az,
    }
}

fn check_nat_per_az(ctx: &Context<'_>, report: &mut Report) {
    // NAT gateways per VPC (through their subnet)
    let mut by_vpc: std::collections::BTreeMap<(String, String), Vec<&Resource>> =
        Default::default();
    for nat in ctx.resources(&["aws_nat_gateway"]) {
        let vpc = ctx
            .referenced(nat, "subnet_id", "aws_subnet", "id")
            .known()
            .flatten()
            .and_then(|s| {
                ctx.referenced(s, "vpc_id", "aws_vpc", "id")
                    .known()
                    .flatten()
            });
        let key = match vpc {
            Some(v) => (v.root.to_string(), v.address.to_string()),
            None => continue,
        };
        by_vpc.entry(key).or_default().push(nat);
    }
    for nats in by_vpc.values() {
        if nats.len() < 2 {
            continue;
        }
        for nat in nats {
            match non_production(ctx, nat) {
                Tri::Known(true) => {
                    report.checked(nat);
                    let note = saving(ctx, nat, &[Fix::Remove]);
                    report.fail(nat, "", format!("one of {} NAT gateways in a non-production VPC: each is billed by the hour before any data{note}", nats.len()));
                }
                Tri::Unknown(why) => report.unknown(nat, why),
                _ => {}
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Non-production environments do not pay for production's
    /// redundancy: RDS `multi_az = true`, ElastiCache replication groups
    /// with `automatic_failover_enabled` or more than one cache cluster,
    /// and S3 cross-region replication (`aws_s3_bucket_replication_configuration`).
    ///
    /// ## Why it matters
    /// Multi-AZ doubles the database's instance and storage bill; replicas
    /// multiply the cache's; replication doubles storage and adds transfer.
    /// Development needs to behave like production, not to survive an AZ
    /// outage.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_instance" "orders" {
    ///   multi_az = true
    ///   tags     = { environment = "dev" }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_db_instance" "orders" {
    ///   multi_az = var.environment == "prod"
    ///   tags     = { environment = "dev" }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Drive redundancy from the environment (a variable per tfvars file).
    pub static HA_NON_PRODUCTION = {
        id: "CW-AWS-COST-005",
        title: "Production-grade redundancy in non-production",
        severity: Low,
        category: "cost",
        resource_types: ["aws_db_instance", "aws_elasticache_replication_group", "aws_s3_bucket_replication_configuration"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Turn Multi-AZ, replicas and replication off outside production.",
        check: check_ha,
    }
}

fn check_ha(ctx: &Context<'_>, report: &mut Report) {
    let types = [
        "aws_db_instance",
        "aws_elasticache_replication_group",
        "aws_s3_bucket_replication_configuration",
    ];
    for r in ctx.resources(&types) {
        match non_production(ctx, r) {
            Tri::Known(true) => {}
            Tri::Unknown(why) => {
                report.unknown(r, why);
                continue;
            }
            _ => continue,
        }
        report.checked(r);
        match r.resource_type.as_str() {
            "aws_db_instance" => match get_bool(r, "multi_az") {
                Tri::Known(true) => {
                    let note = saving(ctx, r, &[Fix::Set("multi_az".into(), Value::Bool(false))]);
                    report.fail(
                        r,
                        "multi_az",
                        format!("Multi-AZ in non-production doubles the database's bill{note}"),
                    );
                }
                Tri::Unknown(why) => report.unknown(r, why),
                _ => {}
            },
            "aws_elasticache_replication_group" => {
                let failover = get_bool(r, "automatic_failover_enabled");
                let clusters = get_number(r, "num_cache_clusters");
                match (failover, clusters) {
                    (Tri::Unknown(why), _) | (_, Tri::Unknown(why)) => report.unknown(r, why),
                    (_, Tri::Known(n)) if n > 1.0 => {
                        let note = saving(
                            ctx,
                            r,
                            &[Fix::Set("num_cache_clusters".into(), Value::Number(1.0))],
                        );
                        report.fail(r, "num_cache_clusters", format!("{n} cache nodes in non-production: replicas multiply the cache's bill{note}"));
                    }
                    (Tri::Known(true), _) => {
                        report.fail(
                            r,
                            "automatic_failover_enabled",
                            "automatic failover needs a replica: paid redundancy in non-production",
                        );
                    }
                    _ => {}
                }
            }
            _ => {
                report.fail(
                    r,
                    "",
                    "cross-region replication in non-production doubles storage and adds transfer",
                );
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Elastic IPs are attached: an `aws_eip` with an `instance` or
    /// `network_interface`, or referred to by an `aws_eip_association`, a
    /// NAT gateway's `allocation_id`, or a load balancer's
    /// `subnet_mapping`.
    ///
    /// ## Why it matters
    /// Every public IPv4 address costs $0.005 an hour (about $3.65 a
    /// month) since February 2024 — attached or not — and an unattached
    /// one does nothing for it.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_eip" "spare" {
    ///   domain = "vpc"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_eip" "bastion" {
    ///   domain   = "vpc"
    ///   instance = aws_instance.bastion.id
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Release it, or attach it where it is meant to be.
    pub static UNATTACHED_EIP = {
        id: "CW-AWS-COST-006",
        title: "Elastic IP not attached to anything",
        severity: Low,
        category: "cost",
        resource_types: ["aws_eip"],
        checkov: ["CKV2_AWS_19"],
        trivy: [],
        kics: [],
        remediation: "Release the address or attach it.",
        check: |ctx, report| {
            for eip in ctx.resources(&["aws_eip"]) {
                report.checked(eip);
                let direct = ["instance", "network_interface"].iter().map(|k| get(eip, k)).collect::<Vec<_>>();
                if direct.iter().any(|v| matches!(v, Tri::Known(x) if !x.is_null())) {
                    continue;
                }
                if let Some(Tri::Unknown(why)) = direct.into_iter().find(|v| matches!(v, Tri::Unknown(_))) {
                    // an id known only after apply is an attachment
                    let _ = why;
                    continue;
                }
                let used = ctx.graph.referrers(eip).any(|(r, _)| {
                    r.mode == Mode::Managed
                        && matches!(r.resource_type.as_str(), "aws_eip_association" | "aws_nat_gateway" | "aws_lb" | "aws_globalaccelerator_endpoint_group")
                });
                if !used {
                    let note = saving(ctx, eip, &[Fix::Remove]);
                    report.fail(eip, "", format!("the Elastic IP is attached to nothing: public IPv4 addresses are billed by the hour, used or not{note}"));
                }
            }
        },
    }
}

crate::rule! {
    /// ## What it checks
    /// Versioned S3 buckets expire noncurrent versions: an
    /// `aws_s3_bucket_lifecycle_configuration` with an enabled rule holding
    /// `noncurrent_version_expiration` (or the inline `lifecycle_rule` of
    /// provider v3). Unversioned buckets are not checked.
    ///
    /// ## Why it matters
    /// With versioning, every overwrite and delete keeps the old object —
    /// billed like the current one, forever. A bucket rewritten daily grows
    /// its bill without anyone seeing more data.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_s3_bucket_versioning" "assets" {
    ///   bucket = aws_s3_bucket.assets.id
    ///   versioning_configuration { status = "Enabled" }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_s3_bucket_lifecycle_configuration" "assets" {
    ///   bucket = aws_s3_bucket.assets.id
    ///   rule {
    ///     id     = "old-versions"
    ///     status = "Enabled"
    ///     filter {}
    ///     noncurrent_version_expiration { noncurrent_days = 30 }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Expire noncurrent versions after the recovery window you need.
    pub static NONCURRENT_VERSIONS = {
        id: "CW-AWS-COST-007",
        title: "Versioned bucket keeps old versions forever",
        severity: Low,
        category: "cost",
        resource_types: ["aws_s3_bucket"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Add a lifecycle rule with noncurrent_version_expiration.",
        check: check_noncurrent,
    }
}

/// Whether a lifecycle rule block is on (`status = "Enabled"`, or the
/// inline `lifecycle_rule`'s `enabled = true` of provider v3) and holds a
/// non-empty `block`.
fn enabled_rule_with(rule: &Value, block: &str) -> bool {
    let enabled = match rule
        .get("status")
        .as_ref()
        .and_then(|v| v.as_str().map(str::to_string))
    {
        Some(s) => s == "Enabled",
        None => rule
            .get("enabled")
            .and_then(|v| v.as_bool())
            .unwrap_or(false),
    };
    enabled
        && rule
            .get(block)
            .is_some_and(|n| n.as_list().is_some_and(|l| !l.is_empty()) || n.as_object().is_some())
}

/// Whether any lifecycle rule of a bucket — its inline `lifecycle_rule`
/// blocks (provider v3) or those of its `aws_s3_bucket_lifecycle_configuration`
/// — is on and holds `block`: `Absent` when the bucket has no lifecycle
/// configuration at all, `Unknown` when a configuration's rules are not
/// known from the code.
fn lifecycle_has(ctx: &Context<'_>, bucket: &Resource, block: &str) -> Tri<bool> {
    let has = |rules: &Value| {
        rules
            .as_list()
            .unwrap_or_default()
            .iter()
            .any(|rule| enabled_rule_with(rule, block))
    };
    let mut unknown = None;
    let mut configured = false;
    match get(bucket, "lifecycle_rule") {
        Tri::Known(rules) if has(&rules) => return Tri::Known(true),
        Tri::Known(rules) => configured = rules.as_list().is_some_and(|l| !l.is_empty()),
        Tri::Unknown(w) => unknown = Some(w),
        Tri::Absent => {}
    }
    match crate::aws::s3::bucket_companions(ctx, bucket, "aws_s3_bucket_lifecycle_configuration") {
        Tri::Known(configs) => {
            for c in configs {
                configured = true;
                match get(c, "rule") {
                    Tri::Known(rules) if has(&rules) => return Tri::Known(true),
                    Tri::Unknown(w) => unknown = Some(w),
                    _ => {}
                }
            }
        }
        Tri::Absent => {}
        Tri::Unknown(w) => return Tri::Unknown(w),
    }
    match (unknown, configured) {
        (Some(w), _) => Tri::Unknown(w),
        (None, true) => Tri::Known(false),
        (None, false) => Tri::Absent,
    }
}

fn check_noncurrent(ctx: &Context<'_>, report: &mut Report) {
    for bucket in ctx.resources(&["aws_s3_bucket"]) {
        let versioned = match get_bool(bucket, "versioning.0.enabled") {
            Tri::Known(true) => Tri::Known(true),
            Tri::Unknown(w) => Tri::Unknown(w),
            _ => match crate::aws::s3::bucket_companions(ctx, bucket, "aws_s3_bucket_versioning") {
                Tri::Known(c) => {
                    let mut v = Tri::Known(false);
                    for x in c {
                        match get_str(x, "versioning_configuration.0.status") {
                            Tri::Known(s) if s == "Enabled" => v = Tri::Known(true),
                            Tri::Unknown(w) => v = Tri::Unknown(w),
                            _ => {}
                        }
                    }
                    v
                }
                Tri::Absent => Tri::Known(false),
                Tri::Unknown(w) => Tri::Unknown(w),
            },
        };
        match versioned {
            Tri::Known(true) => {}
            Tri::Unknown(why) => {
                report.unknown(bucket, why);
                continue;
            }
            _ => continue,
        }
        report.checked(bucket);
        match lifecycle_has(ctx, bucket, "noncurrent_version_expiration") {
            Tri::Known(true) => {}
            Tri::Known(false) => {
                report.fail(bucket, "", "versioned, with no rule expiring noncurrent versions: every overwrite is kept and billed forever");
            }
            Tri::Absent => {
                report.fail(bucket, "", "versioned, with no lifecycle configuration: every overwrite is kept and billed forever");
            }
            Tri::Unknown(w) => report.unknown(bucket, w),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// S3 buckets with a lifecycle configuration abort incomplete multipart
    /// uploads: an enabled rule holding `abort_incomplete_multipart_upload`
    /// (`days_after_initiation`), in the `aws_s3_bucket_lifecycle_configuration`
    /// or the inline `lifecycle_rule` (`abort_incomplete_multipart_upload_days`,
    /// provider v3). A bucket with no lifecycle configuration at all is
    /// CW-AWS-S3-009's.
    ///
    /// ## Why it matters
    /// The parts of an upload that never completed — a crashed client, a
    /// cancelled deploy — stay in the bucket, invisible in listings and
    /// billed as storage, until a rule aborts them. Lifecycle rules that
    /// expire objects do not touch them.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_s3_bucket_lifecycle_configuration" "logs" {
    ///   bucket = aws_s3_bucket.logs.id
    ///   rule {
    ///     id     = "expire"
    ///     status = "Enabled"
    ///     filter {}
    ///     expiration { days = 90 }
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_s3_bucket_lifecycle_configuration" "logs" {
    ///   bucket = aws_s3_bucket.logs.id
    ///   rule {
    ///     id     = "expire"
    ///     status = "Enabled"
    ///     filter {}
    ///     expiration { days = 90 }
    ///     abort_incomplete_multipart_upload { days_after_initiation = 7 }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `abort_incomplete_multipart_upload { days_after_initiation = 7 }`
    /// to a rule that covers the whole bucket.
    pub static INCOMPLETE_UPLOADS = {
        id: "CW-AWS-COST-010",
        title: "Bucket keeps incomplete multipart uploads forever",
        severity: Low,
        category: "cost",
        resource_types: ["aws_s3_bucket"],
        checkov: ["CKV_AWS_300"],
        trivy: [],
        kics: [],
        remediation: "Add abort_incomplete_multipart_upload to a lifecycle rule.",
        check: check_incomplete_uploads,
    }
}

/// Whether an enabled inline `lifecycle_rule` (provider v3, which says it
/// with a number of days) aborts incomplete uploads.
fn inline_aborts(bucket: &Resource) -> Tri<bool> {
    let Tri::Known(rules) = get(bucket, "lifecycle_rule") else {
        return Tri::Known(false);
    };
    let mut verdict = Tri::Known(false);
    for rule in rules.as_list().unwrap_or_default() {
        let days = rule
            .get("abort_incomplete_multipart_upload_days")
            .unwrap_or_default();
        let enabled = rule.get("enabled").unwrap_or_default();
        if days.is_null() || enabled.as_bool() == Some(false) {
            continue;
        }
        if !days.is_unknown() && !enabled.is_unknown() {
            return Tri::Known(true);
        }
        let both = Value::list(vec![days, enabled]);
        verdict = Tri::Unknown(format!(
            "a lifecycle rule's abort setting is {}",
            both.why_unknown()
        ));
    }
    verdict
}

fn check_incomplete_uploads(ctx: &Context<'_>, report: &mut Report) {
    for bucket in ctx.resources(&["aws_s3_bucket"]) {
        report.checked(bucket);
        let inline = inline_aborts(bucket);
        let verdict = match (
            inline,
            lifecycle_has(ctx, bucket, "abort_incomplete_multipart_upload"),
        ) {
            (Tri::Known(true), _) | (_, Tri::Known(true)) => Tri::Known(true),
            (Tri::Unknown(w), _) | (_, Tri::Unknown(w)) => Tri::Unknown(w),
            (_, other) => other,
        };
        match verdict {
            Tri::Known(true) | Tri::Absent => {}
            Tri::Known(false) => {
                report.fail(bucket, "", "no lifecycle rule aborts incomplete multipart uploads: their parts are kept and billed forever, unseen");
            }
            Tri::Unknown(w) => report.unknown(bucket, w),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// In non-production environments, instances and launch templates do
    /// not turn on EC2 detailed monitoring (`monitoring = true`,
    /// `monitoring { enabled = true }`). Informational.
    ///
    /// ## Why it matters
    /// Detailed (1-minute) monitoring is billed per metric — about $2.10 a
    /// month per instance — and development rarely needs 1-minute
    /// resolution. In production it is worth it (CW-AWS-EC2-005 asks for
    /// it there).
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_instance" "build" {
    ///   monitoring = true
    ///   tags       = { environment = "dev" }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_instance" "build" {
    ///   monitoring = var.environment == "prod"
    ///   tags       = { environment = "dev" }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Enable detailed monitoring only where someone watches 1-minute data.
    pub static DETAILED_MONITORING_NON_PRODUCTION = {
        id: "CW-AWS-COST-008",
        title: "Detailed monitoring in non-production",
        severity: Info,
        category: "cost",
        resource_types: ["aws_instance", "aws_launch_template"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Turn detailed monitoring off outside production.",
        check: |ctx, report| {
            for (t, path) in [("aws_instance", "monitoring"), ("aws_launch_template", "monitoring.0.enabled")] {
                for r in ctx.resources(&[t]) {
                    match non_production(ctx, r) {
                        Tri::Known(true) => {}
                        Tri::Unknown(why) => {
                            report.unknown(r, why);
                            continue;
                        }
                        _ => continue,
                    }
                    report.checked(r);
                    match get_bool(r, path) {
                        Tri::Known(true) => {
                            let note = saving(ctx, r, &[Fix::Set(path.to_string(), Value::Bool(false))]);
                            report.fail(r, &crate::setting::display_path(path), format!("detailed monitoring in non-production: seven 1-minute metrics billed per instance{note}"));
                        }
                        Tri::Unknown(why) => report.unknown(r, why),
                        _ => {}
                    }
                }
            }
        },
    }
}

crate::rule! {
    /// ## What it checks
    /// DynamoDB tables in `PROVISIONED` mode either scale their capacity
    /// (an `aws_appautoscaling_target` for the table) or are a deliberate
    /// fixed reservation. Informational: the configuration cannot show
    /// traffic, only that capacity never moves.
    ///
    /// ## Why it matters
    /// Fixed provisioned capacity is paid around the clock at the peak it
    /// was sized for, and throttles above it. Spiky or unknown traffic is
    /// usually cheaper on demand (`PAY_PER_REQUEST`); steady traffic is
    /// cheaper provisioned with auto scaling (or reserved capacity).
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_dynamodb_table" "events" {
    ///   billing_mode   = "PROVISIONED"
    ///   read_capacity  = 200
    ///   write_capacity = 200
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_dynamodb_table" "events" {
    ///   billing_mode = "PAY_PER_REQUEST"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Use on-demand for unknown or spiky traffic; otherwise add
    /// Application Auto Scaling targets and policies for reads and writes.
    pub static DYNAMODB_FIXED_CAPACITY = {
        id: "CW-AWS-COST-009",
        title: "DynamoDB table with fixed provisioned capacity",
        severity: Info,
        category: "cost",
        resource_types: ["aws_dynamodb_table"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Use PAY_PER_REQUEST, or add auto scaling to the provisioned capacity.",
        check: |ctx, report| {
            for t in ctx.resources(&["aws_dynamodb_table"]) {
                match get_str(t, "billing_mode") {
                    // the provider's default is PROVISIONED
                    Tri::Known(m) if m == "PAY_PER_REQUEST" => continue,
                    Tri::Unknown(why) => {
                        report.unknown(t, why);
                        continue;
                    }
                    _ => {}
                }
                report.checked(t);
                let scaled = ctx.graph.referrers(t).any(|(r, _)| r.resource_type == "aws_appautoscaling_target")
                    || match get_str(t, "name") {
                        Tri::Known(name) => ctx.graph.of_type("aws_appautoscaling_target").any(|a| {
                            a.root == t.root
                                && matches!(get_str(a, "resource_id"), Tri::Known(id) if id == format!("table/{name}"))
                        }),
                        _ => false,
                    };
                if !scaled {
                    let capacity = match (get_number(t, "read_capacity"), get_number(t, "write_capacity")) {
                        (Tri::Known(r), Tri::Known(w)) => format!(" ({r} reads, {w} writes)"),
                        _ => String::new(),
                    };
                    report.fail(t, "", format!("provisioned capacity{capacity} that never scales: paid at peak around the clock"));
                }
            }
        },
    }
}
