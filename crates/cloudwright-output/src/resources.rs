//! `cloudwright resources`: what Cloudwright understood, for people and machines.

use crate::diagnostics;
use crate::json::{push_int, push_list, push_str, push_tree, push_value, Layout, Object};
use cloudwright_model::glob::glob;
use cloudwright_model::{
    Graph, InstanceKey, ModuleInstance, Resource, Severity, Span, Value, ValueSource,
    VariableOrigin,
};
use serde_json::{json, Value as Json};
use std::fmt::Write;

/// Version of the `resources -o json` document; bumped on incompatible change.
pub const SCHEMA_VERSION: &str = "1";

/// What a listing shows of the model.
#[derive(Clone, Copy, Debug, Default)]
pub struct Listing<'a> {
    /// Each module instance's input variables (the value and where it was
    /// set), local values (when the load kept them) and output values;
    /// after the resources in text (the JSON document always has the
    /// variables and outputs).
    pub values: bool,
    /// Only the resources whose address or type matches one of these
    /// (`*` wildcards), and the module instances that hold them or whose
    /// address matches; every resource when empty.
    pub only: &'a [String],
}

impl Listing<'_> {
    fn shows(&self, r: &Resource) -> bool {
        self.only.is_empty()
            || self
                .only
                .iter()
                .any(|p| glob(p, &r.address) || glob(p, &r.resource_type))
    }

    /// The module instances shown: those that hold a shown resource or
    /// whose address matches (all, without a filter).
    fn modules<'g>(&self, graph: &'g Graph) -> Vec<&'g ModuleInstance> {
        if self.only.is_empty() {
            return graph.modules.iter().collect();
        }
        let holding: std::collections::HashSet<(&str, &str)> = graph
            .resources
            .iter()
            .filter(|r| self.shows(r))
            .map(|r| (&*r.root, &*r.module))
            .collect();
        graph
            .modules
            .iter()
            .filter(|m| {
                holding.contains(&(m.root_dir.as_str(), m.address.as_str()))
                    || self.only.iter().any(|p| glob(p, &m.address))
            })
            .collect()
    }
}

/// Writes the `resources -o json` document, one resource at a time so that
/// memory stays bounded however large the model is.
pub fn write_json(
    graph: &Graph,
    listing: &Listing<'_>,
    out: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    writeln!(
        out,
        "{{\n  \"schema_version\": \"{SCHEMA_VERSION}\",\n  \"resources\": ["
    )?;
    let mut line = Vec::new();
    let mut shown = graph
        .resources
        .iter()
        .filter(|r| listing.shows(r))
        .peekable();
    while let Some(r) = shown.next() {
        // pretty printed two levels in
        line.clear();
        line.extend_from_slice(b"    ");
        push_resource(&mut line, graph, r, Layout::Pretty(2));
        line.extend_from_slice(if shown.peek().is_some() {
            b",\n"
        } else {
            b"\n"
        });
        out.write_all(&line)?;
    }
    // the module instances one at a time too (their variables and
    // outputs are a large document's second largest part)
    out.write_all(b"  ],\n  \"modules\": [")?;
    let modules = listing.modules(graph);
    for (i, m) in modules.iter().enumerate() {
        line.clear();
        line.extend_from_slice(if i == 0 { b"\n    " } else { b",\n    " });
        push_tree(&mut line, &module_json(graph, m), Layout::Pretty(2));
        out.write_all(&line)?;
    }
    out.write_all(if modules.is_empty() { b"]" } else { b"\n  ]" })?;
    line.clear();
    line.extend_from_slice(b",\n  \"diagnostics\": ");
    let diagnostics = diagnostics::to_json(&graph.diagnostics, &graph.sources);
    push_tree(&mut line, &diagnostics, Layout::Pretty(1));
    line.extend_from_slice(b"\n}\n");
    out.write_all(&line)
}

