//! The code index: symbols by name, qualified-path matching, the token set
//! for the "still used somewhere" guard, and name suggestions.

use rayon::prelude::*;
use rustc_hash::{FxHashMap as HashMap, FxHashSet as HashSet};
use std::borrow::Cow;
use std::sync::OnceLock;

use crate::code::{CodeFile, Symbol, SymbolKind};
use crate::text::{each_name_word, name_words, NameStyle};

/// A symbol's position in the index: file and symbol ordinal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SymbolId {
    pub file: usize,
    pub symbol: usize,
}

/// How many symbols one reference may link to before it is too vague to be
/// useful (`new`, `run`).
pub const MAX_TARGETS: usize = 8;

/// Lower-case defined names (with the name as written) by first or last
/// letter and length: one edit keeps one of the two ends. A name already
/// in lower case is borrowed, not copied.
type SpellingBuckets<'w> = HashMap<(char, usize), Vec<(Cow<'w, str>, &'w str)>>;

/// The maps [`CodeIndex::names`] builds: by name, by (owner, name), files
/// by path and by module.
type Names<'w> = (
    HashMap<&'w str, Vec<SymbolId>>,
    HashMap<(&'w str, &'w str), Vec<SymbolId>>,
    HashMap<&'w str, usize>,
    HashMap<&'w str, Vec<usize>>,
);

pub struct CodeIndex<'w> {
    files: &'w [CodeFile],
    by_name: HashMap<&'w str, Vec<SymbolId>>,
    /// (owner segment, name): `Client::retry` looks up `("Client", "retry")`
    /// instead of every `retry` in the code base.
    by_tail: HashMap<(&'w str, &'w str), Vec<SymbolId>>,
    by_path: HashMap<&'w str, usize>,
    modules: HashMap<&'w str, Vec<usize>>,
    /// Every identifier of the code, and whether library code (not tests,
    /// examples or code kept with the docs, which may keep an old name
    /// alive) has it: one map, one lookup per word of every file.
    tokens: HashMap<&'w str, bool>,
    tokens_lower: HashSet<String>,
    /// Defined names by (first or last letter, length), lower case, built
    /// on the first near-miss question.
    spelling: OnceLock<SpellingBuckets<'w>>,
    /// Files of languages without a grammar whose words are code (C++,
    /// ISLE, SQL…), built on the first question.
    program_text: OnceLock<Vec<usize>>,
    /// Names library code writes as whole strings, built on the first
    /// question (see [`CodeIndex::quotes`]).
    quoted: OnceLock<HashSet<&'w str>>,
    /// How many distinct defined names are written in each style.
    styles: OnceLock<(HashMap<NameStyle, usize>, usize)>,
    /// Defined names by each of their words and by their lower case, built
    /// on the first suggestion (see [`CodeIndex::suggest`]).
    by_word: OnceLock<NamesByWord<'w>>,
    /// Whether library code (not tests) defines anything at all.
    library_defines: bool,
    /// Where each file sits, by its index in `files`.
    places: Vec<Place>,
}

/// Whether a file is test code, and whether it is library code (neither
/// test nor example): asked of files many times a run, so answered once
/// per file from its path.
#[derive(Debug, Clone, Copy)]
struct Place {
    test: bool,
    library: bool,
}

impl Place {
    fn of(path: &str) -> Place {
        let test = is_test_path(path);
        Place { test, library: !test && !is_example_path(path) }
    }
}

impl<'w> CodeIndex<'w> {
    pub fn new(files: &'w [CodeFile]) -> Self {
        // Names and words are independent maps over every file: built side
        // by side, a warm run waits for the larger only.
        let places: Vec<Place> = files.par_iter().map(|file| Place::of(&file.path)).collect();
        let ((by_name, by_tail, by_path, modules), (tokens, tokens_lower)) =
            rayon::join(|| Self::names(files), || Self::words(files, &places));
        let library_defines = files.iter().zip(&places).any(|(file, place)| !file.symbols.is_empty() && !place.test);
        CodeIndex {
            files,
            by_name,
            by_tail,
            by_path,
            modules,
            tokens,
            tokens_lower,
            spelling: OnceLock::new(),
            quoted: OnceLock::new(),
            program_text: OnceLock::new(),
            styles: OnceLock::new(),
            by_word: OnceLock::new(),
            library_defines,
            places,
        }
    }

    /// Symbols by name and by (owner, name), files by path and module.
    fn names(files: &'w [CodeFile]) -> Names<'w> {
        let mut by_name: HashMap<&str, Vec<SymbolId>> = HashMap::default();
        let mut by_tail: HashMap<(&str, &str), Vec<SymbolId>> = HashMap::default();
        let mut by_path = HashMap::default();
        let mut modules: HashMap<&str, Vec<usize>> = HashMap::default();
        for (file_index, file) in files.iter().enumerate() {
            by_path.insert(file.path.as_str(), file_index);
            if let Some(last) = file.module.last() {
                modules.entry(last.as_str()).or_default().push(file_index);
            }
            for (symbol_index, symbol) in file.symbols.iter().enumerate() {
                let id = SymbolId { file: file_index, symbol: symbol_index };
                // Most names are defined once: room for one, not the four a
                // growing vector would keep.
                by_name.entry(symbol.name.as_str()).or_insert_with(|| Vec::with_capacity(1)).push(id);
                let owner = match symbol.qualified.len() {
                    0 | 1 => file.module.last(),
                    n => symbol.qualified.get(n - 2),
                };
                if let Some(owner) = owner {
                    by_tail
                        .entry((owner.as_str(), symbol.name.as_str()))
                        .or_insert_with(|| Vec::with_capacity(1))
                        .push(id);
                }
            }
        }
        (by_name, by_tail, by_path, modules)
    }

    /// Every identifier with whether library code has it, and those with
    /// an underscore in lower case.
    ///
    /// The largest map a run builds (every word of every file, 600,000 on
    /// wasmtime): each worker thread maps a share of the files, then the
    /// maps are merged.
    fn words(files: &'w [CodeFile], places: &[Place]) -> (HashMap<&'w str, bool>, HashSet<String>) {
        let share = files.len().div_ceil(rayon::current_num_threads()).max(1);
        let tokens = files
            .par_chunks(share)
            .zip(places.par_chunks(share))
            .map(|(files, places)| {
                let mut tokens: HashMap<&str, bool> = HashMap::default();
                for (file, place) in files.iter().zip(places) {
                    for token in file.tokens.iter() {
                        *tokens.entry(token).or_insert(false) |= place.library;
                    }
                }
                tokens
            })
            .reduce(HashMap::default, |mut larger, mut smaller| {
                if larger.len() < smaller.len() {
                    std::mem::swap(&mut larger, &mut smaller);
                }
                for (token, library) in smaller {
                    *larger.entry(token).or_insert(false) |= library;
                }
                larger
            });
        let tokens_lower = tokens.par_iter().filter(|(t, _)| t.contains('_')).map(|(t, _)| t.to_lowercase()).collect();
        (tokens, tokens_lower)
    }

    pub fn files(&self) -> &'w [CodeFile] {
        self.files
    }

