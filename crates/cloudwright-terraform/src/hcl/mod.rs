//! Native HCL syntax (`.tf`, `.tfvars`, template files): a hand-written
//! recursive-descent parser straight into [`crate::syntax`].
//!
//! One pass over the bytes, no token list and no concrete syntax tree: the
//! parser skips whitespace and comments as it goes and builds only the nodes
//! the evaluator reads. Newlines matter where HCL says they do — they end an
//! argument in a body and separate the items of an object constructor — and
//! are ignored inside `()`, `[]`, `${ }` and `for` expressions.
//!
//! Where it is lenient: a newline right after a binary operator, `?` or `:`
//! continues the expression (HCL asks for parentheses there). Configurations
//! Terraform accepts parse the same; a few it rejects parse too.
//!
//! Nesting deeper than [`MAX_DEPTH`] levels is a syntax error, so no input can
//! exhaust the stack of the parser or of the tree walks after it.

mod expr;
mod skim;
mod template;

pub use skim::module_sources;

use crate::syntax::{
    Attribute, Block, Body, Expr, Name, ObjectKey, Range, TemplatePart, TraversalOp,
};

/// The ASCII bytes that continue an identifier: letters, digits, `_`, `-`.
static IDENT_ASCII: [bool; 256] = {
    let mut table = [false; 256];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        table[b] = c.is_ascii_alphanumeric() || c == b'_' || c == b'-';
        b += 1;
    }
    table
};

/// Expressions, blocks and template directives nested deeper than this are
/// refused; real configurations stay far below it.
pub const MAX_DEPTH: u32 = 128;

/// A syntax error at a byte offset of the parsed text.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub message: String,
    pub offset: usize,
}

/// Parses a native-syntax file body.
pub fn parse_body(text: &str) -> Result<Body, SyntaxError> {
    Parser::for_file(text).body(None)
}

/// A syntax error in a file that was still read, and what was left out
/// for it.
#[derive(Debug, Clone)]
pub struct Skipped {
    pub error: SyntaxError,
    /// The bytes left out: from the start of the top-level block (or
    /// argument) the error is in to the next line that starts a top-level
    /// block, or the end of the file.
    pub left_out: Range,
    /// The left-out block's type and labels (`resource`, `aws_s3_bucket`,
    /// `logs`), when its first line reads as a block's.
    pub header: Option<(String, Vec<String>)>,
}

/// The syntax errors read past in one file; at the last, the rest of the
/// file is left out.
pub const MAX_SKIPPED: usize = 50;

/// The words that start a top-level block of a configuration file.
const TOP_LEVEL_BLOCKS: &[&str] = &[
    "check",
    "data",
    "ephemeral",
    "import",
    "locals",
    "module",
    "moved",
    "output",
    "provider",
    "removed",
    "resource",
    "terraform",
    "variable",
];

/// Parses a configuration file's body, reading on past syntax errors as a
/// compiler does: a top-level block with an error is left out — from its
/// start to the next line that starts a top-level block in its first
/// column (`resource "…" "…" {`, as `terraform fmt` writes it) — and the
/// blocks after it are read. Where [`parse_body`] gives up at the first
/// error, this loses only the blocks the errors are in.
pub fn parse_body_recovering(text: &str) -> (Body, Vec<Skipped>) {
    recovering(text, starts_top_level_block)
}

/// Parses a variables file (`.tfvars`), reading on past syntax errors: an
/// assignment with an error is left out up to the next line that starts
/// one (`name =` in its first column), and the others are read.
pub fn parse_assignments_recovering(text: &str) -> (Body, Vec<Skipped>) {
    recovering(text, starts_assignment)
}

