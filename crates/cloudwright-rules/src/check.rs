//! What rules share: three-valued access to attributes, companion resources,
//! security-group rules in every form Terraform writes them, and the report a
//! rule writes its findings to.

use crate::Rule;
use cloudwright_model::{Evidence, Finding, FindingData, Graph, Mode, Resource, Value};
use foldhash::{HashMap, HashMapExt};
use std::sync::{Arc, Mutex};

pub use cloudwright_model::Tri;

pub(crate) use cloudwright_model::tri::{classify, describe_unknown};

/// The value at a dotted path, unclassified: `None` when the path is not
/// there; an unknown value met on the way is returned as it is.
fn lookup(r: &Resource, path: &str) -> Option<Value> {
    lookup_segments(r, path.split('.'))
}

/// [`lookup`] over any sequence of segments.
fn lookup_segments<'p>(r: &Resource, segments: impl Iterator<Item = &'p str>) -> Option<Value> {
    let mut current = &r.attributes;
    for segment in segments {
        if current.is_unknown() {
            break;
        }
        current = match current.strip() {
            Value::List(items) => items.get(segment.parse::<usize>().ok()?)?,
            Value::Map(obj) => obj.fields().get(segment)?,
            _ => return None,
        };
    }
    Some(current.clone())
}

/// The value at a dotted path (`versioning.0.enabled`; list indices as numbers).
pub fn get(r: &Resource, path: &str) -> Tri<Value> {
    match lookup(r, path) {
        Some(v) => classify(v),
        None => Tri::Absent,
    }
}

/// A JSON document attribute (a policy, container definitions) as a
/// structured value: decoded from its text, or — when the text is unknown
/// only because values inside it are (`jsonencode`, or JSON text written
/// around them: [`Value::json_document`]) — its known structure with those
/// values unknown. Text that is not JSON is absent (the provider rejects it).
pub fn get_document(r: &Resource, path: &str) -> Tri<Value> {
    let Some(v) = lookup(r, path) else {
        return Tri::Absent;
    };
    if let Some(doc) = v.json_document() {
        return Tri::Known(doc.into_owned());
    }
    match v.strip() {
        Value::String(text) => match serde_json::from_str::<serde_json::Value>(text) {
            Ok(json) => Tri::Known(Value::from_json(&json)),
            Err(_) => Tri::Absent,
        },
        Value::Unknown(_) => Tri::Unknown(describe_unknown(&v)),
        Value::Null => Tri::Absent,
        // an object written where the provider expects JSON text
        _ => Tri::Known(v.strip().clone()),
    }
}

/// The statements of the policy document at `path` of `r`, decoded from
/// its text straight into statements (see [`get_document`]).
pub fn get_statements(r: &Resource, path: &str) -> Tri<Vec<cloudwright_iam::document::Statement>> {
    match lookup(r, path) {
        Some(v) => cloudwright_iam::document::attribute_statements(&v, || describe_unknown(&v)),
        None => Tri::Absent,
    }
}

/// Does `attribute` of `r` refer to another resource (directly or through
/// variables and module outputs)? Such a value is known only after apply,
/// but it is set: a resource's `id` or `arn` is never null.
pub fn refers(r: &Resource, attribute: &str) -> bool {
    r.references.iter().any(|x| {
        x.attribute == attribute
            || x.attribute
                .strip_prefix(attribute)
                .is_some_and(|rest| rest.starts_with(['.', '[']))
    })
}

/// Is the value the `arn` or `id` of a managed resource, known only after
/// apply (`aws_kms_key.trail.arn`)? Such a value is set — never null, never
/// empty — and names what it names: a key's ARN is not an alias of an AWS
/// managed key.
pub fn resource_identifier(v: &Value) -> bool {
    let Some(origin) = v.as_unknown().and_then(|u| u.origin()) else {
        return false;
    };
    cloudwright_model::value::is_resource_identifier(origin)
}

pub fn get_bool(r: &Resource, path: &str) -> Tri<bool> {
    get(r, path).boolean()
}

pub fn get_str(r: &Resource, path: &str) -> Tri<String> {
    get(r, path).string()
}

pub fn get_number(r: &Resource, path: &str) -> Tri<f64> {
    get(r, path).number()
}

/// Number of nested blocks (or list elements) at `path`.
pub fn count(r: &Resource, path: &str) -> Tri<usize> {
    match get(r, path) {
        Tri::Known(v) => Tri::Known(v.as_list().map_or(0, <[Value]>::len)),
        Tri::Absent => Tri::Known(0),
        Tri::Unknown(w) => Tri::Unknown(w),
    }
}

