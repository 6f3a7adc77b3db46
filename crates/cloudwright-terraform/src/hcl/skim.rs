//! Skimming a file for what discovery needs — the `source` of each
//! top-level `module` block — without building its syntax.
//!
//! Discovery has to know which directories call which before any of them is
//! evaluated; parsing every file fully for that, then again to evaluate it,
//! was a third of the load's parsing. The skim follows the file's structure
//! (blocks, arguments, brackets, quoted strings with their `${ }` and
//! `%{ }` sequences, heredocs, comments) without building anything, and
//! gives up — `None`, the caller parses the file fully — on anything it
//! does not follow exactly: an argument at the top level, a label or a
//! module `source` that is not a plain string, unbalanced brackets, a
//! string broken by a newline. Where both succeed, the skim and the parser
//! agree (tested on every file in the repository and on mutated files).
//! Syntax errors are not its business: they are reported when the file is
//! parsed for evaluation.

use super::Parser;

/// The literal `source` strings of the file's top-level `module` blocks,
/// in order (blocks without one are left out), or `None` when the text
/// must be parsed fully to know.
pub fn module_sources(text: &str) -> Option<Vec<&str>> {
    let mut p = Parser::new(text);
    let mut out = Vec::new();
    loop {
        p.skip_ws(false).ok()?;
        if p.at_end() {
            return Some(out);
        }
        let kind = p.ident()?;
        p.skip_space().ok()?;
        if p.peek() == b'=' {
            return None;
        }
        p.skim_labels()?;
        p.pos += 1; // `{`
        if kind == "module" {
            if let Some(source) = p.skim_module_body()? {
                out.push(source);
            }
        } else {
            p.skim_to_close(b'}')?;
        }
        p.skim_end_of_line()?;
    }
}

impl<'a> Parser<'a> {
    /// A block's labels, up to its `{` (left at the cursor).
    fn skim_labels(&mut self) -> Option<()> {
        loop {
            self.skip_space().ok()?;
            match self.peek() {
                b'{' => return Some(()),
                b'"' => {
                    self.skim_plain_string()?;
                }
                _ => {
                    self.ident()?;
                }
            }
        }
    }

