//! Conservation and range checks on a run: the head count stays whole every
//! day (nobody appears or vanishes: the dead are counted after compaction has
//! dropped them from the columns), the dead never decrease, no count is
//! negative (a wrapped unsigned count shows as more than everyone), every
//! share and mean attitude lies in [0, 1], and the incremental tally agrees
//! with a count from scratch. Tests run these over many random scenarios;
//! they are cheap enough to call after every day.

use crate::attitude::Relaxing;
use crate::record::DayRecord;
use crate::sim::Summary;
use crate::society::people::{MAX_FACTIONS, Status, Tally};
use crate::world::World;

/// A broken invariant: the day it was seen and what was wrong.
#[derive(Clone, Debug, PartialEq, thiserror::Error)]
#[error("day {day}: {what}")]
pub struct Violation {
    pub day: u32,
    pub what: String,
}

/// Everyone the run holds, by status (in town, away, elsewhere and dead).
pub fn head_count(r: &DayRecord) -> u64 {
    r.status.iter().sum()
}

/// Check one day's record against the day before (None on day 0) and the
/// world it was taken from.
pub fn check_day(w: &World, today: &DayRecord, yesterday: Option<&DayRecord>) -> Result<(), Violation> {
    let fail = |what: String| Err(Violation { day: today.day, what });
    let total = head_count(today);
    for (s, &n) in Status::ALL.iter().zip(&today.status) {
        if n > total {
            return fail(format!("{} count {n} exceeds everyone ({total}): a count went below zero", s.name()));
        }
    }
    let present: u64 = Status::ALL.iter().filter(|s| s.present()).map(|&s| today.status[s as usize]).sum();
    if present != today.present {
        return fail(format!("present {} is not the sum of the statuses in town ({present})", today.present));
    }
    let members = today.status[Status::Supporter as usize] + today.status[Status::Fighter as usize] + today.status[Status::Informant as usize];
    let by_faction: u64 = today.members.iter().map(|m| m[0] + m[1]).sum();
    if by_faction != members {
        return fail(format!("members by faction ({by_faction}) differ from supporters, fighters and informants ({members})"));
    }
    if today.mobilised > today.present {
        return fail(format!("{} mobilised but only {} present", today.mobilised, today.present));
    }
    if let Some(y) = yesterday {
        // Newborns join the head count on the census day they enter (7.14).
        let born = today.counts.region.births;
        if head_count(y) + born != total {
            return fail(format!("the head count went from {} to {total} with {born} born", head_count(y)));
        }
        let (was, now) = (y.status[Status::Dead as usize], today.status[Status::Dead as usize]);
        if now < was {
            return fail(format!("the dead went from {was} to {now}"));
        }
    }
    let mut shares: Vec<(&str, f64)> = vec![
        ("crisis pressure", today.pressure),
        ("need", today.need),
        ("fear", today.fear),
        ("efficacy", today.efficacy),
        ("commitment", today.commitment),
        ("stigma", today.stigma),
        ("surveillance", today.surveillance),
    ];
    for f in 0..w.factions.len().min(MAX_FACTIONS) {
        shares.push(("grievance", today.grievance[f]));
        shares.push(("standing", today.standing[f]));
    }
    for (name, v) in shares {
        // Means of f32 columns kept as running sums carry rounding.
        if !(-1e-6..=1.0 + 1e-6).contains(&v) {
            return fail(format!("{name} is {v}, outside [0, 1]"));
        }
    }
    for (f, b) in today.budget.iter().enumerate() {
        if !b.is_finite() || *b < -1e-6 {
            return fail(format!("faction {f}'s budget is {b}"));
        }
    }
    // Each attitude's running sum is the sum over the people present.
    let p = &w.society.people;
    let mut columns: Vec<(&str, &Relaxing)> = vec![
        ("need", &p.need_base),
        ("fear", &p.fear),
        ("commitment", &p.commitment),
        ("efficacy", &p.efficacy_base),
        ("efficacy lift", &p.efficacy_lift),
        ("stigma", &p.stigma),
    ];
    columns.extend(p.grievance.iter().map(|g| ("grievance", g)));
    columns.extend(p.exposure.iter().map(|g| ("exposure", g)));
    for (name, col) in columns {
        let direct: f64 = (0..p.len()).filter(|&i| p.status[i].present()).map(|i| f64::from(col.get(i))).sum();
        if (col.sum() - direct).abs() > 1e-3 * (1.0 + direct.abs()) {
            return fail(format!("the running sum of {name} is {} but its values over the people present add up to {direct}", col.sum()));
        }
    }
    let recount = Tally::recount(&w.society.people);
    if !w.society.people.tally.agrees(&recount) {
        return fail("the incremental head counts disagree with a count from scratch".to_string());
    }
    let p = &w.society.people;
    if p.standing.len() != p.len() || (0..p.len()).any(|i| p.standing[i] != resist_pack(p, i)) {
        return fail("the packed standing disagrees with the status and faction columns".to_string());
    }
    // Head counts by place agree with a count from scratch; no place holds
    // more than everyone, and every place's detained members are detained.
    let at = &w.society.people.at;
    if *at != w.society.people.place_counts(at.len()) {
        return fail("the head counts by place disagree with a count from scratch".to_string());
    }
    for (k, d) in today.places.iter().enumerate() {
        let alive: u64 = d.status.iter().map(|&x| u64::from(x)).sum::<u64>() - u64::from(d.status[Status::Dead as usize]);
        if alive > total || d.detained_members > d.status[Status::Detained as usize] || d.fighters > d.members {
            return fail(format!(
                "place {k}'s counts are inconsistent: {alive} alive, {} detained members of {} detained, {} fighters of {} members",
                d.detained_members,
                d.status[Status::Detained as usize],
                d.fighters,
                d.members
            ));
        }
        if !(-1e-6..=1.0 + 1e-6).contains(&f64::from(d.detained_commitment)) {
            return fail(format!("place {k}'s mean commitment in detention is {}", d.detained_commitment));
        }
        let by_age: u32 = d.detained_by_age.iter().sum();
        if by_age != d.status[Status::Detained as usize] || d.detained_women > by_age {
            return fail(format!(
                "place {k}'s detained by age ({by_age}) or women ({}) disagree with its detained ({})",
                d.detained_women,
                d.status[Status::Detained as usize]
            ));
        }
    }
    // One town rises at a time: everyone mobilised is in it (7.5), and every
    // group that joined is its own.
    let u = &w.uprising;
    if let Some(i) = (0..p.len()).find(|&i| p.mobilised[i] != 0 && p.place[i] != u.town) {
        return fail(format!(
            "person {i} ({}, home {}) is mobilised in place {} but the town up is place {}",
            p.status[i].name(),
            p.home[i],
            p.place[i],
            u.town
        ));
    }
    if let Some(g) =
        u.groups_joined.iter().enumerate().find(|&(g, &joined)| joined && w.society.groups.get(g).is_some_and(|x| x.town != u.town)).map(|(g, _)| g)
    {
        return fail(format!("group {g} of another town joined the uprising of place {}", u.town));
    }
    // The state's garrisons (7.23) are troops, never negative.
    if let Some((k, g)) = w.region.garrison.iter().enumerate().find(|&(_, g)| !g.is_finite() || *g < 0.0) {
        return fail(format!("place {k} has a garrison of {g}"));
    }
    let t = &w.society.people.tally;
    if let Some(f) = (0..MAX_FACTIONS).find(|&f| t.elsewhere_local[f] > t.by_faction[f][Status::Elsewhere as usize]) {
        return fail(format!("faction {f} has {} locals elsewhere but {} people elsewhere", t.elsewhere_local[f], t.by_faction[f][Status::Elsewhere as usize]));
    }
    Ok(())
}

