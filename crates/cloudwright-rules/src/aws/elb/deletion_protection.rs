use crate::check::{get_bool, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// Load balancers (application, network and gateway) have
    /// `enable_deletion_protection = true` (default `false`).
    ///
    /// ## Why it matters
    /// A load balancer is the front door of a service; deleting it — by a
    /// mistaken `terraform destroy`, a renamed resource or a console click —
    /// takes the service offline and gives its DNS name away. Recreating it
    /// yields a new DNS name that every alias record must follow.
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
    ///   enable_deletion_protection = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `enable_deletion_protection = true`; turn it off in the same
    /// change that really removes the load balancer.
    pub static ELB_DELETION_PROTECTION = {
        id: "CW-AWS-ELB-004",
        title: "Load balancer without deletion protection",
        severity: Low,
        category: "resilience",
        resource_types: ["aws_lb", "aws_alb"],
        checkov: ["CKV_AWS_150"],
        trivy: [],
        kics: ["afecd1f1-6378-4f7e-bb3b-60c35801fdd4"],
        remediation: "Set enable_deletion_protection = true.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for lb in ctx.resources(&["aws_lb", "aws_alb"]) {
        report.checked(lb);
        match get_bool(lb, "enable_deletion_protection") {
            Tri::Known(true) => {}
            Tri::Known(false) => {
                report.fail(
                    lb,
                    "enable_deletion_protection",
                    "the load balancer can be deleted without first turning protection off",
                );
            }
            Tri::Absent => {
                report.fail(
                    lb,
                    "",
                    "enable_deletion_protection is not set (the default is false)",
                );
            }
            Tri::Unknown(why) => report.unknown(lb, why),
        }
    }
}
