//! `driftcheck.toml`: what is a spec, what is code, what to skip, and how
//! loud each rule is. Every mistake in the file is reported at its line.

use std::collections::{BTreeMap, HashMap, HashSet};
use std::ops::Range;
use std::path::{Path, PathBuf};

use globset::{Glob, GlobSet, GlobSetBuilder};
use miette::{Diagnostic, NamedSource, SourceSpan};
use serde::Deserialize;
use toml::Spanned;

use crate::rule::{Rule, Severity};

pub const FILE_NAME: &str = "driftcheck.toml";
pub const DEFAULT_SPECS: &[&str] =
    &["specs/**/*.md", "docs/**/*.md", "*.md", "specs/**/*.mdx", "docs/**/*.mdx", "*.mdx"];
pub const DEFAULT_CODE: &[&str] = &["**"];

/// A configuration error, rendered by miette with the offending line.
#[derive(Debug, thiserror::Error, Diagnostic)]
pub enum ConfigError {
    #[error("{message}")]
    #[diagnostic(code(driftcheck::config))]
    Invalid {
        message: String,
        #[source_code]
        text: NamedSource<String>,
        #[label("{label}")]
        span: SourceSpan,
        label: String,
        #[help]
        help: Option<String>,
    },
    #[error("cannot read {path}: {source}")]
    #[diagnostic(code(driftcheck::io))]
    Read {
        path: String,
        #[source]
        source: std::io::Error,
    },
}

/// The LLM pass (`[llm]`): the first model tier, the run's budgets, and an
/// optional stronger tier (`[llm.escalate]`) for uncertain answers.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct LlmConfig {
    pub provider: Spanned<String>,
    pub model: Option<Spanned<String>>,
    pub base_url: Option<String>,
    pub api_key_env: Option<String>,
    pub max_calls: Option<usize>,
    /// Input and output tokens the whole run may spend, both tiers together.
    pub max_tokens: Option<u64>,
    pub concurrency: Option<usize>,
    pub timeout_seconds: Option<u64>,
    /// Retries of a call after 429, 5xx, a timeout or a refused connection.
    pub max_retries: Option<u32>,
    pub escalate: Option<EscalateConfig>,
}

/// The stronger tier (`[llm.escalate]`): asked only when the first tier's
/// confidence is below `escalate_below`.
#[derive(Debug, Clone, Deserialize, PartialEq)]
#[serde(deny_unknown_fields)]
pub struct EscalateConfig {
    pub provider: Spanned<String>,
    pub model: Option<Spanned<String>>,
    pub base_url: Option<String>,
    pub api_key_env: Option<String>,
    pub timeout_seconds: Option<u64>,
    pub escalate_below: Option<Spanned<f64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawConfig {
    specs: Option<Vec<Spanned<String>>>,
    code: Option<Vec<Spanned<String>>>,
    ignore: Option<Vec<Spanned<String>>>,
    repository: Option<String>,
    max_file_size: Option<u64>,
    min_confidence: Option<Spanned<f64>>,
    baseline: Option<String>,
    #[serde(default)]
    rules: BTreeMap<Spanned<String>, Spanned<String>>,
    #[serde(default)]
    gates: BTreeMap<Spanned<String>, bool>,
    llm: Option<LlmConfig>,
}

/// The effective configuration.
#[derive(Debug, Clone)]
pub struct Config {
    /// Directory the configuration applies to (where `driftcheck.toml` is).
    pub root: PathBuf,
    /// The file it was read from, if any.
    pub file: Option<PathBuf>,
    pub specs: Vec<String>,
    pub code: Vec<String>,
    pub ignore: Vec<String>,
    pub spec_globs: GlobSet,
    pub code_globs: GlobSet,
    pub ignore_globs: GlobSet,
    pub repository: Option<String>,
    pub max_file_size: u64,
    pub severities: HashMap<Rule, Severity>,
    /// Findings less likely to be drift than this are not reported.
    pub min_confidence: f64,
    /// The baseline file, relative to the root: fingerprints of accepted
    /// findings (`driftcheck baseline`).
    pub baseline: String,
    /// Gates switched off with `[gates] NAME = false`.
    pub disabled_gates: HashSet<String>,
    pub llm: Option<LlmConfig>,
    /// The `specs` and `code` globs as written, with where: each must match
    /// some file (`Config::unmatched_globs`).
    pub written_globs: Vec<WrittenGlob>,
    /// The file's name and text, for errors found after it was read.
    pub text: Option<(String, String)>,
}

/// A glob of `specs` or `code` as the configuration file writes it.
#[derive(Debug, Clone)]
pub struct WrittenGlob {
    pub key: &'static str,
    pub glob: String,
    pub span: Range<usize>,
    matcher: globset::GlobMatcher,
}

impl Config {
    /// Defaults for a repository without a configuration file.
    pub fn defaults(root: PathBuf) -> Config {
        let strings = |globs: &[&str]| globs.iter().map(|g| g.to_string()).collect::<Vec<_>>();
        Config {
            root,
            file: None,
            spec_globs: build_globs(DEFAULT_SPECS),
            code_globs: build_globs(DEFAULT_CODE),
            ignore_globs: GlobSet::empty(),
            specs: strings(DEFAULT_SPECS),
            code: strings(DEFAULT_CODE),
            ignore: Vec::new(),
            repository: None,
            max_file_size: 1024 * 1024,
            severities: HashMap::new(),
            min_confidence: crate::link::evidence::SHOWN_CONFIDENCE,
            baseline: crate::baseline::FILE_NAME.to_string(),
            disabled_gates: HashSet::new(),
            llm: None,
            written_globs: Vec::new(),
            text: None,
        }
    }

