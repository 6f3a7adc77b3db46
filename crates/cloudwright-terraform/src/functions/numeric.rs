//! Numeric functions.

use super::{arity, fail, integer, number, string, CallResult};
use cloudwright_model::Value;

pub fn call(name: &str, args: &[Value]) -> Option<CallResult> {
    Some(match name {
        "abs" => unary(args, f64::abs),
        "ceil" => unary(args, f64::ceil),
        "floor" => unary(args, f64::floor),
        "signum" => unary(args, |n| if n == 0.0 { 0.0 } else { n.signum() }),
        "log" => {
            arity(args, 2).and_then(|_| Ok(Value::Number(number(&args[0])?.log(number(&args[1])?))))
        }
        "pow" => arity(args, 2)
            .and_then(|_| Ok(Value::Number(number(&args[0])?.powf(number(&args[1])?)))),
        "max" | "min" => {
            if args.is_empty() {
                return Some(fail("needs at least one number"));
            }
            let mut nums = Vec::with_capacity(args.len());
            for a in args {
                match number(a) {
                    Ok(n) => nums.push(n),
                    Err(e) => return Some(Err(e)),
                }
            }
            let pick = if name == "max" { f64::max } else { f64::min };
            Ok(Value::Number(nums.into_iter().reduce(pick).unwrap_or(0.0)))
        }
        "parseint" => parseint(args),
        _ => return None,
    })
}

fn unary(args: &[Value], f: impl Fn(f64) -> f64) -> CallResult {
    arity(args, 1)?;
    Ok(Value::Number(f(number(&args[0])?)))
}

fn parseint(args: &[Value]) -> CallResult {
    arity(args, 2)?;
    let s = string(&args[0])?;
    let base = integer(&args[1])?;
    if !(2..=62).contains(&base) {
        return fail("base must be between 2 and 62");
    }
    let (neg, digits) = match s.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, s.strip_prefix('+').unwrap_or(&s)),
    };
    if digits.is_empty() {
        return fail(format!("cannot parse {s:?} as a base {base} integer"));
    }
    let mut n: f64 = 0.0;
    for c in digits.chars() {
        let d = match c {
            '0'..='9' => c as i64 - '0' as i64,
            'a'..='z' => c as i64 - 'a' as i64 + 10,
            'A'..='Z' if base <= 36 => c as i64 - 'A' as i64 + 10,
            'A'..='Z' => c as i64 - 'A' as i64 + 36,
            _ => return fail(format!("cannot parse {s:?} as a base {base} integer")),
        };
        if d >= base {
            return fail(format!("cannot parse {s:?} as a base {base} integer"));
        }
        n = n * base as f64 + d as f64;
    }
    Ok(Value::Number(if neg { -n } else { n }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parseint_bases() {
        let p = |s: &str, b: f64| {
            parseint(&[Value::string(s), Value::Number(b)])
                .unwrap()
                .as_number()
        };
        assert_eq!(p("FF", 16.0), Some(255.0));
        assert_eq!(p("-1010", 2.0), Some(-10.0));
        assert!(parseint(&[Value::string("12"), Value::Number(2.0)]).is_err());
    }
}
