use crate::check::{get_bool, get_str, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// Application load balancers drop HTTP headers that are not valid:
    /// `drop_invalid_header_fields = true` (default `false`). Network and
    /// gateway load balancers are not checked.
    ///
    /// ## Why it matters
    /// Invalid header names are the raw material of HTTP request smuggling
    /// and desync attacks between the load balancer and the application.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lb" "web" {
    ///   load_balancer_type = "application"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_lb" "web" {
    ///   load_balancer_type         = "application"
    ///   drop_invalid_header_fields = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `drop_invalid_header_fields = true`.
    pub static ELB_DROP_INVALID_HEADERS = {
        id: "CW-AWS-ELB-003",
        title: "Application load balancer keeps invalid headers",
        severity: Medium,
        category: "network",
        resource_types: ["aws_lb", "aws_alb"],
        checkov: ["CKV_AWS_131"],
        trivy: ["AVD-AWS-0052", "aws-elb-drop-invalid-headers"],
        kics: ["6e3fd2ed-5c83-4c68-9679-7700d224d379"],
        remediation: "Set drop_invalid_header_fields = true.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for lb in ctx.resources(&["aws_lb", "aws_alb"]) {
        match get_str(lb, "load_balancer_type") {
            Tri::Known(t) if t != "application" => continue,
            Tri::Unknown(why) => {
                report.unknown(lb, why);
                continue;
            }
            _ => {}
        }
        report.checked(lb);
        match get_bool(lb, "drop_invalid_header_fields") {
            Tri::Known(true) => {}
            Tri::Known(false) => {
                report.fail(
                    lb,
                    "drop_invalid_header_fields",
                    "invalid HTTP headers are forwarded to the targets",
                );
            }
            Tri::Absent => {
                report.fail(
                    lb,
                    "",
                    "drop_invalid_header_fields is not set (the default is false)",
                );
            }
            Tri::Unknown(why) => report.unknown(lb, why),
        }
    }
}
