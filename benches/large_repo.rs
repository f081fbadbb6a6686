//! `cargo bench [-- PATH]`: driftcheck's speed and memory beside a floor
//! measured in the same run — tree-sitter parsing every code file with the
//! same grammars, nothing else.
//!
//! Without PATH it generates a large repository (thousands of code files in
//! several languages, hundreds of spec files full of references) in a
//! temporary directory; sizes scale with `DRIFTCHECK_BENCH_SCALE` (default
//! 1; `DRIFTCHECK_BENCH_KEEP=DIR` keeps it in DIR). With PATH it measures
//! that checkout. Each measure runs in a child
//! process of its own, so its peak memory is its own; the median of
//! `DRIFTCHECK_BENCH_RUNS` runs (default 5) is printed.
//!
//! - first run: the index cache deleted, then written;
//! - floor: read and parse every code file, in parallel like driftcheck;
//! - cold: `check --offline --no-cache` (history cached, index not);
//! - warm: `check --offline` again, the index cached;
//! - one spec / one code file: `check --offline PATH`, warm.
//!
//! Then a 50 MB markdown file is checked alone, for memory against its size.

use std::fmt::Write as _;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::{Duration, Instant};

use driftcheck::config::Config;
use driftcheck::discover::{self, Role};
use driftcheck::engine;
use rayon::prelude::*;

/// Set in a child process: which measure to take.
const CHILD: &str = "DRIFTCHECK_BENCH_MEASURE";

/// The allocator `driftcheck` itself runs with (see `src/main.rs`): the
/// measures are taken in this process.
#[global_allocator]
static ALLOCATOR: mimalloc::MiMalloc = mimalloc::MiMalloc;

