//! The reference parse for the differential test: `hcl-edit` (the parser
//! Cloudwright used before its own), converted into the same syntax tree.

#![allow(dead_code)]

use cloudwright_model::Value;
use cloudwright_terraform::syntax::*;
use hcl_edit::expr::{
    BinaryOperator, Expression, ObjectKey as HclKey, TraversalOperator, UnaryOperator,
};
use hcl_edit::structure::{BlockLabel, Structure};
use hcl_edit::template::{Directive, Element, Strip, Template};
use hcl_edit::Span as _;

/// A syntax error, with a one-based position.
#[derive(Debug, Clone)]
pub struct SyntaxError {
    pub message: String,
    pub offset: usize,
}

/// Parses a native-syntax file body.
pub fn parse_body(text: &str) -> Result<Body, SyntaxError> {
    let body = hcl_edit::parser::parse_body(text).map_err(|e| SyntaxError {
        message: e.message().to_string(),
        offset: e.location().offset(),
    })?;
    Ok(convert_body(&body, Range::new(0, text.len())))
}

/// Parses a template string (used for `.tf.json` string values and `templatefile`).
pub fn parse_template(text: &str) -> Result<Vec<TemplatePart>, SyntaxError> {
    let template = hcl_edit::parser::parse_template(text).map_err(|e| SyntaxError {
        message: e.message().to_string(),
        offset: e.location().offset(),
    })?;
    Ok(convert_template(
        &template,
        Range::new(0, text.len()),
        false,
        false,
        None,
    ))
}

/// Parses a single expression (used for `-var` values and `.tf.json` references).
pub fn parse_expr(text: &str) -> Result<Expr, SyntaxError> {
    let expr = hcl_edit::parser::parse_expr(text).map_err(|e| SyntaxError {
        message: e.message().to_string(),
        offset: e.location().offset(),
    })?;
    Ok(convert_expr(&expr, Range::new(0, text.len())))
}

fn range_of(span: Option<std::ops::Range<usize>>, fallback: Range) -> Range {
    span.map(|r| Range::new(r.start, r.end)).unwrap_or(fallback)
}

fn convert_body(body: &hcl_edit::structure::Body, fallback: Range) -> Body {
    let mut out = Body::default();
    for structure in body.iter() {
        match structure {
            Structure::Attribute(attr) => {
                let range = range_of(attr.span(), fallback);
                out.attributes.push(Attribute {
                    name: attr.key.as_str().into(),
                    expr: convert_expr(&attr.value, range),
                    range,
                    origin: None,
                });
            }
            Structure::Block(block) => {
                let range = range_of(block.span(), fallback);
                out.blocks.push(Block {
                    kind: block.ident.as_str().into(),
                    labels: block
                        .labels
                        .iter()
                        .map(|l| match l {
                            BlockLabel::Ident(i) => i.as_str().into(),
                            BlockLabel::String(s) => s.value().as_str().into(),
                        })
                        .collect(),
                    body: convert_body(&block.body, range),
                    range,
                    origin: None,
                });
            }
        }
    }
    out
}

