//! The population: how many people, how they sit in extended families and
//! households, their age classes, notables and activists, and the initial
//! attitudes of docs/model.md, Persons (need, fear, commitment, efficacy, threshold).

use rand::RngExt;
use rand_distr::{Beta, Distribution, LogNormal, Normal, Poisson};
use rayon::prelude::*;

use super::Layout;
use super::people::{AgeClass, Flags, NONE_U8, NONE_U16, Origin, People, Sex, Status, Tally};
use crate::attitude::Relaxing;
use crate::rng::{CHUNK, RunKey, Stream};
use crate::scenario::{Check, Int, Real, ScenarioError};

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub people: Option<i64>,
    pub family_size_mean: Option<f64>,
    pub family_size_cv: Option<f64>,
    pub household_size_mean: Option<f64>,
    pub notables_per_family: Option<i64>,
    pub share_children: Option<f64>,
    pub share_youth: Option<f64>,
    pub share_adults: Option<f64>,
    pub share_elders: Option<f64>,
    pub activist_share: Option<f64>,
    pub need_mean: Option<f64>,
    pub fear_mean: Option<f64>,
    pub commitment_mean: Option<f64>,
    pub efficacy_mean: Option<f64>,
    pub attitude_concentration: Option<f64>,
    pub threshold_mean: Option<f64>,
    pub threshold_sd: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub people: u32,
    pub family_size_mean: f64,
    pub family_size_cv: f64,
    pub household_size_mean: f64,
    pub notables_per_family: u32,
    /// Shares of children, youth, adults and elders, summing to one.
    pub age_shares: [f64; 4],
    pub activist_share: f64,
    pub need_mean: f64,
    pub fear_mean: f64,
    pub commitment_mean: f64,
    pub efficacy_mean: f64,
    pub attitude_concentration: f64,
    pub threshold_mean: f64,
    pub threshold_sd: f64,
}

const SHARE: Real = Real::SHARE;

