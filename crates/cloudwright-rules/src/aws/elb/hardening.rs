//! Load balancers: WAF on internet-facing ALBs, desync mitigation,
//! cross-zone load balancing.

use crate::check::{get_bool, get_str, Context, Tri};
use crate::setting::{require_where, Absent, Setting, Want};
use crate::Report;
use cloudwright_model::Resource;

const LBS: &[&str] = &["aws_lb", "aws_alb"];

/// The load balancer's type (`application` when unset).
fn lb_type(r: &Resource) -> Tri<String> {
    match get_str(r, "load_balancer_type") {
        Tri::Absent => Tri::Known("application".into()),
        other => other,
    }
}

fn check_waf(ctx: &Context<'_>, report: &mut Report) {
    for lb in ctx.resources(LBS) {
        match (lb_type(lb), get_bool(lb, "internal")) {
            (Tri::Known(t), Tri::Known(false) | Tri::Absent) if t == "application" => {}
            (Tri::Known(_), Tri::Known(_) | Tri::Absent) => continue,
            (Tri::Unknown(why), _) | (_, Tri::Unknown(why)) => {
                report.checked(lb);
                report.unknown(lb, why);
                continue;
            }
            _ => continue,
        }
        report.checked(lb);
        match ctx.waf_associated(lb) {
            Tri::Known(true) => {}
            Tri::Unknown(why) => report.unknown(lb, why),
            _ => {
                report.fail(
                    lb,
                    "",
                    "the internet-facing load balancer has no WAF web ACL",
                );
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Internet-facing application load balancers (`internal` not `true`,
    /// `load_balancer_type` `application` or unset) are protected by AWS
    /// WAF: an `aws_wafv2_web_acl_association` (or WAF Classic regional
    /// association) whose `resource_arn` is the load balancer.
    ///
    /// ## Why it matters
    /// The ALB is the application's front door; without WAF, injection
    /// payloads, known exploits (Log4Shell-style), bad bots and HTTP floods
    /// go straight to the targets.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lb" "web" {
    ///   name    = "web"
    ///   subnets = var.public_subnet_ids
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_lb" "web" {
    ///   name    = "web"
    ///   subnets = var.public_subnet_ids
    /// }
    /// resource "aws_wafv2_web_acl_association" "web" {
    ///   resource_arn = aws_lb.web.arn
    ///   web_acl_arn  = aws_wafv2_web_acl.web.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Associate a regional WAFv2 web ACL with the AWS managed common,
    /// known-bad-inputs and IP reputation rule groups.
    pub static ELB_WAF = {
        id: "CW-AWS-ELB-006",
        title: "Internet-facing ALB without WAF",
        severity: Medium,
        category: "network",
        resource_types: ["aws_lb", "aws_alb", "aws_wafv2_web_acl_association"],
        checkov: ["CKV2_AWS_28"],
        trivy: [],
        kics: ["0afa6ab8-a047-48cf-be07-93a2f8c34cf7"],
        remediation: "Associate a WAFv2 web ACL with the load balancer.",
        check: check_waf,
    }
}

crate::rule! {
    /// ## What it checks
    /// Application load balancers mitigate HTTP desync:
    /// `desync_mitigation_mode` is `defensive` (the default) or `strictest`,
    /// not `monitor`.
    ///
    /// ## Why it matters
    /// In `monitor` mode the ALB forwards ambiguous requests that can be
    /// used for request smuggling — poisoning caches or hijacking other
    /// users' requests on shared connections to the targets.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lb" "web" {
    ///   name                   = "web"
    ///   desync_mitigation_mode = "monitor"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_lb" "web" {
    ///   name                   = "web"
    ///   desync_mitigation_mode = "defensive"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Remove `desync_mitigation_mode = "monitor"` (or use `strictest`).
    pub static ELB_DESYNC = {
        id: "CW-AWS-ELB-007",
        title: "Load balancer does not mitigate HTTP desync",
        severity: Low,
        category: "network",
        resource_types: ["aws_lb", "aws_alb", "aws_elb"],
        checkov: ["CKV_AWS_328"],
        trivy: [],
        kics: [],
        remediation: "Set desync_mitigation_mode = \"defensive\" or \"strictest\".",
        check: |ctx, report| require_where(
            ctx,
            report,
            &["aws_lb", "aws_alb", "aws_elb"],
            |r| {
                if r.resource_type == "aws_elb" {
                    Tri::Known(true)
                } else {
                    lb_type(r).map(|t| t == "application")
                }
            },
            &Setting {
                path: "desync_mitigation_mode",
                want: Want::NoneOf(&["monitor"]),
                absent: Absent::Passes,
                message: "desync mitigation only monitors: ambiguous requests are forwarded",
            },
        ),
    }
}

fn check_cross_zone(ctx: &Context<'_>, report: &mut Report) {
    for lb in ctx.resources(&["aws_lb", "aws_alb", "aws_elb"]) {
        let (attr, default_on) = if lb.resource_type == "aws_elb" {
            ("cross_zone_load_balancing", true)
        } else {
            match lb_type(lb) {
                // always on for application load balancers
                Tri::Known(t) if t == "application" => continue,
                Tri::Known(_) => ("enable_cross_zone_load_balancing", false),
                Tri::Unknown(why) => {
                    report.checked(lb);
                    report.unknown(lb, why);
                    continue;
                }
                Tri::Absent => continue,
            }
        };
        report.checked(lb);
        match get_bool(lb, attr) {
            Tri::Known(true) => {}
            Tri::Known(false) => {
                report.fail(
                    lb,
                    attr,
                    "each zone's nodes only reach targets in their own zone",
                );
            }
            Tri::Absent if !default_on => {
                report.fail(lb, "", format!("{attr} is not set (the default is false for network and gateway load balancers)"));
            }
            Tri::Absent => {}
            Tri::Unknown(why) => report.unknown(lb, why),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Network and gateway load balancers balance across zones:
    /// `enable_cross_zone_load_balancing = true` on `aws_lb` (default
    /// `false` for these types; always on for ALBs). Classic load balancers
    /// fail when `cross_zone_load_balancing = false` (default `true`).
    ///
    /// ## Why it matters
    /// Without cross-zone balancing, each zone's load balancer node sends
    /// traffic only to targets in its zone: uneven target counts overload
    /// some targets, and a zone whose targets fail still receives its share
    /// of DNS-routed clients until health checks remove the node.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_lb" "tcp" {
    ///   name               = "tcp"
    ///   load_balancer_type = "network"
    ///   subnets            = var.public_subnet_ids
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_lb" "tcp" {
    ///   name                             = "tcp"
    ///   load_balancer_type               = "network"
    ///   subnets                          = var.public_subnet_ids
    ///   enable_cross_zone_load_balancing = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `enable_cross_zone_load_balancing = true` (NLB inter-AZ data
    /// transfer is charged).
    pub static ELB_CROSS_ZONE = {
        id: "CW-AWS-ELB-008",
        title: "Load balancer without cross-zone load balancing",
        severity: Low,
        category: "resilience",
        resource_types: ["aws_lb", "aws_alb", "aws_elb"],
        checkov: ["CKV_AWS_152", "CKV_AWS_138"],
        trivy: [],
        kics: [],
        remediation: "Enable cross-zone load balancing.",
        check: check_cross_zone,
    }
}
