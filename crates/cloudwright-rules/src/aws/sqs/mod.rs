//! Amazon SQS.

mod public_policy;

use crate::check::{get, get_bool, Context, Tri};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![&SQS_ENCRYPTION, &public_policy::SQS_PUBLIC_POLICY, &SQS_CMK]
}

crate::rule! {
    /// ## What it checks
    /// SQS queues encrypt messages at rest. Since October 2022 new queues use
    /// SSE-SQS by default, so a queue fails only when encryption is turned
    /// off explicitly: `sqs_managed_sse_enabled = false` with no
    /// `kms_master_key_id`.
    ///
    /// ## Why it matters
    /// Messages often carry personal data and tokens; unencrypted queues keep
    /// them in the clear for up to 14 days.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_sqs_queue" "jobs" {
    ///   sqs_managed_sse_enabled = false
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_sqs_queue" "jobs" {
    ///   kms_master_key_id = aws_kms_key.queues.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Remove `sqs_managed_sse_enabled = false`, or use a KMS key.
    pub static SQS_ENCRYPTION = {
        id: "CW-AWS-SQS-001",
        title: "SQS queue encryption turned off",
        severity: High,
        category: "encryption",
        resource_types: ["aws_sqs_queue"],
        checkov: ["CKV_AWS_27"],
        trivy: ["AVD-AWS-0096", "aws-sqs-enable-queue-encryption"],
        kics: ["6e8849c1-3aa7-40e3-9063-b85ee300f29f"],
        remediation: "Leave SSE-SQS on (the default) or set kms_master_key_id.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for q in ctx.resources(&["aws_sqs_queue"]) {
        report.checked(q);
        let kms = get(q, "kms_master_key_id");
        match (get_bool(q, "sqs_managed_sse_enabled"), kms) {
            (_, Tri::Known(_)) => {}
            (Tri::Known(false), Tri::Absent) => {
                report.fail(
                    q,
                    "sqs_managed_sse_enabled",
                    "encryption at rest is turned off and no KMS key is set",
                );
            }
            (Tri::Unknown(why), _) | (_, Tri::Unknown(why)) => report.unknown(q, why),
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Queues are encrypted with a customer managed KMS key:
    /// `kms_master_key_id` names a key other than the AWS managed
    /// `alias/aws/sqs` (SSE-SQS, the default, uses a key owned by SQS).
    ///
    /// ## Why it matters
    /// With a customer managed key, reading messages also needs
    /// `kms:Decrypt` under its key policy, every decryption is logged, and
    /// access can be cut off by disabling the key; it is also what lets
    /// SNS or EventBridge in other accounts deliver to the queue securely.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_sqs_queue" "orders" {
    ///   name = "orders"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_sqs_queue" "orders" {
    ///   name                              = "orders"
    ///   kms_master_key_id                 = aws_kms_key.queues.arn
    ///   kms_data_key_reuse_period_seconds = 300
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `kms_master_key_id` to a customer managed key.
    pub static SQS_CMK = {
        id: "CW-AWS-SQS-003",
        title: "SQS queue not encrypted with a customer managed key",
        severity: Low,
        category: "encryption",
        resource_types: ["aws_sqs_queue"],
        checkov: ["CKV2_AWS_73"],
        trivy: [],
        kics: [],
        remediation: "Set kms_master_key_id to a customer managed KMS key.",
        check: |ctx, report| crate::setting::require(ctx, report, &["aws_sqs_queue"], &crate::setting::Setting {
            path: "kms_master_key_id",
            want: crate::setting::Want::NoneOf(&["alias/aws/sqs", ""]),
            absent: crate::setting::Absent::Fails("kms_master_key_id is not set: the queue uses SSE-SQS, a key owned by SQS"),
            message: "the queue uses the AWS managed alias/aws/sqs key",
        }),
    }
}
