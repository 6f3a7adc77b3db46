//! The cost of a change: two estimates compared resource by resource and
//! component by component.

use crate::estimate::{Component, Estimate, PricedResource, Unpriced};
use std::collections::BTreeMap;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Change {
    Added,
    Removed,
    Changed,
}

impl Change {
    pub fn name(self) -> &'static str {
        match self {
            Change::Added => "added",
            Change::Removed => "removed",
            Change::Changed => "changed",
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct ComponentDiff {
    /// The component's kind (its name without the detail in brackets).
    pub name: String,
    pub base: Option<Component>,
    pub head: Option<Component>,
    /// What changed in words: `m5.large → m5.xlarge`, `100 → 200 GB-Mo`.
    pub detail: String,
    pub delta: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct ResourceDiff {
    pub address: String,
    pub root: String,
    pub resource_type: String,
    pub change: Change,
    pub base_monthly_cost: Option<f64>,
    pub head_monthly_cost: Option<f64>,
    pub delta: f64,
    pub components: Vec<ComponentDiff>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct CostDiff {
    pub currency: &'static str,
    pub base_total: f64,
    pub head_total: f64,
    pub delta: f64,
    /// `None` when the base costs nothing.
    pub delta_pct: Option<f64>,
    pub resources: Vec<ResourceDiff>,
    /// Resources of the head that could not be priced (their cost is not
    /// in the delta).
    pub unpriced: Vec<Unpriced>,
    /// Usage-based components without usage in the head.
    pub usage_pending: usize,
}

/// `Instance usage (Linux/UNIX, on-demand, m5.large)` → (`Instance usage`,
/// `Linux/UNIX, on-demand, m5.large`).
fn kind(name: &str) -> (&str, &str) {
    match (name.find(" ("), name.rfind(')')) {
        (Some(open), Some(close)) if close > open => (&name[..open], &name[open + 2..close]),
        _ => (name, ""),
    }
}

fn describe(base: &Component, head: &Component) -> String {
    let (_, a) = kind(&base.name);
    let (_, b) = kind(&head.name);
    let mut parts = Vec::new();
    if a != b {
        // name only what differs between the details
        let left: Vec<&str> = a.split(", ").collect();
        let right: Vec<&str> = b.split(", ").collect();
        if left.len() == right.len() {
            for (l, r) in left.iter().zip(&right) {
                if l != r {
                    parts.push(format!("{l} → {r}"));
                }
            }
        } else {
            parts.push(format!("{a} → {b}"));
        }
    }
    if base.quantity != head.quantity {
        let q = |c: &Component| {
            c.quantity
                .map(crate::catalogue::number)
                .unwrap_or_else(|| "usage not given".into())
        };
        parts.push(format!("{} → {} {}", q(base), q(head), head.unit));
    }
    if base.unit_price != head.unit_price && a == b {
        parts.push(format!(
            "${} → ${} per {}",
            crate::catalogue::number(base.unit_price),
            crate::catalogue::number(head.unit_price),
            head.unit
        ));
    }
    parts.join(", ")
}

fn component_diffs(
    base: Option<&PricedResource>,
    head: Option<&PricedResource>,
) -> Vec<ComponentDiff> {
    let mut by: BTreeMap<String, (Option<&Component>, Option<&Component>)> = BTreeMap::new();
    for c in base.map(|r| r.components.as_slice()).unwrap_or_default() {
        by.entry(kind(&c.name).0.to_string()).or_default().0 = Some(c);
    }
    for c in head.map(|r| r.components.as_slice()).unwrap_or_default() {
        by.entry(kind(&c.name).0.to_string()).or_default().1 = Some(c);
    }
    let mut out = Vec::new();
    for (name, (b, h)) in by {
        let cost = |c: Option<&Component>| c.and_then(|c| c.monthly_cost).unwrap_or(0.0);
        let delta = cost(h) - cost(b);
        let detail = match (b, h) {
            (Some(b), Some(h)) => describe(b, h),
            (None, Some(_)) => "added".to_string(),
            (Some(_), None) => "removed".to_string(),
            (None, None) => continue,
        };
        if detail.is_empty() && delta == 0.0 {
            continue;
        }
        out.push(ComponentDiff {
            name,
            base: b.cloned(),
            head: h.cloned(),
            detail,
            delta,
        });
    }
    out
}

/// `head` with the base's resources that `unread` says the head could not
/// read (a syntax error left their block out) as they were: not known to
/// be removed, so not a saving.
pub fn keep_unread(base: &Estimate, head: &mut Estimate, unread: impl Fn(&str, &str) -> bool) {
    let priced: std::collections::BTreeSet<(&str, &str)> = head
        .resources
        .iter()
        .map(|r| (r.root.as_str(), r.address.as_str()))
        .collect();
    let kept: Vec<PricedResource> = base
        .resources
        .iter()
        .filter(|r| unread(&r.root, &r.address))
        .filter(|r| !priced.contains(&(r.root.as_str(), r.address.as_str())))
        .cloned()
        .collect();
    for r in kept {
        head.total_monthly_cost += r.monthly_cost;
        head.resources.push(r);
    }
}

/// What changes between two estimates.
pub fn diff(base: &Estimate, head: &Estimate) -> CostDiff {
    let key = |r: &PricedResource| (r.root.clone(), r.address.to_string());
    let base_by: BTreeMap<_, _> = base.resources.iter().map(|r| (key(r), r)).collect();
    let head_by: BTreeMap<_, _> = head.resources.iter().map(|r| (key(r), r)).collect();
    let mut keys: Vec<&(String, String)> = base_by.keys().chain(head_by.keys()).collect();
    keys.sort();
    keys.dedup();
    let mut resources = Vec::new();
    for k in keys {
        let b = base_by.get(k).copied();
        let h = head_by.get(k).copied();
        let change = match (b, h) {
            (None, Some(_)) => Change::Added,
            (Some(_), None) => Change::Removed,
            _ => Change::Changed,
        };
        let components = component_diffs(b, h);
        if change == Change::Changed && components.is_empty() {
            continue;
        }
        let Some(any) = h.or(b) else { continue };
        let base_cost = b.map(|r| r.monthly_cost);
        let head_cost = h.map(|r| r.monthly_cost);
        resources.push(ResourceDiff {
            address: any.address.to_string(),
            root: any.root.clone(),
            resource_type: any.resource_type.clone(),
            change,
            base_monthly_cost: base_cost,
            head_monthly_cost: head_cost,
            delta: head_cost.unwrap_or(0.0) - base_cost.unwrap_or(0.0),
            components,
        });
    }
    let delta = head.total_monthly_cost - base.total_monthly_cost;
    CostDiff {
        currency: "USD",
        base_total: base.total_monthly_cost,
        head_total: head.total_monthly_cost,
        delta,
        delta_pct: (base.total_monthly_cost > 0.0).then(|| delta / base.total_monthly_cost * 100.0),
        resources,
        unpriced: head.unpriced.clone(),
        usage_pending: head.usage_pending,
    }
}

/// A `--fail-above` threshold: an absolute monthly increase (`200`) or a
/// percentage (`10%`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Threshold {
    Usd(f64),
    Percent(f64),
}

impl Threshold {
    pub fn parse(text: &str) -> Result<Threshold, String> {
        let t = text.trim();
        let (number, percent) = match t.strip_suffix('%') {
            Some(n) => (n, true),
            None => (t.trim_start_matches('$'), false),
        };
        let n: f64 = number.trim().parse().map_err(|_| {
            format!("--fail-above {text:?}: use a monthly amount (200) or a percentage (10%)")
        })?;
        Ok(if percent {
            Threshold::Percent(n)
        } else {
            Threshold::Usd(n)
        })
    }

    /// Whether the change goes above the threshold.
    pub fn exceeded(self, d: &CostDiff) -> bool {
        self.exceeded_by(d.delta, d.base_total)
    }

    /// Whether a monthly `delta` from `base_total` goes above the threshold.
    pub fn exceeded_by(self, delta: f64, base_total: f64) -> bool {
        match self {
            Threshold::Usd(n) => delta > n,
            Threshold::Percent(p) if base_total > 0.0 => delta / base_total * 100.0 > p,
            // from nothing, any increase is unbounded
            Threshold::Percent(_) => delta > 0.0,
        }
    }
}
