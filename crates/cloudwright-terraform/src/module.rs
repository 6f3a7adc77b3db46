//! A module directory's declarations, gathered from all of its files.

use crate::syntax::{Attribute, Block, Body, ConfigFile, Foreign, Origin};
use cloudwright_model::{text, Diagnostic, FileId, Mode, SourceFile, SourceMap};
use std::path::PathBuf;
use std::sync::Arc;

/// A block or attribute in one of the module's files.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
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
    /// `aws_s3_bucket.logs`: how the module refers to the block (and the
    /// address of a managed one in a root module), made once.
    pub key: cloudwright_model::text::Shared,
    pub at: At,
    /// The types the AWS provider's schema gives the block's arguments,
    /// when it is of a type the module's provider versions have.
    pub types: Option<crate::schema::BodyTypes>,
    /// A managed resource whose `tags` the provider's `default_tags` join
    /// (asked once per block, not per instance).
    pub taggable: bool,
    /// The arguments the provider marks sensitive (paths, `a.b` through
    /// nested blocks): [`crate::schema::sensitive_arguments`].
    pub sensitive: &'static [&'static str],
}

/// Everything one module directory declares.
#[derive(Debug, Default)]
pub struct ModuleDef {
    pub dir: PathBuf,
    pub display_dir: String,
    /// Its module calls are a Terraform Stack's components, addressed
    /// `component.x` as HCP Terraform addresses them (a deployment's root).
    pub components: bool,
    /// The AWS provider version the directory's `.terraform.lock.hcl`
    /// selects (a root's, after `terraform init`).
    pub locked_aws: Option<String>,
    /// The AWS provider versions its requirements and lock allow
    /// ([`ModuleDef::aws_versions`]), as its blocks were checked against.
    pub aws_allowed: Option<crate::schema::Allowed>,
    pub files: Vec<Arc<ConfigFile>>,
    pub variables: Vec<(Arc<str>, At)>,
    /// (name, file, index of the `locals` block, index of the attribute)
    pub locals: Vec<(Arc<str>, usize, usize, usize)>,
    pub outputs: Vec<(Arc<str>, At)>,
    pub resources: Vec<ResourceDecl>,
    pub module_calls: Vec<(String, At)>,
    pub providers: Vec<At>,
    /// The types the AWS provider's schema gives the arguments of each
    /// `provider "aws"` block that has any.
    pub provider_types: Vec<(At, crate::schema::BodyTypes)>,
    pub terraform_blocks: Vec<At>,
    /// `terraform` blocks of override files, in the order they apply: each
    /// setting they make replaces the primary files' one (a provider
    /// requirement by its name).
    pub terraform_overrides: Vec<At>,
    /// `check` blocks, whose assertions are checked once the module is
    /// evaluated.
    pub checks: Vec<At>,
    /// `moved` blocks.
    pub moves: Vec<At>,
    /// `ephemeral.TYPE.NAME` of each `ephemeral` block (Terraform 1.10):
    /// read during a run and never stored, so never known here.
    pub ephemerals: Vec<String>,
    /// `import` and `removed` blocks.
    pub handovers: Vec<At>,
    /// How to evaluate an instance, worked out once for all instances.
    pub plan: std::sync::OnceLock<Arc<crate::instance::EvalPlan>>,
    /// What each variable declares (by index in `variables`), read once
    /// for all instances.
    pub variable_decls: std::sync::OnceLock<Vec<crate::instance::VariableDecl>>,
    /// Parts of its files could not be read (syntax errors): a name it
    /// does not declare may be declared there, and reads as unknown.
    pub partial: bool,
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
    /// `checked`: definitions already built of some of the same files (a
    /// Terragrunt unit's module, under the files the unit generates): what
    /// the provider's schema says of those files is taken from them, not
    /// worked out again, when the same provider versions apply.
    pub fn new(
        dir: PathBuf,
        display_dir: String,
        files: Vec<Arc<ConfigFile>>,
        checked: &[Arc<ModuleDef>],
        sources: &ModuleSources,
        diagnostics: &mut Vec<Diagnostic>,
    ) -> ModuleDef {
        let mut def = ModuleDef {
            dir,
            display_dir,
            partial: files.iter().any(|f| f.partial),
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
        // HCL sets an argument once per body: a second setting is refused
        for file in &def.files {
            let src = sources.get(file.file);
            // (a local set twice is a duplicate declaration, said below)
            let span = |range: crate::syntax::Range| src.span(file.file, range.start, range.end);
            for block in file.body.blocks.iter().filter(|b| b.kind != "locals") {
                redefined_arguments(&block.body, &span, diagnostics);
                if matches!(
                    block.kind.as_str(),
                    "resource" | "data" | "ephemeral" | "module"
                ) {
                    meta_blocks(&block.body, true, &span, diagnostics);
                }
            }
        }
        let is_override: Vec<bool> = def
            .files
            .iter()
            .map(|f| crate::load::is_override_file(&sources.get(f.file).path))
            .collect();
        for (fi, file) in def.files.clone().iter().enumerate() {
            if is_override[fi] {
                continue;
            }
            for (bi, block) in file.body.blocks.iter().enumerate() {
                let at = At {
                    file: fi,
                    index: bi,
                };
                let label = |i: usize| block.labels.get(i).map(|l| l.as_str());
                // a block that names what it declares needs its labels, the
                // last of which is the name it declares (a provider's is its
                // type)
                let (needs, what) = match block.kind.as_str() {
                    "variable" | "output" | "module" | "provider" | "check" => (1, "a name"),
                    "resource" | "data" | "ephemeral" => (2, "a type and a name"),
                    _ => (0, ""),
                };
                let block_span = || {
                    let src = sources.get(file.file);
                    src.span(file.file, block.range.start, block.range.end)
                };
                if block.labels.len() < needs {
                    let article = if block.kind.starts_with(['a', 'e', 'i', 'o', 'u']) {
                        "an"
                    } else {
                        "a"
                    };
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "{article} `{}` block needs {what} label; the block is not read",
                            block.kind
                        ))
                        .at(block_span()),
                    );
                    continue;
                }
                if needs > 0 && block.kind != "provider" {
                    let name = &block.labels[needs - 1];
                    if !is_identifier(name) {
                        diagnostics.push(
                            Diagnostic::error(format!(
                                "invalid name `{name}`: a name starts with a letter or an underscore and holds only letters, digits, underscores and dashes"
                            ))
                            .at(block_span()),
                        );
                    }
                }
                match block.kind.as_str() {
                    "variable" => {
                        if let Some(name) = label(0) {
                            if !duplicate(
                                text::concat(["var.", name]),
                                fi,
                                bi,
                                file,
                                block.range,
                                "variable",
                                diagnostics,
                            ) {
                                def.variables.push((name.into(), at));
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
                                def.locals.push((attr.name.as_str().into(), fi, bi, ai));
                            }
                        }
                    }
                    "output" => {
                        if let Some(name) = label(0) {
                            if !duplicate(
                                text::concat(["output.", name]),
                                fi,
                                bi,
                                file,
                                block.range,
                                "output",
                                diagnostics,
                            ) {
                                def.outputs.push((name.into(), at));
                            }
                        }
                    }
                    "resource" | "data" => {
                        // (both labels are there: checked above)
                        let (Some(t), Some(n)) = (label(0), label(1)) else {
                            continue;
                        };
                        let mode = if block.kind == "data" {
                            Mode::Data
                        } else {
                            Mode::Managed
                        };
                        let key = if mode == Mode::Data {
                            text::concat(["data.", t, ".", n])
                        } else {
                            text::concat([t, ".", n])
                        };
                        let what = if mode == Mode::Data {
                            "data source"
                        } else {
                            "resource"
                        };
                        if !duplicate(key, fi, bi, file, block.range, what, diagnostics) {
                            def.resources.push(ResourceDecl {
                                mode,
                                taggable: mode == Mode::Managed
                                    && cloudwright_model::aws::is_taggable(t),
                                sensitive: crate::schema::sensitive_arguments(t),
                                resource_type: t.into(),
                                name: n.into(),
                                key: cloudwright_model::text::Shared::concat([t, ".", n]),
                                at,
                                types: None,
                            });
                        }
                    }
                    "module" => {
                        if let Some(name) = label(0) {
                            if !duplicate(
                                text::concat(["module.", name]),
                                fi,
                                bi,
                                file,
                                block.range,
                                "module call",
                                diagnostics,
                            ) {
                                def.module_calls.push((name.to_string(), at));
                            }
                        }
                    }
                    "ephemeral" => {
                        if let (Some(t), Some(n)) = (label(0), label(1)) {
                            let key = text::concat(["ephemeral.", t, ".", n]);
                            if !duplicate(
                                key.clone(),
                                fi,
                                bi,
                                file,
                                block.range,
                                "ephemeral resource",
                                diagnostics,
                            ) {
                                def.ephemerals.push(key);
                            }
                        }
                    }
                    "provider" => {
                        // one configuration per name and alias: `provider.aws`,
                        // `provider.aws.west`
                        let alias = crate::instance::literal_string(block.body.attribute("alias"));
                        let name = label(0).unwrap_or_default();
                        let key = match &alias {
                            Some(a) => text::concat(["provider.", name, ".", a]),
                            None => text::concat(["provider.", name]),
                        };
                        let what = "provider configuration";
                        if !duplicate(key, fi, bi, file, block.range, what, diagnostics) {
                            def.providers.push(at);
                        }
                    }
                    "terraform" => def.terraform_blocks.push(at),
                    "check" => def.checks.push(at),
                    "moved" => def.moves.push(at),
                    "import" | "removed" => def.handovers.push(at),
                    // Terraform 1.14's actions run on events; they declare
                    // no infrastructure
                    "action" => {}
                    other => {
                        let src = sources.get(file.file);
                        let at = src.span(file.file, block.range.start, block.range.end);
                        diagnostics.push(unsupported(
                            format!("unsupported block type `{other}`"),
                            "the block is not read",
                            closest(other, TOP_LEVEL),
                            at,
                        ));
                        continue;
                    }
                }
                // the arguments of a variable or output block are
                // Terraform's: a misspelt one (`defualt`) is refused, not
                // read past as if the block did not set it
                let (allowed, allowed_blocks): (&[&str], &[&str]) = match block.kind.as_str() {
                    "variable" => (VARIABLE_ARGUMENTS, &["validation"]),
                    "output" => (OUTPUT_ARGUMENTS, &["precondition"]),
                    // (`encryption`: OpenTofu 1.7's state encryption)
                    "terraform" => (
                        &["required_version", "experiments", "language"],
                        &[
                            "required_providers",
                            "backend",
                            "cloud",
                            "provider_meta",
                            "encryption",
                        ],
                    ),
                    "moved" => (&["from", "to"], &[]),
                    // (`identity`: Terraform 1.12)
                    "import" => (&["to", "id", "identity", "provider", "for_each"], &[]),
                    "removed" => (&["from"], &["lifecycle", "provisioner"]),
                    "check" => (&[], &["data", "assert"]),
                    // any name is a local; no block is
                    "locals" => (&[], &[]),
                    _ => {
                        continue;
                    }
                };
                if block.kind == "locals" {
                    let src = sources.get(file.file);
                    for inner in &block.body.blocks {
                        let at = src.span(file.file, inner.range.start, inner.range.end);
                        diagnostics.push(
                            Diagnostic::error(format!(
                                "a `locals` block holds `name = value` assignments, not blocks: `{}` is not read",
                                inner.kind
                            ))
                            .at(at),
                        );
                    }
                } else {
                    let src = sources.get(file.file);
                    let span =
                        |range: crate::syntax::Range| src.span(file.file, range.start, range.end);
                    let whose = || block_named(block);
                    unsupported_words(block, allowed, allowed_blocks, &whose, &span, diagnostics);
                }
            }
            for attr in &file.body.attributes {
                let src = sources.get(file.file);
                diagnostics.push(
                    Diagnostic::error(format!(
                        "unsupported argument `{}`: a configuration file holds blocks, not arguments, at its top level; it is not read",
                        attr.name
                    ))
                    .at(src.span(file.file, attr.range.start, attr.range.end)),
                );
            }
        }
        // Override files, in file-name order, after every primary file.
        for fi in (0..def.files.len()).filter(|&fi| is_override[fi]) {
            let file = def.files[fi].clone();
            let origin: Origin = Some(Arc::new(Foreign {
                file: file.file,
                source: sources.get_shared(file.file),
            }));
            for (bi, block) in file.body.blocks.iter().enumerate() {
                let at = At {
                    file: fi,
                    index: bi,
                };
                def.apply_override(block, at, &origin, sources, diagnostics);
            }
        }
        def.check_module_versions(sources, diagnostics);
        def.check_early_evaluation(sources, diagnostics);
        def.locked_aws = locked_aws_version(&def.dir);
        let allowed = def.aws_versions();
        def.aws_allowed = Some(allowed.clone());
        if allowed.mask == 0 {
            // a provider older or newer than any carried: nothing to check by
            let schemas = crate::schema::Schemas::aws();
            let dir = if def.display_dir.is_empty() {
                "."
            } else {
                &def.display_dir
            };
            let requires = match &allowed.locked {
                Some(v) => format!("{dir} locks AWS provider {v} in `.terraform.lock.hcl`"),
                None => format!(
                    "{dir} requires AWS provider `{}`",
                    allowed.constraint.as_deref().unwrap_or_default()
                ),
            };
            diagnostics.push(
                Diagnostic::info(format!(
                    "{requires}; Cloudwright carries the schemas of {}, so its AWS blocks' arguments are not checked",
                    schemas.version_list(u8::MAX)
                ))
                .in_file(def.display_dir.clone()),
            );
        } else {
            let shared = def.shared_files(checked, &allowed, &is_override);
            def.check_provider_schemas(&allowed, &shared, sources, diagnostics);
            def.check_attribute_references(&allowed, &shared, sources, diagnostics);
        }
        def
    }

    /// For each file, the definition in `checked` (and its index there)
    /// that holds the same file checked under the same provider versions —
    /// when this definition's other files declare no resource, data source
    /// or override (what the shared files' checks depend on is then the
    /// same). What those checks said was said when that definition was
    /// built.
    fn shared_files<'c>(
        &self,
        checked: &'c [Arc<ModuleDef>],
        allowed: &crate::schema::Allowed,
        is_override: &[bool],
    ) -> Vec<Option<(&'c ModuleDef, usize)>> {
        let none = vec![None; self.files.len()];
        let same: Vec<&ModuleDef> = checked
            .iter()
            .map(|c| &**c)
            .filter(|c| c.aws_allowed.as_ref() == Some(allowed))
            .collect();
        if same.is_empty() {
            return none;
        }
        let shared: Vec<Option<(&ModuleDef, usize)>> = self
            .files
            .iter()
            .map(|file| {
                same.iter().find_map(|c| {
                    let j = c.files.iter().position(|f| Arc::ptr_eq(f, file))?;
                    Some((*c, j))
                })
            })
            .collect();
        let declares = |fi: usize| {
            is_override[fi]
                || self.files[fi]
                    .body
                    .blocks
                    .iter()
                    .any(|b| matches!(b.kind.as_str(), "resource" | "data"))
        };
        match (0..self.files.len()).any(|fi| shared[fi].is_none() && declares(fi)) {
            true => none,
            false => shared,
        }
    }

    /// Checks each reference to an attribute of one of the module's AWS
    /// resources or data sources (`aws_vpc.main.cidr_block`,
    /// `data.aws_ami.ubuntu.id`) against the provider's schema: a name the
    /// resource type neither takes nor exports is refused by Terraform, and
    /// would otherwise read as a value known only after apply.
    fn check_attribute_references(
        &self,
        allowed: &crate::schema::Allowed,
        shared: &[Option<(&ModuleDef, usize)>],
        sources: &ModuleSources,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let declared: crate::eval::FastSet<(bool, &str, &str)> = self
            .resources
            .iter()
            .filter(|r| r.resource_type.starts_with("aws_"))
            .map(|r| (r.mode == Mode::Data, &*r.resource_type, &*r.name))
            .collect();
        if declared.is_empty() {
            return;
        }
        // (a shared file was checked with the same declarations — when its
        // definition's are all there are: the unit's module alone, not
        // its own files beside it, whose declarations its references may
        // name)
        let mut from = shared.iter().flatten().map(|(c, _)| *c as *const ModuleDef);
        let one = from
            .next()
            .is_some_and(|first| from.all(|other| std::ptr::eq(first, other)));
        for (_, file) in self
            .files
            .iter()
            .enumerate()
            .filter(|(fi, _)| !one || shared[*fi].is_none())
        {
            let span = |range, origin: &Origin| locate(sources, file, origin, &None, range);
            let mut check = |expr: &crate::syntax::Expr, origin: &Origin| {
                expr.traversals(&mut |root, ops, range| {
                    let Some((data, type_name, name, rest)) = resource_reference(root, ops) else {
                        return;
                    };
                    if declared.contains(&(data, type_name, name)) {
                        let at = || span(range, origin);
                        crate::schema::check_reference(
                            data,
                            type_name,
                            name,
                            rest,
                            allowed,
                            &at,
                            diagnostics,
                        );
                    }
                });
            };
            for block in &file.body.blocks {
                each_expression(&block.body, &block.origin, &mut check);
            }
        }
    }

    /// The AWS provider versions the module's own `required_providers`
    /// constraints allow, of those whose schemas Cloudwright carries (bit i:
    /// the i-th of [`crate::schema::Schemas::versions`]), and the
    /// constraints as written. Without a constraint, all of them.
    pub fn aws_versions(&self) -> crate::schema::Allowed {
        let constraints = |blocks: &[At]| -> Vec<String> {
            blocks
                .iter()
                .flat_map(|&at| self.block(at).body.blocks_of("required_providers"))
                .filter_map(|b| b.body.attribute("aws"))
                .filter_map(|attr| crate::instance::provider_requirement(attr).1)
                .collect()
        };
        // an override file's requirement replaces the primary files'
        let overridden = constraints(&self.terraform_overrides);
        let constraints = match overridden.last() {
            Some(last) => vec![last.clone()],
            None => constraints(&self.terraform_blocks),
        };
        let allowed = crate::schema::Allowed::of(&constraints);
        match &self.locked_aws {
            Some(version) => allowed.locked_to(version),
            None => allowed,
        }
    }

    /// Checks each AWS resource, data source and `provider "aws"` block
    /// (overrides applied) against the AWS provider's schema.
    /// Variables and locals in a backend's settings or a module call's
    /// `source`: OpenTofu 1.8 and later evaluates them before anything
    /// else (and so does Cloudwright), Terraform refuses them ("Variables
    /// not allowed"). A warning, unless the module is written for OpenTofu
    /// (it has `.tofu` files).
    fn check_early_evaluation(&self, sources: &ModuleSources, diagnostics: &mut Vec<Diagnostic>) {
        let tofu = self.files.iter().any(|f| {
            let path = &sources.get(f.file).path;
            crate::load::ends_with(path, ".tofu") || crate::load::ends_with(path, ".tofu.json")
        });
        if tofu {
            return;
        }
        // (only a message needs what the attribute is)
        let mut warn = |at: At,
                        attr: &crate::syntax::Attribute,
                        block: &Block,
                        what: &dyn Fn() -> String| {
            let mut reads = None;
            attr.expr.traversals(&mut |root, ops, _| {
                if reads.is_none() && matches!(root, "var" | "local") {
                    if let Some(crate::syntax::TraversalOp::GetAttr(name)) = ops.first() {
                        reads = Some(text::concat([root, ".", name]));
                    }
                }
            });
            let Some(reads) = reads else { return };
            let file = &self.files[at.file];
            let span = locate(sources, file, &attr.origin, &block.origin, attr.range);
            diagnostics.push(
                Diagnostic::warning(format!(
                    "{} reads `{reads}`: Terraform refuses variables and locals here (it reads this before any exists), OpenTofu 1.8 and later evaluates them, as Cloudwright does",
                    what()
                ))
                .at(span),
            );
        };
        for &at in self
            .terraform_blocks
            .iter()
            .chain(&self.terraform_overrides)
        {
            let terraform = self.block(at);
            for backend in terraform.body.blocks_of("backend") {
                let kind = backend.labels.first().map_or("", |l| l.as_str());
                for attr in &backend.body.attributes {
                    let what = || format!("`{}` of the `{kind}` backend", attr.name);
                    warn(at, attr, backend, &what);
                }
            }
        }
        for (name, at) in &self.module_calls {
            let block = self.block(*at);
            if let Some(source) = block.body.attribute("source") {
                warn(*at, source, block, &|| {
                    format!("the source of module `{name}`")
                });
            }
        }
    }

    /// A module call's `version` applies only to a registry source: with a
    /// local path, a Git or an HTTP source Terraform takes the source for a
    /// registry address and refuses it.
    fn check_module_versions(&self, sources: &ModuleSources, diagnostics: &mut Vec<Diagnostic>) {
        for (name, at) in &self.module_calls {
            let block = self.block(*at);
            let Some(version) = block.body.attribute("version") else {
                continue;
            };
            let Some(source) = crate::instance::literal_string(block.body.attribute("source"))
            else {
                continue;
            };
            let kind = if source.starts_with("./") || source.starts_with("../") {
                "a local path"
            } else if source.contains("::")
                || source.starts_with("git@")
                || source.starts_with("github.com/")
                || source.starts_with("bitbucket.org/")
                || source.contains("://")
            {
                "not a registry address"
            } else {
                continue;
            };
            let file = &self.files[at.file];
            let span = locate(sources, file, &version.origin, &block.origin, version.range);
            diagnostics.push(
                Diagnostic::error(format!(
                    "module `{name}` sets `version`, which applies only to registry modules, and its source `{source}` is {kind}: Terraform refuses it"
                ))
                .at(span)
                .help("remove `version` (pin a Git source with `?ref=`)"),
            );
        }
    }

    fn check_provider_schemas(
        &mut self,
        allowed: &crate::schema::Allowed,
        shared: &[Option<(&ModuleDef, usize)>],
        sources: &ModuleSources,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let resources = self.resources.iter().enumerate().filter_map(|(i, r)| {
            let block = self.block(r.at);
            let aws = r.resource_type.starts_with("aws_") && uses_aws_provider(block);
            let section = match r.mode {
                Mode::Data => "data",
                Mode::Managed => "resource",
            };
            aws.then_some((Some(i), r.at, section, &*r.resource_type))
        });
        let providers = self.providers.iter().filter_map(|&at| {
            let block = self.block(at);
            (block.labels.first().is_some_and(|l| l == "aws"))
                .then_some((None, at, "provider", "aws"))
        });
        // (resource or provider block, where, the types of its arguments)
        let mut typed = Vec::new();
        for (resource, at, section, type_name) in resources.chain(providers) {
            // a block of a shared file: its types as that definition has them
            if let Some((checked, j)) = shared[at.file] {
                let theirs = At {
                    file: j,
                    index: at.index,
                };
                let types = match resource {
                    Some(_) => checked
                        .resources
                        .iter()
                        .find(|r| r.at == theirs)
                        .and_then(|r| r.types.clone()),
                    None => checked
                        .provider_types
                        .iter()
                        .find(|(a, _)| *a == theirs)
                        .map(|(_, t)| t.clone()),
                };
                if let Some(types) = types {
                    typed.push((resource, at, types));
                }
                continue;
            }
            let block = self.block(at);
            // (only a message needs the block's name)
            let whose = || match (section, block.labels.get(1)) {
                ("data", Some(name)) => text::concat(["data.", type_name, ".", name]),
                ("resource", Some(name)) => text::concat([type_name, ".", name]),
                _ => block_named(block),
            };
            let file = &self.files[at.file];
            let span = |range, origin: &Origin| locate(sources, file, origin, &block.origin, range);
            let types = crate::schema::check_block(
                (section, type_name),
                block,
                file.json,
                allowed,
                &whose,
                &span,
                diagnostics,
            );
            match (resource, types) {
                (Some(i), Some(types)) => typed.push((Some(i), at, types)),
                (None, Some(types)) => typed.push((None, at, types)),
                _ => {}
            }
        }
        for (resource, at, types) in typed {
            match resource {
                Some(i) => self.resources[i].types = Some(types),
                None => self.provider_types.push((at, types)),
            }
        }
    }

    /// Merges one top-level block of an override file into the block it
    /// overrides, the way Terraform does
    /// (<https://developer.hashicorp.com/terraform/language/files/override>):
    /// its arguments replace the original's of the same name, its nested
    /// blocks replace all of the original's of their type, `locals` replace
    /// value by value, `lifecycle` merges argument by argument. A block
    /// with nothing to override is an error, as in Terraform (except a
    /// provider's default configuration, which it then declares).
    fn apply_override(
        &mut self,
        block: &Block,
        at: At,
        origin: &Origin,
        sources: &ModuleSources,
        diagnostics: &mut Vec<Diagnostic>,
    ) {
        let file = self.files[at.file].file;
        let error = |diagnostics: &mut Vec<Diagnostic>,
                     range: crate::syntax::Range,
                     message: String| {
            let src = sources.get(file);
            diagnostics.push(Diagnostic::error(message).at(src.span(file, range.start, range.end)));
        };
        let label = |i: usize| block.labels.get(i).map(|l| l.as_str()).unwrap_or_default();
        let missing = |what: &str, name: &str| {
            format!("override: there is no {what} {name:?} to override; an override file can only change what a primary file declares")
        };
        let target = match block.kind.as_str() {
            "locals" => {
                for (ai, attr) in block.body.attributes.iter().enumerate() {
                    match self.locals.iter_mut().find(|l| *l.0 == *attr.name) {
                        // the override's definition replaces the original's
                        Some(local) => (local.1, local.2, local.3) = (at.file, at.index, ai),
                        None => error(
                            diagnostics,
                            attr.range,
                            missing("local value", attr.name.as_str()),
                        ),
                    }
                }
                return;
            }
            "terraform" => {
                self.terraform_overrides.push(at);
                return;
            }
            "variable" => self
                .variables
                .iter()
                .find(|v| *v.0 == *label(0))
                .map(|v| v.1),
            "output" => self.outputs.iter().find(|o| *o.0 == *label(0)).map(|o| o.1),
            "module" => self
                .module_calls
                .iter()
                .find(|m| m.0 == label(0))
                .map(|m| m.1),
            "resource" | "data" => {
                let mode = if block.kind == "data" {
                    Mode::Data
                } else {
                    Mode::Managed
                };
                self.resources
                    .iter()
                    .find(|r| {
                        r.mode == mode && *r.resource_type == *label(0) && *r.name == *label(1)
                    })
                    .map(|r| r.at)
            }
            "provider" => {
                let alias = |b: &Block| crate::instance::literal_string(b.body.attribute("alias"));
                let wanted = alias(block);
                let found = self.providers.iter().copied().find(|p| {
                    let base = self.block(*p);
                    base.labels.first().map(|l| l.as_str()) == Some(label(0))
                        && alias(base) == wanted
                });
                match (found, wanted) {
                    (Some(found), _) => Some(found),
                    // an absent default configuration is an empty one
                    (None, None) => {
                        self.providers.push(at);
                        return;
                    }
                    (None, Some(alias)) => {
                        let what = format!("`{}` provider configuration with the alias", label(0));
                        error(diagnostics, block.range, missing(&what, &alias));
                        return;
                    }
                }
            }
            "moved" => {
                error(diagnostics, block.range, "override: `moved` blocks can appear only in primary files, not in override files".to_string());
                return;
            }
            // import, removed, check: not merged
            _ => return,
        };
        let Some(target) = target else {
            let what = match block.kind.as_str() {
                "resource" => format!("`{}` resource", label(0)),
                "data" => format!("`{}` data source", label(0)),
                "module" => "module call".to_string(),
                other => other.to_string(),
            };
            let name = if block.kind == "resource" || block.kind == "data" {
                label(1)
            } else {
                label(0)
            };
            error(diagnostics, block.range, missing(&what, name));
            return;
        };
        let mut body = block.body.clone();
        if let Some(depends_on) = body.attribute("depends_on") {
            error(
                diagnostics,
                depends_on.range,
                "override: `depends_on` may not be overridden; this argument is ignored"
                    .to_string(),
            );
            body.attributes.retain(|a| a.name != "depends_on");
        }
        let is_resource = matches!(block.kind.as_str(), "resource" | "data");
        let base = &mut Arc::make_mut(&mut self.files[target.file]).body.blocks[target.index].body;
        if is_resource {
            merge_lifecycle(base, &mut body, origin);
        }
        merge_body(base, body, origin);
    }
}

