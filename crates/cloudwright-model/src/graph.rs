//! The evaluated model: resources, their references, module facts, sources
//! and the diagnostics of the load. One `Graph` per load; every engine reads it.

use crate::diagnostic::Diagnostic;
use crate::resource::{Mode, Resource, VariableOrigin};
use crate::source::{SourceMap, Span};
use crate::text::Shared;
use crate::value::Value;
use foldhash::{HashMap, HashMapExt};
use rayon::prelude::*;
use std::sync::Arc;

/// The `terraform {}` settings of a module.
#[derive(Clone, Debug, Default)]
pub struct TerraformSettings {
    pub required_version: Option<(String, Span)>,
    pub backend: Option<Backend>,
    pub required_providers: Vec<RequiredProvider>,
    /// A `cloud {}` block (HCP Terraform / Terraform Enterprise) was configured.
    pub cloud: Option<Span>,
    /// That block's evaluated arguments (`organization`, `hostname`,
    /// `workspaces` as a list of one object), closed.
    pub cloud_config: Option<Value>,
    /// OpenTofu's client-side state encryption: an `encryption` block whose
    /// `state` block names a `method` (the state is encrypted before any
    /// backend stores it). Where that `state` block is.
    pub state_encryption: Option<Span>,
}

impl TerraformSettings {
    /// The settings of a module without a `terraform {}` block: none, one
    /// copy shared by all such module instances.
    pub fn none() -> Arc<TerraformSettings> {
        static NONE: std::sync::LazyLock<Arc<TerraformSettings>> =
            std::sync::LazyLock::new(Default::default);
        NONE.clone()
    }
}

#[derive(Clone, Debug)]
pub struct Backend {
    /// `s3`, `local`, `remote`, …
    pub kind: String,
    pub config: Value,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct RequiredProvider {
    pub name: String,
    pub source: Option<String>,
    pub version: Option<String>,
    pub span: Span,
}

/// A `provider` block.
#[derive(Clone, Debug)]
pub struct ProviderConfig {
    pub name: String,
    pub alias: Option<String>,
    /// Evaluated arguments (`region`, `default_tags`, …).
    pub attributes: Value,
    pub span: Span,
}

/// A `module` block as written.
#[derive(Clone, Debug)]
pub struct ModuleCall {
    pub name: String,
    pub source: String,
    pub version: Option<String>,
    pub span: Span,
    /// Directory the call resolved to (display path), when it was found.
    pub resolved_dir: Option<String>,
}

#[derive(Clone, Debug)]
pub struct VariableInfo {
    pub name: Arc<str>,
    pub value: Value,
    pub set_by: VariableOrigin,
    pub sensitive: bool,
    pub span: Span,
}

/// A local value of a module instance, as evaluated.
#[derive(Clone, Debug)]
pub struct LocalInfo {
    pub name: String,
    pub value: Value,
    pub span: Span,
}

#[derive(Clone, Debug)]
pub struct OutputInfo {
    pub name: Arc<str>,
    pub value: Value,
    pub sensitive: bool,
    pub span: Span,
}

/// One evaluated module instance (the root module has address `""`).
#[derive(Clone, Debug, Default)]
pub struct ModuleInstance {
    pub address: String,
    /// Directory of the module's files, as displayed.
    pub dir: String,
    /// Address of the root module directory this instance was loaded under.
    pub root_dir: String,
    /// Shared: a few hundred bytes that only the instances of modules with
    /// a `terraform {}` block fill; the others hold [`TerraformSettings::none`].
    pub terraform: Arc<TerraformSettings>,
    pub providers: Vec<ProviderConfig>,
    pub module_calls: Vec<ModuleCall>,
    pub variables: Vec<VariableInfo>,
    /// Its local values: kept only when the load is asked to
    /// (`LoadOptions::keep_locals`, for `resources --values`); empty
    /// otherwise, as no engine reads them.
    pub locals: Vec<LocalInfo>,
    pub outputs: Vec<OutputInfo>,
    /// `moved` blocks: objects this configuration calls by a new address.
    pub moves: Vec<Move>,
    /// `import` blocks and `removed` blocks that keep the object: objects
    /// whose existence the configuration does not change, only whether
    /// Terraform manages them.
    pub handovers: Vec<Handover>,
    /// Parts of the module's files could not be read (syntax errors,
    /// reported): objects it declares there are missing from the model,
    /// not gone.
    pub partial: bool,
    /// For the root module of a Terragrunt unit: its `terraform { source }`
    /// as Terragrunt reads it, and where that is set.
    pub terragrunt_source: Option<(String, Span)>,
    /// For a root module: where its backend (or `cloud` block) keeps its
    /// state in the workspace it is evaluated in ([`crate::state::place`]),
    /// when the configuration — or, for a backend configured in part,
    /// what `terraform init` recorded — says it in full.
    pub state: Option<String>,
    /// For the root module of a Terraform Stacks deployment: the
    /// deployment's name and where its `deployment` block is (HCP
    /// Terraform keeps each deployment's state, apart from the others').
    pub stack_deployment: Option<(String, Span)>,
}

/// An object Terraform starts or stops managing without creating or
/// destroying it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Handover {
    /// Absolute address of a resource, an instance or a module call.
    pub address: String,
    pub kind: HandoverKind,
    pub span: Span,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum HandoverKind {
    /// `import { to = … }`: an existing object taken under management.
    Import,
    /// `removed { from = …  lifecycle { destroy = false } }`: left running,
    /// no longer managed.
    Release,
}

impl Handover {
    /// Whether the object at `address` is this one or inside it.
    pub fn covers(&self, address: &str) -> bool {
        rename(address, &self.address, &self.address).is_some()
    }
}

/// A `moved { from = …  to = … }` block, its addresses absolute (the module
/// instance's address prefixed): a resource (`aws_instance.a`, all of its
/// instances), one instance (`aws_instance.a[0]`) or a module call
/// (`module.old`, everything in it).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Move {
    pub from: String,
    pub to: String,
    pub span: Span,
}

