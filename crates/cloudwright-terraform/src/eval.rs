//! Expression evaluation with Terraform's semantics and Unknown as a value.
//!
//! An evaluation error (wrong type, missing attribute, bad index) is what
//! Terraform would report at plan time: it becomes a diagnostic at the
//! expression's location and the expression's value becomes Unknown, so the
//! rest of the configuration is still evaluated and nothing is guessed.

use crate::functions;
use crate::syntax::*;
use cloudwright_model::{
    format_number, text, Diagnostic, FileId, Object, Severity, SourceFile, Span, Unknown, Value,
    ValueSource,
};
use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Something an expression referred to, recorded while evaluating it.
#[derive(Clone, Debug, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Trace {
    /// A resource, data source or module instance (absolute address) and the
    /// attribute read from it.
    Reference {
        target: cloudwright_model::text::Shared,
        attribute: Option<crate::syntax::Name>,
    },
    /// A variable, local or module output the value passed through.
    Source(Arc<ValueSource>),
}

/// A variable's or a local's value and its traces — what an expression
/// that refers to it inherits (references, provenance): one lookup for
/// both.
#[derive(Debug, Default)]
pub struct Named {
    pub value: Value,
    pub traces: Vec<Trace>,
}

/// A resource's, data source's or module call's value in its module
/// instance, with its absolute address: what a reference to it records,
/// made once and shared by every reference (`module.net.aws_vpc.main`).
#[derive(Debug)]
pub struct Declared {
    pub value: Value,
    pub address: cloudwright_model::text::Shared,
}

/// The named values of one module instance, filled in dependency order.
/// Looked up for every reference an expression makes: hashed with foldhash,
/// not SipHash (the keys are the configuration's own names).
#[derive(Default)]
pub struct ModuleScope {
    /// `""` for the root module, else `module.a.module.b["x"]`.
    pub address: String,
    /// The same, shared by the module instance's resources.
    pub module: cloudwright_model::text::Shared,
    /// Variables by name, with the traces of their values.
    pub vars: FastMap<Arc<str>, Named>,
    /// The variables whose type constraint is a list or a tuple (a
    /// `for_each` over one is refused: Terraform wants a map or a set).
    pub list_vars: Vec<String>,
    /// The locals whose expression makes a list or a tuple (see
    /// [`ModuleScope::makes_list`]).
    pub list_locals: Vec<String>,
    /// The outputs of module calls whose expression does: `vpc.subnet_ids`.
    pub list_outputs: Vec<String>,
    /// Locals by name, with the traces of their values.
    pub locals: FastMap<Arc<str>, Named>,
    /// `aws_vpc.main` → instance object, list (count) or map (for_each)
    pub resources: FastMap<cloudwright_model::text::Shared, Declared>,
    /// `aws_iam_policy_document.x` → same shapes as resources
    pub data: FastMap<cloudwright_model::text::Shared, Declared>,
    /// `net` → the module call's outputs (an object, or a list or map of
    /// them for `count`/`for_each`)
    pub modules: FastMap<String, Declared>,
    /// Traces of named values, so that expressions referring to them
    /// inherit references and provenance (variables' and locals' are kept
    /// with their values, [`Named`]): of module outputs (`module.z.out`)
    /// and this module's outputs (`output.o`).
    pub traces: FastMap<String, Vec<Trace>>,
    /// Every name the module declares (`var.x`, `aws_vpc.main`): a name
    /// declared but without a value (in a cycle) is unknown, not undeclared.
    /// The module definition's set, shared by its instances.
    pub declared: Arc<FastSet<String>>,
    /// The module could be read only in part (see [`ModuleScope::declares`]).
    pub partial: bool,
    /// Its module calls are a Stack's components ([`ModuleScope::call_address`]).
    pub components: bool,
    /// `path.module` relative to the root module directory.
    pub path_module: String,
}

impl ModuleScope {
    /// Whether an expression, as written, makes a list or a tuple — which a
    /// `for_each` refuses (it wants a map or a set: only a set's elements
    /// have no order to key instances by). Values carry no type, so this is
    /// read from the expression: a tuple or a list `for`, a variable typed
    /// `list(…)`/`tuple(…)`, a local written so, a function that returns a
    /// list (`keys`, `concat`, `distinct`, `flatten` …), a splat of a
    /// resource or data source (`aws_subnet.private[*].id`: a tuple
    /// whatever the resource's instances), a module output whose
    /// expression makes one, or a conditional both of whose branches do.
    pub fn makes_list(&self, expr: &crate::syntax::Expr) -> bool {
        use crate::syntax::{ExprKind, TraversalOp};
        let splat = |op: Option<&TraversalOp>| {
            matches!(op, Some(TraversalOp::FullSplat | TraversalOp::AttrSplat))
        };
        match &expr.kind {
            ExprKind::Tuple(_) => true,
            ExprKind::For(f) => f.key_expr.is_none(),
            ExprKind::Traversal(base, ops) => match (&base.kind, ops.as_slice()) {
                (ExprKind::Variable(root), [TraversalOp::GetAttr(name)]) => match root.as_str() {
                    "var" => self.list_vars.iter().any(|v| v == name.as_str()),
                    "local" => self.list_locals.iter().any(|v| v == name.as_str()),
                    _ => false,
                },
                (ExprKind::Variable(root), _) if root == "module" => {
                    // `module.vpc.ids`, `module.vpc[0].ids`
                    let output = match ops.as_slice() {
                        [TraversalOp::GetAttr(m), TraversalOp::GetAttr(o)]
                        | [TraversalOp::GetAttr(m), TraversalOp::Index(_), TraversalOp::GetAttr(o)] => {
                            Some((m, o))
                        }
                        _ => None,
                    };
                    output.is_some_and(|(m, o)| {
                        self.list_outputs
                            .iter()
                            .any(|l| l.split_once('.') == Some((m.as_str(), o.as_str())))
                    })
                }
                (ExprKind::Variable(root), _) => match root.as_str() {
                    "data" => splat(ops.get(2)),
                    "var" | "local" | "each" | "count" | "self" | "path" | "terraform" => false,
                    _ => splat(ops.get(1)),
                },
                _ => false,
            },
            ExprKind::Call(call) => LIST_FUNCTIONS.contains(&call.name.as_str()),
            ExprKind::Conditional(parts) => {
                self.makes_list(&parts[1]) && self.makes_list(&parts[2])
            }
            _ => false,
        }
    }
}

/// A tuple, object or `for` constructor.
fn is_constructor(e: &Expr) -> bool {
    matches!(
        e.kind,
        ExprKind::Tuple(_) | ExprKind::Object(_) | ExprKind::For(_)
    )
}

/// What a conditional's other result may cheaply be evaluated aside for
/// its type: a constructor, a literal, a template, a variable or a local.
fn is_cheap(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Literal(_) | ExprKind::Template(_) => true,
        ExprKind::Traversal(base, _) => {
            matches!(&base.kind, ExprKind::Variable(root) if root == "var" || root == "local")
        }
        _ => is_constructor(e),
    }
}

/// Functions whose result is always a list or a tuple, whatever their
/// arguments (a set given to `concat` or `sort` comes back a list).
const LIST_FUNCTIONS: &[&str] = &[
    "chunklist",
    "coalescelist",
    "compact",
    "concat",
    "distinct",
    "flatten",
    "formatlist",
    "keys",
    "matchkeys",
    "range",
    "reverse",
    "slice",
    "sort",
    "split",
    "tolist",
    "values",
];

/// Appends `run`, traces in order without repeats, to `traces`, where it
/// starts being kept in `run_start` ([`Evaluator::trace_run`]).
fn append_run(traces: &mut Vec<Trace>, run_start: &mut usize, run: &[Trace]) {
    if !run.is_empty() {
        *run_start = traces.len();
        traces.extend(run.iter().cloned());
    }
}

/// Two ordered lists without repeats as one (what sorting their
/// concatenation and dropping repeats would give).
fn merge_sorted(a: Vec<Trace>, b: &[Trace]) -> Vec<Trace> {
    let mut out = Vec::with_capacity(a.len() + b.len());
    let mut b = b.iter().peekable();
    for t in a {
        while let Some(&next) = b.peek() {
            match next.cmp(&t) {
                std::cmp::Ordering::Less => {
                    out.push(next.clone());
                    b.next();
                }
                std::cmp::Ordering::Equal => {
                    b.next();
                }
                std::cmp::Ordering::Greater => break,
            }
        }
        out.push(t);
    }
    out.extend(b.cloned());
    out
}

impl ModuleScope {
    /// A scope with no names in it, shared: what a variable's type and
    /// default, or a template, are evaluated in (made once, not per use).
    pub fn empty() -> &'static ModuleScope {
        static EMPTY: std::sync::LazyLock<ModuleScope> =
            std::sync::LazyLock::new(ModuleScope::default);
        &EMPTY
    }
}

/// Names to values, hashed with foldhash.
pub type FastMap<K, V> = HashMap<K, V, foldhash::fast::RandomState>;

