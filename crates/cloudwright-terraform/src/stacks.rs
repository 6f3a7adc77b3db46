//! Terraform Stacks (Terraform 1.13+ on HCP Terraform): a stack's
//! component configuration (`*.tfcomponent.hcl`; `*.tfstack.hcl` before
//! 1.13) stands in for a root module, and its deployment configuration
//! (`*.tfdeploy.hcl`) says how many times it is deployed and with what
//! inputs. Each deployment is evaluated as a root module of its own:
//!
//! - the component configuration is read as the Terraform it means — a
//!   `component` is a module call (its `inputs` the call's arguments, its
//!   `providers` the call's), a `provider "aws" "this"` with its `config`
//!   block is the provider configuration `aws.this` (with its `for_each`),
//!   `required_providers` is the `terraform` block's, `component.x` is
//!   `module.x` and `provider.aws.this` is `aws.this` — keeping every range,
//!   so what is found points at the stack's own lines;
//! - a deployment's `inputs` are that root's variables, evaluated with the
//!   deployment configuration's `locals`; an `identity_token`'s `jwt`, a
//!   `store`'s values and an `upstream_input`'s outputs are known only to
//!   HCP Terraform during a run: unknown, each named by what it reads.
//!
//! A component's resources are addressed as HCP Terraform addresses them
//! (`component.vpc.aws_vpc.this`: the module call is a component,
//! `ModuleDef::components`), under a root named for the deployment
//! (`stacks/web/deployment.prod`).

use crate::eval::{Evaluator, FsContext, ModuleScope};
use crate::syntax::{
    Attribute, Block, Body, ConfigFile, Expr, ExprKind, Name, ObjectKey, Range, TemplatePart,
    TraversalOp,
};
use cloudwright_model::{Diagnostic, Fields, FileId, SourceFile, Span, Value};
use std::path::{Path, PathBuf};
use std::sync::Arc;

/// Whether a file is part of a stack's component configuration.
pub fn is_component_file(name: &str) -> bool {
    name.ends_with(".tfcomponent.hcl") || name.ends_with(".tfstack.hcl")
}

/// Whether a file is part of a stack's deployment configuration.
pub fn is_deployment_file(name: &str) -> bool {
    name.ends_with(".tfdeploy.hcl")
}

/// Whether a file is a stack's (component or deployment configuration).
pub fn is_stack_file(path: &Path) -> bool {
    path.file_name()
        .map(|n| n.to_string_lossy())
        .is_some_and(|n| is_component_file(&n) || is_deployment_file(&n))
}

/// The argument a component's `inputs` become when they are not written as
/// an object: evaluated whole, each of its attributes an input (a name no
/// HCL argument can have).
pub const INPUTS_OBJECT: &str = "*inputs";

/// One file of a stack, read and parsed.
pub struct StackFile {
    pub id: FileId,
    pub source: Arc<SourceFile>,
    pub body: Body,
    /// Parts of it could not be read (syntax errors, reported).
    pub partial: bool,
}

/// A stack: its component configuration as a root module's files, and its
/// deployments.
pub struct Stack {
    /// Its directory (absolute), where component sources are relative to.
    pub dir: PathBuf,
    /// Its directory as shown (`stacks/web`, `.`).
    pub display: String,
    pub files: Vec<Arc<ConfigFile>>,
    pub deployments: Vec<Deployment>,
    /// The directories of its components with a local source: modules,
    /// not root modules of their own.
    pub component_dirs: Vec<PathBuf>,
}

/// One `deployment` block: a root module evaluated with these inputs.
pub struct Deployment {
    pub name: String,
    /// The root module's name: the stack's directory and the deployment
    /// (`stacks/web/deployment.prod`).
    pub root: String,
    /// Where the block is.
    pub span: Span,
    /// Each input: the variable it sets, its value, where it is written.
    pub inputs: Vec<(String, Value, Span)>,
}

/// The file a stack names the Terraform version its deployments run with
/// in (HCP Terraform reads it; a stack has no `required_version`).
pub const VERSION_FILE: &str = ".terraform-version";

