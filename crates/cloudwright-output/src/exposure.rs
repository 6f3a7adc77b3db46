//! `cloudwright exposure`: what the internet can reach, as text or JSON
//! (schema: `docs/json-exposure.md`).

use cloudwright_model::{Graph, Span};
use cloudwright_network::exposure::{Exposure, Verdict};
use serde_json::json;

const SCHEMA_VERSION: &str = "1";

fn location(graph: &Graph, span: Option<Span>) -> Option<(String, u32)> {
    span.map(|s| (graph.sources.get(s.file).display_path.clone(), s.line))
}

/// ` via the load balancer, …` after an exposed resource, or nothing.
pub(crate) fn via_text(via: &[String]) -> String {
    if via.is_empty() {
        String::new()
    } else {
        format!(" via {}", via.join(", "))
    }
}

fn services_text(e: &Exposure) -> String {
    cloudwright_network::exposure::describe_services(&e.services)
}

/// Severity groups in the order a reviewer reads them.
pub const GROUPS: &[(&str, &str)] = &[
    (
        "critical",
        "Critical — data stores, administration and database ports, all traffic",
    ),
    ("high", "High — servers and open front doors"),
    (
        "medium",
        "Medium — web front doors on 80/443 and the services behind load balancers",
    ),
    (
        "unknown",
        "Undecidable — what the configuration does not say",
    ),
];

/// Exposures in reading order: by severity group, then root and address.
pub fn ordered(exposures: &[Exposure]) -> Vec<&Exposure> {
    let rank = |e: &Exposure| GROUPS.iter().position(|(g, _)| *g == e.severity());
    let mut v: Vec<&Exposure> = exposures.iter().collect();
    v.sort_by(|a, b| (rank(a), &a.root, &a.resource).cmp(&(rank(b), &b.root, &b.resource)));
    v
}

fn sources_text(e: &Exposure) -> String {
    if e.sources.len() > 4 {
        format!(
            "{} and {} more ranges",
            e.sources[..4].join(", "),
            e.sources.len() - 4
        )
    } else {
        e.sources.join(", ")
    }
}

pub const SCOPE: &str = "EC2 instances, Auto Scaling groups, ECS services, RDS and Aurora instances, ALB/NLB/CLB and their targets, CloudFront, API Gateway, Lambda function URLs, EKS endpoints, Global Accelerator";

pub fn write_text(
    graph: &Graph,
    exposures: &[Exposure],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut reachable = 0;
    let mut unknown = 0;
    let mut group = "";
    let several_roots = graph.roots().len() > 1;
    for e in ordered(exposures) {
        if e.severity() != group {
            group = e.severity();
            let title = GROUPS.iter().find(|(g, _)| *g == group).map_or("", |g| g.1);
            writeln!(out, "== {title}\n")?;
        }
        let resource = subject(e, several_roots);
        let at = location(graph, e.span)
            .map(|(f, l)| format!("  {f}:{l}"))
            .unwrap_or_default();
        match e.verdict {
            Verdict::Reachable => {
                reachable += 1;
                let via = via_text(&e.via);
                writeln!(
                    out,
                    "{resource}  reachable from the internet: {} from {}{via}{at}",
                    services_text(e),
                    sources_text(e)
                )?;
                for h in &e.path {
                    let loc = location(graph, h.span)
                        .map(|(f, l)| format!(" ({f}:{l})"))
                        .unwrap_or_default();
                    let address = hop_address(h, &e.root);
                    writeln!(out, "  ↳ {:<16} {address} — {}{loc}", h.kind, h.detail)?;
                }
            }
            Verdict::Unknown => {
                unknown += 1;
                writeln!(out, "{resource}  undecidable{at}")?;
                for m in &e.missing {
                    writeln!(out, "  ? {m}")?;
                }
            }
        }
        writeln!(out)?;
    }
    writeln!(
        out,
        "{reachable} reachable from the internet, {unknown} undecidable (analysed: {SCOPE})"
    )
}

