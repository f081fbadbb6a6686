//! Package manifests (`Cargo.toml`, `package.json`, `pyproject.toml`,
//! `go.mod`, `pom.xml`, `build.gradle`, `requirements*.txt`): the names the
//! repository publishes its code under, and the names of what it depends on.
//!
//! A reference qualified with one of our own names (`mycrate::db::Pool`,
//! `from mypkg import Client`) is a claim about this repository's API; one
//! qualified with a dependency's name (`serde_json::Value`) is about someone
//! else's. Both are evidence, read once at the edge with the other files.

use std::collections::{BTreeSet, HashSet};
use std::path::Path;

/// Names from every manifest of the repository, normalised by [`normalise`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifests {
    /// Package, crate, module and artifact names this repository defines.
    pub own: BTreeSet<String>,
    /// Names of declared dependencies (never one of `own`).
    pub dependencies: BTreeSet<String>,
}

/// Manifests deeper than this are examples, fixtures or vendored copies.
const MAX_DEPTH: usize = 3;

impl Manifests {
    /// Reads the manifests among `paths` (root-relative) under `root`.
    /// Unreadable or malformed manifests contribute nothing.
    pub fn read(root: &Path, paths: &HashSet<String>) -> Manifests {
        let mut manifests = Manifests::default();
        let mut sorted: Vec<&String> = paths.iter().filter(|p| is_manifest(p)).collect();
        sorted.sort();
        for path in sorted {
            let Ok(text) = std::fs::read_to_string(root.join(path)) else { continue };
            manifests.add(path, &text);
        }
        // Python packages are directories with an `__init__.py`.
        for path in paths {
            let parts: Vec<&str> = path.split('/').collect();
            if let [package, "__init__.py"] | ["src", package, "__init__.py"] = parts.as_slice() {
                manifests.own.insert(normalise(package));
            }
        }
        let own = manifests.own.clone();
        manifests.dependencies.retain(|name| !own.contains(name));
        manifests
    }

    /// Adds what one manifest declares.
    pub fn add(&mut self, path: &str, text: &str) {
        let file = path.rsplit('/').next().unwrap_or(path);
        match file {
            "Cargo.toml" => self.cargo(text),
            "package.json" => self.npm(text),
            "pyproject.toml" => self.pyproject(text),
            "go.mod" => self.go_mod(text),
            "pom.xml" => self.pom(text),
            "setup.py" => self.own.extend(quoted_after(text, "name=").map(|n| normalise(&n))),
            _ if file.starts_with("build.gradle") => self.gradle(text),
            _ if file.starts_with("requirements") => self.requirements(text),
            _ => {}
        }
    }

    /// True when a Go import path is this module's or one of its packages
    /// (`github.com/acme/netkit/client` under module `github.com/acme/netkit`).
    pub fn owns_go_path(&self, import: &str) -> bool {
        let import = import.to_ascii_lowercase();
        let owned = |prefix: &str| prefix.contains('/') && self.own.contains(prefix);
        owned(&import) || import.match_indices('/').any(|(at, _)| owned(&import[..at]))
    }

    /// True when `name` (as written in a spec) is one of ours.
    pub fn is_own(&self, name: &str) -> bool {
        self.own.contains(&normalise(name))
    }

    /// An import root that names the importing code's own package whatever
    /// the manifests say: Rust's `crate`, `self`, `super`, and the path
    /// aliases bundlers map to the project (`@/…`, `~/…`, `$lib`, `#…`).
    pub fn is_local_import(root: &str) -> bool {
        matches!(root, "crate" | "self" | "super" | "@" | "~" | "$lib" | "#")
    }

    /// True when `name` (as written in a spec) is a declared dependency.
    pub fn is_dependency(&self, name: &str) -> bool {
        self.dependencies.contains(&normalise(name))
    }

    fn cargo(&mut self, text: &str) {
        let Ok(value) = text.parse::<toml::Table>() else { return };
        for section in ["package", "lib"] {
            let name = value.get(section).and_then(|p| p.get("name")).and_then(toml::Value::as_str);
            self.own.extend(name.map(normalise));
        }
        let mut tables: Vec<&toml::Value> = Vec::new();
        for key in ["dependencies", "dev-dependencies", "build-dependencies"] {
            tables.extend(value.get(key));
            tables.extend(value.get("workspace").and_then(|w| w.get(key)));
        }
        if let Some(targets) = value.get("target").and_then(toml::Value::as_table) {
            for target in targets.values() {
                tables.extend(["dependencies", "dev-dependencies"].iter().filter_map(|key| target.get(*key)));
            }
        }
        for table in tables.iter().filter_map(|t| t.as_table()) {
            for (key, spec) in table {
                // `serde_json2 = { package = "serde_json" }`: the key is the name in code.
                self.dependencies.insert(normalise(key));
                let renamed = spec.get("package").and_then(toml::Value::as_str);
                self.dependencies.extend(renamed.map(normalise));
            }
        }
    }

