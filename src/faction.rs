//! Factions as strategy profiles, not hard-coded names (docs/model.md, "Factions").
//! A scenario declares any number under `[factions.<name>]`; they are ordered
//! by name, and each person holds a grievance toward each. This file holds a
//! faction's identity and presence (arrival, members, foreign share, budget,
//! pay, strength elsewhere); the parameters of what it does each day sit with
//! the process that does it (`[factions.<name>.outreach]` with soft power,
//! `[factions.<name>.coercion]` with coercion, and so on).

use crate::process::{confrontation, rival_faction, soft_power, surveillance_and_coercion};
use rand::RngExt;

use crate::rng::Stream;
use crate::scenario::{Check, Int, Real, Scenario, ScenarioError};
use crate::society::people::{Origin, Status};
use crate::world::World;

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub label: Option<String>,
    pub dormant: Option<bool>,
    pub arrival_day: Option<i64>,
    pub initial_members: Option<i64>,
    pub foreign_share: Option<f64>,
    pub strength_elsewhere: Option<i64>,
    pub foreign_inflow_per_month: Option<f64>,
    pub budget_per_day: Option<f64>,
    pub income_per_local_member: Option<f64>,
    pub income_per_institution: Option<f64>,
    pub pay_per_month: Option<f64>,
    pub member_commitment: Option<f64>,
    pub strictness: Option<f64>,
    pub escalation: Option<f64>,
    pub outreach: Option<soft_power::RawOutreach>,
    pub services: Option<soft_power::RawServices>,
    pub court: Option<soft_power::RawCourt>,
    pub informants: Option<surveillance_and_coercion::RawInformants>,
    pub campaign: Option<crate::process::campaign::RawCampaign>,
    pub tawba: Option<crate::process::tawba::RawTawba>,
    pub coercion: Option<surveillance_and_coercion::RawCoercion>,
    pub fighting: Option<confrontation::RawFighting>,
    pub weapons: Option<f64>,
    pub wakes_when_expelled: Option<String>,
    pub weapons_taken_share: Option<f64>,
    pub seen_as_ally: Option<f64>,
    pub strategy: Option<rival_faction::RawStrategy>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    /// The key under `[factions]`: short, used in column names.
    pub name: String,
    pub label: String,
    pub dormant: bool,
    pub arrival_day: u32,
    pub initial_members: u32,
    pub foreign_share: f64,
    pub strength_elsewhere: u32,
    pub foreign_inflow_per_month: f64,
    pub budget_per_day: f64,
    /// Daily income per local member in town (local support: dues, donations, families).
    pub income_per_local_member: f64,
    /// Daily income per institution it holds (fees, taxes, the spoils of a base).
    pub income_per_institution: f64,
    pub pay_per_month: f64,
    pub member_commitment: f64,
    pub strictness: f64,
    pub escalation: f64,
    pub outreach: soft_power::Outreach,
    pub services: soft_power::Services,
    pub court: soft_power::Court,
    pub informants: surveillance_and_coercion::Informants,
    pub coercion: surveillance_and_coercion::Coercion,
    pub fighting: confrontation::Fighting,
    pub weapons: f64,
    /// The faction whose expulsion wakes this one (a rival), if any.
    pub wakes_when_expelled: Option<String>,
    pub weapons_taken_share: f64,
    pub seen_as_ally: f64,
    pub strategy: rival_faction::Strategy,
    /// Its campaign: phases, decisive minorities, whole communities (7.20).
    pub campaign: crate::process::campaign::Campaign,
    /// Its tawba windows and own rehabilitation (7.21).
    pub tawba: crate::process::tawba::Tawba,
}

const SHARE: Real = Real::SHARE;

