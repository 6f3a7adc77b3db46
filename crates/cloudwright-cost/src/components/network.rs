//! NAT gateways, public addresses, load balancers, endpoints, transit
//! gateways, VPN, CloudFront, Route 53, API Gateway, Global Accelerator,
//! Network Firewall, WAF.

use super::{count, fixed, flag, num, text, usage, Ctx, Spec};
use crate::catalogue::Selector;
use crate::HOURS_PER_MONTH;
use cloudwright_model::Resource;

fn vpc(family: &'static str, unit: &'static str, usagetype: &str) -> Selector {
    Selector::new("AmazonVPC", family, unit).with("usagetype", usagetype)
}

pub fn nat_gateway(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(vec![
        fixed(
            "NAT gateway",
            Selector::new("AmazonEC2", "NAT Gateway", "Hrs").with("usagetype", "NatGateway-Hours"),
            HOURS_PER_MONTH,
        ),
        usage(
            "Data processed",
            Selector::new("AmazonEC2", "NAT Gateway", "GB").with("usagetype", "NatGateway-Bytes"),
            ctx.usage(r, "monthly_data_processed_gb"),
            "monthly_data_processed_gb",
        ),
    ])
}

/// Every public IPv4 address is billed by the hour since February 2024,
/// attached or not.
pub fn eip(_ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    if text(r, "domain")?.as_deref() == Some("standard") {
        return Err(format!(
            "{}: EC2-Classic addresses are not priced",
            r.address
        ));
    }
    Ok(vec![fixed(
        "Public IPv4 address",
        vpc("VPC Public IPv4 Address", "Hrs", "PublicIPv4:InUseAddress"),
        HOURS_PER_MONTH,
    )])
}

/// Application, network and gateway load balancers: hours and capacity
/// units. Capacity units come from usage: Infracost's keys
/// (`new_connections` per second, `active_connections` per minute,
/// `processed_bytes_gb` per hour, `rule_evaluations` per second), or
/// `capacity_units` (the average per hour) directly.
pub fn load_balancer(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let kind = text(r, "load_balancer_type")?.unwrap_or_else(|| "application".into());
    let (family, label, per_lcu): (&'static str, &str, [f64; 4]) = match kind.as_str() {
        // LCU dimensions: new connections/s, active connections/min,
        // processed GB/h, rule evaluations/s
        "application" => (
            "Load Balancer-Application",
            "Application load balancer",
            [25.0, 3000.0, 1.0, 1000.0],
        ),
        "network" => (
            "Load Balancer-Network",
            "Network load balancer",
            [800.0, 100_000.0, 1.0, f64::INFINITY],
        ),
        "gateway" => (
            "Load Balancer-Gateway",
            "Gateway load balancer",
            [600.0, 60_000.0, 1.0, f64::INFINITY],
        ),
        other => return Err(format!("unknown load balancer type {other:?}")),
    };
    let dims = [
        "new_connections",
        "active_connections",
        "processed_bytes_gb",
        "rule_evaluations",
    ];
    let lcu_per_hour = ctx.usage(r, "capacity_units").or_else(|| {
        let values: Vec<Option<f64>> = dims.iter().map(|k| ctx.usage(r, k)).collect();
        values.iter().any(Option::is_some).then(|| {
            values
                .iter()
                .zip(per_lcu)
                .map(|(v, per)| v.unwrap_or(0.0) / per)
                .fold(0.0, f64::max)
        })
    });
    Ok(vec![
        fixed(
            label,
            Selector::new("AWSELB", family, "Hrs").with("usagetype", "LoadBalancerUsage"),
            HOURS_PER_MONTH,
        ),
        usage(
            "Capacity units",
            Selector::new("AWSELB", family, "LCU-Hrs").with("usagetype", "LCUUsage"),
            lcu_per_hour.map(|l| l * HOURS_PER_MONTH),
            "capacity_units, or new_connections, active_connections, processed_bytes_gb, rule_evaluations",
        ),
    ])
}

