//! Resolving links to files: existence, line ranges, symbol fragments,
//! heading anchors, doc-site routes.

use std::collections::{HashMap, HashSet};
use std::sync::OnceLock;

use super::symbol::symbol_in_file;
use super::{Problem, Resolution, Target};
use crate::index::CodeIndex;
use crate::spec::{is_markdown, Fragment};
use crate::workspace::Workspace;

pub(super) fn resolve_path(
    path: &str,
    fragment: Option<&Fragment>,
    route_like: bool,
    deleted: bool,
    index: &CodeIndex,
    files: &FileFacts,
) -> Resolution {
    let Some(kind) = files.kind(path) else {
        // `guide.html` beside `guide.md`: the page the site renders from it,
        // even when history once held a committed copy of the output.
        if let Some(source) = files.rendered_source(path) {
            return match fragment {
                Some(Fragment::Heading { anchor }) if !files.has_anchor(&source, anchor) => {
                    Resolution::Broken(Problem::MissingHeading { anchor: anchor.clone() }, Vec::new())
                }
                _ => Resolution::Elsewhere {
                    gate: "doc-route",
                    reason: format!("the page the site renders from {source}"),
                },
            };
        }
        // A path a recent commit deleted was a real file, not a generated page.
        return if !deleted && files.is_route(path, route_like, fragment) {
            Resolution::Elsewhere {
                gate: "doc-route",
                reason: "a doc-site route or a page the doc site generates".into(),
            }
        } else {
            Resolution::Broken(Problem::MissingPath, Vec::new())
        };
    };
    let whole = Target::File { path: path.to_string(), lines: None };
    match fragment {
        _ if kind == PathKind::Directory => Resolution::Linked(vec![whole]),
        // Another document: checked, but not a link to code.
        Some(Fragment::Heading { anchor }) => match files.has_anchor(path, anchor) {
            false => Resolution::Broken(Problem::MissingHeading { anchor: anchor.clone() }, Vec::new()),
            true => Resolution::Linked(Vec::new()),
        },
        _ if is_markdown(path) => Resolution::Linked(Vec::new()),
        Some(Fragment::Lines { start, end }) => match files.line_count(path) {
            Some(available) if *end > available => Resolution::Broken(Problem::MissingLines { available }, Vec::new()),
            _ => Resolution::Linked(vec![Target::File { path: path.to_string(), lines: Some((*start, *end)) }]),
        },
        Some(Fragment::Symbol { segments }) => match index.file_index(path) {
            Some(file) => symbol_in_file(file, path, &segments.to_vec(), index, true),
            None => Resolution::Linked(vec![whole]),
        },
        None => Resolution::Linked(vec![whole]),
    }
}