pub fn write_json(
    graph: &Graph,
    exposures: &[Exposure],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut items = Vec::new();
    for e in ordered(exposures) {
        let path: Vec<_> = e.path.iter().map(|h| hop_json(graph, h)).collect();
        let verdict = match e.verdict {
            Verdict::Reachable => "reachable",
            Verdict::Unknown => "unknown",
        };
        let base = |protocol: serde_json::Value,
                    from: serde_json::Value,
                    to: serde_json::Value,
                    source: serde_json::Value| {
            json!({
                "resource": e.resource,
                "root": e.root,
                "resource_type": e.resource_type,
                "severity": e.severity(),
                "verdict": verdict,
                "protocol": protocol,
                "from_port": from,
                "to_port": to,
                "source": source,
                "via": e.via,
                "path": path,
                "missing": e.missing,
            })
        };
        if e.verdict == Verdict::Unknown {
            items.push(base(json!(null), json!(null), json!(null), json!(null)));
            continue;
        }
        for (proto, ranges) in &e.services {
            let ranges = if ranges.is_empty() {
                vec![(0, 65535)]
            } else {
                ranges.clone()
            };
            for (from, to) in ranges {
                for source in &e.sources {
                    items.push(base(json!(proto), json!(from), json!(to), json!(source)));
                }
            }
        }
    }
    let doc = json!({"schema_version": SCHEMA_VERSION, "exposures": items});
    let text = serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}

fn markdown_escape(s: &str) -> String {
    s.replace('|', "\\|")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
}

/// The exposure list as a Markdown report: a summary line, a table per
/// severity group, and each path in a collapsible section.
pub fn write_markdown(
    graph: &Graph,
    exposures: &[Exposure],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let reachable = exposures
        .iter()
        .filter(|e| e.verdict == Verdict::Reachable)
        .count();
    let unknown = exposures.len() - reachable;
    writeln!(out, "## Internet exposure\n")?;
    writeln!(
        out,
        "**{reachable}** reachable from the internet, **{unknown}** undecidable.\n"
    )?;
    let all = ordered(exposures);
    for (group, title) in GROUPS {
        let items: Vec<&&Exposure> = all.iter().filter(|e| e.severity() == *group).collect();
        if items.is_empty() {
            continue;
        }
        writeln!(out, "### {title}\n")?;
        if *group == "unknown" {
            writeln!(out, "| Resource | Missing | Location |\n|---|---|---|")?;
        } else {
            writeln!(
                out,
                "| Resource | Services | From | Via | Location |\n|---|---|---|---|---|"
            )?;
        }
        for e in &items {
            let at = location(graph, e.span)
                .map(|(f, l)| format!("`{f}:{l}`"))
                .unwrap_or_default();
            if e.verdict == Verdict::Unknown {
                writeln!(
                    out,
                    "| `{}` | {} | {at} |",
                    e.resource,
                    markdown_escape(&e.missing.join("; "))
                )?;
            } else {
                let via: Vec<String> = e.via.iter().map(|v| format!("`{v}`")).collect();
                writeln!(
                    out,
                    "| `{}` | {} | {} | {} | {at} |",
                    e.resource,
                    services_text(e),
                    markdown_escape(&sources_text(e)),
                    via.join(", ")
                )?;
            }
        }
        writeln!(out)?;
        if *group == "unknown" {
            continue;
        }
        for x in &items {
            writeln!(
                out,
                "<details><summary>Path to <code>{}</code></summary>\n",
                x.resource
            )?;
            for h in &x.path {
                let loc = location(graph, h.span)
                    .map(|(f, l)| format!(" (`{f}:{l}`)"))
                    .unwrap_or_default();
                writeln!(
                    out,
                    "1. **{}** `{}` — {}{loc}",
                    h.kind,
                    hop_address(h, &x.root),
                    markdown_escape(&h.detail)
                )?;
            }
            writeln!(out, "\n</details>\n")?;
        }
    }
    writeln!(out, "_Analysed: {SCOPE}._")
}

/// What a diagram shows: VPCs with their subnets by tier, internet and
/// NAT gateways, the exposed resources where they sit, and the edges of
/// the exposure paths.
struct Diagram {
    vpcs: Vec<Vpc>,
    /// nodes outside any VPC (front doors, gateways listed per VPC above)
    outside: Vec<(String, String)>,
    edges: Vec<(String, String, String)>,
}

/// (node id, label, subnets by tier)
type Vpc = (String, String, Vec<(String, Vec<Subnet>)>);

struct Subnet {
    id: String,
    label: String,
    members: Vec<(String, String)>,
}

fn node_id(root: &str, address: &str) -> String {
    let mut id = String::from("n_");
    for c in root
        .chars()
        .chain(std::iter::once('_'))
        .chain(address.chars())
    {
        id.push(if c.is_ascii_alphanumeric() { c } else { '_' });
    }
    id
}

