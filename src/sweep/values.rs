//! What a design point may set. A swept key must be a numeric parameter of
//! every policy that a point can change (not `seed` or `days`, which the
//! sweep itself sets for all points), and each value must be one the
//! parameter takes as it is: finite, within its declared range, and whole for
//! an integer parameter. So the value runs.csv records is the value that ran:
//! nothing is rounded, clamped or dropped on the way.

use crate::scenario::{ParamDoc, declaration, fmt_real};

/// A swept parameter and the values its declaration allows.
#[derive(Clone, Debug, PartialEq)]
pub struct Swept {
    pub key: String,
    pub integer: bool,
    pub min: f64,
    pub max: f64,
    unit: &'static str,
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
                "\"{key}\" is not a numeric parameter of the scenario: allowed the keys `resist params` lists (factions by name, e.g. factions.isis.outreach.prize_usd)"
            )
        };
        let Some(d) = declaration(reference, key) else { return Err(unknown()) };
        let Some((min, max)) = d.range else { return Err(unknown()) };
        for (name, table) in policies {
            if !numeric_at(table, key) {
                return Err(if policies.len() == 1 {
                    unknown()
                } else {
                    format!("\"{key}\" is not a numeric parameter of policy \"{name}\": allowed only keys that every policy's scenario has")
                });
            }
        }
        Ok(Swept { key: key.to_string(), integer: d.kind == "integer", min, max, unit: d.unit })
    }

    /// What values the parameter allows, in words.
    pub fn allowed(&self) -> String {
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

/// Whether a resolved scenario has a number at the dotted key path.
pub fn numeric_at(t: &toml::Table, key: &str) -> bool {
    let mut cur = t;
    let segs: Vec<&str> = key.split('.').collect();
    for (k, seg) in segs.iter().enumerate() {
        match cur.get(*seg) {
            Some(toml::Value::Table(next)) if k + 1 < segs.len() => cur = next,
            Some(toml::Value::Float(_)) | Some(toml::Value::Integer(_)) if k + 1 == segs.len() => return true,
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
        assert!(swept("name").unwrap_err().contains("not a numeric parameter"));
        assert!(swept("factions.nusra.escalation").unwrap_err().contains("not a numeric parameter"));
        assert!(swept("factions.isis.escalation").is_ok());
        assert_eq!(show(1e300), "1e300");
    }
}
