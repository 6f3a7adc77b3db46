//! String functions: <https://developer.hashicorp.com/terraform/language/functions#string-functions>

use super::{arity, fail, integer, list, number, string, string_list, CallResult};
use crate::eval::to_template_string;
use cloudwright_model::{format_number, Value};
use std::collections::BTreeMap;
use unicode_segmentation::UnicodeSegmentation;

pub fn call(name: &str, args: &[Value]) -> Option<CallResult> {
    Some(match name {
        "chomp" => unary(args, |s| s.trim_end_matches(['\n', '\r']).to_string()),
        "lower" => unary(args, |s| cased(s, false)),
        "upper" => unary(args, |s| cased(s, true)),
        "strrev" => unary(args, |s| s.graphemes(true).rev().collect()),
        "trimspace" => unary(args, |s| s.trim().to_string()),
        "title" => unary(args, title),
        "startswith" => binary_bool(args, |s, p| s.starts_with(p)),
        "endswith" => binary_bool(args, |s, p| s.ends_with(p)),
        "strcontains" => binary_bool(args, |s, p| s.contains(p)),
        "trimprefix" => binary(args, |s, p| s.strip_prefix(p).unwrap_or(s).to_string()),
        "trimsuffix" => binary(args, |s, p| s.strip_suffix(p).unwrap_or(s).to_string()),
        "trim" => binary(args, |s, chars| {
            s.trim_matches(|c| chars.contains(c)).to_string()
        }),
        "split" => split(args),
        "join" => join(args),
        "indent" => indent(args),
        "substr" => substr(args),
        "replace" => replace(args),
        "regex" => regex_fn(args, false),
        "regexall" => regex_fn(args, true),
        "format" => format_fn(args),
        "formatlist" => formatlist(args),
        _ => return None,
    })
}

/// `s` in upper or lower case, rune by rune as Go's `strings.ToUpper` /
/// `ToLower` (Terraform's `upper` and `lower`).
fn cased(s: &str, upper: bool) -> String {
    match (upper, s.is_ascii()) {
        (true, true) => s.to_ascii_uppercase(),
        (true, false) => s.chars().map(upper_case).collect(),
        (false, true) => s.to_ascii_lowercase(),
        (false, false) => s.chars().map(lower_case).collect(),
    }
}

/// Largest padding `format` widths and `indent` produce.
const MAX_PADDING: usize = 4096;

fn unary(args: &[Value], f: impl Fn(&str) -> String) -> CallResult {
    arity(args, 1)?;
    Ok(Value::string(f(&string(&args[0])?)))
}

fn binary(args: &[Value], f: impl Fn(&str, &str) -> String) -> CallResult {
    arity(args, 2)?;
    Ok(Value::string(f(&string(&args[0])?, &string(&args[1])?)))
}

fn binary_bool(args: &[Value], f: impl Fn(&str, &str) -> bool) -> CallResult {
    arity(args, 2)?;
    Ok(Value::Bool(f(&string(&args[0])?, &string(&args[1])?)))
}

/// `title` as Go's `strings.Title`: the first letter after a separator —
/// an ASCII character other than a letter, digit or `_`, or a Unicode
/// space — in title case (`my_bucket` → `My_bucket`, `don't` → `Don'T`).
fn title(s: &str) -> String {
    let separator = |c: char| {
        if c.is_ascii() {
            !(c.is_ascii_alphanumeric() || c == '_')
        } else {
            c.is_whitespace()
        }
    };
    let mut out = String::with_capacity(s.len());
    let mut previous = ' ';
    for c in s.chars() {
        out.push(if separator(previous) {
            title_case(c)
        } else {
            c
        });
        previous = c;
    }
    out
}

/// Go's `unicode.ToUpper`: one character for one (a letter whose upper
/// case is two, like `ß`, stays as it is: `upper("straße")` is `STRAßE`).
fn upper_case(c: char) -> char {
    let mut upper = c.to_uppercase();
    match (upper.next(), upper.next()) {
        (Some(u), None) => u,
        _ => c,
    }
}

/// Go's `unicode.ToLower`: one character for one (`İ` is `i`).
fn lower_case(c: char) -> char {
    if c == '\u{130}' {
        return 'i';
    }
    let mut lower = c.to_lowercase();
    match (lower.next(), lower.next()) {
        (Some(l), None) => l,
        _ => c,
    }
}

