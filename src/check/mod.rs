//! Checks turn the link graph into findings. Each rule family is a file;
//! checks emit default severities, and [`run`] applies configuration,
//! suppressions and fingerprints once, afterwards.

mod dangling;
mod directives;
mod parse_error;
mod spec_ref;
mod stale;
mod unlinked;

use std::borrow::Cow;
use std::collections::HashSet;
use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

use crate::history::History;
use crate::index::CodeIndex;
use crate::link::{Clue, LinkGraph, LinkState};
use crate::lock::Lock;
use crate::rule::{Rule, Severity};
use crate::spec::{narrow, Clause, ClauseId, ClauseNumber, Place, TextHash};
use crate::workspace::Workspace;

pub use directives::unknown_ignored_rules;

/// Where in a spec a finding is: a place in a clause.
#[derive(Debug, Clone, PartialEq)]
pub struct SpecSide {
    /// The clause's spec and section, shared with it: a large spec holds a
    /// million findings.
    place: Arc<Place>,
    number: ClauseNumber,
    /// In 32 bits (see [`crate::spec::narrow`]).
    pub line: u32,
    pub column: u32,
}

impl SpecSide {
    /// At `line` and `column` in `clause`.
    pub fn in_clause(clause: &Clause, line: usize, column: usize) -> SpecSide {
        SpecSide { place: clause.place().clone(), number: clause.number(), line: narrow(line), column: narrow(column) }
    }

    /// At `line` and `column` of the spec at `path`, in the clause whose id
    /// is `clause` (empty: in no clause); for tests of what reads findings.
    #[cfg(test)]
    pub fn at(path: &str, line: usize, column: usize, clause: &str) -> SpecSide {
        let place = Place::new(Arc::from(path), Arc::from(""), Arc::from([])).with_own_id(clause.to_string());
        SpecSide { place: Arc::new(place), number: ClauseNumber::Prose(0), line: narrow(line), column: narrow(column) }
    }

    pub fn path(&self) -> &str {
        &self.place.path
    }

    /// The clause's id.
    pub fn clause(&self) -> ClauseId<'_> {
        ClauseId::new(&self.place, self.number)
    }

    /// Slug of the clause's section (empty when it has none).
    pub fn section(&self) -> &str {
        &self.place.section
    }
}

impl Serialize for SpecSide {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("SpecSide", 4)?;
        out.serialize_field("path", self.path())?;
        out.serialize_field("line", &self.line)?;
        out.serialize_field("column", &self.column)?;
        out.serialize_field("clause", &Written(self.clause()))?;
        out.end()
    }
}

/// Serializes as the string `Display` writes, without holding it.
struct Written<T>(T);

impl<T: std::fmt::Display> Serialize for Written<T> {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(&self.0)
    }
}

/// Where in the code a finding is.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct CodeSide {
    pub path: String,
    pub line: usize,
    pub symbol: Option<String>,
    /// Lines (first, last) of the code the finding is about, for `--base`
    /// to tell whether they changed.
    #[serde(skip)]
    pub lines: Option<(usize, usize)>,
}

/// The span a human report underlines: a byte range in the finding's first
/// file, its spec side's, else its code side's ([`Finding::label_in_file`]).
#[derive(Debug, Clone, PartialEq)]
pub struct Label {
    /// In 32 bits: a large spec holds a million labels.
    bytes: Range<u32>,
    /// One of a few fixed words, borrowed; words of a finding's own are in
    /// its extras (see [`Finding::set_label`], [`Finding::label_text`]).
    text: &'static str,
}

impl Label {
    pub fn new(bytes: Range<usize>, text: &'static str) -> Label {
        Label { bytes: narrow(bytes.start)..narrow(bytes.end), text }
    }

    pub fn bytes(&self) -> Range<usize> {
        self.bytes.start as usize..self.bytes.end as usize
    }
}

/// Lines (first, last) of a clause, in 32 bits each.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct LineSpan {
    first: u32,
    last: u32,
}

impl LineSpan {
    pub fn new(first: usize, last: usize) -> LineSpan {
        LineSpan { first: narrow(first), last: narrow(last) }
    }

    pub fn first(self) -> usize {
        self.first as usize
    }

    pub fn last(self) -> usize {
        self.last as usize
    }
}