impl Move {
    /// `address` as this move renames it: the object moved, or an object
    /// inside it (an instance of a moved resource, a resource of a moved
    /// module); `None` when the move does not concern it.
    pub fn apply(&self, address: &str) -> Option<String> {
        rename(address, &self.from, &self.to)
    }

    /// The address `address` had before this move (the move undone).
    pub fn undo(&self, address: &str) -> Option<String> {
        rename(address, &self.to, &self.from)
    }
}

/// `address` with the object `from` (or the object it is inside) called `to`.
fn rename(address: &str, from: &str, to: &str) -> Option<String> {
    let rest = address.strip_prefix(from)?;
    let inside = rest.is_empty() || rest.starts_with('.') || rest.starts_with('[');
    // `aws_instance.a[0]` moved says nothing of `aws_instance.a[1]`;
    // `aws_instance.a` moved does not move `aws_instance.ab`
    (inside && !(rest.starts_with('[') && from.ends_with(']'))).then(|| format!("{to}{rest}"))
}

/// `address` after every move of a configuration, followed as Terraform
/// follows them (a chain `a → b`, `b → c` takes `a` to `c`; a cycle stops).
pub fn moved_address(moves: &[Move], address: &str) -> String {
    let mut current = address.to_string();
    for _ in 0..=moves.len() {
        match moves.iter().find_map(|m| m.apply(&current)) {
            Some(next) if next != current => current = next,
            _ => break,
        }
    }
    current
}

/// The addresses the object at `address` had before the moves, latest
/// first (`c` after `a → b`, `b → c`: `b`, then `a`).
pub fn earlier_addresses(moves: &[Move], address: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = address.to_string();
    for _ in 0..moves.len() {
        match moves.iter().find_map(|m| m.undo(&current)) {
            Some(before) if before != address && !out.contains(&before) => {
                out.push(before.clone());
                current = before;
            }
            _ => break,
        }
    }
    out
}

/// One root module's resources by address, each found by its address's
/// hash and checked against the resource's own: no copy of the addresses
/// (an index keyed by them held one string per resource).
#[derive(Debug)]
struct Addresses {
    by_hash: HashMap<u64, usize>,
    /// The addresses whose hash an earlier address of the root has (two
    /// strings of one 64-bit hash: as good as never, but not never).
    collided: HashMap<Arc<str>, usize>,
}

impl Addresses {
    /// The index of the resources at `run` (the first resource at an address
    /// wins, as it did).
    fn new(resources: &[Resource], run: std::ops::Range<usize>) -> Addresses {
        Addresses::hashed_by(address_hash, resources, run)
    }

