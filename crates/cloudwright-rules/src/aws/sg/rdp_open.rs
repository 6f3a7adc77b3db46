use crate::check::Context;
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// No security-group ingress rule allows RDP (TCP 3389) from `0.0.0.0/0`
    /// or `::/0`, in any of the three forms Terraform declares rules.
    ///
    /// ## Why it matters
    /// Internet-facing RDP is among the most common ransomware entry points:
    /// credential stuffing and RDP vulnerabilities (BlueKeep) are exploited
    /// at scale.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_security_group" "win" {
    ///   ingress {
    ///     from_port   = 3389
    ///     to_port     = 3389
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["0.0.0.0/0"]
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_security_group" "win" {
    ///   ingress {
    ///     from_port   = 3389
    ///     to_port     = 3389
    ///     protocol    = "tcp"
    ///     cidr_blocks = ["10.0.0.0/8"]
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Reach Windows hosts through Fleet Manager / SSM or a bastion; restrict
    /// the source range.
    pub static SG_RDP_OPEN = {
        id: "CW-AWS-SG-002",
        title: "RDP open to the internet",
        severity: High,
        category: "network",
        resource_types: ["aws_security_group", "aws_default_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"],
        checkov: ["CKV_AWS_25"],
        trivy: ["AVD-AWS-0107", "aws-ec2-no-public-ingress-sgr"],
        kics: ["151187cb-0efc-481c-babd-ad24e3c9bc22"],
        remediation: "Restrict the source CIDR of port 3389, or reach the hosts through SSM.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    super::world_open_ports(ctx, report, &[(3389, "RDP")]);
}
