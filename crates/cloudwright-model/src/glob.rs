//! `*` wildcards, as configuration files and usage files write them
//! (`module.app.aws_nat_gateway.*`, `CW-AWS-S3-*`, `envs/prod*`).

/// Whether `text` matches `pattern`, where `*` matches any run of
/// characters (none included) and everything else matches itself.
pub fn glob(pattern: &str, text: &str) -> bool {
    let parts: Vec<&str> = pattern.split('*').collect();
    if parts.len() == 1 {
        return pattern == text;
    }
    let mut rest = text;
    for (i, part) in parts.iter().enumerate() {
        if i == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if i == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            match rest.find(part) {
                Some(at) => rest = &rest[at + part.len()..],
                None => return false,
            }
        }
    }
    true
}

#[cfg(test)]
mod tests {
    use super::glob;

    #[test]
    fn wildcards_match_runs_of_characters() {
        assert!(glob(
            "aws_lambda_function.fn*",
            "aws_lambda_function.fn[\"a\"]"
        ));
        assert!(glob("CW-AWS-*-001", "CW-AWS-S3-001"));
        assert!(glob("*", ""));
        assert!(glob("exact", "exact"));
        assert!(!glob("exact", "exactly"));
        assert!(!glob("ab*bc", "abc"));
        assert!(!glob("a*b*c", "acb"));
    }
}
