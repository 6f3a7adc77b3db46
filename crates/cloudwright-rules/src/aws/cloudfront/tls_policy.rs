use crate::check::{get_bool, get_str, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// A CloudFront distribution with its own certificate (ACM or IAM)
    /// accepts viewers on TLS 1.2 or newer:
    /// `viewer_certificate.minimum_protocol_version` is a `TLSv1.2_*` or
    /// `TLSv1.3_*` security policy. Unset, the provider uses `TLSv1`.
    /// Distributions on the default `*.cloudfront.net` certificate are not
    /// checked: CloudFront fixes their minimum at TLSv1 and it cannot be
    /// raised without a certificate of your own.
    ///
    /// ## Why it matters
    /// TLS 1.0 and 1.1 are deprecated (RFC 8996); their cipher suites and
    /// handshake weaknesses let an attacker on the path downgrade or read
    /// traffic, and PCI DSS forbids them.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_cloudfront_distribution" "site" {
    ///   viewer_certificate {
    ///     acm_certificate_arn      = aws_acm_certificate.site.arn
    ///     ssl_support_method       = "sni-only"
    ///     minimum_protocol_version = "TLSv1"
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudfront_distribution" "site" {
    ///   viewer_certificate {
    ///     acm_certificate_arn      = aws_acm_certificate.site.arn
    ///     ssl_support_method       = "sni-only"
    ///     minimum_protocol_version = "TLSv1.2_2021"
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `minimum_protocol_version = "TLSv1.2_2021"` (or newer) in
    /// `viewer_certificate`.
    pub static CLOUDFRONT_TLS_POLICY = {
        id: "CW-AWS-CLOUDFRONT-002",
        title: "CloudFront distribution accepts TLS older than 1.2",
        severity: High,
        category: "encryption",
        resource_types: ["aws_cloudfront_distribution"],
        checkov: ["CKV_AWS_174"],
        trivy: ["AVD-AWS-0013", "aws-cloudfront-use-secure-tls-policy"],
        kics: ["00e5e55e-c2ff-46b3-a757-a7a1cd802456"],
        remediation: "Set viewer_certificate { minimum_protocol_version = \"TLSv1.2_2021\" }.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for d in ctx.resources(&["aws_cloudfront_distribution"]) {
        match get_bool(d, "viewer_certificate.0.cloudfront_default_certificate") {
            Tri::Known(true) => continue,
            Tri::Unknown(why) => {
                report.unknown(d, why);
                continue;
            }
            Tri::Known(false) | Tri::Absent => {}
        }
        report.checked(d);
        match get_str(d, "viewer_certificate.0.minimum_protocol_version") {
            Tri::Known(v) if v.starts_with("TLSv1.2_") || v.starts_with("TLSv1.3_") => {}
            Tri::Known(v) => {
                report.fail(
                    d,
                    "viewer_certificate[0].minimum_protocol_version",
                    format!("viewers may connect with protocols older than TLS 1.2 (security policy \"{v}\")"),
                );
            }
            Tri::Absent => {
                let attr = if d.attribute_spans.get("viewer_certificate[0]").is_some() {
                    "viewer_certificate[0]"
                } else {
                    ""
                };
                report.fail(
                    d,
                    attr,
                    "minimum_protocol_version is not set: the provider default is TLSv1",
                );
            }
            Tri::Unknown(why) => report.unknown(d, why),
        }
    }
}
