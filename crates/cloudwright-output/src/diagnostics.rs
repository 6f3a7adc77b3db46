//! Diagnostics as a compiler prints them: the message, the location, the
//! source line with a caret, and what to do.

use cloudwright_model::{Diagnostic, Severity, SourceMap};
use std::fmt::Write;

/// Renders diagnostics at or above `min` severity.
/// A source line longer than this many characters is shown in part:
/// `SHOWN` characters, `SHOWN_BEFORE` of them before the column.
const LONG_LINE: usize = 120;
const SHOWN: usize = 100;
const SHOWN_BEFORE: usize = 40;

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
                // a long line (minified `.tf.json`, a long string) is shown
                // around the column, its cut ends marked
                let chars: Vec<char> = line.chars().collect();
                let column = (span.column.saturating_sub(1) as usize).min(chars.len());
                let (start, end) = if chars.len() <= LONG_LINE {
                    (0, chars.len())
                } else {
                    let start = column.saturating_sub(SHOWN_BEFORE);
                    (start, (start + SHOWN).min(chars.len()))
                };
                let lead = if start > 0 { "…" } else { "" };
                let trail = if end < chars.len() { "…" } else { "" };
                let shown: String = chars[start..end].iter().collect();
                let _ = writeln!(
                    out,
                    "{number} | {lead}{}{trail}",
                    shown.replace('\t', "    ")
                );
                let prefix: String = std::iter::repeat_n(" ", usize::from(start > 0))
                    .chain(
                        chars[start..column]
                            .iter()
                            .map(|&c| if c == '\t' { "    " } else { " " }),
                    )
                    .collect();
                let width = if span.end_line == span.line && span.end_column > span.column {
                    (span.end_column - span.column) as usize
                } else {
                    1
                };
                let width = width.min(end.saturating_sub(column)).clamp(1, 80);
                let _ = writeln!(out, "{pad} | {prefix}{}", "^".repeat(width));
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

#[cfg(test)]
mod tests {
    use super::*;
    use cloudwright_model::SourceFile;

    /// A long line (minified `.tf.json`) is shown around the column, its
    /// cut ends marked, the caret under the column.
    #[test]
    fn a_long_line_is_shown_around_the_column() {
        let line = format!("{}BAD{}", "a".repeat(300), "b".repeat(300));
        let mut sources = SourceMap::default();
        let file = SourceFile::new("x.tf.json".into(), "x.tf.json".into(), line.as_str().into());
        let id = sources.add(file);
        let span = sources.get(id).span(id, 300, 303);
        let d = Diagnostic::error("bad").at(span);
        let text = render_text(&[d], &sources, Severity::Info);
        let shown = format!("{}BAD{}", "a".repeat(40), "b".repeat(57));
        let caret = format!("{}^^^", " ".repeat(41));
        assert_eq!(
            text,
            format!("error: bad\n  --> x.tf.json:1:301\n  |\n1 | …{shown}…\n  | {caret}\n\n")
        );
        // a short line is shown whole
        let mut sources = SourceMap::default();
        let id = sources.add(SourceFile::new(
            "a.tf".into(),
            "a.tf".into(),
            "x = oops\n".into(),
        ));
        let span = sources.get(id).span(id, 4, 8);
        let text = render_text(
            &[Diagnostic::error("bad").at(span)],
            &sources,
            Severity::Info,
        );
        assert_eq!(
            text,
            "error: bad\n  --> a.tf:1:5\n  |\n1 | x = oops\n  |     ^^^^\n\n"
        );
    }
}
