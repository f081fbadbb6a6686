//! Names a code example imports from a package: `from mypkg.db import
//! Pool`, `import { createStore } from "mypkg"`, `use mycrate::db::Pool;`.
//! Examples are not references — except these: an example importing a name
//! the repository's own package no longer exports is drift. Which package
//! is the repository's own is for the linker to say (it knows the
//! manifests); this only finds the imports.

/// One imported name: its path from the package root, and where the name
/// stands in the line.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Import {
    /// `["mypkg", "db", "Pool"]`.
    pub segments: Vec<String>,
    /// Byte offset of the imported name in the line.
    pub offset: usize,
    /// How the example's language joins a path: `.` or `::`.
    pub separator: &'static str,
}

/// The imports one line of example code makes.
pub fn imports(line: &str) -> Vec<Import> {
    let trimmed = line.trim_start();
    let indent = line.len() - trimmed.len();
    let found = python(trimmed).or_else(|| javascript(trimmed)).or_else(|| rust(trimmed)).unwrap_or_default();
    found.into_iter().map(|import| Import { offset: import.offset + indent, ..import }).collect()
}

impl Import {
    /// The path as the example's language writes it: `mypkg.db.Pool`.
    pub fn text(&self) -> String {
        self.segments.join(self.separator)
    }
}

/// `from pkg.sub import A, B as C`.
fn python(line: &str) -> Option<Vec<Import>> {
    let rest = line.strip_prefix("from ")?;
    let (module, names) = rest.split_once(" import ")?;
    let module: Vec<String> = module.trim().split('.').map(str::to_string).collect();
    if module.iter().any(|part| !is_identifier(part)) {
        return None;
    }
    let names_start = line.len() - names.len();
    Some(listed(names, names_start, &module, "."))
}

/// `import { a, b as c } from "pkg/sub"`, `import type { T } from 'pkg'`.
fn javascript(line: &str) -> Option<Vec<Import>> {
    let rest = line.strip_prefix("import ")?;
    let rest = rest.strip_prefix("type ").unwrap_or(rest);
    let open = rest.find('{')?;
    let close = rest.find('}')?;
    let source = rest[close..].split(['"', '\'']).nth(1)?;
    let package: Vec<String> = source.split('/').filter(|p| !p.is_empty() && *p != ".").map(str::to_string).collect();
    // Relative imports are the example's own files.
    if source.starts_with('.') || package.is_empty() {
        return None;
    }
    let names = rest.get(open + 1..close)?;
    let names_start = line.len() - rest.len() + open + 1;
    // `@acme/widgets/sub`: a scoped package's name is its first two parts.
    let root = match package.as_slice() {
        [scope, name, ..] if scope.starts_with('@') => vec![format!("{scope}/{name}")],
        _ => package[..1].to_vec(),
    };
    Some(listed(names, names_start, &root, "."))
}

/// `use mycrate::db::{Pool, Conn};`, `use mycrate::db::Pool;`.
fn rust(line: &str) -> Option<Vec<Import>> {
    let rest = line.strip_prefix("pub ").unwrap_or(line).strip_prefix("use ")?;
    let body = rest.trim_end().trim_end_matches(';');
    let body_start = line.len() - rest.len();
    match body.split_once("::{") {
        Some((path, names)) => {
            let module: Vec<String> = path.split("::").map(str::to_string).collect();
            let names = names.strip_suffix('}')?;
            Some(listed(names, body_start + path.len() + 3, &module, "::"))
        }
        None => {
            let path = body.split(" as ").next()?;
            let segments: Vec<String> = path.split("::").map(str::to_string).collect();
            let all_identifiers = segments.iter().all(|s| is_identifier(s));
            let offset = body_start + path.rfind("::").map_or(0, |at| at + 2);
            (segments.len() > 1 && all_identifiers).then(|| vec![Import { segments, offset, separator: "::" }])
        }
    }
}

/// `A, B as C` after a module path: one import per name.
fn listed(names: &str, names_start: usize, module: &[String], separator: &'static str) -> Vec<Import> {
    let mut found = Vec::new();
    let mut at = 0;
    for part in names.split(',') {
        let name = part.split(" as ").next().unwrap_or("").trim().trim_matches(['(', ')']);
        let offset = names_start + at + part.find(name).unwrap_or(0);
        at += part.len() + 1;
        if is_identifier(name) && name != "*" {
            let mut segments = module.to_vec();
            segments.push(name.to_string());
            found.push(Import { segments, offset, separator });
        }
    }
    found
}

fn is_identifier(word: &str) -> bool {
    super::shape::is_identifier(word)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn paths(line: &str) -> Vec<(String, String)> {
        imports(line)
            .into_iter()
            .map(|import| (import.segments.join("."), line[import.offset..].chars().take(4).collect()))
            .collect()
    }

    fn pair(path: &str, at: &str) -> (String, String) {
        (path.to_string(), at.to_string())
    }

    #[test]
    fn finds_imports_in_three_languages() {
        assert_eq!(
            paths("from mypkg.db import Pool, Conn as C"),
            [pair("mypkg.db.Pool", "Pool"), pair("mypkg.db.Conn", "Conn")]
        );
        assert_eq!(
            paths("    import { createStore, type Api as A } from \"mypkg/vanilla\";"),
            [pair("mypkg.createStore", "crea")]
        );
        assert_eq!(
            paths("use mycrate::db::{Pool, Conn};"),
            [pair("mycrate.db.Pool", "Pool"), pair("mycrate.db.Conn", "Conn")]
        );
        assert_eq!(paths("use mycrate::db::Pool;"), [pair("mycrate.db.Pool", "Pool")]);
    }

    #[test]
    fn other_lines_import_nothing() {
        for line in ["import os", "import x from './local'", "let pool = Pool::new();", "use std;", "from . import x"] {
            assert!(imports(line).is_empty(), "{line}");
        }
    }
}
