//! Secrets written in the configuration.

pub(crate) mod hardcoded;
mod in_code;
mod provider_credentials;

use crate::Rule;

pub fn rules() -> Vec<&'static Rule> {
    vec![
        &hardcoded::HARDCODED_SECRET,
        &provider_credentials::PROVIDER_CREDENTIALS,
        &in_code::VARIABLE_SECRETS,
        &in_code::OUTPUT_SECRETS,
        &in_code::LOCAL_SECRETS,
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

/// A well-known token format: GitHub, GitLab, Slack, Stripe live keys,
/// Google API keys, npm tokens.
pub(crate) fn looks_like_token(s: &str) -> Option<&'static str> {
    const PREFIXES: &[(&str, usize, &str)] = &[
        ("ghp_", 36, "a GitHub token"),
        ("gho_", 36, "a GitHub token"),
        ("ghs_", 36, "a GitHub token"),
        ("github_pat_", 40, "a GitHub token"),
        ("glpat-", 20, "a GitLab token"),
        ("xoxb-", 20, "a Slack token"),
        ("xoxp-", 20, "a Slack token"),
        ("sk_live_", 20, "a Stripe live key"),
        ("rk_live_", 20, "a Stripe live key"),
        ("AIza", 35, "a Google API key"),
        ("npm_", 36, "an npm token"),
    ];
    PREFIXES.iter().find_map(|(prefix, min_len, kind)| {
        s.match_indices(prefix).find_map(|(i, _)| {
            let rest = &s[i + prefix.len()..];
            let run = rest
                .bytes()
                .take_while(|b| b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-')
                .count();
            (prefix.len() + run >= *min_len).then_some(*kind)
        })
    })
}

/// Shannon entropy of a string, in bits per character.
pub(crate) fn entropy(s: &str) -> f64 {
    let mut counts = [0u32; 256];
    for b in s.bytes() {
        counts[b as usize] += 1;
    }
    let n = s.len() as f64;
    counts
        .iter()
        .filter(|&&c| c > 0)
        .map(|&c| {
            let p = c as f64 / n;
            -p * p.log2()
        })
        .sum()
}

/// A literal that is a secret: a recognised key or token anywhere, or —
/// when `name` says it holds a password, token or key — a value that is not
/// a placeholder, a reference or a low-entropy word.
pub(crate) fn secret_literal(name: &str, value: &str) -> Option<&'static str> {
    if looks_like_access_key(value) {
        return Some("an AWS access key id");
    }
    if looks_like_private_key(value) {
        return Some("a private key");
    }
    if let Some(kind) = looks_like_token(value) {
        return Some(kind);
    }
    secret_in_env(name, value)?;
    let v = value.trim();
    let lower = v.to_ascii_lowercase();
    let placeholder = [
        "changeme",
        "change-me",
        "password",
        "example",
        "placeholder",
        "replace",
        "todo",
        "xxx",
        "dummy",
        "secret",
    ]
    .iter()
    .any(|p| lower.contains(p))
        || v.starts_with('<')
        || v.contains("${");
    (!placeholder && v.len() >= 8 && entropy(v) >= 3.0).then_some("a secret")
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