    /// [`Addresses::new`] with another hash (the tests' colliding one).
    fn hashed_by(
        hash: impl Fn(&str) -> u64,
        resources: &[Resource],
        run: std::ops::Range<usize>,
    ) -> Addresses {
        let mut index = Addresses {
            by_hash: HashMap::with_capacity(run.len()),
            collided: HashMap::new(),
        };
        for i in run {
            let address = resources[i].address.as_str();
            match index.by_hash.entry(hash(address)) {
                std::collections::hash_map::Entry::Vacant(slot) => {
                    slot.insert(i);
                }
                std::collections::hash_map::Entry::Occupied(first) => {
                    if resources[*first.get()].address != address {
                        index.collided.entry(address.into()).or_insert(i);
                    }
                }
            }
        }
        index
    }

    fn find(&self, resources: &[Resource], address: &str) -> Option<usize> {
        self.find_hashed(address_hash(address), resources, address)
    }

    /// [`Addresses::find`] given the address's hash, as the index was built
    /// with.
    fn find_hashed(&self, hash: u64, resources: &[Resource], address: &str) -> Option<usize> {
        match self.by_hash.get(&hash) {
            Some(&i) if resources[i].address == address => Some(i),
            _ => self.collided.get(address).copied(),
        }
    }
}

/// An address's hash for [`Addresses`]: the same for one text throughout
/// the process.
fn address_hash(address: &str) -> u64 {
    use std::hash::BuildHasher;
    foldhash::fast::FixedState::with_seed(0x5eed).hash_one(address)
}

/// (root module, address): what identifies a resource across root modules.
/// Root module → address → value, looked up by a `(&str, &str)` pair
/// without building an owned key (the engines ask millions of times).
#[derive(Debug)]
struct ByRoot<V>(HashMap<Shared, HashMap<Shared, V>>);

impl<V> Default for ByRoot<V> {
    fn default() -> Self {
        ByRoot(HashMap::new())
    }
}

impl<V> ByRoot<V> {
    fn get(&self, root: &str, address: &str) -> Option<&V> {
        self.0.get(root)?.get(address)
    }
}

/// The evaluated infrastructure of one load.
#[derive(Debug, Default)]
pub struct Graph {
    /// Unique to this graph in the process (0 for an empty default graph):
    /// what engines key per-run memos by, where an address could be reused.
    id: u64,
    pub resources: Vec<Resource>,
    pub modules: Vec<ModuleInstance>,
    pub sources: SourceMap,
    pub diagnostics: Vec<Diagnostic>,
    /// (root, address) → index
    by_address: HashMap<Shared, Addresses>,
    /// resource type → indices (managed and data)
    by_type: HashMap<Shared, Vec<usize>>,
    /// (root, target instance or block address) → (referrer index, reference index)
    referrers: ByRoot<Vec<(usize, usize)>>,
}

impl Graph {
    /// Builds the indexes; call once after all resources are in place,
    /// with their references complete ([`link_unknown_origins`]).
    pub fn new(
        resources: Vec<Resource>,
        modules: Vec<ModuleInstance>,
        sources: SourceMap,
        diagnostics: Vec<Diagnostic>,
    ) -> Graph {
        Graph::with_foreign_references(resources, modules, sources, diagnostics, false)
    }

