//! The `resist` command: reads scenario files, runs the core, writes outputs.
//! Errors are reported once, here, with the exit codes of README.md.

mod app;

use std::process::ExitCode;

fn main() -> ExitCode {
    // First of all, so that even an early Ctrl-C ends with exit 130.
    app::cli::install_interrupt_handler();
    let code = match app::cli::main() {
        Ok(code) => code,
        // A quiet stop (stdout closed by its reader) ends with exit 0 and no message.
        Err(failure) if failure.code == app::cli::EXIT_OK => failure.code,
        Err(failure) => {
            eprintln!("error: {:#}", failure.error);
            failure.code
        }
    };
    ExitCode::from(code)
}
