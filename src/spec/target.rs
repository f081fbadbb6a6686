//! Where a markdown link points: a file of this repository (relative,
//! root-relative or by URL), a doc-site route, or somewhere else.

use super::segments::Segments;
use super::shape::symbol_segments;

/// The part of a link after `#` that says what inside the file is meant.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
#[serde(rename_all = "kebab-case", tag = "kind")]
pub enum Fragment {
    /// `#L10` or `#L10-L20` (GitHub also writes `#L10C2-L20C4`).
    Lines { start: usize, end: usize },
    /// `#Client::retry`.
    Symbol { segments: Segments },
    /// `#retry-policy` in a link to a markdown file: a heading anchor.
    Heading { anchor: String },
}

/// A link into the repository, before anyone checked that it exists.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoPath {
    /// Relative to the repository root, `/`-separated, no `.`/`..`.
    pub path: String,
    pub fragment: Option<Fragment>,
    /// No file extension (or `.html`): a doc-site route unless the path
    /// really exists in the repository.
    pub route_like: bool,
    /// Other places a root-relative link may mean: doc sites treat `/` as
    /// their own root (`docs/`), so `/intro.md` in `docs/guide/a.md` may be
    /// `docs/intro.md`.
    pub fallbacks: Vec<String>,
    /// Places only a doc site looks: its static-asset folder for a
    /// root-relative path (`/img/a.png` is `website/static/img/a.png` in
    /// Docusaurus, `docs/public/img/a.png` in VitePress,
    /// `docs/.vuepress/public/img/a.png` in VuePress), and the folders
    /// above the page for a bare page path (Docusaurus resolves
    /// `concepts/a.mdx` from the docs root too).
    pub site_fallbacks: Vec<String>,
    /// The branch, tag or commit a web URL names (`…/blob/v1.2.0/…`).
    pub git_ref: Option<String>,
}

/// `host/owner/repo` of the repository's own web URLs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RepoSlug(String);

impl RepoSlug {
    /// Accepts `github.com/acme/widgets`, `https://github.com/acme/widgets.git`,
    /// `git@github.com:acme/widgets.git` and `ssh://git@host/acme/widgets`.
    pub fn parse(remote: &str) -> Option<RepoSlug> {
        let remote = remote.trim();
        let (scheme, without_scheme) = remote.split_once("://").map_or((None, remote), |(s, rest)| (Some(s), rest));
        let without_user = without_scheme.split_once('@').map_or(without_scheme, |(_, rest)| rest);
        let normalised = match scheme {
            // `https://host:8443/acme/w`: the colon starts a port.
            Some(_) => match without_user.split_once('/') {
                Some((host, path)) => format!("{}/{path}", host.split(':').next().unwrap_or(host)),
                None => without_user.to_string(),
            },
            // `git@host:acme/w.git`: the colon separates host and path.
            None => without_user.replacen(':', "/", 1),
        };
        let trimmed = normalised.trim_end_matches('/').trim_end_matches(".git");
        let parts: Vec<&str> = trimmed.split('/').filter(|p| !p.is_empty()).collect();
        if parts.len() < 3 || !parts[0].contains('.') {
            return None;
        }
        let host = parts[0].trim_start_matches("www.").split(':').next().unwrap_or(parts[0]);
        Some(RepoSlug(format!("{}/{}", host, parts[1..].join("/")).to_ascii_lowercase()))
    }

    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The repository's own name: `zola` of `github.com/getzola/zola`.
    pub fn name(&self) -> &str {
        self.0.rsplit('/').next().unwrap_or(&self.0)
    }
}

