//! The markdown event walk that turns pulldown-cmark events into sections,
//! clauses and references.

use std::ops::Range;
use std::sync::Arc;

use pulldown_cmark::{BrokenLink, CodeBlockKind, CowStr, Event, LinkType, Options, Parser, Tag, TagEnd};

use std::collections::{HashMap, HashSet};

use super::directive::{parse_directives, Directive};
use super::examples::declared_names;
use super::history::{
    file_history, heading_history, introduces_old_names, mark_absent_names, mark_old_names, mark_retired_row,
};
use super::imports::imports;
use super::shape::symbol_segments;
use super::slug::{slugify, SlugCounter};
use super::target::{repo_path, RepoSlug};
use super::{
    narrow, AnchorTarget, Clause, ClauseMarks, ClauseNumber, Place, Provenance, Reference, ReferenceKind, Section,
    Segments, SpecFile,
};
use crate::text::LineIndex;

pub(super) fn parse(path: &str, source: String, repository: Option<&RepoSlug>) -> SpecFile {
    parse_with_piece_size(path, source, repository, super::pieces::PIECE_BYTES)
}

fn parse_with_piece_size(path: &str, source: String, repository: Option<&RepoSlug>, piece_bytes: usize) -> SpecFile {
    let options = Options::ENABLE_TABLES
        | Options::ENABLE_STRIKETHROUGH
        | Options::ENABLE_TASKLISTS
        | Options::ENABLE_FOOTNOTES
        | Options::ENABLE_HEADING_ATTRIBUTES
        | Options::ENABLE_YAML_STYLE_METADATA_BLOCKS
        | Options::ENABLE_PLUSES_DELIMITED_METADATA_BLOCKS;
    let mut builder = Builder::new(path, &source, repository);
    let pieces = super::pieces::pieces(&source, piece_bytes);
    if pieces.len() == 1 {
        let parser = Parser::new_ext(&source, options);
        builder.definitions = parser
            .reference_definitions()
            .iter()
            .map(|(label, definition)| (fold_label(label), definition.span.clone()))
            .collect();
        for (event, range) in parser.into_offset_iter() {
            builder.event(event, range);
        }
    } else {
        parse_in_pieces(&mut builder, &source, &pieces, options);
    }
    let Builder { mut sections, mut clauses, example_names, example_imports, .. } = builder;
    sections.shrink_to_fit();
    clauses.shrink_to_fit();
    let includes = super::includes::included_files(path, &source);
    SpecFile {
        path: path.to_string(),
        source: crate::source::Source::read(source),
        sections,
        clauses,
        example_names,
        example_imports,
        includes,
        copied_from: None,
    }
}

/// Parses a large file one piece at a time (see `spec::pieces`), so that
/// only one piece's tree is held at once. A reference-style link may be
/// defined in another piece: all pieces' definitions are read first, and
/// the parser of each piece resolves a link it cannot from them.
fn parse_in_pieces(builder: &mut Builder, source: &str, pieces: &[Range<usize>], options: Options) {
    let mut targets: HashMap<String, (String, String)> = HashMap::new();
    for piece in pieces {
        let parser = Parser::new_ext(&source[piece.clone()], options);
        for (label, definition) in parser.reference_definitions().iter() {
            let label = fold_label(label);
            if builder.definitions.contains_key(&label) {
                continue; // The first definition of a label is the one that counts.
            }
            let span = definition.span.start + piece.start..definition.span.end + piece.start;
            let title = definition.title.as_deref().unwrap_or("").to_string();
            targets.insert(label.clone(), (definition.dest.to_string(), title));
            builder.definitions.insert(label, span);
        }
    }
    for piece in pieces {
        let resolve = |link: BrokenLink| {
            let (dest, title) = targets.get(&fold_label(&link.reference))?;
            Some((CowStr::from(dest.clone()), CowStr::from(title.clone())))
        };
        let parser = Parser::new_with_broken_link_callback(&source[piece.clone()], options, Some(resolve));
        for (event, range) in parser.into_offset_iter() {
            builder.event(first_definition(event, &targets), range.start + piece.start..range.end + piece.start);
        }
    }
}

/// A reference-style link goes where its label's first definition in the
/// file says, also when its own piece defines the label again.
fn first_definition<'a>(event: Event<'a>, targets: &HashMap<String, (String, String)>) -> Event<'a> {
    let first = |id: &str, dest_url: CowStr<'a>| match targets.get(&fold_label(id)) {
        Some((dest, _)) => CowStr::from(dest.clone()),
        None => dest_url,
    };
    match event {
        Event::Start(Tag::Link { link_type, dest_url, title, id }) if is_reference(link_type) => {
            Event::Start(Tag::Link { link_type, dest_url: first(&id, dest_url), title, id })
        }
        Event::Start(Tag::Image { link_type, dest_url, title, id }) if is_reference(link_type) => {
            Event::Start(Tag::Image { link_type, dest_url: first(&id, dest_url), title, id })
        }
        other => other,
    }
}

