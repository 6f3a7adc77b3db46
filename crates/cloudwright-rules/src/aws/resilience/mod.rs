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
        &AVAILABILITY_BELOW_TARGET,
        &DRILL_OVERDUE,
        &NO_COPY_FOR_REGION_LOSS,
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
                cloudwright_resilience::Status::Down if seen.insert(e.address.to_string()) => {
                    report.fail(res, "", format!("down when {} fails: {}", s.name, e.reason));
                }
                cloudwright_resilience::Status::Unknown if seen.insert(e.address.to_string()) => {
                    report.unknown(res, e.reason.clone());
                }
                _ => {}
            }
        }
    }
    // where the configuration does not say the zones, no scenario judges
    // the service: undecidable, never a pass
    for u in r.unplaced.iter().filter(|u| u.kind == "az") {
        if let Some(res) = ctx.graph.resource_in(&u.root, &u.address) {
            report.checked(res);
            report.unknown(res, u.reason.clone());
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
            for (d, r) in data_stores(ctx) {
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

crate::rule! {
    /// ## What it checks
    /// An entry point (load balancer, API) that declares an availability
    /// target (`availability_target` tag, percent) reaches it by design: the
    /// composite of its components' published SLAs — serial dependencies
    /// multiplied, redundant compute combined, each component's SLA as
    /// configured (Multi-AZ or not, one AZ or several) — is at least the
    /// target. Unknown placement makes it undecidable.
    ///
    /// ## Why it matters
    /// A 99.99% target on a service whose database is Single-AZ (99.5%)
    /// cannot be met however good the rest is; the weakest link named in the
    /// finding is where the design must change.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lb" "api" {
    ///   tags = { availability_target = "99.99" }
    /// }
    /// resource "aws_db_instance" "main" {
    ///   multi_az = false # 99.5%
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_lb" "api" {
    ///   tags = { availability_target = "99.9" }
    /// }
    /// resource "aws_db_instance" "main" {
    ///   multi_az = true # 99.95%
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Make the weakest link redundant (Multi-AZ, more AZs, failover), or
    /// agree a target the design can meet.
    pub static AVAILABILITY_BELOW_TARGET = {
        id: "CW-AWS-RES-006",
        title: "Composite availability below the declared target",
        severity: Medium,
        category: "resilience",
        resource_types: ["aws_lb", "aws_alb", "aws_elb", "aws_api_gateway_rest_api", "aws_apigatewayv2_api"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Make the weakest link redundant, or revise the target.",
        check: |ctx, report| {
            for a in &ctx.resilience().availability {
                let Some(r) = ctx.graph.resource_in(&a.root, &a.address) else { continue };
                let Some(target) = a.target else {
                    // a target tag the code does not determine may be missed
                    if let Tri::Unknown(why) = crate::check::tag(r, &["availabilitytarget"]) {
                        report.checked(r);
                        report.unknown(r, why);
                    }
                    continue;
                };
                match (a.percent, &a.unknown) {
                    (Some(p), _) => {
                        report.checked(r);
                        if p < target {
                            let weakest = a
                                .weakest
                                .as_ref()
                                .map(|(w, s)| format!("; the weakest link is {w} at {s}%"))
                                .unwrap_or_default();
                            report.fail(
                                r,
                                "tags.availability_target",
                                format!("the published SLAs of its components compose to {p}%, below the {target}% target{weakest}"),
                            );
                        }
                    }
                    (None, Some(why)) => report.unknown(r, why.clone()),
                    (None, None) => {}
                }
            }
        },
    }
}

crate::rule! {
    /// ## What it checks
    /// Data stores with recovery objectives (`rpo`/`rto` tags) have had
    /// their restore drilled: the configuration's root has an
    /// `aws_backup_restore_testing_plan`, or `cloudwright.toml` records the
    /// last drill (`[resilience] last_restore_drill = "YYYY-MM-DD"`) and it
    /// is no older than `max_drill_age_days` (default 180).
    ///
    /// ## Why it matters
    /// An objective is a promise; the drill is the evidence. Restores fail
    /// for reasons no configuration shows: a missing key grant, a snapshot
    /// nobody can share, a runbook that names a deleted role.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_instance" "orders" {
    ///   backup_retention_period = 7
    ///   tags                    = { rpo = "15m", rto = "1h" }
    /// }
    /// # and no drill on record
    /// ```
    ///
    /// ## Passing example
    /// ```toml
    /// [resilience]
    /// last_restore_drill = "2026-11-02"
    /// ```
    ///
    /// ## How to fix
    /// Run a restore drill, record its date in `cloudwright.toml`, or
    /// automate it with an AWS Backup restore testing plan.
    pub static DRILL_OVERDUE = {
        id: "CW-AWS-RES-007",
        title: "Recovery objectives without a recent restore drill",
        severity: Low,
        category: "resilience",
        resource_types: ["aws_db_instance", "aws_rds_cluster", "aws_dynamodb_table", "aws_elasticache_replication_group", "aws_s3_bucket"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Drill a restore and record it ([resilience] last_restore_drill), or add an aws_backup_restore_testing_plan.",
        check: |ctx, report| {
            let settings = &ctx.settings;
            let drill = settings
                .last_restore_drill
                .as_deref()
                .and_then(cloudwright_model::date::parse_ymd);
            let today = cloudwright_model::date::parse_ymd(&settings.today);
            for (d, r) in data_stores(ctx) {
                if d.objective_rpo.is_none() && d.objective_rto.is_none() {
                    // an objective the code does not determine may be one
                    if let Some(why) = ["rpo", "rto"].iter().find_map(|k| match crate::check::tag(r, &[k]) {
                        Tri::Unknown(why) => Some(why),
                        _ => None,
                    }) {
                        report.unknown(r, why);
                    }
                    continue;
                }
                report.checked(r);
                let automated = ctx
                    .graph
                    .of_type("aws_backup_restore_testing_plan")
                    .any(|t| t.root == r.root);
                if automated {
                    continue;
                }
                match (drill, today) {
                    (Some(day), Some(now)) => {
                        let age = now - day;
                        if age > i64::from(settings.max_drill_age_days) {
                            report.fail(r, "", format!(
                                "the last restore drill ({}) is {age} days old, more than the {} allowed",
                                settings.last_restore_drill.as_deref().unwrap_or_default(),
                                settings.max_drill_age_days
                            ));
                        }
                    }
                    _ => {
                        report.fail(r, "", "recovery objectives, but no restore drill on record: the objective is a hypothesis");
                    }
                }
            }
        },
    }
}

crate::rule! {
    /// ## What it checks
    /// A data store whose objective is to survive the loss of its region
    /// (`dr = "region"` tag) has a copy in another region: a cross-region
    /// read replica, an Aurora global database, DynamoDB global table
    /// replicas, S3 replication, or an AWS Backup plan that copies its
    /// recovery points to a vault in another region.
    ///
    /// ## Why it matters
    /// Multi-AZ survives an AZ; only a copy elsewhere survives the region.
    /// A failover plan for the service is worthless if its data stays
    /// behind.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_dynamodb_table" "orders" {
    ///   tags = { dr = "region" }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_dynamodb_table" "orders" {
    ///   replica { region_name = "eu-central-1" }
    ///   tags = { dr = "region" }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Replicate to another region, or copy backups there with an AWS
    /// Backup copy action.
    pub static NO_COPY_FOR_REGION_LOSS = {
        id: "CW-AWS-RES-008",
        title: "Region-survival objective without a copy in another region",
        severity: High,
        category: "resilience",
        resource_types: ["aws_db_instance", "aws_rds_cluster", "aws_dynamodb_table", "aws_elasticache_replication_group", "aws_s3_bucket"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Replicate to another region, or add an AWS Backup copy action to a vault in another region.",
        check: |ctx, report| {
            for (d, r) in data_stores(ctx) {
                match crate::check::get_str(r, "tags.dr") {
                    Tri::Known(v) if v.eq_ignore_ascii_case("region") => {}
                    Tri::Unknown(why) => {
                        report.unknown(r, why);
                        continue;
                    }
                    _ => continue,
                }
                report.checked(r);
                // replicas the code does not determine may be elsewhere
                let replicas = r.get("replica");
                let unknown_replica = replicas.as_ref().and_then(|v| {
                    if v.is_unknown() {
                        return Some(v.why_unknown());
                    }
                    v.as_list()?
                        .iter()
                        .find_map(|x| x.get("region_name").filter(|n| n.is_unknown()))
                        .map(|n| n.why_unknown())
                });
                match (&d.standby_region, unknown_replica) {
                    (Some(_), _) => {}
                    (None, Some(why)) => report.unknown(r, format!("its replicas are {why}")),
                    (None, None) => {
                        report.fail(r, "tags.dr", "the objective is to survive a region loss, but no copy of the data is kept in another region");
                    }
                }
            }
        },
    }
}

/// The data stores the resilience engine judged, with their resources.
fn data_stores<'c, 'g>(
    ctx: &'c Context<'g>,
) -> impl Iterator<
    Item = (
        &'c cloudwright_resilience::recovery::DataStore,
        &'g cloudwright_model::Resource,
    ),
> {
    ctx.resilience()
        .data_stores
        .iter()
        .filter_map(move |d| Some((d, ctx.graph.resource_in(&d.root, &d.address)?)))
}
