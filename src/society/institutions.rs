//! Institutions of the town (court, police station, checkpoints, bakery,
//! water, gas, the military base) and who controls each. A faction's rise is
//! partly a contest over them (Haid 2017, ch. 3-4).

use crate::scenario::{Check, Int, Real, ScenarioError};

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub checkpoints: Option<i64>,
    pub quality: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub checkpoints: u32,
    pub quality: f64,
}

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let checkpoints = c.int(
            "checkpoints",
            raw.checkpoints,
            Int {
                default: 4,
                min: 0,
                max: 10_000,
                unit: "checkpoints",
                doc: "Checkpoints controlling access to the town; they slow reinforcements.",
                source: "Haid 2017, ch. 4-5 (checkpoints controlling access to the city); count: assumption",
            },
        )? as u32;
        let quality = c.real(
            "quality",
            raw.quality,
            Real {
                default: 0.5,
                min: 0.0,
                max: 1.0,
                unit: "share",
                doc: "Initial quality of the community's institutions (speed and fairness of the court, reliability of services).",
                source: "assumption; the faction accused the local court of inefficiency (Haid 2017, ch. 3)",
            },
        )?;
        Ok(Params { checkpoints, quality })
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Kind {
    Court,
    Police,
    Checkpoint,
    Bakery,
    Water,
    Gas,
    Base,
}

impl Kind {
    pub fn name(self) -> &'static str {
        match self {
            Kind::Court => "court",
            Kind::Police => "police",
            Kind::Checkpoint => "checkpoint",
            Kind::Bakery => "bakery",
            Kind::Water => "water",
            Kind::Gas => "gas",
            Kind::Base => "base",
        }
    }
}

/// Who runs an institution.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Controller {
    Community,
    LocalGroup(u16),
    Faction(u8),
}

#[derive(Clone, Debug, PartialEq)]
pub struct Institution {
    pub kind: Kind,
    pub controller: Controller,
    pub quality: f32,
    /// The town it serves (a place of the region).
    pub town: u16,
}

/// Each town's institutions, all run by the community at the start, town by
/// town in the region's order.
pub fn found(p: &Params, towns: usize) -> Vec<Institution> {
    let mut kinds = vec![Kind::Court, Kind::Police];
    kinds.extend(std::iter::repeat_n(Kind::Checkpoint, p.checkpoints as usize));
    kinds.extend([Kind::Bakery, Kind::Water, Kind::Gas, Kind::Base]);
    (0..towns.max(1) as u16)
        .flat_map(|town| kinds.iter().map(move |&kind| Institution { kind, controller: Controller::Community, quality: p.quality as f32, town }))
        .collect()
}