    pub fn symbol(&self, id: SymbolId) -> &'w Symbol {
        &self.files[id.file].symbols[id.symbol]
    }

    pub fn file_of(&self, id: SymbolId) -> &'w CodeFile {
        &self.files[id.file]
    }

    /// Whether the file at this index is test code ([`is_test_path`]).
    fn in_tests(&self, file: usize) -> bool {
        self.places.get(file).is_some_and(|place| place.test)
    }

    /// Whether the file at this index is library code: neither test nor example code.
    fn in_library(&self, file: usize) -> bool {
        self.places.get(file).is_some_and(|place| place.library)
    }

    pub fn file_index(&self, path: &str) -> Option<usize> {
        self.by_path.get(path).copied()
    }

    pub fn symbol_count(&self) -> usize {
        self.files.iter().map(|f| f.symbols.len()).sum()
    }

    /// True when a word occurs in the code in any letter case: `NO_COLOR`
    /// read as `"no_color"`, a setting documented as `max_retries` read
    /// from `MAX_RETRIES`.
    pub fn has_token_ignoring_case(&self, word: &str) -> bool {
        self.tokens_lower.contains(&word.to_lowercase())
    }

    /// True when some symbol has this name.
    pub fn defines(&self, name: &str) -> bool {
        self.by_name.contains_key(name)
    }

    /// True when an identifier occurs in library code (see [`is_example_path`]).
    pub fn has_library_token(&self, word: &str) -> bool {
        self.tokens.get(word).copied().unwrap_or(false)
    }

    /// True when an identifier occurs anywhere in the code.
    pub fn has_token(&self, word: &str) -> bool {
        self.tokens.contains_key(word)
    }

    /// True when a test of a language with a grammar writes the identifier
    /// as code, not only inside a string or a comment: a call, a type, an
    /// object key. Tests run, so a name they still write is defined
    /// somewhere; examples may be stale. Scans the tests: for the rare
    /// question, not a hot path.
    pub fn tests_use_as_code(&self, word: &str) -> bool {
        self.tokens.contains_key(word)
            && self.files.iter().enumerate().any(|(at, file)| {
                file.language.is_some()
                    && self.in_tests(at)
                    && file.tokens.contains(word)
                    && !file.string_only_tokens.contains(word)
            })
    }

    /// True when an identifier occurs in a file of a language with a
    /// grammar: code, not a Makefile's or a config's list of names.
    /// Scans the files: for the rare question, not a hot path.
    pub fn has_token_in_source_code(&self, word: &str) -> bool {
        self.files.iter().any(|file| file.language.is_some() && file.tokens.contains(word))
    }

    /// True when library code writes `dotted` as a whole string
    /// (`"http.disconnect"`, `'server.port'`, `"http_response_code"`): an
    /// event type, a settings key, a metric or protocol name the code still
    /// reads, sends or assembles, not a symbol gone from it.
    pub fn quotes(&self, dotted: &str) -> bool {
        let quoted = self.quoted.get_or_init(|| {
            let files = self.files.iter().enumerate();
            let library = files.filter(|(at, file)| file.language.is_some() && self.in_library(*at));
            library.flat_map(|(_, file)| file.quoted.iter().map(String::as_str)).collect()
        });
        quoted.contains(dotted)
    }

    /// True when code in a language without a grammar (C++, ISLE, protobuf,
    /// SQL…) mentions `name` as a member of `owner`: the generated or
    /// foreign half of a type defined here (`Context::put_in_reg` declared
    /// in an ISLE prelude, the C++ test `MemoryType.Simple`). A file that
    /// names both counts; a distinctive name (`put_in_reg`) alone counts in
    /// library code.
    pub fn other_language_mentions(&self, owner: &str, name: &str) -> bool {
        let distinctive = is_distinctive(name);
        let program_text = self.program_text.get_or_init(|| {
            let files = self.files.iter().enumerate();
            files.filter(|(_, f)| f.language.is_none() && is_program_text(&f.path)).map(|(at, _)| at).collect()
        });
        program_text.iter().any(|&at| {
            let file = &self.files[at];
            file.tokens.contains(name) && (file.tokens.contains(owner) || distinctive && self.in_library(at))
        })
    }

    /// True when the segments match the end of a symbol's module-qualified path.
    fn matches(&self, id: SymbolId, segments: &[String]) -> bool {
        let file = &self.files[id.file];
        let symbol = &file.symbols[id.symbol];
        let full = file.module.iter().chain(symbol.qualified.iter());
        let full: Vec<&String> = full.collect();
        full.len() >= segments.len() && full[full.len() - segments.len()..].iter().zip(segments).all(|(a, b)| *a == b)
    }

    /// Symbols a reference names, optionally only under a path prefix. A
    /// leading segment that matches nothing (a crate or package name) is
    /// dropped while two segments remain.
    pub fn resolve(&self, segments: &[String], scope: Option<&str>) -> Vec<SymbolId> {
        let mut segments = segments;
        loop {
            let found = self.resolve_exact(segments, scope);
            if !found.is_empty() || segments.len() <= 2 {
                return found;
            }
            segments = &segments[1..];
        }
    }

    fn resolve_exact(&self, segments: &[String], scope: Option<&str>) -> Vec<SymbolId> {
        let candidates = match segments {
            [] => None,
            [name] => self.by_name.get(name.as_str()),
            [.., owner, name] => self.by_tail.get(&(owner.as_str(), name.as_str())),
        };
        let Some(candidates) = candidates else { return Vec::new() };
        candidates
            .iter()
            .copied()
            .filter(|id| scope.is_none_or(|scope| in_scope(&self.files[id.file].path, scope)))
            .filter(|id| self.matches(*id, segments))
            .collect()
    }

    /// Of several matches, the ones a reader means: callables for a call
    /// (`name()`), non-test code over test code. `None` when more than
    /// [`MAX_TARGETS`] remain: the name is too common to mean one thing.
    pub fn prefer(&self, found: Vec<SymbolId>, called: bool) -> Option<Vec<SymbolId>> {
        let mut found = found;
        let callable = |id: &SymbolId| {
            matches!(
                self.symbol(*id).kind,
                SymbolKind::Function | SymbolKind::Method | SymbolKind::Type | SymbolKind::Variant
            )
        };
        if called && found.iter().any(callable) {
            found.retain(callable);
        }
        if found.iter().any(|id| !self.in_tests(id.file)) {
            found.retain(|id| !self.in_tests(id.file));
        }
        (found.len() <= MAX_TARGETS).then_some(found)
    }

    /// Types (and traits, enums) of ours the segments name.
    pub fn owner_types(&self, owner: &[String], scope: Option<&str>) -> Vec<SymbolId> {
        self.resolve(owner, scope)
            .into_iter()
            .filter(|id| matches!(self.symbol(*id).kind, SymbolKind::Type | SymbolKind::Enum | SymbolKind::Trait))
            .collect()
    }

    /// Whether `name` may still be a member of these types though no symbol
    /// says so: the type's definition or its members use the word, or a
    /// type they mention (a base class, a trait) defines it.
    pub fn member_may_exist(&self, owners: &[SymbolId], name: &str) -> bool {
        let related: Vec<&str> = self
            .by_name
            .get(name)
            .map(|ids| {
                ids.iter()
                    .map(|id| &self.symbol(*id).qualified)
                    .filter(|q| q.len() >= 2)
                    .map(|q| q[q.len() - 2].as_str())
                    .collect()
            })
            .unwrap_or_default();
        owners.iter().any(|owner| {
            let own_name = self.symbol(*owner).name.as_str();
            let words = self.words_of_type(*owner);
            words.contains(name) || related.iter().any(|t| *t != own_name && words.contains(t))
        })
    }

    /// Whether a type extends or implements a type this code does not
    /// define (`interface RFuture<V> extends Future<V>`, `class Tags(dict)`):
    /// a member it lacks may be inherited from there.
    pub fn inherits_from_elsewhere(&self, owner: SymbolId) -> bool {
        let file = &self.files[owner.file];
        let symbol = &file.symbols[owner.symbol];
        let Some(definition) = file.source.get(symbol.bytes.clone()) else { return false };
        // Python's header is the `class` line; braces end the others'.
        let end: &[char] = if file.language == Some("python") { &['\n'] } else { &['{', ';'] };
        let header = definition.split(end).next().unwrap_or("");
        supertypes(header).any(|name| name.len() > 1 && name != symbol.name && !self.defines(name))
    }

    /// Identifier words of a type's definition and of its members' (a Rust
    /// struct and its impl blocks, a Go struct and its methods).
    fn words_of_type(&self, owner: SymbolId) -> HashSet<&'w str> {
        let file = &self.files[owner.file];
        let qualified = &file.symbols[owner.symbol].qualified;
        file.symbols
            .iter()
            .filter(|s| s.qualified.starts_with(qualified))
            .filter_map(|s| file.source.get(s.bytes.clone()))
            .flat_map(crate::text::identifier_words)
            .collect()
    }

    /// Files whose module path ends with the segments (`pkg.module`).
    pub fn resolve_module(&self, segments: &[String], scope: Option<&str>) -> Vec<String> {
        let Some(last) = segments.last() else { return Vec::new() };
        let Some(files) = self.modules.get(last.as_str()) else { return Vec::new() };
        files
            .iter()
            .map(|&f| &self.files[f])
            .filter(|file| scope.is_none_or(|scope| in_scope(&file.path, scope)))
            .filter(|file| {
                file.module.len() >= segments.len() && file.module[file.module.len() - segments.len()..] == *segments
            })
            .map(|file| file.path.clone())
            .take(MAX_TARGETS)
            .collect()
    }

    /// Symbols in one file matching the segments.
    pub fn resolve_in_file(&self, file: usize, segments: &[String]) -> Vec<SymbolId> {
        (0..self.files[file].symbols.len())
            .map(|symbol| SymbolId { file, symbol })
            .filter(|id| {
                let qualified = &self.symbol(*id).qualified;
                qualified.len() >= segments.len() && qualified[qualified.len() - segments.len()..] == *segments
            })
            .collect()
    }

    /// True when the segments name a type, module or other container of
    /// this code base (so a missing member of it is really missing).
    pub fn owner_is_ours(&self, owner: &[String]) -> bool {
        !self.resolve(owner, None).is_empty() || self.is_module(owner)
    }

    /// True when every module the segments name is a JavaScript or
    /// TypeScript file, whose names are imported, never qualified.
    pub fn modules_are_files_only(&self, owner: &[String]) -> bool {
        let Some(last) = owner.last() else { return false };
        self.modules.get(last.as_str()).is_some_and(|files| {
            files.iter().all(|&f| matches!(self.files[f].language, Some("javascript" | "typescript")))
        })
    }

    /// True when the segments end a module path of ours (`net`, `pkg.net`).
    pub fn is_module(&self, owner: &[String]) -> bool {
        self.has_module_where(owner, |_| true)
    }

    /// Like [`CodeIndex::is_module`], counting only library code: a
    /// tutorial's `app.py` makes `app` a variable name, not our module.
    pub fn is_library_module(&self, owner: &[String]) -> bool {
        self.has_module_where(owner, |file| self.in_library(file))
    }

    /// True when a file whose index passes `keep` has a module path ending with `owner`.
    fn has_module_where(&self, owner: &[String], keep: impl Fn(usize) -> bool) -> bool {
        let Some(last) = owner.last() else { return false };
        self.modules.get(last.as_str()).is_some_and(|files| {
            files.iter().any(|&at| {
                let module = &self.files[at].module;
                keep(at) && module.len() >= owner.len() && module[module.len() - owner.len()..] == *owner
            })
        })
    }

    /// The symbols whose names share a word with `name`, or are `name` in
    /// another letter case: the only names whose [`Missing::similarity`]
    /// can reach [`SUGGEST_ANYWHERE`] (with no word in common it is at most
    /// half the Jaro-Winkler similarity, which is 1 only for equal names).
    /// Words are looked up by hash: a name that shares only a hash by chance
    /// is one more candidate, which that threshold then drops.
    fn sharing_a_word(&self, name: &str) -> Vec<SymbolId> {
        let by_word = self.by_word.get_or_init(|| NamesByWord::new(self.by_name.keys().copied()));
        let mut names = by_word.sharing_a_key(name);
        names.sort_unstable();
        names.dedup();
        names.iter().filter_map(|name| self.by_name.get(name)).flatten().copied().collect()
    }

    /// The existing symbol whose name is nearest to a missing reference,
    /// preferring members of the same owner, displayed qualified.
    pub fn suggest(&self, segments: &[String], callable: bool, within_file: Option<usize>) -> Option<String> {
        let name = segments.last()?;
        let owner = &segments[..segments.len() - 1];
        let owner_members: Vec<SymbolId> = if owner.is_empty() { Vec::new() } else { self.members_of(owner) };
        // The narrower the pool, the likelier a loose match is the rename.
        let (mut pool, threshold, library) = match within_file {
            Some(file) => {
                let pool: Vec<SymbolId> =
                    (0..self.files[file].symbols.len()).map(|symbol| SymbolId { file, symbol }).collect();
                let library = !self.in_tests(file) && !pool.is_empty();
                (pool, 0.45, library)
            }
            None if !owner_members.is_empty() => {
                let library = owner_members.iter().any(|id| !self.in_tests(id.file));
                (owner_members, 0.4, library)
            }
            // Every defined name could be the one, but only those that pass
            // the threshold matter: see `sharing_a_word`.
            None => (self.sharing_a_word(name), SUGGEST_ANYWHERE, self.library_defines),
        };
        if library {
            pool.retain(|id| !self.in_tests(id.file));
        }
        // An environment-variable-shaped name is only ever a constant.
        let screaming = name.chars().all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_');
        if screaming {
            pool.retain(|id| matches!(self.symbol(*id).kind, SymbolKind::Constant | SymbolKind::Variant));
        }
        let missing = Missing::new(name);
        let mut scores: HashMap<&str, f64> = HashMap::default();
        let best = pool
            .into_iter()
            .filter(|id| !callable || matches!(self.symbol(*id).kind, SymbolKind::Function | SymbolKind::Method))
            .map(|id| {
                let candidate = self.symbol(id).name.as_str();
                (*scores.entry(candidate).or_insert_with(|| missing.similarity(candidate)), id)
            })
            .filter(|(score, _)| *score >= threshold)
            .max_by(|(a, ida), (b, idb)| a.total_cmp(b).then_with(|| idb.cmp(ida)))?;
        Some(self.symbol(best.1).display.clone())
    }

    /// A defined name one small edit from `name`: a case change
    /// (`StopWatchApp`/`StopwatchApp`), a plural (`visitNodes`/`visitNode`,
    /// `idsMap`/`idMap`), or one letter added, dropped, changed or swapped
    /// in a name of five letters or more. Shown qualified; library code first.
    /// With `owner`, only members of a type or module of that name count.
    /// Test code counts only with `tests_count` (a doc kept with the tests):
    /// elsewhere a test's `Colour` says nothing about a doc's `Color`.
    pub fn near_miss(&self, name: &str, owner: Option<&str>, tests_count: bool) -> Option<NearName> {
        let lower = name.to_lowercase();
        let length = lower.chars().count();
        if length < 4 {
            return None;
        }
        let spelling = self.spelling.get_or_init(|| self.spelling_buckets());
        let first = lower.chars().next()?;
        let last = lower.chars().next_back()?;
        let mut near: Vec<&str> = [first, last]
            .iter()
            .flat_map(|letter| {
                (length.saturating_sub(2)..=length + 2).filter_map(move |len| spelling.get(&(*letter, len)))
            })
            .flatten()
            .filter(|(candidate, original)| *original != name && one_edit_apart(&lower, candidate))
            .filter(|(_, original)| near_spelling(name, original))
            // `Vanished` and a variable `vanished` are a type and its
            // instance; `ttl_seconds` and `TTLSeconds` one name in two styles.
            .filter(|(_, original)| {
                !same_but_first_letter_case(name, original) && !same_in_another_style(name, original)
            })
            // `COUNT` is a keyword or a constant, not a recased `count`.
            .filter(|(_, original)| screaming(name) == screaming(original))
            // `GitHub1`, `ClassB` beside `GitHub`, `Class`: an example's numbered
            // copies; `JuStFiLe`: a spelling shown on purpose.
            .filter(|(_, original)| {
                !numbered_copy(name, original) && !numbered_copy(original, name) && !is_sponge_case(name)
            })
            // `setStatus` and `GetStatus`: a setter is not a misspelt getter.
            .filter(|(_, original)| !other_accessor(name, original))
            // `pr_view` and `preview`: a separator is not a mistyped letter.
            .filter(|(_, original)| !separator_for_letter(name, original))
            .map(|(_, original)| *original)
            .collect();
        near.sort_unstable();
        near.dedup();
        let ids = near.iter().flat_map(|n| self.by_name.get(n).into_iter().flatten().copied());
        let member_of_owner = |id: &SymbolId| {
            let qualified = &self.symbol(*id).qualified;
            let parent =
                qualified.len().checked_sub(2).and_then(|i| qualified.get(i)).or(self.files[id.file].module.last());
            owner.is_none_or(|owner| parent.is_some_and(|p| p == owner))
        };
        let in_tests = |id: &SymbolId| self.in_tests(id.file);
        let best = ids
            .filter(member_of_owner)
            .filter(|id| tests_count || !in_tests(id))
            .min_by_key(|id| (in_tests(id), *id))?;
        let symbol = self.symbol(best);
        let (form, member) = (NearForm::of(name, &symbol.name), symbol.qualified.len() > 1);
        Some(NearName { symbol: symbol.display.clone(), form, member })
    }

    /// True when so few of this code base's definitions are written in
    /// `style` that a name in it is unlikely to be one of them: snake_case
    /// in Go or Java, camelCase in Python or Rust. Needs enough names to say.
    pub fn style_is_foreign(&self, style: NameStyle) -> bool {
        const ENOUGH_NAMES: usize = 40;
        const FOREIGN_SHARE: f64 = 0.01;
        let (counts, total) = self.styles.get_or_init(|| {
            let mut counts: HashMap<NameStyle, usize> = HashMap::default();
            let mut total = 0;
            for style in self.by_name.keys().filter_map(|name| NameStyle::of(name)) {
                *counts.entry(style).or_default() += 1;
                total += 1;
            }
            (counts, total)
        });
        let share = counts.get(&style).copied().unwrap_or(0) as f64 / (*total).max(1) as f64;
        *total >= ENOUGH_NAMES && share < FOREIGN_SHARE
    }

    fn spelling_buckets(&self) -> SpellingBuckets<'w> {
        let mut buckets: SpellingBuckets<'w> = HashMap::default();
        for name in self.by_name.keys() {
            let lower = match name.chars().any(|c| c.to_lowercase().ne(std::iter::once(c))) {
                true => Cow::Owned(name.to_lowercase()),
                false => Cow::Borrowed(*name),
            };
            let length = lower.chars().count();
            let (Some(first), Some(last)) = (lower.chars().next(), lower.chars().next_back()) else { continue };
            buckets.entry((first, length)).or_default().push((lower.clone(), name));
            if last != first {
                buckets.entry((last, length)).or_default().push((lower, name));
            }
        }
        buckets
    }

    fn members_of(&self, owner: &[String]) -> Vec<SymbolId> {
        let owners = self.resolve(owner, None);
        let mut members = Vec::new();
        for owner_id in owners {
            let owner_symbol = self.symbol(owner_id);
            let file = &self.files[owner_id.file];
            for (index, symbol) in file.symbols.iter().enumerate() {
                if symbol.qualified.len() == owner_symbol.qualified.len() + 1
                    && symbol.qualified.starts_with(&owner_symbol.qualified)
                {
                    members.push(SymbolId { file: owner_id.file, symbol: index });
                }
            }
        }
        members
    }
}

