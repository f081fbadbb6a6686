//! Spec side: markdown files become clauses (paragraphs, list items, table
//! rows) carrying the references they make to code.

mod directive;
mod examples;
pub mod front_matter;
mod history;
mod imports;
mod includes;
mod parse;
mod pieces;
mod segments;
pub mod shape;
pub mod slug;
pub mod target;

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::Arc;

use serde::Serialize;

pub use directive::Directive;
pub use includes::includes_other_files;
pub use segments::Segments;
pub use target::{Fragment, RepoSlug};

/// One parsed markdown file.
#[derive(Debug, Clone)]
pub struct SpecFile {
    pub path: String,
    /// Let go once the spec's references are linked (see [`crate::source`]).
    pub source: crate::source::Source,
    pub sections: Vec<Section>,
    pub clauses: Vec<Clause>,
    /// Names the file's own code examples declare.
    pub example_names: HashSet<String>,
    /// Names the file's code examples import, with the package each comes
    /// from (`createStore` → `redux`).
    pub example_imports: HashMap<String, String>,
    /// Where the files this page includes may be (`includes::included_files`).
    pub includes: Vec<String>,
    /// The other repository the page's front matter says it was copied
    /// from (`front_matter::copied_from`); set by the workspace, which
    /// knows the repository's name.
    pub copied_from: Option<String>,
}

/// A heading and the slug anchors and clause ids are built from.
#[derive(Debug, Clone, Serialize)]
pub struct Section {
    /// Shared with the section's clauses; the title with their heading path.
    pub slug: Arc<str>,
    pub title: Arc<str>,
    pub level: u8,
    pub line: usize,
}

/// A paragraph, list item or table row: the unit a spec makes claims in.
#[derive(Debug, Clone)]
pub struct Clause {
    /// Its spec and section; read with [`Clause::path`], [`Clause::section`]
    /// and [`Clause::heading_path`].
    place: Arc<Place>,
    /// With the place, the clause's id ([`Clause::id`]).
    number: ClauseNumber,
    /// Read with [`Clause::text`]; `None` once let go
    /// ([`Clause::let_go_of_text`]).
    text: Option<Box<str>>,
    /// Read with [`Clause::line`]; positions are held in 32 bits.
    line: u32,
    column: u32,
    /// Last line of the clause (a list item includes its nested items).
    end_line: u32,
    bytes: Range<u32>,
    /// Uses an RFC 2119 keyword (MUST, SHALL, SHOULD, REQUIRED).
    pub normative: bool,
    pub references: Box<[Reference]>,
    /// Boxed: few clauses carry any, and a large spec holds a million.
    pub marks: Option<Box<ClauseMarks>>,
}

/// Where clauses sit: their spec and section. One per section, shared by
/// its clauses and by the findings about them, which a large spec holds a
/// million of; a clause with an id of its own (`{#id}`) has one to itself.
#[derive(Debug, PartialEq, Eq)]
pub struct Place {
    pub path: Arc<str>,
    /// Slug of the section (empty before any heading).
    pub section: Arc<str>,
    /// Titles of the headings the section sits under, outermost first.
    pub heading_path: Arc<[Arc<str>]>,
    /// The whole id of the one clause placed here, when it is not written
    /// from the section and a number.
    own_id: Option<Box<str>>,
}

impl Place {
    pub fn new(path: Arc<str>, section: Arc<str>, heading_path: Arc<[Arc<str>]>) -> Place {
        Place { path, section, heading_path, own_id: None }
    }

    /// The same place for a clause whose id is `id`, whole.
    pub fn with_own_id(&self, id: String) -> Place {
        Place {
            path: self.path.clone(),
            section: self.section.clone(),
            heading_path: self.heading_path.clone(),
            own_id: Some(id.into_boxed_str()),
        }
    }
}

/// A clause's number in its section, from which its id is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ClauseNumber {
    /// `#section/3`: the section's paragraphs, items and rows in order; a
    /// heading that names code is 0.
    Prose(u32),
    /// `#section/example-1`: the section's code examples in order.
    Example(u32),
}

/// A clause's id, `<spec path>#<heading-slug>/<n>` or `<spec path>#<id>`
/// for an explicit `{#id}`: written out when read, as a large spec would
/// otherwise hold a million of them.
#[derive(Debug, Clone, Copy)]
pub struct ClauseId<'a> {
    place: &'a Place,
    number: ClauseNumber,
}

