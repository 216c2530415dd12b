//! Rival faction (step 10 of the day): a second, more local, de-escalatory
//! faction that wakes when its rival is expelled (Haid 2017, ch.
//! 6-7). It takes a share of the abandoned weapons, absorbs ex-members whom the
//! local groups refuse (aftermath's switching), grows through its local
//! membership (affiliation choices, with its own profile), intervenes in daily
//! life (its coercion, mostly rule enforcement), and decides whether to attempt
//! a takeover by weighing its strength against the resistance it expects.
//!
//! The decision: once it has been in town `takeover_after_days` and its
//! fighters reach `fighting.attack_threshold` times the local groups', it
//! moves. Having seen what happened to its rival ("They were scared of facing
//! the same fate. They learned from ISIS's mistakes", ch. 7), it storms the
//! town only when the town's mean efficacy is below `storm_below_efficacy`;
//! otherwise it seizes the base at night and stands down ("the Regiment base
//! was seized while people were sleeping ... they demobilized their forces").
//! Local groups see it as an ally against the regime and mediate rather than
//! fight (its `seen_as_ally` adds to their reluctance); civilians resist.

use crate::scenario::Scenario;
use crate::society::people::Status;
use crate::world::World;

pub fn step(w: &mut World, s: &Scenario) {
    for (f, fp) in s.factions.iter().enumerate() {
        let Some(g) = fp.wakes_when_expelled.as_deref().and_then(|n| s.faction(n)) else {
            continue;
        };
        // Wake when the rival is expelled, and take a share of its weapons.
        if !w.factions[f].woken && w.factions[g].expelled_day.is_some() {
            let st = &mut w.factions[f];
            st.woken = true;
            st.woke_day = Some(w.day);
            let taken = fp.weapons_taken_share * w.factions[g].weapons;
            w.factions[f].weapons += taken;
            w.factions[g].weapons -= taken;
            w.event("rival_wakes", &fp.name, None, taken, &s.factions[g].name);
        }
        let st = &w.factions[f];
        if !st.arrived || st.attack_pending.is_some() || st.attacked {
            continue;
        }
        let Some(arrived) = st.woke_day else { continue };
        if w.day < arrived + fp.takeover_after_days {
            continue;
        }
        let t = &w.society.people.tally;
        let fighters = t.by_faction[f][Status::Fighter as usize] as f64 + s.confrontation.weapon_value * st.weapons;
        let locals = t.status[Status::LocalFighter as usize] as f64;
        if fp.fighting.attack_threshold <= 0.0 || fighters < fp.fighting.attack_threshold * locals {
            continue;
        }
        // The resistance it expects: the town's belief that it can win.
        let p = &w.society.people;
        let efficacy = (p.efficacy_base.sum() + p.efficacy_lift.sum()) / t.present().max(1) as f64;
        let storm = efficacy < fp.storm_below_efficacy;
        w.factions[f].attack_pending = Some(storm);
        w.factions[f].attack_on = Some(w.day + fp.fighting.attack_delay_days);
        w.event("takeover_decided", &fp.name, None, efficacy, if storm { "storm the town" } else { "seize the base" });
        // Its moves (surrounding the local groups' bases) give it away: the
        // notables call the town out before the attack comes (ch. 7).
        super::mobilisation::call_out(w, s, f);
    }
}
