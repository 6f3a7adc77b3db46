use crate::check::{get_str, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// HTTPS and TLS listeners use a security policy that allows only TLS 1.2
    /// and later. Policies that still accept TLS 1.0 or 1.1 — including the
    /// provider's default `ELBSecurityPolicy-2016-08` — fail.
    ///
    /// ## Why it matters
    /// TLS 1.0 and 1.1 are deprecated (RFC 8996) and fail PCI DSS. Modern
    /// clients all speak TLS 1.2; the TLS 1.3 policies are faster too.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lb_listener" "https" {
    ///   protocol   = "HTTPS"
    ///   ssl_policy = "ELBSecurityPolicy-2016-08"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_lb_listener" "https" {
    ///   protocol   = "HTTPS"
    ///   ssl_policy = "ELBSecurityPolicy-TLS13-1-2-2021-06"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Use `ELBSecurityPolicy-TLS13-1-2-2021-06` (or a `-FIPS` / `-Res`
    /// variant where required).
    pub static ELB_TLS_POLICY = {
        id: "CW-AWS-ELB-002",
        title: "Load balancer listener allows TLS older than 1.2",
        severity: High,
        category: "encryption",
        resource_types: ["aws_lb_listener", "aws_alb_listener"],
        checkov: ["CKV_AWS_103"],
        trivy: ["AVD-AWS-0047", "aws-elb-use-secure-tls-policy"],
        kics: [],
        remediation: "Set ssl_policy = \"ELBSecurityPolicy-TLS13-1-2-2021-06\".",
        check: check,
    }
}

/// Predefined policies that accept TLS 1.0 or 1.1
/// (<https://docs.aws.amazon.com/elasticloadbalancing/latest/application/describe-ssl-policies.html>).
const WEAK: &[&str] = &[
    "ELBSecurityPolicy-2016-08",
    "ELBSecurityPolicy-2015-05",
    "ELBSecurityPolicy-TLS-1-0-2015-04",
    "ELBSecurityPolicy-TLS-1-1-2017-01",
    "ELBSecurityPolicy-FS-2018-06",
    "ELBSecurityPolicy-FS-1-1-2019-08",
    "ELBSecurityPolicy-TLS13-1-0-2021-06",
    "ELBSecurityPolicy-TLS13-1-1-2021-06",
    "ELBSecurityPolicy-TLS13-1-0-PQ-2025-09",
    "ELBSecurityPolicy-TLS13-1-1-PQ-2025-09",
];

fn check(ctx: &Context<'_>, report: &mut Report) {
    for l in ctx.resources(&["aws_lb_listener", "aws_alb_listener"]) {
        match get_str(l, "protocol") {
            Tri::Known(p) if p.eq_ignore_ascii_case("HTTPS") || p.eq_ignore_ascii_case("TLS") => {}
            // it may be HTTPS: a strong policy passes either way
            Tri::Unknown(why) => {
                report.checked(l);
                match get_str(l, "ssl_policy") {
                    Tri::Known(policy) if !WEAK.contains(&policy.as_str()) => {}
                    _ => report.unknown(l, format!("protocol is {why}")),
                }
                continue;
            }
            _ => continue,
        }
        report.checked(l);
        match get_str(l, "ssl_policy") {
            Tri::Known(policy) if WEAK.contains(&policy.as_str()) => {
                report.fail(
                    l,
                    "ssl_policy",
                    format!("policy `{policy}` accepts TLS 1.0/1.1"),
                );
            }
            Tri::Absent => {
                report.fail(l, "", "ssl_policy is not set: the default ELBSecurityPolicy-2016-08 accepts TLS 1.0/1.1");
            }
            Tri::Unknown(why) => report.unknown(l, why),
            _ => {}
        }
    }
}
