//! The `cloudwright` command line: parses arguments, wires loader → engines →
//! renderers, decides exit codes. No analysis happens here.

use clap::{Args, Parser, Subcommand};
use cloudwright_model::Graph;
use cloudwright_terraform::LoadOptions;
use std::io::Write;
use std::path::PathBuf;
use std::process::ExitCode;

/// Loading allocates many small values; mimalloc frees and reuses them far
/// faster than the system allocator (measured in docs/benchmarks.md).
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

/// Exit codes (documented in README "Exit codes").
const EXIT_OK: u8 = 0;
const EXIT_INPUT: u8 = 2;

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
    /// Print every resource instance Cloudwright understood, with evaluated
    /// attributes, unknowns, locations and references.
    Resources(ResourcesArgs),
}

#[derive(Args, Clone)]
struct InputArgs {
    /// Directories (root modules are found below them), `.tf` files, or
    /// `terraform show -json` plan / state files.
    #[arg(default_value = ".")]
    paths: Vec<PathBuf>,
    /// Set a root-module variable (`name=value`); may repeat.
    #[arg(long = "var", value_name = "NAME=VALUE")]
    vars: Vec<String>,
    /// Read variables from a .tfvars or .tfvars.json file; may repeat.
    #[arg(long = "var-file", value_name = "FILE")]
    var_files: Vec<PathBuf>,
    /// Skip paths matching this glob (relative to the scanned directory); may repeat.
    #[arg(long = "exclude", value_name = "GLOB")]
    excludes: Vec<String>,
}

#[derive(Args)]
struct ResourcesArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Output format: `text` or `json`, optionally `FORMAT=FILE`; may repeat.
    #[arg(short = 'o', long = "output", default_value = "text")]
    outputs: Vec<String>,
}

fn main() -> ExitCode {
    let cli = Cli::parse();
    match cli.command {
        Command::Resources(args) => resources(args),
    }
}

fn load(input: &InputArgs) -> Graph {
    let options = LoadOptions {
        var_files: input.var_files.clone(),
        vars: input.vars.clone(),
        excludes: input.excludes.clone(),
        env_vars: std::env::vars()
            .filter_map(|(k, v)| k.strip_prefix("TF_VAR_").map(|name| (name.to_string(), v)))
            .collect(),
    };
    cloudwright_terraform::load(&input.paths, &options)
}

/// `FORMAT` or `FORMAT=FILE`.
fn split_output(spec: &str) -> (&str, Option<&str>) {
    match spec.split_once('=') {
        Some((format, file)) => (format, Some(file)),
        None => (spec, None),
    }
}

/// Runs a renderer against a file or stdout, buffered.
fn emit(
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
    let graph = load(&args.input);
    for spec in &args.outputs {
        let (format, file) = split_output(spec);
        let written = match format {
            "json" => emit(file, |w| {
                cloudwright_output::resources::write_json(&graph, w)
            }),
            _ => emit(file, |w| {
                cloudwright_output::resources::write_text(&graph, w)
            }),
        };
        if let Err(e) = written {
            eprintln!("error: {e}");
            return ExitCode::from(EXIT_INPUT);
        }
    }
    let code = if graph.has_errors() {
        EXIT_INPUT
    } else {
        EXIT_OK
    };
    // The process ends here: freeing a large model piece by piece would only
    // cost time (a tenth of a second per 60,000 resources).
    std::mem::forget(graph);
    ExitCode::from(code)
}
