//! Resources with the same address in different root modules stay apart.

use cloudwright_scan::{scan, select_rules, ScanOptions};
use cloudwright_terraform::{load, LoadOptions};
use std::path::PathBuf;

#[test]
fn a_companion_in_one_root_does_not_protect_a_namesake_in_another() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/two_roots");
    let graph = load(&[dir], &LoadOptions::default());
    assert_eq!(graph.roots(), vec!["dev", "prod"]);
    assert!(graph.resource_in("dev", "aws_s3_bucket.data").is_some());
    assert!(graph.resource_in("prod", "aws_s3_bucket.data").is_some());
    let options = ScanOptions {
        only: vec!["CW-AWS-S3-001".into()],
        ..Default::default()
    };
    let report = scan(&graph, &select_rules(&options).unwrap(), &options);
    let failing: Vec<(&str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.root.as_str(), f.resource.as_str()))
        .collect();
    assert_eq!(failing, vec![("dev", "aws_s3_bucket.data")]);
    // the two findings a rule could raise on namesakes have different fingerprints
    let mut dev = report.findings[0].clone();
    let fp = dev.fingerprint();
    dev.root = "prod".into();
    assert_ne!(fp, dev.fingerprint());
}

/// Terragrunt units are the roots: a setting one unit's `inputs` make is
/// that unit's (Checkov, reading the module alone, cannot tell prod's
/// public bucket from dev's private one), and the state backend the
/// included `remote_state` configures is checked for every unit.
#[test]
fn terragrunt_units_are_scanned_as_the_roots_terragrunt_runs() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terragrunt");
    let graph = load(&[dir], &LoadOptions::default());
    assert_eq!(
        graph.roots(),
        vec!["live/dev/bucket", "live/prod/bucket", "live/prod/vpc"]
    );
    let options = ScanOptions {
        only: vec!["CW-AWS-S3-001".into(), "CW-TF-STATE-003".into()],
        ..Default::default()
    };
    let report = scan(&graph, &select_rules(&options).unwrap(), &options);
    let failing: Vec<(&str, &str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.rule_id, f.root.as_str(), f.resource.as_str()))
        .collect();
    assert_eq!(
        failing,
        vec![
            (
                "CW-AWS-S3-001",
                "live/prod/bucket",
                "aws_s3_bucket_public_access_block.this"
            ),
            ("CW-TF-STATE-003", "live/dev/bucket", "terraform.backend.s3"),
            (
                "CW-TF-STATE-003",
                "live/prod/bucket",
                "terraform.backend.s3"
            ),
            ("CW-TF-STATE-003", "live/prod/vpc", "terraform.backend.s3"),
        ]
    );
    // the backend's finding is where the included configuration sets it
    let state = report
        .findings
        .iter()
        .find(|f| f.rule_id == "CW-TF-STATE-003")
        .unwrap();
    let span = state.span.unwrap();
    assert_eq!(
        graph.sources.get(span.file).display_path,
        "live/terragrunt.hcl"
    );
}

/// A resource another Terragrunt unit uses through a `dependency` output
/// is used: the Elastic IP of one unit, held by the other's NAT gateway,
/// is not "attached to nothing" — the graph links the two roots.
#[test]
fn a_resource_another_terragrunt_unit_uses_is_used() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terragrunt_links");
    let graph = load(&[dir], &LoadOptions::default());
    let eip = graph.resource_in("live/eip", "aws_eip.nat").unwrap();
    let users: Vec<(&str, &str)> = graph
        .referrers(eip)
        .map(|(r, attribute)| (&*r.root, attribute))
        .filter(|(_, attribute)| *attribute == "allocation_id")
        .collect();
    assert_eq!(users, vec![("live/nat", "allocation_id")]);
    let options = ScanOptions {
        only: vec!["CW-AWS-COST-006".into()],
        ..Default::default()
    };
    let report = scan(&graph, &select_rules(&options).unwrap(), &options);
    assert!(report.findings.is_empty(), "{:?}", report.findings);
}

/// The module a Terragrunt unit deploys is pinned as a module call is: a
/// git source to a tag or a commit, a registry one to a version.
#[test]
fn a_terragrunt_unit_pins_its_module() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/terragrunt_pins");
    let checkout = dir.join("checkout");
    let options = LoadOptions {
        terragrunt_source_map: vec![
            (
                "git::https://example.com/acme/m.git".into(),
                checkout.clone(),
            ),
            ("git::git@github.com:acme/m.git".into(), checkout.clone()),
            ("https://github.com/acme/m.git".into(), checkout.clone()),
            ("tfr:///acme/q/aws".into(), checkout.join("q")),
        ],
        ..LoadOptions::default()
    };
    let graph = load(&[dir.join("live")], &options);
    assert_eq!(graph.roots().len(), 5, "{:?}", graph.diagnostics);
    let scan_options = ScanOptions {
        only: vec!["CW-TF-PIN-003".into()],
        ..Default::default()
    };
    let report = scan(&graph, &select_rules(&scan_options).unwrap(), &scan_options);
    let failing: Vec<(&str, &str)> = report
        .findings
        .iter()
        .map(|f| (f.root.as_str(), &*f.message))
        .collect();
    assert_eq!(
        failing,
        vec![
            ("fail_branch", "the unit's \"git::https://example.com/acme/m.git//q?ref=main\" pins ref=main, which reads as a branch, not a tag or commit"),
            ("fail_no_ref", "the unit's \"git::git@github.com:acme/m.git//q\" has no ?ref=: it follows the default branch"),
            ("fail_tfr", "the unit's \"tfr:///acme/q/aws\" has no ?version=: every run takes the latest release"),
        ]
    );
}
