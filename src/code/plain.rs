//! Files without a grammar (C, Ruby, shell, SQL, YAML…): no symbols, but
//! their identifier tokens and `spec:` comments still count.

use super::{CodeFile, SpecAnchor, Tokens};
use crate::text::{identifier_words, line_column, spec_anchor_targets};

pub(super) fn index(path: &str, source: String) -> CodeFile {
    let tokens = Tokens::from_words(identifier_words(&source));
    let mut anchors = Vec::new();
    let mut offset = 0;
    for line in source.split_inclusive('\n') {
        if looks_like_comment(line) {
            for (at, target) in spec_anchor_targets(line) {
                let start = offset + at;
                let (line, column) = line_column(&source, start);
                anchors.push(SpecAnchor {
                    target: target.to_string(),
                    line,
                    column,
                    bytes: start..start + target.len(),
                    symbol: None,
                });
            }
        }
        offset += line.len();
    }
    CodeFile {
        path: path.to_string(),
        language: None,
        separator: super::PLAIN_SEPARATOR,
        module: Vec::new(),
        symbols: Vec::new(),
        anchors,
        tokens,
        string_only_tokens: Tokens::default(),
        quoted: Vec::new(),
        page_folders: super::facts::templated_page_folders(&source),
        parse_problem: None,
        bodies_hashed: true,
        source: super::Source::read(source),
    }
}

/// Any common comment syntax: we do not know the language, so accept all.
fn looks_like_comment(line: &str) -> bool {
    let line = line.trim_start();
    ["//", "#", "--", "/*", "*", ";", "%", "<!--", "'", "REM "].iter().any(|p| line.starts_with(p))
}
