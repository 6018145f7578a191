//! A structured message fuzzer of the pool contract through cw-multi-test: random but well-typed sequences of every
//! user and owner message (swaps exact in and out, bundles, batch intents, cancellations, settlements and refunds,
//! liquidity, fee claims, owed-ledger claims and protocol-fee collection with token subsets and `defer` lists,
//! pausing and parameter updates, the passage of time including jumps past the batch grace period, and freezing a
//! CU token of the multi-class pools) mixed with garbage (zero and overflowing amounts, unknown pools, wrong tokens,
//! forged hooks, unauthorized owner actions, invalid defer lists). After every step:
//!
//! - a refusal is a typed error: the pool's `ContractError`, the token's (insufficient balance or allowance), or the
//!   flaky token's "frozen" while it is frozen; never a panic; messages that must be refused (unauthorized, forged,
//!   garbage, a settlement before its window closes, a refund before its grace period ends, cancelling someone
//!   else's intent or after the window, a flow execution mode on a multi-asset or augmented pool, a settlement's
//!   defer list within `DEFER_AFTER` of the window's close) are;
//! - liveness: a batch whose window has closed settles, and one past its grace period refunds (a refusal would
//!   leave its intents escrowed); while the flaky token is frozen a message that defers it (`SettleBatch`,
//!   `RefundBatch`, `RemoveLiquidity`, `ClaimFees`) is never refused because of it, and `CollectProtocolFees`
//!   succeeds whenever a selected token has fees pending; one's own intent can be cancelled within its window; what
//!   the owed ledger holds can be claimed (unless it is the frozen token);
//! - a settled or refunded batch is empty, a cancelled intent and a claimed ledger entry are gone; no trader holds
//!   more than `MAX_INTENTS_PER_TRADER` intents of a batch; an accepted intent is at least a millionth of the
//!   reserve it trades into;
//! - for every token the pool holds at least its reserves (all pools) + the protocol fees pending + the intents
//!   escrowed in waiting batches + the owed ledger of every actor (every 64 steps and at the end of a run also + the
//!   LP fees owed to every known position, and the shares ledger adds up);
//! - every token's supply only falls, by exactly what `CollectProtocolFees` burned;
//! - a pool's invariant H never falls across a step that left its λ(t), curvature and shares unchanged.
//!
//! `POOL_FUZZ_STEPS` (default 2000) steps are split into runs of `POOL_FUZZ_RUN_STEPS` (default 500), run `r` seeded
//! with `POOL_FUZZ_SEED + r` (default seed 1): a failure names the run's seed and step, and
//! `POOL_FUZZ_SEED=<seed> POOL_FUZZ_STEPS=<step+1>` replays it alone. `POOL_FUZZ_TRACE=1` prints every step.
//! Long run: `POOL_FUZZ_STEPS=1000000 cargo test --release -p integration-tests --test pool_fuzz -- --nocapture`.

use std::collections::BTreeMap;
use std::panic::{catch_unwind, AssertUnwindSafe};
use std::time::Instant;

use anyhow::Result;
use cosmwasm_std::{to_json_binary, Addr, Binary, Decimal256, Uint128};
use cw20::{Cw20ExecuteMsg, Cw20ReceiveMsg};
use cw_multi_test::{AppResponse, Executor};
use hmm::pool::{
    Ask, BatchResponse, BuyLine, BuyOrder, ClassDeposit, ClassParams, ConfigResponse,
    CreatePoolMsg, CurvatureConfig, CurveKind, ExecuteMsg, ExecutionMode, FeeConfig, OwedResponse,
    PoolResponse, PoolUpdate, PoolsResponse, QueryMsg, ReceiveMsg, ShareResponse, BATCH_GRACE,
    DEFER_AFTER, MAX_INTENTS_PER_TRADER, MINIMUM_LIQUIDITY,
};
use hmm_pool::ContractError;
use hmm_testing::contracts::token_contract;
use hmm_testing::pool::{Suite, START_AI, START_CU};
use hmm_testing::Chain;

/// One $AI.
const AI: u128 = 1_000_000_000_000_000_000;
/// Seed liquidity per class: 10k CU against 50k $AI (5 $AI per CU).
const Q: u128 = 10_000_000_000;
const P: u128 = 50_000_000_000_000_000_000_000;

// ---- deterministic randomness ----

/// splitmix64: tiny, fast, and good enough to drive a fuzzer.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: u64) -> u64 {
        if n == 0 {
            0
        } else {
            self.next() % n
        }
    }

    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }

    fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.below(xs.len() as u64) as usize]
    }

    fn u128(&mut self) -> u128 {
        (u128::from(self.next()) << 64) | u128::from(self.next())
    }

    /// Log-uniform in `[1, max]`: every order of magnitude (bit length) equally likely.
    fn log_uniform(&mut self, max: u128) -> u128 {
        let max = max.max(1);
        let bits = 128 - max.leading_zeros();
        let b = 1 + self.below(u64::from(bits)) as u32;
        let lo = 1u128 << (b - 1);
        (lo | (self.u128() & (lo - 1))).min(max)
    }

    /// Log-uniform in `[lo, hi]` (both at least 1).
    fn between(&mut self, lo: u128, hi: u128) -> u128 {
        let (lo, hi) = (lo.max(1), hi.max(1));
        if lo >= hi {
            return hi;
        }
        // Log-uniform in the ratio hi/lo, then scaled: x = lo · r, r in [1, hi/lo].
        let r = self.log_uniform(hi / lo);
        lo.saturating_mul(r).min(hi)
    }

    /// A random fraction in [0, max_permille / 1000], in steps of 0.001.
    fn fraction(&mut self, max_permille: u64) -> Decimal256 {
        Decimal256::permille(self.below(max_permille + 1))
    }
}

// ---- steps ----

#[derive(Debug)]
enum Action {
    /// cw20 `Send` of `amount` of `token` to the pool with `msg` as the hook.
    Send {
        who: Addr,
        token: Addr,
        amount: u128,
        /// The decoded hook, for failure messages and traces (`None`: `msg` is not a hook).
        hook: Option<ReceiveMsg>,
        msg: Binary,
    },
    /// A message straight to the pool.
    Exec { who: Addr, msg: ExecuteMsg },
    /// Allowances (token, amount), then `AddLiquidity`, then the allowances withdrawn.
    AddLiquidity {
        who: Addr,
        allowances: Vec<(Addr, u128)>,
        msg: ExecuteMsg,
    },
    /// A cw20 `Transfer` to the pool (a donation).
    Donate {
        who: Addr,
        token: Addr,
        amount: u128,
    },
    /// Advance the chain.
    Wait(u64),
    /// Freeze (true) or thaw the flaky CU token.
    Freeze(bool),
}

struct Step {
    kind: &'static str,
    /// The message must be refused (unauthorized, forged, garbage, too early).
    must_fail: bool,
    /// The message must be refused with this error kind (see [`classify`]).
    fail_with: Option<&'static str>,
    /// Liveness: the message must be accepted (the reason, for the failure message); a refusal by the frozen flaky
    /// token is excused only when the message did not defer it.
    must_succeed: Option<&'static str>,
    /// The message defers the flaky token: the token being frozen must not make it fail.
    defers_flaky: bool,
    action: Action,
}

fn step(kind: &'static str, action: Action) -> Step {
    Step {
        kind,
        must_fail: false,
        fail_with: None,
        must_succeed: None,
        defers_flaky: false,
        action,
    }
}

fn must_fail(kind: &'static str, action: Action) -> Step {
    Step {
        must_fail: true,
        ..step(kind, action)
    }
}

/// The error kind of the flaky token refusing because it is frozen.
const FROZEN: &str = "flaky::Frozen";

/// What the pool must be seen to hold after a step, and what the invariant check compares.
struct Obs {
    pools: Vec<PoolResponse>,
    config: ConfigResponse,
    /// The waiting intents of each batch pool.
    batches: Vec<(u64, BatchResponse)>,
    /// The owed ledger of each actor (index into `actors`).
    owed: Vec<OwedResponse>,
}

#[derive(Default)]
struct Stats {
    steps: u64,
    accepted: u64,
    accepted_by_kind: BTreeMap<&'static str, u64>,
    refused: BTreeMap<String, u64>,
    invariant_checked: u64,
    invariant_skipped: u64,
    deep_checks: u64,
    /// Steps whose acceptance was required (liveness), by kind.
    liveness: BTreeMap<&'static str, u64>,
    /// Swaps accepted on a pool in a flow execution mode (Verlet, Ruth4).
    flow_swaps: u64,
    /// Steps run while the flaky token was frozen.
    frozen_steps: u64,
    /// Messages deferring the frozen flaky token, accepted, by kind.
    deferred_frozen: BTreeMap<&'static str, u64>,
    /// Intents evicted from full batches.
    evictions: u64,
}

/// `Foo(Bar(..))` → `Foo::Bar`; `Foo { .. }` → `Foo`.
fn variant_path(debug: &str) -> String {
    let ident = |s: &str| -> String {
        s.chars()
            .take_while(|c| c.is_alphanumeric() || *c == '_')
            .collect()
    };
    let first = ident(debug);
    match debug[first.len()..].strip_prefix('(') {
        Some(rest) => {
            let second = ident(rest);
            if !second.starts_with(|c: char| c.is_ascii_uppercase()) {
                first
            } else {
                format!("{first}::{second}")
            }
        }
        None => first,
    }
}

