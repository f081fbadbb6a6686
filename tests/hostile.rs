//! Hostile input through the real binary: each case once made driftcheck
//! hang, crawl or lose data. The inputs are as large as the cases that
//! found the problems; a regression shows as a test that never ends.

mod common;

use std::fmt::Write as _;

use common::{check_json as json, driftcheck, field, repo};

#[test]
fn zero_jobs_is_a_usage_error() {
    let dir = repo(&[("README.md", "# A\n")]);
    let output = driftcheck(dir.path()).args(["check", "--jobs", "0"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("at least 1"));
    let output = driftcheck(dir.path()).args(["check", "--jobs", "many"]).output().unwrap();
    assert_eq!(output.status.code(), Some(2));
}

/// One worker thread: the run must not wait on itself.
#[test]
fn one_job_finishes() {
    let dir = repo(&[("src/a.rs", "pub fn start() {}\n"), ("README.md", "# A\n\nCall `start()`.\n")]);
    let (code, report) = json(dir.path(), &["--jobs", "1"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["links"], 1);
}

/// `--jobs 100000` once started 100,000 threads; it is cut to a few per core.
#[test]
fn a_huge_job_count_is_capped() {
    let dir = repo(&[("src/a.rs", "pub fn start() {}\n"), ("README.md", "# A\n\nCall `start()`.\n")]);
    let (code, report) = json(dir.path(), &["--jobs", "100000"]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["links"], 1);
}

/// An 800-level nested list: every item's words were read once per level.
#[test]
fn a_deeply_nested_list_is_read_once() {
    let mut text = String::from("# Deep\n\n");
    for depth in 0..800 {
        let _ = writeln!(text, "{}- level {depth} calls `missing_call_{depth}()`", "  ".repeat(depth));
    }
    let dir = repo(&[("src/a.rs", "pub fn start() {}\n"), ("README.md", &text)]);
    let (_, report) = json(dir.path(), &[]);
    let references = field(&report, "reference");
    assert_eq!(references.len(), 800, "one finding per level");
    assert_eq!(references[799], "missing_call_799()");
}

/// 5,000 headings, each linked from the next section: every anchor was
/// looked for by scanning the whole page.
#[test]
fn thousands_of_heading_links_resolve() {
    let mut text = String::new();
    for n in 0..5000 {
        let _ = write!(
            text,
            "## Part {n}\n\nBack to [part {}](#part-{}) and [missing](#gone-{n}).\n\n",
            n.max(1) - 1,
            n.max(1) - 1
        );
    }
    let dir = repo(&[("src/a.rs", "pub fn start() {}\n"), ("README.md", &text)]);
    let (_, report) = json(dir.path(), &[]);
    let references = field(&report, "reference");
    assert_eq!(references.len(), 5000, "only the missing anchors");
    assert!(references.iter().all(|r| r.starts_with("#gone-")));
}

/// The human report of thousands of findings in one file: each rendered
/// finding once re-read the file from its start.
#[test]
fn thousands_of_findings_in_one_file_render() {
    let mut text = String::new();
    for n in 0..3000 {
        let _ = write!(text, "## Part {n}\n\nSee [missing](#gone-{n}).\n\n");
    }
    let dir = repo(&[("src/a.rs", "pub fn start() {}\n"), ("README.md", &text)]);
    let output = driftcheck(dir.path()).arg("check").output().unwrap();
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(stdout.matches("dangling-path").count(), 3000);
    assert!(stdout.contains("[README.md:11999:5]"), "{}", &stdout[stdout.len().saturating_sub(600)..]);
    assert!(stdout.contains("11999 │ See [missing](#gone-2999)."));
}

/// A Latin-1 source file was skipped whole, and its names became false
/// `dangling-symbol` errors; so was a file whose name is not UTF-8.
#[cfg(unix)]
#[test]
fn files_that_are_not_utf8_are_read() {
    use std::os::unix::ffi::OsStrExt;
    let dir = repo(&[("README.md", "# Engine\n\nCall `start_engine()`, then `brew()`.\n")]);
    let mut latin1 = b"// Caf\xe9 engine, \xa9 2024\npub fn start_engine() {}\n".to_vec();
    latin1.extend_from_slice(b"pub const NAME: &str = \"na\xefve\";\n");
    std::fs::create_dir(dir.path().join("src")).unwrap();
    std::fs::write(dir.path().join("src/engine.rs"), latin1).unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9.rs");
    std::fs::write(dir.path().join("src").join(name), "pub fn brew() {}\n").unwrap();
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["links"], 2);
    assert_eq!(report["summary"]["code_files"], 2);
}

/// The files directly in `dir`, sorted.
fn listing(dir: &std::path::Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map(|entries| entries.map(|e| e.unwrap().file_name().to_string_lossy().into_owned()).collect())
        .unwrap_or_default();
    names.sort();
    names
}

fn git_repository() -> tempfile::TempDir {
    let dir = repo(&[("src/a.rs", "pub fn start() {}\n"), ("README.md", "# A\n\nCall `start()`.\n")]);
    common::git(dir.path(), &["init", "-q", "-b", "main"]);
    common::git(dir.path(), &["add", "."]);
    dir
}

/// Ctrl-C while `check --staged` works on its copy of the staged tree: the
/// copy goes too.
#[cfg(unix)]
#[test]
fn an_interrupted_staged_check_leaves_no_copy_behind() {
    let dir = git_repository();
    let temp = tempfile::TempDir::new().unwrap();
    let output = driftcheck(dir.path())
        .args(["check", "--staged"])
        .env("TMPDIR", temp.path())
        .env("DRIFTCHECK_INTERRUPT_AT", "staged-tree-written")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(listing(temp.path()), Vec::<String>::new());
}

/// A `check --staged` that runs to its end removes its copy of the staged
/// tree too, though it leaves the rest of its memory to the exit.
#[cfg(unix)]
#[test]
fn a_finished_staged_check_leaves_no_copy_behind() {
    let dir = git_repository();
    let temp = tempfile::TempDir::new().unwrap();
    let output = driftcheck(dir.path()).args(["check", "--staged"]).env("TMPDIR", temp.path()).output().unwrap();
    assert!(matches!(output.status.code(), Some(0 | 1)), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(listing(temp.path()), Vec::<String>::new());
}

/// Ctrl-C while `accept` writes the lock: the old lock stays whole and no
/// temporary file is left beside it.
#[cfg(unix)]
#[test]
fn an_interrupted_lock_write_keeps_the_old_lock() {
    let dir = git_repository();
    assert_eq!(driftcheck(dir.path()).args(["accept", "--all"]).output().unwrap().status.code(), Some(0));
    let lock = std::fs::read_to_string(dir.path().join("driftcheck.lock")).unwrap();
    let before = listing(dir.path());
    std::fs::write(dir.path().join("src/a.rs"), "pub fn start() { let _ = 1; }\n").unwrap();
    let output = driftcheck(dir.path())
        .args(["accept", "--all"])
        .env("DRIFTCHECK_INTERRUPT_AT", "writing driftcheck.lock")
        .output()
        .unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", String::from_utf8_lossy(&output.stderr));
    assert_eq!(std::fs::read_to_string(dir.path().join("driftcheck.lock")).unwrap(), lock);
    assert_eq!(listing(dir.path()), before);
}

/// Ctrl-C while the index cache is written: no temporary file is left in
/// the cache directory, and the next run rebuilds the cache.
#[cfg(unix)]
#[test]
fn an_interrupted_cache_write_leaves_no_temporary_file() {
    let dir = git_repository();
    let output = driftcheck(dir.path()).arg("check").env("DRIFTCHECK_INTERRUPT_AT", "writing index").output().unwrap();
    assert_eq!(output.status.code(), Some(130), "{}", String::from_utf8_lossy(&output.stderr));
    let cache = dir.path().join(".driftcheck/cache");
    assert!(listing(&cache).iter().all(|name| !name.starts_with(".tmp")), "{:?}", listing(&cache));
    assert!(!cache.join("index").exists());
    assert_eq!(json(dir.path(), &[]).0, 0);
    assert!(cache.join("index").exists());
}

#[test]
fn crlf_and_byte_order_marks_read_like_plain_text() {
    let dir = repo(&[
        ("src/net.rs", "\u{feff}pub struct Client;\r\nimpl Client {\r\n    pub fn retry(&self) {}\r\n}\r\n"),
        ("docs/net.md", "\u{feff}# Net\r\n\r\nCall `Client::retry`.\r\n\r\nThen `Client::gone`.\r\n"),
    ]);
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 1, "{report}");
    assert_eq!(report["summary"]["links"], 1);
    assert_eq!(field(&report, "reference"), ["Client::gone"]);
    assert_eq!(report["findings"][0]["spec"]["line"], 5);
    assert_eq!(report["findings"][0]["spec"]["column"], 6);
}

/// A 10 MB minified file on one line, the size limit raised for it.
#[test]
fn a_ten_megabyte_line_is_indexed() {
    let mut line = String::from("export function startEngine(){return 1}");
    while line.len() < 10 << 20 {
        line.push_str("var a=[1,2,3].map(function(x){return x*2});");
    }
    let dir = repo(&[
        ("dist/app.js", &line),
        ("README.md", "# App\n\nCall `startEngine()`.\n"),
        ("driftcheck.toml", "specs = [\"*.md\"]\nmax_file_size = 20000000\n"),
    ]);
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["links"], 1);
}

