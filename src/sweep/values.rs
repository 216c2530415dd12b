//! What a design point may set. A swept key must be a parameter of every
//! policy that a point can change (not `seed` or `days`, which the sweep
//! itself sets for all points): a number, a flag (`true`/`false`) or a choice
//! among named options. Each value must be one the parameter takes as it is:
//! a number finite, within its declared range, and whole for an integer
//! parameter; a flag or choice one of its options. So the value runs.csv
//! records is the value that ran: nothing is rounded, clamped or dropped on
//! the way. A design holds every value as a number: a flag's or choice's is
//! the index of its option among [`Swept::levels`].

use crate::scenario::{ParamDoc, declaration, fmt_real};

/// A swept parameter and the values its declaration allows.
#[derive(Clone, Debug, PartialEq)]
pub struct Swept {
    pub key: String,
    pub integer: bool,
    pub min: f64,
    pub max: f64,
    unit: &'static str,
    /// A flag's or choice's options (`true`/`false`, or the choice's names),
    /// in the order the design's values index them; `None` for a number.
    pub levels: Option<Vec<toml::Value>>,
}

impl Swept {
    /// The swept parameter `key`, if every policy's resolved scenario has it
    /// and a point may set it; otherwise what is wrong and what is allowed.
    pub fn of(reference: &[ParamDoc], policies: &[(&str, &toml::Table)], key: &str) -> Result<Swept, String> {
        match key {
            "seed" => {
                return Err("a design point cannot set `seed`: each run's seed derives from the sweep's `seed`, the point and the replicate; \
                            set `seed` at the top of the sweep file, and `replicates` for more runs per point"
                    .into());
            }
            "days" => {
                return Err("a design point cannot set `days`: every point runs the same days; set `days = N` at the top of the sweep file".into());
            }
            _ => {}
        }
        let unknown = || {
            format!(
                "\"{key}\" is not a parameter of the scenario: allowed the keys `resist params` lists (factions by name, e.g. factions.isis.outreach.prize_usd)"
            )
        };
        let Some(d) = declaration(reference, key) else { return Err(unknown()) };
        let whole = || {
            format!(
                "`{key}` cannot be swept as a parameter: it is {}; to compare such scenarios, write each as its own file and list them under [policies]",
                match (key, d.kind) {
                    ("model", _) => "the model the scenario runs",
                    ("epstein.variant", _) => "a preset of other keys, which the resolved scenario sets one by one",
                    _ => "free text",
                }
            )
        };
        let (min, max, levels) = match (d.kind, d.range) {
            _ if key == "model" || key == "epstein.variant" => return Err(whole()),
            ("boolean", _) => (0.0, 1.0, Some(vec![toml::Value::Boolean(true), toml::Value::Boolean(false)])),
            ("choice", _) => {
                let names: Vec<toml::Value> = d.allowed.split(", ").map(|n| toml::Value::String(n.trim_matches('"').to_string())).collect();
                (0.0, (names.len() - 1) as f64, Some(names))
            }
            (_, Some((min, max))) => (min, max, None),
            _ => return Err(whole()),
        };
        let what = if levels.is_some() { "parameter" } else { "numeric parameter" };
        for (name, table) in policies {
            if !settable_at(table, key, levels.is_some()) {
                return Err(if policies.len() == 1 {
                    unknown()
                } else {
                    format!("\"{key}\" is not a {what} of policy \"{name}\": allowed only keys that every policy's scenario has")
                });
            }
        }
        Ok(Swept { key: key.to_string(), integer: d.kind == "integer" || levels.is_some(), min, max, unit: d.unit, levels })
    }

    /// The design's number for a value as written: the number itself, or a
    /// flag's or choice's option as its index; if it is not one the
    /// parameter takes, why, and what is allowed.
    pub fn index(&self, v: &toml::Value) -> Result<f64, String> {
        match (&self.levels, v) {
            (None, toml::Value::Float(x)) => self.check(*x).map(|()| *x),
            (None, toml::Value::Integer(x)) => self.check(*x as f64).map(|()| *x as f64),
            (None, other) => Err(format!("{}: expected a number: allowed {}", shown(other), self.allowed())),
            (Some(levels), v) => match levels.iter().position(|l| l == v) {
                Some(k) => Ok(k as f64),
                None => Err(format!("{} is not one of the allowed values: {}", shown(v), self.allowed())),
            },
        }
    }

    /// A design's number as the value it stands for (a flag's or choice's option).
    pub fn value(&self, v: f64) -> toml::Value {
        match &self.levels {
            Some(levels) => levels[v as usize].clone(),
            None if self.integer => toml::Value::Integer(v as i64),
            None => toml::Value::Float(v),
        }
    }

    /// A design's number as runs.csv and messages show it: a number in its
    /// shortest form, `true`/`false`, or an option's name.
    pub fn show(&self, v: f64) -> String {
        match self.value(v) {
            toml::Value::String(s) => s,
            toml::Value::Boolean(b) => b.to_string(),
            _ => show(v),
        }
    }

