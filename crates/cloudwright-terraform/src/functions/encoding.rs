//! Encoding functions: JSON, YAML, base64, CSV, URL.

use super::{arity, fail, string, CallError, CallResult};
use base64::Engine as _;
use cloudwright_model::{format_number, Value};
use std::collections::{BTreeMap, HashMap};
use yaml_rust2::parser::Tag;
use yaml_rust2::scanner::TScalarStyle;

pub fn call(name: &str, args: &[Value]) -> Option<CallResult> {
    Some(match name {
        "jsonencode" => arity(args, 1).map(|_| Value::string(json_encode(&args[0]))),
        "jsondecode" => arity(args, 1).and_then(|_| {
            let s = string(&args[0])?;
            serde_json::from_str::<serde_json::Value>(&s)
                .map(|j| Value::from_json(&j))
                .or_else(|e| fail(format!("invalid JSON: {e}")))
        }),
        "base64encode" => arity(args, 1).and_then(|_| {
            Ok(Value::string(
                base64::engine::general_purpose::STANDARD.encode(string(&args[0])?.as_bytes()),
            ))
        }),
        "base64decode" => arity(args, 1).and_then(|_| base64_text(&string(&args[0])?)),
        "textdecodebase64" => arity(args, 2).and_then(|_| {
            let encoding = TextEncoding::named(&string(&args[1])?)?;
            encoding
                .decode(&base64_bytes(&string(&args[0])?)?)
                .map(Value::string)
        }),
        "textencodebase64" => arity(args, 2).and_then(|_| {
            let encoding = TextEncoding::named(&string(&args[1])?)?;
            let bytes = encoding.encode(&string(&args[0])?)?;
            Ok(Value::string(
                base64::engine::general_purpose::STANDARD.encode(bytes),
            ))
        }),
        "urlencode" => {
            arity(args, 1).and_then(|_| Ok(Value::string(url_encode(&string(&args[0])?))))
        }
        // OpenTofu's (1.7, 1.8); Terraform has neither
        "urldecode" => arity(args, 1).and_then(|_| url_decode(&string(&args[0])?)),
        "base64gunzip" => arity(args, 1).and_then(|_| gunzip(&base64_bytes(&string(&args[0])?)?)),
        "csvdecode" => arity(args, 1).and_then(|_| csv_decode(&string(&args[0])?)),
        "yamldecode" => arity(args, 1).and_then(|_| yaml_decode(&string(&args[0])?)),
        "yamlencode" => arity(args, 1).and_then(|_| {
            let mut out = String::new();
            yaml_encode(&args[0], 0, &mut out).map_err(super::CallError::Unsupported)?;
            if !out.ends_with('\n') {
                out.push('\n');
            }
            Ok(Value::string(out))
        }),
        _ => return None,
    })
}

/// The character encodings `textencodebase64` and `textdecodebase64`
/// support here: UTF-8, UTF-16 in either byte order (Windows user data is
/// UTF-16LE) and ISO-8859-1. Terraform accepts every IANA name Go's text
/// package knows; the others are reported as not supported (unknown).
enum TextEncoding {
    Utf8,
    Utf16 { little_endian: bool },
    Latin1,
}

impl TextEncoding {
    fn named(given: &str) -> Result<TextEncoding, super::CallError> {
        let name = given.to_ascii_uppercase().replace('_', "-");
        Ok(match name.as_str() {
            "UTF-8" | "UTF8" => TextEncoding::Utf8,
            "UTF-16LE" => TextEncoding::Utf16 {
                little_endian: true,
            },
            "UTF-16BE" => TextEncoding::Utf16 {
                little_endian: false,
            },
            "ISO-8859-1" | "LATIN1" | "ISO-IR-100" | "L1" | "IBM819" | "CP819" => {
                TextEncoding::Latin1
            }
            _ => {
                return Err(super::CallError::Unsupported(format!(
                    "the {given:?} encoding (supported: UTF-8, UTF-16LE, UTF-16BE, ISO-8859-1)"
                )))
            }
        })
    }

    fn encode(&self, text: &str) -> Result<Vec<u8>, super::CallError> {
        Ok(match self {
            TextEncoding::Utf8 => text.as_bytes().to_vec(),
            TextEncoding::Utf16 { little_endian } => text
                .encode_utf16()
                .flat_map(|unit| match little_endian {
                    true => unit.to_le_bytes(),
                    false => unit.to_be_bytes(),
                })
                .collect(),
            TextEncoding::Latin1 => {
                let mut out = Vec::with_capacity(text.len());
                for c in text.chars() {
                    match u8::try_from(u32::from(c)) {
                        Ok(b) => out.push(b),
                        Err(_) => {
                            return fail(format!(
                                "the given string contains characters that cannot be represented in ISO-8859-1 ({c:?})"
                            ))
                        }
                    }
                }
                out
            }
        })
    }

    fn decode(&self, bytes: &[u8]) -> Result<String, super::CallError> {
        match self {
            TextEncoding::Utf8 => String::from_utf8(bytes.to_vec())
                .or_else(|_| fail("the decoded bytes are not valid UTF-8")),
            TextEncoding::Utf16 { little_endian } => {
                if !bytes.len().is_multiple_of(2) {
                    return fail("UTF-16 text must have an even number of bytes");
                }
                let units = bytes.chunks_exact(2).map(|pair| {
                    let pair = [pair[0], pair[1]];
                    match little_endian {
                        true => u16::from_le_bytes(pair),
                        false => u16::from_be_bytes(pair),
                    }
                });
                char::decode_utf16(units)
                    .collect::<Result<String, _>>()
                    .or_else(|_| fail("the decoded bytes are not valid UTF-16"))
            }
            TextEncoding::Latin1 => Ok(bytes.iter().map(|&b| char::from(b)).collect()),
        }
    }
}

