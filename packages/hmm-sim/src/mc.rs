//! Monte Carlo statistics: 95 % confidence intervals over seeds, and verdicts computed from them.
//!
//! A claim is made of parts; each part is either a value the paper states (with a tolerance) or a comparison the
//! paper draws (A better than B). A part is decided from the interval of our per-seed values (for a comparison, of
//! the per-seed paired differences), never from one seed:
//!
//! - value: the interval lies outside `paper ± tol` → refuted; it overlaps that band and is no wider than the band
//!   → reproduced; it overlaps the band but is wider → inconclusive (too few seeds or too noisy to tell);
//! - comparison: the interval of the difference lies above 0 → reproduced, below 0 → refuted, contains 0 →
//!   inconclusive.
//!
//! A claim is refuted if any part is refuted, reproduced if every part is reproduced, inconclusive otherwise.

use std::fmt;

/// Mean and 95 % confidence interval (Student t) of a sample.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct Interval {
    pub mean: f64,
    pub lo: f64,
    pub hi: f64,
    pub n: usize,
}

/// Two-sided 97.5 % quantile of Student's t with `df` degrees of freedom (table up to 30, then the normal's).
pub fn t975(df: usize) -> f64 {
    const T: [f64; 30] = [
        12.706, 4.303, 3.182, 2.776, 2.571, 2.447, 2.365, 2.306, 2.262, 2.228, 2.201, 2.179, 2.160,
        2.145, 2.131, 2.120, 2.110, 2.101, 2.093, 2.086, 2.080, 2.074, 2.069, 2.064, 2.060, 2.056,
        2.052, 2.048, 2.045, 2.042,
    ];
    match df {
        0 => f64::INFINITY,
        1..=30 => T[df - 1],
        31..=60 => 2.000,
        61..=120 => 1.980,
        _ => 1.960,
    }
}

impl Interval {
    /// The interval of the finite values of `xs` (NaN mean when there are none).
    pub fn of(xs: &[f64]) -> Interval {
        let v: Vec<f64> = xs.iter().copied().filter(|x| x.is_finite()).collect();
        let n = v.len();
        if n == 0 {
            return Interval {
                mean: f64::NAN,
                lo: f64::NAN,
                hi: f64::NAN,
                n,
            };
        }
        let mean = v.iter().sum::<f64>() / n as f64;
        if n == 1 {
            return Interval {
                mean,
                lo: f64::NEG_INFINITY,
                hi: f64::INFINITY,
                n,
            };
        }
        let var = v.iter().map(|x| (x - mean) * (x - mean)).sum::<f64>() / (n - 1) as f64;
        let half = t975(n - 1) * (var / n as f64).sqrt();
        Interval {
            mean,
            lo: mean - half,
            hi: mean + half,
            n,
        }
    }

    pub fn half_width(&self) -> f64 {
        (self.hi - self.lo) / 2.0
    }
}

/// A computed verdict.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub enum Verdict {
    Reproduced,
    Inconclusive,
    Refuted,
}

impl fmt::Display for Verdict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Verdict::Reproduced => "reproduced",
            Verdict::Inconclusive => "inconclusive",
            Verdict::Refuted => "refuted",
        })
    }
}

/// The verdict on one part of a claim, with its reason.
#[derive(Clone, Debug, PartialEq)]
pub struct Decision {
    pub verdict: Verdict,
    pub reason: String,
}

/// Scale for printing numbers in reasons: percent or plain.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Unit {
    Percent,
    Plain,
    Minutes,
}

pub fn fmt_num(x: f64, unit: Unit) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "–".into()
        } else if x > 0.0 {
            "∞".into()
        } else {
            "−∞".into()
        };
    }
    match unit {
        Unit::Percent => format!("{:.2}%", 100.0 * x),
        Unit::Minutes => format!("{x:.1} min"),
        Unit::Plain if x.abs() >= 100.0 => format!("{x:.0}"),
        Unit::Plain => format!("{x:.3}"),
    }
}

pub fn fmt_interval(i: &Interval, unit: Unit) -> String {
    if i.n == 0 {
        return "not measured".into();
    }
    format!(
        "{} [{}, {}]",
        fmt_num(i.mean, unit),
        fmt_num(i.lo, unit),
        fmt_num(i.hi, unit)
    )
}

/// A value the paper states: `paper ± tol` against our interval.
pub fn decide_value(i: &Interval, paper: f64, tol: f64, unit: Unit) -> Decision {
    let band = format!("{} ± {}", fmt_num(paper, unit), fmt_num(tol, unit));
    if i.n == 0 || !i.mean.is_finite() {
        return Decision {
            verdict: Verdict::Inconclusive,
            reason: "not measured".into(),
        };
    }
    if i.n < 2 {
        return Decision {
            verdict: Verdict::Inconclusive,
            reason: "one seed: no interval".into(),
        };
    }
    if i.hi < paper - tol || i.lo > paper + tol {
        return Decision {
            verdict: Verdict::Refuted,
            reason: format!("interval excludes the paper's {band}"),
        };
    }
    if i.half_width() <= tol {
        Decision {
            verdict: Verdict::Reproduced,
            reason: format!("interval overlaps the paper's {band}"),
        }
    } else {
        Decision {
            verdict: Verdict::Inconclusive,
            reason: format!(
                "interval overlaps {band} but is wider (± {}) than the tolerance",
                fmt_num(i.half_width(), unit)
            ),
        }
    }
}