/// The environment a resource is tagged with (`environment`, `env` or
/// `stage` in its effective tags), lower-cased.
pub fn environment(r: &Resource) -> Tri<Option<String>> {
    tag(r, &["environment", "env", "stage"])
}

/// The value of the first of a resource's effective tags (`tags_all`, else
/// `tags`) whose key, lower-cased and without `-`, `_` and spaces, is one of
/// `keys`; lower-cased. `Known(None)` when no such tag is set.
pub fn tag(r: &Resource, keys: &[&str]) -> Tri<Option<String>> {
    let tags = match get(r, "tags_all") {
        Tri::Absent => get(r, "tags"),
        other => other,
    };
    let tags = match tags {
        Tri::Known(v) => v,
        Tri::Absent => return Tri::Known(None),
        Tri::Unknown(why) => return Tri::Unknown(why),
    };
    let Some(obj) = tags.as_object() else {
        return Tri::Known(None);
    };
    for (k, val) in obj.fields().iter() {
        let key = k.to_ascii_lowercase().replace(['-', '_', ' '], "");
        if keys.contains(&key.as_str()) {
            if val.is_unknown() {
                return Tri::Unknown(format!("tag `{k}` is {}", val.why_unknown()));
            }
            if let Some(s) = val.as_str() {
                return Tri::Known(Some(s.to_ascii_lowercase()));
            }
        }
    }
    Tri::Known(None)
}

/// Names production environments go by.
pub fn is_production_name(env: &str) -> bool {
    matches!(env, "prod" | "production" | "prd" | "live")
}

/// `ingress[2].cidr_blocks` → `ingress.2.cidr_blocks`.
pub fn dotted(path: &str) -> String {
    path.replace('[', ".").replace(']', "")
}

/// Companions of one type, indexed by the known value of their link
/// attribute (a bucket name), built once per (type, link) and shared by the
/// rules that run in parallel.
#[derive(Default)]
struct CompanionIndex<'g> {
    by_value: HashMap<String, Vec<&'g Resource>>,
    /// Per root module: the first companion whose link is unknown and names
    /// no resource.
    unresolved: HashMap<String, String>,
}

/// What rules read: the graph and helpers over it.
pub struct Context<'g> {
    pub graph: &'g Graph,
    companion_indexes: Mutex<HashMap<(String, String), Arc<CompanionIndex<'g>>>>,
    security_group_rules: std::sync::OnceLock<Vec<SecurityGroupRule<'g>>>,
    exposures: std::sync::OnceLock<Vec<cloudwright_network::exposure::Exposure>>,
    violations: std::sync::OnceLock<Vec<cloudwright_network::segment::Violation>>,
    design: std::sync::OnceLock<Vec<cloudwright_network::segment::Violation>>,
    iam: std::sync::OnceLock<Vec<cloudwright_iam::escalation::Analysis>>,
    resilience: std::sync::OnceLock<cloudwright_resilience::Report>,
    tagging: std::sync::OnceLock<crate::tagging::Tagging>,
    /// Indices (into `graph.modules`) of the root modules that manage
    /// resources, found once for the IaC rules.
    managing: std::sync::OnceLock<Vec<usize>>,
    /// Identity policy documents with their statements, decoded once for
    /// the IAM rules that read them.
    policy_documents: std::sync::OnceLock<Vec<crate::aws::iam::PolicyDocument<'g>>>,
    pub settings: crate::Settings,
}

impl<'g> Context<'g> {
    pub fn new(graph: &'g Graph) -> Self {
        Self::with_settings(graph, crate::Settings::default())
    }

    pub fn with_settings(graph: &'g Graph, settings: crate::Settings) -> Self {
        Context {
            graph,
            companion_indexes: Mutex::new(HashMap::new()),
            security_group_rules: std::sync::OnceLock::new(),
            exposures: std::sync::OnceLock::new(),
            violations: std::sync::OnceLock::new(),
            design: std::sync::OnceLock::new(),
            iam: std::sync::OnceLock::new(),
            resilience: std::sync::OnceLock::new(),
            tagging: std::sync::OnceLock::new(),
            managing: std::sync::OnceLock::new(),
            policy_documents: std::sync::OnceLock::new(),
            settings,
        }
    }

    /// Every identity policy document in the configuration, its statements
    /// decoded once per run (several IAM rules read each of them).
    pub(crate) fn policy_documents(&self) -> &[crate::aws::iam::PolicyDocument<'g>] {
        self.policy_documents
            .get_or_init(|| crate::aws::iam::policy_documents(self))
    }

