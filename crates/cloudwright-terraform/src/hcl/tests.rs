//! The parser on the syntax HCL defines, written compactly: every tree is
//! rendered as a short string (`(a + b)`, `f(x...)`, `tpl("x", ${y})`) and
//! compared exactly. `tests/hcl_differential.rs` compares whole files with
//! `hcl-edit`.

use super::*;
use crate::syntax::*;
use cloudwright_model::Value;

fn show(e: &Expr) -> String {
    match &e.kind {
        ExprKind::Literal(v) => match v {
            Value::String(s) => format!("{:?}", s.as_ref()),
            Value::Number(n) => n.to_string(),
            Value::Bool(b) => b.to_string(),
            Value::Null => "null".into(),
            other => format!("{other:?}"),
        },
        ExprKind::Variable(name) => name.to_string(),
        ExprKind::Template(parts) => format!("tpl({})", show_parts(parts)),
        ExprKind::Tuple(items) => format!("[{}]", list(items)),
        ExprKind::Object(items) => {
            let items: Vec<String> = items
                .iter()
                .map(|(k, v)| match k {
                    ObjectKey::Ident(name) => format!("{name} = {}", show(v)),
                    ObjectKey::Expr(k) => format!("({}) = {}", show(k), show(v)),
                })
                .collect();
            format!("{{{}}}", items.join(", "))
        }
        ExprKind::Traversal(base, ops) => {
            let mut out = show(base);
            for op in ops {
                match op {
                    TraversalOp::GetAttr(name) => out += &format!(".{name}"),
                    TraversalOp::Index(i) => out += &format!("[{}]", show(i)),
                    TraversalOp::FullSplat => out += "[*]",
                    TraversalOp::AttrSplat => out += ".*",
                }
            }
            out
        }
        ExprKind::Call(call) => format!(
            "{}({}{})",
            call.name,
            list(&call.args),
            if call.expand_final { "..." } else { "" }
        ),
        ExprKind::Conditional(parts) => format!(
            "({} ? {} : {})",
            show(&parts[0]),
            show(&parts[1]),
            show(&parts[2])
        ),
        ExprKind::Unary(op, e) => format!(
            "({}{})",
            if *op == UnaryOp::Not { "!" } else { "-" },
            show(e)
        ),
        ExprKind::Binary(op, parts) => {
            let op = match op {
                BinaryOp::Eq => "==",
                BinaryOp::NotEq => "!=",
                BinaryOp::Lt => "<",
                BinaryOp::LtEq => "<=",
                BinaryOp::Gt => ">",
                BinaryOp::GtEq => ">=",
                BinaryOp::And => "&&",
                BinaryOp::Or => "||",
                BinaryOp::Add => "+",
                BinaryOp::Sub => "-",
                BinaryOp::Mul => "*",
                BinaryOp::Div => "/",
                BinaryOp::Mod => "%",
            };
            format!("({} {op} {})", show(&parts[0]), show(&parts[1]))
        }
        ExprKind::For(f) => {
            let vars = match &f.key_var {
                Some(k) => format!("{k}, {}", f.value_var),
                None => f.value_var.to_string(),
            };
            let body = match &f.key_expr {
                Some(k) => format!("{} => {}", show(k), show(&f.value_expr)),
                None => show(&f.value_expr),
            };
            let group = if f.grouping { "..." } else { "" };
            let cond = f
                .cond
                .as_ref()
                .map(|c| format!(" if {}", show(c)))
                .unwrap_or_default();
            let (open, close) = if f.key_expr.is_some() {
                ("{", "}")
            } else {
                ("[", "]")
            };
            format!(
                "{open}for {vars} in {} : {body}{group}{cond}{close}",
                show(&f.collection)
            )
        }
    }
}

fn list(items: &[Expr]) -> String {
    items.iter().map(show).collect::<Vec<_>>().join(", ")
}