/// A comparison the paper draws: `i` is the interval of the per-seed differences, positive when the claim holds.
pub fn decide_greater(i: &Interval, what: &str, unit: Unit) -> Decision {
    if i.n < 2 || !i.mean.is_finite() {
        return Decision {
            verdict: Verdict::Inconclusive,
            reason: format!("{what}: fewer than 2 seeds"),
        };
    }
    let d = fmt_interval(i, unit);
    if i.lo > 0.0 {
        Decision {
            verdict: Verdict::Reproduced,
            reason: format!("{what} holds: difference {d} > 0"),
        }
    } else if i.hi < 0.0 {
        Decision {
            verdict: Verdict::Refuted,
            reason: format!("{what} fails: difference {d} < 0"),
        }
    } else {
        Decision {
            verdict: Verdict::Inconclusive,
            reason: format!("{what} undecided: difference {d} contains 0"),
        }
    }
}

/// A deterministic number (no seed enters it: Table 2, Table 3): reproduced within `tol`, refuted outside.
pub fn decide_exact(ours: f64, paper: f64, tol: f64, unit: Unit) -> Decision {
    if !ours.is_finite() {
        return Decision {
            verdict: Verdict::Inconclusive,
            reason: "not measured".into(),
        };
    }
    let d = (ours - paper).abs();
    Decision {
        verdict: if d <= tol {
            Verdict::Reproduced
        } else {
            Verdict::Refuted
        },
        reason: format!(
            "{} vs paper {} (tolerance {}; deterministic)",
            fmt_num(ours, unit),
            fmt_num(paper, unit),
            fmt_num(tol, unit)
        ),
    }
}

/// An upper bound the paper states (`< bound`): the interval below it → reproduced, above it → refuted.
pub fn decide_below(i: &Interval, bound: f64, what: &str) -> Decision {
    if i.n < 2 || !i.mean.is_finite() {
        return Decision {
            verdict: Verdict::Inconclusive,
            reason: format!("{what}: fewer than 2 seeds"),
        };
    }
    let (verdict, rel) = if i.hi < bound {
        (Verdict::Reproduced, "below")
    } else if i.lo > bound {
        (Verdict::Refuted, "above")
    } else {
        (Verdict::Inconclusive, "straddles")
    };
    Decision {
        verdict,
        reason: format!(
            "{what} {:.1e} [{:.1e}, {:.1e}] {rel} the bound {bound:.0e}",
            i.mean, i.lo, i.hi
        ),
    }
}

/// One row of the verdict table.
#[derive(Clone, Debug)]
pub struct ClaimRow {
    pub claim: String,
    pub paper: String,
    pub scenario: String,
    pub ours: String,
    pub verdict: Verdict,
    pub reason: String,
}

impl ClaimRow {
    /// A row decided by its parts.
    pub fn from_parts(
        claim: &str,
        paper: &str,
        scenario: &str,
        ours: String,
        parts: &[Decision],
        note: &str,
    ) -> ClaimRow {
        let mut reason: Vec<String> = parts.iter().map(|d| d.reason.clone()).collect();
        if !note.is_empty() {
            reason.push(note.to_string());
        }
        ClaimRow {
            claim: claim.into(),
            paper: paper.into(),
            scenario: scenario.into(),
            ours,
            verdict: combine(parts),
            reason: reason.join("; "),
        }
    }
}

/// Combine the parts of a claim: refuted if any part is, reproduced if all are, else inconclusive.
pub fn combine(parts: &[Decision]) -> Verdict {
    if parts.is_empty() {
        return Verdict::Inconclusive;
    }
    if parts.iter().any(|d| d.verdict == Verdict::Refuted) {
        Verdict::Refuted
    } else if parts.iter().all(|d| d.verdict == Verdict::Reproduced) {
        Verdict::Reproduced
    } else {
        Verdict::Inconclusive
    }
}

