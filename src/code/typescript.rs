//! TypeScript and TSX: everything JavaScript has (shared through
//! javascript.rs) plus interfaces and their members, enums and their
//! members, type aliases (with object-literal members), namespaces and
//! `declare module`s, abstract classes, ambient signatures and constructor
//! parameter properties.

use tree_sitter::Node;

use super::javascript::{self, declaration, is_local, member, outer_statement, property_name};
use super::walk::node_text;
use super::{field_text, Definition, Language, SymbolKind};

pub struct TypeScript;

/// The kinds [`TypeScript::definition`] answers for: its own, then
/// JavaScript's ([`javascript::DEFINITION_KINDS`]) that its grammar has, which it
/// falls back to.
const DEFINITION_KINDS: &[&str] = &[
    "abstract_class_declaration",
    "type_alias_declaration",
    "interface_declaration",
    "enum_declaration",
    "internal_module",
    "module",
    "function_signature",
    "property_signature",
    "method_signature",
    "abstract_method_signature",
    "enum_assignment",
    "property_identifier",
    "string",
    "number",
    "required_parameter",
    "optional_parameter",
    "function_declaration",
    "generator_function_declaration",
    "class_declaration",
    "method_definition",
    "public_field_definition",
    "variable_declarator",
];

impl Language for TypeScript {
    fn name(&self) -> &'static str {
        "typescript"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["ts", "mts", "cts", "tsx"]
    }

    fn grammar(&self, extension: &str) -> tree_sitter::Language {
        match extension {
            "tsx" => tree_sitter_typescript::LANGUAGE_TSX.into(),
            _ => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        }
    }

    fn separator(&self) -> &'static str {
        "."
    }

    fn module_path(&self, path: &str, _root: Node, _source: &str) -> Vec<String> {
        javascript::module_path(path)
    }

    fn definition(&self, node: Node, source: &str) -> Option<Definition> {
        match node.kind() {
            "abstract_class_declaration" | "type_alias_declaration" => declaration(node, source, SymbolKind::Type),
            "interface_declaration" => declaration(node, source, SymbolKind::Trait),
            "enum_declaration" => declaration(node, source, SymbolKind::Enum),
            "internal_module" | "module" => namespace(node, source),
            "function_signature" if !is_overload(node, source) => {
                let params = javascript::parameters(node, source);
                Some(declaration(node, source, SymbolKind::Function)?.with_params(params))
            }
            "property_signature" | "method_signature" | "abstract_method_signature" => signature(node, source),
            "enum_assignment" if is_enum_member(node) => {
                let name = property_name(node.child_by_field_name("name")?, source);
                let value = field_text(node, "value", source);
                Some(Definition::symbol(name, SymbolKind::Variant).with_value(value))
            }
            // A bare member (`enum E { A, B }`) named by an identifier or a
            // number is a leaf: only a walk that offers leaves to
            // `definition` reaches this arm for it.
            "property_identifier" | "string" | "number" if is_enum_member(node) => {
                Some(Definition::symbol(property_name(node, source), SymbolKind::Variant))
            }
            "required_parameter" | "optional_parameter" => parameter_property(node, source),
            _ => javascript::definition(node, source),
        }
    }

    fn definition_kinds(&self) -> &'static [&'static str] {
        DEFINITION_KINDS
    }
}

/// `namespace a.b { … }`, `module Foo { … }`, `declare module "pkg" { … }`.
fn namespace(node: Node, source: &str) -> Option<Definition> {
    if is_local(node) {
        return None;
    }
    let name = property_name(node.child_by_field_name("name")?, source);
    let (_, exported) = outer_statement(node);
    Some(Definition::symbol(name, SymbolKind::Module).with_public(exported))
}

fn is_enum_member(node: Node) -> bool {
    node.parent()
        .filter(|p| p.kind() == "enum_body")
        .and_then(|body| body.parent())
        .is_some_and(|owner| !is_local(owner))
}

/// Interface and object-type members, abstract and overloaded class methods.
fn signature(node: Node, source: &str) -> Option<Definition> {
    let kind = match node.kind() {
        "property_signature" => SymbolKind::Field,
        _ => SymbolKind::Method,
    };
    let params = javascript::parameters(node, source);
    let definition = if is_type_member(node) {
        Definition::symbol(property_name(node.child_by_field_name("name")?, source), kind)
    } else if javascript::is_class_member(node) && !is_overload(node, source) {
        member(node, source, kind)?
    } else {
        return None;
    };
    Some(definition.with_params(params))
}

/// Directly in an interface body, or in the object type a type alias names.
fn is_type_member(node: Node) -> bool {
    let Some(body) = node.parent() else {
        return false;
    };
    let owner_kind = match body.kind() {
        "interface_body" => "interface_declaration",
        "object_type" => "type_alias_declaration",
        _ => return false,
    };
    body.parent().is_some_and(|owner| owner.kind() == owner_kind && !is_local(owner))
}

/// A signature directly followed by another declaration of the same name:
/// an overload, left out so that the implementation (or the last signature)
/// is the one symbol.
fn is_overload(node: Node, source: &str) -> bool {
    let (statement, _) = outer_statement(node);
    let mut next = statement.next_named_sibling();
    while let Some(sibling) = next.filter(|s| s.kind().contains("comment")) {
        next = sibling.next_named_sibling();
    }
    let Some(next) = next.map(unwrap_statement) else {
        return false;
    };
    let same_name = |other: Node| {
        let name = |n: Node| n.child_by_field_name("name").map(|name| node_text(name, source));
        name(other).is_some() && name(other) == name(node)
    };
    next.kind() != "property_signature" && same_name(next)
}

