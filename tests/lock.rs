//! The lock and git workflow, end to end on real temporary git repositories:
//! accept → format-only edit → body change → staged-only change → --base →
//! accept again → corrupt lock → concurrent accepts → moved symbol.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command as Process;

use common::{check_json, field, git, run, write};
use tempfile::TempDir;

const CODE: &str = "/// Doubles the budget.\npub fn retry_budget(attempts: u32) -> u32 {\n    attempts * 2\n}\n";
const SPEC: &str = "# Retry policy\n\nThe budget is `retry_budget()`: twice the attempts.\n";

fn repository() -> TempDir {
    let dir = TempDir::new().expect("temp dir");
    git(dir.path(), &["init", "-q", "-b", "main"]);
    write(dir.path(), "src/budget.rs", CODE);
    write(dir.path(), "specs/retry.md", SPEC);
    git(dir.path(), &["add", "."]);
    git(dir.path(), &["commit", "-q", "-m", "initial"]);
    dir
}

fn accept_all(dir: &Path) -> String {
    let output = run(dir, &["accept", "--all"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    String::from_utf8_lossy(&output.stdout).into_owned()
}

#[test]
fn lock_workflow() {
    let repo = repository();
    let dir = repo.path();

    // Without a lock nothing is stale or unreviewed.
    let (code, report) = check_json(dir, &[]);
    assert_eq!((code, field(&report, "rule")), (0, vec![]));
    assert_eq!(report["summary"]["links"], 1);

    // Accept records one link.
    let printed = accept_all(dir);
    assert!(
        printed.contains("accepted specs/retry.md#retry-policy/1 -> src/budget.rs::retry_budget (new)"),
        "{printed}"
    );
    assert!(printed.contains("1 new, 0 changed, 0 unchanged, 0 removed; 1 links recorded"), "{printed}");
    let lock = fs::read_to_string(dir.join("driftcheck.lock")).expect("lock written");
    let entries: Vec<&str> = lock.lines().filter(|l| !l.starts_with('#') && !l.starts_with("version")).collect();
    assert_eq!(entries.len(), 1);
    assert!(entries[0].starts_with("specs/retry.md#retry-policy/1\t"));
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "accept"]);
    assert_eq!(check_json(dir, &[]).0, 0);

    // Formatting and comments are not drift.
    write(dir, "src/budget.rs", "/// Doubles the budget, always.\npub fn retry_budget(attempts: u32) -> u32\n{\n    // twice\n    attempts   *   2\n}\n");
    let (code, report) = check_json(dir, &[]);
    assert_eq!((code, field(&report, "rule")), (0, vec![]));

    // A body change is a stale link, with the code location and a diff.
    write(dir, "src/budget.rs", &CODE.replace("attempts * 2", "attempts * 3"));
    let (code, report) = check_json(dir, &[]);
    assert_eq!(code, 1);
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "stale-link");
    assert_eq!(finding["spec"]["clause"], "specs/retry.md#retry-policy/1");
    assert_eq!(finding["code"]["path"], "src/budget.rs");
    assert_eq!(finding["code"]["symbol"], "retry_budget");
    let human = String::from_utf8_lossy(&run(dir, &["check"]).stdout).into_owned();
    assert!(human.contains("-    attempts * 2") && human.contains("+    attempts * 3"), "{human}");
    // The diff comes from git history when the local cache is gone.
    fs::remove_dir_all(dir.join(".driftcheck/cache")).expect("cache existed");
    let human = String::from_utf8_lossy(&run(dir, &["check"]).stdout).into_owned();
    assert!(human.contains("-    attempts * 2") && human.contains("+    attempts * 3"), "{human}");

    // Only the staged content matters to --staged.
    git(dir, &["add", "src/budget.rs"]);
    write(dir, "src/budget.rs", CODE);
    assert_eq!(check_json(dir, &[]).0, 0, "the working tree is back to the accepted code");
    let (code, report) = check_json(dir, &["--staged"]);
    assert_eq!((code, field(&report, "rule")), (1, vec!["stale-link".to_string()]));
    git(dir, &["reset", "-q", "src/budget.rs"]);
    assert_eq!(check_json(dir, &["--staged"]).0, 0);

    // Accepting again makes the changed body the reviewed state.
    write(dir, "src/budget.rs", &CODE.replace("attempts * 2", "attempts * 3"));
    let printed = String::from_utf8_lossy(&run(dir, &["accept", "specs/retry.md"]).stdout).into_owned();
    assert!(printed.contains("(changed)"), "{printed}");
    assert_eq!(check_json(dir, &[]).0, 0);

    // A new, unaccepted link is info, not an error.
    write(
        dir,
        "src/budget.rs",
        &format!("{}\npub fn reset_budget() {{}}\n", CODE.replace("attempts * 2", "attempts * 3")),
    );
    write(dir, "specs/retry.md", &format!("{SPEC}\nCall `reset_budget()` after a success.\n"));
    let (code, report) = check_json(dir, &[]);
    assert_eq!(code, 0);
    assert_eq!(report["findings"][0]["rule"], "stale-link");
    assert_eq!(report["findings"][0]["severity"], "info");
    assert_eq!(check_json(dir, &["--fail-on", "info"]).0, 1);
}

