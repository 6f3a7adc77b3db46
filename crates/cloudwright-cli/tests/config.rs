//! cloudwright.toml, `init` and baselines, end to end in temporary trees.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

struct Tree(PathBuf);

impl Tree {
    fn new(name: &str) -> Tree {
        let dir =
            std::env::temp_dir().join(format!("cloudwright-cli-{name}-{}", std::process::id()));
        let _ = std::fs::remove_dir_all(&dir);
        std::fs::create_dir_all(&dir).unwrap();
        // a .git marker bounds the config search, as in a real repository
        std::fs::create_dir_all(dir.join(".git")).unwrap();
        Tree(dir)
    }

    fn write(&self, name: &str, text: &str) -> &Self {
        let p = self.0.join(name);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
        self
    }

    fn run(&self, args: &[&str]) -> Output {
        Command::new(env!("CARGO_BIN_EXE_cloudwright"))
            .args(args)
            .current_dir(&self.0)
            .output()
            .unwrap()
    }
}

impl Drop for Tree {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.0);
    }
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stdout)))
}

const BUCKETS: &str = r#"resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_s3_bucket" "legacy" {
  bucket = "legacy"
}
"#;

#[test]
fn config_is_found_walking_up_and_applied() {
    let t = Tree::new("config");
    t.write("infra/main.tf", BUCKETS).write(
        "cloudwright.toml",
        r#"[scan]
fail_on = "critical"
rules = ["CW-AWS-S3-*"]

[severity]
"CW-AWS-S3-003" = "info"

[[ignore]]
rules = ["CW-AWS-S3-001"]
resources = ["aws_s3_bucket.legacy"]
reason = "legacy bucket, deleted in Q1"
"#,
    );
    let out = t.run(&["scan", "infra", "-o", "json"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "fail_on = critical from the config"
    );
    let j = json(&out);
    let s3_rules = cloudwright_rules::all()
        .iter()
        .filter(|r| r.id.starts_with("CW-AWS-S3-"))
        .count();
    assert_eq!(j["summary"]["rules"], s3_rules, "the S3 rules, by glob");
    let versioning: Vec<&serde_json::Value> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "CW-AWS-S3-003")
        .collect();
    assert!(versioning.iter().all(|f| f["severity"] == "info"));
    let suppressed = j["suppressed"].as_array().unwrap();
    assert_eq!(suppressed.len(), 1);
    assert_eq!(suppressed[0]["resource"], "aws_s3_bucket.legacy");
    assert_eq!(suppressed[0]["suppression"]["kind"], "config");
    assert_eq!(
        suppressed[0]["suppression"]["reason"],
        "legacy bucket, deleted in Q1"
    );
    // flags win over the config
    let out = t.run(&["scan", "infra", "--fail-on", "info", "-o", "json"]);
    assert_eq!(out.status.code(), Some(1));
}

