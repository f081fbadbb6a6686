//! History in specs: changelog and migration sections, and the old name a
//! phrase such as "was renamed" or "formerly" points at. Old names there are
//! written on purpose; they are not drift.

use super::{Reference, ReferenceKind};
use std::sync::Arc;

/// Phrases after which the old name follows: "formerly `X`".
const OLD_NAME_FOLLOWS: &[&str] = &[
    "formerly",
    "previously called",
    "previously named",
    "was called",
    "were called",
    "used to be called",
    "earlier versions",
    "older versions",
    "in older releases",
    "prior to version",
    "before version",
    // "If you're on Mocha 11 or older, use `mocha.util.inherits`."
    "or older",
    "or earlier",
    "and older",
    "and earlier",
];

/// Phrases right before an old name, with at most one word between:
/// "replaces v1's `HttpLogModifier`", "the previous `wireErrors`"; not "the
/// previous state, then `commit_all()`".
const OLD_NAME_JUST_FOLLOWS: &[&str] = &["'s", "’s", "the previous", "the former", "the historical", "replaces"];

/// Phrases before an old name that bound a version, and only count after
/// one.
const VERSION_BOUNDS: &[&str] = &["or older", "or earlier", "and older", "and earlier", "'s", "’s"];

/// True when the words right before end in a version: "Mocha 11", "v2.3",
/// "version 4", "the 1.x release".
fn names_a_version(before: &str) -> bool {
    let words: Vec<&str> = before.split_whitespace().rev().take(2).collect();
    let Some(last) = words.first() else { return false };
    let digits = last.trim_start_matches('v').starts_with(|c: char| c.is_ascii_digit());
    let unit =
        |w: &str| ["days", "day", "hours", "minutes", "seconds", "weeks", "months", "years", "entries"].contains(&w);
    digits && !unit(last) || matches!(*last, "version" | "versions" | "release" | "releases")
}

/// Phrases before which the old name stands: "`X` was renamed to `Y`".
const OLD_NAME_PRECEDES: &[&str] = &[
    "was renamed",
    "were renamed",
    "has been renamed",
    "have been renamed",
    "is renamed",
    "was replaced",
    "were replaced",
    "has been replaced",
    "was removed",
    "were removed",
    "has been removed",
    "have been removed",
    "no longer exists",
    "no longer exist",
    "is deprecated",
    "are deprecated",
    "was deprecated",
    "has been deprecated",
    "have been deprecated",
    "is obsolete",
    "is superseded",
    "was superseded",
    "was dropped",
    "were dropped",
    "has been dropped",
    "have been dropped",
];

/// A state, said right after the name: "`clearEngineState()` is gone".
/// Only right after it, and not in a clause of time or condition ("when
/// the `LockGuard` is dropped", "after `evict()` the entry is removed").
const OLD_NAME_STATE: &[&str] = &["is gone", "are gone", "is dropped", "are dropped", "is removed", "are removed"];

/// Words that make what follows a time or a condition, not a statement.
const TIME_OR_CONDITION: &[&str] = &["when", "whenever", "once", "after", "if", "until", "before", "unless", "while"];

/// What may stand between names a phrase is about together:
/// "`RESET_LIST` / `clearState()` are gone", "`a`, `b` and `c` were removed".
const NAME_LIST_SEPARATORS: &[&str] = &["/", ",", "and", "or", ", and", ", or", "&"];

/// Words of a sentence that introduces a list of old names: "Binder
/// replaces the following components:", "These were removed:".
const OLD_NAMES_LIST: &[&str] = &[
    "replaces",
    "were replaced",
    "have been replaced",
    "were removed",
    "have been removed",
    "are removed",
    "were renamed",
    "have been renamed",
    "are deprecated",
    "were deprecated",
    "have been deprecated",
    "no longer",
    "were dropped",
    "have been dropped",
    "superseded",
    "obsolete",
];