/// `put_in_reg`, `maxRetries`: a name no prose or other API is likely to
/// share by chance, unlike `Simple` or `close`.
fn is_distinctive(name: &str) -> bool {
    let words = name_words(name);
    name.len() >= 6 && words.len() >= 2
}

/// Extensions of source files of languages without a bundled grammar: their
/// identifiers are code, unlike those of a config, data or text file.
const PROGRAM_EXTENSIONS: &[&str] = &[
    "c", "h", "cc", "cpp", "cxx", "hpp", "hh", "hxx", "m", "mm", "cs", "fs", "kt", "kts", "scala", "swift", "rb",
    "php", "lua", "zig", "dart", "ex", "exs", "erl", "hs", "ml", "mli", "clj", "jl", "nim", "pl", "pm", "r", "sh",
    "bash", "zsh", "ps1", "groovy", "gradle", "proto", "thrift", "graphql", "gql", "sql", "isle", "wit", "capnp",
    "fbs", "idl",
];

fn is_program_text(path: &str) -> bool {
    let extension = path.rsplit_once('.').map_or("", |(_, extension)| extension);
    PROGRAM_EXTENSIONS.contains(&extension.to_ascii_lowercase().as_str())
}

/// Example and sample code, and code kept with the documentation: it uses
/// the library, and may use it as it was.
pub fn is_example_path(path: &str) -> bool {
    const DIRECTORIES: &[&str] =
        &["examples", "example", "samples", "sample", "demo", "demos", "docs", "doc", "documentation", "website"];
    path.split('/').rev().skip(1).any(|dir| DIRECTORIES.contains(&dir))
}

