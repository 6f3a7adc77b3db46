//! RDS settings a reviewer expects on every database: IAM authentication,
//! minor-version patching, monitoring and logs, and snapshots kept private.

use crate::check::{get, get_str, Context, Tri};
use crate::setting::{require, require_where, Absent, Setting, Want};
use crate::Report;
use cloudwright_model::Resource;

/// Engines that support IAM database authentication (MySQL, MariaDB,
/// PostgreSQL and their Aurora forms). An instance without `engine` is a
/// replica or a restore whose engine comes from its source.
fn supports_iam_auth(r: &Resource) -> Tri<bool> {
    match get_str(r, "engine") {
        Tri::Known(engine) => {
            let e = engine.to_ascii_lowercase();
            Tri::Known(
                e.starts_with("mysql")
                    || e.starts_with("mariadb")
                    || e.starts_with("postgres")
                    || e.starts_with("aurora"),
            )
        }
        // aws_rds_cluster defaults to "aurora" (MySQL-compatible)
        Tri::Absent if r.resource_type == "aws_rds_cluster" => Tri::Known(true),
        Tri::Absent => Tri::Known(false),
        Tri::Unknown(why) => Tri::Unknown(why),
    }
}

crate::rule! {
    /// ## What it checks
    /// MySQL, MariaDB, PostgreSQL and Aurora databases accept IAM
    /// authentication: `iam_database_authentication_enabled = true` (default
    /// `false`). Oracle, SQL Server and Db2 do not support it and are not
    /// checked; an instance without `engine` (a replica or restore) neither.
    ///
    /// ## Why it matters
    /// With IAM authentication, applications connect with short-lived tokens
    /// from their role instead of a long-lived password in a config file or
    /// environment variable, and access is granted and revoked in IAM, where
    /// it is audited.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine         = "postgres"
    ///   instance_class = "db.t4g.medium"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine                              = "postgres"
    ///   instance_class                      = "db.t4g.medium"
    ///   iam_database_authentication_enabled = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `iam_database_authentication_enabled = true` and grant
    /// `rds-db:connect` to the roles that connect.
    pub static RDS_IAM_AUTH = {
        id: "CW-AWS-RDS-006",
        title: "RDS database without IAM authentication",
        severity: Medium,
        category: "iam",
        resource_types: ["aws_db_instance", "aws_rds_cluster"],
        checkov: ["CKV_AWS_161", "CKV_AWS_162"],
        trivy: ["AVD-AWS-0176", "aws-rds-enable-iam-auth"],
        kics: [],
        remediation: "Set iam_database_authentication_enabled = true.",
        check: |ctx, report| require_where(
            ctx,
            report,
            &["aws_db_instance", "aws_rds_cluster"],
            supports_iam_auth,
            &Setting {
                path: "iam_database_authentication_enabled",
                want: Want::True,
                absent: Absent::Fails(
                    "iam_database_authentication_enabled is not set (the default is false)",
                ),
                message: "IAM database authentication is off",
            },
        ),
    }
}

crate::rule! {
    /// ## What it checks
    /// Databases take minor engine versions automatically:
    /// `auto_minor_version_upgrade` is not `false` on `aws_db_instance` and
    /// `aws_rds_cluster_instance` (the default is `true`).
    ///
    /// ## Why it matters
    /// Minor versions carry the engine's security fixes. Turned off, a
    /// database stays on a vulnerable version until someone schedules the
    /// upgrade by hand — usually when a forced upgrade date arrives.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine                     = "mysql"
    ///   auto_minor_version_upgrade = false
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine = "mysql"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Remove `auto_minor_version_upgrade = false` (or set it to `true`) and
    /// choose a `maintenance_window` that suits the workload.
    pub static RDS_MINOR_UPGRADE = {
        id: "CW-AWS-RDS-007",
        title: "RDS automatic minor version upgrade disabled",
        severity: Low,
        category: "patching",
        resource_types: ["aws_db_instance", "aws_rds_cluster_instance"],
        checkov: ["CKV_AWS_226"],
        trivy: [],
        kics: ["3b6d777b-76e3-4133-80a3-0d6f667ade7f"],
        remediation: "Set auto_minor_version_upgrade = true (the default).",
        check: |ctx, report| require(
            ctx,
            report,
            &["aws_db_instance", "aws_rds_cluster_instance"],
            &Setting {
                path: "auto_minor_version_upgrade",
                want: Want::True,
                absent: Absent::Passes,
                message: "automatic minor version upgrades are off",
            },
        ),
    }
}