#[test]
fn unknown_config_keys_are_errors_with_their_location() {
    let t = Tree::new("badconfig");
    t.write("main.tf", BUCKETS).write(
        "cloudwright.toml",
        "[scan]\nfail_on = \"high\"\nfial_on = \"low\"\n",
    );
    let out = t.run(&["scan", "."]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(err.contains("cloudwright.toml:3:1"), "{err}");
    assert!(err.contains("unknown field `fial_on`"), "{err}");
}

#[test]
fn init_writes_a_valid_starter_file_once() {
    let t = Tree::new("init");
    t.write("main.tf", BUCKETS);
    let out = t.run(&["init"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(Path::new(&t.0.join("cloudwright.toml")).is_file());
    assert_eq!(
        t.run(&["scan", "."]).status.code(),
        Some(1),
        "the starter config loads and fails on medium"
    );
    assert_eq!(t.run(&["init"]).status.code(), Some(2), "never overwrites");
}

#[test]
fn a_baseline_survives_reformatting_and_file_moves() {
    let t = Tree::new("baseline");
    let before = baseline_of_buckets(&t);
    assert!(before >= 4);
    // reformat, reorder, and move one bucket to another file
    t.write(
        "main.tf",
        "\n\n# comment\nresource \"aws_s3_bucket\" \"legacy\" {\n    bucket =    \"legacy\"\n}\n",
    );
    t.write(
        "data.tf",
        "resource \"aws_s3_bucket\" \"data\" { bucket = \"data\" }\n",
    );
    let out = t.run(&["scan", ".", "--baseline", "baseline.json", "-o", "json"]);
    let j = json(&out);
    assert_eq!(j["summary"]["findings"], 0, "{}", j["findings"]);
    assert_eq!(j["summary"]["baselined"].as_u64(), Some(before));
    assert_eq!(out.status.code(), Some(0));
    // a new problem is reported
    t.write(
        "new.tf",
        "resource \"aws_db_instance\" \"db\" {\n  publicly_accessible = true\n}\n",
    );
    let out = t.run(&["scan", ".", "--baseline", "baseline.json", "-o", "json"]);
    let j = json(&out);
    let rules: Vec<&str> = j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"CW-AWS-RDS-001"), "{rules:?}");
    assert!(j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["resource"] == "aws_db_instance.db"));
    // a broken baseline is a usage error
    t.write("baseline.json", "{\"version\": 7, \"findings\": []}");
    assert_eq!(
        t.run(&["scan", ".", "--baseline", "baseline.json"])
            .status
            .code(),
        Some(2)
    );
}

/// A resource renamed with a `moved` block keeps its baselined findings:
/// they were recorded under its old address.
#[test]
fn a_baseline_follows_moved_blocks() {
    let t = Tree::new("baseline-moved");
    let before = baseline_of_buckets(&t);
    // every bucket renamed, one of them twice over
    let renamed = BUCKETS
        .replace("\"legacy\" {", "\"archive\" {")
        .replace("\"data\" {", "\"datasets\" {")
        + "moved {\n  from = aws_s3_bucket.legacy\n  to   = aws_s3_bucket.old\n}\n"
        + "moved {\n  from = aws_s3_bucket.old\n  to   = aws_s3_bucket.archive\n}\n"
        + "moved {\n  from = aws_s3_bucket.data\n  to   = aws_s3_bucket.datasets\n}\n";
    assert_ne!(renamed, BUCKETS);
    t.write("main.tf", &renamed);
    let out = t.run(&["scan", ".", "--baseline", "baseline.json", "-o", "json"]);
    let j = json(&out);
    assert_eq!(j["summary"]["findings"], 0, "{}", j["findings"]);
    assert_eq!(j["summary"]["baselined"].as_u64(), Some(before));
    // without the moved blocks they are new findings
    t.write(
        "main.tf",
        &BUCKETS
            .replace("\"legacy\" {", "\"archive\" {")
            .replace("\"data\" {", "\"datasets\" {"),
    );
    let out = t.run(&["scan", ".", "--baseline", "baseline.json", "-o", "json"]);
    let j = json(&out);
    let found = j["summary"]["findings"].as_u64().unwrap();
    assert!(found > 0);
    assert_eq!(found + j["summary"]["baselined"].as_u64().unwrap(), before);
    assert!(j["findings"].as_array().unwrap().iter().all(|f| {
        f["resource"] == "aws_s3_bucket.archive" || f["resource"] == "aws_s3_bucket.datasets"
    }));
}

/// Writes `BUCKETS` and a baseline of its findings; how many it holds.
fn baseline_of_buckets(t: &Tree) -> u64 {
    t.write("main.tf", BUCKETS);
    let out = t.run(&[
        "scan",
        ".",
        "--write-baseline",
        "baseline.json",
        "-o",
        "json",
    ]);
    json(&out)["summary"]["findings"].as_u64().unwrap()
}
