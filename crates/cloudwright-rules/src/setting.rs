//! The most common rule shape, written once: "resources of these types must
//! have this setting", with the provider's default for an unwritten setting
//! and three-valued results.
//!
//! ```ignore
//! check: |ctx, report| require(ctx, report, &["aws_dynamodb_table"], &Setting {
//!     path: "point_in_time_recovery.0.enabled",
//!     want: Want::True,
//!     absent: Absent::Fails("point-in-time recovery is off by default"),
//!     message: "point-in-time recovery is disabled",
//! }),
//! ```

use crate::check::{get, Context, Tri};
use crate::Report;
use cloudwright_model::{Resource, Value};

/// What a written value must be to pass.
#[derive(Debug, Clone, Copy)]
pub enum Want {
    True,
    False,
    /// Any non-empty string (a KMS key, a log destination, a name).
    NonEmpty,
    /// A number ≥ this.
    AtLeast(f64),
    /// A number ≤ this.
    AtMost(f64),
    /// A string equal (case-insensitively) to one of these.
    OneOf(&'static [&'static str]),
    /// A string equal (case-insensitively) to none of these.
    NoneOf(&'static [&'static str]),
    /// A list of strings holding every one of these.
    Contains(&'static [&'static str]),
    /// A list of strings holding none of these.
    Lacks(&'static [&'static str]),
    /// At least one nested block (or list element).
    Present,
}

