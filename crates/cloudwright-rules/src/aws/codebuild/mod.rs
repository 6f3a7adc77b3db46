//! AWS CodeBuild.

use crate::setting::{require, Absent, Setting, Want};
use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![&CODEBUILD_PRIVILEGED, &CODEBUILD_ARTIFACT_ENCRYPTION]
}

crate::rule! {
    /// ## What it checks
    /// Build projects do not run in privileged mode:
    /// `environment.privileged_mode` is not `true`.
    ///
    /// ## Why it matters
    /// Privileged builds get root on the build host's Docker daemon. Code
    /// from a pull request — a dependency's install script — can then
    /// tamper with the build environment and the artifacts it signs or
    /// publishes.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_codebuild_project" "app" {
    ///   name         = "app"
    ///   service_role = aws_iam_role.build.arn
    ///   environment {
    ///     compute_type    = "BUILD_GENERAL1_SMALL"
    ///     image           = "aws/codebuild/standard:7.0"
    ///     type            = "LINUX_CONTAINER"
    ///     privileged_mode = true
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_codebuild_project" "app" {
    ///   name         = "app"
    ///   service_role = aws_iam_role.build.arn
    ///   environment {
    ///     compute_type = "BUILD_GENERAL1_SMALL"
    ///     image        = "aws/codebuild/standard:7.0"
    ///     type         = "LINUX_CONTAINER"
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Build images without a Docker daemon (Kaniko, Buildah, or
    /// CodeBuild's Docker server capacity), or keep privileged builds to
    /// trusted branches.
    pub static CODEBUILD_PRIVILEGED = {
        id: "CW-AWS-CODEBUILD-001",
        title: "CodeBuild project runs privileged",
        severity: Medium,
        category: "supply-chain",
        resource_types: ["aws_codebuild_project"],
        checkov: ["CKV_AWS_316"],
        trivy: [],
        kics: [],
        remediation: "Set environment.privileged_mode = false.",
        check: |ctx, report| require(ctx, report, &["aws_codebuild_project"], &Setting {
            path: "environment.0.privileged_mode",
            want: Want::False,
            absent: Absent::Passes,
            message: "builds run with privileged access to the Docker daemon",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Build artifacts are encrypted: `artifacts.encryption_disabled` is not
    /// `true` on `aws_codebuild_project`.
    ///
    /// ## Why it matters
    /// Build output — binaries, packages, sometimes configuration — is
    /// written to S3 unencrypted otherwise.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_codebuild_project" "app" {
    ///   name = "app"
    ///   artifacts {
    ///     type                = "S3"
    ///     location            = aws_s3_bucket.artifacts.bucket
    ///     encryption_disabled = true
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_codebuild_project" "app" {
    ///   name           = "app"
    ///   encryption_key = aws_kms_key.build.arn
    ///   artifacts {
    ///     type     = "S3"
    ///     location = aws_s3_bucket.artifacts.bucket
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Remove `encryption_disabled`; set `encryption_key` for a customer
    /// managed key.
    pub static CODEBUILD_ARTIFACT_ENCRYPTION = {
        id: "CW-AWS-CODEBUILD-002",
        title: "CodeBuild artifacts not encrypted",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_codebuild_project"],
        checkov: ["CKV_AWS_78"],
        trivy: ["AVD-AWS-0018", "aws-codebuild-enable-encryption"],
        kics: [],
        remediation: "Remove artifacts.encryption_disabled = true.",
        check: |ctx, report| require(ctx, report, &["aws_codebuild_project"], &Setting {
            path: "artifacts.0.encryption_disabled",
            want: Want::False,
            absent: Absent::Passes,
            message: "artifact encryption is disabled",
        }),
    }
}
