//! Finds the spec and code files of a repository: `.gitignore`-aware walk,
//! config globs, size and binary limits. Reads nothing but names.

use std::collections::HashSet;
use std::path::Path;

use ignore::WalkBuilder;

use crate::config::Config;

/// What a discovered file is for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    Spec,
    Code,
}

#[derive(Debug, Clone)]
pub struct Candidate {
    /// Relative to the root, `/`-separated; a name that is not UTF-8 is
    /// shown with replacement characters.
    pub path: String,
    /// The file as the file system names it, to read it by.
    pub file: std::path::PathBuf,
    pub role: Role,
    pub size: u64,
    /// What the file system said of the file when it was found.
    pub stamp: Option<FileStamp>,
}

/// A file's size, times and inode: what tells a file unchanged without
/// reading it, as git's index does. A write changes the change time even
/// when it keeps the size and sets the modification time back.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct FileStamp {
    size: u64,
    modified: (u64, u32),
    changed: (i64, i64),
    inode: u64,
}

/// How long before the index cache was written a file must have been last
/// modified for its stamp to be trusted: a write in the same tick of a
/// coarse clock as the run's own read would otherwise go unseen.
const SETTLE_TIME: std::time::Duration = std::time::Duration::from_secs(2);

impl FileStamp {
    /// The stamp of a file; `None` where the platform gives no change time
    /// and inode, since size and modification time alone miss a rewrite
    /// that keeps both (`cp -p`, unzip).
    #[cfg(unix)]
    pub fn of(metadata: &std::fs::Metadata) -> Option<FileStamp> {
        use std::os::unix::fs::MetadataExt;
        let modified = metadata.modified().ok()?.duration_since(std::time::UNIX_EPOCH).ok()?;
        Some(FileStamp {
            size: metadata.len(),
            modified: (modified.as_secs(), modified.subsec_nanos()),
            changed: (metadata.ctime(), metadata.ctime_nsec()),
            inode: metadata.ino(),
        })
    }

    #[cfg(not(unix))]
    pub fn of(_metadata: &std::fs::Metadata) -> Option<FileStamp> {
        None
    }

    /// True when the file was last modified well before `moment` (a time
    /// the same file system gave, such as the index cache's own write):
    /// its stamp can stand for its content, since any later write sets a
    /// later modification time. (A time set back by a tool is safe too: a
    /// write sets it to the present, and changes the change time.)
    pub fn settled_before(&self, moment: std::time::SystemTime) -> bool {
        let modified = std::time::Duration::new(self.modified.0, self.modified.1);
        moment.duration_since(std::time::UNIX_EPOCH).is_ok_and(|moment| modified + SETTLE_TIME < moment)
    }
}

/// Something driftcheck skipped and the user may want to know about.
#[derive(Debug, Clone, serde::Serialize)]
pub struct Note {
    pub path: String,
    pub message: String,
    /// A mistake in the repository's own directives, shown as a warning
    /// (never cut from the report), not a note.
    pub warning: bool,
    /// The line it is about, if any.
    pub line: Option<usize>,
}

impl Note {
    /// `path:line`, or the path alone.
    pub fn place(&self) -> String {
        match self.line {
            Some(line) => format!("{}:{line}", self.path),
            None => self.path.clone(),
        }
    }
}

