//! Reading the network out of the model: which resource an attribute points
//! at, and the header space a security group or network ACL admits.

use crate::sets::{AddrSet, Cube, HeaderSpace, PortSet, ProtoSet, TCP, UDP};
use cloudwright_model::{Graph, Mode, Resource, Value};

/// Known, or unknown with what is missing.
#[derive(Clone, Debug, PartialEq)]
pub enum Fact<T> {
    Known(T),
    Unknown(String),
}

impl<T> Fact<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Fact<U> {
        match self {
            Fact::Known(v) => Fact::Known(f(v)),
            Fact::Unknown(w) => Fact::Unknown(w),
        }
    }
}

/// The managed resources of `target_type` that `r.attribute` refers to (an
/// id, or a list of ids). `Unknown` when a value names something outside
/// the configuration or is known only after apply without a reference.
pub fn targets<'g>(
    graph: &'g Graph,
    r: &Resource,
    attribute: &str,
    target_type: &str,
) -> Fact<Vec<&'g Resource>> {
    let value = r.get_path(attribute);
    let elements: Vec<Value> = match value.as_ref().map(Value::strip) {
        None | Some(Value::Null) => Vec::new(),
        Some(Value::List(items)) => items.to_vec(),
        Some(v) => vec![v.clone()],
    };
    let mut out: Vec<&'g Resource> = Vec::new();
    // the precise answer: where each unknown element will come from
    let mut unresolved = None;
    for e in &elements {
        match e.strip() {
            Value::Unknown(_) => match origin_resource(graph, &r.root, e) {
                Some(t) if t.resource_type == target_type && t.mode == Mode::Managed => out.push(t),
                Some(_) => {}
                None => {
                    unresolved.get_or_insert(format!(
                        "{}.{attribute} is known only after apply",
                        r.address
                    ));
                }
            },
            Value::String(s) => {
                unresolved.get_or_insert(format!(
                    "{}.{attribute} names {s:?}, which is not defined in this configuration",
                    r.address
                ));
            }
            _ => {}
        }
    }
    if out.is_empty() {
        // references recorded for the attribute (block-level ones, such as a
        // `for` over `aws_subnet.this`, only when nothing more exact exists)
        let refs: Vec<&cloudwright_model::Reference> = r
            .references
            .iter()
            .filter(|x| {
                x.attribute == attribute
                    || x.attribute
                        .strip_prefix(attribute)
                        .is_some_and(|rest| rest.starts_with(['[', '.']))
            })
            .collect();
        for reference in &refs {
            if let Some(t) = graph.resource_in(&r.root, &reference.target) {
                if t.resource_type == target_type && t.mode == Mode::Managed {
                    out.push(t);
                }
            }
        }
        if out.is_empty() && unresolved.is_none() {
            for reference in &refs {
                for t in graph.of_type(target_type) {
                    if t.root == r.root
                        && t.mode == Mode::Managed
                        && t.block_address() == reference.target
                    {
                        out.push(t);
                    }
                }
            }
        }
        if out.is_empty() {
            if let Some(why) = unresolved {
                return Fact::Unknown(why);
            }
        }
    }
    out.sort_by(|a, b| a.address.cmp(&b.address));
    out.dedup_by(|a, b| a.address == b.address);
    Fact::Known(out)
}

/// The first target, when the attribute holds one id.
pub fn target<'g>(
    graph: &'g Graph,
    r: &Resource,
    attribute: &str,
    target_type: &str,
) -> Fact<Option<&'g Resource>> {
    targets(graph, r, attribute, target_type).map(|v| v.into_iter().next())
}

/// Resources of `kind` whose `attribute` refers to `to`.
pub fn referring<'g>(
    graph: &'g Graph,
    to: &Resource,
    kind: &'static str,
    attribute: &'static str,
) -> Vec<&'g Resource> {
    // the engine asks the same question for every interface in a subnet or
    // VPC: answers are remembered for the run (see `forget`)
    let key = (
        graph as *const Graph as usize,
        to as *const Resource as usize,
        kind,
        attribute,
    );
    if let Some(hit) = MEMO.with(|m| m.borrow().get(&key).cloned()) {
        return hit.into_iter().map(|i| &graph.resources[i]).collect();
    }
    let found = referring_uncached(graph, to, kind, attribute);
    let base = graph.resources.as_ptr() as usize;
    let size = std::mem::size_of::<Resource>().max(1);
    let indices: Vec<usize> = found
        .iter()
        .map(|r| (*r as *const Resource as usize - base) / size)
        .collect();
    MEMO.with(|m| m.borrow_mut().insert(key, indices));
    found
}

