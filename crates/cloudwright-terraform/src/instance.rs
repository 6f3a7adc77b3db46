//! Evaluation of one module instance: its named values in dependency order,
//! its resources and data sources expanded by `count`/`for_each`, its module
//! calls recursively, its outputs.

use crate::conditions::Outcome;
use crate::eval::{Declared, Evaluator, FastMap, FsContext, ModuleScope, Named, Trace};
use crate::module::{At, ModuleDef};
use crate::resources;
use crate::syntax::{Attribute, Block, ExprKind, TraversalOp};
use crate::types::{convert, parse_type, type_name, Type};
use cloudwright_model::{
    text, Backend, Diagnostic, FileId, ModuleCall, ModuleInstance, OutputInfo, ProviderConfig,
    RequiredProvider, Resource, SourceFile, SourceMap, Span, TerraformSettings, Value, ValueSource,
    VariableInfo, VariableOrigin,
};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

mod cycles;

/// Deepest module nesting Cloudwright follows.
const MAX_MODULE_DEPTH: usize = 24;

/// A value for a variable, with where it came from.
#[derive(Clone, Debug)]
pub struct VariableInput {
    pub value: InputValue,
    pub origin: VariableOrigin,
    pub traces: Vec<Trace>,
}

#[derive(Clone, Debug)]
pub enum InputValue {
    Value(Value),
    /// From `--var` or `TF_VAR_`: a string for primitive types, an HCL
    /// expression for collection types, as Terraform parses them.
    Text(String),
}

/// An evaluated provider configuration.
#[derive(Clone, Debug)]
pub struct ProviderInfo {
    pub name: String,
    pub alias: Option<String>,
    pub attributes: Value,
}

pub type Providers = FastMap<String, ProviderInfo>;

/// Finds the module definition of a directory (parsing it on first use).
pub trait ModuleSource {
    /// The definition of the module in `dir` when it was read already
    /// (`Some(None)`: it could not be): found without the source map.
    fn cached(&mut self, dir: &Path) -> Option<Option<Arc<ModuleDef>>>;

    fn module_def(
        &mut self,
        dir: &Path,
        sources: &mut SourceMap,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Arc<ModuleDef>>;
}

/// Where registry and git modules were downloaded (`.terraform/modules/modules.json`).
#[derive(Debug, Default, Clone)]
pub struct ModulesManifest {
    /// module key (`vpc`, `vpc.subnets`) → directory
    pub dirs: HashMap<String, PathBuf>,
    /// The modules `terraform stacks init` downloaded (a Stack's), by
    /// source.
    pub bundle: Option<crate::source_bundle::SourceBundle>,
}

/// State of the evaluation of one root module. Root modules are evaluated
/// in parallel; the sources and the module cache are shared, each behind a
/// lock held only for a lookup or an insertion (lock order: modules, then
/// sources).
pub struct Loader<'s> {
    pub sources: &'s crate::load::SharedSources,
    pub modules_src: &'s Mutex<dyn ModuleSource + 's>,
    pub manifest: ModulesManifest,
    pub fs: Arc<FsContext>,
    /// The resource instances evaluated so far, one vector per resource
    /// block instance (each allocated at its final size): the load moves
    /// them into the model's one vector once, instead of growing a vector
    /// per root by doubling.
    pub resources: Vec<Vec<Resource>>,
    pub modules: Vec<ModuleInstance>,
    pub diagnostics: Vec<Diagnostic>,
    /// The root module's directory as displayed, shared by its resources.
    pub root_display: cloudwright_model::text::Shared,
    /// Span and provenance maps shared by the instances of a block whose
    /// maps are equal, across all roots.
    pub shared: &'s SharedMapCache,
    /// The source files this root's evaluation has looked up, so a span or
    /// a source needs no lock on the shared map (spans are asked for by the
    /// hundred thousand, from every thread).
    pub seen_sources: std::cell::RefCell<crate::eval::FastMap<FileId, Arc<SourceFile>>>,
    /// Keep each module instance's local values in the model.
    pub keep_locals: bool,
    /// The directory and definition of each module call with a local
    /// source, by (calling definition, call): found once for all the
    /// calling module's instances.
    pub local_children: crate::eval::FastMap<(usize, usize), Child>,
    /// Buffers every resource instance's evaluation reuses.
    pub scratch: resources::InstanceScratch,
}

/// A module call's directory and definition (none: not found).
pub type Child = (Option<PathBuf>, Option<Arc<ModuleDef>>);

/// Per block (file, start): the maps its instances share, across all roots.
/// The maps shared by the instances of each block (by file and the
/// block's start), for every root module evaluated: in shards, each under
/// its own lock, as every resource instance of every thread takes one
/// twice.
pub struct SharedMapCache {
    shards: [Mutex<FastMap<(FileId, u32), BlockMaps>>; MAP_SHARDS],
}

const MAP_SHARDS: usize = 16;

impl Default for SharedMapCache {
    fn default() -> Self {
        SharedMapCache {
            shards: std::array::from_fn(|_| Mutex::default()),
        }
    }
}

impl SharedMapCache {
    fn shard(&self, file: FileId, start: u32) -> &Mutex<FastMap<(FileId, u32), BlockMaps>> {
        let key = (file.0 as usize)
            .wrapping_mul(31)
            .wrapping_add(start as usize);
        &self.shards[key % MAP_SHARDS]
    }
}

/// The span and provenance maps of one block's instances. Most instances of
/// a block have equal maps — the `for_each` instances of one block, and the
/// instances of a shared module called the same way from many roots — and
/// then share one copy.
#[derive(Default)]
pub struct BlockMaps {
    /// The last few distinct provenance maps.
    provenance: Vec<ProvenanceMap>,
    /// The span maps of its instances by their shape (what the `dynamic`
    /// blocks made: [`resources::Shape`]) and whether provider default tags
    /// added `tags_all`: the last few distinct ones. A block without
    /// `dynamic` blocks has one shape.
    spans: Vec<(resources::Shape, bool, SpanMap)>,
}

/// How many span maps of one block are kept, by shape.
const SHAPES_KEPT: usize = 16;

impl BlockMaps {
    /// Whether an instance has told its spans.
    pub fn has_spans(&self) -> bool {
        !self.spans.is_empty()
    }

    /// The spans of an instance of this shape, when an instance of it has
    /// told them.
    pub fn spans(&self, shape: &[u32], tagged: bool) -> Option<SpanMap> {
        self.spans
            .iter()
            .find(|(s, t, _)| *t == tagged && s.as_slice() == shape)
            .map(|(.., spans)| spans.clone())
    }

    /// Keeps the spans of instances of this shape, and gives their shared
    /// copy (another thread's when it kept them first).
    pub fn keep_spans(
        &mut self,
        shape: resources::Shape,
        tagged: bool,
        spans: resources::Spans,
    ) -> SpanMap {
        if let Some(kept) = self.spans(&shape, tagged) {
            return kept;
        }
        let spans = Arc::new(fitted(spans));
        if self.spans.len() == SHAPES_KEPT {
            self.spans.remove(0);
        }
        self.spans.push((shape, tagged, spans.clone()));
        spans
    }

    /// The shared copy of the provenance map an instance gathered (and
    /// sorted): a kept one when an instance before had the same (most do),
    /// else one made of it and kept.
    pub fn provenance_of(&mut self, gathered: &resources::ProvenanceScratch) -> ProvenanceMap {
        if let Some(found) = self.provenance.iter().find(|k| gathered.same_as(k)) {
            return found.clone();
        }
        keep(&mut self.provenance, gathered.to_map())
    }
}

/// A map about to be kept for the life of the model, without the room it
/// reserved and did not fill (a recorded span map is sized for the
/// top-level entries and grows with the nested ones).
fn fitted<V>(mut map: cloudwright_model::SortedMap<V>) -> cloudwright_model::SortedMap<V> {
    map.shrink_to_fit();
    map
}

/// How many distinct maps of one block are kept for sharing.
const SHARED_VARIANTS: usize = 4;

/// `map` kept for the instances after (replacing the oldest when the
/// block already has [`SHARED_VARIANTS`]), and its shared copy.
fn keep<V>(
    kept: &mut Vec<Arc<cloudwright_model::SortedMap<V>>>,
    map: cloudwright_model::SortedMap<V>,
) -> Arc<cloudwright_model::SortedMap<V>> {
    let map = Arc::new(fitted(map));
    if kept.len() == SHARED_VARIANTS {
        kept.remove(0);
    }
    kept.push(map.clone());
    map
}

pub type SpanMap = Arc<cloudwright_model::SortedMap<Span>>;
pub type ProvenanceMap = Arc<cloudwright_model::SortedMap<Vec<Arc<ValueSource>>>>;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
enum Node {
    Var(usize),
    Local(usize),
    Resource(usize),
    Module(usize),
    Output(usize),
    Provider(usize),
}

/// A module instance being evaluated.
pub struct InstanceRequest<'a> {
    pub def: Arc<ModuleDef>,
    pub address: String,
    /// Key in modules.json (`vpc.subnets`), empty for the root.
    pub key_path: String,
    pub inputs: FastMap<String, VariableInput>,
    pub providers: Providers,
    pub call_span: Option<Span>,
    pub ancestry: &'a mut Vec<PathBuf>,
}

