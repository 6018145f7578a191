//! Property test over random job schedules: clients submit (some over budget), workers take (some not eligible),
//! start, vanish, get attested, verified or disputed, poai settles (success with random usage, or failure),
//! clients cancel (returning CU or selling them back), time passes, anyone claims timeouts, the pool burns its
//! fee share. After every step:
//! - every token's total supply equals the sum of all balances (clients, workers, LP, pool, registry, treasury,
//!   poai, admin), and supply + everything burned (settlements, pool fee burns) equals the initial supply;
//! - the registry holds exactly what its open jobs hold ($AI escrow and locked CU), per token, and closed jobs
//!   hold nothing.
//!
//! At the end everything still open is timed out once its deadline passed: every claim succeeds and the registry
//! is left empty, so no $AI or CU can be stuck in escrow forever.
//!
//! Cases: 1000 by default (each builds a fresh chain with four tokens, three pools, the registry and poai, then runs
//! up to 31 steps with full balance checks after each); set `PROPTEST_CASES` to change it.

use std::collections::BTreeMap;

use cosmwasm_std::{Addr, Uint128};
use cw_multi_test::Executor;
use hmm::job::{CuAmount, JobState, RefundMode, SettlementOutcome, Verdict};
use proptest::prelude::*;

use hmm_testing::registry::{Suite, SuiteBuilder, CLASSES, GRACE};
use hmm_testing::Chain;

/// Which job an operation is about: with `aim`, the `index`-th job among those in a state where the operation
/// can succeed (if any); otherwise any job id (possibly refused, possibly unknown).
#[derive(Debug, Clone, Copy)]
struct Target {
    index: usize,
    aim: bool,
}

#[derive(Debug, Clone)]
enum Op {
    /// `lines`: CU atoms per class (0 = class not in the job); budget and amount sent as % of the route cost.
    Submit {
        client: usize,
        lines: [u64; CLASSES],
        budget_pct: u64,
        sent_pct: u64,
    },
    Take {
        job: Target,
        worker: usize,
    },
    Start {
        job: Target,
        honest: bool,
    },
    Attest {
        job: Target,
    },
    Verdict {
        job: Target,
        disputed: bool,
    },
    SettleSuccess {
        job: Target,
        used_pct: [u8; CLASSES],
    },
    SettleFailure {
        job: Target,
    },
    Cancel {
        job: Target,
        sell: bool,
        honest: bool,
    },
    Timeout {
        job: Target,
    },
    Wait {
        secs: u64,
    },
    Eligible(bool),
    CollectPoolFees,
}

fn op() -> impl Strategy<Value = Op> {
    let job =
        (0usize..6, prop::bool::weighted(0.85)).prop_map(|(index, aim)| Target { index, aim });
    prop_oneof![
        4 => (0usize..3, prop::array::uniform3(prop_oneof![1 => Just(0u64), 3 => 1u64..5_000_000_000]), 80u64..130, 90u64..140)
            .prop_map(|(client, lines, budget_pct, sent_pct)| Op::Submit { client, lines, budget_pct, sent_pct }),
        3 => (job.clone(), 0usize..3).prop_map(|(job, worker)| Op::Take { job, worker }),
        2 => (job.clone(), prop::bool::weighted(0.8)).prop_map(|(job, honest)| Op::Start { job, honest }),
        3 => job.clone().prop_map(|job| Op::Attest { job }),
        2 => (job.clone(), any::<bool>()).prop_map(|(job, disputed)| Op::Verdict { job, disputed }),
        3 => (job.clone(), prop::array::uniform3(0u8..=100)).prop_map(|(job, used_pct)| Op::SettleSuccess { job, used_pct }),
        1 => job.clone().prop_map(|job| Op::SettleFailure { job }),
        2 => (job.clone(), any::<bool>(), prop::bool::weighted(0.8)).prop_map(|(job, sell, honest)| Op::Cancel { job, sell, honest }),
        2 => job.clone().prop_map(|job| Op::Timeout { job }),
        3 => prop_oneof![4 => 0u64..900, 1 => 3_000u64..12_000].prop_map(|secs| Op::Wait { secs }),
        1 => prop::bool::weighted(0.75).prop_map(Op::Eligible),
        1 => Just(Op::CollectPoolFees),
    ]
}

struct Model {
    initial: BTreeMap<Addr, u128>,
    burned: BTreeMap<Addr, u128>,
    jobs: u64,
}

