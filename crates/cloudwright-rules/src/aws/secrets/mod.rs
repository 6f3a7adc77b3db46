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

/// What kind of secret an environment variable holds, judged from its name
/// and value: an AWS access key or private key in any variable, or a
/// non-empty literal in a variable named like a password, token or key
/// (`DB_PASSWORD`, `STRIPE_API_KEY`). Names that point at a secret rather
/// than hold it (`…_ARN`, `…_NAME`, `…_ID`, `…_PATH`, `…_FILE`) and values
/// that are ARNs or SSM/Secrets Manager references are not secrets.
pub(crate) fn secret_in_env(name: &str, value: &str) -> Option<&'static str> {
    if looks_like_access_key(value) {
        return Some("an AWS access key id");
    }
    if looks_like_private_key(value) {
        return Some("a private key");
    }
    let upper = name.to_ascii_uppercase();
    const POINTERS: &[&str] = &[
        "_ARN",
        "_NAME",
        "_ID",
        "_PATH",
        "_FILE",
        "_PARAM",
        "_PARAMETER",
        "_URL",
        "_URI",
        "_ENDPOINT",
        "_LENGTH",
        "_TTL",
        "_EXPIRY",
        "_TIMEOUT",
        "_HEADER",
        "_FIELD",
    ];
    if POINTERS.iter().any(|p| upper.ends_with(p)) {
        return None;
    }
    const MARKERS: &[&str] = &[
        "PASSWORD",
        "PASSWD",
        "SECRET",
        "TOKEN",
        "API_KEY",
        "APIKEY",
        "PRIVATE_KEY",
        "ACCESS_KEY",
        "AUTH_KEY",
        "SIGNING_KEY",
        "CREDENTIAL",
    ];
    if !MARKERS.iter().any(|m| upper.contains(m)) {
        return None;
    }
    let v = value.trim();
    let reference = v.starts_with("arn:")
        || v.starts_with("{{resolve:")
        || v.starts_with("ssm:")
        || v.starts_with("secretsmanager:")
        || v.starts_with('/');
    if v.len() < 4 || reference || v.eq_ignore_ascii_case("true") || v.eq_ignore_ascii_case("false")
    {
        return None;
    }
    Some("a secret")
}

#[cfg(test)]
mod tests {
    use super::secret_in_env;

    #[test]
    fn env_secrets_by_name_and_value() {
        assert_eq!(
            secret_in_env("DB_PASSWORD", "hunter2-long"),
            Some("a secret")
        );
        assert_eq!(
            secret_in_env("STRIPE_API_KEY", "sk_live_abcdef"),
            Some("a secret")
        );
        assert_eq!(
            secret_in_env("DB_PASSWORD_ARN", "arn:aws:secretsmanager:x"),
            None
        );
        assert_eq!(
            secret_in_env("DB_PASSWORD", "arn:aws:secretsmanager:x"),
            None
        );
        assert_eq!(secret_in_env("TOKEN_TTL", "3600"), None);
        assert_eq!(secret_in_env("LOG_LEVEL", "debug"), None);
        assert_eq!(
            secret_in_env("ANYTHING", "AKIAIOSFODNN7EXAMPLE"),
            Some("an AWS access key id")
        );
    }
}

/// Does a script (user data, a shell snippet) assign a literal secret —
/// `DB_PASSWORD=…`, `export API_TOKEN="…"`, `password: …` — or hold an AWS
/// access key or private key? Assignments from variables (`$X`, `${X}`,
/// `$(…)`) and lookups (`aws secretsmanager …`, `{{resolve:…}}`) are not
/// literals. Returns what was found, never the value.
pub(crate) fn secret_in_script(text: &str) -> Option<&'static str> {
    if looks_like_access_key(text) {
        return Some("an AWS access key id");
    }
    if looks_like_private_key(text) {
        return Some("a private key");
    }
    for line in text.lines() {
        let line = line.trim().trim_start_matches("export ").trim();
        if line.starts_with('#') {
            continue;
        }
        let Some(pos) = line.find(['=', ':']) else {
            continue;
        };
        let (name, rest) = line.split_at(pos);
        let name = name.trim().trim_matches(['"', '\'']);
        if name.is_empty() || name.contains(char::is_whitespace) {
            continue;
        }
        let value = rest[1..].trim().trim_matches(['"', '\'']);
        if value.starts_with('$') || value.starts_with("{{") || value.contains("$(") {
            continue;
        }
        if secret_in_env(name, value) == Some("a secret") {
            return Some("a secret");
        }
    }
    None
}

#[cfg(test)]
mod script_tests {
    use super::secret_in_script;

    #[test]
    fn literal_assignments_only() {
        assert_eq!(
            secret_in_script("#!/bin/bash\nexport DB_PASSWORD=s3cr3t-pw\n"),
            Some("a secret")
        );
        assert_eq!(
            secret_in_script("api_token: \"abcd1234efgh\""),
            Some("a secret")
        );
        assert_eq!(
            secret_in_script("export DB_PASSWORD=$(aws secretsmanager get-secret-value)"),
            None
        );
        assert_eq!(secret_in_script("DB_PASSWORD=${db_password}"), None);
        assert_eq!(secret_in_script("echo hello\nLOG_LEVEL=debug"), None);
    }
}
