//! Recovery point and time objectives the configuration implies, per data
//! store, against the declared ones (`rpo`/`rto` tags: `15m`, `1h`, `4h`,
//! `1d`). The model is a documented table, not a measurement; every figure
//! in it can be set from a team's drill measurements in `cloudwright.toml`
//! (`[resilience.model]`, see [`RecoveryModel`]):
//!
//! | store | RPO | RTO |
//! |---|---|---|
//! | RDS instance, backups on | 5 min (point-in-time restore) | Multi-AZ: 2 min failover; else restore: 30 min + 6 s per GB |
//! | RDS instance, `backup_retention_period = 0` | none | — |
//! | Aurora cluster | 5 min | two or more instances: 1 min failover; else 10 min |
//! | DynamoDB, point-in-time recovery | 5 min | 1 h (table restore) |
//! | DynamoDB without it | none (unless an AWS Backup plan covers it) | — |
//! | ElastiCache with snapshots | 24 h (daily snapshot) | failover 1 min, else 30 min |
//! | S3 with versioning | 0 for overwrites and deletes | 0 |
//! | any store in an AWS Backup plan | the plan's schedule (daily 24 h, hourly 1 h) | as above |

use crate::placement::{flag, number, region};
use cloudwright_model::{Graph, Mode, Resource};
use cloudwright_network::topology::referring;

/// The recovery model: how long failovers and restores take and how much
/// point-in-time recovery can lose. Documented defaults; a team with
/// drill measurements sets its own (`[resilience.model]` in
/// `cloudwright.toml`). Seconds.
#[derive(Clone, Debug, PartialEq)]
pub struct RecoveryModel {
    /// Point-in-time restore's recovery point (RDS, Aurora, DynamoDB).
    pub pitr_rpo: u64,
    /// RDS Multi-AZ failover.
    pub multi_az_failover: u64,
    /// A restore from backup: a base time …
    pub restore_base: u64,
    /// … plus this per GB of allocated storage.
    pub restore_per_gb: u64,
    /// Aurora failover to a replica, and restore without one.
    pub aurora_failover: u64,
    pub aurora_restore: u64,
    /// A DynamoDB table restore.
    pub dynamodb_restore: u64,
    /// ElastiCache failover, and a rebuild from a snapshot.
    pub cache_failover: u64,
    pub cache_restore: u64,
}

impl Default for RecoveryModel {
    fn default() -> Self {
        RecoveryModel {
            pitr_rpo: 300,
            multi_az_failover: 120,
            restore_base: 1800,
            restore_per_gb: 6,
            aurora_failover: 60,
            aurora_restore: 600,
            dynamodb_restore: 3600,
            cache_failover: 60,
            cache_restore: 1800,
        }
    }
}

impl RecoveryModel {
    /// Sets one figure by its name in `cloudwright.toml` from a duration
    /// (`5m`, `6s`); `Err` names what is wrong.
    pub fn set(&mut self, key: &str, value: &str) -> Result<(), String> {
        let seconds = duration(value)
            .ok_or_else(|| format!("{key} = {value:?} is not a duration (30s, 5m, 1h)"))?;
        let slot = match key {
            "pitr_rpo" => &mut self.pitr_rpo,
            "multi_az_failover" => &mut self.multi_az_failover,
            "restore_base" => &mut self.restore_base,
            "restore_per_gb" => &mut self.restore_per_gb,
            "aurora_failover" => &mut self.aurora_failover,
            "aurora_restore" => &mut self.aurora_restore,
            "dynamodb_restore" => &mut self.dynamodb_restore,
            "cache_failover" => &mut self.cache_failover,
            "cache_restore" => &mut self.cache_restore,
            other => return Err(format!("unknown recovery model figure {other:?}")),
        };
        *slot = seconds;
        Ok(())
    }
}

/// A data store's recovery.
#[derive(Clone, Debug, PartialEq)]
pub struct DataStore {
    pub address: String,
    pub root: String,
    pub resource_type: String,
    /// `None`: no recovery point at all.
    pub rpo_seconds: Option<u64>,
    pub rto_seconds: Option<u64>,
    /// How the figures were derived.
    pub basis: String,
    /// Declared objectives (`rpo`/`rto` tags).
    pub objective_rpo: Option<u64>,
    pub objective_rto: Option<u64>,
    pub violations: Vec<String>,
    /// A copy in another region (replica, global table, replication).
    pub standby_region: Option<String>,
    /// Why the comparison with the objectives cannot be made: a setting
    /// or an objective known only after apply.
    pub unknown: Option<String>,
}

