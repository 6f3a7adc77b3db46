//! Placement: the region of a resource (its provider's) and the
//! Availability Zones it runs in (its subnets'), read through the network
//! engine's interface table.

use cloudwright_model::{Graph, Resource, Value};
use cloudwright_network::topology::{interfaces, target, Fact};
use std::collections::BTreeSet;

/// The zones a resource has interfaces in.
#[derive(Clone, Debug, PartialEq)]
pub enum Zones {
    Known(BTreeSet<String>),
    /// Not in the configuration, or known only after apply: why.
    Unknown(String),
}

/// A subnet's Availability Zone: its name, or a zone known by its place
/// in the zones a data source lists (see [`listed_zone`]).
pub fn subnet_zone(subnet: &Resource) -> Fact<String> {
    for attribute in ["availability_zone", "availability_zone_id"] {
        match subnet.get(attribute) {
            Some(v) if v.is_unknown() => {
                let listed = v
                    .as_unknown()
                    .and_then(|u| u.origin())
                    .and_then(|origin| listed_zone(origin, &subnet.root));
                if let Some(zone) = listed {
                    return Fact::Known(zone);
                }
                return Fact::Unknown(format!(
                    "{}.{attribute} is {}",
                    subnet.address,
                    v.why_unknown()
                ));
            }
            Some(v) => {
                if let Some(z) = v.as_str() {
                    return Fact::Known(z.to_string());
                }
            }
            None => {}
        }
    }
    Fact::Unknown(format!(
        "{} does not say its Availability Zone (AWS picks one)",
        subnet.address
    ))
}

/// A zone known by its place in the list an `aws_availability_zones` data
/// source returns (`data.aws_availability_zones.available.names[1]`, or
/// its `zone_ids[1]`, the same zone): which zone it is is known only at
/// plan time, but the list's zones are distinct, so two places are two
/// zones and one place is one zone. Named `<source>.names[<i>]`, with the
/// root module when it is not the scanned directory (each root's data
/// source is its own). Such zones compare only with zones of the same
/// list (see [`namespace`]): `eu-west-1a` may be any of them.
pub fn listed_zone(origin: &str, root: &str) -> Option<String> {
    let (source, rest) = origin
        .rsplit_once(".names[")
        .or_else(|| origin.rsplit_once(".zone_ids["))?;
    let index: usize = rest.strip_suffix(']')?.parse().ok()?;
    // `data.aws_availability_zones.NAME`, perhaps inside a module
    let data = source.rfind("data.aws_availability_zones.")?;
    let name = &source[data + "data.aws_availability_zones.".len()..];
    if name.is_empty() || name.contains(['.', '[']) {
        return None;
    }
    Some(match root {
        "" | "." => format!("{source}.names[{index}]"),
        root => format!("{source}.names[{index}] of {root}"),
    })
}

/// What a zone compares with: `None` for a zone by its name (all names
/// compare), the data source and root for a zone by its place in a
/// data source's list.
pub fn namespace(zone: &str) -> Option<String> {
    let (source, rest) = zone.split_once(".names[")?;
    let root = rest.split_once("] of ").map(|(_, root)| root);
    Some(match root {
        Some(root) => format!("{source} of {root}"),
        None => source.to_string(),
    })
}

/// How the zones of a namespace are described.
pub fn described(namespace: &Option<String>) -> String {
    match namespace {
        None => "zones written by name".to_string(),
        Some(source) => format!("the zones {source} lists"),
    }
}

thread_local! {
    /// Zones by resource identity, for one simulation (every scenario asks
    /// the same questions of the same components).
    static ZONES: std::cell::RefCell<std::collections::HashMap<usize, Zones>> =
        std::cell::RefCell::new(std::collections::HashMap::new());
}

/// Forgets the remembered zones; called at the start and end of every
/// simulation (a graph may be freed and another built at the same address).
pub fn forget() {
    ZONES.with(|z| z.borrow_mut().clear());
}

/// The zones of a resource's interfaces (remembered for the simulation).
pub fn zones(graph: &Graph, r: &Resource) -> Zones {
    let key = r as *const Resource as usize;
    if let Some(hit) = ZONES.with(|z| z.borrow().get(&key).cloned()) {
        return hit;
    }
    let found = zones_uncached(graph, r);
    ZONES.with(|z| z.borrow_mut().insert(key, found.clone()));
    found
}