    /// The `specs` and `code` globs that match none of `paths`, each said
    /// in words. When none of a key's globs matches anything, the run
    /// would check nothing: that is an error at the first of them.
    pub fn unmatched_globs(&self, paths: &HashSet<String>) -> Result<Vec<String>, ConfigError> {
        let Some((name, text)) = &self.text else { return Ok(Vec::new()) };
        let unmatched: Vec<&WrittenGlob> =
            self.written_globs.iter().filter(|written| !paths.iter().any(|p| written.matcher.is_match(p))).collect();
        for key in ["specs", "code"] {
            let written = self.written_globs.iter().filter(|w| w.key == key).count();
            let missing: Vec<&&WrittenGlob> = unmatched.iter().filter(|w| w.key == key).collect();
            if let Some(first) = missing.first().filter(|_| missing.len() == written) {
                return Err(ConfigError::Invalid {
                    message: format!("no glob in `{key}` matches any file"),
                    text: NamedSource::new(name, text.clone()),
                    span: first.span.clone().into(),
                    label: "matches nothing".to_string(),
                    help: Some("fix the globs; paths are relative to the configuration file".to_string()),
                });
            }
        }
        Ok(unmatched.iter().map(|w| format!("`{}` in `{}` matches no file", w.glob, w.key)).collect())
    }

    /// Reads and validates a configuration file.
    pub fn load(file: &Path) -> Result<Config, ConfigError> {
        let text = std::fs::read_to_string(file)
            .map_err(|source| ConfigError::Read { path: file.display().to_string(), source })?;
        let root = file.parent().map(Path::to_path_buf).unwrap_or_default();
        let root = if root.as_os_str().is_empty() { PathBuf::from(".") } else { root };
        let mut config = Config::parse(&text, &file.display().to_string(), root)?;
        config.file = Some(file.to_path_buf());
        Ok(config)
    }

