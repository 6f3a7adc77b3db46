//! Terragrunt stacks (`terragrunt.stack.hcl`): blueprints whose `unit`
//! and `stack` blocks `terragrunt stack generate` copies into
//! `.terragrunt-stack/<path>` (or `<path>` with `no_dot_terragrunt_stack`),
//! each with the `values` the block gives it. Nothing is written: the
//! generated directories are read where they would be — a unit's files
//! from the directory it is copied from, evaluated with the generated
//! directory's paths and its `values` — so the units a stack generates are
//! checked like the units written by hand, and a stack generated already
//! is not read twice (`.terragrunt-stack` is hidden, never walked).

use super::{lock, module_source, AutoInclude, Frame, Reader, Source, STACK_FILE, UNIT_FILE};
use crate::eval::{Evaluator, FsContext, ModuleScope};
use crate::syntax::{Block, ExprKind, ObjectKey};
use cloudwright_model::{Diagnostic, Fields, Span, Value};
use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::atomic::Ordering;
use std::sync::Arc;

/// How deep stacks may generate stacks (Terragrunt's own bound).
const MAX_DEPTH: u32 = 100;

/// What the stacks of a tree generate.
#[derive(Default)]
pub(crate) struct Stacks {
    /// The configurations of the units they generate, in their generated
    /// directories (`live/dev/.terragrunt-stack/vpc/terragrunt.hcl`).
    pub units: Vec<PathBuf>,
    /// The directories units and stacks are copied from: blueprints, not
    /// units or stacks of their own.
    pub templates: HashSet<PathBuf>,
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Unit,
    Stack,
}

impl Kind {
    fn word(self) -> &'static str {
        match self {
            Kind::Unit => "unit",
            Kind::Stack => "stack",
        }
    }

    /// The file the copied directory must hold.
    fn file(self) -> &'static str {
        match self {
            Kind::Unit => UNIT_FILE,
            Kind::Stack => STACK_FILE,
        }
    }
}

/// A `unit` or `stack` block, evaluated.
struct Component {
    kind: Kind,
    name: String,
    /// Where it is generated, when its `path` is known and allowed.
    dest: Option<PathBuf>,
    source: Value,
    values: Option<Value>,
    /// Where each of `values` is written.
    value_spans: Vec<(String, Span)>,
    /// What the block adds to the unit's configuration.
    autoinclude: Option<AutoInclude>,
    no_validation: bool,
    span: Span,
}

