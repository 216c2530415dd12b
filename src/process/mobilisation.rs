//! Deliberation and mobilisation (step 5 of the day): triggers, the council of
//! notables and its public call, and the threshold cascade by which the town
//! mobilises (Haid 2017, ch. 4-5).
//!
//! - Triggers: a kidnapped local found killed (coercion's `found_killed`), an
//!   arrest the town resists ("local residents intervened to prevent his
//!   arrest", ch. 4), and the faction's threat to storm the town that follows.
//!   Each raises grievance in the victim's network (coercion does that for the
//!   killed) and, a little, across the town (O(1), through the affine columns).
//! - Deliberation: after a trigger, the council convenes when the town's anger
//!   (mean grievance toward the faction) and efficacy pass thresholds, and
//!   calls the town out through mosques and broadcasts, reaching a share of
//!   people on the first day and more on the next.
//! - Cascade (Granovetter 1978): a person mobilises when the share of their
//!   contacts already mobilised, plus the call's push if it reached them,
//!   passes their threshold, raised by fear and lowered by efficacy and by
//!   grievance toward the faction. Rounds are synchronous, several a day; only
//!   people whose contacts just changed are re-examined (a frontier), so a
//!   round costs what it changes. The mobilised staff checkpoints, donate,
//!   cook or fight in shares set by the scenario.
//! - Local armed groups join when community pressure (the mobilised share of
//!   town) beats their commander's reluctance; their fighters with strong
//!   family ties join against orders (ch. 5).

use rand::RngExt;

use crate::rng::{Rng, Stream};
use crate::scenario::{Check, Real, Scenario, ScenarioError};
use crate::society::network::{push_counts, threshold_round};
use crate::society::people::{AgeClass, Flags, Origin, Status};
use crate::world::World;

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub anger_threshold: Option<f64>,
    pub efficacy_threshold: Option<f64>,
    pub trigger_memory_days: Option<f64>,
    pub trigger_town_grievance: Option<f64>,
    pub arrest_resistance: Option<f64>,
    pub threat_strength_half: Option<f64>,
    pub mistrust_weight: Option<f64>,
    pub call_reach: Option<f64>,
    pub call_reach_daily: Option<f64>,
    pub call_push: Option<f64>,
    pub word_of_mouth: Option<f64>,
    pub fear_weight: Option<f64>,
    pub efficacy_weight: Option<f64>,
    pub grievance_weight: Option<f64>,
    pub localness_weight: Option<f64>,
    pub rounds_per_day: Option<i64>,
    pub checkpoints_share: Option<f64>,
    pub donate_share: Option<f64>,
    pub cook_share: Option<f64>,
    pub fight_share: Option<f64>,
    pub group_pressure: Option<f64>,
    pub family_tie_threshold: Option<f64>,
}

/// Parameters of deliberation and mobilisation (`[mobilisation]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub anger_threshold: f64,
    pub efficacy_threshold: f64,
    pub trigger_memory_days: f64,
    pub trigger_town_grievance: f64,
    pub arrest_resistance: f64,
    /// The faction's strength against the town's at which it threatens to storm with probability 1/2.
    pub threat_strength_half: f64,
    /// Rise of everyone's threshold per percentage point of the town who are the faction's informants.
    pub mistrust_weight: f64,
    pub call_reach: f64,
    pub call_reach_daily: f64,
    pub call_push: f64,
    /// Share of the call's push felt by someone the broadcasts missed who has a contact in the street.
    pub word_of_mouth: f64,
    pub fear_weight: f64,
    pub efficacy_weight: f64,
    pub grievance_weight: f64,
    pub localness_weight: f64,
    pub rounds_per_day: u32,
    /// Shares of the mobilised at checkpoints, donating, cooking, fighting.
    pub roles: [f64; 4],
    pub group_pressure: f64,
    pub family_tie_threshold: f64,
}

