//! Comparing environments: the same configuration as dev, staging and
//! production (several root modules, or one with several tfvars files),
//! and the differences that matter — sizes, counts, redundancy, backups,
//! encryption, exposure. Resources are matched by address.

use cloudwright_model::{Graph, Mode, Resource, Value};
use std::collections::{BTreeMap, BTreeSet};

/// Settings worth comparing across environments, by what they decide.
pub const SETTINGS: &[(&str, &str)] = &[
    ("size", "instance_type"),
    ("size", "instance_class"),
    ("size", "node_type"),
    ("size", "allocated_storage"),
    ("size", "max_allocated_storage"),
    ("size", "storage_type"),
    ("size", "iops"),
    ("size", "memory_size"),
    ("size", "cluster_config.0.instance_type"),
    ("size", "cluster_config.0.instance_count"),
    ("scale", "min_size"),
    ("scale", "max_size"),
    ("scale", "desired_capacity"),
    ("scale", "desired_count"),
    ("scale", "num_cache_clusters"),
    ("scale", "scaling_config.0.min_size"),
    ("scale", "scaling_config.0.max_size"),
    ("resilience", "multi_az"),
    ("resilience", "automatic_failover_enabled"),
    ("resilience", "multi_az_enabled"),
    ("resilience", "deletion_protection"),
    ("backup", "backup_retention_period"),
    ("backup", "skip_final_snapshot"),
    ("backup", "point_in_time_recovery.0.enabled"),
    ("encryption", "storage_encrypted"),
    ("encryption", "encrypted"),
    ("encryption", "kms_key_id"),
    ("encryption", "at_rest_encryption_enabled"),
    ("encryption", "transit_encryption_enabled"),
    ("encryption", "server_side_encryption.0.enabled"),
    ("exposure", "publicly_accessible"),
    ("exposure", "associate_public_ip_address"),
    ("exposure", "internal"),
    ("version", "engine_version"),
];

/// One environment: a name and the resources that make it up.
pub struct Environment<'g> {
    pub name: String,
    pub resources: Vec<&'g Resource>,
}

/// The environments of one load: each root module is one, named by
/// [`crate::env::of_root`] or its directory's last component.
pub fn by_root<'g>(graph: &'g Graph, configured: &[(String, String)]) -> Vec<Environment<'g>> {
    let mut roots: BTreeMap<String, Vec<&'g Resource>> = BTreeMap::new();
    for r in graph.resources.iter().filter(|r| r.mode == Mode::Managed) {
        roots.entry(r.root.to_string()).or_default().push(r);
    }
    let mut out: Vec<Environment<'g>> = roots
        .into_iter()
        .map(|(root, resources)| Environment {
            name: crate::env::of_root(configured, &root)
                .map(|e| e.name)
                .unwrap_or_else(|| root.rsplit(['/', '\\']).next().unwrap_or(&root).to_string()),
            resources,
        })
        .collect();
    sort(&mut out);
    out
}

/// Development first, production last, others by name.
pub fn sort(envs: &mut [Environment<'_>]) {
    envs.sort_by_key(|e| {
        let rank = match crate::env::Class::of(&e.name) {
            Some(crate::env::Class::Development) => 0,
            Some(crate::env::Class::Staging) => 1,
            Some(crate::env::Class::Production) => 3,
            None => 2,
        };
        (rank, e.name.clone())
    });
}

/// A value as the table shows it; `None` when the resource does not
/// exist there.
fn show(r: Option<&Resource>, path: &str) -> Option<String> {
    let r = r?;
    Some(match r.get_path(path) {
        None | Some(Value::Null) => "(unset)".to_string(),
        Some(v) => v.to_string(),
    })
}

/// One setting that differs.
#[derive(Clone, Debug, PartialEq)]
pub struct Difference {
    pub resource: String,
    pub resource_type: String,
    /// `size`, `scale`, `resilience`, `backup`, `encryption`, `exposure`,
    /// `version`, or `count` (instances of a block).
    pub kind: &'static str,
    pub setting: String,
    /// Per environment, in the order of [`Comparison::environments`];
    /// `None` where the resource does not exist.
    pub values: Vec<Option<String>>,
}

#[derive(Clone, Debug, Default, PartialEq)]
pub struct Comparison {
    pub environments: Vec<String>,
    pub differences: Vec<Difference>,
    /// Resources present in some environments only: (address, where).
    pub only_in: Vec<(String, Vec<String>)>,
}

pub fn compare(envs: &[Environment<'_>]) -> Comparison {
    let index: Vec<BTreeMap<&str, &Resource>> = envs
        .iter()
        .map(|e| {
            e.resources
                .iter()
                .map(|r| (r.address.as_str(), *r))
                .collect()
        })
        .collect();
    let mut c = Comparison {
        environments: envs.iter().map(|e| e.name.clone()).collect(),
        ..Default::default()
    };
    // instance counts per block
    let blocks: BTreeSet<(String, String)> = envs
        .iter()
        .flat_map(|e| {
            e.resources
                .iter()
                .map(|r| (r.block_address().into_owned(), r.resource_type.to_string()))
        })
        .collect();
    for (block, resource_type) in &blocks {
        let counts: Vec<usize> = envs
            .iter()
            .map(|e| e.resources.iter().filter(|r| r.is_block(block)).count())
            .collect();
        let counted = counts.iter().any(|&n| n > 1)
            || envs.iter().any(|e| {
                e.resources
                    .iter()
                    .any(|r| r.is_block(block) && r.index.is_some())
            });
        if counted && counts.windows(2).any(|w| w[0] != w[1]) {
            c.differences.push(Difference {
                resource: block.clone(),
                resource_type: resource_type.clone(),
                kind: "count",
                setting: "instances".into(),
                values: counts.iter().map(|n| Some(n.to_string())).collect(),
            });
        }
    }
    let addresses: BTreeSet<&str> = index.iter().flat_map(|i| i.keys().copied()).collect();
    for address in addresses {
        let present: Vec<Option<&Resource>> =
            index.iter().map(|i| i.get(address).copied()).collect();
        let here: Vec<String> = present
            .iter()
            .zip(&c.environments)
            .filter(|(r, _)| r.is_some())
            .map(|(_, n)| n.clone())
            .collect();
        if here.len() < envs.len() {
            // counted blocks are reported as counts
            let block_counted = c.differences.iter().any(|d| {
                d.kind == "count" && present.iter().flatten().any(|r| r.is_block(&d.resource))
            });
            if !block_counted {
                c.only_in.push((address.to_string(), here));
            }
            continue;
        }
        let resource_type = present
            .iter()
            .flatten()
            .next()
            .map(|r| r.resource_type.clone())
            .unwrap_or_default();
        for (kind, path) in SETTINGS {
            let values: Vec<Option<String>> = present.iter().map(|r| show(*r, path)).collect();
            if values.iter().all(|v| v.as_deref() == Some("(unset)")) {
                continue;
            }
            if values.windows(2).any(|w| w[0] != w[1]) {
                c.differences.push(Difference {
                    resource: address.to_string(),
                    resource_type: resource_type.to_string(),
                    kind,
                    setting: crate::setting::display_path(path),
                    values,
                });
            }
        }
    }
    c.differences
        .sort_by(|a, b| (&a.resource, &a.setting).cmp(&(&b.resource, &b.setting)));
    c
}
