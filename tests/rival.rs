//! The rival's move, the first success and the faction's revival (issue 13;
//! docs/model.md, patterns 8 to 10; Haid 2017, ch. 7; Ingram and Mohammed
//! 2022; Iraq—and the West—Haven't Finished the Job (2022)), over 100
//! replicates each of 550 days. Differences between scenarios are 99% confidence
//! intervals that must exclude zero; each pattern has its ablation twin.

mod common;

use common::*;
use resist::process::confrontation::Outcome;
use resist::scenario::Scenario;
use resist::sim::RunOutput;

const SEED: u64 = 2015;
const REPS: u64 = 100;
/// The rival moves by about day 470 in every replicate seen, and an expelled
/// faction's returns come by about day 470 too: 550 days cover both.
const DAYS: u32 = 550;

/// The runs of `scenarios/atarib.toml`, shared by the tests of this file.
fn atarib() -> &'static [Run] {
    static RUNS: std::sync::OnceLock<Vec<Run>> = std::sync::OnceLock::new();
    RUNS.get_or_init(|| runs(&scenario("scenarios/atarib.toml"), DAYS))
}

/// What a run says about the rival and about the revival of the faction it replaced.
#[derive(Clone, Debug)]
struct Run {
    reconciliation: Option<u32>,
    attack_day: Option<u32>,
    stormed: bool,
    base_taken: bool,
    town_taken: bool,
    resisted: f64,
    groups_joined: u64,
    /// The expelled faction (isis) came back to town.
    returned: bool,
    /// Its locals elsewhere at the end: those who would lead a return.
    locals_elsewhere: u64,
}

fn run_of(o: &RunOutput) -> Run {
    let r = o.summary.rival.as_ref().expect("Atarib has a rival");
    Run {
        reconciliation: o.summary.aftermath.reconciliation_day,
        attack_day: r.attack_day,
        stormed: r.stormed_town,
        base_taken: r.base_taken,
        town_taken: r.town_taken || r.outcome == Some(Outcome::FactionHolds),
        resisted: r.resisted_share,
        groups_joined: r.groups_joined,
        returned: o.events.iter().any(|e| e.kind == "faction_returns" && e.actor == "isis"),
        locals_elsewhere: o.summary.factions[0].locals_elsewhere_end,
    }
}

fn runs(s: &Scenario, days: u32) -> Vec<Run> {
    replicates(s, SEED, REPS, days, run_of)
}

fn share(v: &[Run], f: impl Fn(&Run) -> bool) -> Vec<f64> {
    v.iter().map(|r| f64::from(u8::from(f(r)))).collect()
}

#[test]
fn pattern_8_a_year_on_the_rival_takes_the_base_by_night_not_the_town_resisted_by_civilians_while_groups_mediate() {
    let base = atarib();
    let moved: Vec<&Run> = base.iter().filter(|r| r.attack_day.is_some()).collect();
    assert!(moved.len() >= 80, "the rival moved in {} of {REPS}", moved.len());
    // Months after the reconciliation (the source: about a year), never at once.
    let after: Vec<f64> = moved.iter().filter_map(|r| Some(f64::from(r.attack_day? - r.reconciliation?))).collect();
    assert!(after.iter().all(|&d| d >= 60.0), "a move within two months of the reconciliation: {after:?}");
    assert!((150.0..=450.0).contains(&mean(&after)), "mean days from reconciliation to the move {:.0}", mean(&after));
    // The groups mediate; the base is taken without the town in most.
    assert!(moved.iter().all(|r| r.groups_joined == 0), "a group joined against the rival");
    let base_not_town = moved.iter().filter(|r| r.base_taken && !r.stormed && !r.town_taken).count();
    assert!(base_not_town as f64 > 0.5 * moved.len() as f64, "base but not town in {base_not_town} of {}", moved.len());
    let resisted: Vec<f64> = moved.iter().map(|r| r.resisted).collect();
    assert!(mean_ci(&resisted).0 > 0.0, "share mobilised against the rival {:?}", mean_ci(&resisted));
    // Twin 1, by day: the mobilised town is awake and turns out to the base,
    // so the base falls less often ("It would have been completely different
    // if the fighting had happened during the day", ch. 7).
    let by_day = runs(&variant("atarib.toml", "[factions.nusra.fighting]\nattack_at_night = false\n"), DAYS);
    let taken = |v: &[Run]| share(v, |r| r.base_taken);
    let d = diff_ci(&taken(base), &taken(&by_day));
    assert!(d.0 > 0.0, "base taken, by night minus by day: {d:?}");
    // Twin 2, groups that see no ally: their commanders' stance (7.5) would
    // bring them in, and the rival, whose soundings expect them, waits longer
    // for its chance (a run without a move counts as moving on the last day).
    // The share of bases taken is not the measure: a rival that waits for
    // better odds takes the base as often when it does move (docs/model.md, 7.10).
    let no_ally = runs(&variant("atarib.toml", "[factions.nusra]\nseen_as_ally = 0.0\n"), DAYS);
    assert!(no_ally.iter().filter(|r| r.attack_day.is_some()).any(|r| r.groups_joined > 0), "groups join a fight against a faction they do not see as an ally");
    let move_day = |v: &[Run]| v.iter().map(|r| f64::from(r.attack_day.unwrap_or(DAYS))).collect::<Vec<f64>>();
    let d = diff_ci(&move_day(&no_ally), &move_day(base));
    assert!(d.0 > 0.0, "day of the move, groups joining minus mediating: {d:?}");
}

