//! The `cloudwright` command line: parses arguments, wires loader → engines →
//! renderers, decides exit codes. No analysis happens here.

use clap::{Args, Parser, Subcommand};
use cloudwright_model::Graph;
use cloudwright_terraform::LoadOptions;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

mod alloc;
mod cost;
mod review;

/// Exit codes (documented in README "Exit codes").
pub(crate) const EXIT_OK: u8 = 0;
pub(crate) const EXIT_FINDINGS: u8 = 1;
pub(crate) const EXIT_INPUT: u8 = 2;

#[derive(Parser)]
#[command(
    name = "cloudwright",
    version,
    about = "Reviews cloud infrastructure code the way a senior cloud engineer does."
)]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// One review across every engine — exposure paths, escalation paths
    /// and public access, security findings, failure scenarios and
    /// recovery objectives, cost, IaC hygiene and tagging — of a tree, or
    /// of a change: `review --base REF PATH`, `review BASE HEAD`, or
    /// `review plan.json` (one plan: from the state it starts from).
    Review(review::ReviewArgs),
    /// Check the configuration against the rules and report findings.
    Scan(ScanArgs),
    /// List the rules (filter by id, alias, title or category).
    Rules(RulesArgs),
    /// Write a commented starter cloudwright.toml (never overwrites).
    Init {
        /// Directory to write it in.
        #[arg(default_value = ".")]
        dir: PathBuf,
    },
    /// Print a rule's documentation.
    Explain {
        /// Rule id or alias (CW-AWS-S3-001, CKV_AWS_20, AVD-AWS-0088, …).
        rule: String,
    },
    /// Print every resource instance Cloudwright understood, with evaluated
    /// attributes, unknowns, locations and references.
    Resources(ResourcesArgs),
    /// What the internet can reach: each exposed resource with its
    /// protocols, ports, source addresses and the path (public address,
    /// gateway, route, network ACL, security group, load balancer) — or
    /// why it cannot be decided. With --from/--to: whether one place can
    /// reach another, by which path, or what blocks it.
    Exposure(ExposureArgs),
    /// Compare environments: the same configuration as dev, staging and
    /// production — several root modules (`envs/dev`, `envs/prod`), or one
    /// with a tfvars file per environment (`--env dev=dev.tfvars`) — and
    /// the differences that matter: sizes, counts, redundancy, backups,
    /// encryption, exposure.
    Envs(EnvsArgs),
    /// Who can do what: administrator-equivalent principals, privilege
    /// escalation paths step by step, resource and trust policies open
    /// beyond the account; with --principal/--action/--resource, whether
    /// one request is allowed and by which statements.
    Iam(IamArgs),
    /// What an Availability Zone or region outage does to each entry
    /// point (serving, degraded with the capacity left, down — and why),
    /// single points of failure, and each data store's recovery point and
    /// time against its declared objectives.
    Resilience(ResilienceArgs),
    /// What the configuration costs a month, resource by resource and
    /// component by component, from an offline catalogue of AWS list
    /// prices; what could not be priced, and why. `cost diff`: what a
    /// change costs.
    Cost(cost::CostCommand),
    /// The pricing catalogue: coverage and dates (`info`), or a refresh
    /// from the AWS Price List bulk files (`update`).
    Pricing {
        #[command(subcommand)]
        action: cost::PricingAction,
    },
}

#[derive(Args)]
struct ScanArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output: text, json, sarif, junit, github or markdown, optionally
    /// FORMAT=FILE; may repeat (`-o text -o sarif=results.sarif`). Default:
    /// the config file's outputs, else text.
    #[arg(short = 'o', long = "output")]
    outputs: Vec<String>,
    /// Exit 1 when a finding at or above this severity remains
    /// (critical, high, medium, low, info). Default: the config's, else medium.
    #[arg(long = "fail-on")]
    fail_on: Option<String>,
    /// Report only findings at or above this severity (default: info).
    #[arg(long = "severity")]
    severity: Option<String>,
    /// Use this cloudwright.toml instead of the one found by walking up
    /// from the scanned path.
    #[arg(long = "config", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Report only findings that are not in this baseline file.
    #[arg(long = "baseline", value_name = "FILE")]
    baseline: Option<PathBuf>,
    /// Record the current findings as a baseline file (the scan still reports them).
    #[arg(long = "write-baseline", value_name = "FILE")]
    write_baseline: Option<PathBuf>,
    /// Report only findings introduced since this git revision (a branch,
    /// tag, full hash, HEAD~1, origin/main …), read from the repository
    /// without running git.
    #[arg(long = "diff-base", value_name = "REF")]
    diff_base: Option<String>,
    /// Run only these rules (ids, aliases or globs such as CW-AWS-S3-*); may repeat.
    #[arg(long = "rule")]
    rules: Vec<String>,
    /// Do not run these rules (ids, aliases or globs); may repeat.
    #[arg(long = "skip-rule")]
    skip_rules: Vec<String>,
    /// Ignore every inline suppression comment.
    #[arg(long = "no-inline-suppressions")]
    no_inline_suppressions: bool,
    /// List suppressed findings in the text output too.
    #[arg(long = "show-suppressed")]
    show_suppressed: bool,
    /// Print how long loading, the rules and the output took (stderr).
    #[arg(long = "timings")]
    timings: bool,
}

#[derive(Args)]
struct RulesArgs {
    /// Only rules whose id, alias, title or category contains this text.
    filter: Option<String>,
    /// Output: text or json.
    #[arg(short = 'o', long = "output", default_value = "text")]
    output: String,
}

#[derive(Args, Clone)]
pub(crate) struct InputArgs {
    /// Directories (root modules are found below them), `.tf` files, or
    /// `terraform show -json` plan / state files.
    #[arg(default_value = ".")]
    pub(crate) paths: Vec<PathBuf>,
    /// Set a root-module variable (`name=value`); may repeat.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    pub(crate) vars: Vec<String>,
    /// Read variables from a .tfvars or .tfvars.json file; may repeat.
    #[arg(long = "var-file", value_name = "FILE")]
    pub(crate) var_files: Vec<PathBuf>,
    /// Skip paths matching this glob (relative to the scanned directory); may repeat.
    #[arg(long = "exclude", value_name = "GLOB")]
    pub(crate) excludes: Vec<String>,
    /// Read the remote module of a Terragrunt unit from a local checkout:
    /// SOURCE is its `terraform { source }` up to `//`
    /// (`git::git@github.com:acme/modules.git`), DIR the checkout; may
    /// repeat (Terragrunt's --source-map; also `TG_SOURCE_MAP`).
    #[arg(long = "terragrunt-source-map", value_name = "SOURCE=DIR", value_parser = source_map_pair)]
    pub(crate) terragrunt_source_map: Vec<String>,
    /// One side of a comparison (`review BASE HEAD`, `--base REF`, `cost
    /// diff`), where a side with no configuration is one that did not
    /// exist yet: not a mistyped path.
    #[arg(skip)]
    pub(crate) compared: bool,
    /// A plan read as the state it starts from (its `prior_state`): the
    /// base side of the change one plan is.
    #[arg(skip)]
    pub(crate) plan_prior: bool,
}