fn resist_pack(p: &crate::society::people::People, i: usize) -> u16 {
    crate::society::people::pack(p.status[i], p.faction[i])
}

/// Check a run's summary: every number finite and not negative, every rate
/// and share in [0, 1].
pub fn check_summary(s: &Summary, last_day: u32) -> Result<(), Violation> {
    let v = serde_json::to_value(s).map_err(|e| Violation { day: last_day, what: e.to_string() })?;
    let mut bad = Vec::new();
    walk("", &v, &mut bad);
    // A part never exceeds its whole: numerators and denominators count the
    // same people.
    let u = &s.uprising;
    let a = &s.aftermath;
    let pr = &s.prisoners;
    for (part, whole, what) in [
        (u.local_abstainers, u.local_members_at_call, "uprising: local abstainers of the local members at the call"),
        (u.local_fighter_abstainers, u.local_fighters_at_call, "uprising: abstaining local fighters of the local fighters at the call"),
        (u.local_fighter_abstainers, u.local_abstainers, "uprising: abstaining local fighters of all local abstainers"),
        (a.reintegrated + a.rejoined + a.switched + a.detained, a.cohort, "aftermath: pathways of the ex-member cohort"),
        (pr.rejoined + pr.switched + pr.went_home + pr.redetained, pr.released + pr.escaped, "prisoners: pathways of those released or escaped"),
        (a.reengaged, a.cohort, "aftermath: the cohort's re-engaged of the cohort"),
        (a.total_reengaged, a.total_followed, "aftermath: all re-engaged of the cohort and the released"),
    ] {
        if part > whole {
            bad.push(format!("{what}: {part} of {whole}"));
        }
    }
    // The defection strategies (7.20-7.22): the won of the weighed, the
    // taken of the offered, the shifted of the approached figures and
    // families, the days in the phases of the days run.
    for f in &s.factions {
        let Some(st) = &f.strategy else { continue };
        let days = st.days_guerrilla + st.days_consolidation + st.days_territory + st.days_collapse;
        for (part, whole, what) in [
            (st.contested_won, st.contested, "contested choices won of those weighed"),
            (st.tawba_taken, st.tawba_offered, "tawba taken of offered"),
            (st.shifted + st.pledges, st.approached, "figures shifted and families pledged of those approached"),
            (st.repentants_admitted + st.repentants_caught, st.tawba_taken + st.repentants_admitted, "repentants admitted or caught of those who repented"),
            (days, u64::from(last_day), "days in the phases of the days run"),
            (st.offensives_won, st.offensives, "offensives that drove it out of those launched"),
            (st.returns, st.days_territory, "returns to territory of the days it held territory"),
        ] {
            if part > whole {
                bad.push(format!("{}: {what}: {part} of {whole}", f.name));
            }
        }
    }
    match bad.into_iter().next() {
        Some(what) => Err(Violation { day: last_day, what }),
        None => Ok(()),
    }
}

fn walk(path: &str, v: &serde_json::Value, bad: &mut Vec<String>) {
    match v {
        serde_json::Value::Object(m) => {
            for (k, x) in m {
                walk(&if path.is_empty() { k.clone() } else { format!("{path}.{k}") }, x, bad);
            }
        }
        serde_json::Value::Array(a) => {
            for (i, x) in a.iter().enumerate() {
                walk(&format!("{path}.{i}"), x, bad);
            }
        }
        serde_json::Value::Number(n) => {
            let x = n.as_f64().unwrap_or(f64::NAN);
            let last = path.rsplit('.').find(|p| p.parse::<usize>().is_err()).unwrap_or(path);
            let share = last.ends_with("rate") || last.contains("share") || matches!(last, "need" | "fear" | "efficacy" | "peak_need");
            if !x.is_finite() || x < 0.0 {
                bad.push(format!("summary {path} is {x}: allowed a finite number not below 0"));
            } else if share && x > 1.0 + 1e-9 {
                bad.push(format!("summary {path} is {x}: a share, allowed in [0, 1]"));
            }
        }
        _ => {}
    }
}
