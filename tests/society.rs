//! The generated society: sizes, network structure, independence from the
//! thread count, and compaction of the dead.

mod common;

use resist::rng::RunKey;
use resist::society::Society;
use resist::society::people::{AgeClass, Flags, Status, Tally};
use resist::world::World;

fn town(people: u32) -> resist::scenario::Scenario {
    common::scenario_text(&format!(
        "[population]\npeople = {people}\nfamily_size_mean = 100.0\n[network]\nkin_degree = 6.0\npeer_degree = 10.0\n[armed_groups]\ncount = 4\nsize_mean = 40.0\n[factions.a]\n[factions.b]\n"
    ))
}

#[test]
fn society_is_identical_with_one_or_two_threads() {
    let s = town(100_000);
    let build = |threads| {
        let pool = rayon::ThreadPoolBuilder::new().num_threads(threads).build().unwrap();
        pool.install(|| Society::build(&s, &RunKey::new(9, 2)))
    };
    let (a, b) = (build(1), build(2));
    assert_eq!(a.network.family, b.network.family);
    assert_eq!(a.network.peers, b.network.peers);
    assert_eq!(a.people.threshold, b.people.threshold);
    assert_eq!(a.people.status, b.people.status);
    assert_eq!(a.groups, b.groups);
}

#[test]
fn network_is_symmetric_without_self_ties_and_near_its_mean_degrees() {
    let s = town(50_000);
    let soc = Society::build(&s, &RunKey::new(3, 0));
    let n = soc.people.len();
    for csr in [&soc.network.family, &soc.network.peers] {
        for i in 0..n {
            let row = csr.row(i);
            assert!(row.windows(2).all(|w| w[0] < w[1]), "rows sorted and unique");
            assert!(!row.contains(&(i as u32)), "no self-ties");
            for &j in row {
                assert!(csr.row(j as usize).binary_search(&(i as u32)).is_ok(), "tie {i}-{j} stored both ways");
            }
        }
    }
    // Peer ties: mean degree within 5% of the parameter (duplicates are rare).
    let peer_mean = soc.network.peers.ties() as f64 / n as f64;
    assert!((peer_mean - 10.0).abs() < 0.5, "peer mean degree {peer_mean}");
    // Peer ties cross families; family ties stay inside them.
    for i in (0..n).step_by(97) {
        let f = soc.people.family[i];
        assert!(soc.network.peers.row(i).iter().all(|&j| soc.people.family[j as usize] != f));
        assert!(soc.network.family.row(i).iter().all(|&j| soc.people.family[j as usize] == f));
    }
    // Family ties: household members plus about kin_degree relatives.
    let fam_mean = soc.network.family.ties() as f64 / n as f64;
    assert!(fam_mean > 6.0 && fam_mean < 6.0 + 10.0, "family mean degree {fam_mean}");
}

#[test]
fn population_matches_its_parameters() {
    let s = town(200_000);
    let soc = Society::build(&s, &RunKey::new(5, 0));
    let p = &soc.people;
    // The town, then each faction's pool elsewhere (1,000 by default).
    let locals = soc.family_start[soc.local_families] as usize;
    assert_eq!(locals, 200_000);
    assert_eq!(p.len(), 200_000 + 2 * 1000);
    assert!((locals..p.len()).all(|i| p.status[i] == Status::Elsewhere && p.origin[i] == resist::society::people::Origin::Foreign));
    // Age shares within 1 percentage point of the defaults (0.40, 0.22, 0.32, 0.06).
    for (k, want) in [0.40, 0.22, 0.32, 0.06].iter().enumerate() {
        let got = p.age[..locals].iter().filter(|a| **a == AgeClass::ALL[k]).count() as f64 / 200_000.0;
        assert!((got - want).abs() < 0.01, "{:?}: {got} vs {want}", AgeClass::ALL[k]);
    }
    // Mean family size within 15% of 100 (log-normal sizes, cut at the end).
    let mean_family = 200_000.0 / soc.local_families as f64;
    assert!((mean_family - 100.0).abs() < 15.0, "mean family {mean_family}");
    // Notables: at most 3 per family, adults or elders only.
    for f in 0..soc.local_families {
        let (a, b) = (soc.family_start[f] as usize, soc.family_start[f + 1] as usize);
        let notables: Vec<usize> = (a..b).filter(|&i| p.flags[i].has(Flags::NOTABLE)).collect();
        assert!(notables.len() <= 3);
        assert!(notables.iter().all(|&i| matches!(p.age[i], AgeClass::Adult | AgeClass::Elder)));
    }
    // Armed groups: every fighter's group exists, each group has a commander who is its member.
    assert_eq!(soc.groups.len(), 4);
    for (g, grp) in soc.groups.iter().enumerate() {
        let c = grp.commander as usize;
        assert_eq!(p.group[c] as usize, g);
        assert!(p.flags[c].has(Flags::COMMANDER));
        let members = p.group.iter().filter(|&&x| x as usize == g).count() as u32;
        assert_eq!(members, grp.members);
    }
    // Thresholds: mean near 0.25 (normal cut to [0, 1]).
    let mean_t = p.threshold[..locals].iter().map(|&t| f64::from(t)).sum::<f64>() / 200_000.0;
    assert!((mean_t - 0.25).abs() < 0.01, "threshold mean {mean_t}");
    assert!(p.tally.agrees(&Tally::recount(p)));
}

#[test]
fn compaction_drops_the_dead_and_keeps_everything_consistent() {
    let s = town(20_000);
    let mut w = World::new(&s, RunKey::new(1, 0));
    let before = w.society.people.len();
    let fear_before = w.society.people.fear.sum();
    // Kill every tenth person who is not a commander.
    let mut killed = 0;
    let mut fear_killed = 0.0;
    for i in (0..before).step_by(10) {
        if !w.society.people.flags[i].has(Flags::COMMANDER) && w.society.people.status[i].present() {
            fear_killed += f64::from(w.society.people.fear.get(i));
            w.society.people.assign(i, Status::Dead, w.society.people.faction[i]);
            killed += 1;
        }
    }
    let survivors: Vec<u32> = (0..before).filter(|&i| w.society.people.status[i] != Status::Dead).map(|i| w.society.people.id[i]).collect();
    w.compact();
    let p = &w.society.people;
    assert_eq!(p.len(), before - killed);
    assert_eq!(p.id, survivors, "survivors keep their order and ids");
    assert!(p.tally.agrees(&Tally::recount(p)));
    assert!((p.fear.sum() - (fear_before - fear_killed)).abs() < 1e-3);
    assert_eq!(w.society.network.family.len(), p.len());
    for i in 0..p.len() {
        let f = p.family[i] as usize;
        assert!(w.society.family_start[f] as usize <= i && i < w.society.family_start[f + 1] as usize, "families stay contiguous");
        for &j in w.society.network.family.row(i) {
            assert_eq!(p.family[j as usize] as usize, f);
        }
    }
    for (g, grp) in w.society.groups.iter().enumerate() {
        assert_eq!(p.group[grp.commander as usize] as usize, g, "commanders renumbered");
    }
}
