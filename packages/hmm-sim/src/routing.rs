//! Multi-class pools routed by the routing code the router contract runs: `hmm_pool_engine::route::plan_bundle`
//! (2025 §6.2's cheapest split, 2026 eq.22) over an in-memory [`PoolSource`].
//!
//! Two markets hold the same liquidity. *Deep*: one single-class pool per resource (the other scenarios' HMM
//! design). *Routed*: half of every resource in a single-class pool, the other half in one multi-class pool holding
//! all five resources, its class weights proportional to each resource's value (2026 §14.1: "w_i proportional to the
//! economic value"). The same job bundles (the world's clients, log-normal sizes) are planned by `plan_bundle`
//! against each market as it starts; the router sees every pool of a class and splits a line when that is cheaper.

use std::collections::BTreeMap;

use anyhow::{anyhow, Result};
use cosmwasm_std::testing::MockApi;
use cosmwasm_std::{Addr, Decimal256, StdError};
use hmm::pool::{
    ClassDeposit, ClassParams, CreatePoolMsg, CurvatureConfig, CurveKind, SlaRequirement,
};
use hmm::router::BundleItem;
use hmm_pool_engine::liquidity::deposit;
use hmm_pool_engine::route::{plan_bundle, PoolSource, RouteError};
use hmm_pool_engine::{new_pool, Pool};
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha12Rng;

use crate::hmm::{atoms, batch_sla, dec, whole};
use crate::sim::reserve0;
use crate::world::{lognormal, World, N_CLIENTS, N_RES, RESOURCES, SIZE_SIGMA};

/// Bundles planned per seed.
pub const ROUTING_BUNDLES: usize = 200;
/// Id of the multi-class pool.
const MULTI: u64 = 100;

/// Pools in memory, as the router would read them.
struct Market(BTreeMap<u64, Pool>);

impl PoolSource for Market {
    fn class_pools(&self, token: &Addr, limit: usize) -> Result<Vec<u64>, RouteError> {
        let mut ids: Vec<u64> = self
            .0
            .iter()
            .filter(|(_, pool)| pool.classes.iter().any(|c| c.cu_token == *token))
            .map(|(id, _)| *id)
            .collect();
        ids.truncate(limit);
        Ok(ids)
    }
    fn pool(&self, id: u64) -> Result<Pool, RouteError> {
        match self.0.get(&id) {
            Some(pool) => Ok(pool.clone()),
            None => Err(RouteError::Std(StdError::not_found(format!("pool {id}")))),
        }
    }
}

/// A funded target-reserve pool (λ, the contract's default fees) of `classes`: (token, weight, CU, $AI).
fn funded(
    api: &MockApi,
    ai: &Addr,
    id: u64,
    lambda: f64,
    classes: &[(Addr, f64, f64, f64)],
) -> Result<Pool> {
    let err = |e: hmm_pool_engine::EngineError| anyhow!("hmm-pool: {e}");
    let msg = CreatePoolMsg {
        kind: CurveKind::TargetReserve,
        classes: classes
            .iter()
            .map(|(t, w, _, _)| {
                Ok(ClassParams {
                    cu_token: t.to_string(),
                    weight: dec(*w)?,
                })
            })
            .collect::<Result<_>>()?,
        curvature: Some(CurvatureConfig {
            lambda: dec(lambda)?,
            mu: Decimal256::zero(),
            alpha: Decimal256::zero(),
            beta: Decimal256::zero(),
            lambda_max: dec(lambda)?,
        }),
        fees: None,
        execution: None,
        sla: batch_sla(),
        max_price_impact: None,
        batch_window: None,
    };
    let mut pool = new_pool(api, ai, id, msg, 0).map_err(err)?;
    let deposits = classes
        .iter()
        .map(|&(_, _, cu, credits)| ClassDeposit {
            resource: atoms(cu),
            credits: atoms(credits),
        })
        .collect();
    deposit(&mut pool, deposits).map_err(err)?;
    Ok(pool)
}

#[derive(Clone, Debug)]
pub struct RoutingResult {
    /// Mean over bundles of the routed market's cost over the deep market's.
    pub cost_ratio: f64,
    /// The same with every line bought from its single-class (half) pool only: no routing.
    pub single_ratio: f64,
    /// Share of lines the router split across pools.
    pub split_share: f64,
    /// Share of the CU bought from the multi-class pool.
    pub multi_share: f64,
    /// Bundles some market could not plan (left out of the ratios).
    pub refused: u64,
}

