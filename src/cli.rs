//! Command-line interface: argument parsing, locating the repository and
//! its configuration, and running one command. The only place (with
//! `report`) that writes to stdout.

use std::io::{self, IsTerminal, Write};
use std::path::{Path, PathBuf};

use clap::{Args, Parser, Subcommand, ValueEnum};

use crate::accept::Selection;
use crate::config::{self, Config};
use crate::engine::{self, Content, Options};
use crate::report::{self, Format, ListingFormat, Style};
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
  driftcheck check --fail-on warning       fail on warnings too
  driftcheck check --format github         annotations in a GitHub Actions step
  driftcheck check --format sarif -o driftcheck.sarif   for code scanning
  driftcheck check --staged --quiet        in a pre-commit hook
  driftcheck check - --stdin-filename docs/api.md < buffer   an unsaved editor buffer";

const BASELINE_AFTER_HELP: &str = "\
The baseline file (driftcheck.baseline, or `baseline` in driftcheck.toml) lists the fingerprints
of accepted findings, one per line, sorted: commit it, and `check` reports only drift that is not
in it (`check --no-baseline` shows everything). Run `driftcheck baseline` again to accept more.";

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
    /// Record today's findings in the baseline file, so that only new drift fails
    #[command(after_help = BASELINE_AFTER_HELP)]
    Baseline(BaselineArgs),
    /// How much of the specs links to code, and how much of the public code a spec names
    Coverage(CoverageArgs),
    /// Write a driftcheck.toml with the globs detected in this repository
    Init(InitArgs),
    /// Install driftcheck as a git hook
    #[command(subcommand)]
    Hook(HookCommand),
    /// Print a shell completion script (bash, zsh, fish, elvish, powershell)
    Completions(CompletionsArgs),
}

#[derive(Debug, Subcommand)]
enum HookCommand {
    /// Write a pre-commit hook that runs `driftcheck check --staged`
    Install(HookInstallArgs),
}

#[derive(Debug, Args)]
struct HookInstallArgs {
    /// Keep an existing pre-commit hook and run it first, then driftcheck
    #[arg(long)]
    chain: bool,
}

#[derive(Debug, Args)]
struct CompletionsArgs {
    /// The shell to complete for
    #[arg(value_enum, value_name = "SHELL")]
    shell: clap_complete::Shell,
}

#[derive(Debug, Args)]
struct BaselineArgs {
    /// Make no network request (no LLM pass)
    #[arg(long)]
    offline: bool,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Args)]
