//! A model's answer: found in whatever it wrote (bare JSON, JSON in a code
//! fence, JSON inside prose), then held to the question: a verdict the
//! question allows, a confidence in 0..1, and citations of lines it was
//! actually shown. Anything else is invalid and is discarded.

use std::ops::RangeInclusive;

use serde::{Deserialize, Serialize};
use serde_json::Value;

/// Which side of a question a cited line is on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Spec,
    Code,
}

/// One line a verdict rests on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Cited {
    pub side: Side,
    pub line: usize,
}

/// A valid answer.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Verdict {
    pub verdict: String,
    pub confidence: f64,
    pub explanation: String,
    pub evidence: Vec<Cited>,
}

/// The lines a question showed, where a verdict may cite (`None`: that
/// side showed no line).
#[derive(Debug, Clone, PartialEq)]
pub struct Shown {
    pub spec: Option<RangeInclusive<usize>>,
    pub code: Option<RangeInclusive<usize>>,
}

impl Shown {
    pub fn contains(&self, cited: &Cited) -> bool {
        let range = match cited.side {
            Side::Spec => &self.spec,
            Side::Code => &self.code,
        };
        range.as_ref().is_some_and(|range| range.contains(&cited.line))
    }
}

/// Why an answer was discarded.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
pub enum Invalid {
    #[error("no JSON verdict in the answer")]
    NoVerdict,
    #[error("the answer holds verdicts that disagree")]
    Conflicting,
    #[error("a citation is not a side (`spec` or `code`) and a line number: {0}")]
    BadCitation(String),
    #[error("verdict `{0}` is not one of {1}")]
    Verdict(String, String),
    #[error("confidence {0} is not between 0 and 1")]
    Confidence(f64),
    #[error("the verdict cites no line")]
    Uncited,
    #[error("the verdict cites {side:?} line {line}, which it was not shown")]
    NotShown { side: Side, line: usize },
}

/// The answer's verdict, held to what the question allows and showed.
/// `unclear` needs no citation; every other verdict needs at least one.
pub fn parse(text: &str, allowed: &[&str], shown: &Shown) -> Result<Verdict, Invalid> {
    let raw = the_verdict(text)?;
    let verdict = raw.verdict.trim().to_ascii_lowercase();
    if !allowed.contains(&verdict.as_str()) {
        return Err(Invalid::Verdict(raw.verdict, allowed.join(", ")));
    }
    let confidence = number(&raw.confidence).ok_or(Invalid::Confidence(f64::NAN))?;
    // "85" and "85%" mean 0.85.
    let confidence = if confidence > 1.0 && confidence <= 100.0 { confidence / 100.0 } else { confidence };
    if !(0.0..=1.0).contains(&confidence) {
        return Err(Invalid::Confidence(confidence));
    }
    let evidence = raw
        .evidence
        .iter()
        .map(|value| cited(value).ok_or_else(|| Invalid::BadCitation(value.to_string())))
        .collect::<Result<Vec<Cited>, Invalid>>()?;
    if let Some(outside) = evidence.iter().find(|c| !shown.contains(c)) {
        return Err(Invalid::NotShown { side: outside.side, line: outside.line });
    }
    if evidence.is_empty() && verdict != "unclear" {
        return Err(Invalid::Uncited);
    }
    Ok(Verdict { verdict, confidence, explanation: raw.explanation.trim().to_string(), evidence })
}

/// The answer's one verdict: the whole text when it is a verdict object,
/// else the verdict objects inside it, which must agree — prose that
/// echoes a verdict written into the documentation beside its own answer
/// is not an answer.
fn the_verdict(text: &str) -> Result<Raw, Invalid> {
    if let Ok(raw) = serde_json::from_str::<Raw>(text.trim()) {
        return Ok(raw);
    }
    let found: Vec<Value> =
        json_objects(text).into_iter().filter(|value| serde_json::from_value::<Raw>(value.clone()).is_ok()).collect();
    let first = found.first().ok_or(Invalid::NoVerdict)?;
    // The same object repeated is one answer; any difference — another
    // verdict, another confidence — is two.
    if found.iter().any(|other| other != first) {
        return Err(Invalid::Conflicting);
    }
    serde_json::from_value(first.clone()).map_err(|_| Invalid::NoVerdict)
}

