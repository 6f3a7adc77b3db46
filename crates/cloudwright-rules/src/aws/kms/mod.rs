//! AWS KMS.

mod public_policy;

use crate::check::{get_bool, get_str, Context, Tri};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![&KMS_ROTATION, &public_policy::KMS_PUBLIC_POLICY]
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
