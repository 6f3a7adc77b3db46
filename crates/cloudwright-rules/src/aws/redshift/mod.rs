//! Amazon Redshift.

use crate::check::{get, get_bool, get_str, Context, Tri};
use crate::provider_version::provider_at_least;
use crate::setting::{require, Absent, Setting, Want};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &REDSHIFT_ENCRYPTED,
        &REDSHIFT_PUBLIC,
        &REDSHIFT_AUDIT_LOGGING,
        &REDSHIFT_VERSION_UPGRADE,
        &REDSHIFT_ENHANCED_VPC_ROUTING,
        &REDSHIFT_SNAPSHOT_RETENTION,
        &REDSHIFT_REQUIRE_SSL,
    ]
}

const CLUSTER: &[&str] = &["aws_redshift_cluster"];

crate::rule! {
    /// ## What it checks
    /// Redshift clusters are not created with encryption turned off:
    /// `encrypted = false` on `aws_redshift_cluster`. Since 10 January 2025
    /// AWS encrypts every new provisioned cluster (and AWS provider v6
    /// defaults `encrypted` to `true`), so an unset value passes.
    ///
    /// ## Why it matters
    /// A data warehouse holds the organisation's most complete copy of its
    /// data. Unencrypted, it and its snapshots are readable by anyone who
    /// obtains the storage or a shared snapshot.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_redshift_cluster" "dw" {
    ///   cluster_identifier = "dw"
    ///   node_type          = "ra3.xlplus"
    ///   encrypted          = false
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_redshift_cluster" "dw" {
    ///   cluster_identifier = "dw"
    ///   node_type          = "ra3.xlplus"
    ///   encrypted          = true
    ///   kms_key_id         = aws_kms_key.dw.arn
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `encrypted = true`, preferably with a customer managed `kms_key_id`.
    pub static REDSHIFT_ENCRYPTED = {
        id: "CW-AWS-REDSHIFT-001",
        title: "Redshift cluster not encrypted",
        severity: High,
        category: "encryption",
        resource_types: ["aws_redshift_cluster"],
        checkov: ["CKV_AWS_64"],
        trivy: [],
        kics: ["cfdcabb0-fc06-427c-865b-c59f13e898ce"],
        remediation: "Set encrypted = true.",
        check: |ctx, report| require(ctx, report, CLUSTER, &Setting {
            path: "encrypted",
            want: Want::True,
            absent: Absent::Passes,
            message: "the cluster is not encrypted",
        }),
    }
}

