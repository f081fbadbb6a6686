//! Evidence about an unresolved reference: why it is, or is not, believed
//! to name this repository's code, and the confidence that follows.
//!
//! Evidence *for* (the name was defined here once, is one edit from a name
//! defined here, or is qualified with our own type or package) makes drift
//! likely; a gate's evidence *against* (a dependency's name, a hypothetical
//! sentence, …) makes it unlikely; with neither, the reference is code-shaped
//! and nothing more is known. Confidence is computed from the list, and the
//! severity from the confidence, in one place.

use serde::Serialize;

use crate::index::NearForm;
use crate::rule::Severity;

/// One piece of evidence, as the JSON report's `evidence` array shows it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[serde(tag = "kind", rename_all = "kebab-case")]
pub enum Clue {
    /// The code defined `name` (or the file existed) until `commit` deleted
    /// it; `package` when that commit deleted the name's whole package (its
    /// manifest): moved to another repository or retired, which makes a
    /// doc about it less surely stale.
    Removed {
        name: String,
        commit: Option<String>,
        path: String,
        #[serde(skip_serializing_if = "Option::is_none")]
        package: Option<String>,
    },
    /// The code defined `name` until `commit` deleted it, but no doc
    /// mentioned it then: the doc naming it was written later, about
    /// something else. Neither for nor against.
    RemovedUnmentioned { name: String, commit: String },
    /// One small edit, a case change or a plural away from a defined name.
    NearMiss { symbol: String, form: NearForm },
    /// Qualified with a type or module this code defines.
    OwnQualifier { qualifier: String },
    /// Qualified with, or imported from, this repository's own package.
    OwnImport { package: String },
    /// A gate's evidence against: what it found, in words. `refutes`: the
    /// evidence is direct (the doc imports the name from elsewhere) and
    /// outweighs evidence that the name was once ours.
    /// `overruled`: the gate's evidence is answered by the evidence for
    /// (a standard type's name, where our own type of that name lost the
    /// member): it still lowers the confidence, but does not contest it.
    Gate {
        gate: &'static str,
        reason: String,
        #[serde(skip)]
        refutes: bool,
        #[serde(skip)]
        overruled: bool,
    },
    /// A model's verdict (the LLM pass): which question, which model
    /// decided it, and the lines it cited.
    Llm {
        question: &'static str,
        model: String,
        verdict: String,
        confidence: f64,
        explanation: String,
        cited: Vec<crate::llm::verdict::Cited>,
    },
}

impl Clue {
    /// `removed` evidence for `name`, from where and when history deleted it.
    pub fn removed(name: &str, removal: &crate::history::Removal) -> Clue {
        Clue::removed_with(name, removal, None)
    }

    fn removed_with(name: &str, removal: &crate::history::Removal, package: Option<String>) -> Clue {
        Clue::Removed {
            name: name.to_string(),
            commit: removal.commit.as_deref().map(str::to_string),
            path: removal.path.to_string(),
            package,
        }
    }

    /// `removed` evidence for a symbol's `name`, noting when its whole
    /// package went with it (see [`Removed::package_deleted_with`]).
    ///
    /// [`Removed::package_deleted_with`]: crate::history::Removed::package_deleted_with
    pub fn removed_symbol(
        name: &str,
        removal: &crate::history::Removal,
        history: &crate::history::Removed,
        present: &std::collections::HashSet<String>,
    ) -> Clue {
        Clue::removed_with(name, removal, history.package_deleted_with(removal, present).map(str::to_string))
    }

    /// How much the clue moves the confidence that this is our drift.
    fn weight(&self) -> f64 {
        match self {
            // A package deleted whole usually moved elsewhere: as weak as a
            // plural, a warning alone.
            Clue::Removed { package: Some(_), .. } => 0.2,
            Clue::Removed { .. } | Clue::OwnImport { .. } => 0.45,
            Clue::OwnQualifier { .. } => 0.35,
            // Enough for an error alone, except a plural: prose writes
            // `read_tokens` of data as often as it misnames `read_token`.
            Clue::NearMiss { form, .. } if form.is_weak() => 0.2,
            Clue::NearMiss { .. } => 0.3,
            // Applied by the LLM pass itself, after confidence is computed.
            Clue::RemovedUnmentioned { .. } | Clue::Llm { .. } => 0.0,
            Clue::Gate { refutes: false, .. } => -0.3,
            Clue::Gate { refutes: true, .. } => -0.6,
        }
    }

    /// Evidence that the name is ours, however weak.
    pub fn supports(&self) -> bool {
        self.weight() > 0.0
    }

    /// Evidence strong enough that no gate but a history gate may silence
    /// the reference.
    pub fn protects(&self) -> bool {
        matches!(self, Clue::Removed { .. } | Clue::NearMiss { .. } | Clue::OwnImport { .. })
    }

    /// Evidence that outweighs a history that never defined the name. A
    /// plural of a name, or another case of another type's member, does
    /// not: `peerDependency` beside a `peerDependencies` field, `userName`
    /// beside `MigrateParams.username` are words and other APIs far more
    /// often than a misspelt name of ours.
    pub fn outweighs_history(&self) -> bool {
        match self {
            Clue::NearMiss { form, .. } => !form.is_weak(),
            clue => clue.protects(),
        }
    }
}

/// Confidence of a code-shaped reference with no evidence either way.
pub const NEUTRAL: f64 = 0.5;

