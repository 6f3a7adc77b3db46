//! `cloudwright cost` and `cost diff`: the breakdown (root → resource →
//! component) with totals and the unpriced list, and the cost of a change
//! — text, JSON (`docs/json-cost.md`), CSV, and Markdown for pull-request
//! comments.

use cloudwright_cost::catalogue::number;
use cloudwright_cost::diff::{Change, CostDiff};
use cloudwright_cost::estimate::{Component, Estimate};
use serde_json::{json, Value as Json};
use std::io::Write;

const SCHEMA_VERSION: &str = "1";

/// `$1,234.56`
pub fn money(usd: f64) -> String {
    let cents = (usd.abs() * 100.0).round() as u64;
    let whole = cents / 100;
    let digits = whole.to_string();
    let mut grouped = String::new();
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            grouped.push(',');
        }
        grouped.push(c);
    }
    let sign = if usd < 0.0 && cents > 0 { "-" } else { "" };
    format!("{sign}${grouped}.{:02}", cents % 100)
}

/// `+$12.00` / `-$3.50` / `$0.00`
pub fn signed(usd: f64) -> String {
    if (usd * 100.0).round() == 0.0 {
        "$0.00".into()
    } else if usd > 0.0 {
        format!("+{}", money(usd))
    } else {
        money(usd)
    }
}

fn quantity(c: &Component) -> String {
    match c.quantity {
        Some(q) => format!("{} {}", number((q * 10_000.0).round() / 10_000.0), c.unit),
        None => "depends on usage".into(),
    }
}

fn unit_price(c: &Component) -> String {
    format!("${}/{}", number(c.unit_price), c.unit)
}

fn component_cost(c: &Component) -> String {
    match c.monthly_cost {
        Some(m) => money(m),
        None => format!("set {} in the usage file", c.usage_keys.unwrap_or("usage")),
    }
}

/// What the total covers, in words.
fn counts(e: &Estimate) -> String {
    format!(
        "{} priced resources, {} free, {} not priced; {} usage-based components without usage are not in the total",
        e.resources.len(),
        e.free,
        e.unpriced.len(),
        e.usage_pending
    )
}

/// Whether the estimate's resources, priced or not, are of more than one
/// root module: each unpriced one then says its root, as the priced ones
/// are listed under theirs.
fn several_roots(e: &Estimate) -> bool {
    let mut roots = e
        .resources
        .iter()
        .map(|r| &r.root)
        .chain(e.unpriced.iter().map(|u| &u.root));
    let first = roots.next();
    roots.any(|r| Some(r) != first)
}

pub fn write_text(e: &Estimate, out: &mut dyn Write) -> std::io::Result<()> {
    let mut root = None;
    for r in &e.resources {
        if root != Some(&r.root) {
            writeln!(out, "Root module {}\n", r.root)?;
            root = Some(&r.root);
        }
        writeln!(
            out,
            "{}  {}  ({}, {})",
            r.address,
            money(r.monthly_cost),
            r.resource_type,
            r.region
        )?;
        let rows: Vec<Vec<String>> = r
            .components
            .iter()
            .map(|c| {
                vec![
                    format!("  {}", c.name),
                    quantity(c),
                    unit_price(c),
                    component_cost(c),
                ]
            })
            .collect();
        crate::table::write(out, &rows, false)?;
        writeln!(out)?;
    }
    if !e.unpriced.is_empty() {
        writeln!(out, "Not priced ({}) — not in the total:", e.unpriced.len())?;
        let several = several_roots(e);
        for u in &e.unpriced {
            match several {
                true => writeln!(out, "  {} (root {}): {}", u.address, u.root, u.reason)?,
                false => writeln!(out, "  {}: {}", u.address, u.reason)?,
            }
        }
        writeln!(out)?;
    }
    writeln!(out, "Monthly cost: {} ({})", total(e), counts(e))?;
    if let Some(source) = &e.usage_source {
        writeln!(out, "Usage from {source}")?;
    }
    Ok(())
}

fn component_json(c: &Component) -> serde_json::Value {
    json!({
        "name": c.name,
        "quantity": c.quantity,
        "unit": c.unit,
        "unit_price": c.unit_price,
        "monthly_cost": c.monthly_cost,
        "usage_based": c.usage_based,
        "usage_keys": c.usage_keys,
        "price_date": c.price_date,
    })
}

fn resource_json(r: &cloudwright_cost::estimate::PricedResource) -> Json {
    json!({
        "address": r.address,
        "root": r.root,
        "type": r.resource_type,
        "region": r.region,
        "monthly_cost": round(r.monthly_cost),
        "location": r.file.as_ref().map(|f| json!({"file": f, "line": r.line})),
        "components": r.components.iter().map(component_json).collect::<Vec<_>>(),
    })
}

/// The estimate as one JSON document.
pub fn estimate_json(e: &Estimate) -> Json {
    let mut doc = estimate_json_without_resources(e);
    doc["resources"] = Json::Array(e.resources.iter().map(resource_json).collect());
    doc
}

