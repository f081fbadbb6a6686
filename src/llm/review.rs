//! What goes to a model and what comes back into the findings. Only what
//! is new, stale or uncertain is asked about:
//!
//! - links that are stale, changed since `--base`, or not yet in the lock
//!   (all of them when there is no lock): first "is the clause about this
//!   code?", then, for related ones, "is it still true?" (`semantic-drift`);
//!   a stale link judged consistent with high confidence becomes info and
//!   is what `accept --verified` records;
//! - dangling symbols of medium confidence: "is this name ours?".
//!
//! Building questions and applying verdicts work on data they are given;
//! only [`Asker`] talks to the network.

use std::collections::{HashMap, HashSet};

use serde::Serialize;

use super::ask::{Asker, Outcome};
use super::question::{Block, Kind, Question};
use super::verdict::Verdict;
use super::LlmError;
use crate::check::Finding;
use crate::git::ChangedLines;
use crate::index::in_scope;
use crate::link::evidence::{ERROR_CONFIDENCE, SHOWN_CONFIDENCE};
use crate::link::{Clue, LinkState};
use crate::lock::Lock;
use crate::rule::{Rule, Severity};
use crate::workspace::Workspace;

/// A drift verdict at or above this confidence is an error; below, info.
pub const DRIFT_CONFIDENCE: f64 = 0.7;

/// A consistent verdict on a stale link at or above this confidence makes
/// the link `accept --verified`-able.
pub const VERIFIED_CONFIDENCE: f64 = 0.8;

/// An adjudication at or above this confidence decides the finding.
pub const ADJUDICATED_CONFIDENCE: f64 = 0.7;

/// Where an adjudicated "not ours" puts a finding: info, below the default
/// `min_confidence`.
const NOT_OURS_CONFIDENCE: f64 = 0.3;

/// An unclear answer says nothing for drift: info, hidden by default.
const UNCLEAR_CONFIDENCE: f64 = 0.3;

/// What the pass needs from the analysis.
pub struct Input<'a> {
    pub workspace: &'a Workspace,
    pub states: &'a [LinkState],
    pub lock: Option<&'a Lock>,
    /// `PATHS`: only links and findings on these.
    pub scope: &'a [String],
    /// `--base`: only links whose clause or code changed since it.
    pub changed: Option<&'a ChangedLines>,
}

/// A question that got no verdict, and why.
#[derive(Debug, Clone, Serialize, PartialEq)]
pub struct Unanswered {
    pub question: &'static str,
    pub path: String,
    pub line: usize,
    pub clause: String,
    /// The link's code anchor, or the unresolved name.
    pub subject: String,
    pub reason: String,
}

/// The pass's result besides the findings it changed or added.
#[derive(Debug, Default)]
pub struct Reviewed {
    pub unanswered: Vec<Unanswered>,
    /// (clause id, anchor) of stale links judged consistent.
    pub verified: Vec<(String, String)>,
}

/// One thing asked about: a link (by state) or a finding (by index).
#[derive(Clone, Copy)]
enum Subject {
    Link {
        state: usize,
        stale: Option<usize>,
    },
    /// A finding, and the (spec, clause) it is on.
    Finding {
        finding: usize,
        spec: usize,
        clause: usize,
    },
}

pub fn review(input: &Input, findings: &mut Vec<Finding>, asker: &mut Asker) -> Result<Reviewed, LlmError> {
    let mut reviewed = Reviewed::default();
    // Stale links first, then the uncertain names, then new or changed
    // links: what a limited budget should answer first.
    let (stale, fresh) = links_to_ask(input, findings);
    let mut first: Vec<Asked> = stale
        .into_iter()
        .chain(adjudication_candidates(input, findings))
        .chain(fresh)
        .map(|subject| (subject, first_question(input, findings, subject)))
        .collect();
    let mut follow_ups: Vec<Asked> = Vec::new();
    // Calls that answers gave back (an unrelated clause needs no second
    // question) go to what the budget skipped, in order, while any is
    // answered; the last calls, too few to set one aside, go to first
    // questions alone.
    let mut hold = true;
    loop {
        let waiting = first.len() + follow_ups.len();
        let round = review_round(input, findings, asker, (&first, &follow_ups), hold, &mut reviewed)?;
        let (skipped_first, skipped_follow_ups, reasons) = round;
        let stuck = skipped_first.len() + skipped_follow_ups.len() == waiting;
        if skipped_first.is_empty() && skipped_follow_ups.is_empty() || stuck && !hold {
            reviewed.unanswered.extend(reasons);
            return Ok(reviewed);
        }
        hold = !stuck;
        (first, follow_ups) = (skipped_first, skipped_follow_ups);
    }
}

