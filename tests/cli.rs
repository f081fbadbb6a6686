//! The real binary on small temporary repositories: exit codes, formats,
//! configuration errors, narrowing, skipped files.

mod common;

use std::fs;

use common::{check_json as json, commit_all, driftcheck, field, git, repo, write};
use serde_json::Value;

const CODE: &str = "pub struct Client;\nimpl Client {\n    pub fn retry_with_backoff(&self, attempts: u32) {}\n}\npub const MAX_RETRIES: u32 = 5;\n";

#[test]
fn clean_repository_exits_zero() {
    let dir = repo(&[
        ("src/net.rs", CODE),
        ("specs/net.md", "# Retries\n\n`Client::retry_with_backoff` retries up to `MAX_RETRIES` times.\n"),
    ]);
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(report["schema"], "driftcheck/report/v1");
    assert_eq!(report["summary"]["links"], 2);
    assert_eq!(report["summary"]["spec_files"], 1);
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(0));
}

#[test]
fn renamed_symbol_is_reported_with_suggestion_and_exit_one() {
    let dir =
        repo(&[("src/net.rs", CODE), ("specs/net.md", "# Retry policy\n\nFailures go through `Client::retry`.\n")]);
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "dangling-symbol");
    assert_eq!(finding["severity"], "error");
    assert_eq!(finding["spec"]["path"], "specs/net.md");
    assert_eq!(finding["spec"]["line"], 3);
    assert_eq!(finding["spec"]["column"], 21);
    assert_eq!(finding["spec"]["clause"], "specs/net.md#retry-policy/1");
    assert_eq!(finding["code"], Value::Null);
    assert_eq!(finding["reference"], "Client::retry");
    assert_eq!(finding["suggestion"], "Client::retry_with_backoff");
    assert_eq!(finding["confidence"], 0.85, "qualified with our own type");
    assert_eq!(finding["evidence"], serde_json::json!([{"kind": "own-qualifier", "qualifier": "Client"}]));
    assert_eq!(finding["fingerprint"].as_str().map(str::len), Some(16));
}

#[test]
fn a_member_our_type_may_inherit_from_elsewhere_is_only_a_warning() {
    let code =
        "package acme;\n\npublic interface JobFuture<V> extends java.util.concurrent.Future<V> {\n    V await();\n}\n";
    let dir =
        repo(&[("src/JobFuture.java", code), ("docs/jobs.md", "# Jobs\n\nStop one with `JobFuture.cancel()`.\n")]);
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 0, "{report}");
    let finding = &report["findings"][0];
    assert_eq!(finding["reference"], "JobFuture.cancel()");
    assert_eq!(finding["severity"], "warning");
    assert_eq!(finding["evidence"], serde_json::json!([]), "the qualifier says nothing: `cancel` may be inherited");
}

#[test]
fn fingerprint_survives_unrelated_edits() {
    let spec = "# Retry policy\n\nFailures go through `Client::retry`.\n";
    let dir = repo(&[("src/net.rs", CODE), ("specs/net.md", spec)]);
    let (_, before) = json(dir.path(), &[]);
    let edited = format!("# Intro\n\nNew text.\n\n{spec}\nMore text after.\n");
    fs::write(dir.path().join("specs/net.md"), edited).expect("write");
    let (_, after) = json(dir.path(), &[]);
    assert_eq!(before["findings"][0]["fingerprint"], after["findings"][0]["fingerprint"]);
    assert_ne!(before["findings"][0]["spec"]["line"], after["findings"][0]["spec"]["line"]);
}

#[test]
fn fail_on_controls_the_exit_status() {
    let dir = repo(&[("src/broken.rs", "fn ok() {}\nfn broken( {\n"), ("README.md", "# Demo\n")]);
    driftcheck(dir.path()).arg("check").assert().code(0);
    driftcheck(dir.path()).args(["check", "--fail-on", "warning"]).assert().code(1);
    let drift = repo(&[("src/net.rs", CODE), ("README.md", "Calls `gone_function()`.\n")]);
    driftcheck(drift.path()).args(["check", "--fail-on", "never"]).assert().code(0);
}

#[test]
fn bad_config_names_file_and_line_and_exits_two() {
    let dir = repo(&[("driftcheck.toml", "specs = [\"specs/**/*.md\"]\n[rules]\ndangling-path = \"loud\"\n")]);
    let output = driftcheck(dir.path()).arg("check").output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("driftcheck.toml:3"), "{stderr}");
    assert!(stderr.contains("unknown severity `loud`"), "{stderr}");
    assert!(output.stdout.is_empty());
    for (text, message) in [
        ("specz = []\n", "unknown field `specz`"),
        ("code = [\"src/[\"]\n", "invalid glob"),
        ("[rules]\nno-such-rule = \"error\"\n", "unknown rule `no-such-rule`"),
    ] {
        let dir = repo(&[("driftcheck.toml", text)]);
        let output = driftcheck(dir.path()).arg("check").output().expect("run");
        assert_eq!(output.status.code(), Some(2), "{text}");
        assert!(String::from_utf8_lossy(&output.stderr).contains(message), "{text}");
    }
}

#[test]
fn usage_errors_exit_two() {
    let dir = repo(&[("README.md", "# Demo\n")]);
    driftcheck(dir.path()).args(["check", "--format", "yaml"]).assert().code(2);
    driftcheck(dir.path()).args(["check", "no/such/path.md"]).assert().code(2);
    driftcheck(dir.path()).args(["check", "--config", "missing.toml"]).assert().code(2);
    driftcheck(dir.path()).args(["explain", "no-such-rule"]).assert().code(2);
}

#[test]
fn paths_narrow_the_report() {
    let dir = repo(&[
        ("src/net.rs", CODE),
        ("specs/a.md", "Calls `Client::gone_one()`.\n"),
        ("specs/b.md", "Calls `Client::gone_two()`.\n"),
    ]);
    std::process::Command::new("git").arg("init").arg("-q").current_dir(dir.path()).status().expect("git init");
    let (code, report) = json(&dir.path().join("src"), &[]);
    assert_eq!((code, report["summary"]["spec_files"].as_u64()), (1, Some(2)), "the root is the git work tree");
    let (code, report) = json(dir.path(), &["specs/b.md"]);
    assert_eq!(code, 1);
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1);
    assert_eq!(findings[0]["spec"]["path"], "specs/b.md");
    let (code, _) = json(&dir.path().join("src"), &["net.rs"]);
    assert_eq!(code, 0, "no finding on src/net.rs, given relative to a subdirectory");
}

#[test]
fn output_file_gets_the_report() {
    let dir = repo(&[("src/net.rs", CODE), ("README.md", "Calls `Client::gone_function()`.\n")]);
    let output =
        driftcheck(dir.path()).args(["check", "--format", "json", "--output", "report.json"]).output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let report: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("report.json")).expect("report")).expect("json");
    assert_eq!(report["findings"][0]["reference"], "Client::gone_function()");
}

#[test]
fn human_report_underlines_the_reference_and_summarises() {
    let dir =
        repo(&[("src/net.rs", CODE), ("specs/net.md", "# Retry policy\n\nFailures go through `Client::retry`.\n")]);
    let output = driftcheck(dir.path()).arg("check").output().expect("run");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(!stdout.contains('\u{1b}'), "NO_COLOR output has no escape codes");
    assert!(stdout.contains("dangling-symbol"));
    assert!(stdout.contains("specs/net.md:3:21"));
    assert!(stdout.contains("did you mean `Client::retry_with_backoff`?"));
    assert!(
        stdout.trim_end().ends_with(
            "driftcheck: 1 error, 0 warnings, 0 info in 1 spec file (1 clause), 1 code file (3 symbols), 0 links"
        ),
        "{stdout}"
    );
}