/// A set of names, hashed with foldhash.
pub type FastSet<K> = std::collections::HashSet<K, foldhash::fast::RandomState>;

/// An order to evaluate named values in, each after those it refers to
/// (`deps[i]`: the indexes value `i` refers to), and the values on a cycle
/// (each is in the order, after what it refers to off the cycle).
pub fn dependency_order(deps: &[Vec<usize>]) -> (Vec<usize>, FastSet<usize>) {
    // depth-first, the values being visited on `stack`: one met again
    // there closes a cycle, and every value on it is in the cycle
    struct Walk<'d> {
        deps: &'d [Vec<usize>],
        done: Vec<bool>,
        stack: Vec<usize>,
        order: Vec<usize>,
        cyclic: FastSet<usize>,
    }
    impl Walk<'_> {
        fn visit(&mut self, i: usize) {
            if self.done[i] {
                return;
            }
            if let Some(at) = self.stack.iter().position(|&s| s == i) {
                self.cyclic.extend(self.stack[at..].iter().copied());
                return;
            }
            self.stack.push(i);
            for &d in &self.deps[i] {
                self.visit(d);
            }
            self.stack.pop();
            self.done[i] = true;
            self.order.push(i);
        }
    }
    let mut walk = Walk {
        deps,
        done: vec![false; deps.len()],
        stack: Vec::new(),
        order: Vec::with_capacity(deps.len()),
        cyclic: FastSet::default(),
    };
    for i in 0..deps.len() {
        walk.visit(i);
    }
    (walk.order, walk.cyclic)
}

impl ModuleScope {
    /// The absolute address of something the module declares: the
    /// module's address and a dot (nothing for the root module), then
    /// `parts` joined (`module.net.` + `aws_vpc.main`), allocated once.
    pub fn address_of<const N: usize>(&self, parts: [&str; N]) -> String {
        let prefix = if self.address.is_empty() {
            0
        } else {
            self.address.len() + 1
        };
        let mut out = String::with_capacity(prefix + parts.iter().map(|p| p.len()).sum::<usize>());
        if prefix > 0 {
            out.push_str(&self.address);
            out.push('.');
        }
        for part in parts {
            out.push_str(part);
        }
        out
    }

    /// The absolute address of the module call `name` declares:
    /// `module.net`, or a Stack's component `component.net`.
    pub fn call_address(&self, name: &str) -> String {
        match self.components {
            true => self.address_of(["component.", name]),
            false => self.address_of(["module.", name]),
        }
    }

    /// Does the module declare `name` (`var.x`, `module.y`, `aws_vpc.z`)?
    /// Anything may be declared in the parts of a partly read module (a
    /// syntax error's, reported): a name not found there is unknown, not
    /// undeclared.
    pub fn declares(&self, name: &str) -> bool {
        self.partial || self.traces.contains_key(name) || self.declared.contains(name)
    }
}

/// Filesystem access for `file()` and friends: relative paths resolve against
/// the root module directory (Terraform's working directory) and must stay
/// inside the scanned tree.
#[derive(Clone, Debug, Default)]
pub struct FsContext {
    pub root_dir: PathBuf,
    pub sandbox: PathBuf,
    /// `terraform.workspace` of the root module being evaluated.
    pub workspace: String,
    /// The states the load's other root modules write, for its
    /// `terraform_remote_state` data sources ([`crate::remote_state`]).
    pub remote_states: Arc<crate::remote_state::RemoteStates>,
    /// What `file()` and friends have read in this load.
    pub reads: FileReads,
}

/// What `file()`, `templatefile()` and friends read in one load, kept: a
/// file is read once however many resource instances, module instances
/// and root modules read it (a module's `user_data` template, its policy
/// files), and a template parsed once for each place that renders it.
/// Files do not change while they are loaded.
#[derive(Clone, Debug, Default)]
pub struct FileReads(Arc<std::sync::Mutex<KeptReads>>);

/// A file's bytes, or why they cannot be read.
type Read = Result<Arc<[u8]>, String>;

#[derive(Debug, Default)]
struct KeptReads {
    /// (root module directory, path as given, the reading module's
    /// `path.module`) → what reading it gives.
    files: FastMap<(PathBuf, String, String), Read>,
    /// (the template's bytes, the file and range of the call) → the
    /// template, its ranges those of the call, or its syntax error.
    templates: FastMap<(usize, FileId, Range), Result<Arc<Expr>, String>>,
}

impl FileReads {
    fn kept(&self) -> std::sync::MutexGuard<'_, KeptReads> {
        self.0
            .lock()
            .unwrap_or_else(std::sync::PoisonError::into_inner)
    }

    /// What `make` gives for `key` in the map `pick` chooses, made once
    /// (and without holding the other threads back while it is made).
    fn kept_or<K: std::hash::Hash + Eq, V: Clone>(
        &self,
        pick: fn(&mut KeptReads) -> &mut FastMap<K, V>,
        key: K,
        make: impl FnOnce() -> V,
    ) -> V {
        if let Some(kept) = pick(&mut self.kept()).get(&key) {
            return kept.clone();
        }
        let made = make();
        pick(&mut self.kept()).insert(key, made.clone());
        made
    }

    /// The bytes `read` gives for (root, path, module), read once.
    pub fn file(&self, key: (&Path, &str, &str), read: impl FnOnce() -> Read) -> Read {
        let key = (key.0.to_path_buf(), key.1.to_string(), key.2.to_string());
        self.kept_or(|k| &mut k.files, key, read)
    }

    /// The template `parse` makes of `text` (bytes [`FileReads::file`]
    /// kept) for a call at `range` of `file`, parsed once.
    pub fn template(
        &self,
        (text, file, range): (&Arc<[u8]>, FileId, Range),
        parse: impl FnOnce() -> Result<Expr, String>,
    ) -> Result<Arc<Expr>, String> {
        // (the bytes are kept with the files: their address names them)
        let key = (Arc::as_ptr(text) as *const u8 as usize, file, range);
        self.kept_or(|k| &mut k.templates, key, || parse().map(Arc::new))
    }
}

impl FsContext {
    /// A path a function of the module at `module` (its `path.module`) may
    /// read: relative to the root module, as Terraform takes it, and inside
    /// the scanned directory — or inside the module's own directory, for a
    /// module called from outside it (`source = "../shared/web"`) whose
    /// templates and policies lie beside its code.
    pub fn resolve(&self, path: &str, module: &str) -> Result<PathBuf, String> {
        let p = Path::new(path);
        let joined = if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.root_dir.join(p)
        };
        let canonical = joined
            .canonicalize()
            .map_err(|e| format!("cannot read {path:?}: {e}"))?;
        if !self.inside(&canonical, module) {
            return Err(format!(
                "{path:?} is outside the scanned directory and the module's own; Cloudwright reads no file outside them"
            ));
        }
        Ok(canonical)
    }

    /// Whether a canonical path is in the scanned directory or the module's.
    fn inside(&self, canonical: &Path, module: &str) -> bool {
        canonical.starts_with(&self.sandbox)
            || self
                .root_dir
                .join(module)
                .canonicalize()
                .is_ok_and(|dir| canonical.starts_with(dir))
    }

    /// Whether `path` names no file, in a directory [`FsContext::resolve`]
    /// would read from (a build artifact not made yet).
    pub fn missing_inside(&self, path: &str, module: &str) -> bool {
        let joined = self.root_dir.join(path);
        let mut existing = joined.as_path();
        while !existing.exists() {
            match existing.parent() {
                Some(parent) => existing = parent,
                None => return false,
            }
        }
        let plain_rest = joined.strip_prefix(existing).is_ok_and(|rest| {
            rest.components()
                .all(|c| matches!(c, std::path::Component::Normal(_)))
        });
        existing != joined
            && plain_rest
            && existing
                .canonicalize()
                .is_ok_and(|dir| self.inside(&dir, module))
    }
}

/// An evaluator's working buffers, kept by its thread when it is dropped
/// for the next one made there: a block's evaluator is made and dropped
/// per block of every module instance, and would otherwise grow its
/// bindings, traces and template text from nothing each time.
#[derive(Default)]
struct Buffers {
    bindings: Vec<(crate::syntax::Name, Value)>,
    traces: Vec<Trace>,
    template_buf: String,
}

/// Buffers above this many elements are not kept (one evaluation of a
/// large `for` need not hold its thread's memory).
const SPARE_MOST: usize = 4096;

thread_local! {
    static SPARE: std::cell::Cell<Buffers> = std::cell::Cell::new(Buffers::default());
}

impl Drop for Evaluator<'_> {
    fn drop(&mut self) {
        if self.bindings.capacity() > SPARE_MOST || self.traces.capacity() > SPARE_MOST {
            return;
        }
        // (cleared before they are kept: nothing they held outlives the
        // evaluator)
        self.bindings.clear();
        self.traces.clear();
        self.template_buf.clear();
        let buffers = Buffers {
            bindings: std::mem::take(&mut self.bindings),
            traces: std::mem::take(&mut self.traces),
            template_buf: std::mem::take(&mut self.template_buf),
        };
        SPARE.with(|spare| spare.set(buffers));
    }
}

