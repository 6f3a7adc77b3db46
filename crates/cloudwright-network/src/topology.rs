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
    // looked at in place where the attribute is set (the usual case)
    let owned;
    let value = match r.get_ref(attribute) {
        Some(v) => Some(v),
        None => {
            owned = r.get_path(attribute);
            owned.as_ref()
        }
    };
    let elements: &[Value] = match value {
        None => &[],
        Some(v) => match v.strip() {
            Value::Null => &[],
            Value::List(items) => items,
            _ => std::slice::from_ref(v),
        },
    };
    let mut out: Vec<&'g Resource> = Vec::new();
    // the precise answer: where each unknown element will come from
    let mut unresolved = None;
    for e in elements {
        match e.strip() {
            Value::Unknown(_) => match origin_resource(graph, &r.root, e) {
                Some(t) if t.resource_type == target_type && t.mode == Mode::Managed => out.push(t),
                Some(_) => {}
                None => {
                    unresolved.get_or_insert(format!(
                        "{}.{attribute} is {}",
                        r.address,
                        e.why_unknown()
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
                    if t.root == r.root && t.mode == Mode::Managed && t.is_block(&reference.target)
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
    let wanted = move |(r, a): &(&'g Resource, &str)| {
        r.resource_type == kind && r.mode == Mode::Managed && *a == attribute
    };
    // exact references first: a reference to the whole block is recorded
    // for every instance and would make this quadratic. They come from an
    // index of `kind`'s `attribute` references, built once per graph and
    // thread (asking the graph who refers to a security group walks every
    // instance that uses it, and the analyses ask for every group).
    let remembered = index_of(graph, to).and_then(|at| {
        with_memo(graph, |m| {
            m.exact
                .entry((kind, attribute))
                .or_insert_with(|| exact_referrers(graph, kind, attribute))
                .get(&at)
                .cloned()
        })
    });
    let exact: Vec<&'g Resource> = match remembered {
        Some(list) => list
            .unwrap_or_default()
            .into_iter()
            .map(|i| &graph.resources[i])
            .collect(),
        None => {
            let mut exact: Vec<&'g Resource> = graph
                .referrers_exact(to)
                .filter(wanted)
                .map(|(r, _)| r)
                .collect();
            exact.sort_by(|a, b| a.address.cmp(&b.address));
            exact.dedup_by(|a, b| a.address == b.address);
            exact
        }
    };
    // only an instance of a `count`/`for_each` block has a block address
    // of its own to be referred to by
    if !exact.is_empty() || to.index.is_none() {
        return exact;
    }
    // references to the block resolve each referrer's value: the engine
    // asks the same question for every interface in a subnet or VPC, so
    // these answers are remembered (see `Memo`)
    let key = index_of(graph, to).map(|at| (at, kind, attribute));
    if let Some(key) = key {
        if let Some(hit) = with_memo(graph, |m| m.referring.get(&key).cloned()).flatten() {
            return hit.into_iter().map(|i| &graph.resources[i]).collect();
        }
    }
    let mut found: Vec<&'g Resource> = graph
        .referrers_block(to)
        .filter(wanted)
        .map(|(r, _)| r)
        // keep the referrers whose value resolves to this instance
        .filter(|r| match targets(graph, r, attribute, &to.resource_type) {
            Fact::Known(list) => list.iter().any(|t| t.address == to.address),
            Fact::Unknown(_) => false,
        })
        .collect();
    found.sort_by(|a, b| a.address.cmp(&b.address));
    found.dedup_by(|a, b| a.address == b.address);
    if let Some(key) = key {
        let indices: Vec<usize> = found.iter().filter_map(|r| index_of(graph, r)).collect();
        with_memo(graph, |m| m.referring.insert(key, indices));
    }
    found
}

/// Target → the managed resources of `kind` whose `attribute` refers to
/// exactly that instance, in address order (as `referring` answers).
fn exact_referrers(
    graph: &Graph,
    kind: &str,
    attribute: &str,
) -> foldhash::HashMap<usize, Vec<usize>> {
    let mut index: foldhash::HashMap<usize, Vec<usize>> = Default::default();
    for r in graph.of_type(kind).filter(|r| r.mode == Mode::Managed) {
        let Some(from) = index_of(graph, r) else {
            continue;
        };
        for reference in r.references.iter().filter(|x| x.attribute == attribute) {
            if let Some(to) = graph
                .resource_in(&r.root, &reference.target)
                .and_then(|t| index_of(graph, t))
            {
                index.entry(to).or_default().push(from);
            }
        }
    }
    let address = |i: &usize| graph.resources[*i].address.as_str();
    for list in index.values_mut() {
        list.sort_by(|a, b| address(a).cmp(address(b)));
        list.dedup_by(|a, b| address(a) == address(b));
    }
    index
}

/// A resource's index in `graph.resources`; `None` for one that is not in
/// it (never remembered).
fn index_of(graph: &Graph, r: &Resource) -> Option<usize> {
    let offset = (r as *const Resource as usize).checked_sub(graph.resources.as_ptr() as usize)?;
    let size = std::mem::size_of::<Resource>().max(1);
    let index = offset / size;
    (offset % size == 0 && index < graph.resources.len()).then_some(index)
}

/// What the network analyses remember of one graph, per thread: the
/// exposure, segmentation and design analyses ask the same questions of
/// the same resources (who refers to a subnet, where an instance sits).
/// Keyed by the graph's identity, so answers never outlive their graph:
/// a thread that meets another graph starts afresh.
#[derive(Default)]
struct Memo {
    graph: u64,
    /// (referrer type, attribute) → target → referrers naming exactly that
    /// instance.
    exact: foldhash::HashMap<(&'static str, &'static str), foldhash::HashMap<usize, Vec<usize>>>,
    /// (target, referrer type, attribute) → referrers, for references to
    /// a whole block.
    referring: foldhash::HashMap<(usize, &'static str, &'static str), Vec<usize>>,
    /// Resource → its interfaces as (subnet, VPC, groups, default group).
    interfaces: foldhash::HashMap<usize, Fact<Vec<InterfaceAt>>>,
}

type InterfaceAt = (usize, usize, Vec<usize>, bool);

thread_local! {
    static MEMO: std::cell::RefCell<Memo> = Default::default();
}

/// Runs `f` on this thread's memo of `graph` (`None` for a graph without
/// identity, which is never remembered).
fn with_memo<T>(graph: &Graph, f: impl FnOnce(&mut Memo) -> T) -> Option<T> {
    if graph.id() == 0 {
        return None;
    }
    MEMO.with(|m| {
        let mut m = m.borrow_mut();
        if m.graph != graph.id() {
            *m = Memo {
                graph: graph.id(),
                ..Default::default()
            };
        }
        Some(f(&mut m))
    })
}

/// Forgets this thread's remembered answers (a benchmark's cold start).
pub fn forget() {
    MEMO.with(|m| *m.borrow_mut() = Memo::default());
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
        return Fact::Unknown(format!("a protocol is {}", p.why_unknown()));
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
    if let Some(port) = [&from, &to].into_iter().flatten().find(|v| v.is_unknown()) {
        return Fact::Unknown(format!("a port is {}", port.why_unknown()));
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
            return Fact::Unknown(format!("a CIDR is {}", v.why_unknown()));
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
                    "the entries of {} are {}",
                    list.address,
                    v.why_unknown()
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
    /// the root module of the rule's resource
    pub root: cloudwright_model::text::Shared,
    pub address: String,
    pub attribute: String,
    pub span: Option<cloudwright_model::Span>,
}

/// The ingress permissions of a security group that internet traffic can
/// match (CIDR sources; rules naming other security groups match only
/// private traffic and are left out). Unknown when a rule's shape is.
pub fn sg_ingress(graph: &Graph, sg: &Resource) -> Fact<Vec<Permission>> {
    sg_permissions(graph, sg, false)
}

/// The CIDR permissions of a security group in one direction (for egress,
/// the addresses are destinations).
pub fn sg_permissions(graph: &Graph, sg: &Resource, egress: bool) -> Fact<Vec<Permission>> {
    let (kind, rule_type) = if egress {
        ("egress", "aws_vpc_security_group_egress_rule")
    } else {
        ("ingress", "aws_vpc_security_group_ingress_rule")
    };
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
            root: r.root.clone(),
            address: r.address.to_string(),
            attribute,
            span,
        });
        Ok(())
    };
    // inline blocks
    match sg.get(kind) {
        Some(v) if v.is_unknown() => {
            return Fact::Unknown(format!(
                "the {kind} blocks of {} are {}",
                sg.address,
                v.why_unknown()
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
                    format!("{kind}[{i}]"),
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
        if rule.get("type").as_ref().and_then(string) != Some(kind) {
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
    for rule in referring(graph, sg, rule_type, "security_group_id") {
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

/// The route table a subnet uses: its explicit association, else the VPC's
/// main route table when the configuration declares it.
pub fn route_table<'g>(
    graph: &'g Graph,
    subnet: &Resource,
    vpc: &Resource,
) -> Fact<Option<&'g Resource>> {
    if let Some(assoc) =
        referring(graph, subnet, "aws_route_table_association", "subnet_id").first()
    {
        return target(graph, assoc, "route_table_id", "aws_route_table");
    }
    if let Some(main) = referring(graph, vpc, "aws_main_route_table_association", "vpc_id").first()
    {
        return target(graph, main, "route_table_id", "aws_route_table");
    }
    if let Some(default) = referring(
        graph,
        vpc,
        "aws_default_route_table",
        "default_route_table_id",
    )
    .into_iter()
    .next()
    {
        return Fact::Known(Some(default));
    }
    Fact::Known(None)
}

/// The network ACL of a subnet: the one listing it in `subnet_ids`, or
/// associated with it, else the VPC's `aws_default_network_acl` when the
/// configuration manages it; `None` for the VPC's unmanaged default ACL,
/// which allows everything.
pub fn subnet_acl<'g>(
    graph: &'g Graph,
    subnet: &Resource,
    vpc: &Resource,
) -> Fact<Option<&'g Resource>> {
    let mut chosen = None;
    for acl in graph.of_type("aws_network_acl") {
        if acl.root != subnet.root {
            continue;
        }
        if let Fact::Known(subnets) = targets(graph, acl, "subnet_ids", "aws_subnet") {
            if subnets.iter().any(|s| s.address == subnet.address) {
                chosen = Some(acl);
            }
        }
    }
    if chosen.is_none() {
        if let Some(assoc) = referring(graph, subnet, "aws_network_acl_association", "subnet_id")
            .into_iter()
            .next()
        {
            match target(graph, assoc, "network_acl_id", "aws_network_acl") {
                Fact::Known(Some(a)) => chosen = Some(a),
                Fact::Known(None) => {}
                Fact::Unknown(w) => return Fact::Unknown(w),
            }
        }
    }
    if chosen.is_none() {
        chosen = referring(
            graph,
            vpc,
            "aws_default_network_acl",
            "default_network_acl_id",
        )
        .into_iter()
        .next();
    }
    Fact::Known(chosen)
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
        let unknown = [
            "protocol",
            "from_port",
            "to_port",
            "cidr_block",
            "ipv6_cidr_block",
            action_key,
            number_key,
        ]
        .iter()
        .find_map(|k| fields(k).filter(Value::is_unknown));
        if let Some(v) = unknown {
            return Err(format!("an entry of {} is {}", r.address, v.why_unknown()));
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
            address: r.address.to_string(),
            attribute,
            span,
        });
        Ok(())
    };
    match acl.get(kind) {
        Some(v) if v.is_unknown() => {
            return Fact::Unknown(format!(
                "the {kind} entries of {} are {}",
                acl.address,
                v.why_unknown()
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
    let origin = v.as_unknown()?.origin()?;
    // (another root module's resource: a Terragrunt dependency's output)
    let (root, origin) = match cloudwright_model::value::origin_root(origin) {
        (Some(other), address) => (other, address),
        (None, address) => (root, address),
    };
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
    /// the root module of the rule's resource
    pub root: cloudwright_model::text::Shared,
    pub address: String,
    pub attribute: String,
    pub span: Option<cloudwright_model::Span>,
}

/// The ingress permissions of a group that name other security groups as
/// their source (inline `security_groups`, `source_security_group_id`,
/// `referenced_security_group_id`).
pub fn sg_ingress_from_groups(graph: &Graph, sg: &Resource) -> Vec<GroupPermission> {
    sg_group_permissions(graph, sg, false)
}

/// Why [`sg_group_permissions`] may miss some of a group's rules in one
/// direction: its inline blocks, or the groups, ports or protocol of a
/// block naming groups, are not known from the code.
pub fn sg_group_permissions_unknown(sg: &Resource, egress: bool) -> Option<String> {
    let kind = if egress { "egress" } else { "ingress" };
    let blocks = sg.get(kind)?;
    if blocks.is_unknown() {
        return Some(format!(
            "the {kind} blocks of {} are {}",
            sg.address,
            blocks.why_unknown()
        ));
    }
    blocks
        .as_list()
        .unwrap_or_default()
        .iter()
        .filter(|b| {
            b.get("security_groups")
                .is_some_and(|g| g.is_unknown() || g.as_list().is_some_and(|l| !l.is_empty()))
        })
        .find_map(|b| {
            ["security_groups", "protocol", "from_port", "to_port"]
                .iter()
                .find_map(|k| b.get(k).filter(Value::is_unknown).map(|v| (*k, v)))
        })
        .map(|(k, v)| {
            format!(
                "an {kind} rule's {k} of {} is {}",
                sg.address,
                v.why_unknown()
            )
        })
}

/// The permissions of a group in one direction that name other security
/// groups (for egress, the groups traffic may go to).
pub fn sg_group_permissions(graph: &Graph, sg: &Resource, egress: bool) -> Vec<GroupPermission> {
    let (kind, rule_type) = if egress {
        ("egress", "aws_vpc_security_group_egress_rule")
    } else {
        ("ingress", "aws_vpc_security_group_ingress_rule")
    };
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
            root: r.root.clone(),
            address: r.address.to_string(),
            attribute,
            span,
        });
    };
    if let Some(v) = sg.get(kind) {
        for (i, block) in v.as_list().unwrap_or_default().iter().enumerate() {
            let mut groups: Vec<String> = list(block.get("security_groups"))
                .iter()
                .filter_map(|g| origin_resource(graph, &sg.root, g))
                .map(|g| g.address.to_string())
                .collect();
            if block.get("self").and_then(|v| v.strip().as_bool()) == Some(true) {
                groups.push(sg.address.to_string());
            }
            if groups.is_empty() {
                continue;
            }
            push(
                sg,
                format!("{kind}[{i}]"),
                block.get("protocol").unwrap_or_default(),
                block.get("from_port"),
                block.get("to_port"),
                groups,
            );
        }
    }
    for rule in referring(graph, sg, "aws_security_group_rule", "security_group_id") {
        if rule.get("type").as_ref().and_then(string) != Some(kind) {
            continue;
        }
        let groups = match targets(
            graph,
            rule,
            "source_security_group_id",
            "aws_security_group",
        ) {
            Fact::Known(g) => g.iter().map(|g| g.address.to_string()).collect(),
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
    for rule in referring(graph, sg, rule_type, "security_group_id") {
        let groups = match targets(
            graph,
            rule,
            "referenced_security_group_id",
            "aws_security_group",
        ) {
            Fact::Known(g) => g.iter().map(|g| g.address.to_string()).collect(),
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

/// Where a resource sits on the network: one entry per subnet it has an
/// interface in, with the security groups on those interfaces.
#[derive(Clone, Debug)]
pub struct Interface<'g> {
    pub resource: &'g Resource,
    pub subnet: &'g Resource,
    pub vpc: &'g Resource,
    /// Security groups on the interface; empty with `default_group` when
    /// the VPC's default group applies and the configuration does not
    /// manage it, and empty without it for interfaces that have none
    /// (NAT gateways, network load balancers without groups).
    pub groups: Vec<&'g Resource>,
    pub default_group: bool,
}

/// How a resource type is placed: the attribute naming its subnets (or a
/// subnet group of `group_type` that does), and the one naming its
/// security groups (`None`: the type has no security groups).
struct Placement {
    subnets: &'static str,
    subnet_group: Option<&'static str>,
    groups: Option<&'static str>,
}

fn placement(resource_type: &str) -> Option<Placement> {
    let p = |subnets, subnet_group, groups| {
        Some(Placement {
            subnets,
            subnet_group,
            groups,
        })
    };
    match resource_type {
        "aws_instance" => p("subnet_id", None, Some("vpc_security_group_ids")),
        "aws_db_instance" | "aws_rds_cluster" | "aws_docdb_cluster" | "aws_neptune_cluster" => p(
            "db_subnet_group_name",
            Some(match resource_type {
                "aws_docdb_cluster" => "aws_docdb_subnet_group",
                "aws_neptune_cluster" => "aws_neptune_subnet_group",
                _ => "aws_db_subnet_group",
            }),
            Some("vpc_security_group_ids"),
        ),
        "aws_redshift_cluster" => p(
            "cluster_subnet_group_name",
            Some("aws_redshift_subnet_group"),
            Some("vpc_security_group_ids"),
        ),
        "aws_elasticache_cluster" | "aws_elasticache_replication_group" => p(
            "subnet_group_name",
            Some("aws_elasticache_subnet_group"),
            Some("security_group_ids"),
        ),
        "aws_lambda_function" => p(
            "vpc_config.0.subnet_ids",
            None,
            Some("vpc_config.0.security_group_ids"),
        ),
        "aws_ecs_service" => p(
            "network_configuration.0.subnets",
            None,
            Some("network_configuration.0.security_groups"),
        ),
        "aws_autoscaling_group" => p("vpc_zone_identifier", None, Some("launch_template")),
        "aws_lb" | "aws_alb" | "aws_elb" => p("subnets", None, Some("security_groups")),
        "aws_vpc_endpoint" => p("subnet_ids", None, Some("security_group_ids")),
        "aws_efs_mount_target" => p("subnet_id", None, Some("security_groups")),
        "aws_opensearch_domain" | "aws_elasticsearch_domain" => p(
            "vpc_options.0.subnet_ids",
            None,
            Some("vpc_options.0.security_group_ids"),
        ),
        "aws_msk_cluster" => p(
            "broker_node_group_info.0.client_subnets",
            None,
            Some("broker_node_group_info.0.security_groups"),
        ),
        "aws_nat_gateway" => p("subnet_id", None, None),
        "aws_eks_node_group" => p("subnet_ids", None, Some("launch_template")),
        _ => None,
    }
}

/// Can the resource type have network interfaces in a VPC?
pub fn is_placed(resource_type: &str) -> bool {
    placement(resource_type).is_some() || resource_type == "aws_rds_cluster_instance"
}

/// The interfaces of a resource. `Known(empty)` for a resource outside any
/// VPC (a Lambda function without `vpc_config`, a public OpenSearch
/// domain); `Unknown` when its subnets or groups are not in the
/// configuration.
pub fn interfaces<'g>(graph: &'g Graph, r: &'g Resource) -> Fact<Vec<Interface<'g>>> {
    let Some(at) = index_of(graph, r) else {
        return interfaces_uncached(graph, r);
    };
    let rebuild = |list: &[InterfaceAt]| {
        list.iter()
            .map(|(subnet, vpc, groups, default_group)| Interface {
                resource: r,
                subnet: &graph.resources[*subnet],
                vpc: &graph.resources[*vpc],
                groups: groups.iter().map(|&g| &graph.resources[g]).collect(),
                default_group: *default_group,
            })
            .collect()
    };
    if let Some(hit) = with_memo(graph, |m| m.interfaces.get(&at).cloned()).flatten() {
        return hit.map(|list| rebuild(&list));
    }
    let found = interfaces_uncached(graph, r);
    let remembered = match &found {
        Fact::Known(list) => list
            .iter()
            .map(|i| {
                Some((
                    index_of(graph, i.subnet)?,
                    index_of(graph, i.vpc)?,
                    i.groups
                        .iter()
                        .map(|g| index_of(graph, g))
                        .collect::<Option<Vec<_>>>()?,
                    i.default_group,
                ))
            })
            .collect::<Option<Vec<_>>>()
            .map(Fact::Known),
        Fact::Unknown(w) => Some(Fact::Unknown(w.clone())),
    };
    if let Some(fact) = remembered {
        with_memo(graph, |m| m.interfaces.insert(at, fact));
    }
    found
}

fn interfaces_uncached<'g>(graph: &'g Graph, r: &'g Resource) -> Fact<Vec<Interface<'g>>> {
    // an Aurora instance sits where its cluster does
    if r.resource_type == "aws_rds_cluster_instance" {
        return match target(graph, r, "cluster_identifier", "aws_rds_cluster") {
            Fact::Known(Some(c)) => interfaces(graph, c).map(|v| {
                v.into_iter()
                    .map(|i| Interface { resource: r, ..i })
                    .collect()
            }),
            Fact::Known(None) => Fact::Unknown(format!(
                "the cluster of {} is not in this configuration",
                r.address
            )),
            Fact::Unknown(w) => Fact::Unknown(w),
        };
    }
    let Some(place) = placement(&r.resource_type) else {
        return Fact::Known(Vec::new());
    };
    let subnets = match place.subnet_group {
        None => {
            if r.get_path(place.subnets).is_none_or(|v| v.is_null()) {
                return match r.resource_type.as_str() {
                    "aws_instance" => Fact::Unknown(format!(
                        "{} has no subnet_id: it is placed in the region's default VPC, which is outside the configuration",
                        r.address
                    )),
                    _ => Fact::Known(Vec::new()),
                };
            }
            targets(graph, r, place.subnets, "aws_subnet")
        }
        Some(group_type) => {
            let group = match target(graph, r, place.subnets, group_type) {
                Fact::Known(Some(g)) => g,
                Fact::Known(None) => match r.get(place.subnets).as_ref().and_then(string) {
                    Some(name) => match graph.of_type(group_type).find(|g| {
                        g.root == r.root && g.get("name").as_ref().and_then(string) == Some(name)
                    }) {
                        Some(g) => g,
                        None => {
                            return Fact::Unknown(format!(
                                "{}.{} names {name:?}, which is not defined in this configuration",
                                r.address, place.subnets
                            ))
                        }
                    },
                    None => {
                        return Fact::Unknown(format!(
                            "{} has no {}: it is placed in the default VPC, which is outside the configuration",
                            r.address, place.subnets
                        ))
                    }
                },
                Fact::Unknown(w) => return Fact::Unknown(w),
            };
            targets(graph, group, "subnet_ids", "aws_subnet")
        }
    };
    let subnets = match subnets {
        Fact::Known(s) => s,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    let groups = match place.groups {
        None => Vec::new(),
        Some("launch_template") => match target(graph, r, "launch_template", "aws_launch_template")
        {
            Fact::Known(Some(t)) => {
                let direct = targets(graph, t, "vpc_security_group_ids", "aws_security_group");
                match direct {
                    Fact::Known(g) if !g.is_empty() => g,
                    _ => match targets(
                        graph,
                        t,
                        "network_interfaces.0.security_groups",
                        "aws_security_group",
                    ) {
                        Fact::Known(g) => g,
                        Fact::Unknown(w) => return Fact::Unknown(w),
                    },
                }
            }
            Fact::Known(None) if r.resource_type == "aws_eks_node_group" => {
                return Fact::Unknown(format!(
                    "{} uses the cluster security group EKS creates, which is outside the configuration",
                    r.address
                ))
            }
            Fact::Known(None) => {
                return Fact::Unknown(format!(
                    "the launch template of {} is not in this configuration",
                    r.address
                ))
            }
            Fact::Unknown(w) => return Fact::Unknown(w),
        },
        Some(attribute) => match targets(graph, r, attribute, "aws_security_group") {
            Fact::Known(g) => g,
            Fact::Unknown(w) => return Fact::Unknown(w),
        },
    };
    let network_lb = matches!(r.resource_type.as_str(), "aws_lb" | "aws_alb")
        && r.get("load_balancer_type").as_ref().and_then(string) == Some("network");
    let mut out = Vec::new();
    for subnet in subnets {
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
        let (groups, default_group) = if groups.is_empty() && place.groups.is_some() && !network_lb
        {
            let managed = referring(graph, vpc, "aws_default_security_group", "vpc_id");
            let unmanaged = managed.is_empty();
            (managed, unmanaged)
        } else {
            (groups.clone(), false)
        };
        out.push(Interface {
            resource: r,
            subnet,
            vpc,
            groups,
            default_group,
        });
    }
    Fact::Known(out)
}

/// A subnet's address range (IPv4 and IPv6 blocks).
pub fn subnet_range(subnet: &Resource) -> Fact<AddrSet> {
    let mut set = AddrSet::empty();
    for attribute in ["cidr_block", "ipv6_cidr_block"] {
        match subnet.get(attribute) {
            Some(v) if v.is_unknown() => {
                return Fact::Unknown(format!(
                    "{}.{attribute} is {}",
                    subnet.address,
                    v.why_unknown()
                ))
            }
            Some(v) => {
                if let Some(net) = string(&v).and_then(|s| s.parse::<ipnet::IpNet>().ok()) {
                    set = set.union(&AddrSet::from_net(&net));
                }
            }
            None => {}
        }
    }
    if set.is_empty() {
        return Fact::Unknown(format!("{} has no known address range", subnet.address));
    }
    Fact::Known(set)
}

/// One route of a route table.
#[derive(Clone, Debug)]
pub struct Route<'g> {
    pub destination: ipnet::IpNet,
    /// The attribute naming the target (`gateway_id`,
    /// `vpc_peering_connection_id`, `transit_gateway_id`, …) and the
    /// managed resource it names, when the configuration has it.
    pub via: &'static str,
    pub target: Option<&'g Resource>,
    pub address: String,
    pub attribute: String,
    pub span: Option<cloudwright_model::Span>,
}

const ROUTE_TARGETS: &[(&str, &str)] = &[
    ("gateway_id", "aws_internet_gateway"),
    ("nat_gateway_id", "aws_nat_gateway"),
    ("vpc_peering_connection_id", "aws_vpc_peering_connection"),
    ("transit_gateway_id", "aws_ec2_transit_gateway"),
    ("egress_only_gateway_id", "aws_egress_only_internet_gateway"),
    ("network_interface_id", "aws_network_interface"),
    ("vpc_endpoint_id", "aws_vpc_endpoint"),
];

/// The routes of a table: inline `route` blocks and `aws_route` resources.
pub fn routes<'g>(graph: &'g Graph, table: &'g Resource) -> Fact<Vec<Route<'g>>> {
    let mut out = Vec::new();
    let mut add = |source: &'g Resource,
                   attribute: String,
                   get: &dyn Fn(&str) -> Option<Value>,
                   dest_keys: [&str; 2]|
     -> Result<(), String> {
        let (via, target_type) = ROUTE_TARGETS
            .iter()
            .find(|(k, _)| get(k).is_some_and(|v| !v.is_null()))
            .copied()
            .unwrap_or(("gateway_id", "aws_internet_gateway"));
        let target_value = get(via);
        let target = match target_value.as_ref().map(|v| (v.is_unknown(), v)) {
            Some((true, v)) => origin_resource(graph, &source.root, v),
            _ => None,
        }
        .filter(|t| t.resource_type == target_type);
        for key in dest_keys {
            match get(key) {
                Some(d) if d.is_unknown() => {
                    return Err(format!(
                        "a route destination of {} is {}",
                        source.address,
                        d.why_unknown()
                    ))
                }
                Some(d) => {
                    if let Some(net) = string(&d).and_then(|s| s.parse::<ipnet::IpNet>().ok()) {
                        out.push(Route {
                            destination: net,
                            via,
                            target,
                            address: source.address.to_string(),
                            attribute: attribute.clone(),
                            span: source.span_of(&attribute).or(source.span),
                        });
                    }
                }
                None => {}
            }
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
            let b = block.clone();
            if let Err(w) = add(
                table,
                format!("route[{i}]"),
                &move |k| b.get(k),
                ["cidr_block", "ipv6_cidr_block"],
            ) {
                return Fact::Unknown(w);
            }
        }
    }
    for route in referring(graph, table, "aws_route", "route_table_id") {
        if let Err(w) = add(
            route,
            String::new(),
            &|k| route.get(k),
            ["destination_cidr_block", "destination_ipv6_cidr_block"],
        ) {
            return Fact::Unknown(w);
        }
    }
    Fact::Known(out)
}

/// The tier of a subnet in the reference three-tier design.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Tier {
    Public,
    App,
    Data,
}

impl Tier {
    pub fn name(self) -> &'static str {
        match self {
            Tier::Public => "public",
            Tier::App => "app",
            Tier::Data => "data",
        }
    }

    pub fn parse(text: &str) -> Option<Tier> {
        let t = text.to_ascii_lowercase();
        let has = |words: &[&str]| {
            t.split(|c: char| !c.is_ascii_alphanumeric())
                .any(|w| words.contains(&w))
        };
        if has(&["public", "dmz", "edge", "ingress"]) {
            Some(Tier::Public)
        } else if has(&[
            "data",
            "db",
            "database",
            "databases",
            "storage",
            "persistence",
            "isolated",
        ]) {
            Some(Tier::Data)
        } else if has(&[
            "private",
            "app",
            "apps",
            "application",
            "compute",
            "workload",
            "backend",
        ]) {
            Some(Tier::App)
        } else {
            None
        }
    }
}

/// The value of a subnet tag whose key (lower-cased, without `-`, `_`)
/// is one of `keys`.
fn tag_value(r: &Resource, keys: &[&str]) -> Option<String> {
    let tags = r.get("tags_all").or_else(|| r.get("tags"))?;
    let obj = tags.as_object()?;
    let found = obj.fields().iter().find_map(|(k, v)| {
        let key = k.to_ascii_lowercase().replace(['-', '_', ' '], "");
        keys.contains(&key.as_str())
            .then(|| v.as_str().map(str::to_string))
            .flatten()
    });
    found
}

/// Why a subnet [`subnet_tier`] classifies by its routes, its subnet
/// groups or for want of anything else may be of another tier: its tags,
/// or its route table's routes, are not known from the code. `None` when
/// what decided rests on what the code says.
pub fn subnet_tier_unknown(graph: &Graph, subnet: &Resource) -> Option<String> {
    if labelled_tier(subnet).is_some() {
        return None;
    }
    let tags = subnet.get("tags_all").or_else(|| subnet.get("tags"));
    if let Some(t) = tags.as_ref().filter(|t| t.is_unknown()) {
        return Some(format!(
            "the tags of {} are {}",
            subnet.address,
            t.why_unknown()
        ));
    }
    let Fact::Known(Some(vpc)) = target(graph, subnet, "vpc_id", "aws_vpc") else {
        return None;
    };
    match route_table(graph, subnet, vpc) {
        Fact::Known(Some(table)) => match routes(graph, table) {
            Fact::Unknown(w) => Some(w),
            Fact::Known(_) => None,
        },
        Fact::Known(None) => None,
        Fact::Unknown(w) => Some(w),
    }
}

/// The tier a subnet's `tier`-like tag, else its `Name` tag, says.
fn labelled_tier(subnet: &Resource) -> Option<(Tier, String)> {
    let tier_keys = [
        "tier",
        "layer",
        "subnettier",
        "subnettype",
        "type",
        "role",
        "network",
    ];
    if let Some(t) = tag_value(subnet, &tier_keys).and_then(|v| Some((Tier::parse(&v)?, v))) {
        return Some((t.0, format!("tagged {:?}", t.1)));
    }
    let name = tag_value(subnet, &["name"])?;
    Tier::parse(&name).map(|t| (t, format!("named {name:?}")))
}

/// A subnet's tier and how it was told: a `tier`-like tag, the `Name`
/// tag, a default route to an internet gateway (public), membership of a
/// database or cache subnet group (data), else private (app).
pub fn subnet_tier(graph: &Graph, subnet: &Resource) -> (Tier, String) {
    if let Some(labelled) = labelled_tier(subnet) {
        return labelled;
    }
    if let Fact::Known(Some(vpc)) = target(graph, subnet, "vpc_id", "aws_vpc") {
        if let Fact::Known(Some(table)) = route_table(graph, subnet, vpc) {
            if let Fact::Known(list) = routes(graph, table) {
                let default_to_igw = list.iter().any(|r| {
                    r.destination.prefix_len() == 0
                        && r.via == "gateway_id"
                        && r.target
                            .is_none_or(|t| t.resource_type == "aws_internet_gateway")
                });
                if default_to_igw {
                    return (
                        Tier::Public,
                        format!("{} routes 0.0.0.0/0 to an internet gateway", table.address),
                    );
                }
            }
        }
    }
    for group_type in [
        "aws_db_subnet_group",
        "aws_elasticache_subnet_group",
        "aws_redshift_subnet_group",
        "aws_docdb_subnet_group",
        "aws_neptune_subnet_group",
    ] {
        let member = graph.of_type(group_type).any(|g| {
            g.root == subnet.root
                && matches!(targets(graph, g, "subnet_ids", "aws_subnet"), Fact::Known(s) if s.iter().any(|s| s.address == subnet.address))
        });
        if member {
            return (Tier::Data, format!("in a {group_type}"));
        }
    }
    (Tier::App, "private: no route to an internet gateway".into())
}
