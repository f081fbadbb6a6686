//! The incremental index cache (`.driftcheck/cache/index`): every code
//! file's symbols, `spec:` anchors and tokens, keyed by its path and the
//! hash of its content. A warm run re-parses only the files whose content
//! changed.
//!
//! The cache is one file, read whole and replaced whole by an atomic rename,
//! so concurrent runs each see a complete cache and the last writer wins. It
//! carries a stamp of the indexer that wrote it: a file that is unreadable,
//! corrupt, or written by another version of the indexer is ignored and
//! rebuilt, never trusted.

use std::borrow::Cow;
use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::OnceLock;

use rayon::prelude::*;
use serde::{Deserialize, Serialize};

use crate::code::{self, CodeFile, ParseProblem, Source, SpecAnchor, Symbol, Tokens};
use crate::discover::FileStamp;
use crate::fsutil::FileBytes;

/// Bumped when the layout of the cache itself changes.
const FORMAT: u32 = 6;

/// The indexer's own source, embedded at build time: any change to how files
/// are indexed changes the stamp, so a cache never outlives the code that
/// wrote it.
const INDEXER_SOURCES: &[&str] = &[
    include_str!("code/mod.rs"),
    include_str!("code/walk.rs"),
    include_str!("code/plain.rs"),
    include_str!("code/facts.rs"),
    include_str!("code/tokens.rs"),
    include_str!("code/rust.rs"),
    include_str!("code/python.rs"),
    include_str!("code/typescript.rs"),
    include_str!("code/javascript.rs"),
    include_str!("code/go.rs"),
    include_str!("code/java.rs"),
    include_str!("text.rs"),
    include_str!("spec/shape.rs"),
    // The grammars' and tree-sitter's exact versions.
    include_str!("../Cargo.lock"),
];

/// Where the cache lives under a repository's state directory.
pub fn cache_path(state: &Path) -> PathBuf {
    state.join("cache").join("index")
}

/// What identifies the indexer: the cache format, driftcheck's version, its
/// indexing code, and each grammar's shape (a grammar update changes its
/// node and state counts).
fn stamp() -> [u8; 32] {
    let mut hasher = blake3::Hasher::new();
    hasher.update(&FORMAT.to_le_bytes());
    hasher.update(env!("CARGO_PKG_VERSION").as_bytes());
    for source in INDEXER_SOURCES {
        hasher.update(source.as_bytes());
    }
    for (language, grammar) in code::grammars() {
        hasher.update(language.as_bytes());
        hasher.update(&(grammar.abi_version() as u64).to_le_bytes());
        hasher.update(&(grammar.node_kind_count() as u64).to_le_bytes());
        hasher.update(&(grammar.parse_state_count() as u64).to_le_bytes());
    }
    *hasher.finalize().as_bytes()
}

/// bincode with a limit: a length read from a corrupt file can never ask
/// for more memory than the file has bytes.
fn encoding(limit: u64) -> impl bincode::Options {
    use bincode::Options;
    bincode::DefaultOptions::new().with_limit(limit)
}

/// A content hash, as the cache keys files.
pub type ContentHash = [u8; 32];

pub fn content_hash(text: &str) -> ContentHash {
    *blake3::hash(text.as_bytes()).as_bytes()
}

/// One file's index without its source, which is re-read from disk.
#[derive(Deserialize)]
struct Entry {
    language: Option<String>,
    module: Vec<String>,
    symbols: Vec<Symbol>,
    anchors: Vec<SpecAnchor>,
    tokens: Tokens,
    string_only_tokens: Tokens,
    quoted: Vec<String>,
    page_folders: Vec<String>,
    parse_problem: Option<ParseProblem>,
}

/// [`Entry`] as written: borrowed from the run's files, the same layout.
#[derive(Serialize)]
struct EntryRef<'a> {
    language: Option<&'a str>,
    module: &'a [String],
    symbols: &'a [Symbol],
    anchors: &'a [SpecAnchor],
    tokens: &'a Tokens,
    string_only_tokens: &'a Tokens,
    quoted: &'a [String],
    page_folders: &'a [String],
    parse_problem: &'a Option<ParseProblem>,
}