impl Loader<'_> {
    /// `f` of the maps shared by the instances of the block at `start` of
    /// `file`, under the lock of the shared cache.
    pub fn block_maps<T>(
        &self,
        file: FileId,
        start: u32,
        f: impl FnOnce(&mut BlockMaps) -> T,
    ) -> T {
        let mut cache = self
            .shared
            .shard(file, start)
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        f(cache.entry((file, start)).or_default())
    }

    fn span(&self, file: FileId, range: crate::syntax::Range) -> Span {
        self.with_source(file, |source| source.span(file, range.start, range.end))
    }

    pub fn source(&self, file: FileId) -> Arc<SourceFile> {
        self.with_source(file, Arc::clone)
    }

    /// `f` of a source file, looked up in the shared map once per root.
    fn with_source<T>(&self, file: FileId, f: impl FnOnce(&Arc<SourceFile>) -> T) -> T {
        if let Some(source) = self.seen_sources.borrow().get(&file) {
            return f(source);
        }
        let source = crate::load::read(self.sources).get_shared(file);
        let out = f(&source);
        self.seen_sources.borrow_mut().insert(file, source);
        out
    }

    /// The shared source map. A poisoned lock means another root's
    /// evaluation panicked; the map itself is still consistent (every
    /// insertion is one push).
    pub fn sources_mut(&self) -> std::sync::RwLockWriteGuard<'_, SourceMap> {
        crate::load::write(self.sources)
    }

    /// Evaluates a module instance; returns its object of outputs and, per
    /// output, the traces (references, provenance) of its value.
    /// Evaluates one module instance: its value (an object of its
    /// outputs), the traces of each output, and the outputs whose
    /// expression makes a list ([`ModuleScope::makes_list`]).
    pub fn eval_module(
        &mut self,
        req: InstanceRequest<'_>,
    ) -> (Value, BTreeMap<String, Vec<Trace>>, Vec<String>) {
        let def = req.def.clone();
        // the maps sized for what the module declares: they fill without rehashing
        fn sized<K, V>(n: usize) -> FastMap<K, V> {
            FastMap::with_capacity_and_hasher(n, Default::default())
        }
        let data = def
            .resources
            .iter()
            .filter(|r| r.mode == cloudwright_model::Mode::Data)
            .count();
        let mut scope = ModuleScope {
            address: req.address.clone(),
            module: req.address.as_str().into(),
            vars: sized(def.variables.len()),
            locals: sized(def.locals.len()),
            resources: sized(def.resources.len() - data),
            data: sized(data),
            modules: sized(def.module_calls.len()),
            traces: sized(def.outputs.len() + def.module_calls.len()),
            path_module: relative_path(&self.fs.root_dir, &def.dir),
            ..Default::default()
        };
        let plan = plan_of(&def);
        scope.declared = plan.declared.clone();
        scope.partial = def.partial;
        scope.components = def.components;
        let passes = match plan.cyclic.is_empty() {
            true => Vec::new(),
            false => self.cycle_passes(&def, &plan, &req.key_path),
        };
        let mut info = ModuleInstance {
            address: req.address.clone(),
            dir: def.display_dir.clone(),
            root_dir: String::from(&*self.root_display),
            // kept for the model's life: sized once, not by doubling
            variables: Vec::with_capacity(def.variables.len()),
            outputs: Vec::with_capacity(def.outputs.len()),
            partial: def.partial,
            ..Default::default()
        };
        let mut providers = req.providers.clone();
        let mut inputs = req.inputs;
        let mut outputs = cloudwright_model::Fields::with_capacity(def.outputs.len());
        let mut list_outputs = Vec::new();
        let mut provider_refs = resources::ProviderRefs::default();
        // a stretch of the order evaluated again (a cycle between whole
        // module calls that Terraform's graph does not have): (its start,
        // its end, evaluations left, what it had added to before)
        let mut repeat: Option<(usize, usize, usize, Marks)> = None;
        // where the instances of this module instance's own blocks are in
        // `self.resources`: their objects are open (unset attributes
        // unknown) until the end, closed then for the model
        let mut own = Vec::with_capacity(def.resources.len());
        let mut pos = 0;
        while let Some(&node) = plan.order.get(pos) {
            if repeat.is_none() {
                let stretch = plan
                    .cyclic
                    .iter()
                    .zip(&passes)
                    .find(|(s, p)| s.span.start == pos && **p > 1);
                if let Some((stretch, &passes)) = stretch {
                    // variables depend on nothing: evaluated once, first
                    for &node in &plan.order[stretch.span.clone()] {
                        if let Node::Var(i) = node {
                            self.eval_variable(
                                &def,
                                i,
                                &mut scope,
                                &mut inputs,
                                req.call_span,
                                &mut info,
                            );
                        }
                    }
                    let marks = Marks::take(self, &scope, &info, &list_outputs);
                    repeat = Some((pos, stretch.span.end, passes - 1, marks));
                }
            }
            pos += 1;
            match node {
                Node::Var(_) if repeat.is_some() => {}
                Node::Var(i) => {
                    self.eval_variable(&def, i, &mut scope, &mut inputs, req.call_span, &mut info)
                }
                Node::Local(i) => self.eval_local(&def, i, &mut scope),
                Node::Provider(i) => {
                    self.eval_provider(&def, def.providers[i], &scope, &mut providers, &mut info);
                    // a reference made before (in a dependency cycle) is stale
                    provider_refs.clear();
                }
                Node::Resource(i) => {
                    let (key, declared, instances) = resources::eval_resource(
                        self,
                        &def,
                        i,
                        &scope,
                        &providers,
                        &mut provider_refs,
                    );
                    if def.resources[i].mode == cloudwright_model::Mode::Data {
                        scope.data.insert(key, declared);
                    } else {
                        scope.resources.insert(key, declared);
                    }
                    own.push(self.resources.len());
                    self.resources.push(instances);
                }
                Node::Module(i) => {
                    let (name, value, output_traces, lists) = self.eval_module_call(
                        &def,
                        i,
                        &scope,
                        &providers,
                        &req.key_path,
                        req.ancestry,
                        &mut info,
                    );
                    for (output, traces) in output_traces {
                        scope
                            .traces
                            .insert(text::concat(["module.", &name, ".", &output]), traces);
                    }
                    for output in lists {
                        scope.list_outputs.push(text::concat([&name, ".", &output]));
                    }
                    let address = scope.call_address(&name).into();
                    scope.modules.insert(name, Declared { value, address });
                }
                Node::Output(i) => {
                    let (name, at) = &def.outputs[i];
                    let block = def.block(*at);
                    let file = def.file_id(*at);
                    let source = self.source(file);
                    let mut ev = Evaluator::new(&scope, &source, file, &self.fs);
                    resources::check_depends_on(&mut ev, &block.body);
                    let mut value = match block.body.attribute("value") {
                        Some(attr) => {
                            if scope.makes_list(&attr.expr) {
                                list_outputs.push(name.to_string());
                            }
                            ev.eval_attr(attr)
                        }
                        None => ev.error(
                            block.range,
                            format!("output `{name}` needs a `value` argument"),
                        ),
                    };
                    let sensitive = ["sensitive", "ephemeral"]
                        .iter()
                        .any(|a| literal_bool(block.body.attribute(a)) == Some(true));
                    if sensitive {
                        value = value.sensitive();
                    } else if scope.address.is_empty() && value.contains_sensitive() {
                        // Terraform refuses to plan such a root output
                        ev.diagnostics.push(
                            Diagnostic::error(format!(
                                "output `{name}` refers to sensitive values; a root module output that does must be marked `sensitive = true`"
                            ))
                            .at(ev.span(block.range))
                            .help("add `sensitive = true` to the output, or wrap the value in nonsensitive() where showing it is safe"),
                        );
                    }
                    let mut preconditions = block.body.blocks_of("precondition").peekable();
                    if preconditions.peek().is_some() {
                        let subject = subject("output", name, &scope.address);
                        crate::conditions::check_all(
                            &mut ev,
                            preconditions,
                            "precondition",
                            &subject,
                        );
                    }
                    let mut traces = std::mem::take(&mut ev.traces);
                    self.diagnostics.append(&mut ev.diagnostics);
                    drop(ev);
                    // (in order without repeats: each reading of it copies them so)
                    dedup(&mut traces);
                    scope.traces.insert(text::concat(["output.", name]), traces);
                    info.outputs.push(OutputInfo {
                        name: name.clone(),
                        value: value.clone(),
                        sensitive,
                        span: self.span(file, block.range),
                    });
                    outputs.insert(&**name, value);
                }
            }
            if let Some((start, end, left, marks)) = &mut repeat {
                if pos == *end {
                    if *left == 0 {
                        repeat = None;
                    } else {
                        *left -= 1;
                        marks.restore(self, &mut scope, &mut info, &mut list_outputs);
                        own.retain(|&i| i < marks.resources);
                        provider_refs.clear();
                        pos = *start;
                    }
                }
            }
        }
        for at in &def.checks {
            self.eval_check(&def, *at, &scope);
        }
        // validations on other objects (Terraform 1.9), with all in scope
        for &(i, k) in &plan.cross_validations {
            let (name, at) = &def.variables[i];
            let Some(validation) = def.block(*at).body.blocks_of("validation").nth(k) else {
                continue;
            };
            let Some(var) = info.variables.iter().find(|v| v.name == *name) else {
                continue;
            };
            let (value, origin) = (var.value.clone(), var.set_by.clone());
            let set_at = origin_span(&origin);
            let file = def.file_id(*at);
            self.check_validation(name, &value, &origin, set_at, file, validation, &scope);
        }
        for at in &def.moves {
            if let Some(m) = self.moved(&def, *at, &scope) {
                info.moves.push(m);
            }
        }
        for at in &def.handovers {
            if let Some(h) = self.handover(&def, *at, &scope.address) {
                info.handovers.push(h);
            }
        }
        for (input, given) in &inputs {
            // arguments of a module call that the module does not declare
            // (a partly read module may declare them where it was not read)
            if !req.address.is_empty() && !def.partial {
                // (where the argument is written, else the call)
                let span = match given.origin {
                    VariableOrigin::ModuleInput(at) => Some(at),
                    _ => req.call_span,
                };
                let names: Vec<&str> = def.variables.iter().map(|(n, _)| &**n).collect();
                self.diagnostics.push(
                    Diagnostic::error(format!(
                        "module `{}` has no variable `{input}`; the argument is ignored",
                        req.address
                    ))
                    .at_opt(span)
                    .meant(crate::module::closest(input, &names)),
                );
            }
        }
        info.terraform = self.terraform_settings(&def, &scope);
        if info.address.is_empty() {
            info.state = self.state_place(&info.terraform);
        }
        if self.keep_locals {
            for (name, f, b, a) in &def.locals {
                let Some(Named { value, .. }) = scope.locals.get(name) else {
                    continue;
                };
                let span = self.span(def.files[*f].file, def.local(*f, *b, *a).range);
                info.locals.push(cloudwright_model::LocalInfo {
                    name: name.to_string(),
                    value: value.clone(),
                    span,
                });
            }
        }
        self.modules.push(info);
        // Traces of outputs travel with the module value to the caller.
        let mut object_traces = BTreeMap::new();
        for (name, _) in &def.outputs {
            if let Some(t) = text::with_concat(["output.", name], |key| scope.traces.remove(key)) {
                object_traces.insert(name.to_string(), t);
            }
        }
        // (what read them open is gone: most are closed without a copy)
        drop(scope);
        for i in own {
            for resource in &mut self.resources[i] {
                resources::close_in_place(&mut resource.attributes);
            }
        }
        (Value::map(outputs), object_traces, list_outputs)
    }
}

