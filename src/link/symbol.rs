//! Resolving code spans: suffix matching, the evidence an unresolved name
//! carries, and names that moved.

use super::{Clue, Evidence, Problem, Resolution, Target};
use crate::code::SymbolKind;
use crate::index::{CodeIndex, NearForm};
use crate::lock::Lock;
use crate::spec::{Clause, Reference, ReferenceKind};

/// An explicit anchor that no longer resolves, whose accepted code (same
/// name, same body hash) now lives elsewhere: the code moved, it did not
/// change, so the link follows it.
pub(super) fn follow_moved(
    reference: &Reference,
    clause: &Clause,
    index: &CodeIndex,
    lock: Option<&Lock>,
) -> Option<Resolution> {
    let ReferenceKind::Anchor(anchor) = &reference.kind else { return None };
    let symbol = anchor.symbol.as_ref()?;
    let name = symbol.last()?;
    // Any path: once the moved code was accepted, the lock records its new
    // file while the anchor in the spec still names the old one.
    let lock = lock?;
    let id = clause.id().to_string();
    let accepted: Vec<&str> = lock
        .of_clause(&id)
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

/// A code span: the symbols it names, or, when it names none, the
/// evidence that it was this repository's (whether it is drift is for the
/// gates and the confidence to say).
pub(super) fn resolve_symbol(
    reference: &Reference,
    segments: &[String],
    clause: &Clause,
    index: &CodeIndex,
    evidence: &Evidence,
) -> Resolution {
    // An example's import from another package (`from requests import
    // get`) is that package's business.
    if let Some(package) = reference.example_package().filter(|p| !evidence.manifests.is_own(p)) {
        let reason = format!("an example's import from `{package}`, which is not this repository's package");
        return Resolution::Elsewhere { gate: "foreign-import", reason };
    }
    let called = reference.text.trim_end().ends_with(')');
    // `mycrate::Client`, `mypkg.load`: our own package qualifies nothing
    // the index does not know.
    let own_root = segments.len() > 1 && evidence.manifests.is_own(&segments[0]);
    let unqualified = if own_root { &segments[1..] } else { segments };
    let scope = clause.scope();
    for names in [segments, unqualified] {
        if let Some(resolution) = resolve_in(names, scope, called, index) {
            return resolution;
        }
    }
    // Not a name history saw removed: `SpanRecord` renamed `SpanRecords`
    // is drift, not a count noun.
    let removed = segments.iter().any(|s| evidence.removed.names.contains_key(s));
    if !called && !removed {
        if let Some(resolution) = type_as_count_noun(segments, scope, index) {
            return resolution;
        }
    }
    let rust_path = reference.text.contains("::");
    let clues = support(segments, (called, rust_path), clause.path(), scope, index, evidence);
    // The suggestion is looked for once the gates kept the reference
    // (`suggest_for`): most unresolved spans never need one.
    Resolution::Broken(Problem::MissingSymbol { suggestion: None, file: None }, clues)
}

/// `SpanTraces` for several of our `SpanTrace`s, `SpecOpt` for one of our
/// `SpecOpts`: a type's name used as a count noun in prose names the type.
fn type_as_count_noun(segments: &[String], scope: Option<&str>, index: &CodeIndex) -> Option<Resolution> {
    let [name] = segments else { return None };
    if !name.starts_with(|c: char| c.is_ascii_uppercase()) {
        return None;
    }
    let forms = [name.strip_suffix('s').map(str::to_string), Some(format!("{name}s"))];
    forms.into_iter().flatten().filter(|form| form.len() > 2).find_map(|form| {
        let types = index.owner_types(&[form], scope);
        let chosen = index.prefer(types, false).filter(|chosen| !chosen.is_empty())?;
        Some(Resolution::Linked(chosen.into_iter().map(Target::Symbol).collect()))
    })
}

/// The nearest existing name for a kept unresolved code span: the
/// closest symbol (`CodeIndex::suggest`), or else the near miss the
/// evidence found.
pub(super) fn suggest_for(
    reference: &Reference,
    segments: &[String],
    clues: &[Clue],
    index: &CodeIndex,
) -> Option<String> {
    let called = reference.text.trim_end().ends_with(')');
    let near = clues.iter().find_map(|clue| match clue {
        Clue::NearMiss { symbol, .. } => Some(symbol.clone()),
        _ => None,
    });
    index.suggest(segments, called, None).or(near)
}

/// Symbols, modules or instance members the segments name under a scope.
fn resolve_in(segments: &[String], scope: Option<&str>, called: bool, index: &CodeIndex) -> Option<Resolution> {
    let found = index.resolve(segments, scope);
    if !found.is_empty() {
        return Some(match index.prefer(found, called) {
            Some(chosen) => Resolution::Linked(chosen.into_iter().map(Target::Symbol).collect()),
            None => Resolution::Elsewhere {
                gate: "ambiguous",
                reason: format!(
                    "more than {} symbols have this name: too common to mean one",
                    crate::index::MAX_TARGETS
                ),
            },
        });
    }
    let modules = index.resolve_module(segments, scope);
    if !modules.is_empty() {
        return Some(Resolution::Linked(modules.into_iter().map(|path| Target::File { path, lines: None }).collect()));
    }
    let (name, owner) = segments.split_last()?;
    instance_members(owner, name, scope, index).map(Resolution::Linked)
}

/// Evidence that an unresolved name is this repository's: deleted from
/// its code, one edit from a name it defines, or qualified with its own
/// type, module or package.
fn support(
    segments: &[String],
    (called, rust_path): (bool, bool),
    doc: &str,
    scope: Option<&str>,
    index: &CodeIndex,
    evidence: &Evidence,
) -> Vec<Clue> {
    let mut clues = Vec::new();
    let Some((name, owner)) = segments.split_last() else { return clues };
    // `logfire::config::X` in a Python repository's docs is the Rust crate
    // of the same name, another project's: a `::` path is a crate's, and
    // only Rust code makes a crate of ours.
    let crate_of_ours = !rust_path || evidence.languages.contains(&"rust");
    let own_package = owner.first().filter(|first| crate_of_ours && evidence.manifests.is_own(first));
    // A lower-case name that only matches a JavaScript module's file name
    // (`request` for `lib/request.js`) is a variable in an example: nobody
    // qualifies a JavaScript name with its file.
    let module_of_ours = |path: &[String]| {
        let variable_like = matches!(path, [one] if one.starts_with(char::is_lowercase));
        index.is_library_module(path) && !(variable_like && index.modules_are_files_only(path))
    };
    // A type only tests define (`class D` in a test's input) is not what
    // a doc outside the tests qualifies a name with.
    let doc_in_tests = crate::index::is_test_path(doc);
    let library_type =
        |id: &crate::index::SymbolId| doc_in_tests || !crate::index::is_test_path(&index.symbol(*id).path);
    let ours = |path: &[String]| index.owner_types(path, scope).iter().any(library_type) || module_of_ours(path);
    // `u8::from_str`, `java.lang.Error`: a built-in type or the standard
    // library's root, unless this code has a module or type of that name.
    let standard_root = |first: &String| {
        super::gates::language::is_standard_root(first, &evidence.languages)
            && !index.is_library_module(std::slice::from_ref(first))
    };
    // `Matcher#hitEnd` where `Matcher` is also a type of ours that lacks
    // the member: the standard one is meant, unless what our type had or
    // has speaks for it.
    if let [qualifier] = owner {
        if standard_root(qualifier) && ours(owner) {
            let clues = shadowed_member(name, owner, scope, doc_in_tests, index, evidence);
            return clues.into_iter().flatten().collect();
        }
    }
    let standard =
        |first: &String| standard_root(first) && index.owner_types(std::slice::from_ref(first), scope).is_empty();
    let primitive = owner
        .first()
        .is_some_and(|first| super::gates::language::is_primitive(first, &evidence.languages) || standard(first));
    let own_owner = !owner.is_empty() && !primitive && ours(owner);
    // What happened to a member name says something only when the owner is
    // ours (`Chart.controllers.radar` where `Chart` is our type), or a call
    // on a variable (`em.persistLater()`): `spec.loadBalancerIP` is not
    // about a `loadBalancerIP` we deleted.
    let called_on_variable = matches!(owner, [variable] if variable.starts_with(char::is_lowercase)) && called;
    let member_is_ours = owner.is_empty()
        || own_owner
        || own_package.is_some()
        || (!primitive && (ours(&owner[..1]) || called_on_variable));
    // A name still defined elsewhere (`resolve` of another type) was not
    // removed; its deletion somewhere says nothing about this reference.
    // A plain lower-case owner (`reply.sendFile`, `torch.nn`) is a variable
    // or another package far more often than a name we deleted.
    let plain = |word: &str| word.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit());
    let removed_owner = owner.first().filter(|first| !primitive && (!plain(first) || ours(&owner[..1])));
    let removed = [removed_owner, Some(name).filter(|_| member_is_ours)].into_iter().flatten();
    let removed = removed.filter(|n| !index.defines(n));
    // An example's own names (`onMouseEnter: () => …` in `examples/react/…`)
    // speak only for the docs beside that example, and for the top-level
    // README that walks through the examples.
    // Other documents at the top (`CONTRIBUTING.md`, an agent's notes) are
    // about the repository, not a walk through its examples.
    let (doc_folder, doc_file) = doc.rsplit_once('/').unwrap_or(("", doc));
    let top_readme = doc_folder.is_empty() && doc_file.to_ascii_lowercase().starts_with("readme");
    let speaks_here = |removal: &crate::history::Removal| {
        !crate::index::is_example_path(&removal.path)
            || top_readme
            || !doc_folder.is_empty() && crate::index::in_scope(&removal.path, doc_folder)
    };
    // `tls.secretName` where `tls` is ours: a `secretName` deleted from
    // another type's file says nothing about a member of `tls`.
    let strict_member = own_owner && own_package.is_none();
    let of_owner = |removal: &crate::history::Removal| removal_of_owner(owner, scope, &removal.path, index);
    let speaks_for = |n: &String, removal: &crate::history::Removal| {
        speaks_here(removal) && (n != name || !strict_member || of_owner(removal))
    };
    let mut removals =
        removed.filter_map(|n| evidence.removed.names.get(n).filter(|r| speaks_for(n, r)).map(|r| (n, r)));
    if let Some((gone, removal)) = removals.next() {
        clues.push(match (&removal.commit, evidence.unmentioned.contains(gone)) {
            (Some(commit), true) => Clue::RemovedUnmentioned { name: gone.clone(), commit: commit.to_string() },
            _ => Clue::removed_symbol(gone, &removal, evidence.removed, evidence.present),
        });
    } else if let Some((module, removal)) =
        owner.first().filter(|_| !primitive).and_then(|first| evidence.removed_modules.get(first).map(|r| (first, r)))
    {
        // `engine.Config` after the `engine` package was deleted.
        // A qualifier that code (in a language, not a Makefile's list)
        // still says is a variable or another module.
        let unused = !index.has_token_in_source_code(module);
        if unused && !index.defines(module) && !index.is_module(std::slice::from_ref(module)) {
            clues.push(Clue::removed_symbol(module, removal, evidence.removed, evidence.present));
        }
    }
    if member_is_ours && !index.defines(name) {
        let near_owner = owner.last().filter(|_| own_owner).map(String::as_str);
        // Test code is what a doc kept with the tests describes.
        if let Some(near) = index.near_miss(name, near_owner, doc_in_tests) {
            let unqualified_member = owner.is_empty() && near.member && near.form == NearForm::Case;
            let form = if unqualified_member { NearForm::CaseOfMember } else { near.form };
            clues.push(Clue::NearMiss { symbol: near.symbol, form });
        }
    }
    // `RFuture.cancel()` where our `RFuture` extends the standard `Future`:
    // the method may be inherited, so the qualifier says nothing.
    let inherited = || {
        let types = index.owner_types(owner, scope);
        called && !types.is_empty() && types.iter().all(|id| index.inherits_from_elsewhere(*id))
    };
    if let Some(first) = own_package {
        clues.push(Clue::OwnImport { package: first.clone() });
    } else if own_owner && !inherited() {
        clues.push(Clue::OwnQualifier { qualifier: owner.join(".") });
    }
    clues
}

