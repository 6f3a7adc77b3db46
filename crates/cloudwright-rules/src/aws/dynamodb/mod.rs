//! Amazon DynamoDB.

use crate::check::{get_bool, get_str, Context, Tri};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![&DYNAMODB_PITR, &DYNAMODB_CMK, &DAX_ENCRYPTED, &DAX_TLS]
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

crate::rule! {
    /// ## What it checks
    /// DynamoDB tables are encrypted with a customer managed KMS key:
    /// `server_side_encryption { enabled = true, kms_key_arn = … }` (without
    /// it the table uses an AWS owned key).
    ///
    /// ## Why it matters
    /// With an AWS owned key, anyone granted `dynamodb:GetItem` can read
    /// the data, and there is no record of key use. A customer managed key
    /// adds an independent gate, CloudTrail records of decryption, and the
    /// ability to make the table unreadable by disabling the key.
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
    ///   server_side_encryption {
    ///     enabled     = true
    ///     kms_key_arn = aws_kms_key.orders.arn
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `server_side_encryption` with `enabled = true` and a customer
    /// managed `kms_key_arn` (without `kms_key_arn`, the AWS managed
    /// `aws/dynamodb` key is used).
    pub static DYNAMODB_CMK = {
        id: "CW-AWS-DYNAMODB-002",
        title: "DynamoDB table not encrypted with a customer managed key",
        severity: Low,
        category: "encryption",
        resource_types: ["aws_dynamodb_table"],
        checkov: ["CKV_AWS_119"],
        trivy: ["AVD-AWS-0025", "aws-dynamodb-table-customer-key"],
        kics: ["ce089fd4-1406-47bd-8aad-c259772bb294"],
        remediation: "Add server_side_encryption { enabled = true, kms_key_arn = <CMK> }.",
        check: check_cmk,
    }
}

fn check_cmk(ctx: &Context<'_>, report: &mut Report) {
    for table in ctx.resources(&["aws_dynamodb_table"]) {
        report.checked(table);
        match get_bool(table, "server_side_encryption.0.enabled") {
            Tri::Known(true) => match get_str(table, "server_side_encryption.0.kms_key_arn") {
                Tri::Known(arn) if !arn.is_empty() => {}
                Tri::Unknown(_) => {} // a key created alongside
                _ => {
                    report.fail(table, "server_side_encryption[0]", "the table uses the AWS managed aws/dynamodb key, not a customer managed one");
                }
            },
            Tri::Known(false) | Tri::Absent => {
                report.fail(
                    table,
                    "",
                    "the table is encrypted with an AWS owned key only",
                );
            }
            Tri::Unknown(why) => report.unknown(table, why),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// DAX clusters encrypt data at rest:
    /// `server_side_encryption { enabled = true }` (off by default).
    ///
    /// ## Why it matters
    /// The cache holds copies of table items; unencrypted, they sit in the
    /// clear on the cluster's storage.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_dax_cluster" "orders" {
    ///   cluster_name       = "orders"
    ///   node_type          = "dax.r5.large"
    ///   replication_factor = 3
    ///   iam_role_arn       = aws_iam_role.dax.arn
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_dax_cluster" "orders" {
    ///   cluster_name       = "orders"
    ///   node_type          = "dax.r5.large"
    ///   replication_factor = 3
    ///   iam_role_arn       = aws_iam_role.dax.arn
    ///   server_side_encryption {
    ///     enabled = true
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `server_side_encryption { enabled = true }` (a replacement).
    pub static DAX_ENCRYPTED = {
        id: "CW-AWS-DYNAMODB-003",
        title: "DAX cluster not encrypted at rest",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_dax_cluster"],
        checkov: ["CKV_AWS_47"],
        trivy: ["AVD-AWS-0023", "aws-dynamodb-enable-at-rest-encryption"],
        kics: ["f11aec39-858f-4b6f-b946-0a1bf46c0c87"],
        remediation: "Add server_side_encryption { enabled = true }.",
        check: |ctx, report| crate::setting::require(ctx, report, &["aws_dax_cluster"], &crate::setting::Setting {
            path: "server_side_encryption.0.enabled",
            want: crate::setting::Want::True,
            absent: crate::setting::Absent::Fails("no server_side_encryption: the cache is not encrypted at rest"),
            message: "encryption at rest is disabled",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// DAX clusters encrypt client connections:
    /// `cluster_endpoint_encryption_type = "TLS"` (the default is `NONE`).
    ///
    /// ## Why it matters
    /// Items read through the cache travel to clients in plaintext
    /// otherwise.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_dax_cluster" "orders" {
    ///   cluster_name       = "orders"
    ///   node_type          = "dax.r5.large"
    ///   replication_factor = 3
    ///   iam_role_arn       = aws_iam_role.dax.arn
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_dax_cluster" "orders" {
    ///   cluster_name                     = "orders"
    ///   node_type                        = "dax.r5.large"
    ///   replication_factor               = 3
    ///   iam_role_arn                     = aws_iam_role.dax.arn
    ///   cluster_endpoint_encryption_type = "TLS"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `cluster_endpoint_encryption_type = "TLS"` (a replacement).
    pub static DAX_TLS = {
        id: "CW-AWS-DYNAMODB-004",
        title: "DAX cluster endpoint not encrypted",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_dax_cluster"],
        checkov: ["CKV_AWS_239"],
        trivy: [],
        kics: [],
        remediation: "Set cluster_endpoint_encryption_type = \"TLS\".",
        check: |ctx, report| crate::setting::require(ctx, report, &["aws_dax_cluster"], &crate::setting::Setting {
            path: "cluster_endpoint_encryption_type",
            want: crate::setting::Want::OneOf(&["TLS"]),
            absent: crate::setting::Absent::Fails("cluster_endpoint_encryption_type is not set (the default is NONE)"),
            message: "clients connect without TLS",
        }),
    }
}