/// True when a clause ending in a colon introduces a list of old names.
pub(super) fn introduces_old_names(text: &str) -> bool {
    let text = text.trim_end();
    let Some(body) = text.strip_suffix(':') else { return false };
    let last_sentence = body.rsplit(". ").next().unwrap_or(body).to_lowercase();
    OLD_NAMES_LIST.iter().any(|word| last_sentence.contains(word))
}

/// How far (in bytes) a history phrase reaches to the name it is about.
const PHRASE_REACH: usize = 100;

/// Marks the code span a history phrase is about as an old name: the
/// nearest span after "formerly", the nearest before "was renamed".
pub(super) fn mark_old_names(text: &str, offset: usize, references: &mut [Reference]) {
    // "is **DEPRECATED** since": emphasis stars do not break a phrase, and
    // neither does a line break ("The\nprevious `x`"): a run of white space
    // is one space. `at[i]` is where the i-th byte of `lower` stands in `text`.
    let (mut lower, mut at) = (String::with_capacity(text.len()), Vec::with_capacity(text.len() + 1));
    for (index, c) in text.char_indices().filter(|(_, c)| *c != '*') {
        let c = if c.is_whitespace() { ' ' } else { c };
        if c == ' ' && lower.ends_with(' ') {
            continue;
        }
        lower.push(c.to_ascii_lowercase());
        at.extend(std::iter::repeat_n(index, c.len_utf8()));
    }
    at.push(text.len());
    let mut spans: Vec<(usize, usize)> = references
        .iter()
        .enumerate()
        .filter(|(_, r)| matches!(r.kind, ReferenceKind::Symbol { .. }))
        .map(|(i, r)| (i, r.bytes().start.saturating_sub(offset)))
        .collect();
    spans.sort_by_key(|(_, start)| *start);
    let ends: Vec<usize> = references.iter().map(|r| r.bytes().end.saturating_sub(offset)).collect();
    let mut old = Vec::new();
    let follows = OLD_NAME_FOLLOWS.iter().map(|p| (p, false)).chain(OLD_NAME_JUST_FOLLOWS.iter().map(|p| (p, true)));
    for (phrase, adjacent) in follows {
        for (found, _) in lower.match_indices(phrase) {
            // "Mocha 11 or older", not "30 days or older": a version bound.
            if VERSION_BOUNDS.contains(phrase) && !names_a_version(&lower[..found]) {
                continue;
            }
            let end = at[found + phrase.len()];
            let next = spans.iter().filter(|(_, s)| *s >= end && s - end <= PHRASE_REACH).min_by_key(|(_, s)| *s);
            let close = |start: usize| !adjacent || text.get(end..start).is_some_and(at_most_one_word);
            if let Some(&(index, _)) = next.filter(|(_, start)| close(*start)) {
                old.push(index);
            }
        }
    }
    let precedes = OLD_NAME_PRECEDES.iter().map(|p| (p, false)).chain(OLD_NAME_STATE.iter().map(|p| (p, true)));
    for (phrase, state) in precedes {
        for (found, _) in lower.match_indices(phrase) {
            let at = at[found];
            let before = spans.iter().rposition(|(_, s)| *s < at && at - s <= PHRASE_REACH);
            let Some(mut position) = before else { continue };
            if state && !stated_of(text, spans[position].1, ends[spans[position].0], at) {
                continue;
            }
            old.push(spans[position].0);
            // And the names listed with it: "`a` / `b` are gone". Not for
            // "deprecated", which says the names are still there.
            while let Some(earlier) = position.checked_sub(1).filter(|_| !phrase.contains("deprecated")) {
                let between = text.get(ends[spans[earlier].0]..spans[position].1).unwrap_or("x").trim();
                if !NAME_LIST_SEPARATORS.contains(&between.to_ascii_lowercase().as_str()) {
                    break;
                }
                old.push(spans[earlier].0);
                position = earlier;
            }
        }
    }
    for index in old {
        references[index].historical = true;
    }
}

