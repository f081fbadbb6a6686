//! Code side: turns source files into symbols, code-side spec anchors and a
//! token set, one tree-sitter grammar per language file.

mod facts;
mod go;
mod java;
mod javascript;
mod plain;
mod python;
mod rust;
mod tokens;
mod typescript;
mod walk;

use std::ops::Range;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

pub use walk::normalised_hash;

/// The languages driftcheck parses with tree-sitter. Adding one is a file in
/// this module and a line here.
static LANGUAGES: &[&dyn Language] =
    &[&rust::Rust, &python::Python, &typescript::TypeScript, &javascript::JavaScript, &go::Go, &java::Java];

/// What a grammar contributes: which files it owns, how a file path becomes a
/// module path, and which syntax nodes define symbols.
pub trait Language: Sync {
    fn name(&self) -> &'static str;
    /// File extensions (without the dot) this language owns.
    fn extensions(&self) -> &'static [&'static str];
    /// The tree-sitter grammar for a file with this extension.
    fn grammar(&self, extension: &str) -> tree_sitter::Language;
    /// Separator used when printing a qualified name (`::` or `.`).
    fn separator(&self) -> &'static str;
    /// Module path of a file, e.g. `src/net/mod.rs` → `[src, net]`. The root
    /// node is given for languages that declare their package in source.
    fn module_path(&self, path: &str, root: tree_sitter::Node, source: &str) -> Vec<String>;
    /// Classifies a syntax node: `Some` if it defines a symbol or opens a
    /// named scope for the nodes below it.
    fn definition(&self, node: tree_sitter::Node, source: &str) -> Option<Definition>;
    /// Every node kind [`Language::definition`] can answer `Some` for: the
    /// walk asks about no other node (a per-kind table, not a string match
    /// on each of a file's nodes).
    fn definition_kinds(&self) -> &'static [&'static str];
}

/// A definition found by a [`Language`] at one syntax node.
#[derive(Debug, Clone)]
pub struct Definition {
    pub name: String,
    pub kind: SymbolKind,
    /// False for nodes that only name a scope (a Rust `impl` block).
    pub is_symbol: bool,
    /// True when children are qualified by this name (types, modules, impls).
    pub is_container: bool,
    /// Replaces the enclosing scope, for definitions that name their owner
    /// themselves (a Go method's receiver type).
    pub owner: Option<Vec<String>>,
    pub params: Vec<String>,
    pub value: Option<String>,
    pub public: bool,
}

impl Definition {
    pub fn symbol(name: impl Into<String>, kind: SymbolKind) -> Self {
        Definition {
            name: name.into(),
            kind,
            is_symbol: true,
            is_container: matches!(kind, SymbolKind::Type | SymbolKind::Enum | SymbolKind::Trait | SymbolKind::Module),
            owner: None,
            params: Vec::new(),
            value: None,
            public: true,
        }
    }

    /// A scope that is not itself a symbol (e.g. `impl Client { … }`).
    pub fn scope(name: impl Into<String>) -> Self {
        Definition { is_symbol: false, is_container: true, ..Definition::symbol(name, SymbolKind::Module) }
    }

    pub fn with_params(mut self, params: Vec<String>) -> Self {
        self.params = params;
        self
    }

    pub fn with_value(mut self, value: Option<String>) -> Self {
        self.value = value;
        self
    }

    pub fn with_public(mut self, public: bool) -> Self {
        self.public = public;
        self
    }

    pub fn with_owner(mut self, owner: Vec<String>) -> Self {
        self.owner = Some(owner);
        self
    }

    pub fn container(mut self, is_container: bool) -> Self {
        self.is_container = is_container;
        self
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum SymbolKind {
    Function,
    Method,
    Type,
    Enum,
    Trait,
    Variant,
    Field,
    Constant,
    Module,
}

impl SymbolKind {
    pub fn as_str(self) -> &'static str {
        match self {
            SymbolKind::Function => "function",
            SymbolKind::Method => "method",
            SymbolKind::Type => "type",
            SymbolKind::Enum => "enum",
            SymbolKind::Trait => "trait",
            SymbolKind::Variant => "variant",
            SymbolKind::Field => "field",
            SymbolKind::Constant => "constant",
            SymbolKind::Module => "module",
        }
    }
}

/// A named definition in a code file.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Symbol {
    pub name: String,
    /// Path inside the file: `["Client", "retry"]`.
    pub qualified: Vec<String>,
    /// `qualified` joined with the language's separator: `Client::retry`.
    pub display: String,
    pub kind: SymbolKind,
    /// The file's path, shared by its symbols; the index cache leaves it
    /// out and [`CodeFile::share_path`] puts it back.
    #[serde(skip)]
    pub path: Arc<str>,
    pub line: usize,
    pub end_line: usize,
    pub bytes: Range<usize>,
    pub params: Vec<String>,
    pub value: Option<String>,
    /// Hash of the definition's tokens without comments or layout, so that
    /// reformatting is not drift.
    pub body_hash: String,
    pub public: bool,
    /// Rules suppressed by a `driftcheck:ignore` comment right before it;
    /// an empty list means every rule.
    pub ignores: Option<Vec<String>>,
}

