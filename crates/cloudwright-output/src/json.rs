//! JSON text written directly, for the documents whose size makes
//! serde_json's string escaping the larger part of writing them (a scan
//! report's 100k+ findings): the same bytes serde_json writes, strings
//! checked eight bytes at a time for anything to escape.

/// `s` as a JSON string, escaped exactly as serde_json escapes it:
/// `"` and `\` by a backslash, the control characters below U+0020 by
/// their short escape or `\u00XX`, everything else as it is.
pub fn push_str(out: &mut Vec<u8>, s: &str) {
    let bytes = s.as_bytes();
    out.reserve(bytes.len() + 2);
    out.push(b'"');
    let mut plain = 0; // start of the run not yet copied
    let mut at = 0;
    let mut tail_checked = false;
    while at < bytes.len() {
        // skip whole words with nothing to escape; the last, short one
        // is looked at once, padded with a letter
        if let Some(word) = bytes.get(at..at + 8) {
            let word = u64::from_le_bytes(word.try_into().unwrap_or([0; 8]));
            if !needs_escape(word) {
                at += 8;
                continue;
            }
        } else if !tail_checked {
            tail_checked = true;
            let mut word = [b'a'; 8];
            word[..bytes.len() - at].copy_from_slice(&bytes[at..]);
            if !needs_escape(u64::from_le_bytes(word)) {
                break;
            }
        }
        let b = bytes[at];
        let escape: &[u8] = match b {
            b'"' => b"\\\"",
            b'\\' => b"\\\\",
            b'\n' => b"\\n",
            b'\t' => b"\\t",
            b'\r' => b"\\r",
            0x08 => b"\\b",
            0x0c => b"\\f",
            0x00..=0x1f => {
                out.extend_from_slice(&bytes[plain..at]);
                const HEX: &[u8; 16] = b"0123456789abcdef";
                out.extend_from_slice(b"\\u00");
                out.push(HEX[usize::from(b >> 4)]);
                out.push(HEX[usize::from(b & 0xf)]);
                at += 1;
                plain = at;
                continue;
            }
            _ => {
                at += 1;
                continue;
            }
        };
        out.extend_from_slice(&bytes[plain..at]);
        out.extend_from_slice(escape);
        at += 1;
        plain = at;
    }
    out.extend_from_slice(&bytes[plain..]);
    out.push(b'"');
}

/// Does any of the eight bytes of `word` need escaping: below 0x20, `"`
/// or `\`? (Bytes of UTF-8 sequences are 0x80 or above and never do.)
fn needs_escape(word: u64) -> bool {
    const ONES: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    // a byte is zero (here: equal to the pattern) or below a bound when
    // subtracting sets its high bit where the byte's own was clear
    let below_space = word.wrapping_sub(ONES * 0x20) & !word & HIGH;
    let quote = word ^ (ONES * u64::from(b'"'));
    let backslash = word ^ (ONES * u64::from(b'\\'));
    let zero_byte = |x: u64| x.wrapping_sub(ONES) & !x & HIGH;
    (below_space | zero_byte(quote) | zero_byte(backslash)) != 0
}

/// A JSON array of strings.
pub fn push_strs(out: &mut Vec<u8>, items: &[&str]) {
    out.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        push_str(out, item);
    }
    out.push(b']');
}

/// `"key":`, the key written as it is (the callers' keys are plain names).
pub fn push_key(out: &mut Vec<u8>, key: &str) {
    out.push(b'"');
    out.extend_from_slice(key.as_bytes());
    out.extend_from_slice(b"\":");
}

/// A whole number, as serde_json writes it.
pub fn push_u32(out: &mut Vec<u8>, n: u32) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// `value` as serde_json's pretty printer writes it (two spaces a level,
/// `": "` after keys, `[]` and `{}` when empty), as if nested `level`
/// levels deep: its lines after the first indented by `level` more.
pub fn push_pretty(out: &mut Vec<u8>, value: &serde_json::Value, level: usize) {
    use serde_json::Value as J;
    match value {
        J::Null => out.extend_from_slice(b"null"),
        J::Bool(true) => out.extend_from_slice(b"true"),
        J::Bool(false) => out.extend_from_slice(b"false"),
        // numbers as serde_json writes them (whole, or by the shortest
        // exact decimal): few, and not worth a second implementation
        J::Number(n) => {
            let _ = serde_json::to_writer(&mut *out, n);
        }
        J::String(s) => push_str(out, s),
        J::Array(items) => push_list(out, items, level, push_pretty),
        J::Object(map) => {
            let mut o = PrettyObject::open(out, level);
            for (key, item) in map {
                o.tree(out, key, item);
            }
            o.close(out);
        }
    }
}