/// The error kind of a refusal, or `None` if it is not a typed error of the pool or of a token.
fn classify(e: &anyhow::Error, flaky: &Addr) -> Option<String> {
    if let Some(ce) = e.downcast_ref::<ContractError>() {
        return Some(variant_path(&format!("{ce:?}")));
    }
    if let Some(te) = e.downcast_ref::<ai_token::ContractError>() {
        return Some(format!("token::{}", variant_path(&format!("{te:?}"))));
    }
    // The flaky token's wrapper (`hmm_testing::contracts::flaky_token_contract`) refuses with an untyped message.
    if e.chain().any(|c| c.to_string().contains("token frozen")) {
        return Some(FROZEN.to_string());
    }
    // It also erases the type of the token's own errors (insufficient balance, overflow): recognised when the
    // innermost failing message is one to the flaky token, named by the root cause without its numbers.
    let innermost = e
        .chain()
        .map(|c| c.to_string())
        .filter(|c| c.starts_with("Error executing WasmMsg"))
        .last()?;
    if innermost.contains(&format!("contract_addr: \"{flaky}\"")) {
        let root: String = e
            .root_cause()
            .to_string()
            .chars()
            .take_while(|c| !c.is_ascii_digit() && *c != '(')
            .collect();
        return Some(format!("flaky::{}", root.trim()));
    }
    None
}

struct Fuzz {
    s: Suite,
    rng: Rng,
    /// Traders and LPs (not the owner).
    actors: Vec<Addr>,
    /// $AI, then the CU tokens.
    tokens: Vec<Addr>,
    /// A cw20 no pool trades.
    junk: Addr,
    pool_ids: Vec<u64>,
    batch_pools: Vec<u64>,
    /// Expected total supply of each of `tokens` (falls by the burns).
    supply: Vec<u128>,
    /// Address → readable name, for messages.
    names: Vec<(String, String)>,
    /// The CU token the minter can freeze (class [`FLAKY`] of the multi-class pools and the batch pool).
    flaky: Addr,
    /// Whether `flaky` is frozen now.
    frozen: bool,
    /// Steps left of a burst of batch intents (fills a batch: per-trader limit, full batch, eviction).
    burst: u32,
    last: Obs,
}

/// The CU class replaced by a freezable token: traded by the augmented, multi-asset and batch pools.
const FLAKY: usize = 2;
/// Names of the actors: the suite's three, two more, and a crowd that fills batches past
/// `MAX_INTENTS_PER_TRADER` × 5.
const ACTOR_NAMES: [&str; 13] = [
    "lp", "trader", "attacker", "alice", "bob", "c0", "c1", "c2", "c3", "c4", "c5", "c6", "c7",
];

impl Fuzz {
    fn new(seed: u64) -> Fuzz {
        let mut s = Suite::new(3);
        let flaky = s.make_flaky(FLAKY);
        let extra: Vec<Addr> = ACTOR_NAMES[3..]
            .iter()
            .map(|n| s.app.api().addr_make(n))
            .collect();
        let minter = s.minter.clone();
        let owner = s.owner.clone();
        let mut tokens = vec![s.ai.clone()];
        tokens.extend(s.cu.iter().cloned());
        for who in &extra {
            for t in &tokens {
                let amount = if *t == s.ai { START_AI } else { START_CU };
                s.app
                    .execute_contract(
                        minter.clone(),
                        t.clone(),
                        &Cw20ExecuteMsg::Mint {
                            recipient: who.to_string(),
                            amount: Uint128::new(amount),
                        },
                        &[],
                    )
                    .expect("mint");
            }
        }
        let mut actors = vec![s.lp.clone(), s.trader.clone(), s.attacker.clone()];
        actors.extend(extra);
        let code = s.app.store_code(token_contract());
        let junk = s
            .app
            .instantiate_contract(
                code,
                owner,
                &hmm::token::InstantiateMsg {
                    name: "Junk".to_string(),
                    symbol: "JUNK".to_string(),
                    decimals: 6,
                    initial_balances: actors
                        .iter()
                        .map(|a| cw20::Cw20Coin {
                            address: a.to_string(),
                            amount: Uint128::new(START_CU),
                        })
                        .collect(),
                    mint: None,
                    marketing: None,
                    resource: None,
                },
                &[],
                "junk",
                None,
            )
            .expect("junk token");

        let curvature = |lambda: u64, max: u64| CurvatureConfig {
            lambda: Decimal256::percent(lambda),
            mu: Decimal256::percent(5),
            alpha: Decimal256::zero(),
            beta: Decimal256::zero(),
            lambda_max: Decimal256::percent(max),
        };
        let mut msgs = vec![];
        // 1: constant product.
        msgs.push(s.create_msg(CurveKind::Bilinear, &[0], "0"));
        // 2: target reserve λ 0.5, integrated with Störmer–Verlet.
        let mut m = s.create_msg(CurveKind::TargetReserve, &[1], "0.5");
        m.curvature = Some(curvature(50, 150));
        m.execution = Some(ExecutionMode::Verlet { steps: 8 });
        msgs.push(m);
        // 3: augmented over the three classes, 30 % impact limit.
        let mut m = s.create_msg(CurveKind::Augmented, &[0, 1, 2], "0.5");
        m.curvature = Some(curvature(50, 150));
        m.max_price_impact = Some(Decimal256::percent(30));
        msgs.push(m);
        // 4: multi-asset over two classes of unequal weight, λ < every weight. (Exact: the flow modes are refused
        // on multi-asset and augmented pools, `UnsupportedExecution`; the owner's random updates try them.)
        let mut m = s.create_msg(CurveKind::MultiAsset, &[1, 2], "0.3");
        m.classes[1].weight = Decimal256::percent(80);
        m.curvature = Some(curvature(30, 60));
        msgs.push(m);
        // 5: batch auction, target reserve over two classes (one flaky: a class whose clearing fails is refunded,
        // the other settles).
        let mut m = s.create_msg(CurveKind::TargetReserve, &[1, 2], "0.5");
        m.batch_window = Some(60);
        msgs.push(m);
        let mut pool_ids = vec![];
        let mut batch_pools = vec![];
        let lp = s.lp.clone();
        for m in msgs {
            let classes = m.classes.len();
            let batch = m.batch_window.is_some();
            let id = s.create_pool(m).expect("pool created");
            let deposits: Vec<(u128, u128)> = (0..classes).map(|_| (Q, P)).collect();
            s.add_liquidity(&lp, id, &deposits, 0).expect("seeded");
            pool_ids.push(id);
            if batch {
                batch_pools.push(id);
            }
        }
        // `add_liquidity` leaves the allowances it granted above what was pulled: none are.
        let supply = tokens.iter().map(|t| s.supply(t)).collect();
        let mut names = vec![
            (s.pool.to_string(), "POOL".to_string()),
            (s.owner.to_string(), "owner".to_string()),
            (s.treasury.to_string(), "treasury".to_string()),
            (s.ai.to_string(), "AI".to_string()),
            (junk.to_string(), "JUNK".to_string()),
        ];
        for (i, c) in s.cu.iter().enumerate() {
            let flaky = if i == FLAKY { "(flaky)" } else { "" };
            names.push((c.to_string(), format!("CU{i}{flaky}")));
        }
        for (a, n) in actors.iter().zip(ACTOR_NAMES) {
            names.push((a.to_string(), n.to_string()));
        }
        let mut f = Fuzz {
            s,
            rng: Rng(seed),
            actors,
            tokens,
            junk,
            pool_ids,
            batch_pools,
            supply,
            names,
            flaky,
            frozen: false,
            burst: 0,
            last: Obs {
                batches: vec![],
                owed: vec![],
                pools: vec![],
                config: ConfigResponse {
                    ai_token: Addr::unchecked(""),
                    treasury: Addr::unchecked(""),
                    permissionless_pools: false,
                    paused: false,
                    pool_count: 0,
                    pending_treasury: vec![],
                    pending_burn: vec![],
                },
            },
        };
        f.last = f.observe().expect("initial state");
        f
    }

    fn readable(&self, text: &str) -> String {
        let mut t = text.to_string();
        for (addr, name) in &self.names {
            t = t.replace(addr, name);
        }
        t
    }

    fn now(&self) -> u64 {
        self.s.app.block_info().time.seconds()
    }

    // ---- generators ----

    fn actor(&mut self) -> Addr {
        self.rng.pick(&self.actors).clone()
    }

    fn other_actor(&mut self, not: &Addr) -> Addr {
        loop {
            let a = self.actor();
            if a != *not {
                return a;
            }
        }
    }

    fn pool_id(&mut self) -> u64 {
        if self.rng.chance(92) {
            *self.rng.pick(&self.pool_ids)
        } else {
            *self
                .rng
                .pick(&[0, self.pool_ids.len() as u64 + 1, 99, u64::MAX])
        }
    }

    /// Mostly a continuous pool (swaps), sometimes the batch pool or garbage.
    fn continuous_pool_id(&mut self) -> u64 {
        if self.rng.chance(90) {
            let continuous: Vec<u64> = self
                .pool_ids
                .iter()
                .copied()
                .filter(|id| !self.batch_pools.contains(id))
                .collect();
            *self.rng.pick(&continuous)
        } else {
            self.pool_id()
        }
    }

    /// What the owed ledger held for `who` after the last step.
    fn owed_of(&self, who: &Addr) -> Option<Vec<hmm::pool::TokenAmount>> {
        let i = self.actors.iter().position(|a| a == who)?;
        self.last.owed.get(i).map(|o| o.owed.clone())
    }