const SHARE: Real = Real::SHARE;
const CH5: &str = "Haid 2017, ch. 5 (civilians at checkpoints, cooking, donating, fighting); shares: assumption";

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let mut r = |k: &str, v: Option<f64>, spec: Real| c.real(k, v, spec);
        let anger_threshold = r(
            "anger_threshold",
            raw.anger_threshold,
            Real {
                default: 0.25,
                doc: "Mean grievance toward a faction in town at which the council, after a trigger, calls the town out.",
                source: "Haid 2017, ch. 4-5 (anger built over the second half of 2013); value: assumption",
                ..SHARE
            },
        )?;
        let efficacy_threshold = r(
            "efficacy_threshold",
            raw.efficacy_threshold,
            Real { default: 0.4, doc: "Mean efficacy the council needs to believe the town can win.", ..SHARE },
        )?;
        let trigger_memory_days = r(
            "trigger_memory_days",
            raw.trigger_memory_days,
            Real {
                default: 7.0,
                min: 1.0,
                max: 10_000.0,
                unit: "days",
                doc: "How long after a trigger the council may still convene.",
                source: "Haid 2017, ch. 4-5 (the threat and the body found 'at about the same time'); value: assumption",
            },
        )?;
        let trigger_town_grievance = r(
            "trigger_town_grievance",
            raw.trigger_town_grievance,
            Real {
                default: 0.02,
                doc: "Share of the way to full grievance the whole town moves at a trigger.",
                source: "Haid 2017, ch. 4 ('this chain of events provoked demonstrations'); value: assumption",
                ..SHARE
            },
        )?;
        let arrest_resistance = r(
            "arrest_resistance",
            raw.arrest_resistance,
            Real {
                default: 0.5,
                doc: "Probability scale that the town resists an arrest of a local: times mean efficacy and the victim's family's grievance.",
                source: "Haid 2017, ch. 4 (Mahmoud Haid's arrest prevented by residents, police and court); value: assumption",
                ..SHARE
            },
        )?;
        let threat_strength_half = r(
            "threat_strength_half",
            raw.threat_strength_half,
            Real {
                default: 1.0,
                min: 0.0,
                max: 1000.0,
                unit: "ratio",
                doc: "The faction's decision to threaten to storm the town after an arrest is resisted: it threatens with probability r / (r + threat_strength_half), r its members in town over the town's local fighters (plus one). A strong faction escalates; a weak one backs down.",
                source: "Haid 2017, ch. 4 ('threatened to storm the city if the group's demands were not met'); value: assumption",
            },
        )?;
        let mistrust_weight = r(
            "mistrust_weight",
            raw.mistrust_weight,
            Real {
                default: 0.05,
                min: 0.0,
                max: 100.0,
                unit: "threshold per percentage point of informants",
                doc: "Mistrust sown by the faction's informants: everyone's mobilisation threshold against it rises by this much per percentage point of the people present who inform for it.",
                source: "Haid 2017, ch. 3 (informants 'created mistrust between people'); value: assumption",
            },
        )?;
        let call_reach = r(
            "call_reach",
            raw.call_reach,
            Real {
                default: 0.3,
                doc: "Share of the town the call reaches on its first day (mosques, walkie-talkies, radios).",
                source: "Haid 2017, ch. 5 ('convened via walkie-talkies and broadcasts from the city's mosques'); value: assumption",
                ..SHARE
            },
        )?;
        let call_reach_daily = r(
            "call_reach_daily",
            raw.call_reach_daily,
            Real { default: 0.2, doc: "Share of those not yet reached whom the call reaches on each later day.", ..SHARE },
        )?;
        let call_push = r(
            "call_push",
            raw.call_push,
            Real { default: 0.15, doc: "What hearing the call adds to the share of one's contacts mobilised, in a person's own count.", ..SHARE },
        )?;
        let word_of_mouth = r(
            "word_of_mouth",
            raw.word_of_mouth,
            Real {
                default: 1.0,
                doc: "Share of the call's push felt by a local the broadcasts have not reached but who has at least one contact in the street: those out tell their kin and friends of the call. 0: only the broadcasts carry it.",
                source: "Haid 2017, ch. 5 (hostilities began 'within hours of ISIS's threat to storm the city'; the meeting 'convened via walkie-talkies and broadcasts from the city's mosques'); value: assumption",
                ..SHARE
            },
        )?;
        let fear_weight = r(
            "fear_weight",
            raw.fear_weight,
            Real {
                default: 0.3,
                unit: "threshold per unit",
                doc: "How much fear raises a person's mobilisation threshold.",
                source: "Haid 2017, ch. 5 ('fear of ISIS was widespread'); value: assumption",
                ..SHARE
            },
        )?;
        let efficacy_weight = r(
            "efficacy_weight",
            raw.efficacy_weight,
            Real {
                default: 1.0,
                max: 2.0,
                unit: "threshold per unit",
                doc: "How much efficacy above 0.5 lowers the threshold (below 0.5 raises it): the town's belief that it can win.",
                source: "Haid 2017, ch. 7 ('It showed us our power ... which encouraged us to take the lead in resisting al-Nusra'); value: assumption",
                ..SHARE
            },
        )?;
        let grievance_weight = r(
            "grievance_weight",
            raw.grievance_weight,
            Real { default: 0.3, unit: "threshold per unit", doc: "How much grievance toward the faction lowers the threshold.", ..SHARE },
        )?;
        let localness_weight = r(
            "localness_weight",
            raw.localness_weight,
            Real {
                default: 0.3,
                unit: "threshold per unit",
                doc: "How much a faction's localness (1 - its foreign_share) raises thresholds against it: people hesitate to fight their own.",
                source: "Haid 2017, ch. 7 ('there was significant division ... many residents regarded the group as local'); value: assumption",
                ..SHARE
            },
        )?;
        let rounds_per_day = c.int(
            "rounds_per_day",
            raw.rounds_per_day,
            crate::scenario::Int {
                default: 3,
                min: 1,
                max: 96,
                unit: "rounds",
                doc: "Synchronous rounds of the cascade each day (word travels in hours).",
                source: "assumption",
            },
        )? as u32;
        let mut r = |k: &str, v: Option<f64>, spec: Real| c.real(k, v, spec);
        let roles = [
            r(
                "checkpoints_share",
                raw.checkpoints_share,
                Real { default: 0.25, doc: "Share of the mobilised who staff checkpoints and patrol.", source: CH5, ..SHARE },
            )?,
            r(
                "donate_share",
                raw.donate_share,
                Real { default: 0.2, doc: "Share of the mobilised who donate money, ammunition or arms.", source: CH5, ..SHARE },
            )?,
            r("cook_share", raw.cook_share, Real { default: 0.25, doc: "Share of the mobilised who cook and look after others.", source: CH5, ..SHARE })?,
            r(
                "fight_share",
                raw.fight_share,
                Real { default: 0.3, doc: "Share of the mobilised who fight (men of fighting age only; others take other roles).", source: CH5, ..SHARE },
            )?,
        ];
        if roles.iter().sum::<f64>() <= 0.0 {
            return Err(c.fail("fight_share", "the role shares are all zero: allowed any shares with a positive total"));
        }
        let mut r = |k: &str, v: Option<f64>, spec: Real| c.real(k, v, spec);
        let group_pressure = r(
            "group_pressure",
            raw.group_pressure,
            Real {
                default: 3.0,
                min: 0.0,
                max: 100.0,
                unit: "pressure per mobilised share",
                doc: "Community pressure on a local group per share of the town mobilised; the group joins when it exceeds the commander's reluctance.",
                source: "Haid 2017, ch. 5 (demonstrations 'encouraged some local leaders' to join); value: assumption",
            },
        )?;
        let family_tie_threshold = r(
            "family_tie_threshold",
            raw.family_tie_threshold,
            Real {
                default: 0.3,
                doc: "Share of a fighter's family mobilised at which he joins against his commander's orders.",
                source: "Haid 2017, ch. 5 ('strong family and social ties ... pressured them to join'); value: assumption",
                ..SHARE
            },
        )?;
        Ok(Params {
            anger_threshold,
            efficacy_threshold,
            trigger_memory_days,
            trigger_town_grievance,
            arrest_resistance,
            threat_strength_half,
            mistrust_weight,
            call_reach,
            call_reach_daily,
            call_push,
            word_of_mouth,
            fear_weight,
            efficacy_weight,
            grievance_weight,
            localness_weight,
            rounds_per_day,
            roles,
            group_pressure,
            family_tie_threshold,
        })
    }
}

