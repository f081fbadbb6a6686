//! driftcheck keeps specs and code from drifting apart.
#![warn(clippy::print_stdout, clippy::print_stderr)]

pub mod code;
pub mod spec;
pub mod text;
