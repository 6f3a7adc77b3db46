//! The entry point: find root modules under the given paths, parse every
//! file in parallel, evaluate each root module once, return one `Graph`.

use crate::eval::FsContext;
use crate::instance::{
    normalize, InputValue, InstanceRequest, Loader, ModuleSource, ModulesManifest, SharedMapCache,
    VariableInput,
};
use crate::json_syntax;
use crate::module::ModuleDef;
use crate::syntax::{Body, ConfigFile, Range};
use cloudwright_model::{Diagnostic, FileId, Graph, SourceFile, SourceMap, Value, VariableOrigin};
use rayon::prelude::*;
use std::collections::{BTreeMap, HashMap, HashSet};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, PoisonError};

/// What the user passed on the command line.
#[derive(Clone, Debug, Default)]
pub struct LoadOptions {
    /// `--var-file` paths, in order.
    pub var_files: Vec<PathBuf>,
    /// `--var name=value`, in order.
    pub vars: Vec<String>,
    /// `--exclude` globs, matched against paths relative to the scanned directory.
    pub excludes: Vec<String>,
    /// `TF_VAR_name` values (the CLI passes the process environment).
    pub env_vars: Vec<(String, String)>,
    /// `TF_WORKSPACE`: the workspace every root module is evaluated in
    /// (`terraform.workspace`), before what `.terraform/environment` says.
    pub workspace: Option<String>,
    /// Keep each module instance's local values in the model
    /// (`ModuleInstance::locals`), for `resources --values`.
    pub keep_locals: bool,
    /// `name=value` of the variables of a plan being read, over every
    /// other source (the plan was made with them).
    pub plan_vars: Vec<String>,
    /// Evaluate only the root module in the scanned directory itself, not
    /// the other roots below it: the configuration of a plan, which one
    /// root made (another root's `aws_s3_bucket.this` is not the plan's).
    pub root_only: bool,
    /// Terragrunt's `--source-map`: a remote module source (up to its
    /// `//`, without `?ref=`) and the local directory that holds it; a
    /// unit whose `terraform { source }` starts with one reads its module
    /// from there.
    pub terragrunt_source_map: Vec<(String, PathBuf)>,
    /// Read a `terraform show -json` plan as the state it starts from
    /// (`prior_state`) rather than its planned values: the base of the
    /// change one plan is (`review plan.json`, `cost diff plan.json`).
    pub plan_prior: bool,
    /// The directory files and root modules are named relative to
    /// (canonical): set by [`load`] when it reads several paths, so that
    /// `a/main.tf` and `b/main.tf` — and their root modules — have names
    /// of their own. `None`: relative to each scanned directory.
    pub shown_from: Option<PathBuf>,
}

/// The source map shared by the threads of a load: read far more often
/// (a root's first look at each file) than written (a file registered).
pub type SharedSources = std::sync::RwLock<SourceMap>;

/// The shared source map for reading, whatever a panicked thread left.
pub fn read(sources: &SharedSources) -> std::sync::RwLockReadGuard<'_, SourceMap> {
    sources.read().unwrap_or_else(|p| p.into_inner())
}

/// The shared source map for registering files.
pub fn write(sources: &SharedSources) -> std::sync::RwLockWriteGuard<'_, SourceMap> {
    sources.write().unwrap_or_else(|p| p.into_inner())
}

/// Largest configuration file Cloudwright reads.
const MAX_FILE_BYTES: u64 = 64 * 1024 * 1024;

/// The directory a file is in: `.` for a bare file name (`main.tf`,
/// `plan.json`), whose `parent()` is the empty path, which is not a
/// directory one can read.
pub fn directory_of(file: &Path) -> PathBuf {
    match file.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir.to_path_buf(),
        _ => PathBuf::from("."),
    }
}

/// Loads Terraform configuration (directories or files) into one graph.
/// Plan and state JSON files are recognised by content and loaded by [`crate::plan`].
pub fn load(paths: &[PathBuf], options: &LoadOptions) -> Graph {
    load_with(paths, options, &mut || {})
}

/// [`load`], calling `before_assembly` once every root module is evaluated
/// and before the model is assembled (the resources of all roots moved into
/// one vector, the graph's indexes built): the moment the evaluation's
/// temporary memory is all free. The CLI returns that memory to the OS
/// there (its `alloc` module), so the assembly does not add to the peak.
pub fn load_with(
    paths: &[PathBuf],
    options: &LoadOptions,
    before_assembly: &mut dyn FnMut(),
) -> Graph {
    let mut sources = SourceMap::default();
    let mut plans_or_states = 0;
    // (a module two paths call — outside both — is read once)
    let mut modules = ModuleDefs::default();
    // Several paths: each named relative to what they have in common
    // (`network/terraform.tfstate`, `app/main.tf`), so that two roots —
    // two scanned directories, two state files — never share a name.
    let several = several_paths(paths);
    let options = match &several {
        Some(several) => &LoadOptions {
            shown_from: Some(several.shown_from.clone()),
            ..options.clone()
        },
        None => options,
    };
    // each path's parts, in the order the paths are given
    let mut loaded: Vec<Vec<Loaded>> = (0..paths.len()).map(|_| Vec::new()).collect();
    let order = load_order(paths, several.as_ref(), options);
    for &i in &order {
        let path = &paths[i];
        let parts = &mut loaded[i];
        if let Some(within) = several.as_ref().and_then(|s| s.read_by[i]) {
            parts.push(Loaded {
                diagnostics: vec![Diagnostic::info(format!(
                    "{} is read as part of {}, also given",
                    path.display(),
                    paths[within].display()
                ))
                .in_file(path.display().to_string())],
                ..Default::default()
            });
            continue;
        }
        if is_plan_or_state(path) {
            let mut part = crate::plan::load_plan_or_state(path, options, &mut sources);
            cloudwright_model::link_unknown_origins(&mut part.resources);
            parts.push(part);
            plans_or_states += 1;
            continue;
        }
        let dir = if path.is_file() {
            directory_of(path)
        } else {
            path.clone()
        };
        if !dir.is_dir() {
            parts.push(Loaded {
                diagnostics: vec![Diagnostic::error(format!(
                    "{} does not exist or is not a directory",
                    path.display()
                ))
                .in_file(path.display().to_string())],
                ..Default::default()
            });
            continue;
        }
        // (the roots of the paths loaded before, whose states it may read)
        let earlier: Vec<&Loaded> = loaded.iter().flatten().collect();
        let read = load_tree_parts(&dir, options, &mut sources, &mut modules, &earlier);
        loaded[i] = read;
    }
    // paths whose roots read each other's states, read again in the order
    // they read them, each with all the others' roots (module definitions
    // read afresh, so that what they say is said again with the roots
    // that replace the first reading's)
    let shown = options.shown_from.clone().unwrap_or_default();
    let again = match several {
        Some(_) => rereading_order(&loaded, &order, &shown),
        None => None,
    };
    if let Some((again, cycle)) = again {
        let mut modules = ModuleDefs::default();
        for i in again {
            let dir = match paths[i].is_file() {
                true => directory_of(&paths[i]),
                false => paths[i].clone(),
            };
            let others: Vec<&Loaded> = loaded
                .iter()
                .enumerate()
                .filter(|(j, _)| *j != i)
                .flat_map(|(_, parts)| parts)
                .collect();
            let read = load_tree_parts(&dir, options, &mut sources, &mut modules, &others);
            loaded[i] = read;
        }
        if let Some(first) = cycle.first().and_then(|&i| loaded[i].first_mut()) {
            let named: Vec<String> = cycle
                .iter()
                .map(|&i| paths[i].display().to_string())
                .collect();
            first.diagnostics.push(Diagnostic::warning(format!(
                "the root modules of {} read each other's state through `terraform_remote_state`: each is read with the others' outputs as they stand",
                named.join(", ")
            )));
        }
    }
    let parts: Vec<Loaded> = loaded.into_iter().flatten().collect();
    before_assembly();
    let mut all = assemble(parts);
    // (a plan or a state read with another root: IDs that cross layers)
    if plans_or_states > 0 && several.is_some() {
        all.foreign_origins |= crate::plan::link_across_roots(&mut all.resources);
    }
    Graph::with_foreign_references(
        all.resources,
        all.modules,
        sources,
        all.diagnostics,
        all.foreign_origins,
    )
}

/// The order to load the paths of a load in: the given order, but a
/// directory whose roots may read other roots (a data source that reads
/// another root's state, `terraform_remote_state` or `tfe_outputs`; a
/// Terragrunt `dependency`) after the directories whose roots read none —
/// so that the roots of one path read what the roots of another write,
/// whichever is given first.
fn load_order(
    paths: &[PathBuf],
    several: Option<&SeveralPaths>,
    options: &LoadOptions,
) -> Vec<usize> {
    let mut order: Vec<usize> = (0..paths.len()).collect();
    let directories = paths.iter().filter(|p| p.is_dir()).count();
    if several.is_none() || directories < 2 {
        return order;
    }
    let reads: Vec<bool> = paths
        .iter()
        .map(|p| p.is_dir() && reads_other_roots(p, &options.excludes))
        .collect();
    order.sort_by_key(|&i| reads[i]);
    order
}

/// After a load of several paths, the paths to read again, in this order:
/// when a path's roots read a state that the roots of a path loaded after
/// it write, or its Terragrunt units depend on a unit of such a path (two
/// paths whose roots both read others, the reader given first), every path
/// whose roots read another path's, each after the paths it reads; and
/// the paths on a cycle (read in the order given). `None` when every path
/// read what it reads.
fn rereading_order(
    loaded: &[Vec<Loaded>],
    order: &[usize],
    shown: &Path,
) -> Option<(Vec<usize>, Vec<usize>)> {
    let written = written_states(loaded.iter().flatten());
    let outside = loaded
        .iter()
        .flatten()
        .any(|part| !part.outside_dependencies.is_empty());
    if written.is_empty() && !outside {
        return None;
    }
    let path_of: HashMap<&str, usize> = loaded
        .iter()
        .enumerate()
        .flat_map(|(i, parts)| {
            parts
                .iter()
                .flat_map(|part| &part.modules)
                .filter(|m| m.address.is_empty())
                .map(move |m| (m.root_dir.as_str(), i))
        })
        .collect();
    let path_of_dir: HashMap<PathBuf, usize> = path_of
        .iter()
        .map(|(root, &i)| (normalize(&shown.join(root)), i))
        .collect();
    // path → the other paths whose states (or units' outputs) it reads
    let mut reads: Vec<Vec<usize>> = vec![Vec::new(); loaded.len()];
    for (i, parts) in loaded.iter().enumerate() {
        for part in parts {
            for dir in &part.outside_dependencies {
                if let Some(&j) = path_of_dir.get(dir).filter(|&&j| j != i) {
                    if !reads[i].contains(&j) {
                        reads[i].push(j);
                    }
                }
            }
            for (_, place) in state_reads(part, shown) {
                let writer = place
                    .and_then(|p| written.get(&p).map(|w| w.root.clone()))
                    .and_then(|root| path_of.get(&*root).copied());
                if let Some(j) = writer.filter(|&j| j != i && !reads[i].contains(&j)) {
                    reads[i].push(j);
                }
            }
        }
    }
    let position = |i: usize| order.iter().position(|&o| o == i).unwrap_or(usize::MAX);
    let late = (0..loaded.len()).any(|i| reads[i].iter().any(|&j| position(j) > position(i)));
    if !late {
        return None;
    }
    // the reading paths, each after those it reads (in waves)
    let mut left: Vec<usize> = order
        .iter()
        .copied()
        .filter(|&i| !reads[i].is_empty())
        .collect();
    let (mut out, mut cycle) = (Vec::with_capacity(left.len()), Vec::new());
    while !left.is_empty() {
        let ready: Vec<usize> = left
            .iter()
            .copied()
            .filter(|&i| reads[i].iter().all(|j| !left.contains(j)))
            .collect();
        // (a cycle: in the order given)
        let next = match ready.is_empty() {
            true => {
                cycle = left.clone();
                left.clone()
            }
            false => ready,
        };
        left.retain(|i| !next.contains(i));
        out.extend(next);
    }
    Some((out, cycle))
}

/// Whether the roots under `dir` (as discovery finds them) may read other
/// roots: a file names a data source that reads another root's state, or
/// a Terragrunt configuration a `dependency`.
fn reads_other_roots(dir: &Path, excludes: &[String]) -> bool {
    let found = discover(dir, excludes, &mut Vec::new());
    let configuration = found
        .files
        .par_iter()
        .any(|file| std::fs::read_to_string(file).is_ok_and(|text| names_a_state_reader(&text)));
    configuration
        || found.terragrunt.par_iter().any(|file| {
            std::fs::read_to_string(file).is_ok_and(|text| {
                names_a_state_reader(&text)
                    || memchr::memmem::find(text.as_bytes(), b"dependency").is_some()
            })
        })
}

/// The message of a data source that reads a state no root of the load
/// writes.
fn unwritten_state(reader: &str, place: &str) -> String {
    format!(
        "{reader} reads the state at {place}, which no root module of this load writes: its outputs are not known (load the root that writes it with this one)"
    )
}

/// How a load of several paths names what it reads.
struct SeveralPaths {
    /// The deepest directory that holds every path (canonical).
    shown_from: PathBuf,
    /// For each path, another that reads it already: an earlier one that
    /// is the same path, or a directory it is inside (whose walk reads it;
    /// a plan or a state file is not walked to).
    read_by: Vec<Option<usize>>,
}

