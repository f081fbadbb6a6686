//! Every rule of thumb about unresolved references, as one table of named
//! gates. A gate looks at one candidate and, when it applies, says why in
//! words; `driftcheck links` shows that reason, the JSON report carries it
//! as evidence, and `[gates]` in `driftcheck.toml` can switch a gate off.
//!
//! What a gate does depends on its [`Effect`]: history gates drop the
//! candidate (old names there are written on purpose), and so does a name
//! still used in the code (it is not dangling); silencing gates drop
//! it unless strong evidence says it is ours, and then only lower it;
//! gates of evidence against lower the confidence; doubts lower it only
//! when no evidence says the name is ours.

use std::collections::BTreeSet;

use super::evidence::Clue;
use super::Evidence;
use crate::index::CodeIndex;
use crate::manifest::Manifests;
use crate::spec::{Clause, Reference, ReferenceKind, SpecFile};

pub(super) mod language;
mod registry;
mod sentence;

/// What a gate that applies does to a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The text records history: never drift, whatever the evidence.
    History,
    /// The name is still in the code, so the reference is not dangling,
    /// whatever history says of it.
    InUse,
    /// Not a reference to code of ours: drops the candidate, unless strong
    /// evidence says it is ours; then it refutes it (hidden by default,
    /// shown by `links` and with `--min-confidence 0`).
    Silence,
    /// As [`Effect::Silence`], but kept by strong evidence it only lowers
    /// the confidence: what was deleted may have been what the text relies
    /// on (a constant that read an environment variable).
    SilenceOrLower,
    /// Evidence against: lowers the confidence.
    Against,
    /// Direct evidence that the name is another project's (the doc imports
    /// it from there): outweighs the evidence that it was once ours, though
    /// it never hides the reference from `links`.
    Refutes,
    /// A doubt from the name's shape alone: lowers a candidate nothing
    /// speaks for, and is outweighed by any evidence that it is ours.
    Doubt,
    /// The doc declares the name itself (its example's variable or type):
    /// the name resolves to that declaration, so a near miss to one of ours
    /// is a coincidence and the declaration refutes a one-segment name only
    /// a near miss speaks for. Otherwise it only lowers the confidence:
    /// against history or our own qualifier or package (an example
    /// declares what it uses), and for a member of the declared name
    /// (`client.conect_all()` may misspell our `connect_all`).
    Declares,
    /// History's word that the name was never ours: lowers a candidate as
    /// much as a refutation unless strong evidence (removed, a near miss
    /// other than a plural or another case of another type's member, our
    /// own import) speaks for it. A qualifier of ours alone does not
    /// outweigh it: our type never had the member, so the doc means another
    /// type of that name, an inherited member or code not written here.
    Unproven,
}

/// Which references a gate looks at.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Applies {
    /// Code spans and symbol fragments.
    Symbols,
    /// Code spans and links to files (not explicit anchors).
    All,
}

/// One rule of thumb.
pub struct Gate {
    pub name: &'static str,
    pub effect: Effect,
    pub applies: Applies,
    /// What the gate recognises, for documentation.
    pub summary: &'static str,
    /// The reason, when the gate applies to the candidate.
    pub test: fn(&Candidate) -> Option<String>,
}

/// An unresolved reference and everything a gate may look at.
pub struct Candidate<'a, 'w> {
    pub reference: &'a Reference,
    /// The symbol's segments (`["Client", "retry"]`); empty for paths.
    pub segments: &'a [String],
    pub clause: &'a Clause,
    pub spec: &'a SpecFile,
    pub index: &'a CodeIndex<'w>,
    pub evidence: &'a Evidence<'a>,
}

impl Candidate<'_, '_> {
    fn name(&self) -> Option<&str> {
        self.segments.last().map(String::as_str)
    }

    fn owner(&self) -> &[String] {
        self.segments.split_last().map_or(&[], |(_, owner)| owner)
    }

    fn called(&self) -> bool {
        self.reference.text.trim_end().ends_with(')')
    }

    /// The sentence of the clause the reference stands in.
    fn sentence(&self) -> &str {
        sentence::around(&self.spec.source, &self.clause.bytes(), &self.reference.bytes())
    }
}

/// Link destinations that stand for a link not written yet.
const PLACEHOLDER_TARGETS: &[&str] = &["todo", "tbd", "tba", "fixme", "xxx", "link", "url", "placeholder"];

/// How much history makes "never defined" mean something: a young
/// repository's docs may describe code that is still to be written.
pub(super) const NEVER_DEFINED_MIN_COMMITS: usize = 50;