fn diagram(graph: &Graph, exposures: &[Exposure]) -> Diagram {
    use cloudwright_network::topology::{interfaces, subnet_tier, target, Fact};
    use std::collections::BTreeMap;
    // where each exposed resource sits: its first interface's subnet
    let mut placed: BTreeMap<String, Vec<(String, String)>> = BTreeMap::new();
    let mut outside = vec![("internet".to_string(), "Internet".to_string())];
    let mut edges = Vec::new();
    let mut seen = std::collections::BTreeSet::new();
    for e in exposures {
        let Some(r) = graph
            .resources
            .iter()
            .find(|r| r.address == e.resource && *r.root == *e.root)
        else {
            continue;
        };
        let id = node_id(&e.root, &e.resource);
        if seen.insert(id.clone()) {
            let label = format!("{}\\n{}", e.resource, e.severity());
            match interfaces(graph, r) {
                Fact::Known(list) if !list.is_empty() => {
                    let s = list[0].subnet;
                    placed
                        .entry(node_id(&s.root, &s.address))
                        .or_default()
                        .push((id.clone(), label));
                }
                _ => outside.push((id.clone(), label)),
            }
        }
        if e.verdict == Verdict::Unknown {
            edges.push(("internet".into(), id, "unknown".into()));
            continue;
        }
        match e.via.first() {
            Some(lb) => edges.push((node_id(&e.root, lb), id, services_text(e))),
            None => edges.push(("internet".into(), id, services_text(e))),
        }
    }
    let mut vpcs = Vec::new();
    for vpc in graph.of_type("aws_vpc") {
        if vpc.mode != cloudwright_model::Mode::Managed {
            continue;
        }
        let mut tiers: BTreeMap<&'static str, Vec<Subnet>> = BTreeMap::new();
        for subnet in graph.of_type("aws_subnet") {
            if subnet.root != vpc.root {
                continue;
            }
            let in_vpc = matches!(target(graph, subnet, "vpc_id", "aws_vpc"), Fact::Known(Some(v)) if v.address == vpc.address);
            if !in_vpc {
                continue;
            }
            let id = node_id(&subnet.root, &subnet.address);
            let cidr = subnet
                .get("cidr_block")
                .and_then(|v| v.strip().as_str().map(str::to_string))
                .unwrap_or_else(|| "?".into());
            let mut members = placed.remove(&id).unwrap_or_default();
            for nat in graph.of_type("aws_nat_gateway") {
                if matches!(target(graph, nat, "subnet_id", "aws_subnet"), Fact::Known(Some(s)) if s.address == subnet.address && s.root == subnet.root)
                {
                    members.push((
                        node_id(&nat.root, &nat.address),
                        format!("{}\\nNAT gateway", nat.address),
                    ));
                }
            }
            tiers
                .entry(subnet_tier(graph, subnet).0.name())
                .or_default()
                .push(Subnet {
                    id,
                    label: format!("{} {cidr}", subnet.address),
                    members,
                });
        }
        let cidr = vpc
            .get("cidr_block")
            .and_then(|v| v.strip().as_str().map(str::to_string))
            .unwrap_or_default();
        let vpc_id = node_id(&vpc.root, &vpc.address);
        for igw in graph.of_type("aws_internet_gateway") {
            if matches!(target(graph, igw, "vpc_id", "aws_vpc"), Fact::Known(Some(v)) if v.address == vpc.address && v.root == vpc.root)
            {
                let id = node_id(&igw.root, &igw.address);
                outside.push((id.clone(), format!("{}\\ninternet gateway", igw.address)));
                edges.push(("internet".into(), id, String::new()));
            }
        }
        let order = ["public", "app", "data"];
        let mut tier_list: Vec<(String, Vec<Subnet>)> =
            tiers.into_iter().map(|(t, s)| (t.to_string(), s)).collect();
        tier_list.sort_by_key(|(t, _)| order.iter().position(|o| o == t));
        vpcs.push((vpc_id, format!("{} {cidr}", vpc.address), tier_list));
    }
    // resources whose subnet is not drawn
    for (_, members) in placed {
        outside.extend(members);
    }
    Diagram {
        vpcs,
        outside,
        edges,
    }
}

fn dot_quote(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "\\\""))
}