/// The settings each store's figures are derived from.
fn deciding_settings(resource_type: &str) -> &'static [&'static str] {
    match resource_type {
        "aws_db_instance" => &["backup_retention_period", "multi_az", "allocated_storage"],
        "aws_dynamodb_table" => &["point_in_time_recovery.0.enabled"],
        "aws_elasticache_replication_group" => {
            &["snapshot_retention_limit", "automatic_failover_enabled"]
        }
        "aws_s3_bucket" => &["versioning.0.enabled"],
        _ => &[],
    }
}

/// The first setting or objective tag of `r` that is not known, and why.
fn unknown_input(r: &Resource) -> Option<String> {
    for path in deciding_settings(&r.resource_type) {
        if let Some(v) = r
            .get_path(path)
            .filter(cloudwright_model::Value::is_unknown)
        {
            return Some(format!("{}.{path} is {}", r.address, v.why_unknown()));
        }
    }
    let tags = r.get("tags_all").or_else(|| r.get("tags"))?;
    if tags.is_unknown() {
        return Some(format!(
            "the tags of {} are {}",
            r.address,
            tags.why_unknown()
        ));
    }
    let obj = tags.as_object()?;
    let unknown_objective = obj
        .fields()
        .iter()
        .find(|(k, v)| {
            (k.eq_ignore_ascii_case("rpo") || k.eq_ignore_ascii_case("rto")) && v.is_unknown()
        })
        .map(|(k, v)| format!("the {k} objective of {} is {}", r.address, v.why_unknown()));
    unknown_objective
}

/// `30s`, `15m`, `1h`, `1d`, `0`.
pub fn duration(text: &str) -> Option<u64> {
    let t = text.trim().to_ascii_lowercase();
    if t == "0" {
        return Some(0);
    }
    let (num, unit) = t.split_at(t.find(|c: char| !c.is_ascii_digit())?);
    let n: u64 = num.parse().ok()?;
    Some(match unit.trim() {
        "s" | "sec" | "secs" | "seconds" => n,
        "m" | "min" | "mins" | "minutes" => n * 60,
        "h" | "hr" | "hrs" | "hour" | "hours" => n * 3600,
        "d" | "day" | "days" => n * 86400,
        _ => return None,
    })
}

pub fn human(seconds: u64) -> String {
    match seconds {
        0 => "0".into(),
        s if s % 86400 == 0 => format!("{}d", s / 86400),
        s if s % 3600 == 0 => format!("{}h", s / 3600),
        s if s % 60 == 0 => format!("{}m", s / 60),
        s => format!("{s}s"),
    }
}

fn tag(r: &Resource, key: &str) -> Option<String> {
    let tags = r.get("tags_all").or_else(|| r.get("tags"))?;
    let obj = tags.as_object()?;
    let found = obj
        .fields()
        .iter()
        .find(|(k, _)| k.eq_ignore_ascii_case(key))
        .and_then(|(_, v)| v.as_str().map(str::to_string));
    found
}

/// The AWS Backup selections of each (root, resource address) they
/// select, found once.
pub type Selections<'g> = std::collections::HashMap<(String, String), Vec<&'g Resource>>;

/// The AWS Backup selections of each (root, resource address), indexed once.
pub fn selections(graph: &Graph) -> Selections<'_> {
    let mut out: Selections<'_> = Default::default();
    for sel in graph
        .of_type("aws_backup_selection")
        .filter(|s| s.mode == Mode::Managed)
    {
        for x in sel
            .references
            .iter()
            .filter(|x| x.attribute.starts_with("resources"))
        {
            if let Some(t) = graph.resource_in(&sel.root, &x.target) {
                let list = out
                    .entry((sel.root.to_string(), t.address.to_string()))
                    .or_default();
                if !list.iter().any(|s| std::ptr::eq(*s, sel)) {
                    list.push(sel);
                }
            }
        }
    }
    out
}

/// A backup plan selecting `r` whose rules copy recovery points to a vault
/// in another region (`copy_action.destination_vault_arn` naming a vault
/// whose provider is elsewhere).
fn backup_copy_elsewhere(
    graph: &Graph,
    selected: &Selections<'_>,
    r: &Resource,
    here: Option<&str>,
) -> Option<String> {
    let key = (r.root.to_string(), r.address.to_string());
    for sel in selected.get(&key).map_or(&[][..], Vec::as_slice) {
        let plans = sel
            .references
            .iter()
            .filter(|x| x.attribute == "plan_id")
            .filter_map(|x| graph.resource_in(&sel.root, &x.target));
        for plan in plans {
            for x in plan.references.iter().filter(|x| x.attribute == "rule") {
                let Some(vault) = graph.resource_in(&plan.root, &x.target) else {
                    continue;
                };
                if vault.resource_type != "aws_backup_vault" {
                    continue;
                }
                let elsewhere = region(vault);
                if elsewhere.is_some() && elsewhere.as_deref() != here {
                    return elsewhere.map(|g| format!("{g} (AWS Backup copy)"));
                }
            }
        }
    }
    None
}

