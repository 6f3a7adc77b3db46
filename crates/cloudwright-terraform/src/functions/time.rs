//! Date and time functions on RFC 3339 timestamps: `formatdate`, `timeadd`,
//! `timecmp`. (`timestamp` and `plantimestamp` are known only at apply time.)

use super::{arity, fail, string, CallError, CallResult};
use cloudwright_model::date::{civil_from_days, days_from_civil};
use cloudwright_model::Value;

pub fn call(name: &str, args: &[Value]) -> Option<CallResult> {
    Some(match name {
        "formatdate" => arity(args, 2).and_then(|_| {
            let t = parse_rfc3339(&string(&args[1])?)?;
            format_date(&string(&args[0])?, &t).map(Value::string)
        }),
        "timeadd" => arity(args, 2).and_then(|_| {
            let t = parse_rfc3339(&string(&args[0])?)?;
            let d = parse_duration(&string(&args[1])?)?;
            let total = t.unix_nanos() + d;
            Ok(Value::string(
                Timestamp::from_unix_nanos(total, t.offset).rfc3339(),
            ))
        }),
        "timecmp" => arity(args, 2).and_then(|_| {
            let a = parse_rfc3339(&string(&args[0])?)?.unix_nanos();
            let b = parse_rfc3339(&string(&args[1])?)?.unix_nanos();
            Ok(Value::Number(match a.cmp(&b) {
                std::cmp::Ordering::Less => -1.0,
                std::cmp::Ordering::Equal => 0.0,
                std::cmp::Ordering::Greater => 1.0,
            }))
        }),
        _ => return None,
    })
}

/// A civil timestamp with its UTC offset in seconds.
#[derive(Clone, Copy, Debug)]
struct Timestamp {
    year: i64,
    month: u32,
    day: u32,
    hour: u32,
    minute: u32,
    second: u32,
    nanos: u32,
    offset: i64,
}

impl Timestamp {
    fn unix_nanos(&self) -> i128 {
        let days = days_from_civil(self.year, self.month, self.day) as i128;
        let secs = days * 86400
            + (self.hour as i128) * 3600
            + (self.minute as i128) * 60
            + self.second as i128
            - self.offset as i128;
        secs * 1_000_000_000 + self.nanos as i128
    }

    fn from_unix_nanos(n: i128, offset: i64) -> Timestamp {
        let local = n + offset as i128 * 1_000_000_000;
        let secs = local.div_euclid(1_000_000_000) as i64;
        let nanos = local.rem_euclid(1_000_000_000) as u32;
        let days = secs.div_euclid(86400);
        let rem = secs.rem_euclid(86400);
        let (year, month, day) = civil_from_days(days);
        Timestamp {
            year,
            month,
            day,
            hour: (rem / 3600) as u32,
            minute: (rem % 3600 / 60) as u32,
            second: (rem % 60) as u32,
            nanos,
            offset,
        }
    }

    fn rfc3339(&self) -> String {
        format!(
            "{:04}-{:02}-{:02}T{:02}:{:02}:{:02}{}",
            self.year,
            self.month,
            self.day,
            self.hour,
            self.minute,
            self.second,
            offset_text(self.offset, true, true)
        )
    }
}

fn offset_text(offset: i64, z_for_utc: bool, colon: bool) -> String {
    if offset == 0 && z_for_utc {
        return "Z".into();
    }
    let sign = if offset < 0 { '-' } else { '+' };
    let o = offset.abs();
    if colon {
        format!("{sign}{:02}:{:02}", o / 3600, o % 3600 / 60)
    } else {
        format!("{sign}{:02}{:02}", o / 3600, o % 3600 / 60)
    }
}

fn bad_timestamp(s: &str) -> CallError {
    CallError::Failed(format!(
        "{s:?} is not a valid RFC 3339 timestamp (like \"2024-01-31T15:04:05Z\")"
    ))
}

