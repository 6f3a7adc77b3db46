//! `cloudwright review` end to end: the whole-tree review of the bundled
//! example, and the change review of its planted change
//! (examples/three-tier-change: a bastion open to SSH, a CI role that can
//! rewrite its own permissions, bigger instances but a minimum of one, a
//! NAT gateway per AZ) — each engine's contribution checked.

mod common;
use common::{cost_changes, json_of, pairs, rules_and_resources, run, stdout};

const BASE: &str = "examples/three-tier";
const HEAD: &str = "examples/three-tier-change";

#[test]
fn review_of_the_example_has_every_section() {
    let out = run(&["review", BASE]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let text = stdout(&out);
    for section in [
        "1. Exposure",
        "2. Identity",
        "3. Security findings",
        "4. Resilience",
        "5. Cost",
        "6. IaC hygiene",
        "7. Configuration",
    ] {
        assert!(text.contains(section), "{section} missing:\n{text}");
    }
    insta::assert_snapshot!("review_example_text", text);

    let out = run(&["review", BASE, "-o", "json"]);
    let j: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(j["kind"], "review");
    let exposed: Vec<&str> = j["exposures"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["resource"].as_str().unwrap())
        .collect();
    assert_eq!(
        exposed,
        vec![
            "module.web.aws_autoscaling_group.app",
            "module.web.aws_lb.this"
        ]
    );
    assert_eq!(
        j["iam"]["escalation_paths"][0]["principal"],
        "module.web.aws_iam_role.app"
    );
    assert_eq!(j["cost"]["total_monthly_cost"], 208.35);
    assert_eq!(j["resilience"]["scenarios"].as_array().unwrap().len(), 4);
    assert_eq!(j["tagging"]["fully_tagged"], 37);
}

#[test]
fn review_says_what_each_engine_could_not_judge() {
    // a role with AWS-managed policies that cannot be read
    let dir = "crates/cloudwright-iam/tests/fixtures/escalation";
    let text = stdout(&run(&["review", dir]));
    assert!(
        text.contains("1 resource or trust policy open beyond the account; 1 principal with policies not analysed  (cloudwright iam"),
        "{text}"
    );
    assert!(
        text.contains("\n5. Cost — at least $0.00 a month (0 priced, 1 not priced,"),
        "{text}"
    );
    let j: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["review", dir, "-o", "json"]))).unwrap();
    assert_eq!(
        j["iam"]["not_analysed"][0]["principal"],
        "aws_iam_role.opaque"
    );
    // load balancers in subnets that do not say their zones
    let dir = "crates/cloudwright-network/tests/fixtures/load_balancers";
    let text = stdout(&run(&["review", dir]));
    assert!(
        text.contains("\n4. Resilience — 0 down, 0 degraded across the failure scenarios (2 entry points not judged by every kind of scenario: where they run is not known from the code); "),
        "{text}"
    );
}