/// Terraform's merge of an override body into the original: each argument
/// replaces the original's of the same name; the nested blocks of a type
/// (`dynamic "x"` being of type `x`) replace all of the original's of that
/// type; the rest of the original stays. What is merged in keeps its file.
fn merge_body(base: &mut Body, over: Body, origin: &Origin) {
    for mut attr in over.attributes {
        if attr.origin.is_none() {
            attr.origin = origin.clone();
        }
        match base.attributes.iter_mut().find(|a| a.name == attr.name) {
            Some(existing) => *existing = attr,
            None => base.attributes.push(attr),
        }
    }
    fn block_type(b: &Block) -> &str {
        match b.kind.as_str() {
            "dynamic" => b.labels.first().map_or("", |l| l.as_str()),
            kind => kind,
        }
    }
    let replaced: Vec<&str> = over.blocks.iter().map(block_type).collect();
    base.blocks.retain(|b| !replaced.contains(&block_type(b)));
    for mut block in over.blocks {
        if block.origin.is_none() {
            block.origin = origin.clone();
        }
        base.blocks.push(block);
    }
}

/// A resource's `lifecycle` merges argument by argument: the override's
/// `lifecycle` is taken out of `over` and its arguments merged into the
/// original's (which is created when there is none).
fn merge_lifecycle(base: &mut Body, over: &mut Body, origin: &Origin) {
    let Some(i) = over.blocks.iter().position(|b| b.kind == "lifecycle") else {
        return;
    };
    let lifecycle = over.blocks.remove(i);
    over.blocks.retain(|b| b.kind != "lifecycle");
    match base.blocks.iter_mut().find(|b| b.kind == "lifecycle") {
        Some(existing) => {
            let arguments = Body {
                attributes: lifecycle.body.attributes,
                blocks: Vec::new(),
            };
            merge_body(&mut existing.body, arguments, origin);
        }
        None => {
            let mut lifecycle = lifecycle;
            lifecycle.origin = origin.clone();
            base.blocks.push(lifecycle);
        }
    }
}