    /// [`Graph::new`] for resources some of whose references name another
    /// root's resources (`root//address`, [`link_foreign_origins`]): those
    /// are indexed under that root.
    pub fn with_foreign_references(
        mut resources: Vec<Resource>,
        modules: Vec<ModuleInstance>,
        sources: SourceMap,
        mut diagnostics: Vec<Diagnostic>,
        foreign: bool,
    ) -> Graph {
        // Unstable sort: it needs no scratch copy of the resources (the
        // largest vector of the load) and is deterministic for a given input
        // (no two resources share a root and an address). Loaders that
        // sort each part (the Terraform loader sorts each root's resources
        // in the task that evaluated them) hand over runs already in order,
        // which the sort only checks.
        resources.par_sort_unstable_by(Resource::canonical_order);
        diagnostics.sort_by_key(|d| d.sort_key(&sources));
        // (one file read for two scanned paths — the Terragrunt parent
        // configuration both paths' units include — is said of under
        // each: the same message at the same place once)
        diagnostics.dedup_by(|a, b| {
            a.severity == b.severity
                && a.message == b.message
                && a.help == b.help
                && a.position(&sources) == b.position(&sources)
        });
        // Sorted by root first: each root's resources are one run, and its
        // indexes are built in parallel with the other roots'.
        let roots = root_runs(&resources);
        let by_address = roots
            .par_iter()
            .map(|(root, run)| (root.clone(), Addresses::new(&resources, run.clone())))
            .collect();
        let mut referrers = ByRoot(
            roots
                .par_iter()
                .map(|(root, run)| {
                    let mut map: HashMap<Shared, Vec<(usize, usize)>> = HashMap::default();
                    for i in run.clone() {
                        for (j, reference) in resources[i].references.iter().enumerate() {
                            // (another root's resource: indexed under that root,
                            // below; an address holds no `/`)
                            if foreign && crate::value::origin_root(&reference.target).0.is_some() {
                                continue;
                            }
                            // under the exact target only: a reference to the
                            // block as a whole is found through the block's own key
                            match map.get_mut(&*reference.target) {
                                Some(list) => list.push((i, j)),
                                None => {
                                    map.insert(reference.target.clone(), vec![(i, j)]);
                                }
                            }
                        }
                    }
                    for list in map.values_mut() {
                        list.sort_unstable();
                        list.dedup();
                    }
                    (root.clone(), map)
                })
                .collect(),
        );
        // references to another root's resources (see [`link_foreign_origins`])
        if foreign {
            for (i, r) in resources.iter().enumerate() {
                for (j, reference) in r.references.iter().enumerate() {
                    if let (Some(root), address) = crate::value::origin_root(&reference.target) {
                        if let Some(map) = referrers.0.get_mut(root) {
                            let list = map.entry(address.into()).or_default();
                            list.push((i, j));
                            list.sort_unstable();
                        }
                    }
                }
            }
        }
        // (the resources of a type come in runs — a module instance's, in
        // order — each looked up once)
        let mut by_type: HashMap<Shared, Vec<usize>> = HashMap::new();
        let mut start = 0;
        while start < resources.len() {
            let resource_type = &resources[start].resource_type;
            let end = start
                + resources[start..]
                    .iter()
                    .take_while(|r| r.resource_type == *resource_type)
                    .count();
            match by_type.get_mut(resource_type.as_str()) {
                Some(list) => list.extend(start..end),
                None => {
                    by_type.insert(resource_type.clone(), (start..end).collect());
                }
            }
            start = end;
        }
        static NEXT_ID: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
        Graph {
            id: NEXT_ID.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
            resources,
            modules,
            sources,
            diagnostics,
            by_address,
            by_type,
            referrers,
        }
    }

    /// The configuration's `import` and keeping `removed` blocks, by root
    /// module.
    pub fn handovers(&self) -> std::collections::BTreeMap<String, Vec<Handover>> {
        self.by_root_module(|m| &m.handovers)
    }

    /// The module instances that could be read only in part, by root
    /// module: their addresses (`""` for a root module itself).
    pub fn partly_read(&self) -> std::collections::BTreeMap<String, Vec<String>> {
        let mut out: std::collections::BTreeMap<String, Vec<String>> = Default::default();
        for m in self.modules.iter().filter(|m| m.partial) {
            out.entry(m.root_dir.clone())
                .or_default()
                .push(m.address.clone());
        }
        out
    }

    /// Whether the object at `address` in `root` lies in a module instance
    /// that `partly_read` (of [`Graph::partly_read`]) says could be read
    /// only in part, or below one: missing there, it is not known to be
    /// gone.
    pub fn unread_in(
        partly_read: &std::collections::BTreeMap<String, Vec<String>>,
        root: &str,
        address: &str,
    ) -> bool {
        partly_read.get(root).is_some_and(|modules| {
            modules.iter().any(|m| {
                m.is_empty()
                    || address
                        .strip_prefix(m.as_str())
                        .is_some_and(|rest| rest.starts_with('.'))
            })
        })
    }

    /// The configuration's `moved` blocks, by root module.
    pub fn moves(&self) -> std::collections::BTreeMap<String, Vec<Move>> {
        self.by_root_module(|m| &m.moves)
    }

    /// What the module instances hold of one kind, gathered by root module.
    fn by_root_module<T: Clone>(
        &self,
        of: impl Fn(&ModuleInstance) -> &Vec<T>,
    ) -> std::collections::BTreeMap<String, Vec<T>> {
        let mut out: std::collections::BTreeMap<String, Vec<T>> = Default::default();
        for m in self.modules.iter().filter(|m| !of(m).is_empty()) {
            out.entry(m.root_dir.clone())
                .or_default()
                .extend(of(m).iter().cloned());
        }
        out
    }

    /// This graph's identity in the process (see the field).
    pub fn id(&self) -> u64 {
        self.id
    }

