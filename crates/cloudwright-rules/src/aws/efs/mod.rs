//! Amazon EFS.

use crate::setting::{require, Absent, Setting, Want};
use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![&EFS_ENCRYPTED]
}

crate::rule! {
    /// ## What it checks
    /// EFS file systems are encrypted at rest: `encrypted = true` on
    /// `aws_efs_file_system` (the provider's default is `false`).
    ///
    /// ## Why it matters
    /// Shared file systems hold application data, uploads and home
    /// directories. Encryption at rest can only be chosen when the file
    /// system is created; fixing it later means a new file system and a copy.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_efs_file_system" "shared" {
    ///   creation_token = "shared"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_efs_file_system" "shared" {
    ///   creation_token = "shared"
    ///   encrypted      = true
    ///   kms_key_id     = aws_kms_key.efs.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `encrypted = true` (optionally with `kms_key_id`); for an existing
    /// file system, create an encrypted one and copy the data with DataSync.
    pub static EFS_ENCRYPTED = {
        id: "CW-AWS-EFS-001",
        title: "EFS file system not encrypted",
        severity: High,
        category: "encryption",
        resource_types: ["aws_efs_file_system"],
        checkov: ["CKV_AWS_42"],
        trivy: ["AVD-AWS-0037", "aws-efs-enable-at-rest-encryption"],
        kics: [],
        remediation: "Set encrypted = true when creating the file system.",
        check: |ctx, report| require(ctx, report, &["aws_efs_file_system"], &Setting {
            path: "encrypted",
            want: Want::True,
            absent: Absent::Fails("encrypted is not set (the default is false)"),
            message: "the file system is not encrypted",
        }),
    }
}
