//! Inline suppressions: Cloudwright's own comment and the forms users already
//! have in their code from Checkov, tfsec/Trivy and KICS, matched through
//! rule aliases. A suppressed finding is kept (and counted, and listed on
//! request), never dropped; an expired suppression stops suppressing and
//! says so; a suppression that matches nothing is a warning.
//!
//! | form | scope |
//! |---|---|
//! | `# cloudwright:ignore RULE[,RULE] [reason] [exp:YYYY-MM-DD]` | the block it is in, or the block right below it |
//! | `#checkov:skip=ID:reason` | the block it is in, or the block right below it |
//! | `#tfsec:ignore:ID[:exp:YYYY-MM-DD]`, `#trivy:ignore:ID[:exp:…]` | the line below (or the same line), or the block right below |
//! | `# kics-scan ignore-line` | the line below |
//! | `# kics-scan ignore-block` | the block right below |
//! | `# kics-scan disable=UUID[,UUID]`, `# kics-scan ignore` | the whole file |

use crate::ScanOptions;
use cloudwright_model::{Diagnostic, FileId, Finding, Graph, Severity, Span};
use std::collections::HashMap;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SuppressionKind {
    Cloudwright,
    Checkov,
    Tfsec,
    Trivy,
    Kics,
    /// An `[[ignore]]` entry of `cloudwright.toml`.
    Config,
}

impl SuppressionKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SuppressionKind::Cloudwright => "cloudwright",
            SuppressionKind::Checkov => "checkov",
            SuppressionKind::Tfsec => "tfsec",
            SuppressionKind::Trivy => "trivy",
            SuppressionKind::Kics => "kics",
            SuppressionKind::Config => "config",
        }
    }
}

/// Why a finding is suppressed.
#[derive(Debug, Clone)]
pub struct Suppression {
    pub kind: SuppressionKind,
    pub reason: Option<String>,
    pub expires: Option<String>,
    /// The comment (none for config-file ignores).
    pub span: Option<Span>,
}

#[derive(Debug, Clone, Copy, PartialEq)]
enum Scope {
    /// inside the block, or on the line right above it
    Block,
    /// the next line (or the same line), or the block right below
    Line,
    /// the next line only
    NextLine,
    /// the block right below only
    NextBlock,
    File,
}

/// One suppression comment.
#[derive(Debug, Clone)]
pub struct Directive {
    kind: SuppressionKind,
    /// Rule ids or aliases; empty means every rule.
    rules: Vec<String>,
    reason: Option<String>,
    expires: Option<String>,
    scope: Scope,
    line: u32,
    span: Span,
    used: bool,
}

pub struct Applied {
    pub active: Vec<Finding>,
    pub suppressed: Vec<(Finding, crate::Suppression)>,
    pub warnings: Vec<Diagnostic>,
}

/// The comment text of a line (after `#` or `//`), if any.
fn comment(line: &str) -> Option<(usize, &str)> {
    // good enough for directives: a `#` or `//` not inside a string
    let mut in_string = false;
    let bytes = line.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'"' if i == 0 || bytes[i - 1] != b'\\' => in_string = !in_string,
            b'#' if !in_string => return Some((i, line[i + 1..].trim())),
            b'/' if !in_string && bytes.get(i + 1) == Some(&b'/') => {
                return Some((i, line[i + 2..].trim()))
            }
            _ => {}
        }
        i += 1;
    }
    None
}

/// Takes an `exp:YYYY-MM-DD` (or `:exp:YYYY-MM-DD`) out of a directive,
/// keeping the text on both sides of it.
fn split_expiry(s: &str) -> (String, Option<String>) {
    match s.find("exp:") {
        Some(i) => {
            let after = &s[i + 4..];
            let end = after.char_indices().nth(10).map_or(after.len(), |(j, _)| j);
            let date = after[..end].to_string();
            let before = s[..i].trim_end_matches(':').trim();
            let rest = after[end..].trim();
            let text = match (before.is_empty(), rest.is_empty()) {
                (_, true) => before.to_string(),
                (true, false) => rest.to_string(),
                (false, false) => format!("{before} {rest}"),
            };
            (text, Some(date))
        }
        None => (s.trim().to_string(), None),
    }
}

