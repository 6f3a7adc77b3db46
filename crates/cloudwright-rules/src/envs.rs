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
    /// For an environment of several root modules (`live/dev/app` and
    /// `live/dev/db`, Terragrunt's layout): the component of each resource
    /// (beside `resources`), the root's directory with the environment's
    /// part as `*` (`live/*/app`). Resources are matched across
    /// environments by component and address. Empty for an environment of
    /// one root module.
    pub components: Vec<String>,
}

impl Environment<'_> {
    /// What matches the `i`th resource's `address` (or its block's)
    /// across environments.
    fn key(&self, i: usize, address: &str) -> String {
        match self.components.get(i) {
            Some(component) => cloudwright_model::text::concat([component, ": ", address]),
            None => address.to_string(),
        }
    }
}

/// The environments of one load: each root module is one, named by
/// [`crate::env::of_root`] or its directory's last component — except
/// that the root modules of one named environment (`live/dev/app`,
/// `live/dev/db`) are one environment of several components.
pub fn by_root<'g>(graph: &'g Graph, configured: &[(String, String)]) -> Vec<Environment<'g>> {
    let mut roots: BTreeMap<String, Vec<&'g Resource>> = BTreeMap::new();
    for r in graph.resources.iter().filter(|r| r.mode == Mode::Managed) {
        roots.entry(r.root.to_string()).or_default().push(r);
    }
    // (name, component when the name is an environment's) per root
    let named: Vec<(String, Option<String>, Vec<&'g Resource>)> = roots
        .into_iter()
        .map(
            |(root, resources)| match crate::env::of_root(configured, &root) {
                Some(env) => {
                    let component = component(&root, &env.name);
                    (env.name, Some(component), resources)
                }
                None => {
                    let name = root.rsplit(['/', '\\']).next().unwrap_or(&root).to_string();
                    (name, None, resources)
                }
            },
        )
        .collect();
    // when an environment has several root modules, every named one is
    // matched by component (`live/prod/app` has `live/dev/app`'s)
    let by_component = named.iter().enumerate().any(|(i, (name, c, _))| {
        c.is_some()
            && named[..i]
                .iter()
                .any(|(other, oc, _)| other == name && oc.is_some())
    });
    let mut out: Vec<Environment<'g>> = Vec::new();
    for (name, component, resources) in &named {
        match component {
            Some(component) if by_component => {
                let at = match out
                    .iter()
                    .position(|e| e.name == *name && !e.components.is_empty())
                {
                    Some(at) => at,
                    None => {
                        out.push(Environment {
                            name: name.clone(),
                            resources: Vec::new(),
                            components: Vec::new(),
                        });
                        out.len() - 1
                    }
                };
                let env = &mut out[at];
                env.components
                    .extend(std::iter::repeat_n(component.clone(), resources.len()));
                env.resources.extend(resources.iter().copied());
            }
            _ => out.push(Environment {
                name: name.clone(),
                resources: resources.clone(),
                components: Vec::new(),
            }),
        }
    }
    sort(&mut out);
    out
}

/// A root module's component: its directory with every part that names
/// the environment as `*` (`live/dev/app` → `live/*/app`;
/// `prod/us-east-1/prod/mysql`, an account and an environment of one name,
/// → `*/us-east-1/*/mysql`); the directory itself when no part does.
fn component(root: &str, env: &str) -> String {
    root.split(['/', '\\'])
        .map(
            |part| match crate::env::named_part(part).eq_ignore_ascii_case(env) {
                true => "*",
                false => part,
            },
        )
        .collect::<Vec<_>>()
        .join("/")
}

#[cfg(test)]
mod tests {
    use super::component;

    #[test]
    fn a_component_is_its_directory_with_the_environment_as_a_wildcard() {
        assert_eq!(component("live/dev/app", "dev"), "live/*/app");
        assert_eq!(
            component("prod/us-east-1/prod/mysql", "prod"),
            "*/us-east-1/*/mysql"
        );
        assert_eq!(component("live/shared/app", "dev"), "live/shared/app");
        assert_eq!(
            component("stacks/web/deployment.prod", "prod"),
            "stacks/web/*"
        );
    }
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
    let keyed: Vec<Vec<(String, &Resource)>> = envs
        .iter()
        .map(|e| {
            e.resources
                .iter()
                .enumerate()
                .map(|(i, r)| (e.key(i, &r.address), *r))
                .collect()
        })
        .collect();
    let index: Vec<BTreeMap<&str, &Resource>> = keyed
        .iter()
        .map(|k| k.iter().map(|(key, r)| (key.as_str(), *r)).collect())
        .collect();
    let mut c = Comparison {
        environments: envs.iter().map(|e| e.name.clone()).collect(),
        ..Default::default()
    };
    // instance counts per block
    // per environment: keyed block → (instances, any with an instance key)
    let mut types: BTreeMap<String, &str> = BTreeMap::new();
    let per_env: Vec<BTreeMap<String, (usize, bool)>> = envs
        .iter()
        .map(|e| {
            let mut blocks: BTreeMap<String, (usize, bool)> = BTreeMap::new();
            for (i, r) in e.resources.iter().enumerate() {
                let block = e.key(i, &r.block_address());
                types.entry(block.clone()).or_insert(&r.resource_type);
                let entry = blocks.entry(block).or_default();
                entry.0 += 1;
                entry.1 |= r.index.is_some();
            }
            blocks
        })
        .collect();
    let mut counted_blocks: BTreeSet<&str> = BTreeSet::new();
    for (block, resource_type) in &types {
        let of = |m: &BTreeMap<String, (usize, bool)>| m.get(block).copied().unwrap_or_default();
        let counts: Vec<usize> = per_env.iter().map(|m| of(m).0).collect();
        let counted = counts.iter().any(|&n| n > 1) || per_env.iter().any(|m| of(m).1);
        if counted && counts.windows(2).any(|w| w[0] != w[1]) {
            counted_blocks.insert(block);
            c.differences.push(Difference {
                resource: block.clone(),
                resource_type: resource_type.to_string(),
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
            let block = cloudwright_model::graph::strip_instance_key(address).unwrap_or(address);
            let block_counted = counted_blocks.contains(block);
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