fn module_json(graph: &Graph, m: &ModuleInstance) -> Json {
    let variables: Vec<Json> = by_name(&m.variables, |v| &*v.name)
        .map(|v| {
            let extra = [
                ("sensitive", v.sensitive.into()),
                ("set_by", v.set_by.to_string().into()),
            ];
            named_value(graph, &v.name, &v.value, extra, set_at(&v.set_by))
        })
        .collect();
    let outputs: Vec<Json> = by_name(&m.outputs, |o| &*o.name)
        .map(|o| {
            let extra = [("sensitive", o.sensitive.into())];
            named_value(graph, &o.name, &o.value, extra, Some(o.span))
        })
        .collect();
    let locals: Vec<Json> = by_name(&m.locals, |l| &l.name)
        .map(|l| named_value(graph, &l.name, &l.value, [], Some(l.span)))
        .collect();
    let mut module = json!({
        "address": m.address,
        "dir": m.dir,
        "root": m.root_dir,
        "calls": m.module_calls.iter().map(|c| json!({
            "name": c.name,
            "source": c.source,
            "version": c.version,
            "resolved_dir": c.resolved_dir,
        })).collect::<Vec<_>>(),
        "variables": variables,
        "outputs": outputs,
    });
    // kept when asked for (`--values`)
    if !locals.is_empty() {
        module["locals"] = Json::Array(locals);
    }
    // only when so: syntax errors left parts of its files out
    if m.partial {
        module["partial"] = Json::Bool(true);
    }
    module
}

/// A variable, local or output of a module instance: its name, its value
/// (a sensitive one never written), what else is said of it, and the file
/// and line where it is set.
fn named_value<const N: usize>(
    graph: &Graph,
    name: &str,
    value: &Value,
    extra: [(&str, Json); N],
    span: Option<Span>,
) -> Json {
    let mut entry = serde_json::Map::new();
    entry.insert("name".into(), name.into());
    entry.insert("value".into(), value.to_json());
    for (key, v) in extra {
        entry.insert(key.into(), v);
    }
    if let Some(s) = span {
        let file = &graph.sources.get(s.file).display_path;
        entry.insert("file".into(), file.as_str().into());
        entry.insert("line".into(), s.line.into());
    }
    Json::Object(entry)
}

/// One resource of the document, written directly (its attributes are
/// most of a large document's bytes).
fn push_resource(out: &mut Vec<u8>, graph: &Graph, r: &Resource, layout: Layout) {
    let mut o = Object::open(out, layout);
    o.str(out, "address", &r.address);
    o.str(out, "root", &r.root);
    o.str(out, "type", &r.resource_type);
    o.str(out, "name", &r.name);
    o.str(out, "mode", r.mode.as_str());
    o.str(out, "module", &r.module);
    o.name(out, "index");
    match &r.index {
        None => out.extend_from_slice(b"null"),
        Some(InstanceKey::Int(i)) => push_int(out, *i),
        Some(InstanceKey::Str(s)) => push_str(out, s),
        Some(InstanceKey::Unknown) => {
            let mut unknown = Object::open(out, o.inner());
            unknown.name(out, "unknown");
            out.extend_from_slice(b"true");
            unknown.close(out);
        }
    }
    o.str(out, "provider", &r.provider.config_address());
    o.name(out, "region");
    match r.region() {
        Some(region) => push_value(out, region, o.inner()),
        None => out.extend_from_slice(b"null"),
    }
    o.tree(
        out,
        "origin",
        &serde_json::to_value(r.origin).unwrap_or(Json::Null),
    );
    if !r.actions.is_empty() {
        o.name(out, "actions");
        push_list(out, &r.actions, o.inner(), |out, a, _| push_str(out, a));
    }
    o.name(out, "attributes");
    push_value(out, &r.attributes, o.inner());
    o.name(out, "location");
    match &r.span {
        Some(s) => {
            let mut location = Object::open(out, o.inner());
            location.str(out, "file", &graph.sources.get(s.file).display_path);
            location.int(out, "line", s.line);
            location.int(out, "column", s.column);
            location.int(out, "end_line", s.end_line);
            location.close(out);
        }
        None => out.extend_from_slice(b"null"),
    }
    o.name(out, "attribute_locations");
    let mut spans = Object::open(out, o.inner());
    for (path, s) in r.attribute_spans.iter() {
        spans.key(out, path);
        let mut span = Object::open(out, spans.inner());
        // set by an override file: where
        if r.span.is_some_and(|block| block.file != s.file) {
            span.str(out, "file", &graph.sources.get(s.file).display_path);
        }
        span.int(out, "line", s.line);
        span.int(out, "column", s.column);
        span.close(out);
    }
    spans.close(out);
    o.name(out, "references");
    push_list(out, &r.references, o.inner(), |out, x, layout| {
        let mut reference = Object::open(out, layout);
        reference.str(out, "attribute", &x.attribute);
        reference.str(out, "target", &x.target);
        reference.opt_str(out, "target_attribute", x.target_attribute.as_deref());
        reference.close(out);
    });
    o.name(out, "provenance");
    let mut provenance = Object::open(out, o.inner());
    for (attribute, sources) in r.provenance.iter() {
        provenance.key(out, attribute);
        push_list(out, sources, provenance.inner(), |out, s, layout| {
            push_source(out, graph, s, layout)
        });
    }
    provenance.close(out);
    o.close(out);
}