/// What an unwritten setting means: the provider's default.
#[derive(Debug, Clone, Copy)]
pub enum Absent {
    Passes,
    /// Fails, with this message (which should name the default).
    Fails(&'static str),
}

/// One required setting.
#[derive(Debug, Clone, Copy)]
pub struct Setting {
    /// Dotted attribute path; list indices as numbers (`logging.0.enabled`).
    pub path: &'static str,
    pub want: Want,
    pub absent: Absent,
    /// The finding's message when the setting is written with a failing value.
    pub message: &'static str,
}

/// The outcome of a setting on one resource.
#[derive(Debug, Clone, PartialEq)]
pub enum Verdict {
    Pass,
    /// Fails: where to point (`""` for the block) and why.
    Fail(String, String),
    Unknown(String),
}

/// `logging.0.enabled` → `logging[0].enabled`, the form findings use.
pub fn display_path(path: &str) -> String {
    let mut out = String::with_capacity(path.len() + 2);
    for (i, segment) in path.split('.').enumerate() {
        if segment.bytes().all(|b| b.is_ascii_digit()) && i > 0 {
            out.push('[');
            out.push_str(segment);
            out.push(']');
        } else {
            if i > 0 {
                out.push('.');
            }
            out.push_str(segment);
        }
    }
    out
}

fn matches(want: Want, value: &Value) -> Tri<bool> {
    let v = value.strip();
    let known = |b: bool| Tri::Known(b);
    match want {
        // a value that is no bool is refused by Terraform (the loader says
        // so): whether it means on or off is not known
        Want::True | Want::False => match v.as_bool() {
            Some(b) => known(b == matches!(want, Want::True)),
            None => Tri::Unknown(format!(
                "a {} where a bool is wanted, which Terraform refuses",
                v.type_name()
            )),
        },
        Want::NonEmpty => known(v.as_str().is_some_and(|s| !s.trim().is_empty())),
        Want::AtLeast(_) | Want::AtMost(_) => match (v.as_number(), want) {
            (Some(x), Want::AtLeast(n)) => known(x >= n),
            (Some(x), _) => known(matches!(want, Want::AtMost(n) if x <= n)),
            (None, _) => Tri::Unknown(format!(
                "a {} where a number is wanted, which Terraform refuses",
                v.type_name()
            )),
        },
        Want::OneOf(set) => known(
            v.as_str()
                .is_some_and(|s| set.iter().any(|w| w.eq_ignore_ascii_case(s))),
        ),
        Want::NoneOf(set) => known(
            v.as_str()
                .is_none_or(|s| !set.iter().any(|w| w.eq_ignore_ascii_case(s))),
        ),
        Want::Contains(required) => {
            let Some(items) = v.as_list() else {
                return known(false);
            };
            if let Some(u) = items.iter().find(|i| i.is_unknown()) {
                return Tri::Unknown(crate::check::describe_unknown(u));
            }
            known(required.iter().all(|r| {
                items
                    .iter()
                    .any(|i| i.as_str().is_some_and(|s| s.eq_ignore_ascii_case(r)))
            }))
        }
        Want::Lacks(banned) => {
            let Some(items) = v.as_list() else {
                return known(true);
            };
            let hit = items.iter().any(|i| {
                i.as_str()
                    .is_some_and(|s| banned.iter().any(|b| b.eq_ignore_ascii_case(s)))
            });
            if hit {
                return known(false);
            }
            match items.iter().find(|i| i.is_unknown()) {
                Some(u) => Tri::Unknown(crate::check::describe_unknown(u)),
                None => known(true),
            }
        }
        Want::Present => known(v.as_list().is_none_or(|l| !l.is_empty())),
    }
}

/// Evaluates `setting` on `r`.
pub fn evaluate(r: &Resource, setting: &Setting) -> Verdict {
    match get(r, setting.path) {
        Tri::Known(value) => match matches(setting.want, &value) {
            Tri::Known(true) => Verdict::Pass,
            Tri::Known(false) => {
                let mut message = setting.message.to_string();
                if let (Want::Contains(required @ [_, _, ..]), Some(items)) =
                    (setting.want, value.as_list())
                {
                    let missing: Vec<&str> = required
                        .iter()
                        .filter(|r| {
                            !items
                                .iter()
                                .any(|i| i.as_str().is_some_and(|s| s.eq_ignore_ascii_case(r)))
                        })
                        .copied()
                        .collect();
                    message = format!("{message} (missing: {})", missing.join(", "));
                }
                Verdict::Fail(display_path(setting.path), message)
            }
            Tri::Unknown(why) => Verdict::Unknown(why),
            Tri::Absent => Verdict::Pass,
        },
        Tri::Absent => match setting.absent {
            Absent::Passes => Verdict::Pass,
            Absent::Fails(why) => Verdict::Fail(String::new(), why.to_string()),
        },
        // another resource's ARN or id is a non-empty string, and not an
        // AWS managed key's alias
        Tri::Unknown(_)
            if matches!(setting.want, Want::NonEmpty | Want::NoneOf(_))
                && r.get_path(setting.path)
                    .is_some_and(|v| crate::check::resource_identifier(&v)) =>
        {
            Verdict::Pass
        }
        Tri::Unknown(why) => Verdict::Unknown(why),
    }
}

/// Writes a verdict on `r` to the report (marking `r` checked).
pub fn record(report: &mut Report, r: &Resource, verdict: Verdict) {
    report.checked(r);
    match verdict {
        Verdict::Pass => {}
        Verdict::Fail(attribute, message) => {
            report.fail(r, &attribute, message);
        }
        Verdict::Unknown(why) => report.unknown(r, why),
    }
}

/// Every resource of `types` must have `setting`.
pub fn require(ctx: &Context<'_>, report: &mut Report, types: &[&str], setting: &Setting) {
    for r in ctx.resources(types) {
        record(report, r, evaluate(r, setting));
    }
}

/// Every resource of `types` for which `applies` holds must have `setting`.
/// A resource whose applicability is unknown is reported undecidable.
pub fn require_where(
    ctx: &Context<'_>,
    report: &mut Report,
    types: &[&str],
    applies: impl Fn(&Resource) -> Tri<bool>,
    setting: &Setting,
) {
    for r in ctx.resources(types) {
        match applies(r) {
            Tri::Known(true) => record(report, r, evaluate(r, setting)),
            Tri::Known(false) | Tri::Absent => {}
            Tri::Unknown(why) => {
                report.checked(r);
                report.unknown(r, why);
            }
        }
    }
}

/// Every setting must hold: the first failure is the verdict; unknown when
/// none fails and one is unknown.
pub fn all_of(r: &Resource, settings: &[Setting]) -> Verdict {
    let mut unknown = None;
    for s in settings {
        match evaluate(r, s) {
            Verdict::Pass => {}
            Verdict::Unknown(why) => {
                unknown.get_or_insert(why);
            }
            fail => return fail,
        }
    }
    unknown.map_or(Verdict::Pass, Verdict::Unknown)
}

/// Is the string at `path` one of `values` (case-insensitive)? Absent is
/// `Known(false)` unless `default` is one of them.
pub fn is_one_of(r: &Resource, path: &str, values: &[&str], default: Option<&str>) -> Tri<bool> {
    match get(r, path).string() {
        Tri::Known(s) => Tri::Known(values.iter().any(|v| v.eq_ignore_ascii_case(&s))),
        Tri::Absent => {
            Tri::Known(default.is_some_and(|d| values.iter().any(|v| v.eq_ignore_ascii_case(d))))
        }
        Tri::Unknown(why) => Tri::Unknown(why),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paths_display_with_brackets() {
        assert_eq!(display_path("logging.0.enabled"), "logging[0].enabled");
        assert_eq!(display_path("kms_key_id"), "kms_key_id");
        assert_eq!(display_path("a.0.b.12"), "a[0].b[12]");
    }

    #[test]
    fn a_value_of_the_wrong_type_is_neither_pass_nor_fail() {
        let on = |v: Value| matches(Want::True, &v);
        assert_eq!(on(Value::Bool(true)), Tri::Known(true));
        assert_eq!(on(Value::string("false")), Tri::Known(false));
        assert_eq!(
            matches(Want::False, &Value::string("false")),
            Tri::Known(true)
        );
        assert_eq!(
            on(Value::string("yes")),
            Tri::Unknown("a string where a bool is wanted, which Terraform refuses".into())
        );
        assert_eq!(
            on(Value::Number(1.0)),
            Tri::Unknown("a number where a bool is wanted, which Terraform refuses".into())
        );
        assert_eq!(
            matches(Want::AtLeast(7.0), &Value::string("14")),
            Tri::Known(true)
        );
        assert_eq!(
            matches(Want::AtMost(7.0), &Value::Number(14.0)),
            Tri::Known(false)
        );
        assert_eq!(
            matches(Want::AtLeast(7.0), &Value::string("a week")),
            Tri::Unknown("a string where a number is wanted, which Terraform refuses".into())
        );
    }
}
