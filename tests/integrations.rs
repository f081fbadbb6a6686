//! Where users run driftcheck: rule selection, quiet and coloured output,
//! the baseline, coverage, the git hook, stdin for editors, completions.
//! Each test runs the real binary on a small repository.

mod common;

use common::{check_json, field, git, repo, run, write};
use tempfile::TempDir;

/// A repository with one dangling symbol (error), one dangling path
/// (error), and one normative clause linking to no code.
fn drifted() -> TempDir {
    repo(&[
        (
            "specs/net.md",
            "# Net\n\nCall `Client::retry()` before giving up.\n\nSee [the pool](../src/pool.rs).\n\n\
             The client MUST close idle sockets.\n",
        ),
        ("src/net.rs", "pub struct Client;\nimpl Client {\n    pub fn retry_with_backoff(&self) {}\n}\n"),
    ])
}

fn stdout(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stdout).into_owned()
}

fn stderr(output: &std::process::Output) -> String {
    String::from_utf8_lossy(&output.stderr).into_owned()
}

#[test]
fn select_runs_only_the_named_rules() {
    let dir = drifted();
    let (code, report) = check_json(dir.path(), &["--select", "dangling-path"]);
    assert_eq!(field(&report, "rule"), ["dangling-path"]);
    assert_eq!(code, 1);
}

#[test]
fn select_turns_on_a_rule_that_is_off_by_default() {
    let dir = drifted();
    let (code, report) = check_json(dir.path(), &["--select", "unlinked-requirement"]);
    assert_eq!(field(&report, "rule"), ["unlinked-requirement"]);
    assert_eq!(field(&report, "severity"), ["warning"]);
    assert_eq!(code, 0, "a warning does not fail the run");
}

#[test]
fn ignore_drops_the_named_rules() {
    let dir = drifted();
    let (_, report) = check_json(dir.path(), &["--ignore", "dangling-symbol,dangling-path"]);
    assert!(field(&report, "rule").is_empty(), "{report}");
}

