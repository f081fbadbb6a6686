//! Java: classes, interfaces, enums (with their constants), records (with
//! their components) and annotation types, their methods, constructors and
//! fields; `static final` fields and interface constants are constants.
//! Names are `Outer.Inner.method` inside the module the `package` names.

use tree_sitter::Node;

use super::walk::node_text;
use super::{field_text, has_ancestor, named_children, Definition, Language, SymbolKind};

pub struct Java;

impl Language for Java {
    fn name(&self) -> &'static str {
        "java"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["java"]
    }

    fn grammar(&self, _extension: &str) -> tree_sitter::Language {
        tree_sitter_java::LANGUAGE.into()
    }

    fn separator(&self) -> &'static str {
        "."
    }

    /// The `package` declaration's segments, or without one the file's
    /// directory: the class name comes from the class symbol, not the file.
    fn module_path(&self, path: &str, root: Node, source: &str) -> Vec<String> {
        if let Some(package) = package_segments(root, source) {
            return package;
        }
        let mut segments = super::path_segments(path);
        segments.pop();
        // `src/main/java/module-info.java`: the default package of a source
        // root, which qualifies nothing (and `java` is the JDK's).
        let source_root = segments.ends_with(&["main".to_string(), "java".to_string()])
            || segments.ends_with(&["test".to_string(), "java".to_string()]);
        if source_root {
            segments.clear();
        }
        segments
    }

    fn definition(&self, node: Node, source: &str) -> Option<Definition> {
        let definition = match node.kind() {
            "class_declaration" | "record_declaration" | "annotation_type_declaration" => {
                type_declaration(node, source, SymbolKind::Type)?
            }
            "interface_declaration" => type_declaration(node, source, SymbolKind::Trait)?,
            "enum_declaration" => type_declaration(node, source, SymbolKind::Enum)?,
            "enum_constant" => {
                Definition::symbol(field_text(node, "name", source)?, SymbolKind::Variant).container(true)
            }
            "method_declaration"
            | "constructor_declaration"
            | "compact_constructor_declaration"
            | "annotation_type_element_declaration" => method(node, source)?,
            "variable_declarator" => field(node, source)?,
            "formal_parameter" => record_component(node, source)?,
            _ => return None,
        };
        // Local and anonymous classes (and their members) are not symbols.
        if has_ancestor(node, &["block", "constructor_body", "lambda_expression", "object_creation_expression"]) {
            return None;
        }
        Some(definition)
    }

    fn definition_kinds(&self) -> &'static [&'static str] {
        &[
            "class_declaration",
            "record_declaration",
            "annotation_type_declaration",
            "interface_declaration",
            "enum_declaration",
            "enum_constant",
            "method_declaration",
            "constructor_declaration",
            "compact_constructor_declaration",
            "annotation_type_element_declaration",
            "variable_declarator",
            "formal_parameter",
        ]
    }
}

fn package_segments(root: Node, source: &str) -> Option<Vec<String>> {
    let package = named_children(root).into_iter().find(|n| n.kind() == "package_declaration")?;
    let name = named_children(package).into_iter().find(|n| matches!(n.kind(), "scoped_identifier" | "identifier"))?;
    let mut segments = Vec::new();
    push_segments(name, source, &mut segments);
    Some(segments)
}

/// `a.b.c` → `[a, b, c]`.
fn push_segments(name: Node, source: &str, segments: &mut Vec<String>) {
    if name.kind() == "scoped_identifier" {
        if let Some(scope) = name.child_by_field_name("scope") {
            push_segments(scope, source, segments);
        }
        if let Some(last) = name.child_by_field_name("name") {
            segments.push(node_text(last, source).to_string());
        }
    } else {
        segments.push(node_text(name, source).to_string());
    }
}

/// The keywords of a declaration's `modifiers` (`public`, `static`, …).
fn has_modifier(declaration: Node, keyword: &str) -> bool {
    let Some(modifiers) = declaration.children(&mut declaration.walk()).find(|c| c.kind() == "modifiers") else {
        return false;
    };
    let mut cursor = modifiers.walk();
    let found = modifiers.children(&mut cursor).any(|modifier| modifier.kind() == keyword);
    found
}

/// Declared directly in an interface or annotation type: implicitly public.
fn in_interface(declaration: Node) -> bool {
    declaration.parent().is_some_and(|body| matches!(body.kind(), "interface_body" | "annotation_type_body"))
}

fn is_public(declaration: Node) -> bool {
    has_modifier(declaration, "public") || (in_interface(declaration) && !has_modifier(declaration, "private"))
}

fn type_declaration(node: Node, source: &str, kind: SymbolKind) -> Option<Definition> {
    Some(Definition::symbol(field_text(node, "name", source)?, kind).with_public(is_public(node)))
}

/// Methods, constructors and annotation elements; a method outside any
/// type body (a parse recovering from broken code) is a function.
fn method(node: Node, source: &str) -> Option<Definition> {
    let in_type = node.parent().is_some_and(|body| {
        matches!(body.kind(), "class_body" | "interface_body" | "enum_body_declarations" | "annotation_type_body")
    });
    let kind = if in_type { SymbolKind::Method } else { SymbolKind::Function };
    Some(
        Definition::symbol(field_text(node, "name", source)?, kind)
            .with_params(parameters(node, source))
            .with_public(is_public(node)),
    )
}

