use crate::check::{get, get_bool, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// RDS instances (`aws_db_instance`) in production — tagged so
    /// (`environment`, `env` or `stage` = `prod`, `production`, `prd` or
    /// `live`, in the effective tags including provider `default_tags`),
    /// in a root module under such a directory (`envs/prod`), or mapped in
    /// `cloudwright.toml` `[environments]` — run
    /// Multi-AZ: `multi_az = true`. Aurora clusters (`aws_rds_cluster`) keep
    /// their storage across three AZs and get failover from their replicas,
    /// and read replicas are not checked. Instances whose environment is
    /// unknown are reported as undecidable.
    ///
    /// ## Why it matters
    /// A Single-AZ database goes down with its Availability Zone and comes
    /// back only by restore — minutes to hours, plus data since the last
    /// backup. Multi-AZ fails over to a synchronous standby in one to two
    /// minutes without data loss.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_instance" "orders" {
    ///   multi_az = false
    ///   tags     = { environment = "prod" }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_db_instance" "orders" {
    ///   multi_az = true
    ///   tags     = { environment = "prod" }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `multi_az = true` for production databases.
    pub static RDS_MULTI_AZ_PRODUCTION = {
        id: "CW-AWS-RDS-005",
        title: "Production RDS instance in a single Availability Zone",
        severity: High,
        category: "resilience",
        resource_types: ["aws_db_instance"],
        checkov: ["CKV_AWS_157"],
        trivy: [],
        kics: ["53598739-ffe2-4b77-9fe5-de95f2252345"],
        remediation: "Set multi_az = true.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for db in ctx.resources(&["aws_db_instance"]) {
        if !matches!(get(db, "replicate_source_db"), Tri::Absent) {
            continue;
        }
        match ctx.environment(db) {
            Tri::Known(Some(env)) if env.is_production() => {}
            Tri::Known(_) | Tri::Absent => continue,
            Tri::Unknown(why) => {
                report.unknown(db, why);
                continue;
            }
        }
        report.checked(db);
        match get_bool(db, "multi_az") {
            Tri::Known(true) => {}
            Tri::Known(false) => {
                report.fail(
                    db,
                    "multi_az",
                    "a production database runs in a single Availability Zone",
                );
            }
            Tri::Absent => {
                report.fail(
                    db,
                    "",
                    "multi_az is not set (the default is false) for a production database",
                );
            }
            Tri::Unknown(why) => report.unknown(db, why),
        }
    }
}