crate::rule! {
    /// ## What it checks
    /// Databases export their logs to CloudWatch Logs:
    /// `enabled_cloudwatch_logs_exports` names at least one log type (none by
    /// default). Applies to `aws_db_instance` and `aws_rds_cluster`.
    ///
    /// ## Why it matters
    /// Error, slow-query, audit and connection logs are the record of who
    /// connected and what failed. Left on the instance they rotate away within
    /// days and are lost with it; in CloudWatch they are retained, searchable
    /// and alarmable.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine = "postgres"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine                          = "postgres"
    ///   enabled_cloudwatch_logs_exports = ["postgresql", "upgrade"]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// List the engine's log types in `enabled_cloudwatch_logs_exports`
    /// (`audit`, `error`, `general`, `slowquery` for MySQL; `postgresql` for
    /// PostgreSQL).
    pub static RDS_LOG_EXPORTS = {
        id: "CW-AWS-RDS-008",
        title: "RDS logs not exported to CloudWatch",
        severity: Low,
        category: "logging",
        resource_types: ["aws_db_instance", "aws_rds_cluster"],
        checkov: ["CKV_AWS_129", "CKV_AWS_324"],
        trivy: [],
        kics: [],
        remediation: "Set enabled_cloudwatch_logs_exports to the engine's log types.",
        check: |ctx, report| require(
            ctx,
            report,
            &["aws_db_instance", "aws_rds_cluster"],
            &Setting {
                path: "enabled_cloudwatch_logs_exports",
                want: Want::Present,
                absent: Absent::Fails("no log types are exported (enabled_cloudwatch_logs_exports is empty)"),
                message: "no log types are exported",
            },
        ),
    }
}

crate::rule! {
    /// ## What it checks
    /// Database instances have enhanced monitoring: `monitoring_interval`
    /// greater than 0 (the default 0 turns it off). Applies to
    /// `aws_db_instance` and `aws_rds_cluster_instance`.
    ///
    /// ## Why it matters
    /// Enhanced monitoring shows the operating system beneath the engine —
    /// per-process CPU, memory, swap, file system — at up to one-second
    /// granularity. It is what tells a noisy query from a starved instance
    /// during an incident.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine = "mysql"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine              = "mysql"
    ///   monitoring_interval = 30
    ///   monitoring_role_arn = aws_iam_role.rds_monitoring.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `monitoring_interval` (1, 5, 10, 15, 30 or 60 seconds) and a
    /// `monitoring_role_arn` with `AmazonRDSEnhancedMonitoringRole`.
    pub static RDS_ENHANCED_MONITORING = {
        id: "CW-AWS-RDS-009",
        title: "RDS instance without enhanced monitoring",
        severity: Low,
        category: "monitoring",
        resource_types: ["aws_db_instance", "aws_rds_cluster_instance"],
        checkov: ["CKV_AWS_118"],
        trivy: [],
        kics: [],
        remediation: "Set monitoring_interval to 1–60 seconds with a monitoring_role_arn.",
        check: |ctx, report| require(
            ctx,
            report,
            &["aws_db_instance", "aws_rds_cluster_instance"],
            &Setting {
                path: "monitoring_interval",
                want: Want::AtLeast(1.0),
                absent: Absent::Fails("monitoring_interval is not set (the default 0 disables enhanced monitoring)"),
                message: "enhanced monitoring is off (monitoring_interval = 0)",
            },
        ),
    }
}