    /// Computes the analyses `rules` read, each as a task of its own on the
    /// thread pool (they are independent of one another), so the rules
    /// that read them find them ready.
    pub fn prepare(&self, rules: &[&Rule]) {
        let wanted = |a: &Analysis| rules.iter().any(|r| Analysis::read_by(r).contains(a));
        let mut tasks: Vec<Analysis> = Analysis::ALL.into_iter().filter(wanted).collect();
        if tasks.contains(&Analysis::Segmentation) {
            // segmentation computes the exposure it reads
            tasks.retain(|a| *a != Analysis::Exposure);
        }
        rayon::scope(|s| {
            for analysis in tasks {
                s.spawn(move |_| self.compute(analysis));
            }
        });
    }

    /// Computes one analysis (each is kept in the context once computed).
    fn compute(&self, analysis: Analysis) {
        match analysis {
            Analysis::Exposure => {
                self.exposures();
            }
            Analysis::Segmentation => {
                self.segmentation();
            }
            Analysis::NetworkDesign => {
                self.network_design();
            }
            Analysis::Iam => {
                self.iam_analysis();
            }
            Analysis::SecurityGroups => {
                self.security_group_rules();
            }
            Analysis::Resilience => {
                self.resilience();
            }
            Analysis::Tagging => {
                self.tagging();
            }
        }
    }

    /// Every role and user: administrator or not, escalation paths (the
    /// IAM engine), computed once per run.
    pub fn iam_analysis(&self) -> &[cloudwright_iam::escalation::Analysis] {
        self.iam
            .get_or_init(|| cloudwright_iam::escalation::analyse(self.graph))
    }

    /// Root module instances that manage resources (plans and state files
    /// have no `terraform {}` block to judge), computed once per run.
    pub fn managing_roots(&self) -> Vec<&'g cloudwright_model::ModuleInstance> {
        let graph = self.graph;
        self.managing
            .get_or_init(|| crate::iac::managing_root_indices(graph))
            .iter()
            .map(|&i| &graph.modules[i])
            .collect()
    }

    /// AZ and region scenarios and data store recovery (the resilience
    /// engine), computed once per run.
    pub fn resilience(&self) -> &cloudwright_resilience::Report {
        self.resilience.get_or_init(|| {
            cloudwright_resilience::simulate_with(self.graph, &self.settings.resilience)
        })
    }

    /// Tagging coverage and every taggable resource's gaps against the
    /// required tags, computed once per run.
    pub fn tagging(&self) -> &crate::tagging::Tagging {
        self.tagging
            .get_or_init(|| crate::tagging::analyse(self.graph, &self.settings.tags))
    }

    /// The environment a resource belongs to (see [`crate::env`]).
    pub fn environment(&self, r: &Resource) -> Tri<Option<crate::env::Environment>> {
        crate::env::of(&self.settings.environments, r)
    }

    /// Findings of the network design checks (the network engine),
    /// computed once per run.
    pub fn network_design(&self) -> &[cloudwright_network::segment::Violation] {
        self.design.get_or_init(|| {
            cloudwright_network::design::checks(self.graph, &self.settings.segmentation)
        })
    }

    /// Violations of the segmentation policy (the network engine),
    /// computed once per run.
    pub fn segmentation(&self) -> &[cloudwright_network::segment::Violation] {
        self.violations.get_or_init(|| {
            cloudwright_network::segment::violations(
                self.graph,
                &self.settings.segmentation,
                self.exposures(),
            )
        })
    }

    /// What the internet can reach (the network engine), computed once per
    /// run and shared by the rules that read it.
    pub fn exposures(&self) -> &[cloudwright_network::exposure::Exposure] {
        self.exposures
            .get_or_init(|| cloudwright_network::exposure::internet_exposure(self.graph))
    }

    /// Managed resources of the given types (type by type, each in address order).
    pub fn resources<'a>(
        &'a self,
        types: &'a [&'a str],
    ) -> impl Iterator<Item = &'g Resource> + 'a {
        let graph = self.graph;
        types.iter().flat_map(move |t| graph.of_type(t))
    }

    fn companion_index(&self, companion_type: &str, link: &str) -> Arc<CompanionIndex<'g>> {
        let key = (companion_type.to_string(), link.to_string());
        if let Some(index) = self
            .companion_indexes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .get(&key)
        {
            return index.clone();
        }
        let mut index = CompanionIndex::default();
        for c in self.graph.of_type(companion_type) {
            match get(c, link) {
                Tri::Known(v) => {
                    if let Some(s) = v.as_str() {
                        index.by_value.entry(s.to_string()).or_default().push(c);
                    }
                }
                Tri::Unknown(why) => {
                    let points_elsewhere = c.references.iter().any(|x| x.attribute == link);
                    if !points_elsewhere {
                        index
                            .unresolved
                            .entry(c.root.to_string())
                            .or_insert_with(|| format!("{}.{link} is {why}", c.address));
                    }
                }
                Tri::Absent => {}
            }
        }
        let index = Arc::new(index);
        self.companion_indexes
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, index.clone());
        index
    }

    /// Companion resources of `companion_type` that point at `target` through
    /// `link` (e.g. the `aws_s3_bucket_versioning` whose `bucket` is this
    /// bucket): by reference, or by a known value equal to one of the
    /// target's `keys` attributes (a bucket's name). Unknown when a companion
    /// of that type points somewhere that cannot be resolved, so it might be
    /// this one.
    pub fn companions(
        &self,
        target: &Resource,
        companion_type: &str,
        link: &str,
        keys: &[&str],
    ) -> Tri<Vec<&'g Resource>> {
        let mut found: Vec<&'g Resource> = self
            .graph
            .referrers(target)
            .filter(|(c, attr)| {
                c.mode == Mode::Managed && c.resource_type == companion_type && *attr == link
            })
            .map(|(c, _)| c)
            .collect();
        let index = self.companion_index(companion_type, link);
        for k in keys {
            if let Tri::Known(value) = get_str(target, k) {
                for c in index.by_value.get(&value).into_iter().flatten() {
                    if c.root == target.root {
                        found.push(c);
                    }
                }
            }
        }
        found.sort_by(|a, b| a.address.cmp(&b.address));
        found.dedup_by(|a, b| a.address == b.address);
        if found.is_empty() {
            if let Some(why) = self.maybe_named(target, keys, &index.by_value) {
                return Tri::Unknown(why);
            }
        }
        match (found.is_empty(), index.unresolved.get(&*target.root)) {
            (true, Some(why)) => Tri::Unknown(why.clone()),
            _ => Tri::Known(found),
        }
    }

    /// Why a companion naming a resource by a literal name may name
    /// `target`, whose name the code does not determine: the name it gives
    /// is no other resource's of the same type in the root, and the
    /// target's name (known in part, perhaps) may be it.
    fn maybe_named(
        &self,
        target: &Resource,
        keys: &[&str],
        by_value: &HashMap<String, Vec<&'g Resource>>,
    ) -> Option<String> {
        let (key, why) = keys.iter().find_map(|k| match get_str(target, k) {
            Tri::Unknown(why) => Some((*k, why)),
            _ => None,
        })?;
        let own = target.get(key).unwrap_or_default();
        let taken = |name: &str| {
            self.graph.of_type(&target.resource_type).any(|t| {
                t.root == target.root
                    && keys
                        .iter()
                        .any(|k| matches!(get_str(t, k), Tri::Known(v) if v == name))
            })
        };
        let (name, c) = by_value
            .iter()
            .flat_map(|(name, cs)| cs.iter().map(move |c| (name, c)))
            .filter(|(_, c)| c.root == target.root)
            .find(|(name, _)| {
                own.equals(&Value::string(name.as_str())) != Some(false) && !taken(name)
            })?;
        Some(format!(
            "{} names `{name}`, which may be {} (its {key} is {why})",
            c.address, target.address
        ))
    }
}