/// 10,000 levels of nesting in code and in markdown.
#[test]
fn ten_thousand_levels_of_nesting_are_read() {
    let code = format!("x = {}1{}\n\ndef start_engine():\n    pass\n", "[".repeat(10_000), "]".repeat(10_000));
    let quotes = format!("# Deep\n\nCall `start_engine()`.\n\n{} deep `gone_name()`\n", ">".repeat(10_000));
    let dir = repo(&[("app/deep.py", &code), ("README.md", &quotes)]);
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(report["summary"]["links"], 1, "{report}");
}

#[cfg(unix)]
#[test]
fn symlink_loops_are_not_followed() {
    let dir = repo(&[("src/a.rs", "pub fn start() {}\n"), ("README.md", "# A\n\nCall `start()`.\n")]);
    std::os::unix::fs::symlink(".", dir.path().join("src/again")).unwrap();
    std::os::unix::fs::symlink("b", dir.path().join("a")).unwrap();
    std::os::unix::fs::symlink("a", dir.path().join("b")).unwrap();
    let (code, report) = json(dir.path(), &[]);
    assert_eq!(code, 0, "{report}");
    assert_eq!(report["summary"]["code_files"], 1);
}

/// A file the user may not read is skipped with a note naming it (root
/// reads everything: then it is simply read).
#[cfg(unix)]
#[test]
fn an_unreadable_file_is_skipped_with_a_note() {
    use std::os::unix::fs::PermissionsExt;
    let dir = repo(&[("src/a.rs", "pub fn start() {}\n"), ("README.md", "# A\n\nCall `start()`.\n")]);
    std::fs::write(dir.path().join("src/secret.rs"), "pub fn hidden() {}\n").unwrap();
    std::fs::set_permissions(dir.path().join("src/secret.rs"), std::fs::Permissions::from_mode(0o000)).unwrap();
    let readable = std::fs::read(dir.path().join("src/secret.rs")).is_ok();
    let output = driftcheck(dir.path()).arg("check").output().unwrap();
    assert_eq!(output.status.code(), Some(0));
    let stdout = String::from_utf8_lossy(&output.stdout);
    if !readable {
        assert!(stdout.contains("note: src/secret.rs: skipped:"), "{stdout}");
    }
}