/// A question about a subject.
type Asked = (Subject, Question);

/// What a round left for the budget to answer later, and why.
type Leftover = (Vec<Asked>, Vec<Asked>, Vec<Unanswered>);

/// First questions (and follow-ups a budget skipped before), then the
/// follow-ups of related links. Returns what the budget skipped; failed
/// questions are recorded at once.
fn review_round(
    input: &Input,
    findings: &mut Vec<Finding>,
    asker: &mut Asker,
    (first, waiting_follow_ups): (&[Asked], &[Asked]),
    hold: bool,
    reviewed: &mut Reviewed,
) -> Result<Leftover, LlmError> {
    let (mut skipped_first, mut skipped_follow_ups, mut reasons) = (Vec::new(), Vec::new(), Vec::new());
    let questions: Vec<Question> = first.iter().map(|(_, question)| question.clone()).collect();
    // Each link's question is followed by a second once it is related: set
    // a call aside for it, so the budget completes questions in order.
    let follow_up: Vec<bool> = first.iter().map(|(s, _)| hold && matches!(s, Subject::Link { .. })).collect();
    let outcomes = asker.ask_holding(&questions, &follow_up, |verdict| verdict.verdict == "related")?;
    let mut related: Vec<Asked> = waiting_follow_ups.to_vec();
    for ((subject, question), outcome) in first.iter().zip(outcomes) {
        match (subject, outcome) {
            (Subject::Link { .. }, Outcome::Answered { verdict, .. }) if verdict.verdict == "related" => {
                related.push((*subject, Question { kind: Kind::Consistency, ..question.clone() }))
            }
            (Subject::Link { .. }, Outcome::Answered { .. }) => {}
            (Subject::Finding { finding: index, .. }, Outcome::Answered { verdict, model }) => {
                adjudicate(&mut findings[*index], &verdict, &model)
            }
            (_, Outcome::Skipped(reason)) => {
                reasons.push(unanswered(input, findings, *subject, question.kind, reason));
                skipped_first.push((*subject, question.clone()));
            }
            (_, Outcome::Failed(reason)) => {
                reviewed.unanswered.push(unanswered(input, findings, *subject, question.kind, reason))
            }
        }
    }
    let consistency: Vec<Question> = related.iter().map(|(_, question)| question.clone()).collect();
    let second = asker.ask_follow_ups(&consistency)?;
    for ((subject, question), outcome) in related.iter().zip(second) {
        let Subject::Link { state, stale } = *subject else { continue };
        match outcome {
            Outcome::Answered { verdict, model } => {
                let state = &input.states[state];
                if let Some(finding) = semantic_finding(input.workspace, state, &verdict, &model) {
                    findings.push(finding);
                }
                let whole_link = shows_whole_link(state);
                if let Some(stale) = stale.filter(|_| verified(&verdict) && whole_link) {
                    mark_verified(&mut findings[stale], &verdict, &model);
                    reviewed.verified.push((state.clause_id.clone(), state.anchor.clone()));
                }
            }
            Outcome::Skipped(reason) => {
                reasons.push(unanswered(input, findings, *subject, Kind::Consistency, reason));
                skipped_follow_ups.push((*subject, question.clone()));
            }
            Outcome::Failed(reason) => {
                reviewed.unanswered.push(unanswered(input, findings, *subject, Kind::Consistency, reason))
            }
        }
    }
    Ok((skipped_first, skipped_follow_ups, reasons))
}

fn first_question(input: &Input, findings: &[Finding], subject: Subject) -> Question {
    match subject {
        Subject::Link { state, stale } => link_question(input, &input.states[state], stale.map(|f| &findings[f])),
        Subject::Finding { finding, spec, clause } => adjudication_question(input, &findings[finding], spec, clause),
    }
}

