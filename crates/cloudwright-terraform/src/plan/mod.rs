//! `terraform show -json` plans and state files (format v4), loaded into the
//! same model as configuration.
//!
//! A plan's planned values are exact where Terraform knew them; what it marks
//! `after_unknown` becomes Unknown, with an origin taken from the
//! configuration's `references` when the expression is one reference. When the
//! configuration (`.tf` files) is beside the plan, it is loaded with the
//! plan's variable values and each resource takes the spans of its block, so
//! findings point at `.tf` lines rather than at line 0 of a JSON file.

mod locate;

use crate::load::{load_tree, LoadOptions, Loaded};
use cloudwright_model::{
    graph::strip_instance_key, Diagnostic, FileId, InstanceKey, Mode, Origin, ProviderRef,
    Reference, Resource, SourceFile, SourceMap, Value,
};
use locate::{Seg, Step};
use serde_json::Value as Json;
use std::collections::{HashMap, HashSet};
use std::path::Path;

const PLAN_HELP: &str = "produce the plan with `terraform show -json plan.out > plan.json`";

/// Loads a `terraform show -json` plan (its planned values, or with
/// [`LoadOptions::plan_prior`] the state it starts from), a `terraform
/// show -json` state, or a state file (format v4). What of it is not as
/// Terraform writes it is said at its place in the file, and the rest is
/// read.
pub fn load_plan_or_state(path: &Path, options: &LoadOptions, sources: &mut SourceMap) -> Loaded {
    let mut out = Loaded::default();
    // (read with other paths: named as they are, and a root of its own)
    let display = match &options.shown_from {
        Some(base) => crate::load::display_path(
            base,
            &path.canonicalize().unwrap_or_else(|_| path.to_path_buf()),
        ),
        None => path
            .file_name()
            .map(|n| n.to_string_lossy().into_owned())
            .unwrap_or_default(),
    };
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
    let source = sources.get_shared(id);
    let json: Json = match serde_json::from_str(&text) {
        Ok(j) => j,
        Err(e) => {
            let offset = offset_of(&text, e.line(), e.column());
            out.diagnostics.push(
                Diagnostic::error(format!("invalid JSON: {e}"))
                    .at(source.span(id, offset, offset))
                    .help(PLAN_HELP),
            );
            return out;
        }
    };
    let mut shape = Shape {
        source: &source,
        file: id,
        diagnostics: Vec::new(),
    };
    // Terraform's promise: a new major format version is not compatible,
    // and a reader is to refuse it rather than misread it
    let kind = kind(&json);
    if matches!(kind, Kind::Plan | Kind::ShownState) {
        if let Some(version) = json.get("format_version").and_then(Json::as_str) {
            let major = version
                .split('.')
                .next()
                .and_then(|m| m.parse::<u64>().ok());
            if major.is_none_or(|m| m > 1) {
                shape.error(
                    &[Step::key("format_version")],
                    format!("`terraform show -json` format version {version}: Cloudwright reads versions 0.x and 1.x, and a new major version may mean anything else, so the file is not read"),
                    Some("use a Cloudwright that reads it, or a Terraform that writes format 1.x"),
                );
                out.diagnostics.append(&mut shape.diagnostics);
                return out;
            }
        }
    }
    match kind {
        Kind::Plan if options.plan_prior => load_prior(&json, path, &mut shape, &mut out),
        Kind::Plan => load_plan(&json, path, options, sources, &mut shape, &mut out),
        Kind::ShownState => {
            let regions = HashMap::new();
            let values = json.get("values").unwrap_or(&Json::Null);
            let mut resources = Vec::new();
            shape.values(values, vec![Step::key("values")], Origin::State, &regions, |r, _| {
                resources.push(r)
            });
            link_by_value(&mut resources);
            out.resources = resources;
        }
        Kind::State => load_state(&json, &mut shape, &mut out),
        Kind::OldState(version) => shape.error(
            &[Step::key("version")],
            format!("a state file of format version {version}: Cloudwright reads version 4, which Terraform 0.12 and later write"),
            Some("upgrade the state with a current Terraform, or give `terraform show -json` of it"),
        ),
        Kind::Other => out.diagnostics.push(
            Diagnostic::error("this JSON file is neither a Terraform plan (`terraform show -json`) nor a state file (format version 4)")
                .in_file(display.clone()),
        ),
    }
    out.diagnostics.append(&mut shape.diagnostics);
    if options.shown_from.is_some() {
        let root: cloudwright_model::text::Shared = display.as_str().into();
        for r in &mut out.resources {
            r.root = root.clone();
        }
        for m in &mut out.modules {
            m.root_dir = display.clone();
        }
    }
    out
}

