//! Subnet tiers, the default VPC and its default security group.

use crate::check::{count, get, get_bool, refers, Context, Tri};
use crate::Report;
use cloudwright_model::{Mode, Resource, Value};

/// Is a subnet meant to be private, judging by its name and its `Name`,
/// `Tier`, `Type` tags (and EKS's internal-ELB role tag)? `Some(true)`
/// private, `Some(false)` public, `None` when nothing says.
fn private_tier(subnet: &Resource) -> Option<bool> {
    let mut words = vec![subnet.name.to_ascii_lowercase()];
    let tags = match get(subnet, "tags_all") {
        Tri::Known(v) => Some(v),
        _ => match get(subnet, "tags") {
            Tri::Known(v) => Some(v),
            _ => None,
        },
    };
    if let Some(obj) = tags.as_ref().and_then(|t| t.as_object()) {
        for (k, v) in obj.fields().iter() {
            if k == "kubernetes.io/role/internal-elb" {
                return Some(true);
            }
            if k == "kubernetes.io/role/elb" {
                return Some(false);
            }
            if matches!(
                k.to_ascii_lowercase().as_str(),
                "name" | "tier" | "type" | "subnet-type" | "network"
            ) {
                if let Some(s) = v.as_str() {
                    words.push(s.to_ascii_lowercase());
                }
            }
        }
    }
    let has = |list: &[&str]| {
        words.iter().any(|w| {
            w.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|part| list.contains(&part))
        })
    };
    let public = has(&["public", "pub", "dmz", "edge", "ingress"]);
    let private = has(&[
        "private",
        "priv",
        "internal",
        "app",
        "application",
        "data",
        "db",
        "database",
        "isolated",
        "intra",
        "backend",
    ]);
    match (public, private) {
        (true, false) => Some(false),
        (false, true) => Some(true),
        _ => None,
    }
}