/// Where a value came from.
fn push_source(out: &mut Vec<u8>, graph: &Graph, s: &ValueSource, layout: Layout) {
    let mut o = Object::open(out, layout);
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
            if let Some(s) = set_at(set_by) {
                o.str(out, "file", &graph.sources.get(s.file).display_path);
                o.int(out, "line", s.line);
            }
        }
        ValueSource::Local { module, name, span } => {
            o.str(out, "kind", "local");
            o.str(out, "module", module);
            o.str(out, "name", name);
            o.str(out, "file", &graph.sources.get(span.file).display_path);
            o.int(out, "line", span.line);
        }
        ValueSource::ModuleOutput { module, name } => {
            o.str(out, "kind", "module_output");
            o.str(out, "module", module);
            o.str(out, "name", name);
        }
    }
    o.close(out);
}

/// Where a variable's value is written, when it is written in a file.
fn set_at(set_by: &VariableOrigin) -> Option<Span> {
    match set_by {
        VariableOrigin::Default(s) | VariableOrigin::ModuleInput(s) => Some(*s),
        VariableOrigin::File { span, .. } => *span,
        _ => None,
    }
}

/// Items in the order of their names (the model keeps them in the order
/// they were evaluated).
fn by_name<T>(items: &[T], name: impl Fn(&T) -> &str) -> impl Iterator<Item = &T> {
    let mut sorted: Vec<&T> = items.iter().collect();
    sorted.sort_by(|a, b| name(a).cmp(name(b)));
    sorted.into_iter()
}

/// Human listing: each resource with its attributes and where they are set.
pub fn render_text(graph: &Graph, listing: &Listing<'_>) -> String {
    let mut out = Vec::new();
    let _ = write_text(graph, listing, &mut out);
    String::from_utf8(out).unwrap_or_default()
}

