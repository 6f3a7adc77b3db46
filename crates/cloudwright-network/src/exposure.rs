//! Internet exposure: which resources a packet from the internet can reach,
//! on which protocols and ports, from which addresses, and by which path —
//! or, where the configuration does not say, what is missing to decide.
//!
//! A target in a subnet is reachable from the internet when all of these
//! hold: it has a public address; its VPC has an internet gateway; the
//! subnet's route table sends the client's address to that gateway (longest
//! prefix wins), so replies can leave; the subnet's network ACL admits the
//! request inbound and the reply outbound (stateless: the reply goes to the
//! client's ephemeral port, 1024–65535); a security group on the target
//! admits it (security groups are stateful). The answer is the intersection
//! of those header spaces.

use crate::sets::{AddrSet, Cube, HeaderSpace, PortSet, ProtoSet, TCP, UDP};
use crate::topology::{
    acl_admits, acl_entries, referring, route_table, sg_ingress, string, subnet_acl, target,
    targets, Fact,
};
use cloudwright_model::{Graph, Resource, Span, Value};

/// One step of an exposure path.
#[derive(Clone, Debug, PartialEq)]
pub struct Hop {
    /// `public-address`, `internet-gateway`, `route`, `network-acl`, `security-group`
    pub kind: &'static str,
    pub address: String,
    /// The root module of the hop's resource, where the path knows it: it
    /// may be another's than the exposed resource's (a Terragrunt unit's
    /// subnet, route table and gateway are the network unit's).
    pub root: Option<cloudwright_model::text::Shared>,
    pub detail: String,
    pub span: Option<Span>,
}

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Reachable,
    /// Cannot be decided from the configuration; `missing` says why.
    Unknown,
}

/// A resource reachable (or possibly reachable) from the internet.
#[derive(Clone, Debug)]
pub struct Exposure {
    pub resource: String,
    pub root: String,
    pub resource_type: String,
    pub verdict: Verdict,
    /// `(protocol name, port ranges)`; empty for an unknown verdict.
    pub services: Vec<(String, Vec<(u16, u16)>)>,
    /// The client addresses, as CIDRs where exact (`0.0.0.0/0`).
    pub sources: Vec<String>,
    /// Load balancers the traffic passes through on the way.
    pub via: Vec<String>,
    pub path: Vec<Hop>,
    pub missing: Vec<String>,
    pub span: Option<Span>,
}

const EPHEMERAL: (u16, u16) = (1024, 65535);

/// The hop of a security-group rule: `address.attribute` for an inline
/// block (`aws_security_group.db.ingress[0]`), the rule resource itself
/// otherwise.
pub fn rule_hop(
    root: &cloudwright_model::text::Shared,
    address: &str,
    attribute: &str,
    span: Option<Span>,
    detail: impl Into<String>,
) -> Hop {
    Hop {
        kind: "security-group",
        root: Some(root.clone()),
        address: if attribute.is_empty() {
            address.to_string()
        } else {
            format!("{address}.{attribute}")
        },
        detail: detail.into(),
        span,
    }
}

/// Protocols × ports as text (`tcp 5432`).
pub fn traffic_text(protocols: &ProtoSet, ports: &PortSet) -> String {
    services_text(&crate::reach::traffic(protocols.clone(), ports.clone()))
}

/// Ports that should never face the internet: remote administration and
/// the engines of data stores.
pub const SENSITIVE_PORTS: &[(u16, &str)] = &[
    (22, "SSH"),
    (23, "Telnet"),
    (3389, "RDP"),
    (5985, "WinRM"),
    (5986, "WinRM"),
    (1433, "SQL Server"),
    (1521, "Oracle"),
    (3306, "MySQL"),
    (5432, "PostgreSQL"),
    (5439, "Redshift"),
    (6379, "Redis"),
    (9200, "Elasticsearch"),
    (11211, "Memcached"),
    (27017, "MongoDB"),
    (2379, "etcd"),
    (9092, "Kafka"),
];

pub const DATA_STORES: &[&str] = &[
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
    "aws_msk_cluster",
];

/// How bad an exposure is, for grouping: `critical` (a data store, an
/// administration or database port, or all traffic), `high` (a server on
/// other ports, an unauthenticated function URL, a Kubernetes API open to
/// everyone), `medium` (web front doors on their web ports, services behind
/// a load balancer), `unknown`.
impl Exposure {
    pub fn severity(&self) -> &'static str {
        if self.verdict == Verdict::Unknown {
            return "unknown";
        }
        if DATA_STORES.contains(&self.resource_type.as_str()) || !self.sensitive_ports().is_empty()
        {
            return "critical";
        }
        let web_only = self.services.iter().all(|(p, ranges)| {
            p == "tcp" && ranges.iter().all(|&(a, b)| a == b && (a == 80 || a == 443))
        });
        let front = self.path.first().is_some_and(|h| h.kind == "front-door")
            || matches!(
                self.resource_type.as_str(),
                "aws_lb" | "aws_alb" | "aws_elb"
            );
        let open_door = self.path.first().is_some_and(|h| {
            h.detail.contains("authorization_type NONE") || h.detail.contains("Kubernetes API")
        }) && self.sources.iter().any(|s| s == "0.0.0.0/0");
        // a service behind a load balancer, on its own port, is the design
        let behind = !self.via.is_empty();
        if open_door || !(front && web_only || behind) {
            "high"
        } else {
            "medium"
        }
    }

    /// The sensitive ports (see [`SENSITIVE_PORTS`]) among the services.
    pub fn sensitive_ports(&self) -> Vec<(u16, &'static str)> {
        let mut out = Vec::new();
        for (proto, ranges) in &self.services {
            for &(port, name) in SENSITIVE_PORTS {
                let hit = proto == "all" || ranges.iter().any(|&(a, b)| a <= port && port <= b);
                if hit && (proto == "tcp" || proto == "all") {
                    out.push((port, name));
                }
            }
        }
        out
    }
}

fn hop(kind: &'static str, r: &Resource, detail: impl Into<String>) -> Hop {
    Hop {
        kind,
        address: r.address.to_string(),
        root: Some(r.root.clone()),
        detail: detail.into(),
        span: r.span,
    }
}

