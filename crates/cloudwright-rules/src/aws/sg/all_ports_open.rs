use crate::check::{Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// No security-group ingress rule allows every protocol (`-1`) or every
    /// TCP/UDP port (0–65535) from `0.0.0.0/0` or `::/0`.
    ///
    /// ## Why it matters
    /// Everything the instance listens on — admin interfaces, debug ports,
    /// agents — becomes reachable from the internet, including services
    /// nobody remembers are running.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_security_group" "app" {
    ///   ingress {
    ///     from_port   = 0
    ///     to_port     = 0
    ///     protocol    = "-1"
    ///     cidr_blocks = ["0.0.0.0/0"]
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_security_group" "app" {
    ///   ingress {
    ///     from_port       = 8080
    ///     to_port         = 8080
    ///     protocol        = "tcp"
    ///     security_groups = [aws_security_group.alb.id]
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Open only the ports the service needs, from the sources that need them.
    pub static SG_ALL_PORTS_OPEN = {
        id: "CW-AWS-SG-003",
        title: "All ports open to the internet",
        severity: Critical,
        category: "network",
        resource_types: ["aws_security_group", "aws_default_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"],
        checkov: ["CKV_AWS_277"],
        trivy: ["AVD-AWS-0107", "aws-ec2-no-public-ingress-sgr"],
        kics: ["4728cd65-a20c-49da-8b31-9c08b423e4db"],
        remediation: "Replace the all-protocol rule with rules for the specific ports needed.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for rule in ctx.security_group_rules().iter().filter(|r| r.ingress) {
        report.checked(rule.resource);
        let world = match rule.world_open() {
            Tri::Known(Some(c)) => c,
            Tri::Unknown(why) => {
                report.unknown(rule.resource, why);
                continue;
            }
            _ => continue,
        };
        match rule.all_ports() {
            Tri::Known(true) => {
                let attribute = match rule.resource.resource_type.as_str() {
                    "aws_vpc_security_group_ingress_rule" => "ip_protocol".to_string(),
                    _ => rule.attribute("protocol"),
                };
                report.fail(
                    rule.resource,
                    &attribute,
                    format!("ingress from {world} (the whole internet) on every port"),
                );
            }
            Tri::Unknown(why) => report.unknown(rule.resource, why),
            _ => {}
        }
    }
}