#[test]
fn base_reports_only_what_changed_since_the_revision() {
    let repo = repository();
    let dir = repo.path();
    write(dir, "docs/old.md", "Untouched drift: `long_gone_function()`.\n");
    accept_all(dir);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "base state"]);
    git(dir, &["checkout", "-q", "-b", "feature"]);
    write(dir, "src/budget.rs", &CODE.replace("attempts * 2", "attempts + 1"));
    write(dir, "specs/new.md", "Calls `missing_helper()`.\n");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "feature"]);

    let (code, all) = check_json(dir, &[]);
    assert_eq!(code, 1);
    let mut everything = field(&all, "rule");
    everything.sort();
    assert_eq!(everything, ["dangling-symbol", "dangling-symbol", "stale-link"]);

    let (code, since) = check_json(dir, &["--base", "main"]);
    assert_eq!(code, 1);
    let references = field(&since, "reference");
    assert_eq!(
        references,
        ["missing_helper()", "src/budget.rs::retry_budget"],
        "the untouched drift in docs/old.md is not reported"
    );

    let output = run(dir, &["check", "--base", "no-such-branch"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains("--base no-such-branch") && stderr.contains("git fetch"), "{stderr}");
}

#[test]
fn corrupt_or_conflicted_lock_is_an_error_at_its_line() {
    let repo = repository();
    let dir = repo.path();
    accept_all(dir);
    let lock = fs::read_to_string(dir.join("driftcheck.lock")).expect("lock");
    let line_count = lock.lines().count();
    fs::write(dir.join("driftcheck.lock"), format!("{lock}this line is not an entry\n")).expect("write");
    let output = run(dir, &["check"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("driftcheck.lock line {} is not a lock entry", line_count + 1)), "{stderr}");
    assert!(output.stdout.is_empty());

    fs::write(dir.join("driftcheck.lock"), format!("{lock}<<<<<<< HEAD\n=======\n>>>>>>> other\n")).expect("write");
    let output = run(dir, &["accept", "specs/retry.md"]);
    assert_eq!(output.status.code(), Some(2), "a partial accept refuses to overwrite a conflicted lock");
    assert!(String::from_utf8_lossy(&output.stderr).contains("unresolved merge conflict"));
    assert!(fs::read_to_string(dir.join("driftcheck.lock")).expect("lock").contains("<<<<<<<"), "nothing was written");
    let output = run(dir, &["accept", "--all"]);
    assert_eq!(output.status.code(), Some(0), "accept --all re-reviews everything and rebuilds it");
    assert_eq!(fs::read_to_string(dir.join("driftcheck.lock")).expect("lock"), lock);

    let duplicated = format!("{lock}{}\n", lock.lines().last().expect("an entry"));
    fs::write(dir.join("driftcheck.lock"), duplicated).expect("write");
    assert_eq!(check_json(dir, &[]).0, 0, "the same record twice is one record");

    let mut bytes = lock.clone().into_bytes();
    bytes.extend_from_slice(b"specs/retry.md#x/9\taa\tsrc/\xff.rs\tbb\n");
    fs::write(dir.join("driftcheck.lock"), bytes).expect("write");
    let output = run(dir, &["check"]);
    assert_eq!(output.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(stderr.contains(&format!("driftcheck.lock line {} is not valid UTF-8", line_count + 1)), "{stderr}");
    assert_eq!(run(dir, &["accept", "--all"]).status.code(), Some(0), "accept --all rebuilds it");
    assert_eq!(fs::read_to_string(dir.join("driftcheck.lock")).expect("lock"), lock);

    let headless: String = lock.lines().filter(|l| !l.starts_with("version")).map(|l| format!("{l}\n")).collect();
    fs::write(dir.join("driftcheck.lock"), headless).expect("write");
    let output = run(dir, &["check"]);
    assert_eq!(output.status.code(), Some(2), "a lock without its version line is not read as empty");
    assert!(String::from_utf8_lossy(&output.stderr).contains("before the `version` line"));
}

/// Two branches change different functions of one linked file and each
/// accepts; `merge=union` keeps both records. The link is stale until it
/// is accepted again, and accepting its spec repairs the lock.
#[test]
fn a_union_merged_lock_is_stale_until_accepted_again() {
    let code = "pub fn first() -> u32 {\n    1\n}\n\npub fn second() -> u32 {\n    2\n}\n";
    let spec = "# Numbers\n\nSee [the numbers](../src/numbers.rs).\n";
    let dir = TempDir::new().expect("temp dir");
    let dir = dir.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, "src/numbers.rs", code);
    write(dir, "specs/numbers.md", spec);
    write(dir, ".gitattributes", "driftcheck.lock merge=union\n");
    accept_all(dir);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "initial"]);
    git(dir, &["checkout", "-q", "-b", "other"]);
    write(dir, "src/numbers.rs", &code.replace("    2\n", "    22\n"));
    accept_all(dir);
    git(dir, &["commit", "-q", "-am", "second"]);
    git(dir, &["checkout", "-q", "main"]);
    write(dir, "src/numbers.rs", &code.replace("    1\n", "    11\n"));
    accept_all(dir);
    git(dir, &["commit", "-q", "-am", "first"]);
    git(dir, &["merge", "-q", "--no-edit", "other"]);
    let lock = fs::read_to_string(dir.join("driftcheck.lock")).expect("lock");
    assert_eq!(lock.lines().filter(|l| l.starts_with("specs/")).count(), 2, "the union kept both records:\n{lock}");

    let (code, report) = check_json(dir, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(field(&report, "rule"), ["stale-link"]);
    assert!(field(&report, "message")[0].contains("accepted twice"), "{report}");

    let output = run(dir, &["accept", "specs/numbers.md"]);
    assert_eq!(output.status.code(), Some(0), "{}", String::from_utf8_lossy(&output.stderr));
    let lock = fs::read_to_string(dir.join("driftcheck.lock")).expect("lock");
    assert_eq!(lock.lines().filter(|l| l.starts_with("specs/")).count(), 1, "{lock}");
    assert_eq!(check_json(dir, &[]).0, 0);
}

