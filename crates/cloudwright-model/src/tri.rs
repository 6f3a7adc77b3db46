//! Three-valued reads: known, absent (the provider default applies), or
//! known only after apply — never a guess.

use crate::Value;

/// A value that is there, not there, or only known after apply.
#[derive(Debug, Clone, PartialEq)]
pub enum Tri<T> {
    Known(T),
    /// Not set (or null): the provider's default applies.
    Absent,
    /// Known only after apply; the text says where it will come from.
    Unknown(String),
}

impl<T> Tri<T> {
    pub fn map<U>(self, f: impl FnOnce(T) -> U) -> Tri<U> {
        match self {
            Tri::Known(v) => Tri::Known(f(v)),
            Tri::Absent => Tri::Absent,
            Tri::Unknown(why) => Tri::Unknown(why),
        }
    }

    /// The value when known.
    pub fn known(self) -> Option<T> {
        match self {
            Tri::Known(v) => Some(v),
            _ => None,
        }
    }

    /// The value, with `default` for an absent one; `None` when unknown.
    pub fn or_default_known(self, default: T) -> Option<T> {
        match self {
            Tri::Known(v) => Some(v),
            Tri::Absent => Some(default),
            Tri::Unknown(_) => None,
        }
    }
}

/// Why a value is unknown, in words (and where it comes from): "known only
/// after apply" for what a resource's provider computes, "not known from
/// the code" otherwise ([`Value::why_unknown`]).
pub fn describe_unknown(v: &Value) -> String {
    let why = v.why_unknown();
    match v.as_unknown().and_then(|u| u.origin()) {
        Some(origin) => crate::text::concat([why, " (from ", origin, ")"]),
        None => why.to_string(),
    }
}

/// A present value as three-valued: unknown, null (absent) or known.
pub fn classify(v: Value) -> Tri<Value> {
    if v.is_unknown() {
        Tri::Unknown(describe_unknown(&v))
    } else if v.is_null() {
        Tri::Absent
    } else {
        Tri::Known(v)
    }
}

impl Tri<Value> {
    /// As a bool (a value of another type counts as absent).
    pub fn boolean(self) -> Tri<bool> {
        match self {
            Tri::Known(v) => v.as_bool().map_or(Tri::Absent, Tri::Known),
            Tri::Absent => Tri::Absent,
            Tri::Unknown(w) => Tri::Unknown(w),
        }
    }

    /// As a string (numbers and bools in their Terraform string form).
    pub fn string(self) -> Tri<String> {
        match self {
            Tri::Known(v) => match v.strip() {
                Value::String(s) => Tri::Known(s.to_string()),
                Value::Number(_) | Value::Bool(_) => Tri::Known(v.to_string()),
                _ => Tri::Absent,
            },
            Tri::Absent => Tri::Absent,
            Tri::Unknown(w) => Tri::Unknown(w),
        }
    }

    pub fn number(self) -> Tri<f64> {
        match self {
            Tri::Known(v) => v.as_number().map_or(Tri::Absent, Tri::Known),
            Tri::Absent => Tri::Absent,
            Tri::Unknown(w) => Tri::Unknown(w),
        }
    }

    /// As a list of strings; unknown when any element is unknown.
    pub fn strings(self) -> Tri<Vec<String>> {
        match self {
            Tri::Known(v) => {
                let Some(items) = v.as_list() else {
                    return Tri::Absent;
                };
                let mut out = Vec::with_capacity(items.len());
                for item in items {
                    match item.strip() {
                        Value::String(s) => out.push(s.to_string()),
                        Value::Unknown(_) => return Tri::Unknown(describe_unknown(item)),
                        _ => {}
                    }
                }
                Tri::Known(out)
            }
            Tri::Absent => Tri::Absent,
            Tri::Unknown(w) => Tri::Unknown(w),
        }
    }
}
