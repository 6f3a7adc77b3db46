//! `scan --diff-base`: only what a change introduced. The test builds a real
//! repository with the git command line (the product itself never runs git);
//! the base is read from loose objects, then from a packed repository with
//! deltas.

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn git(dir: &Path, args: &[&str]) {
    let out = Command::new("git")
        .args(args)
        .current_dir(dir)
        .env("GIT_AUTHOR_NAME", "t")
        .env("GIT_AUTHOR_EMAIL", "t@example.com")
        .env("GIT_COMMITTER_NAME", "t")
        .env("GIT_COMMITTER_EMAIL", "t@example.com")
        .output()
        .expect("git is needed to build the test repository");
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
}

fn scan(dir: &Path, args: &[&str]) -> serde_json::Value {
    let out: Output = Command::new(env!("CARGO_BIN_EXE_cloudwright"))
        .arg("scan")
        .args(args)
        .arg("-o")
        .arg("json")
        .current_dir(dir)
        .output()
        .unwrap();
    serde_json::from_slice(&out.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}: {} {}",
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        )
    })
}

fn rules_and_resources(j: &serde_json::Value) -> Vec<(String, String)> {
    j["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["rule"].as_str().unwrap().to_string(),
                f["resource"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

const BASE: &str = r#"module "storage" {
  source = "../modules/storage"
}
resource "aws_db_instance" "main" {
  storage_encrypted   = true
  deletion_protection = true
  backup_retention_period = 14
}
"#;

const MODULE: &str = r#"resource "aws_s3_bucket" "data" {
  bucket = "data"
}
"#;

fn repository(name: &str) -> PathBuf {
    let dir = std::env::temp_dir().join(format!("cloudwright-diff-{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("live")).unwrap();
    std::fs::create_dir_all(dir.join("modules/storage")).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    std::fs::write(dir.join("live/main.tf"), BASE).unwrap();
    std::fs::write(dir.join("modules/storage/main.tf"), MODULE).unwrap();
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    dir
}

#[test]
fn only_findings_introduced_since_the_base_are_reported() {
    let dir = repository("loose");
    let before = scan(&dir, &["live", "--rule", "CW-AWS-*"]);
    assert!(rules_and_resources(&before)
        .iter()
        .any(|(_, r)| r == "module.storage.aws_s3_bucket.data"));
    // the change: the database becomes public, and a new bucket appears
    std::fs::write(
        dir.join("live/main.tf"),
        BASE.replace(
            "storage_encrypted   = true",
            "storage_encrypted   = true\n  publicly_accessible = true",
        ),
    )
    .unwrap();
    std::fs::write(
        dir.join("modules/storage/main.tf"),
        format!("{MODULE}resource \"aws_s3_bucket\" \"extra\" {{\n  bucket = \"extra\"\n}}\n"),
    )
    .unwrap();
    let after = scan(&dir, &["live", "--diff-base", "main"]);
    let found = rules_and_resources(&after);
    assert!(
        found.contains(&(
            "CW-AWS-RDS-001".to_string(),
            "aws_db_instance.main".to_string()
        )),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .all(|(_, r)| r == "aws_db_instance.main" || r == "module.storage.aws_s3_bucket.extra"),
        "{found:?}"
    );
    assert!(after["summary"]["baselined"].as_u64().unwrap() > 0);
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn packed_history_and_ancestry_are_read() {
    let dir = repository("packed");
    // a second commit that changes the module slightly, so the pack stores a delta
    let changed =
        format!("{MODULE}resource \"aws_s3_bucket\" \"second\" {{\n  bucket = \"second\"\n}}\n");
    std::fs::write(dir.join("modules/storage/main.tf"), &changed).unwrap();
    git(&dir, &["commit", "-q", "-am", "second"]);
    git(&dir, &["gc", "-q", "--aggressive"]);
    assert!(
        std::fs::read_dir(dir.join(".git/objects/pack"))
            .unwrap()
            .count()
            >= 2
    );
    // HEAD~1 lacks the second bucket: its findings are new; HEAD has them all
    let since_first = rules_and_resources(&scan(&dir, &["live", "--diff-base", "HEAD~1"]));
    assert!(
        !since_first.is_empty()
            && since_first
                .iter()
                .all(|(_, r)| r == "module.storage.aws_s3_bucket.second"),
        "{since_first:?}"
    );
    let since_head = scan(&dir, &["live", "--diff-base", "HEAD"]);
    assert_eq!(since_head["summary"]["findings"], 0);
    // an unknown revision is a usage error
    let out = Command::new(env!("CARGO_BIN_EXE_cloudwright"))
        .args(["scan", "live", "--diff-base", "no-such-branch"])
        .current_dir(&dir)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("is not a revision"));
    let _ = std::fs::remove_dir_all(dir);
}

/// `cost diff --base REF`: the base revision is read from the repository
/// into a temporary directory, never into the working tree.
#[test]
fn cost_diff_against_a_git_revision() {
    let dir = std::env::temp_dir().join(format!("cloudwright-cost-diff-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("infra")).unwrap();
    let tf = |t: &str| {
        format!("provider \"aws\" {{\n  region = \"us-east-1\"\n}}\nresource \"aws_instance\" \"app\" {{\n  ami           = \"ami-1\"\n  instance_type = \"{t}\"\n}}\n")
    };
    std::fs::write(dir.join("infra/main.tf"), tf("t3.small")).unwrap();
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    std::fs::write(dir.join("infra/main.tf"), tf("t3.xlarge")).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cloudwright"))
        .args([
            "cost",
            "diff",
            "--base",
            "HEAD",
            "infra",
            "-o",
            "json",
            "--fail-above",
            "50",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    // t3.small → t3.xlarge: (0.1664 - 0.0208) × 730 = 106.29
    assert_eq!(json["delta_monthly_cost"], 106.29);
    assert_eq!(out.status.code(), Some(1), "above --fail-above 50");
    // the working tree is as the user left it
    assert_eq!(
        std::fs::read_to_string(dir.join("infra/main.tf")).unwrap(),
        tf("t3.xlarge")
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `review --base REF`: the change since a revision, across engines.
#[test]
fn review_against_a_git_revision() {
    let dir = std::env::temp_dir().join(format!("cloudwright-review-diff-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("infra")).unwrap();
    let base = "provider \"aws\" {\n  region = \"us-east-1\"\n}\nresource \"aws_s3_bucket\" \"data\" {\n  bucket = \"data\"\n}\n";
    std::fs::write(dir.join("infra/main.tf"), base).unwrap();
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    let head = format!("{base}resource \"aws_iam_role\" \"ci\" {{\n  name               = \"ci\"\n  assume_role_policy = jsonencode({{ Version = \"2012-10-17\", Statement = [{{ Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = {{ Service = \"codebuild.amazonaws.com\" }} }}] }})\n}}\nresource \"aws_iam_role_policy\" \"ci\" {{\n  role   = aws_iam_role.ci.id\n  policy = jsonencode({{ Version = \"2012-10-17\", Statement = [{{ Effect = \"Allow\", Action = \"iam:PutRolePolicy\", Resource = \"*\" }}] }})\n}}\n");
    std::fs::write(dir.join("infra/main.tf"), &head).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cloudwright"))
        .args([
            "review",
            "--base",
            "HEAD",
            "infra",
            "-o",
            "json",
            "--fail-on",
            "new-escalation",
        ])
        .current_dir(&dir)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(
        json["iam"]["new_escalation_paths"],
        serde_json::json!([{"principal": "aws_iam_role.ci", "target": "administrator"}])
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        std::fs::read_to_string(dir.join("infra/main.tf")).unwrap(),
        head
    );
    let _ = std::fs::remove_dir_all(&dir);
}

/// `review --base REF DIR` where the change adds DIR: at the base there is
/// nothing, so everything in it is new — not an input error about a
/// temporary directory that does not exist. The same for `cost diff`.
#[test]
fn review_of_a_directory_the_change_adds() {
    let dir = std::env::temp_dir().join(format!("cloudwright-review-new-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("old")).unwrap();
    std::fs::write(
        dir.join("old/main.tf"),
        "resource \"aws_s3_bucket\" \"a\" {\n  bucket = \"a\"\n}\n",
    )
    .unwrap();
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    std::fs::create_dir_all(dir.join("new")).unwrap();
    std::fs::write(
        dir.join("new/main.tf"),
        "provider \"aws\" {\n  region = \"us-east-1\"\n}\nresource \"aws_instance\" \"app\" {\n  ami           = \"ami-1\"\n  instance_type = \"t3.small\"\n}\n",
    )
    .unwrap();
    let run = |args: &[&str]| {
        Command::new(env!("CARGO_BIN_EXE_cloudwright"))
            .args(args)
            .current_dir(&dir)
            .output()
            .unwrap()
    };
    let review = run(&["review", "--base", "HEAD", "new", "-o", "json"]);
    let cost = run(&["cost", "diff", "--base", "HEAD", "new", "-o", "json"]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        review.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&review.stderr)
    );
    let json: serde_json::Value = serde_json::from_slice(&review.stdout).unwrap();
    let new: Vec<&str> = json["findings"]["new"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(new.contains(&"CW-AWS-EC2-001"), "{new:?}");
    assert_eq!(cost.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_slice(&cost.stdout).unwrap();
    // t3.small: 0.0208 × 730
    assert_eq!(json["delta_monthly_cost"], 15.18);
}

/// A Terragrunt unit scanned alone, at the base as in the working tree:
/// the configuration it includes from above the scanned directory is read
/// on both sides, so a finding it decides is not new.
#[test]
fn a_terragrunt_unit_compares_with_its_base() {
    let dir = std::env::temp_dir().join(format!("cloudwright-diff-tg-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(dir.join("live/queue")).unwrap();
    std::fs::create_dir_all(dir.join("modules/queue")).unwrap();
    git(&dir, &["init", "-q", "-b", "main"]);
    // the included configuration leaves the queue unencrypted
    std::fs::write(
        dir.join("live/root.hcl"),
        "inputs = {\n  encrypted = false\n}\n",
    )
    .unwrap();
    std::fs::write(
        dir.join("live/queue/terragrunt.hcl"),
        "include \"root\" {\n  path = find_in_parent_folders(\"root.hcl\")\n}\nterraform {\n  source = \"../../modules/queue\"\n}\n",
    )
    .unwrap();
    let module = |name: &str| {
        format!("variable \"encrypted\" {{ type = bool }}\nresource \"aws_sqs_queue\" \"q\" {{\n  name                    = \"{name}\"\n  sqs_managed_sse_enabled = var.encrypted\n}}\n")
    };
    std::fs::write(dir.join("modules/queue/main.tf"), module("jobs")).unwrap();
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    let only = ["live/queue", "--rule", "CW-AWS-SQS-*"];
    let everything = scan(&dir, &only);
    assert!(
        rules_and_resources(&everything)
            .iter()
            .any(|(_, r)| r == "aws_sqs_queue.q"),
        "{everything}"
    );
    // the change renames the queue: its finding was there at the base
    std::fs::write(dir.join("modules/queue/main.tf"), module("jobs-2")).unwrap();
    let changed = scan(&dir, &[&only[..], &["--diff-base", "main"]].concat());
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(rules_and_resources(&changed), vec![], "{changed}");
}

/// `review --base REF` of two root directories: each is a root of its
/// own on both sides (they were both the scanned directory's `.`, their
/// resources one), so the change to one is said of that one.
#[test]
fn review_of_two_roots_against_a_git_revision() {
    let dir = std::env::temp_dir().join(format!("cloudwright-review-roots-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    let exposed = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../cloudwright-network/tests/fixtures/exposed_instance/main.tf");
    let text = std::fs::read_to_string(exposed).unwrap();
    for root in ["a", "b"] {
        std::fs::create_dir_all(dir.join(root)).unwrap();
        std::fs::write(dir.join(root).join("main.tf"), &text).unwrap();
    }
    git(&dir, &["init", "-q"]);
    git(&dir, &["add", "."]);
    git(&dir, &["commit", "-q", "-m", "base"]);
    // b's SSH closed to the internet
    let closed = text.replace(
        "cidr_blocks = [\"0.0.0.0/0\"]",
        "cidr_blocks = [\"10.0.0.0/8\"]",
    );
    assert_ne!(closed, text);
    std::fs::write(dir.join("b/main.tf"), &closed).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_cloudwright"))
        .args(["review", "--base", "HEAD", "a", "b", "-o", "json"])
        .current_dir(&dir)
        .output()
        .unwrap();
    let json: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let _ = std::fs::remove_dir_all(&dir);
    let closed: Vec<(&str, &str)> = json["exposures"]["closed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| (e["root"].as_str().unwrap(), e["resource"].as_str().unwrap()))
        .collect();
    assert_eq!(closed, [("b", "aws_instance.bastion")], "{json}");
    assert_eq!(json["exposures"]["opened"], serde_json::json!([]));
    let fixed: Vec<(&str, &str)> = json["findings"]["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| (f["root"].as_str().unwrap(), f["rule"].as_str().unwrap()))
        .collect();
    assert_eq!(
        fixed,
        [("b", "CW-AWS-NET-002"), ("b", "CW-AWS-SG-001")],
        "{json}"
    );
}