    /// Parses configuration text; `name` is used in error messages.
    pub fn parse(text: &str, name: &str, root: PathBuf) -> Result<Config, ConfigError> {
        let invalid = |message: String, span: Range<usize>, label: &str, help: Option<String>| ConfigError::Invalid {
            message,
            text: NamedSource::new(name, text.to_string()),
            span: span.into(),
            label: label.to_string(),
            help,
        };
        let parsed: RawConfig = toml::from_str(text).map_err(|error| {
            let span = error.span().unwrap_or(0..0);
            invalid(
                format!("invalid {name}: {}", error.message().trim()),
                span,
                "here",
                Some("see `driftcheck init` for a commented example".to_string()),
            )
        })?;
        let mut config = Config::defaults(root);
        let globs =
            |list: Option<Vec<Spanned<String>>>, default: &[String]| -> Result<(Vec<String>, GlobSet), ConfigError> {
                let Some(list) = list else {
                    let set = build_globs(&default.iter().map(String::as_str).collect::<Vec<_>>());
                    return Ok((default.to_vec(), set));
                };
                let mut builder = GlobSetBuilder::new();
                for glob in &list {
                    let parsed = glob_matcher(glob.get_ref()).map_err(|error| {
                        invalid(
                            format!("invalid glob `{}`", glob.get_ref()),
                            glob.span(),
                            "this glob",
                            Some(error.to_string()),
                        )
                    })?;
                    builder.add(parsed);
                }
                let set = builder.build().map_err(|error| invalid(error.to_string(), 0..0, "here", None))?;
                Ok((list.into_iter().map(Spanned::into_inner).collect(), set))
            };
        for (key, list) in [("specs", &parsed.specs), ("code", &parsed.code)] {
            for glob in list.iter().flatten() {
                let Ok(matcher) = glob_matcher(glob.get_ref()) else { continue };
                let written = WrittenGlob {
                    key,
                    glob: glob.get_ref().clone(),
                    span: glob.span(),
                    matcher: matcher.compile_matcher(),
                };
                config.written_globs.push(written);
            }
        }
        config.text = Some((name.to_string(), text.to_string()));
        (config.specs, config.spec_globs) = globs(parsed.specs, &config.specs)?;
        (config.code, config.code_globs) = globs(parsed.code, &config.code)?;
        (config.ignore, config.ignore_globs) = globs(parsed.ignore, &[])?;
        config.repository = parsed.repository;
        if let Some(baseline) = parsed.baseline {
            config.baseline = baseline;
        }
        if let Some(size) = parsed.max_file_size {
            config.max_file_size = size;
        }
        for (rule, severity) in parsed.rules {
            let parsed_rule: Rule = rule.get_ref().parse().map_err(|message| {
                invalid(message, rule.span(), "unknown rule", Some("run `driftcheck explain --list`".into()))
            })?;
            let parsed_severity: Severity = severity
                .get_ref()
                .parse()
                .map_err(|message| invalid(message, severity.span(), "bad severity", None))?;
            config.severities.insert(parsed_rule, parsed_severity);
        }
        if let Some(min) = parsed.min_confidence {
            if !(0.0..=1.0).contains(min.get_ref()) {
                return Err(invalid(
                    format!("min_confidence must be between 0 and 1, not {}", min.get_ref()),
                    min.span(),
                    "out of range",
                    None,
                ));
            }
            config.min_confidence = min.into_inner();
        }
        let known = crate::link::switch_names();
        for (gate, enabled) in parsed.gates {
            if !known.contains(gate.get_ref().as_str()) {
                let names = known.iter().copied().collect::<Vec<_>>().join(", ");
                return Err(invalid(
                    format!("unknown gate `{}`", gate.get_ref()),
                    gate.span(),
                    "unknown gate",
                    Some(format!("gates are: {names}")),
                ));
            }
            if !enabled {
                config.disabled_gates.insert(gate.into_inner());
            }
        }
        if let Some(llm) = &parsed.llm {
            validate_llm(llm).map_err(|(message, span, label, help)| invalid(message, span, label, help))?;
        }
        config.llm = parsed.llm;
        Ok(config)
    }

    pub fn severity(&self, rule: Rule) -> Severity {
        self.severities.get(&rule).copied().unwrap_or_else(|| rule.default_severity())
    }

