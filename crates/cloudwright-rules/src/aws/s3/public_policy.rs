use crate::check::Context;
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// S3 bucket policies — an `aws_s3_bucket_policy`, or the bucket's
    /// inline `policy` (provider v3) — do not allow every principal (`"*"`,
    /// `{"AWS": "*"}` or a `NotPrincipal`) unless a condition narrows the
    /// caller (`aws:PrincipalOrgID`, `aws:SourceAccount`, a source VPC
    /// endpoint or IP, …). A TLS-only `Deny` alone is not a grant and
    /// passes. A document that has both a public `Allow` and a `Deny` for
    /// every principal is reported as undecidable. A document that embeds
    /// values known only after apply (commonly the bucket's own ARN) is
    /// decided on its known parts. A public access block with `block_public_policy`
    /// and `restrict_public_buckets` neutralises such a policy; this rule
    /// still reports the policy, and CW-AWS-S3-001 the missing block.
    ///
    /// ## Why it matters
    /// A public bucket policy is the most common way data leaks from S3:
    /// anyone on the internet can read — or, with write actions, replace or
    /// delete — the objects it covers.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_s3_bucket_policy" "site" {
    ///   bucket = aws_s3_bucket.site.id
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{ Effect = "Allow", Principal = "*", Action = "s3:GetObject", Resource = "arn:aws:s3:::site/*" }]
    ///   })
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_s3_bucket_policy" "site" {
    ///   bucket = aws_s3_bucket.site.id
    ///   policy = jsonencode({
    ///     Version   = "2012-10-17"
    ///     Statement = [{
    ///       Effect    = "Allow", Principal = { Service = "cloudfront.amazonaws.com" }
    ///       Action    = "s3:GetObject", Resource = "arn:aws:s3:::site/*"
    ///       Condition = { StringEquals = { "aws:SourceArn" = "arn:aws:cloudfront::111122223333:distribution/EDFDVBD6EXAMPLE" } }
    ///     }]
    ///   })
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Serve public content through CloudFront with origin access control
    /// (a service principal with an `aws:SourceArn` condition) and name the
    /// principals of every other grant.
    pub static S3_PUBLIC_POLICY = {
        id: "CW-AWS-S3-007",
        title: "S3 bucket policy allows everyone",
        severity: High,
        category: "iam",
        resource_types: ["aws_s3_bucket", "aws_s3_bucket_policy"],
        checkov: ["CKV_AWS_70"],
        trivy: [],
        kics: [],
        remediation: "Name the principals, or grant through CloudFront origin access control with an aws:SourceArn condition.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    crate::policy::report_public_grants(
        ctx,
        report,
        &["aws_s3_bucket", "aws_s3_bucket_policy"],
        "bucket",
    );
}
