//! A faction's tawba (repentance) profile (`[factions.<name>.tawba]`): its
//! amnesty windows for those who worked for its enemies, its offer, the
//! irredeemable, and its own rehabilitation (Ingram and Mohammed 2022).

use crate::scenario::{Check, Real, ScenarioError};

#[derive(Clone, Debug, Default, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RawTawba {
    pub windows_per_year: Option<f64>,
    pub window_on_capture: Option<bool>,
    pub window_days: Option<f64>,
    pub reach_per_day: Option<f64>,
    pub protection: Option<f64>,
    pub package: Option<f64>,
    pub prized_share: Option<f64>,
    pub prized_weight: Option<f64>,
    pub executions_per_window: Option<f64>,
    pub execution_fear: Option<f64>,
    pub after_fear: Option<f64>,
    pub readmit_below: Option<f64>,
    pub institute_days: Option<f64>,
    pub interview_pass: Option<f64>,
    pub monitoring_days: Option<f64>,
    pub monitoring: Option<f64>,
    pub awakening: Option<bool>,
}

/// A faction's tawba profile.
#[derive(Clone, Debug, PartialEq)]
pub struct Tawba {
    pub windows_per_year: f64,
    pub window_on_capture: bool,
    pub window_days: f64,
    pub reach_per_day: f64,
    /// Its offer: protection (in [0, 1]) and a socioeconomic package (a share of need met).
    pub protection: f64,
    pub package: f64,
    pub prized_share: f64,
    pub prized_weight: f64,
    pub executions_per_window: f64,
    pub execution_fear: f64,
    pub after_fear: f64,
    pub readmit_below: f64,
    pub institute_days: f64,
    pub interview_pass: f64,
    pub monitoring_days: f64,
    pub monitoring: f64,
    pub awakening: bool,
}

const SOURCE: &str = "Ingram and Mohammed 2022 ('A Competition for Hearts, Minds, & Stomachs')";

impl Tawba {
    /// Whether it ever opens a window.
    pub fn active(&self) -> bool {
        self.windows_per_year > 0.0 || self.window_on_capture
    }

