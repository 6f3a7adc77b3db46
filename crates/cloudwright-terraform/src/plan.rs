//! `terraform show -json` plans and state files (format v4), loaded into the
//! same model as configuration.
//!
//! A plan's planned values are exact where Terraform knew them; what it marks
//! `after_unknown` becomes Unknown, with an origin taken from the
//! configuration's `references` when the expression is one reference. When the
//! configuration (`.tf` files) is beside the plan, it is loaded with the
//! plan's variable values and each resource takes the spans of its block, so
//! findings point at `.tf` lines rather than at line 0 of a JSON file.

use crate::load::{load_tree, LoadOptions, Loaded};
use cloudwright_model::{
    graph::strip_instance_key, Diagnostic, InstanceKey, Mode, Origin, ProviderRef, Reference,
    Resource, SourceFile, SourceMap, Value,
};
use serde_json::Value as Json;
use std::collections::HashMap;
use std::path::Path;

pub fn load_plan_or_state(path: &Path, options: &LoadOptions, sources: &mut SourceMap) -> Loaded {
    let mut out = Loaded::default();
    let display = path
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            out.diagnostics
                .push(Diagnostic::error(format!("cannot read file: {e}")).in_file(display));
            return out;
        }
    };
    let id = sources.add(SourceFile::new(
        display.clone(),
        path.to_path_buf(),
        text.as_str().into(),
    ));
    let json: Json = match serde_json::from_str(&text) {
        Ok(j) => j,
        Err(e) => {
            let offset = offset_of(&text, e.line(), e.column());
            out.diagnostics.push(
                Diagnostic::error(format!("invalid JSON: {e}"))
                    .at(sources.get(id).span(id, offset, offset))
                    .help("produce the plan with `terraform show -json plan.out > plan.json`"),
            );
            return out;
        }
    };
    if json.get("planned_values").is_some() || json.get("resource_changes").is_some() {
        load_plan(&json, path, options, sources, &mut out);
    } else if json.get("version").and_then(Json::as_u64) == Some(4)
        && json.get("resources").is_some()
    {
        load_state(&json, &mut out);
    } else {
        out.diagnostics.push(
            Diagnostic::error("this JSON file is neither a Terraform plan (`terraform show -json`) nor a state file (format version 4)")
                .in_file(display),
        );
    }
    out
}

fn offset_of(text: &str, line: usize, column: usize) -> u32 {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len()) as u32
}

fn load_plan(
    json: &Json,
    path: &Path,
    options: &LoadOptions,
    sources: &mut SourceMap,
    out: &mut Loaded,
) {
    // resource_changes: address → (actions, after_unknown)
    let mut changes: HashMap<String, (Vec<String>, Option<&Json>)> = HashMap::new();
    for rc in json
        .get("resource_changes")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let Some(address) = rc.get("address").and_then(Json::as_str) else {
            continue;
        };
        let actions = rc
            .pointer("/change/actions")
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        changes.insert(
            address.to_string(),
            (actions, rc.pointer("/change/after_unknown")),
        );
    }
    let config = json
        .pointer("/configuration/root_module")
        .map(ConfigExpressions::new)
        .unwrap_or_default();
    let regions = provider_regions(json);

    // The configuration beside the plan, evaluated with the plan's variables.
    let dir = crate::load::directory_of(path);
    let dir = dir.as_path();
    let has_config = std::fs::read_dir(dir)
        .map(|rd| {
            rd.flatten().any(|e| {
                e.path()
                    .extension()
                    .is_some_and(|x| x == "tf" || x == "tofu")
            })
        })
        .unwrap_or(false);
    let mut config_resources: HashMap<String, Resource> = HashMap::new();
    if has_config {
        let mut opts = options.clone();
        opts.root_only = true;
        for (name, v) in json
            .get("variables")
            .and_then(Json::as_object)
            .into_iter()
            .flatten()
        {
            if let Some(value) = v.get("value") {
                let text = match value {
                    Json::String(s) => s.clone(),
                    other => other.to_string(),
                };
                opts.plan_vars.push(format!("{name}={text}"));
            }
        }
        let mut loaded = load_tree(dir, &opts, sources);
        out.modules.append(&mut loaded.modules);
        out.diagnostics.extend(
            loaded
                .diagnostics
                .into_iter()
                .filter(|d| d.severity != cloudwright_model::Severity::Info),
        );
        for r in loaded.resources {
            config_resources.insert(r.address.clone(), r);
        }
    }

    let mut stack = Vec::new();
    if let Some(root) = json.pointer("/planned_values/root_module") {
        stack.push(root);
    }
    while let Some(module) = stack.pop() {
        for r in module
            .get("resources")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let Some(mut resource) = resource_from_json(r, Origin::Plan, &regions) else {
                continue;
            };
            let (actions, after_unknown) =
                changes.get(&resource.address).cloned().unwrap_or_default();
            resource.actions = actions;
            let expressions = config.of(&resource);
            if let (Some(unknown), Value::Map(_)) = (after_unknown, &resource.attributes) {
                resource.attributes =
                    mark_unknown(&resource.attributes, unknown, &resource, expressions);
            }
            if let Some(expr) = expressions {
                resource.references = references_from_config(&resource, expr);
            }
            let config_match = config_resources
                .get(&resource.address)
                .or_else(|| {
                    strip_instance_key(&resource.address).and_then(|a| config_resources.get(a))
                })
                .or_else(|| {
                    config_resources.get(&format!(
                        "{}[?]",
                        strip_instance_key(&resource.address).unwrap_or(&resource.address)
                    ))
                });
            if let Some(c) = config_match {
                resource.span = c.span;
                resource.attribute_spans = c.attribute_spans.clone();
                resource.provenance = c.provenance.clone();
                if resource.references.is_empty() {
                    resource.references = c.references.clone();
                }
            }
            out.resources.push(resource);
        }
        for child in module
            .get("child_modules")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            stack.push(child);
        }
    }
}

