//! The scan pipeline: select rules, run them over the model, apply
//! suppressions, and hand a [`ScanReport`] to the renderers.

pub mod baseline;
pub mod config;

pub use cloudwright_rules::envs::Comparison as EnvComparison;
pub use cloudwright_rules::tagging::Coverage as TagCoverage;
pub mod suppress;

use cloudwright_model::{Diagnostic, Finding, FindingSeverity, Graph};
use cloudwright_rules::Rule;
pub use suppress::{Suppression, SuppressionKind};

/// Which rules run and which findings count.
#[derive(Debug, Clone)]
pub struct ScanOptions {
    /// Only these rules (ids, aliases or `*` globs); empty means all.
    pub only: Vec<String>,
    /// Never these rules (ids, aliases or globs).
    pub skip: Vec<String>,
    /// Findings below this severity are not reported.
    pub min_severity: FindingSeverity,
    /// Honour inline suppression comments.
    pub inline_suppressions: bool,
    /// Today's date (`YYYY-MM-DD`), for suppression expiry.
    pub today: String,
    /// Rule (id, alias or glob) → severity, from the config file.
    pub severity_overrides: Vec<(String, FindingSeverity)>,
    /// Path-scoped ignores from the config file.
    pub ignores: Vec<config::IgnoreEntry>,
    /// Fingerprints of findings that are already known (`--baseline`).
    pub baseline: Option<std::collections::HashSet<String>>,
    /// What the rules read from the config file.
    pub settings: cloudwright_rules::Settings,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            only: Vec::new(),
            skip: Vec::new(),
            min_severity: FindingSeverity::Info,
            inline_suppressions: true,
            today: today_utc(),
            severity_overrides: Vec::new(),
            ignores: Vec::new(),
            baseline: None,
            settings: cloudwright_rules::Settings::default(),
        }
    }
}

/// Rule metadata the renderers need.
#[derive(Debug, Clone)]
pub struct RuleInfo {
    pub id: &'static str,
    pub title: &'static str,
    pub severity: FindingSeverity,
    pub category: &'static str,
    pub aliases: Vec<&'static str>,
    pub doc: &'static str,
    pub remediation: &'static str,
}

impl From<&'static Rule> for RuleInfo {
    fn from(r: &'static Rule) -> Self {
        RuleInfo {
            id: r.id,
            title: r.title,
            severity: r.severity,
            category: r.category,
            aliases: r.aliases.all().collect(),
            doc: r.doc,
            remediation: r.remediation,
        }
    }
}

/// Everything a scan found, ready to render.
#[derive(Debug)]
pub struct ScanReport {
    pub findings: Vec<Finding>,
    pub suppressed: Vec<(Finding, Suppression)>,
    /// Checks that could not be decided: (rule, resource, why).
    pub unknown: Vec<(&'static str, String, String)>,
    /// The rules that ran.
    pub rules: Vec<RuleInfo>,
    /// Resources inspected by at least one rule.
    pub resources_checked: usize,
    /// Per rule, the resources it inspected (indices into `graph.resources`).
    pub checked: Vec<(&'static str, Vec<usize>)>,
    /// Problems with suppressions (expired, unused, malformed).
    pub warnings: Vec<Diagnostic>,
    /// Findings left out because the baseline already holds them.
    pub baselined: usize,
    /// Tagging coverage, when the tagging rule ran.
    pub tagging: Option<cloudwright_rules::tagging::Coverage>,
}

impl ScanReport {
    pub fn count(&self, severity: FindingSeverity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity == severity)
            .count()
    }

    /// Findings at or above `threshold`.
    pub fn failing(&self, threshold: FindingSeverity) -> usize {
        self.findings
            .iter()
            .filter(|f| f.severity >= threshold)
            .count()
    }

    pub fn rule(&self, id: &str) -> Option<&RuleInfo> {
        self.rules.iter().find(|r| r.id == id)
    }
}

/// Does `pattern` (an id, an alias, or a glob with `*`) select `rule`?
pub fn selects(pattern: &str, rule: &Rule) -> bool {
    if pattern.contains('*') {
        return cloudwright_model::glob::glob(
            &pattern.to_ascii_uppercase(),
            &rule.id.to_ascii_uppercase(),
        ) || rule.aliases.all().any(|a| {
            cloudwright_model::glob::glob(&pattern.to_ascii_uppercase(), &a.to_ascii_uppercase())
        });
    }
    rule.answers_to(pattern)
}

/// The rules `options` select; an unknown name in `only`/`skip` is an error.
pub fn select_rules(options: &ScanOptions) -> Result<Vec<&'static Rule>, String> {
    let all = cloudwright_rules::all();
    for name in options.only.iter().chain(options.skip.iter()) {
        if !all.iter().any(|r| selects(name, r)) {
            return Err(format!(
                "no rule matches {name:?} (see `cloudwright rules`)"
            ));
        }
    }
    Ok(all
        .into_iter()
        .filter(|r| options.only.is_empty() || options.only.iter().any(|p| selects(p, r)))
        .filter(|r| !options.skip.iter().any(|p| selects(p, r)))
        .collect())
}

