//! Exact reproductions: 2026 Table 3 (impermanent loss at r = 2, 5, 10) and Table 2 (integrator drift).
//!
//! Table 3: each design starts balanced at price 1 and is pushed by trades to price `r` (the HMM pools through the
//! contract's swap path, within its price-impact limit); IL is 2026 eq.25 on the reserves (fees are kept outside
//! the reserves by every design, so they do not enter). Table 2: the same test problem, schedule and code path as
//! `packages/hmm-math/examples/drift.rs` (docs/drift.md): `hmm_math::integrator::Flow` in fixed point and its f64
//! twins `integrator::reference`, on the sound pool curve (normalised eq.4, λ = 0.5) pushed back and forth.

use std::time::Instant;

use anyhow::{anyhow, Result};
use hmm_math::integrator::reference::Conic;
use hmm_math::integrator::{Flow, Method};
use hmm_math::{Hamiltonian, PhaseState, Rounding, Scaling, Sdec, TargetReserve, Udec};

use crate::designs::{self, Design};
use crate::hmm::SCALE;
use crate::venue::{Range, Venue};

/// Reserve units of the IL test venues (each side).
const IL_SIZE: f64 = 1_000.0;

/// Push a venue to marginal price `r`; returns the venue's holdings there.
pub fn push_to_price(v: &mut dyn Venue, r: f64) -> Result<(f64, f64)> {
    for _ in 0..400 {
        let s = v.spot();
        if (s / r - 1.0).abs() < 1e-9 {
            break;
        }
        let size = v.size_to_price(r);
        if size == 0.0 {
            break;
        }
        let mut amount = size.abs();
        let mut done = false;
        for _ in 0..30 {
            let res = if size > 0.0 {
                v.buy(amount, 0)
            } else {
                v.sell(amount, 0)
            };
            if res.is_ok() {
                done = true;
                break;
            }
            amount /= 2.0;
        }
        if !done {
            break;
        }
    }
    Ok(v.holdings())
}

/// IL of a design at price ratio `r` from a balanced start at price 1, valued at `r`.
pub fn il_at(design: &Design, r: f64) -> Result<f64> {
    let mut v = design.venue(IL_SIZE, IL_SIZE, 1)?;
    let (x0, y0) = v.holdings();
    let (x1, y1) = push_to_price(v.as_mut(), r)?;
    if design.is_hmm() {
        // The HMM rows use hmm-math's eq.25 in fixed point (the function the pool's position query uses).
        let u =
            |x: f64| Udec::from_ratio((x * SCALE).round() as u128, SCALE as u128, Rounding::Down);
        let price = u(r).map_err(|e| anyhow!("{e}"))?;
        let il = hmm_math::impermanent_loss::impermanent_loss(
            &[u(x0).map_err(|e| anyhow!("{e}"))?],
            &[u(y0).map_err(|e| anyhow!("{e}"))?],
            &[u(x1).map_err(|e| anyhow!("{e}"))?],
            &[u(y1).map_err(|e| anyhow!("{e}"))?],
            &[price],
        )
        .map_err(|e| anyhow!("{e}"))?;
        return Ok(il.to_f64());
    }
    Ok(crate::metrics::il(x1 * r + y1, x0 * r + y0))
}

/// IL of a constant-sum pool (what the normalised eq.4 is at λ = 2): it sells all its resource at price 1.
pub fn il_constant_sum(r: f64) -> f64 {
    if r >= 1.0 {
        2.0 / (1.0 + r) - 1.0
    } else {
        2.0 * r / (1.0 + r) - 1.0
    }
}

/// The v3 position of Table 3's "10x" row: one range [0.81, 1/0.81] around price 1 (√(pa/pb) = 0.9^2, so the
/// liquidity is 1/(1 − 0.9) = 10 times a full-range position of the same value).
pub fn v3_ten_x() -> crate::venue::Concentrated {
    let r = Range::with_value(2.0 * IL_SIZE, 1.0, 0.81, 1.0 / 0.81);
    crate::venue::Concentrated::new(vec![r], 1.0, designs::REF_FEE)
}

