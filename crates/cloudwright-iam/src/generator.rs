//! What the generators of the bundled tables share (`src/bin`): their
//! command line and how they write a table.

use std::io::Write;

/// `GENERATOR INPUT [--source TEXT] [--out FILE]`.
pub struct Args {
    pub input: String,
    pub source: String,
    pub out: String,
}

impl Args {
    /// The process's arguments, with the defaults given; `Err` with the
    /// usage line when the input is missing.
    pub fn parse(usage: &str, source: &str, out: &str) -> Result<Args, String> {
        let mut input = None;
        let (mut source, mut out) = (source.to_string(), out.to_string());
        let mut it = std::env::args().skip(1);
        while let Some(a) = it.next() {
            match a.as_str() {
                "--source" => source = it.next().unwrap_or_default(),
                "--out" => out = it.next().unwrap_or_default(),
                _ => input = Some(a),
            }
        }
        let input = input.ok_or_else(|| format!("usage: {usage}"))?;
        Ok(Args { input, source, out })
    }
}

/// Writes a table gzip-compressed (best compression: it is embedded in
/// the binary).
pub fn write_gz(out: &str, table: &str) -> Result<(), String> {
    let file = std::fs::File::create(out).map_err(|e| format!("cannot write {out}: {e}"))?;
    let mut gz = flate2::write::GzEncoder::new(file, flate2::Compression::best());
    gz.write_all(table.as_bytes())
        .and_then(|_| gz.finish().map(|_| ()))
        .map_err(|e| format!("cannot write {out}: {e}"))
}

/// A generator's exit: success, or the error said and exit code 2.
pub fn exit(result: Result<(), String>) -> std::process::ExitCode {
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("error: {e}");
            std::process::ExitCode::from(2)
        }
    }
}
