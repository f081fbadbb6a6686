//! Small lexical helpers shared by the spec and code sides: positions,
//! identifier words and the `driftcheck:` / `spec:` comment directives.

/// 1-based line and column (in characters) of a byte offset.
pub fn line_column(source: &str, offset: usize) -> (usize, usize) {
    LineIndex::new(source).line_column(source, offset)
}

/// Line starts of a text, for many offset → line/column look-ups.
#[derive(Debug, Clone)]
pub struct LineIndex {
    starts: Vec<usize>,
}

impl LineIndex {
    pub fn new(source: &str) -> Self {
        let mut starts = vec![0];
        starts.extend(source.match_indices('\n').map(|(i, _)| i + 1));
        LineIndex { starts }
    }

    pub fn line_column(&self, source: &str, offset: usize) -> (usize, usize) {
        let offset = offset.min(source.len());
        let line = self.starts.partition_point(|&start| start <= offset).max(1);
        let start = self.starts[line - 1];
        let column = source.get(start..offset).map_or(1, |s| s.chars().count() + 1);
        (line, column)
    }

    pub fn line_count(&self) -> usize {
        self.starts.len()
    }

    /// The 0-based line that holds `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        self.starts.partition_point(|&start| start <= offset).saturating_sub(1)
    }

    /// The byte where a 0-based line starts; past the last line, `None`.
    pub fn start_of(&self, line: usize) -> Option<usize> {
        self.starts.get(line).copied()
    }
}

/// `getting-started` of `1.getting-started`, `upgrade.md` of `18.upgrade.md`:
/// a name without the order a doc site (Nuxt Content) sorts it by.
pub fn strip_order_prefix(name: &str) -> Option<&str> {
    let (order, rest) = name.split_once('.')?;
    let ordered = !order.is_empty() && !rest.is_empty() && order.bytes().all(|b| b.is_ascii_digit());
    ordered.then_some(rest)
}

/// The lower-case extension of a path's last part (`sh` of
/// `scripts/a.sh`); `None` without a dot.
pub fn path_extension(path: &str) -> Option<String> {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.rsplit_once('.').map(|(_, ext)| ext.to_ascii_lowercase())
}

/// A line (trimmed at the start) of a comment in any of the languages read:
/// `// …`, `/* …`, ` * …` inside a block comment, `# …`, a docstring's
/// opening (but not Rust's `#[attr]`, nor `*entries() {`, a generator method).
pub fn is_comment_line(trimmed: &str) -> bool {
    ["//", "/*", "* ", "*/", "# ", "#!", "\"\"\"", "--"].iter().any(|opening| trimmed.starts_with(opening))
        || matches!(trimmed, "#" | "*")
}

/// Identifier-like words in a text: runs of `_`, `$` and Unicode letters
/// and numbers (`char::is_alphanumeric`) that start with `_`, `$` or a
/// letter (`char::is_alphabetic`), not with a digit.
pub fn identifier_words(text: &str) -> IdentifierWords<'_> {
    IdentifierWords { text, at: 0 }
}

/// The iterator [`identifier_words`] returns. It reads ASCII a byte at a
/// time and decodes only other characters: the indexer runs it over every
/// token of every file.
pub struct IdentifierWords<'t> {
    text: &'t str,
    at: usize,
}

impl<'t> IdentifierWords<'t> {
    /// The character at `at` if it belongs in a word, with its length.
    fn word_char(&self, at: usize) -> Option<(char, usize)> {
        let byte = *self.text.as_bytes().get(at)?;
        if byte.is_ascii() {
            let word = byte.is_ascii_alphanumeric() || byte == b'_' || byte == b'$';
            return word.then_some((char::from(byte), 1));
        }
        let c = self.text.get(at..)?.chars().next()?;
        c.is_alphanumeric().then_some((c, c.len_utf8()))
    }

