//! People, kept column-wise (struct of arrays) with stable indices within a day.
//! Removals are marked (status `Dead`) and compacted between days by [`People::compact`], which keeps the order of the
//! survivors so that families and households stay contiguous ranges.

use crate::attitude::Relaxing;

/// Age classes of the model (docs/model.md, Persons).
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum AgeClass {
    Child = 0,
    Youth = 1,
    Adult = 2,
    Elder = 3,
}

impl AgeClass {
    pub const ALL: [AgeClass; 4] = [AgeClass::Child, AgeClass::Youth, AgeClass::Adult, AgeClass::Elder];
    pub fn name(self) -> &'static str {
        ["child", "youth", "adult", "elder"][self as usize]
    }
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Sex {
    Female = 0,
    Male = 1,
}

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(u8)]
pub enum Origin {
    Local = 0,
    Foreign = 1,
}

/// Where a person stands. Faction and group membership are in the `faction`
/// and `group` columns.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
pub enum Status {
    Civilian = 0,
    Activist = 1,
    LocalFighter = 2,
    Supporter = 3,
    Fighter = 4,
    Informant = 5,
    ExMember = 6,
    Detained = 7,
    Displaced = 8,
    Elsewhere = 9,
    Dead = 10,
}

impl Status {
    pub const COUNT: usize = 11;
    pub const ALL: [Status; Status::COUNT] = [
        Status::Civilian,
        Status::Activist,
        Status::LocalFighter,
        Status::Supporter,
        Status::Fighter,
        Status::Informant,
        Status::ExMember,
        Status::Detained,
        Status::Displaced,
        Status::Elsewhere,
        Status::Dead,
    ];
    pub fn name(self) -> &'static str {
        ["civilian", "activist", "local_fighter", "supporter", "fighter", "informant", "ex_member", "detained", "displaced", "elsewhere", "dead"][self as usize]
    }
    /// A member of a faction in town: supporter, fighter or informant.
    pub fn member(self) -> bool {
        matches!(self, Status::Supporter | Status::Fighter | Status::Informant)
    }
    /// Present in town and taking part in daily life.
    pub fn present(self) -> bool {
        !matches!(self, Status::Elsewhere | Status::Dead | Status::Displaced)
    }
}

/// Flags of the model (docs/model.md, Persons), one bit each.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Flags(pub u32);

impl Flags {
    pub const NOTABLE: u32 = 1 << 0;
    pub const JOURNALIST: u32 = 1 << 1;
    pub const COMMANDER: u32 = 1 << 2;
    pub const ARMED: u32 = 1 << 3;
    pub const WEAPONS_BANNED: u32 = 1 << 4;
    pub const PROSECUTABLE: u32 = 1 << 5;
    /// Registered with a faction for its services.
    pub const REGISTERED: u32 = 1 << 6;
    /// Reached by the council's call.
    pub const CALLED: u32 = 1 << 7;
    /// Reached by the amnesty offer (and has decided).
    pub const OFFERED: u32 = 1 << 8;
    /// A member who stays home under the amnesty.
    pub const ABSTAINING: u32 = 1 << 9;
    /// A member who turned on the faction and fights with the town.
    pub const TURNED: u32 = 1 << 10;
    /// An ex-member of a reconciliation's cohort.
    pub const EX_COHORT: u32 = 1 << 11;
    /// An ex-member whose stigma passed `aftermath.stigmatised_level`.
    pub const STIGMATISED: u32 = 1 << 12;
    /// Came of age (child to youth) in a camp or prison (docs/model.md, 7.14).
    pub const CAMP_RAISED: u32 = 1 << 14;
    /// Of an "ISIS family": a household with a member, a detainee or one
    /// elsewhere with a faction, known to the neighbours (Hassan 2022).
    pub const TAINTED: u32 = 1 << 15;
    /// Convicted by a court of the region (serves beyond the horizon).
    pub const CONVICTED: u32 = 1 << 16;
    /// Bound to a faction by a public pledge, or featured in its propaganda
    /// as a repentant: leaving costs `campaign.pledge_cost` (7.20).
    pub const PLEDGED: u32 = 1 << 17;
    /// A local member of the faction the town rose against, in town when the
    /// council's call went out: the people the abstention rate is a share of.
    pub const MEMBER_AT_CALL: u32 = 1 << 13;
    pub fn has(self, bit: u32) -> bool {
        self.0 & bit != 0
    }
    pub fn set(&mut self, bit: u32) {
        self.0 |= bit;
    }
    pub fn clear(&mut self, bit: u32) {
        self.0 &= !bit;
    }
}

