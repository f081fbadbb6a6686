//! Every report format of `check`, written by the real binary for the rust
//! fixture and compared with its snapshot; the SARIF log is validated
//! against the official SARIF 2.1.0 schema (a copy in `tests/schemas`).

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::{git, run, write};
use serde_json::{json, Value};
use tempfile::TempDir;

fn rust_fixture() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures").join("rust")
}

/// `driftcheck check --format FORMAT ARGS` in `dir`: exit code and stdout.
fn check(dir: &Path, format: &str, args: &[&str]) -> (i32, String) {
    let output = common::driftcheck(dir).args(["check", "--format", format]).args(args).output().expect("run");
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.is_empty(), "--format {format} wrote to stderr: {stderr}");
    let stdout = String::from_utf8(output.stdout).expect("UTF-8 output");
    (output.status.code().expect("exit code"), stdout)
}

/// Copies a directory tree.
fn copy_tree(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).expect("read fixture") {
        let entry = entry.expect("entry");
        let target = to.join(entry.file_name());
        if entry.file_type().expect("type").is_dir() {
            fs::create_dir_all(&target).expect("mkdir");
            copy_tree(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), &target).expect("copy");
        }
    }
}

fn fixture_copy() -> TempDir {
    let copy = TempDir::new().expect("temp dir");
    copy_tree(&rust_fixture(), copy.path());
    copy
}

/// The rust fixture's report in `format`; its planted errors exit 1. Run on
/// a copy outside any git work tree, so that the paths SARIF and GitHub
/// annotations give from the top of the repository are the fixture's own
/// wherever the project is checked out.
fn fixture_report(format: &str) -> String {
    let copy = fixture_copy();
    let (code, stdout) = check(copy.path(), format, &[]);
    assert_eq!(code, 1, "planted errors make the exit status 1 in --format {format}");
    stdout
}

#[test]
fn human() {
    insta::assert_snapshot!("human", fixture_report("human"));
}

#[test]
fn concise() {
    insta::assert_snapshot!("concise", fixture_report("concise"));
}

#[test]
fn json() {
    insta::assert_snapshot!("json", fixture_report("json"));
}

#[test]
fn sarif() {
    insta::assert_snapshot!("sarif", fixture_report("sarif"));
}

#[test]
fn github() {
    insta::assert_snapshot!("github", fixture_report("github"));
}

#[test]
fn markdown() {
    insta::assert_snapshot!("markdown", fixture_report("markdown"));
}

#[test]
fn junit() {
    insta::assert_snapshot!("junit", fixture_report("junit"));
}

/// The official schema, compiled as draft 2020-12 with every remote
/// reference refused: validation never goes to the network.
fn sarif_validator() -> jsonschema::Validator {
    let schema: Value = serde_json::from_str(include_str!("schemas/sarif-2.1.0.json")).expect("schema is JSON");
    assert_eq!(schema["$schema"], "https://json-schema.org/draft/2020-12/schema");
    jsonschema::draft202012::options().offline().build(&schema).expect("the SARIF schema compiles")
}

fn schema_errors(validator: &jsonschema::Validator, log: &Value) -> Vec<String> {
    validator.iter_errors(log).map(|error| format!("{} at {}", error, error.instance_path())).collect()
}