/// One piece of drift.
#[derive(Debug, Clone, PartialEq)]
pub struct Finding {
    pub rule: Rule,
    pub severity: Severity,
    /// Read with [`Finding::message`].
    message: Message,
    pub spec: Option<SpecSide>,
    /// Boxed: most findings have no code side.
    pub code: Option<Box<CodeSide>>,
    /// A message about the reference ([`Sentence`]) is written from this:
    /// set it before the message is read, as checks do.
    pub reference: Option<Box<str>>,
    pub confidence: f64,
    /// The finding's identity across runs and edits elsewhere.
    pub fingerprint: TextHash,
    /// Read with [`Finding::label`], set with [`Finding::set_label`]: a
    /// label's own words are kept apart from it.
    label: Option<Label>,
    /// Lines (first, last) of the clause, for `--base` to tell whether
    /// they changed.
    pub spec_lines: Option<LineSpan>,
    /// What few findings carry, boxed: a large spec holds a million
    /// findings, and each would otherwise carry room for all of it.
    pub extras: Option<Box<Extras>>,
}

/// What a finding says: its own words, or one of a few sentences about its
/// reference, held as the sentence and written out when read. A
/// reference-dense spec holds a finding per reference; each would otherwise
/// hold its reference twice, once inside its message.
#[derive(Debug, Clone, PartialEq)]
enum Message {
    Text(Box<str>),
    AboutReference(Sentence),
}

/// A sentence about a finding's reference.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Sentence {
    /// "`X` names no symbol defined in the code"
    NamesNoSymbol,
    /// "link to `X`, which does not exist"
    LinksToNothing,
}

impl Sentence {
    pub fn about(self, reference: &str) -> String {
        match self {
            Sentence::NamesNoSymbol => format!("`{reference}` names no symbol defined in the code"),
            Sentence::LinksToNothing => format!("link to `{reference}`, which does not exist"),
        }
    }
}

impl Serialize for Finding {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut out = serializer.serialize_struct("Finding", 10)?;
        out.serialize_field("rule", &self.rule)?;
        out.serialize_field("severity", &self.severity)?;
        out.serialize_field("message", &self.message())?;
        out.serialize_field("spec", &self.spec)?;
        out.serialize_field("code", &self.code)?;
        out.serialize_field("reference", &self.reference)?;
        out.serialize_field("suggestion", &self.suggestion())?;
        out.serialize_field("confidence", &self.confidence)?;
        out.serialize_field("fingerprint", &self.fingerprint)?;
        out.serialize_field("evidence", self.evidence())?;
        out.end()
    }
}

// A reference-dense spec holds a finding per reference: growing one grows
// a run's memory by a million times as much.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Finding>() <= 128, "Finding grew; see specs/performance.md");

/// The parts of a finding that most findings lack.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Extras {
    /// The name the spec may have meant.
    pub suggestion: Option<Box<str>>,
    /// Why driftcheck believes this is (or is not) drift.
    pub evidence: Vec<Clue>,
    /// Rules the clause or symbol silences.
    pub suppressed_by: Option<Vec<String>>,
    /// What to do about it, for the human report (names go in `suggestion`).
    pub help: Option<String>,
    /// Extra text for the human report, e.g. a stale link's diff.
    pub detail: Option<String>,
    /// The section the finding's identity names, when not its clause's.
    pub identity_section: Option<Box<str>>,
    /// The label's words, when not fixed ones.
    pub label_text: Option<Box<str>>,
}

impl Finding {
    pub fn new(rule: Rule, message: String) -> Finding {
        Finding {
            rule,
            severity: rule.default_severity(),
            // Boxed without the room `format!` leaves to grow: a large spec
            // holds a million of these.
            message: Message::Text(message.into_boxed_str()),
            spec: None,
            code: None,
            reference: None,
            confidence: 1.0,
            fingerprint: TextHash::default(),
            label: None,
            spec_lines: None,
            extras: None,
        }
    }

    /// A finding that says `sentence` about `reference`.
    pub fn about_reference(rule: Rule, sentence: Sentence, reference: &str) -> Finding {
        let mut finding = Finding::new(rule, String::new());
        finding.message = Message::AboutReference(sentence);
        finding.reference = Some(reference.into());
        finding
    }