/// Roles of the mobilised (the `mobilised` column; 0 is not mobilised).
pub const ROLES: [&str; 4] = ["checkpoints", "donate", "cook", "fight"];
pub const FIGHT: u8 = 4;

/// The uprising's state from day to day.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Uprising {
    /// The faction the town rises against.
    pub against: Option<u8>,
    /// The town that rises (a place of the region; 0 in a single town).
    pub town: u16,
    pub last_trigger_day: Option<u32>,
    pub triggers: u32,
    /// The day the council called the town out.
    pub call_day: Option<u32>,
    /// Mobilised contacts of each person (allocated when the call goes out).
    pub contacts: Vec<u16>,
    /// People whose mobilised contacts changed since they were last examined.
    pub frontier: Vec<u32>,
    /// Whether each local group has joined.
    pub groups_joined: Vec<bool>,
    pub peak_share: f64,
    pub peak_day: u32,
    /// Set once the fight is decided: mobilisation stands down.
    pub over: bool,
    /// Local members of the faction in town when the call went out.
    pub local_members_at_call: u64,
    /// Whether the call has had its first day's reach.
    pub reached_first: bool,
    /// Local members at the call who abstained, and who turned, under the offer.
    pub local_abstainers: u64,
    pub local_turned: u64,
    /// Local fighters of the faction in town at the call, and those of them who abstained.
    pub local_fighters_at_call: u64,
    pub local_fighter_abstainers: u64,
    /// People already in the street (demonstrating) when the call went out.
    pub mobilised_at_call: u64,
}