/// Code a tool writes (`.pb.go`, `_pb2.py`, `api.generated.ts`, anything
/// under a `generated/` or `prisma-generated/` folder): nobody edits it by
/// hand, so it is neither what docs describe nor a syntax error to fix.
pub fn is_generated_path(path: &str) -> bool {
    const MARKS: &[&str] = &[".pb.go", "_pb2.py", ".min.js", ".generated.", "_generated.", ".gen.go", ".bundle."];
    let folder = |dir: &str| dir.split(['-', '_', '.']).any(|piece| piece.eq_ignore_ascii_case("generated"));
    MARKS.iter().any(|mark| path.contains(mark)) || path.split('/').rev().skip(1).any(folder)
}

/// Test code, by the conventions of the file's language: a reference that
/// also matches library code means the library code. A Rust `src/spec/`
/// module is library code; a JavaScript `spec/` directory holds tests.
pub fn is_test_path(path: &str) -> bool {
    let (folders, file) = path.rsplit_once('/').unwrap_or(("", path));
    // Asked of every file a few times a run: the folders are read once, with
    // no allocation.
    let (mut everywhere, mut benches, mut script_tests) = (false, false, false);
    for folder in folders.split('/') {
        match folder {
            "test" | "tests" | "testdata" | "testing" | "__tests__" | "e2e" => everywhere = true,
            "benches" => benches = true,
            "spec" | "specs" | "__mocks__" | "cypress" => script_tests = true,
            _ => {}
        }
    }
    let stem = file.split('.').next().unwrap_or(file);
    let extension = file.rsplit_once('.').map_or("", |(_, ext)| ext);
    match extension {
        "rs" => everywhere || benches || stem == "tests",
        "go" => everywhere || stem.ends_with("_test"),
        "py" | "pyi" => everywhere || stem.starts_with("test_") || stem.ends_with("_test") || stem == "conftest",
        "java" | "kt" => everywhere || stem.ends_with("Test") || stem.ends_with("Tests") || stem.ends_with("IT"),
        _ => {
            everywhere
                || script_tests
                || file.contains(".test.")
                || file.contains(".spec.")
                || stem.starts_with("test_")
                || stem.ends_with("_test")
        }
    }
}

