//! `cloudwright review`: wiring only.

use crate::{
    check_formats, emit, fail, load_reporting, split_output, BaseCheckout, InputArgs,
    EXIT_FINDINGS, EXIT_INPUT, EXIT_OK,
};
use clap::Args;
use cloudwright_review::{Condition, ReviewOptions};
use std::path::PathBuf;
use std::process::ExitCode;

#[derive(Args)]
pub(crate) struct ReviewArgs {
    #[command(flatten)]
    input: InputArgs,
    /// Review only what changed since this git revision (a branch, tag,
    /// full hash, HEAD~1, origin/main …), read without running git.
    #[arg(long = "base", value_name = "REF")]
    base: Option<String>,
    /// Output: text, json or markdown (the pull-request comment),
    /// optionally FORMAT=FILE; may repeat.
    #[arg(short = 'o', long = "output", default_value = "text")]
    outputs: Vec<String>,
    /// Exit 1 when one of these holds (comma-separated or repeated):
    /// severity>=LEVEL, new-exposure, new-escalation, cost-increase>AMOUNT
    /// (or >PERCENT%), resilience-regression. On a change review they ask
    /// about what the change introduced.
    #[arg(long = "fail-on", value_name = "CONDITIONS")]
    fail_on: Vec<String>,
    /// Use this cloudwright.toml instead of the one found by walking up.
    #[arg(long)]
    config: Option<PathBuf>,
    /// A usage file for usage-based costs (default: cloudwright-usage.yml
    /// or infracost-usage.yml beside the first path).
    #[arg(long = "usage-file", value_name = "FILE")]
    usage_file: Option<PathBuf>,
}

pub(crate) fn run(args: ReviewArgs) -> ExitCode {
    if let Err(e) = check_formats(&args.outputs, &["text", "json", "markdown"], "review") {
        return fail(e);
    }
    let conditions = match Condition::parse_all(&args.fail_on) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let config = match crate::config_for(args.config.as_ref(), &args.input.paths) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let mut input = args.input.clone();
    input.excludes.extend(config.scan.exclude.iter().cloned());
    input
        .terragrunt_source_map
        .extend(config.terragrunt_source_map());
    let scan_options = config.scan_options();
    let rules = match cloudwright_scan::select_rules(&scan_options) {
        Ok(r) => r,
        Err(e) => return fail(e),
    };
    let catalogue = match crate::cost::catalogue(None) {
        Ok(c) => c,
        Err(e) => return fail(e),
    };
    let usage = match crate::cost::usage(args.usage_file.as_deref(), &input.paths) {
        Ok(u) => u,
        Err(e) => return fail(e),
    };
    let options = ReviewOptions {
        scan: &scan_options,
        rules: &rules,
        catalogue: &catalogue,
        usage: &usage,
    };
    let shown = input
        .paths
        .iter()
        .map(|p| p.display().to_string())
        .collect::<Vec<_>>()
        .join(" ");
    if args.base.is_none() && input.paths.len() == 2 {
        // review BASE HEAD: two directories or two plan files
        let one = |p: &PathBuf| InputArgs {
            paths: vec![p.clone()],
            ..input.clone()
        };
        let (base, head) = (one(&input.paths[0]), one(&input.paths[1]));
        return change(&base, &head, &options, &args.outputs, &conditions);
    }
    if args.base.is_none() {
        // one plan is a change: from the state it starts from to its
        // planned values
        if let Some((base, head)) = input.plan_change() {
            return change(&base, &head, &options, &args.outputs, &conditions);
        }
    }
    let Some(reference) = &args.base else {
        // the whole tree
        let graph = load_reporting(&input);
        let review = cloudwright_review::review(&graph, &options);
        for spec in &args.outputs {
            let (format, file) = split_output(spec);
            let written = emit(file, |w| match format {
                "json" => cloudwright_output::review::write_json(&graph, &review, w),
                "markdown" => {
                    cloudwright_output::review::write_markdown(&graph, &shown, &review, w)
                }
                _ => cloudwright_output::review::write_text(&graph, &shown, &review, w),
            });
            if let Err(e) = written {
                return fail(e);
            }
        }
        let met: Vec<String> = conditions
            .iter()
            .filter_map(|c| c.met_by_tree(&review))
            .collect();
        return exit(graph.has_errors(), &met);
    };
    let checkout = match BaseCheckout::new(reference, &input) {
        Ok(c) => c,
        Err(e) => return fail(format!("--base {reference}: {e}")),
    };
    change(
        &checkout.input,
        &input,
        &options,
        &args.outputs,
        &conditions,
    )
}

fn exit(input_errors: bool, met: &[String]) -> ExitCode {
    for m in met {
        eprintln!("--fail-on: {m}");
    }
    if input_errors {
        ExitCode::from(EXIT_INPUT)
    } else if met.is_empty() {
        ExitCode::from(EXIT_OK)
    } else {
        ExitCode::from(EXIT_FINDINGS)
    }
}

/// The change review of two inputs: loaded, reviewed, compared.
fn change(
    base_input: &InputArgs,
    head_input: &InputArgs,
    options: &ReviewOptions<'_>,
    outputs: &[String],
    conditions: &[Condition],
) -> ExitCode {
    let base_graph = load_reporting(&base_input.compared());
    let head_graph = load_reporting(&head_input.compared());
    let base = cloudwright_review::review(&base_graph, options);
    let head = cloudwright_review::review(&head_graph, options);
    let c = cloudwright_review::compare(&base, &head);
    for spec in outputs {
        let (format, file) = split_output(spec);
        let written = emit(file, |w| match format {
            "json" => {
                cloudwright_output::review::write_change_json(&base_graph, &head_graph, &c, w)
            }
            "markdown" => {
                cloudwright_output::review::write_change_markdown(&base_graph, &head_graph, &c, w)
            }
            _ => cloudwright_output::review::write_change_text(&base_graph, &head_graph, &c, w),
        });
        if let Err(e) = written {
            return fail(e);
        }
    }
    let met: Vec<String> = conditions
        .iter()
        .filter_map(|x| x.met_by_change(&c))
        .collect();
    exit(base_graph.has_errors() || head_graph.has_errors(), &met)
}
