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

/// How a document is laid out: compact (no whitespace, as
/// `serde_json::to_writer` writes) or pretty printed (as
/// `serde_json::to_writer_pretty` writes: two spaces a level, `": "` after
/// keys, `[]` and `{}` when empty) as if nested some levels deep.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Layout {
    Compact,
    Pretty(usize),
}

impl Layout {
    /// The layout of what is nested one level deeper.
    pub fn inner(self) -> Layout {
        match self {
            Layout::Compact => Layout::Compact,
            Layout::Pretty(level) => Layout::Pretty(level + 1),
        }
    }

    /// What comes before the item of index `i` of a list or object.
    #[inline]
    fn separate(self, out: &mut Vec<u8>, i: usize) {
        match self {
            Layout::Compact if i > 0 => out.push(b','),
            Layout::Compact => {}
            Layout::Pretty(level) => {
                out.extend_from_slice(if i == 0 { b"\n" } else { b",\n" });
                indent(out, level + 1);
            }
        }
    }

    /// What comes after the last of `n` items, before the closing bracket.
    #[inline]
    fn finish(self, out: &mut Vec<u8>, n: usize) {
        if let (Layout::Pretty(level), 1..) = (self, n) {
            out.push(b'\n');
            indent(out, level);
        }
    }
}

fn indent(out: &mut Vec<u8>, level: usize) {
    for _ in 0..level {
        out.extend_from_slice(b"  ");
    }
}

/// A list, each item written by `item` in the layout one level deeper.
pub fn push_list<T>(
    out: &mut Vec<u8>,
    items: &[T],
    layout: Layout,
    mut item: impl FnMut(&mut Vec<u8>, &T, Layout),
) {
    out.push(b'[');
    for (i, it) in items.iter().enumerate() {
        layout.separate(out, i);
        item(out, it, layout.inner());
    }
    layout.finish(out, items.len());
    out.push(b']');
}

/// An object, written member by member: [`Object::key`] or
/// [`Object::name`], then the value in the layout [`Object::inner`] gives;
/// or one of the shorthands, which take the document's own names.
pub struct Object {
    layout: Layout,
    members: usize,
}

impl Object {
    #[inline]
    pub fn open(out: &mut Vec<u8>, layout: Layout) -> Object {
        out.push(b'{');
        Object { layout, members: 0 }
    }

    /// The next member's key, from the data (escaped); its value follows.
    pub fn key(&mut self, out: &mut Vec<u8>, key: &str) {
        self.layout.separate(out, self.members);
        push_str(out, key);
        self.colon(out);
    }

    /// The next member's key, one of the document's own plain names
    /// (written as it is); its value follows.
    #[inline]
    pub fn name(&mut self, out: &mut Vec<u8>, name: &'static str) {
        self.layout.separate(out, self.members);
        out.push(b'"');
        out.extend_from_slice(name.as_bytes());
        out.push(b'"');
        self.colon(out);
    }

    #[inline]
    fn colon(&mut self, out: &mut Vec<u8>) {
        out.extend_from_slice(match self.layout {
            Layout::Compact => b":",
            Layout::Pretty(_) => b": ",
        });
        self.members += 1;
    }

    /// The layout of the members' values.
    pub fn inner(&self) -> Layout {
        self.layout.inner()
    }

    /// A member holding a JSON tree.
    pub fn tree(&mut self, out: &mut Vec<u8>, key: &str, value: &serde_json::Value) {
        self.key(out, key);
        push_tree(out, value, self.inner());
    }

    /// A member holding a string.
    pub fn str(&mut self, out: &mut Vec<u8>, name: &'static str, value: &str) {
        self.name(out, name);
        push_str(out, value);
    }

    /// A member holding a string or `null`.
    pub fn opt_str(&mut self, out: &mut Vec<u8>, name: &'static str, value: Option<&str>) {
        self.name(out, name);
        match value {
            Some(v) => push_str(out, v),
            None => out.extend_from_slice(b"null"),
        }
    }