pub fn classic_load_balancer(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(vec![
        fixed(
            "Classic load balancer",
            Selector::new("AWSELB", "Load Balancer", "Hrs").with("usagetype", "LoadBalancerUsage"),
            HOURS_PER_MONTH,
        ),
        usage(
            "Data processed",
            Selector::new("AWSELB", "Load Balancer", "GB")
                .with("usagetype", "DataProcessing-Bytes"),
            ctx.usage(r, "monthly_data_processed_gb"),
            "monthly_data_processed_gb",
        ),
    ])
}

/// Interface endpoints are billed per AZ (one network interface in each
/// subnet) and per GB; gateway endpoints (S3, DynamoDB) are free.
pub fn vpc_endpoint(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let kind = text(r, "vpc_endpoint_type")?.unwrap_or_else(|| "Gateway".into());
    match kind.as_str() {
        "Gateway" => Ok(Vec::new()),
        "Interface" => {
            let zones = count(r, "subnet_ids")?;
            if zones == 0 {
                return Err(format!(
                    "{}: an interface endpoint without subnet_ids",
                    r.address
                ));
            }
            Ok(vec![
                fixed(
                    format!("Interface endpoint ({zones} AZ)"),
                    vpc("VpcEndpoint", "Hrs", "VpcEndpoint-Hours"),
                    HOURS_PER_MONTH * zones as f64,
                ),
                usage(
                    "Data processed",
                    vpc("VpcEndpoint", "GB", "VpcEndpoint-Bytes"),
                    ctx.usage(r, "monthly_data_processed_gb"),
                    "monthly_data_processed_gb",
                ),
            ])
        }
        other => Err(format!(
            "{}: {other} endpoints are not priced yet",
            r.address
        )),
    }
}

pub fn transit_gateway_attachment(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(vec![
        fixed(
            "Transit gateway attachment",
            vpc("Transit Gateway", "Hrs", "TransitGateway-Hours"),
            HOURS_PER_MONTH,
        ),
        usage(
            "Data processed",
            vpc("Transit Gateway", "GB", "TransitGateway-Bytes"),
            ctx.usage(r, "monthly_data_processed_gb"),
            "monthly_data_processed_gb",
        ),
    ])
}

pub fn transit_gateway_peering(_ctx: &Ctx<'_>, _r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(vec![fixed(
        "Transit gateway peering attachment",
        vpc("Transit Gateway", "Hrs", "TransitGateway-Hours"),
        HOURS_PER_MONTH,
    )])
}

/// Site-to-site VPN: the connection hours; to a transit gateway, its
/// attachment too.
pub fn vpn_connection(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let mut out = vec![fixed(
        "VPN connection",
        vpc("Cloud Connectivity", "Hrs", "VPN-Usage-Hours:ipsec.1"),
        HOURS_PER_MONTH,
    )];
    if r.get("transit_gateway_id").is_some_and(|v| !v.is_null()) {
        out.push(fixed(
            "Transit gateway attachment (VPN)",
            vpc("Transit Gateway", "Hrs", "TransitGateway-Hours"),
            HOURS_PER_MONTH,
        ));
        out.push(usage(
            "Transit gateway data processed",
            vpc("Transit Gateway", "GB", "TransitGateway-Bytes"),
            ctx.usage(r, "monthly_data_processed_gb"),
            "monthly_data_processed_gb",
        ));
    }
    Ok(out)
}

pub fn client_vpn_association(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(vec![
        fixed(
            "Client VPN endpoint association",
            vpc("Client VPN", "Hrs", "ClientVPN-EndpointHours"),
            HOURS_PER_MONTH,
        ),
        usage(
            "Client connections",
            vpc("Client VPN", "Hrs", "ClientVPN-ConnectionHours"),
            ctx.usage(r, "monthly_connection_hours"),
            "monthly_connection_hours",
        ),
    ])
}