/// Files that are never worth reading: binaries, lock files, minified
/// bundles, driftcheck's own state.
const SKIPPED_SUFFIXES: &[&str] = &[
    ".png",
    ".jpg",
    ".jpeg",
    ".gif",
    ".ico",
    ".bmp",
    ".webp",
    ".svg",
    ".pdf",
    ".zip",
    ".gz",
    ".tgz",
    ".bz2",
    ".xz",
    ".zst",
    ".tar",
    ".7z",
    ".woff",
    ".woff2",
    ".ttf",
    ".otf",
    ".eot",
    ".mp3",
    ".mp4",
    ".wav",
    ".ogg",
    ".mov",
    ".avi",
    ".webm",
    ".wasm",
    ".jar",
    ".war",
    ".class",
    ".exe",
    ".dll",
    ".so",
    ".dylib",
    ".a",
    ".o",
    ".obj",
    ".pyc",
    ".pyo",
    ".bin",
    ".dat",
    ".db",
    ".sqlite",
    ".lock",
    ".sum",
    ".min.js",
    ".min.css",
    ".map",
    ".snap",
    ".pb",
    ".onnx",
    ".parquet",
    ".npy",
    ".pkl",
    ".keystore",
    ".jks",
    ".p12",
    "package-lock.json",
    "pnpm-lock.yaml",
    "npm-shrinkwrap.json",
];

/// What a walk of the root found.
#[derive(Debug, Default)]
pub struct Discovered {
    /// Files to read, as specs or code.
    pub candidates: Vec<Candidate>,
    /// Every file of the repository (not git-ignored), read or not: what
    /// links may point at. Hidden files count (`.github/workflows/ci.yml`).
    pub paths: HashSet<String>,
    pub notes: Vec<Note>,
    /// The repository's `.gitignore` files, to say of a missing path whether
    /// it is one git is told to ignore.
    pub git_ignored: GitIgnored,
}

/// The `.gitignore` files of a repository, deepest first, each with the
/// folder it applies to: whether git ignores a path that does not exist
/// (a file a build or a user writes, such as a generated `docs/api.json`).
#[derive(Debug, Default)]
pub struct GitIgnored {
    /// Relative folder ("" for the root) and its matcher.
    files: Vec<(String, ignore::gitignore::Gitignore)>,
}

impl GitIgnored {
    /// Reads the `.gitignore` of the walked folder `directory`, if it has
    /// one: looked for beside each folder, as one that ignores itself (`*`
    /// in a folder of generated files) is never walked.
    fn add_folder(&mut self, root: &Path, directory: &Path) {
        let file = directory.join(".gitignore");
        if !file.is_file() {
            return;
        }
        // The root itself is the folder "".
        let folder = match relative(root, directory) {
            Some(folder) => folder,
            None if directory == root => String::new(),
            None => return,
        };
        let mut builder = ignore::gitignore::GitignoreBuilder::new(directory);
        // An unreadable or malformed `.gitignore` ignores what it could read.
        let _ = builder.add(&file);
        if let Ok(matcher) = builder.build() {
            self.files.push((folder, matcher));
        }
    }

    /// Deepest folder first, so that the deepest file with a say decides.
    fn sort(&mut self) {
        self.files.sort_by_key(|(folder, _)| std::cmp::Reverse(folder.len()));
    }

    /// Whether git ignores the repository-relative file `path`: the deepest
    /// `.gitignore` that has a say decides.
    pub fn ignores(&self, path: &str) -> bool {
        // Only a path inside the repository can be matched.
        if path.starts_with('/') || path.split('/').any(|part| part == "..") {
            return false;
        }
        for (folder, matcher) in &self.files {
            let inside = matcher.path().join(path_in(path, folder));
            // The matcher asserts that the path is under its folder.
            if !crate::index::in_scope(path, folder) || !inside.starts_with(matcher.path()) {
                continue;
            }
            match matcher.matched_path_or_any_parents(&inside, false) {
                ignore::Match::Ignore(_) => return true,
                ignore::Match::Whitelist(_) => return false,
                ignore::Match::None => {}
            }
        }
        false
    }
}

/// `path` relative to `folder`, which holds it.
fn path_in<'p>(path: &'p str, folder: &str) -> &'p str {
    if folder.is_empty() {
        return path;
    }
    path.strip_prefix(folder).map_or(path, |rest| rest.trim_start_matches('/'))
}