/// The definition's evaluation plan, worked out on first use.
fn plan_of(def: &ModuleDef) -> Arc<EvalPlan> {
    def.plan
        .get_or_init(|| Arc::new(EvalPlan::new(def)))
        .clone()
}

/// How far what a module instance's evaluation adds to had come before a
/// stretch of its order, so the stretch can be evaluated again from there.
struct Marks {
    resources: usize,
    modules: usize,
    diagnostics: usize,
    outputs: usize,
    providers: usize,
    module_calls: usize,
    list_locals: usize,
    list_outputs: usize,
    instance_list_outputs: usize,
}

impl Marks {
    fn take(
        loader: &Loader,
        scope: &ModuleScope,
        info: &ModuleInstance,
        lists: &[String],
    ) -> Marks {
        Marks {
            resources: loader.resources.len(),
            modules: loader.modules.len(),
            diagnostics: loader.diagnostics.len(),
            outputs: info.outputs.len(),
            providers: info.providers.len(),
            module_calls: info.module_calls.len(),
            list_locals: scope.list_locals.len(),
            list_outputs: scope.list_outputs.len(),
            instance_list_outputs: lists.len(),
        }
    }

    /// Takes back what was added since (the values in `scope` are kept:
    /// the next evaluation reads them).
    fn restore(
        &self,
        loader: &mut Loader,
        scope: &mut ModuleScope,
        info: &mut ModuleInstance,
        lists: &mut Vec<String>,
    ) {
        loader.resources.truncate(self.resources);
        loader.modules.truncate(self.modules);
        loader.diagnostics.truncate(self.diagnostics);
        info.outputs.truncate(self.outputs);
        info.providers.truncate(self.providers);
        info.module_calls.truncate(self.module_calls);
        scope.list_locals.truncate(self.list_locals);
        scope.list_outputs.truncate(self.list_outputs);
        lists.truncate(self.instance_list_outputs);
    }
}

/// What evaluating an instance of a module needs that depends only on the
/// module's source: its nodes (variables, locals, resources, module calls,
/// outputs, providers), their names, and the order to evaluate them in.
/// Worked out once per module definition and shared by all its instances.
#[derive(Debug)]
pub struct EvalPlan {
    nodes: Vec<Node>,
    /// The name of each node (`var.x`, `aws_vpc.main`), for the scopes of
    /// the module's instances.
    declared: Arc<crate::eval::FastSet<String>>,
    order: Vec<Node>,
    /// What each node refers to, as node indexes.
    deps: Vec<Vec<usize>>,
    /// The stretches of `order` that hold dependency cycles between the
    /// module's named values, with the cycles found in each.
    cyclic: Vec<cycles::Stretch>,
    /// Per output, the variables its value depends on (through locals,
    /// resources and module calls), as variable indexes: the module's
    /// side of the graph a caller's cycle check needs. Worked out when a
    /// caller first asks.
    output_inputs: std::sync::OnceLock<Vec<Vec<usize>>>,
    /// The validations that refer to more than their own variable
    /// (Terraform 1.9), as (variable index, validation block index): checked
    /// once the module is evaluated; the others as the variable is.
    cross_validations: Vec<(usize, usize)>,
}

impl EvalPlan {
    fn new(def: &ModuleDef) -> EvalPlan {
        let (nodes, names) = declare(def);
        let index: crate::eval::FastMap<&str, usize> = names
            .iter()
            .enumerate()
            .map(|(i, n)| (n.as_str(), i))
            .collect();
        let (deps, mut order, cycles) = evaluation_order(def, &nodes, &index);
        EvalPlan {
            cyclic: cycles::stretches(&deps, &mut order, cycles),
            order: order.into_iter().map(|i| nodes[i]).collect(),
            deps,
            output_inputs: Default::default(),
            nodes,
            declared: Arc::new(
                names
                    .into_iter()
                    .chain(def.ephemerals.iter().cloned())
                    .collect(),
            ),
            cross_validations: def
                .variables
                .iter()
                .enumerate()
                .flat_map(|(i, (name, at))| {
                    def.block(*at)
                        .body
                        .blocks_of("validation")
                        .enumerate()
                        .filter(|(_, v)| !refers_only_to(v, name))
                        .map(move |(k, _)| (i, k))
                })
                .collect(),
        }
    }
}

/// Every declared name, with its node.
fn declare(def: &ModuleDef) -> (Vec<Node>, Vec<String>) {
    let mut nodes = Vec::new();
    let mut names = Vec::new();
    let mut add = |name: String, node: Node| {
        names.push(name);
        nodes.push(node);
    };
    for (i, (name, _)) in def.variables.iter().enumerate() {
        add(text::concat(["var.", name]), Node::Var(i));
    }
    for (i, (name, ..)) in def.locals.iter().enumerate() {
        add(text::concat(["local.", name]), Node::Local(i));
    }
    for (i, r) in def.resources.iter().enumerate() {
        let key = match r.mode {
            cloudwright_model::Mode::Data => {
                text::concat(["data.", &r.resource_type, ".", &r.name])
            }
            cloudwright_model::Mode::Managed => text::concat([&r.resource_type, ".", &r.name]),
        };
        add(key, Node::Resource(i));
    }
    for (i, (name, _)) in def.module_calls.iter().enumerate() {
        add(text::concat(["module.", name]), Node::Module(i));
    }
    for (i, (name, _)) in def.outputs.iter().enumerate() {
        add(text::concat(["output.", name]), Node::Output(i));
    }
    for (i, at) in def.providers.iter().enumerate() {
        let block = def.block(*at);
        let name = block.labels.first().cloned().unwrap_or_default();
        let alias = block
            .body
            .attribute("alias")
            .and_then(|a| literal_string(Some(a)));
        let key = match alias {
            Some(a) => format!("provider.{name}.{a}"),
            None => format!("provider.{name}"),
        };
        add(key, Node::Provider(i));
    }
    (nodes, names)
}

/// Dependencies of each node, then a depth-first topological order and the
/// cycles found; their members evaluate with Unknown for the reference that
/// closes the cycle.
fn evaluation_order(
    def: &ModuleDef,
    nodes: &[Node],
    names: &crate::eval::FastMap<&str, usize>,
) -> (Vec<Vec<usize>>, Vec<usize>, Vec<Vec<usize>>) {
    let refs = References::new(def, nodes);
    let mut deps: Vec<Vec<usize>> = nodes
        .iter()
        .map(|node| {
            let mut out: Vec<usize> = Vec::new();
            let mut add = |path: &[&str]| out.extend(refs.node(path));
            let mut provider_dep = None;
            match *node {
                Node::Var(_) => {}
                Node::Local(i) => {
                    let (_, f, b, a) = def.locals[i];
                    def.local(f, b, a).expr.references(&mut add);
                }
                Node::Resource(i) => {
                    let r = &def.resources[i];
                    let block = def.block(r.at);
                    block.body.references(&mut add);
                    let provider = resource_provider_address(block, &r.resource_type);
                    provider_dep = Some(text::concat(["provider.", &provider]));
                }
                Node::Module(i) | Node::Output(i) | Node::Provider(i) => {
                    let at = match *node {
                        Node::Module(_) => def.module_calls[i].1,
                        Node::Output(_) => def.outputs[i].1,
                        _ => def.providers[i],
                    };
                    def.block(at).body.references(&mut add);
                }
            }
            if let Some(p) = provider_dep.and_then(|p| names.get(p.as_str())) {
                out.push(*p);
            }
            out.sort_unstable();
            out.dedup();
            out
        })
        .collect();
    // a module call sees its parent's providers: evaluate them first
    // (their `default_tags` become the module's resources' `tags_all`),
    // unless the provider itself depends on the module — the EKS
    // pattern, `host = module.eks.endpoint` — which would be a cycle
    let providers: Vec<usize> = (0..nodes.len())
        .filter(|&i| matches!(nodes[i], Node::Provider(_)))
        .collect();
    let reaches = |from: usize, to: usize, deps: &[Vec<usize>]| {
        let mut seen = vec![false; deps.len()];
        let mut stack = vec![from];
        while let Some(n) = stack.pop() {
            if n == to {
                return true;
            }
            if !std::mem::replace(&mut seen[n], true) {
                stack.extend(deps[n].iter().copied());
            }
        }
        false
    };
    for m in 0..nodes.len() {
        if !matches!(nodes[m], Node::Module(_)) {
            continue;
        }
        for &p in &providers {
            if !deps[m].contains(&p) && !reaches(p, m, &deps) {
                deps[m].push(p);
            }
        }
    }
    let (order, cycles) = topological_order(&deps);
    (deps, order, cycles)
}