/// A body's items, each with an error left out up to the next line that
/// `starts_item` says begins one.
fn recovering(text: &str, starts_item: fn(&[u8]) -> bool) -> (Body, Vec<Skipped>) {
    let mut p = Parser::for_file(text);
    let mut skipped = Vec::new();
    loop {
        let blank_from = p.pos;
        if let Err(error) = p.skip_ws(false) {
            // a `/*` never closed: the rest of the file is inside it
            skipped.push(Skipped {
                left_out: Range::new(blank_from, text.len()),
                header: None,
                error,
            });
            break;
        }
        if p.at_end() {
            break;
        }
        let start = p.pos;
        let kept = (p.lists.attributes.len(), p.lists.blocks.len());
        if let Err(error) = p.item() {
            // an item read whole but followed by more on its line is left
            // out too: the error is its; so are the lists it was in
            p.lists.attributes.truncate(kept.0);
            p.lists.blocks.truncate(kept.1);
            p.lists.clear_nested();
            let resume = next_item(text, start, error.offset, starts_item);
            // past so many errors the file is not one to read on in (and
            // each restart may scan to its end: the cap keeps that linear)
            let resume = if skipped.len() + 1 >= MAX_SKIPPED {
                text.len()
            } else {
                resume
            };
            skipped.push(Skipped {
                left_out: Range::new(start, resume),
                header: block_header(&text[start..]),
                error,
            });
            p.pos = resume;
            p.depth = 0;
        }
    }
    (p.body_from((0, 0)), skipped)
}

/// The start of the first line after the one at `start`, and not before
/// the line of `error`, that starts an item (`starts_item`); the end of the
/// text when none does.
fn next_item(text: &str, start: usize, error: usize, starts_item: fn(&[u8]) -> bool) -> usize {
    let bytes = text.as_bytes();
    let error_line = memchr::memrchr(b'\n', &bytes[..error.min(bytes.len())]).map_or(0, |i| i + 1);
    let mut line = match memchr::memchr(b'\n', &bytes[start..]) {
        Some(i) => start + i + 1,
        None => return bytes.len(),
    };
    while line < bytes.len() {
        if line >= error_line && starts_item(&bytes[line..]) {
            return line;
        }
        line = match memchr::memchr(b'\n', &bytes[line..]) {
            Some(i) => line + i + 1,
            None => bytes.len(),
        };
    }
    bytes.len()
}

/// Whether a line starts with a top-level block's type followed by a
/// blank, a label's quote or the block's `{`.
fn starts_top_level_block(line: &[u8]) -> bool {
    TOP_LEVEL_BLOCKS.iter().any(|word| {
        line.starts_with(word.as_bytes())
            && matches!(line.get(word.len()), Some(b' ' | b'\t' | b'"' | b'{'))
    })
}

/// Whether a line starts with an argument's name and its `=`.
fn starts_assignment(line: &[u8]) -> bool {
    let name = line
        .iter()
        .take_while(|&&b| IDENT_ASCII[usize::from(b)])
        .count();
    if name == 0 || !(line[0].is_ascii_alphabetic() || line[0] == b'_') {
        return false;
    }
    let rest = &line[name..];
    let blanks = rest
        .iter()
        .take_while(|&&b| b == b' ' || b == b'\t')
        .count();
    rest.get(blanks) == Some(&b'=') && rest.get(blanks + 1) != Some(&b'=')
}

/// The type and labels of a block from its first line, up to its `{` (an
/// argument's name alone, up to its `=`).
fn block_header(text: &str) -> Option<(String, Vec<String>)> {
    let mut p = Parser::new(text);
    let kind = p.ident()?.to_string();
    let mut labels = Vec::new();
    loop {
        p.skip_space().ok()?;
        match p.peek() {
            b'{' => return Some((kind, labels)),
            b'=' if labels.is_empty() => return Some((kind, labels)),
            b'"' => labels.push(p.quoted_label().ok()?.to_string()),
            _ => labels.push(p.ident()?.to_string()),
        }
    }
}

/// Parses a bare template: a `templatefile` file, or a `.tf.json` string
/// value. No backslash escapes (those belong to quoted strings); `$${` and
/// `%%{` escape the template sequences.
pub fn parse_template(text: &str) -> Result<Vec<TemplatePart>, SyntaxError> {
    let mut p = Parser::new(text);
    p.bare_template()
}

/// Parses a single expression (`-var` values, `.tf.json` references, type
/// constraints written as strings).
pub fn parse_expr(text: &str) -> Result<Expr, SyntaxError> {
    let mut p = Parser::new(text);
    p.skip_ws(false)?;
    let expr = p.expr(false)?;
    p.skip_ws(false)?;
    if !p.at_end() {
        return Err(p.unexpected("after the expression"));
    }
    Ok(expr)
}

pub(crate) struct Parser<'a> {
    text: &'a str,
    bytes: &'a [u8],
    pos: usize,
    depth: u32,
    lists: Lists,
}

