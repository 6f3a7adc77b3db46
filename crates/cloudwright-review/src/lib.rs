//! One review across every engine, of a whole tree or of a change — what a
//! senior cloud engineer says about a pull request: the exposure it opens,
//! the privilege it lets someone escalate to, the findings it adds, the
//! failures it no longer survives, what it costs, and whether the IaC
//! stays healthy.
//!
//! The model is loaded once (by the caller); the rules run through the
//! scan pipeline in a context the review keeps, and the exposure, IAM and
//! resilience analyses they compute there are the review's too; cost and
//! resource access run beside them. A change review is two reviews compared
//! section by section.

pub mod change;
pub mod conditions;

pub use change::{compare, ChangeReview};
pub use conditions::Condition;

use cloudwright_cost::{Catalogue, Estimate, Usage};
use cloudwright_iam::access::Access;
use cloudwright_iam::escalation::Analysis;
use cloudwright_model::{FindingSeverity, Graph};
use cloudwright_network::exposure::{Exposure, Verdict};
use cloudwright_resilience::Report as Resilience;
use cloudwright_scan::{ScanOptions, ScanReport};

/// Everything the engines say about one tree.
pub struct Review {
    pub scan: ScanReport,
    /// Internet exposures, reachable first, then undecidable.
    pub exposures: Vec<Exposure>,
    /// Principals that are administrator-equivalent or can escalate.
    pub principals: Vec<Analysis>,
    /// Resource and trust policies open beyond the account.
    pub access: Vec<Access>,
    pub resilience: Resilience,
    pub cost: Estimate,
    /// The configuration's `moved` blocks, by root module: a change review
    /// reads the base's objects under the addresses the head moves them to.
    pub moves: std::collections::BTreeMap<String, Vec<cloudwright_model::Move>>,
    /// Its `import` blocks and `removed` blocks that keep their object, by
    /// root module.
    pub handovers: std::collections::BTreeMap<String, Vec<cloudwright_model::Handover>>,
    /// The module instances that could be read only in part (syntax
    /// errors), by root module: a change review does not count what is
    /// missing from them as removed or fixed.
    pub partly_read: std::collections::BTreeMap<String, Vec<String>>,
    /// What the loader found wrong with the configuration (errors: Terraform
    /// refuses it, or part of it could not be read; warnings), in order.
    pub configuration: Vec<ConfigProblem>,
}

/// One error or warning of the loader, located.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub struct ConfigProblem {
    pub severity: cloudwright_model::Severity,
    pub file: String,
    pub line: u32,
    pub message: String,
}

impl ConfigProblem {
    /// Errors and warnings of a model's load, in order (notes left out).
    pub fn of(graph: &Graph) -> Vec<ConfigProblem> {
        use cloudwright_model::Severity;
        let mut problems: Vec<ConfigProblem> = graph
            .diagnostics
            .iter()
            .filter(|d| d.severity != Severity::Info)
            .map(|d| {
                let (file, line, _) = d.position(&graph.sources);
                ConfigProblem {
                    severity: d.severity,
                    message: d.message.clone(),
                    file,
                    line,
                }
            })
            .collect();
        // errors first, then by place
        problems.sort();
        problems
    }

    pub fn is_error(&self) -> bool {
        self.severity == cloudwright_model::Severity::Error
    }
}

/// What a review needs besides the model.
pub struct ReviewOptions<'a> {
    pub scan: &'a ScanOptions,
    pub rules: &'a [&'static cloudwright_rules::Rule],
    pub catalogue: &'a Catalogue,
    pub usage: &'a Usage,
}

/// Runs every engine on one model. The rules run in a context the review
/// keeps, so the exposure, IAM and resilience analyses they compute are
/// read from it rather than computed again; cost and resource access run
/// beside them.
pub fn review(graph: &Graph, options: &ReviewOptions<'_>) -> Review {
    let ctx =
        cloudwright_rules::check::Context::with_settings(graph, options.scan.settings.clone());
    let (scan, (access, cost)) = rayon::join(
        || cloudwright_scan::scan_in(&ctx, options.rules, options.scan),
        || {
            rayon::join(
                || {
                    cloudwright_iam::access::resource_access(graph)
                        .into_iter()
                        // trust to AWS services is how roles work, not an opening
                        .filter(|a| !matches!(a.classification, "account" | "service"))
                        .collect::<Vec<Access>>()
                },
                || cloudwright_cost::estimate(graph, options.catalogue, options.usage),
            )
        },
    );
    // computed by the rules when they ran; here only when they were not selected
    let mut exposures = ctx.exposures().to_vec();
    exposures.sort_by_key(|x| x.verdict != Verdict::Reachable);
    let principals: Vec<Analysis> = ctx
        .iam_analysis()
        .iter()
        // and those with a policy not analysed: they may be either
        .filter(|a| a.admin_equivalent || !a.escalation_paths.is_empty() || !a.missing.is_empty())
        .cloned()
        .collect();
    Review {
        scan,
        exposures,
        principals,
        access,
        resilience: ctx.resilience().clone(),
        cost,
        moves: graph.moves(),
        handovers: graph.handovers(),
        partly_read: graph.partly_read(),
        configuration: ConfigProblem::of(graph),
    }
}

/// The categories the review shows in their own sections rather than
/// among the security findings.
pub const HYGIENE_CATEGORIES: &[&str] = &["iac", "tagging", "cost"];

impl Review {
    /// Internet exposures decided reachable.
    pub fn reachable(&self) -> impl Iterator<Item = &Exposure> {
        self.exposures
            .iter()
            .filter(|e| e.verdict == Verdict::Reachable)
    }

    /// Escalation paths, as (principal, target).
    pub fn escalations(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = self
            .principals
            .iter()
            .flat_map(|a| {
                a.escalation_paths
                    .iter()
                    .map(move |p| (a.address.to_string(), p.target.clone()))
            })
            .collect();
        out.sort();
        out.dedup();
        out
    }

    /// Findings at or above a severity, outside the hygiene categories.
    pub fn security_findings(&self) -> impl Iterator<Item = &cloudwright_model::Finding> {
        self.scan.findings.iter().filter(|f| {
            cloudwright_rules::find(f.rule_id)
                .is_none_or(|r| !HYGIENE_CATEGORIES.contains(&r.category))
        })
    }

    /// Findings of the hygiene categories (IaC, tagging, cost judgement).
    pub fn hygiene_findings(&self) -> impl Iterator<Item = &cloudwright_model::Finding> {
        self.scan.findings.iter().filter(|f| {
            cloudwright_rules::find(f.rule_id)
                .is_some_and(|r| HYGIENE_CATEGORIES.contains(&r.category))
        })
    }

    pub fn count_at_least(&self, severity: FindingSeverity) -> usize {
        self.scan
            .findings
            .iter()
            .filter(|f| f.severity >= severity)
            .count()
    }

    /// Entry points down or degraded in some scenario: (scenario, root,
    /// address, status, reason).
    pub fn outages(&self) -> Vec<(String, &str, String, &'static str, String)> {
        let mut out = Vec::new();
        for s in &self.resilience.scenarios {
            for e in &s.entry_points {
                if matches!(
                    e.status,
                    cloudwright_resilience::Status::Down | cloudwright_resilience::Status::Degraded
                ) {
                    let scenario = if s.kind == "az" {
                        format!("AZ {}", s.name)
                    } else {
                        format!("region {}", s.name)
                    };
                    out.push((
                        scenario,
                        &*e.root,
                        e.address.to_string(),
                        e.status.name(),
                        e.reason.clone(),
                    ));
                }
            }
        }
        out
    }
}