/// Marker for "no faction" and "no group".
pub const NONE_U8: u8 = u8::MAX;
pub const NONE_U16: u16 = u16::MAX;

/// The people of a run, one column per attribute, all of equal length.
#[derive(Clone, Debug, Default)]
pub struct People {
    pub family: Vec<u32>,
    pub household: Vec<u32>,
    pub age: Vec<AgeClass>,
    pub sex: Vec<Sex>,
    pub origin: Vec<Origin>,
    pub status: Vec<Status>,
    /// The faction of a supporter, fighter, informant, ex-member or one elsewhere.
    pub faction: Vec<u8>,
    /// The local armed group of a local fighter.
    pub group: Vec<u16>,
    pub flags: Vec<Flags>,
    /// A stable identity for events and outputs: indices change when the
    /// dead are compacted away, ids never do.
    pub id: Vec<u32>,
    /// Status and faction packed in one word (`status | faction << 8`), kept
    /// in step by `assign`: what a person's contacts read of them, with one
    /// memory access instead of two (the affiliation choice reads it for
    /// every contact of everyone who reconsiders).
    pub standing: Vec<u16>,
    /// Where a person is: a place of the region (`crate::region`).
    pub place: Vec<u16>,
    /// The town a person calls home (`region::ABROAD` for foreigners).
    pub home: Vec<u16>,
    /// Day of birth (negative: before the run); age classes follow from it.
    pub born: Vec<i32>,
    /// Baseline hardship of the household. Need is this plus the town's
    /// crisis pressure (see `process::environment`).
    pub need_base: Relaxing,
    pub fear: Relaxing,
    pub commitment: Relaxing,
    /// Efficacy is `efficacy_base + efficacy_lift`, clamped to [0, 1]; the
    /// lift (a success, a defeat) relaxes back to zero.
    pub efficacy_base: Relaxing,
    pub efficacy_lift: Relaxing,
    pub threshold: Vec<f32>,
    pub stigma: Relaxing,
    /// Grievance toward each faction: one column per faction.
    pub grievance: Vec<Relaxing>,
    /// Exposure to each faction's outreach (events, courses, its court).
    pub exposure: Vec<Relaxing>,
    /// The faction a person is registered with for its services (`NONE_U8`).
    pub registered: Vec<u8>,
    /// Role in the town's mobilisation (0: none; see `process::mobilisation::ROLES`).
    pub mobilised: Vec<u8>,
    /// Head counts kept in step with every change of status. The dead stay
    /// in it after compaction has dropped them from the columns.
    pub tally: Tally,
    /// The dead compacted away so far, in all and by faction: the tally's
    /// count of the dead is these plus the dead still in the columns, so the
    /// dead never decrease and the head count stays whole.
    pub compacted_dead: u64,
    pub compacted_dead_by_faction: [u64; MAX_FACTIONS],
    /// Head counts by place, kept in step like the tally.
    pub at: Vec<PlaceTally>,
    /// Each faction's hideout (its place elsewhere).
    pub hideout: Vec<u16>,
}

/// Status and faction in one word (see `People::standing`).
#[inline]
pub fn pack(s: Status, faction: u8) -> u16 {
    s as u16 | u16::from(faction) << 8
}

/// The status and faction of a packed standing.
#[inline]
pub fn unpack(x: u16) -> (Status, u8) {
    (Status::ALL[usize::from(x & 0xff).min(Status::COUNT - 1)], (x >> 8) as u8)
}

/// A newborn entering the columns before index `before` (old numbering).
#[derive(Clone, Copy, Debug)]
pub struct Newborn {
    pub before: usize,
    pub mother: usize,
    pub born: i32,
    pub id: u32,
    pub male: bool,
}

