//! CloudFront: logging, WAF, S3 origin access, origin protocol, geo
//! restriction.

use crate::check::{get, get_str, Context, Tri};
use crate::{Report, Rule};
use cloudwright_model::Value;

const DISTRIBUTIONS: &[&str] = &["aws_cloudfront_distribution"];

fn check_logging(ctx: &Context<'_>, report: &mut Report) {
    for d in ctx.resources(DISTRIBUTIONS) {
        report.checked(d);
        match get(d, "logging_config") {
            Tri::Known(v) if v.as_list().is_none_or(|l| !l.is_empty()) => continue,
            Tri::Unknown(why) => {
                report.unknown(d, why);
                continue;
            }
            _ => {}
        }
        // standard logging v2: a CloudWatch log delivery source for the distribution
        match ctx.companions(
            d,
            "aws_cloudwatch_log_delivery_source",
            "resource_arn",
            &["arn"],
        ) {
            Tri::Known(list) if !list.is_empty() => {}
            Tri::Unknown(why) => report.unknown(d, why),
            _ => {
                report.fail(d, "", "no logging_config and no log delivery source: requests to the distribution are not logged");
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Distributions log requests: a `logging_config` block (standard
    /// logging to S3), or an `aws_cloudwatch_log_delivery_source` whose
    /// `resource_arn` is the distribution (standard logging v2).
    ///
    /// ## Why it matters
    /// Access logs are the only record of who requested what from the
    /// edge — needed to investigate scraping, credential stuffing or data
    /// exposure through a misconfigured origin.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_cloudfront_distribution" "site" {
    ///   enabled = true
    ///   # origin, default_cache_behavior, restrictions, viewer_certificate …
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudfront_distribution" "site" {
    ///   enabled = true
    ///   logging_config {
    ///     bucket = aws_s3_bucket.cdn_logs.bucket_domain_name
    ///     prefix = "site/"
    ///   }
    ///   # origin, default_cache_behavior, restrictions, viewer_certificate …
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `logging_config` (or a v2 log delivery) with a log bucket that
    /// has a retention lifecycle.
    pub static CLOUDFRONT_LOGGING = {
        id: "CW-AWS-CLOUDFRONT-003",
        title: "CloudFront distribution without access logs",
        severity: Low,
        category: "logging",
        resource_types: ["aws_cloudfront_distribution", "aws_cloudwatch_log_delivery_source"],
        checkov: ["CKV_AWS_86"],
        trivy: ["AVD-AWS-0010", "aws-cloudfront-enable-logging"],
        kics: ["94690d79-b3b0-43de-b656-84ebef5753e5"],
        remediation: "Add logging_config or a CloudWatch log delivery for the distribution.",
        check: check_logging,
    }
}

fn check_waf(ctx: &Context<'_>, report: &mut Report) {
    for d in ctx.resources(DISTRIBUTIONS) {
        report.checked(d);
        match get_str(d, "web_acl_id") {
            Tri::Known(id) if !id.is_empty() => {}
            Tri::Unknown(_) if crate::check::refers(d, "web_acl_id") => {}
            Tri::Unknown(why) => report.unknown(d, why),
            _ => {
                report.fail(
                    d,
                    "",
                    "no web_acl_id: the distribution is not protected by AWS WAF",
                );
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Distributions are protected by AWS WAF: `web_acl_id` is set (a
    /// WAFv2 web ACL ARN with `CLOUDFRONT` scope, or a WAF Classic id).
    ///
    /// ## Why it matters
    /// At the edge, WAF blocks injection payloads, known exploits, bad bots
    /// and floods before they reach — and are paid for at — the origin.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_cloudfront_distribution" "site" {
    ///   enabled = true
    ///   # …
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudfront_distribution" "site" {
    ///   enabled    = true
    ///   web_acl_id = aws_wafv2_web_acl.edge.arn
    ///   # …
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Create a WAFv2 web ACL with `scope = "CLOUDFRONT"` (in us-east-1)
    /// with the AWS managed rule groups, and set `web_acl_id`.
    pub static CLOUDFRONT_WAF = {
        id: "CW-AWS-CLOUDFRONT-004",
        title: "CloudFront distribution without WAF",
        severity: Medium,
        category: "network",
        resource_types: ["aws_cloudfront_distribution"],
        checkov: ["CKV_AWS_68"],
        trivy: ["AVD-AWS-0011", "aws-cloudfront-enable-waf"],
        kics: ["1419b4c6-6d5c-4534-9cf6-6a5266085333"],
        remediation: "Set web_acl_id to a CLOUDFRONT-scoped WAFv2 web ACL.",
        check: check_waf,
    }
}

/// Is an origin an S3 bucket's REST endpoint (not a website endpoint, which
/// is an HTTP custom origin)?
fn s3_rest_origin(i: usize, origin: &Value) -> Tri<bool> {
    match origin.get("domain_name") {
        Some(v) if v.is_unknown() => {
            // a bucket's domain name, known after apply
            let from = v.as_unknown().and_then(|u| u.origin()).unwrap_or("");
            if from.contains("aws_s3_bucket.")
                && (from.ends_with(".bucket_regional_domain_name")
                    || from.ends_with(".bucket_domain_name"))
            {
                Tri::Known(true)
            } else {
                Tri::Unknown(format!("origin[{i}].domain_name is {}", v.why_unknown()))
            }
        }
        Some(v) => Tri::Known(v.as_str().is_some_and(|s| {
            let s = s.to_ascii_lowercase();
            (s.ends_with(".amazonaws.com") || s.ends_with(".amazonaws.com.cn"))
                && (s.contains(".s3.") || s.contains(".s3-"))
                && !s.contains("s3-website")
        })),
        None => Tri::Known(false),
    }
}

/// The `origin` blocks of a distribution; `None` (reported undecidable when
/// unknown) when there are none to judge.
fn origins(report: &mut Report, d: &cloudwright_model::Resource) -> Option<Vec<Value>> {
    match get(d, "origin") {
        Tri::Known(v) => Some(v.as_list().map(<[Value]>::to_vec).unwrap_or_default()),
        Tri::Unknown(why) => {
            report.unknown(d, why);
            None
        }
        Tri::Absent => None,
    }
}

fn check_s3_origin_access(ctx: &Context<'_>, report: &mut Report) {
    for d in ctx.resources(DISTRIBUTIONS) {
        report.checked(d);
        let Some(origins) = origins(report, d) else {
            continue;
        };
        let mut undecided = None;
        for (i, origin) in origins.iter().enumerate() {
            match s3_rest_origin(i, origin) {
                Tri::Known(true) => {}
                Tri::Unknown(why) => {
                    undecided.get_or_insert(why);
                    continue;
                }
                _ => continue,
            }
            let oac = origin.get("origin_access_control_id");
            let oai = origin
                .get("s3_origin_config")
                .and_then(|c| c.as_list().and_then(|l| l.first().cloned()))
                .and_then(|c| c.get("origin_access_identity"));
            let set = |v: &Option<Value>| {
                v.as_ref()
                    .is_some_and(|v| v.is_unknown() || v.as_str().is_some_and(|s| !s.is_empty()))
            };
            if !set(&oac) && !set(&oai) {
                report.fail(d, &format!("origin[{i}]"), "an S3 origin is reached without origin access control: the bucket must be readable by everyone for this to work");
                undecided = None;
                break;
            }
        }
        if let Some(why) = undecided {
            report.unknown(d, why);
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Distributions reach S3 bucket origins (REST endpoints such as
    /// `bucket.s3.eu-west-1.amazonaws.com`, or a reference to a bucket's
    /// `bucket_regional_domain_name`) through origin access control
    /// (`origin_access_control_id`) or a legacy origin access identity
    /// (`s3_origin_config.origin_access_identity`). Website endpoints are
    /// custom origins and not checked.
    ///
    /// ## Why it matters
    /// Without OAC or OAI, CloudFront fetches objects anonymously, so the
    /// bucket has to be public — and anyone can bypass the CDN, its WAF,
    /// geo restrictions and signed URLs by reading the bucket directly.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_cloudfront_distribution" "site" {
    ///   origin {
    ///     origin_id   = "site"
    ///     domain_name = aws_s3_bucket.site.bucket_regional_domain_name
    ///   }
    ///   # …
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudfront_distribution" "site" {
    ///   origin {
    ///     origin_id                = "site"
    ///     domain_name              = aws_s3_bucket.site.bucket_regional_domain_name
    ///     origin_access_control_id = aws_cloudfront_origin_access_control.site.id
    ///   }
    ///   # …
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Create an `aws_cloudfront_origin_access_control` (signing behaviour
    /// `always`, SigV4), reference it, and let the bucket policy allow only
    /// `cloudfront.amazonaws.com` with `AWS:SourceArn` = the distribution.
    pub static CLOUDFRONT_S3_ORIGIN_ACCESS = {
        id: "CW-AWS-CLOUDFRONT-005",
        title: "CloudFront S3 origin without origin access control",
        severity: High,
        category: "network",
        resource_types: ["aws_cloudfront_distribution"],
        checkov: ["CKV2_AWS_46"],
        trivy: [],
        kics: [],
        remediation: "Set origin_access_control_id on S3 origins.",
        check: check_s3_origin_access,
    }
}

fn check_origin_protocol(ctx: &Context<'_>, report: &mut Report) {
    for d in ctx.resources(DISTRIBUTIONS) {
        report.checked(d);
        let Some(origins) = origins(report, d) else {
            continue;
        };
        let mut undecided = None;
        let mut failed = false;
        for (i, origin) in origins.iter().enumerate() {
            let config = origin.get("custom_origin_config");
            if let Some(c) = config.as_ref().filter(|c| c.is_unknown()) {
                undecided.get_or_insert(format!(
                    "origin[{i}].custom_origin_config is {}",
                    c.why_unknown()
                ));
                continue;
            }
            let Some(custom) = config.and_then(|c| c.as_list().and_then(|l| l.first().cloned()))
            else {
                continue;
            };
            match custom.get("origin_protocol_policy") {
                Some(p) if p.is_unknown() => {
                    undecided.get_or_insert(format!(
                        "origin[{i}].custom_origin_config.origin_protocol_policy is {}",
                        p.why_unknown()
                    ));
                }
                Some(p) if p.as_str() == Some("http-only") => {
                    report.fail(
                        d,
                        &format!("origin[{i}].custom_origin_config[0].origin_protocol_policy"),
                        "CloudFront fetches from the origin over plain HTTP",
                    );
                    failed = true;
                    break;
                }
                _ => {}
            }
        }
        if !failed {
            if let Some(why) = undecided {
                report.unknown(d, why);
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Custom origins are fetched over TLS: `origin_protocol_policy` in
    /// `custom_origin_config` is not `"http-only"`.
    ///
    /// ## Why it matters
    /// HTTPS between viewer and edge is not enough: with `http-only`, every
    /// request and response — cookies, tokens, personal data — crosses the
    /// internet between CloudFront and the origin in plaintext.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_cloudfront_distribution" "app" {
    ///   origin {
    ///     origin_id   = "alb"
    ///     domain_name = aws_lb.app.dns_name
    ///     custom_origin_config {
    ///       http_port              = 80
    ///       https_port             = 443
    ///       origin_protocol_policy = "http-only"
    ///       origin_ssl_protocols   = ["TLSv1.2"]
    ///     }
    ///   }
    ///   # …
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudfront_distribution" "app" {
    ///   origin {
    ///     origin_id   = "alb"
    ///     domain_name = "origin.example.com"
    ///     custom_origin_config {
    ///       http_port              = 80
    ///       https_port             = 443
    ///       origin_protocol_policy = "https-only"
    ///       origin_ssl_protocols   = ["TLSv1.2"]
    ///     }
    ///   }
    ///   # …
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Give the origin a certificate for a name CloudFront connects to and
    /// set `origin_protocol_policy = "https-only"`.
    pub static CLOUDFRONT_ORIGIN_HTTP = {
        id: "CW-AWS-CLOUDFRONT-006",
        title: "CloudFront fetches from its origin over plain HTTP",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_cloudfront_distribution"],
        checkov: ["CKV2_AWS_72"],
        trivy: [],
        kics: [],
        remediation: "Set origin_protocol_policy = \"https-only\".",
        check: check_origin_protocol,
    }
}

pub(super) fn all() -> Vec<&'static Rule> {
    vec![
        &CLOUDFRONT_LOGGING,
        &CLOUDFRONT_WAF,
        &CLOUDFRONT_S3_ORIGIN_ACCESS,
        &CLOUDFRONT_ORIGIN_HTTP,
        &CLOUDFRONT_GEO_RESTRICTION,
        &CLOUDFRONT_HSTS,
    ]
}

crate::rule! {
    /// ## What it checks
    /// Distributions declare a geo restriction:
    /// `restrictions.geo_restriction.restriction_type` is `whitelist` or
    /// `blacklist` rather than `none`. Informational: many services are
    /// global by design.
    ///
    /// ## Why it matters
    /// Serving only the countries you operate in shrinks the audience for
    /// scraping and attacks, and may be required by sanctions or licensing.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_cloudfront_distribution" "site" {
    ///   restrictions {
    ///     geo_restriction {
    ///       restriction_type = "none"
    ///     }
    ///   }
    ///   # …
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudfront_distribution" "site" {
    ///   restrictions {
    ///     geo_restriction {
    ///       restriction_type = "whitelist"
    ///       locations        = ["DE", "FR", "NL"]
    ///     }
    ///   }
    ///   # …
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Allow-list the countries you serve, or suppress this with the reason.
    pub static CLOUDFRONT_GEO_RESTRICTION = {
        id: "CW-AWS-CLOUDFRONT-007",
        title: "CloudFront distribution serves every country",
        severity: Info,
        category: "network",
        resource_types: ["aws_cloudfront_distribution"],
        checkov: ["CKV_AWS_374"],
        trivy: [],
        kics: [],
        remediation: "Set geo_restriction.restriction_type to whitelist (or blacklist).",
        check: |ctx, report| crate::setting::require(ctx, report, DISTRIBUTIONS, &crate::setting::Setting {
            path: "restrictions.0.geo_restriction.0.restriction_type",
            want: crate::setting::Want::OneOf(&["whitelist", "blacklist"]),
            absent: crate::setting::Absent::Fails("no geo restriction is declared"),
            message: "the distribution serves every country (restriction_type = none)",
        }),
    }
}

fn check_hsts(ctx: &Context<'_>, report: &mut Report) {
    for policy in ctx.resources(&["aws_cloudfront_response_headers_policy"]) {
        report.checked(policy);
        let base = "security_headers_config.0.strict_transport_security.0";
        match get(policy, base) {
            Tri::Absent => {
                report.fail(
                    policy,
                    "",
                    "the policy sets no Strict-Transport-Security header",
                );
                continue;
            }
            Tri::Unknown(why) => {
                report.unknown(policy, why);
                continue;
            }
            Tri::Known(_) => {}
        }
        match crate::check::get_number(policy, &format!("{base}.access_control_max_age_sec")) {
            Tri::Known(age) if age < 31_536_000.0 => {
                report.fail(policy, "security_headers_config[0].strict_transport_security[0].access_control_max_age_sec", format!("HSTS max-age is {age} seconds, less than one year"));
            }
            Tri::Unknown(why) => report.unknown(policy, why),
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// CloudFront response headers policies send HSTS for at least a year:
    /// `security_headers_config.strict_transport_security` with
    /// `access_control_max_age_sec` ≥ 31536000.
    ///
    /// ## Why it matters
    /// Without HSTS, a browser's first request to the site can be
    /// downgraded to HTTP and intercepted (SSL stripping); a short max-age
    /// leaves the window open again soon.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_cloudfront_response_headers_policy" "site" {
    ///   name = "site"
    ///   security_headers_config {
    ///     content_type_options {
    ///       override = true
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudfront_response_headers_policy" "site" {
    ///   name = "site"
    ///   security_headers_config {
    ///     strict_transport_security {
    ///       access_control_max_age_sec = 63072000
    ///       include_subdomains         = true
    ///       preload                    = true
    ///       override                   = true
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `strict_transport_security` with a max-age of one to two years.
    pub static CLOUDFRONT_HSTS = {
        id: "CW-AWS-CLOUDFRONT-008",
        title: "CloudFront response headers policy without a year of HSTS",
        severity: Low,
        category: "encryption",
        resource_types: ["aws_cloudfront_response_headers_policy"],
        checkov: ["CKV_AWS_259"],
        trivy: [],
        kics: [],
        remediation: "Add strict_transport_security with access_control_max_age_sec >= 31536000.",
        check: check_hsts,
    }
}
