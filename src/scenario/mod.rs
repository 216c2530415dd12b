//! Scenarios in two stages: [`RawScenario`] mirrors the TOML file (unknown keys
//! rejected, every value optional), and [`Scenario`] holds validated, typed
//! values with defaults filled in. The core accepts only a `Scenario`.

mod check;
mod error;
mod source;

use std::collections::BTreeMap;
use std::path::Path;

pub use check::{Check, Int, ParamDoc, Real, fmt_real};
pub use error::{Location, ScenarioError};
pub use source::{Layer, ReadSource, Sources, locate_offset};

use crate::faction;
use crate::process::{
    affiliation, aftermath, amnesty, breaking_the_walls, confrontation, demography, detention, displacement_and_return, environment, insurgency, mobilisation,
    prisoners, relaxation, soft_power, surveillance_and_coercion,
};
use crate::society::{groups, institutions, network, population};

/// The most days a run may simulate: the scenario's `days`, a sweep's `days`
/// and `--days` on the command line share it.
pub const MAX_DAYS: u32 = 100_000;

/// The most factions a scenario may declare (each adds columns and state).
pub const MAX_FACTIONS: usize = 8;

/// The TOML file as written: every key optional, unknown keys rejected.
#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawScenario {
    pub base: Option<String>,
    pub name: Option<String>,
    pub description: Option<String>,
    pub model: Option<String>,
    pub seed: Option<i64>,
    pub days: Option<i64>,
    pub population: Option<population::Raw>,
    pub network: Option<network::Raw>,
    pub armed_groups: Option<groups::Raw>,
    pub institutions: Option<institutions::Raw>,
    pub factions: Option<BTreeMap<String, faction::Raw>>,
    pub environment: Option<environment::Raw>,
    pub soft_power: Option<soft_power::Raw>,
    pub coercion: Option<surveillance_and_coercion::Raw>,
    pub affiliation: Option<affiliation::Raw>,
    pub mobilisation: Option<mobilisation::Raw>,
    pub amnesty: Option<amnesty::Raw>,
    pub government: Option<crate::process::government_offer::Raw>,
    pub confrontation: Option<confrontation::Raw>,
    pub counter_offensive: Option<crate::process::counter_offensive::Raw>,
    pub aftermath: Option<aftermath::Raw>,
    pub prisoners: Option<prisoners::Raw>,
    pub relaxation: Option<relaxation::Raw>,
    pub region: Option<crate::region::Raw>,
    pub demography: Option<demography::Raw>,
    pub displacement: Option<displacement_and_return::Raw>,
    pub detention: Option<detention::Raw>,
    pub breaking_the_walls: Option<breaking_the_walls::Raw>,
    pub insurgency: Option<insurgency::Raw>,
    pub epstein: Option<crate::epstein::params::Raw>,
}

/// Which model of the engine a scenario runs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Model {
    /// The main model (docs/model.md).
    Resist,
    /// Epstein's civil violence model (2002), the field's reference model.
    Epstein,
}

/// A validated scenario: what the core runs.
#[derive(Clone, Debug, PartialEq)]
pub struct Scenario {
    pub name: String,
    pub description: String,
    pub model: Model,
    pub seed: u64,
    pub days: u32,
    pub population: population::Params,
    pub network: network::Params,
    pub armed_groups: groups::Params,
    pub institutions: institutions::Params,
    /// Factions ordered by name.
    pub factions: Vec<faction::Params>,
    pub environment: environment::Params,
    pub soft_power: soft_power::Params,
    pub coercion: surveillance_and_coercion::Params,
    pub affiliation: affiliation::Params,
    pub mobilisation: mobilisation::Params,
    pub amnesty: amnesty::Params,
    /// The government's offer and how people weigh offers (docs/model.md, 7.22).
    pub government: crate::process::government_offer::Params,
    pub confrontation: confrontation::Params,
    /// The state's counter-offensives on towns a faction holds (docs/model.md, 7.23).
    pub counter_offensive: crate::process::counter_offensive::Params,
    pub aftermath: aftermath::Params,
    pub prisoners: prisoners::Params,
    pub relaxation: relaxation::Params,
    /// The region's places (docs/model.md, 7.13).
    pub region: crate::region::Params,
    pub demography: demography::Params,
    pub displacement: displacement_and_return::Params,
    pub detention: detention::Params,
    pub breaking_the_walls: breaking_the_walls::Params,
    pub insurgency: insurgency::Params,
    /// Epstein's model's parameters (used when `model = "epstein"`).
    pub epstein: crate::epstein::Params,
    /// The resolved scenario as TOML: every parameter, defaults included.
    pub resolved: String,
}