/// A `spec: specs/net.md#retry-policy` comment in code.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct SpecAnchor {
    /// The target as written: `specs/net.md#retry-policy`.
    pub target: String,
    pub line: usize,
    pub column: usize,
    pub bytes: Range<usize>,
    /// Index into the file's symbols of the symbol the comment precedes.
    pub symbol: Option<usize>,
}

/// Where a file stopped parsing cleanly, or that the parser gave up on it.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParseProblem {
    pub line: usize,
    pub column: usize,
    pub bytes: Range<usize>,
    /// The parser was stopped at its work budget ([`parse`]): the file's
    /// words are indexed, its symbols are not.
    pub gave_up: bool,
}

pub use tokens::Tokens;

/// Everything driftcheck knows about one code file.
#[derive(Debug, Clone)]
pub struct CodeFile {
    pub path: String,
    /// `None` for text files without a grammar: they contribute tokens only.
    pub language: Option<&'static str>,
    pub separator: &'static str,
    pub module: Vec<String>,
    pub symbols: Vec<Symbol>,
    pub anchors: Vec<SpecAnchor>,
    pub tokens: Tokens,
    /// The tokens that occur only inside string literals (`"VARCHAR"`),
    /// never as code: a subset of `tokens`.
    pub string_only_tokens: Tokens,
    /// Names the file writes as whole strings, outside comments (see
    /// [`facts::quoted_names`]); empty for files without a grammar.
    pub quoted: Vec<String>,
    /// Folders the file writes HTML pages into by a templated path (see
    /// [`facts::templated_page_folders`]).
    pub page_folders: Vec<String>,
    pub parse_problem: Option<ParseProblem>,
    /// Whether the symbols carry body hashes. Only a lock reads them (and
    /// `accept` writes them), so a run without one leaves them out (empty).
    pub bodies_hashed: bool,
    pub source: Source,
}

impl CodeFile {
    /// Gives every symbol the file's path, one allocation for all of them:
    /// for entries decoded from the index cache, which does not store it.
    pub fn share_path(&mut self) {
        let path: Arc<str> = Arc::from(self.path.as_str());
        for symbol in &mut self.symbols {
            symbol.path = path.clone();
        }
    }
}

pub use crate::source::Source;

/// How names are joined in files without a grammar.
pub const PLAIN_SEPARATOR: &str = ".";

/// Every grammar, by language name: what the index cache's stamp covers.
pub fn grammars() -> impl Iterator<Item = (&'static str, tree_sitter::Language)> {
    LANGUAGES.iter().flat_map(|language| {
        language.extensions().iter().map(move |extension| (language.name(), language.grammar(extension)))
    })
}

/// The language of this name, as [`Language::name`] gives it.
pub fn language_named(name: &str) -> Option<&'static dyn Language> {
    LANGUAGES.iter().find(|language| language.name() == name).copied()
}

/// The language that owns a path, by extension.
pub fn language_for(path: &str) -> Option<(&'static dyn Language, &str)> {
    let extension = path.rsplit_once('.')?.1;
    if extension.contains('/') {
        return None;
    }
    LANGUAGES.iter().find(|language| language.extensions().contains(&extension)).map(|language| (*language, extension))
}

/// Indexes a file without its grammar: tokens and `spec:` comments only.
pub fn index_plain(path: &str, source: String) -> CodeFile {
    plain::index(path, source)
}

/// Indexes one file, with its symbols' body hashes. Never fails: a file
/// tree-sitter cannot fully parse is indexed as far as it got (as plain
/// words if the parser gave up at its work budget) and carries a
/// [`ParseProblem`].
pub fn index_file(path: &str, source: String) -> CodeFile {
    index_file_with(path, source, true)
}

