//! Detention at scale (step 12 of the day; docs/model.md, 7.16): the region's
//! camps and prisons. Each day, in each place of detention:
//!
//! - due process: a share of the untried are tried; the guilty (members) are
//!   convicted unless an error or a bribe frees them, the innocent acquitted
//!   unless wrongly convicted ("imperfect at best, with many guilty parties
//!   able to escape justice through legal loopholes or paying bribes, while
//!   potentially innocent people have been convicted", Hassan 2022);
//! - repatriation of foreign detainees, and releases of local camp detainees
//!   through sponsorship (the return levers);
//! - time in detention: poor conditions raise commitment, the faction's
//!   members inside enforce its rules and pull the others' commitment toward
//!   theirs, a rehabilitation programme lowers it;
//! - recruitment inside: a detainee joins the faction inside in proportion
//!   to their commitment and its members' share of the place;
//! - escapes, at a rate the place's security lowers.
//!
//! Whoever leaves chooses, from their own state, at the gate (7.8's choice:
//! home, the faction elsewhere, another faction) if they were members; the
//! rest go home if their community accepts them, else stay displaced
//! (`displacement_and_return::go_home`).

use rand::RngExt;

use crate::process::aftermath::{self, Channels, DRAWS, Pathway};
use crate::process::displacement_and_return;
use crate::region::{ABROAD, PlaceKind};
use crate::rng::skip;
use crate::rng::{Rng, Stream};
use crate::scenario::{Check, Real, Scenario, ScenarioError};
use crate::society::people::{Flags, NONE_U8, Origin, Status};
use crate::world::World;

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub faction: Option<String>,
    pub trials_per_year: Option<f64>,
    pub acquit_guilty: Option<f64>,
    pub bribery: Option<f64>,
    pub convict_innocent: Option<f64>,
    pub repatriation_per_year: Option<f64>,
    pub sponsorship_per_year: Option<f64>,
    pub hardening_per_year: Option<f64>,
    pub enforcement_per_year: Option<f64>,
    pub rehabilitation_per_year: Option<f64>,
    pub recruitment_per_year: Option<f64>,
    pub escapes_per_year: Option<f64>,
    pub followup_released: Option<f64>,
    pub member_stigma: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// The defeated faction whose members and families are detained.
    pub faction: u8,
    pub trials_per_year: f64,
    pub acquit_guilty: f64,
    pub bribery: f64,
    pub convict_innocent: f64,
    pub repatriation_per_year: f64,
    pub sponsorship_per_year: f64,
    pub hardening_per_year: f64,
    pub enforcement_per_year: f64,
    pub rehabilitation_per_year: f64,
    pub recruitment_per_year: f64,
    pub escapes_per_year: f64,
    pub followup_released: f64,
    pub member_stigma: f64,
}

