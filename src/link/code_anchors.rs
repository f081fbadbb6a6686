//! Resolving code-side `spec:` comments to the clauses they name.

use std::collections::HashMap;

use super::{BrokenAnchor, Link, LinkGraph, MissingSpec, Origin, Target};
use crate::code::SpecAnchor;
use crate::index::{CodeIndex, SymbolId};
use crate::spec::target::join;
use crate::spec::{self, SpecFile};
use crate::workspace::Workspace;

/// Resolves `spec: path.md#fragment` comments to clauses.
pub(super) fn link_code_anchors(workspace: &Workspace, index: &CodeIndex, graph: &mut LinkGraph) {
    let by_path: HashMap<&str, usize> =
        workspace.specs.iter().enumerate().map(|(i, spec)| (spec.path.as_str(), i)).collect();
    let mut unparsed: HashMap<String, Option<SpecFile>> = HashMap::new();
    for (file_index, file) in index.files().iter().enumerate() {
        for (anchor_index, anchor) in file.anchors.iter().enumerate() {
            let (path, fragment) = anchor.target.split_once('#').unwrap_or((&anchor.target, ""));
            let Some(spec_path) = spec_location(path, &file.path, workspace, &by_path) else {
                graph.broken_anchors.push(BrokenAnchor {
                    file: file_index,
                    anchor: anchor_index,
                    missing: MissingSpec::File,
                });
                continue;
            };
            let target = anchor_target(file_index, anchor, index);
            match by_path.get(spec_path.as_str()) {
                Some(&spec_index) => {
                    let spec = &workspace.specs[spec_index];
                    match clauses_for(spec, fragment) {
                        Ok(clauses) => graph.links.extend(clauses.into_iter().map(|clause| Link {
                            spec: spec_index,
                            clause,
                            origin: Origin::CodeAnchor { file: file_index, anchor: anchor_index },
                            target: target.clone(),
                        })),
                        Err(missing) => {
                            graph.broken_anchors.push(BrokenAnchor { file: file_index, anchor: anchor_index, missing })
                        }
                    }
                }
                None => {
                    // A markdown file outside the `specs` globs: check the
                    // anchor against it, but it has no clauses to link.
                    let spec = unparsed.entry(spec_path.clone()).or_insert_with(|| {
                        std::fs::read_to_string(workspace.root.join(&spec_path))
                            .ok()
                            .map(|text| spec::parse(&spec_path, text, workspace.repository.as_ref()))
                    });
                    let result = match spec {
                        Some(spec) => clauses_for(spec, fragment).map(|_| ()),
                        None => Err(MissingSpec::File),
                    };
                    if let Err(missing) = result {
                        graph.broken_anchors.push(BrokenAnchor { file: file_index, anchor: anchor_index, missing });
                    }
                }
            }
        }
    }
}

fn anchor_target(file: usize, anchor: &SpecAnchor, index: &CodeIndex) -> Target {
    match anchor.symbol {
        Some(symbol) => Target::Symbol(SymbolId { file, symbol }),
        None => Target::File { path: index.files()[file].path.clone(), lines: None },
    }
}

/// The spec file a `spec:` target names: relative to the repository root,
/// or to the commenting file's directory.
fn spec_location(path: &str, code_path: &str, workspace: &Workspace, by_path: &HashMap<&str, usize>) -> Option<String> {
    let from_root = join("", path.trim_start_matches('/'));
    let from_file = join(code_path.rsplit_once('/').map_or("", |(dir, _)| dir), path);
    [from_root, from_file]
        .into_iter()
        .flatten()
        .find(|candidate| by_path.contains_key(candidate.as_str()) || workspace.paths.contains(candidate.as_str()))
}

/// Clauses a fragment names: none (whole file), a section slug (every clause
/// in it and its subsections), a clause id `slug/n`, or an explicit id.
fn clauses_for(spec: &SpecFile, fragment: &str) -> Result<Vec<usize>, MissingSpec> {
    if fragment.is_empty() {
        return Ok((0..spec.clauses.len()).collect());
    }
    let full_id = format!("{}#{fragment}", spec.path);
    if let Some(index) = spec.clauses.iter().position(|c| c.id().is(&full_id) || c.id().is(fragment)) {
        return Ok(vec![index]);
    }
    let Some(section) = spec.sections.iter().position(|s| *s.slug == *fragment) else {
        return Err(MissingSpec::Section { suggestion: nearest_slug(spec, fragment) });
    };
    let slugs = section_and_children(spec, section);
    Ok(spec.clauses.iter().enumerate().filter(|(_, c)| slugs.contains(&&**c.section())).map(|(i, _)| i).collect())
}

fn section_and_children(spec: &SpecFile, section: usize) -> Vec<&str> {
    let level = spec.sections[section].level;
    let mut slugs = vec![&*spec.sections[section].slug];
    slugs.extend(spec.sections[section + 1..].iter().take_while(|s| s.level > level).map(|s| &*s.slug));
    slugs
}

fn nearest_slug(spec: &SpecFile, fragment: &str) -> Option<String> {
    spec.sections
        .iter()
        .map(|s| (strsim::jaro_winkler(fragment, &s.slug), &s.slug))
        .filter(|(score, _)| *score >= 0.7)
        .max_by(|a, b| a.0.total_cmp(&b.0))
        .map(|(_, slug)| format!("{}#{slug}", spec.path))
}