/// Insert values into a column: `at[k]` goes before old index `before[k]`
/// (positions in order).
fn spread<T: Copy>(v: &mut Vec<T>, before: &[usize], value: impl Fn(usize) -> T) {
    // In place, from the end: each run of old entries moves up by the number
    // of newborns before it (no second column, no fresh pages each census).
    let old = v.len();
    v.extend((0..before.len()).map(&value));
    let mut end = old;
    for k in (0..before.len()).rev() {
        let b = before[k].min(end);
        v.copy_within(b..end, b + k + 1);
        v[b + k] = value(k);
        end = b;
    }
}

/// The first index at or after `from` whose entry is `v` (or the length):
/// whole blocks without it are passed over in a few vector instructions, for
/// the daily searches of a few people among millions.
pub fn next_equal<T: Copy + PartialEq>(col: &[T], from: usize, v: T) -> usize {
    const BLOCK: usize = 64;
    let mut i = from.min(col.len());
    while i < col.len() && !i.is_multiple_of(BLOCK) {
        if col[i] == v {
            return i;
        }
        i += 1;
    }
    for block in col[i..].chunks(BLOCK) {
        if block.iter().fold(false, |any, &x| any | (x == v)) {
            return i + block.iter().position(|&x| x == v).unwrap_or(0);
        }
        i += block.len();
    }
    col.len()
}

/// Head counts of one place.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct PlaceTally {
    pub status: [u32; Status::COUNT],
    /// Supporters, fighters and informants of each faction there.
    pub members: [u32; MAX_FACTIONS],
    /// Fighters of each faction there.
    pub fighters: [u32; MAX_FACTIONS],
    /// The detained there whose faction is each faction (members held).
    pub detained: [u32; MAX_FACTIONS],
    /// Informants of each faction there (the mistrust a town's council meets).
    pub informants: [u32; MAX_FACTIONS],
}

impl PlaceTally {
    fn count(&mut self, s: Status, faction: u8, add: bool) {
        let step = |x: &mut u32| if add { *x += 1 } else { *x -= 1 };
        step(&mut self.status[s as usize]);
        if (faction as usize) < MAX_FACTIONS && s.member() {
            step(&mut self.members[faction as usize]);
            if s == Status::Fighter {
                step(&mut self.fighters[faction as usize]);
            }
            if s == Status::Informant {
                step(&mut self.informants[faction as usize]);
            }
        }
        if (faction as usize) < MAX_FACTIONS && s == Status::Detained {
            step(&mut self.detained[faction as usize]);
        }
    }
    /// Everyone there, alive.
    pub fn alive(&self) -> u32 {
        self.status.iter().sum::<u32>() - self.status[Status::Dead as usize]
    }
}

/// The most factions a scenario may have.
pub const MAX_FACTIONS: usize = 8;

/// Head counts kept incrementally with every change of status, so that
/// observation and the processes need not scan everyone every day.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Tally {
    pub status: [u64; Status::COUNT],
    /// `by_faction[f][status]`: people of each status whose faction is `f`
    /// (members, ex-members, those elsewhere, the detained it holds).
    pub by_faction: [[u64; Status::COUNT]; MAX_FACTIONS],
    /// `members[f][origin]`: supporters, fighters and informants in town.
    pub members: [[u64; 2]; MAX_FACTIONS],
    /// People present in town registered with each faction.
    pub registered: [u64; MAX_FACTIONS],
    /// Sum of (1 - baseline need) over them: what services can relieve.
    pub registered_unmet: [f64; MAX_FACTIONS],
    /// People in town mobilised against a faction (any role): whoever dies or
    /// leaves town stands down, so this never exceeds those present.
    pub mobilised: u64,
    /// `elsewhere_local[f]`: locals of the town elsewhere with faction `f`
    /// (fled fighters, rejoiners, released and escaped prisoners): the people
    /// who know the town, whom a faction's return draws on first.
    pub elsewhere_local: [u64; MAX_FACTIONS],
}

impl Tally {
    fn count(&mut self, s: Status, faction: u8, origin: Origin, add: bool) {
        let step = |x: &mut u64| if add { *x += 1 } else { *x -= 1 };
        step(&mut self.status[s as usize]);
        if (faction as usize) < MAX_FACTIONS {
            step(&mut self.by_faction[faction as usize][s as usize]);
            if s == Status::Elsewhere && origin == Origin::Local {
                step(&mut self.elsewhere_local[faction as usize]);
            }
            if s.member() {
                step(&mut self.members[faction as usize][origin as usize]);
            }
        }
    }

