//! Demography (step 1b of the day; docs/model.md, 7.14): over years people age
//! (children become youths become adults), are born and die of natural causes
//! at simple rates, so that a region's population stays sensible over a
//! decade and a cohort of children raised in a camp is visible as it comes of
//! age. Deaths are drawn daily by thinning (a candidate at the highest hazard,
//! kept in proportion to the person's own); births are drawn daily and enter
//! the columns, beside their mother's household, at the monthly census that
//! also moves people up the age classes: they are counted (`births`) and join
//! the head count on the census day, with their day of birth as drawn.

use rand::RngExt;

use crate::rng::{Stream, skip};
use crate::scenario::{Check, Real, Scenario, ScenarioError};
use crate::society::people::{AgeClass, Flags, Sex, Status};
use crate::society::settle::class_of;
use crate::world::World;

/// Days between censuses (ageing, births entering the columns).
pub const CENSUS_DAYS: u32 = 30;

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub births_per_woman_year: Option<f64>,
    pub deaths_per_year_child: Option<f64>,
    pub deaths_per_year_youth: Option<f64>,
    pub deaths_per_year_adult: Option<f64>,
    pub deaths_per_year_elder: Option<f64>,
    pub detention_mortality: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Births per woman aged 15-49 per year.
    pub births_per_woman_year: f64,
    /// Natural deaths per person per year, by age class.
    pub deaths_per_year: [f64; 4],
    /// Extra deaths in a camp or prison with the worst conditions, as a multiple.
    pub detention_mortality: f64,
}

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let births_per_woman_year = c.real(
            "births_per_woman_year",
            raw.births_per_woman_year,
            Real {
                default: 0.1,
                min: 0.0,
                max: 1.0,
                unit: "births per woman aged 15-49 per year",
                doc: "Birth rate; 0.1 is a total fertility near 3.5 children per woman.",
                source: "assumption; near Syria's and Iraq's total fertility of 2.8-3.6 (UN World Population Prospects)",
            },
        )?;
        let rate = |c: &mut Check, key: &str, raw: Option<f64>, default: f64, doc: &'static str| {
            c.real(
                key,
                raw,
                Real { default, min: 0.0, max: 0.5, unit: "deaths per person per year", doc, source: "assumption; near the region's pre-war life tables" },
            )
        };
        let deaths_per_year = [
            rate(c, "deaths_per_year_child", raw.deaths_per_year_child, 0.004, "Natural deaths of children (under 15) per year.")?,
            rate(c, "deaths_per_year_youth", raw.deaths_per_year_youth, 0.001, "Natural deaths of youth (15-24) per year.")?,
            rate(c, "deaths_per_year_adult", raw.deaths_per_year_adult, 0.003, "Natural deaths of adults (25-59) per year.")?,
            rate(c, "deaths_per_year_elder", raw.deaths_per_year_elder, 0.04, "Natural deaths of elders (60 and over) per year.")?,
        ];
        let detention_mortality = c.real(
            "detention_mortality",
            raw.detention_mortality,
            Real {
                default: 1.0,
                min: 0.0,
                max: 20.0,
                unit: "multiple",
                doc: "Extra deaths in a camp or prison with the worst conditions: the hazard is multiplied by 1 + this x (1 - conditions).",
                source: "assumption; deaths in al-Hol from disease and violence (Hassan 2022: 'degrading conditions')",
            },
        )?;
        Ok(Params { births_per_woman_year, deaths_per_year, detention_mortality })
    }
}

pub fn step(w: &mut World, s: &Scenario) {
    let d = &s.demography;
    let day = w.day;
    let n = w.society.people.len();
    let mut rng = w.key.stream(Stream::Demography, day, 0);
    // Deaths: candidates at the highest hazard, kept in proportion.
    let worst = d.deaths_per_year.iter().copied().fold(0.0, f64::max) * (1.0 + d.detention_mortality) / 365.0;
    let mut i = skip(&mut rng, worst);
    while i < n {
        let p = &w.society.people;
        if p.status[i] != Status::Dead {
            let place = &s.region.places.get(p.place[i] as usize);
            let harsh = place.filter(|pl| pl.kind.detains()).map(|pl| 1.0 + d.detention_mortality * (1.0 - pl.conditions)).unwrap_or(1.0);
            let h = d.deaths_per_year[p.age[i] as usize] * harsh / 365.0;
            if rng.random::<f64>() * worst < h {
                let f = p.faction[i];
                w.society.people.assign(i, Status::Dead, f);
                w.today.region.natural_deaths += 1;
            }
        }
        i += 1 + skip(&mut rng, worst);
    }
    // Births: women of 15-49 alive and not elsewhere with a faction.
    let b = d.births_per_woman_year / 365.0;
    let mut i = skip(&mut rng, b);
    while i < n {
        let p = &w.society.people;
        let years = p.age_years(i, day);
        if p.sex[i] == Sex::Female && (15..50).contains(&years) && !matches!(p.status[i], Status::Dead | Status::Elsewhere) {
            w.births.push((i as u32, day));
        }
        i += 1 + skip(&mut rng, b);
    }
    if day.is_multiple_of(CENSUS_DAYS) {
        census(w, s);
    }
}

/// The monthly census: move people up the age classes (marking children
/// who come of age in detention) and bring the month's newborns in.
fn census(w: &mut World, s: &Scenario) {
    let day = w.day;
    let p = &mut w.society.people;
    for i in 0..p.len() {
        if p.status[i] == Status::Dead {
            continue;
        }
        let class = class_of(p.age_years(i, day));
        if class != p.age[i] {
            let detained = s.region.places.get(p.place[i] as usize).is_some_and(|pl| pl.kind.detains());
            if p.age[i] == AgeClass::Child && class == AgeClass::Youth && detained {
                p.flags[i].set(Flags::CAMP_RAISED);
                w.today.region.came_of_age_detained += 1;
            }
            p.age[i] = class;
        }
    }
    if !w.births.is_empty() && w.may_renumber() {
        let births = std::mem::take(&mut w.births);
        w.insert_births(&births);
    }
}
