//! Numerical integrators of Hamilton's equations `q̇ = ∂H/∂p`, `ṗ = −∂H/∂q` (2026 eq.1, eq.5–6) over any
//! [`Hamiltonian`], in 18-decimal fixed point, and the "swap along the flow" of 2026 Alg.1.
//!
//! | [`Method`] | order | symplectic | stages per step |
//! |---|---|---|---|
//! | [`Method::Euler`] | 1 | no | 1 gradient |
//! | [`Method::Rk4`] | 4 | no | 4 gradients |
//! | [`Method::Verlet`] | 2 | yes, symmetric | 2 implicit solves + 2 gradients |
//! | [`Method::Ruth4`] | 4 | yes, symmetric | 3 Verlet sub-steps |
//!
//! ## Why the Verlet and Ruth-4 steps are implicit
//! 2026 Alg.1 (steps 1–3) and Alg.2 are the *explicit* Störmer–Verlet and Forest–Ruth schemes. They are symplectic
//! and of order 2 and 4 only for a separable `H(q, p) = T(p) + V(q)`. Every HMM Hamiltonian has the bilinear term
//! `w·q·p`, so `∂H/∂q` depends on `p` and `∂H/∂p` on `q`, and the printed algorithms lose both properties: for
//! `H = q·p` one explicit Alg.1 step multiplies the invariant by `(1 + h)(1 − h/2)² = 1 − 3h²/4 + O(h³)`, a first-order,
//! secularly drifting method, just like forward Euler (`1 − h²`). (The f64 twins in [`reference`] keep the printed
//! forms, and `examples/drift.rs` measures them.) This module therefore implements the **generalised Störmer–Verlet
//! method** (Hairer, Lubich, Wanner, *Geometric Numerical Integration*, §VI.3, eq. 3.4), which is symplectic,
//! symmetric and of order 2 for *any* `H`, and reduces to Alg.1 steps 1–3 verbatim when `H` is separable:
//!
//! ```text
//! 1. p½ = p  − (h/2)·∂H/∂q(q,  p½)                       implicit in p½  (Alg.1 step 1 is the predictor)
//! 2. q' = q  + (h/2)·(∂H/∂p(q, p½) + ∂H/∂p(q', p½))      implicit in q'  (Alg.1 step 2 is the predictor)
//! 3. p' = p½ − (h/2)·∂H/∂q(q', p½)                        explicit        (= Alg.1 step 3)
//! ```
//!
//! The implicit stages are solved by fixed-point iteration started from the explicit predictor. The iteration map of
//! either stage has Lipschitz constant `ρ = (|h|/2)·‖∂²H/∂q∂p‖` (`= |h|·w/2` for one class), so it converges for
//! `|h|·w < 2`, gaining `log₁₀(1/ρ)` digits per iteration; it stops when the iterate is known to
//! [`CONVERGED_ULPS`] units in the last place in every component (see `fixed_point`), and fails with
//! [`MathError::NoConvergence`] after [`MAX_ITERATIONS`]. At `h = 0.01`, `w = 1` a Verlet step costs about five
//! Euler steps and a Ruth-4 step about fifteen (measured by `examples/drift.rs`).
//! A useful by-product: a symplectic partitioned Runge–Kutta method conserves every quadratic invariant of the
//! form `qᵀ·D·p` (HLW Thm. IV.2.3), so on the constant-product curve `H = w·q·p` the implicit Verlet and Ruth-4
//! steps conserve `H` *exactly* (only round-off remains), whereas Euler loses `w²h²·H` per step.
//!
//! ## Ruth-4 and eq.17–18
//! [`Method::Ruth4`] is Yoshida's triple jump of the generalised Verlet step:
//! `Φ_{x₁h} ∘ Φ_{x₀h} ∘ Φ_{x₁h}` with `x₁ = 1/(2 − 2^{1/3})`, `x₀ = −2^{1/3}/(2 − 2^{1/3}) = 1 − 2x₁`. The symmetric
//! composition of a symmetric order-2 method with `2x₁ + x₀ = 1` and `2x₁³ + x₀³ = 0` has order 4, for any `H`.
//! For a separable `H`, composing the *drift-first* Verlet (half drift, kick, half drift) this way gives exactly
//! Alg.2 with eq.17–18: drifts `c = (x₁/2, (x₁+x₀)/2, (x₀+x₁)/2, x₁/2)` and kicks `d = (x₁, x₀, x₁, 0)`,
//! i.e. `c₁ = c₄ = 1/(2(2 − 2^{1/3}))`, `c₂ = c₃ = (1 − 2^{1/3})/(2(2 − 2^{1/3}))`, `d₁ = d₃ = 1/(2 − 2^{1/3})`,
//! `d₂ = −2^{1/3}/(2 − 2^{1/3})`, `d₄ = 0`. So the paper's labelling is right: the `c` (half-sums, sum 1) go with
//! the position updates `q += c·h·∂H/∂p`, which come *first*, and the `d` (the jump weights) with the momentum
//! updates. Swapping them (`q` with `d`, `p` with `c`, still `q` first) breaks the symmetry and gives a first-order
//! method; [`reference`]'s tests check both. Here the base step is kick-first (Alg.1's order), whose triple jump is
//! the same method with the roles of `c` and `d` exchanged (kicks `c`, drifts `d`). Note that `x₀ < 0`: the middle
//! sub-step runs backward in time.
//!
//! ## Rounding (every step)
//! - Gradients are [`crate::ClassCurve::gradient`]'s (each product rounded down), from the class curves of the
//!   Hamiltonian ([`Hamiltonian::class_curve`], fetched once per [`Flow`]).
//! - Every state update is rounded **toward +∞**: `q + h·v` rounds the product up, `p − h·g` rounds the product
//!   down. In the sound region both `∂H/∂q` and `∂H/∂p` are positive, so round-off can only *raise* `H`: the
//!   integrator never leaks value through rounding, and its round-off drift is one-signed and at most about
//!   `(∂H/∂q + ∂H/∂p)·ulp` per update (`ulp = 10⁻¹⁸`): ~10⁻¹⁸–10⁻¹⁷ per step for κ = 1, below the truncation error
//!   of every method at h = 0.01 even after 10⁶ steps, visible at h = 0.001 (`docs/drift.md`).
//! - Weighted sums (`k₁ + 2k₂ + 2k₃ + k₄`, `v(q) + v(q')`) are exact additions, then one `mul_div` by the step and
//!   the denominator (6 or 2) with the rounding above. Half steps of Verlet are `⌊h/2⌋` and `h − ⌊h/2⌋`, and the
//!   Ruth-4 sub-steps are `s₁ = ⌊x₁·h⌋`, `s₀ = h − 2s₁`, so every step advances time by exactly `h`.
//! - The Ruth constant `x₁` is stored rounded to 18 decimals; `x₀ = 1 − 2x₁` is exact, so consistency holds
//!   exactly and the order-4 condition up to 10⁻¹⁸ (a local error term 10⁻¹⁸·h³, far below the truncation).
//!
//! ## Swap along the flow (Alg.1 in full)
//! [`swap_along_flow`] moves one class along the Hamiltonian vector field of its own term `Hᵢ` (the other classes
//! do not move) until `qᵢ` reaches the target, checks the drift of the integrated state (Alg.1 step 5), then
//! projects `pᵢ` exactly onto the level set (the Alg.1 projection) with [`crate::ClassCurve::solve_p`], rounded up
//! and verified so that `H_after ≥ κ`. Alg.1 step 4 (fee correction) is not done here: like [`crate::swap`], the
//! amounts are net of fees. Because the final `p` comes from the exact solve, the result is the exact swap's point
//! of the level set (before [`crate::swap::swap_exact`] rounds it to whole atoms); the integration contributes the
//! cross-check of step 5. The exact solve ([`crate::swap::swap_exact`]) is the
//! pools' default; this path exists to execute and audit the paper's algorithm.

use cosmwasm_std::{Int256, Uint256};