#[test]
fn an_unknown_rule_in_select_is_a_usage_error() {
    let dir = drifted();
    let output = run(dir.path(), &["check", "--select", "dangling-symbols"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("unknown rule `dangling-symbols`"), "{}", stderr(&output));
}

#[test]
fn quiet_prints_findings_without_summary() {
    let dir = drifted();
    let loud = stdout(&run(dir.path(), &["check"]));
    let quiet = run(dir.path(), &["check", "--quiet"]);
    assert!(loud.contains("driftcheck: 2 errors"), "{loud}");
    assert!(stdout(&quiet).contains("Client::retry"), "{}", stdout(&quiet));
    assert!(!stdout(&quiet).contains("driftcheck: "), "{}", stdout(&quiet));
    assert_eq!(quiet.status.code(), Some(1), "quiet changes the output, not the verdict");
}

#[test]
fn quiet_on_a_clean_repository_prints_nothing() {
    let dir = repo(&[("README.md", "# A\n\nCall `start()`.\n"), ("lib.rs", "pub fn start() {}\n")]);
    let output = run(dir.path(), &["check", "-q"]);
    assert_eq!(output.status.code(), Some(0));
    assert_eq!(stdout(&output), "");
}

#[test]
fn color_always_colours_and_no_color_still_wins() {
    let dir = drifted();
    let mut coloured = common::driftcheck(dir.path());
    coloured.env_remove("NO_COLOR").args(["check", "--color", "always"]);
    let output = coloured.output().expect("run");
    assert!(stdout(&output).contains("\u{1b}["), "expected ANSI colour:\n{}", stdout(&output));
    // common::driftcheck sets NO_COLOR=1.
    let output = run(dir.path(), &["check", "--color", "always"]);
    assert!(!stdout(&output).contains("\u{1b}["), "NO_COLOR must win:\n{}", stdout(&output));
}

#[test]
fn baseline_accepts_todays_findings_and_reports_only_new_drift() {
    let dir = drifted();
    let output = run(dir.path(), &["baseline"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let text = std::fs::read_to_string(dir.path().join("driftcheck.baseline")).expect("baseline written");
    let entries: Vec<&str> = text.lines().filter(|l| !l.starts_with('#')).collect();
    assert_eq!(entries.len(), 2, "{text}");
    let mut sorted = entries.clone();
    sorted.sort_by_key(|line| line.split('\t').nth(2).map(str::to_string));
    assert_eq!(entries, sorted, "entries are sorted by file");

    let (code, report) = check_json(dir.path(), &[]);
    assert_eq!((code, field(&report, "rule").len()), (0, 0), "{report}");

    write(dir.path(), "specs/more.md", "# More\n\nAnd `Client::reconnect()`.\n");
    let (code, report) = check_json(dir.path(), &[]);
    assert_eq!(field(&report, "reference"), ["Client::reconnect()"]);
    assert_eq!(code, 1);

    let (_, report) = check_json(dir.path(), &["--no-baseline"]);
    assert_eq!(field(&report, "rule").len(), 3);
}

#[test]
fn a_baseline_with_a_merge_conflict_is_an_error_naming_its_line() {
    let dir = drifted();
    write(dir.path(), "driftcheck.baseline", "# accepted\n<<<<<<< HEAD\n0123456789abcdef\tdangling-path\n");
    let output = run(dir.path(), &["check"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("driftcheck.baseline:2"), "{}", stderr(&output));
}

#[test]
fn coverage_counts_normative_clauses_and_public_symbols() {
    let dir = drifted();
    let output = run(dir.path(), &["coverage", "--format", "json"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(report["schema"], "driftcheck/coverage/v1");
    let spec = &report["specs"][0];
    assert_eq!(spec["path"], "specs/net.md");
    assert_eq!((spec["normative"].as_u64(), spec["normative_linked"].as_u64()), (Some(1), Some(0)));
    // Client and Client::retry_with_backoff are public; no spec links to them.
    assert_eq!(report["symbols"]["public"], 2);
    assert_eq!(report["symbols"]["referenced"], 0);

    let human = stdout(&run(dir.path(), &["coverage"]));
    assert!(human.contains("public symbols a spec links to: 0 of 2"), "{human}");
}

#[test]
fn an_ignore_comment_naming_an_unknown_rule_is_warned_about() {
    let dir = repo(&[
        ("README.md", "# A\n\n<!-- driftcheck:ignore dangling-symbols -->\nCall `gone_now()`.\n"),
        ("lib.rs", "pub fn start() {}\n"),
    ]);
    let output = run(dir.path(), &["check"]);
    let text = stdout(&output);
    assert!(
        text.contains("warning: README.md:4: `driftcheck:ignore` before this line names no rule `dangling-symbols`"),
        "{text}"
    );
    assert!(text.contains("gone_now()"), "the misspelt rule silences nothing:\n{text}");
}

#[test]
fn stdin_replaces_the_named_spec() {
    let dir = drifted();
    let mut command = common::driftcheck(dir.path());
    command.args(["check", "-", "--stdin-filename", "specs/net.md", "--format", "json"]);
    let output = command
        .write_stdin("# Net\n\nCall `Client::retry_with_backoff()` and `Client::vanish()`.\n")
        .output()
        .expect("run");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(field(&report, "reference"), ["Client::vanish()"], "the buffer, not the file on disk");
    assert_eq!(report["findings"][0]["spec"]["path"], "specs/net.md");
    assert_eq!(report["findings"][0]["spec"]["line"], 3);
}

#[test]
fn stdin_may_name_a_spec_that_does_not_exist_yet() {
    let dir = drifted();
    let output = common::driftcheck(dir.path())
        .args(["check", "-", "--stdin-filename", "docs/new.md", "--format", "json"])
        .write_stdin("# New\n\nUse `Client::vanish()`.\n")
        .output()
        .expect("run");
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).expect("JSON");
    assert_eq!(field(&report, "reference"), ["Client::vanish()"], "only the buffer's findings");
}

#[test]
fn stdin_without_a_filename_is_a_usage_error() {
    let dir = drifted();
    let output = common::driftcheck(dir.path()).args(["check", "-"]).write_stdin("x").output().expect("run");
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("--stdin-filename"), "{}", stderr(&output));
}

#[test]
fn completions_are_printed_for_each_shell() {
    let dir = drifted();
    let shells = [
        ("bash", "_driftcheck()"),
        ("zsh", "#compdef driftcheck"),
        ("fish", "complete -c driftcheck"),
        ("elvish", "edit:completion:arg-completer[driftcheck]"),
        ("powershell", "Register-ArgumentCompleter"),
    ];
    for (shell, marker) in shells {
        let output = run(dir.path(), &["completions", shell]);
        assert_eq!(output.status.code(), Some(0));
        let script = stdout(&output);
        assert!(script.contains(marker), "{shell}: {script}");
        assert!(script.contains("stdin-filename"), "{shell} completes check's flags");
    }
}

fn committed_repository() -> TempDir {
    let dir = repo(&[("README.md", "# A\n\nCall `start()`.\n"), ("lib.rs", "pub fn start() {}\n")]);
    git(dir.path(), &["init", "-q"]);
    git(dir.path(), &["add", "-A"]);
    git(dir.path(), &["commit", "-qm", "start"]);
    dir
}

fn commit(dir: &std::path::Path, message: &str) -> std::process::Output {
    std::process::Command::new("git")
        .args(["-c", "user.name=Test", "-c", "user.email=test@example.com", "commit", "-qm", message])
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .output()
        .expect("git commit runs")
}

#[test]
fn the_installed_hook_blocks_a_commit_that_adds_drift() {
    let dir = committed_repository();
    let output = run(dir.path(), &["hook", "install"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    assert!(dir.path().join(".git/hooks/pre-commit").is_file());

    // The code renames what the README names: staged, that is drift.
    write(dir.path(), "lib.rs", "pub fn begin() {}\n");
    git(dir.path(), &["add", "lib.rs"]);
    let blocked = commit(dir.path(), "rename");
    assert!(!blocked.status.success(), "the hook must stop the commit");
    // git passes a hook's output on to its own stderr.
    assert!(stderr(&blocked).contains("`start()`"), "{}", stderr(&blocked));

    write(dir.path(), "README.md", "# A\n\nCall `begin()`.\n");
    git(dir.path(), &["add", "README.md"]);
    let allowed = commit(dir.path(), "fixed");
    assert!(allowed.status.success(), "{}{}", stdout(&allowed), stderr(&allowed));
}

#[test]
fn hook_install_never_clobbers_an_existing_hook() {
    let dir = committed_repository();
    let hook = dir.path().join(".git/hooks/pre-commit");
    write(dir.path(), ".git/hooks/pre-commit", "#!/bin/sh\necho theirs\n");
    let refused = run(dir.path(), &["hook", "install"]);
    assert_eq!(refused.status.code(), Some(2));
    assert!(stderr(&refused).contains("--chain"), "{}", stderr(&refused));
    assert_eq!(std::fs::read_to_string(&hook).expect("hook"), "#!/bin/sh\necho theirs\n");
}

#[cfg(unix)]
#[test]
fn hook_install_chain_runs_the_existing_hook_first() {
    use std::os::unix::fs::PermissionsExt;
    let dir = committed_repository();
    let hook = dir.path().join(".git/hooks/pre-commit");
    write(dir.path(), ".git/hooks/pre-commit", "#!/bin/sh\necho theirs ran >&2\nexit 3\n");
    std::fs::set_permissions(&hook, std::fs::Permissions::from_mode(0o755)).expect("chmod");
    let output = run(dir.path(), &["hook", "install", "--chain"]);
    assert_eq!(output.status.code(), Some(0), "{}", stderr(&output));
    let kept = dir.path().join(".git/hooks/pre-commit.before-driftcheck");
    assert!(std::fs::read_to_string(&kept).expect("kept").contains("theirs ran"));

    write(dir.path(), "lib.rs", "pub fn start() {}\npub fn more() {}\n");
    git(dir.path(), &["add", "lib.rs"]);
    let blocked = commit(dir.path(), "more");
    assert!(!blocked.status.success(), "the chained hook's failure stops the commit");
    assert!(stderr(&blocked).contains("theirs ran"), "{}", stderr(&blocked));
}

#[cfg(unix)]
#[test]
fn output_through_a_symbolic_link_writes_the_file_it_points_at() {
    let dir = drifted();
    write(dir.path(), "reports/latest.json", "old");
    std::os::unix::fs::symlink("reports/latest.json", dir.path().join("report.json")).expect("symlink");
    let output = run(dir.path(), &["check", "--format", "json", "-o", "report.json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    let link = std::fs::symlink_metadata(dir.path().join("report.json")).expect("link");
    assert!(link.file_type().is_symlink(), "the link stays a link");
    let text = std::fs::read_to_string(dir.path().join("reports/latest.json")).expect("target");
    assert!(text.contains("\"schema\": \"driftcheck/report/v1\""), "{text}");
}

fn manifest() -> String {
    std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/.pre-commit-hooks.yaml")).expect("manifest")
}

#[test]
fn pre_commit_accepts_the_hooks_manifest() {
    let path = concat!(env!("CARGO_MANIFEST_DIR"), "/.pre-commit-hooks.yaml");
    let output = match std::process::Command::new("pre-commit").args(["validate-manifest", path]).output() {
        Ok(output) => output,
        // .ci/run installs pre-commit; elsewhere it may be missing.
        Err(_) if std::env::var_os("CI").is_none() => return eprintln!("pre-commit is not installed: not validated"),
        Err(error) => panic!("pre-commit must be installed in CI: {error}"),
    };
    assert!(output.status.success(), "{}{}", stdout(&output), stderr(&output));
}

#[test]
fn the_manifests_hook_command_runs_on_a_repository() {
    let text = manifest();
    let entries: Vec<&str> = text.lines().filter_map(|line| line.trim().strip_prefix("entry: ")).collect();
    assert_eq!(entries.len(), 2, "{text}");
    let dir = committed_repository();
    for entry in entries {
        let args: Vec<&str> = entry.split_whitespace().collect();
        assert_eq!(args[0], "driftcheck");
        let output = run(dir.path(), &args[1..]);
        assert_eq!(output.status.code(), Some(0), "{entry}: {}", stderr(&output));
        assert_eq!(stdout(&output), "", "{entry} is quiet on a clean repository");
    }
}

#[test]
fn a_stdin_filename_leading_out_of_the_repository_is_a_usage_error() {
    let dir = drifted();
    let output = common::driftcheck(&dir.path().join("specs"))
        .args(["check", "-", "--stdin-filename", "../../elsewhere/x.md"])
        .write_stdin("# X\n\n`Client::vanish()`\n")
        .output()
        .expect("run");
    assert_eq!(output.status.code(), Some(2), "{}", stdout(&output));
    assert!(stderr(&output).contains("outside the repository"), "{}", stderr(&output));
}

#[test]
fn a_stdin_spec_the_configuration_does_not_count_gets_no_findings() {
    let dir = drifted();
    write(dir.path(), "driftcheck.toml", "specs = [\"specs/**/*.md\"]\nignore = [\"specs/drafts/**\"]\n");
    for name in ["notes/todo.md", "specs/drafts/next.md"] {
        let output = common::driftcheck(dir.path())
            .args(["check", "-", "--stdin-filename", name, "--format", "concise"])
            .write_stdin("# X\n\nUse `Client::vanish()`.\n")
            .output()
            .expect("run");
        assert_eq!((output.status.code(), stdout(&output)), (Some(0), String::new()), "{name}: {}", stderr(&output));
    }
}

#[test]
fn junit_lists_only_the_specs_in_scope() {
    let dir = drifted();
    write(dir.path(), "specs/other.md", "# Other\n\nSee `Client::retry_with_backoff`.\n");
    let whole = stdout(&run(dir.path(), &["check", "--format", "junit"]));
    assert!(whole.contains(r#"<testcase name="specs/other.md""#), "{whole}");
    let narrowed = stdout(&run(dir.path(), &["check", "--format", "junit", "specs/net.md"]));
    assert!(narrowed.contains(r#"<testcase name="specs/net.md""#), "{narrowed}");
    assert!(!narrowed.contains("specs/other.md"), "{narrowed}");
}

fn misspelt_ignore() -> TempDir {
    repo(&[
        ("README.md", "# A\n\n<!-- driftcheck:ignore dangling-symbols -->\nCall `gone_now()`.\n"),
        ("lib.rs", "pub fn start() {}\n"),
    ])
}

#[test]
fn machine_formats_and_quiet_say_directive_mistakes_on_stderr() {
    let dir = misspelt_ignore();
    for args in [&["check", "--format", "concise"][..], &["check", "--format", "json"], &["check", "--quiet"]] {
        let output = run(dir.path(), args);
        assert!(stderr(&output).contains("warning: README.md:4: `driftcheck:ignore`"), "{args:?}: {}", stderr(&output));
    }
    let human = run(dir.path(), &["check"]);
    assert!(!stderr(&human).contains("warning"), "the human report shows it itself");
}

#[test]
fn github_annotates_a_directive_mistake_as_a_warning() {
    let dir = misspelt_ignore();
    let output = run(dir.path(), &["check", "--format", "github"]);
    let text = stdout(&output);
    assert!(text.contains("::warning file=README.md,line=4,title=driftcheck::`driftcheck:ignore`"), "{text}");
    assert!(stderr(&output).is_empty(), "{}", stderr(&output));
}

#[test]
fn sarif_and_github_name_files_from_the_top_of_the_repository() {
    let dir = repo(&[
        ("site/driftcheck.toml", "specs = [\"*.md\"]\n"),
        ("site/guide.md", "# Guide\n\nSee [the loader](src/loader.rs).\n"),
        ("site/src/lib.rs", "pub fn start() {}\n"),
    ]);
    git(dir.path(), &["init", "-q"]);
    let site = dir.path().join("site");
    let github = stdout(&run(&site, &["check", "--format", "github"]));
    assert!(github.starts_with("::error file=site/guide.md,line=3,"), "{github}");
    let sarif: serde_json::Value =
        serde_json::from_slice(&run(&site, &["check", "--format", "sarif"]).stdout).expect("JSON");
    let location = &sarif["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["artifactLocation"];
    assert_eq!(location["uri"], "site/guide.md");
    // Reports for people and scripts keep paths relative to the root.
    let (_, report) = check_json(&site, &[]);
    assert_eq!(report["findings"][0]["spec"]["path"], "guide.md");
}

#[test]
fn an_output_that_cannot_be_written_is_an_error_naming_it() {
    let dir = drifted();
    let output = run(dir.path(), &["check", "-o", "missing/report.txt"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(stderr(&output).contains("cannot write the report to missing/report.txt"), "{}", stderr(&output));
    assert!(!stderr(&output).contains(".tmp"), "the temporary file is not the user's: {}", stderr(&output));
}

#[cfg(unix)]
#[test]
fn output_through_a_link_to_a_missing_file_creates_it_and_keeps_the_link() {
    let dir = drifted();
    std::os::unix::fs::symlink("latest.json", dir.path().join("report.json")).expect("symlink");
    let output = run(dir.path(), &["check", "--format", "json", "-o", "report.json"]);
    assert_eq!(output.status.code(), Some(1), "{}", stderr(&output));
    assert!(std::fs::symlink_metadata(dir.path().join("report.json")).expect("link").file_type().is_symlink());
    assert!(std::fs::read_to_string(dir.path().join("latest.json")).expect("created").contains("driftcheck/report/v1"));
}

#[test]
fn selecting_a_reserved_rule_or_nothing_is_warned_about() {
    let dir = drifted();
    let reserved = run(dir.path(), &["check", "--select", "value-mismatch"]);
    assert!(stderr(&reserved).contains("`value-mismatch` is reserved"), "{}", stderr(&reserved));
    let emptied = run(dir.path(), &["check", "--select", "dangling-path", "--ignore", "dangling-path"]);
    assert!(stderr(&emptied).contains("nothing is checked"), "{}", stderr(&emptied));
}
