//! Given a `.tf` tree, the loader evaluates exactly these values.

use cloudwright_model::{Graph, InstanceKey, Severity, Value, ValueSource, VariableOrigin};
use cloudwright_terraform::{load, LoadOptions};
use std::path::PathBuf;

fn fixture(name: &str) -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures")
        .join(name)
}

fn load_fixture(name: &str) -> Graph {
    load(&[fixture(name)], &LoadOptions::default())
}

/// The value at `path` (dotted, list indices as numbers) of a resource.
fn attr(g: &Graph, address: &str, path: &str) -> Value {
    let r = g
        .resource(address)
        .unwrap_or_else(|| panic!("no resource {address}; have {:?}", addresses(g)));
    r.get_path(path)
        .unwrap_or_else(|| panic!("{address} has no {path}: {}", r.attributes))
}

fn addresses(g: &Graph) -> Vec<&str> {
    g.resources.iter().map(|r| r.address.as_str()).collect()
}

fn messages(g: &Graph, severity: Severity) -> Vec<String> {
    g.diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .map(|d| d.message.clone())
        .collect()
}

fn assert_clean(g: &Graph) {
    let problems: Vec<_> = g
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .map(|d| {
            format!(
                "{:?}: {} at {:?}",
                d.severity,
                d.message,
                d.span.map(|s| (s.line, s.column))
            )
        })
        .collect();
    assert!(problems.is_empty(), "unexpected diagnostics: {problems:#?}");
}

/// An attribute of a resource of a root module.
fn in_root(g: &Graph, root: &str, address: &str, path: &str) -> Value {
    let r = g
        .resource_in(root, address)
        .unwrap_or_else(|| panic!("no {address} in {root}; roots {:?}", g.roots()));
    r.get_path(path)
        .unwrap_or_else(|| panic!("{address} has no {path}: {}", r.attributes))
}

/// Every diagnostic: `Severity file:line: message`.
fn said(g: &Graph) -> Vec<String> {
    g.diagnostics
        .iter()
        .map(|d| {
            let at = d
                .span
                .map(|s| format!("{}:{}", g.sources.get(s.file).display_path, s.line))
                .or_else(|| d.path.clone())
                .unwrap_or_default();
            format!("{:?} {at}: {}", d.severity, d.message)
        })
        .collect()
}

/// The variables a resource's provenance names for one attribute.
fn provenance_variables(g: &Graph, address: &str, attribute: &str) -> Vec<String> {
    let r = g
        .resource(address)
        .unwrap_or_else(|| panic!("no {address}"));
    r.provenance
        .get(attribute)
        .unwrap_or_else(|| panic!("{address}: no provenance of {attribute}"))
        .iter()
        .filter_map(|s| match &**s {
            ValueSource::Variable { name, .. } => Some(name.to_string()),
            _ => None,
        })
        .collect()
}

/// The diagnostics whose message contains `text`.
fn diagnostics_with<'g>(g: &'g Graph, text: &str) -> Vec<&'g cloudwright_model::Diagnostic> {
    g.diagnostics
        .iter()
        .filter(|d| d.message.contains(text))
        .collect()
}

fn origin(v: &Value) -> Option<String> {
    v.as_unknown().and_then(|u| u.origin().map(str::to_string))
}

#[test]
fn modules_nest_three_deep_with_inputs_in_and_outputs_out() {
    let g = load_fixture("nested_modules");
    assert_clean(&g);
    let q = "module.a.module.b.module.c.aws_sqs_queue.q";
    assert_eq!(attr(&g, q, "name").as_str(), Some("root-a-b-c"));
    assert_eq!(
        attr(&g, "aws_s3_bucket.top", "bucket").as_str(),
        Some("root-a-b-c")
    );
    let r = g.resource(q).unwrap();
    assert_eq!(r.module, "module.a.module.b.module.c");
    assert_eq!(
        g.sources.get(r.span.unwrap().file).display_path,
        "modules/c/main.tf"
    );
    // the module directories called by the root are not roots themselves
    assert_eq!(g.resources.len(), 2, "{:?}", addresses(&g));
    // the bucket's value travelled through three module outputs: it is linked
    let top = g.resource("aws_s3_bucket.top").unwrap();
    assert!(
        top.references
            .iter()
            .any(|x| &*x.target == q && x.target_attribute.as_deref() == Some("name")),
        "{:?}",
        top.references
    );
}

#[test]
fn for_each_and_count_over_module_calls() {
    let g = load_fixture("module_for_each");
    assert_clean(&g);
    assert_eq!(
        attr(&g, "module.svc[\"api\"].aws_ecs_service.this", "name").as_str(),
        Some("api")
    );
    assert_eq!(
        attr(&g, "module.svc[\"worker\"].aws_ecs_service.this", "name").as_str(),
        Some("worker")
    );
    assert_eq!(
        attr(&g, "module.counted[1].aws_ecs_service.this", "name").as_str(),
        Some("n1")
    );
    assert_eq!(
        attr(&g, "aws_ssm_parameter.ports", "value").as_str(),
        Some("api=8080,worker=9090")
    );
    let m = g.module("module.counted[0]").expect("module instance");
    let port = m.variables.iter().find(|v| &*v.name == "port").unwrap();
    assert_eq!(port.value.as_number(), Some(1000.0));
    assert!(matches!(port.set_by, VariableOrigin::ModuleInput(_)));
    // a value read through `each` came from what `for_each` was computed
    // from: the service's name is traced to the root's var.services
    let r = g
        .resource("module.svc[\"api\"].aws_ecs_service.this")
        .unwrap();
    let from: Vec<String> = r.provenance["name"]
        .iter()
        .filter_map(|s| match &**s {
            ValueSource::Variable { module, name, .. } => Some(format!("{module}:var.{name}")),
            _ => None,
        })
        .collect();
    assert!(from.contains(&":var.services".to_string()), "{from:?}");
}

#[test]
fn dynamic_blocks_nest_and_keep_static_blocks() {
    let g = load_fixture("dynamic_blocks");
    let acl = "aws_wafv2_web_acl.nested";
    // rules in key order: ssh, web
    assert_eq!(attr(&g, acl, "rule.0.name").as_str(), Some("ssh"));
    assert_eq!(attr(&g, acl, "rule.1.name").as_str(), Some("web"));
    assert_eq!(
        attr(&g, acl, "rule.1.statement.1.port").as_number(),
        Some(443.0)
    );
    assert_eq!(
        attr(&g, acl, "rule.1.statement.1.index").as_number(),
        Some(1.0)
    );
    assert_eq!(
        attr(&g, acl, "rule.1.statement.1.owner").as_str(),
        Some("web")
    );
    assert_eq!(
        attr(&g, acl, "rule.0.statement").as_list().unwrap().len(),
        1
    );
    let mixed = "aws_security_group.mixed";
    let ports: Vec<f64> = attr(&g, mixed, "ingress")
        .as_list()
        .unwrap()
        .iter()
        .map(|i| i.get("from_port").unwrap().as_number().unwrap())
        .collect();
    assert_eq!(ports, vec![1.0, 2.0, 3.0]);
    // a span for every generated block, pointing at its content block
    let r = g.resource(acl).unwrap();
    assert_eq!(r.attribute_spans["rule[1].statement[1].port"].line, 17);
    // for_each over an unknown: how many blocks is unknown, not zero
    assert!(attr(&g, "aws_security_group.unknown", "ingress").is_unknown());
}

#[test]
fn each_instance_has_the_spans_of_the_blocks_it_made() {
    let g = load_fixture("dynamic_shapes");
    // (path → line) of every span of an instance
    let spans = |key: &str| -> Vec<(String, u32)> {
        let r = g
            .resource(&format!("acme_firewall.each[\"{key}\"]"))
            .unwrap();
        r.attribute_spans
            .iter()
            .map(|(path, span)| (path.to_string(), span.line))
            .collect()
    };
    let owned = |pairs: &[(&str, u32)]| -> Vec<(String, u32)> {
        pairs.iter().map(|(p, l)| (p.to_string(), *l)).collect()
    };
    // the first instance records its spans as it is evaluated; the others
    // find theirs by what their dynamic blocks made, or walk the text for a
    // shape not seen before
    assert_eq!(
        spans("a"),
        owned(&[
            ("name", 13),
            ("rule[0]", 14),
            ("rule[0].name", 15),
            ("rule[1]", 20),
            ("rule[1].name", 21),
            ("rule[1].port[0]", 24),
            ("rule[1].port[0].number", 25),
        ])
    );
    assert_eq!(
        spans("b"),
        owned(&[
            ("extra[0]", 32),
            ("extra[0].note", 33),
            ("name", 13),
            ("rule[0]", 14),
            ("rule[0].name", 15),
            ("rule[1]", 20),
            ("rule[1].name", 21),
            ("rule[1].port[0]", 24),
            ("rule[1].port[0].number", 25),
            ("rule[1].port[1]", 24),
            ("rule[1].port[1].number", 25),
            ("rule[2]", 20),
            ("rule[2].name", 21),
            ("rule[2].port[0]", 24),
            ("rule[2].port[0].number", 25),
        ])
    );
    assert_eq!(
        spans("c"),
        owned(&[("name", 13), ("rule[0]", 14), ("rule[0].name", 15)])
    );
    // the shape of `a` (one rule of one port): its spans, shared
    assert_eq!(spans("d"), spans("a"));
    let a = g.resource("acme_firewall.each[\"a\"]").unwrap();
    let d = g.resource("acme_firewall.each[\"d\"]").unwrap();
    assert!(std::sync::Arc::ptr_eq(
        &a.attribute_spans,
        &d.attribute_spans
    ));
}

#[test]
fn searches_of_a_large_shared_list_answer_as_element_by_element() {
    let g = load_fixture("large_list_searches");
    for (key, found, at) in [
        ("n0", "true", "0"),
        ("n5", "true", "5"),
        ("last", "true", "39"),
        ("absent", "false", "-1"),
    ] {
        let address = format!("aws_ssm_parameter.p[\"{key}\"]");
        let tag = |name: &str| attr(&g, &address, &format!("tags.{name}"));
        assert_eq!(tag("found").as_str(), Some(found), "{address}");
        assert_eq!(tag("at").as_str(), Some(at), "{address}");
        assert_eq!(tag("mixed").as_str(), Some("true"), "{address}");
        assert_eq!(tag("mixed_at").as_str(), Some("38"), "{address}");
        assert_eq!(tag("number").as_str(), Some("true"), "{address}");
    }
    // a value not in the list: index() fails, said where it is called
    let missing = diagnostics_with(&g, "the value is not in the list");
    assert_eq!(missing.len(), 1, "{missing:?}");
    assert_eq!(missing[0].span.map(|s| s.line), Some(28), "{missing:?}");
    assert!(attr(&g, "aws_ssm_parameter.missing", "value").is_unknown());
}

#[test]
fn arguments_an_instance_does_not_read_are_every_instances() {
    let g = load_fixture("shared_arguments");
    for key in ["a", "b", "c"] {
        let address = format!("aws_subnet.s[\"{key}\"]");
        let r = g.resource(&address).unwrap();
        // evaluated for the first instance, the same for the others: the
        // value, the reference it makes, where it came from
        let vpc_id = attr(&g, &address, "vpc_id");
        assert_eq!(
            vpc_id.as_unknown().and_then(|u| u.origin()),
            Some("aws_vpc.v.id"),
            "{address}"
        );
        assert!(
            r.references
                .iter()
                .any(|x| &*x.attribute == "vpc_id" && &*x.target == "aws_vpc.v"),
            "{address}: {:?}",
            r.references
        );
        assert_eq!(attr(&g, &address, "tags.Region").as_str(), Some("eu"));
        assert_eq!(
            provenance_variables(&g, &address, "tags"),
            vec!["region_name"],
            "{address}"
        );
        // and what each reads of its own instance, its own
        let zone = format!("eu-west-1{key}");
        assert_eq!(
            attr(&g, &address, "availability_zone").as_str(),
            Some(zone.as_str())
        );
    }
    // an argument every instance shares that cannot be evaluated is said
    // once, where it is
    let undeclared = diagnostics_with(&g, "var.owner");
    assert_eq!(undeclared.len(), 1, "{undeclared:?}");
    for i in 0..3 {
        assert!(attr(&g, &format!("aws_eip.ip[{i}]"), "tags.Owner").is_unknown());
    }
    // a splat of every instance, read by each (made once): each picks its
    // own element, and references the block and that instance
    for i in 0..3 {
        let address = format!("aws_eip.web[{i}]");
        let instance = attr(&g, &address, "instance");
        let origin = format!("aws_instance.web[{i}].id");
        assert_eq!(
            instance.as_unknown().and_then(|u| u.origin()),
            Some(origin.as_str())
        );
        let targets: Vec<String> = g
            .resource(&address)
            .unwrap()
            .references
            .iter()
            .map(|x| x.target.to_string())
            .collect();
        assert_eq!(
            targets,
            vec![
                "aws_instance.web".to_string(),
                format!("aws_instance.web[{i}]")
            ],
            "{address}"
        );
    }
}

#[test]
fn variable_precedence_follows_terraform() {
    let options = LoadOptions {
        var_files: vec![fixture("tfvars_precedence/extra.tfvars")],
        vars: vec!["from_cli=cli".into(), "number_from_cli=41".into()],
        excludes: vec![],
        env_vars: vec![
            ("from_env".into(), "env".into()),
            ("from_cli".into(), "env".into()),
            ("list_from_env".into(), "[\"x\", \"y\"]".into()),
        ],
        workspace: None,
        ..LoadOptions::default()
    };
    let g = load(&[fixture("tfvars_precedence")], &options);
    assert_clean(&g);
    let json = attr(&g, "aws_ssm_parameter.p", "value");
    assert_eq!(
        json.as_str().unwrap(),
        r#"{"auto":"b.auto","cli":"cli","default":"default","env":"env","list_from_env":["x","y"],"number_plus_1":42,"tfvars":"tfvars","tfvars_json":"tfvars.json","var_file":"var-file"}"#
    );
    // provenance says which file decided a value, at which line
    let r = g.resource("aws_ssm_parameter.p").unwrap();
    let auto = r.provenance["value"]
        .iter()
        .find_map(|s| match &**s {
            ValueSource::Variable {
                name,
                set_by: VariableOrigin::File { path, span },
                ..
            } if &**name == "from_auto" => Some((path.to_string(), span.unwrap().line)),
            _ => None,
        })
        .expect("from_auto provenance");
    assert_eq!(auto, ("b.auto.tfvars".to_string(), 1));
}

/// A list, map or object value from the environment or `--var` is an HCL
/// expression: one that does not parse, or that refers to something (a
/// variable's value is a constant), is an error at the variable naming
/// where it was set — not a string, and not a silent unknown.
#[test]
fn a_collection_from_the_environment_that_is_not_an_expression_is_an_error() {
    let options = LoadOptions {
        env_vars: vec![("list_from_env".into(), "[\"x\", ".into())],
        vars: vec!["from_cli=cli".into(), "number_from_cli=41".into()],
        ..LoadOptions::default()
    };
    let g = load(&[fixture("tfvars_precedence")], &options);
    assert_eq!(
        messages(&g, Severity::Error),
        ["invalid value for variable `list_from_env` (set by environment (TF_VAR_)): \"[\\\"x\\\", \" is not an HCL expression (expected an expression, found the end of the file); it is treated as unknown"]
    );
    let options = LoadOptions {
        vars: vec![
            "from_cli=cli".into(),
            "number_from_cli=41".into(),
            "list_from_env=[var.other]".into(),
        ],
        ..LoadOptions::default()
    };
    let g = load(&[fixture("tfvars_precedence")], &options);
    assert_eq!(
        messages(&g, Severity::Error),
        ["invalid value for variable `list_from_env` (set by --var): variables may not be used here: a variable's value is a constant; it is treated as unknown"]
    );
    let d = g
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Error)
        .unwrap();
    assert_eq!(
        d.help.as_deref(),
        Some("a list, map or object value is written as an HCL expression: --var 'list_from_env={key = \"value\"}'")
    );
}

/// A `--var-file` given for a tree of root modules applies to each: each
/// takes the values it declares, and a value a root does not declare is a
/// warning that names the root (Terraform warns alike for a file's
/// undeclared values).
#[test]
fn a_var_file_applies_to_every_root_and_names_the_root_that_lacks_a_variable() {
    let options = LoadOptions {
        var_files: vec![fixture("var_file_roots/prod.tfvars")],
        ..LoadOptions::default()
    };
    let g = load(&[fixture("var_file_roots")], &options);
    assert_eq!(
        attr(&g, "aws_vpc.main", "tags.Environment").as_str(),
        Some("prod")
    );
    assert_eq!(
        attr(
            &g,
            "aws_s3_bucket_lifecycle_configuration.logs",
            "rule.0.expiration.0.days"
        )
        .as_number(),
        Some(365.0)
    );
    let prod = fixture("var_file_roots/prod.tfvars");
    let mut warnings = messages(&g, Severity::Warning);
    warnings.sort();
    assert_eq!(
        warnings,
        [
            format!("value for undeclared variable `environment` in {}: root module storage does not declare it", prod.display()),
            format!("value for undeclared variable `retention_days` in {}: root module network does not declare it", prod.display()),
        ]
    );
}

/// Local values are kept in the model when asked for (`resources
/// --values`), each with the line that set it — an override file's where
/// one overrides it.
#[test]
fn local_values_are_kept_when_asked_for_with_where_they_are_set() {
    let options = LoadOptions {
        keep_locals: true,
        ..LoadOptions::default()
    };
    let g = load(&[fixture("overrides")], &options);
    let root = g.module("").unwrap();
    let locals: Vec<(String, String, (String, u32))> = root
        .locals
        .iter()
        .map(|l| (l.name.clone(), l.value.to_string(), file_line(&g, l.span)))
        .collect();
    let at = |file: &str, line: u32| (file.to_string(), line);
    assert_eq!(
        locals,
        [
            ("name".into(), "\"app-dev\"".into(), at("main.tf", 35)),
            (
                "owner".into(),
                "\"security\"".into(),
                at("z_override.tf", 3)
            ),
            ("ports".into(), "[443, 8443]".into(), at("override.tf", 6)),
        ]
    );
    // not kept otherwise: no engine reads them
    assert!(load_fixture("overrides")
        .module("")
        .unwrap()
        .locals
        .is_empty());
}

/// OpenTofu 1.11's `lifecycle { enabled = … }`: one instance without a key
/// (referred to without `[0]`), or none, the block's value then null;
/// refused beside `count` or `for_each`.
#[test]
fn the_enabled_meta_argument_makes_one_instance_or_none() {
    let g = load_fixture("enabled");
    // disabled blocks (a resource, a module) have no instance; one refused
    // beside `count` stands for its instances, as a refused `count` does
    assert_eq!(
        addresses(&g),
        [
            "aws_sns_topic.alerts",
            "aws_sqs_queue.both[?]",
            "aws_sqs_queue.orders"
        ],
    );
    assert_eq!(
        attr(&g, "aws_sns_topic.alerts", "name").as_str(),
        Some("alerts-orders")
    );
    let root = g.module("").unwrap();
    let output = |name: &str| {
        root.outputs
            .iter()
            .find(|o| &*o.name == name)
            .map(|o| o.value.to_string())
    };
    assert_eq!(output("dlq").as_deref(), Some("\"none\""));
    assert_eq!(output("audit").as_deref(), Some("\"off\""));
    assert_eq!(
        located(&g, Severity::Error),
        [(
            "`enabled` cannot be used together with `count` or `for_each`".to_string(),
            ("main.tf".to_string(), 37)
        )]
    );
}

/// What Terraform does not expect at the top level of a file, or in a
/// variable or output block, and an argument set twice, is an error where
/// it is written — a misspelt
/// word with the one it is close to — never silently skipped; the rest
/// still loads.
#[test]
fn unsupported_top_level_blocks_and_arguments_are_errors() {
    let g = load_fixture("unsupported_blocks");
    let at = |m: &str, line: u32| diagnostic_at(m, "main.tf", line);
    assert_eq!(
        located(&g, Severity::Error),
        [
            at("unsupported block type `resouce`: Terraform refuses it, and the block is not read", 2),
            at("unsupported argument `bucket_prefix`: a configuration file holds blocks, not arguments, at its top level; it is not read", 10),
            at("an `output` block needs a name label; the block is not read", 12),
            at("unsupported block type `locales`: Terraform refuses it, and the block is not read", 16),
            at("unsupported argument `defualt` in variable `region`: Terraform refuses it, and it is not read", 29),
            at("unsupported argument `sensitiv` in output `bucket`: Terraform refuses it, and it is not read", 34),
            at("the argument `enabled` is set twice in this block (first on line 40); each argument may be set only once, and Terraform refuses the configuration", 41),
            at("the argument `bucket` is set twice in this block (first on line 38); each argument may be set only once, and Terraform refuses the configuration", 43),
            at("unsupported block type `validaton` in variable `size`: Terraform refuses it, and it is not read", 48),
            at("unsupported argument `required_verison` in the `terraform` block: Terraform refuses it, and it is not read", 55),
            at("unsupported argument `iterater` in a `dynamic` block: Terraform refuses it, and it is not read", 62),
            at("unsupported argument `prevent_destory` in a `lifecycle` block: Terraform refuses it, and it is not read", 70),
            at("a `moved` block needs `from` and `to` addresses (`from = aws_instance.old`)", 79),
            at("unsupported argument `form` in the `moved` block: Terraform refuses it, and it is not read", 80),
            at("a `locals` block holds `name = value` assignments, not blocks: `tags` is not read", 86),
            at("invalid name `1st`: a name starts with a letter or an underscore and holds only letters, digits, underscores and dashes", 91),
        ]
    );
    let helps: Vec<Option<&str>> = g
        .diagnostics
        .iter()
        .filter(|d| d.message.starts_with("unsupported"))
        .map(|d| d.help.as_deref())
        .collect();
    assert_eq!(
        helps,
        [
            Some("did you mean `resource`?"),
            None,
            Some("did you mean `locals`?"),
            Some("did you mean `default`?"),
            Some("did you mean `sensitive`?"),
            Some("did you mean `validation`?"),
            Some("did you mean `required_version`?"),
            Some("did you mean `iterator`?"),
            Some("did you mean `prevent_destroy`?"),
            None,
            Some("did you mean `from`?"),
        ]
    );
    // a word no known one is close to may be a newer Terraform's: a
    // warning, so a scan of valid configuration does not fail on it
    assert_eq!(
        located(&g, Severity::Warning),
        [at("unsupported block type `stack`: a word Cloudwright does not know here (from a newer Terraform or OpenTofu?), and the block is not read", 75)]
    );
    assert_eq!(
        addresses(&g),
        [
            "aws_s3_bucket.data",
            "aws_s3_bucket.twice",
            "aws_security_group.web",
            // read all the same, so the rest can be checked
            "aws_sqs_queue.1st",
        ]
    );
}

