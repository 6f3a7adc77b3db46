//! `cloudwright review`: one review across every engine — a verdict line,
//! then short ranked sections in the order a reviewer cares about
//! (exposure, identity, security findings, resilience, cost, IaC hygiene),
//! each pointing at the command with the details. Text, JSON
//! (`docs/json-review.md`) and Markdown (the pull-request comment), for a
//! whole tree or a change.

use crate::cost::{money, signed};
use crate::diagnostics::plural;
use cloudwright_model::{Finding, FindingSeverity, Graph, HandoverKind};
use cloudwright_review::change::{ExposureSummary, HandoverChange};
use cloudwright_review::{ChangeReview, ConfigProblem, Review};
use serde_json::{json, Value as Json};
use std::io::Write;

const SCHEMA_VERSION: &str = "1";
/// How many items a section shows before "… and N more".
const TOP: usize = 8;

/// A finding's resource, after its root module when that is not the
/// scanned directory (several roots — Terragrunt units, environments —
/// have namesakes).
fn subject(f: &Finding) -> String {
    crate::with_root(&f.root, &f.resource)
}

/// `main.tf:12`: where a finding is; `None` for one with no place (a plan
/// or state resource without its configuration beside it).
fn place(graph: &Graph, f: &Finding) -> Option<String> {
    f.span
        .map(|s| format!("{}:{}", graph.sources.get(s.file).display_path, s.line))
}

/// `  main.tf:12` after a finding's line, or nothing.
fn location(graph: &Graph, f: &Finding) -> String {
    place(graph, f)
        .map(|p| format!("  {p}"))
        .unwrap_or_default()
}

fn finding_json(graph: &Graph, f: &Finding) -> Json {
    json!({
        "rule": f.rule_id,
        "severity": f.severity.as_str(),
        "title": f.title,
        "message": &*f.message,
        "resource": f.resource,
        "root": f.root,
        "location": f.span.map(|s| json!({"file": graph.sources.get(s.file).display_path, "line": s.line})),
        "fingerprint": f.fingerprint(),
    })
}

fn exposure_json(e: &ExposureSummary) -> Json {
    json!({"root": e.root, "resource": e.resource, "type": e.resource_type, "services": e.services, "sources": e.sources, "via": e.via})
}

fn severity_counts(findings: &[&Finding]) -> String {
    let mut parts = Vec::new();
    for s in [
        FindingSeverity::Critical,
        FindingSeverity::High,
        FindingSeverity::Medium,
        FindingSeverity::Low,
        FindingSeverity::Info,
    ] {
        let n = findings.iter().filter(|f| f.severity == s).count();
        if n > 0 {
            parts.push(format!("{n} {s}"));
        }
    }
    if parts.is_empty() {
        "none".into()
    } else {
        parts.join(", ")
    }
}

/// The whole-tree verdict: what needs fixing before it ships.
pub fn tree_headline(r: &Review) -> String {
    let mut parts = Vec::new();
    let errors = r.configuration.iter().filter(|p| p.is_error()).count();
    if errors > 0 {
        parts.push(plural(errors, "configuration error"));
    }
    let exposed = r.reachable().count();
    if exposed > 0 {
        parts.push(plural(exposed, "internet exposure path"));
    }
    let escalations = r.escalations().len();
    if escalations > 0 {
        parts.push(plural(escalations, "privilege-escalation path"));
    }
    let serious = r.count_at_least(FindingSeverity::High);
    if serious > 0 {
        parts.push(format!("{serious} high or critical findings"));
    }
    // (namesakes of several roots are several services)
    let spofs: std::collections::BTreeSet<(&str, &str)> = r
        .resilience
        .single_points_of_failure
        .iter()
        .map(|s| (&*s.root, s.address.as_str()))
        .collect();
    if !spofs.is_empty() {
        parts.push(format!(
            "{} down on an AZ loss",
            plural(spofs.len(), "service")
        ));
    }
    // what could not be priced is said, so a total is never read as all
    parts.push(if r.cost.unpriced.is_empty() {
        format!("{}/mo", money(r.cost.total_monthly_cost))
    } else {
        format!(
            "{}/mo + {} not priced",
            money(r.cost.total_monthly_cost),
            plural(r.cost.unpriced.len(), "resource")
        )
    });
    parts.join(" · ")
}

