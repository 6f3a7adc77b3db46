//! AWS Secrets Manager.

use crate::check::{get_number, Context, Tri};
use crate::setting::{require, Absent, Setting, Want};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![&SECRET_CMK, &SECRET_ROTATION]
}

crate::rule! {
    /// ## What it checks
    /// Secrets are encrypted with a customer managed KMS key: `kms_key_id`
    /// is set on `aws_secretsmanager_secret` (otherwise the account's
    /// `aws/secretsmanager` key is used).
    ///
    /// ## Why it matters
    /// With the AWS managed key, any principal allowed
    /// `secretsmanager:GetSecretValue` can read the secret; a customer
    /// managed key adds a second, independent gate (its key policy), is
    /// required to share a secret across accounts, and can be disabled in
    /// an incident.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_secretsmanager_secret" "db" {
    ///   name = "prod/db"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_secretsmanager_secret" "db" {
    ///   name       = "prod/db"
    ///   kms_key_id = aws_kms_key.secrets.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `kms_key_id` to a customer managed key whose policy names the
    /// readers.
    pub static SECRET_CMK = {
        id: "CW-AWS-SECRETSMANAGER-001",
        title: "Secret not encrypted with a customer managed KMS key",
        severity: Low,
        category: "encryption",
        resource_types: ["aws_secretsmanager_secret"],
        checkov: ["CKV_AWS_149"],
        trivy: ["AVD-AWS-0098", "aws-ssm-secret-use-customer-key"],
        kics: ["a2f548f2-188c-4fff-b172-e9a6acb216bd"],
        remediation: "Set kms_key_id to a customer managed KMS key.",
        check: |ctx, report| require(ctx, report, &["aws_secretsmanager_secret"], &Setting {
            path: "kms_key_id",
            want: Want::NonEmpty,
            absent: Absent::Fails("kms_key_id is not set: the AWS managed aws/secretsmanager key is used"),
            message: "kms_key_id is empty",
        }),
    }
}

fn check_rotation(ctx: &Context<'_>, report: &mut Report) {
    for secret in ctx.resources(&["aws_secretsmanager_secret"]) {
        report.checked(secret);
        let rotations = ctx.companions(
            secret,
            "aws_secretsmanager_secret_rotation",
            "secret_id",
            &["arn", "id", "name"],
        );
        match rotations {
            Tri::Known(list) if list.is_empty() => {
                report.fail(
                    secret,
                    "",
                    "the secret is never rotated (no aws_secretsmanager_secret_rotation)",
                );
            }
            Tri::Known(list) => {
                let rotation = list[0];
                match get_number(rotation, "rotation_rules.0.automatically_after_days") {
                    Tri::Known(days) if days > 90.0 => {
                        report.fail(
                            secret,
                            "",
                            format!(
                                "{} rotates the secret only every {days} days",
                                rotation.address
                            ),
                        );
                    }
                    Tri::Unknown(why) => report.unknown(secret, why),
                    // a schedule_expression, or at most 90 days
                    _ => {}
                }
            }
            Tri::Unknown(why) => report.unknown(secret, why),
            Tri::Absent => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Secrets are rotated automatically at least every 90 days: an
    /// `aws_secretsmanager_secret_rotation` for the secret (matched by
    /// reference or by ARN/name), with `automatically_after_days` ≤ 90 (or a
    /// `schedule_expression`).
    ///
    /// ## Why it matters
    /// A secret that never changes stays valid forever once leaked — in a
    /// log, a laptop, a former employee's notes. Rotation bounds the damage.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_secretsmanager_secret" "db" {
    ///   name = "prod/db"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_secretsmanager_secret" "db" {
    ///   name = "prod/db"
    /// }
    /// resource "aws_secretsmanager_secret_rotation" "db" {
    ///   secret_id           = aws_secretsmanager_secret.db.id
    ///   rotation_lambda_arn = aws_lambda_function.rotate_db.arn
    ///   rotation_rules {
    ///     automatically_after_days = 30
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add a rotation with a rotation function (or use RDS-managed master
    /// passwords, which rotate themselves).
    pub static SECRET_ROTATION = {
        id: "CW-AWS-SECRETSMANAGER-002",
        title: "Secret not rotated within 90 days",
        severity: Medium,
        category: "secrets",
        resource_types: ["aws_secretsmanager_secret", "aws_secretsmanager_secret_rotation"],
        checkov: ["CKV2_AWS_57", "CKV_AWS_304"],
        trivy: [],
        kics: [],
        remediation: "Add aws_secretsmanager_secret_rotation with automatically_after_days <= 90.",
        check: check_rotation,
    }
}