impl InputArgs {
    /// The same paths and settings as one side of a comparison.
    pub(crate) fn compared(&self) -> InputArgs {
        InputArgs {
            compared: true,
            ..self.clone()
        }
    }

    /// When the input is one `terraform show -json` plan, the change it
    /// is: the state it starts from (base) and its planned values (head).
    pub(crate) fn plan_change(&self) -> Option<(InputArgs, InputArgs)> {
        let [path] = self.paths.as_slice() else {
            return None;
        };
        if !path.is_file() || !cloudwright_terraform::plan::is_plan(path) {
            return None;
        }
        let prior = InputArgs {
            plan_prior: true,
            ..self.clone()
        };
        Some((prior, self.clone()))
    }
}

#[derive(Args)]
struct ResourcesArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format: `text` or `json`, optionally `FORMAT=FILE`; may repeat.
    #[arg(short = 'o', long = "output", default_value = "text")]
    outputs: Vec<String>,
    /// Also list each module instance's input variables — the value and
    /// where it was set (a tfvars file and line, the default, `--var`,
    /// `TF_VAR_`, the module call) — its local values and its output
    /// values (the JSON document always has the variables and outputs,
    /// and the locals with this flag).
    #[arg(long)]
    values: bool,
    /// Only the resources whose address or type matches (`*` wildcards:
    /// `module.network.*`, `aws_s3_bucket`, `*aws_db_instance.main*`);
    /// may repeat. Diagnostics are all shown.
    #[arg(long, value_name = "PATTERN")]
    only: Vec<String>,
}

#[derive(Args)]
struct ExposureArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format: `text`, `json`, `markdown`, `dot` or `mermaid`
    /// (diagrams of the exposure list), optionally `FORMAT=FILE`; may repeat.
    #[arg(short = 'o', long = "output", default_value = "text")]
    outputs: Vec<String>,
    /// Where traffic comes from: `internet` (the default), a public CIDR,
    /// a resource address (`aws_instance.app`, `ROOT//ADDRESS` or `ROOT: ADDRESS` to pick one root module), or `any`.
    #[arg(long)]
    from: Option<String>,
    /// Where it goes: a resource address, or `any` (everything the source
    /// can reach).
    #[arg(long)]
    to: Option<String>,
    /// Destination port or range (`5432`, `8000-8100`); TCP unless
    /// --protocol says otherwise.
    #[arg(long)]
    port: Option<String>,
    /// `tcp`, `udp`, `icmp` or `all`.
    #[arg(long)]
    protocol: Option<String>,
}

#[derive(Args)]
struct EnvsArgs {
    #[command(flatten)]
    input: InputArgs,
    /// An environment as NAME=VARFILE: the paths are loaded once per
    /// environment with that tfvars file; may repeat. Without it, each root
    /// module is an environment.
    #[arg(long = "env", value_name = "NAME=VARFILE")]
    envs: Vec<String>,
    /// Output format: `text`, `json` or `markdown`, optionally `FORMAT=FILE`; may repeat.
    #[arg(short = 'o', long = "output", default_value = "text")]
    outputs: Vec<String>,
    /// Use this cloudwright.toml (for `[environments]`) instead of the one
    /// found by walking up from the first path.
    #[arg(long)]
    config: Option<PathBuf>,
}

#[derive(Args)]
struct ResilienceArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format: `text`, `json` or `markdown`, optionally `FORMAT=FILE`; may repeat.
    #[arg(short = 'o', long = "output", default_value = "text")]
    outputs: Vec<String>,
    /// Use this cloudwright.toml (for `[[resilience.services]]`) instead of
    /// the one found by walking up from the first path.
    #[arg(long)]
    config: Option<PathBuf>,
}

#[derive(Args)]
struct IamArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format: `text` or `json`, optionally `FORMAT=FILE`; may repeat.
    #[arg(short = 'o', long = "output", default_value = "text")]
    outputs: Vec<String>,
    /// The principal of a question: an IAM role or user address, with its
    /// root module when several have it (`live/ci//aws_iam_role.ci`).
    #[arg(long)]
    principal: Option<String>,
    /// The action of a question (`s3:GetObject`).
    #[arg(long)]
    action: Option<String>,
    /// The resource of a question: an ARN (default `*`), or a resource's
    /// address (its policy then joins the question; with its root module
    /// when several have it).
    #[arg(long)]
    resource: Option<String>,
    /// Print where the IAM action catalogue comes from and stop.
    #[arg(long)]
    catalogue_info: bool,
}

/// The traffic an exposure question is about.
fn asked_traffic(
    port: Option<&str>,
    protocol: Option<&str>,
) -> Result<cloudwright_network::sets::HeaderSpace, String> {
    use cloudwright_network::sets::{PortSet, ProtoSet};
    let protocols = match protocol.map(str::to_ascii_lowercase).as_deref() {
        None if port.is_none() => ProtoSet::full(),
        None | Some("tcp") => ProtoSet::single(6),
        Some("udp") => ProtoSet::single(17),
        Some("icmp") => ProtoSet::single(1),
        Some("all") | Some("-1") => ProtoSet::full(),
        Some(other) => {
            return Err(format!(
                "unknown protocol {other:?} (use tcp, udp, icmp or all)"
            ))
        }
    };
    let ports = match port {
        None => PortSet::full(),
        Some(p) => {
            let parse = |x: &str| {
                x.trim().parse::<u16>().map_err(|_| {
                    format!("invalid port {p:?}: use a number or a range such as 8000-8100")
                })
            };
            match p.split_once('-') {
                Some((a, b)) => {
                    let (a, b) = (parse(a)?, parse(b)?);
                    if b < a {
                        return Err(format!(
                            "invalid port range {p:?}: the end is below the start"
                        ));
                    }
                    PortSet::range(a, b)
                }
                None => PortSet::single(parse(p)?),
            }
        }
    };
    Ok(cloudwright_network::reach::traffic(protocols, ports))
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Review(args) => review::run(args),
        Command::Scan(args) => scan(args),
        Command::Rules(args) => rules(args),
        Command::Explain { rule } => explain(&rule),
        Command::Init { dir } => init(&dir),
        Command::Resources(args) => resources(args),
        Command::Exposure(args) => exposure(args),
        Command::Envs(args) => envs(args),
        Command::Iam(args) => iam(args),
        Command::Resilience(args) => resilience(args),
        Command::Cost(command) => cost::run(command),
        Command::Pricing { action } => cost::pricing(action),
    }
}

