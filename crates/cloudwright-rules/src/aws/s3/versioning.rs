use crate::check::{get_bool, get_str, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// Every S3 bucket has versioning enabled: an `aws_s3_bucket_versioning`
    /// with `status = "Enabled"` (provider v4+) or an inline
    /// `versioning { enabled = true }` block (provider v3).
    ///
    /// ## Why it matters
    /// Without versioning an overwrite or delete — a bug, a bad deploy,
    /// ransomware with stolen credentials — destroys the object for good.
    /// Versioning keeps the previous versions, and is required for
    /// replication and Object Lock.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_s3_bucket_versioning" "data" {
    ///   bucket = aws_s3_bucket.data.id
    ///   versioning_configuration {
    ///     status = "Suspended"
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_s3_bucket_versioning" "data" {
    ///   bucket = aws_s3_bucket.data.id
    ///   versioning_configuration {
    ///     status = "Enabled"
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `aws_s3_bucket_versioning` with `status = "Enabled"`, and a
    /// lifecycle rule that expires noncurrent versions to bound the cost.
    pub static S3_VERSIONING = {
        id: "CW-AWS-S3-003",
        title: "S3 bucket without versioning",
        severity: Medium,
        category: "backup",
        resource_types: ["aws_s3_bucket"],
        checkov: ["CKV_AWS_21"],
        trivy: ["AVD-AWS-0090", "aws-s3-enable-versioning"],
        kics: ["568a4d22-3517-44a6-a7ad-6a7eed88722c"],
        remediation: "Add aws_s3_bucket_versioning with versioning_configuration { status = \"Enabled\" }.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for bucket in ctx.resources(&["aws_s3_bucket"]) {
        report.checked(bucket);
        match get_bool(bucket, "versioning.0.enabled") {
            Tri::Known(true) => continue,
            Tri::Unknown(why) => {
                report.unknown(bucket, why);
                continue;
            }
            _ => {}
        }
        let companions = match super::bucket_companions(ctx, bucket, "aws_s3_bucket_versioning") {
            Tri::Known(c) => c,
            Tri::Absent => Vec::new(),
            Tri::Unknown(why) => {
                report.unknown(bucket, why);
                continue;
            }
        };
        if companions.is_empty() {
            if let Tri::Known(false) = get_bool(bucket, "versioning.0.enabled") {
                report.fail(
                    bucket,
                    "versioning[0].enabled",
                    format!("versioning of bucket `{}` is disabled", bucket.name),
                );
            } else {
                report.fail(
                    bucket,
                    "",
                    format!("bucket `{}` has no versioning configuration", bucket.name),
                );
            }
            continue;
        }
        for v in companions {
            match get_str(v, "versioning_configuration.0.status") {
                Tri::Known(s) if s == "Enabled" => {}
                Tri::Unknown(why) => report.unknown(bucket, why),
                Tri::Known(s) => {
                    report
                        .fail(
                            v,
                            "versioning_configuration[0].status",
                            format!("versioning of `{}` is {s}", bucket.address),
                        )
                        .related_to(bucket, "the bucket");
                }
                Tri::Absent => {
                    report.fail(
                        v,
                        "versioning_configuration",
                        format!("versioning of `{}` has no status", bucket.address),
                    );
                }
            }
        }
    }
}
