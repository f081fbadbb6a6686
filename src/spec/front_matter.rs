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

/// The repository a page says it was copied from, when that is not this
/// one: a theme gallery's copy of each theme's README
/// (`repository = "https://codeberg.org/a/zola-theme"`) links into the
/// theme's files and names its settings, not ours.
pub fn copied_from(source: &str, ours: Option<&RepoSlug>) -> Option<String> {
    entries(source).find_map(|(key, value)| {
        let slug = RepoSlug::parse(value).filter(|_| SOURCE_REPOSITORY_KEYS.contains(&key))?;
        (Some(&slug) != ours).then(|| value.to_string())
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
        let ours = RepoSlug::parse("https://github.com/getzola/zola");
        let theme = "\n+++\n[extra]\nrepository = \"https://codeberg.org/winterstein/zola-theme-daisy.git\"\n+++\n";
        assert_eq!(
            copied_from(theme, ours.as_ref()).as_deref(),
            Some("https://codeberg.org/winterstein/zola-theme-daisy.git")
        );
        let own = "---\nrepo: https://github.com/getzola/zola\n---\n";
        assert_eq!(copied_from(own, ours.as_ref()), None);
        let homepage = "+++\n[extra]\nhomepage = \"https://codeberg.org/a/b\"\n+++\n";
        assert_eq!(copied_from(homepage, ours.as_ref()), None);
        assert_eq!(copied_from("Set `repository = \"https://x.org/a/b\"`.\n", ours.as_ref()), None);
    }
}