/// The lists being parsed, one stack per kind of element: a list's
/// elements are pushed on its stack (an inner list's above them, and taken
/// off before they go on) and moved into a vector of their number once the
/// list is closed ([`take`]). Vectors grown element by element held as much
/// room as elements — half of a syntax tree's memory, kept with a module's
/// definition while roots call it — and were copied as they grew.
#[derive(Default)]
struct Lists {
    attributes: Vec<Attribute>,
    blocks: Vec<Block>,
    labels: Vec<Name>,
    ops: Vec<TraversalOp>,
    items: Vec<Expr>,
    members: Vec<(ObjectKey, Expr)>,
}

impl Lists {
    /// Forgets the lists inside a body's items that an error left open
    /// (below the marks of the lists after them, they would be kept, unread,
    /// until the parse ends).
    fn clear_nested(&mut self) {
        self.labels.clear();
        self.ops.clear();
        self.items.clear();
        self.members.clear();
    }
}

/// The elements pushed on `stack` since `mark`, in a vector of their
/// number: one copy of them all.
fn take<T>(stack: &mut Vec<T>, mark: usize) -> Vec<T> {
    match mark {
        // (`split_off(0)` would hand over the stack's own room)
        0 => {
            let mut out = Vec::with_capacity(stack.len());
            out.append(stack);
            out
        }
        _ => stack.split_off(mark),
    }
}