/// An error for each argument set a second time in a body or the bodies
/// nested in it (HCL refuses the file: "Attribute redefined").
fn redefined_arguments(
    body: &crate::syntax::Body,
    span: &dyn Fn(crate::syntax::Range) -> cloudwright_model::Span,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for (i, attr) in body.attributes.iter().enumerate() {
        if let Some(first) = body.attributes[..i].iter().find(|a| a.name == attr.name) {
            let first_line = span(first.range).line;
            diagnostics.push(
                Diagnostic::error(format!(
                    "the argument `{}` is set twice in this block (first on line {first_line}); each argument may be set only once, and Terraform refuses the configuration",
                    attr.name
                ))
                .at(span(attr.range)),
            );
        }
    }
    for block in &body.blocks {
        redefined_arguments(&block.body, span, diagnostics);
    }
}

/// The arguments Terraform (and OpenTofu) read in a resource's `lifecycle`
/// block (`enabled`: OpenTofu 1.11; `action_trigger`: Terraform 1.14).
const LIFECYCLE_ARGUMENTS: &[&str] = &[
    "create_before_destroy",
    "prevent_destroy",
    "ignore_changes",
    "replace_triggered_by",
    "enabled",
];
const LIFECYCLE_BLOCKS: &[&str] = &["precondition", "postcondition", "action_trigger"];
const DYNAMIC_ARGUMENTS: &[&str] = &["for_each", "iterator", "labels"];

