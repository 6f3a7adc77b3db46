//! The configuration syntax Cloudwright evaluates: a compact tree of bodies,
//! blocks, attributes and expressions with byte ranges into their file.
//!
//! Both native HCL (`.tf`, parsed by `hcl-edit`) and the JSON syntax
//! (`.tf.json`) are converted into this one form, so the evaluator has a single
//! input and the parser could be swapped without touching it.

use cloudwright_model::{FileId, SourceFile, Value};
use std::sync::Arc;

/// A name in the configuration (an argument, block type, label, variable,
/// attribute, function): interned ([`cloudwright_model::text::Name`]), so
/// that it becomes an object key — once per resource instance that sets
/// it — by a copy of one word.
pub type Name = cloudwright_model::text::Name;

/// A name read from the configuration.
pub fn name(text: &str) -> Name {
    Name::new(text)
}

/// Byte range `[start, end)` in the file of the enclosing [`ConfigFile`].
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, Hash)]
pub struct Range {
    pub start: u32,
    pub end: u32,
}

impl Range {
    pub fn new(start: usize, end: usize) -> Range {
        Range {
            start: start as u32,
            end: end as u32,
        }
    }
}

/// The file an attribute or block merged in from an override file comes
/// from (its ranges are in that file, not in the file of the block it was
/// merged into).
#[derive(Debug)]
pub struct Foreign {
    pub file: FileId,
    pub source: Arc<SourceFile>,
}

/// Where the ranges of an attribute or block are: `None` in the file of
/// its enclosing [`ConfigFile`], or in the override file it came from.
pub type Origin = Option<Arc<Foreign>>;

/// One parsed configuration file.
#[derive(Clone, Debug)]
pub struct ConfigFile {
    pub file: FileId,
    pub body: Body,
    /// `.tf.json` rather than native syntax.
    pub json: bool,
    /// Parts of the file could not be read (syntax errors, reported): the
    /// module may refer to what they declared.
    pub partial: bool,
}

#[derive(Clone, Debug, Default)]
pub struct Body {
    pub attributes: Vec<Attribute>,
    pub blocks: Vec<Block>,
}

impl Body {
    pub fn attribute(&self, name: &str) -> Option<&Attribute> {
        self.attributes.iter().find(|a| a.name == name)
    }

    pub fn blocks_of<'a>(&'a self, kind: &'a str) -> impl Iterator<Item = &'a Block> {
        self.blocks.iter().filter(move |b| b.kind == kind)
    }
}