/// The cache file: each entry encoded on its own, so that a run decodes
/// only the entries of files it reads, in parallel, straight into place.
/// Read, an entry's bytes are borrowed from the file; written, from the
/// cache read or from a new encoding.
#[derive(Serialize, Deserialize)]
struct Stored<'a> {
    stamp: [u8; 32],
    #[serde(borrow)]
    entries: Vec<Encoded<'a>>,
}

#[derive(Serialize, Deserialize)]
struct Encoded<'a> {
    #[serde(borrow)]
    path: Cow<'a, str>,
    hash: ContentHash,
    /// The file's stamp when it was indexed, if it had settled by then.
    stamp: Option<FileStamp>,
    /// Whether the symbols carry body hashes: a run that needs them
    /// re-indexes an entry without.
    hashed: bool,
    #[serde(borrow)]
    entry: Cow<'a, [u8]>,
}

/// An entry of the cache as read: where its encoding lies in the file.
struct Slot {
    hash: ContentHash,
    stamp: Option<FileStamp>,
    hashed: bool,
    entry: Range<usize>,
}

/// The cache file as read: its bytes, and each path's entry among them.
#[derive(Default)]
struct Entries {
    bytes: FileBytes,
    by_path: HashMap<String, Slot>,
}

impl Entries {
    fn read(path: &Path, stamp: &[u8; 32]) -> Entries {
        let Ok(bytes) = FileBytes::read(path) else { return Entries::default() };
        let Ok(stored) = bincode::Options::deserialize::<Stored>(encoding(bytes.len() as u64), &bytes) else {
            return Entries::default();
        };
        if &stored.stamp != stamp {
            return Entries::default();
        }
        let by_path = stored
            .entries
            .into_iter()
            .filter_map(|encoded| {
                let entry = within(&bytes, &encoded.entry)?;
                let slot = Slot { hash: encoded.hash, stamp: encoded.stamp, hashed: encoded.hashed, entry };
                Some((encoded.path.into_owned(), slot))
            })
            .collect();
        Entries { bytes, by_path }
    }

    fn get(&self, path: &str) -> Option<&Slot> {
        self.by_path.get(path)
    }

    fn bytes_of(&self, slot: &Slot) -> &[u8] {
        self.bytes.get(slot.entry.clone()).unwrap_or_default()
    }
}

/// Where `part`, borrowed from `whole` by the decoder, lies in it: `None`
/// for bytes the decoder copied (it borrows every entry of a well-formed
/// file).
fn within(whole: &[u8], part: &[u8]) -> Option<Range<usize>> {
    let start = (part.as_ptr() as usize).checked_sub(whole.as_ptr() as usize)?;
    let end = start.checked_add(part.len())?;
    (end <= whole.len()).then_some(start..end)
}

/// A file as indexed for the cache: its index, content hash and stamp.
pub type Indexed<'a> = (&'a CodeFile, ContentHash, Option<FileStamp>);

/// The cache as read at the start of a run.
pub struct IndexCache {
    path: Option<PathBuf>,
    /// Set once the run's own files are saved: other content analysed later
    /// (a `--base` revision) reads the cache but must not replace it.
    frozen: AtomicBool,
    /// Set when the content analysed is a copy (`--staged`): its files'
    /// stamps say nothing of the work tree's, and the cached ones are kept.
    copy: AtomicBool,
    stamp: [u8; 32],
    /// Read on first use, or ahead of it by [`IndexCache::prefetch`].
    entries: OnceLock<Entries>,
    /// When the cache file was written, by the file system's clock: a file
    /// stamp is trusted only if the file had settled well before then
    /// (see [`FileStamp::settled_before`]), as git trusts its index.
    written: Option<std::time::SystemTime>,
    /// When this run opened the cache, by this machine's clock, before it
    /// read any file: a file modified just before may change again within
    /// the same clock tick after it is read, and its stamp is not recorded.
    opened: std::time::SystemTime,
}