/// Resolves a link destination written in `spec_path`. `None` for external
/// links, in-page anchors and anything outside the repository.
pub fn repo_path(destination: &str, spec_path: &str, repository: Option<&RepoSlug>) -> Option<RepoPath> {
    let destination = destination.trim();
    if let Some(anchor) = destination.strip_prefix('#') {
        // An in-page anchor: a heading of this very file. `[T]: ## "Tip"`
        // (no letter or digit) only gives link text a tooltip.
        let named = anchor.chars().any(char::is_alphanumeric);
        let fragment = named.then(|| Fragment::Heading { anchor: percent_decode(anchor) });
        return Some(RepoPath {
            path: spec_path.to_string(),
            fragment,
            route_like: false,
            fallbacks: Vec::new(),
            site_fallbacks: Vec::new(),
            git_ref: None,
        });
    }
    if destination.is_empty() || destination.starts_with("//") {
        return None;
    }
    // `[Jane](jane@example.com)`: an address without `mailto:`, not a file.
    if destination.contains('@') && !destination.contains('/') {
        return None;
    }
    let (mut fallbacks, mut site_fallbacks) = (Vec::new(), Vec::new());
    let mut git_ref = None;
    let (path, fragment) = if has_scheme(destination) {
        let (reference, path, fragment) = repository_url_path(destination, repository?)?;
        git_ref = Some(reference);
        (path, fragment)
    } else {
        let (path, fragment) = split_fragment(destination);
        if let Some(inside) = path.strip_prefix("@/") {
            // Zola's internal link: a file under the site's `content/`.
            (join(content_folder(spec_path), inside)?, fragment)
        } else {
            (fallbacks, site_fallbacks) = (root_fallbacks(path, spec_path), site_only_fallbacks(path, spec_path));
            let base = if path.starts_with('/') { "" } else { parent(spec_path) };
            (join(base, path)?, fragment)
        }
    };
    let extension = crate::text::path_extension(&path);
    let route_like =
        path.is_empty() || path.ends_with('/') || matches!(extension.as_deref(), None | Some("html" | "htm"));
    let markdown = matches!(extension.as_deref(), Some("md" | "markdown" | "mdx"));
    let fragment = match fragment {
        Some(anchor) if markdown && !anchor.is_empty() => Some(Fragment::Heading { anchor: percent_decode(anchor) }),
        Some(fragment) if !markdown => parse_fragment(fragment),
        _ => None,
    };
    Some(RepoPath {
        path: path.trim_end_matches('/').to_string(),
        fragment,
        route_like,
        fallbacks,
        site_fallbacks,
        git_ref,
    })
}

/// The `content/` folder a Zola page sits in (`docs/content` for
/// `docs/content/guide/a.md`, the outermost one for
/// `docs/content/documentation/content/a.md`), where its `@/` links start;
/// `content` at the root for a page outside one.
fn content_folder(spec_path: &str) -> &str {
    ancestors(spec_path).filter(|dir| dir.rsplit('/').next() == Some("content")).last().unwrap_or("content")
}

/// A root-relative path under any folder above the page.
fn root_fallbacks(path: &str, spec_path: &str) -> Vec<String> {
    let Some(rooted) = path.strip_prefix('/') else { return Vec::new() };
    ancestors(spec_path).filter_map(|dir| join(dir, rooted)).collect()
}

/// See `RepoPath::site_fallbacks`.
fn site_only_fallbacks(path: &str, spec_path: &str) -> Vec<String> {
    if let Some(rooted) = path.strip_prefix('/') {
        let static_dirs = ancestors(spec_path).chain([""]).flat_map(|dir| {
            ["static", "public", ".vuepress/public"]
                .into_iter()
                .filter_map(move |assets| join(&join(dir, assets)?, rooted))
        });
        return static_dirs.collect();
    }
    if !super::is_markdown(path) || path.starts_with('.') {
        return Vec::new();
    }
    ancestors(spec_path).skip(1).filter_map(|dir| join(dir, path)).collect()
}

/// `docs/guide/a.md` → `docs/guide`, `docs`.
fn ancestors(spec_path: &str) -> impl Iterator<Item = &str> {
    let mut current = parent(spec_path);
    std::iter::from_fn(move || {
        if current.is_empty() {
            return None;
        }
        let this = current;
        current = parent(current);
        Some(this)
    })
}

fn has_scheme(destination: &str) -> bool {
    destination.split_once(':').is_some_and(|(scheme, _)| {
        !scheme.is_empty() && scheme.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '+' | '-' | '.'))
    })
}

fn split_fragment(destination: &str) -> (&str, Option<&str>) {
    let (path, fragment) = match destination.split_once('#') {
        Some((path, fragment)) => (path, Some(fragment)),
        None => (destination, None),
    };
    (path.split('?').next().unwrap_or(path), fragment)
}

/// `https://github.com/OWNER/REPO/blob/REF/path#L1` → `REF`, `path`, for
/// this repository's own URLs on GitHub, GitLab and their look-alikes.
fn repository_url_path<'a>(url: &'a str, repository: &RepoSlug) -> Option<(String, String, Option<&'a str>)> {
    let rest = url.split_once("://")?.1;
    let (rest, fragment) = split_fragment(rest);
    let rest = rest.strip_prefix("www.").unwrap_or(rest);
    let (reference, path) = web_path(rest, repository).or_else(|| raw_content_path(rest, repository))?;
    Some((reference.to_string(), join("", path)?, fragment))
}

