use crate::check::Context;
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// No security-group ingress rule allows SSH (TCP 22) from `0.0.0.0/0` or
    /// `::/0` — inline `ingress` blocks, `aws_security_group_rule` and
    /// `aws_vpc_security_group_ingress_rule` alike, and port ranges that
    /// include 22.
    ///
    /// ## Why it matters
    /// SSH open to the internet is scanned within minutes of creation and
    /// brute-forced constantly; one weak key or unpatched daemon is a
    /// foothold. (Whether the instance is really reachable — public IP,
    /// route to an internet gateway, NACLs — is what `cloudwright exposure`
    /// answers; this rule flags the rule itself.)
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_vpc_security_group_ingress_rule" "ssh" {
    ///   security_group_id = aws_security_group.app.id
    ///   ip_protocol       = "tcp"
    ///   from_port         = 22
    ///   to_port           = 22
    ///   cidr_ipv4         = "0.0.0.0/0"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_vpc_security_group_ingress_rule" "ssh" {
    ///   security_group_id = aws_security_group.app.id
    ///   ip_protocol       = "tcp"
    ///   from_port         = 22
    ///   to_port           = 22
    ///   cidr_ipv4         = "203.0.113.0/24"   # the office VPN
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Use SSM Session Manager instead of SSH, or restrict the source to the
    /// ranges that need it.
    pub static SG_SSH_OPEN = {
        id: "CW-AWS-SG-001",
        title: "SSH open to the internet",
        severity: High,
        category: "network",
        resource_types: ["aws_security_group", "aws_default_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule"],
        checkov: ["CKV_AWS_24"],
        trivy: ["AVD-AWS-0107", "aws-ec2-no-public-ingress-sgr"],
        kics: [],
        remediation: "Restrict the source CIDR of port 22, or replace SSH with SSM Session Manager.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    super::world_open_ports(ctx, report, &[(22, "SSH")]);
}
