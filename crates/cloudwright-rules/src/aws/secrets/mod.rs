//! Secrets written in the configuration.

mod hardcoded;
mod provider_credentials;

use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &hardcoded::HARDCODED_SECRET,
        &provider_credentials::PROVIDER_CREDENTIALS,
    ]
}

/// An AWS access key id (`AKIA…`/`ASIA…`, 20 characters).
pub(crate) fn looks_like_access_key(s: &str) -> bool {
    s.as_bytes().windows(20).any(|w| {
        (w.starts_with(b"AKIA") || w.starts_with(b"ASIA"))
            && w[4..]
                .iter()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit())
    })
}

/// A PEM private key.
pub(crate) fn looks_like_private_key(s: &str) -> bool {
    s.contains("-----BEGIN") && s.contains("PRIVATE KEY-----")
}
