//! The four Hamiltonians of the seeds, one trait, and the per-class conic every one of them reduces to.
//!
//! Notation of the 2026 paper: `q` = resource reserves, `p` = credit ($AI) reserves, one pair per resource class
//! (the 2025 paper's Ψ and Θ). All four invariants are *separable*: `H = Σᵢ Hᵢ(qᵢ, pᵢ)`, and every `Hᵢ` is a
//! quadratic form — a conic in the (q, p) plane:
//!
//! ```text
//! Hᵢ(q, p) = a·q·p + (b/2)·(q − t)² + (c/2)·p²            (ClassCurve)
//! ```
//!
//! | Hamiltonian | seed | a | b | t | c |
//! |---|---|---|---|---|---|
//! | [`Bilinear`] `ΨΘ` | 2025 eq.1 | 1 | 0 | 0 | 0 |
//! | [`MultiAsset`] `Σ wΨΘ + λ/2 Σ(Ψ²+Θ²)` | 2025 eq.2 | w | λ·s_b | 0 | λ·s_c |
//! | [`TargetReserve`] `Σ wqp + λ/2 Σ w((q−q̄)/q̄)²` | 2026 eq.4 | w | λ·w·S/q̄² | q̄ | 0 |
//! | [`Augmented`] `… + ½ Σ μ p²` | 2026 eq.9 | w | λ·w·S/q̄² | q̄ | μ·s_c |
//!
//! ## Normalisation (DESIGN.md)
//! In the literal formulas the curvature terms are in other units than `Σ w q p` (eq.4 divides by q̄² but not by any
//! credit scale), so λ does nothing at real reserve sizes. [`Scaling::Normalised`] multiplies each curvature term by
//! the class's energy scale `K = q̄·p̄` (target resource reserve × reference credit reserve): in `x = q/q̄`, `y = p/p̄`
//! the class invariant becomes `K·w·(x·y + (λ/2)(x−1)² + (μ/2w)·y²)`, so λ and μ mean the same at any reserve size.
//! [`Scaling::Literal`] keeps the seeds' formulas exactly as written, for comparison.
//!
//! ## The sound region
//! Write the class level set `Hᵢ = h` with gradients `H_q = a·p + b·(q − t)` and `H_p = a·q + c·p`. A trading curve
//! is sound (Angeris & Chitra) when along it (1) both prices are positive, `H_q > 0` and `H_p > 0`, and (2) buying
//! more resource costs more per unit: the price `π = H_q/H_p` falls as `q` rises, i.e. the level set is convex toward
//! the origin. Implicit differentiation gives `d²p/dq² = −D / H_p³` with the bordered-Hessian discriminant
//!
//! ```text
//! D = H_qq·H_p² − 2·H_qp·H_q·H_p + H_pp·H_q² = b·H_p² − 2a·H_q·H_p + c·H_q²,
//! ```
//!
//! so condition (2) is `D < 0`. A non-degenerate conic has curvature of one sign along a branch, so on the arc where
//! (1) holds, `D < 0` at one point holds on the whole arc: a swap is checked by (1) at both ends and (2) at either.
//!
//! Worked out for the normalised target-reserve form (eq.4, μ = 0) with one class at `q̄ = p̄ = 1`, `h = c₀`:
//! the level set is `p = (c₀ − (λ/2)(q − 1)²)/q`, the price is `π(q) = (c₀ − λ/2)/q² + λ/2`, and `D < 0 ⇔ c₀ > λ/2`.
//! At the target (`c₀ = 1`): λ < 2 flattens the curve between constant product (λ = 0) and constant sum;
//! **λ = 2 is exactly constant sum** (`p = 2 − q`, price 1 everywhere, so either reserve can be drained at a fixed
//! price); **λ > 2 gives negative prices** for `q² < 1 − 2/λ` (the pool would pay to be given resource, or give it
//! away). The seeds recommend λ ∈ [0.5, 5]; only λ < 2 (at target) is accepted. Note also that the λ term lowers
//! the price of a depleted resource (`π → (c₀ − λ/2)/q²` instead of `c₀/q²`): the curvature term flattens the
//! curve; it does not produce the mean reversion the 2026 text claims.
//!
//! For the 2025 multi-asset form the discriminant is constant on a level set, `D = 2(λ² − w²)·h`, so the curve is
//! sound iff λ < w (λ = w is constant sum, λ > w an ellipse whose price falls as you buy).

use crate::error::{MathError, MathResult};
use crate::fixed::{Rounding, Sdec};

