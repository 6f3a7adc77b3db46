//! Every inline suppression form, expiry, unused warnings and the switch
//! that turns them all off.

use cloudwright_scan::{scan, select_rules, ScanOptions, SuppressionKind};
use cloudwright_terraform::{load, LoadOptions};
use std::path::PathBuf;

fn run(inline: bool) -> (cloudwright_model::Graph, cloudwright_scan::ScanReport) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/suppressions");
    let graph = load(&[dir], &LoadOptions::default());
    let options = ScanOptions {
        only: vec!["CW-AWS-S3-003".into()],
        inline_suppressions: inline,
        today: "2026-01-01".into(),
        ..Default::default()
    };
    let rules = select_rules(&options).unwrap();
    let report = scan(&graph, &rules, &options);
    (graph, report)
}

#[test]
fn each_form_suppresses_through_aliases() {
    let (_, report) = run(true);
    let suppressed: Vec<(String, SuppressionKind, Option<String>)> = report
        .suppressed
        .iter()
        .map(|(f, s)| (f.resource.clone(), s.kind, s.reason.clone()))
        .collect();
    assert_eq!(
        suppressed,
        vec![
            (
                "aws_s3_bucket.checkov_inside".to_string(),
                SuppressionKind::Checkov,
                Some("scratch bucket".to_string())
            ),
            (
                "aws_s3_bucket.cloudwright_above".to_string(),
                SuppressionKind::Cloudwright,
                Some("versioning is not needed for scratch data".to_string())
            ),
            (
                "aws_s3_bucket.future_expiry".to_string(),
                SuppressionKind::Cloudwright,
                Some("until the migration".to_string())
            ),
            (
                "aws_s3_bucket.kics_block".to_string(),
                SuppressionKind::Kics,
                None
            ),
            (
                "aws_s3_bucket.kics_line".to_string(),
                SuppressionKind::Kics,
                None
            ),
            (
                "aws_s3_bucket.tfsec_above".to_string(),
                SuppressionKind::Tfsec,
                None
            ),
        ]
    );
    let active: Vec<&str> = report
        .findings
        .iter()
        .map(|f| f.resource.as_str())
        .collect();
    assert_eq!(
        active,
        vec![
            "aws_s3_bucket.not_suppressed",
            "aws_s3_bucket.trivy_expired"
        ]
    );
}

#[test]
fn expired_and_unused_suppressions_are_warnings() {
    let (graph, report) = run(true);
    let warnings: Vec<(String, u32)> = report
        .warnings
        .iter()
        .map(|w| (w.message.clone(), w.span.map(|s| s.line).unwrap_or(0)))
        .collect();
    assert_eq!(
        warnings,
        vec![
            (
                "suppression expired on 2020-01-01; the finding is reported again".to_string(),
                16
            ),
            ("cloudwright suppression matches no finding".to_string(), 30),
        ],
        "{:?}",
        graph.diagnostics
    );
}

#[test]
fn no_inline_suppressions_reports_everything() {
    let (_, report) = run(false);
    assert!(report.suppressed.is_empty());
    assert_eq!(report.findings.len(), 8);
    assert!(report.warnings.is_empty());
}

#[test]
fn kics_disable_by_query_id_applies_to_the_file() {
    let dir = std::env::temp_dir().join(format!("cloudwright-kics-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    // 568a4d22-… is KICS's "S3 Bucket Without Versioning"
    std::fs::write(
        dir.join("main.tf"),
        "# kics-scan disable=568a4d22-3517-44a6-a7ad-6a7eed88722c\nresource \"aws_s3_bucket\" \"a\" {\n  bucket = \"a\"\n}\n",
    )
    .unwrap();
    let graph = load(std::slice::from_ref(&dir), &LoadOptions::default());
    let options = ScanOptions {
        only: vec!["CW-AWS-S3-003".into()],
        ..Default::default()
    };
    let report = scan(&graph, &select_rules(&options).unwrap(), &options);
    assert!(report.findings.is_empty());
    assert_eq!(report.suppressed.len(), 1);
    assert_eq!(report.suppressed[0].1.kind, SuppressionKind::Kics);
    let _ = std::fs::remove_dir_all(dir);
}
