//! The rule registry: stable ids, default severities and the documentation
//! `driftcheck explain` prints. The README rules table and SARIF `rules[]`
//! are generated from this one table.

use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// How loud a finding is; `Off` disables a rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Severity {
    Off,
    Info,
    Warning,
    Error,
}

impl Severity {
    pub fn as_str(self) -> &'static str {
        match self {
            Severity::Off => "off",
            Severity::Info => "info",
            Severity::Warning => "warning",
            Severity::Error => "error",
        }
    }
}

impl FromStr for Severity {
    type Err = String;

    fn from_str(text: &str) -> Result<Self, Self::Err> {
        match text {
            "off" => Ok(Severity::Off),
            "info" => Ok(Severity::Info),
            "warning" | "warn" => Ok(Severity::Warning),
            "error" => Ok(Severity::Error),
            other => Err(format!("unknown severity `{other}`, expected one of: error, warning, info, off")),
        }
    }
}

impl fmt::Display for Severity {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

macro_rules! rules {
    ($($variant:ident = $id:literal, $severity:ident, $summary:literal, $doc:expr;)*) => {
        /// A drift rule. Ids are stable: configs, baselines and CI scripts use them.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
        pub enum Rule { $($variant),* }

        impl Rule {
            pub const ALL: &'static [Rule] = &[$(Rule::$variant),*];

            pub fn id(self) -> &'static str {
                match self { $(Rule::$variant => $id),* }
            }

            pub fn default_severity(self) -> Severity {
                match self { $(Rule::$variant => Severity::$severity),* }
            }

            /// One line, for tables and SARIF `shortDescription`.
            pub fn summary(self) -> &'static str {
                match self { $(Rule::$variant => $summary),* }
            }

            /// The rule's own documentation (`src/rules/RULE.md`).
            pub fn documentation(self) -> &'static str {
                match self { $(Rule::$variant => $doc),* }
            }
        }
    };
}

rules! {
    DanglingSymbol = "dangling-symbol", Error,
        "a spec reference names a symbol the code no longer defines; suggest the nearest existing name",
        include_str!("rules/dangling-symbol.md");
    DanglingPath = "dangling-path", Error,
        "a spec link names a file or line range that does not exist",
        include_str!("rules/dangling-path.md");
    DanglingSpecRef = "dangling-spec-ref", Error,
        "a code comment points at a spec file, section or clause that does not exist",
        include_str!("rules/dangling-spec-ref.md");
    StaleLink = "stale-link", Error,
        "the linked code (or the clause) changed since the link was last accepted in `driftcheck.lock`",
        include_str!("rules/stale-link.md");
    ValueMismatch = "value-mismatch", Error,
        "the clause states a value for a constant/default that differs from the code",
        include_str!("rules/value-mismatch.md");
    SignatureMismatch = "signature-mismatch", Warning,
        "the clause's parameter list for a function differs from the code",
        include_str!("rules/signature-mismatch.md");
    VariantMismatch = "variant-mismatch", Warning,
        "the clause's list of enum variants / fields differs from the code",
        include_str!("rules/variant-mismatch.md");
    SemanticDrift = "semantic-drift", Error,
        "the LLM pass judged that the code contradicts the clause",
        include_str!("rules/semantic-drift.md");
    UnlinkedRequirement = "unlinked-requirement", Off,
        "a normative clause links to no code",
        include_str!("rules/unlinked-requirement.md");
    ParseError = "parse-error", Warning,
        "a spec or code file could not be fully parsed",
        include_str!("rules/parse-error.md");
}

/// Rules whose id is fixed but whose check does not exist yet: configs,
/// baselines and `--select` may name them; nothing reports them.
const RESERVED: &[Rule] = &[Rule::ValueMismatch, Rule::SignatureMismatch, Rule::VariantMismatch];

impl Rule {
    /// Whether a check reports this rule yet.
    pub fn is_reserved(self) -> bool {
        RESERVED.contains(&self)
    }

    /// What `driftcheck explain RULE` prints: the documentation, a notice
    /// for a reserved rule, and every way to silence it.
    pub fn explanation(self) -> String {
        let documentation = self.documentation();
        let (title, body) = documentation.split_once('\n').unwrap_or((documentation, ""));
        let mut text = format!("{title}\n");
        if self.is_reserved() {
            text.push_str(
                "\n**Reserved.** No check reports this rule yet. The id is fixed so that configurations, \
                 baselines and `--select` can name it now; this page describes what it will report.\n",
            );
        }
        text.push_str(body);
        text.push_str(&format!(
            "\n## How to suppress\n\
             - one clause: `<!-- driftcheck:ignore {id} -->` on the line before it;\n\
             - one symbol: `// driftcheck:ignore {id}` (any comment syntax) right above it;\n\
             - some files: their globs in `ignore` in `driftcheck.toml`;\n\
             - everywhere: `{id} = \"off\"` under `[rules]`, or `driftcheck check --ignore {id}`;\n\
             - what is there today: `driftcheck baseline` records current findings, and `check` reports only new ones.\n",
            id = self.id()
        ));
        text
    }
}

impl FromStr for Rule {
    type Err = String;

    fn from_str(id: &str) -> Result<Self, Self::Err> {
        Rule::ALL.iter().copied().find(|rule| rule.id() == id).ok_or_else(|| {
            let known: Vec<_> = Rule::ALL.iter().map(|rule| rule.id()).collect();
            format!("unknown rule `{id}`, expected one of: {}", known.join(", "))
        })
    }
}

impl fmt::Display for Rule {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.id())
    }
}

impl Serialize for Rule {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.id())
    }
}

/// The markdown rules table of the README, generated from the registry.
pub fn rules_table() -> String {
    let mut table = String::from("| rule | default | meaning |\n| --- | --- | --- |\n");
    for rule in Rule::ALL {
        let reserved = if rule.is_reserved() { " *(reserved: not checked yet)*" } else { "" };
        table.push_str(&format!("| `{}` | {} | {}{reserved} |\n", rule.id(), rule.default_severity(), rule.summary()));
    }
    table
}