pub(crate) fn convert_expr(expr: &Expression, fallback: Range) -> Expr {
    let range = range_of(expr.span(), fallback);
    let kind = match expr {
        Expression::Null(_) => ExprKind::Literal(Value::Null),
        Expression::Bool(b) => ExprKind::Literal(Value::Bool(*b.value())),
        Expression::Number(n) => {
            ExprKind::Literal(Value::Number(n.value().as_f64().unwrap_or(f64::NAN)))
        }
        Expression::String(s) => ExprKind::Literal(Value::string(s.value().as_str())),
        Expression::Array(items) => {
            ExprKind::Tuple(items.iter().map(|e| convert_expr(e, range)).collect())
        }
        Expression::Object(obj) => ExprKind::Object(
            obj.iter()
                .map(|(k, v)| {
                    let key = match k {
                        HclKey::Ident(i) => ObjectKey::Ident(i.as_str().into()),
                        HclKey::Expression(e) => {
                            // `(var.x) = …` keys are expressions; a bare
                            // traversal like `foo.bar` is also an expression key.
                            ObjectKey::Expr(convert_expr(e, range))
                        }
                    };
                    (key, convert_expr(v.expr(), range))
                })
                .collect(),
        ),
        Expression::StringTemplate(t) => {
            ExprKind::Template(convert_template(t, range, false, false, None))
        }
        Expression::HeredocTemplate(h) => ExprKind::Template(convert_template(
            &h.template,
            range,
            false,
            false,
            h.indent(),
        )),
        Expression::Parenthesis(p) => return convert_expr(p.inner(), range),
        Expression::Variable(v) => ExprKind::Variable(v.as_str().into()),
        Expression::Conditional(c) => ExprKind::Conditional(Box::new([
            convert_expr(&c.cond_expr, range),
            convert_expr(&c.true_expr, range),
            convert_expr(&c.false_expr, range),
        ])),
        Expression::FuncCall(call) => {
            let mut name = String::new();
            for ns in &call.name.namespace {
                name.push_str(ns.as_str());
                name.push_str("::");
            }
            name.push_str(call.name.name.as_str());
            ExprKind::Call(Box::new(Call {
                name: name.into(),
                args: call.args.iter().map(|e| convert_expr(e, range)).collect(),
                expand_final: call.args.expand_final(),
            }))
        }
        Expression::Traversal(t) => {
            let base = convert_expr(&t.expr, range);
            let mut ops = Vec::with_capacity(t.operators.len());
            for op in &t.operators {
                ops.push(match op.value() {
                    TraversalOperator::AttrSplat(_) => TraversalOp::AttrSplat,
                    TraversalOperator::FullSplat(_) => TraversalOp::FullSplat,
                    TraversalOperator::GetAttr(name) => TraversalOp::GetAttr(name.as_str().into()),
                    TraversalOperator::Index(e) => TraversalOp::Index(convert_expr(e, range)),
                    TraversalOperator::LegacyIndex(i) => {
                        TraversalOp::Index(Expr::literal(Value::Number(*i.value() as f64), range))
                    }
                });
            }
            // Flatten `a.b` parsed as nested traversals into one.
            if let ExprKind::Traversal(inner_base, mut inner_ops) = base.kind {
                inner_ops.extend(ops);
                ExprKind::Traversal(inner_base, inner_ops)
            } else {
                ExprKind::Traversal(Box::new(base), ops)
            }
        }
        Expression::UnaryOp(op) => {
            let operand = convert_expr(&op.expr, range);
            let unary = match op.operator.value() {
                UnaryOperator::Neg => UnaryOp::Neg,
                UnaryOperator::Not => UnaryOp::Not,
            };
            // Fold `-5` into a literal so it prints and compares as a number.
            if let (UnaryOp::Neg, ExprKind::Literal(Value::Number(n))) = (unary, &operand.kind) {
                ExprKind::Literal(Value::Number(-n))
            } else {
                ExprKind::Unary(unary, Box::new(operand))
            }
        }
        Expression::BinaryOp(op) => {
            let operator = match op.operator.value() {
                BinaryOperator::Eq => BinaryOp::Eq,
                BinaryOperator::NotEq => BinaryOp::NotEq,
                BinaryOperator::LessEq => BinaryOp::LtEq,
                BinaryOperator::GreaterEq => BinaryOp::GtEq,
                BinaryOperator::Less => BinaryOp::Lt,
                BinaryOperator::Greater => BinaryOp::Gt,
                BinaryOperator::Plus => BinaryOp::Add,
                BinaryOperator::Minus => BinaryOp::Sub,
                BinaryOperator::Mul => BinaryOp::Mul,
                BinaryOperator::Div => BinaryOp::Div,
                BinaryOperator::Mod => BinaryOp::Mod,
                BinaryOperator::And => BinaryOp::And,
                BinaryOperator::Or => BinaryOp::Or,
            };
            ExprKind::Binary(
                operator,
                Box::new([
                    convert_expr(&op.lhs_expr, range),
                    convert_expr(&op.rhs_expr, range),
                ]),
            )
        }
        Expression::ForExpr(f) => ExprKind::For(Box::new(ForExpr {
            key_var: f.intro.key_var.as_ref().map(|k| k.as_str().into()),
            value_var: f.intro.value_var.as_str().into(),
            collection: convert_expr(&f.intro.collection_expr, range),
            key_expr: f.key_expr.as_ref().map(|e| convert_expr(e, range)),
            value_expr: convert_expr(&f.value_expr, range),
            cond: f.cond.as_ref().map(|c| convert_expr(&c.expr, range)),
            grouping: f.grouping,
        })),
    };
    Expr { kind, range }
}

fn strips_before(strip: Strip) -> bool {
    matches!(strip, Strip::Start | Strip::Both)
}

fn strips_after(strip: Strip) -> bool {
    matches!(strip, Strip::End | Strip::Both)
}

/// Converts a template, applying the `~` strip markers: a marker on the
/// opening side of a tag trims the whitespace at the end of the literal before
/// it, on the closing side the whitespace at the start of the literal after it.
///
/// `heredoc_indent` is the indent hcl-edit removed from the top-level lines of
/// a `<<-` heredoc; it dedents the lines inside directive bodies too, which
/// hcl-edit leaves as written.
fn convert_template(
    template: &Template,
    range: Range,
    trim_first: bool,
    trim_last: bool,
    heredoc_indent: Option<usize>,
) -> Vec<TemplatePart> {
    convert_template_level(
        template,
        range,
        trim_first,
        trim_last,
        heredoc_indent,
        false,
    )
}

