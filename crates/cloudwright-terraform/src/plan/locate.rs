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

/// A step of a path borrowed from what it names: a map's key, or an index.
pub enum Seg<'a> {
    Key(&'a str),
    Index(usize),
}

/// A path as Terraform and the JSON document write it:
/// `planned_values.root_module.resources[3]`, `ingress[0].security_groups`.
pub fn text_of(path: &[Seg<'_>]) -> String {
    let mut out = String::new();
    for step in path {
        match step {
            Seg::Key(k) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(k);
            }
            Seg::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

/// The path into the document as text ([`text_of`]).
pub fn display(path: &[Step]) -> String {
    let segs: Vec<Seg<'_>> = path
        .iter()
        .map(|s| match s {
            Step::Key(k) => Seg::Key(k),
            Step::Index(i) => Seg::Index(*i),
        })
        .collect();
    text_of(&segs)
}

/// The byte offset in `text` where the value at `path` starts; `None` when
/// the text has no such value (the path names what is missing: the caller
/// points at the nearest ancestor that exists, [`nearest`]).
pub fn offset(text: &str, path: &[Step]) -> Option<usize> {
    offset_from(text, 0, path)
}

/// [`offset`] of `path` inside the value that starts at `start` (found
/// before): the walk reads that value only, not the text before it.
pub fn offset_from(text: &str, start: usize, path: &[Step]) -> Option<usize> {
    let mut c = Cursor {
        text,
        bytes: text.as_bytes(),
        at: start,
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
    nearest_from(text, 0, path)
}

/// [`nearest`] inside the value that starts at `start`.
pub fn nearest_from(text: &str, start: usize, path: &[Step]) -> usize {
    (0..=path.len())
        .rev()
        .find_map(|n| offset_from(text, start, &path[..n]))
        .unwrap_or(start)
}

/// Where each element of the list at `path` starts, in one walk: what a
/// diagnostic about one of many elements is placed by, without walking
/// the text again for each.
pub fn element_offsets(text: &str, path: &[Step]) -> Vec<usize> {
    let mut out = Vec::new();
    let Some(at) = offset(text, path) else {
        return out;
    };
    let mut c = Cursor {
        text,
        bytes: text.as_bytes(),
        at,
    };
    if c.expect(b'[').is_none() {
        return out;
    }
    loop {
        c.blanks();
        match c.peek() {
            None | Some(b']') => return out,
            Some(_) => {}
        }
        out.push(c.at);
        if c.skip_value().is_none() {
            return out;
        }
        c.blanks();
        if c.peek() == Some(b',') {
            c.at += 1;
        }
    }
}

/// Where each resource of a values representation (`planned_values`, a
/// state's `values`) starts, by module: the module is the path of
/// `child_modules` indices from `root_module` (`[]` for the root module,
/// `[0, 2]` for the third child of the first). One pass over the text.
pub fn resource_offsets(
    text: &str,
    values: &[Step],
) -> std::collections::HashMap<Vec<usize>, Vec<usize>> {
    let mut out = std::collections::HashMap::new();
    let mut path = values.to_vec();
    path.push(Step::key("root_module"));
    let Some(at) = offset(text, &path) else {
        return out;
    };
    let mut c = Cursor {
        text,
        bytes: text.as_bytes(),
        at,
    };
    c.module(&mut Vec::new(), &mut out);
    out
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

    /// A module object of a values representation, at the cursor: the
    /// offsets of its resources, and of its children's, recorded.
    fn module(
        &mut self,
        index: &mut Vec<usize>,
        out: &mut std::collections::HashMap<Vec<usize>, Vec<usize>>,
    ) -> Option<()> {
        self.blanks();
        self.expect(b'{')?;
        loop {
            self.blanks();
            if self.peek()? == b'}' {
                self.at += 1;
                return Some(());
            }
            let key = self.string()?;
            self.blanks();
            self.expect(b':')?;
            self.blanks();
            match key.as_str() {
                "resources" | "child_modules" if self.peek()? == b'[' => {
                    self.at += 1;
                    let mut n = 0;
                    loop {
                        self.blanks();
                        if self.peek()? == b']' {
                            self.at += 1;
                            break;
                        }
                        if key == "resources" {
                            out.entry(index.clone()).or_default().push(self.at);
                            self.skip_value()?;
                        } else {
                            index.push(n);
                            let read = self.module(index, out);
                            index.pop();
                            read?;
                        }
                        n += 1;
                        self.blanks();
                        if self.peek()? == b',' {
                            self.at += 1;
                        }
                    }
                }
                _ => self.skip_value()?,
            }
            self.blanks();
            if self.peek()? == b',' {
                self.at += 1;
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
    fn resources_are_found_by_module_in_one_pass() {
        let text = r#"{"values": {"root_module": {"resources": [{"a": 1}, {"b": [2]}],
            "child_modules": [{"address": "module.x", "resources": [{"c": 3}],
              "child_modules": [{"resources": [{"d": "]"}]}]}]}}}"#;
        let found = resource_offsets(text, &[Step::key("values")]);
        let starts = |index: &[usize]| -> Vec<&str> {
            found[index].iter().map(|&o| &text[o..o + 4]).collect()
        };
        assert_eq!(starts(&[]), ["{\"a\"", "{\"b\""]);
        assert_eq!(starts(&[0]), ["{\"c\""]);
        assert_eq!(starts(&[0, 0]), ["{\"d\""]);
        assert!(
            resource_offsets("{\"values\": {\"root_module\": ", &[Step::key("values")]).is_empty()
        );
    }

    #[test]
    fn the_elements_of_a_list_are_found_in_one_walk() {
        let text = r#"{"a": [ {"x": "]"}, [1, 2] ,3 ], "b": 1}"#;
        let found: Vec<&str> = element_offsets(text, &[Step::key("a")])
            .into_iter()
            .map(|o| &text[o..o + 2])
            .collect();
        assert_eq!(found, ["{\"", "[1", "3 "]);
        assert!(element_offsets(text, &[Step::key("b")]).is_empty());
        // a path inside an element found before
        let second = element_offsets(text, &[Step::key("a")])[1];
        assert_eq!(
            offset_from(text, second, &[Step::Index(1)]).map(|o| &text[o..o + 1]),
            Some("2")
        );
        assert_eq!(nearest_from(text, second, &[Step::Index(5)]), second);
    }

    #[test]
    fn broken_text_finds_nothing_and_never_panics() {
        for text in ["", "{", "{\"a\"", "[1,", "{\"a\": \"unterminated", "\"\\"] {
            assert_eq!(offset(text, &[Step::key("a"), Step::Index(0)]), None);
            let _ = nearest(text, &[Step::key("a")]);
            let _ = element_offsets(text, &[Step::key("a")]);
        }
    }
}