type MemoKey = (usize, usize, &'static str, &'static str);

thread_local! {
    static MEMO: std::cell::RefCell<std::collections::HashMap<MemoKey, Vec<usize>>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Forgets the remembered answers of [`referring`]; called at the start
/// of every analysis (a graph may be freed and another built at the same
/// address).
pub fn forget() {
    MEMO.with(|m| m.borrow_mut().clear());
}

fn referring_uncached<'g>(
    graph: &'g Graph,
    to: &Resource,
    kind: &str,
    attribute: &str,
) -> Vec<&'g Resource> {
    let wanted = |(r, a): &(&'g Resource, &str)| {
        r.resource_type == kind && r.mode == Mode::Managed && *a == attribute
    };
    // exact references first: a reference to the whole block is recorded
    // for every instance and would make this quadratic
    let mut exact: Vec<&'g Resource> = graph
        .referrers_exact(to)
        .filter(wanted)
        .map(|(r, _)| r)
        .collect();
    if !exact.is_empty() {
        exact.sort_by(|a, b| a.address.cmp(&b.address));
        exact.dedup_by(|a, b| a.address == b.address);
        return exact;
    }
    let mut out: Vec<&'g Resource> = graph
        .referrers_block(to)
        .filter(wanted)
        .map(|(r, _)| r)
        // a reference to the whole block (`aws_subnet.this[each.key]`) is
        // recorded for every instance: keep the referrers whose value
        // resolves to this one
        .filter(|r| match targets(graph, r, attribute, &to.resource_type) {
            Fact::Known(list) => list.iter().any(|t| t.address == to.address),
            Fact::Unknown(_) => false,
        })
        .collect();
    out.sort_by(|a, b| a.address.cmp(&b.address));
    out.dedup_by(|a, b| a.address == b.address);
    out
}

pub fn string(v: &Value) -> Option<&str> {
    v.strip().as_str()
}

fn number(v: Option<Value>) -> Option<i64> {
    v.and_then(|v| v.strip().as_number()).map(|n| n as i64)
}

/// The protocols an SG or NACL entry names (`-1`/`all` is every protocol).
pub fn protocols(p: &Value) -> Fact<ProtoSet> {
    if p.is_unknown() {
        return Fact::Unknown("a protocol is known only after apply".into());
    }
    let text = match p.strip() {
        Value::String(s) => s.to_ascii_lowercase(),
        Value::Number(n) => format!("{}", *n as i64),
        _ => return Fact::Known(ProtoSet::empty()),
    };
    Fact::Known(match text.as_str() {
        "-1" | "all" => ProtoSet::full(),
        "tcp" | "6" => ProtoSet::single(TCP),
        "udp" | "17" => ProtoSet::single(UDP),
        "icmp" | "1" => ProtoSet::single(1),
        "icmpv6" | "58" => ProtoSet::single(58),
        other => match other.parse::<u8>() {
            Ok(n) => ProtoSet::single(n),
            Err(_) => ProtoSet::empty(),
        },
    })
}

/// The ports of an entry (`from`..=`to`; everything for protocol `-1`).
pub fn ports(protocols: &ProtoSet, from: Option<Value>, to: Option<Value>) -> Fact<PortSet> {
    if protocols.is_full() {
        return Fact::Known(PortSet::full());
    }
    if from.as_ref().is_some_and(Value::is_unknown) || to.as_ref().is_some_and(Value::is_unknown) {
        return Fact::Unknown("a port is known only after apply".into());
    }
    match (number(from), number(to)) {
        (Some(a), Some(b)) if a >= 0 && b >= a => Fact::Known(PortSet::range(
            a.clamp(0, 65535) as u16,
            b.clamp(0, 65535) as u16,
        )),
        _ => Fact::Known(PortSet::full()),
    }
}

/// Source addresses from CIDR strings.
pub fn addresses(values: &[Value]) -> Fact<AddrSet> {
    let mut set = AddrSet::empty();
    for v in values {
        if v.is_unknown() {
            return Fact::Unknown("a CIDR is known only after apply".into());
        }
        if let Some(net) = string(v).and_then(|s| s.trim().parse::<ipnet::IpNet>().ok()) {
            set = set.union(&AddrSet::from_net(&net));
        }
    }
    Fact::Known(set)
}

