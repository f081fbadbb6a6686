//! A page's front matter: the YAML (`---`) or TOML (`+++`) block a doc-site
//! generator reads before the markdown.

use super::target::RepoSlug;

/// The `key`/`value` lines of the page's front matter, at any depth
/// (`[extra]` tables and indented YAML maps included), values unquoted.
pub fn entries(source: &str) -> impl Iterator<Item = (&str, &str)> {
    // Zola reads front matter after blank lines too.
    let source = source.trim_start_matches(['\n', '\r']);
    let block = ["---", "+++"].into_iter().find_map(|fence| {
        let rest = source.strip_prefix(fence)?;
        let rest = rest.strip_prefix('\n').or_else(|| rest.strip_prefix("\r\n"))?;
        Some((fence, rest))
    });
    let separator = if block.is_some_and(|(fence, _)| fence == "+++") { '=' } else { ':' };
    block.into_iter().flat_map(move |(fence, rest)| {
        rest.lines()
            .take_while(move |line| line.trim_end() != fence)
            .filter_map(move |line| line.split_once(separator))
            .map(|(key, value)| (key.trim(), value.trim().trim_matches(['"', '\''])))
    })
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
    let source = source.trim_start_matches(['\n', '\r']);
    let toml = source.starts_with("+++");
    let mut table = String::new();
    let lines = source.lines().skip(1).take_while(|line| !matches!(line.trim_end(), "---" | "+++"));
    lines.filter_map(move |line| {
        if let Some(name) = line.trim().strip_prefix('[').and_then(|rest| rest.strip_suffix(']')) {
            table = name.trim().to_string();
            return None;
        }
        let page_level = if toml { PAGE_TABLES.contains(&table.as_str()) } else { !line.starts_with([' ', '\t']) };
        let (key, value) = line.split_once(if toml { '=' } else { ':' })?;
        page_level.then(|| (key.trim(), value.trim().trim_matches(['"', '\''])))
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