/// The most people a run may hold, in town and in the factions' pools
/// elsewhere together: about 3.5 GB at some 170 bytes a person, so that a
/// run fits the memory of an ordinary machine and finishes a year in about
/// two minutes (`resist bench --full` runs 10 million).
pub const MAX_PEOPLE: u32 = 20_000_000;

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let people = c.int(
            "people",
            raw.people,
            Int {
                default: 30_000,
                min: 10,
                max: MAX_PEOPLE as i64,
                unit: "people",
                doc: "Number of people in town at the start.",
                source: "Haid 2017, ch. 2: about 30,000 in 2011 (the 2004 census counted 10,657)",
            },
        )? as u32;
        let family_size_mean = c.real(
            "family_size_mean",
            raw.family_size_mean,
            Real {
                default: 120.0,
                min: 1.0,
                max: 100_000.0,
                unit: "people",
                doc: "Mean size of an extended family (clan); sizes are log-normal.",
                source: "assumption; 'large extended family networks' (Haid 2017, ch. 2)",
            },
        )?;
        if family_size_mean > f64::from(people) {
            return Err(c.fail("family_size_mean", format!("{family_size_mean} is more than the population: allowed at most population.people = {people}")));
        }
        let family_size_cv = c.real(
            "family_size_cv",
            raw.family_size_cv,
            Real {
                default: 0.8,
                min: 0.0,
                max: 5.0,
                unit: "coefficient of variation",
                doc: "Spread of extended family sizes (standard deviation over mean).",
                source: "assumption",
            },
        )?;
        let household_size_mean = c.real(
            "household_size_mean",
            raw.household_size_mean,
            Real {
                default: 5.5,
                min: 1.0,
                max: 50.0,
                unit: "people",
                doc: "Mean household size; sizes are 1 + Poisson(mean - 1), cut at the family's end.",
                source: "assumption; near Syria's pre-war average household size",
            },
        )?;
        let notables_per_family = c.int(
            "notables_per_family",
            raw.notables_per_family,
            Int {
                default: 3,
                min: 0,
                max: 1000,
                unit: "people",
                doc: "Notables (elders, wealthy, educated, religious scholars) per extended family, chosen among adults and elders.",
                source: "Haid 2017, ch. 2 (authority lies with each family's notables); count: assumption",
            },
        )? as u32;
        if f64::from(notables_per_family) > family_size_mean {
            return Err(c.fail("notables_per_family", format!(
                "{notables_per_family} notables per family is more than the mean family size ({family_size_mean}): there would be more notables than people; allowed at most population.family_size_mean"
            )));
        }
        let shares = [
            c.real(
                "share_children",
                raw.share_children,
                Real { default: 0.40, doc: "Share of children (under 15).", source: "assumption; Syria's pre-war age structure", ..SHARE },
            )?,
            c.real(
                "share_youth",
                raw.share_youth,
                Real { default: 0.22, doc: "Share of youth (15-24).", source: "assumption; Syria's pre-war age structure", ..SHARE },
            )?,
            c.real(
                "share_adults",
                raw.share_adults,
                Real { default: 0.32, doc: "Share of adults (25-59).", source: "assumption; Syria's pre-war age structure", ..SHARE },
            )?,
            c.real(
                "share_elders",
                raw.share_elders,
                Real { default: 0.06, doc: "Share of elders (60 and over).", source: "assumption; Syria's pre-war age structure", ..SHARE },
            )?,
        ];
        let sum: f64 = shares.iter().sum();
        if (sum - 1.0).abs() > 1e-6 {
            return Err(c.fail(
                "share_elders",
                format!("the age shares (share_children, share_youth, share_adults, share_elders) add up to {sum}: allowed only a total of 1"),
            ));
        }
        let activist_share = c.real(
            "activist_share",
            raw.activist_share,
            Real {
                default: 0.01,
                doc: "Share of youth and adults who are activists or journalists.",
                source: "assumption; Atarib's two civil society movements and lone activists (Haid 2017, ch. 2)",
                ..SHARE
            },
        )?;
        let need_mean = c.real(
            "need_mean",
            raw.need_mean,
            Real {
                default: 0.5,
                doc: "Mean baseline hardship of households (Beta distributed), to which need returns between crises.",
                source: "assumption; 'they knew that people were poor' (Haid 2017, ch. 3)",
                ..SHARE
            },
        )?;
        let fear_mean = c.real("fear_mean", raw.fear_mean, Real { default: 0.1, doc: "Mean initial fear.", source: "assumption", ..SHARE })?;
        let commitment_mean = c.real(
            "commitment_mean",
            raw.commitment_mean,
            Real {
                default: 0.05,
                doc: "Mean initial ideological commitment to a faction's cause.",
                source: "assumption; mainly Sunni Arab town with strong local rebel groups (Haid 2017, ch. 2)",
                ..SHARE
            },
        )?;
        let efficacy_mean = c.real(
            "efficacy_mean",
            raw.efficacy_mean,
            Real {
                default: 0.5,
                doc: "Mean initial belief that the community can win; efficacy relaxes back to this level.",
                source: "assumption; the town had driven the regime out in July 2012 (Haid 2017, ch. 2)",
                ..SHARE
            },
        )?;
        let attitude_concentration = c.real(
            "attitude_concentration",
            raw.attitude_concentration,
            Real {
                default: 10.0,
                min: 0.1,
                max: 10_000.0,
                unit: "Beta a + b",
                doc: "Concentration of the Beta distributions of initial attitudes: higher means less spread around the mean.",
                source: "assumption",
            },
        )?;
        let threshold_mean = c.real(
            "threshold_mean",
            raw.threshold_mean,
            Real {
                default: 0.25,
                doc: "Mean mobilisation threshold: the share of one's contacts already mobilised before one joins (normal, cut to [0, 1]).",
                source: "Granovetter (1978): normally distributed thresholds with a mean of 25 in 100",
                ..SHARE
            },
        )?;
        let threshold_sd = c.real(
            "threshold_sd",
            raw.threshold_sd,
            Real {
                default: 0.12,
                min: 0.0,
                max: 1.0,
                unit: "share",
                doc: "Standard deviation of mobilisation thresholds.",
                source: "Granovetter (1978): the outcome jumps near a standard deviation of 0.10-0.12",
            },
        )?;
        Ok(Params {
            people,
            family_size_mean,
            family_size_cv,
            household_size_mean,
            notables_per_family,
            age_shares: shares,
            activist_share,
            need_mean,
            fear_mean,
            commitment_mean,
            efficacy_mean,
            attitude_concentration,
            threshold_mean,
            threshold_sd,
        })
    }
}

