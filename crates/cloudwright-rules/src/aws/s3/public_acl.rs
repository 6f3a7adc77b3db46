use crate::check::{get_str, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// No S3 bucket has a canned ACL that grants access to everyone or to
    /// every AWS account: `public-read`, `public-read-write` or
    /// `authenticated-read`, set on the bucket (`acl`, provider v3) or with
    /// `aws_s3_bucket_acl` (v4+).
    ///
    /// ## Why it matters
    /// `public-read` lets anyone on the internet list and read the bucket;
    /// `public-read-write` also lets them write — both are the classic
    /// S3 data leak. `authenticated-read` means *any* AWS account, not yours.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_s3_bucket_acl" "site" {
    ///   bucket = aws_s3_bucket.site.id
    ///   acl    = "public-read"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_s3_bucket_ownership_controls" "site" {
    ///   bucket = aws_s3_bucket.site.id
    ///   rule {
    ///     object_ownership = "BucketOwnerEnforced"   # ACLs disabled
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Remove the ACL (disable ACLs with `BucketOwnerEnforced`); serve public
    /// content through CloudFront with origin access control instead.
    pub static S3_PUBLIC_ACL = {
        id: "CW-AWS-S3-005",
        title: "S3 bucket ACL grants access to everyone",
        severity: Critical,
        category: "network",
        resource_types: ["aws_s3_bucket", "aws_s3_bucket_acl"],
        checkov: ["CKV_AWS_20", "CKV_AWS_57"],
        trivy: ["AVD-AWS-0092", "aws-s3-no-public-access-with-acl"],
        kics: ["38c5ee0d-7f22-4260-ab72-5073048df100"],
        remediation: "Remove the public canned ACL; disable ACLs with object_ownership = \"BucketOwnerEnforced\".",
        check: check,
    }
}

const PUBLIC: [&str; 3] = ["public-read", "public-read-write", "authenticated-read"];

fn check(ctx: &Context<'_>, report: &mut Report) {
    for r in ctx.resources(&["aws_s3_bucket", "aws_s3_bucket_acl"]) {
        report.checked(r);
        match get_str(r, "acl") {
            Tri::Known(acl) if PUBLIC.contains(&acl.as_str()) => {
                let who = if acl == "authenticated-read" {
                    "every AWS account"
                } else {
                    "everyone on the internet"
                };
                report.fail(r, "acl", format!("canned ACL `{acl}` grants {who} access"));
            }
            Tri::Unknown(why) => report.unknown(r, why),
            _ => {}
        }
    }
}