#[derive(Deserialize)]
struct Raw {
    verdict: String,
    #[serde(default)]
    confidence: Value,
    #[serde(default)]
    explanation: String,
    #[serde(default)]
    evidence: Vec<Value>,
}

/// A number, or a string holding one ("0.8", "80%").
fn number(value: &Value) -> Option<f64> {
    match value {
        Value::Number(number) => number.as_f64(),
        Value::String(text) => text.trim().trim_end_matches('%').trim().parse().ok(),
        _ => None,
    }
}

/// `{"side": "code", "line": 12}`, with the line as a number or a string.
fn cited(value: &Value) -> Option<Cited> {
    let side = match value["side"].as_str()?.trim().to_ascii_lowercase().as_str() {
        "spec" => Side::Spec,
        "code" => Side::Code,
        _ => return None,
    };
    let line = number(&value["line"]).filter(|line| *line >= 1.0 && line.fract() == 0.0)? as usize;
    Some(Cited { side, line })
}

/// Every outermost JSON object in the text, in order: each balanced
/// `{…}`, which covers objects in code fences and in prose.
fn json_objects(text: &str) -> Vec<Value> {
    let mut found = Vec::new();
    let bytes = text.as_bytes();
    let mut start = 0;
    while let Some(open) = text[start..].find('{').map(|offset| start + offset) {
        match balanced_end(bytes, open) {
            Some(end) => {
                if let Ok(value @ Value::Object(_)) = serde_json::from_str::<Value>(&text[open..=end]) {
                    found.push(value);
                    start = end + 1;
                    continue;
                }
                start = open + 1;
            }
            None => start = open + 1,
        }
    }
    found
}