fn base64_text(s: &str) -> CallResult {
    TextEncoding::Utf8
        .decode(&base64_bytes(s)?)
        .map(Value::string)
}

fn base64_bytes(s: &str) -> Result<Vec<u8>, super::CallError> {
    base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .or_else(|e| fail(format!("invalid base64: {e}")))
}

/// `jsonencode` as Terraform produces it: compact, object keys sorted, and
/// `<`, `>`, `&` escaped as Go's encoder does.
pub fn json_encode(v: &Value) -> String {
    let mut out = String::new();
    encode_into(v, &mut out);
    out
}

fn encode_into(v: &Value, out: &mut String) {
    match v.strip() {
        Value::Null | Value::Unknown(_) | Value::Document(_) | Value::Template(_) => {
            out.push_str("null")
        }
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&format_number(*n)),
        Value::String(s) => encode_string(s, out),
        Value::List(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode_into(item, out);
            }
            out.push(']');
        }
        Value::Map(obj) => {
            out.push('{');
            for (i, (k, v)) in obj.fields().iter().enumerate() {
                if i > 0 {
                    out.push(',');
                }
                encode_string(k, out);
                out.push(':');
                encode_into(v, out);
            }
            out.push('}');
        }
        Value::Sensitive(_) => unreachable!("strip() removes the mark"),
    }
}

/// The bytes [`encode_string`] looks at: what it escapes, and the first
/// byte of U+2028 and U+2029; every other byte is written as it is.
const MAY_ESCAPE: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 0x20 {
        table[b] = true;
        b += 1;
    }
    let mut i = 0;
    let others = *b"\"\\<>&\xE2";
    while i < others.len() {
        table[others[i] as usize] = true;
        i += 1;
    }
    table
};

/// A JSON string as Go's `encoding/json` writes it (`<`, `>`, `&` escaped).
pub(crate) fn encode_string(s: &str, out: &mut String) {
    out.push('"');
    // runs of bytes written as they are, pushed whole (what needs escaping
    // is ASCII but for U+2028 and U+2029, E2 80 A8/A9 in UTF-8)
    let bytes = s.as_bytes();
    let mut clean = 0;
    let mut i = 0;
    while i < bytes.len() {
        if !MAY_ESCAPE[usize::from(bytes[i])] {
            i += 1;
            continue;
        }
        let (escape, width): (std::borrow::Cow<'static, str>, usize) = match bytes[i] {
            b'"' => ("\\\"".into(), 1),
            b'\\' => ("\\\\".into(), 1),
            b'\n' => ("\\n".into(), 1),
            b'\r' => ("\\r".into(), 1),
            b'\t' => ("\\t".into(), 1),
            b'<' => ("\\u003c".into(), 1),
            b'>' => ("\\u003e".into(), 1),
            b'&' => ("\\u0026".into(), 1),
            b if b < 0x20 => (format!("\\u{b:04x}").into(), 1),
            0xE2 if bytes.get(i + 1) == Some(&0x80)
                && matches!(bytes.get(i + 2), Some(0xA8 | 0xA9)) =>
            {
                let last = if bytes[i + 2] == 0xA8 { "8" } else { "9" };
                (format!("\\u202{last}").into(), 3)
            }
            _ => {
                i += 1;
                continue;
            }
        };
        out.push_str(&s[clean..i]);
        out.push_str(&escape);
        i += width;
        clean = i;
    }
    out.push_str(&s[clean..]);
    out.push('"');
}

/// Go's `url.QueryEscape`.
fn url_encode(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    for b in s.bytes() {
        match b {
            b'A'..=b'Z' | b'a'..=b'z' | b'0'..=b'9' | b'-' | b'_' | b'.' | b'~' => {
                out.push(b as char)
            }
            b' ' => out.push('+'),
            _ => out.push_str(&format!("%{b:02X}")),
        }
    }
    out
}

/// `urldecode` (OpenTofu): Go's `url.QueryUnescape` — `+` is a space,
/// `%XX` a byte — and the bytes must be UTF-8.
fn url_decode(s: &str) -> CallResult {
    let bytes = s.as_bytes();
    let digit = |b: u8| (b as char).to_digit(16).map(|d| d as u8);
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'+' => out.push(b' '),
            b'%' => match (
                bytes.get(i + 1).and_then(|&b| digit(b)),
                bytes.get(i + 2).and_then(|&b| digit(b)),
            ) {
                (Some(high), Some(low)) => {
                    out.push(high << 4 | low);
                    i += 2;
                }
                _ => {
                    let escape: String = s[i..].chars().take(3).collect();
                    return fail(format!("invalid URL escape {escape:?}"));
                }
            },
            b => out.push(b),
        }
        i += 1;
    }
    String::from_utf8(out)
        .map(Value::string)
        .or_else(|_| fail("the decoded text is not valid UTF-8"))
}

/// `base64gunzip` (OpenTofu): the text of a gzip stream, which must be UTF-8.
fn gunzip(compressed: &[u8]) -> CallResult {
    use std::io::Read;
    let mut bytes = Vec::new();
    if let Err(e) = flate2::read::GzDecoder::new(compressed).read_to_end(&mut bytes) {
        return fail(format!("failed to gunzip: {e}"));
    }
    String::from_utf8(bytes)
        .map(Value::string)
        .or_else(|_| fail("the decompressed text is not valid UTF-8"))
}