/// [`SeveralPaths`] for more than one path; `None` for one.
fn several_paths(paths: &[PathBuf]) -> Option<SeveralPaths> {
    if paths.len() < 2 {
        return None;
    }
    // (a path that is not there is said to be missing, and named as the
    // others are: absolute from the working directory)
    let canonical: Vec<PathBuf> = paths
        .iter()
        .map(|p| {
            p.canonicalize()
                .or_else(|_| std::path::absolute(p).map(|a| normalize(&a)))
                .unwrap_or_else(|_| p.to_path_buf())
        })
        .collect();
    let mut shown_from: Option<PathBuf> = None;
    for path in &canonical {
        shown_from = Some(match shown_from {
            None if path.is_dir() => path.clone(),
            None => directory_of(path),
            Some(base) => base
                .ancestors()
                .find(|a| path.starts_with(a))
                .map_or_else(PathBuf::new, Path::to_path_buf),
        });
    }
    let read_by = canonical
        .iter()
        .enumerate()
        .map(|(i, path)| {
            canonical.iter().enumerate().position(|(j, other)| {
                (other == path && j < i)
                    || (other != path
                        && !is_plan_or_state(path)
                        && other.is_dir()
                        && path.starts_with(other))
            })
        })
        .collect();
    Some(SeveralPaths {
        shown_from: shown_from.unwrap_or_default(),
        read_by,
    })
}

/// The parts of a load in one `Loaded`. Sized once: growing by doubling
/// would hold two copies of the largest vector of the load at its peak; the
/// only part with resources (one root) is taken over without a copy.
fn assemble(parts: Vec<Loaded>) -> Loaded {
    let mut out = Loaded::default();
    let with_resources = parts.iter().filter(|p| !p.resources.is_empty()).count();
    if with_resources > 1 {
        out.resources
            .reserve_exact(parts.iter().map(|p| p.resources.len()).sum());
    }
    out.modules
        .reserve_exact(parts.iter().map(|p| p.modules.len()).sum());
    for mut part in parts {
        if out.resources.is_empty() && with_resources == 1 {
            std::mem::swap(&mut out.resources, &mut part.resources);
        } else {
            out.resources.append(&mut part.resources);
        }
        out.modules.append(&mut part.modules);
        out.diagnostics.append(&mut part.diagnostics);
        out.foreign_origins |= part.foreign_origins;
    }
    if out.foreign_origins {
        cloudwright_model::link_foreign_origins(&mut out.resources);
    }
    out
}

/// A file read as a plan or a state (recognised by content when read):
/// `.json` other than Terraform's JSON syntax, and `.tfstate`.
fn is_plan_or_state(path: &Path) -> bool {
    path.is_file()
        && !is_tf_json(path)
        && path
            .extension()
            .is_some_and(|e| e == "json" || e == "tfstate")
}

fn is_tf_json(path: &Path) -> bool {
    ends_with(path, ".tf.json") || ends_with(path, ".tofu.json")
}

/// Whether the path's text ends with `suffix` (an extension: ASCII), told
/// without converting the path to a string.
pub(crate) fn ends_with(path: &Path, suffix: &str) -> bool {
    path.as_os_str()
        .as_encoded_bytes()
        .ends_with(suffix.as_bytes())
}

/// Resources, modules and diagnostics of one part of a load.
#[derive(Default)]
pub struct Loaded {
    pub resources: Vec<cloudwright_model::Resource>,
    pub modules: Vec<cloudwright_model::ModuleInstance>,
    pub diagnostics: Vec<Diagnostic>,
    /// Values of another root's outputs were read (Terragrunt
    /// dependencies): the assembly links what they name
    /// ([`cloudwright_model::link_foreign_origins`]).
    pub foreign_origins: bool,
    /// The directories of the Terragrunt units this part's units depend on
    /// that the load had not read when it read them (outside the scanned
    /// directory and the paths read before).
    pub outside_dependencies: Vec<PathBuf>,
}

/// Loads every root module under one scanned directory.
pub fn load_tree(scan_root: &Path, options: &LoadOptions, sources: &mut SourceMap) -> Loaded {
    let mut modules = ModuleDefs::default();
    assemble(load_tree_parts(
        scan_root,
        options,
        sources,
        &mut modules,
        &[],
    ))
}

/// Module definitions by canonical directory (`None`: no configuration
/// there): those one scanned path read, for the next path of a load.
type ModuleDefs = crate::eval::FastMap<PathBuf, Option<Arc<ModuleDef>>>;

/// Every root module under one scanned directory, one part per root (the
/// first holds the directory's own diagnostics).
/// `modules`: the module definitions earlier paths of the load read
/// (taken, and given back with this path's); `earlier`: their roots, whose
/// states this path's roots may read.
fn load_tree_parts(
    scan_root: &Path,
    options: &LoadOptions,
    sources: &mut SourceMap,
    modules: &mut ModuleDefs,
    earlier: &[&Loaded],
) -> Vec<Loaded> {
    let mut out = Loaded::default();
    let scan_root_abs = scan_root
        .canonicalize()
        .unwrap_or_else(|_| scan_root.to_path_buf());
    // (names shown relative to this: the scanned directory, or what the
    // paths of a load of several have in common)
    let shown = options
        .shown_from
        .clone()
        .unwrap_or_else(|| scan_root_abs.clone());
    // Pass 1: find the files and read every one, directory by directory
    // in parallel, and skim it for the local modules it calls
    // (`hcl::module_sources`, a full parse only where the skim gives up),
    // to learn which directories call which. Each file is parsed once,
    // later: by the task that evaluates its root (and freed when it is
    // done), or once for all callers of its shared module; that parse
    // reports its syntax errors.
    let (
        Discovered {
            terragrunt: unit_configs,
            stacks: stack_files,
            ..
        },
        scanned,
    ) = discover_scanning(
        &scan_root_abs,
        &shown,
        &options.excludes,
        &mut out.diagnostics,
    );
    let mut dirs: BTreeMap<PathBuf, Vec<FileId>> = BTreeMap::new();
    // A directory another scanned directory calls as a local module is not a root.
    let mut called: crate::eval::FastSet<PathBuf> = Default::default();
    // (each directory's local calls, for when a module is last needed)
    let mut calls_of: crate::eval::FastMap<PathBuf, Vec<PathBuf>> = Default::default();
    // (directories whose files read another root's state)
    let mut reading: crate::eval::FastSet<PathBuf> = Default::default();
    sources.reserve(scanned.iter().map(|dir| dir.files.len()).sum());
    for dir in scanned {
        let ids: Vec<FileId> = dir
            .files
            .into_iter()
            .filter_map(|file| register(file, sources, &mut out.diagnostics))
            .collect();
        if dir.reads_states {
            reading.insert(dir.dir.clone());
        }
        if !ids.is_empty() {
            // one entry per directory (a directory comes in more than one
            // part when a subdirectory's files sort between its own)
            dirs.entry(dir.dir.clone()).or_default().extend(ids);
        }
        called.extend(dir.calls.iter().cloned());
        calls_of.entry(dir.dir).or_default().extend(dir.calls);
    }
    // Terraform Stacks: each deployment a root module, each component a
    // module it calls
    let mut stacks = read_stacks(
        stack_files,
        &shown,
        &scan_root_abs,
        sources,
        &mut out.diagnostics,
    );
    for stack in &stacks {
        called.extend(stack.component_dirs.iter().cloned());
    }
    if options.root_only {
        // the scanned directory's own root; the modules it calls are read
        // as it calls them (the cache below), the other roots not at all
        dirs.retain(|dir, _| *dir == scan_root_abs);
        stacks.retain(|stack| stack.dir == scan_root_abs);
        called.clear();
    }
    let shared_sources = SharedSources::new(std::mem::take(sources));
    // Terragrunt units: the module each deploys is a module, not a root of
    // its own; the unit is the root, evaluated with what Terragrunt adds
    let reader = crate::terragrunt::Reader::new(&scan_root_abs, &shown, &shared_sources);
    // (a unit's `dependency` may be a root of a path loaded before)
    record_outputs(&reader, earlier.iter().copied(), &shown);
    let units = match options.root_only {
        true => Vec::new(),
        false => {
            // the units stacks generate, where they would be generated;
            // what they are copied from is not a unit of its own
            let (stack_files, mut configs): (Vec<PathBuf>, Vec<PathBuf>) = unit_configs
                .into_iter()
                .partition(|p| p.ends_with(crate::terragrunt::STACK_FILE));
            let stacks = reader.read_stacks(&stack_files, &options.terragrunt_source_map);
            configs.retain(|c| c.parent().is_none_or(|d| !stacks.templates.contains(d)));
            configs.extend(stacks.units);
            read_units(
                &reader,
                &scan_root_abs,
                &configs,
                &dirs,
                &options.terragrunt_source_map,
            )
        }
    };
    out.diagnostics.extend(reader.take_diagnostics());
    for (dir, said) in dependencies_not_loaded(&units, &scan_root_abs, earlier, &shown) {
        out.diagnostics.push(said);
        out.outside_dependencies.push(dir);
    }
    for unit in &units {
        called.insert(unit.module_dir.clone());
        if dirs.contains_key(&unit.own_dir) {
            called.insert(unit.own_dir.clone());
        }
    }
    // Pass 2: the called directories (shared modules) are parsed once, in
    // parallel, and kept for every root that calls them.
    let module_dirs: Vec<(&PathBuf, &Vec<FileId>)> = dirs
        .iter()
        .filter(|(dir, _)| called.contains(*dir))
        .collect();
    let module_defs: Vec<(PathBuf, ModuleDef, Vec<Diagnostic>)> = module_dirs
        .into_par_iter()
        .map(|(dir, ids)| {
            let mut diagnostics = Vec::new();
            let def = module_def_of(&shown, dir, ids, &shared_sources, &mut diagnostics);
            (dir.clone(), def, diagnostics)
        })
        .collect();
    let mut cache = ModuleCache {
        defs: std::mem::take(modules),
        canonical: Default::default(),
        shown_from: shown.clone(),
    };
    for (dir, def, mut diagnostics) in module_defs {
        out.diagnostics.append(&mut diagnostics);
        // (found below the canonical scan root: its own canonical path)
        cache.canonical.insert(dir.clone(), dir.clone());
        cache.defs.insert(dir, Some(Arc::new(def)));
    }
    let roots: Vec<(PathBuf, Vec<FileId>)> = dirs
        .into_iter()
        .filter(|(dir, _)| !called.contains(dir))
        .collect();
    // a unit that depends on another waits for its outputs
    let unit_dirs: HashSet<PathBuf> = units.iter().map(|u| u.unit.dir.clone()).collect();
    let (waiting, ready): (Vec<UnitRoot>, Vec<UnitRoot>) = units
        .into_iter()
        .partition(|u| u.unit.dependencies.iter().any(|d| unit_dirs.contains(d)));
    // (a unit whose module or own files read another root's state is
    // evaluated after the plain roots, with the states they write; it may
    // read another unit's too: kept to be read again)
    let state_reading_units: Vec<UnitRoot> = ready
        .iter()
        .chain(&waiting)
        .filter(|u| reading.contains(&u.module_dir) || reading.contains(&u.own_dir))
        .cloned()
        .collect();
    let units_read_states = !state_reading_units.is_empty();
    let ready: Vec<RootJob> = ready
        .into_iter()
        .map(|u| RootJob::Unit(Box::new(u)))
        .collect();
    let shared_cache = Mutex::new(cache);
    let shared_maps = SharedMapCache::default();
    let reads = Reads {
        sandbox: scan_root_abs.clone(),
        remote_states: Default::default(),
        files: Default::default(),
    };
    // A root that reads another root's state waits for the others (see
    // `read_remote_states`); the plain roots evaluated now, by the place of
    // their results, for one that turns out to read a state after all.
    let (later, roots): (Vec<_>, Vec<_>) = roots
        .into_iter()
        .partition(|(dir, _)| reading.contains(dir));
    // (a load with Terragrunt units or Stacks keeps every module to the
    // end: those reach modules in ways the calls counted here do not)
    let releases = (unit_dirs.is_empty() && stacks.is_empty()).then(|| {
        let cache = shared_cache.lock().unwrap_or_else(|p| p.into_inner());
        Releases::new(&roots, &later, &calls_of, &cache.defs)
    });
    let mut plain: Vec<PlainRoot> = roots
        .iter()
        .enumerate()
        .map(|(result, (dir, ids))| PlainRoot {
            result,
            job: RootJob::Plain(dir.clone(), ids.clone()),
            held_back: false,
        })
        .collect();
    // (the deployments after the plain roots: `plain` knows these by place)
    let deployments = stacks.into_iter().map(Arc::new).flat_map(|stack| {
        (0..stack.deployments.len()).map(move |k| RootJob::Deployment(stack.clone(), k))
    });
    let roots: Vec<RootJob> = roots
        .into_iter()
        .map(|(dir, ids)| RootJob::Plain(dir, ids))
        .chain(deployments)
        .collect();
    // Root modules are independent: evaluate them in parallel. Each task
    // parses its root's files, evaluates them and drops their syntax.
    let evaluate_reading = |roots: Vec<RootJob>, reads: &Reads| -> Vec<Loaded> {
        roots
            .into_par_iter()
            .map(|job| {
                let mut diagnostics = Vec::new();
                let (root, extra) = match job {
                    RootJob::Plain(dir, ids) => {
                        let root =
                            module_def_of(&shown, &dir, &ids, &shared_sources, &mut diagnostics);
                        (root, RootExtra::Plain(dir))
                    }
                    RootJob::Unit(unit) => {
                        let root =
                            unit.module_def(&shared_sources, &shared_cache, &mut diagnostics);
                        (root, RootExtra::Unit(Box::new(unit.unit)))
                    }
                    RootJob::Deployment(stack, k) => {
                        let own =
                            crate::module::ModuleSources::of(&stack.files, &read(&shared_sources));
                        let mut root = ModuleDef::new(
                            stack.dir.clone(),
                            stack.deployments[k].root.clone(),
                            stack.files.clone(),
                            &[],
                            &own,
                            &mut diagnostics,
                        );
                        root.components = true;
                        (root, RootExtra::Deployment(stack, k))
                    }
                };
                let mut loaded = eval_root(
                    &Arc::new(root),
                    options,
                    &shared_sources,
                    &shared_cache,
                    &shared_maps,
                    reads,
                    &extra,
                );
                diagnostics.append(&mut loaded.diagnostics);
                loaded.diagnostics = diagnostics;
                if let (RootExtra::Plain(dir), Some(releases)) = (&extra, &releases) {
                    releases.evaluated(dir, &shared_cache);
                }
                loaded
            })
            .collect()
    };
    // The plain roots and the units in parallel; when a unit reads another
    // root's state, the plain roots first, the units then with what they
    // write (units read each other through `dependency`, below).
    let (mut results, unit_reads) = match units_read_states {
        false => {
            let jobs = roots.into_iter().chain(ready).collect();
            (evaluate_reading(jobs, &reads), None)
        }
        true => {
            let mut results = evaluate_reading(roots, &reads);
            let unit_reads = Reads {
                sandbox: reads.sandbox.clone(),
                remote_states: Arc::new(written_states(earlier.iter().copied().chain(&results))),
                files: reads.files.clone(),
            };
            results.extend(evaluate_reading(ready, &unit_reads));
            (results, Some(unit_reads))
        }
    };
    let evaluate =
        |roots: Vec<RootJob>| evaluate_reading(roots, unit_reads.as_ref().unwrap_or(&reads));
    // then the units that depend on others, once these are evaluated
    // (or read the outputs of a path loaded before)
    out.foreign_origins = !waiting.is_empty() || !earlier.is_empty();
    // (the units that depend on others, kept when a unit may be read
    // again for another unit's state: they then read it again after it)
    let dependents: Vec<UnitRoot> = match state_reading_units.is_empty() {
        true => Vec::new(),
        false => waiting.clone(),
    };
    evaluate_waiting(
        &reader,
        waiting,
        &unit_dirs,
        &shown,
        &evaluate,
        &mut results,
        &mut out.diagnostics,
    );
    // the units whose module reads a state are read again like the plain
    // roots that do (another unit's state is written only now), each with
    // the outputs of its dependencies
    if !state_reading_units.is_empty() {
        record_outputs(&reader, results.iter(), &shown);
        for u in state_reading_units {
            let Some(result) = place_of_root(&results, &u.display) else {
                continue;
            };
            plain.push(PlainRoot {
                result,
                job: RootJob::Unit(Box::new(u.read_again(&reader))),
                held_back: false,
            });
        }
    }
    // then the roots that read another's state, once it is evaluated
    let (read_states, read_again) = read_remote_states(
        &mut results,
        earlier,
        (plain, later),
        &shown,
        &reads,
        &evaluate_reading,
        &mut out.diagnostics,
    );
    out.foreign_origins |= read_states;
    refresh_dependents(
        &reader,
        dependents,
        &read_again,
        &shown,
        &evaluate,
        &mut results,
    );
    out.diagnostics.extend(reader.take_diagnostics());
    drop(reader);
    // A directory another root calls through a source only evaluation
    // could tell (OpenTofu's early-evaluated `source = "./${var.x}"`) is a
    // module, not a root: its evaluation as a root is dropped.
    let called_late: HashSet<String> = results
        .iter()
        .flat_map(|part| &part.modules)
        .filter(|m| !m.address.is_empty())
        .map(|m| m.dir.clone())
        .collect();
    if !called_late.is_empty() {
        results.retain(|part| {
            !part
                .modules
                .iter()
                .any(|m| m.address.is_empty() && called_late.contains(&m.dir))
        });
    }
    *sources = shared_sources
        .into_inner()
        .unwrap_or_else(|p| p.into_inner());
    *modules = shared_cache
        .into_inner()
        .unwrap_or_else(|p| p.into_inner())
        .defs;
    // (the cache of spans and provenance is freed on another core: the
    // load goes on on this one, alone)
    rayon::spawn(move || drop(shared_maps));
    let mut parts = Vec::with_capacity(results.len() + 1);
    parts.push(out);
    parts.extend(results);
    parts
}