/// Whether a member deleted from `path` may have been `owner`'s: the file
/// defines the owner type or, in Go, where a package's methods may be in
/// any of its files, lies in the same folder (`handlers.go` beside
/// `server.go`); the file is named after the owner or lies in a folder of
/// its name (`pkg/tls/config.go` for `tls`); or the file is gone, so the
/// owner may have lived there.
fn removal_of_owner(owner: &[String], scope: Option<&str>, path: &str, index: &CodeIndex) -> bool {
    let Some(last) = owner.last() else { return true };
    let folder = |file: &str| file.rsplit_once('/').map_or("", |(folder, _)| folder).to_string();
    let same_place = |file: &str| file == path || path.ends_with(".go") && folder(file) == folder(path);
    let defines_owner = || index.owner_types(owner, scope).iter().any(|id| same_place(&index.symbol(*id).path));
    // A type is named by its file (`client.py` for `Client`); a folder of
    // the same letters is a package (`feign/` holds more than `Feign`), and
    // names only a lower-case module or package owner (`pkg/tls/`).
    let file_stem = path.rsplit('/').next().and_then(|file| file.split('.').next()).unwrap_or(path);
    let package_owner = last.starts_with(|c: char| c.is_lowercase());
    let named_after = || {
        file_stem.eq_ignore_ascii_case(last)
            || package_owner && path.split('/').any(|part| part.split('.').next().unwrap_or(part) == last.as_str())
    };
    index.file_index(path).is_none() || named_after() || defines_owner()
}