/// `csvdecode`: the first row names the columns; every value is a string.
fn csv_decode(s: &str) -> CallResult {
    let rows = parse_csv(s)?;
    let Some((header, records)) = rows.split_first() else {
        return Ok(Value::list(vec![]));
    };
    let mut out = Vec::with_capacity(records.len());
    for (i, record) in records.iter().enumerate() {
        if record.len() != header.len() {
            return fail(format!(
                "record {} has {} fields but the header has {}",
                i + 1,
                record.len(),
                header.len()
            ));
        }
        out.push(Value::map(
            header
                .iter()
                .cloned()
                .zip(record.iter().map(|f| Value::string(f.as_str())))
                .collect::<cloudwright_model::Fields>(),
        ));
    }
    Ok(Value::list(out))
}

fn parse_csv(s: &str) -> Result<Vec<Vec<String>>, super::CallError> {
    let mut rows = Vec::new();
    let mut row = Vec::new();
    let mut field = String::new();
    let mut chars = s.chars().peekable();
    let mut in_quotes = false;
    let mut any = false;
    while let Some(c) = chars.next() {
        any = true;
        if in_quotes {
            match c {
                '"' if chars.peek() == Some(&'"') => {
                    chars.next();
                    field.push('"');
                }
                '"' => in_quotes = false,
                c => field.push(c),
            }
            continue;
        }
        match c {
            '"' if field.is_empty() => in_quotes = true,
            ',' => row.push(std::mem::take(&mut field)),
            '\r' => {}
            '\n' => {
                row.push(std::mem::take(&mut field));
                rows.push(std::mem::take(&mut row));
                any = false;
            }
            c => field.push(c),
        }
    }
    if in_quotes {
        return fail("unterminated quoted field in CSV");
    }
    if any {
        row.push(field);
        rows.push(row);
    }
    Ok(rows)
}

/// `yamldecode` as Terraform decodes (go-cty-yaml): a single document;
/// plain scalars resolved by YAML 1.1's rules (`yes`, `on`, `y` are true;
/// `~` is null; `1_000` is a number; `2024-1-5` a timestamp, written as
/// RFC 3339), quoted and block scalars strings unless tagged; mapping keys
/// resolved the same way and then written as strings (`on:` is the key
/// "true", as Terraform has it); anchors and aliases followed.
fn yaml_decode(s: &str) -> CallResult {
    let mut decoder = YamlDecoder::default();
    let mut parser = yaml_rust2::parser::Parser::new_from_str(s);
    if let Err(e) = parser.load(&mut decoder, true) {
        return fail(format!("invalid YAML: {e}"));
    }
    if let Some(e) = decoder.error {
        return Err(e);
    }
    // an empty string, or only comments, holds no document: go-cty-yaml
    // refuses it
    match decoder.result {
        Some(v) if decoder.documents > 0 => Ok(v),
        _ => fail("missing start of document"),
    }
}

const YAML_TAG: &str = "tag:yaml.org,2002:";

#[derive(Default)]
struct YamlDecoder {
    /// Open sequences and mappings, innermost last.
    stack: Vec<YamlFrame>,
    /// Values of completed anchors, by the parser's anchor id.
    anchors: HashMap<usize, Value>,
    /// Anchors whose node is still open (an alias to one is a cycle).
    open_anchors: Vec<usize>,
    documents: usize,
    result: Option<Value>,
    error: Option<CallError>,
}

enum YamlFrame {
    Sequence(Vec<Value>, usize),
    /// The fields so far, the key waiting for its value, the anchor.
    Mapping(BTreeMap<String, Value>, Option<String>, usize),
}

impl YamlDecoder {
    fn fail(&mut self, message: impl Into<String>) {
        self.error = Some(CallError::Failed(message.into()));
    }

    fn expecting_key(&self) -> bool {
        matches!(self.stack.last(), Some(YamlFrame::Mapping(_, None, _)))
    }

    fn add(&mut self, value: Value, anchor: usize) {
        if anchor > 0 {
            self.open_anchors.retain(|a| *a != anchor);
            self.anchors.insert(anchor, value.clone());
        }
        match self.stack.last_mut() {
            None => self.result = Some(value),
            Some(YamlFrame::Sequence(items, _)) => items.push(value),
            Some(YamlFrame::Mapping(fields, key, _)) => {
                if let Some(k) = key.take() {
                    fields.insert(k, value);
                }
            }
        }
    }

    fn open(&mut self, frame: YamlFrame, anchor: usize, tag: Option<&Tag>, kind: &str) {
        if self.expecting_key() {
            self.fail("only strings are allowed as mapping keys");
            return;
        }
        if let Some(t) = tag.map(full_tag) {
            if t != format!("{YAML_TAG}{}", &kind[..3]) {
                self.fail(format!("can't interpret {kind} as {t}"));
                return;
            }
        }
        if anchor > 0 {
            self.open_anchors.push(anchor);
        }
        self.stack.push(frame);
    }
}