/// The shortest schedule of an AWS Backup plan selecting `r`.
fn backup_interval(graph: &Graph, selected: &Selections<'_>, r: &Resource) -> Option<u64> {
    let mut best: Option<u64> = None;
    let key = (r.root.to_string(), r.address.to_string());
    for sel in selected.get(&key).map_or(&[][..], Vec::as_slice) {
        let Some(plan) = sel
            .references
            .iter()
            .filter(|x| x.attribute == "plan_id")
            .find_map(|x| graph.resource_in(&sel.root, &x.target))
        else {
            continue;
        };
        for rule in plan
            .get("rule")
            .and_then(|v| v.as_list().map(<[cloudwright_model::Value]>::to_vec))
            .unwrap_or_default()
        {
            let schedule = rule
                .get("schedule")
                .and_then(|v| v.as_str().map(str::to_ascii_lowercase))
                .unwrap_or_default();
            // cron(minute hour day month weekday year): an hour field of `*`
            // or `*/N` is hourly, otherwise daily
            let fields: Vec<&str> = schedule
                .trim_start_matches("cron(")
                .trim_end_matches(')')
                .split_whitespace()
                .collect();
            let interval = match fields.get(1) {
                Some(h) if *h == "*" => 3600,
                Some(h) if h.starts_with("*/") => h[2..].parse::<u64>().map_or(3600, |n| n * 3600),
                _ if schedule.starts_with("rate(") && schedule.contains("hour") => 3600,
                _ => 86400,
            };
            best = Some(best.map_or(interval, |b| b.min(interval)));
        }
    }
    best
}

/// A copy in another region: cross-region read replicas, Aurora global
/// clusters, DynamoDB replicas, S3 replication to a bucket elsewhere.
pub fn standby(graph: &Graph, r: &Resource) -> Option<String> {
    standby_with(graph, &selections(graph), r)
}

/// [`standby`] with the backup selections already indexed ([`selections`]).
pub fn standby_with(graph: &Graph, selected: &Selections<'_>, r: &Resource) -> Option<String> {
    let here = region(r);
    if let Some(copy) = backup_copy_elsewhere(graph, selected, r, here.as_deref()) {
        return Some(copy);
    }
    match r.resource_type.as_str() {
        "aws_db_instance" => referring(graph, r, "aws_db_instance", "replicate_source_db")
            .into_iter()
            .filter_map(region)
            .find(|x| Some(x) != here.as_ref()),
        "aws_rds_cluster" => {
            let global = r
                .references
                .iter()
                .any(|x| x.attribute == "global_cluster_identifier");
            global.then(|| "another region (Aurora global database)".to_string())
        }
        "aws_dynamodb_table" => r
            .get("replica")
            .and_then(|v| v.as_list().map(<[cloudwright_model::Value]>::to_vec))
            .and_then(|l| {
                l.first()
                    .and_then(|x| x.get("region_name"))
                    .and_then(|v| v.as_str().map(str::to_string))
            }),
        "aws_s3_bucket" => referring(
            graph,
            r,
            "aws_s3_bucket_replication_configuration",
            "bucket",
        )
        .first()
        .map(|_| "another bucket (S3 replication)".to_string()),
        _ => None,
    }
}