/// One class's separable term `a·q·p + (b/2)(q − t)² + (c/2)p²` in absolute units (atoms of each token).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClassCurve {
    /// Bilinear coefficient (the weight wᵢ), > 0.
    pub a: Sdec,
    /// Curvature of the resource potential, ≥ 0.
    pub b: Sdec,
    /// Target resource reserve of the potential (atoms).
    pub t: Sdec,
    /// Kinetic (inertia) coefficient on the credit reserve, ≥ 0.
    pub c: Sdec,
}

/// Gradient of one class at a state.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Gradient {
    /// ∂H/∂q, the credit value of one more unit of resource in the pool.
    pub dq: Sdec,
    /// ∂H/∂p.
    pub dp: Sdec,
}

impl Gradient {
    /// The marginal price `π = (∂H/∂q)/(∂H/∂p)` at this gradient (2025 eq.3, 2026 eq.7).
    pub fn price(&self, rounding: Rounding) -> MathResult<Sdec> {
        self.dq.div(self.dp, rounding)
    }
}

/// `2x`, exact.
fn twice(x: Sdec) -> MathResult<Sdec> {
    x.checked_add(x)
}

/// `k·x²`, each product rounded as asked; exactly zero without computing `x²` when `k` is (the curvature terms
/// of constant-product and target-reserve curves).
fn scaled_square(k: Sdec, x: Sdec, rounding: Rounding) -> MathResult<Sdec> {
    if k.is_zero() {
        return Ok(Sdec::ZERO);
    }
    k.mul(x.mul(x, rounding)?, rounding)
}

impl ClassCurve {
    /// Constant product `q·p` (2025 eq.1).
    pub fn constant_product() -> ClassCurve {
        ClassCurve {
            a: Sdec::one(),
            b: Sdec::ZERO,
            t: Sdec::ZERO,
            c: Sdec::ZERO,
        }
    }

    /// Coefficients must make every term non-negative: `a > 0`, `b, c, t ≥ 0`.
    pub fn validate(&self) -> MathResult<()> {
        if !self.a.is_positive() {
            return Err(MathError::InvalidParameter {
                name: "weight",
                reason: "must be positive",
            });
        }
        if self.b.is_negative() || self.c.is_negative() || self.t.is_negative() {
            return Err(MathError::InvalidParameter {
                name: "curvature",
                reason: "must not be negative",
            });
        }
        Ok(())
    }

    /// `Hᵢ(q, p)`. With `Down` the result is a lower bound of the exact value, with `Up` an upper bound: every
    /// term is a product of non-negative factors, so rounding each step the same way bounds the sum.
    pub fn energy(&self, q: Sdec, p: Sdec, rounding: Rounding) -> MathResult<Sdec> {
        let bilinear = self.a.mul(q, rounding)?.mul(p, rounding)?;
        let potential = scaled_square(self.b, q.checked_sub(self.t)?, rounding)?.half(rounding);
        let kinetic = scaled_square(self.c, p, rounding)?.half(rounding);
        bilinear.checked_add(potential)?.checked_add(kinetic)
    }

    /// `(∂H/∂q, ∂H/∂p)` = `(a·p + b·(q − t), a·q + c·p)` (2026 eq.5–6, eq.10–11 up to sign).
    pub fn gradient(&self, q: Sdec, p: Sdec) -> MathResult<Gradient> {
        let dq = self
            .a
            .mul(p, Rounding::Down)?
            .checked_add(self.b.mul(q.checked_sub(self.t)?, Rounding::Down)?)?;
        let dp = self
            .a
            .mul(q, Rounding::Down)?
            .checked_add(self.c.mul(p, Rounding::Down)?)?;
        Ok(Gradient { dq, dp })
    }

    /// Marginal price of the resource in credits, `π = (∂H/∂q)/(∂H/∂p)` (2025 eq.3, 2026 eq.7).
    pub fn marginal_price(&self, q: Sdec, p: Sdec, rounding: Rounding) -> MathResult<Sdec> {
        self.gradient(q, p)?.price(rounding)
    }

    /// Bordered-Hessian discriminant `D = b·H_p² − 2a·H_q·H_p + c·H_q²`; the level set is convex iff `D < 0`.
    pub fn discriminant(&self, q: Sdec, p: Sdec) -> MathResult<Sdec> {
        self.discriminant_at(&self.gradient(q, p)?)
    }

