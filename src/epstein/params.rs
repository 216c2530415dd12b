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
    Round,
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
}

const SRC: &str = "Epstein (2002), PNAS 99 suppl. 3, Model I";
const SHARE: Real = Real { source: SRC, ..Real::SHARE };

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
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
        let jail_terms_from = c.int(
            "jail_terms_from",
            raw.jail_terms_from,
            Int {
                default: 0,
                min: 0,
                max: 1,
                unit: "steps",
                doc: "Shortest jail term: 0 as in Epstein's uniform [0, J_max], or 1 as in implementations that jail for at least a step.",
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
        let neighbourhood = c.choice("neighbourhood", raw.neighbourhood.as_deref(), &[("von_neumann", Neighbourhood::VonNeumann), ("moore", Neighbourhood::Moore)], "von_neumann", "Shape of vision: von Neumann (|dx| + |dy| <= vision: Epstein's 'north, south, east and west'; with it a sudden drop of legitimacy peaks higher than a gradual decline, as the paper reports) or Moore (a square, as Mesa's example).", SRC)?;
        let ratio = c.choice(
            "ratio",
            raw.ratio.as_deref(),
            &[("floor", Ratio::Floor), ("as_is", Ratio::AsIs), ("round", Ratio::Round)],
            "floor",
            "How C/A enters P: floor(C/A) as in NetLogo's Rebellion model (without it there are no punctuated outbursts in our runs), C/A as is (the paper's formula), or rounded (Mesa's example).", "Epstein (2002); Wilensky (2004), NetLogo Rebellion; Mesa's epstein_civil_violence",
        )?;
        let cops_move_to_arrest = c.flag(
            "cops_move_to_arrest",
            raw.cops_move_to_arrest,
            true,
            "Whether a cop moves onto the cell of the citizen it arrests (as NetLogo's Rebellion model).",
            "Wilensky (2004), NetLogo Rebellion model",
        );
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