/// Writes the lines of an object's members: `begin` opens the object
/// (`{` and its first member's line), `member` each further one.
pub struct PrettyObject {
    level: usize,
    members: usize,
}

impl PrettyObject {
    /// An object nested `level` deep, opened.
    pub fn open(out: &mut Vec<u8>, level: usize) -> PrettyObject {
        out.push(b'{');
        PrettyObject { level, members: 0 }
    }

    /// The next member's key; its value follows, written at
    /// [`PrettyObject::inner`] depth.
    pub fn key(&mut self, out: &mut Vec<u8>, key: &str) {
        out.extend_from_slice(if self.members == 0 { b"\n" } else { b",\n" });
        indent(out, self.level + 1);
        push_str(out, key);
        out.extend_from_slice(b": ");
        self.members += 1;
    }

    /// The depth of the members' values.
    pub fn inner(&self) -> usize {
        self.level + 1
    }

    /// A member holding a JSON tree.
    pub fn tree(&mut self, out: &mut Vec<u8>, key: &str, value: &serde_json::Value) {
        self.key(out, key);
        push_pretty(out, value, self.inner());
    }

    /// A member holding a string.
    pub fn str(&mut self, out: &mut Vec<u8>, key: &str, value: &str) {
        self.key(out, key);
        push_str(out, value);
    }

    /// A member holding a whole number.
    pub fn u32(&mut self, out: &mut Vec<u8>, key: &str, value: u32) {
        self.key(out, key);
        push_u32(out, value);
    }

    /// A member holding a string or `null`.
    pub fn opt_str(&mut self, out: &mut Vec<u8>, key: &str, value: Option<&str>) {
        self.key(out, key);
        match value {
            Some(v) => push_str(out, v),
            None => out.extend_from_slice(b"null"),
        }
    }

    pub fn close(self, out: &mut Vec<u8>) {
        if self.members == 0 {
            out.push(b'}');
            return;
        }
        out.push(b'\n');
        indent(out, self.level);
        out.push(b'}');
    }
}

/// A compact JSON list, each item written by `item`.
pub fn push_compact_list<T>(
    out: &mut Vec<u8>,
    items: &[T],
    mut item: impl FnMut(&mut Vec<u8>, &T) -> std::io::Result<()>,
) -> std::io::Result<()> {
    out.push(b'[');
    for (i, it) in items.iter().enumerate() {
        if i > 0 {
            out.push(b',');
        }
        item(out, it)?;
    }
    out.push(b']');
    Ok(())
}

/// A pretty list nested `level` deep, each item written by `item` one
/// level deeper; `[]` when empty.
pub fn push_list<T>(
    out: &mut Vec<u8>,
    items: &[T],
    level: usize,
    item: impl Fn(&mut Vec<u8>, &T, usize),
) {
    if items.is_empty() {
        out.extend_from_slice(b"[]");
        return;
    }
    out.push(b'[');
    for (i, it) in items.iter().enumerate() {
        out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
        indent(out, level + 1);
        item(out, it, level + 1);
    }
    out.push(b'\n');
    indent(out, level);
    out.push(b']');
}

fn indent(out: &mut Vec<u8>, level: usize) {
    for _ in 0..level {
        out.extend_from_slice(b"  ");
    }
}

