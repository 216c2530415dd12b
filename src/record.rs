//! What a run records: one [`DayRecord`] a day (observation) and [`Event`]s as
//! they happen. Rendering them to CSV and JSON is in `render`.

use crate::society::people::{MAX_FACTIONS, Status};

/// One thing that happened, for events.csv.
#[derive(Clone, Debug, PartialEq)]
pub struct Event {
    pub day: u32,
    /// What happened, in snake_case (`crisis_start`, `crisis_end`, ...).
    pub kind: &'static str,
    /// Who acted: `environment`, `community`, a faction's or group's name.
    pub actor: String,
    /// The person it happened to (their stable id), if one.
    pub target: Option<u32>,
    /// A size: a duration in days, a count of people, an amount.
    pub size: f64,
    /// What else a reader needs (the crisis kind, an institution).
    pub detail: String,
}

/// What happened today, counted by the processes as it happens; observation
/// copies it into the day's record.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DayCounts {
    pub attendance: [u64; MAX_FACTIONS],
    pub attendance_by_age: [[u64; 4]; MAX_FACTIONS],
    pub prizes_usd: [f64; MAX_FACTIONS],
    pub registered: [u64; MAX_FACTIONS],
    pub court_cases: [u64; MAX_FACTIONS],
    pub informants_recruited: [u64; MAX_FACTIONS],
    pub acts: [u64; MAX_FACTIONS],
    pub acts_local: [u64; MAX_FACTIONS],
    pub joins: [u64; MAX_FACTIONS],
    pub joins_by_age: [[u64; 4]; MAX_FACTIONS],
    /// Joins by motive: money, protection, ideology, social.
    pub joins_by_motive: [u64; 4],
    pub leaves: [u64; MAX_FACTIONS],
    /// Departures by reason: infighting, brutality, corruption, harshness.
    pub leaves_by_reason: [u64; 5],
    /// People who mobilised today.
    pub mobilised: u64,
    /// Local fighters who joined against their commander's orders.
    pub against_orders: u64,
    /// Members who chose to abstain, or to turn on their faction, today.
    pub abstained: u64,
    pub turned: u64,
    /// Fighters killed in battle today: the town's and the faction's.
    pub battle_deaths_town: u64,
    pub battle_deaths_faction: u64,
    /// Civilians killed in battle and people killed misidentified, today.
    pub deaths_civilian: u64,
    pub deaths_misidentified: u64,
    /// Ex-members' pathways today: reintegrated, rejoined, switched, detained.
    pub pathways: [u64; 4],
}

/// The state of the town at the end of a day.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct DayRecord {
    pub day: u32,
    /// People present in town (not elsewhere, displaced or dead).
    pub present: u64,
    pub status: [u64; Status::COUNT],
    /// Faction members in town by faction, local and foreign.
    pub members: [[u64; 2]; MAX_FACTIONS],
    /// Which crises (gas, water, bread) are under way.
    pub crises: [bool; 3],
    /// The town's crisis pressure on need, in [0, 1].
    pub pressure: f64,
    pub need: f64,
    pub fear: f64,
    pub efficacy: f64,
    pub commitment: f64,
    pub stigma: f64,
    pub grievance: [f64; MAX_FACTIONS],
    /// Institutions run by the community (not a group or faction).
    pub community_institutions: u32,
    /// Informants per head in town, summed over factions.
    pub surveillance: f64,
    /// Registered with each faction, present in town.
    pub registered: [u64; MAX_FACTIONS],
    pub standing: [f64; MAX_FACTIONS],
    pub budget: [f64; MAX_FACTIONS],
    pub counts: DayCounts,
    /// People mobilised against a faction, now.
    pub mobilised: u64,
    /// Prisoners in the community's custody, now.
    pub prisoners: u64,
}