    /// For a batch intent: (amount sent, the minimum the contract must hold it to: a millionth of the reserve it
    /// trades into, before the step).
    fn intent_floor(&self, action: &Action) -> Option<(u128, u128)> {
        let Action::Send {
            token,
            amount,
            hook: Some(ReceiveMsg::BatchIntent { pool_id, ask, .. }),
            ..
        } = action
        else {
            return None;
        };
        let pool = self.pool(*pool_id)?;
        let reserve = if *token == self.s.ai {
            let Ask::Cu { token: cu } = ask else {
                return None;
            };
            pool.classes
                .iter()
                .find(|c| c.cu_token.as_str() == cu)?
                .credit_reserve
        } else {
            pool.classes
                .iter()
                .find(|c| c.cu_token == *token)?
                .resource_reserve
        };
        Some((*amount, reserve.u128() / 1_000_000))
    }

    fn pool(&self, id: u64) -> Option<&PoolResponse> {
        self.last.pools.iter().find(|p| p.pool_id == id)
    }

    /// Amounts that must break something: zero, overflowing, far beyond any balance.
    fn garbage_amount(&mut self) -> u128 {
        *self.rng.pick(&[
            0,
            u128::MAX,
            u128::MAX - 1,
            u128::MAX / 2,
            START_AI * 1_000,
            (1u128 << 64) + 1,
        ])
    }

    /// Log-uniform up to twice `reference` (a reserve): mostly from a billionth of it, sometimes from one atom
    /// (dust, which mostly rounds to nothing), sometimes garbage.
    fn amount(&mut self, reference: u128) -> u128 {
        match self.rng.below(100) {
            0..=2 => self.garbage_amount(),
            3..=14 => self.rng.log_uniform(reference.saturating_mul(2)),
            _ => self
                .rng
                .between(reference / 1_000_000_000, reference.saturating_mul(2)),
        }
    }

    fn deadline(&mut self) -> Option<u64> {
        let now = self.now();
        match self.rng.below(100) {
            0..=84 => None,
            85..=94 => Some(now + self.rng.below(1_000)),
            _ => Some(now.saturating_sub(1 + self.rng.below(1_000))),
        }
    }

    fn recipient(&mut self, who: &Addr) -> Option<String> {
        match self.rng.below(100) {
            0..=89 => None,
            90..=96 => Some(self.other_actor(who).to_string()),
            _ => Some("not-an-address".to_string()),
        }
    }

    /// (token, reserve of that token in the pool) for the pool's $AI side or one of its classes.
    fn sides(&self, pool: Option<&PoolResponse>) -> Vec<(Addr, u128)> {
        match pool {
            Some(p) => {
                let credits = p.classes.iter().map(|c| c.credit_reserve.u128()).sum();
                let mut v = vec![(self.s.ai.clone(), credits)];
                for c in &p.classes {
                    v.push((c.cu_token.clone(), c.resource_reserve.u128()));
                }
                v
            }
            None => vec![(self.s.ai.clone(), P), (self.s.cu[0].clone(), Q)],
        }
    }

    /// A token to offer and an ask: mostly sensible for the pool (incl. class against class), sometimes not.
    fn offer_and_ask(&mut self, pool: Option<&PoolResponse>) -> (Addr, u128, Ask, u128) {
        let sides = self.sides(pool);
        let (offer, offer_ref) = if self.rng.chance(93) {
            if self.rng.chance(50) {
                sides[0].clone()
            } else {
                self.rng.pick(&sides[1..]).clone()
            }
        } else {
            let t = self.rng.pick(&self.tokens).clone();
            let t = if self.rng.chance(30) {
                self.junk.clone()
            } else {
                t
            };
            (t, Q)
        };
        let r = self.rng.below(100);
        let (ask, ask_ref) = if r < 4 {
            (
                Ask::Cu {
                    token: "not-a-token".to_string(),
                },
                Q,
            )
        } else if r < 8 {
            let t = self.rng.pick(&self.tokens[1..]).clone();
            (
                Ask::Cu {
                    token: t.to_string(),
                },
                Q,
            )
        } else if r < 12 {
            (
                Ask::Cu {
                    token: offer.to_string(),
                },
                Q,
            )
        } else if offer == self.s.ai {
            let (t, q) = self.rng.pick(&sides[1..]).clone();
            (
                Ask::Cu {
                    token: t.to_string(),
                },
                q,
            )
        } else if self.rng.chance(30) && sides.len() > 2 {
            // Class against class through credits.
            let (t, q) = self.rng.pick(&sides[1..]).clone();
            (
                Ask::Cu {
                    token: t.to_string(),
                },
                q,
            )
        } else {
            (Ask::Ai, sides[0].1)
        };
        (offer, offer_ref, ask, ask_ref)
    }

    fn send(
        &mut self,
        kind: &'static str,
        who: Addr,
        token: Addr,
        amount: u128,
        hook: ReceiveMsg,
    ) -> Step {
        let msg = to_json_binary(&hook).expect("hook serialises");
        step(
            kind,
            Action::Send {
                who,
                token,
                amount,
                hook: Some(hook),
                msg,
            },
        )
    }

    fn gen_swap(&mut self, exact_out: bool) -> Step {
        let who = self.actor();
        let id = self.continuous_pool_id();
        let pool = self.pool(id).cloned();
        let (offer, offer_ref, ask, ask_ref) = self.offer_and_ask(pool.as_ref());
        let (amount, exact) = if exact_out {
            let out = self.amount(ask_ref / 2);
            let max_in = if self.rng.chance(50) {
                offer_ref.saturating_mul(2)
            } else {
                self.amount(offer_ref)
            };
            (max_in, Some(Uint128::new(out)))
        } else {
            (self.amount(offer_ref), None)
        };
        let min_out = if !exact_out && self.rng.chance(20) {
            Some(Uint128::new(self.rng.log_uniform(ask_ref)))
        } else {
            None
        };
        let hook = ReceiveMsg::Swap {
            pool_id: id,
            ask,
            exact_out: exact,
            min_out,
            deadline: self.deadline(),
            to: self.recipient(&who),
        };
        let kind = if exact_out { "swap_out" } else { "swap_in" };
        self.send(kind, who, offer, amount, hook)
    }

    /// A `Buy` of several lines from one pool (what the router sends each pool of a bundle's plan): mostly its
    /// own classes, sometimes a foreign or junk token, garbage amounts, batch pools and unknown ids.
    fn gen_bundle(&mut self) -> Step {
        let who = self.actor();
        let id = self.pool_id();
        let pool = self.pool(id).cloned();
        let n = 1 + self.rng.below(4);
        let mut lines = vec![];
        let mut cost_ref = 0u128;
        for _ in 0..n {
            let r = self.rng.below(100);
            let (token, q, p) = match &pool {
                Some(pool) if r >= 10 => {
                    let c = self.rng.pick(&pool.classes).clone();
                    (
                        c.cu_token.to_string(),
                        c.resource_reserve.u128(),
                        c.credit_reserve.u128(),
                    )
                }
                _ if r < 5 => ("not-a-token".to_string(), 0, 0),
                _ => (self.rng.pick(&self.tokens[1..]).to_string(), 0, 0),
            };
            cost_ref = cost_ref.saturating_add(p);
            let amount = if self.rng.chance(3) {
                self.garbage_amount()
            } else {
                self.rng.log_uniform(q.max(Q) / 2)
            };
            lines.push(BuyLine {
                cu_token: token,
                amount: Uint128::new(amount),
            });
        }
        let token = if self.rng.chance(95) {
            self.s.ai.clone()
        } else {
            self.rng.pick(&self.tokens[1..]).clone()
        };
        let amount = if self.rng.chance(50) {
            cost_ref.max(P).saturating_mul(2)
        } else {
            self.amount(cost_ref.max(P))
        };
        // Mostly one order; sometimes a second one on another (or the same: refused) pool.
        let mut orders = vec![BuyOrder { pool_id: id, lines }];
        if self.rng.chance(20) {
            let other = self.pool_id();
            let class = self
                .pool(other)
                .and_then(|p| p.classes.first())
                .map(|c| (c.cu_token.to_string(), c.resource_reserve.u128()));
            if let Some((cu_token, q)) = class {
                let amount = Uint128::new(self.rng.log_uniform(q.max(Q) / 4));
                orders.push(BuyOrder {
                    pool_id: other,
                    lines: vec![BuyLine { cu_token, amount }],
                });
            }
        }
        let hook = ReceiveMsg::Buy {
            fee_discount: None,
            orders,
            deadline: self.deadline(),
            to: self.recipient(&who),
        };
        self.send("bundle", who, token, amount, hook)
    }

    fn gen_intent(&mut self) -> Step {
        let bursting = self.burst > 0;
        let (who, id) = if bursting {
            self.burst -= 1;
            (self.actor(), self.batch_pools[0])
        } else if self.rng.chance(85) {
            (self.actor(), *self.rng.pick(&self.batch_pools))
        } else {
            (self.actor(), self.pool_id())
        };
        let pool = self.pool(id).cloned();
        let (offer, offer_ref, ask, ask_ref) = match &pool {
            Some(p) if bursting && self.rng.chance(90) => {
                // A well-formed intent (one class against $AI), so that the batch fills up.
                let c = self.rng.pick(&p.classes).clone();
                let cu = Ask::Cu {
                    token: c.cu_token.to_string(),
                };
                if self.rng.chance(50) {
                    let (p_ref, q_ref) = (c.credit_reserve.u128(), c.resource_reserve.u128());
                    (self.s.ai.clone(), p_ref, cu, q_ref)
                } else {
                    let (q_ref, p_ref) = (c.resource_reserve.u128(), c.credit_reserve.u128());
                    (c.cu_token.clone(), q_ref, Ask::Ai, p_ref)
                }
            }
            _ => self.offer_and_ask(pool.as_ref()),
        };
        // Dust included: an intent too small to trade alone must be refused (`IntentTooSmall`) or clear.
        let amount = if bursting && self.rng.chance(80) {
            // Mid-sized: above the minimum, and varied, so that a full batch evicts its smallest.
            self.rng.between(offer_ref / 200_000, offer_ref / 200)
        } else {
            self.amount(offer_ref)
        };
        let min_out = if self.rng.chance(25) {
            Some(Uint128::new(self.rng.log_uniform(ask_ref)))
        } else {
            None
        };
        let hook = ReceiveMsg::BatchIntent {
            pool_id: id,
            ask,
            min_out,
        };
        self.send("intent", who, offer, amount, hook)
    }