/// What a JSON file is, by its top-level keys.
enum Kind {
    /// `terraform show -json` of a plan
    Plan,
    /// `terraform show -json` of a state: `{"values": …}`
    ShownState,
    /// a state file, format v4
    State,
    /// a state file of another format version
    OldState(u64),
    Other,
}

fn kind(json: &Json) -> Kind {
    if json.get("planned_values").is_some() || json.get("resource_changes").is_some() {
        return Kind::Plan;
    }
    if json.get("values").is_some()
        && (json.get("format_version").is_some() || json.get("terraform_version").is_some())
    {
        return Kind::ShownState;
    }
    match json.get("version").and_then(Json::as_u64) {
        Some(4) if json.get("resources").is_some() => Kind::State,
        Some(v) if v != 4 && (json.get("modules").is_some() || json.get("serial").is_some()) => {
            Kind::OldState(v)
        }
        _ => Kind::Other,
    }
}

/// Whether the JSON file at `path` is a `terraform show -json` plan: a
/// change (from the state it starts from to its planned values), as
/// `review` and `cost diff` read one plan. Read without building its values.
pub fn is_plan(path: &Path) -> bool {
    #[derive(serde::Deserialize)]
    struct TopLevel {
        planned_values: Option<serde::de::IgnoredAny>,
        resource_changes: Option<serde::de::IgnoredAny>,
    }
    let Ok(file) = std::fs::File::open(path) else {
        return false;
    };
    serde_json::from_reader::<_, TopLevel>(std::io::BufReader::new(file))
        .is_ok_and(|t| t.planned_values.is_some() || t.resource_changes.is_some())
}

fn offset_of(text: &str, line: usize, column: usize) -> u32 {
    let start: usize = text
        .split_inclusive('\n')
        .take(line.saturating_sub(1))
        .map(str::len)
        .sum();
    (start + column.saturating_sub(1)).min(text.len()) as u32
}

/// Says what of a plan or state file is not as Terraform writes it, at
/// its place in the file; and walks its values representations.
struct Shape<'a> {
    source: &'a SourceFile,
    file: FileId,
    diagnostics: Vec<Diagnostic>,
}