/// The exposure list as a Graphviz DOT diagram.
pub fn write_dot(
    graph: &Graph,
    exposures: &[Exposure],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let d = diagram(graph, exposures);
    writeln!(out, "digraph exposure {{")?;
    writeln!(out, "  rankdir=LR;\n  node [shape=box, fontsize=10];")?;
    for (id, label) in &d.outside {
        let shape = if id == "internet" { "ellipse" } else { "box" };
        writeln!(out, "  {id} [label={}, shape={shape}];", dot_quote(label))?;
    }
    for (vpc_id, label, tiers) in &d.vpcs {
        writeln!(
            out,
            "  subgraph cluster_{vpc_id} {{\n    label={};",
            dot_quote(label)
        )?;
        for (tier, subnets) in tiers {
            writeln!(
                out,
                "    subgraph cluster_{vpc_id}_{tier} {{\n      label={};\n      style=dashed;",
                dot_quote(&format!("{tier} tier"))
            )?;
            for s in subnets {
                writeln!(
                    out,
                    "      subgraph cluster_{} {{\n        label={};",
                    s.id,
                    dot_quote(&s.label)
                )?;
                writeln!(
                    out,
                    "        {}_anchor [label=\"\", shape=point, style=invis];",
                    s.id
                )?;
                for (id, label) in &s.members {
                    writeln!(out, "        {id} [label={}];", dot_quote(label))?;
                }
                writeln!(out, "      }}")?;
            }
            writeln!(out, "    }}")?;
        }
        writeln!(out, "  }}")?;
    }
    for (a, b, label) in &d.edges {
        if label.is_empty() {
            writeln!(out, "  {a} -> {b} [style=dotted];")?;
        } else {
            writeln!(out, "  {a} -> {b} [label={}];", dot_quote(label))?;
        }
    }
    writeln!(out, "}}")
}

fn mermaid_label(s: &str) -> String {
    format!("\"{}\"", s.replace('"', "#quot;").replace("\\n", "<br/>"))
}

/// The exposure list as a Mermaid flowchart.
pub fn write_mermaid(
    graph: &Graph,
    exposures: &[Exposure],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let d = diagram(graph, exposures);
    writeln!(out, "flowchart LR")?;
    for (id, label) in &d.outside {
        if id == "internet" {
            writeln!(out, "  {id}(({}))", mermaid_label(label))?;
        } else {
            writeln!(out, "  {id}[{}]", mermaid_label(label))?;
        }
    }
    for (vpc_id, label, tiers) in &d.vpcs {
        writeln!(out, "  subgraph {vpc_id}[{}]", mermaid_label(label))?;
        for (tier, subnets) in tiers {
            writeln!(
                out,
                "    subgraph {vpc_id}_{tier}[{}]",
                mermaid_label(&format!("{tier} tier"))
            )?;
            for s in subnets {
                writeln!(out, "      subgraph {}[{}]", s.id, mermaid_label(&s.label))?;
                if s.members.is_empty() {
                    writeln!(out, "        {}_empty[ ]", s.id)?;
                }
                for (id, label) in &s.members {
                    writeln!(out, "        {id}[{}]", mermaid_label(label))?;
                }
                writeln!(out, "      end")?;
            }
            writeln!(out, "    end")?;
        }
        writeln!(out, "  end")?;
    }
    for (a, b, label) in &d.edges {
        if label.is_empty() {
            writeln!(out, "  {a} -.- {b}")?;
        } else {
            writeln!(out, "  {a} -->|{}| {b}", mermaid_label(label))?;
        }
    }
    Ok(())
}

fn outcome_name(o: cloudwright_network::reach::Outcome) -> &'static str {
    use cloudwright_network::reach::Outcome;
    match o {
        Outcome::Reachable => "reachable",
        Outcome::Blocked => "blocked",
        Outcome::Unknown => "unknown",
    }
}