/// AWS resources, data sources and the provider block are checked against
/// the AWS provider's schema (4.66.1, 5.99.1 and 6.25.0 merged): a
/// misspelt name is an error with the name meant, a name no version knows
/// a warning, a missing required one a warning; what is written is still
/// read as written.
#[test]
fn aws_blocks_are_checked_against_the_provider_schema() {
    let g = load_fixture("provider_schema");
    let at = |m: &str, line: u32| diagnostic_at(m, "main.tf", line);
    let versions = "AWS provider 4.66.1, 5.99.1 and 6.25.0";
    let refused = |m: &str, meant: &str| {
        format!("{m} in {versions}; Terraform refuses it, and what reads `{meant}` sees it unset")
    };
    assert_eq!(
        located(&g, Severity::Error),
        [
            diagnostic_at(
                &refused("unsupported argument `fifo_queu` in aws_sqs_queue.jobs: not an argument of aws_sqs_queue", "fifo_queue"),
                "extra.tf.json",
                8
            ),
            at(&refused("unsupported argument `regoin` in provider `aws`: not an argument of the provider configuration", "region"), 2),
            at(&refused("unsupported argument `encrypt` in aws_ebs_volume.data: not an argument of aws_ebs_volume", "encrypted"), 11),
            at(&refused("unsupported block type `ingres` in aws_security_group.web: not a block type of aws_security_group", "ingress"), 17),
            at(&refused("unsupported argument `form_port` in aws_security_group.web: not an argument of `egress` blocks of aws_security_group", "from_port"), 24),
            at("`tags` is an argument of aws_security_group, not a block, in aws_security_group.web: Terraform refuses the block", 29),
            at(&refused("unsupported argument `cidr_block` in aws_security_group.dynamic: not an argument of `ingress` blocks of aws_security_group", "cidr_blocks"), 43),
            at(&refused("unsupported block type `egres` in aws_security_group.dynamic: not a block type of aws_security_group", "egress"), 46),
            at(&format!("unknown resource type `aws_s3_bukcet`: {versions} has none of that name; Terraform refuses it, and no rule reads it as `aws_s3_bucket`"), 52),
            at("`arn` in aws_vpc.main: aws_vpc exports `arn` once it is created; it is not an argument, and Terraform refuses to set it", 86),
            at(&format!("unsupported attribute `cidr` in a reference to aws_vpc.main: aws_vpc has no attribute of that name in {versions}; Terraform refuses the reference, and its value is unknown here"), 96),
            at(&format!("unsupported attribute `image_idd` in a reference to data.aws_ami.ubuntu: aws_ami has no attribute of that name in {versions}; Terraform refuses the reference, and its value is unknown here"), 99),
            at(&format!("unsupported attribute `user_dta` in `ignore_changes` of aws_instance.kept: not an argument of aws_instance in {versions}; Terraform refuses it, and changes to `user_data` are not ignored"), 109),
            at(&refused("unsupported argument `cidr_block` in aws_security_group.listed: not an argument of `ingress` blocks of aws_security_group", "cidr_blocks"), 121),
        ]
    );
    let helps: Vec<&str> = g
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .filter_map(|d| d.help.as_deref())
        .collect();
    assert_eq!(
        helps,
        [
            "did you mean `fifo_queue`?",
            "did you mean `region`?",
            "did you mean `encrypted`?",
            "did you mean `ingress`?",
            "did you mean `from_port`?",
            "write `tags = …`",
            "did you mean `cidr_blocks`?",
            "did you mean `egress`?",
            "did you mean `aws_s3_bucket`?",
            "did you mean `cidr_block`?",
            "did you mean `image_id`?",
            "did you mean `user_data`?",
            "did you mean `cidr_blocks`?",
        ]
    );
    let newer = "(from a newer provider?)";
    assert_eq!(
        located(&g, Severity::Warning),
        [
            diagnostic_at(
                &format!("unsupported argument `quantum_cache` in aws_sqs_queue.jobs: not an argument of aws_sqs_queue in {versions} {newer}; it is kept as written, unchecked"),
                "extra.tf.json",
                6
            ),
            diagnostic_at(
                &format!("unsupported argument `kms_master_key` in aws_sqs_queue.jobs: not an argument of aws_sqs_queue in {versions} {newer}; it is kept as written, unchecked"),
                "extra.tf.json",
                7
            ),
            at("aws_lb_listener.front does not set `default_action`, a required block of aws_lb_listener: Terraform refuses the configuration", 56),
            at(&format!("unsupported argument `quantum_entangler` in aws_instance.future: not an argument of aws_instance in {versions} {newer}; it is kept as written, unchecked"), 64),
            at(&format!("unknown data source `aws_quantum_computer`: {versions} has none of that name {newer}; its arguments are not checked"), 67),
            at(&format!("unsupported attribute `quantum_zone` in a reference to aws_vpc.main: aws_vpc has no attribute of that name in {versions} {newer}; its value is unknown here"), 97),
        ]
    );
    // an exported attribute a reference reads is fine (`owner_id`), and
    // what a misspelt reference reads is unknown, with its origin
    let subnet = "aws_subnet.a";
    assert!(origin(&attr(&g, subnet, "tags.owner")).is_some_and(|o| o.ends_with("owner_id")));
    assert_eq!(
        origin(&attr(&g, subnet, "tags.image")).as_deref(),
        Some("data.aws_ami.ubuntu.image_idd")
    );
    // a name that is only the start of a known one may be a newer
    // provider's: a warning, with the name it may have been meant as
    let kms = g
        .diagnostics
        .iter()
        .find(|d| d.message.contains("`kms_master_key`"));
    assert_eq!(
        kms.and_then(|d| d.help.as_deref()),
        Some("did you mean `kms_master_key_id`?")
    );
    // read as written all the same
    assert_eq!(
        attr(&g, "aws_ebs_volume.data", "encrypt").as_bool(),
        Some(true)
    );
    assert_eq!(
        attr(&g, "aws_s3_bukcet.logs", "bucket").as_str(),
        Some("logs")
    );
    // 4.x/5.x arguments (`vpc`, `name`) and other providers' blocks pass
    assert_eq!(attr(&g, "aws_eip.nat", "vpc").as_bool(), Some(true));
    assert_eq!(
        attr(&g, "aws_db_instance.legacy", "name").as_str(),
        Some("orders")
    );
    assert_eq!(
        attr(&g, "google_storage_bucket.b", "nmae").as_str(),
        Some("b")
    );
    // in JSON, the schema says which objects are maps and which blocks
    let glue = "aws_glue_job.etl";
    let language = attr(&g, glue, "default_arguments.--job-language");
    assert_eq!(language.as_str(), Some("python"));
    let script = attr(&g, glue, "command.0.script_location");
    assert_eq!(script.as_str(), Some("s3://scripts/etl.py"));
}

/// The idioms of widely used registry modules (optional object attributes
/// tested against null, `try` chains over map keys and conversions,
/// `dynamic` blocks over `[x]`-or-`[]`, `any`-typed lists of objects with
/// different attributes, counts from `length(keys(…))`) evaluate to what
/// Terraform plans.
#[test]
fn registry_module_idioms_evaluate_as_terraform_plans_them() {
    let g = load_fixture("module_idioms");
    assert_clean(&g);
    let logs = "module.logs.";
    let site = "module.site.";
    let a = |prefix: &str, address: &str, path: &str| attr(&g, &format!("{prefix}{address}"), path);
    let empty = |v: Value| v.as_list().map(<[Value]>::len) == Some(0);
    // try(): a missing key, then a failed tobool, then title(lower(…))
    let versioning = "aws_s3_bucket_versioning.this[0]";
    let status = "versioning_configuration.0.status";
    assert_eq!(a(logs, versioning, status).as_str(), Some("Suspended"));
    let mfa_delete = "versioning_configuration.0.mfa_delete";
    assert_eq!(a(logs, versioning, mfa_delete).as_str(), Some("Disabled"));
    // a map(string) value "true" is a condition
    assert_eq!(a(site, versioning, status).as_str(), Some("Enabled"));
    assert!(a(site, versioning, mfa_delete).is_null());
    // optional attributes: defaults, nulls, blocks made or not
    let logging = "aws_s3_bucket_logging.this[0]";
    assert_eq!(a(site, logging, "target_prefix").as_str(), Some("logs/"));
    let format = "target_object_key_format.0";
    let date_source = format!("{format}.partitioned_prefix.0.partition_date_source");
    assert_eq!(
        a(site, logging, &date_source).as_str(),
        Some("DeliveryTime")
    );
    assert!(empty(a(site, logging, &format!("{format}.simple_prefix"))));
    let sse = "aws_s3_bucket_server_side_encryption_configuration.this[0]";
    let by_default = "rule.0.apply_server_side_encryption_by_default.0";
    let algorithm = a(logs, sse, &format!("{by_default}.sse_algorithm"));
    assert_eq!(algorithm.as_str(), Some("AES256"));
    assert!(a(logs, sse, &format!("{by_default}.kms_master_key_id")).is_null());
    let lifecycle = "aws_s3_bucket_lifecycle_configuration.this[0]";
    assert_eq!(
        a(logs, lifecycle, "rule.0.status").as_str(),
        Some("Enabled")
    );
    let days = a(logs, lifecycle, "rule.0.expiration.0.days");
    assert_eq!(days.as_number(), Some(90.0));
    let prefix = a(logs, lifecycle, "rule.0.filter.0.prefix");
    assert_eq!(prefix.as_str(), Some("logs/"));
    assert_eq!(
        a(logs, lifecycle, "rule.1.status").as_str(),
        Some("Disabled")
    );
    assert!(a(logs, lifecycle, "rule.1.filter.0.prefix").is_null());
    assert!(empty(a(logs, lifecycle, "rule.1.expiration")));
    // an `any` list of objects keeps each object's own attributes
    let acl = "aws_s3_bucket_acl.this[0]";
    let grant = "access_control_policy.0.grant";
    let id = a(site, acl, &format!("{grant}.0.grantee.0.id"));
    assert_eq!(id.as_str(), Some("abc"));
    assert!(a(site, acl, &format!("{grant}.0.grantee.0.uri")).is_null());
    assert!(a(site, acl, &format!("{grant}.1.grantee.0.id")).is_null());
    // try() falls through to a data source known only after apply
    assert_eq!(
        origin(&a(site, acl, "access_control_policy.0.owner.0.id")).as_deref(),
        Some("module.site.data.aws_canonical_user_id.this[0].id")
    );
    assert!(empty(a(logs, acl, "access_control_policy")));
    let website = "aws_s3_bucket_website_configuration.this[0]";
    let redirect = "routing_rule.0.redirect.0";
    let host = a(site, website, &format!("{redirect}.host_name"));
    assert_eq!(host.as_str(), Some("example.com"));
    assert!(a(site, website, &format!("{redirect}.replace_key_with")).is_null());
    // counts: what is not configured is not created
    let mut have: Vec<&str> = addresses(&g);
    have.sort();
    assert_eq!(
        have,
        [
            "module.logs.aws_s3_bucket.this[0]",
            "module.logs.aws_s3_bucket_acl.this[0]",
            "module.logs.aws_s3_bucket_lifecycle_configuration.this[0]",
            "module.logs.aws_s3_bucket_public_access_block.this[0]",
            "module.logs.aws_s3_bucket_server_side_encryption_configuration.this[0]",
            "module.logs.aws_s3_bucket_versioning.this[0]",
            "module.logs.data.aws_canonical_user_id.this[0]",
            "module.site.aws_s3_bucket.this[0]",
            "module.site.aws_s3_bucket_acl.this[0]",
            "module.site.aws_s3_bucket_logging.this[0]",
            "module.site.aws_s3_bucket_public_access_block.this[0]",
            "module.site.aws_s3_bucket_versioning.this[0]",
            "module.site.aws_s3_bucket_website_configuration.this[0]",
            "module.site.data.aws_canonical_user_id.this[0]",
        ]
    );
}

