//! Parameters of Epstein's model (`[epstein]`), with the published defaults
//! (Epstein 2002: 40 x 40 torus, 70% citizens, 4% cops, vision 7,
//! legitimacy 0.82, maximum jail term 30, k = 2.3, threshold 0.1).

use super::window::Neighbourhood;
use crate::scenario::{Check, Int, Real, ScenarioError};

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub width: Option<i64>,
    pub citizen_density: Option<f64>,
    pub cop_density: Option<f64>,
    pub vision: Option<i64>,
    pub legitimacy: Option<f64>,
    pub legitimacy_schedule: Option<String>,
    pub legitimacy_end: Option<f64>,
    pub change_from_step: Option<i64>,
    pub change_to_step: Option<i64>,
    pub max_jail_term: Option<i64>,
    pub jail_terms_from: Option<i64>,
    pub arrest_constant: Option<f64>,
    pub threshold: Option<f64>,
    pub neighbourhood: Option<String>,
    pub ratio: Option<String>,
    pub cops_move_to_arrest: Option<bool>,
    pub outburst_share: Option<f64>,
    pub variant: Option<String>,
    pub order: Option<String>,
    pub jailed: Option<String>,
    pub placement: Option<String>,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Schedule {
    Constant,
    Gradual,
    Sudden,
}

/// How C / A enters the arrest probability.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Ratio {
    Floor,
    AsIs,
    /// Halves away from zero (0.5 -> 1, 2.5 -> 3): Rust's `f64::round`.
    HalfAwayFromZero,
    /// Halves to the even neighbour (0.5 -> 0, 1.5 -> 2, 2.5 -> 2): Python's `round`, so Mesa's.
    HalfEven,
}

impl Ratio {
    /// f(C / A) as a whole number for the floor and the roundings (None for
    /// as is), for a ratio C / A >= 0.
    #[inline]
    pub fn whole(self, ratio: f64) -> Option<usize> {
        match self {
            // Truncation is the floor for ratio >= 0, without a call to libm's
            // floor (baseline x86-64 has no rounding instruction).
            Ratio::Floor => Some(ratio as usize),
            Ratio::HalfAwayFromZero => Some(ratio.round() as usize),
            Ratio::HalfEven => Some(ratio.round_ties_even() as usize),
            Ratio::AsIs => None,
        }
    }
}

/// The order of a turn's two acts.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Order {
    /// Move, then decide (a citizen) or arrest (a cop): NetLogo.
    MoveThenDecide,
    /// Decide or arrest where the agent stands, then move: Mesa.
    DecideThenMove,
}

/// Where an arrested citizen is while jailed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Jailed {
    /// Off the grid; released to a random empty cell of the whole grid.
    LeaveGrid,
    /// On its cell, blocking it, seen as neither cop nor active; freed where it stands (Mesa).
    StayOnCell,
}

/// How the agents are placed at the start.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Placement {
    /// round(density x cells) of each kind, on distinct random cells.
    ExactCounts,
    /// Each cell drawn on its own: a citizen with probability citizen_density,
    /// else a cop with probability cop_density, else empty (Mesa): counts vary.
    PerCellDraw,
}

/// A set of the choices above, as one published implementation makes them.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Variant {
    Paper,
    NetLogo,
    Mesa,
}

/// The values a variant gives the keys it sets (docs/epstein.md, section 3).
struct Preset {
    neighbourhood: &'static str,
    ratio: &'static str,
    order: &'static str,
    jailed: &'static str,
    placement: &'static str,
    cops_move_to_arrest: bool,
    jail_terms_from: i64,
}