    fn count_registered(&mut self, faction: u8, base: f32, add: bool) {
        if (faction as usize) < MAX_FACTIONS {
            let f = faction as usize;
            if add {
                self.registered[f] += 1;
                self.registered_unmet[f] += f64::from(1.0 - base);
            } else {
                self.registered[f] -= 1;
                self.registered_unmet[f] -= f64::from(1.0 - base);
            }
        }
    }

    /// People present in town.
    pub fn present(&self) -> u64 {
        Status::ALL.iter().filter(|s| s.present()).map(|&s| self.status[s as usize]).sum()
    }

    /// Supporters, fighters and informants of faction `f` in town.
    pub fn members_in_town(&self, f: usize) -> u64 {
        self.members[f][0] + self.members[f][1]
    }

    /// Count everyone from scratch (the dead compacted away included).
    pub fn recount(people: &People) -> Tally {
        let mut t = Tally::default();
        t.status[Status::Dead as usize] = people.compacted_dead;
        for (f, &n) in people.compacted_dead_by_faction.iter().enumerate() {
            t.by_faction[f][Status::Dead as usize] = n;
        }
        for i in 0..people.len() {
            t.count(people.status[i], people.faction[i], people.origin[i], true);
            if people.status[i].present() && !people.registered.is_empty() {
                t.count_registered(people.registered[i], people.need_base.get(i), true);
            }
            if people.status[i].present() && people.mobilised.get(i).is_some_and(|&m| m != 0) {
                t.mobilised += 1;
            }
        }
        t
    }

    /// Whether two tallies agree (sums of reals to rounding).
    pub fn agrees(&self, other: &Tally) -> bool {
        self.status == other.status
            && self.by_faction == other.by_faction
            && self.members == other.members
            && self.registered == other.registered
            && self.mobilised == other.mobilised
            && self.elsewhere_local == other.elsewhere_local
            && self.registered_unmet.iter().zip(&other.registered_unmet).all(|(a, b)| (a - b).abs() < 1e-3)
    }
}

impl People {
    pub fn len(&self) -> usize {
        self.status.len()
    }

    pub fn is_empty(&self) -> bool {
        self.status.is_empty()
    }

    /// The dead still in the columns, not yet compacted away.
    pub fn dead_in_columns(&self) -> u64 {
        self.tally.status[Status::Dead as usize] - self.compacted_dead
    }

    /// Bytes held by the columns (capacity, not length).
    pub fn heap_bytes(&self) -> usize {
        self.family.capacity() * 4
            + self.household.capacity() * 4
            + self.id.capacity() * 4
            + self.age.capacity()
            + self.sex.capacity()
            + self.origin.capacity()
            + self.status.capacity()
            + self.faction.capacity()
            + self.group.capacity() * 2
            + self.flags.capacity() * 4
            + self.threshold.capacity() * 4
            + self.need_base.heap_bytes()
            + self.commitment.heap_bytes()
            + self.efficacy_base.heap_bytes()
            + self.fear.heap_bytes()
            + self.efficacy_lift.heap_bytes()
            + self.stigma.heap_bytes()
            + self.grievance.iter().map(Relaxing::heap_bytes).sum::<usize>()
            + self.exposure.iter().map(Relaxing::heap_bytes).sum::<usize>()
            + self.registered.capacity()
            + self.mobilised.capacity()
            + self.place.capacity() * 2
            + self.standing.capacity() * 2
            + self.home.capacity() * 2
            + self.born.capacity() * 4
    }

    /// The index of the person with stable id `id` (ids stay in increasing
    /// order: compaction keeps the survivors' order).
    pub fn index_of(&self, id: u32) -> Option<usize> {
        // Newborns take the next ids where their households are, so the
        // order may have gaps out of sequence: fall back to a scan.
        self.id.binary_search(&id).ok().or_else(|| self.id.iter().position(|&x| x == id))
    }

    /// Whether person `i` is a youth or adult man: fit to fight.
    #[inline]
    pub fn fighting_age_man(&self, i: usize) -> bool {
        self.sex[i] == Sex::Male && matches!(self.age[i], AgeClass::Youth | AgeClass::Adult)
    }

