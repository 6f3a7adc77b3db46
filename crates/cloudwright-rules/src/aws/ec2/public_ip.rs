use crate::check::{get_bool, Context, Tri};
use crate::Report;

crate::rule! {
    /// ## What it checks
    /// Instances and launch templates do not request a public IPv4 address
    /// (`associate_public_ip_address = true`, on the instance or in a launch
    /// template's `network_interfaces`).
    ///
    /// ## Why it matters
    /// A public address makes the instance reachable from the internet as
    /// soon as a security group allows it, bypassing the load balancer tier.
    /// Application instances belong in private subnets behind a load
    /// balancer; public IPv4 addresses are also billed hourly.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_instance" "app" {
    ///   associate_public_ip_address = true
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_instance" "app" {
    ///   subnet_id                   = aws_subnet.private.id
    ///   associate_public_ip_address = false
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Place the instance in a private subnet behind a load balancer and
    /// drop the public address.
    pub static EC2_PUBLIC_IP = {
        id: "CW-AWS-EC2-003",
        title: "Instance with a public IP address",
        severity: Medium,
        category: "network",
        resource_types: ["aws_instance", "aws_launch_template"],
        checkov: ["CKV_AWS_88"],
        trivy: [],
        kics: ["5a2486aa-facf-477d-a5c1-b010789459ce"],
        remediation: "Remove associate_public_ip_address and place the instance in a private subnet.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for r in ctx.resources(&["aws_instance", "aws_launch_template"]) {
        report.checked(r);
        let (path, attr) = if r.resource_type == "aws_instance" {
            ("associate_public_ip_address", "associate_public_ip_address")
        } else {
            (
                "network_interfaces.0.associate_public_ip_address",
                "network_interfaces[0].associate_public_ip_address",
            )
        };
        match get_bool(r, path) {
            Tri::Known(true) => {
                report.fail(r, attr, "the instance gets a public IPv4 address");
            }
            Tri::Unknown(why) => report.unknown(r, why),
            _ => {}
        }
    }
}
