//! The reviewable state of each link: what `accept` records and what the
//! stale-link check compares with the lock.

use std::collections::BTreeMap;

use super::{LinkGraph, Target};
use crate::index::CodeIndex;
use crate::workspace::Workspace;

/// One (clause, code anchor) pair with the hashes that describe it now.
#[derive(Debug, Clone)]
pub struct LinkState {
    pub spec: usize,
    pub clause: usize,
    pub clause_id: String,
    pub clause_hash: String,
    /// `path::Symbol`, `path` or `path#L10-L20`.
    pub anchor: String,
    pub code_hash: String,
    /// The anchored code as it is now, for diffs.
    pub code_text: String,
    pub code_path: String,
    pub code_line: usize,
    pub code_end_line: usize,
    pub symbol: Option<String>,
}

impl LinkGraph {
    /// One state per distinct (clause, anchor); directories are not
    /// reviewable and are left out.
    pub fn states(&self, workspace: &Workspace, index: &CodeIndex) -> Vec<LinkState> {
        let mut grouped: BTreeMap<(usize, usize, String), Vec<&Target>> = BTreeMap::new();
        for link in &self.links {
            if let Some(anchor) = anchor_key(&link.target, index) {
                grouped.entry((link.spec, link.clause, anchor)).or_default().push(&link.target);
            }
        }
        grouped
            .into_iter()
            .filter_map(|((spec, clause, anchor), targets)| {
                let parts: Vec<CodePart> = targets.iter().filter_map(|t| code_part(t, workspace, index)).collect();
                let first = parts.first()?;
                let mut hashes: Vec<&str> = parts.iter().map(|p| p.hash.as_str()).collect();
                hashes.sort_unstable();
                hashes.dedup();
                let code_hash = if hashes.len() == 1 { hashes[0].to_string() } else { short_hash(&hashes.join(" ")) };
                let clause_ref = &workspace.specs[spec].clauses[clause];
                Some(LinkState {
                    spec,
                    clause,
                    clause_id: clause_ref.id().to_string(),
                    clause_hash: clause_ref.hash().to_string(),
                    anchor,
                    code_hash,
                    code_text: parts.iter().map(|p| p.text.as_str()).collect::<Vec<_>>().join("\n"),
                    code_path: first.path.clone(),
                    code_line: first.line,
                    code_end_line: first.end_line,
                    symbol: first.symbol.clone(),
                })
            })
            .collect()
    }
}

/// The lock's name for a link target.
pub fn anchor_key(target: &Target, index: &CodeIndex) -> Option<String> {
    match target {
        Target::Symbol(id) => {
            let symbol = index.symbol(*id);
            Some(format!("{}::{}", symbol.path, symbol.display))
        }
        Target::File { path, lines: Some((start, end)) } => Some(format!("{path}#L{start}-L{end}")),
        Target::File { path, lines: None } => index.file_index(path).map(|_| path.clone()),
    }
}

struct CodePart {
    hash: String,
    text: String,
    path: String,
    line: usize,
    end_line: usize,
    symbol: Option<String>,
}

fn code_part(target: &Target, workspace: &Workspace, index: &CodeIndex) -> Option<CodePart> {
    match target {
        Target::Symbol(id) => {
            let symbol = index.symbol(*id);
            let source = &index.file_of(*id).source;
            Some(CodePart {
                hash: symbol.body_hash.clone(),
                text: source.get(symbol.bytes.clone()).unwrap_or("").to_string(),
                path: symbol.path.to_string(),
                line: symbol.line,
                end_line: symbol.end_line,
                symbol: Some(symbol.display.clone()),
            })
        }
        Target::File { path, lines } => {
            let file = index.file_index(path).map(|f| &index.files()[f]);
            let source = match file {
                Some(file) => file.source.to_string(),
                None => std::fs::read_to_string(workspace.root.join(path)).ok()?,
            };
            let text = match lines {
                Some((start, end)) => {
                    source.lines().skip(start - 1).take(end + 1 - start).collect::<Vec<_>>().join("\n")
                }
                None => source,
            };
            let end_line = lines.map_or_else(|| text.lines().count().max(1), |(_, end)| end);
            Some(CodePart {
                hash: text_hash(&text),
                text,
                path: path.clone(),
                line: lines.map_or(1, |(start, _)| start),
                end_line,
                symbol: None,
            })
        }
    }
}

/// Hash of text with layout folded: re-indenting a file is not a change.
pub fn text_hash(text: &str) -> String {
    short_hash(&text.split_whitespace().collect::<Vec<_>>().join(" "))
}

fn short_hash(text: &str) -> String {
    blake3::hash(text.as_bytes()).to_hex()[..16].to_string()
}
