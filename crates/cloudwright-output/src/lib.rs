//! Renderers. They turn plain data (the model, findings, reports) into text;
//! they compute nothing about the infrastructure.

pub mod cost;
pub mod diagnostics;
pub mod envs;
pub mod exposure;
pub mod iam;
mod json;
pub mod resilience;
pub mod resources;
pub mod review;
pub mod scan;
pub mod table;

/// A resource's address after its root module when that is not the
/// scanned directory (`live/prod: aws_s3_bucket.data`): several root
/// modules — environments, Terragrunt units — have namesakes.
pub(crate) fn with_root(root: &str, address: &str) -> String {
    cloudwright_model::qualified(root, address)
}

/// How a report names what is in a root module: after it (as
/// [`with_root`]) when the report spans several.
pub(crate) fn namer(several: bool) -> impl Fn(&str, &str) -> String {
    move |root: &str, address: &str| match several {
        true => with_root(root, address),
        false => address.to_string(),
    }
}