/// Paired differences `a[k] − b[k]` (seeds in the same order).
pub fn diffs(a: &[f64], b: &[f64]) -> Vec<f64> {
    a.iter().zip(b).map(|(x, y)| x - y).collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn iv(mean: f64, half: f64) -> Interval {
        Interval {
            mean,
            lo: mean - half,
            hi: mean + half,
            n: 20,
        }
    }

    #[test]
    fn interval_of_a_known_sample() {
        // 1..=5: mean 3, sample sd √2.5, t(4) = 2.776.
        let i = Interval::of(&[1.0, 2.0, 3.0, 4.0, 5.0]);
        assert_eq!(i.n, 5);
        assert!((i.mean - 3.0).abs() < 1e-12);
        let half = 2.776 * (2.5f64 / 5.0).sqrt();
        assert!((i.hi - 3.0 - half).abs() < 1e-9);
        assert!((3.0 - i.lo - half).abs() < 1e-9);
        // Non-finite values are left out; a constant sample has a zero-width interval.
        let c = Interval::of(&[2.0, f64::NAN, 2.0, 2.0]);
        assert_eq!((c.n, c.lo, c.hi), (3, 2.0, 2.0));
        assert!(Interval::of(&[]).mean.is_nan());
    }

    #[test]
    fn an_interval_containing_the_paper_value_reproduces_it() {
        let d = decide_value(&iv(0.985, 0.003), 0.987, 0.005, Unit::Percent);
        assert_eq!(d.verdict, Verdict::Reproduced, "{}", d.reason);
        // Overlapping only the tolerance band is enough.
        let d = decide_value(&iv(0.980, 0.003), 0.987, 0.005, Unit::Percent);
        assert_eq!(d.verdict, Verdict::Reproduced, "{}", d.reason);
    }

    #[test]
    fn an_interval_away_from_the_paper_value_refutes_it() {
        let d = decide_value(&iv(0.948, 0.001), 0.987, 0.005, Unit::Percent);
        assert_eq!(d.verdict, Verdict::Refuted, "{}", d.reason);
        let d = decide_value(&iv(1.2, 0.01), 1.0, 0.1, Unit::Plain);
        assert_eq!(d.verdict, Verdict::Refuted);
    }

    #[test]
    fn a_wide_interval_or_one_seed_is_inconclusive() {
        let d = decide_value(&iv(0.95, 0.05), 0.987, 0.005, Unit::Percent);
        assert_eq!(d.verdict, Verdict::Inconclusive, "{}", d.reason);
        let one = Interval::of(&[0.987]);
        assert_eq!(
            decide_value(&one, 0.987, 0.005, Unit::Percent).verdict,
            Verdict::Inconclusive
        );
    }

    #[test]
    fn comparisons_are_decided_by_the_sign_of_the_difference_interval() {
        assert_eq!(
            decide_greater(&iv(0.02, 0.01), "HMM > v3", Unit::Percent).verdict,
            Verdict::Reproduced
        );
        assert_eq!(
            decide_greater(&iv(-0.02, 0.01), "HMM > v3", Unit::Percent).verdict,
            Verdict::Refuted
        );
        assert_eq!(
            decide_greater(&iv(0.005, 0.01), "HMM > v3", Unit::Percent).verdict,
            Verdict::Inconclusive
        );
        // Paired: a constant advantage is decided even when both series vary a lot.
        let a = [1.0, 5.0, 9.0, 2.0];
        let b = [0.9, 4.9, 8.9, 1.9];
        let d = Interval::of(&diffs(&a, &b));
        assert_eq!(
            decide_greater(&d, "a > b", Unit::Plain).verdict,
            Verdict::Reproduced
        );
    }

    #[test]
    fn deterministic_numbers_and_bounds() {
        assert_eq!(
            decide_exact(-0.0572, -0.0572, 0.0005, Unit::Percent).verdict,
            Verdict::Reproduced
        );
        assert_eq!(
            decide_exact(-0.425, -0.5154, 0.0005, Unit::Percent).verdict,
            Verdict::Refuted
        );
        assert_eq!(
            decide_exact(f64::NAN, 1.0, 0.1, Unit::Plain).verdict,
            Verdict::Inconclusive
        );
        let small = Interval {
            mean: 1e-12,
            lo: 5e-13,
            hi: 2e-12,
            n: 20,
        };
        assert_eq!(
            decide_below(&small, 1e-10, "κ").verdict,
            Verdict::Reproduced
        );
        let big = Interval {
            mean: 1e-6,
            lo: 5e-7,
            hi: 2e-6,
            n: 20,
        };
        assert_eq!(decide_below(&big, 1e-10, "κ").verdict, Verdict::Refuted);
        let across = Interval {
            mean: 1e-10,
            lo: 0.0,
            hi: 2e-10,
            n: 20,
        };
        assert_eq!(
            decide_below(&across, 1e-10, "κ").verdict,
            Verdict::Inconclusive
        );
    }

    #[test]
    fn a_claim_is_refuted_by_any_part_and_reproduced_by_all() {
        let r = |v| Decision {
            verdict: v,
            reason: String::new(),
        };
        use Verdict::*;
        assert_eq!(combine(&[r(Reproduced), r(Reproduced)]), Reproduced);
        assert_eq!(combine(&[r(Reproduced), r(Inconclusive)]), Inconclusive);
        assert_eq!(
            combine(&[r(Reproduced), r(Inconclusive), r(Refuted)]),
            Refuted
        );
        assert_eq!(combine(&[]), Inconclusive);
    }
}
