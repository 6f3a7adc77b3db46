//! CloudFront distributions.

mod hardening;
mod https_only;
mod tls_policy;

use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    let mut rules: Vec<&'static Rule> = vec![
        &https_only::CLOUDFRONT_HTTPS_ONLY,
        &tls_policy::CLOUDFRONT_TLS_POLICY,
    ];
    rules.extend(hardening::all());
    rules
}