impl Params {
    pub fn resolve(name: &str, raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let label = c.text("label", raw.label.as_deref(), name, "A readable name for charts and reports.");
        let dormant = c.flag(
            "dormant",
            raw.dormant,
            false,
            "A dormant faction keeps its pool elsewhere but does nothing in town (the al-Nusra-like faction before the aftermath).",
            "Haid 2017, ch. 3: al-Nusra kept only a small dawa centre in Atarib",
        );
        let arrival_day = c.int(
            "arrival_day",
            raw.arrival_day,
            Int {
                default: 0,
                min: 0,
                max: 100_000,
                unit: "day",
                doc: "Day the faction sets up in town (0: from the start).",
                source: "Haid 2017, ch. 3: ISIS set up after the April 2013 split",
            },
        )? as u32;
        let initial_members = c.int(
            "initial_members",
            raw.initial_members,
            Int {
                default: 40,
                min: 0,
                max: 10_000_000,
                unit: "members",
                doc: "Members who set up in town on arrival; a share `foreign_share` come from the pool elsewhere, the rest are local recruits.",
                source: "assumption; the majority of al-Nusra's foreign members in Atarib defected to set up ISIS (Haid 2017, ch. 3)",
            },
        )? as u32;
        let foreign_share = c.real(
            "foreign_share",
            raw.foreign_share,
            Real {
                default: 0.8,
                doc: "Share of the first members who are foreign (outsiders to the town).",
                source: "Haid 2017, ch. 3: ISIS was 'dominated in Atarib by foreign fighters'; value: assumption",
                ..SHARE
            },
        )?;
        let strength_elsewhere = c.int(
            "strength_elsewhere",
            raw.strength_elsewhere,
            Int {
                default: 1000,
                min: 0,
                max: 10_000_000,
                unit: "fighters",
                doc: "Fighters of the faction in the region outside town (the pool reinforcements and foreign entrants come from).",
                source: "assumption; docs/model.md, Scales ('elsewhere')",
            },
        )? as u32;
        let foreign_share_needed = (f64::from(initial_members) * foreign_share).round();
        if foreign_share_needed > f64::from(strength_elsewhere) {
            return Err(c.fail("strength_elsewhere", format!(
                "{strength_elsewhere} fighters elsewhere cannot supply the {foreign_share_needed} foreign first members (initial_members x foreign_share): allowed at least {foreign_share_needed}"
            )));
        }
        let foreign_inflow_per_month = c.real(
            "foreign_inflow_per_month",
            raw.foreign_inflow_per_month,
            Real {
                default: 5.0,
                min: 0.0,
                max: 100_000.0,
                unit: "fighters per month",
                doc: "Foreign fighters arriving from the pool elsewhere each month while the faction is in town.",
                source: "assumption",
            },
        )?;
        let budget_per_day = c.real(
            "budget_per_day",
            raw.budget_per_day,
            Real {
                default: 1500.0,
                min: 0.0,
                max: 1e9,
                unit: "USD per day",
                doc: "Money the faction can spend in town each day on pay, prizes and informants; unspent money carries over.",
                source: "assumption",
            },
        )?;
        let income_per_local_member = c.real(
            "income_per_local_member",
            raw.income_per_local_member,
            Real {
                default: 0.0,
                min: 0.0,
                max: 1e6,
                unit: "USD per local member per day",
                doc: "Income the faction draws each day from each local member in town (dues, donations, the support of members' families): a faction rooted in the town pays its way as it grows.",
                source: "Haid 2017, ch. 3 and 7 (al-Nusra was 'able to retain enough local members' and had local support); value: assumption",
            },
        )?;
        let income_per_institution = c.real(
            "income_per_institution",
            raw.income_per_institution,
            Real {
                default: 0.0,
                min: 0.0,
                max: 1e9,
                unit: "USD per institution per day",
                doc: "Income the faction draws each day from each institution it holds (court fees, checkpoint tolls, the stores of a base).",
                source: "Haid 2017, ch. 7 (al-Nusra took ISIS's bases and weapons); value: assumption",
            },
        )?;
        let pay_per_month = c.real(
            "pay_per_month",
            raw.pay_per_month,
            Real {
                default: 115.0,
                min: 0.0,
                max: 100_000.0,
                unit: "USD per fighter-month",
                doc: "A fighter's pay; supporters are unpaid. When the budget runs dry, pay stops and members find life harsher than promised.",
                source: "about $115 a month, a figure cited by an ex-member (unverified; the original publication is not traced)",
            },
        )?;
        let member_commitment = c.real(
            "member_commitment",
            raw.member_commitment,
            Real { default: 0.8, doc: "Ideological commitment of the fighters in the pool elsewhere (foreign fighters).", source: "assumption", ..SHARE },
        )?;
        let strictness = c.real(
            "strictness",
            raw.strictness,
            Real {
                default: 0.7,
                doc: "How strictly the faction imposes personal-life rules (smoking, music, dress); drives rule enforcement and a harsh life for members.",
                source: "Haid 2017, ch. 4 (bans on smoking, music, women walking unaccompanied)",
                ..SHARE
            },
        )?;
        let escalation = c.real(
            "escalation",
            raw.escalation,
            Real {
                default: 0.5,
                min: 0.0,
                max: 100.0,
                unit: "factor",
                doc: "How fast coercion grows with the faction's strength in town: acts scale with (members / initial members)^escalation.",
                source: "Haid 2017, ch. 4: ISIS stepped up arrests, abductions and assassinations through the second half of 2013",
            },
        )?;
        let outreach = c.section("outreach", |c| soft_power::Outreach::resolve(&raw.outreach.clone().unwrap_or_default(), c))?;
        let services = c.section("services", |c| soft_power::Services::resolve(&raw.services.clone().unwrap_or_default(), c))?;
        let court = c.section("court", |c| soft_power::Court::resolve(&raw.court.clone().unwrap_or_default(), c))?;
        let informants = c.section("informants", |c| surveillance_and_coercion::Informants::resolve(&raw.informants.clone().unwrap_or_default(), c))?;
        let coercion = c.section("coercion", |c| surveillance_and_coercion::Coercion::resolve(&raw.coercion.clone().unwrap_or_default(), c))?;
        let fighting = c.section("fighting", |c| confrontation::Fighting::resolve(&raw.fighting.clone().unwrap_or_default(), c))?;
        let weapons = c.real(
            "weapons",
            raw.weapons,
            Real {
                default: 2.0,
                min: 0.0,
                max: 1e6,
                unit: "heavy weapons",
                doc: "Heavy weapons the faction holds in town (each adds confrontation.weapon_value fighters to its force).",
                source: "Haid 2017, ch. 3 (ISIS took al-Nusra's centre and weapons); value: assumption",
            },
        )?;
        let wakes_when_expelled = raw.wakes_when_expelled.clone().filter(|n| !n.is_empty());
        c.text(
            "wakes_when_expelled",
            raw.wakes_when_expelled.as_deref(),
            "",
            "Name of the faction whose expulsion wakes this dormant one (a rival); empty for none.",
        );
        let weapons_taken_share = c.real(
            "weapons_taken_share",
            raw.weapons_taken_share,
            Real {
                default: 0.5,
                doc: "Share of its expelled rival's weapons it takes.",
                source: "Haid 2017, ch. 6 (al-Nusra 'took control of most ISIS military bases and weapons'); value: assumption",
                ..SHARE
            },
        )?;
        let seen_as_ally = c.real(
            "seen_as_ally",
            raw.seen_as_ally,
            Real {
                default: 0.0,
                doc: "How far local armed groups see it as an ally against the regime: adds to their reluctance to fight it.",
                source: "Haid 2017, ch. 7 ('a group that was regarded as being of significant military value against the Assad regime')",
                ..SHARE
            },
        )?;
        let strategy = c.section("strategy", |c| rival_faction::Strategy::resolve(&raw.strategy.clone().unwrap_or_default(), c))?;
        let campaign = c.section("campaign", |c| crate::process::campaign::Campaign::resolve(&raw.campaign.clone().unwrap_or_default(), c))?;
        let tawba = c.section("tawba", |c| crate::process::tawba::Tawba::resolve(&raw.tawba.clone().unwrap_or_default(), c))?;
        Ok(Params {
            name: name.to_string(),
            label,
            dormant,
            arrival_day,
            initial_members,
            foreign_share,
            strength_elsewhere,
            foreign_inflow_per_month,
            budget_per_day,
            income_per_local_member,
            income_per_institution,
            pay_per_month,
            member_commitment,
            strictness,
            escalation,
            outreach,
            services,
            court,
            informants,
            coercion,
            fighting,
            weapons,
            wakes_when_expelled,
            weapons_taken_share,
            seen_as_ally,
            strategy,
            campaign,
            tawba,
        })
    }

