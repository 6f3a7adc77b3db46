//! `cloudwright cost`, `cost diff` and `pricing`: wiring only.

use crate::{
    check_formats, emit, fail, finish, load_reporting, split_output, BaseCheckout, InputArgs,
    EXIT_FINDINGS, EXIT_OK,
};
use clap::{Args, Subcommand};
use cloudwright_cost::diff::Threshold;
use cloudwright_cost::{Catalogue, Usage};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

#[derive(Args)]
#[command(args_conflicts_with_subcommands = true)]
pub(crate) struct CostCommand {
    #[command(subcommand)]
    diff: Option<CostSubcommand>,
    #[command(flatten)]
    args: CostArgs,
}

#[derive(Subcommand)]
enum CostSubcommand {
    /// What a change costs: `cost diff BASE HEAD` (two directories or two
    /// plan files), `cost diff plan.json` (one plan: from the state it
    /// starts from), or `cost diff --base REF [PATH]` against a git revision.
    Diff(CostDiffArgs),
}

#[derive(Args)]
struct PricingInputs {
    /// A usage file for usage-based components (default:
    /// cloudwright-usage.yml or infracost-usage.yml beside the first path).
    #[arg(long = "usage-file", value_name = "FILE")]
    usage_file: Option<PathBuf>,
    /// A pricing catalogue to use over the shipped one (default: the one
    /// `cloudwright pricing update` wrote, when there is one).
    #[arg(long = "catalogue", value_name = "FILE")]
    catalogue: Option<PathBuf>,
}

#[derive(Args)]
struct CostArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    pricing: PricingInputs,
    /// Output: text, json, csv or markdown, optionally FORMAT=FILE; may repeat.
    #[arg(short = 'o', long = "output", default_value = "text")]
    outputs: Vec<String>,
}

#[derive(Args)]
struct CostDiffArgs {
    #[command(flatten)]
    input: InputArgs,
    #[command(flatten)]
    pricing: PricingInputs,
    /// Compare against this git revision (a branch, tag, full hash,
    /// HEAD~1 …) instead of a BASE path.
    #[arg(long = "base", value_name = "REF")]
    base: Option<String>,
    /// Exit 1 when the monthly cost grows by more than this: an amount
    /// (`200`) or a percentage (`10%`).
    #[arg(long = "fail-above", value_name = "AMOUNT|PERCENT")]
    fail_above: Option<String>,
    /// Output: text, json or markdown (the pull-request comment),
    /// optionally FORMAT=FILE; may repeat.
    #[arg(short = 'o', long = "output", default_value = "text")]
    outputs: Vec<String>,
}

#[derive(Subcommand)]
pub(crate) enum PricingAction {
    /// What the catalogue covers: services, regions, records, dates and sources.
    Info {
        /// A catalogue file to describe instead of the one in use.
        #[arg(long = "catalogue", value_name = "FILE")]
        catalogue: Option<PathBuf>,
    },
    /// Read the AWS Price List bulk files and write a catalogue that
    /// `cost` then uses over the shipped prices. The only command that
    /// uses the network, and only when --from is a URL.
    Update {
        /// The Price List: a base URL, or a directory holding the same
        /// paths (`DIR/offers/v1.0/aws/index.json`).
        #[arg(
            long = "from",
            default_value = "https://pricing.us-east-1.amazonaws.com"
        )]
        from: String,
        /// Regions to read; may repeat.
        #[arg(long = "region", default_values_t = ["us-east-1".to_string(), "us-west-2".to_string(), "eu-west-1".to_string(), "eu-central-1".to_string()])]
        regions: Vec<String>,
        /// Services (offer codes) to read; may repeat (default: all that
        /// the catalogue refreshes).
        #[arg(long = "service", value_name = "OFFER_CODE")]
        services: Vec<String>,
        /// Offer file form: csv or json.
        #[arg(long = "format", default_value = "csv")]
        format: String,
        /// Where to write (default: the user catalogue `cost` reads).
        #[arg(long = "out", value_name = "FILE")]
        out: Option<PathBuf>,
    },
}

