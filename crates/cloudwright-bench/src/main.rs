//! Benchmark harness: generates a real-world-shaped Terraform corpus and
//! measures loading it (release build; never run from the test suite).
//!
//! ```sh
//! cargo run --release -p cloudwright-bench -- generate --roots 600 bench/out/corpus
//! cargo run --release -p cloudwright-bench -- load bench/out/corpus
//! ```

#[path = "../../cloudwright-cli/src/alloc.rs"]
mod alloc;

mod corpus;
mod footprint;
mod plan;
mod scaling;

use std::path::{Path, PathBuf};

/// `println!` that ends the harness quietly once standard output is closed
/// (`cloudwright-bench load DIR | head -3`) rather than panicking.
macro_rules! out {
    ($($arg:tt)*) => {{
        use std::io::Write as _;
        if writeln!(std::io::stdout(), $($arg)*).is_err() {
            std::process::exit(0);
        }
    }};
}
use std::time::Instant;

fn usage() -> ! {
    eprintln!(
        "usage:\n  cloudwright-bench generate [--roots N] [--remote-state] DIR   write a corpus (default 600 roots ≈ 10,000 files; with --remote-state, staging and prod read dev's state)\n  cloudwright-bench example-corpus [--copies N] DIR   write N copies of examples/three-tier (default 600 ≈ 9.7 MB, the generated corpus's size, at the density of hand-written configuration)\n  cloudwright-bench load [--repeat N] DIR       load it and report time, throughput and peak memory\n  cloudwright-bench parse [--repeat N] DIR      parse every file without evaluating\n  cloudwright-bench footprint DIR               load it once and estimate the heap bytes each part of the model holds\n  cloudwright-bench rules [--repeat N] DIR      time the load and the scan (best of N each), then each rule alone\n  cloudwright-bench network DIR                 write the exposure-engine network (50 VPCs, 1,000 subnets, 5,000 security groups, 20,000 instances)\n  cloudwright-bench iam-corpus DIR              write the IAM corpus (2,000 roles, 10 policies each)\n  cloudwright-bench iam [--repeat N] DIR        time the IAM escalation analysis on it\n  cloudwright-bench cost [--repeat N] DIR       load once, then time the monthly estimate of every resource\n  cloudwright-bench plan-corpus [--resources N] DIR   write plan.json and terraform.tfstate (default 20,000 resources)\n  cloudwright-bench plan [--repeat N] FILE      load a plan or state file and report time and peak memory\n  cloudwright-bench terragrunt-corpus [--teams N] [--stacks] DIR   write a Terragrunt layout (default 60 teams × 3 environments × 4 units; with --stacks, a stack per team and environment generates the units from blueprints)\n  cloudwright-bench scaling [--repeat N] DIR    write each idiom of the load at 1,000 and 2,000 (a count, a map, files, statements…) and compare their load times: about 2× is linear"
    );
    std::process::exit(2)
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    if args.is_empty() {
        usage();
    }
    let command = args.remove(0);
    let mut number = None;
    let mut dir = None;
    let mut stacks = false;
    let mut remote_state = false;
    let mut rest = args.into_iter();
    while let Some(a) = rest.next() {
        match a.as_str() {
            "--roots" | "--repeat" | "--resources" | "--teams" | "--copies" => {
                number = rest.next().and_then(|n| n.parse::<usize>().ok())
            }
            "--stacks" => stacks = true,
            "--remote-state" => remote_state = true,
            "-h" | "--help" => usage(),
            _ => dir = Some(PathBuf::from(a)),
        }
    }
    let Some(dir) = dir else { usage() };
    match command.as_str() {
        "generate" => {
            let stats = or_exit(corpus::generate(&dir, number.unwrap_or(600), remote_state));
            out!(
                "wrote {} files ({:.1} MB) in {} root modules and {} shared modules to {}",
                stats.files,
                stats.bytes as f64 / 1e6,
                stats.roots,
                stats.shared_modules,
                dir.display()
            );
        }
        "example-corpus" => {
            let example = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../examples/three-tier");
            let stats = or_exit(corpus::copies(&example, &dir, number.unwrap_or(600)));
            out!(
                "wrote {} .tf files ({:.1} MB) in {} copies of examples/three-tier to {}",
                stats.files,
                stats.bytes as f64 / 1e6,
                stats.roots,
                dir.display()
            );
        }
        "terragrunt-corpus" => {
            let stats = or_exit(corpus::generate_terragrunt(
                &dir,
                number.unwrap_or(60),
                stacks,
            ));
            out!(
                "wrote {} files ({:.1} MB) in {} Terragrunt units and {} shared modules to {}",
                stats.files,
                stats.bytes as f64 / 1e6,
                stats.roots,
                stats.shared_modules,
                dir.display()
            );
        }
        "scaling" => scaling(&dir, number.unwrap_or(5)),
        "load" => load(&dir, number.unwrap_or(3)),
        "parse" => parse(&dir, number.unwrap_or(3)),
        "footprint" => footprint(&dir),
        "rules" => rules(&dir, number.unwrap_or(3)),
        "cost" => cost(&dir, number.unwrap_or(3)),
        "iam-corpus" => {
            if let Err(e) = std::fs::create_dir_all(&dir)
                .and_then(|_| std::fs::write(dir.join("main.tf"), include_str!("iam.tf")))
            {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
            out!("wrote {}", dir.join("main.tf").display());
        }
        "iam" => iam(&dir, number.unwrap_or(3)),
        "plan-corpus" => {
            let written = or_exit(plan::generate(&dir, number.unwrap_or(20_000)));
            out!(
                "wrote plan.json ({:.1} MB) and terraform.tfstate ({:.1} MB) to {}",
                written.0 as f64 / 1e6,
                written.1 as f64 / 1e6,
                dir.display()
            );
        }
        "plan" => plan_load(&dir, number.unwrap_or(3)),
        "network" => {
            if let Err(e) = std::fs::create_dir_all(&dir)
                .and_then(|_| std::fs::write(dir.join("main.tf"), include_str!("network.tf")))
            {
                eprintln!("error: {e}");
                std::process::exit(1);
            }
            out!("wrote {}", dir.join("main.tf").display());
        }
        _ => usage(),
    }
}

/// Each idiom of [`scaling::IDIOMS`] loaded at 1,000 and 2,000 (best of
/// `repeat` each), and how much longer the larger took.
fn scaling(dir: &Path, repeat: usize) {
    const N: usize = 1000;
    or_exit(scaling::write(dir, N));
    out!(
        "{:<12} {:>9} {:>9} {:>6}  verdict",
        "idiom",
        "at 1,000",
        "at 2,000",
        "ratio"
    );
    for idiom in scaling::IDIOMS {
        let best = |size: usize| -> f64 {
            let root = dir.join(format!("{}-{size}", idiom.name));
            let mut best = f64::MAX;
            for _ in 0..repeat.max(1) {
                let start = Instant::now();
                let graph = load_corpus(&root);
                best = best.min(start.elapsed().as_secs_f64());
                if graph.has_errors() && idiom.name != "diagnostics" {
                    eprintln!("error: {} did not load cleanly", root.display());
                    std::process::exit(1);
                }
                alloc::freeing(|| drop(graph));
            }
            best
        };
        let (small, large) = (best(N), best(2 * N));
        let ratio = large / small;
        // (timings this small wander by a few tenths)
        let verdict = match (ratio < 2.6, idiom.inherent) {
            (true, _) => "linear",
            (false, true) => "quadratic, as in Terraform: each instance reads all the others",
            (false, false) => "SUPERLINEAR",
        };
        out!(
            "{:<12} {:>7.1}ms {:>7.1}ms {:>6.2}  {verdict} ({})",
            idiom.name,
            small * 1e3,
            large * 1e3,
            ratio,
            idiom.what
        );
    }
}

/// What a generator gives, or its error said and the harness ended.
fn or_exit<T>(result: std::io::Result<T>) -> T {
    result.unwrap_or_else(|e| {
        eprintln!("error: {e}");
        std::process::exit(1)
    })
}

/// The IAM engine's full analysis (principals, policies, escalation
/// paths) on a loaded corpus.
fn iam(dir: &Path, repeat: usize) {
    let start = Instant::now();
    let graph = load_corpus(dir);
    let loaded = start.elapsed().as_secs_f64();
    let roles = graph.of_type("aws_iam_role").count();
    let policies = graph.of_type("aws_iam_role_policy").count();
    let errors: Vec<_> = graph
        .diagnostics
        .iter()
        .filter(|d| d.severity == cloudwright_model::Severity::Error)
        .collect();
    if !errors.is_empty() {
        eprintln!("error: the corpus did not load cleanly: {errors:?}");
        std::process::exit(1);
    }
    let mut best = f64::MAX;
    let mut summary = String::new();
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        let analysis = cloudwright_iam::escalation::analyse(&graph);
        best = best.min(start.elapsed().as_secs_f64());
        let admins = analysis.iter().filter(|a| a.admin_equivalent).count();
        let paths = analysis
            .iter()
            .filter(|a| !a.escalation_paths.is_empty())
            .count();
        summary = format!("{admins} administrator-equivalent, {paths} with an escalation path");
    }
    out!("load:      {loaded:.3} s ({roles} roles, {policies} role policies)");
    out!("analysis:  {best:.3} s best of {repeat} ({summary})");
}

