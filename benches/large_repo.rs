//! `cargo bench`: generates a large repository (thousands of code files in
//! several languages, hundreds of spec files full of references) in a
//! temporary directory and measures a full analysis — wall time per run and
//! peak memory. Sizes scale with `DRIFTCHECK_BENCH_SCALE` (default 1).

use std::fmt::Write as _;
use std::fs;
use std::path::Path;
use std::time::Instant;

use driftcheck::config::Config;
use driftcheck::engine;

fn main() {
    let scale: usize = std::env::var("DRIFTCHECK_BENCH_SCALE").ok().and_then(|s| s.parse().ok()).unwrap_or(1);
    let dir = tempfile::TempDir::new().expect("temp dir");
    let started = Instant::now();
    let (files, bytes) = generate(dir.path(), scale);
    println!("generated {files} files, {:.1} MiB in {:.2?}", bytes as f64 / 1048576.0, started.elapsed());
    let mut times = Vec::new();
    for run in 0..3 {
        let config = Config::defaults(dir.path().to_path_buf());
        let started = Instant::now();
        let analysis = engine::analyse(config, &engine::Options::default()).expect("analysis");
        let elapsed = started.elapsed();
        times.push(elapsed);
        let s = &analysis.summary;
        println!(
            "run {run}: {elapsed:.2?} — {} spec files, {} clauses, {} code files, {} symbols, {} links, {} findings",
            s.spec_files,
            s.clauses,
            s.code_files,
            s.symbols,
            s.links,
            analysis.findings.len()
        );
    }
    times.sort();
    println!("median: {:.2?}; peak memory: {}", times[1], peak_memory());
}

fn peak_memory() -> String {
    fs::read_to_string("/proc/self/status")
        .ok()
        .and_then(|status| status.lines().find(|l| l.starts_with("VmHWM:")).map(|l| l[6..].trim().to_string()))
        .unwrap_or_else(|| "unknown".to_string())
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
