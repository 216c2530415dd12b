//! `resist`: a deterministic agent-based simulator of how communities resist
//! armed extremist factions. This library is the core: it never prints, never
//! touches the file system and never reads a clock. The `resist` binary
//! (src/main.rs and src/app/) reads scenario files, writes outputs, and runs
//! sweeps and charts around it.
//!
//! A run: load a [`scenario::Scenario`], pick a [`rng::RunKey`] (seed and
//! replicate), and call [`sim::run`] or step a [`sim::Simulation`]; render
//! its records with [`render`].

pub mod analysis;
pub mod attitude;
pub mod calibrate;
pub mod chart;
pub mod epstein;
pub mod faction;
pub mod fixture;
pub mod invariants;
pub mod outcomes;
pub mod process;
pub mod record;
pub mod region;
pub mod region_summary;
pub mod render;
pub mod rng;
pub mod scenario;
pub mod sim;
pub mod society;
pub mod strategy_summary;
pub mod sweep;
pub mod world;