/// Go's `unicode.ToTitle`: upper case, but the title forms of the Latin
/// digraphs (`ǆ` → `ǅ`).
fn title_case(c: char) -> char {
    match c {
        '\u{1C4}'..='\u{1C6}' => '\u{1C5}',
        '\u{1C7}'..='\u{1C9}' => '\u{1C8}',
        '\u{1CA}'..='\u{1CC}' => '\u{1CB}',
        '\u{1F1}'..='\u{1F3}' => '\u{1F2}',
        _ => upper_case(c),
    }
}

fn split(args: &[Value]) -> CallResult {
    arity(args, 2)?;
    let sep = string(&args[0])?;
    let s = string(&args[1])?;
    // Terraform splits with Go's `strings.Split`: "" is [""] (one empty
    // element), except with an empty separator, which gives no element
    if sep.is_empty() {
        return Ok(string_list(s.chars().map(|c| c.to_string())));
    }
    Ok(string_list(s.split(sep.as_str()).map(str::to_string)))
}

fn join(args: &[Value]) -> CallResult {
    if args.len() < 2 {
        return fail("join needs a separator and at least one list");
    }
    let sep = string(&args[0])?;
    let mut parts = Vec::new();
    for l in &args[1..] {
        for item in list(l)? {
            if item.is_null() {
                return fail("join: list elements must not be null");
            }
            parts.push(string(item)?);
        }
    }
    Ok(Value::string(parts.join(&sep)))
}

/// `join` of a known separator and known lists whose elements are strings,
/// some of them unknown: the string known in part that Terraform will
/// make (`None` when the separator or a list is itself unknown, or an
/// element is not a string, a number, a bool or an unknown string).
pub fn join_partial(args: &[Value]) -> Option<Value> {
    let sep = args.first()?.as_str()?;
    let mut pieces = Vec::new();
    for l in &args[1..] {
        let Value::List(items) = l.strip() else {
            return None;
        };
        for item in items.iter() {
            if !pieces.is_empty() {
                pieces.push(Value::string(sep));
            }
            match item.strip() {
                _ if item.is_unknown() => pieces.push(item.clone()),
                Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                    pieces.push(Value::string(string(item).ok()?))
                }
                _ => return None,
            }
        }
    }
    Some(Value::partial_string(pieces))
}

fn indent(args: &[Value]) -> CallResult {
    arity(args, 2)?;
    let n = integer(&args[0])?.clamp(0, MAX_PADDING as i64) as usize;
    let s = string(&args[1])?;
    let pad = " ".repeat(n);
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            out.push_str(&pad);
        }
        out.push_str(line);
    }
    Ok(Value::string(out))
}

/// Whether every byte of a string is a character of its own: ASCII
/// without a carriage return (CR LF is one grapheme cluster).
fn one_byte_characters(s: &str) -> bool {
    s.is_ascii() && !s.contains('\r')
}

/// How many characters (grapheme clusters) a string has.
pub(super) fn cluster_count(s: &str) -> usize {
    if one_byte_characters(s) {
        s.len()
    } else {
        s.graphemes(true).count()
    }
}

/// `substr` as cty counts: in grapheme clusters (`e` and a combining
/// accent are one character); a negative offset counts from the end (and
/// from the start once past it), an offset past the end gives `""`, a
/// negative length the rest.
fn substr(args: &[Value]) -> CallResult {
    arity(args, 3)?;
    let text = string(&args[0])?;
    let mut offset = integer(&args[1])?;
    let length = integer(&args[2])?;
    // where each character starts, and the end
    let bounds: Vec<usize> = if one_byte_characters(&text) {
        (0..=text.len()).collect()
    } else {
        text.grapheme_indices(true)
            .map(|(i, _)| i)
            .chain([text.len()])
            .collect()
    };
    let count = bounds.len() as i64 - 1;
    if offset < 0 {
        offset += count;
    } else if length == 0 {
        return Ok(Value::string(""));
    }
    let start = offset.max(0);
    if start > count {
        return Ok(Value::string(""));
    }
    // cty takes the rest for a negative length, and — counting to a
    // length it never reaches — for a zero one after a negative offset
    let end = if length <= 0 {
        count
    } else {
        (start + length).min(count)
    };
    Ok(Value::string(
        &text[bounds[start as usize]..bounds[end as usize]],
    ))
}

