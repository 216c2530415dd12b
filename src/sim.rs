//! Running a scenario: a [`Simulation`] steps the day's schedule and keeps the
//! records; [`run`] goes to the end and summarises. Callers that need to stop
//! early (Ctrl-C) or stream records step it themselves.

use crate::process;
use crate::record::{DayRecord, Event};
use crate::rng::RunKey;
use crate::scenario::Scenario;
use crate::society::people::Status;
use crate::world::World;

pub struct Simulation<'s> {
    scenario: &'s Scenario,
    world: World,
    days: u32,
    records: Vec<DayRecord>,
}

impl<'s> Simulation<'s> {
    /// Build the society and record day 0.
    pub fn new(scenario: &'s Scenario, key: RunKey, days: u32) -> Self {
        let world = World::new(scenario, key);
        let first = process::observation::step(&world);
        let mut records = Vec::with_capacity(days as usize + 1);
        records.push(first);
        Simulation { scenario, world, days, records }
    }

    pub fn world(&self) -> &World {
        &self.world
    }

    pub fn world_mut(&mut self) -> &mut World {
        &mut self.world
    }

    /// The records so far, day 0 first.
    pub fn records(&self) -> &[DayRecord] {
        &self.records
    }

    pub fn done(&self) -> bool {
        self.world.day >= self.days
    }

    /// Simulate the next day; returns its record.
    pub fn step(&mut self) -> &DayRecord {
        let r = process::day(&mut self.world, self.scenario);
        self.records.push(r);
        self.records.last().expect("just pushed")
    }

    pub fn finish(self) -> RunOutput {
        let summary = Summary::of(self.scenario, &self.world, &self.records);
        RunOutput { records: self.records, events: self.world.events, summary }
    }
}

/// Everything a finished run reports.
#[derive(Clone, Debug)]
pub struct RunOutput {
    pub records: Vec<DayRecord>,
    pub events: Vec<Event>,
    pub summary: Summary,
}

/// Run a scenario to the end.
pub fn run(scenario: &Scenario, key: RunKey, days: u32) -> RunOutput {
    run_until(scenario, key, days, &|| false).expect("never stopped")
}

/// Run a scenario to the end unless `stop` says so: it is asked before each
/// day, and a stopped run gives `None`. The caller decides what stops a run
/// (the command line's Ctrl-C); the core never handles signals itself.
pub fn run_until(scenario: &Scenario, key: RunKey, days: u32, stop: &dyn Fn() -> bool) -> Option<RunOutput> {
    let mut sim = Simulation::new(scenario, key, days);
    while !sim.done() {
        if stop() {
            return None;
        }
        sim.step();
    }
    Some(sim.finish())
}

/// Per-run outcomes (summary.json). Later issues add the uprising and aftermath.
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct Summary {
    pub scenario: String,
    pub seed: u64,
    pub replicate: u64,
    pub days: u32,
    pub people_start: u64,
    pub people_end: u64,
    pub families: u64,
    pub households: u64,
    pub armed_groups: u64,
    pub local_fighters_start: u64,
    pub notables: u64,
    #[serde(serialize_with = "crate::outcomes::crises")]
    pub crises: Vec<CrisisSummary>,
    pub peak_need: f64,
    pub peak_need_day: u32,
    #[serde(serialize_with = "crate::outcomes::factions")]
    pub factions: Vec<FactionSummary>,
    /// Joins by motive: money, protection, ideology, social.
    #[serde(serialize_with = "crate::outcomes::motives")]
    pub joins_by_motive: [u64; 4],
    /// Departures by reason: infighting, brutality, corruption, harshness, unpaid.
    #[serde(serialize_with = "crate::outcomes::reasons")]
    pub leaves_by_reason: [u64; 5],
    pub uprising: UprisingSummary,
    pub aftermath: AftermathSummary,
    pub prisoners: crate::process::prisoners::PrisonerCounts,
    pub rival: Option<RivalSummary>,
    /// The region's outcomes (a scenario with `[region]`).
    pub region: Option<crate::region_summary::RegionSummary>,
    /// Who controls each institution at the end: `community`, `group <g>` or a faction's name.
    #[serde(serialize_with = "crate::outcomes::institutions")]
    pub institutions_end: Vec<(String, String)>,
    pub end: EndState,
}

