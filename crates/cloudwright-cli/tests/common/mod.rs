//! Helpers shared by the end-to-end tests: run the built binary from the
//! repository root, read its output.

use std::path::PathBuf;
use std::process::{Command, Output};

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

/// Runs `cloudwright ARGS` in the repository root, without a `TF_VAR_region`
/// from the environment so variable defaults are what the example says.
pub fn run(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_cloudwright"))
        .args(args)
        .current_dir(repo())
        .env_remove("TF_VAR_region")
        .output()
        .expect("run cloudwright")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8(o.stdout.clone()).unwrap()
}
