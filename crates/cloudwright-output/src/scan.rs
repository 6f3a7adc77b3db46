//! Scan reports in every format CI needs: text, JSON, SARIF 2.1.0, JUnit
//! XML, GitHub Actions annotations and Markdown.

use crate::diagnostics;
use cloudwright_model::{
    Finding, FindingSeverity, Graph, Severity, Span, ValueSource, VariableOrigin,
};
use cloudwright_scan::ScanReport;
use serde_json::{json, Value as Json};
use std::fmt::Write;

/// Version of the `scan -o json` document.
pub const SCHEMA_VERSION: &str = "1";

/// What the renderers need besides the report.
pub struct Context<'a> {
    pub graph: &'a Graph,
    pub report: &'a ScanReport,
    /// Findings at or above this fail the run.
    pub fail_on: FindingSeverity,
    /// List suppressed findings in text output too.
    pub show_suppressed: bool,
    pub version: &'a str,
    /// Directory that CI formats (SARIF, GitHub) make paths relative to:
    /// the repository root the workflow runs in. `None`: relative to the
    /// scanned directory, like the text and JSON output.
    pub ci_base: Option<&'a std::path::Path>,
}

/// A file path for CI formats: relative to `ci_base` when the file is below
/// it, else as displayed.
/// Paths as CI systems want them (relative to the checkout), each file's
/// resolved once: resolving means a `canonicalize` system call, and a
/// large tree has 100k+ findings in a few thousand files.
struct CiPaths<'c, 'a> {
    ctx: &'c Context<'a>,
    known: std::cell::RefCell<std::collections::HashMap<cloudwright_model::FileId, String>>,
}

impl<'c, 'a> CiPaths<'c, 'a> {
    fn new(ctx: &'c Context<'a>) -> Self {
        CiPaths {
            ctx,
            known: Default::default(),
        }
    }

    fn path(&self, file: cloudwright_model::FileId) -> String {
        self.known
            .borrow_mut()
            .entry(file)
            .or_insert_with(|| {
                let source = self.ctx.graph.sources.get(file);
                if let Some(base) = self.ctx.ci_base {
                    let absolute = source
                        .path
                        .canonicalize()
                        .unwrap_or_else(|_| source.path.clone());
                    if let Ok(rel) = absolute.strip_prefix(base) {
                        return rel.to_string_lossy().replace('\\', "/");
                    }
                }
                source.display_path.clone()
            })
            .clone()
    }

    fn location(&self, span: &Option<Span>) -> Option<(String, u32, u32, u32, u32)> {
        span.map(|s| {
            (
                self.path(s.file),
                s.line,
                s.column,
                s.end_line,
                s.end_column,
            )
        })
    }
}

fn location(graph: &Graph, span: &Option<Span>) -> Option<(String, u32, u32, u32, u32)> {
    span.map(|s| {
        (
            graph.sources.get(s.file).display_path.clone(),
            s.line,
            s.column,
            s.end_line,
            s.end_column,
        )
    })
}

fn summary_line(ctx: &Context<'_>) -> String {
    let r = ctx.report;
    let by_severity: Vec<String> = FindingSeverity::ALL
        .iter()
        .filter(|s| r.count(**s) > 0)
        .map(|s| format!("{} {s}", r.count(*s)))
        .collect();
    let mut line = diagnostics::plural(r.findings.len(), "finding");
    if !by_severity.is_empty() {
        let _ = write!(line, " ({})", by_severity.join(", "));
    }
    if r.baselined > 0 {
        let _ = write!(
            line,
            ", {} already known (baseline or --diff-base)",
            r.baselined
        );
    }
    let _ = write!(
        line,
        ", {} suppressed, {} undecidable (values not known from the code); {} with {} checked",
        r.suppressed.len(),
        r.unknown.len(),
        diagnostics::plural(r.resources_checked, "resource"),
        diagnostics::plural(r.rules.len(), "rule"),
    );
    line
}

fn module_name(m: &str) -> &str {
    if m.is_empty() {
        "(root modules)"
    } else {
        m
    }
}

/// The tagging coverage block of the text report.
fn tagging_text(t: &cloudwright_scan::TagCoverage) -> String {
    if t.taggable == 0 {
        return "Tagging: no taggable resources\n\n".to_string();
    }
    let mut out = format!(
        "Tagging: {} of {} taggable resources fully tagged ({:.1}%)",
        t.fully_tagged,
        t.taggable,
        t.percent()
    );
    if t.unknown > 0 {
        let _ = write!(out, ", {} whose tags are not known", t.unknown);
    }
    out.push('\n');
    let keys: Vec<String> = t
        .by_key
        .iter()
        .map(|(k, n)| format!("{k} {n}/{}", t.taggable))
        .collect();
    let _ = writeln!(out, "  by tag: {}", keys.join(", "));
    let modules: Vec<String> = t
        .by_module
        .iter()
        .map(|(m, total, full)| format!("{} {full}/{total}", module_name(m)))
        .collect();
    let _ = writeln!(out, "  by module: {}\n", modules.join(", "));
    out
}

fn tagging_json(t: &cloudwright_scan::TagCoverage) -> Json {
    json!({
        "taggable": t.taggable,
        "fully_tagged": t.fully_tagged,
        "unknown": t.unknown,
        "percent": (t.percent() * 10.0).round() / 10.0,
        "by_tag": t.by_key.iter().map(|(k, n)| json!({"tag": k, "resources": n})).collect::<Vec<_>>(),
        "by_module": t.by_module.iter().map(|(m, total, full)| json!({"module": m, "taggable": total, "fully_tagged": full})).collect::<Vec<_>>(),
    })
}