impl yaml_rust2::parser::MarkedEventReceiver for YamlDecoder {
    fn on_event(&mut self, event: yaml_rust2::Event, _mark: yaml_rust2::scanner::Marker) {
        use yaml_rust2::Event;
        if self.error.is_some() {
            return;
        }
        match event {
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    self.fail("only a single document is allowed");
                }
            }
            Event::Scalar(text, style, anchor, tag) => {
                let tag = match &tag {
                    Some(t) => full_tag(t),
                    // quoted and block scalars are strings
                    None if style != TScalarStyle::Plain => format!("{YAML_TAG}str"),
                    None => String::new(),
                };
                let value = match resolve_yaml_scalar(&tag, &text) {
                    Ok(v) => v,
                    Err(e) => {
                        self.error = Some(e);
                        return;
                    }
                };
                if self.expecting_key() {
                    let key = match value {
                        Value::Null => Err("mapping key cannot be null"),
                        Value::String(s) => Ok(s.to_string()),
                        Value::Number(n) => Ok(format_number(n)),
                        Value::Bool(b) => Ok(b.to_string()),
                        _ => Err("only strings are allowed as mapping keys"),
                    };
                    match key {
                        Ok(k) => {
                            if let Some(YamlFrame::Mapping(_, key, _)) = self.stack.last_mut() {
                                *key = Some(k);
                            }
                        }
                        Err(e) => self.fail(e),
                    }
                } else {
                    self.add(value, anchor);
                }
            }
            Event::SequenceStart(anchor, tag) => self.open(
                YamlFrame::Sequence(Vec::new(), anchor),
                anchor,
                tag.as_ref(),
                "sequence",
            ),
            Event::MappingStart(anchor, tag) => self.open(
                YamlFrame::Mapping(BTreeMap::new(), None, anchor),
                anchor,
                tag.as_ref(),
                "mapping",
            ),
            Event::SequenceEnd | Event::MappingEnd => {
                let (value, anchor) = match self.stack.pop() {
                    Some(YamlFrame::Sequence(items, anchor)) => (Value::list(items), anchor),
                    Some(YamlFrame::Mapping(fields, _, anchor)) => (Value::map(fields), anchor),
                    None => return,
                };
                self.add(value, anchor);
            }
            Event::Alias(id) => {
                if self.expecting_key() {
                    self.fail("only strings are allowed as mapping keys");
                } else if self.open_anchors.contains(&id) {
                    self.fail("cannot refer to an anchor from inside its own definition");
                } else if let Some(v) = self.anchors.get(&id).cloned() {
                    self.add(v, 0);
                } else {
                    self.fail("reference to an undefined anchor");
                }
            }
            _ => {}
        }
    }
}

/// A tag in full (`!!str` is `tag:yaml.org,2002:str`).
fn full_tag(t: &Tag) -> String {
    format!("{}{}", t.handle, t.suffix)
}

/// A scalar's value by go-cty-yaml's rules (YAML 1.1's, for plain ones).
fn resolve_yaml_scalar(tag: &str, src: &str) -> CallResult {
    // `tag` is in full (`tag:yaml.org,2002:str`), or "" for none
    const RESOLVABLE: &[&str] = &["str", "bool", "int", "float", "null", "timestamp", "binary"];
    let mut tag = match tag.strip_prefix(YAML_TAG) {
        _ if tag.is_empty() => "",
        Some(short) if RESOLVABLE.contains(&short) => short,
        _ => return fail("unsupported YAML tag"),
    };
    let first = src.bytes().next();
    let hint = match first {
        None => Some('M'),
        Some(b'+' | b'-' | b'0'..=b'9') => Some('D'),
        Some(b'y' | b'Y' | b'n' | b'N' | b't' | b'T' | b'f' | b'F' | b'o' | b'O' | b'~') => {
            Some('M')
        }
        Some(b'.') => Some('.'),
        _ => None,
    };
    let plain = src.replace('_', "");
    if hint.is_some() && tag != "str" && tag != "binary" {
        match src {
            "y" | "Y" | "yes" | "Yes" | "YES" | "true" | "True" | "TRUE" | "on" | "On" | "ON" => {
                return Ok(Value::Bool(true))
            }
            "n" | "N" | "no" | "No" | "NO" | "false" | "False" | "FALSE" | "off" | "Off"
            | "OFF" => return Ok(Value::Bool(false)),
            "" | "~" | "null" | "Null" | "NULL" => return Ok(Value::Null),
            ".inf" | ".Inf" | ".INF" | "+.inf" | "+.Inf" | "+.INF" | "-.inf" | "-.Inf"
            | "-.INF" => return fail("infinite numbers are not supported"),
            ".nan" | ".NaN" | ".NAN" => return fail("floating point NaN is not supported"),
            _ => {}
        }
        match hint {
            Some('.') => {
                if let Some(n) = yaml_number(src) {
                    return n;
                }
            }
            Some('D') => {
                if tag.is_empty() || tag == "timestamp" {
                    if let Some(t) = yaml_timestamp(src) {
                        return Ok(Value::string(t));
                    }
                }
                if let Some(n) = yaml_number(&plain) {
                    return n;
                }
                if plain.starts_with("0b") || plain.starts_with("-0b") {
                    tag = "int";
                }
            }
            _ => {}
        }
    }
    match tag {
        "str" => Ok(Value::string(src)),
        "binary" => match base64::engine::general_purpose::STANDARD.decode(src) {
            Ok(_) => Ok(Value::string(src)),
            Err(_) => fail(format!(
                "cannot parse {src:?} as !!binary: not valid base64"
            )),
        },
        "bool" => match resolve_yaml_scalar("", src) {
            Ok(Value::Bool(b)) => Ok(Value::Bool(b)),
            _ => fail(format!("cannot parse {src:?} as !!bool")),
        },
        "int" | "float" => {
            if let Some(n) = yaml_number(&plain) {
                return n;
            }
            // Go's strconv.ParseInt with base 0: 0x, 0o, 0b prefixes
            let (negative, digits) = match plain.strip_prefix('-') {
                Some(rest) => (true, rest),
                None => (false, plain.strip_prefix('+').unwrap_or(&plain)),
            };
            let parsed = [
                ("0x", 16),
                ("0X", 16),
                ("0o", 8),
                ("0O", 8),
                ("0b", 2),
                ("0B", 2),
            ]
            .iter()
            .find_map(|(p, radix)| digits.strip_prefix(p).map(|d| (d, *radix)))
            .or_else(|| (digits.len() > 1 && digits.starts_with('0')).then(|| (&digits[1..], 8)))
            .and_then(|(d, radix)| u64::from_str_radix(d, radix).ok());
            match parsed {
                Some(n) if negative => Ok(Value::Number(-(n as f64))),
                Some(n) => Ok(Value::Number(n as f64)),
                None => fail(format!("cannot parse {src:?} as !!{tag}")),
            }
        }
        "timestamp" => match yaml_timestamp(src) {
            Some(t) => Ok(Value::string(t)),
            None => fail(format!("cannot parse {src:?} as !!timestamp")),
        },
        "null" => Ok(Value::Null),
        _ => Ok(Value::string(src)),
    }
}