/// A relative `--config` path: files are read where discovery found them.
#[test]
fn a_relative_config_path_reads_the_files_it_finds() {
    let dir = repo(&[
        ("app/src/a.rs", "pub fn start() {}\n"),
        ("app/README.md", "# A\n\nCall `start()`.\n"),
        ("app/driftcheck.toml", "specs = [\"*.md\"]\n"),
    ]);
    let output =
        driftcheck(dir.path()).args(["check", "--format", "json", "--config", "app/driftcheck.toml"]).output().unwrap();
    let report: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(output.status.code(), Some(0), "{report}");
    assert_eq!(report["summary"]["links"], 1);
}

/// An item's words after its sub-list are its own: "was removed" there
/// still marks the name as history.
#[test]
fn words_after_a_sub_list_belong_to_the_item() {
    let text = "# Changes\n\n- The old API:\n  - nested detail\n\n  `gone_function()` was removed.\n";
    let dir = repo(&[("src/a.rs", "pub fn start() {}\n"), ("README.md", text)]);
    let (code, report) = json(dir.path(), &[]);
    assert_eq!((code, field(&report, "reference")), (0, vec![]), "{report}");
}

/// 48 bytes of TSX that send tree-sitter's error recovery into runaway
/// work (found by the `index` fuzz target: 2 GB, then out of memory). The
/// parser stops at its work budget; the file's words still count.
#[test]
fn a_file_the_parser_gives_up_on_is_read_as_words() {
    let hostile = "*$/{*{//{*{?/$\r/{*{//{*{?/$-{spec:c:ZQ{spec:c:ZQ retry_limit";
    let dir = repo(&[
        ("src/a.tsx", hostile),
        ("src/b.ts", "export function start() {}\n"),
        ("README.md", "# A\n\nCall `start()` after setting `retry_limit`.\n"),
    ]);
    let (_, report) = json(dir.path(), &[]);
    assert_eq!(field(&report, "rule"), ["parse-error"], "`retry_limit` is a word of the file: {report}");
    let message = report["findings"][0]["message"].as_str().unwrap_or_default();
    assert!(message.contains("src/a.tsx was not parsed"), "{message}");
    assert_eq!(report["summary"]["links"], 1, "the other file is indexed as usual");
}
