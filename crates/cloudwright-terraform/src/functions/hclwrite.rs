//! `provider::terraform::encode_expr` and `encode_tfvars` (Terraform 1.8):
//! a value written as HCL source, as Terraform writes it — the tokens
//! `hclwrite.TokensForValue` makes for a value, spaced, indented and
//! aligned by hclwrite's formatter (`format`: indentation by the net
//! brackets of each line, the spacing rules between tokens, `=` aligned
//! across consecutive assignment lines). Only the token kinds a value has
//! are carried, and the formatter's rules for them, in its order.
//!
//! Two things are not reproduced, and the result is then unknown with a
//! warning rather than a guess: a string holding a character outside ASCII
//! that is neither a letter nor a digit (hclwrite escapes the ones Go's
//! `unicode.IsPrint` refuses, which takes the Unicode tables), and — as
//! everywhere in Cloudwright — numbers beyond 64-bit floating point.

use super::{arity, fail, CallError, CallResult};
use cloudwright_model::Value;
use unicode_segmentation::UnicodeSegmentation;

pub const ENCODE_TFVARS: &str = "provider::terraform::encode_tfvars";
pub const ENCODE_EXPR: &str = "provider::terraform::encode_expr";

pub fn call(name: &str, args: &[Value]) -> Option<CallResult> {
    match name {
        ENCODE_EXPR => Some(arity(args, 1).and_then(|_| encode_expr(&args[0]))),
        ENCODE_TFVARS => Some(arity(args, 1).and_then(|_| encode_tfvars(&args[0]))),
        _ => None,
    }
}

/// `encode_expr(value)`: the value's tokens, formatted, without the
/// surrounding space.
fn encode_expr(value: &Value) -> CallResult {
    let mut tokens = Vec::new();
    push_value(value, &mut tokens)?;
    format(&mut tokens);
    Ok(Value::string(write(&tokens).trim()))
}

/// `encode_tfvars(object)`: one `name = value` line per attribute, in name
/// order, the whole file formatted.
fn encode_tfvars(value: &Value) -> CallResult {
    let Value::Map(object) = value else {
        return match value {
            Value::Null => fail("cannot encode a null value in tfvars syntax"),
            _ => fail("invalid value to encode: must be an object whose attribute names will become the encoded variable names"),
        };
    };
    let mut tokens = Vec::new();
    for (name, v) in object.fields().iter() {
        if !valid_identifier(name) {
            return fail(format!("invalid variable name {name:?}: must be a valid identifier, per Terraform's rules for input variable declarations"));
        }
        tokens.push(Token::new(Kind::Ident, name));
        tokens.push(Token::new(Kind::Equal, "="));
        push_value(v, &mut tokens)?;
        tokens.push(Token::new(Kind::Newline, "\n"));
    }
    format(&mut tokens);
    Ok(Value::string(write(&tokens)))
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Kind {
    OBrack,
    CBrack,
    OBrace,
    CBrace,
    Comma,
    Equal,
    Newline,
    Ident,
    Number,
    OQuote,
    QuotedLit,
    CQuote,
}

#[derive(Debug)]
struct Token {
    kind: Kind,
    text: String,
    spaces: usize,
}

impl Token {
    fn new(kind: Kind, text: &str) -> Token {
        Token {
            kind,
            text: text.to_string(),
            spaces: 0,
        }
    }
}

/// `appendTokensForValue`: a value's tokens, object and map keys in order.
fn push_value(value: &Value, out: &mut Vec<Token>) -> Result<(), CallError> {
    match value {
        Value::Null => out.push(Token::new(Kind::Ident, "null")),
        Value::Bool(b) => out.push(Token::new(Kind::Ident, if *b { "true" } else { "false" })),
        Value::Number(n) => {
            if !n.is_finite() {
                return fail("cannot encode a number that is not finite");
            }
            // Go's big.Float Text('f', -1): the shortest digits that read
            // back as the same number, never an exponent
            let text = if *n == 0.0 {
                "0".to_string()
            } else {
                n.to_string()
            };
            out.push(Token::new(Kind::Number, &text));
        }
        Value::String(s) => push_string(s, out)?,
        Value::List(items) => {
            out.push(Token::new(Kind::OBrack, "["));
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(Token::new(Kind::Comma, ","));
                }
                push_value(item, out)?;
            }
            out.push(Token::new(Kind::CBrack, "]"));
        }
        Value::Map(object) => {
            out.push(Token::new(Kind::OBrace, "{"));
            if !object.fields().is_empty() {
                out.push(Token::new(Kind::Newline, "\n"));
            }
            for (key, v) in object.fields().iter() {
                if valid_identifier(key) {
                    out.push(Token::new(Kind::Ident, key));
                } else {
                    push_string(key, out)?;
                }
                out.push(Token::new(Kind::Equal, "="));
                push_value(v, out)?;
                out.push(Token::new(Kind::Newline, "\n"));
            }
            out.push(Token::new(Kind::CBrace, "}"));
        }
        Value::Sensitive(inner) => push_value(inner, out)?,
        Value::Unknown(_) | Value::Document(_) | Value::Template(_) => {
            // the caller answers unknown for an unknown argument first
            return Err(CallError::Unsupported("an unknown value".into()));
        }
    }
    Ok(())
}