    /// Whether person `i` may bear arms: not under the weapons ban of a
    /// reconciliation (docs/model.md, 7.8). The banned can neither fight nor
    /// be taken on as fighters until it lapses.
    #[inline]
    pub fn may_bear_arms(&self, i: usize) -> bool {
        !self.flags[i].has(Flags::WEAPONS_BANNED)
    }

    /// Efficacy of person `i`.
    #[inline]
    pub fn efficacy(&self, i: usize) -> f32 {
        (self.efficacy_base.get(i) + self.efficacy_lift.get(i)).clamp(0.0, 1.0)
    }

    /// Change a person's status and faction, keeping the head counts and the
    /// attitude sums (which count the people present in town) in step.
    pub fn assign(&mut self, i: usize, s: Status, faction: u8) {
        let was = self.status[i].present();
        self.tally.count(self.status[i], self.faction[i], self.origin[i], false);
        if let Some(at) = self.at.get_mut(self.place[i] as usize) {
            at.count(self.status[i], self.faction[i], false);
        }
        // The place follows the status: those elsewhere with a faction are at
        // its hideout, those elsewhere with none abroad; someone leaving a
        // hideout for town goes home (callers may move them on).
        let old = self.place[i];
        if s == Status::Elsewhere {
            self.place[i] = self.hideout.get(faction as usize).copied().unwrap_or(crate::region::ABROAD);
        } else if self.status[i] == Status::Elsewhere && s.present() && (self.hideout.contains(&old) || old == crate::region::ABROAD) {
            self.place[i] = if self.home[i] != crate::region::ABROAD { self.home[i] } else { 0 };
        }
        if let Some(at) = self.at.get_mut(self.place[i] as usize) {
            at.count(s, faction, true);
        }
        self.status[i] = s;
        self.faction[i] = faction;
        self.standing[i] = pack(s, faction);
        self.tally.count(s, faction, self.origin[i], true);
        // Fighters carry arms until they surrender them (aftermath's disarming).
        if matches!(s, Status::Fighter | Status::LocalFighter) {
            self.flags[i].set(Flags::ARMED);
        }
        match (was, s.present()) {
            (true, false) => {
                self.tally.count_registered(self.registered[i], self.need_base.get(i), false);
                // The dead and those who leave town are mobilised no more.
                if let Some(m) = self.mobilised.get_mut(i).filter(|m| **m != 0) {
                    *m = 0;
                    self.tally.mobilised -= 1;
                }
                self.for_each_relaxing(|r| r.exclude(i));
            }
            (false, true) => {
                self.tally.count_registered(self.registered[i], self.need_base.get(i), true);
                self.for_each_relaxing(|r| r.include(i));
            }
            _ => {}
        }
    }

    /// Move person `i` to place `to`, keeping the head counts by place.
    pub fn move_to(&mut self, i: usize, to: u16) {
        let from = self.place[i] as usize;
        if from == to as usize {
            return;
        }
        if let Some(at) = self.at.get_mut(from) {
            at.count(self.status[i], self.faction[i], false);
        }
        if let Some(at) = self.at.get_mut(to as usize) {
            at.count(self.status[i], self.faction[i], true);
        }
        self.place[i] = to;
        // Whoever leaves the town that is up stands down (mobilisation is a town's).
        if let Some(m) = self.mobilised.get_mut(i).filter(|m| **m != 0) {
            *m = 0;
            self.tally.mobilised -= 1;
        }
    }

    /// Age in whole years on `day`.
    #[inline]
    pub fn age_years(&self, i: usize, day: u32) -> i32 {
        (day as i32 - self.born[i]).div_euclid(365)
    }

