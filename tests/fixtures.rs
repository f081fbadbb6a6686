//! Runs the real binary on every repository under `fixtures/` and checks
//! that it reports exactly the drift planted there — each planted finding is
//! marked `planted: RULE` on its own line — and nothing else: every trap in
//! the fixtures (std names, env vars, flags, shell commands, file names,
//! fenced examples, doc-site routes, suppressed clauses) stays silent.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use assert_cmd::Command;
use serde_json::Value;

/// (path, line, rule) → how many findings.
type Findings = BTreeMap<(String, u64, String), usize>;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join(name)
}

fn run_json(dir: &Path) -> (i32, Value) {
    let output = Command::cargo_bin("driftcheck")
        .expect("binary")
        .current_dir(dir)
        .args(["check", "--format", "json"])
        .output()
        .expect("run driftcheck");
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|error| panic!("not JSON ({error}): {}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code().expect("exit code"), report)
}

fn reported(report: &Value) -> Findings {
    let mut found = Findings::new();
    for finding in report["findings"].as_array().expect("findings array") {
        let side = if finding["spec"].is_null() { &finding["code"] } else { &finding["spec"] };
        let key = (
            side["path"].as_str().expect("path").to_string(),
            side["line"].as_u64().expect("line"),
            finding["rule"].as_str().expect("rule").to_string(),
        );
        *found.entry(key).or_default() += 1;
    }
    found
}

/// Every `planted: RULE [RULE…]` marker in the fixture's files.
fn planted(dir: &Path) -> Findings {
    let mut expected = Findings::new();
    for entry in ignore::WalkBuilder::new(dir).hidden(false).build().flatten() {
        if !entry.file_type().is_some_and(|t| t.is_file()) {
            continue;
        }
        let Ok(text) = fs::read_to_string(entry.path()) else { continue };
        let path = entry.path().strip_prefix(dir).expect("inside fixture").to_string_lossy().replace('\\', "/");
        for (index, line) in text.lines().enumerate() {
            let Some((_, rest)) = line.split_once("planted:") else { continue };
            for rule in rest.split_whitespace().take_while(|w| w.chars().all(|c| c.is_ascii_lowercase() || c == '-')) {
                *expected.entry((path.clone(), index as u64 + 1, rule.to_string())).or_default() += 1;
            }
        }
    }
    expected
}

fn assert_fixture(name: &str) {
    let dir = fixture(name);
    let (code, report) = run_json(&dir);
    let expected = planted(&dir);
    let found = reported(&report);
    let missed: Vec<_> = expected.iter().filter(|(k, n)| found.get(*k) != Some(n)).collect();
    let extra: Vec<_> = found.iter().filter(|(k, n)| expected.get(*k) != Some(n)).collect();
    assert!(
        missed.is_empty() && extra.is_empty(),
        "fixture {name}:\n  planted but not reported: {missed:?}\n  reported but not planted: {extra:?}"
    );
    for rule in ["dangling-symbol", "dangling-path", "dangling-spec-ref", "parse-error"] {
        assert!(expected.keys().any(|(_, _, r)| r == rule), "fixture {name} plants no {rule}");
    }
    assert_eq!(code, 1, "planted errors make the exit status 1");
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_suffix(name);
    settings.add_redaction(".tool.version", "[version]");
    settings.bind(|| insta::assert_json_snapshot!("report", report));
}

#[test]
fn rust_fixture() {
    assert_fixture("rust");
}

#[test]
fn python_fixture() {
    assert_fixture("python");
}

#[test]
fn typescript_fixture() {
    assert_fixture("typescript");
}

#[test]
fn javascript_fixture() {
    assert_fixture("javascript");
}

#[test]
fn go_fixture() {
    assert_fixture("go");
}

#[test]
fn java_fixture() {
    assert_fixture("java");
}

/// driftcheck passes on its own repository: its specs link to its code.
#[test]
fn driftcheck_checks_itself() {
    let (code, report) = run_json(Path::new(env!("CARGO_MANIFEST_DIR")));
    assert_eq!(report["findings"], serde_json::json!([]), "driftcheck's own specs drifted");
    assert_eq!(code, 0);
    assert!(report["summary"]["links"].as_u64().expect("links") >= 25);
}
