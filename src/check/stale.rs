//! `stale-link`: a link whose code or clause changed since it was accepted
//! into `driftcheck.lock`, shown with a diff of the code side.

use std::collections::{HashMap, HashSet};

use similar::TextDiff;

use super::{CodeSide, Finding};
use crate::history::History;
use crate::link::LinkState;
use crate::lock::{Entry, Lock};
use crate::rule::{Rule, Severity};
use crate::workspace::Workspace;

pub(super) fn check(
    workspace: &Workspace,
    states: &[LinkState],
    lock: &Lock,
    history: &History,
    dangling: &HashSet<(usize, usize)>,
) -> Vec<Finding> {
    let mut used: HashSet<(&str, &str)> = HashSet::new();
    let mut findings = Vec::new();
    for state in states {
        let Some(entry) = accepted_entry(lock, state, states) else {
            findings.push(unreviewed(workspace, state));
            continue;
        };
        used.insert((entry.clause.as_str(), entry.anchor.as_str()));
        if lock.is_conflicted(&entry.clause, &entry.anchor) {
            findings.push(accepted_twice(workspace, state));
            continue;
        }
        let code_changed = entry.code_hash != state.code_hash;
        let clause_changed = entry.clause_hash != state.clause_hash;
        if !code_changed && !clause_changed {
            continue;
        }
        let diff = code_changed
            .then(|| history.accepted_text(&entry.anchor, &entry.code_hash))
            .flatten()
            .map(|old| unified_diff(&old, &state.code_text, &state.anchor));
        findings.push(stale(workspace, state, code_changed, clause_changed, diff));
    }
    findings.extend(vanished(workspace, lock, &used, dangling));
    findings
}

/// The lock entry that recorded this link, also when the link's name
/// changed since: its clause was renumbered (same anchor, same clause
/// text), its code moved to another file (same clause, same symbol), or its
/// code moved or was renamed unchanged (same clause, same code hash).
fn accepted_entry<'l>(lock: &'l Lock, state: &'l LinkState, states: &[LinkState]) -> Option<&'l Entry> {
    if let Some(entry) = lock.get(&state.clause_id, &state.anchor) {
        return Some(entry);
    }
    let linked_now = |entry: &Entry| states.iter().any(|s| s.clause_id == entry.clause && s.anchor == entry.anchor);
    let symbol = |anchor: &str| anchor.split_once("::").map(|(_, symbol)| symbol.to_string());
    let renumbered =
        lock.entries().find(|e| e.anchor == state.anchor && e.clause_hash == state.clause_hash && !linked_now(e));
    let relocated = || {
        lock.of_clause(&state.clause_id)
            .find(|e| symbol(&e.anchor).is_some() && symbol(&e.anchor) == symbol(&state.anchor) && !linked_now(e))
    };
    let unchanged = || lock.of_clause(&state.clause_id).find(|e| e.code_hash == state.code_hash && !linked_now(e));
    renumbered.or_else(relocated).or_else(unchanged)
}

/// Accepted links whose code is gone while the clause still reads as it did
/// when accepted: the code was deleted or renamed under an unchanged spec.
/// (A changed clause is reviewed through its new links instead.)
fn vanished<'a>(
    workspace: &'a Workspace,
    lock: &'a Lock,
    used: &'a HashSet<(&str, &str)>,
    dangling: &'a HashSet<(usize, usize)>,
) -> impl Iterator<Item = Finding> + 'a {
    let named: HashSet<&str> = lock.entries().map(|entry| entry.clause.as_str()).collect();
    // A later clause of the same id wins, as it always has.
    let clauses: HashMap<&str, (usize, usize)> =
        crate::spec::clauses_named(&workspace.specs, &named).into_iter().collect();
    lock.entries().filter_map(move |entry| {
        let &(spec, clause) = clauses.get(entry.clause.as_str())?;
        let gone = !used.contains(&(entry.clause.as_str(), entry.anchor.as_str()));
        let same_text = workspace.specs[spec].clauses[clause].hash() == *entry.clause_hash;
        let reported = dangling.contains(&(spec, clause));
        (gone && same_text && !reported).then(|| gone_finding(workspace, spec, clause, &entry.anchor))
    })
}