/// A defined name near a missing one, and how it differs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NearName {
    /// The defined name, qualified as the code writes it.
    pub symbol: String,
    pub form: NearForm,
    /// The name is a member of a type or an enum, not a top-level item.
    pub member: bool,
}

/// How a near name differs from the missing one. Prose puts names in the
/// plural as it puts words (`read_tokens` of a `read_token`), so a plural
/// says less than a misspelling or a change of case does.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum NearForm {
    /// The same letters in another case: `StopWatchApp` / `StopwatchApp`.
    Case,
    /// The whole name, or one of its words, in the plural or the singular:
    /// `visitNodes` / `visitNode`, `idsMap` / `idMap`, `variables_get` /
    /// `variable_get`.
    Plural,
    /// One letter added, dropped, changed or swapped.
    Spelling,
    /// Another letter case of a member of a type the reference does not
    /// name (`userName` / `MigrateParams.username`): APIs spell such words
    /// both ways, so it says no more than a plural.
    CaseOfMember,
}

impl NearForm {
    /// A form prose writes on purpose as often as by mistake: a plural, or
    /// another case of a member of a type the reference does not name.
    pub fn is_weak(self) -> bool {
        matches!(self, NearForm::Plural | NearForm::CaseOfMember)
    }

    /// In words, for `driftcheck links`.
    pub fn label(self) -> &'static str {
        match self {
            NearForm::Case => "another letter case",
            NearForm::Plural => "a plural",
            NearForm::Spelling => "one letter apart",
            NearForm::CaseOfMember => "another letter case of a member of another type",
        }
    }

    fn of(missing: &str, defined: &str) -> NearForm {
        if missing.to_lowercase() == defined.to_lowercase() {
            NearForm::Case
        } else if plural_of_other(&missing.to_lowercase(), &defined.to_lowercase())
            || word_plural_of_other(missing, defined)
        {
            NearForm::Plural
        } else {
            NearForm::Spelling
        }
    }
}

/// One name is the other in the plural.
fn plural_of_other(a: &str, b: &str) -> bool {
    singular(a).as_deref() == Some(b) || singular(b).as_deref() == Some(a)
}

