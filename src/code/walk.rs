//! The language-independent tree walk: scopes, symbols, comments, tokens and
//! the normalised hash. Languages only classify nodes.

use std::sync::Arc;

use tree_sitter::Node;

use super::tokens::WordSet;
use super::{CodeFile, Definition, Language, ParseProblem, SpecAnchor, Symbol, Tokens};
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

pub(super) fn index(
    language: &dyn Language,
    extension: &str,
    path: &str,
    source: String,
    hash_bodies: bool,
) -> CodeFile {
    FILE_NUMBER.with(|number| number.set(number.get() + 1));
    let grammar = language.grammar(extension);
    let tree = match super::parse(&grammar, &source) {
        Ok(tree) => tree,
        Err(unparsed) => return unparsed_file(path, source, unparsed),
    };
    let root = tree.root_node();
    let kinds = KindTable::cached(language, extension, &grammar);
    let mut walker = Walker {
        language,
        kinds: &kinds,
        source: &source,
        path: Arc::from(path),
        symbols: Vec::new(),
        comments: Vec::new(),
        tokens: WordSet::default(),
        string_tokens: WordSet::default(),
        problem: None,
        has_error: root.has_error(),
        string_depth: None,
        hashes: BodyHashes { enabled: hash_bodies, ..BodyHashes::default() },
    };
    walker.walk(root);
    let Walker { mut symbols, comments, mut tokens, string_tokens: mut string_only_tokens, problem, .. } = walker;
    string_only_tokens.retain(|word| !tokens.contains(word));
    tokens.extend(string_only_tokens.iter().copied());
    let anchors = attach_comments(&source, &comments, &mut symbols);
    CodeFile {
        path: path.to_string(),
        language: Some(language.name()),
        separator: language.separator(),
        module: language.module_path(path, root, &source),
        symbols,
        anchors,
        tokens: Tokens::from_set(&tokens),
        string_only_tokens: Tokens::from_set(&string_only_tokens),
        // Backticks quote strings in JavaScript; elsewhere they quote names in comments.
        quoted: super::facts::quoted_names(&source, matches!(language.name(), "javascript" | "typescript")),
        page_folders: super::facts::templated_page_folders(&source),
        parse_problem: problem,
        bodies_hashed: hash_bodies,
        source: super::Source::read(source),
    }
}

/// A file its grammar gave no tree for (refused, or the parser gave up):
/// its tokens are kept, so that references into it are never falsely
/// dangling, and its problem says why it has no symbols.
fn unparsed_file(path: &str, source: String, unparsed: super::Unparsed) -> CodeFile {
    let mut file = super::plain::index(path, source);
    let gave_up = unparsed == super::Unparsed::GaveUp;
    file.parse_problem = Some(ParseProblem { line: 1, column: 1, bytes: 0..0, gave_up });
    file
}

/// What the walk asks of every node, answered once per node kind of the
/// grammar: `node.kind()` measures and checks a C string on each call, and
/// a string search per node costs more than the parse.
struct KindTable {
    flags: Vec<u8>,
}