/// Lay people out in extended families and households (contiguous ranges),
/// drawing sizes sequentially from the families stream: town by town
/// (`towns[k]` people each; a family never spans two towns), then the
/// foreign detainees (`foreign` people), then the factions' pools elsewhere
/// (`pools[f]` people each), one "family" per faction in households of ten:
/// fighters who live outside town and arrive later as foreigners.
pub fn layout(p: &Params, towns: &[u32], foreign: u32, pools: &[u32], key: &RunKey) -> Layout {
    let mut rng = key.stream(Stream::Families, 0, 0);
    let sigma2 = (1.0 + p.family_size_cv * p.family_size_cv).ln();
    let fam = LogNormal::new(p.family_size_mean.ln() - sigma2 / 2.0, sigma2.sqrt()).expect("validated log-normal parameters");
    let hh = (p.household_size_mean > 1.0).then(|| Poisson::new(p.household_size_mean - 1.0).expect("validated Poisson mean"));
    let mut family_start = vec![0u32];
    let mut household_start = vec![0u32];
    let mut blocks = Vec::with_capacity(towns.len() + 1);
    let mut at = 0usize;
    for &size in towns.iter().chain((foreign > 0).then_some(&foreign)) {
        let n = at + size as usize;
        let first = at;
        while at < n {
            let size = (fam.sample(&mut rng).round().max(1.0) as usize).min(n - at);
            let end = at + size;
            let mut h = at;
            while h < end {
                let hs = 1 + hh.as_ref().map(|d| d.sample(&mut rng) as usize).unwrap_or(0);
                h = (h + hs).min(end);
                household_start.push(h as u32);
            }
            at = end;
            family_start.push(at as u32);
        }
        blocks.push((first as u32, at as u32));
    }
    let locals = family_start.len() - 1;
    for &pool in pools {
        let end = at + pool as usize;
        while at < end {
            at = (at + 10).min(end);
            household_start.push(at as u32);
        }
        family_start.push(at as u32);
    }
    let n = at;
    let mut family_of = vec![0u32; n];
    for f in 0..family_start.len() - 1 {
        family_of[family_start[f] as usize..family_start[f + 1] as usize].fill(f as u32);
    }
    let mut household_of = vec![0u32; n];
    for h in 0..household_start.len() - 1 {
        household_of[household_start[h] as usize..household_start[h + 1] as usize].fill(h as u32);
    }
    Layout { family_start, household_start, family_of, household_of, local_families: locals, blocks }
}

fn beta(mean: f64, conc: f64) -> Option<Beta<f64>> {
    (mean > 0.0 && mean < 1.0).then(|| Beta::new(mean * conc, (1.0 - mean) * conc).expect("validated Beta parameters"))
}

fn draw(d: &Option<Beta<f64>>, mean: f64, rng: &mut crate::rng::Rng) -> f32 {
    match d {
        Some(b) => b.sample(rng) as f32,
        None => mean as f32,
    }
}