/// Terraform's `replace`: a substring wrapped in `/…/` is a regular expression
/// and `$1` / `${name}` in the replacement refer to its captures.
fn replace(args: &[Value]) -> CallResult {
    arity(args, 3)?;
    let s = string(&args[0])?;
    let search = string(&args[1])?;
    let replacement = string(&args[2])?;
    if is_pattern(&search) {
        let re = compile(&search[1..search.len() - 1])?;
        return Ok(Value::string(
            re.replace_all(&s, replacement.as_str()).into_owned(),
        ));
    }
    if search.is_empty() {
        return Ok(Value::string(s));
    }
    Ok(Value::string(s.replace(&search, &replacement)))
}

/// Whether `replace`'s substring is a regular expression (`/…/`).
fn is_pattern(search: &str) -> bool {
    search.len() >= 2 && search.starts_with('/') && search.ends_with('/')
}

/// `replace` of a plain substring where the string or the replacement is
/// known only in part or unknown: the string known in part Terraform will
/// make (`replace(policy_text, "_S3_BUCKET_ARN_", aws_s3_bucket.this.arn)`
/// is the text with the bucket's ARN where the placeholder was). Each
/// unknown piece of the string may itself hold the substring, so it stays
/// unknown but is no longer the value it came from (no origin). `None` when
/// the substring is unknown or a regular expression, or may run across the
/// edge of an unknown piece (a known piece ends with its start, or starts
/// with its end), so that where it matches is not known.
pub fn replace_partial(args: &[Value]) -> Option<Value> {
    let [subject, search, replacement] = args else {
        return None;
    };
    let search = search.as_str()?;
    if search.is_empty() || is_pattern(search) {
        return None;
    }
    let pieces_of = |v: &Value| -> Option<Vec<Value>> {
        match (v.template(), v.strip()) {
            (Some(pieces), _) => Some(pieces.to_vec()),
            (None, s @ (Value::String(_) | Value::Unknown(_))) => Some(vec![s.clone()]),
            _ => None,
        }
    };
    let (subject, replacement) = (pieces_of(subject)?, pieces_of(replacement)?);
    // a match across the edge of an unknown piece
    let straddles = |piece: &Value, before_unknown: bool, after_unknown: bool| {
        let Some(text) = piece.as_str() else {
            return false;
        };
        (1..search.len()).any(|n| {
            (before_unknown && search.is_char_boundary(n) && text.ends_with(&search[..n]))
                || (after_unknown
                    && search.is_char_boundary(search.len() - n)
                    && text.starts_with(&search[search.len() - n..]))
        })
    };
    let mut out = Vec::new();
    let unknown_at = |j: usize| subject.get(j).is_some_and(Value::is_unknown);
    for (i, piece) in subject.iter().enumerate() {
        let after_unknown = i.checked_sub(1).is_some_and(unknown_at);
        if straddles(piece, unknown_at(i + 1), after_unknown) {
            return None;
        }
        match piece.as_str() {
            Some(text) => {
                for (n, part) in text.split(search).enumerate() {
                    if n > 0 {
                        out.extend(replacement.iter().cloned());
                    }
                    out.push(Value::string(part));
                }
            }
            // the piece, with the substring replaced in it
            None => out.push(Value::unknown_made_from(&[piece.clone(), args[2].clone()])),
        }
    }
    // a substring found nowhere leaves a known string as it is
    if out.iter().all(|p| p.as_str().is_some()) {
        return Some(Value::string(
            out.iter().filter_map(Value::as_str).collect::<String>(),
        ));
    }
    Some(Value::partial_string(out))
}

/// The known text a string known in part starts with, less its last
/// character (which an unknown piece after it could combine with, as
/// go-cty's `StringPrefix` has it): what Terraform itself knows of it.
/// `None` for what is not a string known in part.
fn known_start(v: &Value) -> Option<&str> {
    let first = v.template()?.first()?.as_str()?;
    let mut chars = first.chars();
    chars.next_back();
    Some(chars.as_str())
}

/// `lower`/`upper` of a string known in part: its known text cased, each
/// unknown piece an unknown made from it (no longer the value it was).
pub fn cased_partial(upper: bool, v: &Value) -> Option<Value> {
    let pieces = v.template()?;
    Some(Value::partial_string(
        pieces
            .iter()
            .map(|p| match p.as_str() {
                Some(text) => Value::string(cased(text, upper)),
                None => Value::unknown_made_from(std::slice::from_ref(p)),
            })
            .collect(),
    ))
}