fn check_public(ctx: &Context<'_>, report: &mut Report) {
    for cluster in ctx.resources(CLUSTER) {
        report.checked(cluster);
        match get_bool(cluster, "publicly_accessible") {
            Tri::Known(false) => {}
            Tri::Known(true) => {
                report.fail(
                    cluster,
                    "publicly_accessible",
                    "the cluster has a public endpoint",
                );
            }
            Tri::Absent => match provider_at_least(ctx, cluster, "aws", 6) {
                Tri::Known(true) => {}
                Tri::Known(false) | Tri::Absent => {
                    report.fail(cluster, "", "publicly_accessible is not set, and AWS provider versions before 6.0 default it to true");
                }
                Tri::Unknown(why) => {
                    report.unknown(cluster, format!("publicly_accessible is not set: {why}"))
                }
            },
            Tri::Unknown(why) => report.unknown(cluster, why),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Redshift clusters have no public endpoint: `publicly_accessible` is
    /// not `true`. An unset value depends on the provider version — `true`
    /// before AWS provider 6.0, `false` from 6.0 — so Cloudwright reads the
    /// `required_providers` constraints: unset fails when they pin the
    /// provider below 6.0, passes when they require 6.0 or later, and is
    /// undecidable when they allow both.
    ///
    /// ## Why it matters
    /// A public endpoint puts the warehouse's login prompt on the internet,
    /// one security-group rule away from every password-spraying bot.
    ///
    /// ## Failing example
    /// ```hcl
    /// terraform {
    ///   required_providers {
    ///     aws = { source = "hashicorp/aws", version = "~> 5.0" }
    ///   }
    /// }
    /// resource "aws_redshift_cluster" "dw" {
    ///   cluster_identifier = "dw"
    ///   node_type          = "ra3.xlplus"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_redshift_cluster" "dw" {
    ///   cluster_identifier  = "dw"
    ///   node_type           = "ra3.xlplus"
    ///   publicly_accessible = false
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `publicly_accessible = false` and reach the cluster through the
    /// VPC (a bastion, VPN, or Redshift-managed VPC endpoints).
    pub static REDSHIFT_PUBLIC = {
        id: "CW-AWS-REDSHIFT-002",
        title: "Redshift cluster publicly accessible",
        severity: Critical,
        category: "network",
        resource_types: ["aws_redshift_cluster"],
        checkov: ["CKV_AWS_87"],
        trivy: [],
        kics: [],
        remediation: "Set publicly_accessible = false.",
        check: check_public,
    }
}

fn check_audit_logging(ctx: &Context<'_>, report: &mut Report) {
    for cluster in ctx.resources(CLUSTER) {
        report.checked(cluster);
        let inline = get_bool(cluster, "logging.0.enable");
        if inline == Tri::Known(true) {
            continue;
        }
        match ctx.companions(
            cluster,
            "aws_redshift_logging",
            "cluster_identifier",
            &["cluster_identifier"],
        ) {
            Tri::Known(found) if !found.is_empty() => {}
            Tri::Known(_) => match inline {
                Tri::Unknown(why) => report.unknown(cluster, why),
                Tri::Known(false) => {
                    report.fail(cluster, "logging[0].enable", "audit logging is disabled");
                }
                _ => {
                    report.fail(cluster, "", "no aws_redshift_logging resource and no logging block: audit logging is off");
                }
            },
            Tri::Unknown(why) => report.unknown(cluster, why),
            Tri::Absent => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Redshift clusters have audit logging: an `aws_redshift_logging`
    /// resource for the cluster (matched by reference or by
    /// `cluster_identifier`), or the older inline `logging { enable = true }`.
    ///
    /// ## Why it matters
    /// Connection and user-activity logs show who connected from where and
    /// which queries ran — what an investigation of data exfiltration from
    /// the warehouse needs first.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_redshift_cluster" "dw" {
    ///   cluster_identifier = "dw"
    ///   node_type          = "ra3.xlplus"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_redshift_cluster" "dw" {
    ///   cluster_identifier = "dw"
    ///   node_type          = "ra3.xlplus"
    /// }
    /// resource "aws_redshift_logging" "dw" {
    ///   cluster_identifier   = aws_redshift_cluster.dw.id
    ///   log_destination_type = "cloudwatch"
    ///   log_exports          = ["connectionlog", "userlog", "useractivitylog"]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add an `aws_redshift_logging` resource (CloudWatch or S3), and set
    /// `enable_user_activity_logging` in the parameter group for query text.
    pub static REDSHIFT_AUDIT_LOGGING = {
        id: "CW-AWS-REDSHIFT-003",
        title: "Redshift cluster without audit logging",
        severity: Medium,
        category: "logging",
        resource_types: ["aws_redshift_cluster", "aws_redshift_logging"],
        checkov: ["CKV_AWS_71"],
        trivy: [],
        kics: ["15ffbacc-fa42-4f6f-a57d-2feac7365caa"],
        remediation: "Add an aws_redshift_logging resource for the cluster.",
        check: check_audit_logging,
    }
}

crate::rule! {
    /// ## What it checks
    /// Redshift clusters take engine upgrades in their maintenance window:
    /// `allow_version_upgrade` is not `false` (the default is `true`).
    ///
    /// ## Why it matters
    /// Engine versions carry security fixes; a cluster pinned to its version
    /// keeps its vulnerabilities until someone upgrades it by hand.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_redshift_cluster" "dw" {
    ///   cluster_identifier    = "dw"
    ///   node_type             = "ra3.xlplus"
    ///   allow_version_upgrade = false
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_redshift_cluster" "dw" {
    ///   cluster_identifier = "dw"
    ///   node_type          = "ra3.xlplus"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Remove `allow_version_upgrade = false`; pick a
    /// `preferred_maintenance_window` that suits the workload.
    pub static REDSHIFT_VERSION_UPGRADE = {
        id: "CW-AWS-REDSHIFT-004",
        title: "Redshift version upgrades disabled",
        severity: Low,
        category: "patching",
        resource_types: ["aws_redshift_cluster"],
        checkov: ["CKV_AWS_141"],
        trivy: [],
        kics: [],
        remediation: "Set allow_version_upgrade = true (the default).",
        check: |ctx, report| require(ctx, report, CLUSTER, &Setting {
            path: "allow_version_upgrade",
            want: Want::True,
            absent: Absent::Passes,
            message: "engine version upgrades are disabled",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Redshift clusters use enhanced VPC routing: `enhanced_vpc_routing =
    /// true` (default `false`).
    ///
    /// ## Why it matters
    /// Without it, `COPY` and `UNLOAD` traffic to S3 leaves the VPC over the
    /// internet path, bypassing VPC endpoint policies, flow logs and the
    /// network controls that apply to everything else.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_redshift_cluster" "dw" {
    ///   cluster_identifier = "dw"
    ///   node_type          = "ra3.xlplus"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_redshift_cluster" "dw" {
    ///   cluster_identifier   = "dw"
    ///   node_type            = "ra3.xlplus"
    ///   enhanced_vpc_routing = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `enhanced_vpc_routing = true` and give the VPC an S3 gateway
    /// endpoint (or a NAT path) for `COPY`/`UNLOAD`.
    pub static REDSHIFT_ENHANCED_VPC_ROUTING = {
        id: "CW-AWS-REDSHIFT-005",
        title: "Redshift without enhanced VPC routing",
        severity: Low,
        category: "network",
        resource_types: ["aws_redshift_cluster"],
        checkov: ["CKV_AWS_321"],
        trivy: [],
        kics: [],
        remediation: "Set enhanced_vpc_routing = true.",
        check: |ctx, report| require(ctx, report, CLUSTER, &Setting {
            path: "enhanced_vpc_routing",
            want: Want::True,
            absent: Absent::Fails("enhanced_vpc_routing is not set (the default is false)"),
            message: "enhanced VPC routing is off",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Redshift clusters keep automated snapshots:
    /// `automated_snapshot_retention_period` is not 0 (the default is 1 day).
    ///
    /// ## Why it matters
    /// With retention 0, automated snapshots are off: a dropped table or a
    /// bad load can only be undone from manual snapshots, if any exist.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_redshift_cluster" "dw" {
    ///   cluster_identifier                  = "dw"
    ///   node_type                           = "ra3.xlplus"
    ///   automated_snapshot_retention_period = 0
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_redshift_cluster" "dw" {
    ///   cluster_identifier                  = "dw"
    ///   node_type                           = "ra3.xlplus"
    ///   automated_snapshot_retention_period = 7
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `automated_snapshot_retention_period` to 1–35 days (7 or more for
    /// production).
    pub static REDSHIFT_SNAPSHOT_RETENTION = {
        id: "CW-AWS-REDSHIFT-006",
        title: "Redshift automated snapshots disabled",
        severity: Medium,
        category: "backup",
        resource_types: ["aws_redshift_cluster"],
        checkov: ["CKV_AWS_343"],
        trivy: [],
        kics: [],
        remediation: "Set automated_snapshot_retention_period to at least 1 day.",
        check: |ctx, report| require(ctx, report, CLUSTER, &Setting {
            path: "automated_snapshot_retention_period",
            want: Want::AtLeast(1.0),
            absent: Absent::Passes,
            message: "automated snapshots are disabled (retention 0)",
        }),
    }
}

/// Does a parameter group set `require_ssl` to true?
fn requires_ssl(group: &cloudwright_model::Resource) -> Tri<bool> {
    let params = match get(group, "parameter") {
        Tri::Known(v) => v,
        Tri::Absent => return Tri::Known(false),
        Tri::Unknown(why) => return Tri::Unknown(why),
    };
    for p in params.as_list().unwrap_or_default() {
        let name = p.get("name");
        if name
            .as_ref()
            .and_then(|v| v.as_str())
            .is_some_and(|n| n.eq_ignore_ascii_case("require_ssl"))
        {
            return match p.get("value") {
                Some(v) if v.is_unknown() => {
                    Tri::Unknown(format!("require_ssl is {}", v.why_unknown()))
                }
                Some(v) => Tri::Known(
                    v.as_str().is_some_and(|s| s.eq_ignore_ascii_case("true"))
                        || v.as_bool() == Some(true),
                ),
                None => Tri::Known(false),
            };
        }
        if p.is_unknown() {
            return Tri::Unknown(format!("a parameter block is {}", p.why_unknown()));
        }
    }
    Tri::Known(false)
}

fn check_require_ssl(ctx: &Context<'_>, report: &mut Report) {
    for cluster in ctx.resources(CLUSTER) {
        report.checked(cluster);
        match ctx.referenced(
            cluster,
            "cluster_parameter_group_name",
            "aws_redshift_parameter_group",
            "name",
        ) {
            Tri::Known(Some(group)) => match requires_ssl(group) {
                Tri::Known(true) => {}
                Tri::Known(false) | Tri::Absent => {
                    report.fail(
                        cluster,
                        "cluster_parameter_group_name",
                        format!(
                            "parameter group {} does not set require_ssl = true",
                            group.address
                        ),
                    );
                }
                Tri::Unknown(why) => report.unknown(cluster, why),
            },
            Tri::Known(None) => match get_str(cluster, "cluster_parameter_group_name") {
                Tri::Absent => {
                    report.fail(
                        cluster,
                        "",
                        "the default parameter group does not require SSL",
                    );
                }
                Tri::Known(name) if name.starts_with("default.") => {
                    report.fail(
                        cluster,
                        "cluster_parameter_group_name",
                        "the default parameter group does not require SSL",
                    );
                }
                _ => report.unknown(
                    cluster,
                    "the parameter group is not defined in this configuration",
                ),
            },
            Tri::Unknown(why) => report.unknown(cluster, why),
            Tri::Absent => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Redshift clusters refuse unencrypted connections: the cluster's
    /// parameter group (`cluster_parameter_group_name`, followed to its
    /// `aws_redshift_parameter_group`) sets `require_ssl` to `true`. The
    /// default parameter group does not. A group defined outside the
    /// configuration is undecidable.
    ///
    /// ## Why it matters
    /// Without `require_ssl`, clients may connect in plaintext, sending
    /// credentials and result sets across the network unencrypted.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_redshift_cluster" "dw" {
    ///   cluster_identifier = "dw"
    ///   node_type          = "ra3.xlplus"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_redshift_parameter_group" "tls" {
    ///   name   = "dw-tls"
    ///   family = "redshift-2.0"
    ///   parameter {
    ///     name  = "require_ssl"
    ///     value = "true"
    ///   }
    /// }
    /// resource "aws_redshift_cluster" "dw" {
    ///   cluster_identifier           = "dw"
    ///   node_type                    = "ra3.xlplus"
    ///   cluster_parameter_group_name = aws_redshift_parameter_group.tls.name
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Create a parameter group with `require_ssl = true` and attach it.
    pub static REDSHIFT_REQUIRE_SSL = {
        id: "CW-AWS-REDSHIFT-007",
        title: "Redshift accepts unencrypted connections",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_redshift_cluster", "aws_redshift_parameter_group"],
        checkov: ["CKV_AWS_105"],
        trivy: [],
        kics: [],
        remediation: "Attach a parameter group that sets require_ssl = true.",
        check: check_require_ssl,
    }
}
