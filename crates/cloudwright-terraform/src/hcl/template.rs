//! Templates: quoted strings, heredocs and bare templates, with `${ }`
//! interpolations, `%{ if }` / `%{ for }` directives and `~` strip markers.

use super::{Parser, SyntaxError};
use crate::syntax::*;
use cloudwright_model::Value;

/// Where a template ends and how its literal text is read.
#[derive(Clone, Copy)]
enum Kind {
    /// `"…"`: backslash escapes; a newline outside `${ }` is an error.
    Quoted,
    /// The lines of a heredoc up to `end`; `indent` leading spaces or tabs
    /// are removed from each line (`<<-`).
    Heredoc { end: usize, indent: usize },
    /// The whole text (a template file, a JSON string).
    Bare,
}

/// A template element before strip markers are applied: the part, whether a
/// `~` trims the literal before it, whether one trims the literal after it.
type Element = (TemplatePart, bool, bool);

/// The directive tag that ended a sequence of elements.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Closer {
    End,
    Else,
    EndIf,
    EndFor,
}

/// A closing tag with its strip markers (`%{~ else ~}`).
#[derive(Clone, Copy)]
struct Tag {
    closer: Closer,
    strip_before: bool,
    strip_after: bool,
    at: usize,
}

impl<'a> Parser<'a> {
    /// A quoted string: a literal when it holds no template sequence.
    pub(super) fn quoted(&mut self) -> Result<Expr, SyntaxError> {
        let start = self.pos;
        // most strings are plain text up to the closing quote: taken as
        // they are, without building template elements
        let rest = &self.bytes[start + 1..];
        if let Some(len) = rest
            .iter()
            .position(|b| matches!(b, b'"' | b'\\' | b'$' | b'%' | b'\n'))
            .filter(|&len| rest[len] == b'"')
        {
            self.pos = start + 1 + len + 1;
            let text = &self.text[start + 1..start + 1 + len];
            return Ok(Expr::literal(
                Value::string(text),
                Range::new(start, self.pos),
            ));
        }
        self.pos += 1;
        let (elements, tag) = self.elements(Kind::Quoted)?;
        if tag.closer != Closer::End {
            return Err(self.stray(tag));
        }
        self.pos += 1; // the closing quote
        let range = Range::new(start, self.pos);
        let plain = elements
            .iter()
            .all(|(p, _, _)| matches!(p, TemplatePart::Literal(_)));
        if plain {
            let text = match elements.into_iter().next() {
                Some((TemplatePart::Literal(s), _, _)) => s,
                _ => String::new(),
            };
            return Ok(Expr::literal(Value::string(text), range));
        }
        Ok(Expr {
            kind: ExprKind::Template(finish(elements, false, false)),
            range,
        })
    }

    /// A block label: a quoted string without template sequences.
    pub(super) fn quoted_label(&mut self) -> Result<crate::syntax::Name, SyntaxError> {
        let start = self.pos;
        match self.quoted()?.kind {
            ExprKind::Literal(Value::String(s)) => Ok(crate::syntax::name(&s)),
            _ => Err(self.error(
                "a block label is a plain string: it cannot hold `${ }` or `%{ }`",
                start,
            )),
        }
    }

    /// `<<EOT` or `<<-EOT`, its lines, and the closing `EOT` line.
    pub(super) fn heredoc(&mut self) -> Result<Expr, SyntaxError> {
        let start = self.pos;
        self.pos += 2;
        let flush = self.peek() == b'-';
        if flush {
            self.pos += 1;
        }
        let marker = self.expect_ident("a heredoc marker such as `EOT` after `<<`")?;
        if self.peek() == b'\r' {
            self.pos += 1;
        }
        if self.peek() != b'\n' {
            return Err(self.expected("a newline after the heredoc marker"));
        }
        self.pos += 1;
        let content = self.pos;
        let Some((end, after)) = self.heredoc_close(content, marker) else {
            return Err(self.error(
                format!("this heredoc is never closed: expected a line holding only `{marker}`"),
                start,
            ));
        };
        let indent = if flush {
            common_indent(&self.text[content..end])
        } else {
            0
        };
        self.pos = content;
        let (elements, tag) = self.elements(Kind::Heredoc { end, indent })?;
        if tag.closer != Closer::End {
            return Err(self.stray(tag));
        }
        self.pos = after;
        Ok(Expr {
            kind: ExprKind::Template(finish(elements, false, false)),
            range: Range::new(start, after),
        })
    }