/// The nodes an expression's references name, looked up by their parts
/// (`var.x` is `("var", "x")`, `data.t.n` is `(t, n)` among data sources)
/// without joining them into a name.
struct References<'d> {
    named: crate::eval::FastMap<(&'d str, &'d str), usize>,
    data: crate::eval::FastMap<(&'d str, &'d str), usize>,
}

impl<'d> References<'d> {
    fn new(def: &'d ModuleDef, nodes: &[Node]) -> References<'d> {
        let mut named = crate::eval::FastMap::default();
        let mut data = crate::eval::FastMap::default();
        for (i, node) in nodes.iter().enumerate() {
            match *node {
                Node::Var(v) => _ = named.insert(("var", &*def.variables[v].0), i),
                Node::Local(l) => _ = named.insert(("local", &*def.locals[l].0), i),
                Node::Module(m) => _ = named.insert(("module", def.module_calls[m].0.as_str()), i),
                Node::Resource(r) => {
                    let r = &def.resources[r];
                    let key = (&*r.resource_type, &*r.name);
                    match r.mode {
                        cloudwright_model::Mode::Data => data.insert(key, i),
                        cloudwright_model::Mode::Managed => named.insert(key, i),
                    };
                }
                Node::Output(_) | Node::Provider(_) => {}
            }
        }
        References { named, data }
    }

    /// The node a reference's path (`["var", "x"]`, `["data", "t", "n"]`)
    /// names, if the module declares it.
    fn node(&self, path: &[&str]) -> Option<usize> {
        match *path.first()? {
            "data" => self.data.get(&(*path.get(1)?, *path.get(2)?)).copied(),
            "path" | "terraform" | "self" | "count" | "each" => None,
            root => self.named.get(&(root, *path.get(1)?)).copied(),
        }
    }
}

fn node_label(def: &ModuleDef, node: Node) -> String {
    match node {
        Node::Var(i) => format!("var.{}", def.variables[i].0),
        Node::Local(i) => format!("local.{}", def.locals[i].0),
        Node::Resource(i) => {
            let r = &def.resources[i];
            match r.mode {
                cloudwright_model::Mode::Data => {
                    text::concat(["data.", &r.resource_type, ".", &r.name])
                }
                cloudwright_model::Mode::Managed => text::concat([&r.resource_type, ".", &r.name]),
            }
        }
        Node::Module(i) => format!("module.{}", def.module_calls[i].0),
        Node::Output(i) => format!("output.{}", def.outputs[i].0),
        Node::Provider(i) => format!(
            "provider.{}",
            def.block(def.providers[i])
                .labels
                .first()
                .cloned()
                .unwrap_or_default()
        ),
    }
}

fn node_location(def: &ModuleDef, node: Node) -> (FileId, crate::syntax::Range) {
    match node {
        Node::Local(i) => {
            let (_, f, b, a) = def.locals[i];
            (def.files[f].file, def.local(f, b, a).range)
        }
        Node::Var(i) => (
            def.file_id(def.variables[i].1),
            def.block(def.variables[i].1).range,
        ),
        Node::Resource(i) => (
            def.file_id(def.resources[i].at),
            def.block(def.resources[i].at).range,
        ),
        Node::Module(i) => (
            def.file_id(def.module_calls[i].1),
            def.block(def.module_calls[i].1).range,
        ),
        Node::Output(i) => (
            def.file_id(def.outputs[i].1),
            def.block(def.outputs[i].1).range,
        ),
        Node::Provider(i) => (
            def.file_id(def.providers[i]),
            def.block(def.providers[i]).range,
        ),
    }
}

/// Iterative depth-first post-order; returns the order and the cycles found.
fn topological_order(deps: &[Vec<usize>]) -> (Vec<usize>, Vec<Vec<usize>>) {
    #[derive(Clone, Copy, PartialEq)]
    enum Mark {
        New,
        Active,
        Done,
    }
    let n = deps.len();
    let mut mark = vec![Mark::New; n];
    let mut order = Vec::with_capacity(n);
    let mut cycles = Vec::new();
    for start in 0..n {
        if mark[start] != Mark::New {
            continue;
        }
        // stack of (node, index of next dependency to visit)
        let mut stack: Vec<(usize, usize)> = vec![(start, 0)];
        mark[start] = Mark::Active;
        while let Some(&mut (node, ref mut next)) = stack.last_mut() {
            if *next < deps[node].len() {
                let dep = deps[node][*next];
                *next += 1;
                match mark[dep] {
                    Mark::New => {
                        mark[dep] = Mark::Active;
                        stack.push((dep, 0));
                    }
                    Mark::Active => {
                        let from = stack.iter().position(|(n, _)| *n == dep).unwrap_or(0);
                        cycles.push(stack[from..].iter().map(|(n, _)| *n).collect());
                    }
                    Mark::Done => {}
                }
            } else {
                mark[node] = Mark::Done;
                order.push(node);
                stack.pop();
            }
        }
    }
    (order, cycles)
}

/// `aws` or `aws.west` from a resource's `provider` argument, or the
/// provider implied by the type's prefix.
pub fn resource_provider_address(block: &Block, resource_type: &str) -> String {
    resource_provider(block, resource_type).0.into_owned()
}

/// The provider configuration a resource block uses: its address (`aws`,
/// `aws.west`, `aws.by_region`) and, for one instance of a provider with
/// `for_each` (OpenTofu 1.9: `provider = aws.by_region[each.key]`), the
/// expression of its key.
pub fn resource_provider<'b>(
    block: &'b Block,
    resource_type: &'b str,
) -> (std::borrow::Cow<'b, str>, Option<&'b crate::syntax::Expr>) {
    if let Some(attr) = block.body.attribute("provider") {
        // JSON syntax writes the reference as a string: `"aws.west"`
        if let Some(text) = literal_string(Some(attr)) {
            return (text.into(), None);
        }
        match &attr.expr.kind {
            ExprKind::Variable(name) => return (name.as_str().into(), None),
            ExprKind::Traversal(base, ops) => match (&base.kind, ops.as_slice()) {
                (ExprKind::Variable(name), [TraversalOp::GetAttr(alias)]) => {
                    return (text::concat([name, ".", alias]).into(), None)
                }
                (
                    ExprKind::Variable(name),
                    [TraversalOp::GetAttr(alias), TraversalOp::Index(key)],
                ) => return (text::concat([name, ".", alias]).into(), Some(key)),
                _ => {}
            },
            _ => {}
        }
    }
    // (the provider a type implies, `aws` of `aws_instance`: no copy made)
    let implied = resource_type.split('_').next().unwrap_or(resource_type);
    (implied.into(), None)
}

/// A `required_providers` entry's `source` and `version`: `aws = { source
/// = "hashicorp/aws", version = "~> 5.0" }`, or the legacy `aws = "~> 5.0"`.
pub fn provider_requirement(attr: &Attribute) -> (Option<String>, Option<String>) {
    match &attr.expr.kind {
        ExprKind::Object(items) => {
            let get = |key: &str| {
                items.iter().find_map(|(k, v)| {
                    let name = match k {
                        crate::syntax::ObjectKey::Ident(n) => n.as_str(),
                        crate::syntax::ObjectKey::Expr(e) => match &e.kind {
                            ExprKind::Variable(n) => n.as_str(),
                            _ => return None,
                        },
                    };
                    (name == key).then(|| match &v.kind {
                        ExprKind::Literal(Value::String(s)) => Some(String::from(&**s)),
                        ExprKind::Template(p) => match p.as_slice() {
                            [crate::syntax::TemplatePart::Literal(s)] => Some(s.clone()),
                            _ => None,
                        },
                        _ => None,
                    })?
                })
            };
            (get("source"), get("version"))
        }
        _ => (None, literal_string(Some(attr))),
    }
}

pub fn literal_string(attr: Option<&Attribute>) -> Option<String> {
    match &attr?.expr.kind {
        ExprKind::Literal(Value::String(s)) => Some(String::from(&**s)),
        ExprKind::Template(parts) => match parts.as_slice() {
            [crate::syntax::TemplatePart::Literal(s)] => Some(s.clone()),
            [] => Some(String::new()),
            _ => None,
        },
        _ => None,
    }
}

fn literal_bool(attr: Option<&Attribute>) -> Option<bool> {
    match &attr?.expr.kind {
        ExprKind::Literal(v) => v.as_bool(),
        _ => None,
    }
}