fn pick(s: &Suite, m: &Model, t: Target, states: &[JobState]) -> u64 {
    if t.aim {
        let ids: Vec<u64> = s
            .all_jobs()
            .iter()
            .filter(|j| states.contains(&j.state))
            .map(|j| j.job_id)
            .collect();
        if !ids.is_empty() {
            return ids[t.index % ids.len()];
        }
    }
    (t.index as u64 % m.jobs.max(1)) + 1
}

const ASSIGNED: [JobState; 2] = [JobState::Assigned, JobState::Running];
const ATTESTED: [JobState; 3] = [JobState::Attested, JobState::Verified, JobState::Disputed];
const LIVE: [JobState; 6] = [
    JobState::Open,
    JobState::Assigned,
    JobState::Running,
    JobState::Attested,
    JobState::Verified,
    JobState::Disputed,
];

fn run(s: &mut Suite, m: &mut Model, op: &Op) {
    let anyone = s.attacker.clone();
    match op.clone() {
        Op::Submit {
            client,
            lines,
            budget_pct,
            sent_pct,
        } => {
            let items: Vec<(usize, u128)> = lines
                .iter()
                .enumerate()
                .filter(|(_, a)| **a > 0)
                .map(|(c, a)| (c, u128::from(*a)))
                .collect();
            if items.is_empty() {
                return;
            }
            let probe = s.spec(&items, 1);
            let Ok(cost) = s.route_cost(&probe) else {
                return;
            };
            let budget = (cost * u128::from(budget_pct) / 100).max(1);
            let sent = (budget * u128::from(sent_pct) / 100).max(1);
            let spec = s.spec(&items, budget);
            let who = s.clients[client].clone();
            let ok = s.submit(&who, sent, &spec).is_ok();
            // It succeeds exactly when the budget and the amount sent both cover the cost.
            assert_eq!(
                ok,
                cost <= budget && cost <= sent,
                "submit cost {cost} budget {budget} sent {sent}"
            );
            if ok {
                m.jobs += 1;
            }
        }
        Op::Take { job, worker } => {
            let w = s.workers[worker].clone();
            let _ = s.take(&w, pick(s, m, job, &[JobState::Open]));
        }
        Op::Start { job, honest } => {
            let id = pick(s, m, job, &[JobState::Assigned]);
            let who =
                match s.query::<hmm::job::JobResponse>(&hmm::job::QueryMsg::Job { job_id: id }) {
                    Ok(j) if honest => j.worker.unwrap_or_else(|| anyone.clone()),
                    _ => anyone.clone(),
                };
            let _ = s.start(&who, id);
        }
        Op::Attest { job } => {
            let _ = s.attest(pick(s, m, job, &ASSIGNED));
        }
        Op::Verdict { job, disputed } => {
            let v = if disputed {
                Verdict::Disputed
            } else {
                Verdict::Verified
            };
            let _ = s.verdict(pick(s, m, job, &ATTESTED), v);
        }
        Op::SettleSuccess { job, used_pct } => {
            let id = pick(s, m, job, &ATTESTED);
            let Ok(j) = s.query::<hmm::job::JobResponse>(&hmm::job::QueryMsg::Job { job_id: id })
            else {
                return;
            };
            let used: Vec<CuAmount> =
                j.cu.iter()
                    .zip(used_pct)
                    .map(|(c, pct)| CuAmount {
                        token: c.token.clone(),
                        amount: c.amount.multiply_ratio(u128::from(pct), 100u128),
                    })
                    .collect();
            if s.settle(id, SettlementOutcome::Success { used: used.clone() })
                .is_ok()
            {
                for u in used {
                    *m.burned.entry(Addr::unchecked(u.token)).or_default() += u.amount.u128();
                }
            }
        }
        Op::SettleFailure { job } => {
            let _ = s.settle(
                pick(s, m, job, &LIVE[1..]),
                SettlementOutcome::Failure {
                    reason: "failed".into(),
                },
            );
        }
        Op::Cancel { job, sell, honest } => {
            let id = pick(s, m, job, &[JobState::Open]);
            let who =
                match s.query::<hmm::job::JobResponse>(&hmm::job::QueryMsg::Job { job_id: id }) {
                    Ok(j) if honest => j.client,
                    _ => anyone.clone(),
                };
            let refund = if sell {
                RefundMode::SellToPool { min_out: vec![] }
            } else {
                RefundMode::ReturnCu
            };
            let _ = s.cancel(&who, id, refund);
        }
        Op::Timeout { job } => {
            let now = s.now();
            let due: Vec<u64> = s
                .all_jobs()
                .iter()
                .filter(|j| j.timeout_at.is_some_and(|t| t < now))
                .map(|j| j.job_id)
                .collect();
            let id = match job.aim && !due.is_empty() {
                true => due[job.index % due.len()],
                false => pick(s, m, job, &LIVE),
            };
            let _ = s.claim_timeout(&anyone, id);
        }
        Op::Wait { secs } => s.wait(secs),
        Op::Eligible(e) => s.set_eligible(e),
        Op::CollectPoolFees => {
            let cfg: hmm::pool::ConfigResponse = s
                .app
                .wrap()
                .query_wasm_smart(&s.pool, &hmm::pool::QueryMsg::Config {})
                .expect("pool config");
            let admin = s.admin.clone();
            let pool = s.pool.clone();
            if s.app
                .execute_contract(
                    admin,
                    pool,
                    &hmm::pool::ExecuteMsg::CollectProtocolFees { tokens: vec![] },
                    &[],
                )
                .is_ok()
            {
                for t in cfg.pending_burn {
                    *m.burned.entry(t.token).or_default() += t.amount.u128();
                }
            }
        }
    }
}