fn estimate_json_without_resources(e: &Estimate) -> Json {
    json!({
        "schema_version": SCHEMA_VERSION,
        "currency": e.currency,
        "total_monthly_cost": round(e.total_monthly_cost),
        "unpriced": e.unpriced.iter().map(|u| json!({
            "address": u.address,
            "root": u.root,
            "type": u.resource_type,
            "reason": u.reason,
        })).collect::<Vec<_>>(),
        "free_resources": e.free,
        "usage_based_without_usage": e.usage_pending,
        "usage_file": e.usage_source,
    })
}

/// Cents, so totals print as people read them (JSON keeps numbers).
pub fn round(usd: f64) -> f64 {
    (usd * 100.0).round() / 100.0
}

/// The estimate as JSON, resources written one at a time (a large tree has
/// tens of thousands).
pub fn write_json(e: &Estimate, out: &mut dyn Write) -> std::io::Result<()> {
    let mut doc = estimate_json_without_resources(e);
    writeln!(out, "{{")?;
    if let Json::Object(fields) = &mut doc {
        for (k, v) in fields.iter() {
            write!(out, "  {}: ", json!(k))?;
            serde_json::to_writer(&mut *out, v)?;
            writeln!(out, ",")?;
        }
    }
    write!(out, "  \"resources\": [")?;
    for (i, r) in e.resources.iter().enumerate() {
        if i > 0 {
            write!(out, ",")?;
        }
        write!(out, "\n    ")?;
        serde_json::to_writer(&mut *out, &resource_json(r))?;
    }
    writeln!(out, "\n  ]\n}}")
}

fn csv_cell(s: &str) -> String {
    if s.contains([',', '"', '\n']) {
        format!("\"{}\"", s.replace('"', "\"\""))
    } else {
        s.to_string()
    }
}

/// One row per component, for spreadsheets.
pub fn write_csv(e: &Estimate, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(
        out,
        "root,address,type,region,component,quantity,unit,unit_price,monthly_cost,usage_based"
    )?;
    for r in &e.resources {
        for c in &r.components {
            let row = [
                r.root.clone(),
                r.address.to_string(),
                r.resource_type.clone(),
                r.region.clone(),
                c.name.clone(),
                c.quantity.map(number).unwrap_or_default(),
                c.unit.clone(),
                number(c.unit_price),
                c.monthly_cost
                    .map(|m| format!("{m:.2}"))
                    .unwrap_or_default(),
                c.usage_based.to_string(),
            ];
            let cells: Vec<String> = row.iter().map(|s| csv_cell(s)).collect();
            writeln!(out, "{}", cells.join(","))?;
        }
    }
    for u in &e.unpriced {
        writeln!(
            out,
            "{},{},{},,not priced: {},,,,,",
            csv_cell(&u.root),
            csv_cell(&u.address),
            csv_cell(&u.resource_type),
            csv_cell(&u.reason).trim_matches('"')
        )?;
    }
    Ok(())
}

fn md(s: &str) -> String {
    s.replace('|', "\\|")
}

/// The total, as a lower bound when something is not in it (a resource
/// not priced, a usage-based component without usage): never a bare $0
/// for what could not be priced.
pub(crate) fn total(e: &Estimate) -> String {
    match e.unpriced.is_empty() && e.usage_pending == 0 {
        true => money(e.total_monthly_cost),
        false => format!("at least {}", money(e.total_monthly_cost)),
    }
}

pub fn write_markdown(e: &Estimate, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "## Monthly cost: {}\n\n{}.\n", total(e), counts(e))?;
    writeln!(
        out,
        "| Resource | Component | Quantity | Unit price | Monthly |"
    )?;
    writeln!(out, "|---|---|---:|---:|---:|")?;
    for r in &e.resources {
        writeln!(
            out,
            "| `{}` | **total** | | | **{}** |",
            md(&r.address),
            money(r.monthly_cost)
        )?;
        for c in &r.components {
            writeln!(
                out,
                "| | {} | {} | {} | {} |",
                md(&c.name),
                quantity(c),
                unit_price(c),
                md(&component_cost(c))
            )?;
        }
    }
    if !e.unpriced.is_empty() {
        writeln!(out, "\n### Not priced\n")?;
        let several = several_roots(e);
        for u in &e.unpriced {
            match several {
                true => writeln!(
                    out,
                    "- `{}` (root `{}`): {}",
                    md(&u.address),
                    md(&u.root),
                    md(&u.reason)
                )?,
                false => writeln!(out, "- `{}`: {}", md(&u.address), md(&u.reason))?,
            }
        }
    }
    Ok(())
}

// ---- the cost of a change ----------------------------------------------------

