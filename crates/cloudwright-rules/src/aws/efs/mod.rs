//! Amazon EFS.

use crate::setting::{require, Absent, Setting, Want};
use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &EFS_ENCRYPTED,
        &EFS_ACCESS_POINT_ROOT,
        &EFS_ACCESS_POINT_USER,
    ]
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
        kics: ["48207659-729f-4b5c-9402-f884257d794f"],
        remediation: "Set encrypted = true when creating the file system.",
        check: |ctx, report| require(ctx, report, &["aws_efs_file_system"], &Setting {
            path: "encrypted",
            want: Want::True,
            absent: Absent::Fails("encrypted is not set (the default is false)"),
            message: "the file system is not encrypted",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// EFS access points confine clients to a directory: `root_directory`
    /// with a `path` other than `/`.
    ///
    /// ## Why it matters
    /// An access point is how an application is given its slice of a shared
    /// file system. Without a root directory it exposes the whole file
    /// system, including other applications' data.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_efs_access_point" "app" {
    ///   file_system_id = aws_efs_file_system.shared.id
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_efs_access_point" "app" {
    ///   file_system_id = aws_efs_file_system.shared.id
    ///   root_directory {
    ///     path = "/app"
    ///     creation_info {
    ///       owner_uid   = 1000
    ///       owner_gid   = 1000
    ///       permissions = "750"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `root_directory.path` to the application's own directory.
    pub static EFS_ACCESS_POINT_ROOT = {
        id: "CW-AWS-EFS-002",
        title: "EFS access point exposes the whole file system",
        severity: Low,
        category: "iam",
        resource_types: ["aws_efs_access_point"],
        checkov: ["CKV_AWS_329"],
        trivy: [],
        kics: [],
        remediation: "Set root_directory { path = \"/<app>\" }.",
        check: |ctx, report| require(ctx, report, &["aws_efs_access_point"], &Setting {
            path: "root_directory.0.path",
            want: Want::NoneOf(&["/", ""]),
            absent: Absent::Fails("no root_directory: clients see the whole file system"),
            message: "the access point's root is the file system root",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// EFS access points enforce a POSIX identity: a `posix_user` block
    /// with `uid` and `gid`.
    ///
    /// ## Why it matters
    /// Without an enforced user, each client's own uid applies — a
    /// container running as root gets root over the files it can reach.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_efs_access_point" "app" {
    ///   file_system_id = aws_efs_file_system.shared.id
    ///   root_directory { path = "/app" }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_efs_access_point" "app" {
    ///   file_system_id = aws_efs_file_system.shared.id
    ///   root_directory { path = "/app" }
    ///   posix_user {
    ///     uid = 1000
    ///     gid = 1000
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `posix_user` with the application's uid and gid.
    pub static EFS_ACCESS_POINT_USER = {
        id: "CW-AWS-EFS-003",
        title: "EFS access point does not enforce a user identity",
        severity: Low,
        category: "iam",
        resource_types: ["aws_efs_access_point"],
        checkov: ["CKV_AWS_330"],
        trivy: [],
        kics: [],
        remediation: "Add posix_user { uid, gid }.",
        check: |ctx, report| require(ctx, report, &["aws_efs_access_point"], &Setting {
            path: "posix_user",
            want: Want::Present,
            absent: Absent::Fails("no posix_user: clients act with their own uid, root included"),
            message: "no posix_user: clients act with their own uid, root included",
        }),
    }
}