/// Evaluates expressions of one file in one module scope.
pub struct Evaluator<'a> {
    pub scope: &'a ModuleScope,
    pub source: &'a SourceFile,
    pub file: FileId,
    pub fs: &'a FsContext,
    /// `count`, `each`, `for` variables and dynamic-block iterators, innermost last.
    pub bindings: Vec<(crate::syntax::Name, Value)>,
    pub diagnostics: Vec<Diagnostic>,
    /// What the expressions evaluated referred to, in the order they read
    /// it: appended only where `run_start` is kept with it ([`append_run`],
    /// a reference recorded), shortened freely.
    pub traces: Vec<Trace>,
    /// Where the last run appended to `traces` starts: from there on they
    /// are in order without repeats (a named value's traces, a
    /// reference), so that traces taken from within one run need no sort.
    run_start: usize,
    /// The variables, locals and module outputs the block's `for_each`
    /// was computed from: a value read through `each` came from them too.
    pub each_sources: Vec<Trace>,
    /// Whether what is being evaluated read `each`: its traces then take
    /// `each_sources` too, merged in once (see `take_traces`).
    pub read_each: bool,
    /// Evaluating a constant (a variables file, a `TF_VAR_` or `--var`
    /// value): no references, no function calls, as Terraform has it.
    pub constant: bool,
    /// Nesting depth guard for pathological input.
    depth: u32,
    /// Where templates are rendered before their text is copied into the
    /// value: reused, so a rendering grows no string of its own.
    template_buf: String,
    /// While an attribute or block merged in from an override file is
    /// evaluated: that file, where its ranges are.
    foreign: crate::syntax::Origin,
    /// Functions beyond Terraform's, looked up before them: Terragrunt's,
    /// in a `terragrunt.hcl`.
    pub host: Option<&'a dyn FunctionHost>,
    /// The line of the last span measured in `source`, where the next is
    /// looked for first ([`SourceFile::span_near`]).
    line_hint: std::cell::Cell<usize>,
    /// What is remembered while a block is evaluated, made on first use
    /// (most evaluations need none).
    kept: Option<Box<Kept>>,
    /// Whether splats are kept: while the instances of a block of several
    /// are evaluated, each reading them again.
    pub remember_splats: bool,
}

/// A set of functions an evaluation adds to Terraform's (Terragrunt's, in
/// a `terragrunt.hcl`): `None` for a name it does not define.
pub trait FunctionHost {
    fn call(&self, name: &str, args: &[Value]) -> Option<Result<Value, String>>;
}

const MAX_DEPTH: u32 = 200;

/// Whether what a value holds is worth remembering
/// ([`Evaluator::holds_sensitive`]): a list or map of [`MEMO_MIN`]
/// elements or more that something else holds too.
#[inline]
fn worth_remembering(v: &Value) -> bool {
    match v {
        Value::List(items) => items.len() >= MEMO_MIN && items.is_shared(),
        Value::Map(obj) => obj.fields().len() >= MEMO_MIN && obj.is_shared(),
        _ => false,
    }
}

/// What an evaluation remembers, by the address of what it is about.
#[derive(Default)]
struct Kept {
    /// Whether large lists and maps hold a sensitive or an unknown value,
    /// by their shared copy's address (the copy kept, so that the address
    /// stays its): `lookup(local.big, each.key)` for each instance walks
    /// the map once, not once per instance ([`Evaluator::holds_sensitive`]).
    holds: FastMap<usize, (Value, Holds)>,
    /// The splats of what the scope holds, by their traversal's address in
    /// the syntax tree, with their traces ([`Evaluator::eval_traversal`]).
    splats: FastMap<usize, (Value, Vec<Trace>)>,
    /// Where each string of a large list of strings first stands, by the
    /// list's shared copy's address (the copy kept); `None` for a list
    /// holding anything else ([`Evaluator::position_in`]).
    positions: FastMap<
        usize,
        (
            Value,
            Option<FastMap<cloudwright_model::text::Shared, usize>>,
        ),
    >,
}

/// What a value holds, anywhere inside it.
#[derive(Clone, Copy, Default)]
struct Holds {
    sensitive: bool,
    unknown: bool,
}

impl Holds {
    fn of(v: &Value) -> Holds {
        Holds {
            sensitive: v.contains_sensitive(),
            unknown: v.contains_unknown(),
        }
    }
}

/// From how many elements what a list or map holds (a sensitive value, an
/// unknown one) is remembered ([`Evaluator::holds_sensitive`]): smaller
/// ones are walked faster than looked up.
const MEMO_MIN: usize = 32;

impl<'a> Evaluator<'a> {
    pub fn new(
        scope: &'a ModuleScope,
        source: &'a SourceFile,
        file: FileId,
        fs: &'a FsContext,
    ) -> Self {
        let Buffers {
            bindings,
            traces,
            template_buf,
        } = SPARE.with(|spare| spare.take());
        Evaluator {
            scope,
            source,
            file,
            fs,
            bindings,
            diagnostics: Vec::new(),
            traces,
            run_start: 0,
            each_sources: Vec::new(),
            read_each: false,
            constant: false,
            depth: 0,
            template_buf,
            foreign: None,
            host: None,
            line_hint: std::cell::Cell::new(0),
            kept: None,
            remember_splats: false,
        }
    }

    /// [`Value::contains_sensitive`], remembered for lists and maps of
    /// [`MEMO_MIN`] elements or more held elsewhere too (a variable's, a
    /// local's: read again by the next instance; a list made for one call,
    /// a splat, is not kept alive by being remembered).
    #[inline]
    pub fn holds_sensitive(&mut self, v: &Value) -> bool {
        match worth_remembering(v) {
            true => self.remembered(v).sensitive,
            false => v.contains_sensitive(),
        }
    }

    /// [`Value::contains_unknown`], remembered as
    /// [`Evaluator::holds_sensitive`] is.
    #[inline]
    pub fn holds_unknown(&mut self, v: &Value) -> bool {
        match worth_remembering(v) {
            true => self.remembered(v).unknown,
            false => v.contains_unknown(),
        }
    }

    /// Where a string first stands in a large list that something else
    /// holds too (a local's, a variable's), for `contains` and `index`
    /// read for each instance (`contains(local.names, each.key)`): the list
    /// is indexed once, each search a lookup. `Some(None)` when it is not
    /// there; `None` when not told so — a small or unshared list, one
    /// holding anything but known strings, a needle not a known string —
    /// for the search element by element to decide.
    pub fn position_in(&mut self, list: &Value, needle: &Value) -> Option<Option<usize>> {
        let (Value::List(items), Value::String(needle)) = (list, needle) else {
            return None;
        };
        if !worth_remembering(list) {
            return None;
        }
        let kept = self.kept.get_or_insert_default();
        let (_, index) = kept
            .positions
            .entry(items.as_ptr() as usize)
            .or_insert_with(|| {
                let mut index = FastMap::with_capacity_and_hasher(items.len(), Default::default());
                for (i, item) in items.iter().enumerate() {
                    let Value::String(s) = item else {
                        return (list.clone(), None);
                    };
                    index.entry(s.clone()).or_insert(i);
                }
                (list.clone(), Some(index))
            });
        index
            .as_ref()
            .map(|index| index.get(needle.as_str()).copied())
    }

    #[inline(never)]
    fn remembered(&mut self, v: &Value) -> Holds {
        let key = match v {
            Value::List(items) => items.as_ptr() as usize,
            Value::Map(obj) => obj.as_ptr() as usize,
            _ => return Holds::of(v),
        };
        if let Some((_, holds)) = self.kept.as_ref().and_then(|k| k.holds.get(&key)) {
            return *holds;
        }
        let mut holds = Holds::default();
        let mut add = |ev: &mut Self, item: &Value| {
            let h = match worth_remembering(item) {
                true => ev.remembered(item),
                false => Holds::of(item),
            };
            holds.sensitive |= h.sensitive;
            holds.unknown |= h.unknown;
        };
        match v {
            Value::List(items) => items.iter().for_each(|i| add(self, i)),
            Value::Map(obj) => obj.fields().values().for_each(|i| add(self, i)),
            _ => {}
        }
        (self.kept.get_or_insert_default().holds).insert(key, (v.clone(), holds));
        holds
    }

    /// The traces recorded since `mark`, in order and without repeats, with
    /// the sources of the block's `for_each` when `each` was read: those
    /// are in order already, and merged in rather than sorted again.
    #[inline]
    pub fn take_traces(&mut self, mark: usize) -> Vec<Trace> {
        let with_each = std::mem::take(&mut self.read_each) && !self.each_sources.is_empty();
        if self.traces.len() <= mark && !with_each {
            // (a literal: nothing traced, nothing to sort)
            return Vec::new();
        }
        self.take_traced(mark, with_each)
    }

