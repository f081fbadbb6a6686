//! What an interrupted run leaves behind: nothing. Temporary files and
//! directories register here while they exist; on Ctrl-C (SIGINT), SIGTERM
//! or SIGHUP the handler removes them and exits with status 130. Renames
//! are atomic, so the file a temporary file was to replace stays as it was.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

/// Exit status of a run ended by a signal (128 + SIGINT).
pub const INTERRUPTED: i32 = 130;

static PENDING: Mutex<Vec<PathBuf>> = Mutex::new(Vec::new());

/// Installs the handler; the binary calls it once. A library user keeps
/// its own signal handling.
pub fn install() {
    let _ = ctrlc::set_handler(|| {
        let pending = PENDING.lock().map(|paths| paths.clone()).unwrap_or_default();
        for path in pending {
            let _ = match path.is_dir() {
                true => std::fs::remove_dir_all(&path),
                false => std::fs::remove_file(&path),
            };
        }
        std::process::exit(INTERRUPTED);
    });
}

/// A temporary path to remove if the run is interrupted while this lives.
pub struct Pending {
    path: PathBuf,
}

impl Pending {
    pub fn new(path: &Path) -> Pending {
        if let Ok(mut paths) = PENDING.lock() {
            paths.push(path.to_path_buf());
        }
        Pending { path: path.to_path_buf() }
    }
}

impl Drop for Pending {
    fn drop(&mut self) {
        if let Ok(mut paths) = PENDING.lock() {
            if let Some(at) = paths.iter().rposition(|path| *path == self.path) {
                paths.swap_remove(at);
            }
        }
    }
}

/// For the tests of this behaviour: a debug build whose
/// `DRIFTCHECK_INTERRUPT_AT` names this point interrupts itself here and
/// waits for the handler, so a test can stop a run at an exact moment
/// whatever the machine's speed.
pub fn checkpoint(point: &str) {
    #[cfg(all(debug_assertions, unix))]
    if std::env::var("DRIFTCHECK_INTERRUPT_AT").is_ok_and(|at| at == point) {
        // SAFETY: raising a signal has no memory-safety preconditions.
        unsafe {
            libc::raise(libc::SIGINT);
        }
        loop {
            std::thread::park();
        }
    }
    let _ = point;
}