/// Where a value came from, in words.
pub fn provenance_text(graph: &Graph, sources: &[std::sync::Arc<ValueSource>]) -> String {
    let parts: Vec<String> = sources
        .iter()
        .filter_map(|s| match &**s {
            ValueSource::Variable {
                module,
                name,
                set_by,
            } => {
                let scope = if module.is_empty() {
                    String::new()
                } else {
                    format!("{module}.")
                };
                Some(match set_by {
                    VariableOrigin::File {
                        path,
                        span: Some(sp),
                    } => format!("{scope}var.{name} set in {path}:{}", sp.line),
                    VariableOrigin::File { path, .. } => format!("{scope}var.{name} set in {path}"),
                    VariableOrigin::Default(sp) => format!(
                        "{scope}var.{name} default at {}:{}",
                        graph.sources.get(sp.file).display_path,
                        sp.line
                    ),
                    VariableOrigin::ModuleInput(sp) => format!(
                        "{scope}var.{name} from the module call at {}:{}",
                        graph.sources.get(sp.file).display_path,
                        sp.line
                    ),
                    VariableOrigin::CommandLine => format!("{scope}var.{name} set by --var"),
                    VariableOrigin::Plan => format!("{scope}var.{name} set in the plan"),
                    VariableOrigin::Environment => {
                        format!("{scope}var.{name} set by TF_VAR_{name}")
                    }
                    VariableOrigin::Unset => return None,
                })
            }
            ValueSource::Local { module, name, .. } => {
                let scope = if module.is_empty() {
                    String::new()
                } else {
                    format!("{module}.")
                };
                Some(format!("{scope}local.{name}"))
            }
            ValueSource::ModuleOutput { module, name } => Some(format!("{module}.{name}")),
        })
        .collect();
    parts.join(" ← ")
}

// ---------------------------------------------------------------- text

pub fn write_text(ctx: &Context<'_>, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut out = String::new();
    let mut items: Vec<(&Finding, Option<&cloudwright_scan::Suppression>)> =
        ctx.report.findings.iter().map(|f| (f, None)).collect();
    if ctx.show_suppressed {
        items.extend(ctx.report.suppressed.iter().map(|(f, s)| (f, Some(s))));
    }
    // keys built once per finding (borrowed), not at every comparison
    let place = |span: &Option<Span>| {
        span.map(|s| {
            let file = ctx.graph.sources.get(s.file).display_path.as_str();
            (file, s.line, s.column, s.end_line, s.end_column)
        })
    };
    items.sort_by_cached_key(|(f, _)| (place(&f.span), f.rule_id, f.resource.as_str()));
    let mut current_file: Option<&str> = None;
    for (f, suppressed) in items {
        // written as it goes, a screenful at a time
        if out.len() > 1 << 16 {
            w.write_all(out.as_bytes())?;
            out.clear();
        }
        // findings are grouped by file, with a heading per file
        let file = f
            .span
            .map(|s| ctx.graph.sources.get(s.file).display_path.as_str())
            .unwrap_or_default();
        if current_file != Some(file) {
            let heading = if file.is_empty() { "(no file)" } else { file };
            let _ = writeln!(out, "━━ {heading}\n");
            current_file = Some(file);
        }
        let tag = if suppressed.is_some() {
            " (suppressed)"
        } else {
            ""
        };
        let _ = writeln!(out, "{} {} {}{tag}", f.severity, f.rule_id, f.title);
        match f.span {
            Some(span) => {
                let file = ctx.graph.sources.get(span.file);
                let _ = writeln!(
                    out,
                    "  --> {}:{}:{}",
                    file.display_path, span.line, span.column
                );
                let mut digits = itoa::Buffer::new();
                let number = digits.format(span.line);
                let pad = |out: &mut String, n: usize, c: char| out.extend((0..n).map(|_| c));
                let text = file.line_text(span.line);
                pad(&mut out, number.len(), ' ');
                out.push_str(" |\n");
                out.push_str(number);
                out.push_str(" | ");
                match text.contains('\t') {
                    true => out.push_str(&text.replace('\t', "    ")),
                    false => out.push_str(text),
                }
                out.push('\n');
                let start = span.column.saturating_sub(1) as usize;
                let width = if span.end_line == span.line && span.end_column > span.column {
                    (span.end_column - span.column) as usize
                } else {
                    text.chars().count().saturating_sub(start).max(1)
                };
                pad(&mut out, number.len(), ' ');
                out.push_str(" | ");
                pad(&mut out, start, ' ');
                pad(&mut out, width.clamp(1, 80), '^');
                out.push('\n');
            }
            None => {
                let _ = writeln!(out, "  --> {}", f.resource);
            }
        }
        let root = if f.root == "." || f.root.is_empty() {
            String::new()
        } else {
            format!("{} ", f.root)
        };
        let _ = writeln!(out, "  = {root}{}: {}", f.resource, f.message);
        for e in &f.evidence {
            let from = provenance_text(ctx.graph, &e.provenance);
            if from.is_empty() {
                let _ = writeln!(out, "  = {} = {}", e.attribute, e.value);
            } else {
                let _ = writeln!(out, "  = {} = {} (from {from})", e.attribute, e.value);
            }
        }
        for r in &f.related {
            let _ = writeln!(
                out,
                "  = {}: {}:{}",
                r.message,
                ctx.graph.sources.get(r.span.file).display_path,
                r.span.line
            );
        }
        if let Some(s) = suppressed {
            let _ = writeln!(
                out,
                "  = suppressed by {} comment{}",
                s.kind.as_str(),
                s.reason
                    .as_ref()
                    .map(|r| format!(": {r}"))
                    .unwrap_or_default()
            );
        }
        let _ = writeln!(out, "  = fix: {}", f.remediation);
        out.push('\n');
    }
    out.push_str(&diagnostics::render_text(
        &ctx.graph.diagnostics,
        &ctx.graph.sources,
        Severity::Warning,
    ));
    out.push_str(&diagnostics::render_text(
        &ctx.report.warnings,
        &ctx.graph.sources,
        Severity::Warning,
    ));
    if let Some(t) = &ctx.report.tagging {
        out.push_str(&tagging_text(t));
    }
    let _ = writeln!(out, "{}", summary_line(ctx));
    let failing = ctx.report.failing(ctx.fail_on);
    if failing > 0 {
        let _ = writeln!(
            out,
            "{} at or above {} (--fail-on)",
            diagnostics::plural(failing, "finding"),
            ctx.fail_on
        );
    }
    w.write_all(out.as_bytes())
}