/// `<!-- driftcheck:code path::Symbol -->`: explicit, so no token guard.
pub(super) fn resolve_anchor(
    path: &str,
    symbol: Option<&[String]>,
    index: &CodeIndex,
    files: &FileFacts,
) -> Resolution {
    if files.kind(path).is_none() {
        return Resolution::Broken(Problem::MissingPath, Vec::new());
    }
    match (symbol, index.file_index(path)) {
        (Some(segments), Some(file)) if !segments.is_empty() => symbol_in_file(file, path, segments, index, false),
        _ => Resolution::Linked(vec![Target::File { path: path.to_string(), lines: None }]),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum PathKind {
    File,
    Directory,
}

/// Existence and length of repository paths, from the index where it has
/// the file and from disk otherwise.
pub(super) struct FileFacts<'a, 'w> {
    workspace: &'a Workspace,
    index: &'a CodeIndex<'w>,
    /// Directories that hold indexed code (not the root): an extension-less
    /// link into one is a missing code directory, not a doc-site route.
    code_dirs: HashSet<&'a str>,
    /// The repository builds a doc site (mkdocs, Docusaurus, VitePress,
    /// Hugo, Sphinx, Jekyll): its `.md` links may name generated pages.
    doc_site: bool,
    /// The doc site is built by a tool whose plugins write pages (mkdocs,
    /// Docusaurus, Sphinx, pydoc-markdown): a missing `.md` link may name one.
    generating_site: bool,
    /// Pages whose front matter only a doc-site generator reads
    /// (`sidebar_position`, `slug`, `nav_order`…).
    site_pages: HashSet<&'a str>,
    /// The folders whose pages the repository's doc sites serve
    /// (`site_roots_of`).
    site_roots: Vec<String>,
    /// The extensions the repository's files have (`sh`, `h`, `css`),
    /// gathered the first time a root-relative link needs them.
    extensions: OnceLock<HashSet<String>>,
    /// What each spec page offers as anchors, gathered the first time a
    /// link names one: links cost a lookup each, not a scan of the page.
    anchors: OnceLock<HashMap<&'a str, PageAnchors>>,
    /// The routes doc sites serve the markdown pages at (see
    /// [`FileFacts::is_page_route`]).
    page_routes: Vec<String>,
    /// Markdown paths that build files write, with their folder, and the
    /// file that writes each: built on the first missing page.
    mentioned_pages: OnceLock<HashMap<&'w str, Vec<&'w str>>>,
    /// Folders whose every page code writes by a templated path, with the
    /// file that writes them: built on the first missing page.
    page_folders: OnceLock<HashMap<&'w str, &'w str>>,
    /// The docs are built by Sphinx with MyST, where a link to what is not
    /// a file (`[see](api-validators)`, `[x](attrs.filters.include)`) is a
    /// cross-reference to a label or an object.
    myst_folders: Vec<&'w str>,
    /// The static-asset folders of the repository's doc sites, which serve
    /// root-relative paths (`website/static/` beside
    /// `website/docusaurus.config.js`).
    static_dirs: Vec<String>,
}

/// Extensions of the files docs link to: a link ending in one names a file,
/// never a cross-reference.
const FILE_EXTENSIONS: &[&str] = &[
    "md", "mdx", "rst", "txt", "ipynb", "html", "htm", "pdf", "png", "jpg", "jpeg", "gif", "svg", "webp", "py", "toml",
    "yaml", "yml", "json", "cfg", "ini", "csv", "zip", "gz",
];

/// Extensions of the pages a site renders to `.html` of the same name.
const RENDERED_SOURCE_EXTENSIONS: &[&str] = &["md", "mdx", "markdown", "rst", "adoc", "pug"];

/// File names that configure a documentation site generator, wherever
/// the site lives (`website/docusaurus.config.js`, `docs/mkdocs.yml`).
const DOC_SITE_CONFIGS: &[&str] = &[
    "mkdocs.yml",
    "mkdocs.yaml",
    "docusaurus.config.js",
    "docusaurus.config.ts",
    "docusaurus.config.mjs",
    "hugo.toml",
    "hugo.yaml",
    "_config.yml",
    "antora.yml",
    "book.toml",
    "pydoc-markdown.yml",
    "pydoc-markdown.yaml",
    // Docsify has no configuration file of its own (it is set up in an
    // `index.html`); its sidebar is the mark of its sites.
    "_sidebar.md",
];

/// A doc-site configuration file of the repository's own docs: one of
/// `DOC_SITE_CONFIGS`, a VitePress or VuePress `.vitepress/config.*`, or a Sphinx
/// `conf.py` in a docs folder, the site at most two folders deep
/// (`website/`, `docs/`, `site/docs/` of `site/docs/.vuepress/`) and not in
/// test data, an example or vendored code, where a sample site's config
/// says nothing about these docs.
fn is_doc_site_config(path: &str) -> bool {
    let (dir, name) = path.rsplit_once('/').unwrap_or(("", path));
    let folder = dir.rsplit('/').next().unwrap_or(dir);
    let sample = |dir: &str| {
        matches!(dir, "test" | "tests" | "testdata" | "fixtures" | "examples" | "example" | "vendor" | "templates")
    };
    let theme_folder = matches!(folder, ".vitepress" | ".vuepress");
    let depth = path.matches('/').count() - usize::from(theme_folder);
    if depth > 2 || dir.split('/').any(sample) {
        return false;
    }
    DOC_SITE_CONFIGS.contains(&name)
        || (theme_folder && name.starts_with("config."))
        || (name == "conf.py" && matches!(folder, "docs" | "doc" | "source"))
}

/// Where a doc site configured by `config` may keep the files it serves at
/// its root: `static/` (Docusaurus, Hugo) or `public/` beside the config,
/// and for VitePress and VuePress the `public/` of the folder that holds
/// `.vitepress/` (VuePress 1 also serves `.vuepress/public/`).
fn static_dirs_of(config: &str) -> Vec<String> {
    let dir = config.rsplit_once('/').map_or("", |(dir, _)| dir);
    let (folder_parent, folder) = dir.rsplit_once('/').unwrap_or(("", dir));
    let under = |base: &str, name: &str| if base.is_empty() { name.to_string() } else { format!("{base}/{name}") };
    match folder {
        ".vitepress" => vec![under(folder_parent, "public")],
        ".vuepress" => vec![under(dir, "public"), under(folder_parent, "public")],
        _ => vec![under(dir, "static"), under(dir, "public")],
    }
}

/// The folder whose pages the site configured by `config` serves: the
/// config's own folder (above `.vitepress/` or `.vuepress/`), or for a
/// config at the root, the folder its generator reads by default (`docs/`
/// for MkDocs and most others, `src/` for mdBook, `content/` for Hugo).
fn site_roots_of(config: &str) -> Vec<String> {
    let dir = config.rsplit_once('/').map_or("", |(dir, _)| dir);
    let dir = dir.strip_suffix("/.vitepress").or_else(|| dir.strip_suffix("/.vuepress")).unwrap_or(dir);
    let dir = if matches!(dir, ".vitepress" | ".vuepress") { "" } else { dir };
    let name = config.rsplit('/').next().unwrap_or(config);
    let roots: &[&str] = match name {
        // `website/docusaurus.config.js` often serves `../docs`.
        _ if name.starts_with("docusaurus.config.") => &[dir, "docs"],
        _ if !dir.is_empty() => &[dir],
        "book.toml" => &["src"],
        "mkdocs.yml" | "mkdocs.yaml" => &["docs"],
        _ if name.starts_with("hugo.") => &["content"],
        // VitePress, VuePress, Jekyll and Docsify at the root serve it all.
        _ => &[""],
    };
    roots.iter().map(|root| root.to_string()).collect()
}

/// Whether `path` is inside `folder` (any depth; any folder of the
/// repository, not its top-level files, for the root `""`).
fn in_folder(path: &str, folder: &str) -> bool {
    path.contains('/') && crate::index::in_scope(path, folder)
}

/// Site builders whose plugins write pages from code or scripts; VitePress,
/// VuePress, Hugo, Jekyll and mdBook serve the pages they are given.
fn generates_pages(config: &str) -> bool {
    let name = config.rsplit('/').next().unwrap_or(config);
    name.starts_with("mkdocs.")
        || name.starts_with("docusaurus.config.")
        || name.starts_with("pydoc-markdown.")
        || name == "conf.py"
}

impl<'a, 'w> FileFacts<'a, 'w> {
    pub(super) fn new(workspace: &'a Workspace, index: &'a CodeIndex<'w>) -> Self {
        // A docs folder whose only code is the site's `conf.py` is not a
        // code directory.
        let code_dirs = index
            .files()
            .iter()
            .filter(|file| file.language.is_some() && !is_doc_site_config(&file.path))
            .flat_map(|file| file.path.match_indices('/').map(|(at, _)| &file.path[..at]))
            .collect();
        let site_configs: Vec<&str> =
            workspace.paths.iter().map(String::as_str).filter(|path| is_doc_site_config(path)).collect();
        let doc_site = !site_configs.is_empty();
        let generating_site = site_configs.iter().any(|config| generates_pages(config));
        let site_pages = workspace
            .specs
            .iter()
            .filter(|spec| has_site_front_matter(&spec.source) || has_order_prefix(&spec.path))
            .map(|s| s.path.as_str())
            .collect();
        let page_routes =
            workspace.paths.iter().filter(|path| is_markdown(path)).map(|path| page_route(path)).collect();
        let mentioned_pages = OnceLock::new();
        let myst_folders = index
            .files()
            .iter()
            .filter(|file| file.path.rsplit('/').next() == Some("conf.py") && is_doc_site_config(&file.path))
            .filter(|file| file.source.contains("myst_parser") || file.source.contains("myst_nb"))
            .map(|file| file.path.rsplit_once('/').map_or("", |(dir, _)| dir))
            .collect();
        let static_dirs = site_configs.iter().flat_map(|config| static_dirs_of(config)).collect();
        let site_roots = site_configs.iter().flat_map(|config| site_roots_of(config)).collect();
        FileFacts {
            workspace,
            index,
            code_dirs,
            doc_site,
            generating_site,
            site_pages,
            page_routes,
            mentioned_pages,
            page_folders: OnceLock::new(),
            myst_folders,
            static_dirs,
            site_roots,
            extensions: OnceLock::new(),
            anchors: OnceLock::new(),
        }
    }

    /// Whether a link written as `written` (the destination as in the page)
    /// on `page` is a MyST cross-reference: on a page of a Sphinx site with
    /// MyST, no folder and nothing that names a file (`api-validators`,
    /// `attrs.filters.include`; not `guide.md`, `run.sh`, `CHANGELOG`).
    pub(super) fn is_cross_reference(&self, page: &str, written: &str) -> bool {
        let on_site = self.myst_folders.iter().any(|folder| crate::index::in_scope(page, folder));
        let extension = crate::text::path_extension(written);
        let file_like = extension.is_some_and(|ext| FILE_EXTENSIONS.contains(&ext.as_str()))
            || crate::code::language_for(written).is_some()
            || written.chars().all(|c| !c.is_ascii_lowercase());
        on_site && !written.is_empty() && !written.contains(['/', '#', ':']) && !file_like
    }

    /// The file a doc site serves a root-relative path (`images/a.png` of
    /// `/images/a.png`) from on `page`, when it is one of its static assets.
    /// Not on a page at the repository's root: the forge renders that one,
    /// and resolves `/` to the repository's root.
    pub(super) fn static_asset(&self, page: &str, path: &str) -> Option<String> {
        if !page.contains('/') {
            return None;
        }
        self.static_dirs.iter().map(|dir| format!("{dir}/{path}")).find(|asset| self.kind(asset).is_some())
    }

    /// Whether the repository builds a doc site, whose links resolve in
    /// more places than GitHub's.
    pub(super) fn doc_site(&self) -> bool {
        self.doc_site
    }

    /// Whether a doc site builds this page although the repository holds
    /// no site configuration: the site lives in another repository, and
    /// serves root-relative paths (`/img/a.png`) from there.
    pub(super) fn built_elsewhere(&self, page: &str) -> bool {
        !self.doc_site && self.site_pages.contains(page)
    }

    /// Whether a root-relative `path` on `page` can only be a page the
    /// repository's own doc site renders: the page is one of the site's
    /// (with front matter, which only a site generator reads, or an order
    /// prefix, or in the folder a site configuration serves), and the path
    /// names no file (no image, data
    /// or document extension; `.html` is a rendered page).
    pub(super) fn is_rendered_route(&self, page: &str, path: &str) -> bool {
        let extensions = || {
            let paths = self.workspace.paths.iter();
            self.extensions.get_or_init(|| paths.filter_map(|path| crate::text::path_extension(path)).collect())
        };
        let known = |ext: &String| FILE_EXTENSIONS.contains(&ext.as_str()) || extensions().contains(ext);
        let file = crate::text::path_extension(path).is_some_and(|ext| known(&ext) && !ext.starts_with("htm"));
        let front_matter = || {
            let spec = self.workspace.specs.iter().find(|spec| spec.path == page);
            self.doc_site && spec.is_some_and(|spec| crate::spec::front_matter::entries(&spec.source).next().is_some())
        };
        let on_site = self.site_pages.contains(page)
            || self.site_roots.iter().any(|root| in_folder(page, root))
            || front_matter();
        on_site && !file
    }

    /// Whether a root-relative `path` on `page` leads into a section of the
    /// docs the page is among (`/examples/x` beside `docs/4.examples/`), so
    /// the page it names is one of this repository's, not one the site
    /// adds (`/modules`).
    pub(super) fn names_docs_section(&self, page: &str, path: &str) -> bool {
        let (Some(top), Some(section)) = (page.split('/').next(), path.split('/').next()) else { return false };
        self.page_routes.iter().any(|route| {
            let mut segments = route.split('/');
            segments.next() == Some(top) && segments.next() == Some(section) && segments.next().is_some()
        })
    }

    /// Whether git is told to ignore `path` (see [`GitIgnored`]).
    ///
    /// [`GitIgnored`]: crate::discover::GitIgnored
    pub(super) fn is_git_ignored(&self, path: &str) -> bool {
        self.workspace.git_ignored.ignores(path)
    }

    pub(super) fn kind(&self, path: &str) -> Option<PathKind> {
        if self.index.file_index(path).is_some() || self.workspace.paths.contains(path) {
            return Some(PathKind::File);
        }
        (path.is_empty() || self.workspace.dirs.contains(path)).then_some(PathKind::Directory)
    }

    /// Lines of a file; `None` when it is too large to read (then any range
    /// is believed).
    fn line_count(&self, path: &str) -> Option<usize> {
        let count = |text: &str| text.lines().count();
        if let Some(file) = self.index.file_index(path) {
            return Some(count(&self.index.files()[file].source));
        }
        let full = self.workspace.root.join(path);
        let size = std::fs::metadata(&full).ok()?.len();
        if size > self.workspace.config.max_file_size {
            return None;
        }
        std::fs::read(&full).ok().map(|bytes| count(&String::from_utf8_lossy(&bytes)))
    }

    /// The page a missing `.html` path is rendered from: the markdown,
    /// reStructuredText, AsciiDoc or Pug page of the same name beside it
    /// (`docs/guide.html` from `docs/guide.md`).
    fn rendered_source(&self, path: &str) -> Option<String> {
        let stem = path.strip_suffix(".html").or_else(|| path.strip_suffix(".htm"))?;
        RENDERED_SOURCE_EXTENSIONS.iter().map(|ext| format!("{stem}.{ext}")).find(|source| self.kind(source).is_some())
    }

    /// A link to a missing path that is not worth reporting: a doc-site
    /// route, or a page the doc site generates.
    fn is_route(&self, path: &str, route_like: bool, fragment: Option<&Fragment>) -> bool {
        if route_like && self.is_page_route(path) {
            return true;
        }
        if route_like {
            let parent = path.rsplit_once('/').map_or("", |(dir, _)| dir);
            return parent.is_empty() || !self.code_dirs.contains(parent);
        }
        // `../api/pkg.md#pkg.Settings`: a page generated from the code.
        let api_page = matches!(fragment, Some(Fragment::Heading { anchor }) if anchor.contains('.'));
        is_markdown(path) && (self.generating_site || api_page)
    }

    /// `../standalone` for `docs/standalone.md`, `/examples/handle-cookie`
    /// for `docs/4.examples/handle-cookie.md`: the route of a page of the
    /// docs, as doc sites serve it (without its extension, its `README` or
    /// `index`, and without the `4.` that orders folders in Nuxt Content).
    fn is_page_route(&self, path: &str) -> bool {
        let route = path.trim_end_matches('/');
        self.page_routes.iter().any(|page| {
            page == route || page.strip_suffix(route).is_some_and(|rest| rest.ends_with('/')) && !route.is_empty()
        })
    }

    /// A missing markdown page that a file building the docs names (a
    /// `mkdocs.yml` nav entry, a script that renders `docs/reference/cli.md`):
    /// the page is generated when the docs are built.
    pub(super) fn generator_of(&self, path: &str, deleted: bool) -> Option<&'w str> {
        if let Some(writer) = self.page_folder_writer(path) {
            return Some(writer);
        }
        if !is_markdown(path) {
            return None;
        }
        let mentioned = self.mentioned_pages.get_or_init(|| {
            let mut mentioned: HashMap<&'w str, Vec<&'w str>> = HashMap::new();
            for file in self.index.files().iter().filter(|file| is_docs_builder(&file.path)) {
                for page in markdown_paths_in(&file.source) {
                    mentioned.entry(page).or_default().push(file.path.as_str());
                }
            }
            mentioned
        });
        // A page a commit deleted was a real file: only a site's nav says it
        // is written at build time now, not a script's stale list.
        let counts = |builder: &&&str| !deleted || is_doc_site_config(builder);
        // With its folder at least: `reference/cli.md`, `docs/contributing.md`.
        let mut builders = folder_tails(path).filter_map(|tail| mentioned.get(tail)).flatten();
        builders.find(counts).copied()
    }

    /// The code that writes every HTML page of the folder `path` is in, by a
    /// templated path (`docs/api/${name}.html`, `f"docs/api/{name}.html"`):
    /// each page there is generated, whether or not history once held a
    /// committed copy.
    fn page_folder_writer(&self, path: &str) -> Option<&'w str> {
        let (folder, page) = path.rsplit_once('/')?;
        let extension = page.rsplit_once('.').map(|(_, ext)| ext)?;
        if !matches!(extension, "html" | "htm") {
            return None;
        }
        let writers = self.page_folders.get_or_init(|| {
            let library = self.index.files().iter().filter(|file| !crate::index::is_test_path(&file.path));
            let mut writers: HashMap<&'w str, &'w str> = HashMap::new();
            for file in library {
                for folder in &file.page_folders {
                    writers.entry(folder.as_str()).or_insert(file.path.as_str());
                }
            }
            writers
        });
        // Every key has a folder in it, as `folder_tails` gives.
        folder_tails(folder).find_map(|tail| writers.get(tail)).copied()
    }

    /// Whether a markdown file has an anchor: a heading slug, an explicit
    /// clause id, or an HTML `id`/`name`. Compared loosely (letters and
    /// digits only), as doc sites slug headings slightly differently. A
    /// markdown file driftcheck did not read is believed.
    fn has_anchor(&self, path: &str, anchor: &str) -> bool {
        // HTML scrolls `#top` to the top of any page; doc sites (Starlight,
        // Docusaurus) give the page title `_top`.
        if anchor.eq_ignore_ascii_case("top") || anchor == "_top" {
            return true;
        }
        let pages = self.anchors.get_or_init(|| {
            self.workspace.specs.iter().map(|spec| (spec.path.as_str(), PageAnchors::of(spec))).collect()
        });
        let Some(page) = pages.get(path) else { return true };
        page.any
            || page.loose.contains(&loose(anchor.strip_prefix("user-content-").unwrap_or(anchor)))
            || page.html.contains(anchor)
    }
}