    pub fn resolve(raw: &RawTawba, c: &mut Check) -> Result<Tawba, ScenarioError> {
        let share = Real::SHARE;
        let days = Real { default: 0.0, min: 0.0, max: 10_000.0, unit: "days", doc: "", source: "assumption" };
        let factor = Real { default: 0.0, min: 0.0, max: 1000.0, unit: "factor", doc: "", source: "assumption" };
        let window_on_capture = c.flag(
            "window_on_capture",
            raw.window_on_capture,
            false,
            "Whether it opens a tawba window in a town it has just taken.",
            "Ingram and Mohammed 2022 ('In the first few days of its capture of Mosul, the Islamic State established its Tawba (repentance) center')",
        );
        let awakening = c.flag(
            "awakening",
            raw.awakening,
            true,
            "Whether repentants from towns that rose against it are armed as its fighters once through its rehabilitation (its own 'awakening' units), rather than kept as supporters.",
            "Ingram and Mohammed 2022 ('its own jihadi awakening units ... defectors from tribes that had previously turned against the group')",
        );
        let mut r = |k: &str, v: Option<f64>, spec: Real| c.real(k, v, spec);
        let windows_per_year = r(
            "windows_per_year",
            raw.windows_per_year,
            Real {
                default: 0.0,
                max: 365.0,
                unit: "windows a year",
                doc: "Tawba windows it opens a year outside captures (Poisson); 0: none.",
                source: "Ingram and Mohammed 2022 ('the use of amnesty windows'); rate: assumption",
                ..factor
            },
        )?;
        let window_days = r(
            "window_days",
            raw.window_days,
            Real {
                default: 30.0,
                min: 1.0,
                doc: "Days a window stays open; after it, safety is no longer guaranteed.",
                source: "Ingram and Mohammed 2022 ('fleeting opportunities for redemption after one's safety would not be guaranteed'); value: assumption",
                ..days
            },
        )?;
        let reach_per_day = r(
            "reach_per_day",
            raw.reach_per_day,
            Real {
                default: 0.02,
                doc: "Share of those who worked for its enemies (local fighters and police, notables and officials) its offer reaches each day of a window (times 1 + its intelligence).",
                source: "assumption",
                ..share
            },
        )?;
        let protection = r(
            "protection",
            raw.protection,
            Real {
                default: 0.8,
                doc: "The protection its offer promises, in [0, 1].",
                source: "Ingram and Mohammed 2022 ('It offered those who sought to leave the ranks of its enemies full protection')",
                ..share
            },
        )?;
        let package = r(
            "package",
            raw.package,
            Real {
                default: 0.5,
                doc: "Its socioeconomic package: the share of need it meets.",
                source: "Ingram and Mohammed 2022 ('offering socioeconomic packages, vocational training'); value: assumption",
                ..share
            },
        )?;
        let prized_share = r(
            "prized_share",
            raw.prized_share,
            Real {
                default: 0.05,
                doc: "Share of men of fighting age with skills it prizes (military, engineering, explosives, science).",
                source: "Ingram and Mohammed 2022 ('Certain professions ... were especially prized'); value: assumption",
                ..share
            },
        )?;
        let prized_weight = r(
            "prized_weight",
            raw.prized_weight,
            Real {
                default: 3.0,
                min: 1.0,
                max: 100.0,
                doc: "How much more it seeks out the prized (reach) and offers them (package).",
                source: "Ingram and Mohammed 2022 ('it actively sought out those with explosives expertise'); value: assumption",
                ..factor
            },
        )?;
        let executions_per_window = r(
            "executions_per_window",
            raw.executions_per_window,
            Real {
                default: 0.0,
                max: 1000.0,
                unit: "executions",
                doc: "Public executions of the irredeemable (commanders of local groups) per window (Poisson), to terrorise others into taking the offer.",
                source: "Ingram and Mohammed 2022 ('Colonel Isa Osman ... publicly executed ... to demonstrate that some people were irredeemable'); rate: assumption",
                ..factor
            },
        )?;
        let execution_fear = r(
            "execution_fear",
            raw.execution_fear,
            Real { default: 0.3, doc: "Rise of fear (toward 1) across the town of one publicly executed.", source: SOURCE, ..share },
        )?;
        let after_fear = r(
            "after_fear",
            raw.after_fear,
            Real {
                default: 0.2,
                doc: "Rise of fear (toward 1) of those offered who refused, when the window closes.",
                source: "Ingram and Mohammed 2022 ('after one's safety would not be guaranteed'); value: assumption",
                ..share
            },
        )?;
        let readmit_below = r(
            "readmit_below",
            raw.readmit_below,
            Real {
                default: 0.5,
                doc: "Share of its peak members below which it is short of manpower and admits the previously ineligible (commanders).",
                source: "Ingram and Mohammed 2022 ('When recruitment of certain professions or just general manpower was needed, the group would often allow ... that had previously been blocked'); value: assumption",
                ..share
            },
        )?;
        let institute_days = r(
            "institute_days",
            raw.institute_days,
            Real {
                default: 60.0,
                doc: "Days a repentant spends in its Sharia Institute before the interview.",
                source: "Ingram and Mohammed 2022 ('rehabilitation requires time spent in the Shari'a Institute'); value: assumption",
                ..days
            },
        )?;
        let interview_pass = r(
            "interview_pass",
            raw.interview_pass,
            Real {
                default: 0.8,
                doc: "Chance a repentant passes the Sharia judge's interview (else another term in the Institute).",
                source: "Ingram and Mohammed 2022 ('followed by an interview conducted by the relevant Shari'a Judge'); value: assumption",
                ..share
            },
        )?;
        let monitoring_days = r(
            "monitoring_days",
            raw.monitoring_days,
            Real {
                default: 180.0,
                doc: "Days of post-repentance monitoring after the interview.",
                source: "Ingram and Mohammed 2022 ('and post-repentance monitoring'); value: assumption",
                ..days
            },
        )?;
        let monitoring = r(
            "monitoring",
            raw.monitoring,
            Real {
                default: 0.5,
                doc: "Chance that a repentant who leaves while in the Institute or monitored is caught (and killed).",
                source: "assumption",
                ..share
            },
        )?;
        Ok(Tawba {
            windows_per_year,
            window_on_capture,
            window_days,
            reach_per_day,
            protection,
            package,
            prized_share,
            prized_weight,
            executions_per_window,
            execution_fear,
            after_fear,
            readmit_below,
            institute_days,
            interview_pass,
            monitoring_days,
            monitoring,
            awakening,
        })
    }
}
