//! `driftcheck init`: a commented driftcheck.toml with what this repository
//! actually has.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::config::FILE_NAME;
use crate::Error;

/// Directories that hold other people's code or generated files: their
/// names still count as uses, but nobody documents them here.
const VENDORED: &[&str] = &["vendor", "third_party", "third-party", "external", "dist", "build"];

/// Writes the configuration; returns its path and text for the caller to show.
pub fn run(directory: &Path, force: bool) -> Result<(PathBuf, String), Error> {
    let file = directory.join(FILE_NAME);
    if file.exists() && !force {
        return Err(Error::Usage(format!("{} already exists; pass --force to overwrite it", file.display())));
    }
    let text = render(directory);
    crate::fsutil::write_atomically(&file, text.as_bytes())?;
    Ok((file, text))
}

fn render(directory: &Path) -> String {
    // `check` refuses a glob that matches nothing: write only those that match.
    let files = crate::discover::discover(&crate::config::Config::defaults(directory.to_path_buf())).paths;
    let mut specs = detected_specs(directory);
    specs.retain(|glob| crate::config::glob_matches_any(glob, files.iter()));
    let code = detected_code(directory);
    let languages = detected_languages(directory);
    let quote = |globs: &[String]| globs.iter().map(|g| format!("\"{g}\"")).collect::<Vec<_>>().join(", ");
    let mut text = String::from("# driftcheck configuration: https://github.com/driftcheck/driftcheck\n\n");
    text.push_str("# Markdown files whose clauses are checked against the code.\n");
    text.push_str(&format!("specs = [{}]\n\n", quote(&specs)));
    text.push_str("# Files indexed for symbols");
    if !languages.is_empty() {
        text.push_str(&format!(" (found: {})", languages.join(", ")));
    }
    text.push_str(". Files without a grammar still count as uses of names.\n");
    text.push_str(&format!("code = [{}]\n\n", quote(&code)));
    text.push_str("# Paths never read (in addition to .gitignore).\n");
    text.push_str(&format!("ignore = [{}]\n\n", quote(&detected_vendored(directory))));
    text.push_str("# Repository whose web URLs (…/blob/main/src/x.rs) count as links to files here.\n");
    text.push_str("# Default: the `origin` git remote.\n# repository = \"github.com/OWNER/REPO\"\n\n");
    text.push_str(
        "# Severity per rule: error, warning, info or off. `driftcheck explain --list` lists them.\n[rules]\n",
    );
    text.push_str("# unlinked-requirement = \"warning\"\n");
    text
}

/// Where projects keep their docs: spec and design folders, doc sites
/// (Docusaurus `website/`, `www/docs/`), mdBook's `book/src/`, Hugo's
/// `content/`.
const DOC_DIRECTORIES: &[&str] = &[
    "specs",
    "spec",
    "docs",
    "doc",
    "documentation",
    "design",
    "rfcs",
    "adr",
    "www/docs",
    "website",
    "book/src",
    "content",
    "site",
    "guide",
    "guides",
    "manual",
];

fn detected_specs(directory: &Path) -> Vec<String> {
    let mut globs = Vec::new();
    for dir in DOC_DIRECTORIES {
        if directory.join(dir).is_dir() {
            globs.push(format!("{dir}/**/*.md"));
            globs.push(format!("{dir}/**/*.mdx"));
        }
    }
    for pages in site_page_folders(directory) {
        let glob = format!("{pages}/**/*.md");
        let covered = DOC_DIRECTORIES.iter().any(|dir| pages == *dir || pages.starts_with(&format!("{dir}/")));
        // mdBook, Hugo and mkdocs write their pages in markdown, not MDX.
        if !globs.contains(&glob) && !covered {
            globs.push(glob);
        }
    }
    globs.push("*.md".to_string());
    if has_nested_readme(directory) {
        // Packages of a monorepo and example folders document themselves.
        globs.push("**/README.md".to_string());
    }
    globs
}

