//! Soft power (step 2 of the day): the faction's money, outreach (dawa)
//! events with prizes, services in crises, and its rival court
//! (Haid 2017, ch. 3).
//!
//! - Money: each day the faction receives its budget and pays its fighters
//!   and informants; when the money runs out pay stops (`unpaid`).
//! - Outreach: events happen at a weekly rate. Invitations go out through an
//!   announcement that reaches a share of the town and by word of mouth:
//!   each attendee tells some of their family and friends, who are invited to
//!   the next event. A person attends with a probability that depends on age
//!   (children and youth most responsive, ch. 3), prizes, and grievance toward
//!   the faction; attendance can therefore double from event to event ("the
//!   number of people attending these events would double every time") until
//!   the venue's capacity or the responsive population runs out. Attendees'
//!   exposure to the faction rises, some sign up (register), and prize winners
//!   are paid from the budget.
//! - Services: during a gas, water or bread shortage the faction sells cheap
//!   to the registered and gives free to members: their need is relieved
//!   (`environment::need`), needy people register to be served, and the
//!   faction's standing rises.
//! - Court: cases arise in town each day; filers choose the faction's court
//!   over the community's in proportion to its speed and standing. It finds
//!   for the filer (standing and the filer's exposure rise) and, to keep its
//!   record, sometimes coerces a confession, which angers the accused's family.

use rand::RngExt;
use rand_distr::{Distribution, Poisson};

use crate::rng::Stream;
use crate::scenario::{Check, Real, Scenario, ScenarioError};
use crate::society::people::{NONE_U8, Origin, Status};
use crate::world::World;

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub child_response: Option<f64>,
    pub youth_response: Option<f64>,
    pub adult_response: Option<f64>,
    pub elder_response: Option<f64>,
    pub cases_per_1000_per_day: Option<f64>,
    pub standing_half_life_days: Option<f64>,
}

/// Town-level parameters of soft power (`[soft_power]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// Responsiveness to outreach by age class (child, youth, adult, elder).
    pub response: [f64; 4],
    pub cases_per_1000_per_day: f64,
    pub standing_half_life_days: f64,
}

const SHARE: Real = Real::SHARE;
const AGE_SRC: &str = "Haid 2017, ch. 3: 'the majority of Daesh's activities were targeting children'; values: assumption";

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let response = [
            c.real(
                "child_response",
                raw.child_response,
                Real {
                    default: 1.0,
                    doc: "Responsiveness of children to outreach events (probability scale of attending when invited).",
                    source: AGE_SRC,
                    ..SHARE
                },
            )?,
            c.real("youth_response", raw.youth_response, Real { default: 0.8, doc: "Responsiveness of youth to outreach events.", source: AGE_SRC, ..SHARE })?,
            c.real(
                "adult_response",
                raw.adult_response,
                Real { default: 0.25, doc: "Responsiveness of adults to outreach events.", source: AGE_SRC, ..SHARE },
            )?,
            c.real("elder_response", raw.elder_response, Real { default: 0.1, doc: "Responsiveness of elders to outreach events.", source: AGE_SRC, ..SHARE })?,
        ];
        let cases_per_1000_per_day = c.real(
            "cases_per_1000_per_day",
            raw.cases_per_1000_per_day,
            Real {
                default: 0.1,
                min: 0.0,
                max: 100.0,
                unit: "cases per 1,000 people per day",
                doc: "Disputes brought to a court each day.",
                source: "assumption",
            },
        )?;
        let standing_half_life_days = c.real(
            "standing_half_life_days",
            raw.standing_half_life_days,
            Real {
                default: 60.0,
                min: 1.0,
                max: 100_000.0,
                unit: "days",
                doc: "Half-life of a faction's standing as a working authority (court verdicts, services).",
                source: "assumption",
            },
        )?;
        Ok(Params { response, cases_per_1000_per_day, standing_half_life_days })
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawOutreach {
    pub events_per_week: Option<f64>,
    pub reach: Option<f64>,
    pub capacity: Option<f64>,
    pub attend_base: Option<f64>,
    pub prize_usd: Option<f64>,
    pub prizes_per_event: Option<f64>,
    pub prize_pull: Option<f64>,
    pub word_of_mouth: Option<f64>,
    pub signup_share: Option<f64>,
    pub exposure_gain: Option<f64>,
}

/// A faction's outreach events (`[factions.<name>.outreach]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Outreach {
    pub events_per_week: f64,
    pub reach: f64,
    pub capacity: f64,
    pub attend_base: f64,
    pub prize_usd: f64,
    pub prizes_per_event: f64,
    pub prize_pull: f64,
    pub word_of_mouth: f64,
    pub signup_share: f64,
    pub exposure_gain: f64,
}