/// The CIDRs of the managed prefix lists `ids` names: the inline `entry`
/// blocks of an `aws_ec2_managed_prefix_list` and its
/// `aws_ec2_managed_prefix_list_entry` resources. Unknown when a list is
/// outside the configuration (an AWS-managed `pl-…` id, a data source).
pub fn prefix_list_cidrs(graph: &Graph, r: &Resource, ids: &[Value]) -> Fact<Vec<Value>> {
    let mut out = Vec::new();
    for id in ids {
        let list = match id.strip() {
            Value::Unknown(_) => origin_resource(graph, &r.root, id),
            _ => None,
        };
        let Some(list) = list.filter(|l| {
            l.resource_type == "aws_ec2_managed_prefix_list" && l.mode == Mode::Managed
        }) else {
            let what = match id.strip() {
                Value::String(s) => format!("{s:?}"),
                _ => "a prefix list".to_string(),
            };
            return Fact::Unknown(format!(
                "{} admits {what}, whose entries are not in this configuration",
                r.address
            ));
        };
        match list.get("entry") {
            Some(v) if v.is_unknown() => {
                return Fact::Unknown(format!(
                    "the entries of {} are known only after apply",
                    list.address
                ))
            }
            Some(v) => out.extend(
                v.as_list()
                    .unwrap_or_default()
                    .iter()
                    .filter_map(|e| e.get("cidr")),
            ),
            None => {}
        }
        for entry in referring(
            graph,
            list,
            "aws_ec2_managed_prefix_list_entry",
            "prefix_list_id",
        ) {
            out.extend(entry.get("cidr"));
        }
    }
    Fact::Known(out)
}

fn list(v: Option<Value>) -> Vec<Value> {
    match v.as_ref().map(Value::strip) {
        Some(Value::List(items)) => items.to_vec(),
        Some(Value::Null) | None => Vec::new(),
        Some(other) => vec![other.clone()],
    }
}

/// One permission of a security group, as a header space, with where it is
/// written.
#[derive(Clone, Debug)]
pub struct Permission {
    pub space: HeaderSpace,
    pub address: String,
    pub attribute: String,
    pub span: Option<cloudwright_model::Span>,
}

/// The ingress permissions of a security group that internet traffic can
/// match (CIDR sources; rules naming other security groups match only
/// private traffic and are left out). Unknown when a rule's shape is.
pub fn sg_ingress(graph: &Graph, sg: &Resource) -> Fact<Vec<Permission>> {
    let mut out = Vec::new();
    let mut push = |r: &Resource,
                    attribute: String,
                    proto: &Value,
                    from: Option<Value>,
                    to: Option<Value>,
                    cidrs: Vec<Value>|
     -> Result<(), String> {
        let protocols = match protocols(proto) {
            Fact::Known(p) => p,
            Fact::Unknown(w) => return Err(w),
        };
        let ports = match ports(&protocols, from, to) {
            Fact::Known(p) => p,
            Fact::Unknown(w) => return Err(w),
        };
        let sources = match addresses(&cidrs) {
            Fact::Known(s) => s,
            Fact::Unknown(w) => return Err(w),
        };
        let span = r.span_of(&attribute).or(r.span);
        out.push(Permission {
            space: HeaderSpace::from_cube(Cube {
                protocols,
                ports,
                sources,
            }),
            address: r.address.clone(),
            attribute,
            span,
        });
        Ok(())
    };
    // inline blocks
    match sg.get("ingress") {
        Some(v) if v.is_unknown() => {
            return Fact::Unknown(format!(
                "the ingress blocks of {} are known only after apply",
                sg.address
            ))
        }
        Some(v) => {
            for (i, block) in v.as_list().unwrap_or_default().iter().enumerate() {
                let mut cidrs = list(block.get("cidr_blocks"));
                cidrs.extend(list(block.get("ipv6_cidr_blocks")));
                match prefix_list_cidrs(graph, sg, &list(block.get("prefix_list_ids"))) {
                    Fact::Known(c) => cidrs.extend(c),
                    Fact::Unknown(w) => return Fact::Unknown(w),
                }
                let proto = block.get("protocol").unwrap_or_default();
                if let Err(w) = push(
                    sg,
                    format!("ingress[{i}]"),
                    &proto,
                    block.get("from_port"),
                    block.get("to_port"),
                    cidrs,
                ) {
                    return Fact::Unknown(w);
                }
            }
        }
        None => {}
    }
    // rule resources
    for rule in referring(graph, sg, "aws_security_group_rule", "security_group_id") {
        if rule.get("type").as_ref().and_then(string) != Some("ingress") {
            continue;
        }
        let mut cidrs = list(rule.get("cidr_blocks"));
        cidrs.extend(list(rule.get("ipv6_cidr_blocks")));
        match prefix_list_cidrs(graph, rule, &list(rule.get("prefix_list_ids"))) {
            Fact::Known(c) => cidrs.extend(c),
            Fact::Unknown(w) => return Fact::Unknown(w),
        }
        let proto = rule.get("protocol").unwrap_or_default();
        if let Err(w) = push(
            rule,
            String::new(),
            &proto,
            rule.get("from_port"),
            rule.get("to_port"),
            cidrs,
        ) {
            return Fact::Unknown(w);
        }
    }
    for rule in referring(
        graph,
        sg,
        "aws_vpc_security_group_ingress_rule",
        "security_group_id",
    ) {
        let mut cidrs: Vec<Value> = ["cidr_ipv4", "cidr_ipv6"]
            .iter()
            .filter_map(|a| rule.get(a))
            .collect();
        match prefix_list_cidrs(graph, rule, &list(rule.get("prefix_list_id"))) {
            Fact::Known(c) => cidrs.extend(c),
            Fact::Unknown(w) => return Fact::Unknown(w),
        }
        let proto = rule.get("ip_protocol").unwrap_or_default();
        if let Err(w) = push(
            rule,
            String::new(),
            &proto,
            rule.get("from_port"),
            rule.get("to_port"),
            cidrs,
        ) {
            return Fact::Unknown(w);
        }
    }
    Fact::Known(out)
}

