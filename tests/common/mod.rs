//! What the integration tests share: temporary repositories, the real
//! binary, and reading its JSON report.
// Each test crate uses a different part of this module.
#![allow(dead_code)]

use std::fs;
use std::path::Path;
use std::process::Output;

use assert_cmd::Command;
use serde_json::Value;
use tempfile::TempDir;

/// Runs git in `dir` as a test user, and insists it succeeds.
pub fn git(dir: &Path, args: &[&str]) {
    let status = std::process::Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com", "-c", "commit.gpgsign=false"])
        .args(args)
        .current_dir(dir)
        .output()
        .expect("git runs");
    assert!(status.status.success(), "git {args:?}: {}", String::from_utf8_lossy(&status.stderr));
}

/// Makes `dir` a git repository whose one commit holds everything in it.
pub fn commit_all(dir: &Path, message: &str) {
    git(dir, &["init", "-q"]);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-qm", message]);
}

/// A temporary directory holding these files.
pub fn repo(files: &[(&str, &str)]) -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    for (path, text) in files {
        write(dir.path(), path, text);
    }
    dir
}

pub fn write(dir: &Path, path: &str, text: &str) {
    let full = dir.join(path);
    fs::create_dir_all(full.parent().expect("parent")).expect("mkdir");
    fs::write(full, text).expect("write");
}

/// The driftcheck binary, run in `dir` without colours.
pub fn driftcheck(dir: &Path) -> Command {
    let mut command = Command::cargo_bin("driftcheck").expect("binary");
    command.current_dir(dir).env("NO_COLOR", "1");
    command
}

pub fn run(dir: &Path, args: &[&str]) -> Output {
    driftcheck(dir).args(args).output().expect("run")
}

/// `driftcheck check --format json ARGS`: exit code and report.
pub fn check_json(dir: &Path, args: &[&str]) -> (i32, Value) {
    let output = driftcheck(dir).arg("check").args(["--format", "json"]).args(args).output().expect("run");
    let report = serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|_| panic!("JSON expected; stderr: {}", String::from_utf8_lossy(&output.stderr)));
    (output.status.code().expect("exit code"), report)
}

/// One field of every finding, in report order: `field(&report, "rule")`.
pub fn field(report: &Value, key: &str) -> Vec<String> {
    report["findings"]
        .as_array()
        .expect("findings")
        .iter()
        .map(|finding| finding[key].as_str().unwrap_or("").to_string())
        .collect()
}