/// Whether the baseline holds a finding: by its fingerprint, or by the one
/// it had before the configuration's `moved` blocks renamed its resource.
fn baselined_as(
    f: &Finding,
    known: &std::collections::HashSet<String>,
    moves: &std::collections::BTreeMap<String, Vec<cloudwright_model::Move>>,
) -> bool {
    if known.contains(&f.fingerprint()) {
        return true;
    }
    let Some(moves) = moves.get(f.root.as_str()) else {
        return false;
    };
    cloudwright_model::earlier_addresses(moves, &f.resource)
        .into_iter()
        .any(|earlier| {
            let mut before = f.clone();
            before.resource = earlier;
            known.contains(&before.fingerprint())
        })
}

/// Runs the selected rules and applies suppressions.
pub fn scan(graph: &Graph, rules: &[&'static Rule], options: &ScanOptions) -> ScanReport {
    let ctx = cloudwright_rules::check::Context::with_settings(graph, options.settings.clone());
    scan_in(&ctx, rules, options)
}

/// [`scan`] in a context the caller keeps, so the engine analyses the
/// rules computed can be read afterwards (the review reads them).
pub fn scan_in(
    ctx: &cloudwright_rules::check::Context<'_>,
    rules: &[&'static Rule],
    options: &ScanOptions,
) -> ScanReport {
    let graph = ctx.graph;
    // suppression comments are read while the rules run
    let (outcome, directives) = rayon::join(
        || cloudwright_rules::run_in(ctx, rules),
        || {
            if options.inline_suppressions {
                suppress::directives(graph)
            } else {
                Default::default()
            }
        },
    );
    // the coverage summary, from the tagging analysis the required-tags
    // rule read
    let tagging = rules
        .iter()
        .any(|r| r.id == "CW-TF-TAG-001")
        .then(|| ctx.tagging().coverage.clone());
    // a flag per resource: the rules check millions of (rule, resource)
    // pairs on a large tree, too many for a hash set
    let mut checked = vec![false; graph.resources.len()];
    for i in outcome.checked.iter().flat_map(|(_, r)| r.iter().copied()) {
        if let Some(flag) = checked.get_mut(i) {
            *flag = true;
        }
    }
    let checked_by_rule = outcome.checked;
    let mut findings: Vec<Finding> = outcome.findings;
    if !options.severity_overrides.is_empty() {
        for f in &mut findings {
            if let Some(rule) = cloudwright_rules::find(f.rule_id) {
                if let Some((_, s)) = options
                    .severity_overrides
                    .iter()
                    .find(|(p, _)| selects(p, rule))
                {
                    f.severity = *s;
                }
            }
        }
    }
    findings.retain(|f| f.severity >= options.min_severity);
    let mut applied = suppress::apply_with(graph, findings, options, directives);
    let mut baselined = 0;
    if let Some(known) = &options.baseline {
        let before = applied.active.len();
        let moves = graph.moves();
        applied.active.retain(|f| !baselined_as(f, known, &moves));
        baselined = before - applied.active.len();
    }
    ScanReport {
        findings: applied.active,
        suppressed: applied.suppressed,
        unknown: outcome.unknown,
        rules: rules.iter().map(|r| RuleInfo::from(*r)).collect(),
        resources_checked: checked.iter().filter(|c| **c).count(),
        checked: checked_by_rule,
        warnings: applied.warnings,
        baselined,
        tagging,
    }
}

pub use cloudwright_model::date::today_utc;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn globs_and_aliases_select_rules() {
        let rule = cloudwright_rules::find("CW-AWS-S3-001").unwrap();
        assert!(selects("CW-AWS-S3-*", rule));
        assert!(selects("cw-aws-s3-001", rule));
        assert!(selects("CKV2_AWS_6", rule));
        assert!(selects("AWS-0094", rule));
        assert!(selects("aws-s3-specify-public-access-block", rule));
        assert!(!selects("CW-AWS-RDS-*", rule));
    }

    #[test]
    fn unknown_rule_names_are_errors() {
        let options = ScanOptions {
            only: vec!["CW-NOPE-1".into()],
            ..Default::default()
        };
        assert!(select_rules(&options).is_err());
    }
}