#[test]
fn concurrent_accepts_leave_a_valid_lock() {
    let repo = repository();
    let dir = repo.path();
    let mut spec = String::from("# Budgets\n\n");
    let mut code = String::new();
    for n in 0..40 {
        spec.push_str(&format!("- `budget_{n}()` is the budget number {n}.\n"));
        code.push_str(&format!("pub fn budget_{n}() -> u32 {{ {n} }}\n"));
    }
    write(dir, "specs/budgets.md", &spec);
    write(dir, "src/budgets.rs", &code);
    let binary = assert_cmd::cargo::cargo_bin("driftcheck");
    let children: Vec<_> = (0..4)
        .map(|i| {
            let target = if i % 2 == 0 { "specs/budgets.md" } else { "specs/retry.md" };
            Process::new(&binary).args(["accept", target]).current_dir(dir).spawn().expect("spawn")
        })
        .collect();
    for child in children {
        assert!(child.wait_with_output().expect("wait").status.success());
    }
    let lock = fs::read_to_string(dir.join("driftcheck.lock")).expect("lock");
    let entries = lock.lines().filter(|l| !l.starts_with('#') && !l.starts_with("version")).count();
    assert_eq!(entries, 41, "both selections are recorded, each once:\n{lock}");
    let (code, report) = check_json(dir, &[]);
    assert_eq!((code, field(&report, "rule")), (0, vec![]));
    let leftovers =
        dir.read_dir().expect("dir").flatten().filter(|e| e.file_name().to_string_lossy().starts_with(".tmp"));
    assert_eq!(leftovers.count(), 0, "no temporary files left behind");
}

