//! A page's front matter: the YAML (`---`) or TOML (`+++`) block a doc-site
//! generator reads before the markdown.

use super::target::RepoSlug;

/// The lines of the page's front matter, and whether it is TOML (`+++`)
/// rather than YAML (`---`). Zola reads front matter after blank lines too.
fn block(source: &str) -> Option<(bool, impl Iterator<Item = &str>)> {
    let source = source.trim_start_matches(['\n', '\r']);
    let (fence, rest) = ["---", "+++"].into_iter().find_map(|fence| {
        let rest = source.strip_prefix(fence)?;
        Some((fence, rest.strip_prefix('\n').or_else(|| rest.strip_prefix("\r\n"))?))
    })?;
    Some((fence == "+++", rest.lines().take_while(move |line| line.trim_end() != fence)))
}

/// A front-matter line's key and unquoted value.
fn key_value(line: &str, toml: bool) -> Option<(&str, &str)> {
    let (key, value) = line.split_once(if toml { '=' } else { ':' })?;
    Some((key.trim(), value.trim().trim_matches(['"', '\''])))
}

/// The `key`/`value` lines of the page's front matter, at any depth
/// (`[extra]` tables and indented YAML maps included), values unquoted.
pub fn entries(source: &str) -> impl Iterator<Item = (&str, &str)> {
    block(source).into_iter().flat_map(|(toml, lines)| lines.filter_map(move |line| key_value(line, toml)))
}

/// Front-matter keys that say which repository a page is about.
const SOURCE_REPOSITORY_KEYS: &[&str] = &["repository", "repo"];

/// The tables of TOML front matter a page's own keys stand in: the top and
/// Zola's `[extra]`; not a list of showcased projects further down.
const PAGE_TABLES: &[&str] = &["", "extra"];

/// The repository a page says it was copied from, when that is another
/// one: a theme gallery's copy of each theme's README
/// (`repository = "https://codeberg.org/a/zola-theme"`) links into the
/// theme's files and names its settings, not ours. Compared by repository
/// name (`ours`: our repository's, or the checkout folder's when no remote
/// says), so a fork of ours is ours; unknown without it.
pub fn copied_from(source: &str, ours: Option<&str>) -> Option<String> {
    let ours = ours?;
    page_keys(source).find_map(|(key, value)| {
        let slug = RepoSlug::parse(value).filter(|_| SOURCE_REPOSITORY_KEYS.contains(&key))?;
        (!slug.name().eq_ignore_ascii_case(ours)).then(|| value.to_string())
    })
}

/// The page's own front-matter keys: unindented YAML keys, and TOML keys at
/// the top or in `[extra]`.
fn page_keys(source: &str) -> impl Iterator<Item = (&str, &str)> {
    block(source).into_iter().flat_map(|(toml, lines)| {
        let mut table = String::new();
        lines.filter_map(move |line| {
            if let Some(name) = line.trim().strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) {
                table = name.trim().to_string();
                return None;
            }
            let page_level = if toml { PAGE_TABLES.contains(&table.as_str()) } else { !line.starts_with([' ', '\t']) };
            key_value(line, toml).filter(|_| page_level)
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn yaml_and_toml_front_matter() {
        let yaml = "---\ntitle: A\nsidebar_position: 2\n---\nid: body\n";
        assert_eq!(entries(yaml).collect::<Vec<_>>(), [("title", "A"), ("sidebar_position", "2")]);
        let toml = "+++\ntitle = \"Daisy\"\n[extra]\nrepository = \"https://x.org/a/b\"\n+++\n# Daisy\n";
        assert_eq!(entries(toml).collect::<Vec<_>>(), [("title", "Daisy"), ("repository", "https://x.org/a/b")]);
        assert_eq!(entries("# A\n\nid: 3\n").count(), 0);
    }

    #[test]
    fn a_page_copied_from_another_repository() {
        let ours = Some("zola");
        let theme = "\n+++\n[extra]\nrepository = \"https://codeberg.org/winterstein/zola-theme-daisy.git\"\n+++\n";
        assert_eq!(copied_from(theme, ours).as_deref(), Some("https://codeberg.org/winterstein/zola-theme-daisy.git"));
        let own = "---\nrepo: https://github.com/getzola/zola\n---\n";
        assert_eq!(copied_from(own, ours), None);
        let fork = "---\nrepo: https://github.com/someone/zola\n---\n";
        assert_eq!(copied_from(fork, ours), None, "a fork of ours");
        assert_eq!(copied_from(theme, None), None, "without our own repository nothing is known");
        let showcase = "+++\n[[extra.showcase]]\nrepository = \"https://github.com/a/site\"\n+++\n";
        assert_eq!(copied_from(showcase, ours), None);
        let nested = "---\nprojects:\n  repo: https://github.com/a/b\n---\n";
        assert_eq!(copied_from(nested, ours), None);
        let homepage = "+++\n[extra]\nhomepage = \"https://codeberg.org/a/b\"\n+++\n";
        assert_eq!(copied_from(homepage, ours), None);
        assert_eq!(copied_from("Set `repository = \"https://x.org/a/b\"`.\n", ours), None);
    }
}