/// One network ACL entry.
#[derive(Clone, Debug)]
pub struct AclEntry {
    pub number: i64,
    pub allow: bool,
    pub space: HeaderSpace,
    pub address: String,
    pub attribute: String,
    pub span: Option<cloudwright_model::Span>,
}

/// The entries of a network ACL in one direction, inline and as
/// `aws_network_acl_rule` resources, sorted by rule number.
pub fn acl_entries(graph: &Graph, acl: &Resource, egress: bool) -> Fact<Vec<AclEntry>> {
    let mut out = Vec::new();
    let kind = if egress { "egress" } else { "ingress" };
    let mut add = |r: &Resource,
                   attribute: String,
                   fields: &dyn Fn(&str) -> Option<Value>,
                   action_key: &str,
                   number_key: &str|
     -> Result<(), String> {
        let any_unknown = [
            "protocol",
            "from_port",
            "to_port",
            "cidr_block",
            "ipv6_cidr_block",
            action_key,
            number_key,
        ]
        .iter()
        .any(|k| fields(k).is_some_and(|v| v.is_unknown()));
        if any_unknown {
            return Err(format!(
                "an entry of {} is known only after apply",
                r.address
            ));
        }
        let protocols = match protocols(&fields("protocol").unwrap_or_default()) {
            Fact::Known(p) => p,
            Fact::Unknown(w) => return Err(w),
        };
        let ports = match ports(&protocols, fields("from_port"), fields("to_port")) {
            Fact::Known(p) => p,
            Fact::Unknown(w) => return Err(w),
        };
        let cidrs: Vec<Value> = ["cidr_block", "ipv6_cidr_block"]
            .iter()
            .filter_map(|k| fields(k))
            .collect();
        let sources = match addresses(&cidrs) {
            Fact::Known(s) => s,
            Fact::Unknown(w) => return Err(w),
        };
        let allow = fields(action_key)
            .as_ref()
            .and_then(string)
            .is_some_and(|a| a.eq_ignore_ascii_case("allow"));
        let span = r.span_of(&attribute).or(r.span);
        out.push(AclEntry {
            number: number(fields(number_key)).unwrap_or(i64::MAX),
            allow,
            space: HeaderSpace::from_cube(Cube {
                protocols,
                ports,
                sources,
            }),
            address: r.address.clone(),
            attribute,
            span,
        });
        Ok(())
    };
    match acl.get(kind) {
        Some(v) if v.is_unknown() => {
            return Fact::Unknown(format!(
                "the {kind} entries of {} are known only after apply",
                acl.address
            ))
        }
        Some(v) => {
            for (i, block) in v.as_list().unwrap_or_default().iter().enumerate() {
                let b = block.clone();
                if let Err(w) = add(
                    acl,
                    format!("{kind}[{i}]"),
                    &move |k| b.get(k),
                    "action",
                    "rule_no",
                ) {
                    return Fact::Unknown(w);
                }
            }
        }
        None => {}
    }
    for rule in referring(graph, acl, "aws_network_acl_rule", "network_acl_id") {
        let is_egress = rule
            .get("egress")
            .and_then(|v| v.strip().as_bool())
            .unwrap_or(false);
        if is_egress != egress {
            continue;
        }
        let r = rule.clone();
        if let Err(w) = add(
            rule,
            String::new(),
            &move |k| r.get(k),
            "rule_action",
            "rule_number",
        ) {
            return Fact::Unknown(w);
        }
    }
    out.sort_by_key(|e| e.number);
    Fact::Known(out)
}