/// A decimal number as cty parses one (`1e3`, `.5`, `+1`; no `nan`, no
/// hexadecimal); infinity is an error (it has no value here).
fn yaml_number(s: &str) -> Option<CallResult> {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let well_formed = !body.is_empty()
        && body
            .bytes()
            .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
        && body.bytes().any(|b| b.is_ascii_digit());
    if !well_formed {
        return match body {
            "Inf" | "inf" => Some(fail("infinite numbers are not supported")),
            _ => None,
        };
    }
    let n: f64 = s.parse().ok()?;
    Some(if n.is_finite() {
        Ok(Value::Number(n))
    } else {
        fail("infinite numbers are not supported")
    })
}

/// One or two digits at the start of `rest` (taken off it), at most `max`.
fn one_or_two_digits(rest: &mut &str, max: u32) -> Option<u32> {
    let n = rest.bytes().take(2).take_while(u8::is_ascii_digit).count();
    let v: u32 = rest.get(..n).filter(|d| !d.is_empty())?.parse().ok()?;
    *rest = &rest[n..];
    (v <= max).then_some(v)
}

/// A YAML timestamp in the forms go-cty-yaml reads (`2006-1-2`,
/// `2006-1-2T15:4:5.999Z07:00`, `2006-1-2 15:4:5.999`), written as
/// RFC 3339 without fractional seconds (Go's `time.RFC3339`).
fn yaml_timestamp(s: &str) -> Option<String> {
    // year: exactly four digits, then '-'
    if s.len() < 5 || !s.as_bytes()[..4].iter().all(u8::is_ascii_digit) || s.as_bytes()[4] != b'-' {
        return None;
    }
    let mut rest = &s[5..];
    let year: i32 = s[..4].parse().ok()?;
    let month = one_or_two_digits(&mut rest, 12)?;
    rest = rest.strip_prefix('-')?;
    let day = one_or_two_digits(&mut rest, 31)?;
    let days_in_month = match month {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if year % 4 == 0 && (year % 100 != 0 || year % 400 == 0) => 29,
        2 => 28,
        _ => return None,
    };
    if day == 0 || day > days_in_month {
        return None;
    }
    let date = format!("{year:04}-{month:02}-{day:02}");
    if rest.is_empty() {
        return Some(format!("{date}T00:00:00Z"));
    }
    let zoned = if let Some(r) = rest.strip_prefix(['T', 't']) {
        rest = r;
        true
    } else {
        rest = rest.strip_prefix(' ')?;
        false
    };
    let hour = one_or_two_digits(&mut rest, 23)?;
    rest = rest.strip_prefix(':')?;
    let minute = one_or_two_digits(&mut rest, 59)?;
    rest = rest.strip_prefix(':')?;
    let second = one_or_two_digits(&mut rest, 59)?;
    if let Some(r) = rest.strip_prefix(['.', ',']) {
        let n = r.bytes().take_while(u8::is_ascii_digit).count();
        if n == 0 || n > 9 {
            return None;
        }
        rest = &r[n..];
    }
    let time = format!("{date}T{hour:02}:{minute:02}:{second:02}");
    if !zoned {
        return rest.is_empty().then(|| format!("{time}Z"));
    }
    match rest {
        "Z" => Some(format!("{time}Z")),
        zone => {
            let b = zone.as_bytes();
            let ok = b.len() == 6
                && matches!(b[0], b'+' | b'-')
                && b[1..3].iter().all(u8::is_ascii_digit)
                && b[3] == b':'
                && b[4..6].iter().all(u8::is_ascii_digit);
            // Go writes a zero offset as Z
            (ok).then(|| {
                if &zone[1..] == "00:00" {
                    format!("{time}Z")
                } else {
                    format!("{time}{zone}")
                }
            })
        }
    }
}

/// The value after a `- ` or `key:` marker: a nested block on the next
/// lines, or a scalar on the same line.
/// `yamlencode` in the block style Terraform emits (go-yaml's: strings
/// double-quoted; a sequence under a key not indented, a collection in a
/// sequence item begun on the item's line):
///
/// ```yaml
/// "bar": "baz"
/// "foo":
/// - 1
/// - "a": "b"
///   "c": "d"
/// ```
///
/// Text with line feeds is a literal block, a long line folded, as
/// go-yaml writes them; what go-yaml writes in ways not followed here — a
/// string ending in two line feeds (the document then ends with `...`), a
/// key too long or multi-line to be a simple one — is not written: `Err`
/// says which, and the result is unknown.
fn yaml_encode(v: &Value, indent: usize, out: &mut String) -> Result<(), String> {
    yaml_node(v, indent, false, out)
}