    /// A defer list: mostly empty or the flaky token, sometimes other tokens, the junk token or an invalid address.
    /// The second value: whether the list is valid (every entry an address).
    fn defer(&mut self) -> (Vec<String>, bool) {
        let mut v = vec![];
        let mut valid = true;
        match self.rng.below(100) {
            0..=39 => {}
            40..=69 => v.push(self.flaky.to_string()),
            70..=89 => {
                for t in &self.tokens {
                    if self.rng.chance(50) {
                        v.push(t.to_string());
                    }
                }
            }
            90..=95 => {
                v.push(self.junk.to_string());
                v.push(self.flaky.to_string());
            }
            _ => {
                v.push("not-an-address".to_string());
                valid = false;
            }
        }
        // While frozen, prefer deferring the flaky token (the liveness property).
        if self.frozen && valid && self.rng.chance(40) && !v.contains(&self.flaky.to_string()) {
            v.push(self.flaky.to_string());
        }
        (v, valid)
    }

    fn batch(&self, id: u64) -> Option<&BatchResponse> {
        self.last
            .batches
            .iter()
            .find(|(b, _)| *b == id)
            .map(|(_, b)| b)
    }

    fn gen_settle(&mut self, refund: bool) -> Step {
        let who = self.actor();
        let pool_id = if self.rng.chance(90) {
            *self.rng.pick(&self.batch_pools)
        } else {
            self.pool_id()
        };
        let (defer, valid) = self.defer();
        let defers_flaky = defer.contains(&self.flaky.to_string());
        let now = self.now();
        let grace = if refund { BATCH_GRACE } else { 0 };
        let window_end = self.batch(pool_id).and_then(|b| b.window_end);
        // Due: a batch is open (even if all its intents were cancelled) and its window (+ the grace) has passed.
        let due = window_end.is_some_and(|w| now >= w + grace);
        // A settlement honours a defer list only `DEFER_AFTER` seconds after the window (a keeper cannot push
        // traders onto the owed ledger right away).
        let defer_early =
            !refund && !defer.is_empty() && window_end.is_some_and(|w| now < w + DEFER_AFTER);
        let msg = if refund {
            ExecuteMsg::RefundBatch { pool_id, defer }
        } else {
            ExecuteMsg::SettleBatch { pool_id, defer }
        };
        let kind = if refund { "refund_batch" } else { "settle" };
        let mut st = step(kind, Action::Exec { who, msg });
        st.defers_flaky = defers_flaky;
        if !valid || !due {
            st.must_fail = true;
        } else if defer_early {
            st.must_fail = true;
            st.fail_with = Some("DeferTooEarly");
        } else {
            st.must_succeed = Some(if refund {
                "a batch past its grace period must refund"
            } else {
                "a batch whose window closed must settle"
            });
        }
        st
    }

    /// Cancel an intent: one's own (before or after the window), someone else's, or one that does not exist.
    fn gen_cancel(&mut self) -> Step {
        let pool_id = if self.rng.chance(90) {
            *self.rng.pick(&self.batch_pools)
        } else {
            self.pool_id()
        };
        let now = self.now();
        let (intents, window_end) = match self.batch(pool_id) {
            Some(b) => (b.intents.clone(), b.window_end),
            None => (vec![], None),
        };
        let open = window_end.is_some_and(|w| now < w);
        let r = self.rng.below(100);
        if !intents.is_empty() && r < 75 {
            let i = self.rng.pick(&intents).clone();
            let msg = ExecuteMsg::CancelIntent {
                pool_id,
                intent: i.intent,
            };
            if r < 60 {
                let mut st = step("cancel_intent", Action::Exec { who: i.trader, msg });
                if open {
                    st.must_succeed =
                        Some("the owner of a waiting intent cancels it in its window");
                } else {
                    st.must_fail = true;
                }
                st
            } else {
                let who = self.other_actor(&i.trader);
                must_fail("cancel_others_intent", Action::Exec { who, msg })
            }
        } else {
            let who = self.actor();
            let used: Vec<u32> = intents.iter().map(|i| i.intent).collect();
            let intent = loop {
                let n = *self.rng.pick(&[0, 1, 2, 49, 50, u32::MAX]);
                if !used.contains(&n) {
                    break n;
                }
            };
            must_fail(
                "cancel_unknown_intent",
                Action::Exec {
                    who,
                    msg: ExecuteMsg::CancelIntent { pool_id, intent },
                },
            )
        }
    }

    fn gen_claim_fees(&mut self) -> Step {
        // The seeding LP holds a position in every pool.
        let who = if self.rng.chance(50) {
            self.s.lp.clone()
        } else {
            self.actor()
        };
        let pool_id = self.pool_id();
        let (defer, valid) = self.defer();
        let defers_flaky = defer.contains(&self.flaky.to_string());
        let mut st = step(
            "claim_fees",
            Action::Exec {
                who,
                msg: ExecuteMsg::ClaimFees { pool_id, defer },
            },
        );
        st.must_fail = !valid;
        st.defers_flaky = defers_flaky;
        st
    }

    /// Claim a token of the owed ledger: mostly one the actor is owed.
    fn gen_claim_owed(&mut self) -> Step {
        let who = self.actor();
        let owed: Vec<Addr> = self
            .owed_of(&who)
            .map(|o| o.into_iter().map(|t| t.token).collect())
            .unwrap_or_default();
        let (token, has) = if !owed.is_empty() && self.rng.chance(80) {
            (self.rng.pick(&owed).to_string(), true)
        } else if self.rng.chance(90) {
            let t = self.rng.pick(&self.tokens).clone();
            let has = owed.contains(&t);
            (t.to_string(), has)
        } else {
            ("not-an-address".to_string(), false)
        };
        let frozen_token = token == self.flaky.as_str() && self.frozen;
        let msg = ExecuteMsg::ClaimOwed { token };
        let mut st = step("claim_owed", Action::Exec { who, msg });
        if !has {
            st.must_fail = true;
        } else if !frozen_token {
            st.must_succeed = Some("what the owed ledger holds is claimable");
        }
        st
    }

    /// `CollectProtocolFees` of every token or a subset: must succeed iff a selected token has fees pending.
    fn gen_collect(&mut self) -> Step {
        let who = self.actor();
        let mut tokens = vec![];
        let mut valid = true;
        match self.rng.below(100) {
            0..=39 => {}
            40..=89 => {
                for t in &self.tokens {
                    if self.rng.chance(40) {
                        tokens.push(t.to_string());
                    }
                }
                if self.frozen && self.rng.chance(50) && !tokens.contains(&self.flaky.to_string()) {
                    tokens.push(self.flaky.to_string());
                }
            }
            90..=95 => tokens.push(self.junk.to_string()),
            _ => {
                tokens.push("not-an-address".to_string());
                valid = false;
            }
        }
        let c = &self.last.config;
        let pending = c.pending_treasury.iter().chain(&c.pending_burn).any(|ta| {
            !ta.amount.is_zero() && (tokens.is_empty() || tokens.contains(&ta.token.to_string()))
        });
        let mut st = step(
            "collect_protocol_fees",
            Action::Exec {
                who,
                msg: ExecuteMsg::CollectProtocolFees { tokens },
            },
        );
        if !valid || !pending {
            st.must_fail = true;
        } else {
            st.must_succeed = Some(
                "protocol fees are collected whenever a selected token has some pending (a frozen token keeps its share)",
            );
        }
        st
    }

    fn gen_freeze(&mut self) -> Step {
        step("freeze", Action::Freeze(!self.frozen))
    }

    fn gen_add(&mut self) -> Step {
        let who = self.actor();
        let id = self.pool_id();
        let pool = self.pool(id).cloned();
        let reserves: Vec<(Addr, u128, u128)> = match &pool {
            Some(p) => p
                .classes
                .iter()
                .map(|c| {
                    (
                        c.cu_token.clone(),
                        c.resource_reserve.u128().max(1),
                        c.credit_reserve.u128().max(1),
                    )
                })
                .collect(),
            None => vec![(self.s.cu[0].clone(), Q, P)],
        };
        // A fraction of the reserves from 1e-6 to 2, each side jittered half the time.
        let factor = self.rng.log_uniform(2_000_000);
        let mut deposits = vec![];
        for (_, q, p) in &reserves {
            let side = |x: u128, rng: &mut Rng| -> u128 {
                let base = Uint128::new(x)
                    .multiply_ratio(factor, 1_000_000u128)
                    .u128()
                    .max(1);
                if rng.chance(50) {
                    base
                } else {
                    Uint128::new(base)
                        .multiply_ratio(50 + rng.below(151), 100u128)
                        .u128()
                        .max(1)
                }
            };
            let dq = side(*q, &mut self.rng);
            let dp = side(*p, &mut self.rng);
            deposits.push(ClassDeposit {
                resource: Uint128::new(dq),
                credits: Uint128::new(dp),
            });
        }
        match self.rng.below(100) {
            0..=3 => {
                let i = self.rng.below(deposits.len() as u64) as usize;
                if self.rng.chance(50) {
                    deposits[i].resource = Uint128::zero();
                } else {
                    deposits[i].credits = Uint128::zero();
                }
            }
            4..=7 => {
                if self.rng.chance(50) || deposits.len() == 1 {
                    deposits.push(deposits[0].clone());
                } else {
                    deposits.pop();
                }
            }
            8..=10 => {
                let i = self.rng.below(deposits.len() as u64) as usize;
                deposits[i].resource = Uint128::new(u128::MAX / 3);
                deposits[i].credits = Uint128::new(u128::MAX / 3);
            }
            _ => {}
        }
        let mut allowances: Vec<(Addr, u128)> = reserves
            .iter()
            .zip(&deposits)
            .map(|((t, _, _), d)| (t.clone(), d.resource.u128()))
            .collect();
        let credits = deposits
            .iter()
            .fold(0u128, |a, d| a.saturating_add(d.credits.u128()));
        allowances.push((self.s.ai.clone(), credits));
        match self.rng.below(100) {
            0..=79 => {}
            80..=89 => {
                let i = self.rng.below(allowances.len() as u64) as usize;
                allowances[i].1 /= 2;
            }
            _ => allowances.clear(),
        }
        allowances.retain(|(_, a)| *a > 0);
        let min_shares = if self.rng.chance(15) {
            self.rng
                .log_uniform(pool.as_ref().map_or(1, |p| p.total_shares.u128()))
        } else {
            0
        };
        let msg = ExecuteMsg::AddLiquidity {
            pool_id: id,
            deposits,
            min_shares: Uint128::new(min_shares),
            deadline: self.deadline(),
        };
        step(
            "add_liquidity",
            Action::AddLiquidity {
                who,
                allowances,
                msg,
            },
        )
    }

