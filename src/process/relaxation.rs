//! Relaxation (step 11 of the day): fear and grievance fade with memory, efficacy's lift (a
//! success, a defeat) fades slowly, stigma fades. Each is exponential with a
//! half-life, applied through the shared scale of its column (`attitude`), so
//! the day's relaxation does not touch each person. Fear and grievance relax
//! to zero: the initial fear of `population.fear_mean` is a starting state
//! that fades within weeks unless something renews it.

use crate::attitude::daily_factor;
use crate::scenario::{Check, Real, ScenarioError};
use crate::world::World;

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub fear_half_life_days: Option<f64>,
    pub grievance_half_life_days: Option<f64>,
    pub efficacy_half_life_days: Option<f64>,
    pub stigma_half_life_days: Option<f64>,
    pub exposure_half_life_days: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub fear_half_life_days: f64,
    pub grievance_half_life_days: f64,
    pub efficacy_half_life_days: f64,
    pub stigma_half_life_days: f64,
    pub exposure_half_life_days: f64,
}

const HALF_LIFE: Real = Real { default: 0.0, min: 0.0, max: 100_000.0, unit: "days", doc: "", source: "" };

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        Ok(Params {
            fear_half_life_days: c.real(
                "fear_half_life_days",
                raw.fear_half_life_days,
                Real {
                    default: 21.0,
                    doc: "Half-life of fear (0: no memory).",
                    source: "Condra and Shapiro (2012): reactions to violence against civilians last under four weeks",
                    ..HALF_LIFE
                },
            )?,
            grievance_half_life_days: c.real(
                "grievance_half_life_days",
                raw.grievance_half_life_days,
                Real {
                    default: 120.0,
                    doc: "Half-life of grievance toward a faction.",
                    source: "assumption; grievance built up over the second half of 2013 before the January 2014 uprising (Haid 2017, ch. 4-5)",
                    ..HALF_LIFE
                },
            )?,
            efficacy_half_life_days: c.real(
                "efficacy_half_life_days",
                raw.efficacy_half_life_days,
                Real {
                    default: 365.0,
                    doc: "Half-life of a success's (or defeat's) effect on efficacy.",
                    source: "Haid 2017, ch. 7: the first success 'showed us our power' a year later; value: assumption",
                    ..HALF_LIFE
                },
            )?,
            stigma_half_life_days: c.real(
                "stigma_half_life_days",
                raw.stigma_half_life_days,
                Real { default: 180.0, doc: "Half-life of stigma without follow-up.", source: "assumption", ..HALF_LIFE },
            )?,
            exposure_half_life_days: c.real(
                "exposure_half_life_days",
                raw.exposure_half_life_days,
                Real { default: 90.0, doc: "Half-life of exposure to a faction's outreach.", source: "assumption", ..HALF_LIFE },
            )?,
        })
    }
}

pub fn step(w: &mut World, p: &Params) {
    let people = &mut w.society.people;
    let status = &people.status;
    let counted = |i: usize| status[i].present();
    people.fear.relax(daily_factor(p.fear_half_life_days), counted);
    people.efficacy_lift.relax(daily_factor(p.efficacy_half_life_days), counted);
    people.stigma.relax(daily_factor(p.stigma_half_life_days), counted);
    let g = daily_factor(p.grievance_half_life_days);
    for col in &mut people.grievance {
        col.relax(g, counted);
    }
    let x = daily_factor(p.exposure_half_life_days);
    for col in &mut people.exposure {
        col.relax(x, counted);
    }
}
