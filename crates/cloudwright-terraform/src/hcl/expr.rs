//! Expressions: operators by precedence, traversals, calls, collections and
//! `for` expressions.
//!
//! Every parse function takes `nl`, whether newlines are significant where it
//! is called: true for an argument's value and an object item's value (the
//! newline ends them), false inside `()`, `[]`, `${ }` and `for`.

use super::{Parser, SyntaxError};
use crate::syntax::*;
use cloudwright_model::Value;

type Parsed = Result<Expr, SyntaxError>;

/// HCL's binary operators, lowest precedence first.
fn binary_operator(bytes: &[u8]) -> Option<(BinaryOp, usize, u8)> {
    let two = |op, prec| Some((op, 2, prec));
    let one = |op, prec| Some((op, 1, prec));
    match bytes {
        [b'|', b'|', ..] => two(BinaryOp::Or, 0),
        [b'&', b'&', ..] => two(BinaryOp::And, 1),
        [b'=', b'=', ..] => two(BinaryOp::Eq, 2),
        [b'!', b'=', ..] => two(BinaryOp::NotEq, 2),
        [b'<', b'=', ..] => two(BinaryOp::LtEq, 3),
        [b'>', b'=', ..] => two(BinaryOp::GtEq, 3),
        [b'<', ..] => one(BinaryOp::Lt, 3),
        [b'>', ..] => one(BinaryOp::Gt, 3),
        [b'+', ..] => one(BinaryOp::Add, 4),
        [b'-', ..] => one(BinaryOp::Sub, 4),
        [b'*', ..] => one(BinaryOp::Mul, 5),
        [b'/', ..] => one(BinaryOp::Div, 5),
        [b'%', ..] => one(BinaryOp::Mod, 5),
        _ => None,
    }
}

fn span(start: usize, end: usize) -> Range {
    Range::new(start, end)
}

impl<'a> Parser<'a> {
    /// A whole expression: a conditional or anything binding tighter.
    pub(super) fn expr(&mut self, nl: bool) -> Parsed {
        self.enter()?;
        let result = self.conditional(nl);
        self.leave();
        result
    }

    fn conditional(&mut self, nl: bool) -> Parsed {
        let start = self.pos;
        let cond = self.binary(0, nl)?;
        let save = self.pos;
        self.skip_ws(nl)?;
        if self.peek() != b'?' {
            self.pos = save;
            return Ok(cond);
        }
        self.pos += 1;
        self.skip_ws(false)?;
        let then = self.expr(nl)?;
        self.skip_ws(nl)?;
        self.expect(b':', "`:` and the false result of the conditional")?;
        self.skip_ws(false)?;
        let otherwise = self.expr(nl)?;
        Ok(Expr {
            range: span(start, self.pos),
            kind: ExprKind::Conditional(Box::new([cond, then, otherwise])),
        })
    }

    /// Operators of precedence `min` and above, left-associative.
    fn binary(&mut self, min: u8, nl: bool) -> Parsed {
        let start = self.pos;
        let mut lhs = self.unary(nl)?;
        loop {
            let save = self.pos;
            self.skip_ws(nl)?;
            let Some((op, len, prec)) = binary_operator(&self.bytes[self.pos..]) else {
                self.pos = save;
                return Ok(lhs);
            };
            if prec < min {
                self.pos = save;
                return Ok(lhs);
            }
            self.pos += len;
            self.skip_ws(false)?;
            let rhs = self.binary(prec + 1, nl)?;
            lhs = Expr {
                range: span(start, self.pos),
                kind: ExprKind::Binary(op, Box::new([lhs, rhs])),
            };
        }
    }

    fn unary(&mut self, nl: bool) -> Parsed {
        let start = self.pos;
        let op = match self.peek() {
            b'!' => UnaryOp::Not,
            b'-' => UnaryOp::Neg,
            _ => return self.postfix(nl),
        };
        self.pos += 1;
        self.skip_ws(nl)?;
        self.enter()?;
        let operand = self.unary(nl);
        self.leave();
        let operand = operand?;
        let range = span(start, self.pos);
        // Fold `-5` into a literal so it prints and compares as a number.
        if let (UnaryOp::Neg, ExprKind::Literal(Value::Number(n))) = (op, &operand.kind) {
            return Ok(Expr::literal(Value::Number(-n), range));
        }
        Ok(Expr {
            kind: ExprKind::Unary(op, Box::new(operand)),
            range,
        })
    }