    fn gen_remove(&mut self) -> Step {
        // The seeding LP holds shares of every pool; the others only what they deposited.
        let who = if self.rng.chance(40) {
            self.s.lp.clone()
        } else {
            self.actor()
        };
        let id = self.pool_id();
        let pool = self.pool(id).cloned();
        let owned = self
            .s
            .query::<ShareResponse>(&QueryMsg::Share {
                pool_id: id,
                owner: who.to_string(),
            })
            .map(|r| r.shares.u128())
            .unwrap_or(0);
        let total = pool.as_ref().map_or(0, |p| p.total_shares.u128());
        let shares = match self.rng.below(100) {
            0..=59 if owned > 0 => self.rng.log_uniform(owned),
            0..=74 => owned,
            75..=84 => owned + 1 + u128::from(self.rng.below(1_000)),
            85..=89 => u128::MAX,
            90..=94 => 0,
            _ => self.rng.log_uniform(total),
        };
        let min_credits = if self.rng.chance(15) {
            let p = pool.as_ref().map_or(P, |p| {
                p.classes.iter().map(|c| c.credit_reserve.u128()).sum()
            });
            self.rng.log_uniform(p)
        } else {
            0
        };
        let classes = pool.as_ref().map_or(1, |p| p.classes.len());
        let min_resources = match self.rng.below(100) {
            0..=79 => vec![],
            80..=89 => (0..classes)
                .map(|_| Uint128::new(self.rng.log_uniform(Q)))
                .collect(),
            _ => vec![Uint128::one(); classes + 1],
        };
        let (defer, valid) = self.defer();
        let defers_flaky = defer.contains(&self.flaky.to_string());
        let mut st = step(
            "remove_liquidity",
            Action::Exec {
                who,
                msg: ExecuteMsg::RemoveLiquidity {
                    pool_id: id,
                    shares: Uint128::new(shares),
                    min_credits: Uint128::new(min_credits),
                    min_resources,
                    deadline: self.deadline(),
                    defer,
                },
            },
        );
        st.must_fail = !valid;
        st.defers_flaky = defers_flaky;
        st
    }

    fn random_curvature(&mut self, kind: Option<CurveKind>) -> CurvatureConfig {
        let sound_below = match kind {
            Some(CurveKind::MultiAsset) => 80,
            _ => 199,
        };
        let garbage = self.rng.chance(15);
        let cap = if garbage { 300 } else { sound_below - 1 };
        let lambda = self.rng.below(cap + 1);
        let lambda_max = (lambda + self.rng.below(cap + 1 - lambda)).max(lambda);
        CurvatureConfig {
            lambda: Decimal256::percent(lambda),
            mu: self.rng.fraction(if garbage { 2_000 } else { 200 }),
            // α, β > 0 are refused on chain (`DynamicCurvatureRefused`): garbage only.
            alpha: Decimal256::percent(if garbage { self.rng.below(20_000) } else { 0 }),
            beta: Decimal256::percent(if garbage { self.rng.below(20_000) } else { 0 }),
            lambda_max: Decimal256::percent(lambda_max),
        }
    }

    fn random_fees(&mut self) -> FeeConfig {
        let garbage = self.rng.chance(15);
        let m = if garbage { 1_500 } else { 50 };
        FeeConfig {
            market_fee: self.rng.fraction(m / 5),
            risk_fee: self.rng.fraction(m),
            volatility_fee: self.rng.fraction(m * 3),
            max_fee: self.rng.fraction(if garbage { 1_200 } else { 500 }),
            burn_share: self.rng.fraction(if garbage { 1_200 } else { 500 }),
            treasury_share: self.rng.fraction(if garbage { 1_200 } else { 400 }),
        }
    }

    fn random_update(&mut self, id: u64) -> PoolUpdate {
        let kind = self.pool(id).map(|p| p.kind);
        let mut u = PoolUpdate::default();
        match self.rng.below(4) {
            0 => u.curvature = Some(self.random_curvature(kind)),
            1 => u.fees = Some(self.random_fees()),
            2 => {
                let cap = if self.rng.chance(10) { 400 } else { 32 };
                let steps = self.rng.below(cap) as u32;
                u.execution = Some(*self.rng.pick(&[
                    ExecutionMode::Exact,
                    ExecutionMode::Verlet { steps },
                    ExecutionMode::Ruth4 { steps },
                ]));
            }
            _ => u.max_price_impact = Some(self.rng.fraction(1_200)),
        }
        u
    }

    /// The owner pausing, resuming (preferred while anything is paused) or changing a pool.
    fn gen_owner(&mut self) -> Step {
        let owner = self.s.owner.clone();
        let paused_pool = self.last.pools.iter().find(|p| p.paused).map(|p| p.pool_id);
        let msg = if self.last.config.paused && self.rng.chance(95) {
            ExecuteMsg::SetPaused {
                pool_id: None,
                paused: false,
            }
        } else if paused_pool.is_some() && self.rng.chance(95) {
            ExecuteMsg::SetPaused {
                pool_id: paused_pool,
                paused: false,
            }
        } else if self.rng.chance(15) {
            ExecuteMsg::SetPaused {
                pool_id: if self.rng.chance(20) {
                    None
                } else {
                    Some(self.pool_id())
                },
                paused: self.rng.chance(60),
            }
        } else {
            let pool_id = self.pool_id();
            let update = self.random_update(pool_id);
            // A flow mode with a valid step count on a multi-asset or augmented pool must be refused as such.
            let flow = matches!(
                update.execution,
                Some(ExecutionMode::Verlet { steps } | ExecutionMode::Ruth4 { steps })
                    if (1..=256).contains(&steps)
            );
            let p_curve = self.pool(pool_id).map(|p| p.kind);
            let msg = ExecuteMsg::UpdatePool { pool_id, update };
            if flow && matches!(p_curve, Some(CurveKind::MultiAsset | CurveKind::Augmented)) {
                let mut st = must_fail("owner_flow_mode", Action::Exec { who: owner, msg });
                st.fail_with = Some("UnsupportedExecution");
                return st;
            }
            msg
        };
        step("owner", Action::Exec { who: owner, msg })
    }

    /// Owner actions from anyone else.
    fn gen_unauthorized(&mut self) -> Step {
        let who = self.actor();
        let pool_id = self.pool_id();
        let msg = match self.rng.below(7) {
            0 => ExecuteMsg::SetPaused {
                pool_id: Some(pool_id),
                paused: true,
            },
            1 => ExecuteMsg::SetPaused {
                pool_id: None,
                paused: true,
            },
            2 => ExecuteMsg::UpdatePool {
                pool_id,
                update: self.random_update(pool_id),
            },
            3 => ExecuteMsg::UpdateConfig {
                router: None,
                treasury: Some(who.to_string()),
                permissionless_pools: Some(true),
            },
            4 => ExecuteMsg::UpdateOwnership(cw_ownable::Action::TransferOwnership {
                new_owner: who.to_string(),
                expiry: None,
            }),
            5 => ExecuteMsg::UpdateOwnership(cw_ownable::Action::AcceptOwnership),
            _ => {
                let mut m: CreatePoolMsg = self.s.create_msg(CurveKind::Bilinear, &[0], "0");
                m.classes.push(ClassParams {
                    cu_token: self.s.cu[1].to_string(),
                    weight: Decimal256::one(),
                });
                ExecuteMsg::CreatePool(m)
            }
        };
        must_fail("unauthorized", Action::Exec { who, msg })
    }