fn check_subnet_public_ip(ctx: &Context<'_>, report: &mut Report) {
    for subnet in ctx.resources(&["aws_subnet"]) {
        match private_tier(subnet) {
            Some(true) => {}
            // tags the code does not determine may name a private tier
            None => {
                let tags = match get(subnet, "tags_all") {
                    Tri::Absent => get(subnet, "tags"),
                    other => other,
                };
                if let Tri::Unknown(why) = tags {
                    if !matches!(
                        get_bool(subnet, "map_public_ip_on_launch"),
                        Tri::Known(false) | Tri::Absent
                    ) {
                        report.checked(subnet);
                        report
                            .unknown(subnet, format!("its tier is not known: its tags are {why}"));
                    }
                }
                continue;
            }
            Some(false) => continue,
        }
        report.checked(subnet);
        match get_bool(subnet, "map_public_ip_on_launch") {
            Tri::Known(true) => {
                report.fail(
                    subnet,
                    "map_public_ip_on_launch",
                    "a private-tier subnet gives every instance launched in it a public IP address",
                );
            }
            Tri::Unknown(why) => report.unknown(subnet, why),
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Subnets of a private tier do not give instances public IPs:
    /// `map_public_ip_on_launch = true` on an `aws_subnet` whose name or
    /// `Name`/`Tier`/`Type` tag says private, internal, app, data, db or
    /// isolated (or that carries EKS's `kubernetes.io/role/internal-elb`
    /// tag). Public subnets are expected to map public IPs, and subnets
    /// whose tier nothing names are not judged (undecidable when their
    /// tags are not known from the code).
    ///
    /// ## Why it matters
    /// The application and data tiers sit in private subnets so that
    /// nothing in them is reachable from the internet. A private subnet that
    /// hands out public IPs (with a route to an internet gateway) silently
    /// exposes every instance launched there.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_subnet" "private_a" {
    ///   vpc_id                  = aws_vpc.main.id
    ///   cidr_block              = "10.0.10.0/24"
    ///   map_public_ip_on_launch = true
    ///   tags = { Name = "private-a", Tier = "private" }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_subnet" "private_a" {
    ///   vpc_id     = aws_vpc.main.id
    ///   cidr_block = "10.0.10.0/24"
    ///   tags = { Name = "private-a", Tier = "private" }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `map_public_ip_on_launch = false` (the default) and reach the
    /// internet through a NAT gateway.
    pub static SUBNET_PUBLIC_IP = {
        id: "CW-AWS-VPC-002",
        title: "Private-tier subnet assigns public IPs",
        severity: Medium,
        category: "network",
        resource_types: ["aws_subnet"],
        checkov: ["CKV_AWS_130"],
        trivy: ["AVD-AWS-0164", "aws-ec2-no-public-ip-subnet"],
        kics: ["52f04a44-6bfa-4c41-b1d3-4ae99a2de05c"],
        remediation: "Set map_public_ip_on_launch = false on private subnets.",
        check: check_subnet_public_ip,
    }
}

/// Resources that land in the default VPC when their placement is not
/// given: (type, the attributes any of which places them).
const PLACEMENT: &[(&str, &[&str])] = &[
    (
        "aws_instance",
        &["subnet_id", "network_interface", "launch_template"],
    ),
    ("aws_security_group", &["vpc_id"]),
    (
        "aws_db_instance",
        &["db_subnet_group_name", "replicate_source_db"],
    ),
    ("aws_rds_cluster", &["db_subnet_group_name"]),
    (
        "aws_elasticache_cluster",
        &["subnet_group_name", "replication_group_id"],
    ),
    ("aws_elasticache_replication_group", &["subnet_group_name"]),
    ("aws_redshift_cluster", &["cluster_subnet_group_name"]),
    ("aws_lb", &["subnets", "subnet_mapping"]),
];

fn check_default_vpc(ctx: &Context<'_>, report: &mut Report) {
    for (kind, attributes) in PLACEMENT {
        for r in ctx.resources(&[kind]) {
            report.checked(r);
            let mut undecided = None;
            let mut placed = false;
            for a in *attributes {
                match get(r, a) {
                    Tri::Known(v) if v.as_list().is_none_or(|l| !l.is_empty()) => placed = true,
                    Tri::Unknown(_) if refers(r, a) => placed = true,
                    Tri::Unknown(why) => {
                        undecided.get_or_insert(why);
                    }
                    _ => {}
                }
            }
            if placed {
                continue;
            }
            match undecided {
                Some(why) => report.unknown(r, why),
                None => {
                    report.fail(
                        r,
                        "",
                        format!(
                            "no {} is given, so it is created in the region's default VPC",
                            attributes[0]
                        ),
                    );
                }
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Resources are placed in a VPC of the configuration's own rather than
    /// the region's default VPC: instances have a `subnet_id` (or a network
    /// interface or launch template), security groups a `vpc_id`, databases,
    /// caches and Redshift clusters a subnet group, load balancers subnets.
    ///
    /// ## Why it matters
    /// The default VPC has only public subnets that assign public IPs, a
    /// route to an internet gateway, and default network ACLs that allow
    /// everything. Anything created there without thought is one security
    /// group rule away from the internet, and is not governed by the
    /// network design the rest of the configuration describes.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_security_group" "app" {
    ///   name = "app"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_security_group" "app" {
    ///   name   = "app"
    ///   vpc_id = aws_vpc.main.id
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Give the resource its placement in a VPC you manage; delete unused
    /// default VPCs.
    pub static DEFAULT_VPC = {
        id: "CW-AWS-VPC-003",
        title: "Resource created in the default VPC",
        severity: Medium,
        category: "network",
        resource_types: ["aws_instance", "aws_security_group", "aws_db_instance", "aws_rds_cluster", "aws_elasticache_cluster", "aws_elasticache_replication_group", "aws_redshift_cluster", "aws_lb"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Set subnet_id / vpc_id / the subnet group to a VPC you manage.",
        check: check_default_vpc,
    }
}

fn check_default_sg(ctx: &Context<'_>, report: &mut Report) {
    // A VPC made here gets a default security group with AWS's rules (all
    // traffic from its own members in, everything out) unless an
    // `aws_default_security_group` takes it over.
    for vpc in ctx.resources(&["aws_vpc", "aws_default_vpc"]) {
        report.checked(vpc);
        match ctx.companions(vpc, "aws_default_security_group", "vpc_id", &[]) {
            // the default VPC was there before this configuration: what its
            // group allows now is not in the code
            Tri::Known(groups) if groups.is_empty() && vpc.resource_type == "aws_default_vpc" => {
                report.unknown(
                    vpc,
                    "the default VPC existed before this configuration and no `aws_default_security_group` manages its default security group, so its rules are not in the code",
                );
            }
            Tri::Known(groups) if groups.is_empty() => {
                report.fail(
                    vpc,
                    "",
                    "the VPC's default security group keeps the rules AWS gives it (all traffic from its members, all outbound): no `aws_default_security_group` manages it",
                );
            }
            Tri::Unknown(why) => report.unknown(vpc, why),
            _ => {}
        }
    }
    for group in ctx.resources(&["aws_default_security_group"]) {
        report.checked(group);
        let mut undecided = None;
        let mut failed = false;
        for kind in ["ingress", "egress"] {
            match count(group, kind) {
                Tri::Known(n) if n > 0 => {
                    report.fail(
                        group,
                        &format!("{kind}[0]"),
                        format!("the VPC's default security group allows {kind} traffic"),
                    );
                    failed = true;
                    break;
                }
                Tri::Unknown(why) => {
                    undecided.get_or_insert(why);
                }
                _ => {}
            }
        }
        if failed {
            continue;
        }
        if let Some(why) = undecided {
            report.unknown(group, why);
        }
    }
    // separate rule resources attached to a default security group
    for rule in ctx.resources(&[
        "aws_security_group_rule",
        "aws_vpc_security_group_ingress_rule",
        "aws_vpc_security_group_egress_rule",
    ]) {
        let on_default = rule.references.iter().any(|x| {
            x.attribute == "security_group_id"
                && ctx
                    .graph
                    .resource_in(&rule.root, &x.target)
                    .is_some_and(|t| {
                        t.resource_type == "aws_default_security_group" && t.mode == Mode::Managed
                    })
        });
        if on_default {
            report.checked(rule);
            report.fail(
                rule,
                "security_group_id",
                "adds a rule to the VPC's default security group",
            );
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// The default security group of a VPC allows nothing: every VPC made
    /// here (`aws_vpc`) has an `aws_default_security_group` managing its
    /// default group (without one, the group keeps the rules AWS gives it:
    /// all traffic from its own members, all outbound), that group has no
    /// `ingress` or `egress` blocks, and no `aws_security_group_rule` /
    /// `aws_vpc_security_group_*_rule` is attached to it. An adopted
    /// default VPC (`aws_default_vpc`) without one is undecidable (its group
    /// existed before the configuration), and so is every VPC of a root
    /// module with a default group whose `vpc_id` is known only after apply
    /// and refers to nothing here. A default group managed by another
    /// configuration (an account baseline) is not seen from this one:
    /// suppress the finding with that reason.
    ///
    /// ## Why it matters
    /// Anything launched without an explicit security group gets the
    /// default one. If it allows traffic, resources created in a hurry
    /// inherit that access silently; CIS requires it to restrict all
    /// traffic.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_vpc" "main" {
    ///   cidr_block = "10.0.0.0/16"
    /// }
    ///
    /// resource "aws_default_security_group" "default" {
    ///   vpc_id = aws_vpc.main.id
    ///   ingress {
    ///     protocol  = -1
    ///     self      = true
    ///     from_port = 0
    ///     to_port   = 0
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_vpc" "main" {
    ///   cidr_block = "10.0.0.0/16"
    /// }
    ///
    /// resource "aws_default_security_group" "default" {
    ///   vpc_id = aws_vpc.main.id
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Manage each VPC's default group with an `aws_default_security_group`
    /// that has no rules (Terraform then removes the existing ones) and give
    /// every resource its own security group.
    pub static DEFAULT_SG_RULES = {
        id: "CW-AWS-VPC-004",
        title: "Default security group allows traffic",
        severity: Medium,
        category: "network",
        resource_types: ["aws_vpc", "aws_default_vpc", "aws_default_security_group", "aws_security_group_rule", "aws_vpc_security_group_ingress_rule", "aws_vpc_security_group_egress_rule"],
        checkov: ["CKV2_AWS_12"],
        trivy: [],
        kics: ["9a4ef195-74b9-4c58-b8ed-2b2fe4353a75"],
        remediation: "Manage the default security group with an aws_default_security_group that has no ingress or egress rules.",
        check: check_default_sg,
    }
}

crate::rule! {
    /// ## What it checks
    /// Route tables that send private subnets to the internet through a NAT
    /// gateway also carry the free gateway endpoint for S3 (and for
    /// DynamoDB when the configuration has tables): a `Gateway` type
    /// `aws_vpc_endpoint` listing the table in `route_table_ids`, or an
    /// `aws_vpc_endpoint_route_table_association`. Decided per route table
    /// by the network engine; an endpoint whose service is known only after
    /// apply makes it undecidable.
    ///
    /// ## Why it matters
    /// Without it, every byte instances in private subnets read from or
    /// write to S3 or DynamoDB goes through the NAT gateway — billed per GB
    /// processed (about $0.045/GB in us-east-1) — and cannot be governed by
    /// an endpoint policy (for example, allowing only the organisation's
    /// buckets). Gateway endpoints are free. An endpoint that exists but is
    /// not associated with the table does not help.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_route_table" "private" {
    ///   vpc_id = aws_vpc.main.id
    ///   route {
    ///     cidr_block     = "0.0.0.0/0"
    ///     nat_gateway_id = aws_nat_gateway.a.id
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_vpc_endpoint" "s3" {
    ///   vpc_id            = aws_vpc.main.id
    ///   service_name      = "com.amazonaws.eu-west-1.s3"
    ///   vpc_endpoint_type = "Gateway"
    ///   route_table_ids   = [aws_route_table.private.id]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add gateway endpoints for S3 (and DynamoDB) associated with every
    /// private route table.
    pub static VPC_S3_ENDPOINT = {
        id: "CW-AWS-VPC-005",
        title: "Private subnets reach S3 through NAT instead of a gateway endpoint",
        severity: Low,
        category: "cost",
        resource_types: ["aws_route_table"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Add S3 (and DynamoDB) gateway endpoints associated with the private route tables.",
        check: |ctx, report| {
            crate::aws::net::report_violations_with(ctx, report, "gateway-endpoint", nat_price)
        },
    }
}

/// The list price of NAT processing in the route table's region, when the
/// code says the region and the shipped catalogue prices it (nothing is
/// said otherwise: a price is not guessed from another region's).
fn nat_price(table: &Resource) -> String {
    let Some(region) = table.region().and_then(Value::as_str) else {
        return String::new();
    };
    match cloudwright_cost::whatif::nat_processing_per_gb(region) {
        Some(usd) => format!("; NAT processing is ${usd}/GB in {region} at list price"),
        None => String::new(),
    }
}
