//! Pages that include other pages: mkdocs snippets (`--8<-- "a.md"`) and
//! mdBook's `{{#include a.md}}`. A page that is only ever included is
//! rendered where it is included, so its relative links resolve from there.

use super::target::join;

/// Where the files a page includes may be, repository-relative: mdBook
/// resolves from the including page, mkdocs snippets from the site's base
/// (usually the repository root), so both places are given.
pub fn included_files(page: &str, source: &str) -> Vec<String> {
    let directory = page.rsplit_once('/').map_or("", |(dir, _)| dir);
    let mut found = Vec::new();
    for line in source.lines() {
        if let Some(target) = mkdocs_snippet(line) {
            found.extend(join("", target));
            found.extend(join(directory, target));
        }
        if let Some(target) = mdbook_include(line) {
            found.extend(join(directory, target));
        }
    }
    found.sort();
    found.dedup();
    found
}

/// `--8<-- "docs/snippets/a.md"`; `;--8<--` is the escaped marker, shown
/// as text.
fn mkdocs_snippet(line: &str) -> Option<&str> {
    let (before, rest) = line.split_once("--8<--")?;
    if before.ends_with(';') {
        return None;
    }
    let rest = rest.trim();
    let quote = rest.chars().next().filter(|c| matches!(c, '"' | '\''))?;
    let target = rest[1..].split(quote).next()?;
    // `a.md:3:10` and `a.md:section` select part of the file.
    let target = target.split(':').next()?;
    (!target.is_empty()).then_some(target)
}

/// `{{#include ../a.md}}`, `{{#include a.md:anchor}}`.
fn mdbook_include(line: &str) -> Option<&str> {
    let rest = line.split_once("{{#include ")?.1;
    let target = rest.split("}}").next()?.trim();
    let target = target.split(':').next()?;
    (!target.is_empty()).then_some(target)
}

#[cfg(test)]
mod tests {
    use super::included_files;

    #[test]
    fn snippets_and_includes() {
        let source = "Intro\n--8<-- \"docs/snippets/setup.md\"\n{{#include ../shared/intro.md:body}}\n";
        assert_eq!(
            included_files("docs/guide/page.md", source),
            ["docs/guide/docs/snippets/setup.md", "docs/shared/intro.md", "docs/snippets/setup.md"]
        );
        assert!(included_files("README.md", "Plain `--8<--` text.\n").is_empty());
        assert!(included_files("README.md", ";--8<-- \"a.md\"\n").is_empty(), "escaped");
    }
}
