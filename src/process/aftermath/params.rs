//! The parameters of the aftermath (`[aftermath]`): the reconciliation
//! policy, reprisals, the weights of ex-members' choices and the levers'
//! channels (docs/model.md, 7.8).

use crate::scenario::{Check, Int, Real, ScenarioError};

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub disarm: Option<bool>,
    pub weapons_ban_days: Option<i64>,
    pub evidence_share: Option<f64>,
    pub collective_punishment: Option<bool>,
    pub stigma_initial: Option<f64>,
    pub circle_stigma: Option<f64>,
    pub reprisal_days: Option<i64>,
    pub raids_per_day: Option<f64>,
    pub raid_kill_share: Option<f64>,
    pub raid_stigma: Option<f64>,
    pub raid_family_stigma: Option<f64>,
    pub raid_fear: Option<f64>,
    pub misidentified_per_raid: Option<f64>,
    pub looter_detained_share: Option<f64>,
    pub protection: Option<f64>,
    pub reassurance: Option<f64>,
    pub followup: Option<f64>,
    pub livelihood: Option<f64>,
    pub monitoring: Option<f64>,
    pub mentoring: Option<f64>,
    pub livelihood_relief: Option<f64>,
    pub monitor_detection: Option<f64>,
    pub monitor_arrest_share: Option<f64>,
    pub mentor_ties: Option<f64>,
    pub mentor_destigma: Option<f64>,
    pub enforcement: Option<f64>,
    pub groups_admit: Option<bool>,
    pub decide_rate: Option<f64>,
    pub home_constant: Option<f64>,
    pub acceptance_weight: Option<f64>,
    pub livelihood_weight: Option<f64>,
    pub outside_ties_weight: Option<f64>,
    pub rejoin_constant: Option<f64>,
    pub switch_constant: Option<f64>,
    pub group_constant: Option<f64>,
    pub commitment_weight: Option<f64>,
    pub need_weight: Option<f64>,
    pub stigma_weight: Option<f64>,
    pub fear_weight: Option<f64>,
    pub ties_weight: Option<f64>,
    pub exposure_weight: Option<f64>,
    pub reach_exposure: Option<f64>,
    pub base_detection: Option<f64>,
    pub evidence_rate: Option<f64>,
    pub stigmatised_level: Option<f64>,
}

/// The reconciliation policy, the ex-members' choice and the levers (`[aftermath]`).
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub disarm: bool,
    pub weapons_ban_days: u32,
    pub evidence_share: f64,
    pub collective_punishment: bool,
    pub stigma_initial: f64,
    pub circle_stigma: f64,
    pub reprisal_days: u32,
    pub raids_per_day: f64,
    pub raid_kill_share: f64,
    pub raid_stigma: f64,
    pub raid_family_stigma: f64,
    pub raid_fear: f64,
    pub misidentified_per_raid: f64,
    pub looter_detained_share: f64,
    pub protection: f64,
    pub reassurance: f64,
    pub followup: f64,
    pub livelihood: f64,
    pub monitoring: f64,
    pub mentoring: f64,
    pub livelihood_relief: f64,
    pub monitor_detection: f64,
    pub monitor_arrest_share: f64,
    pub mentor_ties: f64,
    pub mentor_destigma: f64,
    pub enforcement: f64,
    pub groups_admit: bool,
    pub decide_rate: f64,
    pub home_constant: f64,
    pub acceptance_weight: f64,
    pub livelihood_weight: f64,
    pub outside_ties_weight: f64,
    pub rejoin_constant: f64,
    pub switch_constant: f64,
    pub group_constant: f64,
    pub commitment_weight: f64,
    pub need_weight: f64,
    pub stigma_weight: f64,
    pub fear_weight: f64,
    pub ties_weight: f64,
    pub exposure_weight: f64,
    pub reach_exposure: f64,
    pub base_detection: f64,
    pub evidence_rate: f64,
    pub stigmatised_level: f64,
}

