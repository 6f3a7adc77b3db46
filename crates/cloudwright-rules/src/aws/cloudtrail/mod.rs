//! AWS CloudTrail.

use crate::check::{get, get_bool, Context, Tri};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &CLOUDTRAIL_MULTI_REGION,
        &CLOUDTRAIL_LOG_VALIDATION,
        &CLOUDTRAIL_KMS,
        &CLOUDTRAIL_CLOUDWATCH,
        &CLOUDTRAIL_LOGGING,
    ]
}

crate::rule! {
    /// ## What it checks
    /// Trails record events in every region: `is_multi_region_trail = true`
    /// (default `false`).
    ///
    /// ## Why it matters
    /// Attackers work where nobody looks: a single-region trail misses
    /// activity in every other region, including resources created there to
    /// mine or to persist.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   s3_bucket_name = aws_s3_bucket.trail.id
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   s3_bucket_name        = aws_s3_bucket.trail.id
    ///   is_multi_region_trail = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `is_multi_region_trail = true` (or use an organization trail).
    pub static CLOUDTRAIL_MULTI_REGION = {
        id: "CW-AWS-CLOUDTRAIL-001",
        title: "CloudTrail trail covers one region only",
        severity: Medium,
        category: "logging",
        resource_types: ["aws_cloudtrail"],
        checkov: ["CKV_AWS_67"],
        trivy: ["AVD-AWS-0014", "aws-cloudtrail-enable-all-regions"],
        kics: ["8173d5eb-96b5-4aa6-a71b-ecfa153c123d"],
        remediation: "Set is_multi_region_trail = true.",
        check: check_multi_region,
    }
}

crate::rule! {
    /// ## What it checks
    /// Trails validate their log files: `enable_log_file_validation = true`
    /// (default `false`).
    ///
    /// ## Why it matters
    /// Validation writes signed digest files, so you can prove that logs were
    /// not altered or deleted after delivery — which is the first thing an
    /// intruder tries, and the first thing an auditor asks.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   enable_log_file_validation = false
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   enable_log_file_validation = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `enable_log_file_validation = true`.
    pub static CLOUDTRAIL_LOG_VALIDATION = {
        id: "CW-AWS-CLOUDTRAIL-002",
        title: "CloudTrail log file validation disabled",
        severity: Medium,
        category: "logging",
        resource_types: ["aws_cloudtrail"],
        checkov: ["CKV_AWS_36"],
        trivy: ["AVD-AWS-0016", "aws-cloudtrail-enable-log-validation"],
        kics: ["52ffcfa6-6c70-4ea6-8376-d828d3961669"],
        remediation: "Set enable_log_file_validation = true.",
        check: check_validation,
    }
}

crate::rule! {
    /// ## What it checks
    /// Trails encrypt their logs with a KMS key: `kms_key_id` is set.
    ///
    /// ## Why it matters
    /// With SSE-KMS, reading the logs also needs `kms:Decrypt` on a key you
    /// control — a second gate on the most sensitive record of the account,
    /// and one more place where access is logged.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   s3_bucket_name = aws_s3_bucket.trail.id
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   s3_bucket_name = aws_s3_bucket.trail.id
    ///   kms_key_id     = aws_kms_key.trail.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Create a KMS key whose policy lets CloudTrail encrypt, and set
    /// `kms_key_id`.
    pub static CLOUDTRAIL_KMS = {
        id: "CW-AWS-CLOUDTRAIL-003",
        title: "CloudTrail logs not encrypted with KMS",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_cloudtrail"],
        checkov: ["CKV_AWS_35"],
        trivy: ["AVD-AWS-0015", "aws-cloudtrail-encryption-customer-key"],
        kics: ["5d9e3164-9265-470c-9a10-57ae454ac0c7"],
        remediation: "Set kms_key_id to a customer-managed KMS key.",
        check: check_kms,
    }
}

fn boolean_setting(ctx: &Context<'_>, report: &mut Report, attribute: &str, message: &str) {
    for trail in ctx.resources(&["aws_cloudtrail"]) {
        report.checked(trail);
        match get_bool(trail, attribute) {
            Tri::Known(true) => {}
            Tri::Known(false) => {
                report.fail(trail, attribute, message.to_string());
            }
            Tri::Absent => {
                report.fail(
                    trail,
                    "",
                    format!("{message} ({attribute} is not set; the default is false)"),
                );
            }
            Tri::Unknown(why) => report.unknown(trail, why),
        }
    }
}