/// A root module to evaluate: a directory of `.tf` files, or a Terragrunt
/// unit (the module it deploys, with what Terragrunt adds).
#[derive(Clone)]
enum RootJob {
    Plain(PathBuf, Vec<FileId>),
    Unit(Box<UnitRoot>),
    /// A Terraform Stacks deployment (by its place in its stack's).
    Deployment(Arc<crate::stacks::Stack>, usize),
}

/// What a root module is evaluated with beyond its own files: a
/// Terragrunt unit's inputs and variables files, a Stacks deployment's
/// inputs.
enum RootExtra {
    /// A directory of `.tf` files: nothing beyond them.
    Plain(PathBuf),
    Unit(Box<crate::terragrunt::Unit>),
    Deployment(Arc<crate::stacks::Stack>, usize),
}

impl RootExtra {
    fn unit(&self) -> Option<&crate::terragrunt::Unit> {
        match self {
            RootExtra::Unit(unit) => Some(unit),
            _ => None,
        }
    }

    fn deployment(&self) -> Option<&crate::stacks::Deployment> {
        match self {
            RootExtra::Deployment(stack, k) => stack.deployments.get(*k),
            _ => None,
        }
    }
}

/// When each module definition is needed for the last time: how many of
/// the root modules evaluated together still reach it through local module
/// calls. A definition is dropped from the cache once the last of them is
/// evaluated — the definitions of the modules each root has its own copy
/// of are not all held until the load ends (their syntax trees were a
/// fifth of the peak memory of 600 copies of the example). A module also
/// reached by a root evaluated afterwards (one that reads another root's
/// state) is kept; one needed again unforeseen (a source only evaluation
/// tells) is read again, as on its first use.
struct Releases {
    /// The directories of the call graph, by number.
    dirs: Vec<PathBuf>,
    /// How many roots not yet evaluated reach each (0: a root, or a
    /// module kept).
    waiting: Vec<std::sync::atomic::AtomicUsize>,
    /// Each root's modules, by their place in `dirs`, and whether the
    /// root was evaluated (one read again for the states it reads counts
    /// once).
    reach: crate::eval::FastMap<std::ffi::OsString, (std::sync::atomic::AtomicBool, Vec<usize>)>,
}

impl Releases {
    fn new(
        roots: &[(PathBuf, Vec<FileId>)],
        later: &[(PathBuf, Vec<FileId>)],
        calls_of: &crate::eval::FastMap<PathBuf, Vec<PathBuf>>,
        defs: &crate::eval::FastMap<PathBuf, Option<Arc<ModuleDef>>>,
    ) -> Releases {
        // The call graph by number, each directory's path hashed once (as
        // bytes: a `Path` hashes component by component) — a pass over it
        // per root, with no hashing, then finds what the root reaches.
        let mut number: crate::eval::FastMap<&std::ffi::OsStr, usize> = Default::default();
        let mut dirs: Vec<&PathBuf> = Vec::new();
        for (dir, calls) in calls_of {
            for d in std::iter::once(dir).chain(calls) {
                number.entry(d.as_os_str()).or_insert_with(|| {
                    dirs.push(d);
                    dirs.len() - 1
                });
            }
        }
        let numbered = |d: &PathBuf| number.get(d.as_os_str()).copied();
        let mut calls = vec![Vec::new(); dirs.len()];
        for (dir, called) in calls_of {
            if let Some(i) = numbered(dir) {
                calls[i] = called.iter().filter_map(numbered).collect();
            }
        }
        let module: Vec<bool> = dirs.iter().map(|d| defs.contains_key(*d)).collect();
        // the modules a root reaches, itself excluded (`seen` marks with
        // the root's turn: no clearing between roots)
        let mut seen = vec![usize::MAX; dirs.len()];
        let mut reached = |turn: usize, root: &PathBuf, out: &mut Vec<usize>| {
            let Some(r) = numbered(root) else {
                return;
            };
            seen[r] = turn;
            let mut stack = calls[r].clone();
            while let Some(d) = stack.pop() {
                if module[d] && seen[d] != turn {
                    seen[d] = turn;
                    out.push(d);
                    stack.extend(&calls[d]);
                }
            }
        };
        let mut kept = vec![false; dirs.len()];
        let mut out = Vec::new();
        for (turn, (dir, _)) in later.iter().enumerate() {
            out.clear();
            reached(turn, dir, &mut out);
            out.iter().for_each(|&d| kept[d] = true);
        }
        let mut waiting = vec![0usize; dirs.len()];
        let mut reach: crate::eval::FastMap<_, _> = Default::default();
        for (turn, (root, _)) in roots.iter().enumerate() {
            let mut own = Vec::new();
            reached(later.len() + turn, root, &mut own);
            own.retain(|&d| !kept[d]);
            own.iter().for_each(|&d| waiting[d] += 1);
            reach.insert(root.as_os_str().to_owned(), (false.into(), own));
        }
        Releases {
            dirs: dirs.into_iter().cloned().collect(),
            waiting: waiting.into_iter().map(Into::into).collect(),
            reach,
        }
    }

    /// After `root` is evaluated: drops the definitions no root left
    /// reaches (outside the lock on the cache).
    fn evaluated(&self, root: &Path, cache: &Mutex<ModuleCache>) {
        use std::sync::atomic::Ordering;
        let Some((done, reach)) = self.reach.get(root.as_os_str()) else {
            return;
        };
        if done.swap(true, Ordering::AcqRel) {
            return;
        }
        let last: Vec<usize> = reach
            .iter()
            .copied()
            .filter(|&i| self.waiting[i].fetch_sub(1, Ordering::AcqRel) == 1)
            .collect();
        if last.is_empty() {
            return;
        }
        let dropped: Vec<_> = {
            let mut cache = cache.lock().unwrap_or_else(|p| p.into_inner());
            last.iter()
                .filter_map(|&i| cache.defs.remove(&self.dirs[i]))
                .collect()
        };
        drop(dropped);
    }
}

/// Where in `results` the evaluation of the root module shown as
/// `display` is.
fn place_of_root(results: &[Loaded], display: &str) -> Option<usize> {
    results.iter().position(|part| {
        part.modules
            .iter()
            .any(|m| m.address.is_empty() && m.root_dir == display)
    })
}

/// A Terragrunt unit to evaluate as a root module.
#[derive(Clone)]
struct UnitRoot {
    unit: crate::terragrunt::Unit,
    /// The directory of the module it deploys.
    module_dir: PathBuf,
    /// Where the unit's own files are: its directory, or for a unit a
    /// stack generates, the directory it is copied from.
    own_dir: PathBuf,
    /// Whether the scan found configuration files there (a unit beside
    /// its own `.tf` files): only then is it read for them.
    own_files: bool,
    /// The unit's directory, as displayed: the root module's name.
    display: String,
}

/// The Terragrunt units among the configurations found, each with the
/// module it deploys. A configuration other units include, with no
/// `terraform { source }` and no `.tf` files beside it, is theirs, not a
/// unit (`live/terragrunt.hcl`).
fn read_units(
    reader: &crate::terragrunt::Reader<'_>,
    scan_root: &Path,
    configs: &[PathBuf],
    dirs: &BTreeMap<PathBuf, Vec<FileId>>,
    source_map: &[(String, PathBuf)],
) -> Vec<UnitRoot> {
    use crate::terragrunt::Source;
    if configs.is_empty() {
        return Vec::new();
    }
    // deepest first: a configuration is known to be included before it is
    // read; the configurations of one depth are read in parallel
    let mut order: Vec<&PathBuf> = configs.iter().collect();
    order.sort_by_key(|p| std::cmp::Reverse(p.components().count()));
    // included by another, and neither deploying a module nor beside .tf files
    let only_included = |config: &Path| {
        reader.is_included(config)
            && config.parent().is_some_and(|dir| !dirs.contains_key(dir))
            && !reader.declares_source(config)
    };
    let mut read = Vec::new();
    for depth in order.chunk_by(|a, b| a.components().count() == b.components().count()) {
        let candidates: Vec<&PathBuf> = depth
            .iter()
            .filter(|c| !only_included(c))
            .copied()
            .collect();
        let units: Vec<(&PathBuf, Option<crate::terragrunt::Unit>)> = candidates
            .into_par_iter()
            .map(|config| (config, reader.unit(config)))
            .collect();
        // (one of the same depth may have included it)
        read.extend(
            units
                .into_iter()
                .filter(|(config, _)| !only_included(config))
                .filter_map(|(_, unit)| unit),
        );
    }
    let mut units = Vec::new();
    for unit in read {
        let display = display_dir(&reader.shown_from, &unit.dir);
        if let Some((why, at)) = unit.skipped {
            reader.say(
                Diagnostic::info(format!(
                    "unit {display} is not checked: Terragrunt does not run it ({why})"
                ))
                .at(at),
            );
            continue;
        }
        let own_dir = reader.real(&unit.dir);
        let module_dir = match &unit.source {
            Source::Own if dirs.contains_key(&own_dir) => own_dir.clone(),
            Source::Own => {
                reader.say(
                    Diagnostic::warning(format!(
                        "{display} holds a Terragrunt configuration with neither a `terraform {{ source }}` nor .tf files: it deploys nothing"
                    ))
                    .in_file(display_path(&reader.shown_from, &unit.config)),
                );
                continue;
            }
            Source::Local(module) if dirs.contains_key(module) => module.clone(),
            // above a unit scanned alone, in its repository
            Source::Local(module)
                if !module.starts_with(scan_root)
                    && reader.may_read(module)
                    && has_config_files(module) =>
            {
                module.clone()
            }
            Source::Local(module) => {
                reader.say(
                    Diagnostic::error(format!(
                        "the module unit {display} deploys, {}, holds no .tf files: the unit is not checked",
                        display_dir(&reader.shown_from, module)
                    ))
                    .at_opt(unit.source_at)
                    .help("check that `terraform { source }` names the module's directory, and scan a directory that holds both"),
                );
                continue;
            }
            Source::Remote(address) => {
                let mapped = crate::terragrunt::mapped_source(address, source_map);
                let found = mapped
                    .clone()
                    .filter(|dir| has_config_files(dir))
                    .or_else(|| crate::terragrunt::cached_working_dir(&unit.dir, address));
                match (found, mapped) {
                    (Some(dir), _) => dir,
                    (None, Some(mapped)) => {
                        reader.say(
                            Diagnostic::error(format!(
                                "unit {display} deploys {address}, which --terragrunt-source-map puts in {}: it holds no .tf files, so the unit is not checked",
                                mapped.display()
                            ))
                            .at_opt(unit.source_at)
                            .help("check the directory given for the source (its subdirectory after `//` is the module)"),
                        );
                        continue;
                    }
                    (None, None) => {
                        reader.say(
                            Diagnostic::warning(format!(
                                "unit {display} deploys a remote module ({address}), which Cloudwright does not download and Terragrunt has not downloaded into the unit's .terragrunt-cache: the unit is not checked"
                            ))
                            .at_opt(unit.source_at)
                            .help("give a local checkout of it with `--terragrunt-source-map SOURCE=DIR` (Terragrunt's --source-map), run `terragrunt init` in the unit first (Cloudwright then reads the module Terragrunt downloaded), or check a plan of it (`terragrunt plan -out=plan.out`, then `terragrunt show -json plan.out > plan.json`)"),
                        );
                        continue;
                    }
                }
            }
            Source::Unknown => continue,
        };
        units.push(UnitRoot {
            unit,
            module_dir,
            own_files: dirs.contains_key(&own_dir),
            own_dir,
            display,
        });
    }
    units.sort_by(|a, b| a.unit.dir.cmp(&b.unit.dir));
    units
}

