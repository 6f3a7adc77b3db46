//! Network ACLs, evaluated as AWS does: rules in number order, the first
//! one that matches decides.

use crate::check::{get, get_bool, get_number, get_str, is_world, Context, Tri};
use crate::{Report, Rule};
use cloudwright_model::{Mode, Resource, Value};

pub fn rules() -> Vec<&'static Rule> {
    vec![&NACL_ADMIN_PORTS, &NACL_ALL_PORTS]
}

/// One ingress entry of a network ACL, inline or an `aws_network_acl_rule`.
struct Entry<'g> {
    /// Where a finding points: the ACL (inline) or the rule resource.
    resource: &'g Resource,
    attribute: String,
    number: Tri<f64>,
    allow: Tri<bool>,
    /// `None`: all protocols.
    protocol: Tri<Option<String>>,
    from_port: Tri<i64>,
    to_port: Tri<i64>,
    /// Is the source the whole internet?
    world: Tri<bool>,
}

fn protocol(v: Tri<String>) -> Tri<Option<String>> {
    v.map(|p| {
        let p = p.to_ascii_lowercase();
        (p != "-1" && p != "all").then_some(p)
    })
}

fn world(cidr4: Tri<String>, cidr6: Tri<String>) -> Tri<bool> {
    match (cidr4, cidr6) {
        (Tri::Known(c), _) | (_, Tri::Known(c)) if is_world(&c) => Tri::Known(true),
        (Tri::Unknown(w), _) | (_, Tri::Unknown(w)) => Tri::Unknown(w),
        _ => Tri::Known(false),
    }
}

fn field(block: &Value, name: &str) -> Tri<Value> {
    match block.as_object().and_then(|o| o.fields().get(name)) {
        None => Tri::Absent,
        Some(v) if v.is_unknown() => Tri::Unknown(format!("`{name}` is {}", v.why_unknown())),
        Some(v) if v.is_null() => Tri::Absent,
        Some(v) => Tri::Known(v.clone()),
    }
}

/// The ingress entries of every network ACL, grouped by ACL.
fn acls<'g>(ctx: &Context<'g>) -> Vec<(&'g Resource, Vec<Entry<'g>>)> {
    let mut out: Vec<(&'g Resource, Vec<Entry<'g>>)> = Vec::new();
    for acl in ctx.resources(&["aws_network_acl", "aws_default_network_acl"]) {
        let mut entries = Vec::new();
        match get(acl, "ingress") {
            Tri::Known(v) => {
                for (i, block) in v.as_list().unwrap_or_default().iter().enumerate() {
                    entries.push(Entry {
                        resource: acl,
                        attribute: format!("ingress[{i}]"),
                        number: field(block, "rule_no").number(),
                        allow: field(block, "action")
                            .string()
                            .map(|a| a.eq_ignore_ascii_case("allow")),
                        protocol: protocol(field(block, "protocol").string()),
                        from_port: field(block, "from_port").number().map(|n| n as i64),
                        to_port: field(block, "to_port").number().map(|n| n as i64),
                        world: world(
                            field(block, "cidr_block").string(),
                            field(block, "ipv6_cidr_block").string(),
                        ),
                    });
                }
            }
            Tri::Unknown(why) => entries.push(Entry {
                resource: acl,
                attribute: "ingress".into(),
                number: Tri::Unknown(why.clone()),
                allow: Tri::Unknown(why.clone()),
                protocol: Tri::Unknown(why.clone()),
                from_port: Tri::Unknown(why.clone()),
                to_port: Tri::Unknown(why.clone()),
                world: Tri::Unknown(why),
            }),
            Tri::Absent => {}
        }
        out.push((acl, entries));
    }
    for rule in ctx.resources(&["aws_network_acl_rule"]) {
        if get_bool(rule, "egress") == Tri::Known(true) {
            continue;
        }
        let acl = rule.references.iter().find_map(|x| {
            (x.attribute == "network_acl_id")
                .then(|| ctx.graph.resource_in(&rule.root, &x.target))
                .flatten()
                .filter(|t| t.mode == Mode::Managed)
        });
        let entry = Entry {
            resource: rule,
            attribute: String::new(),
            number: get_number(rule, "rule_number"),
            allow: get_str(rule, "rule_action").map(|a| a.eq_ignore_ascii_case("allow")),
            protocol: protocol(get_str(rule, "protocol")),
            from_port: get_number(rule, "from_port").map(|n| n as i64),
            to_port: get_number(rule, "to_port").map(|n| n as i64),
            world: world(
                get_str(rule, "cidr_block"),
                get_str(rule, "ipv6_cidr_block"),
            ),
        };
        match acl.and_then(|a| out.iter_mut().find(|(r, _)| std::ptr::eq(*r, a))) {
            Some((_, entries)) => entries.push(entry),
            // an ACL outside the configuration (or unresolved): judged alone
            None => out.push((rule, vec![entry])),
        }
    }
    out
}

