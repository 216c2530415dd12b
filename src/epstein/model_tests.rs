//! Unit tests of the model: its counters, bitmaps and who-is-where agree
//! with the agents after every step, for every option; jailed citizens who
//! keep their cell block it; the order of a turn decides where a citizen decides.

use super::*;
use crate::scenario::Scenario;

fn params(extra: &str) -> Params {
    let text = format!("name = \"t\"\nmodel = \"epstein\"\nseed = 1\ndays = 10\n[epstein]\nwidth = 30\nvision = 5\n{extra}");
    Scenario::from_text("t.toml", &text).expect("valid").epstein
}

/// The counters, bitmaps and who-is-where agree with the agents.
fn check(m: &Model) {
    let on_grid: Vec<usize> = (0..m.agents.len()).filter(|&id| m.agents[id].status & JAILED == 0).collect();
    let active = on_grid.iter().filter(|&&id| m.agents[id].status & ACTIVE != 0).count();
    assert_eq!(m.active_now as usize, active);
    let jailed = m.agents.len() - on_grid.len();
    assert_eq!(m.jailed_now as usize, jailed);
    let serving = m.agents.iter().filter(|a| a.status & JAILED != 0 && a.status & TERM > 0).count();
    assert_eq!(m.serving_now as usize, serving);
    let (w, g) = (m.width, &m.vision);
    let count = |b: &Bits| (0..w * w).filter(|&c| b.get(g.bit(c % w, c / w))).count();
    let blocking = if m.p.jailed == Jailed::StayOnCell { jailed } else { 0 };
    assert_eq!(count(&m.occupied), on_grid.len() + blocking);
    assert_eq!(count(&m.actives), active);
    assert_eq!(count(&m.cops), m.agents.len() - m.citizens);
    for &id in &on_grid {
        let a = m.agents[id];
        let (x, y) = (usize::from(a.x), usize::from(a.y));
        if a.status & ACTIVE != 0 {
            assert_eq!(m.who[y * w + x] as usize, id);
        }
        assert!(m.occupied.get(g.bit(x, y)));
        assert_eq!(m.cops.get(g.bit(x, y)), id >= m.citizens);
        assert_eq!(m.actives.get(g.bit(x, y)), a.status & ACTIVE != 0);
    }
}

/// Cells held by some agent (each agent holds its own, so this is the
/// number of agents on the grid).
fn occupied(m: &Model) -> usize {
    let (w, g) = (m.width, &m.vision);
    (0..w * w).filter(|&c| m.occupied.get(g.bit(c % w, c / w))).count()
}

#[test]
fn jailed_who_stay_on_their_cell_block_it_and_are_not_seen() {
    let p = params("legitimacy = 0.5\njailed = \"stay_on_cell\"\ncops_move_to_arrest = false\n");
    let mut m = Model::new(&p, RunKey::new(4, 0));
    let mut most = 0;
    for _ in 0..40 {
        m.step();
        check(&m);
        assert_eq!(occupied(&m), m.agents.len(), "every agent, jailed or not, holds a cell of its own");
        for a in m.agents[..m.citizens].iter().filter(|a| a.status & JAILED != 0) {
            let b = m.vision.bit(a.x.into(), a.y.into());
            assert!(m.occupied.get(b) && !m.actives.get(b) && !m.cops.get(b), "a jailed citizen blocks its cell, seen as neither cop nor active");
        }
        most = most.max(m.jailed_now);
    }
    assert!(most > 0, "someone was jailed");
    // Leaving the grid, the jailed free their cells.
    let p = params("legitimacy = 0.5\n");
    let mut m = Model::new(&p, RunKey::new(4, 0));
    for _ in 0..40 {
        m.step();
        assert_eq!(occupied(&m), m.agents.len() - m.jailed_now as usize);
    }
}

#[test]
fn the_order_decides_where_a_citizen_decides() {
    // A citizen's state after its turn is the rule's verdict at the cell it
    // started on (decide_then_move) or at the cell it moved to (move_then_decide).
    for (extra, decide_first) in [("legitimacy = 0.6\n", false), ("legitimacy = 0.6\norder = \"decide_then_move\"\n", true)] {
        let p = params(extra);
        let mut m = Model::new(&p, RunKey::new(8, 0));
        for _ in 0..20 {
            m.step();
        }
        let one_minus_l = 1.0 - p.legitimacy;
        let mut rng = m.key.stream(Stream::Epstein, 999, 0);
        let mut moved = 0;
        for id in 0..m.citizens {
            let before = m.agents[id];
            if before.status & JAILED != 0 {
                continue;
            }
            let verdict = |m: &Model| {
                let mut probe = m.clone();
                probe.decide::<false>(id, one_minus_l);
                probe.agents[id].status & ACTIVE != 0
            };
            let at_start = verdict(&m);
            m.turn::<false>(id, &mut rng, one_minus_l, decide_first);
            let after = m.agents[id];
            moved += usize::from((after.x, after.y) != (before.x, before.y));
            let at_end = verdict(&m);
            let now = after.status & ACTIVE != 0;
            assert_eq!(now, if decide_first { at_start } else { at_end }, "{extra} citizen {id}");
            check(&m);
        }
        assert!(moved > 0);
    }
}

#[test]
fn state_stays_consistent_and_runs_repeat() {
    for extra in [
        "",
        "neighbourhood = \"moore\"\nratio = \"half_away_from_zero\"\ncops_move_to_arrest = false\njail_terms_from = 1\n",
        "variant = \"mesa\"\n",
        "variant = \"netlogo\"\norder = \"decide_then_move\"\n",
        "variant = \"mesa\"\njailed = \"leave_grid\"\ncops_move_to_arrest = true\nratio = \"as_is\"\n",
    ] {
        let p = params(extra);
        let mut m = Model::new(&p, RunKey::new(3, 0));
        for _ in 0..60 {
            m.step();
            check(&m);
        }
        assert!(m.records.iter().map(|r| r.arrests).sum::<u32>() > 0, "some arrests: {extra}");
        let again = run(&p, RunKey::new(3, 0), 60);
        assert_eq!(again.records, m.finish().records);
    }
}