/// One declarator of a field declaration: a constant (with its value) when
/// `static final` or declared in an interface, a field otherwise.
fn field(node: Node, source: &str) -> Option<Definition> {
    let declaration = node.parent()?;
    let constant = match declaration.kind() {
        "constant_declaration" => true,
        "field_declaration" => {
            in_interface(declaration) || (has_modifier(declaration, "static") && has_modifier(declaration, "final"))
        }
        _ => return None,
    };
    let name = field_text(node, "name", source)?;
    let definition = if constant {
        Definition::symbol(name, SymbolKind::Constant).with_value(field_text(node, "value", source))
    } else {
        Definition::symbol(name, SymbolKind::Field)
    };
    Some(definition.with_public(is_public(declaration)))
}

/// `record Point(int x, int y)`: each component is a field, read through a
/// public accessor.
fn record_component(node: Node, source: &str) -> Option<Definition> {
    node.parent()
        .filter(|list| list.kind() == "formal_parameters")?
        .parent()
        .filter(|owner| owner.kind() == "record_declaration")?;
    Some(Definition::symbol(field_text(node, "name", source)?, SymbolKind::Field))
}

fn parameters(node: Node, source: &str) -> Vec<String> {
    let Some(list) = node.child_by_field_name("parameters") else {
        return Vec::new();
    };
    named_children(list)
        .into_iter()
        .filter_map(|param| match param.kind() {
            "formal_parameter" => field_text(param, "name", source),
            "spread_parameter" => named_children(param)
                .into_iter()
                .find(|child| child.kind() == "variable_declarator")
                .and_then(|declarator| field_text(declarator, "name", source)),
            _ => None,
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::code::index_file;

    const SOURCE: &str = r#"package com.example.net;

import java.time.Duration;

/** A retrying client. */
public class Client implements Transport {
    public static final int MAX_RETRIES = 5;
    private static final String NAME = "client", ALIAS = "c";
    protected Duration timeout;
    private int attempts, delay;

    public Client(String host, int... ports) {
        Runnable r = new Runnable() { public void run() {} };
        class Local { void helper() {} }
    }

    public boolean retry(Client this, int attempts, final long delay) { return true; }

    void reset() {}

    static class Builder {
        public Client build() { return new Client("h"); }
    }
}

interface Transport {
    int DEFAULT_PORT = 80;
    void send(byte[] data);
    private void log() {}
}

enum Backoff {
    FIXED,
    EXPONENTIAL(2) {
        @Override double factor() { return 2.0; }
    };
    private final int base;
    Backoff() { this(1); }
    Backoff(int base) { this.base = base; }
    double factor() { return 1.0; }
}

public record Point(int x, int y) {
    public Point {
        if (x < 0) throw new IllegalArgumentException();
    }
}

@interface Retry {
    int times() default 3;
}
"#;

    #[test]
    fn qualifies_members_constants_and_nested_types() {
        let file = index_file("src/main/java/com/example/net/Client.java", SOURCE.to_string());
        let names: Vec<_> = file.symbols.iter().map(|s| (s.display.as_str(), s.kind.as_str())).collect();
        assert_eq!(
            names,
            [
                ("Client", "type"),
                ("Client.MAX_RETRIES", "constant"),
                ("Client.NAME", "constant"),
                ("Client.ALIAS", "constant"),
                ("Client.timeout", "field"),
                ("Client.attempts", "field"),
                ("Client.delay", "field"),
                ("Client.Client", "method"),
                ("Client.retry", "method"),
                ("Client.reset", "method"),
                ("Client.Builder", "type"),
                ("Client.Builder.build", "method"),
                ("Transport", "trait"),
                ("Transport.DEFAULT_PORT", "constant"),
                ("Transport.send", "method"),
                ("Transport.log", "method"),
                ("Backoff", "enum"),
                ("Backoff.FIXED", "variant"),
                ("Backoff.EXPONENTIAL", "variant"),
                ("Backoff.EXPONENTIAL.factor", "method"),
                ("Backoff.base", "field"),
                ("Backoff.Backoff", "method"),
                ("Backoff.Backoff", "method"),
                ("Backoff.factor", "method"),
                ("Point", "type"),
                ("Point.x", "field"),
                ("Point.y", "field"),
                ("Point.Point", "method"),
                ("Retry", "type"),
                ("Retry.times", "method"),
            ]
        );
        assert_eq!(file.module, ["com", "example", "net"]);
        assert!(file.parse_problem.is_none());
        let symbol = |display: &str| file.symbols.iter().find(|s| s.display == display).unwrap();
        assert_eq!(symbol("Client.retry").params, ["attempts", "delay"]);
        assert_eq!(symbol("Client.Client").params, ["host", "ports"]);
        assert_eq!(symbol("Client.MAX_RETRIES").value.as_deref(), Some("5"));
        assert_eq!(symbol("Client.ALIAS").value.as_deref(), Some("\"c\""));
        assert_eq!(symbol("Transport.DEFAULT_PORT").value.as_deref(), Some("80"));
        let public: Vec<_> = file.symbols.iter().filter(|s| s.public).map(|s| s.display.as_str()).collect();
        assert_eq!(
            public,
            [
                "Client",
                "Client.MAX_RETRIES",
                "Client.Client",
                "Client.retry",
                "Client.Builder.build",
                "Transport.DEFAULT_PORT",
                "Transport.send",
                "Backoff.FIXED",
                "Backoff.EXPONENTIAL",
                "Point",
                "Point.x",
                "Point.y",
                "Point.Point",
                "Retry.times",
            ]
        );
    }

    #[test]
    fn module_without_package_is_the_directory() {
        assert_eq!(index_file("src/app/Main.java", "class Main {}".into()).module, ["src", "app"]);
        assert_eq!(index_file("Main.java", "package app;".into()).module, ["app"]);
        assert!(index_file("lib/src/main/java/module-info.java", "module a {}".into()).module.is_empty());
    }
}