fn load(dir: &Path, repeat: usize) {
    let (files, bytes) = corpus::measure(dir);
    let threads = rayon::current_num_threads();
    let mut best = f64::MAX;
    // of the best run: until the model is assembled (files found, read,
    // parsed, evaluated), then assembling it (one vector, the indexes)
    let mut best_evaluated = 0.0;
    let mut best_cpu = None;
    let mut summary = String::new();
    for run in 0..repeat.max(1) {
        let cpu_start = cpu_seconds();
        let start = Instant::now();
        let (graph, evaluated) = load_corpus_timed(dir);
        let secs = start.elapsed().as_secs_f64();
        let cpu = cpu_seconds().zip(cpu_start).map(|(end, start)| end - start);
        let drop_start = Instant::now();
        if secs < best {
            best = secs;
            best_evaluated = evaluated;
            best_cpu = cpu;
        }
        let errors = graph
            .diagnostics
            .iter()
            .filter(|d| d.severity == cloudwright_model::Severity::Error)
            .count();
        summary = format!(
            "{} resource instances in {} module instances, {} diagnostics ({} errors)",
            graph.resources.len(),
            graph.modules.len(),
            graph.diagnostics.len(),
            errors
        );
        // freed as the load frees its syntax trees (returned at once), so
        // the next run starts from what a fresh process has
        alloc::freeing(|| drop(graph));
        eprintln!("run {}: load {:.3} s (freeing the model afterwards: {:.3} s, skipped by the CLI at exit)", run + 1, secs, drop_start.elapsed().as_secs_f64());
    }
    let mb = bytes as f64 / 1e6;
    out!("corpus:      {files} files, {mb:.1} MB of .tf");
    out!("loaded:      {summary}");
    out!("threads:     {threads}");
    out!("best time:   {best:.3} s");
    out!(
        "  of which:  {best_evaluated:.3} s to find, read, parse and evaluate the files; {:.3} s to assemble the model",
        best - best_evaluated
    );
    out!(
        "throughput:  {:.1} MB/s total, {:.1} MB/s per core",
        mb / best,
        mb / best / threads as f64
    );
    out!(
        "  parse and evaluate (files found and read included, assembly not): {:.1} MB/s per core",
        mb / best_evaluated / threads as f64
    );
    if let Some(cpu) = best_cpu {
        // below 100% the cores waited: on each other, on the disk, or on
        // the parts of the load that run on one thread
        out!(
            "cpu time:    {cpu:.3} s on all threads, the cores {:.0}% busy",
            100.0 * cpu / best / threads as f64
        );
    }
    out!(
        "peak RSS:    {}",
        peak_rss().unwrap_or_else(|| "unavailable".into())
    );
}

