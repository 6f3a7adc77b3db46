//! Amazon DynamoDB.

use crate::check::{get_bool, Context, Tri};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![&DYNAMODB_PITR]
}

crate::rule! {
    /// ## What it checks
    /// DynamoDB tables have point-in-time recovery:
    /// `point_in_time_recovery { enabled = true }` (off by default).
    ///
    /// ## Why it matters
    /// PITR restores a table to any second of the last 35 days: the undo for
    /// a bad migration, a buggy batch job or a deletion of items. Without it
    /// the only recovery points are on-demand backups someone remembered to
    /// take.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_dynamodb_table" "orders" {
    ///   name     = "orders"
    ///   hash_key = "id"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_dynamodb_table" "orders" {
    ///   name     = "orders"
    ///   hash_key = "id"
    ///   point_in_time_recovery {
    ///     enabled = true
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `point_in_time_recovery { enabled = true }`.
    pub static DYNAMODB_PITR = {
        id: "CW-AWS-DYNAMODB-001",
        title: "DynamoDB table without point-in-time recovery",
        severity: Medium,
        category: "backup",
        resource_types: ["aws_dynamodb_table"],
        checkov: ["CKV_AWS_28"],
        trivy: ["AVD-AWS-0024", "aws-dynamodb-enable-recovery"],
        kics: ["741f1291-47ac-4a85-a07b-3d32a9d6bd3e"],
        remediation: "Add point_in_time_recovery { enabled = true }.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for table in ctx.resources(&["aws_dynamodb_table"]) {
        report.checked(table);
        match get_bool(table, "point_in_time_recovery.0.enabled") {
            Tri::Known(true) => {}
            Tri::Known(false) => {
                report.fail(
                    table,
                    "point_in_time_recovery[0].enabled",
                    "point-in-time recovery is off",
                );
            }
            Tri::Absent => {
                report.fail(
                    table,
                    "",
                    "point_in_time_recovery is not enabled (it is off by default)",
                );
            }
            Tri::Unknown(why) => report.unknown(table, why),
        }
    }
}