impl<'g> Context<'g> {
    /// The resource of `target_type` that `r.attribute` points at: by a
    /// reference (`aws_redshift_parameter_group.main.name`), or by a known
    /// value equal to the target's `key` attribute (its name) in the same
    /// root module. `Known(None)` when the attribute is unset or names
    /// something outside the configuration; unknown when its value is
    /// known only after apply and no reference says where it comes from.
    pub fn referenced(
        &self,
        r: &Resource,
        attribute: &str,
        target_type: &str,
        key: &str,
    ) -> Tri<Option<&'g Resource>> {
        for reference in r.references.iter().filter(|x| x.attribute == attribute) {
            if let Some(t) = self.graph.resource_in(&r.root, &reference.target) {
                if t.resource_type == target_type && t.mode == Mode::Managed {
                    return Tri::Known(Some(t));
                }
            }
        }
        match get_str(r, attribute) {
            Tri::Known(value) => {
                let candidates = || {
                    self.graph
                        .of_type(target_type)
                        .filter(|t| t.root == r.root && t.mode == Mode::Managed)
                };
                if let Some(t) =
                    candidates().find(|t| matches!(get_str(t, key), Tri::Known(k) if k == value))
                {
                    return Tri::Known(Some(t));
                }
                // one whose name the code does not determine may be it (a
                // name known in part rules out the names it cannot be)
                let named = cloudwright_model::Value::string(value.as_str());
                match candidates().find_map(|t| match get_str(t, key) {
                    Tri::Unknown(why)
                        if t.get(key).unwrap_or_default().equals(&named) != Some(false) =>
                    {
                        Some((t, why))
                    }
                    _ => None,
                }) {
                    Some((t, why)) => Tri::Unknown(format!(
                        "{}.{attribute} names `{value}`, which may be {} (its {key} is {why})",
                        r.address, t.address
                    )),
                    None => Tri::Known(None),
                }
            }
            Tri::Absent => Tri::Known(None),
            Tri::Unknown(why) => Tri::Unknown(why),
        }
    }
}

