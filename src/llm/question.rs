//! The three questions the LLM pass asks, as plain data: what is shown,
//! which verdicts are allowed, and the cache key that identifies the
//! question by content (not by line numbers, which move with unrelated
//! edits).

use super::verdict::Shown;

/// Which question.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Kind {
    /// Is the clause about this code at all? Asked before [`Kind::Consistency`].
    Related,
    /// Does the clause still describe the code? (`semantic-drift`)
    Consistency,
    /// Is this unresolved name this repository's code?
    Adjudication,
}

impl Kind {
    pub fn id(self) -> &'static str {
        match self {
            Kind::Related => "related",
            Kind::Consistency => "semantic-drift",
            Kind::Adjudication => "adjudication",
        }
    }

    pub fn verdicts(self) -> &'static [&'static str] {
        match self {
            Kind::Related => &["related", "unrelated", "unclear"],
            Kind::Consistency | Kind::Adjudication => &["consistent", "drift", "unclear"],
        }
    }
}

/// Lines are cut after this many, and a block after this many bytes, so
/// one long function cannot spend the token budget.
const MAX_BLOCK_LINES: usize = 150;
const MAX_BLOCK_BYTES: usize = 12_000;

/// A numbered excerpt of a file.
#[derive(Debug, Clone, PartialEq)]
pub struct Block {
    pub path: String,
    pub first_line: usize,
    pub lines: Vec<String>,
    /// The section's heading path, or the symbol's name.
    pub label: String,
    pub truncated: bool,
}

impl Block {
    pub fn new(path: &str, first_line: usize, text: &str, label: &str) -> Block {
        let (mut lines, mut bytes, mut truncated) = (Vec::new(), 0, false);
        for line in text.lines() {
            if lines.len() == MAX_BLOCK_LINES || bytes + line.len() > MAX_BLOCK_BYTES {
                truncated = true;
                break;
            }
            bytes += line.len() + 1;
            lines.push(line.to_string());
        }
        Block { path: path.to_string(), first_line: first_line.max(1), lines, label: label.to_string(), truncated }
    }

    /// The lines shown; none for an empty block.
    fn range(&self) -> Option<std::ops::RangeInclusive<usize>> {
        let count = self.lines.len();
        (count > 0).then(|| self.first_line..=self.first_line + count - 1)
    }
}

/// One question about one clause.
#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub kind: Kind,
    pub spec: Block,
    /// The linked code (not for adjudication, which has none).
    pub code: Option<Block>,
    /// A stale link's change since it was accepted.
    pub diff: Option<String>,
    /// Adjudication: the unresolved name, and what is known about it.
    pub reference: Option<String>,
    pub context: Vec<String>,
}

impl Question {
    /// The lines a verdict may cite.
    pub fn shown(&self) -> Shown {
        Shown { spec: self.spec.range(), code: self.code.as_ref().and_then(Block::range) }
    }

    /// Everything the repository contributes to the prompt.
    pub fn data_text(&self) -> String {
        let mut parts: Vec<&str> = self.spec.lines.iter().map(String::as_str).collect();
        parts.extend([self.spec.label.as_str(), self.spec.path.as_str()]);
        if let Some(code) = &self.code {
            parts.extend(code.lines.iter().map(String::as_str));
            parts.extend([code.label.as_str(), code.path.as_str()]);
        }
        parts.extend(self.diff.as_deref());
        parts.extend(self.reference.as_deref());
        parts.extend(self.context.iter().map(String::as_str));
        parts.join("\n")
    }

    /// What the answer depends on: the question and the text shown, without
    /// line numbers or paths (the same clause and code elsewhere get the
    /// same answer).
    pub fn content_key(&self) -> String {
        let hash = |text: &str| blake3::hash(text.as_bytes()).to_hex()[..16].to_string();
        let spec = hash(&[self.spec.label.as_str(), &self.spec.lines.join("\n")].join("\n"));
        let code = self.code.as_ref().map(|code| hash(&[code.label.as_str(), &code.lines.join("\n")].join("\n")));
        let code = code.unwrap_or_default();
        let rest = hash(
            &[self.diff.as_deref().unwrap_or(""), self.reference.as_deref().unwrap_or(""), &self.context.join("\n")]
                .join("\u{1f}"),
        );
        format!("{} {spec} {code} {rest}", self.kind.id())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_code_is_cut() {
        let text = (1..=400).map(|n| format!("line {n}")).collect::<Vec<_>>().join("\n");
        let block = Block::new("src/a.rs", 10, &text, "f");
        assert_eq!((block.lines.len(), block.truncated), (MAX_BLOCK_LINES, true));
        assert_eq!(block.range(), Some(10..=159));
        assert_eq!(Block::new("src/a.rs", 3, "", "f").range(), None, "an empty block shows no line");
    }

    #[test]
    fn the_key_ignores_where_the_text_stands() {
        let question = |line| Question {
            kind: Kind::Consistency,
            spec: Block::new("specs/a.md", line, "Retries three times.", "Retries"),
            code: Some(Block::new("src/a.rs", line * 2, "const N: u32 = 3;", "N")),
            diff: None,
            reference: None,
            context: Vec::new(),
        };
        assert_eq!(question(3).content_key(), question(30).content_key());
        let mut other = question(3);
        other.kind = Kind::Related;
        assert_ne!(other.content_key(), question(3).content_key());
    }
}