const SHARE: Real = Real::SHARE;
const WEIGHT: Real = Real { default: 0.0, min: 0.0, max: 50.0, unit: "utility", doc: "", source: "assumption" };
const CONSTANT: Real = Real { default: 0.0, min: -50.0, max: 50.0, unit: "utility", doc: "", source: "assumption" };
const DAILY: Real = Real { default: 0.0, min: 0.0, max: 1.0, unit: "per day", doc: "", source: "assumption" };
const CH6: &str = "Haid 2017, ch. 6";
/// Keys that take their value from another when not set: follow-up's three
/// channels from `followup`. A resolved scenario holds them filled in, so a
/// sweep or a calibration that changes `aftermath.followup` on it must
/// change them too (`crate::sweep` does, where they still equal it).
pub const SHORTHANDS: [(&str, &[&str]); 1] = [("aftermath.followup", &["aftermath.livelihood", "aftermath.monitoring", "aftermath.mentoring"])];

const FOLLOWUP: &str = "Haid 2017, ch. 6 ('no defined follow-up mechanism'); re-engagement of 2-5% with follow-up and support, 20-30% without (Renard 2020, Belgium; Saudi rehabilitation programme figures; US Director of National Intelligence 2016); Humphreys and Weinstein 2007 (no measurable effect of a DDR programme in Sierra Leone)";

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let disarm = c.flag("disarm", raw.disarm, true, "Ex-members surrender their weapons and declare their dissociation; the armed are banned from bearing arms (no fighting, no joining as a fighter) for `weapons_ban_days`.", CH6);
        let weapons_ban_days = c.int(
            "weapons_ban_days",
            raw.weapons_ban_days,
            Int {
                default: 180,
                min: 0,
                max: 100_000,
                unit: "days",
                doc: "How long disarmed ex-members (and released prisoners of the expelled faction) may not bear arms, from the reconciliation.",
                source: "Haid 2017, ch. 6 ('temporarily banned'); length: assumption",
            },
        )? as u32;
        let collective_punishment = c.flag(
            "collective_punishment",
            raw.collective_punishment,
            false,
            "Counterfactual: ex-members' families are punished too (they share the stigma, and reprisals double).",
            "Haid 2017, ch. 6 (there were none in Atarib); Iraq—and the West—Haven't Finished the Job (2022) ('ISIS families' ostracised)",
        );
        let groups_admit = c.flag(
            "groups_admit",
            raw.groups_admit,
            false,
            "Whether local armed groups admit ex-members (as fighters, once they may bear arms).",
            "Haid 2017, ch. 6 ('most local armed groups refused to allow ex-ISIS fighters to join')",
        );
        let mut r = |k: &str, v: Option<f64>, spec: Real| c.real(k, v, spec);
        let evidence_share = r(
            "evidence_share",
            raw.evidence_share,
            Real {
                default: 0.1,
                doc: "Share of local ex-members against whom evidence exists at reconciliation (they are prosecuted: detained).",
                source: "Haid 2017, ch. 6 (prosecution where charges were pending or evidence sufficed); value: assumption",
                ..SHARE
            },
        )?;
        let stigma_initial = r(
            "stigma_initial",
            raw.stigma_initial,
            Real {
                default: 0.25,
                doc: "Stigma an ex-member carries at reconciliation, before the anger of their own circle.",
                source: "Haid 2017, ch. 6 ('discriminatory behaviour and social stigma'); value: assumption",
                ..SHARE
            },
        )?;
        let circle_stigma = r(
            "circle_stigma",
            raw.circle_stigma,
            Real {
                default: 0.5,
                doc: "Stigma added at reconciliation per unit of the mean grievance of the ex-member's family and contacts toward the faction.",
                source: "Humphreys and Weinstein 2007 (service in an abusive faction is the strongest predictor of not being accepted back); value: assumption",
                ..SHARE
            },
        )?;
        let raids_per_day = r(
            "raids_per_day",
            raw.raids_per_day,
            Real {
                default: 3.0,
                min: 0.0,
                max: 10_000.0,
                unit: "raids per day",
                doc: "Raids on members' homes each day of the reprisal period, before protection.",
                source: "Haid 2017, ch. 6 ('bounty hunting'); value: assumption",
            },
        )?;
        let raid_kill_share =
            r("raid_kill_share", raw.raid_kill_share, Real { default: 0.05, doc: "Share of raids in which the ex-member is killed.", ..SHARE })?;
        let raid_stigma =
            r("raid_stigma", raw.raid_stigma, Real { default: 0.3, doc: "Share of the way to full stigma a raid moves the raided ex-member.", ..SHARE })?;
        let raid_family_stigma = r(
            "raid_family_stigma",
            raw.raid_family_stigma,
            Real { default: 0.15, doc: "Share of the way to full stigma a raid moves each of the ex-member's family-layer contacts.", ..SHARE },
        )?;
        let raid_fear = r(
            "raid_fear",
            raw.raid_fear,
            Real { default: 0.3, doc: "Share of the way to full fear a raid moves the raided ex-member (reprisal fear, weighed in their choice).", ..SHARE },
        )?;
        let misidentified_per_raid = r(
            "misidentified_per_raid",
            raw.misidentified_per_raid,
            Real {
                default: 0.05,
                min: 0.0,
                max: 10.0,
                unit: "people per raid",
                doc: "People killed misidentified (masked) per raid.",
                source: "Haid 2017, ch. 6 ('mistaken for ISIS militants because they were masked'); value: assumption",
            },
        )?;
        let looter_detained_share = r(
            "looter_detained_share",
            raw.looter_detained_share,
            Real {
                default: 0.1,
                doc: "Share of raids whose looters are identified and detained.",
                source: "Haid 2017, ch. 6 ('the majority remained unidentified'); value: assumption",
                ..SHARE
            },
        )?;
        let protection = r(
            "protection",
            raw.protection,
            Real {
                default: 0.0,
                doc: "Enforced protection of ex-members: the share of reprisal raids it stops, and the strength of its daily reassurance (fear fading).",
                source: "Haid 2017, ch. 6 ('no clear protection measures'); a policy lever (docs/model.md, 7.8)",
                ..SHARE
            },
        )?;
        let reassurance =
            r("reassurance", raw.reassurance, Real { default: 0.05, doc: "Share of an ex-member's fear that full protection lifts each day.", ..DAILY })?;
        let followup = r(
            "followup",
            raw.followup,
            Real {
                default: 0.0,
                doc: "Intensity of follow-up: the default of each of its three channels (livelihood, monitoring, mentoring) when they are not set.",
                source: FOLLOWUP,
                ..SHARE
            },
        )?;
        let livelihood = r(
            "livelihood",
            raw.livelihood.or(Some(followup)),
            Real {
                default: 0.0,
                doc: "Follow-up's livelihood support (takes `followup` when not set): the share of the relief `livelihood_relief` each followed ex-member receives; lowers need.",
                source: FOLLOWUP,
                ..SHARE
            },
        )?;
        let monitoring = r(
            "monitoring",
            raw.monitoring.or(Some(followup)),
            Real {
                default: 0.0,
                doc: "Follow-up's monitoring (takes `followup` when not set): scales the chance `monitor_detection` that a move toward a faction's recruiters is detected (then an intervention or an arrest).",
                source: FOLLOWUP,
                ..SHARE
            },
        )?;
        let mentoring = r(
            "mentoring",
            raw.mentoring.or(Some(followup)),
            Real {
                default: 0.0,
                doc: "Follow-up's mentoring (takes `followup` when not set): adds `mentor_ties` ties outside the faction and fades stigma by `mentor_destigma` a day, both scaled by it.",
                source: FOLLOWUP,
                ..SHARE
            },
        )?;
        let livelihood_relief = r(
            "livelihood_relief",
            raw.livelihood_relief,
            Real { default: 0.5, doc: "Share of a followed ex-member's need that full livelihood support lifts.", ..SHARE },
        )?;
        let monitor_detection = r(
            "monitor_detection",
            raw.monitor_detection,
            Real { default: 0.6, doc: "Chance that full monitoring detects an ex-member's move toward a faction's recruiters.", ..SHARE },
        )?;
        let monitor_arrest_share = r(
            "monitor_arrest_share",
            raw.monitor_arrest_share,
            Real { default: 0.3, doc: "Share of detected moves that end in arrest (the rest: an intervention that stops the move).", ..SHARE },
        )?;
        let mentor_ties = r(
            "mentor_ties",
            raw.mentor_ties,
            Real {
                default: 4.0,
                min: 0.0,
                max: 100.0,
                unit: "ties",
                doc: "Ties outside the faction that full mentoring adds (mentor, programme peers), counted among an ex-member's contacts.",
                source: "Daly, Paler and Samii 2020 (ties to fellow fighters drive post-demobilisation crime); value: assumption",
            },
        )?;
        let mentor_destigma = r(
            "mentor_destigma",
            raw.mentor_destigma,
            Real { default: 0.01, doc: "Share of an ex-member's stigma that full mentoring lifts each day.", ..DAILY },
        )?;
        let enforcement = r(
            "enforcement",
            raw.enforcement,
            Real {
                default: 0.0,
                doc: "Enforcement against other factions recruiting ex-members: the chance, each time an ex-member weighs their options, that no faction in town can reach or admit them.",
                source: "Haid 2017, ch. 6 ('no enforcement mechanisms to ensure that former ISIS members did not join other radical groups')",
                ..SHARE
            },
        )?;
        let decide_rate = r(
            "decide_rate",
            raw.decide_rate,
            Real { default: 0.02, doc: "Daily chance that a followed ex-member weighs their options (staying as they are is one of them).", ..DAILY },
        )?;
        let home_constant =
            r("home_constant", raw.home_constant, Real { default: -4.2, doc: "Constant of going home (against staying an ex-member, 0).", ..CONSTANT })?;
        let acceptance_weight = r(
            "acceptance_weight",
            raw.acceptance_weight,
            Real {
                default: 3.0,
                doc: "Weight of acceptance by one's circle (1 - stigma) in going home.",
                source: "Humphreys and Weinstein 2007 (acceptance back home); Haid 2017, ch. 6 (stigma); value: assumption",
                ..WEIGHT
            },
        )?;
        let livelihood_weight =
            r("livelihood_weight", raw.livelihood_weight, Real { default: 1.0, doc: "Weight of a livelihood (1 - need) in going home.", ..WEIGHT })?;
        let outside_ties_weight = r(
            "outside_ties_weight",
            raw.outside_ties_weight,
            Real { default: 1.5, doc: "Weight of the share of contacts outside any faction (mentors counted) in going home.", ..WEIGHT },
        )?;
        let rejoin_constant = r(
            "rejoin_constant",
            raw.rejoin_constant,
            Real {
                default: -3.8,
                doc: "Constant of rejoining the faction elsewhere (leaving town).",
                source: "Haid 2017, ch. 6 ('Some ex-fighters were reported to have subsequently rejoined ISIS elsewhere'); value: assumption",
                ..CONSTANT
            },
        )?;
        let switch_constant = r(
            "switch_constant",
            raw.switch_constant,
            Real {
                default: -2.0,
                doc: "Constant of joining another faction in town whose recruiters reach the ex-member.",
                source: "Haid 2017, ch. 6 ('many instead joined al-Nusra'); value: assumption",
                ..CONSTANT
            },
        )?;
        let group_constant = r(
            "group_constant",
            raw.group_constant,
            Real {
                default: -1.0,
                doc: "Constant of joining a local armed group, where groups admit ex-members (weighed with need, fear and ties to local fighters).",
                ..CONSTANT
            },
        )?;
        let commitment_weight = r(
            "commitment_weight",
            raw.commitment_weight,
            Real {
                default: 3.0,
                doc: "Weight of commitment in rejoining or switching.",
                source: "Marsden 2015 (disengagement without deradicalisation); value: assumption",
                ..WEIGHT
            },
        )?;
        let need_weight = r(
            "need_weight",
            raw.need_weight,
            Real {
                default: 1.0,
                doc: "Weight of need in rejoining and in joining a local group, and of need times a faction's pay (relative to $115 a month) in switching to it.",
                source: "Haid 2017, ch. 6 (many 'only did it for financial reasons'); value: assumption",
                ..WEIGHT
            },
        )?;
        let stigma_weight = r(
            "stigma_weight",
            raw.stigma_weight,
            Real {
                default: 2.0,
                doc: "Weight of stigma in rejoining or switching (rejection at home pushes people back).",
                source: "Haid 2017, ch. 6; Marsden 2015 (a ban on return pushes people back to the conflict); value: assumption",
                ..WEIGHT
            },
        )?;
        let fear_weight = r(
            "fear_weight",
            raw.fear_weight,
            Real {
                default: 2.0,
                doc: "Weight of fear (of reprisals) in rejoining, switching or joining a local group (armed protection).",
                source: "Haid 2017, ch. 3 and 6 (joining for protection; reprisals); value: assumption",
                ..WEIGHT
            },
        )?;
        let ties_weight = r(
            "ties_weight",
            raw.ties_weight,
            Real {
                default: 6.0,
                doc: "Weight of the share of contacts who belong to a faction (members, or fled and rejoined members elsewhere) in going to it; of local fighters in joining a group.",
                source: "Daly, Paler and Samii 2020 (ties to commanders and fellow fighters); value: assumption",
                ..WEIGHT
            },
        )?;
        let exposure_weight = r(
            "exposure_weight",
            raw.exposure_weight,
            Real { default: 2.0, doc: "Weight of exposure to a faction's outreach (or to its members while in its custody) in switching to it.", ..WEIGHT },
        )?;
        let reach_exposure = r(
            "reach_exposure",
            raw.reach_exposure,
            Real {
                default: 0.05,
                doc: "Exposure to a faction's outreach at which its recruiters reach an ex-member none of whose contacts is its member.",
                ..SHARE
            },
        )?;
        let base_detection = r(
            "base_detection",
            raw.base_detection,
            Real { default: 0.05, doc: "Chance that a move toward a faction's recruiters is detected and ends in arrest without monitoring.", ..SHARE },
        )?;
        let evidence_rate = r(
            "evidence_rate",
            raw.evidence_rate,
            Real { default: 0.0002, doc: "Daily chance that evidence against a followed ex-member comes to light (arrest).", ..DAILY },
        )?;
        let stigmatised_level =
            r("stigmatised_level", raw.stigmatised_level, Real { default: 0.5, doc: "Stigma at or above which an ex-member counts as stigmatised.", ..SHARE })?;
        let reprisal_days = c.int(
            "reprisal_days",
            raw.reprisal_days,
            Int {
                default: 14,
                min: 0,
                max: 10_000,
                unit: "days",
                doc: "Length of the period of chaos after the fight in which reprisals happen.",
                source: "Haid 2017, ch. 6 ('this period of chaos and confusion'); length: assumption",
            },
        )? as u32;
        Ok(Params {
            disarm,
            weapons_ban_days,
            evidence_share,
            collective_punishment,
            stigma_initial,
            circle_stigma,
            reprisal_days,
            raids_per_day,
            raid_kill_share,
            raid_stigma,
            raid_family_stigma,
            raid_fear,
            misidentified_per_raid,
            looter_detained_share,
            protection,
            reassurance,
            followup,
            livelihood,
            monitoring,
            mentoring,
            livelihood_relief,
            monitor_detection,
            monitor_arrest_share,
            mentor_ties,
            mentor_destigma,
            enforcement,
            groups_admit,
            decide_rate,
            home_constant,
            acceptance_weight,
            livelihood_weight,
            outside_ties_weight,
            rejoin_constant,
            switch_constant,
            group_constant,
            commitment_weight,
            need_weight,
            stigma_weight,
            fear_weight,
            ties_weight,
            exposure_weight,
            reach_exposure,
            base_detection,
            evidence_rate,
            stigmatised_level,
        })
    }
}
