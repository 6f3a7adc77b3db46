//! Broken, hostile and absurd input: always diagnostics, never a panic, and
//! everything else in the tree still loads.

use cloudwright_model::{Graph, Severity};
use cloudwright_terraform::{load, LoadOptions};
use proptest::prelude::*;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A fresh directory under the system temp dir, removed on drop.
struct TempTree(PathBuf);

impl TempTree {
    fn new() -> TempTree {
        static N: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "cloudwright-malformed-{}-{}",
            std::process::id(),
            N.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).unwrap();
        TempTree(dir)
    }

    fn write(&self, name: &str, bytes: impl AsRef<[u8]>) -> &Self {
        let path = self.0.join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, bytes).unwrap();
        self
    }

    fn load(&self) -> Graph {
        load(std::slice::from_ref(&self.0), &LoadOptions::default())
    }
}

impl Drop for TempTree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

const GOOD: &str = "resource \"aws_s3_bucket\" \"good\" {\n  bucket = \"fine\"\n}\n";

fn errors(g: &Graph) -> Vec<String> {
    g.diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| d.message.clone())
        .collect()
}

fn example() -> String {
    let p = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../../examples/three-tier/modules/web_app/main.tf");
    std::fs::read_to_string(p).unwrap()
}

#[test]
fn every_truncation_of_a_real_file_loads_without_panic() {
    let text = example();
    let mut cut = 0;
    while cut < text.len() {
        while !text.is_char_boundary(cut) {
            cut += 1;
        }
        let t = TempTree::new();
        t.write("good.tf", GOOD).write("cut.tf", &text[..cut]);
        let g = t.load();
        assert!(g.resource("aws_s3_bucket.good").is_some(), "cut at {cut}");
        cut += 97;
    }
}

#[test]
fn invalid_utf8_is_located() {
    let t = TempTree::new();
    t.write("good.tf", GOOD)
        .write("bad.tf", b"resource \"a\" \"b\" {\n  x = \"\xff\xfe\"\n}\n");
    let g = t.load();
    let d = g
        .diagnostics
        .iter()
        .find(|d| d.message.contains("UTF-8"))
        .expect("utf-8 diagnostic");
    assert_eq!(d.span.map(|s| (s.line, s.column)), Some((2, 8)));
    assert!(g.resource("aws_s3_bucket.good").is_some());
}

