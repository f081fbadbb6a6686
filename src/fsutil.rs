//! File writes that never leave a half-written file behind, and cache
//! files read without copying.

use std::io::{self, Write};
use std::path::Path;

/// Gives the temporary file the replaced file's permissions, or the usual
/// ones for a new file: a temporary file is private to its owner, which a
/// config or a report is not.
fn keep_permissions(file: &std::fs::File, path: &Path) -> io::Result<()> {
    match std::fs::metadata(path) {
        Ok(existing) => file.set_permissions(existing.permissions()),
        #[cfg(unix)]
        Err(_) => {
            use std::os::unix::fs::PermissionsExt;
            file.set_permissions(std::fs::Permissions::from_mode(0o644))
        }
        #[cfg(not(unix))]
        Err(_) => Ok(()),
    }
}

/// Writes `bytes` to a temporary file beside `path`, then renames it over
/// `path`, so readers see the old content or the new, never a mix.
pub fn write_atomically(path: &Path, bytes: &[u8]) -> io::Result<()> {
    write_atomically_with(path, |out| out.write_all(bytes))
}

/// As [`write_atomically`], with the content streamed by `render` through a
/// buffer: a large report is never held in memory whole.
pub fn write_atomically_with(path: &Path, render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    let directory = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent,
        _ => Path::new("."),
    };
    let mut file = tempfile::NamedTempFile::new_in(directory)?;
    let _pending = crate::interrupt::Pending::new(file.path());
    let mut out = io::BufWriter::new(file.as_file_mut());
    render(&mut out)?;
    out.flush()?;
    drop(out);
    keep_permissions(file.as_file(), path)?;
    file.as_file().sync_all()?;
    let name = path.file_name().map(|name| name.to_string_lossy().into_owned()).unwrap_or_default();
    crate::interrupt::checkpoint(&format!("writing {name}"));
    file.persist(path).map_err(|error| error.error)?;
    Ok(())
}

/// Writes a report to `path`. A regular file (or a link to one) is
/// replaced atomically; anything else that exists — `/dev/null`, a named
/// pipe, `/dev/stdout` — is written in place, never renamed over.
pub fn write_report(path: &Path, render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> io::Result<()> {
    match std::fs::metadata(path) {
        Ok(target) if !target.is_file() && !target.is_dir() => {
            let mut out = io::BufWriter::new(std::fs::OpenOptions::new().write(true).open(path)?);
            render(&mut out)?;
            out.flush()
        }
        // Through a symbolic link: replace the file it points at, keep the link.
        Ok(_) if path.is_symlink() => write_atomically_with(&std::fs::canonicalize(path)?, render),
        // A link to a file not there yet: create that file, keep the link.
        Err(_) if path.is_symlink() => {
            let target = std::fs::read_link(path)?;
            write_atomically_with(&path.parent().unwrap_or(Path::new(".")).join(target), render)
        }
        _ => write_atomically_with(path, render),
    }
}

/// Creates the folder of a cache file under `.driftcheck/cache/`, and the
/// state directory above it with its `.gitignore`.
pub fn create_cache_dir(cache_file: &Path) -> io::Result<()> {
    if let Some(state) = cache_file.parent().and_then(Path::parent) {
        create_state_dir(state)?;
    }
    if let Some(directory) = cache_file.parent() {
        std::fs::create_dir_all(directory)?;
    }
    Ok(())
}

/// Creates `.driftcheck/` (cache, guard file) with a `.gitignore` so that
/// `git add -A` never commits local state.
pub fn create_state_dir(directory: &Path) -> io::Result<()> {
    std::fs::create_dir_all(directory)?;
    let ignore = directory.join(".gitignore");
    if !ignore.exists() {
        std::fs::write(ignore, "# driftcheck's local state; never commit it.\n*\n")?;
    }
    Ok(())
}

/// A cache file's bytes, mapped rather than read where the system allows:
/// a warm run reads the caches nearly whole, and mapping pages the system
/// already holds costs far less than copying them into fresh memory (the
/// 12 MB index cache of wasmtime took 100 ms to read on a 2-core virtual
/// machine, and a few to map).
#[derive(Default)]
pub enum FileBytes {
    #[default]
    Empty,
    Mapped(memmap2::Mmap),
    Read(Vec<u8>),
}

impl FileBytes {
    pub fn read(path: &Path) -> std::io::Result<FileBytes> {
        // Windows refuses to replace a file that is mapped, and a run
        // replaces the index cache while reading entries from it.
        if !cfg!(unix) {
            return std::fs::read(path).map(FileBytes::Read);
        }
        let file = std::fs::File::open(path)?;
        // SAFETY: the map is read-only, and driftcheck's caches are replaced
        // by a rename (`write_atomically`), never written in place: a run
        // maps a file no writer changes. (Another program truncating it
        // mid-run would fault.)
        #[allow(unsafe_code)]
        let mapped = unsafe { memmap2::MmapOptions::new().populate().map(&file) };
        match mapped {
            Ok(map) => Ok(FileBytes::Mapped(map)),
            Err(_) => std::fs::read(path).map(FileBytes::Read),
        }
    }
}

impl std::ops::Deref for FileBytes {
    type Target = [u8];

    fn deref(&self) -> &[u8] {
        match self {
            FileBytes::Empty => &[],
            FileBytes::Mapped(map) => map,
            FileBytes::Read(bytes) => bytes,
        }
    }
}