fn load_state(json: &Json, out: &mut Loaded) {
    let regions = HashMap::new();
    for r in json
        .get("resources")
        .and_then(Json::as_array)
        .into_iter()
        .flatten()
    {
        let module = r.get("module").and_then(Json::as_str).unwrap_or("");
        let mode = r.get("mode").and_then(Json::as_str).unwrap_or("managed");
        let (Some(t), Some(n)) = (
            r.get("type").and_then(Json::as_str),
            r.get("name").and_then(Json::as_str),
        ) else {
            continue;
        };
        let prefix = if module.is_empty() {
            String::new()
        } else {
            format!("{module}.")
        };
        let base = if mode == "data" {
            format!("{prefix}data.{t}.{n}")
        } else {
            format!("{prefix}{t}.{n}")
        };
        for inst in r
            .get("instances")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let key = inst.get("index_key");
            let address = match key {
                Some(Json::Number(i)) => format!("{base}[{i}]"),
                Some(Json::String(s)) => format!("{base}[{s:?}]"),
                _ => base.clone(),
            };
            let synthetic = serde_json::json!({
                "address": address,
                "mode": mode,
                "type": t,
                "name": n,
                "index": key.cloned().unwrap_or(Json::Null),
                "provider_name": r.get("provider").and_then(Json::as_str).unwrap_or(""),
                "values": inst.get("attributes").cloned().unwrap_or(Json::Null),
            });
            let Some(mut resource) = resource_from_json(&synthetic, Origin::State, &regions) else {
                continue;
            };
            resource.module = module.into();
            // sensitive_attributes: [[{"type":"get_attr","value":"password"}], …]
            for p in inst
                .get("sensitive_attributes")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                let steps: Vec<&str> = p
                    .as_array()
                    .into_iter()
                    .flatten()
                    .filter_map(|s| s.get("value").and_then(Json::as_str))
                    .collect();
                if let Some(first) = steps.first() {
                    if let Some(Value::Map(obj)) = Some(&resource.attributes) {
                        let mut fields = obj.fields.clone();
                        if let Some(v) = fields.get(first).cloned() {
                            fields.insert(first.to_string(), v.sensitive());
                        }
                        resource.attributes = Value::map(fields);
                    }
                }
            }
            out.resources.push(resource);
        }
    }
}