/// A site generator's configuration file, and the folder beside it that
/// holds the site's pages: mdBook's `src/`, Hugo's `content/`, mkdocs's
/// `docs/`.
const SITE_PAGE_FOLDERS: &[(&str, &str)] = &[
    ("book.toml", "src"),
    ("hugo.toml", "content"),
    ("hugo.yaml", "content"),
    ("hugo.yml", "content"),
    ("hugo.json", "content"),
    // Hugo's older name, and Zola's: only with a `content/` beside it.
    ("config.toml", "content"),
    ("config.yaml", "content"),
    ("mkdocs.yml", "docs"),
    ("mkdocs.yaml", "docs"),
];

/// Folders (relative, `/`-separated) of the pages of sites configured
/// below the root (`www/content` beside `www/hugo.yaml`, `guide/src`
/// beside `guide/book.toml`), with the configuration at most two folders
/// deep.
fn site_page_folders(directory: &Path) -> Vec<String> {
    let mut found: Vec<String> = ignore::WalkBuilder::new(directory)
        .max_depth(Some(3))
        .build()
        .flatten()
        .filter_map(|entry| {
            let name = entry.file_name().to_str()?;
            let (_, pages) = SITE_PAGE_FOLDERS.iter().find(|(config, _)| *config == name)?;
            let parent = entry.path().parent()?.strip_prefix(directory).ok()?;
            let relative = parent.to_string_lossy().replace('\\', "/");
            let folder = if relative.is_empty() { pages.to_string() } else { format!("{relative}/{pages}") };
            directory.join(&folder).is_dir().then_some(folder)
        })
        .collect();
    found.sort();
    found.dedup();
    found
}

/// A README below the root, outside vendored, test and dependency folders.
fn has_nested_readme(directory: &Path) -> bool {
    ignore::WalkBuilder::new(directory).max_depth(Some(4)).build().flatten().take(50_000).any(|entry| {
        let Ok(relative) = entry.path().strip_prefix(directory) else { return false };
        let path = relative.to_string_lossy().replace('\\', "/");
        let nested = path.contains('/') && path.ends_with("/README.md");
        let skipped = path.split('/').any(|dir| VENDORED.contains(&dir) || dir == "node_modules");
        nested && !skipped && !crate::index::is_test_path(&path)
    })
}

/// Everything is code by default: a file outside the listed directories
/// would otherwise make references into it look dangling.
fn detected_code(_directory: &Path) -> Vec<String> {
    vec!["**".to_string()]
}

fn detected_vendored(directory: &Path) -> Vec<String> {
    let vendored = VENDORED.iter().filter(|dir| directory.join(dir).is_dir()).map(|dir| format!("{dir}/**"));
    vendored.chain(detected_doc_copies(directory)).collect()
}

/// Copies of the docs a doc site keeps beside them: Docusaurus's
/// `versioned_docs/`, frozen snapshots of past releases, whose old names
/// are history. Translations stay: a translated page that names removed
/// code has drifted too.
fn detected_doc_copies(directory: &Path) -> Vec<String> {
    let walk = ignore::WalkBuilder::new(directory).max_depth(Some(3)).build().flatten();
    let mut copies: Vec<String> = walk
        .filter(|entry| entry.file_type().is_some_and(|t| t.is_dir()))
        .filter(|entry| entry.file_name() == "versioned_docs")
        .filter_map(|entry| entry.path().strip_prefix(directory).ok().map(|p| format!("{}/**", p.to_string_lossy())))
        .collect();
    copies.sort();
    copies
}

/// Languages with a grammar, by number of files (most first).
fn detected_languages(directory: &Path) -> Vec<&'static str> {
    let mut counts: BTreeMap<&'static str, usize> = BTreeMap::new();
    for entry in ignore::WalkBuilder::new(directory).build().flatten().take(50_000) {
        let path = entry.path().to_string_lossy();
        if let Some((language, _)) = crate::code::language_for(&path) {
            *counts.entry(language.name()).or_default() += 1;
        }
    }
    let mut sorted: Vec<_> = counts.into_iter().collect();
    sorted.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
    sorted.into_iter().map(|(name, _)| name).collect()
}