    /// A `Receive` sent by an account rather than a token: credits nobody sent.
    fn gen_forged(&mut self) -> Step {
        let who = self.actor();
        let id = self.pool_id();
        let pool = self.pool(id).cloned();
        let (_, offer_ref, ask, _) = self.offer_and_ask(pool.as_ref());
        let hook = match self.rng.below(3) {
            0 => ReceiveMsg::Swap {
                pool_id: id,
                ask,
                exact_out: None,
                min_out: None,
                deadline: None,
                to: None,
            },
            1 => ReceiveMsg::BatchIntent {
                pool_id: *self.rng.pick(&self.batch_pools),
                ask,
                min_out: None,
            },
            _ => ReceiveMsg::Buy {
                fee_discount: None,
                orders: vec![BuyOrder {
                    pool_id: id,
                    lines: vec![BuyLine {
                        cu_token: self.s.cu[0].to_string(),
                        amount: Uint128::new(1_000_000),
                    }],
                }],
                deadline: None,
                to: None,
            },
        };
        let sender = if self.rng.chance(50) {
            who.clone()
        } else {
            self.other_actor(&who)
        };
        let msg = ExecuteMsg::Receive(Cw20ReceiveMsg {
            sender: sender.to_string(),
            amount: Uint128::new(self.amount(offer_ref)),
            msg: to_json_binary(&hook).expect("hook serialises"),
        });
        must_fail("forged_receive", Action::Exec { who, msg })
    }

    /// A real token with a hook that is not one, or the junk token with a real hook.
    fn gen_garbage_send(&mut self) -> Step {
        let who = self.actor();
        if self.rng.chance(50) {
            let token = self.rng.pick(&self.tokens).clone();
            let msg = Binary::from(
                self.rng
                    .pick(&[
                        &b"{}"[..],
                        b"{\"swap\":{}}",
                        b"{\"swap\":{\"pool_id\":-1,\"ask\":\"ai\"}}",
                        b"{\"batch_intent\":{\"pool_id\":1,\"ask\":{\"cu\":{}}}}",
                        b"not json",
                        b"",
                    ])
                    .to_vec(),
            );
            let amount = self.rng.log_uniform(Q);
            must_fail(
                "garbage_hook",
                Action::Send {
                    who,
                    token,
                    amount,
                    hook: None,
                    msg,
                },
            )
        } else {
            let id = self.pool_id();
            let hook = ReceiveMsg::Swap {
                pool_id: id,
                ask: Ask::Ai,
                exact_out: None,
                min_out: None,
                deadline: None,
                to: None,
            };
            let junk = self.junk.clone();
            let amount = self.rng.log_uniform(Q);
            let mut st = self.send("junk_token", who, junk, amount, hook);
            st.must_fail = true;
            st
        }
    }

    fn gen_donate(&mut self) -> Step {
        let who = self.actor();
        let token = if self.rng.chance(20) {
            self.junk.clone()
        } else {
            self.rng.pick(&self.tokens).clone()
        };
        let amount = self.rng.log_uniform(Q);
        step("donate", Action::Donate { who, token, amount })
    }

    fn gen(&mut self) -> Step {
        if self.burst > 0 {
            let id = self.batch_pools[0];
            let now = self.now();
            if self
                .batch(id)
                .and_then(|b| b.window_end)
                .is_some_and(|w| now >= w)
            {
                // The batch's window closed: settle it first, so that the burst fills the next one (deferring the
                // flaky token when the settlement may).
                let who = self.actor();
                let defer_ok = self
                    .batch(id)
                    .and_then(|b| b.window_end)
                    .is_some_and(|w| now >= w + DEFER_AFTER);
                let defer = if defer_ok {
                    vec![self.flaky.to_string()]
                } else {
                    vec![]
                };
                let mut st = step(
                    "settle",
                    Action::Exec {
                        who,
                        msg: ExecuteMsg::SettleBatch { pool_id: id, defer },
                    },
                );
                st.defers_flaky = defer_ok;
                st.must_succeed = Some("a batch whose window closed must settle");
                return st;
            }
            return self.gen_intent();
        }
        // The flaky token is frozen for about 25 steps at a time, about a fifth of the time.
        if self.frozen && self.rng.chance(4) {
            return self.gen_freeze();
        }
        match self.rng.below(1000) {
            0..=189 => self.gen_swap(false),
            190..=269 => self.gen_swap(true),
            270..=329 => self.gen_bundle(),
            330..=419 => self.gen_intent(),
            420..=424 => {
                // A burst of intents into the batch pool (per-trader limit, full batches, eviction).
                self.burst = 40 + self.rng.below(80) as u32;
                self.gen_intent()
            }
            425..=464 => self.gen_settle(false),
            465..=494 => self.gen_settle(true),
            495..=529 => self.gen_cancel(),
            530..=589 => self.gen_add(),
            590..=649 => self.gen_remove(),
            650..=689 => self.gen_claim_fees(),
            690..=719 => self.gen_claim_owed(),
            720..=749 => self.gen_collect(),
            750..=759 if !self.frozen => self.gen_freeze(),
            750..=769 => self.gen_swap(false),
            770..=859 => {
                let secs = match self.rng.below(100) {
                    0..=29 => 60,
                    30..=44 => BATCH_GRACE + self.rng.below(2 * BATCH_GRACE),
                    _ => self.rng.log_uniform(7_200) as u64,
                };
                step("wait", Action::Wait(secs))
            }
            860..=889 => self.gen_owner(),
            890..=919 => self.gen_unauthorized(),
            920..=944 => self.gen_forged(),
            945..=974 => self.gen_garbage_send(),
            _ => self.gen_donate(),
        }
    }

    // ---- execution and checks ----

    fn execute(&mut self, action: &Action) -> Result<AppResponse> {
        let pool = self.s.pool.clone();
        match action {
            Action::Send {
                who,
                token,
                amount,
                msg,
                ..
            } => self.s.app.execute_contract(
                who.clone(),
                token.clone(),
                &Cw20ExecuteMsg::Send {
                    contract: pool.to_string(),
                    amount: Uint128::new(*amount),
                    msg: msg.clone(),
                },
                &[],
            ),
            Action::Exec { who, msg } => self.s.execute(who, msg),
            Action::AddLiquidity {
                who,
                allowances,
                msg,
            } => {
                for (token, amount) in allowances {
                    self.s.app.execute_contract(
                        who.clone(),
                        token.clone(),
                        &Cw20ExecuteMsg::IncreaseAllowance {
                            spender: pool.to_string(),
                            amount: Uint128::new(*amount),
                            expires: None,
                        },
                        &[],
                    )?;
                }
                let result = self.s.execute(who, msg);
                for (token, _) in allowances {
                    // Withdraw whatever the deposit left; refused when it used it all (nothing left to withdraw).
                    let _ = self.s.app.execute_contract(
                        who.clone(),
                        token.clone(),
                        &Cw20ExecuteMsg::DecreaseAllowance {
                            spender: pool.to_string(),
                            amount: Uint128::MAX,
                            expires: None,
                        },
                        &[],
                    );
                }
                result
            }
            Action::Donate { who, token, amount } => self.s.app.execute_contract(
                who.clone(),
                token.clone(),
                &Cw20ExecuteMsg::Transfer {
                    recipient: pool.to_string(),
                    amount: Uint128::new(*amount),
                },
                &[],
            ),
            Action::Wait(secs) => {
                self.s.wait(*secs);
                Ok(AppResponse::default())
            }
            Action::Freeze(freeze) => {
                let flaky = self.flaky.clone();
                self.s.freeze(&flaky, *freeze);
                self.frozen = *freeze;
                Ok(AppResponse::default())
            }
        }
    }

    fn observe(&self) -> Result<Obs, String> {
        let pools: PoolsResponse = self
            .s
            .query(&QueryMsg::Pools {
                start_after: None,
                limit: Some(30),
            })
            .map_err(|e| format!("Pools query failed: {e:#}"))?;
        let config: ConfigResponse = self
            .s
            .query(&QueryMsg::Config {})
            .map_err(|e| format!("Config query failed: {e:#}"))?;
        let mut batches = Vec::with_capacity(self.batch_pools.len());
        for id in &self.batch_pools {
            let b: BatchResponse = self
                .s
                .query(&QueryMsg::Batch { pool_id: *id })
                .map_err(|e| format!("Batch query failed: {e:#}"))?;
            batches.push((*id, b));
        }
        let mut owed = Vec::with_capacity(self.actors.len());
        for a in &self.actors {
            let o: OwedResponse = self
                .s
                .query(&QueryMsg::Owed {
                    address: a.to_string(),
                })
                .map_err(|e| format!("Owed query failed: {e:#}"))?;
            owed.push(o);
        }
        Ok(Obs {
            pools: pools.pools,
            config,
            batches,
            owed,
        })
    }

    /// Everything the pool must hold, per token (index into `tokens`).
    fn owed(&self, obs: &Obs, deep: bool) -> Result<Vec<u128>, String> {
        let index = |t: &Addr| self.tokens.iter().position(|x| x == t);
        let mut owed = vec![0u128; self.tokens.len()];
        let add = |owed: &mut Vec<u128>, t: &Addr, a: Uint128, what: &str| -> Result<(), String> {
            let i = index(t).ok_or_else(|| format!("{what} in unknown token {t}"))?;
            owed[i] = owed[i]
                .checked_add(a.u128())
                .ok_or_else(|| format!("{what}: the sum overflows"))?;
            Ok(())
        };
        for p in &obs.pools {
            for c in &p.classes {
                add(&mut owed, &self.s.ai, c.credit_reserve, "credit reserve")?;
                add(
                    &mut owed,
                    &c.cu_token,
                    c.resource_reserve,
                    "resource reserve",
                )?;
            }
        }
        for ta in obs
            .config
            .pending_treasury
            .iter()
            .chain(&obs.config.pending_burn)
        {
            add(&mut owed, &ta.token, ta.amount, "protocol fee")?;
        }
        for (_, b) in &obs.batches {
            for i in &b.intents {
                add(&mut owed, &i.offer_token, i.offer_amount, "escrowed intent")?;
            }
        }
        for o in &obs.owed {
            for ta in &o.owed {
                add(&mut owed, &ta.token, ta.amount, "owed ledger")?;
            }
        }
        if deep {
            for p in &obs.pools {
                let mut shares = 0u128;
                for a in &self.actors {
                    let r: ShareResponse = self
                        .s
                        .query(&QueryMsg::Share {
                            pool_id: p.pool_id,
                            owner: a.to_string(),
                        })
                        .map_err(|e| format!("Share query failed: {e:#}"))?;
                    shares += r.shares.u128();
                    add(&mut owed, &self.s.ai, r.pending_fee_credits, "LP fees")?;
                    for (c, f) in p.classes.iter().zip(&r.pending_fee_resources) {
                        add(&mut owed, &c.cu_token, *f, "LP fees")?;
                    }
                }
                let locked = if p.total_shares.is_zero() {
                    0
                } else {
                    MINIMUM_LIQUIDITY
                };
                if shares + locked != p.total_shares.u128() {
                    return Err(format!(
                        "pool {}: positions hold {shares} shares + {locked} locked, total_shares is {}",
                        p.pool_id, p.total_shares
                    ));
                }
            }
        }
        Ok(owed)
    }