thread_local! {
    /// Each thread's kind tables, by language and extension: a grammar has
    /// hundreds of kinds, and a repository thousands of files per grammar.
    static KIND_TABLES: std::cell::RefCell<Vec<(&'static str, String, std::rc::Rc<KindTable>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

impl KindTable {
    const COMMENT: u8 = 1;
    const STRING: u8 = 2;
    const DEFINITION: u8 = 4;
    const COMMA: u8 = 8;
    const EXPRESSION_STATEMENT: u8 = 16;
    const CLOSING_BRACKET: u8 = 32;
    /// An anonymous node of punctuation only (`(`, `::`, `=>`): its text
    /// is its kind's name, without a word to record. Not quotes: a grammar
    /// may alias a string's opening with its prefix (Rust's `b"`) to `"`.
    const PUNCTUATION: u8 = 64;

    /// The table of `language`'s grammar for `extension`, built once per
    /// thread.
    fn cached(language: &dyn Language, extension: &str, grammar: &tree_sitter::Language) -> std::rc::Rc<KindTable> {
        KIND_TABLES.with(|tables| {
            let mut tables = tables.borrow_mut();
            let name = language.name();
            if let Some((_, _, table)) = tables.iter().find(|(n, e, _)| *n == name && e == extension) {
                return table.clone();
            }
            let table = std::rc::Rc::new(KindTable::new(grammar, language.definition_kinds()));
            tables.push((name, extension.to_string(), table.clone()));
            table
        })
    }

    fn new(grammar: &tree_sitter::Language, definition_kinds: &[&str]) -> KindTable {
        let flags = (0..grammar.node_kind_count())
            .map(|id| {
                let id = u16::try_from(id).ok();
                let kind = id.and_then(|id| grammar.node_kind_for_id(id)).unwrap_or("");
                let anonymous = id.is_some_and(|id| !grammar.node_kind_is_named(id));
                let punctuation = anonymous
                    && !kind.is_empty()
                    && kind.bytes().all(|b| b.is_ascii_punctuation())
                    && !kind.contains(['_', '$', '"', '\'', '`']);
                Self::flags_of(kind, definition_kinds) | if punctuation { Self::PUNCTUATION } else { 0 }
            })
            .collect();
        KindTable { flags }
    }

    fn flags_of(kind: &str, definition_kinds: &[&str]) -> u8 {
        let mut flags = 0;
        if kind.contains("comment") {
            flags |= Self::COMMENT;
        }
        let string = (kind.contains("string") || kind.contains("char"))
            && !kind.contains("interpolation")
            && !kind.contains("substitution");
        if string {
            flags |= Self::STRING;
        }
        if definition_kinds.contains(&kind) {
            flags |= Self::DEFINITION;
        }
        match kind {
            "," => flags |= Self::COMMA,
            "expression_statement" => flags |= Self::EXPRESSION_STATEMENT,
            ")" | "]" | "}" => flags |= Self::CLOSING_BRACKET,
            _ => {}
        }
        flags
    }

    /// The flags of a node's kind, looked up once per node.
    fn of(&self, node: Node) -> Kind {
        Kind(self.flags.get(usize::from(node.kind_id())).copied().unwrap_or(0))
    }
}

/// A node kind's flags (`KindTable`).
#[derive(Clone, Copy)]
struct Kind(u8);

impl Kind {
    fn is(self, flag: u8) -> bool {
        self.0 & flag != 0
    }
}

struct Walker<'a> {
    language: &'a dyn Language,
    kinds: &'a KindTable,
    source: &'a str,
    /// The file's path, shared by its symbols.
    path: Arc<str>,
    symbols: Vec<Symbol>,
    comments: Vec<Comment>,
    /// Words outside strings and comments.
    tokens: WordSet<'a>,
    /// Distinctive words inside strings.
    string_tokens: WordSet<'a>,
    problem: Option<ParseProblem>,
    /// Whether the tree has an error or a missing node anywhere: if not,
    /// no node is asked.
    has_error: bool,
    /// Depth of the string literal the walk is inside, if any.
    string_depth: Option<usize>,
    hashes: BodyHashes,
}

/// The normalised hashes of the symbols the walk is inside, fed as it goes:
/// one pass over the tree hashes every symbol, however deeply nested,
/// instead of a walk of each symbol's subtree (see [`normalised_hash`]).
#[derive(Default)]
struct BodyHashes {
    /// Off unless a lock or the LLM pass will read the hashes.
    enabled: bool,
    /// (depth of the symbol's node, index of the symbol, its hash so far).
    open: Vec<(usize, usize, blake3::Hasher)>,
    /// Depth of the docstring being walked, which no hash includes.
    docstring: Option<usize>,
    /// A comma held back until its next sibling says whether it trails.
    comma: Option<String>,
}

impl BodyHashes {
    fn feed(&mut self, bytes: &[u8]) {
        for (_, _, hasher) in &mut self.open {
            hasher.update(bytes);
        }
    }

    fn feed_leaf(&mut self, text: &str) {
        for (_, _, hasher) in &mut self.open {
            hash_leaf(hasher, text);
        }
    }

    /// True while inside a docstring, below its node.
    fn skipping(&self, depth: usize) -> bool {
        self.docstring.is_some_and(|at| depth > at)
    }

    /// The walk reached the node after a held-back comma: its next sibling
    /// (a closing bracket or not), or none. A comma before a closing
    /// bracket is left out.
    fn settle_comma(&mut self, closing_bracket_next: bool) {
        if let Some(comma) = self.comma.take() {
            if !closing_bracket_next {
                self.feed_leaf(&comma);
            }
        }
    }

    /// Leaving the node at `depth`: its closing mark, and its hash done if
    /// it is a symbol's.
    fn close(&mut self, depth: usize, inner: bool, symbols: &mut [Symbol]) {
        if inner {
            self.feed(b")");
        }
        while self.open.last().is_some_and(|(at, _, _)| *at >= depth) {
            if let Some((_, symbol, hasher)) = self.open.pop() {
                symbols[symbol].body_hash = finish(&hasher);
            }
        }
    }
}

fn finish(hasher: &blake3::Hasher) -> String {
    hasher.finalize().to_hex()[..16].to_string()
}

impl<'t> Walker<'_> {
    /// Iterative pre-order walk: deeply nested code cannot overflow the stack.
    fn walk(&mut self, root: Node<'t>) {
        let mut cursor = root.walk();
        let mut scopes: Vec<(usize, Vec<String>)> = Vec::new();
        // The nodes above the cursor, root first.
        let mut ancestors: Vec<Node<'t>> = Vec::new();
        let mut depth = 0usize;
        'outer: loop {
            let node = cursor.node();
            let kind = self.kinds.of(node);
            self.hashes.settle_comma(kind.is(KindTable::CLOSING_BRACKET));
            let descend = self.visit(node, kind, depth, ancestors.last().copied(), &mut scopes);
            if descend && cursor.goto_first_child() {
                ancestors.push(node);
                depth += 1;
                continue;
            }
            self.hashes.close(depth, false, &mut self.symbols);
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
                ancestors.pop();
                depth -= 1;
                self.leave(depth);
            }
        }
        // Only the root is left open, if it is a symbol at all.
        self.hashes.settle_comma(false);
        self.hashes.close(0, root.child_count() > 0, &mut self.symbols);
    }

    /// Leaving an inner node at `depth` once all its children were walked.
    fn leave(&mut self, depth: usize) {
        self.hashes.settle_comma(false);
        let hashed = match self.hashes.docstring {
            Some(at) if at == depth => {
                self.hashes.docstring = None;
                false
            }
            // A node inside the docstring.
            Some(_) => false,
            None => true,
        };
        self.hashes.close(depth, hashed, &mut self.symbols);
    }

    /// Records what one node contributes; returns whether to walk into it.
    fn visit(
        &mut self,
        node: Node<'t>,
        kind: Kind,
        depth: usize,
        parent: Option<Node<'t>>,
        scopes: &mut Vec<(usize, Vec<String>)>,
    ) -> bool {
        if self.problem.is_none() && self.has_error && (node.is_error() || node.is_missing()) {
            let (line, column) = line_column(self.source, node.start_byte());
            self.problem = Some(ParseProblem { line, column, bytes: node.byte_range(), gave_up: false });
        }
        if kind.is(KindTable::COMMENT) {
            let text = node_text(node, self.source);
            if text.contains("driftcheck:") || text.contains("spec:") {
                self.comments.push(Comment { start: node.start_byte(), end: node.end_byte(), text: text.to_string() });
            }
            return false;
        }
        if self.string_depth.is_some_and(|d| depth <= d) {
            self.string_depth = None;
        }
        if self.string_depth.is_none() && kind.is(KindTable::STRING) {
            self.string_depth = Some(depth);
        }
        if kind.is(KindTable::DEFINITION) {
            self.define(node, depth, scopes);
        }
        let leaf = node.child_count() == 0;
        self.hash(node, kind, depth, leaf, parent);
        if leaf && !kind.is(KindTable::PUNCTUATION) {
            let words = identifier_words(node_text(node, self.source));
            if self.string_depth.is_some() {
                // Prose inside strings ("will retry") must not keep a renamed
                // `retry` alive; names such as "ACME_API_TOKEN" still count.
                super::add_tokens(&mut self.string_tokens, words.filter(|w| is_distinctive(w)));
            } else {
                super::add_tokens(&mut self.tokens, words);
            }
        }
        !leaf
    }

    /// Feeds a node to the hashes of the symbols it is inside (its own, if
    /// it is one): what [`normalised_hash`] would, in the same order.
    fn hash(&mut self, node: Node<'t>, kind: Kind, depth: usize, leaf: bool, parent: Option<Node<'t>>) {
        if self.hashes.skipping(depth) || self.hashes.open.is_empty() {
            return;
        }
        if kind.is(KindTable::EXPRESSION_STATEMENT) && is_docstring(node, parent) {
            self.hashes.docstring = Some(depth);
        } else if !leaf {
            self.hashes.feed(b"(");
        } else if kind.is(KindTable::COMMA) {
            self.hashes.comma = Some(node_text(node, self.source).to_string());
        } else {
            self.hashes.feed_leaf(node_text(node, self.source));
        }
    }

    fn define(&mut self, node: Node, depth: usize, scopes: &mut Vec<(usize, Vec<String>)>) {
        let Some(definition) = self.language.definition(node, self.source) else { return };
        let enclosing = scopes.last().map(|(_, path)| path.clone()).unwrap_or_default();
        let mut qualified = definition.owner.clone().unwrap_or(enclosing);
        qualified.push(definition.name.clone());
        if definition.is_symbol {
            if self.hashes.enabled {
                self.hashes.open.push((depth, self.symbols.len(), blake3::Hasher::new()));
            }
            self.push_symbol(node, &definition, qualified.clone());
        }
        if definition.is_container {
            scopes.push((depth, qualified));
        }
    }

    fn push_symbol(&mut self, node: Node, definition: &Definition, qualified: Vec<String>) {
        let display = qualified.join(self.language.separator());
        self.symbols.push(Symbol {
            name: definition.name.clone(),
            display,
            qualified,
            kind: definition.kind,
            path: self.path.clone(),
            line: node.start_position().row + 1,
            end_line: node.end_position().row + 1,
            bytes: node.byte_range(),
            params: definition.params.clone(),
            value: definition.value.clone(),
            // Filled in when the walk leaves the node.
            body_hash: String::new(),
            public: definition.public,
            ignores: None,
        });
    }
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
///
/// The index computes the same hash for every symbol in its one walk
/// ([`BodyHashes`]); this is the definition, walked for one node.
pub fn normalised_hash(node: Node, source: &str) -> String {
    let mut hasher = blake3::Hasher::new();
    let mut cursor = node.walk();
    'outer: loop {
        let current = cursor.node();
        let leaf = current.child_count() == 0;
        let skipped = is_comment(current) || is_docstring(current, current.parent());
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
    finish(&hasher)
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
fn is_docstring(node: Node, parent: Option<Node>) -> bool {
    node.kind() == "expression_statement"
        && node.named_child_count() == 1
        && node.named_child(0).is_some_and(|child| child.kind() == "string")
        && node.prev_named_sibling().is_none()
        && parent.is_some_and(|parent| matches!(parent.kind(), "block" | "module"))
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

#[cfg(test)]
mod tests {
    use super::{normalised_hash, KindTable};
    use crate::code::{index_file, LANGUAGES};

    /// The hashes of one walk over the file are those of a walk over each
    /// symbol alone: nested symbols, docstrings, trailing commas, comments
    /// between a comma and its bracket, a leaf symbol.
    #[test]
    fn the_walks_hashes_are_each_symbols_own() {
        let cases = [
            (
                "src/a.rs",
                "mod m {\n    impl A {\n        fn f(a: u8, b: u8,) -> (u8, u8) { (a, /* c */ b,) }\n        \
                 fn g() { let x = [1, 2 // c\n ]; }\n    }\n}\nenum E { A, B { x: u8, }, }\n",
            ),
            (
                "a.py",
                "class A:\n    \"\"\"Doc.\"\"\"\n    def f(self, a, b,):\n        'doc'\n        return (a, b,)\n\n\
                 X = {'a': 1,}\ndef g():\n    pass\n",
            ),
            ("a.ts", "export enum E { A, B = 2, }\nexport class C { m(a: number,) { return [a,]; } }\n"),
            ("a.js", "export function f(a, b,) { return g(a, b,); }\nexport class C { x = 1; m() {} }\n"),
            (
                "a/a.go",
                "package a\n\nconst (\n\tA, B = 1, 2\n)\n\ntype T struct {\n\tx, y int\n}\n\nfunc (t T) M(a int,) {}\n",
            ),
            ("A.java", "class A {\n    int x = 1, y = 2;\n    enum E { P, Q, }\n    void m(int a) { f(a); }\n}\n"),
        ];
        for (path, source) in cases {
            let file = index_file(path, source.to_string());
            assert!(!file.symbols.is_empty(), "{path}");
            let language = LANGUAGES.iter().find(|l| l.name() == file.language.unwrap()).unwrap();
            let extension = path.rsplit_once('.').unwrap().1;
            let mut parser = tree_sitter::Parser::new();
            parser.set_language(&language.grammar(extension)).unwrap();
            let tree = parser.parse(source, None).unwrap();
            for symbol in &file.symbols {
                let mut alone = Vec::new();
                let mut cursor = tree.walk();
                collect_spanning(&mut cursor, &symbol.bytes, source, &mut alone);
                assert!(
                    alone.contains(&symbol.body_hash),
                    "{path}: {} {:?} not in {alone:?}",
                    symbol.display,
                    symbol.body_hash
                );
            }
        }
    }

    /// Hashes of every node spanning exactly `bytes`.
    fn collect_spanning(
        cursor: &mut tree_sitter::TreeCursor,
        bytes: &std::ops::Range<usize>,
        source: &str,
        into: &mut Vec<String>,
    ) {
        let node = cursor.node();
        if node.byte_range() == *bytes {
            into.push(normalised_hash(node, source));
        }
        if cursor.goto_first_child() {
            loop {
                collect_spanning(cursor, bytes, source, into);
                if !cursor.goto_next_sibling() {
                    break;
                }
            }
            cursor.goto_parent();
        }
    }

    /// A misspelt kind would silently never define anything.
    #[test]
    fn every_definition_kind_is_one_of_its_grammars() {
        for language in LANGUAGES {
            for extension in language.extensions() {
                let grammar = language.grammar(extension);
                let table = KindTable::new(&grammar, language.definition_kinds());
                for kind in language.definition_kinds() {
                    let named = grammar.id_for_node_kind(kind, true);
                    let anonymous = grammar.id_for_node_kind(kind, false);
                    let id = if named != 0 { named } else { anonymous };
                    assert_ne!(id, 0, "{} has no `{kind}` nodes", language.name());
                    assert_ne!(table.flags[usize::from(id)] & KindTable::DEFINITION, 0);
                }
            }
        }
    }

    /// Punctuation leaves are skipped for words; keywords and names are not.
    #[test]
    fn only_anonymous_punctuation_is_flagged_as_such() {
        let rust = *LANGUAGES.iter().find(|l| l.name() == "rust").unwrap();
        let grammar = rust.grammar("rs");
        let table = KindTable::new(&grammar, rust.definition_kinds());
        let flagged = |kind: &str, named: bool| {
            let id = grammar.id_for_node_kind(kind, named);
            assert_ne!(id, 0, "{kind}");
            table.flags[usize::from(id)] & KindTable::PUNCTUATION != 0
        };
        assert!(flagged("::", false) && flagged("(", false) && flagged("=>", false));
        assert!(!flagged("fn", false) && !flagged("let", false) && !flagged("_", false) && !flagged("\"", false));
        assert!(!flagged("identifier", true) && !flagged("string_literal", true));
    }

    #[test]
    fn typescript_asks_about_every_kind_javascript_does() {
        let language = |name: &str| *LANGUAGES.iter().find(|l| l.name() == name).unwrap();
        let typescript = language("typescript");
        let grammar = typescript.grammar("ts");
        let in_grammar = |kind: &&&str| grammar.id_for_node_kind(kind, true) != 0;
        let asked: Vec<&&str> = language("javascript").definition_kinds().iter().filter(in_grammar).collect();
        assert!(asked.len() >= 5);
        for kind in asked {
            assert!(typescript.definition_kinds().contains(kind), "{kind}");
        }
    }
}