use crate::error::{MathError, MathResult};
use crate::fixed::{Rounding, Sdec};
use crate::hamiltonian::{ClassCurve, Hamiltonian, PhaseState};

/// The four integrators of 2026 §4 (Euler and RK4 as the non-symplectic baselines of Table 2).
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash)]
pub enum Method {
    /// Forward Euler: order 1, not symplectic.
    Euler,
    /// Classical Runge–Kutta: order 4, not symplectic.
    Rk4,
    /// Generalised (implicit) Störmer–Verlet, 2026 Alg.1 steps 1–3: order 2, symplectic, symmetric.
    Verlet,
    /// Yoshida/Forest–Ruth triple jump of Verlet, 2026 Alg.2 with eq.17–18: order 4, symplectic, symmetric.
    Ruth4,
}

impl Method {
    pub const ALL: [Method; 4] = [Method::Euler, Method::Rk4, Method::Verlet, Method::Ruth4];

    /// Order of accuracy (global error `O(hᵒʳᵈᵉʳ)`).
    pub const fn order(self) -> u32 {
        match self {
            Method::Euler => 1,
            Method::Verlet => 2,
            Method::Rk4 | Method::Ruth4 => 4,
        }
    }

    pub const fn is_symplectic(self) -> bool {
        matches!(self, Method::Verlet | Method::Ruth4)
    }

    pub const fn name(self) -> &'static str {
        match self {
            Method::Euler => "Forward Euler",
            Method::Rk4 => "RK4",
            Method::Verlet => "Störmer–Verlet",
            Method::Ruth4 => "Ruth-4",
        }
    }
}

/// Iteration cap of the implicit stages of Verlet (and of the landing steps of [`swap_along_flow`]).
pub const MAX_ITERATIONS: u32 = 64;

/// Two fixed-point iterates closer than this many units in the last place (10⁻¹⁸ each) count as converged.
pub const CONVERGED_ULPS: u32 = 16;

/// `x₁ = 1/(2 − 2^{1/3})` = 1.351207191959657634047687808971…, rounded to 18 decimals.
const YOSHIDA_X1_ATOMICS: i128 = 1_351_207_191_959_657_634;

/// Simpson panels used to estimate the flow time of [`swap_along_flow`] (even).
const FLOW_TIME_PANELS: i128 = 16;

/// Landing tolerance of [`swap_along_flow`], relative to the target reserve: 10⁻¹⁵.
const LANDING_RELATIVE_ATOMICS: i128 = 1_000;

/// Extra ulps the projection may add to `p` before refusing (covers the slack of the energy bounds).
const PROJECTION_BUMPS: u32 = 2;

fn ulps(n: i128) -> Sdec {
    Sdec::raw(Int256::from_i128(n))
}

/// The Ruth-4 sub-steps `(s₁, s₀)` of a step `h`: `s₁ = ⌊x₁·h⌋`, `s₀ = h − 2s₁`, so `2s₁ + s₀ = h` exactly.
pub fn ruth4_substeps(dt: Sdec) -> MathResult<(Sdec, Sdec)> {
    let s1 = dt.mul(ulps(YOSHIDA_X1_ATOMICS), Rounding::Down)?;
    let s0 = dt.checked_sub(s1.checked_add(s1)?)?;
    Ok((s1, s0))
}

// ---------------------------------------------------------------------------------------------------------------
// Vector arithmetic with the documented rounding
// ---------------------------------------------------------------------------------------------------------------

/// `x + dt·v/den`, the product rounded toward +∞ (a position update).
fn drift(x: &[Sdec], dt: Sdec, v: &[Sdec], den: i128) -> MathResult<Vec<Sdec>> {
    let den = Sdec::from_int(den);
    x.iter()
        .zip(v)
        .map(|(x, v)| x.checked_add(dt.mul_div(*v, den, Rounding::Up)?))
        .collect()
}

/// `x − dt·g/den`, the product rounded toward −∞ so the result is rounded toward +∞ (a momentum update).
fn kick(x: &[Sdec], dt: Sdec, g: &[Sdec], den: i128) -> MathResult<Vec<Sdec>> {
    let den = Sdec::from_int(den);
    x.iter()
        .zip(g)
        .map(|(x, g)| x.checked_sub(dt.mul_div(*g, den, Rounding::Down)?))
        .collect()
}

/// `a + b` componentwise (exact).
fn add(a: &[Sdec], b: &[Sdec]) -> MathResult<Vec<Sdec>> {
    a.iter().zip(b).map(|(a, b)| a.checked_add(*b)).collect()
}

/// `a + 2b + 2c + d` componentwise (exact).
fn rk4_sum(a: &[Sdec], b: &[Sdec], c: &[Sdec], d: &[Sdec]) -> MathResult<Vec<Sdec>> {
    let bc = add(b, c)?;
    let twice = add(&bc, &bc)?;
    add(&add(a, &twice)?, d)
}

/// Largest componentwise distance, in ulps.
fn distance(a: &[Sdec], b: &[Sdec]) -> MathResult<Uint256> {
    let mut max = Uint256::zero();
    for (a, b) in a.iter().zip(b) {
        max = max.max(a.checked_sub(*b)?.abs()?.atomics());
    }
    Ok(max)
}

/// `(∂H/∂q, ∂H/∂p)` of every class at `(q, p)`: [`ClassCurve::gradient`] of each class (the trait's
/// [`Hamiltonian::gradient`], with the curves fetched once per call instead of once per evaluation).
fn gradients(curves: &[ClassCurve], q: &[Sdec], p: &[Sdec]) -> MathResult<(Vec<Sdec>, Vec<Sdec>)> {
    let mut dq = Vec::with_capacity(curves.len());
    let mut dp = Vec::with_capacity(curves.len());
    for ((curve, q), p) in curves.iter().zip(q).zip(p) {
        let g = curve.gradient(*q, *p)?;
        dq.push(g.dq);
        dp.push(g.dp);
    }
    Ok((dq, dp))
}

/// Which partial derivative a Verlet stage needs.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Partial {
    /// ∂H/∂q = a·p + b·(q − t)
    Q,
    /// ∂H/∂p = a·q + c·p
    P,
}

/// One partial derivative of every class, with exactly the formula and rounding of [`ClassCurve::gradient`] (each
/// product rounded down; a test checks they agree bit for bit). The implicit stages need only one of the two, and
/// computing only that one halves their multiplications.
fn partials(
    curves: &[ClassCurve],
    q: &[Sdec],
    p: &[Sdec],
    which: Partial,
) -> MathResult<Vec<Sdec>> {
    curves
        .iter()
        .zip(q)
        .zip(p)
        .map(|((c, q), p)| match which {
            Partial::Q => {
                c.a.mul(*p, Rounding::Down)?
                    .checked_add(c.b.mul(q.checked_sub(c.t)?, Rounding::Down)?)
            }
            Partial::P => {
                c.a.mul(*q, Rounding::Down)?
                    .checked_add(c.c.mul(*p, Rounding::Down)?)
            }
        })
        .collect()
}

/// Iterate `x ← map(x)` until the iterate is known to [`CONVERGED_ULPS`]: either two iterates agree to that, or the
/// iteration contracts (`d_k < d_{k−1}` for the successive distances) and the remaining error of a contraction
/// with the observed ratio `ρ = d_k/d_{k−1}`, `ρ/(1 − ρ)·d_k = d_k²/(d_{k−1} − d_k)`, is within it (this saves
/// one map evaluation in most steps). [`MathError::NoConvergence`] after [`MAX_ITERATIONS`].
fn fixed_point<F>(mut x: Vec<Sdec>, mut map: F) -> MathResult<Vec<Sdec>>
where
    F: FnMut(&[Sdec]) -> MathResult<Vec<Sdec>>,
{
    let tol = Uint256::from(CONVERGED_ULPS);
    let mut previous: Option<Uint256> = None;
    for _ in 0..MAX_ITERATIONS {
        let y = map(&x)?;
        let d = distance(&x, &y)?;
        x = y;
        if d <= tol {
            return Ok(x);
        }
        if let Some(prev) = previous {
            if d < prev {
                let remaining = d.checked_mul(d).ok();
                let bound = tol.checked_mul(prev - d).ok();
                if let (Some(remaining), Some(bound)) = (remaining, bound) {
                    if remaining <= bound {
                        return Ok(x);
                    }
                }
            }
        }
        previous = Some(d);
    }
    Err(MathError::NoConvergence {
        iterations: MAX_ITERATIONS,
    })
}