/// `host/owner/repo/blob/REF/path`, `…/tree/REF/path`, GitLab's `/-/blob/`.
fn web_path<'a>(rest: &'a str, repository: &RepoSlug) -> Option<(&'a str, &'a str)> {
    let tail = strip_prefix_ignore_case(rest, repository.as_str())?.strip_prefix('/')?;
    let tail = tail.strip_prefix("-/").unwrap_or(tail);
    let (kind, tail) = tail.split_once('/')?;
    if !matches!(kind, "blob" | "tree" | "raw" | "src") {
        return None;
    }
    Some(tail.split_once('/').unwrap_or((tail, "")))
}

/// `raw.githubusercontent.com/OWNER/REPO/REF/path`.
fn raw_content_path<'a>(rest: &'a str, repository: &RepoSlug) -> Option<(&'a str, &'a str)> {
    let tail = rest.strip_prefix("raw.githubusercontent.com/")?;
    let owner_repo = repository.as_str().strip_prefix("github.com/")?;
    let tail = strip_prefix_ignore_case(tail, owner_repo)?.strip_prefix('/')?;
    Some(tail.split_once('/').unwrap_or((tail, "")))
}

fn strip_prefix_ignore_case<'a>(text: &'a str, prefix: &str) -> Option<&'a str> {
    let head = text.get(..prefix.len())?;
    head.eq_ignore_ascii_case(prefix).then(|| &text[prefix.len()..])
}

fn parent(path: &str) -> &str {
    path.rsplit_once('/').map_or("", |(dir, _)| dir)
}

/// Joins and normalises `base/relative`; `None` when it climbs out of the
/// repository.
pub(crate) fn join(base: &str, relative: &str) -> Option<String> {
    let decoded = percent_decode(relative);
    let mut parts: Vec<&str> =
        if decoded.starts_with('/') { Vec::new() } else { base.split('/').filter(|p| !p.is_empty()).collect() };
    for part in decoded.split('/') {
        match part {
            "" | "." => {}
            ".." => {
                parts.pop()?;
            }
            _ => parts.push(part),
        }
    }
    let mut joined = parts.join("/");
    if decoded.ends_with('/') && !joined.is_empty() {
        joined.push('/');
    }
    Some(joined)
}

fn percent_decode(text: &str) -> String {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = (bytes[i] == b'%').then(|| text.get(i + 1..i + 3)).flatten();
        match hex.and_then(|h| u8::from_str_radix(h, 16).ok()) {
            Some(byte) => {
                out.push(byte);
                i += 3;
            }
            None => {
                out.push(bytes[i]);
                i += 1;
            }
        }
    }
    String::from_utf8(out).unwrap_or_else(|_| text.to_string())
}

fn parse_fragment(fragment: &str) -> Option<Fragment> {
    if let Some(lines) = parse_line_range(fragment) {
        return Some(lines);
    }
    symbol_segments(fragment)
        .and_then(|segments| Segments::new(&segments))
        .map(|segments| Fragment::Symbol { segments })
}