    /// What values the parameter allows, in words.
    pub fn allowed(&self) -> String {
        if let Some(levels) = &self.levels {
            return levels.iter().map(shown).collect::<Vec<_>>().join(", ");
        }
        let unit = if self.unit.is_empty() { String::new() } else { format!(" ({})", self.unit) };
        if self.integer {
            format!("whole numbers {} to {}{unit}", self.min as i64, self.max as i64)
        } else {
            format!("{} to {}{unit}", fmt_real(self.min), fmt_real(self.max))
        }
    }

    /// Whether a point may set the parameter to `v` exactly; if not, why, and what is allowed.
    pub fn check(&self, v: f64) -> Result<(), String> {
        if !v.is_finite() {
            return Err(format!("{} is not a finite number: allowed {}", show(v), self.allowed()));
        }
        if self.integer && v != v.trunc() {
            return Err(format!("{} is not a whole number, and `{}` is an integer parameter: allowed {}", show(v), self.key, self.allowed()));
        }
        if v < self.min || v > self.max {
            // A real shows as one (2.0), as the scenario's own range errors do.
            let shown = if !self.integer && v == v.trunc() && v.abs() < 1e15 { fmt_real(v) } else { show(v) };
            return Err(format!("{shown} is out of range: allowed {}", self.allowed()));
        }
        Ok(())
    }
}

/// A value as a message shows it: short even when huge or tiny.
pub fn show(v: f64) -> String {
    if v.is_finite() && v != 0.0 && !(1e-6..1e15).contains(&v.abs()) { format!("{v:e}") } else { format!("{v}") }
}

/// A TOML value as a message shows it (`true`, `"hand_over"`, `0.5`).
fn shown(v: &toml::Value) -> String {
    match v {
        toml::Value::String(s) => format!("\"{s}\""),
        toml::Value::Float(x) => show(*x),
        other => other.to_string(),
    }
}

/// Whether a resolved scenario has a number (or, for `levels`, a flag or a
/// choice) at the dotted key path.
pub fn settable_at(t: &toml::Table, key: &str, levels: bool) -> bool {
    let mut cur = t;
    let segs: Vec<&str> = key.split('.').collect();
    for (k, seg) in segs.iter().enumerate() {
        match cur.get(*seg) {
            Some(toml::Value::Table(next)) if k + 1 < segs.len() => cur = next,
            Some(toml::Value::Float(_)) | Some(toml::Value::Integer(_)) if k + 1 == segs.len() => return !levels,
            Some(toml::Value::Boolean(_)) | Some(toml::Value::String(_)) if k + 1 == segs.len() => return levels,
            _ => return false,
        }
    }
    false
}

#[cfg(test)]
mod tests {
    use super::*;

    fn swept(key: &str) -> Result<Swept, String> {
        let s = crate::scenario::Scenario::from_text("t", "[factions.isis]\n").unwrap();
        let t: toml::Table = toml::from_str(&s.resolved).unwrap();
        Swept::of(&crate::scenario::reference(), &[("base", &t)], key)
    }

    #[test]
    fn integer_parameters_take_only_whole_numbers_in_range() {
        let s = swept("armed_groups.count").unwrap();
        assert!(s.integer);
        assert!(s.check(3.0).is_ok());
        assert!(s.check(2.6).unwrap_err().contains("2.6 is not a whole number"));
        assert!(s.check(-1.0).unwrap_err().contains("out of range"));
        assert!(s.check(f64::NAN).unwrap_err().contains("NaN is not a finite number"));
    }

    #[test]
    fn seed_days_and_unknown_keys_cannot_be_swept() {
        assert!(swept("seed").unwrap_err().contains("replicates"));
        assert!(swept("days").unwrap_err().contains("top of the sweep file"));
        assert!(swept("name").unwrap_err().contains("[policies]"));
        assert!(swept("model").unwrap_err().contains("[policies]"));
        assert!(swept("factions.nusra.escalation").unwrap_err().contains("not a parameter"));
        assert!(swept("factions.isis.escalation").is_ok());
        assert_eq!(show(1e300), "1e300");
    }

    #[test]
    fn flags_and_choices_are_swept_by_their_options() {
        let s = swept("amnesty.offer").unwrap();
        assert_eq!(s.index(&toml::Value::Boolean(false)), Ok(1.0));
        assert_eq!(s.show(1.0), "false");
        assert!(s.index(&toml::Value::Float(0.5)).unwrap_err().contains("is not one of the allowed values: true, false"));
        let c = swept("prisoners.policy").unwrap();
        let due = c.index(&toml::Value::String("due_process".into())).unwrap();
        assert_eq!(c.value(due), toml::Value::String("due_process".into()));
        assert!(c.index(&toml::Value::String("jail".into())).unwrap_err().contains("\"jail\" is not one of the allowed values: \"hand_over\""));
    }
}
