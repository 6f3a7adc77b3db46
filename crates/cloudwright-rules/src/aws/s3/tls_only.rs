use crate::check::{get_statements, Context, Tri};
use crate::Report;
use cloudwright_model::Resource;

crate::rule! {
    /// ## What it checks
    /// Every S3 bucket has a bucket policy that denies requests not made over
    /// TLS: a `Deny` statement with the condition
    /// `"Bool": {"aws:SecureTransport": "false"}`, in an `aws_s3_bucket_policy`
    /// (or the bucket's inline `policy`, provider v3).
    ///
    /// ## Why it matters
    /// S3 accepts plain HTTP requests unless a policy forbids them. Anything
    /// that talks to the bucket over HTTP — an old SDK, a misconfigured
    /// endpoint — exposes data and credentials to the network.
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
    /// data "aws_iam_policy_document" "tls_only" {
    ///   statement {
    ///     effect    = "Deny"
    ///     actions   = ["s3:*"]
    ///     resources = [aws_s3_bucket.data.arn, "${aws_s3_bucket.data.arn}/*"]
    ///     principals {
    ///       type        = "*"
    ///       identifiers = ["*"]
    ///     }
    ///     condition {
    ///       test     = "Bool"
    ///       variable = "aws:SecureTransport"
    ///       values   = ["false"]
    ///     }
    ///   }
    /// }
    ///
    /// resource "aws_s3_bucket_policy" "data" {
    ///   bucket = aws_s3_bucket.data.id
    ///   policy = data.aws_iam_policy_document.tls_only.json
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add the `Deny` on `aws:SecureTransport = false` to the bucket policy.
    pub static S3_TLS_ONLY = {
        id: "CW-AWS-S3-006",
        title: "S3 bucket accepts requests without TLS",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_s3_bucket", "aws_s3_bucket_policy"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Deny s3:* when aws:SecureTransport is false in the bucket policy.",
        check: check,
    }
}

/// Does the policy deny insecure transport? Three-valued.
fn denies_insecure(r: &Resource, path: &str) -> Tri<bool> {
    match get_statements(r, path) {
        Tri::Known(list) => {
            let insecure = |st: &crate::policy::Statement| {
                st.conditions
                    .get("Bool")
                    .and_then(|b| b.get("aws:SecureTransport"))
                    .is_some_and(|v| {
                        v == "false"
                            || v.as_array().is_some_and(|a| a.iter().any(|x| x == "false"))
                            || v == false
                    })
            };
            if list
                .iter()
                .any(|st| !st.allow && !st.has_unknown("Effect") && insecure(st))
            {
                return Tri::Known(true);
            }
            // an unknown effect reads as not-Allow: such statements may be the deny
            match list
                .iter()
                .filter(|st| !st.allow)
                .find_map(|st| st.unknown_reason(&["Effect", "Condition"]))
            {
                Some(why) => Tri::Unknown(why),
                None => Tri::Known(false),
            }
        }
        Tri::Absent => Tri::Known(false),
        Tri::Unknown(why) => Tri::Unknown(why),
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for bucket in ctx.resources(&["aws_s3_bucket"]) {
        report.checked(bucket);
        let mut verdict = denies_insecure(bucket, "policy");
        if verdict != Tri::Known(true) {
            match super::bucket_companions(ctx, bucket, "aws_s3_bucket_policy") {
                Tri::Known(policies) => {
                    for p in policies {
                        match denies_insecure(p, "policy") {
                            Tri::Known(true) => verdict = Tri::Known(true),
                            Tri::Unknown(why) if verdict != Tri::Known(true) => {
                                verdict = Tri::Unknown(why)
                            }
                            _ => {}
                        }
                    }
                }
                Tri::Unknown(why) => verdict = Tri::Unknown(why),
                Tri::Absent => {}
            }
        }
        match verdict {
            Tri::Known(true) => {}
            Tri::Unknown(why) => report.unknown(bucket, why),
            _ => {
                report.fail(
                    bucket,
                    "",
                    format!(
                        "no bucket policy of `{}` denies requests made without TLS",
                        bucket.name
                    ),
                );
            }
        }
    }
}
