//! Amazon OpenSearch Service (`aws_opensearch_domain`, and the older
//! `aws_elasticsearch_domain` with the same settings).

use crate::check::{get, Context, Tri};
use crate::setting::{require, Absent, Setting, Want};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &OPENSEARCH_AT_REST,
        &OPENSEARCH_NODE_TO_NODE,
        &OPENSEARCH_HTTPS,
        &OPENSEARCH_TLS_POLICY,
        &OPENSEARCH_AUDIT_LOGS,
        &OPENSEARCH_IN_VPC,
        &OPENSEARCH_FINE_GRAINED,
        &OPENSEARCH_DEDICATED_MASTERS,
        &OPENSEARCH_ZONE_AWARENESS,
    ]
}

const DOMAINS: &[&str] = &["aws_opensearch_domain", "aws_elasticsearch_domain"];

crate::rule! {
    /// ## What it checks
    /// Domains encrypt data at rest: `encrypt_at_rest { enabled = true }`.
    ///
    /// ## Why it matters
    /// Search indexes copy the documents they index — logs, orders, customer
    /// records. Encryption at rest also covers the automated snapshots and
    /// swap files, and is a precondition for fine-grained access control.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    ///   encrypt_at_rest {
    ///     enabled = true
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `encrypt_at_rest { enabled = true }` (optionally with
    /// `kms_key_id`).
    pub static OPENSEARCH_AT_REST = {
        id: "CW-AWS-OPENSEARCH-001",
        title: "OpenSearch domain not encrypted at rest",
        severity: High,
        category: "encryption",
        resource_types: ["aws_opensearch_domain", "aws_elasticsearch_domain"],
        checkov: ["CKV_AWS_5"],
        trivy: ["AVD-AWS-0048", "aws-elastic-search-enable-domain-encryption"],
        kics: ["24e16922-4330-4e9d-be8a-caa90299466a"],
        remediation: "Add encrypt_at_rest { enabled = true }.",
        check: |ctx, report| require(ctx, report, DOMAINS, &Setting {
            path: "encrypt_at_rest.0.enabled",
            want: Want::True,
            absent: Absent::Fails("no encrypt_at_rest block: data at rest is not encrypted"),
            message: "encryption at rest is disabled",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Domains encrypt traffic between their nodes:
    /// `node_to_node_encryption { enabled = true }`.
    ///
    /// ## Why it matters
    /// Shard replication and queries fan out between nodes; without
    /// node-to-node encryption that traffic crosses the VPC in plaintext.
    /// It is required for fine-grained access control.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    ///   node_to_node_encryption {
    ///     enabled = true
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `node_to_node_encryption { enabled = true }`.
    pub static OPENSEARCH_NODE_TO_NODE = {
        id: "CW-AWS-OPENSEARCH-002",
        title: "OpenSearch node-to-node traffic not encrypted",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_opensearch_domain", "aws_elasticsearch_domain"],
        checkov: ["CKV_AWS_6"],
        trivy: ["AVD-AWS-0043", "aws-elastic-search-enable-in-transit-encryption"],
        kics: [],
        remediation: "Add node_to_node_encryption { enabled = true }.",
        check: |ctx, report| require(ctx, report, DOMAINS, &Setting {
            path: "node_to_node_encryption.0.enabled",
            want: Want::True,
            absent: Absent::Fails("no node_to_node_encryption block: traffic between nodes is not encrypted"),
            message: "node-to-node encryption is disabled",
        }),
    }
}

fn check_https(ctx: &Context<'_>, report: &mut Report) {
    for domain in ctx.resources(DOMAINS) {
        report.checked(domain);
        match get(domain, "domain_endpoint_options") {
            // the block absent: the API default does not enforce HTTPS
            Tri::Absent => {
                report.fail(
                    domain,
                    "",
                    "no domain_endpoint_options block: HTTPS is not enforced",
                );
            }
            Tri::Unknown(why) => report.unknown(domain, why),
            // within the block, the provider defaults enforce_https to true
            Tri::Known(_) => match get(domain, "domain_endpoint_options.0.enforce_https").boolean()
            {
                Tri::Known(false) => {
                    report.fail(
                        domain,
                        "domain_endpoint_options[0].enforce_https",
                        "HTTPS is not enforced",
                    );
                }
                Tri::Unknown(why) => report.unknown(domain, why),
                _ => {}
            },
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Domains refuse plain HTTP: `domain_endpoint_options` is present and
    /// its `enforce_https` is not `false` (inside the block the provider
    /// defaults it to `true`; without the block, the service does not
    /// enforce HTTPS).
    ///
    /// ## Why it matters
    /// Over HTTP, queries, documents and the credentials or signed requests
    /// that carry them travel in plaintext.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    ///   domain_endpoint_options {
    ///     enforce_https       = true
    ///     tls_security_policy = "Policy-Min-TLS-1-2-2019-07"
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `domain_endpoint_options { enforce_https = true }`.
    pub static OPENSEARCH_HTTPS = {
        id: "CW-AWS-OPENSEARCH-003",
        title: "OpenSearch domain accepts plain HTTP",
        severity: High,
        category: "encryption",
        resource_types: ["aws_opensearch_domain", "aws_elasticsearch_domain"],
        checkov: ["CKV_AWS_83"],
        trivy: ["AVD-AWS-0046", "aws-elastic-search-enforce-https"],
        kics: ["2e9e0729-66d5-4148-9d39-5e6fb4bf2a4e"],
        remediation: "Add domain_endpoint_options { enforce_https = true }.",
        check: check_https,
    }
}

crate::rule! {
    /// ## What it checks
    /// Domains accept TLS 1.2 or later only:
    /// `domain_endpoint_options.tls_security_policy` is not
    /// `Policy-Min-TLS-1-0-2019-07`. Since 2025 the service defaults new
    /// domains to `Policy-Min-TLS-1-2-2019-07`, so an unset policy passes;
    /// AWS ended TLS 1.0/1.1 support for OpenSearch on 20 April 2026, so a
    /// configuration that still asks for the old policy is both weak and out
    /// of date.
    ///
    /// ## Why it matters
    /// TLS 1.0 and 1.1 are deprecated (RFC 8996) and allow downgrade attacks
    /// and weak cipher suites.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    ///   domain_endpoint_options {
    ///     enforce_https       = true
    ///     tls_security_policy = "Policy-Min-TLS-1-0-2019-07"
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    ///   domain_endpoint_options {
    ///     enforce_https       = true
    ///     tls_security_policy = "Policy-Min-TLS-1-2-PFS-2023-10"
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `tls_security_policy = "Policy-Min-TLS-1-2-PFS-2023-10"`.
    pub static OPENSEARCH_TLS_POLICY = {
        id: "CW-AWS-OPENSEARCH-004",
        title: "OpenSearch domain accepts TLS older than 1.2",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_opensearch_domain", "aws_elasticsearch_domain"],
        checkov: ["CKV_AWS_228"],
        trivy: ["AVD-AWS-0126", "aws-elastic-search-use-secure-tls-policy"],
        kics: [],
        remediation: "Set tls_security_policy = \"Policy-Min-TLS-1-2-PFS-2023-10\".",
        check: |ctx, report| require(ctx, report, DOMAINS, &Setting {
            path: "domain_endpoint_options.0.tls_security_policy",
            want: Want::NoneOf(&["Policy-Min-TLS-1-0-2019-07"]),
            absent: Absent::Passes,
            message: "the TLS policy accepts TLS 1.0 and 1.1",
        }),
    }
}

/// Is one of the domain's `log_publishing_options` an enabled audit log?
fn check_audit_logs(ctx: &Context<'_>, report: &mut Report) {
    for domain in ctx.resources(DOMAINS) {
        report.checked(domain);
        let options = match get(domain, "log_publishing_options") {
            Tri::Known(v) => v,
            Tri::Absent => {
                report.fail(
                    domain,
                    "",
                    "no log_publishing_options: audit logs are not published",
                );
                continue;
            }
            Tri::Unknown(why) => {
                report.unknown(domain, why);
                continue;
            }
        };
        let mut unknown = None;
        let mut found = false;
        for option in options.as_list().unwrap_or_default() {
            let kind = option.get("log_type");
            let enabled = option.get("enabled");
            match (kind.as_ref(), enabled.as_ref()) {
                (Some(k), _) if k.is_unknown() => {
                    unknown.get_or_insert_with(|| format!("a log_type is {}", k.why_unknown()));
                }
                (Some(k), e) if k.as_str() == Some("AUDIT_LOGS") => match e {
                    Some(e) if e.is_unknown() => {
                        unknown.get_or_insert_with(|| format!("enabled is {}", e.why_unknown()));
                    }
                    Some(e) if e.as_bool() == Some(false) => {}
                    // `enabled` defaults to true
                    _ => found = true,
                },
                _ => {}
            }
        }
        if found {
            continue;
        }
        match unknown {
            Some(why) => report.unknown(domain, why),
            None => {
                report.fail(
                    domain,
                    "log_publishing_options",
                    "AUDIT_LOGS are not published",
                );
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Domains publish audit logs: a `log_publishing_options` block with
    /// `log_type = "AUDIT_LOGS"` that is not disabled.
    ///
    /// ## Why it matters
    /// Audit logs record authentication failures and which user read or
    /// changed which index — the trail for access to the data itself.
    /// (Audit logs need fine-grained access control, CW-AWS-OPENSEARCH-007.)
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    ///   log_publishing_options {
    ///     log_type                 = "INDEX_SLOW_LOGS"
    ///     cloudwatch_log_group_arn = aws_cloudwatch_log_group.slow.arn
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    ///   log_publishing_options {
    ///     log_type                 = "AUDIT_LOGS"
    ///     cloudwatch_log_group_arn = aws_cloudwatch_log_group.audit.arn
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add a `log_publishing_options` block for `AUDIT_LOGS` with a
    /// CloudWatch log group whose resource policy lets OpenSearch write.
    pub static OPENSEARCH_AUDIT_LOGS = {
        id: "CW-AWS-OPENSEARCH-005",
        title: "OpenSearch domain without audit logs",
        severity: Medium,
        category: "logging",
        resource_types: ["aws_opensearch_domain", "aws_elasticsearch_domain"],
        checkov: ["CKV_AWS_317"],
        trivy: [],
        kics: [],
        remediation: "Add log_publishing_options { log_type = \"AUDIT_LOGS\" ... }.",
        check: check_audit_logs,
    }
}

crate::rule! {
    /// ## What it checks
    /// Domains are deployed inside a VPC: a `vpc_options` block with
    /// `subnet_ids`.
    ///
    /// ## Why it matters
    /// A domain outside a VPC has a public endpoint; its only protection is
    /// the access policy, and one over-broad statement makes the cluster
    /// readable from the internet — a very common source of data leaks.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    ///   vpc_options {
    ///     subnet_ids         = var.private_subnet_ids
    ///     security_group_ids = [aws_security_group.search.id]
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `vpc_options` with private subnets (a new domain: a domain cannot
    /// move into a VPC in place).
    pub static OPENSEARCH_IN_VPC = {
        id: "CW-AWS-OPENSEARCH-006",
        title: "OpenSearch domain with a public endpoint",
        severity: High,
        category: "network",
        resource_types: ["aws_opensearch_domain", "aws_elasticsearch_domain"],
        checkov: ["CKV_AWS_137"],
        trivy: [],
        kics: [],
        remediation: "Deploy the domain in a VPC with vpc_options.",
        check: |ctx, report| require(ctx, report, DOMAINS, &Setting {
            path: "vpc_options.0.subnet_ids",
            want: Want::Present,
            absent: Absent::Fails("no vpc_options: the domain has a public endpoint"),
            message: "vpc_options lists no subnets",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Domains use fine-grained access control:
    /// `advanced_security_options { enabled = true }`.
    ///
    /// ## Why it matters
    /// Without it, anyone the access policy admits can read and write every
    /// index. Fine-grained access control adds users and roles with index-,
    /// document- and field-level permissions, and enables audit logs.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    ///   advanced_security_options {
    ///     enabled                        = true
    ///     internal_user_database_enabled = false
    ///     master_user_options {
    ///       master_user_arn = aws_iam_role.search_admin.arn
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `advanced_security_options { enabled = true }` with an IAM master
    /// user (requires encryption at rest, node-to-node encryption and HTTPS).
    pub static OPENSEARCH_FINE_GRAINED = {
        id: "CW-AWS-OPENSEARCH-007",
        title: "OpenSearch domain without fine-grained access control",
        severity: Medium,
        category: "iam",
        resource_types: ["aws_opensearch_domain", "aws_elasticsearch_domain"],
        checkov: ["CKV2_AWS_52"],
        trivy: [],
        kics: [],
        remediation: "Add advanced_security_options { enabled = true }.",
        check: |ctx, report| require(ctx, report, DOMAINS, &Setting {
            path: "advanced_security_options.0.enabled",
            want: Want::True,
            absent: Absent::Fails("no advanced_security_options: fine-grained access control is off"),
            message: "fine-grained access control is disabled",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Domains run three dedicated master nodes:
    /// `cluster_config.dedicated_master_enabled = true` with
    /// `dedicated_master_count` of at least 3.
    ///
    /// ## Why it matters
    /// Without dedicated masters, data nodes also manage the cluster state;
    /// under load they stop answering, the cluster loses its master and goes
    /// red. Three masters keep a quorum when one fails.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    ///   cluster_config {
    ///     instance_type  = "r6g.large.search"
    ///     instance_count = 3
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    ///   cluster_config {
    ///     instance_type            = "r6g.large.search"
    ///     instance_count           = 3
    ///     dedicated_master_enabled = true
    ///     dedicated_master_type    = "m6g.large.search"
    ///     dedicated_master_count   = 3
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Enable three dedicated master nodes.
    pub static OPENSEARCH_DEDICATED_MASTERS = {
        id: "CW-AWS-OPENSEARCH-008",
        title: "OpenSearch domain without three dedicated master nodes",
        severity: Low,
        category: "resilience",
        resource_types: ["aws_opensearch_domain", "aws_elasticsearch_domain"],
        checkov: ["CKV_AWS_318"],
        trivy: [],
        kics: [],
        remediation: "Set dedicated_master_enabled = true and dedicated_master_count = 3.",
        check: |ctx, report| {
            for d in ctx.resources(DOMAINS) {
                crate::setting::record(report, d, crate::setting::all_of(d, &[
                    Setting {
                        path: "cluster_config.0.dedicated_master_enabled",
                        want: Want::True,
                        absent: Absent::Fails("no dedicated master nodes: data nodes also manage the cluster"),
                        message: "dedicated master nodes are off",
                    },
                    Setting {
                        path: "cluster_config.0.dedicated_master_count",
                        want: Want::AtLeast(3.0),
                        absent: Absent::Passes,
                        message: "fewer than three dedicated masters cannot keep a quorum through a failure",
                    },
                ]));
            }
        },
    }
}

crate::rule! {
    /// ## What it checks
    /// Domains spread nodes across Availability Zones:
    /// `cluster_config.zone_awareness_enabled = true` (default `false`).
    ///
    /// ## Why it matters
    /// Without zone awareness, all nodes and shard replicas may sit in one
    /// zone, and a zone outage takes the whole domain down.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    ///   cluster_config {
    ///     instance_count = 3
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_opensearch_domain" "search" {
    ///   domain_name = "search"
    ///   cluster_config {
    ///     instance_count         = 3
    ///     zone_awareness_enabled = true
    ///     zone_awareness_config {
    ///       availability_zone_count = 3
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Enable zone awareness with two or three zones and a node count that
    /// is a multiple of them.
    pub static OPENSEARCH_ZONE_AWARENESS = {
        id: "CW-AWS-OPENSEARCH-009",
        title: "OpenSearch domain in a single Availability Zone",
        severity: Medium,
        category: "resilience",
        resource_types: ["aws_opensearch_domain", "aws_elasticsearch_domain"],
        checkov: [],
        trivy: [],
        kics: [],
        remediation: "Set cluster_config.zone_awareness_enabled = true.",
        check: |ctx, report| require(ctx, report, DOMAINS, &Setting {
            path: "cluster_config.0.zone_awareness_enabled",
            want: Want::True,
            absent: Absent::Fails("zone awareness is not enabled: the domain's nodes may all sit in one zone"),
            message: "zone awareness is off",
        }),
    }
}