fn relative_path(root: &Path, dir: &Path) -> String {
    match crate::load::below(root, dir) {
        Some(rel) if rel.is_empty() => ".".to_string(),
        Some(rel) => rel.replace('\\', "/"),
        None => dir.to_string_lossy().into_owned(),
    }
}

/// What a `variable` block declares, the same for every instance of its
/// module: its type, its default, whether it takes null and whether it is
/// sensitive, and where it is.
#[derive(Debug)]
pub struct VariableDecl {
    ty: Option<Type>,
    default: Option<Value>,
    /// Where the default is written.
    default_span: Option<Span>,
    nullable: bool,
    sensitive: bool,
    block_span: Span,
    /// What is wrong with the type or the default: said with each
    /// instance, as Terraform says it for each use of the module.
    diagnostics: Vec<Diagnostic>,
}

impl Loader<'_> {
    /// The declarations of a module's variables, read on its first
    /// instance.
    fn variable_decls<'d>(&self, def: &'d ModuleDef) -> &'d [VariableDecl] {
        if let Some(decls) = def.variable_decls.get() {
            return decls;
        }
        let decls = def
            .variables
            .iter()
            .map(|(name, at)| self.variable_decl(def, name, *at))
            .collect();
        // (another thread may have read them meanwhile: the same, kept once)
        def.variable_decls.get_or_init(|| decls)
    }

    fn variable_decl(&self, def: &ModuleDef, name: &str, at: At) -> VariableDecl {
        let block = def.block(at);
        let file = def.file_id(at);
        let source = self.source(file);
        let mut ev = Evaluator::new(ModuleScope::empty(), &source, file, &self.fs);
        let ty = match block.body.attribute("type") {
            Some(attr) => {
                let entered = ev.enter(&attr.origin);
                let mut const_eval = |e: &crate::syntax::Expr| ev.eval(e);
                let ty = match parse_type(&attr.expr, &mut const_eval) {
                    Ok(t) => Some(t),
                    Err(msg) => {
                        ev.error(
                            attr.expr.range,
                            format!("invalid type for variable `{name}`: {msg}"),
                        );
                        None
                    }
                };
                ev.leave(entered);
                ty
            }
            None => None,
        };
        let default_attr = block.body.attribute("default");
        let default = default_attr.map(|a| ev.eval_attr(a));
        let default_span = default_attr.map(|a| ev.span_in(&a.origin, a.range));
        let nullable = literal_bool(block.body.attribute("nullable")).unwrap_or(true);
        // an ephemeral value (Terraform 1.10) is never stored: never printed
        let sensitive = ["sensitive", "ephemeral"]
            .iter()
            .any(|a| literal_bool(block.body.attribute(a)) == Some(true));
        let block_span = ev.span(block.range);
        VariableDecl {
            ty,
            default,
            default_span,
            nullable,
            sensitive,
            block_span,
            diagnostics: std::mem::take(&mut ev.diagnostics),
        }
    }

    fn eval_variable(
        &mut self,
        def: &ModuleDef,
        i: usize,
        scope: &mut ModuleScope,
        inputs: &mut FastMap<String, VariableInput>,
        call_span: Option<Span>,
        info: &mut ModuleInstance,
    ) {
        let (name, at) = &def.variables[i];
        let block = def.block(*at);
        let file = def.file_id(*at);
        let decl = &self.variable_decls(def)[i];
        let (ty, default, default_span) = (&decl.ty, &decl.default, &decl.default_span);
        let (nullable, sensitive, block_span) = (decl.nullable, decl.sensitive, decl.block_span);
        let mut diagnostics = decl.diagnostics.clone();
        let input = inputs.remove(&**name);
        let mut traces = Vec::new();
        let (raw, origin) = match input {
            Some(input) => {
                traces = input.traces;
                let value = match input.value {
                    InputValue::Value(v) => v,
                    InputValue::Text(text) => match text_input(&text, ty.as_ref()) {
                        Ok(v) => v,
                        Err(why) => {
                            diagnostics.push(
                                Diagnostic::error(format!(
                                    "invalid value for variable `{name}` (set by {}): {why}; it is treated as unknown",
                                    input.origin
                                ))
                                .at(block_span)
                                .help(format!("a list, map or object value is written as an HCL expression: --var '{name}={{key = \"value\"}}'")),
                            );
                            Value::unknown()
                        }
                    },
                };
                (value, input.origin)
            }
            None => match default {
                Some(v) => (
                    v.clone(),
                    VariableOrigin::Default(default_span.unwrap_or(block_span)),
                ),
                None if scope.address.is_empty() => {
                    diagnostics.push(
                        Diagnostic::info(format!(
                            "variable `{name}` has no value; it is treated as unknown"
                        ))
                        .at(block_span)
                        .help(format!("give it a value with --var {name}=… or --var-file")),
                    );
                    (
                        Value::unknown_from(text::concat(["var.", name])),
                        VariableOrigin::Unset,
                    )
                }
                None => {
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "module `{}` is missing the required argument `{name}`",
                            scope.address
                        ))
                        .at_opt(call_span.or(Some(block_span))),
                    );
                    (Value::unknown(), VariableOrigin::Unset)
                }
            },
        };
        let set_at = origin_span(&origin);
        // `nullable = false`: a null given is the default; with no default
        // (or a null one) Terraform refuses it
        if !nullable {
            if let (Some(at), Some(Value::Null)) = (default_span, default) {
                diagnostics.push(
                    Diagnostic::error(format!(
                        "variable `{name}`: a null default is not valid with `nullable = false`"
                    ))
                    .at(*at),
                );
            } else if raw.is_null() && default.is_none() {
                diagnostics.push(
                    Diagnostic::error(format!(
                        "variable `{name}` is not nullable, but it is set to null (set by {origin}) and has no default"
                    ))
                    .at(set_at.unwrap_or(block_span)),
                );
            }
        }
        let mut value = if raw.is_null() && !nullable {
            default.clone().unwrap_or(Value::Null)
        } else {
            raw
        };
        if let Some(t) = ty {
            match convert(&value, t) {
                Ok(v) => value = v,
                Err(msg) => {
                    // neither the message nor the line that sets a
                    // sensitive value may show it
                    let (at, msg) = if sensitive {
                        let msg = format!("the sensitive value is not of type {}", type_name(t));
                        (block_span, msg)
                    } else {
                        (set_at.unwrap_or(block_span), msg)
                    };
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "invalid value for variable `{name}` (set by {origin}): {msg}"
                        ))
                        .at(at),
                    );
                    value = Value::unknown();
                }
            }
        }
        if sensitive {
            value = value.sensitive();
        }
        self.diagnostics.append(&mut diagnostics);
        // the validations of the variable alone, in a scope of just it
        let cross = def.plan.get().map(|p| &p.cross_validations);
        for (k, validation) in block.body.blocks_of("validation").enumerate() {
            if cross.is_some_and(|c| c.contains(&(i, k))) {
                continue;
            }
            let mut alone = ModuleScope::default();
            let alone_value = Named {
                value: value.clone(),
                traces: Vec::new(),
            };
            alone.vars.insert(name.clone(), alone_value);
            self.check_validation(name, &value, &origin, set_at, file, validation, &alone);
        }
        traces.push(Trace::Source(Arc::new(ValueSource::Variable {
            module: scope.module.clone(),
            name: name.clone(),
            set_by: origin.clone(),
        })));
        // (in order without repeats: each reading of it copies them so)
        dedup(&mut traces);
        if matches!(ty, Some(Type::List(_) | Type::Tuple(_))) {
            scope.list_vars.push(String::from(&**name));
        }
        let named = Named {
            value: value.clone(),
            traces,
        };
        scope.vars.insert(name.clone(), named);
        info.variables.push(VariableInfo {
            name: name.clone(),
            value,
            set_by: origin,
            sensitive,
            span: block_span,
        });
    }

    /// A `moved` block's addresses, made absolute with the module
    /// instance's address. A block whose `from` or `to` is not an address,
    /// or whose `from` is still declared, is an error.
    fn moved(
        &mut self,
        def: &ModuleDef,
        at: At,
        scope: &ModuleScope,
    ) -> Option<cloudwright_model::Move> {
        let block = def.block(at);
        let file = def.file_id(at);
        let span = self.span(file, block.range);
        let source = self.source(file);
        let [from, to] = ["from", "to"].map(|end| {
            let text = address_text(block.body.attribute(end)?, &source);
            is_address(&text).then_some(text)
        });
        // a resource or module call moved away must no longer be declared
        if let Some(text) = &from {
            let whole = text.split('.').count() == 2 && !text.contains('[');
            if whole && scope.declared.contains(text) {
                self.diagnostics.push(
                    Diagnostic::error(format!(
                        "moved: `{text}` is still declared in this module; Terraform refuses to move an object that still exists"
                    ))
                    .at(span)
                    .help("remove the old block, or the `moved` block"),
                );
            }
        }
        let (Some(from), Some(to)) = (from, to) else {
            self.diagnostics.push(
                Diagnostic::error(
                    "a `moved` block needs `from` and `to` addresses (`from = aws_instance.old`)",
                )
                .at(span),
            );
            return None;
        };
        let address = scope.address.as_str();
        Some(cloudwright_model::Move {
            from: absolute(from, address),
            to: absolute(to, address),
            span,
        })
    }

    /// An `import` block's object, or a `removed` block's that keeps it
    /// (`lifecycle { destroy = false }`); `None` for a `removed` block
    /// that destroys (the object simply leaves the configuration). An
    /// `import` with `for_each` stands for every instance of its resource.
    fn handover(
        &mut self,
        def: &ModuleDef,
        at: At,
        address: &str,
    ) -> Option<cloudwright_model::Handover> {
        use cloudwright_model::HandoverKind;
        let block = def.block(at);
        let file = def.file_id(at);
        let span = self.span(file, block.range);
        let (end, kind) = match block.kind.as_str() {
            "import" => ("to", HandoverKind::Import),
            _ => ("from", HandoverKind::Release),
        };
        if kind == HandoverKind::Release {
            let destroy = block
                .body
                .blocks_of("lifecycle")
                .find_map(|l| literal_bool(l.body.attribute("destroy")));
            if destroy != Some(false) {
                return None;
            }
        }
        let source = self.source(file);
        let text = block.body.attribute(end).map(|a| address_text(a, &source));
        let text = match (kind, block.body.attribute("for_each")) {
            // `to = aws_instance.x[each.key]`: the resource, all its instances
            (HandoverKind::Import, Some(_)) => {
                text.map(|t| t.split('[').next().unwrap_or_default().to_string())
            }
            _ => text,
        };
        let Some(target) = text.filter(|t| is_address(t)).map(|t| absolute(t, address)) else {
            self.diagnostics.push(
                Diagnostic::error(format!(
                    "an `{}` block needs a `{end}` address (`{end} = aws_instance.example`)",
                    block.kind
                ))
                .at(span),
            );
            return None;
        };
        Some(cloudwright_model::Handover {
            address: target,
            kind,
            span,
        })
    }

    /// The assertions of a `check` block, with everything the module
    /// evaluated in scope; failing ones are warnings, as in Terraform. An
    /// assertion on the block's own scoped data source (read only at
    /// apply) is not checked.
    fn eval_check(&mut self, def: &ModuleDef, at: At, scope: &ModuleScope) {
        let block = def.block(at);
        let file = def.file_id(at);
        let scoped: Vec<String> = block
            .body
            .blocks_of("data")
            .filter_map(|d| Some(format!("{}.{}", d.labels.first()?, d.labels.get(1)?)))
            .collect();
        let name = block.labels.first().map(|l| l.as_str()).unwrap_or_default();
        let subject = subject("check", name, &scope.address);
        let source = self.source(file);
        let mut ev = Evaluator::new(scope, &source, file, &self.fs);
        let checked = block.body.blocks_of("assert").filter(|assert| {
            let mut on_scoped_data = false;
            assert.body.references(&mut |parts| {
                if let ["data", kind, data_name, ..] = parts {
                    on_scoped_data |= scoped.contains(&format!("{kind}.{data_name}"));
                }
            });
            !on_scoped_data
        });
        crate::conditions::check_all(&mut ev, checked, "assert", &subject);
        self.diagnostics.append(&mut ev.diagnostics);
    }

    /// Checks a variable's final value against one of its `validation`
    /// blocks, as Terraform does before planning: a `condition` that is
    /// false is an error where the value was set, with the block's
    /// `error_message`, the condition evaluated in `scope`. A condition
    /// that depends on values known only after apply is left to Terraform.
    #[allow(clippy::too_many_arguments)]
    fn check_validation(
        &mut self,
        name: &str,
        value: &Value,
        origin: &VariableOrigin,
        set_at: Option<Span>,
        file: FileId,
        validation: &crate::syntax::Block,
        scope: &ModuleScope,
    ) {
        let source = self.source(file);
        let mut ev = Evaluator::new(scope, &source, file, &self.fs);
        let checked = crate::conditions::evaluate(&mut ev, validation);
        self.diagnostics.append(&mut ev.diagnostics);
        drop(ev);
        let Some((outcome, condition_span)) = checked else {
            return;
        };
        let diagnostic = match outcome {
            Outcome::Holds | Outcome::Unknown => return,
            Outcome::Fails(message) => {
                let checked_at = {
                    let source = self.source(condition_span.file);
                    format!("{}:{}", source.display_path, condition_span.line)
                };
                // the line that sets a sensitive value would show it
                let at = match set_at {
                    Some(span) if !value.is_sensitive() => span,
                    _ => condition_span,
                };
                Diagnostic::error(format!(
                    "invalid value for variable `{name}` (set by {origin}): {message}"
                ))
                .at(at)
                .help(format!(
                    "Terraform rejects this value: it fails the validation at {checked_at}"
                ))
            }
            Outcome::NotBool(type_name) => Diagnostic::error(format!(
                "the validation condition of variable `{name}` must be true or false, not {type_name}"
            ))
            .at(condition_span),
        };
        self.diagnostics.push(diagnostic);
    }

    fn eval_local(&mut self, def: &ModuleDef, i: usize, scope: &mut ModuleScope) {
        let (name, f, b, a) = &def.locals[i];
        let attr = def.local(*f, *b, *a);
        let file = def.files[*f].file;
        let source = self.source(file);
        let mut ev = Evaluator::new(scope, &source, file, &self.fs);
        let value = ev.eval(&attr.expr);
        let mut traces = std::mem::take(&mut ev.traces);
        let span = ev.span(attr.range);
        self.diagnostics.append(&mut ev.diagnostics);
        drop(ev);
        traces.push(Trace::Source(Arc::new(ValueSource::Local {
            module: scope.module.clone(),
            name: name.clone(),
            span,
        })));
        dedup(&mut traces);
        if scope.makes_list(&attr.expr) {
            scope.list_locals.push(name.to_string());
        }
        scope.locals.insert(name.clone(), Named { value, traces });
    }

    /// A provider configuration; one per instance for OpenTofu's
    /// `for_each` on providers (1.9), each known as `aws.by_region["eu"]`.
    fn eval_provider(
        &mut self,
        def: &ModuleDef,
        at: At,
        scope: &ModuleScope,
        providers: &mut Providers,
        info: &mut ModuleInstance,
    ) {
        let block = def.block(at);
        let file = def.file_id(at);
        let source = self.source(file);
        let mut ev = Evaluator::new(scope, &source, file, &self.fs);
        let name = block
            .labels
            .first()
            .map(|l| l.as_str().to_owned())
            .unwrap_or_default();
        let span = ev.span(block.range);
        let expansion = match block.body.attribute("for_each") {
            Some(_) => resources::expansion(&mut ev, block),
            None => resources::Expansion::Single,
        };
        let subject = text::concat(["provider `", &name, "`"]);
        let typed = def
            .provider_types
            .iter()
            .find(|(a, _)| *a == at)
            .map(|(_, types)| resources::Typed {
                types,
                subject: &subject,
            });
        for key in expansion.keys() {
            let bound = resources::bind_instance(&mut ev, &expansion, &key);
            let fields = resources::eval_body(
                &mut ev,
                &block.body,
                "",
                None,
                &[cloudwright_model::name!("for_each")],
                None,
                typed,
            );
            ev.unbind(bound);
            let alias = fields
                .get("alias")
                .and_then(|v| v.as_str().map(|a| key.address(a)));
            let attributes = resources::close(&Value::map(fields));
            let address = match &alias {
                Some(a) => format!("{name}.{a}"),
                None => name.clone(),
            };
            providers.insert(
                address,
                ProviderInfo {
                    name: name.clone(),
                    alias: alias.clone(),
                    attributes: attributes.clone(),
                },
            );
            info.providers.push(ProviderConfig {
                name: name.clone(),
                alias,
                attributes,
                span,
            });
        }
        self.diagnostics.append(&mut ev.diagnostics);
    }

    /// The directory a module call of `def` named `name` loads from
    /// `source`, and the module there when it can be read.
    fn child_def(
        &mut self,
        def: &ModuleDef,
        name: &str,
        (source, version): (&str, Option<&str>),
        key_path: &str,
    ) -> (Option<PathBuf>, Option<Arc<ModuleDef>>) {
        let dir = if source.starts_with("./") || source.starts_with("../") {
            Some(normalize(&def.dir.join(source)))
        } else {
            let key = match key_path.is_empty() {
                true => name.to_string(),
                false => text::concat([key_path, ".", name]),
            };
            // (a Stack's source bundle holds modules by source instead)
            self.manifest.dirs.get(&key).cloned().or_else(|| {
                let bundle = self.manifest.bundle.as_ref()?;
                bundle.dir_of(source, version)
            })
        };
        let module = dir.as_ref().and_then(|d| {
            let mut modules = self.modules_src.lock().unwrap_or_else(|p| p.into_inner());
            if let Some(def) = modules.cached(d) {
                return def;
            }
            let mut sources = crate::load::write(self.sources);
            modules.module_def(d, &mut sources, &mut self.diagnostics)
        });
        (dir, module)
    }

    #[allow(clippy::too_many_arguments)]
    fn eval_module_call(
        &mut self,
        def: &ModuleDef,
        i: usize,
        scope: &ModuleScope,
        providers: &Providers,
        key_path: &str,
        ancestry: &mut Vec<PathBuf>,
        info: &mut ModuleInstance,
    ) -> (String, Value, BTreeMap<String, Vec<Trace>>, Vec<String>) {
        let (name, at) = &def.module_calls[i];
        let block = def.block(*at);
        let file = def.file_id(*at);
        let call_span = self.span(file, block.range);
        let child_key = if key_path.is_empty() {
            name.clone()
        } else {
            text::concat([key_path, ".", name])
        };
        let address = scope.call_address(name);
        let source_attr = block.body.attribute("source");
        // OpenTofu (1.8) evaluates a source made of variables and locals
        // before anything else: such a source is read the same way
        let source_text = literal_string(source_attr).or_else(|| {
            let attr = source_attr?;
            let source = self.source(file);
            let mut ev = Evaluator::new(scope, &source, file, &self.fs);
            let value = ev.eval_attr(attr);
            self.diagnostics.append(&mut ev.diagnostics);
            value.as_str().map(str::to_string)
        });
        let version = literal_string(block.body.attribute("version"));
        let unknown_module =
            |address: &str| crate::eval::instance_object(Default::default(), &address.into());

        let Some(source_text) = source_text else {
            self.diagnostics.push(
                Diagnostic::error(format!(
                    "module `{name}` needs a `source` string known before planning (a literal, or variables and locals)"
                ))
                .at(call_span),
            );
            return (
                name.clone(),
                unknown_module(&address),
                BTreeMap::new(),
                Vec::new(),
            );
        };
        // (a local source names the same directory for every instance of
        // the calling module: the definitions live as long as the load)
        let local = source_attr.is_some_and(|a| literal_string(Some(a)).is_some())
            && (source_text.starts_with("./") || source_text.starts_with("../"));
        let memo = (def as *const ModuleDef as usize, i);
        let (child_dir, child_def) = match self.local_children.get(&memo) {
            Some(found) if local => found.clone(),
            _ => {
                let found = self.child_def(def, name, (&source_text, version.as_deref()), key_path);
                if local {
                    self.local_children.insert(memo, found.clone());
                }
                found
            }
        };
        info.module_calls.push(ModuleCall {
            name: name.clone(),
            source: source_text.clone(),
            version: version.clone(),
            span: call_span,
            resolved_dir: child_def.as_ref().map(|d| d.display_dir.clone()),
        });
        let Some(child_def) = child_def else {
            let (message, help) = match &child_dir {
                Some(d) if source_text.starts_with('.') => (
                    format!("module `{name}`: source directory {:?} has no Terraform files", d.display().to_string()),
                    "check the `source` path".to_string(),
                ),
                // (a Stack's components come with `terraform stacks init`)
                _ if def.components => (
                    format!("component `{name}` ({source_text}) is not downloaded; its outputs are treated as unknown"),
                    "run `terraform stacks init` so Cloudwright can read .terraform/modules".to_string(),
                ),
                _ => (
                    format!("module `{name}` ({source_text}) is not downloaded; its outputs are treated as unknown"),
                    "run `terraform init` so Cloudwright can read .terraform/modules".to_string(),
                ),
            };
            self.diagnostics
                .push(Diagnostic::warning(message).at(call_span).help(help));
            return (
                name.clone(),
                unknown_module(&address),
                BTreeMap::new(),
                Vec::new(),
            );
        };
        if ancestry.contains(&child_def.dir) || ancestry.len() >= MAX_MODULE_DEPTH {
            self.diagnostics.push(
                Diagnostic::error(format!(
                    "module `{name}` calls itself (directly or through other modules) or nests deeper than {MAX_MODULE_DEPTH}; it is not evaluated"
                ))
                .at(call_span),
            );
            return (
                name.clone(),
                unknown_module(&address),
                BTreeMap::new(),
                Vec::new(),
            );
        }

        let source = self.source(file);
        let mut ev = Evaluator::new(scope, &source, file, &self.fs);
        resources::check_depends_on(&mut ev, &block.body);
        let expansion = resources::expansion(&mut ev, block);
        // (instance key, inputs, providers) for each instance
        let mut instances = Vec::new();
        for (n, key) in expansion.keys().into_iter().enumerate() {
            let bound = resources::bind_instance(&mut ev, &expansion, &key);
            let child_providers = module_providers(block, providers, &mut ev, n == 0);
            let mut inputs = FastMap::default();
            for attr in &block.body.attributes {
                if matches!(
                    attr.name.as_str(),
                    "source" | "version" | "count" | "for_each" | "providers" | "depends_on"
                ) {
                    continue;
                }
                ev.traces.clear();
                ev.read_each = false;
                let value = ev.eval_attr(attr);
                let traces = ev.take_traces(0);
                if attr.name == crate::stacks::INPUTS_OBJECT {
                    let span = ev.span_in(&attr.origin, attr.range);
                    component_inputs(&mut ev, attr, value, &traces, &child_def, &mut inputs, span);
                    continue;
                }
                inputs.insert(
                    attr.name.as_str().to_owned(),
                    VariableInput {
                        value: InputValue::Value(value),
                        origin: VariableOrigin::ModuleInput(ev.span_in(&attr.origin, attr.range)),
                        traces,
                    },
                );
            }
            ev.unbind(bound);
            instances.push((key, inputs, child_providers));
        }
        self.diagnostics.append(&mut ev.diagnostics);
        drop(ev);

        let mut values = Vec::new();
        let mut output_traces: BTreeMap<String, Vec<Trace>> = BTreeMap::new();
        let mut list_outputs = Vec::new();
        ancestry.push(child_def.dir.clone());
        for (key, inputs, child_providers) in instances {
            let instance_address = key.address(&address);
            let (value, traces_of_outputs, lists) = self.eval_module(InstanceRequest {
                def: child_def.clone(),
                address: instance_address,
                key_path: child_key.clone(),
                inputs,
                providers: child_providers,
                call_span: Some(call_span),
                ancestry,
            });
            for (output, traces) in traces_of_outputs {
                let entry = output_traces.entry(output).or_default();
                entry.extend(traces);
            }
            for output in lists {
                if !list_outputs.contains(&output) {
                    list_outputs.push(output);
                }
            }
            values.push((key, value));
        }
        ancestry.pop();
        for traces in output_traces.values_mut() {
            dedup(traces);
        }
        let value = resources::collect_instances(&expansion, values, &address);
        (name.clone(), value, output_traces, list_outputs)
    }

    /// Where the root module's backend (or `cloud` block) keeps its state
    /// in the workspace it is evaluated in; a backend configured in part
    /// completed from what `terraform init` recorded.
    fn state_place(&self, settings: &TerraformSettings) -> Option<String> {
        let (kind, config) = match (&settings.backend, &settings.cloud_config) {
            (Some(backend), _) => (backend.kind.as_str(), &backend.config),
            // (a `cloud` block keeps it in an HCP Terraform workspace)
            (None, Some(cloud)) => ("cloud", cloud),
            (None, None) => return None,
        };
        let (workspace, dir) = (&self.fs.workspace, &self.fs.root_dir);
        cloudwright_model::state::place(kind, config, workspace, dir).or_else(|| {
            let recorded = crate::remote_state::initialised(dir, kind)?;
            cloudwright_model::state::place(kind, &recorded, workspace, dir)
        })
    }

    /// A `backend` or `cloud` block's arguments, evaluated (its nested
    /// blocks as lists of objects) and closed.
    fn block_config(
        &mut self,
        def: &ModuleDef,
        at: crate::module::At,
        block: &crate::syntax::Block,
        scope: &ModuleScope,
    ) -> Value {
        let file = def.file_id(at);
        let source = self.source(file);
        let mut ev = Evaluator::new(scope, &source, file, &self.fs);
        let fields = resources::eval_body(&mut ev, &block.body, "", None, &[], None, None);
        self.diagnostics.append(&mut ev.diagnostics);
        resources::close(&Value::map(fields))
    }

    /// What a module's `terraform {}` blocks say; the shared empty settings
    /// for a module without one.
    fn terraform_settings(
        &mut self,
        def: &ModuleDef,
        scope: &ModuleScope,
    ) -> Arc<TerraformSettings> {
        if def.terraform_blocks.is_empty() && def.terraform_overrides.is_empty() {
            return TerraformSettings::none();
        }
        let mut settings = TerraformSettings::default();
        let blocks = def.terraform_blocks.iter().map(|at| (at, false));
        let overrides = def.terraform_overrides.iter().map(|at| (at, true));
        for (at, is_override) in blocks.chain(overrides) {
            let block = def.block(*at);
            let file = def.file_id(*at);
            if let Some(attr) = block.body.attribute("required_version") {
                if let Some(v) = literal_string(Some(attr)) {
                    // (a Stack's is its `.terraform-version` file)
                    let file = attr.origin.as_ref().map_or(file, |o| o.file);
                    settings.required_version = Some((v, self.span(file, attr.range)));
                }
            }
            for inner in &block.body.blocks {
                match inner.kind.as_str() {
                    "backend" => {
                        let config = self.block_config(def, *at, inner, scope);
                        if is_override {
                            // a backend and a cloud block exclude each other
                            settings.cloud = None;
                            settings.cloud_config = None;
                        }
                        settings.backend = Some(Backend {
                            kind: inner
                                .labels
                                .first()
                                .map(|l| l.as_str().to_owned())
                                .unwrap_or_default(),
                            config,
                            span: self.span(file, inner.range),
                        });
                    }
                    "cloud" => {
                        if is_override {
                            settings.backend = None;
                        }
                        settings.cloud = Some(self.span(file, inner.range));
                        settings.cloud_config = Some(self.block_config(def, *at, inner, scope));
                    }
                    "encryption" => {
                        let state = inner
                            .body
                            .blocks_of("state")
                            .find(|state| state.body.attribute("method").is_some());
                        if let Some(state) = state {
                            settings.state_encryption = Some(self.span(file, state.range));
                        }
                    }
                    "required_providers" => {
                        for attr in &inner.body.attributes {
                            let span = self.span(file, attr.range);
                            let (source, version) = provider_requirement(attr);
                            if is_override {
                                // replaces the requirement for this provider alone
                                settings.required_providers.retain(|p| p.name != attr.name);
                            }
                            settings.required_providers.push(RequiredProvider {
                                name: attr.name.as_str().to_owned(),
                                source,
                                version,
                                span,
                            });
                        }
                    }
                    _ => {}
                }
            }
        }
        Arc::new(settings)
    }
}