/// Links worth a question: stale ones (with their finding); and those
/// changed since `--base`, or else those not yet in the lock. With
/// `--base`, stale links too only when they changed since it.
fn links_to_ask(input: &Input, findings: &[Finding]) -> (Vec<Subject>, Vec<Subject>) {
    let workspace = input.workspace;
    let askable = |state: &LinkState| {
        let spec = &workspace.specs[state.spec];
        let clause = &spec.clauses[state.clause];
        let in_scope = input.scope.is_empty()
            || input.scope.iter().any(|s| in_scope(&spec.path, s) || in_scope(&state.code_path, s));
        in_scope && clause.history().is_none() && !clause.ignores(Rule::SemanticDrift.id())
    };
    let changed_since_base = |state: &LinkState| {
        input.changed.is_none_or(|changed| {
            let spec = &workspace.specs[state.spec];
            let clause = &spec.clauses[state.clause];
            changed.touches(&spec.path, clause.line(), clause.end_line())
                || changed.touches(&state.code_path, state.code_line, state.code_end_line)
        })
    };
    let by_key: HashMap<(&str, &str), usize> =
        input.states.iter().enumerate().map(|(i, s)| ((s.clause_id.as_str(), s.anchor.as_str()), i)).collect();
    let mut seen = HashSet::new();
    let mut stale = Vec::new();
    for (index, finding) in findings.iter().enumerate() {
        if finding.rule != Rule::StaleLink || finding.severity == Severity::Info {
            continue;
        }
        let clause = finding.spec.as_ref().map(|s| s.clause().to_string());
        let key = clause.as_deref().zip(finding.reference.as_deref());
        let Some(&state) = key.and_then(|key| by_key.get(&key)) else { continue };
        let wanted = askable(&input.states[state]) && changed_since_base(&input.states[state]);
        if wanted && seen.insert(state) {
            stale.push(Subject::Link { state, stale: Some(index) });
        }
    }
    let mut fresh = Vec::new();
    for (index, state) in input.states.iter().enumerate() {
        let wanted = match input.changed {
            Some(_) => changed_since_base(state),
            None => input.lock.is_none_or(|lock| lock.get(&state.clause_id, &state.anchor).is_none()),
        };
        if wanted && askable(state) && seen.insert(index) {
            fresh.push(Subject::Link { state: index, stale: None });
        }
    }
    (stale, fresh)
}

/// Dangling symbols the evidence left in the middle: shown, not errors;
/// with `--base`, only those on lines changed since it.
fn adjudication_candidates(input: &Input, findings: &[Finding]) -> Vec<Subject> {
    let in_scope =
        |f: &Finding| input.scope.is_empty() || f.paths().any(|p| input.scope.iter().any(|s| in_scope(p, s)));
    let changed = |f: &Finding| {
        input.changed.is_none_or(|changed| {
            f.spec.as_ref().zip(f.spec_lines).is_some_and(|(side, l)| changed.touches(side.path(), l.first(), l.last()))
        })
    };
    findings
        .iter()
        .enumerate()
        .filter(|(_, f)| f.rule == Rule::DanglingSymbol && (SHOWN_CONFIDENCE..ERROR_CONFIDENCE).contains(&f.confidence))
        .filter(|(_, f)| in_scope(f) && changed(f))
        .filter_map(|(finding, f)| {
            let (spec, clause) = clause_of(input.workspace, f)?;
            Some(Subject::Finding { finding, spec, clause })
        })
        .collect()
}

/// The (spec, clause) a finding's spec side names.
fn clause_of(workspace: &Workspace, finding: &Finding) -> Option<(usize, usize)> {
    let side = finding.spec.as_ref()?;
    let spec = workspace.specs.iter().position(|f| *f.path == *side.path())?;
    let id = side.clause().to_string();
    let clause = workspace.specs[spec].clauses.iter().position(|c| c.id().is(&id))?;
    Some((spec, clause))
}

/// The clause's lines as the spec has them.
fn clause_block(workspace: &Workspace, spec: usize, clause: usize) -> Block {
    let spec = &workspace.specs[spec];
    let clause = &spec.clauses[clause];
    let lines: Vec<&str> =
        spec.source.lines().skip(clause.line().saturating_sub(1)).take(clause.end_line() + 1 - clause.line()).collect();
    // Text read again that no longer matches what was analysed reads as
    // empty: the clause's own text stands in for its lines.
    let text = match lines.is_empty() {
        true => clause.text().to_string(),
        false => lines.join("\n"),
    };
    Block::new(&spec.path, clause.line(), &text, &clause.heading_path().join(" > "))
}