/// Reads a stack from its files (each kind in file-name order): its
/// component configuration translated, its deployments evaluated.
/// `version`: its `.terraform-version` file, read, which stands for the
/// root module's `required_version`. `sandbox` is the scanned directory
/// (what `file()` may read).
pub fn read(
    dir: PathBuf,
    display: String,
    (components, deployments): (Vec<StackFile>, Vec<StackFile>),
    version: Option<(FileId, Arc<SourceFile>)>,
    sandbox: &Path,
    diagnostics: &mut Vec<Diagnostic>,
) -> Stack {
    let mut files = Vec::with_capacity(components.len());
    let mut component_dirs = Vec::new();
    let mut version = version.map(required_version);
    for file in components {
        let mut body = component_configuration(&file, &dir, &mut component_dirs, diagnostics);
        body.blocks.extend(version.take());
        files.push(Arc::new(ConfigFile {
            file: file.id,
            body,
            json: false,
            partial: file.partial,
        }));
    }
    if files.is_empty() {
        diagnostics.push(
            Diagnostic::warning(format!(
                "stack {display} has deployments but no component configuration (`*.tfcomponent.hcl`): there is nothing to deploy"
            ))
            .in_file(display.clone()),
        );
    }
    let fs = FsContext {
        root_dir: dir.clone(),
        sandbox: sandbox.to_path_buf(),
        ..Default::default()
    };
    let deployments = match files.is_empty() {
        true => Vec::new(),
        false => deployment_configuration(&deployments, &display, &fs, diagnostics),
    };
    if deployments.is_empty() && !files.is_empty() {
        diagnostics.push(
            Diagnostic::info(format!(
                "stack {display} has no `deployment` block (`*.tfdeploy.hcl`): its components are not evaluated, as HCP Terraform deploys none"
            ))
            .in_file(display.clone()),
        );
    }
    component_dirs.sort();
    component_dirs.dedup();
    Stack {
        dir,
        display,
        files,
        deployments,
        component_dirs,
    }
}

/// `terraform { required_version = "<the version file's text>" }`, its
/// ranges in the version file.
fn required_version((file, source): (FileId, Arc<SourceFile>)) -> Block {
    let text = source.text.trim();
    let start = source.text.len() - source.text.trim_start().len();
    let range = Range::new(start, start + text.len());
    let origin = Some(Arc::new(crate::syntax::Foreign {
        file,
        source: source.clone(),
    }));
    Block {
        kind: "terraform".into(),
        labels: Vec::new(),
        range,
        origin: origin.clone(),
        body: Body {
            attributes: vec![Attribute {
                name: "required_version".into(),
                expr: Expr::literal(Value::string(text), range),
                range,
                origin,
            }],
            blocks: Vec::new(),
        },
    }
}

/// A component configuration file as the root module's file it stands for.
fn component_configuration(
    file: &StackFile,
    dir: &Path,
    component_dirs: &mut Vec<PathBuf>,
    diagnostics: &mut Vec<Diagnostic>,
) -> Body {
    let span = |range: Range| file.source.span(file.id, range.start, range.end);
    let mut out = Body::default();
    for attr in &file.body.attributes {
        diagnostics.push(
            Diagnostic::error(format!(
                "argument `{}` is not allowed at the top of a component configuration; it is ignored",
                attr.name
            ))
            .at(span(attr.range)),
        );
    }
    for block in &file.body.blocks {
        let mut block = block.clone();
        rewrite_body(&mut block.body);
        match block.kind.as_str() {
            "component" => {
                if let Some(source) = block.body.attribute("source").and_then(literal_text) {
                    if source.starts_with("./") || source.starts_with("../") {
                        component_dirs.push(crate::instance::normalize(&dir.join(source)));
                    }
                }
                out.blocks.push(component(block, &span, diagnostics));
            }
            "provider" => out.blocks.push(provider(block, &span, diagnostics)),
            "required_providers" => out.blocks.push(Block {
                kind: "terraform".into(),
                labels: Vec::new(),
                range: block.range,
                origin: None,
                body: Body {
                    attributes: Vec::new(),
                    blocks: vec![block],
                },
            }),
            // (an output's `type` is the stack's own: Terraform's outputs
            // have none)
            "output" => {
                block.body.attributes.retain(|a| a.name != "type");
                out.blocks.push(block);
            }
            "variable" | "locals" => out.blocks.push(block),
            // `removed { from = component.x … }`: the component's
            // resources leave the stack (destroyed), as a module's do (its
            // `for_each`, `source` and `providers` say how to destroy them)
            "removed" => {
                block.body.attributes.retain(|a| a.name == "from");
                block.body.blocks.clear();
                out.blocks.push(block);
            }
            other => diagnostics.push(
                Diagnostic::error(format!(
                    "`{other}` is not a block of a Stack's component configuration (component, provider, required_providers, variable, locals, output, removed); it is ignored"
                ))
                .at(span(block.range)),
            ),
        }
    }
    out
}