fn exposures(r: &Review) -> Vec<ExposureSummary> {
    r.reachable().map(ExposureSummary::of).collect()
}

fn more(out: &mut dyn Write, total: usize) -> std::io::Result<()> {
    if total > TOP {
        writeln!(out, "  … and {} more", total - TOP)?;
    }
    Ok(())
}

pub fn write_text(
    graph: &Graph,
    path: &str,
    r: &Review,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(out, "Review of {path}: {}\n", tree_headline(r))?;
    let ex = exposures(r);
    let undecided = r.exposures.len() - ex.len();
    writeln!(
        out,
        "1. Exposure — {} reachable from the internet, {undecided} undecidable  (cloudwright exposure {path})",
        ex.len()
    )?;
    // (each resource after its root module: several roots have namesakes)
    for (e, x) in ex.iter().zip(r.reachable()).take(TOP) {
        let via = crate::exposure::via_text(&e.via);
        writeln!(
            out,
            "  {}  {} from {}{via}",
            crate::with_root(&x.root, &e.resource),
            e.services,
            e.sources
        )?;
    }
    more(out, ex.len())?;
    let escalations = r.escalations();
    let admins: Vec<&str> = r
        .principals
        .iter()
        .filter(|a| a.admin_equivalent)
        .map(|a| a.address.as_str())
        .collect();
    let unanalysed = r
        .principals
        .iter()
        .filter(|a| !a.missing.is_empty())
        .count();
    writeln!(
        out,
        "\n2. Identity — {}, {}, {} open beyond the account{}  (cloudwright iam {path})",
        plural(escalations.len(), "escalation path"),
        plural(admins.len(), "administrator-equivalent principal"),
        if r.access.len() == 1 {
            "1 resource or trust policy".to_string()
        } else {
            format!("{} resource or trust policies", r.access.len())
        },
        match unanalysed {
            0 => String::new(),
            n => format!("; {} with policies not analysed", plural(n, "principal")),
        },
    )?;
    let mut paths: Vec<(String, &str)> = r
        .principals
        .iter()
        .flat_map(|a| {
            let who = crate::with_root(&a.root, &a.address);
            a.escalation_paths
                .iter()
                .map(move |p| (who.clone(), p.target.as_str()))
        })
        .collect();
    paths.sort();
    paths.dedup();
    for (who, to) in paths.iter().take(TOP) {
        writeln!(out, "  {who} can become {to}")?;
    }
    for a in r.access.iter().take(TOP) {
        writeln!(
            out,
            "  {}: {} ({})",
            crate::with_root(&a.root, &a.address),
            a.classification,
            a.actions.join(", ")
        )?;
    }
    let security: Vec<&Finding> = r.security_findings().collect();
    writeln!(
        out,
        "\n3. Security findings — {}  (cloudwright scan {path})",
        severity_counts(&security)
    )?;
    let mut ranked = security.clone();
    ranked.sort_by_key(|f| std::cmp::Reverse(f.severity));
    for f in ranked
        .iter()
        .filter(|f| f.severity >= FindingSeverity::High)
        .take(TOP)
    {
        writeln!(
            out,
            "  {} {} {}: {}{}",
            f.severity,
            f.rule_id,
            subject(f),
            f.message,
            location(graph, f)
        )?;
    }
    more(
        out,
        ranked
            .iter()
            .filter(|f| f.severity >= FindingSeverity::High)
            .count(),
    )?;
    let outages = r.outages();
    let down: Vec<_> = outages.iter().filter(|o| o.3 == "down").collect();
    let violations: Vec<(String, &str)> = r
        .resilience
        .data_stores
        .iter()
        .flat_map(|d| {
            d.violations
                .iter()
                .map(move |v| (crate::with_root(&d.root, &d.address), v.as_str()))
        })
        .collect();
    let mut unplaced: Vec<(&str, &str)> = r
        .resilience
        .unplaced
        .iter()
        .map(|u| (&*u.root, u.address.as_str()))
        .collect();
    unplaced.sort_unstable();
    unplaced.dedup();
    writeln!(
        out,
        "\n4. Resilience — {} down, {} degraded across the failure scenarios{}; {}  (cloudwright resilience {path})",
        down.len(),
        outages.len() - down.len(),
        match unplaced.len() {
            0 => String::new(),
            n => format!(
                " ({} not judged by every kind of scenario: where {} is not known from the code)",
                plural(n, "entry point"),
                if n == 1 { "it runs" } else { "they run" }
            ),
        },
        plural(violations.len(), "recovery objective violation"),
    )?;
    for (scenario, root, address, status, reason) in outages.iter().take(TOP) {
        let address = crate::with_root(root, address);
        writeln!(out, "  {scenario}: {address} {status} — {reason}")?;
    }
    more(out, outages.len())?;
    for (address, v) in violations.iter().take(TOP) {
        writeln!(out, "  {address}: {v}")?;
    }
    for a in r
        .resilience
        .availability
        .iter()
        .filter(|a| a.meets_target == Some(false))
    {
        writeln!(
            out,
            "  {}: availability {}% below its {}% target",
            crate::with_root(&a.root, &a.address),
            a.percent.unwrap_or_default(),
            a.target.unwrap_or_default()
        )?;
    }
    writeln!(
        out,
        "\n5. Cost — {} a month ({} priced, {} not priced, {} usage-based without usage)  (cloudwright cost {path})",
        crate::cost::total(&r.cost),
        r.cost.resources.len(),
        r.cost.unpriced.len(),
        r.cost.usage_pending
    )?;
    let mut drivers: Vec<_> = r.cost.resources.iter().collect();
    drivers.sort_by(|a, b| b.monthly_cost.total_cmp(&a.monthly_cost));
    for d in drivers.iter().take(5) {
        writeln!(
            out,
            "  {}  {}",
            crate::with_root(&d.root, &d.address),
            money(d.monthly_cost)
        )?;
    }
    // the most severe first, as in the security section (a state backend
    // without locking before a missing tag)
    let mut hygiene: Vec<&Finding> = r.hygiene_findings().collect();
    hygiene.sort_by_key(|f| std::cmp::Reverse(f.severity));
    let tagging = r
        .scan
        .tagging
        .as_ref()
        .map(|t| {
            format!(
                "; {} of {} taggable resources fully tagged",
                t.fully_tagged, t.taggable
            )
        })
        .unwrap_or_default();
    writeln!(
        out,
        "\n6. IaC hygiene, tagging and cost judgement — {}{tagging}  (cloudwright scan {path})",
        plural(hygiene.len(), "finding")
    )?;
    for f in hygiene.iter().take(TOP) {
        writeln!(
            out,
            "  {} {} {}: {}",
            f.severity,
            f.rule_id,
            subject(f),
            f.message
        )?;
    }
    more(out, hygiene.len())?;
    let errors = r.configuration.iter().filter(|p| p.is_error()).count();
    writeln!(
        out,
        "\n7. Configuration — {}, {}: what Terraform would refuse or Cloudwright could not read  (cloudwright resources {path})",
        plural(errors, "error"),
        plural(r.configuration.len() - errors, "warning")
    )?;
    for p in r.configuration.iter().take(TOP) {
        writeln!(out, "  {}", problem_line(p))?;
    }
    more(out, r.configuration.len())?;
    Ok(())
}

