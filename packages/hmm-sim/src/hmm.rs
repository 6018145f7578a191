//! The HMM design: the pool contract's own code, not a model of it.
//!
//! The contract's pools are the stateless `hmm-pool-engine`, and so are these: a pool is created and funded with
//! the engine's `new_pool` and `deposit` (the checks and arithmetic of `CreatePool` and `AddLiquidity`); trades run
//! `hmm_pool_engine::trade::plan_swap` (fees via `hmm_math::fees`, the level-set solve `hmm_math::swap_exact`, the
//! price-impact limit) followed by `hmm_pool_engine::prices::finish_trade` (fee split, TWAP, volatility EWMA and the
//! dynamic curvature of 2026 eq.30). Only what the contract adds around the engine is skipped: storage (the pool
//! record, the protocol-fee ledger, TWAP observations) and the cw20 messages of a real transaction. The arbitrage
//! agent's sizing (`size_to_price`) is off-chain f64 arithmetic on the pool's curve coefficients; the trade it sizes
//! still executes through the engine.

use anyhow::{anyhow, Result};
use cosmwasm_std::testing::MockApi;
use cosmwasm_std::{Decimal256, Uint128};
use hmm::pool::{
    ClassDeposit, ClassParams, CreatePoolMsg, CurvatureConfig, CurveKind, ExecutionMode,
    LatencyClass, SlaTags,
};
use hmm_pool_engine::curve::{invariant, pool_curve, split_fee, spot_price};
use hmm_pool_engine::liquidity::deposit;
use hmm_pool_engine::prices::{finish_trade, update_prices, Moved};
use hmm_pool_engine::trade::{plan_swap, quote_leg, Side};
use hmm_pool_engine::{new_pool, EngineError, Pool};

use crate::venue::{Fill, Refusal, TradeResult, Venue};

/// Atoms per whole token (6-decimal cw20 tokens).
pub const SCALE: f64 = 1e6;

/// Parameters of one HMM design.
#[derive(Clone, Debug)]
pub struct HmmParams {
    pub lambda: f64,
    /// eq.30 sensitivities (0 = fixed λ).
    pub alpha: f64,
    pub beta: f64,
    pub lambda_max: f64,
    /// The kinetic coefficient μ of the augmented Hamiltonian (2026 eq.9, the coupling eq.27 relies on); 0 gives
    /// the target-reserve curve (eq.4), > 0 the contract's `Augmented` kind.
    pub mu: f64,
    /// The risk-fee coefficient f_r of 2025 eq.11 / 2026 eq.28 (None: the contract's default 0.02).
    pub risk_fee: Option<f64>,
    /// How a swap moves along the level set: exact (default), or the integrators of 2026 Alg.1 / Alg.2.
    pub execution: ExecutionMode,
}

impl HmmParams {
    /// Fixed curvature λ, μ = 0, the contract's default fees, exact execution.
    pub fn fixed(lambda: f64) -> HmmParams {
        HmmParams {
            lambda,
            alpha: 0.0,
            beta: 0.0,
            lambda_max: lambda,
            mu: 0.0,
            risk_fee: None,
            execution: ExecutionMode::Exact,
        }
    }
}

pub fn dec(x: f64) -> Result<Decimal256> {
    format!("{x:.18}")
        .parse::<Decimal256>()
        .map_err(|e| anyhow!("decimal {x}: {e}"))
}

pub fn dec_f64(d: Decimal256) -> f64 {
    let a = d.atomics();
    match Uint128::try_from(a) {
        Ok(v) => v.u128() as f64 / 1e18,
        Err(_) => d.to_string().parse().unwrap_or(f64::INFINITY),
    }
}

pub(crate) fn atoms(x: f64) -> Uint128 {
    Uint128::new((x * SCALE).round().max(0.0) as u128)
}

pub(crate) fn whole(a: Uint128) -> f64 {
    a.u128() as f64 / SCALE
}

