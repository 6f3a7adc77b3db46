//! The rule engine.
//!
//! A rule is one small file (`aws/<service>/<rule>.rs`) declared with
//! [`rule!`]: its metadata, its documentation (the doc comment, with the
//! sections *What it checks*, *Why it matters*, *Failing example*, *Passing
//! example*, *How to fix*), and a check function over the model. The
//! registry ([`all`]) lists every rule; `cloudwright rules`, `cloudwright
//! explain` and `docs/rules/` are generated from the same metadata.
//!
//! Rules are three-valued: a resource passes, fails, or cannot be decided
//! because a value is known only after apply. Only a definite failure is a
//! finding; an undecidable check is counted and reported as unknown.

pub mod aws;
pub mod check;
pub mod env;
pub mod envs;
pub mod iac;
pub mod policy;
pub mod provider_version;
pub mod setting;
pub mod tagging;

use cloudwright_model::{Finding, FindingSeverity, Graph};
use rayon::prelude::*;

pub use check::{Context, Report, Tri};

/// Identifiers of the same check in the tools users migrate from, so that
/// their suppressions keep working.
#[derive(Debug, Clone, Copy)]
pub struct Aliases {
    /// `CKV_AWS_20`, `CKV2_AWS_6`
    pub checkov: &'static [&'static str],
    /// Trivy / tfsec: `AVD-AWS-0088`, `AWS-0088`, long id `aws-s3-enable-bucket-encryption`
    pub trivy: &'static [&'static str],
    /// KICS query UUIDs
    pub kics: &'static [&'static str],
}

impl Aliases {
    pub const NONE: Aliases = Aliases {
        checkov: &[],
        trivy: &[],
        kics: &[],
    };

    pub fn all(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.checkov
            .iter()
            .chain(self.trivy.iter())
            .chain(self.kics.iter())
            .copied()
    }
}

/// A rule: metadata, documentation and the check.
pub struct Rule {
    /// `CW-AWS-S3-001`: `CW-<PROVIDER>-<SERVICE>-<NNN>`.
    pub id: &'static str,
    pub title: &'static str,
    pub severity: FindingSeverity,
    /// `encryption`, `network`, `logging`, `iam`, `secrets`, `backup`, `resilience`
    pub category: &'static str,
    /// Resource types the rule inspects.
    pub resource_types: &'static [&'static str],
    pub aliases: Aliases,
    /// The rule's documentation (its doc comment), Markdown.
    pub doc: &'static str,
    /// One line: what to change.
    pub remediation: &'static str,
    pub check: fn(&Context<'_>, &mut Report),
}

impl std::fmt::Debug for Rule {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.id)
    }
}

impl Rule {
    /// True when `name` is this rule's id or one of its aliases
    /// (case-insensitive; Trivy ids also match without their `AVD-` prefix).
    pub fn answers_to(&self, name: &str) -> bool {
        let name = name.trim();
        if name.eq_ignore_ascii_case(self.id) {
            return true;
        }
        self.aliases.all().any(|a| {
            a.eq_ignore_ascii_case(name)
                || a.strip_prefix("AVD-")
                    .is_some_and(|short| short.eq_ignore_ascii_case(name))
        })
    }
}

/// Declares a rule; its doc comment becomes [`Rule::doc`].
#[macro_export]
macro_rules! rule {
    (
        $(#[doc = $doc:literal])*
        pub static $name:ident = {
            id: $id:literal,
            title: $title:literal,
            severity: $severity:ident,
            category: $category:literal,
            resource_types: [$($rt:literal),* $(,)?],
            checkov: [$($ck:literal),* $(,)?],
            trivy: [$($tv:literal),* $(,)?],
            kics: [$($kc:literal),* $(,)?],
            remediation: $remediation:literal,
            check: $check:expr $(,)?
        }
    ) => {
        $(#[doc = $doc])*
        pub static $name: $crate::Rule = $crate::Rule {
            id: $id,
            title: $title,
            severity: cloudwright_model::FindingSeverity::$severity,
            category: $category,
            resource_types: &[$($rt),*],
            aliases: $crate::Aliases {
                checkov: &[$($ck),*],
                trivy: &[$($tv),*],
                kics: &[$($kc),*],
            },
            doc: concat!($($doc, "\n"),*),
            remediation: $remediation,
            check: $check,
        };
    };
}

/// Every rule, in id order.
pub fn all() -> Vec<&'static Rule> {
    registry().to_vec()
}

/// The rules, sorted by id, built once.
fn registry() -> &'static [&'static Rule] {
    static RULES: std::sync::OnceLock<Vec<&'static Rule>> = std::sync::OnceLock::new();
    RULES.get_or_init(|| {
        let mut rules = aws::rules();
        rules.extend(iac::rules());
        rules.sort_by_key(|r| r.id);
        rules
    })
}