#[derive(Clone, Debug)]
pub struct Attribute {
    pub name: Name,
    pub expr: Expr,
    pub range: Range,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct Block {
    pub kind: Name,
    pub labels: Vec<Name>,
    pub body: Body,
    pub range: Range,
    pub origin: Origin,
}

#[derive(Clone, Debug)]
pub struct Expr {
    pub kind: ExprKind,
    pub range: Range,
}

#[derive(Clone, Debug)]
pub enum ExprKind {
    Literal(Value),
    Template(Vec<TemplatePart>),
    Tuple(Vec<Expr>),
    Object(Vec<(ObjectKey, Expr)>),
    /// A bare name: `var`, `local`, `each`, `aws_vpc`, or a `for` variable.
    Variable(Name),
    Traversal(Box<Expr>, Vec<TraversalOp>),
    Call(Box<Call>),
    Conditional(Box<[Expr; 3]>),
    Unary(UnaryOp, Box<Expr>),
    Binary(BinaryOp, Box<[Expr; 2]>),
    For(Box<ForExpr>),
}

#[derive(Clone, Debug)]
pub enum ObjectKey {
    /// An unquoted identifier: always the literal name.
    Ident(Name),
    Expr(Expr),
}

#[derive(Clone, Debug)]
pub enum TraversalOp {
    GetAttr(Name),
    Index(Expr),
    /// `[*]`: the rest of the traversal applies to each element.
    FullSplat,
    /// `.*`: the following attribute accesses apply to each element.
    AttrSplat,
}

#[derive(Clone, Debug)]
pub struct Call {
    /// Function name, with a `provider::x::` namespace joined by `::`.
    pub name: Name,
    pub args: Vec<Expr>,
    /// The final argument was written `args...`.
    pub expand_final: bool,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnaryOp {
    Not,
    Neg,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum BinaryOp {
    Eq,
    NotEq,
    Lt,
    LtEq,
    Gt,
    GtEq,
    And,
    Or,
    Add,
    Sub,
    Mul,
    Div,
    Mod,
}

#[derive(Clone, Debug)]
pub struct ForExpr {
    pub key_var: Option<Name>,
    pub value_var: Name,
    pub collection: Expr,
    /// Present for an object-producing `for` (`{ for k, v in x : k => v }`).
    pub key_expr: Option<Expr>,
    pub value_expr: Expr,
    pub cond: Option<Expr>,
    /// `...` after the value: group values by key.
    pub grouping: bool,
}

#[derive(Clone, Debug)]
pub enum TemplatePart {
    Literal(String),
    Interpolation(Expr),
    /// (The directives boxed: rarer than text and interpolations, and
    /// three times their size inline.)
    If(Box<IfDirective>),
    For(Box<ForDirective>),
}

/// `%{ if cond }then%{ else }otherwise%{ endif }`.
#[derive(Clone, Debug)]
pub struct IfDirective {
    pub cond: Expr,
    pub then: Vec<TemplatePart>,
    pub otherwise: Vec<TemplatePart>,
}

/// `%{ for key_var, value_var in collection }body%{ endfor }`.
#[derive(Clone, Debug)]
pub struct ForDirective {
    pub key_var: Option<Name>,
    pub value_var: Name,
    pub collection: Expr,
    pub body: Vec<TemplatePart>,
}

impl Expr {
    pub fn literal(value: Value, range: Range) -> Expr {
        Expr {
            kind: ExprKind::Literal(value),
            range,
        }
    }

    /// Every reference the expression makes, as its root name and up to two
    /// static names that follow (`var.x` → `["var", "x"]`,
    /// `data.aws_ami.ubuntu.id` → `["data", "aws_ami", "ubuntu"]`): what
    /// names the object referred to. Used to order evaluation; names bound
    /// by `for` expressions are excluded.
    pub fn references(&self, out: &mut dyn FnMut(&[&str])) {
        self.traversals(&mut |name, ops, _| {
            // what names a referenceable object: three names at most
            // (`data.aws_ami.ubuntu`, `var.x`, `aws_vpc.main`)
            let mut path = [name, "", ""];
            let mut len = 1;
            for op in ops {
                if len == path.len() {
                    break;
                }
                match op {
                    TraversalOp::GetAttr(a) => path[len] = a.as_str(),
                    TraversalOp::Index(Expr {
                        kind: ExprKind::Literal(Value::String(s)),
                        ..
                    }) if len == 1 => path[len] = s,
                    _ => break,
                }
                len += 1;
            }
            out(&path[..len]);
        });
    }

    /// Every traversal of a named value the expression makes: the name, the
    /// operations that follow it (`aws_vpc.main[0].id` → `aws_vpc`,
    /// `.main`, `[0]`, `.id`) and the traversal's range. Names bound by
    /// `for` expressions are excluded.
    pub fn traversals(&self, out: &mut dyn FnMut(&str, &[TraversalOp], Range)) {
        let mut bound = Vec::new();
        self.walk_traversals(&mut bound, out);
    }

    fn walk_traversals<'a>(
        &'a self,
        bound: &mut Vec<&'a str>,
        out: &mut dyn FnMut(&str, &[TraversalOp], Range),
    ) {
        match &self.kind {
            ExprKind::Literal(_) => {}
            ExprKind::Template(parts) => template_traversals(parts, bound, out),
            ExprKind::Tuple(items) => items.iter().for_each(|e| e.walk_traversals(bound, out)),
            ExprKind::Object(items) => {
                for (k, v) in items {
                    if let ObjectKey::Expr(k) = k {
                        k.walk_traversals(bound, out);
                    }
                    v.walk_traversals(bound, out);
                }
            }
            ExprKind::Variable(name) => {
                if !bound.contains(&name.as_str()) {
                    out(name.as_str(), &[], self.range);
                }
            }
            ExprKind::Traversal(base, ops) => {
                match &base.kind {
                    ExprKind::Variable(name) => {
                        if !bound.contains(&name.as_str()) {
                            out(name.as_str(), ops, self.range);
                        }
                    }
                    _ => base.walk_traversals(bound, out),
                }
                for op in ops {
                    if let TraversalOp::Index(e) = op {
                        e.walk_traversals(bound, out);
                    }
                }
            }
            ExprKind::Call(call) => call.args.iter().for_each(|e| e.walk_traversals(bound, out)),
            ExprKind::Conditional(parts) => {
                parts.iter().for_each(|e| e.walk_traversals(bound, out))
            }
            ExprKind::Unary(_, e) => e.walk_traversals(bound, out),
            ExprKind::Binary(_, parts) => parts.iter().for_each(|e| e.walk_traversals(bound, out)),
            ExprKind::For(f) => {
                f.collection.walk_traversals(bound, out);
                let mark = bound.len();
                bound.extend(f.key_var.iter().map(|k| k.as_str()));
                bound.push(f.value_var.as_str());
                for e in [f.key_expr.as_ref(), Some(&f.value_expr), f.cond.as_ref()]
                    .into_iter()
                    .flatten()
                {
                    e.walk_traversals(bound, out);
                }
                bound.truncate(mark);
            }
        }
    }
}

fn template_traversals<'a>(
    parts: &'a [TemplatePart],
    bound: &mut Vec<&'a str>,
    out: &mut dyn FnMut(&str, &[TraversalOp], Range),
) {
    for part in parts {
        match part {
            TemplatePart::Literal(_) => {}
            TemplatePart::Interpolation(e) => e.walk_traversals(bound, out),
            TemplatePart::If(directive) => {
                let IfDirective {
                    cond,
                    then,
                    otherwise,
                } = &**directive;
                cond.walk_traversals(bound, out);
                template_traversals(then, bound, out);
                template_traversals(otherwise, bound, out);
            }
            TemplatePart::For(directive) => {
                let ForDirective {
                    key_var,
                    value_var,
                    collection,
                    body,
                } = &**directive;
                collection.walk_traversals(bound, out);
                let mark = bound.len();
                bound.extend(key_var.iter().map(|k| k.as_str()));
                bound.push(value_var.as_str());
                template_traversals(body, bound, out);
                bound.truncate(mark);
            }
        }
    }
}

impl Body {
    /// References made anywhere in the body, nested blocks included.
    pub fn references(&self, out: &mut dyn FnMut(&[&str])) {
        for a in &self.attributes {
            a.expr.references(out);
        }
        for b in &self.blocks {
            b.body.references(out);
        }
    }
}

/// Gives every node of an expression parsed from another text (a JSON
/// string, a template file) one range in the current file: offsets inside
/// that text do not map to the file (escapes, other files).
pub fn relocate(mut expr: Expr, range: Range) -> Expr {
    map_ranges(&mut expr, &|_| range);
    expr
}

/// Replaces every range of an expression (its nodes', its template
/// parts') by what `f` makes of it.
pub fn map_ranges(e: &mut Expr, f: &dyn Fn(Range) -> Range) {
    visit_mut(e, &mut |node| node.range = f(node.range));
}

/// Calls `f` on every node of an expression — those inside its template
/// parts too — each after the nodes inside it.
pub fn visit_mut(e: &mut Expr, f: &mut dyn FnMut(&mut Expr)) {
    fn visit_part(p: &mut TemplatePart, f: &mut dyn FnMut(&mut Expr)) {
        match p {
            TemplatePart::Literal(_) => {}
            TemplatePart::Interpolation(e) => visit_mut(e, f),
            TemplatePart::If(directive) => {
                let IfDirective {
                    cond,
                    then,
                    otherwise,
                } = &mut **directive;
                visit_mut(cond, f);
                then.iter_mut().for_each(|p| visit_part(p, f));
                otherwise.iter_mut().for_each(|p| visit_part(p, f));
            }
            TemplatePart::For(directive) => {
                let ForDirective {
                    collection, body, ..
                } = &mut **directive;
                visit_mut(collection, f);
                body.iter_mut().for_each(|p| visit_part(p, f));
            }
        }
    }
    match &mut e.kind {
        ExprKind::Template(parts) => parts.iter_mut().for_each(|p| visit_part(p, f)),
        ExprKind::Tuple(items) => items.iter_mut().for_each(|i| visit_mut(i, f)),
        ExprKind::Object(items) => items.iter_mut().for_each(|(k, v)| {
            if let ObjectKey::Expr(k) = k {
                visit_mut(k, f);
            }
            visit_mut(v, f)
        }),
        ExprKind::Traversal(base, ops) => {
            visit_mut(base, f);
            for op in ops {
                if let TraversalOp::Index(i) = op {
                    visit_mut(i, f);
                }
            }
        }
        ExprKind::Call(c) => c.args.iter_mut().for_each(|a| visit_mut(a, f)),
        ExprKind::Conditional(parts) => parts.iter_mut().for_each(|p| visit_mut(p, f)),
        ExprKind::Unary(_, e) => visit_mut(e, f),
        ExprKind::Binary(_, parts) => parts.iter_mut().for_each(|p| visit_mut(p, f)),
        ExprKind::For(fe) => {
            visit_mut(&mut fe.collection, f);
            visit_mut(&mut fe.value_expr, f);
            if let Some(k) = &mut fe.key_expr {
                visit_mut(k, f);
            }
            if let Some(c) = &mut fe.cond {
                visit_mut(c, f);
            }
        }
        ExprKind::Literal(_) | ExprKind::Variable(_) => {}
    }
    f(e);
}

impl Body {
    /// Replaces every range of a body (attributes, blocks, expressions) by
    /// what `f` makes of it.
    pub fn map_ranges(&mut self, f: &dyn Fn(Range) -> Range) {
        for attr in &mut self.attributes {
            attr.range = f(attr.range);
            map_ranges(&mut attr.expr, f);
        }
        for block in &mut self.blocks {
            block.range = f(block.range);
            block.body.map_ranges(f);
        }
    }
}