/// The anchors a page offers, gathered once.
struct PageAnchors {
    /// Any anchor is believed: the page includes another file, or an
    /// mkdocs plugin writes its headings when the site is built.
    any: bool,
    /// Heading slugs and explicit clause ids, compared loosely (letters and
    /// digits only, lower case), as doc sites slug headings slightly
    /// differently.
    loose: HashSet<String>,
    /// HTML `id`/`name` attributes and `{#id}` attribute lists.
    html: HashSet<String>,
}

impl PageAnchors {
    fn of(spec: &crate::spec::SpecFile) -> PageAnchors {
        // `::: mkdocs-click`, `::: pkg.module`: mkdocs plugins write the
        // headings of this page when the site is built (not `::: tip`, a
        // VuePress container).
        let plugin = |line: &str| {
            line.strip_prefix("::: ").and_then(|rest| rest.split_whitespace().next()).is_some_and(|directive| {
                let dotted = directive.contains('.') && !directive.starts_with('.') && !directive.ends_with('.');
                let plain = directive.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '_' | '-'));
                plain && (directive.starts_with("mkdocs-") || dotted)
            })
        };
        let any = crate::spec::includes_other_files(&spec.source) || spec.source.lines().any(plugin);
        let slugs = spec.sections.iter().map(|s| loose(&s.slug));
        // Each id is written, cut and let go in turn: a large spec holds a
        // million clauses.
        let ids = spec.clauses.iter().filter_map(|c| c.id().to_string().split_once('#').map(|(_, id)| loose(id)));
        PageAnchors { any, loose: slugs.chain(ids).collect(), html: html_anchors(&spec.source) }
    }
}

