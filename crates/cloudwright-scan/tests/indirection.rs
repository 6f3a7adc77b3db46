//! The same three misconfigurations (an RDS instance publicly accessible, its
//! storage unencrypted, SSH open to the internet) written the ways real
//! configurations write them: literals, variable defaults, tfvars files,
//! locals and conditionals (chained too), module inputs two calls deep,
//! module calls with `count` and `for_each`, `for_each` over resources,
//! `for` filters, `lookup`/`try`/`merge`, `optional()` defaults, settings
//! read with `jsondecode(file(…))`, dynamic blocks. Every one must be found,
//! and the safe controls beside them (the same resources switched off by
//! `count`, an empty `for_each`, an empty dynamic block, tfvars, module
//! inputs or a `merge` override that make them safe) must not be.
//! `docs/benchmarks.md` compares this tree with Checkov. Each way is a root
//! module of its own, so the roots repeat the same resource blocks on
//! purpose: sharing them through a module would make every case a module
//! input, one of the ways under test.

use cloudwright_scan::{scan, select_rules, ScanOptions};
use cloudwright_terraform::{load, LoadOptions};
use std::path::PathBuf;

const RULES: [&str; 3] = ["CW-AWS-RDS-001", "CW-AWS-RDS-002", "CW-AWS-SG-001"];

#[test]
fn every_way_of_writing_a_misconfiguration_is_found_and_no_safe_control_is() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/indirection");
    let graph = load(std::slice::from_ref(&dir), &LoadOptions::default());
    assert!(
        graph.diagnostics.is_empty(),
        "the fixture loads cleanly: {:?}",
        graph.diagnostics
    );
    let options = ScanOptions {
        only: RULES.iter().map(|r| r.to_string()).collect(),
        ..Default::default()
    };
    let report = scan(&graph, &select_rules(&options).unwrap(), &options);
    assert!(
        report.unknown.is_empty(),
        "every value is known from the code"
    );
    let mut found: Vec<String> = report
        .findings
        .iter()
        .map(|f| format!("{} {} {}", f.root, f.resource, f.rule_id))
        .collect();
    found.sort();
    // one line a finding: root, resource address, rule (Checkov's comparison
    // script, crates/cloudwright-bench/checkov.sh, reads the same file)
    let expected = std::fs::read_to_string(dir.join("expected.txt")).unwrap();
    let mut expected: Vec<&str> = expected
        .lines()
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
        .collect();
    expected.sort();
    assert_eq!(
        expected.len(),
        47,
        "seventeen roots with three findings each, but two with one"
    );
    assert!(!expected.iter().any(|l| l.starts_with("safe_")));
    assert_eq!(found, expected);

    // every root is loaded, the safe controls too, and what they switch off
    // is absent; the shared modules are called, so they are no roots
    let mut roots: Vec<&str> = graph
        .modules
        .iter()
        .filter(|m| m.address.is_empty())
        .map(|m| m.root_dir.as_str())
        .collect();
    roots.sort_unstable();
    assert_eq!(
        roots,
        [
            "auto_tfvars",
            "count_module",
            "for_each_map",
            "for_filter",
            "ingress_rule_for_each",
            "jsondecode_file",
            "literal",
            "local_conditional",
            "lookup_map",
            "merge_overrides",
            "module_input",
            "nested_modules",
            "optional_default",
            "safe_count_zero",
            "safe_dynamic_empty",
            "safe_for_each_empty",
            "safe_merge",
            "safe_module_input",
            "safe_tfvars",
            "ternary_chain",
            "tfvars",
            "tfvars_json",
            "variable_default",
        ]
    );
    assert!(graph
        .resource_in("safe_count_zero", "aws_db_instance.main[0]")
        .is_none());
    assert!(graph
        .resource_in("safe_for_each_empty", "aws_db_instance.exposed")
        .is_none());
    assert!(graph
        .resource_in("safe_module_input", "module.db.aws_db_instance.this")
        .is_some());
}