// ---------------------------------------------------------------------------------------------------------------
// The four steps
// ---------------------------------------------------------------------------------------------------------------

type Pair = (Vec<Sdec>, Vec<Sdec>);

fn euler(h: &[ClassCurve], q: &[Sdec], p: &[Sdec], dt: Sdec) -> MathResult<Pair> {
    let (gq, gp) = gradients(h, q, p)?;
    Ok((drift(q, dt, &gp, 1)?, kick(p, dt, &gq, 1)?))
}

fn rk4(h: &[ClassCurve], q: &[Sdec], p: &[Sdec], dt: Sdec) -> MathResult<Pair> {
    let (g1, v1) = gradients(h, q, p)?;
    let (g2, v2) = gradients(h, &drift(q, dt, &v1, 2)?, &kick(p, dt, &g1, 2)?)?;
    let (g3, v3) = gradients(h, &drift(q, dt, &v2, 2)?, &kick(p, dt, &g2, 2)?)?;
    let (g4, v4) = gradients(h, &drift(q, dt, &v3, 1)?, &kick(p, dt, &g3, 1)?)?;
    let v = rk4_sum(&v1, &v2, &v3, &v4)?;
    let g = rk4_sum(&g1, &g2, &g3, &g4)?;
    Ok((drift(q, dt, &v, 6)?, kick(p, dt, &g, 6)?))
}

fn verlet(h: &[ClassCurve], q: &[Sdec], p: &[Sdec], dt: Sdec) -> MathResult<Pair> {
    let first_half = dt.half(Rounding::Down);
    let second_half = dt.checked_sub(first_half)?;
    // 1. p½ = p − (h/2)·∂H/∂q(q, p½), from the explicit predictor p − (h/2)·∂H/∂q(q, p) (Alg.1 step 1).
    let g0 = partials(h, q, p, Partial::Q)?;
    let predictor = kick(p, first_half, &g0, 1)?;
    let p_half = fixed_point(predictor, |x| {
        kick(p, first_half, &partials(h, q, x, Partial::Q)?, 1)
    })?;
    // 2. q' = q + (h/2)·(∂H/∂p(q, p½) + ∂H/∂p(q', p½)), from the predictor q + h·∂H/∂p(q, p½) (Alg.1 step 2).
    let v0 = partials(h, q, &p_half, Partial::P)?;
    let predictor = drift(q, dt, &v0, 1)?;
    let q_new = fixed_point(predictor, |x| {
        let v1 = partials(h, x, &p_half, Partial::P)?;
        drift(q, dt, &add(&v0, &v1)?, 2)
    })?;
    // 3. p' = p½ − (h/2)·∂H/∂q(q', p½) (Alg.1 step 3).
    let g1 = partials(h, &q_new, &p_half, Partial::Q)?;
    let p_new = kick(&p_half, second_half, &g1, 1)?;
    Ok((q_new, p_new))
}

fn ruth4(h: &[ClassCurve], q: &[Sdec], p: &[Sdec], dt: Sdec) -> MathResult<Pair> {
    let (s1, s0) = ruth4_substeps(dt)?;
    let (q, p) = verlet(h, q, p, s1)?;
    let (q, p) = verlet(h, &q, &p, s0)?;
    verlet(h, &q, &p, s1)
}

/// A Hamiltonian prepared for integration: its class curves, fetched once ([`Hamiltonian::class_curve`]; the
/// trait's energy and gradient are defined from them). Reuse it for many steps.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Flow {
    curves: Vec<ClassCurve>,
}

impl Flow {
    pub fn of<H: Hamiltonian + ?Sized>(h: &H) -> MathResult<Flow> {
        let curves = (0..h.classes())
            .map(|i| h.class_curve(i))
            .collect::<MathResult<Vec<_>>>()?;
        if curves.is_empty() {
            return Err(MathError::Empty("Hamiltonian"));
        }
        Ok(Flow { curves })
    }

    pub fn curves(&self) -> &[ClassCurve] {
        &self.curves
    }

    fn check_state(&self, state: &PhaseState) -> MathResult<()> {
        if state.q.len() != state.p.len() || state.classes() != self.curves.len() {
            return Err(MathError::InvalidParameter {
                name: "state",
                reason: "class count differs from the Hamiltonian's",
            });
        }
        Ok(())
    }

    /// `H(q, p)`, rounded as asked (a bound in that direction).
    pub fn energy(&self, state: &PhaseState, rounding: Rounding) -> MathResult<Sdec> {
        self.check_state(state)?;
        let mut sum = Sdec::ZERO;
        for ((curve, q), p) in self.curves.iter().zip(&state.q).zip(&state.p) {
            sum = sum.checked_add(curve.energy(*q, *p, rounding)?)?;
        }
        Ok(sum)
    }

    fn step_unchecked(
        &self,
        state: &PhaseState,
        dt: Sdec,
        method: Method,
    ) -> MathResult<PhaseState> {
        let c = &self.curves;
        let (q, p) = match method {
            Method::Euler => euler(c, &state.q, &state.p, dt)?,
            Method::Rk4 => rk4(c, &state.q, &state.p, dt)?,
            Method::Verlet => verlet(c, &state.q, &state.p, dt)?,
            Method::Ruth4 => ruth4(c, &state.q, &state.p, dt)?,
        };
        Ok(PhaseState { q, p })
    }

    /// One step of size `dt` (negative: backward in time). The state need not be sound: the integrator follows
    /// the vector field wherever it is defined (soundness is the caller's business, see [`swap_along_flow`]).
    pub fn step(&self, state: &PhaseState, dt: Sdec, method: Method) -> MathResult<PhaseState> {
        self.check_state(state)?;
        if dt.is_zero() {
            return Err(MathError::InvalidParameter {
                name: "step size",
                reason: "must not be zero",
            });
        }
        self.step_unchecked(state, dt, method)
    }

    /// `steps` steps of size `dt`.
    pub fn integrate(
        &self,
        state: &PhaseState,
        dt: Sdec,
        steps: u32,
        method: Method,
    ) -> MathResult<PhaseState> {
        if steps == 0 {
            return Err(MathError::InvalidParameter {
                name: "steps",
                reason: "must be positive",
            });
        }
        let mut s = self.step(state, dt, method)?;
        for _ in 1..steps {
            s = self.step_unchecked(&s, dt, method)?;
        }
        Ok(s)
    }
}

/// One step of `method` on `h` ([`Flow::step`]).
pub fn step<H: Hamiltonian + ?Sized>(
    h: &H,
    state: &PhaseState,
    dt: Sdec,
    method: Method,
) -> MathResult<PhaseState> {
    Flow::of(h)?.step(state, dt, method)
}

/// `steps` steps of `method` on `h` ([`Flow::integrate`]).
pub fn integrate<H: Hamiltonian + ?Sized>(
    h: &H,
    state: &PhaseState,
    dt: Sdec,
    steps: u32,
    method: Method,
) -> MathResult<PhaseState> {
    Flow::of(h)?.integrate(state, dt, steps, method)
}

// ---------------------------------------------------------------------------------------------------------------
// Swap along the flow (2026 Alg.1)
// ---------------------------------------------------------------------------------------------------------------

