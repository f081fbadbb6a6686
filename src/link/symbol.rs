//! Resolving code spans: suffix matching, the precision rules that decide
//! whether an unresolved name is drift, and names that moved.

use super::{external, Evidence, Problem, Resolution, Target};
use crate::code::SymbolKind;
use crate::index::CodeIndex;
use crate::lock::Lock;
use crate::spec::{Clause, Reference, ReferenceKind, SpecFile};

/// An explicit anchor that no longer resolves, whose accepted code (same
/// name, same body hash) now lives elsewhere: the code moved, it did not
/// change, so the link follows it.
pub(super) fn follow_moved(
    reference: &Reference,
    clause: &Clause,
    index: &CodeIndex,
    lock: Option<&Lock>,
) -> Option<Resolution> {
    let ReferenceKind::Anchor { symbol: Some(symbol), .. } = &reference.kind else { return None };
    let name = symbol.last()?;
    // Any path: once the moved code was accepted, the lock records its new
    // file while the anchor in the spec still names the old one.
    let accepted: Vec<&str> = lock?
        .of_clause(&clause.id)
        .filter(|entry| entry.anchor.split_once("::").is_some_and(|(_, s)| s.ends_with(name.as_str())))
        .map(|entry| entry.code_hash.as_str())
        .collect();
    let moved: Vec<Target> = index
        .resolve(std::slice::from_ref(name), None)
        .into_iter()
        .filter(|id| accepted.contains(&index.symbol(*id).body_hash.as_str()))
        .map(Target::Symbol)
        .collect();
    (!moved.is_empty()).then_some(Resolution::Linked(moved))
}

/// A code span. Precision first: only a name that is clearly about this
/// code base and clearly gone is reported. A name still used as a token
/// somewhere is a use of something (std, a dependency, an env var); a lone
/// name is only reported as a near miss of one of ours (or a snake_case call,
/// `parse_config()`, which nothing else could be); a member only when its
/// owner is our own type or module.
pub(super) fn resolve_symbol(
    reference: &Reference,
    segments: &[String],
    clause: &Clause,
    spec: &SpecFile,
    index: &CodeIndex,
    evidence: &Evidence,
) -> Resolution {
    let scope = clause.scope.as_deref();
    let called = reference.text.trim_end().ends_with(')');
    let found = index.resolve(segments, scope);
    if !found.is_empty() {
        return match index.prefer(found, called) {
            Some(chosen) => Resolution::Linked(chosen.into_iter().map(Target::Symbol).collect()),
            None => Resolution::Elsewhere,
        };
    }
    let modules = index.resolve_module(segments, scope);
    if !modules.is_empty() {
        return Resolution::Linked(modules.into_iter().map(|path| Target::File { path, lines: None }).collect());
    }
    let Some(name) = segments.last() else { return Resolution::Elsewhere };
    let owner = &segments[..segments.len() - 1];
    if let Some(members) = instance_members(owner, name, scope, index) {
        return Resolution::Linked(members);
    }
    // A name a recent commit stopped defining was ours, whatever its shape.
    let removed = [owner.first(), Some(name)].into_iter().flatten().any(|n| evidence.removed.contains(n));
    let from_example = segments.first().is_some_and(|first| spec.example_names.contains(first));
    let named_thing = names_something_else(&spec.source, reference.bytes.end);
    let illustration = segments.iter().any(|s| external::is_placeholder(s));
    let well_known = external::is_well_known(name, &evidence.languages);
    if !removed && (reference.soft || from_example || illustration || well_known || named_thing) {
        return Resolution::Elsewhere;
    }
    let missing = if owner.is_empty() {
        lone_name_missing(name, called, clause, index)
    } else {
        member_missing(owner, name, scope, index) || removed
    };
    if !missing {
        return Resolution::Elsewhere;
    }
    let suggestion = index.suggest(segments, called, None);
    if owner.is_empty() && suggestion.is_none() && !is_snake_call(name, called) && !removed {
        return Resolution::Elsewhere;
    }
    Resolution::Broken(Problem::MissingSymbol { suggestion, file: None })
}

fn lone_name_missing(name: &str, called: bool, clause: &Clause, index: &CodeIndex) -> bool {
    let environment = external::is_screaming(name) && external::is_environment_clause(&clause.text);
    !index.has_token(name) && !environment && (called || !index.has_token_ignoring_case(name))
}

/// "the `init_catalog` command", "the `custom_theme` directory": the word
/// after a span says what it names, and it is not a symbol.
fn names_something_else(source: &str, after: usize) -> bool {
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
        "column",
        "database",
        "repository",
        "branch",
        "image",
        "container",
    ];
    let rest = source.get(after..).unwrap_or("");
    let next = rest.trim_start_matches([' ', '\n']).split(|c: char| !c.is_alphanumeric()).next().unwrap_or("");
    NOUNS.contains(&next.to_lowercase().as_str())
}

/// `parse_config()`: a call of a snake_case name can only be code.
fn is_snake_call(name: &str, called: bool) -> bool {
    called && name.contains('_') && !name.chars().any(char::is_uppercase)
}

fn member_missing(owner: &[String], name: &str, scope: Option<&str>, index: &CodeIndex) -> bool {
    let types = index.owner_types(owner, scope);
    if !types.is_empty() {
        return !index.member_may_exist(&types, name);
    }
    (index.is_module(owner) || !index.resolve(owner, None).is_empty()) && !index.has_token(name)
}

/// `client.retry(3)`: a lower-case owner that names nothing of ours is a
/// variable. Link the members of that name whose type the variable is named
/// after (`client` → `Client`, `queue` → `JobQueue`), never `json.dumps` to
/// some unrelated `dumps` method.
fn instance_members(owner: &[String], name: &str, scope: Option<&str>, index: &CodeIndex) -> Option<Vec<Target>> {
    let [variable] = owner else { return None };
    let lower = variable.chars().next().is_some_and(char::is_lowercase);
    if !lower || !index.resolve(owner, scope).is_empty() {
        return None;
    }
    let members: Vec<Target> = index
        .resolve(&[name.to_string()], scope)
        .into_iter()
        .filter(|id| matches!(index.symbol(*id).kind, SymbolKind::Method | SymbolKind::Field))
        .filter(|id| {
            let qualified = &index.symbol(*id).qualified;
            let owner_type = qualified.len().checked_sub(2).and_then(|i| qualified.get(i));
            owner_type.is_some_and(|t| t.to_lowercase().ends_with(&variable.to_lowercase()))
        })
        .map(Target::Symbol)
        .collect();
    (!members.is_empty()).then_some(members)
}

pub(super) fn symbol_in_file(
    file: usize,
    path: &str,
    segments: &[String],
    index: &CodeIndex,
    guard: bool,
) -> Resolution {
    let found = index.resolve_in_file(file, segments);
    if !found.is_empty() {
        return Resolution::Linked(found.into_iter().map(Target::Symbol).collect());
    }
    let still_used = segments.last().is_some_and(|name| index.files()[file].tokens.contains(name));
    if guard && still_used {
        return Resolution::Linked(vec![Target::File { path: path.to_string(), lines: None }]);
    }
    Resolution::Broken(Problem::MissingSymbol {
        suggestion: index.suggest(segments, false, Some(file)),
        file: Some(path.to_string()),
    })
}