pub fn step(w: &mut World, s: &Scenario) {
    let mut rng = w.key.stream(Stream::Mobilisation, w.day, 0);
    // The day after a fight is decided, the town stands down.
    if w.uprising.over && w.society.people.tally.mobilised > 0 {
        stand_down(w);
    }
    triggers(w, s, &mut rng);
    deliberate(w, s);
    if w.uprising.call_day.is_some() && !w.uprising.over {
        spread_call(w, s, &mut rng);
        cascade(w, s, &mut rng);
        groups(w, s);
    } else if demonstrating(w) {
        disperse_if_stale(w, s);
        if demonstrating(w) {
            cascade(w, s, &mut rng);
        }
    }
}

/// Today's triggers: the found killed, resisted arrests and threats to storm.
fn triggers(w: &mut World, s: &Scenario, rng: &mut Rng) {
    let m = &s.mobilisation;
    let today: Vec<(usize, &'static str, Option<u32>)> = w
        .events
        .iter()
        .rev()
        .take_while(|e| e.day == w.day)
        .filter(|e| matches!(e.kind, "found_killed" | "arrest"))
        .filter_map(|e| s.faction(&e.actor).map(|f| (f, e.kind, e.target)))
        .collect();
    for (f, kind, target) in today.into_iter().rev() {
        if !w.factions[f].arrived {
            continue;
        }
        if kind == "found_killed" {
            // The victim's town rises (their kin and neighbours found them).
            let t = target.and_then(|id| w.society.people.index_of(id)).map_or(0, |v| super::town::of(w, s, v));
            trigger(w, s, f, "found_killed", t);
            continue;
        }
        // An arrest of a local may be resisted by the town.
        let Some(v) = target.and_then(|id| w.society.people.index_of(id)) else {
            continue;
        };
        let p = &w.society.people;
        if p.origin[v] != Origin::Local || p.status[v] != Status::Detained {
            let _: f64 = rng.random();
            continue;
        }
        let t = super::town::of(w, s, v);
        let fam = w.society.network.family.row(v);
        let anger = fam.iter().map(|&j| f64::from(p.grievance[f].get(j as usize))).sum::<f64>() / fam.len().max(1) as f64;
        let (_, efficacy) = super::town::means(w, s, f, t);
        if rng.random::<f64>() < m.arrest_resistance * efficacy * anger.min(1.0) * 2.0 {
            crate::process::surveillance_and_coercion::free(w, f, v);
            let id = w.society.people.id[v];
            w.event("arrest_resisted", "community", Some(id), 1.0, &s.factions[f].name);
            trigger(w, s, f, "arrest_resisted", t);
            // The faction's move: it threatens to storm when it judges itself
            // strong against the town's armed men.
            let ratio = super::town::members(w, s, f, t) / (super::town::count(w, s, t, Status::LocalFighter) + 1.0);
            if rng.random::<f64>() < ratio / (ratio + m.threat_strength_half).max(1e-12) {
                trigger(w, s, f, "threat_to_storm", t);
            }
        }
    }
}

/// A trigger in town `t`. One town rises at a time: a trigger in another town
/// while one is up (or demonstrating) angers its own town only; once that
/// uprising is over, another town may rise, each against a faction once
/// (again after the faction has taken it since).
fn trigger(w: &mut World, s: &Scenario, f: usize, kind: &'static str, t: u16) {
    super::town::raise_grievance(w, s, f, t, s.mobilisation.trigger_town_grievance);
    if kind == "threat_to_storm" {
        w.event("threat_to_storm", &s.factions[f].name, None, 1.0, "");
    }
    let u = &w.uprising;
    if u.against.is_some() && u.town != t {
        // A town rises against a faction once (as a single town does), and
        // again only after the faction has taken it since (its rule breeds
        // its own awakening).
        let taken = w
            .battles
            .iter()
            .filter(|b| b.faction as usize == f && b.town == t && b.outcome == Some(super::confrontation::Outcome::FactionHolds))
            .filter_map(|b| b.decided_day)
            .max();
        let risen = w
            .past_uprisings
            .iter()
            .chain(std::iter::once(u))
            .any(|x| x.town == t && x.against == Some(f as u8) && x.call_day.is_some_and(|d| taken.is_none_or(|k| d > k)));
        if !u.over || risen {
            return;
        }
        archive(w);
    }
    let u = &mut w.uprising;
    u.town = t;
    u.last_trigger_day = Some(w.day);
    u.triggers += 1;
    if w.uprising.against.is_none() {
        w.uprising.against = Some(f as u8);
    }
    demonstrate(w, s);
}

/// Keep the last uprising's record and start afresh (a new uprising, in
/// another town or against a rival later).
fn archive(w: &mut World) {
    let old = std::mem::take(&mut w.uprising);
    w.past_uprisings.push(Uprising { contacts: Vec::new(), frontier: Vec::new(), ..old });
    for flags in &mut w.society.people.flags {
        flags.clear(Flags::CALLED | Flags::OFFERED | Flags::ABSTAINING | Flags::TURNED | Flags::MEMBER_AT_CALL);
    }
}

/// Before any call, a trigger brings people into the street: the cascade
/// runs without the call's push, from the instigators outward (Haid 2017,
/// ch. 4: 'This chain of events provoked demonstrations against ISIS').
fn demonstrate(w: &mut World, s: &Scenario) {
    let u = &w.uprising;
    if u.call_day.is_some() || !u.contacts.is_empty() {
        return;
    }
    let n = w.society.people.len();
    let frontier = super::town::people(w, s, u.town);
    let u = &mut w.uprising;
    u.contacts = vec![0; n];
    u.frontier = frontier;
}

/// Whether people demonstrate before any call.
fn demonstrating(w: &World) -> bool {
    w.uprising.call_day.is_none() && !w.uprising.contacts.is_empty()
}

/// Demonstrations with no call within the trigger's memory disperse.
fn disperse_if_stale(w: &mut World, s: &Scenario) {
    let stale = w.uprising.last_trigger_day.is_none_or(|d| f64::from(w.day - d) > s.mobilisation.trigger_memory_days);
    if stale {
        w.uprising.contacts = Vec::new();
        w.uprising.frontier = Vec::new();
        w.society.people.stand_down_all();
    }
}

/// The council convenes after a recent trigger when anger and efficacy suffice.
fn deliberate(w: &mut World, s: &Scenario) {
    let m = &s.mobilisation;
    let u = &w.uprising;
    let (Some(f), Some(last), None) = (u.against, u.last_trigger_day, u.call_day) else {
        return;
    };
    let f = f as usize;
    if !w.factions[f].arrived || f64::from(w.day - last) > m.trigger_memory_days {
        return;
    }
    let t = u.town;
    let (anger, efficacy) = super::town::means(w, s, f, t);
    if anger >= m.anger_threshold && efficacy >= m.efficacy_threshold {
        call_out(w, s, f, t);
    }
}

/// The council of town `t` calls it out against faction `f` (also answered
/// to an attack).
pub fn call_out(w: &mut World, s: &Scenario, f: usize, t: u16) {
    if w.uprising.call_day.is_some() {
        if !w.uprising.over {
            return;
        }
        // A new uprising (against a rival, later, or in another town).
        archive(w);
    }
    let n = w.society.people.len();
    // Demonstrations against this faction in this town carry into the call:
    // those in the street stay there, and their contacts' counts stand.
    let carried = demonstrating(w) && w.uprising.against == Some(f as u8) && w.uprising.town == t && w.uprising.contacts.len() == n;
    if demonstrating(w) && !carried {
        w.society.people.stand_down_all();
    }
    let frontier = super::town::people(w, s, t);
    let u = &mut w.uprising;
    u.against = Some(f as u8);
    u.town = t;
    u.call_day = Some(w.day);
    if !carried {
        u.contacts = vec![0; n];
    }
    u.mobilised_at_call = w.society.people.tally.mobilised;
    // Mark them: the abstention rate counts these people only, not those who
    // join the faction after the call (its numerator and denominator must
    // count the same people).
    let p = &mut w.society.people;
    let (mut members, mut fighters) = (0, 0);
    for i in 0..n {
        if p.status[i].member() && p.faction[i] as usize == f && p.origin[i] == Origin::Local && p.place[i] == t {
            p.flags[i].set(Flags::MEMBER_AT_CALL);
            members += 1;
            fighters += u64::from(p.status[i] == Status::Fighter);
        }
    }
    let u = &mut w.uprising;
    u.local_members_at_call = members;
    u.local_fighters_at_call = fighters;
    u.groups_joined = vec![false; w.society.groups.len()];
    // Everyone in town is examined in the first round.
    u.frontier = frontier;
    w.event("council_call", "community", None, 1.0, super::town::label(s, &s.factions[f].name, t));
    if s.factions[f].seen_as_ally >= 0.5 {
        let mediating = w.society.groups.iter().filter(|g| g.town == t).count();
        w.event("groups_mediate", "community", None, mediating as f64, &s.factions[f].name);
    }
}

/// The call reaches more people each day; those reached are re-examined.
fn spread_call(w: &mut World, s: &Scenario, rng: &mut Rng) {
    // A call made after today's step (answering an attack) reaches its first
    // day's share tomorrow.
    let first = !w.uprising.reached_first;
    w.uprising.reached_first = true;
    let reach = if first { s.mobilisation.call_reach } else { s.mobilisation.call_reach_daily };
    let t = w.uprising.town;
    let p = &mut w.society.people;
    for i in 0..p.len() {
        let here = p.place[i] == t;
        if here && p.status[i].present() && p.origin[i] == Origin::Local && !p.flags[i].has(Flags::CALLED) && rng.random::<f64>() < reach {
            p.flags[i].set(Flags::CALLED);
            if !first {
                w.uprising.frontier.push(i as u32);
            }
        }
    }
}

/// Whether person `i` can mobilise against faction `f` at all (in the
/// rising town).
fn eligible(w: &World, s: &Scenario, f: usize, i: usize) -> bool {
    let p = &w.society.people;
    let member_of_f = p.status[i].member() && p.faction[i] as usize == f;
    super::town::within(w, s, w.uprising.town, i)
        && p.status[i].present()
        && p.origin[i] == Origin::Local
        && p.age[i] != AgeClass::Child
        && p.mobilised[i] == 0
        && p.status[i] != Status::Detained
        && (!member_of_f || p.flags[i].has(Flags::TURNED))
}

/// A person's effective threshold against faction `f` (also what a faction
/// sounds out before it moves, rival_faction).
pub fn threshold(w: &World, s: &Scenario, f: usize, i: usize) -> f64 {
    let m = &s.mobilisation;
    let p = &w.society.people;
    f64::from(p.threshold[i]) + m.fear_weight * f64::from(p.fear.get(i))
        - m.efficacy_weight * (f64::from(p.efficacy(i)) - 0.5)
        - m.grievance_weight * f64::from(p.grievance[f].get(i))
        + m.localness_weight * (1.0 - s.factions[f].foreign_share)
        + mistrust(w, s, f, super::town::of(w, s, i))
}

/// The rise of everyone's threshold in town `t` from the mistrust the
/// faction's informants there sow (Haid 2017, ch. 3).
fn mistrust(w: &World, s: &Scenario, f: usize, t: u16) -> f64 {
    s.mobilisation.mistrust_weight * 100.0 * super::town::informants(w, s, f, t) / super::town::present(w, s, t).max(1.0)
}

fn cascade(w: &mut World, s: &Scenario, rng: &mut Rng) {
    let f = w.uprising.against.expect("a call names its faction") as usize;
    for _ in 0..s.mobilisation.rounds_per_day {
        let mut frontier = std::mem::take(&mut w.uprising.frontier);
        let joiners = {
            let net = &w.society.network;
            let world: &World = w;
            threshold_round(&[&net.family, &net.peers], &world.uprising.contacts, &mut frontier, |i, k, degree| {
                if !eligible(world, s, f, i) {
                    return false;
                }
                // The call is heard from the broadcasts or, after it, from a contact in the street.
                let m = &s.mobilisation;
                let push = if world.society.people.flags[i].has(Flags::CALLED) {
                    m.call_push
                } else if k > 0 && world.uprising.call_day.is_some() {
                    m.word_of_mouth * m.call_push
                } else {
                    0.0
                };
                f64::from(k) / f64::from(degree.max(1)) + push >= threshold(world, s, f, i)
            })
        };
        if joiners.is_empty() {
            w.uprising.frontier = frontier;
            break;
        }
        for &i in &joiners {
            let role = draw_role(w, s, i as usize, rng);
            mobilise(w, i as usize, role);
        }
        let net = &w.society.network;
        push_counts(&[&net.family, &net.peers], &mut w.uprising.contacts, &joiners, &mut frontier);
        w.uprising.frontier = frontier;
    }
    let share = w.society.people.tally.mobilised as f64 / super::town::present(w, s, w.uprising.town).max(1.0);
    // The uprising's peak counts from the call.
    if w.uprising.call_day.is_some() && share > w.uprising.peak_share {
        w.uprising.peak_share = share;
        w.uprising.peak_day = w.day;
    }
}

fn draw_role(w: &World, s: &Scenario, i: usize, rng: &mut Rng) -> u8 {
    let p = &w.society.people;
    // Local fighters fight.
    if p.status[i] == Status::LocalFighter {
        return FIGHT;
    }
    // The disarmed may not bear arms until their ban lapses (7.8).
    let can_fight = p.fighting_age_man(i) && p.may_bear_arms(i);
    let mut roles = s.mobilisation.roles;
    if !can_fight {
        roles[3] = 0.0;
    }
    let total: f64 = roles.iter().sum();
    if total <= 0.0 {
        return 1;
    }
    crate::rng::weighted(&roles, rng.random()) as u8 + 1
}

/// Mark person `i` mobilised in `role` (and count them).
pub fn mobilise(w: &mut World, i: usize, role: u8) {
    if w.society.people.set_mobilised(i, role) {
        w.today.mobilised += 1;
    }
}

/// Local groups join under community pressure; fighters with strong family
/// ties join against orders.
fn groups(w: &mut World, s: &Scenario) {
    let m = &s.mobilisation;
    let t = w.uprising.town;
    let share = w.society.people.tally.mobilised as f64 / super::town::present(w, s, t).max(1.0);
    for g in 0..w.society.groups.len() {
        // The town's own groups answer its council.
        if w.society.groups[g].town != t {
            continue;
        }
        // A faction seen as an ally against the regime: groups mediate rather than fight.
        let ally = w.uprising.against.map_or(0.0, |f| s.factions[f as usize].seen_as_ally);
        if !w.uprising.groups_joined[g] && m.group_pressure * share > f64::from(w.society.groups[g].reluctance) + ally * m.group_pressure {
            w.uprising.groups_joined[g] = true;
            w.event("group_joins", "community", None, f64::from(w.society.groups[g].members), format!("group {g}"));
        }
    }
    let p = &w.society.people;
    let mut joining = Vec::new();
    for i in 0..p.len() {
        if p.status[i] != Status::LocalFighter || p.mobilised[i] != 0 || !super::town::within(w, s, t, i) {
            continue;
        }
        let g = p.group[i] as usize;
        let ordered = g < w.uprising.groups_joined.len() && w.uprising.groups_joined[g];
        let fam = w.society.network.family.row(i);
        let family_share = fam.iter().filter(|&&j| p.mobilised[j as usize] != 0).count() as f64 / fam.len().max(1) as f64;
        if ordered || family_share >= m.family_tie_threshold {
            joining.push((i, !ordered));
        }
    }
    for (i, against_orders) in joining {
        mobilise(w, i, FIGHT);
        if against_orders {
            w.today.against_orders += 1;
        }
    }
}

/// Stand the town down (the day after the fight is decided).
pub fn stand_down(w: &mut World) {
    w.uprising.over = true;
    w.uprising.frontier = Vec::new();
    w.uprising.contacts = Vec::new();
    w.society.people.stand_down_all();
}
