//! Diagnostics as a compiler prints them: the message, the location, the
//! source line with a caret, and what to do.

use cloudwright_model::{Diagnostic, Severity, SourceMap};
use std::fmt::Write;

/// Renders diagnostics at or above `min` severity.
pub fn render_text(diagnostics: &[Diagnostic], sources: &SourceMap, min: Severity) -> String {
    let mut out = String::new();
    for d in diagnostics.iter().filter(|d| d.severity <= min) {
        let _ = writeln!(out, "{}: {}", d.severity.as_str(), d.message);
        match &d.span {
            Some(span) => {
                let file = sources.get(span.file);
                let _ = writeln!(
                    out,
                    "  --> {}:{}:{}",
                    file.display_path, span.line, span.column
                );
                let line = file.line_text(span.line);
                let number = span.line.to_string();
                let pad = " ".repeat(number.len());
                let _ = writeln!(out, "{pad} |");
                let _ = writeln!(out, "{number} | {}", line.replace('\t', "    "));
                let prefix: String = line
                    .chars()
                    .take(span.column.saturating_sub(1) as usize)
                    .map(|c| if c == '\t' { "    " } else { " " })
                    .collect();
                let width = if span.end_line == span.line && span.end_column > span.column {
                    (span.end_column - span.column) as usize
                } else {
                    1
                };
                let _ = writeln!(out, "{pad} | {prefix}{}", "^".repeat(width.min(80)));
            }
            None => {
                if let Some(p) = &d.path {
                    let _ = writeln!(out, "  --> {p}");
                }
            }
        }
        if let Some(help) = &d.help {
            let _ = writeln!(out, "  = help: {help}");
        }
        out.push('\n');
    }
    out
}

/// Diagnostics as JSON objects: `{"severity", "message", "file", "line", "column", "help"}`.
pub fn to_json(diagnostics: &[Diagnostic], sources: &SourceMap) -> serde_json::Value {
    serde_json::Value::Array(
        diagnostics
            .iter()
            .map(|d| {
                let (file, line, column) = d.position(sources);
                let mut m = serde_json::Map::new();
                m.insert("severity".into(), d.severity.as_str().into());
                m.insert("message".into(), d.message.clone().into());
                m.insert("file".into(), file.into());
                m.insert("line".into(), line.into());
                m.insert("column".into(), column.into());
                if let Some(h) = &d.help {
                    m.insert("help".into(), h.clone().into());
                }
                serde_json::Value::Object(m)
            })
            .collect(),
    )
}

/// `3 errors, 1 warning` style counts.
pub fn counts(diagnostics: &[Diagnostic]) -> (usize, usize, usize) {
    let count = |s: Severity| diagnostics.iter().filter(|d| d.severity == s).count();
    (
        count(Severity::Error),
        count(Severity::Warning),
        count(Severity::Info),
    )
}

pub fn plural(n: usize, word: &str) -> String {
    if n == 1 {
        format!("{n} {word}")
    } else {
        format!("{n} {word}s")
    }
}