/// Evaluates the Terragrunt units that depend on other units, in waves:
/// each wave the units whose dependencies are all evaluated, read again
/// with their outputs. Units left waiting on a cycle are evaluated last,
/// with the outputs they wait for unknown.
fn evaluate_waiting(
    reader: &crate::terragrunt::Reader<'_>,
    mut waiting: Vec<UnitRoot>,
    unit_dirs: &HashSet<PathBuf>,
    scan_root: &Path,
    evaluate: &dyn Fn(Vec<RootJob>) -> Vec<Loaded>,
    results: &mut Vec<Loaded>,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let waiting_dirs: HashSet<&PathBuf> = waiting.iter().map(|u| &u.unit.dir).collect();
    let mut evaluated: HashSet<PathBuf> = unit_dirs
        .iter()
        .filter(|d| !waiting_dirs.contains(d))
        .cloned()
        .collect();
    drop(waiting_dirs);
    let mut recorded = 0;
    while !waiting.is_empty() {
        record_outputs(reader, &results[recorded..], scan_root);
        recorded = results.len();
        let (ready, rest): (Vec<UnitRoot>, Vec<UnitRoot>) = waiting.into_iter().partition(|u| {
            u.unit
                .dependencies
                .iter()
                .all(|d| !unit_dirs.contains(d) || evaluated.contains(d))
        });
        let (next, rest) = if ready.is_empty() {
            // a cycle, which Terragrunt refuses
            let names: Vec<String> = rest.iter().map(|u| u.display.clone()).collect();
            diagnostics.push(
                Diagnostic::error(format!(
                    "Terragrunt units depend on a cycle of `dependency` blocks ({}): Terragrunt refuses to run them; the outputs they wait for are unknown",
                    names.join(", ")
                ))
                .help("remove one of the `dependency` blocks that close the cycle"),
            );
            (rest, Vec::new())
        } else {
            // read again: their `dependency` blocks now have outputs
            let ready = ready
                .into_par_iter()
                .map(|u| match reader.unit(&u.unit.config) {
                    Some(unit) => UnitRoot { unit, ..u },
                    None => u,
                })
                .collect();
            (ready, rest)
        };
        evaluated.extend(next.iter().map(|u: &UnitRoot| u.unit.dir.clone()));
        results.extend(evaluate(
            next.into_iter()
                .map(|u| RootJob::Unit(Box::new(u)))
                .collect(),
        ));
        waiting = rest;
    }
}

/// The Terragrunt units that depend (through `dependency`, at any depth)
/// on a unit read again for another unit's state, read again after it
/// with its new outputs, in waves.
fn refresh_dependents(
    reader: &crate::terragrunt::Reader<'_>,
    dependents: Vec<UnitRoot>,
    read_again: &[cloudwright_model::text::Shared],
    shown: &Path,
    evaluate: &dyn Fn(Vec<RootJob>) -> Vec<Loaded>,
    results: &mut [Loaded],
) {
    if dependents.is_empty() || read_again.is_empty() {
        return;
    }
    let dir_of = |root: &str| normalize(&shown.join(root));
    // the directories read again, then each dependent of one, at any depth
    let mut changed: HashSet<PathBuf> = read_again.iter().map(|r| dir_of(r)).collect();
    let mut stale: Vec<UnitRoot> = Vec::new();
    let mut rest = dependents;
    loop {
        let (now, later): (Vec<UnitRoot>, Vec<UnitRoot>) = rest
            .into_iter()
            .partition(|u| u.unit.dependencies.iter().any(|d| changed.contains(d)));
        if now.is_empty() {
            break;
        }
        changed.extend(now.iter().map(|u| u.unit.dir.clone()));
        stale.extend(now);
        rest = later;
    }
    // in waves: a unit after the stale units it depends on
    while !stale.is_empty() {
        let waiting: HashSet<&PathBuf> = stale.iter().map(|u| &u.unit.dir).collect();
        let ready: Vec<usize> = (0..stale.len())
            .filter(|&i| {
                stale[i]
                    .unit
                    .dependencies
                    .iter()
                    .all(|d| !waiting.contains(d))
            })
            .collect();
        // (a cycle, said when the units were first read: as they stand)
        let ready = match ready.is_empty() {
            true => (0..stale.len()).collect(),
            false => ready,
        };
        record_outputs(reader, results.iter(), shown);
        let mut jobs = Vec::with_capacity(ready.len());
        let mut places = Vec::with_capacity(ready.len());
        for &i in &ready {
            let u = &stale[i];
            let Some(place) = place_of_root(results, &u.display) else {
                continue;
            };
            jobs.push(RootJob::Unit(Box::new(u.clone().read_again(reader))));
            places.push(place);
        }
        for (place, loaded) in places.into_iter().zip(evaluate(jobs)) {
            results[place] = loaded;
        }
        stale = stale
            .into_iter()
            .enumerate()
            .filter(|(i, _)| !ready.contains(i))
            .map(|(_, u)| u)
            .collect();
    }
}

/// The outputs of the Terragrunt units among evaluated roots, for the
/// units that depend on them: an object of each root module's outputs.
fn record_outputs<'a>(
    reader: &crate::terragrunt::Reader<'_>,
    parts: impl IntoIterator<Item = &'a Loaded>,
    scan_root: &Path,
) {
    for part in parts {
        for m in part.modules.iter().filter(|m| m.address.is_empty()) {
            let dir = normalize(&scan_root.join(&m.root_dir));
            reader.set_outputs(&dir, &m.root_dir, root_outputs(m));
        }
    }
}

/// A unit's `dependency` on a directory outside the scanned one and every
/// path loaded before: its outputs are unknown, said once per unit and
/// dependency (Terragrunt would run it first; give its path too).
fn dependencies_not_loaded(
    units: &[UnitRoot],
    scan_root: &Path,
    earlier: &[&Loaded],
    shown: &Path,
) -> Vec<(PathBuf, Diagnostic)> {
    let loaded: HashSet<PathBuf> = earlier
        .iter()
        .flat_map(|part| &part.modules)
        .filter(|m| m.address.is_empty())
        .map(|m| normalize(&shown.join(&m.root_dir)))
        .collect();
    let mut out = Vec::new();
    for unit in units {
        for dependency in &unit.unit.dependencies {
            if dependency.starts_with(scan_root) || loaded.contains(dependency) {
                continue;
            }
            let unit_name = match unit.display.as_str() {
                "." => "this unit".to_string(),
                display => format!("unit {display}"),
            };
            out.push((
                dependency.clone(),
                Diagnostic::info(format!(
                    "{unit_name} depends on {}, which is outside what this load reads: the outputs it reads from it are not known (give its path too)",
                    display_dir(shown, dependency)
                ))
                .in_file(display_path(shown, &unit.unit.config)),
            ));
        }
    }
    out
}

/// A root module's outputs as another root reads them: an object, the
/// sensitive ones marked.
fn root_outputs(m: &cloudwright_model::ModuleInstance) -> Value {
    let mut outputs = cloudwright_model::Fields::with_capacity(m.outputs.len());
    for o in &m.outputs {
        let value = match o.sensitive {
            true => o.value.clone().sensitive(),
            false => o.value.clone(),
        };
        outputs.insert(&*o.name, value);
    }
    Value::map(outputs)
}

/// What a root module's evaluation reads beyond its configuration: files
/// inside `sandbox`, and the states the load's other roots write.
struct Reads {
    sandbox: PathBuf,
    remote_states: Arc<crate::remote_state::RemoteStates>,
    /// What `file()` and friends have read, for every root of the load.
    files: crate::eval::FileReads,
}

/// The states the evaluated roots write, where their backends keep them
/// (`ModuleInstance::state`), with each root's outputs.
fn written_states<'a>(
    results: impl Iterator<Item = &'a Loaded>,
) -> crate::remote_state::RemoteStates {
    let mut states = crate::remote_state::RemoteStates::default();
    for m in results
        .flat_map(|part| &part.modules)
        .filter(|m| m.address.is_empty())
    {
        if let Some(place) = &m.state {
            let written = crate::remote_state::Written {
                root: m.root_dir.as_str().into(),
                outputs: root_outputs(m),
            };
            states.insert(place.clone(), written);
        }
    }
    states
}

/// A plain root module and where its result is among a load's.
struct PlainRoot {
    result: usize,
    /// How to evaluate it again: a directory's files, or a Terragrunt unit
    /// (whose module reads another root's state).
    job: RootJob,
    /// Held back from the first evaluation: its files read another
    /// root's state.
    held_back: bool,
}

/// The data sources of a part that read another root's state, each with
/// the place it reads (`None` where the code does not say it in full).
fn state_reads<'p>(
    part: &'p Loaded,
    shown: &'p Path,
) -> impl Iterator<Item = (&'p cloudwright_model::Resource, Option<String>)> {
    part.resources
        .iter()
        .filter(|r| crate::remote_state::reads_state(r))
        .filter_map(move |r| {
            let fields = r.attributes.as_object()?.fields();
            let dir = normalize(&shown.join(&*r.root));
            let hostname = crate::remote_state::provider_hostname(&part.modules, r);
            let place = crate::remote_state::read_place(&r.resource_type, fields, hostname, &dir);
            Some((r, place))
        })
}

/// The roots that read another root's state, evaluated with the states
/// the others write: `later` (whose files name such a data source, held
/// back from the first evaluation) now, with what the roots evaluated so
/// far write; then again, in waves, each root that read a state written
/// by a root evaluated with it (`later` too), after that root — and each
/// plain root of the first evaluation (`roots`, by its result's place)
/// that turned out to read one (a module it calls does). A cycle is said
/// and read as it stands. The roots of the paths loaded before (`earlier`)
/// write states too. Whether any root read another's state, and the roots
/// read again in the waves.
fn read_remote_states(
    results: &mut Vec<Loaded>,
    earlier: &[&Loaded],
    (mut roots, later): (Vec<PlainRoot>, Vec<(PathBuf, Vec<FileId>)>),
    shown: &Path,
    reads: &Reads,
    evaluate: &dyn Fn(Vec<RootJob>, &Reads) -> Vec<Loaded>,
    diagnostics: &mut Vec<Diagnostic>,
) -> (bool, Vec<cloudwright_model::text::Shared>) {
    let reading = |states: crate::remote_state::RemoteStates| Reads {
        sandbox: reads.sandbox.clone(),
        remote_states: Arc::new(states),
        files: reads.files.clone(),
    };
    let held = !later.is_empty();
    if held {
        let first = results.len();
        let mut jobs = Vec::with_capacity(later.len());
        for (k, (dir, ids)) in later.into_iter().enumerate() {
            roots.push(PlainRoot {
                result: first + k,
                job: RootJob::Plain(dir.clone(), ids.clone()),
                held_back: true,
            });
            jobs.push(RootJob::Plain(dir, ids));
        }
        let written = reading(written_states(
            earlier.iter().copied().chain(results.iter()),
        ));
        results.extend(evaluate(jobs, &written));
    }
    // (the usual load: no root reads another's state)
    if !held
        && !roots.iter().any(|root| {
            results[root.result]
                .resources
                .iter()
                .any(crate::remote_state::reads_state)
        })
    {
        return (false, Vec::new());
    }
    let name = |part: &Loaded| -> Option<cloudwright_model::text::Shared> {
        part.modules
            .iter()
            .find(|m| m.address.is_empty())
            .map(|m| m.root_dir.as_str().into())
    };
    let held_back: HashSet<cloudwright_model::text::Shared> = roots
        .iter()
        .filter(|r| r.held_back)
        .filter_map(|r| name(&results[r.result]))
        .collect();
    let written = written_states(earlier.iter().copied().chain(results.iter()));
    // each root to read again → the roots it reads
    let mut pending: Vec<(usize, Vec<cloudwright_model::text::Shared>)> = Vec::new();
    for (k, root) in roots.iter().enumerate() {
        let mut producers: Vec<cloudwright_model::text::Shared> = Vec::new();
        for (r, place) in state_reads(&results[root.result], shown) {
            let found = place.as_ref().and_then(|place| written.get(place));
            match (found, &place) {
                (Some(w), _) if w.root != r.root => producers.push(w.root.clone()),
                (Some(_), _) => {}
                // what a user can do about it
                (None, Some(place)) => diagnostics.push(
                    Diagnostic::info(unwritten_state(&r.block_address(), place)).at_opt(r.span),
                ),
                (None, None) => diagnostics.push(
                    Diagnostic::info(format!(
                        "{} reads a state whose place the code does not say in full: its outputs are not known",
                        r.block_address()
                    ))
                    .at_opt(r.span),
                ),
            }
        }
        // (read with everything but what was held back with it)
        let complete = root.held_back && producers.iter().all(|p| !held_back.contains(p));
        if !producers.is_empty() && !complete {
            producers.sort();
            producers.dedup();
            pending.push((k, producers));
        }
    }
    let any = !held_back.is_empty() || !pending.is_empty();
    let mut names: Vec<Option<cloudwright_model::text::Shared>> = pending
        .iter()
        .map(|(k, _)| name(&results[roots[*k].result]))
        .collect();
    let read_again: Vec<cloudwright_model::text::Shared> =
        names.iter().flatten().cloned().collect();
    while !pending.is_empty() {
        let waiting: HashSet<cloudwright_model::text::Shared> =
            names.iter().flatten().cloned().collect();
        let mut ready: Vec<usize> = (0..pending.len())
            .filter(|&p| pending[p].1.iter().all(|root| !waiting.contains(root)))
            .collect();
        if ready.is_empty() {
            let cycle: Vec<&str> = names.iter().flatten().map(|n| &**n).collect();
            diagnostics.push(Diagnostic::warning(format!(
                "root modules read each other's state through `terraform_remote_state` ({}): each is read with the others' outputs as they stand without it",
                cycle.join(", ")
            )));
            ready = (0..pending.len()).collect();
        }
        let written = reading(written_states(
            earlier.iter().copied().chain(results.iter()),
        ));
        let jobs = ready
            .iter()
            .map(|&p| roots[pending[p].0].job.clone())
            .collect();
        for (&p, loaded) in ready.iter().zip(evaluate(jobs, &written)) {
            results[roots[pending[p].0].result] = loaded;
        }
        for &p in ready.iter().rev() {
            pending.remove(p);
            names.remove(p);
        }
    }
    (any, read_again)
}