// ---------------------------------------------------------------- JSON

/// One finding of the JSON report, serialized as it is (no intermediate
/// JSON tree): the report writes 100k+ of them.
#[derive(serde::Serialize)]
struct FindingOut<'a> {
    rule: &'a str,
    aliases: &'a [&'static str],
    severity: &'static str,
    title: &'a str,
    message: &'a str,
    resource: &'a str,
    root: &'a str,
    resource_type: &'a str,
    attribute: &'a str,
    fingerprint: String,
    location: Option<LocationOut<'a>>,
    related: Vec<RelatedOut<'a>>,
    evidence: Vec<EvidenceOut<'a>>,
    remediation: &'a str,
}

#[derive(serde::Serialize)]
struct LocationOut<'a> {
    file: &'a str,
    line: u32,
    column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(serde::Serialize)]
struct RelatedOut<'a> {
    message: &'a str,
    file: &'a str,
    line: u32,
}

#[derive(serde::Serialize)]
struct EvidenceOut<'a> {
    attribute: &'a str,
    value: Json,
    provenance: String,
}

impl FindingOut<'_> {
    /// The finding as compact JSON: the bytes `serde_json::to_writer`
    /// writes for it, written directly (a large report spends most of
    /// its time escaping strings; `json` does it a word at a time).
    fn write_compact(&self, out: &mut Vec<u8>) {
        use crate::json::{push_list, push_str, push_tree, Layout, Object};
        let mut o = Object::open(out, Layout::Compact);
        o.str(out, "rule", self.rule);
        o.name(out, "aliases");
        push_list(out, self.aliases, Layout::Compact, |out, a, _| {
            push_str(out, a)
        });
        o.str(out, "severity", self.severity);
        o.str(out, "title", self.title);
        o.str(out, "message", self.message);
        o.str(out, "resource", self.resource);
        o.str(out, "root", self.root);
        o.str(out, "resource_type", self.resource_type);
        o.str(out, "attribute", self.attribute);
        o.str(out, "fingerprint", &self.fingerprint);
        o.name(out, "location");
        match &self.location {
            None => out.extend_from_slice(b"null"),
            Some(l) => {
                let mut location = Object::open(out, Layout::Compact);
                location.str(out, "file", l.file);
                location.int(out, "line", l.line);
                location.int(out, "column", l.column);
                location.int(out, "end_line", l.end_line);
                location.int(out, "end_column", l.end_column);
                location.close(out);
            }
        }
        o.name(out, "related");
        push_list(out, &self.related, Layout::Compact, |out, r, _| {
            let mut related = Object::open(out, Layout::Compact);
            related.str(out, "message", r.message);
            related.str(out, "file", r.file);
            related.int(out, "line", r.line);
            related.close(out);
        });
        o.name(out, "evidence");
        push_list(out, &self.evidence, Layout::Compact, |out, e, _| {
            let mut evidence = Object::open(out, Layout::Compact);
            evidence.str(out, "attribute", e.attribute);
            evidence.name(out, "value");
            push_tree(out, &e.value, Layout::Compact);
            evidence.str(out, "provenance", &e.provenance);
            evidence.close(out);
        });
        o.str(out, "remediation", self.remediation);
        o.close(out);
    }
}

fn finding_out<'a>(
    graph: &'a Graph,
    f: &'a Finding,
    aliases: &'a [&'static str],
) -> FindingOut<'a> {
    let file = |span: &Span| graph.sources.get(span.file).display_path.as_str();
    FindingOut {
        rule: f.rule_id,
        aliases,
        severity: f.severity.as_str(),
        title: f.title,
        message: &f.message,
        resource: &f.resource,
        root: &f.root,
        resource_type: &f.resource_type,
        attribute: &f.attribute,
        fingerprint: f.fingerprint(),
        location: f.span.as_ref().map(|s| LocationOut {
            file: file(s),
            line: s.line,
            column: s.column,
            end_line: s.end_line,
            end_column: s.end_column,
        }),
        related: f
            .related
            .iter()
            .map(|r| RelatedOut {
                message: &r.message,
                file: file(&r.span),
                line: r.span.line,
            })
            .collect(),
        evidence: f
            .evidence
            .iter()
            .map(|e| EvidenceOut {
                attribute: &e.attribute,
                value: e.value.to_json(),
                provenance: provenance_text(graph, &e.provenance),
            })
            .collect(),
        remediation: f.remediation,
    }
}

fn finding_json(ctx: &Context<'_>, f: &Finding) -> Json {
    let aliases = ctx.report.rule(f.rule_id).map_or(&[][..], |r| &r.aliases);
    serde_json::to_value(finding_out(ctx.graph, f, aliases)).unwrap_or_default()
}