impl Scenario {
    /// Whether a faction has a campaign or tawba, or the government makes
    /// offers to members: the run records the defection strategies (7.20-7.22).
    pub fn strategies_on(&self) -> bool {
        self.factions.iter().any(|f| f.campaign.active() || f.tawba.active())
            || (self.government.offers() && self.government.defection_reach_per_week > 0.0)
            || self.counter_offensive.offensives_per_year > 0.0
    }

    /// Load, merge and validate a scenario file and its bases.
    pub fn load(path: &Path, reader: &dyn ReadSource) -> Result<Scenario, ScenarioError> {
        Scenario::load_with(path, reader, &[])
    }

    /// [`Scenario::load`] with `overrides` laid over the file, the first on
    /// top (the command line's `--set key=value`, see [`Layer::set`]).
    pub fn load_with(path: &Path, reader: &dyn ReadSource, overrides: &[Layer]) -> Result<Scenario, ScenarioError> {
        let mut sources = Sources::load(path, reader)?;
        // An override changes a faction the files name; a misspelt name would
        // otherwise add a faction with every default (`--set factions.isys.x=1`).
        let merged = sources.merged();
        let named: Vec<&String> = match merged.get("factions") {
            Some(toml::Value::Table(f)) => f.keys().collect(),
            _ => Vec::new(),
        };
        for layer in overrides {
            if let Some(toml::Value::Table(f)) = layer.table.get("factions")
                && let Some(extra) = f.keys().find(|k| !named.contains(k))
            {
                let list: Vec<String> = named.iter().map(|n| format!("`{n}`")).collect();
                return Err(ScenarioError::Invalid {
                    at: Location { file: layer.name.clone(), line: 1, column: 1 },
                    key: format!("factions.{extra}"),
                    message: format!(
                        "the scenario has no faction `{extra}` (it has {}): an override changes a faction, it cannot add one; write a new faction in a scenario file",
                        if list.is_empty() { "none".to_string() } else { list.join(", ") }
                    ),
                });
            }
        }
        for (k, layer) in overrides.iter().enumerate() {
            sources.layers.insert(k, layer.clone());
        }
        Scenario::from_sources(&sources)
    }

    /// Validate a scenario given as text (a manifest's resolved scenario, a test).
    pub fn from_text(name: &str, text: &str) -> Result<Scenario, ScenarioError> {
        let sources = Sources::from_text(name, text.to_string())?;
        Scenario::from_sources(&sources)
    }

    pub fn from_sources(sources: &Sources) -> Result<Scenario, ScenarioError> {
        // Types and unknown keys are checked file by file, so that the error
        // points into the file that has the mistake.
        for layer in &sources.layers {
            // Counted before the typed parse, which would build every faction.
            if let Some(toml::Value::Table(f)) = layer.table.get("factions")
                && f.len() > MAX_FACTIONS
            {
                let extra = f.keys().nth(MAX_FACTIONS).map(String::as_str).unwrap_or_default();
                let at = layer.find(&["factions", extra]).map(|(l, _)| l).unwrap_or_else(|| source::locate_offset(&layer.name, &layer.text, 0));
                return Err(ScenarioError::Invalid { at, key: "factions".into(), message: format!("{} factions: allowed at most {MAX_FACTIONS}", f.len()) });
            }
            if let Err(e) = toml::from_str::<RawScenario>(&layer.text) {
                return Err(layer.type_error(&e));
            }
        }
        let merged = sources.merged();
        let raw: RawScenario = toml::Value::Table(merged).try_into().map_err(|e: toml::de::Error| ScenarioError::Invalid {
            at: sources.locate(&[]),
            key: String::new(),
            message: e.message().to_string(),
        })?;
        let mut c = Check::new(Some(sources));
        resolve(&raw, &mut c)
    }

    /// Check the values of a resolved scenario's table (a sweep's design
    /// point, its values set) as `from_text` would, many times faster: no
    /// text is built or parsed, nothing is recorded. Errors name the key; they
    /// locate no file, for none holds the table.
    pub fn check_values(table: toml::Table) -> Result<(), ScenarioError> {
        let raw: RawScenario = toml::Value::Table(table).try_into().map_err(|e: toml::de::Error| ScenarioError::Invalid {
            at: Location { file: "<design point>".into(), line: 1, column: 1 },
            key: String::new(),
            message: error::plain_types(e.message()),
        })?;
        resolve(&raw, &mut Check::quiet()).map(|_| ())
    }