crate::rule! {
    /// ## What it checks
    /// Performance Insights, where it is turned on, is encrypted with a
    /// customer managed KMS key: `performance_insights_kms_key_id` is set
    /// when `performance_insights_enabled = true`. Applies to
    /// `aws_db_instance`, `aws_rds_cluster` and `aws_rds_cluster_instance`.
    ///
    /// ## Why it matters
    /// Performance Insights stores the text of the queries the database ran —
    /// literals, identifiers, sometimes personal data. Under the AWS managed
    /// key, anyone allowed to use RDS in the account can read it; with a
    /// customer managed key, access follows the key policy and is revocable.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine                       = "postgres"
    ///   performance_insights_enabled = true
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine                          = "postgres"
    ///   performance_insights_enabled    = true
    ///   performance_insights_kms_key_id = aws_kms_key.rds.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `performance_insights_kms_key_id` to a customer managed key (the
    /// key can only be chosen when Performance Insights is first enabled).
    pub static RDS_PI_CMK = {
        id: "CW-AWS-RDS-010",
        title: "RDS Performance Insights not encrypted with a customer managed key",
        severity: Low,
        category: "encryption",
        resource_types: ["aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance"],
        checkov: ["CKV_AWS_354"],
        trivy: ["AVD-AWS-0078", "aws-rds-performance-insights-encryption-customer-key"],
        kics: [],
        remediation: "Set performance_insights_kms_key_id to a customer managed KMS key.",
        check: |ctx, report| require_where(
            ctx,
            report,
            &["aws_db_instance", "aws_rds_cluster", "aws_rds_cluster_instance"],
            |r| get(r, "performance_insights_enabled").boolean(),
            &Setting {
                path: "performance_insights_kms_key_id",
                want: Want::NonEmpty,
                absent: Absent::Fails("Performance Insights uses the AWS managed key (performance_insights_kms_key_id is not set)"),
                message: "performance_insights_kms_key_id is empty",
            },
        ),
    }
}

crate::rule! {
    /// ## What it checks
    /// Manual DB snapshots are not shared with everyone: `shared_accounts`
    /// on `aws_db_snapshot` and `aws_db_cluster_snapshot` does not contain
    /// `"all"`.
    ///
    /// ## Why it matters
    /// A snapshot shared with `all` is public: any AWS account can restore
    /// it and read every row of the database. It is one of the most common
    /// causes of large data leaks from RDS.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_snapshot" "before_migration" {
    ///   db_instance_identifier = aws_db_instance.app.identifier
    ///   db_snapshot_identifier = "before-migration"
    ///   shared_accounts        = ["all"]
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_db_snapshot" "before_migration" {
    ///   db_instance_identifier = aws_db_instance.app.identifier
    ///   db_snapshot_identifier = "before-migration"
    ///   shared_accounts        = ["123456789012"]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Share with named account ids only, and encrypt snapshots with a
    /// customer managed key (encrypted snapshots cannot be made public).
    pub static RDS_SNAPSHOT_PUBLIC = {
        id: "CW-AWS-RDS-011",
        title: "RDS snapshot shared publicly",
        severity: Critical,
        category: "network",
        resource_types: ["aws_db_snapshot", "aws_db_cluster_snapshot"],
        checkov: ["CKV_AWS_302"],
        trivy: [],
        kics: [],
        remediation: "Remove \"all\" from shared_accounts; share with named accounts only.",
        check: |ctx, report| require(
            ctx,
            report,
            &["aws_db_snapshot", "aws_db_cluster_snapshot"],
            &Setting {
                path: "shared_accounts",
                want: Want::Lacks(&["all"]),
                absent: Absent::Passes,
                message: "the snapshot is shared with all AWS accounts",
            },
        ),
    }
}

/// Engine default ports.
fn default_port(engine: &str) -> Option<i64> {
    let e = engine.to_ascii_lowercase();
    if e.starts_with("mysql") || e.starts_with("mariadb") || e == "aurora" || e == "aurora-mysql" {
        Some(3306)
    } else if e.starts_with("postgres") || e == "aurora-postgresql" {
        Some(5432)
    } else if e.starts_with("oracle") {
        Some(1521)
    } else if e.starts_with("sqlserver") {
        Some(1433)
    } else if e.starts_with("db2") {
        Some(50000)
    } else {
        None
    }
}