/// One name is the other with one of its words in the plural: an `s` that
/// ends a word of the longer name (before `_`, `-` or a capital letter),
/// `idsMap` / `idMap`, `variables_get` / `variable_get`.
fn word_plural_of_other(a: &str, b: &str) -> bool {
    let (long, short) = if a.len() > b.len() { (a, b) } else { (b, a) };
    if long.len() != short.len() + 1 || !long.is_ascii() {
        return false;
    }
    let bytes = long.as_bytes();
    (1..bytes.len().saturating_sub(1)).any(|at| {
        let ends_word = matches!(bytes[at + 1], b'_' | b'-') || bytes[at + 1].is_ascii_uppercase();
        // `class_name` / `clas_name`, `status` / `statu`, `axis`: an `s` of
        // the word itself, dropped by a typo, not a plural's.
        let plural_ending = !matches!(bytes[at - 1].to_ascii_lowercase(), b's' | b'u' | b'i');
        bytes[at] == b's'
            && ends_word
            && plural_ending
            && format!("{}{}", &long[..at], &long[at + 1..]).eq_ignore_ascii_case(short)
    })
}

/// `entries` → `entry`, `nodes` → `node`: the singular an English plural
/// ending suggests, if any.
fn singular(word: &str) -> Option<String> {
    word.strip_suffix("ies").map(|w| format!("{w}y")).or_else(|| word.strip_suffix('s').map(str::to_string))
}

/// Whether two names are one small edit apart, letter case counting (see
/// [`CodeIndex::near_miss`]).
fn one_edit_apart(missing: &str, defined: &str) -> bool {
    if missing == defined {
        return true;
    }
    if plural_of_other(missing, defined) {
        return true;
    }
    missing.chars().count() >= 5 && crate::text::one_edit(missing, defined)
}

/// One small edit, as [`CodeIndex::near_miss`] counts it: the same name
/// in another letter case, or one edit in the same letter case (a case
/// change and another edit together are two edits: `DiffID`/`diffIDs`).
fn near_spelling(missing: &str, defined: &str) -> bool {
    missing.to_lowercase() == defined.to_lowercase() || one_edit_apart(missing, defined)
}

/// The capitalised names a type's header says it extends or implements:
/// after `extends` or `implements` (Java, TypeScript), in a Python class's
/// parentheses; not their type arguments (`V` of `Future<V>`) nor keyword
/// arguments (`table=True`).
fn supertypes(header: &str) -> impl Iterator<Item = &str> {
    let after_keyword = ["extends ", "implements "].iter().filter_map(|k| header.split_once(k)).map(|(_, rest)| rest);
    let python_bases = header
        .trim_start()
        .strip_prefix("class ")
        .and_then(|rest| rest.split_once('('))
        .map(|(_, bases)| bases.split(')').next().unwrap_or(""))
        .into_iter()
        // Not keyword arguments: `table=True`, `metaclass=Meta`.
        .flat_map(|bases| bases.split(',').filter(|base| !base.contains('=')));
    after_keyword
        .chain(python_bases)
        .flat_map(outside_type_arguments)
        .flat_map(crate::text::identifier_words)
        .filter(|word| word.starts_with(|c: char| c.is_ascii_uppercase()))
}

/// The parts of a header outside `<…>` and `[…]`: `Future<V>, Stage<V>`
/// gives `Future`, `, Stage`; not the type arguments (`OurBase<String>`).
fn outside_type_arguments(text: &str) -> Vec<&str> {
    let mut parts = Vec::new();
    let (mut depth, mut start) = (0usize, 0usize);
    for (at, c) in text.char_indices() {
        match c {
            '<' | '[' => {
                if depth == 0 {
                    parts.push(&text[start..at]);
                }
                depth += 1;
            }
            '>' | ']' => {
                depth = depth.saturating_sub(1);
                if depth == 0 {
                    start = at + 1;
                }
            }
            _ => {}
        }
    }
    if depth == 0 {
        parts.push(&text[start..]);
    }
    parts
}

/// `GitHub1` of `GitHub`, `ClassB` of `Class`, `Type2` of `Type1`,
/// `packageA` of `packages`: the same name with a digit or a capital letter
/// added at its end, or put in place of its last digit, capital or plural `s`.
fn numbered_copy(missing: &str, defined: &str) -> bool {
    let marker = |c: char| c.is_ascii_digit() || c.is_ascii_uppercase();
    let (Some(last), stem) = (missing.chars().next_back(), missing.get(..missing.len().saturating_sub(1))) else {
        return false;
    };
    let after_lower =
        stem.and_then(|s| s.chars().next_back()).is_some_and(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let swapped = defined.strip_suffix(|c: char| marker(c) || c == 's').is_some_and(|rest| Some(rest) == stem);
    marker(last) && after_lower && (stem == Some(defined) || swapped)
}

/// `setStatus` beside `getStatus`: the same property's other accessor.
fn other_accessor(missing: &str, defined: &str) -> bool {
    let (missing, defined) = (missing.to_ascii_lowercase(), defined.to_ascii_lowercase());
    let rest = |name: &str| ["get", "set"].iter().find_map(|p| name.strip_prefix(p)).map(str::to_string);
    matches!((rest(&missing), rest(&defined)), (Some(a), Some(b)) if a == b && missing != defined)
}

/// `pr_view` beside `preview`, `a_b` beside `ab_`: the same length, and a
/// word separator where the other name has a letter. Typing slips swap or
/// miss letters; they do not turn a letter into a word boundary.
fn separator_for_letter(missing: &str, defined: &str) -> bool {
    let separator = |c: char| c == '_' || c == '-';
    missing.chars().count() == defined.chars().count()
        && missing.chars().zip(defined.chars()).any(|(a, b)| a != b && (separator(a) || separator(b)))
}

/// `JuStFiLe`: letters whose case flips nearly every character, which no
/// naming style writes.
fn is_sponge_case(name: &str) -> bool {
    let letters: Vec<bool> = name.chars().filter(char::is_ascii_alphabetic).map(|c| c.is_ascii_uppercase()).collect();
    let flips = letters.windows(2).filter(|pair| pair[0] != pair[1]).count();
    letters.len() >= 6 && flips * 4 >= letters.len() * 3
}

/// All upper case: a constant or a keyword, never a recased function.
fn screaming(name: &str) -> bool {
    name.chars().any(|c| c.is_ascii_uppercase()) && !name.chars().any(|c| c.is_ascii_lowercase())
}

/// `ttl_seconds` and `TTLSeconds`, `projectId` and `projectID`: the same
/// words, written in two styles (unlike `StopWatchApp` and `StopwatchApp`).
fn same_in_another_style(a: &str, b: &str) -> bool {
    let plain = |name: &str| name.chars().filter(|c| *c != '_').flat_map(char::to_lowercase).collect::<String>();
    let snake_or_camel = a.contains('_') != b.contains('_') && plain(a) == plain(b);
    snake_or_camel || a != b && name_words(a) == name_words(b)
}

fn same_but_first_letter_case(a: &str, b: &str) -> bool {
    let (mut a, mut b) = (a.chars(), b.chars());
    let first = a.next().zip(b.next()).is_some_and(|(x, y)| x.to_lowercase().eq(y.to_lowercase()));
    first && a.eq(b)
}

/// `scope` is a directory (`src/net/`) or file prefix.
pub fn in_scope(path: &str, scope: &str) -> bool {
    let scope = scope.trim_end_matches('/');
    scope.is_empty() || path == scope || path.strip_prefix(scope).is_some_and(|rest| rest.starts_with('/'))
}

/// Defined names by the hash of each of their words and of their lower
/// case, built on the first suggestion. A sorted list of hashes, not a map
/// of strings: the index is built for a handful of suggestions, and a
/// string per word of 40,000 names cost more than all of them.
struct NamesByWord<'w> {
    names: Vec<&'w str>,
    /// (key, position of a name with it in `names`), sorted.
    keys: Vec<(u64, u32)>,
}