impl ClauseId<'_> {
    pub fn new(place: &Place, number: ClauseNumber) -> ClauseId<'_> {
        ClauseId { place, number }
    }

    /// Whether this is the id `id`, without writing it out.
    pub fn is(&self, id: &str) -> bool {
        if let Some(own) = &self.place.own_id {
            return **own == *id;
        }
        let number = |rest: &str| match self.number {
            ClauseNumber::Prose(n) => is_written_number(rest, n),
            ClauseNumber::Example(n) => rest.strip_prefix("example-").is_some_and(|rest| is_written_number(rest, n)),
        };
        id.strip_prefix(&*self.place.path)
            .and_then(|rest| rest.strip_prefix('#'))
            .and_then(|rest| rest.strip_prefix(&*self.place.section))
            .and_then(|rest| rest.strip_prefix('/'))
            .is_some_and(number)
    }
}

/// Whether `text` is `n` as `Display` writes it: digits, no sign, no
/// leading zero.
fn is_written_number(text: &str, n: u32) -> bool {
    let digits = !text.is_empty() && text.bytes().all(|b| b.is_ascii_digit());
    digits && (text == "0" || !text.starts_with('0')) && text.parse::<u32>() == Ok(n)
}

impl std::fmt::Display for ClauseId<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let Place { path, section, own_id, .. } = self.place;
        match (own_id, self.number) {
            (Some(own), _) => f.write_str(own),
            (None, ClauseNumber::Prose(n)) => write!(f, "{path}#{section}/{n}"),
            (None, ClauseNumber::Example(n)) => write!(f, "{path}#{section}/example-{n}"),
        }
    }
}

/// What a directive or the spec's place says of a clause.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct ClauseMarks {
    /// Rules silenced by `<!-- driftcheck:ignore … -->`; empty list = all.
    pub ignores: Option<Vec<String>>,
    /// Path prefix from `<!-- driftcheck:scope … -->` for this section.
    pub scope: Option<Arc<str>>,
    /// Why the clause records history (a changelog, release notes, a
    /// migration guide, an older version's docs): old names and paths there
    /// are not drift.
    pub history: Option<Arc<str>>,
}

impl ClauseMarks {
    /// The marks, boxed, or nothing when there are none.
    pub fn boxed(self) -> Option<Box<ClauseMarks>> {
        (self != ClauseMarks::default()).then(|| Box::new(self))
    }
}

// A large spec holds about as many clauses as lines of prose.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Clause>() <= 80, "Clause grew; see specs/performance.md");

/// A line, byte offset or index in a spec, held in 32 bits where a large
/// spec holds millions of them. A spec past 4 GiB would not fit in memory
/// to get here; were one to, its numbers would stop at `u32::MAX`.
pub fn narrow(n: usize) -> u32 {
    u32::try_from(n).unwrap_or(u32::MAX)
}

/// The first 64 bits of a BLAKE3 hash, written as 16 hex digits: of a
/// clause's text (as in the lock), or of a finding's identity (its
/// fingerprint, as in reports and the baseline). Eight bytes per clause or
/// finding rather than a string.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct TextHash(u64);

impl TextHash {
    pub fn of(text: &str) -> TextHash {
        TextHash::of_hash(&blake3::hash(text.as_bytes()))
    }

    /// The first 64 bits of a hash already computed.
    pub fn of_hash(hash: &blake3::Hash) -> TextHash {
        let mut first = [0u8; 8];
        first.copy_from_slice(&hash.as_bytes()[..8]);
        TextHash(u64::from_be_bytes(first))
    }

    /// From its 16 lower-case hex digits, and nothing else.
    pub fn parse(hex: &str) -> Option<TextHash> {
        if hex.len() != 16 || !hex.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')) {
            return None;
        }
        u64::from_str_radix(hex, 16).ok().map(TextHash)
    }
}

impl std::fmt::Display for TextHash {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

/// Equal to its 16 lower-case hex digits and nothing else, as the strings
/// the lock holds were compared.
impl PartialEq<str> for TextHash {
    fn eq(&self, hex: &str) -> bool {
        TextHash::parse(hex) == Some(*self)
    }
}

impl Serialize for TextHash {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.collect_str(self)
    }
}

