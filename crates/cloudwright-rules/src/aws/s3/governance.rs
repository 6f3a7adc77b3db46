//! Bucket governance: the account-level public access block, lifecycle
//! rules, object lock for audit logs, and KMS for sensitive data.

use crate::check::{count, get_str, Context, Tri};
use crate::Report;
use cloudwright_model::Resource;

fn check_account_block(ctx: &Context<'_>, report: &mut Report) {
    for block in ctx.resources(&["aws_s3_account_public_access_block"]) {
        report.checked(block);
        let mut off = Vec::new();
        let mut undecided = None;
        for attr in [
            "block_public_acls",
            "block_public_policy",
            "ignore_public_acls",
            "restrict_public_buckets",
        ] {
            match crate::check::get_bool(block, attr) {
                Tri::Known(true) => {}
                Tri::Unknown(why) => {
                    undecided.get_or_insert(why);
                }
                _ => off.push(attr),
            }
        }
        if !off.is_empty() {
            report.fail(
                block,
                "",
                format!("the account-level block leaves {} off", off.join(", ")),
            );
        } else if let Some(why) = undecided {
            report.unknown(block, why);
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// The account-level S3 public access block turns on all four settings:
    /// `block_public_acls`, `block_public_policy`, `ignore_public_acls` and
    /// `restrict_public_buckets` on `aws_s3_account_public_access_block`
    /// (each defaults to `false`).
    ///
    /// ## Why it matters
    /// The account-level block is the backstop for every bucket, including
    /// those created later by other tools or by hand. A partial block
    /// leaves a path to public data open account-wide.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_s3_account_public_access_block" "this" {
    ///   block_public_acls = true
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_s3_account_public_access_block" "this" {
    ///   block_public_acls       = true
    ///   block_public_policy     = true
    ///   ignore_public_acls      = true
    ///   restrict_public_buckets = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Turn all four on; serve public content through CloudFront with
    /// origin access control instead of public buckets.
    pub static S3_ACCOUNT_PUBLIC_ACCESS_BLOCK = {
        id: "CW-AWS-S3-008",
        title: "Account-level S3 public access block incomplete",
        severity: High,
        category: "network",
        resource_types: ["aws_s3_account_public_access_block"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Set all four settings of aws_s3_account_public_access_block to true.",
        check: check_account_block,
    }
}

fn check_lifecycle(ctx: &Context<'_>, report: &mut Report) {
    for bucket in ctx.resources(&["aws_s3_bucket"]) {
        report.checked(bucket);
        match count(bucket, "lifecycle_rule") {
            Tri::Known(n) if n > 0 => continue,
            Tri::Unknown(why) => {
                report.unknown(bucket, why);
                continue;
            }
            _ => {}
        }
        match super::bucket_companions(ctx, bucket, "aws_s3_bucket_lifecycle_configuration") {
            Tri::Known(found) if !found.is_empty() => {}
            Tri::Unknown(why) => report.unknown(bucket, why),
            _ => {
                report.fail(bucket, "", format!("bucket `{}` has no lifecycle rules: objects, old versions and incomplete uploads are kept and billed forever", bucket.name));
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Buckets have lifecycle rules: an `aws_s3_bucket_lifecycle_configuration`
    /// for the bucket (or the older inline `lifecycle_rule`).
    ///
    /// ## Why it matters
    /// Without lifecycle rules, logs and temporary data, noncurrent versions
    /// of versioned buckets and parts of abandoned multipart uploads
    /// accumulate forever — a cost that only grows, and data kept longer
    /// than any retention policy allows.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_s3_bucket" "logs" {
    ///   bucket = "acme-logs"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_s3_bucket" "logs" {
    ///   bucket = "acme-logs"
    /// }
    /// resource "aws_s3_bucket_lifecycle_configuration" "logs" {
    ///   bucket = aws_s3_bucket.logs.id
    ///   rule {
    ///     id     = "expire"
    ///     status = "Enabled"
    ///     filter {}
    ///     expiration { days = 365 }
    ///     noncurrent_version_expiration { noncurrent_days = 30 }
    ///     abort_incomplete_multipart_upload { days_after_initiation = 7 }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add a lifecycle configuration: transitions to cheaper classes,
    /// expiration, noncurrent-version expiration and aborting incomplete
    /// uploads.
    pub static S3_LIFECYCLE = {
        id: "CW-AWS-S3-009",
        title: "S3 bucket without lifecycle rules",
        severity: Low,
        category: "cost",
        resource_types: ["aws_s3_bucket", "aws_s3_bucket_lifecycle_configuration"],
        checkov: ["CKV2_AWS_61"],
        trivy: [],
        kics: [],
        remediation: "Add an aws_s3_bucket_lifecycle_configuration.",
        check: check_lifecycle,
    }
}

/// Buckets that receive CloudTrail logs: named by a trail's
/// `s3_bucket_name` (by reference or value) in the same root module.
fn check_object_lock(ctx: &Context<'_>, report: &mut Report) {
    for trail in ctx.resources(&["aws_cloudtrail"]) {
        let bucket = match ctx.referenced(trail, "s3_bucket_name", "aws_s3_bucket", "bucket") {
            Tri::Known(Some(bucket)) => bucket,
            // which bucket the trail writes to is not known
            Tri::Unknown(why) => {
                report.checked(trail);
                report.unknown(trail, why);
                continue;
            }
            _ => continue,
        };
        report.checked(bucket);
        match crate::check::get_bool(bucket, "object_lock_enabled") {
            Tri::Known(true) => {}
            Tri::Unknown(why) => report.unknown(bucket, why),
            _ => {
                // the older inline form
                if matches!(get_str(bucket, "object_lock_configuration.0.object_lock_enabled"), Tri::Known(s) if s == "Enabled")
                {
                    continue;
                }
                report.fail(bucket, "", format!("bucket `{}` holds the audit log of {} without object lock: whoever can delete objects can erase the trail", bucket.name, trail.address));
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Buckets that receive CloudTrail logs (a trail's `s3_bucket_name`)
    /// have S3 Object Lock: `object_lock_enabled = true` on the bucket
    /// (with retention set in `aws_s3_bucket_object_lock_configuration`).
    ///
    /// ## Why it matters
    /// An attacker with enough access deletes the audit trail to cover
    /// their tracks. Object Lock (WORM) keeps log objects undeletable for
    /// the retention period, even by the root user in compliance mode.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_s3_bucket" "trail" {
    ///   bucket = "acme-cloudtrail"
    /// }
    /// resource "aws_cloudtrail" "main" {
    ///   name           = "main"
    ///   s3_bucket_name = aws_s3_bucket.trail.id
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_s3_bucket" "trail" {
    ///   bucket              = "acme-cloudtrail"
    ///   object_lock_enabled = true
    /// }
    /// resource "aws_s3_bucket_object_lock_configuration" "trail" {
    ///   bucket = aws_s3_bucket.trail.id
    ///   rule {
    ///     default_retention {
    ///       mode = "GOVERNANCE"
    ///       days = 365
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Object Lock can only be enabled when the bucket is created (or
    /// through AWS support for existing ones): create a new locked bucket
    /// and point the trail at it.
    pub static S3_AUDIT_OBJECT_LOCK = {
        id: "CW-AWS-S3-010",
        title: "CloudTrail log bucket without object lock",
        severity: Medium,
        category: "logging",
        resource_types: ["aws_s3_bucket", "aws_cloudtrail"],
        checkov: ["CKV_AWS_143"],
        trivy: [],
        kics: [],
        remediation: "Create the trail bucket with object_lock_enabled = true and a retention.",
        check: check_object_lock,
    }
}

/// The data classification a bucket's tags give it, lower-cased.
pub(crate) fn classification(bucket: &Resource) -> Tri<Option<String>> {
    crate::check::tag(
        bucket,
        &[
            "dataclassification",
            "classification",
            "confidentiality",
            "sensitivity",
            "dataclass",
        ],
    )
}

pub(crate) fn sensitive_class(class: &str) -> bool {
    [
        "confidential",
        "restricted",
        "sensitive",
        "secret",
        "pii",
        "phi",
        "pci",
        "private",
    ]
    .iter()
    .any(|w| class.contains(w))
}

/// The default encryption algorithm a bucket's companion (or inline block)
/// declares: `Known(None)` when none is declared.
fn sse_algorithm(ctx: &Context<'_>, bucket: &Resource) -> Tri<Option<String>> {
    let inline = "server_side_encryption_configuration.0.rule.0.apply_server_side_encryption_by_default.0.sse_algorithm";
    match get_str(bucket, inline) {
        Tri::Known(a) => return Tri::Known(Some(a)),
        Tri::Unknown(why) => return Tri::Unknown(why),
        Tri::Absent => {}
    }
    match super::bucket_companions(
        ctx,
        bucket,
        "aws_s3_bucket_server_side_encryption_configuration",
    ) {
        Tri::Known(list) => match list.first() {
            Some(c) => get_str(
                c,
                "rule.0.apply_server_side_encryption_by_default.0.sse_algorithm",
            )
            .map(Some),
            None => Tri::Known(None),
        },
        Tri::Unknown(why) => Tri::Unknown(why),
        Tri::Absent => Tri::Known(None),
    }
}

fn check_sensitive_kms(ctx: &Context<'_>, report: &mut Report) {
    for bucket in ctx.resources(&["aws_s3_bucket"]) {
        let class = match classification(bucket) {
            Tri::Known(Some(c)) if sensitive_class(&c) => c,
            Tri::Unknown(why) => {
                report.checked(bucket);
                report.unknown(bucket, why);
                continue;
            }
            _ => continue,
        };
        report.checked(bucket);
        match sse_algorithm(ctx, bucket) {
            Tri::Known(Some(a)) if a.starts_with("aws:kms") => {}
            Tri::Known(Some(a)) => {
                report.fail(
                    bucket,
                    "",
                    format!(
                        "bucket `{}` is classified {class} but encrypts with {a}, not SSE-KMS",
                        bucket.name
                    ),
                );
            }
            Tri::Known(None) | Tri::Absent => {
                report.fail(bucket, "", format!("bucket `{}` is classified {class} but uses the default SSE-S3 encryption, not SSE-KMS", bucket.name));
            }
            Tri::Unknown(why) => report.unknown(bucket, why),
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Buckets whose tags classify their data as sensitive — a
    /// `DataClassification` / `Classification` / `Confidentiality` /
    /// `Sensitivity` tag naming confidential, restricted, sensitive,
    /// secret, private, PII, PHI or PCI — encrypt by default with SSE-KMS
    /// (`aws:kms` or `aws:kms:dsse`), not SSE-S3.
    ///
    /// ## Why it matters
    /// With SSE-S3, anyone allowed `s3:GetObject` reads the data. SSE-KMS
    /// adds the key policy as a second gate, logs every decryption in
    /// CloudTrail, and lets you cut off access by disabling the key.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_s3_bucket" "customers" {
    ///   bucket = "acme-customers"
    ///   tags   = { DataClassification = "confidential" }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_s3_bucket" "customers" {
    ///   bucket = "acme-customers"
    ///   tags   = { DataClassification = "confidential" }
    /// }
    /// resource "aws_s3_bucket_server_side_encryption_configuration" "customers" {
    ///   bucket = aws_s3_bucket.customers.id
    ///   rule {
    ///     apply_server_side_encryption_by_default {
    ///       sse_algorithm     = "aws:kms"
    ///       kms_master_key_id = aws_kms_key.customers.arn
    ///     }
    ///     bucket_key_enabled = true
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Declare SSE-KMS with a customer managed key (and `bucket_key_enabled`
    /// to keep KMS request costs down).
    pub static S3_SENSITIVE_KMS = {
        id: "CW-AWS-S3-011",
        title: "Sensitive S3 bucket not encrypted with KMS",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_s3_bucket", "aws_s3_bucket_server_side_encryption_configuration"],
        checkov: ["CKV_AWS_145"],
        trivy: ["AVD-AWS-0132", "aws-s3-encryption-customer-key"],
        kics: [],
        remediation: "Use sse_algorithm = \"aws:kms\" with a customer managed key.",
        check: check_sensitive_kms,
    }
}

/// The business criticality a bucket's tags give it, lower-cased.
fn criticality(bucket: &Resource) -> Tri<Option<String>> {
    crate::check::tag(
        bucket,
        &[
            "criticality",
            "businesscriticality",
            "tier",
            "servicetier",
            "backuptier",
        ],
    )
}

fn critical(level: &str) -> bool {
    let l = level.replace(['-', '_', ' '], "");
    matches!(
        l.as_str(),
        "critical" | "missioncritical" | "businesscritical" | "tier0" | "tier1" | "high"
    )
}

fn check_replication(ctx: &Context<'_>, report: &mut Report) {
    for bucket in ctx.resources(&["aws_s3_bucket"]) {
        let level = match criticality(bucket) {
            Tri::Known(Some(l)) if critical(&l) => l,
            Tri::Unknown(why) => {
                report.checked(bucket);
                report.unknown(bucket, why);
                continue;
            }
            _ => continue,
        };
        report.checked(bucket);
        match count(bucket, "replication_configuration") {
            Tri::Known(n) if n > 0 => continue,
            Tri::Unknown(why) => {
                report.unknown(bucket, why);
                continue;
            }
            _ => {}
        }
        match super::bucket_companions(ctx, bucket, "aws_s3_bucket_replication_configuration") {
            Tri::Known(found) if !found.is_empty() => {}
            Tri::Unknown(why) => report.unknown(bucket, why),
            _ => {
                report.fail(bucket, "", format!("bucket `{}` is tagged {level} but is not replicated: a regional outage or a deletion leaves no copy", bucket.name));
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Buckets tagged as critical (a `Criticality` / `Tier` /
    /// `BusinessCriticality` tag of critical, mission-critical, tier-0,
    /// tier-1 or high) are replicated: an
    /// `aws_s3_bucket_replication_configuration` for the bucket (or the
    /// older inline `replication_configuration`).
    ///
    /// ## Why it matters
    /// S3 is durable within a region, but a regional outage makes the data
    /// unavailable, and a deletion or ransomware encryption is replicated
    /// nowhere. Replication to another region (or account, with delete
    /// markers not replicated) gives the recovery point a critical dataset
    /// needs.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_s3_bucket" "ledger" {
    ///   bucket = "acme-ledger"
    ///   tags   = { Criticality = "critical" }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_s3_bucket_replication_configuration" "ledger" {
    ///   bucket = aws_s3_bucket.ledger.id
    ///   role   = aws_iam_role.replication.arn
    ///   rule {
    ///     id     = "dr"
    ///     status = "Enabled"
    ///     destination {
    ///       bucket        = aws_s3_bucket.ledger_dr.arn
    ///       storage_class = "STANDARD_IA"
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Enable versioning and replicate to a bucket in another region (and
    /// preferably another account).
    pub static S3_CRITICAL_REPLICATION = {
        id: "CW-AWS-S3-012",
        title: "Critical S3 bucket not replicated",
        severity: Medium,
        category: "resilience",
        resource_types: ["aws_s3_bucket", "aws_s3_bucket_replication_configuration"],
        checkov: ["CKV_AWS_144"],
        trivy: [],
        kics: [],
        remediation: "Add an aws_s3_bucket_replication_configuration to another region.",
        check: check_replication,
    }
}