fn headline(d: &CostDiff) -> String {
    let pct = d
        .delta_pct
        .map(|p| format!(" ({:+.1}%)", p))
        .unwrap_or_default();
    format!(
        "Monthly cost {} → {}: {}{}",
        money(d.base_total),
        money(d.head_total),
        signed(d.delta),
        pct
    )
}

pub fn write_diff_text(d: &CostDiff, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "{}\n", headline(d))?;
    if d.resources.is_empty() {
        writeln!(out, "No resource changes its cost.")?;
    }
    for r in &d.resources {
        let marker = match r.change {
            Change::Added => "+",
            Change::Removed => "-",
            Change::Changed => "~",
        };
        writeln!(
            out,
            "{marker} {}  {}  ({} → {})",
            r.address,
            signed(r.delta),
            r.base_monthly_cost.map(money).unwrap_or_else(|| "—".into()),
            r.head_monthly_cost.map(money).unwrap_or_else(|| "—".into()),
        )?;
        let rows: Vec<Vec<String>> = r
            .components
            .iter()
            .map(|c| vec![format!("    {}", c.name), c.detail.clone(), signed(c.delta)])
            .collect();
        crate::table::write(out, &rows, false)?;
    }
    if !d.unpriced.is_empty() {
        writeln!(out, "\nNot priced in the change ({}):", d.unpriced.len())?;
        for u in &d.unpriced {
            writeln!(out, "  {}: {}", u.address, u.reason)?;
        }
    }
    Ok(())
}

pub fn diff_json(d: &CostDiff) -> serde_json::Value {
    json!({
        "schema_version": SCHEMA_VERSION,
        "currency": d.currency,
        "base_monthly_cost": round(d.base_total),
        "head_monthly_cost": round(d.head_total),
        "delta_monthly_cost": round(d.delta),
        "delta_percent": d.delta_pct.map(|p| (p * 10.0).round() / 10.0),
        "resources": d.resources.iter().map(|r| json!({
            "address": r.address,
            "root": r.root,
            "type": r.resource_type,
            "change": r.change.name(),
            "base_monthly_cost": r.base_monthly_cost.map(round),
            "head_monthly_cost": r.head_monthly_cost.map(round),
            "delta_monthly_cost": round(r.delta),
            "components": r.components.iter().map(|c| json!({
                "name": c.name,
                "detail": c.detail,
                "base": c.base.as_ref().map(component_json),
                "head": c.head.as_ref().map(component_json),
                "delta_monthly_cost": round(c.delta),
            })).collect::<Vec<_>>(),
        })).collect::<Vec<_>>(),
        "unpriced": d.unpriced.iter().map(|u| json!({
            "address": u.address, "root": u.root, "type": u.resource_type, "reason": u.reason,
        })).collect::<Vec<_>>(),
        "usage_based_without_usage": d.usage_pending,
    })
}

pub fn write_diff_json(d: &CostDiff, out: &mut dyn Write) -> std::io::Result<()> {
    serde_json::to_writer_pretty(&mut *out, &diff_json(d))?;
    writeln!(out)
}

/// The pull-request comment: a summary line, a table of the resources that
/// change, and the component details folded away.
pub fn write_diff_markdown(d: &CostDiff, out: &mut dyn Write) -> std::io::Result<()> {
    writeln!(out, "### 💰 {}\n", headline(d))?;
    if d.resources.is_empty() {
        writeln!(out, "No resource changes its cost.")?;
    } else {
        writeln!(out, "| Resource | Change | Before | After | Monthly Δ |")?;
        writeln!(out, "|---|---|---:|---:|---:|")?;
        for r in &d.resources {
            writeln!(
                out,
                "| `{}` | {} | {} | {} | {} |",
                md(&r.address),
                r.change.name(),
                r.base_monthly_cost.map(money).unwrap_or_else(|| "—".into()),
                r.head_monthly_cost.map(money).unwrap_or_else(|| "—".into()),
                signed(r.delta)
            )?;
        }
        writeln!(out, "\n<details><summary>Component changes</summary>\n")?;
        for r in &d.resources {
            writeln!(out, "**`{}`**\n", md(&r.address))?;
            for c in &r.components {
                writeln!(
                    out,
                    "- {}: {} ({})",
                    md(&c.name),
                    md(&c.detail),
                    signed(c.delta)
                )?;
            }
            writeln!(out)?;
        }
        writeln!(out, "</details>")?;
    }
    if !d.unpriced.is_empty() {
        writeln!(
            out,
            "\n<details><summary>{} not priced (not in the totals)</summary>\n",
            crate::diagnostics::plural(d.unpriced.len(), "resource")
        )?;
        for u in &d.unpriced {
            writeln!(out, "- `{}`: {}", md(&u.address), md(&u.reason))?;
        }
        writeln!(out, "\n</details>")?;
    }
    if d.usage_pending > 0 {
        writeln!(
            out,
            "\n{} without usage: not in the totals.",
            crate::diagnostics::plural(d.usage_pending, "usage-based component")
        )?;
    }
    Ok(())
}