    /// [`Self::discriminant`] from a gradient already computed.
    fn discriminant_at(&self, g: &Gradient) -> MathResult<Sdec> {
        let r = Rounding::Down;
        let t1 = scaled_square(self.b, g.dp, r)?;
        let t2 = twice(self.a)?.mul(g.dq, r)?.mul(g.dp, r)?;
        let t3 = scaled_square(self.c, g.dq, r)?;
        t1.checked_sub(t2)?.checked_add(t3)
    }

    /// Whether `(q, p)` lies in the sound region: positive reserves, positive prices (`H_q > 0`, `H_p > 0`) and a
    /// level set convex toward the origin (`D < 0`). See the module documentation for the derivation. Returns the
    /// gradient there, which the check needs anyway, for the caller's prices.
    pub fn check_sound(&self, q: Sdec, p: Sdec) -> MathResult<Gradient> {
        if !q.is_positive() || !p.is_positive() {
            return Err(MathError::InsufficientLiquidity);
        }
        let g = self.gradient(q, p)?;
        if !g.dq.is_positive() {
            return Err(MathError::Unsound(
                "the resource price dH/dq is not positive",
            ));
        }
        if !g.dp.is_positive() {
            return Err(MathError::Unsound("the credit price dH/dp is not positive"));
        }
        if !self.discriminant_at(&g)?.is_negative() {
            return Err(MathError::Unsound(
                "the level set is not convex: buying more would not cost more",
            ));
        }
        Ok(g)
    }

    /// The credit reserve `p ≥ 0` with `H(q, p) = h` on the sound branch (`H_p > 0`), rounded as asked (before the
    /// caller's verification). Closed form: linear when `c = 0`, otherwise the larger root of
    /// `c·p² + 2(a·q)p + b(q − t)² − 2h = 0` (the level set doubled, so no coefficient is halved: `c/2` rounded to
    /// 18 decimals would misplace the root by `½ulp·p²/H_p`, millions of atoms at 10²⁴-atom reserves), written
    /// without cancellation.
    pub fn solve_p(&self, q: Sdec, h: Sdec, rounding: Rounding) -> MathResult<Sdec> {
        let down = rounding.flip();
        let konst = scaled_square(self.b, q.checked_sub(self.t)?, down)?.checked_sub(twice(h)?)?;
        positive_root(self.c, twice(self.a.mul(q, down)?)?, konst, rounding)
    }

    /// The resource reserve `q ≥ 0` with `H(q, p) = h` on the sound branch (`H_q > 0`): the larger root of
    /// `b·q² + 2(a·p − b·t)q + b·t² + c·p² − 2h = 0` (linear when `b = 0`; doubled as in [`Self::solve_p`]).
    pub fn solve_q(&self, p: Sdec, h: Sdec, rounding: Rounding) -> MathResult<Sdec> {
        let down = rounding.flip();
        let lin = self
            .a
            .mul(p, down)?
            .checked_sub(self.b.mul(self.t, rounding)?)?;
        let konst = scaled_square(self.b, self.t, down)?
            .checked_add(scaled_square(self.c, p, down)?)?
            .checked_sub(twice(h)?)?;
        positive_root(self.b, twice(lin)?, konst, rounding)
    }
}

/// The larger root of `A·x² + B·x + C = 0` with `A ≥ 0` (linear if `A = 0`), or an error if it is negative or absent.
/// For `B ≥ 0` it uses `x = −2C/(B + √Δ)` so that no digits cancel.
fn positive_root(a: Sdec, b: Sdec, c: Sdec, rounding: Rounding) -> MathResult<Sdec> {
    if c.is_positive() {
        // Both roots ≤ 0 (A, B ≥ 0) or no crossing above 0 on the sound branch: the level cannot be reached.
        if !b.is_negative() {
            return Err(MathError::InsufficientLiquidity);
        }
    }
    if a.is_zero() {
        if !b.is_positive() {
            return Err(MathError::Unsound("degenerate level set"));
        }
        let x = c.checked_neg()?.div(b, rounding)?;
        if x.is_negative() {
            return Err(MathError::InsufficientLiquidity);
        }
        return Ok(x);
    }
    // Δ = B² − 4AC
    let four_ac = twice(twice(a)?)?.mul(c, rounding.flip())?;
    let disc = b.mul(b, rounding)?.checked_sub(four_ac)?;
    if disc.is_negative() {
        return Err(MathError::InsufficientLiquidity);
    }
    let sqrt_disc = disc
        .to_unsigned("discriminant")?
        .sqrt(rounding)?
        .to_signed()?;
    let x = if b.is_negative() {
        b.checked_neg()?
            .checked_add(sqrt_disc)?
            .div(twice(a)?, rounding)?
    } else {
        let den = b.checked_add(sqrt_disc)?;
        if den.is_zero() {
            return Ok(Sdec::ZERO);
        }
        twice(c.checked_neg()?)?.div(den, rounding)?
    };
    if x.is_negative() {
        return Err(MathError::InsufficientLiquidity);
    }
    Ok(x)
}

