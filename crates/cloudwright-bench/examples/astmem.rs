use cloudwright_terraform::syntax::*;
use std::collections::BTreeMap;
use std::mem::size_of;
fn rss() -> f64 {
    let st = std::fs::read_to_string("/proc/self/status").unwrap();
    st.lines()
        .find(|l| l.starts_with("VmRSS"))
        .unwrap()
        .split_whitespace()
        .nth(1)
        .unwrap()
        .parse::<f64>()
        .unwrap()
        / 1024.0
}
fn walk(d: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(d).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            walk(&p, out)
        } else if p.extension().is_some_and(|x| x == "tf")
            && p.to_string_lossy().contains("/modules/")
        {
            out.push(p)
        }
    }
}
#[derive(Default)]
struct Acc(BTreeMap<&'static str, (usize, usize, usize)>); // bytes used, bytes cap, count
impl Acc {
    fn add(&mut self, k: &'static str, used: usize, cap: usize) {
        let e = self.0.entry(k).or_default();
        e.0 += used;
        e.1 += cap;
        e.2 += 1;
    }
}
fn name(a: &mut Acc, n: &Name) {
    if n.len() > 24 {
        a.add("long names", n.len(), n.len());
    }
}
fn value(a: &mut Acc, v: &cloudwright_model::Value) {
    if let cloudwright_model::Value::String(s) = v {
        a.add("literal strings", 16 + s.len(), 16 + s.len());
    }
}
fn body(a: &mut Acc, b: &Body) {
    a.add(
        "attribute vecs",
        b.attributes.len() * size_of::<Attribute>(),
        b.attributes.capacity() * size_of::<Attribute>(),
    );
    a.add(
        "block vecs",
        b.blocks.len() * size_of::<Block>(),
        b.blocks.capacity() * size_of::<Block>(),
    );
    for at in &b.attributes {
        name(a, &at.name);
        expr(a, &at.expr);
    }
    for bl in &b.blocks {
        a.add("labels", bl.labels.len() * 24, bl.labels.capacity() * 24);
        body(a, &bl.body);
    }
}
fn parts(a: &mut Acc, ps: &Vec<TemplatePart>) {
    a.add(
        "template part vecs",
        ps.len() * size_of::<TemplatePart>(),
        ps.capacity() * size_of::<TemplatePart>(),
    );
    for p in ps {
        match p {
            TemplatePart::Literal(s) => a.add("template literal strings", s.len(), s.capacity()),
            TemplatePart::Interpolation(e) => expr(a, e),
            TemplatePart::If {
                cond,
                then,
                otherwise,
            } => {
                expr(a, cond);
                parts(a, then);
                parts(a, otherwise);
            }
            TemplatePart::For {
                collection, body, ..
            } => {
                expr(a, collection);
                parts(a, body);
            }
        }
    }
}
fn expr(a: &mut Acc, e: &Expr) {
    match &e.kind {
        ExprKind::Literal(v) => value(a, v),
        ExprKind::Template(ps) => parts(a, ps),
        ExprKind::Tuple(items) => {
            a.add("tuple vecs", items.len() * 40, items.capacity() * 40);
            items.iter().for_each(|i| expr(a, i));
        }
        ExprKind::Object(items) => {
            let s = size_of::<(ObjectKey, Expr)>();
            a.add("object vecs", items.len() * s, items.capacity() * s);
            for (k, v) in items {
                if let ObjectKey::Expr(k) = k {
                    expr(a, k)
                } else if let ObjectKey::Ident(n) = k {
                    name(a, n)
                }
                expr(a, v);
            }
        }
        ExprKind::Variable(n) => name(a, n),
        ExprKind::Traversal(b, ops) => {
            a.add("traversal boxes", 40, 40);
            expr(a, b);
            a.add("traversal op vecs", ops.len() * 40, ops.capacity() * 40);
            for o in ops {
                if let TraversalOp::Index(i) = o {
                    expr(a, i)
                }
            }
        }
        ExprKind::Call(c) => {
            a.add("call boxes", size_of::<Call>(), size_of::<Call>());
            a.add("call arg vecs", c.args.len() * 40, c.args.capacity() * 40);
            c.args.iter().for_each(|i| expr(a, i));
        }
        ExprKind::Conditional(p) => {
            a.add("conditional boxes", 120, 120);
            p.iter().for_each(|i| expr(a, i));
        }
        ExprKind::Unary(_, b) => {
            a.add("unary boxes", 40, 40);
            expr(a, b);
        }
        ExprKind::Binary(_, p) => {
            a.add("binary boxes", 80, 80);
            p.iter().for_each(|i| expr(a, i));
        }
        ExprKind::For(f) => {
            a.add("for boxes", size_of::<ForExpr>(), size_of::<ForExpr>());
            expr(a, &f.collection);
            expr(a, &f.value_expr);
            if let Some(k) = &f.key_expr {
                expr(a, k)
            }
            if let Some(c) = &f.cond {
                expr(a, c)
            }
        }
    }
}
fn main() {
    let dir = std::env::args().nth(1).unwrap();
    let mut files = Vec::new();
    walk(std::path::Path::new(&dir), &mut files);
    let texts: Vec<String> = files
        .iter()
        .map(|f| std::fs::read_to_string(f).unwrap())
        .collect();
    let bytes: usize = texts.iter().map(|t| t.len()).sum();
    let before = rss();
    let bodies: Vec<_> = texts
        .iter()
        .map(|t| cloudwright_terraform::hcl::parse_body(t).unwrap())
        .collect();
    let after = rss();
    println!(
        "{} files, {:.1} MB source; ASTs {:.1} MB resident ({:.1}x)",
        bodies.len(),
        bytes as f64 / 1e6,
        after - before,
        (after - before) * 1.048576e6 / bytes as f64
    );
    let mut a = Acc::default();
    for b in &bodies {
        body(&mut a, b);
    }
    let (mut u, mut c, mut n) = (0, 0, 0);
    for (k, (used, cap, count)) in &a.0 {
        println!(
            "{k:<26} used {:>6.1} MB  capacity {:>6.1} MB  blocks {count}",
            *used as f64 / 1e6,
            *cap as f64 / 1e6
        );
        u += used;
        c += cap;
        n += count;
    }
    println!(
        "total used {:.1} MB capacity {:.1} MB blocks {n}",
        u as f64 / 1e6,
        c as f64 / 1e6
    );
}
