//! Go: functions, methods (qualified by their receiver type), struct types
//! and their fields, interfaces and their methods, other named types, and
//! package-level `const`/`var` specs; `Client.Retry`-style names inside a
//! module named by the package's directory and `package` clause.

use tree_sitter::Node;

use super::walk::node_text;
use super::{field_text, has_ancestor, named_children, Definition, Language, SymbolKind};

pub struct Go;

impl Language for Go {
    fn name(&self) -> &'static str {
        "go"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["go"]
    }

    fn grammar(&self, _extension: &str) -> tree_sitter::Language {
        tree_sitter_go::LANGUAGE.into()
    }

    fn separator(&self) -> &'static str {
        "."
    }

    /// The file's directory, its last segment replaced by the package name
    /// when they differ (`cmd/tool/main.go` with `package main` →
    /// `[cmd, main]`).
    fn module_path(&self, path: &str, root: Node, source: &str) -> Vec<String> {
        let mut segments = super::path_segments(path);
        segments.pop();
        if let Some(package) = package_name(root, source) {
            segments.pop();
            segments.push(package);
        }
        segments
    }

    fn definition(&self, node: Node, source: &str) -> Option<Definition> {
        let definition = match node.kind() {
            "function_declaration" => Definition::symbol(field_text(node, "name", source)?, SymbolKind::Function)
                .with_params(parameters(node, source)),
            "method_declaration" => method(node, source)?,
            "type_spec" | "type_alias" => type_spec(node, source)?,
            "field_declaration" => field(node, source)?,
            "method_elem" if in_named_interface(node) => {
                Definition::symbol(field_text(node, "name", source)?, SymbolKind::Method)
                    .with_params(parameters(node, source))
            }
            "const_spec" | "var_spec" => value_spec(node, source)?,
            // Several names in one spec or field are leaves: only a walk that
            // offers leaves to `definition` reaches this arm.
            "identifier" | "field_identifier" => shared_name(node, source)?,
            _ => return None,
        };
        // Inside a function body: local types and constants are not symbols.
        if has_ancestor(node, &["block"]) {
            return None;
        }
        let public = is_exported(&definition.name);
        Some(definition.with_public(public))
    }

    fn definition_kinds(&self) -> &'static [&'static str] {
        &[
            "function_declaration",
            "method_declaration",
            "type_spec",
            "type_alias",
            "field_declaration",
            "method_elem",
            "const_spec",
            "var_spec",
            "identifier",
            "field_identifier",
        ]
    }
}

fn package_name(root: Node, source: &str) -> Option<String> {
    let clause = named_children(root).into_iter().find(|n| n.kind() == "package_clause")?;
    let name = named_children(clause).into_iter().find(|n| n.kind() == "package_identifier")?;
    Some(node_text(name, source).to_string())
}

fn is_exported(name: &str) -> bool {
    name.chars().next().is_some_and(char::is_uppercase)
}

/// `func (c *Client[T]) Retry(…)`: a method whose owner is `Client`.
fn method(node: Node, source: &str) -> Option<Definition> {
    let receiver = node.child_by_field_name("receiver")?;
    let declaration = named_children(receiver).into_iter().find(|n| n.kind() == "parameter_declaration")?;
    let owner = type_name(declaration.child_by_field_name("type")?, source)?;
    Some(
        Definition::symbol(field_text(node, "name", source)?, SymbolKind::Method)
            .with_owner(vec![owner])
            .with_params(parameters(node, source)),
    )
}

/// The bare name of a type: `Client` for `*Client`, `Client[T]`,
/// `pkg.Client` or `*pkg.Client[T]`.
fn type_name(node: Node, source: &str) -> Option<String> {
    match node.kind() {
        "type_identifier" => Some(node_text(node, source).to_string()),
        "pointer_type" | "parenthesized_type" => type_name(named_children(node).into_iter().next()?, source),
        "generic_type" => type_name(node.child_by_field_name("type")?, source),
        "qualified_type" => type_name(node.child_by_field_name("name")?, source),
        _ => None,
    }
}