/// A node at `indent`; `inline` when its first line continues a `- `
/// already written.
fn yaml_node(v: &Value, indent: usize, inline: bool, out: &mut String) -> Result<(), String> {
    let pad = |first: bool, out: &mut String| {
        if !(first && inline) {
            out.extend(std::iter::repeat_n(' ', indent));
        }
    };
    match v.strip() {
        Value::List(items) if !items.is_empty() => {
            for (i, item) in items.iter().enumerate() {
                pad(i == 0, out);
                out.push_str("- ");
                if is_collection(item) {
                    yaml_node(item, indent + 2, true, out)?;
                } else {
                    yaml_scalar(item, indent + 2, out)?;
                    out.push('\n');
                }
            }
        }
        Value::Map(obj) if !obj.fields().is_empty() => {
            for (i, (k, item)) in obj.fields().iter().enumerate() {
                pad(i == 0, out);
                // go-yaml writes a longer or multi-line key as a complex one (`? `)
                if k.len() > 128 || k.contains('\n') {
                    return Err("a map key over 128 bytes or with a line break".into());
                }
                // a key is never folded (go-yaml's simple key context)
                yaml_string(k, None, out)?;
                out.push(':');
                match item.strip() {
                    Value::List(l) if !l.is_empty() => {
                        out.push('\n');
                        yaml_node(item, indent, false, out)?;
                    }
                    Value::Map(m) if !m.fields().is_empty() => {
                        out.push('\n');
                        yaml_node(item, indent + 2, false, out)?;
                    }
                    _ => {
                        out.push(' ');
                        yaml_scalar(item, indent + 2, out)?;
                        out.push('\n');
                    }
                }
            }
        }
        other => {
            pad(true, out);
            yaml_scalar(other, indent + 2, out)?;
            out.push('\n');
        }
    }
    Ok(())
}

fn is_collection(v: &Value) -> bool {
    matches!(v.strip(), Value::List(l) if !l.is_empty())
        || matches!(v.strip(), Value::Map(m) if !m.fields().is_empty())
}

/// A scalar (or an empty collection); a block string's lines go at
/// `indent`.
fn yaml_scalar(v: &Value, indent: usize, out: &mut String) -> Result<(), String> {
    match v.strip() {
        Value::List(_) => out.push_str("[]"),
        Value::Map(_) => out.push_str("{}"),
        Value::String(s) => yaml_string(s, Some(indent), out)?,
        Value::Null | Value::Unknown(_) | Value::Document(_) | Value::Template(_) => {
            out.push_str("null")
        }
        other => out.push_str(&other.to_string()),
    }
    Ok(())
}

/// Whether libyaml counts a character printable (a line feed is; what
/// lies past U+FFFF is not).
fn yaml_printable(c: char) -> bool {
    matches!(c, '\n' | '\u{20}'..='\u{7E}' | '\u{A0}'..='\u{D7FF}' | '\u{E000}'..='\u{FFFD}')
        && c != '\u{FEFF}'
}