/// An error for each word a `lifecycle` block (of the resource itself) or
/// a `dynamic` block (at any depth) does not take: a misspelt
/// `prevent_destory` would otherwise be read as no setting at all.
fn meta_blocks(
    body: &crate::syntax::Body,
    top: bool,
    span: &dyn Fn(crate::syntax::Range) -> cloudwright_model::Span,
    diagnostics: &mut Vec<Diagnostic>,
) {
    for block in &body.blocks {
        let (arguments, blocks): (&[&str], &[&str]) = match block.kind.as_str() {
            "lifecycle" if top => (LIFECYCLE_ARGUMENTS, LIFECYCLE_BLOCKS),
            "dynamic" => (DYNAMIC_ARGUMENTS, &["content"]),
            _ => {
                meta_blocks(&block.body, false, span, diagnostics);
                continue;
            }
        };
        let whose = || format!("a `{}` block", block.kind);
        unsupported_words(block, arguments, blocks, &whose, span, diagnostics);
        if block.kind == "lifecycle" {
            literal_lifecycle_flags(&block.body, span, diagnostics);
        }
        if block.kind == "dynamic" {
            for content in block.body.blocks_of("content") {
                meta_blocks(&content.body, false, span, diagnostics);
            }
        }
    }
}

/// The version of the AWS provider (`hashicorp/aws`, from either
/// registry) that a directory's `.terraform.lock.hcl` selects. A lock file
/// that cannot be read or holds none is no selection: the module's
/// constraints decide alone.
fn locked_aws_version(dir: &std::path::Path) -> Option<String> {
    let text = std::fs::read_to_string(dir.join(".terraform.lock.hcl")).ok()?;
    let (body, _) = crate::load::parse_text(&text, false).ok()?;
    body.blocks
        .iter()
        .filter(|b| b.kind == "provider")
        .find(|b| {
            b.labels
                .first()
                .is_some_and(|l| l.ends_with("/hashicorp/aws"))
        })
        .and_then(|b| crate::instance::literal_string(b.body.attribute("version")))
}