/// Text between a phrase and a name that keeps them together: at most one
/// word, and no punctuation ("the previous default `x`").
fn at_most_one_word(between: &str) -> bool {
    let words = between.split_whitespace().count();
    words <= 1 && !between.contains(|c: char| c.is_ascii_punctuation() && c != '`' && c != '*' && c != '_')
}

/// Whether a state phrase at `phrase` is said of the name spanning
/// `start..end`: right after it, and not in a clause of time or condition.
fn stated_of(text: &str, start: usize, end: usize, phrase: usize) -> bool {
    let right_after = text.get(end..phrase).is_some_and(|between| between.trim().is_empty());
    let lead = text.get(..start).unwrap_or("").rsplit(['.', ';', ':']).next().unwrap_or("").to_lowercase();
    let condition = lead.split_whitespace().rev().take(4).any(|word| TIME_OR_CONDITION.contains(&word));
    right_after && !condition
}

/// A table cell that is a retired status, all of it: "| `@AutoDef` |
/// Removed |", "| `x` | Dropped in 2.0 |"; not a description that starts
/// with the word ("Removed files are listed").
const RETIRED_STATUS: &[&str] = &["removed", "dropped", "obsolete", "gone", "no effect"];

/// A cell that starts by naming the successor: "| `Target` | Replaced by
/// `DriverProvider` |".
const SUCCESSOR_STATUS: &[&str] = &["replaced by", "renamed to", "superseded by"];

/// Whether a cell's words retire the names before it.
fn retires(cell: &str) -> bool {
    // Emphasis is not part of the words: "*Dropped* in 2.0".
    let words = cell.replace('*', "").trim().trim_matches('_').trim().to_lowercase();
    // "Dropped in 2.0", but "No effect in release builds" is a current
    // option's description: that status ends or gives its reason.
    let status = |word: &&str| {
        words.strip_prefix(*word).is_some_and(|rest| {
            let rest = rest.trim_start();
            let version = |after: &str| after.trim_start_matches('v').starts_with(|c: char| c.is_ascii_digit());
            let dated = rest.starts_with("since ")
                || rest.strip_prefix("in ").is_some_and(|after| *word != "no effect" || version(after));
            rest.is_empty() || rest.starts_with('(') || dated
        })
    };
    RETIRED_STATUS.iter().any(status) || SUCCESSOR_STATUS.iter().any(|word| words.starts_with(word))
}

/// Marks the names in the cells before a cell that says they are retired
/// (the cell's own names, such as the replacement, are current).
pub(super) fn mark_retired_row(text: &str, offset: usize, references: &mut [Reference]) {
    let mut cell_start = 0;
    for cell in text.split('|') {
        if cell_start > 0 && retires(cell) {
            for reference in references.iter_mut() {
                let symbol = matches!(reference.kind, ReferenceKind::Symbol { .. });
                if symbol && reference.bytes().start.saturating_sub(offset) < cell_start {
                    reference.historical = true;
                }
            }
            return;
        }
        cell_start += cell.len() + 1;
    }
}

/// Phrases right before a name the sentence says does not exist: "there's
/// no `instrument_bigquery()` to call", "doesn't have a dedicated `X`".
const ABSENT_NAME_FOLLOWS: &[&str] = &[
    "there's no",
    "there’s no",
    "there is no",
    "there isn't a",
    "there are no",
    "doesn't have a",
    "doesn’t have a",
    "does not have a",
    "has no",
    // "use `Prerelease`, not `PreRelease`": a spelling named as wrong.
    ", not",
    "instead of",
];

/// Phrases of [`ABSENT_NAME_FOLLOWS`] that set a name against another, and
/// say it is not to be used only in an instruction ("use `A`, not `B`";
/// not "returns `None` instead of `Error::NotFound`").
const CONTRASTS: &[&str] = &[", not", "instead of"];

