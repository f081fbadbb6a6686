//! Command-line interface: argument parsing, locating the repository and
//! its configuration, and running one command. The only place (with
//! `report`) that writes to stdout.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::accept::Selection;
use crate::config::{self, Config};
use crate::engine::{self, Content, Options};
use crate::report::{self, Format, Style};
use crate::rule::{Rule, Severity};
use crate::{init, Error};

const ABOUT: &str = "Keep specs and code from drifting apart";

const LONG_ABOUT: &str = "\
driftcheck links the clauses of your markdown specs, design docs and READMEs to the
code they talk about (functions, types, constants, files, line ranges) and reports
where the two no longer agree: renamed symbols, moved files, comments pointing at
spec sections that are gone, files that no longer parse.

Run it in a pre-commit hook, as a CI step, or from your editor on one file.";

const CHECK_AFTER_HELP: &str = "\
Exit status: 0 nothing at or above --fail-on, 1 drift found, 2 usage, config or I/O error.

Examples:
  driftcheck check                         check the whole repository
  driftcheck check docs/api.md             report only findings on that spec
  driftcheck check --format json -o r.json machine-readable report v1
  driftcheck check --format github         annotations in a GitHub Actions step
  driftcheck check --fail-on warning       fail on warnings too";

const ACCEPT_AFTER_HELP: &str = "\
Once driftcheck.lock exists, `check` reports every link whose code or clause changed since it
was accepted (stale-link, with a diff), and links not yet accepted as info.

Examples:
  driftcheck accept --all                            accept every current link
  driftcheck accept specs/net.md                     the links of one spec
  driftcheck accept 'specs/net.md#retry-policy'      the links of one section
  driftcheck accept src/net.rs                       the links to one code file";

#[derive(Debug, Parser)]
#[command(name = "driftcheck", version, about = ABOUT, long_about = LONG_ABOUT)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Check specs against code and report drift
    #[command(after_help = CHECK_AFTER_HELP)]
    Check(CheckArgs),
    /// Print the link graph: each clause and the code it links to, resolved or not
    Links(LinksArgs),
    /// Record the current state of links as reviewed in driftcheck.lock
    #[command(after_help = ACCEPT_AFTER_HELP)]
    Accept(AcceptArgs),
    /// Print the documentation of a rule (or all rules with --list)
    Explain(ExplainArgs),
    /// Write a driftcheck.toml with the globs detected in this repository
    Init(InitArgs),
}

/// Options every analysing command shares.
#[derive(Debug, Args)]
struct Common {
    /// Configuration file [default: the nearest driftcheck.toml up to the repository root]
    #[arg(long, value_name = "FILE", global = true)]
    config: Option<PathBuf>,
    /// Worker threads for parsing and indexing, at most four per core [default: one per core]
    #[arg(long, short = 'j', value_name = "N", global = true, value_parser = parse_jobs)]
    jobs: Option<usize>,
}

#[derive(Debug, Args)]
struct CheckArgs {
    /// Only report findings on these spec or code files or directories
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = Format::Human)]
    format: Format,
    /// Write the report to FILE instead of stdout
    #[arg(long, short = 'o', value_name = "FILE")]
    output: Option<PathBuf>,
    /// Make no network request (no LLM pass); the default without an [llm] provider
    #[arg(long)]
    offline: bool,
    /// Most LLM calls this run may make, both tiers together [default: max_calls in [llm], else 50]
    #[arg(long, value_name = "N")]
    max_llm_calls: Option<usize>,
    /// Neither read nor write the index cache or cached LLM verdicts
    #[arg(long)]
    no_cache: bool,
    /// Lowest severity that makes the exit status 1
    #[arg(long, value_enum, default_value_t = FailOn::Error, value_name = "SEVERITY")]
    fail_on: FailOn,
    /// Check the content staged in the git index, not the working tree (pre-commit hooks)
    #[arg(long, conflicts_with = "base")]
    staged: bool,
    /// Report only findings new since REV, or on clauses or code changed since REV (pull requests)
    #[arg(long, value_name = "REV")]
    base: Option<String>,
    /// Hide findings less likely to be drift than X, 0..1 [default: min_confidence in driftcheck.toml, else 0.4]
    #[arg(long, value_name = "X", value_parser = parse_confidence)]
    min_confidence: Option<f64>,
    #[command(flatten)]
    common: Common,
}

/// `--jobs`: a positive count. More than [`engine::max_jobs`] is cut to it.
fn parse_jobs(text: &str) -> Result<usize, String> {
    match text.parse::<usize>() {
        Ok(0) => Err("must be at least 1".to_string()),
        Ok(jobs) => Ok(jobs),
        Err(_) => Err(format!("`{text}` is not a positive whole number")),
    }
}

