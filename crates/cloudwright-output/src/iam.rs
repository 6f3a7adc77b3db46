//! `cloudwright iam`: principals (administrator or not, escalation paths)
//! and resource access, as text or JSON (`docs/json-iam.md`); answers to
//! "can P do A on R".

use crate::diagnostics::plural;
use cloudwright_iam::access::Access;
use cloudwright_iam::escalation::Analysis;
use cloudwright_iam::eval::{Decision, Outcome};
use cloudwright_iam::privileges::LeastPrivilege;
use std::collections::HashMap;

/// Least privilege per (root, address).
pub type Least = HashMap<(String, String), LeastPrivilege>;
use cloudwright_model::{Graph, Span};
use serde_json::json;

const SCHEMA_VERSION: &str = "1";

fn location(graph: &Graph, span: Option<Span>) -> Option<(String, u32)> {
    span.map(|s| (graph.sources.get(s.file).display_path.clone(), s.line))
}

fn at(graph: &Graph, span: Option<Span>) -> String {
    location(graph, span)
        .map(|(f, l)| format!(" ({f}:{l})"))
        .unwrap_or_default()
}

pub fn write_text(
    graph: &Graph,
    principals: &[Analysis],
    access: &[Access],
    least: &Least,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let admins: Vec<&Analysis> = principals.iter().filter(|p| p.admin_equivalent).collect();
    let escalating: Vec<&Analysis> = principals
        .iter()
        .filter(|p| !p.escalation_paths.is_empty())
        .collect();
    // a principal whose policies could not be read may be any of these:
    // "(none)" would read as a pass
    let unanalysed = principals.iter().filter(|p| !p.missing.is_empty()).count();
    let none = match unanalysed {
        0 => "(none)".to_string(),
        n => format!(
            "(none found; {} policies not analysed, below)",
            match n {
                1 => "1 principal has".to_string(),
                n => format!("{n} principals have"),
            }
        ),
    };
    // with several roots, each principal and resource says its own
    let name = crate::namer(graph.roots().len() > 1);
    writeln!(out, "== Administrator-equivalent\n")?;
    for p in &admins {
        writeln!(out, "{}{}", name(&p.root, &p.address), at(graph, p.span))?;
    }
    if admins.is_empty() {
        writeln!(out, "{none}")?;
    }
    writeln!(out, "\n== Privilege escalation paths\n")?;
    for p in &escalating {
        for path in &p.escalation_paths {
            writeln!(
                out,
                "{} → {}{}",
                name(&p.root, &p.address),
                path.target,
                at(graph, p.span)
            )?;
            for s in &path.steps {
                writeln!(
                    out,
                    "  ↳ {:<28} {}{}",
                    s.action,
                    s.detail,
                    at(graph, s.span)
                )?;
            }
        }
    }
    if escalating.is_empty() {
        writeln!(out, "{none}")?;
    }
    writeln!(out, "\n== Least privilege (granted on every resource)\n")?;
    let mut any = false;
    for p in principals {
        let Some(lp) = least.get(&(p.root.clone(), p.address.to_string())) else {
            continue;
        };
        if lp.write_on_all == 0
            && lp.permissions_on_all.is_empty()
            && lp.exfiltration_on_all.is_empty()
            && lp.service_wildcards.is_empty()
        {
            continue;
        }
        any = true;
        let mut parts = Vec::new();
        if lp.write_on_all > 0 {
            parts.push(format!("{} write actions", lp.write_on_all));
        }
        if !lp.permissions_on_all.is_empty() {
            parts.push(format!(
                "{} permissions-management actions",
                lp.permissions_on_all.len()
            ));
        }
        if !lp.service_wildcards.is_empty() {
            parts.push(format!("wildcards {}", lp.service_wildcards.join(", ")));
        }
        if !lp.exfiltration_on_all.is_empty() {
            parts.push(format!("data reads {}", lp.exfiltration_on_all.join(", ")));
        }
        writeln!(out, "{}: {}", name(&p.root, &p.address), parts.join("; "))?;
    }
    if !any {
        writeln!(out, "{none}")?;
    }
    writeln!(out, "\n== Resource access beyond the account\n")?;
    let wide: Vec<&Access> = access
        .iter()
        .filter(|a| {
            matches!(
                a.classification,
                "public" | "cross-account" | "federated" | "unknown"
            )
        })
        .collect();
    for a in &wide {
        match &a.unknown {
            Some(why) => writeln!(
                out,
                "{}  undecidable: {why}{}",
                name(&a.root, &a.address),
                at(graph, a.span)
            )?,
            None => writeln!(
                out,
                "{}  {}: {} may {}{}",
                name(&a.root, &a.address),
                a.classification,
                a.principals.join(", "),
                a.actions.join(", "),
                at(graph, a.span)
            )?,
        }
    }
    if wide.is_empty() {
        writeln!(out, "(none)")?;
    }
    let missing: Vec<&String> = principals.iter().flat_map(|p| p.missing.iter()).collect();
    if !missing.is_empty() {
        writeln!(out, "\n== Not analysed (contents unknown)\n")?;
        for m in &missing {
            writeln!(out, "{m}")?;
        }
    }
    let undecided = wide.iter().filter(|a| a.unknown.is_some()).count();
    writeln!(
        out,
        "\n{}{}, {} administrator-equivalent, {} with an escalation path; {} open beyond the account{}",
        plural(principals.len(), "principal"),
        match unanalysed {
            0 => String::new(),
            n => format!(" ({n} with policies not analysed)"),
        },
        admins.len(),
        escalating.len(),
        match wide.len() - undecided {
            1 => "1 resource policy".to_string(),
            n => format!("{n} resource policies"),
        },
        match undecided {
            0 => String::new(),
            n => format!(", {n} undecidable"),
        }
    )
}