    #[inline(never)]
    fn take_traced(&mut self, mark: usize, with_each: bool) -> Vec<Trace> {
        // (within one run since `mark`: already in order, without repeats)
        let in_order = self.run_start <= mark;
        let mut traces: Vec<Trace> = self.traces.drain(mark..).collect();
        self.run_start = self.run_start.min(mark);
        if !in_order {
            crate::instance::dedup(&mut traces);
        }
        if with_each {
            traces = merge_sorted(traces, &self.each_sources);
        }
        traces
    }

    /// Records `run`, traces in order without repeats (as
    /// [`crate::instance::dedup`] leaves them): a named value's, one
    /// reference.
    fn trace_run(&mut self, run: &[Trace]) {
        append_run(&mut self.traces, &mut self.run_start, run);
    }

    pub fn span(&self, range: Range) -> Span {
        match &self.foreign {
            Some(f) => f.source.span(f.file, range.start, range.end),
            None => {
                let near = self.line_hint.get();
                let (span, line) = self
                    .source
                    .span_near(self.file, range.start, range.end, near);
                self.line_hint.set(line);
                span
            }
        }
    }

    /// The file the ranges being evaluated are in (an override file's, for
    /// what was merged in from one).
    pub fn current_file(&self) -> FileId {
        self.foreign.as_ref().map_or(self.file, |f| f.file)
    }

    /// Enters an attribute or block of `origin`: until [`Evaluator::leave`]
    /// (given what this returns), ranges are in its file. Nested items
    /// inherit their enclosing item's file, so `None` changes nothing.
    pub fn enter(&mut self, origin: &crate::syntax::Origin) -> Option<crate::syntax::Origin> {
        origin.as_ref().map(|o| self.foreign.replace(o.clone()))
    }

    /// An attribute's value, evaluated in the file it comes from.
    pub fn eval_attr(&mut self, attr: &crate::syntax::Attribute) -> Value {
        let entered = self.enter(&attr.origin);
        let value = self.eval(&attr.expr);
        self.leave(entered);
        value
    }

    /// The span of an attribute or block of `origin` at `range`.
    pub fn span_in(&self, origin: &crate::syntax::Origin, range: Range) -> Span {
        match origin {
            Some(f) => f.source.span(f.file, range.start, range.end),
            None => self.span(range),
        }
    }

    /// Leaves what [`Evaluator::enter`] entered.
    pub fn leave(&mut self, entered: Option<crate::syntax::Origin>) {
        if let Some(previous) = entered {
            self.foreign = previous;
        }
    }

    /// Reports an evaluation error at `range` and yields Unknown.
    pub fn error(&mut self, range: Range, message: impl Into<String>) -> Value {
        let span = self.span(range);
        self.diagnostics.push(Diagnostic::error(message).at(span));
        Value::unknown()
    }

    /// The error for a reference to what the module does not declare, with
    /// the declared name of the same kind a misspelling most likely meant
    /// (`var.enviroment` → `var.environment`).
    #[cold]
    #[inline(never)]
    fn undeclared(&mut self, range: Range, what: &str, key: &str) -> Value {
        /// The kind of a declared name, by its prefix (`""`: a resource).
        fn kind(name: &str) -> &str {
            [
                "var.",
                "local.",
                "module.",
                "data.",
                "ephemeral.",
                "output.",
            ]
            .into_iter()
            .find(|prefix| name.starts_with(prefix))
            .unwrap_or("")
        }
        let scope = self.scope;
        let alike: Vec<&str> = (scope.declared.iter())
            .map(String::as_str)
            .filter(|name| kind(name) == kind(key))
            .collect();
        let meant = crate::module::closest(key, &alike);
        self.error_meaning(
            range,
            format!("reference to undeclared {what} `{key}`"),
            meant,
        )
    }

    /// An error at `range` about a name, with the name a misspelling most
    /// likely meant when there is one.
    #[cold]
    #[inline(never)]
    pub fn error_meaning(
        &mut self,
        range: Range,
        message: impl Into<String>,
        meant: Option<&str>,
    ) -> Value {
        let span = self.span(range);
        self.diagnostics
            .push(Diagnostic::error(message).at(span).meant(meant));
        Value::unknown()
    }

    pub fn warn(&mut self, range: Range, message: impl Into<String>) {
        let span = self.span(range);
        self.diagnostics.push(Diagnostic::warning(message).at(span));
    }

    fn has_errors_since(&self, mark: usize) -> bool {
        self.diagnostics[mark..]
            .iter()
            .any(|d| d.severity == Severity::Error)
    }

    pub fn bind(&mut self, name: impl Into<crate::syntax::Name>, value: Value) {
        self.bindings.push((name.into(), value));
    }

    pub fn unbind(&mut self, count: usize) {
        let keep = self.bindings.len().saturating_sub(count);
        self.bindings.truncate(keep);
    }

    /// The innermost value bound to `name` (names are compared by address:
    /// each is kept once).
    fn binding(&self, name: Name) -> Option<&Value> {
        self.bindings
            .iter()
            .rev()
            .find(|(n, _)| *n == name)
            .map(|(_, v)| v)
    }

