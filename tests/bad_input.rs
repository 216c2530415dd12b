//! Bad input gets one clear message naming the file, line and column, the key
//! path and what is allowed; exit code 2; no panic; and nothing written.
#![allow(clippy::disallowed_methods)]

mod common;

use std::fs;

use common::*;

/// Write `files` into a fresh directory, run `resist run <first file> --out out`,
/// and check the exit code, that every `expect` fragment is in the message,
/// and that nothing else appeared in the directory.
fn assert_rejected(files: &[(&str, &str)], expect: &[&str]) -> String {
    let t = tempfile::tempdir().unwrap();
    for (name, text) in files {
        fs::write(t.path().join(name), text).unwrap();
    }
    let before = entries(t.path());
    let o = resist(t.path(), &["run", files[0].0, "--out", "out"], &[]);
    let err = stderr(&o);
    assert_eq!(o.status.code(), Some(2), "exit code; stderr: {err}");
    assert!(!err.contains("panicked"), "{err}");
    for e in expect {
        assert!(err.contains(e), "message lacks {e:?}: {err}");
    }
    assert_eq!(err.trim().lines().count(), 1, "one message: {err}");
    assert_eq!(entries(t.path()), before, "nothing may be written");
    err
}

#[test]
fn missing_scenario_file_is_named() {
    let t = tempfile::tempdir().unwrap();
    let o = resist(t.path(), &["run", "nowhere.toml", "--out", "out"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nowhere.toml: cannot read the scenario file: No such file or directory"), "{}", stderr(&o));
    assert!(entries(t.path()).is_empty());
}

#[test]
fn malformed_toml_points_at_line_and_column() {
    assert_rejected(&[("bad.toml", "name = \"x\"\n[population\npeople = 100\n")], &["bad.toml:2:12:", "malformed TOML"]);
}

#[test]
fn unknown_key_is_named_with_the_allowed_keys() {
    assert_rejected(&[("bad.toml", "[network]\npeer_degre = 3.0\n")], &["bad.toml:2:1:", "`network.peer_degre`", "unknown field", "`peer_degree`"]);
}

#[test]
fn unknown_top_level_table_is_rejected() {
    assert_rejected(&[("bad.toml", "[populaton]\npeople = 100\n")], &["bad.toml:1:", "unknown field `populaton`", "`population`"]);
}

#[test]
fn wrong_type_says_what_is_expected() {
    assert_rejected(&[("bad.toml", "[population]\npeople = \"many\"\n")], &["bad.toml:2:10:", "`population.people`", "expected an integer"]);
}

#[test]
fn value_out_of_range_gives_the_allowed_range() {
    assert_rejected(
        &[("bad.toml", "[environment.gas]\nseverity = 1.5\n")],
        &["bad.toml:2:1:", "`environment.gas.severity`", "1.5 is out of range: allowed 0.0 to 1.0"],
    );
}

#[test]
fn negative_count_is_out_of_range() {
    assert_rejected(&[("bad.toml", "[armed_groups]\ncount = -2\n")], &["bad.toml:2:1:", "`armed_groups.count`", "allowed 0 to"]);
}

#[test]
fn more_notables_than_people_is_inconsistent() {
    assert_rejected(
        &[("bad.toml", "[population]\npeople = 100\nfamily_size_mean = 20.0\nnotables_per_family = 30\n")],
        &["bad.toml:4:1:", "`population.notables_per_family`", "more notables than people", "allowed at most population.family_size_mean"],
    );
}

#[test]
fn mean_degree_above_the_population_is_inconsistent() {
    assert_rejected(
        &[("bad.toml", "[population]\npeople = 50\nfamily_size_mean = 10.0\n[network]\nkin_degree = 2.0\npeer_degree = 80.0\n")],
        &["bad.toml:6:1:", "`network.peer_degree`", "above the population", "allowed below population.people - 1 = 49"],
    );
}

#[test]
fn age_shares_must_add_up_to_one() {
    assert_rejected(
        &[("bad.toml", "[population]\nshare_children = 0.6\n")],
        &["bad.toml:", "`population.share_elders`", "add up to 1.2", "allowed only a total of 1"],
    );
}

#[test]
fn faction_names_must_be_usable_as_column_names() {
    assert_rejected(&[("bad.toml", "[factions.\"Bad Name\"]\n")], &["bad.toml:1:", "`factions.Bad Name`", "lower-case letters"]);
}

#[test]
fn error_in_a_base_file_points_into_the_base_file() {
    assert_rejected(
        &[("top.toml", "base = \"base.toml\"\nname = \"top\"\n"), ("base.toml", "name = \"b\"\n\n[relaxation]\nfear_half_life_days = -1.0\n")],
        &["base.toml:4:1:", "`relaxation.fear_half_life_days`", "out of range"],
    );
}

#[test]
fn override_in_the_top_file_is_located_there() {
    assert_rejected(
        &[("top.toml", "base = \"base.toml\"\n[relaxation]\nfear_half_life_days = -1.0\n"), ("base.toml", "[relaxation]\nfear_half_life_days = 10.0\n")],
        &["top.toml:3:1:", "`relaxation.fear_half_life_days`"],
    );
}

#[test]
fn missing_base_file_is_named_where_it_is_referred_to() {
    assert_rejected(&[("top.toml", "name = \"t\"\nbase = \"nope.toml\"\n")], &["top.toml:2:1: `base`: cannot read nope.toml: No such file or directory"]);
}

#[test]
fn base_cycle_is_refused() {
    assert_rejected(&[("a.toml", "base = \"b.toml\"\n"), ("b.toml", "base = \"a.toml\"\n")], &["b.toml:1:1:", "`base`", "cycle"]);
}

#[test]
fn bad_command_line_exits_2_and_writes_nothing() {
    let t = tempfile::tempdir().unwrap();
    let o = resist(t.path(), &["run", "x.toml", "--seed", "abc"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--seed"), "{}", stderr(&o));
    assert!(entries(t.path()).is_empty());
}

#[test]
fn check_rejects_the_same_inputs() {
    let t = tempfile::tempdir().unwrap();
    fs::write(t.path().join("bad.toml"), "[population]\npeople = 5\n").unwrap();
    let o = resist(t.path(), &["check", "bad.toml"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("bad.toml:2:1: `population.people`: 5 is out of range: allowed 10 to"), "{}", stderr(&o));
}

#[test]
fn replay_of_a_missing_manifest_is_bad_input() {
    let t = tempfile::tempdir().unwrap();
    let o = resist(t.path(), &["replay", "nope/manifest.json"], &[]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("nope/manifest.json: cannot read the manifest"), "{}", stderr(&o));
}

#[test]
fn negative_prize_in_a_faction_table_is_out_of_range() {
    assert_rejected(
        &[("bad.toml", "[factions.isis]\n[factions.isis.outreach]\nprize_usd = -5.0\n")],
        &["bad.toml:3:1:", "`factions.isis.outreach.prize_usd`", "-5.0 is out of range: allowed 0.0 to"],
    );
}

#[test]
fn unknown_key_in_a_faction_table_is_named() {
    assert_rejected(
        &[("bad.toml", "[factions.isis.coercion]\nkidnaping = 0.3\n")],
        &["bad.toml:2:1:", "`factions.isis.coercion.kidnaping`", "unknown field", "`kidnapping`"],
    );
}

#[test]
fn foreign_share_above_one_is_out_of_range() {
    assert_rejected(&[("bad.toml", "[factions.isis]\nforeign_share = 1.5\n")], &["bad.toml:2:1:", "`factions.isis.foreign_share`", "allowed 0.0 to 1.0"]);
}

#[test]
fn reconsider_rate_above_one_is_out_of_range() {
    assert_rejected(&[("bad.toml", "[affiliation]\nreconsider_rate = 2.0\n")], &["bad.toml:2:1:", "`affiliation.reconsider_rate`", "allowed 0.0 to 1.0"]);
}

#[test]
fn coercion_with_no_kind_of_act_is_inconsistent() {
    assert_rejected(
        &[("bad.toml", "[factions.isis.coercion]\nkidnapping = 0.0\nassassination = 0.0\narrest = 0.0\nexecution = 0.0\nrule_enforcement = 0.0\n")],
        &["bad.toml:6:1:", "`factions.isis.coercion.rule_enforcement`", "all zero"],
    );
}

#[test]
fn more_foreign_first_members_than_the_pool_elsewhere_is_inconsistent() {
    assert_rejected(
        &[("bad.toml", "[factions.isis]\ninitial_members = 100\nforeign_share = 1.0\nstrength_elsewhere = 50\n")],
        &["bad.toml:4:1:", "`factions.isis.strength_elsewhere`", "allowed at least 100"],
    );
}

#[test]
fn informant_pay_of_the_wrong_type_says_a_number_is_expected() {
    assert_rejected(
        &[("bad.toml", "[factions.isis.informants]\npay_per_month = \"fifty\"\n")],
        &["bad.toml:2:17:", "`factions.isis.informants.pay_per_month`", "expected a number"],
    );
}

#[test]
fn amnesty_offer_must_be_true_or_false() {
    assert_rejected(&[("bad.toml", "[amnesty]\noffer = \"yes\"\n")], &["bad.toml:2:9:", "`amnesty.offer`", "expected true or false"]);
}

#[test]
fn mobilisation_roles_all_zero_are_inconsistent() {
    assert_rejected(
        &[("bad.toml", "[mobilisation]\ncheckpoints_share = 0.0\ndonate_share = 0.0\ncook_share = 0.0\nfight_share = 0.0\n")],
        &["bad.toml:5:1:", "`mobilisation.fight_share`", "all zero"],
    );
}

#[test]
fn confrontation_rates_out_of_range_are_refused() {
    assert_rejected(
        &[("bad.toml", "[confrontation]\ntown_effectiveness = 11.0\n")],
        &["bad.toml:2:1:", "`confrontation.town_effectiveness`", "allowed 0.0 to 10.0"],
    );
}

#[test]
fn negative_attack_day_is_out_of_range() {
    assert_rejected(&[("bad.toml", "[factions.isis.fighting]\nattack_day = -1\n")], &["bad.toml:2:1:", "`factions.isis.fighting.attack_day`", "allowed 0 to"]);
}

#[test]
fn unknown_prisoner_policy_names_the_allowed_ones() {
    assert_rejected(
        &[("bad.toml", "[prisoners]\npolicy = \"amnesty\"\n")],
        &["bad.toml:2:1:", "`prisoners.policy`", "\"amnesty\" is not one of the allowed values", "\"hand_over\", \"release\", \"hold\", \"due_process\""],
    );
}

#[test]
fn follow_up_above_one_is_out_of_range() {
    assert_rejected(&[("bad.toml", "[aftermath]\nfollowup = 1.5\n")], &["bad.toml:2:1:", "`aftermath.followup`", "allowed 0.0 to 1.0"]);
}

#[test]
fn a_rival_must_wake_after_another_declared_faction() {
    assert_rejected(
        &[("bad.toml", "[factions.isis]\n[factions.nusra]\nwakes_when_expelled = \"daesh\"\n")],
        &["bad.toml:3:1:", "`factions.nusra.wakes_when_expelled`", "\"daesh\" is not another faction", "allowed \"isis\""],
    );
}

#[test]
fn groups_admit_must_be_true_or_false() {
    assert_rejected(&[("bad.toml", "[aftermath]\ngroups_admit = 1\n")], &["bad.toml:2:16:", "`aftermath.groups_admit`", "expected true or false"]);
}

#[test]
fn epstein_vision_wider_than_the_grid_is_inconsistent() {
    assert_rejected(
        &[("bad.toml", "model = \"epstein\"\n[epstein]\nwidth = 10\nvision = 7\n")],
        &["bad.toml:4:1:", "`epstein.vision`", "allowed 2 x vision + 1 <= epstein.width"],
    );
}

#[test]
fn epstein_grid_too_full_to_move_is_inconsistent() {
    assert_rejected(
        &[("bad.toml", "model = \"epstein\"\n[epstein]\ncitizen_density = 0.9\ncop_density = 0.2\n")],
        &["bad.toml:4:1:", "`epstein.cop_density`", "allowed a total up to 0.99"],
    );
}

#[test]
fn unknown_model_names_the_allowed_ones() {
    assert_rejected(&[("bad.toml", "model = \"sugarscape\"\n")], &["bad.toml:1:1:", "`model`", "\"resist\", \"epstein\""]);
}

/// A small region: two towns, a camp, a prison (issue 16's bad region files).
const REGION: &str = "[region.towns.alpha]\npeople = 2000\nheld = true\n[region.towns.beta]\npeople = 1000\n[region.camps.camp]\ncapacity = 500\npeople = 400\n[region.prisons.jail]\ncapacity = 100\npeople = 50\n";

#[test]
fn a_camp_over_capacity_at_the_start_is_refused() {
    let text = REGION.replace("capacity = 500\npeople = 400", "capacity = 500\npeople = 600");
    assert_rejected(
        &[("bad.toml", &text)],
        &["bad.toml:8:", "`region.camps.camp.people`", "600 people held at the start is over the capacity of 500", "allowed at most `capacity`"],
    );
}

#[test]
fn a_tie_to_a_missing_place_is_refused_naming_the_towns() {
    let text = format!("{REGION}from = [\"alpha\", \"gamma\"]\n");
    assert_rejected(
        &[("bad.toml", &text)],
        &["bad.toml:12:", "`region.prisons.jail.from`", "\"gamma\" is not a town of the region", "allowed \"alpha\", \"beta\""],
    );
}

#[test]
fn flight_shares_that_do_not_add_up_are_refused() {
    let text = format!("{REGION}[displacement]\nto_camps_share = 0.7\nto_towns_share = 0.5\n");
    assert_rejected(&[("bad.toml", &text)], &["bad.toml:14:", "`displacement.to_towns_share`", "add up to 1.2", "allowed only a total of 1"]);
}

#[test]
fn population_people_beside_listed_towns_is_refused() {
    let text = format!("[population]\npeople = 5000\n{REGION}");
    assert_rejected(&[("bad.toml", &text)], &["bad.toml:2:", "`population.people`", "takes its people from them (3000)"]);
}

#[test]
fn detention_of_a_faction_that_does_not_exist_is_refused() {
    let text = format!("{REGION}[factions.isis]\n[detention]\nfaction = \"isys\"\n");
    assert_rejected(&[("bad.toml", &text)], &["`detention.faction`", "\"isys\" is not a faction of this scenario", "allowed \"isis\""]);
}

#[test]
fn a_region_that_would_exceed_memory_is_refused_up_front() {
    let text = "[region.generated_towns]\ncount = 2000\npeople_mean = 50000.0\n";
    assert_rejected(&[("bad.toml", text)], &["`region.towns`", "allowed 1 to 20000000"]);
}

#[test]
fn a_place_name_used_twice_is_refused() {
    let text = REGION.replace("[region.prisons.jail]", "[region.prisons.camp]");
    assert_rejected(&[("bad.toml", &text)], &["`region.prisons.camp`", "names another place already"]);
}

/// Every town raises `armed_groups.count` groups of its own, and a person's
/// group is a 16-bit number: too many in all is refused with the arithmetic.
#[test]
fn more_local_groups_than_the_towns_can_number_are_refused() {
    let text = "[armed_groups]\ncount = 700\nsize_mean = 1.0\n[region.generated_towns]\ncount = 100\npeople_mean = 20000.0\n";
    assert_rejected(
        &[("bad.toml", text)],
        &["bad.toml:2:", "`armed_groups.count`", "700 groups in each of 100 towns make 70000", "allowed at most 65000 in all"],
    );
}