/// Walks `config.root` and classifies every file.
pub fn discover(config: &Config) -> Discovered {
    let mut found = Discovered::default();
    let (candidates, notes) = (&mut found.candidates, &mut found.notes);
    let walker = WalkBuilder::new(&config.root)
        .hidden(false)
        .ignore(false)
        .filter_entry(|entry| entry.file_name() != ".git")
        .git_ignore(true)
        .git_exclude(true)
        .require_git(false)
        .sort_by_file_name(|a, b| a.cmp(b))
        .build();
    for entry in walker {
        let entry = match entry {
            Ok(entry) => entry,
            Err(error) => {
                notes.push(Note { path: String::new(), message: error.to_string(), warning: false, line: None });
                continue;
            }
        };
        let kind = entry.file_type();
        // A symlink to a file exists for links (`docs/LICENSE -> ../LICENSE`),
        // but is not read twice.
        if kind.is_some_and(|t| t.is_symlink()) && entry.path().is_file() {
            found.paths.extend(relative(&config.root, entry.path()));
            continue;
        }
        if kind.is_some_and(|t| t.is_dir()) {
            found.git_ignored.add_folder(&config.root, entry.path());
        }
        if !kind.is_some_and(|t| t.is_file()) {
            continue;
        }
        let Some(path) = relative(&config.root, entry.path()) else { continue };
        found.paths.insert(path.clone());
        let Some(role) = classify(config, &path) else { continue };
        let metadata = entry.metadata().ok();
        let size = metadata.as_ref().map_or(0, std::fs::Metadata::len);
        let stamp = metadata.as_ref().and_then(FileStamp::of);
        candidates.push(Candidate { path, role, size, stamp, file: entry.path().to_path_buf() });
    }
    found.git_ignored.sort();
    found
}

/// Spec, code, or neither, by the config's globs.
pub fn classify(config: &Config, path: &str) -> Option<Role> {
    if config.is_ignored(path)
        || path.starts_with(".driftcheck/")
        || path == "driftcheck.lock"
        || path.starts_with(".git/")
    {
        return None;
    }
    if crate::spec::is_markdown(path) {
        let named = config.specs.iter().any(|glob| glob.trim_start_matches("./") == path);
        // A glob that spells out a hidden folder (`.github/**/*.md`) wants
        // what is in it.
        let hidden_glob =
            config.specs.iter().any(|glob| glob.split('/').any(|part| part.len() > 2 && part.starts_with('.')));
        let tools = in_tool_folder(path) && !hidden_glob;
        let wanted = config.spec_globs.is_match(path) && (named || !is_history(path) && !tools);
        return wanted.then_some(Role::Spec);
    }
    let lower = path.to_ascii_lowercase();
    if SKIPPED_SUFFIXES.iter().any(|suffix| lower.ends_with(suffix)) {
        return None;
    }
    config.code_globs.is_match(path).then_some(Role::Code)
}

/// Markdown in a folder inside a hidden one (`.github/ISSUE_TEMPLATE/bug.md`,
/// `.github/actions/spelling/README.md`): a tool's templates and copied
/// configuration notes, not the project's docs. Files directly in a hidden
/// folder (`.github/CONTRIBUTING.md`) are docs; either is a spec when the
/// configuration names it.
fn in_tool_folder(path: &str) -> bool {
    let folders: Vec<&str> = path.split('/').collect();
    let folders = &folders[..folders.len().saturating_sub(1)];
    folders.iter().enumerate().any(|(at, folder)| folder.starts_with('.') && at + 1 < folders.len())
}

/// Changelogs and release notes name old code on purpose; they are only
/// specs when the configuration names them explicitly.
fn is_history(path: &str) -> bool {
    if path.starts_with("specs/") || path.starts_with("spec/") {
        return false;
    }
    let name = path.rsplit('/').next().unwrap_or(path);
    let stem = name.split('.').next().unwrap_or(name).to_ascii_uppercase().replace('-', "_");
    matches!(
        stem.as_str(),
        "CHANGELOG" | "CHANGES" | "HISTORY" | "NEWS" | "RELEASES" | "RELEASE_NOTES" | "RELEASENOTES"
    ) || path.split('/').any(|dir| matches!(dir, "changelog" | "changelogs" | "releases" | "release-notes"))
}

