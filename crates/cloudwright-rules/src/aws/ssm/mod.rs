//! AWS Systems Manager Parameter Store.

use crate::check::{get_str, Context, Tri};
use crate::setting::{require_where, Absent, Setting, Want};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![&SSM_SECRET_NOT_SECURE, &SSM_SECURESTRING_CMK]
}

/// Does a parameter name say it holds a secret (`/prod/db/password`)?
fn secret_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    [
        "password",
        "passwd",
        "secret",
        "token",
        "api_key",
        "apikey",
        "api-key",
        "private_key",
        "private-key",
        "credential",
    ]
    .iter()
    .any(|m| lower.contains(m))
}

fn check_secret_type(ctx: &Context<'_>, report: &mut Report) {
    for p in ctx.resources(&["aws_ssm_parameter"]) {
        let name = match get_str(p, "name") {
            Tri::Known(n) => n,
            Tri::Unknown(why) => {
                report.checked(p);
                report.unknown(p, why);
                continue;
            }
            Tri::Absent => continue,
        };
        if !secret_name(&name) {
            continue;
        }
        report.checked(p);
        match get_str(p, "type") {
            Tri::Known(t) if t == "SecureString" => {}
            Tri::Known(t) => {
                report
                    .fail(
                        p,
                        "type",
                        format!(
                            "parameter {name:?} looks like a secret but is stored as a plain {t}"
                        ),
                    )
                    .evidence
                    .clear();
            }
            Tri::Absent => {}
            Tri::Unknown(why) => report.unknown(p, why),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Parameters whose name says they hold a secret (`password`, `secret`,
    /// `token`, `api_key`, `private_key`, `credential`) are `SecureString`,
    /// not `String` or `StringList`.
    ///
    /// ## Why it matters
    /// A plain `String` parameter is readable by anyone with
    /// `ssm:GetParameter*` — no KMS permission needed — and shows in the
    /// console and in Terraform plans in the clear.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ssm_parameter" "db_password" {
    ///   name  = "/prod/db/password"
    ///   type  = "String"
    ///   value = random_password.db.result
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ssm_parameter" "db_password" {
    ///   name   = "/prod/db/password"
    ///   type   = "SecureString"
    ///   key_id = aws_kms_key.params.arn
    ///   value  = random_password.db.result
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Use `type = "SecureString"` (a replacement of the parameter) and
    /// rotate the value.
    pub static SSM_SECRET_NOT_SECURE = {
        id: "CW-AWS-SSM-001",
        title: "Secret stored as a plain SSM parameter",
        severity: High,
        category: "secrets",
        resource_types: ["aws_ssm_parameter"],
        checkov: ["CKV2_AWS_34"],
        trivy: [],
        kics: [],
        remediation: "Set type = \"SecureString\".",
        check: check_secret_type,
    }
}

crate::rule! {
    /// ## What it checks
    /// `SecureString` parameters are encrypted with a customer managed KMS
    /// key: `key_id` is set (otherwise `alias/aws/ssm` is used).
    ///
    /// ## Why it matters
    /// With the AWS managed key, every principal with `ssm:GetParameter`
    /// and `WithDecryption` can read the value; a customer managed key puts
    /// its key policy in front of every read and makes cross-account sharing
    /// possible.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ssm_parameter" "api_key" {
    ///   name  = "/prod/api-key"
    ///   type  = "SecureString"
    ///   value = var.api_key
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ssm_parameter" "api_key" {
    ///   name   = "/prod/api-key"
    ///   type   = "SecureString"
    ///   key_id = aws_kms_key.params.arn
    ///   value  = var.api_key
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `key_id` to a customer managed key.
    pub static SSM_SECURESTRING_CMK = {
        id: "CW-AWS-SSM-002",
        title: "SecureString parameter not encrypted with a customer managed key",
        severity: Low,
        category: "encryption",
        resource_types: ["aws_ssm_parameter"],
        checkov: ["CKV_AWS_337"],
        trivy: [],
        kics: [],
        remediation: "Set key_id to a customer managed KMS key.",
        check: |ctx, report| require_where(
            ctx,
            report,
            &["aws_ssm_parameter"],
            |p| get_str(p, "type").map(|t| t == "SecureString"),
            &Setting {
                path: "key_id",
                want: Want::NonEmpty,
                absent: Absent::Fails("key_id is not set: the AWS managed alias/aws/ssm key is used"),
                message: "key_id is empty",
            },
        ),
    }
}