impl<'a> Parser<'a> {
    fn new(text: &'a str) -> Parser<'a> {
        Parser {
            text,
            bytes: text.as_bytes(),
            pos: 0,
            depth: 0,
            lists: Lists::default(),
        }
    }

    /// A parser at the start of a file's body: past a UTF-8 byte order
    /// mark (editors on Windows write one), which Terraform skips too;
    /// offsets stay those of the file.
    fn for_file(text: &'a str) -> Parser<'a> {
        let mut p = Parser::new(text);
        if text.starts_with('\u{feff}') {
            p.pos = '\u{feff}'.len_utf8();
        }
        p
    }

    // ---- the cursor ----

    fn at_end(&self) -> bool {
        self.pos >= self.bytes.len()
    }

    /// The byte at the cursor; 0 at the end of the text.
    fn peek(&self) -> u8 {
        self.peek_at(0)
    }

    fn peek_at(&self, ahead: usize) -> u8 {
        self.bytes.get(self.pos + ahead).copied().unwrap_or(0)
    }

    fn starts_with(&self, s: &str) -> bool {
        self.bytes[self.pos.min(self.bytes.len())..].starts_with(s.as_bytes())
    }

    /// `word` at the cursor, not followed by a character that would make it
    /// a longer identifier.
    fn keyword_at(&self, word: &str) -> bool {
        self.starts_with(word) && !self.continues_ident(self.pos + word.len())
    }

    fn error(&self, message: impl Into<String>, offset: usize) -> SyntaxError {
        SyntaxError {
            message: message.into(),
            offset: offset.min(self.bytes.len()),
        }
    }

    /// "expected X, found Y" at the cursor.
    fn expected(&self, what: &str) -> SyntaxError {
        self.error(format!("expected {what}, found {}", self.found()), self.pos)
    }

    fn unexpected(&self, context: &str) -> SyntaxError {
        self.error(format!("unexpected {} {context}", self.found()), self.pos)
    }

    /// What is at the cursor, for a message.
    fn found(&self) -> String {
        if self.at_end() {
            return "the end of the file".into();
        }
        match self.text[self.pos..].chars().next() {
            Some('\n') | Some('\r') => "a newline".into(),
            Some(c) if c.is_control() => format!("the control character U+{:04X}", c as u32),
            Some(c) => format!("`{c}`"),
            None => "the end of the file".into(),
        }
    }

    fn expect(&mut self, byte: u8, what: &str) -> Result<(), SyntaxError> {
        if self.peek() == byte && !self.at_end() {
            self.pos += 1;
            Ok(())
        } else {
            Err(self.expected(what))
        }
    }

    /// One level deeper; refuses past [`MAX_DEPTH`]. Pair with `leave`.
    fn enter(&mut self) -> Result<(), SyntaxError> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.error(
                format!("expressions are nested too deeply (more than {MAX_DEPTH} levels)"),
                self.pos,
            ));
        }
        Ok(())
    }

    fn leave(&mut self) {
        self.depth -= 1;
    }

    // ---- whitespace and comments ----

    /// Skips spaces, tabs, carriage returns and comments, stopping at a
    /// newline (a `#`/`//` comment ends before its newline).
    #[inline]
    fn skip_space(&mut self) -> Result<(), SyntaxError> {
        self.skip_blanks(false)
    }

    /// The cursor past the run of blank bytes there (spaces, tabs,
    /// carriage returns; newlines too when `newlines`): indentation and
    /// alignment are long runs, taken in one pass.
    fn skip_run(&mut self, newlines: bool) {
        let rest = self.bytes.get(self.pos..).unwrap_or_default();
        self.pos += rest
            .iter()
            .position(|&b| !(matches!(b, b' ' | b'\t' | b'\r') || (newlines && b == b'\n')))
            .unwrap_or(rest.len());
    }

    /// Skips blanks and comments, and newlines unless they are
    /// significant (`newlines` false). Called between most tokens, and most
    /// often with nothing to skip or one space (`name = "x"`): those cases
    /// are told inline from two bytes.
    #[inline]
    fn skip_blanks(&mut self, newlines: bool) -> Result<(), SyntaxError> {
        match self.peek() {
            // (one space before a token: all the slow path would skip)
            b' ' if !matches!(self.peek_at(1), b' ' | b'\t' | b'\r' | b'#' | b'/' | b'\n') => {
                self.pos += 1;
                Ok(())
            }
            b' ' | b'\t' | b'\r' | b'#' | b'/' => self.skip_blanks_slow(newlines),
            b'\n' if newlines => self.skip_blanks_slow(newlines),
            _ => Ok(()),
        }
    }

    #[inline(never)]
    fn skip_blanks_slow(&mut self, newlines: bool) -> Result<(), SyntaxError> {
        loop {
            self.skip_run(newlines);
            match self.peek() {
                b'#' => self.skip_line_comment(),
                b'/' if self.peek_at(1) == b'/' => self.skip_line_comment(),
                b'/' if self.peek_at(1) == b'*' => {
                    let start = self.pos;
                    match self.text[self.pos + 2..].find("*/") {
                        Some(i) => self.pos += 2 + i + 2,
                        None => return Err(self.error("this `/*` comment is never closed", start)),
                    }
                }
                _ => return Ok(()),
            }
        }
    }

    fn skip_line_comment(&mut self) {
        self.pos = match memchr::memchr(b'\n', &self.bytes[self.pos..]) {
            Some(i) => self.pos + i,
            None => self.bytes.len(),
        };
    }

    /// Skips whitespace and comments; newlines too unless they are
    /// `significant` here.
    #[inline]
    fn skip_ws(&mut self, significant: bool) -> Result<(), SyntaxError> {
        self.skip_blanks(!significant)
    }

    // ---- identifiers ----

    fn starts_ident(&self, at: usize) -> bool {
        match self.bytes.get(at) {
            Some(b) if b.is_ascii_alphabetic() || *b == b'_' => true,
            Some(b) if *b >= 0x80 => self.text[at..]
                .chars()
                .next()
                .is_some_and(char::is_alphabetic),
            _ => false,
        }
    }

    fn continues_ident(&self, at: usize) -> bool {
        match self.bytes.get(at) {
            Some(b) if b.is_ascii_alphanumeric() || *b == b'_' || *b == b'-' => true,
            Some(b) if *b >= 0x80 => self.text[at..]
                .chars()
                .next()
                .is_some_and(char::is_alphanumeric),
            _ => false,
        }
    }

    /// An identifier at the cursor (letters, digits, `_`, `-`; not starting
    /// with a digit or `-`), or `None` with the cursor unmoved.
    fn ident(&mut self) -> Option<&'a str> {
        if !self.starts_ident(self.pos) {
            return None;
        }
        let start = self.pos;
        let mut end = start;
        loop {
            // the ASCII run in one pass; a non-ASCII letter continues it
            end += self.bytes[end..]
                .iter()
                .position(|&b| !IDENT_ASCII[usize::from(b)])
                .unwrap_or(self.bytes.len() - end);
            if end < self.bytes.len() && self.bytes[end] >= 0x80 && self.continues_ident(end) {
                end += self.text[end..].chars().next().map_or(1, char::len_utf8);
            } else {
                break;
            }
        }
        self.pos = end;
        Some(&self.text[start..end])
    }

    fn expect_ident(&mut self, what: &str) -> Result<&'a str, SyntaxError> {
        self.ident().ok_or_else(|| self.expected(what))
    }

    // ---- bodies ----

    /// The items of a body up to the end of the text (`open` is `None`) or
    /// up to the `}` closing the block opened at `open`, left unconsumed.
    fn body(&mut self, open: Option<usize>) -> Result<Body, SyntaxError> {
        let marks = (self.lists.attributes.len(), self.lists.blocks.len());
        loop {
            self.skip_ws(false)?;
            if self.at_end() {
                return match open {
                    Some(at) => Err(self.error(
                        "this block's `{` is never closed: expected `}` before the end of the file",
                        at,
                    )),
                    None => Ok(self.body_from(marks)),
                };
            }
            if open.is_some() && self.peek() == b'}' {
                return Ok(self.body_from(marks));
            }
            self.item()?;
        }
    }

    /// The body of the items parsed since the stacks' `marks`.
    fn body_from(&mut self, (attributes, blocks): (usize, usize)) -> Body {
        Body {
            attributes: take(&mut self.lists.attributes, attributes),
            blocks: take(&mut self.lists.blocks, blocks),
        }
    }

    /// One argument (`name = value`) or block (`type "label" { … }`), onto
    /// the stack of its kind.
    fn item(&mut self) -> Result<(), SyntaxError> {
        let start = self.pos;
        let name = self.expect_ident("an argument name or a block type")?;
        self.skip_space()?;
        if self.peek() == b'=' && self.peek_at(1) != b'=' {
            let attribute = self.attribute_value(start, name)?;
            self.lists.attributes.push(attribute);
        } else {
            let block = self.block(start, name)?;
            self.lists.blocks.push(block);
        }
        self.end_of_line("after the closing `}` or the argument's value")
    }

    /// `= value` of an argument whose name started at `start`.
    fn attribute_value(&mut self, start: usize, name: &str) -> Result<Attribute, SyntaxError> {
        self.pos += 1;
        self.skip_space()?;
        let expr = self.expr(true)?;
        Ok(Attribute {
            name: crate::syntax::name(name),
            range: Range::new(start, self.pos),
            expr,
            origin: None,
        })
    }

    /// The labels and body of a block whose type name started at `start`.
    fn block(&mut self, start: usize, kind: &str) -> Result<Block, SyntaxError> {
        let mark = self.lists.labels.len();
        loop {
            self.skip_space()?;
            match self.peek() {
                b'{' => break,
                b'"' => {
                    let label = self.quoted_label()?;
                    self.lists.labels.push(label);
                }
                _ => match self.ident() {
                    Some(label) => self.lists.labels.push(crate::syntax::name(label)),
                    None => {
                        return Err(self
                            .expected("`=` for an argument, or a block label or `{` for a block"))
                    }
                },
            }
        }
        let labels = take(&mut self.lists.labels, mark);
        let open = self.pos;
        self.pos += 1;
        self.enter()?;
        self.skip_space()?;
        let body = match self.peek() {
            b'\n' => self.body(Some(open))?,
            b'}' => Body::default(),
            _ => self.single_line_body()?,
        };
        self.expect(b'}', "`}` to close the block")?;
        self.leave();
        Ok(Block {
            kind: crate::syntax::name(kind),
            labels,
            body,
            range: Range::new(start, self.pos),
            origin: None,
        })
    }

    /// `block { name = value }` on one line: one argument at most.
    fn single_line_body(&mut self) -> Result<Body, SyntaxError> {
        let start = self.pos;
        let name = self.expect_ident("an argument name or a newline after `{`")?;
        self.skip_space()?;
        if !(self.peek() == b'=' && self.peek_at(1) != b'=') {
            return Err(self.error(
                "a block on a single line may hold one argument only; put nested blocks on their own lines",
                start,
            ));
        }
        let attribute = self.attribute_value(start, name)?;
        self.skip_space()?;
        Ok(Body {
            attributes: vec![attribute],
            blocks: Vec::new(),
        })
    }

    /// A newline (or the end of the text) must follow an argument or block.
    fn end_of_line(&mut self, context: &str) -> Result<(), SyntaxError> {
        self.skip_space()?;
        match self.peek() {
            b'\n' => {
                self.pos += 1;
                Ok(())
            }
            _ if self.at_end() => Ok(()),
            _ => Err(self.error(
                format!(
                    "unexpected {} {context}; each argument and block goes on its own line",
                    self.found()
                ),
                self.pos,
            )),
        }
    }
}

#[cfg(test)]
mod tests;