/// Verbs an instruction about which name to write starts with.
const NAMING_INSTRUCTIONS: &[&str] = &["use", "call", "write", "prefer", "spell", "say", "name", "pass", "import"];

/// Whether the sentence around `before` (its text up to a phrase) is an
/// instruction: "use `Prerelease`", "in which case: call `load()`".
fn instruction(before: &str) -> bool {
    let sentence = before.rsplit(['.', ';', ':', '!', '?', '\n']).next().unwrap_or(before);
    let first = sentence.trim_start_matches(|c: char| c.is_whitespace() || matches!(c, '-' | '*' | '+' | '>'));
    first.split_whitespace().next().is_some_and(|word| NAMING_INSTRUCTIONS.contains(&word))
}

/// The only words that may stand between an absence phrase and its name:
/// "doesn't have a dedicated `X`"; any other ("there is no need to call
/// `X`", "has no effect on `X`") makes the sentence about something else.
const ABSENT_QUALIFIERS: &[&str] = &[
    "a",
    "an",
    "the",
    "such",
    "dedicated",
    "separate",
    "specific",
    "special",
    "explicit",
    "built-in",
    "builtin",
    "public",
];

/// How many words may stand between an absence phrase and its name
/// ("doesn't have a dedicated `X`").
const ABSENT_REACH_WORDS: usize = 2;

/// Marks the code span a sentence says does not exist: the doc agrees with
/// the code that it is not there.
pub(super) fn mark_absent_names(text: &str, offset: usize, references: &mut [Reference]) {
    let lower = text.to_ascii_lowercase();
    // Code spans in text order, to find the one after a phrase by search.
    let mut spans: Vec<usize> = (0..references.len())
        .filter(|&i| matches!(references[i].kind, ReferenceKind::Symbol { .. }))
        .filter(|&i| references[i].bytes().start >= offset)
        .collect();
    spans.sort_by_key(|&i| references[i].bytes.start);
    for phrase in ABSENT_NAME_FOLLOWS {
        for (found, _) in lower.match_indices(phrase) {
            let end = found + phrase.len();
            // Whole words: not "has now", "there is normally".
            let letter = |c: Option<char>| c.is_some_and(|c| c.is_alphanumeric());
            let punctuated = phrase.starts_with(',');
            if !punctuated && letter(lower[..found].chars().next_back()) || letter(lower[end..].chars().next()) {
                continue;
            }
            if CONTRASTS.contains(phrase) && !instruction(&lower[..found]) {
                continue;
            }
            let next = spans.partition_point(|&i| references[i].bytes().start - offset < end);
            let Some(&next) = spans.get(next) else { continue };
            let reference = &mut references[next];
            let Some(between) = lower.get(end..reference.bytes().start - offset) else { continue };
            let words: Vec<&str> = between.split_whitespace().collect();
            // Words only: "there is no limit; `X` drains it" is about a limit.
            let plain = !between.contains(['`', ';', '.', ':', ',', '(', ')', '!', '?']);
            let close = plain && words.len() <= ABSENT_REACH_WORDS;
            if close && words.iter().all(|w| ABSENT_QUALIFIERS.contains(w)) {
                reference.absent = true;
            }
        }
    }
}

/// Headings of sections that record history, matched as the whole title.
const HISTORICAL_HEADINGS: &[&str] = &[
    "changelog",
    "change log",
    "changes",
    "history",
    "release notes",
    "release history",
    "breaking changes",
    "deprecated",
    "deprecations",
    "what's new",
    "whats new",
    "news",
    "unreleased",
];

/// Heading openings of migration guides ("Migrating from 1.x").
const MIGRATION_HEADINGS: &[&str] = &["migrating ", "migration ", "upgrading ", "upgrade "];

