//! Parameters of affiliation choices (`[affiliation]`): the logit's weights
//! and constants, with their defaults, ranges and sources.

use crate::scenario::{Check, Real, ScenarioError};

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub reconsider_rate: Option<f64>,
    pub support_constant: Option<f64>,
    pub fight_constant: Option<f64>,
    pub group_constant: Option<f64>,
    pub inertia: Option<f64>,
    pub money: Option<f64>,
    pub services: Option<f64>,
    pub registered: Option<f64>,
    pub protection: Option<f64>,
    pub ideology: Option<f64>,
    pub exposure: Option<f64>,
    pub social: Option<f64>,
    pub standing: Option<f64>,
    pub grievance: Option<f64>,
    pub stigma: Option<f64>,
    pub fight_risk: Option<f64>,
    pub child_pull: Option<f64>,
    pub youth_pull: Option<f64>,
    pub elder_pull: Option<f64>,
    pub group_social: Option<f64>,
    pub group_resistance: Option<f64>,
    pub protection_menace_half: Option<f64>,
    pub flight_cost: Option<f64>,
    pub perceived_elsewhere: Option<f64>,
    pub infighting: Option<f64>,
    pub corruption: Option<f64>,
    pub harshness: Option<f64>,
    pub unpaid: Option<f64>,
    pub join_commitment_gain: Option<f64>,
    pub exposure_commitment_gain: Option<f64>,
    pub leave_commitment_drop: Option<f64>,
    pub ties_away: Option<f64>,
    pub exclusion: Option<f64>,
}

/// Parameters of affiliation choices (`[affiliation]`): logit weights are in
/// utility units; utilities of staying as one is get `inertia`.
#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub reconsider_rate: f64,
    pub support_constant: f64,
    pub fight_constant: f64,
    pub group_constant: f64,
    pub inertia: f64,
    pub money: f64,
    pub services: f64,
    pub registered: f64,
    pub protection: f64,
    pub ideology: f64,
    pub exposure: f64,
    pub social: f64,
    pub standing: f64,
    pub grievance: f64,
    pub stigma: f64,
    pub fight_risk: f64,
    /// Pull of faction membership by age class (adults 0).
    pub age_pull: [f64; 4],
    pub group_social: f64,
    pub group_resistance: f64,
    /// Menace (recent violent acts) at which a faction's protection pull is half its full weight.
    pub protection_menace_half: f64,
    /// Cost to a foreign member of deserting and fleeing.
    pub flight_cost: f64,
    pub perceived_elsewhere: f64,
    pub infighting: f64,
    pub corruption: f64,
    pub harshness: f64,
    pub unpaid: f64,
    pub join_commitment_gain: f64,
    pub exposure_commitment_gain: f64,
    pub leave_commitment_drop: f64,
    /// Weight of kin with the faction away (elsewhere or detained), per contact.
    pub ties_away: f64,
    /// What staying a civilian loses for a household ostracised and displaced.
    pub exclusion: f64,
}

