//! Regenerates `data/managed-policies.tsv.gz`, the documents of AWS's
//! managed policies, from moto's `moto/iam/aws_managed_policies.py` (see
//! `scripts/update-managed-policies.sh`).
//!
//! managed-policies AWS_MANAGED_POLICIES_PY --source "moto 5.2.6" --out FILE

use cloudwright_iam::generator::{write_gz, Args};

fn main() -> std::process::ExitCode {
    cloudwright_iam::generator::exit(run())
}

fn run() -> Result<(), String> {
    let args = Args::parse(
        "managed-policies AWS_MANAGED_POLICIES_PY [--source TEXT] [--out FILE]",
        "moto",
        "crates/cloudwright-iam/data/managed-policies.tsv.gz",
    )?;
    let input = &args.input;
    let text = std::fs::read_to_string(input).map_err(|e| format!("cannot read {input}: {e}"))?;
    let table =
        cloudwright_iam::managed::table(&text, &args.source, &cloudwright_model::date::today_utc())
            .map_err(|e| format!("{input}: {e}"))?;
    write_gz(&args.out, &table)?;
    let policies = table.lines().filter(|l| l.starts_with("P\t")).count();
    println!("wrote {}: {policies} policies", args.out);
    Ok(())
}