#[test]
fn deeply_nested_expressions_are_refused_not_overflowed() {
    let t = TempTree::new();
    let deep = format!(
        "locals {{\n  x = {}1{}\n}}\n",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    let parens = format!(
        "locals {{\n  y = {}1{}\n}}\n",
        "(".repeat(3000),
        ")".repeat(3000)
    );
    let json = format!(
        "{{\"locals\": {{\"z\": {}1{}}}}}",
        "[".repeat(5000),
        "]".repeat(5000)
    );
    t.write("good.tf", GOOD)
        .write("deep.tf", deep)
        .write("parens.tf", parens)
        .write("deep.tf.json", json);
    let g = t.load();
    assert!(errors(&g).len() >= 3, "{:?}", errors(&g));
    assert!(g.resource("aws_s3_bucket.good").is_some());
}

#[test]
fn a_ten_megabyte_string_literal_loads() {
    let t = TempTree::new();
    let big = format!(
        "resource \"aws_ssm_parameter\" \"big\" {{\n  value = \"{}\"\n}}\n",
        "x".repeat(10 * 1024 * 1024)
    );
    t.write("big.tf", big);
    let g = t.load();
    assert!(errors(&g).is_empty());
    assert_eq!(
        g.resource("aws_ssm_parameter.big")
            .unwrap()
            .get("value")
            .unwrap()
            .as_str()
            .unwrap()
            .len(),
        10 * 1024 * 1024
    );
}

#[test]
fn hostile_values_become_errors() {
    let t = TempTree::new();
    t.write(
        "main.tf",
        r#"
locals {
  a = local.b
  b = local.a
}
resource "aws_instance" "many" {
  count = 1000000000
}
resource "aws_instance" "negative" {
  count = -1
}
resource "aws_instance" "both" {
  count    = 1
  for_each = {}
}
resource "aws_instance" "bad_index" {
  ami = ["a"][5]
}
resource "aws_instance" "wide" {
  ami = format("%999999999999s", "x")
  user_data = indent(99999999, "a\nb")
  subnet_id = cidrsubnet("10.0.0.0/8", 4294967297, 1)
}
module "self" {
  source = "./"
}
"#,
    );
    let g = t.load();
    let errs = errors(&g);
    for expected in [
        "dependency cycle",
        "`count` of 1000000000",
        "`count` must be a whole number",
        "cannot be used together",
        "out of range",
        "calls itself",
        "newbits",
    ] {
        assert!(
            errs.iter().any(|e| e.contains(expected)),
            "missing {expected:?} in {errs:#?}"
        );
    }
}

#[test]
fn garbage_and_empty_files_are_diagnosed() {
    let t = TempTree::new();
    t.write("good.tf", GOOD)
        .write("empty.tf", "")
        .write("garbage.tf", [0u8, 159, 146, 150, 7, 255].repeat(100))
        .write("brace.tf", "}}}}{{{{")
        .write(
            "trunc.tf.json",
            "{\"resource\": {\"aws_s3_bucket\": {\"x\": {\"bucket\": \"y\"",
        )
        .write("notobject.tf.json", "[1, 2, 3]");
    let g = t.load();
    assert!(errors(&g).len() >= 4, "{:?}", errors(&g));
    assert!(g.resource("aws_s3_bucket.good").is_some());
}

/// Broken Terragrunt configurations: each said, the rest of the tree read.
#[test]
fn broken_terragrunt_units_are_diagnosed() {
    let t = TempTree::new();
    t.write("good.tf", GOOD)
        .write(
            "mod/main.tf",
            "resource \"aws_sqs_queue\" \"q\" {\n  name = \"q\"\n}\n",
        )
        .write("units/truncated/terragrunt.hcl", "include {\n  path = ")
        .write("units/garbage/terragrunt.hcl", [0u8, 159, 146, 150].repeat(50))
        .write(
            "units/selfread/terragrunt.hcl",
            "locals {\n  me = read_terragrunt_config(\"terragrunt.hcl\")\n}\nterraform {\n  source = \"../../mod\"\n}\n",
        )
        .write(
            "units/outside/terragrunt.hcl",
            "include \"x\" {\n  path = \"/etc/passwd\"\n}\ninclude \"dir\" {\n  path = \".\"\n}\nterraform {\n  source = local.nope\n}\n",
        )
        .write(
            "units/cycle_a/terragrunt.hcl",
            "dependency \"b\" {\n  config_path = \"../cycle_b\"\n}\nterraform {\n  source = \"../../mod\"\n}\n",
        )
        .write(
            "units/cycle_b/terragrunt.hcl",
            "dependency \"a\" {\n  config_path = \"../cycle_a\"\n}\nterraform {\n  source = \"../../mod\"\n}\n",
        )
        .write(
            "units/badfunctions/terragrunt.hcl",
            "locals {\n  a = find_in_parent_folders(\"no-such-file.hcl\")\n  b = path_relative_to_include(1, 2, 3)\n}\nterraform {\n  source = \"../../mod\"\n}\n",
        );
    let g = t.load();
    let errs = errors(&g);
    for expected in [
        "syntax error",
        "cannot read",
        "outside the scanned directory",
        "no attribute `nope`",
        "no no-such-file.hcl in the parent folders",
        "depend on a cycle of `dependency` blocks (units/cycle_a, units/cycle_b)",
    ] {
        assert!(
            errs.iter().any(|e| e.contains(expected)),
            "missing {expected:?} in {errs:#?}"
        );
    }
    assert!(g.resource("aws_s3_bucket.good").is_some());
    // the units that name a readable module still load it
    assert!(g.resource_in("units/selfread", "aws_sqs_queue.q").is_some());
    assert!(g
        .resource_in("units/badfunctions", "aws_sqs_queue.q")
        .is_some());
    for unit in ["units/cycle_a", "units/cycle_b"] {
        assert!(g.resource_in(unit, "aws_sqs_queue.q").is_some());
    }
}

/// Broken Terragrunt stacks: each said, what can be generated generated.
#[test]
fn broken_terragrunt_stacks_are_diagnosed() {
    let t = TempTree::new();
    t.write("good.tf", GOOD)
        .write("mod/main.tf", "variable \"name\" {\n  default = \"n\"\n}\nresource \"aws_sqs_queue\" \"q\" {\n  name = var.name\n}\n")
        .write("u/terragrunt.hcl", "terraform {\n  source = \"../../../mod\"\n}\ninputs = { name = try(values.name, \"none\") }\n")
        .write(
            "live/terragrunt.stack.hcl",
            "unit \"ok\" {\n  source = \"../u\"\n  path = \"ok\"\n  values = { name = \"given\" }\n}\n\
             unit \"text\" {\n  source = \"../u\"\n  path = \"text\"\n  values = \"not an object\"\n}\n\
             unit {\n  source = \"../u\"\n}\n\
             unit \"nopath\" {\n  source = \"../u\"\n  path = 42\n}\n\
             unit \"ref\" {\n  source = \"../u\"\n  path = \"ref\"\n  values = { name = unit.nope.path }\n}\n\
             stack \"nowhere\" {\n  source = \"../nowhere\"\n  path = \"n\"\n}\n\
             locals {\n  x = local.x\n}\n\
             unit \"broken\" {\n  source = \n",
        );
    let g = t.load();
    let errs = errors(&g);
    for expected in [
        "the `values` of unit `text` are a string, not an object",
        "a `unit` block needs a name label",
        "unit `nopath` needs a `path` known from the configuration",
        "this object has no attribute `nope`",
        "local `x` refers to itself",
        "syntax error",
    ] {
        assert!(
            errs.iter().any(|e| e.contains(expected)),
            "missing {expected:?} in {errs:#?}"
        );
    }
    let name = |root: &str| {
        g.resource_in(root, "aws_sqs_queue.q")
            .and_then(|q| q.get("name"))
            .and_then(|v| v.as_str().map(str::to_string))
    };
    assert_eq!(name("live/.terragrunt-stack/ok").as_deref(), Some("given"));
    assert_eq!(name("live/.terragrunt-stack/text").as_deref(), Some("none"));
    assert!(g.resource("aws_s3_bucket.good").is_some());
}

/// HCL-looking token soup.
fn hcl_soup() -> impl Strategy<Value = String> {
    let token = prop_oneof![
        Just("resource".to_string()),
        Just("\"aws_s3_bucket\"".to_string()),
        Just("\"x\"".to_string()),
        Just("{".to_string()),
        Just("}".to_string()),
        Just("[".to_string()),
        Just("]".to_string()),
        Just("(".to_string()),
        Just(")".to_string()),
        Just("=".to_string()),
        Just("\n".to_string()),
        Just("${".to_string()),
        Just("%{ if true }".to_string()),
        Just("<<EOT\n".to_string()),
        Just("EOT\n".to_string()),
        Just("for x in".to_string()),
        Just(":".to_string()),
        Just("=>".to_string()),
        Just("var.a".to_string()),
        Just("local.b".to_string()),
        Just("count.index".to_string()),
        Just("dynamic".to_string()),
        // the provider schema's checks: types, blocks, references
        Just("data".to_string()),
        Just("provider".to_string()),
        Just("\"aws\"".to_string()),
        Just("\"aws_s3_bukcet\"".to_string()),
        Just("tags".to_string()),
        Just("aws_s3_bucket.x.arn".to_string()),
        Just("aws_s3_bucket.x[0].bukcet".to_string()),
        Just("\"".to_string()),
        "[a-z_]{1,8}",
        "-?[0-9]{1,4}",
    ];
    prop::collection::vec(token, 0..60).prop_map(|t| t.join(" "))
}

/// Expressions built from Terraform's functions and operators, to find
/// panics in the evaluator and the function library.
fn expression() -> impl Strategy<Value = String> {
    let leaf = prop_oneof![
        "-?[0-9]{1,6}(\\.[0-9]{1,3})?".prop_map(|s| s),
        "[a-z0-9./:%*-]{0,12}".prop_map(|s| format!("{s:?}")),
        Just("true".to_string()),
        Just("null".to_string()),
        Just("[]".to_string()),
        Just("{}".to_string()),
        Just("\"10.0.0.0/16\"".to_string()),
        Just("\"2024-01-02T03:04:05Z\"".to_string()),
        Just("var.unset".to_string()),
        Just("aws_vpc.v.id".to_string()),
    ];
    let functions = [
        "length",
        "upper",
        "lower",
        "format",
        "join",
        "split",
        "element",
        "slice",
        "substr",
        "cidrsubnet",
        "cidrhost",
        "cidrsubnets",
        "range",
        "jsonencode",
        "jsondecode",
        "yamldecode",
        "base64decode",
        "tonumber",
        "tostring",
        "toset",
        "flatten",
        "merge",
        "lookup",
        "concat",
        "regex",
        "replace",
        "formatdate",
        "timeadd",
        "parseint",
        "chunklist",
        "setproduct",
        "zipmap",
        "indent",
        "pow",
        "log",
        "max",
        "min",
        "coalesce",
        "one",
        "keys",
        "transpose",
        "try",
        "can",
    ];
    leaf.prop_recursive(4, 40, 4, move |inner| {
        prop_oneof![
            (
                prop::sample::select(functions.to_vec()),
                prop::collection::vec(inner.clone(), 0..4)
            )
                .prop_map(|(f, args)| format!("{f}({})", args.join(", "))),
            prop::collection::vec(inner.clone(), 0..4)
                .prop_map(|items| format!("[{}]", items.join(", "))),
            (inner.clone(), inner.clone())
                .prop_map(|(k, v)| format!("{{ (tostring({k})) = {v} }}")),
            (
                inner.clone(),
                prop::sample::select(vec!["+", "-", "*", "/", "%", "==", "<", "&&", "||"]),
                inner.clone()
            )
                .prop_map(|(a, op, b)| format!("({a} {op} {b})")),
            (inner.clone(), inner.clone(), inner.clone())
                .prop_map(|(c, a, b)| format!("({c} ? {a} : {b})")),
            (inner.clone(), inner.clone()).prop_map(|(l, i)| format!("{l}[{i}]")),
            inner.clone().prop_map(|l| format!("[for x in {l} : x]")),
            inner.prop_map(|l| format!("{l}[*].a")),
        ]
    })
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("PROPTEST_CASES").ok().and_then(|c| c.parse().ok()).unwrap_or(200),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn token_soup_never_panics(text in hcl_soup()) {
        let t = TempTree::new();
        t.write("good.tf", GOOD).write("soup.tf", &text);
        let g = t.load();
        prop_assert!(g.resource("aws_s3_bucket.good").is_some());
    }

    #[test]
    fn token_soup_in_an_override_file_never_panics(text in hcl_soup()) {
        let t = TempTree::new();
        t.write("good.tf", GOOD).write("soup_override.tf", &text);
        let g = t.load();
        prop_assert!(g.resource("aws_s3_bucket.good").is_some());
    }

    #[test]
    fn random_conditions_and_moves_never_panic(expr in expression()) {
        let t = TempTree::new();
        t.write("main.tf", format!(
            "variable \"v\" {{\n  default = 1\n  validation {{\n    condition = {expr}\n    error_message = {expr}\n  }}\n}}\n\
             resource \"aws_vpc\" \"v\" {{\n  lifecycle {{\n    precondition {{\n      condition = {expr}\n      error_message = \"x\"\n    }}\n  }}\n}}\n\
             check \"c\" {{\n  assert {{\n    condition = {expr}\n    error_message = \"x\"\n  }}\n}}\n\
             moved {{\n  from = {expr}\n  to = aws_vpc.v\n}}\n"
        ));
        let g = t.load();
        prop_assert!(g.resource("aws_vpc.v").is_some() || g.has_errors());
    }

    #[test]
    fn random_terragrunt_configurations_never_panic(expr in expression(), soup in hcl_soup()) {
        let t = TempTree::new();
        t.write("good.tf", GOOD)
            .write("mod/main.tf", "variable \"v\" {\n  default = null\n}\nresource \"aws_sqs_queue\" \"q\" {\n  name = var.v\n}\n")
            .write("live/root.hcl", format!(
                "locals {{\n  r = {expr}\n}}\nremote_state {{\n  backend = \"s3\"\n  generate = {{ path = \"backend.tf\", if_exists = {expr} }}\n  config = {{ key = {expr}, bucket = local.r }}\n}}\n\
                 generate \"p\" {{\n  path = \"provider.tf\"\n  contents = {expr}\n}}\ninputs = {expr}\n"
            ))
            .write("live/a/terragrunt.hcl", format!(
                "include \"root\" {{\n  path = find_in_parent_folders(\"root.hcl\")\n  expose = {expr}\n  merge_strategy = {expr}\n}}\n\
                 locals {{\n  x = {expr}\n  y = read_terragrunt_config({expr}, {{}})\n}}\n\
                 dependency \"b\" {{\n  config_path = {expr}\n}}\n\
                 terraform {{\n  source = \"../../mod\"\n  extra_arguments \"e\" {{\n    commands = {expr}\n    optional_var_files = {expr}\n  }}\n}}\n\
                 skip = {expr}\ninputs = {{ v = {expr} }}\n"
            ))
            .write("live/b/terragrunt.hcl", &soup)
            .write("stack/terragrunt.stack.hcl", format!(
                "locals {{\n  l = {expr}\n}}\n\
                 unit \"u\" {{\n  source = {expr}\n  path = {expr}\n  values = {expr}\n  no_dot_terragrunt_stack = {expr}\n}}\n\
                 unit \"a\" {{\n  source = \"../live/a\"\n  path = \"a\"\n  values = {{ v = {expr} }}\n  autoinclude {{\n    dependency \"d\" {{\n      config_path = {expr}\n    }}\n    inputs = {{ v = dependency.d.outputs.x, w = {expr} }}\n    locals {{\n      l = {expr}\n    }}\n  }}\n}}\n\
                 stack \"s\" {{\n  source = {expr}\n  path = \"s\"\n  values = {expr}\n  autoinclude {{\n    unit \"x\" {{\n      source = {expr}\n      path = {expr}\n    }}\n    stray = {expr}\n  }}\n}}\n\
                 stack \"t\" {{\n  source = \".\"\n  path = \"t\"\n  autoinclude {{\n    unit \"y\" {{\n      source = \"../live/a\"\n      path = {expr}\n    }}\n  }}\n}}\n"
            ))
            .write("stack2/terragrunt.stack.hcl", &soup)
            .write("json/terragrunt.hcl.json", format!(
                "{{\"include\": {{\"root\": {{\"path\": \"${{find_in_parent_folders(\\\"root.hcl\\\")}}\"}}}}, \"terraform\": {{\"source\": \"../mod\"}}, \"inputs\": {{\"v\": {}}}}}",
                serde_json::to_string(&expr).unwrap_or_default()
            ));
        let g = t.load();
        prop_assert!(g.resource("aws_s3_bucket.good").is_some());
    }

    #[test]
    fn random_expressions_never_panic(expr in expression()) {
        let t = TempTree::new();
        t.write("main.tf", format!("variable \"unset\" {{}}\nresource \"aws_vpc\" \"v\" {{}}\nresource \"aws_ssm_parameter\" \"p\" {{\n  value = {expr}\n}}\n"));
        let g = t.load();
        prop_assert!(g.resource("aws_ssm_parameter.p").is_some() || g.has_errors());
    }
}

/// A deterministic xorshift sequence from `seed`: the fuzz tests' dice.
fn xorshift(mut state: u64) -> impl FnMut() -> usize {
    move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        state as usize
    }
}

