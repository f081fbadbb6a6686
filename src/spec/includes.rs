//! Pages that include other pages: mkdocs snippets (`--8<-- "a.md"`),
//! mdBook's `{{#include a.md}}`, Jinja's and Jekyll's `{% include 'a.md' %}`
//! and `<!-- include: a.md -->` comments that a site's build hook expands. A
//! page that is only ever included is rendered where it is included, so its
//! relative links resolve from there.

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
        // Jinja (mkdocs-macros) resolves from the docs folder, Jekyll from
        // `_includes/`, build hooks from the page or the root.
        if let Some(target) = template_include(line).or_else(|| comment_include(line)) {
            found.extend(join(directory, target));
            found.extend(join("", target));
            found.extend(join("_includes", target));
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

/// `{% include 'cache/spring-cache.md' %}`, `{% include "a.md" %}`,
/// `{%- include a.md -%}`: only markdown pages, not Jekyll's HTML partials.
fn template_include(line: &str) -> Option<&str> {
    let rest = line.split_once("{%")?.1.trim_start_matches('-').trim_start();
    let rest = rest.strip_prefix("include ")?;
    let target = rest.split("%}").next()?.trim().trim_end_matches('-').trim();
    let target = target.split_whitespace().next()?.trim_matches(['"', '\'']);
    super::is_markdown(target).then_some(target)
}

/// `<!-- include: nextest-runner/reference.md -->`.
fn comment_include(line: &str) -> Option<&str> {
    let rest = line.trim_start().strip_prefix("<!--")?.trim_start();
    let rest = rest.strip_prefix("include:").or_else(|| rest.strip_prefix("include "))?;
    let target = rest.split("-->").next()?.trim();
    (super::is_markdown(target) && !target.contains(char::is_whitespace)).then_some(target)
}

/// Markers of the directives that put another file's text in a page, so
/// that its headings are not all written in it: those above, reStructuredText's
/// `.. include::` and Hugo's `{{< include >}}` too.
const INCLUDE_MARKERS: &[&str] =
    &["--8<--", "{{#include", "{% include", "{%- include", ".. include::", "{{< include", "<!-- include:"];

/// Whether a page includes other files, whose headings driftcheck does not see.
pub fn includes_other_files(source: &str) -> bool {
    INCLUDE_MARKERS.iter().any(|marker| source.contains(marker))
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
        assert_eq!(
            included_files("docs/caches.md", "{% include 'cache/spring.md' %}\n"),
            ["_includes/cache/spring.md", "cache/spring.md", "docs/cache/spring.md"]
        );
        assert_eq!(
            included_files("site/ref.md", "<!-- include: runner/reference.md -->\n"),
            ["_includes/runner/reference.md", "runner/reference.md", "site/runner/reference.md"]
        );
        assert!(included_files("docs/a.md", "{% include footer.html %}\n<!-- include the output -->\n").is_empty());
        assert!(included_files("README.md", ";--8<-- \"a.md\"\n").is_empty(), "escaped");
    }
}
