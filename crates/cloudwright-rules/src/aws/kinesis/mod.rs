//! Amazon Kinesis Data Streams and Data Firehose.

use crate::check::{get, Tri};
use crate::setting::{require, require_where, Absent, Setting, Want};
use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![&KINESIS_ENCRYPTED, &FIREHOSE_ENCRYPTED]
}

crate::rule! {
    /// ## What it checks
    /// Kinesis data streams encrypt records at rest:
    /// `encryption_type = "KMS"` (default `NONE`).
    ///
    /// ## Why it matters
    /// Stream records — events, clickstreams, change data — are stored for
    /// the retention period; without server-side encryption they sit in the
    /// clear.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_kinesis_stream" "events" {
    ///   name = "events"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_kinesis_stream" "events" {
    ///   name            = "events"
    ///   encryption_type = "KMS"
    ///   kms_key_id      = "alias/aws/kinesis"
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Set `encryption_type = "KMS"` with a `kms_key_id` (it can be turned
    /// on for an existing stream).
    pub static KINESIS_ENCRYPTED = {
        id: "CW-AWS-KINESIS-001",
        title: "Kinesis stream not encrypted",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_kinesis_stream"],
        checkov: ["CKV_AWS_43"],
        trivy: ["AVD-AWS-0064", "aws-kinesis-enable-in-transit-encryption"],
        kics: ["862fe4bf-3eec-4767-a517-40f378886b88"],
        remediation: "Set encryption_type = \"KMS\".",
        check: |ctx, report| require(ctx, report, &["aws_kinesis_stream"], &Setting {
            path: "encryption_type",
            want: Want::OneOf(&["KMS"]),
            absent: Absent::Fails("encryption_type is not set (the default is NONE)"),
            message: "the stream is not encrypted",
        }),
    }
}

crate::rule! {
    /// ## What it checks
    /// Firehose delivery streams that receive records directly encrypt
    /// them: `server_side_encryption { enabled = true }` (default off).
    /// Streams reading from a Kinesis stream (`kinesis_source_configuration`)
    /// take their encryption from the source and are not checked.
    ///
    /// ## Why it matters
    /// Records are buffered in Firehose before delivery; unencrypted, they
    /// sit in the clear during that time.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_kinesis_firehose_delivery_stream" "logs" {
    ///   name        = "logs"
    ///   destination = "extended_s3"
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_kinesis_firehose_delivery_stream" "logs" {
    ///   name        = "logs"
    ///   destination = "extended_s3"
    ///   server_side_encryption {
    ///     enabled  = true
    ///     key_type = "CUSTOMER_MANAGED_CMK"
    ///     key_arn  = aws_kms_key.logs.arn
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Add `server_side_encryption { enabled = true }`.
    pub static FIREHOSE_ENCRYPTED = {
        id: "CW-AWS-KINESIS-002",
        title: "Firehose delivery stream not encrypted",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_kinesis_firehose_delivery_stream"],
        checkov: ["CKV_AWS_240"],
        trivy: [],
        kics: [],
        remediation: "Add server_side_encryption { enabled = true }.",
        check: |ctx, report| require_where(
            ctx,
            report,
            &["aws_kinesis_firehose_delivery_stream"],
            |r| match get(r, "kinesis_source_configuration") {
                Tri::Known(v) => Tri::Known(v.as_list().is_some_and(|l| l.is_empty())),
                Tri::Absent => Tri::Known(true),
                Tri::Unknown(why) => Tri::Unknown(why),
            },
            &Setting {
                path: "server_side_encryption.0.enabled",
                want: Want::True,
                absent: Absent::Fails("no server_side_encryption: buffered records are not encrypted"),
                message: "server-side encryption is disabled",
            },
        ),
    }
}