    /// Where a heredoc whose content starts at `content` closes: the start
    /// of the first line holding only `marker` (maybe indented), and the
    /// offset just after the marker.
    pub(super) fn heredoc_close(&self, content: usize, marker: &str) -> Option<(usize, usize)> {
        let mut line = content;
        while line < self.bytes.len() {
            let line_end = self.bytes[line..]
                .iter()
                .position(|&b| b == b'\n')
                .map_or(self.bytes.len(), |i| line + i);
            let trimmed = self.text[line..line_end].trim_start_matches([' ', '\t']);
            let text = trimmed.trim_end_matches('\r');
            if text == marker {
                return Some((line, line_end - (trimmed.len() - text.len())));
            }
            line = line_end + 1;
        }
        None
    }

    /// The whole text as a template.
    pub(super) fn bare_template(&mut self) -> Result<Vec<TemplatePart>, SyntaxError> {
        let (elements, tag) = self.elements(Kind::Bare)?;
        if tag.closer != Closer::End {
            return Err(self.stray(tag));
        }
        Ok(finish(elements, false, false))
    }

    fn stray(&self, tag: Tag) -> SyntaxError {
        let name = match tag.closer {
            Closer::Else => "%{ else } without a matching %{ if }",
            Closer::EndIf => "%{ endif } without a matching %{ if }",
            Closer::EndFor => "%{ endfor } without a matching %{ for }",
            Closer::End => "the template ended early",
        };
        self.error(name, tag.at)
    }

    fn at_template_end(&self, kind: Kind) -> bool {
        match kind {
            Kind::Quoted => self.peek() == b'"' || self.at_end(),
            Kind::Heredoc { end, .. } => self.pos >= end,
            Kind::Bare => self.at_end(),
        }
    }

    /// Elements up to the end of the template or a closing directive tag
    /// (`else`, `endif`, `endfor`), which is returned.
    fn elements(&mut self, kind: Kind) -> Result<(Vec<Element>, Tag), SyntaxError> {
        let mut out = Vec::new();
        let mut literal = String::new();
        if let Kind::Heredoc { end, indent } = kind {
            if self.line_start() {
                self.dedent(indent, end);
            }
        }
        loop {
            if self.at_template_end(kind) {
                if matches!(kind, Kind::Quoted) && self.at_end() {
                    return Err(self.error("this string is never closed: expected `\"`", self.pos));
                }
                flush(&mut literal, &mut out);
                let tag = Tag {
                    closer: Closer::End,
                    strip_before: false,
                    strip_after: false,
                    at: self.pos,
                };
                return Ok((out, tag));
            }
            match (self.peek(), self.peek_at(1), self.peek_at(2)) {
                (b'$', b'{', _) => {
                    flush(&mut literal, &mut out);
                    out.push(self.interpolation()?);
                }
                (b'%', b'{', _) => {
                    flush(&mut literal, &mut out);
                    if let Some(tag) = self.directive(kind, &mut out)? {
                        return Ok((out, tag));
                    }
                }
                (b'$', b'$', b'{') | (b'%', b'%', b'{') => {
                    literal.push(self.peek() as char);
                    literal.push('{');
                    self.pos += 3;
                }
                (b'\\', _, _) if matches!(kind, Kind::Quoted) => self.escape(&mut literal)?,
                (b'\n', _, _) => {
                    if matches!(kind, Kind::Quoted) {
                        return Err(self.error(
                            "a quoted string cannot span lines: close it with `\"`, or use a heredoc (<<EOT)",
                            self.pos,
                        ));
                    }
                    literal.push('\n');
                    self.pos += 1;
                    if let Kind::Heredoc { end, indent } = kind {
                        self.dedent(indent, end);
                    }
                }
                _ => {
                    // a run of ordinary text
                    let stop = self.literal_run_end(kind);
                    literal.push_str(&self.text[self.pos..stop]);
                    self.pos = stop;
                }
            }
            if let Kind::Heredoc { end, .. } = kind {
                if self.pos > end {
                    return Err(
                        self.error("a template sequence runs past the end of the heredoc", end)
                    );
                }
            }
        }
    }