/// Where the reply to a client can go: the client addresses the subnet's
/// route table sends to an internet gateway, by longest prefix.
fn internet_routes(graph: &Graph, subnet: &Resource, vpc: &Resource) -> Fact<(AddrSet, Vec<Hop>)> {
    let table = match route_table(graph, subnet, vpc) {
        Fact::Known(Some(t)) => t,
        // the VPC's implicit main route table: the local route only
        Fact::Known(None) => return Fact::Known((AddrSet::empty(), Vec::new())),
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    // (destination, prefix length, to an internet gateway?, where written)
    let mut routes: Vec<(AddrSet, u8, bool, Hop)> = Vec::new();
    let mut add = |dest: Option<Value>,
                   dest6: Option<Value>,
                   gateway: Option<Value>,
                   r: &Resource,
                   detail: String|
     -> Result<(), String> {
        for d in [dest, dest6].into_iter().flatten() {
            if d.is_unknown() {
                return Err(format!(
                    "a route destination of {} is {}",
                    r.address,
                    d.why_unknown()
                ));
            }
            let Some(net) = string(&d).and_then(|s| s.parse::<ipnet::IpNet>().ok()) else {
                continue;
            };
            let igw = match &gateway {
                Some(g) if g.is_unknown() => match g.as_unknown().and_then(|u| u.origin()) {
                    Some(o) if o.contains("aws_internet_gateway.") => true,
                    // another resource of the configuration's
                    Some(o) if cloudwright_model::value::computed_by_apply(o) => false,
                    // a gateway the code does not determine may be the
                    // internet's, for destinations on the internet
                    _ if !AddrSet::from_net(&net)
                        .intersect(&AddrSet::internet())
                        .is_empty() =>
                    {
                        return Err(format!(
                            "the gateway of a route of {} to {net} is {}",
                            r.address,
                            g.why_unknown()
                        ));
                    }
                    _ => false,
                },
                Some(g) => string(g).is_some_and(|s| s.starts_with("igw-")),
                None => false,
            };
            routes.push((
                AddrSet::from_net(&net),
                net.prefix_len(),
                igw,
                hop(
                    "route",
                    r,
                    format!(
                        "{detail}: {net}{}",
                        if igw { " → internet gateway" } else { "" }
                    ),
                ),
            ));
        }
        Ok(())
    };
    if let Some(v) = table.get("route") {
        if v.is_unknown() {
            return Fact::Unknown(format!(
                "the routes of {} are {}",
                table.address,
                v.why_unknown()
            ));
        }
        for (i, block) in v.as_list().unwrap_or_default().iter().enumerate() {
            if let Err(w) = add(
                block.get("cidr_block"),
                block.get("ipv6_cidr_block"),
                block.get("gateway_id"),
                table,
                format!("route[{i}]"),
            ) {
                return Fact::Unknown(w);
            }
        }
    }
    for route in referring(graph, table, "aws_route", "route_table_id") {
        let gateway = match target(graph, route, "gateway_id", "aws_internet_gateway") {
            Fact::Known(Some(_)) => Some(Value::string("igw-managed")),
            _ => route.get("gateway_id"),
        };
        if let Err(w) = add(
            route.get("destination_cidr_block"),
            route.get("destination_ipv6_cidr_block"),
            gateway,
            route,
            "route".to_string(),
        ) {
            return Fact::Unknown(w);
        }
    }
    // clients on the internet have public addresses
    let internet = AddrSet::internet();
    let mut reachable = AddrSet::empty();
    let mut hops = Vec::new();
    for (dest, len, igw, h) in &routes {
        if !igw {
            continue;
        }
        let mut set = dest.clone();
        for (other, other_len, other_igw, _) in &routes {
            if !other_igw && other_len > len {
                set = set.difference(other);
            }
        }
        let set = set.intersect(&internet);
        if !set.is_empty() {
            reachable = reachable.union(&set);
            hops.push(h.clone());
        }
    }
    Fact::Known((reachable, hops))
}

/// The ACL of a subnet, in both directions: what it admits of `offered`
/// inbound, and the client addresses (per protocol) replies may go to.
fn acl(
    graph: &Graph,
    subnet: &Resource,
    vpc: &Resource,
    offered: &HeaderSpace,
) -> Fact<(HeaderSpace, Vec<Hop>)> {
    let chosen = match subnet_acl(graph, subnet, vpc) {
        Fact::Known(a) => a,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    let Some(acl) = chosen else {
        let h = Hop {
            kind: "network-acl",
            address: vpc.address.to_string(),
            root: Some(vpc.root.clone()),
            detail: "the VPC's default network ACL allows all traffic".into(),
            span: vpc.span,
        };
        return Fact::Known((offered.clone(), vec![h]));
    };
    let inbound = match acl_entries(graph, acl, false) {
        Fact::Known(e) => e,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    let outbound = match acl_entries(graph, acl, true) {
        Fact::Known(e) => e,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    let (admitted, used_in) = acl_admits(&inbound, offered);
    // replies: any protocol, to the client's ephemeral ports, at the client
    let replies = HeaderSpace::from_cube(Cube {
        protocols: ProtoSet::full(),
        ports: PortSet::range(EPHEMERAL.0, EPHEMERAL.1),
        sources: AddrSet::everywhere(),
    });
    let (reply_ok, used_out) = acl_admits(&outbound, &replies);
    // a client is served when some ephemeral port is open back to it: drop
    // the port dimension of the reply space
    let back = HeaderSpace::from_cubes(reply_ok.cubes().iter().map(|c| Cube {
        protocols: c.protocols.clone(),
        ports: PortSet::full(),
        sources: c.sources.clone(),
    }));
    let mut hops: Vec<Hop> = used_in
        .iter()
        .map(|&i| Hop {
            kind: "network-acl",
            address: inbound[i].address.to_string(),
            root: Some(acl.root.clone()),
            detail: format!("inbound rule {} allows", inbound[i].number),
            span: inbound[i].span,
        })
        .collect();
    hops.extend(used_out.iter().map(|&i| Hop {
        kind: "network-acl",
        address: outbound[i].address.to_string(),
        root: Some(acl.root.clone()),
        detail: format!("outbound rule {} allows the replies", outbound[i].number),
        span: outbound[i].span,
    }));
    Fact::Known((admitted.intersect(&back), hops))
}

/// A boolean setting: `Known(Some(b))`, `Known(None)` when unset,
/// `Unknown` when known only after apply. Strings `"true"`/`"false"`
/// (launch templates) count.
fn flag_value(r: &Resource, path: &str) -> Fact<Option<bool>> {
    match r.get_path(path) {
        Some(v) if v.is_unknown() => Fact::Unknown(format!(
            "{}.{} is {}",
            r.address,
            path.replace(".0.", "."),
            v.why_unknown()
        )),
        Some(v) => Fact::Known(match v.strip() {
            Value::Bool(b) => Some(*b),
            Value::String(s) => match &**s {
                "true" => Some(true),
                "false" => Some(false),
                _ => None,
            },
            _ => None,
        }),
        None => Fact::Known(None),
    }
}

/// Does the target have a public address (in this subnet)? Databases by
/// `publicly_accessible`; instances by an Elastic IP, their own setting,
/// else the subnet's `map_public_ip_on_launch`; Auto Scaling groups by
/// their launch template's network interface, else the subnet; ECS
/// services by `assign_public_ip`.
fn public_address(graph: &Graph, r: &Resource, subnet: &Resource) -> Fact<Option<Hop>> {
    let from_subnet = || match flag_value(subnet, "map_public_ip_on_launch") {
        Fact::Known(Some(true)) => Fact::Known(Some(hop(
            "public-address",
            subnet,
            "map_public_ip_on_launch = true",
        ))),
        Fact::Known(_) => Fact::Known(None),
        Fact::Unknown(w) => Fact::Unknown(w),
    };
    let setting = |holder: &Resource, path: &str, text: &str| match flag_value(holder, path) {
        Fact::Known(Some(true)) => Fact::Known(Some(Some(hop("public-address", holder, text)))),
        Fact::Known(Some(false)) => Fact::Known(Some(None)),
        Fact::Known(None) => Fact::Known(None),
        Fact::Unknown(w) => Fact::Unknown(w),
    };
    match r.resource_type.as_str() {
        "aws_db_instance" | "aws_rds_cluster_instance" => {
            match setting(r, "publicly_accessible", "publicly_accessible = true") {
                Fact::Known(v) => Fact::Known(v.flatten()),
                Fact::Unknown(w) => Fact::Unknown(w),
            }
        }
        "aws_ecs_service" => match setting(
            r,
            "network_configuration.0.assign_public_ip",
            "assign_public_ip = true",
        ) {
            Fact::Known(v) => Fact::Known(v.flatten()),
            Fact::Unknown(w) => Fact::Unknown(w),
        },
        "aws_autoscaling_group" => {
            let template = match target(graph, r, "launch_template", "aws_launch_template") {
                Fact::Known(t) => t,
                Fact::Unknown(w) => return Fact::Unknown(w),
            };
            if let Some(t) = template {
                match setting(
                    t,
                    "network_interfaces.0.associate_public_ip_address",
                    "the launch template's network interface asks for a public IP",
                ) {
                    Fact::Known(Some(h)) => return Fact::Known(h),
                    Fact::Known(None) => {}
                    Fact::Unknown(w) => return Fact::Unknown(w),
                }
            }
            from_subnet()
        }
        _ => {
            if let Some(eip) = referring(graph, r, "aws_eip", "instance")
                .into_iter()
                .next()
            {
                return Fact::Known(Some(hop(
                    "public-address",
                    eip,
                    "an Elastic IP is attached",
                )));
            }
            if let Some(eip) = referring(graph, r, "aws_eip_association", "instance_id")
                .into_iter()
                .next()
            {
                return Fact::Known(Some(hop(
                    "public-address",
                    eip,
                    "an Elastic IP is associated",
                )));
            }
            match setting(
                r,
                "associate_public_ip_address",
                "associate_public_ip_address = true",
            ) {
                Fact::Known(Some(h)) => Fact::Known(h),
                Fact::Known(None) => from_subnet(),
                Fact::Unknown(w) => Fact::Unknown(w),
            }
        }
    }
}

/// The internet gateway attached to a VPC, if the configuration has one.
fn internet_gateway<'g>(graph: &'g Graph, vpc: &Resource) -> Option<&'g Resource> {
    referring(graph, vpc, "aws_internet_gateway", "vpc_id")
        .into_iter()
        .next()
        .or_else(|| {
            referring(graph, vpc, "aws_internet_gateway_attachment", "vpc_id")
                .into_iter()
                .next()
        })
}

/// Resources that can hold a public address themselves.
const DIRECT: &[&str] = &[
    "aws_instance",
    "aws_autoscaling_group",
    "aws_ecs_service",
    "aws_db_instance",
    "aws_rds_cluster_instance",
];

/// Everything in the configuration reachable from the internet, or
/// possibly so (verdict unknown, with what is missing). Resources that
/// cannot be reached are absent.
pub fn internet_exposure(graph: &Graph) -> Vec<Exposure> {
    let mut out = Vec::new();
    for r in DIRECT.iter().flat_map(|t| graph.of_type(t)) {
        if r.mode != cloudwright_model::Mode::Managed {
            continue;
        }
        if let Some(e) = expose(graph, r) {
            out.push(e);
        }
    }
    for lb in graph.of_type("aws_lb").chain(graph.of_type("aws_alb")) {
        if lb.mode == cloudwright_model::Mode::Managed {
            out.extend(expose_load_balancer(graph, lb));
        }
    }
    for lb in graph.of_type("aws_elb") {
        if lb.mode == cloudwright_model::Mode::Managed {
            for e in expose_classic(graph, lb) {
                if !out
                    .iter()
                    .any(|x| x.resource == e.resource && x.root == e.root)
                {
                    out.push(e);
                }
            }
        }
    }
    out.extend(front_doors(graph));
    out.sort_by(|a, b| (&a.root, &a.resource).cmp(&(&b.root, &b.resource)));
    out
}

/// A front door on the internet that lives outside any VPC: reachable by
/// construction, on its ports, from `sources`.
fn front_door(
    r: &Resource,
    ports: &[u16],
    sources: AddrSet,
    detail: String,
    via_origins: Vec<&Resource>,
) -> Exposure {
    let space = HeaderSpace::from_cubes(ports.iter().map(|&p| Cube {
        protocols: ProtoSet::single(TCP),
        ports: PortSet::single(p),
        sources: sources.clone(),
    }));
    let mut e = reachable(r, &space, vec![hop("front-door", r, detail)], Vec::new());
    for origin in via_origins {
        e.path
            .push(hop("origin", origin, "serves the requests it forwards"));
    }
    e
}

fn flag(r: &Resource, path: &str) -> Option<Value> {
    r.get_path(path).filter(|v| !v.is_null())
}

/// The other front doors: CloudFront distributions, API Gateway APIs,
/// Lambda function URLs, EKS public API endpoints, Global Accelerator
/// listeners. Each is reachable from the internet by design; what matters
/// is which ones exist, on which ports, from where, and what they front.
fn front_doors(graph: &Graph) -> Vec<Exposure> {
    let internet = AddrSet::internet;
    let mut out = Vec::new();
    let managed = |t: &'static str| {
        graph
            .of_type(t)
            .filter(|r| r.mode == cloudwright_model::Mode::Managed)
    };
    for r in managed("aws_cloudfront_distribution") {
        match flag(r, "enabled") {
            Some(v) if v.is_unknown() => {
                out.push(unknown(
                    r,
                    format!("{}.enabled is {}", r.address, v.why_unknown()),
                ));
                continue;
            }
            Some(v) if v.strip().as_bool() == Some(false) => continue,
            _ => {}
        }
        let origins: Vec<&Resource> = r
            .get("origin")
            .and_then(|v| v.as_list().map(<[Value]>::to_vec))
            .unwrap_or_default()
            .iter()
            .filter_map(|o| o.get("domain_name"))
            .filter_map(|d| crate::topology::origin_resource(graph, &r.root, &d))
            .collect();
        out.push(front_door(
            r,
            &[80, 443],
            internet(),
            "CloudFront distribution: served from edge locations to everyone".into(),
            origins,
        ));
    }
    for r in managed("aws_api_gateway_rest_api") {
        let types = r.get_path("endpoint_configuration.0.types");
        if types.as_ref().is_some_and(Value::is_unknown) {
            out.push(unknown(
                r,
                format!(
                    "{}.endpoint_configuration is {}",
                    r.address,
                    types.as_ref().map_or("", Value::why_unknown)
                ),
            ));
            continue;
        }
        let private = types
            .and_then(|t| t.as_list().map(<[Value]>::to_vec))
            .unwrap_or_default()
            .iter()
            .any(|t| string(t) == Some("PRIVATE"));
        if private || !default_endpoint_open(r, &mut out) {
            continue;
        }
        out.push(front_door(
            r,
            &[443],
            internet(),
            "REST API with a public endpoint".into(),
            Vec::new(),
        ));
    }
    for r in managed("aws_apigatewayv2_api") {
        if !default_endpoint_open(r, &mut out) {
            continue;
        }
        let protocol = r
            .get("protocol_type")
            .as_ref()
            .and_then(string)
            .unwrap_or("HTTP")
            .to_string();
        out.push(front_door(
            r,
            &[443],
            internet(),
            format!("{protocol} API with a public endpoint"),
            Vec::new(),
        ));
    }
    for r in managed("aws_lambda_function_url") {
        let auth = match flag(r, "authorization_type") {
            Some(v) if v.is_unknown() => {
                out.push(unknown(
                    r,
                    format!("{}.authorization_type is {}", r.address, v.why_unknown()),
                ));
                continue;
            }
            Some(v) => string(&v).unwrap_or("NONE").to_string(),
            None => "NONE".to_string(),
        };
        let function = crate::topology::target(graph, r, "function_name", "aws_lambda_function");
        let origins = match function {
            Fact::Known(Some(f)) => vec![f],
            _ => Vec::new(),
        };
        let detail = if auth == "AWS_IAM" {
            "function URL: callers must sign requests (AWS_IAM)".to_string()
        } else {
            "function URL with authorization_type NONE: anyone can invoke the function".to_string()
        };
        out.push(front_door(r, &[443], internet(), detail, origins));
    }
    for r in managed("aws_eks_cluster") {
        let public = flag(r, "vpc_config.0.endpoint_public_access");
        match &public {
            Some(v) if v.is_unknown() => {
                out.push(unknown(
                    r,
                    format!(
                        "{}.vpc_config.endpoint_public_access is {}",
                        r.address,
                        v.why_unknown()
                    ),
                ));
                continue;
            }
            Some(v) if v.strip().as_bool() == Some(false) => continue,
            _ => {}
        }
        let cidrs: Vec<Value> = flag(r, "vpc_config.0.public_access_cidrs")
            .and_then(|v| v.as_list().map(<[Value]>::to_vec))
            .unwrap_or_default();
        let sources = if cidrs.is_empty() {
            internet()
        } else {
            match crate::topology::addresses(&cidrs) {
                Fact::Known(a) => a.intersect(&internet()),
                Fact::Unknown(_) => {
                    out.push(unknown(
                        r,
                        format!(
                            "{}.vpc_config.public_access_cidrs is {}",
                            r.address,
                            Value::list(cidrs.clone()).why_unknown()
                        ),
                    ));
                    continue;
                }
            }
        };
        if sources.is_empty() {
            continue;
        }
        out.push(front_door(
            r,
            &[443],
            sources,
            "EKS cluster with a public Kubernetes API endpoint".into(),
            Vec::new(),
        ));
    }
    for r in managed("aws_globalaccelerator_listener") {
        let ranges: Vec<(u16, u16)> = r
            .get("port_range")
            .and_then(|v| v.as_list().map(<[Value]>::to_vec))
            .unwrap_or_default()
            .iter()
            .filter_map(|b| {
                let n = |k: &str| {
                    b.get(k)
                        .and_then(|v| v.strip().as_number())
                        .map(|n| n as u16)
                };
                Some((n("from_port")?, n("to_port")?))
            })
            .collect();
        let protocol = match r.get("protocol").as_ref().and_then(string) {
            Some("UDP") => UDP,
            _ => TCP,
        };
        let space = HeaderSpace::from_cubes(ranges.iter().map(|&(a, b)| Cube {
            protocols: ProtoSet::single(protocol),
            ports: PortSet::range(a, b.max(a)),
            sources: internet(),
        }));
        if space.is_empty() {
            out.push(unknown(
                r,
                format!("the port ranges of {} are not known", r.address),
            ));
            continue;
        }
        let endpoints = referring(
            graph,
            r,
            "aws_globalaccelerator_endpoint_group",
            "listener_arn",
        );
        let mut e = reachable(
            r,
            &space,
            vec![hop(
                "front-door",
                r,
                "Global Accelerator listener on anycast addresses",
            )],
            Vec::new(),
        );
        e.path.extend(
            endpoints
                .into_iter()
                .map(|g| hop("origin", g, "endpoint group receiving the traffic")),
        );
        out.push(e);
    }
    out
}

/// `disable_execute_api_endpoint = true`: the default endpoint is off
/// (a custom domain may still serve the API; that is a separate door).
/// Whether the API's default endpoint serves; when the code does not
/// determine it, the API is recorded as undecidable in `out`.
fn default_endpoint_open(r: &Resource, out: &mut Vec<Exposure>) -> bool {
    match disabled_default_endpoint(r) {
        Fact::Known(disabled) => !disabled,
        Fact::Unknown(w) => {
            out.push(unknown(r, w));
            false
        }
    }
}

fn disabled_default_endpoint(r: &Resource) -> Fact<bool> {
    match r.get("disable_execute_api_endpoint") {
        Some(v) if v.is_unknown() => Fact::Unknown(format!(
            "{}.disable_execute_api_endpoint is {}",
            r.address,
            v.why_unknown()
        )),
        v => Fact::Known(v.is_some_and(|v| v.strip().as_bool() == Some(true))),
    }
}

fn unknown(r: &Resource, missing: String) -> Exposure {
    Exposure {
        resource: r.address.to_string(),
        root: r.root.to_string(),
        resource_type: r.resource_type.to_string(),
        verdict: Verdict::Unknown,
        services: Vec::new(),
        sources: Vec::new(),
        via: Vec::new(),
        path: Vec::new(),
        missing: vec![missing],
        span: r.span,
    }
}

/// What security groups admit of traffic from `routed` addresses, with the
/// rules that admit it.
fn groups_admit(
    graph: &Graph,
    groups: &[&Resource],
    routed: &AddrSet,
) -> Fact<(HeaderSpace, Vec<Hop>)> {
    let mut admitted = HeaderSpace::empty();
    let mut hops = Vec::new();
    let mut undecided = None;
    let from_routed = HeaderSpace::from_cube(Cube {
        protocols: ProtoSet::full(),
        ports: PortSet::full(),
        sources: routed.clone(),
    });
    for g in groups {
        match sg_ingress(graph, g) {
            Fact::Known(perms) => {
                for p in perms {
                    let reach = p.space.intersect(&from_routed);
                    if !reach.is_empty() {
                        admitted = admitted.union(&reach);
                        hops.push(rule_hop(
                            &p.root,
                            &p.address,
                            &p.attribute,
                            p.span,
                            "admits it",
                        ));
                    }
                }
            }
            Fact::Unknown(w) => {
                undecided.get_or_insert(w);
            }
        }
    }
    match undecided {
        Some(w) if admitted.is_empty() => Fact::Unknown(w),
        _ => Fact::Known((admitted, hops)),
    }
}

/// What the target's filters (security groups, listeners) admit of
/// traffic from the routed addresses, given the VPC.
type Admit<'a> = dyn Fn(&Resource, &AddrSet) -> Fact<(HeaderSpace, Vec<Hop>)> + 'a;

/// The internet-facing path into one subnet for a target with a public
/// address: `Known(None)` when something definitely blocks it.
fn internet_path(
    graph: &Graph,
    subnet: &Resource,
    public: Hop,
    admit: &Admit<'_>,
) -> Fact<Option<(HeaderSpace, Vec<Hop>)>> {
    let vpc = match target(graph, subnet, "vpc_id", "aws_vpc") {
        Fact::Known(Some(v)) => v,
        Fact::Known(None) => {
            return Fact::Unknown(format!(
                "the VPC of {} is not in this configuration",
                subnet.address
            ))
        }
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    let Some(igw) = internet_gateway(graph, vpc) else {
        return Fact::Known(None);
    };
    let (routed, route_hops) = match internet_routes(graph, subnet, vpc) {
        Fact::Known(x) => x,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    if routed.is_empty() {
        return Fact::Known(None);
    }
    let (admitted, sg_hops) = match admit(vpc, &routed) {
        Fact::Known(x) => x,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    if admitted.is_empty() {
        return Fact::Known(None);
    }
    let (through, acl_hops) = match acl(graph, subnet, vpc, &admitted) {
        Fact::Known(x) => x,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    if through.is_empty() {
        return Fact::Known(None);
    }
    let mut path = vec![
        public,
        hop(
            "internet-gateway",
            igw,
            format!("attached to {}", vpc.address),
        ),
    ];
    path.extend(route_hops);
    path.extend(acl_hops);
    path.extend(sg_hops);
    Fact::Known(Some((through, path)))
}

fn reachable(r: &Resource, through: &HeaderSpace, path: Vec<Hop>, via: Vec<String>) -> Exposure {
    Exposure {
        resource: r.address.to_string(),
        root: r.root.to_string(),
        resource_type: r.resource_type.to_string(),
        verdict: Verdict::Reachable,
        services: services(through),
        sources: sources(through),
        via,
        path,
        missing: Vec::new(),
        span: r.span,
    }
}

fn expose(graph: &Graph, r: &Resource) -> Option<Exposure> {
    let sides = match crate::topology::interfaces(graph, r) {
        Fact::Known(s) => s,
        Fact::Unknown(w) => return Some(unknown(r, w)),
    };
    let mut undecided: Option<String> = None;
    for side in sides {
        let public = match public_address(graph, r, side.subnet) {
            Fact::Known(Some(h)) => h,
            Fact::Known(None) => continue,
            Fact::Unknown(w) => {
                undecided.get_or_insert(w);
                continue;
            }
        };
        // the VPC's unmanaged default group admits only its own members
        let admit = |_: &Resource, routed: &AddrSet| {
            if side.default_group {
                return Fact::Known((HeaderSpace::empty(), Vec::new()));
            }
            groups_admit(graph, &side.groups, routed)
        };
        match internet_path(graph, side.subnet, public, &admit) {
            Fact::Known(Some((through, path))) => {
                return Some(reachable(r, &through, path, Vec::new()))
            }
            Fact::Known(None) => {}
            Fact::Unknown(w) => {
                undecided.get_or_insert(w);
            }
        }
    }
    undecided.map(|w| unknown(r, w))
}

/// The listeners of a load balancer as a header space of what it accepts
/// from anywhere, with the listeners themselves.
fn listeners<'g>(graph: &'g Graph, lb: &Resource) -> Fact<(HeaderSpace, Vec<&'g Resource>)> {
    let mut space = HeaderSpace::empty();
    let list = referring(graph, lb, "aws_lb_listener", "load_balancer_arn");
    for l in &list {
        let port = match l.get("port") {
            Some(v) if v.is_unknown() => {
                return Fact::Unknown(format!("{}.port is {}", l.address, v.why_unknown()))
            }
            Some(v) => v.strip().as_number().map(|n| n as u16),
            None => None,
        };
        let protocol = l
            .get("protocol")
            .as_ref()
            .and_then(string)
            .map(str::to_ascii_uppercase);
        let protocols = match protocol.as_deref() {
            Some("UDP") => ProtoSet::single(UDP),
            Some("TCP_UDP") => ProtoSet::single(TCP).union(&ProtoSet::single(UDP)),
            _ => ProtoSet::single(TCP),
        };
        // a listener without a port listens on its protocol's default
        let port = port.unwrap_or(if protocol.as_deref() == Some("HTTPS") {
            443
        } else {
            80
        });
        space = space.union(&HeaderSpace::from_cube(Cube {
            protocols,
            ports: PortSet::single(port),
            sources: AddrSet::everywhere(),
        }));
    }
    Fact::Known((space, list))
}

/// An internet-facing load balancer as a front door, and the targets it
/// forwards to whose security groups admit the load balancer's group.
fn expose_load_balancer(graph: &Graph, lb: &Resource) -> Vec<Exposure> {
    let out = expose_load_balancer_alone(graph, lb);
    with_unknown_backends(lb, || lb_backends(graph, lb), out)
}

fn expose_load_balancer_alone(graph: &Graph, lb: &Resource) -> Vec<Exposure> {
    match lb.get("internal") {
        Some(v) if v.is_unknown() => {
            return vec![unknown(
                lb,
                format!("{}.internal is {}", lb.address, v.why_unknown()),
            )]
        }
        Some(v) if v.strip().as_bool() == Some(true) => return Vec::new(),
        _ => {}
    }
    let kind_value = lb.get("load_balancer_type");
    if let Some(v) = kind_value.as_ref().filter(|v| v.is_unknown()) {
        let why = format!("{}.load_balancer_type is {}", lb.address, v.why_unknown());
        return vec![unknown(lb, why)];
    }
    let kind = kind_value
        .as_ref()
        .and_then(string)
        .unwrap_or("application")
        .to_string();
    if kind == "gateway" {
        return Vec::new();
    }
    let (accepted, listener_list) = match listeners(graph, lb) {
        Fact::Known(x) => x,
        Fact::Unknown(w) => return vec![unknown(lb, w)],
    };
    if listener_list.is_empty() {
        return Vec::new();
    }
    let subnets = match targets(graph, lb, "subnets", "aws_subnet") {
        Fact::Known(s) if !s.is_empty() => s,
        Fact::Known(_) => match targets(graph, lb, "subnet_mapping", "aws_subnet") {
            Fact::Known(s) => s,
            Fact::Unknown(w) => return vec![unknown(lb, w)],
        },
        Fact::Unknown(w) => return vec![unknown(lb, w)],
    };
    let groups = match targets(graph, lb, "security_groups", "aws_security_group") {
        Fact::Known(g) => g,
        Fact::Unknown(w) => return vec![unknown(lb, w)],
    };
    let mut undecided = None;
    let mut front = None;
    for subnet in subnets {
        let public = hop(
            "public-address",
            lb,
            format!("internet-facing {kind} load balancer"),
        );
        let admit = |vpc: &Resource, routed: &AddrSet| {
            let from_routed = accepted.intersect(&HeaderSpace::from_cube(Cube {
                protocols: ProtoSet::full(),
                ports: PortSet::full(),
                sources: routed.clone(),
            }));
            let mut hops: Vec<Hop> = listener_list
                .iter()
                .map(|l| hop("listener", l, "accepts connections"))
                .collect();
            // a network load balancer without security groups filters nothing
            if groups.is_empty() && kind == "network" {
                return Fact::Known((from_routed, hops));
            }
            let groups = if groups.is_empty() {
                referring(graph, vpc, "aws_default_security_group", "vpc_id")
            } else {
                groups.clone()
            };
            match groups_admit(graph, &groups, routed) {
                Fact::Known((space, sg_hops)) => {
                    hops.extend(sg_hops);
                    Fact::Known((from_routed.intersect(&space), hops))
                }
                Fact::Unknown(w) => Fact::Unknown(w),
            }
        };
        match internet_path(graph, subnet, public, &admit) {
            Fact::Known(Some(x)) => {
                front = Some(x);
                break;
            }
            Fact::Known(None) => {}
            Fact::Unknown(w) => {
                undecided.get_or_insert(w);
            }
        }
    }
    let Some((through, path)) = front else {
        return undecided.map(|w| unknown(lb, w)).into_iter().collect();
    };
    let mut out = vec![reachable(lb, &through, path.clone(), Vec::new())];
    let front = Front::of(graph, lb, &groups, &through);
    for listener in listener_list {
        let group = match target(graph, listener, "default_action", "aws_lb_target_group") {
            Fact::Known(Some(g)) => g,
            _ => continue,
        };
        let port = group
            .get("port")
            .and_then(|v| v.strip().as_number())
            .map(|n| n as u16);
        for (backend, sgs) in backends(graph, group) {
            if out
                .iter()
                .any(|e| e.resource == backend.address && e.root == *backend.root)
            {
                continue;
            }
            // a port the code does not determine may be any the groups admit
            if let Some(v) = group.get("port").filter(|v| v.is_unknown()) {
                let why = format!("{}.port is {}", group.address, v.why_unknown());
                out.push(unknown(backend, format!("behind {}: {why}", lb.address)));
                continue;
            }
            let ports = port.map_or_else(PortSet::full, PortSet::single);
            let (sg_hop, clients) = match target_admits(&front, group, &sgs, &ports) {
                Fact::Known(Some(x)) => x,
                Fact::Known(None) => continue,
                Fact::Unknown(w) => {
                    out.push(unknown(backend, format!("behind {}: {w}", lb.address)));
                    continue;
                }
            };
            // the path through this listener only
            let mut p: Vec<Hop> = path
                .iter()
                .filter(|h| h.kind != "listener" || h.address == listener.address)
                .cloned()
                .collect();
            p.push(hop(
                "target-group",
                group,
                match port {
                    Some(port) => format!("{} forwards to port {port}", listener.address),
                    None => format!("{} forwards to its targets", listener.address),
                },
            ));
            p.push(sg_hop);
            let mut e = reachable(backend, &clients, p, vec![lb.address.to_string()]);
            if let Some(port) = port {
                e.services = vec![("tcp".to_string(), vec![(port, port)])];
            }
            out.push(e);
        }
    }
    out
}

/// The CIDR ranges of a load balancer's subnets, when all are known: the
/// addresses its nodes use towards targets.
fn subnet_ranges(graph: &Graph, lb: &Resource) -> Option<AddrSet> {
    let Fact::Known(subnets) = targets(graph, lb, "subnets", "aws_subnet") else {
        return None;
    };
    let mut set = AddrSet::empty();
    for s in &subnets {
        let net = s
            .get("cidr_block")
            .as_ref()
            .and_then(string)
            .and_then(|c| c.parse::<ipnet::IpNet>().ok())?;
        set = set.union(&AddrSet::from_net(&net));
    }
    (!subnets.is_empty()).then_some(set)
}

/// Whether a target's security groups admit what the load balancer sends
/// on `ports`: the rule that does, and the internet clients that get
/// through. A load balancer with security groups is admitted by a rule
/// naming one of them; one that proxies (an ALB, or an NLB not preserving
/// client addresses) by a CIDR rule covering its subnets; an NLB that
/// preserves client addresses by a CIDR rule admitting the clients
/// themselves. Unknown when they may, unseen: the targets' rules, or the
/// load balancer's subnets' ranges, are not known from the code.
fn target_admits(
    lb: &Front<'_>,
    group: &Resource,
    sgs: &[&Resource],
    ports: &PortSet,
) -> Fact<Option<(Hop, HeaderSpace)>> {
    if let Some(found) = target_admits_known(lb, group, sgs, ports) {
        return Fact::Known(Some(found));
    }
    let Front {
        graph,
        lb,
        lb_subnets,
        ..
    } = lb;
    for sg in sgs {
        if let Fact::Unknown(w) = sg_ingress(graph, sg) {
            return Fact::Unknown(w);
        }
        if let Some(w) = crate::topology::sg_group_permissions_unknown(sg, false) {
            return Fact::Unknown(w);
        }
    }
    if lb_subnets.is_none() {
        if let Fact::Known(subnets) = targets(graph, lb, "subnets", "aws_subnet") {
            if let Some((s, v)) = subnets.iter().find_map(|s| {
                s.get("cidr_block")
                    .filter(|v| v.is_unknown())
                    .map(|v| (s, v))
            }) {
                return Fact::Unknown(format!("{}.cidr_block is {}", s.address, v.why_unknown()));
            }
        }
    }
    Fact::Known(None)
}

/// A load balancer as its targets see it: its security groups, its
/// subnets' ranges, and the internet traffic that gets through it.
struct Front<'a> {
    graph: &'a Graph,
    lb: &'a Resource,
    lb_groups: Vec<String>,
    lb_subnets: Option<AddrSet>,
    through: &'a HeaderSpace,
}

impl<'a> Front<'a> {
    fn of(
        graph: &'a Graph,
        lb: &'a Resource,
        groups: &[&Resource],
        through: &'a HeaderSpace,
    ) -> Front<'a> {
        Front {
            graph,
            lb,
            lb_groups: groups.iter().map(|g| g.address.to_string()).collect(),
            lb_subnets: subnet_ranges(graph, lb),
            through,
        }
    }
}

/// [`target_admits`] on what the code says.
fn target_admits_known(
    lb: &Front<'_>,
    group: &Resource,
    sgs: &[&Resource],
    ports: &PortSet,
) -> Option<(Hop, HeaderSpace)> {
    let Front {
        graph,
        lb,
        lb_groups,
        lb_subnets,
        through,
    } = lb;
    let through: &HeaderSpace = through;
    for sg in sgs {
        for perm in crate::topology::sg_ingress_from_groups(graph, sg) {
            let from_lb = perm.from_groups.iter().any(|g| lb_groups.contains(g));
            if from_lb && perm.protocols.contains(TCP) && ports.difference(&perm.ports).is_empty() {
                let h = rule_hop(
                    &perm.root,
                    &perm.address,
                    &perm.attribute,
                    perm.span,
                    "admits the load balancer's security group",
                );
                return Some((h, through.clone()));
            }
        }
    }
    let network = lb.get("load_balancer_type").as_ref().and_then(string) == Some("network");
    // an NLB preserves client addresses for instance targets unless told
    // otherwise (for IP targets over TCP it does not by default)
    let preserves = network
        && match group.get("preserve_client_ip").as_ref().map(Value::strip) {
            Some(Value::String(s)) => &**s == "true",
            Some(Value::Bool(b)) => *b,
            _ => {
                group
                    .get("target_type")
                    .as_ref()
                    .and_then(string)
                    .unwrap_or("instance")
                    == "instance"
            }
        };
    let offered = HeaderSpace::from_cube(Cube {
        protocols: ProtoSet::single(TCP),
        ports: ports.clone(),
        sources: AddrSet::everywhere(),
    });
    for sg in sgs {
        let Fact::Known(perms) = sg_ingress(graph, sg) else {
            continue;
        };
        for perm in perms {
            let admitted = perm.space.intersect(&offered);
            if admitted.is_empty() {
                continue;
            }
            if preserves {
                let clients = through.intersect(&HeaderSpace::from_cube(Cube {
                    protocols: ProtoSet::full(),
                    ports: PortSet::full(),
                    sources: admitted
                        .cubes()
                        .iter()
                        .fold(AddrSet::empty(), |a, c| a.union(&c.sources)),
                }));
                if !clients.is_empty() {
                    let h = rule_hop(
                        &perm.root,
                        &perm.address,
                        &perm.attribute,
                        perm.span,
                        "admits the clients, whose addresses the load balancer preserves",
                    );
                    return Some((h, clients));
                }
            } else if let Some(nodes) = lb_subnets {
                let covered = admitted.cubes().iter().any(|c| {
                    ports.difference(&c.ports).is_empty() && nodes.difference(&c.sources).is_empty()
                });
                if covered {
                    let h = rule_hop(
                        &perm.root,
                        &perm.address,
                        &perm.attribute,
                        perm.span,
                        "admits the load balancer's subnets",
                    );
                    return Some((h, through.clone()));
                }
            }
        }
    }
    None
}

/// The targets of a target group with their security groups: instances
/// attached to it, ECS services registering their tasks into it, and Auto
/// Scaling groups registering into it (with their launch template's
/// groups).
fn backends<'g>(graph: &'g Graph, group: &Resource) -> Vec<(&'g Resource, Vec<&'g Resource>)> {
    let mut out = Vec::new();
    for attachment in referring(
        graph,
        group,
        "aws_lb_target_group_attachment",
        "target_group_arn",
    ) {
        if let Fact::Known(Some(instance)) = target(graph, attachment, "target_id", "aws_instance")
        {
            if let Fact::Known(sgs) = targets(
                graph,
                instance,
                "vpc_security_group_ids",
                "aws_security_group",
            ) {
                out.push((instance, sgs));
            }
        }
    }
    for service in referring(graph, group, "aws_ecs_service", "load_balancer") {
        if let Fact::Known(sgs) = targets(
            graph,
            service,
            "network_configuration.0.security_groups",
            "aws_security_group",
        ) {
            out.push((service, sgs));
        }
    }
    for asg in referring(graph, group, "aws_autoscaling_group", "target_group_arns") {
        if let Fact::Known(Some(template)) =
            target(graph, asg, "launch_template", "aws_launch_template")
        {
            if let Fact::Known(sgs) = targets(
                graph,
                template,
                "vpc_security_group_ids",
                "aws_security_group",
            ) {
                out.push((asg, sgs));
            }
        }
    }
    out
}

/// Protocols and port ranges of a space as text (`tcp 80,443, udp 53`).
pub fn services_text(space: &HeaderSpace) -> String {
    describe_services(&services(space))
}

/// Services as text: `tcp 80,443`, `all traffic`, `icmp`.
pub fn describe_services(services: &[(String, Vec<(u16, u16)>)]) -> String {
    services
        .iter()
        .map(|(proto, ranges)| {
            if ranges.is_empty() || ranges == &[(0, 65535)] {
                return if proto == "all" {
                    "all traffic".to_string()
                } else {
                    proto.clone()
                };
            }
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
            format!("{proto} {}", ports.join(","))
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// Protocols and port ranges of a space, for display.
pub fn services(space: &HeaderSpace) -> Vec<(String, Vec<(u16, u16)>)> {
    let mut out: Vec<(String, Vec<(u16, u16)>)> = Vec::new();
    let all = space
        .cubes()
        .iter()
        .fold(ProtoSet::empty(), |p, c| p.union(&c.protocols));
    if all.is_full() {
        return vec![("all".into(), vec![(0, 65535)])];
    }
    for (proto, name) in [(TCP, "tcp"), (UDP, "udp")] {
        let ports = space
            .cubes()
            .iter()
            .filter(|c| c.protocols.contains(proto))
            .fold(PortSet::empty(), |p, c| p.union(&c.ports));
        if !ports.is_empty() {
            out.push((name.to_string(), ports.ranges().to_vec()));
        }
    }
    for (a, b) in all
        .difference(&ProtoSet::from_ranges([(TCP, TCP), (UDP, UDP)]))
        .ranges()
    {
        for p in *a..=*b {
            let name = match p {
                1 => "icmp".to_string(),
                58 => "icmpv6".to_string(),
                n => format!("protocol {n}"),
            };
            out.push((name, Vec::new()));
        }
    }
    out
}

/// Client addresses of a space as CIDRs: the whole public address space
/// reads `0.0.0.0/0` / `::/0`; anything narrower is listed exactly.
fn sources(space: &HeaderSpace) -> Vec<String> {
    let all = space
        .cubes()
        .iter()
        .fold(AddrSet::empty(), |a, c| a.union(&c.sources));
    let internet = AddrSet::internet();
    let mut out = Vec::new();
    // the whole public address space reads as the usual notation
    if all.v4 == internet.v4 {
        out.push("0.0.0.0/0".to_string());
    } else {
        for &(a, b) in all.v4.ranges() {
            out.extend(ipnet::Ipv4Subnets::new(a.into(), b.into(), 0).map(|n| n.to_string()));
        }
    }
    if all.v6 == internet.v6 {
        out.push("::/0".to_string());
        return out;
    }
    for &(a, b) in all.v6.ranges() {
        out.extend(ipnet::Ipv6Subnets::new(a.into(), b.into(), 0).map(|n| n.to_string()));
    }
    out
}

/// Can clients on the internet (`clients`, public addresses) reach `to`
/// with the traffic `asked`? The path when they can; when they cannot,
/// the first component on the direct path that stops them and the change
/// that would open it.
pub fn from_internet(
    graph: &Graph,
    to: &Resource,
    clients: &AddrSet,
    asked: &HeaderSpace,
) -> crate::reach::Answer {
    use crate::reach::{Answer, Outcome};
    let clients = clients.intersect(&AddrSet::internet());
    let mut answer = Answer {
        from: "internet".into(),
        to: to.address.to_string(),
        outcome: Outcome::Unknown,
        services: Vec::new(),
        path: Vec::new(),
        blocked_by: None,
        change: None,
        missing: Vec::new(),
    };
    let all = internet_exposure(graph);
    let found = all
        .iter()
        .find(|e| e.resource == to.address && e.root == *to.root);
    if let Some(e) = found {
        if e.verdict == Verdict::Unknown {
            answer.missing = e.missing.clone();
            return answer;
        }
        let space = services_space(&e.services);
        let through = space.intersect(asked);
        let reached: Vec<&String> = e
            .sources
            .iter()
            .filter(|s| {
                s.parse::<ipnet::IpNet>()
                    .is_ok_and(|n| !AddrSet::from_net(&n).intersect(&clients).is_empty())
            })
            .collect();
        answer.path = e.path.clone();
        if !through.is_empty() && !reached.is_empty() {
            answer.outcome = crate::reach::Outcome::Reachable;
            answer.services = services(&through);
            let closers: Vec<&str> = e
                .path
                .iter()
                .filter(|h| h.kind == "security-group")
                .map(|h| h.address.as_str())
                .collect();
            answer.change = Some(format!(
                "to close it, remove or narrow {}",
                closers.join(", ")
            ));
        } else {
            answer.outcome = Outcome::Blocked;
            let last = e.path.iter().rev().find(|h| h.kind == "security-group");
            answer.blocked_by = last.cloned().map(|h| Hop {
                detail: format!(
                    "admits only {} from {}",
                    describe_services(&e.services),
                    e.sources.join(", ")
                ),
                ..h
            });
            answer.change = Some(format!(
                "admit {} from the clients in the security group",
                services_text(asked)
            ));
        }
        return answer;
    }
    // not exposed: say what stops the direct path
    let blocker = diagnose(graph, to, &clients, asked);
    match blocker {
        Fact::Known((hop, change)) => {
            answer.outcome = Outcome::Blocked;
            answer.blocked_by = Some(hop);
            answer.change = Some(change);
        }
        Fact::Unknown(w) => answer.missing = vec![w],
    }
    answer
}

/// The first component on the direct internet path to `to` that stops
/// `asked` from `clients`.
fn diagnose(
    graph: &Graph,
    to: &Resource,
    clients: &AddrSet,
    asked: &HeaderSpace,
) -> Fact<(Hop, String)> {
    let sides = match crate::topology::interfaces(graph, to) {
        Fact::Known(s) => s,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    let Some(side) = sides.first() else {
        return Fact::Known((
            hop(
                "public-address",
                to,
                "not in any VPC of this configuration and not a front door the engine knows",
            ),
            "nothing in the network configuration exposes it".into(),
        ));
    };
    // the first interface tells the story; the others share placement
    let subnet = side.subnet;
    let public = match public_address(graph, to, subnet) {
        Fact::Known(p) => p,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    let internet_facing_lb = matches!(to.resource_type.as_str(), "aws_lb" | "aws_alb" | "aws_elb")
        && to.get("internal").and_then(|v| v.strip().as_bool()) != Some(true);
    if public.is_none() && !internet_facing_lb {
        let what = match to.resource_type.as_str() {
            "aws_db_instance" => "publicly_accessible is not true",
            "aws_lb" | "aws_alb" => "the load balancer is internal",
            _ => "it has no public address (no public IP, no Elastic IP)",
        };
        return Fact::Known((
            hop("public-address", to, what),
            "it would need a public address (rarely what a private resource should get)".into(),
        ));
    }
    let vpc = side.vpc;
    let Some(igw) = internet_gateway(graph, vpc) else {
        return Fact::Known((
            hop("internet-gateway", vpc, "no internet gateway is attached"),
            format!("attach an internet gateway to {}", vpc.address),
        ));
    };
    let (routed, _) = match internet_routes(graph, subnet, vpc) {
        Fact::Known(x) => x,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    let routed = routed.intersect(clients);
    if routed.is_empty() {
        let table = match route_table(graph, subnet, vpc) {
            Fact::Known(Some(t)) => t,
            _ => vpc,
        };
        return Fact::Known((
            hop(
                "route",
                table,
                format!("does not send the clients' addresses to {}", igw.address),
            ),
            format!(
                "route 0.0.0.0/0 to {} in the route table of {}",
                igw.address, subnet.address
            ),
        ));
    }
    let offered = HeaderSpace::from_cubes(asked.cubes().iter().map(|c| Cube {
        sources: routed.clone(),
        ..c.clone()
    }));
    let groups = side.groups.clone();
    let admitted = match groups_admit(graph, &groups, &routed) {
        Fact::Known((space, _)) => space.intersect(&offered),
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    if admitted.is_empty() && !(groups.is_empty() && internet_facing_lb) {
        let names: Vec<&str> = groups.iter().map(|g| g.address.as_str()).collect();
        let first = groups.first().copied().unwrap_or(vpc);
        return Fact::Known((
            Hop {
                kind: "security-group",
                root: Some(first.root.clone()),
                address: if names.is_empty() {
                    format!("the default security group of {}", vpc.address)
                } else {
                    names.join(", ")
                },
                detail: format!(
                    "no ingress rule admits {} from the internet",
                    services_text(asked)
                ),
                span: first.span,
            },
            format!(
                "add an ingress rule for {} from the clients to {}",
                services_text(asked),
                names.first().unwrap_or(&"its security group")
            ),
        ));
    }
    let (through, _) = match acl(graph, subnet, vpc, &offered) {
        Fact::Known(x) => x,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    if through.is_empty() {
        let acl_resource = match subnet_acl(graph, subnet, vpc) {
            Fact::Known(Some(a)) => a,
            _ => subnet,
        };
        return Fact::Known((
            hop(
                "network-acl",
                acl_resource,
                "drops the request or its replies (ephemeral ports 1024-65535)",
            ),
            format!(
                "allow {} inbound and the replies outbound in {}",
                services_text(asked),
                acl_resource.address
            ),
        ));
    }
    Fact::Unknown(format!(
        "{} passes every filter on the direct path but was not found exposed (a load balancer listener or target group may be missing)",
        to.address
    ))
}

/// The header space (any source) of displayed services.
pub fn services_space(services: &[(String, Vec<(u16, u16)>)]) -> HeaderSpace {
    let mut space = HeaderSpace::empty();
    for (proto, ranges) in services {
        let protocols = match proto.as_str() {
            "all" => ProtoSet::full(),
            "tcp" => ProtoSet::single(TCP),
            "udp" => ProtoSet::single(UDP),
            "icmp" => ProtoSet::single(1),
            "icmpv6" => ProtoSet::single(58),
            other => other
                .strip_prefix("protocol ")
                .and_then(|n| n.parse().ok())
                .map_or_else(ProtoSet::empty, ProtoSet::single),
        };
        let ports = if ranges.is_empty() {
            PortSet::full()
        } else {
            PortSet::from_ranges(ranges.iter().copied())
        };
        space = space.union(&HeaderSpace::from_cube(Cube {
            protocols,
            ports,
            sources: AddrSet::everywhere(),
        }));
    }
    space
}

/// The exposures that carry some of `asked` (protocols × ports), with
/// their services narrowed to it; undecidable ones stay.
pub fn narrow(exposures: Vec<Exposure>, asked: &HeaderSpace) -> Vec<Exposure> {
    exposures
        .into_iter()
        .filter_map(|mut e| {
            if e.verdict == Verdict::Unknown {
                return Some(e);
            }
            let through = services_space(&e.services).intersect(asked);
            if through.is_empty() {
                return None;
            }
            e.services = services(&through);
            Some(e)
        })
        .collect()
}

/// An internet-facing Classic Load Balancer: its inline listeners, its
/// security groups, and the instances registered with it (`instances`,
/// `aws_elb_attachment`, Auto Scaling groups naming it in
/// `load_balancers`) whose groups admit it on the instance port.
/// The instances and Auto Scaling groups behind a classic load balancer.
fn classic_backends<'g>(graph: &'g Graph, lb: &Resource) -> Vec<&'g Resource> {
    let mut backends: Vec<&Resource> = match targets(graph, lb, "instances", "aws_instance") {
        Fact::Known(list) => list,
        Fact::Unknown(_) => Vec::new(),
    };
    for a in referring(graph, lb, "aws_elb_attachment", "elb") {
        if let Fact::Known(Some(i)) = target(graph, a, "instance", "aws_instance") {
            backends.push(i);
        }
    }
    backends.extend(referring(
        graph,
        lb,
        "aws_autoscaling_group",
        "load_balancers",
    ));
    backends
}

/// The compute behind an application or network load balancer: what its
/// listeners' target groups register.
fn lb_backends<'g>(graph: &'g Graph, lb: &Resource) -> Vec<&'g Resource> {
    let mut out: Vec<&Resource> = Vec::new();
    for listener in referring(graph, lb, "aws_lb_listener", "load_balancer_arn") {
        if let Fact::Known(Some(group)) =
            target(graph, listener, "default_action", "aws_lb_target_group")
        {
            for (backend, _) in backends(graph, group) {
                if !out.iter().any(|o| std::ptr::eq(*o, backend)) {
                    out.push(backend);
                }
            }
        }
    }
    out
}

/// A load balancer the code does not say is exposed or not: what is behind
/// it may be reached through it, so it is undecidable too — never dropped.
fn with_unknown_backends<'g>(
    lb: &Resource,
    backends: impl FnOnce() -> Vec<&'g Resource>,
    mut out: Vec<Exposure>,
) -> Vec<Exposure> {
    let lb_at = |e: &Exposure| e.resource == lb.address && e.root == *lb.root;
    let why = match out.iter().find(|e| lb_at(e)) {
        Some(e) if e.verdict == Verdict::Unknown => e.missing.join("; "),
        _ => return out,
    };
    for b in backends() {
        if !out
            .iter()
            .any(|e| e.resource == b.address && e.root == *b.root)
        {
            out.push(unknown(b, format!("behind {}: {why}", lb.address)));
        }
    }
    out
}

fn expose_classic(graph: &Graph, lb: &Resource) -> Vec<Exposure> {
    let out = expose_classic_alone(graph, lb);
    with_unknown_backends(lb, || classic_backends(graph, lb), out)
}

fn expose_classic_alone(graph: &Graph, lb: &Resource) -> Vec<Exposure> {
    match flag_value(lb, "internal") {
        Fact::Known(Some(true)) => return Vec::new(),
        Fact::Unknown(w) => return vec![unknown(lb, w)],
        _ => {}
    }
    let Some(listeners) = lb.get("listener") else {
        return Vec::new();
    };
    if listeners.is_unknown() {
        return vec![unknown(
            lb,
            format!(
                "the listeners of {} are {}",
                lb.address,
                listeners.why_unknown()
            ),
        )];
    }
    // (lb port, instance port)
    let mut ports: Vec<(u16, u16)> = Vec::new();
    for l in listeners.as_list().unwrap_or_default() {
        let n = |k: &str| {
            l.get(k)
                .and_then(|v| v.strip().as_number())
                .map(|n| n as u16)
        };
        if let Some(v) = ["lb_port", "instance_port"]
            .iter()
            .find_map(|k| l.get(k).filter(|v| v.is_unknown()))
        {
            let why = format!("a listener port of {} is {}", lb.address, v.why_unknown());
            return vec![unknown(lb, why)];
        }
        if let (Some(a), Some(b)) = (n("lb_port"), n("instance_port")) {
            ports.push((a, b));
        }
    }
    if ports.is_empty() {
        return Vec::new();
    }
    let accepted = HeaderSpace::from_cubes(ports.iter().map(|&(p, _)| Cube {
        protocols: ProtoSet::single(TCP),
        ports: PortSet::single(p),
        sources: AddrSet::everywhere(),
    }));
    let sides = match crate::topology::interfaces(graph, lb) {
        Fact::Known(s) => s,
        Fact::Unknown(w) => return vec![unknown(lb, w)],
    };
    let mut undecided = None;
    let mut front = None;
    for side in &sides {
        let public = hop(
            "public-address",
            lb,
            "internet-facing classic load balancer",
        );
        let admit = |_: &Resource, routed: &AddrSet| {
            let from_routed = accepted.intersect(&HeaderSpace::from_cube(Cube {
                protocols: ProtoSet::full(),
                ports: PortSet::full(),
                sources: routed.clone(),
            }));
            if side.default_group {
                return Fact::Known((HeaderSpace::empty(), Vec::new()));
            }
            match groups_admit(graph, &side.groups, routed) {
                Fact::Known((space, hops)) => Fact::Known((from_routed.intersect(&space), hops)),
                Fact::Unknown(w) => Fact::Unknown(w),
            }
        };
        match internet_path(graph, side.subnet, public, &admit) {
            Fact::Known(Some(x)) => {
                front = Some((x, side.groups.clone()));
                break;
            }
            Fact::Known(None) => {}
            Fact::Unknown(w) => {
                undecided.get_or_insert(w);
            }
        }
    }
    let Some(((through, path), groups)) = front else {
        return undecided.map(|w| unknown(lb, w)).into_iter().collect();
    };
    let mut out = vec![reachable(lb, &through, path.clone(), Vec::new())];
    let front = Front::of(graph, lb, &groups, &through);
    let backends = classic_backends(graph, lb);
    let instance_ports = PortSet::from_ranges(ports.iter().map(|&(_, b)| (b, b)));
    for backend in backends {
        if out
            .iter()
            .any(|e| e.resource == backend.address && e.root == *backend.root)
        {
            continue;
        }
        let sides = match crate::topology::interfaces(graph, backend) {
            Fact::Known(sides) => sides,
            Fact::Unknown(w) => {
                out.push(unknown(backend, format!("behind {}: {w}", lb.address)));
                continue;
            }
        };
        let Some(side) = sides.first() else { continue };
        let (sg_hop, clients) = match target_admits(&front, lb, &side.groups, &instance_ports) {
            Fact::Known(Some(x)) => x,
            Fact::Known(None) => continue,
            Fact::Unknown(w) => {
                out.push(unknown(backend, format!("behind {}: {w}", lb.address)));
                continue;
            }
        };
        let mut p = path.clone();
        p.push(sg_hop);
        let mut e = reachable(backend, &clients, p, vec![lb.address.to_string()]);
        e.services = vec![("tcp".to_string(), instance_ports.ranges().to_vec())];
        out.push(e);
    }
    out
}
