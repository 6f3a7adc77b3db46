//! Amazon Neptune.

use crate::setting::{require, Absent, Setting, Want};
use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &NEPTUNE_ENCRYPTED,
        &NEPTUNE_AUDIT_LOGS,
        &NEPTUNE_IAM_AUTH,
        &NEPTUNE_DELETION_PROTECTION,
    ]
}

const CLUSTERS: &[&str] = &["aws_neptune_cluster"];

crate::rule! {
    /// ## What it checks
    /// Neptune clusters are encrypted at rest: `storage_encrypted = true`
    /// (default `false`).
    ///
    /// ## Why it matters
    /// Graph data — relationships between people, accounts, devices — and
    /// its snapshots are stored in the clear otherwise; encryption can only
    /// be chosen at creation.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_neptune_cluster" "graph" {
    ///   cluster_identifier = "graph"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_neptune_cluster" "graph" {
    ///   cluster_identifier = "graph"
    ///   storage_encrypted  = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `storage_encrypted = true` (restore a snapshot into a new cluster
    /// for an existing one).
    pub static NEPTUNE_ENCRYPTED = {
        id: "CW-AWS-NEPTUNE-001",
        title: "Neptune cluster not encrypted",
        severity: High,
        category: "encryption",
        resource_types: ["aws_neptune_cluster"],
        checkov: ["CKV_AWS_44"],
        trivy: ["AVD-AWS-0076", "aws-neptune-enable-storage-encryption"],
        kics: ["98d59056-f745-4ef5-8613-32bca8d40b7e"],
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
    /// Neptune clusters export audit logs: `enable_cloudwatch_logs_exports`
    /// includes `"audit"` (nothing by default).
    ///
    /// ## Why it matters
    /// Audit logs record the queries clients ran and who ran them.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_neptune_cluster" "graph" {
    ///   cluster_identifier = "graph"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_neptune_cluster" "graph" {
    ///   cluster_identifier             = "graph"
    ///   enable_cloudwatch_logs_exports = ["audit"]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `"audit"` to `enable_cloudwatch_logs_exports` and set
    /// `neptune_enable_audit_log = 1` in the cluster parameter group.
    pub static NEPTUNE_AUDIT_LOGS = {
        id: "CW-AWS-NEPTUNE-002",
        title: "Neptune audit logs not exported",
        severity: Low,
        category: "logging",
        resource_types: ["aws_neptune_cluster"],
        checkov: ["CKV_AWS_101"],
        trivy: ["AVD-AWS-0075", "aws-neptune-enable-log-export"],
        kics: [],
        remediation: "Add \"audit\" to enable_cloudwatch_logs_exports.",
        check: |ctx, report| require(ctx, report, CLUSTERS, &Setting {
            path: "enable_cloudwatch_logs_exports",
            want: Want::Contains(&["audit"]),
            absent: Absent::Fails("no logs are exported (enable_cloudwatch_logs_exports is not set)"),
            message: "audit logs are not exported",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Neptune clusters authenticate clients with IAM:
    /// `iam_database_authentication_enabled = true` (default `false`).
    ///
    /// ## Why it matters
    /// Without IAM authentication, anything that reaches the endpoint on the
    /// network can query and modify the graph — Neptune has no passwords.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_neptune_cluster" "graph" {
    ///   cluster_identifier = "graph"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_neptune_cluster" "graph" {
    ///   cluster_identifier                  = "graph"
    ///   iam_database_authentication_enabled = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `iam_database_authentication_enabled = true` and sign requests
    /// with SigV4 (`neptune-db:*` permissions).
    pub static NEPTUNE_IAM_AUTH = {
        id: "CW-AWS-NEPTUNE-003",
        title: "Neptune cluster without IAM authentication",
        severity: Medium,
        category: "iam",
        resource_types: ["aws_neptune_cluster"],
        checkov: [],
        trivy: [],
        kics: ["c91d7ea0-d4d1-403b-8fe1-c9961ac082c5"],
        remediation: "Set iam_database_authentication_enabled = true.",
        check: |ctx, report| require(ctx, report, CLUSTERS, &Setting {
            path: "iam_database_authentication_enabled",
            want: Want::True,
            absent: Absent::Fails("iam_database_authentication_enabled is not set: any client on the network can query the graph"),
            message: "IAM authentication is off: any client on the network can query the graph",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Neptune clusters have deletion protection:
    /// `deletion_protection = true` (default `false`).
    ///
    /// ## Why it matters
    /// A mistaken `terraform destroy` or a renamed resource deletes the
    /// cluster and, unless a final snapshot is taken, its data.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_neptune_cluster" "graph" {
    ///   cluster_identifier = "graph"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_neptune_cluster" "graph" {
    ///   cluster_identifier  = "graph"
    ///   deletion_protection = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `deletion_protection = true`.
    pub static NEPTUNE_DELETION_PROTECTION = {
        id: "CW-AWS-NEPTUNE-004",
        title: "Neptune cluster without deletion protection",
        severity: Low,
        category: "backup",
        resource_types: ["aws_neptune_cluster"],
        checkov: ["CKV2_AWS_58"],
        trivy: [],
        kics: [],
        remediation: "Set deletion_protection = true.",
        check: |ctx, report| require(ctx, report, CLUSTERS, &Setting {
            path: "deletion_protection",
            want: Want::True,
            absent: Absent::Fails("deletion_protection is not set (the default is false)"),
            message: "deletion protection is off",
        }),
    }
}