pub fn il_v3_ten_x(r: f64) -> Result<f64> {
    let mut v = v3_ten_x();
    let (x0, y0) = v.holdings();
    let (x1, y1) = push_to_price(&mut v, r)?;
    Ok(crate::metrics::il(x1 * r + y1, x0 * r + y0))
}

/// Whether the contract accepts a target-reserve pool at this λ (the error if not).
pub fn hmm_refusal(lambda: f64) -> Option<String> {
    match designs::hmm(lambda).venue(IL_SIZE, IL_SIZE, 1) {
        Ok(_) => None,
        Err(e) => Some(e.to_string()),
    }
}

/// One row of Table 3.
#[derive(Clone, Debug)]
pub struct IlRow {
    pub design: String,
    pub paper: Option<[f64; 3]>,
    pub ours: [f64; 3],
    pub note: String,
}

pub const RATIOS: [f64; 3] = [2.0, 5.0, 10.0];

pub fn table3() -> Result<Vec<IlRow>> {
    let mut rows = Vec::new();
    let ours =
        |d: &Design| -> Result<[f64; 3]> { Ok([il_at(d, 2.0)?, il_at(d, 5.0)?, il_at(d, 10.0)?]) };
    rows.push(IlRow {
        design: "Uniswap v2 (CPMM)".into(),
        paper: Some([-0.0572, -0.2546, -0.5154]),
        ours: ours(&Design::ConstantProduct)?,
        note: String::new(),
    });
    rows.push(IlRow {
        design: "Curve (A=100)".into(),
        paper: Some([-0.0031, -0.0682, -0.1873]),
        ours: ours(&Design::StableSwap { amp: 100.0 })?,
        note: String::new(),
    });
    rows.push(IlRow {
        design: "Uniswap v3 (10x)".into(),
        paper: Some([-0.0572, -0.2546, -0.4254]),
        ours: [il_v3_ten_x(2.0)?, il_v3_ten_x(5.0)?, il_v3_ten_x(10.0)?],
        note: String::new(),
    });
    rows.push(IlRow {
        design: "Balancer (80/20)".into(),
        paper: Some([-0.0104, -0.0891, -0.1963]),
        ours: ours(&Design::Weighted { w_cu: 0.8 })?,
        note: String::new(),
    });
    rows.push(IlRow {
        design: "HMM (λ = 0.5)".into(),
        paper: Some([-0.0384, -0.1712, -0.2892]),
        ours: ours(&designs::hmm(0.5))?,
        note: String::new(),
    });
    let refusal = hmm_refusal(2.0).unwrap_or_else(|| "accepted".into());
    rows.push(IlRow {
        design: "HMM (λ = 2.0)".into(),
        paper: Some([-0.0191, -0.0923, -0.1641]),
        ours: RATIOS.map(il_constant_sum),
        note: format!("the pool contract refuses λ = 2 ({refusal}); ours is the constant-sum curve it would be"),
    });
    for lambda in [1.0, 1.5] {
        rows.push(IlRow {
            design: format!("HMM (λ = {lambda}), ours only"),
            paper: None,
            ours: ours(&designs::hmm(lambda))?,
            note: String::new(),
        });
    }
    Ok(rows)
}

/// IL curves over r for the plot: (name, points).
/// One design's impermanent loss as a function of the price ratio: (design, [(r, IL)]).
pub type IlCurve = (String, Vec<(f64, f64)>);