/// `startswith` of a string known in part and a known prefix, decided by
/// the text it is known to start with, as Terraform decides it.
pub fn startswith_partial(args: &[Value]) -> Option<Value> {
    let (start, prefix) = (known_start(&args[0])?, args[1].as_str()?);
    if start.starts_with(prefix) {
        Some(Value::Bool(true))
    } else if !prefix.starts_with(start) {
        Some(Value::Bool(false))
    } else {
        None
    }
}

/// `trimprefix`/`trimsuffix` of a string known in part: cut from its known
/// text where that decides (the known start, or a known last piece, holds
/// the affix whole, or certainly does not begin with it); `None` where an
/// unknown piece may hold part of it.
pub fn trim_partial(suffix: bool, args: &[Value]) -> Option<Value> {
    let (pieces, affix) = (args[0].template()?, args[1].as_str()?);
    let mut pieces = pieces.to_vec();
    if suffix {
        let last = pieces.last()?.as_str()?.to_string();
        // (its first character, unless ASCII, may be a mark that combines
        // with the unknown before it)
        let mut chars = last.chars();
        if !last.starts_with(|c: char| c.is_ascii()) {
            chars.next();
        }
        let end = chars.as_str();
        if end.ends_with(affix) {
            let kept = &last[..last.len() - affix.len()];
            *pieces.last_mut()? = Value::string(kept);
        } else if affix.ends_with(end) {
            return None;
        }
    } else {
        let start = known_start(&args[0])?;
        if start.starts_with(affix) {
            let first = pieces.first()?.as_str()?[affix.len()..].to_string();
            pieces[0] = Value::string(first);
        } else if affix.starts_with(start) {
            return None;
        }
    }
    Some(Value::partial_string(pieces))
}

/// `substr` from the start of a string known in part: known where it ends
/// within the known start, else the known start and what follows unknown.
pub fn substr_partial(args: &[Value]) -> Option<Value> {
    let first = args[0].template()?.first()?.as_str()?;
    let (offset, length) = (args[1].as_number()?, args[2].as_number()?);
    if offset != 0.0 || length.fract() != 0.0 {
        return None;
    }
    // (a negative length takes the rest: the whole string)
    if length < 0.0 {
        return Some(args[0].clone());
    }
    // where each character of the known text starts; the last one may
    // combine with what the unknown piece after it starts with, so the
    // characters before it are the ones known
    let characters: Vec<usize> = first.grapheme_indices(true).map(|(i, _)| i).collect();
    let last = *characters.last()?;
    if (length as usize) < characters.len() {
        return Some(Value::string(&first[..characters[length as usize]]));
    }
    // the known start, then an unknown cut of the rest
    let start = &first[..last];
    Some(Value::partial_string(vec![
        Value::string(start),
        Value::unknown_made_from(&args[..1]),
    ]))
}

fn compile(pattern: &str) -> Result<regex::Regex, super::CallError> {
    regex::Regex::new(pattern).or_else(|e| fail(format!("invalid regular expression: {e}")))
}

fn regex_fn(args: &[Value], all: bool) -> CallResult {
    arity(args, 2)?;
    let re = compile(&string(&args[0])?)?;
    let s = string(&args[1])?;
    let names: Vec<Option<&str>> = re.capture_names().skip(1).collect();
    let named = names.iter().any(Option::is_some);
    let shape = |caps: regex::Captures<'_>| -> Value {
        if names.is_empty() {
            return Value::string(caps.get(0).map_or("", |m| m.as_str()));
        }
        if named {
            let mut fields = BTreeMap::new();
            for (i, name) in names.iter().enumerate() {
                if let Some(n) = name {
                    let v = caps
                        .get(i + 1)
                        .map_or(Value::Null, |m| Value::string(m.as_str()));
                    fields.insert(n.to_string(), v);
                }
            }
            return Value::map(fields);
        }
        Value::list(
            (1..=names.len())
                .map(|i| {
                    caps.get(i)
                        .map_or(Value::Null, |m| Value::string(m.as_str()))
                })
                .collect(),
        )
    };
    if all {
        return Ok(Value::list(re.captures_iter(&s).map(shape).collect()));
    }
    match re.captures(&s) {
        Some(caps) => Ok(shape(caps)),
        None => fail("pattern did not match any part of the string"),
    }
}

fn format_fn(args: &[Value]) -> CallResult {
    if args.is_empty() {
        return fail("format needs a format string");
    }
    let spec = string(&args[0])?;
    format_values(&spec, &args[1..]).map(Value::string)
}

