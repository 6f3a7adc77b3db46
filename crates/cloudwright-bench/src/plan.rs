//! A large `terraform show -json` plan and a state file (format 4) of the
//! same resources: the shapes teams with big monolithic roots hand to
//! Cloudwright. Resources sit in the root and in `for_each` instances of
//! module calls; the plan's `configuration` has every block's expressions
//! (constants and references), its `resource_changes` the actions and the
//! attributes known only after apply.

use std::fmt::Write as _;
use std::path::Path;

/// Kinds of resource the plan holds, with their planned values (JSON
/// object members) for instance `i`.
const KINDS: [(&str, &str); 4] = [
    (
        "aws_s3_bucket",
        r#""bucket":"data-{i}","force_destroy":false,"tags":{"team":"data","index":"{i}"}"#,
    ),
    (
        "aws_security_group",
        r#""name":"app-{i}","description":"app {i}","ingress":[{"from_port":443,"to_port":443,"protocol":"tcp","cidr_blocks":["10.0.0.0/8"],"description":"https","ipv6_cidr_blocks":[],"prefix_list_ids":[],"security_groups":[],"self":false}],"tags":{"team":"app"}"#,
    ),
    (
        "aws_iam_role",
        r#""name":"role-{i}","assume_role_policy":"{\"Version\":\"2012-10-17\",\"Statement\":[{\"Effect\":\"Allow\",\"Principal\":{\"Service\":\"ec2.amazonaws.com\"},\"Action\":\"sts:AssumeRole\"}]}","tags":{"team":"platform"}"#,
    ),
    (
        "aws_instance",
        r#""ami":"ami-0123456789abcdef0","instance_type":"t3.micro","monitoring":true,"tags":{"team":"app","index":"{i}"}"#,
    ),
];

/// Writes `plan.json` and `terraform.tfstate` with about `resources`
/// resource instances to `dir`; returns their sizes in bytes.
pub fn generate(dir: &Path, resources: usize) -> std::io::Result<(usize, usize)> {
    std::fs::create_dir_all(dir)?;
    // a quarter in the root; the rest in 50 instances of module "svc"
    let in_root = resources / 4;
    let keys = 50;
    let per_key = (resources - in_root) / keys;
    // planned values per module instance (the root first)
    let mut planned = vec![String::new(); keys + 1];
    let mut changes = String::new();
    let mut state = String::new();
    let mut root_config = String::new();
    let mut module_config = String::new();
    let mut add = |slot: usize,
                   module: &str,
                   n: usize,
                   kind: usize,
                   i: usize,
                   config: Option<&mut String>| {
        let (t, values) = KINDS[kind];
        let name = format!("r{n}");
        let address = format!("{module}{t}.{name}");
        let values = values.replace("{i}", &i.to_string());
        let sep = |s: &String| if s.is_empty() { "" } else { "," };
        let planned = &mut planned[slot];
        let _ = write!(
            planned,
            r#"{}{{"address":"{address}","mode":"managed","type":"{t}","name":"{name}","provider_name":"registry.terraform.io/hashicorp/aws","schema_version":0,"values":{{{values}}},"sensitive_values":{{}}}}"#,
            sep(planned)
        );
        let _ = write!(
            changes,
            r#"{}{{"address":"{address}","module_address":"{}","mode":"managed","type":"{t}","name":"{name}","provider_name":"registry.terraform.io/hashicorp/aws","change":{{"actions":["create"],"before":null,"after":{{{values}}},"after_unknown":{{"arn":true,"id":true,"tags_all":true}}}}}}"#,
            sep(&changes),
            module.trim_end_matches('.')
        );
        let _ = write!(
            state,
            r#"{}{{"module":"{}","mode":"managed","type":"{t}","name":"{name}","provider":"provider[\"registry.terraform.io/hashicorp/aws\"]","instances":[{{"schema_version":0,"attributes":{{"id":"{t}-{i}","arn":"arn:aws:{t}:::{i}",{values}}},"sensitive_attributes":[]}}]}}"#,
            sep(&state),
            module.trim_end_matches('.')
        );
        if let Some(config) = config {
            let _ = write!(
                config,
                r#"{}{{"address":"{t}.{name}","mode":"managed","type":"{t}","name":"{name}","provider_config_key":"aws","expressions":{{"tags":{{"references":["local.tags"]}},"name":{{"references":["var.name","aws_s3_bucket.r0.id","aws_s3_bucket.r0"]}}}},"schema_version":0}}"#,
                sep(config)
            );
        }
    };
    for n in 0..in_root {
        add(0, "", n, n % KINDS.len(), n, Some(&mut root_config));
    }
    for k in 0..keys {
        let module = format!("module.svc[\\\"k{k}\\\"].");
        for n in 0..per_key {
            let config = (k == 0).then_some(&mut module_config);
            add(k + 1, &module, n, n % KINDS.len(), k * per_key + n, config);
        }
    }
    let children: Vec<String> = (0..keys)
        .map(|k| {
            format!(
                r#"{{"address":"module.svc[\"k{k}\"]","resources":[{}]}}"#,
                planned[k + 1]
            )
        })
        .collect();
    let (root_planned, children) = (&planned[0], children.join(","));
    let plan = format!(
        r#"{{"format_version":"1.2","terraform_version":"1.9.8","planned_values":{{"root_module":{{"resources":[{root_planned}],"child_modules":[{children}]}}}},"resource_changes":[{changes}],"configuration":{{"provider_config":{{"aws":{{"name":"aws","full_name":"registry.terraform.io/hashicorp/aws","expressions":{{"region":{{"constant_value":"eu-west-1"}}}}}}}},"root_module":{{"resources":[{root_config}],"module_calls":{{"svc":{{"source":"./svc","for_each_expression":{{"references":["local.services"]}},"module":{{"resources":[{module_config}]}}}}}}}}}}}}"#
    );
    let state = format!(
        r#"{{"version":4,"terraform_version":"1.9.8","serial":1,"lineage":"bench","outputs":{{}},"resources":[{state}]}}"#
    );
    std::fs::write(dir.join("plan.json"), &plan)?;
    std::fs::write(dir.join("terraform.tfstate"), &state)?;
    Ok((plan.len(), state.len()))
}
