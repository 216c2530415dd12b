//! Local armed groups (FSA-like brigades): a commander, members drawn from a
//! few families (fighters are locals with family ties), heavy weapons, and the
//! commander's reluctance to turn on a faction (fear of reprisal, internal
//! division, seeing the faction as an ally against the regime).

use rand::RngExt;
use rand_distr::{Beta, Distribution, Poisson};

use super::Layout;
use super::people::{AgeClass, Flags, People, Status};
use crate::rng::{RunKey, Stream};
use crate::scenario::{Check, Int, Real, ScenarioError};

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Raw {
    pub count: Option<i64>,
    pub size_mean: Option<f64>,
    pub reluctance_mean: Option<f64>,
    pub reluctance_concentration: Option<f64>,
    pub weapons_mean: Option<f64>,
    pub enlist_share: Option<f64>,
}

#[derive(Clone, Debug, PartialEq)]
pub struct Params {
    pub count: u32,
    pub size_mean: f64,
    pub reluctance_mean: f64,
    pub reluctance_concentration: f64,
    pub weapons_mean: f64,
    pub enlist_share: f64,
}

impl Params {
    pub fn resolve(raw: &Raw, c: &mut Check, pop: &super::population::Params) -> Result<Params, ScenarioError> {
        let count = c.int(
            "count",
            raw.count,
            Int {
                default: 5,
                min: 0,
                max: 10_000,
                unit: "groups per town",
                doc: "Number of local armed groups in each town (a region's towns each raise this many from their own families).",
                source: "assumption; Atarib's FSA brigades, among them al-Mutasem Bi' Allah (Haid 2017, ch. 2)",
            },
        )? as u32;
        let size_mean = c.real(
            "size_mean",
            raw.size_mean,
            Real {
                default: 60.0,
                min: 1.0,
                max: 1_000_000.0,
                unit: "fighters",
                doc: "Mean number of fighters in a local armed group (Poisson).",
                source: "assumption",
            },
        )?;
        // Fighters are male youth and adults; there must be enough of them.
        let men = f64::from(pop.people) * (pop.age_shares[1] + pop.age_shares[2]) / 2.0;
        if f64::from(count) * size_mean > men {
            return Err(c.fail("size_mean", format!(
                "{count} groups of {size_mean} fighters need more men of fighting age than the town has (about {men:.0}): allowed count x size_mean up to {men:.0}"
            )));
        }
        let reluctance_mean = c.real(
            "reluctance_mean",
            raw.reluctance_mean,
            Real {
                default: 0.5,
                min: 0.0,
                max: 1.0,
                unit: "share",
                doc: "Mean reluctance of commanders to fight a faction (Beta distributed).",
                source: "assumption; FSA groups made common cause with any group against the regime (Haid 2017, ch. 3)",
            },
        )?;
        let reluctance_concentration = c.real(
            "reluctance_concentration",
            raw.reluctance_concentration,
            Real {
                default: 6.0,
                min: 0.1,
                max: 10_000.0,
                unit: "Beta a + b",
                doc: "Concentration of the commanders' reluctance around its mean.",
                source: "assumption",
            },
        )?;
        let weapons_mean = c.real(
            "weapons_mean",
            raw.weapons_mean,
            Real {
                default: 3.0,
                min: 0.0,
                max: 10_000.0,
                unit: "heavy weapons",
                doc: "Mean number of heavy weapons per group (Poisson).",
                source: "assumption",
            },
        )?;
        let enlist_share = c.real(
            "enlist_share",
            raw.enlist_share,
            Real {
                default: 0.5,
                min: 0.01,
                max: 1.0,
                unit: "share",
                doc: "Share of the men of fighting age in a group's families who serve in it (fighters are locals with family ties).",
                source: "assumption; local groups drew on family networks (Haid 2017, ch. 2)",
            },
        )?;
        Ok(Params { enlist_share, count, size_mean, reluctance_mean, reluctance_concentration, weapons_mean })
    }
}