/// The first question about a link: is the clause about this code?
fn link_question(input: &Input, state: &LinkState, stale: Option<&Finding>) -> Question {
    let label = state.symbol.clone().unwrap_or_else(|| state.anchor.clone());
    Question {
        kind: Kind::Related,
        spec: clause_block(input.workspace, state.spec, state.clause),
        code: Some(first_part(state, &label)),
        diff: stale.and_then(|finding| finding.detail().map(str::to_string)),
        reference: None,
        context: Vec::new(),
    }
}

/// Whether the question showed all of the link's code: a link to several
/// places shows only the first, and a verdict on it cannot verify the rest.
fn shows_whole_link(state: &LinkState) -> bool {
    state.code_text.lines().count() <= state.code_end_line.saturating_sub(state.code_line) + 1
}

/// The anchored code of the link's first part: a link whose reference
/// resolves to several places joins their text, and only the first is
/// numbered from `code_line`.
fn first_part(state: &LinkState, label: &str) -> Block {
    let lines = state.code_end_line.saturating_sub(state.code_line) + 1;
    let text: Vec<&str> = state.code_text.lines().take(lines).collect();
    Block::new(&state.code_path, state.code_line, &text.join("\n"), label)
}

/// Names the same section links to that do resolve: what the doc around
/// the name is about.
fn resolved_nearby(input: &Input, spec: usize, section: &str) -> Vec<String> {
    let workspace = input.workspace;
    let mut names: Vec<String> = input
        .states
        .iter()
        .filter(|state| state.spec == spec && **workspace.specs[spec].clauses[state.clause].section() == *section)
        .filter_map(|state| state.symbol.clone())
        .collect();
    names.sort();
    names.dedup();
    names
}

/// "Is this name ours?", with what driftcheck knows about it.
fn adjudication_question(input: &Input, finding: &Finding, spec_index: usize, clause_index: usize) -> Question {
    let workspace = input.workspace;
    let mut context = Vec::new();
    for clue in finding.evidence() {
        context.push(format!("What driftcheck found: {}", describe(clue)));
    }
    if let Some(suggestion) = finding.suggestion() {
        context.push(format!("The closest name this repository defines: `{suggestion}`"));
    }
    let section = workspace.specs[spec_index].clauses[clause_index].section();
    let nearby = resolved_nearby(input, spec_index, section);
    if !nearby.is_empty() {
        context.push(format!("Names in the same section that this repository defines: {}", list(nearby.iter(), 20)));
    }
    let manifests = &workspace.manifests;
    if !manifests.own.is_empty() {
        context.push(format!("This repository's own packages: {}", list(manifests.own.iter(), 10)));
    }
    if !manifests.dependencies.is_empty() {
        context.push(format!("Its declared dependencies: {}", list(manifests.dependencies.iter(), 40)));
    }
    let block = clause_block(workspace, spec_index, clause_index);
    Question {
        kind: Kind::Adjudication,
        spec: block,
        code: None,
        diff: None,
        reference: finding.reference.as_deref().map(String::from),
        context,
    }
}

fn list<'a>(names: impl Iterator<Item = &'a String>, most: usize) -> String {
    let names: Vec<&str> = names.map(String::as_str).collect();
    let shown = names.iter().take(most).copied().collect::<Vec<_>>().join(", ");
    match names.len() > most {
        true => format!("{shown} and {} more", names.len() - most),
        false => shown,
    }
}

/// A clue in words, for the model.
fn describe(clue: &Clue) -> String {
    match clue {
        Clue::Removed { name, path, package: None, .. } => format!("`{name}` was defined in {path} and later removed"),
        Clue::Removed { name, path, package: Some(manifest), .. } => {
            format!("`{name}` was defined in {path} and removed with its whole package ({manifest}), which may live elsewhere now")
        }
        Clue::RemovedUnmentioned { name, .. } => {
            format!("`{name}` was defined here once, but no doc mentioned it when it was removed")
        }
        Clue::NearMiss { symbol, .. } => format!("`{symbol}` is defined, one small edit away"),
        Clue::OwnQualifier { qualifier } => format!("qualified with `{qualifier}`, which this code defines"),
        Clue::OwnImport { package } => format!("qualified with or imported from this repository's `{package}`"),
        Clue::Gate { reason, .. } => reason.clone(),
        Clue::Llm { explanation, .. } => explanation.clone(),
    }
}