    /// The 64-bit blake3 prefix of the resolved text, as hex: names the scenario exactly.
    pub fn hash(&self) -> String {
        blake3::hash(self.resolved.as_bytes()).to_hex()[..16].to_string()
    }

    /// Index of a faction by name.
    pub fn faction(&self, name: &str) -> Option<usize> {
        self.factions.iter().position(|f| f.name == name)
    }
}

fn resolve(raw: &RawScenario, c: &mut Check) -> Result<Scenario, ScenarioError> {
    let name = c.text("name", raw.name.as_deref(), "unnamed", "The scenario's name, shown in outputs and charts.");
    let description = c.text("description", raw.description.as_deref(), "", "What the scenario is for.");
    let model = c.choice(
        "model",
        raw.model.as_deref(),
        &[("resist", Model::Resist), ("epstein", Model::Epstein)],
        "resist",
        "Which model of the engine runs the scenario: the main model (docs/model.md) or Epstein's civil violence model (2002, `[epstein]`).",
        "docs/model.md; Epstein (2002)",
    )?;
    let seed = c.int(
        "seed",
        raw.seed,
        Int {
            default: 1,
            min: 0,
            max: i64::MAX,
            unit: "",
            doc: "Master seed; `resist run --seed` overrides it. Every random stream derives from (seed, replicate, stream).",
            source: "",
        },
    )? as u64;
    let days = c.int(
        "days",
        raw.days,
        Int {
            default: 365,
            min: 1,
            max: i64::from(MAX_DAYS),
            unit: "days",
            doc: "Days to simulate (1 tick = 1 day); `resist run --days` overrides it.",
            source: "docs/model.md, Scales",
        },
    )? as u32;
    let mut population = c.section("population", |c| population::Params::resolve(&raw.population.clone().unwrap_or_default(), c))?;
    let network =
        c.section("network", |c| network::Params::resolve(&raw.network.clone().unwrap_or_default(), c, population.people, population.family_size_mean))?;
    let ties = f64::from(population.people) * (population.household_size_mean + network.kin_degree + network.peer_degree);
    if ties > 3.5e9 {
        return Err(c.fail_in(
            "network",
            "peer_degree",
            format!("the network would hold about {ties:.0} tie entries: allowed people x (household size + kin_degree + peer_degree) up to 3.5 billion"),
        ));
    }
    let armed_groups = c.section("armed_groups", |c| groups::Params::resolve(&raw.armed_groups.clone().unwrap_or_default(), c, &population))?;
    let institutions = c.section("institutions", |c| institutions::Params::resolve(&raw.institutions.clone().unwrap_or_default(), c))?;
    let factions = c.section("factions", |c| {
        let mut out = Vec::new();
        for (name, f) in raw.factions.iter().flatten() {
            if !faction::valid_name(name) {
                return Err(c.fail(
                    name,
                    format!(
                        "\"{name}\" is not a usable faction name: allowed lower-case letters, digits and `_`, starting with a letter, at most 32 characters"
                    ),
                ));
            }
            out.push(c.section(name, |c| faction::Params::resolve(name, f, c))?);
        }
        if out.len() > MAX_FACTIONS {
            return Err(c.fail("", format!("{} factions: allowed at most {MAX_FACTIONS}", out.len())));
        }
        // The factions' pools elsewhere are people of the run too: refuse up
        // front a run that would not fit in memory.
        let mut total = u64::from(population.people);
        for f in &out {
            total += u64::from(f.strength_elsewhere);
            if total > u64::from(population::MAX_PEOPLE) {
                return Err(c.fail_in(&f.name,
                            "strength_elsewhere",
                            format!(
                                "the town's {} people and the factions' fighters elsewhere come to {total} people: allowed at most {} in all (population.people + every strength_elsewhere)",
                                population.people,
                                population::MAX_PEOPLE
                            ),
                        ));
            }
        }
        let names: Vec<String> = out.iter().map(|f: &faction::Params| f.name.clone()).collect();
        for f in &out {
            if let Some(rival) = &f.wakes_when_expelled
                && (!names.contains(rival) || *rival == f.name)
            {
                let allowed: Vec<String> = names.iter().filter(|n| **n != f.name).map(|n| format!("\"{n}\"")).collect();
                return Err(c.fail_in(&f.name,
                            "wakes_when_expelled",
                            format!(
                                "\"{rival}\" is not another faction of this scenario: allowed {}",
                                if allowed.is_empty() { "none (declare the rival faction)".to_string() } else { allowed.join(", ") }
                            ),
                        ));
            }
        }
        Ok(out)
    })?;
    let faction_names: Vec<String> = factions.iter().map(|f| f.name.clone()).collect();
    let pools: Vec<(String, u32)> = factions.iter().map(|f| (f.name.clone(), f.strength_elsewhere)).collect();
    let region =
        c.section("region", |c| crate::region::resolve(&raw.region.clone().unwrap_or_default(), c, raw.region.is_some(), population.people, &pools))?;
    let towns_listed = raw.region.as_ref().is_some_and(|r| r.towns.is_some() || r.generated_towns.is_some());
    if towns_listed {
        let total = region.town_people();
        if total == 0 || total > u64::from(population::MAX_PEOPLE) {
            return Err(c.fail_in("region", "towns", format!("the towns hold {total} people: allowed 1 to {}", population::MAX_PEOPLE)));
        }
        // The resolved scenario records the towns' total, so it reads back.
        if raw.population.as_ref().and_then(|p| p.people).is_some_and(|p| p != total as i64) {
            return Err(c.fail_in(
                "population",
                "people",
                format!("a region that lists its towns takes its people from them ({total}): allowed only that number or no `population.people` (set each town's `people`)"),
            ));
        }
        population.people = total as u32;
        c.section("population", |c| {
            c.record_int("people", total as i64);
            Ok(())
        })?;
    }
    let everyone = u64::from(population.people)
        + u64::from(crate::society::settle::foreign_detainees(&region))
        + factions.iter().map(|f| u64::from(f.strength_elsewhere)).sum::<u64>();
    if everyone > u64::from(population::MAX_PEOPLE) {
        return Err(c.fail_in(
            "region",
            "camps",
            format!(
                "the towns, the foreign detainees and the factions' fighters elsewhere come to {everyone} people: allowed at most {} in all",
                population::MAX_PEOPLE
            ),
        ));
    }
    if region.detained_people() > u64::from(population.people) {
        return Err(c.fail_in("region", "camps", format!(
            "the camps and prisons hold {} people at the start but the towns have {}: the local detainees come from the towns, allowed at most their people",
            region.detained_people(),
            population.people
        )));
    }
    // A person's group is a 16-bit number: every town's groups together must fit.
    let all_groups = u64::from(armed_groups.count) * region.towns.max(1) as u64;
    if all_groups > 65_000 {
        return Err(c.fail_in(
            "armed_groups",
            "count",
            format!("{} groups in each of {} towns make {all_groups}: allowed at most 65000 in all", armed_groups.count, region.towns),
        ));
    }
    let demography = c.section("demography", |c| demography::Params::resolve(&raw.demography.clone().unwrap_or_default(), c))?;
    let displacement = c.section("displacement", |c| displacement_and_return::Params::resolve(&raw.displacement.clone().unwrap_or_default(), c))?;
    let detention = c.section("detention", |c| detention::Params::resolve(&raw.detention.clone().unwrap_or_default(), c, &faction_names))?;
    let breaking_the_walls =
        c.section("breaking_the_walls", |c| breaking_the_walls::Params::resolve(&raw.breaking_the_walls.clone().unwrap_or_default(), c))?;
    let insurgency = c.section("insurgency", |c| insurgency::Params::resolve(&raw.insurgency.clone().unwrap_or_default(), c))?;
    let environment = c.section("environment", |c| environment::Params::resolve(&raw.environment.clone().unwrap_or_default(), c))?;
    let soft_power = c.section("soft_power", |c| soft_power::Params::resolve(&raw.soft_power.clone().unwrap_or_default(), c))?;
    let coercion = c.section("coercion", |c| surveillance_and_coercion::Params::resolve(&raw.coercion.clone().unwrap_or_default(), c))?;
    let affiliation = c.section("affiliation", |c| affiliation::Params::resolve(&raw.affiliation.clone().unwrap_or_default(), c))?;
    let mobilisation = c.section("mobilisation", |c| mobilisation::Params::resolve(&raw.mobilisation.clone().unwrap_or_default(), c))?;
    let amnesty = c.section("amnesty", |c| amnesty::Params::resolve(&raw.amnesty.clone().unwrap_or_default(), c))?;
    let government = c.section("government", |c| crate::process::government_offer::Params::resolve(&raw.government.clone().unwrap_or_default(), c))?;
    let confrontation = c.section("confrontation", |c| confrontation::Params::resolve(&raw.confrontation.clone().unwrap_or_default(), c))?;
    let counter_offensive =
        c.section("counter_offensive", |c| crate::process::counter_offensive::Params::resolve(&raw.counter_offensive.clone().unwrap_or_default(), c))?;
    let aftermath = c.section("aftermath", |c| aftermath::Params::resolve(&raw.aftermath.clone().unwrap_or_default(), c))?;
    let prisoners = c.section("prisoners", |c| prisoners::Params::resolve(&raw.prisoners.clone().unwrap_or_default(), c))?;
    let relaxation = c.section("relaxation", |c| relaxation::Params::resolve(&raw.relaxation.clone().unwrap_or_default(), c))?;
    let epstein = c.section("epstein", |c| crate::epstein::Params::resolve(&raw.epstein.clone().unwrap_or_default(), c))?;
    Ok(Scenario {
        name,
        description,
        model,
        seed,
        days,
        population,
        network,
        armed_groups,
        institutions,
        factions,
        environment,
        soft_power,
        coercion,
        affiliation,
        mobilisation,
        amnesty,
        government,
        confrontation,
        counter_offensive,
        aftermath,
        prisoners,
        relaxation,
        region,
        demography,
        displacement,
        detention,
        breaking_the_walls,
        insurgency,
        epstein,
        resolved: c.resolved_toml(),
    })
}