pub use cloudwright_model::state::DEFAULT_WORKSPACE;

/// A `-var` or `TF_VAR_` value: taken as a string for primitive (or
/// unconstrained) variables, parsed as an HCL expression for collections.
fn text_input(text: &str, ty: Option<&Type>) -> Result<Value, String> {
    match ty {
        None | Some(Type::String | Type::Number | Type::Bool | Type::Any) => {
            Ok(Value::string(text))
        }
        Some(_) => match crate::hcl::parse_expr(text) {
            Ok(expr) => {
                let scope = ModuleScope::default();
                let file = SourceFile::new(String::new(), PathBuf::new(), text.into());
                let fs = FsContext {
                    root_dir: PathBuf::new(),
                    sandbox: PathBuf::from("/nonexistent"),
                    workspace: DEFAULT_WORKSPACE.to_string(),
                    ..Default::default()
                };
                let mut ev = Evaluator::new(&scope, &file, FileId(0), &fs);
                ev.constant = true;
                let value = ev.eval(&expr);
                // (a reference or a function call: Terraform takes constants only)
                match ev.diagnostics.first() {
                    Some(d) => Err(d.message.clone()),
                    None => Ok(value),
                }
            }
            Err(e) => Err(format!("{text:?} is not an HCL expression ({})", e.message)),
        },
    }
}