/// Writes the JSON report one finding at a time (bounded memory however
/// many findings there are); the same document as [`to_json`].
pub fn write_json(ctx: &Context<'_>, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let mut head = to_json_with(ctx, false);
    let tail = head.as_object_mut().map(std::mem::take).unwrap_or_default();
    writeln!(
        w,
        "{{\n  \"schema_version\": {},\n  \"tool\": {},\n  \"findings\": [",
        json!(SCHEMA_VERSION),
        tail["tool"]
    )?;
    // each rule's aliases, found once
    let aliases: std::collections::HashMap<&str, &[&'static str]> = ctx
        .report
        .rules
        .iter()
        .map(|r| (r.id, r.aliases.as_slice()))
        .collect();
    let n = ctx.report.findings.len();
    let mut line = Vec::new();
    for (i, f) in ctx.report.findings.iter().enumerate() {
        let of_rule = aliases.get(f.rule_id).copied().unwrap_or_default();
        line.clear();
        line.extend_from_slice(b"    ");
        finding_out(ctx.graph, f, of_rule).write_compact(&mut line);
        line.extend_from_slice(if i + 1 < n { b",\n" } else { b"\n" });
        w.write_all(&line)?;
    }
    write!(w, "  ]")?;
    for key in ["suppressed", "unknown", "summary", "tagging", "diagnostics"] {
        let text = serde_json::to_string_pretty(&tail[key]).map_err(std::io::Error::other)?;
        write!(w, ",\n  \"{key}\": {}", text.replace('\n', "\n  "))?;
    }
    writeln!(w, "\n}}")
}

pub fn to_json(ctx: &Context<'_>) -> Json {
    to_json_with(ctx, true)
}

fn to_json_with(ctx: &Context<'_>, with_findings: bool) -> Json {
    let r = ctx.report;
    let mut by_severity = serde_json::Map::new();
    for s in FindingSeverity::ALL {
        by_severity.insert(s.as_str().into(), r.count(s).into());
    }
    json!({
        "schema_version": SCHEMA_VERSION,
        "tool": {"name": "cloudwright", "version": ctx.version},
        "findings": if with_findings { r.findings.iter().map(|f| finding_json(ctx, f)).collect::<Vec<_>>() } else { Vec::new() },
        "suppressed": r.suppressed.iter().map(|(f, s)| {
            let mut j = finding_json(ctx, f);
            j["suppression"] = json!({
                "kind": s.kind.as_str(),
                "reason": s.reason,
                "expires": s.expires,
                "file": s.span.map(|sp| ctx.graph.sources.get(sp.file).display_path.clone()),
                "line": s.span.map(|sp| sp.line),
            });
            j
        }).collect::<Vec<_>>(),
        "unknown": r.unknown.iter().map(|(rule, resource, why)| json!({"rule": rule, "resource": resource, "reason": why})).collect::<Vec<_>>(),
        "summary": {
            "findings": r.findings.len(),
            "by_severity": by_severity,
            "suppressed": r.suppressed.len(),
            "baselined": r.baselined,
            "unknown": r.unknown.len(),
            "resources_checked": r.resources_checked,
            "rules": r.rules.len(),
            "fail_on": ctx.fail_on.as_str(),
            "failing": r.failing(ctx.fail_on),
        },
        "tagging": r.tagging.as_ref().map(tagging_json),
        "diagnostics": diagnostics::to_json(&[ctx.graph.diagnostics.clone(), r.warnings.clone()].concat(), &ctx.graph.sources),
    })
}

// ---------------------------------------------------------------- SARIF

/// GitHub code scanning reads `security-severity` (0.0–10.0) to rank alerts.
fn security_severity(s: FindingSeverity) -> &'static str {
    match s {
        FindingSeverity::Critical => "9.5",
        FindingSeverity::High => "8.0",
        FindingSeverity::Medium => "5.5",
        FindingSeverity::Low => "3.0",
        FindingSeverity::Info => "1.0",
    }
}

fn sarif_level(s: FindingSeverity) -> &'static str {
    match s {
        FindingSeverity::Critical | FindingSeverity::High => "error",
        FindingSeverity::Medium => "warning",
        FindingSeverity::Low | FindingSeverity::Info => "note",
    }
}