/// Ex-members after the (first) reconciliation (issue #5).
#[derive(Clone, Debug, Default, PartialEq, serde::Serialize)]
pub struct AftermathSummary {
    pub reconciliation_day: Option<u32>,
    /// Local ex-members in the cohort at reconciliation.
    pub cohort: u64,
    pub prosecuted: u64,
    /// Within 365 days of reconciliation.
    pub reintegrated: u64,
    pub rejoined: u64,
    pub switched: u64,
    pub detained: u64,
    pub stigmatised: u64,
    /// Moves toward recruiters stopped by an intervention (monitoring), within 365 days.
    pub interventions: u64,
    /// The cohort's re-engagement within 365 days: rejoined plus switched, and its share of the cohort.
    pub reengaged: u64,
    pub reengaged_share: f64,
    /// Everyone the aftermath follows: the cohort plus those released or
    /// escaped from custody (per release: a prosecuted cohort member released
    /// counts in both).
    pub total_followed: u64,
    /// Their re-engagement: the cohort's within 365 days plus released
    /// prisoners who rejoined or switched at the gate or within a year of it.
    pub total_reengaged: u64,
    pub total_reengaged_share: f64,
    pub reprisal_raids: u64,
    pub reprisal_deaths: u64,
    pub misidentified_killed: u64,
    pub looters_detained: u64,
}

/// The rival faction's course (issue #5).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct RivalSummary {
    pub name: String,
    pub woke_day: Option<u32>,
    pub members_peak: u64,
    pub members_peak_day: u32,
    pub attack_day: Option<u32>,
    /// Whether it stormed the town (else it came for the base alone).
    pub stormed_town: bool,
    pub outcome: Option<crate::process::confrontation::Outcome>,
    pub base_taken: bool,
    /// Whether it holds the court and police at the end (the town).
    pub town_taken: bool,
    /// Peak share of the town mobilised against it.
    pub resisted_share: f64,
    /// Local groups that joined the fight against it (the rest mediated).
    pub groups_joined: u64,
}

/// The uprising and its fight (issue #4).
#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct UprisingSummary {
    /// The day the town was called out (or attacked), if it was.
    pub day: Option<u32>,
    pub against: Option<String>,
    pub triggers: u32,
    /// How the (first) battle ended: expelled, partial, faction_holds, stalemate.
    pub outcome: Option<crate::process::confrontation::Outcome>,
    pub by_faction: bool,
    pub night: bool,
    pub base_taken: bool,
    pub days_to_decision: Option<u32>,
    pub peak_mobilised_share: f64,
    pub peak_mobilised_day: Option<u32>,
    /// Days from the call to the peak of mobilisation.
    pub days_to_peak: Option<u32>,
    pub local_members_at_call: u64,
    pub local_abstainers: u64,
    /// Local abstainers over local members at the call.
    pub abstention_rate: Option<f64>,
    /// Local fighters of the faction at the call (supporters and informants
    /// apart), those of them who abstained, and their share.
    pub local_fighters_at_call: u64,
    pub local_fighter_abstainers: u64,
    pub fighter_abstention_rate: Option<f64>,
    /// People already demonstrating when the call went out.
    pub mobilised_at_call: u64,
    pub turned: u64,
    pub local_members_fighting: u64,
    pub fought_against_orders: u64,
    #[serde(flatten)]
    pub toll: crate::process::confrontation::Casualties,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct CrisisSummary {
    pub kind: &'static str,
    pub onsets: u64,
    pub days: u64,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct FactionSummary {
    pub name: String,
    /// The faction's readable name (`label`), for charts and reports.
    pub label: String,
    pub arrival_day: Option<u32>,
    /// The day it was driven out, and the day it came back (revival, 7.10).
    pub expelled_day: Option<u32>,
    pub returned_day: Option<u32>,
    /// Locals of the town with the faction elsewhere at the end (fled,
    /// rejoined, escaped or released): those who would lead a return.
    pub locals_elsewhere_end: u64,
    pub members_peak: u64,
    pub members_peak_day: u32,
    pub members_end_local: u64,
    pub members_end_foreign: u64,
    pub joins: u64,
    /// Joins by age class: child, youth, adult, elder.
    #[serde(serialize_with = "crate::outcomes::ages")]
    pub joins_by_age: [u64; 4],
    pub leaves: u64,
    pub outreach_events: u64,
    pub attendance: u64,
    pub prizes_usd: f64,
    pub registered_end: u64,
    pub informants_end: u64,
    pub court_cases: u64,
    pub coercion_acts: u64,
    pub coercion_acts_against_locals: u64,
    pub grievance_end: f64,
    /// Its defection strategy and the contest with the government's offer (7.20-7.22); `null` when the run has none.
    pub strategy: Option<crate::strategy_summary::StrategySummary>,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize)]