fn zones_uncached(graph: &Graph, r: &Resource) -> Zones {
    let sides = match interfaces(graph, r) {
        Fact::Known(s) => s,
        Fact::Unknown(w) => return Zones::Unknown(w),
    };
    if sides.is_empty() {
        return Zones::Unknown(format!(
            "{} is not placed in a subnet of this configuration",
            r.address
        ));
    }
    let mut out = BTreeSet::new();
    for s in sides {
        match subnet_zone(s.subnet) {
            Fact::Known(z) => {
                out.insert(z);
            }
            Fact::Unknown(w) => return Zones::Unknown(w),
        }
    }
    let namespaces: BTreeSet<Option<String>> = out.iter().map(|z| namespace(z)).collect();
    if namespaces.len() > 1 {
        let listed: Vec<String> = namespaces.iter().map(described).collect();
        return Zones::Unknown(format!(
            "{} is in {}, which cannot be compared (any of the listed zones may be one named)",
            r.address,
            listed.join(" and ")
        ));
    }
    Zones::Known(out)
}

/// The region a resource runs in: its own `region`, else its provider's.
pub fn region(r: &Resource) -> Option<String> {
    r.region().and_then(|v| v.as_str().map(str::to_string))
}

/// The zone a single-instance resource sits in, when it says
/// (`availability_zone`).
pub fn own_zone(r: &Resource) -> Option<String> {
    r.get("availability_zone")
        .and_then(|v| v.as_str().map(str::to_string))
}

/// A number setting.
pub fn number(r: &Resource, path: &str) -> Option<f64> {
    r.get_path(path).and_then(|v| v.strip().as_number())
}

/// A boolean setting (unset: `None`).
pub fn flag(r: &Resource, path: &str) -> Option<bool> {
    match r.get_path(path).map(|v| v.strip().clone()) {
        Some(Value::Bool(b)) => Some(b),
        Some(Value::String(s)) => match &*s {
            "true" => Some(true),
            "false" => Some(false),
            _ => None,
        },
        _ => None,
    }
}

/// The NAT gateway a subnet's default route uses, with the NAT's zone:
/// `Known(None)` when it uses none (or its VPC is not in this
/// configuration), unknown when its route table or routes are not known
/// from the code.
pub fn egress_nat<'g>(
    graph: &'g Graph,
    subnet: &'g Resource,
) -> Fact<Option<(&'g Resource, Fact<String>)>> {
    let vpc = match target(graph, subnet, "vpc_id", "aws_vpc") {
        Fact::Known(Some(vpc)) => vpc,
        Fact::Known(None) => return Fact::Known(None),
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    let table = match cloudwright_network::topology::route_table(graph, subnet, vpc) {
        Fact::Known(Some(table)) => table,
        Fact::Known(None) => return Fact::Known(None),
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    let routes = match cloudwright_network::topology::routes(graph, table) {
        Fact::Known(routes) => routes,
        Fact::Unknown(w) => return Fact::Unknown(w),
    };
    let Some(route) = routes
        .iter()
        .find(|r| r.destination.prefix_len() == 0 && r.via == "nat_gateway_id")
    else {
        return Fact::Known(None);
    };
    let Some(nat) = route.target else {
        return Fact::Unknown(format!(
            "the NAT gateway of {}'s default route is not in this configuration",
            subnet.address
        ));
    };
    let zone = match target(graph, nat, "subnet_id", "aws_subnet") {
        Fact::Known(Some(s)) => subnet_zone(s),
        Fact::Known(None) => Fact::Unknown(format!(
            "the subnet of {} is not in this configuration",
            nat.address
        )),
        Fact::Unknown(w) => Fact::Unknown(w),
    };
    Fact::Known(Some((nat, zone)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_listed_zone_is_its_data_source_and_place() {
        let zone = |origin: &str, root: &str| listed_zone(origin, root);
        assert_eq!(
            zone("data.aws_availability_zones.available.names[2]", ".").as_deref(),
            Some("data.aws_availability_zones.available.names[2]")
        );
        // a zone id is the same zone as the name at its place
        assert_eq!(
            zone(
                "module.vpc.data.aws_availability_zones.az.zone_ids[0]",
                "live/prod"
            )
            .as_deref(),
            Some("module.vpc.data.aws_availability_zones.az.names[0] of live/prod")
        );
        assert_eq!(
            zone("data.aws_availability_zones.available.names", "."),
            None
        );
        assert_eq!(zone("data.aws_subnets.x.names[0]", "."), None);
        assert_eq!(zone("var.azs[0]", "."), None);
        assert_eq!(namespace("eu-west-1a"), None);
        assert_eq!(
            namespace("data.aws_availability_zones.az.names[1] of live/prod").as_deref(),
            Some("data.aws_availability_zones.az of live/prod")
        );
        assert_eq!(
            namespace("data.aws_availability_zones.az.names[0]"),
            namespace("data.aws_availability_zones.az.names[1]")
        );
    }
}