impl IndexCache {
    /// Reads the cache under `state` (a `.driftcheck/` directory). Anything
    /// wrong with it yields an empty cache, to be rebuilt.
    pub fn open(state: &Path) -> IndexCache {
        let path = cache_path(state);
        let stamp = stamp();
        let opened = std::time::SystemTime::now();
        let written = std::fs::metadata(&path).and_then(|metadata| metadata.modified()).ok();
        IndexCache {
            path: Some(path),
            frozen: AtomicBool::new(false),
            copy: AtomicBool::new(false),
            stamp,
            entries: OnceLock::new(),
            written,
            opened,
        }
    }

    /// Reads the cache file now, so that it can be done beside other work
    /// (finding the files) instead of on the first question.
    pub fn prefetch(&self) {
        self.entries();
    }

    fn entries(&self) -> &Entries {
        self.entries.get_or_init(|| match &self.path {
            Some(path) => Entries::read(path, &self.stamp),
            None => Entries::default(),
        })
    }

    /// A cache that holds nothing and writes nothing (`--no-cache`).
    pub fn disabled() -> IndexCache {
        IndexCache {
            path: None,
            frozen: AtomicBool::new(true),
            copy: AtomicBool::new(false),
            stamp: [0; 32],
            entries: OnceLock::from(Entries::default()),
            written: None,
            opened: std::time::SystemTime::now(),
        }
    }

    /// The cached index of `path`, if its stamp says it has not changed
    /// since it was indexed: its source is read from `file` only if asked.
    /// With `hash_bodies`, an entry indexed without body hashes is a miss.
    pub fn unchanged(
        &self,
        path: &str,
        stamp: Option<&FileStamp>,
        file: &Path,
        hash_bodies: bool,
    ) -> Option<(CodeFile, ContentHash)> {
        let written = self.written?;
        let stamp = stamp.filter(|stamp| stamp.settled_before(written))?;
        let entries = self.entries();
        let slot =
            entries.get(path).filter(|slot| slot.stamp.as_ref() == Some(stamp) && (slot.hashed || !hash_bodies))?;
        let file = decode(path, entries.bytes_of(slot), slot.hashed, Source::on_disk(file.to_path_buf(), slot.hash))?;
        Some((file, slot.hash))
    }

    /// The content analysed from now on is a copy (`--staged`): the stamps
    /// of its files are not recorded, and those of the work tree's stay.
    pub fn analyse_a_copy(&self) {
        self.copy.store(true, Ordering::Relaxed);
    }

    /// The stamp to record for a file: its own if it had settled when the
    /// run began, or for a copy the one the cache holds for the same content.
    fn stamp_to_keep(&self, path: &str, hash: &ContentHash, stamp: Option<FileStamp>) -> Option<FileStamp> {
        match self.copy.load(Ordering::Relaxed) {
            false => stamp.filter(|stamp| stamp.settled_before(self.opened)),
            true => self.entries().get(path).filter(|slot| &slot.hash == hash).and_then(|slot| slot.stamp),
        }
    }

    /// The cached index of `path`, if its content still hashes to what was
    /// indexed; `source` becomes the file's source. A miss gives it back.
    /// With `hash_bodies`, an entry indexed without body hashes is a miss.
    pub fn get(&self, path: &str, hash: &ContentHash, source: String, hash_bodies: bool) -> Result<CodeFile, String> {
        let usable = |slot: &&Slot| &slot.hash == hash && (slot.hashed || !hash_bodies);
        let entries = self.entries();
        let Some(slot) = entries.get(path).filter(usable) else {
            return Err(source);
        };
        // Decoded with a placeholder, so that a miss can give the text back.
        match decode(path, entries.bytes_of(slot), slot.hashed, Source::read(String::new())) {
            Some(file) => Ok(CodeFile { source: Source::read(source), ..file }),
            None => Err(source),
        }
    }