fn push_string(s: &str, out: &mut Vec<Token>) -> Result<(), CallError> {
    out.push(Token::new(Kind::OQuote, "\""));
    if !s.is_empty() {
        out.push(Token::new(Kind::QuotedLit, &escape(s)?));
    }
    out.push(Token::new(Kind::CQuote, "\""));
    Ok(())
}

/// `escapeQuotedStringLit`: the escapes of a quoted string, `${` and `%{`
/// doubled, characters Go does not print as `\uXXXX` / `\UXXXXXXXX`.
fn escape(s: &str) -> Result<String, CallError> {
    let mut out = String::with_capacity(s.len());
    let mut chars = s.chars().peekable();
    while let Some(c) = chars.next() {
        match c {
            '\n' => out.push_str("\\n"),
            '\r' => out.push_str("\\r"),
            '\t' => out.push_str("\\t"),
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '$' | '%' => {
                out.push(c);
                if chars.peek() == Some(&'{') {
                    out.push(c);
                }
            }
            c if c.is_ascii() => {
                if c.is_ascii_graphic() || c == ' ' {
                    out.push(c);
                } else {
                    out.push_str(&format!("\\u{:04x}", u32::from(c)));
                }
            }
            c if c.is_alphanumeric() => out.push(c),
            _ => {
                return Err(CallError::Unsupported(format!(
                    "a string holding {c:?} (U+{:04X}), which Terraform writes as itself or escaped by Unicode tables Cloudwright does not carry",
                    u32::from(c)
                )))
            }
        }
    }
    Ok(out)
}