    /// A quoted string without escapes or template sequences: its text.
    fn skim_plain_string(&mut self) -> Option<&'a str> {
        let start = self.pos + 1;
        let len = self.bytes[start..]
            .iter()
            .position(|&b| matches!(b, b'"' | b'\\' | b'\n' | b'$' | b'%'))?;
        if self.bytes[start + len] != b'"' {
            return None;
        }
        self.pos = start + len + 1;
        Some(&self.text[start..start + len])
    }

    /// The arguments of a `module` block (the cursor after its `{`), up to
    /// and past its `}`: the `source` when it is a plain string.
    fn skim_module_body(&mut self) -> Option<Option<&'a str>> {
        let mut source = None;
        loop {
            self.skip_ws(false).ok()?;
            match self.peek() {
                b'}' => {
                    self.pos += 1;
                    return Some(source);
                }
                _ if self.at_end() => return None,
                _ => {}
            }
            let name = self.ident()?;
            self.skip_space().ok()?;
            if self.peek() == b'=' && self.peek_at(1) != b'=' {
                self.pos += 1;
                self.skip_space().ok()?;
                if name == "source" {
                    if source.is_some() || self.peek() != b'"' {
                        return None;
                    }
                    source = Some(self.skim_plain_string()?);
                    // the whole value, nothing after the string
                    self.skip_space().ok()?;
                    if !matches!(self.peek(), b'\n' | b'}') && !self.at_end() {
                        return None;
                    }
                } else {
                    self.skim_value()?;
                }
            } else {
                self.skim_labels()?;
                self.pos += 1;
                self.skim_to_close(b'}')?;
            }
        }
    }

    /// An argument's value: up to the newline that ends it (not consumed),
    /// or the `}` of a one-line block. A newline inside brackets, or right
    /// after an operator, `?` or `:` (as the parser allows), continues it.
    fn skim_value(&mut self) -> Option<()> {
        let mut last = 0u8;
        loop {
            match self.peek() {
                _ if self.at_end() => return Some(()),
                b'\n'
                    if !matches!(
                        last,
                        b'+' | b'-'
                            | b'*'
                            | b'/'
                            | b'%'
                            | b'='
                            | b'<'
                            | b'>'
                            | b'&'
                            | b'|'
                            | b'?'
                            | b':'
                    ) =>
                {
                    return Some(())
                }
                b'}' => return Some(()),
                b'(' | b'[' | b'{' => {
                    let close = match self.peek() {
                        b'(' => b')',
                        b'[' => b']',
                        _ => b'}',
                    };
                    self.pos += 1;
                    self.skim_to_close(close)?;
                    last = close;
                    continue;
                }
                b')' | b']' => return None,
                b'"' => {
                    self.skim_string()?;
                    last = b'"';
                    continue;
                }
                b'<' if self.peek_at(1) == b'<' => {
                    self.skim_heredoc()?;
                    last = b'"';
                    continue;
                }
                b'#' => self.skip_line_comment(),
                b'/' if matches!(self.peek_at(1), b'/' | b'*') => self.skip_space().ok()?,
                b' ' | b'\t' | b'\r' | b'\n' => self.pos += 1,
                b => {
                    // `.*` is a splat, not a multiplication left open
                    let splat = b == b'*' && self.pos > 0 && self.bytes[self.pos - 1] == b'.';
                    last = if splat { b'.' } else { b };
                    self.pos += 1;
                }
            }
        }
    }

    /// Past the bracket `close` that matches one just opened, whatever
    /// lies between: nested brackets, strings, heredocs, comments.
    fn skim_to_close(&mut self, close: u8) -> Option<()> {
        let mut stack = Vec::new();
        let mut want = close;
        loop {
            match self.peek() {
                _ if self.at_end() => return None,
                b'(' => {
                    stack.push(want);
                    want = b')';
                    self.pos += 1;
                }
                b'[' => {
                    stack.push(want);
                    want = b']';
                    self.pos += 1;
                }
                b'{' => {
                    stack.push(want);
                    want = b'}';
                    self.pos += 1;
                }
                b @ (b')' | b']' | b'}') => {
                    if b != want {
                        return None;
                    }
                    self.pos += 1;
                    match stack.pop() {
                        Some(outer) => want = outer,
                        None => return Some(()),
                    }
                }
                b'"' => self.skim_string()?,
                b'<' if self.peek_at(1) == b'<' => self.skim_heredoc()?,
                b'#' => self.skip_line_comment(),
                b'/' if matches!(self.peek_at(1), b'/' | b'*') => self.skip_space().ok()?,
                _ => self.pos += 1,
            }
        }
    }

    /// Past a quoted string and the template sequences inside it.
    fn skim_string(&mut self) -> Option<()> {
        self.pos += 1;
        loop {
            match self.peek() {
                _ if self.at_end() => return None,
                b'"' => {
                    self.pos += 1;
                    return Some(());
                }
                b'\n' => return None,
                b'\\' => self.pos += 2,
                b'$' | b'%' if self.peek_at(1) == self.peek() && self.peek_at(2) == b'{' => {
                    self.pos += 3
                }
                b'$' | b'%' if self.peek_at(1) == b'{' => {
                    self.pos += 2;
                    // strings inside the sequence may hold sequences again
                    self.enter().ok()?;
                    self.skim_to_close(b'}')?;
                    self.leave();
                }
                _ => self.pos += 1,
            }
        }
    }

    /// Past a heredoc: its closing line is the first that holds only the
    /// marker (maybe indented), as the parser finds it.
    fn skim_heredoc(&mut self) -> Option<()> {
        self.pos += 2;
        if self.peek() == b'-' {
            self.pos += 1;
        }
        let marker = self.ident()?;
        if self.peek() == b'\r' {
            self.pos += 1;
        }
        if self.peek() != b'\n' {
            return None;
        }
        let (_, after) = self.heredoc_close(self.pos + 1, marker)?;
        self.pos = after;
        Some(())
    }

    /// Only a comment may follow a block's `}` on its line.
    fn skim_end_of_line(&mut self) -> Option<()> {
        self.skip_space().ok()?;
        (self.peek() == b'\n' || self.at_end()).then_some(())
    }
}
