//! Terraform version constraints (`~> 5.0`, `>= 4.0, < 6.0`) read as the
//! range of versions they allow: which side of a provider's major release
//! a configuration is on (rules), which of the provider schemas Cloudwright
//! carries apply to it (the loader).

/// major, minor, patch
pub type Version = (u64, u64, u64);

/// A version and how many of its three components were written.
pub fn parse_version(text: &str) -> Option<(Version, usize)> {
    let text = text.trim().trim_start_matches('v');
    let core = text.split(['-', '+']).next()?;
    let parts: Vec<&str> = core.split('.').collect();
    if parts.is_empty() || parts.len() > 3 {
        return None;
    }
    let mut nums = [0u64; 3];
    for (i, p) in parts.iter().enumerate() {
        nums[i] = p.trim().parse().ok()?;
    }
    Some(((nums[0], nums[1], nums[2]), parts.len()))
}

/// The versions a set of constraints allows, as `[low, high)`
/// (`None` for no upper bound); `None` when a constraint cannot be read.
pub fn allowed_range(constraints: &[&str]) -> Option<(Version, Option<Version>)> {
    let mut low: Version = (0, 0, 0);
    let mut high: Option<Version> = None;
    let mut raise = |v: Version| {
        if v > low {
            low = v;
        }
    };
    let lower_high = |v: Version, high: &mut Option<Version>| {
        if high.is_none_or(|h| v < h) {
            *high = Some(v);
        }
    };
    for constraint in constraints {
        for part in constraint.split(',') {
            let part = part.trim();
            if part.is_empty() {
                continue;
            }
            let (op, rest) = ["~>", ">=", "<=", "!=", ">", "<", "="]
                .iter()
                .find_map(|op| part.strip_prefix(op).map(|rest| (*op, rest)))
                .unwrap_or(("=", part));
            let (v, components) = parse_version(rest)?;
            match op {
                "=" => {
                    raise(v);
                    lower_high((v.0, v.1, v.2 + 1), &mut high);
                }
                ">=" => raise(v),
                ">" => raise((v.0, v.1, v.2 + 1)),
                "<" => lower_high(v, &mut high),
                "<=" => lower_high((v.0, v.1, v.2 + 1), &mut high),
                "~>" => {
                    raise(v);
                    match components {
                        1 => {}
                        2 => lower_high((v.0 + 1, 0, 0), &mut high),
                        _ => lower_high((v.0, v.1 + 1, 0), &mut high),
                    }
                }
                // `!=` excludes one version: no effect on the range
                _ => {}
            }
        }
    }
    Some((low, high))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constraint_ranges() {
        assert_eq!(
            allowed_range(&["~> 5.0"]),
            Some(((5, 0, 0), Some((6, 0, 0))))
        );
        assert_eq!(
            allowed_range(&["~> 5.31.2"]),
            Some(((5, 31, 2), Some((5, 32, 0))))
        );
        assert_eq!(
            allowed_range(&[">= 4.0, < 6.0"]),
            Some(((4, 0, 0), Some((6, 0, 0))))
        );
        assert_eq!(allowed_range(&[">= 6.2"]), Some(((6, 2, 0), None)));
        assert_eq!(
            allowed_range(&["5.40.0"]),
            Some(((5, 40, 0), Some((5, 40, 1))))
        );
        // a module's floor and the root's pin intersect
        assert_eq!(
            allowed_range(&[">= 4.0", "~> 6.1"]),
            Some(((6, 1, 0), Some((7, 0, 0))))
        );
        assert_eq!(allowed_range(&["~> 6"]), Some(((6, 0, 0), None)));
        assert_eq!(allowed_range(&["latest"]), None);
    }
}