/// Time the flow of `curve` needs to carry `q` from `q0` to `target` on the level set `H = kappa`:
/// `T = ∫ dq / (∂H/∂p)(q, p(q))` by composite Simpson on [`FLOW_TIME_PANELS`] panels, with `p(q)` from the exact
/// level-set solve. For `c = 0` (`∂H/∂p = a·q`) the exact value is `ln(target/q0)/a`; Simpson's relative error is
/// then 7·10⁻⁷ for a doubling of `q` (7·10⁻⁶ for a tripling), and the landing steps absorb the rest. Negative when
/// `target < q0`.
fn flow_time(curve: &ClassCurve, q0: Sdec, target: Sdec, kappa: Sdec) -> MathResult<Sdec> {
    let dq = target.checked_sub(q0)?;
    let panels = Sdec::from_int(FLOW_TIME_PANELS);
    let mut acc = Sdec::ZERO;
    for k in 0..=FLOW_TIME_PANELS {
        let qk = q0.checked_add(dq.mul_div(Sdec::from_int(k), panels, Rounding::Down)?)?;
        let pk = curve.solve_p(qk, kappa, Rounding::Down)?;
        let speed = curve.gradient(qk, pk)?.dp;
        if !speed.is_positive() {
            return Err(MathError::Unsound("the credit price dH/dp is not positive"));
        }
        let weight = if k == 0 || k == FLOW_TIME_PANELS {
            1
        } else if k % 2 == 1 {
            4
        } else {
            2
        };
        let term = dq.div(speed, Rounding::Down)?;
        acc = acc.checked_add(term.mul(Sdec::from_int(weight), Rounding::Down)?)?;
    }
    acc.div(Sdec::from_int(3 * FLOW_TIME_PANELS), Rounding::Down)
}

/// Execute a one-class swap by integrating the Hamiltonian flow of that class's term (2026 Alg.1 in full).
///
/// 1. Checks that `state` is sound for `class`, and `κ = Hᵢ(qᵢ, pᵢ)`.
/// 2. Flow time `T` to reach `target_q` ([`flow_time`]; negative when `qᵢ` must fall: the flow runs backward),
///    then `steps` steps of `T/steps` with `method`, then up to [`MAX_ITERATIONS`] landing steps
///    `τ = (target − q)/(∂H/∂p)` until `|q − target| ≤ 10⁻¹⁵·target` (else [`MathError::NoConvergence`]).
///    For `H = w·q·p` the flow `q̇ = wq`, `ṗ = −wp` traces exactly the constant-product curve.
/// 3. Alg.1 step 5: `|Hᵢ(q_T, p_T) − κ| ≤ tolerance` (absolute, in the units of `H`), else
///    [`MathError::DriftExceeded`].
/// 4. Projection: `qᵢ ← target_q`, `pᵢ ←` [`ClassCurve::solve_p`]`(target_q, κ)` rounded up, verified with a lower
///    bound of `H` after against an upper bound of `κ` (bumped by at most two ulps, else
///    [`MathError::InvariantDecreased`]), so `H_after ≥ κ` for the exact values. The result must be sound.
pub fn swap_along_flow<H: Hamiltonian + ?Sized>(
    h: &H,
    state: &PhaseState,
    class: usize,
    target_q: Sdec,
    steps: u32,
    method: Method,
    tolerance: Sdec,
) -> MathResult<PhaseState> {
    if state.q.len() != state.p.len() || state.classes() != h.classes() {
        return Err(MathError::InvalidParameter {
            name: "state",
            reason: "class count differs from the Hamiltonian's",
        });
    }
    if steps == 0 {
        return Err(MathError::InvalidParameter {
            name: "steps",
            reason: "must be positive",
        });
    }
    if tolerance.is_negative() {
        return Err(MathError::InvalidParameter {
            name: "tolerance",
            reason: "must not be negative",
        });
    }
    if !target_q.is_positive() {
        return Err(MathError::InsufficientLiquidity);
    }
    let (q0, p0) = state.class(class)?;
    if target_q == q0 {
        return Err(MathError::InvalidParameter {
            name: "target_q",
            reason: "equals the current reserve: nothing to trade",
        });
    }
    let curve = h.class_curve(class)?;
    curve.check_sound(q0, p0)?;
    let kappa_up = curve.energy(q0, p0, Rounding::Up)?;
    let kappa_down = curve.energy(q0, p0, Rounding::Down)?;

    // 2. Integrate the class flow to the target.
    let flow = Flow {
        curves: vec![curve],
    };
    let total = flow_time(&curve, q0, target_q, kappa_down)?;
    let dt = total.div(Sdec::from_int(i128::from(steps)), Rounding::Down)?;
    if dt.is_zero() {
        return Err(MathError::InvalidParameter {
            name: "steps",
            reason: "too many for the move: the step size rounds to zero",
        });
    }
    let single = PhaseState {
        q: vec![q0],
        p: vec![p0],
    };
    let mut s = flow.integrate(&single, dt, steps, method)?;
    let landing_tol = ulps(i128::from(CONVERGED_ULPS))
        .max(target_q.mul(ulps(LANDING_RELATIVE_ATOMICS), Rounding::Up)?);
    let mut landed = false;
    for _ in 0..MAX_ITERATIONS {
        let (q, p) = s.class(0)?;
        let gap = target_q.checked_sub(q)?;
        if gap.abs()? <= landing_tol.abs()? {
            landed = true;
            break;
        }
        let speed = curve.gradient(q, p)?.dp;
        if !speed.is_positive() {
            return Err(MathError::Unsound("the credit price dH/dp is not positive"));
        }
        let tau = gap.div(speed, Rounding::Down)?;
        if tau.is_zero() {
            landed = true;
            break;
        }
        s = flow.step_unchecked(&s, tau, method)?;
    }
    if !landed {
        return Err(MathError::NoConvergence {
            iterations: MAX_ITERATIONS,
        });
    }

    // 3. Alg.1 step 5 on the integrated state.
    let (q_t, p_t) = s.class(0)?;
    let h_t = curve.energy(q_t, p_t, Rounding::Down)?;
    let drift = h_t.checked_sub(kappa_down)?.abs()?;
    if drift > tolerance.abs()? {
        return Err(MathError::DriftExceeded {
            drift: drift.to_string(),
            tolerance: tolerance.to_string(),
        });
    }

    // 4. Project onto H = κ, pool-favouring.
    let mut p_new = curve.solve_p(target_q, kappa_up, Rounding::Up)?;
    let mut bumps = 0;
    while curve.energy(target_q, p_new, Rounding::Down)? < kappa_up {
        if bumps == PROJECTION_BUMPS {
            return Err(MathError::InvariantDecreased);
        }
        bumps += 1;
        p_new = p_new.checked_add(ulps(1))?;
    }
    curve.check_sound(target_q, p_new)?;

    let mut out = state.clone();
    match (out.q.get_mut(class), out.p.get_mut(class)) {
        (Some(q), Some(p)) => {
            *q = target_q;
            *p = p_new;
        }
        _ => {
            return Err(MathError::ClassOutOfRange {
                index: class,
                classes: state.classes(),
            })
        }
    }
    Ok(out)
}

// ---------------------------------------------------------------------------------------------------------------
// f64 twins
// ---------------------------------------------------------------------------------------------------------------

/// **f64: simulator and benchmarks only, never linked by contracts** (not even compiled for `wasm32`).
///
/// The same four integrators on closures for `∂H/∂q` and `∂H/∂p`, plus the paper's algorithms exactly as printed
/// ([`verlet_explicit_step`], [`ruth4_explicit_step`]) to measure what the explicit forms cost on a non-separable
/// Hamiltonian, and the exact flow of one class's conic for reference solutions.
#[cfg(not(target_arch = "wasm32"))]
pub mod reference {
    use super::{Method, MAX_ITERATIONS};
    use crate::error::{MathError, MathResult};

    /// `∂H/∂q` (or `∂H/∂p`) at `(q, p)`, written into the last argument.
    pub type GradientFn = Box<dyn Fn(&[f64], &[f64], &mut [f64])>;

    /// A Hamiltonian system given by its gradient closures.
    pub struct System {
        pub dh_dq: GradientFn,
        pub dh_dp: GradientFn,
    }