    pub fn message(&self) -> Cow<'_, str> {
        match &self.message {
            Message::Text(text) => Cow::Borrowed(text),
            Message::AboutReference(sentence) => Cow::Owned(sentence.about(self.reference.as_deref().unwrap_or(""))),
        }
    }

    pub fn set_message(&mut self, message: String) {
        self.message = Message::Text(message.into_boxed_str());
    }

    fn is_suppressed(&self) -> bool {
        let suppressed_by = self.extras.as_ref().and_then(|extras| extras.suppressed_by.as_ref());
        crate::text::suppresses(suppressed_by, self.rule.id())
    }

    /// The extras, created empty on first use.
    pub fn extras_mut(&mut self) -> &mut Extras {
        self.extras.get_or_insert_with(Box::default)
    }

    /// Silenced for these rules (an empty list: for every rule), as its
    /// clause or symbol says; `None` leaves it as it was.
    pub fn suppress_by(&mut self, rules: Option<&[String]>) {
        if let Some(rules) = rules {
            self.extras_mut().suppressed_by = Some(rules.to_vec());
        }
    }

    /// The name the spec may have meant.
    pub fn suggestion(&self) -> Option<&str> {
        self.extras.as_ref().and_then(|extras| extras.suggestion.as_deref())
    }

    pub fn set_suggestion(&mut self, suggestion: Option<&str>) {
        if let Some(suggestion) = suggestion {
            self.extras_mut().suggestion = Some(suggestion.into());
        }
    }

    /// Why driftcheck believes this is (or is not) drift.
    pub fn evidence(&self) -> &[Clue] {
        self.extras.as_ref().map_or(&[], |extras| &extras.evidence)
    }

    /// Adds to the evidence.
    pub fn add_evidence(&mut self, clues: impl IntoIterator<Item = Clue>) {
        let mut clues = clues.into_iter().peekable();
        if clues.peek().is_some() {
            let evidence = &mut self.extras_mut().evidence;
            // Exactly: a first `extend` would make room for four clues, and
            // a large spec holds a finding with one clue per reference.
            evidence.reserve_exact(clues.size_hint().0);
            evidence.extend(clues);
        }
    }

    /// Section slug, for a fingerprint that survives edits elsewhere: its
    /// clause's, unless its identity names another.
    pub fn section(&self) -> &str {
        let named = self.extras.as_ref().and_then(|extras| extras.identity_section.as_deref());
        named.unwrap_or_else(|| self.spec.as_ref().map_or("", SpecSide::section))
    }

    pub fn help(&self) -> Option<&str> {
        self.extras.as_ref().and_then(|extras| extras.help.as_deref())
    }

    pub fn detail(&self) -> Option<&str> {
        self.extras.as_ref().and_then(|extras| extras.detail.as_deref())
    }

    /// Underlines `bytes` with `text`: fixed words are borrowed, and words
    /// of the finding's own go in its extras, as few findings have any.
    pub fn set_label(&mut self, bytes: Range<usize>, text: impl Into<Cow<'static, str>>) {
        let words = match text.into() {
            Cow::Borrowed(words) => {
                if let Some(extras) = &mut self.extras {
                    extras.label_text = None;
                }
                words
            }
            Cow::Owned(words) => {
                self.extras_mut().label_text = Some(words.into_boxed_str());
                ""
            }
        };
        self.label = Some(Label::new(bytes, words));
    }

    /// The span a human report underlines, if any.
    pub fn label(&self) -> Option<&Label> {
        self.label.as_ref()
    }

    /// No span to underline: the report gives the finding's place.
    pub fn clear_label(&mut self) {
        self.label = None;
        if let Some(extras) = &mut self.extras {
            extras.label_text = None;
        }
    }

    /// The words the label underlines with.
    pub fn label_text(&self) -> Option<&str> {
        let own = self.extras.as_ref().and_then(|extras| extras.label_text.as_deref());
        self.label.as_ref().map(|label| own.unwrap_or(label.text))
    }

    /// The label and the file it underlines: the spec side's, else the
    /// code side's.
    pub fn label_in_file(&self) -> Option<(&Label, &str)> {
        self.label.as_ref().zip(self.paths().next())
    }

    /// Paths the finding is on (spec side first).
    pub fn paths(&self) -> impl Iterator<Item = &str> {
        self.spec.iter().map(SpecSide::path).chain(self.code.iter().map(|c| c.path.as_str()))
    }

    /// The paths the finding is on, and the code file that caused it: the
    /// file whose uncommitted change removed the name a spec still uses.
    /// Checking that code file alone reports the spec's finding.
    pub fn concerns(&self) -> impl Iterator<Item = &str> {
        let removed_from = self.evidence().iter().filter_map(|clue| match clue {
            Clue::Removed { path, commit: None, .. } => Some(path.as_str()),
            _ => None,
        });
        self.paths().chain(removed_from)
    }
}