impl Clause {
    /// `<spec path>#<heading-slug>/<n>`, or the spec path and an explicit
    /// `{#id}`.
    pub fn id(&self) -> ClauseId<'_> {
        ClauseId { place: &self.place, number: self.number }
    }

    /// Its spec and section, shared with the section's other clauses.
    pub fn place(&self) -> &Arc<Place> {
        &self.place
    }

    pub fn number(&self) -> ClauseNumber {
        self.number
    }

    /// The spec's path, shared with its other clauses.
    pub fn path(&self) -> &Arc<str> {
        &self.place.path
    }

    /// Slug of the section the clause sits in (empty before any heading).
    pub fn section(&self) -> &Arc<str> {
        &self.place.section
    }

    /// Titles of the headings the clause sits under, outermost first.
    pub fn heading_path(&self) -> &[Arc<str>] {
        &self.place.heading_path
    }

    /// Hash of the clause text (whitespace folded), as the lock records
    /// it: computed when a lock or a link's state asks, not for every
    /// clause of every spec.
    pub fn hash(&self) -> TextHash {
        TextHash::of(self.text())
    }

    /// The clause's words, whitespace folded and markup gone; a code
    /// example's clause holds its code as written.
    pub fn text(&self) -> &str {
        debug_assert!(self.text.is_some(), "the text of {} was let go before it was read", self.id());
        self.text.as_deref().unwrap_or("")
    }

    /// Lets the text go, for a run that will not read it again (see
    /// `engine`): a large spec holds as many words in its clauses as its
    /// file has.
    pub fn let_go_of_text(&mut self) {
        self.text = None;
    }

    pub fn line(&self) -> usize {
        self.line as usize
    }

    pub fn column(&self) -> usize {
        self.column as usize
    }

    /// Last line of the clause (a list item includes its nested items).
    pub fn end_line(&self) -> usize {
        self.end_line as usize
    }

    pub fn bytes(&self) -> Range<usize> {
        self.bytes.start as usize..self.bytes.end as usize
    }

    pub fn ignores(&self, rule: &str) -> bool {
        crate::text::suppresses(self.ignored_rules(), rule)
    }

    /// Rules silenced by `<!-- driftcheck:ignore … -->`; empty list = all.
    pub fn ignored_rules(&self) -> Option<&Vec<String>> {
        self.marks.as_ref().and_then(|marks| marks.ignores.as_ref())
    }

    /// Path prefix from `<!-- driftcheck:scope … -->` for this section.
    pub fn scope(&self) -> Option<&str> {
        self.marks.as_ref().and_then(|marks| marks.scope.as_deref())
    }

    /// Why the clause records history: old names and paths there are not
    /// drift.
    pub fn history(&self) -> Option<&str> {
        self.marks.as_ref().and_then(|marks| marks.history.as_deref())
    }

    /// The marks, created empty on first use.
    pub fn marks_mut(&mut self) -> &mut ClauseMarks {
        self.marks.get_or_insert_with(Box::default)
    }
}

/// Something a clause says about code.
#[derive(Debug, Clone, Serialize)]
pub struct Reference {
    #[serde(flatten)]
    pub kind: ReferenceKind,
    /// The reference as written in the spec.
    pub text: Box<str>,
    /// Written as `[`Name`]` (an intra-doc or autoref link to an API page):
    /// worth linking, but not worth reporting when it names nothing here.
    #[serde(skip)]
    pub soft: bool,
    /// Named as history (`` `open()` was renamed to … ``, "formerly `X`"):
    /// an old name on purpose, not drift.
    #[serde(skip)]
    pub historical: bool,
    /// Named as absent (`there's no `X` to call`, "doesn't have a
    /// dedicated `X`"): the doc says what the code says.
    #[serde(skip)]
    pub absent: bool,
    /// Where the name was met, when that says whose name it is; boxed, as
    /// few references have one and a large spec holds millions.
    #[serde(skip)]
    pub provenance: Option<Box<Provenance>>,
    /// Read with [`Reference::line`]; positions are held in 32 bits.
    line: u32,
    column: u32,
    #[serde(skip)]
    bytes: Range<u32>,
}

#[derive(Debug, Clone, Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum ReferenceKind {
    /// An inline code span shaped like a symbol: `Client::retry`.
    Symbol { segments: Segments },
    /// A markdown link to a file of the repository. Boxed: most references
    /// are code spans, and a link carries five times their fields.
    Path(Box<PathLink>),
    /// `<!-- driftcheck:code src/net.rs::Client::retry -->`.
    Anchor(Box<AnchorTarget>),
}

// A large spec holds millions of references: growing one grows a run's
// memory by as many times.
#[cfg(target_pointer_width = "64")]
const _: () = assert!(std::mem::size_of::<Reference>() <= 72, "Reference grew; see specs/performance.md");

/// What `<!-- driftcheck:code PATH[::SYMBOL] -->` names.
#[derive(Debug, Clone, Serialize)]
pub struct AnchorTarget {
    pub path: String,
    pub symbol: Option<Vec<String>>,
}