pub fn il_curves(ratios: &[f64]) -> Result<Vec<IlCurve>> {
    let mut out = Vec::new();
    let designs = [
        Design::ConstantProduct,
        Design::StableSwap { amp: 100.0 },
        Design::Weighted { w_cu: 0.8 },
        designs::hmm(0.5),
        designs::hmm(1.0),
        designs::hmm(1.5),
    ];
    for d in &designs {
        let mut pts = Vec::new();
        for &r in ratios {
            pts.push((r, il_at(d, r)?));
        }
        out.push((d.name(), pts));
    }
    let mut v3 = Vec::new();
    for &r in ratios {
        v3.push((r, il_v3_ten_x(r)?));
    }
    out.push(("v3 10x range".into(), v3));
    out.push((
        "constant sum (eq.4 at λ=2)".into(),
        ratios.iter().map(|&r| (r, il_constant_sum(r))).collect(),
    ));
    Ok(out)
}

// ---------------------------------------------------------------------------------------------------------------
// Table 2: drift
// ---------------------------------------------------------------------------------------------------------------

/// Step size of every row (as docs/drift.md).
pub const H: f64 = 0.01;

/// Drift of one integrator on the pool curve pushed back and forth between q = ½ and q = 2.
#[derive(Clone, Debug)]
pub struct DriftRow {
    pub method: Method,
    /// (n, |H_n − κ|) at checkpoints, f64.
    pub f64_curve: Vec<(u64, f64)>,
    pub f64_max: f64,
    /// |H_n − κ| after 10⁴ fixed-point steps and the max over them.
    pub fixed_1e4: f64,
    pub fixed_max: f64,
    pub wall: f64,
}

/// The sound pool curve of docs/drift.md: normalised eq.4, one class, w = 1, λ = 0.5, q̄ = p̄ = 1.
pub fn drift_curve() -> Result<TargetReserve> {
    let half: Sdec = "0.5".parse().map_err(|e| anyhow!("{e:?}"))?;
    Ok(TargetReserve {
        weights: vec![Sdec::one()],
        lambda: half,
        q_bar: vec![Sdec::one()],
        scaling: Scaling::Normalised {
            p_ref: vec![Sdec::one()],
        },
    })
}

fn checkpoints(max: u64) -> Vec<u64> {
    let mut v = Vec::new();
    let mut d = 1u64;
    while d <= max {
        for m in [1, 2, 5] {
            if d * m <= max {
                v.push(d * m);
            }
        }
        d *= 10;
    }
    v
}

pub fn drift_rows(long: u64, fixed_steps: u64) -> Result<Vec<DriftRow>> {
    let pool = drift_curve()?;
    let cc = pool.class_curve(0).map_err(|e| anyhow!("{e}"))?;
    let c = Conic {
        a: cc.a.to_f64(),
        b: cc.b.to_f64(),
        t: cc.t.to_f64(),
        c: cc.c.to_f64(),
    };
    let flow = Flow::of(&pool).map_err(|e| anyhow!("{e}"))?;
    let marks = checkpoints(long);
    let mut rows = Vec::new();
    for method in Method::ALL {
        let t0 = Instant::now();
        let sys = c.system();
        let (mut q, mut p) = ([1.0], [1.0]);
        let kappa = c.energy(1.0, 1.0);
        let mut dir = 1.0;
        let mut max = 0.0f64;
        let mut curve = Vec::new();
        let mut next = 0;
        for n in 1..=long {
            sys.step(method, &mut q, &mut p, dir * H)
                .map_err(|e| anyhow!("{e}"))?;
            let e = (c.energy(q[0], p[0]) - kappa).abs();
            max = max.max(e);
            if marks.get(next) == Some(&n) {
                curve.push((n, e));
                next += 1;
            }
            if q[0] >= 2.0 {
                dir = -1.0;
            } else if q[0] <= 0.5 {
                dir = 1.0;
            }
        }
        // Fixed point, same schedule.
        let one = Sdec::one();
        let up: Sdec = format!("{H}").parse().map_err(|e| anyhow!("{e:?}"))?;
        let down = up.checked_neg().map_err(|e| anyhow!("{e}"))?;
        let (two, half) = (
            Sdec::from_int(2),
            "0.5".parse::<Sdec>().map_err(|e| anyhow!("{e:?}"))?,
        );
        let mut s = PhaseState::new(vec![one], vec![one]).map_err(|e| anyhow!("{e}"))?;
        let k = flow
            .energy(&s, Rounding::Down)
            .map_err(|e| anyhow!("{e}"))?;
        let mut dt = up;
        let (mut fixed_max, mut fixed_last) = (0.0f64, 0.0f64);
        for _ in 0..fixed_steps {
            s = flow.step(&s, dt, method).map_err(|e| anyhow!("{e}"))?;
            let e = flow
                .energy(&s, Rounding::Down)
                .and_then(|h| h.checked_sub(k))
                .map_err(|e| anyhow!("{e}"))?
                .to_f64()
                .abs();
            fixed_max = fixed_max.max(e);
            fixed_last = e;
            let qn = s.q.first().copied().unwrap_or(one);
            if qn >= two {
                dt = down;
            } else if qn <= half {
                dt = up;
            }
        }
        rows.push(DriftRow {
            method,
            f64_curve: curve,
            f64_max: max,
            fixed_1e4: fixed_last,
            fixed_max,
            wall: t0.elapsed().as_secs_f64(),
        });
    }
    Ok(rows)
}

