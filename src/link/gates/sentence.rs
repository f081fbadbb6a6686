//! What the words around a reference say about it: the sentence it stands
//! in, the noun after it, whom the sentence credits, whether it is
//! hypothetical.

use std::ops::Range;

use super::Candidate;

/// The sentence of `source` (inside the clause's bytes) that contains the
/// reference's bytes.
pub fn around<'s>(source: &'s str, clause: &Range<usize>, reference: &Range<usize>) -> &'s str {
    let clause_text = source.get(clause.clone()).unwrap_or("");
    let (Some(start), Some(end)) = (reference.start.checked_sub(clause.start), reference.end.checked_sub(clause.start))
    else {
        return clause_text;
    };
    // A sentence is looked for this far either side: a clause of any size
    // costs each reference the same.
    let window_start = floor_char_boundary(clause_text, start.saturating_sub(SENTENCE_REACH));
    let window_end = ceil_char_boundary(clause_text, end.saturating_add(SENTENCE_REACH));
    let before = clause_text.get(window_start..start).unwrap_or("");
    let after = clause_text.get(end..window_end).unwrap_or("");
    let from = SENTENCE_ENDS
        .iter()
        .filter_map(|end| before.rfind(end).map(|at| window_start + at + end.len()))
        .max()
        .unwrap_or(window_start);
    let to = SENTENCE_ENDS.iter().filter_map(|end| after.find(end)).min().map_or(window_end, |at| end + at + 1);
    clause_text.get(from..to.min(clause_text.len())).unwrap_or(clause_text)
}

/// The most bytes [`around`] looks at on either side of a reference.
const SENTENCE_REACH: usize = 2000;

fn floor_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at -= 1;
    }
    at
}

fn ceil_char_boundary(text: &str, mut at: usize) -> usize {
    at = at.min(text.len());
    while !text.is_char_boundary(at) {
        at += 1;
    }
    at
}

const SENTENCE_ENDS: &[&str] = &[". ", ".\n", "? ", "! ", "\n\n", "; "];

/// Nouns that, right after a span, say it is not a symbol: "the
/// `init_catalog` command", "the `custom_theme` directory".
const NOUNS: &[&str] = &[
    "command",
    "commands",
    "subcommand",
    "directory",
    "directories",
    "folder",
    "folders",
    "file",
    "files",
    "tag",
    "tags",
    "package",
    "packages",
    "library",
    "crate",
    "crates",
    "gem",
    "plugin",
    "plugins",
    "extension",
    "binary",
    "executable",
    "script",
    "scripts",
    "table",
    "tables",
    "column",
    "columns",
    "database",
    "repository",
    "branch",
    "image",
    "container",
];

/// The noun right after byte `after`, when it is one of [`NOUNS`].
pub fn noun_after(source: &str, after: usize) -> Option<&'static str> {
    let markup: &[char] = &[' ', '\n', '`', ']', '*', '_'];
    // "the [`env_logger`] crate", "the **`init`** command": past the markup.
    let mut rest = source.get(after..).unwrap_or("").trim_start_matches(markup);
    // "the `init_catalog` and `update_catalog` commands": past the rest of the list.
    for _ in 0..8 {
        let Some(span) = next_listed_span(rest) else { break };
        rest = span.trim_start_matches(markup);
    }
    let next = rest.split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    let lower = next.to_lowercase();
    NOUNS.iter().find(|noun| **noun == lower).copied()
}

/// What follows the next span of a list (`` , `b` ``, `` and `c` ``,
/// `` , or `d` ``), when a list goes on after a span.
fn next_listed_span(rest: &str) -> Option<&str> {
    let rest = rest.strip_prefix(',').unwrap_or(rest).trim_start();
    let rest = ["and ", "or "].iter().find_map(|word| rest.strip_prefix(word)).unwrap_or(rest).trim_start();
    let span = rest.strip_prefix('`')?;
    let close = span.find('`')?;
    Some(&span[close + 1..])
}

/// Words that name another project's kind of thing: "the `requests` library".
const PROJECT_WORDS: &[&str] =
    &["library", "libraries", "package", "crate", "framework", "sdk", "gem", "module", "plugin", "toolkit", "api"];

/// Words that make such a phrase about this project.
const SELF_WORDS: &[&str] = &["this", "our", "the", "a", "an", "your", "its", "same", "standard", "that", "which"];