/// A pool's phase-space state (2026 Definition 1): `q[i]`, `p[i]` are the resource and credit reserves of class
/// `i`, in atoms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PhaseState {
    pub q: Vec<Sdec>,
    pub p: Vec<Sdec>,
}

impl PhaseState {
    pub fn new(q: Vec<Sdec>, p: Vec<Sdec>) -> MathResult<PhaseState> {
        if q.len() != p.len() {
            return Err(MathError::InvalidParameter {
                name: "state",
                reason: "q and p differ in length",
            });
        }
        if q.is_empty() {
            return Err(MathError::Empty("state"));
        }
        Ok(PhaseState { q, p })
    }

    pub fn classes(&self) -> usize {
        self.q.len()
    }

    /// `(qᵢ, pᵢ)`, or a typed error for an index out of range.
    pub fn class(&self, i: usize) -> MathResult<(Sdec, Sdec)> {
        match (self.q.get(i), self.p.get(i)) {
            (Some(q), Some(p)) => Ok((*q, *p)),
            _ => Err(MathError::ClassOutOfRange {
                index: i,
                classes: self.q.len(),
            }),
        }
    }
}

/// A separable Hamiltonian invariant over resource classes.
pub trait Hamiltonian {
    /// Number of resource classes.
    fn classes(&self) -> usize;

    /// The separable term of class `i`.
    fn class_curve(&self, i: usize) -> MathResult<ClassCurve>;

    /// `H(q, p) = Σᵢ Hᵢ(qᵢ, pᵢ)`, rounded as asked (a bound in that direction).
    fn energy(&self, state: &PhaseState, rounding: Rounding) -> MathResult<Sdec> {
        check_len(self.classes(), state)?;
        let mut sum = Sdec::ZERO;
        for i in 0..self.classes() {
            let (q, p) = state.class(i)?;
            sum = sum.checked_add(self.class_curve(i)?.energy(q, p, rounding)?)?;
        }
        Ok(sum)
    }

    /// `(∂H/∂qᵢ, ∂H/∂pᵢ)`.
    fn gradient(&self, state: &PhaseState, i: usize) -> MathResult<Gradient> {
        let (q, p) = state.class(i)?;
        self.class_curve(i)?.gradient(q, p)
    }

    /// ∂H/∂qᵢ.
    fn dh_dq(&self, state: &PhaseState, i: usize) -> MathResult<Sdec> {
        Ok(self.gradient(state, i)?.dq)
    }

    /// ∂H/∂pᵢ.
    fn dh_dp(&self, state: &PhaseState, i: usize) -> MathResult<Sdec> {
        Ok(self.gradient(state, i)?.dp)
    }

    /// Marginal price of resource `i` in credits, `πᵢ = (∂H/∂qᵢ)/(∂H/∂pᵢ)` (2025 eq.3, 2026 eq.7).
    fn marginal_price(&self, state: &PhaseState, i: usize, rounding: Rounding) -> MathResult<Sdec> {
        let g = self.gradient(state, i)?;
        g.dq.div(g.dp, rounding)
    }

    /// Cross price of resource `i` in resource `j` as the 2026 paper defines it, `πᵢⱼ = (∂H/∂qᵢ)/(∂H/∂qⱼ)` (eq.21).
    ///
    /// This is the rate of a swap that moves only `qᵢ` and `qⱼ` along the *total* level set. It equals the rate of
    /// the route through credits, `πᵢ/πⱼ`, only when `∂H/∂pᵢ = ∂H/∂pⱼ`; otherwise the two disagree and a cycle
    /// between them extracts value. Pools therefore execute class↔class swaps as two credit legs
    /// ([`Hamiltonian::route_cross_price`]), and this literal form is kept for comparison.
    fn cross_price(
        &self,
        state: &PhaseState,
        i: usize,
        j: usize,
        rounding: Rounding,
    ) -> MathResult<Sdec> {
        let gi = self.gradient(state, i)?;
        let gj = self.gradient(state, j)?;
        gi.dq.div(gj.dq, rounding)
    }

