use crate::check::Context;
use crate::Report;

/// Resources that only write rules into a group; a reference from them does
/// not attach the group to anything.
const RULE_TYPES: &[&str] = &[
    "aws_security_group",
    "aws_security_group_rule",
    "aws_vpc_security_group_ingress_rule",
    "aws_vpc_security_group_egress_rule",
];

fn check(ctx: &Context<'_>, report: &mut Report) {
    // what outputs pass on (a group may be attached by another
    // configuration): the unknown origins naming a security group, per root
    let mut origins: Vec<(&str, cloudwright_model::text::Shared)> = Vec::new();
    for m in &ctx.graph.modules {
        for o in &m.outputs {
            let mut found = Vec::new();
            o.value.unknown_origins(&mut found);
            origins.extend(
                found
                    .into_iter()
                    .filter(|x| x.contains("aws_security_group."))
                    .map(|x| (m.root_dir.as_str(), x)),
            );
        }
    }
    // every dotted prefix of those origins, borrowed: no key to build per group
    let mut exported: std::collections::HashSet<(&str, &str)> = Default::default();
    for (root, origin) in &origins {
        for (i, _) in origin.match_indices('.') {
            exported.insert((root, &origin[..i]));
        }
    }
    for group in ctx.resources(&["aws_security_group"]) {
        report.checked(group);
        let attached = ctx
            .graph
            .referrers(group)
            .any(|(r, _)| !RULE_TYPES.contains(&r.resource_type.as_str()));
        if attached || exported.contains(&(&*group.root, group.address.as_str())) {
            continue;
        }
        report.fail(
            group,
            "",
            "the security group is attached to nothing in this configuration",
        );
    }
}

crate::rule! {
    /// ## What it checks
    /// Security groups are used: some resource in the configuration other
    /// than security-group rules refers to the group (an instance, load
    /// balancer, database, endpoint, network interface, a module input), or
    /// an output passes its id on. Informational.
    ///
    /// ## Why it matters
    /// Unused groups accumulate rules nobody reviews; the next resource
    /// someone attaches them to silently inherits access — often ports
    /// opened "temporarily" long ago.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_security_group" "legacy" {
    ///   name   = "legacy-admin"
    ///   vpc_id = aws_vpc.main.id
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_security_group" "app" {
    ///   name   = "app"
    ///   vpc_id = aws_vpc.main.id
    /// }
    /// resource "aws_instance" "app" {
    ///   ami                    = data.aws_ami.al2023.id
    ///   instance_type          = "t4g.small"
    ///   vpc_security_group_ids = [aws_security_group.app.id]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Delete the group, or attach it where it is meant to be used.
    pub static SG_UNUSED = {
        id: "CW-AWS-SG-007",
        title: "Security group attached to nothing",
        severity: Info,
        category: "network",
        resource_types: ["aws_security_group"],
        checkov: ["CKV2_AWS_5"],
        trivy: [],
        kics: [],
        remediation: "Delete the unused security group or attach it.",
        check: check,
    }
}
