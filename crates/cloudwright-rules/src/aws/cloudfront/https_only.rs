use crate::check::{count, dotted, get_str, Context, Tri};
use crate::Report;
use cloudwright_model::Resource;

crate::rule! {
    /// ## What it checks
    /// Every cache behaviour of a CloudFront distribution — the
    /// `default_cache_behavior` and each `ordered_cache_behavior` — sends
    /// viewers to HTTPS: `viewer_protocol_policy` is `redirect-to-https` or
    /// `https-only`, not `allow-all`.
    ///
    /// ## Why it matters
    /// With `allow-all`, pages, cookies and tokens travel in clear text
    /// between the viewer and the edge, where anyone on the path can read
    /// or change them. An `ordered_cache_behavior` that allows HTTP exposes
    /// its path pattern even when the default behaviour is safe.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_cloudfront_distribution" "site" {
    ///   default_cache_behavior {
    ///     viewer_protocol_policy = "allow-all"
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_cloudfront_distribution" "site" {
    ///   default_cache_behavior {
    ///     viewer_protocol_policy = "redirect-to-https"
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `viewer_protocol_policy = "redirect-to-https"` (or `"https-only"`
    /// for APIs) in every cache behaviour.
    pub static CLOUDFRONT_HTTPS_ONLY = {
        id: "CW-AWS-CLOUDFRONT-001",
        title: "CloudFront distribution serves plain HTTP",
        severity: High,
        category: "encryption",
        resource_types: ["aws_cloudfront_distribution"],
        checkov: ["CKV_AWS_34"],
        trivy: ["AVD-AWS-0012", "aws-cloudfront-enforce-https"],
        kics: ["55af1353-2f62-4fa0-a8e1-a210ca2708f5"],
        remediation: "Set viewer_protocol_policy = \"redirect-to-https\" in every cache behaviour.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for d in ctx.resources(&["aws_cloudfront_distribution"]) {
        report.checked(d);
        let ordered = match count(d, "ordered_cache_behavior") {
            Tri::Known(n) => n,
            Tri::Unknown(why) => {
                report.unknown(d, why);
                continue;
            }
            Tri::Absent => 0,
        };
        let behaviours = std::iter::once("default_cache_behavior[0]".to_string())
            .chain((0..ordered).map(|i| format!("ordered_cache_behavior[{i}]")));
        for behaviour in behaviours {
            check_behaviour(report, d, &behaviour);
        }
    }
}

/// `behaviour`: the block's attribute path, `ordered_cache_behavior[1]`.
fn check_behaviour(report: &mut Report, d: &Resource, behaviour: &str) {
    let attribute = format!("{behaviour}.viewer_protocol_policy");
    match get_str(d, &dotted(&attribute)) {
        Tri::Known(p) if p == "allow-all" => {
            let pattern = match get_str(d, &dotted(&format!("{behaviour}.path_pattern"))) {
                Tri::Known(p) => format!(" for {p}"),
                _ => String::new(),
            };
            report.fail(
                d,
                &attribute,
                format!(
                    "viewers may use plain HTTP{pattern} (viewer_protocol_policy = \"allow-all\")"
                ),
            );
        }
        Tri::Unknown(why) => report.unknown(d, why),
        // Known HTTPS policies pass; the attribute is required, so an absent
        // one is a configuration Terraform itself rejects.
        Tri::Known(_) | Tri::Absent => {}
    }
}