/// Where a name was met, when that says whose name it is.
#[derive(Debug, Clone)]
pub enum Provenance {
    /// The package a code example imports the name from (`from mypkg
    /// import Pool`): a claim about that package's API when it is ours.
    ExamplePackage(String),
    /// The URL of the link to another site whose text this span is
    /// (`[`doWhile()`](https://…)`): a name, possibly of another project.
    ExternalLink(String),
}

impl Reference {
    pub fn new(kind: ReferenceKind, text: &str, (line, column): (usize, usize), bytes: Range<usize>) -> Reference {
        Reference {
            kind,
            text: text.into(),
            soft: false,
            historical: false,
            absent: false,
            provenance: None,
            line: narrow(line),
            column: narrow(column),
            bytes: narrow(bytes.start)..narrow(bytes.end),
        }
    }

    pub fn line(&self) -> usize {
        self.line as usize
    }

    pub fn column(&self) -> usize {
        self.column as usize
    }

    pub fn bytes(&self) -> Range<usize> {
        self.bytes.start as usize..self.bytes.end as usize
    }

    pub fn example_package(&self) -> Option<&str> {
        match self.provenance.as_deref() {
            Some(Provenance::ExamplePackage(package)) => Some(package),
            _ => None,
        }
    }

    pub fn external_link(&self) -> Option<&str> {
        match self.provenance.as_deref() {
            Some(Provenance::ExternalLink(url)) => Some(url),
            _ => None,
        }
    }
}

/// Where a markdown link into the repository points.
#[derive(Debug, Clone, Serialize)]
pub struct PathLink {
    pub path: String,
    pub fragment: Option<Fragment>,
    #[serde(skip)]
    pub route_like: bool,
    /// Boxed: few links have any, and a large spec holds a link a section.
    #[serde(flatten)]
    pub elsewhere: Option<Box<Elsewhere>>,
}

/// Other places a link may mean, and the ref it is pinned to.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Elsewhere {
    #[serde(skip)]
    pub fallbacks: Vec<String>,
    /// Places only a doc site looks (see `RepoPath::site_fallbacks`).
    #[serde(skip)]
    pub site_fallbacks: Vec<String>,
    /// The branch, tag or commit a web URL pins the file to.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub git_ref: Option<String>,
}

impl Elsewhere {
    /// Boxed, or nothing when it holds nothing.
    pub fn boxed(self) -> Option<Box<Elsewhere>> {
        (self != Elsewhere::default()).then(|| Box::new(self))
    }
}

impl PathLink {
    /// Other places a root-relative link may mean (see `RepoPath::fallbacks`).
    pub fn fallbacks(&self) -> &[String] {
        self.elsewhere.as_ref().map_or(&[], |elsewhere| &elsewhere.fallbacks)
    }

    /// Places only a doc site looks (see `RepoPath::site_fallbacks`).
    pub fn site_fallbacks(&self) -> &[String] {
        self.elsewhere.as_ref().map_or(&[], |elsewhere| &elsewhere.site_fallbacks)
    }

    /// The branch, tag or commit a web URL pins the file to.
    pub fn git_ref(&self) -> Option<&String> {
        self.elsewhere.as_ref().and_then(|elsewhere| elsewhere.git_ref.as_ref())
    }
}

/// The (spec, clause) indices of the clauses whose ids are among `ids`,
/// each beside its id as given. Ids are written one at a time into one
/// buffer: a large spec holds a million clauses, and their ids are not held.
pub fn clauses_named<'i>(specs: &[SpecFile], ids: &HashSet<&'i str>) -> Vec<(&'i str, (usize, usize))> {
    use std::fmt::Write;
    let mut found = Vec::new();
    if ids.is_empty() {
        return found;
    }
    let mut id = String::new();
    for (s, spec) in specs.iter().enumerate() {
        for (c, clause) in spec.clauses.iter().enumerate() {
            id.clear();
            let _ = write!(id, "{}", clause.id());
            if let Some(&named) = ids.get(id.as_str()) {
                found.push((named, (s, c)));
            }
        }
    }
    found
}

/// A markdown file by its extension: `.md`, `.markdown` or `.mdx`.
pub fn is_markdown(path: &str) -> bool {
    [".md", ".markdown", ".mdx"].iter().any(|extension| path.ends_with(extension))
}

/// Parses one markdown file. Never fails: markdown has no syntax errors.
pub fn parse(path: &str, source: String, repository: Option<&RepoSlug>) -> SpecFile {
    parse::parse(path, source, repository)
}

#[cfg(test)]
mod clause_id_tests {
    use std::sync::Arc;

    use super::{ClauseId, ClauseNumber, Place};

    fn place() -> Place {
        Place::new(Arc::from("specs/net.md"), Arc::from("retry-policy"), Arc::from([]))
    }