    /// The resource with this address in this root module, or in the root
    /// module the address names (`live/network//aws_subnet.a`: the target
    /// of a reference into another root, [`link_foreign_origins`]).
    pub fn resource_in(&self, root: &str, address: &str) -> Option<&Resource> {
        let find = |root: &str, address: &str| {
            let i = self.by_address.get(root)?.find(&self.resources, address)?;
            Some(&self.resources[i])
        };
        find(root, address).or_else(|| match crate::value::origin_root(address) {
            (Some(other), address) => find(other, address),
            (None, _) => None,
        })
    }

    /// The first resource with this address in any root module (for a
    /// single-root load, the resource); see [`Graph::resource_in`].
    pub fn resource(&self, address: &str) -> Option<&Resource> {
        self.resources.iter().find(|r| r.address == address)
    }

    /// Root module directories in the load, sorted.
    /// Every version constraint placed on a provider by the modules loaded
    /// under a root (`required_providers { aws = { version = "~> 5.0" } }`);
    /// Terraform selects a version that satisfies all of them.
    pub fn required_provider_versions(&self, root: &str, provider: &str) -> Vec<&str> {
        self.modules
            .iter()
            .filter(|m| m.root_dir == root)
            .flat_map(|m| m.terraform.required_providers.iter())
            .filter(|p| p.name == provider)
            .filter_map(|p| p.version.as_deref())
            .collect()
    }

    pub fn roots(&self) -> Vec<&str> {
        let mut roots: Vec<&str> = self.resources.iter().map(|r| &*r.root).collect();
        roots.sort_unstable();
        roots.dedup();
        roots
    }

    /// Managed resources of one type, in address order.
    pub fn of_type<'a>(&'a self, resource_type: &str) -> impl Iterator<Item = &'a Resource> + 'a {
        self.by_type
            .get(resource_type)
            .map(|v| v.as_slice())
            .unwrap_or(&[])
            .iter()
            .map(move |&i| &self.resources[i])
            .filter(|r| r.mode == Mode::Managed)
    }

    /// The references to this instance's resource block as a whole
    /// (`aws_subnet.this` without a key), for instances of `count` /
    /// `for_each` blocks; without allocating.
    pub fn referrers_block<'a>(
        &'a self,
        target: &Resource,
    ) -> impl Iterator<Item = (&'a Resource, &'a str)> {
        let block = target.block_address();
        let list = if *block == *target.address {
            None
        } else {
            self.referrers.get(&target.root, &block)
        };
        list.into_iter().flatten().map(move |&(i, j)| {
            let r = &self.resources[i];
            (r, r.references[j].attribute.as_str())
        })
    }

    /// The references to exactly this instance (not to its resource block
    /// as a whole): cheap, and precise where the referrer's index is known.
    pub fn referrers_exact<'a>(
        &'a self,
        target: &Resource,
    ) -> impl Iterator<Item = (&'a Resource, &'a str)> {
        self.referrers
            .get(&target.root, &target.address)
            .into_iter()
            .flatten()
            .map(move |&(i, j)| {
                let r = &self.resources[i];
                (r, r.references[j].attribute.as_str())
            })
    }

    /// Resources whose attributes refer to `target` (by instance or block address).
    pub fn referrers<'a>(
        &'a self,
        target: &Resource,
    ) -> impl Iterator<Item = (&'a Resource, &'a str)> {
        let mut hits: Vec<(usize, usize)> = Vec::new();
        for key in [target.address.as_str(), &target.block_address()] {
            if let Some(list) = self.referrers.get(&target.root, key) {
                hits.extend(list.iter().copied());
            }
        }
        hits.sort_unstable();
        hits.dedup();
        hits.into_iter().map(move |(i, j)| {
            let r = &self.resources[i];
            (r, r.references[j].attribute.as_str())
        })
    }

    /// Resources of `resource_type` that refer to `target`, e.g. the
    /// `aws_s3_bucket_public_access_block` of a bucket.
    pub fn referrers_of_type<'a>(
        &'a self,
        target: &Resource,
        resource_type: &'a str,
    ) -> impl Iterator<Item = &'a Resource> {
        let mut seen = Vec::new();
        self.referrers(target)
            .filter(move |(r, _)| r.resource_type == resource_type)
            .filter_map(move |(r, _)| {
                if seen.contains(&r.address) {
                    None
                } else {
                    seen.push(r.address.clone());
                    Some(r)
                }
            })
    }

    /// Resources this resource refers to.
    pub fn referenced_by<'a>(
        &'a self,
        from: &'a Resource,
    ) -> impl Iterator<Item = (&'a Resource, &'a crate::Reference)> {
        from.references.iter().filter_map(move |reference| {
            self.resource_in(&from.root, &reference.target)
                .map(|r| (r, reference))
        })
    }

    pub fn module(&self, address: &str) -> Option<&ModuleInstance> {
        self.modules.iter().find(|m| m.address == address)
    }

    pub fn has_errors(&self) -> bool {
        self.diagnostics
            .iter()
            .any(|d| d.severity == crate::Severity::Error)
    }
}