/// `[text][id]`, `[id][]` or `[id]`: a link through a definition.
fn is_reference(link_type: LinkType) -> bool {
    matches!(
        link_type,
        LinkType::Reference
            | LinkType::Collapsed
            | LinkType::Shortcut
            | LinkType::ReferenceUnknown
            | LinkType::CollapsedUnknown
            | LinkType::ShortcutUnknown
    )
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum ClauseKind {
    Paragraph,
    Item,
    Row,
}

/// A clause whose end has not been seen yet.
struct OpenClause {
    kind: ClauseKind,
    start: usize,
    /// Where the first clause nested in this one starts: the end of this
    /// clause's own words (an item's sub-list is not the item's sentence).
    own_end: Option<usize>,
    /// Where the last clause nested in this one ended: its own words
    /// resume there (a paragraph after an item's sub-list).
    resumes: Option<usize>,
    ordinal: usize,
    text: String,
    references: Vec<Reference>,
    id: Option<String>,
    ignores: Option<Vec<String>>,
}

/// What a clause's id is written from: its number in the section, or an
/// explicit `{#id}` (the part after `#`).
enum ClauseName {
    Numbered(ClauseNumber),
    Own(String),
}

/// Directives waiting for the next clause.
#[derive(Default)]
struct Pending {
    id: Option<String>,
    ignores: Option<Vec<String>>,
    anchors: Vec<Reference>,
}

struct Heading {
    level: u8,
    id: Option<String>,
    text: String,
    start: usize,
    end: usize,
    /// Code spans in the heading: they become the section's clause 0.
    references: Vec<Reference>,
}

struct Builder<'a> {
    path: &'a str,
    source: &'a str,
    lines: LineIndex,
    repository: Option<&'a RepoSlug>,
    sections: Vec<Section>,
    clauses: Vec<Clause>,
    open: Vec<OpenClause>,
    heading: Option<Heading>,
    heading_path: Vec<(u8, Arc<str>)>,
    /// The file's path, the section and `heading_path`'s titles, shared by
    /// the section's clauses rather than copied into each.
    place: Arc<Place>,
    /// The history `heading_path`'s titles say the section records.
    titles_history: Option<Arc<str>>,
    ordinal: usize,
    slugs: SlugCounter,
    scopes: Vec<(u8, Arc<str>)>,
    pending: Pending,
    html: Option<(usize, String)>,
    skip_text: usize,
    in_code_block: bool,
    in_table_head: bool,
    /// For each open link: its destination when it points somewhere other
    /// than a file of the repository.
    links: Vec<Option<String>>,
    example_names: HashSet<String>,
    example_imports: HashMap<String, String>,
    /// Why the whole file records history, if it does (a changelog, a blog).
    file_history: Option<Arc<str>>,
    /// Where each reference-style link definition (`[id]: url`) is.
    definitions: HashMap<String, Range<usize>>,
    /// Names the open code example imports from a package.
    example_references: Vec<Reference>,
    /// Code examples with imports in the current section.
    example_ordinal: usize,
    /// For each open list: whether the sentence before it introduces old
    /// names ("Binder replaces the following components:").
    old_name_lists: Vec<bool>,
}

/// Link labels match case-insensitively with white space folded.
fn fold_label(label: &str) -> String {
    label.split_whitespace().collect::<Vec<_>>().join(" ").to_lowercase()
}

impl<'a> Builder<'a> {
    fn new(path: &'a str, source: &'a str, repository: Option<&'a RepoSlug>) -> Self {
        Builder {
            path,
            source,
            lines: LineIndex::new(source),
            repository,
            sections: Vec::new(),
            clauses: Vec::new(),
            open: Vec::new(),
            heading: None,
            heading_path: Vec::new(),
            place: Arc::new(Place::new(Arc::from(path), Arc::from(""), Arc::from([]))),
            titles_history: None,
            ordinal: 0,
            slugs: SlugCounter::default(),
            scopes: Vec::new(),
            pending: Pending::default(),
            html: None,
            skip_text: 0,
            in_code_block: false,
            in_table_head: false,
            links: Vec::new(),
            old_name_lists: Vec::new(),
            example_names: HashSet::new(),
            example_imports: HashMap::new(),
            definitions: HashMap::new(),
            file_history: file_history(path).map(Arc::from),
            example_references: Vec::new(),
            example_ordinal: 0,
        }
    }

    fn event(&mut self, event: Event, range: Range<usize>) {
        match event {
            Event::Start(tag) => self.start(tag, range),
            Event::End(tag) => self.end(tag, range),
            Event::Text(text) => {
                if self.in_code_block {
                    self.example_imports(&text, range.start);
                }
                self.text(&text)
            }
            Event::Code(code) => self.code(&code, range),
            Event::Html(html) => self.block_html(&html, range),
            Event::InlineHtml(html) => self.inline_html(&html, range),
            Event::SoftBreak | Event::HardBreak => self.text(" "),
            _ => {}
        }
    }

