//! `cloudwright resilience`: a scenario × entry-point table, single points
//! of failure, and each data store's recovery (text, JSON
//! `docs/json-resilience.md`, Markdown).

use crate::diagnostics::plural;
use cloudwright_resilience::recovery::human;
use cloudwright_resilience::Report;
use serde_json::json;

const SCHEMA_VERSION: &str = "1";

/// An entry point: its root module and address (several roots — Terragrunt
/// units, environments — have namesakes).
type Entry = (String, String);

fn cell(r: &Report, scenario: usize, (root, address): &Entry) -> String {
    r.scenarios[scenario]
        .entry_points
        .iter()
        .find(|e| e.address == *address && *e.root == **root)
        .map(|e| match (e.status.name(), e.capacity_pct) {
            ("degraded", Some(p)) => format!("degraded {p}%"),
            (s, _) => s.to_string(),
        })
        .unwrap_or_else(|| "—".into())
}

fn entries(r: &Report) -> Vec<Entry> {
    let mut v: Vec<Entry> = r
        .scenarios
        .iter()
        .flat_map(|s| {
            s.entry_points
                .iter()
                .map(|e| (e.root.to_string(), e.address.to_string()))
        })
        .collect();
    v.sort();
    v.dedup();
    v
}

/// How the report names what is in a root module: after it when the
/// report has several.
fn namer(r: &Report) -> impl Fn(&str, &str) -> String {
    let mut roots: Vec<&str> = r
        .scenarios
        .iter()
        .flat_map(|s| s.entry_points.iter().map(|e| &*e.root))
        .chain(r.unplaced.iter().map(|u| &*u.root))
        .chain(r.data_stores.iter().map(|d| &*d.root))
        .chain(r.availability.iter().map(|a| &*a.root))
        .collect();
    roots.sort_unstable();
    roots.dedup();
    crate::namer(roots.len() > 1)
}

fn scenario_name(r: &Report, i: usize) -> String {
    let s = &r.scenarios[i];
    format!(
        "{} {}",
        if s.kind == "az" { "AZ" } else { "region" },
        s.name
    )
}

fn rpo(v: Option<u64>) -> String {
    v.map_or_else(|| "none".into(), human)
}

/// What the sections say when they have nothing to show (a table of
/// headings alone reads as a failure to print).
const NO_DATA_STORES: &str = "No data stores in the configuration.";
const NO_AVAILABILITY: &str = "None: availability is estimated for entry points.";
const UNPLACED: &str = "Outages not played — the configuration does not say where these entry points run, so what the outage does to them is unknown:";

fn unplaced_kind(u: &cloudwright_resilience::Unplaced) -> &'static str {
    match u.kind {
        "az" => "no Availability Zone scenario",
        _ => "no region scenario",
    }
}

/// Entry points in the scenarios or in none, each once.
fn all_entries(r: &Report, names: &[Entry]) -> usize {
    let mut all: Vec<(&str, &str)> = names
        .iter()
        .map(|(root, address)| (root.as_str(), address.as_str()))
        .collect();
    all.extend(r.unplaced.iter().map(|u| (&*u.root, u.address.as_str())));
    all.sort_unstable();
    all.dedup();
    all.len()
}

/// Entry points some kind of scenario does not judge, each once.
fn unplaced_entries(r: &Report) -> usize {
    let mut v: Vec<(&str, &str)> = r
        .unplaced
        .iter()
        .map(|u| (&*u.root, u.address.as_str()))
        .collect();
    v.sort_unstable();
    v.dedup();
    v.len()
}
const NO_ENTRY_POINTS: &str = "No entry points: no load balancer, API, distribution or service in the configuration takes traffic, so no outage scenario is played (declare one with [[resilience.services]] in cloudwright.toml).";