/// Does the entry apply to TCP traffic on `port` (`None`: any port)?
fn covers(e: &Entry<'_>, port: Option<i64>) -> Tri<bool> {
    match &e.protocol {
        Tri::Known(None) => return Tri::Known(true),
        Tri::Known(Some(p)) if p != "tcp" && p != "6" => return Tri::Known(false),
        Tri::Unknown(w) => return Tri::Unknown(w.clone()),
        _ => {}
    }
    match (&e.from_port, &e.to_port) {
        (Tri::Known(from), Tri::Known(to)) => Tri::Known(match port {
            Some(p) => *from <= p && p <= *to,
            None => *from <= 0 && *to >= 65535,
        }),
        (Tri::Unknown(w), _) | (_, Tri::Unknown(w)) => Tri::Unknown(w.clone()),
        _ => Tri::Known(false),
    }
}

/// The entry that decides world traffic to `port`, in rule-number order:
/// `Known(Some(entry))` when an allow decides it, `Known(None)` when a deny
/// (or nothing, the final implicit deny) does.
fn decides<'a, 'g>(entries: &'a [Entry<'g>], port: Option<i64>) -> Tri<Option<&'a Entry<'g>>> {
    let mut ordered: Vec<&Entry<'g>> = Vec::new();
    for e in entries {
        match &e.number {
            Tri::Known(_) => ordered.push(e),
            Tri::Unknown(w) => return Tri::Unknown(w.clone()),
            Tri::Absent => {}
        }
    }
    ordered.sort_by(|a, b| {
        let n = |e: &Entry<'_>| match e.number {
            Tri::Known(n) => n,
            _ => f64::MAX,
        };
        n(a).total_cmp(&n(b))
    });
    for e in ordered {
        match (e.world.clone(), covers(e, port)) {
            (Tri::Known(true), Tri::Known(true)) => {}
            (Tri::Known(false) | Tri::Absent, _) | (_, Tri::Known(false) | Tri::Absent) => continue,
            (Tri::Unknown(w), _) | (_, Tri::Unknown(w)) => return Tri::Unknown(w),
        }
        return match &e.allow {
            Tri::Known(true) => Tri::Known(Some(e)),
            Tri::Known(false) | Tri::Absent => Tri::Known(None),
            Tri::Unknown(w) => Tri::Unknown(w.clone()),
        };
    }
    Tri::Known(None)
}