    fn start(&mut self, tag: Tag, range: Range<usize>) {
        match tag {
            Tag::Heading { level, id, .. } => {
                self.heading = Some(Heading {
                    level: level as u8,
                    id: id.map(|id| id.to_string()),
                    text: String::new(),
                    start: range.start,
                    end: range.end,
                    references: Vec::new(),
                });
            }
            Tag::CodeBlock(CodeBlockKind::Fenced(_) | CodeBlockKind::Indented) => {
                self.skip_text += 1;
                self.in_code_block = true;
            }
            Tag::MetadataBlock(_) => self.skip_text += 1,
            Tag::HtmlBlock => self.html = Some((range.start, String::new())),
            Tag::Paragraph if self.open.is_empty() => self.open_clause(ClauseKind::Paragraph, range.start),
            Tag::List(_) => {
                let before = self
                    .clauses
                    .last()
                    .filter(|c| c.bytes().end <= range.start && **c.section() == *self.place.section);
                self.old_name_lists.push(before.is_some_and(|clause| introduces_old_names(clause.text())));
            }
            Tag::Item => self.open_clause(ClauseKind::Item, range.start),
            Tag::TableHead => self.in_table_head = true,
            Tag::TableRow => self.open_clause(ClauseKind::Row, range.start),
            Tag::TableCell => self.text(" | "),
            Tag::Link { dest_url, link_type, id, .. } => {
                // `[text][id]` with `[id]: url` below: the link is written,
                // and fixed, at its definition.
                let defined =
                    is_reference(link_type).then(|| self.definitions.get(&fold_label(&id)).cloned()).flatten();
                self.link(&dest_url, defined.unwrap_or(range))
            }
            // `![logo](images/logo.png)`: an image is a file of the repository too.
            Tag::Image { dest_url, .. } => self.link(&dest_url, range),
            _ => {}
        }
    }

    fn end(&mut self, tag: TagEnd, range: Range<usize>) {
        match tag {
            TagEnd::Heading(_) => self.close_heading(),
            TagEnd::CodeBlock | TagEnd::MetadataBlock(_) => {
                self.skip_text = self.skip_text.saturating_sub(1);
                self.in_code_block = false;
                self.close_example(range);
            }
            TagEnd::Link | TagEnd::Image => {
                self.links.pop();
            }
            TagEnd::HtmlBlock => {
                if let Some((start, html)) = self.html.take() {
                    self.directives(&html, start, false);
                }
            }
            TagEnd::Paragraph => self.close_clause(ClauseKind::Paragraph, range.end),
            TagEnd::List(_) => {
                self.old_name_lists.pop();
            }
            TagEnd::Item => self.close_clause(ClauseKind::Item, range.end),
            TagEnd::TableHead => self.in_table_head = false,
            TagEnd::TableRow => self.close_clause(ClauseKind::Row, range.end),
            _ => {}
        }
    }

    fn text(&mut self, text: &str) {
        if self.in_code_block {
            text.lines().for_each(|line| declared_names(line, &mut self.example_names));
        }
        if self.skip_text > 0 || self.in_table_head {
            return;
        }
        if let Some(heading) = &mut self.heading {
            heading.text.push_str(text);
        } else if let Some(clause) = self.open.last_mut() {
            clause.text.push_str(text);
        }
    }

    fn code(&mut self, code: &str, range: Range<usize>) {
        let in_heading = self.heading.is_some();
        if in_heading {
            self.text(code);
        } else if self.in_table_head || self.open.is_empty() {
            return;
        } else {
            self.text(&format!("`{code}`"));
        }
        let Some(segments) = symbol_segments(code).and_then(|segments| Segments::new(&segments)) else { return };
        let mut reference = self.reference(ReferenceKind::Symbol { segments }, code, range.clone());
        reference.soft = self.source[..range.start].ends_with('[') && self.source[range.end..].starts_with(']');
        // The text of a link to somewhere else (`[`RegexSet`](https://docs.rs/…)`)
        // may name that other thing; the gates weigh it.
        if let Some(url) = self.links.last().cloned().flatten() {
            reference.provenance = Some(Box::new(Provenance::ExternalLink(url)));
        }
        match &mut self.heading {
            Some(heading) => heading.references.push(reference),
            None => {
                if let Some(clause) = self.open.last_mut() {
                    clause.references.push(reference);
                }
            }
        }
    }

    /// Records what a line of example code imports from a package, where
    /// the text is the source verbatim (so the name can be located).
    fn example_imports(&mut self, text: &str, start: usize) {
        let mut offset = 0;
        for line in text.split_inclusive('\n') {
            for import in imports(line) {
                let Some(name) = import.segments.last() else { continue };
                let at = start + offset + import.offset;
                if self.source.get(at..at + name.len()) != Some(name.as_str()) {
                    continue;
                }
                let package = import.segments.first().cloned();
                if let Some(package) = &package {
                    self.example_imports.entry(name.clone()).or_insert_with(|| package.clone());
                }
                let Some(segments) = Segments::new(&import.segments) else { continue };
                let kind = ReferenceKind::Symbol { segments };
                let mut reference = self.reference(kind, &import.text(), at..at + name.len());
                if let Some(package) = package {
                    reference.provenance = Some(Box::new(Provenance::ExamplePackage(package)));
                }
                self.example_references.push(reference);
            }
            offset += line.len();
        }
    }

    /// A code example that imports names becomes a clause of its own
    /// (`…#section/example-1`), so its claims are checked like prose.
    fn close_example(&mut self, range: Range<usize>) {
        if self.example_references.is_empty() {
            return;
        }
        self.example_ordinal += 1;
        let references = std::mem::take(&mut self.example_references);
        let text = self.source.get(range.clone()).unwrap_or("").to_string();
        let name = ClauseName::Numbered(ClauseNumber::Example(narrow(self.example_ordinal)));
        let ignores = std::mem::take(&mut self.pending.ignores);
        self.push_clause(name, text, range, false, references, ignores);
    }