#[test]
fn a_symbol_moved_unchanged_is_followed() {
    let repo = repository();
    let dir = repo.path();
    accept_all(dir);
    fs::remove_file(dir.join("src/budget.rs")).expect("remove");
    write(dir, "src/policy/budget.rs", CODE);
    let (code, report) = check_json(dir, &[]);
    assert_eq!((code, field(&report, "rule")), (0, vec![]), "{report}");
}

#[test]
fn git_options_outside_a_repository_are_usage_errors() {
    let dir = TempDir::new().expect("temp dir");
    write(dir.path(), "README.md", "# Demo\n");
    let output = run(dir.path(), &["check", "--staged"]);
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("--staged needs a git repository"));
    assert_eq!(run(dir.path(), &["check", "--base", "main"]).status.code(), Some(2));
    assert_eq!(run(dir.path(), &["check"]).status.code(), Some(0), "everything else works outside git");
}

#[test]
fn a_name_a_commit_stopped_defining_is_reported_whatever_its_shape() {
    let repo = initial_repo(
        "pub fn connect() {}\npub fn send() {}\n",
        "Call `connect()` first, then `send()`. Unrelated: `iter()`.\n",
    );
    let dir = repo.path();
    assert_eq!(check_json(dir, &[]).0, 0);
    // `connect` becomes `open`: no similar name is left, but history knows.
    write(dir, "src/net.rs", "pub fn open() {}\npub fn send() {}\n");
    git(dir, &["commit", "-q", "-am", "rename connect to open"]);
    let (code, report) = check_json(dir, &[]);
    assert_eq!(code, 1);
    let references = field(&report, "reference");
    assert_eq!(references, ["connect()"], "`iter()` was never ours and stays silent");
}

#[test]
fn a_deleted_page_is_reported_even_on_a_doc_site() {
    let repo = TempDir::new().expect("temp dir");
    let dir = repo.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, "mkdocs.yml", "site_name: demo\n");
    write(dir, "docs/index.md", "See [HTTP/2](http2.md) and [fields](fields.md), a page the site generates.\n");
    write(dir, "docs/http2.md", "# HTTP/2\n");
    write(dir, "src/lib.py", "def noop():\n    pass\n");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "initial"]);
    assert_eq!(check_json(dir, &[]).0, 0, "fields.md never existed: a generated page");
    fs::remove_file(dir.join("docs/http2.md")).expect("remove");
    git(dir, &["commit", "-q", "-am", "drop the HTTP/2 page"]);
    let (code, report) = check_json(dir, &[]);
    assert_eq!(code, 1);
    assert_eq!(field(&report, "rule"), ["dangling-path"]);
    assert_eq!(report["findings"][0]["reference"], "http2.md");
}

