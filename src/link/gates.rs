//! Every rule of thumb about unresolved references, as one table of named
//! gates. A gate looks at one candidate and, when it applies, says why in
//! words; `driftcheck links` shows that reason, the JSON report carries it
//! as evidence, and `[gates]` in `driftcheck.toml` can switch a gate off.
//!
//! What a gate does depends on its [`Effect`]: history gates drop the
//! candidate (old names there are written on purpose); silencing gates drop
//! it unless strong evidence says it is ours, and then only lower it;
//! gates of evidence against lower the confidence; doubts lower it only
//! when no evidence says the name is ours.

use std::collections::BTreeSet;

use super::evidence::Clue;
use super::Evidence;
use crate::index::CodeIndex;
use crate::spec::{Clause, Reference, ReferenceKind, SpecFile};

mod language;
mod sentence;

/// What a gate that applies does to a candidate.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Effect {
    /// The text records history: never drift, whatever the evidence.
    History,
    /// Not a reference to code of ours — unless strong evidence says it is.
    Silence,
    /// Evidence against: lowers the confidence.
    Against,
    /// A doubt from the name's shape alone: lowers a candidate nothing
    /// speaks for, and is outweighed by any evidence that it is ours.
    Doubt,
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
        sentence::around(&self.spec.source, &self.clause.bytes, &self.reference.bytes)
    }
}

/// The table. History gates come first: they decide before any other.
pub static GATES: &[Gate] = &[
    Gate {
        name: "history-section",
        effect: Effect::History,
        applies: Applies::All,
        summary: "the clause is in a changelog, release notes, a migration guide, a blog post or an older version's docs",
        test: |c| c.clause.history.clone(),
    },
    Gate {
        name: "history-phrase",
        effect: Effect::History,
        applies: Applies::Symbols,
        summary: "a phrase such as \"was renamed\", \"formerly\" or \"no longer exists\" names it as an old name",
        test: |c| c.reference.historical.then(|| "named as an old name (\"was renamed\", \"formerly\", …)".into()),
    },
    Gate {
        name: "still-used",
        effect: Effect::Silence,
        applies: Applies::Symbols,
        summary: "the name still occurs in the code: a use of a library, a key read from a string, an inherited member",
        test: still_used,
    },
    Gate {
        name: "environment-variable",
        effect: Effect::Silence,
        applies: Applies::Symbols,
        summary: "a SCREAMING_CASE name in a clause about the environment, read by whatever runs the program",
        test: |c| {
            let name = c.name()?;
            let environment = c.owner().is_empty()
                && language::is_screaming(name)
                && language::is_environment_clause(&c.clause.text);
            environment.then(|| "an environment variable, which need not appear in the code".into())
        },
    },
    Gate {
        name: "names-other-thing",
        effect: Effect::Silence,
        applies: Applies::Symbols,
        summary: "the word after it says what it names: a command, file, directory, package, table…",
        test: |c| {
            let noun = sentence::noun_after(&c.spec.source, c.reference.bytes.end)?;
            Some(format!("followed by \"{noun}\": it names a {noun}, not a symbol"))
        },
    },
    Gate {
        name: "standard-library",
        effect: Effect::Against,
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
            let before = c.spec.source.get(..c.reference.bytes.start).unwrap_or("");
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
        effect: Effect::Against,
        applies: Applies::Symbols,
        summary: "the doc's own code example declares it (a variable or function of the example)",
        test: |c| {
            let first = c.segments.first()?;
            c.spec.example_names.contains(first).then(|| format!("`{first}` is declared by an example in this doc"))
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
            let word = c.segments.iter().find(|s| language::is_placeholder(s))?;
            Some(format!("`{word}` is a placeholder"))
        },
    },
    Gate {
        name: "external-link-text",
        effect: Effect::Doubt,
        applies: Applies::Symbols,
        summary: "the text of a link to another site, which may document another project",
        test: |c| c.reference.external_link.as_ref().map(|url| format!("text of a link to {url}")),
    },
    Gate {
        name: "intra-doc-link",
        effect: Effect::Doubt,
        applies: Applies::Symbols,
        summary: "written as [`Name`]: an API-docs link, which may point at another crate's page",
        test: |c| c.reference.soft.then(|| "written as an API-docs link [`…`]".into()),
    },
];

fn still_used(c: &Candidate) -> Option<String> {
    let name = c.name()?;
    let index = c.index;
    let owner = c.owner();
    if !owner.is_empty() {
        // A member of our own type is only still there if that type (or one
        // it builds on) uses the name: a `retry` elsewhere does not count.
        let types = index.owner_types(owner, c.clause.scope.as_deref());
        if !types.is_empty() {
            return index
                .member_may_exist(&types, name)
                .then(|| format!("`{name}` still occurs in `{}` or a type it uses", owner.join(".")));
        }
    }
    if index.has_token(name) {
        return Some(format!("`{name}` still occurs in the code"));
    }
    // `max_retries` documented, `MAX_RETRIES` or "max-retries" read.
    (owner.is_empty() && !c.called() && index.has_token_ignoring_case(name))
        .then(|| format!("`{name}` still occurs in the code in another letter case"))
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
    let supported = !support.is_empty();
    let is_symbol = matches!(candidate.reference.kind, ReferenceKind::Symbol { .. }) || !candidate.segments.is_empty();
    let mut against = Vec::new();
    for gate in GATES {
        if !enabled(gate.name) || gate.applies == Applies::Symbols && !is_symbol {
            continue;
        }
        let Some(reason) = (gate.test)(candidate) else { continue };
        match gate.effect {
            Effect::History => return Outcome::Dropped { gate: gate.name, reason },
            Effect::Silence if !protected => return Outcome::Dropped { gate: gate.name, reason },
            Effect::Doubt if supported => {}
            Effect::Silence | Effect::Against | Effect::Doubt => against.push(Clue::Gate { gate: gate.name, reason }),
        }
    }
    Outcome::Kept(against)
}