#[test]
fn binary_and_huge_files_are_skipped_with_a_note() {
    let dir = repo(&[
        ("src/net.rs", CODE),
        ("README.md", "`Client::retry_with_backoff`\n"),
        ("driftcheck.toml", "max_file_size = 2000\n"),
    ]);
    fs::write(dir.path().join("src/blob.dat2"), [0u8, 159, 146, 150]).expect("write");
    fs::write(dir.path().join("src/huge.rs"), "// x\n".repeat(1000)).expect("write");
    let output = driftcheck(dir.path()).arg("check").output().expect("run");
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("note: src/blob.dat2: skipped: binary file"), "{stdout}");
    assert!(stdout.contains("note: src/huge.rs: skipped: 5000 bytes is over the 2000-byte limit"), "{stdout}");
}

#[test]
fn gitignored_and_config_ignored_files_are_not_read() {
    let dir = repo(&[
        ("src/net.rs", CODE),
        (".gitignore", "generated/\n"),
        ("generated/api.md", "Calls `gone_generated()`.\n"),
        ("docs/old.md", "Calls `gone_ignored()`.\n"),
        ("driftcheck.toml", "ignore = [\"docs/old.md\"]\n"),
    ]);
    std::process::Command::new("git").arg("init").arg("-q").current_dir(dir.path()).status().expect("git init");
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["spec_files"], 0);
}

#[test]
fn suppressions_silence_findings() {
    let dir = repo(&[
        ("src/net.rs", "// driftcheck:ignore dangling-spec-ref\n// spec: specs/gone.md#x\npub fn send() {}\n"),
        ("specs/net.md", "<!-- driftcheck:ignore dangling-symbol -->\nOld name `Client::retry`.\n\nAnd `send()`.\n"),
    ]);
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 0, "{report}");
}

#[test]
fn severity_can_be_configured_per_rule() {
    let dir = repo(&[
        ("src/net.rs", CODE),
        ("README.md", "Calls `gone_function()`.\n"),
        ("driftcheck.toml", "[rules]\ndangling-symbol = \"warning\"\n"),
    ]);
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(report["findings"][0]["severity"], "warning");
    assert_eq!(report["summary"]["findings"]["warning"], 1);
    let off = repo(&[
        ("src/net.rs", CODE),
        ("README.md", "Calls `gone_function()`.\n"),
        ("driftcheck.toml", "[rules]\ndangling-symbol = \"off\"\n"),
    ]);
    let (_, report) = json(off.path(), &[]);
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(0));
}

#[test]
fn explain_prints_rule_documentation() {
    let dir = repo(&[]);
    let output = driftcheck(dir.path()).args(["explain", "dangling-symbol"]).output().expect("run");
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.starts_with("# dangling-symbol (default: error)"));
    assert!(stdout.contains("## How to fix"));
    let list = driftcheck(dir.path()).args(["explain", "--list"]).output().expect("run");
    assert_eq!(String::from_utf8_lossy(&list.stdout).lines().count(), 10);
}

#[test]
fn init_writes_detected_config_once() {
    let dir = repo(&[
        ("src/lib.rs", "pub fn a() {}\n"),
        ("app/main.py", "def b():\n    pass\n"),
        ("docs/x.md", "# X\n"),
        ("book/src/intro.md", "# Intro\n"),
        ("crates/core/README.md", "# Core\n"),
        ("guide/book.toml", "[book]\n"),
        ("guide/src/intro.md", "# Intro\n"),
        ("www/hugo.yaml", "title: Demo\n"),
        ("www/content/install.md", "# Install\n"),
        ("vendor/dep.go", "package dep\n"),
    ]);
    driftcheck(dir.path()).arg("init").assert().code(0);
    let text = fs::read_to_string(dir.path().join("driftcheck.toml")).expect("config");
    let specs = "specs = [\"docs/**/*.md\", \"book/src/**/*.md\", \"guide/**/*.md\", \"www/content/**/*.md\", \"**/README.md\"]";
    assert!(text.contains(specs), "{text}");
    assert!(text.contains("code = [\"**\"]"), "{text}");
    assert!(text.contains("ignore = [\"vendor/**\"]"), "{text}");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(dir.path().join("driftcheck.toml")).expect("config").permissions().mode();
        assert_eq!(mode & 0o777, 0o644, "a written config is readable by others, like any new file");
    }
    assert!(text.contains("(found: go, python, rust)"), "{text}");
    driftcheck(dir.path()).arg("check").assert().code(0);
    driftcheck(dir.path()).arg("init").assert().code(2);
    driftcheck(dir.path()).args(["init", "--force"]).assert().code(0);
}

#[test]
fn globs_that_match_no_file_are_said_and_a_key_matching_nothing_is_an_error() {
    let dir = repo(&[
        ("src/lib.rs", "pub fn a() {}\n"),
        ("docs/a.md", "# A\n\nCalls `a()`.\n"),
        ("driftcheck.toml", "specs = [\"docs/**/*.md\"]\ncode = [\"src/**\", \"lib/**\"]\n"),
    ]);
    let output = driftcheck(dir.path()).arg("check").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("driftcheck.toml: `lib/**` in `code` matches no file"), "{stdout}");
    fs::write(dir.path().join("driftcheck.toml"), "specs = [\"doc/**/*.md\", \"*.md\"]\ncode = [\"src/**\"]\n")
        .unwrap();
    let output = driftcheck(dir.path()).arg("check").output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("no glob in `specs` matches any file"), "{stderr}");
    assert!(stderr.contains("driftcheck.toml:1:10]"), "{stderr}");
}

#[test]
fn links_lists_resolved_and_unresolved_references() {
    let dir = repo(&[
        ("src/net.rs", "// spec: specs/net.md#retry-policy\npub fn retry_with_backoff() {}\n"),
        (
            "specs/net.md",
            "# Retry policy\n\nSee `retry_with_backoff()` and `gone_function()` in [net](../src/net.rs#L1-L2).\n",
        ),
    ]);
    let output = driftcheck(dir.path()).args(["links", "--format", "json"]).output().expect("run");
    assert_eq!(output.status.code(), Some(0));
    let listing: Value = serde_json::from_slice(&output.stdout).expect("json");
    assert_eq!(listing["schema"], "driftcheck/links/v1");
    let clause = &listing["clauses"][0];
    assert_eq!(clause["clause"], "specs/net.md#retry-policy/1");
    let origins: Vec<_> =
        clause["links"].as_array().expect("links").iter().map(|l| l["origin"].as_str().unwrap_or("")).collect();
    assert_eq!(origins, ["spec", "spec", "code"]);
    assert_eq!(clause["links"][0]["symbol"], "retry_with_backoff");
    assert_eq!(clause["links"][1]["lines"], serde_json::json!([1, 2]));
    assert_eq!(clause["unresolved"][0]["reference"], "gone_function()");
    let human = driftcheck(dir.path()).arg("links").output().expect("run");
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("-> src/net.rs:2 retry_with_backoff (function)  via `retry_with_backoff()`"), "{text}");
    assert!(text.contains("!! `gone_function()` line 3: dangling-symbol"), "{text}");
}