/// The index of the `}` closing the `{` at `open`, minding strings.
fn balanced_end(bytes: &[u8], open: usize) -> Option<usize> {
    let (mut depth, mut in_string, mut escaped) = (0usize, false, false);
    for (index, &byte) in bytes.iter().enumerate().skip(open) {
        if in_string {
            match byte {
                _ if escaped => escaped = false,
                b'\\' => escaped = true,
                b'"' => in_string = false,
                _ => {}
            }
            continue;
        }
        match byte {
            b'"' => in_string = true,
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return Some(index);
                }
            }
            _ => {}
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    const DRIFT: &[&str] = &["consistent", "drift", "unclear"];

    fn shown() -> Shown {
        Shown { spec: Some(10..=12), code: Some(40..=60) }
    }

    #[test]
    fn finds_the_verdict_in_bare_json_fences_and_prose() {
        let bare = r#"{"verdict": "drift", "confidence": 0.9, "explanation": "x", "evidence": [{"side": "spec", "line": 11}]}"#;
        let fenced = format!("Here is my answer:\n```json\n{bare}\n```\nHope it helps.");
        let prose = format!("I think {bare} is right.");
        for text in [bare.to_string(), fenced, prose] {
            let verdict = parse(&text, DRIFT, &shown()).unwrap();
            assert_eq!((verdict.verdict.as_str(), verdict.confidence), ("drift", 0.9), "{text}");
        }
    }

    #[test]
    fn tolerates_strings_and_percentages() {
        let text = r#"{"verdict": "Consistent", "confidence": "85%", "evidence": [{"side": "Code", "line": "41"}]}"#;
        let verdict = parse(text, DRIFT, &shown()).unwrap();
        assert_eq!((verdict.verdict.as_str(), verdict.confidence), ("consistent", 0.85));
        assert_eq!(verdict.evidence, [Cited { side: Side::Code, line: 41 }]);
    }

    #[test]
    fn discards_what_the_question_does_not_allow() {
        let cases = [
            ("no json here", Invalid::NoVerdict),
            (r#"{"verdict": "maybe", "confidence": 0.5}"#, Invalid::Verdict("maybe".into(), DRIFT.join(", "))),
            (
                r#"{"verdict": "drift", "confidence": -1, "evidence": [{"side": "spec", "line": 10}]}"#,
                Invalid::Confidence(-1.0),
            ),
            (r#"{"verdict": "drift", "confidence": 0.9, "evidence": []}"#, Invalid::Uncited),
            (
                r#"{"verdict": "drift", "confidence": 0.9, "evidence": [{"side": "code", "line": 99}]}"#,
                Invalid::NotShown { side: Side::Code, line: 99 },
            ),
        ];
        for (text, expected) in cases {
            assert_eq!(parse(text, DRIFT, &shown()), Err(expected), "{text}");
        }
    }

    #[test]
    fn a_spec_only_question_has_no_code_lines_to_cite() {
        let shown = Shown { spec: Some(3..=3), code: None };
        let text = r#"{"verdict": "drift", "confidence": 0.9, "evidence": [{"side": "code", "line": 3}]}"#;
        assert_eq!(parse(text, DRIFT, &shown), Err(Invalid::NotShown { side: Side::Code, line: 3 }));
    }

    #[test]
    fn an_echoed_verdict_beside_the_answer_is_no_answer() {
        let echoed = r#"The doc says {"verdict": "consistent", "confidence": 1, "evidence": [{"side": "spec", "line": 10}]}
but my answer is {"verdict": "drift", "confidence": 0.9, "evidence": [{"side": "code", "line": 41}]}"#;
        assert_eq!(parse(echoed, DRIFT, &shown()), Err(Invalid::Conflicting));
        let same_verdict_other_confidence = r#"Echo: {"verdict": "consistent", "confidence": 1, "evidence": [{"side": "spec", "line": 10}]}
Mine: {"verdict": "consistent", "confidence": 0.6, "evidence": [{"side": "spec", "line": 10}]}"#;
        assert_eq!(parse(same_verdict_other_confidence, DRIFT, &shown()), Err(Invalid::Conflicting));
        let repeated = r#"{"verdict": "drift", "confidence": 0.9, "evidence": [{"side": "code", "line": 41}]} so: {"verdict": "drift", "confidence": 0.9, "evidence": [{"side": "code", "line": 41}]}"#;
        assert_eq!(parse(repeated, DRIFT, &shown()).map(|v| v.verdict), Ok("drift".to_string()));
    }

    #[test]
    fn a_citation_that_is_not_a_line_makes_the_answer_invalid() {
        for citation in [r#"{"side": "spec", "line": 0}"#, r#"{"side": "docs", "line": 11}"#, r#"{"line": 11}"#] {
            let text = format!(
                r#"{{"verdict": "drift", "confidence": 0.9, "evidence": [{{"side": "spec", "line": 11}}, {citation}]}}"#
            );
            assert!(matches!(parse(&text, DRIFT, &shown()), Err(Invalid::BadCitation(_))), "{text}");
        }
    }

    #[test]
    fn unclear_needs_no_citation() {
        let verdict = parse(r#"{"verdict": "unclear", "confidence": 0.2, "explanation": "?"}"#, DRIFT, &shown());
        assert_eq!(verdict.unwrap().evidence, []);
    }

    #[test]
    fn braces_inside_strings_do_not_end_the_object() {
        let text = r#"Answer: {"verdict": "drift", "confidence": 1, "explanation": "uses } and {", "evidence": [{"side": "spec", "line": 12}]} done"#;
        assert_eq!(parse(text, DRIFT, &shown()).unwrap().explanation, "uses } and {");
    }
}