    /// Replaces the cache with the index of `files` (each with its content
    /// hash), unless that is what it already holds. The caller leaves out
    /// files whose parser panicked, so that the next run tries again and
    /// says so again.
    pub fn save(&self, files: &[Indexed]) -> std::io::Result<()> {
        let Some(path) = self.path.as_ref().filter(|_| !self.frozen.load(Ordering::Relaxed)) else { return Ok(()) };
        let files: Vec<Indexed> = files
            .iter()
            .map(|(file, hash, stamp)| (*file, *hash, self.stamp_to_keep(&file.path, hash, *stamp)))
            .collect();
        let read = self.entries();
        let unchanged = files.len() == read.by_path.len()
            && files.iter().all(|(file, hash, stamp)| {
                read.get(&file.path)
                    .is_some_and(|e| &e.hash == hash && &e.stamp == stamp && e.hashed == file.bodies_hashed)
            });
        if unchanged {
            return Ok(());
        }
        let entries = files
            .par_iter()
            .map(|(file, hash, stamp)| {
                // An unchanged file's entry is written as it was read.
                let path = Cow::Borrowed(file.path.as_str());
                let cached =
                    read.get(&file.path).filter(|slot| &slot.hash == hash && slot.hashed == file.bodies_hashed);
                if let Some(slot) = cached {
                    let entry = Cow::Borrowed(read.bytes_of(slot));
                    return Ok(Encoded { path, hash: *hash, stamp: *stamp, hashed: slot.hashed, entry });
                }
                let entry = EntryRef {
                    language: file.language,
                    module: &file.module,
                    symbols: &file.symbols,
                    anchors: &file.anchors,
                    tokens: &file.tokens,
                    string_only_tokens: &file.string_only_tokens,
                    quoted: &file.quoted,
                    page_folders: &file.page_folders,
                    parse_problem: &file.parse_problem,
                };
                let entry = bincode::Options::serialize(encoding(u64::MAX), &entry).map_err(std::io::Error::other)?;
                let entry = Cow::Owned(entry);
                Ok(Encoded { path, hash: *hash, stamp: *stamp, hashed: file.bodies_hashed, entry })
            })
            .collect::<std::io::Result<Vec<Encoded>>>()?;
        let bytes = bincode::Options::serialize(encoding(u64::MAX), &Stored { stamp: self.stamp, entries })
            .map_err(std::io::Error::other)?;
        crate::fsutil::create_cache_dir(path)?;
        crate::fsutil::write_atomically(path, &bytes)
    }

    /// Keeps the cache file as it is from now on.
    pub fn freeze(&self) {
        self.frozen.store(true, Ordering::Relaxed);
    }

    /// How many files the cache held when it was read.
    pub fn len(&self) -> usize {
        self.entries().by_path.len()
    }

    pub fn is_empty(&self) -> bool {
        self.entries().by_path.is_empty()
    }
}