fn refusal(e: EngineError) -> Refusal {
    match e {
        EngineError::NoLiquidity => Refusal::Liquidity,
        EngineError::Math(hmm_math::MathError::InsufficientLiquidity) => Refusal::Liquidity,
        other => Refusal::Refused(other.to_string()),
    }
}

/// The SLA tags of the simulator's pools (routing does not look at them here).
pub(crate) fn batch_sla() -> SlaTags {
    SlaTags {
        region: String::new(),
        latency: LatencyClass::Batch,
        privacy_tier: 0,
        tee: false,
    }
}

/// The pool's spot price (the engine's `spot_price` of its one class), NaN where it has none.
fn engine_spot(pool: &Pool) -> f64 {
    spot_price(pool, 0).map(dec_f64).unwrap_or(f64::NAN)
}

/// A single-class HMM pool (2026 §9.1: one pool per resource class) run by the pool engine, the contract's code.
pub struct HmmVenue {
    pool: Pool,
    fees: (f64, f64),
    /// The engine's spot price of the pool as it is (recomputed after every change: the simulator asks for it
    /// several times per block).
    spot: f64,
}

impl HmmVenue {
    /// Create and fund a target-reserve pool (2026 eq.4, normalised) with the engine's `new_pool` and `deposit`: the
    /// checks and arithmetic of the contract's `CreatePool` and `AddLiquidity`.
    pub fn new(params: &HmmParams, cu: f64, ai: f64) -> Result<Self> {
        let api = MockApi::default();
        let ai_token = api.addr_make("ai-token");
        let cu_token = api.addr_make("cu-token");
        // The simulation's clock starts at 0 (block b trades at b·block_secs): the pool is created on that clock.
        // (Created at the mock chain's time, ~1.57e9 s, its TWAP observation, the volatility EWMA and eq.30's λ
        // steps, all due at most once per `OBSERVATION_INTERVAL` after the last observation, never came due.)
        let now = 0;
        let err = |e: EngineError| anyhow!("hmm-pool: {e}");
        let mut pool = new_pool(
            &api,
            &ai_token,
            1,
            CreatePoolMsg {
                kind: if params.mu > 0.0 {
                    CurveKind::Augmented
                } else {
                    CurveKind::TargetReserve
                },
                classes: vec![ClassParams {
                    cu_token: cu_token.to_string(),
                    weight: Decimal256::one(),
                }],
                curvature: Some(CurvatureConfig {
                    lambda: dec(params.lambda)?,
                    mu: dec(params.mu)?,
                    alpha: Decimal256::zero(),
                    beta: Decimal256::zero(),
                    lambda_max: dec(params.lambda_max.max(params.lambda))?,
                }),
                fees: match params.risk_fee {
                    Some(r) => Some(hmm::pool::FeeConfig {
                        risk_fee: dec(r)?,
                        ..hmm_pool_engine::params::default_fees()
                    }),
                    None => None,
                },
                execution: Some(params.execution),
                sla: batch_sla(),
                max_price_impact: None,
                batch_window: None,
            },
            now,
        )
        .map_err(err)?;
        // Eq.30's dynamic curvature is refused on chain (`DynamicCurvatureRefused`: a λ step changes κ with no
        // trade); the simulator studies it by writing α and β into the pool it created, so the engine's eq.30 code
        // runs.
        if params.alpha != 0.0 || params.beta != 0.0 {
            pool.curvature.alpha = dec(params.alpha)?;
            pool.curvature.beta = dec(params.beta)?;
        }
        deposit(
            &mut pool,
            vec![ClassDeposit {
                resource: atoms(cu),
                credits: atoms(ai),
            }],
        )
        .map_err(err)?;
        // The contract would also store the TWAP observation this makes due; the simulator keeps none.
        let _observe = update_prices(&mut pool, Moved::All, now).map_err(err)?;
        let spot = engine_spot(&pool);
        Ok(HmmVenue {
            pool,
            fees: (0.0, 0.0),
            spot,
        })
    }