    /// A term and the attribute accesses, indexes and splats after it.
    fn postfix(&mut self, nl: bool) -> Parsed {
        let start = self.pos;
        let base = self.primary(nl)?;
        let mark = self.lists.ops.len();
        let mut end = self.pos;
        let mut legacy_indexes = false;
        loop {
            let save = self.pos;
            self.skip_ws(nl)?;
            match self.peek() {
                b'.' if self.peek_at(1) != b'.' => {
                    self.pos += 1;
                    self.skip_space()?;
                    if self.peek() == b'*' {
                        self.pos += 1;
                        self.lists.ops.push(TraversalOp::AttrSplat);
                    } else if self.peek().is_ascii_digit() {
                        // legacy `list.0` index
                        let digits = self.pos;
                        while self.peek().is_ascii_digit() {
                            self.pos += 1;
                        }
                        let n: f64 = self.text[digits..self.pos].parse().unwrap_or(f64::NAN);
                        self.lists.ops.push(TraversalOp::Index(Expr::literal(
                            Value::Number(n),
                            Range::default(),
                        )));
                        legacy_indexes = true;
                    } else {
                        let name = self.expect_ident("an attribute name after `.`")?;
                        self.lists
                            .ops
                            .push(TraversalOp::GetAttr(crate::syntax::name(name)));
                    }
                }
                b'[' => {
                    self.pos += 1;
                    self.skip_ws(false)?;
                    if self.peek() == b'*' {
                        self.pos += 1;
                        self.skip_ws(false)?;
                        self.expect(b']', "`]` after `[*`")?;
                        self.lists.ops.push(TraversalOp::FullSplat);
                    } else {
                        let index = self.expr(false)?;
                        self.skip_ws(false)?;
                        self.expect(b']', "`]` to close the index")?;
                        self.lists.ops.push(TraversalOp::Index(index));
                    }
                }
                _ => {
                    self.pos = save;
                    break;
                }
            }
            end = self.pos;
        }
        if self.lists.ops.len() == mark {
            return Ok(base);
        }
        let mut ops = super::take(&mut self.lists.ops, mark);
        let range = span(start, end);
        if legacy_indexes {
            for op in &mut ops {
                if let TraversalOp::Index(e) = op {
                    if e.range == Range::default() {
                        e.range = range;
                    }
                }
            }
        }
        // `(a.b).c` is one traversal, as if written `a.b.c`.
        let kind = match base.kind {
            ExprKind::Traversal(inner, mut inner_ops) => {
                inner_ops.extend(ops);
                ExprKind::Traversal(inner, inner_ops)
            }
            kind => ExprKind::Traversal(
                Box::new(Expr {
                    kind,
                    range: base.range,
                }),
                ops,
            ),
        };
        Ok(Expr { kind, range })
    }

    fn primary(&mut self, nl: bool) -> Parsed {
        let start = self.pos;
        match self.peek() {
            b'0'..=b'9' => self.number(),
            b'"' => self.quoted(),
            b'<' if self.peek_at(1) == b'<' => self.heredoc(),
            b'[' => self.tuple(),
            b'{' => self.object(),
            b'(' => {
                self.pos += 1;
                self.skip_ws(false)?;
                let inner = self.expr(false)?;
                self.skip_ws(false)?;
                self.expect(b')', "`)` to close the parenthesis")?;
                Ok(inner)
            }
            _ => match self.ident() {
                Some(name) => self.named(start, name, nl),
                None => Err(self.expected("an expression")),
            },
        }
    }