    /// A link whose text runs over several lines is reported on the line of
    /// its destination, where the fix is made.
    fn destination_line(&self, destination: &str, range: Range<usize>) -> Range<usize> {
        let Some(link) = self.source.get(range.clone()) else { return range };
        let Some(text_end) = link.rfind("](") else { return range };
        if !link[..text_end].contains('\n') || destination.is_empty() {
            return range;
        }
        match link[text_end..].find(destination) {
            Some(at) => range.start + text_end + at..range.end,
            None => range,
        }
    }

    fn link(&mut self, destination: &str, range: Range<usize>) {
        let target = repo_path(destination, self.path, self.repository);
        let into_repository = target.as_ref().is_some_and(|t| !t.route_like);
        self.links.push((!into_repository).then(|| destination.to_string()));
        if self.heading.is_some() || self.in_table_head || self.open.is_empty() {
            return;
        }
        if let Some(target) = target {
            let kind = ReferenceKind::Path(Box::new(super::PathLink {
                path: target.path,
                fragment: target.fragment,
                route_like: target.route_like,
                elsewhere: super::Elsewhere {
                    fallbacks: target.fallbacks,
                    site_fallbacks: target.site_fallbacks,
                    git_ref: target.git_ref,
                }
                .boxed(),
            }));
            let range = self.destination_line(destination, range);
            self.push_reference(kind, destination, range);
        }
    }

    fn push_reference(&mut self, kind: ReferenceKind, text: &str, range: Range<usize>) {
        let reference = self.reference(kind, text, range);
        if let Some(clause) = self.open.last_mut() {
            clause.references.push(reference);
        }
    }

    fn reference(&self, kind: ReferenceKind, text: &str, range: Range<usize>) -> Reference {
        let at = self.lines.line_column(self.source, range.start);
        Reference::new(kind, text, at, range)
    }

    fn block_html(&mut self, html: &str, range: Range<usize>) {
        match &mut self.html {
            Some((_, buffer)) => buffer.push_str(html),
            None => self.directives(html, range.start, self.open.last().is_some()),
        }
    }

    fn inline_html(&mut self, html: &str, range: Range<usize>) {
        self.directives(html, range.start, !self.open.is_empty());
    }

    /// Applies directives: inside a clause they apply to it, between blocks
    /// to the next clause; `scope` always applies to the current section.
    fn directives(&mut self, html: &str, start: usize, inside_clause: bool) {
        for (offset, directive) in parse_directives(html) {
            let at = start + offset;
            match directive {
                Directive::Scope(scope) => {
                    let scope: Arc<str> = Arc::from(scope);
                    let level = self.heading_path.last().map_or(0, |(level, _)| *level);
                    self.scopes.retain(|(l, _)| *l < level);
                    // The whole section is scoped, also what came before the comment.
                    for clause in self.clauses.iter_mut().rev().take_while(|c| **c.section() == *self.place.section) {
                        clause.marks_mut().scope = Some(scope.clone());
                    }
                    self.scopes.push((level, scope));
                }
                Directive::Id(id) => match self.open.last_mut().filter(|_| inside_clause) {
                    Some(clause) => clause.id = Some(id),
                    None => self.pending.id = Some(id),
                },
                Directive::Ignore(rules) => match self.open.last_mut().filter(|_| inside_clause) {
                    Some(clause) => crate::text::merge_ignores(&mut clause.ignores, rules),
                    None => crate::text::merge_ignores(&mut self.pending.ignores, rules),
                },
                Directive::Code { path, symbol } => {
                    let text = match &symbol {
                        Some(symbol) => format!("{path}::{}", symbol.join("::")),
                        None => path.clone(),
                    };
                    let end = at + html.len().saturating_sub(offset);
                    let reference =
                        self.reference(ReferenceKind::Anchor(Box::new(AnchorTarget { path, symbol })), &text, at..end);
                    match self.open.last_mut().filter(|_| inside_clause) {
                        Some(clause) => clause.references.push(reference),
                        None => self.pending.anchors.push(reference),
                    }
                }
            }
        }
    }

    fn open_clause(&mut self, kind: ClauseKind, start: usize) {
        self.ordinal += 1;
        let pending = std::mem::take(&mut self.pending);
        if let Some(parent) = self.open.last_mut() {
            parent.own_end.get_or_insert(start);
        }
        self.open.push(OpenClause {
            kind,
            start,
            own_end: None,
            resumes: None,
            ordinal: self.ordinal,
            text: String::new(),
            references: pending.anchors,
            id: pending.id,
            ignores: pending.ignores,
        });
    }

