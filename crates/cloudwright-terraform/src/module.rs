//! A module directory's declarations, gathered from all of its files.

use crate::syntax::{Attribute, Block, ConfigFile};
use cloudwright_model::{text, Diagnostic, Mode, SourceMap};
use std::path::PathBuf;
use std::sync::Arc;

/// A block or attribute in one of the module's files.
#[derive(Clone, Copy, Debug)]
pub struct At {
    pub file: usize,
    pub index: usize,
}

#[derive(Debug)]
pub struct ResourceDecl {
    pub mode: Mode,
    /// Shared with every instance of the block, in every root.
    pub resource_type: cloudwright_model::text::Shared,
    pub name: cloudwright_model::text::Shared,
    pub at: At,
}

/// Everything one module directory declares.
#[derive(Debug, Default)]
pub struct ModuleDef {
    pub dir: PathBuf,
    pub display_dir: String,
    pub files: Vec<Arc<ConfigFile>>,
    pub variables: Vec<(String, At)>,
    /// (name, file, index of the `locals` block, index of the attribute)
    pub locals: Vec<(String, usize, usize, usize)>,
    pub outputs: Vec<(String, At)>,
    pub resources: Vec<ResourceDecl>,
    pub module_calls: Vec<(String, At)>,
    pub providers: Vec<At>,
    pub terraform_blocks: Vec<At>,
    /// How to evaluate an instance, worked out once for all instances.
    pub plan: std::sync::OnceLock<Arc<crate::instance::EvalPlan>>,
}

impl ModuleDef {
    pub fn block(&self, at: At) -> &Block {
        &self.files[at.file].body.blocks[at.index]
    }

    pub fn file_id(&self, at: At) -> cloudwright_model::FileId {
        self.files[at.file].file
    }

    pub fn local(&self, file: usize, block: usize, attr: usize) -> &Attribute {
        &self.files[file].body.blocks[block].body.attributes[attr]
    }

    /// Gathers the declarations of a directory's files (already parsed, in
    /// file-name order), reporting duplicates the way Terraform does.
    pub fn new(
        dir: PathBuf,
        display_dir: String,
        files: Vec<Arc<ConfigFile>>,
        sources: &SourceMap,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> ModuleDef {
        let mut def = ModuleDef {
            dir,
            display_dir,
            files,
            ..Default::default()
        };
        let blocks = def.files.iter().map(|f| f.body.blocks.len()).sum();
        let mut seen: crate::eval::FastMap<String, (usize, usize)> =
            crate::eval::FastMap::with_capacity_and_hasher(blocks, Default::default());
        let mut duplicate = |key: String,
                             file: usize,
                             index: usize,
                             span_file: &ConfigFile,
                             block_range: crate::syntax::Range,
                             what: &str,
                             diagnostics: &mut Vec<Diagnostic>|
         -> bool {
            if let Some(&(_first_file, _)) = seen.get(&key) {
                let src = sources.get(span_file.file);
                diagnostics.push(
                    Diagnostic::error(format!(
                        "duplicate {what} `{key}`; the first declaration is used"
                    ))
                    .at(src.span(
                        span_file.file,
                        block_range.start,
                        block_range.end,
                    )),
                );
                return true;
            }
            seen.insert(key, (file, index));
            false
        };
        for (fi, file) in def.files.clone().iter().enumerate() {
            for (bi, block) in file.body.blocks.iter().enumerate() {
                let at = At {
                    file: fi,
                    index: bi,
                };
                let label = |i: usize| block.labels.get(i).map(|l| l.as_str().to_owned());
                match block.kind.as_str() {
                    "variable" => {
                        if let Some(name) = label(0) {
                            if !duplicate(
                                text::concat(["var.", &name]),
                                fi,
                                bi,
                                file,
                                block.range,
                                "variable",
                                diagnostics,
                            ) {
                                def.variables.push((name, at));
                            }
                        }
                    }
                    "locals" => {
                        for (ai, attr) in block.body.attributes.iter().enumerate() {
                            if !duplicate(
                                text::concat(["local.", &attr.name]),
                                fi,
                                bi,
                                file,
                                attr.range,
                                "local value",
                                diagnostics,
                            ) {
                                def.locals.push((attr.name.as_str().to_owned(), fi, bi, ai));
                            }
                        }
                    }
                    "output" => {
                        if let Some(name) = label(0) {
                            if !duplicate(
                                text::concat(["output.", &name]),
                                fi,
                                bi,
                                file,
                                block.range,
                                "output",
                                diagnostics,
                            ) {
                                def.outputs.push((name, at));
                            }
                        }
                    }
                    "resource" | "data" => {
                        let (Some(t), Some(n)) = (label(0), label(1)) else {
                            let src = sources.get(file.file);
                            diagnostics.push(
                                Diagnostic::error(format!(
                                    "a `{}` block needs a type and a name label",
                                    block.kind
                                ))
                                .at(src.span(
                                    file.file,
                                    block.range.start,
                                    block.range.end,
                                )),
                            );
                            continue;
                        };
                        let mode = if block.kind == "data" {
                            Mode::Data
                        } else {
                            Mode::Managed
                        };
                        let key = if mode == Mode::Data {
                            text::concat(["data.", &t, ".", &n])
                        } else {
                            text::concat([&t, ".", &n])
                        };
                        let what = if mode == Mode::Data {
                            "data source"
                        } else {
                            "resource"
                        };
                        if !duplicate(key, fi, bi, file, block.range, what, diagnostics) {
                            def.resources.push(ResourceDecl {
                                mode,
                                resource_type: t.into(),
                                name: n.into(),
                                at,
                            });
                        }
                    }
                    "module" => {
                        if let Some(name) = label(0) {
                            if !duplicate(
                                text::concat(["module.", &name]),
                                fi,
                                bi,
                                file,
                                block.range,
                                "module call",
                                diagnostics,
                            ) {
                                def.module_calls.push((name, at));
                            }
                        }
                    }
                    "provider" => def.providers.push(at),
                    "terraform" => def.terraform_blocks.push(at),
                    // moved, import, removed, check: no effect on the evaluated model
                    _ => {}
                }
            }
        }
        def
    }
}