/// The paper's Table 2 (10⁴, 10⁶ steps).
pub fn paper_drift(method: Method) -> (Option<f64>, Option<f64>) {
    match method {
        Method::Euler => (Some(3.2e-1), None),
        Method::Rk4 => (Some(7.8e-4), Some(4.1e-2)),
        Method::Verlet => (Some(2.1e-6), Some(2.3e-6)),
        Method::Ruth4 => (Some(8.9e-12), Some(9.1e-12)),
    }
}

/// |H_n − κ| at step `n` from a row's checkpoints.
pub fn at(row: &DriftRow, n: u64) -> Option<f64> {
    row.f64_curve.iter().find(|(m, _)| *m == n).map(|(_, e)| *e)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn constant_product_il_via_trades() {
        let got = il_at(&Design::ConstantProduct, 2.0).unwrap();
        assert!(
            (got - crate::metrics::il_constant_product(2.0)).abs() < 1e-9,
            "{got}"
        );
        assert!((got + 0.0572).abs() < 5e-5);
    }

    #[test]
    fn weighted_il_matches_closed_form() {
        // r^w / (w·r + 1 − w) − 1 for the 80 % side.
        let want = 2f64.powf(0.8) / (0.8 * 2.0 + 0.2) - 1.0;
        let got = il_at(&Design::Weighted { w_cu: 0.8 }, 2.0).unwrap();
        assert!((got - want).abs() < 1e-9, "{got} vs {want}");
    }

    #[test]
    fn hmm_pool_il_uses_the_contract_and_is_above_constant_product_loss() {
        // On the sound normalised curve λ flattens toward constant sum: IL at r = 2 is worse than CP's 5.72 %.
        let got = il_at(&designs::hmm(0.5), 2.0).unwrap();
        assert!(got < -0.0572 && got > -0.10, "{got}");
        assert!(hmm_refusal(2.0).is_some());
        assert!(hmm_refusal(0.5).is_none());
    }

    #[test]
    fn constant_sum_il() {
        assert!((il_constant_sum(2.0) + 1.0 / 3.0).abs() < 1e-12);
        assert_eq!(il_constant_sum(1.0), 0.0);
    }

    #[test]
    fn drift_short_run_is_bounded_for_symplectic_methods() {
        let rows = drift_rows(2_000, 200).unwrap();
        for r in &rows {
            assert!(r.f64_max.is_finite());
            if r.method.is_symplectic() {
                assert!(r.f64_max < 1e-3, "{:?} {}", r.method, r.f64_max);
            }
        }
    }
}
