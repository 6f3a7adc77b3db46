//! Security groups, in every form Terraform declares their rules.

mod all_ports_open;
mod database_ports_open;
mod rdp_open;
mod rule_description;
mod ssh_open;
mod unrestricted_egress;
mod unused;

use crate::check::{Context, SecurityGroupRule, Tri};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &ssh_open::SG_SSH_OPEN,
        &rdp_open::SG_RDP_OPEN,
        &all_ports_open::SG_ALL_PORTS_OPEN,
        &database_ports_open::SG_DATABASE_PORTS_OPEN,
        &unrestricted_egress::SG_UNRESTRICTED_EGRESS,
        &rule_description::SG_RULE_DESCRIPTION,
        &unused::SG_UNUSED,
    ]
}

/// Reports every ingress rule open to the whole internet on one of `ports`
/// (named). Undecidable rules are reported as unknown.
pub(crate) fn world_open_ports(ctx: &Context<'_>, report: &mut Report, ports: &[(i64, &str)]) {
    for rule in ctx.security_group_rules().iter().filter(|r| r.ingress) {
        report.checked(rule.resource);
        let world = match rule.world_open() {
            Tri::Known(Some(cidr)) => cidr,
            Tri::Known(None) | Tri::Absent => continue,
            Tri::Unknown(why) => {
                report.unknown(rule.resource, why);
                continue;
            }
        };
        // "all ports" has its own rule; do not report it once per port
        if let Tri::Known(true) = rule.all_ports() {
            continue;
        }
        let mut open = Vec::new();
        for (port, name) in ports {
            match rule.covers_port(*port) {
                Tri::Known(true) => open.push(format!("{port} ({name})")),
                Tri::Unknown(why) => {
                    report.unknown(rule.resource, why);
                    open.clear();
                    break;
                }
                _ => {}
            }
        }
        if !open.is_empty() {
            report_open(report, rule, &world, &open.join(", "));
        }
    }
}

fn report_open(report: &mut Report, rule: &SecurityGroupRule<'_>, world: &str, what: &str) {
    let attribute = match rule.resource.resource_type.as_str() {
        "aws_vpc_security_group_ingress_rule" => if world.contains(':') {
            "cidr_ipv6"
        } else {
            "cidr_ipv4"
        }
        .to_string(),
        _ => rule.attribute(if world.contains(':') {
            "ipv6_cidr_blocks"
        } else {
            "cidr_blocks"
        }),
    };
    report.fail(
        rule.resource,
        &attribute,
        format!("ingress from {world} (the whole internet) to {what}"),
    );
}