fn main() {
    // As the binary's `main` does.
    driftcheck::allocator::return_freed_memory_promptly();
    if let Ok(measure) = std::env::var(CHILD) {
        let root = PathBuf::from(std::env::var("DRIFTCHECK_BENCH_ROOT").expect("root"));
        return child(&measure, &root);
    }
    // `cargo bench` passes `--bench`; anything else is the checkout to measure.
    let path = std::env::args().skip(1).find(|arg| !arg.starts_with("--"));
    let runs: usize = std::env::var("DRIFTCHECK_BENCH_RUNS").ok().and_then(|s| s.parse().ok()).unwrap_or(5);
    let generated;
    let root = match path {
        Some(path) => PathBuf::from(path),
        None => {
            let scale: usize = std::env::var("DRIFTCHECK_BENCH_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
            generated = tempfile::TempDir::new().expect("temp dir");
            // `DRIFTCHECK_BENCH_KEEP=DIR` generates into DIR and keeps it, to profile.
            let into = std::env::var("DRIFTCHECK_BENCH_KEEP").map_or(generated.path().to_path_buf(), PathBuf::from);
            let (files, bytes) = generate(&into, scale);
            println!("generated {files} files, {:.1} MiB in {}", bytes as f64 / 1048576.0, into.display());
            into
        }
    };
    let root = root.canonicalize().expect("the checkout exists");
    println!("{} on {} cores", root.display(), std::thread::available_parallelism().map_or(1, |n| n.get()));
    let _ = fs::remove_file(driftcheck::index_cache::cache_path(&root.join(".driftcheck")));
    let first = measure(&root, "warm", 1);
    let floor = measure(&root, "floor", runs);
    let cold = measure(&root, "cold", runs);
    let warm = measure(&root, "warm", runs);
    let (spec, code) = sample_files(&root);
    let one_spec = spec.map(|path| (path.clone(), measure(&root, &format!("one:{path}"), runs)));
    let one_code = code.map(|path| (path.clone(), measure(&root, &format!("one:{path}"), runs)));
    println!();
    println!("| measure (median of {runs}) | time | × floor | target | peak RSS |");
    println!("|---|---:|---:|---|---:|");
    row("first run: the index cache written", &first, &floor, "");
    row("floor: parse every code file", &floor, &floor, "");
    row("cold: `check --offline --no-cache`", &cold, &floor, "≤ 1.5× floor");
    row("warm: `check --offline`", &warm, &floor, "≤ 0.15× floor");
    let one_target = format!("≤ warm + 50 ms = {:.0} ms", (warm.time + Duration::from_millis(50)).as_secs_f64() * 1e3);
    if let Some((path, one)) = &one_spec {
        row(&format!("one spec: `check {path}`"), one, &floor, &one_target);
    }
    if let Some((path, one)) = &one_code {
        row(&format!("one code file: `check {path}`"), one, &floor, &one_target);
    }
    large_markdown(runs.min(3));
}

/// One measure's median time and the largest peak memory of its runs.
struct Measured {
    time: Duration,
    peak_kib: u64,
}

fn measure(root: &Path, what: &str, runs: usize) -> Measured {
    let mut times = Vec::new();
    let mut peak_kib = 0;
    for _ in 0..runs.max(1) {
        let output = Command::new(std::env::current_exe().expect("bench binary"))
            .env(CHILD, what)
            .env("DRIFTCHECK_BENCH_ROOT", root)
            .output()
            .expect("child runs");
        assert!(output.status.success(), "{what}: {}", String::from_utf8_lossy(&output.stderr));
        let text = String::from_utf8_lossy(&output.stdout);
        let mut fields = text.split_whitespace();
        let seconds: f64 = fields.next().and_then(|f| f.parse().ok()).expect("seconds");
        times.push(Duration::from_secs_f64(seconds));
        peak_kib = peak_kib.max(fields.next().and_then(|f| f.parse().ok()).unwrap_or(0));
    }
    times.sort();
    Measured { time: times[times.len() / 2], peak_kib }
}

fn row(name: &str, measured: &Measured, floor: &Measured, target: &str) {
    println!(
        "| {name} | {:.0} ms | {:.2} | {target} | {:.0} MiB |",
        measured.time.as_secs_f64() * 1e3,
        measured.time.as_secs_f64() / floor.time.as_secs_f64(),
        measured.peak_kib as f64 / 1024.0
    );
}

/// In the child: takes one measure and prints `seconds peak-KiB`.
fn child(measure: &str, root: &Path) {
    let started = Instant::now();
    match measure {
        "floor" => parse_everything(root),
        "cold" => analyse(root, engine::Options { offline: true, no_cache: true, ..Default::default() }),
        "warm" => analyse(root, engine::Options { offline: true, ..Default::default() }),
        one => {
            let path = one.strip_prefix("one:").expect("a known measure").to_string();
            analyse(root, engine::Options { offline: true, scope: vec![path], ..Default::default() })
        }
    }
    println!("{} {}", started.elapsed().as_secs_f64(), peak_kib());
}

fn config(root: &Path) -> Config {
    let file = root.join("driftcheck.toml");
    match file.is_file() {
        true => Config::load(&file).expect("driftcheck.toml loads"),
        false => Config::defaults(root.to_path_buf()),
    }
}

fn analyse(root: &Path, options: engine::Options) {
    let analysis = engine::analyse(config(root), &options).expect("analysis");
    std::hint::black_box(analysis.findings.len());
    // As `driftcheck check` ends a run.
    analysis.discard();
}

/// The floor: find the code files as driftcheck does, read them and parse
/// each with its grammar, in parallel; nothing is kept.
fn parse_everything(root: &Path) {
    let config = config(root);
    let found = discover::discover(&config);
    let parsed = found
        .candidates
        .into_par_iter()
        .filter(|candidate| candidate.role == Role::Code)
        .filter_map(|candidate| {
            discover::read_text(&candidate, config.max_file_size).ok().map(|text| (candidate, text))
        })
        .filter(|(candidate, text)| driftcheck::code::parse_only(&candidate.path, text))
        .count();
    std::hint::black_box(parsed);
}

/// A spec and a code file to check alone: the largest of each, by bytes.
fn sample_files(root: &Path) -> (Option<String>, Option<String>) {
    let found = discover::discover(&config(root));
    let largest = |role: Role| {
        found
            .candidates
            .iter()
            .filter(|c| c.role == role && (role == Role::Spec || driftcheck::code::language_for(&c.path).is_some()))
            .max_by_key(|c| (c.size, std::cmp::Reverse(c.path.clone())))
            .map(|c| c.path.clone())
    };
    (largest(Role::Spec), largest(Role::Code))
}

/// A 50 MB markdown file in a repository of its own, the size limit raised.
fn large_markdown(runs: usize) {
    let dir = tempfile::TempDir::new().expect("temp dir");
    let mut text = String::with_capacity(52 << 20);
    let mut section = 0;
    while text.len() < 50 << 20 {
        let _ = write!(
            text,
            "## Section {section}\n\nThe `Engine{section}::start` call opens [the log](logs/{section}.md) and `retry_{section}()`.\n\n\
             - item with `value_{section}` and **bold** text\n  - nested `inner_{section}`\n\n\
             | a | b |\n|---|---|\n| `cell_{section}` | text |\n\n```rust\nlet x = Engine{section}::start();\n```\n\n"
        );
        section += 1;
    }
    fs::write(dir.path().join("driftcheck.toml"), "max_file_size = 104857600\n").expect("config");
    fs::write(dir.path().join("big.md"), &text).expect("markdown");
    fs::write(dir.path().join("lib.rs"), "pub fn start() {}\n").expect("code");
    let measured = measure(dir.path(), "warm", runs);
    println!();
    println!(
        "50 MB markdown file ({:.1} MiB): {:.0} ms, peak RSS {:.0} MiB = {:.1}× the file (target ≤ 10×)",
        text.len() as f64 / 1048576.0,
        measured.time.as_secs_f64() * 1e3,
        measured.peak_kib as f64 / 1024.0,
        measured.peak_kib as f64 * 1024.0 / text.len() as f64
    );
}

fn peak_kib() -> u64 {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| {
            let line = status.lines().find(|l| l.starts_with("VmHWM:"))?;
            line[6..].trim().trim_end_matches("kB").trim().parse().ok()
        })
        .unwrap_or(0)
}

