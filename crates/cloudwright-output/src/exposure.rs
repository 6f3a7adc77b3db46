//! `cloudwright exposure`: what the internet can reach, as text or JSON
//! (schema: `docs/json-exposure.md`).

use cloudwright_model::{Graph, Span};
use cloudwright_network::exposure::{Exposure, Verdict};
use serde_json::json;

const SCHEMA_VERSION: &str = "1";

fn location(graph: &Graph, span: Option<Span>) -> Option<(String, u32)> {
    span.map(|s| (graph.sources.get(s.file).display_path.clone(), s.line))
}

fn services_text(e: &Exposure) -> String {
    e.services
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

pub const SCOPE: &str = "EC2 instances, RDS databases, load balancers and their targets, CloudFront, API Gateway, Lambda function URLs, EKS endpoints, Global Accelerator";

pub fn write_text(
    graph: &Graph,
    exposures: &[Exposure],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut reachable = 0;
    let mut unknown = 0;
    let mut group = "";
    for e in ordered(exposures) {
        if e.severity() != group {
            group = e.severity();
            let title = GROUPS.iter().find(|(g, _)| *g == group).map_or("", |g| g.1);
            writeln!(out, "== {title}\n")?;
        }
        let at = location(graph, e.span)
            .map(|(f, l)| format!("  {f}:{l}"))
            .unwrap_or_default();
        match e.verdict {
            Verdict::Reachable => {
                reachable += 1;
                let via = if e.via.is_empty() {
                    String::new()
                } else {
                    format!(" via {}", e.via.join(", "))
                };
                writeln!(
                    out,
                    "{}  reachable from the internet: {} from {}{via}{at}",
                    e.resource,
                    services_text(e),
                    sources_text(e)
                )?;
                for h in &e.path {
                    let loc = location(graph, h.span)
                        .map(|(f, l)| format!(" ({f}:{l})"))
                        .unwrap_or_default();
                    writeln!(out, "  ↳ {:<16} {} — {}{loc}", h.kind, h.address, h.detail)?;
                }
            }
            Verdict::Unknown => {
                unknown += 1;
                writeln!(out, "{}  undecidable{at}", e.resource)?;
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
        let path: Vec<_> = e
            .path
            .iter()
            .map(|h| {
                let (file, line) = location(graph, h.span).unzip();
                json!({"kind": h.kind, "address": h.address, "detail": h.detail, "file": file, "line": line})
            })
            .collect();
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