/// File stems of documents that record history as a whole.
const HISTORICAL_FILES: &[&str] = &[
    "changelog",
    "changes",
    "history",
    "news",
    "releases",
    "release-notes",
    "release_notes",
    "releasenotes",
    "migration",
    "migrating",
    "upgrading",
    "upgrade",
    "updating",
    "whats_new",
    "whats-new",
    "whatsnew",
    "new-features",
    "new_features",
    // Plans: a roadmap names code still to be written, or that a past plan
    // meant to remove.
    "roadmap",
];

/// Last words of the file stems of records of finished work (`done.md`,
/// `perf-done.md`, `refactor-skipped.md`): what was done and what was
/// dropped, naming code as it was then, on purpose. Not a to-do list: the
/// code it names is still to change, and a name gone from it is stale.
const WORK_LIST_WORDS: &[&str] = &["done", "skipped"];

/// Directories of documents about past releases.
const HISTORICAL_DIRECTORIES: &[&str] = &[
    "blog",
    "blogs",
    "posts",
    "news",
    "changelog",
    "changelogs",
    "releases",
    "release-notes",
    "migrations",
    "migration-guides",
    "migration_guides",
    "migration-guide",
    "upgrade-guides",
    "upgrading",
    // Docusaurus's frozen copies of the docs of past releases.
    "versioned_docs",
    "historical",
    "archive",
    "archived",
    "meeting-notes",
    "minutes",
];

/// Why every clause of `path` records history, if the file does: a
/// changelog, a dated post, a blog or release-notes folder.
pub(super) fn file_history(path: &str) -> Option<String> {
    let lower = path.to_lowercase();
    // A spec about a changelog feature is a spec, not a changelog.
    if lower.starts_with("specs/") || lower.starts_with("spec/") {
        return None;
    }
    let (directories, file) = lower.rsplit_once('/').unwrap_or(("", &lower));
    let file = without_order_prefix(file);
    let stem = file.split('.').next().unwrap_or(file);
    // `grpc-gateway_v2_migration_guide.md`, `UPGRADE_GUIDE_V2.md`: a migration
    // word anywhere in the name; "migration" and "upgrade" only beside a
    // guide or a version (not an ORM's `migration-cli.md`).
    let words: Vec<&str> = stem.split(['-', '_', '.']).collect();
    let versioned = |w: &&str| w.trim_start_matches('v').starts_with(|c: char| c.is_ascii_digit());
    let guide = words.iter().any(|w| matches!(*w, "guide" | "to" | "from" | "notes") || versioned(w));
    let migration_word = words.iter().any(|w| matches!(*w, "migrating" | "upgrading"))
        || guide && words.iter().any(|w| matches!(*w, "migration" | "upgrade"));
    let history_file = migration_word
        || HISTORICAL_FILES.contains(&stem)
        || HISTORICAL_FILES.iter().any(|h| stem.starts_with(&format!("{h}-")));
    if history_file {
        return Some(format!("{file} records history"));
    }
    if words.last().is_some_and(|last| WORK_LIST_WORDS.contains(last)) {
        return Some(format!("{file} records finished work: what was done or dropped"));
    }
    if is_dated(stem) {
        return Some(format!("{file} is dated: a report or post about its day"));
    }
    // `docs/fr-FR/migrating-to-0.45.0/README.md`: a guide kept as a folder.
    // `migrating-to-0.45.0/`; a bare `migration/` only in a site's order
    // (`docs/7.migration/`), as a migrations library names its guide so.
    let migration = |d: &str| {
        let name = without_order_prefix(d);
        let ordered = name.len() < d.len();
        ["migrating", "migration", "upgrading", "upgrade"].iter().any(|m| {
            name.strip_prefix(m).is_some_and(|rest| rest.starts_with(['-', '_']) || rest.is_empty() && ordered)
        })
    };
    let directory =
        directories.split('/').find(|d| HISTORICAL_DIRECTORIES.contains(&without_order_prefix(d)) || migration(d))?;
    Some(format!("in {directory}/, which records history"))
}