/// Each root module's run of resources in a list sorted by root.
fn root_runs(resources: &[Resource]) -> Vec<(Shared, std::ops::Range<usize>)> {
    let mut runs: Vec<(Shared, std::ops::Range<usize>)> = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        match runs.last_mut() {
            Some((root, run)) if **root == *r.root => run.end = i + 1,
            _ => runs.push((r.root.clone(), i..i + 1)),
        }
    }
    runs
}

/// Adds to each resource the references its unknown values imply: an
/// attribute whose value is unknown with the origin
/// `module.net.aws_vpc.this.id` refers to `module.net.aws_vpc.this`
/// (attribute `id`) when that resource is among `resources`, in the same
/// root module: the exact instance, even when the reference went through
/// locals, variables, module outputs or `for` expressions. [`Graph::new`]
/// expects the references complete: loaders call this on each root's
/// resources as soon as they are evaluated, while they are still in the
/// cache of the thread that made them (a pass over the whole model
/// afterwards waited on memory for a tenth of the load).
pub fn link_unknown_origins(resources: &mut [Resource]) {
    // made when an origin is not already a reference (most are: the
    // evaluator traced `vpc_id = aws_vpc.main.id` as it read it)
    let mut addresses: Option<foldhash::HashSet<(&str, &str)>> = None;
    let mut linked: Vec<(usize, Vec<crate::Reference>)> = Vec::new();
    let mut origins = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        let Some(obj) = r.attributes.as_object() else {
            continue;
        };
        let mut found = Vec::new();
        for (attribute, value) in obj.fields() {
            // (a string, a number: no unknown in it, nothing to walk)
            if !matches!(
                value,
                Value::Unknown(_) | Value::List(_) | Value::Map(_) | Value::Sensitive(_)
            ) {
                continue;
            }
            origins.clear();
            value.unknown_origins(&mut origins);
            for origin in &origins {
                let traced = r
                    .references
                    .iter()
                    .any(|known| known.attribute == *attribute && names(known, origin));
                if traced {
                    continue;
                }
                let addresses = addresses.get_or_insert_with(|| {
                    resources
                        .iter()
                        .map(|r| (&*r.root, r.address.as_str()))
                        .collect()
                });
                let Some((target, target_attribute)) = split_origin(origin, |candidate| {
                    addresses.contains(&(&*r.root, candidate))
                }) else {
                    continue;
                };
                if *target != *r.address {
                    found.push(crate::Reference {
                        attribute: attribute.into(),
                        target,
                        target_attribute,
                    });
                }
            }
        }
        if !found.is_empty() {
            linked.push((i, found));
        }
    }
    drop(addresses);
    for (i, found) in linked {
        let references = &mut resources[i].references;
        references.extend(found);
        references.sort();
        references.dedup();
    }
}

/// Whether a reference names exactly the attribute an origin is:
/// `aws_vpc.main` and `id` for `aws_vpc.main.id`.
fn names(reference: &crate::Reference, origin: &str) -> bool {
    let Some(attribute) = &reference.target_attribute else {
        return false;
    };
    origin
        .strip_prefix(&*reference.target)
        .and_then(|rest| rest.strip_prefix('.'))
        .is_some_and(|rest| rest == attribute.as_str())
}

/// Splits `module.a.aws_s3_bucket.b["k"].id` into the longest prefix that is
/// a resource address and the attribute after it.
fn split_origin(
    origin: &str,
    is_resource: impl Fn(&str) -> bool,
) -> Option<(Shared, Option<crate::text::Name>)> {
    let mut end = origin.len();
    loop {
        let candidate = &origin[..end];
        if is_resource(candidate) {
            let rest = origin[end..].trim_start_matches('.');
            let attribute = rest
                .split(['.', '['])
                .next()
                .filter(|a| !a.is_empty())
                .map(crate::text::Name::new);
            return Some((candidate.into(), attribute));
        }
        end = candidate.rfind(['.', '['])?;
        if end == 0 {
            return None;
        }
    }
}