pub fn write_text(r: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let names = entries(r);
    let name = namer(r);
    let mut rows: Vec<Vec<String>> = vec![[
        vec!["Entry point".to_string()],
        (0..r.scenarios.len())
            .map(|i| scenario_name(r, i))
            .collect(),
    ]
    .concat()];
    for e in &names {
        let mut row = vec![name(&e.0, &e.1)];
        row.extend((0..r.scenarios.len()).map(|i| cell(r, i, e)));
        rows.push(row);
    }
    writeln!(out, "== Failure scenarios\n")?;
    match (names.is_empty(), r.unplaced.is_empty()) {
        (true, true) => writeln!(out, "{NO_ENTRY_POINTS}")?,
        (true, false) => {}
        (false, _) => crate::table::write(out, &rows, true)?,
    }
    if !r.unplaced.is_empty() {
        if !names.is_empty() {
            writeln!(out)?;
        }
        writeln!(out, "{UNPLACED}")?;
        for u in &r.unplaced {
            writeln!(
                out,
                "  ? {} — {}: {}",
                name(&u.root, &u.address),
                unplaced_kind(u),
                u.reason
            )?;
        }
    }
    writeln!(out)?;
    for s in &r.scenarios {
        for e in s.entry_points.iter().filter(|e| !e.reason.is_empty()) {
            writeln!(
                out,
                "{} {} — {}: {}",
                if s.kind == "az" { "AZ" } else { "region" },
                s.name,
                name(&e.root, &e.address),
                e.reason
            )?;
        }
    }
    writeln!(out, "\n== Data stores: recovery point and time\n")?;
    if r.data_stores.is_empty() {
        writeln!(out, "{NO_DATA_STORES}")?;
    }
    for d in &r.data_stores {
        let objective = match (d.objective_rpo, d.objective_rto) {
            (None, None) => "no objective declared".to_string(),
            (p, t) => format!(
                "objective RPO {} RTO {}",
                p.map_or("—".into(), human),
                t.map_or("—".into(), human)
            ),
        };
        writeln!(
            out,
            "{}  RPO {}  RTO {}  ({}){}  — {objective}",
            name(&d.root, &d.address),
            rpo(d.rpo_seconds),
            d.rto_seconds.map_or("—".into(), human),
            d.basis,
            d.standby_region
                .as_ref()
                .map(|s| format!("; standby: {s}"))
                .unwrap_or_default()
        )?;
        for v in &d.violations {
            writeln!(out, "  ✗ {v}")?;
        }
    }
    writeln!(out, "\n== Availability from published SLAs\n")?;
    if r.availability.is_empty() {
        writeln!(out, "{NO_AVAILABILITY}")?;
    }
    for a in &r.availability {
        match (a.percent, &a.unknown) {
            (Some(p), _) => {
                let target = match (a.target, a.meets_target) {
                    (Some(t), Some(true)) => format!("  — target {t}%: met"),
                    (Some(t), _) => format!("  — target {t}%: ✗ not met"),
                    _ => String::new(),
                };
                let weakest = a
                    .weakest
                    .as_ref()
                    .map(|(w, s)| format!(" (weakest link {w}, {s}%)"))
                    .unwrap_or_default();
                writeln!(out, "{}  {p}%{weakest}{target}", name(&a.root, &a.address))?;
            }
            (None, Some(why)) => writeln!(out, "{}  unknown: {why}", name(&a.root, &a.address))?,
            (None, None) => writeln!(out, "{}  unknown", name(&a.root, &a.address))?,
        }
    }
    let violations: usize = r.data_stores.iter().map(|d| d.violations.len()).sum();
    writeln!(
        out,
        "\n{}{}, {}, {}, {}",
        plural(all_entries(r, &names), "entry point"),
        match unplaced_entries(r) {
            0 => String::new(),
            n => format!(" ({n} not judged by every kind of scenario)"),
        },
        plural(r.scenarios.len(), "scenario"),
        match r.single_points_of_failure.len() {
            1 => "1 single point of failure".to_string(),
            n => format!("{n} single points of failure"),
        },
        plural(violations, "objective violation"),
    )
}

pub fn write_json(r: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let text = serde_json::to_string_pretty(&report_json(r)).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}