    /// `x₁ = 1/(2 − 2^{1/3})`.
    pub fn yoshida_x1() -> f64 {
        1.0 / (2.0 - 2f64.cbrt())
    }

    /// 2026 eq.17: position coefficients `c₁..c₄`.
    pub fn ruth_c() -> [f64; 4] {
        let k = 2f64.cbrt();
        let c1 = 1.0 / (2.0 * (2.0 - k));
        let c2 = (1.0 - k) / (2.0 * (2.0 - k));
        [c1, c2, c2, c1]
    }

    /// 2026 eq.18: momentum coefficients `d₁..d₄`.
    pub fn ruth_d() -> [f64; 4] {
        let k = 2f64.cbrt();
        let d1 = 1.0 / (2.0 - k);
        [d1, -k / (2.0 - k), d1, 0.0]
    }

    impl System {
        pub fn new(
            dh_dq: impl Fn(&[f64], &[f64], &mut [f64]) + 'static,
            dh_dp: impl Fn(&[f64], &[f64], &mut [f64]) + 'static,
        ) -> System {
            System {
                dh_dq: Box::new(dh_dq),
                dh_dp: Box::new(dh_dp),
            }
        }

        fn gq(&self, q: &[f64], p: &[f64]) -> Vec<f64> {
            let mut out = vec![0.0; q.len()];
            (self.dh_dq)(q, p, &mut out);
            out
        }

        fn gp(&self, q: &[f64], p: &[f64]) -> Vec<f64> {
            let mut out = vec![0.0; q.len()];
            (self.dh_dp)(q, p, &mut out);
            out
        }

        /// One step of `method` (the implicit Verlet/Ruth-4 of the fixed-point module).
        pub fn step(
            &self,
            method: Method,
            q: &mut [f64],
            p: &mut [f64],
            dt: f64,
        ) -> MathResult<()> {
            match method {
                Method::Euler => {
                    self.euler_step(q, p, dt);
                    Ok(())
                }
                Method::Rk4 => {
                    self.rk4_step(q, p, dt);
                    Ok(())
                }
                Method::Verlet => self.verlet_step(q, p, dt),
                Method::Ruth4 => self.ruth4_step(q, p, dt),
            }
        }

        pub fn euler_step(&self, q: &mut [f64], p: &mut [f64], dt: f64) {
            let g = self.gq(q, p);
            let v = self.gp(q, p);
            axpy(q, dt, &v);
            axpy(p, -dt, &g);
        }

        pub fn rk4_step(&self, q: &mut [f64], p: &mut [f64], dt: f64) {
            let at = |x: &[f64], k: &[f64], s: f64| -> Vec<f64> {
                x.iter().zip(k).map(|(x, k)| x + s * k).collect()
            };
            let (v1, g1) = (self.gp(q, p), self.gq(q, p));
            let (q2, p2) = (at(q, &v1, dt / 2.0), at(p, &g1, -dt / 2.0));
            let (v2, g2) = (self.gp(&q2, &p2), self.gq(&q2, &p2));
            let (q3, p3) = (at(q, &v2, dt / 2.0), at(p, &g2, -dt / 2.0));
            let (v3, g3) = (self.gp(&q3, &p3), self.gq(&q3, &p3));
            let (q4, p4) = (at(q, &v3, dt), at(p, &g3, -dt));
            let (v4, g4) = (self.gp(&q4, &p4), self.gq(&q4, &p4));
            for (i, x) in q.iter_mut().enumerate() {
                let s = get(&v1, i) + 2.0 * get(&v2, i) + 2.0 * get(&v3, i) + get(&v4, i);
                *x += dt / 6.0 * s;
            }
            for (i, x) in p.iter_mut().enumerate() {
                let s = get(&g1, i) + 2.0 * get(&g2, i) + 2.0 * get(&g3, i) + get(&g4, i);
                *x -= dt / 6.0 * s;
            }
        }

        /// Generalised (implicit) Störmer–Verlet, as in the fixed-point module (same predictors, same stopping
        /// rule in spirit: iterates agreeing to 4 ulps of f64).
        pub fn verlet_step(&self, q: &mut [f64], p: &mut [f64], dt: f64) -> MathResult<()> {
            let h2 = dt / 2.0;
            let n = q.len();
            let (mut g, mut x, mut y, mut v0) =
                (vec![0.0; n], p.to_vec(), vec![0.0; n], vec![0.0; n]);
            // 1. p½ = p − (h/2)·∂H/∂q(q, p½)
            (self.dh_dq)(q, p, &mut g);
            axpy(&mut x, -h2, &g);
            solve(&mut x, &mut y, |x, y| {
                (self.dh_dq)(q, x, &mut g);
                for ((y, p), g) in y.iter_mut().zip(&*p).zip(&g) {
                    *y = p - h2 * g;
                }
            })?;
            p.copy_from_slice(&x);
            // 2. q' = q + (h/2)·(∂H/∂p(q, p½) + ∂H/∂p(q', p½))
            (self.dh_dp)(q, p, &mut v0);
            x.copy_from_slice(q);
            axpy(&mut x, dt, &v0);
            let mut v1 = vec![0.0; n];
            solve(&mut x, &mut y, |x, y| {
                (self.dh_dp)(x, p, &mut v1);
                for (((y, q), a), b) in y.iter_mut().zip(&*q).zip(&v0).zip(&v1) {
                    *y = q + h2 * (a + b);
                }
            })?;
            q.copy_from_slice(&x);
            // 3. p' = p½ − (h/2)·∂H/∂q(q', p½)
            (self.dh_dq)(q, p, &mut g);
            axpy(p, -h2, &g);
            Ok(())
        }

        /// Triple jump of [`System::verlet_step`].
        pub fn ruth4_step(&self, q: &mut [f64], p: &mut [f64], dt: f64) -> MathResult<()> {
            let x1 = yoshida_x1();
            let x0 = 1.0 - 2.0 * x1;
            self.verlet_step(q, p, x1 * dt)?;
            self.verlet_step(q, p, x0 * dt)?;
            self.verlet_step(q, p, x1 * dt)
        }

        /// 2026 Alg.1 steps 1–3 exactly as printed (explicit; symplectic only for separable `H`).
        pub fn verlet_explicit_step(&self, q: &mut [f64], p: &mut [f64], dt: f64) {
            let g = self.gq(q, p);
            axpy(p, -dt / 2.0, &g);
            let v = self.gp(q, p);
            axpy(q, dt, &v);
            let g = self.gq(q, p);
            axpy(p, -dt / 2.0, &g);
        }

        /// 2026 Alg.2 exactly as printed with eq.17–18 (explicit; order 4 only for separable `H`).
        pub fn ruth4_explicit_step(&self, q: &mut [f64], p: &mut [f64], dt: f64) {
            self.ruth4_explicit_with(q, p, dt, &ruth_c(), &ruth_d());
        }

        /// Alg.2 with arbitrary coefficients: `q += c_k·h·∂H/∂p`, then `p −= d_k·h·∂H/∂q`, for k = 1..4.
        pub fn ruth4_explicit_with(
            &self,
            q: &mut [f64],
            p: &mut [f64],
            dt: f64,
            c: &[f64; 4],
            d: &[f64; 4],
        ) {
            for (ck, dk) in c.iter().zip(d) {
                let v = self.gp(q, p);
                axpy(q, ck * dt, &v);
                let g = self.gq(q, p);
                axpy(p, -dk * dt, &g);
            }
        }
    }

    fn get(v: &[f64], i: usize) -> f64 {
        v.get(i).copied().unwrap_or(f64::NAN)
    }

    fn axpy(x: &mut [f64], a: f64, y: &[f64]) {
        for (x, y) in x.iter_mut().zip(y) {
            *x += a * y;
        }
    }