/// Links the attributes whose unknown values name another root module's
/// resource (`live/prod/network//aws_subnet.public.id`: a Terragrunt
/// dependency's output) to it: a reference whose target is `root//address`,
/// which [`Graph::new`] indexes under that root, so asking who refers to
/// the subnet finds the other unit's instance. Only for loads that read
/// such outputs (every other origin is an address in its own root).
pub fn link_foreign_origins(resources: &mut [Resource]) {
    let addresses: foldhash::HashSet<(&str, &str)> = resources
        .iter()
        .map(|r| (&*r.root, r.address.as_str()))
        .collect();
    let mut linked: Vec<(usize, crate::Reference)> = Vec::new();
    let mut origins = Vec::new();
    for (i, r) in resources.iter().enumerate() {
        let Some(obj) = r.attributes.as_object() else {
            continue;
        };
        for (attribute, value) in obj.fields() {
            origins.clear();
            value.unknown_origins(&mut origins);
            for origin in &origins {
                let (Some(root), address) = crate::value::origin_root(origin) else {
                    continue;
                };
                let found =
                    split_origin(address, |candidate| addresses.contains(&(root, candidate)));
                if let Some((target, target_attribute)) = found {
                    linked.push((
                        i,
                        crate::Reference {
                            attribute: attribute.into(),
                            target: crate::text::concat([root, "//", &target]).into(),
                            target_attribute,
                        },
                    ));
                }
            }
        }
    }
    for (i, reference) in linked {
        let references = &mut resources[i].references;
        if !references.contains(&reference) {
            references.push(reference);
        }
    }
}

/// A resource named by a user (`--principal`, `--to`): its address, with
/// the root module before it when one is given — `live/ci//aws_iam_role.ci`,
/// or `live/ci: aws_iam_role.ci` as the outputs write it.
pub fn root_and_address(name: &str) -> (Option<&str>, &str) {
    match name.split_once("//").or_else(|| name.split_once(':')) {
        Some((root, address)) => (Some(root.trim()), address.trim()),
        None => (None, name),
    }
}

/// What a report calls a resource of a load of several root modules: its
/// address after its root (`live/ci: aws_iam_role.ci`, which
/// [`root_and_address`] reads back); the address alone in the scanned
/// directory's own root (`.`, or `""` for a plan or a state).
pub fn qualified(root: &str, address: &str) -> String {
    match root {
        "" | "." => address.to_string(),
        root => crate::text::concat([root, ": ", address]),
    }
}

/// `aws_subnet.a["x"]` → `aws_subnet.a`; `None` when there is no trailing key.
pub fn strip_instance_key(address: &str) -> Option<&str> {
    if !address.ends_with(']') {
        return None;
    }
    // find the '[' that opens the final key, skipping brackets inside quotes
    let bytes = address.as_bytes();
    let mut in_quotes = false;
    let mut open = None;
    for (i, &b) in bytes.iter().enumerate() {
        match b {
            b'"' if i == 0 || bytes[i - 1] != b'\\' => in_quotes = !in_quotes,
            b'[' if !in_quotes => open = Some(i),
            _ => {}
        }
    }
    open.map(|i| &address[..i])
}