/// Up to `most` edits of `bytes`, each a byte of `alphabet` inserted or
/// written over one, or a byte removed.
fn mutate(bytes: &mut Vec<u8>, alphabet: &[u8], most: usize, next: &mut impl FnMut() -> usize) {
    for _ in 0..1 + next() % most {
        let at = next() % bytes.len().max(1);
        let c = alphabet[next() % alphabet.len()];
        match next() % 3 {
            0 if !bytes.is_empty() => {
                bytes.remove(at);
            }
            1 => bytes.insert(at.min(bytes.len()), c),
            _ if !bytes.is_empty() => bytes[at] = c,
            _ => {}
        }
    }
}

/// Every `.tf` file of the repository, mutated a few bytes at a time with
/// the characters HCL's syntax turns on: the parser answers with a tree or
/// a located error, never a panic. Deterministic (a fixed xorshift seed);
/// `FUZZ_MUTATIONS` raises the count for a longer local run.
#[test]
fn mutated_real_files_never_panic_the_parser() {
    fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                if !path.ends_with("target") {
                    files_under(&path, out);
                }
            } else if path.extension().is_some_and(|x| x == "tf") {
                out.push(path);
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    files_under(&root.join("examples"), &mut files);
    files_under(
        &root.join("crates/cloudwright-terraform/tests/fixtures"),
        &mut files,
    );
    let texts: Vec<String> = files
        .iter()
        .filter_map(|p| std::fs::read_to_string(p).ok())
        .filter(|t| !t.is_empty())
        .collect();
    assert!(texts.len() > 30, "{} files", texts.len());
    let alphabet = b"{}[]()\"$%~<>-=.,:?!*\n\\#/ aEOT09_\t";
    let mut next = xorshift(0x9E37_79B9_7F4A_7C15);
    let rounds = std::env::var("FUZZ_MUTATIONS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(20_000);
    for _ in 0..rounds {
        let mut bytes = texts[next() % texts.len()].as_bytes().to_vec();
        mutate(&mut bytes, alphabet, 6, &mut next);
        let Ok(text) = String::from_utf8(bytes) else {
            continue;
        };
        // each entry point must return, whatever it returns; where the
        // skim of module calls follows a file the parser accepts, the two
        // agree
        let skimmed = cloudwright_terraform::hcl::module_sources(&text);
        if let (Some(skimmed), Ok(body)) = (skimmed, cloudwright_terraform::hcl::parse_body(&text))
        {
            let parsed: Vec<String> = body
                .blocks_of("module")
                .filter_map(|b| {
                    cloudwright_terraform::instance::literal_string(b.body.attribute("source"))
                })
                .collect();
            assert_eq!(skimmed, parsed, "{text}");
        }
        let _ = cloudwright_terraform::hcl::parse_template(&text);
        let _ = cloudwright_terraform::hcl::parse_expr(&text);
    }
}

/// Every fixture tree (and the bundled example), one file at a time changed
/// a token at a time — a token replaced by another of the same tree, a
/// line dropped or repeated, two lines swapped — and loaded whole: the
/// configurations stay nearly valid, so evaluation, not only parsing, meets
/// values it does not expect (a list where a number was, `count.index` in
/// a provider, a module output as a `for_each`). The loader answers with a
/// model and diagnostics, never a panic. Deterministic (a fixed xorshift
/// seed); `FUZZ_TREES` raises the count for a longer local run.
#[test]
fn mutated_fixture_trees_never_panic_the_loader() {
    fn files_under(dir: &Path, base: &Path, out: &mut Vec<(PathBuf, Vec<u8>)>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            if path.is_dir() {
                files_under(&path, base, out);
            } else if let Ok(bytes) = std::fs::read(&path) {
                let relative = path.strip_prefix(base).unwrap_or(&path).to_path_buf();
                out.push((relative, bytes));
            }
        }
    }
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut trees: Vec<Vec<(PathBuf, Vec<u8>)>> = Vec::new();
    let fixtures = root.join("crates/cloudwright-terraform/tests/fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.push(root.join("examples/three-tier"));
    dirs.sort();
    for dir in &dirs {
        let mut files = Vec::new();
        files_under(dir, dir, &mut files);
        files.sort();
        trees.push(files);
    }
    assert!(trees.len() > 40, "{} trees", trees.len());
    let mut next = xorshift(0x2545_F491_4F6C_DD1D);
    let is_config = |p: &Path| {
        let name = p.to_string_lossy();
        [".tf", ".hcl", ".tfvars", ".json", ".tofu", ".tftpl"]
            .iter()
            .any(|x| name.ends_with(x))
    };
    let rounds = std::env::var("FUZZ_TREES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(150);
    for _ in 0..rounds {
        let tree = &trees[next() % trees.len()];
        let configs: Vec<usize> = (0..tree.len()).filter(|&i| is_config(&tree[i].0)).collect();
        if configs.is_empty() {
            continue;
        }
        let target = configs[next() % configs.len()];
        let Ok(text) = std::str::from_utf8(&tree[target].1) else {
            continue;
        };
        // tokens: identifiers, references, numbers and quoted strings
        let tokens: Vec<&str> = text
            .split(|c: char| c.is_whitespace() || "{}()[],=:?".contains(c))
            .filter(|t| !t.is_empty())
            .collect();
        let mut lines: Vec<String> = text.lines().map(str::to_string).collect();
        for _ in 0..1 + next() % 3 {
            if lines.is_empty() || tokens.is_empty() {
                break;
            }
            let at = next() % lines.len();
            match next() % 4 {
                0 => {
                    lines.remove(at);
                }
                1 => {
                    let line = lines[at].clone();
                    lines.insert(at, line);
                }
                2 => {
                    let other = next() % lines.len();
                    lines.swap(at, other);
                }
                _ => {
                    // one of the line's tokens becomes one of the file's
                    let own: Vec<String> = lines[at]
                        .split(|c: char| c.is_whitespace() || "{}()[],=:?".contains(c))
                        .filter(|t| !t.is_empty())
                        .map(str::to_string)
                        .collect();
                    if own.is_empty() {
                        continue;
                    }
                    let old = &own[next() % own.len()];
                    let new = tokens[next() % tokens.len()];
                    lines[at] = lines[at].replacen(old.as_str(), new, 1);
                }
            }
        }
        let t = TempTree::new();
        for (i, (path, bytes)) in tree.iter().enumerate() {
            let name = path.to_string_lossy();
            if i == target {
                t.write(&name, lines.join("\n"));
            } else {
                t.write(&name, bytes);
            }
        }
        // whatever it says, it returns
        let _ = t.load();
    }
}

/// A plan or state file that is JSON but not as Terraform writes it: each
/// part that cannot be read is said at its line and column, and what can
/// be read is.
#[test]
fn plan_and_state_files_of_the_wrong_shape_are_located() {
    let t = TempTree::new();
    t.write(
        "types.json",
        r#"{"format_version":"1.2","planned_values":"oops","resource_changes":{"a":1}}"#,
    )
    .write(
        "weird.json",
        "{\"format_version\": \"1.2\",\n \"planned_values\": {\"root_module\": {\n  \"resources\": [\n   {\"address\": 5, \"type\": \"aws_s3_bucket\", \"name\": \"a\"},\n   {\"address\": \"aws_s3_bucket.b\", \"mode\": \"managed\", \"type\": \"aws_s3_bucket\", \"name\": \"b\", \"values\": [1]},\n   {\"address\": \"aws_s3_bucket.c\", \"mode\": \"managed\", \"type\": \"aws_s3_bucket\", \"name\": \"c\", \"values\": {\"bucket\": \"c\"}}],\n  \"child_modules\": [{\"address\": \"module.m\", \"resources\": \"x\"}]}}}\n",
    )
    .write(
        "odd.tfstate",
        "{\"version\": 4, \"resources\": [\n {\"mode\": \"managed\", \"type\": \"aws_s3_bucket\", \"name\": \"b\", \"provider\": \"provider[\\\"registry.terraform.io/hashicorp/aws\\\"]\", \"instances\": [\n  {\"index_key\": {\"a\": 1}, \"attributes\": {\"bucket\": \"x\"}},\n  {\"index_key\": \"k\", \"attributes\": {\"bucket\": \"y\", \"secret\": \"s3cr3t\"}, \"sensitive_attributes\": \"bad\"}]},\n {\"mode\": \"managed\", \"instances\": []}]}\n",
    )
    .write("old.tfstate", r#"{"version": 3, "serial": 1, "modules": []}"#)
    .write(
        "future.json",
        r#"{"format_version": "2.0", "planned_values": {"root_module": {}}}"#,
    );
    let said = |name: &str| -> (Vec<String>, Graph) {
        let g = load(&[t.0.join(name)], &LoadOptions::default());
        let lines = g
            .diagnostics
            .iter()
            .map(|d| {
                let at = d.span.map(|s| format!("{}:{}", s.line, s.column));
                format!("{:?} {}: {}", d.severity, at.unwrap_or_default(), d.message)
            })
            .collect();
        (lines, g)
    };
    let (types, g) = said("types.json");
    assert_eq!(
        types,
        [
            "Error 1:42: `planned_values` is a string, not an object: its resources are not read",
            "Error 1:68: `resource_changes` is an object, not a list: the resource changes are not read"
        ]
    );
    assert!(g.resources.is_empty());
    let (weird, g) = said("weird.json");
    assert_eq!(
        weird,
        [
            "Error 4:4: a resource whose `address` is a number, not a string: it is not read",
            "Error 5:4: a resource whose `values` are a list, not an object of attributes: it is not read",
            "Error 7:58: `planned_values.root_module.child_modules[0].resources` is a string, not a list: the module's resources are not read"
        ]
    );
    assert_eq!(addresses(&g), ["aws_s3_bucket.c"]);
    let (odd, g) = said("odd.tfstate");
    assert_eq!(
        odd,
        [
            "Error 3:17: an instance of aws_s3_bucket.b whose `index_key` is an object: a key is a number or a string, so the instance is not read",
            "Warning 4:97: `sensitive_attributes` of aws_s3_bucket.b[\"k\"] is a string, not a list of paths: which of its attributes are sensitive is not known, so all of them are treated as sensitive",
            "Error 5:2: a resource without a `type` and a `name`: its instances are not read"
        ]
    );
    assert_eq!(addresses(&g), ["aws_s3_bucket.b[\"k\"]"]);
    let b = g.resource("aws_s3_bucket.b[\"k\"]").unwrap();
    assert!(b.get("secret").unwrap().is_sensitive());
    assert!(b.get("bucket").unwrap().is_sensitive());
    let (old, _) = said("old.tfstate");
    assert_eq!(
        old,
        ["Error 1:13: a state file of format version 3: Cloudwright reads version 4, which Terraform 0.12 and later write"]
    );
    let (future, g) = said("future.json");
    assert_eq!(
        future,
        ["Error 1:20: `terraform show -json` format version 2.0: Cloudwright reads versions 0.x and 1.x, and a new major version may mean anything else, so the file is not read"]
    );
    assert!(g.resources.is_empty());
}

fn addresses(g: &Graph) -> Vec<&str> {
    g.resources.iter().map(|r| r.address.as_str()).collect()
}

/// The plan and state fixtures, mutated a few bytes at a time with the
/// characters JSON's syntax turns on and loaded as plans, as the state a
/// plan starts from, and as state: each load returns a model and
/// diagnostics (a resource read, or said not to be), never a panic.
/// Deterministic; `FUZZ_PLANS` raises the count for a longer local run.
#[test]
fn mutated_plans_and_states_never_panic_the_loader() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let texts: Vec<Vec<u8>> = [
        "plan/plan.json",
        "plan_change/plan.json",
        "plan_change/shown-state.json",
        "plan_links/plan.json",
        "state/terraform.tfstate.json",
    ]
    .iter()
    .map(|p| std::fs::read(fixtures.join(p)).unwrap())
    .collect();
    let alphabet = b"{}[]\":,0123456789-.eEtrufalsn \\\n";
    let mut next = xorshift(0x0BAD_5EED_1234_5678);
    let rounds = std::env::var("FUZZ_PLANS")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(60);
    // a value replaced by one of another kind, or a key dropped, at a
    // random place: JSON that parses, of the wrong shape
    fn reshape(v: &mut serde_json::Value, next: &mut dyn FnMut() -> usize, depth: usize) {
        let kinds = [
            serde_json::json!(null),
            serde_json::json!(5),
            serde_json::json!("x"),
            serde_json::json!([]),
            serde_json::json!({}),
            serde_json::json!([1, "a", {"b": null}]),
            serde_json::json!({"a": [1]}),
            serde_json::json!(true),
        ];
        let descend = depth < 12 && !next().is_multiple_of(5);
        match v {
            serde_json::Value::Object(m) if descend && !m.is_empty() => {
                let key = m.keys().nth(next() % m.len()).cloned().unwrap_or_default();
                if next().is_multiple_of(7) {
                    m.remove(&key);
                } else if let Some(child) = m.get_mut(&key) {
                    reshape(child, next, depth + 1);
                }
            }
            serde_json::Value::Array(items) if descend && !items.is_empty() => {
                let i = next() % items.len();
                reshape(&mut items[i], next, depth + 1);
            }
            _ => *v = kinds[next() % kinds.len()].clone(),
        }
    }
    let t = TempTree::new();
    for round in 0..rounds {
        let mut bytes = texts[next() % texts.len()].clone();
        if round % 2 == 0 {
            if let Ok(mut json) = serde_json::from_slice::<serde_json::Value>(&bytes) {
                for _ in 0..1 + next() % 3 {
                    reshape(&mut json, &mut next, 0);
                }
                bytes = serde_json::to_vec_pretty(&json).unwrap_or_default();
            }
            t.write(&format!("p{round}.json"), &bytes);
            for plan_prior in [false, true] {
                let options = LoadOptions {
                    plan_prior,
                    ..LoadOptions::default()
                };
                let _ = load(&[t.0.join(format!("p{round}.json"))], &options);
            }
            continue;
        }
        mutate(&mut bytes, alphabet, 4, &mut next);
        let name = format!("p{round}.json");
        t.write(&name, &bytes);
        for plan_prior in [false, true] {
            let options = LoadOptions {
                plan_prior,
                ..LoadOptions::default()
            };
            let _ = load(&[t.0.join(&name)], &options);
        }
    }
}

/// Two roots that read each other's state through `terraform_remote_state`
/// (Terraform would need one applied first): said once, and each read
/// with the other's outputs as they stand.
#[test]
fn roots_reading_each_others_state_are_said_and_still_read() {
    let backend = |key: &str| {
        format!("terraform {{\n  backend \"s3\" {{\n    bucket = \"b\"\n    key    = \"{key}\"\n  }}\n}}\n")
    };
    let reads = |name: &str, key: &str| {
        format!("data \"terraform_remote_state\" \"{name}\" {{\n  backend = \"s3\"\n  config = {{\n    bucket = \"b\"\n    key    = \"{key}\"\n  }}\n}}\n")
    };
    let tree = TempTree::new();
    tree.write("a/main.tf", backend("a"))
        .write("a/reads.tf", reads("b", "b"))
        .write("a/out.tf", "output \"name\" {\n  value = \"a\"\n}\n")
        .write("b/main.tf", backend("b"))
        .write("b/reads.tf", reads("a", "a"))
        .write(
            "b/out.tf",
            "output \"name\" {\n  value = \"b\"\n}\n\noutput \"seen\" {\n  value = data.terraform_remote_state.a.outputs.name\n}\n",
        );
    let warnings = |g: &cloudwright_model::Graph| -> Vec<String> {
        g.diagnostics
            .iter()
            .filter(|d| d.severity == Severity::Warning)
            .map(|d| d.message.clone())
            .collect()
    };
    // what b read of a's outputs
    let seen = |g: &cloudwright_model::Graph| {
        g.resource_in("b", "data.terraform_remote_state.a")
            .and_then(|r| r.get_path("outputs.name"))
            .and_then(|v| v.as_str().map(str::to_string))
    };
    let g = tree.load();
    assert_eq!(
        warnings(&g),
        ["root modules read each other's state through `terraform_remote_state` (a, b): each is read with the others' outputs as they stand without it"]
    );
    assert_eq!(seen(&g).as_deref(), Some("a"));
    // the two given as paths of their own: the same reading, said so
    let apart = load(
        &[tree.0.join("b"), tree.0.join("a")],
        &LoadOptions::default(),
    );
    assert_eq!(seen(&apart).as_deref(), Some("a"));
    let cycle = warnings(&apart);
    assert_eq!(cycle.len(), 1, "{cycle:?}");
    assert!(cycle[0].contains("read each other's state"), "{cycle:?}");
}

/// A module outside two scanned paths is read once, for both: what is
/// wrong in it is said once, at its place.
#[test]
fn a_module_two_paths_read_is_said_of_once() {
    let tree = TempTree::new();
    let call = "module \"m\" {\n  source = \"../../mod\"\n}\n";
    tree.write("live/a/main.tf", call)
        .write("live/b/main.tf", call)
        .write(
            "mod/main.tf",
            "resource \"aws_s3_bucket\" \"b\" {\n  bucket = \"x\"\n  acll   = \"private\"\n}\n",
        );
    let paths = [tree.0.join("live/a"), tree.0.join("live/b")];
    let g = load(&paths, &LoadOptions::default());
    let said: Vec<(String, u32)> = g
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let (file, line, _) = d.position(&g.sources);
            (file, line)
        })
        .collect();
    assert_eq!(
        said,
        [("../mod/main.tf".to_string(), 3)],
        "{:?}",
        g.diagnostics
    );
    // both roots have the module's bucket, the module read once
    assert_eq!(g.roots(), ["a", "b"]);
    assert_eq!(g.resources.len(), 2);
    assert_eq!(g.sources.len(), 3);
}