/// A string as go-yaml's emitter writes the one cty hands it: with a line
/// feed, a literal block (`|`) where libyaml allows one — no unprintable
/// character, no space before a line break or at the end — else
/// double-quoted (Unicode on): printable characters as they are, `"`,
/// `\\` and the others escaped, a line folded at a space past the 80th
/// column. `block` is where a value's block and folded lines go; `None`
/// for a key, which is never folded nor a block. A string ending in two
/// line feeds makes go-yaml end the document with `...`: it is not
/// written here.
fn yaml_string(s: &str, block: Option<usize>, out: &mut String) -> Result<(), String> {
    let chars: Vec<char> = s.chars().collect();
    let block_allowed =
        chars.iter().all(|&c| yaml_printable(c)) && !s.contains(" \n") && !s.ends_with(' ');
    if let (Some(indent), true, true) = (block, s.contains('\n'), block_allowed) {
        if s == "\n" || s.ends_with("\n\n") {
            return Err(
                "a string ending in line breaks (Terraform ends the document after it)".into(),
            );
        }
        out.push('|');
        if s.starts_with([' ', '\n']) {
            out.push('2');
        }
        let body = match s.strip_suffix('\n') {
            Some(body) => body,
            None => {
                out.push('-');
                s
            }
        };
        for line in body.split('\n') {
            out.push('\n');
            if !line.is_empty() {
                out.extend(std::iter::repeat_n(' ', indent));
                out.push_str(line);
            }
        }
        return Ok(());
    }
    let line_start = out.rfind('\n').map_or(0, |i| i + 1);
    let mut column = out[line_start..].chars().count();
    out.push('"');
    column += 1;
    let mut spaces = false;
    for (i, &c) in chars.iter().enumerate() {
        if !yaml_printable(c) || c == '\n' || c == '"' || c == '\\' {
            let escape = match c {
                '\0' => "\\0".to_string(),
                '\u{7}' => "\\a".to_string(),
                '\u{8}' => "\\b".to_string(),
                '\t' => "\\t".to_string(),
                '\n' => "\\n".to_string(),
                '\u{B}' => "\\v".to_string(),
                '\u{C}' => "\\f".to_string(),
                '\r' => "\\r".to_string(),
                '\u{1B}' => "\\e".to_string(),
                '"' => "\\\"".to_string(),
                '\\' => "\\\\".to_string(),
                '\u{85}' => "\\N".to_string(),
                '\u{2028}' => "\\L".to_string(),
                '\u{2029}' => "\\P".to_string(),
                c if (c as u32) <= 0xFF => format!("\\x{:02X}", c as u32),
                c if (c as u32) <= 0xFFFF => format!("\\u{:04X}", c as u32),
                c => format!("\\U{:08X}", c as u32),
            };
            column += escape.len();
            out.push_str(&escape);
            spaces = false;
        } else if c == ' ' {
            match block {
                // folded: the space becomes a line break at the value's
                // indentation (a following space kept by a `\\`)
                Some(indent) if !spaces && column > 80 && i > 0 && i + 1 < chars.len() => {
                    out.push('\n');
                    out.extend(std::iter::repeat_n(' ', indent));
                    column = indent;
                    if chars[i + 1] == ' ' {
                        out.push('\\');
                        column += 1;
                    }
                }
                _ => {
                    out.push(' ');
                    column += 1;
                }
            }
            spaces = true;
        } else {
            out.push(c);
            column += 1;
            spaces = false;
        }
    }
    out.push('"');
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn text(r: CallResult) -> String {
        match r {
            Ok(Value::String(s)) => s.to_string(),
            other => panic!("not a string: {other:?}"),
        }
    }

    fn failure(r: CallResult) -> String {
        match r {
            Err(super::super::CallError::Failed(msg)) => msg,
            other => panic!("not a failure: {other:?}"),
        }
    }

    /// What Terraform refuses in YAML, go-cty-yaml's messages.
    #[test]
    fn yaml_that_terraform_refuses_is_an_error() {
        for (yaml, message) in [
            ("a: 1\n---\nb: 2", "only a single document is allowed"),
            (
                "a: &x [*x]",
                "cannot refer to an anchor from inside its own definition",
            ),
            ("? [a]\n: 1", "only strings are allowed as mapping keys"),
            ("~: 1", "mapping key cannot be null"),
            ("a: !!bool maybe", "cannot parse \"maybe\" as !!bool"),
            ("a: .nan", "floating point NaN is not supported"),
            ("a: .inf", "infinite numbers are not supported"),
            ("a: !!nope x", "unsupported YAML tag"),
            (
                "!!map [a]",
                "can't interpret sequence as tag:yaml.org,2002:map",
            ),
            ("", "missing start of document"),
            ("# only a comment\n", "missing start of document"),
        ] {
            assert_eq!(failure(yaml_decode(yaml)), message, "{yaml}");
        }
    }

    #[test]
    fn urldecode_is_query_unescape() {
        // OpenTofu's documented examples
        assert_eq!(text(url_decode("Hello+World%21")), "Hello World!");
        assert_eq!(text(url_decode("%E2%98%83")), "☃");
        assert_eq!(
            text(url_decode("foo%3Abar%40localhost%3Ffoo%3Dbar%26bar%3Dbaz")),
            "foo:bar@localhost?foo=bar&bar=baz"
        );
        assert_eq!(text(url_decode("a%2fb%2Fc")), "a/b/c");
        assert_eq!(text(url_decode(&url_encode("a b/ü?"))), "a b/ü?");
        assert_eq!(failure(url_decode("100%zz")), "invalid URL escape \"%zz\"");
        assert_eq!(failure(url_decode("50%4")), "invalid URL escape \"%4\"");
        assert_eq!(
            failure(url_decode("%FF")),
            "the decoded text is not valid UTF-8"
        );
    }

    #[test]
    fn base64gunzip_decompresses_a_gzip_stream() {
        let args = [Value::string(
            "H4sIAAAAAAACA1NW1E/KzNNPSizO4EpNzshXyEjNycnnAgAM6oPUFwAAAA==",
        )];
        let out = call("base64gunzip", &args).expect("an encoding function");
        assert_eq!(text(out), "#!/bin/bash\necho hello\n");
        let not_gzip = [Value::string("SGVsbG8=")];
        let out = call("base64gunzip", &not_gzip).expect("an encoding function");
        assert!(failure(out).starts_with("failed to gunzip: "));
        let not_text = [Value::string("H4sIAAAAAAACA/v/DwCWMPiIAgAAAA==")];
        let out = call("base64gunzip", &not_text).expect("an encoding function");
        assert_eq!(failure(out), "the decompressed text is not valid UTF-8");
    }

    #[test]
    fn jsonencode_sorts_keys_and_escapes_html() {
        let v = Value::map([
            ("b".to_string(), Value::string("<a&b>")),
            (
                "a".to_string(),
                Value::list(vec![Value::Number(1.0), Value::Bool(true), Value::Null]),
            ),
        ]);
        assert_eq!(
            json_encode(&v),
            r#"{"a":[1,true,null],"b":"\u003ca\u0026b\u003e"}"#
        );
        // as Go's encoding/json: quotes, backslashes and control characters
        // escaped, U+2028/U+2029 too, other text as it is
        let text = Value::string("é \"q\" \\ \u{1}\t\u{2028}\u{2029}€\n");
        assert_eq!(
            json_encode(&text),
            r#""é \"q\" \\ \u0001\t\u2028\u2029€\n""#
        );
    }

    #[test]
    fn yaml_round_trip() {
        let v = yaml_decode("a: 1\nb:\n  - x\n  - true\nc: {d: null}\n").unwrap();
        assert_eq!(v.to_string(), "{a = 1, b = [\"x\", true], c = {d = null}}");
        let mut out = String::new();
        yaml_encode(&v, 0, &mut out).unwrap();
        assert_eq!(
            out,
            "\"a\": 1\n\"b\":\n- \"x\"\n- true\n\"c\":\n  \"d\": null\n"
        );
    }

    /// Values yamlencode takes: nested lists and objects of strings (any
    /// characters), whole numbers, bools and nulls.
    fn yaml_values() -> impl proptest::strategy::Strategy<Value = Value> {
        use proptest::prelude::*;
        let leaf = prop_oneof![
            any::<String>().prop_map(Value::string),
            // lines, spaces and blank lines: literal blocks
            "[a-z \n]{0,12}".prop_map(Value::string),
            // long lines with single and double spaces: folded
            "([a-z]{1,8} {1,2}){10,30}[a-z]".prop_map(Value::string),
            (-1_000_000i64..1_000_000).prop_map(|n| Value::Number(n as f64)),
            any::<bool>().prop_map(Value::Bool),
            Just(Value::Null),
        ];
        leaf.prop_recursive(4, 32, 4, |inner| {
            prop_oneof![
                proptest::collection::vec(inner.clone(), 0..4).prop_map(Value::list),
                proptest::collection::btree_map("[a-z_ :\"-]{0,6}", inner, 0..4)
                    .prop_map(Value::map),
            ]
        })
    }

    proptest::proptest! {
        // what yamlencode writes, a YAML parser reads back as the value
        #[test]
        fn yamlencode_reads_back(v in yaml_values()) {
            let mut out = String::new();
            // what Terraform writes as a block or folds is not written
            proptest::prop_assume!(yaml_encode(&v, 0, &mut out).is_ok());
            let back = yaml_decode(&out).unwrap_or_else(|e| panic!("{out:?}: {e:?}"));
            proptest::prop_assert_eq!(back.equals(&v), Some(true), "{:?} read back as {}", out, back);
        }

        // any text: a value or go-cty-yaml's error, never a panic
        #[test]
        fn yamldecode_of_any_text_never_panics(text in "[-:&*!|>'\"#%@`{}\\[\\], ?~.0-9a-zA-Z_\n\t]{0,40}") {
            let _ = yaml_decode(&text);
        }
    }

    #[test]
    fn yamlencode_is_block_style_as_terraform_writes_it() {
        let encode = |v: &Value| {
            let mut out = String::new();
            yaml_encode(v, 0, &mut out).map(|()| out)
        };
        let encode_ok = |v: &Value| encode(v).unwrap();
        // the Terraform documentation's examples
        let n = |x: f64| Value::Number(x);
        let v = Value::map([
            ("foo", Value::list(vec![n(1.0), n(2.0), n(3.0)])),
            ("bar", Value::string("baz")),
        ]);
        assert_eq!(encode_ok(&v), "\"bar\": \"baz\"\n\"foo\":\n- 1\n- 2\n- 3\n");
        let inner = Value::map([("a", Value::string("b")), ("c", Value::string("d"))]);
        let v = Value::map([
            ("foo", Value::list(vec![n(1.0), inner, n(3.0)])),
            ("bar", Value::string("baz")),
        ]);
        assert_eq!(
            encode_ok(&v),
            "\"bar\": \"baz\"\n\"foo\":\n- 1\n- \"a\": \"b\"\n  \"c\": \"d\"\n- 3\n"
        );
        // a sequence in a sequence, a sequence under a key in an item
        let v = Value::list(vec![
            Value::list(vec![n(1.0), n(2.0)]),
            Value::map([("k", Value::list(vec![n(3.0)])), ("e", Value::list(vec![]))]),
        ]);
        assert_eq!(
            encode_ok(&v),
            "- - 1\n  - 2\n- \"e\": []\n  \"k\":\n  - 3\n"
        );
        // strings as go-yaml writes them: printable characters as they
        // are, the rest escaped; a line break or a fold is not written
        let text = |t: &str| Value::map([("k", Value::string(t))]);
        assert_eq!(encode_ok(&text("<a&b> é")), "\"k\": \"<a&b> é\"\n");
        assert_eq!(
            encode_ok(&text("tab\there \"q\" \\ \u{1F600} \u{85}")),
            "\"k\": \"tab\\there \\\"q\\\" \\\\ \\U0001F600 \\N\"\n"
        );
        // a line feed: a literal block, chomped as the text ends
        assert_eq!(
            encode_ok(&text("two\nlines")),
            "\"k\": |-\n  two\n  lines\n"
        );
        assert_eq!(
            encode_ok(&text("one\n\nthree\n")),
            "\"k\": |\n  one\n\n  three\n"
        );
        assert_eq!(encode_ok(&text(" lead\nx")), "\"k\": |2-\n   lead\n  x\n");
        let items = Value::list(vec![Value::string("a\nb"), Value::string("c")]);
        assert_eq!(encode_ok(&items), "- |-\n  a\n  b\n- \"c\"\n");
        let under_key = Value::map([("k", Value::list(vec![Value::string("a\nb")]))]);
        assert_eq!(encode_ok(&under_key), "\"k\":\n- |-\n  a\n  b\n");
        // …unless libyaml forbids the block: double-quoted, escaped
        assert_eq!(encode_ok(&text("a\tb\nc")), "\"k\": \"a\\tb\\nc\"\n");
        assert_eq!(encode_ok(&text("a \nb")), "\"k\": \"a \\nb\"\n");
        assert!(encode(&text("end\n\n"))
            .unwrap_err()
            .contains("ends the document"));
        // a space past the 80th column: the line folded at the value's indentation
        let long = "word ".repeat(19) + "word";
        assert_eq!(
            encode_ok(&text(&long)),
            format!(
                "\"k\": \"{}word\n  word word word word\"\n",
                "word ".repeat(15)
            )
        );
        // a long key is not folded
        let key = "k".repeat(40) + " " + &"k".repeat(60);
        assert!(encode(&Value::map([(key.as_str(), Value::Null)])).is_ok());
    }

    #[test]
    fn csv_and_url() {
        let v = csv_decode("name,port\nweb,\"80\"\nssh,22\n").unwrap();
        assert_eq!(
            v.to_string(),
            "[{name = \"web\", port = \"80\"}, {name = \"ssh\", port = \"22\"}]"
        );
        assert_eq!(url_encode("a b&c/d"), "a+b%26c%2Fd");
    }
}