/// Provider config key (`aws`, `aws.west`) → region from the plan's configuration.
fn provider_regions(json: &Json) -> HashMap<String, Value> {
    let mut out = HashMap::new();
    for (key, cfg) in json
        .pointer("/configuration/provider_config")
        .and_then(Json::as_object)
        .into_iter()
        .flatten()
    {
        if let Some(region) = cfg.pointer("/expressions/region/constant_value") {
            out.insert(key.clone(), Value::from_json(region));
        }
    }
    out
}

fn resource_from_json(
    r: &Json,
    origin: Origin,
    regions: &HashMap<String, Value>,
) -> Option<Resource> {
    let address = r.get("address")?.as_str()?.to_string();
    let mode = match r.get("mode").and_then(Json::as_str) {
        Some("data") => Mode::Data,
        _ => Mode::Managed,
    };
    let resource_type = r.get("type")?.as_str()?.to_string();
    let name = r.get("name")?.as_str()?.to_string();
    let index = match r.get("index") {
        Some(Json::Number(n)) => n.as_i64().map(InstanceKey::Int),
        Some(Json::String(s)) => Some(InstanceKey::Str(s.clone())),
        _ => None,
    };
    let module = module_of(&address, mode, &resource_type);
    let provider_name = r
        .get("provider_name")
        .and_then(Json::as_str)
        .and_then(|p| p.rsplit('/').next())
        .map(|p| p.trim_end_matches(['"', ']']).to_string())
        .unwrap_or_else(|| resource_type.split('_').next().unwrap_or("").to_string());
    let mut attributes = r
        .get("values")
        .map(Value::from_json)
        .unwrap_or_else(|| Value::map(cloudwright_model::Fields::new()));
    if let Some(sensitive) = r.get("sensitive_values") {
        attributes = mark_sensitive(&attributes, sensitive);
    }
    let region = regions
        .get(&provider_name)
        .cloned()
        .unwrap_or_else(|| Value::unknown_from(format!("provider.{provider_name}.region")));
    Some(Resource {
        address,
        root: "".into(),
        mode,
        resource_type: resource_type.into(),
        name: name.into(),
        module: module.into(),
        index,
        provider: std::sync::Arc::new(ProviderRef {
            name: provider_name,
            alias: None,
            region: Some(region),
        }),
        attributes,
        span: None,
        attribute_spans: Default::default(),
        references: Vec::new(),
        provenance: Default::default(),
        origin,
        actions: Vec::new(),
    })
}

/// `module.a.module.b["x"]` from `module.a.module.b["x"].aws_s3_bucket.c[0]`.
fn module_of(address: &str, mode: Mode, resource_type: &str) -> String {
    let marker = match mode {
        Mode::Data => format!("data.{resource_type}."),
        Mode::Managed => format!("{resource_type}."),
    };
    let mut search_from = 0;
    while let Some(pos) = address[search_from..].find(&marker) {
        let at = search_from + pos;
        if at == 0 {
            return String::new();
        }
        if address.as_bytes()[at - 1] == b'.' {
            return address[..at - 1].to_string();
        }
        search_from = at + 1;
    }
    String::new()
}

/// `sensitive_values` mirrors the value: `true` where sensitive.
fn mark_sensitive(v: &Value, mask: &Json) -> Value {
    match (v, mask) {
        (_, Json::Bool(true)) => v.clone().sensitive(),
        (Value::Map(obj), Json::Object(m)) => Value::map(
            obj.fields
                .iter()
                .map(|(k, val)| {
                    (
                        k,
                        m.get(k)
                            .map_or_else(|| val.clone(), |mk| mark_sensitive(val, mk)),
                    )
                })
                .collect::<cloudwright_model::Fields>(),
        ),
        (Value::List(items), Json::Array(m)) => Value::list(
            items
                .iter()
                .enumerate()
                .map(|(i, val)| {
                    m.get(i)
                        .map_or_else(|| val.clone(), |mk| mark_sensitive(val, mk))
                })
                .collect(),
        ),
        _ => v.clone(),
    }
}