fn parse_rfc3339(s: &str) -> Result<Timestamp, CallError> {
    let b = s.as_bytes();
    let num = |from: usize, len: usize| -> Result<u32, CallError> {
        s.get(from..from + len)
            .filter(|d| d.bytes().all(|c| c.is_ascii_digit()))
            .and_then(|d| d.parse().ok())
            .ok_or_else(|| bad_timestamp(s))
    };
    if b.len() < 20
        || b[4] != b'-'
        || b[7] != b'-'
        || !matches!(b[10], b'T' | b't')
        || b[13] != b':'
        || b[16] != b':'
    {
        return Err(bad_timestamp(s));
    }
    let (year, month, day) = (num(0, 4)? as i64, num(5, 2)?, num(8, 2)?);
    let (hour, minute, second) = (num(11, 2)?, num(14, 2)?, num(17, 2)?);
    let mut pos = 19;
    let mut nanos = 0u32;
    if b.get(pos) == Some(&b'.') {
        let start = pos + 1;
        pos = start;
        while pos < b.len() && b[pos].is_ascii_digit() {
            pos += 1;
        }
        let frac = &s[start..pos];
        if frac.is_empty() {
            return Err(bad_timestamp(s));
        }
        let padded: String = frac.chars().chain(std::iter::repeat('0')).take(9).collect();
        nanos = padded.parse().map_err(|_| bad_timestamp(s))?;
    }
    let offset = match b.get(pos) {
        Some(b'Z' | b'z') if pos + 1 == b.len() => 0,
        Some(sign @ (b'+' | b'-')) if pos + 6 == b.len() && b[pos + 3] == b':' => {
            let o = num(pos + 1, 2)? as i64 * 3600 + num(pos + 4, 2)? as i64 * 60;
            if *sign == b'-' {
                -o
            } else {
                o
            }
        }
        _ => return Err(bad_timestamp(s)),
    };
    if !(1..=12).contains(&month) || day == 0 || day > 31 || hour > 23 || minute > 59 || second > 60
    {
        return Err(bad_timestamp(s));
    }
    Ok(Timestamp {
        year,
        month,
        day,
        hour,
        minute,
        second,
        nanos,
        offset,
    })
}

/// A Go duration: `1h30m`, `-10s`, `1.5h`, `300ms`.
fn parse_duration(s: &str) -> Result<i128, CallError> {
    let bad = || CallError::Failed(format!("{s:?} is not a duration like \"1h30m\""));
    let (neg, mut rest) = match s.strip_prefix('-') {
        Some(r) => (true, r),
        None => (false, s.strip_prefix('+').unwrap_or(s)),
    };
    if rest == "0" {
        return Ok(0);
    }
    if rest.is_empty() {
        return Err(bad());
    }
    let mut total: f64 = 0.0;
    while !rest.is_empty() {
        let num_end = rest
            .find(|c: char| !(c.is_ascii_digit() || c == '.'))
            .ok_or_else(bad)?;
        let n: f64 = rest[..num_end].parse().map_err(|_| bad())?;
        rest = &rest[num_end..];
        let unit_end = rest
            .find(|c: char| c.is_ascii_digit() || c == '.')
            .unwrap_or(rest.len());
        let scale = match &rest[..unit_end] {
            "ns" => 1.0,
            "us" | "µs" | "μs" => 1e3,
            "ms" => 1e6,
            "s" => 1e9,
            "m" => 60e9,
            "h" => 3600e9,
            _ => return Err(bad()),
        };
        total += n * scale;
        rest = &rest[unit_end..];
    }
    let nanos = total.round() as i128;
    Ok(if neg { -nanos } else { nanos })
}

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];
const DAYS: [&str; 7] = [
    "Thursday",
    "Friday",
    "Saturday",
    "Sunday",
    "Monday",
    "Tuesday",
    "Wednesday",
];