    /// The end of ordinary literal text from the cursor: the next byte that
    /// could start something else. At least one character.
    fn literal_run_end(&self, kind: Kind) -> usize {
        let limit = match kind {
            Kind::Heredoc { end, .. } => end,
            _ => self.bytes.len(),
        };
        let mut i = self.pos + 1;
        while i < limit {
            match self.bytes[i] {
                b'$' | b'%' | b'\n' => break,
                b'"' | b'\\' if matches!(kind, Kind::Quoted) => break,
                _ => i += 1,
            }
        }
        // never split a character
        while !self.text.is_char_boundary(i) {
            i += 1;
        }
        i
    }

    fn line_start(&self) -> bool {
        self.pos == 0 || self.bytes[self.pos - 1] == b'\n'
    }

    /// Skips up to `indent` spaces or tabs at the start of a heredoc line,
    /// never past the heredoc's `end`.
    fn dedent(&mut self, indent: usize, end: usize) {
        let mut n = 0;
        while n < indent && self.pos < end && matches!(self.peek(), b' ' | b'\t') {
            self.pos += 1;
            n += 1;
        }
    }

    /// A backslash escape in a quoted string.
    fn escape(&mut self, out: &mut String) -> Result<(), SyntaxError> {
        let start = self.pos;
        let c = match self.peek_at(1) {
            b'n' => '\n',
            b'r' => '\r',
            b't' => '\t',
            b'"' => '"',
            b'\\' => '\\',
            b'u' | b'U' => {
                let digits = if self.peek_at(1) == b'u' { 4 } else { 8 };
                let hex = self
                    .text
                    .get(start + 2..start + 2 + digits)
                    .filter(|h| h.bytes().all(|b| b.is_ascii_hexdigit()));
                let c = hex
                    .and_then(|h| u32::from_str_radix(h, 16).ok())
                    .and_then(char::from_u32)
                    .ok_or_else(|| {
                        self.error(
                            format!("`\\{}` needs {digits} hexadecimal digits naming a Unicode character", self.peek_at(1) as char),
                            start,
                        )
                    })?;
                out.push(c);
                self.pos += 2 + digits;
                return Ok(());
            }
            _ => {
                return Err(self.error(
                    "unknown escape sequence; quoted strings know \\n \\r \\t \\\" \\\\ \\uNNNN and \\UNNNNNNNN",
                    start,
                ))
            }
        };
        out.push(c);
        self.pos += 2;
        Ok(())
    }

    /// `${ expr }`, with `~` strip markers.
    fn interpolation(&mut self) -> Result<Element, SyntaxError> {
        self.pos += 2;
        let strip_before = self.strip_marker();
        self.skip_ws(false)?;
        let expr = self.expr(false)?;
        self.skip_ws(false)?;
        let strip_after = self.strip_marker();
        self.expect(b'}', "`}` to close the interpolation")?;
        Ok((TemplatePart::Interpolation(expr), strip_before, strip_after))
    }

    fn strip_marker(&mut self) -> bool {
        let strip = self.peek() == b'~';
        if strip {
            self.pos += 1;
        }
        strip
    }

    /// The end of a directive tag: optional `~`, then `}`.
    fn close_tag(&mut self) -> Result<bool, SyntaxError> {
        self.skip_ws(false)?;
        let strip = self.strip_marker();
        self.expect(b'}', "`}` to close the template directive")?;
        Ok(strip)
    }

    /// A `%{ … }` tag. An `if` or `for` is parsed through its closing tag and
    /// pushed; a closing tag is returned to the caller.
    fn directive(
        &mut self,
        kind: Kind,
        out: &mut Vec<Element>,
    ) -> Result<Option<Tag>, SyntaxError> {
        let at = self.pos;
        self.pos += 2;
        let strip_before = self.strip_marker();
        self.skip_ws(false)?;
        let word = self.expect_ident("`if`, `for`, `else`, `endif` or `endfor` after `%{`")?;
        let closer = match word {
            "else" => Closer::Else,
            "endif" => Closer::EndIf,
            "endfor" => Closer::EndFor,
            "if" | "for" => {
                self.enter()?;
                let element = if word == "if" {
                    self.if_directive(kind, strip_before, at)
                } else {
                    self.for_directive(kind, strip_before, at)
                };
                self.leave();
                out.push(element?);
                return Ok(None);
            }
            other => {
                return Err(self.error(
                    format!(
                    "unknown template directive `{other}`; expected if, for, else, endif or endfor"
                ),
                    at,
                ))
            }
        };
        let strip_after = self.close_tag()?;
        Ok(Some(Tag {
            closer,
            strip_before,
            strip_after,
            at,
        }))
    }