/// `Queue.drainAll()` where `Queue` is both the standard library's and one
/// of ours: it is ours when history deleted the member from the file that
/// defines our type, or when the member is one edit from one of our type's
/// (`Queue.pushh`); then with the qualifier as evidence too. Otherwise
/// nothing speaks for it (`Matcher#hitEnd`).
fn shadowed_member(
    name: &str,
    owner: &[String],
    scope: Option<&str>,
    doc_in_tests: bool,
    index: &CodeIndex,
    evidence: &Evidence,
) -> Option<[Clue; 2]> {
    let qualifier = Clue::OwnQualifier { qualifier: owner.join(".") };
    let files: Vec<&str> = index.owner_types(owner, scope).into_iter().map(|id| &*index.symbol(id).path).collect();
    let removal = evidence.removed.names.get(name).filter(|r| !index.defines(name) && files.contains(&&*r.path));
    if let Some(removal) = removal {
        return Some([Clue::removed_symbol(name, &removal, evidence.removed, evidence.present), qualifier]);
    }
    let near =
        index.near_miss(name, owner.last().map(String::as_str), doc_in_tests).filter(|_| !index.defines(name))?;
    Some([Clue::NearMiss { symbol: near.symbol, form: near.form }, qualifier])
}

/// `client.retry(3)`: a lower-case owner whose member is not found is a
/// variable. Link the members of that name whose type the variable is named
/// after (`client` → `Client`, `queue` → `JobQueue`), never `json.dumps` to
/// some unrelated `dumps` method.
fn instance_members(owner: &[String], name: &str, scope: Option<&str>, index: &CodeIndex) -> Option<Vec<Target>> {
    let [variable] = owner else { return None };
    // Even when a module or a private type has the variable's name
    // (`response.go`, `type response struct`): the member was not found there.
    if !variable.chars().next().is_some_and(char::is_lowercase) {
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
    let problem =
        Problem::MissingSymbol { suggestion: index.suggest(segments, false, Some(file)), file: Some(path.to_string()) };
    Resolution::Broken(problem, Vec::new())
}