/// Where a rule writes its results.
pub struct Report {
    pub rule: &'static Rule,
    pub findings: Findings,
    /// (resource address, why the check could not be decided)
    pub unknown: Vec<(String, String)>,
    /// Resources the rule inspected (by identity: addresses repeat across
    /// root modules).
    pub checked: Vec<usize>,
}

/// A rule's findings, in the order it reported them. Each slot is taken
/// exactly once when the findings of all rules are merged into one sorted
/// list ([`crate::run_in`]).
#[derive(Debug, Default)]
pub struct Findings {
    slots: Vec<Option<Finding>>,
}

impl Findings {
    /// Adds a finding and returns it for the rule to complete.
    pub fn push(&mut self, finding: FindingData) -> &mut Finding {
        self.slots.push(None);
        let last = self.slots.len() - 1;
        self.slots[last].insert(finding.into())
    }

    pub fn len(&self) -> usize {
        self.iter().count()
    }

    pub fn is_empty(&self) -> bool {
        self.iter().next().is_none()
    }

    pub fn iter(&self) -> impl Iterator<Item = &Finding> {
        self.slots.iter().flatten()
    }

    /// The slots, for the merge to take each finding out of.
    pub(crate) fn slots_mut(&mut self) -> impl Iterator<Item = &mut Option<Finding>> {
        self.slots.iter_mut()
    }
}

impl Report {
    pub fn new(rule: &'static Rule) -> Report {
        Report {
            rule,
            findings: Findings::default(),
            unknown: Vec::new(),
            checked: Vec::new(),
        }
    }

    /// Records that `r` was inspected.
    pub fn checked(&mut self, r: &Resource) {
        self.checked.push(r as *const Resource as usize);
    }

    /// A definite failure on `attribute` of `r` (`""` for the whole resource).
    /// The finding points at the attribute when it is set, else at the block;
    /// the attribute's value and provenance are its evidence.
    pub fn fail(
        &mut self,
        r: &Resource,
        attribute: &str,
        message: impl Into<cloudwright_model::Message>,
    ) -> &mut Finding {
        let mut evidence = Vec::new();
        if !attribute.is_empty() {
            // `ingress[0].cidr_blocks` read as `ingress.0.cidr_blocks`,
            // without building that string for every finding
            let segments = attribute
                .split(['.', '['])
                .map(|s| s.strip_suffix(']').unwrap_or(s));
            if let Some(Tri::Known(value)) = lookup_segments(r, segments).map(classify) {
                let top = attribute.split(['.', '[']).next().unwrap_or(attribute);
                evidence.push(Evidence {
                    attribute: attribute.to_string(),
                    value,
                    provenance: r.provenance.get(top).cloned().unwrap_or_default(),
                });
            }
        }
        self.findings.push(FindingData {
            rule_id: self.rule.id,
            severity: self.rule.severity,
            title: self.rule.title,
            message: message.into(),
            resource: r.address.to_string(),
            root: r.root.as_ref().into(),
            resource_type: r.resource_type.as_str().into(),
            attribute: attribute.into(),
            span: if attribute.is_empty() {
                r.span
            } else {
                r.span_of(attribute)
            },
            related: Vec::new(),
            evidence,
            remediation: self.rule.remediation,
        })
    }

    /// A failure on something that is not a resource (a provider block).
    pub fn fail_at(
        &mut self,
        root: &str,
        address: &str,
        kind: &str,
        attribute: &str,
        span: Option<cloudwright_model::Span>,
        message: impl Into<cloudwright_model::Message>,
    ) -> &mut Finding {
        self.findings.push(FindingData {
            rule_id: self.rule.id,
            severity: self.rule.severity,
            title: self.rule.title,
            message: message.into(),
            resource: address.to_string(),
            root: root.into(),
            resource_type: kind.into(),
            attribute: attribute.into(),
            span,
            related: Vec::new(),
            evidence: Vec::new(),
            remediation: self.rule.remediation,
        })
    }

    /// The check could not be decided for `r`.
    pub fn unknown(&mut self, r: &Resource, why: impl Into<String>) {
        self.unknown.push((r.address.to_string(), why.into()));
    }