/// A finding about a link: the clause on the spec side, the anchored code
/// on the code side.
pub fn on_link(workspace: &Workspace, state: &LinkState, rule: Rule, message: String) -> Finding {
    let clause = &workspace.specs[state.spec].clauses[state.clause];
    let mut finding = on_clause(clause, rule, message, "linked here");
    finding.code = Some(Box::new(CodeSide {
        path: state.code_path.clone(),
        line: state.code_line,
        symbol: state.symbol.clone(),
        lines: Some((state.code_line, state.code_end_line)),
    }));
    finding.reference = Some(state.anchor.as_str().into());
    finding
}

/// A finding about a whole clause, underlined with `label`: its place,
/// section, lines and the rules it silences.
pub fn on_clause(clause: &Clause, rule: Rule, message: String, label: &'static str) -> Finding {
    let mut finding = Finding::new(rule, message);
    finding.spec = Some(SpecSide::in_clause(clause, clause.line(), clause.column()));
    finding.spec_lines = Some(LineSpan::new(clause.line(), clause.end_line()));
    finding.suppress_by(clause.ignored_rules().map(Vec::as_slice));
    finding.set_label(clause.bytes(), label);
    finding
}

/// What the lock-based check needs: the lock (if the repository has one),
/// the current link states and where to find accepted code.
pub struct Review<'a> {
    pub lock: Option<&'a Lock>,
    pub states: &'a [LinkState],
    pub history: &'a History,
}

/// Runs every deterministic check; findings come back sorted by location,
/// with configured severities, without suppressed or disabled ones. The
/// graph's unresolved references are consumed.
pub fn run(workspace: &Workspace, index: &CodeIndex, graph: &mut LinkGraph, review: &Review) -> Vec<Finding> {
    finish(workspace, collect(workspace, index, graph, review, false))
}

/// Every deterministic check's findings at their default severities, for
/// the LLM pass to weigh before [`finish`]. The graph's unresolved
/// references are consumed as their findings are made, unless
/// `keep_unresolved` (for a view of the links): a reference-dense spec's
/// list and its findings would otherwise be held whole at once.
pub fn collect(
    workspace: &Workspace,
    index: &CodeIndex,
    graph: &mut LinkGraph,
    review: &Review,
    keep_unresolved: bool,
) -> Vec<Finding> {
    // The dangling references' vector, the one a large spec makes large, is
    // grown once by exactly the others': growing it as they come would
    // double it, and copy every finding to do so.
    let mut others = spec_ref::check(workspace, index, graph);
    others.extend(parse_error::check(index));
    if workspace.config.severity(Rule::UnlinkedRequirement) != Severity::Off {
        others.extend(unlinked::check(workspace, graph));
    }
    if let Some(lock) = review.lock {
        // A clause whose reference no longer resolves is reported as dangling;
        // its vanished accepted link would only say the same again.
        let shown = |confidence: f64| confidence >= workspace.config.min_confidence;
        let dangling: HashSet<(usize, usize)> =
            graph.unresolved.iter().filter(|u| shown(u.confidence)).map(|u| (u.spec(), u.clause())).collect();
        others.extend(stale::check(workspace, review.states, lock, review.history, &dangling));
    }
    let mut findings = match keep_unresolved {
        true => dangling::check(workspace, &graph.unresolved),
        false => dangling::check_consuming(workspace, std::mem::take(&mut graph.unresolved)),
    };
    findings.reserve_exact(others.len());
    findings.extend(others);
    findings
}