/// The table. History gates come first: they decide before any other.
pub static GATES: &[Gate] = &[
    Gate {
        name: "history-section",
        effect: Effect::History,
        applies: Applies::All,
        summary: "the clause is in a changelog, release notes, a migration guide, a blog post, a record of finished work (`perf-done.md`) or an older version's docs",
        test: |c| c.clause.history().map(str::to_string),
    },
    Gate {
        name: "history-phrase",
        effect: Effect::History,
        applies: Applies::Symbols,
        summary: "a phrase such as \"was renamed\", \"formerly\" or \"are gone\", or a table row's \"Removed\", names it as an old name",
        test: |c| {
            let why = "a phrase such as \"was renamed\" or \"formerly\", or a table row's \"Removed\"";
            c.reference.historical.then(|| format!("named as an old name ({why})"))
        },
    },
    Gate {
        name: "stated-absent",
        effect: Effect::History,
        applies: Applies::Symbols,
        summary: "the sentence says it does not exist: \"there's no `X` to call\", \"doesn't have a dedicated `X`\"",
        test: |c| c.reference.absent.then(|| "the doc says it does not exist, as the code does".into()),
    },
    Gate {
        name: "still-used",
        effect: Effect::InUse,
        applies: Applies::Symbols,
        summary: "the name still occurs in the code: a use of a library, a key read from a string, an inherited member",
        test: still_used,
    },
    Gate {
        name: "used-not-defined",
        // The code that runs still uses the name, so it exists — elsewhere:
        // that outweighs history's word that we once defined one.
        effect: Effect::Refutes,
        applies: Applies::Symbols,
        summary: "tests still write the name, unqualified, as code (a call, a type, an object key) though no code here defines it: a dependency's or the platform's name (`afterAll`, a `titleTemplate:` option)",
        test: |c| {
            let name = c.name()?;
            // A member (`Chart.controllers.radar`) shares its name with any
            // other object's; only a name standing alone is this one.
            let alone = c.owner().is_empty();
            (alone && !c.index.defines(name) && c.index.tests_use_as_code(name))
                .then(|| format!("tests still write `{name}` as code, though nothing here defines it"))
        },
    },
    Gate {
        name: "placeholder-link",
        effect: Effect::Silence,
        applies: Applies::All,
        summary: "a link whose destination is a note to fill in later: `(TODO)`, `(TBD)`, `(link)`",
        test: |c| {
            // As written: the resolved path has the doc's folder in front.
            let ReferenceKind::Path(_) = &c.reference.kind else { return None };
            let written = &*c.reference.text;
            let target = written.trim_start_matches("./").trim_end_matches('/').to_ascii_lowercase();
            PLACEHOLDER_TARGETS
                .contains(&target.as_str())
                .then(|| format!("`{written}` is a placeholder for a link still to be written"))
        },
    },
    Gate {
        name: "rendered-elsewhere",
        effect: Effect::Silence,
        applies: Applies::All,
        summary: "a link in a template (`Template.md`, `README.tpl.md`) or a package-index README (`PYPI_README.md`): a script renders it elsewhere, where its links resolve",
        test: |c| {
            let ReferenceKind::Path(_) = &c.reference.kind else { return None };
            rendered_elsewhere(&c.spec.path)
        },
    },
    Gate {
        name: "copied-page",
        effect: Effect::Silence,
        applies: Applies::All,
        summary: "the page's front matter names another repository it was copied from (`repository = \"https://codeberg.org/…\"` on a theme gallery's copy of a theme's README): its links and names are that repository's",
        test: |c| {
            let source = c.spec.copied_from.as_ref()?;
            Some(format!("the page is a copy from {source}: its links and names are that repository's"))
        },
    },
    Gate {
        name: "environment-variable",
        // A deleted constant may have been what read the variable.
        effect: Effect::SilenceOrLower,
        applies: Applies::Symbols,
        summary: "a SCREAMING_CASE name in a clause about the environment, read by whatever runs the program",
        test: |c| {
            let name = c.name()?;
            let environment = c.owner().is_empty()
                && language::is_screaming(name)
                && language::is_environment_clause(c.clause.text());
            environment.then(|| "an environment variable, which need not appear in the code".into())
        },
    },
    Gate {
        name: "names-other-thing",
        effect: Effect::Silence,
        applies: Applies::Symbols,
        summary: "the word after it says what it names: a command, file, directory, package, table…",
        test: |c| {
            let noun = sentence::noun_after(&c.spec.source, c.reference.bytes().end)?;
            Some(format!("followed by \"{noun}\": it names a {noun}, not a symbol"))
        },
    },
    Gate {
        name: "naming-style",
        effect: Effect::Silence,
        applies: Applies::Symbols,
        summary: "the name of a naming convention: `lowerCamelCase`, `snake_case`, `SCREAMING_SNAKE_CASE`",
        test: |c| {
            let name = c.name()?;
            (c.owner().is_empty() && !c.called() && language::is_style_name(name))
                .then(|| format!("`{name}` names a naming convention"))
        },
    },
    Gate {
        name: "standard-library",
        effect: Effect::Refutes,
        applies: Applies::Symbols,
        summary: "a name from the standard library or runtime of one of the repository's languages",
        test: |c| language::standard_name(c.segments, &c.evidence.languages),
    },
    Gate {
        name: "other-language-name",
        effect: Effect::Doubt,
        applies: Applies::Symbols,
        summary: "a runtime or standard-library name of a language the repository is not written in (`MemoryError` in a Rust README)",
        test: |c| language::other_language_name(c.segments, &c.evidence.languages),
    },
    Gate {
        name: "never-defined",
        effect: Effect::Unproven,
        applies: Applies::Symbols,
        summary: "the repository's whole history (at least 50 commits) never defined the name where the doc puts it (or only before a doc mentioned it): drift is code that moved away from a doc, and this code never had it",
        test: |c| {
            let history = c.evidence.removed;
            let enough = history.complete && history.changing >= NEVER_DEFINED_MIN_COMMITS;
            let removed_unmentioned = c.segments.iter().any(|s| c.evidence.unmentioned.contains(s));
            // History did define the name, but not where the doc puts it:
            // as another type's member, or in an example elsewhere.
            let defined_elsewhere = c.name().is_some_and(|name| history.names.contains_key(name));
            let how = match c.owner() {
                _ if removed_unmentioned => "while a doc mentioned it".to_string(),
                [] if defined_elsewhere => "where this doc could mean it".to_string(),
                owner if defined_elsewhere => format!("as a member of `{}`", owner.join(".")),
                _ => "ever".to_string(),
            };
            enough.then(|| format!("none of the {} commits that changed this code defined it {how}", history.changing))
        },
    },
    Gate {
        name: "keyword-call",
        effect: Effect::Doubt,
        applies: Applies::Symbols,
        summary: "an upper-case call such as `COUNT(*)` or `VALUES()`: SQL or a shell, not code of these languages",
        test: |c| {
            let name = c.name()?;
            let keyword = c.owner().is_empty()
                && c.called()
                && name.len() >= 2
                && name.chars().any(|ch| ch.is_ascii_uppercase())
                && name.chars().all(|ch| ch.is_ascii_uppercase() || ch == '_');
            keyword.then(|| format!("`{name}()` is written like an SQL or shell keyword"))
        },
    },
    Gate {
        name: "common-call",
        effect: Effect::Doubt,
        applies: Applies::Symbols,
        summary: "a plain one-word call such as `len()` or `iter()`: a method every language and library has",
        test: |c| {
            let name = c.name()?;
            let plain = c.owner().is_empty() && c.called() && name.chars().all(|ch| ch.is_ascii_lowercase());
            plain.then(|| format!("`{name}()` is a common method name"))
        },
    },
    Gate {
        name: "foreign-style",
        effect: Effect::Doubt,
        applies: Applies::Symbols,
        summary: "no definition of this repository is written in the name's style (snake_case in a Go code base)",
        test: |c| {
            let name = c.name()?;
            let style = crate::text::NameStyle::of(name)?;
            (c.owner().is_empty() && c.index.style_is_foreign(style))
                .then(|| format!("no definition in this code base is written in {}", style.label()))
        },
    },
    Gate {
        name: "math-notation",
        effect: Effect::Doubt,
        applies: Applies::Symbols,
        summary: "a short name with a one-letter subscript, as formulas write them: `Q_i`, `attn_j`, `x_0`",
        test: |c| {
            let name = c.name()?;
            let (head, subscript) = name.rsplit_once('_')?;
            let math = c.owner().is_empty()
                && subscript.chars().count() == 1
                && (1..=5).contains(&head.chars().count())
                && head.chars().all(char::is_alphanumeric);
            math.then(|| format!("`{name}` reads as a formula's subscripted variable"))
        },
    },
    Gate {
        name: "composed-name",
        effect: Effect::Doubt,
        applies: Applies::Symbols,
        summary: "the end of a long snake_case name occurs in the code: the name may be assembled at run time",
        test: composed_name,
    },
    Gate {
        name: "doc-role",
        effect: Effect::Silence,
        applies: Applies::Symbols,
        summary: "a doc-tool role such as MyST's {doc}`page` or Sphinx's :ref:`label`: a page, not code",
        test: |c| {
            let before = c.spec.source.get(..c.reference.bytes().start).unwrap_or("");
            let role = before.ends_with('}') && before.rfind('{').is_some_and(|at| is_role(&before[at + 1..before.len() - 1]))
                || before.ends_with(':') && before[..before.len() - 1].rsplit(':').next().is_some_and(is_role);
            role.then(|| "a documentation role, naming a page or label".into())
        },
    },
    Gate {
        name: "dependency",
        effect: Effect::Against,
        applies: Applies::Symbols,
        summary: "qualified with (or equal to) the name of a declared dependency",
        test: |c| {
            let first = c.segments.first()?;
            let manifests = c.evidence.manifests;
            (manifests.is_dependency(first) && !manifests.is_own(first))
                .then(|| format!("`{first}` is a declared dependency"))
        },
    },
    Gate {
        name: "imported-elsewhere",
        effect: Effect::Refutes,
        applies: Applies::Symbols,
        summary: "the docs' code examples import the name, and only from other packages",
        test: |c| {
            let manifests = c.evidence.manifests;
            // `use crate::…`, `import x from "@/lib"`: the example's own code.
            let ours = |package: &str| manifests.is_own(package) || Manifests::is_local_import(package);
            let name = c.segments.first()?;
            let imports = c.evidence.doc_imports.get(name)?;
            if imports.iter().any(|(package, _)| ours(package)) {
                return None;
            }
            let (package, doc) = imports.iter().find(|(_, doc)| *doc == c.spec.path).or(imports.first())?;
            Some(format!("an example in {doc} imports `{name}` from `{package}`"))
        },
    },
    Gate {
        name: "registry-link",
        effect: Effect::Refutes,
        applies: Applies::Symbols,
        summary: "the text of a link to another package's page on a registry or API-docs host (crates.io, docs.rs, PyPI, npm, pkg.go.dev)",
        test: |c| {
            let url = c.reference.external_link()?;
            let package = registry::package_of(url)?;
            let manifests = c.evidence.manifests;
            let own_go_package = registry::go_import_path(url).is_some_and(|path| manifests.owns_go_path(path));
            (!manifests.is_own(&package) && !own_go_package)
                .then(|| format!("the text of a link to the package `{package}` ({url})"))
        },
    },
    Gate {
        name: "foreign-qualifier",
        effect: Effect::Doubt,
        applies: Applies::Symbols,
        summary: "qualified with a name this code neither defines nor declares as its package (a variable, another API)",
        test: foreign_qualifier,
    },
    Gate {
        name: "attributed",
        effect: Effect::Against,
        applies: Applies::Symbols,
        summary: "the sentence attributes it to another project (\"the `requests` library\", a link elsewhere)",
        test: |c| sentence::attribution(c.sentence(), c),
    },
    Gate {
        name: "example-declared",
        effect: Effect::Declares,
        applies: Applies::Symbols,
        summary: "the doc's own code example declares it (a variable or function of the example)",
        test: |c| {
            let first = c.segments.first()?;
            // An example's own import of the name declares nothing.
            let declared = c.reference.example_package().is_none() && c.spec.example_names.contains(first);
            declared.then(|| format!("`{first}` is declared by an example in this doc"))
        },
    },
    Gate {
        name: "hypothetical",
        effect: Effect::Against,
        applies: Applies::Symbols,
        summary: "the sentence is hypothetical: \"if it exists\", \"rather than\", \"we intend to add\"…",
        test: |c| sentence::hypothetical(c.sentence()).map(|phrase| format!("hypothetical: \"{phrase}\"")),
    },
    Gate {
        name: "placeholder",
        effect: Effect::Against,
        applies: Applies::Symbols,
        summary: "an illustration: `MyBaseClass`, `FooService`, `getXXX`",
        test: |c| {
            let manifests = c.evidence.manifests;
            let word = c.segments.iter().find(|s| language::is_placeholder(s) && !manifests.is_own(s))?;
            Some(format!("`{word}` is a placeholder"))
        },
    },
    Gate {
        name: "external-link-text",
        effect: Effect::Doubt,
        applies: Applies::Symbols,
        summary: "the text of a link to another site, which may document another project",
        test: |c| c.reference.external_link().map(|url| format!("text of a link to {url}")),
    },
    Gate {
        name: "intra-doc-link",
        effect: Effect::Doubt,
        applies: Applies::Symbols,
        summary: "written as [`Name`]: an API-docs link, which may point at another crate's page",
        test: |c| c.reference.soft.then(|| "written as an API-docs link [`…`]".into()),
    },
];

