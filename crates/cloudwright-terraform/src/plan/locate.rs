//! Where a value of a JSON document is in its text. `serde_json`'s values
//! carry no positions, so a diagnostic about the shape of a plan or state
//! file (a list where an object belongs, a resource without an address)
//! finds its line and column by walking the text along the value's path.

/// One step of a path into a JSON document.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    Key(String),
    Index(usize),
}

impl Step {
    pub fn key(k: &str) -> Step {
        Step::Key(k.to_string())
    }
}

/// The path as the document's keys and indices: `planned_values.root_module.resources[3]`.
pub fn display(path: &[Step]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Step::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// The byte offset in `text` where the value at `path` starts; `None` when
/// the text has no such value (the path names what is missing: the caller
/// points at the nearest ancestor that exists, [`nearest`]).
pub fn offset(text: &str, path: &[Step]) -> Option<usize> {
    let mut c = Cursor {
        text,
        bytes: text.as_bytes(),
        at: 0,
    };
    for step in path {
        c.blanks();
        match (step, c.peek()?) {
            (Step::Key(key), b'{') => {
                c.at += 1;
                loop {
                    c.blanks();
                    let name = c.string()?;
                    c.blanks();
                    c.expect(b':')?;
                    if name == *key {
                        break;
                    }
                    c.skip_value()?;
                    c.blanks();
                    c.expect(b',')?;
                }
            }
            (Step::Index(n), b'[') => {
                c.at += 1;
                for _ in 0..*n {
                    c.skip_value()?;
                    c.blanks();
                    c.expect(b',')?;
                }
            }
            _ => return None,
        }
    }
    c.blanks();
    (c.at < c.bytes.len()).then_some(c.at)
}

/// The offset of the value at `path`, or of its nearest ancestor the text
/// has (a missing key is reported at the object that lacks it).
pub fn nearest(text: &str, path: &[Step]) -> usize {
    (0..=path.len())
        .rev()
        .find_map(|n| offset(text, &path[..n]))
        .unwrap_or(0)
}

struct Cursor<'t> {
    text: &'t str,
    bytes: &'t [u8],
    at: usize,
}

impl Cursor<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.at).copied()
    }

    fn blanks(&mut self) {
        while matches!(self.peek(), Some(b' ' | b'\t' | b'\n' | b'\r')) {
            self.at += 1;
        }
    }

    fn expect(&mut self, byte: u8) -> Option<()> {
        (self.peek()? == byte).then(|| self.at += 1)
    }

    /// A string's decoded content; the cursor after its closing quote.
    fn string(&mut self) -> Option<String> {
        let start = self.at;
        self.skip_string()?;
        let raw = &self.text[start..self.at];
        match raw.contains('\\') {
            true => serde_json::from_str(raw).ok(),
            false => Some(raw[1..raw.len() - 1].to_string()),
        }
    }

    fn skip_string(&mut self) -> Option<()> {
        self.expect(b'"')?;
        loop {
            match self.peek()? {
                b'\\' => self.at += 2,
                b'"' => {
                    self.at += 1;
                    return Some(());
                }
                _ => self.at += 1,
            }
        }
    }

    fn skip_value(&mut self) -> Option<()> {
        self.blanks();
        match self.peek()? {
            b'"' => self.skip_string(),
            b'{' | b'[' => {
                let mut depth = 0usize;
                loop {
                    match self.peek()? {
                        b'"' => {
                            self.skip_string()?;
                            continue;
                        }
                        b'{' | b'[' => depth += 1,
                        b'}' | b']' => {
                            depth -= 1;
                            if depth == 0 {
                                self.at += 1;
                                return Some(());
                            }
                        }
                        _ => {}
                    }
                    self.at += 1;
                }
            }
            _ => {
                while !matches!(
                    self.peek(),
                    None | Some(b',' | b'}' | b']' | b' ' | b'\t' | b'\n' | b'\r')
                ) {
                    self.at += 1;
                }
                Some(())
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn values_are_found_along_their_path() {
        let text = "{\n  \"a\": {\"x\": [1, {\"y\": \"}\\\"]\"}, [2]],\n  \"b\\u0063\": {\"d\": true}},\n  \"e\": null\n}";
        let at = |path: &[Step]| offset(text, path).map(|o| &text[o..o + 4]);
        assert_eq!(at(&[Step::key("a")]), Some("{\"x\""));
        assert_eq!(
            at(&[Step::key("a"), Step::key("x"), Step::Index(2)]),
            Some("[2]]")
        );
        assert_eq!(
            at(&[
                Step::key("a"),
                Step::key("x"),
                Step::Index(1),
                Step::key("y")
            ]),
            Some("\"}\\\"")
        );
        assert_eq!(
            at(&[Step::key("a"), Step::key("bc"), Step::key("d")]),
            Some("true")
        );
        assert_eq!(at(&[Step::key("e")]), Some("null"));
        assert_eq!(at(&[Step::key("z")]), None);
        assert_eq!(at(&[Step::key("a"), Step::key("x"), Step::Index(3)]), None);
        // what is missing is placed at its nearest ancestor
        let missing = [
            Step::key("a"),
            Step::key("x"),
            Step::Index(1),
            Step::key("q"),
        ];
        assert_eq!(&text[nearest(text, &missing)..][..5], "{\"y\":");
        assert_eq!(display(&missing), "a.x[1].q");
    }

    #[test]
    fn broken_text_finds_nothing_and_never_panics() {
        for text in ["", "{", "{\"a\"", "[1,", "{\"a\": \"unterminated", "\"\\"] {
            assert_eq!(offset(text, &[Step::key("a"), Step::Index(0)]), None);
            let _ = nearest(text, &[Step::key("a")]);
        }
    }
}
