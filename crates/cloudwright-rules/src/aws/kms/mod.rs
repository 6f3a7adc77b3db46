//! AWS KMS.

mod public_policy;

use crate::check::{get_bool, get_str, Context, Tri};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &KMS_ROTATION,
        &public_policy::KMS_PUBLIC_POLICY,
        &KMS_DELETION_WINDOW,
    ]
}

crate::rule! {
    /// ## What it checks
    /// Symmetric customer-managed KMS keys rotate their key material:
    /// `enable_key_rotation = true` (default `false`). Asymmetric and HMAC
    /// keys cannot rotate automatically and are not checked.
    ///
    /// ## Why it matters
    /// Rotation limits how much data one key version protects and is required
    /// by most compliance frameworks. It is transparent: old ciphertext still
    /// decrypts.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_kms_key" "data" {
    ///   description = "data key"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_kms_key" "data" {
    ///   description         = "data key"
    ///   enable_key_rotation = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `enable_key_rotation = true`.
    pub static KMS_ROTATION = {
        id: "CW-AWS-KMS-001",
        title: "KMS key rotation disabled",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_kms_key"],
        checkov: ["CKV_AWS_7"],
        trivy: ["AVD-AWS-0065", "aws-kms-auto-rotate-keys"],
        kics: ["22fbfeac-7b5a-421a-8a27-7a2178bb910b"],
        remediation: "Set enable_key_rotation = true.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for key in ctx.resources(&["aws_kms_key"]) {
        match get_str(key, "customer_master_key_spec") {
            Tri::Known(spec) if spec != "SYMMETRIC_DEFAULT" => continue,
            Tri::Unknown(why) => {
                report.unknown(key, why);
                continue;
            }
            _ => {}
        }
        report.checked(key);
        match get_bool(key, "enable_key_rotation") {
            Tri::Known(true) => {}
            Tri::Known(false) => {
                report.fail(key, "enable_key_rotation", "automatic key rotation is off");
            }
            Tri::Absent => {
                report.fail(
                    key,
                    "",
                    "enable_key_rotation is not set (the default is false)",
                );
            }
            Tri::Unknown(why) => report.unknown(key, why),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// KMS keys keep the full 30-day waiting period before deletion:
    /// `deletion_window_in_days` is not below 30 (the default is 30, the
    /// minimum 7).
    ///
    /// ## Why it matters
    /// Deleting a key destroys every piece of data encrypted under it. The
    /// waiting period is the only window in which a mistaken or malicious
    /// `ScheduleKeyDeletion` can be noticed (alarm on it in CloudTrail) and
    /// cancelled.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_kms_key" "data" {
    ///   description             = "data"
    ///   deletion_window_in_days = 7
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_kms_key" "data" {
    ///   description         = "data"
    ///   enable_key_rotation = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Remove `deletion_window_in_days` (or set it to 30).
    pub static KMS_DELETION_WINDOW = {
        id: "CW-AWS-KMS-003",
        title: "KMS key deletion window shortened",
        severity: Low,
        category: "backup",
        resource_types: ["aws_kms_key"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Set deletion_window_in_days = 30 (the default).",
        check: |ctx, report| crate::setting::require(ctx, report, &["aws_kms_key"], &crate::setting::Setting {
            path: "deletion_window_in_days",
            want: crate::setting::Want::AtLeast(30.0),
            absent: crate::setting::Absent::Passes,
            message: "a scheduled deletion can be cancelled for less than the default 30 days",
        }),
    }
}