/// The CPU time this process's threads have run, user and system, to the
/// nanosecond (`/proc/self/task/*/schedstat`; Linux only). A thread that
/// has exited is no longer counted: the load's threads are the pool's,
/// alive until the process ends.
fn cpu_seconds() -> Option<f64> {
    let mut ns: u64 = 0;
    for task in std::fs::read_dir("/proc/self/task").ok()? {
        let stat = std::fs::read_to_string(task.ok()?.path().join("schedstat")).ok()?;
        ns += stat.split_whitespace().next()?.parse::<u64>().ok()?;
    }
    Some(ns as f64 / 1e9)
}

/// Loading a plan or state file (no configuration beside it).
fn plan_load(file: &Path, repeat: usize) {
    let bytes = std::fs::metadata(file).map(|m| m.len()).unwrap_or(0);
    let mut best = f64::MAX;
    let mut summary = String::new();
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        let graph = cloudwright_terraform::load(&[file.to_path_buf()], &Default::default());
        best = best.min(start.elapsed().as_secs_f64());
        summary = format!(
            "{} resource instances, {} diagnostics",
            graph.resources.len(),
            graph.diagnostics.len()
        );
        alloc::freeing(|| drop(graph));
    }
    let mb = bytes as f64 / 1e6;
    out!("file:        {} ({mb:.1} MB)", file.display());
    out!("loaded:      {summary}");
    out!("best time:   {best:.3} s ({:.1} MB/s)", mb / best);
    out!(
        "peak RSS:    {}",
        peak_rss().unwrap_or_else(|| "unavailable".into())
    );
}

