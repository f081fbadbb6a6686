//! The real binary on small temporary repositories: exit codes, formats,
//! configuration errors, narrowing, skipped files.

use std::fs;
use std::path::Path;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

fn repo(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    for (path, text) in files {
        let full = dir.path().join(path);
        fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
        fs::write(full, text).expect("write");
    }
    dir
}

fn driftcheck(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("driftcheck").expect("binary");
    command.current_dir(dir).env("NO_COLOR", "1");
    command
}

fn json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let output = driftcheck(dir).arg("check").args(["--format", "json"]).args(args).output().expect("run");
    let value = serde_json::from_slice(&output.stdout).expect("stdout is JSON");
    (output.status.code().expect("exit code"), value)
}

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
    assert_eq!(finding["confidence"], 1.0);
    assert_eq!(finding["fingerprint"].as_str().map(str::len), Some(16));
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
    let dir =
        repo(&[("src/net.rs", CODE), ("specs/a.md", "Calls `gone_one()`.\n"), ("specs/b.md", "Calls `gone_two()`.\n")]);
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
    let dir = repo(&[("src/net.rs", CODE), ("README.md", "Calls `gone_function()`.\n")]);
    let output =
        driftcheck(dir.path()).args(["check", "--format", "json", "--output", "report.json"]).output().expect("run");
    assert_eq!(output.status.code(), Some(1));
    assert!(output.stdout.is_empty());
    let report: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("report.json")).expect("report")).expect("json");
    assert_eq!(report["findings"][0]["reference"], "gone_function()");
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
fn binary_huge_and_non_utf8_files_are_skipped_with_a_note() {
    let dir = repo(&[
        ("src/net.rs", CODE),
        ("README.md", "`Client::retry_with_backoff`\n"),
        ("driftcheck.toml", "max_file_size = 2000\n"),
    ]);
    fs::write(dir.path().join("src/blob.dat2"), [0u8, 159, 146, 150]).expect("write");
    fs::write(dir.path().join("src/latin1.txt"), [b'c', b'a', b'f', 0xe9]).expect("write");
    fs::write(dir.path().join("src/huge.rs"), "// x\n".repeat(1000)).expect("write");
    let output = driftcheck(dir.path()).arg("check").output().expect("run");
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert!(stdout.contains("note: src/blob.dat2: skipped: binary file"), "{stdout}");
    assert!(stdout.contains("note: src/latin1.txt: skipped: not valid UTF-8"), "{stdout}");
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
    let dir =
        repo(&[("src/lib.rs", "pub fn a() {}\n"), ("app/main.py", "def b():\n    pass\n"), ("docs/x.md", "# X\n")]);
    driftcheck(dir.path()).arg("init").assert().code(0);
    let text = fs::read_to_string(dir.path().join("driftcheck.toml")).expect("config");
    assert!(text.contains("specs = [\"docs/**/*.md\", \"*.md\"]"), "{text}");
    assert!(text.contains("code = [\"src/**\", \"app/**\"]"), "{text}");
    assert!(text.contains("found: python, rust") || text.contains("found: rust, python"), "{text}");
    driftcheck(dir.path()).arg("check").assert().code(0);
    driftcheck(dir.path()).arg("init").assert().code(2);
    driftcheck(dir.path()).args(["init", "--force"]).assert().code(0);
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