/// Plan `ROUTING_BUNDLES` job bundles against both markets of `world` (λ = `lambda`).
pub fn routing_test(world: &World, seed: u64, lambda: f64) -> Result<RoutingResult> {
    let api = MockApi::default();
    let ai = api.addr_make("ai-token");
    let tokens: Vec<Addr> = RESOURCES.iter().map(|r| api.addr_make(r.name)).collect();
    let q0 = reserve0(world);
    let value: Vec<f64> = (0..N_RES).map(|i| q0[i] * RESOURCES[i].p0).collect();
    let total: f64 = value.iter().sum();
    let mut deep = BTreeMap::new();
    let mut routed = BTreeMap::new();
    let mut multi = Vec::new();
    for i in 0..N_RES {
        let (q, p) = (q0[i], q0[i] * RESOURCES[i].p0);
        let id = i as u64 + 1;
        deep.insert(
            id,
            funded(&api, &ai, id, lambda, &[(tokens[i].clone(), 1.0, q, p)])?,
        );
        routed.insert(
            id,
            funded(
                &api,
                &ai,
                id,
                lambda,
                &[(tokens[i].clone(), 1.0, q / 2.0, p / 2.0)],
            )?,
        );
        multi.push((tokens[i].clone(), value[i] / total, q / 2.0, p / 2.0));
    }
    routed.insert(MULTI, funded(&api, &ai, MULTI, lambda, &multi)?);
    let (deep, routed) = (Market(deep), Market(routed));
    let sla = SlaRequirement::default();
    let mut rng = ChaCha12Rng::seed_from_u64(seed ^ 0x0_7E);
    let mut single_sum = 0.0;
    let (mut ratio_sum, mut planned, mut lines, mut split, mut cu_all, mut cu_multi, mut refused) =
        (0.0, 0u64, 0u64, 0u64, 0.0, 0.0, 0u64);
    for _ in 0..ROUTING_BUNDLES {
        let Some(client) = world.clients.get(rng.gen_range(0..N_CLIENTS)) else {
            continue;
        };
        let size = lognormal(&mut rng, -SIZE_SIGMA * SIZE_SIGMA / 2.0, SIZE_SIGMA);
        let items: Vec<BundleItem> = (0..N_RES)
            .filter(|&i| client.profile[i] * size * 1e6 >= 1.0)
            .map(|i| BundleItem {
                cu_token: tokens[i].to_string(),
                amount: atoms(client.profile[i] * size),
                pools: vec![],
            })
            .collect();
        if items.is_empty() {
            continue;
        }
        // Each line named to its single-class pool: what a buyer without the router pays.
        let alone: Vec<BundleItem> = items
            .iter()
            .map(|it| BundleItem {
                pools: tokens
                    .iter()
                    .position(|t| t.as_str() == it.cu_token)
                    .map(|i| vec![i as u64 + 1])
                    .unwrap_or_default(),
                ..it.clone()
            })
            .collect();
        let (Ok(a), Ok(b), Ok(c)) = (
            plan_bundle(&routed, &api, &items, &sla),
            plan_bundle(&deep, &api, &items, &sla),
            plan_bundle(&routed, &api, &alone, &sla),
        ) else {
            refused += 1;
            continue;
        };
        ratio_sum += whole(a.total_cost) / whole(b.total_cost);
        single_sum += whole(c.total_cost) / whole(b.total_cost);
        planned += 1;
        for (_, trades) in &a.legs {
            lines += 1;
            if trades
                .iter()
                .map(|t| t.pool_id)
                .collect::<std::collections::BTreeSet<_>>()
                .len()
                > 1
            {
                split += 1;
            }
            for t in trades {
                let cu = whole(t.plan.return_amount);
                cu_all += cu;
                if t.pool_id == MULTI {
                    cu_multi += cu;
                }
            }
        }
    }
    Ok(RoutingResult {
        cost_ratio: ratio_sum / planned.max(1) as f64,
        single_ratio: single_sum / planned.max(1) as f64,
        split_share: split as f64 / lines.max(1) as f64,
        multi_share: if cu_all > 0.0 { cu_multi / cu_all } else { 0.0 },
        refused,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The router plans every bundle, splits lines across the two pools of a class, and the split market costs
    /// about what one deep pool per resource costs.
    #[test]
    fn the_router_splits_across_the_multi_class_pool() {
        let world = World::new(5, 10.0);
        let r = routing_test(&world, 5, 0.5).expect("runs");
        assert_eq!(r.refused, 0);
        assert!(r.split_share > 0.0 && r.multi_share > 0.0, "{r:?}");
        assert!((r.cost_ratio - 1.0).abs() < 0.05, "{r:?}");
        assert!(
            r.single_ratio > r.cost_ratio,
            "without the router a half-depth pool costs more: {r:?}"
        );
    }
}
