//! Mistakes in driftcheck's own directives: a `driftcheck:ignore` comment
//! naming a rule that does not exist silences nothing, which its author
//! did not mean.

use std::collections::BTreeSet;

use crate::discover::Note;
use crate::rule::Rule;
use crate::workspace::Workspace;

/// One warning per `driftcheck:ignore` list, in specs and code, that names
/// an unknown rule.
pub fn unknown_ignored_rules(workspace: &Workspace) -> Vec<Note> {
    let clauses = workspace.specs.iter().flat_map(|spec| {
        spec.clauses.iter().map(move |clause| (spec.path.as_str(), clause.line(), clause.ignored_rules()))
    });
    let symbols = workspace.code.iter().flat_map(|file| {
        file.symbols.iter().map(move |symbol| (file.path.as_str(), symbol.line, symbol.ignores.as_ref()))
    });
    // A directive before a list applies to each of its items: one warning.
    let mut seen = BTreeSet::new();
    let mut warnings = Vec::new();
    for (path, line, ignores) in clauses.chain(symbols) {
        let unknown: Vec<&str> =
            ignores.into_iter().flatten().map(String::as_str).filter(|id| id.parse::<Rule>().is_err()).collect();
        if unknown.is_empty() || !seen.insert((path, unknown.clone())) {
            continue;
        }
        let names = unknown.iter().map(|id| format!("`{id}`")).collect::<Vec<_>>().join(", ");
        warnings.push(Note {
            path: path.to_string(),
            line: Some(line),
            message: format!(
                "`driftcheck:ignore` before this line names no rule {names}, so it silences nothing \
                 (rule ids: `driftcheck explain --list`)"
            ),
            warning: true,
        });
    }
    warnings
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::config::Config;
    use crate::index_cache::IndexCache;

    fn workspace(files: &[(&str, &str)]) -> (tempfile::TempDir, Workspace) {
        let dir = tempfile::TempDir::new().expect("temp dir");
        for (path, text) in files {
            std::fs::write(dir.path().join(path), text).expect("write");
        }
        let config = Config::defaults(dir.path().to_path_buf());
        let workspace = Workspace::load(config, &IndexCache::disabled());
        (dir, workspace)
    }

    #[test]
    fn an_unknown_rule_in_a_spec_or_code_ignore_is_reported_once_at_its_line() {
        let (_dir, workspace) = workspace(&[
            ("README.md", "# A\n\n<!-- driftcheck:ignore dangling-symbols -->\n- `x_y`\n- `y_z`\n"),
            ("lib.rs", "// driftcheck:ignore stale-link, no-such-rule\npub fn start() {}\n"),
        ]);
        let warnings = unknown_ignored_rules(&workspace);
        let shown: Vec<(&str, Option<usize>, bool)> =
            warnings.iter().map(|w| (w.path.as_str(), w.line, w.warning)).collect();
        assert_eq!(shown, [("README.md", Some(4), true), ("lib.rs", Some(2), true)]);
        assert!(warnings[0].message.contains("`dangling-symbols`"), "{}", warnings[0].message);
        assert!(warnings[1].message.contains("`no-such-rule`") && !warnings[1].message.contains("stale-link"));
    }

    #[test]
    fn known_rules_and_bare_ignores_raise_no_warning() {
        let (_dir, workspace) = workspace(&[
            ("README.md", "# A\n\n<!-- driftcheck:ignore -->\n`x_y` here.\n\n<!-- driftcheck:ignore dangling-symbol -->\n`y_z`.\n"),
            ("lib.rs", "// driftcheck:ignore parse-error\npub fn start() {}\n"),
        ]);
        assert!(unknown_ignored_rules(&workspace).is_empty());
    }
}