/// As [`index_file`]; without `hash_bodies` the symbols' `body_hash` stays
/// empty, which saves hashing every definition when nothing will read it.
pub fn index_file_with(path: &str, source: String, hash_bodies: bool) -> CodeFile {
    match language_for(path) {
        Some((language, extension)) => walk::index(language, extension, path, source, hash_bodies),
        None => plain::index(path, source),
    }
}

/// Parses a file with its grammar and does nothing else: the floor the
/// benchmark compares a full analysis with. False when no grammar owns it.
pub fn parse_only(path: &str, source: &str) -> bool {
    let Some((language, extension)) = language_for(path) else { return false };
    parse(&language.grammar(extension), source).is_ok()
}

/// Why a grammar gave no tree.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Unparsed {
    /// The grammar could not be loaded (an ABI this tree-sitter lacks).
    Refused,
    /// The parser spent its budget ([`PARSE_BYTES_PER_CHECK`]).
    GaveUp,
}

/// The parser's work budget: one of its progress checks (one per about 100
/// parser operations) per this many bytes of source, beyond
/// [`PARSE_CHECKS_FLOOR`]. Parsing real code takes one check per 150 bytes
/// on average and per 30 at most (measured on six repositories); tree-sitter's
/// error recovery runs away on some short inputs (48 bytes of
/// TSX ran out of 2 GB), which without a budget is a hang. Counted in
/// checks, not seconds, so results never depend on machine speed.
pub(crate) const PARSE_BYTES_PER_CHECK: usize = 8;
pub(crate) const PARSE_CHECKS_FLOOR: usize = 1_000;

/// Parses `source` with `grammar` within the work budget.
pub(crate) fn parse(grammar: &tree_sitter::Language, source: &str) -> Result<tree_sitter::Tree, Unparsed> {
    let mut parser = tree_sitter::Parser::new();
    parser.set_language(grammar).map_err(|_| Unparsed::Refused)?;
    let budget = source.len() / PARSE_BYTES_PER_CHECK + PARSE_CHECKS_FLOOR;
    let mut checks = 0usize;
    let mut over_budget = |_: &tree_sitter::ParseState| {
        checks += 1;
        checks > budget
    };
    let options = tree_sitter::ParseOptions::new().progress_callback(&mut over_budget);
    let bytes = source.as_bytes();
    let mut read = |offset: usize, _| bytes.get(offset..).unwrap_or_default();
    let tree = parser.parse_with_options(&mut read, None, Some(options));
    tree.ok_or(Unparsed::GaveUp)
}

/// Directory and file-stem segments of a path: `src/net/client.rs` →
/// `[src, net, client]`.
pub(crate) fn path_segments(path: &str) -> Vec<String> {
    let without_extension = match path.rsplit_once('.') {
        Some((stem, ext)) if !ext.contains('/') => stem,
        _ => path,
    };
    without_extension.split('/').filter(|s| !s.is_empty()).map(str::to_string).collect()
}

/// True when some ancestor of `node` has one of `kinds`: how languages tell
/// local definitions (inside a function body) from module-level ones.
fn has_ancestor(node: tree_sitter::Node, kinds: &[&str]) -> bool {
    std::iter::successors(node.parent(), tree_sitter::Node::parent).any(|a| kinds.contains(&a.kind()))
}

/// Adds words to a token set; they stay borrowed from the file's text.
fn add_tokens<'w>(tokens: &mut tokens::WordSet<'w>, words: impl Iterator<Item = &'w str>) {
    tokens.extend(words);
}

/// The source text of a node's field, if the node has that field.
fn field_text(node: tree_sitter::Node, field: &str, source: &str) -> Option<String> {
    node.child_by_field_name(field).map(|child| walk::node_text(child, source).to_string())
}

/// A node's named children, collected so callers need no cursor.
fn named_children(node: tree_sitter::Node) -> Vec<tree_sitter::Node> {
    let mut cursor = node.walk();
    let children = node.named_children(&mut cursor).collect();
    children
}

#[cfg(test)]
mod tests {
    use super::index_file;