fn formatlist(args: &[Value]) -> CallResult {
    if args.is_empty() {
        return fail("formatlist needs a format string");
    }
    let spec = string(&args[0])?;
    let rest = &args[1..];
    let mut len: Option<usize> = None;
    for a in rest {
        if let Value::List(items) = a {
            match len {
                Some(l) if l != items.len() => {
                    return fail("all list arguments of formatlist must have the same length")
                }
                _ => len = Some(items.len()),
            }
        }
    }
    let Some(len) = len else {
        return Ok(Value::list(vec![Value::string(format_values(
            &spec, rest,
        )?)]));
    };
    let mut out = Vec::with_capacity(len);
    for i in 0..len {
        let row: Vec<Value> = rest
            .iter()
            .map(|a| match a {
                Value::List(items) => items[i].clone(),
                other => other.clone(),
            })
            .collect();
        out.push(Value::string(format_values(&spec, &row)?));
    }
    Ok(Value::list(out))
}

/// Implements Terraform's `format` verbs (a subset of Go's fmt): `%%`, `%v`,
/// `%#v`, `%t`, `%b`, `%d`, `%o`, `%x`, `%X`, `%e`, `%E`, `%f`, `%g`, `%G`,
/// `%s`, `%q`, with flags `+ - # 0 space`, width, precision and `%[n]` indices.
pub fn format_values(spec: &str, args: &[Value]) -> Result<String, super::CallError> {
    format_with(spec, args, &mut |_, _| {})
}

/// Where a placeholder for an unknown argument starts and ends.
const PLACEHOLDER: (char, char) = ('\u{e000}', '\u{e001}');

/// `format` with unknown arguments, each used as a plain `%s` or `%v`: a
/// string known in part (`format("arn:aws:iam::%s:root", account)`), as
/// the template `"arn:aws:iam::${account}:root"` is. `None` when an unknown
/// argument is formatted otherwise (padded, quoted, as a number).
pub fn format_partial(spec: &str, args: &[Value]) -> Option<Value> {
    if spec.contains([PLACEHOLDER.0, PLACEHOLDER.1]) {
        return None;
    }
    let unknown = |v: &Value| v.is_unknown();
    let stand_ins: Vec<Value> = args
        .iter()
        .enumerate()
        .map(|(i, a)| match unknown(a) {
            true => Value::string(format!("{}{i}{}", PLACEHOLDER.0, PLACEHOLDER.1)),
            false => a.clone(),
        })
        .collect();
    let mut plain = true;
    let text = format_with(spec, &stand_ins, &mut |i, plain_verb| {
        plain &= plain_verb || !args.get(i).is_some_and(unknown);
    })
    .ok()?;
    if !plain || text.matches(PLACEHOLDER.0).count() != text.matches(PLACEHOLDER.1).count() {
        return None;
    }
    let pieces =
        cloudwright_model::value::pieces_around_holes(&text, PLACEHOLDER, |i| args.get(i))?;
    Some(Value::partial_string(pieces))
}