/// SARIF 2.1.0, written as it goes: the tool and its rules first, then one
/// result per line. A large tree's 100k+ results are never one document in
/// memory (building it took 4.5 s and 1.6 GB for 144k findings).
pub fn write_sarif(ctx: &Context<'_>, w: &mut dyn std::io::Write) -> std::io::Result<()> {
    let rules: Vec<Json> = ctx
        .report
        .rules
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.title.replace(' ', ""),
                "shortDescription": {"text": r.title},
                "fullDescription": {"text": first_paragraph(r.doc)},
                "help": {"text": r.remediation, "markdown": r.doc},
                "defaultConfiguration": {"level": sarif_level(r.severity)},
                "properties": {
                    "security-severity": security_severity(r.severity),
                    "tags": ["security", "terraform", r.category],
                    "precision": "high",
                    "aliases": r.aliases,
                },
            })
        })
        .collect();
    let rule_index: std::collections::HashMap<&str, usize> = ctx
        .report
        .rules
        .iter()
        .enumerate()
        .map(|(i, r)| (r.id, i))
        .collect();
    let driver = json!({
        "name": "Cloudwright",
        "informationUri": "https://github.com/cloudwright/cloudwright",
        "version": ctx.version,
        "semanticVersion": ctx.version,
        "rules": rules,
    });
    writeln!(
        w,
        "{{\n  \"$schema\": \"https://json.schemastore.org/sarif-2.1.0.json\",\n  \"version\": \"2.1.0\",\n  \"runs\": [{{\n    \"tool\": {{\"driver\": {}}},\n    \"results\": [",
        serde_json::to_string(&driver).map_err(std::io::Error::other)?
    )?;
    let results = ctx
        .report
        .findings
        .iter()
        .map(|f| (f, None))
        .chain(ctx.report.suppressed.iter().map(|(f, s)| (f, Some(s))));
    let total = ctx.report.findings.len() + ctx.report.suppressed.len();
    let paths = CiPaths::new(ctx);
    let mut line = Vec::new();
    for (i, (f, suppression)) in results.enumerate() {
        let index = rule_index.get(f.rule_id).copied().unwrap_or(0);
        line.clear();
        line.extend_from_slice(b"      ");
        sarif_result(&paths, index, f, suppression).write_compact(&mut line);
        line.extend_from_slice(if i + 1 < total { b",\n" } else { b"\n" });
        w.write_all(&line)?;
    }
    // what Terraform would refuse, or Cloudwright could not read: the
    // run's notifications (code scanning shows them with the tool's status)
    let notifications: Vec<Json> = ctx
        .graph
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .map(|d| {
            let level = match d.severity {
                Severity::Error => "error",
                _ => "warning",
            };
            let text = match &d.help {
                Some(help) => format!("{} — {help}", d.message),
                None => d.message.clone(),
            };
            let mut n = json!({"level": level, "message": {"text": text}});
            if let Some((file, line, column, end_line, end_column)) = paths.location(&d.span) {
                n["locations"] = json!([{"physicalLocation": {
                    "artifactLocation": {"uri": file, "uriBaseId": "%SRCROOT%"},
                    "region": {"startLine": line, "startColumn": column, "endLine": end_line, "endColumn": end_column},
                }}]);
            }
            n
        })
        .collect();
    let invocation =
        json!([{"executionSuccessful": true, "toolExecutionNotifications": notifications}]);
    writeln!(
        w,
        "    ],\n    \"invocations\": {},\n    \"columnKind\": \"unicodeCodePoints\"\n  }}]\n}}",
        serde_json::to_string(&invocation).map_err(std::io::Error::other)?
    )
}

/// One SARIF result: the finding at its location, with related locations
/// and, when suppressed in source, the suppression.
/// One SARIF result, serialized as it is (no intermediate JSON tree).
#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifResult<'a> {
    rule_id: &'a str,
    rule_index: usize,
    level: &'static str,
    message: SarifText,
    partial_fingerprints: SarifFingerprints,
    properties: SarifProperties<'a>,
    #[serde(skip_serializing_if = "Option::is_none")]
    locations: Option<[SarifLocation; 1]>,
    #[serde(skip_serializing_if = "Vec::is_empty")]
    related_locations: Vec<SarifRelated<'a>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    suppressions: Option<[SarifSuppression; 1]>,
}

#[derive(serde::Serialize)]
struct SarifText {
    text: String,
}

#[derive(serde::Serialize)]
struct SarifFingerprints {
    #[serde(rename = "cloudwright/v1")]
    v1: String,
}

#[derive(serde::Serialize)]
struct SarifProperties<'a> {
    resource: &'a str,
    root: &'a str,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifLocation {
    physical_location: SarifPhysical<SarifRegion>,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifPhysical<R> {
    artifact_location: SarifArtifact,
    region: R,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifArtifact {
    uri: String,
    uri_base_id: &'static str,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRegion {
    start_line: u32,
    start_column: u32,
    end_line: u32,
    end_column: u32,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifRelated<'a> {
    id: usize,
    message: SarifTextRef<'a>,
    physical_location: SarifPhysical<SarifStart>,
}

#[derive(serde::Serialize)]
struct SarifTextRef<'a> {
    text: &'a str,
}

#[derive(serde::Serialize)]
#[serde(rename_all = "camelCase")]
struct SarifStart {
    start_line: u32,
    start_column: u32,
}

#[derive(serde::Serialize)]
struct SarifSuppression {
    kind: &'static str,
    justification: String,
}