    fn close_clause(&mut self, kind: ClauseKind, end_offset: usize) {
        if self.open.last().is_none_or(|clause| clause.kind != kind) {
            return;
        }
        let Some(open) = self.open.pop() else { return };
        if let Some(parent) = self.open.last_mut() {
            parent.resumes = Some(end_offset);
        }
        let mut text = fold_whitespace(&open.text);
        let mut id = open.id;
        if let Some((rest, explicit)) = trailing_id(&text) {
            id = id.or(Some(explicit.to_string()));
            text = rest.to_string();
        }
        if text.is_empty() && open.references.is_empty() {
            return;
        }
        let normative = is_normative(&text);
        let end = end_offset.clamp(open.start, self.source.len());
        let mut references = open.references;
        // The phrase searches below only mark code spans.
        let spans = references.iter().any(|r| matches!(r.kind, ReferenceKind::Symbol { .. }));
        if !normative && spans {
            // Its own words only: each nested item reads its own, so that
            // deep nesting costs no more than flat text.
            let own_end = open.own_end.map_or(end, |own| own.clamp(open.start, end));
            let after = open.resumes.filter(|&at| open.own_end.is_some() && at < end).map(|at| at.max(own_end)..end);
            for part in std::iter::once(open.start..own_end).chain(after) {
                let text = self.source.get(part.clone()).unwrap_or("");
                mark_old_names(text, part.start, &mut references);
                mark_absent_names(text, part.start, &mut references);
                if kind == ClauseKind::Row {
                    mark_retired_row(text, part.start, &mut references);
                }
            }
        }
        // The item's first name is the old one: "`stop_all()`: call `halt_all()` instead."
        if kind == ClauseKind::Item && self.old_name_lists.last() == Some(&true) {
            if let Some(old) = references.iter_mut().find(|r| matches!(r.kind, ReferenceKind::Symbol { .. })) {
                old.historical = true;
            }
        }
        let name = match id {
            Some(id) => ClauseName::Own(id),
            None => ClauseName::Numbered(ClauseNumber::Prose(narrow(open.ordinal))),
        };
        self.push_clause(name, text, open.start..end, normative, references, open.ignores);
    }

    /// Adds a clause of this file, named `name` in the current section;
    /// `bytes` is its span, from which its lines come.
    fn push_clause(
        &mut self,
        name: ClauseName,
        text: String,
        bytes: Range<usize>,
        normative: bool,
        references: Vec<Reference>,
        ignores: Option<Vec<String>>,
    ) {
        let (line, column) = self.lines.line_column(self.source, bytes.start);
        let (end_line, _) = self.lines.line_column(self.source, bytes.end.saturating_sub(1).max(bytes.start));
        let (place, number) = match name {
            ClauseName::Numbered(number) => (self.place.clone(), number),
            ClauseName::Own(id) => {
                (Arc::new(self.place.with_own_id(format!("{}#{id}", self.path))), ClauseNumber::Prose(0))
            }
        };
        self.clauses.push(Clause {
            place,
            number,
            normative,
            text: Some(text.into_boxed_str()),
            line: narrow(line),
            column: narrow(column),
            end_line: narrow(end_line),
            bytes: narrow(bytes.start)..narrow(bytes.end),
            // Most clauses hold one or two references; a vector's growth
            // would keep room for four, which is most of a large file's
            // memory.
            references: references.into_boxed_slice(),
            marks: ClauseMarks {
                ignores,
                scope: self.scopes.last().map(|(_, scope)| scope.clone()),
                history: self.file_history.clone().or_else(|| self.titles_history.clone()),
            }
            .boxed(),
        });
    }

    fn close_heading(&mut self) {
        let Some(heading) = self.heading.take() else { return };
        let title: Arc<str> = fold_whitespace(&heading.text).into();
        let slug: Arc<str> = self.slugs.unique(heading.id.clone().unwrap_or_else(|| slugify(&title))).into();
        self.heading_path.retain(|(level, _)| *level < heading.level);
        self.heading_path.push((heading.level, title.clone()));
        let titles: Arc<[Arc<str>]> = self.heading_path.iter().map(|(_, title)| title.clone()).collect();
        self.titles_history = heading_history(&self.heading_path).map(Arc::from);
        self.scopes.retain(|(level, _)| *level < heading.level);
        let (line, _) = self.lines.line_column(self.source, heading.start);
        self.sections.push(Section { slug: slug.clone(), title: title.clone(), level: heading.level, line });
        self.place = Arc::new(Place::new(self.place.path.clone(), slug, titles));
        self.ordinal = 0;
        self.example_ordinal = 0;
        if !heading.references.is_empty() {
            self.heading_clause(title, heading);
        }
    }

    /// A heading that names code (`## `Client::retry()``) is a claim like
    /// any clause: clause 0 of its own section.
    fn heading_clause(&mut self, title: Arc<str>, heading: Heading) {
        let end = heading.end.clamp(heading.start, self.source.len());
        let normative = is_normative(&title);
        let ignores = std::mem::take(&mut self.pending.ignores);
        let name = ClauseName::Numbered(ClauseNumber::Prose(0));
        self.push_clause(name, title.to_string(), heading.start..end, normative, heading.references, ignores);
    }
}

fn fold_whitespace(text: &str) -> String {
    let mut folded = String::with_capacity(text.len());
    for word in text.split_whitespace() {
        if !folded.is_empty() {
            folded.push(' ');
        }
        folded.push_str(word);
    }
    folded
}

/// `… the retry budget. {#retry-budget}` → text and `retry-budget`.
fn trailing_id(text: &str) -> Option<(&str, &str)> {
    let body = text.strip_suffix('}')?;
    let open = body.rfind("{#")?;
    let id = &body[open + 2..];
    let valid = !id.is_empty() && id.chars().all(|c| c.is_alphanumeric() || matches!(c, '-' | '_' | '.' | '/'));
    valid.then(|| (text[..open].trim_end(), id))
}

/// RFC 2119 keywords, upper case, as whole words.
fn is_normative(text: &str) -> bool {
    text.split(|c: char| !c.is_ascii_alphabetic()).any(|word| matches!(word, "MUST" | "SHALL" | "SHOULD" | "REQUIRED"))
}

#[cfg(test)]
mod tests {
    use super::super::{parse, ReferenceKind};