    /// Length of the character at `at` (a separator), 0 at the end.
    fn char_len(&self, at: usize) -> usize {
        match self.text.as_bytes().get(at) {
            None => 0,
            Some(byte) if byte.is_ascii() => 1,
            Some(_) => self.text.get(at..).and_then(|rest| rest.chars().next()).map_or(1, char::len_utf8),
        }
    }
}

impl<'t> Iterator for IdentifierWords<'t> {
    type Item = &'t str;

    fn next(&mut self) -> Option<&'t str> {
        while self.at < self.text.len() {
            let Some((first, len)) = self.word_char(self.at) else {
                self.at += self.char_len(self.at);
                continue;
            };
            let start = self.at;
            self.at += len;
            while let Some((_, len)) = self.word_char(self.at) {
                self.at += len;
            }
            if first.is_alphabetic() || first == '_' || first == '$' {
                return self.text.get(start..self.at);
            }
        }
        None
    }
}

/// Whether `word` occurs in `text` as a whole identifier (`retry` in
/// "call retry()", not in "retrying").
pub fn contains_word(text: &str, word: &str) -> bool {
    let is_identifier = |c: char| c.is_alphanumeric() || c == '_' || c == '$';
    text.match_indices(word).any(|(at, _)| {
        let before = text[..at].chars().next_back();
        let after = text[at + word.len()..].chars().next();
        !before.is_some_and(is_identifier) && !after.is_some_and(is_identifier)
    })
}

/// The rules named by a `driftcheck:ignore RULE[, RULE]` directive; an empty
/// list means every rule.
pub fn ignore_directive(comment: &str) -> Option<Vec<String>> {
    let rest = comment.split_once("driftcheck:ignore")?.1;
    let rest = rest.split("-->").next().unwrap_or(rest);
    let rest = rest.split("*/").next().unwrap_or(rest);
    Some(
        rest.split(|c: char| c.is_whitespace() || c == ',')
            .filter(|word| !word.is_empty())
            .take_while(|word| word.chars().all(|c| c.is_ascii_lowercase() || c == '-'))
            .map(str::to_string)
            .collect(),
    )
}

/// Whether a `driftcheck:ignore` list silences a rule (empty = every rule).
pub fn suppresses(ignores: Option<&Vec<String>>, rule: &str) -> bool {
    ignores.is_some_and(|rules| rules.is_empty() || rules.iter().any(|r| r == rule))
}

/// Adds one directive's rules to a list; "all rules" absorbs any other.
pub fn merge_ignores(into: &mut Option<Vec<String>>, rules: Vec<String>) {
    match into {
        Some(existing) if existing.is_empty() => {}
        Some(_) if rules.is_empty() => *into = Some(Vec::new()),
        Some(existing) => existing.extend(rules),
        None => *into = Some(rules),
    }
}

/// `spec: path.md#fragment` targets in a comment, with their byte offsets.
pub fn spec_anchor_targets(comment: &str) -> Vec<(usize, &str)> {
    let mut found = Vec::new();
    for (at, _) in comment.match_indices("spec:") {
        // Only a comment line that starts with `spec:` is an anchor; prose
        // that mentions one (`see spec: …` or a backticked example) is not.
        let line_start = comment[..at].rfind('\n').map_or(0, |n| n + 1);
        let leads = comment[line_start..at]
            .chars()
            .all(|c| c.is_whitespace() || matches!(c, '/' | '*' | '#' | '-' | '!' | ';' | '%' | '<' | '\''));
        if !leads {
            continue;
        }
        let after = &comment[at + "spec:".len()..];
        let skipped = after.len() - after.trim_start().len();
        let target = after.split_whitespace().next().unwrap_or("");
        let target = target.trim_end_matches(['.', ',', ';', ')', '"', '\'', '`', '*', '/']);
        let file = target.split('#').next().unwrap_or("");
        if file.ends_with(".md") || file.ends_with(".markdown") {
            found.push((at + "spec:".len() + skipped, target));
        }
    }
    found
}

/// How an identifier is written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum NameStyle {
    /// `parse_config`
    Snake,
    /// `MAX_RETRIES`
    Screaming,
    /// `parseConfig`
    Camel,
    /// `ParseConfig`
    Pascal,
}