    /// Bring newborns into the columns (in order of `before`), each with its
    /// mother's family, household, place, home and hardship; children of the
    /// detained and displaced share their mother's status. Returns each
    /// newborn's new index. Head counts are recounted.
    pub fn insert_newborns(&mut self, born: &[Newborn]) -> Vec<u32> {
        let before: Vec<usize> = born.iter().map(|b| b.before).collect();
        let m: Vec<usize> = born.iter().map(|b| b.mother).collect();
        let status_of = |s: Status| match s {
            Status::Detained | Status::Displaced => s,
            _ => Status::Civilian,
        };
        let st: Vec<Status> = m.iter().map(|&j| status_of(self.status[j])).collect();
        let need: Vec<f32> = m.iter().map(|&j| self.need_base.get(j)).collect();
        let eff: Vec<f32> = m.iter().map(|&j| self.efficacy_base.get(j)).collect();
        let stigma: Vec<f32> = m.iter().map(|&j| self.stigma.get(j)).collect();
        let grievance: Vec<Vec<f32>> = self.grievance.iter().map(|g| m.iter().map(|&j| g.get(j)).collect()).collect();
        let fam: Vec<u32> = m.iter().map(|&j| self.family[j]).collect();
        let hh: Vec<u32> = m.iter().map(|&j| self.household[j]).collect();
        let origin: Vec<Origin> = m.iter().map(|&j| self.origin[j]).collect();
        let place: Vec<u16> = m.iter().map(|&j| self.place[j]).collect();
        let home: Vec<u16> = m.iter().map(|&j| self.home[j]).collect();
        let thr: Vec<f32> = m.iter().map(|&j| self.threshold[j]).collect();
        let taint: Vec<bool> = m.iter().map(|&j| self.flags[j].has(Flags::TAINTED)).collect();
        spread(&mut self.family, &before, |k| fam[k]);
        spread(&mut self.household, &before, |k| hh[k]);
        spread(&mut self.age, &before, |_| AgeClass::Child);
        spread(&mut self.sex, &before, |k| if born[k].male { Sex::Male } else { Sex::Female });
        spread(&mut self.origin, &before, |k| origin[k]);
        spread(&mut self.status, &before, |k| st[k]);
        spread(&mut self.faction, &before, |_| NONE_U8);
        spread(&mut self.group, &before, |_| NONE_U16);
        spread(&mut self.flags, &before, |k| if taint[k] { Flags(Flags::TAINTED) } else { Flags::default() });
        spread(&mut self.id, &before, |k| born[k].id);
        spread(&mut self.place, &before, |k| place[k]);
        spread(&mut self.home, &before, |k| home[k]);
        spread(&mut self.born, &before, |k| born[k].born);
        spread(&mut self.threshold, &before, |k| thr[k]);
        spread(&mut self.registered, &before, |_| NONE_U8);
        spread(&mut self.mobilised, &before, |_| 0);
        spread(&mut self.standing, &before, |k| pack(st[k], NONE_U8));
        let status = &self.status;
        let counted = |i: usize| status[i].present();
        self.need_base.insert(&before, &need, counted);
        self.commitment.insert(&before, &vec![0.0; born.len()], counted);
        self.efficacy_base.insert(&before, &eff, counted);
        self.fear.insert(&before, &vec![0.0; born.len()], counted);
        self.efficacy_lift.insert(&before, &vec![0.0; born.len()], counted);
        self.stigma.insert(&before, &stigma, counted);
        for (g, v) in self.grievance.iter_mut().zip(&grievance) {
            g.insert(&before, v, counted);
        }
        for x in self.exposure.iter_mut() {
            x.insert(&before, &vec![0.0; born.len()], counted);
        }
        let dead = self.compacted_dead;
        let by = self.compacted_dead_by_faction;
        self.tally = Tally::recount(self);
        debug_assert_eq!(self.compacted_dead, dead);
        let _ = by;
        let places = self.at.len();
        self.recount_places(places);
        before.iter().enumerate().map(|(k, &b)| (b + k) as u32).collect()
    }

    /// Count everyone by place from scratch (`places` places).
    pub fn recount_places(&mut self, places: usize) {
        self.at = self.place_counts(places);
    }

    /// Fill the packed standing from the status and faction columns.
    pub fn pack_standing(&mut self) {
        self.standing = self.status.iter().zip(&self.faction).map(|(&s, &f)| pack(s, f)).collect();
    }

    /// The head counts by place, counted from scratch.
    pub fn place_counts(&self, places: usize) -> Vec<PlaceTally> {
        let mut at = vec![PlaceTally::default(); places];
        for i in 0..self.len() {
            if let Some(t) = at.get_mut(self.place[i] as usize) {
                t.count(self.status[i], self.faction[i], true);
            }
        }
        at
    }

