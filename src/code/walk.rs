//! The language-independent tree walk: scopes, symbols, comments, tokens and
//! the normalised hash. Languages only classify nodes.

use std::collections::HashSet;

use tree_sitter::{Node, Parser};

use super::{CodeFile, Definition, Language, ParseProblem, SpecAnchor, Symbol};
use crate::spec::shape::is_distinctive;
use crate::text::{identifier_words, line_column};

/// A comment seen during the walk; only the ones carrying a directive matter.
struct Comment {
    start: usize,
    end: usize,
    text: String,
}

thread_local! {
    static FILE_NUMBER: std::cell::Cell<u64> = const { std::cell::Cell::new(0) };
}

/// A number for the file this thread is indexing, new for every file: what
/// a language keys facts it gathers once per file by.
pub(super) fn file_number() -> u64 {
    FILE_NUMBER.with(std::cell::Cell::get)
}

pub(super) fn index(language: &dyn Language, extension: &str, path: &str, source: String) -> CodeFile {
    FILE_NUMBER.with(|number| number.set(number.get() + 1));
    let mut parser = Parser::new();
    let tree = parser.set_language(&language.grammar(extension)).ok().and_then(|()| parser.parse(&source, None));
    let Some(tree) = tree else {
        // The grammar refused the file outright: keep its tokens so that
        // references into it are never falsely dangling.
        let mut file = super::plain::index(path, source);
        file.parse_problem = Some(ParseProblem { line: 1, column: 1, bytes: 0..0 });
        return file;
    };
    let root = tree.root_node();
    let mut walker = Walker {
        language,
        source: &source,
        path,
        symbols: Vec::new(),
        comments: Vec::new(),
        tokens: HashSet::new(),
        string_tokens: HashSet::new(),
        problem: None,
        string_depth: None,
    };
    walker.walk(root);
    let Walker { mut symbols, comments, mut tokens, string_tokens: mut string_only_tokens, problem, .. } = walker;
    string_only_tokens.retain(|word| !tokens.contains(word));
    tokens.extend(string_only_tokens.iter().cloned());
    let anchors = attach_comments(&source, &comments, &mut symbols);
    CodeFile {
        path: path.to_string(),
        language: Some(language.name()),
        separator: language.separator(),
        module: language.module_path(path, root, &source),
        symbols,
        anchors,
        tokens,
        string_only_tokens,
        parse_problem: problem,
        source,
    }
}

struct Walker<'a> {
    language: &'a dyn Language,
    source: &'a str,
    path: &'a str,
    symbols: Vec<Symbol>,
    comments: Vec<Comment>,
    /// Words outside strings and comments.
    tokens: HashSet<String>,
    /// Distinctive words inside strings.
    string_tokens: HashSet<String>,
    problem: Option<ParseProblem>,
    /// Depth of the string literal the walk is inside, if any.
    string_depth: Option<usize>,
}

impl Walker<'_> {
    /// Iterative pre-order walk: deeply nested code cannot overflow the stack.
    fn walk(&mut self, root: Node) {
        let mut cursor = root.walk();
        let mut scopes: Vec<(usize, Vec<String>)> = Vec::new();
        let mut depth = 0usize;
        'outer: loop {
            let node = cursor.node();
            let descend = self.visit(node, depth, &mut scopes);
            if descend && cursor.goto_first_child() {
                depth += 1;
                continue;
            }
            loop {
                while scopes.last().is_some_and(|(d, _)| *d >= depth) {
                    scopes.pop();
                }
                if cursor.goto_next_sibling() {
                    continue 'outer;
                }
                if !cursor.goto_parent() {
                    break 'outer;
                }
                depth -= 1;
            }
        }
    }

    /// Records what one node contributes; returns whether to walk into it.
    fn visit(&mut self, node: Node, depth: usize, scopes: &mut Vec<(usize, Vec<String>)>) -> bool {
        if self.problem.is_none() && (node.is_error() || node.is_missing()) {
            let (line, column) = line_column(self.source, node.start_byte());
            self.problem = Some(ParseProblem { line, column, bytes: node.byte_range() });
        }
        if is_comment(node) {
            let text = node_text(node, self.source);
            if text.contains("driftcheck:") || text.contains("spec:") {
                self.comments.push(Comment { start: node.start_byte(), end: node.end_byte(), text: text.to_string() });
            }
            return false;
        }
        if self.string_depth.is_some_and(|d| depth <= d) {
            self.string_depth = None;
        }
        if self.string_depth.is_none() && is_string(node) {
            self.string_depth = Some(depth);
        }
        let leaf = node.child_count() == 0;
        if leaf {
            let words = identifier_words(node_text(node, self.source));
            if self.string_depth.is_some() {
                // Prose inside strings ("will retry") must not keep a renamed
                // `retry` alive; names such as "ACME_API_TOKEN" still count.
                self.string_tokens.extend(words.filter(|w| is_distinctive(w)).map(str::to_string));
            } else {
                self.tokens.extend(words.map(str::to_string));
            }
        }
        if let Some(definition) = self.language.definition(node, self.source) {
            let enclosing = scopes.last().map(|(_, path)| path.clone()).unwrap_or_default();
            let mut qualified = definition.owner.clone().unwrap_or(enclosing);
            qualified.push(definition.name.clone());
            if definition.is_symbol {
                self.push_symbol(node, &definition, qualified.clone());
            }
            if definition.is_container {
                scopes.push((depth, qualified));
            }
        }
        !leaf
    }

    fn push_symbol(&mut self, node: Node, definition: &Definition, qualified: Vec<String>) {
        let display = qualified.join(self.language.separator());
        self.symbols.push(Symbol {
            name: definition.name.clone(),
            display,
            qualified,
            kind: definition.kind,
            path: self.path.to_string(),
            line: node.start_position().row + 1,
            end_line: node.end_position().row + 1,
            bytes: node.byte_range(),
            params: definition.params.clone(),
            value: definition.value.clone(),
            body_hash: normalised_hash(node, self.source),
            public: definition.public,
            ignores: None,
        });
    }
}