/// Finds a rule by id or alias.
pub fn find(name: &str) -> Option<&'static Rule> {
    let rules = registry();
    if let Ok(i) = rules.binary_search_by_key(&name, |r| r.id) {
        return Some(rules[i]);
    }
    rules.iter().copied().find(|r| r.answers_to(name))
}

/// What one run of the rules produced.
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    /// Checks that could not be decided: (rule id, resource, why).
    pub unknown: Vec<(&'static str, String, String)>,
    /// Resources each rule inspected, as indices into `graph.resources`.
    pub checked: Vec<(&'static str, Vec<usize>)>,
}

/// Resource identities (addresses of `Resource`s inside `graph.resources`)
/// as indices into that slice, deduplicated and sorted.
fn to_indices(graph: &Graph, identities: Vec<usize>) -> Vec<usize> {
    let base = graph.resources.as_ptr() as usize;
    let size = std::mem::size_of::<cloudwright_model::Resource>().max(1);
    let mut out: Vec<usize> = identities
        .into_iter()
        .filter_map(|p| {
            let offset = p.checked_sub(base)?;
            let index = offset / size;
            (offset % size == 0 && index < graph.resources.len()).then_some(index)
        })
        .collect();
    out.sort_unstable();
    out.dedup();
    out
}

/// What the configuration tells the rules (`cloudwright.toml`).
#[derive(Clone, Debug)]
pub struct Settings {
    /// The network segmentation policy (`[network]`).
    pub segmentation: cloudwright_network::segment::Policy,
    /// Resource type → the team's shared module for it (`[iac.shared_modules]`).
    pub shared_modules: Vec<(String, String)>,
    /// The tagging policy (`[tags]`).
    pub tags: tagging::TagPolicy,
    /// Root directory pattern → environment name (`[environments]`).
    pub environments: Vec<(String, String)>,
    /// The minimum retention of audit log groups (`[observability]`).
    pub audit_log_retention_days: u32,
    /// The date of the last restore drill, `YYYY-MM-DD` (`[resilience]`).
    pub last_restore_drill: Option<String>,
    /// How old the last drill may be, in days (`[resilience]`).
    pub max_drill_age_days: u32,
    /// Today, `YYYY-MM-DD` (what drill ages are counted against).
    pub today: String,
    /// Declared services and the recovery model (`[resilience]`).
    pub resilience: cloudwright_resilience::Options,
}

impl Default for Settings {
    fn default() -> Self {
        Settings {
            segmentation: Default::default(),
            shared_modules: Vec::new(),
            tags: Default::default(),
            environments: Vec::new(),
            audit_log_retention_days: 365,
            last_restore_drill: None,
            max_drill_age_days: 180,
            today: cloudwright_model::date::today_utc(),
            resilience: Default::default(),
        }
    }
}

/// Runs the given rules over the graph in parallel with the default
/// settings.
pub fn run(graph: &Graph, rules: &[&'static Rule]) -> Outcome {
    run_with(graph, rules, &Settings::default())
}

/// Runs the given rules over the graph in parallel. Output is sorted, so it
/// is the same whatever the thread scheduling.
pub fn run_with(graph: &Graph, rules: &[&'static Rule], settings: &Settings) -> Outcome {
    run_in(&Context::with_settings(graph, settings.clone()), rules)
}

/// [`run_with`] in a context the caller keeps: the engine analyses the
/// rules computed (exposure, IAM, resilience) stay readable afterwards.
pub fn run_in(ctx: &Context<'_>, rules: &[&'static Rule]) -> Outcome {
    let graph = ctx.graph;
    // The rules that read a shared engine analysis (network, IAM,
    // resilience, security-group normalisation) run one after another on
    // one thread, which computes each analysis once; the per-resource rules
    // run on every thread beside them, and take the first thread back when
    // it is done. No thread ever waits for an analysis another computes.
    let run = |rule: &&'static Rule| {
        let mut report = Report::new(rule);
        (rule.check)(ctx, &mut report);
        report
    };
    let (engine, local): (Vec<&'static Rule>, Vec<&'static Rule>) =
        rules.iter().partition(|r| reads_an_engine(r));
    let (mut reports, rest) = rayon::join(
        || engine.iter().map(run).collect::<Vec<Report>>(),
        || local.par_iter().map(run).collect::<Vec<Report>>(),
    );
    reports.extend(rest);
    let mut outcome = Outcome::default();
    for report in reports {
        let rule_id = report.rule.id;
        outcome.findings.extend(report.findings);
        outcome
            .unknown
            .extend(report.unknown.into_iter().map(|(r, why)| (rule_id, r, why)));
        outcome
            .checked
            .push((rule_id, to_indices(graph, report.checked)));
    }
    // a total order (root and message break ties), so the unstable sort — no
    // scratch copy of 100k findings — is deterministic
    outcome.findings.sort_unstable_by(|a, b| {
        (&a.resource, a.rule_id, &a.attribute, &a.message).cmp(&(
            &b.resource,
            b.rule_id,
            &b.attribute,
            &b.message,
        ))
    });
    outcome.unknown.sort();
    outcome
}

/// Whether a rule reads an analysis shared through the context (computed
/// once per run, on the thread that runs these rules).
fn reads_an_engine(rule: &Rule) -> bool {
    [
        "CW-AWS-NET-",
        "CW-AWS-VPC-005",
        "CW-AWS-IAM-013",
        "CW-AWS-IAM-014",
        "CW-AWS-RES-00",
        "CW-AWS-SG-",
    ]
    .iter()
    .any(|p| rule.id.starts_with(p))
}

/// The rule reference (`docs/rules.md`), generated from the rules' metadata.
pub fn reference_markdown() -> String {
    let rules = all();
    let mut out = String::from("# Rule reference\n\nGenerated from the rules' own metadata by `cargo test` (run with\n`CLOUDWRIGHT_UPDATE_DOCS=1` to rewrite it); do not edit by hand.\n\n");
    out.push_str(&format!("{} rules.\n\n| Id | Severity | Category | Title | Checkov | Trivy / tfsec |\n|---|---|---|---|---|---|\n", rules.len()));
    for r in &rules {
        out.push_str(&format!(
            "| [{}](#{}) | {} | {} | {} | {} | {} |\n",
            r.id,
            r.id.to_ascii_lowercase(),
            r.severity,
            r.category,
            r.title,
            r.aliases.checkov.join(", "),
            r.aliases
                .trivy
                .iter()
                .filter(|a| a.starts_with("AVD-"))
                .copied()
                .collect::<Vec<_>>()
                .join(", "),
        ));
    }
    for r in &rules {
        out.push_str(&format!(
            "\n## {}\n\n**{}** · severity {} · category {}",
            r.id, r.title, r.severity, r.category
        ));
        if !r.resource_types.is_empty() {
            out.push_str(&format!(
                " · resources: {}",
                r.resource_types
                    .iter()
                    .map(|t| format!("`{t}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        let aliases: Vec<&str> = r.aliases.all().collect();
        if !aliases.is_empty() {
            out.push_str(&format!(
                "\n\nAliases: {}",
                aliases
                    .iter()
                    .map(|a| format!("`{a}`"))
                    .collect::<Vec<_>>()
                    .join(", ")
            ));
        }
        out.push_str("\n\n");
        // demote the doc's headings under the rule's
        for line in r.doc.lines() {
            let line = line.strip_prefix(' ').unwrap_or(line);
            if let Some(h) = line.strip_prefix("## ") {
                out.push_str(&format!("### {h}\n"));
            } else {
                out.push_str(line);
                out.push('\n');
            }
        }
    }
    out
}
