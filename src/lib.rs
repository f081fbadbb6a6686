//! driftcheck keeps specs and code from drifting apart.
//!
//! Data flows one way: [`config`] → [`discover`] → [`spec`] and [`code`]
//! (parse) → [`index`] → [`link`] → [`check`] → [`report`]. The [`engine`]
//! runs the pipeline; [`cli`] is the only caller that talks to the user.
#![warn(clippy::print_stdout, clippy::print_stderr)]
// Errors carry their source text for miette; one is built per failed run,
// so their size never matters.
#![allow(clippy::result_large_err)]

mod accept;
pub mod allocator;
pub mod baseline;
pub mod check;
pub mod cli;
pub mod code;
pub mod config;
pub mod coverage;
pub mod discover;
pub mod engine;
pub mod fsutil;
pub mod git;
pub mod history;
mod hook;
pub mod index;
pub mod index_cache;
mod init;
pub mod interrupt;
pub mod link;
pub mod llm;
pub mod lock;
pub mod manifest;
pub mod report;
pub mod rule;
pub mod source;
pub mod spec;
pub mod text;
pub mod workspace;

use std::io::{self, Write};
use std::process::ExitCode;

use clap::Parser;

pub use cli::ExitStatus;

/// Errors that end a run with exit status 2.
#[derive(Debug, thiserror::Error, miette::Diagnostic)]
pub enum Error {
    #[error(transparent)]
    #[diagnostic(transparent)]
    Config(#[from] config::ConfigError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Lock(#[from] lock::LockError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Llm(#[from] llm::LlmError),
    #[error(transparent)]
    #[diagnostic(transparent)]
    Baseline(#[from] baseline::BaselineError),
    #[error("{0}")]
    #[diagnostic(code(driftcheck::usage))]
    Usage(String),
    #[error("{0}")]
    #[diagnostic(code(driftcheck::io))]
    Io(#[from] io::Error),
}

/// Runs driftcheck with the process arguments; what `main` calls.
pub fn run() -> ExitCode {
    interrupt::install();
    let cli = cli::Cli::parse();
    match cli::execute(cli) {
        Ok(status) => ExitCode::from(status as u8),
        Err(Error::Io(error)) if error.kind() == io::ErrorKind::BrokenPipe => ExitCode::SUCCESS,
        Err(error) => {
            let report = miette::Report::new(error);
            #[allow(clippy::print_stderr)] // the edge where errors meet the user
            {
                let _ = writeln!(io::stderr(), "{report:?}");
            }
            ExitCode::from(ExitStatus::Error as u8)
        }
    }
}