fn derive(
    graph: &Graph,
    selected: &Selections<'_>,
    m: &RecoveryModel,
    r: &Resource,
) -> Option<(Option<u64>, Option<u64>, String)> {
    let backup = backup_interval(graph, selected, r);
    let with_backup = |rpo: Option<u64>, basis: String| match (rpo, backup) {
        (None, Some(b)) => (Some(b), format!("{basis}; AWS Backup every {}", human(b))),
        (Some(a), Some(b)) if b < a => (Some(b), format!("{basis}; AWS Backup every {}", human(b))),
        _ => (rpo, basis),
    };
    Some(match r.resource_type.as_str() {
        "aws_db_instance" => {
            if r.get("replicate_source_db").is_some_and(|v| !v.is_null()) {
                return None;
            }
            let days = number(r, "backup_retention_period").unwrap_or(1.0);
            let (rpo, basis) = if days > 0.0 {
                (
                    Some(m.pitr_rpo),
                    format!("automated backups for {days} days: point-in-time restore"),
                )
            } else {
                (
                    None,
                    "backup_retention_period = 0: no automated backups".to_string(),
                )
            };
            let (rpo, basis) = with_backup(rpo, basis);
            let rto = if flag(r, "multi_az") == Some(true) {
                m.multi_az_failover
            } else {
                m.restore_base
                    + m.restore_per_gb * number(r, "allocated_storage").unwrap_or(20.0) as u64
            };
            (
                rpo,
                Some(rto),
                if flag(r, "multi_az") == Some(true) {
                    format!("{basis}; Multi-AZ failover")
                } else {
                    format!("{basis}; single-AZ: restore")
                },
            )
        }
        "aws_rds_cluster" => {
            let instances =
                referring(graph, r, "aws_rds_cluster_instance", "cluster_identifier").len();
            let rto = if instances >= 2 {
                m.aurora_failover
            } else {
                m.aurora_restore
            };
            let (rpo, basis) = with_backup(
                Some(m.pitr_rpo),
                "Aurora continuous backup: point-in-time restore".into(),
            );
            (rpo, Some(rto), format!("{basis}; {instances} instance(s)"))
        }
        "aws_dynamodb_table" => {
            let pitr = flag(r, "point_in_time_recovery.0.enabled") == Some(true);
            let (rpo, basis) = if pitr {
                (Some(m.pitr_rpo), "point-in-time recovery".to_string())
            } else {
                (None, "no point-in-time recovery".to_string())
            };
            let (rpo, basis) = with_backup(rpo, basis);
            (rpo, Some(m.dynamodb_restore), basis)
        }
        "aws_elasticache_replication_group" => {
            let snapshots = number(r, "snapshot_retention_limit").unwrap_or(0.0) > 0.0;
            let (rpo, basis) = if snapshots {
                (Some(86400), "daily snapshots".to_string())
            } else {
                (None, "no snapshots".to_string())
            };
            let failover = flag(r, "automatic_failover_enabled") == Some(true);
            let rto = if failover {
                m.cache_failover
            } else {
                m.cache_restore
            };
            (rpo, Some(rto), basis)
        }
        "aws_s3_bucket" => {
            let versioned = flag(r, "versioning.0.enabled") == Some(true)
                || referring(graph, r, "aws_s3_bucket_versioning", "bucket")
                    .iter()
                    .any(|v| {
                        v.get_path("versioning_configuration.0.status")
                            .and_then(|s| s.as_str().map(|s| s == "Enabled"))
                            == Some(true)
                    });
            let (rpo, basis) = if versioned {
                (
                    Some(0),
                    "versioning keeps every overwrite and delete".to_string(),
                )
            } else {
                (
                    None,
                    "no versioning: an overwrite or delete is final".to_string(),
                )
            };
            let (rpo, basis) = with_backup(rpo, basis);
            (rpo, Some(0), basis)
        }
        _ => return None,
    })
}

/// Every data store's recovery, with violations of its declared
/// objectives.
pub fn recovery(graph: &Graph) -> Vec<DataStore> {
    recovery_with(graph, &RecoveryModel::default())
}

/// [`recovery`] with a recovery model of the team's own.
pub fn recovery_with(graph: &Graph, model: &RecoveryModel) -> Vec<DataStore> {
    let mut out = Vec::new();
    let selected = selections(graph);
    for t in [
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_dynamodb_table",
        "aws_elasticache_replication_group",
        "aws_s3_bucket",
    ] {
        for r in graph.of_type(t).filter(|r| r.mode == Mode::Managed) {
            let Some((rpo, rto, basis)) = derive(graph, &selected, model, r) else {
                continue;
            };
            let objective_rpo = tag(r, "rpo").and_then(|t| duration(&t));
            let objective_rto = tag(r, "rto").and_then(|t| duration(&t));
            let unknown = unknown_input(r);
            let mut violations = Vec::new();
            if unknown.is_some() {
                // the figures or the objective rest on a value not known
                // yet: no verdict either way
            } else if let Some(want) = objective_rpo {
                match rpo {
                    None => violations.push(format!(
                        "RPO objective {} but no recovery point ({basis})",
                        human(want)
                    )),
                    Some(got) if got > want => violations.push(format!(
                        "RPO {} exceeds the objective {}",
                        human(got),
                        human(want)
                    )),
                    _ => {}
                }
            }
            if let (Some(want), Some(got), None) = (objective_rto, rto, &unknown) {
                if got > want {
                    violations.push(format!(
                        "RTO {} exceeds the objective {}",
                        human(got),
                        human(want)
                    ));
                }
            }
            out.push(DataStore {
                address: r.address.to_string(),
                root: r.root.to_string(),
                resource_type: r.resource_type.to_string(),
                rpo_seconds: rpo,
                rto_seconds: rto,
                basis,
                objective_rpo,
                objective_rto,
                violations,
                standby_region: standby_with(graph, &selected, r),
                unknown,
            });
        }
    }
    out
}