/// Writes the repository; returns file count and bytes.
fn generate(root: &Path, scale: usize) -> (usize, usize) {
    let mut files = 0;
    let mut bytes = 0;
    let mut write = |path: String, text: String| {
        let full = root.join(&path);
        fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        bytes += text.len();
        files += 1;
        fs::write(full, text).expect("write");
    };
    for module in 0..1500 * scale {
        write(format!("crates/core/src/m{}/mod{module}.rs", module % 40), rust_file(module));
    }
    for module in 0..600 * scale {
        write(format!("services/py/pkg{}/mod{module}.py", module % 20), python_file(module));
    }
    for module in 0..600 * scale {
        write(format!("web/src/feature{}/comp{module}.ts", module % 20), typescript_file(module));
    }
    for module in 0..300 * scale {
        write(format!("go/internal/p{}/file{module}.go", module % 10), go_file(module));
    }
    for spec in 0..300 * scale {
        write(format!("docs/area{}/spec{spec}.md", spec % 12), spec_file(spec));
    }
    (files, bytes)
}

fn rust_file(n: usize) -> String {
    let mut text = format!("//! Module {n}.\nuse std::collections::HashMap;\n\npub const LIMIT_{n}: usize = {n};\n\n");
    let _ = write!(text, "pub struct Service{n} {{\n    pub name: String,\n    cache: HashMap<String, u64>,\n}}\n\n");
    let _ = write!(text, "pub enum State{n} {{ Idle, Running {{ since: u64 }}, Failed(String) }}\n\n");
    let _ = writeln!(text, "impl Service{n} {{");
    for m in 0..12 {
        let _ = write!(
            text,
            "    /// Handles step {m}.\n    pub fn handle_{m}(&mut self, key: &str, value: u64) -> Option<u64> {{\n        let entry = self.cache.entry(key.to_string()).or_insert(0);\n        *entry += value * {m};\n        if *entry > LIMIT_{n} as u64 {{ return None; }}\n        Some(*entry)\n    }}\n\n"
        );
    }
    text.push_str("}\n");
    text
}

fn python_file(n: usize) -> String {
    let mut text = format!(
        "\"\"\"Module {n}.\"\"\"\nimport json\n\nMAX_ITEMS_{n} = {n}\n\n\nclass Worker{n}:\n    timeout = 30\n\n"
    );
    for m in 0..10 {
        let _ = write!(text, "    def process_{m}(self, payload, retries=3):\n        data = json.dumps(payload)\n        return len(data) + retries * {m}\n\n");
    }
    text
}

fn typescript_file(n: usize) -> String {
    let mut text = format!("export const DEFAULT_SIZE_{n} = {n};\n\nexport interface Props{n} {{ id: string; size: number }}\n\nexport class Store{n} {{\n");
    for m in 0..10 {
        let _ = write!(text, "  async load{m}(id: string): Promise<number> {{\n    const items = await Promise.all([id].map(async (x) => x.length));\n    return items[0] + {m};\n  }}\n");
    }
    text.push_str("}\n");
    text
}

fn go_file(n: usize) -> String {
    let mut text = format!(
        "package p{}\n\nimport \"context\"\n\nconst MaxConns{n} = {n}\n\ntype Pool{n} struct {{\n\tSize int\n}}\n\n",
        n % 10
    );
    for m in 0..8 {
        let _ = write!(
            text,
            "func (p *Pool{n}) Acquire{m}(ctx context.Context, n int) int {{\n\treturn p.Size + n + {m}\n}}\n\n"
        );
    }
    text
}

fn spec_file(n: usize) -> String {
    let mut text = format!("# Area {n}\n\n");
    for section in 0..8 {
        let module = (n * 8 + section) % 1500;
        let _ = write!(
            text,
            "## Behaviour {section}\n\n`Service{module}::handle_{section}` MUST return `None` above `LIMIT_{module}`.\n\n\
             - The worker `Worker{py}.process_{section}` uses `json.dumps` and retries (`--retries 3`).\n\
             - See [the module](../../crates/core/src/m{dir}/mod{module}.rs#L1-L20) and `State{module}::Running`.\n\
             - `Store{ts}.load{section}()` resolves with `Promise.all`; `Pool{go}.Acquire{section}` takes a `context.Context`.\n\
             - Old name `Service{module}::handle_old_{section}` is gone.\n\n\
             ```rust\nlet s = Example::new();\n```\n\n",
            py = module % 600,
            ts = module % 600,
            go = module % 300,
            dir = module % 40,
        );
    }
    text
}
