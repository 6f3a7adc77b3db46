//! Amazon WorkSpaces.

use crate::setting::{all_of, record, Absent, Setting, Want};
use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![&WORKSPACE_VOLUMES]
}

crate::rule! {
    /// ## What it checks
    /// WorkSpaces encrypt both volumes: `root_volume_encryption_enabled` and
    /// `user_volume_encryption_enabled` are `true` (both default to
    /// `false`).
    ///
    /// ## Why it matters
    /// The user volume holds the user's documents and cached credentials;
    /// the root volume the applications and their data.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_workspaces_workspace" "alice" {
    ///   directory_id = aws_workspaces_directory.corp.id
    ///   bundle_id    = data.aws_workspaces_bundle.standard.id
    ///   user_name    = "alice"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_workspaces_workspace" "alice" {
    ///   directory_id                   = aws_workspaces_directory.corp.id
    ///   bundle_id                      = data.aws_workspaces_bundle.standard.id
    ///   user_name                      = "alice"
    ///   volume_encryption_key          = aws_kms_key.workspaces.arn
    ///   root_volume_encryption_enabled = true
    ///   user_volume_encryption_enabled = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Enable both encryptions with a `volume_encryption_key` (a rebuild of
    /// the WorkSpace).
    pub static WORKSPACE_VOLUMES = {
        id: "CW-AWS-WORKSPACES-001",
        title: "WorkSpace volumes not encrypted",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_workspaces_workspace"],
        checkov: ["CKV_AWS_155", "CKV_AWS_156"],
        trivy: [],
        kics: [],
        remediation: "Set root_volume_encryption_enabled and user_volume_encryption_enabled = true.",
        check: |ctx, report| {
            for ws in ctx.resources(&["aws_workspaces_workspace"]) {
                record(report, ws, all_of(ws, &[
                    Setting {
                        path: "user_volume_encryption_enabled",
                        want: Want::True,
                        absent: Absent::Fails("user_volume_encryption_enabled is not set (the default is false)"),
                        message: "the user volume is not encrypted",
                    },
                    Setting {
                        path: "root_volume_encryption_enabled",
                        want: Want::True,
                        absent: Absent::Fails("root_volume_encryption_enabled is not set (the default is false)"),
                        message: "the root volume is not encrypted",
                    },
                ]));
            }
        },
    }
}
