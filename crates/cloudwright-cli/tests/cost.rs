//! `cloudwright cost`, `cost diff` and `pricing` end to end on the bundled
//! example and its planted change (examples/three-tier-change: bigger app
//! instances but fewer, a NAT gateway per AZ, a bastion host).

mod common;
use common::{cost_changes, json_of, run, stdout};

#[test]
fn cost_of_the_example_in_every_format() {
    let out = run(&["cost", "examples/three-tier"]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!("cost_example_text", stdout(&out));

    let out = run(&["cost", "examples/three-tier", "-o", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["currency"], "USD");
    // the usage file beside the example prices the NAT's data and the load balancer's LCUs
    let nat = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "module.network.aws_nat_gateway.this[\"eu-west-1a\"]")
        .unwrap();
    // 0.048 × 730 + 400 GB × 0.048, in cents
    assert_eq!(nat["monthly_cost"], 54.24);
    assert_eq!(nat["components"][1]["usage_based"], true);
    assert_eq!(nat["components"][1]["quantity"], 400.0);
    // the database is in no catalogue region entry: unpriced with the reason, never $0
    assert_eq!(json["unpriced"][0]["address"], "aws_db_instance.main");
    assert!(json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .all(|r| r["address"] != "aws_db_instance.main"));
    insta::assert_snapshot!("cost_example_json", stdout(&out));

    let out = run(&["cost", "examples/three-tier", "-o", "csv"]);
    insta::assert_snapshot!("cost_example_csv", stdout(&out));
    let out = run(&["cost", "examples/three-tier", "-o", "markdown"]);
    insta::assert_snapshot!("cost_example_markdown", stdout(&out));
}

/// Each deployment of a Terraform Stack is priced in its own regions; an
/// instance whose size a variable set gives (unknown here) is not priced,
/// and with several roots each such says its root.
#[test]
fn cost_of_a_stack_prices_each_deployment() {
    let dir = "crates/cloudwright-terraform/tests/fixtures/stacks";
    let text = stdout(&run(&["cost", dir]));
    assert!(
        text.starts_with("Root module web/deployment.staging\n"),
        "{text}"
    );
    assert!(
        text.contains("  component.app[\"us-east-1\"].aws_instance.web (root web/deployment.production): component.app[\"us-east-1\"].aws_instance.web.instance_type is known only after apply (from store.varset.sizing.instance_type)\n"),
        "{text}"
    );
    let json = json_of(&["cost", dir, "-o", "json"]);
    let priced: Vec<(&str, &str, &str)> = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["root"].as_str().unwrap(),
                r["address"].as_str().unwrap(),
                r["region"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        priced,
        [(
            "web/deployment.staging",
            "component.app[\"eu-west-1\"].aws_instance.web",
            "eu-west-1"
        )]
    );
}

#[test]
fn cost_diff_of_the_planted_change() {
    let out = run(&[
        "cost",
        "diff",
        "examples/three-tier",
        "examples/three-tier-change",
    ]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("cost_diff_text", stdout(&out));
    let out = run(&[
        "cost",
        "diff",
        "examples/three-tier",
        "examples/three-tier-change",
        "-o",
        "markdown",
    ]);
    insta::assert_snapshot!("cost_diff_markdown", stdout(&out));
    let out = run(&[
        "cost",
        "diff",
        "examples/three-tier",
        "examples/three-tier-change",
        "-o",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let asg = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["address"] == "module.web.aws_autoscaling_group.app")
        .unwrap();
    assert_eq!(asg["change"], "changed");
    // t3.medium × 2 → m6i.large × 1 in eu-west-1
    let instances = &asg["components"][0];
    assert_eq!(
        instances["detail"],
        "t3.medium × 2 → m6i.large × 1, 1460 → 730 Hrs"
    );
    let want = 730.0 * 0.107 - 2.0 * 730.0 * 0.0456;
    assert!((instances["delta_monthly_cost"].as_f64().unwrap() - want).abs() < 0.006);
    let added: Vec<&str> = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["change"] == "added")
        .map(|r| r["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        added,
        vec![
            "aws_instance.bastion",
            "module.network.aws_eip.nat[\"eu-west-1b\"]",
            "module.network.aws_eip.nat[\"eu-west-1c\"]",
            "module.network.aws_nat_gateway.this[\"eu-west-1b\"]",
            "module.network.aws_nat_gateway.this[\"eu-west-1c\"]",
        ]
    );
}

#[test]
fn fail_above_sets_the_exit_code() {
    let args = [
        "cost",
        "diff",
        "examples/three-tier",
        "examples/three-tier-change",
    ];
    let with = |t: &str| {
        let mut a = args.to_vec();
        a.extend(["--fail-above", t]);
        run(&a).status.code()
    };
    assert_eq!(with("100"), Some(1));
    assert_eq!(with("10%"), Some(1));
    assert_eq!(with("1000"), Some(0));
    assert_eq!(with("500%"), Some(0));
    assert_eq!(with("lots"), Some(2));
    let out = run(&["cost", "diff", "examples/three-tier"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn pricing_info_shows_coverage_and_a_bad_catalogue_is_located() {
    let out = run(&["pricing", "info", "--catalogue", "/nonexistent/pricing.tsv"]);
    assert_eq!(out.status.code(), Some(2));
    let dir = std::env::temp_dir().join(format!("cloudwright-pricing-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let bad = dir.join("pricing.tsv");
    std::fs::write(&bad, "# header\nAmazonEC2\tus-east-1\tCompute Instance\n").unwrap();
    let out = run(&[
        "cost",
        "examples/three-tier",
        "--catalogue",
        bad.to_str().unwrap(),
    ]);
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    assert!(
        err.contains("pricing.tsv:2: expected 9 tab-separated fields"),
        "{err}"
    );
    let _ = std::fs::remove_dir_all(dir);
    let out = run(&["pricing", "info"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains("AmazonEC2"), "{text}");
    assert!(
        text.contains("us-east-1,us-west-2,eu-central-1,eu-west-1")
            || text.contains("eu-central-1,eu-west-1,us-east-1,us-west-2"),
        "{text}"
    );
}

#[test]
fn cost_diff_of_two_plan_files() {
    let json = json_of(&[
        "cost",
        "diff",
        "crates/cloudwright-cli/tests/fixtures/cost-plans/base.json",
        "crates/cloudwright-cli/tests/fixtures/cost-plans/head.json",
        "-o",
        "json",
    ]);
    let h = 730.0;
    // two t3.large → three m5.large (20 GB gp3 root volumes), a NAT gateway added
    let base = 2.0 * (0.0832 * h + 20.0 * 0.08);
    let head = 3.0 * (0.096 * h + 20.0 * 0.08) + 0.045 * h;
    assert_totals(&json, base, head);
    let changes = cost_changes(&json);
    assert_eq!(
        changes,
        vec![
            ("aws_instance.web[0]", "changed"),
            ("aws_instance.web[1]", "changed"),
            ("aws_instance.web[2]", "added"),
            ("aws_nat_gateway.main", "added"),
        ]
    );
    assert_eq!(
        json["resources"][0]["components"][0]["detail"],
        "t3.large → m5.large"
    );
}

/// One plan is a change: its cost is that of its planned values less that
/// of the state it starts from — a resource it deletes is removed.
#[test]
fn cost_diff_of_one_plan() {
    let json = json_of(&[
        "cost",
        "diff",
        "crates/cloudwright-terraform/tests/fixtures/plan_change/plan.json",
        "-o",
        "json",
    ]);
    let h = 730.0;
    let root = 8.0 * 0.08;
    let db = 0.018 * h + 20.0 * 0.115;
    // web[0], batch and legacy (t3.nano, released from management)
    let base = (0.0104 * h + root) + (0.0208 * h + root) + (0.0052 * h + root) + db;
    // two web instances and the imported Elastic IP
    let head = 2.0 * (0.096 * h + root) + db + 0.005 * h;
    assert_totals(&json, base, head);
    let changes = cost_changes(&json);
    assert_eq!(
        changes,
        vec![
            ("aws_eip.nat", "added"),
            ("aws_instance.batch", "removed"),
            ("aws_instance.legacy", "removed"),
            ("aws_instance.web[0]", "changed"),
            ("aws_instance.web[1]", "added"),
        ]
    );
    // a directory is still not a change by itself
    let out = run(&["cost", "diff", "examples/three-tier"]);
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn input_that_cannot_be_loaded_is_said_on_stderr() {
    for command in [
        &["cost", "no/such/dir"][..],
        &["review", "no/such/dir"],
        &["resilience", "no/such/dir"],
    ] {
        let out = run(command);
        assert_eq!(out.status.code(), Some(2), "{command:?}");
        let err = String::from_utf8_lossy(&out.stderr);
        assert!(
            err.contains("no/such/dir does not exist or is not a directory"),
            "{command:?}: {err}"
        );
    }
}

/// A change that breaks a block does not save what the block costs: the
/// head cannot read it, so it is not removed.
#[test]
fn cost_diff_does_not_count_what_the_head_could_not_read_as_removed() {
    let out = run(&[
        "cost",
        "diff",
        "crates/cloudwright-cli/tests/fixtures/syntax-error/before",
        "crates/cloudwright-cli/tests/fixtures/syntax-error/after",
        "-o",
        "json",
    ]);
    let j: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(j["base_monthly_cost"], 15.18);
    assert_eq!(j["head_monthly_cost"], 15.18);
    assert_eq!(j["delta_monthly_cost"], 0.0);
    assert_eq!(j["resources"], serde_json::json!([]));
}

/// The monthly totals of a `cost diff -o json` document, to the cent.
fn assert_totals(diff: &serde_json::Value, base: f64, head: f64) {
    let cents = |x: f64| (x * 100.0).round() / 100.0;
    assert_eq!(diff["base_monthly_cost"], cents(base));
    assert_eq!(diff["head_monthly_cost"], cents(head));
}