/// `L10`, `L10-L20`, `L10-20`, `L10C3-L20C1`.
fn parse_line_range(fragment: &str) -> Option<Fragment> {
    let number = |part: &str| -> Option<usize> {
        let part = part.strip_prefix('L').unwrap_or(part);
        let digits = part.split('C').next()?;
        digits.parse().ok().filter(|&n| n > 0)
    };
    let rest = fragment.strip_prefix('L')?;
    let (start, end) = match rest.split_once('-') {
        Some((start, end)) => (number(start)?, number(end)?),
        None => (number(rest)?, number(rest)?),
    };
    Some(Fragment::Lines { start: start.min(end), end: start.max(end) })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug() -> RepoSlug {
        RepoSlug::parse("github.com/acme/widgets").unwrap()
    }

    fn resolve(destination: &str) -> Option<RepoPath> {
        repo_path(destination, "docs/design/net.md", Some(&slug()))
    }

    #[test]
    fn parses_remotes() {
        for remote in [
            "git@github.com:acme/widgets.git",
            "https://github.com/acme/widgets.git",
            "ssh://git@github.com/acme/widgets",
            "https://www.github.com/Acme/Widgets/",
            "https://github.com:443/acme/widgets",
            "ssh://git@github.com:22/acme/widgets.git",
        ] {
            assert_eq!(RepoSlug::parse(remote), Some(slug()), "{remote}");
        }
        assert_eq!(RepoSlug::parse("/srv/git/widgets"), None);
    }

    #[test]
    fn relative_and_root_relative_links() {
        let link = resolve("../../src/net.rs#L10-L20").unwrap();
        assert_eq!(link.path, "src/net.rs");
        assert_eq!(link.fragment, Some(Fragment::Lines { start: 10, end: 20 }));
        assert!(!link.route_like);
        assert_eq!(
            resolve("/src/net.rs#Client::retry").unwrap().fragment,
            Some(Fragment::Symbol { segments: Segments::new(&["Client", "retry"]).expect("segments") })
        );
        assert_eq!(resolve("./retry%20policy.md").unwrap().path, "docs/design/retry policy.md");
        assert_eq!(resolve("../../../outside.rs"), None);
        assert_eq!(resolve("/intro.md").unwrap().fallbacks, ["docs/design/intro.md", "docs/intro.md"]);
    }

    #[test]
    fn zola_internal_links_start_at_the_content_folder() {
        let link = repo_path("@/guide/install.md#binaries", "site/content/blog/news.md", None).unwrap();
        assert_eq!(link.path, "site/content/guide/install.md");
        assert_eq!(link.fragment, Some(Fragment::Heading { anchor: "binaries".into() }));
        assert_eq!(repo_path("@/about.md", "README.md", None).unwrap().path, "content/about.md");
        let nested = repo_path("@/docs/content/page.md", "site/content/docs/content/overview.md", None).unwrap();
        assert_eq!(nested.path, "site/content/docs/content/page.md");
        assert_eq!(repo_path("@/../../x.md", "content/a.md", None), None);
    }

    #[test]
    fn repository_urls_are_paths() {
        let link = resolve("https://github.com/acme/widgets/blob/main/src/net.rs#L12").unwrap();
        assert_eq!((link.path.as_str(), link.fragment), ("src/net.rs", Some(Fragment::Lines { start: 12, end: 12 })));
        assert_eq!(resolve("https://github.com/acme/widgets/tree/main/src/").unwrap().path, "src");
        let gitlab = repo_path(
            "https://gitlab.com/acme/widgets/-/blob/v1.2/lib/a.py",
            "README.md",
            RepoSlug::parse("gitlab.com/acme/widgets").as_ref(),
        )
        .unwrap();
        assert_eq!(gitlab.path, "lib/a.py");
        assert_eq!(resolve("https://github.com/acme/widgets/issues/12"), None);
        assert_eq!(resolve("https://github.com/other/repo/blob/main/src/net.rs"), None);
        assert_eq!(resolve("https://docs.rs/tokio"), None);
        let permalink = resolve("https://github.com/acme/widgets/blob/3f2c9e1b7a/src/gone.rs#L3").unwrap();
        assert_eq!((permalink.path.as_str(), permalink.git_ref.as_deref()), ("src/gone.rs", Some("3f2c9e1b7a")));
        assert_eq!(
            resolve("https://github.com/acme/widgets/blob/v1.2.0/a.rs").unwrap().git_ref.as_deref(),
            Some("v1.2.0")
        );
        assert_eq!(resolve("https://raw.githubusercontent.com/acme/widgets/main/a/b.py").unwrap().path, "a/b.py");
    }

    #[test]
    fn doc_sites_look_in_their_static_folder_and_docs_root() {
        let image = resolve("/img/shot.png").unwrap();
        assert_eq!(
            image.site_fallbacks,
            [
                "docs/design/static/img/shot.png",
                "docs/design/public/img/shot.png",
                "docs/design/.vuepress/public/img/shot.png",
                "docs/static/img/shot.png",
                "docs/public/img/shot.png",
                "docs/.vuepress/public/img/shot.png",
                "static/img/shot.png",
                "public/img/shot.png",
                ".vuepress/public/img/shot.png"
            ]
        );
        assert_eq!(resolve("concepts/a.mdx").unwrap().site_fallbacks, ["docs/concepts/a.mdx"]);
        assert!(resolve("./concepts/a.mdx").unwrap().site_fallbacks.is_empty(), "explicitly beside the page");
        assert!(resolve("src/net.rs").unwrap().site_fallbacks.is_empty(), "code is not a page");
    }

    #[test]
    fn an_anchor_without_a_name_is_a_tooltip_not_a_heading() {
        assert_eq!(resolve("##").unwrap().fragment, None);
        assert_eq!(resolve("#").unwrap().fragment, None);
        assert!(resolve("#setup").unwrap().fragment.is_some());
    }

    #[test]
    fn routes_and_anchors() {
        assert!(resolve("/guide/config").unwrap().route_like);
        assert!(resolve("../api/").unwrap().route_like);
        assert!(resolve("intro.html").unwrap().route_like);
        let in_page = resolve("#retry-policy").unwrap();
        assert_eq!(
            (in_page.path.as_str(), in_page.fragment),
            ("docs/design/net.md", Some(Fragment::Heading { anchor: "retry-policy".into() }))
        );
        assert_eq!(resolve("../guide.md#L10").unwrap().fragment, Some(Fragment::Heading { anchor: "L10".into() }));
        assert_eq!(resolve("mailto:team@acme.dev"), None);
        assert_eq!(resolve("team@acme.dev"), None);
    }
}