/// Every parameter with its default, range, unit, meaning and source, in the
/// order a scenario file lists them (one example faction stands for all).
pub fn reference() -> Vec<ParamDoc> {
    // One example of each named table stands for all: a town, a camp, a prison.
    let region = crate::region::Raw {
        generated_towns: Some(Default::default()),
        towns: Some(BTreeMap::from([("example".to_string(), Default::default())])),
        camps: Some(BTreeMap::from([("example_camp".to_string(), Default::default())])),
        prisons: Some(BTreeMap::from([("example_prison".to_string(), crate::region::RawDetention { capacity: Some(10_000), ..Default::default() })])),
    };
    let raw =
        RawScenario { factions: Some(BTreeMap::from([("example".to_string(), faction::Raw::default())])), region: Some(region), ..RawScenario::default() };
    let mut c = Check::new(None);
    resolve(&raw, &mut c).expect("the defaults are valid");
    c.into_docs()
        .into_iter()
        .map(|mut d| {
            d.key = generic_key(&d.key);
            d
        })
        .collect()
}

/// A key with the names of factions and places replaced by `<name>`.
fn generic_key(key: &str) -> String {
    let parts: Vec<&str> = key.split('.').collect();
    match parts.as_slice() {
        ["factions", _, rest @ ..] if !rest.is_empty() => format!("factions.<name>.{}", rest.join(".")),
        ["region", table @ ("towns" | "camps" | "prisons"), _, rest @ ..] if !rest.is_empty() => format!("region.{table}.<name>.{}", rest.join(".")),
        _ => key.to_string(),
    }
}

/// The declaration of the parameter at a dotted key path of a resolved
/// scenario (a faction's keys under any faction name), from `reference()`.
pub fn declaration<'a>(reference: &'a [ParamDoc], key: &str) -> Option<&'a ParamDoc> {
    let generic = generic_key(key);
    reference.iter().find(|d| d.key == generic)
}

/// The scenario reference as a Markdown document (docs/scenario-reference.md).
pub fn reference_markdown() -> String {
    let mut out = String::from(
        "# Scenario reference\n\n\
         Generated by `resist params --markdown` from the declarations in the code; a test keeps this file current.\n\
         Every key is optional: a missing key takes its default. Unknown keys are errors. A scenario may start from\n\
         another with `base = \"other.toml\"` (a path relative to the file) and override any key; tables merge key by key.\n\n\
         | key | type | default | allowed | unit | meaning | source |\n|---|---|---|---|---|---|---|\n",
    );
    for d in reference() {
        out.push_str(&format!(
            "| `{}` | {} | {} | {} | {} | {} | {} |\n",
            d.key,
            d.kind,
            d.default,
            d.allowed,
            d.unit,
            d.doc.replace('|', "\\|"),
            d.source.replace('|', "\\|")
        ));
    }
    out
}
