//! The README's rules table is generated from the rule registry.

#[test]
fn readme_rules_table_matches_the_registry() {
    let readme = std::fs::read_to_string(concat!(env!("CARGO_MANIFEST_DIR"), "/README.md")).expect("README.md");
    let table = driftcheck::rule::rules_table();
    assert!(readme.contains(&table), "README rules table is out of date; expected:\n{table}");
}

#[test]
fn every_rule_has_documentation_with_its_id() {
    for rule in driftcheck::rule::Rule::ALL {
        let doc = rule.documentation();
        assert!(doc.starts_with(&format!("# {} (default: {})", rule.id(), rule.default_severity())), "{}", rule.id());
        assert!(doc.contains("## What it does"), "{}", rule.id());
    }
}

#[test]
fn every_rule_explains_an_example_a_fix_and_how_to_suppress_it() {
    for rule in driftcheck::rule::Rule::ALL {
        let text = rule.explanation();
        for section in ["## Example", "## How to fix", "## How to suppress"] {
            assert!(text.contains(section), "{} lacks {section}", rule.id());
        }
        assert!(text.contains(&format!("driftcheck:ignore {}", rule.id())), "{}", rule.id());
        assert_eq!(text.contains("**Reserved.**"), rule.is_reserved(), "{}", rule.id());
    }
}
