//! Regenerates `data/managed-policies.tsv.gz`, the documents of AWS's
//! managed policies, from moto's `moto/iam/aws_managed_policies.py` (see
//! `scripts/update-managed-policies.sh`).
//!
//! managed-policies AWS_MANAGED_POLICIES_PY --source "moto 5.2.6" --out FILE

use std::io::Write;

fn main() -> std::process::ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let mut input = None;
    let mut source = String::from("moto");
    let mut out = String::from("crates/cloudwright-iam/data/managed-policies.tsv.gz");
    let mut it = args.iter();
    while let Some(a) = it.next() {
        match a.as_str() {
            "--source" => source = it.next().cloned().unwrap_or_default(),
            "--out" => out = it.next().cloned().unwrap_or_default(),
            other => input = Some(other.to_string()),
        }
    }
    let Some(input) = input else {
        eprintln!("usage: managed-policies AWS_MANAGED_POLICIES_PY [--source TEXT] [--out FILE]");
        return std::process::ExitCode::from(2);
    };
    let fail = |msg: String| {
        eprintln!("error: {msg}");
        std::process::ExitCode::from(2)
    };
    let text = match std::fs::read_to_string(&input) {
        Ok(t) => t,
        Err(e) => return fail(format!("cannot read {input}: {e}")),
    };
    let table = match cloudwright_iam::managed::table(
        &text,
        &source,
        &cloudwright_model::date::today_utc(),
    ) {
        Ok(t) => t,
        Err(e) => return fail(format!("{input}: {e}")),
    };
    let file = match std::fs::File::create(&out) {
        Ok(f) => f,
        Err(e) => return fail(format!("cannot write {out}: {e}")),
    };
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    if let Err(e) = gz
        .write_all(table.as_bytes())
        .and_then(|_| gz.finish().map(|_| ()))
    {
        return fail(format!("cannot write {out}: {e}"));
    }
    let policies = table.lines().filter(|l| l.starts_with("P\t")).count();
    println!("wrote {out}: {policies} policies");
    std::process::ExitCode::SUCCESS
}