/// Answers to `--from/--to` questions as text.
pub fn write_answers_text(
    graph: &Graph,
    answers: &[cloudwright_network::reach::Answer],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    use cloudwright_network::reach::Outcome;
    for a in answers {
        match a.outcome {
            Outcome::Reachable => writeln!(
                out,
                "{} → {}: reachable on {}",
                a.from,
                a.to,
                cloudwright_network::exposure::describe_services(&a.services)
            )?,
            Outcome::Blocked => writeln!(out, "{} → {}: blocked", a.from, a.to)?,
            Outcome::Unknown => writeln!(out, "{} → {}: undecidable", a.from, a.to)?,
        }
        for h in &a.path {
            let loc = location(graph, h.span)
                .map(|(f, l)| format!(" ({f}:{l})"))
                .unwrap_or_default();
            writeln!(out, "  ↳ {:<16} {} — {}{loc}", h.kind, h.address, h.detail)?;
        }
        if let Some(h) = &a.blocked_by {
            let loc = location(graph, h.span)
                .map(|(f, l)| format!(" ({f}:{l})"))
                .unwrap_or_default();
            writeln!(out, "  ✗ {:<16} {} — {}{loc}", h.kind, h.address, h.detail)?;
        }
        for m in &a.missing {
            writeln!(out, "  ? {m}")?;
        }
        if let Some(c) = &a.change {
            let c = if a.outcome == Outcome::Blocked {
                format!("to open it, {c}")
            } else {
                c.clone()
            };
            writeln!(out, "  → {c}")?;
        }
        writeln!(out)?;
    }
    let count = |o| answers.iter().filter(|a| a.outcome == o).count();
    writeln!(
        out,
        "{} reachable, {} blocked, {} undecidable",
        count(Outcome::Reachable),
        count(Outcome::Blocked),
        count(Outcome::Unknown)
    )
}

fn hop_json(graph: &Graph, h: &cloudwright_network::exposure::Hop) -> serde_json::Value {
    let (file, line) = location(graph, h.span).unzip();
    let root = h.root.as_deref();
    json!({"kind": h.kind, "address": h.address, "root": root, "detail": h.detail, "file": file, "line": line})
}

/// The exposed resource, after its root module when there are several
/// (Terragrunt units deploying one module share its addresses and files).
fn subject(e: &Exposure, several_roots: bool) -> String {
    match several_roots {
        true => format!("{}: {}", e.root, e.resource),
        false => e.resource.clone(),
    }
}

/// A hop's resource, after its root module when that is another than the
/// exposed resource's (a Terragrunt unit's path through the network unit).
fn hop_address(h: &cloudwright_network::exposure::Hop, root: &str) -> String {
    match &h.root {
        Some(other) if **other != *root => format!("{other}: {}", h.address),
        _ => h.address.to_string(),
    }
}

/// Answers to `--from/--to` questions as JSON (`docs/json-exposure.md`).
pub fn write_answers_json(
    graph: &Graph,
    answers: &[cloudwright_network::reach::Answer],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let items: Vec<_> = answers
        .iter()
        .map(|a| {
            let services: Vec<_> = a
                .services
                .iter()
                .map(|(p, r)| json!({"protocol": p, "ports": r.iter().map(|(x, y)| json!([x, y])).collect::<Vec<_>>()}))
                .collect();
            json!({
                "from": a.from,
                "to": a.to,
                "verdict": outcome_name(a.outcome),
                "services": services,
                "path": a.path.iter().map(|h| hop_json(graph, h)).collect::<Vec<_>>(),
                "blocked_by": a.blocked_by.as_ref().map(|h| hop_json(graph, h)),
                "change": a.change,
                "missing": a.missing,
            })
        })
        .collect();
    let doc = json!({"schema_version": SCHEMA_VERSION, "answers": items});
    let text = serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}

/// Answers to `--from/--to` questions as a Markdown table.
pub fn write_answers_markdown(
    graph: &Graph,
    answers: &[cloudwright_network::reach::Answer],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    writeln!(out, "| From | To | Verdict | Services | Blocked by / missing | Change |\n|---|---|---|---|---|---|")?;
    for a in answers {
        let why = match &a.blocked_by {
            Some(h) => {
                let loc = location(graph, h.span)
                    .map(|(f, l)| format!(" (`{f}:{l}`)"))
                    .unwrap_or_default();
                format!("`{}` — {}{loc}", h.address, markdown_escape(&h.detail))
            }
            None => markdown_escape(&a.missing.join("; ")),
        };
        writeln!(
            out,
            "| `{}` | `{}` | {} | {} | {why} | {} |",
            a.from,
            a.to,
            outcome_name(a.outcome),
            cloudwright_network::exposure::describe_services(&a.services),
            markdown_escape(a.change.as_deref().unwrap_or(""))
        )?;
    }
    Ok(())
}