impl NameStyle {
    /// The style of a name of two words or more; `None` for one plain word.
    pub fn of(name: &str) -> Option<NameStyle> {
        let name = name.trim_matches('_');
        let letters = name.chars().filter(|c| c.is_alphabetic());
        let (upper, lower) = letters.fold((0, 0), |(u, l), c| if c.is_uppercase() { (u + 1, l) } else { (u, l + 1) });
        let first_upper = name.chars().next()?.is_uppercase();
        match (name.contains('_'), upper, lower) {
            (true, _, 0) if upper > 0 => Some(NameStyle::Screaming),
            (true, 0, _) => Some(NameStyle::Snake),
            (false, u, l) if u > 0 && l > 0 && !first_upper => Some(NameStyle::Camel),
            (false, u, l) if u > 1 && l > 0 && first_upper => Some(NameStyle::Pascal),
            _ => None,
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            NameStyle::Snake => "snake_case",
            NameStyle::Screaming => "SCREAMING_CASE",
            NameStyle::Camel => "camelCase",
            NameStyle::Pascal => "PascalCase",
        }
    }
}

/// Lower-case words of an identifier: `NewInventoryServer` → new, inventory,
/// server; `MAX_RETRIES` → max, retries.
pub fn name_words(name: &str) -> Vec<String> {
    let mut words = Vec::new();
    each_name_word(name, |word| words.push(word.to_string()));
    words
}

/// [`name_words`] one at a time, each written into the same buffer: for
/// indexing every defined name without a string per word.
pub fn each_name_word(name: &str, mut each: impl FnMut(&str)) {
    let mut current = String::new();
    let mut flush = |current: &mut String| {
        if !current.is_empty() {
            each(current);
            current.clear();
        }
    };
    let mut chars = name.chars().peekable();
    let mut previous: Option<char> = None;
    while let Some(c) = chars.next() {
        if !c.is_alphanumeric() {
            flush(&mut current);
            previous = Some(c);
            continue;
        }
        let boundary = c.is_uppercase()
            && previous.is_some_and(|p| {
                p.is_lowercase() || chars.peek().is_some_and(|n| n.is_lowercase()) && p.is_uppercase()
            });
        if boundary {
            flush(&mut current);
        }
        match c.is_ascii() {
            true => current.push(c.to_ascii_lowercase()),
            false => current.extend(c.to_lowercase()),
        }
        previous = Some(c);
    }
    flush(&mut current);
}

/// Whether two strings are exactly one edit apart: one character
/// inserted, deleted or changed, or two adjacent characters swapped (the
/// Damerau-Levenshtein distance is 1). Linear: what is left after the
/// common prefix and suffix must be that one edit.
pub fn one_edit(a: &str, b: &str) -> bool {
    if a.len().abs_diff(b.len()) > 4 {
        // Four bytes is the widest character one edit can add.
        return false;
    }
    if a.is_ascii() && b.is_ascii() {
        return one_edit_in(a.as_bytes(), b.as_bytes());
    }
    let (a, b): (Vec<char>, Vec<char>) = (a.chars().collect(), b.chars().collect());
    one_edit_in(&a, &b)
}