/// Words of a doc's file name that say a script renders it into another
/// file or onto another site: a template, or the README a package index shows.
const RENDERED_ELSEWHERE_WORDS: &[&str] = &["template", "tpl", "pypi"];

/// Why the links of the doc at `path` resolve where it is rendered, not
/// beside it: its name says it is a template or a package index's README.
fn rendered_elsewhere(path: &str) -> Option<String> {
    let file = path.rsplit('/').next().unwrap_or(path);
    let lower = file.to_ascii_lowercase();
    let words: Vec<&str> = lower.split(['-', '_', '.']).collect();
    // `pypi.md` is a guide to publishing; `PYPI_README.md` is the README.
    let readme = words.contains(&"readme");
    let word = words.iter().find(|w| RENDERED_ELSEWHERE_WORDS.contains(w) && (**w != "pypi" || readme))?;
    let what = if *word == "pypi" { "a package index's README" } else { "a template" };
    Some(format!("{file} is {what}: its links resolve where it is rendered"))
}

fn still_used(c: &Candidate) -> Option<String> {
    let name = c.name()?;
    let index = c.index;
    let owner = c.owner();
    // `engine.Config` once the `engine` package is deleted and no code says
    // `engine` any more: other `Config`s, or strings, do not keep this one alive.
    let removed =
        |first: &String| c.evidence.removed_modules.contains_key(first) || c.evidence.removed.names.contains_key(first);
    let unused = |first: &String| !index.has_library_token(first) && !index.has_token_ignoring_case(first);
    if owner.first().is_some_and(|first| removed(first) && unused(first)) {
        return None;
    }
    if let Some(reason) = written_as_string(c, owner, name) {
        return Some(reason);
    }
    if let Some(decided) = member_of_own_type(c, owner, name) {
        return decided;
    }
    // Tests and examples may still use an old name: only library code
    // keeps one alive.
    if index.has_library_token(name) {
        return Some(format!("`{name}` still occurs in the code"));
    }
    // `max_retries` documented, `MAX_RETRIES` or "max-retries" read.
    (owner.is_empty() && !c.called() && index.has_token_ignoring_case(name))
        .then(|| format!("`{name}` still occurs in the code in another letter case"))
}