    /// The check could not be decided for something that is not a
    /// resource (a backend, a module call).
    pub fn unknown_at(&mut self, address: &str, why: impl Into<String>) {
        self.unknown.push((address.to_string(), why.into()));
    }
}

/// One ingress or egress permission of a security group, whichever of the
/// three Terraform forms declared it.
#[derive(Debug, Clone)]
pub struct SecurityGroupRule<'g> {
    /// The resource that declares it (the group for inline rules).
    pub resource: &'g Resource,
    /// Attribute path of an inline rule (`ingress[2]`), `""` for a rule resource.
    pub path: String,
    pub ingress: bool,
    /// `Known(None)` means all protocols (`-1`).
    pub protocol: Tri<Option<String>>,
    pub from_port: Tri<i64>,
    pub to_port: Tri<i64>,
    /// IPv4 and IPv6 CIDR sources (or destinations for egress).
    pub cidrs: Tri<Vec<String>>,
    pub description: Tri<String>,
}

impl SecurityGroupRule<'_> {
    /// Does the rule cover `port` (for TCP or UDP)? Three-valued.
    pub fn covers_port(&self, port: i64) -> Tri<bool> {
        match &self.protocol {
            Tri::Known(None) => return Tri::Known(true),
            Tri::Known(Some(p)) if !matches!(p.as_str(), "tcp" | "udp" | "6" | "17") => {
                return Tri::Known(false)
            }
            Tri::Unknown(w) => return Tri::Unknown(w.clone()),
            _ => {}
        }
        match (&self.from_port, &self.to_port) {
            (Tri::Known(from), Tri::Known(to)) => Tri::Known(*from <= port && port <= *to),
            (Tri::Unknown(w), _) | (_, Tri::Unknown(w)) => Tri::Unknown(w.clone()),
            _ => Tri::Known(false),
        }
    }

    /// Does the rule open every port (protocol `-1`, or TCP 0–65535)?
    pub fn all_ports(&self) -> Tri<bool> {
        match &self.protocol {
            Tri::Known(None) => Tri::Known(true),
            Tri::Unknown(w) => Tri::Unknown(w.clone()),
            _ => match (&self.from_port, &self.to_port) {
                (Tri::Known(from), Tri::Known(to)) => Tri::Known(*from <= 0 && *to >= 65535),
                (Tri::Unknown(w), _) | (_, Tri::Unknown(w)) => Tri::Unknown(w.clone()),
                _ => Tri::Known(false),
            },
        }
    }

    /// Is any source the whole internet (`0.0.0.0/0` or `::/0`)? Returns the
    /// world-open CIDR found.
    pub fn world_open(&self) -> Tri<Option<String>> {
        match &self.cidrs {
            Tri::Known(list) => Tri::Known(list.iter().find(|c| is_world(c)).cloned()),
            Tri::Absent => Tri::Known(None),
            Tri::Unknown(w) => Tri::Unknown(w.clone()),
        }
    }

    /// Where a finding about this rule points: its resource and attribute.
    pub fn attribute(&self, field: &str) -> String {
        if self.path.is_empty() {
            field.to_string()
        } else if field.is_empty() {
            self.path.clone()
        } else {
            format!("{}.{field}", self.path)
        }
    }
}

/// `0.0.0.0/0` or `::/0` (any prefix of length zero).
pub fn is_world(cidr: &str) -> bool {
    let cidr = cidr.trim();
    // a prefix length of zero is written with zeros only: most CIDRs are
    // told apart by their last characters, without parsing the address
    let zero_prefix = cidr
        .rsplit_once('/')
        .is_some_and(|(_, len)| !len.is_empty() && len.bytes().all(|b| b == b'0'));
    zero_prefix
        && cidr
            .parse::<ipnet::IpNet>()
            .is_ok_and(|n| n.prefix_len() == 0)
}

/// A field of a nested-block object, three-valued.
fn field(block: &Value, name: &str) -> Tri<Value> {
    match block.as_object().and_then(|o| o.fields().get(name)) {
        None => Tri::Absent,
        Some(v) => classify(v.clone()),
    }
}

fn normalize_protocol(v: Tri<String>) -> Tri<Option<String>> {
    v.map(|mut p| {
        p.make_ascii_lowercase();
        if p == "-1" || p == "all" {
            None
        } else {
            Some(p)
        }
    })
}

fn strings_at(r: &Resource, path: &str) -> Tri<Vec<String>> {
    get(r, path).strings()
}