    pub fn eval(&mut self, expr: &Expr) -> Value {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            self.depth -= 1;
            return self.error(expr.range, "expression nested too deeply to evaluate");
        }
        let v = self.eval_inner(expr);
        self.depth -= 1;
        v
    }

    fn eval_inner(&mut self, expr: &Expr) -> Value {
        match &expr.kind {
            ExprKind::Literal(v) => v.clone(),
            ExprKind::Template(parts) => self.eval_template(parts),
            ExprKind::Tuple(items) => Value::list(items.iter().map(|e| self.eval(e)).collect()),
            ExprKind::Object(items) => self.eval_object(items),
            ExprKind::Variable(name) => self.eval_traversal(*name, &[], expr.range),
            ExprKind::Traversal(base, ops) => match &base.kind {
                ExprKind::Variable(name) => self.eval_traversal(*name, ops, expr.range),
                _ => {
                    let v = self.eval(base);
                    self.apply_ops(v, ops, expr.range)
                }
            },
            ExprKind::Call(_) if self.constant => self.error(
                expr.range,
                "functions may not be called here: a variable's value is a constant",
            ),
            ExprKind::Call(call) => self.eval_call(call, expr.range),
            ExprKind::Conditional(parts) => self.eval_conditional(parts),
            ExprKind::Unary(op, operand) => {
                let v = self.eval(operand);
                self.eval_unary(*op, v, expr.range)
            }
            ExprKind::Binary(op, parts) => self.eval_binary(*op, parts, expr.range),
            ExprKind::For(f) => self.eval_for(f, expr.range),
        }
    }

    fn eval_object(&mut self, items: &[(ObjectKey, Expr)]) -> Value {
        // built in the model's sorted map (inline keys; a later duplicate
        // key wins, as in Terraform)
        let mut fields = cloudwright_model::Fields::with_capacity(items.len());
        let mut unknown_key = false;
        let mut sensitive = false;
        for (key, value) in items {
            let key: crate::syntax::Name = match key {
                ObjectKey::Ident(name) => *name,
                ObjectKey::Expr(e) => {
                    // `foo = 1` where foo is a bare word parses as a variable:
                    // HCL takes a lone identifier key literally.
                    if let ExprKind::Variable(name) = &e.kind {
                        *name
                    } else {
                        let k = self.eval(e);
                        sensitive |= k.is_sensitive();
                        match k.strip() {
                            Value::String(s) => s.as_ref().into(),
                            Value::Number(n) => format_number(*n).into(),
                            Value::Bool(b) => b.to_string().into(),
                            Value::Unknown(_) => {
                                unknown_key = true;
                                continue;
                            }
                            other => {
                                let msg = format!(
                                    "object key must be a string, not {}",
                                    other.type_name()
                                );
                                self.error(e.range, msg);
                                continue;
                            }
                        }
                    }
                }
            };
            let v = self.eval(value);
            fields.insert(key, v);
        }
        if unknown_key {
            return Value::unknown();
        }
        let v = Value::map(fields);
        if sensitive {
            v.sensitive()
        } else {
            v
        }
    }

    fn eval_template(&mut self, parts: &[TemplatePart]) -> Value {
        if let [TemplatePart::Interpolation(e)] = parts {
            // "${x}" alone yields x itself, not its string form
            return self.eval(e);
        }
        // a template inside this one renders into a buffer of its own
        let mut out = std::mem::take(&mut self.template_buf);
        out.clear();
        // the pieces before an unknown one, when there is one
        let mut pieces = Vec::new();
        let mut sensitive = false;
        self.render_template(parts, &mut out, &mut pieces, &mut sensitive);
        let v = if pieces.is_empty() {
            Value::string(out.as_str())
        } else {
            // a string known in part: `arn:aws:iam::${account}:root`
            pieces.push(Value::string(out.as_str()));
            Value::partial_string(pieces)
        };
        self.template_buf = out;
        if sensitive {
            v.sensitive()
        } else {
            v
        }
    }

    /// Renders `parts` into `out`; an unknown piece ends the text known so
    /// far, which moves to `pieces` followed by the unknown piece (a string
    /// known in part: [`Value::partial_string`]).
    fn render_template(
        &mut self,
        parts: &[TemplatePart],
        out: &mut String,
        pieces: &mut Vec<Value>,
        sensitive: &mut bool,
    ) {
        let unknown = |out: &mut String, pieces: &mut Vec<Value>, piece: &Value| {
            pieces.push(Value::string(out.as_str()));
            out.clear();
            pieces.push(piece.clone());
        };
        for part in parts {
            match part {
                TemplatePart::Literal(s) => out.push_str(s),
                TemplatePart::Interpolation(e) => {
                    let v = self.eval(e);
                    *sensitive |= self.holds_sensitive(&v);
                    match to_template_string(&v) {
                        Ok(Some(s)) => out.push_str(&s),
                        Ok(None) => unknown(out, pieces, &v),
                        Err(msg) => {
                            self.error(e.range, msg);
                            unknown(out, pieces, &Value::unknown());
                        }
                    }
                }
                TemplatePart::If(directive) => {
                    let crate::syntax::IfDirective {
                        cond,
                        then,
                        otherwise,
                    } = &**directive;
                    let c = self.eval(cond);
                    *sensitive |= c.is_sensitive();
                    match c.as_bool() {
                        Some(true) => self.render_template(then, out, pieces, sensitive),
                        Some(false) => self.render_template(otherwise, out, pieces, sensitive),
                        None if c.is_unknown() => unknown(out, pieces, &Value::unknown()),
                        None => {
                            let msg =
                                format!("template condition must be bool, not {}", c.type_name());
                            self.error(cond.range, msg);
                            unknown(out, pieces, &Value::unknown());
                        }
                    }
                }
                TemplatePart::For(directive) => {
                    let crate::syntax::ForDirective {
                        key_var,
                        value_var,
                        collection,
                        body,
                    } = &**directive;
                    let coll = self.eval(collection);
                    *sensitive |= coll.is_sensitive();
                    let keys = key_var.is_some();
                    let Some(entries) = self.iteration_entries(&coll, collection.range, keys)
                    else {
                        unknown(out, pieces, &Value::unknown());
                        continue;
                    };
                    for (k, v) in entries {
                        let mut bound = 1;
                        if let Some(kv) = key_var {
                            self.bind(*kv, k);
                            bound += 1;
                        }
                        self.bind(*value_var, v);
                        self.render_template(body, out, pieces, sensitive);
                        self.unbind(bound);
                    }
                }
            }
        }
    }

    /// Key/value pairs of a collection for `for`: lists give indices, maps
    /// their keys in lexical order (made only when `keys`: a `for` that
    /// binds no key gets nulls, not a string per entry). `None` when the
    /// collection is unknown.
    fn iteration_entries(
        &mut self,
        coll: &Value,
        range: Range,
        keys: bool,
    ) -> Option<Vec<(Value, Value)>> {
        let marked = coll.is_sensitive();
        let mark = |v: Value| if marked { v.sensitive() } else { v };
        match coll.strip() {
            Value::List(items) => Some(
                items
                    .iter()
                    .enumerate()
                    .map(|(i, v)| (Value::Number(i as f64), mark(v.clone())))
                    .collect(),
            ),
            Value::Map(obj) => Some(
                obj.fields()
                    .iter()
                    .map(|(k, v)| {
                        let key = if keys { Value::string(k) } else { Value::Null };
                        (key, mark(v.clone()))
                    })
                    .collect(),
            ),
            Value::Unknown(_) => None,
            Value::Null => {
                self.error(range, "cannot iterate over a null value");
                None
            }
            other => {
                let msg = format!("cannot iterate over a {} value", other.type_name());
                self.error(range, msg);
                None
            }
        }
    }

    fn eval_for(&mut self, f: &ForExpr, range: Range) -> Value {
        let coll = self.eval(&f.collection);
        let keys = f.key_var.is_some();
        let Some(entries) = self.iteration_entries(&coll, f.collection.range, keys) else {
            return Value::unknown();
        };
        // (sized for every entry: an upper bound, `if` may leave some out)
        let (list_len, made_len) = match (&f.key_expr, f.grouping) {
            (None, _) => (entries.len(), 0),
            (Some(_), false) => (0, entries.len()),
            (Some(_), true) => (0, 0),
        };
        let mut list = Vec::with_capacity(list_len);
        // (key, value) in the order made: sorted once at the end, where a
        // key made twice is found
        let mut made: Vec<(cloudwright_model::text::Name, Value)> = Vec::with_capacity(made_len);
        let mut groups: BTreeMap<String, Vec<Value>> = BTreeMap::new();
        let mut unknown = false;
        for (k, v) in entries {
            let mut bound = 1;
            if let Some(kv) = &f.key_var {
                self.bind(*kv, k);
                bound += 1;
            }
            self.bind(f.value_var, v);
            let include = match &f.cond {
                None => Some(true),
                Some(c) => {
                    let cv = self.eval(c);
                    match cv.as_bool() {
                        Some(b) => Some(b),
                        None if cv.is_unknown() => None,
                        None => {
                            let msg = format!("for condition must be bool, not {}", cv.type_name());
                            self.error(c.range, msg);
                            None
                        }
                    }
                }
            };
            match include {
                None => unknown = true,
                Some(false) => {}
                Some(true) => match &f.key_expr {
                    None => list.push(self.eval(&f.value_expr)),
                    Some(key_expr) => {
                        let key = self.eval(key_expr);
                        let value = self.eval(&f.value_expr);
                        match key.strip() {
                            Value::Unknown(_) => unknown = true,
                            Value::String(_) | Value::Number(_) | Value::Bool(_) => {
                                let key =
                                    to_template_string(&key).ok().flatten().unwrap_or_default();
                                if f.grouping {
                                    groups.entry(key.into_owned()).or_default().push(value);
                                } else {
                                    made.push((cloudwright_model::text::Name::new(&key), value));
                                }
                            }
                            other => {
                                let msg = format!(
                                    "for expression key must be a string, not {}",
                                    other.type_name()
                                );
                                self.error(key_expr.range, msg);
                                unknown = true;
                            }
                        }
                    }
                },
            }
            self.unbind(bound);
        }
        let _ = range;
        // (stable: of two entries of one key, the one made first is first)
        made.sort_by_key(|entry| entry.0);
        if let (Some(key_expr), false) = (&f.key_expr, f.grouping) {
            for pair in made.windows(2).filter(|pair| pair[0].0 == pair[1].0) {
                let msg = format!(
                    "duplicate object key {:?} in for expression; add `...` after the value to group them",
                    pair[1].0.as_str()
                );
                self.error(key_expr.range, msg);
                unknown = true;
            }
        }
        if unknown {
            return Value::unknown();
        }
        let result = if f.key_expr.is_none() {
            Value::list(list)
        } else if f.grouping {
            Value::map(
                groups
                    .into_iter()
                    .map(|(k, v)| (k, Value::list(v)))
                    .collect::<cloudwright_model::Fields>(),
            )
        } else {
            Value::map(cloudwright_model::Fields::from_sorted(made))
        };
        if coll.is_sensitive() {
            result.sensitive()
        } else {
            result
        }
    }

    fn eval_conditional(&mut self, parts: &[Expr; 3]) -> Value {
        let [cond, yes, no] = parts;
        // (the whole expression, for messages)
        let whole = Range {
            start: cond.range.start,
            end: no.range.end.max(cond.range.end),
        };
        let c = self.eval(cond);
        // the result has the type both branches convert to: a number or a
        // bool chosen against a string is its string (`true ? 1 : "a"` is
        // "1"); a sensitive condition makes the result sensitive
        let chosen = |ev: &mut Self, taken: &Expr, other: &Expr| {
            let mut v = ev.eval(taken);
            // both results must share one type, whichever is taken: asked
            // where one is written as a collection, the usual mistake
            // (`cond ? { a = [1] } : {}`), or where the other is cheap to
            // evaluate; the result takes that type (`cond ? { a = 1 } :
            // { b = "x" }` is a map of strings)
            if is_constructor(taken) || is_constructor(other) || is_cheap(other) {
                let o = ev.eval_aside(other);
                let (t, f) = if std::ptr::eq(taken, yes) {
                    (&v, &o)
                } else {
                    (&o, &v)
                };
                ev.check_result_types(whole, t, f);
                if let Some(ty) = crate::types::unified(&[&v, &o]) {
                    if let Ok(converted) = crate::types::convert(&v, &ty) {
                        v = converted;
                    }
                }
            }
            let v = match v.strip() {
                Value::Number(_) | Value::Bool(_) if ev.is_string(other) => {
                    let text = Value::string(v.strip().to_string());
                    if v.is_sensitive() {
                        text.sensitive()
                    } else {
                        text
                    }
                }
                _ => v,
            };
            if c.is_sensitive() {
                v.sensitive()
            } else {
                v
            }
        };
        match c.as_bool() {
            Some(true) => chosen(self, yes, no),
            Some(false) => chosen(self, no, yes),
            None if c.is_unknown() => {
                // Both branches equal → the answer is known anyway.
                let a = self.eval(yes);
                let b = self.eval(no);
                self.check_result_types(whole, &a, &b);
                if a.equals(&b) == Some(true) {
                    a
                } else {
                    Value::unknown_made_from(&[c, a, b])
                }
            }
            None => {
                let msg = format!("condition must be bool, not {}", c.type_name());
                self.error(cond.range, msg)
            }
        }
    }

    /// An error when a conditional's results have no type in common,
    /// which Terraform refuses whichever result the condition chooses.
    fn check_result_types(&mut self, whole: Range, yes: &Value, no: &Value) {
        if let Some(why) = crate::types::not_unifiable(&[yes, no]) {
            self.error(
                whole,
                format!("inconsistent conditional result types: Terraform requires the true and false results to have one type in common, whichever is chosen, and these have none ({why}); it refuses the configuration"),
            );
        }
    }

    /// Whether the branch not taken of a conditional is a string: written
    /// as one, or evaluating to a known one (evaluated aside: nothing it
    /// reports or traces is kept, as Terraform only asks its type).
    fn is_string(&mut self, e: &Expr) -> bool {
        if is_string_expr(e) {
            return true;
        }
        if matches!(e.kind, ExprKind::Literal(_)) {
            return false;
        }
        matches!(self.eval_aside(e).strip(), Value::String(_))
    }

    /// An expression's value with nothing it reports or traces kept: for
    /// what a value is (a key, a type), not for the value itself.
    fn eval_aside(&mut self, e: &Expr) -> Value {
        let (mark, traces) = (self.diagnostics.len(), self.traces.len());
        let v = self.eval(e);
        self.diagnostics.truncate(mark);
        self.traces.truncate(traces);
        v
    }

    fn eval_unary(&mut self, op: UnaryOp, v: Value, range: Range) -> Value {
        let sensitive = v.is_sensitive();
        let result = match (op, v.strip()) {
            (_, Value::Unknown(_)) => Value::unknown_made_from(std::slice::from_ref(&v)),
            (UnaryOp::Not, _) => match v.as_bool() {
                Some(b) => Value::Bool(!b),
                None => {
                    let msg = format!("operand of ! must be bool, not {}", v.type_name());
                    self.error(range, msg)
                }
            },
            (UnaryOp::Neg, _) => match v.as_number() {
                Some(n) => Value::Number(-n),
                None => {
                    let msg = format!("operand of - must be a number, not {}", v.type_name());
                    self.error(range, msg)
                }
            },
        };
        if sensitive {
            result.sensitive()
        } else {
            result
        }
    }

    fn eval_binary(&mut self, op: BinaryOp, parts: &[Expr; 2], range: Range) -> Value {
        let lhs = self.eval(&parts[0]);
        // Three-valued logic: a known `false &&` or `true ||` decides alone.
        match (op, lhs.as_bool()) {
            (BinaryOp::And, Some(false)) => return Value::Bool(false),
            (BinaryOp::Or, Some(true)) => return Value::Bool(true),
            _ => {}
        }
        let rhs = self.eval(&parts[1]);
        let sensitive = lhs.is_sensitive() || rhs.is_sensitive();
        let result = self.binary_values(op, &lhs, &rhs, range);
        if sensitive {
            result.sensitive()
        } else {
            result
        }
    }

    fn binary_values(&mut self, op: BinaryOp, lhs: &Value, rhs: &Value, range: Range) -> Value {
        match op {
            BinaryOp::Eq | BinaryOp::NotEq => match lhs.equals(rhs) {
                Some(eq) => Value::Bool(eq == (op == BinaryOp::Eq)),
                None => Value::unknown_made_from(&[lhs.clone(), rhs.clone()]),
            },
            BinaryOp::And | BinaryOp::Or => match (lhs.as_bool(), rhs.as_bool()) {
                (Some(a), Some(b)) => {
                    Value::Bool(if op == BinaryOp::And { a && b } else { a || b })
                }
                (_, Some(false)) if op == BinaryOp::And => Value::Bool(false),
                (_, Some(true)) if op == BinaryOp::Or => Value::Bool(true),
                _ if lhs.is_unknown() || rhs.is_unknown() => {
                    Value::unknown_made_from(&[lhs.clone(), rhs.clone()])
                }
                _ => self.error(range, "logical operators need bool operands"),
            },
            _ => {
                if lhs.is_unknown() || rhs.is_unknown() {
                    return Value::unknown_made_from(&[lhs.clone(), rhs.clone()]);
                }
                let (Some(a), Some(b)) = (lhs.as_number(), rhs.as_number()) else {
                    let msg = format!(
                        "arithmetic and comparison need numbers, got {} and {}",
                        lhs.type_name(),
                        rhs.type_name()
                    );
                    return self.error(range, msg);
                };
                match op {
                    BinaryOp::Add => Value::Number(a + b),
                    BinaryOp::Sub => Value::Number(a - b),
                    BinaryOp::Mul => Value::Number(a * b),
                    BinaryOp::Div if b == 0.0 => self.error(range, "division by zero"),
                    BinaryOp::Div => Value::Number(a / b),
                    BinaryOp::Mod if b == 0.0 => self.error(range, "modulo by zero"),
                    // Terraform's % keeps the sign of the dividend, like Go's
                    BinaryOp::Mod => Value::Number(a % b),
                    BinaryOp::Lt => Value::Bool(a < b),
                    BinaryOp::LtEq => Value::Bool(a <= b),
                    BinaryOp::Gt => Value::Bool(a > b),
                    BinaryOp::GtEq => Value::Bool(a >= b),
                    _ => Value::unknown(),
                }
            }
        }
    }

    fn eval_call(&mut self, call: &Call, range: Range) -> Value {
        match call.name.as_str() {
            "try" => return self.eval_try(&call.args, range),
            "can" => return self.eval_can(&call.args, range),
            _ => {}
        }
        let mut args: Vec<Value> = call.args.iter().map(|a| self.eval(a)).collect();
        if call.expand_final {
            match args.pop() {
                Some(last) => match last.strip() {
                    Value::List(items) => args.extend(items.iter().cloned()),
                    Value::Unknown(_) => {
                        args.push(last);
                        return Value::unknown_made_from(&args);
                    }
                    _ => return self.error(range, "the final argument before ... must be a list"),
                },
                None => return self.error(range, "... needs a final argument"),
            }
        }
        if let Some(host) = self.host {
            match host.call(&call.name, &args) {
                Some(Ok(v)) => return v,
                Some(Err(msg)) => return self.error(range, format!("{}(): {msg}", call.name)),
                None => {}
            }
        }
        match functions::call(self, &call.name, args, range) {
            Ok(v) => v,
            Err(functions::CallError::Failed(msg)) => {
                let msg = format!("{}(): {msg}", call.name);
                self.error(range, msg)
            }
            Err(
                e @ (functions::CallError::NotImplemented | functions::CallError::Unsupported(_)),
            ) => {
                let what = match e {
                    functions::CallError::Unsupported(what) => format!("{}(): {what}", call.name),
                    _ => format!("function {}()", call.name),
                };
                let span = self.span(range);
                self.diagnostics.push(
                    Diagnostic::warning(format!(
                        "{what} is not supported by Cloudwright yet; its result is treated as unknown"
                    ))
                    .at(span),
                );
                Value::unknown()
            }
            Err(functions::CallError::Unknown) => {
                let span = self.span(range);
                let message = if call.name.contains("::") {
                    format!(
                        "provider-defined function {}() cannot be evaluated offline; its result is treated as unknown",
                        call.name
                    )
                } else {
                    format!("call to unknown function {}()", call.name)
                };
                let severity = if call.name.contains("::") {
                    Severity::Info
                } else {
                    Severity::Error
                };
                let meant = functions::meant(&call.name).map(|f| format!("{f}()"));
                self.diagnostics.push(
                    Diagnostic::new(severity, message)
                        .at(span)
                        .meant(meant.as_deref()),
                );
                Value::unknown()
            }
        }
    }

    fn eval_try(&mut self, args: &[Expr], range: Range) -> Value {
        if args.is_empty() {
            return self.error(range, "try() needs at least one argument");
        }
        for arg in args {
            let mark = self.diagnostics.len();
            let traces = self.traces.len();
            let v = self.eval(arg);
            if !self.has_errors_since(mark) {
                return v;
            }
            self.diagnostics.truncate(mark);
            self.traces.truncate(traces);
        }
        self.error(
            range,
            "try(): no argument could be evaluated without an error",
        )
    }

    fn eval_can(&mut self, args: &[Expr], range: Range) -> Value {
        let [arg] = args else {
            return self.error(range, "can() takes exactly one argument");
        };
        let mark = self.diagnostics.len();
        let v = self.eval(arg);
        let failed = self.has_errors_since(mark);
        self.diagnostics.truncate(mark);
        if failed {
            Value::Bool(false)
        } else if v.is_unknown() {
            Value::unknown()
        } else {
            Value::Bool(true)
        }
    }

    /// Evaluates a reference: a root name and the traversal after it. A
    /// splat of what the scope holds (`aws_instance.web[*].id`, no name
    /// bound by `count`, `each`, an iterator or a `for` in it) is the same
    /// list however often it is read: while the instances of a block of
    /// several are evaluated ([`Evaluator::remember_splats`]) it is made
    /// once, with the traces it makes, and given again —
    /// `element(aws_instance.web[*].id, count.index)` reads it for each.
    #[inline]
    fn eval_traversal(&mut self, root: Name, ops: &[TraversalOp], range: Range) -> Value {
        let splat =
            |op: &TraversalOp| matches!(op, TraversalOp::FullSplat | TraversalOp::AttrSplat);
        if self.remember_splats && ops.iter().any(splat) {
            return self.eval_splat(root, ops, range);
        }
        self.eval_reference(root, ops, range)
    }

    #[inline(never)]
    fn eval_splat(&mut self, root: Name, ops: &[TraversalOp], range: Range) -> Value {
        // (a template's text is parsed for the call and seen in an empty
        // scope: only the configuration's own expressions are kept)
        if self.binding(root).is_some()
            || self.constant
            || std::ptr::eq(self.scope, ModuleScope::empty())
        {
            return self.eval_reference(root, ops, range);
        }
        let literal_indices = ops.iter().all(|op| match op {
            TraversalOp::Index(e) => {
                let mut reads = false;
                e.traversals(&mut |_, _, _| reads = true);
                !reads
            }
            _ => true,
        });
        if !literal_indices {
            return self.eval_reference(root, ops, range);
        }
        let key = ops.as_ptr() as usize;
        if let Some((value, traces)) = self.kept.as_ref().and_then(|k| k.splats.get(&key)) {
            append_run(&mut self.traces, &mut self.run_start, traces);
            return value.clone();
        }
        let mark = self.traces.len();
        let value = self.eval_reference(root, ops, range);
        let mut traces = self.traces[mark..].to_vec();
        crate::instance::dedup(&mut traces);
        (self.kept.get_or_insert_default().splats).insert(key, (value.clone(), traces));
        value
    }

    fn eval_reference(&mut self, root: Name, ops: &[TraversalOp], range: Range) -> Value {
        if let Some(v) = self.binding(root) {
            let v = v.clone();
            if root == "each" {
                self.read_each = true;
            }
            return self.apply_ops(v, ops, range);
        }
        if self.constant {
            return self.error(
                range,
                "variables may not be used here: a variable's value is a constant",
            );
        }
        let scope = self.scope;
        let root = root.as_str();
        match root {
            "var" | "local" => {
                let Some(TraversalOp::GetAttr(name)) = ops.first() else {
                    return self.error(range, format!("`{root}` must be followed by a name"));
                };
                let (table, what) = if root == "var" {
                    (&scope.vars, "input variable")
                } else {
                    (&scope.locals, "local value")
                };
                match table.get(name.as_str()) {
                    Some(named) => {
                        self.trace_run(&named.traces);
                        let v = named.value.clone();
                        self.apply_ops(v, &ops[1..], range)
                    }
                    None => {
                        let key = text::concat_compact([root, ".", name]);
                        if scope.declares(&key) {
                            // declared, but its value is not available (cycle): unknown
                            Value::unknown()
                        } else {
                            self.undeclared(range, what, &key)
                        }
                    }
                }
            }
            "path" => {
                let Some(TraversalOp::GetAttr(name)) = ops.first() else {
                    return self.error(range, "`path` must be followed by module, root or cwd");
                };
                let v = match name.as_str() {
                    "module" => Value::string(scope.path_module.as_str()),
                    "root" => Value::string("."),
                    "cwd" => Value::string(self.fs.root_dir.to_string_lossy()),
                    other => {
                        let meant = crate::module::closest(other, &["module", "root", "cwd"])
                            .map(|name| format!("path.{name}"));
                        let message = format!("unknown attribute path.{other}");
                        return self.error_meaning(range, message, meant.as_deref());
                    }
                };
                self.apply_ops(v, &ops[1..], range)
            }
            "terraform" => match ops.first() {
                Some(TraversalOp::GetAttr(name)) if name == "workspace" => {
                    let workspace = Value::string(self.fs.workspace.as_str());
                    self.apply_ops(workspace, &ops[1..], range)
                }
                _ => Value::unknown(),
            },
            "self" => self.error(
                range,
                "`self` is only valid in a resource's own conditions, provisioners and connection",
            ),
            "count" => self.error(range, "`count.index` is only valid in a block with `count`"),
            "each" => self.error(range, "`each` is only valid in a block with `for_each`"),
            // (a Terragrunt configuration: a stack gives the units it generates values)
            "values" if self.host.is_some() => self.error(
                range,
                "`values` is only set in a unit or stack that a stack generates with a `values` attribute; Terragrunt refuses it here",
            ),
            "module" => {
                let Some(TraversalOp::GetAttr(name)) = ops.first() else {
                    return self.error(range, "`module` must be followed by a module name");
                };
                let Some(Declared { value: v, address }) = scope.modules.get(name.as_str())
                else {
                    let key = text::concat_compact(["module.", name]);
                    if scope.declares(&key) {
                        return Value::unknown_from(scope.call_address(name));
                    }
                    return self.undeclared(range, "module", &key);
                };
                // the traces of the output read, `module.x.out` or `module.x[0].out`
                let output = ops[1..].iter().take(2).find_map(|op| match op {
                    TraversalOp::GetAttr(o) => Some(o),
                    _ => None,
                });
                let traces = output.and_then(|o| {
                    text::with_concat(["module.", name, ".", o], |key| scope.traces.get(key))
                });
                if let Some(traces) = traces {
                    self.trace_run(traces);
                }
                self.record_reference(address, v, &ops[1..]);
                self.apply_ops(v.clone(), &ops[1..], range)
            }
            "ephemeral" => {
                let (Some(TraversalOp::GetAttr(t)), Some(TraversalOp::GetAttr(n))) =
                    (ops.first(), ops.get(1))
                else {
                    return self.error(range, "`ephemeral` must be followed by a type and a name");
                };
                let key = text::concat(["ephemeral.", t, ".", n]);
                if !scope.declares(&key) {
                    return self.undeclared(range, "ephemeral resource", &key);
                }
                // opened during a run and never stored: known only then
                let v = Value::unknown_from(scope.address_of([&key]));
                self.apply_ops(v, &ops[2..], range)
            }
            "data" => {
                let (Some(TraversalOp::GetAttr(t)), Some(TraversalOp::GetAttr(n))) =
                    (ops.first(), ops.get(1))
                else {
                    return self.error(range, "`data` must be followed by a type and a name");
                };
                let key = || text::concat_compact([t, ".", n]);
                let found = text::with_concat([t, ".", n], |key| scope.data.get(key));
                let Some(Declared { value: v, address }) = found else {
                    let key = key();
                    if scope.declares(&format!("data.{key}")) {
                        return Value::unknown_from(scope.address_of(["data.", &key]));
                    }
                    return self.undeclared(range, "data source", &format!("data.{key}"));
                };
                if let Some(refused) = self.unexpected_key(v, &ops[2..], range, "data.", key) {
                    return refused;
                }
                self.record_reference(address, v, &ops[2..]);
                self.apply_ops(v.clone(), &ops[2..], range)
            }
            resource_type => {
                let Some(TraversalOp::GetAttr(n)) = ops.first() else {
                    return self.error(range, format!("unknown name `{resource_type}`"));
                };
                let key = || text::concat_compact([resource_type, ".", n]);
                let found = text::with_concat([resource_type, ".", n], |key| {
                    scope.resources.get(key)
                });
                let Some(Declared { value: v, address }) = found else {
                    let key = key();
                    if scope.declares(&key) {
                        return Value::unknown_from(scope.address_of([&key]));
                    }
                    return self.undeclared(range, "resource", &key);
                };
                if let Some(refused) = self.unexpected_key(v, &ops[1..], range, "", key) {
                    return refused;
                }
                self.record_reference(address, v, &ops[1..]);
                self.apply_ops(v.clone(), &ops[1..], range)
            }
        }
    }

    /// An error when a resource or data source is read with an instance
    /// key it does not have, or without one it needs, which Terraform
    /// refuses: `aws_instance.web[0]` where `web` has neither `count` nor
    /// `for_each` (its value is the instance's own object), or
    /// `aws_instance.web.id` where it has one (its value the instances).
    fn unexpected_key(
        &mut self,
        value: &Value,
        ops: &[TraversalOp],
        range: Range,
        prefix: &str,
        key: impl FnOnce() -> compact_str::CompactString,
    ) -> Option<Value> {
        /// How a reference is refused: an instance key on a block of one
        /// instance, or an attribute read on the instances of one with
        /// `for_each` or `count`.
        enum Refused<'n> {
            Key,
            ForEach(&'n str),
            Count(&'n str),
        }
        let refused = match (value.strip(), ops.first()) {
            (Value::Map(o), Some(TraversalOp::Index(_))) if o.computed().is_some() => Refused::Key,
            (Value::Map(o), Some(TraversalOp::GetAttr(name))) if o.computed().is_none() => {
                Refused::ForEach(name)
            }
            (Value::List(_), Some(TraversalOp::GetAttr(name))) => Refused::Count(name),
            _ => return None,
        };
        // (the name as written, made only for the message)
        let key = key();
        let message = match refused {
            Refused::Key => format!(
                "`{prefix}{key}` has neither `count` nor `for_each`: a reference to it takes no instance key (remove the `[…]` after its name); Terraform refuses it"
            ),
            Refused::ForEach(name) => format!(
                "`{prefix}{key}` has `for_each`: its attributes are read on one instance (`{prefix}{key}[each.key].{name}`, `{prefix}{key}[\"…\"].{name}`) or on all (`values({prefix}{key})[*].{name}`); Terraform refuses `{prefix}{key}.{name}`"
            ),
            Refused::Count(name) => format!(
                "`{prefix}{key}` has `count`: its attributes are read on one instance (`{prefix}{key}[0].{name}`, `{prefix}{key}[count.index].{name}`) or on all (`{prefix}{key}[*].{name}`); Terraform refuses `{prefix}{key}.{name}`"
            ),
        };
        Some(self.error(range, message))
    }

    /// Records which instance and attribute a reference reads, for graph edges.
    fn record_reference(
        &mut self,
        address: &cloudwright_model::text::Shared,
        value: &Value,
        ops: &[TraversalOp],
    ) {
        let mut target = None;
        let mut rest = ops;
        let instanced = matches!(value.strip(), Value::List(_) | Value::Map(_))
            && !matches!(value.strip(), Value::Map(o) if o.computed().is_some());
        if instanced {
            if let Some(TraversalOp::Index(e)) = rest.first() {
                if let Some(key) = self.static_key(e) {
                    target = Some(cloudwright_model::text::Shared::concat([address, &key]));
                    rest = &rest[1..];
                }
            }
        }
        // (the block's address, shared: most references name no instance)
        let target = target.unwrap_or_else(|| address.clone());
        let attribute = match rest.first() {
            Some(TraversalOp::GetAttr(a)) => Some(*a),
            _ => None,
        };
        // (a run of one)
        self.run_start = self.traces.len();
        self.traces.push(Trace::Reference { target, attribute });
    }

    /// The instance key text (`[0]`, `["a"]`) of an index expression, evaluated
    /// without recording anything.
    pub fn static_key(&mut self, e: &Expr) -> Option<String> {
        match self.eval_aside(e).strip() {
            Value::Number(n) => Some(format!("[{}]", format_number(*n))),
            Value::String(s) => Some(format!("[{s:?}]")),
            _ => None,
        }
    }

    /// Applies attribute access, indexing and splats.
    pub fn apply_ops(&mut self, mut value: Value, ops: &[TraversalOp], range: Range) -> Value {
        let mut i = 0;
        while i < ops.len() {
            match &ops[i] {
                TraversalOp::GetAttr(name) => {
                    value = self.get_attr(value, *name, range);
                }
                TraversalOp::Index(e) => {
                    let key = self.eval(e);
                    value = self.index(value, &key, e.range);
                }
                TraversalOp::FullSplat => {
                    return self.splat(value, &ops[i + 1..], range);
                }
                TraversalOp::AttrSplat => {
                    let mut end = i + 1;
                    while end < ops.len() && matches!(ops[end], TraversalOp::GetAttr(_)) {
                        end += 1;
                    }
                    value = self.splat(value, &ops[i + 1..end], range);
                    i = end;
                    continue;
                }
            }
            i += 1;
        }
        value
    }

    fn splat(&mut self, value: Value, rest: &[TraversalOp], range: Range) -> Value {
        let sensitive = value.is_sensitive();
        let items: Vec<Value> = match value.strip() {
            Value::Null => return Value::list(vec![]),
            Value::Unknown(u) => return Value::Unknown(u.index(&Value::Null)),
            Value::List(items) => items.iter().cloned().collect(),
            // A splat on a single value wraps it in a one-element list.
            _ => vec![value.strip().clone()],
        };
        let out = Value::list(
            items
                .into_iter()
                .map(|item| self.apply_ops(item, rest, range))
                .collect(),
        );
        if sensitive {
            out.sensitive()
        } else {
            out
        }
    }

    fn get_attr(&mut self, value: Value, name: Name, range: Range) -> Value {
        match value.get_name(name) {
            Some(v) => v,
            None => match value.strip() {
                Value::Null => self.error(
                    range,
                    format!("attempt to get attribute `{name}` from a null value"),
                ),
                Value::Map(object) => {
                    // (a module's outputs, a variable's object type: the
                    // names it has are few, and the one meant is among them)
                    let names: Vec<&str> = object.fields().keys().collect();
                    let help = match crate::module::closest(&name, &names) {
                        Some(meant) => Some(format!("did you mean `{meant}`?")),
                        None if !names.is_empty() && names.len() <= 8 => {
                            Some(format!("it has: {}", names.join(", ")))
                        }
                        None => None,
                    };
                    let span = self.span(range);
                    let mut d = Diagnostic::error(format!("this object has no attribute `{name}`"))
                        .at(span);
                    if let Some(help) = help {
                        d = d.help(help);
                    }
                    self.diagnostics.push(d);
                    Value::unknown()
                }
                Value::List(_) => self.error(
                    range,
                    format!(
                        "a list has no attribute `{name}`; use an index or a splat (`[*].{name}`)"
                    ),
                ),
                other => {
                    let msg = format!(
                        "cannot get attribute `{name}` of a {} value",
                        other.type_name()
                    );
                    self.error(range, msg)
                }
            },
        }
    }

    pub fn index(&mut self, value: Value, key: &Value, range: Range) -> Value {
        let sensitive = value.is_sensitive() || key.is_sensitive();
        let result = match (value.strip(), key.strip()) {
            (Value::Unknown(u), _) => Value::Unknown(u.index(key.strip())),
            (_, Value::Unknown(_)) => Value::unknown_made_from(&[value.clone(), key.clone()]),
            (Value::List(items), _) => match key.as_number() {
                Some(n) if n >= 0.0 && n.fract() == 0.0 && (n as usize) < items.len() => {
                    items[n as usize].clone()
                }
                Some(n) => {
                    let msg = format!(
                        "index {} out of range for a list of {} element(s)",
                        format_number(n),
                        items.len()
                    );
                    self.error(range, msg)
                }
                None => self.error(range, "a list index must be a number"),
            },
            (Value::Map(obj), _) => {
                let k = match key.strip() {
                    Value::String(s) => String::from(&**s),
                    Value::Number(n) => format_number(*n),
                    _ => return self.error(range, "a map key must be a string"),
                };
                match obj.fields().get(&k) {
                    Some(v) => v.clone(),
                    None => match obj.computed() {
                        Some(o) => Value::unknown_from(text::keyed(o, &k)),
                        None => {
                            self.error(range, format!("the map has no element for the key {k:?}"))
                        }
                    },
                }
            }
            (Value::Null, _) => self.error(range, "cannot index a null value"),
            (other, _) => {
                let msg = format!("cannot index a {} value", other.type_name());
                self.error(range, msg)
            }
        };
        if sensitive {
            result.sensitive()
        } else {
            result
        }
    }
}