fn parse_directives(
    text: &str,
    file: FileId,
    source: &cloudwright_model::SourceFile,
) -> Vec<Directive> {
    let mut out = Vec::new();
    let mut offset = 0u32;
    for (index, line) in text.split('\n').enumerate() {
        let line_no = index as u32 + 1;
        let line_start = offset;
        offset += line.len() as u32 + 1;
        let Some((col, c)) = comment(line) else {
            continue;
        };
        let span = source.span(
            file,
            line_start + col as u32,
            line_start + line.trim_end().len() as u32,
        );
        let mut push =
            |kind, rules: Vec<String>, reason: Option<String>, expires: Option<String>, scope| {
                out.push(Directive {
                    kind,
                    rules,
                    reason,
                    expires,
                    scope,
                    line: line_no,
                    span,
                    used: false,
                });
            };
        if let Some(rest) = c.strip_prefix("cloudwright:ignore") {
            let (rest, expires) = split_expiry(rest);
            let mut words = rest
                .trim_start_matches(['=', ' '])
                .splitn(2, char::is_whitespace);
            let rules: Vec<String> = words
                .next()
                .unwrap_or("")
                .split(',')
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string)
                .collect();
            let reason = words
                .next()
                .map(str::trim)
                .filter(|s| !s.is_empty())
                .map(str::to_string);
            push(
                SuppressionKind::Cloudwright,
                rules,
                reason,
                expires,
                Scope::Block,
            );
        } else if let Some(rest) = c.strip_prefix("checkov:skip=") {
            let (id, reason) = match rest.split_once(':') {
                Some((id, reason)) => (id.trim(), Some(reason.trim().to_string())),
                None => (rest.trim(), None),
            };
            push(
                SuppressionKind::Checkov,
                vec![id.to_string()],
                reason,
                None,
                Scope::Block,
            );
        } else if c.starts_with("tfsec:ignore:") || c.starts_with("trivy:ignore:") {
            // several may share a line: `#tfsec:ignore:a #tfsec:ignore:b`
            for part in c.split('#').map(str::trim).filter(|p| !p.is_empty()) {
                let (kind, rest) = if let Some(r) = part.strip_prefix("tfsec:ignore:") {
                    (SuppressionKind::Tfsec, r)
                } else if let Some(r) = part.strip_prefix("trivy:ignore:") {
                    (SuppressionKind::Trivy, r)
                } else {
                    continue;
                };
                let (id, expires) = split_expiry(rest.split_whitespace().next().unwrap_or(""));
                push(kind, vec![id], None, expires, Scope::Line);
            }
        } else if let Some(rest) = c.strip_prefix("kics-scan") {
            let rest = rest.trim();
            if rest == "ignore-line" {
                push(SuppressionKind::Kics, vec![], None, None, Scope::NextLine);
            } else if rest == "ignore-block" {
                push(SuppressionKind::Kics, vec![], None, None, Scope::NextBlock);
            } else if rest == "ignore" {
                push(SuppressionKind::Kics, vec![], None, None, Scope::File);
            } else if let Some(ids) = rest.strip_prefix("disable=") {
                let ids = ids
                    .split(',')
                    .map(|s| s.trim().to_string())
                    .filter(|s| !s.is_empty())
                    .collect();
                push(SuppressionKind::Kics, ids, None, None, Scope::File);
            }
        }
    }
    out
}

/// Does the directive cover a finding whose resource block spans
/// `block` and whose primary line is `line`?
fn covers(d: &Directive, block: Option<(u32, u32)>, line: u32) -> bool {
    let above_block = block.is_some_and(|(start, _)| d.line + 1 == start);
    match d.scope {
        Scope::File => true,
        Scope::Block => {
            above_block || block.is_some_and(|(start, end)| d.line >= start && d.line <= end)
        }
        Scope::Line => d.line + 1 == line || d.line == line || above_block,
        Scope::NextLine => d.line + 1 == line,
        Scope::NextBlock => above_block,
    }
}