    /// The marginal rate at which a class↔class swap executed through credits exchanges `i` for `j`: `πᵢ/πⱼ`.
    fn route_cross_price(
        &self,
        state: &PhaseState,
        i: usize,
        j: usize,
        rounding: Rounding,
    ) -> MathResult<Sdec> {
        let pi = self.marginal_price(state, i, rounding)?;
        let pj = self.marginal_price(state, j, rounding.flip())?;
        pi.div(pj, rounding)
    }

    /// Every class of the state is inside the sound region ([`ClassCurve::check_sound`]).
    fn check_sound(&self, state: &PhaseState) -> MathResult<()> {
        check_len(self.classes(), state)?;
        for i in 0..self.classes() {
            let (q, p) = state.class(i)?;
            self.class_curve(i)?.check_sound(q, p)?;
        }
        Ok(())
    }
}

fn check_len(classes: usize, state: &PhaseState) -> MathResult<()> {
    if state.classes() != classes {
        return Err(MathError::InvalidParameter {
            name: "state",
            reason: "class count differs from the curve's",
        });
    }
    Ok(())
}

fn get<T: Copy>(v: &[T], i: usize) -> MathResult<T> {
    v.get(i).copied().ok_or(MathError::ClassOutOfRange {
        index: i,
        classes: v.len(),
    })
}

/// How the curvature terms are scaled (see the module documentation).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Scaling {
    /// The seeds' formulas exactly as written.
    Literal,
    /// Each curvature term multiplied by the class energy scale `K = q̄·p̄`, with `p̄` the reference credit reserve
    /// of each class (atoms).
    Normalised { p_ref: Vec<Sdec> },
}

/// 2025 eq.1: `H = Ψ·Θ` for each class — the constant-product invariant.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Bilinear {
    pub classes: usize,
}

impl Hamiltonian for Bilinear {
    fn classes(&self) -> usize {
        self.classes
    }

    fn class_curve(&self, i: usize) -> MathResult<ClassCurve> {
        if i >= self.classes {
            return Err(MathError::ClassOutOfRange {
                index: i,
                classes: self.classes,
            });
        }
        Ok(ClassCurve::constant_product())
    }
}

/// 2025 eq.2: `H = Σ wᵢΨᵢΘᵢ + λ Σ ½(Ψᵢ² + Θᵢ²)`.
///
/// Normalised, the quadratic term of class i is `(λ/2)·K·((Ψ/Ψ̄)² + (Θ/Θ̄)²)` with `K = Ψ̄Θ̄`, where `Ψ̄` is
/// `q_ref` and `Θ̄` is the scaling's `p_ref`.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct MultiAsset {
    pub weights: Vec<Sdec>,
    pub lambda: Sdec,
    /// Reference resource reserves Ψ̄ (only used when normalised).
    pub q_ref: Vec<Sdec>,
    pub scaling: Scaling,
}

impl Hamiltonian for MultiAsset {
    fn classes(&self) -> usize {
        self.weights.len()
    }

    fn class_curve(&self, i: usize) -> MathResult<ClassCurve> {
        let w = get(&self.weights, i)?;
        let (b, c) = match &self.scaling {
            Scaling::Literal => (self.lambda, self.lambda),
            Scaling::Normalised { p_ref } => {
                let q_ref = get(&self.q_ref, i)?;
                let p_ref = get(p_ref, i)?;
                // (λ/2)·Ψ̄Θ̄·(Ψ/Ψ̄)² = (λ/2)·(Θ̄/Ψ̄)·Ψ²
                (
                    self.lambda.mul_div(p_ref, q_ref, Rounding::Down)?,
                    self.lambda.mul_div(q_ref, p_ref, Rounding::Down)?,
                )
            }
        };
        let curve = ClassCurve {
            a: w,
            b,
            t: Sdec::ZERO,
            c,
        };
        curve.validate()?;
        Ok(curve)
    }
}

/// 2026 eq.4: `H = Σ wᵢqᵢpᵢ + (λ/2) Σ wᵢ((qᵢ − q̄ᵢ)/q̄ᵢ)²` (normalised: the potential times `K = q̄·p̄`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TargetReserve {
    pub weights: Vec<Sdec>,
    pub lambda: Sdec,
    /// Target reserves q̄ (atoms), > 0.
    pub q_bar: Vec<Sdec>,
    pub scaling: Scaling,
}

