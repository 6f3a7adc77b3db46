//! Amazon CloudWatch Logs.

use crate::setting::{require, Absent, Setting, Want};
use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![&LOG_GROUP_RETENTION, &LOG_GROUP_CMK]
}

crate::rule! {
    /// ## What it checks
    /// Log groups have a retention period: `retention_in_days` is set to a
    /// number of days (unset or `0` keeps logs forever).
    ///
    /// ## Why it matters
    /// Logs kept forever are an unbounded, growing cost and keep personal
    /// data longer than most policies allow; a deliberate retention (often
    /// one year for audit logs, days for debug logs) is both cheaper and
    /// compliant.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_cloudwatch_log_group" "app" {
    ///   name = "/app/prod"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudwatch_log_group" "app" {
    ///   name              = "/app/prod"
    ///   retention_in_days = 90
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `retention_in_days` (1–3653), and archive to S3 Glacier what
    /// must be kept longer.
    pub static LOG_GROUP_RETENTION = {
        id: "CW-AWS-LOGS-001",
        title: "CloudWatch log group kept forever",
        severity: Low,
        category: "cost",
        resource_types: ["aws_cloudwatch_log_group"],
        checkov: ["CKV_AWS_66"],
        trivy: [],
        kics: ["ef0b316a-211e-42f1-888e-64efe172b755"],
        remediation: "Set retention_in_days.",
        check: |ctx, report| require(ctx, report, &["aws_cloudwatch_log_group"], &Setting {
            path: "retention_in_days",
            want: Want::AtLeast(1.0),
            absent: Absent::Fails("retention_in_days is not set: logs are kept forever"),
            message: "retention_in_days = 0 keeps logs forever",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Log groups are encrypted with a customer managed KMS key:
    /// `kms_key_id` is set (log data is otherwise encrypted with a
    /// service-owned key).
    ///
    /// ## Why it matters
    /// Logs capture request payloads, tokens and personal data. A customer
    /// managed key makes reading them depend on its key policy, logs every
    /// decryption in CloudTrail, and can be revoked.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_cloudwatch_log_group" "app" {
    ///   name              = "/app/prod"
    ///   retention_in_days = 90
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudwatch_log_group" "app" {
    ///   name              = "/app/prod"
    ///   retention_in_days = 90
    ///   kms_key_id        = aws_kms_key.logs.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `kms_key_id`; the key policy must allow the
    /// `logs.<region>.amazonaws.com` service principal.
    pub static LOG_GROUP_CMK = {
        id: "CW-AWS-LOGS-002",
        title: "CloudWatch log group not encrypted with a customer managed key",
        severity: Low,
        category: "encryption",
        resource_types: ["aws_cloudwatch_log_group"],
        checkov: ["CKV_AWS_158"],
        trivy: ["AVD-AWS-0017", "aws-cloudwatch-log-group-customer-key"],
        kics: ["0afbcfe9-d341-4b92-a64c-7e6de0543879"],
        remediation: "Set kms_key_id to a customer managed KMS key.",
        check: |ctx, report| require(ctx, report, &["aws_cloudwatch_log_group"], &Setting {
            path: "kms_key_id",
            want: Want::NonEmpty,
            absent: Absent::Fails("kms_key_id is not set: log data is encrypted with a service-owned key"),
            message: "kms_key_id is empty",
        }),
    }
}