/// The providers a child module sees: its parent's default configurations,
/// and the `providers = { aws = aws.west }` mapping of the call (an
/// instance of a provider with `for_each` chosen by key with `ev`'s
/// bindings: `aws = aws.by_region[each.key]`). A mapping to a
/// configuration the root module does not have is an error (said for the
/// first instance: `report`), and the child has no such configuration —
/// not the default one in its place.
fn module_providers(
    block: &Block,
    parent: &Providers,
    ev: &mut Evaluator<'_>,
    report: bool,
) -> Providers {
    let mut out: Providers = parent
        .iter()
        .filter(|(_, p)| p.alias.is_none())
        .map(|(k, v)| (k.clone(), v.clone()))
        .collect();
    if let Some(attr) = block.body.attribute("providers") {
        if let ExprKind::Object(items) = &attr.expr.kind {
            for (key, value) in items {
                let child_key = match key {
                    crate::syntax::ObjectKey::Ident(n) => Some(n.as_str().to_owned()),
                    crate::syntax::ObjectKey::Expr(e) => static_provider_address(e),
                };
                if let (Some(child_key), Some(parent_key)) =
                    (child_key, provider_instance_address(value, ev))
                {
                    match parent.get(&parent_key) {
                        Some(p) => {
                            out.insert(child_key, p.clone());
                        }
                        None => {
                            // (a module's own aliases come from its caller)
                            if report && ev.scope.address.is_empty() && parent_key.contains('.') {
                                report_unconfigured_alias(ev, value.range, &parent_key);
                            }
                            out.remove(&child_key);
                        }
                    }
                }
            }
        }
    }
    out
}