fn is_string(node: Node) -> bool {
    let kind = node.kind();
    (kind.contains("string") || kind.contains("char"))
        && !kind.contains("interpolation")
        && !kind.contains("substitution")
}

pub(super) fn is_comment(node: Node) -> bool {
    node.kind().contains("comment")
}

pub(super) fn node_text<'s>(node: Node, source: &'s str) -> &'s str {
    source.get(node.byte_range()).unwrap_or("")
}

/// Hash of a node's leaf tokens, comments dropped and layout folded to one
/// space, so that reformatting or re-commenting code is not a change. What
/// formatters change without changing meaning is left out too: docstrings,
/// the quote style of strings, a trailing comma before a closing bracket.
/// Nesting is hashed (`(`/`)` around every inner node), so that moving a
/// Python line into an `if` block is a change though no token changed.
pub fn normalised_hash(node: Node, source: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    let mut cursor = node.walk();
    'outer: loop {
        let current = cursor.node();
        let leaf = current.child_count() == 0;
        let skipped = is_comment(current) || is_docstring(current);
        if leaf && !skipped && !is_trailing_comma(current) {
            hash_leaf(&mut hasher, node_text(current, source));
        }
        if !leaf && !skipped && cursor.goto_first_child() {
            hasher.update(b"(");
            continue;
        }
        loop {
            if cursor.node() == node {
                break 'outer;
            }
            if cursor.goto_next_sibling() {
                continue 'outer;
            }
            if !cursor.goto_parent() {
                break 'outer;
            }
            hasher.update(b")");
        }
    }
    hasher.finalize().to_hex()[..16].to_string()
}

fn hash_leaf(hasher: &mut blake3::Hasher, text: &str) {
    // `'a'` and `"a"` are the same string to every formatter.
    let quotes_only = !text.is_empty() && text.chars().all(|c| matches!(c, '"' | '\'' | '`'));
    if quotes_only {
        hasher.update(b" \"");
        return;
    }
    for word in text.split_whitespace() {
        hasher.update(b" ");
        hasher.update(word.as_bytes());
    }
}

/// `f(a, b,)` and `f(a, b)` are the same call.
fn is_trailing_comma(node: Node) -> bool {
    node.kind() == "," && node.next_sibling().is_some_and(|next| matches!(next.kind(), ")" | "]" | "}"))
}

/// A Python docstring: a string alone as the first statement of a body.
fn is_docstring(node: Node) -> bool {
    node.kind() == "expression_statement"
        && node.named_child_count() == 1
        && node.named_child(0).is_some_and(|child| child.kind() == "string")
        && node.prev_named_sibling().is_none()
        && node.parent().is_some_and(|parent| matches!(parent.kind(), "block" | "module"))
}

/// Attaches `driftcheck:ignore` and `spec:` comments to the symbol they sit
/// directly above (only attributes, decorators and comments in between), and
/// returns the spec anchors.
fn attach_comments(source: &str, comments: &[Comment], symbols: &mut [Symbol]) -> Vec<SpecAnchor> {
    let mut anchors = Vec::new();
    for comment in comments {
        let target = following_symbol(source, comment.end, symbols);
        if let Some(rules) = crate::text::ignore_directive(&comment.text) {
            if let Some(index) = target {
                crate::text::merge_ignores(&mut symbols[index].ignores, rules);
            }
        }
        for (offset, spec) in crate::text::spec_anchor_targets(&comment.text) {
            let start = comment.start + offset;
            let (line, column) = line_column(source, start);
            anchors.push(SpecAnchor {
                target: spec.to_string(),
                line,
                column,
                bytes: start..start + spec.len(),
                symbol: target,
            });
        }
    }
    anchors
}

fn following_symbol(source: &str, after: usize, symbols: &[Symbol]) -> Option<usize> {
    let index = symbols.partition_point(|symbol| symbol.bytes.start < after);
    let symbol = symbols.get(index)?;
    let between = source.get(after..symbol.bytes.start)?;
    // The rest of the comment's own line, then whole lines up to the symbol.
    let mut lines = between.split('\n');
    if !source[..after].ends_with('\n') {
        lines.next();
    }
    let mut lines: Vec<&str> = lines.collect();
    lines.pop(); // the symbol's own line, up to its first byte
    let attached = lines.iter().all(|line| {
        let line = line.trim_start();
        !line.is_empty() && ["#[", "#!", "@", "//", "#", "/*", "*", "--"].iter().any(|p| line.starts_with(p))
    });
    attached.then_some(index)
}
