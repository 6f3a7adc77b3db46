//! AWS Glue.

use crate::check::{get_bool, get_str, Context, Tri};
use crate::{Report, Rule};

pub fn rules() -> Vec<&'static Rule> {
    vec![&GLUE_CATALOG_ENCRYPTION, &GLUE_SECURITY_CONFIGURATION]
}

fn check_catalog(ctx: &Context<'_>, report: &mut Report) {
    for settings in ctx.resources(&["aws_glue_data_catalog_encryption_settings"]) {
        report.checked(settings);
        let base = "data_catalog_encryption_settings.0";
        match get_str(
            settings,
            &format!("{base}.encryption_at_rest.0.catalog_encryption_mode"),
        ) {
            Tri::Known(m) if m == "DISABLED" => {
                report.fail(settings, "data_catalog_encryption_settings[0].encryption_at_rest[0].catalog_encryption_mode", "the Data Catalog is not encrypted");
                continue;
            }
            Tri::Unknown(why) => {
                report.unknown(settings, why);
                continue;
            }
            _ => {}
        }
        match get_bool(
            settings,
            &format!(
                "{base}.connection_password_encryption.0.return_connection_password_encrypted"
            ),
        ) {
            Tri::Known(false) => {
                report.fail(settings, "data_catalog_encryption_settings[0].connection_password_encryption[0].return_connection_password_encrypted", "connection passwords are returned unencrypted");
            }
            Tri::Unknown(why) => report.unknown(settings, why),
            _ => {}
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// The Glue Data Catalog is encrypted:
    /// `aws_glue_data_catalog_encryption_settings` has
    /// `catalog_encryption_mode` other than `DISABLED` and
    /// `return_connection_password_encrypted = true`.
    ///
    /// ## Why it matters
    /// The catalog holds table definitions and the passwords of JDBC
    /// connections to source databases; unencrypted, anyone with
    /// `glue:GetConnection` reads those passwords.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_glue_data_catalog_encryption_settings" "this" {
    ///   data_catalog_encryption_settings {
    ///     encryption_at_rest {
    ///       catalog_encryption_mode = "DISABLED"
    ///     }
    ///     connection_password_encryption {
    ///       return_connection_password_encrypted = false
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_glue_data_catalog_encryption_settings" "this" {
    ///   data_catalog_encryption_settings {
    ///     encryption_at_rest {
    ///       catalog_encryption_mode = "SSE-KMS"
    ///       sse_aws_kms_key_id      = aws_kms_key.glue.arn
    ///     }
    ///     connection_password_encryption {
    ///       return_connection_password_encrypted = true
    ///       aws_kms_key_id                        = aws_kms_key.glue.arn
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Use `SSE-KMS` for the catalog and encrypt connection passwords.
    pub static GLUE_CATALOG_ENCRYPTION = {
        id: "CW-AWS-GLUE-001",
        title: "Glue Data Catalog not encrypted",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_glue_data_catalog_encryption_settings"],
        checkov: ["CKV_AWS_94"],
        trivy: [],
        kics: [],
        remediation: "Set catalog_encryption_mode = \"SSE-KMS\" and encrypt connection passwords.",
        check: check_catalog,
    }
}

fn check_security_configuration(ctx: &Context<'_>, report: &mut Report) {
    for conf in ctx.resources(&["aws_glue_security_configuration"]) {
        report.checked(conf);
        let base = "encryption_configuration.0";
        let mut undecided = None;
        let mut failed = false;
        for (block, field) in [
            ("cloudwatch_encryption", "cloudwatch_encryption_mode"),
            ("job_bookmarks_encryption", "job_bookmarks_encryption_mode"),
            ("s3_encryption", "s3_encryption_mode"),
        ] {
            match get_str(conf, &format!("{base}.{block}.0.{field}")) {
                Tri::Known(m) if m == "DISABLED" => {
                    report.fail(
                        conf,
                        &format!("encryption_configuration[0].{block}[0].{field}"),
                        format!("{block} is disabled"),
                    );
                    failed = true;
                    break;
                }
                Tri::Unknown(why) => {
                    undecided.get_or_insert(why);
                }
                // absent: the mode defaults to DISABLED
                Tri::Absent => {
                    report.fail(
                        conf,
                        "",
                        format!("{block} is not configured (its mode defaults to DISABLED)"),
                    );
                    failed = true;
                    break;
                }
                _ => {}
            }
        }
        if !failed {
            if let Some(why) = undecided {
                report.unknown(conf, why);
            }
        }
    }
}

crate::rule! {
    /// ## What it checks
    /// Glue security configurations encrypt everything they cover: the
    /// `cloudwatch_encryption`, `job_bookmarks_encryption` and
    /// `s3_encryption` modes are set and not `DISABLED`.
    ///
    /// ## Why it matters
    /// Jobs and crawlers using the configuration write logs, bookmarks and
    /// output data; any part left disabled is stored in the clear.
    ///
    /// ## Failing example
    /// ```hcl
    /// resource "aws_glue_security_configuration" "etl" {
    ///   name = "etl"
    ///   encryption_configuration {
    ///     cloudwatch_encryption { cloudwatch_encryption_mode = "DISABLED" }
    ///     job_bookmarks_encryption { job_bookmarks_encryption_mode = "DISABLED" }
    ///     s3_encryption { s3_encryption_mode = "SSE-S3" }
    ///   }
    /// }
    /// ```
    ///
    /// ## Passing example
    /// ```hcl
    /// resource "aws_glue_security_configuration" "etl" {
    ///   name = "etl"
    ///   encryption_configuration {
    ///     cloudwatch_encryption {
    ///       cloudwatch_encryption_mode = "SSE-KMS"
    ///       kms_key_arn                = aws_kms_key.glue.arn
    ///     }
    ///     job_bookmarks_encryption {
    ///       job_bookmarks_encryption_mode = "CSE-KMS"
    ///       kms_key_arn                   = aws_kms_key.glue.arn
    ///     }
    ///     s3_encryption {
    ///       s3_encryption_mode = "SSE-KMS"
    ///       kms_key_arn        = aws_kms_key.glue.arn
    ///     }
    ///   }
    /// }
    /// ```
    ///
    /// ## How to fix
    /// Enable all three encryptions with a KMS key.
    pub static GLUE_SECURITY_CONFIGURATION = {
        id: "CW-AWS-GLUE-002",
        title: "Glue security configuration leaves data unencrypted",
        severity: Medium,
        category: "encryption",
        resource_types: ["aws_glue_security_configuration"],
        checkov: ["CKV_AWS_99"],
        trivy: [],
        kics: [],
        remediation: "Enable CloudWatch, job bookmark and S3 encryption.",
        check: check_security_configuration,
    }
}