/// A model value pretty printed as [`cloudwright_model::Value::to_json`]
/// and [`push_pretty`] together would write it, without the tree.
pub fn push_value(out: &mut Vec<u8>, value: &cloudwright_model::Value, level: usize) {
    use cloudwright_model::Value;
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::Number(_) => push_pretty(out, &value.to_json(), level),
        Value::String(s) => push_str(out, s),
        Value::List(items) => push_list(out, items, level, push_value),
        Value::Map(obj) => {
            let mut o = PrettyObject::open(out, level);
            for (key, item) in obj.fields.iter() {
                o.key(out, key);
                push_value(out, item, o.inner());
            }
            o.close(out);
        }
        Value::Unknown(_) | Value::Document(_) | Value::Sensitive(_) => {
            push_pretty(out, &value.to_json(), level)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ours(s: &str) -> String {
        let mut out = Vec::new();
        push_str(&mut out, s);
        String::from_utf8(out).unwrap()
    }

    #[test]
    fn strings_are_escaped_byte_for_byte_as_serde_json_escapes_them() {
        let mut cases: Vec<String> = vec![
            String::new(),
            "plain words, longer than one eight-byte word".into(),
            "aws_s3_bucket.b[\"key\"]".into(),
            "back\\slash at the end\\".into(),
            "tab\there, newline\nthere, \r\u{8}\u{c}".into(),
            "\u{0}\u{1}\u{1f} \u{7f} é ü 日本 \u{2028} 😀 \"".into(),
            "/ is not escaped </script>".into(),
        ];
        // every byte value below 0x80 at every offset of a word
        for b in 0u8..0x80 {
            for pad in 0..9 {
                cases.push(format!(
                    "{}{}{}",
                    "x".repeat(pad),
                    char::from(b),
                    "y".repeat(9)
                ));
            }
        }
        for case in &cases {
            assert_eq!(ours(case), serde_json::to_string(case).unwrap(), "{case:?}");
        }
    }

    #[test]
    fn pretty_json_is_what_serde_json_pretty_prints() {
        let value = serde_json::json!({
            "s": "a \"quoted\" \n string é",
            "n": [0, -3, 1.5, 1e20, 12345678901234567890u64, 0.1],
            "empty": {"list": [], "map": {}},
            "nested": [[1, [2, {"k": null}]], {"b": true, "a": false}],
            "null": null,
        });
        for v in [
            value.clone(),
            serde_json::json!([]),
            serde_json::json!("x"),
            value["nested"].clone(),
        ] {
            let mut ours = Vec::new();
            push_pretty(&mut ours, &v, 0);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string_pretty(&v).unwrap()
            );
        }
        // two levels in: the lines after the first indented four more
        let mut ours = Vec::new();
        push_pretty(&mut ours, &value, 2);
        let theirs = serde_json::to_string_pretty(&value)
            .unwrap()
            .replace('\n', "\n    ");
        assert_eq!(String::from_utf8(ours).unwrap(), theirs);
    }

    #[test]
    fn a_model_value_is_written_as_its_json_tree_pretty_prints() {
        use cloudwright_model::{Fields, Value};
        let mut inner = Fields::new();
        inner.insert("b", Value::Number(1.5));
        inner.insert("a", Value::list(vec![]));
        let mut fields = Fields::new();
        fields.insert("name", Value::string("x \"y\""));
        fields.insert("count", Value::Number(3.0));
        fields.insert("big", Value::Number(1e20));
        fields.insert("on", Value::Bool(true));
        fields.insert("none", Value::Null);
        fields.insert("id", Value::unknown_from("aws_vpc.main.id".to_string()));
        fields.insert("any", Value::unknown());
        fields.insert("secret", Value::string("hunter2").sensitive());
        fields.insert("policy", Value::unknown_document(Value::map(Fields::new())));
        fields.insert("empty", Value::map(Fields::new()));
        fields.insert(
            "nested",
            Value::list(vec![Value::map(inner), Value::Bool(false)]),
        );
        let value = Value::map(fields);
        for level in [0, 2] {
            let mut ours = Vec::new();
            push_value(&mut ours, &value, level);
            let mut theirs = Vec::new();
            push_pretty(&mut theirs, &value.to_json(), level);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
        }
    }

    #[test]
    fn numbers_and_lists_as_serde_json_writes_them() {
        let mut out = Vec::new();
        push_u32(&mut out, 4_294_967_295);
        out.push(b' ');
        push_strs(&mut out, &["a", "b\"c"]);
        out.push(b' ');
        push_strs(&mut out, &[]);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"4294967295 ["a","b\"c"] []"#
        );
    }
}
