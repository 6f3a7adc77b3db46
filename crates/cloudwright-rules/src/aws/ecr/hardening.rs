//! ECR repository encryption and lifecycle.

use crate::check::{Context, Tri};
use crate::setting::{require, Absent, Setting, Want};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// Repositories encrypt images with KMS: `encryption_configuration {
    /// encryption_type = "KMS" }` (the default is `AES256`, an AWS owned
    /// key).
    ///
    /// ## Why it matters
    /// Images carry application code and, too often, baked-in
    /// configuration. KMS encryption puts a key policy in front of pulls
    /// and records decryption in CloudTrail.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ecr_repository" "app" {
    ///   name = "app"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ecr_repository" "app" {
    ///   name = "app"
    ///   encryption_configuration {
    ///     encryption_type = "KMS"
    ///     kms_key         = aws_kms_key.ecr.arn
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `encryption_type = "KMS"` (a replacement of the repository).
    pub static ECR_KMS = {
        id: "CW-AWS-ECR-004",
        title: "ECR repository not encrypted with KMS",
        severity: Low,
        category: "encryption",
        resource_types: ["aws_ecr_repository"],
        checkov: ["CKV_AWS_136"],
        trivy: ["AVD-AWS-0033", "aws-ecr-repository-customer-key"],
        kics: [],
        remediation: "Set encryption_configuration.encryption_type = \"KMS\".",
        check: |ctx, report| require(ctx, report, &["aws_ecr_repository"], &Setting {
            path: "encryption_configuration.0.encryption_type",
            want: Want::OneOf(&["KMS", "KMS_DSSE"]),
            absent: Absent::Fails("no encryption_configuration: images are encrypted with an AWS owned key (AES256)"),
            message: "images are encrypted with AES256, not KMS",
        }),
    }
}

fn check_lifecycle(ctx: &Context<'_>, report: &mut Report) {
    for repo in ctx.resources(&["aws_ecr_repository"]) {
        report.checked(repo);
        match ctx.companions(repo, "aws_ecr_lifecycle_policy", "repository", &["name"]) {
            Tri::Known(list) if list.is_empty() => {
                report.fail(
                    repo,
                    "",
                    "no aws_ecr_lifecycle_policy: every image pushed is kept and billed forever",
                );
            }
            Tri::Unknown(why) => report.unknown(repo, why),
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Repositories expire old images: an `aws_ecr_lifecycle_policy` for
    /// the repository (by reference or name).
    ///
    /// ## Why it matters
    /// CI pushes an image per commit; without a lifecycle policy they
    /// accumulate forever — storage cost that only grows, and old
    /// vulnerable images that stay pullable.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ecr_repository" "app" {
    ///   name = "app"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ecr_repository" "app" {
    ///   name = "app"
    /// }
    /// resource "aws_ecr_lifecycle_policy" "app" {
    ///   repository = aws_ecr_repository.app.name
    ///   policy = jsonencode({
    ///     rules = [{
    ///       rulePriority = 1
    ///       description  = "keep the last 50 images"
    ///       selection    = { tagStatus = "any", countType = "imageCountMoreThan", countNumber = 50 }
    ///       action       = { type = "expire" }
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add a lifecycle policy that expires untagged images and keeps a
    /// bounded number of tagged ones.
    pub static ECR_LIFECYCLE = {
        id: "CW-AWS-ECR-005",
        title: "ECR repository without a lifecycle policy",
        severity: Low,
        category: "cost",
        resource_types: ["aws_ecr_repository", "aws_ecr_lifecycle_policy"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Add an aws_ecr_lifecycle_policy for the repository.",
        check: check_lifecycle,
    }
}