fn parse_confidence(text: &str) -> Result<f64, String> {
    let value: f64 = text.parse().map_err(|_| format!("`{text}` is not a number"))?;
    (0.0..=1.0).contains(&value).then_some(value).ok_or_else(|| format!("{value} is not between 0 and 1"))
}

#[derive(Debug, Args)]
struct LinksArgs {
    /// Only show clauses of these spec files or directories
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = report::links::Format::Human)]
    format: report::links::Format,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
struct AcceptArgs {
    /// Clause ids (or section ids such as specs/net.md#retry-policy), spec paths or code paths
    #[arg(value_name = "CLAUSE|PATH", required_unless_present_any = ["all", "verified"], conflicts_with = "all")]
    targets: Vec<String>,
    /// Accept every current link, and drop lock entries whose link no longer exists
    #[arg(long, conflicts_with = "verified")]
    all: bool,
    /// Accept the stale links the LLM pass judged still consistent with high confidence (needs [llm])
    #[arg(long)]
    verified: bool,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
struct ExplainArgs {
    /// Rule id, e.g. dangling-symbol
    #[arg(value_name = "RULE", required_unless_present = "list")]
    rule: Option<String>,
    /// List every rule with its default severity
    #[arg(long)]
    list: bool,
}

#[derive(Debug, Args)]
struct InitArgs {
    /// Overwrite an existing driftcheck.toml
    #[arg(long)]
    force: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum FailOn {
    Error,
    Warning,
    Info,
    Never,
}

impl FailOn {
    fn threshold(self) -> Option<Severity> {
        match self {
            FailOn::Error => Some(Severity::Error),
            FailOn::Warning => Some(Severity::Warning),
            FailOn::Info => Some(Severity::Info),
            FailOn::Never => None,
        }
    }
}

/// The process exit status.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ExitStatus {
    /// Nothing at or above `--fail-on`.
    Clean = 0,
    /// Drift found.
    Drift = 1,
    /// Usage, configuration or I/O error.
    Error = 2,
}

pub fn execute(cli: Cli) -> Result<ExitStatus, Error> {
    match cli.command {
        Command::Check(args) => check(args),
        Command::Links(args) => links(args),
        Command::Accept(args) => accept(args),
        Command::Explain(args) => explain(args),
        Command::Init(args) => {
            let (file, text) = init::run(&std::env::current_dir()?, args.force)?;
            writeln!(io::stdout().lock(), "wrote {}:\n\n{text}", file.display())?;
            Ok(ExitStatus::Clean)
        }
    }
}

fn check(args: CheckArgs) -> Result<ExitStatus, Error> {
    let mut config = load_config(&args.common)?;
    if let Some(min) = args.min_confidence {
        config.min_confidence = min;
    }
    let scope = relative_paths(&config.root, &args.paths)?;
    let content = if args.staged { Content::Staged } else { Content::WorkTree };
    let options = Options {
        scope,
        jobs: args.common.jobs,
        content,
        base: args.base,
        offline: args.offline,
        max_llm_calls: args.max_llm_calls,
        no_cache: args.no_cache,
        ..Options::default()
    };
    let analysis = engine::analyse(config, &options)?;
    let style = Style { color: args.output.is_none() && color_wanted() };
    let threshold = args.fail_on.threshold();
    let failing = analysis.findings.iter().any(|f| threshold.is_some_and(|t| f.severity >= t));
    let status = if failing { ExitStatus::Drift } else { ExitStatus::Clean };
    let written =
        write_output(args.output.as_deref(), |out| report::write(args.format, &analysis.report(), style, out));
    analysis.discard();
    match written {
        // `driftcheck check | head`: the reader left, the verdict stands.
        Err(Error::Io(error)) if error.kind() == io::ErrorKind::BrokenPipe => Ok(status),
        result => result.map(|()| status),
    }
}

fn links(args: LinksArgs) -> Result<ExitStatus, Error> {
    let config = load_config(&args.common)?;
    let scope = relative_paths(&config.root, &args.paths)?;
    let options = Options { jobs: args.common.jobs, offline: true, ..Options::default() };
    let analysis = engine::analyse(config, &options)?;
    let mut clauses = analysis.link_view();
    if !scope.is_empty() {
        clauses.retain(|clause| scope.iter().any(|s| crate::index::in_scope(&clause.path, s)));
    }
    write_output(None, |out| report::links::write(args.format, &clauses, out))?;
    Ok(ExitStatus::Clean)
}

fn accept(args: AcceptArgs) -> Result<ExitStatus, Error> {
    let config = load_config(&args.common)?;
    if args.verified && config.llm.is_none() {
        return Err(Error::Usage(
            "accept --verified needs an LLM provider: add an [llm] section to driftcheck.toml".into(),
        ));
    }
    let root = config.root.clone();
    // Paths given relative to the current directory become root-relative;
    // clause ids are root-relative already.
    let targets = args
        .targets
        .iter()
        .map(|target| match target.contains('#') {
            true => Ok(target.clone()),
            false => relative_paths(&root, &[PathBuf::from(target)]).map(|mut p| p.remove(0)),
        })
        .collect::<Result<Vec<_>, Error>>()?;
    let selection = match (args.all, args.verified) {
        (true, _) => Selection::All,
        (_, true) => Selection::Verified(targets),
        _ => Selection::Matching(targets),
    };
    let options =
        Options { jobs: args.common.jobs, rebuild_lock: args.all, offline: !args.verified, ..Options::default() };
    let analysis = engine::analyse(config, &options)?;
    let accepted = crate::accept::accept(&root, &analysis, &selection)?;
    let mut out = io::stdout().lock();
    for (clause, anchor) in &accepted.added {
        writeln!(out, "accepted {clause} -> {anchor} (new)")?;
    }
    for (clause, anchor) in &accepted.updated {
        writeln!(out, "accepted {clause} -> {anchor} (changed)")?;
    }
    writeln!(
        out,
        "driftcheck.lock: {} new, {} changed, {} unchanged, {} removed; {} links recorded",
        accepted.added.len(),
        accepted.updated.len(),
        accepted.unchanged,
        accepted.removed,
        accepted.total
    )?;
    Ok(ExitStatus::Clean)
}

fn explain(args: ExplainArgs) -> Result<ExitStatus, Error> {
    let mut out = io::stdout().lock();
    if args.list {
        for rule in Rule::ALL {
            writeln!(out, "{:<22} {:<8} {}", rule.id(), rule.default_severity(), rule.summary())?;
        }
        return Ok(ExitStatus::Clean);
    }
    let id = args.rule.unwrap_or_default();
    let rule: Rule = id.parse().map_err(Error::Usage)?;
    write!(out, "{}", rule.documentation())?;
    Ok(ExitStatus::Clean)
}

/// `--config FILE`, else the nearest driftcheck.toml, else defaults rooted
/// at the git work tree (or the current directory).
fn load_config(common: &Common) -> Result<Config, Error> {
    let cwd = std::env::current_dir()?;
    if let Some(file) = &common.config {
        if !file.is_file() {
            return Err(Error::Usage(format!("config file {} does not exist", file.display())));
        }
        return Ok(Config::load(file)?);
    }
    match config::find(&cwd) {
        Some(file) => Ok(Config::load(&file)?),
        None => Ok(Config::defaults(repository_root(&cwd))),
    }
}

fn repository_root(cwd: &Path) -> PathBuf {
    git2::Repository::discover(cwd)
        .ok()
        .and_then(|repository| repository.workdir().map(Path::to_path_buf))
        .unwrap_or_else(|| cwd.to_path_buf())
}

/// PATHS arguments, made relative to the root with `/`.
fn relative_paths(root: &Path, paths: &[PathBuf]) -> Result<Vec<String>, Error> {
    let cwd = std::env::current_dir()?;
    let root = root.canonicalize()?;
    paths
        .iter()
        .map(|path| {
            // Relative to the current directory, or else to the root.
            let absolute = cwd.join(path).canonicalize().or_else(|_| root.join(path).canonicalize());
            let absolute = absolute.map_err(|_| Error::Usage(format!("{} does not exist", path.display())))?;
            crate::discover::relative(&root, &absolute).or_else(|| (absolute == root).then(String::new)).ok_or_else(
                || Error::Usage(format!("{} is outside the repository at {}", path.display(), root.display())),
            )
        })
        .collect()
}

fn color_wanted() -> bool {
    std::env::var_os("NO_COLOR").is_none_or(|v| v.is_empty()) && io::stdout().is_terminal()
}

/// Writes to a file (atomically: temp file + rename) or to stdout.
fn write_output(file: Option<&Path>, render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Error> {
    match file {
        Some(path) => {
            let mut buffer = Vec::new();
            render(&mut buffer)?;
            crate::fsutil::write_atomically(path, &buffer)?;
        }
        None => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            render(&mut out)?;
            out.flush()?;
        }
    }
    Ok(())
}
