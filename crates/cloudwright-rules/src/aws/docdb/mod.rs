//! Amazon DocumentDB.

use crate::check::{get, Context, Tri};
use crate::setting::{require, Absent, Setting, Want};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &DOCDB_ENCRYPTED,
        &DOCDB_AUDIT_LOGS,
        &DOCDB_BACKUP_RETENTION,
        &DOCDB_TLS,
    ]
}

const CLUSTERS: &[&str] = &["aws_docdb_cluster"];

crate::rule! {
    /// ## What it checks
    /// DocumentDB clusters are encrypted at rest: `storage_encrypted = true`
    /// (default `false`).
    ///
    /// ## Why it matters
    /// The cluster's storage, backups and snapshots hold the documents in
    /// the clear otherwise; encryption can only be chosen at creation.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_docdb_cluster" "docs" {
    ///   cluster_identifier = "docs"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_docdb_cluster" "docs" {
    ///   cluster_identifier = "docs"
    ///   storage_encrypted  = true
    ///   kms_key_id         = aws_kms_key.docs.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `storage_encrypted = true`; for an existing cluster, restore a
    /// snapshot into an encrypted cluster.
    pub static DOCDB_ENCRYPTED = {
        id: "CW-AWS-DOCDB-001",
        title: "DocumentDB cluster not encrypted",
        severity: High,
        category: "encryption",
        resource_types: ["aws_docdb_cluster"],
        checkov: ["CKV_AWS_74"],
        trivy: ["AVD-AWS-0021", "aws-documentdb-enable-storage-encryption"],
        kics: ["bc1f9009-84a0-490f-ae09-3e0ea6d74ad6"],
        remediation: "Set storage_encrypted = true.",
        check: |ctx, report| require(ctx, report, CLUSTERS, &Setting {
            path: "storage_encrypted",
            want: Want::True,
            absent: Absent::Fails("storage_encrypted is not set (the default is false)"),
            message: "the cluster's storage is not encrypted",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// DocumentDB clusters export audit logs to CloudWatch:
    /// `enabled_cloudwatch_logs_exports` includes `"audit"` (nothing is
    /// exported by default). Audit events are written only when the
    /// cluster parameter group also sets `audit_logs`.
    ///
    /// ## Why it matters
    /// Audit logs record authentication, authorization failures and DDL —
    /// the trail for investigating access to the data.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_docdb_cluster" "docs" {
    ///   cluster_identifier = "docs"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_docdb_cluster" "docs" {
    ///   cluster_identifier              = "docs"
    ///   enabled_cloudwatch_logs_exports = ["audit", "profiler"]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `"audit"` to `enabled_cloudwatch_logs_exports` and set
    /// `audit_logs = enabled` in the cluster parameter group.
    pub static DOCDB_AUDIT_LOGS = {
        id: "CW-AWS-DOCDB-002",
        title: "DocumentDB audit logs not exported",
        severity: Low,
        category: "logging",
        resource_types: ["aws_docdb_cluster"],
        checkov: ["CKV_AWS_85", "CKV_AWS_104"],
        trivy: ["AVD-AWS-0020", "aws-documentdb-enable-log-export"],
        kics: ["56f6a008-1b14-4af4-b9b2-ab7cf7e27641"],
        remediation: "Add \"audit\" to enabled_cloudwatch_logs_exports.",
        check: |ctx, report| require(ctx, report, CLUSTERS, &Setting {
            path: "enabled_cloudwatch_logs_exports",
            want: Want::Contains(&["audit"]),
            absent: Absent::Fails("no logs are exported (enabled_cloudwatch_logs_exports is not set)"),
            message: "audit logs are not exported",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// DocumentDB clusters keep automated backups for at least 7 days:
    /// `backup_retention_period` ≥ 7 (the default is 1 day).
    ///
    /// ## Why it matters
    /// Corruption or a bad deployment is often noticed days later; a
    /// one-day window leaves nothing to restore by then.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_docdb_cluster" "docs" {
    ///   cluster_identifier = "docs"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_docdb_cluster" "docs" {
    ///   cluster_identifier      = "docs"
    ///   backup_retention_period = 14
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `backup_retention_period` to 7–35 days.
    pub static DOCDB_BACKUP_RETENTION = {
        id: "CW-AWS-DOCDB-003",
        title: "DocumentDB backups kept less than 7 days",
        severity: Low,
        category: "backup",
        resource_types: ["aws_docdb_cluster"],
        checkov: ["CKV_AWS_360"],
        trivy: [],
        kics: [],
        remediation: "Set backup_retention_period to at least 7.",
        check: |ctx, report| require(ctx, report, CLUSTERS, &Setting {
            path: "backup_retention_period",
            want: Want::AtLeast(7.0),
            absent: Absent::Fails("backup_retention_period is not set (the default is 1 day)"),
            message: "backups are kept less than 7 days",
        }),
    }
}

/// The value a parameter group gives `name`, three-valued.
pub(crate) fn parameter(group: &cloudwright_model::Resource, name: &str) -> Tri<Option<String>> {
    let params = match get(group, "parameter") {
        Tri::Known(v) => v,
        Tri::Absent => return Tri::Known(None),
        Tri::Unknown(why) => return Tri::Unknown(why),
    };
    for p in params.as_list().unwrap_or_default() {
        let n = p.get("name");
        match n.as_ref() {
            Some(n) if n.is_unknown() => {
                return Tri::Unknown(format!("a parameter name is {}", n.why_unknown()))
            }
            Some(n) if n.as_str().is_some_and(|s| s.eq_ignore_ascii_case(name)) => {
                return match p.get("value") {
                    Some(v) if v.is_unknown() => {
                        Tri::Unknown(format!("parameter {name} is {}", v.why_unknown()))
                    }
                    Some(v) => Tri::Known(Some(match v.as_str() {
                        Some(s) => s.to_string(),
                        None => v.to_string(),
                    })),
                    None => Tri::Known(None),
                };
            }
            _ => {}
        }
    }
    Tri::Known(None)
}

fn check_tls(ctx: &Context<'_>, report: &mut Report) {
    for cluster in ctx.resources(CLUSTERS) {
        report.checked(cluster);
        match ctx.referenced(
            cluster,
            "db_cluster_parameter_group_name",
            "aws_docdb_cluster_parameter_group",
            "name",
        ) {
            Tri::Known(Some(group)) => match parameter(group, "tls") {
                Tri::Known(Some(v)) if v.eq_ignore_ascii_case("disabled") => {
                    report.fail(
                        cluster,
                        "db_cluster_parameter_group_name",
                        format!("parameter group {} sets tls = disabled", group.address),
                    );
                }
                Tri::Unknown(why) => report.unknown(cluster, why),
                _ => {}
            },
            // the default parameter group enables TLS
            Tri::Known(None) | Tri::Absent => {}
            Tri::Unknown(why) => report.unknown(cluster, why),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// DocumentDB clusters require TLS: the cluster's parameter group
    /// (followed from `db_cluster_parameter_group_name`) does not set
    /// `tls = disabled`. The default parameter group requires TLS.
    ///
    /// ## Why it matters
    /// With TLS disabled, credentials and documents cross the network in
    /// plaintext.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_docdb_cluster_parameter_group" "plain" {
    ///   name   = "plain"
    ///   family = "docdb5.0"
    ///   parameter {
    ///     name  = "tls"
    ///     value = "disabled"
    ///   }
    /// }
    /// resource "aws_docdb_cluster" "docs" {
    ///   cluster_identifier              = "docs"
    ///   db_cluster_parameter_group_name = aws_docdb_cluster_parameter_group.plain.name
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_docdb_cluster" "docs" {
    ///   cluster_identifier = "docs"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `tls = enabled` (or `fips-140-3` / `tls1.3+`) in the parameter group.
    pub static DOCDB_TLS = {
        id: "CW-AWS-DOCDB-004",
        title: "DocumentDB TLS disabled",
        severity: High,
        category: "encryption",
        resource_types: ["aws_docdb_cluster", "aws_docdb_cluster_parameter_group"],
        checkov: ["CKV_AWS_90"],
        trivy: [],
        kics: [],
        remediation: "Set the tls parameter to enabled.",
        check: check_tls,
    }
}