/// `component "x" { source, inputs = { … }, providers = { … } }` as
/// `module "x" { source, …inputs, providers = { … } }`.
fn component(
    mut block: Block,
    span: &dyn Fn(Range) -> Span,
    diagnostics: &mut Vec<Diagnostic>,
) -> Block {
    block.kind = "module".into();
    let Some(at) = block
        .body
        .attributes
        .iter()
        .position(|a| a.name == "inputs")
    else {
        return block;
    };
    let inputs = block.body.attributes.remove(at);
    match &inputs.expr.kind {
        ExprKind::Object(items) if items.iter().all(|(k, _)| key_name(k).is_some()) => {
            for (key, value) in items {
                let name = key_name(key).unwrap_or_default();
                if is_call_argument(&name) {
                    diagnostics.push(
                        Diagnostic::warning(format!(
                            "input `{name}` of component `{}` has the name of a module call's own argument: it is not passed to the module here",
                            block.labels.first().map(Name::as_str).unwrap_or_default()
                        ))
                        .at(span(value.range)),
                    );
                    continue;
                }
                block.body.attributes.push(Attribute {
                    name,
                    expr: value.clone(),
                    range: value.range,
                    origin: inputs.origin.clone(),
                });
            }
        }
        _ => block.body.attributes.push(Attribute {
            name: INPUTS_OBJECT.into(),
            ..inputs
        }),
    }
    block
}

/// A module call's own arguments, which an input of that name would be
/// taken for.
fn is_call_argument(name: &str) -> bool {
    matches!(
        name,
        "source" | "version" | "count" | "for_each" | "providers" | "depends_on"
    )
}

/// `provider "aws" "this" { for_each = …, config { region = … } }` as
/// `provider "aws" { alias = "this", for_each = …, region = … }`.
fn provider(
    mut block: Block,
    span: &dyn Fn(Range) -> Span,
    diagnostics: &mut Vec<Diagnostic>,
) -> Block {
    let alias = match block.labels.len() {
        2 => block.labels.pop(),
        _ => {
            diagnostics.push(
                Diagnostic::error(
                    "a Stack's provider block has two labels, the provider and its name (`provider \"aws\" \"this\"`); read without a name",
                )
                .at(span(block.range)),
            );
            None
        }
    };
    let mut body = Body::default();
    if let Some(alias) = alias {
        body.attributes.push(Attribute {
            name: "alias".into(),
            expr: Expr::literal(Value::string(alias.as_str()), block.range),
            range: block.range,
            origin: None,
        });
    }
    for attr in block.body.attributes {
        match attr.name.as_str() {
            "for_each" => body.attributes.push(attr),
            other => diagnostics.push(
                Diagnostic::error(format!(
                    "argument `{other}` of a Stack's provider block belongs in its `config` block; it is ignored"
                ))
                .at(span(attr.range)),
            ),
        }
    }
    for config in block.body.blocks {
        match config.kind.as_str() {
            "config" => {
                body.attributes.extend(config.body.attributes);
                body.blocks.extend(config.body.blocks);
            }
            other => diagnostics.push(
                Diagnostic::error(format!(
                    "`{other}` is not a block of a Stack's provider block (`config`); it is ignored"
                ))
                .at(span(config.range)),
            ),
        }
    }
    block.body = body;
    block
}

/// An object key's name when it is one written as such (`a = …`, `"a" = …`).
fn key_name(key: &ObjectKey) -> Option<Name> {
    match key {
        ObjectKey::Ident(name) => Some(*name),
        ObjectKey::Expr(e) => match &e.kind {
            ExprKind::Variable(name) => Some(*name),
            ExprKind::Literal(Value::String(s)) => Some(s.as_ref().into()),
            ExprKind::Template(parts) => match parts.as_slice() {
                [TemplatePart::Literal(s)] => Some(s.as_str().into()),
                _ => None,
            },
            _ => None,
        },
    }
}