    fn number(&mut self) -> Parsed {
        let start = self.pos;
        let digits = |p: &mut Self| {
            while p.peek().is_ascii_digit() {
                p.pos += 1;
            }
        };
        digits(self);
        if self.peek() == b'.' && self.peek_at(1).is_ascii_digit() {
            self.pos += 1;
            digits(self);
        }
        if matches!(self.peek(), b'e' | b'E') {
            let sign = usize::from(matches!(self.peek_at(1), b'+' | b'-'));
            if self.peek_at(1 + sign).is_ascii_digit() {
                self.pos += 1 + sign;
                digits(self);
            }
        }
        let n = self.text[start..self.pos]
            .parse::<f64>()
            .map_err(|_| self.error("this is not a valid number", start))?;
        Ok(Expr::literal(Value::Number(n), span(start, self.pos)))
    }

    /// A keyword literal, a variable, or a function call.
    fn named(&mut self, start: usize, name: &str, nl: bool) -> Parsed {
        let literal = match name {
            "true" => Some(Value::Bool(true)),
            "false" => Some(Value::Bool(false)),
            "null" => Some(Value::Null),
            _ => None,
        };
        if let Some(value) = literal {
            return Ok(Expr::literal(value, span(start, self.pos)));
        }
        let end = self.pos;
        self.skip_ws(nl)?;
        let mut function = Name::from(name);
        while self.starts_with("::") {
            // provider::aws::arn_parse(…)
            self.pos += 2;
            let next = self.expect_ident("a function name after `::`")?;
            function = Name::new(&cloudwright_model::text::concat([&function, "::", next]));
            self.skip_ws(nl)?;
            if self.peek() != b'(' && !self.starts_with("::") {
                return Err(self.expected("`(` after the function name"));
            }
        }
        if self.peek() != b'(' {
            self.pos = end;
            return Ok(Expr {
                kind: ExprKind::Variable(crate::syntax::name(name)),
                range: span(start, end),
            });
        }
        self.pos += 1;
        let (args, expand_final) = self.list_items(
            b')',
            "`,` or `)` in the argument list",
            "`)` to close the argument list",
            true,
        )?;
        Ok(Expr {
            kind: ExprKind::Call(Box::new(Call {
                name: function,
                args,
                expand_final,
            })),
            range: span(start, self.pos),
        })
    }

    /// Comma-separated expressions up to `close`, which is consumed; a
    /// trailing comma is allowed, and with `expand` a `...` after the last
    /// one (`f(xs...)`), reported in the second value.
    fn list_items(
        &mut self,
        close: u8,
        separator: &str,
        closing: &str,
        expand: bool,
    ) -> Result<(Vec<Expr>, bool), SyntaxError> {
        let mark = self.lists.items.len();
        let mut expanded = false;
        loop {
            self.skip_ws(false)?;
            if self.peek() == close {
                break;
            }
            let item = self.expr(false)?;
            self.lists.items.push(item);
            self.skip_ws(false)?;
            if expand && self.starts_with("...") {
                self.pos += 3;
                expanded = true;
                self.skip_ws(false)?;
                break;
            }
            match self.peek() {
                b',' => self.pos += 1,
                c if c == close => break,
                _ => return Err(self.expected(separator)),
            }
        }
        self.expect(close, closing)?;
        Ok((super::take(&mut self.lists.items, mark), expanded))
    }

    /// `[a, b]` or `[for … : …]`.
    fn tuple(&mut self) -> Parsed {
        let start = self.pos;
        self.pos += 1;
        self.skip_ws(false)?;
        if self.keyword_at("for") {
            return self.for_expr(start, b']');
        }
        let (items, _) = self.list_items(
            b']',
            "`,` or `]` in the list",
            "`]` to close the list",
            false,
        )?;
        Ok(Expr {
            kind: ExprKind::Tuple(items),
            range: span(start, self.pos),
        })
    }