impl UnitRoot {
    /// The unit with its configuration read again (the outputs of its
    /// dependencies as they now stand); as it was if it cannot be.
    fn read_again(self, reader: &crate::terragrunt::Reader) -> UnitRoot {
        match reader.unit(&self.unit.config) {
            Some(unit) => UnitRoot { unit, ..self },
            None => self,
        }
    }

    /// The root module Terragrunt runs: the module's files, the unit's
    /// own `.tf` files over them, and the files it generates.
    fn module_def(
        &self,
        sources: &SharedSources,
        cache: &Mutex<ModuleCache>,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> ModuleDef {
        let mut dirs = vec![self.module_dir.as_path()];
        if self.own_dir != self.module_dir && self.own_files {
            dirs.push(self.own_dir.as_path());
        }
        // (locked in the order module calls lock them: the modules first)
        let mut modules = cache.lock().unwrap_or_else(|p| p.into_inner());
        let defs: Vec<Arc<ModuleDef>> = dirs
            .iter()
            .filter_map(|dir| match modules.cached(dir) {
                Some(def) => def,
                // (a module not read yet registers its files)
                None => modules.module_def(dir, &mut write(sources), diagnostics),
            })
            .collect();
        drop(modules);
        let sources = read(sources);
        let name_of = |file: &ConfigFile| {
            let path = &sources.get(file.file).path;
            path.file_name()
                .map(|n| n.to_string_lossy().into_owned())
                .unwrap_or_default()
        };
        // (name, file, written by Terragrunt: its signature first)
        let mut files: Vec<(String, Arc<ConfigFile>, bool)> = Vec::new();
        for file in defs.iter().flat_map(|d| d.files.iter()) {
            let name = name_of(file);
            let generated = sources
                .get(file.file)
                .text
                .starts_with(crate::terragrunt::SIGNATURE);
            files.retain(|(n, ..)| *n != name);
            files.push((name, file.clone(), generated));
        }
        for generated in &self.unit.generated {
            let file = Arc::new(generated.file.clone());
            let Some(at) = files.iter().position(|(n, ..)| *n == generated.name) else {
                files.push((generated.name.clone(), file, true));
                continue;
            };
            let refused = match generated.if_exists.as_str() {
                "overwrite" => None,
                "skip" => continue,
                "error" => Some("if_exists = \"error\""),
                // `overwrite_terragrunt`: only a file Terragrunt wrote
                _ => (!files[at].2).then_some(
                    "if_exists = \"overwrite_terragrunt\", and it was not written by Terragrunt",
                ),
            };
            if let Some(why) = refused {
                diagnostics.push(
                    Diagnostic::error(format!(
                        "unit {} generates `{}`, which its module has a file of: Terragrunt refuses to replace it ({why}); read as generated",
                        self.display, generated.name
                    ))
                    .at(generated.span),
                );
            }
            files[at] = (generated.name.clone(), file, true);
        }
        if let Some(backend) = &self.unit.backend {
            let foreign = Arc::new(crate::syntax::Foreign {
                file: backend.file,
                source: sources.get_shared(backend.file),
            });
            let mut filled = false;
            for (_, file, _) in files.iter_mut() {
                let declares = file.body.blocks_of("terraform").any(|t| {
                    t.body
                        .blocks_of("backend")
                        .any(|b| b.labels.first().is_some_and(|l| *l == backend.kind))
                });
                if !declares || filled {
                    continue;
                }
                let mut copy = ConfigFile::clone(file);
                for t in copy
                    .body
                    .blocks
                    .iter_mut()
                    .filter(|b| b.kind == "terraform")
                {
                    for b in t.body.blocks.iter_mut().filter(|b| {
                        b.kind == "backend" && b.labels.first().is_some_and(|l| *l == backend.kind)
                    }) {
                        for attr in &backend.attributes {
                            b.body.attributes.retain(|a| a.name != attr.name);
                            let mut attr = attr.clone();
                            attr.origin = Some(foreign.clone());
                            b.body.attributes.push(attr);
                        }
                    }
                }
                *file = Arc::new(copy);
                filled = true;
            }
            if !filled {
                diagnostics.push(
                    Diagnostic::warning(format!(
                        "`remote_state` configures backend \"{kind}\" without `generate`, and the module unit {} deploys declares no `backend \"{kind}\"` block to take its settings: the unit's state backend is not known",
                        self.display,
                        kind = backend.kind
                    ))
                    .at(backend.span)
                    .help("add `generate = { path = \"backend.tf\", if_exists = \"overwrite_terragrunt\" }` to `remote_state`, or a `backend` block to the module"),
                );
            }
        }
        let files: Vec<Arc<ConfigFile>> = files.into_iter().map(|(_, f, _)| f).collect();
        let own = crate::module::ModuleSources::of(&files, &sources);
        drop(sources);
        ModuleDef::new(
            self.module_dir.clone(),
            self.display.clone(),
            files,
            &defs,
            &own,
            diagnostics,
        )
    }
}

fn eval_root(
    root: &Arc<ModuleDef>,
    options: &LoadOptions,
    sources: &SharedSources,
    cache: &Mutex<ModuleCache>,
    shared_maps: &SharedMapCache,
    reads: &Reads,
    extra: &RootExtra,
) -> Loaded {
    let unit = extra.unit();
    let mut diagnostics = Vec::new();
    let mut manifest = read_manifest(&root.dir, &mut diagnostics);
    // (a Stack's modules come in a source bundle, looked for only there)
    if root.components {
        match crate::source_bundle::SourceBundle::read(&root.dir) {
            Ok(bundle) => manifest.bundle = bundle,
            Err(e) => diagnostics.push(
                Diagnostic::warning(e).help("run `terraform stacks init` again to rewrite it"),
            ),
        }
    }
    let mut loader = Loader {
        sources,
        modules_src: cache,
        manifest,
        fs: Arc::new(FsContext {
            root_dir: root.dir.clone(),
            sandbox: reads.sandbox.clone(),
            workspace: workspace(&root.dir, options),
            remote_states: reads.remote_states.clone(),
            reads: reads.files.clone(),
        }),
        resources: Vec::new(),
        modules: Vec::new(),
        diagnostics,
        root_display: root.display_dir.as_str().into(),
        shared: shared_maps,
        seen_sources: Default::default(),
        keep_locals: options.keep_locals,
        local_children: Default::default(),
        scratch: Default::default(),
    };
    let inputs = match extra.deployment() {
        Some(deployment) => deployment_inputs(root, deployment, &mut loader),
        None => root_inputs(root, options, unit, &mut loader),
    };
    let mut ancestry = vec![root.dir.clone()];
    loader.eval_module(InstanceRequest {
        def: root.clone(),
        address: String::new(),
        key_path: String::new(),
        inputs,
        providers: Default::default(),
        call_span: None,
        ancestry: &mut ancestry,
    });
    // One vector of the root's size, filled from the evaluation's chunks
    // and put in the model's order here, on this root's thread: the graph
    // then only checks the order. A chunk is one block's instances, in
    // order already: the chunks are ordered by their first instance (moving
    // a chunk is moving three words, a resource is some thirty), and the
    // whole sorted only should a chunk's instances interleave with another's.
    // a unit's root: where its module comes from (a supply-chain pin)
    if let Some(unit) = unit {
        if let (Some(text), Some(at)) = (&unit.source_text, unit.source_at) {
            if let Some(root) = loader.modules.iter_mut().find(|m| m.address.is_empty()) {
                root.terragrunt_source = Some((text.clone(), at));
            }
        }
    }
    if let Some(deployment) = extra.deployment() {
        if let Some(root) = loader.modules.iter_mut().find(|m| m.address.is_empty()) {
            root.stack_deployment = Some((deployment.name.clone(), deployment.span));
        }
    }
    let order = cloudwright_model::Resource::canonical_order;
    let mut chunks = loader.resources;
    chunks.retain(|c| !c.is_empty());
    chunks.sort_unstable_by(|a, b| order(&a[0], &b[0]));
    let mut resources = Vec::with_capacity(chunks.iter().map(Vec::len).sum());
    for chunk in chunks {
        resources.extend(chunk);
    }
    if !resources.is_sorted_by(|a, b| order(a, b).is_le()) {
        resources.sort_unstable_by(order);
    }
    cloudwright_model::link_unknown_origins(&mut resources);
    Loaded {
        resources,
        modules: loader.modules,
        diagnostics: loader.diagnostics,
        ..Default::default()
    }
}

/// The workspace a root module is evaluated in, chosen as Terraform
/// chooses it: `TF_WORKSPACE`, else the one `terraform workspace select`
/// recorded in `.terraform/environment`, else `default`.
fn workspace(root: &Path, options: &LoadOptions) -> String {
    let named = |name: &str| {
        let name = name.trim();
        (!name.is_empty() && !name.contains(['\n', '/'])).then(|| name.to_string())
    };
    options
        .workspace
        .as_deref()
        .and_then(named)
        .or_else(|| {
            std::fs::read_to_string(root.join(".terraform/environment"))
                .ok()
                .and_then(|text| named(&text))
        })
        .unwrap_or_else(|| crate::instance::DEFAULT_WORKSPACE.to_string())
}

/// Module directories by path, parsed on first use when outside the scan.
struct ModuleCache {
    defs: crate::eval::FastMap<PathBuf, Option<Arc<ModuleDef>>>,
    /// The canonical directory of each directory a module call named:
    /// every instance of a call asks again, and resolving symbolic links
    /// is a system call per path component.
    canonical: crate::eval::FastMap<PathBuf, PathBuf>,
    /// What the names of files read later are shown relative to.
    shown_from: PathBuf,
}

impl ModuleCache {
    /// `dir` as the cache keys it: canonical (looked up once).
    fn canonical(&mut self, dir: &Path) -> PathBuf {
        match self.canonical.get(dir) {
            Some(canonical) => canonical.clone(),
            None => {
                let canonical = dir.canonicalize().unwrap_or_else(|_| dir.to_path_buf());
                self.canonical.insert(dir.to_path_buf(), canonical.clone());
                canonical
            }
        }
    }
}

impl ModuleSource for ModuleCache {
    fn cached(&mut self, dir: &Path) -> Option<Option<Arc<ModuleDef>>> {
        let dir = self.canonical(dir);
        self.defs.get(&dir).cloned()
    }

    fn module_def(
        &mut self,
        dir: &Path,
        sources: &mut SourceMap,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> Option<Arc<ModuleDef>> {
        let dir = self.canonical(dir);
        if let Some(def) = self.defs.get(&dir) {
            return def.clone();
        }
        let mut paths: Vec<PathBuf> = std::fs::read_dir(&dir)
            .ok()?
            .flatten()
            .map(|e| e.path())
            .filter(|p| p.is_file() && is_config_file(p))
            .collect();
        paths.sort();
        tofu_precedence(&mut paths);
        // parsed once, kept: registered for their text, the syntax taken
        // over. One by one, not in parallel: the caller holds the module
        // cache's and the source map's locks, and a thread waiting for a
        // parallel task may take up another root's evaluation, which would
        // wait for those locks on the thread that holds them.
        let mut files = Vec::new();
        for mut file in paths.iter().map(|p| parse_file(p)) {
            let json = ends_with(&file.path, ".json");
            let (body, partial) = match file.result.as_mut() {
                Ok((body, problems)) => (Some(std::mem::take(body)), !problems.is_empty()),
                Err(_) => (None, false),
            };
            let registered = register(ReadFile::new(file, &self.shown_from), sources, diagnostics);
            if let (Some(id), Some(body)) = (registered, body) {
                files.push(Arc::new(ConfigFile {
                    file: id,
                    body,
                    json,
                    partial,
                }));
            }
        }
        let def = if paths.is_empty() {
            None
        } else {
            let display = display_dir(&self.shown_from, &dir);
            let own = crate::module::ModuleSources::of(&files, sources);
            Some(Arc::new(ModuleDef::new(
                dir.clone(),
                display,
                files,
                &[],
                &own,
                diagnostics,
            )))
        };
        self.defs.insert(dir, def.clone());
        def
    }
}

/// A configuration file: `.tf`, `.tf.json`, and OpenTofu's `.tofu` and
/// `.tofu.json`.
/// Whether a directory holds `.tf` or `.tf.json` files.
pub(crate) fn has_config_files(dir: &Path) -> bool {
    std::fs::read_dir(dir)
        .into_iter()
        .flatten()
        .flatten()
        .any(|e| e.path().is_file() && is_config_file(&e.path()))
}

pub(crate) fn is_config_file(p: &Path) -> bool {
    // (a file name: a path that is not only a root or a `..`)
    p.file_name().is_some()
        && [".tf", ".tf.json", ".tofu", ".tofu.json"]
            .iter()
            .any(|ext| ends_with(p, ext))
}

/// OpenTofu's extension precedence: where `foo.tofu` (`foo.tofu.json`)
/// stands beside `foo.tf` (`foo.tf.json`), only the `.tofu` file is part
/// of the configuration — how a module supports both tools.
fn tofu_precedence(paths: &mut Vec<PathBuf>) {
    let tofu = memchr::memmem::Finder::new(".tofu");
    if !(paths.iter()).any(|p| tofu.find(p.as_os_str().as_encoded_bytes()).is_some()) {
        return;
    }
    let present: HashSet<PathBuf> = paths.iter().cloned().collect();
    paths.retain(|p| {
        let name = p.to_string_lossy();
        let tofu = if let Some(stem) = name.strip_suffix(".tf.json") {
            format!("{stem}.tofu.json")
        } else if let Some(stem) = name.strip_suffix(".tf") {
            format!("{stem}.tofu")
        } else {
            return true;
        };
        !present.contains(Path::new(&tofu))
    });
}

/// `override.tf`, `*_override.tf` (and their `.tf.json`, `.tofu`,
/// `.tofu.json`): merged into the module's other files after them
/// ([`crate::module::ModuleDef::new`]).
pub(crate) fn is_override_file(p: &Path) -> bool {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy())
        .unwrap_or_default();
    let name = name.trim_end_matches(".json");
    let stem = name
        .strip_suffix(".tf")
        .or_else(|| name.strip_suffix(".tofu"))
        .unwrap_or(name);
    stem == "override" || stem.ends_with("_override")
}

/// `.tf` and `.tf.json` files under a directory, honouring `.gitignore` and
/// `--exclude`, skipping hidden directories (`.terraform`, `.git`).
/// What discovery finds under a scanned directory.
#[derive(Default)]
struct Discovered {
    /// The configuration files (sorted).
    files: Vec<PathBuf>,
    /// The Terragrunt configurations (`terragrunt.hcl`, stacks).
    terragrunt: Vec<PathBuf>,
    /// The files of Terraform Stacks (sorted).
    stacks: Vec<PathBuf>,
}

impl Discovered {
    fn add(&mut self, kind: Found, path: PathBuf) {
        match kind {
            Found::Config => self.files.push(path),
            Found::Terragrunt => self.terragrunt.push(path),
            Found::Stack => self.stacks.push(path),
        }
    }
}

/// The configuration files under `root`, the Terragrunt configurations
/// and the files of Terraform Stacks.
/// What discovery finds.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Found {
    /// A file of the configuration (`.tf`, `.tf.json`, `.tofu`, `.tofu.json`).
    Config,
    /// A Terragrunt configuration (a unit, in HCL or JSON, or a stack).
    Terragrunt,
    /// A file of a Terraform Stack.
    Stack,
}

