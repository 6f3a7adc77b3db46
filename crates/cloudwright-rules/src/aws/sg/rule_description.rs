use crate::check::{Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// Every security-group rule has a `description`.
    ///
    /// ## Why it matters
    /// A rule without a description is a rule nobody dares to remove. The
    /// description is shown in the console and API, and is what the next
    /// engineer (or auditor) reads to know why a port is open.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_security_group_rule" "x" {
    ///   type      = "ingress"
    ///   from_port = 8443
    ///   to_port   = 8443
    ///   protocol  = "tcp"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_security_group_rule" "x" {
    ///   type        = "ingress"
    ///   description = "admin API from the VPN"
    ///   from_port   = 8443
    ///   to_port     = 8443
    ///   protocol    = "tcp"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add a `description` saying who needs the rule and why.
    pub static SG_RULE_DESCRIPTION = {
        id: "CW-AWS-SG-006",
        title: "Security group rule without a description",
        severity: Low,
        category: "network",
        resource_types: ["aws_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"],
        checkov: ["CKV_AWS_23"],
        trivy: ["AVD-AWS-0124", "aws-ec2-add-description-to-security-group-rule"],
        kics: [],
        remediation: "Add a description to the rule.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for rule in ctx.security_group_rules() {
        report.checked(rule.resource);
        match &rule.description {
            Tri::Known(d) if !d.trim().is_empty() => {}
            Tri::Unknown(why) => report.unknown(rule.resource, why.clone()),
            _ => {
                // unknown dynamic blocks carry no path index; skip them
                if rule.path == "ingress" || rule.path == "egress" {
                    continue;
                }
                let what = if rule.ingress { "ingress" } else { "egress" };
                report.fail(
                    rule.resource,
                    &rule.attribute(""),
                    format!("{what} rule has no description"),
                );
            }
        }
    }
}
