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
    let run = |rule: &&'static Rule| {
        let mut report = Report::new(rule);
        (rule.check)(ctx, &mut report);
        report
    };
    // The shared engine analyses (network, IAM, resilience, security-group
    // normalisation) are computed first, each as a task of its own, while
    // the per-resource rules run beside them; the rules that read an
    // analysis run once it is there, so no thread waits for an analysis
    // another thread is computing.
    let (engine, local): (Vec<&'static Rule>, Vec<&'static Rule>) = rules
        .iter()
        .partition(|r| !check::Analysis::read_by(r).is_empty());
    let (mut reports, rest) = rayon::join(
        || {
            ctx.prepare(&engine);
            engine.par_iter().map(run).collect::<Vec<Report>>()
        },
        || local.par_iter().map(run).collect::<Vec<Report>>(),
    );
    reports.extend(rest);
    let mut outcome = Outcome {
        findings: merge(&mut reports),
        ..Default::default()
    };
    for report in reports {
        let rule_id = report.rule.id;
        outcome
            .unknown
            .extend(report.unknown.into_iter().map(|(r, why)| (rule_id, r, why)));
        outcome
            .checked
            .push((rule_id, to_indices(graph, report.checked)));
    }
    outcome.unknown.sort();
    outcome
}

/// The findings of all reports in one list, sorted; each finding moves
/// once, from its report's slot to its place in the list.
fn merge(reports: &mut [Report]) -> Vec<Finding> {
    let mut slots: Vec<&mut Option<Finding>> =
        Vec::with_capacity(reports.iter().map(|r| r.findings.len()).sum());
    slots.extend(reports.iter_mut().flat_map(|r| r.findings.slots_mut()));
    let order = sorted_order(&slots);
    let mut merged = Vec::with_capacity(order.len());
    merged.extend(order.into_iter().filter_map(|i| slots[i].take()));
    merged
}

/// The order of findings by resource, rule, attribute, root and message: a
/// total order, so the result is the same whatever order the rules ran in.
///
/// On a large tree this is 100k+ findings whose addresses share long
/// prefixes and repeat across root modules. So addresses, rules,
/// attributes and roots are ranked once each (there are few distinct
/// values) and the order is found on those small integers, in parallel;
/// messages are compared only to break the remaining ties.
fn sorted_order(slots: &[&mut Option<Finding>]) -> Vec<usize> {
    // each value's rank among the distinct values, in the slots' order
    fn ranks<'a>(values: impl Iterator<Item = &'a str>) -> Vec<u32> {
        let mut ids: foldhash::HashMap<&str, u32> = Default::default();
        let mut distinct: Vec<&str> = Vec::new();
        let first_seen: Vec<u32> = values
            .map(|v| {
                *ids.entry(v).or_insert_with(|| {
                    distinct.push(v);
                    (distinct.len() - 1) as u32
                })
            })
            .collect();
        let mut sorted: Vec<u32> = (0..distinct.len() as u32).collect();
        sorted.sort_unstable_by_key(|&id| distinct[id as usize]);
        let mut rank = vec![0u32; distinct.len()];
        for (r, &id) in (0u32..).zip(&sorted) {
            rank[id as usize] = r;
        }
        first_seen.into_iter().map(|id| rank[id as usize]).collect()
    }
    let mut findings: Vec<&Finding> = Vec::with_capacity(slots.len());
    findings.extend(slots.iter().filter_map(|s| s.as_ref()));
    let of = |field: fn(&Finding) -> &str| ranks(findings.iter().map(|f| field(f)));
    let ((address, rule), (attribute, root)) = rayon::join(
        || rayon::join(|| of(|f| &f.resource), || of(|f| f.rule_id)),
        || rayon::join(|| of(|f| &f.attribute), || of(|f| &f.root)),
    );
    let mut order: Vec<([u32; 4], usize)> = (0..findings.len())
        .map(|i| ([address[i], rule[i], attribute[i], root[i]], i))
        .collect();
    order.par_sort_unstable_by(|a, b| {
        a.0.cmp(&b.0)
            .then_with(|| findings[a.1].message.cmp(&findings[b.1].message))
    });
    order.into_iter().map(|(_, i)| i).collect()
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

#[cfg(test)]
mod tests {
    use super::*;

    /// Findings of two rules over resources repeated across roots come out
    /// in the order a plain sort on the whole key gives.
    #[test]
    fn merged_findings_are_sorted_on_the_whole_key() {
        let rules = all();
        let mut reports: Vec<Report> = rules[..2].iter().map(|r| Report::new(r)).collect();
        for n in 0..3000u32 {
            let report = &mut reports[(n % 2) as usize];
            let finding = report.findings.push(cloudwright_model::FindingData {
                rule_id: report.rule.id,
                severity: report.rule.severity,
                title: report.rule.title,
                message: format!("message {}", n % 3).into(),
                resource: format!("module.m[{}].aws_s3_bucket.b", (n * 7919) % 13),
                root: format!("live/team-{}", (n * 104_729) % 5).into(),
                resource_type: "aws_s3_bucket".into(),
                attribute: if n % 4 == 0 {
                    "acl".into()
                } else {
                    Default::default()
                },
                span: None,
                related: Vec::new(),
                evidence: Vec::new(),
                remediation: "",
            });
            finding.message = format!("{} #{n}", finding.message).into();
        }
        let merged = merge(&mut reports);
        let key = |f: &Finding| {
            (
                f.resource.clone(),
                f.rule_id,
                f.attribute.clone(),
                f.root.clone(),
                f.message.clone(),
            )
        };
        let mut expected: Vec<_> = reports
            .iter()
            .flat_map(|r| r.findings.iter())
            .map(key)
            .collect();
        // the merge took every finding out of its slot
        assert!(expected.is_empty());
        expected = merged.iter().map(key).collect();
        expected.sort();
        assert_eq!(merged.len(), 3000);
        assert_eq!(merged.iter().map(key).collect::<Vec<_>>(), expected);
    }
}