/// Walks the tree below `root` (`.gitignore` and `--exclude` respected,
/// hidden directories skipped), telling `found` each file it finds, in the
/// order of the sorted paths (depth first, in name order).
fn walk(
    root: &Path,
    excludes: &[String],
    diagnostics: &mut Vec<Diagnostic>,
    mut found: impl FnMut(Found, &Path),
) {
    let mut globs = globset::GlobSetBuilder::new();
    for pattern in excludes {
        match globset::Glob::new(pattern) {
            Ok(g) => {
                globs.add(g);
            }
            Err(e) => diagnostics.push(Diagnostic::error(format!(
                "invalid --exclude pattern {pattern:?}: {e}"
            ))),
        }
        // `dir/` or `dir` should exclude everything below it too
        if let Ok(g) = globset::Glob::new(&format!("{}/**", pattern.trim_end_matches('/'))) {
            globs.add(g);
        }
    }
    let excluded = globs.build().unwrap_or_else(|_| globset::GlobSet::empty());
    let walker = ignore::WalkBuilder::new(root)
        .hidden(true)
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .follow_links(false)
        // depth first in name order is the order of the sorted paths
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(e) => e,
            Err(e) => {
                diagnostics.push(Diagnostic::warning(format!(
                    "cannot read part of the tree: {e}"
                )));
                continue;
            }
        };
        let path = entry.path();
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        // (units, in HCL or JSON, and stacks)
        let terragrunt_file = path.file_name().is_some_and(|n| {
            n == crate::terragrunt::UNIT_FILE
                || n == crate::terragrunt::STACK_FILE
                || (n == crate::terragrunt::UNIT_FILE_JSON
                    && !path.with_file_name(crate::terragrunt::UNIT_FILE).is_file())
        });
        let config = !terragrunt_file && is_config_file(path);
        let stack_file = !terragrunt_file && !config && crate::stacks::is_stack_file(path);
        if !terragrunt_file && !stack_file && !config {
            continue;
        }
        // (the path below the root found only when there are patterns)
        if !excluded.is_empty() && excluded.is_match(path.strip_prefix(root).unwrap_or(path)) {
            continue;
        }
        let kind = match (terragrunt_file, stack_file) {
            (true, _) => Found::Terragrunt,
            (_, true) => Found::Stack,
            _ => Found::Config,
        };
        found(kind, path);
    }
}

fn discover(root: &Path, excludes: &[String], diagnostics: &mut Vec<Diagnostic>) -> Discovered {
    let mut found = Discovered::default();
    walk(root, excludes, diagnostics, |kind, path| {
        found.add(kind, path.to_path_buf())
    });
    found.files.sort();
    found.stacks.sort();
    tofu_precedence(&mut found.files);
    found
}

/// Discovery and the first pass over the configuration's files at once:
/// each directory's files are read and skimmed ([`scan_dir`]) on the other
/// cores as soon as the walk has listed them, while the walk — system
/// calls, mostly — goes on. The same as [`discover`], then [`scan_dir`]
/// over [`by_directory`] of its files.
fn discover_scanning(
    root: &Path,
    shown: &Path,
    excludes: &[String],
    diagnostics: &mut Vec<Diagnostic>,
) -> (Discovered, Vec<ScannedDir>) {
    let mut found = Discovered::default();
    let scanned: Mutex<Vec<(usize, ScannedDir)>> = Mutex::new(Vec::new());
    rayon::scope(|tasks| {
        let scan = |index: usize, (dir, paths): (PathBuf, Vec<PathBuf>)| {
            let scanned = &scanned;
            tasks.spawn(move |_| {
                let dir = scan_dir(shown, dir, &paths);
                let mut scanned = scanned.lock().unwrap_or_else(PoisonError::into_inner);
                scanned.push((index, dir));
            });
        };
        // the directory whose files the walk is listing (one directory
        // comes in more than one part when a subdirectory's files sort
        // between its own, as with `by_directory`)
        let mut listing: Option<(PathBuf, Vec<PathBuf>)> = None;
        let mut parts = 0;
        walk(root, excludes, diagnostics, |kind, path| {
            if kind == Found::Config {
                let dir = path.parent().unwrap_or(Path::new(""));
                match &mut listing {
                    Some((listed, paths)) if listed == dir => paths.push(path.to_path_buf()),
                    _ => {
                        let next = (dir.to_path_buf(), vec![path.to_path_buf()]);
                        if let Some(part) = listing.replace(next) {
                            scan(parts, part);
                            parts += 1;
                        }
                    }
                }
            }
            found.add(kind, path.to_path_buf());
        });
        if let Some(part) = listing {
            scan(parts, part);
        }
    });
    let mut scanned = scanned.into_inner().unwrap_or_else(PoisonError::into_inner);
    scanned.sort_unstable_by_key(|(index, _)| *index);
    let mut scanned: Vec<ScannedDir> = scanned.into_iter().map(|(_, dir)| dir).collect();
    found.stacks.sort();
    // where a `.tofu` file stands beside its `.tf` file, the directory is
    // read again without the `.tf` file (the walk read it before it knew)
    let listed = found.files.len();
    tofu_precedence(&mut found.files);
    if found.files.len() < listed {
        let kept: HashSet<&Path> = found.files.iter().map(PathBuf::as_path).collect();
        for dir in &mut scanned {
            let paths: Vec<PathBuf> = dir.files.iter().map(|f| f.source.path.clone()).collect();
            if paths.iter().any(|p| !kept.contains(p.as_path())) {
                let paths: Vec<PathBuf> = paths
                    .into_iter()
                    .filter(|p| kept.contains(p.as_path()))
                    .collect();
                *dir = scan_dir(shown, std::mem::take(&mut dir.dir), &paths);
            }
        }
        scanned.retain(|dir| !dir.files.is_empty());
    }
    (found, scanned)
}

/// The Terraform Stacks among the discovered files, one per directory:
/// their files read, registered and parsed (a file that does not parse is
/// left out, its error said), then read as a stack.
fn read_stacks(
    files: Vec<PathBuf>,
    shown: &Path,
    sandbox: &Path,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<crate::stacks::Stack> {
    let mut stacks = Vec::new();
    for (dir, paths) in by_directory(files) {
        let mut files = (Vec::new(), Vec::new());
        for parsed in parse_files(&paths) {
            let component = parsed
                .path
                .file_name()
                .is_some_and(|n| crate::stacks::is_component_file(&n.to_string_lossy()));
            let display = display_path(shown, &parsed.path);
            let id = sources.add(SourceFile::new(display, parsed.path, parsed.text));
            let source = sources.get_shared(id);
            let (body, partial) = match parsed.result {
                Ok((body, problems)) => {
                    let partial = !problems.is_empty();
                    for problem in problems {
                        diagnostics.push(problem.into_diagnostic(id, &source));
                    }
                    (body, partial)
                }
                Err(problem) => {
                    diagnostics.push(problem.into_diagnostic(id, &source, &source.display_path));
                    continue;
                }
            };
            let file = crate::stacks::StackFile {
                id,
                source,
                body,
                partial,
            };
            match component {
                true => files.0.push(file),
                false => files.1.push(file),
            }
        }
        let version_path = dir.join(crate::stacks::VERSION_FILE);
        let version = std::fs::read_to_string(&version_path).ok().map(|text| {
            let display = display_path(shown, &version_path);
            let id = sources.add(SourceFile::new(display, version_path, text.into()));
            (id, sources.get_shared(id))
        });
        let display = display_dir(shown, &dir);
        stacks.push(crate::stacks::read(
            dir,
            display,
            files,
            version,
            sandbox,
            diagnostics,
        ));
    }
    stacks
}

struct ParsedFile {
    path: PathBuf,
    text: Arc<str>,
    result: Result<(Body, Vec<Problem>), FileProblem>,
}

pub(crate) enum FileProblem {
    Unreadable(String),
    Syntax { message: String, offset: usize },
}

impl FileProblem {
    pub(crate) fn into_diagnostic(
        self,
        id: cloudwright_model::FileId,
        source: &SourceFile,
        display: &str,
    ) -> Diagnostic {
        match self {
            FileProblem::Unreadable(message) => {
                Diagnostic::error(message).in_file(display.to_string())
            }
            FileProblem::Syntax { message, offset } => {
                let o = offset as u32;
                Diagnostic::error(format!("syntax error: {message}"))
                    .at(source.span(id, o, o))
                    .help("fix the syntax; the rest of the configuration was still loaded, without this file")
            }
        }
    }
}

/// Parses files in parallel without evaluating them; returns how many
/// parsed cleanly. For the benchmark harness, which measures parsing alone.
pub fn parse_only(paths: &[PathBuf]) -> usize {
    parse_files(paths)
        .iter()
        .filter(|f| f.result.is_ok())
        .count()
}

fn parse_files(paths: &[PathBuf]) -> Vec<ParsedFile> {
    paths.par_iter().map(|p| parse_file(p)).collect()
}

/// A file read and parsed: its source (line index built) and what parsing
/// found, the syntax itself dropped.
struct ReadFile {
    source: SourceFile,
    problems: Result<Vec<Problem>, FileProblem>,
}

impl ReadFile {
    fn new(file: ParsedFile, scan_root: &Path) -> ReadFile {
        let display = display_path(scan_root, &file.path);
        ReadFile {
            source: SourceFile::new(display, file.path, file.text),
            problems: file.result.map(|(_, problems)| problems),
        }
    }
}

/// Adds a read file to the source map, reporting its syntax problems;
/// `None` when the file could not be parsed.
fn register(
    file: ReadFile,
    sources: &mut SourceMap,
    diagnostics: &mut Vec<Diagnostic>,
) -> Option<FileId> {
    let id = sources.add(file.source);
    let source = sources.get(id);
    match file.problems {
        Ok(problems) => {
            for problem in problems {
                diagnostics.push(problem.into_diagnostic(id, source));
            }
            Some(id)
        }
        Err(problem) => {
            let display = source.display_path.clone();
            diagnostics.push(problem.into_diagnostic(id, source, &display));
            None
        }
    }
}

/// A scanned directory after pass 1: its files (their syntax dropped) and
/// the directories it calls as local modules.
struct ScannedDir {
    dir: PathBuf,
    files: Vec<ReadFile>,
    calls: Vec<PathBuf>,
    /// A file names a data source that reads another root's state
    /// (`"terraform_remote_state"`, `"tfe_outputs"`; in a comment too).
    reads_states: bool,
}

/// The discovered files grouped by directory (discovery lists each
/// directory's files together).
fn by_directory(files: Vec<PathBuf>) -> Vec<(PathBuf, Vec<PathBuf>)> {
    let mut out: Vec<(PathBuf, Vec<PathBuf>)> = Vec::new();
    for file in files {
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        match out.last_mut() {
            Some((last, paths)) if *last == dir => paths.push(file),
            _ => out.push((dir, vec![file])),
        }
    }
    out
}

/// Pass 1 for one directory: read its files and note the local modules
/// they call.
fn scan_dir(scan_root: &Path, dir: PathBuf, paths: &[PathBuf]) -> ScannedDir {
    let mut calls = Vec::new();
    let mut files = Vec::with_capacity(paths.len());
    let mut reads_states = false;
    for path in paths {
        let (text, read) = read_source(path);
        reads_states = reads_states || names_a_state_reader(&text);
        if read.is_ok() {
            let json = ends_with(path, ".json");
            for src in module_sources(&text, json) {
                if src.starts_with("./") || src.starts_with("../") {
                    let target = normalize(&dir.join(src));
                    // a module calling its own directory is an error reported
                    // at evaluation, not a reason to skip the directory
                    if target != dir {
                        calls.push(target);
                    }
                }
            }
        }
        let display = display_path(scan_root, path);
        files.push(ReadFile {
            source: SourceFile::new(display, path.to_path_buf(), text),
            // syntax problems are reported where the file is parsed
            problems: read.map(|()| Vec::new()),
        });
    }
    ScannedDir {
        dir,
        files,
        calls,
        reads_states,
    }
}

/// Whether a file names a data source that reads another root's state
/// (`"terraform_remote_state"`, `"tfe_outputs"`; in a comment too). The
/// searchers are built once: building one is most of a search of a file.
fn names_a_state_reader(text: &str) -> bool {
    use memchr::memmem::Finder;
    static FINDERS: std::sync::LazyLock<[Finder<'static>; 2]> = std::sync::LazyLock::new(|| {
        [
            Finder::new("\"terraform_remote_state\""),
            Finder::new("\"tfe_outputs\""),
        ]
    });
    FINDERS.iter().any(|f| f.find(text.as_bytes()).is_some())
}