/// An error for `prevent_destroy` / `create_before_destroy` written as
/// anything but a literal: Terraform decodes them before any value exists
/// ("Variables not allowed", "Function calls not allowed"), so a
/// `prevent_destroy = var.protect` is refused, not read.
fn literal_lifecycle_flags(
    body: &crate::syntax::Body,
    span: &dyn Fn(crate::syntax::Range) -> cloudwright_model::Span,
    diagnostics: &mut Vec<Diagnostic>,
) {
    use crate::syntax::ExprKind;
    use cloudwright_model::Value;
    for attr in &body.attributes {
        if !matches!(
            attr.name.as_str(),
            "prevent_destroy" | "create_before_destroy"
        ) {
            continue;
        }
        let literal = match &attr.expr.kind {
            ExprKind::Literal(Value::Bool(_)) => true,
            ExprKind::Literal(Value::String(s)) => matches!(&**s, "true" | "false"),
            _ => false,
        };
        if !literal {
            diagnostics.push(
                Diagnostic::error(format!(
                    "`{}` in a `lifecycle` block must be written as true or false: Terraform reads it before any value exists and refuses a variable, a function call or any other expression here",
                    attr.name
                ))
                .at(span(attr.expr.range)),
            );
        }
    }
}

/// An error for each argument or nested block of `block` that is not
/// among `arguments` / `blocks`, with the known word it is closest to.
fn unsupported_words(
    block: &crate::syntax::Block,
    arguments: &[&'static str],
    blocks: &[&'static str],
    // (only a message needs the block's name)
    whose: &dyn Fn() -> String,
    span: &dyn Fn(crate::syntax::Range) -> cloudwright_model::Span,
    diagnostics: &mut Vec<Diagnostic>,
) {
    let words = block
        .body
        .attributes
        .iter()
        .map(|a| (a.name.as_str(), a.range, "argument", arguments))
        .chain(
            block
                .body
                .blocks
                .iter()
                .map(|b| (b.kind.as_str(), b.range, "block type", blocks)),
        );
    for (word, range, what, known) in words {
        if known.contains(&word) {
            continue;
        }
        diagnostics.push(unsupported(
            format!("unsupported {what} `{word}` in {}", whose()),
            "it is not read",
            closest(word, known),
            span(range),
        ));
    }
}

/// A word Terraform does not take where it is written. One a known word
/// is close to is taken for a misspelling, which Terraform refuses: an
/// error, with the word meant. Any other may belong to a Terraform or
/// OpenTofu newer than what Cloudwright knows: a warning, so a scan does
/// not fail on valid configuration.
fn unsupported(
    what: String,
    consequence: &str,
    meant: Option<&str>,
    at: cloudwright_model::Span,
) -> Diagnostic {
    match meant {
        Some(known) => Diagnostic::error(format!("{what}: Terraform refuses it, and {consequence}"))
            .at(at)
            .meant(Some(known)),
        None => Diagnostic::warning(format!(
            "{what}: a word Cloudwright does not know here (from a newer Terraform or OpenTofu?), and {consequence}"
        ))
        .at(at),
    }
}

/// The source files of one module's definition, taken out of the shared
/// map: a definition is then built without holding the map's lock, so
/// root modules and Terragrunt units build theirs in parallel.
pub struct ModuleSources(Vec<(FileId, Arc<SourceFile>)>);

impl ModuleSources {
    /// The sources of `files`, looked up in `map` (whose lock the caller
    /// releases before building the definition).
    pub fn of(files: &[Arc<ConfigFile>], map: &SourceMap) -> ModuleSources {
        let mut sources: Vec<(FileId, Arc<SourceFile>)> = files
            .iter()
            .map(|f| (f.file, map.get_shared(f.file)))
            .collect();
        // (by id, to be searched: a module may have thousands of files)
        sources.sort_unstable_by_key(|(id, _)| *id);
        ModuleSources(sources)
    }

    fn get(&self, id: FileId) -> &SourceFile {
        self.find(id).map_or(&EMPTY_SOURCE, |s| &**s)
    }

    fn get_shared(&self, id: FileId) -> Arc<SourceFile> {
        self.find(id)
            .cloned()
            .unwrap_or_else(|| Arc::new(SourceFile::new(String::new(), PathBuf::new(), "".into())))
    }

    fn find(&self, id: FileId) -> Option<&Arc<SourceFile>> {
        let i = self.0.binary_search_by_key(&id, |(f, _)| *f).ok()?;
        Some(&self.0[i].1)
    }
}

/// (what a file of no module's reads as: never, as every file a
/// definition holds is among its sources)
static EMPTY_SOURCE: std::sync::LazyLock<SourceFile> =
    std::sync::LazyLock::new(|| SourceFile::new(String::new(), PathBuf::new(), "".into()));

/// Where a range of one of the module's files is: in the override file an
/// item came from (its `origin`, else the enclosing block's), or in `file`.
fn locate(
    sources: &ModuleSources,
    file: &ConfigFile,
    origin: &Origin,
    enclosing: &Origin,
    range: crate::syntax::Range,
) -> cloudwright_model::Span {
    match origin.as_ref().or(enclosing.as_ref()) {
        Some(foreign) => foreign.source.span(foreign.file, range.start, range.end),
        None => sources
            .get(file.file)
            .span(file.file, range.start, range.end),
    }
}

/// Every expression of a body, nested blocks included, with the override
/// file it came from.
fn each_expression<'a>(
    body: &'a Body,
    origin: &'a Origin,
    f: &mut dyn FnMut(&'a crate::syntax::Expr, &'a Origin),
) {
    for attr in &body.attributes {
        f(
            &attr.expr,
            if attr.origin.is_some() {
                &attr.origin
            } else {
                origin
            },
        );
    }
    for block in &body.blocks {
        let inner = if block.origin.is_some() {
            &block.origin
        } else {
            origin
        };
        each_expression(&block.body, inner, f);
    }
}

/// A traversal that reads a resource or data source: (data?, type, name,
/// the operations after the name). `aws_vpc.main[0].id` →
/// `(false, "aws_vpc", "main", [[0], .id])`.
fn resource_reference<'a>(
    root: &'a str,
    ops: &'a [crate::syntax::TraversalOp],
) -> Option<(bool, &'a str, &'a str, &'a [crate::syntax::TraversalOp])> {
    use crate::syntax::TraversalOp::GetAttr;
    match (root, ops) {
        ("data", [GetAttr(t), GetAttr(n), rest @ ..]) => Some((true, t.as_str(), n.as_str(), rest)),
        (t, [GetAttr(n), rest @ ..]) if t.starts_with("aws_") => Some((false, t, n.as_str(), rest)),
        _ => None,
    }
}