/// Writes the human listing one resource at a time.
pub fn write_text(
    graph: &Graph,
    listing: &Listing<'_>,
    w: &mut dyn std::io::Write,
) -> std::io::Result<()> {
    let mut shown = 0;
    // with several root modules, each resource's (Terragrunt units share
    // their module's files: the file does not tell them apart)
    let several_roots = graph.roots().len() > 1;
    for r in graph.resources.iter().filter(|r| listing.shows(r)) {
        shown += 1;
        let mut out = String::new();
        let location = r
            .span
            .map(|s| format!("{}:{}", graph.sources.get(s.file).display_path, s.line))
            .unwrap_or_else(|| format!("({:?})", r.origin).to_lowercase());
        let root = match several_roots {
            true => format!("  (root {})", r.root),
            false => String::new(),
        };
        let _ = writeln!(
            out,
            "{}  [{}]  {}{root}",
            r.address,
            r.provider.config_address(),
            location
        );
        if !r.actions.is_empty() {
            let _ = writeln!(out, "  # planned: {}", r.actions.join(", "));
        }
        if let Some(obj) = r.attributes.as_object() {
            write_fields(&mut out, graph, listing, r, obj, "", 1);
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
    if listing.values {
        // each root module, then the module instances it calls
        let mut modules = listing.modules(graph);
        modules.sort_by(|a, b| (&a.root_dir, &a.address).cmp(&(&b.root_dir, &b.address)));
        for m in modules {
            let mut out = String::new();
            write_module_values(&mut out, graph, m);
            w.write_all(out.as_bytes())?;
        }
    }
    let mut out = String::new();
    let (errors, warnings, _) = diagnostics::counts(&graph.diagnostics);
    out.push_str(&diagnostics::render_text(
        &graph.diagnostics,
        &graph.sources,
        Severity::Info,
    ));
    let instances = diagnostics::plural(graph.resources.len(), "resource instance");
    let instances = if listing.only.is_empty() {
        instances
    } else {
        format!("{shown} of {instances} shown")
    };
    let _ = writeln!(
        out,
        "{} in {} from {}; {}, {}",
        instances,
        diagnostics::plural(graph.modules.len(), "module instance"),
        diagnostics::plural(graph.sources.paths(), "file"),
        diagnostics::plural(errors, "error"),
        diagnostics::plural(warnings, "warning"),
    );
    w.write_all(out.as_bytes())
}

/// A module instance's input variables and output values: each with its
/// value (sensitive ones never shown) and where it was set.
fn write_module_values(out: &mut String, graph: &Graph, m: &ModuleInstance) {
    let at = |s: &Span| file_line(graph, s);
    let mut lines: Vec<(String, String, String)> = Vec::new();
    for v in by_name(&m.variables, |v| &*v.name) {
        let set_by = set_by_text(graph, &v.set_by, &v.name);
        lines.push((format!("var.{}", v.name), v.value.to_string(), set_by));
    }
    for l in by_name(&m.locals, |l| &l.name) {
        lines.push((
            format!("local.{}", l.name),
            l.value.to_string(),
            at(&l.span),
        ));
    }
    for o in by_name(&m.outputs, |o| &*o.name) {
        lines.push((
            format!("output.{}", o.name),
            o.value.to_string(),
            at(&o.span),
        ));
    }
    let title = if m.address.is_empty() {
        "root module"
    } else {
        &m.address
    };
    let _ = writeln!(out, "{title}  ({})", m.dir);
    let width = lines
        .iter()
        .map(|(l, ..)| l.chars().count())
        .max()
        .unwrap_or(0);
    for (label, value, set_by) in lines {
        let _ = writeln!(out, "  {label:<width$} = {value}  # {set_by}");
    }
    out.push('\n');
}

/// `file:line` of a span.
fn file_line(graph: &Graph, s: &Span) -> String {
    format!("{}:{}", graph.sources.get(s.file).display_path, s.line)
}

/// Where a variable's value was set, in a few words: the tfvars line that
/// won, the default, `--var`, `TF_VAR_name`, the module call's argument.
fn set_by_text(graph: &Graph, set_by: &VariableOrigin, name: &str) -> String {
    match set_by {
        VariableOrigin::Default(s) => format!("default, {}", file_line(graph, s)),
        VariableOrigin::File { span: Some(s), .. } => file_line(graph, s),
        VariableOrigin::File { path, span: None } => path.to_string(),
        VariableOrigin::CommandLine => "--var".to_string(),
        VariableOrigin::Environment => format!("TF_VAR_{name}"),
        VariableOrigin::Plan => "the plan".to_string(),
        VariableOrigin::ModuleInput(s) => format!("module input, {}", file_line(graph, s)),
        VariableOrigin::Unset => "no value given".to_string(),
    }
}

/// Where a top-level attribute's value came from (`--values`): the
/// variables, locals and module outputs it was computed from, as the scan
/// report words them — ` ← var.environment set in terraform.tfvars:2`.
fn provenance_text(graph: &Graph, r: &Resource, attribute: &str) -> String {
    let text = r
        .provenance
        .get(attribute)
        .map(|sources| crate::scan::provenance_text(graph, sources))
        .unwrap_or_default();
    if text.is_empty() {
        text
    } else {
        format!(" ← {text}")
    }
}

fn write_fields(
    out: &mut String,
    graph: &Graph,
    listing: &Listing<'_>,
    r: &Resource,
    obj: &cloudwright_model::Object,
    path: &str,
    depth: usize,
) {
    let sources = &graph.sources;
    let indent = "  ".repeat(depth);
    let width = obj
        .fields()
        .keys()
        .map(|k| k.chars().count())
        .max()
        .unwrap_or(0);
    for (name, value) in obj.fields() {
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
                    .map(|s| where_set(sources, r, s))
                    .unwrap_or_default();
                let _ = writeln!(out, "{indent}{name} {{{line}");
                if let Some(o) = item.as_object() {
                    write_fields(out, graph, listing, r, o, &item_path, depth + 1);
                }
                let _ = writeln!(out, "{indent}}}");
            }
            continue;
        }
        let line = r
            .attribute_spans
            .get(&full)
            .map(|s| where_set(sources, r, s))
            .unwrap_or_default();
        let from = if listing.values && path.is_empty() {
            provenance_text(graph, r, name)
        } else {
            String::new()
        };
        let _ = writeln!(out, "{indent}{name:<width$} = {value}{line}{from}");
    }
}

/// Where an attribute was set: its line in the resource's file, or the
/// file and line of an override file that set it.
fn where_set(
    sources: &cloudwright_model::SourceMap,
    r: &Resource,
    span: &cloudwright_model::Span,
) -> String {
    if r.span.is_some_and(|block| block.file != span.file) {
        let file = &sources.get(span.file).display_path;
        format!("  # {file}:{}", span.line)
    } else {
        format!("  # line {}", span.line)
    }
}