/// The literal `source` of each top-level `module` block of a file:
/// skimmed, or from the parsed file where the skim gives up (and none
/// when it does not parse).
fn module_sources(text: &str, json: bool) -> Vec<String> {
    if !may_call_modules(text, json) {
        return Vec::new();
    }
    if !json {
        if let Some(sources) = crate::hcl::module_sources(text) {
            return sources.into_iter().map(str::to_string).collect();
        }
    }
    match parse_text(text, json) {
        Ok((body, _)) => body
            .blocks_of("module")
            .filter_map(|b| crate::instance::literal_string(b.body.attribute("source")))
            .collect(),
        Err(_) => Vec::new(),
    }
}

/// Whether the text may declare a `module` block: it has the word
/// `module` standing alone (not `module.x`, `modules/`, `my_module`).
/// Most files only refer to modules, or do not mention them: they are
/// neither skimmed nor, in JSON syntax, parsed twice. A JSON key could
/// spell the word with `\u` escapes: JSON with any escape is looked at.
fn may_call_modules(text: &str, json: bool) -> bool {
    let bytes = text.as_bytes();
    if json && memchr::memmem::find(bytes, b"\\u").is_some() {
        return true;
    }
    let word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'-' || b == b'.';
    // (built once, as in `names_a_state_reader`)
    static MODULE: std::sync::LazyLock<memchr::memmem::Finder<'static>> =
        std::sync::LazyLock::new(|| memchr::memmem::Finder::new("module"));
    MODULE.find_iter(bytes).any(|at| {
        let before = at.checked_sub(1).map(|i| bytes[i]);
        let after = bytes.get(at + b"module".len()).copied();
        !before.is_some_and(word) && !after.is_some_and(word)
    })
}

/// A scanned directory's declarations, from the files pass 1 registered.
/// The files are parsed without holding the lock on the shared sources,
/// and declared with it (duplicate declarations are reported with their
/// source lines).
fn module_def_of(
    scan_root: &Path,
    dir: &Path,
    ids: &[FileId],
    sources: &SharedSources,
    diagnostics: &mut Vec<Diagnostic>,
) -> ModuleDef {
    let lock = || read(sources);
    let texts: Vec<Arc<SourceFile>> = {
        let sources = lock();
        ids.iter().map(|&id| sources.get_shared(id)).collect()
    };
    let files = parse_registered(texts.into_iter().zip(ids), diagnostics);
    let display = display_dir(scan_root, dir);
    let own = crate::module::ModuleSources::of(&files, &lock());
    ModuleDef::new(dir.to_path_buf(), display, files, &[], &own, diagnostics)
}

/// Parses registered files from their text, reporting their syntax
/// problems; a file that does not parse is left out.
fn parse_registered<'a>(
    files: impl Iterator<Item = (Arc<SourceFile>, &'a FileId)>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Arc<ConfigFile>> {
    files
        .filter_map(|(source, &id)| {
            let json = ends_with(&source.path, ".json");
            match parse_text(&source.text, json) {
                Ok((body, problems)) => {
                    let partial = !problems.is_empty();
                    for problem in problems {
                        diagnostics.push(problem.into_diagnostic(id, &source));
                    }
                    Some(Arc::new(ConfigFile {
                        file: id,
                        body,
                        json,
                        partial,
                    }))
                }
                Err(problem) => {
                    diagnostics.push(problem.into_diagnostic(id, &source, &source.display_path));
                    None
                }
            }
        })
        .collect()
}

fn parse_file(path: &Path) -> ParsedFile {
    let (text, read) = read_source(path);
    let json = ends_with(path, ".json");
    let result = read.and_then(|()| parse_text(&text, json));
    ParsedFile {
        path: path.to_path_buf(),
        text,
        result,
    }
}

/// A file's text, or why it could not be read (its lossy text when it is
/// not UTF-8).
fn read_source(path: &Path) -> (Arc<str>, Result<(), FileProblem>) {
    // one open: the size checked on the open file, then read to its end
    let read = || -> std::io::Result<Option<Vec<u8>>> {
        use std::io::Read;
        let file = std::fs::File::open(path)?;
        let len = file.metadata()?.len();
        if len > MAX_FILE_BYTES {
            return Ok(None);
        }
        let mut bytes = Vec::with_capacity(len as usize + 1);
        file.take(MAX_FILE_BYTES + 1).read_to_end(&mut bytes)?;
        Ok((bytes.len() as u64 <= MAX_FILE_BYTES).then_some(bytes))
    };
    let bytes = match read() {
        Ok(Some(b)) => b,
        Ok(None) => {
            let problem = FileProblem::Unreadable(format!(
                "file is larger than {} MiB; skipped",
                MAX_FILE_BYTES >> 20
            ));
            return ("".into(), Err(problem));
        }
        Err(e) => {
            let problem = FileProblem::Unreadable(format!("cannot read file: {e}"));
            return ("".into(), Err(problem));
        }
    };
    match String::from_utf8(bytes) {
        Ok(s) => (s.into(), Ok(())),
        Err(e) => {
            let valid = e.utf8_error().valid_up_to();
            let lossy: Arc<str> = String::from_utf8_lossy(e.as_bytes()).into_owned().into();
            let problem = FileProblem::Syntax {
                message: "the file is not valid UTF-8 (Terraform requires UTF-8)".into(),
                offset: valid,
            };
            (lossy, Err(problem))
        }
    }
}

/// The syntax of a file's text (native or JSON).
pub(crate) fn parse_text(text: &str, json: bool) -> Result<(Body, Vec<Problem>), FileProblem> {
    parse_text_as(text, json.then_some(json_syntax::convert_config))
}

/// A file's syntax tree: HCL, or JSON converted by `convert` (Terraform's
/// JSON syntax, or Terragrunt's).
pub(crate) fn parse_text_as(
    text: &str,
    convert: Option<json_syntax::Conversion>,
) -> Result<(Body, Vec<Problem>), FileProblem> {
    if let Some(convert) = convert {
        json_syntax::parse_json(text)
            .map(|node| {
                let (body, errors) = convert(&node);
                let problems = errors
                    .into_iter()
                    .map(|(message, range)| Problem {
                        message,
                        range,
                        help: None,
                    })
                    .collect();
                (body, problems)
            })
            .map_err(|e| FileProblem::Syntax {
                message: e.message,
                offset: e.offset,
            })
    } else {
        let (body, skipped) = crate::hcl::parse_body_recovering(text);
        let problems = skipped
            .iter()
            .enumerate()
            .map(|(i, s)| {
                let consequence = if i + 1 == crate::hcl::MAX_SKIPPED {
                    "after this many syntax errors the rest of the file is not read; what is declared there is unknown"
                } else {
                    "what is declared there is unknown, and the rest of the file and of the configuration was read"
                };
                left_out(text, s, consequence)
            })
            .collect();
        Ok((body, problems))
    }
}

/// A problem in a file that was still read: a `.tf.json` conversion
/// error, or a syntax error and what was left out for it.
pub(crate) struct Problem {
    message: String,
    range: Range,
    help: Option<String>,
}

impl Problem {
    pub(crate) fn into_diagnostic(self, id: FileId, source: &SourceFile) -> Diagnostic {
        let diagnostic =
            Diagnostic::error(self.message).at(source.span(id, self.range.start, self.range.end));
        match self.help {
            Some(help) => diagnostic.help(help),
            None => diagnostic,
        }
    }
}

/// A syntax error reported at its place, with the lines left out for it.
/// `consequence` says what follows from leaving the lines out.
fn left_out(text: &str, skipped: &crate::hcl::Skipped, consequence: &str) -> Problem {
    let line_of = |offset: u32| {
        let offset = (offset as usize).min(text.len());
        1 + memchr::memchr_iter(b'\n', &text.as_bytes()[..offset]).count()
    };
    let Range { start, end } = skipped.left_out;
    // the last line left out is the one before the line reading resumes at
    let (first, last) = (line_of(start), line_of(end.saturating_sub(1).max(start)));
    let (lines, were) = if first == last {
        (format!("line {first}"), "was")
    } else {
        (format!("lines {first}–{last}"), "were")
    };
    let what = match &skipped.header {
        Some((kind, labels)) if !labels.is_empty() => {
            let labels: Vec<String> = labels.iter().map(|l| format!("\"{l}\"")).collect();
            format!(" (`{kind} {}`)", labels.join(" "))
        }
        Some((kind, _)) => format!(" (`{kind}`)"),
        None => String::new(),
    };
    let offset = skipped.error.offset as u32;
    Problem {
        message: format!("syntax error: {}", skipped.error.message),
        range: Range {
            start: offset,
            end: offset,
        },
        help: Some(format!(
            "fix the syntax; {lines}{what} {were} left out: {consequence}"
        )),
    }
}

pub(crate) fn display_path(root: &Path, path: &Path) -> String {
    match below(root, path) {
        Some(rel) => rel.replace('\\', "/"),
        None => relative_to(root, path),
    }
}

fn display_dir(root: &Path, dir: &Path) -> String {
    match below(root, dir) {
        Some(rel) if rel.is_empty() => ".".to_string(),
        Some(rel) => rel.replace('\\', "/"),
        None => relative_to(root, dir),
    }
}

/// `path` relative to `root` when it lies below it (`""` for `root`
/// itself), as `Path::strip_prefix` finds it: compared as text first —
/// walked paths are spelled with their root as a prefix, and comparing
/// components was 1% of a load — and by components when the text does
/// not settle it.
/// Whether `rel` is components separated by `separator`, each a name:
/// none empty, none `.` (what `Path::components` gives back as written).
/// Found at the separators alone, not component by component.
fn plain_components(rel: &str, separator: char) -> bool {
    let (bytes, Ok(sep)) = (rel.as_bytes(), u8::try_from(separator)) else {
        return rel.split(separator).all(|c| !c.is_empty() && c != ".");
    };
    let component_ok = |at: usize| match bytes.get(at) {
        // (`at` is where a component starts: empty at the end or before
        // the next separator; `.` alone)
        None => false,
        Some(&b) if b == sep => false,
        Some(&b'.') => bytes.get(at + 1).is_some_and(|&b| b != sep),
        Some(_) => true,
    };
    component_ok(0) && memchr::memchr_iter(sep, bytes).all(|i| component_ok(i + 1))
}

pub(crate) fn below<'a>(root: &Path, path: &'a Path) -> Option<std::borrow::Cow<'a, str>> {
    const SEPARATOR: char = std::path::MAIN_SEPARATOR;
    if let (Some(root_text), Some(text)) = (root.to_str(), path.to_str()) {
        if let Some(rest) = text.strip_prefix(root_text) {
            if rest.is_empty() {
                return Some("".into());
            }
            // one separator, then plain components: what components give
            let plain = rest
                .strip_prefix(SEPARATOR)
                .filter(|rel| !root_text.is_empty() && plain_components(rel, SEPARATOR));
            if let Some(rel) = plain {
                return Some(rel.into());
            }
        }
        // both spelled as components give them (`/` and names, no `.`, no
        // empty name): what the text does not have as a prefix the
        // components do not either
        let plain = |text: &str| {
            SEPARATOR == '/'
                && text.len() > 1
                && text.starts_with('/')
                && plain_components(&text[1..], '/')
        };
        if plain(root_text) && plain(text) {
            return None;
        }
    }
    path.strip_prefix(root)
        .ok()
        .map(|rel| rel.to_string_lossy())
}

/// `path` relative to `base` with `..` steps (`""` for `base` itself): for
/// files outside the scan root, and Terragrunt's relative-path functions.
pub(crate) fn relative_to(base: &Path, path: &Path) -> String {
    let base: Vec<_> = base.components().collect();
    let target: Vec<_> = path.components().collect();
    let common = base.iter().zip(&target).take_while(|(a, b)| a == b).count();
    let mut out = PathBuf::new();
    for _ in common..base.len() {
        out.push("..");
    }
    for c in &target[common..] {
        out.push(c);
    }
    out.to_string_lossy().replace('\\', "/")
}

fn read_manifest(root: &Path, diagnostics: &mut Vec<Diagnostic>) -> ModulesManifest {
    let path = root.join(".terraform/modules/modules.json");
    let mut manifest = ModulesManifest::default();
    let Ok(text) = std::fs::read_to_string(&path) else {
        return manifest;
    };
    let json: serde_json::Value = match serde_json::from_str(&text) {
        Ok(j) => j,
        Err(e) => {
            diagnostics.push(
                Diagnostic::warning(format!("cannot read {}: {e}", path.display()))
                    .help("run `terraform init` again to rewrite it"),
            );
            return manifest;
        }
    };
    for m in json
        .get("Modules")
        .and_then(|m| m.as_array())
        .into_iter()
        .flatten()
    {
        let (Some(key), Some(dir)) = (
            m.get("Key").and_then(|k| k.as_str()),
            m.get("Dir").and_then(|d| d.as_str()),
        ) else {
            continue;
        };
        if !key.is_empty() {
            manifest
                .dirs
                .insert(key.to_string(), normalize(&root.join(dir)));
        }
    }
    manifest
}