fn check_default_port(ctx: &Context<'_>, report: &mut Report) {
    for db in ctx.resources(&["aws_db_instance", "aws_rds_cluster"]) {
        let engine = match get_str(db, "engine") {
            Tri::Known(e) => e,
            Tri::Absent if db.resource_type == "aws_rds_cluster" => "aurora".to_string(),
            Tri::Absent => continue,
            Tri::Unknown(why) => {
                report.checked(db);
                report.unknown(db, why);
                continue;
            }
        };
        let Some(default) = default_port(&engine) else {
            continue;
        };
        report.checked(db);
        match get(db, "port").number() {
            Tri::Known(p) if p as i64 == default => {
                report.fail(
                    db,
                    "port",
                    format!("{engine} listens on its default port {default}"),
                );
            }
            Tri::Known(_) => {}
            Tri::Absent => {
                report.fail(
                    db,
                    "",
                    format!("port is not set, so {engine} listens on its default port {default}"),
                );
            }
            Tri::Unknown(why) => report.unknown(db, why),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Databases do not listen on their engine's well-known port (3306 for
    /// MySQL/MariaDB/Aurora MySQL, 5432 for PostgreSQL, 1521 Oracle, 1433 SQL
    /// Server, 50000 Db2), whether written as `port` or left to the default.
    ///
    /// ## Why it matters
    /// A non-default port is not access control, but it removes the database
    /// from the bulk scans and worms that probe only well-known ports. It is
    /// defence in depth, reported as informational.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine = "postgres"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine = "postgres"
    ///   port   = 6432
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `port` to a non-default value and update the security group rules
    /// and connection strings with it.
    pub static RDS_DEFAULT_PORT = {
        id: "CW-AWS-RDS-012",
        title: "RDS database on its engine's default port",
        severity: Info,
        category: "network",
        resource_types: ["aws_db_instance", "aws_rds_cluster"],
        checkov: [],
        trivy: [],
        kics: ["bca7cc4d-b3a4-4345-9461-eb69c68fcd26"],
        remediation: "Set port to a non-default value.",
        check: check_default_port,
    }
}

crate::rule! {
    /// ## What it checks
    /// Database instances have Performance Insights:
    /// `performance_insights_enabled = true` on `aws_db_instance` and
    /// `aws_rds_cluster_instance` (default `false`).
    ///
    /// ## Why it matters
    /// Performance Insights shows which queries and waits load the
    /// database, with seven days of history free — the first thing needed
    /// when a database slows down or a runaway query takes it out.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine = "postgres"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine                          = "postgres"
    ///   performance_insights_enabled    = true
    ///   performance_insights_kms_key_id = aws_kms_key.rds.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `performance_insights_enabled = true` (with a customer managed
    /// key, see CW-AWS-RDS-010).
    pub static RDS_PERFORMANCE_INSIGHTS = {
        id: "CW-AWS-RDS-013",
        title: "RDS instance without Performance Insights",
        severity: Low,
        category: "monitoring",
        resource_types: ["aws_db_instance", "aws_rds_cluster_instance"],
        checkov: ["CKV_AWS_353"],
        trivy: ["AVD-AWS-0133", "aws-rds-enable-performance-insights"],
        kics: [],
        remediation: "Set performance_insights_enabled = true.",
        check: |ctx, report| require(
            ctx,
            report,
            &["aws_db_instance", "aws_rds_cluster_instance"],
            &Setting {
                path: "performance_insights_enabled",
                want: Want::True,
                absent: Absent::Fails("performance_insights_enabled is not set (the default is false)"),
                message: "Performance Insights is off",
            },
        ),
    }
}

crate::rule! {
    /// ## What it checks
    /// Databases copy their tags to snapshots: `copy_tags_to_snapshot =
    /// true` on `aws_db_instance` and `aws_rds_cluster` (default `false`).
    ///
    /// ## Why it matters
    /// Snapshots without tags lose their owner, environment, data
    /// classification and cost allocation: they cannot be found by backup
    /// and retention policies, tag-based access control misses them, and
    /// their cost lands on nobody.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine = "postgres"
    ///   tags   = { team = "payments" }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_db_instance" "app" {
    ///   engine                = "postgres"
    ///   copy_tags_to_snapshot = true
    ///   tags                  = { team = "payments" }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `copy_tags_to_snapshot = true`.
    pub static RDS_COPY_TAGS = {
        id: "CW-AWS-RDS-014",
        title: "RDS snapshots do not inherit the database's tags",
        severity: Low,
        category: "tagging",
        resource_types: ["aws_db_instance", "aws_rds_cluster"],
        checkov: ["CKV2_AWS_60", "CKV_AWS_313"],
        trivy: [],
        kics: [],
        remediation: "Set copy_tags_to_snapshot = true.",
        check: |ctx, report| require(
            ctx,
            report,
            &["aws_db_instance", "aws_rds_cluster"],
            &Setting {
                path: "copy_tags_to_snapshot",
                want: Want::True,
                absent: Absent::Fails("copy_tags_to_snapshot is not set (the default is false)"),
                message: "snapshots are created without the database's tags",
            },
        ),
    }
}