struct CoverageArgs {
    /// Only count these spec files or directories
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    /// Output format
    #[arg(long, value_enum, default_value_t = ListingFormat::Human)]
    format: ListingFormat,
    #[command(flatten)]
    common: Common,
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
    /// Only report findings on these spec or code files or directories; `-` reads a spec from stdin
    #[arg(value_name = "PATHS")]
    paths: Vec<PathBuf>,
    /// The path of the spec read from stdin with `-` (an editor's unsaved buffer)
    #[arg(long, value_name = "PATH")]
    stdin_filename: Option<PathBuf>,
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
    /// Run only these rules (comma-separated ids; a rule that is off by default runs as a warning)
    #[arg(long, value_name = "RULE,…", value_delimiter = ',', value_parser = parse_rule)]
    select: Option<Vec<Rule>>,
    /// Never run these rules (comma-separated ids)
    #[arg(long, value_name = "RULE,…", value_delimiter = ',', value_parser = parse_rule)]
    ignore: Vec<Rule>,
    /// Report the findings the baseline file accepts, too
    #[arg(long)]
    no_baseline: bool,
    /// Print findings only: no summary, notes or LLM usage
    #[arg(long, short = 'q')]
    quiet: bool,
    /// When to color the human report (NO_COLOR in the environment always wins)
    #[arg(long, value_enum, default_value_t = ColorChoice::Auto, value_name = "WHEN")]
    color: ColorChoice,
    #[command(flatten)]
    common: Common,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
enum ColorChoice {
    Auto,
    Always,
    Never,
}

fn parse_rule(text: &str) -> Result<Rule, String> {
    text.trim().parse()
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
    #[arg(long, value_enum, default_value_t = ListingFormat::Human)]
    format: ListingFormat,
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
        Command::Baseline(args) => baseline(args),
        Command::Coverage(args) => coverage(args),
        Command::Hook(HookCommand::Install(args)) => {
            let installed = crate::hook::install(&std::env::current_dir()?, args.chain)?;
            writeln!(io::stdout().lock(), "{installed}")?;
            Ok(ExitStatus::Clean)
        }
        Command::Completions(args) => {
            let mut command = <Cli as clap::CommandFactory>::command();
            // Rendered first: the generator panics on a closed stdout.
            let mut script = Vec::new();
            clap_complete::generate(args.shell, &mut command, "driftcheck", &mut script);
            write_output(None, |out| out.write_all(&script))?;
            Ok(ExitStatus::Clean)
        }
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
    config.restrict_rules(args.select.as_deref(), &args.ignore);
    warn_about_selection(args.select.as_deref(), &args.ignore)?;
    let (paths, mut stdin) = read_stdin_spec(&config.root, &args.paths, args.stdin_filename.as_deref())?;
    // As a whole-repository run would: a file the configuration does not
    // count as a spec gets no findings.
    let mut scope = relative_paths(&config.root, &paths)?;
    scope.extend(stdin.iter().map(|spec| spec.path.clone()));
    stdin.take_if(|spec| !config.spec_globs.is_match(&spec.path) || config.is_ignored(&spec.path));
    let content = if args.staged { Content::Staged } else { Content::WorkTree };
    let options = Options {
        scope,
        jobs: args.common.jobs,
        content,
        base: args.base,
        offline: args.offline,
        max_llm_calls: args.max_llm_calls,
        no_cache: args.no_cache,
        stdin,
        ignore_baseline: args.no_baseline,
        ..Options::default()
    };
    let analysis = engine::analyse(config, &options)?;
    let to_terminal = args.output.is_none() && io::stdout().is_terminal();
    let style = Style { color: color_wanted(args.color, to_terminal), quiet: args.quiet };
    let threshold = args.fail_on.threshold();
    let failing = analysis.findings.iter().any(|f| threshold.is_some_and(|t| f.severity >= t));
    let status = if failing { ExitStatus::Drift } else { ExitStatus::Clean };
    let written =
        write_output(args.output.as_deref(), |out| report::write(args.format, &analysis.report(), style, out));
    // Formats without a place for them, and --quiet, still say what is
    // wrong with the repository's own directives: on stderr.
    if !matches!(args.format, Format::Human | Format::Github) || args.quiet {
        let mut err = io::stderr().lock();
        for warning in analysis.workspace.notes.iter().filter(|note| note.warning) {
            writeln!(err, "warning: {}: {}", warning.place(), warning.message)?;
        }
    }
    analysis.discard();
    match written {
        // `driftcheck check | head`: the reader left, the verdict stands.
        Err(Error::Io(error)) if error.kind() == io::ErrorKind::BrokenPipe => Ok(status),
        result => result.map(|()| status),
    }
}

/// A selection that can report nothing is almost certainly a mistake.
fn warn_about_selection(select: Option<&[Rule]>, ignore: &[Rule]) -> Result<(), Error> {
    let mut err = io::stderr().lock();
    for rule in select.unwrap_or_default().iter().chain(ignore).filter(|rule| rule.is_reserved()) {
        writeln!(err, "warning: `{rule}` is reserved: no check reports it yet")?;
    }
    if select.is_some_and(|chosen| chosen.iter().all(|rule| ignore.contains(rule))) {
        writeln!(err, "warning: --ignore removes every rule --select names: nothing is checked")?;
    }
    Ok(())
}

/// `check -`: the spec text on stdin, named by `--stdin-filename`; the
/// other PATHS are returned as they are.
fn read_stdin_spec(
    root: &Path,
    paths: &[PathBuf],
    name: Option<&Path>,
) -> Result<(Vec<PathBuf>, Option<engine::StdinSpec>), Error> {
    let (dashes, rest): (Vec<&PathBuf>, Vec<&PathBuf>) = paths.iter().partition(|p| p.as_os_str() == "-");
    let rest: Vec<PathBuf> = rest.into_iter().cloned().collect();
    match (dashes.len(), name) {
        (0, None) => Ok((rest, None)),
        (0, Some(_)) => Err(Error::Usage("--stdin-filename names the spec read from stdin: add `-` to PATHS".into())),
        (1, None) => Err(Error::Usage("`-` reads a spec from stdin: name it with --stdin-filename PATH".into())),
        (1, Some(name)) => {
            let path = stdin_path(root, name)?;
            if !crate::spec::is_markdown(&path) {
                return Err(Error::Usage(format!("{path} is not a markdown file: only specs can be read from stdin")));
            }
            let mut bytes = Vec::new();
            io::Read::read_to_end(&mut io::stdin().lock(), &mut bytes)?;
            let text = String::from_utf8_lossy(&bytes).into_owned();
            Ok((rest, Some(engine::StdinSpec { path, text })))
        }
        _ => Err(Error::Usage("`-` may be given once".into())),
    }
}

/// The root-relative path `--stdin-filename` names; the file need not exist
/// (a new, unsaved buffer).
fn stdin_path(root: &Path, name: &Path) -> Result<String, Error> {
    let cwd = std::env::current_dir()?;
    let root = root.canonicalize()?;
    let absolute = lexically_normal(&cwd.join(name));
    // The deepest folder that exists, with symbolic links resolved, then
    // the rest as written.
    let mut existing = absolute.as_path();
    let mut rest = Vec::new();
    while !existing.exists() {
        rest.push(existing.file_name().unwrap_or_default());
        existing = existing.parent().unwrap_or(Path::new("/"));
    }
    let mut resolved = existing.canonicalize()?;
    resolved.extend(rest.iter().rev());
    crate::discover::relative(&root, &resolved)
        .ok_or_else(|| Error::Usage(format!("{} is outside the repository at {}", name.display(), root.display())))
}

/// `a/b/../c` → `a/c`, without asking the file system (the file need not
/// exist).
fn lexically_normal(path: &Path) -> PathBuf {
    let mut normal = PathBuf::new();
    for component in path.components() {
        match component {
            std::path::Component::ParentDir => {
                normal.pop();
            }
            std::path::Component::CurDir => {}
            other => normal.push(other),
        }
    }
    normal
}

fn baseline(args: BaselineArgs) -> Result<ExitStatus, Error> {
    let config = load_config(&args.common)?;
    let file = config.root.join(&config.baseline);
    let options =
        Options { jobs: args.common.jobs, offline: args.offline, ignore_baseline: true, ..Options::default() };
    let analysis = engine::analyse(config, &options)?;
    let written = crate::baseline::write(&file, &analysis.findings)?;
    analysis.discard();
    writeln!(
        io::stdout().lock(),
        "{}: {written} findings recorded; `check` reports only drift not in it",
        file.display()
    )?;
    Ok(ExitStatus::Clean)
}

fn coverage(args: CoverageArgs) -> Result<ExitStatus, Error> {
    let config = load_config(&args.common)?;
    let scope = relative_paths(&config.root, &args.paths)?;
    let options = Options { jobs: args.common.jobs, offline: true, ..Options::default() };
    let analysis = engine::analyse(config, &options)?;
    let coverage = crate::coverage::measure(&analysis, &scope);
    write_output(None, |out| report::coverage::write(args.format, &coverage, out))?;
    analysis.discard();
    Ok(ExitStatus::Clean)
}

fn links(args: LinksArgs) -> Result<ExitStatus, Error> {
    let config = load_config(&args.common)?;
    let scope = relative_paths(&config.root, &args.paths)?;
    let options = Options { jobs: args.common.jobs, offline: true, link_view: true, ..Options::default() };
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
    let options = Options {
        jobs: args.common.jobs,
        rebuild_lock: args.all,
        offline: !args.verified,
        hash_bodies: true,
        ..Options::default()
    };
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
            let reserved = if rule.is_reserved() { " (reserved: not checked yet)" } else { "" };
            writeln!(out, "{:<22} {:<8} {}{reserved}", rule.id(), rule.default_severity().as_str(), rule.summary())?;
        }
        return Ok(ExitStatus::Clean);
    }
    let id = args.rule.unwrap_or_default();
    let rule: Rule = id.parse().map_err(Error::Usage)?;
    write!(out, "{}", rule.explanation())?;
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