const SHARE: Real = Real::SHARE;
const PER_YEAR: Real = Real { default: 0.0, min: 0.0, max: 50.0, unit: "per year", doc: "", source: "assumption" };

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check, factions: &[String]) -> Result<Params, ScenarioError> {
        let name = c.text(
            "faction",
            raw.faction.as_deref(),
            factions.first().map_or("", String::as_str),
            "The defeated faction whose members and families the camps and prisons hold (default: the first faction).",
        );
        let faction = if factions.is_empty() {
            NONE_U8
        } else {
            match factions.iter().position(|f| *f == name) {
                Some(f) => f as u8,
                None => {
                    return Err(c.fail(
                        "faction",
                        format!(
                            "\"{name}\" is not a faction of this scenario: allowed {}",
                            factions.iter().map(|f| format!("\"{f}\"")).collect::<Vec<_>>().join(", ")
                        ),
                    ));
                }
            }
        };
        let trials_per_year = c.real(
            "trials_per_year",
            raw.trials_per_year,
            Real {
                default: 0.05,
                doc: "Due process: share of the untried detainees of a prison tried each year (the lever 'due process at scale').",
                source: "assumption; detention 'neither accused nor convicted', 'languishing' four years on (Hassan 2022)",
                ..PER_YEAR
            },
        )?;
        let acquit_guilty = c.real(
            "acquit_guilty",
            raw.acquit_guilty,
            Real {
                default: 0.2,
                doc: "Share of the guilty (members) tried who are acquitted by error or loophole.",
                source: "assumption; 'many guilty parties able to escape justice through legal loopholes' (Hassan 2022)",
                ..SHARE
            },
        )?;
        let bribery = c.real(
            "bribery",
            raw.bribery,
            Real {
                default: 0.1,
                doc: "Share of the guilty not acquitted who buy their release.",
                source: "assumption; '... or paying bribes' (Hassan 2022)",
                ..SHARE
            },
        )?;
        let convict_innocent = c.real(
            "convict_innocent",
            raw.convict_innocent,
            Real {
                default: 0.3,
                doc: "Share of the innocent tried who are convicted anyway.",
                source: "assumption; 'potentially innocent people have been convicted without due process' (Hassan 2022)",
                ..SHARE
            },
        )?;
        let repatriation_per_year = c.real(
            "repatriation_per_year",
            raw.repatriation_per_year,
            Real {
                default: 0.02,
                doc: "Share of foreign detainees repatriated each year (the lever 'repatriation').",
                source: "assumption; 'Western governments have refused to repatriate their citizens' (Hassan 2022)",
                ..PER_YEAR
            },
        )?;
        let sponsorship_per_year = c.real(
            "sponsorship_per_year",
            raw.sponsorship_per_year,
            Real {
                default: 0.03,
                doc: "Share of local camp detainees released each year on a notable's sponsorship.",
                source: "assumption; tribal sponsorship released 1,122 women and children from al-Hol in July 2019",
                ..PER_YEAR
            },
        )?;
        let hardening_per_year = c.real(
            "hardening_per_year",
            raw.hardening_per_year,
            Real {
                default: 0.15,
                doc: "Yearly rise of a detainee's commitment, a share of the way to 1, in the worst conditions (scaled by 1 - conditions).",
                source: "assumption; 'languish in limbo under degrading conditions ... a lost generation' (Hassan 2022)",
                ..PER_YEAR
            },
        )?;
        let enforcement_per_year = c.real("enforcement_per_year", raw.enforcement_per_year, Real {
            default: 0.5,
            doc: "Yearly pull of detainees' commitment toward the faction members' inside, times the members' share of the place (its rules enforced in the camps).",
            source: "assumption; the faction's members enforce its rules in the camps",
            ..PER_YEAR
        })?;
        let rehabilitation_per_year = c.real(
            "rehabilitation_per_year",
            raw.rehabilitation_per_year,
            Real {
                default: 0.4,
                doc: "Yearly fall of commitment, a share of its level, where a rehabilitation programme runs.",
                source: "assumption",
                ..PER_YEAR
            },
        )?;
        let recruitment_per_year = c.real(
            "recruitment_per_year",
            raw.recruitment_per_year,
            Real {
                default: 0.5,
                doc: "Yearly rate at which a detainee joins the faction inside, times their commitment and its members' share of the place.",
                source: "assumption",
                ..PER_YEAR
            },
        )?;
        let escapes_per_year = c.real(
            "escapes_per_year",
            raw.escapes_per_year,
            Real {
                default: 0.05,
                doc: "Yearly escape rate from a place with no security (scaled by 1 - security).",
                source: "assumption; 'makeshift and difficult-to-secure detention facilities' (Hassan 2022)",
                ..PER_YEAR
            },
        )?;
        let followup_released = c.real(
            "followup_released",
            raw.followup_released,
            Real {
                default: 0.0,
                doc: "How far the aftermath's follow-up reaches those released from the region's detention (0: none).",
                source: "assumption; 'the thorny problems of reintegration ... left to overwhelmed local authorities' (Hassan 2022)",
                ..SHARE
            },
        )?;
        let member_stigma = c.real("member_stigma", raw.member_stigma, Real {
            default: 0.7,
            doc: "Stigma a member carries out of a camp or prison (at least this), which weighs against going home at the gate (7.8).",
            source: "Humphreys and Weinstein (2007): having served in an abusive faction is the strongest predictor of not being accepted back; level: assumption",
            ..SHARE
        })?;
        Ok(Params {
            member_stigma,
            faction,
            trials_per_year,
            acquit_guilty,
            bribery,
            convict_innocent,
            repatriation_per_year,
            sponsorship_per_year,
            hardening_per_year,
            enforcement_per_year,
            rehabilitation_per_year,
            recruitment_per_year,
            escapes_per_year,
            followup_released,
        })
    }
}

/// The region's state between days.
#[derive(Clone, Debug, Default)]
pub struct RegionState {
    /// Per place: the day of the last attack on it (prisons), if any.
    pub attacked_day: Vec<Option<u32>>,
    /// Per place: what happened there today.
    pub today: Vec<crate::record::PlaceFlows>,
    /// Per place: whether the faction had cells there once it was defeated,
    /// and the day its cell first reached `insurgency.cell_size`.
    pub cell_day: Vec<Option<u32>>,
    /// The day of the latest prison attack, anywhere, and of the first that freed anyone.
    pub last_attack: Option<u32>,
    pub first_break: Option<u32>,
    /// Per place: the state's troops left in a town it retook (7.23).
    pub garrison: Vec<f64>,
}