impl TargetReserve {
    /// Coefficient `b = λ·w·S/q̄²` of the potential, `S = 1` (literal) or `q̄·p̄` (normalised, giving `λ·w·p̄/q̄`).
    fn potential_coefficient(&self, i: usize) -> MathResult<(Sdec, Sdec, Sdec)> {
        let w = get(&self.weights, i)?;
        let q_bar = get(&self.q_bar, i)?;
        if !q_bar.is_positive() {
            return Err(MathError::InvalidParameter {
                name: "target reserve",
                reason: "must be positive",
            });
        }
        let lw = self.lambda.mul(w, Rounding::Down)?;
        let b = match &self.scaling {
            Scaling::Literal => lw.div(q_bar, Rounding::Down)?.div(q_bar, Rounding::Down)?,
            Scaling::Normalised { p_ref } => lw.mul_div(get(p_ref, i)?, q_bar, Rounding::Down)?,
        };
        Ok((w, b, q_bar))
    }
}

impl Hamiltonian for TargetReserve {
    fn classes(&self) -> usize {
        self.weights.len()
    }

    fn class_curve(&self, i: usize) -> MathResult<ClassCurve> {
        let (a, b, t) = self.potential_coefficient(i)?;
        let curve = ClassCurve {
            a,
            b,
            t,
            c: Sdec::ZERO,
        };
        curve.validate()?;
        Ok(curve)
    }
}

/// 2026 eq.9: the target-reserve Hamiltonian plus a kinetic term `½ Σ μᵢpᵢ²` (normalised: `½ μ K (p/p̄)²`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Augmented {
    pub base: TargetReserve,
    /// Inertia μᵢ ≥ 0 per class.
    pub mu: Vec<Sdec>,
}

impl Hamiltonian for Augmented {
    fn classes(&self) -> usize {
        self.base.classes()
    }