fn format_date(spec: &str, t: &Timestamp) -> Result<String, CallError> {
    let chars: Vec<char> = spec.chars().collect();
    let mut out = String::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c == '\'' {
            // quoted literal; '' is a literal quote
            if chars.get(i + 1) == Some(&'\'') {
                out.push('\'');
                i += 2;
                continue;
            }
            let mut j = i + 1;
            loop {
                match chars.get(j) {
                    None => return fail("unterminated quoted literal in the date format"),
                    Some('\'') if chars.get(j + 1) == Some(&'\'') => {
                        out.push('\'');
                        j += 2;
                    }
                    Some('\'') => break,
                    Some(&ch) => {
                        out.push(ch);
                        j += 1;
                    }
                }
            }
            i = j + 1;
            continue;
        }
        if !c.is_ascii_alphabetic() {
            out.push(c);
            i += 1;
            continue;
        }
        let mut j = i;
        while j < chars.len() && chars[j] == c {
            j += 1;
        }
        let token: String = chars[i..j].iter().collect();
        let weekday = DAYS[days_from_civil(t.year, t.month, t.day).rem_euclid(7) as usize];
        let h12 = if t.hour.is_multiple_of(12) {
            12
        } else {
            t.hour % 12
        };
        let piece = match token.as_str() {
            "YYYY" => format!("{:04}", t.year),
            "YY" => format!("{:02}", t.year % 100),
            "MMMM" => MONTHS[t.month as usize - 1].to_string(),
            "MMM" => MONTHS[t.month as usize - 1][..3].to_string(),
            "MM" => format!("{:02}", t.month),
            "M" => t.month.to_string(),
            "DD" => format!("{:02}", t.day),
            "D" => t.day.to_string(),
            "EEEE" => weekday.to_string(),
            "EEE" => weekday[..3].to_string(),
            "hh" => format!("{:02}", t.hour),
            "h" => t.hour.to_string(),
            "HH" => format!("{h12:02}"),
            "H" => h12.to_string(),
            "AA" => if t.hour < 12 { "AM" } else { "PM" }.to_string(),
            "aa" => if t.hour < 12 { "am" } else { "pm" }.to_string(),
            "mm" => format!("{:02}", t.minute),
            "m" => t.minute.to_string(),
            "ss" => format!("{:02}", t.second),
            "s" => t.second.to_string(),
            "ZZZZZ" => offset_text(t.offset, false, true),
            "ZZZZ" => offset_text(t.offset, false, false),
            "ZZZ" => {
                if t.offset == 0 {
                    "UTC".to_string()
                } else {
                    offset_text(t.offset, false, false)
                }
            }
            "Z" => offset_text(t.offset, true, true),
            other => return fail(format!("invalid date format verb {other:?}")),
        };
        out.push_str(&piece);
        i = j;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::string(v)
    }

    #[test]
    fn formatdate_matches_terraform_docs() {
        let ts = s("2018-01-02T23:12:01Z");
        let f = |spec: &str| {
            call("formatdate", &[s(spec), ts.clone()])
                .unwrap()
                .unwrap()
                .as_str()
                .unwrap()
                .to_string()
        };
        assert_eq!(f("DD MMM YYYY hh:mm ZZZ"), "02 Jan 2018 23:12 UTC");
        assert_eq!(
            f("EEEE, DD-MMM-YY hh:mm:ss ZZZ"),
            "Tuesday, 02-Jan-18 23:12:01 UTC"
        );
        assert_eq!(
            f("EEE, DD MMM YYYY hh:mm:ss ZZZ"),
            "Tue, 02 Jan 2018 23:12:01 UTC"
        );
        assert_eq!(f("MMM DD, YYYY"), "Jan 02, 2018");
        assert_eq!(f("HH:mmaa"), "11:12pm");
        assert_eq!(f("'Day' D"), "Day 2");
    }

    #[test]
    fn timeadd_and_timecmp() {
        let r = call("timeadd", &[s("2017-11-22T00:00:00Z"), s("10m")])
            .unwrap()
            .unwrap();
        assert_eq!(r.as_str(), Some("2017-11-22T00:10:00Z"));
        let r = call("timeadd", &[s("2024-02-28T23:00:00+01:00"), s("26h")])
            .unwrap()
            .unwrap();
        assert_eq!(r.as_str(), Some("2024-03-01T01:00:00+01:00"));
        let c = call(
            "timecmp",
            &[s("2017-11-22T00:00:00Z"), s("2017-11-22T01:00:00+01:00")],
        )
        .unwrap()
        .unwrap();
        assert_eq!(c.as_number(), Some(0.0));
        assert!(call("timeadd", &[s("yesterday"), s("1h")])
            .unwrap()
            .is_err());
    }
}
