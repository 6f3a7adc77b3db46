use crate::check::{get_bool, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// RDS instances and Aurora clusters have `deletion_protection = true`
    /// (the default is `false`). Databases in a known non-production
    /// environment (staging, development: see `cloudwright.toml`
    /// `[environments]`, the `environment` tag or the root's directory) are
    /// not held to it — they are torn down on purpose.
    ///
    /// ## Why it matters
    /// Deletion protection makes `terraform destroy`, a mistaken resource
    /// rename, or a console click fail instead of dropping the database. It
    /// costs nothing and is turned off deliberately when a database really
    /// has to go.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_rds_cluster" "main" {
    ///   engine = "aurora-postgresql"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_rds_cluster" "main" {
    ///   engine              = "aurora-postgresql"
    ///   deletion_protection = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `deletion_protection = true`.
    pub static RDS_DELETION_PROTECTION = {
        id: "CW-AWS-RDS-004",
        title: "RDS database without deletion protection",
        severity: Medium,
        category: "backup",
        resource_types: ["aws_db_instance", "aws_rds_cluster"],
        checkov: ["CKV_AWS_293", "CKV_AWS_139"],
        trivy: ["AVD-AWS-0177", "aws-rds-enable-deletion-protection"],
        kics: [],
        remediation: "Set deletion_protection = true.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for db in ctx.resources(&["aws_db_instance", "aws_rds_cluster"]) {
        // non-production databases are torn down on purpose
        if let Tri::Known(Some(env)) = ctx.environment(db) {
            if env.is_non_production() {
                continue;
            }
        }
        report.checked(db);
        match get_bool(db, "deletion_protection") {
            Tri::Known(true) => {}
            Tri::Known(false) => {
                report.fail(db, "deletion_protection", "deletion protection is off");
            }
            Tri::Absent => {
                report.fail(
                    db,
                    "",
                    "deletion_protection is not set (the default is false)",
                );
            }
            Tri::Unknown(why) => report.unknown(db, why),
        }
    }
}