    fn reserves(&self) -> (f64, f64) {
        self.pool.classes.first().map_or((0.0, 0.0), |c| {
            (whole(c.resource_reserve), whole(c.credit_reserve))
        })
    }

    fn trade(&mut self, buy: bool, cu: f64, now: u64, commit: bool) -> TradeResult {
        let amount = atoms(cu);
        if amount.is_zero() {
            return Err(Refusal::Liquidity);
        }
        // Planned and finished on a copy, kept only if every step succeeds (a refused trade changes nothing).
        let mut pool = self.pool.clone();
        let plan = if buy {
            plan_swap(&pool, Side::Ai, Side::Class(0), Uint128::MAX, Some(amount))
        } else {
            plan_swap(&pool, Side::Class(0), Side::Ai, amount, None)
        }
        .map_err(refusal)?;
        let fill = Fill {
            cu,
            ai: whole(if buy {
                plan.offer_amount
            } else {
                plan.return_amount
            }),
        };
        if commit {
            // The protocol's fee parts and a due TWAP observation go to the contract's storage: the simulator
            // keeps neither.
            let _finished = finish_trade(&mut pool, &plan.legs, now).map_err(refusal)?;
            for leg in &plan.legs {
                let (lp, _, _) = split_fee(&pool, leg.fee).map_err(refusal)?;
                if buy {
                    self.fees.1 += whole(lp);
                } else {
                    self.fees.0 += whole(lp);
                }
            }
            self.spot = engine_spot(&pool);
            self.pool = pool;
        }
        Ok(fill)
    }
}