pub(crate) fn load(input: &InputArgs) -> Graph {
    load_with(input, load_options(input))
}

/// What the command line and the environment say of the load.
fn load_options(input: &InputArgs) -> LoadOptions {
    LoadOptions {
        var_files: input.var_files.clone(),
        vars: input.vars.clone(),
        excludes: input.excludes.clone(),
        env_vars: std::env::vars()
            .filter_map(|(k, v)| k.strip_prefix("TF_VAR_").map(|name| (name.to_string(), v)))
            .collect(),
        workspace: std::env::var("TF_WORKSPACE").ok(),
        terragrunt_source_map: source_map(input),
        plan_prior: input.plan_prior,
        ..LoadOptions::default()
    }
}

/// A `SOURCE=DIR` pair of `--terragrunt-source-map`.
fn source_map_pair(pair: &str) -> Result<String, String> {
    match pair.rsplit_once('=') {
        Some((source, dir)) if !source.trim().is_empty() && !dir.trim().is_empty() => {
            Ok(pair.to_string())
        }
        _ => Err(format!(
            "{pair:?} must be SOURCE=DIR: a module source up to its `//` and the directory that holds a checkout of it"
        )),
    }
}

/// `--terragrunt-source-map`, then `TG_SOURCE_MAP` (or the older
/// `TERRAGRUNT_SOURCE_MAP`): `SOURCE=DIR` pairs, the environment's
/// separated by commas, as Terragrunt reads them. The last `=` splits a
/// pair (a source may hold one: `?ref=`).
fn source_map(input: &InputArgs) -> Vec<(String, PathBuf)> {
    let from_env = ["TG_SOURCE_MAP", "TERRAGRUNT_SOURCE_MAP"]
        .iter()
        .find_map(|name| std::env::var(name).ok())
        .unwrap_or_default();
    input
        .terragrunt_source_map
        .iter()
        .map(String::as_str)
        .chain(from_env.split(',').filter(|p| !p.trim().is_empty()))
        .filter_map(|pair| {
            let split = pair.rsplit_once('=');
            if split.is_none() {
                eprintln!("warning: {pair:?} in TG_SOURCE_MAP is not SOURCE=DIR; it is ignored");
            }
            split
        })
        .map(|(source, dir)| (source.trim().to_string(), PathBuf::from(dir.trim())))
        .collect()
}

fn load_with(input: &InputArgs, options: LoadOptions) -> Graph {
    let mut graph = alloc::loading(|assemble| {
        cloudwright_terraform::load_with(&input.paths, &options, assemble)
    });
    // a path with no configuration below it is most often a mistyped one,
    // and "0 findings" would read as a pass
    if !input.compared
        && graph.sources.is_empty()
        && graph.resources.is_empty()
        && !graph.has_errors()
    {
        let shown: Vec<String> = input
            .paths
            .iter()
            .map(|p| p.display().to_string())
            .collect();
        graph.diagnostics.push(
            cloudwright_model::Diagnostic::error(format!(
                "no Terraform configuration found in {}: nothing was checked",
                shown.join(", ")
            ))
            .help(
                "give the directory that holds the .tf (or .tf.json, .tofu) files, or a plan or \
                 state file; the directories below it are read too, but not .terraform/ or .git/",
            ),
        );
    }
    graph
}

/// [`load`], and what could not be loaded said on stderr (file:line:col,
/// with the help line) for the commands whose outputs carry no diagnostics.
pub(crate) fn load_reporting(input: &InputArgs) -> Graph {
    let graph = load(input);
    eprint!(
        "{}",
        cloudwright_output::diagnostics::render_text(
            &graph.diagnostics,
            &graph.sources,
            cloudwright_model::Severity::Warning
        )
    );
    graph
}

/// The exit code of a command that loaded `graph` (input errors: 2). The
/// process ends here: freeing a large model piece by piece would only cost
/// time (a tenth of a second per 60,000 resources).
pub(crate) fn finish(graph: Graph) -> ExitCode {
    let code = if graph.has_errors() {
        EXIT_INPUT
    } else {
        EXIT_OK
    };
    std::mem::forget(graph);
    ExitCode::from(code)
}

/// The `cloudwright.toml` in force: the one named, else the one found by
/// walking up from the first path, else the defaults.
pub(crate) fn config_for(
    explicit: Option<&PathBuf>,
    paths: &[PathBuf],
) -> Result<cloudwright_scan::config::Config, String> {
    let path = explicit.cloned().or_else(|| {
        paths
            .first()
            .and_then(|p| cloudwright_scan::config::discover(p))
    });
    match path {
        Some(p) => cloudwright_scan::config::load(&p).map_err(|e| e.to_string()),
        None => Ok(cloudwright_scan::config::Config::default()),
    }
}

/// An input or usage error: said on stderr, exit 2.
pub(crate) fn fail(message: String) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(EXIT_INPUT)
}

/// Every `-o` names a format the command writes.
pub(crate) fn check_formats(
    outputs: &[String],
    allowed: &[&str],
    command: &str,
) -> Result<(), String> {
    for spec in outputs {
        let (format, _) = split_output(spec);
        if !allowed.contains(&format) {
            let (last, rest) = allowed.split_last().unwrap_or((&"", &[]));
            let choices = if rest.is_empty() {
                last.to_string()
            } else {
                format!("{} or {last}", rest.join(", "))
            };
            return Err(format!(
                "unknown output format {format:?} for `{command}` (use {choices})"
            ));
        }
    }
    Ok(())
}

/// `FORMAT` or `FORMAT=FILE`.
pub(crate) fn split_output(spec: &str) -> (&str, Option<&str>) {
    match spec.split_once('=') {
        Some((format, file)) => (format, Some(file)),
        None => (spec, None),
    }
}

/// Runs a renderer against a file or stdout, buffered.
pub(crate) fn emit(
    file: Option<&str>,
    render: impl FnOnce(&mut dyn Write) -> std::io::Result<()>,
) -> Result<(), String> {
    match file {
        Some(path) => {
            let f = std::fs::File::create(path).map_err(|e| format!("cannot write {path}: {e}"))?;
            let mut w = std::io::BufWriter::new(f);
            render(&mut w)
                .and_then(|_| w.flush())
                .map_err(|e| format!("cannot write {path}: {e}"))
        }
        None => {
            let mut w = std::io::BufWriter::new(std::io::stdout().lock());
            // a closed pipe (`| head`) is not an error worth reporting
            let _ = render(&mut w).and_then(|_| w.flush());
            Ok(())
        }
    }
}