/// `error main.tf:11: unsupported argument …`
fn problem_line(p: &ConfigProblem) -> String {
    format!(
        "{} {}:{}: {}",
        p.severity.as_str(),
        p.file,
        p.line,
        p.message
    )
}

fn problem_json(p: &ConfigProblem) -> Json {
    json!({"severity": p.severity.as_str(), "message": p.message, "file": p.file, "line": p.line})
}

/// Everything but the findings, which [`write_json`] streams.
fn tree_json(r: &Review) -> Json {
    json!({
        "exposures": exposures(r).iter().map(exposure_json).collect::<Vec<_>>(),
        "undecidable_exposures": r.exposures.iter()
            .filter(|e| e.verdict != cloudwright_network::exposure::Verdict::Reachable)
            .map(|e| json!({"resource": e.resource, "missing": e.missing}))
            .collect::<Vec<_>>(),
        "iam": {
            "escalation_paths": r.principals.iter().flat_map(|a| a.escalation_paths.iter().map(move |p| json!({
                "principal": a.address,
                "target": p.target,
                "steps": p.steps.iter().map(|s| json!({"action": s.action, "detail": s.detail})).collect::<Vec<_>>(),
            }))).collect::<Vec<_>>(),
            "administrators": r.principals.iter().filter(|a| a.admin_equivalent).map(|a| a.address.to_string()).collect::<Vec<_>>(),
            "not_analysed": r.principals.iter().filter(|a| !a.missing.is_empty()).map(|a| json!({
                "principal": a.address, "missing": a.missing,
            })).collect::<Vec<_>>(),
            "resource_access": r.access.iter().map(|a| json!({
                "address": a.address, "classification": a.classification, "principals": a.principals, "actions": a.actions,
            })).collect::<Vec<_>>(),
        },
        "resilience": crate::resilience::report_json(&r.resilience),
        "cost": crate::cost::estimate_json(&r.cost),
        "tagging": r.scan.tagging.as_ref().map(|t| json!({"taggable": t.taggable, "fully_tagged": t.fully_tagged, "unknown": t.unknown})),
        "configuration": r.configuration.iter().map(problem_json).collect::<Vec<_>>(),
    })
}

