//! `cloudwright resources`: what Cloudwright understood, for people and machines.

use crate::diagnostics;
use cloudwright_model::{Graph, Resource, Severity, Value, ValueSource, VariableOrigin};
use serde_json::{json, Value as Json};
use std::fmt::Write;

/// Version of the `resources -o json` document; bumped on incompatible change.
pub const SCHEMA_VERSION: &str = "1";

/// Writes the `resources -o json` document, one resource at a time so that
/// memory stays bounded however large the model is.
pub fn write_json(graph: &Graph, out: &mut dyn std::io::Write) -> std::io::Result<()> {
    writeln!(
        out,
        "{{\n  \"schema_version\": \"{SCHEMA_VERSION}\",\n  \"resources\": ["
    )?;
    let mut line = Vec::new();
    for (i, r) in graph.resources.iter().enumerate() {
        // pretty printed two levels in
        line.clear();
        line.extend_from_slice(b"    ");
        push_resource(&mut line, graph, r, 2);
        line.extend_from_slice(if i + 1 < graph.resources.len() {
            b",\n"
        } else {
            b"\n"
        });
        out.write_all(&line)?;
    }
    let rest = json!({
        "modules": modules_json(graph),
        "diagnostics": diagnostics::to_json(&graph.diagnostics, &graph.sources),
    });
    let rest = serde_json::to_string_pretty(&rest).map_err(std::io::Error::other)?;
    // splice the remaining members into the open object
    let inner = rest
        .trim_start_matches('{')
        .trim_end_matches('}')
        .trim_end();
    writeln!(out, "  ],{inner}\n}}")
}

fn modules_json(graph: &Graph) -> Json {
    Json::Array(
        graph
            .modules
            .iter()
            .map(|m| {
                json!({
                    "address": m.address,
                    "dir": m.dir,
                    "root": m.root_dir,
                    "calls": m.module_calls.iter().map(|c| json!({
                        "name": c.name,
                        "source": c.source,
                        "version": c.version,
                        "resolved_dir": c.resolved_dir,
                    })).collect::<Vec<_>>(),
                })
            })
            .collect(),
    )
}

/// One resource of the document, pretty printed `level` deep: written
/// directly (its attributes are most of a large document's bytes), the
/// small parts built as JSON trees.
fn push_resource(out: &mut Vec<u8>, graph: &Graph, r: &Resource, level: usize) {
    let mut o = crate::json::PrettyObject::open(out, level);
    o.str(out, "address", &r.address);
    o.str(out, "root", &r.root);
    o.str(out, "type", &r.resource_type);
    o.str(out, "name", &r.name);
    o.str(out, "mode", r.mode.as_str());
    o.str(out, "module", &r.module);
    let index = match &r.index {
        None => Json::Null,
        Some(cloudwright_model::InstanceKey::Int(i)) => (*i).into(),
        Some(cloudwright_model::InstanceKey::Str(s)) => s.as_str().into(),
        Some(cloudwright_model::InstanceKey::Unknown) => json!({"unknown": true}),
    };
    o.tree(out, "index", &index);
    o.str(out, "provider", &r.provider.config_address());
    o.key(out, "region");
    match &r.provider.region {
        Some(region) => crate::json::push_value(out, region, o.inner()),
        None => out.extend_from_slice(b"null"),
    }
    o.tree(
        out,
        "origin",
        &serde_json::to_value(r.origin).unwrap_or(Json::Null),
    );
    if !r.actions.is_empty() {
        o.tree(out, "actions", &r.actions.clone().into());
    }
    o.key(out, "attributes");
    crate::json::push_value(out, &r.attributes, o.inner());
    let location = match &r.span {
        Some(s) => {
            json!({"file": graph.sources.get(s.file).display_path, "line": s.line, "column": s.column, "end_line": s.end_line})
        }
        None => Json::Null,
    };
    o.tree(out, "location", &location);
    o.key(out, "attribute_locations");
    let mut spans = crate::json::PrettyObject::open(out, o.inner());
    for (path, s) in r.attribute_spans.iter() {
        spans.tree(out, path, &json!({"line": s.line, "column": s.column}));
    }
    spans.close(out);
    o.key(out, "references");
    crate::json::push_list(out, &r.references, o.inner(), |out, x, level| {
        let mut reference = crate::json::PrettyObject::open(out, level);
        reference.str(out, "attribute", &x.attribute);
        reference.str(out, "target", &x.target);
        reference.opt_str(out, "target_attribute", x.target_attribute.as_deref());
        reference.close(out);
    });
    o.key(out, "provenance");
    let mut provenance = crate::json::PrettyObject::open(out, o.inner());
    for (attribute, sources) in r.provenance.iter() {
        provenance.key(out, attribute);
        crate::json::push_list(out, sources, provenance.inner(), |out, s, level| {
            push_source(out, graph, s, level)
        });
    }
    provenance.close(out);
    o.close(out);
}