fn resources(args: ResourcesArgs) -> ExitCode {
    for spec in &args.outputs {
        let (format, _) = split_output(spec);
        if !matches!(format, "text" | "json") {
            eprintln!("error: unknown output format {format:?} for `resources` (use text or json)");
            return ExitCode::from(EXIT_INPUT);
        }
    }
    // the local values only for the listing that shows them
    let options = LoadOptions {
        keep_locals: args.values,
        ..load_options(&args.input)
    };
    let graph = load_with(&args.input, options);
    let listing = cloudwright_output::resources::Listing {
        values: args.values,
        only: &args.only,
    };
    for spec in &args.outputs {
        let (format, file) = split_output(spec);
        let written = match format {
            "json" => emit(file, |w| {
                cloudwright_output::resources::write_json(&graph, &listing, w)
            }),
            _ => emit(file, |w| {
                cloudwright_output::resources::write_text(&graph, &listing, w)
            }),
        };
        if let Err(e) = written {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INPUT);
        }
    }
    finish(graph)
}

fn exposure(args: ExposureArgs) -> ExitCode {
    let query = args.to.is_some() || args.from.as_deref().is_some_and(|f| f != "internet");
    for spec in &args.outputs {
        let (format, _) = split_output(spec);
        let known = if query {
            matches!(format, "text" | "json" | "markdown")
        } else {
            matches!(format, "text" | "json" | "markdown" | "dot" | "mermaid")
        };
        if !known {
            eprintln!("error: unknown output format {format:?} for `exposure{}` (use text, json, markdown{})",
                if query { " --from/--to" } else { "" },
                if query { "" } else { ", dot or mermaid" });
            return ExitCode::from(EXIT_INPUT);
        }
    }
    let asked = match asked_traffic(args.port.as_deref(), args.protocol.as_deref()) {
        Ok(a) => a,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INPUT);
        }
    };
    let graph = load_reporting(&args.input);
    if query {
        use cloudwright_network::reach::{ask, endpoint, Endpoint};
        let from = match args.from.as_deref().map(|f| endpoint(&graph, f)) {
            None => Ok(Endpoint::Internet(
                cloudwright_network::sets::AddrSet::everywhere(),
            )),
            Some(e) => e,
        };
        let to = match args.to.as_deref().map(|t| endpoint(&graph, t)) {
            None => Ok(Endpoint::Any),
            Some(e) => e,
        };
        let (from, to) = match (from, to) {
            (Ok(f), Ok(t)) => (f, t),
            (Err(e), _) | (_, Err(e)) => {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_INPUT);
            }
        };
        if matches!(
            (&from, &to),
            (Endpoint::Any, Endpoint::Any)
                | (Endpoint::Internet(_), Endpoint::Any)
                | (Endpoint::Any, Endpoint::Internet(_))
                | (_, Endpoint::Internet(_))
        ) {
            eprintln!("error: ask about a destination resource (--to ADDRESS), or a source resource with --to any; the internet as a destination is not a question the network answers");
            return ExitCode::from(EXIT_INPUT);
        }
        let answers = ask(&graph, &from, &to, &asked);
        for spec in &args.outputs {
            let (format, file) = split_output(spec);
            let written = match format {
                "json" => emit(file, |w| {
                    cloudwright_output::exposure::write_answers_json(&graph, &answers, w)
                }),
                "markdown" => emit(file, |w| {
                    cloudwright_output::exposure::write_answers_markdown(&graph, &answers, w)
                }),
                _ => emit(file, |w| {
                    cloudwright_output::exposure::write_answers_text(&graph, &answers, w)
                }),
            };
            if let Err(e) = written {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_INPUT);
            }
        }
    } else {
        let mut exposures = cloudwright_network::exposure::internet_exposure(&graph);
        if args.port.is_some() || args.protocol.is_some() {
            exposures = cloudwright_network::exposure::narrow(exposures, &asked);
        }
        for spec in &args.outputs {
            let (format, file) = split_output(spec);
            let written = match format {
                "json" => emit(file, |w| {
                    cloudwright_output::exposure::write_json(&graph, &exposures, w)
                }),
                "markdown" => emit(file, |w| {
                    cloudwright_output::exposure::write_markdown(&graph, &exposures, w)
                }),
                "dot" => emit(file, |w| {
                    cloudwright_output::exposure::write_dot(&graph, &exposures, w)
                }),
                "mermaid" => emit(file, |w| {
                    cloudwright_output::exposure::write_mermaid(&graph, &exposures, w)
                }),
                _ => emit(file, |w| {
                    cloudwright_output::exposure::write_text(&graph, &exposures, w)
                }),
            };
            if let Err(e) = written {
                eprintln!("error: {e}");
                return ExitCode::from(EXIT_INPUT);
            }
        }
    }
    finish(graph)
}

fn envs(args: EnvsArgs) -> ExitCode {
    use cloudwright_rules::envs::{by_root, compare, sort, Environment};
    let usage = |msg: String| {
        eprintln!("error: {msg}");
        ExitCode::from(EXIT_INPUT)
    };
    for spec in &args.outputs {
        let (format, _) = split_output(spec);
        if !matches!(format, "text" | "json" | "markdown") {
            return usage(format!(
                "unknown output format {format:?} for `envs` (use text, json or markdown)"
            ));
        }
    }
    let config_path = args.config.clone().or_else(|| {
        args.input
            .paths
            .first()
            .and_then(|p| cloudwright_scan::config::discover(p))
    });
    let settings = match &config_path {
        Some(path) => match cloudwright_scan::config::load(path) {
            Ok(c) => c.settings(),
            Err(e) => return usage(e.to_string()),
        },
        None => cloudwright_rules::Settings::default(),
    };
    let mut named = Vec::new();
    for spec in &args.envs {
        match spec.split_once('=') {
            Some((name, file)) if !name.is_empty() && !file.is_empty() => {
                named.push((name.to_string(), PathBuf::from(file)))
            }
            _ => return usage(format!("--env {spec:?}: write NAME=VARFILE")),
        }
    }
    let graphs: Vec<(String, Graph)> = if named.is_empty() {
        vec![(String::new(), load(&args.input))]
    } else {
        named
            .iter()
            .map(|(name, file)| {
                let mut input = args.input.clone();
                input.var_files.push(file.clone());
                (name.clone(), load(&input))
            })
            .collect()
    };
    let mut failed = false;
    for (name, graph) in &graphs {
        let errors: Vec<_> = graph
            .diagnostics
            .iter()
            .filter(|d| d.severity == cloudwright_model::Severity::Error)
            .collect();
        if !errors.is_empty() {
            failed = true;
            let label = if name.is_empty() {
                String::new()
            } else {
                format!(" ({name})")
            };
            eprint!(
                "{}",
                cloudwright_output::diagnostics::render_text(
                    &graph.diagnostics,
                    &graph.sources,
                    cloudwright_model::Severity::Error
                )
            );
            eprintln!("error: the configuration{label} did not load cleanly; the comparison uses what did");
        }
    }
    let mut environments: Vec<Environment<'_>> = if named.is_empty() {
        by_root(&graphs[0].1, &settings.environments)
    } else {
        graphs
            .iter()
            .map(|(name, graph)| {
                let resources: Vec<_> = graph
                    .resources
                    .iter()
                    .filter(|r| r.mode == cloudwright_model::Mode::Managed)
                    .collect();
                // a tree of several root modules: matched by root too
                let components = match graph.roots().len() {
                    0 | 1 => Vec::new(),
                    _ => resources.iter().map(|r| r.root.to_string()).collect(),
                };
                Environment {
                    name: name.clone(),
                    resources,
                    components,
                }
            })
            .collect()
    };
    sort(&mut environments);
    if environments.len() < 2 {
        return usage(format!(
            "found {} environment(s): give several root modules (envs/dev, envs/prod) or --env NAME=VARFILE twice or more",
            environments.len()
        ));
    }
    let comparison = compare(&environments);
    for spec in &args.outputs {
        let (format, file) = split_output(spec);
        let written = match format {
            "json" => emit(file, |w| {
                cloudwright_output::envs::write_json(&comparison, w)
            }),
            "markdown" => emit(file, |w| {
                cloudwright_output::envs::write_markdown(&comparison, w)
            }),
            _ => emit(file, |w| {
                cloudwright_output::envs::write_text(&comparison, w)
            }),
        };
        if let Err(e) = written {
            return usage(e);
        }
    }
    ExitCode::from(if failed { EXIT_INPUT } else { EXIT_OK })
}