fn check_ports(ctx: &Context<'_>, report: &mut Report, ports: &[(Option<i64>, &str)]) {
    for (acl, entries) in acls(ctx) {
        report.checked(acl);
        let mut undecided = None;
        let mut reported = false;
        for (port, name) in ports {
            match decides(&entries, *port) {
                Tri::Known(Some(e)) => {
                    let what = match port {
                        Some(p) => format!("{name} (port {p})"),
                        None => "every port".to_string(),
                    };
                    report.checked(e.resource);
                    report.fail(
                        e.resource,
                        &e.attribute,
                        format!("the network ACL allows {what} from the whole internet"),
                    );
                    reported = true;
                    break;
                }
                Tri::Unknown(why) => {
                    undecided.get_or_insert(why);
                }
                _ => {}
            }
        }
        if !reported {
            if let Some(why) = undecided {
                report.unknown(acl, why);
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Network ACLs do not admit the whole internet (`0.0.0.0/0` or `::/0`)
    /// to remote-administration and file-transfer ports: SSH 22, RDP 3389,
    /// FTP 20–21. Rules are evaluated as AWS does — inline `ingress` blocks
    /// and `aws_network_acl_rule` resources together, in rule-number order,
    /// the first match deciding — so an allow shadowed by a lower-numbered
    /// deny passes.
    ///
    /// ## Why it matters
    /// The NACL is the subnet's coarse outer fence. Letting the internet
    /// reach admin ports there leaves security groups as the only control,
    /// and one permissive group away from brute-force attacks.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_network_acl_rule" "ssh" {
    ///   network_acl_id = aws_network_acl.public.id
    ///   rule_number    = 100
    ///   protocol       = "tcp"
    ///   rule_action    = "allow"
    ///   cidr_block     = "0.0.0.0/0"
    ///   from_port      = 22
    ///   to_port        = 22
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_network_acl_rule" "ssh" {
    ///   network_acl_id = aws_network_acl.public.id
    ///   rule_number    = 100
    ///   protocol       = "tcp"
    ///   rule_action    = "allow"
    ///   cidr_block     = "198.51.100.0/24"
    ///   from_port      = 22
    ///   to_port        = 22
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Allow admin ports only from known ranges (or not at all, with SSM
    /// Session Manager), or add a lower-numbered deny.
    pub static NACL_ADMIN_PORTS = {
        id: "CW-AWS-NACL-001",
        title: "Network ACL allows administration ports from the internet",
        severity: High,
        category: "network",
        resource_types: ["aws_network_acl", "aws_default_network_acl", "aws_network_acl_rule"],
        checkov: ["CKV_AWS_229", "CKV_AWS_230", "CKV_AWS_231", "CKV_AWS_232"],
        trivy: [],
        kics: [],
        remediation: "Restrict the ACL entry's CIDR, or deny the port with a lower rule number.",
        check: |ctx, report| check_ports(
            ctx,
            report,
            &[(Some(22), "SSH"), (Some(3389), "RDP"), (Some(21), "FTP"), (Some(20), "FTP data")],
        ),
    }
}

crate::rule! {
    /// ## What it checks
    /// Network ACLs do not admit the whole internet on every port: an
    /// entry with protocol `-1` (or TCP 0–65535) from `0.0.0.0/0` / `::/0`
    /// that no lower-numbered deny shadows.
    ///
    /// ## Why it matters
    /// An allow-all NACL is no fence at all: every port of every instance
    /// in the subnet is then protected by security groups alone. The
    /// default NACL of a VPC is like this; subnets that need the NACL as a
    /// control need a custom one.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_network_acl" "app" {
    ///   vpc_id = aws_vpc.main.id
    ///   ingress {
    ///     rule_no    = 100
    ///     protocol   = "-1"
    ///     action     = "allow"
    ///     cidr_block = "0.0.0.0/0"
    ///     from_port  = 0
    ///     to_port    = 0
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_network_acl" "app" {
    ///   vpc_id = aws_vpc.main.id
    ///   ingress {
    ///     rule_no    = 100
    ///     protocol   = "tcp"
    ///     action     = "allow"
    ///     cidr_block = "10.0.0.0/16"
    ///     from_port  = 443
    ///     to_port    = 443
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Allow only the ports and ranges the subnet serves (plus ephemeral
    /// ports for return traffic).
    pub static NACL_ALL_PORTS = {
        id: "CW-AWS-NACL-002",
        title: "Network ACL allows all ports from the internet",
        severity: Medium,
        category: "network",
        resource_types: ["aws_network_acl", "aws_default_network_acl", "aws_network_acl_rule"],
        checkov: ["CKV_AWS_352"],
        trivy: [],
        kics: [],
        remediation: "Replace the allow-all entry with the ports the subnet serves.",
        check: |ctx, report| check_ports(ctx, report, &[(None, "")]),
    }
}