#[test]
fn change_review_of_the_planted_change() {
    let out = run(&["review", BASE, HEAD]);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    insta::assert_snapshot!("review_change_text", stdout(&out));
    let out = run(&["review", BASE, HEAD, "-o", "markdown"]);
    let md = stdout(&out);
    assert!(
        md.starts_with(
            "### Cloudwright: opens 1 exposure path · adds 1 escalation path · +$137.35/mo"
        ),
        "{md}"
    );
    insta::assert_snapshot!("review_change_markdown", md);

    let out = run(&["review", BASE, HEAD, "-o", "json"]);
    let j: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(j["kind"], "change-review");
    // network: the bastion's SSH is a new path from the internet
    let opened = &j["exposures"]["opened"];
    assert_eq!(opened.as_array().unwrap().len(), 1);
    assert_eq!(opened[0]["resource"], "aws_instance.bastion");
    assert_eq!(opened[0]["services"], "tcp 22");
    assert_eq!(opened[0]["sources"], "0.0.0.0/0");
    // IAM: the CI role can rewrite its own policy
    assert_eq!(
        j["iam"]["new_escalation_paths"],
        serde_json::json!([{"principal": "aws_iam_role.ci", "target": "administrator"}])
    );
    // cost: three NATs instead of one, an m6i.large instead of two
    // t3.medium, a bastion with a public address
    assert_eq!(j["cost"]["delta_monthly_cost"], 137.35);
    // resilience: a minimum of one instance is down when its AZ is
    let worse: Vec<(&str, &str, &str)> = j["resilience"]["worse"]
        .as_array()
        .unwrap()
        .iter()
        .map(|w| {
            (
                w["scenario"].as_str().unwrap(),
                w["before"].as_str().unwrap(),
                w["after"].as_str().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        worse,
        vec![
            ("AZ eu-west-1a", "degraded", "down"),
            ("AZ eu-west-1b", "degraded", "down"),
            ("AZ eu-west-1c", "degraded", "down"),
        ]
    );
    // findings: new and fixed, by rule
    let new: Vec<&str> = j["findings"]["new"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(new[0], "CW-AWS-NET-002");
    assert!(new.contains(&"CW-AWS-IAM-013") && new.contains(&"CW-AWS-RES-001"));
    let fixed: Vec<&str> = j["findings"]["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert_eq!(fixed, vec!["CW-AWS-NET-009", "CW-AWS-NET-009"]);
}

#[test]
fn fail_on_conditions_across_engines() {
    let code = |conditions: &str| {
        run(&["review", BASE, HEAD, "--fail-on", conditions])
            .status
            .code()
    };
    assert_eq!(code("new-exposure"), Some(1));
    assert_eq!(code("new-escalation"), Some(1));
    assert_eq!(code("resilience-regression"), Some(1));
    assert_eq!(code("severity>=critical"), Some(1));
    assert_eq!(code("cost-increase>100"), Some(1));
    assert_eq!(code("cost-increase>1000"), Some(0));
    assert_eq!(code("cost-increase>1000,cost-increase>500%"), Some(0));
    assert_eq!(code("anything"), Some(2));
    // on a whole tree: what is there
    let code = |conditions: &str| {
        run(&["review", BASE, "--fail-on", conditions])
            .status
            .code()
    };
    assert_eq!(code("new-escalation"), Some(1));
    assert_eq!(code("cost-increase>1"), Some(0));
    assert_eq!(run(&["review", BASE]).status.code(), Some(0));
}

/// The CI integrations run commands the binary accepts.
#[test]
fn ci_integrations_run_commands_that_exist() {
    let repo = common::repo();
    let read = |p: &str| std::fs::read_to_string(repo.join(p)).unwrap();
    // pre-commit hooks: cloudwright subcommands with accepted flags
    let hooks = read(".pre-commit-hooks.yaml");
    let entries: Vec<&str> = hooks
        .lines()
        .filter_map(|l| l.trim().strip_prefix("entry: "))
        .collect();
    assert_eq!(entries.len(), 2, "{hooks}");
    for entry in entries {
        let words: Vec<&str> = entry.split_whitespace().collect();
        assert_eq!(words[0], "cloudwright");
        // the same arguments on the example tree parse (usage errors exit 2
        // before anything is read; --base HEAD needs a repository, which
        // this checkout is)
        let mut args: Vec<&str> = words[1..].to_vec();
        args.push("examples/three-tier");
        let code = run(&args).status.code();
        assert!(matches!(code, Some(0) | Some(1)), "{entry}: {code:?}");
    }
    // the action and the GitLab job call `cloudwright review` with --base and --fail-on
    let action = read("action.yml");
    assert!(action.contains("set -- review \"$CW_PATH\""), "{action}");
    assert!(action.contains("--base \"$CW_BASE\"") && action.contains("--fail-on \"$CW_FAIL_ON\""));
    assert!(action.contains(
        "cargo install --locked --quiet --path \"$GITHUB_ACTION_PATH/crates/cloudwright-cli\""
    ));
    let gitlab = read("docs/ci/gitlab-ci.yml");
    let line = gitlab
        .lines()
        .find(|l| l.contains("- cloudwright review"))
        .unwrap();
    let conditions = line
        .split("--fail-on \"")
        .nth(1)
        .and_then(|s| s.split('"').next())
        .unwrap();
    // the conditions the snippet uses are ones the binary accepts
    let code = run(&["review", "examples/three-tier", "--fail-on", conditions])
        .status
        .code();
    assert!(matches!(code, Some(0) | Some(1)), "{conditions}: {code:?}");
}

/// A change that renames everything with `moved` blocks (a resource, one
/// renamed twice, a counted resource, a module call) and makes one real
/// change (a larger instance type): the review sees the same resources —
/// no finding fixed and found again, no cost removed and added — and
/// exactly the real change.
#[test]
fn change_review_follows_moved_blocks() {
    let (base, head) = (
        "crates/cloudwright-cli/tests/fixtures/moved/before",
        "crates/cloudwright-cli/tests/fixtures/moved/after",
    );
    let j = change_json(base, head);
    assert_eq!(j["findings"]["new"], serde_json::json!([]));
    assert_eq!(j["findings"]["fixed"], serde_json::json!([]));
    let changes: Vec<(String, String, f64)> = j["cost"]["resources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["address"].as_str().unwrap().to_string(),
                r["change"].as_str().unwrap().to_string(),
                r["delta_monthly_cost"].as_f64().unwrap(),
            )
        })
        .collect();
    assert_eq!(
        changes,
        [
            (
                "aws_instance.app[0]".to_string(),
                "changed".to_string(),
                58.25
            ),
            (
                "aws_instance.app[1]".to_string(),
                "changed".to_string(),
                58.25
            ),
        ]
    );
    assert_eq!(j["headline"], "+$116.51/mo");
    // `cost diff` reads the moves too: two instances resized, not two
    // removed and two added
    let out = run(&["cost", "diff", base, head, "-o", "json"]);
    let d: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let changed = cost_changes(&d);
    assert_eq!(
        changed,
        [
            ("aws_instance.app[0]", "changed"),
            ("aws_instance.app[1]", "changed")
        ]
    );
    assert_eq!(d["delta_monthly_cost"], 116.51);
}

/// `import` and `removed { lifecycle { destroy = false } }` hand objects
/// over without creating or destroying them: the review says so beside the
/// cost, and a released object's findings are not counted as fixed (a
/// `removed` block that destroys is a removal like any other).
#[test]
fn change_review_tells_imports_and_releases_from_creation_and_destruction() {
    let (base, head) = (
        "crates/cloudwright-cli/tests/fixtures/handover/before",
        "crates/cloudwright-cli/tests/fixtures/handover/after",
    );
    let j = change_json(base, head);
    let fixed: Vec<&str> = j["findings"]["fixed"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["resource"].as_str().unwrap())
        .collect();
    assert_eq!(fixed.len(), 7);
    assert!(fixed.iter().all(|r| *r == "aws_s3_bucket.old"), "{fixed:?}");
    assert_eq!(
        j["management"],
        serde_json::json!([
            {"address": "aws_instance.adopted", "change": "imported", "monthly_cost": 16.64},
            {"address": "aws_db_instance.legacy", "change": "released", "monthly_cost": 16.41},
        ])
    );
    let headline = j["headline"].as_str().unwrap();
    assert!(
        headline.contains("imports 1 object already running")
            && headline.contains("leaves 1 object running outside Terraform"),
        "{headline}"
    );
    let text = stdout(&run(&["review", base, head]));
    assert!(
        text.contains("← aws_db_instance.legacy  released with `destroy = false`: it keeps running unmanaged — $16.41/mo is still paid; its findings are not fixed"),
        "{text}"
    );
    // `cost-increase` is about what is paid: Terraform-managed cost grows
    // by $0.23, the bill does not (the import was paid, the release still is)
    assert_eq!(j["cost"]["delta_monthly_cost"], 0.23);
    let out = run(&["review", base, head, "--fail-on", "cost-increase>0.1"]);
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = run(&["review", base, head, "--fail-on", "cost-increase>-1"]);
    assert_eq!(out.status.code(), Some(1), "{}", stdout(&out));
}

/// One plan is a change: `review plan.json` compares the state the plan
/// starts from (`prior_state`) with its planned values — an SSH rule
/// opened to the internet, an instance resized, one added, one deleted, a
/// bucket moved (`previous_address`: the same bucket), an address imported
/// and one no longer managed (`forget`) — and prints no secret of either
/// (the database password in both).
#[test]
fn change_review_of_one_plan() {
    let plan = "crates/cloudwright-terraform/tests/fixtures/plan_change/plan.json";
    let j = json_of(&["review", plan, "-o", "json"]);
    assert_eq!(j["kind"], "change-review");
    assert_eq!(
        j["headline"],
        "+$116.60/mo · imports 1 object already running · leaves 1 object running outside Terraform · 1 new high or critical findings · fixes 3 findings"
    );
    assert_eq!(
        j["management"],
        serde_json::json!([
            {"address": "aws_eip.nat", "change": "imported", "monthly_cost": 3.65},
            {"address": "aws_instance.legacy", "change": "released", "monthly_cost": 4.44},
        ])
    );
    let listed = |side: &str| rules_and_resources(&j["findings"][side]);
    let new = listed("new");
    assert_eq!(
        new[0],
        (
            "CW-AWS-SG-001".to_string(),
            "aws_security_group.ssh".to_string()
        )
    );
    // a check failing before and after is not new; one the change mends is
    assert_eq!(j["configuration"]["new"], serde_json::json!([]));
    assert_eq!(
        j["configuration"]["mended"][0]["message"],
        "`check.monitoring`: an assertion fails (as the plan says): web[0] has no detailed monitoring."
    );
    // the moved bucket's findings are neither new nor fixed
    assert!(!new.iter().any(|(_, r)| r.contains("bucket")), "{new:?}");
    // the deleted instance's findings are fixed: it is gone
    let fixed = listed("fixed");
    assert_eq!(fixed.len(), 3);
    assert!(
        fixed.iter().all(|(_, r)| r == "aws_instance.batch"),
        "{fixed:?}"
    );
    // t3.micro → m5.large, a second m5.large, the batch instance deleted;
    // what is managed also gains the imported address and loses the
    // released instance
    assert_eq!(j["cost"]["delta_monthly_cost"], 116.6);
    for format in ["text", "json", "markdown"] {
        let out = run(&["review", plan, "-o", format]);
        assert!(!stdout(&out).contains("correct-horse-battery"), "{format}");
    }
    // with no configuration beside it, a finding is placed in the plan
    let text = stdout(&run(&["review", plan]));
    assert!(
        text.contains("+ high CW-AWS-SG-001 aws_security_group.ssh: ingress from 0.0.0.0/0 (the whole internet) to 22 (SSH)  plan.json:23\n"),
        "{text}"
    );
}

/// The JSON change review of `base` → `head`, which must succeed.
fn change_json(base: &str, head: &str) -> serde_json::Value {
    json_of(&["review", base, head, "-o", "json"])
}

/// What the loader finds wrong is part of the review: a change that
/// misspells an argument (`encrypt`: the volume is then unencrypted) adds
/// a configuration error, said first in the headline; one it corrects is
/// mended. Problems are matched by message and file, not line.
#[test]
fn change_review_says_what_the_change_does_to_the_configuration() {
    let before = "crates/cloudwright-cli/tests/fixtures/configuration/before";
    let after = "crates/cloudwright-cli/tests/fixtures/configuration/after";
    let out = run(&["review", before, after, "-o", "json"]);
    // (the configuration does not load cleanly)
    assert_eq!(out.status.code(), Some(2));
    let j: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        j["headline"],
        "adds 1 configuration error · +$8.80/mo · 1 new high or critical findings"
    );
    let new = j["configuration"]["new"].as_array().unwrap();
    assert_eq!(new.len(), 1);
    assert_eq!(new[0]["severity"], "error");
    assert_eq!(
        (new[0]["file"].as_str(), new[0]["line"].as_u64()),
        (Some("main.tf"), Some(8))
    );
    assert!(new[0]["message"]
        .as_str()
        .unwrap()
        .starts_with("unsupported argument `encrypt` in aws_ebs_volume.data"));
    let mended = j["configuration"]["mended"].as_array().unwrap();
    assert_eq!(mended.len(), 1);
    assert!(mended[0]["message"]
        .as_str()
        .unwrap()
        .contains("`message_retention_secnds`"));
    // and the finding the misspelling causes
    assert_eq!(j["findings"]["new"][0]["rule"], "CW-AWS-EC2-002");

    let out = run(&["review", after, "-o", "json"]);
    let j: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert!(j["headline"]
        .as_str()
        .unwrap()
        .starts_with("1 configuration error · "));
    assert_eq!(j["configuration"].as_array().unwrap().len(), 1);
}

/// A change that breaks a block does not remove what the block declares:
/// the head cannot read it, so its findings are not fixed and its cost is
/// not saved (before, this change "fixed 5 findings" at "-$15.18/mo").
#[test]
fn change_review_does_not_count_what_the_head_could_not_read_as_gone() {
    let before = "crates/cloudwright-cli/tests/fixtures/syntax-error/before";
    let after = "crates/cloudwright-cli/tests/fixtures/syntax-error/after";
    let out = run(&["review", before, after, "-o", "json"]);
    assert_eq!(out.status.code(), Some(2), "the head does not load cleanly");
    let j: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    // the one new finding is the group the unread instance attached
    // ... and is said to lie in a module read only in part
    assert_eq!(
        j["headline"],
        "adds 1 configuration error · 1 new finding (1 in modules read only in part)"
    );
    assert_eq!(j["findings"]["new"][0]["in_partly_read_module"], true);
    assert_eq!(j["findings"]["fixed"], serde_json::json!([]));
    assert_eq!(j["cost"]["delta_monthly_cost"], 0.0);
    assert_eq!(j["cost"]["head_monthly_cost"], 15.18);
    let new = j["configuration"]["new"].as_array().unwrap();
    assert_eq!(new.len(), 1);
    assert_eq!(new[0]["line"], 9);
}

/// A change to Terragrunt units: each finding it fixes is named with its
/// unit, since every unit has the same addresses (and the included
/// `remote_state` is one line for all of them).
#[test]
fn change_review_of_terragrunt_units_names_each_unit() {
    let base = "crates/cloudwright-scan/tests/fixtures/terragrunt";
    let head = scratch("cw-review-tg");
    copy_tree(base, &head);
    // prod's bucket made private, the shared state encrypted
    edit(
        &head.join("live/prod/bucket/terragrunt.hcl"),
        "public      = true",
        "public      = false",
    );
    edit(
        &head.join("live/terragrunt.hcl"),
        "encrypt = false",
        "encrypt = true",
    );
    let out = run(&["review", base, head.to_str().unwrap()]);
    let text = stdout(&out);
    let _ = std::fs::remove_dir_all(&head);
    let fixed: Vec<&str> = text.lines().filter(|l| l.starts_with("  - ")).collect();
    assert_eq!(
        fixed,
        [
            "  - high CW-AWS-S3-001 live/prod/bucket: aws_s3_bucket_public_access_block.this  modules/bucket/main.tf:12",
            // (by severity, then unit)
            "  - medium CW-TF-STATE-003 live/dev/bucket: terraform.backend.s3  live/terragrunt.hcl:7",
            "  - medium CW-TF-STATE-003 live/prod/bucket: terraform.backend.s3  live/terragrunt.hcl:7",
            "  - medium CW-TF-STATE-003 live/prod/vpc: terraform.backend.s3  live/terragrunt.hcl:7",
        ],
        "{text}"
    );
}

/// An empty place under the temporary directory for this test process.
fn scratch(name: &str) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("{name}-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&dir);
    dir
}

/// A copy of a directory of the repository at `to`.
fn copy_tree(from: &str, to: &std::path::Path) {
    let from = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../..")
        .join(from);
    for entry in walk(&from) {
        let dest = to.join(entry.strip_prefix(&from).unwrap());
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::copy(&entry, &dest).unwrap();
    }
}

/// Replaces `from` (which the file must hold) with `to` in a file.
fn edit(file: &std::path::Path, from: &str, to: &str) {
    let text = std::fs::read_to_string(file).unwrap();
    assert!(text.contains(from), "{}", file.display());
    std::fs::write(file, text.replace(from, to)).unwrap();
}

/// A change to one root that another reads through
/// `terraform_remote_state` is reviewed where it takes effect: the network
/// root's route to the internet removed, the application root's bastion
/// (its files unchanged) is no longer reachable.
#[test]
fn change_review_follows_remote_state_into_the_roots_that_read_it() {
    let base = "crates/cloudwright-terraform/tests/fixtures/remote_state";
    let head = scratch("cw-review-rs");
    copy_tree(base, &head);
    edit(
        &head.join("network/main.tf"),
        "  route {\n    cidr_block = \"0.0.0.0/0\"\n    gateway_id = aws_internet_gateway.gw.id\n  }\n",
        "",
    );
    let text = stdout(&run(&["review", base, head.to_str().unwrap()]));
    let _ = std::fs::remove_dir_all(&head);
    let exposure: Vec<&str> = text
        .lines()
        .skip_while(|l| !l.starts_with("Exposure:"))
        .take(2)
        .collect();
    assert_eq!(
        exposure,
        [
            "Exposure: 0 opened, 1 closed",
            "  - app: aws_instance.bastion  tcp 22 from 0.0.0.0/0"
        ],
        "{text}"
    );
}

/// A Terraform Stack's deployment given one more region is reviewed as
/// what it deploys there: the new region's open SSH path and its cost; the
/// code shared by every region (a module's provider constraints) is
/// neither fixed nor new because its first instance is another.
#[test]
fn change_review_of_a_stack_deployment_given_a_region() {
    let base = "crates/cloudwright-terraform/tests/fixtures/stacks";
    let head = scratch("cw-review-stack");
    copy_tree(base, &head);
    edit(
        &head.join("web/deployments.tfdeploy.hcl"),
        "regions        = [\"eu-west-1\"]\n    name           = \"web-staging\"\n    cidr_blocks    = { \"eu-west-1\" = \"10.10.0.0/16\" }",
        "regions        = [\"eu-west-1\", \"eu-central-1\"]\n    name           = \"web-staging\"\n    cidr_blocks    = { \"eu-west-1\" = \"10.10.0.0/16\", \"eu-central-1\" = \"10.11.0.0/16\" }",
    );
    let json = json_of(&["review", base, head.to_str().unwrap(), "-o", "json"]);
    let _ = std::fs::remove_dir_all(&head);
    assert_eq!(
        pairs(&json["exposures"]["opened"], "root", "resource"),
        [(
            "web/deployment.staging",
            "component.app[\"eu-central-1\"].aws_instance.web"
        )]
    );
    assert_eq!(json["findings"]["fixed"].as_array().map(Vec::len), Some(0));
    assert_eq!(json["cost"]["delta_monthly_cost"], 12.41);
}

/// The same address in two roots is two resources: one bastion closed
/// while the other, at the same address in another root, is opened is a
/// path closed and one opened — not no change.
#[test]
fn change_review_tells_roots_apart() {
    let exposed = "crates/cloudwright-network/tests/fixtures/exposed_instance";
    let dir = scratch("cw-review-roots");
    for side in ["base", "head"] {
        for root in ["a", "b"] {
            copy_tree(exposed, &dir.join(side).join(root));
        }
    }
    let close = |root: &str| {
        edit(
            &dir.join(root).join("main.tf"),
            "cidr_blocks = [\"0.0.0.0/0\"]",
            "cidr_blocks = [\"10.0.0.0/8\"]",
        )
    };
    close("base/b");
    close("head/a");
    let (base, head) = (dir.join("base"), dir.join("head"));
    let json = json_of(&[
        "review",
        base.to_str().unwrap(),
        head.to_str().unwrap(),
        "-o",
        "json",
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    let roots = |side: &str| pairs(&json["exposures"][side], "root", "resource");
    assert_eq!(roots("opened"), [("b", "aws_instance.bastion")], "{json}");
    assert_eq!(roots("closed"), [("a", "aws_instance.bastion")], "{json}");
}

/// An escalation a change adds in one of two roots is that root's: its
/// principal named with the root, "administrator" as it is.
#[test]
fn change_review_names_the_root_of_a_new_escalation() {
    let dir = scratch("cw-review-esc");
    let role = "resource \"aws_iam_role\" \"ci\" {\n  name               = \"ci\"\n  assume_role_policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Action = \"sts:AssumeRole\", Principal = { Service = \"codebuild.amazonaws.com\" } }] })\n}\n";
    let escalating = "resource \"aws_iam_role_policy\" \"ci\" {\n  role   = aws_iam_role.ci.id\n  policy = jsonencode({ Version = \"2012-10-17\", Statement = [{ Effect = \"Allow\", Action = \"iam:PutRolePolicy\", Resource = \"*\" }] })\n}\n";
    for side in ["base", "head"] {
        for root in ["a", "b"] {
            let root_dir = dir.join(side).join(root);
            std::fs::create_dir_all(&root_dir).unwrap();
            std::fs::write(root_dir.join("main.tf"), role).unwrap();
        }
    }
    std::fs::write(dir.join("head/b/policy.tf"), escalating).unwrap();
    let (base, head) = (dir.join("base"), dir.join("head"));
    let json = json_of(&[
        "review",
        base.to_str().unwrap(),
        head.to_str().unwrap(),
        "-o",
        "json",
    ]);
    let _ = std::fs::remove_dir_all(&dir);
    assert_eq!(
        json["iam"]["new_escalation_paths"],
        serde_json::json!([{"principal": "b: aws_iam_role.ci", "target": "administrator"}]),
        "{json}"
    );
}

/// Every file below a directory.
fn walk(dir: &std::path::Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap().flatten() {
        let path = entry.path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

/// A review of several roots (Terragrunt units) names each item's root —
/// the units have the same addresses — and ranks each section's findings
/// by severity (a state backend without locking before a missing tag).
#[test]
fn tree_review_of_terragrunt_units_names_each_unit() {
    let text = stdout(&run(&[
        "review",
        "crates/cloudwright-scan/tests/fixtures/terragrunt",
    ]));
    assert!(
        text.contains(
            "\n  high CW-AWS-S3-001 live/prod/bucket: aws_s3_bucket_public_access_block.this: "
        ),
        "{text}"
    );
    assert!(
        text.contains("\n  live/dev/bucket: aws_s3_bucket.this  $0.00\n  live/prod/bucket: aws_s3_bucket.this  $0.00\n"),
        "{text}"
    );
    let hygiene = text.split("\n6. ").nth(1).unwrap();
    let first = hygiene.lines().nth(1).unwrap();
    assert!(
        first.starts_with("  high CW-TF-STATE-002 live/dev/bucket: terraform.backend.s3: "),
        "{text}"
    );
}