/// [`format_values`], telling `seen` each argument a verb formats (by
/// index) and whether it is formatted plainly (`%s` or `%v`, no flags,
/// width or precision).
fn format_with(
    spec: &str,
    args: &[Value],
    seen: &mut dyn FnMut(usize, bool),
) -> Result<String, super::CallError> {
    let mut out = String::new();
    let mut chars = spec.chars().peekable();
    let mut next_arg = 0usize;
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        if chars.peek() == Some(&'%') {
            chars.next();
            out.push('%');
            continue;
        }
        let mut flags = String::new();
        while let Some(&f) = chars.peek() {
            if "+-# 0".contains(f) {
                flags.push(f);
                chars.next();
            } else {
                break;
            }
        }
        if chars.peek() == Some(&'[') {
            chars.next();
            let mut digits = String::new();
            while let Some(&d) = chars.peek() {
                chars.next();
                if d == ']' {
                    break;
                }
                digits.push(d);
            }
            next_arg = digits
                .parse::<usize>()
                .ok()
                .and_then(|n| n.checked_sub(1))
                .ok_or_else(|| super::CallError::Failed("invalid %[n] argument index".into()))?;
        }
        let mut width = String::new();
        while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
            width.push(d);
            chars.next();
        }
        let mut precision: Option<usize> = None;
        if chars.peek() == Some(&'.') {
            chars.next();
            let mut p = String::new();
            while let Some(&d) = chars.peek().filter(|d| d.is_ascii_digit()) {
                p.push(d);
                chars.next();
            }
            precision = Some(p.parse::<usize>().unwrap_or(0).min(MAX_PADDING));
        }
        let Some(verb) = chars.next() else {
            return fail("format string ends with an incomplete verb");
        };
        let Some(arg) = args.get(next_arg) else {
            return fail(format!("not enough arguments for format string {spec:?}"));
        };
        let plain = flags.is_empty() && width.is_empty() && precision.is_none();
        seen(next_arg, plain && matches!(verb, 's' | 'v'));
        next_arg += 1;
        let body = format_one(verb, &flags, precision, arg)?;
        // a width beyond any real use is a mistake or an attack on memory
        let width: usize = width.parse::<usize>().unwrap_or(0).min(MAX_PADDING);
        let pad = if width == 0 {
            0
        } else {
            width.saturating_sub(cluster_count(&body))
        };
        if flags.contains('-') {
            out.push_str(&body);
            out.push_str(&" ".repeat(pad));
        } else if flags.contains('0') && "dfeEgGxXob".contains(verb) {
            let (sign, digits) = match body.strip_prefix(['-', '+']) {
                Some(rest) => (&body[..1], rest),
                None => ("", body.as_str()),
            };
            out.push_str(sign);
            out.push_str(&"0".repeat(pad));
            out.push_str(digits);
        } else {
            out.push_str(&" ".repeat(pad));
            out.push_str(&body);
        }
    }
    if next_arg < args.len() {
        return fail(format!(
            "too many arguments for format string: {} given, {} used",
            args.len(),
            next_arg
        ));
    }
    Ok(out)
}

fn format_one(
    verb: char,
    flags: &str,
    precision: Option<usize>,
    arg: &Value,
) -> Result<String, super::CallError> {
    let signed = |n: f64, s: String| {
        if n >= 0.0 && flags.contains('+') {
            format!("+{s}")
        } else if n >= 0.0 && flags.contains(' ') {
            format!(" {s}")
        } else {
            s
        }
    };
    Ok(match verb {
        'v' if flags.contains('#') => super::json_encode(arg),
        'v' => match arg {
            Value::List(_) | Value::Map(_) => super::json_encode(arg),
            Value::Null => "null".into(),
            // cty writes a number as `%g` does (`1.234567e+06`), unlike
            // an interpolation (`1234567`)
            Value::Number(n) => go_general(*n, None),
            other => to_template_string(other)
                .map_err(super::CallError::Failed)?
                .unwrap_or_default()
                .into_owned(),
        },
        's' => {
            let s = string(arg)?;
            match precision {
                Some(p) => s.graphemes(true).take(p).collect(),
                None => s,
            }
        }
        'q' => super::json_encode(&Value::string(string(arg)?)),
        't' => match arg.as_bool() {
            Some(b) => b.to_string(),
            None => return fail("%t needs a bool"),
        },
        'd' => {
            let n = number(arg)?;
            if n.fract() != 0.0 {
                return fail(format!("%d needs a whole number, got {}", format_number(n)));
            }
            signed(n, format!("{}", n as i128))
        }
        'b' | 'o' | 'x' | 'X' => {
            if let (Value::String(s), 'x' | 'X') = (arg, verb) {
                let hex: String = s.bytes().map(|b| format!("{b:02x}")).collect();
                return Ok(if verb == 'X' { hex.to_uppercase() } else { hex });
            }
            let n = integer(arg)?;
            let abs = n.unsigned_abs();
            let digits = match verb {
                'b' => format!("{abs:b}"),
                'o' => format!("{abs:o}"),
                'x' => format!("{abs:x}"),
                _ => format!("{abs:X}"),
            };
            let prefix = if flags.contains('#') {
                match verb {
                    'o' => "0",
                    'x' => "0x",
                    'X' => "0X",
                    _ => "",
                }
            } else {
                ""
            };
            let sign = if n < 0 { "-" } else { "" };
            signed(n as f64, format!("{sign}{prefix}{digits}"))
        }
        'f' | 'F' => {
            let n = number(arg)?;
            signed(n, format!("{:.*}", precision.unwrap_or(6), n))
        }
        'e' | 'E' => {
            let n = number(arg)?;
            let s = go_exponent(&format!("{:.*e}", precision.unwrap_or(6), n));
            signed(n, if verb == 'E' { s.to_uppercase() } else { s })
        }
        'g' | 'G' => {
            let n = number(arg)?;
            let s = go_general(n, precision);
            signed(n, if verb == 'G' { s.to_uppercase() } else { s })
        }
        other => return fail(format!("unsupported format verb %{other}")),
    })
}