/// The item a name given on the command line names: an address
/// (`aws_iam_role.ci`), or one qualified with its root module
/// (`live/ci//aws_iam_role.ci`, or `live/ci: aws_iam_role.ci` as the
/// outputs write it) when several roots have it. The error's `{what}` is
/// for the caller to fill.
fn named<'a, T>(
    items: &'a [T],
    name: &str,
    resource: impl Fn(&T) -> &cloudwright_model::Resource,
) -> Result<&'a T, String> {
    let (root, address) = cloudwright_model::graph::root_and_address(name);
    let found: Vec<&T> = items
        .iter()
        .filter(|i| {
            let r = resource(i);
            r.address == address && root.is_none_or(|root| *r.root == *root)
        })
        .collect();
    match found[..] {
        [one] => Ok(one),
        [] => Err(format!("no {{what}} {name:?} in the configuration")),
        _ => {
            let roots: Vec<String> = found.iter().map(|i| resource(i).root.to_string()).collect();
            Err(format!(
                "{{what}} {address} is in several root modules ({}): name one, as {}//{address}",
                roots.join(", "),
                roots[0]
            ))
        }
    }
}

fn iam(args: IamArgs) -> ExitCode {
    let usage = |msg: String| {
        eprintln!("error: {msg}");
        ExitCode::from(EXIT_INPUT)
    };
    if args.catalogue_info {
        let c = cloudwright_iam::catalogue::catalogue();
        println!(
            "IAM action catalogue: {} actions in {} services\nsource: {}\ngenerated: {}\nregenerate: scripts/update-iam-catalogue.sh",
            c.actions.len(),
            c.services.len(),
            c.source,
            c.generated
        );
        let m = cloudwright_iam::managed::managed_policies();
        println!(
            "\nAWS-managed policies: {}\nsource: {}\ngenerated: {}\nregenerate: scripts/update-managed-policies.sh",
            m.len(),
            m.source,
            m.generated
        );
        return ExitCode::from(EXIT_OK);
    }
    for spec in &args.outputs {
        let (format, _) = split_output(spec);
        if !matches!(format, "text" | "json") {
            return usage(format!(
                "unknown output format {format:?} for `iam` (use text or json)"
            ));
        }
    }
    let graph = load_reporting(&args.input);
    if let (None, Some(action)) = (&args.principal, &args.action) {
        // who can do A on R
        let resource = args.resource.clone().unwrap_or_else(|| "*".into());
        let subjects = cloudwright_iam::principals::subjects(&graph);
        let mut w = std::io::stdout().lock();
        let mut n = 0;
        for s in &subjects {
            let set = cloudwright_iam::privileges::policy_set(s);
            let request = cloudwright_iam::eval::Request::new(
                cloudwright_iam::eval::Principal::aws(&s.arn),
                action,
                &resource,
            );
            let d = cloudwright_iam::eval::evaluate(&set, &request);
            if matches!(
                d.outcome,
                cloudwright_iam::eval::Outcome::Allowed
                    | cloudwright_iam::eval::Outcome::Conditional(_)
            ) {
                n += 1;
                let spans = |name: &str| {
                    s.identity
                        .iter()
                        .find(|l| l.policy.name == name)
                        .and_then(|l| l.span)
                };
                let _ = cloudwright_output::iam::write_decision(
                    &s.resource.address,
                    action,
                    &resource,
                    &d,
                    &spans,
                    &graph,
                    &mut w,
                );
            }
        }
        let _ = writeln!(
            w,
            "{n} of {} principals can (or may, under conditions)",
            subjects.len()
        );
        return ExitCode::from(EXIT_OK);
    }
    if let (Some(principal), None) = (&args.principal, &args.action) {
        // what can P do
        let subjects = cloudwright_iam::principals::subjects(&graph);
        let s = match named(&subjects, principal, |s| s.resource) {
            Ok(s) => s,
            Err(why) => return usage(why.replace("{what}", "IAM role or user")),
        };
        let summary = cloudwright_iam::privileges::summary(s);
        let lp = cloudwright_iam::privileges::least_privilege(s);
        let mut w = std::io::stdout().lock();
        let _ =
            cloudwright_output::iam::write_summary(principal, &summary, &lp, &s.missing, &mut w);
        return ExitCode::from(EXIT_OK);
    }
    if let Some(principal) = &args.principal {
        let Some(action) = &args.action else {
            return usage("--principal needs --action (and optionally --resource)".into());
        };
        let subjects = cloudwright_iam::principals::subjects(&graph);
        let s = match named(&subjects, principal, |s| s.resource) {
            Ok(s) => s,
            Err(why) => return usage(why.replace("{what}", "IAM role or user")),
        };
        let mut resource = args.resource.clone().unwrap_or_else(|| "*".into());
        let mut set = cloudwright_iam::privileges::policy_set(s);
        // a resource named by address: its resource policy joins the set
        let mut resource_policy = None;
        let mut resource_address = None;
        let managed: Vec<&cloudwright_model::Resource> = graph
            .resources
            .iter()
            .filter(|r| r.mode == cloudwright_model::Mode::Managed)
            .collect();
        // (an ARN or pattern is not an address: it names nothing here)
        let target = match named(&managed, &resource, |r| r) {
            Ok(r) => Some(*r),
            Err(why) if why.contains("several root modules") => {
                return usage(why.replace("{what}", "resource"))
            }
            Err(_) => None,
        };
        if let Some(target) = target {
            let arn = target
                .get("arn")
                .and_then(|v| v.as_str().map(str::to_string))
                .unwrap_or_else(|| {
                    format!(
                        "arn:aws:{}:::{}",
                        target.resource_type.trim_start_matches("aws_"),
                        target.address
                    )
                });
            if let Some((holder, attr)) = cloudwright_iam::access::policy_of(&graph, target) {
                let doc = match holder.get(attr) {
                    Some(v) => match v.json_document() {
                        Some(d) => cloudwright_model::Tri::Known(d.into_owned()),
                        None => match v.strip() {
                            cloudwright_model::Value::String(t) => {
                                match serde_json::from_str::<serde_json::Value>(t) {
                                    Ok(j) => cloudwright_model::Tri::Known(
                                        cloudwright_model::Value::from_json(&j),
                                    ),
                                    Err(_) => cloudwright_model::Tri::Absent,
                                }
                            }
                            cloudwright_model::Value::Unknown(u) => {
                                cloudwright_model::Tri::Unknown(format!(
                                    "{}.{attr} is {}",
                                    holder.address,
                                    u.why()
                                ))
                            }
                            other => cloudwright_model::Tri::Known(other.clone()),
                        },
                    },
                    None => cloudwright_model::Tri::Absent,
                };
                match cloudwright_iam::document::statements(doc) {
                    cloudwright_model::Tri::Known(st) => {
                        set.resource.push(cloudwright_iam::eval::Policy {
                            name: holder.address.to_string(),
                            statements: st,
                        });
                        resource_policy = Some(holder);
                    }
                    cloudwright_model::Tri::Unknown(why) => {
                        eprintln!("warning: the resource policy is not evaluated: {why}");
                    }
                    cloudwright_model::Tri::Absent => {}
                }
                set.resource_policy_required =
                    target.resource_type == "aws_kms_key" || target.resource_type == "aws_iam_role";
            }
            resource = arn;
            resource_address = Some(target.address.to_string());
        }
        let mut who = cloudwright_iam::eval::Principal::aws(&s.arn);
        who.address = Some(s.resource.address.to_string());
        let mut request = cloudwright_iam::eval::Request::new(who, action, &resource);
        request.resource_address = resource_address;
        let d = cloudwright_iam::eval::evaluate(&set, &request);
        let spans = |name: &str| {
            s.identity
                .iter()
                .chain(s.boundary.iter().flatten())
                .chain(s.scps.iter().flatten())
                .find(|l| l.policy.name == name)
                .and_then(|l| l.span)
                .or_else(|| {
                    resource_policy
                        .filter(|h| h.address == name)
                        .and_then(|h| h.span)
                })
        };
        let mut w = std::io::stdout().lock();
        let _ = cloudwright_output::iam::write_decision(
            principal, action, &resource, &d, &spans, &graph, &mut w,
        );
        for m in &s.missing {
            let _ = writeln!(w, "  ? not evaluated: {m}");
        }
        return ExitCode::from(EXIT_OK);
    }
    let principals = cloudwright_iam::escalation::analyse(&graph);
    let access = cloudwright_iam::access::resource_access(&graph);
    let least: std::collections::HashMap<
        (String, String),
        cloudwright_iam::privileges::LeastPrivilege,
    > = cloudwright_iam::principals::subjects(&graph)
        .iter()
        .map(|s| {
            (
                (s.resource.root.to_string(), s.resource.address.to_string()),
                cloudwright_iam::privileges::least_privilege(s),
            )
        })
        .collect();
    for spec in &args.outputs {
        let (format, file) = split_output(spec);
        let written = match format {
            "json" => emit(file, |w| {
                cloudwright_output::iam::write_json(&graph, &principals, &access, &least, w)
            }),
            _ => emit(file, |w| {
                cloudwright_output::iam::write_text(&graph, &principals, &access, &least, w)
            }),
        };
        if let Err(e) = written {
            return usage(e);
        }
    }
    finish(graph)
}