/// Applies configuration once to every finding, however it was found:
/// suppressions, `min_confidence`, severities, one finding per spot, and
/// fingerprints.
pub fn finish(workspace: &Workspace, findings: Vec<Finding>) -> Vec<Finding> {
    let mut findings: Vec<Finding> = findings
        .into_iter()
        .filter(|finding| !finding.is_suppressed())
        // Evidence against it: info the user asked not to see.
        .filter(|finding| finding.confidence >= workspace.config.min_confidence)
        .filter_map(|mut finding| {
            let configured = workspace.config.severity(finding.rule);
            // A check may demote one finding below its rule's default (an
            // unreviewed link is info); configuration can lower it further.
            finding.severity = if finding.severity < finding.rule.default_severity() {
                finding.severity.min(configured)
            } else {
                configured
            };
            (finding.severity != Severity::Off).then_some(finding)
        })
        .collect();
    sort_by_location(&mut findings);
    // Uses of one reference-style link definition are one finding, at it.
    findings.dedup_by(|later, first| same_spot(later, first));
    assign_fingerprints(&mut findings);
    findings
}

/// The same rule and reference at the same spec position, whatever clause
/// it was reached from.
fn same_spot(a: &Finding, b: &Finding) -> bool {
    fn position(f: &Finding) -> Option<(&str, usize, usize)> {
        f.spec.as_ref().map(|s| (s.path(), s.line as usize, s.column as usize))
    }
    a.rule == b.rule && a.reference == b.reference && position(a).is_some() && position(a) == position(b)
}

fn location(finding: &Finding) -> (&str, usize, usize, Rule) {
    match (&finding.spec, &finding.code) {
        (Some(spec), _) => (spec.path(), spec.line as usize, spec.column as usize, finding.rule),
        (None, Some(code)) => (code.path.as_str(), code.line, 0, finding.rule),
        (None, None) => ("", 0, 0, finding.rule),
    }
}

/// A stable sort by location that moves each finding once: sorting the
/// findings themselves would take a scratch copy of half of them, which on
/// a large spec is more memory than the spec.
fn sort_by_location(findings: &mut [Finding]) {
    let mut order: Vec<usize> = (0..findings.len()).collect();
    order.sort_by(|&a, &b| location(&findings[a]).cmp(&location(&findings[b])));
    // Position `i` takes the finding at `order[i]`: follow each cycle once.
    const PLACED: usize = usize::MAX;
    for start in 0..order.len() {
        let mut current = start;
        while order[current] != PLACED {
            let next = order[current];
            order[current] = PLACED;
            if next == start {
                break;
            }
            findings.swap(current, next);
            current = next;
        }
    }
}

/// Fingerprints come from identity, never from line numbers: rule, spec
/// file and section, reference, code path and symbol, and an occurrence
/// counter for repeats of the same reference in one section.
fn assign_fingerprints(findings: &mut [Finding]) {
    let occurrences = occurrences(findings);
    // Each identity is hashed again here: keeping a million hashers from
    // the count would take far more memory than hashing twice takes time.
    for (finding, occurrence) in findings.iter_mut().zip(occurrences) {
        // The fingerprint hashes `identity \u{1f} occurrence`, fed in parts.
        let mut keyed = identity(finding);
        keyed.update(SEPARATOR.as_bytes());
        keyed.update(occurrence.to_string().as_bytes());
        finding.fingerprint = TextHash::of_hash(&keyed.finalize());
    }
}

/// Each finding's occurrence of its identity, counted from 1 in order.
///
/// Identities are compared by their hash's first 64 bits, sorted beside the
/// finding's index: 16 bytes a finding, where a map sized for a million
/// identities takes twice that. Two identities sharing those bits (about
/// one chance in 10^7 among a million findings) would share a counter: the
/// second's fingerprint would then depend on the first's being there.
fn occurrences(findings: &[Finding]) -> Vec<u32> {
    let mut keyed: Vec<(TextHash, u32)> = findings
        .iter()
        .enumerate()
        .map(|(n, finding)| (TextHash::of_hash(&identity(finding).finalize()), narrow(n)))
        .collect();
    keyed.sort_unstable();
    let mut occurrences = vec![0u32; findings.len()];
    let mut previous = None;
    let mut count = 0;
    for (key, n) in keyed {
        count = if previous == Some(key) { count + 1 } else { 1 };
        previous = Some(key);
        occurrences[n as usize] = count;
    }
    occurrences
}