#[test]
fn pattern_9_without_the_first_success_the_rival_storms_and_takes_the_town_more_through_the_peoples_thresholds() {
    let town = |v: &[Run]| share(v, |r| r.town_taken);
    let storm = |v: &[Run]| share(v, |r| r.stormed);
    let with = atarib();
    let without = runs(&scenario("scenarios/atarib-no-first-success.toml"), DAYS);
    let d = diff_ci(&town(&without), &town(with));
    assert!(d.0 > 0.0, "town taken, without minus with the first success: {d:?}");
    let d = diff_ci(&storm(&without), &storm(with));
    assert!(d.0 > 0.0, "storms, without minus with the first success: {d:?}");
    // Twin: the first success still raises efficacy, but efficacy no longer
    // lowers anyone's threshold: the rival storms as if there had been none.
    let deaf = runs(&variant("atarib.toml", "[mobilisation]\nefficacy_weight = 0.0\n"), DAYS);
    let d = diff_ci(&storm(&deaf), &storm(with));
    assert!(d.0 > 0.0, "storms, efficacy not in thresholds minus the defaults: {d:?}");
}

#[test]
fn the_rivals_move_day_varies_and_its_choice_responds_gradually_to_the_first_success() {
    // At the defaults the day of the move varies across replicates.
    let days: Vec<f64> = atarib().iter().filter_map(|r| r.attack_day.map(f64::from)).collect();
    let mut distinct: Vec<u32> = days.iter().map(|&d| d as u32).collect();
    distinct.sort_unstable();
    distinct.dedup();
    assert!(distinct.len() >= 20 && sd(&days) >= 15.0, "{} distinct move days, sd {:.1}", distinct.len(), sd(&days));
    // A sweep of the efficacy the first success brings: from always storming
    // to never, through intermediate shares (over 700 days: without the first
    // success the rival's storm comes 6 to 16 months after it wakes).
    let levels = [0.0, 0.05, 0.08, 0.12, 0.2];
    let shares: Vec<f64> = levels
        .iter()
        .map(|e| mean(&share(&runs(&variant("atarib.toml", &format!("[confrontation]\nsuccess_efficacy = {e}\n")), 700), |r| r.stormed)))
        .collect();
    assert!(shares[0] >= 0.9 && shares[4] <= 0.1, "storm shares {shares:?}");
    assert!(shares.iter().filter(|&&x| (0.05..=0.95).contains(&x)).count() >= 2, "intermediate shares {shares:?}");
    assert!(shares.windows(2).all(|w| w[1] <= w[0] + 0.1), "storming falls with efficacy {shares:?}");
}

#[test]
fn pattern_10_mass_detention_without_due_process_feeds_the_factions_revival() {
    // After a defeat (the rival holds the town) the opening is there; whether
    // the expelled faction comes back depends on its people elsewhere who know
    // the town, who lead a return: prisoners held without due process and freed
    // by a break join them. Atarib's custody is small (about 25 prisoners), so
    // the pool it feeds is the measure; a return follows in a few runs
    // (docs/model.md, 7.10: 5 of 60 over 700 days against 1 of 60).
    let broken = runs(&variant("atarib-no-first-success.toml", "[prisoners]\npolicy = \"hold\"\nprison_break_rate = 0.01\n"), 700);
    let due = runs(&variant("atarib-no-first-success.toml", "[prisoners]\npolicy = \"due_process\"\n"), 700);
    let pool = |v: &[Run]| v.iter().map(|r| r.locals_elsewhere as f64).collect::<Vec<f64>>();
    let d = diff_ci(&pool(&broken), &pool(&due));
    assert!(d.0 > 0.0, "its locals elsewhere at the end, held and broken out minus due process: {d:?}");
    let returned = |v: &[Run]| share(v, |r| r.returned);
    assert!(broken.iter().any(|r| r.returned), "the faction never came back after a prison break");
    assert!(
        mean(&returned(&broken)) > mean(&returned(&due)),
        "returns, broken out {:.2} vs due process {:.2}",
        mean(&returned(&broken)),
        mean(&returned(&due))
    );
    // Twin: held without a break, the pool stays behind walls.
    let held = runs(&variant("atarib-no-first-success.toml", "[prisoners]\npolicy = \"hold\"\n"), 700);
    let d = diff_ci(&pool(&broken), &pool(&held));
    assert!(d.0 > 0.0, "its locals elsewhere at the end, held and broken out minus held: {d:?}");
}