    /// The checks after a step; `Err` describes the violation.
    fn check(&mut self, stats: &mut Stats, burned: &[u128], deep: bool) -> Result<(), String> {
        let obs = self.observe()?;
        let owed = self.owed(&obs, deep)?;
        for (i, t) in self.tokens.iter().enumerate() {
            let held = self.s.balance(t, &self.s.pool);
            if held < owed[i] {
                return Err(format!(
                    "conservation: the pool holds {held} of {} but owes {} (reserves + protocol fees + escrow{}), short by {}",
                    self.readable(t.as_str()),
                    owed[i],
                    if deep { " + LP fees" } else { "" },
                    owed[i] - held
                ));
            }
            self.supply[i] = self.supply[i]
                .checked_sub(burned[i])
                .ok_or("burned more than the supply")?;
            let supply = self.s.supply(t);
            if supply != self.supply[i] {
                return Err(format!(
                    "supply of {} is {supply}, expected {} (initial minus burns)",
                    self.readable(t.as_str()),
                    self.supply[i]
                ));
            }
        }
        for (id, b) in &obs.batches {
            for a in &self.actors {
                let held = b.intents.iter().filter(|i| i.trader == *a).count();
                if held > MAX_INTENTS_PER_TRADER as usize {
                    return Err(format!(
                        "batch of pool {id}: {} holds {held} intents, at most {MAX_INTENTS_PER_TRADER}",
                        self.readable(a.as_str())
                    ));
                }
            }
            if b.intents.len() > 50 {
                return Err(format!(
                    "batch of pool {id} holds {} intents",
                    b.intents.len()
                ));
            }
        }
        for now in &obs.pools {
            let Some(before) = self.last.pools.iter().find(|p| p.pool_id == now.pool_id) else {
                continue;
            };
            if before.lambda_now != now.lambda_now && before.curvature == now.curvature {
                return Err(format!(
                    "pool {}: λ moved {} -> {} with no curvature update",
                    now.pool_id, before.lambda_now, now.lambda_now
                ));
            }
            if before.curvature != now.curvature || before.total_shares != now.total_shares {
                stats.invariant_skipped += 1;
                continue;
            }
            stats.invariant_checked += 1;
            if now.invariant < before.invariant {
                return Err(format!(
                    "pool {} ({:?}): invariant fell {} -> {} with λ {} and shares {} unchanged\n  before: {:?}\n  after:  {:?}",
                    now.pool_id,
                    now.kind,
                    before.invariant,
                    now.invariant,
                    now.lambda_now,
                    now.total_shares,
                    before.classes,
                    now.classes
                ));
            }
        }
        self.last = obs;
        Ok(())
    }

    /// Burns per token from a `CollectProtocolFees` response (`collected = token:treasury:burn`), less those of
    /// tokens whose payment failed (`collect_failed`: the frozen flaky token refuses its transfer and its burn, and
    /// the ledger keeps both).
    fn burns(&self, res: &AppResponse) -> Vec<u128> {
        let mut burned = vec![0u128; self.tokens.len()];
        let failed: Vec<&str> = res
            .events
            .iter()
            .filter(|e| {
                e.attributes
                    .iter()
                    .any(|a| a.key == "action" && a.value == "collect_failed")
            })
            .flat_map(|e| e.attributes.iter())
            .filter(|a| a.key == "token")
            .map(|a| a.value.as_str())
            .collect();
        for a in res.events.iter().flat_map(|e| e.attributes.iter()) {
            if a.key != "collected" {
                continue;
            }
            let mut parts = a.value.rsplitn(3, ':');
            let burn = parts.next().and_then(|b| b.parse::<u128>().ok());
            let _treasury = parts.next();
            let token = parts.next();
            if let (Some(burn), Some(token)) = (burn, token) {
                if failed.contains(&token) {
                    continue;
                }
                if let Some(i) = self.tokens.iter().position(|t| t.as_str() == token) {
                    burned[i] += burn;
                }
            }
        }
        burned
    }
}