impl Venue for HmmVenue {
    fn spot(&self) -> f64 {
        self.spot
    }
    fn buy(&mut self, cu: f64, now: u64) -> TradeResult {
        self.trade(true, cu, now, true)
    }
    fn sell(&mut self, cu: f64, now: u64) -> TradeResult {
        self.trade(false, cu, now, true)
    }
    fn quote_buy(&self, cu: f64) -> TradeResult {
        let amount = atoms(cu);
        let leg = quote_leg(
            &self.pool,
            0,
            hmm_math::Direction::BuyResource,
            hmm_math::SwapKind::ExactOut,
            amount,
        )
        .map_err(refusal)?;
        Ok(Fill {
            cu,
            ai: whole(leg.gross_in),
        })
    }
    fn quote_sell(&self, cu: f64) -> TradeResult {
        let leg = quote_leg(
            &self.pool,
            0,
            hmm_math::Direction::SellResource,
            hmm_math::SwapKind::ExactIn,
            atoms(cu),
        )
        .map_err(refusal)?;
        Ok(Fill {
            cu,
            ai: whole(leg.out),
        })
    }
    fn size_to_price(&self, target: f64) -> f64 {
        // Off-chain sizing on the curve a·q·p + (b/2)(q − t)² (c = 0 for target-reserve pools), in atoms.
        let Ok(curve) = pool_curve(&self.pool, 0) else {
            return 0.0;
        };
        let (a, b, t) = (curve.a.to_f64(), curve.b.to_f64(), curve.t.to_f64());
        let (q, p) = self.reserves();
        let (q, p) = (q * SCALE, p * SCALE);
        let h = a * q * p + 0.5 * b * (q - t) * (q - t);
        let price = |x: f64| {
            let px = (h - 0.5 * b * (x - t) * (x - t)) / (a * x);
            let dq = a * px + b * (x - t);
            (px > 0.0 && dq > 0.0).then_some(dq / (a * x))
        };
        let spot = self.spot();
        if !(target > 0.0) || !(spot > 0.0) {
            return 0.0;
        }
        // Bisection on the reserve: the price falls as q rises on the sound branch.
        let (mut lo, mut hi) = if target > spot {
            (q * 1e-6, q)
        } else {
            (q, q * 1e3)
        };
        for _ in 0..80 {
            let mid = 0.5 * (lo + hi);
            match price(mid) {
                Some(pm) if pm > target => lo = mid,
                Some(_) => hi = mid,
                None => {
                    if target > spot {
                        lo = mid
                    } else {
                        hi = mid
                    }
                }
            }
        }
        (q - 0.5 * (lo + hi)) / SCALE
    }
    fn holdings(&self) -> (f64, f64) {
        self.reserves()
    }
    fn lp_fees(&self) -> (f64, f64) {
        self.fees
    }
    fn invariant(&self) -> Option<f64> {
        invariant(&self.pool).ok().map(dec_f64)
    }
    fn lambda(&self) -> Option<f64> {
        Some(dec_f64(self.pool.lambda_now))
    }
    fn boxed_clone(&self) -> Box<dyn Venue> {
        Box::new(HmmVenue {
            pool: self.pool.clone(),
            fees: self.fees,
            spot: self.spot,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const RESERVE: Uint128 = Uint128::new(1_000_000_000_000);
    const CREDITS: Uint128 = Uint128::new(2_000_000_000_000);

    /// 2026 eq.27 says swaps in different classes do not commute when μ ≠ 0. In the engine each class has its own
    /// credit reserve, so a swap of class i changes only class i's term of H (eq.9's ½μ p_i² included): two swaps
    /// on different classes of one augmented pool end in the same state in either order, for μ = 0 and μ = 0.1.
    /// (The volatility surcharge is off: it is the one fee that depends on what traded before.)
    #[test]
    fn swaps_on_different_classes_commute_even_with_mu() {
        let api = MockApi::default();
        let ai = api.addr_make("ai");
        for mu in [0.0, 0.1] {
            let msg = |kind| CreatePoolMsg {
                kind,
                classes: ["a", "b"]
                    .iter()
                    .map(|t| ClassParams {
                        cu_token: api.addr_make(t).to_string(),
                        weight: Decimal256::percent(50),
                    })
                    .collect(),
                curvature: Some(CurvatureConfig {
                    lambda: Decimal256::percent(25),
                    mu: dec(mu).expect("mu"),
                    alpha: Decimal256::zero(),
                    beta: Decimal256::zero(),
                    lambda_max: Decimal256::percent(25),
                }),
                fees: Some(hmm::pool::FeeConfig {
                    volatility_fee: Decimal256::zero(),
                    ..hmm_pool_engine::params::default_fees()
                }),
                execution: None,
                sla: batch_sla(),
                max_price_impact: None,
                batch_window: None,
            };
            let kind = if mu > 0.0 {
                CurveKind::Augmented
            } else {
                CurveKind::TargetReserve
            };
            let mut pool = new_pool(&api, &ai, 1, msg(kind), 0).expect("created");
            let d = ClassDeposit {
                resource: RESERVE,
                credits: CREDITS,
            };
            deposit(&mut pool, vec![d.clone(), d]).expect("funded");
            let buy_a = (Side::Ai, Side::Class(0), Uint128::new(50_000_000_000));
            let sell_b = (Side::Class(1), Side::Ai, Uint128::new(80_000_000_000));
            let run = |order: [(Side, Side, Uint128); 2]| {
                let mut p = pool.clone();
                for (offer, ask, amount) in order {
                    let plan = plan_swap(&p, offer, ask, amount, None).expect("planned");
                    // The contract would store the fee parts and the observation; only the state matters here.
                    let _finished = finish_trade(&mut p, &plan.legs, 0).expect("applied");
                }
                p.classes
                    .iter()
                    .map(|c| (c.resource_reserve, c.credit_reserve))
                    .collect::<Vec<_>>()
            };
            let ab = run([buy_a, sell_b]);
            let ba = run([sell_b, buy_a]);
            assert_ne!(ab[0], (RESERVE, CREDITS), "the swaps moved the pool");
            assert_eq!(
                ab, ba,
                "μ = {mu}: the order of swaps on different classes matters"
            );
        }
    }
}