fn matches_rule(d: &Directive, finding: &Finding) -> bool {
    if d.rules.is_empty()
        || d.rules
            .iter()
            .any(|r| r == "*" || r.eq_ignore_ascii_case("all"))
    {
        return true;
    }
    let Some(rule) = cloudwright_rules::find(finding.rule_id) else {
        return false;
    };
    d.rules.iter().any(|r| rule.answers_to(r))
}

/// Applies the config file's path-scoped ignores.
fn apply_config(
    graph: &Graph,
    findings: Vec<Finding>,
    options: &ScanOptions,
    applied: &mut Applied,
) -> Vec<Finding> {
    if options.ignores.is_empty() {
        return findings;
    }
    let compile = |globs: &[String]| {
        let mut b = globset::GlobSetBuilder::new();
        for g in globs {
            if let Ok(g) = globset::Glob::new(g) {
                b.add(g);
            }
        }
        b.build().unwrap_or_else(|_| globset::GlobSet::empty())
    };
    let entries: Vec<(
        &crate::config::IgnoreEntry,
        globset::GlobSet,
        globset::GlobSet,
        bool,
    )> = options
        .ignores
        .iter()
        .map(|e| {
            let expired = e
                .expires
                .as_deref()
                .is_some_and(|d| d < options.today.as_str());
            (e, compile(&e.paths), compile(&e.resources), expired)
        })
        .collect();
    let mut expired_used = vec![false; entries.len()];
    let mut kept = Vec::new();
    'findings: for f in findings {
        let file = f
            .span
            .map(|s| graph.sources.get(s.file).display_path.clone())
            .unwrap_or_default();
        for (i, (entry, paths, resources, expired)) in entries.iter().enumerate() {
            let rule_ok = entry.rules.is_empty()
                || cloudwright_rules::find(f.rule_id)
                    .is_some_and(|r| entry.rules.iter().any(|p| crate::selects(p, r)));
            let path_ok = entry.paths.is_empty() || paths.is_match(&file);
            let resource_ok = entry.resources.is_empty() || resources.is_match(&f.resource);
            if rule_ok && path_ok && resource_ok {
                if *expired {
                    expired_used[i] = true;
                    continue;
                }
                let s = crate::Suppression {
                    kind: SuppressionKind::Config,
                    reason: Some(entry.reason.clone()),
                    expires: entry.expires.clone(),
                    span: None,
                };
                applied.suppressed.push((f, s));
                continue 'findings;
            }
        }
        kept.push(f);
    }
    for (i, used) in expired_used.iter().enumerate() {
        if *used {
            let e = entries[i].0;
            applied.warnings.push(Diagnostic::warning(format!(
                "the config ignore \"{}\" expired on {}; its findings are reported again",
                e.reason,
                e.expires.as_deref().unwrap_or_default()
            )));
        }
    }
    kept
}

/// The suppression comments of every file, by file (read once; the scan
/// reads them while the rules run).
pub type Directives = HashMap<FileId, Vec<Directive>>;

pub fn directives(graph: &Graph) -> Directives {
    let mut out: Directives = HashMap::new();
    // every directive holds one of these words: files without any (nearly
    // all) are passed over at the speed of a substring search instead of
    // being read line by line
    let markers = ["ignore", "skip=", "kics-scan"].map(memchr::memmem::Finder::new);
    for (id, file) in graph.sources.files() {
        let text = file.text.as_bytes();
        if !markers.iter().any(|m| m.find(text).is_some()) {
            continue;
        }
        let ds = parse_directives(&file.text, id, file);
        if !ds.is_empty() {
            out.insert(id, ds);
        }
    }
    out
}

pub fn apply(graph: &Graph, findings: Vec<Finding>, options: &ScanOptions) -> Applied {
    let read = if options.inline_suppressions {
        directives(graph)
    } else {
        HashMap::new()
    };
    apply_with(graph, findings, options, read)
}