fn describe(action: &Action) -> String {
    match action {
        Action::Send {
            who,
            token,
            amount,
            hook: Some(hook),
            ..
        } => format!("{who} sends {amount} {token} with {hook:?}"),
        Action::Send {
            who,
            token,
            amount,
            msg,
            ..
        } => format!(
            "{who} sends {amount} {token} with the raw hook {:?}",
            String::from_utf8_lossy(msg.as_slice())
        ),
        Action::Exec { who, msg } => format!("{who} executes {msg:?}"),
        Action::AddLiquidity {
            who,
            allowances,
            msg,
        } => format!("{who} allows {allowances:?}, executes {msg:?}"),
        Action::Donate { who, token, amount } => {
            format!("{who} transfers {amount} {token} to the pool")
        }
        Action::Wait(secs) => format!("wait {secs} s"),
        Action::Freeze(true) => "the minter freezes the flaky token".to_string(),
        Action::Freeze(false) => "the minter thaws the flaky token".to_string(),
    }
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn fail(seed: u64, f: &Fuzz, n: u64, what: &str, desc: &str) -> ! {
    panic!(
        "pool fuzz FAILED at seed {seed}, step {n}\n  step: {}\n  {}\n  replay: POOL_FUZZ_SEED={seed} POOL_FUZZ_STEPS={} POOL_FUZZ_TRACE=1 cargo test -p integration-tests --test pool_fuzz -- --nocapture",
        f.readable(desc),
        f.readable(what),
        n + 1
    )
}

/// The pool a settlement or refund named, if the step is one.
fn clears_batch(action: &Action) -> Option<u64> {
    match action {
        Action::Exec {
            msg: ExecuteMsg::SettleBatch { pool_id, .. } | ExecuteMsg::RefundBatch { pool_id, .. },
            ..
        } => Some(*pool_id),
        _ => None,
    }
}

/// One run: setup, then `steps` random steps, each checked. Panics naming the seed and step on a violation.
fn run(seed: u64, steps: u64, trace: bool, stats: &mut Stats) {
    let mut f = Fuzz::new(seed);
    for n in 0..steps {
        let st = f.gen();
        let frozen = f.frozen;
        if frozen {
            stats.frozen_steps += 1;
        }
        let desc = format!(
            "#{n} {}{}{}{}: {}",
            st.kind,
            if st.must_fail { " (must fail)" } else { "" },
            if st.must_succeed.is_some() {
                " (must succeed)"
            } else {
                ""
            },
            if frozen { " [flaky frozen]" } else { "" },
            describe(&st.action)
        );
        let batch_before = clears_batch(&st.action).and_then(|id| f.batch(id).cloned());
        let outcome = catch_unwind(AssertUnwindSafe(|| f.execute(&st.action)));
        let mut burned = vec![0u128; f.tokens.len()];
        stats.steps += 1;
        let result_text;
        let mut accepted = false;
        match outcome {
            Err(panic) => {
                let msg = panic
                    .downcast_ref::<String>()
                    .cloned()
                    .or_else(|| panic.downcast_ref::<&str>().map(|s| s.to_string()))
                    .unwrap_or_default();
                fail(seed, &f, n, &format!("PANIC: {msg}"), &desc);
            }
            Ok(Ok(res)) => {
                if st.must_fail || st.fail_with.is_some() {
                    fail(
                        seed,
                        &f,
                        n,
                        "accepted a message that must be refused",
                        &desc,
                    );
                }
                accepted = true;
                stats.accepted += 1;
                *stats.accepted_by_kind.entry(st.kind).or_default() += 1;
                if st.must_succeed.is_some() {
                    *stats.liveness.entry(st.kind).or_default() += 1;
                }
                if frozen && st.defers_flaky {
                    *stats.deferred_frozen.entry(st.kind).or_default() += 1;
                }
                stats.evictions += res
                    .events
                    .iter()
                    .flat_map(|e| e.attributes.iter())
                    .filter(|a| a.key == "evicted")
                    .count() as u64;
                if let Action::Exec {
                    msg: ExecuteMsg::CollectProtocolFees { .. },
                    ..
                } = st.action
                {
                    burned = f.burns(&res);
                }
                if let Action::Send {
                    hook: Some(ReceiveMsg::Swap { pool_id, .. }),
                    ..
                } = &st.action
                {
                    if f.pool(*pool_id).is_some_and(|p| {
                        matches!(
                            p.execution,
                            ExecutionMode::Verlet { .. } | ExecutionMode::Ruth4 { .. }
                        )
                    }) {
                        stats.flow_swaps += 1;
                    }
                }
                result_text = "ok".to_string();
            }
            Ok(Err(e)) => {
                let Some(kind) = classify(&e, &f.flaky) else {
                    fail(seed, &f, n, &format!("untyped refusal: {e:?}"), &desc)
                };
                if kind == FROZEN && !frozen {
                    fail(
                        seed,
                        &f,
                        n,
                        &format!("the flaky token refused while thawed: {e:?}"),
                        &desc,
                    );
                }
                let excused = kind == FROZEN && !st.defers_flaky;
                if kind == FROZEN && st.defers_flaky {
                    fail(
                        seed,
                        &f,
                        n,
                        &format!(
                            "LIVENESS: refused because of the frozen flaky token although the message defers it: {}",
                            e.root_cause()
                        ),
                        &desc,
                    );
                }
                if let Some(why) = st.must_succeed {
                    if !excused {
                        fail(
                            seed,
                            &f,
                            n,
                            &format!(
                                "LIVENESS: {why}, but it was refused ({kind}: {}){}",
                                e.root_cause(),
                                batch_before
                                    .as_ref()
                                    .map(|b| format!("; the batch: {:?}", b.intents))
                                    .unwrap_or_default()
                            ),
                            &desc,
                        );
                    }
                }
                if let Some(want) = st.fail_with {
                    if kind != want {
                        fail(
                            seed,
                            &f,
                            n,
                            &format!("refused with {kind} ({}), expected {want}", e.root_cause()),
                            &desc,
                        );
                    }
                }
                *stats.refused.entry(kind.clone()).or_default() += 1;
                result_text = format!("refused: {kind}: {}", e.root_cause());
            }
        }
        if trace {
            println!("{} -> {}", f.readable(&desc), f.readable(&result_text));
        }
        let deep = n % 64 == 63 || n + 1 == steps;
        if deep {
            stats.deep_checks += 1;
        }
        let intent_floor = if accepted {
            f.intent_floor(&st.action)
        } else {
            None
        };
        let checked = catch_unwind(AssertUnwindSafe(|| f.check(stats, &burned, deep)));
        match checked {
            Ok(Ok(())) => {}
            Ok(Err(what)) => fail(seed, &f, n, &what, &desc),
            Err(_) => fail(seed, &f, n, "PANIC in the checks (a query)", &desc),
        }
        if let Some((amount, floor)) = intent_floor {
            if amount < floor {
                fail(
                    seed,
                    &f,
                    n,
                    &format!("accepted an intent of {amount} atoms, below the minimum {floor} (a millionth of the reserve it trades into)"),
                    &desc,
                );
            }
        }
        if accepted {
            let still_there = match &st.action {
                Action::Exec {
                    who,
                    msg: ExecuteMsg::ClaimOwed { token },
                } => f
                    .owed_of(who)
                    .is_some_and(|o| o.iter().any(|t| t.token.as_str() == token))
                    .then_some("the owed ledger still holds the claimed token"),
                Action::Exec {
                    msg: ExecuteMsg::CancelIntent { pool_id, intent },
                    ..
                } => f
                    .batch(*pool_id)
                    .is_some_and(|b| b.intents.iter().any(|i| i.intent == *intent))
                    .then_some("the cancelled intent is still waiting"),
                _ => None,
            };
            if let Some(what) = still_there {
                fail(seed, &f, n, what, &desc);
            }
            if let Some(id) = clears_batch(&st.action) {
                if let Some(b) = f.batch(id) {
                    if !b.intents.is_empty() || b.window_end.is_some() {
                        fail(
                            seed,
                            &f,
                            n,
                            &format!(
                                "the batch is not empty after its settlement or refund: {b:?}"
                            ),
                            &desc,
                        );
                    }
                }
            }
        }
    }
}

#[test]
fn pool_message_fuzz() {
    let steps = env_u64("POOL_FUZZ_STEPS", 2_000);
    let run_steps = env_u64("POOL_FUZZ_RUN_STEPS", 500).max(1);
    let seed = env_u64("POOL_FUZZ_SEED", 1);
    let trace = std::env::var("POOL_FUZZ_TRACE").is_ok_and(|v| v != "0");
    let start = Instant::now();
    let mut stats = Stats::default();
    let mut done = 0;
    let mut r = 0;
    while done < steps {
        let n = run_steps.min(steps - done);
        run(seed.wrapping_add(r), n, trace, &mut stats);
        done += n;
        r += 1;
    }
    let refused: u64 = stats.refused.values().sum();
    fn list<K: std::fmt::Display>(m: &BTreeMap<K, u64>) -> String {
        m.iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join(", ")
    }
    println!(
        "pool fuzz: {} steps, {} accepted, {refused} refused ({}), {:.1} seconds",
        stats.steps,
        stats.accepted,
        list(&stats.refused),
        start.elapsed().as_secs_f64()
    );
    println!(
        "pool fuzz: {r} runs from seed {seed}; accepted by kind ({}); liveness-required and accepted ({}); {} swaps accepted on flow-mode pools; {} steps with the flaky token frozen, accepted while deferring it ({}); {} intents evicted; invariant checked {} pool-steps, skipped {} (λ, curvature or shares changed); {} deep checks",
        list(&stats.accepted_by_kind),
        list(&stats.liveness),
        stats.flow_swaps,
        stats.frozen_steps,
        list(&stats.deferred_frozen),
        stats.evictions,
        stats.invariant_checked,
        stats.invariant_skipped,
        stats.deep_checks,
    );
}

/// Regression (found by `pool_message_fuzz`, seed 1, step 134, against the previous contract): one atom of $AI as a
/// batch intent on one class made the whole batch unsettleable (its class's clearing rounded to nothing and failed
/// the settlement), locking every other intent's escrow. Now such an intent is refused up front
/// (`IntentTooSmall`), and the honest intent settles.
#[test]
fn dust_intent_is_refused_and_the_batch_settles() {
    let mut s = Suite::new(2);
    let mut msg = s.create_msg(CurveKind::TargetReserve, &[0, 1], "0.5");
    msg.batch_window = Some(60);
    let id = s.create_pool(msg).unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(Q, P), (Q, P)], 0).unwrap();
    let (trader, attacker, ai) = (s.trader.clone(), s.attacker.clone(), s.ai.clone());
    let intent = |cu: &Addr| ReceiveMsg::BatchIntent {
        pool_id: id,
        ask: Ask::Cu {
            token: cu.to_string(),
        },
        min_out: None,
    };
    let (cu0, cu1) = (s.cu[0].clone(), s.cu[1].clone());
    s.send(&trader, &ai, 1_000 * AI, &intent(&cu0)).unwrap();
    let dust = s.send(&attacker, &ai, 1, &intent(&cu1)).unwrap_err();
    assert!(
        matches!(
            dust.downcast_ref::<ContractError>(),
            Some(ContractError::IntentTooSmall { .. })
        ),
        "dust intent: {dust:?}"
    );
    let cu_before = s.balance(&cu0, &trader);
    s.wait(60);
    s.execute(
        &trader,
        &ExecuteMsg::SettleBatch {
            pool_id: id,
            defer: vec![],
        },
    )
    .expect("the closed batch settles");
    assert!(s.balance(&cu0, &trader) > cu_before, "the trader is filled");
    let b: BatchResponse = s.query(&QueryMsg::Batch { pool_id: id }).unwrap();
    assert!(b.intents.is_empty() && b.window_end.is_none(), "{b:?}");
}

/// Regression (found by `pool_message_fuzz`, seed 1, step 89, against the previous contract): a sell intent waits,
/// the LP withdraws everything (the pool keeps what the locked `MINIMUM_LIQUIDITY` shares own), and the class's
/// clearing cannot trade. The settlement used to fail as a whole, leaving the seller's CU escrowed; now the class
/// is refunded and the settlement succeeds.
#[test]
fn drained_pool_refunds_the_class_and_the_batch_settles() {
    let mut s = Suite::new(1);
    let mut msg = s.create_msg(CurveKind::TargetReserve, &[0], "0.5");
    msg.batch_window = Some(60);
    let id = s.create_pool(msg).unwrap();
    let lp = s.lp.clone();
    s.add_liquidity(&lp, id, &[(Q, P)], 0).unwrap();
    let (trader, cu, ai) = (s.trader.clone(), s.cu[0].clone(), s.ai.clone());
    let sell = ReceiveMsg::BatchIntent {
        pool_id: id,
        ask: Ask::Ai,
        min_out: None,
    };
    let (cu_before, ai_before) = (s.balance(&cu, &trader), s.balance(&ai, &trader));
    s.send(&trader, &cu, 2_203_548, &sell).unwrap();
    let shares = s
        .query::<ShareResponse>(&QueryMsg::Share {
            pool_id: id,
            owner: lp.to_string(),
        })
        .unwrap()
        .shares;
    s.execute(
        &lp,
        &ExecuteMsg::RemoveLiquidity {
            pool_id: id,
            shares,
            min_credits: Uint128::zero(),
            min_resources: vec![],
            deadline: None,
            defer: vec![],
        },
    )
    .unwrap();
    s.wait(60);
    let res = s
        .execute(
            &trader,
            &ExecuteMsg::SettleBatch {
                pool_id: id,
                defer: vec![],
            },
        )
        .expect("the closed batch settles");
    let refunded = res
        .events
        .iter()
        .flat_map(|e| e.attributes.iter())
        .any(|a| a.key == "refunded_class");
    assert!(refunded, "the drained class is refunded: {:?}", res.events);
    assert_eq!(
        s.balance(&cu, &trader),
        cu_before,
        "the seller's CU is back"
    );
    assert_eq!(s.balance(&ai, &trader), ai_before);
    let b: BatchResponse = s.query(&QueryMsg::Batch { pool_id: id }).unwrap();
    assert!(b.intents.is_empty() && b.window_end.is_none(), "{b:?}");
}
