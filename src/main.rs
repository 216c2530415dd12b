//! The `resist` command: reads scenario files, runs the core, writes outputs.
//! Errors are reported once, here, with the exit codes of README.md.

mod app;

use std::process::ExitCode;

fn main() -> ExitCode {
    let code = match app::cli::main() {
        Ok(code) => code,
        Err(failure) => {
            eprintln!("error: {:#}", failure.error);
            failure.code
        }
    };
    ExitCode::from(code)
}