/// `http.disconnect`, an event type the code sends as a string; or
/// `feign.Client.http_response_code`, a metric the code names
/// `prefix + "http_response_code"`, assembled at run time. Not
/// `Config.secrets_dir`, an old class's setting that is a key today, nor
/// `Chart.controllers.radar`, whose `"radar"` is any chart's type.
fn written_as_string(c: &Candidate, owner: &[String], name: &str) -> Option<String> {
    let written = c.reference.text.split('(').next().unwrap_or("").trim();
    if !owner.is_empty() && c.index.quotes(written) {
        return Some(format!("the code writes \"{written}\" as a string"));
    }
    let assembled = owner.len() >= 2 && name.contains('_') && !c.called() && c.index.quotes(name);
    assembled.then(|| format!("the code writes \"{name}\" as a string: a name it assembles at run time"))
}

/// For a member of our own type, the whole decision: it is only still there
/// if that type (or one it builds on) uses the name, or code in a language
/// without a grammar names it; a `retry` elsewhere does not count. `None`
/// when the owner is not one of our types.
fn member_of_own_type(c: &Candidate, owner: &[String], name: &str) -> Option<Option<String>> {
    let last_owner = owner.last()?;
    let types = c.index.owner_types(owner, c.clause.scope());
    if types.is_empty() {
        return None;
    }
    if c.index.member_may_exist(&types, name) {
        return Some(Some(format!("`{name}` still occurs in `{}` or a type it uses", owner.join("."))));
    }
    let other_language = c.index.other_language_mentions(last_owner, name);
    Some(
        other_language.then(|| format!("`{name}` occurs in code of a language without a grammar here (C, ISLE, SQL…)")),
    )
}

fn is_role(text: &str) -> bool {
    !text.is_empty() && text.len() <= 20 && text.chars().all(|c| c.is_ascii_lowercase() || c == ':' || c == '-')
}

/// `__meta_lightsail_instance_name` built as `prefix + "instance_name"`:
/// a name of three words or more whose last two or more words occur in the
/// code as one token.
fn composed_name(c: &Candidate) -> Option<String> {
    let name = c.name()?.trim_matches('_');
    if !c.owner().is_empty() || !name.contains('_') {
        return None;
    }
    let parts: Vec<&str> = name.split('_').filter(|p| !p.is_empty()).collect();
    (1..parts.len().saturating_sub(1)).find_map(|start| {
        let tail = parts[start..].join("_");
        // A defined `RELOAD_INTERVAL` makes `DEFAULT_RELOAD_INTERVAL` a
        // renamed constant, not a name assembled from strings.
        let defined = [tail.clone(), tail.to_uppercase(), tail.to_lowercase()].iter().any(|t| c.index.defines(t));
        (!defined && c.index.has_token_ignoring_case(&tail)).then(|| format!("its end `{tail}` occurs in the code"))
    })
}

fn foreign_qualifier(c: &Candidate) -> Option<String> {
    let owner = c.owner();
    let first = owner.first()?;
    let index = c.index;
    let ours = index.owner_is_ours(owner)
        || !index.resolve(&owner[..1], None).is_empty()
        || c.evidence.manifests.is_own(first)
        || c.evidence.removed.names.contains_key(first.as_str());
    (!ours).then(|| format!("`{}` is not a type, module or package of this repository", owner.join(".")))
}

/// Gate names, for validating `[gates]` in the configuration.
pub fn names() -> BTreeSet<&'static str> {
    GATES.iter().map(|gate| gate.name).collect()
}