/// `after_unknown` mirrors the value: `true` where known only after apply.
fn mark_unknown(v: &Value, mask: &Json, resource: &Resource, expressions: Option<&Json>) -> Value {
    fn walk(
        v: &Value,
        mask: &Json,
        path: &str,
        top: Option<&str>,
        resource: &Resource,
        expressions: Option<&Json>,
    ) -> Value {
        match mask {
            Json::Bool(true) => {
                let origin = top
                    .and_then(|attr| expressions?.get(attr))
                    .and_then(single_reference)
                    .map(|r| absolute(&resource.module, &r))
                    .unwrap_or_else(|| format!("{}.{path}", resource.address));
                Value::unknown_from(origin)
            }
            Json::Object(m) => {
                let mut fields = v.as_object().map(|o| o.fields.clone()).unwrap_or_default();
                for (k, mk) in m {
                    let current = fields.get(k).cloned().unwrap_or(Value::Null);
                    let p = if path.is_empty() {
                        k.clone()
                    } else {
                        format!("{path}.{k}")
                    };
                    let next = walk(&current, mk, &p, top.or(Some(k)), resource, expressions);
                    if !matches!(mk, Json::Object(o) if o.is_empty()) || fields.contains_key(k) {
                        fields.insert(k.clone(), next);
                    }
                }
                Value::map(fields)
            }
            Json::Array(m) => {
                let mut items: Vec<Value> = v.as_list().map(<[Value]>::to_vec).unwrap_or_default();
                for (i, mk) in m.iter().enumerate() {
                    if i < items.len() {
                        items[i] = walk(
                            &items[i],
                            mk,
                            &format!("{path}[{i}]"),
                            top,
                            resource,
                            expressions,
                        );
                    }
                }
                Value::list(items)
            }
            _ => v.clone(),
        }
    }
    walk(v, mask, "", None, resource, expressions)
}

/// The `expressions` of a resource's block in the plan's configuration.
/// The `expressions` of each resource block in the plan's `configuration`,
/// by module path (the calls' names, `a.b` for `module.a["x"].module.b`)
/// and block address (`aws_s3_bucket.logs`, `data.aws_ami.ubuntu`): looked
/// up once per resource instance, so found by key rather than by a scan
/// of the module's blocks (a plan of 20,000 resources in one module took
/// seconds).
#[derive(Default)]
struct ConfigExpressions<'a> {
    blocks: HashMap<(String, &'a str), &'a Json>,
}

impl<'a> ConfigExpressions<'a> {
    fn new(root: &'a Json) -> Self {
        let mut blocks = HashMap::new();
        let mut stack = vec![(String::new(), root)];
        while let Some((path, module)) = stack.pop() {
            for r in module
                .get("resources")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
            {
                if let (Some(address), Some(expressions)) = (
                    r.get("address").and_then(Json::as_str),
                    r.get("expressions"),
                ) {
                    // the first block of an address, as a scan finds it
                    blocks.entry((path.clone(), address)).or_insert(expressions);
                }
            }
            for (name, call) in module
                .get("module_calls")
                .and_then(Json::as_object)
                .into_iter()
                .flatten()
            {
                if let Some(child) = call.get("module") {
                    let child_path = match path.is_empty() {
                        true => name.clone(),
                        false => format!("{path}.{name}"),
                    };
                    stack.push((child_path, child));
                }
            }
        }
        ConfigExpressions { blocks }
    }

    fn of(&self, resource: &Resource) -> Option<&'a Json> {
        // module path `module.a["x"].module.b` → calls a, b
        let mut path = String::new();
        for step in resource.module.split("module.").filter(|s| !s.is_empty()) {
            let name = step.trim_end_matches('.').split('[').next()?;
            if !path.is_empty() {
                path.push('.');
            }
            path.push_str(name);
        }
        let block_address = match resource.mode {
            Mode::Managed => format!("{}.{}", resource.resource_type, resource.name),
            Mode::Data => format!("data.{}.{}", resource.resource_type, resource.name),
        };
        self.blocks.get(&(path, block_address.as_str())).copied()
    }
}

/// `{"references": ["aws_vpc.main.id", "aws_vpc.main"]}` → `aws_vpc.main.id`.
fn single_reference(expr: &Json) -> Option<String> {
    let refs = expr.get("references")?.as_array()?;
    let first = refs.first()?.as_str()?;
    (refs.len() <= 2 && first.split('.').count() >= 3).then(|| first.to_string())
}

fn absolute(module: &str, reference: &str) -> String {
    if module.is_empty() {
        reference.to_string()
    } else {
        format!("{module}.{reference}")
    }
}

