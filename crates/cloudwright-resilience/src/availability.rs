//! Composite availability of an entry point from its components' published
//! SLAs (`data/sla.tsv`, each with its source): serial dependencies
//! multiply, redundant compute behind one entry point combines
//! (1 − Π(1 − a)). A component's SLA follows its configuration: compute in
//! two or more AZs takes the region-level figure, one AZ or one instance the
//! instance-level one; Multi-AZ databases and caches with failover take
//! theirs. Where placement is unknown, so is the estimate.
//!
//! An SLA is a contract about credits, not a measurement; the composite is
//! what the design promises at best, which is what a target is checked
//! against.

use crate::placement::{flag, number, zones, Zones};
use cloudwright_model::{Graph, Resource};
use cloudwright_network::topology::referring;

const TABLE: &str = include_str!("../data/sla.tsv");

/// One row of the SLA table.
#[derive(Clone, Debug, PartialEq)]
pub struct Sla {
    pub kind: &'static str,
    pub percent: f64,
    pub covers: &'static str,
    pub source: &'static str,
}

/// The SLA table, read from its text once.
pub fn table() -> &'static [Sla] {
    static TABLE_ROWS: std::sync::LazyLock<Vec<Sla>> = std::sync::LazyLock::new(|| {
        TABLE
            .lines()
            .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
            .filter_map(|l| {
                let f: Vec<&'static str> = l.split('\t').collect();
                Some(Sla {
                    kind: f.first()?,
                    percent: f.get(1)?.parse().ok()?,
                    covers: f.get(2)?,
                    source: f.get(3)?,
                })
            })
            .collect()
    });
    &TABLE_ROWS
}

/// The SLA row of a kind of component.
pub fn sla(kind: &str) -> Option<Sla> {
    table().iter().find(|s| s.kind == kind).cloned()
}

/// The SLA row that applies to a component as configured.
pub fn component_sla(graph: &Graph, r: &Resource) -> Result<Sla, String> {
    let multi_zone = || match zones(graph, r) {
        Zones::Known(z) => Ok(z.len() >= 2),
        Zones::Unknown(why) => Err(why),
    };
    let kind = match r.resource_type.as_str() {
        "aws_lb" | "aws_alb" | "aws_elb" => {
            // where its nodes run must be known, as for everything placed
            multi_zone()?;
            "elb"
        }
        "aws_api_gateway_rest_api" | "aws_apigatewayv2_api" => "api-gateway",
        "aws_lambda_function" => "lambda",
        "aws_autoscaling_group" | "aws_ecs_service" | "aws_eks_node_group" => {
            if multi_zone()? {
                "ec2-region"
            } else {
                "ec2-instance"
            }
        }
        "aws_instance" => "ec2-instance",
        "aws_db_instance" => {
            if flag(r, "multi_az") == Some(true) {
                "rds-multi-az"
            } else {
                "rds-single-az"
            }
        }
        "aws_rds_cluster" => {
            if referring(graph, r, "aws_rds_cluster_instance", "cluster_identifier").len() >= 2 {
                "aurora-multi-az"
            } else {
                "aurora-single"
            }
        }
        "aws_elasticache_replication_group" => {
            if flag(r, "automatic_failover_enabled") == Some(true)
                && number(r, "num_cache_clusters").unwrap_or(1.0) >= 2.0
            {
                "elasticache-multi-az"
            } else {
                "elasticache-single"
            }
        }
        "aws_elasticache_cluster" => "elasticache-single",
        "aws_efs_mount_target" => "efs",
        "aws_opensearch_domain" | "aws_elasticsearch_domain" => "opensearch",
        "aws_msk_cluster" => "msk",
        "aws_dynamodb_table" => "dynamodb",
        "aws_s3_bucket" => "s3",
        other => return Err(format!("no published SLA is on record for {other}")),
    };
    sla(kind).ok_or_else(|| format!("the SLA table has no {kind}"))
}

/// An entry point's composite availability.
#[derive(Clone, Debug, PartialEq)]
pub struct Availability {
    pub address: String,
    pub root: String,
    /// Percent, e.g. 99.94; `None` when a component's SLA is unknown.
    pub percent: Option<f64>,
    /// The component with the lowest SLA, and that SLA.
    pub weakest: Option<(String, f64)>,
    /// Each component and the SLA row applied.
    pub components: Vec<(String, Sla)>,
    /// The declared target (`availability_target` tag), percent.
    pub target: Option<f64>,
    pub meets_target: Option<bool>,
    /// Why the estimate is unknown.
    pub unknown: Option<String>,
}

/// The composite of an entry point, its compute (redundant with each other)
/// and its data stores (each required).
pub fn composite(
    graph: &Graph,
    entry: &Resource,
    compute: &[&Resource],
    stores: &[&Resource],
) -> Availability {
    let mut out = Availability::of(entry);
    let mut serial = Vec::new();
    for r in std::iter::once(&entry).chain(stores.iter()) {
        match component_sla(graph, r) {
            Ok(s) => {
                serial.push(s.percent / 100.0);
                out.components.push((r.address.to_string(), s));
            }
            Err(why) => {
                out.unknown = Some(why);
                return out;
            }
        }
    }
    if !compute.is_empty() {
        let mut down_all = 1.0;
        for r in compute {
            match component_sla(graph, r) {
                Ok(s) => {
                    down_all *= 1.0 - s.percent / 100.0;
                    out.components.push((r.address.to_string(), s));
                }
                Err(why) => {
                    out.unknown = Some(why);
                    return out;
                }
            }
        }
        serial.push(1.0 - down_all);
    }
    let weakest = out
        .components
        .iter()
        .min_by(|a, b| a.1.percent.total_cmp(&b.1.percent))
        .map(|(a, s)| (a.clone(), s.percent));
    out.settle(serial.iter().product(), weakest);
    out
}

impl Availability {
    /// An estimate for `entry`, with its declared target, not yet made.
    pub(crate) fn of(entry: &Resource) -> Availability {
        Availability {
            address: entry.address.to_string(),
            root: entry.root.to_string(),
            percent: None,
            weakest: None,
            components: Vec::new(),
            target: target(entry),
            meets_target: None,
            unknown: None,
        }
    }

    /// Records the composite (a fraction) as a percent to four decimals,
    /// the weakest link, and whether the target is met.
    pub(crate) fn settle(&mut self, product: f64, weakest: Option<(String, f64)>) {
        let percent = (product * 1e6).round() / 1e4;
        self.percent = Some(percent);
        self.weakest = weakest;
        self.meets_target = self.target.map(|t| percent >= t);
    }
}

/// `availability_target` tag: `99.9`, `99.9%`.
fn target(r: &Resource) -> Option<f64> {
    let tags = r.get("tags_all").or_else(|| r.get("tags"))?;
    let obj = tags.as_object()?;
    let found = obj
        .fields()
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case("availability_target"))
        .and_then(|(_, v)| v.as_str().map(str::to_string))?;
    found.trim().trim_end_matches('%').trim().parse().ok()
}

#[cfg(test)]
mod tests {
    #[test]
    fn the_sla_table_reads_whole_with_sources() {
        let t = super::table();
        assert_eq!(t.len(), 18);
        assert!(t
            .iter()
            .all(|s| s.source.starts_with("https://aws.amazon.com/")));
        assert!(t.iter().all(|s| s.percent > 99.0 && s.percent < 100.0));
    }
}