fn loose(text: &str) -> String {
    text.chars().filter(|c| c.is_alphanumeric()).flat_map(char::to_lowercase).collect()
}

/// Files that build the docs: a site configuration (its nav lists the
/// pages plugins write) or a script in a `scripts/`, `tasks/` or `tools/`
/// folder. Not CI configuration, a labeler's or a linter's list of paths.
fn is_docs_builder(path: &str) -> bool {
    let mut folders = path.split('/').rev().skip(1);
    is_doc_site_config(path) || folders.any(|folder| matches!(folder, "scripts" | "script" | "tasks" | "tools"))
}

/// The markdown paths with a folder that a text writes, and each of their
/// tails with a folder: `"docs/reference/cli.md"` gives that and
/// `reference/cli.md`.
fn markdown_paths_in(source: &str) -> impl Iterator<Item = &str> {
    let path_char = |c: char| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '.' | '/');
    source.match_indices(".md").flat_map(move |(at, _)| {
        let end = at + 3 + usize::from(source[at + 3..].starts_with('x'));
        let before = source[..at].char_indices().rev().find(|(_, c)| !path_char(*c));
        let start = before.map_or(0, |(i, c)| i + c.len_utf8());
        let page = source[start..end].trim_start_matches("./");
        folder_tails(page)
    })
}

