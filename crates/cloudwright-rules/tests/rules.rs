//! Every rule against its fixture tree.
//!
//! In `tests/fixtures/<RULE-ID>[-variant]/`, a resource whose name starts
//! with `fail` must get a finding from the rule, one starting with `pass`
//! must not, and one starting with `unknown` must be reported as undecidable
//! (never as a pass or a failure). Fixtures hold the failing value written
//! literally, through a variable, and inside a module.

use cloudwright_model::testing::with_each_unknown;
use cloudwright_model::Mode;
use cloudwright_terraform::{load, LoadOptions};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

fn fixtures() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures");
    let mut dirs: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .flatten()
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    dirs.sort();
    dirs
}

/// `CW-AWS-EC2-002-account-default` → `CW-AWS-EC2-002`.
fn rule_id(dir: &Path) -> String {
    let name = dir.file_name().unwrap().to_string_lossy().to_string();
    name.split('-').take(4).collect::<Vec<_>>().join("-")
}

/// Non-resource findings (provider blocks) by fixture.
fn extra_expected(id: &str) -> &'static [&'static str] {
    match id {
        "CW-AWS-SECRETS-002" => &["provider.aws"],
        "CW-AWS-SECRETS-003" => &[
            "var.db_password",
            "var.settings",
            "var.github_token",
            "module.m.var.signing_key",
        ],
        "CW-AWS-SECRETS-004" => &["output.api_token", "output.stripe"],
        "CW-AWS-SECRETS-005" => &["local.slack_token", "local.deploy_password"],
        "CW-TF-STATE-001" => &["fail_local:terraform", "fail_none:terraform"],
        "CW-TF-STATE-002" => &["fail_no_lock:terraform.backend.s3"],
        "CW-TF-STATE-003" => &["fail_plain:terraform.backend.s3"],
        "CW-TF-STATE-005" => &[
            "fail_app:terraform.backend",
            "fail_network:terraform.backend",
        ],
        "CW-TF-PIN-001" => &["fail_missing:terraform", "fail_open:terraform"],
        "CW-TF-PIN-002" => &[
            "fail_no_version:terraform.required_providers.aws",
            "fail_undeclared:terraform.required_providers.random",
        ],
        "CW-TF-PIN-003" => &[
            "module.fail_branch",
            "module.fail_no_ref",
            "module.fail_open",
            "module.fail_registry",
            "module.pass_local.module.fail_nested",
        ],
        "CW-TF-PROVIDER-001" => &["provider.aws"],
        _ => &[],
    }
}

/// Undecidable checks on module facts (not resources) by fixture.
fn extra_unknown(id: &str) -> &'static [&'static str] {
    match id {
        "CW-TF-STATE-002" | "CW-TF-STATE-003" => &["terraform.backend.s3"],
        "CW-TF-STATE-005" => &["terraform.backend"],
        "CW-TF-PROVIDER-001" => &["provider.aws.unknown"],
        _ => &[],
    }
}

/// Settings a fixture is run with (what `cloudwright.toml` would say), by
/// fixture directory name.
fn settings_for(fixture: &str) -> cloudwright_rules::Settings {
    let id = fixture.split('-').take(4).collect::<Vec<_>>().join("-");
    // drill ages are counted from a fixed day, so the snapshot holds
    let mut s = cloudwright_rules::Settings {
        today: "2026-12-01".into(),
        ..Default::default()
    };
    if fixture == "CW-AWS-RES-007-overdue" {
        s.last_restore_drill = Some("2026-05-01".into());
    }
    if fixture == "CW-AWS-RES-007-recent" {
        s.last_restore_drill = Some("2026-11-02".into());
    }
    if id == "CW-TF-TAG-002" {
        s.tags.values = vec![(
            "environment".to_string(),
            vec!["prod".to_string(), "staging".to_string(), "dev".to_string()],
        )];
        s.tags.patterns = vec![("cost-center".to_string(), "CC-*".to_string())];
    }
    if id == "CW-TF-MODULE-001" {
        s.shared_modules = vec![(
            "aws_vpc".to_string(),
            "git::https://github.com/acme/tf-modules.git//vpc?ref=v3.2.0".to_string(),
        )];
    }
    s
}

