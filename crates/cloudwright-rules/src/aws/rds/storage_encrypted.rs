use crate::check::{get, get_bool, get_str, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// RDS instances (`aws_db_instance`) and Aurora/Multi-AZ clusters
    /// (`aws_rds_cluster`) encrypt their storage: `storage_encrypted = true`.
    /// The provider default is `false`. Read replicas
    /// (`replicate_source_db`) inherit their source's encryption and are not
    /// checked; Aurora Serverless v1 clusters are always encrypted.
    ///
    /// ## Why it matters
    /// Encryption cannot be turned on later: an unencrypted database must be
    /// snapshotted, the snapshot copied with encryption, and restored — with
    /// downtime. Its snapshots and backups are unencrypted too.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   engine = "postgres"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   engine            = "postgres"
    ///   storage_encrypted = true
    ///   kms_key_id        = aws_kms_key.db.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `storage_encrypted = true` (with `kms_key_id` for a
    /// customer-managed key) when creating the database.
    pub static RDS_STORAGE_ENCRYPTED = {
        id: "CW-AWS-RDS-002",
        title: "RDS storage not encrypted",
        severity: High,
        category: "encryption",
        resource_types: ["aws_db_instance", "aws_rds_cluster"],
        checkov: ["CKV_AWS_16", "CKV_AWS_96"],
        trivy: ["AVD-AWS-0080", "aws-rds-encrypt-instance-storage-data", "AVD-AWS-0079", "aws-rds-encrypt-cluster-storage-data"],
        kics: ["3199c26c-7871-4cb3-99c2-10a59244ce7f"],
        remediation: "Set storage_encrypted = true (and kms_key_id for a customer-managed key).",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for db in ctx.resources(&["aws_db_instance", "aws_rds_cluster"]) {
        report.checked(db);
        if db.resource_type == "aws_db_instance"
            && !matches!(get(db, "replicate_source_db"), Tri::Absent)
        {
            continue;
        }
        // Serverless v1 is always encrypted: an engine mode the code does
        // not determine may be it
        let mut mode_unknown = None;
        if db.resource_type == "aws_rds_cluster" {
            match get_str(db, "engine_mode") {
                Tri::Known(mode) if mode == "serverless" => continue,
                Tri::Unknown(why) => mode_unknown = Some(format!("engine_mode is {why}")),
                _ => {}
            }
        }
        match get_bool(db, "storage_encrypted") {
            Tri::Known(true) => {}
            Tri::Known(false) | Tri::Absent if mode_unknown.is_some() => {
                report.unknown(db, mode_unknown.unwrap_or_default());
            }
            Tri::Known(false) => {
                report.fail(db, "storage_encrypted", "storage_encrypted is false: data, snapshots and backups are stored unencrypted");
            }
            Tri::Absent => {
                report.fail(db, "", "storage_encrypted is not set (the default is false): data, snapshots and backups are stored unencrypted");
            }
            Tri::Unknown(why) => report.unknown(db, why),
        }
    }
}