    /// A member holding a whole number.
    pub fn int(&mut self, out: &mut Vec<u8>, name: &'static str, value: impl itoa::Integer) {
        self.name(out, name);
        push_int(out, value);
    }

    #[inline]
    pub fn close(self, out: &mut Vec<u8>) {
        self.layout.finish(out, self.members);
        out.push(b'}');
    }
}

/// A whole number, as serde_json writes it.
pub fn push_int(out: &mut Vec<u8>, n: impl itoa::Integer) {
    out.extend_from_slice(itoa::Buffer::new().format(n).as_bytes());
}

/// A JSON tree, as serde_json writes it in `layout`.
pub fn push_tree(out: &mut Vec<u8>, value: &serde_json::Value, layout: Layout) {
    use serde_json::Value as J;
    match value {
        J::Null => out.extend_from_slice(b"null"),
        J::Bool(true) => out.extend_from_slice(b"true"),
        J::Bool(false) => out.extend_from_slice(b"false"),
        // numbers as serde_json writes them (whole, or by the shortest
        // exact decimal): few, and not worth a second implementation;
        // writing into a vector cannot fail
        J::Number(n) => {
            let _ = serde_json::to_writer(&mut *out, n);
        }
        J::String(s) => push_str(out, s),
        J::Array(items) => push_list(out, items, layout, push_tree),
        J::Object(map) => {
            let mut o = Object::open(out, layout);
            for (key, item) in map {
                o.tree(out, key, item);
            }
            o.close(out);
        }
    }
}

/// A model value as its JSON tree ([`cloudwright_model::Value::to_json`])
/// would be written, without building the tree.
pub fn push_value(out: &mut Vec<u8>, value: &cloudwright_model::Value, layout: Layout) {
    use cloudwright_model::Value;
    match value {
        Value::Null => out.extend_from_slice(b"null"),
        Value::Bool(true) => out.extend_from_slice(b"true"),
        Value::Bool(false) => out.extend_from_slice(b"false"),
        Value::String(s) => push_str(out, s),
        Value::List(items) => push_list(out, items, layout, push_value),
        Value::Map(obj) => {
            let mut o = Object::open(out, layout);
            for (key, item) in obj.fields().iter() {
                o.key(out, key);
                push_value(out, item, o.inner());
            }
            o.close(out);
        }
        Value::Number(_)
        | Value::Unknown(_)
        | Value::Document(_)
        | Value::Template(_)
        | Value::Sensitive(_) => push_tree(out, &value.to_json(), layout),
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
            push_tree(&mut ours, &v, Layout::Pretty(0));
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string_pretty(&v).unwrap()
            );
            let mut ours = Vec::new();
            push_tree(&mut ours, &v, Layout::Compact);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                serde_json::to_string(&v).unwrap()
            );
        }
        // two levels in: the lines after the first indented four more
        let mut ours = Vec::new();
        push_tree(&mut ours, &value, Layout::Pretty(2));
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
        for layout in [Layout::Pretty(0), Layout::Pretty(2), Layout::Compact] {
            let mut ours = Vec::new();
            push_value(&mut ours, &value, layout);
            let mut theirs = Vec::new();
            push_tree(&mut theirs, &value.to_json(), layout);
            assert_eq!(
                String::from_utf8(ours).unwrap(),
                String::from_utf8(theirs).unwrap()
            );
        }
    }

    #[test]
    fn numbers_and_lists_as_serde_json_writes_them() {
        let mut out = Vec::new();
        push_int(&mut out, 4_294_967_295u32);
        out.push(b' ');
        let strs = |out: &mut Vec<u8>, s: &&str, _| push_str(out, s);
        push_list(&mut out, &["a", "b\"c"], Layout::Compact, strs);
        out.push(b' ');
        push_list(&mut out, &[], Layout::Compact, strs);
        assert_eq!(
            String::from_utf8(out).unwrap(),
            r#"4294967295 ["a","b\"c"] []"#
        );
    }
}
