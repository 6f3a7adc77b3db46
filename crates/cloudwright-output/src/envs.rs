//! `cloudwright envs`: the differences between environments as a table
//! (text, JSON, Markdown).

use cloudwright_scan::EnvComparison;
use serde_json::json;

const SCHEMA_VERSION: &str = "1";

fn cell(v: &Option<String>) -> &str {
    v.as_deref().unwrap_or("—")
}

pub fn write_text(c: &EnvComparison, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut rows: Vec<Vec<String>> = vec![[
        vec!["Resource".to_string(), "Setting".to_string()],
        c.environments.clone(),
    ]
    .concat()];
    for d in &c.differences {
        let mut row = vec![d.resource.clone(), d.setting.clone()];
        row.extend(d.values.iter().map(|v| cell(v).to_string()));
        rows.push(row);
    }
    crate::table::write(out, &rows, true)?;
    if !c.only_in.is_empty() {
        writeln!(out, "\nOnly in some environments:")?;
        for (address, envs) in &c.only_in {
            writeln!(out, "  {address}: {}", envs.join(", "))?;
        }
    }
    let plural = |n: usize, one: &str, many: &str| match n {
        1 => format!("1 {one}"),
        n => format!("{n} {many}"),
    };
    writeln!(
        out,
        "\n{} across {} environments ({}); {} only in some",
        plural(c.differences.len(), "difference", "differences"),
        c.environments.len(),
        c.environments.join(", "),
        plural(c.only_in.len(), "resource", "resources")
    )
}

pub fn write_json(c: &EnvComparison, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    let differences: Vec<_> = c
        .differences
        .iter()
        .map(|d| {
            let values: serde_json::Map<String, serde_json::Value> = c
                .environments
                .iter()
                .zip(&d.values)
                .map(|(e, v)| (e.clone(), json!(v)))
                .collect();
            json!({
                "resource": d.resource,
                "resource_type": d.resource_type,
                "kind": d.kind,
                "setting": d.setting,
                "values": values,
            })
        })
        .collect();
    let doc = json!({
        "schema_version": SCHEMA_VERSION,
        "environments": c.environments,
        "differences": differences,
        "only_in": c.only_in.iter().map(|(a, e)| json!({"resource": a, "environments": e})).collect::<Vec<_>>(),
    });
    let text = serde_json::to_string_pretty(&doc).map_err(std::io::Error::other)?;
    writeln!(out, "{text}")
}

fn md(s: &str) -> String {
    s.replace('|', "\\|")
}

pub fn write_markdown(c: &EnvComparison, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(out, "## Environment differences\n")?;
    writeln!(
        out,
        "| Resource | Setting | {} |\n|---|---|{}",
        c.environments.join(" | "),
        "---|".repeat(c.environments.len())
    )?;
    for d in &c.differences {
        let values: Vec<String> = d
            .values
            .iter()
            .map(|v| format!("`{}`", md(cell(v))))
            .collect();
        writeln!(
            out,
            "| `{}` | {} | {} |",
            md(&d.resource),
            d.setting,
            values.join(" | ")
        )?;
    }
    if !c.only_in.is_empty() {
        writeln!(out, "\n**Only in some environments:**\n")?;
        for (address, envs) in &c.only_in {
            writeln!(out, "- `{}`: {}", md(address), envs.join(", "))?;
        }
    }
    Ok(())
}
