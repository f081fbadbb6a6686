//! `driftcheck accept`: records the current state of reviewed links in
//! `driftcheck.lock`, under a file lock, with an atomic write.

use std::path::Path;

use crate::engine::Analysis;
use crate::history::History;
use crate::index::in_scope;
use crate::link::LinkState;
use crate::lock::{self, Entry, Guard, Lock};
use crate::Error;

/// Which links to accept.
#[derive(Debug, Clone)]
pub enum Selection {
    All,
    /// Clause ids (or id prefixes such as `specs/net.md#retry-policy`) and
    /// spec or code paths.
    Matching(Vec<String>),
}

/// What an accept changed, for the command's output.
#[derive(Debug, Default)]
pub struct Accepted {
    pub added: Vec<(String, String)>,
    pub updated: Vec<(String, String)>,
    pub unchanged: usize,
    pub removed: usize,
    pub total: usize,
}

pub fn accept(root: &Path, analysis: &Analysis, selection: &Selection) -> Result<Accepted, Error> {
    let chosen: Vec<&LinkState> = match selection {
        Selection::All => analysis.states.iter().collect(),
        Selection::Matching(selectors) => {
            let chosen: Vec<&LinkState> =
                analysis.states.iter().filter(|state| selectors.iter().any(|s| selects(s, state, analysis))).collect();
            if let Some(unmatched) =
                selectors.iter().find(|s| !analysis.states.iter().any(|state| selects(s, state, analysis)))
            {
                return Err(Error::Usage(format!(
                    "`{unmatched}` matches no link; name a clause id (see `driftcheck links`), a spec or code path, or pass --all"
                )));
            }
            chosen
        }
    };
    let _guard = Guard::acquire(root)?;
    let path = root.join(lock::FILE_NAME);
    let mut lock = Lock::read(&path)?.unwrap_or_default();
    let mut accepted = Accepted::default();
    if matches!(selection, Selection::All) {
        let before = lock.len();
        let kept: Vec<(String, String)> = chosen.iter().map(|s| (s.clause_id.clone(), s.anchor.clone())).collect();
        let mut fresh = Lock::default();
        for entry in lock.entries().filter(|e| kept.contains(&(e.clause.clone(), e.anchor.clone()))) {
            fresh.insert(entry.clone());
        }
        accepted.removed = before - fresh.len();
        lock = fresh;
    }
    let history = History::open(root);
    for state in chosen {
        let entry = Entry {
            clause: state.clause_id.clone(),
            clause_hash: state.clause_hash.clone(),
            anchor: state.anchor.clone(),
            code_hash: state.code_hash.clone(),
        };
        let key = (state.clause_id.clone(), state.anchor.clone());
        match lock.get(&entry.clause, &entry.anchor) {
            Some(existing) if *existing == entry => accepted.unchanged += 1,
            Some(_) => accepted.updated.push(key),
            None => accepted.added.push(key),
        }
        // The cache only makes later diffs nicer; failing to fill it is no reason to stop.
        let _ = history.remember(&state.code_hash, &state.code_text);
        lock.insert(entry);
    }
    accepted.total = lock.len();
    crate::fsutil::write_atomically(&path, lock.render().as_bytes())?;
    Ok(accepted)
}

/// A clause id, a clause id prefix ending at a `/`, or a path of the spec
/// or of the anchored code.
fn selects(selector: &str, state: &LinkState, analysis: &Analysis) -> bool {
    let selector = selector.trim_start_matches("./");
    if selector.contains('#') {
        return state.clause_id == selector
            || state.clause_id.strip_prefix(selector).is_some_and(|rest| rest.starts_with('/'));
    }
    let spec_path = &analysis.workspace.specs[state.spec].path;
    in_scope(spec_path, selector) || in_scope(&state.code_path, selector)
}