impl SarifResult<'_> {
    /// The result as compact JSON, the bytes `serde_json::to_writer`
    /// writes for it (see [`FindingOut::write_compact`]).
    fn write_compact(&self, out: &mut Vec<u8>) {
        use crate::json::{push_list, Layout, Object};
        const C: Layout = Layout::Compact;
        // `{"text": …}`
        let text = |out: &mut Vec<u8>, o: &mut Object, name: &'static str, value: &str| {
            o.name(out, name);
            let mut t = Object::open(out, C);
            t.str(out, "text", value);
            t.close(out);
        };
        // `{"artifactLocation": {…}, "region": {…}}`, the region's numbers
        let physical = |out: &mut Vec<u8>, a: &SarifArtifact, region: &[(&'static str, u32)]| {
            let mut p = Object::open(out, C);
            p.name(out, "artifactLocation");
            let mut artifact = Object::open(out, C);
            artifact.str(out, "uri", &a.uri);
            artifact.str(out, "uriBaseId", a.uri_base_id);
            artifact.close(out);
            p.name(out, "region");
            let mut r = Object::open(out, C);
            for &(key, n) in region {
                r.int(out, key, n);
            }
            r.close(out);
            p.close(out);
        };
        let mut o = Object::open(out, C);
        o.str(out, "ruleId", self.rule_id);
        o.int(out, "ruleIndex", self.rule_index);
        o.str(out, "level", self.level);
        text(out, &mut o, "message", &self.message.text);
        o.name(out, "partialFingerprints");
        let mut fingerprints = Object::open(out, C);
        fingerprints.str(out, "cloudwright/v1", &self.partial_fingerprints.v1);
        fingerprints.close(out);
        o.name(out, "properties");
        let mut properties = Object::open(out, C);
        properties.str(out, "resource", self.properties.resource);
        properties.str(out, "root", self.properties.root);
        properties.close(out);
        if let Some(locations) = &self.locations {
            o.name(out, "locations");
            push_list(out, locations, C, |out, location, _| {
                let (p, r) = (
                    &location.physical_location,
                    &location.physical_location.region,
                );
                let mut l = Object::open(out, C);
                l.name(out, "physicalLocation");
                let region = [
                    ("startLine", r.start_line),
                    ("startColumn", r.start_column),
                    ("endLine", r.end_line),
                    ("endColumn", r.end_column),
                ];
                physical(out, &p.artifact_location, &region);
                l.close(out);
            });
        }
        if !self.related_locations.is_empty() {
            o.name(out, "relatedLocations");
            push_list(out, &self.related_locations, C, |out, related, _| {
                let (p, r) = (
                    &related.physical_location,
                    &related.physical_location.region,
                );
                let mut l = Object::open(out, C);
                l.int(out, "id", related.id);
                text(out, &mut l, "message", related.message.text);
                l.name(out, "physicalLocation");
                let region = [("startLine", r.start_line), ("startColumn", r.start_column)];
                physical(out, &p.artifact_location, &region);
                l.close(out);
            });
        }
        if let Some(suppressions) = &self.suppressions {
            o.name(out, "suppressions");
            push_list(out, suppressions, C, |out, suppression, _| {
                let mut s = Object::open(out, C);
                s.str(out, "kind", suppression.kind);
                s.str(out, "justification", &suppression.justification);
                s.close(out);
            });
        }
        o.close(out);
    }
}

fn sarif_result<'a>(
    paths: &CiPaths<'_, '_>,
    rule_index: usize,
    f: &'a Finding,
    suppression: Option<&cloudwright_scan::Suppression>,
) -> SarifResult<'a> {
    let artifact = |uri: String| SarifArtifact {
        uri,
        uri_base_id: "%SRCROOT%",
    };
    SarifResult {
        rule_id: f.rule_id,
        rule_index,
        level: sarif_level(f.severity),
        message: SarifText {
            text: cloudwright_model::text::concat([&f.resource, ": ", &f.message]),
        },
        partial_fingerprints: SarifFingerprints {
            v1: f.fingerprint(),
        },
        properties: SarifProperties {
            resource: &f.resource,
            root: &f.root,
        },
        locations: paths
            .location(&f.span)
            .map(|(file, line, column, end_line, end_column)| {
                [SarifLocation {
                    physical_location: SarifPhysical {
                        artifact_location: artifact(file),
                        region: SarifRegion {
                            start_line: line,
                            start_column: column,
                            end_line: end_line.max(line),
                            end_column: end_column.max(1),
                        },
                    },
                }]
            }),
        related_locations: f
            .related
            .iter()
            .enumerate()
            .map(|(i, r)| SarifRelated {
                id: i,
                message: SarifTextRef { text: &r.message },
                physical_location: SarifPhysical {
                    artifact_location: artifact(paths.path(r.span.file)),
                    region: SarifStart {
                        start_line: r.span.line,
                        start_column: r.span.column,
                    },
                },
            })
            .collect(),
        suppressions: suppression.map(|s| {
            [SarifSuppression {
                kind: "inSource",
                justification: s
                    .reason
                    .clone()
                    .unwrap_or_else(|| format!("{} suppression comment", s.kind.as_str())),
            }]
        }),
    }
}

fn first_paragraph(doc: &str) -> String {
    doc.lines()
        .skip_while(|l| l.trim().is_empty() || l.starts_with('#'))
        .take_while(|l| !l.trim().is_empty())
        .map(str::trim)
        .collect::<Vec<_>>()
        .join(" ")
}

// ---------------------------------------------------------------- JUnit

fn xml_escape(s: &str) -> String {
    s.replace('&', "&amp;")
        .replace('<', "&lt;")
        .replace('>', "&gt;")
        .replace('"', "&quot;")
        .replace('\'', "&apos;")
}