const WEIGHT: Real = Real { default: 0.0, min: 0.0, max: 100.0, unit: "utility", doc: "", source: "assumption" };
const CONSTANT: Real = Real { default: 0.0, min: -100.0, max: 100.0, unit: "utility", doc: "", source: "assumption" };
const SHARE: Real = Real::SHARE;

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check) -> Result<Params, ScenarioError> {
        let mut r = |key: &str, v: Option<f64>, spec: Real| c.real(key, v, spec);
        let reconsider_rate = r(
            "reconsider_rate",
            raw.reconsider_rate,
            Real { default: 0.02, unit: "share per day", doc: "Share of people who reconsider where they stand each day.", ..SHARE },
        )?;
        let support_constant = r(
            "support_constant",
            raw.support_constant,
            Real { default: -6.0, doc: "Utility of supporting a faction before its pulls and pushes (its cost to an ordinary person).", ..CONSTANT },
        )?;
        let fight_constant = r(
            "fight_constant",
            raw.fight_constant,
            Real { default: -7.0, doc: "Utility of fighting for a faction before pay, pulls and pushes.", ..CONSTANT },
        )?;
        let group_constant =
            r("group_constant", raw.group_constant, Real { default: -7.0, doc: "Utility of joining a local armed group before its pulls.", ..CONSTANT })?;
        let inertia = r("inertia", raw.inertia, Real { default: 3.0, doc: "Utility bonus of staying as one is (the cost of changing side).", ..WEIGHT })?;
        let money = r(
            "money",
            raw.money,
            Real {
                default: 4.0,
                doc: "Weight of a fighter's pay (relative to $115 a month) times need.",
                source: "Haid 2017, ch. 3 (people were poor); weight: assumption",
                ..WEIGHT
            },
        )?;
        let services = r(
            "services",
            raw.services,
            Real {
                default: 1.5,
                doc: "Weight of the faction's services to the registered during a crisis.",
                source: "Haid 2017, ch. 3 ('people started joining Daesh to receive its services'); weight: assumption",
                ..WEIGHT
            },
        )?;
        let registered = r(
            "registered",
            raw.registered,
            Real {
                default: 1.0,
                doc: "Weight of being registered with the faction (registration ties people to it).",
                source: "Haid 2017, ch. 3; weight: assumption",
                ..WEIGHT
            },
        )?;
        let protection = r(
            "protection",
            raw.protection,
            Real {
                default: 12.0,
                doc: "Weight of fear times the faction's dominance in town (joining for protection).",
                source: "Haid 2017, ch. 3 ('many people joined ISIS in order to protect themselves'); weight: assumption",
                ..WEIGHT
            },
        )?;
        let ideology = r("ideology", raw.ideology, Real { default: 5.0, doc: "Weight of ideological commitment.", ..WEIGHT })?;
        let exposure = r(
            "exposure",
            raw.exposure,
            Real {
                default: 3.0,
                doc: "Weight of exposure to the faction's outreach.",
                source: "Haid 2017, ch. 3 (events as 'a first step in recruiting them'); weight: assumption",
                ..WEIGHT
            },
        )?;
        let social = r("social", raw.social, Real { default: 6.0, doc: "Weight of the share of one's family and contacts who are members.", ..WEIGHT })?;
        let standing = r("standing", raw.standing, Real { default: 1.0, doc: "Weight of the faction's standing as a working authority.", ..WEIGHT })?;
        let grievance = r(
            "grievance",
            raw.grievance,
            Real {
                default: 6.0,
                doc: "Weight of grievance toward the faction (for members: its brutality against people like them).",
                source: "ICSR 2015, narrative 2; weight: assumption",
                ..WEIGHT
            },
        )?;
        let stigma = r("stigma", raw.stigma, Real { default: 2.0, doc: "Weight of stigma against membership.", ..WEIGHT })?;
        let fight_risk = r("fight_risk", raw.fight_risk, Real { default: 1.0, doc: "Cost of the risks of fighting.", ..WEIGHT })?;
        let age_pull = [
            r(
                "child_pull",
                raw.child_pull,
                Real {
                    default: -1.0,
                    doc: "Pull of membership for children (cubs) relative to adults.",
                    source: "Haid 2017, ch. 3: children 'easier and cheaper to recruit'; value: assumption",
                    ..CONSTANT
                },
            )?,
            r(
                "youth_pull",
                raw.youth_pull,
                Real { default: 0.5, doc: "Pull of membership for youth relative to adults.", source: "Haid 2017, ch. 3; value: assumption", ..CONSTANT },
            )?,
            0.0,
            r("elder_pull", raw.elder_pull, Real { default: -2.0, doc: "Pull of membership for elders relative to adults.", ..CONSTANT })?,
        ];
        let group_social = r(
            "group_social",
            raw.group_social,
            Real {
                default: 6.0,
                doc: "Weight of the share of one's contacts in local armed groups (for joining one).",
                source: "Haid 2017, ch. 2 (groups of locals with family ties); weight: assumption",
                ..WEIGHT
            },
        )?;
        let group_resistance = r(
            "group_resistance",
            raw.group_resistance,
            Real { default: 2.0, doc: "Weight of one's highest grievance toward a faction (for joining a local armed group).", ..WEIGHT },
        )?;
        let protection_menace_half = r(
            "protection_menace_half",
            raw.protection_menace_half,
            Real {
                default: 3.0,
                min: 0.0,
                max: 1e6,
                unit: "acts",
                doc: "A faction's recent violent acts (its menace, 7.3) at which joining it for protection has half its full pull: people join to protect themselves from the faction that threatens them, not from any armed faction.",
                source: "Haid 2017, ch. 3 ('many people joined ISIS in order to protect themselves'; informants and arrests); value: assumption",
            },
        )?;
        let flight_cost = r(
            "flight_cost",
            raw.flight_cost,
            Real {
                default: 3.0,
                doc: "Cost to a foreign member of deserting and fleeing the town (the risk of being caught; no home nearby).",
                source: "ICSR 2015 (defectors 'abandoned their comrades, and fled'); value: assumption",
                ..WEIGHT
            },
        )?;
        let perceived_elsewhere = r(
            "perceived_elsewhere",
            raw.perceived_elsewhere,
            Real {
                default: 0.2,
                max: 1.0,
                unit: "share",
                doc: "Share of a faction's strength elsewhere that people count when they judge its dominance in town (its power was unknown, likely overestimated).",
                source: "Haid 2017, ch. 5 ('the true extent of the group's power in the city ... was unknown ... likely overestimated'); value: assumption",
                ..WEIGHT
            },
        )?;
        let infighting = r(
            "infighting",
            raw.infighting,
            Real {
                default: 0.5,
                doc: "Push on local members per recent act against local armed groups (fighting rebels, not the regime).",
                source: "ICSR 2015, narrative 1; weight: assumption",
                ..WEIGHT
            },
        )?;
        let corruption = r(
            "corruption",
            raw.corruption,
            Real {
                default: 2.5,
                doc: "Push on local members of the foreign share of the faction in town (foreigners' privileges); none on foreign members, who hold the privileges.",
                source: "ICSR 2015, narrative 3; weight: assumption",
                ..WEIGHT
            },
        )?;
        let harshness = r(
            "harshness",
            raw.harshness,
            Real {
                default: 2.0,
                doc: "Push on members of strictness times their lack of commitment (a life harsher than promised).",
                source: "ICSR 2015, narrative 4 (mostly those who joined for selfish reasons); weight: assumption",
                ..WEIGHT
            },
        )?;
        let unpaid = r(
            "unpaid",
            raw.unpaid,
            Real {
                default: 3.0,
                doc: "Push on paid members (fighters) times the unpaid share of the payroll: a departure reason of its own (`unpaid`).",
                source: "ICSR 2015, narrative 4 (promised goods that did not materialise); weight: assumption",
                ..WEIGHT
            },
        )?;
        let join_commitment_gain = r(
            "join_commitment_gain",
            raw.join_commitment_gain,
            Real { default: 0.1, doc: "Share of the way to full commitment a person moves on joining.", ..SHARE },
        )?;
        let exposure_commitment_gain = r(
            "exposure_commitment_gain",
            raw.exposure_commitment_gain,
            Real { default: 0.05, doc: "Share of the way to full commitment moved per reconsideration, times exposure (courses and sermons).", ..SHARE },
        )?;
        let leave_commitment_drop = r(
            "leave_commitment_drop",
            raw.leave_commitment_drop,
            Real {
                default: 0.3,
                doc: "Share of commitment lost on leaving a faction: only part (disengagement is not deradicalisation).",
                source: "Marsden 2015 ('only a small number reappraised their commitment to jihadi ideology'); value: assumption",
                ..SHARE
            },
        )?;
        let ties_away = r(
            "ties_away",
            raw.ties_away,
            Real {
                default: 0.5,
                min: 0.0,
                max: 20.0,
                unit: "utility per share of contacts",
                doc: "Pull of the faction from contacts with it away (elsewhere or detained), per share of one's contacts: ties reach across places.",
                source: "Daly, Paler and Samii (2020): ties to commanders and fellow fighters drive re-engagement; weight: assumption",
            },
        )?;
        let exclusion = r(
            "exclusion",
            raw.exclusion,
            Real {
                default: 0.5,
                min: 0.0,
                max: 20.0,
                unit: "utility",
                doc: "What staying a civilian loses for someone of an ostracised household ('ISIS family') who is displaced: no community to keep, nothing to lose by joining.",
                source: "Hassan 2022: families 'ostracized by those same neighbors, unable to return home' could drive 'another wave'; weight: assumption",
            },
        )?;
        Ok(Params {
            ties_away,
            exclusion,
            reconsider_rate,
            support_constant,
            fight_constant,
            group_constant,
            inertia,
            money,
            services,
            registered,
            protection,
            ideology,
            exposure,
            social,
            standing,
            grievance,
            stigma,
            fight_risk,
            age_pull,
            group_social,
            group_resistance,
            protection_menace_half,
            flight_cost,
            perceived_elsewhere,
            infighting,
            corruption,
            harshness,
            unpaid,
            join_commitment_gain,
            exposure_commitment_gain,
            leave_commitment_drop,
        })
    }
}