    /// `{ key = value … }` or `{for … : k => v}`. Items are separated by
    /// commas or newlines.
    fn object(&mut self) -> Parsed {
        let start = self.pos;
        self.pos += 1;
        self.skip_ws(false)?;
        if self.keyword_at("for") {
            return self.for_expr(start, b'}');
        }
        let mark = self.lists.members.len();
        loop {
            self.skip_ws(false)?;
            if self.peek() == b'}' {
                break;
            }
            let key = self.object_key()?;
            self.skip_space()?;
            match self.peek() {
                b'=' | b':' => self.pos += 1,
                _ => return Err(self.expected("`=` after the object key")),
            }
            self.skip_ws(false)?;
            let value = self.expr(true)?;
            self.lists.members.push((key, value));
            self.skip_space()?;
            match self.peek() {
                b',' | b'\n' => self.pos += 1,
                b'}' => {}
                _ => return Err(self.expected("a newline or `,` after the object item")),
            }
        }
        self.pos += 1;
        Ok(Expr {
            kind: ExprKind::Object(super::take(&mut self.lists.members, mark)),
            range: span(start, self.pos),
        })
    }

    /// A bare name is the literal key; anything else (a quoted string,
    /// `(var.x)`) is an expression.
    fn object_key(&mut self) -> Result<ObjectKey, SyntaxError> {
        let save = self.pos;
        if let Some(name) = self.ident() {
            self.skip_space()?;
            if matches!(self.peek(), b'=' | b':') && self.peek_at(1) != b'=' {
                return Ok(ObjectKey::Ident(crate::syntax::name(name)));
            }
            self.pos = save;
        }
        Ok(ObjectKey::Expr(self.expr(true)?))
    }

    /// `k, v in collection` after `for`, in an expression or a template
    /// directive.
    pub(super) fn for_intro(&mut self) -> Result<(Option<Name>, Name, Expr), SyntaxError> {
        self.skip_ws(false)?;
        let first = self.expect_ident("a variable name after `for`")?;
        self.skip_ws(false)?;
        let (key_var, value_var) = if self.peek() == b',' {
            self.pos += 1;
            self.skip_ws(false)?;
            let second = self.expect_ident("a value variable name after `,`")?;
            (
                Some(crate::syntax::name(first)),
                crate::syntax::name(second),
            )
        } else {
            (None, crate::syntax::name(first))
        };
        self.skip_ws(false)?;
        if !self.keyword_at("in") {
            return Err(self.expected("`in` after the `for` variables"));
        }
        self.pos += 2;
        self.skip_ws(false)?;
        let collection = self.expr(false)?;
        Ok((key_var, value_var, collection))
    }

    /// The rest of `[for k, v in coll : value if cond]` or
    /// `{for k, v in coll : key => value... if cond}`, from `for`.
    fn for_expr(&mut self, start: usize, close: u8) -> Parsed {
        self.pos += 3;
        let (key_var, value_var, collection) = self.for_intro()?;
        self.skip_ws(false)?;
        self.expect(b':', "`:` after the collection of the `for` expression")?;
        self.skip_ws(false)?;
        let key_expr = if close == b'}' {
            let key = self.expr(false)?;
            self.skip_ws(false)?;
            if !self.starts_with("=>") {
                return Err(self.expected("`=>` between the key and the value"));
            }
            self.pos += 2;
            self.skip_ws(false)?;
            Some(key)
        } else {
            None
        };
        let value_expr = self.expr(false)?;
        self.skip_ws(false)?;
        let grouping = close == b'}' && self.starts_with("...");
        if grouping {
            self.pos += 3;
            self.skip_ws(false)?;
        }
        let cond = if self.keyword_at("if") {
            self.pos += 2;
            self.skip_ws(false)?;
            let cond = self.expr(false)?;
            self.skip_ws(false)?;
            Some(cond)
        } else {
            None
        };
        if self.peek() != close {
            return Err(self.expected(if close == b']' {
                "`]` to close the `for` expression"
            } else {
                "`}` to close the `for` expression"
            }));
        }
        self.pos += 1;
        Ok(Expr {
            kind: ExprKind::For(Box::new(ForExpr {
                key_var,
                value_var,
                collection,
                key_expr,
                value_expr,
                cond,
                grouping,
            })),
            range: span(start, self.pos),
        })
    }
}