#[test]
fn instance_calls_link_to_the_type_they_are_named_after() {
    let dir = repo(&[
        ("src/queue.py", "class JobQueue:\n    def push(self, job):\n        pass\n\nclass Codec:\n    def dumps(self, value):\n        pass\n"),
        ("README.md", "Call `queue.push(job)` to enqueue; payloads use `json.dumps`.\n"),
    ]);
    let output = driftcheck(dir.path()).args(["links", "--format", "json"]).output().expect("run");
    let listing: Value = serde_json::from_slice(&output.stdout).expect("json");
    let links = listing["clauses"][0]["links"].as_array().expect("links");
    let symbols: Vec<_> = links.iter().map(|l| l["symbol"].as_str().unwrap_or("")).collect();
    assert_eq!(symbols, ["JobQueue.push"], "json.dumps must not link to Codec.dumps");
}

#[test]
fn ordinary_readme_content_is_not_drift() {
    let readme = "Set `RUST_LOG`, `HTTPS_PROXY` or `NO_COLOR` as usual; the token comes from the `APP_TOKEN` environment variable.\n\n\
        Builds for `x86_64` and `aarch64`. Keys are `snake_case`; see `default_features`.\n\n\
        In JavaScript this is `Promise.allSettled()` or `Date.now()`; in Python `len()` and `iter()`; `Path.resolve()`.\n\n\
        It raises `MemoryError`, like `HashMap::with_capacity` never does. See [`RegexSet`](https://docs.rs/regex).\n\n\
        ```python\ndef handler(event_name, payload):\n    auth_key = load()\n```\n\n\
        The handler receives `event_name` and stores `auth_key`.\n\n\
        Contact [the team](team@example.com).\n";
    let main = "use std::collections::HashMap;\nfn main() {\n    let _m: HashMap<u8, u8> = HashMap::new();\n    let _k = std::env::var(\"APP_TOKEN\");\n}\n";
    let dir = repo(&[("src/main.rs", main), ("README.md", readme)]);
    let (code, report) = json(dir.path(), &[]);
    assert_eq!((code, report["findings"].clone()), (0, serde_json::json!([])));
}

#[test]
fn a_renamed_method_is_found_even_if_its_old_name_is_used_elsewhere() {
    let code = "pub struct Client;\nimpl Client {\n    pub fn retry_with_backoff(&self) {}\n}\npub struct Policy {\n    pub retry: bool,\n}\n";
    let dir = repo(&[("src/net.rs", code), ("README.md", "Failures go through `Client::retry`.\n")]);
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    assert_eq!(report["findings"][0]["suggestion"], "Client::retry_with_backoff");
}

#[test]
fn code_and_scope_directives_resolve_where_they_point() {
    let spec = "# Queue\n\nJobs run through `Job::run_job`.\n\n<!-- driftcheck:scope src/queue/ -->\n\n\
        Cancelling is `Job::cancel_job`.\n\n\
        <!-- driftcheck:code src/queue/job.rs::Job::run_job -->\nA job runs once.\n\n\
        <!-- driftcheck:code src/queue/gone.rs::Job -->\nGone.\n";
    let dir = repo(&[
        ("src/queue/job.rs", "pub struct Job;\nimpl Job {\n    pub fn run_job(&self) {}\n}\n"),
        ("src/other/job.rs", "pub struct Job;\nimpl Job {\n    pub fn cancel_job(&self) {}\n}\n"),
        ("specs/queue.md", spec),
    ]);
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    let found: Vec<(String, String)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| (f["rule"].as_str().unwrap_or("").to_string(), f["reference"].as_str().unwrap_or("").to_string()))
        .collect();
    let expected = [
        ("dangling-symbol".to_string(), "Job::cancel_job".to_string()),
        ("dangling-path".to_string(), "src/queue/gone.rs::Job".to_string()),
    ];
    assert_eq!(found, expected, "the scope covers the whole section, also the clause before the comment");
    let links = driftcheck(dir.path()).args(["links", "--format", "json"]).output().expect("run");
    let listing: Value = serde_json::from_slice(&links.stdout).expect("json");
    let clauses = listing["clauses"].as_array().expect("clauses");
    let anchored = clauses.iter().find(|c| c["text"] == "A job runs once.").expect("anchored clause");
    assert_eq!(anchored["links"][0]["path"], "src/queue/job.rs");
    assert_eq!(anchored["links"][0]["symbol"], "Job::run_job");
}

#[test]
fn line_ranges_are_checked_against_the_file_length() {
    let readme =
        "[all](src/net.rs#L1-L5) and [one past](src/net.rs#L5-L6) and [dir](src/oldmod/) and [site](/guide/intro).\n";
    let dir = repo(&[("src/net.rs", CODE), ("README.md", readme)]);
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    let references = field(&report, "reference");
    assert_eq!(
        references,
        ["src/net.rs#L5-L6", "src/oldmod/"],
        "a missing directory under src/ is drift; a site route is not"
    );
}

#[test]
fn a_bare_ignore_above_a_symbol_silences_every_rule() {
    let dir = repo(&[("src/net.rs", "// driftcheck:ignore\n// spec: specs/gone.md#x\npub fn send() {}\n")]);
    let (code, report) = json(dir.path(), &[]);
    assert_eq!((code, report["findings"].clone()), (0, serde_json::json!([])));
}

/// The JSON report v1, field by field, as a consumer reads it: a renamed,
/// missing or unexpected field fails to deserialise.
mod report_v1 {
    use serde::Deserialize;

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Report {
        pub schema: String,
        pub tool: Tool,
        pub summary: Summary,
        pub findings: Vec<Finding>,
        pub llm_skipped: Vec<Skipped>,
    }