/// Whom the sentence credits with the reference, if not this repository:
/// a dependency named beside it, "the X library", "React's `useEffect`".
pub fn attribution(sentence: &str, candidate: &Candidate) -> Option<String> {
    let manifests = candidate.evidence.manifests;
    let spans = sentence.split('`').skip(1).step_by(2);
    let own_text = &*candidate.reference.text;
    // Other spans only: `Dataloader.ALL` beside `Dataloader.REFERENCE` is
    // the same name again, not a dependency credited with it.
    let own_first = candidate.segments.first().map(|s| crate::manifest::normalise(s));
    for span in spans.filter(|span| *span != own_text) {
        let first = crate::text::identifier_words(span).next().unwrap_or("");
        let same = own_first.as_deref() == Some(crate::manifest::normalise(first).as_str());
        if !same && manifests.is_dependency(first) && !manifests.is_own(first) {
            return Some(format!("the sentence names the dependency `{first}`"));
        }
    }
    let words: Vec<&str> = sentence.split_whitespace().collect();
    for pair in words.windows(2) {
        let (owner, word) = (clean(pair[0]), clean(pair[1]).to_lowercase());
        // "the `requests` library", "the Jackson module": a name, not "or module".
        let named = pair[0].contains('`') || owner.chars().next().is_some_and(char::is_uppercase);
        if named && PROJECT_WORDS.contains(&word.as_str()) && is_other_project(owner, candidate) {
            return Some(format!("the sentence credits the {word} `{owner}`"));
        }
    }
    let (before, after) = sentence.split_once(own_text).unwrap_or((sentence, ""));
    // "an `env_logger` compatible syntax", "`RFC3339`-compatible",
    // "compatible with `Jest`": another project's format or API.
    let after = after.trim_start_matches(['`', ']', '*']).to_lowercase();
    let compatible = after.starts_with(" compatible") || after.starts_with("-compatible");
    if compatible || before.to_lowercase().trim_end_matches(['`', '[', '*']).trim_end().ends_with("compatible with") {
        return Some("the sentence calls something compatible with it".into());
    }
    let possessive = before.trim_end().trim_end_matches('`').split_whitespace().next_back().unwrap_or("");
    let owner = possessive.strip_suffix("'s").or_else(|| possessive.strip_suffix("’s")).map(clean);
    match owner {
        Some(owner) if owner.chars().next().is_some_and(char::is_uppercase) && is_other_project(owner, candidate) => {
            Some(format!("the sentence credits `{owner}`"))
        }
        _ => None,
    }
}

fn clean(word: &str) -> &str {
    word.trim_matches(|c: char| !c.is_alphanumeric() && c != '_' && c != '-' && c != '\'' && c != '’')
        .trim_end_matches("'s")
        .trim_end_matches("’s")
}

fn is_other_project(name: &str, candidate: &Candidate) -> bool {
    let lower = name.to_lowercase();
    let name_segments = [name.to_string()];
    !name.is_empty()
        && !SELF_WORDS.contains(&lower.as_str())
        && !candidate.evidence.manifests.is_own(name)
        && !candidate.index.is_module(&name_segments)
        && candidate.index.resolve(&name_segments, None).is_empty()
        && !candidate.reference.text.contains(name)
}

/// Phrases that make a sentence hypothetical or counterfactual.
const HYPOTHETICAL: &[&str] = &[
    "if it exists",
    "if they exist",
    "if present",
    "if available",
    "rather than",
    "instead of",
    "we intend",
    "we plan",
    "we may add",
    "could have",
    "would have",
    "might be added",
    "in the future",
    "not yet implemented",
    "not implemented yet",
    "someday",
    "hypothetical",
    "imagine",
    "suppose",
    "proposal",
    "proposed",
    "would look like",
];

/// The hypothetical phrase the sentence uses, if any.
pub fn hypothetical(sentence: &str) -> Option<&'static str> {
    let lower = sentence.to_lowercase();
    HYPOTHETICAL.iter().find(|phrase| lower.contains(*phrase)).copied()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn finds_the_sentence_of_a_reference() {
        let source = "First one. Then `retry()` runs; it stops. Last.";
        let at = source.find('`').unwrap();
        let sentence = around(source, &(0..source.len()), &(at..at + 9));
        assert_eq!(sentence, "Then `retry()` runs;");
    }

    #[test]
    fn nouns_and_hypotheticals() {
        assert_eq!(noun_after("`init_db` command", 9), Some("command"));
        assert_eq!(noun_after("`init_db` returns", 9), None);
        assert_eq!(noun_after("[`env_logger`] crate", 12), Some("crate"));
        assert_eq!(noun_after("**`init_db`** command", 10), Some("command"));
        assert_eq!(noun_after("`init_db`, `seed` and `drop_db` commands", 9), Some("commands"));
        assert_eq!(noun_after("`init_db` or `seed` tables", 9), Some("tables"));
        assert_eq!(noun_after("`init_db` and then the command", 9), None);
        assert_eq!(hypothetical("Call `reload()` if it exists."), Some("if it exists"));
        assert_eq!(hypothetical("Use `load()` rather than parsing by hand."), Some("rather than"));
        assert_eq!(hypothetical("Call `load()` to read the file."), None);
    }
}