    #[test]
    fn an_id_is_written_from_the_place_and_number() {
        let place = place();
        assert_eq!(ClauseId::new(&place, ClauseNumber::Prose(3)).to_string(), "specs/net.md#retry-policy/3");
        assert_eq!(ClauseId::new(&place, ClauseNumber::Example(1)).to_string(), "specs/net.md#retry-policy/example-1");
        let own = place.with_own_id("specs/net.md#budget".into());
        assert_eq!(ClauseId::new(&own, ClauseNumber::Prose(0)).to_string(), "specs/net.md#budget");
    }

    #[test]
    fn an_id_is_recognised_only_as_written() {
        let place = place();
        let third = ClauseId::new(&place, ClauseNumber::Prose(3));
        assert!(third.is("specs/net.md#retry-policy/3"));
        for other in ["specs/net.md#retry-policy/03", "specs/net.md#retry-policy/+3", "specs/net.md#retry-policy/30"] {
            assert!(!third.is(other), "{other}");
        }
        assert!(!third.is("specs/net.md#retry-policy/example-3"));
        assert!(!third.is("specs/other.md#retry-policy/3"));
        assert!(ClauseId::new(&place, ClauseNumber::Prose(0)).is("specs/net.md#retry-policy/0"));
        let example = ClauseId::new(&place, ClauseNumber::Example(12));
        assert!(example.is("specs/net.md#retry-policy/example-12") && !example.is("specs/net.md#retry-policy/12"));
    }

    #[test]
    fn an_own_id_is_recognised_whole() {
        let own = place().with_own_id("specs/net.md#budget".into());
        let id = ClauseId::new(&own, ClauseNumber::Prose(0));
        assert!(id.is("specs/net.md#budget"));
        assert!(!id.is("specs/net.md#retry-policy/0"));
    }
}

#[cfg(test)]
mod text_hash_tests {
    use super::TextHash;

    #[test]
    fn a_text_hash_is_written_as_the_first_16_hex_digits_of_its_blake3() {
        let hash = TextHash::of("The client MUST retry.");
        let expected = blake3::hash(b"The client MUST retry.").to_hex()[..16].to_string();
        assert_eq!(hash.to_string(), expected);
        assert!(hash == *expected.as_str());
    }

    /// A boxed link serializes as flat as the other kinds.
    #[test]
    fn a_path_reference_serializes_its_fields_beside_its_kind() {
        let link = super::PathLink { path: "src/net.rs".into(), fragment: None, route_like: false, elsewhere: None };
        let json = serde_json::to_value(super::ReferenceKind::Path(Box::new(link))).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "path", "path": "src/net.rs", "fragment": null}));
    }

    /// A pinned link's ref, held apart with the rarer fields, serializes
    /// beside the path; the fallbacks are never written.
    #[test]
    fn a_pinned_link_serializes_its_ref_beside_its_path() {
        let elsewhere = super::Elsewhere {
            fallbacks: vec!["docs/src/net.rs".into()],
            site_fallbacks: Vec::new(),
            git_ref: Some("v1.2".into()),
        };
        let link = super::PathLink {
            path: "src/net.rs".into(),
            fragment: None,
            route_like: false,
            elsewhere: elsewhere.boxed(),
        };
        assert_eq!((link.git_ref().map(String::as_str), link.fallbacks().len()), (Some("v1.2"), 1));
        let json = serde_json::to_value(super::ReferenceKind::Path(Box::new(link))).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "path", "path": "src/net.rs", "fragment": null, "git_ref": "v1.2"})
        );
    }

    #[test]
    fn nothing_elsewhere_is_not_boxed() {
        assert!(super::Elsewhere::default().boxed().is_none());
    }

    #[test]
    fn an_anchor_reference_serializes_its_target_beside_its_kind() {
        let target = super::AnchorTarget { path: "src/net.rs".into(), symbol: Some(vec!["Client".into()]) };
        let json = serde_json::to_value(super::ReferenceKind::Anchor(Box::new(target))).unwrap();
        assert_eq!(json, serde_json::json!({"kind": "anchor", "path": "src/net.rs", "symbol": ["Client"]}));
    }

    #[test]
    fn a_text_hash_equals_only_its_own_lower_case_digits() {
        let hash = TextHash::of("text");
        let written = hash.to_string();
        let lettered = TextHash::parse("00000000000000ab").expect("hex");
        assert!(lettered != *"00000000000000AB");
        assert!(hash != *format!("+{}", &written[1..]).as_str());
        assert!(hash != *written[..15].to_string().as_str());
        assert!(hash != *TextHash::of("other").to_string().as_str());
    }
}
