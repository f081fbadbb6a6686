//! `driftcheck accept`: records the current state of reviewed links in
//! `driftcheck.lock`, under a file lock, with an atomic write.

use std::collections::HashSet;
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
    /// The links the LLM pass judged still consistent, among those the
    /// selectors match (all of them when there are none).
    Verified(Vec<String>),
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

/// `analysis` must have been made with body hashes (`Options::hash_bodies`):
/// the lock records them.
pub fn accept(root: &Path, analysis: &Analysis, selection: &Selection) -> Result<Accepted, Error> {
    if analysis.workspace.code.iter().any(|file| !file.bodies_hashed) {
        return Err(Error::Usage("internal: accept needs an analysis with body hashes".into()));
    }
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
        Selection::Verified(selectors) => analysis
            .states
            .iter()
            .filter(|state| analysis.verified.iter().any(|(c, a)| *c == state.clause_id && *a == state.anchor))
            .filter(|state| selectors.is_empty() || selectors.iter().any(|s| selects(s, state, analysis)))
            .collect(),
    };
    let _guard = Guard::acquire(root)?;
    let path = root.join(lock::FILE_NAME);
    let mut lock = match (Lock::read(&path), selection) {
        (Ok(lock), _) => lock.unwrap_or_default(),
        // Re-reviewing everything rebuilds a lock that no longer parses
        // (a merge conflict): nothing in it would be kept anyway.
        (Err(crate::lock::LockError::Invalid { .. }), Selection::All) => Lock::default(),
        (Err(error), _) => return Err(error.into()),
    };
    let previous = lock.clone();
    match selection {
        // Re-reviewing everything: the lock becomes exactly the current links.
        Selection::All => lock = Lock::default(),
        // A clause's accepted links are replaced as a whole when the clause
        // (or its spec) is named: links it no longer makes leave with it.
        Selection::Matching(selectors) if selectors.iter().all(|s| s.contains('#') || s.ends_with(".md")) => {
            let clauses: HashSet<&str> = chosen.iter().map(|s| s.clause_id.as_str()).collect();
            clauses.iter().for_each(|clause| lock.remove_clause(clause));
        }
        Selection::Matching(_) | Selection::Verified(_) => {}
    }
    let history = History::open(root);
    let mut accepted = Accepted::default();
    for state in chosen {
        let entry = Entry {
            clause: state.clause_id.clone(),
            clause_hash: state.clause_hash.clone(),
            anchor: state.anchor.clone(),
            code_hash: state.code_hash.clone(),
        };
        let key = (state.clause_id.clone(), state.anchor.clone());
        match previous.get(&entry.clause, &entry.anchor) {
            Some(existing) if *existing == entry => accepted.unchanged += 1,
            Some(_) => accepted.updated.push(key),
            None => accepted.added.push(key),
        }
        // The cache only makes later diffs nicer; failing to fill it is no reason to stop.
        let _ = history.remember(&state.code_hash, &state.code_text);
        lock.insert(entry);
    }
    accepted.removed = previous.entries().filter(|e| lock.get(&e.clause, &e.anchor).is_none()).count();
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