pub fn write_json(
    graph: &Graph,
    principals: &[Analysis],
    access: &[Access],
    least: &Least,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let ps: Vec<_> = principals
        .iter()
        .map(|p| {
            let (file, line) = location(graph, p.span).unzip();
            json!({
                "address": p.address,
                "root": p.root,
                "arn": p.arn,
                "admin_equivalent": p.admin_equivalent,
                "file": file,
                "line": line,
                "escalation_paths": p.escalation_paths.iter().map(|path| json!({
                    "target": path.target,
                    "steps": path.steps.iter().map(|s| {
                        let (file, line) = location(graph, s.span).unzip();
                        json!({"action": s.action, "detail": s.detail, "statement": {"policy": s.policy, "file": file, "line": line}})
                    }).collect::<Vec<_>>(),
                })).collect::<Vec<_>>(),
                "least_privilege": least.get(&(p.root.clone(), p.address.to_string())).map(|lp| json!({
                    "write_on_all_resources": lp.write_on_all,
                    "permissions_management_on_all_resources": lp.permissions_on_all,
                    "service_wildcards": lp.service_wildcards,
                    "data_exfiltration_on_all_resources": lp.exfiltration_on_all,
                })),
                "missing": p.missing,
            })
        })
        .collect();
    let ra: Vec<_> = access
        .iter()
        .map(|a| {
            let (file, line) = location(graph, a.span).unzip();
            json!({
                "address": a.address,
                "root": a.root,
                "resource_type": a.resource_type,
                "classification": a.classification,
                "principals": a.principals,
                "actions": a.actions,
                "external_id": a.external_id,
                "file": file,
                "line": line,
                "missing": a.unknown.iter().collect::<Vec<_>>(),
            })
        })
        .collect();
    let c = cloudwright_iam::catalogue::catalogue();
    let doc = json!({
        "schema_version": SCHEMA_VERSION,
        "catalogue": {"source": c.source, "generated": c.generated, "actions": c.actions.len()},
        "principals": ps,
        "resource_access": ra,
    });
    let text = serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}

/// The answer to "can P do A on R".
pub fn write_decision(
    principal: &str,
    action: &str,
    resource: &str,
    d: &Decision,
    spans: &dyn Fn(&str) -> Option<Span>,
    graph: &Graph,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let verdict = match &d.outcome {
        Outcome::Allowed => "allowed".to_string(),
        Outcome::Denied => "denied (an explicit deny)".to_string(),
        Outcome::ImplicitlyDenied => "denied (no statement allows it)".to_string(),
        Outcome::Conditional(c) => format!("conditional on: {}", c.join("; ")),
    };
    writeln!(out, "{principal} → {action} on {resource}: {verdict}")?;
    for c in &d.because {
        let sid = c
            .sid
            .as_ref()
            .map(|s| format!(" ({s})"))
            .unwrap_or_default();
        writeln!(
            out,
            "  ↳ {} statement {}{sid}{}",
            c.policy,
            c.statement,
            at(graph, spans(&c.policy))
        )?;
    }
    Ok(())
}

fn list_or_none(items: &[String]) -> String {
    if items.is_empty() {
        "none".to_string()
    } else {
        items.join(", ")
    }
}

/// "What can P do": per service and access level, and the least-privilege
/// excesses.
pub fn write_summary(
    principal: &str,
    summary: &std::collections::BTreeMap<
        (String, cloudwright_iam::catalogue::Access),
        (usize, usize),
    >,
    lp: &cloudwright_iam::privileges::LeastPrivilege,
    missing: &[String],
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    writeln!(out, "{principal} can:\n")?;
    writeln!(
        out,
        "{:<24} {:<24} {:>14} {:>16}",
        "Service", "Access level", "every resource", "some resources"
    )?;
    for ((service, access), (all, some)) in summary {
        writeln!(
            out,
            "{service:<24} {:<24} {all:>14} {some:>16}",
            access.name()
        )?;
    }
    writeln!(out, "\nLeast privilege:")?;
    writeln!(
        out,
        "  write actions on every resource: {}",
        lp.write_on_all
    )?;
    writeln!(
        out,
        "  permissions management on every resource: {}",
        list_or_none(&lp.permissions_on_all)
    )?;
    writeln!(
        out,
        "  whole-service wildcards: {}",
        list_or_none(&lp.service_wildcards)
    )?;
    writeln!(
        out,
        "  data-exfiltration actions on every resource: {}",
        list_or_none(&lp.exfiltration_on_all)
    )?;
    for m in missing {
        writeln!(out, "  ? not evaluated: {m}")?;
    }
    Ok(())
}