#[test]
fn own_class_named_like_a_builtin_is_followed_through_history() {
    let repo = TempDir::new().expect("temp dir");
    let dir = repo.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, "source/errors.ts", "export class TimeoutError extends Error {}\n");
    write(
        dir,
        "readme.md",
        "Requests that take too long reject with `TimeoutError`. Illustrations like `MyBaseClass` are not ours.\n",
    );
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "initial"]);
    assert_eq!(check_json(dir, &[]).0, 0);
    write(dir, "source/errors.ts", "export class RequestTimeout extends Error {}\n");
    git(dir, &["commit", "-q", "-am", "rename"]);
    let (code, report) = check_json(dir, &[]);
    assert_eq!(code, 1);
    assert_eq!(report["findings"].as_array().map(Vec::len), Some(1));
    assert_eq!(report["findings"][0]["reference"], "TimeoutError");
}

#[test]
fn accepted_code_that_vanishes_under_an_unchanged_clause_is_stale() {
    let repo = TempDir::new().expect("temp dir");
    let dir = repo.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, "src/Options.java", "class Options {\n    public void beforeRetry() {}\n}\n");
    write(dir, "readme.md", "Each `options.beforeRetry()` hook runs before a retry.\n");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "initial"]);
    accept_all(dir);
    write(dir, "src/Options.java", "class Options {\n    public void beforeAttempt() {}\n}\n");
    let (code, report) = check_json(dir, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(
        field(&report, "rule"),
        ["stale-link"],
        "a call on a variable is not drift by itself; the lock knows it was linked"
    );
    let finding = &report["findings"][0];
    assert_eq!(finding["rule"], "stale-link");
    assert_eq!(finding["reference"], "src/Options.java::Options.beforeRetry");
    assert!(finding["message"].as_str().unwrap_or("").contains("no longer exists"));
}

#[test]
fn links_pinned_to_a_ref_are_checked_against_that_ref() {
    let repo = TempDir::new().expect("temp dir");
    let dir = repo.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, "src/old.rs", "fn one() {}\nfn two() {}\nfn three() {}\n");
    write(dir, "driftcheck.toml", "repository = \"github.com/acme/widgets\"\n");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "initial"]);
    git(dir, &["tag", "v1.0.0"]);
    fs::remove_file(dir.join("src/old.rs")).expect("remove");
    write(dir, "src/new.rs", "fn one() {}\n");
    let url = "https://github.com/acme/widgets/blob";
    let readme = format!(
        "Tagged: [old]({url}/v1.0.0/src/old.rs#L2-L3), [beyond]({url}/v1.0.0/src/old.rs#L9), \
         [never]({url}/v1.0.0/src/never.rs).\n\nUnknown ref: [x]({url}/v9.9.9/src/old.rs).\n\n\
         Current: [new]({url}/main/src/new.rs), [gone]({url}/main/src/old.rs).\n"
    );
    write(dir, "README.md", &readme);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "move"]);
    let (code, report) = check_json(dir, &[]);
    assert_eq!(code, 1);
    let messages = field(&report, "message");
    assert_eq!(messages.len(), 3, "{messages:?}");
    assert!(messages[0].contains("line 9 of `src/old.rs`, which has 3 lines"), "{messages:?}");
    assert!(messages[1].contains("`src/never.rs`"), "{messages:?}");
    assert!(messages[2].contains("`src/old.rs`, which does not exist"), "the default branch is the work tree");
}

/// A repository on `main` whose first commit has `src/net.rs` and `README.md`.
fn initial_repo(net: &str, readme: &str) -> TempDir {
    let repo = TempDir::new().expect("temp dir");
    let dir = repo.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, "src/net.rs", net);
    write(dir, "README.md", readme);
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "initial"]);
    repo
}