pub struct EndState {
    pub civilians: u64,
    pub activists: u64,
    pub local_fighters: u64,
    pub members: u64,
    pub ex_members: u64,
    pub detained: u64,
    pub dead: u64,
    pub need: f64,
    pub fear: f64,
    pub efficacy: f64,
}

impl Summary {
    fn of(s: &Scenario, w: &World, records: &[DayRecord]) -> Summary {
        let first = &records[0];
        let last = records.last().expect("day 0 is always recorded");
        let crises = crate::process::environment::KINDS
            .iter()
            .enumerate()
            .map(|(k, kind)| CrisisSummary {
                kind,
                onsets: w.events.iter().filter(|e| e.kind == "crisis_start" && e.detail == *kind).count() as u64,
                days: records[1..].iter().filter(|r| r.crises[k]).count() as u64,
            })
            .collect();
        let (peak_need_day, peak_need) = records.iter().map(|r| (r.day, r.need)).fold((0, f64::MIN), |a, b| if b.1 > a.1 { b } else { a });
        let st = |s: Status| last.status[s as usize];
        let people = &w.society.people;
        let sum = |get: &dyn Fn(&DayRecord) -> u64| records.iter().map(get).sum::<u64>();
        let factions = s
            .factions
            .iter()
            .enumerate()
            .map(|(f, fp)| {
                let members = |r: &DayRecord| r.members[f][0] + r.members[f][1];
                let (peak_day, peak) = records.iter().map(|r| (r.day, members(r))).fold((0, 0), |a, b| if b.1 > a.1 { b } else { a });
                let mut by_age = [0u64; 4];
                for r in records {
                    for (a, n) in by_age.iter_mut().enumerate() {
                        *n += r.counts.joins_by_age[f][a];
                    }
                }
                FactionSummary {
                    name: fp.name.clone(),
                    label: fp.label.clone(),
                    arrival_day: w.events.iter().find(|e| e.kind == "arrival" && e.actor == fp.name).map(|e| e.day),
                    expelled_day: w.factions[f].expelled_day,
                    returned_day: w.factions[f].returned_day,
                    locals_elsewhere_end: w.society.people.tally.elsewhere_local[f],
                    members_peak: peak,
                    members_peak_day: peak_day,
                    members_end_local: last.members[f][0],
                    members_end_foreign: last.members[f][1],
                    joins: sum(&|r| r.counts.joins[f]),
                    joins_by_age: by_age,
                    leaves: sum(&|r| r.counts.leaves[f]),
                    outreach_events: w.events.iter().filter(|e| e.kind == "outreach_event" && e.actor == fp.name).count() as u64,
                    attendance: sum(&|r| r.counts.attendance[f]),
                    prizes_usd: records.iter().map(|r| r.counts.prizes_usd[f]).sum(),
                    registered_end: last.registered[f],
                    informants_end: people.tally.by_faction[f][Status::Informant as usize],
                    court_cases: sum(&|r| r.counts.court_cases[f]),
                    coercion_acts: sum(&|r| r.counts.acts[f]),
                    coercion_acts_against_locals: sum(&|r| r.counts.acts_local[f]),
                    grievance_end: last.grievance[f],
                    strategy: crate::strategy_summary::of(s, w, records, f),
                }
            })
            .collect();
        let mut joins_by_motive = [0u64; 4];
        let mut leaves_by_reason = [0u64; 5];
        for r in records {
            for (total, day) in joins_by_motive.iter_mut().zip(&r.counts.joins_by_motive) {
                *total += day;
            }
            for (total, day) in leaves_by_reason.iter_mut().zip(&r.counts.leaves_by_reason) {
                *total += day;
            }
        }
        Summary {
            scenario: s.name.clone(),
            seed: w.key.seed,
            replicate: w.key.replicate,
            days: w.day,
            people_start: first.present,
            people_end: last.present,
            families: w.society.local_families as u64,
            households: (w.society.household_start.len() - 1) as u64,
            armed_groups: w.society.groups.len() as u64,
            local_fighters_start: first.status[Status::LocalFighter as usize],
            notables: people.flags.iter().filter(|f| f.has(crate::society::people::Flags::NOTABLE)).count() as u64,
            crises,
            peak_need,
            peak_need_day,
            factions,
            joins_by_motive,
            leaves_by_reason,
            uprising: uprising_summary(s, w, records),
            aftermath: aftermath_summary(w),
            prisoners: w.prisoner_counts,
            rival: rival_summary(s, w, records),
            region: crate::region_summary::of(s, w, records),
            institutions_end: institutions_end(s, w),
            end: EndState {
                civilians: st(Status::Civilian),
                activists: st(Status::Activist),
                local_fighters: st(Status::LocalFighter),
                members: st(Status::Supporter) + st(Status::Fighter) + st(Status::Informant),
                ex_members: st(Status::ExMember),
                detained: st(Status::Detained),
                dead: st(Status::Dead),
                need: last.need,
                fear: last.fear,
                efficacy: last.efficacy,
            },
        }
    }
}

