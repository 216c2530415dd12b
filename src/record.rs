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
    /// The region's flows today (docs/model.md, 7.13-7.19).
    pub region: RegionCounts,
    /// Local fighters who went over to each faction today by its approaches
    /// or tawba (shifted, following, repenting).
    pub local_fighters_to: [u64; MAX_FACTIONS],
    /// The factions' campaigns and tawba, and the government's offer (7.20-7.22).
    pub strategy: StrategyCounts,
}

/// The day's defection strategies, by faction (7.20-7.22).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct StrategyCounts {
    /// Figures and families approached, figures who shifted, their followers.
    pub approached: [u64; MAX_FACTIONS],
    pub shifted: [u64; MAX_FACTIONS],
    pub followers: [u64; MAX_FACTIONS],
    /// Families that pledged in public, and the people who joined with them.
    pub pledges: [u64; MAX_FACTIONS],
    pub pledged: [u64; MAX_FACTIONS],
    pub windows: [u64; MAX_FACTIONS],
    pub tawba_offered: [u64; MAX_FACTIONS],
    pub tawba_taken: [u64; MAX_FACTIONS],
    pub executed: [u64; MAX_FACTIONS],
    /// Repentants through the interview, caught leaving, armed in awakening units.
    pub repentants_admitted: [u64; MAX_FACTIONS],
    pub repentants_caught: [u64; MAX_FACTIONS],
    pub awakening: [u64; MAX_FACTIONS],
    /// Members who took the government's amnesty.
    pub government_defections: [u64; MAX_FACTIONS],
    /// The state's offensives on towns it holds begun today, and those that drove it out (7.23).
    pub offensives: [u64; MAX_FACTIONS],
    pub offensives_won: [u64; MAX_FACTIONS],
    /// Contested choices (an approach or a tawba offer weighed against the
    /// government's): [to the government's side, to the faction], in all and by faction.
    pub contested: [u64; 2],
    pub contested_by: [[u64; 2]; MAX_FACTIONS],
}

/// The region's flows and events of a day, summed over places.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct RegionCounts {
    pub births: u64,
    pub natural_deaths: u64,
    pub came_of_age_detained: u64,
    pub displaced: u64,
    pub returned: u64,
    pub detained: u64,
    pub released: u64,
    pub escaped: u64,
    pub repatriated: u64,
    pub convicted: u64,
    pub rejoined: u64,
    pub recruited_in_detention: u64,
    pub attacks: u64,
    pub attack_deaths: u64,
    pub fighters_killed: u64,
    pub prison_attacks: u64,
    /// Joins of a faction by the displaced, and by those who came of age in detention.
    pub joins_displaced: u64,
    pub joins_camp_raised: u64,
    /// Freed by the faction's prison attacks (counted among the escaped too).
    pub freed_by_attacks: u64,
}

/// What happened in one place today.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlaceFlows {
    pub displaced_out: u32,
    pub displaced_in: u32,
    pub returned: u32,
    pub detained: u32,
    pub released: u32,
    pub escaped: u32,
    pub repatriated: u32,
    pub convicted: u32,
    pub recruited: u32,
    pub infiltrated: u32,
    pub attacks: u32,
    pub attack_deaths: u32,
    pub prison_attacks: u32,
    /// Joins of a faction by people there.
    pub joins: u32,
}

/// One place at the end of a day: head counts by status, the faction's
/// members and detained, the detained by age class and sex, mean commitment
/// of the detained, and the day's flows.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct PlaceDay {
    pub status: [u32; Status::COUNT],
    pub members: u32,
    pub fighters: u32,
    pub detained_members: u32,
    /// Detained by age class (child, youth, adult, elder) and sex (women, men).
    pub detained_by_age: [u32; 4],
    pub detained_women: u32,
    pub detained_commitment: f32,
    pub flows: PlaceFlows,
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
    /// Each faction's campaign phase (`Phase as u8`) and the towns it holds (7.20).
    pub phase: [u8; MAX_FACTIONS],
    pub towns_held: [u32; MAX_FACTIONS],
    /// Each place of the region (docs/model.md, 7.13-7.19); empty on days the
    /// region is not observed place by place.
    pub places: Vec<PlaceDay>,
}
