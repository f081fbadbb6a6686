//! `dangling-symbol` and `dangling-path`: spec references to code that is
//! not there.

use std::borrow::Cow;

use super::{Finding, LineSpan, Sentence, SpecSide};
use crate::link::{evidence, Problem, Unresolved};
use crate::rule::Rule;
use crate::spec::{Reference, ReferenceKind};
use crate::workspace::Workspace;

/// A finding for each unresolved reference, in the list's order.
pub(super) fn check(workspace: &Workspace, unresolved: &[Unresolved]) -> Vec<Finding> {
    unresolved.iter().map(|unresolved| finding_of(workspace, unresolved)).collect()
}

/// As [`check`], taking the list's items from its end and handing its
/// memory back each time it is less than half full: a reference-dense
/// spec holds a million of them, beside as many findings.
pub(super) fn check_consuming(workspace: &Workspace, mut unresolved: Vec<Unresolved>) -> Vec<Finding> {
    let mut findings = Vec::with_capacity(unresolved.len());
    while let Some(last) = unresolved.pop() {
        findings.push(finding_of(workspace, &last));
        if unresolved.len() < unresolved.capacity() / 2 {
            unresolved.shrink_to_fit();
        }
    }
    findings.reverse();
    findings
}

fn finding_of(workspace: &Workspace, unresolved: &Unresolved) -> Finding {
    let spec = &workspace.specs[unresolved.spec()];
    let clause = &spec.clauses[unresolved.clause()];
    let reference = &clause.references[unresolved.reference()];
    let mut finding = finding_for(reference, unresolved.problem());
    // The evidence decides how loud it is (never louder than the rule).
    finding.severity = finding.severity.min(evidence::severity(unresolved.confidence));
    finding.confidence = unresolved.confidence;
    finding.add_evidence(unresolved.evidence().iter().cloned());
    finding.spec = Some(SpecSide::in_clause(clause, reference.line(), reference.column()));
    finding.set_label(reference.bytes(), label_text(unresolved.problem()));
    finding.spec_lines = Some(LineSpan::new(clause.line(), clause.end_line()));
    finding.suppress_by(clause.ignored_rules().map(Vec::as_slice));
    finding
}

fn finding_for(reference: &Reference, problem: &Problem) -> Finding {
    let shown = match &reference.kind {
        ReferenceKind::Path(link) => link.path.as_str(),
        ReferenceKind::Anchor(anchor) if anchor.symbol.is_none() => anchor.path.as_str(),
        _ => &*reference.text,
    };
    let mut finding = match problem {
        Problem::MissingSymbol { suggestion, file } => {
            let mut finding = match file {
                Some(file) => {
                    let message = format!("`{}` is not defined in {file}", symbol_part(reference));
                    Finding::new(Rule::DanglingSymbol, message)
                }
                None => about_reference(Rule::DanglingSymbol, Sentence::NamesNoSymbol, reference, shown),
            };
            finding.set_suggestion(suggestion.as_deref());
            finding
        }
        Problem::MissingPath => about_reference(Rule::DanglingPath, Sentence::LinksToNothing, reference, shown),
        Problem::MissingHeading { anchor } => {
            Finding::new(Rule::DanglingPath, format!("link to `#{anchor}` in `{shown}`, which has no such heading"))
        }
        Problem::MissingLines { available } => {
            let lines = match fragment(reference) {
                Some(crate::spec::Fragment::Lines { start, end }) if start == end => format!("line {start}"),
                Some(crate::spec::Fragment::Lines { start, end }) => format!("lines {start}-{end}"),
                _ => "a line range".to_string(),
            };
            Finding::new(Rule::DanglingPath, format!("link to {lines} of `{shown}`, which has {available} lines"))
        }
    };
    finding.reference.get_or_insert_with(|| reference.text.clone());
    finding
}

/// A finding that says `sentence` about `shown`: held as the sentence when
/// `shown` is the reference as written, as most are.
fn about_reference(rule: Rule, sentence: Sentence, reference: &Reference, shown: &str) -> Finding {
    if shown == &*reference.text {
        return Finding::about_reference(rule, sentence, shown);
    }
    Finding::new(rule, sentence.about(shown))
}

/// The `#…` part of a link into the repository.
fn fragment(reference: &Reference) -> Option<&crate::spec::Fragment> {
    match &reference.kind {
        ReferenceKind::Path(link) => link.fragment.as_ref(),
        _ => None,
    }
}

/// The symbol part of a reference, for messages about one file.
fn symbol_part(reference: &Reference) -> String {
    if let Some(crate::spec::Fragment::Symbol { segments }) = fragment(reference) {
        return segments.join("::");
    }
    let anchored = match &reference.kind {
        ReferenceKind::Anchor(anchor) => anchor.symbol.as_ref(),
        _ => None,
    };
    anchored.map_or_else(|| reference.text.to_string(), |symbol| symbol.join("::"))
}

fn label_text(problem: &Problem) -> Cow<'static, str> {
    match problem {
        Problem::MissingSymbol { .. } => "not defined".into(),
        Problem::MissingPath => "no such file".into(),
        Problem::MissingLines { available } => format!("the file has {available} lines").into(),
        Problem::MissingHeading { .. } => "no such heading".into(),
    }
}