fn aftermath_summary(w: &World) -> AftermathSummary {
    let Some(r) = w.reconciliations.first() else {
        return AftermathSummary::default();
    };
    let pr = &w.prisoner_counts;
    let reengaged = r.pathways[1] + r.pathways[2];
    let total_followed = r.size + pr.released + pr.escaped;
    let total_reengaged = reengaged + pr.rejoined + pr.switched;
    let share = |a: u64, b: u64| if b > 0 { a as f64 / b as f64 } else { 0.0 };
    AftermathSummary {
        reconciliation_day: Some(r.day),
        cohort: r.size,
        interventions: r.interventions,
        reengaged,
        reengaged_share: share(reengaged, r.size),
        total_followed,
        total_reengaged,
        total_reengaged_share: share(total_reengaged, total_followed),
        prosecuted: r.prosecuted,
        reintegrated: r.pathways[0],
        rejoined: r.pathways[1],
        switched: r.pathways[2],
        detained: r.pathways[3],
        stigmatised: r.stigmatised,
        reprisal_raids: r.raids,
        reprisal_deaths: r.raid_deaths,
        misidentified_killed: r.misidentified,
        looters_detained: r.looters_detained,
    }
}

fn rival_summary(s: &Scenario, w: &World, records: &[DayRecord]) -> Option<RivalSummary> {
    let f = s.factions.iter().position(|f| f.wakes_when_expelled.is_some())?;
    let st = &w.factions[f];
    let (peak_day, peak) = records.iter().map(|r| (r.day, r.members[f][0] + r.members[f][1])).fold((0, 0), |a, b| if b.1 > a.1 { b } else { a });
    let battle = w.battles.iter().find(|b| b.faction as usize == f);
    let uprising = w.past_uprisings.iter().chain(std::iter::once(&w.uprising)).find(|u| u.against == Some(f as u8) && u.call_day.is_some());
    let holds = |k: crate::society::institutions::Kind| {
        w.society.institutions.iter().any(|i| i.kind == k && i.controller == crate::society::institutions::Controller::Faction(f as u8))
    };
    Some(RivalSummary {
        name: s.factions[f].name.clone(),
        woke_day: st.woke_day,
        members_peak: peak,
        members_peak_day: peak_day,
        attack_day: battle.map(|b| b.start_day),
        stormed_town: battle.is_some_and(|b| b.storm),
        outcome: battle.and_then(|b| b.outcome),
        base_taken: battle.is_some_and(|b| b.base_taken),
        town_taken: holds(crate::society::institutions::Kind::Court) && holds(crate::society::institutions::Kind::Police),
        resisted_share: uprising.map_or(0.0, |u| u.peak_share),
        groups_joined: uprising.map_or(0, |u| u.groups_joined.iter().filter(|&&j| j).count() as u64),
    })
}

