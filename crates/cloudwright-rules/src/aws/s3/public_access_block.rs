use crate::check::{get_bool, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// Every S3 bucket has an S3 Block Public Access configuration with all
    /// four settings on — `block_public_acls`, `block_public_policy`,
    /// `ignore_public_acls`, `restrict_public_buckets` — either its own
    /// `aws_s3_bucket_public_access_block` or the account-wide
    /// `aws_s3_account_public_access_block`.
    ///
    /// ## Why it matters
    /// Block Public Access is the guard rail that keeps a mistaken ACL or
    /// bucket policy from publishing data. Without it, one `public-read` ACL
    /// or one `"Principal": "*"` statement exposes the bucket.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_s3_bucket" "logs" {
    ///   bucket = "acme-logs"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_s3_bucket_public_access_block" "logs" {
    ///   bucket                  = aws_s3_bucket.logs.id
    ///   block_public_acls       = true
    ///   block_public_policy     = true
    ///   ignore_public_acls      = true
    ///   restrict_public_buckets = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add an `aws_s3_bucket_public_access_block` with all four settings
    /// `true`, or set them once for the account.
    pub static S3_PUBLIC_ACCESS_BLOCK = {
        id: "CW-AWS-S3-001",
        title: "S3 bucket without a complete public access block",
        severity: High,
        category: "network",
        resource_types: ["aws_s3_bucket"],
        checkov: ["CKV2_AWS_6", "CKV_AWS_53", "CKV_AWS_54", "CKV_AWS_55", "CKV_AWS_56"],
        trivy: ["AVD-AWS-0094", "aws-s3-specify-public-access-block", "AVD-AWS-0086", "aws-s3-block-public-acls", "AVD-AWS-0087", "aws-s3-block-public-policy", "AVD-AWS-0091", "aws-s3-ignore-public-acls", "AVD-AWS-0093", "aws-s3-no-public-buckets"],
        kics: ["1ec253ab-c220-4d63-b2de-5b40e0af9293"],
        remediation: "Add aws_s3_bucket_public_access_block with block_public_acls, block_public_policy, ignore_public_acls and restrict_public_buckets all true.",
        check: check,
    }
}

const SETTINGS: [&str; 4] = [
    "block_public_acls",
    "block_public_policy",
    "ignore_public_acls",
    "restrict_public_buckets",
];

/// The settings a block leaves off (absent means off); `None` when unknown.
pub(crate) fn missing_settings(
    r: &cloudwright_model::Resource,
) -> Result<Vec<&'static str>, String> {
    let mut missing = Vec::new();
    for s in SETTINGS {
        match get_bool(r, s) {
            Tri::Known(true) => {}
            Tri::Known(false) | Tri::Absent => missing.push(s),
            Tri::Unknown(why) => return Err(format!("{s} is {why}")),
        }
    }
    Ok(missing)
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    // The account-wide setting covers every bucket when complete.
    let mut account_unknown = None;
    for account in ctx.resources(&["aws_s3_account_public_access_block"]) {
        match missing_settings(account) {
            Ok(m) if m.is_empty() => return,
            Ok(_) => {}
            Err(why) => account_unknown = Some(why),
        }
    }
    for bucket in ctx.resources(&["aws_s3_bucket"]) {
        report.checked(bucket);
        let blocks =
            match super::bucket_companions(ctx, bucket, "aws_s3_bucket_public_access_block") {
                Tri::Known(b) => b,
                Tri::Absent => Vec::new(),
                Tri::Unknown(why) => {
                    report.unknown(bucket, why);
                    continue;
                }
            };
        if blocks.is_empty() {
            if let Some(why) = &account_unknown {
                report.unknown(bucket, why.clone());
                continue;
            }
            report.fail(bucket, "", format!("bucket `{}` has no public access block, so one ACL or policy statement can make it public", bucket.name));
            continue;
        }
        for block in blocks {
            match missing_settings(block) {
                Ok(missing) if missing.is_empty() => {}
                Ok(missing) => {
                    let attribute = missing[0];
                    report
                        .fail(
                            block,
                            attribute,
                            format!(
                                "the public access block of `{}` leaves {} off",
                                bucket.address,
                                missing.join(", ")
                            ),
                        )
                        .related_to(bucket, "the bucket");
                }
                Err(why) => report.unknown(bucket, why),
            }
        }
    }
}
