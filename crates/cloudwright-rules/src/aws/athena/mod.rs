//! Amazon Athena workgroups.

use crate::setting::{require, Absent, Setting, Want};
use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![&ATHENA_ENCRYPTION, &ATHENA_ENFORCE]
}

const WORKGROUPS: &[&str] = &["aws_athena_workgroup"];

crate::rule! {
    /// ## What it checks
    /// Athena workgroups encrypt query results:
    /// `configuration.result_configuration.encryption_configuration` sets
    /// an `encryption_option` (`SSE_S3`, `SSE_KMS` or `CSE_KMS`).
    ///
    /// ## Why it matters
    /// Query results are copies of the data queried — often joined and
    /// filtered down to exactly the sensitive part — written to S3.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_athena_workgroup" "analysts" {
    ///   name = "analysts"
    ///   configuration {
    ///     result_configuration {
    ///       output_location = "s3://results/analysts/"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_athena_workgroup" "analysts" {
    ///   name = "analysts"
    ///   configuration {
    ///     result_configuration {
    ///       output_location = "s3://results/analysts/"
    ///       encryption_configuration {
    ///         encryption_option = "SSE_KMS"
    ///         kms_key_arn       = aws_kms_key.athena.arn
    ///       }
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `encryption_configuration` to the result configuration.
    pub static ATHENA_ENCRYPTION = {
        id: "CW-AWS-ATHENA-001",
        title: "Athena query results not encrypted",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_athena_workgroup"],
        checkov: ["CKV_AWS_159"],
        trivy: ["AVD-AWS-0006", "aws-athena-enable-at-rest-encryption"],
        kics: ["d364984a-a222-4b5f-a8b0-e23ab19ebff3"],
        remediation: "Add result_configuration.encryption_configuration.",
        check: |ctx, report| require(ctx, report, WORKGROUPS, &Setting {
            path: "configuration.0.result_configuration.0.encryption_configuration.0.encryption_option",
            want: Want::OneOf(&["SSE_S3", "SSE_KMS", "CSE_KMS"]),
            absent: Absent::Fails("no encryption_configuration: query results are written unencrypted"),
            message: "query results are not encrypted",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Athena workgroups enforce their settings on clients:
    /// `configuration.enforce_workgroup_configuration` is not `false` (the
    /// default is `true`).
    ///
    /// ## Why it matters
    /// When not enforced, each client may override the workgroup's result
    /// location and encryption — and write unencrypted results anywhere.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_athena_workgroup" "analysts" {
    ///   name = "analysts"
    ///   configuration {
    ///     enforce_workgroup_configuration = false
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_athena_workgroup" "analysts" {
    ///   name = "analysts"
    ///   configuration {
    ///     enforce_workgroup_configuration = true
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `enforce_workgroup_configuration = true`.
    pub static ATHENA_ENFORCE = {
        id: "CW-AWS-ATHENA-002",
        title: "Athena workgroup lets clients override its configuration",
        severity: Low,
        category: "encryption",
        resource_types: ["aws_athena_workgroup"],
        checkov: ["CKV_AWS_82"],
        trivy: ["AVD-AWS-0007", "aws-athena-no-encryption-override"],
        kics: [],
        remediation: "Set enforce_workgroup_configuration = true.",
        check: |ctx, report| require(ctx, report, WORKGROUPS, &Setting {
            path: "configuration.0.enforce_workgroup_configuration",
            want: Want::True,
            absent: Absent::Passes,
            message: "clients can override the workgroup's result location and encryption",
        }),
    }
}