/// Variable values of a root module with Terraform's precedence, lowest
/// first: `TF_VAR_` environment, `terraform.tfvars`, `terraform.tfvars.json`,
/// `*.auto.tfvars(.json)` in lexical order, then `--var-file` and `--var`.
fn root_inputs(
    root: &ModuleDef,
    options: &LoadOptions,
    unit: Option<&crate::terragrunt::Unit>,
    loader: &mut Loader<'_>,
) -> crate::eval::FastMap<String, VariableInput> {
    let mut inputs = crate::eval::FastMap::<String, VariableInput>::default();
    let declared: HashSet<&str> = root.variables.iter().map(|(n, _)| &**n).collect();
    for (name, value) in &options.env_vars {
        if declared.contains(name.as_str()) {
            inputs.insert(
                name.clone(),
                VariableInput {
                    value: InputValue::Text(value.clone()),
                    origin: VariableOrigin::Environment,
                    traces: Vec::new(),
                },
            );
        }
    }
    // a Terragrunt unit's `inputs` come as `TF_VAR_` variables, over the
    // environment's own
    for (name, value, span) in unit.iter().flat_map(|u| &u.inputs) {
        if declared.contains(name.as_str()) {
            inputs.insert(name.clone(), written_input(loader, value, *span));
        }
    }
    // Terragrunt's working directory holds the module's files and the
    // unit's (theirs win): its variables files are read from both
    let mut dirs = vec![root.dir.as_path()];
    if let Some(unit) = unit.filter(|u| u.dir != root.dir) {
        dirs.push(unit.dir.as_path());
    }
    let mut files: Vec<PathBuf> = Vec::new();
    for name in ["terraform.tfvars", "terraform.tfvars.json"] {
        let found = dirs
            .iter()
            .rev()
            .map(|d| d.join(name))
            .find(|p| p.is_file());
        files.extend(found);
    }
    let mut auto: Vec<(std::ffi::OsString, PathBuf)> = Vec::new();
    for dir in &dirs {
        for path in std::fs::read_dir(dir)
            .into_iter()
            .flatten()
            .flatten()
            .map(|e| e.path())
        {
            let Some(name) = path.file_name().map(|n| n.to_os_string()) else {
                continue;
            };
            let text = name.to_string_lossy();
            if text.ends_with(".auto.tfvars") || text.ends_with(".auto.tfvars.json") {
                auto.retain(|(n, _)| *n != name);
                auto.push((name, path));
            }
        }
    }
    auto.sort();
    files.extend(auto.into_iter().map(|(_, p)| p));
    // `extra_arguments` variables files, then `--var-file`
    for (path, required, span) in unit.iter().flat_map(|u| &u.var_files) {
        if path.is_file() {
            files.push(path.clone());
        } else if *required {
            loader.diagnostics.push(
                Diagnostic::error(format!(
                    "required variables file {} does not exist: Terragrunt refuses to run this unit",
                    path.display()
                ))
                .at(*span),
            );
        }
    }
    files.extend(options.var_files.iter().cloned());
    for file in files {
        for (name, value, span) in read_tfvars(&file, loader) {
            if !declared.contains(name.as_str()) {
                if root.partial {
                    // perhaps declared where the module was not read
                    continue;
                }
                let names: Vec<&str> = declared.iter().copied().collect();
                let fix = "declare it with a `variable` block, or remove it";
                let help = match crate::module::closest(&name, &names) {
                    Some(meant) => format!("did you mean `{meant}`? Otherwise {fix}"),
                    None => fix.to_string(),
                };
                loader.diagnostics.push(
                    Diagnostic::warning(format!(
                        "value for undeclared variable `{name}` in {}: root module {} does not declare it",
                        file.display(),
                        root.display_dir
                    ))
                    .at_opt(span)
                    .help(help),
                );
                continue;
            }
            let path: Arc<str> = span
                .map(|s| loader.source(s.file).display_path.as_str().into())
                .unwrap_or_else(|| file.display().to_string().into());
            inputs.insert(
                name,
                VariableInput {
                    value: InputValue::Value(value),
                    origin: VariableOrigin::File { path, span },
                    traces: Vec::new(),
                },
            );
        }
    }
    // `--var`, then the values a plan being read was made with
    let assignments = (options
        .vars
        .iter()
        .map(|a| (a, VariableOrigin::CommandLine)))
    .chain(options.plan_vars.iter().map(|a| (a, VariableOrigin::Plan)));
    for (assignment, origin) in assignments {
        let Some((name, value)) = assignment.split_once('=') else {
            loader.diagnostics.push(Diagnostic::error(format!(
                "{origin} {assignment:?} must have the form name=value"
            )));
            continue;
        };
        let name = name.trim();
        if !declared.contains(name) {
            if root.partial {
                continue;
            }
            loader.diagnostics.push(Diagnostic::warning(format!(
                "{origin} sets `{name}`, which root module {} does not declare",
                root.display_dir
            )));
            continue;
        }
        inputs.insert(
            name.to_string(),
            VariableInput {
                value: InputValue::Text(value.to_string()),
                origin,
                traces: Vec::new(),
            },
        );
    }
    inputs
}

/// A Stacks deployment's root variables: its `inputs`, and nothing else
/// (HCP Terraform reads no variables file, environment or command line
/// for a stack).
fn deployment_inputs(
    root: &ModuleDef,
    deployment: &crate::stacks::Deployment,
    loader: &mut Loader<'_>,
) -> crate::eval::FastMap<String, VariableInput> {
    let mut inputs = crate::eval::FastMap::<String, VariableInput>::default();
    for (name, value, span) in &deployment.inputs {
        if !root.variables.iter().any(|(n, _)| **n == **name) {
            if !root.partial {
                loader.diagnostics.push(
                    Diagnostic::error(format!(
                        "deployment `{}` sets `{name}`, which the stack does not declare: HCP Terraform refuses it",
                        deployment.name
                    ))
                    .at(*span)
                    .help("declare it with a `variable` block in the component configuration, or remove it"),
                );
            }
            continue;
        }
        inputs.insert(name.clone(), written_input(loader, value, *span));
    }
    // a variable without a default the deployment does not set
    for (name, at) in &root.variables {
        let has_default = root.block(*at).body.attribute("default").is_some();
        if has_default || inputs.contains_key(&**name) {
            continue;
        }
        loader.diagnostics.push(
            Diagnostic::error(format!(
                "deployment `{}` does not set `{name}`, which has no default: HCP Terraform refuses it; it is treated as unknown",
                deployment.name
            ))
            .at(deployment.span)
            .help(format!("set `{name}` in the deployment's `inputs`")),
        );
        let unknown = Value::unknown_from(format!("var.{name}"));
        inputs.insert(
            name.to_string(),
            written_input(loader, &unknown, deployment.span),
        );
    }
    inputs
}

/// A root variable's value as a file around it writes it (a Terragrunt
/// unit's `inputs`, a Stacks deployment's), set by that file.
fn written_input(
    loader: &Loader<'_>,
    value: &Value,
    span: cloudwright_model::Span,
) -> VariableInput {
    VariableInput {
        value: InputValue::Value(value.clone()),
        origin: VariableOrigin::File {
            path: loader.source(span.file).display_path.as_str().into(),
            span: Some(span),
        },
        traces: Vec::new(),
    }
}

/// The assignments of a `.tfvars` or `.tfvars.json` file, each with its span.
fn read_tfvars(
    path: &Path,
    loader: &mut Loader<'_>,
) -> Vec<(String, Value, Option<cloudwright_model::Span>)> {
    let display = path.display().to_string();
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => {
            loader.diagnostics.push(
                Diagnostic::error(format!("cannot read variables file: {e}")).in_file(display),
            );
            return Vec::new();
        }
    };
    let found = loader.sources_mut().find(path);
    let id = match found {
        Some(id) => id,
        None => {
            let shown = display_path(
                &loader.fs.sandbox,
                &path.canonicalize().unwrap_or_else(|_| path.to_path_buf()),
            );
            loader.sources_mut().add(SourceFile::new(
                shown,
                path.to_path_buf(),
                text.as_str().into(),
            ))
        }
    };
    let source = loader.source(id);
    let mut out = Vec::new();
    if display.ends_with(".json") {
        match json_syntax::parse_json(&text) {
            Ok(node) => match &node.kind {
                json_syntax::JsonKind::Object(members) => {
                    for (name, key_range, value) in members {
                        out.push((
                            name.clone(),
                            value.to_value(),
                            Some(source.span(id, key_range.start, value.range.end)),
                        ));
                    }
                }
                _ => loader.diagnostics.push(
                    Diagnostic::error("a .tfvars.json file must hold a JSON object")
                        .at(source.span(id, 0, 0)),
                ),
            },
            Err(e) => loader.diagnostics.push(
                Diagnostic::error(format!("syntax error: {}", e.message)).at(source.span(
                    id,
                    e.offset as u32,
                    e.offset as u32,
                )),
            ),
        }
        return out;
    }
    let (body, skipped) = crate::hcl::parse_assignments_recovering(&text);
    for s in &skipped {
        let problem = left_out(
            &text,
            s,
            "the variables set there keep the values they have elsewhere, and the rest of the file was read",
        );
        loader
            .diagnostics
            .push(problem.into_diagnostic(id, &source));
    }
    // tfvars hold constant values: no references, no function calls
    let scope = crate::eval::ModuleScope::default();
    let mut ev = crate::eval::Evaluator::new(&scope, &source, id, &loader.fs);
    ev.constant = true;
    for attr in &body.attributes {
        let v = ev.eval(&attr.expr);
        out.push((attr.name.to_string(), v, Some(ev.span(attr.range))));
    }
    for block in &body.blocks {
        ev.error(
            block.range,
            "a variables file holds only `name = value` assignments",
        );
    }
    loader.diagnostics.append(&mut ev.diagnostics);
    out
}

#[cfg(test)]
mod tests {
    use super::{below, may_call_modules, module_sources, plain_components};
    use std::path::Path;

    #[test]
    fn a_module_definition_is_dropped_once_the_last_root_reaching_it_is_evaluated() {
        let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/module_release");
        let mut sources = cloudwright_model::SourceMap::default();
        let mut modules = super::ModuleDefs::default();
        let parts =
            super::load_tree_parts(&dir, &Default::default(), &mut sources, &mut modules, &[]);
        // every root read whole: `b` reaches `x` directly and through `y`
        let mut addresses: Vec<String> = parts
            .iter()
            .flat_map(|p| &p.resources)
            .map(|r| {
                format!(
                    "{} {} {:?}",
                    r.root,
                    r.address,
                    r.attributes
                        .get("name")
                        .and_then(|n| n.as_str().map(str::to_string))
                )
            })
            .collect();
        addresses.sort();
        assert_eq!(
            addresses,
            [
                "live/a module.x.aws_sqs_queue.q Some(\"x-a\")",
                "live/b module.x.aws_sqs_queue.q Some(\"x-b\")",
                "live/b module.y.aws_sqs_queue.q Some(\"y\")",
                "live/b module.y.module.x.aws_sqs_queue.q Some(\"x-y\")",
                "live/c data.terraform_remote_state.a None",
                "live/c module.z.aws_sqs_queue.q Some(\"z\")",
            ]
        );
        assert!(parts.iter().all(|p| p
            .diagnostics
            .iter()
            .all(|d| d.severity != cloudwright_model::Severity::Error)));
        // `x` and `y` went with `a` and `b`; `z` stayed for `c`, evaluated
        // after them (it reads another root's state)
        let root = dir.canonicalize().unwrap();
        let kept: Vec<String> = modules
            .keys()
            .filter_map(|d| d.strip_prefix(&root).ok())
            .map(|d| d.display().to_string())
            .collect();
        assert_eq!(kept, ["modules/z"]);
    }

    #[test]
    fn files_that_cannot_declare_modules_are_not_skimmed() {
        // references, paths and longer names are not blocks
        for text in [
            "resource \"a\" \"b\" { vpc = module.network.vpc_id }\n",
            "locals { dir = \"../modules/x\"\n  my_module = 1 }\n",
            "output \"o\" { value = var.module }\n",
            "",
        ] {
            assert!(!may_call_modules(text, false), "{text}");
            assert_eq!(module_sources(text, false), Vec::<String>::new());
        }
        for (text, json) in [
            ("module \"a\" {\n  source = \"./a\"\n}\n", false),
            ("module\"a\"{\n  source = \"./a\"\n}\n", false),
            ("  module \"a\" {\n source = \"./a\"\n}\n", false),
            ("{\"module\": {\"a\": {\"source\": \"./a\"}}}", true),
            ("{\"\\u006dodule\": {\"a\": {\"source\": \"./a\"}}}", true),
        ] {
            assert!(may_call_modules(text, json), "{text}");
            assert_eq!(
                module_sources(text, json),
                vec!["./a".to_string()],
                "{text}"
            );
        }
        // a word in a string only costs a skim
        assert!(may_call_modules("locals { d = \"a module\" }\n", false));
    }

    #[test]
    fn plain_components_are_names_between_single_separators() {
        for (rel, plain) in [
            ("a", true),
            ("a/b.tf", true),
            (".terraform/modules", true),
            ("a/..b/c", true),
            ("a/../b", true),
            ("", false),
            ("/a", false),
            ("a/", false),
            ("a//b", false),
            (".", false),
            ("./a", false),
            ("a/./b", false),
            ("a/.", false),
        ] {
            assert_eq!(plain_components(rel, '/'), plain, "{rel:?}");
            let by_components = rel.split('/').all(|c| !c.is_empty() && c != ".");
            assert_eq!(plain_components(rel, '/'), by_components, "{rel:?}");
        }
    }

    #[test]
    fn below_agrees_with_strip_prefix() {
        let root = Path::new("/scan/root");
        for path in [
            "/scan/root",
            "/scan/root/",
            "/scan/root/a/b.tf",
            "/scan/rootless/a.tf",
            "/scan/root//a.tf",
            "/scan/root/./a.tf",
            "/scan/root/a/./b.tf",
            "/scan/other/a.tf",
            "/scan",
            "/scan/roo",
            "/elsewhere/scan/root/a.tf",
            "/",
            "relative/a.tf",
        ] {
            let path = Path::new(path);
            let expected = path
                .strip_prefix(root)
                .ok()
                .map(|rel| rel.to_string_lossy().into_owned());
            assert_eq!(
                below(root, path).map(|c| c.into_owned()),
                expected,
                "{path:?}"
            );
        }
    }
}