    /// Iterate `x ← map(x)` in place (`y` is scratch) until two iterates agree to 4 ulps.
    fn solve<F>(x: &mut Vec<f64>, y: &mut Vec<f64>, mut map: F) -> MathResult<()>
    where
        F: FnMut(&[f64], &mut [f64]),
    {
        for _ in 0..MAX_ITERATIONS {
            map(x, y);
            let done = x
                .iter()
                .zip(y.iter())
                .all(|(a, b)| (a - b).abs() <= 4.0 * f64::EPSILON * b.abs().max(1.0));
            std::mem::swap(x, y);
            if done {
                return Ok(());
            }
        }
        Err(MathError::NoConvergence {
            iterations: MAX_ITERATIONS,
        })
    }

    /// One class's conic `a·q·p + (b/2)(q − t)² + (c/2)p²` in f64: energy and gradient.
    #[derive(Clone, Copy, Debug, PartialEq)]
    pub struct Conic {
        pub a: f64,
        pub b: f64,
        pub t: f64,
        pub c: f64,
    }

    impl Conic {
        pub fn energy(&self, q: f64, p: f64) -> f64 {
            self.a * q * p + 0.5 * self.b * (q - self.t) * (q - self.t) + 0.5 * self.c * p * p
        }

        pub fn dh_dq(&self, q: f64, p: f64) -> f64 {
            self.a * p + self.b * (q - self.t)
        }

        pub fn dh_dp(&self, q: f64, p: f64) -> f64 {
            self.a * q + self.c * p
        }

        /// The exact flow after time `time`: the equations are linear, `ẋ = A·x` around the equilibrium with
        /// `A = [[a, c], [−b, −a]]`, `A² = (a² − bc)·I`, so `exp(tA) = α·I + β·A` with `(α, β) = (cosh σt, sinh σt/σ)`
        /// for `σ² = a² − bc > 0` (hyperbolic: every sound HMM curve) and `(cos ωt, sin ωt/ω)` for `ω² = bc − a² > 0`
        /// (elliptic: closed orbits, outside the sound region). `a² = bc` has no isolated equilibrium: refused.
        pub fn exact_flow(&self, q0: f64, p0: f64, time: f64) -> MathResult<(f64, f64)> {
            let det = self.a * self.a - self.b * self.c;
            if det == 0.0 {
                return Err(MathError::InvalidParameter {
                    name: "conic",
                    reason: "degenerate (a² = bc): no closed form implemented",
                });
            }
            let q_eq = -self.b * self.c * self.t / det;
            let p_eq = self.a * self.b * self.t / det;
            let (alpha, beta) = if det > 0.0 {
                let s = det.sqrt();
                ((s * time).cosh(), (s * time).sinh() / s)
            } else {
                let w = (-det).sqrt();
                ((w * time).cos(), (w * time).sin() / w)
            };
            let (x, y) = (q0 - q_eq, p0 - p_eq);
            let xq = alpha * x + beta * (self.a * x + self.c * y);
            let yp = alpha * y + beta * (-self.b * x - self.a * y);
            Ok((q_eq + xq, p_eq + yp))
        }

        /// This conic (one class) as a [`System`].
        pub fn system(self) -> System {
            System::new(
                move |q: &[f64], p: &[f64], out: &mut [f64]| {
                    for ((o, q), p) in out.iter_mut().zip(q).zip(p) {
                        *o = self.dh_dq(*q, *p);
                    }
                },
                move |q: &[f64], p: &[f64], out: &mut [f64]| {
                    for ((o, q), p) in out.iter_mut().zip(q).zip(p) {
                        *o = self.dh_dp(*q, *p);
                    }
                },
            )
        }

        /// Several classes, one conic each, as a [`System`].
        pub fn system_of(conics: Vec<Conic>) -> System {
            let cq = conics.clone();
            System::new(
                move |q: &[f64], p: &[f64], out: &mut [f64]| {
                    for (((o, q), p), c) in out.iter_mut().zip(q).zip(p).zip(&cq) {
                        *o = c.dh_dq(*q, *p);
                    }
                },
                move |q: &[f64], p: &[f64], out: &mut [f64]| {
                    for (((o, q), p), c) in out.iter_mut().zip(q).zip(p).zip(&conics) {
                        *o = c.dh_dp(*q, *p);
                    }
                },
            )
        }
    }
}

#[cfg(test)]
mod tests {
    use super::reference::Conic;
    use super::*;
    use crate::fixed::sd;
    use crate::hamiltonian::{Augmented, Bilinear, MultiAsset, Scaling, TargetReserve};
    use crate::swap::{swap_exact, Direction, SwapKind};
    use cosmwasm_std::Uint128;

    fn f(x: Sdec) -> f64 {
        x.to_f64()
    }

    fn conic(c: &ClassCurve) -> Conic {
        Conic {
            a: f(c.a),
            b: f(c.b),
            t: f(c.t),
            c: f(c.c),
        }
    }

    fn state(q: &[&str], p: &[&str]) -> PhaseState {
        PhaseState::new(
            q.iter().map(|x| sd(x)).collect(),
            p.iter().map(|x| sd(x)).collect(),
        )
        .unwrap()
    }

    /// Normalised eq.4, λ = 0.5, one class at q̄ = p̄ = 1: `H = q·p + ¼(q − 1)²` (sound, hyperbolic flow).
    fn target_reserve() -> TargetReserve {
        TargetReserve {
            weights: vec![sd("1")],
            lambda: sd("0.5"),
            q_bar: vec![sd("1")],
            scaling: Scaling::Normalised {
                p_ref: vec![sd("1")],
            },
        }
    }

    /// eq.9 with λ = 0.5, μ = 4: `H = q·p + ¼(q − 1)² + 2p²`, an ellipse (λμ > 1): closed orbits of period 2π,
    /// outside the sound region, the textbook test of long-time energy behaviour.
    fn closed_orbit() -> Augmented {
        Augmented {
            base: target_reserve(),
            mu: vec![sd("4")],
        }
    }

    /// Two classes with every coefficient non-zero, to exercise the vector code.
    fn two_class() -> Augmented {
        Augmented {
            base: TargetReserve {
                weights: vec![sd("0.6"), sd("0.4")],
                lambda: sd("0.5"),
                q_bar: vec![sd("1"), sd("2")],
                scaling: Scaling::Normalised {
                    p_ref: vec![sd("1"), sd("3")],
                },
            },
            mu: vec![sd("0.1"), sd("0.2")],
        }
    }

    type Stepper<'a> = &'a dyn Fn(&mut [f64], &mut [f64], f64);

    fn conics<H: Hamiltonian>(h: &H) -> Vec<Conic> {
        (0..h.classes())
            .map(|i| conic(&h.class_curve(i).unwrap()))
            .collect()
    }

    fn energy_f64(cs: &[Conic], q: &[f64], p: &[f64]) -> f64 {
        cs.iter()
            .zip(q.iter().zip(p))
            .map(|(c, (q, p))| c.energy(*q, *p))
            .sum()
    }

    /// Each fixed-point integrator follows its f64 twin: 300 steps of h = 0.01 agree to 10⁻¹² (the f64 round-off
    /// is ~10⁻¹⁴ here, the fixed-point one ~10⁻¹⁵; the methods' own truncation errors are 10⁻¹¹…10⁻², so a
    /// mismatch of stages or coefficients would show).
    #[test]
    fn each_integrator_matches_its_f64_twin() {
        let cases = [
            (
                Flow::of(&target_reserve()).unwrap(),
                conics(&target_reserve()),
                state(&["1"], &["1"]),
            ),
            (
                Flow::of(&two_class()).unwrap(),
                conics(&two_class()),
                state(&["1.1", "2"], &["0.9", "3"]),
            ),
        ];
        for (flow, cs, s0) in cases {
            let sys = Conic::system_of(cs);
            for method in Method::ALL {
                let got = flow.integrate(&s0, sd("0.01"), 300, method).unwrap();
                let mut q: Vec<f64> = s0.q.iter().map(|x| f(*x)).collect();
                let mut p: Vec<f64> = s0.p.iter().map(|x| f(*x)).collect();
                for _ in 0..300 {
                    sys.step(method, &mut q, &mut p, 0.01).unwrap();
                }
                for (a, b) in got.q.iter().zip(&q).chain(got.p.iter().zip(&p)) {
                    assert!((f(*a) - b).abs() < 1e-12, "{method:?}: {a} vs {b}");
                }
            }
        }
    }