#[test]
fn every_rule_behaves_as_its_fixture_says() {
    let mut failures = Vec::new();
    let mut snapshot = String::new();
    for dir in fixtures() {
        let id = rule_id(&dir);
        let rule = cloudwright_rules::find(&id)
            .unwrap_or_else(|| panic!("fixture {} names no rule", dir.display()));
        let graph = load(std::slice::from_ref(&dir), &LoadOptions::default());
        let errors: Vec<_> = graph
            .diagnostics
            .iter()
            .filter(|d| d.severity == cloudwright_model::Severity::Error)
            .collect();
        assert!(errors.is_empty(), "{}: {errors:?}", dir.display());
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        let outcome = cloudwright_rules::run_with(&graph, &[rule], &settings_for(&name));
        let named = |prefix: &str| -> BTreeSet<String> {
            graph
                .resources
                .iter()
                .filter(|r| r.mode == Mode::Managed && r.name.starts_with(prefix))
                .map(|r| r.address.to_string())
                .collect()
        };
        let mut expected = named("fail");
        expected.extend(extra_expected(&id).iter().map(|s| s.to_string()));
        // findings on resources by address; on module facts (backends,
        // module calls, providers) in other roots than the fixture's own
        // as `root:address`
        let actual: BTreeSet<String> = outcome
            .findings
            .iter()
            .map(|f| {
                let on_resource = graph.resource_in(&f.root, &f.resource).is_some();
                if on_resource || f.root == "." {
                    f.resource.clone()
                } else {
                    format!("{}:{}", f.root, f.resource)
                }
            })
            .collect();
        if expected != actual {
            failures.push(format!(
                "{}: expected findings on {expected:?}, got {actual:?}",
                dir.display()
            ));
        }
        let unknown: BTreeSet<String> = outcome.unknown.iter().map(|(_, r, _)| r.clone()).collect();
        for u in named("unknown")
            .into_iter()
            .chain(extra_unknown(&id).iter().map(|s| s.to_string()))
        {
            if !unknown.contains(&u) {
                failures.push(format!(
                    "{}: {u} should be undecidable; unknown = {unknown:?}",
                    dir.display()
                ));
            }
        }
        // a `pass_` resource is decided: passing is not being undecidable
        for p in named("pass").intersection(&unknown) {
            failures.push(format!(
                "{}: {p} should pass, but is undecidable",
                dir.display()
            ));
        }
        for f in &outcome.findings {
            assert_eq!(f.rule_id, rule.id);
            let loc = f
                .span
                .map(|s| format!("{}:{}", graph.sources.get(s.file).display_path, s.line))
                .unwrap_or_default();
            snapshot.push_str(&format!(
                "{} {} [{}] {} — {}\n",
                f.rule_id, f.resource, f.attribute, loc, f.message
            ));
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n"));
    insta::assert_snapshot!("findings", snapshot);
}

/// A rule fixture loaded: its rule, its directory's name, the settings it
/// runs with, and its graph.
struct Case {
    id: String,
    rule: &'static cloudwright_rules::Rule,
    name: String,
    settings: cloudwright_rules::Settings,
    graph: cloudwright_model::Graph,
}

fn cases() -> impl Iterator<Item = Case> {
    fixtures().into_iter().map(|dir| {
        let id = rule_id(&dir);
        let name = dir.file_name().unwrap().to_string_lossy().to_string();
        Case {
            rule: cloudwright_rules::find(&id).unwrap(),
            settings: settings_for(&name),
            graph: load(std::slice::from_ref(&dir), &LoadOptions::default()),
            id,
            name,
        }
    })
}

/// The rule run on the graph, the engines' memos forgotten first (they
/// remember answers per graph, and the harnesses change the graph under
/// the same identity).
fn run(
    graph: &cloudwright_model::Graph,
    rule: &'static cloudwright_rules::Rule,
    settings: &cloudwright_rules::Settings,
) -> cloudwright_rules::Outcome {
    cloudwright_network::topology::forget();
    cloudwright_resilience::placement::forget();
    cloudwright_rules::run_with(graph, &[rule], settings)
}

/// The resources the rule left undecided.
fn undecided(outcome: &cloudwright_rules::Outcome) -> BTreeSet<String> {
    outcome.unknown.iter().map(|(_, r, _)| r.clone()).collect()
}

/// The managed resources whose name `keep` accepts, by index.
fn managed_where(graph: &cloudwright_model::Graph, keep: impl Fn(&str) -> bool) -> Vec<usize> {
    (0..graph.resources.len())
        .filter(|&i| {
            let r = &graph.resources[i];
            r.mode == Mode::Managed && keep(&r.name)
        })
        .collect()
}

/// Fails with every problem found, one a line, after how many.
fn assert_none(problems: Vec<String>, what: &str) {
    assert!(
        problems.is_empty(),
        "{} {what}:\n{}",
        problems.len(),
        problems.join("\n")
    );
}

/// Settings whose value, unknown, rightly passes: what the rule looks for is
/// a value written in the code.
fn passes_when_unknown(id: &str, fixture: &str, key: &str) -> bool {
    match id {
        // a secret or an account id written literally: an unknown value is
        // neither
        "CW-AWS-SECRETS-001" | "CW-TF-LITERAL-001" => true,
        // an environment tag the code does not determine gives way to the
        // root directory's environment (envs/dev), as documented
        "CW-AWS-RDS-004" => fixture == "CW-AWS-RDS-004-envs" && key.starts_with("tags"),
        _ => false,
    }
}

/// A failing resource with one of its settings not determined by the code
/// (what an unset variable gives) is undecidable or still failing — never
/// passed: each `fail_` resource of each fixture is run through its rule
/// again with each attribute it sets made unknown in turn.
#[test]
fn a_failing_resource_with_a_setting_made_unknown_is_never_passed() {
    let mut passed = Vec::new();
    for Case {
        id,
        rule,
        name,
        settings,
        mut graph,
    } in cases()
    {
        // what the rule leaves undecided as the fixture is written
        let before = undecided(&run(&graph, rule, &settings));
        for i in managed_where(&graph, |n| n.starts_with("fail")) {
            let address = graph.resources[i].address.to_string();
            with_each_unknown(&mut graph, i, |graph, label, key| {
                let outcome = run(graph, rule, &settings);
                // still failing, or undecided — on it or on the resource
                // the rule reports it with (a bucket for its access block)
                let decided = outcome.findings.iter().any(|f| f.resource == address)
                    || outcome
                        .unknown
                        .iter()
                        .any(|(_, r, _)| *r == address || !before.contains(r));
                if !decided && !passes_when_unknown(&id, &name, key) {
                    passed.push(format!("{name}: {address}.{label}"));
                }
            });
        }
    }
    assert_none(passed, "failing resources pass once one setting is unknown");
}

/// The same of what a failing resource depends on: each setting of each
/// other resource of a fixture (its security groups, subnets, route
/// tables, companion resources) made unknown in turn leaves every finding
/// in place, or makes something undecidable.
#[test]
fn a_finding_survives_the_unknown_settings_of_what_it_depends_on() {
    let mut lost = Vec::new();
    for Case {
        rule,
        name,
        settings,
        mut graph,
        ..
    } in cases()
    {
        let baseline = run(&graph, rule, &settings);
        let failing: BTreeSet<String> = baseline
            .findings
            .iter()
            .filter(|f| graph.resource_in(&f.root, &f.resource).is_some())
            .map(|f| f.resource.clone())
            .collect();
        if failing.is_empty() {
            continue;
        }
        let before = undecided(&baseline);
        let others = managed_where(&graph, |n| {
            !["fail", "pass", "unknown"].iter().any(|p| n.starts_with(p))
        });
        for j in others {
            let address = graph.resources[j].address.to_string();
            with_each_unknown(&mut graph, j, |graph, label, _| {
                let outcome = run(graph, rule, &settings);
                if outcome.unknown.iter().any(|(_, r, _)| !before.contains(r)) {
                    return;
                }
                for f in &failing {
                    if !outcome.findings.iter().any(|x| x.resource == *f) {
                        lost.push(format!(
                            "{name}: {f} passes when {address}.{label} is unknown"
                        ));
                    }
                }
            });
        }
    }
    assert_none(lost, "findings disappear silently");
}

/// A passing resource with one of its settings unknown passes or is
/// undecidable — never failed on a guess.
#[test]
fn a_passing_resource_with_a_setting_made_unknown_is_never_failed() {
    let mut failed = Vec::new();
    for Case {
        rule,
        name,
        settings,
        mut graph,
        ..
    } in cases()
    {
        for i in managed_where(&graph, |n| n.starts_with("pass")) {
            let address = graph.resources[i].address.to_string();
            with_each_unknown(&mut graph, i, |graph, label, _| {
                let outcome = run(graph, rule, &settings);
                if outcome.findings.iter().any(|f| f.resource == address) {
                    failed.push(format!("{name}: {address} fails when {label} is unknown"));
                }
            });
        }
    }
    assert_none(failed, "passing resources fail once a setting is unknown");
}

#[test]
fn every_rule_has_a_fixture_and_complete_documentation() {
    let covered: BTreeSet<String> = fixtures().iter().map(|d| rule_id(d)).collect();
    for rule in cloudwright_rules::all() {
        assert!(
            covered.contains(rule.id),
            "{} has no fixture under tests/fixtures",
            rule.id
        );
        for section in [
            "## What it checks",
            "## Why it matters",
            "## Failing example",
            "## Passing example",
            "## How to fix",
        ] {
            assert!(
                rule.doc.contains(section),
                "{} doc lacks {section}",
                rule.id
            );
        }
        assert!(!rule.remediation.is_empty());
    }
}

#[test]
fn rule_ids_are_unique_and_well_formed() {
    let all = cloudwright_rules::all();
    let ids: BTreeSet<&str> = all.iter().map(|r| r.id).collect();
    assert_eq!(ids.len(), all.len());
    for id in ids {
        let parts: Vec<&str> = id.split('-').collect();
        assert!(
            parts.len() == 4 && parts[0] == "CW" && parts[3].len() == 3,
            "{id}"
        );
    }
}

#[test]
fn generated_rule_reference_is_current() {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../docs/rules.md");
    let generated = cloudwright_rules::reference_markdown();
    if std::env::var_os("CLOUDWRIGHT_UPDATE_DOCS").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let current = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(current == generated, "docs/rules.md is out of date: run `CLOUDWRIGHT_UPDATE_DOCS=1 cargo test -p cloudwright-rules`");
}

/// Rules for which an "unknown" case does not exist, and why.
const NO_UNKNOWN_CASE: &[(&str, &str)] = &[
    (
        "CW-AWS-IAM-002",
        "fires on the existence of a user attachment, not on a value",
    ),
    (
        "CW-AWS-SECRETS-001",
        "a secret known only after apply is by definition not written in the code: it passes",
    ),
    (
        "CW-AWS-SECRETS-002",
        "provider arguments that are unknown are not literal credentials",
    ),
    (
        "CW-AWS-SECRETS-003",
        "a value known only after apply is not written in the code",
    ),
    (
        "CW-AWS-SECRETS-004",
        "an unknown output value is a resource attribute, which Terraform marks sensitive itself",
    ),
    (
        "CW-AWS-SECRETS-005",
        "the rule reads literal text; there is nothing unknown in it",
    ),
    (
        "CW-AWS-SG-007",
        "whether a group is attached is read from references, which are always known",
    ),
    (
        "CW-AWS-BASELINE-001",
        "the rule reads which services the configuration manages; no value decides it",
    ),
    (
        "CW-AWS-BASELINE-002",
        "the rule reads which services the configuration manages; no value decides it",
    ),
    (
        "CW-AWS-BASELINE-003",
        "an unknown classification tag is reported by CW-AWS-S3-011; this rule needs a known one",
    ),
    (
        "CW-AWS-IAM-007",
        "the rule reports the existence of an access key resource; no value decides it",
    ),
    (
        "CW-AWS-IAM-008",
        "the rule reports the existence of a login profile; no value decides it",
    ),
    (
        "CW-AWS-COST-006",
        "an attachment known only after apply is still an attachment",
    ),
    (
        "CW-AWS-RES-005",
        "the rule reads whether a restore testing plan exists; no value decides it",
    ),
    (
        "CW-TF-STATE-001",
        "backend blocks cannot use variables: the backend kind is always written",
    ),
    ("CW-TF-PIN-001", "required_version cannot use variables"),
    ("CW-TF-PIN-002", "required_providers cannot use variables"),
    (
        "CW-TF-PIN-003",
        "module source and version cannot use variables",
    ),
    (
        "CW-TF-LITERAL-001",
        "the rule is about literal values, which are known by definition",
    ),
    (
        "CW-TF-MODULE-001",
        "a resource's type and module are always known",
    ),
];

/// Rules about module facts that Terraform does not let variables or
/// modules shape (backends, version constraints, sources, provider blocks
/// of the root), or about resources outside modules by definition.
const NO_INDIRECT_CASE: &[&str] = &[
    "CW-TF-STATE-001",
    "CW-TF-STATE-002",
    "CW-TF-STATE-003",
    "CW-TF-STATE-005",
    "CW-TF-PIN-001",
    "CW-TF-PIN-002",
    "CW-TF-PIN-003",
    "CW-TF-PROVIDER-001",
    "CW-TF-MODULE-001",
];

#[test]
fn every_rule_is_tested_through_variables_or_modules_and_with_unknowns() {
    let mut gaps = Vec::new();
    let mut by_rule: std::collections::BTreeMap<String, Vec<PathBuf>> = Default::default();
    for dir in fixtures() {
        by_rule.entry(rule_id(&dir)).or_default().push(dir);
    }
    for (id, dirs) in by_rule {
        let mut indirect = false;
        let mut unknown = false;
        for dir in &dirs {
            let graph = load(std::slice::from_ref(dir), &LoadOptions::default());
            for r in graph.resources.iter().filter(|r| r.mode == Mode::Managed) {
                indirect |= r.name.starts_with("fail")
                    && (r.name.contains("via_var") || !r.module.is_empty());
                unknown |= r.name.starts_with("unknown");
            }
        }
        let exempt = NO_UNKNOWN_CASE.iter().any(|(r, _)| *r == id);
        // the secrets rules about variables, outputs and locals report
        // those themselves, not resources
        let about_values = matches!(
            id.as_str(),
            "CW-AWS-SECRETS-002"
                | "CW-AWS-SECRETS-003"
                | "CW-AWS-SECRETS-004"
                | "CW-AWS-SECRETS-005"
                // account-level: one per configuration, not per value
                | "CW-AWS-BASELINE-001"
                | "CW-AWS-BASELINE-002"
                | "CW-AWS-BASELINE-003"
                | "CW-AWS-BASELINE-004"
        );
        let no_indirect = NO_INDIRECT_CASE.contains(&id.as_str());
        unknown |= !extra_unknown(&id).is_empty();
        if !indirect && !about_values && !no_indirect {
            gaps.push(format!(
                "{id}: no failing case through a variable (`fail_via_var…`) or a module"
            ));
        }
        if !unknown && !exempt {
            gaps.push(format!("{id}: no `unknown…` case"));
        }
    }
    assert!(gaps.is_empty(), "{}", gaps.join("\n"));
}

/// A state file (or a plan) read without its configuration holds every
/// value Terraform was given, whatever its source: a password there is
/// undecidable for CW-AWS-SECRETS-001, not "written literally in the
/// resource"; an access key id in any argument likewise.
#[test]
fn a_secret_in_a_state_file_without_its_configuration_is_undecidable() {
    let dir = std::env::temp_dir().join(format!("cw-rules-state-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let state = dir.join("terraform.tfstate");
    std::fs::write(
        &state,
        r#"{"version": 4, "terraform_version": "1.9.8", "serial": 1, "lineage": "x", "outputs": {},
  "resources": [
    {"mode": "managed", "type": "aws_db_instance", "name": "main", "provider": "provider[\"registry.terraform.io/hashicorp/aws\"]",
     "instances": [{"schema_version": 2, "attributes": {"id": "db-1", "password": "hunter2hunter2", "storage_encrypted": true},
       "sensitive_attributes": [[{"type": "get_attr", "value": "password"}]]}]}
  ]}"#,
    )
    .unwrap();
    let graph = load(std::slice::from_ref(&state), &LoadOptions::default());
    std::fs::remove_dir_all(&dir).unwrap();
    assert!(graph.diagnostics.is_empty(), "{:?}", graph.diagnostics);
    let rule = cloudwright_rules::find("CW-AWS-SECRETS-001").unwrap();
    let outcome = cloudwright_rules::run_with(&graph, &[rule], &settings_for("state"));
    assert!(outcome.findings.is_empty(), "{:?}", outcome.findings);
    assert_eq!(
        outcome.unknown,
        vec![(
            "CW-AWS-SECRETS-001",
            "aws_db_instance.main".to_string(),
            "`password` holds a secret read from a state file: whether it is written in the configuration is not known without the configuration beside it".to_string()
        )]
    );
}