/// A path and each of its tails that still has a folder:
/// `docs/reference/cli.md`, `reference/cli.md`.
fn folder_tails(path: &str) -> impl Iterator<Item = &str> {
    let tails = std::iter::once(path).chain(path.match_indices('/').map(move |(at, _)| &path[at + 1..]));
    tails.filter(|tail| tail.contains('/') && !tail.starts_with('/'))
}

/// `docs/4.examples/handle-cookie.md` → `docs/examples/handle-cookie`;
/// `docs/guide/README.md` → `docs/guide`.
fn page_route(path: &str) -> String {
    let without_extension = path.rsplit_once('.').map_or(path, |(stem, _)| stem);
    let segments: Vec<&str> = without_extension
        .split('/')
        .map(|segment| crate::text::strip_order_prefix(segment).unwrap_or(segment))
        .collect();
    let (last, folders) = segments.split_last().unwrap_or((&"", &[]));
    match last.to_ascii_lowercase().as_str() {
        "readme" | "index" | "_index" => folders.join("/"),
        _ => segments.join("/"),
    }
}

/// Front-matter keys that only a doc-site generator reads: Docusaurus's
/// `slug` and `sidebar_*` (not `id`, which an ADR has too), Jekyll's `permalink`, `layout` and
/// `nav_order`, Hugo's `weight`.
const SITE_FRONT_MATTER: &[&str] =
    &["slug", "sidebar_position", "sidebar_label", "permalink", "layout", "nav_order", "weight"];