impl RegionState {
    pub fn new(r: &crate::region::Params) -> RegionState {
        let n = r.places.len();
        RegionState {
            attacked_day: vec![None; n],
            today: vec![Default::default(); n],
            cell_day: vec![None; n],
            last_attack: None,
            first_break: None,
            garrison: vec![0.0; n],
        }
    }
}

/// The first of the region's prisons with room, if any.
pub fn prison_with_room(w: &World, s: &Scenario) -> Option<usize> {
    let places = &s.region.places;
    (0..places.len()).find(|&k| places[k].kind == PlaceKind::Prison && w.society.people.at[k].alive() < places[k].capacity)
}

/// Person `i`, already detained, into prison `k`, counted among the day's detained.
pub fn into_prison(w: &mut World, i: usize, k: usize) {
    w.society.people.move_to(i, k as u16);
    w.region.today[k].detained += 1;
    w.today.region.detained += 1;
}

/// Yearly rate to a daily probability.
pub fn daily(per_year: f64) -> f64 {
    1.0 - (-per_year / 365.0).exp()
}

pub fn step(w: &mut World, s: &Scenario) {
    let d = &s.detention;
    if !s.region.places.iter().any(|p| p.kind.detains()) {
        return;
    }
    let places = &s.region.places;
    let f = d.faction;
    // The faction's share of each place's detained, from the head counts.
    let share: Vec<f64> = w
        .society
        .people
        .at
        .iter()
        .map(|a| if (f as usize) < a.detained.len() { f64::from(a.detained[f as usize]) / f64::from(a.status[Status::Detained as usize].max(1)) } else { 0.0 })
        .collect();
    if w.day.is_multiple_of(WEEK) {
        time_in_detention(w, s, &share);
    }
    let mut rng = w.key.stream(Stream::Detention, w.day, 0);
    let (trial, repat, sponsor, esc, recruit) =
        (daily(d.trials_per_year), daily(d.repatriation_per_year), daily(d.sponsorship_per_year), daily(d.escapes_per_year), daily(d.recruitment_per_year));
    // Leaving and recruitment are rare on any one day: candidates at the
    // highest daily hazard of any place, each kept in proportion to their own.
    let worst = places
        .iter()
        .enumerate()
        .filter(|(_, pl)| pl.kind.detains())
        .map(|(k, pl)| esc * (1.0 - pl.security) + trial + repat.max(sponsor) + recruit * share[k])
        .fold(0.0, f64::max);
    let mut leaving: Vec<(u32, Leave)> = Vec::new();
    let n = w.society.people.len();
    let mut i = skip(&mut rng, worst);
    while i < n {
        let p = &mut w.society.people;
        let k = p.place[i] as usize;
        let here = places.get(k).filter(|pl| pl.kind.detains());
        if let (Status::Detained, Some(pl)) = (p.status[i], here) {
            let u = rng.random::<f64>() * worst;
            let member = p.faction[i] == f;
            let convicted = p.flags[i].has(Flags::CONVICTED);
            let c = f64::from(p.commitment.get(i));
            // Escapes, then due process (prisons), repatriation, sponsorship
            // (camps), then recruitment inside: one uniform against the
            // cumulative hazards.
            let mut acc = esc * (1.0 - pl.security);
            let mut trial_here = 0.0;
            if pl.kind == PlaceKind::Prison && !convicted {
                trial_here = trial;
            }
            let leave_other = if p.origin[i] == Origin::Foreign && !convicted {
                repat
            } else if p.origin[i] == Origin::Local && pl.kind == PlaceKind::Camp {
                sponsor
            } else {
                0.0
            };
            if u < acc {
                leaving.push((i as u32, Leave::Escaped));
            } else if u < acc + trial_here {
                let v: f64 = rng.random();
                let guilty_free = d.acquit_guilty + (1.0 - d.acquit_guilty) * d.bribery;
                let freed = if member { v < guilty_free } else { v >= d.convict_innocent };
                if freed {
                    leaving.push((i as u32, Leave::Released));
                } else {
                    p.flags[i].set(Flags::CONVICTED);
                    w.region.today[k].convicted += 1;
                    w.today.region.convicted += 1;
                }
            } else if u < acc + trial_here + leave_other {
                leaving.push((i as u32, if p.origin[i] == Origin::Foreign { Leave::Repatriated } else { Leave::Released }));
            } else {
                acc += trial_here + leave_other;
                // Recruitment inside: the committed join its members.
                if !member && f != NONE_U8 && u < acc + recruit * c * share[k] {
                    p.assign(i, Status::Detained, f);
                    w.region.today[k].recruited += 1;
                    w.today.region.recruited_in_detention += 1;
                }
            }
        }
        i += 1 + skip(&mut rng, worst);
    }
    for (i, why) in leaving {
        leave(w, s, i as usize, why, &mut rng);
    }
}

