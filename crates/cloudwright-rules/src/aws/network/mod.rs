//! Transit Gateway, Network Firewall and Route 53.

use crate::check::{get, Context, Tri};
use crate::setting::{require, Absent, Setting, Want};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &TGW_AUTO_ACCEPT,
        &TGW_DEFAULT_ROUTE_TABLE,
        &NFW_DELETION_PROTECTION,
        &NFW_LOGGING,
        &ROUTE53_QUERY_LOGGING,
        &ROUTE53_DNSSEC,
    ]
}

crate::rule! {
    /// ## What it checks
    /// Transit gateways do not accept shared attachments automatically:
    /// `auto_accept_shared_attachments` is not `"enable"` (default
    /// `"disable"`).
    ///
    /// ## Why it matters
    /// With auto-accept, any account the gateway is shared with (through
    /// RAM) can attach its VPC and route into your network without review.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ec2_transit_gateway" "hub" {
    ///   auto_accept_shared_attachments = "enable"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ec2_transit_gateway" "hub" {
    ///   auto_accept_shared_attachments = "disable"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `auto_accept_shared_attachments = "disable"` and accept
    /// attachments explicitly (`aws_ec2_transit_gateway_vpc_attachment_accepter`).
    pub static TGW_AUTO_ACCEPT = {
        id: "CW-AWS-TGW-001",
        title: "Transit gateway auto-accepts shared attachments",
        severity: Medium,
        category: "network",
        resource_types: ["aws_ec2_transit_gateway"],
        checkov: ["CKV_AWS_331"],
        trivy: [],
        kics: [],
        remediation: "Set auto_accept_shared_attachments = \"disable\".",
        check: |ctx, report| require(ctx, report, &["aws_ec2_transit_gateway"], &Setting {
            path: "auto_accept_shared_attachments",
            want: Want::NoneOf(&["enable"]),
            absent: Absent::Passes,
            message: "attachments from shared accounts are accepted without review",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Transit gateways do not put every attachment in one route table:
    /// `default_route_table_association` and
    /// `default_route_table_propagation` are `"disable"` (both default to
    /// `"enable"`).
    ///
    /// ## Why it matters
    /// With the default association and propagation, every attached VPC
    /// and VPN learns routes to every other: production, development and
    /// partner networks become one flat network. Segmentation needs
    /// separate route tables.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_ec2_transit_gateway" "hub" {
    ///   description = "hub"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_ec2_transit_gateway" "hub" {
    ///   description                     = "hub"
    ///   default_route_table_association = "disable"
    ///   default_route_table_propagation = "disable"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Disable the defaults and create a route table per segment with
    /// explicit associations and propagations.
    pub static TGW_DEFAULT_ROUTE_TABLE = {
        id: "CW-AWS-TGW-002",
        title: "Transit gateway routes every attachment to every other",
        severity: Low,
        category: "network",
        resource_types: ["aws_ec2_transit_gateway"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Set default_route_table_association and _propagation to \"disable\".",
        check: |ctx, report| {
            for tgw in ctx.resources(&["aws_ec2_transit_gateway"]) {
                crate::setting::record(report, tgw, crate::setting::all_of(tgw, &[
                    Setting {
                        path: "default_route_table_association",
                        want: Want::OneOf(&["disable"]),
                        absent: Absent::Fails("default_route_table_association is not set (the default is enable): all attachments share one route table"),
                        message: "every attachment is associated with the default route table",
                    },
                    Setting {
                        path: "default_route_table_propagation",
                        want: Want::OneOf(&["disable"]),
                        absent: Absent::Fails("default_route_table_propagation is not set (the default is enable): every attachment's routes reach all others"),
                        message: "every attachment propagates its routes to the default route table",
                    },
                ]));
            }
        },
    }
}

crate::rule! {
    /// ## What it checks
    /// Network firewalls have deletion protection:
    /// `delete_protection = true` on `aws_networkfirewall_firewall`
    /// (default `false`).
    ///
    /// ## Why it matters
    /// Deleting the firewall removes inspection from every route that
    /// points at its endpoints — traffic either bypasses it or is dropped.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_networkfirewall_firewall" "egress" {
    ///   name                = "egress"
    ///   firewall_policy_arn = aws_networkfirewall_firewall_policy.egress.arn
    ///   vpc_id              = aws_vpc.inspection.id
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_networkfirewall_firewall" "egress" {
    ///   name                = "egress"
    ///   firewall_policy_arn = aws_networkfirewall_firewall_policy.egress.arn
    ///   vpc_id              = aws_vpc.inspection.id
    ///   delete_protection   = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `delete_protection = true` (and `firewall_policy_change_protection`
    /// and `subnet_change_protection`).
    pub static NFW_DELETION_PROTECTION = {
        id: "CW-AWS-NFW-001",
        title: "Network Firewall without deletion protection",
        severity: Low,
        category: "network",
        resource_types: ["aws_networkfirewall_firewall"],
        checkov: ["CKV_AWS_344"],
        trivy: [],
        kics: [],
        remediation: "Set delete_protection = true.",
        check: |ctx, report| require(ctx, report, &["aws_networkfirewall_firewall"], &Setting {
            path: "delete_protection",
            want: Want::True,
            absent: Absent::Fails("delete_protection is not set (the default is false)"),
            message: "deletion protection is off",
        }),
    }
}

fn check_nfw_logging(ctx: &Context<'_>, report: &mut Report) {
    for fw in ctx.resources(&["aws_networkfirewall_firewall"]) {
        report.checked(fw);
        match ctx.companions(
            fw,
            "aws_networkfirewall_logging_configuration",
            "firewall_arn",
            &["arn"],
        ) {
            Tri::Known(list) if list.is_empty() => {
                report.fail(
                    fw,
                    "",
                    "no aws_networkfirewall_logging_configuration: alerts and flows are not logged",
                );
            }
            Tri::Unknown(why) => report.unknown(fw, why),
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Network firewalls log: an `aws_networkfirewall_logging_configuration`
    /// whose `firewall_arn` is the firewall.
    ///
    /// ## Why it matters
    /// Without alert and flow logs, the firewall's blocks and the traffic it
    /// passes leave no trace for detection or investigation.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_networkfirewall_firewall" "egress" {
    ///   name                = "egress"
    ///   firewall_policy_arn = aws_networkfirewall_firewall_policy.egress.arn
    ///   vpc_id              = aws_vpc.inspection.id
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_networkfirewall_logging_configuration" "egress" {
    ///   firewall_arn = aws_networkfirewall_firewall.egress.arn
    ///   logging_configuration {
    ///     log_destination_config {
    ///       log_destination      = { logGroup = aws_cloudwatch_log_group.nfw.name }
    ///       log_destination_type = "CloudWatchLogs"
    ///       log_type             = "ALERT"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add a logging configuration with at least ALERT logs (and FLOW logs
    /// for investigations).
    pub static NFW_LOGGING = {
        id: "CW-AWS-NFW-002",
        title: "Network Firewall without logging",
        severity: Medium,
        category: "logging",
        resource_types: ["aws_networkfirewall_firewall", "aws_networkfirewall_logging_configuration"],
        checkov: ["CKV2_AWS_63"],
        trivy: [],
        kics: [],
        remediation: "Add an aws_networkfirewall_logging_configuration for the firewall.",
        check: check_nfw_logging,
    }
}

/// Public hosted zones (no `vpc` block).
fn public_zone(zone: &cloudwright_model::Resource) -> Tri<bool> {
    match get(zone, "vpc") {
        Tri::Known(v) => Tri::Known(v.as_list().is_some_and(|l| l.is_empty())),
        Tri::Absent => Tri::Known(true),
        Tri::Unknown(why) => Tri::Unknown(why),
    }
}

fn check_zone_companion(ctx: &Context<'_>, report: &mut Report, companion: &str, message: &str) {
    for zone in ctx.resources(&["aws_route53_zone"]) {
        match public_zone(zone) {
            Tri::Known(true) => {}
            Tri::Unknown(why) => {
                report.checked(zone);
                report.unknown(zone, why);
                continue;
            }
            _ => continue,
        }
        report.checked(zone);
        match ctx.companions(zone, companion, "hosted_zone_id", &["zone_id", "id"]) {
            Tri::Known(list) if list.is_empty() => {
                // DNSSEC is usually enabled through the key-signing key:
                // `hosted_zone_id = aws_route53_key_signing_key.k.hosted_zone_id`
                if companion == "aws_route53_hosted_zone_dnssec" {
                    if let Tri::Known(keys) = ctx.companions(
                        zone,
                        "aws_route53_key_signing_key",
                        "hosted_zone_id",
                        &["zone_id", "id"],
                    ) {
                        let signed = keys.iter().any(|k| {
                            ctx.graph.referrers(k).any(|(r, attr)| {
                                r.resource_type == companion && attr == "hosted_zone_id"
                            })
                        });
                        if signed {
                            continue;
                        }
                    }
                }
                // aws_route53_query_log links by zone_id
                if companion == "aws_route53_query_log" {
                    match ctx.companions(zone, companion, "zone_id", &["zone_id", "id"]) {
                        Tri::Known(l) if !l.is_empty() => continue,
                        Tri::Unknown(why) => {
                            report.unknown(zone, why);
                            continue;
                        }
                        _ => {}
                    }
                }
                report.fail(zone, "", message.to_string());
            }
            Tri::Unknown(why) => report.unknown(zone, why),
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Public hosted zones log DNS queries: an `aws_route53_query_log` whose
    /// `zone_id` is the zone. Private zones (with a `vpc` block) are not
    /// checked.
    ///
    /// ## Why it matters
    /// Query logs show which names are resolved, from where and how often —
    /// subdomain enumeration, takeover attempts on dangling records, and
    /// traffic spikes.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_route53_zone" "public" {
    ///   name = "example.com"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_route53_zone" "public" {
    ///   name = "example.com"
    /// }
    /// resource "aws_route53_query_log" "public" {
    ///   zone_id                  = aws_route53_zone.public.zone_id
    ///   cloudwatch_log_group_arn = aws_cloudwatch_log_group.dns.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add an `aws_route53_query_log` (its log group must be in us-east-1).
    pub static ROUTE53_QUERY_LOGGING = {
        id: "CW-AWS-ROUTE53-001",
        title: "Route 53 public zone without query logging",
        severity: Low,
        category: "logging",
        resource_types: ["aws_route53_zone", "aws_route53_query_log"],
        checkov: ["CKV2_AWS_39"],
        trivy: [],
        kics: [],
        remediation: "Add an aws_route53_query_log for the zone.",
        check: |ctx, report| check_zone_companion(ctx, report, "aws_route53_query_log", "no aws_route53_query_log: DNS queries for the zone are not logged"),
    }
}

crate::rule! {
    /// ## What it checks
    /// Public hosted zones are signed with DNSSEC: an
    /// `aws_route53_hosted_zone_dnssec` for the zone. Reported as
    /// informational: DNSSEC also needs the DS record at the parent and
    /// key management.
    ///
    /// ## Why it matters
    /// DNSSEC lets resolvers reject forged answers (cache poisoning,
    /// on-path spoofing) for the domain.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_route53_zone" "public" {
    ///   name = "example.com"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_route53_zone" "public" {
    ///   name = "example.com"
    /// }
    /// resource "aws_route53_hosted_zone_dnssec" "public" {
    ///   hosted_zone_id = aws_route53_key_signing_key.public.hosted_zone_id
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Create a key-signing key (KMS key in us-east-1), enable DNSSEC
    /// signing, and publish the DS record at the registrar.
    pub static ROUTE53_DNSSEC = {
        id: "CW-AWS-ROUTE53-002",
        title: "Route 53 public zone without DNSSEC",
        severity: Info,
        category: "network",
        resource_types: ["aws_route53_zone", "aws_route53_hosted_zone_dnssec"],
        checkov: ["CKV2_AWS_38"],
        trivy: [],
        kics: [],
        remediation: "Enable DNSSEC signing for the zone.",
        check: |ctx, report| check_zone_companion(ctx, report, "aws_route53_hosted_zone_dnssec", "no aws_route53_hosted_zone_dnssec: the zone is not signed"),
    }
}