/// An address without any of its instance keys (`module.app["eu-west-1"].
/// module.db[0]` → `module.app.module.db`): what is written once in the
/// code, whichever instances it has.
pub fn without_instance_keys(address: &str) -> String {
    let mut out = String::with_capacity(address.len());
    let (mut depth, mut in_quotes, mut escaped) = (0usize, false, false);
    for c in address.chars() {
        match c {
            _ if escaped => escaped = false,
            '\\' if in_quotes => escaped = true,
            '"' if depth > 0 => in_quotes = !in_quotes,
            '[' if !in_quotes => depth += 1,
            ']' if !in_quotes && depth > 0 => {
                depth -= 1;
                continue;
            }
            _ => {}
        }
        if depth == 0 {
            out.push(c);
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every address given the same hash: each found all the same, by the
    /// copy kept of it; the first of one address twice wins.
    #[test]
    fn addresses_of_one_hash_are_told_apart() {
        let resource =
            |address: &str| Resource::bare("", Mode::Managed, "aws_sqs_queue", "q", address);
        let resources: Vec<Resource> = ["a.x", "a.y", "a.z", "a.y"]
            .into_iter()
            .map(resource)
            .collect();
        for hash in [address_hash as fn(&str) -> u64, |_| 7] {
            let index = Addresses::hashed_by(hash, &resources, 0..resources.len());
            let find = |address| index.find_hashed(hash(address), &resources, address);
            assert_eq!(find("a.x"), Some(0));
            assert_eq!(find("a.y"), Some(1));
            assert_eq!(find("a.z"), Some(2));
            assert_eq!(find("a.w"), None);
        }
        // only the colliding addresses are copied
        let index = Addresses::new(&resources, 0..resources.len());
        assert!(index.collided.is_empty());
        let index = Addresses::hashed_by(|_| 7, &resources, 0..resources.len());
        assert_eq!(index.collided.len(), 2);
    }

    #[test]
    fn instance_keys_go_wherever_they_are() {
        assert_eq!(
            without_instance_keys(
                "module.app[\"eu-west-1\"].module.db[0].aws_db_instance.this[\"a]b\"]"
            ),
            "module.app.module.db.aws_db_instance.this"
        );
        assert_eq!(without_instance_keys("module.app"), "module.app");
    }

    fn mv(from: &str, to: &str) -> Move {
        Move {
            from: from.into(),
            to: to.into(),
            span: Span {
                file: crate::FileId(0),
                start: 0,
                end: 0,
                line: 1,
                column: 1,
                end_line: 1,
                end_column: 1,
            },
        }
    }

    #[test]
    fn moves_rename_what_they_move_and_nothing_else() {
        let moves = [
            mv("aws_instance.web", "aws_instance.app"),
            mv("aws_s3_bucket.a", "aws_s3_bucket.b"),
            mv("aws_s3_bucket.b", "aws_s3_bucket.c"),
            mv("module.old", "module.new"),
            mv("aws_eip.ip[0]", "aws_eip.first"),
            mv("aws_sqs_queue.x", "aws_sqs_queue.y"),
            mv("aws_sqs_queue.y", "aws_sqs_queue.x"),
        ];
        let moved = |a: &str| moved_address(&moves, a);
        // a resource with all of its instances
        assert_eq!(moved("aws_instance.web"), "aws_instance.app");
        assert_eq!(moved("aws_instance.web[1]"), "aws_instance.app[1]");
        assert_eq!(moved("aws_instance.web[\"k\"]"), "aws_instance.app[\"k\"]");
        // not a longer name that begins alike
        assert_eq!(moved("aws_instance.webhook"), "aws_instance.webhook");
        // a chain is followed
        assert_eq!(moved("aws_s3_bucket.a"), "aws_s3_bucket.c");
        // a module call with everything in it
        assert_eq!(moved("module.old.aws_vpc.this"), "module.new.aws_vpc.this");
        assert_eq!(
            moved("module.old[\"a\"].aws_vpc.this"),
            "module.new[\"a\"].aws_vpc.this"
        );
        assert_eq!(
            moved("module.older.aws_vpc.this"),
            "module.older.aws_vpc.this"
        );
        // one instance moved says nothing of the others
        assert_eq!(moved("aws_eip.ip[0]"), "aws_eip.first");
        assert_eq!(moved("aws_eip.ip[1]"), "aws_eip.ip[1]");
        // and undone, for what was recorded under the old names
        assert_eq!(
            earlier_addresses(&moves, "aws_s3_bucket.c"),
            ["aws_s3_bucket.b", "aws_s3_bucket.a"]
        );
        assert_eq!(
            earlier_addresses(&moves, "module.new.aws_vpc.this"),
            ["module.old.aws_vpc.this"]
        );
        assert!(earlier_addresses(&moves, "aws_s3_bucket.d").is_empty());
        // a cycle stops
        assert!(earlier_addresses(&moves, "aws_sqs_queue.x").len() <= 1);
        let x = moved("aws_sqs_queue.x");
        assert!(x == "aws_sqs_queue.x" || x == "aws_sqs_queue.y", "{x}");
    }

    #[test]
    fn strips_the_final_instance_key_only() {
        assert_eq!(
            strip_instance_key("aws_subnet.a[\"x[1]\"]"),
            Some("aws_subnet.a")
        );
        assert_eq!(
            strip_instance_key("module.m[0].aws_subnet.a[2]"),
            Some("module.m[0].aws_subnet.a")
        );
        assert_eq!(strip_instance_key("aws_vpc.main"), None);
    }
}
