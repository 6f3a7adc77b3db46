//! ElastiCache: encryption at rest, authentication, backups.

use crate::check::{get, get_str, Context, Tri};
use crate::setting::{require_where, Absent, Setting, Want};
use crate::Report;
use cloudwright_model::Resource;

/// The engine of a replication group (`redis` when unset) or cluster.
fn engine(r: &Resource) -> Tri<String> {
    match get_str(r, "engine") {
        Tri::Absent if r.resource_type == "aws_elasticache_replication_group" => {
            Tri::Known("redis".to_string())
        }
        other => other.map(|e| e.to_ascii_lowercase()),
    }
}

fn check_at_rest(ctx: &Context<'_>, report: &mut Report) {
    for group in ctx.resources(&["aws_elasticache_replication_group"]) {
        report.checked(group);
        match get(group, "at_rest_encryption_enabled").boolean() {
            Tri::Known(true) => {}
            Tri::Known(false) => {
                report.fail(
                    group,
                    "at_rest_encryption_enabled",
                    "the cache's data and backups are not encrypted at rest",
                );
            }
            Tri::Absent => {
                match engine(group) {
                    // the provider defaults to true for Valkey, false for Redis
                    Tri::Known(e) if e == "valkey" => {}
                    Tri::Known(_) | Tri::Absent => {
                        report.fail(group, "", "at_rest_encryption_enabled is not set (the default is false for Redis)");
                    }
                    Tri::Unknown(why) => report.unknown(group, why),
                }
            }
            Tri::Unknown(why) => report.unknown(group, why),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// ElastiCache replication groups encrypt data at rest:
    /// `at_rest_encryption_enabled = true`. The provider's default is `false`
    /// for Redis OSS and `true` for Valkey.
    ///
    /// ## Why it matters
    /// Cached sessions and query results, and the backups exported to S3,
    /// sit on disk unencrypted otherwise. Encryption at rest can only be set
    /// when the group is created.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_elasticache_replication_group" "sessions" {
    ///   replication_group_id = "sessions"
    ///   description          = "sessions"
    ///   engine               = "redis"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_elasticache_replication_group" "sessions" {
    ///   replication_group_id       = "sessions"
    ///   description                = "sessions"
    ///   engine                     = "redis"
    ///   at_rest_encryption_enabled = true
    ///   kms_key_id                 = aws_kms_key.cache.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `at_rest_encryption_enabled = true` (a replacement of the group:
    /// restore it from a backup into the new, encrypted group).
    pub static ELASTICACHE_AT_REST = {
        id: "CW-AWS-ELASTICACHE-002",
        title: "ElastiCache data not encrypted at rest",
        severity: High,
        category: "encryption",
        resource_types: ["aws_elasticache_replication_group"],
        checkov: ["CKV_AWS_29"],
        trivy: ["AVD-AWS-0045", "aws-elasticache-enable-at-rest-encryption"],
        kics: ["76976de7-c7b1-4f64-a94f-90c1345914c2"],
        remediation: "Set at_rest_encryption_enabled = true.",
        check: check_at_rest,
    }
}

fn has_value(r: &Resource, path: &str) -> Tri<bool> {
    match get(r, path) {
        Tri::Known(v) => Tri::Known(match v.as_list() {
            Some(items) => !items.is_empty(),
            None => v.as_str().is_some_and(|s| !s.is_empty()),
        }),
        Tri::Absent => Tri::Known(false),
        Tri::Unknown(why) => Tri::Unknown(why),
    }
}

fn check_auth(ctx: &Context<'_>, report: &mut Report) {
    for group in ctx.resources(&["aws_elasticache_replication_group"]) {
        report.checked(group);
        match (
            has_value(group, "auth_token"),
            has_value(group, "user_group_ids"),
        ) {
            (Tri::Known(true), _) | (_, Tri::Known(true)) => {}
            (Tri::Unknown(why), _) | (_, Tri::Unknown(why)) => report.unknown(group, why),
            _ => {
                report.fail(group, "", "no auth_token and no user_group_ids: any client that reaches the port can read and write the cache");
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// ElastiCache replication groups require clients to authenticate: an
    /// `auth_token` (Redis AUTH) or `user_group_ids` (role-based access
    /// control) is set.
    ///
    /// ## Why it matters
    /// Without authentication, anything that can reach the port — a
    /// compromised pod, a peered VPC, a misconfigured security group — can
    /// read every key and run `FLUSHALL` or `CONFIG`. AUTH requires transit
    /// encryption (CW-AWS-ELASTICACHE-001).
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_elasticache_replication_group" "sessions" {
    ///   replication_group_id       = "sessions"
    ///   description                = "sessions"
    ///   transit_encryption_enabled = true
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_elasticache_replication_group" "sessions" {
    ///   replication_group_id       = "sessions"
    ///   description                = "sessions"
    ///   transit_encryption_enabled = true
    ///   user_group_ids             = [aws_elasticache_user_group.app.id]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Use RBAC with `user_group_ids`, or set `auth_token` from a secret
    /// (never a literal) with transit encryption on.
    pub static ELASTICACHE_AUTH = {
        id: "CW-AWS-ELASTICACHE-003",
        title: "ElastiCache without authentication",
        severity: High,
        category: "iam",
        resource_types: ["aws_elasticache_replication_group"],
        checkov: ["CKV_AWS_31"],
        trivy: [],
        kics: [],
        remediation: "Set user_group_ids (RBAC) or auth_token, with transit encryption on.",
        check: check_auth,
    }
}

crate::rule! {
    /// ## What it checks
    /// Redis and Valkey caches keep automatic backups:
    /// `snapshot_retention_limit` of at least 1 day on
    /// `aws_elasticache_replication_group` and on standalone
    /// `aws_elasticache_cluster`s (the default 0 turns backups off).
    /// Memcached has no backups and is not checked; neither is a cluster
    /// that is a member of a replication group.
    ///
    /// ## Why it matters
    /// When a cache is the source of truth for sessions, queues or
    /// leaderboards, losing the nodes loses the data. Daily snapshots bound
    /// the loss to a day and allow seeding a new cluster.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_elasticache_replication_group" "sessions" {
    ///   replication_group_id = "sessions"
    ///   description          = "sessions"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_elasticache_replication_group" "sessions" {
    ///   replication_group_id     = "sessions"
    ///   description              = "sessions"
    ///   snapshot_retention_limit = 7
    ///   snapshot_window          = "03:00-05:00"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `snapshot_retention_limit` (1–35 days) and a `snapshot_window`.
    pub static ELASTICACHE_BACKUPS = {
        id: "CW-AWS-ELASTICACHE-004",
        title: "ElastiCache without automatic backups",
        severity: Low,
        category: "backup",
        resource_types: ["aws_elasticache_replication_group", "aws_elasticache_cluster"],
        checkov: ["CKV_AWS_134"],
        trivy: ["AVD-AWS-0050", "aws-elasticache-enable-backup-retention"],
        kics: [],
        remediation: "Set snapshot_retention_limit to at least 1 day.",
        check: |ctx, report| require_where(
            ctx,
            report,
            &["aws_elasticache_replication_group", "aws_elasticache_cluster"],
            |r| {
                if r.resource_type == "aws_elasticache_cluster"
                    && !matches!(get(r, "replication_group_id"), Tri::Absent)
                {
                    return Tri::Known(false);
                }
                engine(r).map(|e| e == "redis" || e == "valkey")
            },
            &Setting {
                path: "snapshot_retention_limit",
                want: Want::AtLeast(1.0),
                absent: Absent::Fails("snapshot_retention_limit is not set (the default 0 disables backups)"),
                message: "automatic backups are off (snapshot_retention_limit = 0)",
            },
        ),
    }
}

crate::rule! {
    /// ## What it checks
    /// Redis and Valkey replication groups fail over automatically across
    /// Availability Zones: `automatic_failover_enabled = true` and
    /// `multi_az_enabled = true` (both default to `false`).
    ///
    /// ## Why it matters
    /// Without automatic failover, the loss of the primary node — or of
    /// its Availability Zone — stops all writes until someone promotes a
    /// replica by hand; with replicas in the same zone, a zone outage takes
    /// the whole cache.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_elasticache_replication_group" "sessions" {
    ///   replication_group_id = "sessions"
    ///   description          = "sessions"
    ///   num_cache_clusters   = 2
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_elasticache_replication_group" "sessions" {
    ///   replication_group_id       = "sessions"
    ///   description                = "sessions"
    ///   num_cache_clusters         = 2
    ///   automatic_failover_enabled = true
    ///   multi_az_enabled           = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Run at least one replica and enable both settings.
    pub static ELASTICACHE_FAILOVER = {
        id: "CW-AWS-ELASTICACHE-005",
        title: "ElastiCache without Multi-AZ automatic failover",
        severity: Medium,
        category: "resilience",
        resource_types: ["aws_elasticache_replication_group"],
        checkov: ["CKV2_AWS_50"],
        trivy: [],
        kics: [],
        remediation: "Set automatic_failover_enabled = true and multi_az_enabled = true.",
        check: |ctx, report| {
            for group in ctx.resources(&["aws_elasticache_replication_group"]) {
                crate::setting::record(report, group, crate::setting::all_of(group, &[
                    Setting {
                        path: "automatic_failover_enabled",
                        want: Want::True,
                        absent: Absent::Fails("automatic_failover_enabled is not set (the default is false): losing the primary stops writes"),
                        message: "automatic failover is off: losing the primary stops writes",
                    },
                    Setting {
                        path: "multi_az_enabled",
                        want: Want::True,
                        absent: Absent::Fails("multi_az_enabled is not set (the default is false): replicas may share the primary's zone"),
                        message: "Multi-AZ is off: replicas may share the primary's zone",
                    },
                ]));
            }
        },
    }
}
