//! EC2 Auto Scaling groups and launch configurations.

use crate::check::{count, get, get_str, Context, Tri};
use crate::setting::{require, Absent, Setting, Want};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &ASG_MULTI_AZ,
        &ASG_ELB_HEALTH_CHECK,
        &LAUNCH_CONFIGURATION_PUBLIC_IP,
        &ASG_LAUNCH_CONFIGURATION,
    ]
}

const GROUPS: &[&str] = &["aws_autoscaling_group"];

/// How many subnets or zones a group spans (list lengths are known even
/// when the subnet ids are not).
fn spread(group: &cloudwright_model::Resource) -> Tri<usize> {
    for path in ["vpc_zone_identifier", "availability_zones"] {
        match count(group, path) {
            Tri::Known(0) => {}
            other => return other,
        }
    }
    Tri::Known(0)
}

fn check_multi_az(ctx: &Context<'_>, report: &mut Report) {
    for group in ctx.resources(GROUPS) {
        report.checked(group);
        match spread(group) {
            Tri::Known(1) => {
                let attr = if matches!(count(group, "vpc_zone_identifier"), Tri::Known(1)) {
                    "vpc_zone_identifier"
                } else {
                    "availability_zones"
                };
                report.fail(group, attr, "the group launches instances in a single subnet or zone: an AZ outage takes all of them");
            }
            Tri::Unknown(why) => report.unknown(group, why),
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Auto Scaling groups span at least two subnets or Availability Zones:
    /// `vpc_zone_identifier` (or `availability_zones`) lists more than one.
    /// The number of subnets is known even when their ids are known only
    /// after apply. (Two subnets in the same zone cannot be told apart
    /// here; the resilience engine follows the subnets to their zones.)
    ///
    /// ## Why it matters
    /// A group confined to one zone loses all its instances when that zone
    /// fails, and cannot rebalance or replace them elsewhere.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_autoscaling_group" "web" {
    ///   min_size            = 2
    ///   max_size            = 6
    ///   vpc_zone_identifier = [aws_subnet.private_a.id]
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_autoscaling_group" "web" {
    ///   min_size            = 2
    ///   max_size            = 6
    ///   vpc_zone_identifier = [aws_subnet.private_a.id, aws_subnet.private_b.id]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// List a subnet in each of at least two (better three) zones.
    pub static ASG_MULTI_AZ = {
        id: "CW-AWS-ASG-001",
        title: "Auto Scaling group in a single Availability Zone",
        severity: Medium,
        category: "resilience",
        resource_types: ["aws_autoscaling_group"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Give vpc_zone_identifier subnets in at least two Availability Zones.",
        check: check_multi_az,
    }
}

fn check_elb_health(ctx: &Context<'_>, report: &mut Report) {
    for group in ctx.resources(GROUPS) {
        let behind = match (
            count(group, "target_group_arns"),
            count(group, "load_balancers"),
        ) {
            (Tri::Known(a), Tri::Known(b)) => Tri::Known(a + b > 0),
            (Tri::Unknown(why), _) | (_, Tri::Unknown(why)) => Tri::Unknown(why),
            _ => Tri::Known(false),
        };
        match behind {
            Tri::Known(false) | Tri::Absent => continue,
            Tri::Unknown(why) => {
                report.checked(group);
                report.unknown(group, why);
                continue;
            }
            Tri::Known(true) => {}
        }
        report.checked(group);
        match get_str(group, "health_check_type") {
            Tri::Known(t) if t.eq_ignore_ascii_case("ELB") => {}
            Tri::Known(t) => {
                report.fail(group, "health_check_type", format!("the group is behind a load balancer but replaces instances on {t} status checks only"));
            }
            Tri::Absent => {
                report.fail(group, "", "the group is behind a load balancer but health_check_type defaults to EC2: instances failing the load balancer's health check are kept");
            }
            Tri::Unknown(why) => report.unknown(group, why),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Auto Scaling groups attached to a load balancer
    /// (`target_group_arns` or `load_balancers`) use its health checks:
    /// `health_check_type = "ELB"` (the default `EC2` only replaces
    /// instances whose hardware or OS fails).
    ///
    /// ## Why it matters
    /// With EC2 checks, an instance whose application has hung stays in
    /// service: the load balancer stops sending it traffic, capacity
    /// silently shrinks, and nothing replaces it.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_autoscaling_group" "web" {
    ///   min_size            = 2
    ///   max_size            = 6
    ///   vpc_zone_identifier = var.private_subnet_ids
    ///   target_group_arns   = [aws_lb_target_group.web.arn]
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_autoscaling_group" "web" {
    ///   min_size                  = 2
    ///   max_size                  = 6
    ///   vpc_zone_identifier       = var.private_subnet_ids
    ///   target_group_arns         = [aws_lb_target_group.web.arn]
    ///   health_check_type         = "ELB"
    ///   health_check_grace_period = 120
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `health_check_type = "ELB"` with a grace period that covers
    /// start-up.
    pub static ASG_ELB_HEALTH_CHECK = {
        id: "CW-AWS-ASG-002",
        title: "Auto Scaling group ignores load balancer health checks",
        severity: Medium,
        category: "resilience",
        resource_types: ["aws_autoscaling_group"],
        checkov: ["CKV2_AWS_15"],
        trivy: [],
        kics: [],
        remediation: "Set health_check_type = \"ELB\".",
        check: check_elb_health,
    }
}

crate::rule! {
    /// ## What it checks
    /// Launch configurations do not give instances public IPs:
    /// `associate_public_ip_address = true` on `aws_launch_configuration`.
    ///
    /// ## Why it matters
    /// Every instance the group launches becomes directly addressable from
    /// the internet, bypassing the load balancer that should be its only
    /// entry point.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_launch_configuration" "web" {
    ///   image_id                    = data.aws_ami.al2023.id
    ///   instance_type               = "t4g.small"
    ///   associate_public_ip_address = true
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_launch_configuration" "web" {
    ///   image_id      = data.aws_ami.al2023.id
    ///   instance_type = "t4g.small"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Remove `associate_public_ip_address`, launch into private subnets,
    /// and move to a launch template (CW-AWS-ASG-004).
    pub static LAUNCH_CONFIGURATION_PUBLIC_IP = {
        id: "CW-AWS-ASG-003",
        title: "Launch configuration assigns public IPs",
        severity: Medium,
        category: "network",
        resource_types: ["aws_launch_configuration"],
        checkov: ["CKV_AWS_389"],
        trivy: ["AVD-AWS-0009", "aws-autoscaling-no-public-ip"],
        kics: [],
        remediation: "Remove associate_public_ip_address = true.",
        check: |ctx, report| require(ctx, report, &["aws_launch_configuration"], &Setting {
            path: "associate_public_ip_address",
            want: Want::False,
            absent: Absent::Passes,
            message: "launched instances get public IP addresses",
        }),
    }
}

fn check_launch_configuration(ctx: &Context<'_>, report: &mut Report) {
    for group in ctx.resources(GROUPS) {
        report.checked(group);
        match get(group, "launch_configuration") {
            Tri::Known(v) if v.as_str().is_some_and(|s| !s.is_empty()) => {
                report.fail(
                    group,
                    "launch_configuration",
                    "the group uses a launch configuration instead of a launch template",
                );
            }
            // a launch configuration created alongside: its name is known
            // after apply, but it is set
            Tri::Unknown(why) => {
                if group
                    .references
                    .iter()
                    .any(|r| r.attribute == "launch_configuration")
                {
                    report.fail(
                        group,
                        "launch_configuration",
                        "the group uses a launch configuration instead of a launch template",
                    );
                } else {
                    report.unknown(group, why);
                }
            }
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Auto Scaling groups launch from a launch template, not a launch
    /// configuration (`launch_configuration` is set).
    ///
    /// ## Why it matters
    /// Launch configurations are deprecated: new accounts cannot create
    /// them, they do not support instance types released since 2023, IMDSv2
    /// defaults, mixed instances or Spot allocation strategies, and they
    /// cannot be versioned.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_autoscaling_group" "web" {
    ///   min_size             = 2
    ///   max_size             = 6
    ///   launch_configuration = aws_launch_configuration.web.name
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_autoscaling_group" "web" {
    ///   min_size = 2
    ///   max_size = 6
    ///   launch_template {
    ///     id      = aws_launch_template.web.id
    ///     version = "$Latest"
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Convert the launch configuration to an `aws_launch_template` and
    /// reference it in a `launch_template` block.
    pub static ASG_LAUNCH_CONFIGURATION = {
        id: "CW-AWS-ASG-004",
        title: "Auto Scaling group uses a deprecated launch configuration",
        severity: Low,
        category: "compute",
        resource_types: ["aws_autoscaling_group"],
        checkov: ["CKV_AWS_315"],
        trivy: [],
        kics: [],
        remediation: "Replace launch_configuration with a launch_template block.",
        check: check_launch_configuration,
    }
}