#[test]
fn sarif_is_valid_against_the_sarif_2_1_0_schema() {
    let validator = sarif_validator();
    let log: Value = serde_json::from_str(&fixture_report("sarif")).expect("SARIF is JSON");
    assert_eq!(schema_errors(&validator, &log), Vec::<String>::new());

    let mut fatal = log.clone();
    fatal["runs"][0]["results"][0]["level"] = json!("fatal");
    assert!(!schema_errors(&validator, &fatal).is_empty(), "an unknown level is rejected");
    let mut line_zero = log.clone();
    line_zero["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] = json!(0);
    assert!(!schema_errors(&validator, &line_zero).is_empty(), "lines start at 1");
    let mut no_version = log;
    no_version.as_object_mut().expect("log object").remove("version");
    assert!(!schema_errors(&validator, &no_version).is_empty(), "the version is required");
}

#[test]
fn sarif_results_match_the_json_findings() {
    let log: Value = serde_json::from_str(&fixture_report("sarif")).expect("SARIF is JSON");
    let report: Value = serde_json::from_str(&fixture_report("json")).expect("JSON report");
    let run = &log["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().expect("rules");
    let results = run["results"].as_array().expect("results");
    let findings = report["findings"].as_array().expect("findings");
    assert_eq!(results.len(), findings.len());
    for (result, finding) in results.iter().zip(findings) {
        let index = result["ruleIndex"].as_u64().expect("ruleIndex") as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert_eq!(result["ruleId"], finding["rule"]);
        assert_eq!(result["partialFingerprints"]["driftcheck/v1"], finding["fingerprint"]);
        let side = if finding["spec"].is_null() { &finding["code"] } else { &finding["spec"] };
        let location = &result["locations"][0]["physicalLocation"];
        assert_eq!(location["artifactLocation"]["uri"], side["path"]);
        assert_eq!(location["region"]["startLine"], side["line"]);
        let path = location["artifactLocation"]["uri"].as_str().expect("uri");
        assert!(rust_fixture().join(path).is_file(), "{path} is a file of the fixture");
        let region = &location["region"];
        let (start, end) = ((&region["startLine"], &region["startColumn"]), (&region["endLine"], &region["endColumn"]));
        let order = |(line, column): (&Value, &Value)| (line.as_u64(), column.as_u64());
        assert!(order(start) < order(end), "the region ends after it starts: {region}");
    }
}

#[test]
fn output_file_holds_the_bytes_stdout_gets() {
    let out = TempDir::new().expect("temp dir");
    let file = out.path().join("report.sarif");
    let file_arg = file.to_str().expect("UTF-8 path");
    let (code, stdout) = check(fixture_copy().path(), "sarif", &["--output", file_arg]);
    assert_eq!((code, stdout.as_str()), (1, ""), "the report goes to the file alone");
    let written = fs::read_to_string(&file).expect("report written");
    assert_eq!(written, fixture_report("sarif"));
}

/// A repository whose accepted link went stale (error, with a code side)
/// and with a link not yet accepted (info).
fn stale_repository() -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    write(dir.path(), "src/budget.rs", "pub fn retry_budget(attempts: u32) -> u32 {\n    attempts * 2\n}\n");
    write(dir.path(), "specs/retry.md", "# Retry policy\n\nThe budget is `retry_budget()`: twice the attempts.\n");
    write(dir.path(), "specs/quiet.md", "# Quiet\n\nNothing to link here.\n");
    let accepted = run(dir.path(), &["accept", "--all"]);
    assert_eq!(accepted.status.code(), Some(0), "{}", String::from_utf8_lossy(&accepted.stderr));
    write(dir.path(), "src/budget.rs", "pub fn retry_budget(attempts: u32) -> u32 {\n    attempts * 3\n}\n");
    write(dir.path(), "src/cap.rs", "pub const MAX_BUDGET: u32 = 10;\n");
    write(
        dir.path(),
        "specs/retry.md",
        "# Retry policy\n\nThe budget is `retry_budget()`: twice the attempts.\n\nIt never exceeds `MAX_BUDGET`.\n",
    );
    dir
}

#[test]
fn a_stale_link_has_its_code_as_related_location_and_info_is_a_note() {
    let dir = stale_repository();
    let (code, report) = check(dir.path(), "json", &[]);
    assert_eq!(code, 1, "{report}");
    let (_, sarif) = check(dir.path(), "sarif", &[]);
    let log: Value = serde_json::from_str(&sarif).expect("SARIF is JSON");
    assert_eq!(schema_errors(&sarif_validator(), &log), Vec::<String>::new());
    let results = log["runs"][0]["results"].as_array().expect("results");
    let levels: Vec<(&str, &str)> =
        results.iter().map(|r| (r["ruleId"].as_str().unwrap_or(""), r["level"].as_str().unwrap_or(""))).collect();
    assert_eq!(levels, [("stale-link", "error"), ("stale-link", "note")], "{sarif}");
    let related = &results[0]["relatedLocations"][0];
    assert_eq!(related["id"], 1);
    assert_eq!(related["physicalLocation"]["artifactLocation"]["uri"], "src/budget.rs");
    assert_eq!(related["physicalLocation"]["region"]["startLine"], 1);
    assert_eq!(related["message"]["text"], "linked code: `retry_budget`");

    let (_, junit) = check(dir.path(), "junit", &[]);
    assert!(junit.contains(r#"<testsuites name="driftcheck" tests="2" failures="1" errors="0">"#), "{junit}");
    assert!(junit.contains(r#"<testcase name="specs/quiet.md" classname="driftcheck"/>"#), "{junit}");
    assert!(junit.contains("code: src/budget.rs:1 (retry_budget)"), "{junit}");
    assert!(junit.contains("<system-out>specs/retry.md:5:1: info[stale-link]"), "{junit}");

    let (_, github) = check(dir.path(), "github", &[]);
    let commands: Vec<&str> = github.lines().map(|line| line.split(' ').next().unwrap_or("")).collect();
    assert_eq!(commands, ["::error", "::notice", "driftcheck:"], "{github}");
}

#[test]
fn without_findings_concise_prints_nothing_and_markdown_one_line() {
    let dir = TempDir::new().expect("temp dir");
    write(dir.path(), "src/budget.rs", "pub fn retry_budget() {}\n");
    write(dir.path(), "specs/retry.md", "# Retry policy\n\nThe budget is `retry_budget()`.\n");
    assert_eq!(check(dir.path(), "concise", &[]), (0, String::new()));
    let (code, markdown) = check(dir.path(), "markdown", &[]);
    assert_eq!(code, 0);
    assert_eq!(markdown, "**driftcheck**: no drift found in 1 spec file (1 clause) and 1 code file.\n");
    let (_, junit) = check(dir.path(), "junit", &[]);
    assert!(junit.contains(r#"<testcase name="specs/retry.md" classname="driftcheck"/>"#), "{junit}");
    assert!(junit.contains(r#"tests="1" failures="0""#), "{junit}");
}

#[test]
fn links_keeps_its_own_two_formats() {
    let output = run(&rust_fixture(), &["links", "--format", "sarif"]);
    assert_eq!(output.status.code(), Some(2), "links has no SARIF listing");
}