fn check_multi_region(ctx: &Context<'_>, report: &mut Report) {
    boolean_setting(
        ctx,
        report,
        "is_multi_region_trail",
        "the trail records events in its own region only",
    );
}

fn check_validation(ctx: &Context<'_>, report: &mut Report) {
    boolean_setting(
        ctx,
        report,
        "enable_log_file_validation",
        "log file integrity validation is off",
    );
}

fn check_kms(ctx: &Context<'_>, report: &mut Report) {
    for trail in ctx.resources(&["aws_cloudtrail"]) {
        report.checked(trail);
        match get(trail, "kms_key_id") {
            Tri::Known(_) => {}
            // a key's ARN known only after apply is a key
            Tri::Unknown(_)
                if trail
                    .get("kms_key_id")
                    .is_some_and(|v| crate::check::resource_identifier(&v)) => {}
            Tri::Absent => {
                report.fail(
                    trail,
                    "",
                    "kms_key_id is not set: logs use S3-managed encryption only",
                );
            }
            Tri::Unknown(why) => report.unknown(trail, why),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Trails deliver to CloudWatch Logs: `cloud_watch_logs_group_arn` (with
    /// `cloud_watch_logs_role_arn`) is set.
    ///
    /// ## Why it matters
    /// In S3, trail logs are an archive; in CloudWatch Logs, metric filters
    /// and alarms can fire within minutes on root logins, IAM policy
    /// changes, security group changes or disabled trails (the CIS
    /// monitoring controls).
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   name           = "main"
    ///   s3_bucket_name = aws_s3_bucket.trail.id
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   name                       = "main"
    ///   s3_bucket_name             = aws_s3_bucket.trail.id
    ///   cloud_watch_logs_group_arn = "${aws_cloudwatch_log_group.trail.arn}:*"
    ///   cloud_watch_logs_role_arn  = aws_iam_role.trail_to_logs.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Create a log group and a role CloudTrail can write with, and set both
    /// arguments.
    pub static CLOUDTRAIL_CLOUDWATCH = {
        id: "CW-AWS-CLOUDTRAIL-004",
        title: "CloudTrail trail not sent to CloudWatch Logs",
        severity: Low,
        category: "logging",
        resource_types: ["aws_cloudtrail"],
        checkov: ["CKV2_AWS_10"],
        trivy: [],
        kics: ["17b30f8f-8dfb-4597-adf6-57600b6cf25e"],
        remediation: "Set cloud_watch_logs_group_arn and cloud_watch_logs_role_arn.",
        check: |ctx, report| crate::setting::require(ctx, report, &["aws_cloudtrail"], &crate::setting::Setting {
            path: "cloud_watch_logs_group_arn",
            want: crate::setting::Want::NonEmpty,
            absent: crate::setting::Absent::Fails("cloud_watch_logs_group_arn is not set: nothing alarms on trail events"),
            message: "cloud_watch_logs_group_arn is empty",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Trails are logging: `enable_logging` is not `false` (default `true`).
    ///
    /// ## Why it matters
    /// A stopped trail records nothing — attackers stop trails to hide what
    /// they do next, and a trail left stopped after maintenance leaves the
    /// account without an audit record.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   name           = "main"
    ///   s3_bucket_name = aws_s3_bucket.trail.id
    ///   enable_logging = false
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudtrail" "main" {
    ///   name           = "main"
    ///   s3_bucket_name = aws_s3_bucket.trail.id
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Remove `enable_logging = false`.
    pub static CLOUDTRAIL_LOGGING = {
        id: "CW-AWS-CLOUDTRAIL-005",
        title: "CloudTrail trail stopped",
        severity: High,
        category: "logging",
        resource_types: ["aws_cloudtrail"],
        checkov: ["CKV_AWS_251"],
        trivy: [],
        kics: ["4bb76f17-3d63-4529-bdca-2b454529d774"],
        remediation: "Set enable_logging = true (the default).",
        check: |ctx, report| crate::setting::require(ctx, report, &["aws_cloudtrail"], &crate::setting::Setting {
            path: "enable_logging",
            want: crate::setting::Want::True,
            absent: crate::setting::Absent::Passes,
            message: "the trail is not logging",
        }),
    }
}