/// Create the people of the layout with their attributes and initial
/// attitudes; the pools elsewhere hold foreign men of fighting age, committed
/// to their faction (`member_commitment[f]`).
#[allow(clippy::needless_range_loop)] // several columns share each index
pub fn people(p: &Params, layout: &Layout, member_commitment: &[f64], key: &RunKey) -> People {
    let n = layout.family_of.len();
    let factions = member_commitment.len();
    let locals = layout.family_start[layout.local_families] as usize;
    // Hardship is a household's: one draw per household, in order.
    let mut rng = key.stream(Stream::Families, 0, 1);
    let need_d = beta(p.need_mean, p.attitude_concentration);
    let household_need: Vec<f32> = (0..layout.household_start.len() - 1).map(|_| draw(&need_d, p.need_mean, &mut rng)).collect();

    let mut cum = [0.0; 4];
    let mut acc = 0.0;
    for (i, s) in p.age_shares.iter().enumerate() {
        acc += s;
        cum[i] = acc;
    }
    let fear_d = beta(p.fear_mean, p.attitude_concentration);
    let com_d = beta(p.commitment_mean, p.attitude_concentration);
    let eff_d = beta(p.efficacy_mean, p.attitude_concentration);
    let thr_d = (p.threshold_sd > 0.0).then(|| Normal::new(p.threshold_mean, p.threshold_sd).expect("validated normal"));

    struct Part {
        age: Vec<AgeClass>,
        sex: Vec<Sex>,
        status: Vec<Status>,
        fear: Vec<f32>,
        commitment: Vec<f32>,
        efficacy: Vec<f32>,
        threshold: Vec<f32>,
    }
    let parts: Vec<Part> = (0..n.div_ceil(CHUNK))
        .into_par_iter()
        .map(|c| {
            let mut rng = key.stream(Stream::People, 0, c as u32);
            let (lo, hi) = (c * CHUNK, ((c + 1) * CHUNK).min(n));
            let m = hi - lo;
            let mut part = Part {
                age: Vec::with_capacity(m),
                sex: Vec::with_capacity(m),
                status: Vec::with_capacity(m),
                fear: Vec::with_capacity(m),
                commitment: Vec::with_capacity(m),
                efficacy: Vec::with_capacity(m),
                threshold: Vec::with_capacity(m),
            };
            for i in lo..hi {
                let u: f64 = rng.random();
                let age = AgeClass::ALL[cum.iter().position(|&c| u < c).unwrap_or(3)];
                let sex = if rng.random::<bool>() { Sex::Male } else { Sex::Female };
                let can_be_activist = i < locals && matches!(age, AgeClass::Youth | AgeClass::Adult);
                let activist = can_be_activist && rng.random::<f64>() < p.activist_share;
                part.age.push(age);
                part.sex.push(sex);
                part.status.push(if activist { Status::Activist } else { Status::Civilian });
                part.fear.push(draw(&fear_d, p.fear_mean, &mut rng));
                part.commitment.push(draw(&com_d, p.commitment_mean, &mut rng));
                part.efficacy.push(draw(&eff_d, p.efficacy_mean, &mut rng));
                let t = thr_d.as_ref().map(|d| d.sample(&mut rng)).unwrap_or(p.threshold_mean);
                part.threshold.push(t.clamp(0.0, 1.0) as f32);
            }
            part
        })
        .collect();

    let mut people = People {
        id: (0..n as u32).collect(),
        family: layout.family_of.clone(),
        household: layout.household_of.clone(),
        origin: vec![Origin::Local; n],
        faction: vec![NONE_U8; n],
        group: vec![NONE_U16; n],
        flags: vec![Flags::default(); n],
        need_base: Relaxing::new(layout.household_of.iter().map(|&h| household_need[h as usize]).collect()),
        stigma: Relaxing::new(vec![0.0; n]),
        efficacy_lift: Relaxing::new_signed(vec![0.0; n]),
        grievance: (0..factions).map(|_| Relaxing::new(vec![0.0; n])).collect(),
        exposure: (0..factions).map(|_| Relaxing::new(vec![0.0; n])).collect(),
        registered: vec![NONE_U8; n],
        mobilised: vec![0; n],
        ..People::default()
    };
    let (mut fear, mut commitment, mut efficacy) = (Vec::with_capacity(n), Vec::with_capacity(n), Vec::with_capacity(n));
    for part in parts {
        people.age.extend_from_slice(&part.age);
        people.sex.extend_from_slice(&part.sex);
        people.status.extend_from_slice(&part.status);
        fear.extend_from_slice(&part.fear);
        commitment.extend_from_slice(&part.commitment);
        efficacy.extend_from_slice(&part.efficacy);
        people.threshold.extend_from_slice(&part.threshold);
    }
    // The pools elsewhere: foreign fighters of each faction.
    for f in 0..factions {
        let fam = layout.local_families + f;
        for i in layout.family_start[fam] as usize..layout.family_start[fam + 1] as usize {
            people.origin[i] = Origin::Foreign;
            people.status[i] = Status::Elsewhere;
            people.faction[i] = f as u8;
            people.sex[i] = Sex::Male;
            people.age[i] = if people.age[i] == AgeClass::Youth { AgeClass::Youth } else { AgeClass::Adult };
            commitment[i] = member_commitment[f] as f32;
        }
    }
    people.fear = Relaxing::new(fear);
    people.commitment = Relaxing::new(commitment);
    people.efficacy_base = Relaxing::new(efficacy);
    people.tally = Tally::recount(&people);
    people.pack_standing();
    // Attitude sums count the people present: those elsewhere leave them.
    for i in locals..n {
        people.need_base.exclude(i);
        people.commitment.exclude(i);
        people.efficacy_base.exclude(i);
        people.fear.exclude(i);
        people.efficacy_lift.exclude(i);
        people.stigma.exclude(i);
        for col in people.grievance.iter_mut().chain(people.exposure.iter_mut()) {
            col.exclude(i);
        }
    }
    for (flags, status) in people.flags.iter_mut().zip(&people.status) {
        if *status == Status::Activist {
            flags.set(Flags::JOURNALIST);
        }
    }
    choose_notables(p, layout, &mut people, key);
    people
}

/// Each family's notables: up to `notables_per_family` of its adults and
/// elders, chosen at random (partial Fisher-Yates on the eligible).
fn choose_notables(p: &Params, layout: &Layout, people: &mut People, key: &RunKey) {
    let mut rng = key.stream(Stream::Notables, 0, 0);
    let mut eligible: Vec<u32> = Vec::new();
    for f in 0..layout.local_families {
        eligible.clear();
        for i in layout.family_start[f]..layout.family_start[f + 1] {
            if matches!(people.age[i as usize], AgeClass::Adult | AgeClass::Elder) {
                eligible.push(i);
            }
        }
        let k = (p.notables_per_family as usize).min(eligible.len());
        for j in 0..k {
            let pick = rng.random_range(j..eligible.len());
            eligible.swap(j, pick);
            people.flags[eligible[j] as usize].set(Flags::NOTABLE);
        }
    }
}