/// One local armed group.
#[derive(Clone, Debug, PartialEq)]
pub struct ArmedGroup {
    /// The commander's index, or `u32::MAX` while the group has none.
    pub commander: u32,
    /// The family the group was raised in (it also draws on neighbouring families).
    pub home_family: u32,
    pub reluctance: f32,
    pub weapons: u32,
    pub members: u32,
    /// The town it belongs to (a place of the region): it is raised there,
    /// answers that town's council and defends that town's base.
    pub town: u16,
}

/// Raise the groups, `count` in each town of the region (docs/model.md,
/// 7.13: each town is a community with its own groups): each draws its
/// fighters from its home family and the families of its town that follow it
/// in order (wrapping round), men of fighting age who are not yet in a group.
/// The first adult recruit commands; failing an adult, the first recruit.
/// Every group keeps its number, which is what `People::group` holds; a small
/// town may give its groups fewer men than `size_mean`.
pub fn raise(p: &Params, layout: &Layout, towns: usize, people: &mut People, key: &RunKey) -> Vec<ArmedGroup> {
    let mut rng = key.stream(Stream::ArmedGroups, 0, 0);
    let size_d = (p.size_mean > 0.0).then(|| Poisson::new(p.size_mean).expect("validated mean"));
    let rel_d = (p.reluctance_mean > 0.0 && p.reluctance_mean < 1.0)
        .then(|| Beta::new(p.reluctance_mean * p.reluctance_concentration, (1.0 - p.reluctance_mean) * p.reluctance_concentration).expect("validated Beta"));
    let weapons_d = (p.weapons_mean > 0.0).then(|| Poisson::new(p.weapons_mean).expect("validated mean"));
    let mut groups = Vec::with_capacity(p.count as usize * towns.max(1));
    for (town, (first, end)) in town_families(layout, towns).into_iter().enumerate() {
        let families = end - first;
        if families == 0 {
            continue;
        }
        for _ in 0..p.count {
            let g = groups.len() as u16;
            let home = first + rng.random_range(0..families);
            let want = size_d.as_ref().map(|d| d.sample(&mut rng) as u32).unwrap_or(0).max(1);
            let mut members = 0u32;
            let mut commander = None;
            // Walk outward from the home family until the group is full or the town is exhausted.
            'families: for step in 0..families {
                let f = first + (home - first + step) % families;
                for i in layout.family_start[f]..layout.family_start[f + 1] {
                    let iu = i as usize;
                    let fit = people.fighting_age_man(iu) && people.status[iu] == Status::Civilian;
                    if fit && rng.random::<f64>() < p.enlist_share {
                        people.assign(iu, Status::LocalFighter, people.faction[iu]);
                        people.group[iu] = g;
                        people.flags[iu].set(Flags::ARMED);
                        if commander.is_none() && people.age[iu] == AgeClass::Adult {
                            commander = Some(i);
                        }
                        members += 1;
                        if members >= want {
                            break 'families;
                        }
                    }
                }
            }
            // Failing an adult recruit, the first recruit commands; a group that
            // found nobody at all (an exhausted town) keeps its number, leaderless.
            let (a, b) = (layout.family_start[first] as usize, layout.family_start[end] as usize);
            let commander = commander.or_else(|| (a..b).find(|&i| people.group[i] == g).map(|i| i as u32)).unwrap_or(u32::MAX);
            if commander != u32::MAX {
                people.flags[commander as usize].set(Flags::COMMANDER);
            }
            let reluctance = rel_d.as_ref().map(|d| d.sample(&mut rng)).unwrap_or(p.reluctance_mean) as f32;
            let weapons = weapons_d.as_ref().map(|d| d.sample(&mut rng) as u32).unwrap_or(0);
            groups.push(ArmedGroup { commander, home_family: home as u32, reluctance, weapons, members, town: town as u16 });
        }
    }
    groups
}

/// Each town's families as a range `first..end` (families are contiguous
/// within a town's block of people).
fn town_families(layout: &Layout, towns: usize) -> Vec<(usize, usize)> {
    let fs = &layout.family_start[..=layout.local_families];
    let at = |person: u32| fs.partition_point(|&s| s < person);
    if towns <= 1 || layout.blocks.len() < towns {
        // One town: every local family (as before places existed).
        return vec![(0, layout.local_families)];
    }
    layout.blocks[..towns].iter().map(|&(a, b)| (at(a), at(b))).collect()
}
