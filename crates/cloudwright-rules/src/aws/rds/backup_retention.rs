use crate::check::{get, get_number, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// RDS instances and clusters keep automated backups for at least 7 days:
    /// `backup_retention_period >= 7`. When unset, an `aws_db_instance` gets
    /// AWS's default of 1 day and an `aws_rds_cluster` 1 day. `0` disables
    /// automated backups and point-in-time recovery. In a known
    /// non-production environment one day is enough, but `0` still fails.
    /// Read replicas are not checked.
    ///
    /// ## Why it matters
    /// Retention bounds how far back you can restore: a corruption noticed on
    /// Monday cannot be undone from Friday with one day of backups. Seven
    /// days is the usual floor; production often keeps 14–35.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   backup_retention_period = 0
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   backup_retention_period = 14
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `backup_retention_period` to 7 days or more.
    pub static RDS_BACKUP_RETENTION = {
        id: "CW-AWS-RDS-003",
        title: "RDS automated backups kept less than 7 days",
        severity: Medium,
        category: "backup",
        resource_types: ["aws_db_instance", "aws_rds_cluster"],
        checkov: ["CKV_AWS_133"],
        trivy: ["AVD-AWS-0077", "aws-rds-specify-backup-retention"],
        kics: ["1dc73fb4-5b51-430c-8c5f-25dcf9090b02"],
        remediation: "Set backup_retention_period to at least 7.",
        check: check,
    }
}

const MINIMUM_DAYS: f64 = 7.0;

fn check(ctx: &Context<'_>, report: &mut Report) {
    for db in ctx.resources(&["aws_db_instance", "aws_rds_cluster"]) {
        report.checked(db);
        if !matches!(get(db, "replicate_source_db"), Tri::Absent) {
            continue;
        }
        // non-production needs backups, not a week of them
        let non_production =
            matches!(ctx.environment(db), Tri::Known(Some(env)) if env.is_non_production());
        match get_number(db, "backup_retention_period") {
            Tri::Known(days) if days >= MINIMUM_DAYS => {}
            Tri::Known(days) if non_production && days >= 1.0 => {}
            Tri::Known(0.0) => {
                report.fail(
                    db,
                    "backup_retention_period",
                    "automated backups are disabled (retention 0): no point-in-time recovery",
                );
            }
            Tri::Known(days) => {
                report.fail(
                    db,
                    "backup_retention_period",
                    format!("automated backups are kept {days} day(s), less than {MINIMUM_DAYS}"),
                );
            }
            Tri::Absent => {
                report.fail(
                    db,
                    "",
                    "backup_retention_period is not set: AWS keeps automated backups 1 day",
                );
            }
            Tri::Unknown(why) => report.unknown(db, why),
        }
    }
}