impl Outreach {
    pub fn resolve(raw: &RawOutreach, c: &mut Check) -> Result<Outreach, ScenarioError> {
        Ok(Outreach {
            events_per_week: c.real("events_per_week", raw.events_per_week, Real {
                default: 1.0,
                min: 0.0,
                max: 50.0,
                unit: "events per week",
                doc: "Rate of public dawa events (0: no outreach).",
                source: "Haid 2017, ch. 3 ('frequent public dawa forums'); rate: assumption",
            })?,
            reach: c.real("reach", raw.reach, Real { default: 0.01, doc: "Share of the town an event's announcement reaches (the rest hear by word of mouth).", source: "assumption", ..SHARE })?,
            capacity: c.real("capacity", raw.capacity, Real {
                default: 400.0,
                min: 0.0,
                max: 1e7,
                unit: "attendees",
                doc: "Most people an event can hold.",
                source: "assumption",
            })?,
            attend_base: c.real("attend_base", raw.attend_base, Real { default: 0.02, doc: "Probability that an invited, fully responsive person attends without prizes.", source: "assumption", ..SHARE })?,
            prize_usd: c.real("prize_usd", raw.prize_usd, Real {
                default: 20.0,
                min: 0.0,
                max: 1e6,
                unit: "USD",
                doc: "Size of a regular prize (0: no prizes).",
                source: "Haid 2017, ch. 3: 5,000 SYP, then about $20 (up to 25,000 SYP, about $100)",
            })?,
            prizes_per_event: c.real("prizes_per_event", raw.prizes_per_event, Real {
                default: 10.0,
                min: 0.0,
                max: 1e6,
                unit: "prizes",
                doc: "Prizes given at each event ('easy questions so whoever participated would win').",
                source: "Haid 2017, ch. 3; count: assumption",
            })?,
            prize_pull: c.real("prize_pull", raw.prize_pull, Real {
                default: 0.35,
                min: 0.0,
                max: 1.0,
                unit: "probability per $20 prize and unit of need",
                doc: "How much prizes add to the probability of attending, per $20 of prize and per unit of the invitee's need ('they knew that people were poor').",
                source: "Haid 2017, ch. 3; value: assumption, chosen so that attendance about doubles between early events",
            })?,
            word_of_mouth: c.real("word_of_mouth", raw.word_of_mouth, Real { default: 0.45, doc: "Share of an attendee's family and friends they tell about the next event.", source: "Haid 2017, ch. 3 ('giving away money to children also helped bringing their families closer'); value: assumption", ..SHARE })?,
            signup_share: c.real("signup_share", raw.signup_share, Real { default: 0.1, doc: "Share of attendees who sign up to courses (registering with the faction).", source: "Haid 2017, ch. 3 ('encouraged to sign up ... as a first step in recruiting them'); value: assumption", ..SHARE })?,
            exposure_gain: c.real("exposure_gain", raw.exposure_gain, Real { default: 0.2, doc: "Share of the way to full exposure an attendee moves.", source: "assumption", ..SHARE })?,
        })
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawServices {
    pub relief: Option<f64>,
    pub registration_rate: Option<f64>,
    pub standing_gain: Option<f64>,
}

/// A faction's services in crises (`[factions.<name>.services]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Services {
    pub relief: f64,
    pub registration_rate: f64,
    pub standing_gain: f64,
}

impl Services {
    pub fn resolve(raw: &RawServices, c: &mut Check) -> Result<Services, ScenarioError> {
        Ok(Services {
            relief: c.real(
                "relief",
                raw.relief,
                Real {
                    default: 0.5,
                    doc: "Share of a crisis's pressure on need that the faction's services lift from the registered and members (0: no services).",
                    source: "Haid 2017, ch. 3 (gas at cheaper rates to the registered, water free to members); value: assumption",
                    ..SHARE
                },
            )?,
            registration_rate: c.real(
                "registration_rate",
                raw.registration_rate,
                Real {
                    default: 0.003,
                    doc: "Share of the town that considers registering each crisis day (each registers with probability need x (1 - grievance)).",
                    source: "Haid 2017, ch. 3 ('people started joining Daesh to receive its services'); value: assumption",
                    ..SHARE
                },
            )?,
            standing_gain: c.real(
                "standing_gain",
                raw.standing_gain,
                Real { default: 0.02, doc: "Share of the way to full standing gained per day of services in a crisis.", source: "assumption", ..SHARE },
            )?,
        })
    }
}

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawCourt {
    pub speed: Option<f64>,
    pub standing_gain: Option<f64>,
    pub coerced_confession_share: Option<f64>,
    pub confession_grievance: Option<f64>,
}

/// A faction's rival court (`[factions.<name>.court]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Court {
    pub speed: f64,
    pub standing_gain: f64,
    pub coerced_confession_share: f64,
    pub confession_grievance: f64,
}