/// Where `pricing update` writes and `cost` reads the updated catalogue.
fn user_catalogue() -> Option<PathBuf> {
    let base = std::env::var_os("XDG_DATA_HOME")
        .map(PathBuf::from)
        .or_else(|| std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share")))?;
    Some(base.join("cloudwright/pricing.tsv"))
}

pub(crate) fn catalogue(explicit: Option<&Path>) -> Result<Catalogue, String> {
    let shipped = Catalogue::embedded();
    let extra = match explicit {
        Some(p) => Some(p.to_path_buf()),
        None => user_catalogue().filter(|p| p.is_file()),
    };
    match extra {
        Some(path) => {
            let newer = Catalogue::read(&path).map_err(|e| {
                format!("{e}\n  help: fix or remove the file, or run `cloudwright pricing update` again")
            })?;
            Ok(shipped.overlay(newer))
        }
        None => Ok(shipped),
    }
}

pub(crate) fn usage(explicit: Option<&Path>, paths: &[PathBuf]) -> Result<Usage, String> {
    if let Some(p) = explicit {
        return Usage::read(p);
    }
    let dir = paths
        .first()
        .map(|p| {
            if p.is_dir() {
                p.clone()
            } else {
                cloudwright_terraform::load::directory_of(p)
            }
        })
        .unwrap_or_else(|| PathBuf::from("."));
    for name in cloudwright_cost::usage::FILE_NAMES {
        let candidate = dir.join(name);
        if candidate.is_file() {
            return Usage::read(&candidate);
        }
    }
    Ok(Usage::default())
}

pub(crate) fn run(command: CostCommand) -> ExitCode {
    match command.diff {
        Some(CostSubcommand::Diff(args)) => diff(args),
        None => estimate(command.args),
    }
}

fn estimate(args: CostArgs) -> ExitCode {
    if let Err(e) = check_formats(&args.outputs, &["text", "json", "csv", "markdown"], "cost") {
        return fail(e);
    }
    let catalogue = match catalogue(args.pricing.catalogue.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let usage = match usage(args.pricing.usage_file.as_deref(), &args.input.paths) {
        Ok(u) => u,
        Err(e) => return fail(e),
    };
    let graph = load_reporting(&args.input);
    let estimate = cloudwright_cost::estimate(&graph, &catalogue, &usage);
    for spec in &args.outputs {
        let (format, file) = split_output(spec);
        let written = emit(file, |w| match format {
            "json" => cloudwright_output::cost::write_json(&estimate, w),
            "csv" => cloudwright_output::cost::write_csv(&estimate, w),
            "markdown" => cloudwright_output::cost::write_markdown(&estimate, w),
            _ => cloudwright_output::cost::write_text(&estimate, w),
        });
        if let Err(e) = written {
            return fail(e);
        }
    }
    finish(graph)
}

fn diff(args: CostDiffArgs) -> ExitCode {
    if let Err(e) = check_formats(&args.outputs, &["text", "json", "markdown"], "cost diff") {
        return fail(e);
    }
    let threshold = match args.fail_above.as_deref().map(Threshold::parse).transpose() {
        Ok(t) => t,
        Err(e) => return fail(e),
    };
    let catalogue = match catalogue(args.pricing.catalogue.as_deref()) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    // BASE HEAD, or --base REF with the head's paths
    let (base_input, head_input, _checkout) =
        match (&args.base, args.input.paths.len()) {
            (Some(reference), _) => match BaseCheckout::new(reference, &args.input) {
                Ok(c) => (c.input.clone(), args.input.clone(), Some(c)),
                Err(e) => return fail(e),
            },
            (None, 2) => {
                let one = |p: &PathBuf| InputArgs {
                    paths: vec![p.clone()],
                    ..args.input.clone()
                };
                (one(&args.input.paths[0]), one(&args.input.paths[1]), None)
            }
            (None, _) => match args.input.plan_change() {
                // one plan: the change it makes to the state it starts from
                Some((base, head)) => (base, head, None),
                None => return fail(
                "cost diff needs BASE and HEAD (two directories or two plan files), one plan file, or --base REF"
                    .into(),
                ),
            },
        };
    let usage = match usage(args.pricing.usage_file.as_deref(), &head_input.paths) {
        Ok(u) => u,
        Err(e) => return fail(e),
    };
    let base_graph = load_reporting(&base_input.compared());
    let head_graph = load_reporting(&head_input.compared());
    let mut base = cloudwright_cost::estimate(&base_graph, &catalogue, &usage);
    let mut head = cloudwright_cost::estimate(&head_graph, &catalogue, &usage);
    // what the head moves (`moved` blocks, a plan's `previous_address`)
    // is the same resource under its new address
    let moves = head_graph.moves();
    if !moves.is_empty() {
        base.renamed(|root, address| match moves.get(root) {
            Some(m) => cloudwright_model::moved_address(m, address),
            None => address.to_string(),
        });
    }
    // what the head could not read (a syntax error) is not removed
    let partly_read = head_graph.partly_read();
    cloudwright_cost::keep_unread(&base, &mut head, |root, address| {
        cloudwright_model::Graph::unread_in(&partly_read, root, address)
    });
    let d = cloudwright_cost::diff(&base, &head);
    for spec in &args.outputs {
        let (format, file) = split_output(spec);
        let written = emit(file, |w| match format {
            "json" => cloudwright_output::cost::write_diff_json(&d, w),
            "markdown" => cloudwright_output::cost::write_diff_markdown(&d, w),
            _ => cloudwright_output::cost::write_diff_text(&d, w),
        });
        if let Err(e) = written {
            return fail(e);
        }
    }
    if base_graph.has_errors() || head_graph.has_errors() {
        std::mem::forget(base_graph);
        return finish(head_graph);
    }
    std::mem::forget(base_graph);
    std::mem::forget(head_graph);
    if threshold.is_some_and(|t| t.exceeded(&d)) {
        eprintln!(
            "cost increase {} is above --fail-above {}",
            cloudwright_output::cost::signed(d.delta),
            args.fail_above.unwrap_or_default()
        );
        return ExitCode::from(EXIT_FINDINGS);
    }
    ExitCode::from(EXIT_OK)
}

pub(crate) fn pricing(action: PricingAction) -> ExitCode {
    match action {
        PricingAction::Info { catalogue: path } => {
            let c = match catalogue(path.as_deref()) {
                Ok(c) => c,
                Err(e) => return fail(e),
            };
            println!("Pricing catalogue: {} prices", c.records().len());
            for o in &c.origins {
                println!("  {} ({} prices)", o.name, o.records);
            }
            if let Some(p) = user_catalogue() {
                let state = if p.is_file() {
                    "in use"
                } else {
                    "not written yet"
                };
                println!("  updated catalogue: {} ({state})", p.display());
            }
            println!();
            println!(
                "{:<24} {:>7}  {:<22} {:<23} source",
                "service", "prices", "effective", "regions"
            );
            for cov in c.coverage() {
                let regions: Vec<&str> = cov.regions.iter().map(String::as_str).collect();
                let dates = if cov.oldest == cov.newest {
                    cov.oldest.clone()
                } else {
                    format!("{}..{}", cov.oldest, cov.newest)
                };
                let sources: Vec<&str> = cov.sources.iter().map(String::as_str).collect();
                println!(
                    "{:<24} {:>7}  {:<22} {:<23} {}",
                    cov.service,
                    cov.records,
                    dates,
                    regions.join(","),
                    sources.join(", ")
                );
            }
            println!();
            println!(
                "{} resource types priced, {} known to be free; the rest are listed as not priced.",
                cloudwright_cost::components::PRICED.len(),
                cloudwright_cost::components::FREE.len()
            );
            ExitCode::from(EXIT_OK)
        }
        PricingAction::Update {
            from,
            regions,
            services,
            format,
            out,
        } => {
            let format = match format.as_str() {
                "csv" => cloudwright_cost::update::Format::Csv,
                "json" => cloudwright_cost::update::Format::Json,
                other => return fail(format!("--format {other:?}: use csv or json")),
            };
            let Some(target) = out.or_else(user_catalogue) else {
                return fail("no --out and no HOME to write the catalogue under".into());
            };
            let source = cloudwright_cost::update::Source::parse(&from);
            let options = cloudwright_cost::update::UpdateOptions {
                regions,
                format,
                services,
            };
            let updated = match cloudwright_cost::update::update(&source, &options) {
                Ok(u) => u,
                Err(e) => return fail(format!("{e}\n  the catalogue in use is unchanged")),
            };
            for line in &updated.files {
                println!("{line}");
            }
            for d in &updated.dropped {
                eprintln!("warning: several prices for one selection, dropped: {d}");
            }
            if let Err(e) = cloudwright_cost::update::write_catalogue(&updated.records, &target) {
                return fail(format!("{e}\n  the catalogue in use is unchanged"));
            }
            println!(
                "wrote {} prices to {}",
                updated.records.len(),
                target.display()
            );
            ExitCode::from(EXIT_OK)
        }
    }
}