fn one_edit_in<T: PartialEq>(a: &[T], b: &[T]) -> bool {
    if a.len().abs_diff(b.len()) > 1 {
        return false;
    }
    let prefix = a.iter().zip(b).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[prefix..], &b[prefix..]);
    let suffix = a.iter().rev().zip(b.iter().rev()).take_while(|(x, y)| x == y).count();
    let (a, b) = (&a[..a.len() - suffix], &b[..b.len() - suffix]);
    match (a.len(), b.len()) {
        (0, 1) | (1, 0) | (1, 1) => true,
        (2, 2) => a[0] == b[1] && a[1] == b[0],
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    proptest::proptest! {
        /// The linear check agrees with the full edit distance.
        #[test]
        fn one_edit_is_a_distance_of_one(a in "[abAB_é]{0,7}", b in "[abAB_é]{0,7}") {
            proptest::prop_assert_eq!(one_edit(&a, &b), strsim::damerau_levenshtein(&a, &b) == 1);
        }

        /// The byte-wise scan finds the words a split at every non-word
        /// character finds, in ASCII and in any other script.
        #[test]
        fn identifier_words_are_the_words_between_separators(text in "[a-zA-Z0-9_$ .:(é²Ⅷ日本٣𝔸—\u{a0}\u{300}-]{0,24}") {
            let split: Vec<&str> = text
                .split(|c: char| !(c.is_alphanumeric() || c == '_' || c == '$'))
                .filter(|word| word.chars().next().is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$'))
                .collect();
            proptest::prop_assert_eq!(identifier_words(&text).collect::<Vec<_>>(), split);
        }
    }

    #[test]
    fn one_edit_cases() {
        for (a, b) in [("idsMap", "idMap"), ("visitNode", "visitNodes"), ("recieve", "receive"), ("color", "colour")] {
            assert!(one_edit(a, b) && one_edit(b, a), "{a} {b}");
        }
        for (a, b) in [("same", "same"), ("abcd", "badc"), ("retry", "retries"), ("", "ab")] {
            assert!(!one_edit(a, b), "{a} {b}");
        }
    }

    #[test]
    fn columns_count_characters_not_bytes() {
        let text = "é `x`\nsecond";
        assert_eq!(line_column(text, 3), (1, 3));
        assert_eq!(line_column(text, text.find("second").unwrap()), (2, 1));
    }

    #[test]
    fn a_names_words_split_at_case_changes_and_separators() {
        let words = |name: &str| name_words(name);
        assert_eq!(words("NewInventoryServer"), ["new", "inventory", "server"]);
        assert_eq!(words("MAX_RETRIES"), ["max", "retries"]);
        assert_eq!(words("HTTPServer"), ["http", "server"]);
        assert_eq!(words("parseURL"), ["parse", "url"]);
        assert_eq!(words("__init__"), ["init"]);
        assert_eq!(words("get_v2Token"), ["get", "v2token"], "a digit is neither case");
        assert_eq!(words("ÉtéÉcole"), ["été", "école"]);
        assert!(words("_-_").is_empty());
    }

    #[test]
    fn whole_words_only() {
        assert!(contains_word("call `retry()` now", "retry"));
        assert!(!contains_word("retrying and preretry", "retry"));
        assert!(contains_word("x retrying retry", "retry"));
    }

    #[test]
    fn words_skip_numbers_and_punctuation() {
        let words: Vec<_> = identifier_words("os.environ[\"API_TOKEN\"] = 42 + x1").collect();
        assert_eq!(words, ["os", "environ", "API_TOKEN", "x1"]);
    }

    #[test]
    fn ignore_directive_lists_rules() {
        assert_eq!(
            ignore_directive("// driftcheck:ignore dangling-symbol, stale-link"),
            Some(vec!["dangling-symbol".to_string(), "stale-link".to_string()])
        );
        assert_eq!(ignore_directive("<!-- driftcheck:ignore -->"), Some(vec![]));
        assert_eq!(ignore_directive("// nothing here"), None);
    }

    #[test]
    fn spec_anchors_need_a_markdown_target() {
        let comment = "// spec: specs/net.md#retry-policy. See also spec: the README";
        assert_eq!(spec_anchor_targets(comment), vec![(9, "specs/net.md#retry-policy")]);
        assert!(spec_anchor_targets("// inspec: specs/a.md").is_empty());
        assert!(spec_anchor_targets("/// A `spec: specs/net.md` comment").is_empty());
        assert!(spec_anchor_targets("// see spec: specs/net.md").is_empty());
        let block = "/*\n * spec: docs/a.md#b\n */";
        assert_eq!(spec_anchor_targets(block), vec![(12, "docs/a.md#b")]);
    }
}
