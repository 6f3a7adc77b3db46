//! Helpers shared by the end-to-end tests: run the built binary from the
//! repository root, read its output.

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `cloudwright ARGS` in the repository root, without a `TF_VAR_region`
/// from the environment so variable defaults are what the example says.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cloudwright"))
        .args(args)
        .current_dir(repo())
        .env_remove("TF_VAR_region")
        .output()
        .expect("run cloudwright")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}

/// `(rule, resource)` of each finding of a JSON list of findings.
#[allow(dead_code)] // (not every test binary reads findings)
pub fn rules_and_resources(findings: &serde_json::Value) -> Vec<(String, String)> {
    pairs(findings, "rule", "resource")
        .into_iter()
        .map(|(rule, resource)| (rule.to_string(), resource.to_string()))
        .collect()
}

/// Two string fields of each object of a JSON list, in order.
#[allow(dead_code)] // (not every test binary reads lists)
pub fn pairs<'j>(list: &'j serde_json::Value, a: &str, b: &str) -> Vec<(&'j str, &'j str)> {
    list.as_array()
        .unwrap()
        .iter()
        .map(|o| (o[a].as_str().unwrap(), o[b].as_str().unwrap()))
        .collect()
}

/// `(address, change)` of each resource of a `cost diff -o json` document.
#[allow(dead_code)] // (not every test binary diffs costs)
pub fn cost_changes(diff: &serde_json::Value) -> Vec<(&str, &str)> {
    diff["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["address"].as_str().unwrap(),
                r["change"].as_str().unwrap(),
            )
        })
        .collect()
}

/// The JSON document `cloudwright ARGS` writes, the run having succeeded.
#[allow(dead_code)] // (not every test binary reads JSON output)
pub fn json_of(args: &[&str]) -> serde_json::Value {
    let out = run(args);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_str(&stdout(&out)).unwrap()
}