/// The JSON document (`docs/json-resilience.md`).
pub fn report_json(r: &Report) -> serde_json::Value {
    json!({
        "schema_version": SCHEMA_VERSION,
        "scenarios": r.scenarios.iter().map(|s| json!({
            "kind": s.kind,
            "name": s.name,
            "entry_points": s.entry_points.iter().map(|e| json!({
                "address": e.address,
                "root": e.root,
                "status": e.status.name(),
                "capacity_pct": e.capacity_pct,
                "reason": e.reason,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "data_stores": r.data_stores.iter().map(|d| json!({
            "address": d.address,
            "root": d.root,
            "resource_type": d.resource_type,
            "rpo_seconds": d.rpo_seconds,
            "rto_seconds": d.rto_seconds,
            "basis": d.basis,
            "objective": {"rpo_seconds": d.objective_rpo, "rto_seconds": d.objective_rto},
            "standby_region": d.standby_region,
            "violations": d.violations,
        })).collect::<Vec<_>>(),
        "availability": r.availability.iter().map(|a| json!({
            "address": a.address,
            "root": a.root,
            "percent": a.percent,
            "weakest": a.weakest.as_ref().map(|(w, p)| json!({"address": w, "percent": p})),
            "target_percent": a.target,
            "meets_target": a.meets_target,
            "unknown": a.unknown,
            "components": a.components.iter().map(|(c, s)| json!({
                "address": c, "sla_percent": s.percent, "covers": s.covers, "source": s.source,
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "unplaced": r.unplaced.iter().map(|u| json!({
            "kind": u.kind,
            "address": u.address,
            "root": u.root,
            "reason": u.reason,
        })).collect::<Vec<_>>(),
        "single_points_of_failure": r.single_points_of_failure.iter().map(|s| json!({
            "address": s.address,
            "root": s.root,
            "scenario": s.scenario,
            "reason": s.reason,
        })).collect::<Vec<_>>(),
    })
}

pub fn write_markdown(r: &Report, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let names = entries(r);
    let name = namer(r);
    writeln!(out, "## Resilience\n")?;
    let header: Vec<String> = (0..r.scenarios.len())
        .map(|i| scenario_name(r, i))
        .collect();
    if names.is_empty() && r.unplaced.is_empty() {
        writeln!(out, "{NO_ENTRY_POINTS}")?;
    } else if !names.is_empty() {
        writeln!(
            out,
            "| Entry point | {} |\n|---|{}",
            header.join(" | "),
            "---|".repeat(header.len())
        )?;
    }
    for e in &names {
        let cells: Vec<String> = (0..r.scenarios.len()).map(|i| cell(r, i, e)).collect();
        writeln!(out, "| `{}` | {} |", name(&e.0, &e.1), cells.join(" | "))?;
    }
    if !r.unplaced.is_empty() {
        let gap = if names.is_empty() { "" } else { "\n" };
        writeln!(out, "{gap}{UNPLACED}\n")?;
        for u in &r.unplaced {
            writeln!(
                out,
                "- `{}` — {}: {}",
                name(&u.root, &u.address),
                unplaced_kind(u),
                u.reason
            )?;
        }
    }
    if !r.availability.is_empty() {
        writeln!(
            out,
            "\n| Entry point | Availability (SLAs) | Weakest link | Target |\n|---|---|---|---|"
        )?;
    }
    for a in &r.availability {
        writeln!(
            out,
            "| `{}` | {} | {} | {} |",
            name(&a.root, &a.address),
            a.percent
                .map_or_else(|| "unknown".to_string(), |p| format!("{p}%")),
            a.weakest
                .as_ref()
                .map_or_else(|| "—".to_string(), |(w, p)| format!("`{w}` {p}%")),
            match (a.target, a.meets_target) {
                (Some(t), Some(true)) => format!("{t}% ✓"),
                (Some(t), _) => format!("{t}% ✗"),
                _ => "—".into(),
            }
        )?;
    }
    match r.data_stores.is_empty() {
        true => writeln!(out, "\n{NO_DATA_STORES}")?,
        false => writeln!(
            out,
            "\n| Data store | RPO | RTO | Objective | Violations |\n|---|---|---|---|---|"
        )?,
    }
    for d in &r.data_stores {
        writeln!(
            out,
            "| `{}` | {} | {} | {} | {} |",
            name(&d.root, &d.address),
            rpo(d.rpo_seconds),
            d.rto_seconds.map_or("—".into(), human),
            match (d.objective_rpo, d.objective_rto) {
                (None, None) => "—".to_string(),
                (p, t) => format!(
                    "RPO {} / RTO {}",
                    p.map_or("—".into(), human),
                    t.map_or("—".into(), human)
                ),
            },
            d.violations.join("; ")
        )?;
    }
    Ok(())
}