/// A string written as a literal.
fn literal_text(attr: &Attribute) -> Option<&str> {
    match &attr.expr.kind {
        ExprKind::Literal(Value::String(s)) => Some(s),
        ExprKind::Template(parts) => match parts.as_slice() {
            [TemplatePart::Literal(s)] => Some(s),
            _ => None,
        },
        _ => None,
    }
}

/// Every expression of a body in the names of a root module:
/// `component.x` → `module.x`, `provider.aws.this` → `aws.this`.
fn rewrite_body(body: &mut Body) {
    for attr in &mut body.attributes {
        rewrite(&mut attr.expr);
    }
    for block in &mut body.blocks {
        rewrite_body(&mut block.body);
    }
}

fn rewrite(e: &mut Expr) {
    crate::syntax::visit_mut(e, &mut |node| match &mut node.kind {
        ExprKind::Variable(name) if name == "component" => *name = "module".into(),
        // `provider.aws.this[…]` → `aws.this[…]`
        ExprKind::Traversal(base, ops) => {
            let provider = matches!(&base.kind, ExprKind::Variable(n) if n == "provider");
            if let (true, Some(TraversalOp::GetAttr(kind))) = (provider, ops.first()) {
                let kind = *kind;
                ops.remove(0);
                base.kind = ExprKind::Variable(kind);
            }
        }
        _ => {}
    });
}