/// CloudFront: data transfer out and requests, at the United States and
/// Europe rates (other edge locations differ: not priced).
pub fn cloudfront_distribution(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let summed = |key: &str| {
        ctx.usage(r, key).or_else(|| {
            let us = ctx.usage(r, &format!("{key}.us"));
            let eu = ctx.usage(r, &format!("{key}.europe"));
            (us.is_some() || eu.is_some()).then(|| us.unwrap_or(0.0) + eu.unwrap_or(0.0))
        })
    };
    Ok(vec![
        usage(
            "Data transfer out to the internet (US, Europe)",
            Selector::new("AmazonCloudFront", "Data Transfer", "GB")
                .with("location", "United States")
                .global(),
            summed("monthly_data_transfer_to_internet_gb"),
            "monthly_data_transfer_to_internet_gb",
        ),
        usage(
            "HTTPS requests (US, Europe)",
            Selector::new("AmazonCloudFront", "Request", "Requests")
                .with("requestType", "HTTPS")
                .with("location", "United States")
                .global(),
            summed("monthly_https_requests"),
            "monthly_https_requests",
        ),
        usage(
            "HTTP requests (US, Europe)",
            Selector::new("AmazonCloudFront", "Request", "Requests")
                .with("requestType", "HTTP")
                .with("location", "United States")
                .global(),
            summed("monthly_http_requests"),
            "monthly_http_requests",
        ),
    ])
}

/// A hosted zone: $0.50 a month for each of an account's first 25 zones
/// (the account-wide tier after that is not applied per zone).
pub fn route53_zone(_ctx: &Ctx<'_>, _r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(vec![fixed(
        "Hosted zone",
        Selector::new("AmazonRoute53", "DNS Zone", "HostedZone").global(),
        1.0,
    )])
}

/// Queries by routing policy; alias records to AWS resources are answered
/// free of charge.
pub fn route53_record(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    if r.get_path("alias.0").is_some() {
        return Ok(Vec::new());
    }
    let routing = if r.get_path("latency_routing_policy.0").is_some() {
        "Latency Based Routing"
    } else if r.get_path("geolocation_routing_policy.0").is_some()
        || r.get_path("geoproximity_routing_policy.0").is_some()
    {
        "Geo DNS"
    } else {
        "Standard"
    };
    Ok(vec![usage(
        format!("DNS queries ({routing})"),
        Selector::new("AmazonRoute53", "DNS Query", "Queries")
            .with("routingType", routing)
            .global(),
        ctx.usage(r, "monthly_queries"),
        "monthly_queries",
    )])
}

/// Health checks: whether the endpoint is in AWS changes the price and
/// the configuration cannot say; the usage file's `endpoint_type`
/// (`aws` = 0, `non_aws` = 1) decides, else the AWS-endpoint price is
/// shown as usage-based.
pub fn route53_health_check(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let kind = text(r, "type")?.unwrap_or_default();
    let aws = match ctx.usage(r, "endpoint_type") {
        Some(v) => v == 0.0,
        None => {
            return Ok(vec![usage(
                "Health check (endpoint in or outside AWS: set endpoint_type)",
                Selector::new("AmazonRoute53", "DNS Health Check", "Health-Check")
                    .with("usagetype", "Health-Check-AWS")
                    .global(),
                None,
                "endpoint_type",
            )])
        }
    };
    let suffix = if aws { "AWS" } else { "Non-AWS" };
    let mut out = vec![fixed(
        format!("Health check ({suffix} endpoint)"),
        Selector::new("AmazonRoute53", "DNS Health Check", "Health-Check")
            .with("usagetype", format!("Health-Check-{suffix}"))
            .global(),
        1.0,
    )];
    // optional features: HTTPS, string matching, fast interval, latency
    let mut features = 0.0;
    if kind.starts_with("HTTPS") {
        features += 1.0;
    }
    if kind.ends_with("STR_MATCH") {
        features += 1.0;
    }
    if num(r, "request_interval")? == Some(10.0) {
        features += 1.0;
    }
    if flag(r, "measure_latency")? == Some(true) {
        features += 1.0;
    }
    if features > 0.0 {
        out.push(fixed(
            "Optional health check features",
            Selector::new("AmazonRoute53", "DNS Health Check", "Health-Check")
                .with("usagetype", format!("Health-Check-Option-{suffix}"))
                .global(),
            features,
        ));
    }
    Ok(out)
}

