//! Environment (step 1 of the day): crises of gas, water and bread start at random (Poisson
//! onsets) and last a random time; while they last they press need upward.
//!
//! Need is modelled as `need_i = base_i + (1 - base_i) * pressure`: a
//! household's baseline hardship plus the town's crisis pressure, which moves
//! a share `need_response` of the way toward the combined severity of the
//! crises under way each day (and back toward zero after them). Because the
//! pressure is shared, the day's change of need costs O(1), not a pass over
//! people. Sources: Haid 2017, ch. 3 (cooking gas and drinking
//! water shortages that the faction exploited); onset rates are assumptions.

use rand::RngExt;

use crate::rng::Stream;
use crate::scenario::{Check, Real, ScenarioError};
use crate::society::people::Status;
use crate::world::World;

/// The crisis kinds, in the order of their columns.
pub const KINDS: [&str; 3] = ["gas", "water", "bread"];

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCrisis {
    pub rate_per_year: Option<f64>,
    pub duration_mean_days: Option<f64>,
    pub severity: Option<f64>,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub need_response: Option<f64>,
    pub gas: Option<RawCrisis>,
    pub water: Option<RawCrisis>,
    pub bread: Option<RawCrisis>,
}

#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Crisis {
    pub rate_per_year: f64,
    pub duration_mean_days: f64,
    pub severity: f64,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub need_response: f64,
    /// Gas, water, bread (see [`KINDS`]).
    pub crises: [Crisis; 3],
}

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let need_response = c.real(
            "need_response",
            raw.need_response,
            Real {
                default: 0.15,
                min: 0.0,
                max: 1.0,
                unit: "share per day",
                doc: "How fast need follows the crises: the share of the gap to the crisis level closed each day.",
                source: "assumption",
            },
        )?;
        // Defaults: rate per year, mean duration, severity.
        let defaults = [(3.0, 14.0, 0.5), (2.0, 10.0, 0.6), (1.5, 7.0, 0.7)];
        let raws = [&raw.gas, &raw.water, &raw.bread];
        let mut crises = [Crisis { rate_per_year: 0.0, duration_mean_days: 1.0, severity: 0.0 }; 3];
        for k in 0..3 {
            let r = raws[k].clone().unwrap_or_default();
            let (rate, dur, sev) = defaults[k];
            crises[k] = c.section(KINDS[k], |c| {
                Ok(Crisis {
                    rate_per_year: c.real(
                        "rate_per_year",
                        r.rate_per_year,
                        Real {
                            default: rate,
                            min: 0.0,
                            max: 365.0,
                            unit: "onsets per year",
                            doc: "Rate of onsets of this shortage (Poisson, while none is under way).",
                            source: "assumption; shortages of cooking gas and drinking water in Atarib (Haid 2017, ch. 3)",
                        },
                    )?,
                    duration_mean_days: c.real(
                        "duration_mean_days",
                        r.duration_mean_days,
                        Real {
                            default: dur,
                            min: 1.0,
                            max: 3650.0,
                            unit: "days",
                            doc: "Mean duration of a shortage (geometric, at least one day).",
                            source: "assumption",
                        },
                    )?,
                    severity: c.real(
                        "severity",
                        r.severity,
                        Real {
                            default: sev,
                            min: 0.0,
                            max: 1.0,
                            unit: "share",
                            doc: "How far a shortage pushes need from its baseline toward 1.",
                            source: "assumption",
                        },
                    )?,
                })
            })?;
        }
        Ok(Params { need_response, crises })
    }
}

/// The crises under way and the pressure they put on need.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Crises {
    /// For each kind, the last day of the crisis under way.
    pub until: [Option<u32>; 3],
    /// Shared crisis pressure in [0, 1] (see the module header).
    pub pressure: f64,
}

impl Crises {
    pub fn active(&self) -> [bool; 3] {
        self.until.map(|u| u.is_some())
    }
}

/// Need of person `i` today: the household's baseline plus the crisis
/// pressure, less what a faction's services lift from those registered with it.
#[inline]
pub fn need(w: &World, i: usize) -> f32 {
    let p = &w.society.people;
    let b = p.need_base.get(i);
    let r = p.registered[i];
    let relief = if (r as usize) < w.factions.len() { w.factions[r as usize].relief_today } else { 0.0 };
    // The place's own hardship (damage at home, displacement, a camp's
    // conditions) where it is harder than the crises (docs/model.md, 7.15).
    let k = p.place[i] as usize;
    let place = if p.status[i] == Status::Displaced { w.hardship.1.get(k) } else { w.hardship.0.get(k) };
    let pressure = ((w.crises.pressure * (1.0 - relief)) as f32).max(place.copied().unwrap_or(0.0));
    b + (1.0 - b) * pressure
}

pub fn step(w: &mut World, p: &Params) {
    let mut rng = w.key.stream(Stream::Environment, w.day, 0);
    let mut severity_left = 1.0;
    for (k, crisis) in p.crises.iter().enumerate() {
        // Draw both numbers every day so the stream does not shift with state.
        let u_onset: f64 = rng.random();
        let u_duration: f64 = rng.random();
        match w.crises.until[k] {
            Some(last) if w.day > last => {
                w.crises.until[k] = None;
                w.event("crisis_end", "environment", None, 0.0, KINDS[k]);
            }
            Some(_) => {}
            None => {
                let p_onset = 1.0 - (-crisis.rate_per_year / 365.0).exp();
                if u_onset < p_onset {
                    // Geometric duration with the given mean, at least one day.
                    let q = 1.0 / crisis.duration_mean_days;
                    let days = if q >= 1.0 { 1 } else { 1 + ((1.0 - u_duration).ln() / (1.0 - q).ln()).floor() as u32 };
                    w.crises.until[k] = Some(w.day + days - 1);
                    w.event("crisis_start", "environment", None, f64::from(days), KINDS[k]);
                }
            }
        }
        if w.crises.until[k].is_some() {
            severity_left *= 1.0 - crisis.severity;
        }
    }
    let level = 1.0 - severity_left;
    w.crises.pressure += p.need_response * (level - w.crises.pressure);
}