impl Shape<'_> {
    fn say(&mut self, diagnostic: Diagnostic, path: &[Step], help: Option<&str>) {
        let at = locate::nearest(&self.source.text, path);
        self.say_at(diagnostic, at, help);
    }

    /// [`Shape::say`] at an offset found before (one of many elements of
    /// a list, found in one walk).
    fn say_at(&mut self, diagnostic: Diagnostic, at: usize, help: Option<&str>) {
        let mut d = diagnostic.at(self.span(at));
        if let Some(help) = help {
            d = d.help(help);
        }
        self.diagnostics.push(d);
    }

    fn span(&self, at: usize) -> cloudwright_model::Span {
        self.source.span(self.file, at as u32, at as u32)
    }

    fn error(&mut self, path: &[Step], message: impl Into<String>, help: Option<&str>) {
        self.say(Diagnostic::error(message), path, help);
    }

    /// `value` as a list, or an error saying that `what` is not read.
    fn list<'j>(&mut self, value: Option<&'j Json>, path: &[Step], what: &str) -> &'j [Json] {
        match value {
            None | Some(Json::Null) => &[],
            Some(Json::Array(items)) => items,
            Some(other) => {
                self.error(
                    path,
                    format!(
                        "`{}` is {}, not a list: {what} are not read",
                        locate::display(path),
                        json_kind(other)
                    ),
                    Some(PLAN_HELP),
                );
                &[]
            }
        }
    }

    /// Every resource instance of a values representation (`planned_values`,
    /// a prior state's `values`, a shown state's `values`), its child
    /// modules to any depth, given to `f` with the JSON it was read from;
    /// what cannot be read is said.
    fn values<'j>(
        &mut self,
        values: &'j Json,
        path: Vec<Step>,
        origin: Origin,
        regions: &HashMap<String, Value>,
        mut f: impl FnMut(Resource, &'j Json),
    ) {
        // where each resource is in the file: its place, where no
        // configuration beside the plan gives one
        let offsets = locate::resource_offsets(&self.source.text, &path);
        let mut stack: Vec<(&'j Json, Vec<Step>, Vec<usize>)> = Vec::new();
        match values.get("root_module") {
            Some(root) => {
                let mut p = path;
                p.push(Step::key("root_module"));
                stack.push((root, p, Vec::new()));
            }
            None if values.is_object() || values.is_null() => {}
            None => {
                let path = path.clone();
                let what = json_kind(values);
                self.error(
                    &path,
                    format!(
                        "`{}` is {what}, not an object: its resources are not read",
                        locate::display(&path)
                    ),
                    Some(PLAN_HELP),
                );
            }
        }
        while let Some((module, path, index)) = stack.pop() {
            let mut at = path.clone();
            at.push(Step::key("resources"));
            let starts = offsets.get(&index).map(Vec::as_slice).unwrap_or_default();
            for (i, r) in self
                .list(module.get("resources"), &at, "the module's resources")
                .iter()
                .enumerate()
            {
                match resource_from_json(r, origin, regions) {
                    Ok(mut resource) => {
                        resource.span = starts.get(i).map(|&o| self.span(o));
                        f(resource, r)
                    }
                    Err(why) => {
                        let message =
                            Diagnostic::error(format!("a resource {why}: it is not read"));
                        let place = starts.get(i).copied().unwrap_or_else(|| {
                            let mut at = at.clone();
                            at.push(Step::Index(i));
                            locate::nearest(&self.source.text, &at)
                        });
                        self.say_at(message, place, Some(PLAN_HELP));
                    }
                }
            }
            let mut at = path.clone();
            at.push(Step::key("child_modules"));
            let children = self.list(module.get("child_modules"), &at, "the child modules");
            for (i, child) in children.iter().enumerate().rev() {
                let mut p = at.clone();
                p.push(Step::Index(i));
                let mut child_index = index.clone();
                child_index.push(i);
                stack.push((child, p, child_index));
            }
        }
    }
}

/// `an object`, `a list`, … for messages.
fn json_kind(v: &Json) -> &'static str {
    match v {
        Json::Null => "null",
        Json::Bool(_) => "a boolean",
        Json::Number(_) => "a number",
        Json::String(_) => "a string",
        Json::Array(_) => "a list",
        Json::Object(_) => "an object",
    }
}

