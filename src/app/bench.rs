//! `resist bench`: speed of both models at several sizes, from one command.
#![allow(clippy::disallowed_methods)] // wall clocks: this module measures time

use super::cli::Failure;

/// Arguments of `resist bench`.
#[derive(clap::Args, Debug)]
pub struct BenchArgs {}

pub fn bench(_args: &BenchArgs) -> Result<u8, Failure> {
    Err(super::cli::bad_input(anyhow::anyhow!("resist bench: not built yet")))
}
