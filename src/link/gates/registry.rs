//! Package registries and API-doc hosts. A code span that is the text of a
//! link to a package's page there (`[`env_logger`](https://crates.io/crates/env_logger)`,
//! `[`Retry`](https://pypi.org/project/tenacity/)`) names that package or
//! something in it: the doc itself says whose it is.

/// Hosts whose pages are about one package, and where in the path the
/// package's name stands (after these leading segments). Go's hosts name
/// an import path instead: see [`go_import_path`].
const REGISTRIES: &[(&str, &[&str])] = &[
    ("crates.io", &["crates"]),
    ("lib.rs", &["crates"]),
    ("docs.rs", &[]),
    ("pypi.org", &["project"]),
    ("pypi.python.org", &["pypi"]),
    ("npmjs.com", &["package"]),
    ("www.npmjs.com", &["package"]),
    ("npmjs.org", &["package"]),
    ("www.npmjs.org", &["package"]),
    ("rubygems.org", &["gems"]),
    ("hex.pm", &["packages"]),
    ("www.nuget.org", &["packages"]),
    ("nuget.org", &["packages"]),
    ("mvnrepository.com", &["artifact", "*"]),
    ("javadoc.io", &["doc", "*"]),
    ("www.javadoc.io", &["doc", "*"]),
];

/// The package a registry URL is about: `https://crates.io/crates/env_logger`
/// → `env_logger`; `https://docs.rs/crate/serde/1.0.0` → `serde`;
/// `https://pkg.go.dev/github.com/spf13/cobra#Command` → `cobra`;
/// `https://www.npmjs.com/package/@scope/name` → `@scope/name`.
pub fn package_of(url: &str) -> Option<String> {
    if let Some(import) = go_import_path(url) {
        // A module path: its last segment before any major-version suffix.
        return import.split('/').take_while(|p| !p.starts_with('v') || !is_version(p)).last().map(str::to_string);
    }
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let rest = rest.split(['#', '?']).next().unwrap_or(rest);
    let mut parts = rest.split('/').filter(|part| !part.is_empty());
    let host = parts.next()?.to_ascii_lowercase();
    let (_, leading) = REGISTRIES.iter().find(|(name, _)| *name == host)?;
    let mut path: Vec<&str> = parts.collect();
    if host == "docs.rs" && path.first() == Some(&"crate") {
        path.remove(0);
    }
    for expected in leading.iter() {
        let first = path.first()?;
        if *expected != "*" && first != expected {
            return None;
        }
        path.remove(0);
    }
    let name = *path.first()?;
    if name.starts_with('@') {
        return path.get(1).map(|bare| format!("{name}/{bare}"));
    }
    Some(name.to_string())
}

/// The Go import path a pkg.go.dev or godoc.org URL documents:
/// `https://pkg.go.dev/github.com/acme/netkit/client#Client` →
/// `github.com/acme/netkit/client`.
pub fn go_import_path(url: &str) -> Option<&str> {
    let rest = url.strip_prefix("https://").or_else(|| url.strip_prefix("http://"))?;
    let rest = rest.strip_prefix("pkg.go.dev/").or_else(|| rest.strip_prefix("godoc.org/"))?;
    let path = rest.split(['#', '?', '@']).next()?;
    (!path.is_empty()).then_some(path.trim_end_matches('/'))
}

/// `v2`, `v1.2.3`: a module path's major-version suffix.
fn is_version(segment: &str) -> bool {
    segment.len() > 1 && segment[1..].chars().all(|c| c.is_ascii_digit() || c == '.')
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn go_import_paths() {
        assert_eq!(
            go_import_path("https://pkg.go.dev/github.com/acme/netkit/client#Client"),
            Some("github.com/acme/netkit/client")
        );
        assert_eq!(go_import_path("https://crates.io/crates/x"), None);
    }

    #[test]
    fn the_package_a_registry_page_is_about() {
        let cases = [
            ("https://crates.io/crates/env_logger", Some("env_logger")),
            ("https://docs.rs/tokio/latest/tokio/struct.Runtime.html", Some("tokio")),
            ("https://docs.rs/crate/serde/1.0.0", Some("serde")),
            ("https://pypi.org/project/tenacity/", Some("tenacity")),
            ("https://www.npmjs.com/package/@scope/name", Some("@scope/name")),
            ("https://www.npmjs.com/package/left-pad", Some("left-pad")),
            ("https://pkg.go.dev/github.com/spf13/cobra#Command", Some("cobra")),
            ("https://pkg.go.dev/github.com/go-chi/chi/v5", Some("chi")),
            ("https://pkg.go.dev/context@go1.21#Context", Some("context")),
            ("https://mvnrepository.com/artifact/com.google.guava/guava", Some("guava")),
            ("https://example.org/crates/x", None),
            ("https://crates.io/", None),
            ("https://github.com/rust-lang/log", None),
            ("../src/lib.rs", None),
        ];
        for (url, expected) in cases {
            assert_eq!(package_of(url).as_deref(), expected, "{url}");
        }
    }
}