/// Confidence of a link or anchor that names a file of this repository
/// outright: it can only be ours.
pub const EXPLICIT: f64 = 1.0;

/// At or above this confidence an unresolved reference is an error.
pub const ERROR_CONFIDENCE: f64 = 0.75;

/// Below this confidence it is info, hidden by default.
pub const SHOWN_CONFIDENCE: f64 = 0.4;

/// The most a reference with evidence on both sides may reach: a warning.
/// Evidence that it is ours against a gate's evidence that it is not is
/// the uncertain middle (the LLM pass's to decide), not a failed build.
pub const CONTESTED: f64 = 0.7;

/// The confidence that a reference with these clues is this repository's
/// drift, 0.05..=1, starting from `base`.
pub fn confidence(base: f64, clues: &[Clue]) -> f64 {
    let mut total = base + clues.iter().map(Clue::weight).sum::<f64>();
    let contests = |clue: &Clue| clue.weight() < 0.0 && !matches!(clue, Clue::Gate { overruled: true, .. });
    // A name deleted with its whole package may be documented where the
    // package lives now: uncertain too, whatever else speaks for it.
    let moved = clues.iter().any(|clue| matches!(clue, Clue::Removed { package: Some(_), .. }));
    let contested = moved || clues.iter().any(Clue::supports) && clues.iter().any(contests);
    if contested {
        total = total.min(CONTESTED);
    }
    // Two decimals, so reports are stable and easy to read.
    (total.clamp(0.05, 1.0) * 100.0).round() / 100.0
}

/// Evidence for → error; none either way → warning; against → info.
pub fn severity(confidence: f64) -> Severity {
    if confidence >= ERROR_CONFIDENCE {
        Severity::Error
    } else if confidence >= SHOWN_CONFIDENCE {
        Severity::Warning
    } else {
        Severity::Info
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn removed() -> Clue {
        Clue::Removed {
            name: "retry".into(),
            commit: Some("9be6121e".into()),
            path: "src/net.rs".into(),
            package: None,
        }
    }

    fn against() -> Clue {
        Clue::Gate { gate: "dependency", reason: "`serde` is a dependency".into(), refutes: false, overruled: false }
    }

    #[test]
    fn evidence_decides_the_severity() {
        let refuted = Clue::Gate {
            gate: "imported-elsewhere",
            reason: "imported from `other`".into(),
            refutes: true,
            overruled: false,
        };
        let near = Clue::NearMiss { symbol: "retry_count".into(), form: NearForm::Spelling };
        let whole_package = Clue::Removed {
            name: "retry".into(),
            commit: Some("9be6121e".into()),
            path: "packages/net/src/retry.ts".into(),
            package: Some("packages/net/package.json".into()),
        };
        let cases: [(Vec<Clue>, Severity); 14] = [
            (vec![removed()], Severity::Error),
            (vec![Clue::NearMiss { symbol: "retry_count".into(), form: NearForm::Spelling }], Severity::Error),
            (vec![Clue::NearMiss { symbol: "retries".into(), form: NearForm::Plural }], Severity::Warning),
            (
                vec![Clue::NearMiss { symbol: "Params.username".into(), form: NearForm::CaseOfMember }],
                Severity::Warning,
            ),
            (vec![Clue::OwnQualifier { qualifier: "Queue".into() }], Severity::Error),
            (vec![], Severity::Warning),
            (vec![removed(), against()], Severity::Warning),
            (vec![against()], Severity::Info),
            (vec![removed(), refuted], Severity::Info),
            // Evidence on both sides is the uncertain middle, however
            // strong the evidence for.
            (vec![removed(), near.clone(), against()], Severity::Warning),
            (vec![removed(), Clue::OwnImport { package: "netkit".into() }, against()], Severity::Warning),
            // A package deleted whole moved or retired: a warning alone.
            (vec![whole_package.clone()], Severity::Warning),
            (vec![whole_package.clone(), near], Severity::Warning),
            (vec![whole_package, Clue::OwnImport { package: "netkit".into() }], Severity::Warning),
        ];
        for (clues, expected) in cases {
            assert_eq!(severity(confidence(NEUTRAL, &clues)), expected, "{clues:?}");
        }
    }

    #[test]
    fn confidence_stays_in_range() {
        assert_eq!(confidence(NEUTRAL, &[removed(), removed(), Clue::OwnImport { package: "a".into() }]), 1.0);
        assert_eq!(confidence(NEUTRAL, &[against(), against(), against()]), 0.05);
        assert_eq!(confidence(NEUTRAL, &[]), 0.5);
        assert_eq!(confidence(EXPLICIT, &[against()]), 0.7);
    }

    #[test]
    fn only_strong_evidence_protects() {
        assert!(removed().protects());
        assert!(!Clue::OwnQualifier { qualifier: "Queue".into() }.protects());
        assert!(!against().protects());
    }

    #[test]
    fn clues_serialise_with_their_kind() {
        let json = serde_json::to_value(removed()).unwrap();
        assert_eq!(
            json,
            serde_json::json!({"kind": "removed", "name": "retry", "commit": "9be6121e", "path": "src/net.rs"})
        );
        let json = serde_json::to_value(against()).unwrap();
        assert_eq!(json["kind"], "gate");
        assert_eq!(json["gate"], "dependency");
    }
}