/// The count arithmetic of network modules: subnets and NAT gateways per
/// AZ or single, `element` wrapping around, `try` over instances that may
/// not exist, AZ names and AZ IDs told apart by `regexall`, and the
/// collection functions they lean on.
#[test]
fn network_module_idioms_evaluate_as_terraform_plans_them() {
    let g = load_fixture("network_idioms");
    assert_clean(&g);
    let count = |prefix: &str| {
        g.resources
            .iter()
            .filter(|r| r.address.starts_with(prefix))
            .count()
    };
    // one NAT gateway per AZ, or a single one
    assert_eq!(count("module.vpc.aws_nat_gateway.this["), 3);
    assert_eq!(count("module.single.aws_nat_gateway.this["), 1);
    assert_eq!(count("module.single.aws_route_table.private["), 1);
    // the fourth private subnet wraps around to the first route table
    let association = attr(
        &g,
        "module.vpc.aws_route_table_association.private[3]",
        "route_table_id",
    );
    assert_eq!(
        origin(&association).as_deref(),
        Some("module.vpc.aws_route_table.private[0].id")
    );
    // an AZ ID is not an AZ name
    let public =
        |i: usize, path: &str| attr(&g, &format!("module.vpc.aws_subnet.public[{i}]"), path);
    assert_eq!(public(0, "availability_zone").as_str(), Some("eu-west-1a"));
    assert!(public(0, "availability_zone_id").is_null());
    assert!(public(2, "availability_zone").is_null());
    assert_eq!(public(2, "availability_zone_id").as_str(), Some("euw1-az3"));
    // try(): a name given for the first subnet only; per-AZ tags merged
    assert_eq!(public(0, "tags.Name").as_str(), Some("edge-a"));
    assert_eq!(
        public(1, "tags.Name").as_str(),
        Some("prod-public-eu-west-1b")
    );
    assert_eq!(public(1, "tags.tier").as_str(), Some("edge"));
    // the secondary CIDR's association, when there is one, carries the VPC id
    let vpc_id = |module: &str| {
        origin(&attr(
            &g,
            &format!("module.{module}.aws_subnet.private[0]"),
            "vpc_id",
        ))
    };
    assert_eq!(
        vpc_id("vpc").as_deref(),
        Some("module.vpc.aws_vpc.this[0].id")
    );
    assert_eq!(
        vpc_id("single").as_deref(),
        Some("module.single.aws_vpc.this[0].id")
    );
    // nested for + flatten keyed into for_each
    let rule = attr(
        &g,
        "module.vpc.aws_security_group_rule.tiers[\"web-443\"]",
        "from_port",
    );
    assert_eq!(rule.as_number(), Some(443.0));
    assert_eq!(count("module.vpc.aws_security_group_rule.tiers["), 3);
    let tags = attr(&g, "module.vpc.aws_vpc.this[0]", "tags.Name");
    assert_eq!(tags.as_str(), Some("prod-vpc"));
    // setproduct, zipmap over a slice, coalescelist
    let output = |module: &str, name: &str| {
        let m = g.module(module).unwrap_or_else(|| panic!("no {module}"));
        let o = m.outputs.iter().find(|o| &*o.name == name);
        o.map(|o| o.value.to_string()).unwrap_or_default()
    };
    assert_eq!(
        output("module.single", "az_pairs"),
        r#"["eu-west-1a/a", "eu-west-1a/b", "eu-west-1b/a", "eu-west-1b/b"]"#
    );
    assert_eq!(
        output("module.single", "zipped"),
        r#"{eu-west-1a = "10.1.1.0/24", eu-west-1b = "10.1.2.0/24"}"#
    );
    assert_eq!(output("module.vpc", "first_non_empty"), r#"["none"]"#);
    assert_eq!(
        output("module.single", "first_non_empty"),
        r#"["100.64.0.0/16"]"#
    );
}

/// Module calls with `for_each` over a filtered map of `any`-typed
/// settings merged with defaults (`try` chains, `coalesce`, `lookup` with
/// a nested default), a template rendered into user data, and Terraform's
/// collection and network functions, as Terraform plans them.
#[test]
fn node_group_idioms_evaluate_as_terraform_plans_them() {
    let g = load_fixture("node_group_idioms");
    assert_clean(&g);
    let ng = |key: &str, path: &str| {
        attr(
            &g,
            &format!("module.ng[\"{key}\"].aws_eks_node_group.this"),
            path,
        )
    };
    assert_eq!(ng("general", "capacity_type").as_str(), Some("ON_DEMAND"));
    assert_eq!(ng("spot", "capacity_type").as_str(), Some("SPOT"));
    assert_eq!(ng("spot", "instance_types.0").as_str(), Some("t3.medium"));
    assert_eq!(
        ng("general", "labels").to_string(),
        r#"{role = "general", team = "platform"}"#
    );
    assert_eq!(
        ng("general", "scaling_config.0.desired_size").as_number(),
        Some(3.0)
    );
    assert_eq!(
        ng("spot", "scaling_config.0.desired_size").as_number(),
        Some(2.0)
    );
    assert_eq!(
        ng("spot", "scaling_config.0.max_size").as_number(),
        Some(2.0)
    );
    // taints keyed by their key, so in key order; `$1_` names a group
    // called "1_" in Go's regexp templates, as in Rust's
    assert_eq!(ng("spot", "taint.0.key").as_str(), Some("dedicated"));
    assert_eq!(
        ng("spot", "taint.0.effect").as_str(),
        Some("PREFENSCHEDULE")
    );
    assert_eq!(ng("spot", "taint.1.effect").as_str(), Some("NSCHEDULE"));
    assert!(ng("spot", "taint.0.value").is_null());
    assert_eq!(
        ng("general", "taint").as_list().map(<[Value]>::len),
        Some(0)
    );
    // the `disabled` group is filtered out
    let groups = g
        .resources
        .iter()
        .filter(|r| r.address.starts_with("module.ng["))
        .count();
    assert_eq!(groups, 2);
    let root = g.module("").expect("root module");
    let output = |name: &str| {
        let o = root.outputs.iter().find(|o| &*o.name == name);
        o.map(|o| o.value.to_string()).unwrap_or_default()
    };
    assert_eq!(
        output("spot_user_data"),
        r##""#!/bin/bash\n/etc/eks/bootstrap.sh spot --use-max-pods false \\\n  --kubelet-extra-args '--node-labels=team=platform'\necho \"team\"\n""##
    );
    assert_eq!(
        output("cidrs"),
        r#"["10.0.0.0/20", "10.0.16.0/20", "10.0.32.0/24"]"#
    );
    assert_eq!(output("by_az"), r#"{db = ["a"], web = ["a", "b"]}"#);
    assert_eq!(output("picked"), r#"["i-1", "i-3"]"#);
    assert_eq!(output("ranges"), "[2, 8, 14]");
    assert_eq!(output("total"), "6");
    assert_eq!(output("found"), "2");
    assert_eq!(output("words"), r#"["a=1", "b=2"]"#);
    assert_eq!(output("ok"), "true");
    assert_eq!(output("rev"), r#"["a", "b"]"#);
    assert_eq!(output("groups"), r#"["general", "spot"]"#);
}

/// A module's own `required_providers` constraint on the AWS provider says
/// which of the carried schemas apply: a name only versions it excludes
/// have is refused (removed in 6.0, or new in it), and a module that
/// requires a version none of them is goes unchecked, with a note.
#[test]
fn arguments_take_the_types_of_the_provider_schema() {
    let g = load_fixture("provider_types");
    let sg = "aws_security_group.web";
    // strings for numbers, numbers for strings, "1" for true, as Terraform
    // converts them; a set loses its repeats and is in order
    assert_eq!(attr(&g, sg, "ingress.0.from_port").to_string(), "443");
    assert_eq!(
        attr(&g, sg, "ingress.0.security_groups").to_string(),
        r#"["sg-a", "sg-b"]"#
    );
    // through a dynamic block's content too
    assert_eq!(attr(&g, sg, "egress.0.from_port").to_string(), "80");
    assert_eq!(attr(&g, sg, "egress.1.to_port").to_string(), "8080");
    assert_eq!(attr(&g, sg, "egress.0.protocol").as_str(), Some("-1"));
    assert_eq!(attr(&g, sg, "egress.0.self").to_string(), "true");
    let web = "aws_instance.web[1]";
    assert_eq!(
        attr(&g, web, "associate_public_ip_address").to_string(),
        "false"
    );
    assert_eq!(attr(&g, web, "tags.Count").as_str(), Some("1"));
    // with an element known only after apply, only the known repeat goes
    let groups = attr(&g, web, "vpc_security_group_ids");
    let groups = groups.as_list().unwrap();
    assert_eq!(groups.len(), 2);
    assert_eq!(
        origin(&groups[0]).as_deref(),
        Some("aws_security_group.web.id")
    );
    assert_eq!(groups[1].as_str(), Some("sg-1"));
    // a launch template's `encrypted` is a string in the provider's schema
    let ebs = "block_device_mappings.0.ebs.0";
    assert_eq!(
        attr(&g, "aws_launch_template.app", &format!("{ebs}.encrypted")).as_str(),
        Some("true")
    );
    assert_eq!(
        attr(&g, "aws_launch_template.app", &format!("{ebs}.volume_size")).to_string(),
        "30"
    );
    // and what reads it reads the string
    assert_eq!(
        attr(&g, "aws_ssm_parameter.encrypted", "value").as_str(),
        Some("yes")
    );
    assert_eq!(
        attr(&g, "data.aws_ami.ubuntu", "most_recent").to_string(),
        "true"
    );
    // what Terraform refuses, once for both instances, the value kept as written
    let at = |m: &str, line: u32| diagnostic_at(m, "main.tf", line);
    let refused = |name: &str, why: &str| {
        format!("inappropriate value for `{name}` in aws_instance.web: {why}; Terraform refuses it")
    };
    assert_eq!(
        located(&g, Severity::Error),
        [
            at(
                &refused("subnet_id", "string required (the value is a list)"),
                44
            ),
            at(&refused("monitoring", "a bool is required"), 45),
            at(
                &refused(
                    "ebs_optimized",
                    r#"a bool is required; to convert from string, use lowercase "true""#
                ),
                46
            ),
            at(
                &refused("root_block_device[0].volume_size", "a number is required"),
                50
            ),
            at(
                &refused("root_block_device[0].encrypted", "bool required"),
                51
            ),
            at("inappropriate value for `max_retries` in provider `aws`: a number is required; Terraform refuses it", 85),
            at("inappropriate value for `egress` in aws_security_group.listed: element 0: attribute \"from_port\": a number is required; Terraform refuses it", 106),
        ]
    );
    // a block type written as a list of objects is converted by name
    let listed = "aws_security_group.listed";
    assert_eq!(attr(&g, listed, "ingress.0.from_port").to_string(), "22");
    assert_eq!(attr(&g, listed, "ingress.0.self").to_string(), "false");
    // default tags are the provider's arguments: converted too
    assert_eq!(
        attr(&g, web, "tags_all.CostCentre").to_string(),
        r#""1234""#
    );
    assert_eq!(attr(&g, web, "monitoring").as_str(), Some("yes"));
    assert_eq!(messages(&g, Severity::Warning), Vec::<String>::new());
}

#[test]
fn conditional_results_must_share_a_type() {
    let g = load_fixture("conditional_types");
    let at = |why: &str, line: u32| {
        diagnostic_at(
            &format!("inconsistent conditional result types: Terraform requires the true and false results to have one type in common, whichever is chosen, and these have none ({why}); it refuses the configuration"),
            "main.tf",
            line,
        )
    };
    assert_eq!(
        located(&g, Severity::Error),
        [
            at(
                "objects with different attributes whose values share no type: a string and a list",
                15
            ),
            at("a string and a list", 16),
            at(r#"at element 0, attribute "port": a number and a list"#, 17),
            at("a number and a bool", 18),
            at("an object and a string", 19),
        ]
    );
    // the others take the type both results share: strings for a number,
    // a map of strings for objects with different attributes
    assert_eq!(
        attr(&g, "aws_ssm_parameter.p", "value").as_str(),
        Some(r#"["443",[],{"a":"1"},{"team":"core"},["team"],{"a":{"b":"1"}},"a"]"#)
    );
}

#[test]
fn the_provider_version_a_module_requires_decides_its_schema() {
    let g = load_fixture("provider_versions");
    let elsewhere = |what: &str, allowed: &str, constraint: &str, other: &str| {
        format!("{what}: not an argument of {} in AWS provider {allowed}, which the module's `{constraint}` allows; it is one in {other}, which the module does not allow: Terraform refuses it",
            what.split(" in ").nth(1).and_then(|r| r.split('.').next()).unwrap_or_default())
    };
    assert_eq!(
        located(&g, Severity::Error),
        [
            diagnostic_at(
                &elsewhere(
                    "unsupported argument `region` in aws_sqs_queue.east",
                    "5.99.1",
                    "~> 5.0",
                    "6.25.0"
                ),
                "legacy/main.tf",
                9
            ),
            // no constraint, but the lock file selects 6.x
            diagnostic_at(
                "unsupported argument `vpc` in aws_eip.nat: not an argument of aws_eip in AWS provider 6.25.0 (for 6.2.0, which the module's `.terraform.lock.hcl` selects); it is one in 4.66.1 and 5.99.1, which the lock file does not select: Terraform refuses it",
                "locked/main.tf",
                11
            ),
            diagnostic_at(
                &elsewhere(
                    "unsupported argument `vpc` in aws_eip.nat",
                    "6.25.0",
                    "~> 6.0",
                    "4.66.1 and 5.99.1"
                ),
                "main.tf",
                12
            ),
            diagnostic_at(
                &elsewhere(
                    "unsupported argument `name` in aws_db_instance.db",
                    "6.25.0",
                    "~> 6.0",
                    "4.66.1"
                ),
                "main.tf",
                16
            ),
        ]
    );
    assert_eq!(
        messages(&g, Severity::Info),
        [
            "ancient requires AWS provider `>= 2.0, < 3.0`; Cloudwright carries the schemas of 4.66.1, 5.99.1 and 6.25.0, so its AWS blocks' arguments are not checked",
            "locked_old locks AWS provider 3.76.1 in `.terraform.lock.hcl`; Cloudwright carries the schemas of 4.66.1, 5.99.1 and 6.25.0, so its AWS blocks' arguments are not checked",
        ]
    );
    assert!(messages(&g, Severity::Warning).is_empty());
    // read as written all the same
    let acl = attr(&g, "module.ancient.aws_s3_bucket.old", "acll");
    assert_eq!(acl.as_str(), Some("private"));
}

/// An attribute an object does not have (a module output, an object
/// variable's attribute) is an error with the name meant, or the names it
/// has; inside `try` it is what makes the next argument be taken.
#[test]
fn a_missing_attribute_says_which_names_the_object_has() {
    let g = load_fixture("attribute_typos");
    let errors: Vec<(String, Option<&str>)> = g
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.message.clone(), d.help.as_deref()))
        .collect();
    assert_eq!(
        errors,
        [
            (
                "this object has no attribute `bucket_arm`".to_string(),
                Some("did you mean `bucket_arn`?")
            ),
            (
                "this object has no attribute `subnets`".to_string(),
                Some("it has: subnet_ids, vpc_id")
            ),
        ]
    );
    let root = g.module("").expect("root");
    let safe = root
        .outputs
        .iter()
        .find(|o| &*o.name == "safe")
        .expect("safe");
    assert_eq!(safe.value.to_string(), r#"["subnet-1"]"#);
}

/// A variables file holds constants, as Terraform reads it: a function
/// call or a reference is an error where written and the value unknown
/// (`for` expressions over constants are constants).
#[test]
fn variables_files_hold_constants() {
    let g = load_fixture("tfvars_constant");
    let at = |m: &str, line: u32| diagnostic_at(m, "terraform.tfvars", line);
    assert_eq!(
        located(&g, Severity::Error),
        [
            at(
                "functions may not be called here: a variable's value is a constant",
                2
            ),
            at(
                "variables may not be used here: a variable's value is a constant",
                3
            ),
        ]
    );
    assert!(attr(&g, "aws_sqs_queue.q", "name").is_unknown());
    assert_eq!(
        attr(&g, "aws_sqs_queue.q", "tags.ports").as_str(),
        Some("8080,8443")
    );
}

/// `nullable = false`: a null given takes the default; a null default, or
/// a null with no default, is refused as Terraform refuses it — as are an
/// output without its value and a second default provider configuration.
#[test]
fn non_nullable_variables_valueless_outputs_and_duplicate_providers_are_refused() {
    let g = load_fixture("not_nullable");
    assert_eq!(
        attr(&g, "module.with_default.aws_sqs_queue.q", "delay_seconds").as_number(),
        Some(5.0)
    );
    assert_eq!(
        located(&g, Severity::Error),
        [
            diagnostic_at("variable `retention`: a null default is not valid with `nullable = false`", "main.tf", 4),
            diagnostic_at("variable `name` is not nullable, but it is set to null (set by module input) and has no default", "main.tf", 15),
            diagnostic_at("output `forgotten` needs a `value` argument", "main.tf", 18),
            diagnostic_at("duplicate provider configuration `provider.aws`; the first declaration is used", "main.tf", 27),
        ]
    );
    let region = g
        .resource("module.with_default.aws_sqs_queue.q")
        .unwrap()
        .provider
        .region
        .clone();
    assert_eq!(
        region
            .and_then(|r| r.as_str().map(str::to_string))
            .as_deref(),
        Some("eu-west-1")
    );
}

#[test]
fn optional_attributes_get_their_defaults() {
    let g = load_fixture("optional_defaults");
    assert_clean(&g);
    let db = "aws_db_instance.db";
    assert_eq!(attr(&g, db, "allocated_storage").as_number(), Some(20.0));
    assert_eq!(
        attr(&g, db, "backup_retention_period").as_number(),
        Some(7.0)
    );
    assert!(attr(&g, db, "backup_window").is_null());
    assert_eq!(attr(&g, db, "tags").to_string(), "{}");
    assert_eq!(
        attr(&g, "aws_instance.node[\"n1\"]", "availability_zone").as_str(),
        Some("eu-west-1a")
    );
    assert_eq!(
        attr(&g, "aws_instance.node[\"n2\"]", "availability_zone").as_str(),
        Some("eu-west-1b")
    );
}

/// A resource whose whole object a module outputs: what reads it through
/// the output still finds its computed attributes unknown (the object is
/// open there), while the model keeps the resource closed — only what its
/// block sets, nested blocks included.
#[test]
fn a_resource_output_whole_stays_open_to_readers_and_closed_in_the_model() {
    let g = load_fixture("whole_resource_output");
    assert_clean(&g);
    let bucket = g.resource("module.a.aws_s3_bucket.b").unwrap();
    assert_eq!(
        bucket.attributes.to_json(),
        serde_json::json!({"bucket": "x", "versioning": [{"enabled": true}]})
    );
    assert!(bucket.get_path("arn").is_none());
    assert!(bucket.get_path("versioning.0.mfa_delete").is_none());
    let policy = attr(&g, "aws_s3_bucket_policy.p", "bucket");
    assert_eq!(
        origin(&policy).as_deref(),
        Some("module.a.aws_s3_bucket.b.id")
    );
}

#[test]
fn unknown_values_propagate_with_their_origin() {
    let g = load_fixture("unknowns");
    assert!(
        messages(&g, Severity::Error).is_empty(),
        "{:?}",
        g.diagnostics
    );
    let lb = "aws_lb.lb";
    let subnets = attr(&g, lb, "subnets");
    let subnets = subnets.as_list().unwrap();
    assert_eq!(subnets.len(), 3);
    assert_eq!(origin(&subnets[2]).as_deref(), Some("aws_subnet.s[2].id"));
    // length of a known-length list of unknowns is known
    assert_eq!(attr(&g, lb, "name").as_str(), Some("n-3"));
    assert_eq!(
        origin(&attr(&g, lb, "security_groups.0")).as_deref(),
        Some("aws_subnet.s[0].id")
    );
    let flat = attr(&g, "aws_lb.flat", "subnets");
    let origins: Vec<Option<String>> = flat.as_list().unwrap().iter().map(origin).collect();
    assert_eq!(
        origins,
        [
            "aws_subnet.s[0].id",
            "aws_subnet.s[0].id",
            "aws_subnet.s[1].id",
            "aws_subnet.s[2].id"
        ]
        .map(|o| Some(o.to_string()))
    );
    assert!(attr(&g, "aws_lb.flat", "security_groups").is_unknown());
    // operations on unknown give unknown
    assert!(attr(&g, lb, "name_prefix").is_unknown());
    assert!(attr(&g, lb, "internal").is_unknown());
    // ... unless both branches agree
    assert_eq!(attr(&g, lb, "idle_timeout").as_number(), Some(60.0));
    // configured attributes of other resources are known
    assert_eq!(
        attr(&g, "aws_subnet.s[1]", "cidr_block").as_str(),
        Some("10.0.1.0/24")
    );
    assert_eq!(
        attr(&g, lb, "ip_address_type").as_str(),
        Some("10.0.1.0/24")
    );
    // the lb is linked to each subnet instance
    let r = g.resource(lb).unwrap();
    for i in 0..3 {
        let target = format!("aws_subnet.s[{i}]");
        assert!(
            r.references.iter().any(|x| *x.target == *target),
            "missing {target}: {:?}",
            r.references
        );
    }
    let vpc = g.resource("aws_vpc.main").unwrap();
    let referrers: Vec<_> = g
        .referrers_of_type(vpc, "aws_subnet")
        .map(|r| r.address.clone())
        .collect();
    assert_eq!(
        referrers,
        vec!["aws_subnet.s[0]", "aws_subnet.s[1]", "aws_subnet.s[2]"]
    );
}

/// A Terragrunt unit is the root module Terragrunt runs: the module its
/// `terraform { source }` names, with its `inputs` (over the included
/// configuration's, merged shallow or deep), the files it generates (the
/// provider with `default_tags`), the state backend `remote_state`
/// completes and the variables files `extra_arguments` pass.
#[test]
fn terragrunt_units_are_the_roots_terragrunt_runs() {
    let g = load_fixture("terragrunt");
    let unit = |root: &str, address: &str, path: &str| in_root(&g, root, address, path);
    // the units are the roots; the configuration they include and the
    // modules they deploy are not
    assert_eq!(
        g.roots(),
        [
            "live/dev/app",
            "live/dev/cached",
            "live/dev/json",
            "live/dev/own",
            "live/prod/app",
            "live/prod/network"
        ]
    );
    // a unit in JSON reads as its HCL would: the included configuration
    // merged deep, locals with Terragrunt's functions
    assert_eq!(
        unit("live/dev/json", "aws_s3_bucket.data", "bucket").as_str(),
        Some("app-json")
    );
    assert_eq!(
        unit("live/dev/json", "aws_s3_bucket.data", "tags").to_string(),
        "{Network = null, Owner = \"json-team\", Team = \"platform\", Tier = \"data\"}"
    );
    assert_eq!(
        unit(
            "live/dev/json",
            "aws_s3_bucket.data",
            "tags_all.Environment"
        )
        .as_str(),
        Some("dev")
    );
    // inputs, with the included configuration's locals (`expose`) and a
    // configuration read with `read_terragrunt_config`
    assert_eq!(
        unit("live/prod/app", "aws_s3_bucket.data", "bucket").as_str(),
        Some("app-prod")
    );
    // merged shallow, the unit's `tags` replace the included ones; deep, they add up
    assert_eq!(
        unit("live/prod/app", "aws_s3_bucket.data", "tags").to_string(),
        "{Cidr = \"10.20.0.0/16\", Label = (known after apply: \"vpc:${live/prod/network//aws_vpc.main.id}\"), Network = (known after apply: live/prod/network//aws_vpc.main.id), Tier = \"gold\"}"
    );
    assert_eq!(
        unit("live/dev/app", "aws_s3_bucket.data", "tags").to_string(),
        "{Network = null, Owner = \"dev-team\", Team = \"platform\", Tier = \"data\"}"
    );
    // a dependency's outputs are those of its unit, evaluated first; an
    // attribute of one of its resources names it in its root module
    let network = unit("live/prod/app", "aws_s3_bucket.data", "tags.Network");
    assert_eq!(
        origin(&network).as_deref(),
        Some("live/prod/network//aws_vpc.main.id")
    );
    // a string known in part keeps its known text across units, and a
    // JSON document its structure (a bucket policy made in the network
    // unit), their unknowns named in the unit that knows them
    let label = unit("live/prod/app", "aws_s3_bucket.data", "tags.Label");
    let pieces = label.template().expect("a string known in part");
    assert_eq!(pieces[0].as_str(), Some("vpc:"));
    assert_eq!(
        origin(&pieces[1]).as_deref(),
        Some("live/prod/network//aws_vpc.main.id")
    );
    let policy = unit("live/prod/app", "aws_s3_bucket_policy.data[0]", "policy");
    let document = policy.document().expect("a document with unknowns in it");
    let statements = document.get("Statement").expect("statements");
    let statement = &statements.as_list().expect("a list of statements")[0];
    assert_eq!(
        statement
            .get("Principal")
            .and_then(|p| p.get("Service"))
            .as_ref()
            .and_then(Value::as_str),
        Some("vpc-flow-logs.amazonaws.com")
    );
    assert_eq!(
        statement
            .get("Resource")
            .as_ref()
            .and_then(origin)
            .as_deref(),
        Some("live/prod/network//aws_vpc.main.arn")
    );
    // (the document is never null: the policy is made; with no policy, none)
    assert!(g
        .resource_in("live/dev/app", "aws_s3_bucket_policy.data[0]")
        .is_none());
    // the generated provider's default tags, per environment
    assert_eq!(
        unit(
            "live/prod/app",
            "aws_s3_bucket.data",
            "tags_all.Environment"
        )
        .as_str(),
        Some("prod")
    );
    assert_eq!(
        unit("live/dev/own", "aws_sqs_queue.q", "tags_all.Environment").as_str(),
        Some("dev")
    );
    // a required variables file of `extra_arguments` over `inputs`; an
    // optional one that is absent is no problem
    assert_eq!(
        unit("live/prod/network", "aws_vpc.main", "tags.Name").as_str(),
        Some("from-var-file")
    );
    // a unit with no `source` deploys the .tf files beside it; a feature
    // flag takes its default
    assert_eq!(
        unit("live/dev/own", "aws_sqs_queue.q", "name").as_str(),
        Some("dev-queue")
    );
    // `read_tfvars_file`: a variables file's JSON text
    assert_eq!(
        unit(
            "live/dev/own",
            "aws_sqs_queue.q",
            "message_retention_seconds"
        )
        .as_number(),
        Some(1209600.0)
    );
    // a remote module Terragrunt downloaded is read from the unit's cache
    assert_eq!(
        unit("live/dev/cached", "aws_sqs_queue.q", "name").as_str(),
        Some("cached-queue")
    );
    // `remote_state` completes the module's partial backend block, its
    // key made by `path_relative_to_include()`
    let root = |dir: &str| {
        g.modules
            .iter()
            .find(|m| m.address.is_empty() && m.root_dir == dir)
            .unwrap_or_else(|| panic!("no root {dir}"))
    };
    let backend = root("live/prod/app").terraform.backend.as_ref().unwrap();
    assert_eq!(backend.kind, "s3");
    assert_eq!(
        backend.config.to_string(),
        "{bucket = \"org-terraform-state\", encrypt = true, key = \"prod/app/terraform.tfstate\", region = \"eu-west-1\"}"
    );
    // the value's provenance names the unit's configuration and line
    let r = g
        .resource_in("live/prod/app", "aws_s3_bucket.data")
        .unwrap();
    let set_by = r.provenance["bucket"]
        .iter()
        .find_map(|s| match &**s {
            ValueSource::Variable {
                set_by: VariableOrigin::File { path, span },
                ..
            } => Some((path.to_string(), span.unwrap().line)),
            _ => None,
        })
        .expect("bucket provenance");
    assert_eq!(set_by, ("live/prod/app/terragrunt.hcl".to_string(), 18));
    // what cannot be read is said, with where and what to do
    let said = said(&g);
    assert_eq!(
        said,
        [
            "Info live/dev/excluded/terragrunt.hcl:5: unit live/dev/excluded is not checked: Terragrunt does not run it (an `exclude` block that leaves it out of plans)",
            "Error live/dev/missing/terragrunt.hcl:6: the module unit live/dev/missing deploys, modules/nowhere, holds no .tf files: the unit is not checked",
            "Warning live/dev/remote/terragrunt.hcl:6: unit live/dev/remote deploys a remote module (git::https://example.com/org/modules.git//app?ref=v1.0.0), which Cloudwright does not download and Terragrunt has not downloaded into the unit's .terragrunt-cache: the unit is not checked",
            "Info live/dev/skipped/terragrunt.hcl:6: unit live/dev/skipped is not checked: Terragrunt does not run it (`skip = true`)",
            "Warning live/dev/terragrunt.stack.hcl:2: unit `queue` copies modules/app, which holds no terragrunt.hcl (Terragrunt refuses to generate it): live/dev/.terragrunt-stack/queue is not checked",
            "Warning live/terragrunt.hcl:9: `remote_state` configures backend \"s3\" without `generate`, and the module unit live/prod/network deploys declares no `backend \"s3\"` block to take its settings: the unit's state backend is not known",
        ]
    );
}

/// Terragrunt's `--source-map`: a remote module read from a local checkout.
#[test]
fn a_terragrunt_source_map_reads_a_remote_module_from_a_checkout() {
    let options = LoadOptions {
        terragrunt_source_map: vec![(
            "git::https://example.com/org/modules.git".to_string(),
            fixture("terragrunt/modules"),
        )],
        ..LoadOptions::default()
    };
    let g = load(&[fixture("terragrunt")], &options);
    let bucket = g
        .resource_in("live/dev/remote", "aws_s3_bucket.data")
        .expect("the unit's module, from the checkout");
    // the unit gives no name: unset, as Terraform would refuse it
    assert!(bucket.get("bucket").is_some());
    assert!(!messages(&g, Severity::Warning)
        .iter()
        .any(|m| m.contains("live/dev/remote")));
}

/// `remote_state` with `generate` writes the backend; a `generate` block
/// writes its file where the lines of its heredoc are; `if_exists =
/// "skip"` keeps the module's own file of that name. A cycle of locals and
/// a nested include are said.
#[test]
fn terragrunt_generated_files_are_read_where_they_are_written() {
    let g = load_fixture("terragrunt_generate");
    assert_eq!(g.roots(), ["live/a"]);
    assert_eq!(
        attr(&g, "aws_sqs_queue.q", "name").as_str(),
        Some("queue-a")
    );
    let root = g.modules.iter().find(|m| m.address.is_empty()).unwrap();
    let backend = root.terraform.backend.as_ref().unwrap();
    // `path_relative_to_include()` from root.hcl to the unit; an unset
    // environment variable's default
    assert_eq!(
        backend.config.to_string(),
        "{bucket = \"org-terraform-state\", dynamodb_table = \"terraform-locks\", key = \"live/a/terraform.tfstate\", region = \"us-east-2\"}"
    );
    let at =
        |span: cloudwright_model::Span| (g.sources.get(span.file).display_path.clone(), span.line);
    // the backend is where `remote_state` is; the version where the
    // heredoc writes it
    assert_eq!(at(backend.span), ("root.hcl".to_string(), 10));
    let (version, span) = root.terraform.required_version.clone().unwrap();
    assert_eq!(version, ">= 1.5");
    assert_eq!(at(span), ("live/a/terragrunt.hcl".to_string(), 20));
    // `skip`: the module's provider.tf, not the generated one
    let region = root.providers[0].attributes.get("region").unwrap();
    assert_eq!(region.as_str(), Some("ap-south-1"));
    assert_eq!(
        messages(&g, Severity::Error),
        [
            "local `first` refers to itself through other locals; its value is unknown",
            "local `second` refers to itself through other locals; its value is unknown"
        ]
    );
    assert_eq!(
        messages(&g, Severity::Warning),
        ["an included configuration cannot include another (Terragrunt refuses nested includes); this `include` is not read"]
    );
}

#[test]
fn strings_known_in_part_keep_their_known_text() {
    let g = load_fixture("partial_strings");
    assert_clean(&g);
    let shown = |address: &str, path: &str| attr(&g, address, path).to_string();
    // cased, tested and cut where the known text decides; an unknown piece
    // a function changed is no longer the value it came from
    let cut = "aws_ssm_parameter.cut";
    assert_eq!(
        shown(cut, "description"),
        "(unknown: \"arn:aws:iam::${…}:root\")"
    );
    // (tags are strings: the provider's schema converts the booleans; the
    // known start less its last character decides, as in Terraform)
    for (tag, expected) in [
        ("upper", "(known after apply: \"LOGS-${…}\")"),
        ("starts", "\"true\""),
        ("edge", "(unknown)"),
        ("other", "\"false\""),
        ("undecided", "(known after apply)"),
        (
            "trimmed",
            "(unknown: \"aws:iam::${data.aws_caller_identity.current.account_id}:root\")",
        ),
        (
            "suffix",
            "(unknown: \"arn:aws:iam::${data.aws_caller_identity.current.account_id}\")",
        ),
        (
            "kept",
            "(unknown: \"arn:aws:iam::${data.aws_caller_identity.current.account_id}:root\")",
        ),
        ("short", "\"platform\""),
        ("long", "(known after apply: \"platform${…}\")"),
        // (every character but the last known one is: it may combine)
        ("whole", "\"platform\""),
        ("middle", "(known after apply)"),
        ("plain", "(known after apply)"),
    ] {
        assert_eq!(shown(cut, &format!("tags.{tag}")), expected, "{tag}");
    }
    assert_eq!(
        shown("aws_ssm_parameter.p", "description"),
        "(unknown: \"arn:aws:iam::${data.aws_caller_identity.current.account_id}:root\")"
    );
    // the pieces of the inner string joined with the outer's; a string of
    // unknowns alone, and a directive on an unknown condition, unknown
    assert_eq!(
        shown("aws_ssm_parameter.p", "name"),
        "(unknown: \"/[arn:aws:iam::${data.aws_caller_identity.current.account_id}:root]/${…}/a${…}c\")"
    );
    let value = attr(&g, "aws_ssm_parameter.p", "description");
    let pieces = value.template().unwrap();
    assert_eq!(pieces.len(), 3);
    assert_eq!(pieces[0].as_str(), Some("arn:aws:iam::"));
    assert!(value.is_unknown(), "to every operation it is unknown");
    assert_eq!(
        value.to_json(),
        serde_json::json!({
            "unknown": true,
            "text": "arn:aws:iam::${data.aws_caller_identity.current.account_id}:root"
        })
    );
    // format() as the template syntax
    assert_eq!(
        shown("aws_ssm_parameter.formatted", "description"),
        shown("aws_ssm_parameter.p", "description")
    );
    assert_eq!(
        shown("aws_ssm_parameter.formatted", "tags.padded"),
        "(known after apply)",
        "made only from values known after apply"
    );
    // join() as the template syntax
    assert_eq!(
        shown("aws_ssm_parameter.joined", "description"),
        shown("aws_ssm_parameter.p", "description")
    );
    assert_eq!(
        shown("aws_ssm_parameter.joined", "tags.lists"),
        shown("aws_ssm_parameter.p", "description")
    );
    assert_eq!(
        shown("aws_ssm_parameter.joined", "tags.numbers"),
        "(known after apply: \"1-true-${aws_s3_bucket.b.id}\")"
    );
    assert_eq!(
        shown("aws_ssm_parameter.joined", "tags.unknown"),
        "(known after apply)"
    );
    assert_eq!(
        shown("aws_ssm_parameter.formatted", "tags.mixed"),
        "(unknown: \"a/5/arn:aws:iam::${data.aws_caller_identity.current.account_id}:root\")"
    );
    // compared with known strings and null as Terraform refines them
    assert!(g.resource("aws_s3_bucket.when_set[0]").is_some());
    assert!(g
        .resources
        .iter()
        .all(|r| !r.address.starts_with("aws_s3_bucket.when_other")));
    // templates render around unknown values; an encoding of what they
    // render is unknown, and keeps it
    assert_eq!(
        shown("aws_ssm_parameter.rendered", "description"),
        "(known after apply: \"host=${aws_s3_bucket.b.id}\")"
    );
    let encoded = attr(&g, "aws_ssm_parameter.rendered", "value");
    assert_eq!(
        encoded.encoded_template().unwrap()[0].as_str(),
        Some("host=")
    );
    assert!(encoded.document().is_none());
    // a module's string variables take a string known in part and an
    // unknown document as they are (they were "cannot be converted" errors)
    assert_eq!(
        shown("module.queue.aws_sqs_queue.this", "name"),
        "(known after apply: \"q-${aws_s3_bucket.b.id}\")"
    );
    let policy = attr(&g, "module.queue.aws_sqs_queue.this", "policy");
    let principal = policy
        .document()
        .unwrap()
        .get_path(&["Statement", "0", "Principal"]);
    assert_eq!(principal.unwrap().as_str(), Some("*"));

    // JSON written around values known after apply: its structure is known
    let heredoc = attr(&g, "aws_s3_bucket_policy.heredoc", "policy");
    let doc = heredoc.json_document().expect("a document");
    let resources = doc.get_path(&["Statement", "0", "Resource"]).unwrap();
    assert_eq!(
        resources.to_string(),
        "[(known after apply: aws_s3_bucket.b.arn), (known after apply: \"${aws_s3_bucket.b.arn}/*\")]"
    );
    assert_eq!(
        shown("aws_ssm_parameter.replaced", "tags.principal"),
        "\"*\"",
        "jsondecode() of such a text"
    );
    // replace() of placeholders by unknown values
    let replaced = attr(&g, "aws_ssm_parameter.replaced", "description");
    assert_eq!(
        replaced.to_string(),
        "(unknown: \"{\\\"Statement\\\":[{\\\"Effect\\\":\\\"Deny\\\",\\\"Resource\\\":[\\\"${…}/*\\\"],\\\"Sid\\\":\\\"${data.aws_caller_identity.current.account_id}\\\"}]}\")"
    );
    let doc = replaced.json_document().expect("a document");
    assert_eq!(
        doc.get_path(&["Statement", "0", "Effect"])
            .unwrap()
            .as_str(),
        Some("Deny")
    );
    assert_eq!(
        shown("aws_ssm_parameter.replaced", "tags.found"),
        "(known after apply: \"a/${…}/b!\")"
    );
    assert_eq!(
        shown("aws_ssm_parameter.replaced", "tags.edge"),
        "(known after apply)"
    );
    assert_eq!(
        shown("aws_ssm_parameter.replaced", "tags.edge_end"),
        "(known after apply)"
    );
    assert_eq!(
        shown("aws_ssm_parameter.replaced", "tags.regex"),
        "(known after apply)"
    );
    assert_eq!(
        shown("aws_ssm_parameter.replaced", "tags.unchanged"),
        "\"abc\""
    );
    // coalesce() past null and "" to a value certainly set
    let coalesced = |path: &str| shown("aws_ssm_parameter.coalesced", path);
    assert_eq!(
        coalesced("description"),
        "(known after apply: aws_s3_bucket.b.arn)"
    );
    assert_eq!(coalesced("tags.first_known"), "\"x\"");
    assert_eq!(
        coalesced("tags.last"),
        "(unknown: data.aws_caller_identity.current.account_id)"
    );
    assert_eq!(coalesced("tags.may_be_empty"), "(unknown)");
    assert_eq!(
        coalesced("tags.joined_one"),
        "(known after apply: aws_s3_bucket.b.arn)"
    );
}

#[test]
fn count_that_depends_on_unknowns_is_one_unknown_instance() {
    let g = load_fixture("unknowns");
    let maybe = g
        .resource("aws_instance.maybe[?]")
        .expect("unknown instance");
    assert_eq!(maybe.index, Some(InstanceKey::Unknown));
    let warning = g
        .diagnostics
        .iter()
        .find(|d| d.severity == Severity::Warning)
        .expect("warning");
    assert!(warning
        .message
        .contains("`count` is known only after apply; one instance"));
    assert_eq!(warning.span.unwrap().line, 26);
    let g = load_fixture("unknown_count");
    assert!(
        g.resource("aws_subnet.s[?]").is_some(),
        "{:?}",
        addresses(&g)
    );
    assert!(g.resource("aws_eip.e[?]").is_some());
    let warnings = messages(&g, Severity::Warning);
    assert_eq!(warnings.len(), 2, "{warnings:?}");
    assert!(warnings[0].contains("`count` is not known from the code; one instance"));
    assert!(warnings[1].contains(
        "`for_each` is not known from the code (from data.aws_availability_zones.az.names)"
    ));
    // slice() of the zones by known indices is that many zones
    for i in 0..3 {
        let zone = attr(&g, &format!("aws_subnet.three[{i}]"), "availability_zone");
        assert_eq!(
            zone.as_unknown().and_then(|u| u.origin()),
            Some(format!("data.aws_availability_zones.az.names[{i}]").as_str())
        );
    }
    assert!(g.resource("aws_subnet.three[3]").is_none());
}

#[test]
fn a_missing_module_is_a_diagnostic_and_its_outputs_are_unknown() {
    let g = load_fixture("missing_module");
    let d = g
        .diagnostics
        .iter()
        .find(|d| d.message.contains("not downloaded"))
        .expect("diagnostic");
    assert_eq!(d.severity, Severity::Warning);
    assert_eq!(d.span.unwrap().line, 1);
    assert!(d.help.as_deref().unwrap().contains("terraform init"));
    let subnet = attr(&g, "aws_instance.web", "subnet_id");
    assert_eq!(
        origin(&subnet).as_deref(),
        Some("module.vpc.private_subnets[0]")
    );
    assert!(!g.has_errors());
}

#[test]
fn registry_modules_are_read_from_modules_json() {
    let g = load_fixture("registry_module");
    assert_clean(&g);
    assert_eq!(
        attr(&g, "module.vpc.aws_subnet.a", "cidr_block").as_str(),
        Some("10.9.1.0/24")
    );
    assert_eq!(
        origin(&attr(&g, "aws_instance.web", "subnet_id")).as_deref(),
        Some("module.vpc.aws_subnet.a.id")
    );
    let call = &g.module("").unwrap().module_calls[0];
    assert_eq!(call.version.as_deref(), Some("5.1.0"));
    assert_eq!(call.resolved_dir.as_deref(), Some(".terraform/modules/vpc"));
}

/// The one problem of a load that has one — an error, and no warnings.
fn only_error(g: &Graph) -> &cloudwright_model::Diagnostic {
    let problems: Vec<_> = g
        .diagnostics
        .iter()
        .filter(|d| d.severity != Severity::Info)
        .collect();
    assert_eq!(problems.len(), 1, "{problems:#?}");
    assert_eq!(problems[0].severity, Severity::Error);
    problems[0]
}

/// A syntax error leaves out the top-level block it is in, not its file:
/// the blocks after it in the same file load, and what the left-out block
/// declared — or anything a partly read module refers to — is unknown, not
/// a cascade of "undeclared" errors.
#[test]
fn a_syntax_error_is_located_and_the_rest_still_loads() {
    let g = load_fixture("syntax_error");
    assert!(g.resource("aws_s3_bucket.ok").is_some());
    assert!(g.resource("aws_s3_bucket.broken").is_none());
    let error = only_error(&g);
    assert_eq!(
        error.message,
        "syntax error: expected an expression, found a newline"
    );
    assert_eq!(
        error.help.as_deref(),
        Some(
            "fix the syntax; lines 5–8 (`resource \"aws_s3_bucket\" \"broken\"`) were left out: \
             what is declared there is unknown, and the rest of the file and of the configuration was read"
        )
    );
    let span = error.span.unwrap();
    assert_eq!(g.sources.get(span.file).display_path, "broken.tf");
    assert_eq!((span.line, span.column), (6, 12));

    // the blocks after the error, in the same file
    let versioning = "aws_s3_bucket_versioning.after";
    assert!(attr(&g, versioning, "bucket").is_unknown());
    assert_eq!(
        attr(&g, versioning, "versioning_configuration.0.status").as_str(),
        Some("Enabled")
    );
    assert_eq!(
        attr(&g, "aws_s3_bucket.named", "bucket").as_str(),
        Some("logs-prod")
    );
    assert!(attr(&g, "aws_s3_bucket.named", "tags.Owner").is_unknown());
    let named = g.resource("aws_s3_bucket.named").unwrap();
    assert_eq!(named.span.map(|s| s.line), Some(16));
}

/// A syntax error in a variables file leaves out the assignment it is in,
/// not the file: the other values are still set.
#[test]
fn a_syntax_error_in_a_tfvars_file_leaves_out_one_assignment() {
    let g = load_fixture("tfvars_syntax");
    let error = only_error(&g);
    assert_eq!(
        error.help.as_deref(),
        Some(
            "fix the syntax; line 2 (`b`) was left out: the variables set there keep the values \
             they have elsewhere, and the rest of the file was read"
        )
    );
    assert_eq!(
        file_line(&g, error.span.unwrap()),
        ("terraform.tfvars".to_string(), 3)
    );
    assert_eq!(
        attr(&g, "aws_sqs_queue.q", "name").as_str(),
        Some("from-file-default-b-also-from-file")
    );
}

#[test]
fn templates_heredocs_and_strip_markers() {
    let g = load_fixture("templates");
    assert_clean(&g);
    let p = "aws_ssm_parameter.t";
    assert_eq!(
        attr(&g, p, "value").as_str(),
        Some("hello WORLD\nitem a\nitem b\nmany\n")
    );
    assert_eq!(attr(&g, p, "tier").as_str(), Some("xyz"));
    // "${list}" alone yields the list itself
    assert_eq!(attr(&g, p, "type").as_number(), Some(2.0));
}

#[test]
fn for_expressions_splats_and_operators() {
    let g = load_fixture("expressions");
    assert_clean(&g);
    let json = attr(&g, "aws_ssm_parameter.e", "value");
    let v: serde_json::Value = serde_json::from_str(json.as_str().unwrap()).unwrap();
    assert_eq!(v["names"], serde_json::json!(["a", "b", "c"]));
    assert_eq!(v["legacy_names"], serde_json::json!(["a", "b", "c"]));
    assert_eq!(v["ports"], serde_json::json!([80, 443, 5432]));
    assert_eq!(
        v["by_role"],
        serde_json::json!({"db": ["c"], "web": ["a", "b"]})
    );
    assert_eq!(v["web_only"], serde_json::json!(["A", "B"]));
    assert_eq!(v["index_map"], serde_json::json!({"a": 0, "b": 1, "c": 2}));
    assert_eq!(v["math"], serde_json::json!(6));
    assert_eq!(v["logic"], serde_json::json!(true));
    assert_eq!(v["cond"], serde_json::json!("three"));
    assert_eq!(v["splat_single"], serde_json::json!(["a"]));
}

#[test]
fn for_expression_keys_are_ordered_and_a_key_made_twice_is_an_error() {
    let g = load_fixture("for_keys");
    let json = |address: &str| {
        let value = attr(&g, address, "value");
        serde_json::from_str::<serde_json::Value>(value.as_str().unwrap()).unwrap()
    };
    assert_eq!(
        json("aws_ssm_parameter.ordered").to_string(),
        r#"{"api":"API","db":"DB","web":"WEB"}"#
    );
    assert_eq!(
        json("aws_ssm_parameter.grouped").to_string(),
        r#"{"api":[2],"db":[1,3],"web":[0,4]}"#
    );
    assert!(attr(&g, "aws_ssm_parameter.twice", "value").is_unknown());
    assert_eq!(
        messages(&g, Severity::Error),
        [
            "duplicate object key \"db\" in for expression; add `...` after the value to group them",
            "duplicate object key \"web\" in for expression; add `...` after the value to group them",
        ]
    );
}

#[test]
fn function_library_matches_terraform() {
    let g = load_fixture("functions");
    assert_clean(&g);
    let json = attr(&g, "aws_ssm_parameter.cases", "value");
    let cases: serde_json::Value = serde_json::from_str(json.as_str().unwrap()).unwrap();
    let mut failures = Vec::new();
    for (name, pair) in cases.as_object().unwrap() {
        if pair[0] != pair[1] {
            failures.push(format!("{name}: got {}, expected {}", pair[0], pair[1]));
        }
    }
    assert!(failures.is_empty(), "{failures:#?}");
    assert!(cases.as_object().unwrap().len() >= 80);
}

/// The load's only error is the dependency cycle between `a` and `b`
/// (reported from either).
fn assert_only_cycle(g: &Graph, a: &str, b: &str) {
    let errors = messages(g, Severity::Error);
    assert_eq!(errors.len(), 1, "{errors:?}");
    assert!(
        errors[0].starts_with(&format!("dependency cycle: {a} → {b} → {a}"))
            || errors[0].starts_with(&format!("dependency cycle: {b} → {a} → {b}")),
        "{}",
        errors[0]
    );
}

#[test]
fn cyclic_locals_are_reported_and_unknown() {
    let g = load_fixture("cycle");
    assert_only_cycle(&g, "local.a", "local.b");
    assert_eq!(attr(&g, "aws_s3_bucket.b", "bucket").as_str(), Some("fine"));
    assert!(attr(&g, "aws_s3_bucket.b", "tags.cyc").is_unknown());
}

#[test]
fn calls_reading_each_others_outputs_settle_unless_terraform_sees_a_cycle() {
    let g = load_fixture("module_cycles");
    // x and y read each other's outputs, but no output of either is made
    // from the variable the other sets from it: evaluated until settled,
    // not reported
    assert_only_cycle(&g, "module.p", "module.q");
    let value = |address: &str| attr(&g, address, "value").as_str().map(str::to_string);
    let name = |address: &str| attr(&g, address, "name").as_str().map(str::to_string);
    assert_eq!(
        name("module.y.aws_ssm_parameter.this").as_deref(),
        Some("/relay/y")
    );
    assert_eq!(
        value("module.x.aws_ssm_parameter.this").as_deref(),
        Some("y")
    );
    assert_eq!(
        value("module.y.aws_ssm_parameter.this").as_deref(),
        Some("y+")
    );
    assert_eq!(
        name("module.x.aws_ssm_parameter.this").as_deref(),
        Some("/relay/x-y++")
    );
    assert_eq!(value("aws_ssm_parameter.summary").as_deref(), Some("y++"));
    // each resource once, though its module was evaluated more than once
    let count = |prefix: &str| {
        g.resources
            .iter()
            .filter(|r| r.address.starts_with(prefix))
            .count()
    };
    assert_eq!(count("module.x."), 1);
    assert_eq!(count("module.y."), 1);
    assert_eq!(
        g.modules.iter().filter(|m| m.address == "module.x").count(),
        1
    );
    // the references that closed the cycle are the settled values'
    let references = |address: &str| -> Vec<String> {
        let r = g.resource(address).unwrap();
        r.references
            .iter()
            .map(|r| {
                format!(
                    "{} → {}.{}",
                    r.attribute,
                    r.target,
                    r.target_attribute.as_deref().unwrap_or("")
                )
            })
            .collect()
    };
    assert_eq!(
        references("module.x.aws_ssm_parameter.this"),
        [
            "name → module.x.relayed",
            "name → module.y.label",
            "name → module.y.relayed",
            "value → module.y.label"
        ]
    );
    // the real cycle's values stay unknown
    assert!(attr(&g, "module.p.aws_ssm_parameter.this", "value").is_unknown());
    assert_eq!(
        name("module.p.aws_ssm_parameter.this").as_deref(),
        Some("/relay/p")
    );
}

#[test]
fn tf_json_configuration_loads_like_hcl() {
    let g = load_fixture("tf_json");
    // `check` (with its scoped `data` source) and `ephemeral` take their
    // labels from the keys, as `resource` does (read as unlabeled blocks,
    // they were errors)
    assert_clean(&g);
    assert_eq!(
        attr(&g, "aws_s3_bucket.b", "bucket").as_str(),
        Some("app-prod")
    );
    assert_eq!(
        attr(&g, "aws_s3_bucket.b", "tags.env").as_str(),
        Some("prod")
    );
    assert_eq!(
        attr(&g, "aws_s3_bucket.b", "versioning.0.enabled").as_bool(),
        Some(true)
    );
    assert_eq!(
        attr(&g, "aws_instance.web[1]", "ami").as_str(),
        Some("ami-1")
    );
    let r = g.resource("aws_s3_bucket.b").unwrap();
    assert_eq!(r.attribute_spans["bucket"].line, 7);
    // a provider reference is a string in JSON
    let west = g.resource("aws_sqs_queue.west").unwrap();
    assert_eq!(west.provider.alias.as_deref(), Some("west"));
    assert_eq!(
        west.provider.region.as_ref().and_then(|r| r.as_str()),
        Some("us-west-2")
    );
    // an output's precondition and a module call's lifecycle are blocks
    // in JSON too (read as arguments, they were warned of as unknown)
    let output = &g.module("").unwrap().outputs[0];
    assert_eq!(output.value.as_str(), Some("app-prod"));
    // and so is a module call's providers mapping
    let topic = g.resource("module.q.aws_sns_topic.t").unwrap();
    assert_eq!(
        topic.provider.region.as_ref().and_then(|r| r.as_str()),
        Some("us-west-2")
    );
    // `required_providers` holds arguments, each an object (read as nested
    // blocks, the provider looked undeclared)
    let terraform = &g.module("").unwrap().terraform;
    let providers: Vec<_> = terraform
        .required_providers
        .iter()
        .map(|p| (p.name.as_str(), p.source.as_deref(), p.version.as_deref()))
        .collect();
    assert_eq!(providers, [("aws", Some("hashicorp/aws"), Some("~> 5.40"))]);
    assert_eq!(
        terraform.required_version.as_ref().map(|(v, _)| v.as_str()),
        Some(">= 1.6")
    );
    assert_eq!(
        terraform.backend.as_ref().map(|b| b.kind.as_str()),
        Some("s3")
    );
}

#[test]
fn sensitive_values_are_marked_and_never_rendered() {
    let g = load_fixture("sensitive");
    // a root output of a provider-sensitive argument must say so, as
    // Terraform refuses it otherwise
    assert_eq!(
        located(&g, Severity::Error),
        [diagnostic_at(
            "output `leaked` refers to sensitive values; a root module output that does must be marked `sensitive = true`",
            "main.tf",
            43
        )]
    );
    let secret = attr(&g, "aws_ssm_parameter.literal", "value");
    assert!(secret.is_sensitive() && secret.as_str() == Some("written-in-the-code"));
    assert!(attr(&g, "aws_mq_broker.broker", "user.0.password").is_sensitive());
    assert!(!attr(&g, "aws_mq_broker.broker", "user.0.username").is_sensitive());
    assert!(attr(&g, "aws_ssm_parameter.copy", "value").is_sensitive());
    assert!(!attr(&g, "aws_ssm_parameter.copy", "description").is_sensitive());
    let db = "aws_db_instance.db";
    assert!(attr(&g, db, "password").is_sensitive());
    // anything computed from a sensitive value is sensitive
    assert!(attr(&g, db, "username").is_sensitive());
    assert!(!attr(&g, db, "port").is_sensitive());
    let engine = attr(&g, db, "engine");
    assert!(engine.is_sensitive() && engine.as_str() == Some("postgres"));
    let json = attr(&g, db, "password").to_json();
    assert_eq!(json, serde_json::json!({"sensitive": true}));
    let output = &g.module("").unwrap().outputs[0];
    assert!(output.sensitive && output.value.is_sensitive());
    for key in ["k1", "k2", "k3"] {
        let queue = format!("aws_sqs_queue.read[\"{key}\"]");
        let name = attr(&g, &queue, "name");
        assert!(!name.is_sensitive() && name.as_str() == Some(&*key.replace('k', "v")));
        assert!(attr(&g, &queue, "policy").is_sensitive(), "{queue}");
    }
}

#[test]
fn provider_default_tags_merge_into_tags_all() {
    let g = load_fixture("default_tags");
    assert_clean(&g);
    assert_eq!(
        attr(&g, "aws_s3_bucket.b", "tags_all").to_string(),
        r#"{Name = "b", env = "override", team = "core"}"#
    );
    // the aliased provider has no default_tags
    assert_eq!(
        attr(&g, "aws_s3_bucket.west", "tags_all").to_string(),
        r#"{Name = "w"}"#
    );
    assert_eq!(
        g.resource("aws_s3_bucket.west")
            .unwrap()
            .provider
            .region
            .as_ref()
            .unwrap()
            .as_str(),
        Some("us-west-2")
    );
    // not every type takes tags
    assert!(g
        .resource("aws_iam_role_policy_attachment.not_taggable")
        .unwrap()
        .get("tags_all")
        .is_none());
    assert_eq!(
        attr(&g, "data.aws_region.current", "name").as_str(),
        Some("us-east-1")
    );
    assert_eq!(
        attr(&g, "data.aws_partition.current", "partition").as_str(),
        Some("aws")
    );
}

#[test]
fn data_sources_that_follow_from_the_configuration_are_evaluated() {
    let g = load_fixture("computed_data");
    let errors: Vec<(String, u32)> = g
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| (d.message.clone(), d.span.unwrap().line))
        .collect();
    assert_eq!(
        errors,
        [
            (
                "`arn` is not an ARN (arn:partition:service:region:account:resource)".to_string(),
                41
            ),
            (
                "syntax error in template given to template_file at byte 10: expected `}` to close the interpolation, found the end of the file".to_string(),
                71
            ),
            (
                "unsupported AWS Region: ap-southeast-4 (Elastic Load Balancing has no log delivery account there; newer Regions deliver as the service principal logdelivery.elasticloadbalancing.amazonaws.com)".to_string(),
                120
            ),
            (
                "\"/etc/passwd\" is outside the scanned directory and the module's own; Cloudwright reads no file outside them".to_string(),
                169
            ),
            ("`vars` must be a map, not string".to_string(), 174),
        ]
    );
    // aws_arn: the parts, the resource keeping its further `:`
    let audit = r#"data.aws_arn.queue["audit"]"#;
    for (part, expected) in [
        ("partition", "aws-cn"),
        ("service", "sqs"),
        ("region", "cn-north-1"),
        ("account", "210987654321"),
        ("resource", "audit:fifo"),
        ("id", "arn:aws-cn:sqs:cn-north-1:210987654321:audit:fifo"),
    ] {
        assert_eq!(attr(&g, audit, part).as_str(), Some(expected), "{part}");
    }
    assert_eq!(
        attr(&g, "aws_ssm_parameter.urls", "value").as_str(),
        Some(
            r#"{"audit":"https://sqs.cn-north-1.amazonaws.com/210987654321/audit:fifo","orders":"https://sqs.eu-west-1.amazonaws.com/123456789012/orders"}"#
        )
    );
    // an ARN known only after apply: its parts too, with no wrong guess
    let computed = g.resource("data.aws_arn.computed").unwrap();
    assert!(computed.get("arn").unwrap().is_unknown());
    assert!(computed.get("service").is_none());
    assert!(g
        .resource("data.aws_arn.broken")
        .unwrap()
        .get("service")
        .is_none());
    // aws_default_tags: the provider's, or none
    assert_eq!(
        attr(&g, "data.aws_default_tags.current", "tags").to_string(),
        r#"{env = "prod", team = "platform"}"#
    );
    assert_eq!(
        attr(&g, "data.aws_default_tags.bare", "tags").to_string(),
        "{}"
    );
    // template_file: rendered with its vars; unknown while a var is
    assert_eq!(
        attr(&g, "data.template_file.user_data", "rendered").as_str(),
        Some("#!/bin/bash\necho hello from web\nopen 80\nopen 443\n")
    );
    assert!(attr(&g, "data.template_file.waiting", "rendered").is_unknown());
    assert!(g
        .resource("data.template_file.bad")
        .unwrap()
        .get("rendered")
        .is_none());
    // aws_service_principal: amazonaws.com but where a partition has its own
    for (address, id, name) in [
        (
            "data.aws_service_principal.ec2",
            "ec2.eu-west-1.amazonaws.com",
            "ec2.amazonaws.com",
        ),
        (
            "data.aws_service_principal.ec2_cn",
            "ec2.cn-northwest-1.amazonaws.com",
            "ec2.amazonaws.com",
        ),
        (
            "data.aws_service_principal.logs_cn",
            "logs.cn-north-1.amazonaws.com.cn",
            "logs.amazonaws.com.cn",
        ),
    ] {
        assert_eq!(attr(&g, address, "id").as_str(), Some(id));
        assert_eq!(attr(&g, address, "name").as_str(), Some(name));
    }
    // `json` as the provider writes it (indented), `minified_json` compact
    assert_eq!(
        attr(&g, "data.aws_iam_policy_document.trust", "minified_json").as_str(),
        Some(
            r#"{"Version":"2012-10-17","Statement":[{"Sid":"","Effect":"Allow","Action":"sts:AssumeRole","Principal":{"Service":"ec2.amazonaws.com"}}]}"#
        )
    );
    assert_eq!(
        attr(&g, "data.aws_iam_policy_document.trust", "json").as_str(),
        Some("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"\",\n      \"Effect\": \"Allow\",\n      \"Action\": \"sts:AssumeRole\",\n      \"Principal\": {\n        \"Service\": \"ec2.amazonaws.com\"\n      }\n    }\n  ]\n}")
    );
    assert_eq!(
        attr(&g, "data.aws_partition.cn", "dns_suffix").as_str(),
        Some("amazonaws.com.cn")
    );
    // aws_elb_service_account: the Region's log delivery account, in the
    // provider's partition
    assert_eq!(
        attr(&g, "data.aws_elb_service_account.main", "arn").as_str(),
        Some("arn:aws:iam::156460612806:root")
    );
    assert_eq!(
        attr(&g, "data.aws_elb_service_account.gov", "id").as_str(),
        Some("048591011584")
    );
    // a null argument is the provider's default
    for part in ["name", "region", "id"] {
        assert_eq!(
            attr(&g, "data.aws_region.current", part).as_str(),
            Some("eu-west-1"),
            "{part}"
        );
    }
    assert_eq!(
        attr(&g, "data.aws_service_principal.s3", "id").as_str(),
        Some("s3.eu-west-1.amazonaws.com")
    );
    // cloudinit_config: the MIME message is not written, its parts are read
    let boot = g.resource("data.cloudinit_config.boot").unwrap();
    let rendered = boot.get("rendered").unwrap();
    assert!(rendered.is_unknown());
    assert_eq!(
        rendered.encoded_text(),
        Some("packages: [nginx]\n\n#!/bin/bash\necho hello from web\nopen 80\nopen 443\n")
    );
    // local_file: the content and its digests, as hashicorp/local gives them
    let boot = "data.local_file.boot";
    assert_eq!(
        attr(&g, boot, "content").as_str(),
        Some("#!/bin/bash\necho boot\n")
    );
    assert_eq!(
        attr(&g, boot, "id").as_str(),
        Some("cc93963826b6c59344b2bfbfcda8d43b9beb228c")
    );
    assert_eq!(
        attr(&g, boot, "content_base64sha256").as_str(),
        Some("VI1ISuBF91D9YUmby57uEruj4Vg+8PAfsRHfRuTwdug=")
    );
    // the file functions give what local_file gives
    let digests = attr(&g, "aws_ssm_parameter.digests", "value");
    let digests: serde_json::Value = serde_json::from_str(digests.as_str().unwrap()).unwrap();
    let digests = digests.as_object().unwrap();
    assert_eq!(digests.len(), 7);
    for (attribute, value) in digests {
        assert_eq!(
            attr(&g, boot, attribute).as_str(),
            value.as_str(),
            "{attribute}"
        );
    }
    assert_eq!(
        digests["content_sha256"],
        "548d484ae045f750fd61499bcb9eee12bba3e1583ef0f01fb111df46e4f076e8"
    );
    let hidden = g.resource("data.local_sensitive_file.boot").unwrap();
    assert!(hidden.get("content").unwrap().is_sensitive());
    assert_eq!(
        hidden.get("content_md5").unwrap().as_str(),
        Some("ac95f02a8564446c1c5ee2ad45a9e768")
    );
    let waiting = g.resource("data.cloudinit_config.waiting").unwrap();
    assert!(waiting.get("rendered").is_none());
    assert_eq!(
        messages(&g, Severity::Info),
        ["cloudinit_config: Cloudwright does not reproduce the rendered MIME message; `rendered` is treated as unknown, and rules that read user data read its parts"]
    );
}

#[test]
fn policy_documents_render_to_json_wherever_written() {
    let g = load_fixture("policy_document");
    assert_clean(&g);
    assert_eq!(
        attr(&g, "aws_iam_role.r", "assume_role_policy").as_str(),
        Some("{\n  \"Version\": \"2012-10-17\",\n  \"Statement\": [\n    {\n      \"Sid\": \"\",\n      \"Effect\": \"Allow\",\n      \"Action\": \"sts:AssumeRole\",\n      \"Principal\": {\n        \"AWS\": \"*\"\n      }\n    }\n  ]\n}")
    );
    assert_eq!(
        attr(&g, "aws_iam_policy.inline", "policy").as_str(),
        Some(
            r#"{"Statement":[{"Action":"*","Effect":"Allow","Resource":"*"}],"Version":"2012-10-17"}"#
        )
    );
    assert!(attr(&g, "aws_iam_policy.heredoc", "policy")
        .as_str()
        .unwrap()
        .contains("\"Deny\""));
}

#[test]
fn documents_with_unknown_values_keep_their_structure() {
    let g = load_fixture("policy_document");
    let policy = attr(&g, "aws_sqs_queue_policy.partial", "policy");
    assert!(policy.is_unknown(), "the text is unknown: {policy}");
    let doc = policy.document().unwrap();
    let statement = doc.get("Statement").unwrap().as_list().unwrap()[0].clone();
    assert_eq!(statement.get("Principal").unwrap().as_str(), Some("*"));
    assert!(statement.get("Resource").unwrap().is_unknown());
    // aws_iam_policy_document: elements unknown, shape known
    let json = attr(&g, "data.aws_iam_policy_document.partial", "json");
    let doc = json.document().unwrap();
    let statement = doc.get("Statement").unwrap().as_list().unwrap()[0].clone();
    assert_eq!(statement.get("Effect").unwrap().as_str(), Some("Allow"));
    assert_eq!(
        statement.get("Action").unwrap().as_str(),
        Some("s3:GetObject")
    );
    // an unknown effect is an unknown shape: no document
    let json = attr(&g, "data.aws_iam_policy_document.shape_unknown", "json");
    assert!(json.is_unknown() && json.document().is_none());
    assert_eq!(json.why_unknown(), "not known from the code");
    // a condition's unknown key is its mark, its known text kept; the rest
    // of the document is known
    let json = attr(&g, "data.aws_iam_policy_document.irsa", "json");
    let doc = json.document().expect("a document");
    let statement = doc.get("Statement").unwrap().as_list().unwrap()[0].clone();
    assert_eq!(
        statement
            .get_path(&["Principal", "Federated"])
            .unwrap()
            .to_string(),
        "(known after apply: aws_iam_openid_connect_provider.oidc.arn)"
    );
    let condition = statement.get("Condition").unwrap();
    let keys: Vec<String> = condition
        .get("StringEquals")
        .unwrap()
        .as_object()
        .unwrap()
        .fields()
        .keys()
        .map(|k| k.to_string())
        .collect();
    // a string known in part: one piece made from the provider's ARN
    // (known after apply), then `:sub`
    let [key] = keys.as_slice() else {
        panic!("{keys:?}")
    };
    let text = key
        .strip_prefix(cloudwright_model::value::UNKNOWN_MARK)
        .and_then(|k| k.strip_prefix('~'))
        .unwrap();
    let piece = text
        .strip_prefix(cloudwright_model::value::PIECE_START)
        .and_then(|t| t.strip_suffix(":sub"))
        .and_then(|t| t.strip_suffix(cloudwright_model::value::PIECE_END))
        .unwrap();
    assert!(cloudwright_model::value::is_no_origin(piece));
    assert!(cloudwright_model::value::origin_after_apply(piece));
    assert_eq!(
        condition
            .get_path(&["StringLike", "aws:PrincipalTag/team"])
            .unwrap()
            .as_str(),
        Some("platform")
    );
    // jsondecode gives the structure back
    assert_eq!(
        attr(&g, "aws_ssm_parameter.decoded", "value").as_str(),
        Some("sqs:SendMessage")
    );
}

#[test]
fn file_functions_stay_inside_the_scanned_tree() {
    let g = load(&[fixture("sandbox/inner")], &LoadOptions::default());
    assert_eq!(
        attr(&g, "aws_ssm_parameter.inside", "value").as_str(),
        Some("inside-data")
    );
    assert!(attr(&g, "aws_ssm_parameter.outside", "value").is_unknown());
    // a module called from outside the scanned directory reads its own
    // files (its templates), and nothing else outside
    assert_eq!(
        attr(&g, "aws_ssm_parameter.from_module", "value").as_str(),
        Some("module-data")
    );
    assert!(attr(&g, "aws_ssm_parameter.module_escape", "value").is_unknown());
    let errors = messages(&g, Severity::Error);
    assert_eq!(errors.len(), 2, "{errors:?}");
    for error in &errors {
        assert!(
            error.contains("is outside the scanned directory and the module's own"),
            "{error}"
        );
    }
    // the digest of a build artifact not made yet is unknown, with a warning
    assert!(attr(&g, "aws_lambda_function.built", "source_code_hash").is_unknown());
    assert_eq!(
        attr(&g, "aws_lambda_function.built", "tags.data")
            .as_str()
            .map(str::len),
        Some(64)
    );
    let warnings = messages(&g, Severity::Warning);
    assert_eq!(
        warnings
            .iter()
            .filter(|w| w.starts_with("filebase64sha256"))
            .collect::<Vec<_>>(),
        ["filebase64sha256(): \"./build/fn.zip\" does not exist — a build artifact (a function's zip, a layer) made before `terraform plan`? Its digest is treated as unknown"]
    );
}

#[test]
fn excluded_paths_are_not_loaded() {
    let options = LoadOptions {
        excludes: vec!["modules/c".into()],
        ..Default::default()
    };
    let g = load(&[fixture("nested_modules")], &options);
    // modules are still followed from their callers; only roots are excluded
    assert!(g
        .resource("module.a.module.b.module.c.aws_sqs_queue.q")
        .is_some());
    let options = LoadOptions {
        excludes: vec!["main.tf".into(), "modules/**".into()],
        ..Default::default()
    };
    let g = load(&[fixture("nested_modules")], &options);
    assert!(g.resources.is_empty(), "{:?}", addresses(&g));
}

#[test]
fn plan_json_loads_with_unknowns_actions_and_tf_spans() {
    let g = load(&[fixture("plan/plan.json")], &LoadOptions::default());
    assert!(!g.has_errors(), "{:?}", g.diagnostics);
    let bucket = g
        .resources
        .iter()
        .find(|r| r.address == "aws_s3_bucket.logs" && r.origin == cloudwright_model::Origin::Plan)
        .unwrap();
    assert_eq!(bucket.actions, vec!["create"]);
    assert_eq!(bucket.get("bucket").unwrap().as_str(), Some("logs-prod"));
    assert!(bucket.get("arn").unwrap().is_unknown());
    assert_eq!(
        bucket.provider.region.as_ref().unwrap().as_str(),
        Some("eu-central-1")
    );
    // spans come from the .tf beside the plan, evaluated with the plan's
    // variables: its root module only, not examples/other below it
    assert_eq!(
        g.modules.iter().map(|m| m.dir.as_str()).collect::<Vec<_>>(),
        ["."]
    );
    let span = bucket.span.expect("span from main.tf");
    assert_eq!(
        (g.sources.get(span.file).display_path.as_str(), span.line),
        ("main.tf", 3)
    );
    assert_eq!(bucket.attribute_spans["bucket"].line, 4);
    let pab = g
        .resources
        .iter()
        .find(|r| {
            r.address == "aws_s3_bucket_public_access_block.logs"
                && r.origin == cloudwright_model::Origin::Plan
        })
        .unwrap();
    assert_eq!(
        origin(&pab.get("bucket").unwrap()).as_deref(),
        Some("aws_s3_bucket.logs.id")
    );
    assert!(pab
        .references
        .iter()
        .any(|x| &*x.target == "aws_s3_bucket.logs"));
    let web0 = g
        .resources
        .iter()
        .find(|r| r.address == "aws_instance.web[0]" && r.origin == cloudwright_model::Origin::Plan)
        .unwrap();
    assert!(web0.get("user_data").unwrap().is_sensitive());
    assert_eq!(web0.attribute_spans["ami"].line, 14);
    // the configuration was evaluated with the plan's variables: set by it
    let env = g
        .module("")
        .unwrap()
        .variables
        .iter()
        .find(|v| &*v.name == "env")
        .unwrap();
    assert_eq!(env.value.as_str(), Some("prod"));
    assert_eq!(env.set_by, VariableOrigin::Plan);
}

#[test]
fn state_files_load_with_module_addresses_and_sensitive_attributes() {
    let g = load(
        &[fixture("state/terraform.tfstate.json")],
        &LoadOptions::default(),
    );
    assert!(g.diagnostics.is_empty(), "{:?}", g.diagnostics);
    assert_eq!(
        addresses(&g),
        vec![
            "aws_db_instance.db",
            "module.net.aws_subnet.private[\"a\"]",
            "module.net.aws_subnet.private[\"b\"]"
        ]
    );
    let db = g.resource("aws_db_instance.db").unwrap();
    // placed at its instance in the file
    let at = g.sources.location(db.span.as_ref().unwrap());
    assert_eq!((at.file.as_str(), at.line), ("terraform.tfstate.json", 12));
    assert!(db.get("password").unwrap().is_sensitive());
    assert_eq!(db.get("storage_encrypted").unwrap().as_bool(), Some(true));
    assert_eq!(
        g.resource("module.net.aws_subnet.private[\"b\"]")
            .unwrap()
            .module,
        "module.net"
    );
}

/// Several paths, each named relative to what they share: two scanned
/// directories whose roots are both "the scanned directory" are two roots
/// (`exposed_instance`, `public_rds`), not one whose resources collide; a
/// path given twice, or inside another given directory, is read once.
#[test]
fn several_paths_are_named_apart_and_read_once() {
    let network = |name: &str| {
        PathBuf::from(env!("CARGO_MANIFEST_DIR"))
            .join("../cloudwright-network/tests/fixtures")
            .join(name)
    };
    let (a, b) = (network("exposed_instance"), network("public_rds"));
    let g = load(&[a.clone(), b.clone()], &LoadOptions::default());
    assert_eq!(g.roots(), vec!["exposed_instance", "public_rds"]);
    let vpcs: Vec<(&str, String)> = g
        .of_type("aws_vpc")
        .map(|r| {
            let at = g.sources.location(r.span.as_ref().unwrap());
            (&*r.root, format!("{}:{}", at.file, at.line))
        })
        .collect();
    assert_eq!(
        vpcs,
        [
            ("exposed_instance", "exposed_instance/main.tf:1".to_string()),
            ("public_rds", "public_rds/main.tf:1".to_string())
        ]
    );
    // the subnet each route table association names is its own root's
    for r in g.of_type("aws_route_table_association") {
        let subnet = r
            .references
            .iter()
            .find(|x| x.attribute == "subnet_id")
            .unwrap();
        assert_eq!(g.resource_in(&r.root, &subnet.target).unwrap().root, r.root);
    }
    // a path that is not there is an error, and the others are named as
    // they would be with it (relative, not absolute)
    let missing = a.with_file_name("no_such_root");
    let g = load(&[missing.clone(), a.clone()], &LoadOptions::default());
    assert_eq!(g.roots(), vec!["exposed_instance"]);
    assert_eq!(
        messages(&g, Severity::Error),
        [format!(
            "{} does not exist or is not a directory",
            missing.display()
        )]
    );
    // one path alone keeps the names it always had
    let alone = load(std::slice::from_ref(&a), &LoadOptions::default());
    assert_eq!(alone.roots(), vec!["."]);
    // the same directory twice, and a directory inside another, are read once
    let twice = load(&[a.clone(), a.clone()], &LoadOptions::default());
    assert_eq!(twice.resources.len(), alone.resources.len());
    let parent = a.parent().unwrap().to_path_buf();
    let nested = load(&[a.clone(), parent.clone()], &LoadOptions::default());
    assert_eq!(
        nested
            .resources
            .iter()
            .filter(|r| &*r.root == "exposed_instance")
            .count(),
        alone.resources.len()
    );
    let info: Vec<&str> = nested
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Info && d.message.contains("also given"))
        .map(|d| d.message.as_str())
        .collect();
    assert_eq!(
        info,
        [format!(
            "{} is read as part of {}, also given",
            a.display(),
            parent.display()
        )]
    );
}

/// State split by layer — the network's in one file, the application's in
/// another — is read as one infrastructure: where the application's state
/// holds the ID of the network's subnet, that is a reference into the
/// network's root (`network/terraform.tfstate//aws_subnet.public`), which
/// the graph resolves. A value two roots hold (a plan and the state it
/// was made from) names a resource of each and is not linked across.
#[test]
fn state_files_of_several_layers_link_by_the_ids_they_hold() {
    let network = fixture("state_layers/network/terraform.tfstate");
    let app = fixture("state_layers/app/terraform.tfstate");
    let g = load(&[network.clone(), app.clone()], &LoadOptions::default());
    assert!(g.diagnostics.is_empty(), "{:?}", g.diagnostics);
    assert_eq!(
        g.roots(),
        vec!["app/terraform.tfstate", "network/terraform.tfstate"]
    );
    let bastion = g
        .resource_in("app/terraform.tfstate", "aws_instance.bastion")
        .unwrap();
    let links: Vec<(&str, &str)> = bastion
        .references
        .iter()
        .map(|x| (x.attribute.as_str(), &*x.target))
        .collect();
    assert_eq!(
        links,
        [
            ("iam_instance_profile", "aws_iam_instance_profile.ssh"),
            ("subnet_id", "network/terraform.tfstate//aws_subnet.public"),
            ("vpc_security_group_ids[0]", "aws_security_group.ssh")
        ]
    );
    let subnet = g
        .resource_in(
            &bastion.root,
            "network/terraform.tfstate//aws_subnet.public",
        )
        .unwrap();
    assert_eq!(
        (&*subnet.root, subnet.address.as_str()),
        ("network/terraform.tfstate", "aws_subnet.public")
    );
    // asked from the subnet: the bastion in the other layer refers to it
    let referrers: Vec<&str> = g
        .referrers(subnet)
        .map(|(r, _)| r.address.as_str())
        .collect();
    assert_eq!(
        referrers,
        ["aws_instance.bastion", "aws_route_table_association.public"]
    );
    // the security group's VPC is the network layer's
    let sg = g
        .resource_in("app/terraform.tfstate", "aws_security_group.ssh")
        .unwrap();
    assert_eq!(
        sg.references.iter().map(|x| &*x.target).collect::<Vec<_>>(),
        ["network/terraform.tfstate//aws_vpc.main"]
    );
    // a configuration naming the network layer's subnet by its ID
    let config = fixture("state_layers/config");
    let mixed = load(&[config, network.clone()], &LoadOptions::default());
    let bastion = mixed.resource_in("config", "aws_instance.bastion").unwrap();
    assert!(bastion.references.iter().any(|x| x.attribute == "subnet_id"
        && &*x.target == "network/terraform.tfstate//aws_subnet.public"));
    // each layer alone: nothing crosses, the subnet is not there
    let alone = load(std::slice::from_ref(&app), &LoadOptions::default());
    let bastion = alone.resource("aws_instance.bastion").unwrap();
    assert!(bastion.references.iter().all(|x| !x.target.contains("//")));
    // the plan the layers were read from, with them: its IDs are theirs too
    let plan = fixture("plan_links/plan.json");
    let g = load(&[plan, network, app], &LoadOptions::default());
    assert!(g
        .resources
        .iter()
        .flat_map(|r| &r.references)
        .all(|x| !x.target.contains("//")));
}

/// `terraform_remote_state` between the roots of one scan: the data
/// source reads the outputs of the root whose backend writes that state —
/// configured in its `.tf` files (network) or completed by `terraform init`
/// (dns, recorded in `.terraform/`) — after that root is evaluated, itself
/// after the roots it reads (app ← dns ← network). A value an output takes
/// from a resource names it in its root; `defaults` fill what the state
/// lacks; a state no scanned root writes stays unknown, named by the data
/// source.
#[test]
fn remote_state_reads_the_outputs_of_the_root_that_writes_it() {
    let g = load_fixture("remote_state");
    assert_clean(&g);
    assert_eq!(g.roots(), vec!["app", "dns", "network", "queue"]);
    let bastion = |path: &str| in_root(&g, "app", "aws_instance.bastion", path);
    assert_eq!(
        origin(&bastion("subnet_id")).as_deref(),
        Some("network//aws_subnet.public.id")
    );
    assert_eq!(bastion("tags.Environment").as_str(), Some("prod"));
    // through the dns root's output, which reads the network's state
    assert_eq!(bastion("tags.Network").as_str(), Some("10.0.0.0/16"));
    assert_eq!(
        origin(&bastion("tags.Zone")).as_deref(),
        Some("dns//aws_route53_zone.internal.zone_id")
    );
    assert_eq!(
        origin(&bastion("tags.CostCentre")).as_deref(),
        Some("data.terraform_remote_state.billing.outputs.cost_centre")
    );
    // and the load says what would make it known
    let unwritten: Vec<String> = said(&g)
        .into_iter()
        .filter(|d| d.contains("reads the state"))
        .collect();
    assert_eq!(
        unwritten,
        ["Info app/main.tf:36: data.terraform_remote_state.billing reads the state at s3://acme-terraform-state/prod/billing/terraform.tfstate, which no root module of this load writes: its outputs are not known (load the root that writes it with this one)"]
    );
    // an HCP Terraform workspace (the queue root's `cloud` block), read by
    // `tfe_outputs` and by `terraform_remote_state` of the `remote` backend
    assert_eq!(bastion("tags.Queue").as_str(), Some("jobs"));
    assert_eq!(
        origin(&bastion("tags.QueueUrl")).as_deref(),
        Some("queue//aws_sqs_queue.jobs.url")
    );
    let tfe = |path: &str| in_root(&g, "app", "data.tfe_outputs.queue", path);
    assert!(tfe("values").is_sensitive());
    let plain = tfe("nonsensitive_values");
    let names: Vec<&str> = plain.as_object().unwrap().fields().keys().collect();
    assert_eq!(names, ["queue_name", "queue_url"]);
    // a sensitive output stays sensitive where it is read
    let token = in_root(
        &g,
        "app",
        "data.terraform_remote_state.queue",
        "outputs.admin_token",
    );
    assert!(token.is_sensitive());
    assert_eq!(
        origin(&in_root(
            &g,
            "dns",
            "aws_route53_zone.internal",
            "vpc.0.vpc_id"
        ))
        .as_deref(),
        Some("network//aws_vpc.main.id")
    );
    // the instance refers to the subnet in the network root, which the
    // graph resolves and asks back
    let instance = g.resource_in("app", "aws_instance.bastion").unwrap();
    let subnet = instance
        .references
        .iter()
        .find(|x| &*x.target == "network//aws_subnet.public")
        .expect("a reference into the network root");
    assert_eq!(subnet.attribute, "subnet_id");
    let target = g.resource_in("app", &subnet.target).unwrap();
    assert_eq!(&*target.root, "network");
    assert!(g
        .referrers(target)
        .any(|(r, attribute)| r.address == "aws_instance.bastion" && attribute == "subnet_id"));
    // one root alone: the state it reads is not in the scan
    let alone = load(&[fixture("remote_state/app")], &LoadOptions::default());
    let subnet = attr(&alone, "aws_instance.bastion", "subnet_id");
    assert_eq!(
        origin(&subnet).as_deref(),
        Some("data.terraform_remote_state.network.outputs.public_subnet_ids[0]")
    );
}

/// Layers given as paths of their own read each other's states as they do
/// in one scanned directory, whichever path is given first: a path whose
/// roots read none is loaded first; paths whose roots both read states are
/// read again in the order they read each other.
#[test]
fn remote_state_crosses_paths_given_apart() {
    let paths = |names: &[&str]| -> Vec<PathBuf> {
        names
            .iter()
            .map(|n| fixture("remote_state").join(n))
            .collect()
    };
    let g = load(&paths(&["app", "network", "dns"]), &LoadOptions::default());
    let bastion = |g: &Graph, path: &str| in_root(g, "app", "aws_instance.bastion", path);
    assert_eq!(
        origin(&bastion(&g, "subnet_id")).as_deref(),
        Some("network//aws_subnet.public.id")
    );
    // (dns reads network's state; app, given before it, reads dns's)
    for g in [
        g,
        load(&paths(&["dns", "app", "network"]), &LoadOptions::default()),
    ] {
        assert_eq!(bastion(&g, "tags.Network").as_str(), Some("10.0.0.0/16"));
        assert_eq!(
            origin(&bastion(&g, "tags.Zone")).as_deref(),
            Some("dns//aws_route53_zone.internal.zone_id")
        );
        assert!(said(&g).iter().all(|d| !d.starts_with("Warning")));
        // (each file read once, whatever was read again)
        assert_eq!(g.sources.paths(), 3);
        assert_eq!(g.sources.len(), 3);
    }
}

/// A Terragrunt unit and the unit it depends on given as paths of their
/// own, the dependent first: it reads the other's outputs as it does when
/// both are under one scanned directory. Alone, it says what it cannot
/// read.
#[test]
fn terragrunt_dependencies_cross_paths_given_apart() {
    let live = fixture("terragrunt/live/prod");
    let g = load(
        &[live.join("app"), live.join("network")],
        &LoadOptions::default(),
    );
    let tags = |g: &Graph| {
        g.resources
            .iter()
            .find(|r| r.get_path("tags.Tier").is_some())
            .and_then(|r| r.get_path("tags"))
            .expect("the app unit's tagged resource")
    };
    let tagged = tags(&g);
    assert_eq!(
        tagged
            .get("Cidr")
            .and_then(|v| v.as_str().map(str::to_string)),
        Some("10.20.0.0/16".to_string())
    );
    assert_eq!(
        tagged.get("Network").as_ref().and_then(origin).as_deref(),
        Some("network//aws_vpc.main.id")
    );
    let alone = load(&[live.join("app")], &LoadOptions::default());
    assert_eq!(
        tags(&alone)
            .get("Cidr")
            .as_ref()
            .and_then(origin)
            .as_deref(),
        Some("dependency.network.outputs.cidr")
    );
    let said: Vec<String> = said(&alone)
        .into_iter()
        .filter(|d| d.starts_with("Info"))
        .collect();
    assert_eq!(
        said,
        ["Info terragrunt.hcl: this unit depends on ../network, which is outside what this load reads: the outputs it reads from it are not known (give its path too)"]
    );
}

/// A chain of Terragrunt units given as paths of their own, the last
/// dependency last: each unit reads the outputs of the one it depends on,
/// as when all are under one scanned directory.
#[test]
fn terragrunt_dependency_chains_cross_paths_in_any_order() {
    let top = std::env::temp_dir().join(format!("cw-tg-chain-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&top);
    let unit = |name: &str, config: &str, tf: &str| {
        let dir = top.join(name);
        std::fs::create_dir_all(&dir).unwrap();
        std::fs::write(dir.join("terragrunt.hcl"), config).unwrap();
        std::fs::write(dir.join("main.tf"), tf).unwrap();
        dir
    };
    let network = unit(
        "network",
        "inputs = {}\n",
        "resource \"aws_vpc\" \"main\" {\n  cidr_block = \"10.1.0.0/16\"\n}\noutput \"cidr\" {\n  value = aws_vpc.main.cidr_block\n}\n",
    );
    let db = unit(
        "db",
        "dependency \"network\" {\n  config_path = \"../network\"\n}\ninputs = {\n  cidr = dependency.network.outputs.cidr\n}\n",
        "variable \"cidr\" {}\nresource \"aws_db_subnet_group\" \"main\" {\n  name       = \"db\"\n  subnet_ids = []\n  tags       = { Cidr = var.cidr }\n}\noutput \"cidr\" {\n  value = var.cidr\n}\n",
    );
    let app = unit(
        "app",
        "dependency \"db\" {\n  config_path = \"../db\"\n}\ninputs = {\n  cidr = dependency.db.outputs.cidr\n}\n",
        "variable \"cidr\" {}\nresource \"aws_sqs_queue\" \"q\" {\n  name = \"app\"\n  tags = { Cidr = var.cidr }\n}\n",
    );
    let g = load(&[app, db, network], &LoadOptions::default());
    let _ = std::fs::remove_dir_all(&top);
    assert_eq!(
        in_root(&g, "app", "aws_sqs_queue.q", "tags.Cidr").as_str(),
        Some("10.1.0.0/16")
    );
    assert!(
        said(&g)
            .iter()
            .all(|d| !d.contains("outside what this load reads")),
        "{:?}",
        said(&g)
    );
}

/// The other backends place a state as their Terraform code does — Consul
/// by path (a workspace's `-env:` key), PostgreSQL by server, database and
/// schema whichever form the connection string takes, a `cloud` block
/// choosing by tags as the workspace selected (read by `tfe_outputs` on the
/// host its provider names) — and what a place
/// says is never a credential (an HTTP address's user, password, token).
#[test]
fn remote_state_matches_consul_pg_and_http_states_without_their_credentials() {
    let g = load_fixture("remote_state_backends");
    let sg = |path: &str| in_root(&g, "app", "aws_security_group.app", path);
    assert_eq!(
        origin(&sg("vpc_id")).as_deref(),
        Some("network//aws_vpc.main.id")
    );
    assert_eq!(sg("tags.SubnetGroup").as_str(), Some("main"));
    assert_eq!(sg("tags.Cache").as_str(), Some("cache"));
    assert_eq!(
        origin(&sg("tags.Legacy")).as_deref(),
        Some("data.terraform_remote_state.legacy.outputs.name")
    );
    assert_eq!(
        said(&g),
        ["Info app/main.tf:42: data.terraform_remote_state.legacy reads the state at http:https://state.example.com/legacy?token=***, which no root module of this load writes: its outputs are not known (load the root that writes it with this one)"]
    );
    let mut places: Vec<(&str, Option<&str>)> = g
        .modules
        .iter()
        .filter(|m| m.address.is_empty())
        .map(|m| (m.root_dir.as_str(), m.state.as_deref()))
        .collect();
    places.sort();
    assert_eq!(
        places,
        [
            ("app", Some("kubernetes:///terraform/tfstate-default-app")),
            ("cache", Some("remote://tfe.acme.internal/acme/cache-prod")),
            (
                "database",
                Some("pg://pg.internal:5432/states/database/default")
            ),
            (
                "network",
                Some("consul://consul.internal:8500/terraform/network-env:prod")
            ),
        ]
    );
    // alone, the app root says where each state it reads is
    let alone = load(
        &[fixture("remote_state_backends/app")],
        &LoadOptions::default(),
    );
    let unwritten: Vec<String> = said(&alone)
        .into_iter()
        .filter(|d| d.contains("tfe_outputs"))
        .collect();
    assert_eq!(
        unwritten,
        ["Info main.tf:36: data.tfe_outputs.cache reads the state at remote://tfe.acme.internal/acme/cache-prod, which no root module of this load writes: its outputs are not known (load the root that writes it with this one)"]
    );
}

/// A Terraform Stack: each deployment is a root module (`web/deployment.
/// production`), its components the module calls they stand for, each on
/// the provider configuration of its region (a provider with `for_each`),
/// with the deployment's inputs as the stack's variables. What only a run
/// of HCP Terraform knows (an identity token, a variable set's value) is
/// unknown, named by what it reads — a variable set's value sensitive too.
/// The modules the components deploy are not roots of their own; the
/// stack's `.terraform-version` stands for its `required_version`.
#[test]
fn stacks_deploy_their_components_once_per_deployment() {
    let g = load_fixture("stacks");
    assert_clean(&g);
    assert_eq!(
        g.roots(),
        vec!["web/deployment.production", "web/deployment.staging"]
    );
    let in_production = |address: &str| {
        g.resource_in("web/deployment.production", address)
            .unwrap_or_else(|| panic!("no {address}"))
    };
    // one network per region of the deployment, each on its own provider
    let vpc = in_production("component.network[\"us-east-1\"].aws_vpc.this");
    assert_eq!(
        vpc.get_path("cidr_block").unwrap().as_str(),
        Some("10.30.0.0/16")
    );
    assert_eq!(
        vpc.get_path("tags.Name").unwrap().as_str(),
        Some("web-prod-us-east-1")
    );
    assert_eq!(
        vpc.get_path("tags_all.Stack").unwrap().as_str(),
        Some("web")
    );
    assert_eq!(
        vpc.provider.region.as_ref().and_then(Value::as_str),
        Some("us-east-1")
    );
    let staging: Vec<&str> = g
        .resources
        .iter()
        .filter(|r| &*r.root == "web/deployment.staging")
        .map(|r| r.address.as_str())
        .collect();
    assert_eq!(
        staging,
        [
            "component.app[\"eu-west-1\"].aws_instance.web",
            "component.app[\"eu-west-1\"].aws_security_group.web",
            "component.network[\"eu-west-1\"].aws_internet_gateway.this",
            "component.network[\"eu-west-1\"].aws_route_table.public",
            "component.network[\"eu-west-1\"].aws_route_table_association.public",
            "component.network[\"eu-west-1\"].aws_subnet.public",
            "component.network[\"eu-west-1\"].aws_vpc.this",
        ]
    );
    assert_eq!(
        in_root(
            &g,
            "web/deployment.staging",
            "component.network[\"eu-west-1\"].aws_subnet.public",
            "cidr_block"
        )
        .as_str(),
        Some("10.10.0.0/24")
    );
    // inputs written as `merge(…)`: each input holds what it is given, an
    // output of another component linking to its resource
    let web = |root: &str, path: &str| {
        in_root(
            &g,
            root,
            "component.app[\"eu-west-1\"].aws_instance.web",
            path,
        )
    };
    assert_eq!(
        origin(&web("web/deployment.production", "subnet_id")).as_deref(),
        Some("component.network[\"eu-west-1\"].aws_subnet.public.id")
    );
    assert_eq!(
        web("web/deployment.staging", "instance_type").as_str(),
        Some("t3.micro")
    );
    let sized = web("web/deployment.production", "instance_type");
    assert!(sized.is_sensitive() && sized.is_unknown());
    let instance = in_production("component.app[\"eu-west-1\"].aws_instance.web");
    let referred: Vec<(&str, &str)> = instance
        .references
        .iter()
        .map(|r| (&*r.attribute, &*r.target))
        .filter(|(a, _)| *a == "instance_type")
        .collect();
    assert!(referred.is_empty(), "{referred:?}");
    // the root module of each deployment
    let root = g
        .modules
        .iter()
        .find(|m| m.address.is_empty() && m.root_dir == "web/deployment.production")
        .unwrap();
    let (name, at) = root.stack_deployment.as_ref().unwrap();
    assert_eq!(name, "production");
    assert_eq!(
        (g.sources.get(at.file).display_path.as_str(), at.line),
        ("web/deployments.tfdeploy.hcl", 24)
    );
    let (version, at) = root.terraform.required_version.as_ref().unwrap();
    assert_eq!(version, "1.13.3");
    assert_eq!(
        g.sources.get(at.file).display_path,
        "web/.terraform-version"
    );
    let token = root
        .variables
        .iter()
        .find(|v| &*v.name == "identity_token")
        .unwrap();
    assert!(token.value.is_unknown() && token.value.is_sensitive());
    assert_eq!(
        root.terraform.required_providers[0].version.as_deref(),
        Some("~> 5.70")
    );
}

/// A Stack's components from the registry and from git are read from the
/// source bundle `terraform stacks init` downloads (`.terraform/modules/
/// terraform-sources.json`): a registry module at the highest bundled
/// version its constraint allows, a git source's sub-directory in its
/// package.
#[test]
fn stack_components_are_read_from_the_source_bundle() {
    let g = load_fixture("stacks_registry");
    assert_clean(&g);
    assert_eq!(
        addresses(&g),
        [
            "component.logs.aws_s3_bucket.this",
            "component.logs.aws_s3_bucket_versioning.this",
            "component.vpc.aws_vpc.this",
        ]
    );
    assert_eq!(
        attr(&g, "component.logs.aws_s3_bucket.this", "bucket").as_str(),
        Some("acme-prod-logs")
    );
    let calls: Vec<(&str, Option<&str>)> = g
        .modules
        .iter()
        .filter(|m| m.address.is_empty())
        .flat_map(|m| &m.module_calls)
        .map(|c| (c.name.as_str(), c.resolved_dir.as_deref()))
        .collect();
    assert_eq!(
        calls,
        [
            ("logs", Some(".terraform/modules/s3v4")),
            ("vpc", Some(".terraform/modules/net/vpc")),
        ]
    );
}

/// What HCP Terraform refuses in a stack is said where it is written, the
/// rest still read: a component whose `inputs` are a variable's object, a
/// deployment being destroyed left out.
#[test]
fn a_stack_with_mistakes_is_read_around_them() {
    let g = load_fixture("stacks_broken");
    assert_eq!(g.roots(), vec!["deployment.dev", "deployment.qa"]);
    assert_eq!(
        in_root(
            &g,
            "deployment.dev",
            "component.logs.aws_s3_bucket.this",
            "bucket"
        )
        .as_str(),
        Some("acme-dev-logs")
    );
    // a deployment that does not set a variable: every input unknown
    assert_eq!(
        origin(&in_root(
            &g,
            "deployment.qa",
            "component.logs.aws_s3_bucket.this",
            "bucket"
        ))
        .as_deref(),
        Some("var.bucket_settings")
    );
    let said: Vec<String> = said(&g);
    assert_eq!(
        said[1],
        "Warning main.tfcomponent.hcl:12: component `registry` (terraform-aws-modules/s3-bucket/aws) is not downloaded; its outputs are treated as unknown"
    );
    let said: Vec<String> = said
        .into_iter()
        .filter(|d| !d.contains("is not downloaded"))
        .collect();
    assert_eq!(
        said,
        [
            "Error main.tfcomponent.hcl:2: argument `region` is not allowed at the top of a component configuration; it is ignored",
            "Error main.tfcomponent.hcl:24: argument `region` of a Stack's provider block belongs in its `config` block; it is ignored",
            "Error main.tfcomponent.hcl:30: a Stack's provider block has two labels, the provider and its name (`provider \"aws\" \"this\"`); read without a name",
            "Error main.tfcomponent.hcl:34: `module` is not a block of a Stack's component configuration (component, provider, required_providers, variable, locals, output, removed); it is ignored",
            "Error main.tfdeploy.hcl:4: deployment `dev` sets `unknown_input`, which the stack does not declare: HCP Terraform refuses it",
            "Info main.tfdeploy.hcl:8: deployment.old is being destroyed (`destroy = true`): it is not read",
            "Error main.tfdeploy.hcl:14: local `a` refers to itself through other locals; its value is unknown",
            "Error main.tfdeploy.hcl:15: local `b` refers to itself through other locals; its value is unknown",
            "Error main.tfdeploy.hcl:18: deployment `qa` does not set `bucket_settings`, which has no default: HCP Terraform refuses it; it is treated as unknown",
        ]
    );
}

/// A root whose own files name no state reader, calling a module that
/// reads another root's state, is evaluated again once that state's root
/// is: its module's security group is in the network root's VPC.
#[test]
fn remote_state_read_by_a_called_module_crosses_too() {
    let g = load_fixture("remote_state_module");
    assert_clean(&g);
    let vpc = in_root(&g, "app", "module.reader.aws_security_group.app", "vpc_id");
    assert_eq!(origin(&vpc).as_deref(), Some("network//aws_vpc.main.id"));
}

/// A Terragrunt unit writes its state where its `remote_state` says (the
/// key under the unit's path): a plain root that reads it reads the unit's
/// outputs, its VPC the unit's; and a unit's module reads a plain root's
/// state, and another unit's (a unit depending on it then reading it
/// again).
#[test]
fn remote_state_a_terragrunt_unit_writes_is_read_by_a_plain_root() {
    let g = load_fixture("remote_state_unit");
    assert_clean(&g);
    assert_eq!(
        g.roots(),
        vec!["app", "live/app", "live/network", "live/web", "shared"]
    );
    let vpc = in_root(&g, "app", "aws_security_group.app", "vpc_id");
    assert_eq!(
        origin(&vpc).as_deref(),
        Some("live/network//aws_vpc.this.id")
    );
    let sg = g.resource_in("app", "aws_security_group.app").unwrap();
    let target = sg
        .references
        .iter()
        .find(|x| x.attribute == "vpc_id" && x.target.contains("//"))
        .map(|x| g.resource_in("app", &x.target).unwrap());
    assert_eq!(target.map(|t| &*t.root), Some("live/network"));
    // and a unit's module reads a plain root's state: the unit is
    // evaluated after the plain roots, with what they write
    let key = in_root(&g, "live/app", "aws_cloudwatch_log_group.app", "kms_key_id");
    assert_eq!(
        origin(&key).as_deref(),
        Some("shared//aws_kms_key.logs.arn")
    );
    // and another unit's state: the unit is read again once the other is
    let vpc = in_root(&g, "live/app", "aws_security_group.app", "vpc_id");
    assert_eq!(
        origin(&vpc).as_deref(),
        Some("live/network//aws_vpc.this.id")
    );
    // and so is a unit that depends on it, with its new outputs
    let vpc = in_root(&g, "live/web", "aws_security_group.web", "vpc_id");
    assert_eq!(
        origin(&vpc).as_deref(),
        Some("live/network//aws_vpc.this.id")
    );
}

/// One plan is a change: its planned values (what exists after apply,
/// with each instance's actions) and the state it starts from. A deposed
/// object's change is not the current object's; what the plan deletes is
/// said once, where it is in the file.
#[test]
fn a_plan_reads_as_its_planned_values_or_as_the_state_it_starts_from() {
    let plan = fixture("plan_change/plan.json");
    let g = load(std::slice::from_ref(&plan), &LoadOptions::default());
    assert_eq!(
        addresses(&g),
        vec![
            "aws_db_instance.orders",
            "aws_eip.nat",
            "aws_instance.web[0]",
            "aws_instance.web[1]",
            "aws_s3_bucket.audit_logs",
            "aws_security_group.ssh"
        ]
    );
    // what it moves, imports and stops managing, as blocks would say
    let moves: Vec<(String, String)> = g.moves()[""]
        .iter()
        .map(|m| (m.from.clone(), m.to.clone()))
        .collect();
    assert_eq!(
        moves,
        [(
            "aws_s3_bucket.logs".to_string(),
            "aws_s3_bucket.audit_logs".to_string()
        )]
    );
    let handovers: Vec<(String, cloudwright_model::HandoverKind)> = g.handovers()[""]
        .iter()
        .map(|h| (h.address.clone(), h.kind))
        .collect();
    assert_eq!(
        handovers,
        [
            (
                "aws_eip.nat".to_string(),
                cloudwright_model::HandoverKind::Import
            ),
            (
                "aws_instance.legacy".to_string(),
                cloudwright_model::HandoverKind::Release
            )
        ]
    );
    let web = g.resource("aws_instance.web[0]").unwrap();
    assert_eq!(web.get("instance_type").unwrap().as_str(), Some("m5.large"));
    assert_eq!(web.actions, ["update"]);
    // with no configuration beside the plan, a resource is placed where
    // the plan holds it
    assert_eq!(
        file_line(&g, web.span.expect("placed in the plan")),
        ("plan.json".to_string(), 54)
    );
    assert_eq!(web.origin, cloudwright_model::Origin::Plan);
    let created = g.resource("aws_instance.web[1]").unwrap();
    assert_eq!(created.actions, ["create"]);
    assert_eq!(
        origin(&created.get("arn").unwrap()).as_deref(),
        Some("aws_instance.web[1].arn")
    );
    assert!(
        messages(&g, Severity::Error).is_empty(),
        "{:?}",
        g.diagnostics
    );
    let deleted: Vec<&cloudwright_model::Diagnostic> = g
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Info)
        .collect();
    assert_eq!(deleted.len(), 1, "{:?}", g.diagnostics);
    assert_eq!(
        deleted[0].message,
        "the plan deletes one resource instance, which is not in its planned state: aws_instance.batch"
    );
    let span = deleted[0].span.expect("located");
    assert_eq!((span.line, span.column), (387, 5));
    // with no configuration beside it, what the plan says of its checks:
    // a failing assertion (one Terraform could not decide is not failing)
    assert_eq!(
        messages(&g, Severity::Warning),
        ["`check.backups`: an assertion fails (as the plan says): The orders database keeps fewer than 14 days of backups."]
    );

    let options = LoadOptions {
        plan_prior: true,
        ..LoadOptions::default()
    };
    let prior = load(std::slice::from_ref(&plan), &options);
    // the checks the prior state says fail: the change review tells one the
    // change breaks from one already failing, and one it mends
    assert_eq!(
        messages(&prior, Severity::Warning),
        [
            "`check.backups`: an assertion fails (as the plan says): The orders database keeps fewer than 14 days of backups.",
            "`check.monitoring`: an assertion fails (as the plan says): web[0] has no detailed monitoring."
        ]
    );
    assert_eq!(prior.diagnostics.len(), 2, "{:?}", prior.diagnostics);
    assert_eq!(
        addresses(&prior),
        vec![
            "aws_db_instance.orders",
            "aws_instance.batch",
            "aws_instance.legacy",
            "aws_instance.web[0]",
            "aws_s3_bucket.logs",
            "aws_security_group.ssh"
        ]
    );
    let web = prior.resource("aws_instance.web[0]").unwrap();
    assert_eq!(web.get("instance_type").unwrap().as_str(), Some("t3.micro"));
    assert_eq!(
        file_line(&prior, web.span.expect("placed in the prior state")),
        ("plan.json".to_string(), 588)
    );
    assert_eq!(web.origin, cloudwright_model::Origin::State);
    assert!(web.actions.is_empty());
    // the region of the plan's provider; secrets marked as the plan marks them
    assert_eq!(
        web.provider.region.as_ref().and_then(Value::as_str),
        Some("us-east-1")
    );
    let db = prior.resource("aws_db_instance.orders").unwrap();
    assert!(db.get("password").unwrap().is_sensitive());
}

/// A state (or a plan's prior state, or a plan without its configuration)
/// holds the IDs Terraform wrote, not the expressions: where a value is
/// another resource's ID or ARN, it is a reference to it, as the
/// expression was — an ID shaped as AWS makes them anywhere, a name only in
/// an argument that takes one (a security group named like a role is not
/// the role).
#[test]
fn resources_of_a_plan_or_state_refer_to_each_other_by_their_ids() {
    let plan = fixture("plan_links/plan.json");
    for plan_prior in [false, true] {
        let options = LoadOptions {
            plan_prior,
            ..LoadOptions::default()
        };
        let g = load(std::slice::from_ref(&plan), &options);
        assert!(g.diagnostics.is_empty(), "{:?}", g.diagnostics);
        let refs = |address: &str| -> Vec<(String, String, String)> {
            g.resource(address)
                .unwrap()
                .references
                .iter()
                .map(|r| {
                    (
                        r.attribute.to_string(),
                        r.target.to_string(),
                        r.target_attribute
                            .as_deref()
                            .unwrap_or_default()
                            .to_string(),
                    )
                })
                .collect()
        };
        let link = |a: &str, t: &str| (a.to_string(), t.to_string(), "id".to_string());
        assert_eq!(
            refs("aws_instance.bastion"),
            [
                link("iam_instance_profile", "aws_iam_instance_profile.ssh"),
                link("subnet_id", "aws_subnet.public"),
                link("vpc_security_group_ids[0]", "aws_security_group.ssh"),
            ]
        );
        assert_eq!(
            refs("aws_route_table.public"),
            [
                link("route[0].gateway_id", "aws_internet_gateway.gw"),
                link("vpc_id", "aws_vpc.main"),
            ]
        );
        assert_eq!(
            refs("aws_iam_instance_profile.ssh"),
            [link("role", "aws_iam_role.ssh")]
        );
        assert_eq!(
            refs("aws_security_group.ssh"),
            [link("vpc_id", "aws_vpc.main")]
        );
    }
}

/// `terraform show -json` of a state: the values representation, child
/// modules to any depth.
#[test]
fn a_shown_state_loads_like_a_state_file() {
    let g = load(
        &[fixture("plan_change/shown-state.json")],
        &LoadOptions::default(),
    );
    assert!(g.diagnostics.is_empty(), "{:?}", g.diagnostics);
    assert_eq!(
        addresses(&g),
        vec![
            "aws_s3_bucket.logs",
            "aws_security_group.ssh",
            "module.data.aws_db_instance.orders"
        ]
    );
    let db = g.resource("module.data.aws_db_instance.orders").unwrap();
    assert_eq!(db.module, "module.data");
    assert_eq!(db.origin, cloudwright_model::Origin::State);
    assert!(db.get("password").unwrap().is_sensitive());
    assert_eq!(db.get("engine").unwrap().as_str(), Some("postgres"));
}

#[test]
fn modules_inherit_default_tags_whatever_the_declaration_order() {
    let g = load_fixture("default_tags_modules");
    assert_clean(&g);
    assert_eq!(
        attr(&g, "module.net.aws_vpc.this", "tags_all").to_string(),
        r#"{Name = "shop", team = "platform"}"#
    );
    assert_eq!(
        attr(&g, "module.eks.aws_eks_cluster.this", "tags_all").to_string(),
        r#"{team = "platform"}"#
    );
}

#[test]
fn instances_of_a_shared_module_in_different_roots_share_their_span_maps() {
    let g = load_fixture("shared_module_roots");
    assert_clean(&g);
    let dev = g
        .resource_in("live/dev", "module.logs.aws_s3_bucket.this")
        .expect("dev bucket");
    let prod = g
        .resource_in("live/prod", "module.logs.aws_s3_bucket.this")
        .expect("prod bucket");
    assert_eq!(
        dev.get("bucket")
            .and_then(|v| v.as_str().map(String::from))
            .as_deref(),
        Some("logs-dev")
    );
    assert_eq!(
        prod.get("bucket")
            .and_then(|v| v.as_str().map(String::from))
            .as_deref(),
        Some("logs-prod")
    );
    // the same block in the same file: one copy of its spans for both roots
    assert!(std::sync::Arc::ptr_eq(
        &dev.attribute_spans,
        &prod.attribute_spans
    ));
    let bucket = dev.attribute_spans.get("bucket").expect("span of bucket");
    assert_eq!((bucket.line, bucket.column), (6, 3));
    // the provenance differs (each root's own module call): not shared
    assert!(!std::sync::Arc::ptr_eq(&dev.provenance, &prod.provenance));
}

#[test]
fn default_tags_give_a_shared_block_the_span_of_tags_all_only_where_they_apply() {
    let g = load_fixture("shared_module_roots");
    assert_clean(&g);
    let queue = |root: &str| {
        g.resource_in(root, "module.logs.aws_sqs_queue.events")
            .unwrap_or_else(|| panic!("queue in {root}"))
    };
    let (dev, prod, stage) = (queue("live/dev"), queue("live/prod"), queue("live/stage"));
    // no tags and no default tags: no `tags_all`, one map for both roots
    assert!(std::sync::Arc::ptr_eq(
        &dev.attribute_spans,
        &prod.attribute_spans
    ));
    assert_eq!(dev.attribute_spans.keys().collect::<Vec<_>>(), ["name"]);
    assert!(dev.get("tags_all").is_none());
    // stage's provider adds default tags: `tags_all` at the block, the
    // rest as in the other roots
    assert_eq!(
        stage
            .get("tags_all")
            .and_then(|t| t.get("Environment"))
            .and_then(|v| v.as_str().map(String::from))
            .as_deref(),
        Some("stage")
    );
    assert_eq!(
        stage.attribute_spans.keys().collect::<Vec<_>>(),
        ["name", "tags_all"]
    );
    assert_eq!(stage.attribute_spans["tags_all"].line, 12);
    assert_eq!(stage.attribute_spans["name"], dev.attribute_spans["name"]);
    // the bucket has tags everywhere: `tags_all` at them in every root
    let bucket = |root: &str| {
        g.resource_in(root, "module.logs.aws_s3_bucket.this")
            .unwrap_or_else(|| panic!("bucket in {root}"))
    };
    let (dev, stage) = (bucket("live/dev"), bucket("live/stage"));
    assert!(std::sync::Arc::ptr_eq(
        &dev.attribute_spans,
        &stage.attribute_spans
    ));
    assert_eq!(dev.attribute_spans["tags_all"].line, 7);
}

#[test]
fn functions_without_a_known_result_are_unknown_and_say_why() {
    let g = load_fixture("functions_partial");
    let p = "aws_ssm_parameter.p";
    assert!(attr(&g, p, "value").is_unknown());
    assert!(attr(&g, p, "description").is_unknown());
    assert!(attr(&g, p, "tier").is_unknown());
    assert!(attr(&g, p, "data_type").is_unknown());
    let mut warnings = messages(&g, Severity::Warning);
    warnings.sort();
    assert_eq!(
        warnings,
        [
            "provider::terraform::encode_expr(): a string holding '€' (U+20AC), which Terraform writes as itself or escaped by Unicode tables Cloudwright does not carry is not supported by Cloudwright yet; its result is treated as unknown",
            "textencodebase64(): the \"Shift_JIS\" encoding (supported: UTF-8, UTF-16LE, UTF-16BE, ISO-8859-1) is not supported by Cloudwright yet; its result is treated as unknown",
        ]
    );
    assert!(attr(&g, p, "allowed_pattern").is_unknown());
    assert!(messages(&g, Severity::Error).is_empty());
    // a provider function needs its provider, and base64gzip's bytes are
    // Go's: notes, not warnings (the configuration is fine; only its value
    // is out of reach)
    let mut notes = messages(&g, Severity::Info);
    notes.sort();
    assert_eq!(
        notes,
        [
            "base64gzip(): Cloudwright does not reproduce the gzip bytes; the result is treated as unknown, and rules that read user data read the text it compresses",
            "provider-defined function provider::time::rfc3339_parse() cannot be evaluated offline; its result is treated as unknown",
        ]
    );
    // what base64gzip compresses stays readable, its text does not
    let tier = g.resource(p).unwrap().get("tier").unwrap();
    assert_eq!(tier.encoded_text(), Some("Hello"));
    assert!(tier.document().is_none());
}

/// The file and line of a span, for assertions.
fn file_line(g: &Graph, span: cloudwright_model::Span) -> (String, u32) {
    (g.sources.get(span.file).display_path.clone(), span.line)
}

/// The messages of the diagnostics of a severity, with their file and line.
/// A diagnostic as `located` lists it.
fn diagnostic_at(message: &str, file: &str, line: u32) -> (String, (String, u32)) {
    (message.to_string(), (file.to_string(), line))
}

fn located(g: &Graph, severity: Severity) -> Vec<(String, (String, u32))> {
    g.diagnostics
        .iter()
        .filter(|d| d.severity == severity)
        .map(|d| (d.message.clone(), file_line(g, d.span.unwrap())))
        .collect()
}

#[test]
fn override_files_merge_into_the_blocks_they_override() {
    let g = load_fixture("overrides");
    // arguments replace the original's; the later override file wins
    let sg = "aws_security_group.web";
    assert_eq!(
        attr(&g, sg, "description").as_str(),
        Some("web tier, TLS from the VPN")
    );
    // nested blocks of a type replace all of the original's of that type
    let egress = attr(&g, sg, "egress");
    let egress = egress.as_list().unwrap();
    assert_eq!(egress.len(), 1);
    assert_eq!(egress[0].get("from_port").unwrap().to_string(), "443");
    assert_eq!(
        egress[0].get("cidr_blocks").unwrap().to_string(),
        r#"["10.0.0.0/8"]"#
    );
    // a dynamic block of a type the override leaves alone stays, and reads
    // the overridden local
    let ports: Vec<_> = attr(&g, sg, "ingress")
        .as_list()
        .unwrap()
        .iter()
        .map(|i| i.get("from_port").unwrap().to_string())
        .collect();
    assert_eq!(ports, ["443", "8443"]);
    // what an override set is located in the override file
    let r = g.resource(sg).unwrap();
    let at = |path: &str| file_line(&g, r.attribute_spans[path]);
    assert_eq!(at("description"), ("z_override.tf".into(), 7));
    assert_eq!(at("egress[0]"), ("override.tf".into(), 12));
    assert_eq!(at("egress[0].cidr_blocks"), ("override.tf".into(), 16));
    assert_eq!(at("ingress[1].to_port"), ("main.tf".into(), 48));
    assert_eq!(at("name"), ("main.tf".into(), 41));
    assert_eq!(file_line(&g, r.span.unwrap()), ("main.tf".into(), 40));

    // a variable's default, a local (value by value), a module call's input
    assert_eq!(
        attr(&g, "aws_cloudwatch_log_group.app", "retention_in_days").to_string(),
        "90"
    );
    assert_eq!(
        attr(&g, "aws_s3_bucket.logs", "tags.owner").as_str(),
        Some("security")
    );
    // in JSON syntax too; the local it reads is the last override's
    let group = "aws_cloudwatch_log_group.app";
    assert_eq!(
        attr(&g, group, "tags.source").as_str(),
        Some("security-json")
    );
    let tags = g.resource(group).unwrap().attribute_spans["tags"];
    assert_eq!(file_line(&g, tags), ("tags_override.tf.json".into(), 5));
    // the provider an override file sets is the one it uses
    let provider = &g.resource(group).unwrap().provider;
    assert_eq!(provider.alias.as_deref(), Some("west"));
    assert_eq!(
        provider.region.as_ref().and_then(Value::as_str),
        Some("us-west-2")
    );
    let queue = "module.queue.aws_sqs_queue.q";
    assert_eq!(attr(&g, queue, "name").as_str(), Some("queue-security"));
    // an override file in a called module's directory
    assert_eq!(
        attr(&g, queue, "sqs_managed_sse_enabled").to_string(),
        "true"
    );
    let root = g.modules.iter().find(|m| m.address.is_empty()).unwrap();
    let retention = root
        .variables
        .iter()
        .find(|v| &*v.name == "retention")
        .unwrap();
    match &retention.set_by {
        VariableOrigin::Default(span) => {
            assert_eq!(file_line(&g, *span), ("override.tf".into(), 2))
        }
        other => panic!("retention set by {other:?}"),
    }
    // an output's value and sensitivity
    let output = root.outputs.iter().find(|o| &*o.name == "bucket").unwrap();
    assert!(output.sensitive && output.value.is_sensitive());
    assert_eq!(output.value.as_str(), Some("overridden-app-dev-logs"));
    // the default provider configuration, merged
    let region = g.resource(sg).unwrap().provider.region.clone();
    assert_eq!(
        region
            .and_then(|r| r.as_str().map(str::to_string))
            .as_deref(),
        Some("us-east-1")
    );
    // terraform settings one by one: a provider requirement by its name,
    // a `cloud` block replacing the backend
    let settings = &root.terraform;
    let version = |name: &str| {
        settings
            .required_providers
            .iter()
            .find(|p| p.name == name)
            .and_then(|p| p.version.clone())
    };
    assert_eq!(version("aws").as_deref(), Some("~> 5.40"));
    assert_eq!(version("random").as_deref(), Some("~> 3.0"));
    assert_eq!(settings.required_providers.len(), 2);
    assert!(settings.backend.is_none());
    assert_eq!(
        file_line(&g, settings.cloud.unwrap()),
        ("z_override.tf".into(), 21)
    );
    assert_eq!(
        settings.required_version.as_ref().map(|v| v.0.as_str()),
        Some(">= 1.5.0")
    );

    // what Terraform rejects is reported where it is written, and the
    // rest still loads
    let errors = located(&g, Severity::Error);
    assert_eq!(
        errors,
        [
            diagnostic_at("override: `depends_on` may not be overridden; this argument is ignored", "override.tf", 25),
            diagnostic_at("override: there is no `aws_s3_bucket` resource \"missing\" to override; an override file can only change what a primary file declares", "override.tf", 28),
            diagnostic_at("override: there is no `aws` provider configuration with the alias \"replica\" to override; an override file can only change what a primary file declares", "z_override.tf", 30),
        ]
    );
    assert_eq!(
        attr(&g, "aws_s3_bucket.logs", "bucket").as_str(),
        Some("app-dev-logs")
    );
    assert_eq!(g.resources.len(), 4, "{:?}", addresses(&g));
}

#[test]
fn variable_validations_reject_values_terraform_would_reject() {
    let g = load_fixture("variable_validation");
    let errors = located(&g, Severity::Error);
    let expect = |m: &str, file: &str, line: u32| (m.to_string(), (file.to_string(), line));
    assert_eq!(
        errors,
        [
            // a module input, at the argument that sets it
            expect(
                "invalid value for variable `instance_class` (set by module input): instance_class must be a db.* class.",
                "main.tf",
                7
            ),
            // tfvars values, at their lines; the message may quote the value
            expect(
                "invalid value for variable `environment` (set by terraform.tfvars): environment must be dev or prod.",
                "terraform.tfvars",
                1
            ),
            expect(
                "invalid value for variable `vpc_cidr` (set by terraform.tfvars): vpc_cidr must be a CIDR block, got not-a-cidr.",
                "terraform.tfvars",
                2
            ),
            // a sensitive value is neither quoted nor shown by its line
            expect(
                "invalid value for variable `db_password` (set by terraform.tfvars): (its error message refers to a sensitive value)",
                "variables.tf",
                30
            ),
            // on another variable (Terraform 1.9): checked once the module is
            expect(
                "invalid value for variable `max_size` (set by default): max_size below instance_count.",
                "variables.tf",
                37
            ),
            expect(
                "the validation condition of variable `name` must be true or false, not string",
                "variables.tf",
                49
            ),
            expect(
                "invalid value for variable `api_token_ttl` (set by terraform.tfvars): the sensitive value is not of type number",
                "variables.tf",
                54
            ),
        ]
    );
    // passing conditions and conditions on values known only after apply
    // (`vpc_id` from `aws_vpc.main.id`) report nothing; every diagnostic
    // says where it was checked
    let helps: Vec<&str> = g
        .diagnostics
        .iter()
        .filter_map(|d| d.help.as_deref())
        .collect();
    assert!(helps.contains(
        &"Terraform rejects this value: it fails the validation at modules/db/main.tf:4"
    ));
    for d in &g.diagnostics {
        let text = format!("{} {:?}", d.message, d.help);
        assert!(
            !text.contains("short") && !text.contains("s3cr3t"),
            "{text}"
        );
    }
    // the values are still loaded
    assert_eq!(
        attr(&g, "module.db.aws_db_instance.this", "instance_class").as_str(),
        Some("m5.large")
    );
}

#[test]
fn preconditions_postconditions_and_checks_are_checked_where_known() {
    let g = load_fixture("conditions");
    let mut errors = located(&g, Severity::Error);
    errors.sort_by(|a, b| (&a.1, &a.0).cmp(&(&b.1, &b.0)));
    let at = diagnostic_at;
    assert_eq!(
        errors,
        [
            at(
                "output `size` of `module.child`: its precondition fails: size 10 is over 8.",
                "child/main.tf",
                8
            ),
            // per instance, with `count.index` bound
            at(
                "`aws_instance.web[1]`: its precondition fails: only the first instance may exist (index 1).",
                "main.tf",
                21
            ),
            // `self` is the instance
            at(
                "`aws_instance.web[0]`: its postcondition fails: prod needs a larger instance than t3.micro.",
                "main.tf",
                30
            ),
            at(
                "`aws_instance.web[1]`: its postcondition fails: prod needs a larger instance than t3.micro.",
                "main.tf",
                30
            ),
            at(
                "output `instances`: its precondition fails: too many instances: 4.",
                "main.tf",
                43
            ),
            at(
                "check `health`: the condition of its assert must be true or false, not string",
                "main.tf",
                63
            ),
        ]
    );
    // a check block's failing assertion is a warning, as in Terraform
    assert_eq!(
        located(&g, Severity::Warning),
        [at(
            "check `health`: an assertion fails: checks expect dev.",
            "main.tf",
            59
        )]
    );
    // conditions on the AMI, `self.public_ip` and the scoped data source
    // are known only at apply: nothing is said of them
    assert_eq!(g.resources.len(), 3, "{:?}", addresses(&g));
}

#[test]
fn moved_blocks_are_kept_with_absolute_addresses() {
    let g = load_fixture("moved");
    let mut moves: Vec<(String, String, (String, u32))> = g
        .modules
        .iter()
        .flat_map(|m| &m.moves)
        .map(|m| (m.from.clone(), m.to.clone(), file_line(&g, m.span)))
        .collect();
    moves.sort();
    let mv = |from: &str, to: &str, file: &str, line: u32| {
        (from.to_string(), to.to_string(), (file.to_string(), line))
    };
    assert_eq!(
        moves,
        [
            // JSON syntax writes the addresses as strings
            mv("aws_s3_bucket.a", "aws_s3_bucket.b", "main.tf", 5),
            mv("aws_s3_bucket.b", "aws_s3_bucket.c", "main.tf", 46),
            mv(
                "aws_s3_bucket.legacy[0]",
                "aws_s3_bucket.b",
                "moved.tf.json",
                2
            ),
            mv("module.queue", "module.queues", "main.tf", 16),
            // inside each instance of a module, under its address
            mv(
                "module.queues[\"events\"].aws_sqs_queue.q",
                "module.queues[\"events\"].aws_sqs_queue.this",
                "modules/queue/main.tf",
                9
            ),
            mv(
                "module.queues[\"orders\"].aws_sqs_queue.q",
                "module.queues[\"orders\"].aws_sqs_queue.this",
                "modules/queue/main.tf",
                9
            ),
        ]
    );
    assert_eq!(
        located(&g, Severity::Error),
        [
            (
                "a `moved` block needs `from` and `to` addresses (`from = aws_instance.old`)"
                    .to_string(),
                ("main.tf".to_string(), 22)
            ),
            (
                "moved: `aws_s3_bucket.b` is still declared in this module; Terraform refuses to move an object that still exists"
                    .to_string(),
                ("main.tf".to_string(), 46)
            ),
        ]
    );
    // objects handed over without being created or destroyed: a `removed`
    // block that keeps its object, an `import` (with `for_each`: the
    // resource, every instance)
    let handovers: Vec<(String, cloudwright_model::HandoverKind, u32)> = g
        .modules
        .iter()
        .flat_map(|m| &m.handovers)
        .map(|h| (h.address.clone(), h.kind, h.span.line))
        .collect();
    assert_eq!(
        handovers,
        [
            (
                "aws_s3_bucket.gone".to_string(),
                cloudwright_model::HandoverKind::Release,
                27
            ),
            (
                "aws_s3_bucket.b".to_string(),
                cloudwright_model::HandoverKind::Import,
                39
            ),
        ]
    );
}

#[test]
fn terraform_workspace_is_chosen_as_terraform_chooses_it() {
    let workspace_of = |options: &LoadOptions| {
        let g = load(&[fixture("workspace")], options);
        assert_clean(&g);
        (
            attr(&g, "aws_instance.app", "instance_type")
                .as_str()
                .map(str::to_string),
            attr(&g, "aws_instance.app", "tags.Name")
                .as_str()
                .map(str::to_string),
        )
    };
    // the one `terraform workspace select` recorded in .terraform/environment
    assert_eq!(
        workspace_of(&LoadOptions::default()),
        (Some("t3.small".into()), Some("app-staging".into()))
    );
    // TF_WORKSPACE first
    let options = LoadOptions {
        workspace: Some("prod".into()),
        ..Default::default()
    };
    assert_eq!(
        workspace_of(&options),
        (Some("m6i.large".into()), Some("app-prod".into()))
    );
}

/// Terraform 1.10's ephemeral resources and values: references to an
/// `ephemeral` block are known only during a run (unknown, with their
/// origin — never an undeclared-resource error), and an ephemeral variable
/// or output is never printed.
#[test]
fn ephemeral_resources_and_values_are_unknown_and_never_printed() {
    let g = load_fixture("ephemeral");
    assert_clean(&g);
    let db = "aws_db_instance.main";
    assert_eq!(
        origin(&attr(&g, db, "password_wo")).as_deref(),
        Some("ephemeral.aws_secretsmanager_secret_version.db.secret_string")
    );
    assert_eq!(
        origin(&attr(&g, db, "username")).as_deref(),
        Some("ephemeral.random_password.pw[0].result")
    );
    let root = g.module("").unwrap();
    let variable = root
        .variables
        .iter()
        .find(|v| &*v.name == "db_password")
        .unwrap();
    assert!(variable.sensitive && variable.value.is_sensitive());
    assert!(root.outputs[0].value.is_sensitive());
    // ephemeralasnull: each ephemeral value null, the rest kept
    assert_eq!(
        attr(&g, "aws_ssm_parameter.masked", "value").as_str(),
        Some(r#"{"list":[null,"kept"],"made":null,"plain":"kept","secret":null}"#)
    );
    // not resources of the model: they are never in the state
    assert_eq!(addresses(&g), [db, "aws_ssm_parameter.masked"]);
}

/// OpenTofu's `.tofu` and `.tofu.json` files are configuration too, and a
/// `.tofu` file hides the `.tf` file of the same name (how a module
/// supports both tools); override files may be `.tofu` as well.
#[test]
fn tofu_files_load_and_take_precedence_over_their_tf_twins() {
    let g = load_fixture("tofu");
    assert_clean(&g);
    assert_eq!(
        addresses(&g),
        ["aws_s3_bucket.b", "aws_sns_topic.t", "aws_sqs_queue.q"]
    );
    let b = "aws_s3_bucket.b";
    assert_eq!(attr(&g, b, "bucket").as_str(), Some("from-tofu"));
    assert_eq!(attr(&g, b, "tags.tool").as_str(), Some("opentofu"));
    let r = g.resource(b).unwrap();
    assert_eq!(file_line(&g, r.span.unwrap()), ("main.tofu".into(), 1));
    // the shadowed main.tf is not read at all
    assert!(g.sources.files().all(|(_, f)| f.display_path != "main.tf"));
}

/// A module source made of variables and locals (OpenTofu 1.8's early
/// evaluation) is evaluated; the directory it names is a module, not one
/// more root, although no literal source names it (the directory nothing
/// calls stays a root).
#[test]
fn a_module_source_from_variables_is_evaluated() {
    let g = load_fixture("module_source_vars");
    let found: Vec<(&str, &str)> = g
        .resources
        .iter()
        .map(|r| (&*r.root, r.address.as_str()))
        .collect();
    assert_eq!(
        found,
        [
            (".", "module.app.aws_instance.this"),
            ("modules/large", "aws_instance.this")
        ]
    );
    assert_eq!(
        attr(&g, "module.app.aws_instance.this", "instance_type").as_str(),
        Some("t3.micro")
    );
    // read as OpenTofu reads it, with a word that Terraform would not
    assert_eq!(
        located(&g, Severity::Warning),
        [diagnostic_at(
            "the source of module `app` reads `local.modules`: Terraform refuses variables and locals here (it reads this before any exists), OpenTofu 1.8 and later evaluates them, as Cloudwright does",
            "main.tf",
            11
        ), diagnostic_at(
            "`key` of the `s3` backend reads `var.size`: Terraform refuses variables and locals here (it reads this before any exists), OpenTofu 1.8 and later evaluates them, as Cloudwright does",
            "main.tf",
            18
        )]
    );
}

/// OpenTofu 1.9's `for_each` on a provider: one configuration per key,
/// chosen per resource instance (`provider = aws.by_region[each.key]`)
/// and per module instance (`providers = { aws = aws.by_region[each.key] }`).
#[test]
fn provider_instances_are_chosen_by_key() {
    let g = load_fixture("provider_for_each");
    assert_clean(&g);
    let found: Vec<(String, String, Option<String>)> = g
        .resources
        .iter()
        .map(|r| {
            let provider = match &r.provider.alias {
                Some(alias) => format!("{}.{alias}", r.provider.name),
                None => r.provider.name.clone(),
            };
            let region = r
                .provider
                .region
                .as_ref()
                .and_then(|v| v.as_str().map(str::to_string));
            (r.address.to_string(), provider, region)
        })
        .collect();
    let row = |a: &str, p: &str, r: &str| (a.to_string(), p.to_string(), Some(r.to_string()));
    assert_eq!(
        found,
        [
            row(
                "aws_s3_bucket.logs[\"eu\"]",
                "aws.by_region[\"eu\"]",
                "eu-west-1"
            ),
            row(
                "aws_s3_bucket.logs[\"us\"]",
                "aws.by_region[\"us\"]",
                "us-east-1"
            ),
            row(
                "module.queue[\"eu\"].aws_sqs_queue.this",
                "aws",
                "eu-west-1"
            ),
            row(
                "module.queue[\"us\"].aws_sqs_queue.this",
                "aws",
                "us-east-1"
            ),
        ]
    );
}

/// A UTF-8 byte order mark at the start of a native-syntax file (`.tf`,
/// `.tfvars`) is skipped, as Terraform skips it; JSON does not allow one,
/// and the diagnostic says so.
#[test]
fn a_byte_order_mark_is_skipped_in_native_syntax() {
    let g = load_fixture("bom");
    assert_eq!(
        attr(&g, "aws_s3_bucket.b", "bucket").as_str(),
        Some("from-tfvars")
    );
    let b = g.resource("aws_s3_bucket.b").unwrap();
    assert_eq!(file_line(&g, b.span.unwrap()), ("main.tf".into(), 1));
    assert_eq!(
        messages(&g, Severity::Error),
        ["syntax error: the file begins with a byte order mark (U+FEFF), which JSON does not allow; save it as UTF-8 without one"]
    );
}

/// Terraform refuses to plan a root module output that carries a sensitive
/// value without `sensitive = true`; a module's outputs, a marked output
/// and a `nonsensitive()` value are fine.
#[test]
fn a_root_output_with_a_sensitive_value_must_say_so() {
    let g = load_fixture("sensitive_output");
    assert_eq!(
        located(&g, Severity::Error),
        [(
            "output `connection` refers to sensitive values; a root module output that does must be marked `sensitive = true`".to_string(),
            ("main.tf".to_string(), 13)
        )]
    );
    // the value is still kept, and never shown
    let root = g.module("").unwrap();
    let connection = root
        .outputs
        .iter()
        .find(|o| &*o.name == "connection")
        .unwrap();
    assert!(connection.value.contains_sensitive());
}

/// A resource or module call of the root module that names a provider
/// configuration the root does not declare (an alias, or a key a
/// provider's `for_each` does not have) is an error where it names it.
#[test]
fn a_provider_that_is_not_configured_is_an_error() {
    let g = load_fixture("provider_missing");
    assert_eq!(
        located(&g, Severity::Error),
        [
            diagnostic_at("provider `aws.by_region[\"ap\"]` is not configured: the provider's `for_each` has no such key", "main.tofu", 13),
            diagnostic_at("provider `aws.west` is not configured: the root module has no `provider` block with that alias", "main.tofu", 18),
            diagnostic_at("provider `aws.nope` is not configured: the root module has no `provider` block with that alias", "main.tofu", 29),
        ]
    );
    // not the default configuration (eu-west-1) in its place
    let region = g
        .resource("module.logs.aws_s3_bucket.l")
        .unwrap()
        .provider
        .region
        .clone();
    assert!(region.is_some_and(|r| r.is_unknown()));
}

/// What Terraform refuses at plan time is an error where it is written: a
/// sensitive `for_each`, a `depends_on` (of a resource, a module call or an
/// output) naming what is not declared.
#[test]
fn sensitive_or_listed_for_each_and_undeclared_depends_on_are_errors() {
    let g = load_fixture("refused");
    let msg = |m: &str, line: u32| diagnostic_at(m, "main.tf", line);
    assert_eq!(
        located(&g, Severity::Error),
        [
            msg("`for_each` must not be sensitive: its keys would be shown in the instances' addresses (Terraform refuses it; use nonsensitive() on what is safe to show)", 13),
            msg("depends_on: `aws_sqs_queue.missing` is not declared in this module", 19),
            msg("depends_on: `module.gone` is not declared in this module", 19),
            msg("`for_each` must be a map or a set of strings, not a list (a tuple): wrap it in toset()", 29),
            msg("`for_each` must be a map or a set of strings, not a list (a tuple): wrap it in toset()", 34),
            msg("`for_each` must be a map or a set of strings, not a list (a tuple): wrap it in toset()", 54),
            msg("`self` is only valid in a resource's own conditions, provisioners and connection", 65),
            msg("`for_each` must be a map or a set of strings, not a list (a tuple): wrap it in toset()", 82),
            msg("`for_each` must be a map or a set of strings, not a list (a tuple): wrap it in toset()", 87),
            msg("`for_each` must be a map or a set of strings, not a list (a tuple): wrap it in toset()", 92),
            msg("invalid type for variable `legacy_tags`: a quoted type constraint is a Terraform 0.11 form that Terraform now refuses: remove the quotes around \"map\" and write map(string) to say its elements are strings", 108),
            msg("`for_each` must be a map or a set of strings, not a list (a tuple): wrap it in toset()", 126),
            msg("`for_each` must be a map or a set of strings, not a list (a tuple): wrap it in toset()", 132),
            msg("`aws_sqs_queue.single` has neither `count` nor `for_each`: a reference to it takes no instance key (remove the `[…]` after its name); Terraform refuses it", 142),
            msg("`aws_sqs_queue.from_map` has `for_each`: its attributes are read on one instance (`aws_sqs_queue.from_map[each.key].name`, `aws_sqs_queue.from_map[\"…\"].name`) or on all (`values(aws_sqs_queue.from_map)[*].name`); Terraform refuses `aws_sqs_queue.from_map.name`", 146),
            msg("`aws_subnet.private` has `count`: its attributes are read on one instance (`aws_subnet.private[0].id`, `aws_subnet.private[count.index].id`) or on all (`aws_subnet.private[*].id`); Terraform refuses `aws_subnet.private.id`", 146),
            msg("depends_on: `aws_sqs_queue.single.arn` is an attribute of `aws_sqs_queue.single`; depends_on takes whole objects (`aws_sqs_queue.single`), and Terraform refuses it", 151),
            msg("`prevent_destroy` in a `lifecycle` block must be written as true or false: Terraform reads it before any value exists and refuses a variable, a function call or any other expression here", 162),
            msg("depends_on: `module.gone` is not declared in this module", 169),
            msg("depends_on: `aws_sqs_queue.single.url` is an attribute of `aws_sqs_queue.single`; depends_on takes whole objects (`aws_sqs_queue.single`), and Terraform refuses it", 169),
            msg("`for_each` must be a map or a set of strings, not a list (a tuple): wrap it in toset()", 174),
            msg("module `pinned_local` sets `version`, which applies only to registry modules, and its source `./modules/noop` is a local path: Terraform refuses it", 185),
            msg("depends_on: `aws_sqs_queue.nowhere` is not declared in this module", 191),
            msg("depends_on: `module.gone` is not declared in this module", 191),
        ]
    );
    // refused, with no word about unknown keys; a known one still expands
    assert_eq!(messages(&g, Severity::Warning), Vec::<String>::new());
    assert!(g
        .resource("aws_sqs_queue.by_cidr[\"10.0.1.0/24\"]")
        .is_some());
    assert_eq!(
        attr(&g, "aws_sqs_queue.legacy", "tags").to_string(),
        r#"{team = "core"}"#
    );
    assert!(g
        .resource("aws_sqs_queue.from_set_local[\"orders\"]")
        .is_some());
    assert!(g.resource("aws_sqs_queue.from_map[\"audit\"]").is_some());
    // the rest loads, a listed for_each with the instances of its set
    assert!(g.resource("aws_s3_bucket.fine").is_some());
    assert!(g.resource("aws_sqs_queue.listed[\"payments\"]").is_some());
    assert!(g
        .resource("aws_sqs_queue.listed_by_for[\"AUDIT\"]")
        .is_some());
    assert!(g.resource("aws_sqs_queue.set[\"orders\"]").is_some());
    assert!(g.resource("aws_sqs_queue.per_id_in_set[\"b\"]").is_some());
    assert!(g
        .resource("aws_sns_topic.from_set_var[\"alerts\"]")
        .is_some());
}

/// A Terragrunt unit scanned alone reads what its configuration names above
/// it — the configuration it includes, a file its locals read — from its
/// repository, and nothing beyond the repository.
#[test]
fn a_terragrunt_unit_scanned_alone_reads_its_repository_not_beyond() {
    let top = std::env::temp_dir().join(format!("cw-tg-reach-{}", std::process::id()));
    let repo = top.join("repo");
    let unit = repo.join("live/queue");
    let _ = std::fs::remove_dir_all(&top);
    std::fs::create_dir_all(repo.join(".git")).unwrap();
    std::fs::create_dir_all(&unit).unwrap();
    std::fs::write(top.join("outside.yaml"), "name: outside\n").unwrap();
    std::fs::write(repo.join("common.yaml"), "name: shared-queue\n").unwrap();
    std::fs::write(repo.join("root.hcl"), "inputs = {\n  tier = \"gold\"\n}\n").unwrap();
    std::fs::write(
        unit.join("terragrunt.hcl"),
        r#"include "root" {
  path = find_in_parent_folders("root.hcl")
}
locals {
  common  = yamldecode(file("../../common.yaml"))
  outside = try(yamldecode(file("../../../outside.yaml")), { name = "refused" })
}
inputs = {
  name  = local.common.name
  other = local.outside.name
}
"#,
    )
    .unwrap();
    std::fs::write(
        unit.join("main.tf"),
        "variable \"name\" {}\nvariable \"other\" {}\nvariable \"tier\" {}\nresource \"aws_sqs_queue\" \"q\" {\n  name = var.name\n  tags = { Tier = var.tier, Other = var.other }\n}\n",
    )
    .unwrap();
    let g = load(std::slice::from_ref(&unit), &LoadOptions::default());
    let _ = std::fs::remove_dir_all(&top);
    assert_eq!(
        attr(&g, "aws_sqs_queue.q", "name").as_str(),
        Some("shared-queue")
    );
    assert_eq!(
        attr(&g, "aws_sqs_queue.q", "tags.Tier").as_str(),
        Some("gold")
    );
    assert_eq!(
        attr(&g, "aws_sqs_queue.q", "tags.Other").as_str(),
        Some("refused")
    );
}

/// A dependency whose outputs Terragrunt does not read (`skip_outputs`)
/// gives unknown outputs even when its unit is evaluated first; a disabled
/// one (`enabled = false`) is no dependency.
#[test]
fn terragrunt_dependencies_that_skip_outputs_give_unknowns() {
    let top = std::env::temp_dir().join(format!("cw-tg-skip-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&top);
    for (dir, config, module) in [
        (
            "net",
            "terraform {\n  source = \"../mod-net\"\n}\n",
            "output \"cidr\" {\n  value = \"10.1.0.0/16\"\n}\n",
        ),
        (
            "app",
            "terraform {\n  source = \"../mod-app\"\n}\ndependency \"read\" {\n  config_path = \"../net\"\n}\ndependency \"skipped\" {\n  config_path  = \"../net\"\n  skip_outputs = true\n}\ndependency \"off\" {\n  config_path = \"../nowhere\"\n  enabled     = false\n}\ninputs = {\n  read    = dependency.read.outputs.cidr\n  skipped = dependency.skipped.outputs.cidr\n}\n",
            "variable \"read\" {}\nvariable \"skipped\" {}\nresource \"aws_ssm_parameter\" \"p\" {\n  name  = var.read\n  value = var.skipped\n  type  = \"String\"\n}\n",
        ),
    ] {
        std::fs::create_dir_all(top.join(dir)).unwrap();
        std::fs::create_dir_all(top.join(format!("mod-{dir}"))).unwrap();
        std::fs::write(top.join(dir).join("terragrunt.hcl"), config).unwrap();
        std::fs::write(top.join(format!("mod-{dir}/main.tf")), module).unwrap();
    }
    let g = load(std::slice::from_ref(&top), &LoadOptions::default());
    let _ = std::fs::remove_dir_all(&top);
    assert!(!messages(&g, Severity::Warning)
        .iter()
        .any(|m| m.contains("nowhere")));
    assert_eq!(
        attr(&g, "aws_ssm_parameter.p", "name").as_str(),
        Some("10.1.0.0/16")
    );
    let skipped = attr(&g, "aws_ssm_parameter.p", "value");
    assert_eq!(
        origin(&skipped).as_deref(),
        Some("dependency.skipped.outputs.cidr")
    );
}

/// Terragrunt stacks: the units `terragrunt stack generate` would write
/// are read where it would write them, from the blueprints they copy,
/// with the values the stack gives them; stacks generate stacks.
#[test]
fn terragrunt_stacks_generate_their_units_in_place() {
    let g = load_fixture("terragrunt_stack");
    assert_eq!(
        g.roots(),
        [
            "live/dev/.terragrunt-stack/app",
            "live/dev/.terragrunt-stack/network",
            "live/dev/.terragrunt-stack/unvalued",
            "live/dev/.terragrunt-stack/worker",
            "live/prod/.terragrunt-stack/extra-net",
            "live/prod/.terragrunt-stack/svc/.terragrunt-stack/app",
            "live/prod/.terragrunt-stack/svc/.terragrunt-stack/extra",
            "live/prod/.terragrunt-stack/svc/.terragrunt-stack/network",
        ]
    );
    let unit = |root: &str, address: &str, path: &str| in_root(&g, root, address, path);
    // (as text, and the origin of an unknown)
    let text = |root: &str, address: &str, path: &str| {
        unit(root, address, path).as_str().map(str::to_string)
    };
    let from = |root: &str, address: &str, path: &str| origin(&unit(root, address, path));
    // values from the stack, through its locals
    let dev = "live/dev/.terragrunt-stack";
    assert_eq!(
        text(&format!("{dev}/network"), "aws_vpc.main", "cidr_block").as_deref(),
        Some("10.0.0.0/16")
    );
    assert_eq!(
        text(&format!("{dev}/app"), "aws_security_group.app", "name").as_deref(),
        Some("dev-app")
    );
    // a value the unit's blueprint defaults with `try`
    assert_eq!(
        text(&format!("{dev}/app"), "aws_security_group.app", "tags.Size").as_deref(),
        Some("small")
    );
    // a dependency named by `unit.network.path`, its outputs those of the
    // generated network unit
    assert_eq!(
        from(&format!("{dev}/app"), "aws_security_group.app", "vpc_id").as_deref(),
        Some("live/dev/.terragrunt-stack/network//aws_vpc.main.id")
    );
    // a unit the stack wires (`autoinclude`): the dependency and the input
    // it adds, the blueprint's own `values.vpc_id` not read
    assert_eq!(
        from(&format!("{dev}/worker"), "aws_security_group.app", "vpc_id").as_deref(),
        Some("live/dev/.terragrunt-stack/network//aws_vpc.main.id")
    );
    // and the file it generates into the unit, with its own locals
    assert_eq!(
        text(&format!("{dev}/worker"), "aws_sqs_queue.jobs", "name").as_deref(),
        Some("dev-worker-jobs")
    );
    // the included configuration's functions see the generated directory
    assert_eq!(
        text(
            &format!("{dev}/app"),
            "aws_security_group.app",
            "tags_all.Unit"
        )
        .as_deref(),
        Some("app")
    );
    // a stack the prod stack generates, with its values; a relative
    // dependency between the units it generates
    let svc = "live/prod/.terragrunt-stack/svc/.terragrunt-stack";
    assert_eq!(
        text(&format!("{svc}/network"), "aws_vpc.main", "tags.Name").as_deref(),
        Some("prod-net")
    );
    assert_eq!(
        text(&format!("{svc}/app"), "aws_security_group.app", "tags.Size").as_deref(),
        Some("large")
    );
    assert_eq!(
        from(&format!("{svc}/app"), "aws_security_group.app", "vpc_id").as_deref(),
        Some("live/prod/.terragrunt-stack/svc/.terragrunt-stack/network//aws_vpc.main.id")
    );
    // a unit a `stack` block's autoinclude adds to the stack it generates
    assert_eq!(
        text(&format!("{svc}/extra"), "aws_vpc.main", "tags.Name").as_deref(),
        Some("prod-extra")
    );
    // a unit of a file the stack includes, its source relative to the stack
    assert_eq!(
        text(
            "live/prod/.terragrunt-stack/extra-net",
            "aws_vpc.main",
            "cidr_block"
        )
        .as_deref(),
        Some("10.2.0.0/16")
    );
    // findings point at the blueprint's lines
    let r = g
        .resource_in(&format!("{dev}/network"), "aws_vpc.main")
        .unwrap();
    // a value the stack gives was written in the stack file: its line
    let set_by = r.provenance["cidr_block"]
        .iter()
        .find_map(|s| match &**s {
            ValueSource::Variable {
                set_by: VariableOrigin::File { path, span },
                ..
            } => Some((path.to_string(), span.unwrap().line)),
            _ => None,
        })
        .expect("cidr_block provenance");
    assert_eq!(set_by, ("live/dev/terragrunt.stack.hcl".to_string(), 10));
    assert_eq!(
        g.sources.get(r.span.unwrap().file).display_path,
        "catalog/modules/network/main.tf"
    );
    let said = said(&g);
    // (which generated unit a blueprint's line is read for)
    assert_eq!(
        g.diagnostics[0].help.as_deref(),
        Some("in live/dev/.terragrunt-stack/unvalued, which a stack generates from these lines")
    );
    assert_eq!(
        said,
        [
            "Error catalog/units/network/terragrunt.hcl:11: `values` is only set in a unit or stack that a stack generates with a `values` attribute; Terragrunt refuses it here",
            "Error catalog/units/network/terragrunt.hcl:12: `values` is only set in a unit or stack that a stack generates with a `values` attribute; Terragrunt refuses it here",
            "Warning live/dev/terragrunt.stack.hcl:55: `feature` in an `autoinclude` is not read",
            "Warning live/dev/terragrunt.stack.hcl:62: unit `bare` copies catalog/modules/app, which holds no terragrunt.hcl (Terragrunt refuses to generate it): live/dev/.terragrunt-stack/bare is not checked",
            "Error live/dev/terragrunt.stack.hcl:67: the `path` of unit `escape` (../../elsewhere) leaves the directory it is generated in: Terragrunt refuses it; it is not read",
            "Warning live/prod/terragrunt.stack.hcl:20: unit `legacy` comes from a remote source (git::https://example.com/org/catalog.git//units/app?ref=v1.0.0), which Cloudwright does not download: live/prod/legacy is not checked",
        ]
    );
}

/// A stack's remote unit, read from the checkout `--terragrunt-source-map`
/// gives; `stack.<name>.path` names where another stack generates.
#[test]
fn a_terragrunt_stack_reads_a_remote_unit_from_a_checkout() {
    let options = LoadOptions {
        terragrunt_source_map: vec![(
            "git::https://example.com/org/catalog.git".to_string(),
            fixture("terragrunt_stack/catalog"),
        )],
        ..LoadOptions::default()
    };
    let g = load(&[fixture("terragrunt_stack")], &options);
    let sg = g
        .resource_in("live/prod/legacy", "aws_security_group.app")
        .expect("the unit, generated beside the stack file");
    assert_eq!(sg.get("name").unwrap().as_str(), Some("legacy-app"));
    assert_eq!(
        origin(&sg.get("vpc_id").unwrap()).as_deref(),
        Some("live/prod/.terragrunt-stack/svc/.terragrunt-stack/network//aws_vpc.main.id")
    );
    assert!(!messages(&g, Severity::Warning)
        .iter()
        .any(|m| m.contains("legacy")));
}

/// A unit `terragrunt stack generate` wrote reads the `values` it wrote
/// beside it (`terragrunt.values.hcl`).
#[test]
fn a_generated_terragrunt_unit_reads_its_values_file() {
    let g = load_fixture("terragrunt_values");
    assert_eq!(g.roots(), ["live/app"]);
    let q = g.resource_in("live/app", "aws_sqs_queue.q").unwrap();
    assert_eq!(q.get("name").unwrap().as_str(), Some("from-values"));
}

/// A stack that copies itself is refused where it does, not expanded
/// without end.
#[test]
fn a_terragrunt_stack_that_generates_itself_is_said() {
    let dir = fixture("terragrunt_stack_cycle");
    let g = load(&[dir], &LoadOptions::default());
    assert_eq!(
        said(&g),
        [
            "Error live/terragrunt.stack.hcl:2: stack `a` copies a stack that generates it: live/.terragrunt-stack/a is not read (Terragrunt would generate without end)",
            "Error live/terragrunt.stack.hcl:6: stack `b` copies a stack that generates it: live/.terragrunt-stack/b is not read (Terragrunt would generate without end)",
        ]
    );
}

/// A file a module reads with `templatefile` or `file` is read once in a
/// load and a template parsed once per call (kept for every instance and
/// root that renders it): each rendering still has its own variables, and
/// a relative path is still the root's own (`where.txt` of each root).
#[test]
fn files_read_once_are_rendered_and_resolved_per_caller() {
    let g = load_fixture("file_reads");
    assert_clean(&g);
    for root in ["a", "b"] {
        for i in 0..2 {
            let address = format!("module.web.aws_instance.web[{i}]");
            assert_eq!(
                in_root(&g, root, &address, "user_data").as_str(),
                Some(
                    format!(
                        "#!/bin/bash\necho \"{root}-{i}\" > /etc/hostname\nopen 80\nopen 443\n"
                    )
                    .as_str()
                ),
                "{root} {address}"
            );
        }
        let where_ = in_root(&g, root, "aws_ssm_parameter.where", "value");
        assert_eq!(where_.as_str(), Some(format!("root {root}").as_str()));
    }
    let paths = in_root(&g, "a", "aws_ssm_parameter.paths", "value");
    let paths: Vec<&str> = paths.as_str().unwrap().split('|').collect();
    assert_eq!(paths[..2], [".", "."]);
    let cwd = std::path::Path::new(paths[2]);
    assert!(
        cwd.is_absolute() && cwd.ends_with("file_reads/a"),
        "{cwd:?}"
    );
}

#[test]
fn instances_that_read_the_same_variables_share_one_provenance_map() {
    let g = load_fixture("provenance_maps");
    let web: Vec<_> = (0..3)
        .map(|i| g.resource(&format!("aws_instance.web[{i}]")).unwrap())
        .collect();
    for (i, r) in web.iter().enumerate() {
        let address = format!("aws_instance.web[{i}]");
        assert_eq!(provenance_variables(&g, &address, "tags"), vec!["name"]);
        assert_eq!(
            attr(&g, &address, "tags.Name").as_str(),
            Some(format!("web-{i}").as_str())
        );
        // one map, kept once for every instance
        assert!(std::sync::Arc::ptr_eq(&r.provenance, &web[0].provenance));
    }
    // an argument set twice (said, and refused by Terraform): one entry,
    // the later's, as its value is
    assert!(said(&g).iter().any(|m| m.contains("`tags` is set twice")));
    assert_eq!(
        attr(&g, "aws_instance.twice", "tags.Size").as_str(),
        Some("30")
    );
    let twice = g.resource("aws_instance.twice").unwrap();
    let names: Vec<&str> = twice.provenance.keys().collect();
    assert_eq!(names, vec!["tags"]);
    assert_eq!(
        provenance_variables(&g, "aws_instance.twice", "tags"),
        vec!["block_size"]
    );
}

/// A call to a function Terraform does not have, a reference to what the
/// module does not declare, a module input or provider alias that is not
/// there: each an error where it is written, with the function or the
/// declared name a misspelling meant; its value is unknown and the rest of
/// the block is read.
#[test]
fn misspelt_names_are_errors_where_written_with_the_one_meant() {
    let g = load_fixture("misspellings");
    let errors: Vec<(String, u32, u32, Option<String>)> = g
        .diagnostics
        .iter()
        .filter(|d| d.severity == Severity::Error)
        .map(|d| {
            let span = d.span.expect("a call has a place");
            (d.message.clone(), span.line, span.column, d.help.clone())
        })
        .collect();
    let not_configured =
        "provider `aws.wset` is not configured: the root module has no `provider` block with that alias";
    let expected = [
        (
            "call to unknown function lenght()",
            7,
            19,
            Some("did you mean `length()`?"),
        ),
        ("call to unknown function frobnicate()", 9, 19, None),
        ("call to unknown function foo()", 11, 22, None),
        // a module's input, a provider alias, a reference: the declared
        // name of its kind meant
        (
            "module `module.queues` has no variable `queue_nmae`; the argument is ignored",
            24,
            3,
            Some("did you mean `queue_name`?"),
        ),
        (not_configured, 25, 24, Some("did you mean `aws.west`?")),
        (
            "reference to undeclared input variable `var.enviroment`",
            31,
            5,
            Some("did you mean `var.environment`?"),
        ),
        (
            "reference to undeclared local value `local.name`",
            32,
            5,
            Some("did you mean `local.names`?"),
        ),
        (
            "reference to undeclared resource `aws_sqs_queue.qq`",
            33,
            5,
            Some("did you mean `aws_sqs_queue.q`?"),
        ),
        (
            "reference to undeclared data source `data.aws_caller_identity.curent`",
            34,
            5,
            Some("did you mean `data.aws_caller_identity.current`?"),
        ),
        (
            "reference to undeclared module `module.queue`",
            35,
            5,
            Some("did you mean `module.queues`?"),
        ),
        // (nothing declared is near)
        (
            "reference to undeclared input variable `var.region`",
            36,
            5,
            None,
        ),
        // (the provider block is after the resource: found by its text)
        (not_configured, 46, 3, Some("did you mean `aws.west`?")),
        // meta-arguments and meta-blocks: refused whatever the provider
        (
            "unsupported argument `for_eachh` in aws_sqs_queue.meta: not a meta-argument nor of aws_sqs_queue's schema; Terraform refuses it, and it is not taken as `for_each`",
            53,
            3,
            Some("did you mean `for_each`?"),
        ),
        (
            "unknown attribute path.modul",
            54,
            23,
            Some("did you mean `path.module`?"),
        ),
        (
            "unsupported block type `lifecyle` in aws_sqs_queue.meta: not a meta-block nor of aws_sqs_queue's schema; Terraform refuses it, and it is not taken as `lifecycle`",
            55,
            3,
            Some("did you mean `lifecycle`?"),
        ),
    ]
    .map(|(message, line, column, help)| {
        (message.to_string(), line, column, help.map(str::to_string))
    });
    assert_eq!(errors, expected);
    // a value for a variable the root does not declare: a warning
    let tfvars = diagnostics_with(&g, "value for undeclared variable `enviroment`");
    assert_eq!(tfvars.len(), 1, "{tfvars:?}");
    assert_eq!(tfvars[0].severity, Severity::Warning);
    assert_eq!(
        tfvars[0].help.as_deref(),
        Some("did you mean `environment`? Otherwise declare it with a `variable` block, or remove it")
    );
    let q = "aws_sqs_queue.q";
    assert!(attr(&g, q, "name").is_unknown());
    assert!(attr(&g, q, "delay_seconds").is_unknown());
    assert_eq!(
        attr(&g, q, "message_retention_seconds").as_number(),
        Some(86400.0)
    );
}