fn resilience(args: ResilienceArgs) -> ExitCode {
    if let Err(e) = check_formats(&args.outputs, &["text", "json", "markdown"], "resilience") {
        return fail(e);
    }
    let declared = match config_for(args.config.as_ref(), &args.input.paths) {
        Ok(c) => c.settings().resilience,
        Err(e) => {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INPUT);
        }
    };
    let graph = load_reporting(&args.input);
    let report = cloudwright_resilience::simulate_with(&graph, &declared);
    for note in &report.notes {
        eprintln!("warning: {note}");
    }
    for spec in &args.outputs {
        let (format, file) = split_output(spec);
        let written = match format {
            "json" => emit(file, |w| {
                cloudwright_output::resilience::write_json(&report, w)
            }),
            "markdown" => emit(file, |w| {
                cloudwright_output::resilience::write_markdown(&report, w)
            }),
            _ => emit(file, |w| {
                cloudwright_output::resilience::write_text(&report, w)
            }),
        };
        if let Err(e) = written {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INPUT);
        }
    }
    finish(graph)
}

const SCAN_FORMATS: &[&str] = &["text", "json", "sarif", "junit", "github", "markdown"];

fn severity_arg(name: &str, value: &str) -> Result<cloudwright_model::FindingSeverity, String> {
    cloudwright_model::FindingSeverity::parse(value)
        .ok_or_else(|| format!("--{name} {value:?}: use critical, high, medium, low or info"))
}