    /// 10⁴ steps of h = 0.01 (16 periods) on the closed orbit: the symplectic methods' energy error oscillates
    /// within a band that does not grow (second half ≤ 1.2 × first half, and `O(h²)`, `O(h⁴)` small), while
    /// Euler's grows without bound (e^{nh²}−1 ≈ 1.7 at the end) and RK4's decays steadily.
    #[test]
    fn symplectic_energy_error_is_bounded_while_euler_drifts() {
        let cs = conics(&closed_orbit());
        let sys = Conic::system_of(cs.clone());
        let kappa = energy_f64(&cs, &[1.0], &[1.0]);
        let run = |method: Method| -> (f64, f64, f64) {
            let (mut q, mut p) = (vec![1.0], vec![1.0]);
            let (mut first, mut second) = (0.0f64, 0.0f64);
            for n in 0..10_000 {
                sys.step(method, &mut q, &mut p, 0.01).unwrap();
                let e = (energy_f64(&cs, &q, &p) - kappa).abs();
                if n < 5_000 {
                    first = first.max(e);
                } else {
                    second = second.max(e);
                }
            }
            (first, second, (energy_f64(&cs, &q, &p) - kappa).abs())
        };
        let (v1, v2, _) = run(Method::Verlet);
        let (r1, r2, _) = run(Method::Ruth4);
        let (e1, e2, e_end) = run(Method::Euler);
        let (k1, k2, _) = run(Method::Rk4);
        assert!(v2 <= 1.2 * v1 && v2 < 1e-3 * kappa, "Verlet {v1} {v2}");
        assert!(r2 <= 1.2 * r1 && r2 < 1e-7 * kappa, "Ruth-4 {r1} {r2}");
        assert!(e2 > 2.0 * e1 && e_end > 0.5 * kappa, "Euler {e1} {e2}");
        assert!(k2 > 1.5 * k1, "RK4 {k1} {k2}");

        // The same in fixed point over 500 steps (kept short for debug builds): Euler's error is already 40× the
        // symplectic methods' band.
        let h = closed_orbit();
        let s0 = state(&["1"], &["1"]);
        let k = h.energy(&s0, Rounding::Down).unwrap();
        let err = |m: Method| {
            let s = integrate(&h, &s0, sd("0.01"), 500, m).unwrap();
            f(h.energy(&s, Rounding::Down)
                .unwrap()
                .checked_sub(k)
                .unwrap())
            .abs()
        };
        let (ev, er, ee) = (err(Method::Verlet), err(Method::Ruth4), err(Method::Euler));
        assert!(ee > 40.0 * ev && ev > 10.0 * er, "{ee} {ev} {er}");
    }

    /// Global error at T = 0.8 against the exact flow on the sound target-reserve curve, in fixed point:
    /// halving h divides it by ≈ 2ʳ (2, 4, 16, 16).
    #[test]
    fn order_of_accuracy() {
        let h = target_reserve();
        let exact = conics(&h)[0].exact_flow(1.0, 1.0, 0.8).unwrap();
        let s0 = state(&["1"], &["1"]);
        for method in Method::ALL {
            let err = |steps: u32, dt: &str| {
                let s = integrate(&h, &s0, sd(dt), steps, method).unwrap();
                (f(s.q[0]) - exact.0).abs().max((f(s.p[0]) - exact.1).abs())
            };
            let (e1, e2, e3) = (err(8, "0.1"), err(16, "0.05"), err(32, "0.025"));
            let want = 2f64.powi(method.order() as i32);
            for ratio in [e1 / e2, e2 / e3] {
                assert!(
                    (ratio / want - 1.0).abs() < 0.15,
                    "{method:?}: errors {e1:e} {e2:e} {e3:e}, ratio {ratio} want {want}"
                );
            }
        }
    }

    /// The printed (explicit) Alg.1 and Alg.2 are order 2 and 4 on a separable `H`, but only order 1 on the HMM
    /// Hamiltonian; and eq.17–18 with `c` and `d` swapped is not order 4 even on a separable `H`.
    #[test]
    fn the_printed_algorithms_need_a_separable_hamiltonian() {
        let separable = Conic {
            a: 0.0,
            b: 1.0,
            t: 1.0,
            c: 1.0,
        };
        let hmm = conics(&target_reserve())[0];
        let order = |c: Conic, stepper: Stepper| -> f64 {
            let exact = c.exact_flow(1.5, 1.0, 0.8).unwrap();
            let err = |n: u32| {
                let (mut q, mut p) = ([1.5], [1.0]);
                for _ in 0..n {
                    stepper(&mut q, &mut p, 0.8 / f64::from(n));
                }
                (q[0] - exact.0).abs().max((p[0] - exact.1).abs())
            };
            (err(16) / err(32)).log2()
        };
        let sep = separable.system();
        let hs = hmm.system();
        let (c, d) = (reference::ruth_c(), reference::ruth_d());
        let o = order(separable, &|q, p, h| sep.verlet_explicit_step(q, p, h));
        assert!((o - 2.0).abs() < 0.1, "{o}");
        let o = order(separable, &|q, p, h| sep.ruth4_explicit_step(q, p, h));
        assert!((o - 4.0).abs() < 0.2, "{o}");
        let o = order(separable, &|q, p, h| {
            sep.ruth4_explicit_with(q, p, h, &d, &c)
        });
        assert!((o - 1.0).abs() < 0.15, "swapped labels: order {o}");
        let o = order(hmm, &|q, p, h| hs.verlet_explicit_step(q, p, h));
        assert!((o - 1.0).abs() < 0.15, "{o}");
        let o = order(hmm, &|q, p, h| hs.ruth4_explicit_step(q, p, h));
        assert!((o - 1.0).abs() < 0.15, "{o}");
        // The implicit forms keep their order on the HMM Hamiltonian.
        let o = order(hmm, &|q, p, h| hs.ruth4_step(q, p, h).unwrap());
        assert!((o - 4.0).abs() < 0.2, "{o}");
    }

    #[test]
    fn partials_are_the_curve_gradient_bit_for_bit() {
        let mut curves = conic_curves();
        curves.push(two_class().class_curve(1).unwrap());
        let values = [
            "0.000000000000000001",
            "1",
            "-0.7",
            "2.5",
            "1234567.891011121314151617",
            "-3",
        ];
        for c in &curves {
            for q in values {
                for p in values {
                    let (q, p) = (sd(q), sd(p));
                    let g = c.gradient(q, p).unwrap();
                    let one = |w| partials(&[*c], &[q], &[p], w).unwrap()[0];
                    assert_eq!((one(Partial::Q), one(Partial::P)), (g.dq, g.dp));
                }
            }
        }
    }

    fn conic_curves() -> Vec<ClassCurve> {
        vec![
            ClassCurve::constant_product(),
            target_reserve().class_curve(0).unwrap(),
            closed_orbit().class_curve(0).unwrap(),
            two_class().class_curve(0).unwrap(),
        ]
    }

    #[test]
    fn ruth_substeps_add_up_exactly() {
        for dt in ["0.01", "-0.003", "1", "0.000000000000000007"] {
            let dt = sd(dt);
            let (s1, s0) = ruth4_substeps(dt).unwrap();
            assert_eq!(s1.checked_add(s1).unwrap().checked_add(s0).unwrap(), dt);
        }
        assert!((f(ulps(YOSHIDA_X1_ATOMICS)) - reference::yoshida_x1()).abs() < 1e-15);
        let c = reference::ruth_c();
        let d = reference::ruth_d();
        assert!((c.iter().sum::<f64>() - 1.0).abs() < 1e-15);
        assert!((d.iter().sum::<f64>() - 1.0).abs() < 1e-15);
    }