fn convert_template_level(
    template: &Template,
    range: Range,
    trim_first: bool,
    trim_last: bool,
    heredoc_indent: Option<usize>,
    nested: bool,
) -> Vec<TemplatePart> {
    let sub = |t: &Template, first: bool, last: bool| {
        convert_template_level(t, range, first, last, heredoc_indent, true)
    };
    // (part, strip the literal before it, strip the literal after it)
    let mut parts: Vec<(TemplatePart, bool, bool)> = Vec::new();
    for element in template.iter() {
        match element {
            Element::Literal(s) => {
                let text = match (nested, heredoc_indent) {
                    (true, Some(indent)) => dedent_lines(s.value(), indent),
                    _ => s.value().clone(),
                };
                parts.push((TemplatePart::Literal(text), false, false))
            }
            Element::Interpolation(i) => parts.push((
                TemplatePart::Interpolation(convert_expr(&i.expr, range)),
                strips_before(i.strip),
                strips_after(i.strip),
            )),
            Element::Directive(d) => match d.as_ref() {
                Directive::If(d) => {
                    let if_strip = d.if_expr.strip;
                    let end_strip = d.endif_expr.strip;
                    let (then, otherwise) = match &d.else_expr {
                        Some(e) => (
                            sub(
                                &d.if_expr.template,
                                strips_after(if_strip),
                                strips_before(e.strip),
                            ),
                            sub(&e.template, strips_after(e.strip), strips_before(end_strip)),
                        ),
                        None => (
                            sub(
                                &d.if_expr.template,
                                strips_after(if_strip),
                                strips_before(end_strip),
                            ),
                            Vec::new(),
                        ),
                    };
                    parts.push((
                        TemplatePart::If(Box::new(IfDirective {
                            cond: convert_expr(&d.if_expr.cond_expr, range),
                            then,
                            otherwise,
                        })),
                        strips_before(if_strip),
                        strips_after(end_strip),
                    ));
                }
                Directive::For(d) => {
                    let for_strip = d.for_expr.strip;
                    let end_strip = d.endfor_expr.strip;
                    parts.push((
                        TemplatePart::For(Box::new(ForDirective {
                            key_var: d.for_expr.key_var.as_ref().map(|k| k.as_str().into()),
                            value_var: d.for_expr.value_var.as_str().into(),
                            collection: convert_expr(&d.for_expr.collection_expr, range),
                            body: sub(
                                &d.for_expr.template,
                                strips_after(for_strip),
                                strips_before(end_strip),
                            ),
                        })),
                        strips_before(for_strip),
                        strips_after(end_strip),
                    ));
                }
            },
        }
    }
    // Apply strip markers to neighbouring literals.
    let n = parts.len();
    for i in 0..n {
        let (before, after) = (parts[i].1, parts[i].2);
        if before && i > 0 {
            if let TemplatePart::Literal(s) = &mut parts[i - 1].0 {
                let trimmed_len = s.trim_end().len();
                s.truncate(trimmed_len);
            }
        }
        if after && i + 1 < n {
            if let TemplatePart::Literal(s) = &mut parts[i + 1].0 {
                *s = s.trim_start().to_string();
            }
        }
    }
    let mut out: Vec<TemplatePart> = parts.into_iter().map(|p| p.0).collect();
    if trim_first {
        if let Some(TemplatePart::Literal(s)) = out.first_mut() {
            *s = s.trim_start().to_string();
        }
    }
    if trim_last {
        if let Some(TemplatePart::Literal(s)) = out.last_mut() {
            let trimmed_len = s.trim_end().len();
            s.truncate(trimmed_len);
        }
    }
    out.retain(|p| !matches!(p, TemplatePart::Literal(s) if s.is_empty()));
    out
}

/// Removes up to `indent` leading whitespace characters from every line that
/// starts inside `s` (the text before the first newline continues a line
/// that started elsewhere).
fn dedent_lines(s: &str, indent: usize) -> String {
    let mut out = String::with_capacity(s.len());
    for (i, line) in s.split('\n').enumerate() {
        if i > 0 {
            out.push('\n');
            let strip = line
                .chars()
                .take(indent)
                .take_while(|c| *c == ' ' || *c == '\t')
                .count();
            out.push_str(&line[strip..]);
        } else {
            out.push_str(line);
        }
    }
    out
}