fn scan(mut args: ScanArgs) -> ExitCode {
    let usage = |msg: String| {
        eprintln!("error: {msg}");
        ExitCode::from(EXIT_INPUT)
    };
    // cloudwright.toml: flags win over it, it wins over the defaults
    let config = match config_for(args.config.as_ref(), &args.input.paths) {
        Ok(c) => c,
        Err(e) => return usage(e),
    };
    if args.outputs.is_empty() {
        args.outputs = if config.scan.outputs.is_empty() {
            vec!["text".into()]
        } else {
            config.scan.outputs.clone()
        };
    }
    args.input
        .excludes
        .extend(config.scan.exclude.iter().cloned());
    args.input
        .terragrunt_source_map
        .extend(config.terragrunt_source_map());
    for spec in &args.outputs {
        let (format, _) = split_output(spec);
        if !SCAN_FORMATS.contains(&format) {
            return usage(format!(
                "unknown output format {format:?} (use {})",
                SCAN_FORMATS.join(", ")
            ));
        }
    }
    let fail_on_text = args
        .fail_on
        .clone()
        .or(config.scan.fail_on.clone())
        .unwrap_or_else(|| "medium".into());
    let fail_on = match severity_arg("fail-on", &fail_on_text) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let severity_text = args
        .severity
        .clone()
        .or(config.scan.severity.clone())
        .unwrap_or_else(|| "info".into());
    let min_severity = match severity_arg("severity", &severity_text) {
        Ok(s) => s,
        Err(e) => return usage(e),
    };
    let mut baseline: Option<std::collections::HashSet<String>> = match &args.baseline {
        Some(path) => match cloudwright_scan::baseline::Baseline::read(path) {
            Ok(b) => Some(b.fingerprints().into_iter().map(str::to_string).collect()),
            Err(e) => return usage(e),
        },
        None => None,
    };
    let options = cloudwright_scan::ScanOptions {
        only: if args.rules.is_empty() {
            config.scan.rules.clone()
        } else {
            args.rules.clone()
        },
        skip: [args.skip_rules.clone(), config.scan.skip_rules.clone()].concat(),
        min_severity,
        inline_suppressions: !args.no_inline_suppressions
            && config.scan.inline_suppressions.unwrap_or(true),
        severity_overrides: config
            .severity
            .iter()
            .filter_map(|(rule, sev)| {
                cloudwright_model::FindingSeverity::parse(sev).map(|s| (rule.clone(), s))
            })
            .collect(),
        ignores: config.ignore.clone(),
        settings: config.settings(),
        ..Default::default()
    };
    let rules = match cloudwright_scan::select_rules(&options) {
        Ok(r) => r,
        Err(e) => return usage(e),
    };
    if let Some(reference) = &args.diff_base {
        match diff_base_fingerprints(reference, &args.input, &rules, &options) {
            Ok(known) => baseline.get_or_insert_with(Default::default).extend(known),
            Err(e) => return usage(format!("--diff-base {reference}: {e}")),
        }
    }
    let options = cloudwright_scan::ScanOptions {
        baseline,
        ..options
    };
    let started = std::time::Instant::now();
    let graph = load(&args.input);
    let loaded = started.elapsed();
    let report = cloudwright_scan::scan(&graph, &rules, &options);
    let scanned = started.elapsed();
    if let Some(path) = &args.write_baseline {
        // the baseline records what is reported now, suppressed findings excluded
        if let Err(e) = cloudwright_scan::baseline::Baseline::of(&report.findings).write(path) {
            return usage(e);
        }
    }
    let cwd = std::env::current_dir()
        .ok()
        .and_then(|d| d.canonicalize().ok());
    let ctx = cloudwright_output::scan::Context {
        graph: &graph,
        report: &report,
        fail_on,
        show_suppressed: args.show_suppressed,
        version: env!("CARGO_PKG_VERSION"),
        ci_base: cwd.as_deref(),
    };
    for spec in &args.outputs {
        let (format, file) = split_output(spec);
        let written = match format {
            "json" => emit(file, |w| cloudwright_output::scan::write_json(&ctx, w)),
            "sarif" => emit(file, |w| cloudwright_output::scan::write_sarif(&ctx, w)),
            "junit" => emit(file, |w| {
                w.write_all(cloudwright_output::scan::to_junit(&ctx).as_bytes())
            }),
            "github" => emit(file, |w| {
                w.write_all(cloudwright_output::scan::to_github(&ctx).as_bytes())
            }),
            "markdown" => emit(file, |w| {
                w.write_all(cloudwright_output::scan::to_markdown(&ctx).as_bytes())
            }),
            _ => emit(file, |w| cloudwright_output::scan::write_text(&ctx, w)),
        };
        if let Err(e) = written {
            return usage(e);
        }
    }
    if args.timings {
        let done = started.elapsed();
        eprintln!(
            "timings: load {:.3} s, rules and suppressions {:.3} s, output {:.3} s ({} resources, {} findings)",
            loaded.as_secs_f64(),
            (scanned - loaded).as_secs_f64(),
            (done - scanned).as_secs_f64(),
            graph.resources.len(),
            report.findings.len()
        );
    }
    let code = if graph.has_errors() {
        EXIT_INPUT
    } else if report.failing(fail_on) > 0 {
        EXIT_FINDINGS
    } else {
        EXIT_OK
    };
    std::mem::forget(graph);
    ExitCode::from(code)
}

fn rules(args: RulesArgs) -> ExitCode {
    let filter = args.filter.as_deref().map(str::to_ascii_lowercase);
    let selected: Vec<&cloudwright_rules::Rule> = cloudwright_rules::all()
        .into_iter()
        .filter(|r| match &filter {
            None => true,
            Some(f) => {
                r.id.to_ascii_lowercase().contains(f)
                    || r.title.to_ascii_lowercase().contains(f)
                    || r.category.contains(f.as_str())
                    || r.aliases.all().any(|a| a.to_ascii_lowercase().contains(f))
            }
        })
        .collect();
    let out = match args.output.as_str() {
        "json" => {
            let list: Vec<serde_json::Value> = selected
                .iter()
                .map(|r| {
                    serde_json::json!({
                        "id": r.id,
                        "title": r.title,
                        "severity": r.severity.as_str(),
                        "category": r.category,
                        "resource_types": r.resource_types,
                        "aliases": {"checkov": r.aliases.checkov, "trivy": r.aliases.trivy, "kics": r.aliases.kics},
                        "remediation": r.remediation,
                    })
                })
                .collect();
            let mut s = serde_json::to_string_pretty(&list).unwrap_or_default();
            s.push('\n');
            s
        }
        "text" => {
            let mut s = String::new();
            for r in &selected {
                s.push_str(&format!(
                    "{:<24} {:<9} {:<11} {}\n",
                    r.id,
                    r.severity.as_str(),
                    r.category,
                    r.title
                ));
            }
            s.push_str(&format!("{} rules\n", selected.len()));
            s
        }
        other => {
            eprintln!("error: unknown output format {other:?} for `rules` (use text or json)");
            return ExitCode::from(EXIT_INPUT);
        }
    };
    let _ = emit(None, |w| w.write_all(out.as_bytes()));
    ExitCode::from(EXIT_OK)
}

fn explain(name: &str) -> ExitCode {
    match cloudwright_rules::find(name) {
        Some(r) => {
            let aliases: Vec<&str> = r.aliases.all().collect();
            let mut s = format!(
                "# {} — {}\n\nseverity: {} · category: {}\n",
                r.id, r.title, r.severity, r.category
            );
            if !aliases.is_empty() {
                s.push_str(&format!("also known as: {}\n", aliases.join(", ")));
            }
            s.push('\n');
            s.push_str(r.doc);
            let _ = emit(None, |w| w.write_all(s.as_bytes()));
            ExitCode::from(EXIT_OK)
        }
        None => {
            eprintln!("error: no rule {name:?} (see `cloudwright rules`)");
            ExitCode::from(EXIT_INPUT)
        }
    }
}