/// Days between the updates of commitment in detention (a week's change at once).
pub const WEEK: u32 = 7;

/// A week in detention: poor conditions harden commitment, the faction's
/// members pull the others' toward theirs, rehabilitation lowers it.
fn time_in_detention(w: &mut World, s: &Scenario, share: &[f64]) {
    let d = &s.detention;
    let places = &s.region.places;
    let f = d.faction;
    let p = &mut w.society.people;
    let n = p.len();
    // The members' mean commitment in each place.
    let mut sum = vec![0.0f64; places.len()];
    let mut count = vec![0u32; places.len()];
    let next = |col: &[Status], i: usize| crate::society::people::next_equal(col, i, Status::Detained);
    let mut i = next(&p.status, 0);
    while i < n {
        if p.faction[i] == f && (p.place[i] as usize) < places.len() {
            sum[p.place[i] as usize] += f64::from(p.commitment.get(i));
            count[p.place[i] as usize] += 1;
        }
        i = next(&p.status, i + 1);
    }
    let model: Vec<f64> = sum.iter().zip(&count).map(|(s, &c)| s / f64::from(c.max(1))).collect();
    let week = |per_year: f64| 1.0 - (-per_year * f64::from(WEEK) / 365.0).exp();
    let (harden, enforce, rehab) = (week(d.hardening_per_year), week(d.enforcement_per_year), week(d.rehabilitation_per_year));
    let mut i = next(&p.status, 0);
    while i < n {
        let k = p.place[i] as usize;
        let Some(pl) = places.get(k).filter(|pl| pl.kind.detains()) else {
            i = next(&p.status, i + 1);
            continue;
        };
        let c = f64::from(p.commitment.get(i));
        let mut dc = harden * (1.0 - pl.conditions) * (1.0 - c) + enforce * share[k] * (model[k] - c).max(0.0);
        if pl.rehabilitation {
            dc -= rehab * c;
        }
        p.commitment.set(i, (c + dc).clamp(0.0, 1.0) as f32);
        i = next(&p.status, i + 1);
    }
}

/// Why someone leaves a camp or prison.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Leave {
    Released,
    Escaped,
    Repatriated,
}

/// Person `i` leaves detention.
pub fn leave(w: &mut World, s: &Scenario, i: usize, why: Leave, rng: &mut Rng) {
    let k = w.society.people.place[i] as usize;
    if let Some(t) = w.region.today.get_mut(k) {
        match why {
            Leave::Released => t.released += 1,
            Leave::Escaped => t.escaped += 1,
            Leave::Repatriated => t.repatriated += 1,
        }
    }
    match why {
        Leave::Released => w.today.region.released += 1,
        Leave::Escaped => w.today.region.escaped += 1,
        Leave::Repatriated => w.today.region.repatriated += 1,
    }
    let p = &mut w.society.people;
    p.flags[i].clear(Flags::CONVICTED);
    if why == Leave::Repatriated {
        // Out of the region: abroad, with no faction.
        p.assign(i, Status::Elsewhere, NONE_U8);
        p.move_to(i, ABROAD);
        return;
    }
    let f = p.faction[i];
    if f == NONE_U8 {
        displacement_and_return::go_home(w, s, i);
        return;
    }
    // A member chooses at the gate (7.8), with the follow-up that reaches
    // them, and the stigma of one who was held as a member.
    let ch = if why == Leave::Escaped { Channels::default() } else { Channels::of(&s.aftermath).scaled(s.detention.followup_released) };
    w.society.people.assign(i, Status::ExMember, f);
    let st = w.society.people.stigma.get(i).max(s.detention.member_stigma as f32);
    w.society.people.stigma.set(i, st);
    let u: [f64; DRAWS] = rng.random();
    let pathway = aftermath::choose(w, s, i, f as usize, &ch, true, &u);
    match pathway {
        Pathway::Home | Pathway::Stopped | Pathway::Group => displacement_and_return::go_home(w, s, i),
        Pathway::Rejoin => {
            w.society.people.assign(i, Status::Elsewhere, f);
            w.today.region.rejoined += 1;
        }
        Pathway::Switch(g) => {
            displacement_and_return::go_home(w, s, i);
            if w.society.people.status[i].present() {
                let p = &mut w.society.people;
                p.assign(i, Status::Supporter, g);
                p.register(i, g);
                w.today.joins[g as usize] += 1;
            }
        }
        Pathway::Detained => {
            w.society.people.assign(i, Status::Detained, f);
            w.society.people.move_to(i, k as u16);
        }
        Pathway::Stay => {}
    }
}
