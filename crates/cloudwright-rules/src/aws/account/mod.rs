//! Account-level detective controls: GuardDuty and AWS Config, and the
//! account baseline.

mod baseline;

use crate::check::{get_bool, Context, Tri};
use crate::setting::{require, Absent, Setting, Want};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &GUARDDUTY_ENABLED,
        &CONFIG_ALL_RESOURCES,
        &CONFIG_RECORDING,
        &baseline::SECURITY_HUB,
        &baseline::ACCESS_ANALYZER,
        &baseline::MACIE,
        &baseline::SCPS,
        &baseline::S3_DATA_EVENTS,
    ]
}

crate::rule! {
    /// ## What it checks
    /// GuardDuty detectors are enabled: `enable` on `aws_guardduty_detector`
    /// is not `false` (default `true`).
    ///
    /// ## Why it matters
    /// GuardDuty is the account's threat detection: credential
    /// exfiltration, crypto-mining, reconnaissance, malicious IPs. A
    /// disabled detector raises nothing.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_guardduty_detector" "main" {
    ///   enable = false
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_guardduty_detector" "main" {
    ///   enable = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `enable = true` in every region, ideally through the
    /// organization's delegated administrator.
    pub static GUARDDUTY_ENABLED = {
        id: "CW-AWS-GUARDDUTY-001",
        title: "GuardDuty detector disabled",
        severity: Medium,
        category: "monitoring",
        resource_types: ["aws_guardduty_detector"],
        checkov: ["CKV_AWS_238"],
        trivy: [],
        kics: ["704dadd3-54fc-48ac-b6a0-02f170011473"],
        remediation: "Set enable = true.",
        check: |ctx, report| require(ctx, report, &["aws_guardduty_detector"], &Setting {
            path: "enable",
            want: Want::True,
            absent: Absent::Passes,
            message: "the detector is disabled: no threat findings are produced",
        }),
    }
}

fn check_all_resources(ctx: &Context<'_>, report: &mut Report) {
    for recorder in ctx.resources(&["aws_config_configuration_recorder"]) {
        report.checked(recorder);
        match get_bool(recorder, "recording_group.0.all_supported") {
            Tri::Known(false) => {
                report.fail(
                    recorder,
                    "recording_group[0].all_supported",
                    "the recorder records only selected resource types",
                );
            }
            Tri::Unknown(why) => report.unknown(recorder, why),
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// AWS Config records every supported resource type:
    /// `recording_group.all_supported` is not `false` (default `true`).
    ///
    /// ## Why it matters
    /// Config's history is how you answer "what changed, and when" after an
    /// incident; resource types left out have no history and no compliance
    /// evaluation.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_config_configuration_recorder" "main" {
    ///   role_arn = aws_iam_role.config.arn
    ///   recording_group {
    ///     all_supported  = false
    ///     resource_types = ["AWS::EC2::Instance"]
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_config_configuration_recorder" "main" {
    ///   role_arn = aws_iam_role.config.arn
    ///   recording_group {
    ///     all_supported                 = true
    ///     include_global_resource_types = true
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `all_supported = true` (use exclusions only for costly, unneeded
    /// types).
    pub static CONFIG_ALL_RESOURCES = {
        id: "CW-AWS-CONFIG-001",
        title: "AWS Config does not record all resource types",
        severity: Low,
        category: "logging",
        resource_types: ["aws_config_configuration_recorder"],
        checkov: ["CKV2_AWS_48"],
        trivy: [],
        kics: [],
        remediation: "Set recording_group.all_supported = true.",
        check: check_all_resources,
    }
}

crate::rule! {
    /// ## What it checks
    /// AWS Config recorders are running: `is_enabled` on
    /// `aws_config_configuration_recorder_status` is `true`.
    ///
    /// ## Why it matters
    /// A recorder that exists but is stopped records nothing: no history,
    /// no Config rules evaluation, no conformance packs.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_config_configuration_recorder_status" "main" {
    ///   name       = aws_config_configuration_recorder.main.name
    ///   is_enabled = false
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_config_configuration_recorder_status" "main" {
    ///   name       = aws_config_configuration_recorder.main.name
    ///   is_enabled = true
    ///   depends_on = [aws_config_delivery_channel.main]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `is_enabled = true`.
    pub static CONFIG_RECORDING = {
        id: "CW-AWS-CONFIG-002",
        title: "AWS Config recorder stopped",
        severity: Medium,
        category: "logging",
        resource_types: ["aws_config_configuration_recorder_status"],
        checkov: ["CKV2_AWS_45"],
        trivy: [],
        kics: [],
        remediation: "Set is_enabled = true.",
        check: |ctx, report| require(ctx, report, &["aws_config_configuration_recorder_status"], &Setting {
            path: "is_enabled",
            want: Want::True,
            absent: Absent::Fails("is_enabled is not set: the recorder is not started"),
            message: "the recorder is stopped",
        }),
    }
}
