//! Amazon S3.

mod access_logging;
pub(crate) mod governance;
pub(crate) mod public_access_block;
mod public_acl;
mod public_policy;
mod server_side_encryption;
mod tls_only;
mod versioning;

use crate::check::{Context, Tri};
use crate::Rule;
use cloudwright_model::Resource;

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &public_access_block::S3_PUBLIC_ACCESS_BLOCK,
        &server_side_encryption::S3_DEFAULT_ENCRYPTION,
        &versioning::S3_VERSIONING,
        &access_logging::S3_ACCESS_LOGGING,
        &public_acl::S3_PUBLIC_ACL,
        &tls_only::S3_TLS_ONLY,
        &public_policy::S3_PUBLIC_POLICY,
        &governance::S3_ACCOUNT_PUBLIC_ACCESS_BLOCK,
        &governance::S3_LIFECYCLE,
        &governance::S3_AUDIT_OBJECT_LOCK,
        &governance::S3_SENSITIVE_KMS,
        &governance::S3_CRITICAL_REPLICATION,
    ]
}

/// The companions of a bucket of one type (AWS provider v4+ split
/// `aws_s3_bucket` into `aws_s3_bucket_*` resources linked by `bucket`).
pub(crate) fn bucket_companions<'g>(
    ctx: &Context<'g>,
    bucket: &Resource,
    companion_type: &str,
) -> Tri<Vec<&'g Resource>> {
    ctx.companions(bucket, companion_type, "bucket", &["bucket", "id"])
}