/// A test suite per rule, a test case per resource the rule checked
/// (rule × resource): failing with the finding, or passing.
pub fn to_junit(ctx: &Context<'_>) -> String {
    let mut suites = String::new();
    let (mut total_tests, mut total_failures) = (0usize, 0usize);
    // each rule's findings, gathered in one pass
    let mut by_rule: std::collections::HashMap<&str, Vec<&Finding>> = Default::default();
    for f in &ctx.report.findings {
        by_rule.entry(f.rule_id).or_default().push(f);
    }
    for rule in &ctx.report.rules {
        let findings: &[&Finding] = by_rule.get(rule.id).map_or(&[], Vec::as_slice);
        // the resources with a finding of this rule, for the passing cases
        let failing: std::collections::HashSet<(&str, &str)> = findings
            .iter()
            .map(|f| (f.root.as_str(), f.resource.as_str()))
            .collect();
        let checked: &[usize] = ctx
            .report
            .checked
            .iter()
            .find(|(id, _)| *id == rule.id)
            .map(|(_, c)| c.as_slice())
            .unwrap_or(&[]);
        let mut cases = String::new();
        let mut tests = 0;
        // failing cases: one per finding
        for f in findings {
            let file = location(ctx.graph, &f.span)
                .map(|(file, line, ..)| format!("{file}:{line}"))
                .unwrap_or_default();
            let name = crate::with_root(&f.root, &f.resource);
            let _ = writeln!(
                cases,
                "    <testcase name=\"{}\" classname=\"{}\" file=\"{}\">",
                xml_escape(&name),
                rule.id,
                xml_escape(&file)
            );
            let _ = writeln!(
                cases,
                "      <failure type=\"{}\" message=\"{}\">{}\n{}</failure>",
                f.severity,
                xml_escape(&f.message),
                xml_escape(&file),
                xml_escape(f.remediation)
            );
            let _ = writeln!(cases, "    </testcase>");
            tests += 1;
        }
        // passing cases: checked resources without a finding of this rule
        for &i in checked {
            let r = &ctx.graph.resources[i];
            if failing.contains(&(&*r.root, r.address.as_str())) {
                continue;
            }
            let name = if &*r.root == "." {
                r.address.to_string()
            } else {
                format!("{}: {}", r.root, r.address)
            };
            let _ = writeln!(
                cases,
                "    <testcase name=\"{}\" classname=\"{}\"/>",
                xml_escape(&name),
                rule.id
            );
            tests += 1;
        }
        total_tests += tests;
        total_failures += findings.len();
        let _ = writeln!(
            suites,
            "  <testsuite name=\"{} {}\" tests=\"{tests}\" failures=\"{}\">",
            rule.id,
            xml_escape(rule.title),
            findings.len()
        );
        suites.push_str(&cases);
        let _ = writeln!(suites, "  </testsuite>");
    }
    let mut out = String::from("<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n");
    let _ = writeln!(
        out,
        "<testsuites name=\"cloudwright\" tests=\"{total_tests}\" failures=\"{total_failures}\">"
    );
    out.push_str(&suites);
    out.push_str("</testsuites>\n");
    out
}

// ---------------------------------------------------------------- GitHub