/// True when the page opens with front matter that has one of
/// [`SITE_FRONT_MATTER`].
fn has_site_front_matter(source: &str) -> bool {
    crate::spec::front_matter::entries(source).any(|(key, _)| SITE_FRONT_MATTER.contains(&key))
}

/// `docs/1.getting-started/04.views.md`: folders and pages named with the
/// order a doc site (Nuxt Content) sorts them by, which only that site
/// reads; two of them, so that a version folder (`docs/2.x/`) is not one.
fn has_order_prefix(path: &str) -> bool {
    let ordered = |part: &&str| {
        crate::text::strip_order_prefix(part)
            .is_some_and(|rest| rest.bytes().take_while(u8::is_ascii_alphabetic).count() >= 2)
    };
    path.split('/').filter(ordered).count() >= 2
}

/// The most characters an anchor's id is looked for over.
const ATTRIBUTE_REACH: usize = 256;

/// `<a name="x">`, `<span id="x">`, `<a id=x>`, `{#x}`, `{ #x .class }`:
/// anchors written by hand, on headings or anywhere else.
fn html_anchors(source: &str) -> HashSet<String> {
    let mut anchors = HashSet::new();
    for quoted in ["id=\"", "name=\"", "id='"] {
        let close = if quoted.ends_with('\'') { '\'' } else { '"' };
        for (at, _) in source.match_indices(quoted) {
            let rest = &source[at + quoted.len()..];
            if let Some((end, _)) = rest.char_indices().take(ATTRIBUTE_REACH).find(|(_, c)| *c == close) {
                anchors.insert(rest[..end].to_string());
            }
        }
    }
    // Unquoted HTML attribute values start an attribute (`<a id=x>`, not
    // `?uuid=x`) and end at white space, `>` or `/`.
    for unquoted in ["id=", "name="] {
        for (at, _) in source.match_indices(unquoted) {
            let rest = &source[at + unquoted.len()..];
            if !source[..at].ends_with(char::is_whitespace) || rest.starts_with(['"', '\'']) {
                continue;
            }
            let end =
                rest.char_indices().take(ATTRIBUTE_REACH).find(|(_, c)| c.is_whitespace() || *c == '>' || *c == '/');
            if let Some((end, _)) = end {
                anchors.insert(rest[..end].to_string());
            }
        }
    }
    // Attribute lists: `## Title {#custom-id}`, `{: #custom-id }`.
    for (at, _) in source.match_indices('#') {
        let before = source[..at].trim_end_matches([' ', ':']);
        let rest = &source[at + 1..];
        if !before.ends_with('{') {
            continue;
        }
        // An id is short: look a little way only, so that a page of `{#`
        // costs each one the same.
        let end = rest.char_indices().take(ATTRIBUTE_REACH).find(|(_, c)| matches!(c, ' ' | '}' | '\t' | '\n'));
        if let Some((end, ' ' | '}' | '\t')) = end {
            anchors.insert(rest[..end].to_string());
        }
    }
    anchors
}