fn uprising_summary(s: &Scenario, w: &World, records: &[DayRecord]) -> UprisingSummary {
    // The first uprising: archived if a later one (against a rival) began.
    let u = w.past_uprisings.first().unwrap_or(&w.uprising);
    let b = w.battles.first();
    let sum = |get: &dyn Fn(&DayRecord) -> u64| records.iter().map(get).sum::<u64>();
    let f = u.against.map(|f| f as usize);
    let local_at_call = u.local_members_at_call;
    let (abstainers, turned) = (u.local_abstainers, u.local_turned);
    UprisingSummary {
        day: u.call_day,
        against: f.map(|f| s.factions[f].name.clone()),
        triggers: u.triggers,
        outcome: b.and_then(|b| b.outcome),
        by_faction: b.is_some_and(|b| b.by_faction),
        night: b.is_some_and(|b| b.night),
        base_taken: b.is_some_and(|b| b.base_taken),
        days_to_decision: b.and_then(|b| b.decided_day.map(|d| d - b.start_day + 1)),
        peak_mobilised_share: u.peak_share,
        peak_mobilised_day: (u.peak_share > 0.0).then_some(u.peak_day),
        days_to_peak: u.call_day.filter(|_| u.peak_share > 0.0).map(|c| u.peak_day - c),
        local_members_at_call: local_at_call,
        local_abstainers: abstainers,
        abstention_rate: (local_at_call > 0).then(|| abstainers as f64 / local_at_call as f64),
        local_fighters_at_call: u.local_fighters_at_call,
        local_fighter_abstainers: u.local_fighter_abstainers,
        fighter_abstention_rate: (u.local_fighters_at_call > 0).then(|| u.local_fighter_abstainers as f64 / u.local_fighters_at_call as f64),
        mobilised_at_call: u.mobilised_at_call,
        turned,
        local_members_fighting: b.map_or(0, |b| b.local_fighting),
        fought_against_orders: sum(&|r| r.counts.against_orders),
        toll: b.map(|b| b.toll).unwrap_or_default(),
    }
}

/// A finished run of either model of the engine (one a run: the size
/// difference between the two does not matter).
#[derive(Clone, Debug)]
#[allow(clippy::large_enum_variant)]
pub enum Outcome {
    Resist(RunOutput),
    Epstein(crate::epstein::Output),
}

/// Run a scenario with the model it names.
pub fn run_any(scenario: &Scenario, key: RunKey, days: u32) -> Outcome {
    run_any_until(scenario, key, days, &|| false).expect("never stopped")
}

/// [`run_any`], asking `stop` before each day or step (see [`run_until`]).
pub fn run_any_until(scenario: &Scenario, key: RunKey, days: u32, stop: &dyn Fn() -> bool) -> Option<Outcome> {
    match scenario.model {
        crate::scenario::Model::Resist => run_until(scenario, key, days, stop).map(Outcome::Resist),
        crate::scenario::Model::Epstein => crate::epstein::run_until(&scenario.epstein, key, days, stop).map(Outcome::Epstein),
    }
}

impl Outcome {
    /// summary.json as a value (for sweeps' runs.csv).
    pub fn summary_value(&self) -> serde_json::Value {
        match self {
            Outcome::Resist(o) => crate::outcomes::summary_value(&o.summary),
            Outcome::Epstein(o) => crate::outcomes::summary_value(&o.summary),
        }
    }

    /// Every day's (or step's) values, in the order of `render::timeseries_spec`.
    pub fn series_values(&self, s: &Scenario) -> Vec<f64> {
        let mut out = Vec::new();
        match self {
            Outcome::Resist(o) => o.records.iter().for_each(|r| crate::render::timeseries_values(s, r, &mut out)),
            Outcome::Epstein(o) => o.records.iter().for_each(|r| crate::render::epstein_values(r, &mut out)),
        }
        out
    }
}

/// Who holds each institution at the end. One town: by name, as in the
/// town's list. A region of several towns: by kind, how many of the towns'
/// institutions of that kind each holder runs ("community 38; isis 2"), so
/// the summary keeps the same keys whatever the number of towns.
fn institutions_end(s: &Scenario, w: &World) -> Vec<(String, String)> {
    use crate::society::institutions::Controller;
    let holder = |c: Controller| match c {
        Controller::Community => "community".to_string(),
        Controller::LocalGroup(g) => format!("group {g}"),
        Controller::Faction(f) => s.factions[f as usize].name.clone(),
    };
    let all = &w.society.institutions;
    if s.region.towns <= 1 {
        return all.iter().map(|i| (i.kind.name().to_string(), holder(i.controller))).collect();
    }
    let mut kinds: Vec<crate::society::institutions::Kind> = all.iter().map(|i| i.kind).collect();
    kinds.sort();
    kinds.dedup();
    kinds
        .into_iter()
        .map(|k| {
            let mut by: Vec<String> = all.iter().filter(|i| i.kind == k).map(|i| holder(i.controller)).collect();
            by.sort();
            let mut parts: Vec<String> = Vec::new();
            let mut j = 0;
            while j < by.len() {
                let n = by[j..].iter().take_while(|h| **h == by[j]).count();
                parts.push(format!("{} {n}", by[j]));
                j += n;
            }
            (k.name().to_string(), parts.join("; "))
        })
        .collect()
}