/// Whether a resource block uses a configuration of the `aws` provider
/// (`provider = aws.west`, or none: implied by its type's prefix).
fn uses_aws_provider(block: &Block) -> bool {
    use crate::syntax::ExprKind;
    let Some(attr) = block.body.attribute("provider") else {
        return true;
    };
    let root = match &attr.expr.kind {
        // JSON syntax writes the reference as a string: `"aws.west"`
        ExprKind::Literal(cloudwright_model::Value::String(s)) => {
            return s.split('.').next() == Some("aws");
        }
        ExprKind::Traversal(base, _) => &base.kind,
        other => other,
    };
    matches!(root, ExprKind::Variable(name) if name == "aws")
}

/// The block types a configuration file holds at its top level.
const TOP_LEVEL: &[&str] = &[
    "terraform",
    "variable",
    "locals",
    "output",
    "provider",
    "resource",
    "data",
    "ephemeral",
    "module",
    "moved",
    "import",
    "removed",
    "check",
    "action",
];

/// A block as a message names it: variable `region`, the `terraform` block.
fn block_named(block: &crate::syntax::Block) -> String {
    match block.labels.first() {
        Some(label) => format!("{} `{label}`", block.kind),
        None => format!("the `{}` block", block.kind),
    }
}

/// The arguments of a `variable` block (`ephemeral`: Terraform 1.10;
/// `deprecated`: OpenTofu 1.10).
const VARIABLE_ARGUMENTS: &[&str] = &[
    "default",
    "type",
    "description",
    "sensitive",
    "nullable",
    "ephemeral",
    "deprecated",
];