/// `%g` as Go's `big.Float` writes it: `%e` when the exponent is below
/// -4 or at least the precision (6 for the shortest form), `%f`
/// otherwise, with `precision` significant digits (the shortest that
/// identify the number when none is given) and no trailing zeros.
fn go_general(n: f64, precision: Option<usize>) -> String {
    if n == 0.0 {
        return "0".to_string();
    }
    // the significant digits, and where the point is: n = 0.d1d2… × 10^point
    let scientific = match precision {
        None => format!("{:e}", n.abs()),
        Some(p) => format!("{:.*e}", p.max(1) - 1, n.abs()),
    };
    let (mantissa, exponent) = scientific.split_once('e').unwrap_or((&scientific, "0"));
    let digits: String = mantissa.chars().filter(char::is_ascii_digit).collect();
    let digits = digits.trim_end_matches('0');
    let digits = if digits.is_empty() { "0" } else { digits };
    let point = exponent.parse::<i64>().unwrap_or(0) + 1;
    let count = digits.len() as i64;
    let mut prec = precision.map_or(count, |p| p.max(1) as i64);
    let mut eprec = prec;
    if eprec > count && count >= point {
        eprec = count;
    }
    if precision.is_none() {
        eprec = 6;
    }
    let sign = if n < 0.0 { "-" } else { "" };
    let exp = point - 1;
    if exp < -4 || exp >= eprec {
        prec = prec.min(count);
        let (first, rest) = digits.split_at(1);
        let fraction = &rest[..(prec - 1) as usize];
        let dot = if fraction.is_empty() { "" } else { "." };
        let exp_sign = if exp < 0 { '-' } else { '+' };
        return format!("{sign}{first}{dot}{fraction}e{exp_sign}{:02}", exp.abs());
    }
    if prec > point {
        prec = count;
    }
    let decimals = (prec - point).max(0);
    let digit = |i: i64| -> char {
        usize::try_from(i)
            .ok()
            .and_then(|i| digits.as_bytes().get(i))
            .map_or('0', |&b| b as char)
    };
    let whole: String = if point > 0 {
        (0..point).map(digit).collect()
    } else {
        "0".to_string()
    };
    let fraction: String = (point..point + decimals).map(digit).collect();
    let dot = if fraction.is_empty() { "" } else { "." };
    format!("{sign}{whole}{dot}{fraction}")
}