/// One entry, decoded into the file at `path` with `source`; `None` if it
/// does not decode or names a language this build lacks.
fn decode(path: &str, bytes: &[u8], hashed: bool, source: Source) -> Option<CodeFile> {
    let entry: Entry = bincode::Options::deserialize(encoding(bytes.len() as u64), bytes).ok()?;
    let language = match &entry.language {
        Some(name) => Some(code::language_named(name)?),
        None => None,
    };
    let mut file = CodeFile {
        path: path.to_string(),
        language: language.map(|l| l.name()),
        separator: language.map_or(code::PLAIN_SEPARATOR, |l| l.separator()),
        module: entry.module,
        symbols: entry.symbols,
        anchors: entry.anchors,
        tokens: entry.tokens,
        string_only_tokens: entry.string_only_tokens,
        quoted: entry.quoted,
        page_folders: entry.page_folders,
        parse_problem: entry.parse_problem,
        bodies_hashed: hashed,
        source,
    };
    file.share_path();
    Some(file)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn indexed(path: &str, source: &str) -> (CodeFile, ContentHash) {
        (code::index_file(path, source.to_string()), content_hash(source))
    }

    fn same_index(a: &CodeFile, b: &CodeFile) {
        assert_eq!(a.path, b.path);
        assert_eq!(a.language, b.language);
        assert_eq!(a.separator, b.separator);
        assert_eq!(a.module, b.module);
        let shape = |f: &CodeFile| {
            let symbol = |s: &Symbol| (s.display.clone(), s.path.to_string(), s.bytes.clone(), s.body_hash.clone());
            f.symbols.iter().map(symbol).collect::<Vec<_>>()
        };
        assert_eq!(shape(a), shape(b));
        assert_eq!(a.anchors.len(), b.anchors.len());
        assert_eq!(a.tokens, b.tokens);
        assert_eq!(a.string_only_tokens, b.string_only_tokens);
        assert_eq!(a.parse_problem.as_ref().map(|p| p.line), b.parse_problem.as_ref().map(|p| p.line));
        assert_eq!(a.source.as_str(), b.source.as_str());
    }

    #[test]
    fn a_saved_index_reads_back_the_same() {
        let dir = tempfile::TempDir::new().unwrap();
        let rust = "// spec: specs/a.md\npub fn retry() {}\nfn broken( {\n";
        let files = [indexed("src/a.rs", rust), indexed("notes.sql", "SELECT VARCHAR;")];
        let refs: Vec<_> = files.iter().map(|(f, h)| (f, *h, None)).collect();
        IndexCache::open(dir.path()).save(&refs).unwrap();
        let cache = IndexCache::open(dir.path());
        assert_eq!(cache.len(), 2);
        for (file, hash) in &files {
            let Ok(cached) = cache.get(&file.path, hash, file.source.to_string(), true) else {
                panic!("{} is cached", file.path)
            };
            same_index(&cached, file);
        }
    }

    #[test]
    fn changed_content_is_a_miss() {
        let dir = tempfile::TempDir::new().unwrap();
        let (file, hash) = indexed("src/a.rs", "fn a() {}\n");
        IndexCache::open(dir.path()).save(&[(&file, hash, None)]).unwrap();
        let cache = IndexCache::open(dir.path());
        assert!(cache.get("src/a.rs", &content_hash("fn b() {}\n"), String::new(), false).is_err());
        assert!(cache.get("src/b.rs", &hash, String::new(), false).is_err());
    }

    #[test]
    fn a_corrupt_or_foreign_cache_is_ignored() {
        let dir = tempfile::TempDir::new().unwrap();
        let (file, hash) = indexed("src/a.rs", "fn a() {}\n");
        IndexCache::open(dir.path()).save(&[(&file, hash, None)]).unwrap();
        let path = cache_path(dir.path());
        let mut bytes = std::fs::read(&path).unwrap();
        bytes.truncate(bytes.len() / 2);
        std::fs::write(&path, &bytes).unwrap();
        assert!(IndexCache::open(dir.path()).is_empty(), "a cut cache");
        std::fs::write(&path, b"\xff\xfe garbage").unwrap();
        assert!(IndexCache::open(dir.path()).is_empty(), "garbage");
        let mut other = IndexCache::open(dir.path());
        other.stamp = [7; 32];
        other.save(&[(&file, hash, None)]).unwrap();
        assert!(IndexCache::open(dir.path()).is_empty(), "another indexer's cache");
    }

    #[cfg(unix)]
    #[test]
    fn an_unchanged_index_is_not_rewritten() {
        let dir = tempfile::TempDir::new().unwrap();
        let (file, hash) = indexed("src/a.rs", "fn a() {}\n");
        IndexCache::open(dir.path()).save(&[(&file, hash, None)]).unwrap();
        // A rewrite renames a new file into place: a new inode.
        use std::os::unix::fs::MetadataExt;
        let path = cache_path(dir.path());
        let before = std::fs::metadata(&path).unwrap().ino();
        IndexCache::open(dir.path()).save(&[(&file, hash, None)]).unwrap();
        assert_eq!(std::fs::metadata(&path).unwrap().ino(), before);
        let (other, other_hash) = indexed("src/a.rs", "fn b() {}\n");
        IndexCache::open(dir.path()).save(&[(&other, other_hash, None)]).unwrap();
        assert_ne!(std::fs::metadata(&path).unwrap().ino(), before);
    }

    #[test]
    fn a_frozen_cache_is_read_but_not_replaced() {
        let dir = tempfile::TempDir::new().unwrap();
        let (file, hash) = indexed("src/a.rs", "fn a() {}\n");
        IndexCache::open(dir.path()).save(&[(&file, hash, None)]).unwrap();
        let cache = IndexCache::open(dir.path());
        cache.freeze();
        assert!(cache.get("src/a.rs", &hash, file.source.to_string(), true).is_ok());
        let (other, other_hash) = indexed("src/b.rs", "fn b() {}\n");
        cache.save(&[(&other, other_hash, None)]).unwrap();
        assert!(IndexCache::open(dir.path()).get("src/a.rs", &hash, String::new(), true).is_ok());
    }

    #[test]
    fn a_disabled_cache_writes_nothing() {
        let dir = tempfile::TempDir::new().unwrap();
        let (file, hash) = indexed("src/a.rs", "fn a() {}\n");
        IndexCache::disabled().save(&[(&file, hash, None)]).unwrap();
        assert!(!cache_path(dir.path()).exists());
        assert!(std::fs::read_dir(dir.path()).unwrap().next().is_none());
    }

    /// A file written an hour ago, and its stamp.
    fn settled_file(dir: &Path, name: &str, text: &str) -> (PathBuf, FileStamp) {
        let path = dir.join(name);
        std::fs::write(&path, text).unwrap();
        let past = std::time::SystemTime::now() - std::time::Duration::from_secs(3600);
        std::fs::File::options().write(true).open(&path).unwrap().set_modified(past).unwrap();
        let stamp = FileStamp::of(&std::fs::metadata(&path).unwrap()).unwrap();
        (path, stamp)
    }

    #[cfg(unix)]
    #[test]
    fn an_unchanged_file_is_read_only_when_asked_and_only_as_indexed() {
        let dir = tempfile::TempDir::new().unwrap();
        let (path, stamp) = settled_file(dir.path(), "a.rs", "fn a() {}\n");
        let (file, hash) = indexed("src/a.rs", "fn a() {}\n");
        IndexCache::open(dir.path()).save(&[(&file, hash, Some(stamp))]).unwrap();
        let cache = IndexCache::open(dir.path());
        let (served, served_hash) = cache.unchanged("src/a.rs", Some(&stamp), &path, true).unwrap();
        assert_eq!(served_hash, hash);
        assert_eq!(served.source.as_str(), "fn a() {}\n");
        let (changed, _) = cache.unchanged("src/a.rs", Some(&stamp), &path, true).unwrap();
        std::fs::write(&path, "fn b() {}\n").unwrap();
        assert_eq!(changed.source.as_str(), "", "text that no longer matches its index is not used");
        let other = FileStamp::of(&std::fs::metadata(&path).unwrap()).unwrap();
        assert!(cache.unchanged("src/a.rs", Some(&other), &path, true).is_none());
    }

    /// By the file system's clock: a file modified within moments of the
    /// cache's own write may have changed again unseen.
    #[cfg(unix)]
    #[test]
    fn a_stamp_from_just_before_the_cache_was_written_is_not_trusted() {
        let dir = tempfile::TempDir::new().unwrap();
        let path = dir.path().join("a.rs");
        std::fs::write(&path, "fn a() {}\n").unwrap();
        let stamp = FileStamp::of(&std::fs::metadata(&path).unwrap()).unwrap();
        let (file, hash) = indexed("src/a.rs", "fn a() {}\n");
        IndexCache::open(dir.path()).save(&[(&file, hash, Some(stamp))]).unwrap();
        assert!(IndexCache::open(dir.path()).unchanged("src/a.rs", Some(&stamp), &path, true).is_none());
    }

    /// A `--staged` run indexes copies: the work tree's stamps stay.
    #[cfg(unix)]
    #[test]
    fn a_copy_keeps_the_work_trees_stamps() {
        let dir = tempfile::TempDir::new().unwrap();
        let (path, stamp) = settled_file(dir.path(), "a.rs", "fn a() {}\n");
        let (file, hash) = indexed("src/a.rs", "fn a() {}\n");
        let (other, other_hash) = indexed("src/b.rs", "fn b() {}\n");
        IndexCache::open(dir.path()).save(&[(&file, hash, Some(stamp))]).unwrap();
        let copy = IndexCache::open(dir.path());
        copy.analyse_a_copy();
        let (_, copy_stamp) = settled_file(dir.path(), "copy.rs", "fn a() {}\n");
        copy.save(&[(&file, hash, Some(copy_stamp)), (&other, other_hash, Some(copy_stamp))]).unwrap();
        let cache = IndexCache::open(dir.path());
        assert!(cache.unchanged("src/a.rs", Some(&stamp), &path, true).is_some());
        assert!(cache.unchanged("src/b.rs", Some(&copy_stamp), &path, true).is_none());
    }
}