impl<'w> NamesByWord<'w> {
    /// Built on one thread: it is built inside `OnceLock::get_or_init`
    /// from a rayon job (`link_spec`), and a rayon join in there lets the
    /// waiting worker take another spec's job, which then waits on the same
    /// `OnceLock` forever.
    fn new(names: impl Iterator<Item = &'w str>) -> NamesByWord<'w> {
        let names: Vec<&str> = names.take(u32::MAX as usize).collect();
        let (mut keys, mut name_keys_of, mut lower) = (Vec::new(), Vec::new(), String::new());
        for (name, at) in names.iter().zip(0..u32::MAX) {
            name_keys(name, &mut name_keys_of, &mut lower);
            keys.extend(name_keys_of.iter().map(|key| (*key, at)));
        }
        keys.sort_unstable();
        NamesByWord { names, keys }
    }

    /// The names with a key of `name`'s; a name may come more than once.
    fn sharing_a_key(&self, name: &str) -> Vec<&'w str> {
        let mut keys = Vec::new();
        name_keys(name, &mut keys, &mut String::new());
        let with_key = |key: u64| {
            let start = self.keys.partition_point(|(k, _)| *k < key);
            self.keys[start..].iter().take_while(move |(k, _)| *k == key)
        };
        let positions = keys.into_iter().flat_map(with_key);
        positions.filter_map(|(_, at)| self.names.get(*at as usize).copied()).collect()
    }
}

/// The hashes of a name's words ([`each_name_word`]) and of its lower case,
/// each once, in `keys`; `lower` is room to write the lower case in.
fn name_keys(name: &str, keys: &mut Vec<u64>, lower: &mut String) {
    use std::hash::BuildHasher;
    let hash = |text: &str| rustc_hash::FxBuildHasher.hash_one(text);
    keys.clear();
    each_name_word(name, |word| keys.push(hash(word)));
    lower.clear();
    match name.is_ascii() {
        true => lower.extend(name.bytes().map(|byte| char::from(byte.to_ascii_lowercase()))),
        false => lower.push_str(&name.to_lowercase()),
    }
    keys.push(hash(lower));
    keys.sort_unstable();
    keys.dedup();
}

/// A missing name, prepared once for comparing with many candidates.
/// The similarity a suggestion drawn from every defined name must reach.
const SUGGEST_ANYWHERE: f64 = 0.5;

struct Missing {
    name: String,
    lower: String,
    words: Vec<String>,
}

impl Missing {
    fn new(name: &str) -> Missing {
        Missing { name: name.to_string(), lower: name.to_lowercase(), words: name_words(name) }
    }