fn type_spec(node: Node, source: &str) -> Option<Definition> {
    let name = field_text(node, "name", source)?;
    let kind = match node.child_by_field_name("type").map(|t| t.kind()) {
        Some("interface_type") => SymbolKind::Trait,
        _ => SymbolKind::Type,
    };
    Some(Definition::symbol(name, kind))
}

/// A struct field (its first name when several share the declaration), or
/// an embedded field (named by its type). An anonymous struct type makes
/// the field a scope for its own fields.
fn field(node: Node, source: &str) -> Option<Definition> {
    if !in_named_struct(node) {
        return None;
    }
    let name = match node_names(node).first() {
        Some(first) => node_text(*first, source).to_string(),
        None => type_name(node.child_by_field_name("type")?, source)?,
    };
    let nested = node.child_by_field_name("type").is_some_and(|t| t.kind() == "struct_type");
    Some(Definition::symbol(name, SymbolKind::Field).container(nested))
}

/// A field of a struct type that is a named type or a nested struct field.
fn in_named_struct(field: Node) -> bool {
    field
        .parent()
        .filter(|list| list.kind() == "field_declaration_list")
        .and_then(|list| list.parent())
        .filter(|strukt| strukt.kind() == "struct_type")
        .and_then(|strukt| strukt.parent())
        .is_some_and(|owner| matches!(owner.kind(), "type_spec" | "type_alias" | "field_declaration"))
}

fn in_named_interface(method: Node) -> bool {
    method
        .parent()
        .filter(|interface| interface.kind() == "interface_type")
        .and_then(|interface| interface.parent())
        .is_some_and(|owner| matches!(owner.kind(), "type_spec" | "type_alias"))
}

/// The `name` children of a node (a spec's field also holds its commas).
fn node_names(node: Node) -> Vec<Node> {
    let mut cursor = node.walk();
    let names = node.children_by_field_name("name", &mut cursor).filter(|name| name.is_named()).collect();
    names
}

/// A package-level `const`/`var` spec (its first name when it has several).
/// `iota` followers without an initializer get no value.
fn value_spec(node: Node, source: &str) -> Option<Definition> {
    let name = *node_names(node).first()?;
    Some(Definition::symbol(node_text(name, source), SymbolKind::Constant).with_value(spec_value(node, 0, source)))
}

/// The initializer at `position` of a `const`/`var` spec.
fn spec_value(spec: Node, position: usize, source: &str) -> Option<String> {
    let values = named_children(spec.child_by_field_name("value")?);
    values.get(position).map(|value| node_text(*value, source).to_string())
}

/// A later name of a multi-name field (`X, Y int`) or spec (`A, B = 1, 2`);
/// the first is defined by the declaration node itself.
fn shared_name(node: Node, source: &str) -> Option<Definition> {
    let parent = node.parent().filter(|p| matches!(p.kind(), "field_declaration" | "const_spec" | "var_spec"))?;
    let position = node_names(parent).iter().position(|name| name.id() == node.id())?;
    if position == 0 {
        return None;
    }
    let name = node_text(node, source);
    match parent.kind() {
        "field_declaration" if in_named_struct(parent) => Some(Definition::symbol(name, SymbolKind::Field)),
        "const_spec" | "var_spec" => {
            Some(Definition::symbol(name, SymbolKind::Constant).with_value(spec_value(parent, position, source)))
        }
        _ => None,
    }
}