    /// The budget stops runaway error recovery, and only that: a large
    /// file of real code, errors and all, parses within it.
    #[test]
    fn the_parser_gives_up_on_runaway_recovery_only() {
        let (language, extension) = super::language_for("src/a.tsx").expect("tsx");
        let grammar = language.grammar(extension);
        let hostile = "*$/{*{//{*{?/$\r/{*{//{*{?/$-{spec:c:ZQ{spec:c:ZQ";
        assert_eq!(super::parse(&grammar, hostile).err(), Some(super::Unparsed::GaveUp));
        let mut code = String::new();
        for n in 0..3000 {
            code.push_str(&format!("export function handle{n}(x: number): number {{ return x * {n}; }}\n"));
            if n % 100 == 0 {
                code.push_str("const broken = (;\n");
            }
        }
        let tree = super::parse(&grammar, &code).expect("parsed within the budget");
        assert!(tree.root_node().has_error());
    }

    /// Every language: a `spec:` comment in its comment syntax anchors the
    /// symbol right below it (through attributes and decorators).
    #[test]
    fn spec_comments_anchor_the_next_symbol_in_every_language() {
        let cases = [
            ("src/net.rs", "// spec: specs/net.md#retry-policy\n#[inline]\nfn retry() {}\n", "retry"),
            ("net.py", "# spec: specs/net.md#retry-policy\n@retry\ndef retry():\n    pass\n", "retry"),
            ("src/net.ts", "// spec: specs/net.md#retry-policy\n@injectable()\nexport class Retry {}\n", "Retry"),
            ("src/net.mjs", "/** spec: specs/net.md#retry-policy */\nexport function retry(times) {}\n", "retry"),
            ("net/retry.go", "package net\n\n// spec: specs/net.md#retry-policy\nfunc Retry() {}\n", "Retry"),
            (
                "A.java",
                "class A {\n    // spec: specs/net.md#retry-policy\n    @Override\n    public void retry() {}\n}\n",
                "A.retry",
            ),
        ];
        for (path, source, expected) in cases {
            let file = index_file(path, source.into());
            assert_eq!(file.anchors.len(), 1, "{path}");
            assert_eq!(file.anchors[0].target, "specs/net.md#retry-policy", "{path}");
            let symbol = file.anchors[0].symbol.map(|s| file.symbols[s].display.as_str());
            assert_eq!(symbol, Some(expected), "{path}");
        }
    }

    #[test]
    fn words_only_strings_hold_are_told_from_code() {
        let source = "afterAll(() => el.classList.add('isResizing'));\nconst mode = 'afterAll';\n// RunResult\n";
        let file = index_file("test/a.test.ts", source.into());
        assert!(file.tokens.contains("isResizing") && file.string_only_tokens.contains("isResizing"));
        assert!(file.tokens.contains("afterAll") && !file.string_only_tokens.contains("afterAll"));
        assert!(!file.tokens.contains("RunResult"), "comments hold no tokens");
    }

    #[test]
    fn a_blank_line_detaches_a_spec_comment() {
        let file = index_file("src/a.js", "// spec: specs/x.md\n\nconst y = 1;\n".into());
        assert_eq!(file.anchors[0].symbol, None);
    }

    /// Every language: a file with a syntax error keeps the symbols before it.
    #[test]
    fn broken_files_are_indexed_as_far_as_they_go() {
        let cases = [
            ("src/a.rs", "fn good() {}\nfn broken( {\n", "good"),
            ("a.py", "def good():\n    pass\n\ndef broken(:\n    pass\n", "good"),
            ("src/a.ts", "export function good(): void {}\nfunction broken( {\n", "good"),
            ("src/a.jsx", "function good() {}\nfunction broken( {\n", "good"),
            ("a/a.go", "package a\n\nfunc Good() {}\n\nfunc broken( {\n", "Good"),
            ("A.java", "class A {\n    void good() {}\n    void broken( {\n}\n", "A.good"),
        ];
        for (path, source, expected) in cases {
            let file = index_file(path, source.into());
            assert!(file.parse_problem.is_some(), "{path}");
            assert!(file.symbols.iter().any(|s| s.display == expected), "{path}");
        }
    }

    /// The walk asks nodes whether they are errors only when the tree says
    /// it has one: an unclosed bracket and a character no token starts with
    /// are still found, where they are.
    #[test]
    fn parse_problems_are_found_through_the_trees_error_flag() {
        let file = index_file("a.go", "package a\n\nfunc Good() {\n\tx := []int{1, 2\n}\n".into());
        let problem = file.parse_problem.expect("a problem");
        assert!(problem.line >= 4, "{problem:?}");
        let stray = index_file("a.go", "package a\n\n$\n".into());
        assert_eq!(stray.parse_problem.map(|p| p.line), Some(3));
        let clean = index_file("a.go", "package a\n\nfunc Good() {}\n".into());
        assert!(clean.parse_problem.is_none());
    }
}