impl Variant {
    fn preset(self) -> Preset {
        let paper = Preset {
            neighbourhood: "von_neumann",
            ratio: "floor",
            order: "move_then_decide",
            jailed: "leave_grid",
            placement: "exact_counts",
            cops_move_to_arrest: true,
            jail_terms_from: 0,
        };
        match self {
            Variant::Paper => paper,
            // NetLogo's Rebellion also differs in rules resist does not
            // offer (docs/epstein.md, section 3).
            Variant::NetLogo => Preset { neighbourhood: "disc", ..paper },
            Variant::Mesa => Preset {
                neighbourhood: "von_neumann",
                ratio: "half_even",
                order: "decide_then_move",
                jailed: "stay_on_cell",
                placement: "per_cell_draw",
                cops_move_to_arrest: false,
                jail_terms_from: 0,
            },
        }
    }
}

#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub width: usize,
    pub citizen_density: f64,
    pub cop_density: f64,
    pub vision: usize,
    pub legitimacy: f64,
    pub schedule: Schedule,
    pub legitimacy_end: f64,
    pub change_from_step: u32,
    pub change_to_step: u32,
    pub max_jail_term: u32,
    pub jail_terms_from: u32,
    pub arrest_constant: f64,
    pub threshold: f64,
    pub neighbourhood: Neighbourhood,
    pub ratio: Ratio,
    pub cops_move_to_arrest: bool,
    pub outburst_share: f64,
    pub variant: Variant,
    pub order: Order,
    pub jailed: Jailed,
    pub placement: Placement,
}

