//! Amazon SNS.

mod public_policy;

use crate::check::{get, Context, Tri};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![&SNS_ENCRYPTION, &public_policy::SNS_PUBLIC_POLICY]
}

crate::rule! {
    /// ## What it checks
    /// SNS topics encrypt messages at rest: `kms_master_key_id` is set (SNS
    /// has no default encryption).
    ///
    /// ## Why it matters
    /// Messages waiting for delivery are stored unencrypted otherwise;
    /// notifications often carry personal data or secrets.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_sns_topic" "alerts" {
    ///   name = "alerts"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_sns_topic" "alerts" {
    ///   name              = "alerts"
    ///   kms_master_key_id = "alias/aws/sns"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `kms_master_key_id` (the AWS-managed `alias/aws/sns`, or a
    /// customer-managed key for cross-account subscribers).
    pub static SNS_ENCRYPTION = {
        id: "CW-AWS-SNS-001",
        title: "SNS topic not encrypted",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_sns_topic"],
        checkov: ["CKV_AWS_26"],
        trivy: ["AVD-AWS-0095", "aws-sns-enable-topic-encryption"],
        kics: ["28545147-2fc6-42d5-a1f9-cf226658e591"],
        remediation: "Set kms_master_key_id.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for topic in ctx.resources(&["aws_sns_topic"]) {
        report.checked(topic);
        match get(topic, "kms_master_key_id") {
            Tri::Known(_) => {}
            Tri::Absent => {
                report.fail(
                    topic,
                    "",
                    "kms_master_key_id is not set: messages are stored unencrypted",
                );
            }
            Tri::Unknown(why) => report.unknown(topic, why),
        }
    }
}