/// What the gates decided about one candidate.
#[derive(Debug, Clone, PartialEq)]
pub enum Outcome {
    /// Dropped by this gate, for this reason.
    Dropped { gate: &'static str, reason: String },
    /// Kept, with the gates' evidence against it.
    Kept(Vec<Clue>),
}

/// Runs the enabled gates over a candidate that has `support` (evidence for).
pub fn apply(candidate: &Candidate, support: &[Clue], enabled: &dyn Fn(&str) -> bool) -> Outcome {
    let protected = support.iter().any(Clue::protects);
    let outweighs_history = support.iter().any(Clue::outweighs_history);
    let supported = support.iter().any(Clue::supports);
    // A link names a file outright: only the history gates apply to it,
    // even when a `#Symbol` fragment gives it segments.
    let is_symbol = matches!(candidate.reference.kind, ReferenceKind::Symbol { .. });
    let mut against = Vec::new();
    for gate in GATES {
        if !enabled(gate.name) || gate.applies == Applies::Symbols && !is_symbol {
            continue;
        }
        let Some(reason) = (gate.test)(candidate) else { continue };
        match gate.effect {
            Effect::History | Effect::InUse => return Outcome::Dropped { gate: gate.name, reason },
            Effect::Silence | Effect::SilenceOrLower if !protected => {
                return Outcome::Dropped { gate: gate.name, reason }
            }
            Effect::Doubt if supported => {}
            Effect::Unproven if outweighs_history => {}
            // History is direct evidence: a qualifier of ours is not enough
            // to keep the name shown.
            Effect::Unproven => against.push(Clue::Gate { gate: gate.name, reason, refutes: true, overruled: false }),
            // Kept by strong evidence, a silencing gate's reason still says
            // what the text names instead (a command, a copied page's own
            // code): it refutes the name being ours.
            Effect::Silence => against.push(Clue::Gate { gate: gate.name, reason, refutes: true, overruled: false }),
            Effect::SilenceOrLower | Effect::Against | Effect::Doubt => {
                against.push(Clue::Gate { gate: gate.name, reason, refutes: false, overruled: false })
            }
            Effect::Declares => {
                // `client.conect_all()` on the example's `client`: the
                // member is still ours to misspell.
                let declared_whole = candidate.segments.len() == 1;
                // A name deleted with its whole package is not direct: the
                // package lives on elsewhere, and the doc may declare its name.
                let direct = support.iter().any(|c| {
                    matches!(
                        c,
                        Clue::Removed { package: None, .. } | Clue::OwnQualifier { .. } | Clue::OwnImport { .. }
                    )
                });
                let refutes = declared_whole && supported && !direct;
                against.push(Clue::Gate { gate: gate.name, reason, refutes, overruled: false })
            }
            Effect::Refutes => {
                // Qualified with our own type or package, the name is ours
                // whatever another package exports under it.
                let own = support.iter().any(|c| matches!(c, Clue::OwnQualifier { .. } | Clue::OwnImport { .. }));
                against.push(Clue::Gate { gate: gate.name, reason, refutes: !own, overruled: own })
            }
        }
    }
    Outcome::Kept(against)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::{index_file, CodeFile};
    use crate::history::Removed;
    use crate::manifest::Manifests;
    use std::collections::{HashMap, HashSet};

    /// A small repository: one Rust file, one Go file, a manifest.
    fn code() -> Vec<CodeFile> {
        vec![
            index_file(
                "src/net.rs",
                "pub struct Client { retries: u32 }\nimpl Client { pub fn send(&self) { let s = \"instance_name\"; } }\n\
                 pub fn parse_config() {}\nfn use_map() { let m = HashMap::new(); let v = std::env::var(\"APP_TOKEN\"); }\n"
                    .into(),
            ),
            index_file("src/Types.java", "class Options { void beforeRetry() {} }\n".into()),
            index_file(
                "src/events.rs",
                "pub fn emit() { send(\"client.disconnected\"); count(\"connect_failures\"); }\n// Replaces `client.reconnected`.\n".into(),
            ),
            index_file("tests/client.cc", "TEST(Client, Handshake) { tear_down_all(); }\n".into()),
            index_file("tests/net.rs", "#[test]\nfn sends() { after_all(); let kind = \"RetryLater\"; }\n".into()),
            index_file("examples/demo.rs", "fn main() { stale_call(); }\n".into()),
            index_file("src/prelude.isle", "(decl put_in_reg (Value) Reg)\n".into()),
        ]
    }

    fn manifests() -> Manifests {
        let mut manifests = Manifests::default();
        manifests.add("Cargo.toml", "[package]\nname = \"netkit\"\n[dependencies]\nserde_json = \"1\"\n");
        manifests.add("go.mod", "module github.com/acme/netkit\n");
        manifests
    }

    static NO_PATHS: std::sync::LazyLock<HashSet<String>> = std::sync::LazyLock::new(HashSet::new);

    /// What the linker knows, for a Rust repository with these manifests.
    fn evidence_of<'a>(
        removed: &'a Removed,
        manifests: &'a Manifests,
        enabled: &'a (dyn Fn(&str) -> bool + Sync),
    ) -> Evidence<'a> {
        Evidence {
            lock: None,
            removed,
            manifests,
            languages: vec!["rust", "java"],
            gate_enabled: enabled,
            min_confidence: 0.4,
            record_silenced: true,
            floating_refs: HashSet::new(),
            pinned_files: HashMap::new(),
            doc_imports: HashMap::new(),
            unmentioned: HashSet::new(),
            removed_modules: HashMap::new(),
            present: &NO_PATHS,
        }
    }

    /// The reason `gate` gives for the first reference in `markdown`
    /// whose text is `reference`.
    fn reason(gate: &str, markdown: &str, reference: &str) -> Option<String> {
        let files = code();
        let index = CodeIndex::new(&files);
        let mut spec = crate::spec::parse("docs/guide.md", markdown.to_string(), None);
        spec.copied_from = crate::spec::front_matter::copied_from(markdown, Some("netkit"));
        let removed = Removed::default();
        let manifests = manifests();
        let enabled = |_: &str| true;
        let mut evidence = evidence_of(&removed, &manifests, &enabled);
        evidence.doc_imports = spec
            .example_imports
            .iter()
            .map(|(name, package)| (name.clone(), vec![(package.clone(), spec.path.clone())]))
            .collect();
        let clause = spec.clauses.iter().find(|c| c.references.iter().any(|r| &*r.text == reference));
        let clause = clause.unwrap_or_else(|| panic!("no reference `{reference}` in {markdown:?}"));
        let reference = clause.references.iter().find(|r| &*r.text == reference).expect("reference");
        let segments = match &reference.kind {
            ReferenceKind::Symbol { segments } => segments.to_vec(),
            _ => Vec::new(),
        };
        let candidate =
            Candidate { reference, segments: &segments, clause, spec: &spec, index: &index, evidence: &evidence };
        let gate = GATES.iter().find(|g| g.name == gate).expect("gate exists");
        (gate.test)(&candidate)
    }

    /// (gate, markdown, reference, applies)
    const CASES: &[(&str, &str, &str, bool)] = &[
        ("history-section", "# Changelog\n\nRemoved `old_thing()`.\n", "old_thing()", true),
        ("history-section", "# Usage\n\nCall `old_thing()`.\n", "old_thing()", false),
        ("history-phrase", "`open_file()` was renamed to `load()`.\n", "open_file()", true),
        ("history-phrase", "`open_file()` opens a file.\n", "open_file()", false),
        ("stated-absent", "It instruments itself: there's no `instrument_db()` to call.\n", "instrument_db()", true),
        ("stated-absent", "It doesn't have a dedicated `instrument_crew()` method.\n", "instrument_crew()", true),
        ("stated-absent", "There's no need for `flush_all()` first.\n", "flush_all()", false),
        ("stated-absent", "It has no effect on `flush_all()`.\n", "flush_all()", false),
        ("stated-absent", "There is now a `flush_all()` helper.\n", "flush_all()", false),
        ("stated-absent", "There is no limit; `flush_all()` drains it.\n", "flush_all()", false),
        ("stated-absent", "Write `Prerelease`, not `PreRelease`.\n", "PreRelease", true),
        ("stated-absent", "In code: use the `Prerelease` type, not `PreRelease`.\n", "PreRelease", true),
        ("stated-absent", "Call `load()` instead of `read_all()`.\n", "read_all()", true),
        ("stated-absent", "Use a list, not only `read_all()`.\n", "read_all()", false),
        ("stated-absent", "It returns `None` instead of `Error::NotFound`.\n", "Error::NotFound", false),
        ("still-used", "Uses a `HashMap` inside.\n", "HashMap", true),
        ("still-used", "Set `app_token` first.\n", "app_token", true),
        ("still-used", "Call `Client::retries_left`.\n", "Client::retries_left", false),
        ("still-used", "Call `gone_away()`.\n", "gone_away()", false),
        ("still-used", "Pass a `store.HashMap`.\n", "store.HashMap", true),
        ("still-used", "It sends a `client.disconnected` event.\n", "client.disconnected", true),
        ("still-used", "It sends a `client.reconnected` event.\n", "client.reconnected", false),
        ("still-used", "It counts `netkit.Client.connect_failures`.\n", "netkit.Client.connect_failures", true),
        ("still-used", "Set `Client.connect_failures`.\n", "Client.connect_failures", false),
        ("still-used", "Call `Client.connect_failures()`.\n", "Client.connect_failures()", false),
        ("still-used", "Run the `Client.Handshake` test.\n", "Client.Handshake", true),
        ("still-used", "Call `Client::put_in_reg`.\n", "Client::put_in_reg", true),
        ("still-used", "Call `Options::tear_down_all`.\n", "Options::tear_down_all", false),
        ("placeholder-link", "Read the [blog post](TODO) first.\n", "TODO", true),
        ("placeholder-link", "Read the [guide](./todo.md) first.\n", "./todo.md", false),
        ("rendered-elsewhere", "Read the [guide](./todo.md) first.\n", "./todo.md", false),
        (
            "copied-page",
            "+++\n[extra]\nrepository = \"https://codeberg.org/a/theme\"\n+++\nSee [config](theme.toml) and `extra.max_width`.\n",
            "theme.toml",
            true,
        ),
        ("copied-page", "+++\ntitle = \"Themes\"\n+++\nSee [config](theme.toml).\n", "theme.toml", false),
        ("environment-variable", "Set the `API_SECRET` environment variable.\n", "API_SECRET", true),
        ("environment-variable", "The `API_SECRET` constant.\n", "API_SECRET", false),
        ("names-other-thing", "Run the `init_db` command.\n", "init_db", true),
        ("names-other-thing", "Call `init_db` first.\n", "init_db", false),
        ("doc-role", "See {doc}`getting_started` for more.\n", "getting_started", true),
        ("doc-role", "See `getting_started` for more.\n", "getting_started", false),
        ("naming-style", "Functions convert to `lowerCamelCase`.\n", "lowerCamelCase", true),
        ("naming-style", "Keys are `SCREAMING_SNAKE_CASE`.\n", "SCREAMING_SNAKE_CASE", true),
        ("naming-style", "Call `toCamelCase` on it.\n", "toCamelCase", false),
        ("naming-style", "Call `snake_case()` on it.\n", "snake_case()", false),
        ("standard-library", "Wrap it in `std::sync::Arc`.\n", "std::sync::Arc", true),
        ("standard-library", "Works on `x86_64` only.\n", "x86_64", true),
        ("standard-library", "Call `Client::gone`.\n", "Client::gone", false),
        ("standard-library", "Mark it `@SuppressWarnings(\"unused\")`.\n", "@SuppressWarnings(\"unused\")", true),
        ("standard-library", "Prefer `Matcher#hitEnd()` here.\n", "Matcher#hitEnd()", true),
        ("standard-library", "It returns a `stringBuilder`.\n", "stringBuilder", false),
        ("other-language-name", "It raises `MemoryError`.\n", "MemoryError", true),
        ("other-language-name", "It raises `NetError`.\n", "NetError", false),
        ("never-defined", "Call `gone_away()`.\n", "gone_away()", false),
        ("keyword-call", "Use `VALUES()` in the upsert.\n", "VALUES()", true),
        ("keyword-call", "Call `ParseAll()` first.\n", "ParseAll()", false),
        ("common-call", "Call `len()` on it.\n", "len()", true),
        ("common-call", "Call `len_of()` on it.\n", "len_of()", false),
        ("foreign-style", "Call `parseConfigFile` to start.\n", "parseConfigFile", false),
        ("math-notation", "Each `Q_i` attends to `K_j`.\n", "Q_i", true),
        ("math-notation", "Each `query_index` is kept.\n", "query_index", false),
        ("composed-name", "The label `meta_instance_name` is set.\n", "meta_instance_name", true),
        ("composed-name", "The label `meta_other_label` is set.\n", "meta_other_label", false),
        ("dependency", "Returns a `serde_json::Value`.\n", "serde_json::Value", true),
        ("dependency", "Returns a `netkit::Value`.\n", "netkit::Value", false),
        (
            "registry-link",
            "Filters like the [`env_logger`](https://crates.io/crates/env_logger) crate.\n",
            "env_logger",
            true,
        ),
        ("registry-link", "See [`ClientBuilder`](https://docs.rs/netkit/latest/netkit/struct.ClientBuilder.html).\n", "ClientBuilder", false),
        ("registry-link", "See [`ClientBuilder`](https://example.org/netkit/ClientBuilder.html).\n", "ClientBuilder", false),
        (
            "registry-link",
            "See [`Client.Redial`](https://pkg.go.dev/github.com/acme/netkit/client#Client.Redial).\n",
            "Client.Redial",
            false,
        ),
        ("foreign-qualifier", "Call `response.render()`.\n", "response.render()", true),
        ("foreign-qualifier", "Call `Client::gone()`.\n", "Client::gone()", false),
        ("foreign-qualifier", "Call `netkit::gone()`.\n", "netkit::gone()", false),
        ("attributed", "The `requests` library raises `RequestException`.\n", "RequestException", true),
        ("attributed", "With `serde_json` you get `SomeValue`.\n", "SomeValue", true),
        ("attributed", "Use `serde_json.ALL` or `serde_json.SOME`.\n", "serde_json.SOME", false),
        ("attributed", "React's `useSyncStore` hook.\n", "useSyncStore", true),
        ("attributed", "Tags are `Service.Tags` in the Health API.\n", "Service.Tags", true),
        ("attributed", "Our client raises `RequestException`.\n", "RequestException", false),
        ("attributed", "Filters use an `env_logger` compatible syntax.\n", "env_logger", true),
        ("attributed", "Assertions are compatible with `expectLike`.\n", "expectLike", true),
        ("attributed", "Filters use an `env_logger` syntax.\n", "env_logger", false),
        ("example-declared", "```rust\nlet layer_one = 1;\n```\n\nThen `layer_one` grows.\n", "layer_one", true),
        ("example-declared", "Then `layer_one` grows.\n", "layer_one", false),
        ("used-not-defined", "Call `after_all()` once.\n", "after_all()", true),
        ("used-not-defined", "Raise `RetryLater`.\n", "RetryLater", false),
        ("used-not-defined", "Call `gone_away()`.\n", "gone_away()", false),
        ("used-not-defined", "Call `Queue.after_all()` once.\n", "Queue.after_all()", false),
        ("used-not-defined", "Call `stale_call()` once.\n", "stale_call()", false),
        (
            "imported-elsewhere",
            "```js\nimport { expressMiddleware } from '@as-integrations/express4';\n```\n\nMount `expressMiddleware`.\n",
            "expressMiddleware",
            true,
        ),
        ("imported-elsewhere", "```js\nimport { start_server } from \"netkit\";\n```\n\nCall `start_server`.\n", "start_server", false),
        ("imported-elsewhere", "```rust\nuse crate::net::ConnPool;\n```\n\nA `ConnPool` holds them.\n", "ConnPool", false),
        (
            "imported-elsewhere",
            "```js\nimport { connect } from 'react-redux';\n```\n\nCall `Store.connect()`.\n",
            "Store.connect()",
            false,
        ),
        ("hypothetical", "Call `reload_all()` if it exists.\n", "reload_all()", true),
        ("hypothetical", "Call `reload_all()` to reload.\n", "reload_all()", false),
        ("placeholder", "Subclass `MyBaseClass`.\n", "MyBaseClass", true),
        ("placeholder", "Enable `wasm_your_proposal`.\n", "wasm_your_proposal", true),
        ("placeholder", "Enable `Config::wasm_the_proposal`.\n", "Config::wasm_the_proposal", true),
        ("placeholder", "Call `the_end`.\n", "the_end", false),
        ("placeholder", "Then `ClassB` extends it.\n", "ClassB", true),
        ("placeholder", "Call `getSize`.\n", "getSize", false),
        ("placeholder", "Subclass `BaseClass`.\n", "BaseClass", false),
        ("external-link-text", "See [`doWhile( )`](https://example.org/api).\n", "doWhile( )", true),
        ("external-link-text", "See [`doWhile( )`](../src/net.rs).\n", "doWhile( )", false),
        ("intra-doc-link", "See [`ClientBuilder`].\n", "ClientBuilder", true),
        ("intra-doc-link", "See `ClientBuilder`.\n", "ClientBuilder", false),
    ];

    #[test]
    fn every_gate_decides_on_its_own_cases() {
        for (gate, markdown, reference, applies) in CASES {
            let found = reason(gate, markdown, reference);
            assert_eq!(found.is_some(), *applies, "{gate} on `{reference}` in {markdown:?}: {found:?}");
        }
        let tested: BTreeSet<&str> = CASES.iter().map(|(gate, ..)| *gate).collect();
        assert_eq!(tested, names(), "every gate has cases");
    }

    #[test]
    fn templates_and_package_index_readmes_are_rendered_elsewhere() {
        for (path, rendered) in [
            ("docs/Template.md", true),
            ("README.tpl.md", true),
            ("docs/README.template.md", true),
            ("docs/PYPI_README.md", true),
            ("docs/README.md", false),
            ("docs/templates-guide.md", false),
            ("docs/typing.md", false),
            ("docs/publishing/pypi.md", false),
        ] {
            assert_eq!(rendered_elsewhere(path).is_some(), rendered, "{path}");
        }
    }

    /// The gates' evidence against the last reference of `markdown`, with
    /// this history and this evidence for it.
    fn against(markdown: &str, segments: &[&str], removed: &Removed, support: &[Clue]) -> Vec<Clue> {
        let files = code();
        let index = CodeIndex::new(&files);
        let manifests = manifests();
        let all = |_: &str| true;
        let spec = crate::spec::parse("docs/a.md", markdown.into(), None);
        let clause = spec.clauses.iter().rfind(|c| !c.references.is_empty()).expect("a reference");
        let segments = segments.iter().map(|s| s.to_string()).collect::<Vec<_>>();
        let evidence = evidence_of(removed, &manifests, &all);
        let candidate = Candidate {
            reference: &clause.references[0],
            segments: &segments,
            clause,
            spec: &spec,
            index: &index,
            evidence: &evidence,
        };
        let Outcome::Kept(against) = apply(&candidate, support, &all) else { panic!("kept") };
        against
    }

    /// Whether the never-defined gate speaks against `reference` in
    /// `markdown`, with this history and this evidence for it.
    fn never_defined(markdown: &str, segments: &[&str], removed: &Removed, support: &[Clue]) -> bool {
        let against = against(markdown, segments, removed, support);
        against.iter().any(|c| matches!(c, Clue::Gate { gate: "never-defined", .. }))
    }

    /// Whether the example-declared gate refutes the last reference of
    /// `markdown` (`None`: it does not apply).
    fn declaration_refutes(markdown: &str, segments: &[&str], support: &[Clue]) -> Option<bool> {
        let against = against(markdown, segments, &Removed::default(), support);
        against.iter().find_map(|c| match c {
            Clue::Gate { gate: "example-declared", refutes, .. } => Some(*refutes),
            _ => None,
        })
    }

    #[test]
    fn a_declaration_in_the_doc_refutes_a_lone_near_miss_of_the_declared_name() {
        let markdown = "```rust\nlet drain_al = 1;\n```\n\nThen `drain_al` grows.\n";
        let near = Clue::NearMiss { symbol: "drain_all".into(), form: crate::index::NearForm::Spelling };
        assert_eq!(declaration_refutes(markdown, &["drain_al"], &[near]), Some(true));
    }

    /// For `name` in `markdown`, deleted from the code: whether `gate`'s
    /// clue refutes it, and the severity all the evidence gives.
    fn kept_by_its_removal(markdown: &str, name: &str, gate: &str) -> (Option<bool>, crate::rule::Severity) {
        let gone = Clue::Removed { name: name.into(), commit: None, path: "src/a.rs".into(), package: None };
        let against = against(markdown, &[name], &Removed::default(), std::slice::from_ref(&gone));
        let refutes = against.iter().find_map(|c| match c {
            Clue::Gate { gate: g, refutes, .. } if *g == gate => Some(*refutes),
            _ => None,
        });
        let clues: Vec<Clue> = std::iter::once(gone).chain(against).collect();
        let confidence = crate::link::evidence::confidence(crate::link::evidence::NEUTRAL, &clues);
        (refutes, crate::link::evidence::severity(confidence))
    }

    #[test]
    fn an_environment_variable_whose_constant_was_deleted_stays_a_warning() {
        let markdown = "Set `API_TOKEN` in the environment before you start.\n";
        let (refutes, severity) = kept_by_its_removal(markdown, "API_TOKEN", "environment-variable");
        assert_eq!(refutes, Some(false));
        assert_eq!(severity, crate::rule::Severity::Warning);
    }

    #[test]
    fn a_declaration_refutes_a_name_deleted_with_its_whole_package() {
        let markdown = "```js\nconst ssrRef = (value) => value\n```\n\nThen `ssrRef` holds it.\n";
        let moved = Clue::Removed {
            name: "ssrRef".into(),
            commit: None,
            path: "packages/bridge/src/capi.ts".into(),
            package: Some("packages/bridge/package.json".into()),
        };
        assert_eq!(declaration_refutes(markdown, &["ssrRef"], &[moved]), Some(true));
    }

    #[test]
    fn a_declaration_only_lowers_history_our_qualifiers_and_unsupported_names() {
        let markdown = "```rust\nlet drain_al = 1;\n```\n\nThen `drain_al` grows.\n";
        let near = Clue::NearMiss { symbol: "drain_all".into(), form: crate::index::NearForm::Spelling };
        let gone = Clue::Removed { name: "drain_al".into(), commit: None, path: "src/a.rs".into(), package: None };
        let ours = Clue::OwnQualifier { qualifier: "Queue".into() };
        for support in [vec![gone], vec![ours, near], vec![]] {
            assert_eq!(declaration_refutes(markdown, &["drain_al"], &support), Some(false), "{support:?}");
        }
    }

    #[test]
    fn a_name_tests_still_use_outweighs_its_removal() {
        let (refutes, severity) = kept_by_its_removal("Call `after_all()` once.\n", "after_all", "used-not-defined");
        assert_eq!(refutes, Some(true));
        assert_eq!(severity, crate::rule::Severity::Info);
    }

    #[test]
    fn a_silencing_gate_refutes_a_name_that_strong_evidence_keeps() {
        let markdown = "Run the `extract_messages` command first.\n";
        let (refutes, severity) = kept_by_its_removal(markdown, "extract_messages", "names-other-thing");
        assert_eq!(refutes, Some(true));
        assert_eq!(severity, crate::rule::Severity::Info);
    }

    #[test]
    fn a_declared_variable_does_not_excuse_a_misspelt_member_of_ours() {
        let markdown = "```rust\nlet client = Client::new();\n```\n\nCall `client.conect_all()`.\n";
        let near = Clue::NearMiss { symbol: "Client.connect_all".into(), form: crate::index::NearForm::Spelling };
        assert_eq!(declaration_refutes(markdown, &["client", "conect_all"], &[near]), Some(false));
    }

    #[test]
    fn a_long_history_that_never_defined_a_name_doubts_it() {
        for (commits, complete, doubted) in [(500, true, true), (20, true, false), (500, false, false)] {
            let removed = Removed { commits, changing: commits, complete, ..Removed::default() };
            let never = never_defined("Call `gone_away()`.\n", &["gone_away"], &removed, &[]);
            assert_eq!(never, doubted, "{commits} commits, complete: {complete}");
        }
        let mut removed = Removed { commits: 500, changing: 500, complete: true, ..Removed::default() };
        let removal = crate::history::Removal { commit: None, path: "src/other.rs".into() };
        removed.names.insert("gone_away".into(), removal);
        let elsewhere = never_defined("Call `Queue.gone_away()`.\n", &["Queue", "gone_away"], &removed, &[]);
        assert!(elsewhere, "history defined it only as another type's member, which is no evidence");
    }

    #[test]
    fn only_strong_evidence_outweighs_a_history_that_never_defined_the_name() {
        let removed = Removed { commits: 500, changing: 500, complete: true, ..Removed::default() };
        let qualifier = Clue::OwnQualifier { qualifier: "Queue".into() };
        let near = Clue::NearMiss { symbol: "drain".into(), form: crate::index::NearForm::Spelling };
        let plural = Clue::NearMiss { symbol: "Queue.drain_alls".into(), form: crate::index::NearForm::Plural };
        let other_case = Clue::NearMiss { symbol: "Pool.drain_All".into(), form: crate::index::NearForm::CaseOfMember };
        for (support, doubted) in
            [(vec![qualifier], true), (vec![near], false), (vec![plural], true), (vec![other_case], true)]
        {
            let never = never_defined("Call `Queue.drain_all()`.\n", &["Queue", "drain_all"], &removed, &support);
            assert_eq!(never, doubted, "{support:?}");
        }
    }

    #[test]
    fn history_drops_whatever_the_evidence_and_silencing_yields_to_it() {
        let files = code();
        let index = CodeIndex::new(&files);
        let removed = Removed::default();
        let manifests = manifests();
        let all = |_: &str| true;
        let evidence = evidence_of(&removed, &manifests, &all);
        let spec = crate::spec::parse("docs/a.md", "# Changelog\n\n`HashMap` was ours.\n".into(), None);
        let clause = &spec.clauses[0];
        let reference = &clause.references[0];
        let segments = vec!["HashMap".to_string()];
        let candidate =
            Candidate { reference, segments: &segments, clause, spec: &spec, index: &index, evidence: &evidence };
        let removal = Clue::Removed { name: "HashMap".into(), commit: None, path: "src/a.rs".into(), package: None };
        assert!(matches!(
            apply(&candidate, std::slice::from_ref(&removal), &all),
            Outcome::Dropped { gate: "history-section", .. }
        ));
        let no_history = |gate: &str| gate != "history-section";
        assert!(
            matches!(
                apply(&candidate, std::slice::from_ref(&removal), &no_history),
                Outcome::Dropped { gate: "still-used", .. }
            ),
            "a name still in the code is not dangling, whatever history says"
        );
        let spec = crate::spec::parse("docs/a.md", "Run the `old_tool` command.\n".into(), None);
        let (clause, segments) = (&spec.clauses[0], vec!["old_tool".to_string()]);
        let candidate = Candidate {
            reference: &clause.references[0],
            segments: &segments,
            clause,
            spec: &spec,
            index: &index,
            evidence: &evidence,
        };
        match apply(&candidate, &[removal], &all) {
            Outcome::Kept(against) => assert_eq!(against.len(), 1, "names-other-thing lowers instead of dropping"),
            other => panic!("expected the candidate to be kept, got {other:?}"),
        }
        assert!(matches!(apply(&candidate, &[], &all), Outcome::Dropped { gate: "names-other-thing", .. }));
        let none = |_: &str| false;
        assert_eq!(apply(&candidate, &[], &none), Outcome::Kept(Vec::new()), "switched-off gates say nothing");
    }
}