fn init(dir: &std::path::Path) -> ExitCode {
    let path = dir.join(cloudwright_scan::config::FILE_NAME);
    if path.exists() {
        eprintln!(
            "error: {} already exists; Cloudwright does not overwrite it",
            path.display()
        );
        return ExitCode::from(EXIT_INPUT);
    }
    match std::fs::write(&path, cloudwright_scan::config::STARTER) {
        Ok(()) => {
            println!("wrote {}", path.display());
            ExitCode::from(EXIT_OK)
        }
        Err(e) => {
            eprintln!("error: cannot write {}: {e}", path.display());
            ExitCode::from(EXIT_INPUT)
        }
    }
}

/// Fingerprints of the findings at `reference`: the same scan, run on the
/// files of that revision, materialised in a temporary directory.
fn diff_base_fingerprints(
    reference: &str,
    input: &InputArgs,
    rules: &[&'static cloudwright_rules::Rule],
    options: &cloudwright_scan::ScanOptions,
) -> Result<Vec<String>, String> {
    let base = BaseCheckout::new(reference, input)?;
    let graph = load(&base.input);
    let report = cloudwright_scan::scan(
        &graph,
        rules,
        &cloudwright_scan::ScanOptions {
            baseline: None,
            ..options.clone()
        },
    );
    Ok(report
        .findings
        .iter()
        .chain(report.suppressed.iter().map(|(f, _)| f))
        .map(|f| f.fingerprint())
        .collect())
}

/// The scanned paths as they were at a git revision, written into a
/// temporary directory (removed when this is dropped) — never into the
/// user's tree.
pub(crate) struct BaseCheckout {
    pub(crate) input: InputArgs,
    temp: PathBuf,
}

impl BaseCheckout {
    pub(crate) fn new(reference: &str, input: &InputArgs) -> Result<BaseCheckout, String> {
        let first = input
            .paths
            .first()
            .cloned()
            .unwrap_or_else(|| PathBuf::from("."));
        let repo = cloudwright_git::Repo::discover(&first).map_err(|e| e.to_string())?;
        let commit = repo.resolve(reference).map_err(|e| e.to_string())?;
        let work = repo.work_dir.canonicalize().map_err(|e| e.to_string())?;
        let temp = std::env::temp_dir().join(format!(
            "cloudwright-diff-{}-{}",
            std::process::id(),
            commit.hex()
        ));
        let _ = std::fs::remove_dir_all(&temp);
        // the whole tree, so modules in sibling directories (../modules) are there
        repo.checkout_subdir(commit, std::path::Path::new("."), &temp)
            .map_err(|e| e.to_string())?;
        // marked as the repository's top, as the working tree is: what a
        // Terragrunt unit reads above the scanned directory is in reach
        let _ = std::fs::create_dir_all(temp.join(".git"));
        let mut checkout = BaseCheckout {
            input: input.clone(),
            temp: temp.clone(),
        };
        let mut base_paths = Vec::new();
        for path in &input.paths {
            let absolute = path
                .canonicalize()
                .map_err(|e| format!("{}: {e}", path.display()))?;
            if absolute.is_file() {
                return Err(format!(
                    "{}: a base revision compares directories, not plan or state files",
                    path.display()
                ));
            }
            let relative = absolute
                .strip_prefix(&work)
                .map_err(|_| format!("{} is outside the repository", path.display()))?;
            let base = temp.join(relative);
            copy_downloaded_modules(&absolute, &base);
            // a directory the change adds: nothing there at the base
            std::fs::create_dir_all(&base).map_err(|e| format!("{}: {e}", base.display()))?;
            base_paths.push(base);
        }
        checkout.input.paths = base_paths;
        checkout.input.compared = true;
        Ok(checkout)
    }
}

impl Drop for BaseCheckout {
    fn drop(&mut self) {
        let _ = std::fs::remove_dir_all(&self.temp);
    }
}

/// `.terraform/modules` is not committed; the base revision uses the modules
/// downloaded in the working tree, so registry modules evaluate the same —
/// and the configuration files of the modules Terragrunt downloaded
/// (`.terragrunt-cache`, without the providers it also holds).
fn copy_downloaded_modules(from: &std::path::Path, to: &std::path::Path) {
    fn copy_dir(from: &std::path::Path, to: &std::path::Path) {
        let _ = std::fs::create_dir_all(to);
        for entry in std::fs::read_dir(from).into_iter().flatten().flatten() {
            let p = entry.path();
            let target = to.join(entry.file_name());
            match entry.file_type() {
                Ok(t) if t.is_dir() => copy_dir(&p, &target),
                Ok(t) if t.is_file() => {
                    let _ = std::fs::copy(&p, &target);
                }
                _ => {}
            }
        }
    }
    /// The configuration files below `from` (a download of modules, and
    /// of the providers Terraform installed there, which are not copied).
    fn copy_config(from: &std::path::Path, to: &std::path::Path, depth: u32) {
        if depth > 16 {
            return;
        }
        for entry in std::fs::read_dir(from).into_iter().flatten().flatten() {
            let p = entry.path();
            let name = entry.file_name();
            match entry.file_type() {
                Ok(t) if t.is_dir() && name != "providers" => {
                    copy_config(&p, &to.join(&name), depth + 1)
                }
                Ok(t) if t.is_file() => {
                    let text = name.to_string_lossy();
                    let config = [".tf", ".tf.json", ".tofu", ".tofu.json", ".tfvars", ".hcl"]
                        .iter()
                        .any(|x| text.ends_with(x))
                        || text == "modules.json";
                    if config {
                        let _ = std::fs::create_dir_all(to);
                        let _ = std::fs::copy(&p, to.join(&name));
                    }
                }
                _ => {}
            }
        }
    }
    fn walk(dir: &std::path::Path, to: &std::path::Path, depth: u32) {
        if depth > 16 {
            return;
        }
        for entry in std::fs::read_dir(dir).into_iter().flatten().flatten() {
            let name = entry.file_name();
            if !entry.file_type().is_ok_and(|t| t.is_dir()) || name == ".git" {
                continue;
            }
            if name == ".terraform" {
                let modules = entry.path().join("modules");
                if modules.is_dir() {
                    copy_dir(&modules, &to.join(".terraform/modules"));
                }
                continue;
            }
            if name == ".terragrunt-cache" {
                copy_config(&entry.path(), &to.join(&name), 0);
                continue;
            }
            walk(&entry.path(), &to.join(&name), depth + 1);
        }
    }
    walk(from, to, 0);
}