pub fn rest_api(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(vec![usage(
        "REST API requests",
        Selector::new("AmazonApiGateway", "API Calls", "Requests")
            .with("group", "ApiGatewayRequest"),
        ctx.usage(r, "monthly_requests"),
        "monthly_requests",
    )])
}

/// A REST API stage's cache, billed by the hour by size.
pub fn rest_api_stage(_ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    if flag(r, "cache_cluster_enabled")? != Some(true) {
        return Ok(Vec::new());
    }
    let size = text(r, "cache_cluster_size")?.unwrap_or_else(|| "0.5".into());
    Ok(vec![fixed(
        format!("Cache ({size} GB)"),
        Selector::new("AmazonApiGateway", "Amazon API Gateway Cache", "Hrs")
            .with("cacheMemorySizeGb", size),
        HOURS_PER_MONTH,
    )])
}

pub fn apigatewayv2_api(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let protocol = text(r, "protocol_type")?.unwrap_or_else(|| "HTTP".into());
    Ok(match protocol.as_str() {
        "WEBSOCKET" => vec![
            usage(
                "WebSocket messages",
                Selector::new("AmazonApiGateway", "WebSocket", "Messages"),
                ctx.usage(r, "monthly_messages"),
                "monthly_messages",
            ),
            usage(
                "WebSocket connection minutes",
                Selector::new("AmazonApiGateway", "WebSocket", "Minutes"),
                ctx.usage(r, "monthly_connection_mins"),
                "monthly_connection_mins",
            ),
        ],
        _ => vec![usage(
            "HTTP API requests",
            Selector::new("AmazonApiGateway", "API Calls", "Requests")
                .with("group", "ApiGatewayHttpApi"),
            ctx.usage(r, "monthly_requests"),
            "monthly_requests",
        )],
    })
}

pub fn global_accelerator(_ctx: &Ctx<'_>, _r: &Resource) -> Result<Vec<Spec>, String> {
    Ok(vec![fixed(
        "Accelerator (fixed fee)",
        Selector::new("AWSGlobalAccelerator", "Accelerator", "Hrs").global(),
        HOURS_PER_MONTH,
    )])
}

pub fn network_firewall(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let endpoints = count(r, "subnet_mapping")?.max(1);
    Ok(vec![
        fixed(
            format!("Firewall endpoints ({endpoints})"),
            Selector::new("AWSNetworkFirewall", "AWS Firewall", "Hrs"),
            HOURS_PER_MONTH * endpoints as f64,
        ),
        usage(
            "Traffic processed",
            Selector::new("AWSNetworkFirewall", "AWS Firewall", "GB"),
            ctx.usage(r, "monthly_data_processed_gb"),
            "monthly_data_processed_gb",
        ),
    ])
}

/// WAF: the web ACL, each rule (a managed rule group counts as one) and
/// requests.
pub fn wafv2_web_acl(ctx: &Ctx<'_>, r: &Resource) -> Result<Vec<Spec>, String> {
    let rules = count(r, "rule")?;
    let mut out = vec![fixed(
        "Web ACL",
        Selector::new("awswaf", "Web Application Firewall", "WebACL").global(),
        1.0,
    )];
    if rules > 0 {
        out.push(fixed(
            format!("Rules ({rules})"),
            Selector::new("awswaf", "Web Application Firewall", "Rule").global(),
            rules as f64,
        ));
    }
    out.push(usage(
        "Requests",
        Selector::new("awswaf", "Web Application Firewall", "Requests").global(),
        ctx.usage(r, "monthly_requests"),
        "monthly_requests",
    ));
    Ok(out)
}