/// The arguments of an `output` block.
const OUTPUT_ARGUMENTS: &[&str] = &[
    "value",
    "description",
    "sensitive",
    "depends_on",
    "ephemeral",
    "deprecated",
];

/// Whether a name is one HCL takes as an identifier (Terraform's names).
fn is_identifier(name: &str) -> bool {
    let mut chars = name.chars();
    chars.next().is_some_and(|c| c.is_alphabetic() || c == '_')
        && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '-')
}

/// The known word a misspelt one is closest to (at most two edits away),
/// for a "did you mean" hint.
pub(crate) fn closest<'k>(word: &str, known: &[&'k str]) -> Option<&'k str> {
    known
        .iter()
        .map(|k| (edit_distance(word, k), *k))
        .filter(|(d, _)| *d <= 2)
        .min()
        .map(|(_, k)| k)
}

/// Levenshtein distance between two short words.
pub(crate) fn edit_distance(a: &str, b: &str) -> usize {
    let b: Vec<char> = b.chars().collect();
    let mut row: Vec<usize> = (0..=b.len()).collect();
    for (i, ca) in a.chars().enumerate() {
        let mut diagonal = row[0];
        row[0] = i + 1;
        for (j, cb) in b.iter().enumerate() {
            let substitution = diagonal + usize::from(ca != *cb);
            diagonal = row[j + 1];
            row[j + 1] = substitution.min(row[j] + 1).min(row[j + 1] + 1);
        }
    }
    row[b.len()]
}