/// The deployments the deployment configuration declares, each with its
/// inputs evaluated.
fn deployment_configuration(
    files: &[StackFile],
    display: &str,
    fs: &FsContext,
    diagnostics: &mut Vec<Diagnostic>,
) -> Vec<Deployment> {
    let scope = ModuleScope::default();
    // what a run of HCP Terraform knows: unknown here, each by its name
    let mut tokens = Fields::new();
    let mut stores: Fields = Fields::new();
    let mut upstream = Fields::new();
    for file in files {
        for block in &file.body.blocks {
            let label = |n: usize| block.labels.get(n).map(Name::as_str);
            match (block.kind.as_str(), label(0), label(1)) {
                ("identity_token", Some(name), _) => {
                    let jwt = Value::unknown_from(format!("identity_token.{name}.jwt"));
                    tokens.insert(name, Value::map(Fields::from_iter([("jwt", jwt)])));
                }
                ("store", Some(kind), Some(name)) => {
                    let kind_stores = match stores.get(kind).and_then(Value::as_object) {
                        Some(o) => o.to_fields(),
                        None => Fields::new(),
                    };
                    let mut kind_stores = kind_stores;
                    kind_stores.insert(
                        name,
                        Value::unknown_from(format!("store.{kind}.{name}")).sensitive(),
                    );
                    stores.insert(kind, Value::map(kind_stores));
                }
                ("upstream_input", Some(name), _) => {
                    upstream.insert(name, Value::unknown_from(format!("upstream_input.{name}")));
                }
                _ => {}
            }
        }
    }
    let bindings = [
        ("identity_token", Value::map(tokens)),
        ("store", Value::map(stores)),
        ("upstream_input", Value::map(upstream)),
    ];
    // the locals of every file, in the order they refer to each other
    let attrs: Vec<(&StackFile, &Attribute)> = files
        .iter()
        .flat_map(|f| {
            f.body
                .blocks_of("locals")
                .flat_map(move |b| b.body.attributes.iter().map(move |a| (f, a)))
        })
        .collect();
    let index: std::collections::HashMap<&str, usize> = attrs
        .iter()
        .enumerate()
        .map(|(i, (_, a))| (a.name.as_str(), i))
        .collect();
    let deps: Vec<Vec<usize>> = attrs
        .iter()
        .map(|(_, a)| {
            let mut d = Vec::new();
            a.expr.references(&mut |path| {
                if let ["local", name, ..] = path {
                    d.extend(index.get(name).copied());
                }
            });
            d
        })
        .collect();
    let (order, cyclic) = crate::eval::dependency_order(&deps);
    let mut locals = Fields::with_capacity(attrs.len());
    fn evaluator<'a>(
        scope: &'a ModuleScope,
        file: &'a StackFile,
        fs: &'a FsContext,
        bindings: &[(&str, Value)],
    ) -> Evaluator<'a> {
        let mut ev = Evaluator::new(scope, &file.source, file.id, fs);
        for (name, value) in bindings {
            ev.bind(*name, value.clone());
        }
        ev
    }
    for i in order {
        let (file, attr) = attrs[i];
        let value = if cyclic.contains(&i) {
            diagnostics.push(
                Diagnostic::error(format!(
                    "local `{}` refers to itself through other locals; its value is unknown",
                    attr.name
                ))
                .at(file.source.span(file.id, attr.range.start, attr.range.end)),
            );
            Value::unknown()
        } else {
            let mut ev = evaluator(&scope, file, fs, &bindings);
            ev.bind("local", Value::map(locals.clone()));
            let v = ev.eval(&attr.expr);
            diagnostics.append(&mut ev.diagnostics);
            v
        };
        locals.insert(attr.name.as_str(), value);
    }
    let locals = Value::map(locals);
    let mut out: Vec<Deployment> = Vec::new();
    for file in files {
        let span = |range: Range| file.source.span(file.id, range.start, range.end);
        for block in &file.body.blocks {
            match block.kind.as_str() {
                "deployment" => {}
                "locals"
                | "identity_token"
                | "store"
                | "upstream_input"
                | "publish_output"
                | "deployment_group"
                | "deployment_auto_approve"
                | "orchestrate" => continue,
                other => {
                    diagnostics.push(
                        Diagnostic::error(format!(
                            "`{other}` is not a block of a Stack's deployment configuration; it is ignored"
                        ))
                        .at(span(block.range)),
                    );
                    continue;
                }
            }
            let Some(name) = block.labels.first() else {
                diagnostics.push(
                    Diagnostic::error("a `deployment` block needs a name; it is ignored")
                        .at(span(block.range)),
                );
                continue;
            };
            if out.iter().any(|d| d.name == *name) {
                diagnostics.push(
                    Diagnostic::error(format!(
                        "duplicate deployment `{name}`; the first declaration is used"
                    ))
                    .at(span(block.range)),
                );
                continue;
            }
            let root = match display {
                "." => format!("deployment.{name}"),
                dir => format!("{dir}/deployment.{name}"),
            };
            let mut ev = evaluator(&scope, file, fs, &bindings);
            ev.bind("local", locals.clone());
            let destroyed = block
                .body
                .attribute("destroy")
                .map(|a| ev.eval(&a.expr).as_bool());
            if let Some(Some(true)) = destroyed {
                diagnostics.push(
                    Diagnostic::info(format!(
                        "{root} is being destroyed (`destroy = true`): it is not read"
                    ))
                    .at(span(block.range)),
                );
                diagnostics.append(&mut ev.diagnostics);
                continue;
            }
            let inputs = match block.body.attribute("inputs") {
                Some(attr) => deployment_inputs(&mut ev, attr, &span),
                None => Vec::new(),
            };
            diagnostics.append(&mut ev.diagnostics);
            out.push(Deployment {
                name: name.to_string(),
                root,
                span: span(block.range),
                inputs,
            });
        }
    }
    out
}

/// A deployment's `inputs`, each where it is written (the whole argument's
/// place when it is not written as an object).
fn deployment_inputs(
    ev: &mut Evaluator<'_>,
    attr: &Attribute,
    span: &dyn Fn(Range) -> Span,
) -> Vec<(String, Value, Span)> {
    let value = ev.eval(&attr.expr);
    let Some(object) = value.as_object() else {
        if !value.is_unknown() {
            ev.error(
                attr.expr.range,
                format!(
                    "a deployment's `inputs` is an object of the stack's variables, not {}",
                    value.type_name()
                ),
            );
        }
        return Vec::new();
    };
    let whole_sensitive = value.is_sensitive();
    let written: Vec<(Name, Range)> = match &attr.expr.kind {
        ExprKind::Object(items) => items
            .iter()
            .filter_map(|(k, v)| Some((key_name(k)?, v.range)))
            .collect(),
        _ => Vec::new(),
    };
    object
        .fields()
        .iter()
        .map(|(name, value)| {
            let range = written
                .iter()
                .find(|(n, _)| n == name)
                .map_or(attr.range, |(_, r)| *r);
            // (a mark on the whole is on each of its parts)
            let value = match whole_sensitive {
                true => value.clone().sensitive(),
                false => value.clone(),
            };
            (name.to_string(), value, span(range))
        })
        .collect()
}