fn llm_clue(question: Kind, verdict: &Verdict, model: &str) -> Clue {
    Clue::Llm {
        question: question.id(),
        model: model.to_string(),
        verdict: verdict.verdict.clone(),
        confidence: verdict.confidence,
        explanation: verdict.explanation.clone(),
        cited: verdict.evidence.clone(),
    }
}

/// "Ours" with confidence makes it an error; "not ours" info; the rest
/// only adds the verdict to the evidence.
fn adjudicate(finding: &mut Finding, verdict: &Verdict, model: &str) {
    finding.add_evidence([llm_clue(Kind::Adjudication, verdict, model)]);
    if verdict.confidence < ADJUDICATED_CONFIDENCE {
        return;
    }
    match verdict.verdict.as_str() {
        "drift" => {
            finding.confidence = finding.confidence.max(ERROR_CONFIDENCE);
            finding.severity = Severity::Error;
            finding.set_message(format!(
                "{} — {model} judged it this repository's: {}",
                finding.message(),
                verdict.explanation
            ));
        }
        "consistent" => {
            finding.confidence = finding.confidence.min(NOT_OURS_CONFIDENCE);
            finding.severity = Severity::Info;
            finding.set_message(format!("{} — {model} judged it not ours: {}", finding.message(), verdict.explanation));
        }
        _ => {}
    }
}

/// A `semantic-drift` finding for a drift or unclear verdict: an error
/// only for drift with confidence; unclear and unsure ones are info.
fn semantic_finding(workspace: &Workspace, state: &LinkState, verdict: &Verdict, model: &str) -> Option<Finding> {
    let (severity, confidence, message) = match verdict.verdict.as_str() {
        "drift" if verdict.confidence >= DRIFT_CONFIDENCE => {
            (Rule::SemanticDrift.default_severity(), verdict.confidence, verdict.explanation.clone())
        }
        "drift" => (Severity::Info, verdict.confidence, format!("possibly: {}", verdict.explanation)),
        // Below the default `min_confidence`: shown only when asked for.
        "unclear" => (Severity::Info, UNCLEAR_CONFIDENCE, format!("could not tell: {}", verdict.explanation)),
        _ => return None,
    };
    let clause = &workspace.specs[state.spec].clauses[state.clause];
    let what = state.symbol.as_deref().unwrap_or(&state.anchor);
    let message = format!("the clause no longer describes `{what}` ({model}): {message}");
    let mut finding = crate::check::on_link(workspace, state, Rule::SemanticDrift, message);
    finding.severity = severity;
    finding.confidence = confidence;
    finding.add_evidence([llm_clue(Kind::Consistency, verdict, model)]);
    finding.extras_mut().help =
        Some(format!("fix the clause or the code, then run `driftcheck accept {}`", clause.id()));
    Some(finding)
}

fn verified(verdict: &Verdict) -> bool {
    verdict.verdict == "consistent" && verdict.confidence >= VERIFIED_CONFIDENCE
}

/// A stale link the model judged still consistent: info, with why.
fn mark_verified(finding: &mut Finding, verdict: &Verdict, model: &str) {
    finding.severity = Severity::Info;
    finding.add_evidence([llm_clue(Kind::Consistency, verdict, model)]);
    finding.set_message(format!("{} — judged still consistent by {model}: {}", finding.message(), verdict.explanation));
    finding.extras_mut().help = Some("`driftcheck accept --verified` records the links judged consistent".to_string());
}

fn unanswered(input: &Input, findings: &[Finding], subject: Subject, kind: Kind, reason: String) -> Unanswered {
    let (path, line, clause, what) = match subject {
        Subject::Link { state, .. } => {
            let state = &input.states[state];
            let spec = &input.workspace.specs[state.spec];
            let clause = &spec.clauses[state.clause];
            (spec.path.clone(), clause.line(), clause.id().to_string(), state.anchor.clone())
        }
        Subject::Finding { finding: index, .. } => {
            let finding = &findings[index];
            let spec = finding.spec.as_ref();
            (
                spec.map(|s| s.path().to_string()).unwrap_or_default(),
                spec.map_or(0, |s| s.line as usize),
                spec.map(|s| s.clause().to_string()).unwrap_or_default(),
                finding.reference.as_deref().unwrap_or_default().to_string(),
            )
        }
    };
    Unanswered { question: kind.id(), path, line, clause, subject: what, reason }
}