/// What a first-match ACL lets through of `offered`, and the entries that
/// did it.
pub fn acl_admits(entries: &[AclEntry], offered: &HeaderSpace) -> (HeaderSpace, Vec<usize>) {
    let mut remaining = offered.clone();
    let mut allowed = HeaderSpace::empty();
    let mut used = Vec::new();
    for (i, e) in entries.iter().enumerate() {
        let matched = remaining.intersect(&e.space);
        if matched.is_empty() {
            continue;
        }
        if e.allow {
            allowed = allowed.union(&matched);
            used.push(i);
        }
        remaining = remaining.difference(&e.space);
    }
    (allowed, used)
}

/// The managed resource an unknown value will come from
/// (`aws_security_group.alb.id` → the group), if any.
pub fn origin_resource<'g>(graph: &'g Graph, root: &str, v: &Value) -> Option<&'g Resource> {
    let origin = v.as_unknown()?.origin.as_deref()?;
    // strip attribute segments until an address resolves
    let mut end = origin.len();
    loop {
        if let Some(r) = graph.resource_in(root, &origin[..end]) {
            return Some(r);
        }
        end = origin[..end].rfind('.')?;
    }
}

/// An ingress permission whose source is another security group.
#[derive(Clone, Debug)]
pub struct GroupPermission {
    pub protocols: ProtoSet,
    pub ports: PortSet,
    /// Addresses of the source groups.
    pub from_groups: Vec<String>,
    pub address: String,
    pub attribute: String,
    pub span: Option<cloudwright_model::Span>,
}

/// The ingress permissions of a group that name other security groups as
/// their source (inline `security_groups`, `source_security_group_id`,
/// `referenced_security_group_id`).
pub fn sg_ingress_from_groups(graph: &Graph, sg: &Resource) -> Vec<GroupPermission> {
    let mut out = Vec::new();
    let mut push = |r: &Resource,
                    attribute: String,
                    proto: Value,
                    from: Option<Value>,
                    to: Option<Value>,
                    groups: Vec<String>| {
        if groups.is_empty() {
            return;
        }
        let Fact::Known(protocols) = protocols(&proto) else {
            return;
        };
        let Fact::Known(ports) = ports(&protocols, from, to) else {
            return;
        };
        let span = r.span_of(&attribute).or(r.span);
        out.push(GroupPermission {
            protocols,
            ports,
            from_groups: groups,
            address: r.address.clone(),
            attribute,
            span,
        });
    };
    if let Some(v) = sg.get("ingress") {
        for (i, block) in v.as_list().unwrap_or_default().iter().enumerate() {
            let groups: Vec<String> = list(block.get("security_groups"))
                .iter()
                .filter_map(|g| origin_resource(graph, &sg.root, g))
                .map(|g| g.address.clone())
                .collect();
            let mut groups = groups;
            if block.get("self").and_then(|v| v.strip().as_bool()) == Some(true) {
                groups.push(sg.address.clone());
            }
            push(
                sg,
                format!("ingress[{i}]"),
                block.get("protocol").unwrap_or_default(),
                block.get("from_port"),
                block.get("to_port"),
                groups,
            );
        }
    }
    for rule in referring(graph, sg, "aws_security_group_rule", "security_group_id") {
        if rule.get("type").as_ref().and_then(string) != Some("ingress") {
            continue;
        }
        let groups = match targets(
            graph,
            rule,
            "source_security_group_id",
            "aws_security_group",
        ) {
            Fact::Known(g) => g.iter().map(|g| g.address.clone()).collect(),
            Fact::Unknown(_) => Vec::new(),
        };
        push(
            rule,
            String::new(),
            rule.get("protocol").unwrap_or_default(),
            rule.get("from_port"),
            rule.get("to_port"),
            groups,
        );
    }
    for rule in referring(
        graph,
        sg,
        "aws_vpc_security_group_ingress_rule",
        "security_group_id",
    ) {
        let groups = match targets(
            graph,
            rule,
            "referenced_security_group_id",
            "aws_security_group",
        ) {
            Fact::Known(g) => g.iter().map(|g| g.address.clone()).collect(),
            Fact::Unknown(_) => Vec::new(),
        };
        push(
            rule,
            String::new(),
            rule.get("ip_protocol").unwrap_or_default(),
            rule.get("from_port"),
            rule.get("to_port"),
            groups,
        );
    }
    out
}
