//! What the syntax trees of module files hold: parses every `.tf` file
//! below a `modules/` directory of DIR, keeps the trees, and prints the
//! resident memory they added beside the bytes their lists use and
//! reserve, by kind of list or node. The trees of a module's files are
//! kept while roots call it, so this is memory a load holds.
//!
//! ```sh
//! cargo run --release -p cloudwright-bench --example syntax_memory -- bench/out/example600
//! ```
//!
//! (An example, not the harness: it runs with the system allocator, and
//! counts the sizes asked for, not what the allocator rounds them to.)

use cloudwright_model::Value;
use cloudwright_terraform::syntax::{
    Attribute, Block, Body, Call, Expr, ExprKind, ForDirective, ForExpr, IfDirective, ObjectKey,
    TemplatePart, TraversalOp,
};
use std::collections::BTreeMap;
use std::mem::size_of;
use std::path::{Path, PathBuf};

/// Bytes used, bytes reserved and how many lists or nodes, by kind.
#[derive(Default)]
struct Tally(BTreeMap<&'static str, (usize, usize, usize)>);

impl Tally {
    fn add(&mut self, kind: &'static str, used: usize, reserved: usize) {
        let entry = self.0.entry(kind).or_default();
        entry.0 += used;
        entry.1 += reserved;
        entry.2 += 1;
    }

    fn list<T>(&mut self, kind: &'static str, list: &Vec<T>) {
        self.add(
            kind,
            list.len() * size_of::<T>(),
            list.capacity() * size_of::<T>(),
        );
    }

    fn boxed<T>(&mut self, kind: &'static str) {
        self.add(kind, size_of::<T>(), size_of::<T>());
    }

    fn body(&mut self, body: &Body) {
        self.list("arguments (Attribute)", &body.attributes);
        self.list("blocks (Block)", &body.blocks);
        for attribute in &body.attributes {
            self.expr(&attribute.expr);
        }
        for block in &body.blocks {
            self.list("labels", &block.labels);
            self.body(&block.body);
        }
    }

    fn parts(&mut self, parts: &Vec<TemplatePart>) {
        self.list("template parts", parts);
        for part in parts {
            match part {
                TemplatePart::Literal(s) => self.add("template text", s.len(), s.capacity()),
                TemplatePart::Interpolation(e) => self.expr(e),
                TemplatePart::If(d) => {
                    self.boxed::<IfDirective>("template ifs (boxed)");
                    self.expr(&d.cond);
                    self.parts(&d.then);
                    self.parts(&d.otherwise);
                }
                TemplatePart::For(d) => {
                    self.boxed::<ForDirective>("template fors (boxed)");
                    self.expr(&d.collection);
                    self.parts(&d.body);
                }
            }
        }
    }

    fn expr(&mut self, e: &Expr) {
        match &e.kind {
            ExprKind::Literal(Value::String(s)) => {
                self.add("literal strings", 16 + s.len(), 16 + s.len())
            }
            ExprKind::Literal(_) | ExprKind::Variable(_) => {}
            ExprKind::Template(parts) => self.parts(parts),
            ExprKind::Tuple(items) => {
                self.list("tuple items", items);
                items.iter().for_each(|i| self.expr(i));
            }
            ExprKind::Object(members) => {
                self.list("object members", members);
                for (key, value) in members {
                    if let ObjectKey::Expr(key) = key {
                        self.expr(key);
                    }
                    self.expr(value);
                }
            }
            ExprKind::Traversal(base, ops) => {
                self.boxed::<Expr>("traversal bases (boxed)");
                self.expr(base);
                self.list("traversal steps", ops);
                for op in ops {
                    if let TraversalOp::Index(i) = op {
                        self.expr(i);
                    }
                }
            }
            ExprKind::Call(call) => {
                self.boxed::<Call>("calls (boxed)");
                self.list("call arguments", &call.args);
                call.args.iter().for_each(|a| self.expr(a));
            }
            ExprKind::Conditional(parts) => {
                self.boxed::<[Expr; 3]>("conditionals (boxed)");
                parts.iter().for_each(|p| self.expr(p));
            }
            ExprKind::Unary(_, operand) => {
                self.boxed::<Expr>("unary operands (boxed)");
                self.expr(operand);
            }
            ExprKind::Binary(_, operands) => {
                self.boxed::<[Expr; 2]>("binary operands (boxed)");
                operands.iter().for_each(|o| self.expr(o));
            }
            ExprKind::For(f) => {
                self.boxed::<ForExpr>("for expressions (boxed)");
                let parts = [
                    Some(&f.collection),
                    f.key_expr.as_ref(),
                    Some(&f.value_expr),
                    f.cond.as_ref(),
                ];
                parts.into_iter().flatten().for_each(|p| self.expr(p));
            }
        }
    }
}

fn resident_mb() -> f64 {
    let status = std::fs::read_to_string("/proc/self/status").unwrap_or_default();
    let kb = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .and_then(|l| l.split_whitespace().nth(1)?.parse::<f64>().ok());
    kb.unwrap_or(0.0) / 1024.0
}

fn module_files(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for path in entries.flatten().map(|e| e.path()) {
        if path.is_dir() {
            module_files(&path, out);
        } else if path.extension().is_some_and(|x| x == "tf")
            && path.components().any(|c| c.as_os_str() == "modules")
        {
            out.push(path);
        }
    }
}

fn main() {
    let Some(dir) = std::env::args().nth(1) else {
        eprintln!("usage: syntax_memory DIR");
        std::process::exit(2);
    };
    let mut files = Vec::new();
    module_files(Path::new(&dir), &mut files);
    let texts: Vec<String> = files
        .iter()
        .filter_map(|f| std::fs::read_to_string(f).ok())
        .collect();
    let bytes: usize = texts.iter().map(String::len).sum();
    let before = resident_mb();
    let trees: Vec<Body> = texts
        .iter()
        .filter_map(|t| cloudwright_terraform::hcl::parse_body(t).ok())
        .collect();
    let added = resident_mb() - before;
    println!(
        "{} module files, {:.1} MB of text: their trees {:.1} MB resident ({:.1} times the text)",
        trees.len(),
        bytes as f64 / 1e6,
        added,
        added * 1.048_576e6 / bytes.max(1) as f64
    );
    println!(
        "(a node: Expr {} bytes, Attribute {}, Block {}, TemplatePart {}, TraversalOp {})",
        size_of::<Expr>(),
        size_of::<Attribute>(),
        size_of::<Block>(),
        size_of::<TemplatePart>(),
        size_of::<TraversalOp>()
    );
    let mut tally = Tally::default();
    trees.iter().for_each(|t| tally.body(t));
    let (mut used, mut reserved) = (0, 0);
    println!(
        "{:<28} {:>9} {:>9} {:>9}",
        "", "used MB", "held MB", "count"
    );
    for (kind, (u, r, n)) in &tally.0 {
        println!(
            "{kind:<28} {:>9.1} {:>9.1} {n:>9}",
            *u as f64 / 1e6,
            *r as f64 / 1e6
        );
        used += u;
        reserved += r;
    }
    println!(
        "{:<28} {:>9.1} {:>9.1}",
        "all",
        used as f64 / 1e6,
        reserved as f64 / 1e6
    );
}