fn join_cidrs(a: Tri<Vec<String>>, b: Tri<Vec<String>>) -> Tri<Vec<String>> {
    match (a, b) {
        (Tri::Unknown(w), _) | (_, Tri::Unknown(w)) => Tri::Unknown(w),
        (Tri::Known(mut x), Tri::Known(y)) => {
            x.extend(y);
            Tri::Known(x)
        }
        (Tri::Known(x), Tri::Absent) | (Tri::Absent, Tri::Known(x)) => Tri::Known(x),
        (Tri::Absent, Tri::Absent) => Tri::Absent,
    }
}

fn port(r: &Resource, path: &str) -> Tri<i64> {
    get_number(r, path).map(|n| n as i64)
}

impl<'g> Context<'g> {
    /// Every security-group rule in the configuration: inline `ingress` /
    /// `egress` blocks, `aws_security_group_rule`, and
    /// `aws_vpc_security_group_ingress_rule` / `_egress_rule`. Built once per
    /// run and shared by the rules that read it.
    pub fn security_group_rules(&self) -> &[SecurityGroupRule<'g>] {
        self.security_group_rules
            .get_or_init(|| self.collect_security_group_rules())
    }

    fn collect_security_group_rules(&self) -> Vec<SecurityGroupRule<'g>> {
        // sized once: on a large tree this is 100k+ rules, and growing the
        // vector copies them into fresh memory again and again
        let groups = ["aws_security_group", "aws_default_security_group"];
        let blocks: usize = self
            .resources(&groups)
            .map(|r| {
                ["ingress", "egress"]
                    .iter()
                    .map(|kind| {
                        r.get_ref(kind)
                            .and_then(Value::as_list)
                            .map_or(1, <[Value]>::len)
                    })
                    .sum::<usize>()
            })
            .sum();
        let rule_resources: usize = [
            "aws_security_group_rule",
            "aws_vpc_security_group_ingress_rule",
            "aws_vpc_security_group_egress_rule",
        ]
        .iter()
        .map(|t| self.graph.of_type(t).count())
        .sum();
        let mut out = Vec::with_capacity(blocks + rule_resources);
        for r in self
            .graph
            .resources
            .iter()
            .filter(|r| r.mode == Mode::Managed)
        {
            match r.resource_type.as_str() {
                "aws_security_group" | "aws_default_security_group" => {
                    for (kind, ingress) in [("ingress", true), ("egress", false)] {
                        let value = get(r, kind);
                        let blocks: &[Value] = match &value {
                            Tri::Known(v) => v.as_list().unwrap_or_default(),
                            Tri::Absent => &[],
                            // a dynamic block over an unknown collection: the
                            // rules themselves are unknown
                            Tri::Unknown(why) => {
                                let why = format!("`{kind}` blocks are {why}");
                                out.push(SecurityGroupRule {
                                    resource: r,
                                    path: kind.to_string(),
                                    ingress,
                                    protocol: Tri::Unknown(why.clone()),
                                    from_port: Tri::Unknown(String::new()),
                                    to_port: Tri::Unknown(String::new()),
                                    cidrs: Tri::Unknown(why.clone()),
                                    description: Tri::Unknown(why),
                                });
                                continue;
                            }
                        };
                        for (i, block) in blocks.iter().enumerate() {
                            out.push(SecurityGroupRule {
                                resource: r,
                                path: cloudwright_model::text::indexed([kind], i),
                                ingress,
                                protocol: normalize_protocol(field(block, "protocol").string()),
                                from_port: field(block, "from_port").number().map(|n| n as i64),
                                to_port: field(block, "to_port").number().map(|n| n as i64),
                                cidrs: join_cidrs(
                                    field(block, "cidr_blocks").strings(),
                                    field(block, "ipv6_cidr_blocks").strings(),
                                ),
                                description: field(block, "description").string(),
                            });
                        }
                    }
                }
                "aws_security_group_rule" => {
                    let ingress = match get_str(r, "type") {
                        Tri::Known(t) => t == "ingress",
                        Tri::Absent => continue,
                        // either direction: undecidable as both
                        Tri::Unknown(why) => {
                            let why = format!("`type` is {why}");
                            for ingress in [true, false] {
                                out.push(SecurityGroupRule {
                                    resource: r,
                                    path: String::new(),
                                    ingress,
                                    protocol: Tri::Unknown(why.clone()),
                                    from_port: Tri::Unknown(String::new()),
                                    to_port: Tri::Unknown(String::new()),
                                    cidrs: Tri::Unknown(why.clone()),
                                    description: get_str(r, "description"),
                                });
                            }
                            continue;
                        }
                    };
                    out.push(SecurityGroupRule {
                        resource: r,
                        path: String::new(),
                        ingress,
                        protocol: normalize_protocol(get_str(r, "protocol")),
                        from_port: port(r, "from_port"),
                        to_port: port(r, "to_port"),
                        cidrs: join_cidrs(
                            strings_at(r, "cidr_blocks"),
                            strings_at(r, "ipv6_cidr_blocks"),
                        ),
                        description: get_str(r, "description"),
                    });
                }
                "aws_vpc_security_group_ingress_rule" | "aws_vpc_security_group_egress_rule" => {
                    let single = |attr: &str| match get_str(r, attr) {
                        Tri::Known(s) => Tri::Known(vec![s]),
                        Tri::Absent => Tri::Absent,
                        Tri::Unknown(w) => Tri::Unknown(w),
                    };
                    out.push(SecurityGroupRule {
                        resource: r,
                        path: String::new(),
                        ingress: r.resource_type.ends_with("ingress_rule"),
                        protocol: normalize_protocol(get_str(r, "ip_protocol")),
                        from_port: port(r, "from_port"),
                        to_port: port(r, "to_port"),
                        cidrs: join_cidrs(single("cidr_ipv4"), single("cidr_ipv6")),
                        description: get_str(r, "description"),
                    });
                }
                _ => {}
            }
        }
        out
    }
}