    fn npm(&mut self, text: &str) {
        let Ok(value) = serde_json::from_str::<serde_json::Value>(text) else { return };
        if let Some(name) = value.get("name").and_then(serde_json::Value::as_str) {
            self.own.extend(package_names(name));
        }
        for key in ["dependencies", "devDependencies", "peerDependencies", "optionalDependencies"] {
            let Some(table) = value.get(key).and_then(serde_json::Value::as_object) else { continue };
            for name in table.keys() {
                self.dependencies.extend(package_names(name));
            }
        }
    }

    fn pyproject(&mut self, text: &str) {
        let Ok(value) = text.parse::<toml::Table>() else { return };
        let project = value.get("project");
        let poetry = value.get("tool").and_then(|t| t.get("poetry"));
        for table in [project, poetry].into_iter().flatten() {
            self.own.extend(table.get("name").and_then(toml::Value::as_str).map(normalise));
        }
        let listed = project.and_then(|p| p.get("dependencies")).and_then(toml::Value::as_array);
        for requirement in listed.into_iter().flatten().filter_map(toml::Value::as_str) {
            self.dependencies.extend(requirement_name(requirement));
        }
        let optional = project.and_then(|p| p.get("optional-dependencies")).and_then(toml::Value::as_table);
        for group in optional.into_iter().flat_map(|t| t.values()).filter_map(toml::Value::as_array) {
            self.dependencies.extend(group.iter().filter_map(toml::Value::as_str).filter_map(requirement_name));
        }
        for key in ["dependencies", "dev-dependencies"] {
            let table = poetry.and_then(|p| p.get(key)).and_then(toml::Value::as_table);
            self.dependencies.extend(table.into_iter().flat_map(|t| t.keys()).map(|k| normalise(k)));
        }
    }

    fn requirements(&mut self, text: &str) {
        for line in text.lines().map(str::trim).filter(|l| !l.starts_with(['#', '-'])) {
            self.dependencies.extend(requirement_name(line));
        }
    }

    fn go_mod(&mut self, text: &str) {
        let mut in_require = false;
        for line in text.lines().map(str::trim) {
            if let Some(module) = line.strip_prefix("module ") {
                let module = module.trim().trim_matches('"');
                self.own.insert(module.to_ascii_lowercase());
                self.own.extend(go_package_name(module));
            } else if line.starts_with("require (") {
                in_require = true;
            } else if in_require && line.starts_with(')') {
                in_require = false;
            } else if let Some(path) = line.strip_prefix("require ").or(in_require.then_some(line)) {
                let module = path.split_whitespace().next().unwrap_or("");
                self.dependencies.extend(go_package_name(module));
            }
        }
    }

    fn pom(&mut self, text: &str) {
        let (head, dependencies) = text.split_once("<dependencies>").unwrap_or((text, ""));
        // The project's own coordinates come before its dependency list;
        // a `<parent>` block names someone else's.
        let head = match (head.find("<parent>"), head.find("</parent>")) {
            (Some(start), Some(end)) if start < end => format!("{}{}", &head[..start], &head[end..]),
            _ => head.to_string(),
        };
        self.own.extend(xml_values(&head, "artifactId").map(|n| normalise(&n)));
        self.dependencies.extend(xml_values(dependencies, "artifactId").map(|n| normalise(&n)));
    }

    fn gradle(&mut self, text: &str) {
        for line in text.lines() {
            let Some(coordinates) = quoted_after(line, "(").or_else(|| quoted_after(line, " ")) else { continue };
            let parts: Vec<&str> = coordinates.split(':').collect();
            if parts.len() >= 2 {
                self.dependencies.insert(normalise(parts[1]));
            }
        }
    }
}

fn is_manifest(path: &str) -> bool {
    if path.split('/').count() > MAX_DEPTH || crate::index::is_test_path(path) || path.contains("node_modules/") {
        return false;
    }
    let file = path.rsplit('/').next().unwrap_or(path);
    matches!(file, "Cargo.toml" | "package.json" | "pyproject.toml" | "go.mod" | "pom.xml" | "setup.py")
        || file.starts_with("build.gradle")
        || file.starts_with("requirements") && file.ends_with(".txt")
}

/// Lower case, `-` and `.` as `_`: `serde-json`, `serde_json` and
/// `Serde_JSON` are one crate; `zope.interface` one distribution.
pub fn normalise(name: &str) -> String {
    name.trim().to_ascii_lowercase().replace(['-', '.'], "_")
}

/// `@scope/pkg` → `@scope/pkg` and `pkg`.
fn package_names(name: &str) -> Vec<String> {
    let mut names = vec![normalise(name)];
    if let Some((_, bare)) = name.rsplit_once('/') {
        names.push(normalise(bare));
    }
    names
}

/// `requests>=2.0; python_version<'3.8'` → `requests`.
fn requirement_name(requirement: &str) -> Option<String> {
    let end = requirement.find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')));
    let name = &requirement[..end.unwrap_or(requirement.len())];
    (!name.is_empty()).then(|| normalise(name))
}