const SRC: &str = "Epstein (2002), PNAS 99 suppl. 3, Model I";
const SHARE: Real = Real { source: SRC, ..Real::SHARE };

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let variant = c.choice(
            "variant",
            raw.variant.as_deref(),
            &[("paper", Variant::Paper), ("netlogo", Variant::NetLogo), ("mesa", Variant::Mesa)],
            "paper",
            "Which implementation's rules to follow: sets neighbourhood, ratio, order, jailed, placement, cops_move_to_arrest and jail_terms_from at once (docs/epstein.md, section 3); a key given beside it overrides the preset's value.",
            "Epstein (2002); Wilensky (2004), NetLogo Rebellion; Mesa 3.3.1, examples/advanced/epstein_civil_violence",
        )?;
        let preset = variant.preset();
        let width = c.int(
            "width",
            raw.width,
            Int {
                default: 40,
                min: 3,
                max: 5_000,
                unit: "cells",
                doc: "Side of the square torus (at most 25 million cells: about a second a step).",
                source: SRC,
            },
        )? as usize;
        let citizen_density =
            c.real("citizen_density", raw.citizen_density, Real { default: 0.7, doc: "Share of cells holding a citizen at the start.", ..SHARE })?;
        let cop_density = c.real("cop_density", raw.cop_density, Real { default: 0.04, doc: "Share of cells holding a cop.", ..SHARE })?;
        if citizen_density + cop_density > 0.99 {
            return Err(c.fail(
                "cop_density",
                format!(
                    "citizens ({citizen_density}) and cops ({cop_density}) fill more than 99% of the grid: allowed a total up to 0.99, so that agents can move"
                ),
            ));
        }
        let vision = c.int(
            "vision",
            raw.vision,
            Int { default: 7, min: 1, max: 100, unit: "cells", doc: "How far agents see (the radius of their neighbourhood).", source: SRC },
        )? as usize;
        if 2 * vision + 1 > width {
            return Err(c.fail("vision", format!("a vision of {vision} sees past the grid's width ({width}): allowed 2 x vision + 1 <= epstein.width")));
        }
        let legitimacy = c.real("legitimacy", raw.legitimacy, Real { default: 0.82, doc: "Legitimacy of the central authority at the start.", ..SHARE })?;
        let schedule = c.choice(
            "legitimacy_schedule",
            raw.legitimacy_schedule.as_deref(),
            &[("constant", Schedule::Constant), ("gradual", Schedule::Gradual), ("sudden", Schedule::Sudden)],
            "constant",
            "How legitimacy changes: not at all, linearly from change_from_step to change_to_step, or at once at change_from_step.",
            SRC,
        )?;
        let legitimacy_end =
            c.real("legitimacy_end", raw.legitimacy_end, Real { default: 0.6, doc: "Legitimacy after a gradual or sudden change.", ..SHARE })?;
        let change_from_step = c.int(
            "change_from_step",
            raw.change_from_step,
            Int {
                default: 100,
                min: 0,
                max: 1_000_000,
                unit: "step",
                doc: "Step at which a change of legitimacy starts (or happens, if sudden).",
                source: SRC,
            },
        )? as u32;
        let change_to_step = c.int(
            "change_to_step",
            raw.change_to_step,
            Int { default: 300, min: 0, max: 1_000_000, unit: "step", doc: "Step at which a gradual change ends.", source: SRC },
        )? as u32;
        if schedule == Schedule::Gradual && change_to_step <= change_from_step {
            return Err(c.fail(
                "change_to_step",
                format!("{change_to_step} is not after change_from_step ({change_from_step}): allowed a later step for a gradual change"),
            ));
        }
        let max_jail_term = c.int(
            "max_jail_term",
            raw.max_jail_term,
            Int {
                default: 30,
                min: 0,
                max: 1_000_000,
                unit: "steps",
                doc: "Longest jail term; terms are uniform integers from jail_terms_from to it.",
                source: SRC,
            },
        )? as u32;
        let arrest_constant = c.real(
            "arrest_constant",
            raw.arrest_constant,
            Real {
                default: 2.3,
                min: 0.0,
                max: 100.0,
                unit: "per unit of C/A",
                doc: "k in P = 1 - exp(-k f(C/A)).",
                source: "Epstein (2002): k = 2.3 makes P = 0.9 when C = A = 1",
            },
        )?;
        let threshold = c.real("threshold", raw.threshold, Real { default: 0.1, doc: "T: a citizen is active when G - R P > T.", ..SHARE })?;
        let neighbourhood = c.choice(
            "neighbourhood",
            raw.neighbourhood.as_deref(),
            &[("von_neumann", Neighbourhood::VonNeumann), ("moore", Neighbourhood::Moore), ("disc", Neighbourhood::Disc)],
            preset.neighbourhood,
            "Shape of vision: von Neumann (|dx| + |dy| <= vision, 112 cells besides the agent's own at vision 7: Epstein's 'north, south, east and west', and Mesa 3.3.1's example, which hard-codes it), Moore (a square, 224 cells) or disc (dx^2 + dy^2 <= vision^2, 148 cells: NetLogo's in-radius). Set by variant.",
            "Epstein (2002); Wilensky (2004), NetLogo Rebellion; Mesa 3.3.1",
        )?;
        if raw.ratio.as_deref() == Some("round") {
            return Err(c.fail(
                "ratio",
                "\"round\" is no longer accepted, because it did not round as Python's round does: it rounded halves away from zero (0.5 -> 1, 2.5 -> 3). Allowed: \"half_away_from_zero\" for exactly what \"round\" did, or \"half_even\" for Python's round as in Mesa's example (0.5 -> 0, 2.5 -> 2); also \"floor\" and \"as_is\"",
            ));
        }
        let ratio = c.choice(
            "ratio",
            raw.ratio.as_deref(),
            &[("floor", Ratio::Floor), ("as_is", Ratio::AsIs), ("half_away_from_zero", Ratio::HalfAwayFromZero), ("half_even", Ratio::HalfEven)],
            preset.ratio,
            "How C/A enters P: floor(C/A) as in NetLogo's Rebellion (without it there are no punctuated outbursts in our runs); C/A as is (the paper's formula); rounded with halves away from zero (0.5 -> 1, 2.5 -> 3; no implementation we know of); or rounded with halves to even (0.5 -> 0, 2.5 -> 2: Python's round, as in Mesa's example). Set by variant.",
            "Epstein (2002); Wilensky (2004), NetLogo Rebellion; Mesa 3.3.1",
        )?;
        let order = c.choice(
            "order",
            raw.order.as_deref(),
            &[("move_then_decide", Order::MoveThenDecide), ("decide_then_move", Order::DecideThenMove)],
            preset.order,
            "Order of a turn: move, then decide (a citizen) or arrest (a cop), as NetLogo; or decide or arrest where the agent stands, then move, as Mesa. Set by variant.",
            "Wilensky (2004), NetLogo Rebellion; Mesa 3.3.1",
        )?;
        let jailed = c.choice(
            "jailed",
            raw.jailed.as_deref(),
            &[("leave_grid", Jailed::LeaveGrid), ("stay_on_cell", Jailed::StayOnCell)],
            preset.jailed,
            "Where a jailed citizen is: off the grid, released to a random empty cell; or on its cell, blocking it, seen as neither cop nor active, and freed where it stands (Mesa). Set by variant.",
            "Epstein (2002); Mesa 3.3.1",
        )?;
        let placement = c.choice(
            "placement",
            raw.placement.as_deref(),
            &[("exact_counts", Placement::ExactCounts), ("per_cell_draw", Placement::PerCellDraw)],
            preset.placement,
            "Initial placement: round(density x cells) citizens and cops on distinct random cells; or each cell drawn on its own (a citizen with probability citizen_density, else a cop with probability cop_density, else empty), so counts vary between replicates (Mesa). Set by variant.",
            "Wilensky (2004), NetLogo Rebellion; Mesa 3.3.1",
        )?;
        let cops_move_to_arrest = c.flag(
            "cops_move_to_arrest",
            raw.cops_move_to_arrest,
            preset.cops_move_to_arrest,
            "Whether a cop that arrests moves onto the arrested citizen's cell as its move (NetLogo); if false it moves as usual (Mesa). Needs jailed = \"leave_grid\". Set by variant.",
            "Wilensky (2004), NetLogo Rebellion; Mesa 3.3.1",
        );
        if cops_move_to_arrest && jailed == Jailed::StayOnCell {
            return Err(c.fail(
                "cops_move_to_arrest",
                "true needs jailed = \"leave_grid\": with jailed = \"stay_on_cell\" the arrested citizen keeps its cell, so the cop cannot move onto it. Allowed: cops_move_to_arrest = false, or jailed = \"leave_grid\"",
            ));
        }
        let jail_terms_from = c.int(
            "jail_terms_from",
            raw.jail_terms_from,
            Int {
                default: preset.jail_terms_from,
                min: 0,
                max: 1,
                unit: "steps",
                doc: "Shortest jail term: 0 as in Epstein's uniform [0, J_max] and Mesa's randint(0, J_max), or 1 to jail every arrested citizen for at least a turn. Set by variant.",
                source: SRC,
            },
        )? as u32;
        let outburst_share = c.real(
            "outburst_share",
            raw.outburst_share,
            Real {
                default: 0.02,
                doc: "Share of citizens active at which a step counts as part of an outburst (for events and summaries).",
                source: "assumption",
                ..SHARE
            },
        )?;
        Ok(Params {
            width,
            citizen_density,
            cop_density,
            vision,
            legitimacy,
            schedule,
            legitimacy_end,
            change_from_step,
            change_to_step,
            max_jail_term,
            jail_terms_from,
            arrest_constant,
            threshold,
            neighbourhood,
            ratio,
            cops_move_to_arrest,
            outburst_share,
            variant,
            order,
            jailed,
            placement,
        })
    }

    /// Legitimacy at a step.
    pub fn legitimacy_at(&self, step: u32) -> f64 {
        match self.schedule {
            Schedule::Constant => self.legitimacy,
            Schedule::Sudden => {
                if step >= self.change_from_step {
                    self.legitimacy_end
                } else {
                    self.legitimacy
                }
            }
            Schedule::Gradual => {
                let (a, b) = (self.change_from_step, self.change_to_step);
                if step <= a {
                    self.legitimacy
                } else if step >= b {
                    self.legitimacy_end
                } else {
                    self.legitimacy + (self.legitimacy_end - self.legitimacy) * f64::from(step - a) / f64::from(b - a)
                }
            }
        }
    }
}