impl<'g> Context<'g> {
    /// Is `target` protected by a WAFv2 web ACL through an
    /// `aws_wafv2_web_acl_association` (or a WAF Classic regional
    /// association) whose `resource_arn` is the target's ARN?
    pub fn waf_associated(&self, target: &Resource) -> Tri<bool> {
        let mut undecided = None;
        for kind in [
            "aws_wafv2_web_acl_association",
            "aws_wafregional_web_acl_association",
        ] {
            match self.companions(target, kind, "resource_arn", &["arn"]) {
                Tri::Known(list) if !list.is_empty() => return Tri::Known(true),
                Tri::Unknown(why) => {
                    undecided.get_or_insert(why);
                }
                _ => {}
            }
        }
        undecided.map_or(Tri::Known(false), Tri::Unknown)
    }
}

/// An analysis computed once per run and shared by the rules that read it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Analysis {
    /// What the internet can reach ([`Context::exposures`]).
    Exposure,
    /// Segmentation policy violations ([`Context::segmentation`]).
    Segmentation,
    /// Network design checks ([`Context::network_design`]).
    NetworkDesign,
    /// IAM escalation ([`Context::iam_analysis`]).
    Iam,
    /// Normalised security-group rules ([`Context::security_group_rules`]).
    SecurityGroups,
    /// Outage scenarios and recovery ([`Context::resilience`]).
    Resilience,
    /// Tagging coverage and gaps ([`Context::tagging`]).
    Tagging,
}

impl Analysis {
    /// Every analysis.
    pub const ALL: [Analysis; 7] = [
        Analysis::Exposure,
        Analysis::Segmentation,
        Analysis::NetworkDesign,
        Analysis::Iam,
        Analysis::SecurityGroups,
        Analysis::Resilience,
        Analysis::Tagging,
    ];

    /// The analyses a rule reads (none for a rule that looks at one
    /// resource and its companions at a time).
    pub fn read_by(rule: &Rule) -> &'static [Analysis] {
        use Analysis::*;
        const READERS: &[(&str, &[Analysis])] = &[
            ("CW-AWS-NET-", &[Exposure, Segmentation, NetworkDesign]),
            ("CW-AWS-VPC-005", &[Segmentation, NetworkDesign]),
            ("CW-AWS-IAM-013", &[Iam]),
            ("CW-AWS-IAM-014", &[Iam]),
            ("CW-AWS-RES-00", &[Resilience]),
            ("CW-AWS-SG-", &[SecurityGroups]),
            ("CW-TF-TAG-001", &[Tagging]),
        ];
        READERS
            .iter()
            .find(|(prefix, _)| rule.id.starts_with(prefix))
            .map_or(&[], |(_, read)| read)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn world_cidrs() {
        assert!(is_world("0.0.0.0/0"));
        assert!(is_world("::/0"));
        assert!(!is_world("0.0.0.0/1"));
        assert!(!is_world("10.0.0.0/8"));
        assert!(!is_world("not a cidr"));
        assert!(is_world(" 0.0.0.0/0 "));
        assert!(is_world("10.1.2.3/0"));
        assert!(!is_world("0.0.0.0/10"));
        assert!(!is_world("0.0.0.0/"));
        assert!(!is_world("/0"));
        // every string the parser reads as a zero-length prefix still is one
        for cidr in ["0.0.0.0/00", "::/00", "0.0.0.0/000", "0.0.0.0/+0"] {
            let parsed = cidr
                .parse::<ipnet::IpNet>()
                .is_ok_and(|n| n.prefix_len() == 0);
            assert_eq!(is_world(cidr), parsed, "{cidr}");
        }
    }
}