/// Parsing alone (every `.tf` file, in parallel, no evaluation).
fn parse(dir: &std::path::Path, repeat: usize) {
    let paths = corpus::tf_files(dir);
    let bytes: u64 = paths
        .iter()
        .filter_map(|p| std::fs::metadata(p).ok())
        .map(|m| m.len())
        .sum();
    let mut best = f64::MAX;
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        let ok = cloudwright_terraform::load::parse_only(&paths);
        best = best.min(start.elapsed().as_secs_f64());
        assert_eq!(ok, paths.len());
    }
    let mb = bytes as f64 / 1e6;
    let threads = rayon::current_num_threads();
    out!(
        "parse only:  {} files, {mb:.1} MB in {best:.3} s: {:.1} MB/s total, {:.1} MB/s per core",
        paths.len(),
        mb / best,
        mb / best / threads as f64
    );
}

/// Loads a corpus as the CLI does (allocator tuning included).
fn load_corpus(dir: &std::path::Path) -> cloudwright_model::Graph {
    load_corpus_timed(dir).0
}

/// [`load_corpus`], and the seconds it took until the model's assembly
/// began (every file found, read, parsed and evaluated).
fn load_corpus_timed(dir: &std::path::Path) -> (cloudwright_model::Graph, f64) {
    let start = Instant::now();
    let mut evaluated = 0.0;
    let graph = alloc::loading(|assemble| {
        let mut hook = || {
            evaluated = start.elapsed().as_secs_f64();
            assemble();
        };
        cloudwright_terraform::load_with(&[dir.to_path_buf()], &Default::default(), &mut hook)
    });
    (graph, evaluated)
}

/// Peak resident set size of this process (Linux `VmHWM`).
fn peak_rss() -> Option<String> {
    status_mb("VmHWM:").map(|mb| format!("{mb:.0} MB"))
}

/// A memory figure of this process (`VmHWM:`, `VmRSS:` in
/// `/proc/self/status`; Linux only), in MB.
fn status_mb(field: &str) -> Option<f64> {
    let status = std::fs::read_to_string("/proc/self/status").ok()?;
    let line = status.lines().find(|l| l.starts_with(field))?;
    let kb: f64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kb / 1024.0)
}

/// Loads a corpus once and reports the heap bytes each part of the model
/// holds ([`footprint::measure`]) beside the process's resident memory.
fn footprint(dir: &Path) {
    let graph = load_corpus(dir);
    let rss = status_mb("VmRSS:").map_or_else(|| "unavailable".into(), |mb| format!("{mb:.1} MB"));
    let parts = footprint::measure(&graph);
    let total: usize = parts.iter().map(|p| p.bytes).sum();
    out!(
        "{} resource instances, {} module instances; resident after the load: {rss}",
        graph.resources.len(),
        graph.modules.len()
    );
    out!(
        "{:<28} {:>10} {:>10} {:>9}",
        "part",
        "MB",
        "blocks",
        "per res."
    );
    let per = |bytes: usize| bytes as f64 / graph.resources.len().max(1) as f64;
    for (name, part) in footprint::PARTS.iter().zip(parts) {
        out!(
            "{name:<28} {:>10.1} {:>10} {:>9.0}",
            part.bytes as f64 / 1e6,
            part.blocks,
            per(part.bytes)
        );
    }
    out!(
        "{:<28} {:>10.1} {:>10} {:>9.0}",
        "model (estimated)",
        total as f64 / 1e6,
        "",
        per(total)
    );
}