fn show_parts(parts: &[TemplatePart]) -> String {
    parts
        .iter()
        .map(|p| match p {
            TemplatePart::Literal(s) => format!("{s:?}"),
            TemplatePart::Interpolation(e) => format!("${{{}}}", show(e)),
            TemplatePart::If(d) => format!(
                "if({}){{{}}}else{{{}}}",
                show(&d.cond),
                show_parts(&d.then),
                show_parts(&d.otherwise)
            ),
            TemplatePart::For(d) => format!(
                "for({}{} in {}){{{}}}",
                d.key_var
                    .as_ref()
                    .map(|k| format!("{k}, "))
                    .unwrap_or_default(),
                d.value_var,
                show(&d.collection),
                show_parts(&d.body)
            ),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

/// The value of `x` in a one-argument body.
fn value(text: &str) -> String {
    let body = parse_body(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}"));
    show(&body.attributes[0].expr)
}

fn expr(text: &str) -> String {
    show(&parse_expr(text).unwrap_or_else(|e| panic!("{text:?}: {e:?}")))
}

/// The error message and its line:column (one-based).
fn error(text: &str) -> (String, (usize, usize)) {
    let e = parse_body(text).expect_err(text);
    let before = &text[..e.offset];
    let line = before.matches('\n').count() + 1;
    let column = before.len() - before.rfind('\n').map_or(0, |i| i + 1) + 1;
    (e.message, (line, column))
}

#[test]
fn blocks_labels_arguments_and_their_ranges() {
    let text = "resource \"aws_s3_bucket\" logs {\n  bucket = \"x\" # why\n  versioning {\n    enabled = true\n  }\n}\n";
    let body = parse_body(text).unwrap();
    let block = &body.blocks[0];
    assert_eq!(block.kind, "resource");
    assert_eq!(block.labels, ["aws_s3_bucket", "logs"]);
    let r = block.range;
    assert_eq!(
        &text[r.start as usize..r.end as usize],
        &text[..text.len() - 1]
    );
    let attr = &block.body.attributes[0];
    let r = attr.range;
    assert_eq!(&text[r.start as usize..r.end as usize], "bucket = \"x\"");
    let r = attr.expr.range;
    assert_eq!(&text[r.start as usize..r.end as usize], "\"x\"");
    assert_eq!(block.body.blocks[0].kind, "versioning");
    assert_eq!(show(&block.body.blocks[0].body.attributes[0].expr), "true");
}

#[test]
fn single_line_and_empty_blocks() {
    let body = parse_body("a { b = 1 }\nc {}\nd \"x\" {\n}\n").unwrap();
    assert_eq!(body.blocks.len(), 3);
    assert_eq!(show(&body.blocks[0].body.attributes[0].expr), "1");
    assert!(body.blocks[1].body.attributes.is_empty());
    assert_eq!(body.blocks[2].labels, ["x"]);
}

#[test]
fn comments_of_every_kind() {
    let text =
        "# hash\n// slashes\n/* a block\n   over lines */ x = 1 /* inline */ // trailing\ny = 2 # end";
    let body = parse_body(text).unwrap();
    let names: Vec<_> = body.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["x", "y"]);
}

#[test]
fn operators_bind_by_precedence_and_associate_left() {
    assert_eq!(expr("1 + 2 * 3"), "(1 + (2 * 3))");
    assert_eq!(expr("10 - 4 - 3"), "((10 - 4) - 3)");
    assert_eq!(expr("a || b && c == d"), "(a || (b && (c == d)))");
    assert_eq!(expr("x < 3 == y >= 4"), "((x < 3) == (y >= 4))");
    assert_eq!(expr("!a && -b.c > 1 % 2"), "((!a) && ((-b.c) > (1 % 2)))");
    assert_eq!(expr("(1 + 2) * 3"), "((1 + 2) * 3)");
    assert_eq!(expr("-5"), "-5");
    assert_eq!(expr("a ? b : c ? d : e"), "(a ? b : (c ? d : e))");
    assert_eq!(expr("1.5e3 / 0.25"), "(1500 / 0.25)");
}

#[test]
fn a_newline_ends_an_argument_but_not_a_bracketed_expression() {
    let body = parse_body("a = b\n-c = 1\n").unwrap_err();
    assert!(body.message.contains("argument name"), "{body:?}");
    assert_eq!(value("x = [\n  1,\n  2\n]\n"), "[1, 2]");
    assert_eq!(value("x = f(\n  a,\n  b,\n)\n"), "f(a, b)");
    assert_eq!(value("x = (\n  a\n  + b\n)\n"), "(a + b)");
    assert_eq!(value("x = a ? b :\n  c\n"), "(a ? b : c)");
}

#[test]
fn traversals_splats_and_legacy_indexes() {
    assert_eq!(expr("aws_subnet.a[0].id"), "aws_subnet.a[0].id");
    assert_eq!(expr("module.vpc.subnets.0"), "module.vpc.subnets[0]");
    assert_eq!(expr("a[*].b"), "a[*].b");
    assert_eq!(expr("a.*.b"), "a.*.b");
    assert_eq!(expr("(a.b).c"), "a.b.c");
    assert_eq!(expr("each.value[\"k\"]"), "each.value[\"k\"]");
    assert_eq!(expr("f(x)[0]"), "f(x)[0]");
}

#[test]
fn function_calls() {
    assert_eq!(expr("merge(a, b...)"), "merge(a, b...)");
    assert_eq!(expr("timestamp()"), "timestamp()");
    assert_eq!(
        expr("provider::aws::arn_parse(x)"),
        "provider::aws::arn_parse(x)"
    );
    assert_eq!(expr("lookup(m, \"k\", null)"), "lookup(m, \"k\", null)");
}

#[test]
fn collections_and_for_expressions() {
    assert_eq!(
        value("x = {\n  a = 1\n  \"b\" = 2, c: 3,\n  (var.k) = 4\n}\n"),
        "{a = 1, (\"b\") = 2, c = 3, (var.k) = 4}"
    );
    assert_eq!(expr("[]"), "[]");
    assert_eq!(expr("{}"), "{}");
    assert_eq!(expr("[1, \"two\", [3],]"), "[1, \"two\", [3]]");
    assert_eq!(
        expr("[for s in var.subnets : s.id if s.public]"),
        "[for s in var.subnets : s.id if s.public]"
    );
    assert_eq!(
        expr("{ for k, v in var.m : v.team => k... }"),
        "{for k, v in var.m : v.team => k...}"
    );
    assert_eq!(
        expr("{for i, x in xs : x => i if i > 0}"),
        "{for i, x in xs : x => i if (i > 0)}"
    );
    assert_eq!(
        expr("[for x in [for y in ys : y] : x]"),
        "[for x in [for y in ys : y] : x]"
    );
}

#[test]
fn quoted_strings_escapes_and_literal_template_sequences() {
    assert_eq!(expr(r#""plain""#), "\"plain\"");
    assert_eq!(
        expr(r#""a\n\t\"\\\u00e9\U0001F600""#),
        format!("{:?}", "a\n\t\"\\é😀")
    );
    assert_eq!(expr(r#""$${not} %%{not}""#), "\"${not} %{not}\"");
    assert_eq!(expr(r#""$5 and 100%""#), "\"$5 and 100%\"");
    assert_eq!(expr(r#""""#), "\"\"");
}

#[test]
fn templates_interpolations_directives_and_strip_markers() {
    assert_eq!(expr(r#""${var.x}""#), "tpl(${var.x})");
    assert_eq!(
        expr(r#""arn:${p}:s3:::${b}/*""#),
        "tpl(\"arn:\", ${p}, \":s3:::\", ${b}, \"/*\")"
    );
    assert_eq!(expr(r#""a ${~ x ~} b""#), "tpl(\"a\", ${x}, \"b\")");
    assert_eq!(
        expr(r#""%{ if x }yes%{ else }no%{ endif }!""#),
        "tpl(if(x){\"yes\"}else{\"no\"}, \"!\")"
    );
    assert_eq!(
        expr(r#""%{ for k, v in m ~} ${k}=${v} %{~ endfor }""#),
        "tpl(for(k, v in m){${k}, \"=\", ${v}})"
    );
    assert_eq!(
        expr(r#""${ "inner ${x}" }""#),
        "tpl(${tpl(\"inner \", ${x})})"
    );
}

#[test]
fn heredocs_as_the_hcl_spec_suite_reads_them() {
    let normal = "x = <<EOT\n    Foo\n      Bar\n    Baz\n  EOT\n";
    assert_eq!(value(normal), "tpl(\"    Foo\\n      Bar\\n    Baz\\n\")");
    let flush = "x = <<-EOT\n    Foo\n      Bar\n    Baz\n  EOT\n";
    assert_eq!(value(flush), "tpl(\"Foo\\n  Bar\\nBaz\\n\")");
    let less = "x = <<-EOT\n    Foo\n  Bar\n    Baz\n  EOT\n";
    assert_eq!(value(less), "tpl(\"  Foo\\nBar\\n  Baz\\n\")");
    let tabs = "x = <<-EOT\n\tFoo\n  Bar\n  Baz\n  EOT\n";
    assert_eq!(value(tabs), "tpl(\"Foo\\n Bar\\n Baz\\n\")");
    let blank_lines = "x = <<-EOT\n    Foo\n\n    Bar\n  EOT\n";
    assert_eq!(value(blank_lines), "tpl(\"Foo\\n\\nBar\\n\")");
    let interp = "x = <<-EOT\n    Foo\n  ${bar}\n    Baz\n  EOT\n";
    assert_eq!(value(interp), "tpl(\"  Foo\\n\", ${bar}, \"\\n  Baz\\n\")");
    let suffix = "x = <<EOT\n    NOT EOT\n  EOT\n";
    assert_eq!(value(suffix), "tpl(\"    NOT EOT\\n\")");
    let empty = "x = <<EOT\nEOT\ny = 1\n";
    assert_eq!(value(empty), "tpl()");
    let directive = "x = <<-EOT\n    %{ for s in xs ~}\n    - ${s}\n    %{ endfor ~}\n  EOT\n";
    assert_eq!(value(directive), "tpl(for(s in xs){\"- \", ${s}, \"\\n\"})");
    let escapes = "x = <<EOT\nno \\n escape, $${literal}\nEOT\n";
    assert_eq!(value(escapes), "tpl(\"no \\\\n escape, ${literal}\\n\")");
}

#[test]
fn bare_templates_and_single_expressions() {
    let parts = parse_template("Hello ${name}!\n%{ if admin }root%{ endif }").unwrap();
    assert_eq!(
        show_parts(&parts),
        "\"Hello \", ${name}, \"!\\n\", if(admin){\"root\"}else{}"
    );
    assert_eq!(
        show_parts(&parse_template("C:\\path\\n").unwrap()),
        "\"C:\\\\path\\\\n\""
    );
    assert_eq!(expr("  list(string)\n"), "list(string)");
    assert!(parse_expr("a b").is_err());
}

#[test]
fn syntax_errors_are_located_and_explained() {
    let cases: &[(&str, &str, (usize, usize))] = &[
        (
            "a {\n  x = \n}\n",
            "expected an expression, found a newline",
            (2, 7),
        ),
        ("x = \"abc\n", "a quoted string cannot span lines", (1, 9)),
        ("x = \"abc", "this string is never closed", (1, 9)),
        (
            "a \"b\" {\n  x = 1\n",
            "this block's `{` is never closed",
            (1, 7),
        ),
        ("x = 1 y = 2\n", "unexpected `y`", (1, 7)),
        ("x = \"\\q\"\n", "unknown escape sequence", (1, 6)),
        ("x = <<EOT\nabc\n", "this heredoc is never closed", (1, 5)),
        (
            "x = \"%{ endif }\"\n",
            "%{ endif } without a matching %{ if }",
            (1, 6),
        ),
        (
            "x = \"%{ if a }b\"\n",
            "this %{ if } is never closed",
            (1, 6),
        ),
        (
            "x = \"%{ for a in b }c%{ endif }\"\n",
            "expected %{ endfor }",
            (1, 22),
        ),
        (
            "x = [1, 2\ny = 3\n",
            "expected `,` or `]` in the list, found `y`",
            (2, 1),
        ),
        ("x = f(1 2)\n", "expected `,` or `)`", (1, 9)),
        (
            "/* open\nx = 1\n",
            "this `/*` comment is never closed",
            (1, 1),
        ),
        (
            "a { b {} }\n",
            "a block on a single line may hold one argument only",
            (1, 5),
        ),
        (
            "x = 1\n= 2\n",
            "expected an argument name or a block type, found `=`",
            (2, 1),
        ),
        (
            "resource \"a\" \"${b}\" {\n}\n",
            "a block label is a plain string",
            (1, 14),
        ),
        ("x = a.\n", "expected an attribute name after `.`", (1, 7)),
        (
            "x = \"\\u12\"\n",
            "`\\u` needs 4 hexadecimal digits",
            (1, 6),
        ),
    ];
    for (text, message, at) in cases {
        let (got, position) = error(text);
        assert!(got.contains(message), "{text:?}: {got:?}");
        assert_eq!(position, *at, "{text:?}: {got}");
    }
}

#[test]
fn nesting_beyond_the_limit_is_an_error_not_a_stack_overflow() {
    let ok = format!("x = {}1{}\n", "[".repeat(100), "]".repeat(100));
    assert!(parse_body(&ok).is_ok());
    for deep in [
        format!("x = {}1{}\n", "[".repeat(200), "]".repeat(200)),
        format!("x = {}1{}\n", "(".repeat(200), ")".repeat(200)),
        format!("x = {}1\n", "!".repeat(200)),
        format!("x = \"{}\"\n", "%{ if a }".repeat(200)),
        format!("{}\n", "a {\n".repeat(200)),
    ] {
        let e = parse_body(&deep).expect_err("too deep");
        assert!(e.message.contains("nested too deeply"), "{e:?}");
    }
}

#[test]
fn the_skim_finds_module_sources_through_every_construct() {
    let text = r#"
# a module "commented" { source = "../no" }
/* module "x" {
  source = "../no"
} */
terraform {
  required_version = ">= 1.6"
}

resource "aws_s3_bucket" "b" {
  bucket = "${var.name}-}{-${jsonencode({ a = "}" })}"
  policy = <<-EOT
    module "inside_a_heredoc" {
      source = "../no"
    }
    ${ "}" }
  EOT
  tags   = { for k, v in var.tags : k => "${v}}" if v != "{" }
  dynamic "rule" {
    for_each = [1, 2]
    content { id = rule.value }
  }
}

module "network" {
  source     = "../modules/network"
  cidr_block = var.cidr # a comment } with a brace
  azs = [
    "a", "b",
  ]
  ids   = aws_instance.web.*
  count = var.enabled ?
    1 : 0
  providers = {
    aws = aws.west
  }
}

module "one_line" { source = "./one" }

module "registry" {
  source  = "terraform-aws-modules/vpc/aws"
  version = "5.0.0"
}

module "no_source" {
  name = "x"
}
"#;
    let parsed: Vec<String> = parse_body(text)
        .unwrap()
        .blocks_of("module")
        .filter_map(|b| crate::instance::literal_string(b.body.attribute("source")))
        .collect();
    let skimmed = module_sources(text).expect("the skim follows the file");
    assert_eq!(
        skimmed,
        [
            "../modules/network",
            "./one",
            "terraform-aws-modules/vpc/aws"
        ]
    );
    assert_eq!(skimmed, parsed);
}

#[test]
fn the_skim_gives_up_where_only_a_parse_can_tell() {
    for text in [
        // an argument at the top level
        "x = 1\n",
        // a source that is not a plain string
        "module \"m\" {\n  source = \"../${var.dir}\"\n}\n",
        "module \"m\" {\n  source = \"..\\/m\"\n}\n",
        "module \"m\" {\n  source = local.dir\n}\n",
        "module \"m\" {\n  source = \"../a\" + \"b\"\n}\n",
        "module \"m\" {\n  source = \"../a\"\n  source = \"../b\"\n}\n",
        // broken structure
        "module \"m\" {\n  source = \"../a\"\n",
        "resource \"a\" \"b\" {\n  x = [1, 2)\n}\n",
        "resource \"a\" \"b\" {\n  x = \"unclosed\n}\n",
        "resource \"a\" \"b\" {\n  x = <<EOT\nno end\n}\n",
        "resource \"a\" \"b\" {} trailing\n",
        "/* never closed\n",
    ] {
        assert_eq!(module_sources(text), None, "{text:?}");
    }
    // deeply nested template sequences are refused, not a stack overflow
    let deep = format!("a {{\n  x = {}\n}}\n", "\"${".repeat(10_000));
    assert_eq!(module_sources(&deep), None);
}

/// Lines left out, 1-based (first, last), and the block header read.
type LeftOut = (usize, usize, Option<String>);

/// What a recovering parse kept (each top-level item as `kind.labels` or
/// `name =`) and left out.
fn recovered(text: &str) -> (Vec<String>, Vec<LeftOut>) {
    let (body, skipped) = parse_body_recovering(text);
    let mut kept: Vec<(u32, String)> = body
        .blocks
        .iter()
        .map(|b| {
            let mut name = b.kind.to_string();
            for l in &b.labels {
                name.push('.');
                name.push_str(l);
            }
            (b.range.start, name)
        })
        .chain(
            body.attributes
                .iter()
                .map(|a| (a.range.start, format!("{} =", a.name))),
        )
        .collect();
    kept.sort();
    let line = |offset: u32| 1 + text[..offset as usize].matches('\n').count();
    let skipped = skipped
        .iter()
        .map(|s| {
            let header = s.header.as_ref().map(|(kind, labels)| {
                [kind.clone()]
                    .into_iter()
                    .chain(labels.clone())
                    .collect::<Vec<_>>()
                    .join(".")
            });
            (
                line(s.left_out.start),
                line(s.left_out.end.saturating_sub(1).max(s.left_out.start)),
                header,
            )
        })
        .collect();
    (kept.into_iter().map(|(_, n)| n).collect(), skipped)
}

#[test]
fn a_recovering_parse_leaves_out_only_the_blocks_with_errors() {
    // an error inside a block: the blocks before and after it are read
    let text = "a \"x\" {\n  v = 1\n}\n\nresource \"t\" \"bad\" {\n  v = \n}\n\nresource \"t\" \"good\" {\n  v = 2\n}\n";
    assert_eq!(
        recovered(text),
        (
            vec!["a.x".to_string(), "resource.t.good".to_string()],
            vec![(5, 8, Some("resource.t.bad".to_string()))]
        )
    );

    // a block never closed swallows the ones after it; reading resumes at
    // the next line that starts a top-level block
    let text = "resource \"t\" \"open\" {\n  v = 1\n\nresource \"t\" \"next\" {\n  v = 2\n}\noutput \"o\" {\n  value = 1\n}\n";
    assert_eq!(
        recovered(text),
        (
            vec!["resource.t.next".to_string(), "output.o".to_string()],
            vec![(1, 3, Some("resource.t.open".to_string()))]
        )
    );

    // an error on the line of the next block (a call never closed): reading
    // resumes there
    let text = "locals {\n  x = f(1,\n}\nvariable \"v\" {\n}\n";
    let (kept, skipped) = recovered(text);
    assert_eq!(kept, vec!["variable.v".to_string()]);
    assert_eq!(skipped, vec![(1, 3, Some("locals".to_string()))]);
    let text = "locals {\n  x = f(1,\nvariable \"v\" {\n}\n";
    assert_eq!(
        recovered(text),
        (
            vec!["variable.v".to_string()],
            vec![(1, 2, Some("locals".to_string()))]
        )
    );

    // a block read whole but followed by more on its line is left out too
    let text = "locals {\n} b\nterraform {\n}\n";
    assert_eq!(
        recovered(text),
        (
            vec!["terraform".to_string()],
            vec![(1, 2, Some("locals".to_string()))]
        )
    );

    // several errors, each reported; an argument named by its name, a
    // line that reads as neither by nothing
    let text = "x = = 1\nmodule \"m\" {\n  source = \"./m\"\n}\n}}\nterraform {\n}\n";
    assert_eq!(
        recovered(text),
        (
            vec!["module.m".to_string(), "terraform".to_string()],
            vec![(1, 1, Some("x".to_string())), (5, 5, None)]
        )
    );

    // a `/*` never closed: the rest of the file is inside it
    let text = "a {\n}\n/* note\nb {\n}\n";
    assert_eq!(recovered(text), (vec!["a".to_string()], vec![(3, 5, None)]));

    // without errors, what the strict parse gives
    let text = "a \"x\" {\n  v = [1, 2]\n}\nb = 2\n";
    let (body, skipped) = parse_body_recovering(text);
    assert!(skipped.is_empty());
    let strict = parse_body(text).unwrap();
    assert_eq!(format!("{body:?}"), format!("{strict:?}"));
}

#[test]
fn a_recovering_parse_of_assignments_resumes_at_the_next_name() {
    // `x == 1` and an indented `y =` do not start an assignment
    let text = "a = (1 +\nx == 1\n  y = 2\nb = 2\nc = \"ok\"\n";
    let (body, skipped) = parse_assignments_recovering(text);
    let names: Vec<&str> = body.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["b", "c"]);
    assert_eq!(skipped.len(), 1);
    assert_eq!(skipped[0].header, Some(("a".to_string(), vec![])));
    assert_eq!(
        &text[skipped[0].left_out.start as usize..skipped[0].left_out.end as usize],
        "a = (1 +\nx == 1\n  y = 2\n"
    );
}

#[test]
fn a_recovering_parse_gives_up_after_many_errors() {
    let text: String = (0..200)
        .map(|i| format!("locals {{\n  x{i} = <<EOT\n}}\n"))
        .collect();
    let (body, skipped) = parse_body_recovering(&text);
    assert!(body.blocks.is_empty());
    assert_eq!(skipped.len(), MAX_SKIPPED);
    assert_eq!(skipped.last().unwrap().left_out.end as usize, text.len());
}

#[test]
fn the_lists_of_an_item_left_out_do_not_reach_the_items_after_it() {
    // (each list is built on a stack its kind shares: the arguments and
    // blocks the broken block had read, and its lists left open, go with it)
    let text = "resource \"t\" \"bad\" {\n  ok = 1\n  inner {\n    ok = 2\n  }\n  tags = { a = var.x.y, b = [f(1, 2\n}\nresource \"t\" \"good\" {\n  v = [g(3), h.i.j]\n  nested \"n\" {\n    w = { k = l.m[0] }\n  }\n}\nx = 1\n";
    let (body, skipped) = parse_body_recovering(text);
    assert_eq!(skipped.len(), 1);
    assert_eq!(
        skipped[0].header,
        Some(("resource".into(), vec!["t".into(), "bad".into()]))
    );
    let [good] = body.blocks.as_slice() else {
        panic!("{body:?}")
    };
    assert_eq!(good.labels, ["t", "good"]);
    let [v] = good.body.attributes.as_slice() else {
        panic!("{good:?}")
    };
    assert_eq!(show(&v.expr), "[g(3), h.i.j]");
    let [nested] = good.body.blocks.as_slice() else {
        panic!("{good:?}")
    };
    assert_eq!(nested.labels, ["n"]);
    assert_eq!(show(&nested.body.attributes[0].expr), "{k = l.m[0]}");
    let names: Vec<&str> = body.attributes.iter().map(|a| a.name.as_str()).collect();
    assert_eq!(names, ["x"]);
    // each list in a vector of its length
    assert_eq!(good.body.attributes.capacity(), 1);
    assert_eq!(good.labels.capacity(), 2);
}
