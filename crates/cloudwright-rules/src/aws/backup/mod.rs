//! AWS Backup vaults.

use crate::check::{Context, Tri};
use crate::setting::{require, Absent, Setting, Want};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![&BACKUP_VAULT_CMK, &BACKUP_VAULT_LOCK]
}

crate::rule! {
    /// ## What it checks
    /// Backup vaults encrypt recovery points with a customer managed KMS
    /// key: `kms_key_arn` is set (otherwise the `aws/backup` key is used).
    ///
    /// ## Why it matters
    /// With a customer managed key, restoring — or copying a recovery point
    /// to another account — requires the key policy's consent, and recovery
    /// points can be shared for cross-account backup.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_backup_vault" "main" {
    ///   name = "main"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_backup_vault" "main" {
    ///   name        = "main"
    ///   kms_key_arn = aws_kms_key.backup.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `kms_key_arn` when creating the vault (it cannot be changed).
    pub static BACKUP_VAULT_CMK = {
        id: "CW-AWS-BACKUP-001",
        title: "Backup vault not encrypted with a customer managed key",
        severity: Low,
        category: "encryption",
        resource_types: ["aws_backup_vault"],
        checkov: ["CKV_AWS_166"],
        trivy: [],
        kics: [],
        remediation: "Set kms_key_arn to a customer managed KMS key.",
        check: |ctx, report| require(ctx, report, &["aws_backup_vault"], &Setting {
            path: "kms_key_arn",
            want: Want::NonEmpty,
            absent: Absent::Fails("kms_key_arn is not set: the AWS managed aws/backup key is used"),
            message: "kms_key_arn is empty",
        }),
    }
}

fn check_lock(ctx: &Context<'_>, report: &mut Report) {
    for vault in ctx.resources(&["aws_backup_vault"]) {
        report.checked(vault);
        match ctx.companions(
            vault,
            "aws_backup_vault_lock_configuration",
            "backup_vault_name",
            &["name"],
        ) {
            Tri::Known(list) if list.is_empty() => {
                report.fail(vault, "", "no aws_backup_vault_lock_configuration: recovery points can be deleted before they expire");
            }
            Tri::Unknown(why) => report.unknown(vault, why),
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Backup vaults are locked: an `aws_backup_vault_lock_configuration`
    /// names the vault (by reference or by name).
    ///
    /// ## Why it matters
    /// Ransomware operators and malicious insiders delete backups first.
    /// Vault Lock (in compliance mode, after its grace period) makes
    /// recovery points immutable — not even the root user can delete them
    /// before their retention ends.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_backup_vault" "main" {
    ///   name = "main"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_backup_vault" "main" {
    ///   name = "main"
    /// }
    /// resource "aws_backup_vault_lock_configuration" "main" {
    ///   backup_vault_name   = aws_backup_vault.main.name
    ///   min_retention_days  = 7
    ///   max_retention_days  = 365
    ///   changeable_for_days = 3
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add a vault lock configuration (with `changeable_for_days` for
    /// compliance mode once the retention settings are right).
    pub static BACKUP_VAULT_LOCK = {
        id: "CW-AWS-BACKUP-002",
        title: "Backup vault without Vault Lock",
        severity: Medium,
        category: "backup",
        resource_types: ["aws_backup_vault", "aws_backup_vault_lock_configuration"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Add an aws_backup_vault_lock_configuration for the vault.",
        check: check_lock,
    }
}