/// `root/src/a.rs` → `src/a.rs`.
pub fn relative(root: &Path, path: &Path) -> Option<String> {
    let relative = path.strip_prefix(root).ok()?;
    // The common case, asked of every file found: a plain UTF-8 path, no
    // `.`, `..` or doubled separators to drop.
    if let Some(plain) = relative.to_str().filter(|p| is_plain(p)) {
        return Some(plain.to_string());
    }
    // `..` would lead out of the root: not inside it.
    if relative.components().any(|c| matches!(c, std::path::Component::ParentDir)) {
        return None;
    }
    let parts: Vec<String> = relative
        .components()
        .filter_map(|c| match c {
            std::path::Component::Normal(part) => Some(part.to_string_lossy().into_owned()),
            _ => None,
        })
        .collect();
    (!parts.is_empty()).then(|| parts.join("/"))
}

/// A relative path written as [`relative`] would write it: no empty, `.`
/// or `..` part, no backslash (a separator on Windows).
fn is_plain(path: &str) -> bool {
    !path.is_empty() && !path.contains('\\') && path.split('/').all(|part| !matches!(part, "" | "." | ".."))
}

/// Reads a discovered file as text, or says why not.
pub fn read_text(candidate: &Candidate, max_size: u64) -> Result<String, Note> {
    let note = |message: String| Note { path: candidate.path.clone(), message, warning: false, line: None };
    if candidate.size > max_size {
        return Err(note(format!(
            "skipped: {} bytes is over the {max_size}-byte limit (`max_file_size`)",
            candidate.size
        )));
    }
    let bytes = std::fs::read(&candidate.file).map_err(|error| note(format!("skipped: {error}")))?;
    // NUL bytes, or terminal escapes and other control bytes near the start
    // (captured coloured output): not text anyone links to by name.
    let control = |b: &u8| *b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0c);
    if bytes.iter().take(8192).any(|&b| b == 0) || bytes.iter().take(1024).any(control) {
        return Err(note("skipped: binary file".to_string()));
    }
    Ok(decode(bytes))
}

/// UTF-8 as it is; anything else byte by byte as Latin-1, which every byte
/// sequence is: names written in ASCII survive whatever the file's real
/// encoding, and a Latin-1 file reads exactly.
pub(crate) fn decode(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|error| error.into_bytes().iter().map(|&byte| char::from(byte)).collect())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_path_under_the_root_is_written_with_slashes_and_no_dots() {
        let root = Path::new("/repo");
        let relative_to_root = |path: &str| relative(root, Path::new(path));
        assert_eq!(relative_to_root("/repo/src/a.rs").as_deref(), Some("src/a.rs"));
        assert_eq!(relative_to_root("/repo/./src//a.rs").as_deref(), Some("src/a.rs"));
        assert_eq!(relative_to_root("/repo/src/../../etc/passwd"), None, "out of the root");
        assert_eq!(relative_to_root("/repo"), None, "the root itself");
        assert_eq!(relative_to_root("/elsewhere/a.rs"), None);
    }

    #[test]
    fn markdown_in_a_folder_inside_a_hidden_one_is_a_tools() {
        for (path, tool) in [
            (".github/actions/spelling/README.md", true),
            (".github/ISSUE_TEMPLATE/bug.md", true),
            ("docs/.vuepress/notes/x.md", true),
            (".github/CONTRIBUTING.md", false),
            ("docs/guide.md", false),
            ("README.md", false),
            (".changeset/README.md", false),
        ] {
            assert_eq!(in_tool_folder(path), tool, "{path}");
        }
    }
}
