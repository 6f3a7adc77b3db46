//! Findings from the resilience engine: services an Availability Zone
//! outage takes down, data stores that miss their recovery objectives, and
//! the configuration details that make failover a hypothesis.

use crate::check::{get, get_bool, get_str, Context, Tri};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &AZ_SINGLE_POINT,
        &OBJECTIVE_MISSED,
        &FAILOVER_WITHOUT_HEALTH_CHECK,
        &EFS_ONE_ZONE,
        &RESTORES_NEVER_TESTED,
    ]
}

crate::rule! {
    /// ## What it checks
    /// No service (a load balancer and what it depends on) goes down when
    /// one Availability Zone does, as the resilience engine simulates it:
    /// the load balancer's subnets, the Auto Scaling groups, instances and
    /// ECS services behind it (a minimum of one instance counts as down:
    /// it may be the one lost), and the databases and caches their security
    /// groups let them reach (single-AZ RDS, one-instance Aurora,
    /// ElastiCache without failover). Services whose placement is not in
    /// the configuration are undecidable.
    ///
    /// ## Why it matters
    /// AZ outages happen several times a year somewhere; a service that
    /// runs in three AZs but depends on a single-AZ database, or keeps one
    /// instance, is single-AZ.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_autoscaling_group" "app" {
    ///   min_size            = 1
    ///   vpc_zone_identifier = [for s in aws_subnet.private : s.id]
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_autoscaling_group" "app" {
    ///   min_size            = 3
    ///   vpc_zone_identifier = [for s in aws_subnet.private : s.id]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Run at least one instance per AZ, databases Multi-AZ (or with a
    /// replica), caches with automatic failover.
    pub static AZ_SINGLE_POINT = {
        id: "CW-AWS-RES-001",
        title: "Service down when one Availability Zone fails",
        severity: High,
        category: "resilience",
        resource_types: ["aws_lb", "aws_alb", "aws_elb"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Spread the service and its dependencies over AZs (min one per AZ, Multi-AZ data stores).",
        check: check_az,
    }
}

fn check_az(ctx: &Context<'_>, report: &mut Report) {
    let r = ctx.resilience();
    let mut seen = std::collections::BTreeSet::new();
    for s in r.scenarios.iter().filter(|s| s.kind == "az") {
        for e in &s.entry_points {
            let Some(res) = ctx.graph.resource_in(&e.root, &e.address) else {
                continue;
            };
            report.checked(res);
            match e.status {
                cloudwright_resilience::Status::Down if seen.insert(e.address.clone()) => {
                    report.fail(res, "", format!("down when {} fails: {}", s.name, e.reason));
                }
                cloudwright_resilience::Status::Unknown if seen.insert(e.address.clone()) => {
                    report.unknown(res, e.reason.clone());
                }
                _ => {}
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Data stores meet the recovery objectives declared on them (`rpo`
    /// and `rto` tags: `15m`, `1h`, `1d`): the recovery point and time
    /// their configuration implies, by the resilience engine's documented
    /// model (RDS and Aurora point-in-time restore 5 minutes; no backups,
    /// no recovery point; Multi-AZ failover 2 minutes, restore 30 minutes
    /// and more; DynamoDB PITR 5 minutes; S3 versioning; AWS Backup
    /// schedules).
    ///
    /// ## Why it matters
    /// An objective nobody checks against the configuration is a promise
    /// made on the data's behalf; the gap shows only in the incident.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_instance" "legacy" {
    ///   backup_retention_period = 0
    ///   tags                    = { rpo = "1h" }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_db_instance" "legacy" {
    ///   backup_retention_period = 7
    ///   tags                    = { rpo = "1h" }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Turn on what the objective needs (backups, PITR, versioning,
    /// Multi-AZ), or correct the objective with the service owner.
    pub static OBJECTIVE_MISSED = {
        id: "CW-AWS-RES-002",
        title: "Data store misses its recovery objective",
        severity: High,
        category: "resilience",
        resource_types: ["aws_db_instance", "aws_rds_cluster", "aws_dynamodb_table", "aws_elasticache_replication_group", "aws_s3_bucket"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Configure what the objective needs, or revise the objective.",
        check: |ctx, report| {
            for d in &ctx.resilience().data_stores {
                let Some(r) = ctx.graph.resource_in(&d.root, &d.address) else { continue };
                if let Some(why) = &d.unknown {
                    report.unknown(r, why.clone());
                    continue;
                }
                report.checked(r);
                if let Some(v) = d.violations.first() {
                    report.fail(r, "", v.clone());
                }
            }
        },
    }
}

crate::rule! {
    /// ## What it checks
    /// A Route 53 record with `failover_routing_policy` of type `PRIMARY`
    /// has a `health_check_id`, or is an alias with
    /// `evaluate_target_health = true`.
    ///
    /// ## Why it matters
    /// Route 53 fails over when the primary is unhealthy; without a health
    /// check it never is, and the secondary region waits forever — a
    /// disaster-recovery plan that cannot trigger.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_route53_record" "primary" {
    ///   failover_routing_policy { type = "PRIMARY" }
    ///   records = ["203.0.113.10"]
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_route53_record" "primary" {
    ///   failover_routing_policy { type = "PRIMARY" }
    ///   health_check_id = aws_route53_health_check.primary.id
    ///   records         = ["203.0.113.10"]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Attach a health check to the primary record, or evaluate the alias
    /// target's health.
    pub static FAILOVER_WITHOUT_HEALTH_CHECK = {
        id: "CW-AWS-RES-003",
        title: "Route 53 failover record without a health check",
        severity: Medium,
        category: "resilience",
        resource_types: ["aws_route53_record"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Set health_check_id on the primary record (or alias evaluate_target_health = true).",
        check: |ctx, report| {
            for r in ctx.resources(&["aws_route53_record"]) {
                match get_str(r, "failover_routing_policy.0.type") {
                    Tri::Known(t) if t == "PRIMARY" => {}
                    Tri::Unknown(why) => {
                        report.unknown(r, why);
                        continue;
                    }
                    _ => continue,
                }
                report.checked(r);
                let checked = !matches!(get(r, "health_check_id"), Tri::Absent);
                let evaluates = matches!(get_bool(r, "alias.0.evaluate_target_health"), Tri::Known(true));
                if !checked && !evaluates {
                    report.fail(r, "", "the primary failover record has no health check: Route 53 never fails over");
                }
            }
        },
    }
}

crate::rule! {
    /// ## What it checks
    /// EFS file systems are regional: not One Zone
    /// (`availability_zone_name` unset) and with mount targets in more
    /// than one subnet.
    ///
    /// ## Why it matters
    /// A One Zone file system, or one reachable through a single mount
    /// target, is lost to every client when its AZ is — and the clients in
    /// the other AZs lose their shared state with it.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_efs_file_system" "shared" {
    ///   availability_zone_name = "eu-west-1a"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_efs_mount_target" "shared" {
    ///   for_each       = aws_subnet.private
    ///   file_system_id = aws_efs_file_system.shared.id
    ///   subnet_id      = each.value.id
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Use regional (Standard) storage and a mount target in every AZ the
    /// clients run in.
    pub static EFS_ONE_ZONE = {
        id: "CW-AWS-RES-004",
        title: "EFS file system in one Availability Zone",
        severity: Medium,
        category: "resilience",
        resource_types: ["aws_efs_file_system"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Use regional EFS with a mount target per AZ.",
        check: |ctx, report| {
            for fs in ctx.resources(&["aws_efs_file_system"]) {
                report.checked(fs);
                match get_str(fs, "availability_zone_name") {
                    Tri::Known(z) => {
                        report.fail(fs, "availability_zone_name", format!("One Zone storage in {z}: lost with its AZ"));
                        continue;
                    }
                    Tri::Unknown(why) => {
                        report.unknown(fs, why);
                        continue;
                    }
                    Tri::Absent => {}
                }
                let targets = ctx.graph.referrers(fs).filter(|(r, a)| r.resource_type == "aws_efs_mount_target" && *a == "file_system_id").count();
                if targets == 1 {
                    report.fail(fs, "", "one mount target: clients reach the file system through a single AZ");
                }
            }
        },
    }
}

crate::rule! {
    /// ## What it checks
    /// A configuration with AWS Backup plans also tests restores: an
    /// `aws_backup_restore_testing_plan` exists in the same root module.
    ///
    /// ## Why it matters
    /// A backup that has never been restored is a hypothesis: wrong
    /// selections, missing permissions or keys show up when the restore is
    /// needed. Restore testing runs the drill on a schedule and records
    /// how long it took.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_backup_plan" "daily" {
    ///   name = "daily"
    ///   rule { … }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_backup_restore_testing_plan" "monthly" {
    ///   name                = "monthly"
    ///   schedule_expression = "cron(0 6 ? * 1 *)"
    ///   recovery_point_selection { … }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add a restore testing plan with selections for the critical
    /// resource types.
    pub static RESTORES_NEVER_TESTED = {
        id: "CW-AWS-RES-005",
        title: "Backups whose restores are never tested",
        severity: Low,
        category: "resilience",
        resource_types: ["aws_backup_plan"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Add an aws_backup_restore_testing_plan.",
        check: |ctx, report| {
            for plan in ctx.resources(&["aws_backup_plan"]) {
                report.checked(plan);
                let tested = ctx
                    .graph
                    .of_type("aws_backup_restore_testing_plan")
                    .any(|t| t.root == plan.root);
                if !tested {
                    report.fail(plan, "", "no aws_backup_restore_testing_plan: restores from this plan are never exercised");
                }
            }
        },
    }
}
