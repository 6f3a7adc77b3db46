//! Amazon FSx file systems.

use crate::setting::{Absent, Setting, Want};
use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![&FSX_CMK]
}

const FILE_SYSTEMS: &[&str] = &[
    "aws_fsx_windows_file_system",
    "aws_fsx_ontap_file_system",
    "aws_fsx_lustre_file_system",
    "aws_fsx_openzfs_file_system",
];

crate::rule! {
    /// ## What it checks
    /// FSx file systems (Windows, ONTAP, Lustre, OpenZFS) are encrypted with
    /// a customer managed KMS key: `kms_key_id` is set. FSx always encrypts
    /// at rest; without a key of your own it uses the AWS managed
    /// `aws/fsx` key. (Scratch Lustre file systems are encrypted with a
    /// service key and take no `kms_key_id`.)
    ///
    /// ## Why it matters
    /// A customer managed key puts its key policy in front of the file
    /// system's backups and data, records their use, and can be disabled in
    /// an incident.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_fsx_windows_file_system" "shares" {
    ///   storage_capacity    = 300
    ///   subnet_ids          = [aws_subnet.private_a.id]
    ///   throughput_capacity = 32
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_fsx_windows_file_system" "shares" {
    ///   storage_capacity    = 300
    ///   subnet_ids          = [aws_subnet.private_a.id]
    ///   throughput_capacity = 32
    ///   kms_key_id          = aws_kms_key.fsx.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `kms_key_id` (a replacement of the file system).
    pub static FSX_CMK = {
        id: "CW-AWS-FSX-001",
        title: "FSx file system not encrypted with a customer managed key",
        severity: Low,
        category: "encryption",
        resource_types: ["aws_fsx_windows_file_system", "aws_fsx_ontap_file_system", "aws_fsx_lustre_file_system", "aws_fsx_openzfs_file_system"],
        checkov: ["CKV_AWS_179", "CKV_AWS_178", "CKV_AWS_190"],
        trivy: [],
        kics: [],
        remediation: "Set kms_key_id to a customer managed KMS key.",
        check: |ctx, report| crate::setting::require_where(
            ctx,
            report,
            FILE_SYSTEMS,
            |fs| {
                if fs.resource_type != "aws_fsx_lustre_file_system" {
                    return crate::check::Tri::Known(true);
                }
                crate::check::get_str(fs, "deployment_type").map(|t| t.starts_with("PERSISTENT"))
            },
            &Setting {
                path: "kms_key_id",
                want: Want::NonEmpty,
                absent: Absent::Fails("kms_key_id is not set: the AWS managed aws/fsx key is used"),
                message: "kms_key_id is empty",
            },
        ),
    }
}