/// The declaration inside `export …`/`declare …` wrappers.
fn unwrap_statement(node: Node) -> Node {
    let mut current = node;
    loop {
        let inner = match current.kind() {
            "export_statement" => current.child_by_field_name("declaration"),
            "ambient_declaration" => current.named_child(0),
            _ => None,
        };
        match inner {
            Some(inner) => current = inner,
            None => return current,
        }
    }
}

/// `constructor(private readonly host: string)`: a parameter that is also a
/// field of the class.
fn parameter_property(node: Node, source: &str) -> Option<Definition> {
    let method = node.parent().filter(|p| p.kind() == "formal_parameters")?.parent()?;
    let is_constructor = method.kind() == "method_definition"
        && field_text(method, "name", source).as_deref() == Some("constructor")
        && javascript::is_class_member(method);
    let mut cursor = node.walk();
    let declares_field = node
        .children(&mut cursor)
        .any(|child| matches!(child.kind(), "accessibility_modifier" | "readonly" | "override_modifier"));
    if !is_constructor || !declares_field {
        return None;
    }
    let pattern = node.child_by_field_name("pattern").filter(|p| p.kind() == "identifier")?;
    let public = !javascript::has_private_modifier(node, source);
    Some(Definition::symbol(node_text(pattern, source), SymbolKind::Field).with_public(public))
}

#[cfg(test)]
mod tests {
    use crate::code::index_file;

    const SOURCE: &str = r#"import type { Logger } from "./log";

export const MAX_RETRIES: number = 5;
export type Millis = number;
type Options = { timeout: number; retry(times: number): void };

export interface Transport {
  readonly name: string;
  send(bytes: Uint8Array, timeout?: number): Promise<void>;
}

export enum Backoff { Fixed = "fixed", Exponential = 2 }

export abstract class Client<T> implements Transport {
  name = "client";
  private retries: number = 3;
  constructor(private readonly host: string, public port = 80, plain?: string) {
    super();
  }
  abstract send(bytes: Uint8Array): Promise<void>;
  connect(this: Client<T>, url: string): void;
  connect(url: string, ...rest: string[]): void {}
  protected static create<T>({ host }: Options, [first]: T[]): Client<T> { return null!; }
}

export function retry<T>(op: () => T, attempts = 3): T { return op(); }
export const handler = async (req: Request): Promise<void> => {
  const inner = 1;
};

namespace Internal {
  export const VERSION = "1.0";
  function helper(): void {}
}

declare module "ambient" {
  export function load(path: string): void;
}
"#;

    #[test]
    fn qualifies_members_variants_and_namespaces() {
        let file = index_file("src/net/index.ts", SOURCE.to_string());
        let names: Vec<_> = file.symbols.iter().map(|s| (s.display.as_str(), s.kind.as_str())).collect();
        assert_eq!(
            names,
            [
                ("MAX_RETRIES", "constant"),
                ("Millis", "type"),
                ("Options", "type"),
                ("Options.timeout", "field"),
                ("Options.retry", "method"),
                ("Transport", "trait"),
                ("Transport.name", "field"),
                ("Transport.send", "method"),
                ("Backoff", "enum"),
                ("Backoff.Fixed", "variant"),
                ("Backoff.Exponential", "variant"),
                ("Client", "type"),
                ("Client.name", "field"),
                ("Client.retries", "field"),
                ("Client.constructor", "method"),
                ("Client.host", "field"),
                ("Client.port", "field"),
                ("Client.send", "method"),
                ("Client.connect", "method"),
                ("Client.create", "method"),
                ("retry", "function"),
                ("handler", "function"),
                ("Internal", "module"),
                ("Internal.VERSION", "constant"),
                ("Internal.helper", "function"),
                ("ambient", "module"),
                ("ambient.load", "function"),
            ]
        );
        assert_eq!(file.module, ["src", "net"]);
        assert!(file.parse_problem.is_none());
        let symbol = |display: &str| file.symbols.iter().find(|s| s.display == display).unwrap();
        assert_eq!(symbol("Transport.send").params, ["bytes", "timeout"]);
        assert_eq!(symbol("Client.connect").params, ["url", "rest"]);
        assert_eq!(symbol("Client.constructor").params, ["host", "port", "plain"]);
        assert_eq!(symbol("Client.create").params, ["{ host }", "[first]"]);
        assert_eq!(symbol("retry").params, ["op", "attempts"]);
        assert_eq!(symbol("handler").params, ["req"]);
        assert_eq!(symbol("MAX_RETRIES").value.as_deref(), Some("5"));
        assert_eq!(symbol("Backoff.Fixed").value.as_deref(), Some("\"fixed\""));
        assert_eq!(symbol("Internal.VERSION").value.as_deref(), Some("\"1.0\""));
        let private: Vec<_> = file.symbols.iter().filter(|s| !s.public).map(|s| s.display.as_str()).collect();
        assert_eq!(private, ["Options", "Client.retries", "Client.host", "Internal", "Internal.helper", "ambient"]);
    }

    #[test]
    fn tsx_and_declaration_files() {
        let tsx = index_file("ui/Button.tsx", "export const Button = (props: Props) => <b>{props.label}</b>;".into());
        assert!(tsx.parse_problem.is_none());
        assert_eq!(tsx.symbols[0].display, "Button");
        assert_eq!(tsx.symbols[0].params, ["props"]);
        assert_eq!(index_file("types/api.d.ts", String::new()).module, ["types", "api"]);
    }

    #[test]

    fn bare_enum_members_are_variants() {
        let file = index_file("a.ts", "enum Color { Red, 'Dark Green', Blue = 4 }".into());
        let names: Vec<_> = file.symbols.iter().map(|s| s.display.as_str()).collect();
        assert_eq!(names, ["Color", "Color.Red", "Color.Dark Green", "Color.Blue"]);
    }
}