/// Where a value came from, pretty printed `level` deep.
fn push_source(out: &mut Vec<u8>, graph: &Graph, s: &ValueSource, level: usize) {
    let mut o = crate::json::PrettyObject::open(out, level);
    match s {
        ValueSource::Variable {
            module,
            name,
            set_by,
        } => {
            o.str(out, "kind", "variable");
            o.str(out, "module", module);
            o.str(out, "name", name);
            o.str(out, "set_by", &set_by.to_string());
            let span = match set_by {
                VariableOrigin::Default(s) | VariableOrigin::ModuleInput(s) => Some(*s),
                VariableOrigin::File { span, .. } => *span,
                _ => None,
            };
            if let Some(s) = span {
                o.str(out, "file", &graph.sources.get(s.file).display_path);
                o.u32(out, "line", s.line);
            }
        }
        ValueSource::Local { module, name, span } => {
            o.str(out, "kind", "local");
            o.str(out, "module", module);
            o.str(out, "name", name);
            o.str(out, "file", &graph.sources.get(span.file).display_path);
            o.u32(out, "line", span.line);
        }
        ValueSource::ModuleOutput { module, name } => {
            o.str(out, "kind", "module_output");
            o.str(out, "module", module);
            o.str(out, "name", name);
        }
    }
    o.close(out);
}

/// Human listing: each resource with its attributes and where they are set.
pub fn render_text(graph: &Graph) -> String {
    let mut out = Vec::new();
    let _ = write_text(graph, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the human listing one resource at a time.
pub fn write_text(graph: &Graph, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    for r in &graph.resources {
        let mut out = String::new();
        let location = r
            .span
            .map(|s| format!("{}:{}", graph.sources.get(s.file).display_path, s.line))
            .unwrap_or_else(|| format!("({:?})", r.origin).to_lowercase());
        let _ = writeln!(
            out,
            "{}  [{}]  {}",
            r.address,
            r.provider.config_address(),
            location
        );
        if !r.actions.is_empty() {
            let _ = writeln!(out, "  # planned: {}", r.actions.join(", "));
        }
        if let Some(obj) = r.attributes.as_object() {
            write_fields(&mut out, r, obj, "", 1);
        }
        for reference in &r.references {
            let target = match &reference.target_attribute {
                Some(a) => format!("{}.{a}", reference.target),
                None => reference.target.to_string(),
            };
            let _ = writeln!(out, "  ↳ {} → {}", reference.attribute, target);
        }
        out.push('\n');
        w.write_all(out.as_bytes())?;
    }
    let mut out = String::new();
    let (errors, warnings, _) = diagnostics::counts(&graph.diagnostics);
    out.push_str(&diagnostics::render_text(
        &graph.diagnostics,
        &graph.sources,
        Severity::Info,
    ));
    let _ = writeln!(
        out,
        "{} in {} from {}; {}, {}",
        diagnostics::plural(graph.resources.len(), "resource instance"),
        diagnostics::plural(graph.modules.len(), "module instance"),
        diagnostics::plural(graph.sources.len(), "file"),
        diagnostics::plural(errors, "error"),
        diagnostics::plural(warnings, "warning"),
    );
    w.write_all(out.as_bytes())
}

fn write_fields(
    out: &mut String,
    r: &Resource,
    obj: &cloudwright_model::Object,
    path: &str,
    depth: usize,
) {
    let indent = "  ".repeat(depth);
    let width = obj
        .fields
        .keys()
        .map(|k| k.chars().count())
        .max()
        .unwrap_or(0);
    for (name, value) in &obj.fields {
        let full = if path.is_empty() {
            name.to_string()
        } else {
            format!("{path}.{name}")
        };
        let is_block_list = matches!(value, Value::List(items) if !items.is_empty() && items.iter().all(|i| matches!(i, Value::Map(_))))
            && r.attribute_spans.contains_key(&format!("{full}[0]"));
        if is_block_list {
            for (i, item) in value.as_list().unwrap_or_default().iter().enumerate() {
                let item_path = format!("{full}[{i}]");
                let line = r
                    .attribute_spans
                    .get(&item_path)
                    .map(|s| format!("  # line {}", s.line))
                    .unwrap_or_default();
                let _ = writeln!(out, "{indent}{name} {{{line}");
                if let Some(o) = item.as_object() {
                    write_fields(out, r, o, &item_path, depth + 1);
                }
                let _ = writeln!(out, "{indent}}}");
            }
            continue;
        }
        let line = r
            .attribute_spans
            .get(&full)
            .map(|s| format!("  # line {}", s.line))
            .unwrap_or_default();
        let _ = writeln!(out, "{indent}{name:<width$} = {value}{line}");
    }
}