    /// Give person `i` (present in town) a role in the mobilisation, or 0 to
    /// stand them down; returns whether they were newly mobilised.
    pub fn set_mobilised(&mut self, i: usize, role: u8) -> bool {
        let was = self.mobilised[i] != 0;
        if self.status[i].present() {
            match (was, role != 0) {
                (false, true) => self.tally.mobilised += 1,
                (true, false) => self.tally.mobilised -= 1,
                _ => {}
            }
        }
        self.mobilised[i] = role;
        !was && role != 0
    }

    /// Stand everyone down.
    pub fn stand_down_all(&mut self) {
        self.mobilised.fill(0);
        self.tally.mobilised = 0;
    }

    /// Register person `i` with faction `f` for its services (replacing any
    /// earlier registration).
    pub fn register(&mut self, i: usize, f: u8) {
        if self.status[i].present() {
            self.tally.count_registered(self.registered[i], self.need_base.get(i), false);
            self.tally.count_registered(f, self.need_base.get(i), true);
        }
        self.registered[i] = f;
    }

    fn for_each_relaxing(&mut self, mut f: impl FnMut(&mut Relaxing)) {
        f(&mut self.need_base);
        f(&mut self.commitment);
        f(&mut self.efficacy_base);
        f(&mut self.fear);
        f(&mut self.efficacy_lift);
        f(&mut self.stigma);
        for g in &mut self.grievance {
            f(g);
        }
        for x in &mut self.exposure {
            f(x);
        }
    }

    /// Drop the people marked for removal (`Dead`), keeping the order of the
    /// rest. Returns the map from old index to new (`u32::MAX` for removed).
    pub fn compact(&mut self) -> Vec<u32> {
        let mut map = vec![u32::MAX; self.len()];
        let mut next = 0u32;
        for (i, s) in self.status.iter().enumerate() {
            if *s != Status::Dead {
                map[i] = next;
                next += 1;
            } else {
                // The dead leave the columns but not the head count.
                self.compacted_dead += 1;
                if let Some(n) = self.compacted_dead_by_faction.get_mut(self.faction[i] as usize) {
                    *n += 1;
                }
            }
        }
        let keep = |i: usize| map[i] != u32::MAX;
        fn retain<T: Copy>(v: &mut Vec<T>, keep: &dyn Fn(usize) -> bool) {
            let mut w = 0;
            for r in 0..v.len() {
                if keep(r) {
                    v[w] = v[r];
                    w += 1;
                }
            }
            v.truncate(w);
        }
        retain(&mut self.family, &keep);
        retain(&mut self.household, &keep);
        retain(&mut self.age, &keep);
        retain(&mut self.sex, &keep);
        retain(&mut self.origin, &keep);
        retain(&mut self.faction, &keep);
        retain(&mut self.group, &keep);
        retain(&mut self.flags, &keep);
        retain(&mut self.id, &keep);
        retain(&mut self.threshold, &keep);
        retain(&mut self.registered, &keep);
        retain(&mut self.mobilised, &keep);
        retain(&mut self.place, &keep);
        retain(&mut self.standing, &keep);
        retain(&mut self.home, &keep);
        retain(&mut self.born, &keep);
        retain(&mut self.status, &keep);
        let status = &self.status;
        let counted = |i: usize| status[i].present();
        self.need_base.compact(&map, counted);
        self.commitment.compact(&map, counted);
        self.efficacy_base.compact(&map, counted);
        self.fear.compact(&map, counted);
        self.efficacy_lift.compact(&map, counted);
        self.stigma.compact(&map, counted);
        for g in self.grievance.iter_mut().chain(self.exposure.iter_mut()) {
            g.compact(&map, counted);
        }
        self.tally = Tally::recount(self);
        let places = self.at.len();
        self.recount_places(places);
        map
    }
}

#[cfg(test)]
mod tests {
    use super::next_equal;

    #[test]
    fn next_equal_finds_each_match_in_order_across_blocks() {
        let mut col = vec![0u16; 300];
        for &k in &[0usize, 63, 64, 65, 130, 299] {
            col[k] = 7;
        }
        let mut found = Vec::new();
        let mut i = next_equal(&col, 0, 7);
        while i < col.len() {
            found.push(i);
            i = next_equal(&col, i + 1, 7);
        }
        assert_eq!(found, vec![0, 63, 64, 65, 130, 299]);
        assert_eq!(next_equal(&col, 5, 9), 300);
        assert_eq!(next_equal(&col, 400, 7), 300);
    }
}