fn references_from_config(resource: &Resource, expressions: &Json) -> Vec<Reference> {
    let mut out = Vec::new();
    let Some(map) = expressions.as_object() else {
        return out;
    };
    for (attribute, expr) in map {
        let mut refs = Vec::new();
        collect_references(expr, &mut refs);
        for r in refs {
            let parts: Vec<&str> = r.split('.').collect();
            let (target, attr) = match parts.as_slice() {
                ["var" | "local" | "each" | "count" | "path", ..] => continue,
                ["module", name, rest @ ..] => (
                    format!("module.{name}"),
                    rest.first().map(|s| s.to_string()),
                ),
                ["data", t, n, rest @ ..] => {
                    (format!("data.{t}.{n}"), rest.first().map(|s| s.to_string()))
                }
                [t, n, rest @ ..] => (format!("{t}.{n}"), rest.first().map(|s| s.to_string())),
                _ => continue,
            };
            out.push(Reference {
                attribute: attribute.as_str().into(),
                target: absolute(&resource.module, &target).into(),
                target_attribute: attr.map(compact_str::CompactString::from),
            });
        }
    }
    out.sort();
    out.dedup();
    out
}

fn collect_references(expr: &Json, out: &mut Vec<String>) {
    match expr {
        Json::Object(m) => {
            if let Some(refs) = m.get("references").and_then(Json::as_array) {
                out.extend(refs.iter().filter_map(|r| r.as_str().map(str::to_string)));
            }
            for (k, v) in m {
                if k != "references" && k != "constant_value" {
                    collect_references(v, out);
                }
            }
        }
        Json::Array(items) => items.iter().for_each(|i| collect_references(i, out)),
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn configuration_expressions_are_found_by_module_path_and_block() {
        let configuration: Json = serde_json::json!({
            "resources": [
                {"address": "aws_s3_bucket.c", "expressions": {"bucket": {"constant_value": "root"}}}
            ],
            "module_calls": {"a": {"module": {"module_calls": {"b": {"module": {
                "resources": [
                    {"address": "aws_s3_bucket.c", "expressions": {"bucket": {"constant_value": "a.b"}}},
                    {"address": "data.aws_s3_bucket.c", "expressions": {"bucket": {"constant_value": "data"}}}
                ]
            }}}}}}
        });
        let config = ConfigExpressions::new(&configuration);
        let bucket = |address: &str, mode: &str, kind: &str| {
            let planned = serde_json::json!({
                "address": address, "mode": mode, "type": kind, "name": "c",
                "provider_name": "registry.terraform.io/hashicorp/aws", "values": {}
            });
            let resource = resource_from_json(&planned, Origin::Plan, &HashMap::new()).unwrap();
            config
                .of(&resource)
                .and_then(|e| e.pointer("/bucket/constant_value"))
                .and_then(Json::as_str)
                .map(str::to_string)
        };
        let managed = "module.a[\"x\"].module.b.aws_s3_bucket.c[0]";
        assert_eq!(
            bucket(managed, "managed", "aws_s3_bucket").as_deref(),
            Some("a.b")
        );
        let data = "module.a[\"x\"].module.b.data.aws_s3_bucket.c";
        assert_eq!(
            bucket(data, "data", "aws_s3_bucket").as_deref(),
            Some("data")
        );
        assert_eq!(
            bucket("aws_s3_bucket.c", "managed", "aws_s3_bucket").as_deref(),
            Some("root")
        );
        assert_eq!(
            bucket("module.a.aws_s3_bucket.c", "managed", "aws_s3_bucket"),
            None
        );
    }

    #[test]
    fn module_path_of_addresses() {
        assert_eq!(
            module_of(
                "module.a.module.b[\"x\"].aws_s3_bucket.c[0]",
                Mode::Managed,
                "aws_s3_bucket"
            ),
            "module.a.module.b[\"x\"]"
        );
        assert_eq!(
            module_of("aws_s3_bucket.c", Mode::Managed, "aws_s3_bucket"),
            ""
        );
        assert_eq!(
            module_of("module.m.data.aws_region.r", Mode::Data, "aws_region"),
            "module.m"
        );
    }
}
