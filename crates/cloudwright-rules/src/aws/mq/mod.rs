//! Amazon MQ brokers.

use crate::setting::{require, Absent, Setting, Want};
use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![&MQ_PUBLIC, &MQ_GENERAL_LOGS, &MQ_MINOR_UPGRADES]
}

const BROKERS: &[&str] = &["aws_mq_broker"];

crate::rule! {
    /// ## What it checks
    /// Brokers are not publicly accessible: `publicly_accessible` is not
    /// `true` (default `false`).
    ///
    /// ## Why it matters
    /// A public broker exposes its wire-level endpoints and web console to
    /// the internet, leaving only broker credentials between an attacker
    /// and the messages.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_mq_broker" "orders" {
    ///   broker_name         = "orders"
    ///   engine_type         = "RabbitMQ"
    ///   publicly_accessible = true
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_mq_broker" "orders" {
    ///   broker_name     = "orders"
    ///   engine_type     = "RabbitMQ"
    ///   subnet_ids      = var.private_subnet_ids
    ///   security_groups = [aws_security_group.mq.id]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `publicly_accessible = false` and deploy into private subnets
    /// (a replacement).
    pub static MQ_PUBLIC = {
        id: "CW-AWS-MQ-001",
        title: "Amazon MQ broker publicly accessible",
        severity: High,
        category: "network",
        resource_types: ["aws_mq_broker"],
        checkov: ["CKV_AWS_69"],
        trivy: ["AVD-AWS-0072", "aws-mq-no-public-access"],
        kics: ["4eb5f791-c861-4afd-9f94-f2a6a3fe49cb"],
        remediation: "Set publicly_accessible = false.",
        check: |ctx, report| require(ctx, report, BROKERS, &Setting {
            path: "publicly_accessible",
            want: Want::False,
            absent: Absent::Passes,
            message: "the broker is reachable from the internet",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Brokers publish general logs to CloudWatch: `logs { general = true }`
    /// (off by default).
    ///
    /// ## Why it matters
    /// General logs record connections, errors and configuration changes
    /// of the broker — what is needed to investigate lost messages or
    /// unexpected clients.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_mq_broker" "orders" {
    ///   broker_name = "orders"
    ///   engine_type = "ActiveMQ"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_mq_broker" "orders" {
    ///   broker_name = "orders"
    ///   engine_type = "ActiveMQ"
    ///   logs {
    ///     general = true
    ///     audit   = true
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `logs { general = true }` (and `audit = true` for ActiveMQ).
    pub static MQ_GENERAL_LOGS = {
        id: "CW-AWS-MQ-002",
        title: "Amazon MQ broker without general logs",
        severity: Low,
        category: "logging",
        resource_types: ["aws_mq_broker"],
        checkov: ["CKV_AWS_48"],
        trivy: ["AVD-AWS-0071", "aws-mq-enable-general-logging"],
        kics: ["31245f98-a6a9-4182-9fc1-45482b9d030a"],
        remediation: "Add logs { general = true }.",
        check: |ctx, report| require(ctx, report, BROKERS, &Setting {
            path: "logs.0.general",
            want: Want::True,
            absent: Absent::Fails("general logs are not published (no logs block)"),
            message: "general logs are disabled",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Brokers take minor engine versions automatically:
    /// `auto_minor_version_upgrade = true` (the provider's default is
    /// `false`). RabbitMQ 3.13+ and ActiveMQ 5.18+ brokers are upgraded by
    /// AWS regardless and still need the flag set.
    ///
    /// ## Why it matters
    /// Minor versions of ActiveMQ and RabbitMQ carry security fixes — some
    /// for remotely exploitable bugs — that a pinned broker never receives.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_mq_broker" "orders" {
    ///   broker_name = "orders"
    ///   engine_type = "ActiveMQ"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_mq_broker" "orders" {
    ///   broker_name                = "orders"
    ///   engine_type                = "ActiveMQ"
    ///   auto_minor_version_upgrade = true
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `auto_minor_version_upgrade = true` with a maintenance window.
    pub static MQ_MINOR_UPGRADES = {
        id: "CW-AWS-MQ-003",
        title: "Amazon MQ broker without automatic minor upgrades",
        severity: Low,
        category: "patching",
        resource_types: ["aws_mq_broker"],
        checkov: ["CKV_AWS_207"],
        trivy: [],
        kics: [],
        remediation: "Set auto_minor_version_upgrade = true.",
        check: |ctx, report| require(ctx, report, BROKERS, &Setting {
            path: "auto_minor_version_upgrade",
            want: Want::True,
            absent: Absent::Fails("auto_minor_version_upgrade is not set (the provider's default is false)"),
            message: "automatic minor version upgrades are off",
        }),
    }
}