    fn class_curve(&self, i: usize) -> MathResult<ClassCurve> {
        let (a, b, t) = self.base.potential_coefficient(i)?;
        let mu = get(&self.mu, i)?;
        let c = match &self.base.scaling {
            Scaling::Literal => mu,
            // ½·μ·q̄p̄·(p/p̄)² = ½·μ·(q̄/p̄)·p²
            Scaling::Normalised { p_ref } => mu.mul_div(t, get(p_ref, i)?, Rounding::Down)?,
        };
        let curve = ClassCurve { a, b, t, c };
        curve.validate()?;
        Ok(curve)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fixed::sd;

    fn f(x: Sdec) -> f64 {
        x.to_f64()
    }

    /// Independent f64 reference of the four formulas exactly as printed in the seeds.
    mod reference {
        pub fn eq2(w: f64, l: f64, psi: f64, theta: f64) -> (f64, f64, f64) {
            let h = w * psi * theta + l * 0.5 * (psi * psi + theta * theta);
            (h, w * theta + l * psi, w * psi + l * theta)
        }
        pub fn eq4(w: f64, l: f64, qb: f64, s: f64, q: f64, p: f64) -> (f64, f64, f64) {
            let h = w * q * p + l / 2.0 * w * s * ((q - qb) / qb).powi(2);
            (h, w * p + l * w * s * (q - qb) / (qb * qb), w * q)
        }
    }

    #[test]
    fn bilinear_is_constant_product() {
        let h = Bilinear { classes: 1 };
        let s = PhaseState::new(vec![sd("100")], vec![sd("400")]).unwrap();
        assert_eq!(h.energy(&s, Rounding::Down).unwrap(), sd("40000"));
        assert_eq!(h.marginal_price(&s, 0, Rounding::Down).unwrap(), sd("4"));
        h.check_sound(&s).unwrap();
        assert!(matches!(
            h.class_curve(1),
            Err(MathError::ClassOutOfRange { .. })
        ));
    }

    #[test]
    fn multi_asset_matches_eq2_and_eq3() {
        let h = MultiAsset {
            weights: vec![sd("0.7"), sd("0.3")],
            lambda: sd("0.05"),
            q_ref: vec![],
            scaling: Scaling::Literal,
        };
        let s = PhaseState::new(vec![sd("120"), sd("80")], vec![sd("900"), sd("300")]).unwrap();
        let (h0, dq0, dp0) = reference::eq2(0.7, 0.05, 120.0, 900.0);
        let (h1, _, _) = reference::eq2(0.3, 0.05, 80.0, 300.0);
        assert!((f(h.energy(&s, Rounding::Down).unwrap()) - (h0 + h1)).abs() < 1e-9);
        // eq.3: p_i = (wΘ + λΨ)/(wΨ + λΘ)
        let price = f(h.marginal_price(&s, 0, Rounding::Down).unwrap());
        assert!((price - dq0 / dp0).abs() < 1e-15);
    }

    #[test]
    fn target_reserve_matches_eq4_and_eq7() {
        for scaling in [
            Scaling::Literal,
            Scaling::Normalised {
                p_ref: vec![sd("5000")],
            },
        ] {
            let s_factor = match &scaling {
                Scaling::Literal => 1.0,
                Scaling::Normalised { .. } => 1000.0 * 5000.0,
            };
            let h = TargetReserve {
                weights: vec![sd("1")],
                lambda: sd("0.5"),
                q_bar: vec![sd("1000")],
                scaling,
            };
            for (q, p) in [(1000.0, 5000.0), (800.0, 6300.0), (1300.0, 3000.0)] {
                let s =
                    PhaseState::new(vec![sd(&q.to_string())], vec![sd(&p.to_string())]).unwrap();
                let (hr, dq, dp) = reference::eq4(1.0, 0.5, 1000.0, s_factor, q, p);
                let got = f(h.energy(&s, Rounding::Down).unwrap());
                assert!(((got - hr) / hr).abs() < 1e-14, "{got} vs {hr}");
                // eq.7: π = p/q + λ(q − q̄)/(q q̄²), scaled by S
                let eq7 = p / q + 0.5 * s_factor * (q - 1000.0) / (q * 1000.0 * 1000.0);
                let price = f(h.marginal_price(&s, 0, Rounding::Down).unwrap());
                assert!(
                    (price - dq / dp).abs() < 1e-12 && (price - eq7).abs() < 1e-12,
                    "{price} vs {eq7}"
                );
            }
        }
    }

    #[test]
    fn augmented_adds_the_kinetic_term() {
        let base = TargetReserve {
            weights: vec![sd("1")],
            lambda: sd("0.5"),
            q_bar: vec![sd("1000")],
            scaling: Scaling::Literal,
        };
        let h = Augmented {
            base,
            mu: vec![sd("0.05")],
        };
        let s = PhaseState::new(vec![sd("900")], vec![sd("5000")]).unwrap();
        let (hr, _, dp) = reference::eq4(1.0, 0.5, 1000.0, 1.0, 900.0, 5000.0);
        let want = hr + 0.5 * 0.05 * 5000.0 * 5000.0;
        assert!((f(h.energy(&s, Rounding::Down).unwrap()) - want).abs() < 1e-9);
        // eq.10: q̇ = ∂H/∂p = w q + μ p
        assert!((f(h.dh_dp(&s, 0).unwrap()) - (dp + 0.05 * 5000.0)).abs() < 1e-12);
    }

    /// DESIGN.md's worked example: normalised eq.4 at q̄ = p̄ = κ = 1. λ = 2 is constant sum, λ > 2 negative prices.
    #[test]
    fn sound_region_of_the_normalised_target_form() {
        let curve = |lambda: &str| {
            TargetReserve {
                weights: vec![sd("1")],
                lambda: sd(lambda),
                q_bar: vec![sd("1")],
                scaling: Scaling::Normalised {
                    p_ref: vec![sd("1")],
                },
            }
            .class_curve(0)
            .unwrap()
        };
        // Level set p = (1 − (λ/2)(q − 1)²)/q through (1, 1).
        let level_p = |lambda: f64, q: f64| (1.0 - lambda / 2.0 * (q - 1.0).powi(2)) / q;
        for lambda in ["0", "0.5", "1.5", "1.99"] {
            let c = curve(lambda);
            for q in ["0.2", "0.9", "1", "1.1", "1.5"] {
                let qf: f64 = q.parse().unwrap();
                let p = level_p(lambda.parse().unwrap(), qf);
                c.check_sound(sd(q), sd(&format!("{p:.15}"))).unwrap();
            }
        }
        // λ = 2: constant sum p = 2 − q, price 1 everywhere, D = 0: refused.
        let c2 = curve("2");
        assert_eq!(
            c2.marginal_price(sd("0.5"), sd("1.5"), Rounding::Down)
                .unwrap(),
            sd("1")
        );
        assert!(matches!(
            c2.check_sound(sd("0.5"), sd("1.5")),
            Err(MathError::Unsound(_))
        ));
        // λ = 3: at q = 0.5 (q² < 1 − 2/λ) the price is negative.
        let c3 = curve("3");
        let p = level_p(3.0, 0.5);
        assert!(c3
            .marginal_price(sd("0.5"), sd(&format!("{p:.15}")), Rounding::Down)
            .unwrap()
            .is_negative());
        assert!(matches!(
            c3.check_sound(sd("0.5"), sd(&format!("{p:.15}"))),
            Err(MathError::Unsound(_))
        ));
    }

    #[test]
    fn multi_asset_is_sound_iff_lambda_below_weight() {
        let curve = |lambda: &str| ClassCurve {
            a: sd("1"),
            b: sd(lambda),
            t: Sdec::ZERO,
            c: sd(lambda),
        };
        curve("0.5").check_sound(sd("3"), sd("1")).unwrap();
        assert!(curve("1").check_sound(sd("3"), sd("1")).is_err());
        assert!(curve("1.5").check_sound(sd("3"), sd("1")).is_err());
    }

    #[test]
    fn solves_land_on_the_level_set() {
        let curves = [
            ClassCurve::constant_product(),
            ClassCurve {
                a: sd("1"),
                b: sd("3"),
                t: sd("1000"),
                c: Sdec::ZERO,
            },
            ClassCurve {
                a: sd("0.5"),
                b: sd("2"),
                t: sd("1000"),
                c: sd("0.01"),
            },
            ClassCurve {
                a: sd("1"),
                b: sd("0.05"),
                t: Sdec::ZERO,
                c: sd("0.05"),
            },
        ];
        for c in curves {
            let (q, p) = (sd("1000"), sd("3000"));
            let h = c.energy(q, p, Rounding::Down).unwrap();
            let p_back = c.solve_p(q, h, Rounding::Up).unwrap();
            let q_back = c.solve_q(p, h, Rounding::Up).unwrap();
            assert!((f(p_back) - 3000.0).abs() < 1e-9, "{c:?}: {p_back}");
            assert!((f(q_back) - 1000.0).abs() < 1e-9, "{c:?}: {q_back}");
        }
    }

    /// At 10²⁴-atom reserves (10⁶ tokens of 18 decimals), with a kinetic coefficient odd in its last digit
    /// (c = μ·q̄/p̄ = 0.0333…), the solves return the reserve they started from to within one atom. With `c/2`
    /// rounded to 18 decimals `solve_p` was off by ~4·10⁶ atoms, so dust trades got no output at all.
    #[test]
    fn solves_are_atom_exact_at_large_reserves() {
        let q0 = 1_000_000_000_000_000_000_000_000i128;
        let base = TargetReserve {
            weights: vec![Sdec::one()],
            lambda: sd("0.5"),
            q_bar: vec![Sdec::from_int(q0)],
            scaling: Scaling::Normalised {
                p_ref: vec![Sdec::from_int(3 * q0)],
            },
        };
        let curve = Augmented {
            base,
            mu: vec![sd("0.1")],
        }
        .class_curve(0)
        .unwrap();
        assert_ne!(twice(curve.c.half(Rounding::Down)).unwrap(), curve.c);
        let (q, p) = (
            Sdec::from_int(995_983_672_243_486_331_420_565),
            Sdec::from_int(3_010_980_889_352_943_913_428_846),
        );
        let h = curve.energy(q, p, Rounding::Up).unwrap();
        let one_atom = Sdec::one();
        let p_back = curve.solve_p(q, h, Rounding::Up).unwrap();
        let q_back = curve.solve_q(p, h, Rounding::Up).unwrap();
        assert!(
            p_back >= p && p_back.checked_sub(p).unwrap() < one_atom,
            "{p_back} vs {p}"
        );
        assert!(
            q_back >= q && q_back.checked_sub(q).unwrap() < one_atom,
            "{q_back} vs {q}"
        );
    }

    #[test]
    fn cross_price_eq21_differs_from_the_credit_route() {
        let h = TargetReserve {
            weights: vec![sd("0.6"), sd("0.4")],
            lambda: sd("0.5"),
            q_bar: vec![sd("100"), sd("100")],
            scaling: Scaling::Normalised {
                p_ref: vec![sd("1000"), sd("500")],
            },
        };
        let s = PhaseState::new(vec![sd("100"), sd("100")], vec![sd("1000"), sd("500")]).unwrap();
        // At target: π₀ = 10, π₁ = 5, so the route rate is 2; eq.21 gives (0.6·1000)/(0.4·500) = 3.
        assert_eq!(
            h.route_cross_price(&s, 0, 1, Rounding::Down).unwrap(),
            sd("2")
        );
        assert_eq!(h.cross_price(&s, 0, 1, Rounding::Down).unwrap(), sd("3"));
    }
}