fn gh_escape(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn gh_property(s: &str) -> String {
    gh_escape(s).replace(':', "%3A").replace(',', "%2C")
}

/// `::error file=…,line=…::message` workflow commands.
pub fn to_github(ctx: &Context<'_>) -> String {
    let mut out = String::new();
    let paths = CiPaths::new(ctx);
    // what Terraform would refuse, or Cloudwright could not read, first
    for d in ctx
        .graph
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
    {
        let level = match d.severity {
            Severity::Error => "error",
            _ => "warning",
        };
        let message = match &d.help {
            Some(help) => gh_escape(&format!("{} — {help}", d.message)),
            None => gh_escape(&d.message),
        };
        let title = "Cloudwright configuration";
        annotate(&mut out, &paths, (level, title), &d.span, &message);
    }
    for f in &ctx.report.findings {
        let level = match f.severity {
            FindingSeverity::Critical | FindingSeverity::High => "error",
            FindingSeverity::Medium => "warning",
            _ => "notice",
        };
        let title = gh_property(&format!("{} {}", f.rule_id, f.title));
        let message = gh_escape(&format!(
            "{}: {} — fix: {}",
            f.resource, f.message, f.remediation
        ));
        annotate(&mut out, &paths, (level, &title), &f.span, &message);
    }
    out
}

/// One workflow command: `::LEVEL file=…,line=…,title=TITLE::MESSAGE`
/// (the title and message already escaped).
fn annotate(
    out: &mut String,
    paths: &CiPaths<'_, '_>,
    (level, title): (&str, &str),
    span: &Option<Span>,
    message: &str,
) {
    match paths.location(span) {
        Some((file, line, column, end_line, end_column)) => {
            let _ = writeln!(
                out,
                "::{level} file={},line={line},col={column},endLine={end_line},endColumn={end_column},title={title}::{message}",
                gh_property(&file)
            );
        }
        None => {
            let _ = writeln!(out, "::{level} title={title}::{message}");
        }
    }
}

// ---------------------------------------------------------------- Markdown

/// A pull-request comment: a headline, a table, details per finding.
pub fn to_markdown(ctx: &Context<'_>) -> String {
    let r = ctx.report;
    let mut out = String::from("## Cloudwright scan\n\n");
    // what Terraform would refuse, or Cloudwright could not read, first
    let problems: Vec<&cloudwright_model::Diagnostic> = ctx
        .graph
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .collect();
    if !problems.is_empty() {
        let (errors, warnings, _) = diagnostics::counts(&ctx.graph.diagnostics);
        let _ = writeln!(
            out,
            "{} **Configuration:** {}, {}\n",
            if errors > 0 { "❌" } else { "⚠️" },
            diagnostics::plural(errors, "error"),
            diagnostics::plural(warnings, "warning")
        );
        for d in problems {
            let loc = location(ctx.graph, &d.span)
                .map(|(file, line, ..)| format!(" `{file}:{line}`"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "- {}{loc}: {}",
                d.severity.as_str(),
                md_escape(&d.message)
            );
        }
        out.push('\n');
    }
    if r.findings.is_empty() {
        out.push_str("✅ **No findings.**\n\n");
    } else {
        let counts: Vec<String> = FindingSeverity::ALL
            .iter()
            .filter(|s| r.count(**s) > 0)
            .map(|s| format!("**{}** {s}", r.count(*s)))
            .collect();
        let _ = writeln!(
            out,
            "{} {}\n",
            if r.failing(ctx.fail_on) > 0 {
                "❌"
            } else {
                "⚠️"
            },
            counts.join(" · ")
        );
        out.push_str("| Severity | Rule | Resource | Location |\n|---|---|---|---|\n");
        for f in &r.findings {
            let loc = location(ctx.graph, &f.span)
                .map(|(file, line, ..)| format!("`{file}:{line}`"))
                .unwrap_or_default();
            let _ = writeln!(
                out,
                "| {} | {} {} | `{}` | {} |",
                f.severity,
                f.rule_id,
                md_escape(f.title),
                md_escape(&f.resource),
                loc
            );
        }
        out.push_str("\n<details><summary>Details</summary>\n\n");
        for f in &r.findings {
            let _ = writeln!(
                out,
                "- **{}** `{}`: {}. *Fix:* {}",
                f.rule_id,
                md_escape(&f.resource),
                md_escape(&f.message),
                md_escape(f.remediation)
            );
        }
        out.push_str("\n</details>\n\n");
    }
    if r.tagging.as_ref().is_some_and(|t| t.taggable == 0) {
        out.push_str("**Tagging:** no taggable resources.\n\n");
    } else if let Some(t) = &r.tagging {
        let _ = writeln!(
            out,
            "**Tagging:** {} of {} taggable resources fully tagged ({:.1}%).\n",
            t.fully_tagged,
            t.taggable,
            t.percent()
        );
        out.push_str("| Tag | Resources carrying it |\n|---|---|\n");
        for (k, n) in &t.by_key {
            let _ = writeln!(out, "| `{}` | {n} of {} |", md_escape(k), t.taggable);
        }
        out.push_str("\n| Module | Fully tagged |\n|---|---|\n");
        for (m, total, full) in &t.by_module {
            let _ = writeln!(
                out,
                "| `{}` | {full} of {total} |",
                md_escape(module_name(m))
            );
        }
        out.push('\n');
    }
    let _ = writeln!(out, "<sub>{}</sub>", md_escape(&summary_line(ctx)));
    out
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The report's findings are written by hand: the bytes must be those
    /// serde_json writes for the same record, whatever it holds.
    #[test]
    fn a_finding_is_written_as_serde_json_writes_it() {
        let full = FindingOut {
            rule: "CW-AWS-S3-1",
            aliases: &["CKV_AWS_20", "AVD-AWS-0086"],
            severity: "high",
            title: "S3 bucket \"public\"",
            message: "bucket \\ allows\tpublic\nread \u{1} é 日本",
            resource: "module.net.aws_s3_bucket.b[\"a\"]",
            root: "live/prod",
            resource_type: "aws_s3_bucket",
            attribute: "acl",
            fingerprint: "0123456789abcdef".into(),
            location: Some(LocationOut {
                file: "live/prod/main.tf",
                line: 12,
                column: 3,
                end_line: 4_294_967_295,
                end_column: 0,
            }),
            related: vec![
                RelatedOut {
                    message: "set here",
                    file: "a.tf",
                    line: 1,
                },
                RelatedOut {
                    message: "",
                    file: "b \"c\".tf",
                    line: 2,
                },
            ],
            evidence: vec![
                EvidenceOut {
                    attribute: "acl",
                    value: serde_json::json!({"b": [1, 2.5, null, true], "a": "x\"y"}),
                    provenance: "var.acl (terraform.tfvars)".into(),
                },
                EvidenceOut {
                    attribute: "policy",
                    value: Json::Null,
                    provenance: String::new(),
                },
            ],
            remediation: "Set `acl = \"private\"`.",
        };
        // no aliases, location, related locations or evidence
        let bare = FindingOut {
            aliases: &[],
            ..bare_copy(&full)
        };
        for finding in [&full, &bare] {
            let mut ours = Vec::new();
            finding.write_compact(&mut ours);
            let theirs = serde_json::to_vec(finding).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
        }
    }

    /// SARIF results too, with and without their optional parts.
    #[test]
    fn a_sarif_result_is_written_as_serde_json_writes_it() {
        for full in [true, false] {
            let result = sarif_sample(full);
            let mut ours = Vec::new();
            result.write_compact(&mut ours);
            let theirs = serde_json::to_vec(&result).unwrap();
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
        }
    }

    fn sarif_sample(full: bool) -> SarifResult<'static> {
        let artifact = |uri: &str| SarifArtifact {
            uri: uri.into(),
            uri_base_id: "%SRCROOT%",
        };
        let related = |id: usize, text: &'static str, uri: &str| SarifRelated {
            id,
            message: SarifTextRef { text },
            physical_location: SarifPhysical {
                artifact_location: artifact(uri),
                region: SarifStart {
                    start_line: 5,
                    start_column: 6,
                },
            },
        };
        SarifResult {
            rule_id: "CW-AWS-S3-1",
            rule_index: 17,
            level: "error",
            message: SarifText {
                text: "aws_s3_bucket.b[\"a\"]: bucket\tis \u{1} public é".into(),
            },
            partial_fingerprints: SarifFingerprints {
                v1: "0123456789abcdef".into(),
            },
            properties: SarifProperties {
                resource: "aws_s3_bucket.b[\"a\"]",
                root: "live/prod",
            },
            locations: full.then(|| {
                [SarifLocation {
                    physical_location: SarifPhysical {
                        artifact_location: artifact("live/prod/main.tf"),
                        region: SarifRegion {
                            start_line: 1,
                            start_column: 2,
                            end_line: 3,
                            end_column: 4_294_967_295,
                        },
                    },
                }]
            }),
            related_locations: if full {
                vec![related(0, "here", "a \"b\".tf"), related(1, "", "c.tf")]
            } else {
                Vec::new()
            },
            suppressions: full.then(|| {
                [SarifSuppression {
                    kind: "inSource",
                    justification: "accepted \"risk\"".into(),
                }]
            }),
        }
    }

    fn bare_copy<'a>(f: &FindingOut<'a>) -> FindingOut<'a> {
        FindingOut {
            fingerprint: f.fingerprint.clone(),
            location: None,
            related: Vec::new(),
            evidence: Vec::new(),
            ..*f
        }
    }
}
