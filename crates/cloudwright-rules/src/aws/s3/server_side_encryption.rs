use crate::check::{count, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// Every S3 bucket declares its default encryption, with an
    /// `aws_s3_bucket_server_side_encryption_configuration` (provider v4+) or
    /// the inline `server_side_encryption_configuration` block (provider v3).
    ///
    /// ## Why it matters
    /// Since January 2023 AWS encrypts new objects with SSE-S3 when nothing
    /// is configured, so data is not stored in the clear. Declaring the
    /// configuration still matters: it records the intent in code, and it is
    /// where you choose SSE-KMS with your own key — the only way to control
    /// and audit who can decrypt, which compliance regimes ask for.
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
    /// resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
    ///   bucket = aws_s3_bucket.data.id
    ///   rule {
    ///     apply_server_side_encryption_by_default {
    ///       sse_algorithm     = "aws:kms"
    ///       kms_master_key_id = aws_kms_key.data.arn
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `aws_s3_bucket_server_side_encryption_configuration` for the
    /// bucket, preferably with `aws:kms` and a customer-managed key.
    pub static S3_DEFAULT_ENCRYPTION = {
        id: "CW-AWS-S3-002",
        title: "S3 bucket without a declared default encryption",
        severity: Low,
        category: "encryption",
        resource_types: ["aws_s3_bucket"],
        checkov: ["CKV_AWS_19"],
        trivy: ["AVD-AWS-0088", "aws-s3-enable-bucket-encryption"],
        kics: [],
        remediation: "Declare aws_s3_bucket_server_side_encryption_configuration (aws:kms with a customer-managed key where the data is sensitive).",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for bucket in ctx.resources(&["aws_s3_bucket"]) {
        report.checked(bucket);
        match count(bucket, "server_side_encryption_configuration") {
            Tri::Known(n) if n > 0 => continue,
            Tri::Unknown(why) => {
                report.unknown(bucket, why);
                continue;
            }
            _ => {}
        }
        match super::bucket_companions(
            ctx,
            bucket,
            "aws_s3_bucket_server_side_encryption_configuration",
        ) {
            Tri::Known(found) if !found.is_empty() => {}
            Tri::Unknown(why) => report.unknown(bucket, why),
            _ => {
                report.fail(bucket, "", format!("bucket `{}` does not declare its default encryption (AWS applies SSE-S3 with an AWS-owned key)", bucket.name));
            }
        }
    }
}