/// The string form a value takes inside a template; `Ok(None)` for unknown.
pub fn to_template_string(v: &Value) -> Result<Option<std::borrow::Cow<'_, str>>, String> {
    match v.strip() {
        Value::String(s) => Ok(Some(std::borrow::Cow::Borrowed(s))),
        Value::Number(n) => Ok(Some(format_number(*n).into())),
        Value::Bool(b) => Ok(Some(if *b { "true" } else { "false" }.into())),
        Value::Unknown(_) => Ok(None),
        Value::Null => Err("a null value cannot be used in a string template".into()),
        other => Err(format!(
            "a {} value cannot be used in a string template; convert it with jsonencode() or join()",
            other.type_name()
        )),
    }
}

/// Builds the object of one resource or module instance: its fields, and
/// unknown computed attributes for everything else.
pub fn instance_object(
    fields: cloudwright_model::Fields,
    address: &cloudwright_model::text::Shared,
) -> Value {
    Value::Map(Object::with_computed(fields, Some(address.clone())))
}

/// An unknown with the given absolute origin.
pub fn unknown_at(origin: &str) -> Value {
    Value::Unknown(Unknown::with_origin(origin))
}

/// Whether an expression is a string whatever it evaluates to: a quoted
/// literal, or a template with text of its own (a template that is one
/// interpolation and nothing else is the interpolated value itself).
fn is_string_expr(e: &Expr) -> bool {
    match &e.kind {
        ExprKind::Literal(v) => matches!(v, Value::String(_)),
        ExprKind::Template(parts) => !matches!(
            parts.as_slice(),
            [crate::syntax::TemplatePart::Interpolation(_)]
        ),
        _ => false,
    }
}