fn load_plan(
    json: &Json,
    path: &Path,
    options: &LoadOptions,
    sources: &mut SourceMap,
    shape: &mut Shape<'_>,
    out: &mut Loaded,
) {
    // resource_changes: address → (actions, after_unknown); a deposed
    // object's change (the old object `create_before_destroy` replaces)
    // is not the current object's
    let mut changes: HashMap<String, (Vec<String>, Option<&Json>)> = HashMap::new();
    // what the plan moves, imports and stops managing, as the change
    // review reads `moved`, `import` and `removed` blocks
    let mut handled = cloudwright_model::ModuleInstance::default();
    let at = [Step::key("resource_changes")];
    let listed = shape.list(json.get("resource_changes"), &at, "the resource changes");
    // (where each change is, found in one walk)
    let starts = locate::element_offsets(&shape.source.text, &at);
    let start = |i: usize| starts.get(i).copied().unwrap_or_default();
    for (i, rc) in listed.iter().enumerate() {
        if rc.get("deposed").is_some() {
            continue;
        }
        let Some(address) = rc.get("address").and_then(Json::as_str) else {
            shape.say_at(
                Diagnostic::error(
                    "a resource change without an `address`: its actions are not read",
                ),
                start(i),
                Some(PLAN_HELP),
            );
            continue;
        };
        let actions: Vec<String> = rc
            .pointer("/change/actions")
            .and_then(Json::as_array)
            .map(|a| {
                a.iter()
                    .filter_map(|s| s.as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default();
        let span = || shape.span(start(i));
        if let Some(from) = rc.get("previous_address").and_then(Json::as_str) {
            if from != address {
                handled.moves.push(cloudwright_model::Move {
                    from: from.to_string(),
                    to: address.to_string(),
                    span: span(),
                });
            }
        }
        let kind = if rc
            .pointer("/change/importing")
            .is_some_and(|i| !i.is_null())
        {
            Some(cloudwright_model::HandoverKind::Import)
        } else if actions.iter().any(|a| a == "forget") {
            Some(cloudwright_model::HandoverKind::Release)
        } else {
            None
        };
        if let Some(kind) = kind {
            handled.handovers.push(cloudwright_model::Handover {
                address: address.to_string(),
                kind,
                span: span(),
            });
        }
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
    let has_config = config_beside(path);
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
            config_resources.insert(r.address.to_string(), r);
        }
    }

    let planned = json.get("planned_values").unwrap_or(&Json::Null);
    let mut resources = Vec::new();
    shape.values(
        planned,
        vec![Step::key("planned_values")],
        Origin::Plan,
        &regions,
        |mut resource, _| {
            let (actions, after_unknown) = changes
                .get(resource.address.as_str())
                .cloned()
                .unwrap_or_default();
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
                .get(resource.address.as_str())
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
            resources.push(resource);
        },
    );
    note_deletions(&changes, &resources, (listed, &starts), shape);
    if !has_config {
        // (beside its configuration, Cloudwright checks the conditions itself)
        note_failed_checks(json, &[], shape);
    }
    link_by_value(&mut resources);
    out.resources.append(&mut resources);
    // (the configuration beside the plan may say the same in its blocks)
    let said = |m: &cloudwright_model::ModuleInstance| (m.moves.clone(), m.handovers.clone());
    let (moves, handovers): (Vec<_>, Vec<_>) = out.modules.iter().map(said).unzip();
    let moves: Vec<cloudwright_model::Move> = moves.into_iter().flatten().collect();
    let handovers: Vec<cloudwright_model::Handover> = handovers.into_iter().flatten().collect();
    handled
        .moves
        .retain(|m| !moves.iter().any(|c| c.from == m.from && c.to == m.to));
    handled.handovers.retain(|h| {
        !handovers
            .iter()
            .any(|c| c.address == h.address && c.kind == h.kind)
    });
    if !handled.moves.is_empty() || !handled.handovers.is_empty() {
        out.modules.push(handled);
    }
}

/// What the plan deletes is not in its planned values (it will not
/// exist): said once, with where the change review sees it.
fn note_deletions(
    changes: &HashMap<String, (Vec<String>, Option<&Json>)>,
    planned: &[Resource],
    (listed, starts): (&[Json], &[usize]),
    shape: &mut Shape<'_>,
) {
    let kept: HashSet<&str> = planned.iter().map(|r| r.address.as_str()).collect();
    let mut deleted: Vec<&str> = changes
        .iter()
        .filter(|(address, (actions, _))| {
            actions.iter().any(|a| a == "delete")
                && !actions.iter().any(|a| a == "create")
                && !kept.contains(address.as_str())
        })
        .map(|(address, _)| address.as_str())
        .collect();
    if deleted.is_empty() {
        return;
    }
    deleted.sort_unstable();
    let first = listed
        .iter()
        .position(|rc| rc.get("address").and_then(Json::as_str) == Some(deleted[0]))
        .unwrap_or(0);
    let shown: Vec<&str> = deleted.iter().take(5).copied().collect();
    let more = match deleted.len() - shown.len() {
        0 => String::new(),
        n => format!(" and {n} more"),
    };
    let (count, noun) = match deleted.len() {
        1 => ("one".to_string(), "resource instance, which is"),
        n => (n.to_string(), "resource instances, which are"),
    };
    let help = format!(
        "`cloudwright review {file}` and `cloudwright cost diff {file}` compare the plan with the state it starts from",
        file = shape.source.display_path
    );
    shape.say_at(
        Diagnostic::info(format!(
            "the plan deletes {count} {noun} not in its planned state: {}{more}",
            shown.join(", ")
        )),
        starts.get(first).copied().unwrap_or_default(),
        Some(&help),
    );
}

/// Whether `.tf` files are beside the plan at `path`: its configuration,
/// read with it.
fn config_beside(path: &Path) -> bool {
    std::fs::read_dir(crate::load::directory_of(path))
        .map(|rd| {
            rd.flatten().any(|e| {
                e.path()
                    .extension()
                    .is_some_and(|x| x == "tf" || x == "tofu")
            })
        })
        .unwrap_or(false)
}

/// What the plan says of its checks (`check` blocks' assertions fail as
/// warnings and the plan is still made; a failing precondition would have
/// stopped it): each failing instance's problems, as Cloudwright says of
/// the conditions it evaluates in a configuration. A check Terraform could
/// not decide while planning (`unknown`) is not a failure.
fn note_failed_checks(json: &Json, path: &[Step], shape: &mut Shape<'_>) {
    let mut at = path.to_vec();
    at.push(Step::key("checks"));
    let Some(checks) = json.get("checks").and_then(Json::as_array) else {
        return;
    };
    let starts = locate::element_offsets(&shape.source.text, &at);
    for (i, check) in checks.iter().enumerate() {
        let place = starts.get(i).copied().unwrap_or_default();
        let kind = check.pointer("/address/kind").and_then(Json::as_str);
        let object = check
            .pointer("/address/to_display")
            .and_then(Json::as_str)
            .unwrap_or("a checkable object");
        for instance in check
            .get("instances")
            .and_then(Json::as_array)
            .into_iter()
            .flatten()
        {
            let status = instance.get("status").and_then(Json::as_str);
            if !matches!(status, Some("fail" | "error")) {
                continue;
            }
            let shown = instance
                .pointer("/address/to_display")
                .and_then(Json::as_str)
                .unwrap_or(object);
            let problems: Vec<&str> = instance
                .get("problems")
                .and_then(Json::as_array)
                .into_iter()
                .flatten()
                .filter_map(|p| p.get("message").and_then(Json::as_str))
                .collect();
            let messages = match problems.is_empty() {
                true => vec!["(the plan gives no message)"],
                false => problems,
            };
            for message in messages {
                let diagnostic = match kind {
                    Some("check") => Diagnostic::warning(format!(
                        "`{shown}`: an assertion fails (as the plan says): {message}"
                    )),
                    _ => Diagnostic::error(format!(
                        "`{shown}`: a condition fails (as the plan says): {message}"
                    )),
                };
                shape.say_at(diagnostic, place, None);
            }
        }
    }
}

/// The state a plan starts from (`prior_state`): the base of the change
/// the plan is. A plan with none starts from nothing (its first apply).
fn load_prior(json: &Json, path: &Path, shape: &mut Shape<'_>, out: &mut Loaded) {
    let regions = provider_regions(json);
    // the checks the state says fail, as the plan's are said, so that a
    // change review tells a check the change breaks from one already failing
    if let Some(prior) = json.get("prior_state").filter(|_| !config_beside(path)) {
        note_failed_checks(prior, &[Step::key("prior_state")], shape);
    }
    let Some(values) = json.pointer("/prior_state/values") else {
        return;
    };
    let mut resources = Vec::new();
    shape.values(
        values,
        vec![Step::key("prior_state"), Step::key("values")],
        Origin::State,
        &regions,
        |r, _| resources.push(r),
    );
    link_by_value(&mut resources);
    out.resources = resources;
}

fn load_state(json: &Json, shape: &mut Shape<'_>, out: &mut Loaded) {
    let regions = HashMap::new();
    let at = [Step::key("resources")];
    // (where each resource is, found in one walk; what is wrong inside one
    // is found from there)
    let starts = locate::element_offsets(&shape.source.text, &at);
    for (ri, r) in shape
        .list(json.get("resources"), &at, "the state's resources")
        .iter()
        .enumerate()
    {
        let start = starts.get(ri).copied().unwrap_or_default();
        let here = |shape: &Shape<'_>, rest: &[Step]| {
            locate::nearest_from(&shape.source.text, start, rest)
        };
        let module = r.get("module").and_then(Json::as_str).unwrap_or("");
        let mode = r.get("mode").and_then(Json::as_str).unwrap_or("managed");
        let (Some(t), Some(n)) = (
            r.get("type").and_then(Json::as_str),
            r.get("name").and_then(Json::as_str),
        ) else {
            shape.say_at(
                Diagnostic::error(
                    "a resource without a `type` and a `name`: its instances are not read",
                ),
                start,
                None,
            );
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
        let instances = match r.get("instances") {
            None | Some(Json::Null) => &[][..],
            Some(Json::Array(items)) => items,
            Some(other) => {
                let message = format!(
                    "`instances` of {base} is {}, not a list: its instances are not read",
                    json_kind(other)
                );
                let place = here(shape, &[Step::key("instances")]);
                shape.say_at(Diagnostic::error(message), place, None);
                &[][..]
            }
        };
        for (ii, inst) in instances.iter().enumerate() {
            let at = |shape: &Shape<'_>, rest: &[Step]| {
                let mut p = vec![Step::key("instances"), Step::Index(ii)];
                p.extend_from_slice(rest);
                here(shape, &p)
            };
            let key = inst.get("index_key");
            let address = match key {
                Some(Json::Number(i)) => format!("{base}[{i}]"),
                Some(Json::String(s)) => format!("{base}[{s:?}]"),
                None | Some(Json::Null) => base.clone(),
                Some(other) => {
                    let message = format!(
                        "an instance of {base} whose `index_key` is {}: a key is a number or a string, so the instance is not read",
                        json_kind(other)
                    );
                    let place = at(shape, &[Step::key("index_key")]);
                    shape.say_at(Diagnostic::error(message), place, None);
                    continue;
                }
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
            let mut resource = match resource_from_json(&synthetic, Origin::State, &regions) {
                Ok(resource) => resource,
                Err(why) => {
                    let place = at(shape, &[]);
                    let message = format!("an instance of {base} {why}: it is not read");
                    shape.say_at(Diagnostic::error(message), place, None);
                    continue;
                }
            };
            resource.module = module.into();
            // placed at its instance in the file
            resource.span = Some(shape.span(at(shape, &[])));
            // sensitive_attributes: [[{"type":"get_attr","value":"password"}], …];
            // the top-level attribute a path starts at is marked
            let sensitive = inst.get("sensitive_attributes");
            match sensitive {
                None | Some(Json::Null) => {}
                Some(Json::Array(paths)) => {
                    for p in paths {
                        let first = p
                            .as_array()
                            .and_then(|steps| steps.first())
                            .and_then(|s| s.get("value"))
                            .and_then(Json::as_str);
                        if let (Some(first), Value::Map(obj)) = (first, &resource.attributes) {
                            let mut fields = obj.to_fields();
                            if let Some(v) = fields.get(first).cloned() {
                                fields.insert(first.to_string(), v.sensitive());
                            }
                            resource.attributes = Value::map(fields);
                        }
                    }
                }
                // which attributes are secret is not known: none is printed
                Some(other) => {
                    let place = at(shape, &[Step::key("sensitive_attributes")]);
                    shape.say_at(
                        Diagnostic::warning(format!(
                            "`sensitive_attributes` of {address} is {}, not a list of paths: which of its attributes are sensitive is not known, so all of them are treated as sensitive",
                            json_kind(other)
                        )),
                        place,
                        None,
                    );
                    if let Value::Map(obj) = &resource.attributes {
                        let fields = obj.fields().map_values(|v| v.clone().sensitive());
                        resource.attributes = Value::map(fields);
                    }
                }
            }
            out.resources.push(resource);
        }
    }
    link_by_value(&mut out.resources);
}

/// The references of resources a plan or a state holds without the
/// expressions that made their values (a state; a plan's prior state; a
/// plan's resources its configuration section does not describe): where
/// Terraform wrote another resource's ID or ARN, the value is that
/// resource's (`subnet_id = "subnet-0a1b…"` is `aws_subnet.public`'s `id`),
/// so the engines link them as they link `aws_subnet.public.id` in a
/// configuration. An ARN, and an ID shaped as AWS makes them
/// (`sg-0123abcd`), are matched wherever they stand; an ID that is a name
/// (an IAM role's, a bucket's) only in an argument that takes one
/// (`role`, `bucket`, `*_id`, `*_name` …), so that a name that happens to
/// equal another is not a reference.
fn link_by_value(resources: &mut [Resource]) {
    // (read in place: no copy of a value, a path made only for a match)
    // (sized once: each doubling of a large table is fresh memory)
    let mut by_value: crate::eval::FastMap<&str, (usize, &'static str)> =
        crate::eval::FastMap::with_capacity_and_hasher(2 * resources.len(), Default::default());
    for (i, key, v) in identifiers(resources) {
        by_value.entry(v).or_insert((i, key));
    }
    if by_value.is_empty() {
        return;
    }
    let mut links: Vec<(usize, Reference)> = Vec::new();
    // (each target's address shared by the references to it, made once)
    let mut targets: Vec<Option<cloudwright_model::text::Shared>> = vec![None; resources.len()];
    for (i, r) in resources.iter().enumerate() {
        if !r.references.is_empty() {
            continue;
        }
        value_links(r, &|text| by_value.get(text).copied(), &mut |path,
                                                                  (
            target,
            key,
        )| {
            if target != i {
                links.push((
                    i,
                    Reference {
                        attribute: locate::text_of(path).into(),
                        target: targets[target]
                            .get_or_insert_with(|| resources[target].address.as_str().into())
                            .clone(),
                        target_attribute: Some(key.into()),
                    },
                ));
            }
        });
    }
    add_references(resources, links);
}

/// [`link_by_value`] across root modules: where a resource holds the ID or
/// ARN of a resource of another root — the state of an application layer
/// naming a subnet of the network layer's state (`subnet_id =
/// "subnet-0a1b…"`), or a configuration naming it — the value is a
/// reference to that resource (`network/terraform.tfstate//aws_subnet.public`,
/// as a Terragrunt dependency's output is), so exposure paths, escalation
/// and placement run from one layer into the other. A value two root
/// modules hold (a plan and the state it was made from, read together) is
/// not linked: it names a resource of each. Whether anything was linked.
pub fn link_across_roots(resources: &mut [Resource]) -> bool {
    // value → the resource, or `None` when resources of two roots hold it
    // (sized once, as in `link_by_value`)
    let mut by_value: crate::eval::FastMap<&str, Option<(usize, &'static str)>> =
        crate::eval::FastMap::with_capacity_and_hasher(2 * resources.len(), Default::default());
    for (i, key, v) in identifiers(resources) {
        match by_value.entry(v) {
            std::collections::hash_map::Entry::Vacant(e) => {
                e.insert(Some((i, key)));
            }
            std::collections::hash_map::Entry::Occupied(mut e) => {
                if e.get()
                    .is_some_and(|(j, _)| resources[j].root != resources[i].root)
                {
                    e.insert(None);
                }
            }
        }
    }
    // (every string of every resource looked up: in parallel; the few
    // found made references after)
    use rayon::prelude::*;
    let found: Vec<(usize, String, usize, &'static str)> = resources
        .par_iter()
        .enumerate()
        .flat_map_iter(|(i, r)| {
            let elsewhere = |text: &str| {
                by_value
                    .get(text)
                    .copied()
                    .flatten()
                    .filter(|&(j, _)| resources[j].root != r.root)
            };
            let mut found = Vec::new();
            value_links(r, &elsewhere, &mut |path, (target, key)| {
                found.push((i, locate::text_of(path), target, key));
            });
            found
        })
        .collect();
    let mut targets: Vec<Option<cloudwright_model::text::Shared>> = vec![None; resources.len()];
    let links: Vec<(usize, Reference)> = found
        .into_iter()
        .map(|(i, attribute, target, key)| {
            let address = targets[target].get_or_insert_with(|| {
                let t = &resources[target];
                cloudwright_model::text::concat([&t.root, "//", &t.address]).into()
            });
            let reference = Reference {
                attribute: attribute.into(),
                target: address.clone(),
                target_attribute: Some(key.into()),
            };
            (i, reference)
        })
        .collect();
    let linked = !links.is_empty();
    add_references(resources, links);
    linked
}

/// Each resource's own `id` and `arn`, where they are known and not empty.
fn identifiers(resources: &[Resource]) -> impl Iterator<Item = (usize, &'static str, &str)> {
    resources.iter().enumerate().flat_map(|(i, r)| {
        ["id", "arn"]
            .into_iter()
            .filter_map(move |key| match r.get_ref(key).map(Value::strip) {
                Some(Value::String(v)) if !v.is_empty() => Some((i, key, &**v)),
                _ => None,
            })
    })
}

/// Each string among `r`'s arguments (not its own `id`, `arn` or tags)
/// that `lookup` knows and that names what it equals: an ARN, an ID shaped
/// as AWS makes them, or any value of an argument that takes a name.
fn value_links<'r, T>(
    r: &'r Resource,
    lookup: &dyn Fn(&str) -> Option<T>,
    found: &mut dyn FnMut(&[Seg<'r>], T),
) {
    let Some(object) = r.attributes.as_object() else {
        return;
    };
    let mut path: Vec<Seg<'r>> = Vec::new();
    for (name, v) in object.fields().iter() {
        if matches!(name, "id" | "arn" | "tags" | "tags_all") {
            continue;
        }
        path.push(Seg::Key(name));
        strings_in(v, &mut path, &mut |path, text| {
            let Some(target) = lookup(text) else {
                return;
            };
            let leaf = path.iter().rev().find_map(|s| match s {
                Seg::Key(k) => Some(*k),
                Seg::Index(_) => None,
            });
            if text.starts_with("arn:") || generated_id(text) || leaf.is_some_and(takes_name) {
                found(path, target);
            }
        });
        path.pop();
    }
}

/// Adds each resource's new references to those it has, once each.
fn add_references(resources: &mut [Resource], links: Vec<(usize, Reference)>) {
    let mut touched = Vec::new();
    for (i, reference) in links {
        resources[i].references.push(reference);
        touched.push(i);
    }
    touched.dedup();
    for i in touched {
        let references = &mut resources[i].references;
        references.sort();
        references.dedup();
        references.shrink_to_fit();
    }
}

/// Each string in `v`, with the path to it.
fn strings_in<'v>(v: &'v Value, path: &mut Vec<Seg<'v>>, f: &mut dyn FnMut(&[Seg<'v>], &str)) {
    match v {
        Value::String(s) => f(path, s),
        Value::Sensitive(inner) => strings_in(inner, path, f),
        Value::List(items) => {
            for (i, item) in items.iter().enumerate() {
                path.push(Seg::Index(i));
                strings_in(item, path, f);
                path.pop();
            }
        }
        Value::Map(object) => {
            for (k, item) in object.fields().iter() {
                path.push(Seg::Key(k));
                strings_in(item, path, f);
                path.pop();
            }
        }
        _ => {}
    }
}

/// An ID as AWS generates them: a prefix, a dash and 8 to 17 hex digits
/// (`sg-0123abcd`, `subnet-0a1b2c3d4e5f67890`, `eipalloc-…`).
fn generated_id(text: &str) -> bool {
    let Some((prefix, hex)) = text.rsplit_once('-') else {
        return false;
    };
    !prefix.is_empty()
        && prefix
            .bytes()
            .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-')
        && (8..=17).contains(&hex.len())
        && hex
            .bytes()
            .all(|b| b.is_ascii_hexdigit() && !b.is_ascii_uppercase())
}

/// Whether an argument takes another resource by its ID or name.
fn takes_name(argument: &str) -> bool {
    matches!(
        argument,
        "role"
            | "roles"
            | "bucket"
            | "user"
            | "users"
            | "group"
            | "groups"
            | "iam_instance_profile"
            | "cluster"
            | "queue_url"
            | "topic"
            | "repository"
            | "security_groups"
            | "subnets"
    ) || ["_id", "_ids", "_name", "_names", "_arn", "_arns"]
        .iter()
        .any(|s| argument.ends_with(s))
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

/// A resource instance of a values representation, or why it is not one
/// (`without an "address"`).
fn resource_from_json(
    r: &Json,
    origin: Origin,
    regions: &HashMap<String, Value>,
) -> Result<Resource, String> {
    let text = |key: &str| match r.get(key) {
        Some(Json::String(s)) => Ok(s.clone()),
        Some(other) => Err(format!(
            "whose `{key}` is {}, not a string",
            json_kind(other)
        )),
        None => Err(format!("without `{key}`")),
    };
    if !r.is_object() {
        return Err(format!("that is {}, not an object", json_kind(r)));
    }
    let address = text("address")?;
    let mode = match r.get("mode").and_then(Json::as_str) {
        Some("data") => Mode::Data,
        _ => Mode::Managed,
    };
    let resource_type = text("type")?;
    let name = text("name")?;
    let index = match r.get("index") {
        Some(Json::Number(n)) => n.as_i64().map(InstanceKey::Int),
        Some(Json::String(s)) => Some(InstanceKey::Str(s.as_str().into())),
        None | Some(Json::Null) => None,
        Some(other) => {
            return Err(format!(
                "whose `index` is {}: a key is a number or a string",
                json_kind(other)
            ))
        }
    };
    match r.get("values") {
        None | Some(Json::Null | Json::Object(_)) => {}
        Some(other) => {
            return Err(format!(
                "whose `values` are {}, not an object of attributes",
                json_kind(other)
            ))
        }
    }
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
    Ok(Resource {
        address: address.into(),
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
            obj.fields()
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
                let mut fields = v.as_object().map(|o| o.to_fields()).unwrap_or_default();
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
                target_attribute: attr.map(cloudwright_model::text::Name::from),
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