    /// How alike the names are, 0..1: half the share of words they have in
    /// common (`parse_config` / `load_config` share `config`), half
    /// Jaro-Winkler on the whole name, plus a bonus when the candidate keeps
    /// every word of the missing name (`retry` → `retry_with_backoff`).
    fn similarity(&self, candidate: &str) -> f64 {
        if self.name == candidate {
            return 0.0;
        }
        let b = name_words(candidate);
        let a = &self.words;
        let shared = a.iter().filter(|w| b.contains(w)).count();
        let union = a.len() + b.len() - shared;
        let jaccard = if union == 0 { 0.0 } else { shared as f64 / union as f64 };
        let shape = strsim::jaro_winkler(&self.lower, &candidate.to_lowercase());
        let extends = shared == a.len() && !a.is_empty();
        0.5 * jaccard + 0.5 * shape + if extends { 0.15 } else { 0.0 }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::code::index_file;

    fn strings(parts: &[&str]) -> Vec<String> {
        parts.iter().map(|s| s.to_string()).collect()
    }

    #[test]
    fn generated_code_is_told_by_its_name_or_folder() {
        for path in
            ["api/v1/service.pb.go", "src/prisma-generated/types.ts", "Generated/Model.java", "src/api.generated.ts"]
        {
            assert!(is_generated_path(path), "{path}");
        }
        for path in ["src/degenerated/cases.rs", "src/generator.rs", "docs/generated.md"] {
            assert!(!is_generated_path(path), "{path}");
        }
    }

    #[test]
    fn names_sharing_a_word_or_the_lower_case_are_the_candidates() {
        let files = vec![index_file(
            "src/app.rs",
            "pub struct StopWatchApp; pub fn load_config() {} pub fn unrelated() {} pub fn Ünïcode() {}".into(),
        )];
        let index = CodeIndex::new(&files);
        let names = |name: &str| -> Vec<&str> {
            index.sharing_a_word(name).into_iter().map(|id| index.symbol(id).name.as_str()).collect()
        };
        assert_eq!(names("stopwatchapp"), ["StopWatchApp"], "the same name in lower case");
        assert_eq!(names("StopwatchWindow"), Vec::<&str>::new(), "`stopwatch` is not `stop` or `watch`");
        assert_eq!(names("parse_config"), ["load_config"]);
        assert_eq!(names("watchApp"), ["StopWatchApp"]);
        assert_eq!(names("ÜNÏCODE"), ["Ünïcode"]);
    }

    #[test]
    fn resolves_by_qualified_suffix_and_suggests() {
        let files = vec![
            index_file(
                "src/net/mod.rs",
                "pub struct Client; impl Client { pub fn retry_with_backoff(&self) {} pub fn send(&self) {} }".into(),
            ),
            index_file("src/config.rs", "pub fn load_config() {} pub const MAX_RETRIES: u32 = 3;".into()),
        ];
        let index = CodeIndex::new(&files);
        assert_eq!(index.resolve(&strings(&["Client", "send"]), None).len(), 1);
        assert_eq!(index.resolve(&strings(&["net", "Client", "send"]), None).len(), 1);
        assert_eq!(index.resolve(&strings(&["mycrate", "net", "Client", "send"]), None).len(), 1);
        assert_eq!(index.resolve(&strings(&["config", "MAX_RETRIES"]), None).len(), 1);
        assert!(index.resolve(&strings(&["Client", "retry"]), None).is_empty());
        assert!(index.resolve(&strings(&["Client", "send"]), Some("src/config.rs")).is_empty());
        assert_eq!(
            index.suggest(&strings(&["Client", "retry"]), true, None).as_deref(),
            Some("Client::retry_with_backoff")
        );
        assert_eq!(index.suggest(&strings(&["parse_config"]), true, None).as_deref(), Some("load_config"));
        assert!(index.owner_is_ours(&strings(&["Client"])));
        assert_eq!(crate::text::name_words("NewInventoryServer"), ["new", "inventory", "server"]);
        assert_eq!(crate::text::name_words("JSONParser"), ["json", "parser"]);
        assert_eq!(crate::text::name_words("MAX_RETRIES"), ["max", "retries"]);
        assert!(index.owner_is_ours(&strings(&["net"])));
        assert!(!index.owner_is_ours(&strings(&["json"])));
    }

    #[test]
    fn test_code_follows_each_language_convention() {
        for (path, test) in [
            ("src/spec/parse.rs", false),
            ("tests/cli.rs", true),
            ("src/net_test.go", true),
            ("src/spec/net.go", false),
            ("pkg/test_net.py", true),
            ("pkg/conftest.py", true),
            ("src/test/java/a/NetTest.java", true),
            ("src/main/java/a/Net.java", false),
            ("spec/net.spec.ts", true),
            ("lib/spec/helpers.js", true),
            ("lib/net.js", false),
        ] {
            assert_eq!(is_test_path(path), test, "{path}");
        }
    }

    #[test]
    fn supertypes_of_type_headers() {
        fn names(header: &str) -> Vec<&str> {
            super::supertypes(header).collect()
        }
        assert_eq!(
            names("public interface RFuture<V> extends java.util.concurrent.Future<V>, CompletionStage<V> "),
            ["Future", "CompletionStage"]
        );
        assert_eq!(names("class Settings(BaseSettings, Generic[T]):"), ["BaseSettings", "Generic"]);
        assert_eq!(names("class Store extends OurBase<String> "), ["OurBase"]);
        assert_eq!(names("class Hero(SQLModel, table=True):"), ["SQLModel"]);
        assert!(names("pub struct Client").is_empty());
        assert!(names("export class Queue<T> ").is_empty());
    }

    #[test]
    fn numbered_copies_and_sponge_case_are_not_near_misses() {
        assert!(numbered_copy("GitHub1", "GitHub"));
        assert!(numbered_copy("ClassB", "Class"));
        assert!(numbered_copy("Type2", "Type1"));
        assert!(numbered_copy("packageA", "packages"));
        assert!(!numbered_copy("idsMap", "idMap"));
        assert!(!numbered_copy("visitNodes", "visitNode"));
        assert!(!numbered_copy("HTTP", "HTT"));
        assert!(is_sponge_case("JuStFiLe"));
        assert!(!is_sponge_case("StopWatchApp"));
        assert!(!is_sponge_case("JSONParser"));
        assert!(!is_sponge_case("getXAxis"));
    }

    #[test]
    fn example_code_is_where_docs_keep_it() {
        for (path, example) in [
            ("examples/basic/main.rs", true),
            ("docs/tutorial/app.py", true),
            ("src/doc_comments/mod.rs", false),
            ("src/docs.rs", false),
            ("lib/app.py", false),
        ] {
            assert_eq!(is_example_path(path), example, "{path}");
        }
        let files = vec![
            index_file("docs/tutorial/app.py", "app = 1\n".into()),
            index_file("pkg/net.py", "def send(): pass\n".into()),
        ];
        let index = CodeIndex::new(&files);
        assert!(index.is_module(&strings(&["app"])));
        assert!(!index.is_library_module(&strings(&["app"])), "a tutorial's module is not ours to qualify with");
        assert!(index.is_library_module(&strings(&["net"])));
    }

    #[test]
    fn near_misses_are_one_small_edit_away() {
        let files = vec![index_file(
            "src/app.ts",
            "export class StopwatchApp {}\nexport function visitNode() {}\nexport const idMap = 1;\nexport function entry() {}\nexport function getEntry() {}\nexport const projectID = 1;\nexport function load() {}\nexport function preview() {}\n".into(),
        )];
        let index = CodeIndex::new(&files);
        for (missing, expected) in [
            ("StopWatchApp", Some("StopwatchApp")),
            ("visitNodes", Some("visitNode")),
            ("idsMap", Some("idMap")),
            ("entries", Some("entry")),
            ("visitNoed", Some("visitNode")),
            ("lode", None),
            ("visitAll", None),
            ("StopwatchApp", None),
            ("Load", None),
            ("visit_node", None),
            ("Entries", None),
            ("ENTRY", None),
            ("VISITNODE", None),
            ("StopwatchApp2", None),
            ("setEntry", None),
            ("projectId", None),
            ("IdMap", None),
            ("StOpWaTcHaPp", None),
            ("pr_view", None),
            ("previwe", Some("preview")),
        ] {
            assert_eq!(index.near_miss(missing, None, false).map(|n| n.symbol).as_deref(), expected, "{missing}");
        }
    }

    #[test]
    fn a_plural_of_one_word_is_a_plural() {
        for (missing, defined, form) in [
            ("visitNodes", "visitNode", NearForm::Plural),
            ("idsMap", "idMap", NearForm::Plural),
            ("variable_get", "variables_get", NearForm::Plural),
            ("ResultsExt", "ResultExt", NearForm::Plural),
            ("visitNoed", "visitNode", NearForm::Spelling),
            ("mysqlMap", "myqlMap", NearForm::Spelling),
            ("clas_name", "class_name", NearForm::Spelling),
            ("statuCode", "statusCode", NearForm::Spelling),
            ("axiMap", "axisMap", NearForm::Spelling),
            ("StopWatchApp", "StopwatchApp", NearForm::Case),
        ] {
            assert_eq!(NearForm::of(missing, defined), form, "{missing} / {defined}");
        }
    }
}