/// The hasher fed a finding's identity.
fn identity(finding: &Finding) -> blake3::Hasher {
    let parts = [
        finding.rule.id(),
        finding.spec.as_ref().map_or("", SpecSide::path),
        finding.section(),
        finding.reference.as_deref().unwrap_or(""),
        finding.code.as_ref().map_or("", |c| c.path.as_str()),
        finding.code.as_ref().and_then(|c| c.symbol.as_deref()).unwrap_or(""),
    ];
    let mut identity = blake3::Hasher::new();
    for (n, part) in parts.iter().enumerate() {
        if n > 0 {
            identity.update(SEPARATOR.as_bytes());
        }
        identity.update(part.as_bytes());
    }
    identity
}

const SEPARATOR: &str = "\u{1f}";

#[cfg(test)]
mod tests {
    use super::*;

    fn at(path: &str, line: u32, message: &str) -> Finding {
        let mut finding = Finding::new(Rule::DanglingSymbol, message.to_string());
        finding.spec = Some(SpecSide::at(path, line as usize, 1, ""));
        finding
    }

    #[test]
    fn sorting_by_location_keeps_ties_in_their_order() {
        // Every permutation shape: cycles of several lengths, fixed points and ties.
        let mut findings: Vec<Finding> = [7, 3, 3, 9, 1, 3, 0, 8, 2, 7, 5, 1]
            .iter()
            .enumerate()
            .map(|(n, line)| at(if n % 3 == 0 { "b.md" } else { "a.md" }, *line, &n.to_string()))
            .collect();
        let mut expected = findings.clone();
        expected.sort_by(|a, b| location(a).cmp(&location(b)));
        sort_by_location(&mut findings);
        let messages = |list: &[Finding]| list.iter().map(|f| f.message().into_owned()).collect::<Vec<_>>();
        assert_eq!(messages(&findings), messages(&expected));
    }

    #[test]
    fn a_sentence_about_the_reference_reads_and_serializes_as_if_written_out() {
        let held = Finding::about_reference(Rule::DanglingPath, Sentence::LinksToNothing, "docs/gone.md");
        let mut written = Finding::new(Rule::DanglingPath, "link to `docs/gone.md`, which does not exist".into());
        written.reference = Some("docs/gone.md".into());
        assert_eq!(held.message(), written.message());
        assert_eq!(serde_json::to_value(&held).unwrap(), serde_json::to_value(&written).unwrap());
        let mut replaced = held.clone();
        replaced.set_message(format!("{} — judged so", held.message()));
        assert_eq!(replaced.message(), "link to `docs/gone.md`, which does not exist — judged so");
    }

    #[test]
    fn a_label_keeps_its_own_words_until_given_fixed_ones() {
        let mut finding = Finding::new(Rule::DanglingPath, "gone".into());
        finding.set_label(3..9, format!("the file has {} lines", 12));
        assert_eq!(finding.label_text(), Some("the file has 12 lines"));
        assert_eq!(finding.label().map(Label::bytes), Some(3..9));
        finding.set_label(4..5, "no such file");
        assert_eq!(finding.label_text(), Some("no such file"), "the earlier words are gone");
        finding.clear_label();
        assert_eq!((finding.label_text(), finding.label()), (None, None));
    }

    #[test]
    fn repeats_of_one_reference_get_distinct_stable_fingerprints() {
        let mut findings = vec![at("a.md", 1, "x"), at("a.md", 5, "x"), at("b.md", 1, "x")];
        for finding in &mut findings {
            finding.reference = Some("Gone".into());
        }
        assign_fingerprints(&mut findings);
        let prints: Vec<String> = findings.iter().map(|f| f.fingerprint.to_string()).collect();
        assert_eq!(prints[0].len(), 16);
        assert_ne!(prints[0], prints[1], "the second occurrence is counted");
        assert_ne!(prints[0], prints[2], "another file is another identity");
        let identity = ["dangling-symbol", "a.md", "", "Gone", "", ""].join("\u{1f}");
        let second = blake3::hash(format!("{identity}\u{1f}2").as_bytes()).to_hex()[..16].to_string();
        assert_eq!(prints[1], second, "fingerprints keep their published form");
    }
}
