use crate::check::{count, Context, Tri};
use crate::Report;
use cloudwright_model::Resource;

crate::rule! {
    /// ## What it checks
    /// Every S3 bucket has server access logging: an `aws_s3_bucket_logging`
    /// (provider v4+) or an inline `logging` block (v3). Buckets that are
    /// themselves the target of another bucket's access logs are exempt:
    /// logging a log bucket into itself loops, and into a third bucket adds
    /// little.
    ///
    /// ## Why it matters
    /// Access logs are how you answer "who read this object, from where,
    /// when" after an incident. CloudTrail data events are the alternative,
    /// at a higher price.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_s3_bucket" "data" {
    ///   bucket = "acme-data"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_s3_bucket_logging" "data" {
    ///   bucket        = aws_s3_bucket.data.id
    ///   target_bucket = aws_s3_bucket.logs.id
    ///   target_prefix = "s3/data/"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `aws_s3_bucket_logging` pointing at a dedicated log bucket.
    pub static S3_ACCESS_LOGGING = {
        id: "CW-AWS-S3-004",
        title: "S3 bucket without access logging",
        severity: Low,
        category: "logging",
        resource_types: ["aws_s3_bucket"],
        checkov: ["CKV_AWS_18"],
        trivy: ["AVD-AWS-0089", "aws-s3-enable-bucket-logging"],
        kics: ["f861041c-8c9f-4156-acfc-5e6e524f5884"],
        remediation: "Add aws_s3_bucket_logging with a target_bucket dedicated to access logs.",
        check: check,
    }
}

/// Is the bucket where other buckets' access logs go?
fn is_log_target(ctx: &Context<'_>, bucket: &Resource) -> bool {
    let by_reference = ctx
        .graph
        .referrers(bucket)
        .any(|(r, attr)| r.resource_type == "aws_s3_bucket_logging" && attr == "target_bucket");
    let inline = ctx
        .graph
        .referrers(bucket)
        .any(|(r, attr)| r.resource_type == "aws_s3_bucket" && attr == "logging");
    by_reference || inline
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for bucket in ctx.resources(&["aws_s3_bucket"]) {
        report.checked(bucket);
        if is_log_target(ctx, bucket) {
            continue;
        }
        match count(bucket, "logging") {
            Tri::Known(n) if n > 0 => continue,
            Tri::Unknown(why) => {
                report.unknown(bucket, why);
                continue;
            }
            _ => {}
        }
        match super::bucket_companions(ctx, bucket, "aws_s3_bucket_logging") {
            Tri::Known(found) if !found.is_empty() => {}
            Tri::Unknown(why) => report.unknown(bucket, why),
            _ => {
                report.fail(
                    bucket,
                    "",
                    format!("bucket `{}` has no server access logging", bucket.name),
                );
            }
        }
    }
}