    /// Its fields are checked by deserialising: names and types.
    #[allow(dead_code)]
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Skipped {
        pub question: String,
        pub path: String,
        pub line: u64,
        pub clause: String,
        pub subject: String,
        pub reason: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Tool {
        pub name: String,
        pub version: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Summary {
        pub spec_files: u64,
        pub clauses: u64,
        pub code_files: u64,
        pub symbols: u64,
        pub links: u64,
        pub findings: Counts,
        pub llm: Llm,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Counts {
        pub error: u64,
        pub warning: u64,
        pub info: u64,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Llm {
        pub provider: Option<String>,
        pub calls: u64,
        pub cached: u64,
        pub input_tokens: u64,
        pub output_tokens: u64,
        pub skipped: u64,
        pub tiers: Vec<Tier>,
    }

    /// Its fields are checked by deserialising: names and types.
    #[allow(dead_code)]
    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Tier {
        pub role: String,
        pub provider: String,
        pub model: String,
        pub calls: u64,
        pub cached: u64,
        pub input_tokens: u64,
        pub output_tokens: u64,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Finding {
        pub rule: String,
        pub severity: String,
        pub message: String,
        pub spec: Option<Spec>,
        pub code: Option<Code>,
        pub reference: Option<String>,
        pub suggestion: Option<String>,
        pub confidence: f64,
        pub fingerprint: String,
        pub evidence: Vec<serde_json::Value>,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Spec {
        pub path: String,
        pub line: u64,
        pub column: u64,
        pub clause: String,
    }

    #[derive(Deserialize)]
    #[serde(deny_unknown_fields)]
    pub struct Code {
        pub path: String,
        pub line: u64,
        pub symbol: Option<String>,
    }
}

#[test]
fn json_report_matches_schema_v1() {
    let dir = repo(&[
        ("src/net.rs", "// spec: specs/gone.md#x\npub fn send() {}\n"),
        ("specs/net.md", "# Net\n\nCalls `send_all()` and [old](../src/old.rs).\n"),
    ]);
    let output = driftcheck(dir.path()).args(["check", "--format", "json"]).output().expect("run");
    let report: report_v1::Report = serde_json::from_slice(&output.stdout).expect("report v1");
    assert_eq!(report.schema, "driftcheck/report/v1");
    assert_eq!((report.tool.name.as_str(), report.tool.version.as_str()), ("driftcheck", env!("CARGO_PKG_VERSION")));
    assert_eq!((report.summary.spec_files, report.summary.code_files, report.summary.clauses), (1, 1, 1));
    let counts = &report.summary.findings;
    assert_eq!((counts.error, counts.warning, counts.info), (2, 1, 0), "`send_all()` has no evidence either way");
    let llm = &report.summary.llm;
    assert_eq!(
        (llm.provider.as_deref(), llm.calls, llm.cached, llm.input_tokens, llm.output_tokens, llm.skipped),
        (None, 0, 0, 0, 0, 0)
    );
    assert!(llm.tiers.is_empty() && report.llm_skipped.is_empty(), "no LLM pass without a provider");
    assert_eq!((report.summary.symbols, report.summary.links), (1, 0));
    let rules: Vec<&str> = report.findings.iter().map(|f| f.rule.as_str()).collect();
    assert_eq!(rules, ["dangling-symbol", "dangling-path", "dangling-spec-ref"]);
    let spec_ref = &report.findings[2];
    assert!(spec_ref.spec.is_none());
    let code = spec_ref.code.as_ref().expect("code side");
    assert_eq!((code.path.as_str(), code.line, code.symbol.as_deref()), ("src/net.rs", 1, Some("send")));
    let symbol = &report.findings[0];
    let spec = symbol.spec.as_ref().expect("spec side");
    assert_eq!(
        (spec.path.as_str(), spec.line, spec.column, spec.clause.as_str()),
        ("specs/net.md", 3, 7, "specs/net.md#net/1")
    );
    assert_eq!(symbol.suggestion.as_deref(), Some("send"));
    assert_eq!((symbol.severity.as_str(), symbol.confidence), ("warning", 0.5));
    assert!(report.findings[1..].iter().all(|f| f.severity == "error" && f.confidence == 1.0));
    assert!(report.findings.iter().all(|f| f.fingerprint.len() == 16 && f.evidence.is_empty()));
    assert!(report.findings.iter().all(|f| !f.message.is_empty() && f.reference.is_some()));
}

#[test]
fn a_closed_pipe_keeps_the_exit_status() {
    let dir = repo(&[("src/net.rs", CODE), ("README.md", "Calls `Client::gone_function()`.\n")]);
    let mut child = std::process::Command::new(assert_cmd::cargo::cargo_bin("driftcheck"))
        .arg("check")
        .current_dir(dir.path())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .expect("spawn");
    drop(child.stdout.take());
    assert_eq!(child.wait().expect("wait").code(), Some(1));
}

#[test]
fn links_to_renamed_headings_are_broken() {
    let guide =
        "# Guide\n\n## Request instances\n\nText.\n\n<a name=\"legacy-anchor\"></a>\n\n## Retries (v2)\n\nMore.\n";
    let index = "See [requests](guide.md#request-instances), [retries](guide.md#retries-v2), \
        [old](guide.md#legacy-anchor) and [below](#usage).\n\n\
        Gone: [instances](guide.md#requests-instances) and [here](#nothing-here).\n\n## Usage\n\nRun it.\n";
    let dir = repo(&[("src/lib.rs", "pub fn run() {}\n"), ("docs/guide.md", guide), ("docs/index.md", index)]);
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    let messages = field(&report, "message");
    assert_eq!(
        messages,
        [
            "link to `#requests-instances` in `docs/guide.md`, which has no such heading",
            "link to `#nothing-here` in `docs/index.md`, which has no such heading",
        ]
    );
}

#[test]
fn doc_site_conventions_and_test_data_are_not_drift() {
    let dir = repo(&[
        ("src/lib.rs", "pub fn run() {}\n"),
        ("CONTRIBUTING.md", "# Contributing\n\n## Installing for development\n\nText.\n"),
        ("docs/contributing.md", "--8<-- \"CONTRIBUTING.md\"\n"),
        ("docs/theme.md", "# Themes\n\n**`locale`**{ #mkdocs-locale }: the language.\n"),
        (
            "docs/index.md",
            "See [installing](contributing.md#installing-for-development) and [locale](theme.md#mkdocs-locale).\n\n\
             Run the `init_catalog` command, then put files in the `custom_theme` directory.\n",
        ),
        ("tests/data/broken.rs", "fn broken( {\n"),
        ("guide/src/format/example.rs", "# fn hidden() {}\nfn main() {}\n"),
        ("src/snapshots.rs", "fn t() {\n    assert_eq!(out, str![[\"x\"]]);\n}\n"),
    ]);
    #[cfg(unix)]
    std::os::unix::fs::symlink("../CONTRIBUTING.md", dir.path().join("docs/CONTRIBUTING.md")).expect("symlink");
    fs::write(dir.path().join("docs/links.md"), "The [guide](CONTRIBUTING.md) is linked from here.\n").expect("write");
    let (code, report) = json(dir.path(), &["--fail-on", "warning"]);
    assert_eq!((code, report["findings"].clone()), (0, serde_json::json!([])));
}

#[test]
fn examples_importing_our_own_package_are_claims_about_it() {
    let readme = "# Use\n\n```python\nfrom taskline import Client, Gone\nfrom requests import get\n```\n";
    let dir = repo(&[
        ("pyproject.toml", "[project]\nname = \"taskline\"\ndependencies = [\"requests\"]\n"),
        ("taskline/__init__.py", "class Client:\n    pass\n"),
        ("README.md", readme),
    ]);
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 1);
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(findings.len(), 1, "{findings:?}");
    let finding = &findings[0];
    assert_eq!(finding["reference"], "taskline.Gone");
    assert_eq!((finding["spec"]["line"].as_u64(), finding["spec"]["column"].as_u64()), (Some(4), Some(30)));
    assert_eq!(finding["spec"]["clause"], "README.md#use/example-1");
    assert_eq!(finding["evidence"][0], serde_json::json!({"kind": "own-import", "package": "taskline"}));
    assert_eq!(finding["severity"], "error");
}

#[test]
fn a_crate_path_names_our_package_only_where_we_write_rust() {
    let readme = "# Use\n\nCall `taskline.Gone()`; the Rust client has `taskline::config::Sender`.\n";
    let dir = repo(&[
        ("pyproject.toml", "[project]\nname = \"taskline\"\n"),
        ("taskline/__init__.py", "class Client:\n    pass\n"),
        ("README.md", readme),
    ]);
    let (_, report) = json(dir.path(), &["--min-confidence", "0"]);
    let evidence: Vec<(String, Value)> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| (f["reference"].as_str().unwrap_or("").to_string(), f["evidence"].clone()))
        .collect();
    assert_eq!(
        evidence[0],
        ("taskline.Gone()".to_string(), serde_json::json!([{"kind": "own-import", "package": "taskline"}]))
    );
    assert_eq!(evidence[1].0, "taskline::config::Sender");
    assert!(!evidence[1].1.to_string().contains("own-import"), "a Python package makes no crate: {evidence:?}");
}

#[test]
fn min_confidence_hides_evidence_against_and_rejects_bad_values() {
    let readme = "Returns a `serde_json::Value`; calls `Client::gone_away()`.\n";
    let dir = repo(&[
        ("src/net.rs", CODE),
        ("Cargo.toml", "[package]\nname = \"net\"\n[dependencies]\nserde_json = \"1\"\n"),
        ("README.md", readme),
    ]);
    let (_, shown) = json(dir.path(), &[]);
    assert_eq!(field(&shown, "reference"), ["Client::gone_away()"], "the dependency's name is hidden by default");
    let (_, all) = json(dir.path(), &["--min-confidence", "0"]);
    assert_eq!(field(&all, "reference"), ["serde_json::Value", "Client::gone_away()"]);
    assert_eq!(all["findings"][0]["severity"], "info");
    assert_eq!(all["findings"][0]["evidence"][0]["gate"], "dependency");
    driftcheck(dir.path()).args(["check", "--min-confidence", "1.5"]).assert().code(2);
}

#[test]
fn links_shows_what_a_gate_dropped_and_why() {
    let readme = "# Changelog\n\n`old_thing()` was removed.\n\n# Use\n\nRun the `init_db` command.\n";
    let dir = repo(&[("src/net.rs", CODE), ("README.md", readme)]);
    let output = driftcheck(dir.path()).args(["links", "--format", "json"]).output().expect("run");
    let listing: Value = serde_json::from_slice(&output.stdout).expect("json");
    let silenced: Vec<(String, String)> = listing["clauses"]
        .as_array()
        .expect("clauses")
        .iter()
        .flat_map(|clause| clause["silenced"].as_array().cloned().unwrap_or_default())
        .map(|s| (s["reference"].as_str().unwrap_or("").to_string(), s["gate"].as_str().unwrap_or("").to_string()))
        .collect();
    let expected = [
        ("old_thing()".to_string(), "history-section".to_string()),
        ("init_db".to_string(), "names-other-thing".to_string()),
    ];
    assert_eq!(silenced, expected);
    let human = driftcheck(dir.path()).arg("links").output().expect("run");
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(text.contains("silenced by names-other-thing: followed by \"command\""), "{text}");
}

#[test]
fn an_included_page_links_from_where_it_is_included() {
    let dir = repo(&[
        ("README.md", "# Guide\n\n--8<-- \"docs/shared/setup.md\"\n"),
        (
            "docs/shared/setup.md",
            "Start with [the entry point](src/lib.rs), not [this](src/gone.rs) or [these lines](src/lib.rs#L40-L50).\n",
        ),
        ("src/lib.rs", "pub fn run() {}\n"),
    ]);
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(field(&report, "reference"), ["src/gone.rs", "src/lib.rs#L40-L50"]);
}

#[test]
fn a_readme_links_from_where_it_is_even_when_included() {
    let dir = repo(&[
        ("docs/index.md", "--8<-- \"README.md\"\n"),
        ("README.md", "Read [the guide](guide.md).\n"),
        ("docs/guide.md", "# Guide\n"),
    ]);
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(field(&report, "reference"), ["guide.md"], "broken where GitHub shows the README");
}

#[test]
fn a_type_name_used_as_a_count_noun_names_the_type() {
    let dir = repo(&[
        (
            "README.md",
            "# Traces\n\nCollect `SpanTraces` and `SpecOpt` values, not `SpanTracers`. Back to [top](#top).\n",
        ),
        ("src/lib.rs", "pub struct SpanTrace;\npub type SpecOpts = Vec<u8>;\n"),
    ]);
    let (_, report) = json(dir.path(), &["--min-confidence", "0"]);
    assert_eq!(field(&report, "reference"), ["SpanTracers"]);
}

#[test]
fn a_root_path_on_a_page_a_site_elsewhere_builds_is_not_checked() {
    let page = "---\nid: benchmarks\nsidebar_position: 2\n---\n# Benchmarks\n\n![chart](/img/chart.png) and [code](/src/gone.rs).\n";
    let dir = repo(&[("docs/benchmarks.md", page), ("src/lib.rs", "pub fn run() {}\n")]);
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(field(&report, "reference"), ["/src/gone.rs"], "the site serves /img from its own repository");
    write(dir.path(), "docusaurus.config.js", "module.exports = {};\n");
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(field(&report, "reference"), ["/img/chart.png", "/src/gone.rs"], "the site is built here");
}

#[test]
fn a_root_path_no_commit_ever_held_is_a_page_the_sites_build_renders() {
    let page = "# Guide\n\nSee [the client API](/api/netkit.client) and [the old page](/api/old.md).\n";
    let site = "docs/.vitepress/config.ts";
    let dir = repo(&[(site, "export default {}\n"), ("docs/guide.md", page), ("docs/api/old.md", "# Old\n")]);
    let git = |args: &[&str]| git(dir.path(), args);
    commit_all(dir.path(), "docs");
    git(&["rm", "-q", "docs/api/old.md"]);
    git(&["commit", "-qm", "drop the old page"]);
    let (_, report) = json(dir.path(), &[]);
    let both = ["/api/netkit.client", "/api/old.md"];
    assert_eq!(field(&report, "reference"), both, "a short history proves nothing: {report}");
    for n in 0..50 {
        write(dir.path(), "src/lib.rs", &format!("pub fn step_{n}() {{}}\n"));
        git(&["add", "."]);
        git(&["commit", "-qm", "step"]);
    }
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(field(&report, "reference"), ["/api/old.md"], "the deleted page is still gone: {report}");
    let files = "See ![the chart](/img/chart.png), [install](/scripts/install.sh) and [the API](/api/netkit.client).\n";
    write(dir.path(), "docs/charts.md", files);
    write(dir.path(), "specs/netkit.md", files);
    write(dir.path(), "tools/build.sh", "make\n");
    let (_, report) = json(dir.path(), &[]);
    let expected = [
        "/img/chart.png",
        "/scripts/install.sh",
        "/api/old.md",
        "/img/chart.png",
        "/scripts/install.sh",
        "/api/netkit.client",
    ];
    assert_eq!(
        field(&report, "reference"),
        expected,
        "an image is a file, a spec outside the site no page of it: {report}"
    );
}

#[test]
fn a_docsify_page_links_from_the_sites_root() {
    let dir = repo(&[
        ("docs/index.html", "<script>window.$docsify = {}</script>\n"),
        ("docs/en/_sidebar.md", "- [Design](en/design.md)\n- [Missing](en/missing.md)\n"),
        ("docs/en/design.md", "# Design\n"),
    ]);
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(field(&report, "reference"), ["en/missing.md"], "{report}");
}

#[test]
fn a_page_named_in_a_sites_order_is_built_elsewhere_and_its_routes_outlive_old_folders() {
    let dir = repo(&[("modules/old/index.ts", "export const a = 1;\n"), ("src/lib.ts", "export function run() {}\n")]);
    let git = |args: &[&str]| git(dir.path(), args);
    commit_all(dir.path(), "modules");
    git(&["rm", "-rq", "modules"]);
    git(&["commit", "-qm", "merge modules into src"]);
    let page =
        "# Modules\n\nBrowse [the modules](/modules), see ![a](/assets/a.svg) and [old](/modules/old/index.ts).\n";
    write(dir.path(), "docs/3.guide/2.modules.md", page);
    let (_, report) = json(dir.path(), &[]);
    let meant = "the site serves /modules and /assets; a deleted file is still gone";
    assert_eq!(field(&report, "reference"), ["/modules/old/index.ts"], "{meant}: {report}");
    write(dir.path(), "docs/guide.md", page);
    let (_, report) = json(dir.path(), &[]);
    let plain = ["/modules/old/index.ts", "/modules", "/assets/a.svg", "/modules/old/index.ts"];
    assert_eq!(field(&report, "reference"), plain, "a page the forge renders: {report}");
}

#[test]
fn a_tracked_file_missing_from_the_work_tree_exists() {
    let dir = repo(&[("README.md", "See [the model](models/net.onnx).\n"), ("models/net.onnx", "weights\n")]);
    let git = |args: &[&str]| git(dir.path(), args);
    git(&["init", "-q"]);
    git(&["add", "."]);
    fs::remove_file(dir.path().join("models/net.onnx")).expect("remove");
    let (_, report) = json(dir.path(), &[]);
    assert!(field(&report, "reference").is_empty(), "still tracked: {report}");
    git(&["rm", "-q", "--cached", "models/net.onnx"]);
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(field(&report, "reference"), ["models/net.onnx"], "its deletion is staged");
}

#[test]
fn a_link_to_another_packages_registry_page_is_that_packages_name() {
    let readme = "# Logging\n\nFilters work like the [`env_logger`](https://crates.io/crates/env_logger) crate's, \
                  with [`env_filter`](https://docs.rs/env_filter).\n";
    let dir = repo(&[("README.md", readme), ("src/lib.rs", "pub fn run() {}\n")]);
    let (_, report) = json(dir.path(), &["--min-confidence", "0"]);
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(field(&report, "reference"), ["env_logger", "env_filter"]);
    for finding in findings {
        let gates: Vec<&str> =
            finding["evidence"].as_array().into_iter().flatten().filter_map(|e| e["gate"].as_str()).collect();
        assert!(gates.contains(&"registry-link"), "{finding}");
        assert_eq!(finding["severity"], "info", "hidden by default: {finding}");
    }
}

#[test]
fn a_page_a_build_file_names_is_generated() {
    let dir = repo(&[
        ("scripts/render_docs.py", "OUTPUT = ROOT / \"docs/reference/cli.md\"\n"),
        ("docs/usage.md", "See [the CLI](reference/cli.md#init) and [gone](reference/old.md).\n"),
    ]);
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(field(&report, "reference"), ["reference/old.md"], "cli.md is written at build time: {report}");
    write(dir.path(), "driftcheck.toml", "[gates]\ngenerated-page = false\n");
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(field(&report, "reference"), ["reference/cli.md#init", "reference/old.md"], "switched off");
}

#[test]
fn a_route_names_the_page_a_doc_site_serves_it_from() {
    let dir = repo(&[
        (
            "docs/1.guide/intro.md",
            "See [cookies](/examples/handle-cookie), [the API](../api) and [gone](/examples/gone).\n",
        ),
        ("docs/4.examples/handle-cookie.md", "# Cookies\n"),
        ("docs/api/README.md", "# API\n"),
        ("examples/cookie.ts", "export const cookie = 1;\n"),
    ]);
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(field(&report, "reference"), ["/examples/gone"], "{report}");
}

#[test]
fn anchors_of_a_page_a_plugin_writes_are_believed() {
    let dir = repo(&[
        ("docs/cli/reference.md", "# CLI\n\n::: mkdocs-click\n    :module: app.cli\n"),
        ("docs/tips.md", "# Tips\n\n::: tip\nA VuePress container.\n:::\n"),
        ("docs/guide.md", "Run [build](cli/reference.md#app-build), see [tips](tips.md#gone).\n"),
    ]);
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(field(&report, "reference"), ["tips.md#gone"], "{report}");
}

#[test]
fn an_examples_removed_name_speaks_only_for_the_docs_beside_it() {
    let dir = repo(&[
        ("src/lib.ts", "export function run() {}\n"),
        ("examples/demo/app.ts", "export function legacyHook() {}\n"),
    ]);
    let git = |args: &[&str]| git(dir.path(), args);
    commit_all(dir.path(), "demo");
    write(dir.path(), "examples/demo/app.ts", "export function newHook() {}\n");
    git(&["commit", "-qam", "rename"]);
    write(dir.path(), "examples/demo/README.md", "Call `legacyHook()`.\n");
    write(dir.path(), "docs/guide.md", "Call `legacyHook()`.\n");
    write(dir.path(), "README.md", "Call `legacyHook()`.\n");
    write(dir.path(), "CONTRIBUTING.md", "Call `legacyHook()`.\n");
    write(dir.path(), "driftcheck.toml", "specs = [\"*.md\", \"docs/**/*.md\", \"examples/**/*.md\"]\n");
    let (_, report) = json(dir.path(), &["--min-confidence", "0"]);
    let severity = |path: &str| {
        let findings = report["findings"].as_array().expect("findings");
        let finding = findings.iter().find(|f| f["spec"]["path"] == path).expect("finding");
        finding["severity"].as_str().unwrap_or("").to_string()
    };
    assert_eq!(severity("examples/demo/README.md"), "error", "{report}");
    assert_eq!(severity("README.md"), "error", "the top-level README walks through the examples");
    assert_eq!(severity("docs/guide.md"), "warning", "{report}");
    assert_eq!(severity("CONTRIBUTING.md"), "warning", "another top-level document is not about the examples");
}

#[test]
fn a_root_path_is_served_from_the_doc_sites_static_folder() {
    let page = "# Editors\n\n![settings](/img/settings.png) and ![gone](/img/gone.png).\n";
    let dir = repo(&[
        (
            "website/docusaurus.config.js",
            "module.exports = { presets: [['classic', { docs: { path: '../docs' } }]] };\n",
        ),
        ("website/static/img/settings.png", "png\n"),
        ("docs/editors.md", page),
        ("README.md", "![settings](/img/settings.png)\n"),
    ]);
    let (_, report) = json(dir.path(), &[]);
    let at =
        |f: &Value| format!("{}:{}", f["spec"]["path"].as_str().unwrap_or(""), f["reference"].as_str().unwrap_or(""));
    let found: Vec<String> = report["findings"].as_array().expect("findings").iter().map(at).collect();
    assert_eq!(found, ["README.md:/img/settings.png", "docs/editors.md:/img/gone.png"], "the forge renders the README");
}

#[test]
fn a_standard_type_our_code_shadows_is_ours_only_when_our_type_speaks_for_the_member() {
    let queue = "package lint;\npublic class Queue {\n    public void push() {}\n    public void drainAll() {\n        return;\n    }\n}\n";
    let doc = "# Queues\n\nPrefer `Queue#hitEnd()`; call `Queue.drainAll()` or `Queue.pushh()`.\n";
    let dir = repo(&[("src/main/java/lint/Queue.java", queue), ("docs/queues.md", doc)]);
    let git = |args: &[&str]| git(dir.path(), args);
    commit_all(dir.path(), "queue");
    let without = "package lint;\npublic class Queue {\n    public void push() {}\n}\n";
    write(dir.path(), "src/main/java/lint/Queue.java", without);
    git(&["commit", "-qam", "drop drainAll"]);
    let (_, report) = json(dir.path(), &["--min-confidence", "0"]);
    assert_eq!(field(&report, "reference"), ["Queue#hitEnd()", "Queue.drainAll()", "Queue.pushh()"]);
    let meant = "java.util.Queue is meant unless our Queue had the member or one like it";
    assert_eq!(field(&report, "severity"), ["info", "error", "error"], "{meant}");
}

#[test]
fn a_members_deletion_speaks_only_from_its_owners_file() {
    let tls = "pub struct Tls {\n    pub cert: String,\n    pub store: String,\n}\n";
    let secret = "pub struct Secret {\n    pub secret_name: String,\n}\n";
    let doc = "# TLS\n\nSet `Tls::secret_name` and `Tls::store`.\n";
    let dir = repo(&[("src/tls.rs", tls), ("src/secret.rs", secret), ("docs/tls.md", doc)]);
    let git = |args: &[&str]| git(dir.path(), args);
    commit_all(dir.path(), "tls");
    write(dir.path(), "src/secret.rs", "pub struct Secret {\n    pub name: String,\n}\n");
    write(dir.path(), "src/tls.rs", "pub struct Tls {\n    pub cert: String,\n}\n");
    git(&["commit", "-qam", "rename secret_name, drop store"]);
    let (_, report) = json(dir.path(), &["--min-confidence", "0"]);
    assert_eq!(field(&report, "reference"), ["Tls::secret_name", "Tls::store"]);
    let kinds = |i: usize| {
        let evidence = report["findings"][i]["evidence"].as_array().cloned().unwrap_or_default();
        evidence.iter().map(|e| e["kind"].as_str().unwrap_or("").to_string()).collect::<Vec<_>>()
    };
    assert_eq!(kinds(0), ["own-qualifier"], "secret_name left another type's file: {report}");
    assert_eq!(kinds(1), ["removed", "own-qualifier"], "{report}");
}

#[test]
fn a_folder_named_like_a_type_is_its_package_not_its_file() {
    let feign = "package feign;\n\npublic class Feign {\n    public void build() {}\n}\n";
    let client = "package feign.http2;\n\npublic class Http2Client {\n    public void exception() {\n    }\n}\n";
    let doc = "# Metrics\n\nThe metric `Feign.exception` counts failures.\n";
    let dir = repo(&[
        ("core/src/main/java/feign/Feign.java", feign),
        ("java11/src/main/java/feign/http2/Http2Client.java", client),
        ("docs/metrics.md", doc),
    ]);
    let git = |args: &[&str]| git(dir.path(), args);
    commit_all(dir.path(), "feign");
    let renamed = "package feign.http2;\n\npublic class Http2Client {\n    public void failure() {\n    }\n}\n";
    write(dir.path(), "java11/src/main/java/feign/http2/Http2Client.java", renamed);
    git(&["commit", "-qam", "rename exception"]);
    let (_, report) = json(dir.path(), &["--min-confidence", "0"]);
    assert_eq!(field(&report, "reference"), ["Feign.exception"], "{report}");
    let evidence = report["findings"][0]["evidence"].as_array().cloned().unwrap_or_default();
    let kinds: Vec<&str> = evidence.iter().filter_map(|e| e["kind"].as_str()).collect();
    assert_eq!(kinds, ["own-qualifier"], "a file under feign/ is not Feign's: {report}");
}

#[test]
fn a_name_removed_with_its_whole_package_is_a_warning() {
    let bridge = "export function ssrRef(value) {\n  return value\n}\n";
    let kept = "export function useState(value) {\n  return value\n}\n";
    let doc = "# API\n\nUse `ssrRef` for state, or `useState`.\n\nCall `oldHelper()` to reset.\n";
    let dir = repo(&[
        ("packages/bridge/package.json", "{\"name\": \"bridge\"}\n"),
        ("packages/bridge/src/capi.ts", bridge),
        ("packages/core/package.json", "{\"name\": \"core\"}\n"),
        ("packages/core/src/state.ts", kept),
        ("packages/core/src/helpers.ts", "export function oldHelper() {}\n"),
        ("docs/api.md", doc),
    ]);
    let git = |args: &[&str]| git(dir.path(), args);
    commit_all(dir.path(), "packages");
    git(&["rm", "-rq", "packages/bridge", "packages/core/src/helpers.ts"]);
    git(&["commit", "-qm", "move bridge to its own repository, drop a helper"]);
    let (_, report) = json(dir.path(), &["--min-confidence", "0"]);
    assert_eq!(field(&report, "reference"), ["ssrRef", "oldHelper()"], "{report}");
    assert_eq!(field(&report, "severity"), ["warning", "error"], "{report}");
    assert_eq!(report["findings"][0]["evidence"][0]["package"], "packages/bridge/package.json", "{report}");
    assert!(report["findings"][1]["evidence"][0].get("package").is_none(), "{report}");
    // Back again without the name: the package was not deleted for good.
    write(dir.path(), "packages/bridge/package.json", "{\"name\": \"bridge\"}\n");
    write(dir.path(), "packages/bridge/src/capi.ts", "export function shallowRef(value) {\n  return value\n}\n");
    git(&["add", "."]);
    git(&["commit", "-qm", "bring bridge back"]);
    let (_, report) = json(dir.path(), &["--min-confidence", "0"]);
    assert_eq!(field(&report, "severity"), ["error", "error"], "{report}");
}

#[test]
fn a_link_to_a_file_git_ignores_is_one_the_build_writes() {
    let doc = "# Packages\n\nSee [the CLI](./cli.md), [the API](../api/api.json), [the keep list](./keep.md) and [the guide](../docs/guide.md).\n";
    let dir = repo(&[
        (".gitignore", "/api/*.json\n"),
        ("packages/.gitignore", "*\n!README.md\n!.gitignore\n!keep.md\n"),
        ("packages/README.md", doc),
        ("src/lib.rs", "pub fn run() {}\n"),
    ]);
    write(dir.path(), "driftcheck.toml", "specs = [\"packages/*.md\"]\n");
    let (_, report) = json(dir.path(), &["--min-confidence", "0"]);
    let references = field(&report, "reference");
    let why = format!("cli.md and api.json are ignored; keep.md is whitelisted, guide.md ignored by nothing: {report}");
    assert_eq!(references, ["./keep.md", "../docs/guide.md"], "{why}");
    write(dir.path(), "driftcheck.toml", "specs = [\"packages/*.md\"]\n[gates]\nignored-file = false\n");
    let (_, report) = json(dir.path(), &["--min-confidence", "0"]);
    assert_eq!(field(&report, "reference").len(), 4, "with the gate off every missing file is reported: {report}");
}

#[test]
fn the_deepest_gitignore_decides_even_one_that_ignores_itself() {
    let doc = "See [the schema](api/schema.json), [the data](api/data.json) and [the page](gen/page.md).\n";
    let dir = repo(&[
        (".gitignore", "*.json\n"),
        ("api/.gitignore", "!schema.json\n"),
        ("gen/.gitignore", "*\n"),
        ("README.md", doc),
        ("src/lib.rs", "pub fn run() {}\n"),
    ]);
    let (_, report) = json(dir.path(), &["--min-confidence", "0"]);
    let why = "api/.gitignore whitelists schema.json; gen/.gitignore ignores everything, itself too";
    assert_eq!(field(&report, "reference"), ["api/schema.json"], "{why}: {report}");
}

#[test]
fn markdown_inside_a_hidden_folder_is_a_spec_only_when_a_glob_names_that_folder() {
    let dir = repo(&[
        (".github/actions/spell/README.md", "See [the dictionary](dictionary.txt).\n"),
        ("README.md", "# Tool\n"),
        ("src/lib.rs", "pub fn run() {}\n"),
    ]);
    write(dir.path(), "driftcheck.toml", "specs = [\"**/*.md\"]\n");
    let (_, report) = json(dir.path(), &["--min-confidence", "0"]);
    assert_eq!(field(&report, "reference").len(), 0, "a tool's notes are not docs: {report}");
    write(dir.path(), "driftcheck.toml", "specs = [\"**/*.md\", \".github/**/*.md\"]\n");
    let (_, report) = json(dir.path(), &["--min-confidence", "0"]);
    assert_eq!(field(&report, "reference"), ["dictionary.txt"], "asked for by name: {report}");
}

#[test]
fn a_deleted_file_that_is_ignored_now_is_still_reported() {
    let dir = repo(&[
        ("README.md", "See [the schema](schema.json).\n"),
        ("schema.json", "{}\n"),
        ("src/lib.rs", "pub fn run() {}\n"),
    ]);
    let git = |args: &[&str]| git(dir.path(), args);
    commit_all(dir.path(), "schema");
    git(&["rm", "-q", "schema.json"]);
    write(dir.path(), ".gitignore", "*.json\n");
    git(&["add", ".gitignore"]);
    git(&["commit", "-qm", "generate the schema instead"]);
    let (_, report) = json(dir.path(), &["--min-confidence", "0"]);
    assert_eq!(field(&report, "reference"), ["schema.json"], "a commit deleted it: the link broke {report}");
    assert_eq!(report["findings"][0]["evidence"][0]["kind"], "removed", "{report}");
}

#[test]
fn a_go_method_deleted_from_another_file_of_the_package_was_its_types() {
    let server = "package web\n\ntype Server struct {\n\tAddr string\n}\n";
    let handlers = "package web\n\nfunc (s *Server) Start() error {\n\treturn nil\n}\n";
    let dir =
        repo(&[("web/server.go", server), ("web/handlers.go", handlers), ("README.md", "Call `Server.Start()`.\n")]);
    let git = |args: &[&str]| git(dir.path(), args);
    commit_all(dir.path(), "server");
    write(dir.path(), "web/handlers.go", "package web\n\nfunc (s *Server) Run() error {\n\treturn nil\n}\n");
    git(&["commit", "-qam", "rename Start"]);
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(report["findings"][0]["evidence"][0]["kind"], "removed", "{report}");
    assert_eq!(report["findings"][0]["severity"], "error");
}

#[test]
fn a_page_copied_from_another_repository_links_into_that_one() {
    let theme = "\n+++\ntitle = \"Daisy\"\n[extra]\nrepository = \"https://codeberg.org/a/zola-theme-daisy\"\n+++\n\nCopy [the config](theme.toml).\n";
    let dir = repo(&[
        ("content/themes/daisy/index.md", theme),
        ("content/guide.md", "Copy [the config](theme.toml).\n"),
        ("src/lib.rs", "pub fn run() {}\n"),
    ]);
    write(dir.path(), "driftcheck.toml", "specs = [\"content/**/*.md\"]\n");
    let (_, report) = json(dir.path(), &[]);
    let at = |f: &Value| f["spec"]["path"].as_str().unwrap_or("").to_string();
    let found: Vec<String> = report["findings"].as_array().expect("findings").iter().map(at).collect();
    assert_eq!(found, ["content/guide.md"], "the folder names our repository when no remote does: {report}");
}

#[test]
fn another_case_of_a_member_the_doc_does_not_qualify_is_only_a_warning() {
    let readme = "# Login\n\nSet `userName`, or `Params::userName` on the params.\n";
    let dir = repo(&[("src/lib.rs", "pub struct Params {\n    pub username: String,\n}\n"), ("README.md", readme)]);
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(field(&report, "reference"), ["userName", "Params::userName"]);
    assert_eq!(field(&report, "severity"), ["warning", "error"], "{report}");
    assert_eq!(report["findings"][0]["evidence"][0]["form"], "case-of-member");
}

#[test]
fn a_plural_near_miss_is_a_warning_and_a_misspelling_an_error() {
    let readme = "# Tokens\n\nCall `read_tokens()` or `read_tokn()` to read them.\n";
    let dir = repo(&[("src/lib.rs", "pub fn read_token() {}\n"), ("README.md", readme)]);
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(field(&report, "reference"), ["read_tokens()", "read_tokn()"]);
    assert_eq!(field(&report, "severity"), ["warning", "error"]);
    assert_eq!(
        report["findings"][0]["evidence"][0],
        serde_json::json!({"kind": "near-miss", "symbol": "read_token", "form": "plural"})
    );
}

#[test]
fn a_myst_link_to_a_label_or_an_object_is_a_sphinx_cross_reference() {
    let page =
        "# Examples\n\nSee [validators](api-validators), [include](pkg.filters.include) and ![logo](logo.png).\n";
    let dir = repo(&[
        ("docs/conf.py", "extensions = [\"myst_parser\"]\n"),
        ("docs/examples.md", page),
        ("pkg/filters.py", "def include():\n    pass\n"),
    ]);
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(field(&report, "reference"), ["logo.png"], "a missing file is still missing");
    write(dir.path(), "docs/conf.py", "extensions = []\n");
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(field(&report, "reference"), ["pkg.filters.include", "logo.png"], "without MyST they are files");
}

#[test]
fn generated_code_that_does_not_parse_is_not_reported() {
    let broken = "export const x = (1 +;\n";
    let dir = repo(&[
        ("src/prisma-generated/types.ts", broken),
        ("src/api.generated.ts", broken),
        ("src/app.ts", broken),
        ("README.md", "# App\n"),
    ]);
    let (_, report) = json(dir.path(), &["--min-confidence", "0"]);
    let paths: Vec<String> = report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|f| f["code"]["path"].as_str().unwrap_or("").to_string())
        .collect();
    assert_eq!(paths, ["src/app.ts"]);
}

#[test]
fn a_link_definition_used_twice_is_one_finding_for_the_first_clause_using_it() {
    let spec =
        "# Guide\n\nSee [the setup][setup] first.\n\nThen [the setup][setup] again.\n\n[setup]: docs/missing.md\n";
    let dir = repo(&[("src/net.rs", CODE), ("specs/guide.md", spec)]);
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 1, "{report}");
    let findings = report["findings"].as_array().cloned().unwrap_or_default();
    assert_eq!(findings.len(), 1, "{report}");
    assert_eq!(findings[0]["rule"], "dangling-path");
    assert_eq!(findings[0]["spec"]["line"], 7, "at the definition");
    assert_eq!(findings[0]["spec"]["clause"], "specs/guide.md#guide/1", "the first clause that uses it");
}