    fn u(n: u128) -> Uint128 {
        Uint128::new(n)
    }

    /// On `H = q·p` the flow swap lands where the exact swap does (the exact swap rounds the solved reserve up to
    /// a whole atom, so the two differ by less than one atom), with `H ≥ κ`. Verlet and Ruth-4 conserve `q·p`
    /// exactly (a quadratic invariant of the form qᵀDp), so their drift is round-off only (< 10⁻¹⁵·κ); Euler's is
    /// `≈ n·h²·κ` and fails that tolerance.
    #[test]
    fn flow_swap_agrees_with_the_exact_swap_on_constant_product() {
        let h = Bilinear { classes: 2 };
        let s0 = state(&["1000000", "500"], &["4000000", "7"]);
        let kappa = h.energy(&s0, Rounding::Up).unwrap();
        let tight = sd("0.000004"); // 10⁻¹⁸·κ
        let curve = ClassCurve::constant_product();
        let cases = [
            ("1100000", Direction::SellResource, SwapKind::ExactIn),
            ("900000", Direction::BuyResource, SwapKind::ExactOut),
        ];
        for (target, direction, kind) in cases {
            let exact = swap_exact(
                &curve,
                u(1_000_000),
                u(4_000_000),
                direction,
                kind,
                u(100_000),
            )
            .unwrap();
            // RK4 is not exact on q·p: it loses ≈ h⁶/72 per step, ≈ 10⁻¹⁷·κ here.
            for (method, tol) in [
                (Method::Verlet, tight),
                (Method::Ruth4, tight),
                (Method::Rk4, sd("0.004")),
            ] {
                let out = swap_along_flow(&h, &s0, 0, sd(target), 64, method, tol).unwrap();
                assert_eq!(out.q[0], sd(target));
                assert_eq!((out.q[1], out.p[1]), (s0.q[1], s0.p[1]));
                let after = h.energy(&out, Rounding::Down).unwrap();
                assert!(after >= kappa, "{method:?}: {after} < {kappa}");
                assert!(f(after) - f(kappa) < 1e-15 * f(kappa));
                let gap = f(sd(&exact.p_after.to_string())) - f(out.p[0]);
                assert!(
                    (0.0..1.0).contains(&gap),
                    "{method:?}: exact {} flow {}",
                    exact.p_after,
                    out.p[0]
                );
            }
            assert!(matches!(
                swap_along_flow(&h, &s0, 0, sd(target), 64, Method::Euler, tight),
                Err(MathError::DriftExceeded { .. })
            ));
            // Euler passes a loose tolerance (its drift here is ≈ 64·(0.1/64)²·κ ≈ 1.6·10⁻⁴·κ) and still projects.
            let out = swap_along_flow(&h, &s0, 0, sd(target), 64, Method::Euler, sd("1000000000"))
                .unwrap();
            assert!(h.energy(&out, Rounding::Down).unwrap() >= kappa);
        }
    }

    /// Every other curve (including `c > 0`, where the flow time has no closed form): buy and sell land on the
    /// level set with `κ ≤ H_after ≤ κ·(1 + 10⁻¹⁵)`.
    #[test]
    fn flow_swap_lands_on_every_curve() {
        let norm = Scaling::Normalised {
            p_ref: vec![sd("3000000")],
        };
        let tr = TargetReserve {
            weights: vec![sd("1")],
            lambda: sd("0.5"),
            q_bar: vec![sd("1000000")],
            scaling: norm.clone(),
        };
        let ma = MultiAsset {
            weights: vec![sd("1")],
            lambda: sd("0.3"),
            q_ref: vec![sd("1000000")],
            scaling: norm,
        };
        let aug = Augmented {
            base: tr.clone(),
            mu: vec![sd("0.1")],
        };
        let s0 = state(&["1000000"], &["3000000"]);
        fn check<H: Hamiltonian>(h: &H, s0: &PhaseState) {
            let kappa = h.energy(s0, Rounding::Up).unwrap();
            let tol = (f(kappa) * 1e-4).to_string();
            for target in ["1200000", "800000"] {
                for (method, steps) in [(Method::Verlet, 32), (Method::Ruth4, 8), (Method::Rk4, 16)]
                {
                    let out =
                        swap_along_flow(h, s0, 0, sd(target), steps, method, sd(&tol)).unwrap();
                    let after = h.energy(&out, Rounding::Down).unwrap();
                    assert!(after >= kappa);
                    assert!(
                        f(after) - f(kappa) <= 1e-15 * f(kappa),
                        "{after} vs {kappa}"
                    );
                    assert_eq!(out.q[0], sd(target));
                    h.check_sound(&out).unwrap();
                }
            }
        }
        check(&tr, &s0);
        check(&ma, &s0);
        check(&aug, &s0);
    }

    #[test]
    fn errors_are_typed() {
        let h = target_reserve();
        let s0 = state(&["1"], &["1"]);
        let tol = sd("0.001");
        let bad = |r: MathResult<PhaseState>| r.unwrap_err();
        assert!(matches!(
            bad(integrate(&h, &s0, sd("0.01"), 0, Method::Verlet)),
            MathError::InvalidParameter { name: "steps", .. }
        ));
        assert!(matches!(
            bad(step(&h, &s0, Sdec::ZERO, Method::Rk4)),
            MathError::InvalidParameter { .. }
        ));
        assert!(matches!(
            bad(step(
                &h,
                &state(&["1", "1"], &["1", "1"]),
                sd("0.01"),
                Method::Rk4
            )),
            MathError::InvalidParameter { name: "state", .. }
        ));
        // |h|·w/2 = 1.5 > 1: the implicit stage diverges.
        assert!(matches!(
            bad(step(&h, &s0, sd("3"), Method::Verlet)),
            MathError::NoConvergence { .. }
        ));
        assert!(matches!(
            bad(swap_along_flow(
                &h,
                &s0,
                0,
                sd("1.1"),
                0,
                Method::Verlet,
                tol
            )),
            MathError::InvalidParameter { name: "steps", .. }
        ));
        assert!(matches!(
            bad(swap_along_flow(
                &h,
                &s0,
                1,
                sd("1.1"),
                8,
                Method::Verlet,
                tol
            )),
            MathError::ClassOutOfRange { .. }
        ));
        assert!(matches!(
            bad(swap_along_flow(
                &h,
                &s0,
                0,
                sd("1.1"),
                8,
                Method::Verlet,
                sd("-1")
            )),
            MathError::InvalidParameter { .. }
        ));
        assert!(matches!(
            bad(swap_along_flow(
                &h,
                &s0,
                0,
                Sdec::ZERO,
                8,
                Method::Verlet,
                tol
            )),
            MathError::InsufficientLiquidity
        ));
        assert!(matches!(
            bad(swap_along_flow(&h, &s0, 0, sd("1"), 8, Method::Verlet, tol)),
            MathError::InvalidParameter { .. }
        ));
        // p reaches 0 at q = 1 + √(2/λ) = 3: the flow cannot carry the pool there.
        assert!(matches!(
            bad(swap_along_flow(
                &h,
                &s0,
                0,
                sd("3.5"),
                8,
                Method::Verlet,
                tol
            )),
            MathError::InsufficientLiquidity
        ));
        // λ = 3: negative prices, refused before integrating.
        let unsound = TargetReserve {
            lambda: sd("3"),
            ..target_reserve()
        };
        let p = (1.0 - 1.5 * 0.25) / 0.5;
        assert!(matches!(
            bad(swap_along_flow(
                &unsound,
                &state(&["0.5"], &[&p.to_string()]),
                0,
                sd("0.6"),
                8,
                Method::Verlet,
                tol
            )),
            MathError::Unsound(_)
        ));
        // Euler with 2 steps over a large move drifts past a tight tolerance.
        assert!(matches!(
            bad(swap_along_flow(&h, &s0, 0, sd("2"), 2, Method::Euler, tol)),
            MathError::DriftExceeded { .. }
        ));
    }
}