impl Reader<'_> {
    /// Reads the stacks found in the tree (their `terragrunt.stack.hcl`
    /// files): the units they generate, through the stacks they generate
    /// in turn. A stack another stack copies is a blueprint, read only as
    /// the copy, with the values given to it.
    pub fn read_stacks(&self, files: &[PathBuf], source_map: &[(String, PathBuf)]) -> Stacks {
        let mut out = Stacks::default();
        if files.is_empty() {
            return out;
        }
        // which stacks are blueprints: read once, quietly, for what they copy
        self.quiet.store(true, Ordering::Relaxed);
        let mut blueprints = HashSet::new();
        for file in files {
            let own = file.parent().unwrap_or(Path::new(""));
            for c in self.components(file, None, None) {
                if let Some(dir) = self.local_source(file, &c.source, source_map) {
                    // (a stack copying itself is read, and said to loop)
                    if c.kind == Kind::Stack && dir != own {
                        blueprints.insert(dir);
                    }
                }
            }
        }
        self.quiet.store(false, Ordering::Relaxed);
        for file in files {
            let dir = file.parent().unwrap_or(Path::new(""));
            if !blueprints.contains(dir) {
                self.expand(file, (None, None), &mut Vec::new(), source_map, &mut out);
            }
        }
        out.templates.extend(blueprints);
        out
    }

    /// Generates what one stack file names; `values` are those its
    /// generating stack gives it, with the `autoinclude` of its block,
    /// `chain` the blueprints of the stacks that generate it.
    fn expand(
        &self,
        file: &Path,
        (values, autoinclude): (Option<Value>, Option<AutoInclude>),
        chain: &mut Vec<PathBuf>,
        source_map: &[(String, PathBuf)],
        out: &mut Stacks,
    ) {
        if chain.len() as u32 >= MAX_DEPTH {
            self.say(
                Diagnostic::error(format!(
                    "stacks generate stacks more than {MAX_DEPTH} deep; {} is not read",
                    crate::load::display_path(&self.shown_from, file)
                ))
                .help("check the `source` of the `stack` blocks that lead here"),
            );
            return;
        }
        chain.push(self.real(file));
        let mut seen: HashSet<PathBuf> = HashSet::new();
        for c in self.components(file, values, autoinclude.as_ref()) {
            let Some(dest) = c.dest.clone() else {
                continue;
            };
            if !seen.insert(dest.clone()) {
                self.say(
                    Diagnostic::error(format!(
                        "{} `{}` is generated where another unit or stack of this stack is ({}): Terragrunt would overwrite one with the other; it is not read",
                        c.kind.word(),
                        c.name,
                        crate::load::display_path(&self.shown_from, &dest)
                    ))
                    .at(c.span),
                );
                continue;
            }
            let display = crate::load::display_path(&self.shown_from, &dest);
            let Some(original) = self.copied_from(file, &c, &dest, source_map) else {
                continue;
            };
            if !self.real(&original).join(c.kind.file()).is_file() {
                let why = match c.no_validation {
                    true => "",
                    false => " (Terragrunt refuses to generate it)",
                };
                self.say(
                    Diagnostic::warning(format!(
                        "{} `{}` copies {}, which holds no {}{why}: {display} is not checked",
                        c.kind.word(),
                        c.name,
                        crate::load::display_path(&self.shown_from, &original),
                        c.kind.file()
                    ))
                    .at(c.span)
                    .help("check that `source` names the directory of the unit or stack"),
                );
                continue;
            }
            if original != dest {
                lock(&self.copies).insert(dest.clone().into_os_string(), original.clone());
                out.templates.insert(self.real(&original));
            }
            if let Some(v) = &c.values {
                lock(&self.values).insert(dest.clone().into_os_string(), v.clone());
                lock(&self.value_spans).insert(dest.clone().into_os_string(), c.value_spans);
            }
            let mut autoinclude = c.autoinclude;
            if c.kind == Kind::Unit {
                if let Some(auto) = autoinclude.take() {
                    lock(&self.autoincludes).insert(dest.clone().into_os_string(), Arc::new(auto));
                }
            }
            match c.kind {
                Kind::Unit => out.units.push(dest.join(UNIT_FILE)),
                // a stack that generates a stack it is generated by
                Kind::Stack if chain.contains(&self.real(&dest.join(STACK_FILE))) => self.say(
                    Diagnostic::error(format!(
                        "stack `{}` copies a stack that generates it: {display} is not read (Terragrunt would generate without end)",
                        c.name
                    ))
                    .at(c.span),
                ),
                Kind::Stack => self.expand(
                    &dest.join(STACK_FILE),
                    (c.values, autoinclude),
                    chain,
                    source_map,
                    out,
                ),
            }
        }
        chain.pop();
    }

    /// The directory a component is copied from: a local one (relative
    /// to the stack file), the checkout `--terragrunt-source-map` gives for
    /// a remote one, else the copy `terragrunt stack generate` made
    /// already; `None`, said, when none is there to read.
    fn copied_from(
        &self,
        file: &Path,
        c: &Component,
        dest: &Path,
        source_map: &[(String, PathBuf)],
    ) -> Option<PathBuf> {
        if let Some(dir) = self.local_source(file, &c.source, source_map) {
            return Some(dir);
        }
        let display = crate::load::display_path(&self.shown_from, dest);
        let Some(address) = c.source.as_str() else {
            self.say(
                Diagnostic::warning(format!(
                    "the `source` of {} `{}` is not known from the configuration: {display} is not checked",
                    c.kind.word(),
                    c.name
                ))
                .at(c.span),
            );
            return None;
        };
        // generated already (`terragrunt stack generate`): the copy is there
        if dest.join(c.kind.file()).is_file() {
            return Some(dest.to_path_buf());
        }
        self.say(
            Diagnostic::warning(format!(
                "{} `{}` comes from a remote source ({address}), which Cloudwright does not download: {display} is not checked",
                c.kind.word(),
                c.name
            ))
            .at(c.span)
            .help("give a local checkout of it with `--terragrunt-source-map SOURCE=DIR` (Terragrunt's --source-map), or run `terragrunt stack generate` first (Cloudwright then reads the generated copy)"),
        );
        None
    }

    /// A component's source when it is a directory here: local, or a
    /// remote source's checkout given with `--terragrunt-source-map`.
    fn local_source(
        &self,
        file: &Path,
        source: &Value,
        source_map: &[(String, PathBuf)],
    ) -> Option<PathBuf> {
        let text = source.as_str()?;
        let dir = file.parent().unwrap_or(Path::new(""));
        match module_source(dir, text) {
            Source::Local(path) => Some(self.real(&path)),
            Source::Remote(address) => super::mapped_source(&address, source_map),
            Source::Own | Source::Unknown => None,
        }
    }

    /// The `unit` and `stack` blocks of a stack file (and of the files it
    /// includes), evaluated with its `locals`, the `values` given to it,
    /// and `unit.<name>.path` / `stack.<name>.path` for each block; with
    /// those the `autoinclude` of the block generating it adds (evaluated
    /// where that block is, replacing blocks of the same name).
    fn components(
        &self,
        file: &Path,
        values: Option<Value>,
        added: Option<&AutoInclude>,
    ) -> Vec<Component> {
        let Some(parsed) = self.read(file, None) else {
            return Vec::new();
        };
        let dir = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let values = values.or_else(|| self.values_of(&dir));
        let values_given = values.clone();
        let frame = Frame::new(self, (dir.clone(), file.to_path_buf()), 0, values.clone());
        let scope = ModuleScope::default();
        let fs = self.files_of(&dir);
        let mut ev = Evaluator::new(&scope, &parsed.source, parsed.id, &fs);
        ev.host = Some(&frame);
        if let Some(values) = &values {
            ev.bind("values", values.clone());
        }
        let locals = frame.locals(&mut ev, &parsed, &parsed.body);
        ev.bind("local", Value::map(locals));
        // the blocks of this file, then those of the files it includes
        // (which may hold neither locals nor includes of their own)
        let mut files = vec![parsed.clone()];
        for block in parsed.body.blocks_of("include") {
            let at = self.span(&parsed, block.range);
            let path = block.body.attribute("path").map(|a| ev.eval(&a.expr));
            match path.as_ref().and_then(Value::as_str) {
                Some(p) => {
                    let path = crate::instance::normalize(&dir.join(p));
                    files.extend(self.read(&path, Some(at)));
                }
                None => self.say(
                    Diagnostic::error("this `include` needs a known `path`; it is not read").at(at),
                ),
            }
        }
        let bindings = ev.bindings.clone();
        frame.absorb(&mut ev);
        drop(ev);
        let kind_of = |b: &Block| match b.kind.as_str() {
            "unit" => Some(Kind::Unit),
            "stack" => Some(Kind::Stack),
            _ => None,
        };
        // (file, block, kind, added by the generating block's autoinclude)
        let mut blocks: Vec<(&super::Parsed, &Block, Kind, bool)> = files
            .iter()
            .flat_map(|f| {
                f.body
                    .blocks
                    .iter()
                    .filter_map(move |b| kind_of(b).map(|k| (f, b, k, false)))
            })
            .collect();
        if let Some(added) = added {
            // (what else it holds: a stack's autoinclude adds components)
            let others = added
                .body
                .attributes
                .iter()
                .map(|a| (a.name.as_str(), a.range));
            let others = others.chain(
                added
                    .body
                    .blocks
                    .iter()
                    .filter(|b| kind_of(b).is_none())
                    .map(|b| (b.kind.as_str(), b.range)),
            );
            for (what, range) in others {
                self.say(
                    Diagnostic::warning(format!(
                        "`{what}` in a stack's `autoinclude` is not read (its `unit` and `stack` blocks are)"
                    ))
                    .at(self.span(&added.file, range)),
                );
            }
            for b in &added.body.blocks {
                let Some(kind) = kind_of(b) else {
                    continue;
                };
                // an added block replaces the stack's own of its name
                blocks.retain(|(_, o, k, _)| !(*k == kind && o.labels.first() == b.labels.first()));
                blocks.push((&added.file, b, kind, true));
            }
        }
        // (an evaluator in a block's file, with the stack file's bindings)
        fn in_file<'e>(
            f: &'e super::Parsed,
            (scope, fs, host): (
                &'e ModuleScope,
                &'e FsContext,
                &'e dyn crate::eval::FunctionHost,
            ),
            bindings: &[(crate::syntax::Name, Value)],
        ) -> Evaluator<'e> {
            let mut ev = Evaluator::new(scope, &f.source, f.id, fs);
            ev.host = Some(host);
            ev.bindings = bindings.to_vec();
            ev
        }
        let context = (&scope, &fs, &frame as &dyn crate::eval::FunctionHost);
        let evaluator = |f, from_added: bool| match (from_added, added) {
            (true, Some(added)) => in_file(f, context, &added.bindings),
            _ => in_file(f, context, &bindings),
        };
        // where each is generated first: the blocks' values may name it
        let mut dests = Vec::with_capacity(blocks.len());
        let mut refs = [Fields::new(), Fields::new()];
        for &(f, block, kind, from_added) in &blocks {
            let mut ev = evaluator(f, from_added);
            // (a block without its name is said below)
            let dest = match block.labels.is_empty() {
                true => None,
                false => self.destination(&mut ev, f, block, kind, &dir),
            };
            if let (Some(name), Some(dest)) = (block.labels.first(), &dest) {
                let mut fields = Fields::new();
                fields.insert("name", Value::string(name.as_str()));
                fields.insert("path", Value::string(dest.to_string_lossy().as_ref()));
                refs[(kind == Kind::Stack) as usize].insert(name.as_str(), Value::map(fields));
            }
            frame.absorb(&mut ev);
            dests.push(dest);
        }
        let [units, stacks] = refs;
        let (units, stacks) = (Value::map(units), Value::map(stacks));
        let mut out = Vec::with_capacity(blocks.len());
        for ((f, block, kind, from_added), dest) in blocks.into_iter().zip(dests) {
            let span = self.span(f, block.range);
            let Some(name) = block.labels.first() else {
                self.say(
                    Diagnostic::error(format!(
                        "a `{}` block needs a name label; it is not read",
                        kind.word()
                    ))
                    .at(span),
                );
                continue;
            };
            let mut ev = evaluator(f, from_added);
            // (an added block names what its own stack generates)
            if !from_added {
                ev.bind("unit", units.clone());
                ev.bind("stack", stacks.clone());
            }
            // evaluated with the unit it is added to, or with the stack it
            // adds blocks to (an added block's own is not carried further,
            // as Terragrunt has it)
            let autoinclude = block
                .body
                .blocks_of("autoinclude")
                .next()
                .filter(|_| !from_added)
                .map(|a| AutoInclude {
                    file: f.clone(),
                    body: a.body.clone(),
                    bindings: ev.bindings.clone(),
                    values: values_given.clone(),
                });
            let mut attribute = |n: &str| block.body.attribute(n).map(|a| ev.eval(&a.expr));
            let source = attribute("source");
            let values = attribute("values");
            let no_validation = attribute("no_validation").and_then(|v| v.as_bool()) == Some(true);
            // (each value's own line, when `values` is written as an object)
            let value_spans = match block.body.attribute("values").map(|a| &a.expr.kind) {
                Some(ExprKind::Object(items)) => items
                    .iter()
                    .filter_map(|(key, e)| {
                        let key = match key {
                            ObjectKey::Ident(name) => name.to_string(),
                            ObjectKey::Expr(k) => match &k.kind {
                                ExprKind::Variable(name) => name.to_string(),
                                _ => ev.eval(k).as_str()?.to_string(),
                            },
                        };
                        Some((key, self.span(f, e.range)))
                    })
                    .collect(),
                _ => Vec::new(),
            };

            frame.absorb(&mut ev);
            let Some(source) = source else {
                self.say(
                    Diagnostic::error(format!(
                        "{} `{name}` needs a `source`; it is not read",
                        kind.word()
                    ))
                    .at(span),
                );
                continue;
            };
            out.push(Component {
                kind,
                name: name.to_string(),
                dest,
                source,
                values: values.filter(|v| !v.is_null()).filter(|v| {
                    // Terragrunt writes an object's attributes, nothing else
                    let object = v.is_unknown() || v.as_object().is_some();
                    if !object {
                        let at = block.body.attribute("values").map(|a| self.span(f, a.range));
                        self.say(
                            Diagnostic::error(format!(
                                "the `values` of {} `{name}` are a {}, not an object: Terragrunt refuses them; they are not given",
                                kind.word(),
                                v.type_name()
                            ))
                            .at_opt(at),
                        );
                    }
                    object
                }),
                value_spans,
                autoinclude,
                no_validation,
                span,
            });
        }
        out
    }

    /// Where a `unit` or `stack` block is generated: `path` under
    /// `.terragrunt-stack` (under the stack's own directory with
    /// `no_dot_terragrunt_stack = true`), which must stay inside it.
    fn destination(
        &self,
        ev: &mut Evaluator<'_>,
        file: &super::Parsed,
        block: &Block,
        kind: Kind,
        dir: &Path,
    ) -> Option<PathBuf> {
        let span = self.span(file, block.range);
        let name = block.labels.first().map(|l| l.as_str()).unwrap_or_default();
        let no_dot = block
            .body
            .attribute("no_dot_terragrunt_stack")
            .and_then(|a| ev.eval(&a.expr).as_bool())
            == Some(true);
        let path = block.body.attribute("path").map(|a| ev.eval(&a.expr));
        let Some(path) = path.as_ref().and_then(Value::as_str) else {
            self.say(
                Diagnostic::error(format!(
                    "{} `{name}` needs a `path` known from the configuration; it is not read",
                    kind.word()
                ))
                .at(span),
            );
            return None;
        };
        let base = match no_dot {
            true => dir.to_path_buf(),
            false => dir.join(".terragrunt-stack"),
        };
        let dest = crate::instance::normalize(&base.join(path));
        if Path::new(path).is_absolute() || !dest.starts_with(&base) || dest == base {
            self.say(
                Diagnostic::error(format!(
                    "the `path` of {} `{name}` ({path}) leaves the directory it is generated in: Terragrunt refuses it; it is not read",
                    kind.word()
                ))
                .at(span),
            );
            return None;
        }
        Some(dest)
    }
}