/// `18.upgrade.md` → `upgrade.md`, `7.migration` → `migration`: the order
/// a doc site (Nuxt Content) sorts pages by is not part of the name.
fn without_order_prefix(name: &str) -> &str {
    crate::text::strip_order_prefix(name).unwrap_or(name)
}

/// Why a clause under these headings records history, if it does.
pub(super) fn heading_history(heading_path: &[(u8, Arc<str>)]) -> Option<String> {
    let (_, title) = heading_path.iter().find(|(_, title)| is_history_heading(title))?;
    Some(format!("under the heading \"{title}\", which records history"))
}

/// `2017-02-10`, `2024-01-05-release`: a file named after its date.
fn is_dated(stem: &str) -> bool {
    let parts: Vec<&str> = stem.splitn(4, '-').collect();
    let digits = |part: &str, count: usize| part.chars().take(count).filter(char::is_ascii_digit).count() == count;
    parts.len() >= 3
        && parts[0].len() == 4
        && parts[1].len() == 2
        && digits(parts[0], 4)
        && digits(parts[1], 2)
        && digits(parts[2], 2)
}

/// Words that, first or last in a heading, make it a list of old names
/// ("Sorting Function Renames", "Renamed options"; not "Detecting renamed
/// files"), where each is written on purpose.
const RENAME_HEADING_WORDS: &[&str] = &["renames", "renamed", "removals"];

fn is_history_heading(title: &str) -> bool {
    let title = title.to_lowercase();
    let trimmed = title.trim_start_matches(|c: char| c.is_ascii_digit() || c == '.' || c == ' ');
    let words: Vec<&str> = trimmed.split(|c: char| !c.is_alphanumeric()).filter(|w| !w.is_empty()).collect();
    let rename = [words.first(), words.last()].into_iter().flatten().any(|word| RENAME_HEADING_WORDS.contains(word));
    // "Before 3.4/4.1", "Prior to 2.0": how it was in older releases.
    let before_version = ["before ", "prior to "].iter().any(|prefix| {
        trimmed.strip_prefix(prefix).is_some_and(|rest| rest.split_whitespace().take(2).any(looks_like_version))
    });
    HISTORICAL_HEADINGS.contains(&trimmed)
        || marked_finished(&title)
        || before_version
        || rename
        || MIGRATION_HEADINGS.iter().any(|h| trimmed.starts_with(h))
        || matches!(trimmed, "migration" | "migrating" | "upgrading")
        || looks_like_version(&title)
}

/// Words that, set off at the end of a heading, mark the work under it as
/// finished: "1. Sealed value types — COMPLETED", "Phase 2 (done)". What
/// follows records how that work went, naming code as it was then.
const FINISHED_MARKS: &[&str] = &["completed", "done", "implemented", "shipped"];

/// "Sealed value types — COMPLETED", "Phase 2 (done)", "Retry: done"; not
/// "Getting things done" or "Completed jobs".
fn marked_finished(title: &str) -> bool {
    let trimmed = title.trim_end().trim_end_matches([')', ']', '*', '_', '.', ' ']);
    FINISHED_MARKS.iter().any(|mark| {
        trimmed.strip_suffix(mark).is_some_and(|before| {
            let before = before.trim_end_matches(['*', '_', ' ']);
            // A hyphen only with a space before it: "Half-done" is a word.
            ['—', '–', ':', '(', '['].iter().any(|separator| before.ends_with(*separator)) || before.ends_with(" -")
        })
    })
}

/// `v1.2.0`, `1.4 (2024-05-01)`, `[2.0.0] - 2023-01-01`: a release heading.
/// Not "4. Class annotations": a numbered heading has no digit after the dot.
fn looks_like_version(title: &str) -> bool {
    let title = title.trim_start_matches(['[', 'v', ' ']);
    let major = title.chars().take_while(char::is_ascii_digit).count();
    let rest = &title[major..];
    major > 0 && rest.starts_with('.') && rest[1..].starts_with(|c: char| c.is_ascii_digit())
}
