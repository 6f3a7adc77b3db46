//! Findings from the network exposure engine: what a packet from the
//! internet can actually reach — public address, gateway, routes, network
//! ACLs in both directions, security groups, load balancers — with the path
//! as related locations.

use crate::check::Context;
use crate::{Report, Rule};
use cloudwright_network::exposure::{Exposure, Verdict, DATA_STORES};
use cloudwright_network::segment::Violation;

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &NET_DATA_STORE_EXPOSED,
        &NET_ADMIN_PORT_EXPOSED,
        &NET_PUBLIC_TIER_PLACEMENT,
        &NET_INNER_TIER_EXPOSED,
        &NET_TIER_FLOW,
        &NET_OVERLAP,
        &NET_LOCAL_OVERRIDE,
        &NET_NO_EGRESS,
        &NET_NAT_ZONE,
        &NET_SUBNET_CAPACITY,
        &NET_DEAD_RULE,
    ]
}

fn services(e: &Exposure) -> String {
    cloudwright_network::exposure::describe_services(&e.services)
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
        resource_types: [
            "aws_db_instance",
            "aws_rds_cluster",
            "aws_rds_cluster_instance",
            "aws_redshift_cluster",
            "aws_elasticache_cluster",
            "aws_elasticache_replication_group",
            "aws_opensearch_domain",
            "aws_elasticsearch_domain",
            "aws_docdb_cluster",
            "aws_neptune_cluster",
            "aws_msk_cluster"
        ],
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

/// Segmentation findings of one kind: violations as findings with their
/// evidence as related locations, undecidable ones as unknown.
pub(crate) fn report_violations(ctx: &Context<'_>, report: &mut Report, kind: &str) {
    report_violations_with(ctx, report, kind, |_| String::new());
}

/// [`report_violations`], each message followed by what `note` adds about
/// the resource it is on (a price in its region, say).
pub(crate) fn report_violations_with(
    ctx: &Context<'_>,
    report: &mut Report,
    kind: &str,
    note: impl Fn(&cloudwright_model::Resource) -> String,
) {
    let matching: Vec<&Violation> = ctx
        .segmentation()
        .iter()
        .chain(ctx.network_design())
        .filter(|v| v.kind == kind)
        .collect();
    for v in matching {
        let Some(r) = ctx.graph.resource_in(&v.root, &v.resource) else {
            continue;
        };
        report.checked(r);
        if let Some(why) = &v.unknown {
            report.unknown(r, why.clone());
            continue;
        }
        let finding = report.fail(r, "", format!("{}{}", v.message, note(r)));
        for h in &v.evidence {
            if let Some(span) = h.span {
                finding.related.push(cloudwright_model::RelatedLocation {
                    message: format!("{}: {} — {}", h.kind, h.address, h.detail),
                    span,
                });
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Only load balancers and NAT gateways sit in the public tier. A
    /// subnet is public when it is tagged so (`Tier = "public"`), named so,
    /// or routes `0.0.0.0/0` to an internet gateway; instances, Auto
    /// Scaling groups, databases, caches, functions and tasks with an
    /// interface there are findings. `[network] public_types` in
    /// `cloudwright.toml` allows more types (a bastion, say), `[network]
    /// tiers` classifies subnets explicitly.
    ///
    /// ## Why it matters
    /// The reference three-tier design keeps workloads out of subnets with
    /// a route to the internet: one security-group mistake or one public
    /// address away from exposure, and outside the layered defence the
    /// private tiers give.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_instance" "app" {
    ///   subnet_id = aws_subnet.public_a.id   # routes 0.0.0.0/0 to the internet gateway
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_instance" "app" {
    ///   subnet_id = aws_subnet.private_a.id  # egress through NAT, no inbound route
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Move the workload to the private (app) subnets behind a load
    /// balancer; reach instances with SSM Session Manager instead of a
    /// public bastion.
    pub static NET_PUBLIC_TIER_PLACEMENT = {
        id: "CW-AWS-NET-003",
        title: "Workload placed in the public tier",
        severity: Medium,
        category: "network",
        resource_types: [
            "aws_instance",
            "aws_autoscaling_group",
            "aws_db_instance",
            "aws_rds_cluster",
            "aws_elasticache_cluster",
            "aws_elasticache_replication_group",
            "aws_lambda_function",
            "aws_ecs_service",
            "aws_redshift_cluster",
            "aws_opensearch_domain",
            "aws_msk_cluster",
            "aws_efs_mount_target",
            "aws_vpc_endpoint"
        ],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Move it to the private subnets behind a load balancer.",
        check: |ctx, report| report_violations(ctx, report, "placement"),
    }
}

crate::rule! {
    /// ## What it checks
    /// Nothing in the app or data tier is reachable from the internet
    /// directly, as the exposure engine computes it (public address,
    /// internet gateway, route, network ACLs, security groups). Reaching a
    /// service through a load balancer is the design and is not a finding.
    ///
    /// ## Why it matters
    /// A private-tier subnet that is in fact reachable means the tiering
    /// exists on paper only: usually a public IP on an instance plus a
    /// route table shared with the public subnets.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_subnet" "app" {
    ///   tags = { Tier = "app" }
    /// }
    /// resource "aws_instance" "worker" {
    ///   subnet_id                   = aws_subnet.app.id
    ///   associate_public_ip_address = true   # and the app subnet routes to the IGW
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_instance" "worker" {
    ///   subnet_id                   = aws_subnet.app.id
    ///   associate_public_ip_address = false
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Remove the public address and give the app subnets their own route
    /// table whose default route goes to a NAT gateway.
    pub static NET_INNER_TIER_EXPOSED = {
        id: "CW-AWS-NET-004",
        title: "App- or data-tier resource reachable from the internet directly",
        severity: High,
        category: "network",
        resource_types: ["aws_instance", "aws_db_instance"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Remove the public address; route the tier's subnets through NAT, not the internet gateway.",
        check: |ctx, report| report_violations(ctx, report, "direct-exposure"),
    }
}

crate::rule! {
    /// ## What it checks
    /// Security groups of resources in the app and data tiers admit only
    /// the flows the segmentation policy allows. By default: the app tier
    /// from the public tier (its load balancers) and from itself; the data
    /// tier from the app tier on the data store's engine port (its `port`,
    /// else the engine's default: 5432, 3306, 6379, …) and from itself. A
    /// rule admitting a CIDR admits every tier whose subnets the range
    /// overlaps (a data group admitting the whole VPC range admits the
    /// public tier); a rule naming a group admits the tiers where that
    /// group's interfaces sit. `[network] allow` in `cloudwright.toml`
    /// adds flows (`"app->data:9000-9100"`).
    ///
    /// ## Why it matters
    /// Segmentation is what contains a compromise: a load balancer or a
    /// NAT'd host in the public tier that can open a database connection,
    /// or an app host with every port of the database open, turns one
    /// foothold into the data.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_security_group" "db" {
    ///   ingress {
    ///     from_port   = 5432
    ///     to_port     = 5432
    ///     protocol    = "tcp"
    ///     cidr_blocks = [aws_vpc.main.cidr_block]   # includes the public subnets
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_security_group" "db" {
    ///   ingress {
    ///     from_port       = 5432
    ///     to_port         = 5432
    ///     protocol        = "tcp"
    ///     security_groups = [aws_security_group.app.id]
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Admit the tier that should call, by its security group, on the
    /// engine port only.
    pub static NET_TIER_FLOW = {
        id: "CW-AWS-NET-005",
        title: "Flow between tiers not allowed by the segmentation policy",
        severity: High,
        category: "network",
        resource_types: [
            "aws_instance",
            "aws_autoscaling_group",
            "aws_db_instance",
            "aws_rds_cluster",
            "aws_elasticache_cluster",
            "aws_elasticache_replication_group",
            "aws_redshift_cluster",
            "aws_opensearch_domain",
            "aws_msk_cluster",
            "aws_efs_mount_target"
        ],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Admit the calling tier by its security group, on the engine port only.",
        check: |ctx, report| report_violations(ctx, report, "flow"),
    }
}

crate::rule! {
    /// ## What it checks
    /// Address ranges do not overlap where networks meet: the two VPCs of a
    /// peering connection, VPCs attached to the same transit gateway, and
    /// VPCs with a VPN (a virtual private gateway, or a transit gateway
    /// carrying a VPN connection) against the on-premises ranges declared
    /// as static VPN routes or in `cloudwright.toml` (`[network]
    /// on_premises`). Secondary CIDR associations count. A range allocated
    /// at apply time (IPAM) is undecidable.
    ///
    /// ## Why it matters
    /// AWS refuses to peer overlapping VPCs; on a transit gateway or a VPN
    /// the overlap makes routes ambiguous, and the usual fix — re-addressing
    /// a VPC — means rebuilding everything in it.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_vpc" "a" { cidr_block = "10.0.0.0/16" }
    /// resource "aws_vpc" "b" { cidr_block = "10.0.128.0/17" }
    /// resource "aws_vpc_peering_connection" "ab" {
    ///   vpc_id      = aws_vpc.a.id
    ///   peer_vpc_id = aws_vpc.b.id
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_vpc" "b" { cidr_block = "10.1.0.0/16" }
    /// ```
    ///
    /// ## How to fix
    /// Plan addresses centrally (an IPAM pool per environment and region)
    /// and give every VPC that will ever connect a distinct range.
    pub static NET_OVERLAP = {
        id: "CW-AWS-NET-006",
        title: "Overlapping address ranges where networks connect",
        severity: High,
        category: "network",
        resource_types: ["aws_vpc_peering_connection", "aws_ec2_transit_gateway_vpc_attachment", "aws_vpc"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Give every VPC that connects to another network a distinct range.",
        check: |ctx, report| report_violations(ctx, report, "overlap"),
    }
}

crate::rule! {
    /// ## What it checks
    /// Routes more specific than a VPC's local route target only what AWS
    /// accepts there — a network interface (an appliance), a Gateway Load
    /// Balancer endpoint or a Network Firewall endpoint. A route for part
    /// of the VPC's own range through an internet gateway, NAT gateway,
    /// peering or transit gateway is refused at apply.
    ///
    /// ## Why it matters
    /// The plan looks fine and the apply fails half-way; what was meant as
    /// inspection of east-west traffic never happens.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_route" "inspect" {
    ///   route_table_id         = aws_route_table.app.id
    ///   destination_cidr_block = "10.0.2.0/24"         # inside the VPC's 10.0.0.0/16
    ///   nat_gateway_id         = aws_nat_gateway.a.id
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_route" "inspect" {
    ///   route_table_id         = aws_route_table.app.id
    ///   destination_cidr_block = "10.0.2.0/24"
    ///   vpc_endpoint_id        = aws_vpc_endpoint.firewall.id   # GWLB / Network Firewall endpoint
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Send intra-VPC traffic to an inspection endpoint or appliance
    /// interface, or drop the route.
    pub static NET_LOCAL_OVERRIDE = {
        id: "CW-AWS-NET-007",
        title: "Route inside the VPC's own range to a target AWS refuses",
        severity: Medium,
        category: "network",
        resource_types: ["aws_route_table"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Target a network interface or an inspection endpoint, or remove the route.",
        check: |ctx, report| report_violations(ctx, report, "local-override"),
    }
}

crate::rule! {
    /// ## What it checks
    /// Workloads (instances, Auto Scaling groups, Lambda functions in a
    /// VPC, ECS services) outside the public tier whose security groups
    /// allow traffic to the internet have a way out: their subnet's route
    /// table has a default route (NAT gateway, transit gateway, appliance).
    ///
    /// ## Why it matters
    /// Without one, package installs, AWS API calls without endpoints and
    /// webhooks time out — usually found at the first deploy, or the first
    /// scale-out in a new subnet.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_route_table" "private" {
    ///   vpc_id = aws_vpc.main.id            # local route only
    /// }
    /// resource "aws_instance" "worker" {
    ///   subnet_id              = aws_subnet.private.id
    ///   vpc_security_group_ids = [aws_security_group.https_out.id]
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_route" "private_default" {
    ///   route_table_id         = aws_route_table.private.id
    ///   destination_cidr_block = "0.0.0.0/0"
    ///   nat_gateway_id         = aws_nat_gateway.a.id
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Route 0.0.0.0/0 to a NAT gateway in the subnet's AZ, or add the VPC
    /// endpoints the workload needs and tighten its egress to them.
    pub static NET_NO_EGRESS = {
        id: "CW-AWS-NET-008",
        title: "Private workload with no egress path",
        severity: Low,
        category: "network",
        resource_types: ["aws_instance", "aws_autoscaling_group", "aws_lambda_function", "aws_ecs_service"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Add a default route through NAT (or the endpoints the workload needs).",
        check: |ctx, report| report_violations(ctx, report, "no-egress"),
    }
}

crate::rule! {
    /// ## What it checks
    /// A subnet whose default route goes to a NAT gateway uses one in its
    /// own Availability Zone (both AZs known from `availability_zone` or
    /// `availability_zone_id`).
    ///
    /// ## Why it matters
    /// A NAT gateway is zonal: when its AZ fails, every subnet routed to it
    /// loses egress, so the other AZs fail with it — the multi-AZ design is
    /// single-AZ for everything that calls out. Cross-AZ traffic is also
    /// billed per GB.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_route_table" "private_b" {
    ///   route {
    ///     cidr_block     = "0.0.0.0/0"
    ///     nat_gateway_id = aws_nat_gateway.a.id   # in eu-west-1a, for a subnet in eu-west-1b
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_route_table" "private_b" {
    ///   route {
    ///     cidr_block     = "0.0.0.0/0"
    ///     nat_gateway_id = aws_nat_gateway.b.id
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// One NAT gateway per AZ and one private route table per AZ (in
    /// production; one shared NAT is a reasonable saving elsewhere).
    pub static NET_NAT_ZONE = {
        id: "CW-AWS-NET-009",
        title: "Subnet's egress depends on a NAT gateway in another AZ",
        severity: Medium,
        category: "resilience",
        resource_types: ["aws_subnet"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Route each AZ's private subnets to a NAT gateway in the same AZ.",
        check: |ctx, report| report_violations(ctx, report, "nat-zone"),
    }
}

crate::rule! {
    /// ## What it checks
    /// Subnets have room for what is declared to scale into them: the
    /// `max_size` of Auto Scaling groups and EKS node groups and the
    /// `desired_count` of ECS services (one address per instance or
    /// `awsvpc` task), spread evenly over their subnets and rounded up,
    /// against the subnet's usable addresses (its range less the five AWS
    /// reserves). Pods on EKS nodes take further addresses with the VPC
    /// CNI; they are not counted, so the check errs on the side of silence.
    ///
    /// ## Why it matters
    /// Scaling out during an incident fails with
    /// `InsufficientFreeAddressesInSubnet`, exactly when capacity is
    /// needed; re-sizing a subnet means replacing it.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_subnet" "app_a" { cidr_block = "10.0.1.0/28" }   # 11 usable
    /// resource "aws_autoscaling_group" "app" {
    ///   max_size            = 40
    ///   vpc_zone_identifier = [aws_subnet.app_a.id, aws_subnet.app_b.id]
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_subnet" "app_a" { cidr_block = "10.0.16.0/20" }
    /// ```
    ///
    /// ## How to fix
    /// Size subnets for the maximum (a /20 per AZ is common for app tiers),
    /// or spread the group over more subnets.
    pub static NET_SUBNET_CAPACITY = {
        id: "CW-AWS-NET-010",
        title: "Subnet too small for what scales into it",
        severity: Medium,
        category: "resilience",
        resource_types: ["aws_subnet"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Use larger subnets or more of them.",
        check: |ctx, report| report_violations(ctx, report, "capacity"),
    }
}

crate::rule! {
    /// ## What it checks
    /// An ingress rule that admits another security group is matched by
    /// that group's egress: some TCP port of the rule is allowed out by the
    /// source group (to this group, or to a private range). Otherwise no
    /// connection the rule was written for can be opened.
    ///
    /// ## Why it matters
    /// Either the dependency is broken (the app cannot reach its database
    /// and fails at deploy) or the rule is dead weight that misleads every
    /// reviewer about what talks to what.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_security_group" "app" {
    ///   egress { from_port = 443, to_port = 443, protocol = "tcp", cidr_blocks = ["0.0.0.0/0"] }
    /// }
    /// resource "aws_security_group" "db" {
    ///   ingress { from_port = 5432, to_port = 5432, protocol = "tcp", security_groups = [aws_security_group.app.id] }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_vpc_security_group_egress_rule" "app_to_db" {
    ///   security_group_id            = aws_security_group.app.id
    ///   ip_protocol                  = "tcp"
    ///   from_port                    = 5432
    ///   to_port                      = 5432
    ///   referenced_security_group_id = aws_security_group.db.id
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add the matching egress rule to the source group (by group
    /// reference), or delete the ingress rule if the flow is gone.
    pub static NET_DEAD_RULE = {
        id: "CW-AWS-NET-011",
        title: "Security group admits a group whose egress never allows the flow",
        severity: Low,
        category: "network",
        resource_types: ["aws_security_group"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Add the matching egress rule to the source group, or remove the ingress rule.",
        check: |ctx, report| report_violations(ctx, report, "dead-rule"),
    }
}
