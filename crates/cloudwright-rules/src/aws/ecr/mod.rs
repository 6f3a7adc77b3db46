//! Amazon ECR.

mod hardening;
mod public_policy;

use crate::check::{get_bool, get_str, Context, Tri};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &ECR_SCAN_ON_PUSH,
        &ECR_IMMUTABLE_TAGS,
        &public_policy::ECR_PUBLIC_POLICY,
        &hardening::ECR_KMS,
        &hardening::ECR_LIFECYCLE,
    ]
}

crate::rule! {
    /// ## What it checks
    /// ECR repositories scan images when they are pushed:
    /// `image_scanning_configuration { scan_on_push = true }`. A registry-wide
    /// `aws_ecr_registry_scanning_configuration` (enhanced scanning) also
    /// satisfies it.
    ///
    /// ## Why it matters
    /// Scanning on push reports known vulnerabilities in base images and
    /// packages before the image is deployed, at no cost with basic scanning.
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
    ///   image_scanning_configuration {
    ///     scan_on_push = true
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `scan_on_push = true`, or enable enhanced scanning for the registry.
    pub static ECR_SCAN_ON_PUSH = {
        id: "CW-AWS-ECR-001",
        title: "ECR repository does not scan images on push",
        severity: Medium,
        category: "vulnerability",
        resource_types: ["aws_ecr_repository"],
        checkov: ["CKV_AWS_163"],
        trivy: ["AVD-AWS-0030", "aws-ecr-enable-image-scans"],
        kics: [],
        remediation: "Set image_scanning_configuration { scan_on_push = true }.",
        check: check_scan,
    }
}

crate::rule! {
    /// ## What it checks
    /// ECR repositories have immutable tags: `image_tag_mutability =
    /// "IMMUTABLE"` (the default is `MUTABLE`).
    ///
    /// ## Why it matters
    /// With mutable tags, pushing `app:1.4.2` again silently replaces what
    /// every environment deploys under that name — by mistake, or by an
    /// attacker with push rights. Immutable tags make a tag mean one image.
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
    ///   name                 = "app"
    ///   image_tag_mutability = "IMMUTABLE"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `image_tag_mutability = "IMMUTABLE"` and tag images uniquely.
    pub static ECR_IMMUTABLE_TAGS = {
        id: "CW-AWS-ECR-002",
        title: "ECR repository tags are mutable",
        severity: Medium,
        category: "supply-chain",
        resource_types: ["aws_ecr_repository"],
        checkov: ["CKV_AWS_51"],
        trivy: ["AVD-AWS-0031", "aws-ecr-enforce-immutable-repository"],
        kics: ["d1846b12-20c5-4d45-8798-fc35b79268eb"],
        remediation: "Set image_tag_mutability = \"IMMUTABLE\".",
        check: check_immutable,
    }
}

fn check_scan(ctx: &Context<'_>, report: &mut Report) {
    if ctx
        .resources(&["aws_ecr_registry_scanning_configuration"])
        .next()
        .is_some()
    {
        return;
    }
    for repo in ctx.resources(&["aws_ecr_repository"]) {
        report.checked(repo);
        match get_bool(repo, "image_scanning_configuration.0.scan_on_push") {
            Tri::Known(true) => {}
            Tri::Known(false) => {
                report.fail(
                    repo,
                    "image_scanning_configuration[0].scan_on_push",
                    "images are not scanned when pushed",
                );
            }
            Tri::Absent => {
                report.fail(
                    repo,
                    "",
                    "image_scanning_configuration is not set: images are not scanned when pushed",
                );
            }
            Tri::Unknown(why) => report.unknown(repo, why),
        }
    }
}

fn check_immutable(ctx: &Context<'_>, report: &mut Report) {
    for repo in ctx.resources(&["aws_ecr_repository"]) {
        report.checked(repo);
        match get_str(repo, "image_tag_mutability") {
            Tri::Known(m) if m.starts_with("IMMUTABLE") => {}
            Tri::Known(m) => {
                report.fail(
                    repo,
                    "image_tag_mutability",
                    format!("image tags are {m}: a push can replace what a tag points to"),
                );
            }
            Tri::Absent => {
                report.fail(
                    repo,
                    "",
                    "image_tag_mutability is not set (the default is MUTABLE)",
                );
            }
            Tri::Unknown(why) => report.unknown(repo, why),
        }
    }
}
