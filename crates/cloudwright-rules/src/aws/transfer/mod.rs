//! AWS Transfer Family servers.

use crate::setting::{require, Absent, Setting, Want};
use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![&TRANSFER_PUBLIC, &TRANSFER_FTP]
}

crate::rule! {
    /// ## What it checks
    /// Transfer servers use a VPC endpoint: `endpoint_type` is not `PUBLIC`
    /// (the default is `PUBLIC`).
    ///
    /// ## Why it matters
    /// A public endpoint cannot be restricted by security groups or given
    /// fixed Elastic IPs; the server's login is open to the whole internet.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_transfer_server" "sftp" {
    ///   identity_provider_type = "SERVICE_MANAGED"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_transfer_server" "sftp" {
    ///   identity_provider_type = "SERVICE_MANAGED"
    ///   endpoint_type          = "VPC"
    ///   endpoint_details {
    ///     vpc_id             = aws_vpc.main.id
    ///     subnet_ids         = var.private_subnet_ids
    ///     security_group_ids = [aws_security_group.sftp.id]
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Use `endpoint_type = "VPC"` with security groups (and Elastic IPs
    /// for partners that allow-list addresses).
    pub static TRANSFER_PUBLIC = {
        id: "CW-AWS-TRANSFER-001",
        title: "Transfer Family server on a public endpoint",
        severity: Medium,
        category: "network",
        resource_types: ["aws_transfer_server"],
        checkov: ["CKV_AWS_164"],
        trivy: [],
        kics: [],
        remediation: "Set endpoint_type = \"VPC\" with security groups.",
        check: |ctx, report| require(ctx, report, &["aws_transfer_server"], &Setting {
            path: "endpoint_type",
            want: Want::NoneOf(&["PUBLIC"]),
            absent: Absent::Fails("endpoint_type is not set (the default is PUBLIC)"),
            message: "the server's endpoint is public",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Transfer servers do not offer plain FTP: `protocols` does not
    /// include `"FTP"`.
    ///
    /// ## Why it matters
    /// FTP sends user names, passwords and files in plaintext.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_transfer_server" "legacy" {
    ///   endpoint_type = "VPC"
    ///   protocols     = ["FTP", "FTPS"]
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_transfer_server" "legacy" {
    ///   endpoint_type = "VPC"
    ///   protocols     = ["SFTP", "FTPS"]
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Offer SFTP or FTPS only.
    pub static TRANSFER_FTP = {
        id: "CW-AWS-TRANSFER-002",
        title: "Transfer Family server offers plain FTP",
        severity: High,
        category: "encryption",
        resource_types: ["aws_transfer_server"],
        checkov: ["CKV_AWS_357"],
        trivy: [],
        kics: [],
        remediation: "Remove FTP from protocols.",
        check: |ctx, report| require(ctx, report, &["aws_transfer_server"], &Setting {
            path: "protocols",
            want: Want::Lacks(&["FTP"]),
            absent: Absent::Passes,
            message: "plain FTP is offered: credentials and files travel unencrypted",
        }),
    }
}
