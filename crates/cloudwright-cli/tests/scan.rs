//! `cloudwright scan` end to end on the bundled example.

mod common;

use common::{repo, run, stdout};

const EXAMPLE: &str = "examples/three-tier";

#[test]
fn text_report_on_the_example() {
    let out = run(&["scan", EXAMPLE]);
    assert_eq!(
        out.status.code(),
        Some(1),
        "findings at or above medium exit 1"
    );
    insta::assert_snapshot!("scan_text", stdout(&out));
}

#[test]
fn json_report_on_the_example() {
    let out = run(&["scan", EXAMPLE, "-o", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["schema_version"], "1");
    let rules: Vec<&str> = json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    for planted in [
        "CW-AWS-RDS-002",
        "CW-AWS-SG-001",
        "CW-AWS-ELB-001",
        "CW-AWS-EC2-001",
        "CW-AWS-S3-001",
        "CW-AWS-SECRETS-001",
        "CW-AWS-VPC-001",
    ] {
        assert!(rules.contains(&planted), "{planted} missing from {rules:?}");
    }
    // the secret is never printed
    assert!(!stdout(&out).contains("example-only-not-a-secret"));
    insta::assert_json_snapshot!("scan_json", json, {".tool.version" => "[version]"});
}

#[test]
fn sarif_has_what_github_code_scanning_needs() {
    let out = run(&["scan", EXAMPLE, "-o", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    let run0 = &sarif["runs"][0];
    let rules = run0["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(
        rules
            .iter()
            .all(|r| r["properties"]["security-severity"].is_string()
                && r["help"]["text"].is_string())
    );
    for result in run0["results"].as_array().unwrap() {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        let loc = &result["locations"][0]["physicalLocation"];
        assert_eq!(loc["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        let uri = loc["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.starts_with('/'), "relative uri: {uri}");
        assert!(loc["region"]["startLine"].as_u64().unwrap() >= 1);
        assert!(result["partialFingerprints"]["cloudwright/v1"].is_string());
    }
    insta::assert_json_snapshot!("scan_sarif", sarif, {".runs[0].tool.driver.version" => "[version]", ".runs[0].tool.driver.semanticVersion" => "[version]"});
}

#[test]
fn junit_github_and_markdown() {
    let out = run(&["scan", EXAMPLE, "-o", "junit", "--fail-on", "critical"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "no critical finding in the example"
    );
    insta::assert_snapshot!("scan_junit", stdout(&out));
    let out = run(&["scan", EXAMPLE, "-o", "github"]);
    insta::assert_snapshot!("scan_github", stdout(&out));
    let out = run(&["scan", EXAMPLE, "-o", "markdown"]);
    insta::assert_snapshot!("scan_markdown", stdout(&out));
}

#[test]
fn several_outputs_in_one_run() {
    let dir = std::env::temp_dir().join(format!("cloudwright-scan-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let sarif = dir.join("r.sarif");
    let junit = dir.join("r.xml");
    let out = run(&[
        "scan",
        EXAMPLE,
        "-o",
        "text",
        "-o",
        &format!("sarif={}", sarif.display()),
        "-o",
        &format!("junit={}", junit.display()),
    ]);
    assert_eq!(out.status.code(), Some(1));
    assert!(stdout(&out).contains("CW-AWS-SG-001"));
    assert!(std::fs::read_to_string(&sarif)
        .unwrap()
        .contains("\"version\": \"2.1.0\""));
    assert!(std::fs::read_to_string(&junit)
        .unwrap()
        .starts_with("<?xml"));
    let _ = std::fs::remove_dir_all(dir);
}

#[test]
fn rule_selection_and_thresholds() {
    let out = run(&["scan", EXAMPLE, "--rule", "CKV_AWS_24", "-o", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["summary"]["rules"], 1);
    assert_eq!(json["findings"][0]["rule"], "CW-AWS-SG-001");
    let out = run(&["scan", EXAMPLE, "--skip-rule", "CW-*", "-o", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["summary"]["findings"], 0);
    assert_eq!(out.status.code(), Some(0));
    let out = run(&["scan", EXAMPLE, "--severity", "high", "-o", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(json["findings"]
        .as_array()
        .unwrap()
        .iter()
        .all(|f| f["severity"] == "high" || f["severity"] == "critical"));
}

#[test]
fn usage_errors_exit_2() {
    assert_eq!(
        run(&["scan", EXAMPLE, "--rule", "NOPE-1"]).status.code(),
        Some(2)
    );
    assert_eq!(
        run(&["scan", EXAMPLE, "--fail-on", "severe"]).status.code(),
        Some(2)
    );
    assert_eq!(run(&["scan", EXAMPLE, "-o", "pdf"]).status.code(), Some(2));
    let broken = run(&[
        "scan",
        "crates/cloudwright-terraform/tests/fixtures/syntax_error",
    ]);
    assert_eq!(
        broken.status.code(),
        Some(2),
        "input that could not be loaded"
    );
}

#[test]
fn rules_and_explain() {
    let out = run(&["rules", "-o", "json"]);
    let rules: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(rules.as_array().unwrap().len() >= 30);
    let out = run(&["rules", "s3"]);
    assert!(stdout(&out).contains("CW-AWS-S3-001"));
    let out = run(&["explain", "AVD-AWS-0088"]);
    assert_eq!(out.status.code(), Some(0));
    assert!(stdout(&out).starts_with("# CW-AWS-S3-002"));
    assert!(stdout(&out).contains("## Failing example"));
    assert_eq!(run(&["explain", "nope"]).status.code(), Some(2));
}

#[test]
fn sarif_validates_against_the_official_schema() {
    let text = std::fs::read_to_string(
        repo().join("crates/cloudwright-cli/tests/schemas/sarif-2.1.0-rtm.5.json"),
    )
    .unwrap();
    // Known erratum of the published schema: the `run.language` pattern has
    // a stray `]`, which ECMAScript regex syntax (and so the validator)
    // rejects; use the intended pattern. Nothing else is changed.
    let text = text.replace(
        r#"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$"#,
        r#"^[a-zA-Z]{2}(-[a-zA-Z]{2})?$"#,
    );
    let schema: serde_json::Value = serde_json::from_str(&text).unwrap();
    let validator = jsonschema::draft4::new(&schema).expect("the schema compiles");
    // the example (findings, related locations) and a suppressed finding
    let dir = std::env::temp_dir().join(format!("cloudwright-sarif-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("main.tf"), "resource \"aws_s3_bucket\" \"b\" {\n  # cloudwright:ignore CW-AWS-S3-003 scratch\n  bucket = \"b\"\n}\n").unwrap();
    // and load errors, as the run's notifications
    let schema_errors = repo().join(SCHEMA_ERRORS);
    for target in [repo().join(EXAMPLE), dir.clone(), schema_errors] {
        let out = run(&["scan", target.to_str().unwrap(), "-o", "sarif"]);
        let sarif: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
        let errors: Vec<String> = validator
            .iter_errors(&sarif)
            .map(|e| format!("{} at {}", e, e.instance_path()))
            .collect();
        assert!(errors.is_empty(), "{}: {errors:#?}", target.display());
        // the validator does reject a broken document
        let mut broken = sarif.clone();
        broken["runs"][0]["results"][0]["level"] = serde_json::json!("fatal");
        broken["version"] = serde_json::json!("2.0");
        assert!(validator.iter_errors(&broken).count() >= 2);
    }
    let _ = std::fs::remove_dir_all(dir);
}

/// A tree with what Terraform would refuse (a misspelt argument, an
/// unknown resource type): the loader's errors and warnings.
const SCHEMA_ERRORS: &str = "crates/cloudwright-terraform/tests/fixtures/provider_schema";

/// What the loader finds wrong reaches the places a pull request shows:
/// GitHub annotations on the line, and the SARIF run's notifications.
#[test]
fn configuration_errors_reach_annotations_and_code_scanning() {
    let out = run(&["scan", SCHEMA_ERRORS, "-o", "github"]);
    let text = stdout(&out);
    let line = text
        .lines()
        .find(|l| l.contains("`encrypt`"))
        .expect("an annotation for the misspelt argument");
    assert!(
        line.starts_with(&format!(
            "::error file={SCHEMA_ERRORS}/main.tf,line=11,col=3,endLine=11,endColumn=27,title=Cloudwright configuration::unsupported argument `encrypt` in aws_ebs_volume.data"
        )),
        "{line}"
    );
    assert!(line.ends_with("— did you mean `encrypted`?"), "{line}");

    let out = run(&["scan", SCHEMA_ERRORS, "-o", "sarif"]);
    let sarif: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let invocation = &sarif["runs"][0]["invocations"][0];
    assert_eq!(invocation["executionSuccessful"], true);
    let notifications = invocation["toolExecutionNotifications"].as_array().unwrap();
    let encrypt = notifications
        .iter()
        .find(|n| n["message"]["text"].as_str().unwrap().contains("`encrypt`"))
        .expect("a notification for the misspelt argument");
    assert_eq!(encrypt["level"], "error");
    let location = &encrypt["locations"][0]["physicalLocation"];
    assert_eq!(
        location["artifactLocation"]["uri"],
        format!("{SCHEMA_ERRORS}/main.tf")
    );
    assert_eq!(location["region"]["startLine"], 11);
    let out = run(&["scan", SCHEMA_ERRORS, "-o", "markdown"]);
    let md = stdout(&out);
    assert!(
        md.starts_with("## Cloudwright scan\n\n❌ **Configuration:** 14 errors, 6 warnings\n\n- warning `extra.tf.json:6`: unsupported argument `quantum_cache`"),
        "{md}"
    );
    let levels: Vec<&str> = notifications
        .iter()
        .map(|n| n["level"].as_str().unwrap())
        .collect();
    assert_eq!(levels.iter().filter(|l| **l == "error").count(), 14);
    assert_eq!(levels.iter().filter(|l| **l == "warning").count(), 6);
}

/// A tree with nothing taggable says so, instead of "0 of 0 (100.0%)".
#[test]
fn tagging_coverage_of_a_tree_with_nothing_taggable() {
    let dir = std::env::temp_dir().join(format!("cw-scan-untaggable-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(
        dir.join("main.tf"),
        "locals {\n  name = \"x\"\n}\n\noutput \"name\" {\n  value = local.name\n}\n",
    )
    .unwrap();
    let path = dir.to_string_lossy().into_owned();
    let text = stdout(&run(&["scan", &path]));
    let markdown = stdout(&run(&["scan", &path, "-o", "markdown"]));
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(text.contains("Tagging: no taggable resources\n"), "{text}");
    assert!(!text.contains("0 of 0"), "{text}");
    assert!(
        markdown.contains("**Tagging:** no taggable resources."),
        "{markdown}"
    );
    assert!(!markdown.contains("| Tag |"), "{markdown}");
}