/// [`apply`] with the suppression comments already read.
pub fn apply_with(
    graph: &Graph,
    findings: Vec<Finding>,
    options: &ScanOptions,
    mut directives: Directives,
) -> Applied {
    let mut applied = Applied {
        active: Vec::new(),
        suppressed: Vec::new(),
        warnings: Vec::new(),
    };
    let findings = apply_config(graph, findings, options, &mut applied);
    if !options.inline_suppressions || directives.is_empty() {
        // nothing to match: the findings stay where they are
        applied.active = findings;
        return applied;
    }
    let mut expired_seen: Vec<Span> = Vec::new();
    for finding in findings {
        let Some(span) = finding.span else {
            applied.active.push(finding);
            continue;
        };
        let mut suppression = None;
        if let Some(list) = directives.get_mut(&span.file) {
            // the resource's block, looked up only where the file has
            // suppression comments at all
            let block = graph
                .resource_in(&finding.root, &finding.resource)
                .and_then(|r| r.span)
                .filter(|b| b.file == span.file)
                .map(|b| (b.line, b.end_line));
            for d in list.iter_mut() {
                if !covers(d, block, span.line) || !matches_rule(d, &finding) {
                    continue;
                }
                if let Some(exp) = &d.expires {
                    if exp.as_str() < options.today.as_str() {
                        if !expired_seen.contains(&d.span) {
                            expired_seen.push(d.span);
                            applied.warnings.push(
                                Diagnostic::warning(format!("suppression expired on {exp}; the finding is reported again"))
                                    .at(d.span)
                                    .help("fix the finding, or renew the suppression with a new exp: date"),
                            );
                        }
                        d.used = true;
                        continue;
                    }
                }
                d.used = true;
                suppression = Some(crate::Suppression {
                    kind: d.kind,
                    reason: d.reason.clone(),
                    expires: d.expires.clone(),
                    span: Some(d.span),
                });
                break;
            }
        }
        match suppression {
            Some(s) => applied.suppressed.push((finding, s)),
            None => applied.active.push(finding),
        }
    }
    let known_rules = cloudwright_rules::all();
    for d in directives.values().flatten().filter(|d| !d.used) {
        let maps_to_rule = d.rules.is_empty()
            || d.rules
                .iter()
                .any(|r| known_rules.iter().any(|k| k.answers_to(r)));
        if d.kind == SuppressionKind::Cloudwright && !maps_to_rule {
            applied.warnings.push(
                Diagnostic::warning(format!(
                    "`cloudwright:ignore` names no known rule ({})",
                    d.rules.join(", ")
                ))
                .at(d.span),
            );
        } else if maps_to_rule {
            applied.warnings.push(
                Diagnostic::warning(format!(
                    "{} suppression matches no finding",
                    d.kind.as_str()
                ))
                .at(d.span)
                .help("remove it, or check that it sits in or right above the block it is for"),
            );
        } else {
            applied.warnings.push(
                Diagnostic::new(
                    Severity::Info,
                    format!(
                        "{} suppression of {} has no Cloudwright equivalent yet",
                        d.kind.as_str(),
                        d.rules.join(", ")
                    ),
                )
                .at(d.span),
            );
        }
    }
    applied.warnings.sort_by_key(|w| w.sort_key(&graph.sources));
    applied
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_outside_strings() {
        assert_eq!(comment("  x = \"a#b\" # note").map(|c| c.1), Some("note"));
        assert_eq!(
            comment("// tfsec:ignore:x").map(|c| c.1),
            Some("tfsec:ignore:x")
        );
        assert_eq!(comment("x = 1"), None);
    }

    #[test]
    fn expiry_suffixes() {
        assert_eq!(
            split_expiry("aws-s3-x:exp:2025-01-31"),
            ("aws-s3-x".to_string(), Some("2025-01-31".to_string()))
        );
        assert_eq!(
            split_expiry(" CW-1 reason here exp:2030-12-01"),
            (
                "CW-1 reason here".to_string(),
                Some("2030-12-01".to_string())
            )
        );
    }
}
