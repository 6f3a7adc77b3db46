//! Findings from the network exposure engine: what a packet from the
//! internet can actually reach — public address, gateway, routes, network
//! ACLs in both directions, security groups, load balancers — with the path
//! as related locations.

use crate::check::Context;
use crate::{Report, Rule};
use cloudwright_network::exposure::{Exposure, Verdict};

pub fn rules() -> Vec<&'static Rule> {
    vec![&NET_DATA_STORE_EXPOSED, &NET_ADMIN_PORT_EXPOSED]
}

const DATA_STORES: &[&str] = &[
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_elasticache_replication_group",
    "aws_redshift_cluster",
];

fn services(e: &Exposure) -> String {
    e.services
        .iter()
        .map(|(proto, ranges)| {
            let ports: Vec<String> = ranges
                .iter()
                .map(|(a, b)| {
                    if a == b {
                        a.to_string()
                    } else {
                        format!("{a}-{b}")
                    }
                })
                .collect();
            if ports.is_empty() || proto == "all" {
                proto.clone()
            } else {
                format!("{proto} {}", ports.join(","))
            }
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn report_exposure(ctx: &Context<'_>, report: &mut Report, e: &Exposure, message: String) {
    let Some(r) = ctx.graph.resource_in(&e.root, &e.resource) else {
        return;
    };
    report.checked(r);
    let finding = report.fail(r, "", message);
    for h in &e.path {
        if let Some(span) = h.span {
            finding.related.push(cloudwright_model::RelatedLocation {
                message: format!("{}: {} — {}", h.kind, h.address, h.detail),
                span,
            });
        }
    }
}

fn check_data_stores(ctx: &Context<'_>, report: &mut Report) {
    for e in ctx
        .exposures()
        .iter()
        .filter(|e| DATA_STORES.contains(&e.resource_type.as_str()))
    {
        match e.verdict {
            Verdict::Reachable => {
                let from = e.sources.first().cloned().unwrap_or_default();
                report_exposure(ctx, report, e, format!("reachable from the internet on {} from {from}: public address, internet gateway route, network ACL and security group all let it through", services(e)));
            }
            Verdict::Unknown => {
                if let Some(r) = ctx.graph.resource_in(&e.root, &e.resource) {
                    report.checked(r);
                    report.unknown(r, e.missing.join("; "));
                }
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// No database is reachable from the internet, as the network exposure
    /// engine computes it: a public address (`publicly_accessible`), an
    /// internet gateway on its VPC, a route that sends the client's replies
    /// to that gateway, a network ACL that admits the request and the reply,
    /// and a security group that admits the client — all at once. Where any
    /// of these cannot be resolved from the configuration the check is
    /// undecidable, never a pass. The finding lists the path as related
    /// locations.
    ///
    /// ## Why it matters
    /// A reachable database is one password away from a breach; scanners
    /// that look at `publicly_accessible` or a security group alone flag
    /// databases that are not reachable and miss ones that are.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   engine                 = "postgres"
    ///   publicly_accessible    = true
    ///   db_subnet_group_name   = aws_db_subnet_group.public.name   # subnets routed to an internet gateway
    ///   vpc_security_group_ids = [aws_security_group.postgres_from_anywhere.id]
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_db_instance" "main" {
    ///   engine                 = "postgres"
    ///   db_subnet_group_name   = aws_db_subnet_group.data.name       # no route to the internet
    ///   vpc_security_group_ids = [aws_security_group.postgres_from_app.id]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Break the path at every hop you can: `publicly_accessible = false`,
    /// data subnets without a route to the internet gateway, and a security
    /// group that admits only the application tier's group.
    pub static NET_DATA_STORE_EXPOSED = {
        id: "CW-AWS-NET-001",
        title: "Database reachable from the internet",
        severity: Critical,
        category: "network",
        resource_types: ["aws_db_instance"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Remove the public address, the internet route or the open rule (better: all three).",
        check: check_data_stores,
    }
}

const ADMIN_PORTS: &[(u16, &str)] = &[(22, "SSH"), (3389, "RDP")];

fn check_admin_ports(ctx: &Context<'_>, report: &mut Report) {
    for e in ctx
        .exposures()
        .iter()
        .filter(|e| e.resource_type == "aws_instance")
    {
        match e.verdict {
            Verdict::Reachable => {
                let open: Vec<&str> = ADMIN_PORTS
                    .iter()
                    .filter(|(port, _)| {
                        e.services.iter().any(|(proto, ranges)| {
                            (proto == "tcp" || proto == "all")
                                && ranges.iter().any(|(a, b)| a <= port && port <= b)
                        })
                    })
                    .map(|(_, name)| *name)
                    .collect();
                if open.is_empty() {
                    if let Some(r) = ctx.graph.resource_in(&e.root, &e.resource) {
                        report.checked(r);
                    }
                    continue;
                }
                let from = e.sources.first().cloned().unwrap_or_default();
                report_exposure(
                    ctx,
                    report,
                    e,
                    format!(
                        "{} reachable from the internet (from {from}) through the path listed",
                        open.join(" and ")
                    ),
                );
            }
            Verdict::Unknown => {
                if let Some(r) = ctx.graph.resource_in(&e.root, &e.resource) {
                    report.checked(r);
                    report.unknown(r, e.missing.join("; "));
                }
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// No EC2 instance is reachable from the internet on SSH (22) or RDP
    /// (3389), as the network exposure engine computes it — public address,
    /// internet gateway route, network ACL both ways, security group. Unlike
    /// CW-AWS-SG-001/002, which judge a security group rule on its own, this
    /// rule reports only instances a packet can actually reach, with the
    /// path, and is undecidable (never a pass) where the configuration does
    /// not say.
    ///
    /// ## Why it matters
    /// Internet-facing SSH and RDP are brute-forced within minutes of
    /// appearing; an exploitable daemon is a direct way in.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_instance" "bastion" {
    ///   ami                         = data.aws_ami.al2023.id
    ///   subnet_id                   = aws_subnet.public.id   # routed to an internet gateway
    ///   associate_public_ip_address = true
    ///   vpc_security_group_ids      = [aws_security_group.ssh_from_anywhere.id]
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_instance" "app" {
    ///   ami                    = data.aws_ami.al2023.id
    ///   subnet_id              = aws_subnet.private.id
    ///   vpc_security_group_ids = [aws_security_group.app.id]
    ///   iam_instance_profile   = aws_iam_instance_profile.ssm.name  # SSM Session Manager instead of SSH
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Use SSM Session Manager (no inbound port at all), or restrict the
    /// rule to known ranges and drop the public address.
    pub static NET_ADMIN_PORT_EXPOSED = {
        id: "CW-AWS-NET-002",
        title: "SSH or RDP reachable from the internet",
        severity: Critical,
        category: "network",
        resource_types: ["aws_instance"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Use SSM Session Manager; otherwise restrict the source and remove the public address.",
        check: check_admin_ports,
    }
}