impl Court {
    pub fn resolve(raw: &RawCourt, c: &mut Check) -> Result<Court, ScenarioError> {
        Ok(Court {
            speed: c.real(
                "speed",
                raw.speed,
                Real {
                    default: 1.0,
                    min: 0.0,
                    max: 100.0,
                    unit: "relative to the community court's quality",
                    doc: "Pull of the faction's court on filers (0: no court); filers choose it with odds speed x (1 + standing) against institutions.quality.",
                    source: "Haid 2017, ch. 3: its court decided cases 'in record time' and 'saw the verdict go in their favour'",
                },
            )?,
            standing_gain: c.real(
                "standing_gain",
                raw.standing_gain,
                Real { default: 0.02, doc: "Share of the way to full standing gained per case decided.", source: "assumption", ..SHARE },
            )?,
            coerced_confession_share: c.real(
                "coerced_confession_share",
                raw.coerced_confession_share,
                Real {
                    default: 0.1,
                    doc: "Share of its cases closed by a coerced confession.",
                    source: "Haid 2017, ch. 3 ('coercing people to confess and comply'); value: assumption",
                    ..SHARE
                },
            )?,
            confession_grievance: c.real(
                "confession_grievance",
                raw.confession_grievance,
                Real {
                    default: 0.1,
                    doc: "Share of the way to full grievance toward the faction that the accused's family moves.",
                    source: "assumption",
                    ..SHARE
                },
            )?,
        })
    }
}

/// A uniformly drawn person present in town and local, or None after a few tries.
pub fn random_local(w: &World, rng: &mut crate::rng::Rng) -> Option<usize> {
    let p = &w.society.people;
    let n = p.len();
    (0..32).map(|_| rng.random_range(0..n)).find(|&i| p.status[i].present() && p.status[i] != Status::Detained && p.origin[i] == Origin::Local)
}

pub fn step(w: &mut World, s: &Scenario) {
    for (f, fp) in s.factions.iter().enumerate() {
        if !w.factions[f].arrived {
            continue;
        }
        let mut rng = w.key.stream(Stream::SoftPower, w.day, f as u32);
        payday(w, f, fp);
        if rng.random::<f64>() < fp.outreach.events_per_week / 7.0 {
            outreach_event(w, s, f, &mut rng);
        }
        services(w, s, f, &mut rng);
        court(w, s, f, &mut rng);
    }
    let fade = crate::attitude::daily_factor(s.soft_power.standing_half_life_days);
    for st in &mut w.factions {
        st.standing *= fade;
    }
}

/// Income and payroll: fighters and informants are paid daily while money lasts.
fn payday(w: &mut World, f: usize, fp: &crate::faction::Params) {
    let t = &w.society.people.tally;
    let fighters = t.by_faction[f][Status::Fighter as usize] as f64;
    let informants = t.by_faction[f][Status::Informant as usize] as f64;
    let local_members = t.members[f][crate::society::people::Origin::Local as usize] as f64;
    let held = w.society.institutions.iter().filter(|i| i.controller == crate::society::institutions::Controller::Faction(f as u8)).count() as f64;
    let st = &mut w.factions[f];
    // Income: its purse from outside, its local support, what it holds.
    st.budget += fp.budget_per_day + fp.income_per_local_member * local_members + fp.income_per_institution * held;
    let payroll = fighters * fp.pay_per_month / 30.0 + informants * fp.informants.pay_per_month / 30.0;
    if payroll <= st.budget {
        st.budget -= payroll;
        st.unpaid = 0.0;
    } else {
        st.unpaid = if payroll > 0.0 { 1.0 - st.budget / payroll } else { 0.0 };
        st.budget = 0.0;
    }
}