/// Rust writes `1.5e2`; Go writes `1.5e+02`.
fn go_exponent(s: &str) -> String {
    match s.split_once('e') {
        Some((mantissa, exp)) => {
            let (sign, digits) = match exp.strip_prefix('-') {
                Some(d) => ('-', d),
                None => ('+', exp),
            };
            format!("{mantissa}e{sign}{digits:0>2}")
        }
        None => s.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Value {
        Value::string(v)
    }

    #[test]
    fn general_format_is_gos() {
        // what Go's fmt writes for each
        for (spec, n, expected) in [
            ("%g", 0.0000123, "1.23e-05"),
            ("%g", 0.0001, "0.0001"),
            ("%g", 0.00001, "1e-05"),
            ("%g", 123456.0, "123456"),
            ("%g", 1234567.0, "1.234567e+06"),
            ("%g", 1e6, "1e+06"),
            ("%g", 1.5, "1.5"),
            ("%g", 12.0, "12"),
            ("%g", -2.5e-7, "-2.5e-07"),
            ("%g", 0.0, "0"),
            ("%.3g", 1.23456, "1.23"),
            ("%.3g", 1234.5, "1.23e+03"),
            ("%.10g", 1.5, "1.5"),
            ("%.0g", 123.0, "1e+02"),
            ("%.2g", 0.000123, "0.00012"),
            ("%G", 1e-7, "1E-07"),
            ("%+g", 2.0, "+2"),
            ("%v", 1234567.0, "1.234567e+06"),
            ("%v", 8080.0, "8080"),
        ] {
            let out = format_values(spec, &[Value::Number(n)]).unwrap();
            assert_eq!(out, expected, "{spec} of {n}");
        }
    }

    proptest::proptest! {
        // every finite number: the shortest %g reads back as the number,
        // and with a precision it keeps that many significant digits
        #[test]
        fn general_format_reads_back(n in proptest::num::f64::NORMAL | proptest::num::f64::SUBNORMAL | proptest::num::f64::ZERO, p in 1usize..17) {
            let shortest = go_general(n, None);
            proptest::prop_assert_eq!(shortest.parse::<f64>().ok(), Some(n), "{}", shortest);
            let rounded: f64 = go_general(n, Some(p)).parse().unwrap();
            // (rounding up the largest numbers leaves what f64 holds)
            proptest::prop_assume!(rounded.is_finite());
            let tolerance = n.abs() * 10f64.powi(1 - p as i32);
            proptest::prop_assert!((rounded - n).abs() <= tolerance, "{} at {} digits: {}", n, p, rounded);
        }
    }

    #[test]
    fn case_functions_map_one_character_to_one_as_go_does() {
        assert_eq!(
            title("my_bucket is-here don't 1st"),
            "My_bucket Is-Here Don'T 1st"
        );
        assert_eq!(title("ǆungla straße"), "ǅungla Straße");
        let call = |name: &str, arg: &str| {
            let out = super::call(name, &[s(arg)]).unwrap().unwrap();
            out.as_str().unwrap().to_string()
        };
        assert_eq!(call("upper", "straße"), "STRAßE");
        assert_eq!(call("lower", "İSTANBUL ΟΔΟΣ"), "istanbul οδοσ");
        assert_eq!(call("title", "hello world"), "Hello World");
    }

    #[test]
    fn format_follows_go_verbs() {
        let out = format_values(
            "%s-%03d %q %5.2f %-4s| %x %v %t %%",
            &[
                s("web"),
                Value::Number(7.0),
                s("a\"b"),
                Value::Number(1.23456),
                s("ab"),
                Value::Number(255.0),
                Value::list(vec![Value::Number(1.0)]),
                Value::Bool(true),
            ],
        )
        .unwrap();
        assert_eq!(out, "web-007 \"a\\\"b\"  1.23 ab  | ff [1] true %");
        assert!(format_values("%s %s", &[s("a")]).is_err());
        assert_eq!(
            format_values("%.2e", &[Value::Number(1500.0)]).unwrap(),
            "1.50e+03"
        );
    }

    #[test]
    fn replace_with_regex_and_captures() {
        let v = replace(&[s("hello world"), s("/(\\w+) (\\w+)/"), s("$2 $1")]).unwrap();
        assert_eq!(v.as_str(), Some("world hello"));
    }

    #[test]
    fn regex_shapes_follow_capture_groups() {
        let v = regex_fn(&[s("(?P<k>\\w+)=(?P<v>\\w+)"), s("a=b")], false).unwrap();
        assert_eq!(v.to_string(), "{k = \"a\", v = \"b\"}");
        let v = regex_fn(&[s("[a-z]+"), s("12ab34cd")], true).unwrap();
        assert_eq!(v.to_string(), "[\"ab\", \"cd\"]");
    }

    #[test]
    fn substr_and_title() {
        assert_eq!(
            substr(&[s("hello"), Value::Number(-3.0), Value::Number(-1.0)])
                .unwrap()
                .as_str(),
            Some("llo")
        );
        assert_eq!(title("hello world-wide"), "Hello World-Wide");
    }

    #[test]
    fn characters_are_grapheme_clusters_as_cty_counts_them() {
        // "noël" written with a combining diaeresis: four characters
        let noel = "noe\u{308}l";
        let sub = |offset: f64, length: f64| {
            let out = substr(&[s(noel), Value::Number(offset), Value::Number(length)]).unwrap();
            out.as_str().unwrap().to_string()
        };
        assert_eq!(sub(2.0, 1.0), "e\u{308}");
        assert_eq!(sub(-2.0, -1.0), "e\u{308}l");
        assert_eq!(sub(-10.0, 2.0), "no");
        assert_eq!(sub(9.0, 2.0), "");
        assert_eq!(sub(1.0, 0.0), "");
        // cty counts to a zero length it never reaches: the rest
        assert_eq!(sub(-2.0, 0.0), "e\u{308}l");
        let reversed = super::call("strrev", &[s(noel)]).unwrap().unwrap();
        assert_eq!(reversed.as_str(), Some("le\u{308}on"));
        let length = super::super::collections::call("length", &[s(noel)]);
        assert_eq!(length.unwrap().unwrap().to_string(), "4");
        assert_eq!(
            format_values("%-5s|%.2s|", &[s(noel), s(noel)]).unwrap(),
            "noe\u{308}l |no|"
        );
    }
}