/// An error writing `--output`, naming the file (not its temporary twin).
fn cannot_write(path: &Path, error: &io::Error) -> Error {
    let reason = match error.kind() {
        io::ErrorKind::NotFound => "its folder does not exist".to_string(),
        io::ErrorKind::IsADirectory => "it is a folder".to_string(),
        kind => kind.to_string(),
    };
    Error::Usage(format!("cannot write the report to {}: {reason}", path.display()))
}

/// Color for a terminal, or when asked for; `NO_COLOR` always wins.
fn color_wanted(choice: ColorChoice, to_terminal: bool) -> bool {
    let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
    match choice {
        _ if no_color => false,
        ColorChoice::Always => true,
        ColorChoice::Never => false,
        ColorChoice::Auto => to_terminal,
    }
}

/// Writes to a file (a regular one atomically: temp file + rename) or to
/// stdout.
fn write_output(file: Option<&Path>, render: impl FnOnce(&mut dyn Write) -> io::Result<()>) -> Result<(), Error> {
    match file {
        Some(path) => crate::fsutil::write_report(path, render).map_err(|error| cannot_write(path, &error))?,
        None => {
            let stdout = io::stdout();
            let mut out = io::BufWriter::new(stdout.lock());
            render(&mut out)?;
            out.flush()?;
        }
    }
    Ok(())
}