fn gone_finding(workspace: &Workspace, spec: usize, clause: usize, anchor: &str) -> Finding {
    let spec_file = &workspace.specs[spec];
    let clause = &spec_file.clauses[clause];
    let (path, symbol) = match anchor.split_once("::") {
        Some((path, symbol)) => (path, Some(symbol.to_string())),
        None => (anchor.split('#').next().unwrap_or(anchor), None),
    };
    let what = symbol.as_deref().map_or_else(|| anchor.to_string(), |s| format!("`{s}`"));
    let message = format!("{what}, linked here when accepted, no longer exists");
    let mut finding = super::on_clause(clause, Rule::StaleLink, message, "linked here");
    finding.code = Some(Box::new(CodeSide { path: path.to_string(), line: 1, symbol, lines: None }));
    finding.reference = Some(anchor.into());
    finding.extras_mut().help = Some(format!("update the clause, then run `driftcheck accept {}`", clause.id()));
    finding
}

fn stale(
    workspace: &Workspace,
    state: &LinkState,
    code_changed: bool,
    clause_changed: bool,
    diff: Option<String>,
) -> Finding {
    let what = match &state.symbol {
        Some(symbol) => format!("`{symbol}` ({}:{})", state.code_path, state.code_line),
        None => format!("{} (line {})", state.code_path, state.code_line),
    };
    let message = match (code_changed, clause_changed) {
        (true, true) => format!("both the clause and {what} changed since the link was accepted"),
        (true, false) => format!("{what} changed since the link was accepted"),
        _ => format!("the clause changed since its link to {what} was accepted"),
    };
    let mut finding = super::on_link(workspace, state, Rule::StaleLink, message);
    finding.extras_mut().detail = diff;
    finding.extras_mut().help = Some(format!("review the change, then run `driftcheck accept {}`", state.clause_id));
    finding
}

/// A link the lock records twice, differently: two branches each accepted
/// it, and a `merge=union` kept both records. Stale until accepted again.
fn accepted_twice(workspace: &Workspace, state: &LinkState) -> Finding {
    let what = state.symbol.as_deref().unwrap_or(&state.anchor);
    let message = format!("the link to `{what}` was accepted twice, differently (two merged branches)");
    let mut finding = super::on_link(workspace, state, Rule::StaleLink, message);
    finding.extras_mut().help =
        Some(format!("review the merged result, then run `driftcheck accept {}`", state.clause_id));
    finding
}

fn unreviewed(workspace: &Workspace, state: &LinkState) -> Finding {
    let what = state.symbol.as_deref().unwrap_or(&state.anchor);
    let mut finding = super::on_link(
        workspace,
        state,
        Rule::StaleLink,
        format!("unreviewed link to `{what}`: it is not in driftcheck.lock yet"),
    );
    finding.severity = Severity::Info;
    // Its own identity: accepting the link turns it into a different finding.
    finding.extras_mut().identity_section = Some(format!("{}#unreviewed", finding.section()).into());
    finding.extras_mut().help = Some(format!("review it, then run `driftcheck accept {}`", state.clause_id));
    finding
}

/// `similar`'s unified diff of the accepted and current code.
pub fn unified_diff(old: &str, new: &str, anchor: &str) -> String {
    let (old, new) = (format!("{}\n", old.trim_end_matches('\n')), format!("{}\n", new.trim_end_matches('\n')));
    TextDiff::from_lines(&old, &new)
        .unified_diff()
        .context_radius(3)
        .header(&format!("{anchor} (accepted)"), &format!("{anchor} (now)"))
        .to_string()
}