    /// Whether the faction acts in town on `day`.
    pub fn in_town(&self, day: u32) -> bool {
        !self.dormant && day >= self.arrival_day
    }
}

/// Faction names become column names: keep them to letters, digits and `_`.
pub fn valid_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 32
        && name.chars().all(|ch| ch.is_ascii_lowercase() || ch.is_ascii_digit() || ch == '_')
        && name.starts_with(|ch: char| ch.is_ascii_lowercase())
}

/// What a faction keeps from day to day.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct State {
    /// Money in hand (USD).
    pub budget: f64,
    /// The town's view of the faction as a working authority (court verdicts,
    /// services), in [0, 1]; it fades with `soft_power.standing_half_life_days`.
    pub standing: f64,
    /// Whether it has set up in town.
    pub arrived: bool,
    /// The day it was driven out of town.
    pub expelled_day: Option<u32>,
    /// The day it came back after being driven out, if it did.
    pub returned_day: Option<u32>,
    /// The family that holds its pool elsewhere.
    pub pool_family: u32,
    /// Attendance of its last outreach event.
    pub last_attendance: u32,
    /// People who heard of the last event from an attendee (word of mouth).
    pub word_of_mouth: Vec<u32>,
    /// Recent coercion against local armed groups, fading (members' first
    /// reason to leave: fighting other rebels rather than the regime).
    pub infighting: f64,
    /// Recent violent acts (all but rule enforcement), fading with
    /// `coercion.menace_half_life_days`: how far people see it as a threat to
    /// protect themselves from (7.3, 7.4).
    pub menace: f64,
    /// Fractional foreign entrants carried to the next day.
    pub inflow_carry: f64,
    /// Heavy weapons it holds.
    pub weapons: f64,
    /// Woken by its rival's expulsion (a rival faction), and when.
    pub woken: bool,
    pub woke_day: Option<u32>,
    /// A takeover it decided on: Some(true) to storm the town, Some(false) to seize the base.
    pub attack_pending: Option<bool>,
    /// The day its decided attack comes.
    pub attack_on: Option<u32>,
    /// Whether it has attacked (it attacks once).
    pub attacked: bool,
    /// Kidnapped or arrested people held by the faction.
    pub held: Vec<Held>,
    /// Share of today's payroll the faction could not pay (0: paid in full).
    pub unpaid: f64,
    /// Whether it serves the registered today (a crisis is under way).
    pub services_on: bool,
    /// Its campaign and tawba (7.20-7.21).
    pub campaign: crate::process::campaign::CampaignState,
    /// The share of crisis pressure its services lift from the registered today.
    pub relief_today: f64,
}