/// `hclsyntax.ValidIdentifier`: a letter or `_`, then letters, digits,
/// `_` and `-`.
fn valid_identifier(s: &str) -> bool {
    let mut chars = s.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

fn write(tokens: &[Token]) -> String {
    let mut out = String::new();
    for t in tokens {
        out.extend(std::iter::repeat_n(' ', t.spaces));
        out.push_str(&t.text);
    }
    out
}

fn bracket_change(kind: Kind) -> i32 {
    match kind {
        Kind::OBrack | Kind::OBrace => 1,
        Kind::CBrack | Kind::CBrace => -1,
        _ => 0,
    }
}

/// One line of tokens (its newline included), split as hclwrite splits it:
/// the tokens before an `=` that ends the line's expression (`lead`), and
/// from that `=` on (`assign`). Indexes into the token list.
struct Line {
    lead: std::ops::Range<usize>,
    assign: Option<std::ops::Range<usize>>,
}

/// hclwrite's `format` on a value's tokens: `linesForFormat`,
/// `formatIndent`, `formatSpaces`, `formatCells` (no comments in a value).
fn format(tokens: &mut [Token]) {
    let lines = lines(tokens);
    // indentation: by the net brackets of each line, through a stack of
    // the openers of each level
    let mut indents: Vec<i32> = Vec::new();
    for line in &lines {
        let first = line.lead.start;
        if line.lead.is_empty() {
            continue;
        }
        if tokens[first].kind == Kind::Newline {
            tokens[first].spaces = 0;
            continue;
        }
        let net: i32 = line
            .lead
            .clone()
            .chain(line.assign.clone().unwrap_or(0..0))
            .map(|i| bracket_change(tokens[i].kind))
            .sum();
        if net > 0 {
            tokens[first].spaces = 2 * indents.len();
            indents.push(net);
        } else {
            let mut closed = -net;
            while closed > 0 {
                let Some(top) = indents.last_mut() else {
                    break;
                };
                if closed > *top {
                    closed -= *top;
                    indents.pop();
                } else if closed < *top {
                    *top -= closed;
                    closed = 0;
                } else {
                    indents.pop();
                    closed = 0;
                }
            }
            tokens[first].spaces = 2 * indents.len();
        }
    }
    // spaces between the tokens of each cell
    for line in &lines {
        space_cell(tokens, line.lead.clone());
        if let Some(assign) = line.assign.clone() {
            tokens[assign.start].spaces = 1;
            space_cell(tokens, assign);
        }
    }
    // `=` aligned across consecutive assignment lines
    let mut chain: Vec<&Line> = Vec::new();
    let close = |chain: &mut Vec<&Line>, tokens: &mut [Token]| {
        let widest = chain
            .iter()
            .map(|l| columns(tokens, l.lead.clone()))
            .max()
            .unwrap_or(0);
        for l in chain.drain(..) {
            if let Some(assign) = &l.assign {
                tokens[assign.start].spaces = widest - columns(tokens, l.lead.clone()) + 1;
            }
        }
    };
    for line in &lines {
        if line.assign.is_some() {
            chain.push(line);
        } else if !chain.is_empty() {
            close(&mut chain, tokens);
        }
    }
    close(&mut chain, tokens);
}

fn lines(tokens: &[Token]) -> Vec<Line> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, t) in tokens.iter().enumerate() {
        if t.kind == Kind::Newline {
            lines.push(start..i + 1);
            start = i + 1;
        }
    }
    if start < tokens.len() {
        lines.push(start..tokens.len());
    }
    lines
        .into_iter()
        .map(|lead| {
            // the first `=` after the line's first token moves, with what
            // follows, to the assign cell when its brackets balance
            let equal = lead
                .clone()
                .skip(1)
                .find(|&i| tokens[i].kind == Kind::Equal);
            match equal {
                Some(e)
                    if (e..lead.end)
                        .map(|i| bracket_change(tokens[i].kind))
                        .sum::<i32>()
                        == 0 =>
                {
                    Line {
                        lead: lead.start..e,
                        assign: Some(e..lead.end),
                    }
                }
                _ => Line { lead, assign: None },
            }
        })
        .collect()
}

/// `formatSpaces` within one cell: the space before each token after the
/// first, by `spaceAfterToken`.
fn space_cell(tokens: &mut [Token], cell: std::ops::Range<usize>) {
    for i in cell.clone() {
        if i + 1 >= cell.end {
            continue;
        }
        let space = space_after(tokens[i].kind, tokens[i + 1].kind);
        tokens[i + 1].spaces = usize::from(space);
    }
}

/// `spaceAfterToken`, its cases in its order, for the kinds a value has
/// (the ones that look at the token before — `in` in a `for`, a minus —
/// never meet a value's tokens).
fn space_after(subject: Kind, after: Kind) -> bool {
    use Kind::*;
    if after == Newline {
        return false;
    }
    if after == Comma {
        return false;
    }
    if subject == Comma {
        return true;
    }
    if matches!(subject, QuotedLit | OQuote) || matches!(after, QuotedLit | CQuote) {
        return false;
    }
    if after == OBrack && (matches!(subject, Ident | Number) || bracket_change(subject) < 0) {
        return false;
    }
    if subject == OBrace || after == CBrace {
        return !(subject == OBrace && after == CBrace);
    }
    if bracket_change(subject) > 0 {
        return false;
    }
    if bracket_change(after) < 0 {
        return false;
    }
    true
}

