//! What a change to one resource would save or cost a month, at list
//! price: the resource priced as it is and as it would be with some
//! attributes changed (or removed altogether). Other engines use it to put
//! a figure on a recommendation — gp2 → gp3, a previous-generation
//! instance family → its successor, one NAT gateway fewer.

use crate::catalogue::Catalogue;
use crate::estimate::price;
use crate::usage::Usage;
use cloudwright_model::{Graph, Object, Resource, Value};
use std::sync::OnceLock;

/// A change to a resource.
#[derive(Clone, Debug)]
pub enum Fix {
    /// Set the attribute at a dotted path (`root_block_device.0.volume_type`).
    Set(String, Value),
    /// Remove the resource.
    Remove,
}

fn catalogue() -> &'static Catalogue {
    static SHIPPED: OnceLock<Catalogue> = OnceLock::new();
    SHIPPED.get_or_init(Catalogue::embedded)
}

/// The list price of a GB processed by a NAT gateway in `region`, from the
/// shipped catalogue: `None` for a region it does not price.
pub fn nat_processing_per_gb(region: &str) -> Option<f64> {
    let selector = crate::catalogue::Selector::new("AmazonEC2", "NAT Gateway", "GB")
        .with("usagetype", "NatGateway-Bytes");
    Some(catalogue().lookup(region, &selector)?.first())
}

/// The known monthly cost of a resource at the shipped list prices, without
/// usage (`None` when it cannot be priced).
pub fn monthly(graph: &Graph, r: &Resource) -> Option<f64> {
    match price(graph, catalogue(), &Usage::default(), r) {
        Ok(Some(p)) => Some(p.monthly_cost),
        Ok(None) => Some(0.0),
        Err(_) => None,
    }
}

/// The monthly saving of the fixes (negative when they cost more), at the
/// shipped list prices; `None` when either side cannot be priced.
pub fn saving(graph: &Graph, r: &Resource, fixes: &[Fix]) -> Option<f64> {
    let now = monthly(graph, r)?;
    let mut changed = r.clone();
    for fix in fixes {
        match fix {
            Fix::Remove => return Some(now),
            Fix::Set(path, v) => {
                let parts: Vec<&str> = path.split('.').collect();
                changed.attributes = set(&changed.attributes, &parts, v.clone())?;
            }
        }
    }
    Some(now - monthly(graph, &changed)?)
}

/// `value` with the element at `path` replaced (created in an object).
fn set(value: &Value, path: &[&str], new: Value) -> Option<Value> {
    let Some((first, rest)) = path.split_first() else {
        return Some(new);
    };
    match value {
        Value::Map(object) => {
            let inner = object.fields().get(first).cloned().unwrap_or(Value::Null);
            let replaced = set(&inner, rest, new)?;
            let mut copy = object.to_fields();
            copy.insert(first.to_string(), replaced);
            Some(Value::Map(Object::with_computed(
                copy,
                object.computed().cloned(),
            )))
        }
        Value::List(items) => {
            let i: usize = first.parse().ok()?;
            let mut copy = items.to_vec();
            let slot = copy.get_mut(i)?;
            *slot = set(slot, rest, new)?;
            Some(Value::list(copy))
        }
        _ => None,
    }
}

/// ` — about $12.34 a month at list price` for a message, or nothing when
/// the saving cannot be priced or is not positive.
pub fn saving_note(graph: &Graph, r: &Resource, fixes: &[Fix]) -> String {
    match saving(graph, r, fixes) {
        Some(s) if s >= 0.005 => format!(" — about ${s:.2} a month at list price"),
        _ => String::new(),
    }
}