/// The error for a provider alias the root module does not configure,
/// with the configured one a misspelling meant (`aws.wset` → `aws.west`):
/// among the module's declared configurations (`provider.aws.west`),
/// evaluated yet or not — a misspelt alias orders nothing before it.
#[cold]
#[inline(never)]
pub fn report_unconfigured_alias(
    ev: &mut Evaluator<'_>,
    range: crate::syntax::Range,
    address: &str,
) {
    let scope = ev.scope;
    let aliases: Vec<&str> = (scope.declared.iter())
        .filter_map(|name| name.strip_prefix("provider."))
        .collect();
    ev.error_meaning(
        range,
        format!("provider `{address}` is not configured: the root module has no `provider` block with that alias"),
        crate::module::closest(address, &aliases),
    );
}

fn static_provider_address(e: &crate::syntax::Expr) -> Option<String> {
    match &e.kind {
        ExprKind::Variable(n) => Some(n.as_str().to_owned()),
        // JSON syntax: `"providers": {"aws": "aws.west"}`
        ExprKind::Literal(Value::String(s)) => Some(String::from(&**s)),
        ExprKind::Template(parts) => match parts.as_slice() {
            [crate::syntax::TemplatePart::Literal(s)] => Some(s.clone()),
            _ => None,
        },
        ExprKind::Traversal(base, ops) => match (&base.kind, ops.as_slice()) {
            (ExprKind::Variable(n), [TraversalOp::GetAttr(a)]) => Some(format!("{n}.{a}")),
            _ => None,
        },
        _ => None,
    }
}

/// The provider configuration an expression names (`aws.west`), with the
/// key of an instance of a provider with `for_each` evaluated by `ev`
/// (`aws.by_region[each.key]` → `aws.by_region["eu"]`).
fn provider_instance_address(e: &crate::syntax::Expr, ev: &mut Evaluator<'_>) -> Option<String> {
    if let ExprKind::Traversal(base, ops) = &e.kind {
        if let (ExprKind::Variable(n), [TraversalOp::GetAttr(a), TraversalOp::Index(key)]) =
            (&base.kind, ops.as_slice())
        {
            return Some(format!("{n}.{a}{}", ev.static_key(key)?));
        }
    }
    static_provider_address(e)
}

pub use cloudwright_model::source::normalize;

/// The traces in order, each once. Traces that compare equal are equal,
/// so an unstable sort (no scratch buffer to allocate, as the stable one
/// has) orders them the same.
pub fn dedup(traces: &mut Vec<Trace>) {
    if traces.len() < 2 {
        return;
    }
    traces.sort_unstable();
    traces.dedup();
}

/// Where a variable's value is written, when it is written in a file.
fn origin_span(origin: &VariableOrigin) -> Option<Span> {
    match origin {
        VariableOrigin::Default(s) | VariableOrigin::ModuleInput(s) => Some(*s),
        VariableOrigin::File { span, .. } => *span,
        _ => None,
    }
}

/// Whether a validation refers to its own variable and nothing else.
fn refers_only_to(validation: &Block, name: &str) -> bool {
    let mut only = true;
    validation.body.references(&mut |parts| {
        only &= matches!(parts, ["var", n, ..] if *n == name);
    });
    only
}

/// How diagnostics name a module's output or check: `` output `x` ``,
/// `` check `y` of `module.a` ``.
fn subject(kind: &str, name: &str, module: &str) -> String {
    match module {
        "" => format!("{kind} `{name}`"),
        module => format!("{kind} `{name}` of `{module}`"),
    }
}

/// An address in the module instance at `module`, made absolute.
fn absolute(text: String, module: &str) -> String {
    match module {
        "" => text,
        module => format!("{module}.{text}"),
    }
}

/// An address as written: a reference (`aws_instance.a[0]`) or, in JSON
/// syntax, a string.
fn address_text(attr: &Attribute, source: &SourceFile) -> String {
    literal_string(Some(attr)).unwrap_or_else(|| {
        let range = attr.expr.range;
        source
            .text
            .get(range.start as usize..range.end as usize)
            .unwrap_or_default()
            .chars()
            .filter(|c| !c.is_whitespace())
            .collect()
    })
}

/// Whether `text` reads as a resource, instance or module address:
/// dotted names with `[…]` keys (`module.a["x"].aws_instance.b[0]`).
fn is_address(text: &str) -> bool {
    let head = text.split('[').next().unwrap_or_default();
    !head.is_empty()
        && head.split('.').all(|part| {
            !part.is_empty()
                && part
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
        })
        && text.matches('[').count() == text.matches(']').count()
}

/// A Stack component's `inputs` not written as an object
/// ([`crate::stacks::INPUTS_OBJECT`]): each attribute of its value sets the
/// variable of its name, with the references of the whole expression that
/// the attribute's value holds (a `merge` of a local and of outputs: the
/// outputs for the attributes that hold them); a value not known sets
/// every variable of the module unknown (whichever it sets, it sets them
/// from what is unknown).
fn component_inputs(
    ev: &mut Evaluator<'_>,
    attr: &crate::syntax::Attribute,
    value: Value,
    traces: &[Trace],
    child: &ModuleDef,
    inputs: &mut FastMap<String, VariableInput>,
    span: cloudwright_model::Span,
) {
    let input = |value: Value, traces: Vec<Trace>| VariableInput {
        value: InputValue::Value(value),
        origin: VariableOrigin::ModuleInput(span),
        traces,
    };
    match value.as_object() {
        Some(object) => {
            for (name, v) in object.fields().iter() {
                let mut origins = Vec::new();
                v.unknown_origins(&mut origins);
                let held = traces
                    .iter()
                    .filter(|t| match t {
                        Trace::Reference { target, .. } => origins.iter().any(|o| {
                            o.strip_prefix(&**target)
                                .is_some_and(|r| r.starts_with('.'))
                        }),
                        Trace::Source(_) => false,
                    })
                    .cloned()
                    .collect();
                // (a mark on the whole is on each of its parts)
                let v = match value.is_sensitive() {
                    true => v.clone().sensitive(),
                    false => v.clone(),
                };
                inputs.insert(name.to_string(), input(v, held));
            }
        }
        None if value.is_unknown() => {
            for (name, _) in &child.variables {
                inputs.insert(name.to_string(), input(value.clone(), traces.to_vec()));
            }
        }
        None => {
            ev.error(
                attr.expr.range,
                format!(
                    "a component's `inputs` is an object of its module's variables, not {}",
                    value.type_name()
                ),
            );
        }
    }
}