/// `github.com/spf13/cobra` → `cobra`; `github.com/acme/lib/v2` → `lib`.
fn go_package_name(module: &str) -> Option<String> {
    let mut segments = module.rsplit('/');
    let last = segments.next()?;
    let is_version = last.len() > 1 && last.starts_with('v') && last[1..].chars().all(|c| c.is_ascii_digit());
    let name = if is_version { segments.next()? } else { last };
    (!name.is_empty() && module.contains('/')).then(|| normalise(name.trim_start_matches("go-")))
}

/// The string literal right after `marker`: `name="foo"` → `foo`.
fn quoted_after(text: &str, marker: &str) -> Option<String> {
    let at = text.find(marker)? + marker.len();
    let rest = text[at..].trim_start();
    let quote = rest.chars().next().filter(|c| *c == '"' || *c == '\'')?;
    let body = &rest[1..];
    body.find(quote).map(|end| body[..end].to_string())
}

fn xml_values(text: &str, tag: &str) -> impl Iterator<Item = String> {
    let open = format!("<{tag}>");
    let close = format!("</{tag}>");
    let values: Vec<String> = text
        .match_indices(&open)
        .filter_map(|(at, _)| {
            let rest = &text[at + open.len()..];
            rest.find(&close).map(|end| rest[..end].trim().to_string())
        })
        .collect();
    values.into_iter()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn read(path: &str, text: &str) -> Manifests {
        let mut manifests = Manifests::default();
        manifests.add(path, text);
        manifests
    }

    fn set(names: &[&str]) -> BTreeSet<String> {
        names.iter().map(|n| n.to_string()).collect()
    }

    #[test]
    fn cargo_names_the_crate_and_its_dependencies() {
        let found = read(
            "Cargo.toml",
            "[package]\nname = \"my-crate\"\n[dependencies]\nserde_json = \"1\"\nfoo2 = { package = \"foo\", version = \"1\" }\n\
             [dev-dependencies]\ninsta = \"1\"\n[target.'cfg(unix)'.dependencies]\nlibc = \"0.2\"\n",
        );
        assert_eq!(found.own, set(&["my_crate"]));
        assert_eq!(found.dependencies, set(&["foo", "foo2", "insta", "libc", "serde_json"]));
    }

    #[test]
    fn npm_python_go_and_java_manifests() {
        let npm = read(
            "package.json",
            r#"{"name": "@acme/widgets", "dependencies": {"react": "^18", "@tanstack/table": "1"}}"#,
        );
        assert_eq!(npm.own, set(&["@acme/widgets", "widgets"]));
        assert_eq!(npm.dependencies, set(&["@tanstack/table", "react", "table"]));
        let python = read(
            "pyproject.toml",
            "[project]\nname = \"task-line\"\ndependencies = [\"requests>=2\", \"PyYAML; python_version>'3'\"]\n",
        );
        assert_eq!(python.own, set(&["task_line"]));
        assert_eq!(python.dependencies, set(&["pyyaml", "requests"]));
        let go = read("go.mod", "module github.com/acme/stockroom/v2\n\nrequire (\n\tgithub.com/spf13/cobra v1.8.0\n)\nrequire golang.org/x/sync v0.1.0\n");
        assert_eq!(go.own, set(&["github.com/acme/stockroom/v2", "stockroom"]));
        assert_eq!(go.dependencies, set(&["cobra", "sync"]));
        let pom = read(
            "pom.xml",
            "<project><parent><artifactId>base</artifactId></parent><artifactId>confy</artifactId>\
             <dependencies><dependency><artifactId>jackson-databind</artifactId></dependency></dependencies></project>",
        );
        assert_eq!((pom.own, pom.dependencies), (set(&["confy"]), set(&["jackson_databind"])));
        let gradle =
            read("build.gradle.kts", "dependencies {\n    implementation(\"com.squareup.okio:okio:3.0\")\n}\n");
        assert_eq!(gradle.dependencies, set(&["okio"]));
    }

    #[test]
    fn own_names_are_never_dependencies_and_bad_manifests_add_nothing() {
        let root = tempfile::tempdir().unwrap();
        std::fs::write(root.path().join("Cargo.toml"), "[package]\nname = \"a\"\n[dev-dependencies]\na = \"1\"")
            .unwrap();
        std::fs::create_dir_all(root.path().join("tests")).unwrap();
        std::fs::write(root.path().join("tests/Cargo.toml"), "[package]\nname = \"fixture\"").unwrap();
        std::fs::write(root.path().join("package.json"), "{ not json").unwrap();
        let paths: HashSet<String> = ["Cargo.toml", "tests/Cargo.toml", "package.json", "pkg/__init__.py"]
            .iter()
            .map(|p| p.to_string())
            .collect();
        let found = Manifests::read(root.path(), &paths);
        assert_eq!(found.own, set(&["a", "pkg"]));
        assert!(found.dependencies.is_empty());
        assert!(found.is_own("A") && !found.is_dependency("a"));
    }
}