    /// Clauses as the checks see them: id, text, lines, and each
    /// reference's text, place and link target.
    fn clause_summary(spec: &super::SpecFile) -> Vec<String> {
        spec.clauses
            .iter()
            .map(|c| {
                let references: Vec<String> =
                    c.references.iter().map(|r| format!("{}@{:?}:{:?}", r.text, r.bytes, r.kind)).collect();
                format!("{} {:?} {}-{} {:?} {:?}", c.id(), c.text(), c.line, c.end_line, c.history(), references)
            })
            .collect()
    }

    /// Lines of markdown that open, close or sit inside the blocks a cut
    /// must respect, and the headings a cut may come before.
    const LINES: [&str; 25] = [
        "  ```",
        "",
        "",
        "# Title",
        "## `Client::retry` policy",
        "Text naming `Engine::start` and [the guide][guide].",
        "- item with `value_one`",
        "  - nested `inner_two`",
        "```sh",
        "```",
        "~~~",
        "    ~~~",
        "    indented `code`",
        "<!--",
        "-->",
        "<pre>",
        "</pre>",
        "<PRE>",
        "---",
        "+++",
        "...",
        "> quoted `Quote::name`",
        "| `cell_name` | text |",
        "[guide]: docs/guide.md",
        "<div>",
    ];

    proptest::proptest! {
        #![proptest_config(proptest::prelude::ProptestConfig { cases: 2000, failure_persistence: None, ..Default::default() })]

        /// Whatever the blocks, a file parsed in the smallest pieces its
        /// cuts allow gives the clauses of the whole file.
        #[test]
        fn pieces_give_the_clauses_of_the_whole(lines in proptest::collection::vec(0..LINES.len(), 0..40)) {
            let source: String = lines.iter().map(|&line| format!("{}\n", LINES[line])).collect();
            let whole = super::parse_with_piece_size("a.md", source.clone(), None, usize::MAX);
            let pieces = super::parse_with_piece_size("a.md", source.clone(), None, 1);
            proptest::prop_assert_eq!(clause_summary(&pieces), clause_summary(&whole), "{:?}", source);
        }
    }

    #[test]
    fn a_label_defined_twice_links_to_its_first_definition_in_pieces_too() {
        let source = "# A\n\n[api]: src/old.rs\n\n# B\n\nSee [api].\n\n[api]: src/new.rs\n".to_string();
        let whole = super::parse_with_piece_size("a.md", source.clone(), None, usize::MAX);
        let pieces = super::parse_with_piece_size("a.md", source, None, 1);
        let targets = |spec: &super::SpecFile| -> Vec<String> {
            spec.clauses.iter().flat_map(|c| &c.references).map(|r| format!("{}@{:?}", r.text, r.bytes)).collect()
        };
        assert_eq!(targets(&whole), vec!["src/old.rs@5..22".to_string()]);
        assert_eq!(targets(&pieces), targets(&whole));
    }

    #[test]
    fn a_file_parsed_in_pieces_gives_the_clauses_of_the_whole() {
        let source = format!(
            "# Changelog\n\nSee [the guide][guide] and [net][].\n\n{SPEC}\n## Later\n\n- uses [guide] again\n\n[guide]: docs/guide.md\n[net]: src/net.rs\n"
        );
        let whole = super::parse_with_piece_size("docs/a.md", source.clone(), None, usize::MAX);
        let pieces = super::parse_with_piece_size("docs/a.md", source.clone(), None, 1);
        assert!(super::super::pieces::pieces(&source, 1).len() > 3, "the file is cut");
        assert_eq!(clause_summary(&pieces), clause_summary(&whole));
        let linked: Vec<&str> = whole.clauses.iter().flat_map(|c| &c.references).map(|r| &*r.text).collect();
        // Both uses of `[guide]` link to its definition, also the one a piece away.
        assert_eq!(linked.iter().filter(|&&text| text == "docs/guide.md").count(), 2, "{linked:?}");
    }

