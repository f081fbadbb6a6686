//! Rust: items, impl/trait members, enum variants, struct fields and
//! inline modules; `Client::retry`-style qualified names.

use tree_sitter::Node;

use super::walk::node_text;
use super::{Definition, Language, SymbolKind};

pub struct Rust;

impl Language for Rust {
    fn name(&self) -> &'static str {
        "rust"
    }

    fn extensions(&self) -> &'static [&'static str] {
        &["rs"]
    }

    fn grammar(&self, _extension: &str) -> tree_sitter::Language {
        tree_sitter_rust::LANGUAGE.into()
    }

    fn separator(&self) -> &'static str {
        "::"
    }

    fn module_path(&self, path: &str, _root: Node, _source: &str) -> Vec<String> {
        let mut segments = super::path_segments(path);
        if matches!(segments.last().map(String::as_str), Some("mod" | "lib" | "main")) {
            segments.pop();
        }
        segments
    }

    fn definition(&self, node: Node, source: &str) -> Option<Definition> {
        let name = || node.child_by_field_name("name").map(|n| node_text(n, source).to_string());
        let public = has_visibility(node);
        let definition = match node.kind() {
            "function_item" | "function_signature_item" => {
                let kind = if inside_impl_or_trait(node) { SymbolKind::Method } else { SymbolKind::Function };
                Definition::symbol(name()?, kind).with_params(parameters(node, source))
            }
            "struct_item" | "union_item" | "type_item" => Definition::symbol(name()?, SymbolKind::Type),
            "enum_item" => Definition::symbol(name()?, SymbolKind::Enum),
            "trait_item" => Definition::symbol(name()?, SymbolKind::Trait),
            "mod_item" => Definition::symbol(name()?, SymbolKind::Module),
            "macro_definition" => Definition::symbol(name()?, SymbolKind::Function),
            "const_item" | "static_item" => {
                let value = node.child_by_field_name("value").map(|v| node_text(v, source).to_string());
                Definition::symbol(name()?, SymbolKind::Constant).with_value(value)
            }
            "enum_variant" => return Some(Definition::symbol(name()?, SymbolKind::Variant).container(true)),
            "field_declaration" => Definition::symbol(name()?, SymbolKind::Field),
            "impl_item" => return Some(Definition::scope(type_name(node.child_by_field_name("type")?, source)?)),
            _ => return None,
        };
        Some(definition.with_public(public))
    }

    fn definition_kinds(&self) -> &'static [&'static str] {
        &[
            "function_item",
            "function_signature_item",
            "struct_item",
            "union_item",
            "type_item",
            "enum_item",
            "trait_item",
            "mod_item",
            "macro_definition",
            "const_item",
            "static_item",
            "enum_variant",
            "field_declaration",
            "impl_item",
        ]
    }
}

fn has_visibility(node: Node) -> bool {
    let mut cursor = node.walk();
    let visible = node.children(&mut cursor).any(|child| child.kind() == "visibility_modifier");
    visible
}

fn inside_impl_or_trait(node: Node) -> bool {
    node.parent()
        .filter(|parent| parent.kind() == "declaration_list")
        .and_then(|list| list.parent())
        .is_some_and(|owner| matches!(owner.kind(), "impl_item" | "trait_item"))
}

/// The bare type name of an impl target: `Client` for `Client<T>`,
/// `fmt::Display`'s `Display`, `&'a Foo`'s `Foo`.
fn type_name(node: Node, source: &str) -> Option<String> {
    match node.kind() {
        "type_identifier" | "primitive_type" => Some(node_text(node, source).to_string()),
        "generic_type" | "reference_type" | "pointer_type" => type_name(node.child_by_field_name("type")?, source),
        "scoped_type_identifier" => type_name(node.child_by_field_name("name")?, source),
        _ => None,
    }
}

fn parameters(node: Node, source: &str) -> Vec<String> {
    let Some(list) = node.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut cursor = list.walk();
    list.named_children(&mut cursor)
        .filter(|param| param.kind() == "parameter")
        .filter_map(|param| param.child_by_field_name("pattern"))
        .map(|pattern| node_text(pattern, source).trim_start_matches("mut ").trim().to_string())
        .collect()
}

#[cfg(test)]
mod tests {
    use crate::code::index_file;

    #[test]
    fn qualifies_methods_variants_fields_and_constants() {
        let source = r#"
pub const MAX_RETRIES: u32 = 5;
pub struct Client { pub timeout: u64 }
pub enum Backoff { Fixed, Exponential { base: u32 } }
impl<T> Client {
    /// Retries.
    pub fn retry(&self, attempts: u32, mut delay: u64) {}
}
impl std::fmt::Display for Client { fn fmt(&self, f: &mut Formatter) -> Result { todo!() } }
mod inner { fn helper() {} }
trait Transport { fn send(&self, bytes: &[u8]); }
"#;
        let file = index_file("src/net/mod.rs", source.to_string());
        let names: Vec<_> = file.symbols.iter().map(|s| (s.display.as_str(), s.kind.as_str())).collect();
        assert_eq!(
            names,
            [
                ("MAX_RETRIES", "constant"),
                ("Client", "type"),
                ("Client::timeout", "field"),
                ("Backoff", "enum"),
                ("Backoff::Fixed", "variant"),
                ("Backoff::Exponential", "variant"),
                ("Backoff::Exponential::base", "field"),
                ("Client::retry", "method"),
                ("Client::fmt", "method"),
                ("inner", "module"),
                ("inner::helper", "function"),
                ("Transport", "trait"),
                ("Transport::send", "method"),
            ]
        );
        assert_eq!(file.module, ["src", "net"]);
        let retry = file.symbols.iter().find(|s| s.name == "retry").unwrap();
        assert_eq!(retry.params, ["attempts", "delay"]);
        assert!(retry.public);
        assert_eq!(file.symbols[0].value.as_deref(), Some("5"));
    }

    #[test]
    fn body_hash_ignores_comments_and_layout() {
        let a = index_file("a.rs", "fn f(x: u32) -> u32 { x + 1 }".into());
        let b = index_file("a.rs", "fn f(x: u32) -> u32 {\n    // add one\n    x   + 1\n}".into());
        let c = index_file("a.rs", "fn f(x: u32) -> u32 { x + 2 }".into());
        assert_eq!(a.symbols[0].body_hash, b.symbols[0].body_hash);
        assert_ne!(a.symbols[0].body_hash, c.symbols[0].body_hash);
        let trailing = index_file("a.rs", "fn f(x: u32) -> u32 { g(x, 1,) }".into());
        let plain = index_file("a.rs", "fn f(x: u32) -> u32 { g(x, 1) }".into());
        assert_eq!(trailing.symbols[0].body_hash, plain.symbols[0].body_hash);
    }
}
