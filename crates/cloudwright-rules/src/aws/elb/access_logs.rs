use crate::check::{count, get_bool, get_str, Context, Tri};
use crate::Report;
use cloudwright_model::Resource;

crate::rule! {
    /// ## What it checks
    /// Load balancers write access logs: an `access_logs` block with
    /// logging enabled. The default differs by resource: in `aws_lb` /
    /// `aws_alb` the block's `enabled` defaults to `false` even when a
    /// bucket is given; in a classic `aws_elb` it defaults to `true`.
    /// Gateway load balancers have no access logs and are not checked.
    ///
    /// ## Why it matters
    /// Access logs are the record of who called the service, from where,
    /// with what result: the evidence an incident investigation starts
    /// from, and one that cannot be produced after the fact.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lb" "web" {
    ///   access_logs {
    ///     bucket = aws_s3_bucket.lb_logs.id
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_lb" "web" {
    ///   access_logs {
    ///     bucket  = aws_s3_bucket.lb_logs.id
    ///     enabled = true
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `access_logs { bucket = …, enabled = true }` pointing at a bucket
    /// whose policy lets Elastic Load Balancing write to it.
    pub static ELB_ACCESS_LOGS = {
        id: "CW-AWS-ELB-005",
        title: "Load balancer without access logs",
        severity: Low,
        category: "logging",
        resource_types: ["aws_lb", "aws_alb", "aws_elb"],
        checkov: ["CKV_AWS_91", "CKV_AWS_92"],
        trivy: [],
        kics: ["3e34db4f-0ad9-4290-bfd0-4a9ee884acaf", "20018359-6fd7-4d05-ab26-d4dffccbdf79"],
        remediation: "Add access_logs { bucket = ..., enabled = true }.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for lb in ctx.resources(&["aws_lb", "aws_alb"]) {
        match get_str(lb, "load_balancer_type") {
            Tri::Known(t) if t == "gateway" => continue,
            Tri::Unknown(why) => {
                report.unknown(lb, why);
                continue;
            }
            _ => {}
        }
        check_logs(report, lb, false);
    }
    for lb in ctx.resources(&["aws_elb"]) {
        check_logs(report, lb, true);
    }
}

/// `enabled_by_default`: what `access_logs.enabled` means when unset.
fn check_logs(report: &mut Report, lb: &Resource, enabled_by_default: bool) {
    report.checked(lb);
    match count(lb, "access_logs") {
        Tri::Known(0) | Tri::Absent => {
            report.fail(lb, "", "no access_logs block: requests are not logged");
            return;
        }
        Tri::Unknown(why) => {
            report.unknown(lb, why);
            return;
        }
        Tri::Known(_) => {}
    }
    match get_bool(lb, "access_logs.0.enabled") {
        Tri::Known(true) => {}
        Tri::Absent if enabled_by_default => {}
        Tri::Known(false) => {
            report.fail(lb, "access_logs[0].enabled", "access logging is turned off");
        }
        Tri::Absent => {
            report.fail(
                lb,
                "access_logs[0]",
                "access_logs.enabled is not set: for aws_lb the default is false, even with a bucket",
            );
        }
        Tri::Unknown(why) => report.unknown(lb, why),
    }
}
