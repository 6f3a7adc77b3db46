//! The hand-written HCL parser against `hcl-edit`, on every `.tf`,
//! `.tfvars` and Terraform Stacks file in the repository (examples, loader
//! fixtures, the rule pack's fixtures): the same syntax tree, ranges
//! included, for every file `hcl-edit` accepts, and an error for every
//! file it rejects.
//!
//! `CLOUDWRIGHT_DIFF_DIR=/path` adds a tree (a generated bench corpus, a
//! real repository) to the comparison.

#[path = "support/hcl_edit.rs"]
mod hcl_edit;

use std::path::{Path, PathBuf};

fn files_under(dir: &Path, out: &mut Vec<PathBuf>) {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return;
    };
    for entry in entries.flatten() {
        let path = entry.path();
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if path.is_dir() {
            if name != "target" && name != ".git" {
                files_under(&path, out);
            }
        } else if name.ends_with(".tf")
            || name.ends_with(".tfvars")
            || name.ends_with(".tfcomponent.hcl")
            || name.ends_with(".tfdeploy.hcl")
        {
            out.push(path);
        }
    }
}

/// The repository's `.tf` and `.tfvars` files, and those under
/// `CLOUDWRIGHT_DIFF_DIR`.
fn compared_files() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("../..");
    let mut files = Vec::new();
    for dir in ["examples", "crates"] {
        files_under(&root.join(dir), &mut files);
    }
    if let Some(extra) = std::env::var_os("CLOUDWRIGHT_DIFF_DIR") {
        files_under(Path::new(&extra), &mut files);
    }
    files
}

/// Where two debug renderings first differ, with some context.
fn first_difference(a: &str, b: &str) -> String {
    let at = a
        .bytes()
        .zip(b.bytes())
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let from = at.saturating_sub(160);
    let clip = |s: &str| {
        let mut start = from.min(s.len());
        while !s.is_char_boundary(start) {
            start -= 1;
        }
        let mut end = (at + 160).min(s.len());
        while !s.is_char_boundary(end) {
            end += 1;
        }
        s[start..end].to_string()
    };
    format!("ours:    …{}…\nhcl-edit: …{}…", clip(a), clip(b))
}

#[test]
fn the_parser_builds_the_same_tree_as_hcl_edit() {
    let files = compared_files();
    assert!(files.len() > 400, "only {} files found", files.len());
    let mut mismatches = Vec::new();
    for path in &files {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        // Terraform skips a leading byte order mark (hashicorp/terraform
        // #19715), hcl-edit does not: those files are the loader tests'
        if text.starts_with('\u{feff}') {
            continue;
        }
        let ours = cloudwright_terraform::hcl::parse_body(&text);
        let reference = hcl_edit::parse_body(&text);
        match (ours, reference) {
            (Ok(a), Ok(b)) => {
                let (a, b) = (format!("{a:?}"), format!("{b:?}"));
                if a != b {
                    mismatches.push(format!(
                        "{}: trees differ\n{}",
                        path.display(),
                        first_difference(&a, &b)
                    ));
                }
            }
            (Err(e), Ok(_)) => mismatches.push(format!(
                "{}: rejected at {}: {} (hcl-edit accepts it)",
                path.display(),
                e.offset,
                e.message
            )),
            // an argument set twice: the loader reports it where it is
            // set (ModuleDef) and reads the rest of the file, rather
            // than losing the file to a syntax error
            (Ok(_), Err(e)) if e.message.contains("redefined attribute") => {}
            (Ok(_), Err(e)) => mismatches.push(format!(
                "{}: accepted, but hcl-edit rejects it at {}: {}",
                path.display(),
                e.offset,
                e.message
            )),
            (Err(_), Err(_)) => {}
        }
    }
    assert!(
        mismatches.is_empty(),
        "{} of {} files differ:\n\n{}",
        mismatches.len(),
        files.len(),
        mismatches[..mismatches.len().min(8)].join("\n\n")
    );
}

/// The module sources discovery reads from a parsed file.
fn parsed_module_sources(body: &cloudwright_terraform::syntax::Body) -> Vec<String> {
    body.blocks_of("module")
        .filter_map(|b| cloudwright_terraform::instance::literal_string(b.body.attribute("source")))
        .collect()
}

#[test]
fn skimmed_module_sources_agree_with_the_parser() {
    let files = compared_files();
    let (mut skimmed, mut calls) = (0, 0);
    for path in files
        .iter()
        .filter(|p| p.extension().is_some_and(|x| x == "tf"))
    {
        let Ok(text) = std::fs::read_to_string(path) else {
            continue;
        };
        // as written, and with Windows line endings
        for text in [text.clone(), text.replace('\n', "\r\n")] {
            let Ok(body) = cloudwright_terraform::hcl::parse_body(&text) else {
                continue;
            };
            let parsed = parsed_module_sources(&body);
            if let Some(sources) = cloudwright_terraform::hcl::module_sources(&text) {
                skimmed += 1;
                calls += sources.len();
                assert_eq!(sources, parsed, "{}", path.display());
            }
        }
    }
    // the skim follows nearly every real text, both line endings, module
    // calls included (99.9% of the bench corpus)
    assert!(
        skimmed > 900 && calls > 40,
        "{skimmed} texts skimmed, {calls} calls"
    );
}

#[test]
fn templates_and_single_expressions_parse_as_hcl_edit_parses_them() {
    let templates = [
        "plain text",
        "Hello ${name}!\n",
        "%{ for s in servers ~}\nserver ${s.name} ${s.ip}\n%{ endfor ~}\n",
        "%{ if enabled }on%{ else }off%{ endif }",
        "a ${~ x ~} b $${literal} %%{literal}",
        "{\"Statement\": [{\"Resource\": \"${arn}/*\"}]}",
    ];
    for text in templates {
        let ours = cloudwright_terraform::hcl::parse_template(text).unwrap();
        let reference = hcl_edit::parse_template(text).unwrap();
        assert_eq!(format!("{ours:?}"), format!("{reference:?}"), "{text:?}");
    }
    let expressions = [
        "list(object({ name = string, tags = optional(map(string), {}) }))",
        "aws_s3_bucket.logs.arn",
        "[\"a\", \"b\"]",
        "{ env = \"prod\", count = 3 }",
        "var.enabled ? 1 : 0",
        "module.vpc.private_subnets[*].id",
    ];
    for text in expressions {
        let ours = cloudwright_terraform::hcl::parse_expr(text).unwrap();
        let reference = hcl_edit::parse_expr(text).unwrap();
        assert_eq!(format!("{ours:?}"), format!("{reference:?}"), "{text:?}");
    }
}