/// A repository where `connect_pool` was removed, then `later` commits
/// passed, then the README started naming it.
fn named_after_removal(later: usize) -> TempDir {
    let repo = initial_repo("pub fn connect_pool() {}\npub fn send() {}\n", "Call `send()`.\n");
    let dir = repo.path();
    write(dir, "src/net.rs", "pub fn open() {}\npub fn send() {}\n");
    git(dir, &["commit", "-q", "-am", "rename connect_pool to open"]);
    for n in 0..later {
        git(dir, &["commit", "-q", "--allow-empty", "-m", &format!("work {n}")]);
    }
    write(dir, "README.md", "Call `send()`, then `connect_pool()`.\n");
    git(dir, &["commit", "-q", "-am", "docs"]);
    repo
}

#[test]
fn a_name_removed_long_before_any_doc_mentioned_it_is_no_error() {
    let repo = named_after_removal(200);
    let (code, report) = check_json(repo.path(), &["--min-confidence", "0"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(field(&report, "severity"), ["warning"]);
    assert_eq!(report["findings"][0]["evidence"][0]["kind"], "removed-unmentioned");
    let cache = repo.path().join(".driftcheck/cache/removed-mentions");
    assert!(fs::read_to_string(&cache).expect("cache").contains("\tconnect_pool\t0"));
    let (_, again) = check_json(repo.path(), &["--min-confidence", "0"]);
    assert_eq!(again["findings"], report["findings"], "the cached answer is the same");
}

#[test]
fn a_removal_off_the_first_parent_line_is_answered_once() {
    let repo = initial_repo("pub fn connect_pool() {}\npub fn send() {}\n", "Call `send()`.\n");
    let dir = repo.path();
    git(dir, &["checkout", "-q", "-b", "side"]);
    write(dir, "src/net.rs", "pub fn open() {}\npub fn send() {}\n");
    git(dir, &["commit", "-q", "-am", "rename connect_pool to open"]);
    git(dir, &["checkout", "-q", "main"]);
    write(dir, "NOTES.txt", "notes\n");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "notes"]);
    git(dir, &["merge", "-q", "--no-ff", "-m", "merge side", "side"]);
    write(dir, "README.md", "Call `send()`, then `connect_pool()`.\n");
    git(dir, &["commit", "-q", "-am", "docs"]);
    let (_, report) = check_json(dir, &["--min-confidence", "0"]);
    assert_eq!(report["findings"][0]["evidence"][0]["kind"], "removed", "{report}");
    let cache = dir.join(".driftcheck/cache/removed-mentions");
    assert!(fs::read_to_string(&cache).expect("cache").contains("\tconnect_pool\t1"), "counted as mentioned, cached");
}

#[test]
fn a_doc_written_soon_after_a_removal_drifted_from_it() {
    let repo = named_after_removal(3);
    let (code, report) = check_json(repo.path(), &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["findings"][0]["evidence"][0]["kind"], "removed");
}

#[test]
fn a_built_release_copy_is_not_the_code_that_defined_a_name() {
    let repo = TempDir::new().expect("temp dir");
    let dir = repo.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, "src/lib.js", "export function run() {}\n");
    write(dir, "docs/releases/lib-1.2.0.js", "function tickTock() {}\n");
    write(dir, "README.md", "Call `run()`, then `tickTock()`.\n");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "initial"]);
    fs::remove_file(dir.join("docs/releases/lib-1.2.0.js")).expect("remove");
    git(dir, &["commit", "-q", "-am", "drop the old release"]);
    let (_, report) = check_json(dir, &["--min-confidence", "0"]);
    let evidence = report["findings"][0]["evidence"].as_array().expect("evidence");
    assert!(evidence.iter().all(|clue| clue["kind"] != "removed"), "{report}");
}

/// A repository whose docs link one file of `models/` and one that never
/// existed, checked out sparsely with `sparse` (the `git sparse-checkout`
/// commands) so that `models/` is left out of the work tree.
fn sparse_repository(sparse: &[&[&str]]) -> TempDir {
    let repo = TempDir::new().expect("temp dir");
    let dir = repo.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, "docs/guide.md", "The model is [here](../models/net.onnx); see [gone](../models/old.onnx).\n");
    write(dir, "models/net.onnx", "weights\n");
    write(dir, "src/lib.rs", "pub fn run() {}\n");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "initial"]);
    for command in sparse {
        git(dir, command);
    }
    assert!(!dir.join("models/net.onnx").exists(), "the sparse checkout leaves it out");
    repo
}