/// Someone a faction holds, and what they return to on release.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Held {
    /// Index in the people columns (renumbered when the dead are compacted).
    pub person: u32,
    /// The day of release (or of being found killed).
    pub until: u32,
    pub status: crate::society::people::Status,
    pub faction: u8,
    pub killed: bool,
}

/// The faction's arrival, the fighters who keep coming, and the return of a
/// faction driven out.
pub fn arrivals(w: &mut World, s: &Scenario) {
    for (f, fp) in s.factions.iter().enumerate() {
        // A faction driven out comes back only by its own decision, when its
        // people elsewhere and the town's weakness allow (Ingram and Mohammed
        // 2022: 'strategic anchor points to which the group often returns').
        if w.factions[f].expelled_day.is_some() && !w.factions[f].arrived {
            if let Some(force) = rival_faction::weigh_return(w, s, f) {
                let (locals, pool) = w.bring_back(f, force);
                let st = &mut w.factions[f];
                st.arrived = true;
                st.returned_day = Some(w.day);
                w.event("faction_returns", &fp.name, None, f64::from(locals + pool), format!("{locals} local, {pool} from the pool"));
            }
            continue;
        }
        if !(fp.in_town(w.day) || w.factions[f].woken) || w.factions[f].expelled_day.is_some() && w.factions[f].returned_day.is_none() {
            continue;
        }
        if !w.factions[f].arrived {
            w.factions[f].arrived = true;
            let foreign = (f64::from(fp.initial_members) * fp.foreign_share).round() as u32;
            let moved = w.bring_from_pool(f, foreign);
            let mut rng = w.key.stream(Stream::Affiliation, w.day, u32::MAX - f as u32);
            let locals = fp.initial_members - foreign;
            let mut recruited = 0;
            for _ in 0..locals * 200 {
                if recruited == locals {
                    break;
                }
                let i = rng.random_range(0..w.society.people.len());
                let p = &w.society.people;
                if p.status[i] == Status::Civilian && p.origin[i] == Origin::Local && p.fighting_age_man(i) {
                    w.society.people.assign(i, Status::Fighter, f as u8);
                    w.society.people.register(i, f as u8);
                    recruited += 1;
                }
            }
            w.event("arrival", &fp.name, None, f64::from(moved + recruited), format!("{moved} foreign, {recruited} local"));
            continue;
        }
        // The inflow: its people elsewhere who come to join it, the town's
        // own (rejoiners, the released and escaped) first.
        let st = &mut w.factions[f];
        st.inflow_carry += fp.foreign_inflow_per_month / 30.0;
        let whole = st.inflow_carry.floor();
        st.inflow_carry -= whole;
        if whole >= 1.0 {
            w.bring_back(f, whole as u32);
        }
    }
}
