//! Everything around the core: the command line, reading scenario files,
//! writing outputs atomically, manifests, replays and fixtures.

pub mod aligned;
pub mod analyze;
pub mod bench;
pub mod calibrate;
pub mod check;
pub mod cli;
pub mod compare;

pub mod files;
pub mod guard;
pub mod input;
pub mod manifest;
pub mod plot;
pub mod progress;
pub mod replay_sweep;
pub mod report;
pub mod run;
pub mod seeds;
pub mod sweep;