#[cfg(test)]
mod tests {
    use super::{
        generates_pages, has_order_prefix, has_site_front_matter, html_anchors, in_folder, is_doc_site_config,
        is_docs_builder, markdown_paths_in, page_route, site_roots_of, static_dirs_of,
    };

    #[test]
    fn doc_sites_serve_their_static_folders_at_the_root() {
        for (config, expected) in [
            ("website/docusaurus.config.js", vec!["website/static", "website/public"]),
            ("hugo.toml", vec!["static", "public"]),
            ("docs/.vitepress/config.ts", vec!["docs/public"]),
            (".vuepress/config.js", vec![".vuepress/public", "public"]),
        ] {
            assert_eq!(static_dirs_of(config), expected, "{config}");
        }
    }

    #[test]
    fn doc_site_configs_of_the_repositorys_own_docs() {
        for config in [
            "mkdocs.yml",
            "website/docusaurus.config.js",
            "docs/.vitepress/config.mts",
            "docs/conf.py",
            "site/docs/.vuepress/config.js",
            "docs/en/_sidebar.md",
        ] {
            assert!(is_doc_site_config(config), "{config}");
        }
        for other in [
            "tests/fixtures/site/mkdocs.yml",
            "examples/blog/hugo.toml",
            "a/b/c/d/mkdocs.yml",
            "src/conf.py",
            "a/b/c/.vitepress/config.ts",
        ] {
            assert!(!is_doc_site_config(other), "{other}");
        }
    }