/// `Tokens.Columns`: spaces, and grapheme clusters of each token's text.
fn columns(tokens: &[Token], cell: std::ops::Range<usize>) -> usize {
    tokens[cell]
        .iter()
        .map(|t| t.spaces + t.text.graphemes(true).count())
        .sum()
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeMap;

    fn obj(fields: &[(&str, Value)]) -> Value {
        Value::map(
            fields
                .iter()
                .map(|(k, v)| (k.to_string(), v.clone()))
                .collect::<BTreeMap<_, _>>(),
        )
    }

    fn expr(v: &Value) -> String {
        encode_expr(v).unwrap().as_str().unwrap().to_string()
    }

    /// The outputs of hclwrite's own tests of `TokensForValue`
    /// (generate_test.go) and of Terraform's tests of these functions.
    #[test]
    fn values_are_written_as_hclwrite_writes_them() {
        assert_eq!(expr(&Value::Null), "null");
        assert_eq!(expr(&Value::Bool(true)), "true");
        assert_eq!(expr(&Value::Number(0.0)), "0");
        assert_eq!(expr(&Value::Number(-1.0)), "-1");
        assert_eq!(expr(&Value::Number(1.5)), "1.5");
        assert_eq!(expr(&Value::Number(1e21)), "1000000000000000000000");
        assert_eq!(expr(&Value::string("")), r#""""#);
        assert_eq!(expr(&Value::string("hello")), r#""hello""#);
        assert_eq!(
            expr(&Value::string("hello\nworld\t\"${x}\" %{y} $5 \\")),
            r#""hello\nworld\t\"$${x}\" %%{y} $5 \\""#
        );
        assert_eq!(
            expr(&Value::string("caf\u{e9} \u{7}")),
            "\"caf\u{e9} \\u0007\""
        );
        assert_eq!(expr(&Value::list(vec![])), "[]");
        assert_eq!(
            expr(&Value::list(vec![Value::Bool(true), Value::Number(1.0)])),
            "[true, 1]"
        );
        assert_eq!(
            expr(&Value::list(vec![
                Value::list(vec![Value::string("a")]),
                Value::list(vec![])
            ])),
            r#"[["a"], []]"#
        );
        assert_eq!(expr(&obj(&[])), "{}");
        assert_eq!(
            expr(&obj(&[
                ("a", Value::Number(1.0)),
                ("bcd", Value::string("x"))
            ])),
            "{\n  a   = 1\n  bcd = \"x\"\n}"
        );
        // keys that are not identifiers are quoted; nesting indents, and a
        // multi-line value breaks the alignment
        assert_eq!(
            expr(&obj(&[
                ("has space", Value::Bool(true)),
                ("n", obj(&[("deep", Value::Null)])),
                ("z", Value::list(vec![])),
            ])),
            "{\n  \"has space\" = true\n  n = {\n    deep = null\n  }\n  z = []\n}"
        );
        // a list of objects, with hclwrite's indentation of `}, {`
        assert_eq!(
            expr(&Value::list(vec![
                obj(&[("a", Value::Number(1.0))]),
                obj(&[("a", Value::Number(2.0))]),
            ])),
            "[{\n  a = 1\n  }, {\n  a = 2\n}]"
        );
    }

    #[test]
    fn tfvars_are_one_line_per_variable_in_name_order() {
        let v = obj(&[
            ("region", Value::string("eu-west-1")),
            (
                "azs",
                Value::list(vec![Value::string("a"), Value::string("b")]),
            ),
            ("tags", obj(&[("team", Value::string("core"))])),
            ("count", Value::Number(3.0)),
        ]);
        // `=` aligned across the one-line values; the object breaks the run
        assert_eq!(
            encode_tfvars(&v).unwrap().as_str(),
            Some(
                "azs    = [\"a\", \"b\"]\ncount  = 3\nregion = \"eu-west-1\"\ntags = {\n  team = \"core\"\n}\n"
            )
        );
        assert!(matches!(
            encode_tfvars(&obj(&[("not valid", Value::Null)])),
            Err(CallError::Failed(m)) if m.contains("invalid variable name \"not valid\"")
        ));
        assert!(matches!(
            encode_tfvars(&Value::Null),
            Err(CallError::Failed(_))
        ));
        assert!(matches!(
            encode_tfvars(&Value::list(vec![])),
            Err(CallError::Failed(_))
        ));
    }

    #[test]
    fn what_is_not_reproduced_is_said() {
        assert!(matches!(
            encode_expr(&Value::string("5 \u{20ac}")),
            Err(CallError::Unsupported(m)) if m.contains("U+20AC")
        ));
    }
}
