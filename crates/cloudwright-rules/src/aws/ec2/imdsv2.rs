use crate::check::{get_str, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// Instances, launch templates and launch configurations require IMDSv2:
    /// `metadata_options { http_tokens = "required" }`, or the metadata
    /// endpoint is disabled (`http_endpoint = "disabled"`). An account-wide
    /// `aws_ec2_instance_metadata_defaults` with `http_tokens = "required"`
    /// satisfies it for resources that do not set it.
    ///
    /// ## Why it matters
    /// IMDSv1 answers any GET request, so a server-side request forgery in
    /// the application hands out the instance role's credentials (the Capital
    /// One breach). IMDSv2's session token defeats that.
    ///
    /// When `http_tokens` is not set, the instance gets the AMI's setting —
    /// `optional` for most AMIs (Amazon Linux 2023 is an exception).
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_launch_template" "app" {
    ///   metadata_options {
    ///     http_tokens = "optional"
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_launch_template" "app" {
    ///   metadata_options {
    ///     http_endpoint = "enabled"
    ///     http_tokens   = "required"
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `http_tokens = "required"` in `metadata_options`.
    pub static EC2_IMDSV2 = {
        id: "CW-AWS-EC2-001",
        title: "Instance metadata service allows IMDSv1",
        severity: High,
        category: "iam",
        resource_types: ["aws_instance", "aws_launch_template", "aws_launch_configuration"],
        checkov: ["CKV_AWS_79"],
        trivy: ["AVD-AWS-0028", "aws-ec2-enforce-http-token-imds", "AVD-AWS-0130", "aws-autoscaling-enforce-http-token-imds"],
        kics: ["c306ac53-ee5b-41d3-86a9-0fd2722b4e67"],
        remediation: "Set metadata_options { http_tokens = \"required\" }.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    let account_default = ctx
        .resources(&["aws_ec2_instance_metadata_defaults"])
        .map(|d| get_str(d, "http_tokens"))
        .next();
    for r in ctx.resources(&[
        "aws_instance",
        "aws_launch_template",
        "aws_launch_configuration",
    ]) {
        report.checked(r);
        // an endpoint the code does not determine may be disabled
        let endpoint_unknown = match get_str(r, "metadata_options.0.http_endpoint") {
            Tri::Known(endpoint) if endpoint == "disabled" => continue,
            Tri::Unknown(why) => Some(why),
            _ => None,
        };
        if let Some(why) = endpoint_unknown {
            if !matches!(get_str(r, "metadata_options.0.http_tokens"), Tri::Known(t) if t == "required")
            {
                report.unknown(r, format!("http_endpoint is {why}"));
            }
            continue;
        }
        match get_str(r, "metadata_options.0.http_tokens") {
            Tri::Known(t) if t == "required" => {}
            Tri::Known(t) => {
                report.fail(r, "metadata_options[0].http_tokens", format!("http_tokens is \"{t}\": IMDSv1 requests are answered without a session token"));
            }
            Tri::Absent => match &account_default {
                Some(Tri::Known(t)) if t == "required" => {}
                Some(Tri::Unknown(why)) => report.unknown(r, why.clone()),
                _ => {
                    let attr = if r.attribute_spans.get("metadata_options[0]").is_some() {
                        "metadata_options[0]"
                    } else {
                        ""
                    };
                    report.fail(
                        r,
                        attr,
                        "http_tokens is not set: most AMIs then allow IMDSv1",
                    );
                }
            },
            Tri::Unknown(why) => report.unknown(r, why),
        }
    }
}