fn check(s: &Suite, m: &Model) {
    for t in s.tokens() {
        let supply = s.supply(&t);
        assert_eq!(
            supply,
            s.known_balances(&t),
            "supply of {t} = sum of balances"
        );
        assert_eq!(
            supply + m.burned.get(&t).copied().unwrap_or(0),
            m.initial[&t],
            "supply of {t} + burned = initial"
        );
    }
    // The registry holds exactly what its open jobs hold.
    let jobs = s.all_jobs();
    let total = s.total_escrow();
    let mut ai = 0u128;
    let mut cu: BTreeMap<String, u128> = BTreeMap::new();
    let mut open = 0u64;
    for j in &jobs {
        if j.state.is_final() {
            assert_eq!(
                j.escrow,
                Uint128::zero(),
                "closed job {} holds $AI",
                j.job_id
            );
            assert_eq!(j.timeout_at, None);
        } else {
            open += 1;
            ai += j.escrow.u128();
            for c in &j.cu {
                *cu.entry(c.token.clone()).or_default() += c.amount.u128();
            }
            assert!(
                j.timeout_at.is_some(),
                "every open state has a timeout exit"
            );
        }
    }
    assert_eq!(total.open_jobs, open);
    assert_eq!(total.ai.u128(), ai);
    assert_eq!(
        s.balance(&s.ai, &s.registry),
        ai,
        "registry $AI = escrow of open jobs"
    );
    let totals: BTreeMap<String, u128> = total
        .cu
        .iter()
        .map(|c| (c.token.clone(), c.amount.u128()))
        .collect();
    cu.retain(|_, v| *v > 0);
    assert_eq!(totals, cu);
    for t in &s.cu {
        assert_eq!(
            s.balance(t, &s.registry),
            cu.get(t.as_str()).copied().unwrap_or(0),
            "registry CU = CU locked in open jobs"
        );
    }
}

fn cases() -> u32 {
    std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1000)
}

proptest! {
    #![proptest_config(ProptestConfig { cases: cases(), max_shrink_iters: 200, ..ProptestConfig::default() })]

    #[test]
    fn ai_and_cu_are_conserved_and_never_stuck(ops in prop::collection::vec(op(), 1..32)) {
        let mut s = SuiteBuilder::new().build();
        let mut m = Model {
            initial: s.tokens().iter().map(|t| (t.clone(), s.supply(t))).collect(),
            burned: BTreeMap::new(),
            jobs: 0,
        };
        check(&s, &m);
        for op in &ops {
            run(&mut s, &mut m, op);
            check(&s, &m);
        }
        // Every open job can be closed by anyone once its deadline passes.
        s.wait(hmm_testing::registry::FINISH_IN + GRACE + 1);
        let anyone = s.attacker.clone();
        for j in s.all_jobs() {
            if !j.state.is_final() {
                s.claim_timeout(&anyone, j.job_id).expect("every open job times out");
                assert_eq!(s.state(j.job_id), JobState::Expired);
            }
        }
        check(&s, &m);
        for t in s.tokens() {
            prop_assert_eq!(s.balance(&t, &s.registry), 0, "nothing stuck in the registry");
        }
        prop_assert_eq!(s.total_escrow().open_jobs, 0);
    }
}
