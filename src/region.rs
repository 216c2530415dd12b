//! The region: the places a scenario's people live in (docs/model.md, 7.13).
//! A place is a town (a community: families, network, local groups,
//! institutions), a camp, a prison, or a faction's hideout (its "elsewhere").
//! A place is a dimension of the same engine and schedule: every person has a
//! place and a home town, and the processes read the place where they need it.
//!
//! A scenario without `[region]` is a one-town region: the town of
//! `[population]`, and a hideout per faction holding its `strength_elsewhere`.
//! Towns are listed one by one (`[region.towns.<name>]`) or generated from a
//! few lines (`[region.generated_towns]`: count, mean size and spread, the
//! share the faction held); camps and prisons are listed by name.

use std::collections::BTreeMap;

use crate::scenario::{Check, Int, Real, ScenarioError};

/// What kind of place.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum PlaceKind {
    Town = 0,
    Camp = 1,
    Prison = 2,
    Hideout = 3,
}

impl PlaceKind {
    pub fn name(self) -> &'static str {
        ["town", "camp", "prison", "hideout"][self as usize]
    }
    /// A place of detention: camp or prison.
    pub fn detains(self) -> bool {
        matches!(self, PlaceKind::Camp | PlaceKind::Prison)
    }
}

/// No place: the home of foreigners (abroad).
pub const ABROAD: u16 = u16::MAX;

/// The most places a region may hold.
pub const MAX_PLACES: usize = 4096;