/// Times the rule engine on a loaded corpus: all rules as `scan` runs them
/// (in parallel), then each rule alone, slowest first.
fn cost(dir: &Path, repeat: usize) {
    let start = Instant::now();
    let graph = load_corpus(dir);
    let load = start.elapsed().as_secs_f64();
    let catalogue = cloudwright_cost::Catalogue::embedded();
    let usage = cloudwright_cost::Usage::default();
    let mut best = f64::MAX;
    let mut e = cloudwright_cost::Estimate::default();
    for _ in 0..repeat.max(1) {
        let start = Instant::now();
        e = cloudwright_cost::estimate(&graph, &catalogue, &usage);
        best = best.min(start.elapsed().as_secs_f64());
    }
    let managed = graph
        .resources
        .iter()
        .filter(|r| r.mode == cloudwright_model::Mode::Managed)
        .count();
    out!("load:        {load:.3} s ({managed} managed resources)");
    out!(
        "estimate:    {best:.3} s best of {} ({} priced, {} free, {} unpriced; ${:.2}/month): {:.0} resources/ms",
        repeat.max(1),
        e.resources.len(),
        e.free,
        e.unpriced.len(),
        e.total_monthly_cost,
        managed as f64 / (best * 1000.0)
    );
    std::mem::forget(graph);
}

fn rules(dir: &Path, repeat: usize) {
    // the load, best of `repeat` like the scan below, each run freed as a
    // fresh process would have it
    let mut load = f64::MAX;
    for _ in 1..repeat.max(1) {
        let start = Instant::now();
        let graph = load_corpus(dir);
        load = load.min(start.elapsed().as_secs_f64());
        alloc::freeing(|| drop(graph));
    }
    let start = Instant::now();
    let graph = load_corpus(dir);
    load = load.min(start.elapsed().as_secs_f64());
    let all = cloudwright_rules::all();
    let mut best = f64::MAX;
    let mut findings = 0;
    for _ in 0..repeat.max(1) {
        // every run as cold as a scan's: the network engine's per-thread
        // memo cleared on every worker, the last run's memory returned
        rayon::broadcast(|_| cloudwright_network::topology::forget());
        let start = Instant::now();
        // what `scan --timings` reports as "rules and suppressions"
        let report = cloudwright_scan::scan(&graph, &all, &Default::default());
        best = best.min(start.elapsed().as_secs_f64());
        findings = report.findings.len();
        alloc::freeing(|| drop(report));
    }
    out!(
        "load:        {load:.3} s best of {} ({} resources)",
        repeat.max(1),
        graph.resources.len()
    );
    out!(
        "scan:        {best:.3} s best of {} (rules and suppressions; {} rules, {findings} findings): {:.0}% of the load",
        repeat.max(1),
        all.len(),
        100.0 * best / load
    );
    // the rules that read the network engine share its analysis; without
    // them, what the per-resource rules cost
    let local: Vec<_> = all
        .iter()
        .copied()
        .filter(|r| !r.id.starts_with("CW-AWS-NET-") && r.id != "CW-AWS-VPC-005")
        .collect();
    let start = Instant::now();
    cloudwright_rules::run(&graph, &local);
    out!(
        "without the network-engine rules: {:.3} s ({} rules)",
        start.elapsed().as_secs_f64(),
        local.len()
    );
    if std::env::var_os("CLOUDWRIGHT_BENCH_ALL_ONLY").is_some() {
        std::mem::forget(graph);
        return;
    }
    let mut each: Vec<(f64, &str)> = all
        .iter()
        .map(|rule| {
            let start = Instant::now();
            cloudwright_rules::run(&graph, &[*rule]);
            (start.elapsed().as_secs_f64(), rule.id)
        })
        .collect();
    each.sort_by(|a, b| b.0.total_cmp(&a.0));
    let total: f64 = each.iter().map(|e| e.0).sum();
    out!("one by one:  {total:.3} s in total; slowest:");
    for (secs, id) in each.iter().take(
        if std::env::var_os("CLOUDWRIGHT_BENCH_EVERY_RULE").is_some() {
            usize::MAX
        } else {
            40
        },
    ) {
        out!("  {id:<28} {:.1} ms", secs * 1000.0);
    }
    std::mem::forget(graph);
}
