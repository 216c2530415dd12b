//! Epstein's civil violence model (Epstein 2002, "Modeling civil violence: an
//! agent-based computational approach", PNAS 99 suppl. 3, Model I), the
//! field's reference model, run on the same engine (scenario `model =
//! "epstein"`). Citizens on a torus have hardship H and risk aversion R
//! (uniform on [0, 1]); with legitimacy L, grievance is G = H (1 - L); the
//! estimated arrest probability is P = 1 - exp(-k f(C / A)), with C the cops
//! and A the active citizens in vision, the citizen itself counted in A; net
//! risk N = R P; a citizen is active when G - N > T. Cops arrest a random
//! active citizen in vision, who is jailed for a term drawn uniformly up to
//! the maximum. Every agent moves to a random empty cell in vision. Agents act
//! one at a time in a random order drawn anew each step.
//!
//! Choices that published implementations differ on are options: the
//! neighbourhood (von Neumann, Moore or a disc), the C/A term (floor, as is,
//! or rounded with halves away from zero or to even), the order of a turn
//! (move then decide, or decide then move), whether jailed citizens leave the
//! grid or keep their cell, whether the placement has exact counts or draws
//! each cell, whether cops move onto the arrested citizen's cell, and whether
//! jail terms start at 0 or 1; `variant` ("paper", "netlogo", "mesa") sets
//! them all at once (docs/epstein.md, section 3). Legitimacy can be constant,
//! fall gradually between two steps, or drop suddenly at a step.

pub mod model;
pub mod params;
pub mod window;

pub use model::{Model, Output, StepRecord, Summary, run, run_until};
pub use params::Params;