/// Parameter names, several of which can share one type (`a, b int`).
fn parameters(node: Node, source: &str) -> Vec<String> {
    let Some(list) = node.child_by_field_name("parameters") else {
        return Vec::new();
    };
    named_children(list)
        .into_iter()
        .filter(|p| matches!(p.kind(), "parameter_declaration" | "variadic_parameter_declaration"))
        .flat_map(node_names)
        .map(|name| node_text(name, source).to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::code::index_file;

    const SOURCE: &str = r#"package netclient

import "time"

const MaxRetries = 5

const (
	Fixed Backoff = iota
	Exponential
	defaultPort = 80
)

var DefaultClient = &Client{}

type Backoff int

type Client struct {
	Timeout time.Duration
	host    string
	*Logger
	Limits struct {
		Burst int
	}
}

type Transport interface {
	Send(ctx context.Context, data []byte) error
	io.Closer
}

type Pair[K comparable, V any] struct{ Key K }

func New(host string, opts ...Option) *Client {
	const local = 1
	type scratch struct{ n int }
	return &Client{host: host}
}

func (c *Client) Retry(attempts, delay int, fn func(int) error) error { return nil }

func (p Pair[K, V]) key() K { return p.Key }
"#;

    #[test]
    fn qualifies_methods_fields_and_constants() {
        let file = index_file("internal/net/client.go", SOURCE.to_string());
        let names: Vec<_> = file.symbols.iter().map(|s| (s.display.as_str(), s.kind.as_str())).collect();
        assert_eq!(
            names,
            [
                ("MaxRetries", "constant"),
                ("Fixed", "constant"),
                ("Exponential", "constant"),
                ("defaultPort", "constant"),
                ("DefaultClient", "constant"),
                ("Backoff", "type"),
                ("Client", "type"),
                ("Client.Timeout", "field"),
                ("Client.host", "field"),
                ("Client.Logger", "field"),
                ("Client.Limits", "field"),
                ("Client.Limits.Burst", "field"),
                ("Transport", "trait"),
                ("Transport.Send", "method"),
                ("Pair", "type"),
                ("Pair.Key", "field"),
                ("New", "function"),
                ("Client.Retry", "method"),
                ("Pair.key", "method"),
            ]
        );
        assert_eq!(file.module, ["internal", "netclient"]);
        assert!(file.parse_problem.is_none());
        let symbol = |display: &str| file.symbols.iter().find(|s| s.display == display).unwrap();
        assert_eq!(symbol("Client.Retry").params, ["attempts", "delay", "fn"]);
        assert_eq!(symbol("New").params, ["host", "opts"]);
        assert_eq!(symbol("Transport.Send").params, ["ctx", "data"]);
        assert_eq!(symbol("MaxRetries").value.as_deref(), Some("5"));
        assert_eq!(symbol("Fixed").value.as_deref(), Some("iota"));
        assert_eq!(symbol("Exponential").value, None);
        assert_eq!(symbol("DefaultClient").value.as_deref(), Some("&Client{}"));
        assert!(symbol("Client.Retry").public && symbol("Client.Timeout").public);
        assert!(!symbol("Client.host").public && !symbol("Pair.key").public && !symbol("defaultPort").public);
    }

    #[test]
    fn module_is_the_directory_named_by_the_package() {
        let module = |path: &str, source: &str| index_file(path, source.into()).module;
        assert_eq!(module("pkg/net/client.go", "package net\n"), ["pkg", "net"]);
        assert_eq!(module("main.go", "package main\n"), ["main"]);
        assert_eq!(module("pkg/net/client.go", "func f() {}\n"), ["pkg", "net"]);
    }

    #[test]
    fn first_of_several_names_is_a_symbol() {
        let source = "package p\n\nconst A, b = 1, 2\n\ntype Point struct {\n\tX, Y int\n}\n";
        let file = index_file("p/p.go", source.into());
        let a = file.symbols.iter().find(|s| s.display == "A").unwrap();
        assert_eq!((a.kind.as_str(), a.value.as_deref()), ("constant", Some("1")));
        assert!(file.symbols.iter().any(|s| s.display == "Point.X" && s.kind.as_str() == "field"));
    }

    #[test]

    fn names_sharing_a_declaration_are_separate_symbols() {
        let source = "package p\n\nconst A, b = 1, 2\n\ntype Point struct {\n\tX, Y int\n}\n";
        let file = index_file("p/p.go", source.into());
        let names: Vec<_> = file.symbols.iter().map(|s| (s.display.as_str(), s.value.as_deref())).collect();
        assert_eq!(names, [("A", Some("1")), ("b", Some("2")), ("Point", None), ("Point.X", None), ("Point.Y", None)]);
    }
}
