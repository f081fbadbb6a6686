//! `driftcheck hook install`: a plain git pre-commit hook that runs
//! `driftcheck check --staged`. An existing hook is never overwritten: the
//! command refuses, or with `--chain` keeps it and runs it first.

use std::fmt;
use std::path::{Path, PathBuf};

use crate::Error;

/// Marks a hook this command wrote, so installing again updates it.
const MARKER: &str = "# Installed by `driftcheck hook install`";

/// Where `--chain` moves the hook that was there before.
const CHAINED: &str = "pre-commit.before-driftcheck";

/// What `install` did.
#[derive(Debug, PartialEq, Eq)]
pub enum Installed {
    New(PathBuf),
    Updated(PathBuf),
    /// Installed; the hook that was there runs first, from its new name.
    Chained {
        hook: PathBuf,
        kept: PathBuf,
    },
}

impl fmt::Display for Installed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Installed::New(hook) => write!(f, "installed {}", hook.display()),
            Installed::Updated(hook) => write!(f, "updated {}", hook.display()),
            Installed::Chained { hook, kept } => {
                write!(f, "installed {}; the previous hook, now {}, runs first", hook.display(), kept.display())
            }
        }
    }
}

/// Installs the pre-commit hook of the repository around `cwd`.
pub fn install(cwd: &Path, chain: bool) -> Result<Installed, Error> {
    let hooks = hooks_dir(cwd)?;
    std::fs::create_dir_all(&hooks)?;
    let hook = hooks.join("pre-commit");
    let kept = hooks.join(CHAINED);
    let binary = std::env::current_exe()?;
    let existing = std::fs::read(&hook).ok().map(|bytes| String::from_utf8_lossy(&bytes).into_owned());
    let installed = match existing {
        None => Installed::New(hook.clone()),
        Some(text) if text.contains(MARKER) => Installed::Updated(hook.clone()),
        Some(_) if !chain => {
            return Err(Error::Usage(format!(
            "{} already exists and is not driftcheck's: `driftcheck hook install --chain` keeps it and runs it first",
            hook.display()
        )))
        }
        Some(_) if kept.exists() => {
            return Err(Error::Usage(format!(
                "{} already exists: move it away to chain {}",
                kept.display(),
                hook.display()
            )))
        }
        Some(_) => {
            std::fs::rename(&hook, &kept)?;
            Installed::Chained { hook: hook.clone(), kept: kept.clone() }
        }
    };
    crate::fsutil::write_atomically(&hook, script(&binary).as_bytes())?;
    make_executable(&hook)?;
    Ok(installed)
}

/// The hooks folder git runs: `core.hooksPath`, else the common git
/// directory's `hooks` (shared by all work trees).
fn hooks_dir(cwd: &Path) -> Result<PathBuf, Error> {
    let repo = git2::Repository::discover(cwd)
        .map_err(|_| Error::Usage(format!("{} is not inside a git repository", cwd.display())))?;
    let configured = repo.config().ok().and_then(|config| config.get_path("core.hooksPath").ok());
    Ok(match configured {
        Some(path) if path.is_absolute() => path,
        Some(path) => repo.workdir().unwrap_or_else(|| repo.path()).join(path),
        None => repo.commondir().join("hooks"),
    })
}

/// The hook: runs a chained hook first if there is one, then driftcheck —
/// the binary that installed it while it exists, else the one on PATH.
fn script(binary: &Path) -> String {
    let quoted = binary.display().to_string().replace('\'', r"'\''");
    format!(
        "#!/bin/sh\n\
         {MARKER}: stops a commit whose staged specs and code have drifted apart.\n\
         # `git commit --no-verify` skips it once.\n\
         hooks=$(dirname \"$0\")\n\
         if [ -x \"$hooks/{CHAINED}\" ]; then\n\
         \x20 \"$hooks/{CHAINED}\" \"$@\" || exit $?\n\
         fi\n\
         driftcheck='{quoted}'\n\
         [ -x \"$driftcheck\" ] || driftcheck=driftcheck\n\
         if ! command -v \"$driftcheck\" >/dev/null 2>&1; then\n\
         \x20 echo 'pre-commit: driftcheck is not installed any more: reinstall it and run `driftcheck hook install`, or commit with --no-verify' >&2\n\
         \x20 exit 1\n\
         fi\n\
         exec \"$driftcheck\" check --staged --quiet\n"
    )
}

#[cfg(unix)]
fn make_executable(path: &Path) -> std::io::Result<()> {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(0o755))
}

#[cfg(not(unix))]
fn make_executable(_: &Path) -> std::io::Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_script_quotes_the_binary_path() {
        let text = script(Path::new("/opt/it's/driftcheck"));
        assert!(text.contains(r"driftcheck='/opt/it'\''s/driftcheck'"), "{text}");
        assert!(text.starts_with("#!/bin/sh\n") && text.contains(MARKER));
    }
}