    #[test]
    fn the_folder_a_site_serves() {
        for (config, roots) in [
            ("mkdocs.yml", &["docs"][..]),
            ("book.toml", &["src"]),
            ("hugo.toml", &["content"]),
            ("doc/book.toml", &["doc"]),
            ("site/docs/.vuepress/config.js", &["site/docs"]),
            (".vitepress/config.ts", &[""]),
            ("_config.yml", &[""]),
            ("website/docusaurus.config.js", &["website", "docs"]),
        ] {
            assert_eq!(site_roots_of(config), roots, "{config}");
        }
        assert!(in_folder("docs/a/b.md", "docs") && !in_folder("docsy/b.md", "docs"));
        assert!(in_folder("guide/a.md", "") && !in_folder("README.md", ""), "the root serves its folders");
    }

    #[test]
    fn files_that_build_the_docs() {
        for builder in ["mkdocs.yml", "scripts/prepare-site", "tasks/render_reference_docs.py"] {
            assert!(is_docs_builder(builder), "{builder}");
        }
        for other in [".github/labeler.yml", "src/lib.rs", "package.json"] {
            assert!(!is_docs_builder(other), "{other}");
        }
    }

    #[test]
    fn markdown_paths_a_build_file_writes() {
        let script = "copy CONTRIBUTING.md docs/contributing.md\nOUT = ROOT / “cli.md”\nnav: [./reference/api.mdx]\n";
        let found: Vec<&str> = markdown_paths_in(script).collect();
        assert_eq!(found, ["docs/contributing.md", "reference/api.mdx"]);
    }

    #[test]
    fn only_some_site_builders_write_pages() {
        for config in ["mkdocs.yml", "website/docusaurus.config.ts", "docs/conf.py", "pydoc-markdown.yml"] {
            assert!(generates_pages(config), "{config}");
        }
        for config in ["docs/.vuepress/config.js", "docs/.vitepress/config.ts", "book.toml", "hugo.toml", "_config.yml"]
        {
            assert!(!generates_pages(config), "{config}");
        }
    }

    #[test]
    fn routes_of_pages() {
        assert_eq!(page_route("docs/4.examples/handle-cookie.md"), "docs/examples/handle-cookie");
        assert_eq!(page_route("docs/guide/README.md"), "docs/guide");
        assert_eq!(page_route("docs/standalone.md"), "docs/standalone");
        assert_eq!(page_route("docs/v1.2/notes.md"), "docs/v1.2/notes");
    }

    #[test]
    fn pages_a_doc_site_builds() {
        assert!(has_site_front_matter("---\nid: benchmarks\nslug: /benchmarks\n---\n# B\n"));
        assert!(!has_site_front_matter("---\nid: 1\nstatus: accepted\n---\n# ADR\n"));
        assert!(has_site_front_matter("---\ntitle: A\nsidebar_position: 2\n---\n"));
        assert!(!has_site_front_matter("---\ntitle: A\n---\nid: not front matter\n"));
        assert!(!has_site_front_matter("# A\n\nid: 3\n"));
        assert!(has_order_prefix("docs/1.getting-started/04.views.md"));
        assert!(has_order_prefix("docs/7.migration/2.server.md"));
        assert!(!has_order_prefix("docs/7.migration/index.md"));
        assert!(!has_order_prefix("docs/2.x/3.x/install.md"));
        assert!(!has_order_prefix("docs/v1.2.md"));
        assert!(!has_order_prefix("docs/1.2.md"));
    }

    #[test]
    fn anchors_written_by_hand() {
        let source = "<a id=\"opt-level\"></a>\n<a id=opt-customlevels></a>\n## Setup {#setup}\n<a name=faq/>\n";
        let anchors = html_anchors(source);
        for anchor in ["opt-level", "opt-customlevels", "setup", "faq"] {
            assert!(anchors.contains(anchor), "{anchor}");
        }
        assert!(!html_anchors("see https://x.org/?uuid=faq more").contains("faq"), "part of a URL");
        for anchor in ["opt-custom", "level", "set"] {
            assert!(!anchors.contains(anchor), "{anchor}");
        }
    }
}