fn outreach_event(w: &mut World, s: &Scenario, f: usize, rng: &mut crate::rng::Rng) {
    let o = &s.factions[f].outreach;
    // Invitations: those told by last time's attendees, and the announcement.
    let mut invited = std::mem::take(&mut w.factions[f].word_of_mouth);
    let n = w.society.people.len();
    let announced = (w.society.people.tally.present() as f64 * o.reach).round() as usize;
    for _ in 0..announced {
        invited.push(rng.random_range(0..n) as u32);
    }
    invited.sort_unstable();
    invited.dedup();
    // Shuffle so that a full venue does not favour low indices.
    for k in (1..invited.len()).rev() {
        invited.swap(k, rng.random_range(0..=k));
    }
    let prizes = if o.prize_usd > 0.0 { o.prizes_per_event.min((w.factions[f].budget / o.prize_usd).floor()) } else { 0.0 };
    let prize_term = o.prize_pull * (o.prize_usd / 20.0).min(5.0) * if prizes > 0.0 { 1.0 } else { 0.0 };
    let mut attendees: Vec<u32> = Vec::new();
    {
        let p = &w.society.people;
        for &i in &invited {
            if attendees.len() as f64 >= o.capacity {
                break;
            }
            let i = i as usize;
            let eligible = p.status[i].present() && p.origin[i] == Origin::Local && !(p.status[i].member() && p.faction[i] as usize != f);
            if !eligible {
                let _: f64 = rng.random();
                continue;
            }
            let need = super::environment::need(w, i) as f64;
            let prob = s.soft_power.response[p.age[i] as usize] * (o.attend_base + prize_term * need) * (1.0 - f64::from(p.grievance[f].get(i)));
            if rng.random::<f64>() < prob {
                attendees.push(i as u32);
            }
        }
    }
    // Attendees: exposure, sign-up, prizes; they tell family and friends.
    invited.clear();
    let p = &mut w.society.people;
    for &i in &attendees {
        let i = i as usize;
        p.exposure[f].raise(i, o.exposure_gain as f32);
        if p.registered[i] == NONE_U8 && rng.random::<f64>() < o.signup_share {
            p.register(i, f as u8);
            w.today.registered[f] += 1;
        }
        for &j in w.society.network.family.row(i).iter().chain(w.society.network.peers.row(i)) {
            if rng.random::<f64>() < o.word_of_mouth {
                invited.push(j);
            }
        }
        w.today.attendance_by_age[f][p.age[i] as usize] += 1;
    }
    let winners = prizes.min(attendees.len() as f64);
    for _ in 0..winners as usize {
        let i = attendees[rng.random_range(0..attendees.len())] as usize;
        p.exposure[f].raise(i, o.exposure_gain as f32);
    }
    let st = &mut w.factions[f];
    st.budget -= winners * o.prize_usd;
    st.last_attendance = attendees.len() as u32;
    st.word_of_mouth = invited;
    w.today.attendance[f] += attendees.len() as u64;
    w.today.prizes_usd[f] += winners * o.prize_usd;
    let attended = attendees.len() as f64;
    w.event("outreach_event", &s.factions[f].name, None, attended, format!("prizes {winners}"));
}

fn services(w: &mut World, s: &Scenario, f: usize, rng: &mut crate::rng::Rng) {
    let sv = &s.factions[f].services;
    let crisis = w.crises.active().iter().any(|&a| a);
    w.factions[f].services_on = crisis && sv.relief > 0.0;
    w.factions[f].relief_today = if w.factions[f].services_on { sv.relief } else { 0.0 };
    if !w.factions[f].services_on {
        return;
    }
    let st = &mut w.factions[f];
    st.standing += sv.standing_gain * (1.0 - st.standing);
    let candidates = (w.society.people.tally.present() as f64 * sv.registration_rate).round() as usize;
    for _ in 0..candidates {
        let Some(i) = random_local(w, rng) else {
            continue;
        };
        let p = &w.society.people;
        let willing = super::environment::need(w, i) as f64 * (1.0 - f64::from(p.grievance[f].get(i)));
        if p.registered[i] == NONE_U8 && rng.random::<f64>() < willing {
            w.society.people.register(i, f as u8);
            w.today.registered[f] += 1;
        }
    }
}

fn court(w: &mut World, s: &Scenario, f: usize, rng: &mut crate::rng::Rng) {
    let ct = &s.factions[f].court;
    if ct.speed <= 0.0 {
        return;
    }
    let mean_cases = w.society.people.tally.present() as f64 / 1000.0 * s.soft_power.cases_per_1000_per_day;
    let cases = if mean_cases > 0.0 { Poisson::new(mean_cases).map(|d| d.sample(rng) as u64).unwrap_or(0) } else { 0 };
    let pull = ct.speed * (1.0 + w.factions[f].standing);
    let share = pull / (pull + s.institutions.quality.max(1e-9));
    for _ in 0..cases {
        if rng.random::<f64>() >= share {
            let _: f64 = rng.random();
            continue;
        }
        w.today.court_cases[f] += 1;
        let st = &mut w.factions[f];
        st.standing += ct.standing_gain * (1.0 - st.standing);
        if let Some(filer) = random_local(w, rng) {
            w.society.people.exposure[f].raise(filer, 0.1);
        }
        if rng.random::<f64>() < ct.coerced_confession_share
            && let Some(accused) = random_local(w, rng)
        {
            let (p, net) = (&mut w.society.people, &w.society.network);
            p.grievance[f].raise(accused, ct.confession_grievance as f32);
            for &j in net.family.row(accused) {
                p.grievance[f].raise(j as usize, ct.confession_grievance as f32);
            }
            let id = p.id[accused];
            w.event("coerced_confession", &s.factions[f].name, Some(id), 1.0, "");
        }
    }
}
