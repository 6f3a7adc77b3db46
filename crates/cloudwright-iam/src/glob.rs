//! IAM's wildcards: `*` matches any run of characters (also `:` and `/`),
//! `?` exactly one. Actions compare without case; ARNs and principals with.

fn matches_bytes(pattern: &[u8], text: &[u8], fold: bool) -> bool {
    let eq = |a: u8, b: u8| {
        if fold {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    // iterative wildcard matching with backtracking to the last `*`
    let (mut p, mut t) = (0, 0);
    let (mut star, mut mark) = (None, 0);
    while t < text.len() {
        if p < pattern.len()
            && (pattern[p] == b'?' || (pattern[p] != b'*' && eq(pattern[p], text[t])))
        {
            p += 1;
            t += 1;
        } else if p < pattern.len() && pattern[p] == b'*' {
            star = Some(p);
            mark = t;
            p += 1;
        } else if let Some(s) = star {
            p = s + 1;
            mark += 1;
            t = mark;
        } else {
            return false;
        }
    }
    while p < pattern.len() && pattern[p] == b'*' {
        p += 1;
    }
    p == pattern.len()
}

/// Case-insensitive (actions).
pub fn matches_ci(pattern: &str, text: &str) -> bool {
    matches_bytes(pattern.as_bytes(), text.as_bytes(), true)
}

/// Case-sensitive (ARNs, principals, condition values of `StringLike`).
pub fn matches(pattern: &str, text: &str) -> bool {
    matches_bytes(pattern.as_bytes(), text.as_bytes(), false)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wildcards() {
        assert!(matches_ci("s3:Get*", "S3:GETOBJECT"));
        assert!(matches_ci("*", ""));
        assert!(matches_ci("iam:?assRole", "iam:PassRole"));
        assert!(!matches_ci("iam:?assRole", "iam:PPassRole"));
        assert!(matches(
            "arn:aws:s3:::bucket/*/logs/*",
            "arn:aws:s3:::bucket/a/b/logs/c"
        ));
        assert!(!matches("arn:aws:s3:::Bucket/*", "arn:aws:s3:::bucket/x"));
        assert!(matches("a*b*c", "aXbYbZc"));
        assert!(!matches("a*b*c", "aXbYbZ"));
    }
}