    fn if_directive(
        &mut self,
        kind: Kind,
        strip_before: bool,
        at: usize,
    ) -> Result<Element, SyntaxError> {
        self.skip_ws(false)?;
        let cond = self.expr(false)?;
        let if_strip_after = self.close_tag()?;
        let (then, tag) = self.elements(kind)?;
        let (then, otherwise, end) = match tag.closer {
            Closer::Else => {
                let (otherwise, end) = self.elements(kind)?;
                if end.closer != Closer::EndIf {
                    return Err(self.unclosed("%{ if }", "%{ endif }", at, end));
                }
                (
                    finish(then, if_strip_after, tag.strip_before),
                    finish(otherwise, tag.strip_after, end.strip_before),
                    end,
                )
            }
            Closer::EndIf => (
                finish(then, if_strip_after, tag.strip_before),
                Vec::new(),
                tag,
            ),
            _ => return Err(self.unclosed("%{ if }", "%{ endif }", at, tag)),
        };
        Ok((
            TemplatePart::If(Box::new(IfDirective {
                cond,
                then,
                otherwise,
            })),
            strip_before,
            end.strip_after,
        ))
    }

    fn for_directive(
        &mut self,
        kind: Kind,
        strip_before: bool,
        at: usize,
    ) -> Result<Element, SyntaxError> {
        let (key_var, value_var, collection) = self.for_intro()?;
        let for_strip_after = self.close_tag()?;
        let (body, end) = self.elements(kind)?;
        if end.closer != Closer::EndFor {
            return Err(self.unclosed("%{ for }", "%{ endfor }", at, end));
        }
        Ok((
            TemplatePart::For(Box::new(ForDirective {
                key_var,
                value_var,
                collection,
                body: finish(body, for_strip_after, end.strip_before),
            })),
            strip_before,
            end.strip_after,
        ))
    }

    fn unclosed(&self, opened: &str, expected: &str, at: usize, found: Tag) -> SyntaxError {
        match found.closer {
            Closer::End => self.error(
                format!("this {opened} is never closed: expected {expected}"),
                at,
            ),
            _ => self.error(
                format!("expected {expected} to close the {opened} here"),
                found.at,
            ),
        }
    }
}

fn flush(literal: &mut String, out: &mut Vec<Element>) {
    if !literal.is_empty() {
        out.push((TemplatePart::Literal(std::mem::take(literal)), false, false));
    }
}

/// Applies the `~` strip markers: a marker on the opening side of a tag trims
/// the whitespace at the end of the literal before it, on the closing side
/// the whitespace at the start of the literal after it. `trim_first` and
/// `trim_last` come from the directive tags around a nested sequence.
fn finish(mut parts: Vec<Element>, trim_first: bool, trim_last: bool) -> Vec<TemplatePart> {
    let n = parts.len();
    for i in 0..n {
        let (before, after) = (parts[i].1, parts[i].2);
        if before && i > 0 {
            if let TemplatePart::Literal(s) = &mut parts[i - 1].0 {
                trim_end(s);
            }
        }
        if after && i + 1 < n {
            if let TemplatePart::Literal(s) = &mut parts[i + 1].0 {
                trim_start(s);
            }
        }
    }
    // (into a vector of their number: the elements' grew as they came)
    let mut out: Vec<TemplatePart> = Vec::with_capacity(n);
    out.extend(parts.into_iter().map(|p| p.0));
    if trim_first {
        if let Some(TemplatePart::Literal(s)) = out.first_mut() {
            trim_start(s);
        }
    }
    if trim_last {
        if let Some(TemplatePart::Literal(s)) = out.last_mut() {
            trim_end(s);
        }
    }
    out.retain(|p| !matches!(p, TemplatePart::Literal(s) if s.is_empty()));
    out
}

fn trim_end(s: &mut String) {
    let len = s.trim_end().len();
    s.truncate(len);
}

fn trim_start(s: &mut String) {
    let skip = s.len() - s.trim_start().len();
    s.drain(..skip);
}

/// The indent `<<-` removes: the fewest leading spaces or tabs of any line
/// that holds more than whitespace.
fn common_indent(content: &str) -> usize {
    content
        .split('\n')
        .filter(|line| !line.trim().is_empty())
        .map(|line| {
            line.bytes()
                .take_while(|b| matches!(b, b' ' | b'\t'))
                .count()
        })
        .min()
        .unwrap_or(0)
}