/// The review as JSON, the findings written one at a time (a large tree
/// has hundreds of thousands).
pub fn write_json(graph: &Graph, r: &Review, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{{")?;
    writeln!(out, "  \"schema_version\": {},", json!(SCHEMA_VERSION))?;
    writeln!(out, "  \"kind\": \"review\",")?;
    writeln!(out, "  \"headline\": {},", json!(tree_headline(r)))?;
    write!(out, "  \"findings\": [")?;
    for (i, f) in r.scan.findings.iter().enumerate() {
        if i > 0 {
            write!(out, ",")?;
        }
        write!(out, "\n    ")?;
        serde_json::to_writer(&mut *out, &finding_json(graph, f))?;
    }
    write!(out, "\n  ]")?;
    if let Json::Object(rest) = tree_json(r) {
        for (k, v) in rest {
            write!(out, ",\n  {}: ", json!(k))?;
            serde_json::to_writer(&mut *out, &v)?;
        }
    }
    writeln!(out, "\n}}")
}

pub fn write_markdown(
    graph: &Graph,
    path: &str,
    r: &Review,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(out, "## Cloudwright review: {}\n", tree_headline(r))?;
    writeln!(out, "<details><summary>Details</summary>\n\n```text")?;
    write_text(graph, path, r, out)?;
    writeln!(out, "```\n\n</details>")
}

// ---------------------------------------------------------------- change

/// The one-line headline of a change: `opens 1 exposure path · +$412.00/mo
/// · 2 new high findings · AZ loss now takes down aws_lb.orders`.
pub fn change_headline(c: &ChangeReview) -> String {
    let mut parts = Vec::new();
    let errors = c.new_problems.iter().filter(|p| p.is_error()).count();
    if errors > 0 {
        parts.push(format!("adds {}", plural(errors, "configuration error")));
    }
    if !c.opened.is_empty() {
        parts.push(format!("opens {}", plural(c.opened.len(), "exposure path")));
    }
    if !c.closed.is_empty() {
        parts.push(format!(
            "closes {}",
            plural(c.closed.len(), "exposure path")
        ));
    }
    let escalations = c.new_escalations.len() + c.new_admins.len();
    if escalations > 0 {
        parts.push(format!("adds {}", plural(escalations, "escalation path")));
    }
    if !c.new_access.is_empty() {
        parts.push(format!(
            "opens {} beyond the account",
            if c.new_access.len() == 1 {
                "1 resource policy".to_string()
            } else {
                format!("{} resource policies", c.new_access.len())
            }
        ));
    }
    if c.cost.delta.abs() >= 0.005 {
        parts.push(format!("{}/mo", signed(c.cost.delta)));
    }
    let imported = c.handed(HandoverKind::Import).count();
    let released = c.handed(HandoverKind::Release).count();
    if imported > 0 {
        parts.push(format!(
            "imports {} already running",
            plural(imported, "object")
        ));
    }
    if released > 0 {
        parts.push(format!(
            "leaves {} running outside Terraform",
            plural(released, "object")
        ));
    }
    let serious = c
        .new_findings
        .iter()
        .filter(|f| f.severity >= FindingSeverity::High)
        .count();
    // new findings in module instances the head read only in part may
    // come from what was left out: said with their number
    let unsure = match c.new_in_partly_read.len() {
        0 => String::new(),
        n => format!(" ({n} in modules read only in part)"),
    };
    if serious > 0 {
        parts.push(format!("{serious} new high or critical findings{unsure}"));
    } else if !c.new_findings.is_empty() {
        parts.push(format!(
            "{}{unsure}",
            plural(c.new_findings.len(), "new finding")
        ));
    }
    if !c.fixed_findings.is_empty() {
        parts.push(format!(
            "fixes {}",
            plural(c.fixed_findings.len(), "finding")
        ));
    }
    if let Some(w) = c.worse.first() {
        let others = if c.worse.len() > 1 {
            format!(" (+{} more)", c.worse.len() - 1)
        } else {
            String::new()
        };
        parts.push(format!(
            "{} loss now leaves {} {}{others}",
            w.scenario, w.address, w.after
        ));
    }
    if !c.new_violations.is_empty() {
        parts.push(plural(
            c.new_violations.len(),
            "new recovery objective violation",
        ));
    }
    if parts.is_empty() {
        "no change in exposure, identity, findings, resilience, cost or configuration".into()
    } else {
        parts.join(" · ")
    }
}

pub fn write_change_text(
    base: &Graph,
    head: &Graph,
    c: &ChangeReview,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    writeln!(out, "Change review: {}\n", change_headline(c))?;
    writeln!(
        out,
        "Exposure: {} opened, {} closed",
        c.opened.len(),
        c.closed.len()
    )?;
    for e in &c.opened {
        let resource = crate::with_root(&e.root, &e.resource);
        writeln!(out, "  + {resource}  {} from {}", e.services, e.sources)?;
    }
    for e in &c.closed {
        let resource = crate::with_root(&e.root, &e.resource);
        writeln!(out, "  - {resource}  {} from {}", e.services, e.sources)?;
    }
    writeln!(
        out,
        "Identity: {} new escalation paths, {} closed, {} new administrators, {} resource policies newly open, {} closed",
        c.new_escalations.len(),
        c.closed_escalations.len(),
        c.new_admins.len(),
        c.new_access.len(),
        c.closed_access.len()
    )?;
    for (who, to) in &c.new_escalations {
        writeln!(out, "  + {who} can become {to}")?;
    }
    for a in &c.new_admins {
        writeln!(out, "  + {a} is administrator-equivalent")?;
    }
    for (a, class) in &c.new_access {
        writeln!(out, "  + {a}: {class}")?;
    }
    let fresh: Vec<&Finding> = c.new_findings.iter().collect();
    writeln!(
        out,
        "Findings: {} new ({}), {} fixed",
        c.new_findings.len(),
        severity_counts(&fresh),
        c.fixed_findings.len()
    )?;
    for f in c.new_findings.iter().take(TOP) {
        writeln!(
            out,
            "  + {} {} {}: {}{}{}",
            f.severity,
            f.rule_id,
            subject(f),
            f.message,
            location(head, f),
            match c.new_in_partly_read.contains(&f.fingerprint()) {
                true => "  (its module was read only in part: may come from what was left out)",
                false => "",
            }
        )?;
    }
    more(out, c.new_findings.len())?;
    for f in c.fixed_findings.iter().take(TOP) {
        writeln!(
            out,
            "  - {} {} {}{}",
            f.severity,
            f.rule_id,
            subject(f),
            location(base, f)
        )?;
    }
    more(out, c.fixed_findings.len())?;
    writeln!(
        out,
        "Resilience: {} worse, {} better, {} new objective violations",
        c.worse.len(),
        c.better.len(),
        c.new_violations.len()
    )?;
    for w in &c.worse {
        writeln!(
            out,
            "  ✗ {}: {} {} → {} — {}",
            w.scenario,
            w.address,
            w.before.unwrap_or("(new)"),
            w.after,
            w.reason
        )?;
    }
    for b in &c.better {
        writeln!(
            out,
            "  ✓ {}: {} {} → {}",
            b.scenario,
            b.address,
            b.before.unwrap_or("(new)"),
            b.after
        )?;
    }
    for (a, v) in &c.new_violations {
        writeln!(out, "  ✗ {a}: {v}")?;
    }
    if !c.handovers.is_empty() {
        writeln!(out, "Management: {}", management_summary(c))?;
        for h in &c.handovers {
            writeln!(out, "  {}", handover_line(h, |a| a.to_string()))?;
        }
    }
    writeln!(out, "Configuration: {}", configuration_summary(c))?;
    for p in &c.new_problems {
        writeln!(out, "  + {}", problem_line(p))?;
    }
    for p in &c.fixed_problems {
        writeln!(out, "  - {}", problem_line(p))?;
    }
    writeln!(out, "Cost:")?;
    crate::cost::write_diff_text(&c.cost, out)
}

/// `2 new (1 error), 1 mended`
fn configuration_summary(c: &ChangeReview) -> String {
    let errors = c.new_problems.iter().filter(|p| p.is_error()).count();
    format!(
        "{} new ({}), {} mended",
        c.new_problems.len(),
        plural(errors, "error"),
        c.fixed_problems.len()
    )
}

/// `1 imported, 2 released (left running)`
fn management_summary(c: &ChangeReview) -> String {
    format!(
        "{} imported, {} released (left running)",
        c.handed(HandoverKind::Import).count(),
        c.handed(HandoverKind::Release).count()
    )
}

/// One imported or released object, its address written by `address`:
/// what it means for the bill and the findings.
fn handover_line(h: &HandoverChange, address: impl Fn(&str) -> String) -> String {
    let cost = |what: &str| match h.monthly_cost {
        Some(c) => format!(" — {}{what}", money(c)),
        None => String::new(),
    };
    match h.kind {
        HandoverKind::Import => format!(
            "→ {}  imported: it was already running{}; its findings are not new in the account",
            address(&h.address),
            cost("/mo was already paid")
        ),
        HandoverKind::Release => format!(
            "← {}  released with `destroy = false`: it keeps running unmanaged{}; its findings are not fixed",
            address(&h.address),
            cost("/mo is still paid")
        ),
    }
}

pub fn write_change_json(
    base: &Graph,
    head: &Graph,
    c: &ChangeReview,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let scenario = |s: &cloudwright_review::change::ScenarioChange| json!({"scenario": s.scenario, "address": s.address, "before": s.before, "after": s.after, "reason": s.reason});
    let doc = json!({
        "schema_version": SCHEMA_VERSION,
        "kind": "change-review",
        "headline": change_headline(c),
        "findings": {
            "new": c.new_findings.iter().map(|f| {
                let mut j = finding_json(head, f);
                j["in_partly_read_module"] = json!(c.new_in_partly_read.contains(&f.fingerprint()));
                j
            }).collect::<Vec<_>>(),
            "fixed": c.fixed_findings.iter().map(|f| finding_json(base, f)).collect::<Vec<_>>(),
        },
        "exposures": {
            "opened": c.opened.iter().map(exposure_json).collect::<Vec<_>>(),
            "closed": c.closed.iter().map(exposure_json).collect::<Vec<_>>(),
        },
        "iam": {
            "new_escalation_paths": c.new_escalations.iter().map(|(p, t)| json!({"principal": p, "target": t})).collect::<Vec<_>>(),
            "closed_escalation_paths": c.closed_escalations.iter().map(|(p, t)| json!({"principal": p, "target": t})).collect::<Vec<_>>(),
            "new_administrators": c.new_admins,
            "new_resource_access": c.new_access.iter().map(|(a, k)| json!({"address": a, "classification": k})).collect::<Vec<_>>(),
            "closed_resource_access": c.closed_access.iter().map(|(a, k)| json!({"address": a, "classification": k})).collect::<Vec<_>>(),
        },
        "cost": crate::cost::diff_json(&c.cost),
        "resilience": {
            "worse": c.worse.iter().map(scenario).collect::<Vec<_>>(),
            "better": c.better.iter().map(scenario).collect::<Vec<_>>(),
            "new_violations": c.new_violations.iter().map(|(a, v)| json!({"address": a, "violation": v})).collect::<Vec<_>>(),
        },
        "configuration": {
            "new": c.new_problems.iter().map(problem_json).collect::<Vec<_>>(),
            "mended": c.fixed_problems.iter().map(problem_json).collect::<Vec<_>>(),
        },
        "management": c.handovers.iter().map(|h| json!({
            "address": h.address,
            "change": match h.kind { HandoverKind::Import => "imported", HandoverKind::Release => "released" },
            "monthly_cost": h.monthly_cost.map(crate::cost::round),
        })).collect::<Vec<_>>(),
    });
    serde_json::to_writer_pretty(&mut *out, &doc)?;
    writeln!(out)
}

/// The pull-request comment: the headline, then a collapsible section per
/// engine with something to say.
pub fn write_change_markdown(
    base: &Graph,
    head: &Graph,
    c: &ChangeReview,
    out: &mut dyn Write,
) -> std::io::Result<()> {
    let _ = base;
    writeln!(out, "### Cloudwright: {}\n", change_headline(c))?;
    let section = |out: &mut dyn Write, title: String, lines: Vec<String>| -> std::io::Result<()> {
        if lines.is_empty() {
            return Ok(());
        }
        writeln!(out, "<details><summary>{title}</summary>\n")?;
        for l in lines {
            writeln!(out, "- {l}")?;
        }
        writeln!(out, "\n</details>\n")
    };
    let md = |s: &str| s.replace('|', "\\|");
    section(
        out,
        format!(
            "Exposure: {} opened, {} closed",
            c.opened.len(),
            c.closed.len()
        ),
        c.opened
            .iter()
            .map(|e| ("➕", e))
            .chain(c.closed.iter().map(|e| ("➖", e)))
            .map(|(sign, e)| {
                let resource = md(&crate::with_root(&e.root, &e.resource));
                format!("{sign} `{resource}` {} from {}", e.services, e.sources)
            })
            .collect(),
    )?;
    section(
        out,
        format!(
            "Identity: {} new escalation paths, {} newly open resource policies",
            c.new_escalations.len() + c.new_admins.len(),
            c.new_access.len()
        ),
        c.new_escalations
            .iter()
            .map(|(p, t)| format!("`{}` can become `{}`", md(p), md(t)))
            .chain(
                c.new_admins
                    .iter()
                    .map(|a| format!("`{}` is administrator-equivalent", md(a))),
            )
            .chain(
                c.new_access
                    .iter()
                    .map(|(a, k)| format!("`{}` is {k}", md(a))),
            )
            .collect(),
    )?;
    let fresh: Vec<&Finding> = c.new_findings.iter().collect();
    section(
        out,
        format!(
            "Findings: {} new ({}), {} fixed",
            c.new_findings.len(),
            severity_counts(&fresh),
            c.fixed_findings.len()
        ),
        c.new_findings
            .iter()
            .map(|f| {
                format!(
                    "**{}** {} `{}`: {}{}{}",
                    f.severity,
                    f.rule_id,
                    md(&subject(f)),
                    md(&f.message),
                    place(head, f).map(|p| format!(" ({p})")).unwrap_or_default(),
                    match c.new_in_partly_read.contains(&f.fingerprint()) {
                        true => " — *its module was read only in part: this may come from what was left out*",
                        false => "",
                    }
                )
            })
            .chain(
                c.fixed_findings
                    .iter()
                    .map(|f| format!("fixed: {} `{}`", f.rule_id, md(&subject(f)))),
            )
            .collect(),
    )?;
    section(
        out,
        format!(
            "Resilience: {} worse, {} better",
            c.worse.len() + c.new_violations.len(),
            c.better.len()
        ),
        c.worse
            .iter()
            .map(|w| {
                format!(
                    "{}: `{}` {} → **{}** — {}",
                    w.scenario,
                    md(&w.address),
                    w.before.unwrap_or("(new)"),
                    w.after,
                    md(&w.reason)
                )
            })
            .chain(c.better.iter().map(|b| {
                format!(
                    "{}: `{}` {} → {}",
                    b.scenario,
                    md(&b.address),
                    b.before.unwrap_or("(new)"),
                    b.after
                )
            }))
            .chain(
                c.new_violations
                    .iter()
                    .map(|(a, v)| format!("`{}`: {}", md(a), md(v))),
            )
            .collect(),
    )?;
    section(
        out,
        format!("Configuration: {}", configuration_summary(c)),
        c.new_problems
            .iter()
            .map(|p| {
                format!(
                    "**{}** `{}:{}`: {}",
                    p.severity.as_str(),
                    md(&p.file),
                    p.line,
                    md(&p.message)
                )
            })
            .chain(
                c.fixed_problems
                    .iter()
                    .map(|p| format!("mended: `{}`: {}", md(&p.file), md(&p.message))),
            )
            .collect(),
    )?;
    section(
        out,
        format!("Management: {}", management_summary(c)),
        c.handovers
            .iter()
            .map(|h| handover_line(h, |a| format!("`{}`", md(a))))
            .collect(),
    )?;
    crate::cost::write_diff_markdown(&c.cost, out)
}