#[test]
fn a_file_a_sparse_checkout_leaves_out_still_exists() {
    let repo = sparse_repository(&[&["sparse-checkout", "set", "--no-cone", "/*", "!/models/"]]);
    let (_, report) = check_json(repo.path(), &[]);
    assert_eq!(field(&report, "reference"), ["../models/old.onnx"]);
}

#[test]
fn a_folder_a_sparse_index_leaves_out_still_exists() {
    let repo = sparse_repository(&[
        &["sparse-checkout", "init", "--cone", "--sparse-index"],
        &["sparse-checkout", "set", "docs", "src"],
    ]);
    let (_, report) = check_json(repo.path(), &[]);
    assert_eq!(field(&report, "reference"), ["../models/old.onnx"]);
}

#[test]
fn a_name_qualified_with_a_deleted_package_is_ours() {
    let repo = TempDir::new().expect("temp dir");
    let dir = repo.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, "engine/engine.go", "package engine\n\ntype Config struct{}\n");
    write(dir, "server/config.go", "package server\n\ntype Config struct{}\n");
    write(dir, "README.md", "Pass an `engine.Config` or a `server.Config`.\n");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "initial"]);
    fs::remove_dir_all(dir.join("engine")).expect("remove");
    git(dir, &["commit", "-q", "-am", "drop the engine package"]);
    let (code, report) = check_json(dir, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(field(&report, "reference"), ["engine.Config"]);
    assert_eq!(report["findings"][0]["evidence"][0]["name"], "engine");
}

#[test]
fn a_type_renamed_to_its_plural_is_drift_not_a_count_noun() {
    let repo = TempDir::new().expect("temp dir");
    let dir = repo.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, "src/lib.rs", "pub struct SpanRecord;\n");
    write(dir, "README.md", "Collect a `SpanRecord`.\n");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "initial"]);
    write(dir, "src/lib.rs", "pub struct SpanRecords;\n");
    git(dir, &["commit", "-q", "-am", "rename"]);
    let (code, report) = check_json(dir, &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(field(&report, "reference"), ["SpanRecord"]);
}

#[test]
fn a_variable_named_like_a_deleted_example_folder_is_not_ours() {
    let repo = TempDir::new().expect("temp dir");
    let dir = repo.path();
    git(dir, &["init", "-q", "-b", "main"]);
    write(dir, "examples/app/index.js", "const app = require('x');\napp.listen(3000);\n");
    write(dir, "src/server.js", "export function serve() {}\n");
    write(dir, "README.md", "Call `serve()`, then `app.listenAll(3000)`.\n");
    git(dir, &["add", "."]);
    git(dir, &["commit", "-q", "-m", "initial"]);
    fs::remove_dir_all(dir.join("examples")).expect("remove");
    git(dir, &["commit", "-q", "-am", "drop the example"]);
    let (code, report) = check_json(dir, &["--min-confidence", "0"]);
    assert_eq!(code, 0, "{report}");
    let evidence = report["findings"][0]["evidence"].as_array().expect("evidence");
    assert!(evidence.iter().all(|clue| clue["kind"] != "removed"), "{report}");
}

/// Renaming a function and checking only that code file reports the spec
/// that still names the old function.
#[test]
fn checking_a_code_file_reports_the_spec_findings_it_causes() {
    let repo = repository();
    let dir = repo.path();
    write(dir, "src/other.rs", "pub fn unrelated() {}\n");
    write(dir, "src/budget.rs", &CODE.replace("retry_budget", "attempt_budget"));
    let (code, report) = check_json(dir, &["src/budget.rs"]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(field(&report, "reference"), ["retry_budget()"]);
    let (code, report) = check_json(dir, &["src/other.rs"]);
    assert_eq!((code, field(&report, "reference")), (0, vec![]), "another file causes nothing");
}
