//! The monthly estimate: every managed resource priced component by
//! component, listed as free, or listed as unpriced with the reason.

use crate::catalogue::Catalogue;
use crate::components::{components, Ctx, Pricing, Quantity};
use crate::usage::Usage;
use cloudwright_model::{Graph, Mode, Resource, Value};

#[derive(Clone, Debug, PartialEq)]
pub struct Component {
    pub name: String,
    /// The Price List's unit (`Hrs`, `GB-Mo`, `Requests`, …).
    pub unit: String,
    /// `None`: usage-based and the usage file does not say.
    pub quantity: Option<f64>,
    /// USD per unit (the first tier's; the blended price when the
    /// quantity spans several tiers).
    pub unit_price: f64,
    pub monthly_cost: Option<f64>,
    pub usage_based: bool,
    /// The usage keys that supply a usage-based quantity.
    pub usage_keys: Option<&'static str>,
    /// The catalogue record's effective date.
    pub price_date: String,
}

#[derive(Clone, Debug, PartialEq)]
pub struct PricedResource {
    pub address: String,
    pub root: String,
    pub resource_type: String,
    pub region: String,
    /// The known part: usage-based components without usage are left out.
    pub monthly_cost: f64,
    pub components: Vec<Component>,
    pub file: Option<String>,
    pub line: Option<u32>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Unpriced {
    pub address: String,
    pub root: String,
    pub resource_type: String,
    pub reason: String,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Estimate {
    pub currency: &'static str,
    pub total_monthly_cost: f64,
    pub resources: Vec<PricedResource>,
    pub unpriced: Vec<Unpriced>,
    /// Resources of types AWS does not charge for.
    pub free: usize,
    /// Usage-based components without usage (not in the total).
    pub usage_pending: usize,
    pub usage_source: Option<String>,
}

impl Estimate {
    /// The same estimate with each resource (priced or not) under the
    /// address `name` gives it in its root: the base of a change read under
    /// the addresses the head's `moved` blocks (or a plan's
    /// `previous_address`) give its objects, so a moved resource is not one
    /// removed and another added.
    pub fn renamed(&mut self, name: impl Fn(&str, &str) -> String) {
        for r in &mut self.resources {
            r.address = name(&r.root, &r.address);
        }
        for r in &mut self.unpriced {
            r.address = name(&r.root, &r.address);
        }
    }
}

/// The region a resource deploys to: its own `region`, else its provider's.
fn region(r: &Resource) -> Result<String, String> {
    match r.region().map(Value::strip) {
        Some(Value::String(s)) => Ok(s.to_string()),
        Some(v @ Value::Unknown(_)) => {
            let why = cloudwright_model::tri::describe_unknown(v);
            Err(match r.get_ref("region").is_some_and(|v| !v.is_null()) {
                true => format!("the region of {} is {why}", r.address),
                false => format!(
                    "the region of provider {} is {why}",
                    r.provider.config_address()
                ),
            })
        }
        _ => Err(format!(
            "provider {} sets no region (it would come from the environment)",
            r.provider.config_address()
        )),
    }
}

/// Prices one resource.
pub fn price(
    graph: &Graph,
    catalogue: &Catalogue,
    usage: &Usage,
    r: &Resource,
) -> Result<Option<PricedResource>, String> {
    let ctx = Ctx { graph, usage };
    let specs = match components(&ctx, r) {
        Pricing::Free => return Ok(None),
        Pricing::Unpriced(why) => return Err(why),
        Pricing::Components(specs) => specs,
    };
    let region = region(r)?;
    let mut out = Vec::with_capacity(specs.len());
    let mut total = 0.0;
    for spec in specs {
        let Some(tiers) = catalogue.lookup(&region, &spec.selector) else {
            let place = if spec.selector.global {
                "the catalogue".to_string()
            } else {
                format!("the catalogue for {region}")
            };
            return Err(format!(
                "no price in {place} for {} ({})",
                spec.name,
                spec.selector.describe()
            ));
        };
        let (quantity, usage_based, keys) = match spec.quantity {
            Quantity::Known(q) => (Some(q), false, None),
            Quantity::Usage(q, keys) => (q, true, Some(keys)),
        };
        let cost = quantity.map(|q| tiers.cost(q));
        let unit_price = match (quantity, cost) {
            (Some(q), Some(c)) if q > 0.0 && tiers.tiers.len() > 1 => c / q,
            _ => tiers.first(),
        };
        total += cost.unwrap_or(0.0);
        out.push(Component {
            name: spec.name,
            unit: spec.selector.unit.to_string(),
            quantity,
            unit_price,
            monthly_cost: cost,
            usage_based,
            usage_keys: keys,
            price_date: tiers.effective,
        });
    }
    Ok(Some(PricedResource {
        address: r.address.to_string(),
        root: r.root.to_string(),
        resource_type: r.resource_type.to_string(),
        region,
        monthly_cost: total,
        components: out,
        file: r
            .span
            .map(|s| graph.sources.get(s.file).display_path.clone()),
        line: r.span.map(|s| s.line),
    }))
}

/// The estimate of everything the configuration manages (resources a plan
/// deletes are left out).
pub fn estimate(graph: &Graph, catalogue: &Catalogue, usage: &Usage) -> Estimate {
    let mut e = Estimate {
        currency: "USD",
        usage_source: usage.source.clone(),
        ..Estimate::default()
    };
    for r in &graph.resources {
        if r.mode != Mode::Managed
            || r.actions.iter().all(|a| a == "delete") && !r.actions.is_empty()
        {
            continue;
        }
        match price(graph, catalogue, usage, r) {
            Ok(Some(p)) => {
                e.total_monthly_cost += p.monthly_cost;
                e.usage_pending += p
                    .components
                    .iter()
                    .filter(|c| c.monthly_cost.is_none())
                    .count();
                e.resources.push(p);
            }
            Ok(None) => e.free += 1,
            Err(reason) => e.unpriced.push(Unpriced {
                address: r.address.to_string(),
                root: r.root.to_string(),
                resource_type: r.resource_type.to_string(),
                reason,
            }),
        }
    }
    e.resources
        .sort_by(|a, b| (&a.root, &a.address).cmp(&(&b.root, &b.address)));
    e.unpriced
        .sort_by(|a, b| (&a.root, &a.address).cmp(&(&b.root, &b.address)));
    e
}