    const SPEC: &str = "\
Intro paragraph with `parse_config()`.

# Retry policy

The client MUST retry with `Client::retry` up to `MAX_RETRIES` times.

- first item names [the code](../src/net.rs#L10-L20)
  - nested item with `--dry-run` and `config.toml`
- second item {#second}

<!-- driftcheck:ignore dangling-symbol -->
<!-- driftcheck:code src/net.rs::Client::send -->
Ignored paragraph with `OldName::gone`.

```rust
let x = NotAReference::new();
```

| Setting | Meaning |
| --- | --- |
| `RETRY_BUDGET` | how many retries |

## Retry policy

Second section with the same title.
";

    #[test]
    fn clauses_have_ids_spans_and_references() {
        let spec = parse("specs/net.md", SPEC.to_string(), None);
        let ids: Vec<_> = spec.clauses.iter().map(|c| c.id().to_string()).collect();
        assert_eq!(
            ids,
            [
                "specs/net.md#/1",
                "specs/net.md#retry-policy/1",
                "specs/net.md#retry-policy/3",
                "specs/net.md#retry-policy/2",
                "specs/net.md#second",
                "specs/net.md#retry-policy/5",
                "specs/net.md#retry-policy/6",
                "specs/net.md#retry-policy-1/1",
            ]
        );
        let must = &spec.clauses[1];
        assert!(must.normative);
        assert_eq!((must.line, must.column), (5, 1));
        assert_eq!(must.heading_path().iter().map(|t| &**t).collect::<Vec<_>>(), ["Retry policy"]);
        let refs: Vec<_> = must.references.iter().map(|r| (&*r.text, r.line(), r.column())).collect();
        assert_eq!(refs, [("Client::retry", 5, 28), ("MAX_RETRIES", 5, 50)]);
        assert!(!spec.clauses[0].normative);
    }

    #[test]
    fn links_nested_items_and_directives() {
        let spec = parse("specs/net.md", SPEC.to_string(), None);
        let first = spec.clauses.iter().find(|c| c.text().starts_with("first item")).unwrap();
        assert_eq!(first.text(), "first item names the code");
        match &first.references[0].kind {
            ReferenceKind::Path(link) => assert_eq!(link.path, "src/net.rs"),
            other => panic!("expected a path reference, got {other:?}"),
        }
        let nested = spec.clauses.iter().find(|c| c.text().starts_with("nested")).unwrap();
        assert!(nested.references.is_empty(), "flags and file names are not references");
        let ignored = spec.clauses.iter().find(|c| c.text().starts_with("Ignored")).unwrap();
        assert!(ignored.ignores("dangling-symbol"));
        assert!(!ignored.ignores("dangling-path"));
        assert!(matches!(ignored.references[0].kind, ReferenceKind::Anchor(_)));
        assert_eq!(&*ignored.references[1].text, "OldName::gone");
        let row = spec.clauses.iter().find(|c| c.text().contains("RETRY_BUDGET")).unwrap();
        assert_eq!(&*row.references[0].text, "RETRY_BUDGET");
        assert!(spec.clauses.iter().all(|c| !c.text().contains("NotAReference")));
    }

    #[test]
    fn old_names_are_recognised_only_where_the_phrase_points() {
        let text = "`open()` was renamed to `load()`.\n\nFormerly `read_all()`; now `read()`.\n\n\
                    The socket is no longer busy after `send_request()`.\n\nThe parser MUST reject `x_y()`, which was removed.\n\n\
                    Version 2 uses `load_all()`. On version 1 or older, use `util.inherits`.\n\n\
                    - `DB.purge()`: This method is **DEPRECATED** since v1.5.\n\n\
                    Entries 30 days or older go with `prune_logs()`.\n";
        let spec = parse("README.md", text.to_string(), None);
        let marks: Vec<Vec<bool>> =
            spec.clauses.iter().map(|c| c.references.iter().map(|r| r.historical).collect()).collect();
        assert_eq!(
            marks,
            [
                vec![true, false],
                vec![true, false],
                vec![false],
                vec![false],
                vec![false, true],
                vec![true],
                vec![false]
            ]
        );
    }

    #[test]
    fn removal_phrases_mark_the_names_they_close() {
        let text = "The `LogMask` object replaces v1's `HttpLogModifier` interface.\n\n\
                    `JsObject.RESET_LIST` / `clearEngineState()` are gone.\n\n\
                    The previous `wireErrors` rituals are replaced.\n\n\
                    `a_one()`, `b_two()` and `c_three()` were dropped.\n\n\
                    Call `keep_it()` first; `d_four()` is removed.\n\n\
                    Python's `asyncio_run` runs it.\n\n\
                    `with_labs()` and `with_plugins()` are deprecated.\n\n\
                    When the `LockGuard` is dropped, the lock is released.\n\n\
                    After `Cache::evict_one()` the entry is removed.\n\n\
                    Call `undo_last()` to restore the previous state, then `commit_all()`.\n\n\
                    `Config::load()` replaces the defaults with `Config::from_env()`.\n\n\
                    No post-hoc wiring. The\nprevious `wireErrorConstructor` is gone.\n";
        let spec = parse("README.md", text.to_string(), None);
        let marks: Vec<Vec<bool>> =
            spec.clauses.iter().map(|c| c.references.iter().map(|r| r.historical).collect()).collect();
        assert_eq!(
            marks,
            [
                vec![false, true],
                vec![true, true],
                vec![true],
                vec![true, true, true],
                vec![false, true],
                vec![false],
                vec![false, true],
                vec![false],
                vec![false],
                vec![false, false],
                vec![false, false],
                vec![true]
            ]
        );
    }

    #[test]
    fn a_table_row_whose_cell_says_removed_is_history() {
        let text = "| v1 | v2 |\n| --- | --- |\n| `@AutoDef`, Plugin | Removed |\n\
                    | `TargetDriver` interface | Replaced by `DriverProvider` |\n| `start_all()` | Kept as is |\n\
                    | `dry_run_all` | Removed files are listed |\n| `old_knob` | *Dropped* in 2.0 |\n\
                    | `showLog` | No effect (a later release may forward it) |\n| `keep_log` | No effects are applied |\n\
                    | `log_level()` | No effect in release builds |\n| `old_flag` | No effect in 3.0 |\n";
        let spec = parse("README.md", text.to_string(), None);
        let marks: Vec<Vec<bool>> =
            spec.clauses.iter().map(|c| c.references.iter().map(|r| r.historical).collect()).collect();
        assert_eq!(
            marks,
            [
                vec![true],
                vec![true, false],
                vec![false],
                vec![false],
                vec![true],
                vec![true],
                vec![false],
                vec![false],
                vec![true]
            ]
        );
    }

    #[test]
    fn history_is_recognised() {
        let text =
            "# API\n\n`load()` reads the file.\n\n## v2.1.0\n\nAdds `load()`.\n\n## 1.4 (2024-05-01)\n\nFixes.\n\n\
                    ## Migration guide\n\nCall `load()`.\n\n## Changelog format\n\nRemoved entries are `purged()`.\n\n\
                    ## Sorting function renames\n\n`sortingFn` is `sortFn`.\n\n## Renaming files\n\nCall `rename()`.\n\n## Detecting renamed files\n\nCall `detect()`.\n\n\
                    ## Before 3.4/4.1\n\nUse `RedisConnection`.\n\n## Before you start\n\nCall `connect()`.\n\n\
                    ## 1. Sealed values — COMPLETED\n\nMade `asNumber` static.\n\n## Phase 2 (done)\n\nUse `old()`.\n\n\
                    ## Getting things done\n\nCall `finish()`.\n\n## Completed jobs\n\nCall `jobs()`.\n\n\
                    ## Retries - done\n\nCall `retry()`.\n\n## Half-done\n\nCall `half()`.\n";
        let spec = parse("README.md", text.to_string(), None);
        let historical: Vec<_> = spec.clauses.iter().map(|c| c.history().is_some()).collect();
        assert_eq!(
            historical,
            [false, true, true, true, false, true, false, false, true, false, true, true, false, false, true, false]
        );
    }

    #[test]
    fn a_list_introduced_as_old_names_is_history() {
        let text = "Binder replaces the following parsers:\n\n- `BodyParser`\n- `QueryParser`: use `bind_query()`\n\n\
                    It offers these parsers:\n\n- `JsonParser`\n\nWhen a worker is removed, these hooks run:\n\n- `on_exit()`\n";
        let spec = parse("README.md", text.to_string(), None);
        let marks: Vec<Vec<bool>> =
            spec.clauses.iter().map(|c| c.references.iter().map(|r| r.historical).collect()).collect();
        assert_eq!(marks, [vec![], vec![true], vec![true, false], vec![], vec![false], vec![], vec![false]]);
    }

    #[test]
    fn whole_files_record_history_or_plans() {
        let text = "Call `load()`.\n";
        for (path, history) in [
            ("CHANGELOG.md", true),
            ("docs/whats_new.md", true),
            ("docs/ROADMAP-1.0.md", true),
            ("ROADMAP.md", true),
            ("TODO.md", false),
            ("docs/new-features.md", true),
            ("perf-done.md", true),
            ("docs/refactor_skipped.md", true),
            ("docs/tutorial/todo-app.md", false),
            ("docs/done-callbacks.md", false),
            ("docs/blog/2024-01-05-release.md", true),
            ("docs/fr-FR/migrating-to-0.45.0/README.md", true),
            ("docs/migrations_api/README.md", false),
            ("UPDATING.md", true),
            ("UPGRADE_GUIDE_V2.md", true),
            ("docs/upgrade-to-v3.md", true),
            ("docs/schema-migration-cli.md", false),
            ("docs/auto-upgrade-strategy.md", false),
            ("docs/development/gateway_v2_migration_guide.md", true),
            ("docs/data-migrations.md", false),
            ("docs/1.getting-started/18.upgrade.md", true),
            ("docs/7.migration/2.configuration.md", true),
            ("docs/2.guide/3.hooks.md", false),
            ("docs/migration/writing.md", false),
            ("docs/guide.md", false),
            ("specs/changelog.md", false),
        ] {
            let spec = parse(path, text.to_string(), None);
            assert_eq!(spec.clauses[0].history().is_some(), history, "{path}");
        }
    }

    #[test]
    fn images_are_links_to_files() {
        let spec = parse("docs/a.md", "The logo: ![logo](img/logo.png).\n".to_string(), None);
        match &spec.clauses[0].references[0].kind {
            ReferenceKind::Path(link) => assert_eq!(link.path, "docs/img/logo.png"),
            other => panic!("expected a path, got {other:?}"),
        }
    }

    #[test]
    fn reference_style_links_are_located_at_their_definition() {
        let text = "# A\n\nSee [the code][net] and [again][NET].\n\nAlso [net].\n\n[net]: ../src/net.rs\n";
        let spec = parse("docs/a.md", text.to_string(), None);
        let lines: Vec<(usize, usize)> =
            spec.clauses.iter().flat_map(|c| &c.references).map(|r| (r.line(), r.column())).collect();
        assert_eq!(lines, [(7, 1), (7, 1), (7, 1)]);
    }

    #[test]
    fn a_link_over_two_lines_is_located_at_its_destination() {
        let text = "Read [the full\ndocumentation](./ref/index.md) or [this](b.md).\n";
        let spec = parse("docs/a.md", text.to_string(), None);
        let lines: Vec<(usize, usize)> =
            spec.clauses.iter().flat_map(|c| &c.references).map(|r| (r.line(), r.column())).collect();
        assert_eq!(lines, [(2, 16), (2, 35)]);
    }

    #[test]
    fn scope_applies_to_the_rest_of_the_section() {
        let text =
            "# A\n\nzero\n\n<!-- driftcheck:scope src/queue/ -->\n\none `Job::run`\n\n## B\n\ntwo\n\n# C\n\nthree\n";
        let spec = parse("README.md", text.to_string(), None);
        let scopes: Vec<_> = spec.clauses.iter().map(|c| c.scope()).collect();
        assert_eq!(scopes, [Some("src/queue/"), Some("src/queue/"), Some("src/queue/"), None]);
    }
}