/// One place, resolved.
#[derive(Clone, Debug, PartialEq)]
pub struct Place {
    pub name: String,
    pub kind: PlaceKind,
    /// People there at the start (for a hideout: the faction's fighters elsewhere).
    pub people: u32,
    /// Camps and prisons: how many they can hold (others: unlimited).
    pub capacity: u32,
    /// Towns: whether the faction held it before its defeat.
    pub held: bool,
    /// Towns: share of homes and services destroyed in the fighting, in [0, 1].
    pub damage: f64,
    /// Towns: share of its people displaced at the start (to camps or other towns).
    pub displaced_share: f64,
    /// Towns: share of its youth and adults who were members of the faction
    /// and are ex-members at the start (collaborators not held).
    pub ex_member_share: f64,
    /// Camps and prisons: guards and walls against escapes and attacks, in [0, 1].
    pub security: f64,
    /// Camps and prisons: living conditions, in [0, 1] (1: decent).
    pub conditions: f64,
    /// Camps and prisons: whether a rehabilitation programme runs.
    pub rehabilitation: bool,
    /// Camps and prisons: share of the detained who are foreigners.
    pub foreign_share: f64,
    /// Camps: share of women and children among the detained.
    pub women_children_share: f64,
    /// Camps and prisons: share of the detained who were members of the faction.
    pub member_share: f64,
    /// Camps and prisons: the towns their local detainees come from (indices).
    pub from: Vec<u16>,
    /// Hideouts: the faction whose place it is.
    pub faction: u8,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub generated_towns: Option<RawGenerated>,
    pub towns: Option<BTreeMap<String, RawTown>>,
    pub camps: Option<BTreeMap<String, RawDetention>>,
    pub prisons: Option<BTreeMap<String, RawDetention>>,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawGenerated {
    pub count: Option<i64>,
    pub people_mean: Option<f64>,
    pub people_cv: Option<f64>,
    pub held_share: Option<f64>,
    pub damage_held: Option<f64>,
    pub displaced_share_held: Option<f64>,
    pub ex_member_share_held: Option<f64>,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTown {
    pub people: Option<i64>,
    pub held: Option<bool>,
    pub damage: Option<f64>,
    pub displaced_share: Option<f64>,
    pub ex_member_share: Option<f64>,
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawDetention {
    pub capacity: Option<i64>,
    pub people: Option<i64>,
    pub security: Option<f64>,
    pub conditions: Option<f64>,
    pub rehabilitation: Option<bool>,
    pub foreign_share: Option<f64>,
    pub women_children_share: Option<f64>,
    pub member_share: Option<f64>,
    pub from: Option<Vec<String>>,
}

/// The region's places: towns first (listed, then generated), then camps,
/// prisons, and one hideout per faction.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub places: Vec<Place>,
    /// Places `0..towns` are towns.
    pub towns: usize,
    /// Whether the scenario declared a region (else: one town).
    pub declared: bool,
}

impl Params {
    /// The town's people: the sum over the towns.
    pub fn town_people(&self) -> u64 {
        self.places[..self.towns].iter().map(|p| u64::from(p.people)).sum()
    }
    /// People held in camps and prisons at the start.
    pub fn detained_people(&self) -> u64 {
        self.places.iter().filter(|p| p.kind.detains()).map(|p| u64::from(p.people)).sum()
    }
    pub fn index(&self, name: &str) -> Option<usize> {
        self.places.iter().position(|p| p.name == name)
    }
    /// The hideout of faction `f`.
    pub fn hideout(&self, f: usize) -> u16 {
        self.places.iter().position(|p| p.kind == PlaceKind::Hideout && p.faction as usize == f).unwrap_or(0) as u16
    }
}

fn town(name: &str, people: u32, held: bool, damage: f64, displaced_share: f64, ex_member_share: f64) -> Place {
    Place {
        ex_member_share,
        name: name.to_string(),
        kind: PlaceKind::Town,
        people,
        capacity: u32::MAX,
        held,
        damage,
        displaced_share,
        security: 0.0,
        conditions: 1.0,
        rehabilitation: false,
        foreign_share: 0.0,
        women_children_share: 0.0,
        member_share: 0.0,
        from: Vec::new(),
        faction: u8::MAX,
    }
}

const SHARE: Real = Real::SHARE;

/// Resolve the region. `town_people` is `population.people` (the one town of
/// a scenario without listed towns); `factions` names the factions and their
/// fighters elsewhere, whose hideouts close the list.
pub fn resolve(raw: &Raw, c: &mut Check, declared: bool, town_people: u32, factions: &[(String, u32)]) -> Result<Params, ScenarioError> {
    let mut places = Vec::new();
    for (name, t) in raw.towns.iter().flatten() {
        check_name(c, "towns", name)?;
        let p = c.section("towns", |c| {
            c.section(name, |c| {
                let people = c.int(
                    "people",
                    t.people,
                    Int {
                        default: 10_000,
                        min: 1,
                        max: i64::from(crate::society::population::MAX_PEOPLE),
                        unit: "people",
                        doc: "People living in the town at the start.",
                        source: "the scenario's data",
                    },
                )? as u32;
                let held =
                    c.flag("held", t.held, false, "Whether the faction held the town before its defeat (its former strongholds).", "the scenario's data");
                let damage = c.real(
                    "damage",
                    t.damage,
                    Real {
                        default: 0.0,
                        doc: "Share of homes and services destroyed in the fighting: need at home, and a reason not to return until rebuilt.",
                        source: "the scenario's data; 'the cities and towns bombed ... have not been rebuilt' (Hassan 2022)",
                        ..SHARE
                    },
                )?;
                let displaced = c.real(
                    "displaced_share",
                    t.displaced_share,
                    Real {
                        default: 0.0,
                        doc: "Share of the town's people displaced at the start, to camps with room or to other towns.",
                        source: "the scenario's data",
                        ..SHARE
                    },
                )?;
                let ex = c.real(
                    "ex_member_share",
                    t.ex_member_share,
                    Real {
                        default: 0.0,
                        doc: "Share of the town's youth and adults who were members of the faction and live there as ex-members at the start.",
                        source: "the scenario's data; 'hundreds of thousands of Iraqis and Syrians who collaborated with ISIS' (Hassan 2022)",
                        ..SHARE
                    },
                )?;
                Ok(town(name, people, held, damage, displaced, ex))
            })
        })?;
        places.push(p);
    }
    if let Some(g) = &raw.generated_towns {
        let generated = c.section("generated_towns", |c| {
            let count = c.int(
                "count",
                g.count,
                Int {
                    default: 0,
                    min: 0,
                    max: (MAX_PLACES / 2) as i64,
                    unit: "towns",
                    doc: "Towns generated from the lines below, named town_001, town_002, ...",
                    source: "the scenario's data",
                },
            )? as usize;
            let mean = c.real(
                "people_mean",
                g.people_mean,
                Real {
                    default: 20_000.0,
                    min: 1.0,
                    max: f64::from(crate::society::population::MAX_PEOPLE),
                    unit: "people",
                    doc: "Mean people of a generated town; sizes are the log-normal's quantiles, so the same file gives the same towns.",
                    source: "assumption",
                },
            )?;
            let cv = c.real(
                "people_cv",
                g.people_cv,
                Real {
                    default: 0.8,
                    min: 0.0,
                    max: 5.0,
                    unit: "coefficient of variation",
                    doc: "Spread of generated towns' sizes (standard deviation over mean).",
                    source: "assumption",
                },
            )?;
            let held_share = c.real(
                "held_share",
                g.held_share,
                Real {
                    default: 0.0,
                    doc: "Share of the generated towns the faction held before its defeat (spread evenly through the list).",
                    source: "the scenario's data",
                    ..SHARE
                },
            )?;
            let damage_held = c.real(
                "damage_held",
                g.damage_held,
                Real { default: 0.0, doc: "Damage of the generated towns the faction held (the others have none).", source: "the scenario's data", ..SHARE },
            )?;
            let displaced_held = c.real(
                "displaced_share_held",
                g.displaced_share_held,
                Real {
                    default: 0.0,
                    doc: "Share of the people of the generated towns the faction held displaced at the start.",
                    source: "the scenario's data",
                    ..SHARE
                },
            )?;
            let ex_held = c.real(
                "ex_member_share_held",
                g.ex_member_share_held,
                Real {
                    default: 0.0,
                    doc: "Share of the youth and adults of the generated towns the faction held who are its ex-members at the start.",
                    source: "the scenario's data",
                    ..SHARE
                },
            )?;
            let sigma = (1.0 + cv * cv).ln().sqrt();
            let mu = mean.ln() - sigma * sigma / 2.0;
            let mut out = Vec::with_capacity(count);
            for k in 0..count {
                let q = (k as f64 + 0.5) / count as f64;
                let people = (mu + sigma * normal_quantile(q)).exp().round().max(1.0);
                let held = ((k + 1) as f64 * held_share).floor() > (k as f64 * held_share).floor();
                out.push(town(
                    &format!("town_{:03}", k + 1),
                    people as u32,
                    held,
                    if held { damage_held } else { 0.0 },
                    if held { displaced_held } else { 0.0 },
                    if held { ex_held } else { 0.0 },
                ));
            }
            Ok(out)
        })?;
        places.extend(generated);
    }
    let listed_towns = !places.is_empty();
    if !listed_towns {
        places.push(town("town", town_people, false, 0.0, 0.0, 0.0));
    }
    let towns = places.len();
    let town_names: Vec<String> = places.iter().map(|p| p.name.clone()).collect();
    for (table, kind) in [("camps", PlaceKind::Camp), ("prisons", PlaceKind::Prison)] {
        let list = if kind == PlaceKind::Camp { &raw.camps } else { &raw.prisons };
        for (name, d) in list.iter().flatten() {
            check_name(c, table, name)?;
            if town_names.contains(name) || places.iter().any(|p| &p.name == name) {
                return Err(c.fail_in(table, name, format!("\"{name}\" names another place already: place names must differ")));
            }
            let p = c.section(table, |c| c.section(name, |c| detention(c, name, kind, d, &town_names)))?;
            places.push(p);
        }
    }
    for (f, (name, fighters)) in factions.iter().enumerate() {
        places.push(Place {
            name: format!("{name}_hideout"),
            kind: PlaceKind::Hideout,
            people: *fighters,
            faction: f as u8,
            ..town("", 0, false, 0.0, 0.0, 0.0)
        });
    }
    if places.len() > MAX_PLACES {
        return Err(c.fail("generated_towns", format!("{} places: allowed at most {MAX_PLACES}", places.len())));
    }
    Ok(Params { places, towns, declared: declared || listed_towns })
}

fn check_name(c: &mut Check, table: &str, name: &str) -> Result<(), ScenarioError> {
    if crate::faction::valid_name(name) {
        return Ok(());
    }
    Err(c.fail_in(
        table,
        name,
        format!("\"{name}\" is not a usable place name: allowed lower-case letters, digits and `_`, starting with a letter, at most 32 characters"),
    ))
}

fn detention(c: &mut Check, name: &str, kind: PlaceKind, d: &RawDetention, towns: &[String]) -> Result<Place, ScenarioError> {
    let camp = kind == PlaceKind::Camp;
    let people = c.int(
        "people",
        d.people,
        Int {
            default: 0,
            min: 0,
            max: i64::from(crate::society::population::MAX_PEOPLE),
            unit: "people",
            doc: "People held there at the start.",
            source: "the scenario's data",
        },
    )? as u32;
    let capacity = c.int(
        "capacity",
        d.capacity,
        Int {
            default: 10_000,
            min: 1,
            max: i64::from(crate::society::population::MAX_PEOPLE),
            unit: "people",
            doc: "How many it can hold; arrests and transfers beyond it are refused.",
            source: "the scenario's data",
        },
    )? as u32;
    if people > capacity {
        return Err(c.fail("people", format!("{people} people held at the start is over the capacity of {capacity}: allowed at most `capacity`")));
    }
    let security = c.real(
        "security",
        d.security,
        Real {
            default: 0.5,
            doc: "Guards and walls: lowers escapes and the odds of an attack on it.",
            source: "assumption; 'makeshift and difficult-to-secure detention facilities' (Hassan 2022)",
            ..SHARE
        },
    )?;
    let conditions = c.real(
        "conditions",
        d.conditions,
        Real {
            default: 0.3,
            doc: "Living conditions (1: decent): poor conditions raise grievance, commitment and deaths.",
            source: "assumption; 'degrading conditions' (Hassan 2022)",
            ..SHARE
        },
    )?;
    let rehabilitation = c.flag(
        "rehabilitation",
        d.rehabilitation,
        false,
        "Whether a rehabilitation programme runs there (lowers commitment and grievance).",
        "'little pretense or even expectation of rehabilitation' (Hassan 2022)",
    );
    let foreign_share = c.real(
        "foreign_share",
        d.foreign_share,
        Real {
            default: 0.1,
            doc: "Share of the detained who are foreigners (third-country nationals): repatriation's reach.",
            source: "Hassan 2022: 8,000 of 58,000 detained children were third-country nationals",
            ..SHARE
        },
    )?;
    let women_children_share = if camp {
        c.real(
            "women_children_share",
            d.women_children_share,
            Real {
                default: 0.8,
                doc: "Share of women and children among the camp's detained at the start.",
                source: "Hassan 2022: 80% of the 45,000-64,000 detained in north-east Syria",
                ..SHARE
            },
        )?
    } else {
        0.0
    };
    let member_share = c.real(
        "member_share",
        d.member_share,
        Real {
            default: if camp { 0.1 } else { 0.7 },
            doc: "Share of the detained who were members of the faction (the rest are relatives and suspects).",
            source: "assumption; the guilty and the innocent are held together (Hassan 2022)",
            ..SHARE
        },
    )?;
    let mut from = Vec::new();
    let names = c.names(
        "from",
        d.from.as_deref(),
        "names of the region's towns",
        "The towns its local detainees come from at the start (empty: the towns the faction held, else all).",
        "the scenario's data",
    );
    {
        for n in &names {
            match towns.iter().position(|t| t == n) {
                Some(k) => from.push(k as u16),
                None => {
                    return Err(c.fail(
                        "from",
                        format!(
                            "\"{n}\" is not a town of the region: allowed {}",
                            towns.iter().take(12).map(|t| format!("\"{t}\"")).collect::<Vec<_>>().join(", ") + if towns.len() > 12 { ", ..." } else { "" }
                        ),
                    ));
                }
            }
        }
    }
    if !camp && d.women_children_share.is_some() {
        return Err(c.fail("women_children_share", "prisons hold men: allowed only in a camp"));
    }
    Ok(Place {
        name: name.to_string(),
        kind,
        people,
        capacity,
        held: false,
        damage: 0.0,
        displaced_share: 0.0,
        ex_member_share: 0.0,
        security,
        conditions,
        rehabilitation,
        foreign_share,
        women_children_share,
        member_share,
        from,
        faction: u8::MAX,
    })
}

/// The standard normal quantile (Acklam's rational approximation, relative
/// error under 1.2e-9): deterministic town sizes from the log-normal.
#[allow(clippy::excessive_precision)] // the published coefficients, as published
pub fn normal_quantile(p: f64) -> f64 {
    const A: [f64; 6] = [-3.969683028665376e1, 2.209460984245205e2, -2.759285104469687e2, 1.383577518672690e2, -3.066479806614716e1, 2.506628277459239];
    const B: [f64; 5] = [-5.447609879822406e1, 1.615858368580409e2, -1.556989798598866e2, 6.680131188771972e1, -1.328068155288572e1];
    const C: [f64; 6] = [-7.784894002430293e-3, -3.223964580411365e-1, -2.400758277161838, -2.549732539343734, 4.374664141464968, 2.938163982698783];
    const D: [f64; 4] = [7.784695709041462e-3, 3.224671290700398e-1, 2.445134137142996, 3.754408661907416];
    let p = p.clamp(1e-300, 1.0 - 1e-16);
    let lo = 0.02425;
    if p < lo {
        let q = (-2.0 * p.ln()).sqrt();
        (((((C[0] * q + C[1]) * q + C[2]) * q + C[3]) * q + C[4]) * q + C[5]) / ((((D[0] * q + D[1]) * q + D[2]) * q + D[3]) * q + 1.0)
    } else if p <= 1.0 - lo {
        let q = p - 0.5;
        let r = q * q;
        (((((A[0] * r + A[1]) * r + A[2]) * r + A[3]) * r + A[4]) * r + A[5]) * q / (((((B[0] * r + B[1]) * r + B[2]) * r + B[3]) * r + B[4]) * r + 1.0)
    } else {
        -normal_quantile(1.0 - p)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_normal_quantile_matches_known_values() {
        assert!(normal_quantile(0.5).abs() < 1e-9);
        assert!((normal_quantile(0.975) - 1.959_963_985).abs() < 1e-6);
        assert!((normal_quantile(0.001) + 3.090_232_306).abs() < 1e-6);
    }
}
