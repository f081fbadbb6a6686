//! Verdicts kept in `.driftcheck/cache/llm/`, one file per question,
//! keyed by (prompt version, provider, model, question and the text it
//! shows). A second run over the same text makes no call. Cited lines are
//! stored relative to the excerpt they cite, so a verdict stays right
//! when unrelated edits move the clause or the code. Files are written
//! atomically; one that does not parse is a miss.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::prompt::PROMPT_VERSION;
use super::question::Question;
use super::verdict::{Cited, Side, Verdict};

pub struct Cache {
    directory: PathBuf,
}

/// A verdict as stored; or, for an answer that was no valid verdict, why
/// (asking the same model the same question again gives the same answer).
#[derive(Debug, Serialize, Deserialize)]
struct Stored {
    verdict: String,
    confidence: f64,
    explanation: String,
    evidence: Vec<StoredCitation>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    invalid: Option<String>,
    /// How many answers were invalid: one is asked again on a later run
    /// (a model may answer differently), two are kept.
    #[serde(default)]
    attempts: u32,
}

/// Invalid answers after which a question is not asked again.
const INVALID_ATTEMPTS: u32 = 2;

#[derive(Debug, Serialize, Deserialize)]
struct StoredCitation {
    side: Side,
    /// Lines after the first line shown on that side.
    offset: usize,
}

impl Cache {
    pub fn new(root: &Path) -> Cache {
        Cache { directory: root.join(".driftcheck").join("cache").join("llm") }
    }

    /// `provider` names the provider and its endpoint: `model = "local"`
    /// on another server is another model.
    fn file(&self, provider: &str, model: &str, question: &Question) -> PathBuf {
        let key = [PROMPT_VERSION, provider, model, &question.content_key()].join("\u{1f}");
        self.directory.join(format!("{}.json", &blake3::hash(key.as_bytes()).to_hex()[..32]))
    }

    /// The cached verdict, with its citations placed where the question
    /// shows the text now; or why the answer was invalid.
    pub fn get(&self, provider: &str, model: &str, question: &Question) -> Option<Result<Verdict, String>> {
        let text = std::fs::read_to_string(self.file(provider, model, question)).ok()?;
        let stored: Stored = serde_json::from_str(&text).ok()?;
        if let Some(reason) = stored.invalid {
            return (stored.attempts >= INVALID_ATTEMPTS).then_some(Err(reason));
        }
        let first = |side: Side| match side {
            Side::Spec => Some(question.spec.first_line),
            Side::Code => question.code.as_ref().map(|code| code.first_line),
        };
        let evidence = stored
            .evidence
            .iter()
            .map(|c| first(c.side).map(|line| Cited { side: c.side, line: line + c.offset }))
            .collect::<Option<Vec<_>>>()?;
        // A file edited by hand, or another question's: a miss.
        let shown = question.shown();
        if !evidence.iter().all(|cited| shown.contains(cited)) {
            return None;
        }
        Some(Ok(Verdict {
            verdict: stored.verdict,
            confidence: stored.confidence,
            explanation: stored.explanation,
            evidence,
        }))
    }

    /// Stores why an answer was no valid verdict, counting the attempts.
    pub fn put_invalid(&self, provider: &str, model: &str, question: &Question, reason: &str) {
        let file = self.file(provider, model, question);
        let earlier = std::fs::read_to_string(file).ok().and_then(|text| serde_json::from_str::<Stored>(&text).ok());
        let stored = Stored {
            verdict: String::new(),
            confidence: 0.0,
            explanation: String::new(),
            evidence: Vec::new(),
            invalid: Some(reason.to_string()),
            attempts: earlier.filter(|e| e.invalid.is_some()).map_or(0, |e| e.attempts) + 1,
        };
        self.write(provider, model, question, &stored);
    }

    /// Stores a verdict; a cache that cannot be written costs calls, not the run.
    pub fn put(&self, provider: &str, model: &str, question: &Question, verdict: &Verdict) {
        let first = |side: Side| match side {
            Side::Spec => question.spec.first_line,
            Side::Code => question.code.as_ref().map_or(0, |code| code.first_line),
        };
        let stored = Stored {
            verdict: verdict.verdict.clone(),
            confidence: verdict.confidence,
            explanation: verdict.explanation.clone(),
            evidence: verdict
                .evidence
                .iter()
                .map(|c| StoredCitation { side: c.side, offset: c.line.saturating_sub(first(c.side)) })
                .collect(),
            invalid: None,
            attempts: 0,
        };
        self.write(provider, model, question, &stored);
    }

    /// A cache that cannot be written costs calls, not the run.
    fn write(&self, provider: &str, model: &str, question: &Question, stored: &Stored) {
        let Ok(bytes) = serde_json::to_vec(stored) else { return };
        let state = self.directory.parent().and_then(Path::parent);
        if state.is_some_and(|state| crate::fsutil::create_state_dir(state).is_ok())
            && std::fs::create_dir_all(&self.directory).is_ok()
        {
            let _ = crate::fsutil::write_atomically(&self.file(provider, model, question), &bytes);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::llm::question::{Block, Kind};

    fn question(spec_line: usize, code_line: usize) -> Question {
        Question {
            kind: Kind::Consistency,
            spec: Block::new("specs/a.md", spec_line, "Retries three times.\nThen gives up.", "Retries"),
            code: Some(Block::new("src/a.rs", code_line, "const N: u32 = 3;", "N")),
            diff: None,
            reference: None,
            context: Vec::new(),
        }
    }

    #[test]
    fn a_verdict_follows_its_text_to_new_lines() {
        let directory = tempfile::tempdir().unwrap();
        let cache = Cache::new(directory.path());
        let verdict = Verdict {
            verdict: "consistent".into(),
            confidence: 0.9,
            explanation: "N is 3".into(),
            evidence: vec![Cited { side: Side::Spec, line: 11 }, Cited { side: Side::Code, line: 40 }],
        };
        cache.put("openai", "m", &question(10, 40), &verdict);
        let moved = cache.get("openai", "m", &question(20, 70)).unwrap().unwrap();
        assert_eq!(moved.evidence, [Cited { side: Side::Spec, line: 21 }, Cited { side: Side::Code, line: 70 }]);
        assert!(cache.get("openai", "other-model", &question(10, 40)).is_none());
        assert!(cache.get("anthropic", "m", &question(10, 40)).is_none());
    }

    #[test]
    fn an_invalid_answer_is_asked_again_once_then_kept() {
        let directory = tempfile::tempdir().unwrap();
        let cache = Cache::new(directory.path());
        cache.put_invalid("openai", "m", &question(1, 1), "no JSON verdict in the answer");
        assert_eq!(cache.get("openai", "m", &question(1, 1)), None, "asked once more");
        cache.put_invalid("openai", "m", &question(1, 1), "no JSON verdict in the answer");
        assert_eq!(cache.get("openai", "m", &question(1, 1)), Some(Err("no JSON verdict in the answer".into())));
    }

    #[test]
    fn a_broken_file_is_a_miss() {
        let directory = tempfile::tempdir().unwrap();
        let cache = Cache::new(directory.path());
        let file = cache.file("openai", "m", &question(1, 1));
        std::fs::create_dir_all(file.parent().unwrap()).unwrap();
        std::fs::write(&file, "{not json").unwrap();
        assert!(cache.get("openai", "m", &question(1, 1)).is_none());
    }
}
