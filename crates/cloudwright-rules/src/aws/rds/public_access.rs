use crate::check::{get_bool, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// No `aws_db_instance` or `aws_rds_cluster_instance` sets
    /// `publicly_accessible = true` (the default is `false`).
    ///
    /// ## Why it matters
    /// A publicly accessible database gets a public DNS name resolving to a
    /// public IP; with a permissive security group and a public subnet it is
    /// reachable from the internet. Databases belong in private subnets.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   publicly_accessible = true
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   publicly_accessible = false
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `publicly_accessible = false`; reach the database from inside the
    /// VPC (application tier, SSM port forwarding, VPN).
    pub static RDS_PUBLIC = {
        id: "CW-AWS-RDS-001",
        title: "RDS instance publicly accessible",
        severity: Critical,
        category: "network",
        resource_types: ["aws_db_instance", "aws_rds_cluster_instance"],
        checkov: ["CKV_AWS_17"],
        trivy: ["AVD-AWS-0180", "aws-rds-enable-public-access", "aws-rds-no-public-db-access"],
        kics: ["35113e6f-2c6b-414d-beec-7a9482d3b2d1"],
        remediation: "Set publicly_accessible = false.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for db in ctx.resources(&["aws_db_instance", "aws_rds_cluster_instance"]) {
        report.checked(db);
        match get_bool(db, "publicly_accessible") {
            Tri::Known(true) => {
                report.fail(
                    db,
                    "publicly_accessible",
                    "the database gets a public endpoint",
                );
            }
            Tri::Unknown(why) => report.unknown(db, why),
            _ => {}
        }
    }
}
