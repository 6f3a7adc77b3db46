//! Amazon ElastiCache.

mod hardening;

use crate::check::{get_bool, get_str, Context, Tri};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &ELASTICACHE_TRANSIT_ENCRYPTION,
        &hardening::ELASTICACHE_AT_REST,
        &hardening::ELASTICACHE_AUTH,
        &hardening::ELASTICACHE_BACKUPS,
        &hardening::ELASTICACHE_FAILOVER,
    ]
}

crate::rule! {
    /// ## What it checks
    /// ElastiCache replication groups (Redis / Valkey) encrypt traffic:
    /// `transit_encryption_enabled = true` (default `false`). Memcached
    /// clusters are not checked.
    ///
    /// ## Why it matters
    /// Without TLS, cached data — sessions, tokens, personal data — and the
    /// AUTH token itself cross the network in the clear. An AUTH token is
    /// only accepted with transit encryption on.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_elasticache_replication_group" "sessions" {
    ///   description = "sessions"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_elasticache_replication_group" "sessions" {
    ///   description                = "sessions"
    ///   transit_encryption_enabled = true
    ///   at_rest_encryption_enabled = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `transit_encryption_enabled = true` (a replacement before Redis
    /// 7.0.5; online with `transit_encryption_mode = "preferred"` after).
    pub static ELASTICACHE_TRANSIT_ENCRYPTION = {
        id: "CW-AWS-ELASTICACHE-001",
        title: "ElastiCache traffic not encrypted",
        severity: High,
        category: "encryption",
        resource_types: ["aws_elasticache_replication_group"],
        checkov: ["CKV_AWS_30"],
        trivy: ["AVD-AWS-0051", "aws-elasticache-enable-in-transit-encryption"],
        kics: ["1afbb3fa-cf6c-4a3d-b730-95e9f4df343e"],
        remediation: "Set transit_encryption_enabled = true.",
        check: check,
    }
}

fn check(ctx: &Context<'_>, report: &mut Report) {
    for group in ctx.resources(&["aws_elasticache_replication_group"]) {
        if let Tri::Known(engine) = get_str(group, "engine") {
            if engine == "memcached" {
                continue;
            }
        }
        report.checked(group);
        match get_bool(group, "transit_encryption_enabled") {
            Tri::Known(true) => {}
            Tri::Known(false) => {
                report.fail(
                    group,
                    "transit_encryption_enabled",
                    "traffic to the cache is not encrypted",
                );
            }
            Tri::Absent => {
                report.fail(
                    group,
                    "",
                    "transit_encryption_enabled is not set (the default is false)",
                );
            }
            Tri::Unknown(why) => report.unknown(group, why),
        }
    }
}
