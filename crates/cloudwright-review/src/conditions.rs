//! `--fail-on` conditions across engines: `severity>=high`,
//! `new-exposure`, `new-escalation`, `cost-increase>200` (or `>10%`),
//! `resilience-regression`. On a change review they ask about what the
//! change introduced; on a whole-tree review, about what is there.

use crate::{ChangeReview, Review};
use cloudwright_cost::diff::Threshold;
use cloudwright_model::FindingSeverity;

#[derive(Clone, Debug, PartialEq)]
pub enum Condition {
    Severity(FindingSeverity),
    NewExposure,
    NewEscalation,
    CostIncrease(Threshold),
    ResilienceRegression,
}

impl Condition {
    /// One condition; several are given comma-separated or repeated.
    pub fn parse(text: &str) -> Result<Condition, String> {
        let t = text.trim().to_ascii_lowercase();
        if let Some(s) = t.strip_prefix("severity>=") {
            return FindingSeverity::parse(s)
                .map(Condition::Severity)
                .ok_or_else(|| {
                    format!("--fail-on {text:?}: use critical, high, medium, low or info")
                });
        }
        if let Some(s) = FindingSeverity::parse(&t) {
            return Ok(Condition::Severity(s));
        }
        if let Some(n) = t.strip_prefix("cost-increase>") {
            return Threshold::parse(n).map(Condition::CostIncrease);
        }
        match t.as_str() {
            "new-exposure" | "exposure" => Ok(Condition::NewExposure),
            "new-escalation" | "escalation" => Ok(Condition::NewEscalation),
            "resilience-regression" | "resilience" => Ok(Condition::ResilienceRegression),
            _ => Err(format!(
                "--fail-on {text:?}: use severity>=LEVEL, new-exposure, new-escalation, cost-increase>AMOUNT (or >PERCENT%), resilience-regression"
            )),
        }
    }

    pub fn parse_all(specs: &[String]) -> Result<Vec<Condition>, String> {
        specs
            .iter()
            .flat_map(|s| s.split(','))
            .filter(|s| !s.trim().is_empty())
            .map(Condition::parse)
            .collect()
    }

    /// Whether a change review meets the condition, and why.
    pub fn met_by_change(&self, c: &ChangeReview) -> Option<String> {
        match self {
            Condition::Severity(s) => {
                let n = c.new_findings.iter().filter(|f| f.severity >= *s).count();
                (n > 0).then(|| format!("{n} new finding(s) at or above {s}"))
            }
            Condition::NewExposure => (!c.opened.is_empty())
                .then(|| format!("{} new internet exposure path(s)", c.opened.len())),
            Condition::NewEscalation => {
                let n = c.new_escalations.len() + c.new_admins.len();
                (n > 0).then(|| format!("{n} new escalation path(s) or administrator(s)"))
            }
            // what is paid: an import was paid before, a release still is
            Condition::CostIncrease(t) => {
                let paid = c.paid_delta();
                t.exceeded_by(paid, c.cost.base_total)
                    .then(|| format!("the monthly cost grows by ${paid:.2}"))
            }
            Condition::ResilienceRegression => {
                let n = c.worse.len() + c.new_violations.len();
                (n > 0)
                    .then(|| format!("{n} failure scenario(s) or recovery objective(s) got worse"))
            }
        }
    }

    /// Whether a whole-tree review meets the condition, and why. Cost has
    /// no increase without a base: it is never met here.
    pub fn met_by_tree(&self, r: &Review) -> Option<String> {
        match self {
            Condition::Severity(s) => {
                let n = r.count_at_least(*s);
                (n > 0).then(|| format!("{n} finding(s) at or above {s}"))
            }
            Condition::NewExposure => {
                let n = r.reachable().count();
                (n > 0).then(|| format!("{n} internet exposure path(s)"))
            }
            Condition::NewEscalation => {
                let n = r.escalations().len();
                (n > 0).then(|| format!("{n} escalation path(s)"))
            }
            Condition::CostIncrease(_) => None,
            Condition::ResilienceRegression => {
                let n = r.resilience.single_points_of_failure.len();
                (n > 0).then(|| format!("{n} single point(s) of failure"))
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn conditions_parse_strictly() {
        assert_eq!(
            Condition::parse_all(&[
                "severity>=high,new-exposure".into(),
                "cost-increase>10%".into()
            ])
            .unwrap(),
            vec![
                Condition::Severity(FindingSeverity::High),
                Condition::NewExposure,
                Condition::CostIncrease(Threshold::Percent(10.0)),
            ]
        );
        assert_eq!(
            Condition::parse("cost-increase>200").unwrap(),
            Condition::CostIncrease(Threshold::Usd(200.0))
        );
        assert_eq!(
            Condition::parse("medium").unwrap(),
            Condition::Severity(FindingSeverity::Medium)
        );
        assert!(Condition::parse("severity>=severe").is_err());
        assert!(Condition::parse("everything").is_err());
    }
}
