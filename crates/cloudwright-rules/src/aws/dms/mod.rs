//! AWS Database Migration Service.

use crate::setting::{require, Absent, Setting, Want};
use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![&DMS_PUBLIC]
}

crate::rule! {
    /// ## What it checks
    /// Replication instances are not publicly accessible:
    /// `publicly_accessible = true` on `aws_dms_replication_instance` fails.
    ///
    /// ## Why it matters
    /// A replication instance holds connections — and credentials — to both
    /// the source and target databases, and streams their data. A public
    /// address exposes it to the internet.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_dms_replication_instance" "migrate" {
    ///   replication_instance_id    = "migrate"
    ///   replication_instance_class = "dms.t3.medium"
    ///   publicly_accessible        = true
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_dms_replication_instance" "migrate" {
    ///   replication_instance_id     = "migrate"
    ///   replication_instance_class  = "dms.t3.medium"
    ///   publicly_accessible         = false
    ///   replication_subnet_group_id = aws_dms_replication_subnet_group.private.id
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `publicly_accessible = false` and place it in private subnets.
    pub static DMS_PUBLIC = {
        id: "CW-AWS-DMS-001",
        title: "DMS replication instance publicly accessible",
        severity: High,
        category: "network",
        resource_types: ["aws_dms_replication_instance"],
        checkov: ["CKV_AWS_89"],
        trivy: [],
        kics: ["030d3b18-1821-45b4-9e08-50efbe7becbb"],
        remediation: "Set publicly_accessible = false.",
        check: |ctx, report| require(ctx, report, &["aws_dms_replication_instance"], &Setting {
            path: "publicly_accessible",
            want: Want::False,
            absent: Absent::Passes,
            message: "the replication instance has a public address",
        }),
    }
}