    /// `--select` and `--ignore`: with a selection only the selected rules
    /// run (a selected rule that is off runs at its default severity, or as
    /// a warning if that is off too); ignored rules never run.
    pub fn restrict_rules(&mut self, select: Option<&[Rule]>, ignore: &[Rule]) {
        for &rule in Rule::ALL {
            let selected = select.is_none_or(|chosen| chosen.contains(&rule));
            let severity = match (selected && !ignore.contains(&rule), self.severity(rule)) {
                (false, _) => Severity::Off,
                (true, Severity::Off) if select.is_some() => rule.default_severity().max(Severity::Warning),
                (true, configured) => configured,
            };
            self.severities.insert(rule, severity);
        }
    }

    pub fn gate_enabled(&self, gate: &str) -> bool {
        !self.disabled_gates.contains(gate)
    }

    pub fn is_ignored(&self, path: &str) -> bool {
        self.ignore_globs.is_match(path)
    }
}

type Invalid = (String, Range<usize>, &'static str, Option<String>);

/// Known providers, a model for each tier, a threshold between 0 and 1.
fn validate_llm(llm: &LlmConfig) -> Result<(), Invalid> {
    let tier = |provider: &Spanned<String>, model: &Option<Spanned<String>>, table: &str| -> Result<(), Invalid> {
        if !matches!(provider.get_ref().as_str(), "openai" | "anthropic") {
            return Err((
                format!("unknown LLM provider `{}`", provider.get_ref()),
                provider.span(),
                "provider",
                Some("expected `openai` (any OpenAI-compatible endpoint) or `anthropic`".into()),
            ));
        }
        match model {
            Some(model) if model.get_ref().trim().is_empty() => {
                Err(("the model name is empty".into(), model.span(), "model", None))
            }
            Some(_) => Ok(()),
            None => Err((
                format!("{table} needs a `model`"),
                provider.span(),
                "for this provider",
                Some("for example model = \"gpt-4.1-mini\", or a local model such as \"qwen2.5-coder:7b\"".into()),
            )),
        }
    };
    tier(&llm.provider, &llm.model, "[llm]")?;
    if let Some(escalate) = &llm.escalate {
        tier(&escalate.provider, &escalate.model, "[llm.escalate]")?;
        if let Some(below) = &escalate.escalate_below {
            if !(0.0..=1.0).contains(below.get_ref()) {
                let message = format!("escalate_below must be between 0 and 1, not {}", below.get_ref());
                return Err((message, below.span(), "out of range", None));
            }
        }
    }
    Ok(())
}

/// Whether a glob, as a configuration file writes it, matches any of `paths`.
pub fn glob_matches_any<'p>(glob: &str, mut paths: impl Iterator<Item = &'p String>) -> bool {
    glob_matcher(glob).is_ok_and(|glob| {
        let matcher = glob.compile_matcher();
        paths.any(|path| matcher.is_match(path))
    })
}

/// Globs match `/`-separated paths relative to the root; `*` stays inside
/// one directory, `**` crosses them, like `.gitignore`.
fn glob_matcher(glob: &str) -> Result<Glob, globset::Error> {
    let glob = glob.trim_start_matches("./");
    let glob = if glob.ends_with('/') { format!("{glob}**") } else { glob.to_string() };
    globset::GlobBuilder::new(&glob).literal_separator(true).build()
}

fn build_globs(globs: &[&str]) -> GlobSet {
    let mut builder = GlobSetBuilder::new();
    for glob in globs {
        if let Ok(glob) = glob_matcher(glob) {
            builder.add(glob);
        }
    }
    builder.build().unwrap_or_else(|_| GlobSet::empty())
}

/// Finds the configuration for a start directory: the nearest
/// `driftcheck.toml` up to the repository root.
pub fn find(start: &Path) -> Option<PathBuf> {
    for directory in start.ancestors() {
        let candidate = directory.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        if directory.join(".git").exists() {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(text: &str) -> Result<Config, ConfigError> {
        Config::parse(text, "driftcheck.toml", PathBuf::from("."))
    }

    fn error_line(text: &str) -> (String, usize) {
        match parse(text) {
            Err(ConfigError::Invalid { message, span, .. }) => {
                let line = text[..span.offset()].matches('\n').count() + 1;
                (message, line)
            }
            other => panic!("expected an error, got {other:?}"),
        }
    }

    #[test]
    fn reads_the_documented_example() {
        let config = parse(
            r#"
specs = ["specs/**/*.md", "docs/**/*.md"]
code = ["src/**", "crates/**"]
ignore = ["fixtures/**"]
repository = "github.com/acme/widgets"
[rules]
signature-mismatch = "error"
[llm]
provider = "openai"
model = "gpt-4.1-mini"
base_url = "https://api.openai.com/v1"
api_key_env = "OPENAI_API_KEY"
max_calls = 50
max_tokens = 400000
concurrency = 4
[llm.escalate]
provider = "anthropic"
model = "claude-sonnet-4-5"
api_key_env = "ANTHROPIC_API_KEY"
escalate_below = 0.8
"#,
        )
        .unwrap();
        assert!(config.spec_globs.is_match("docs/guide/intro.md"));
        assert!(!config.spec_globs.is_match("README.md"));
        assert!(config.code_globs.is_match("crates/a/src/lib.rs"));
        assert!(config.is_ignored("fixtures/go/main.go"));
        assert_eq!(config.severity(Rule::SignatureMismatch), Severity::Error);
        assert_eq!(config.severity(Rule::DanglingPath), Severity::Error);
        let llm = config.llm.unwrap();
        assert_eq!((llm.max_calls, llm.max_tokens), (Some(50), Some(400000)));
        assert_eq!(llm.escalate.unwrap().escalate_below.map(Spanned::into_inner), Some(0.8));
    }

    #[test]
    fn gates_can_be_switched_off_and_unknown_ones_are_errors() {
        let config = parse("min_confidence = 0.2\n[gates]\nhypothetical = false\ndependency = true\n").unwrap();
        assert!(!config.gate_enabled("hypothetical"));
        assert!(config.gate_enabled("dependency"));
        assert_eq!(config.min_confidence, 0.2);
        let (message, line) = error_line("[gates]\nhypothetical = false\nno-such-gate = false\n");
        assert_eq!((message.as_str(), line), ("unknown gate `no-such-gate`", 3));
        assert_eq!(error_line("min_confidence = 1.5\n").1, 1);
    }

    #[test]
    fn markdown_and_mdx_are_specs_by_default() {
        let config = parse("").unwrap();
        for path in ["docs/guide/intro.mdx", "specs/a.mdx", "README.md", "docs/a/b.md"] {
            assert!(config.spec_globs.is_match(path), "{path}");
        }
    }

    #[test]
    fn star_stays_in_one_directory() {
        let config = parse("").unwrap();
        assert!(config.spec_globs.is_match("README.md"));
        assert!(!config.spec_globs.is_match("src/notes.md"));
        assert!(config.spec_globs.is_match("specs/a/b.md"));
    }

    #[test]
    fn errors_point_at_the_line() {
        assert_eq!(error_line("specs = [\"a/**\"]\nunknown_key = 1\n").1, 2);
        assert!(error_line("specs = [\"a/**\"]\nunknown_key = 1\n").0.contains("unknown field"));
        assert_eq!(error_line("specs = [\n  \"ok/**\",\n  \"bad/[\",\n]\n"), ("invalid glob `bad/[`".into(), 3));
        assert_eq!(error_line("[rules]\n\ndangling-path = \"loud\"\n").1, 3);
        assert_eq!(error_line("[rules]\nno-such-rule = \"error\"\n").1, 2);
        assert_eq!(error_line("[llm]\nprovider = \"gemini\"\n").1, 2);
        assert_eq!(error_line("[llm]\nprovider = \"openai\"\n"), ("[llm] needs a `model`".into(), 2));
        let escalate = "[llm]\nprovider = \"openai\"\nmodel = \"m\"\n[llm.escalate]\nprovider = \"anthropic\"\nmodel = \"n\"\nescalate_below = 2.0\n";
        assert_eq!(error_line(escalate).1, 7);
    }
}
