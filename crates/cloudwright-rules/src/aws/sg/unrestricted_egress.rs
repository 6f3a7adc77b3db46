use crate::check::{Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// Reports security groups whose egress allows every protocol to
    /// `0.0.0.0/0` or `::/0`. Informational: it is the AWS default and many
    /// workloads need broad egress, but it is worth a decision.
    ///
    /// ## Why it matters
    /// Unrestricted egress lets compromised workloads exfiltrate data and
    /// reach command-and-control servers on any port. Restricting egress to
    /// 443 (and to VPC endpoints) removes most of that room.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_security_group" "app" {
    ///   egress {
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
    ///   egress {
    ///     from_port   = 443
    ///     to_port     = 443
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["0.0.0.0/0"]
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Limit egress to the ports and destinations the workload uses; use VPC
    /// endpoints for AWS APIs.
    pub static SG_UNRESTRICTED_EGRESS = {
        id: "CW-AWS-SG-005",
        title: "Unrestricted egress to the internet",
        severity: Info,
        category: "network",
        resource_types: ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_egress_rule"],
        checkov: [],
        trivy: ["AVD-AWS-0104", "aws-ec2-no-public-egress-sgr"],
        kics: [],
        remediation: "Limit egress to the ports and destinations the workload needs.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for rule in ctx.security_group_rules().iter().filter(|r| !r.ingress) {
        report.checked(rule.resource);
        match (rule.world_open(), rule.all_ports()) {
            (Tri::Known(Some(world)), Tri::Known(true)) => {
                let attribute = match rule.resource.resource_type.as_str() {
                    "aws_vpc_security_group_egress_rule" => "ip_protocol".to_string(),
                    _ => rule.attribute(""),
                };
                report.fail(
                    rule.resource,
                    &attribute,
                    format!("egress to {world} on every port"),
                );
            }
            (Tri::Unknown(why), _) | (Tri::Known(Some(_)), Tri::Unknown(why)) => {
                report.unknown(rule.resource, why)
            }
            _ => {}
        }
    }
}
