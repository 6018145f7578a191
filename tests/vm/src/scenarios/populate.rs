//! Real state in every contract, for the migration test (`tests/migration.rs`): [`super::exchange::exchange`] and
//! [`super::jobs::jobs`], then more of everything a migration must carry over.
//!
//! - hmm-pool: four pools (bilinear, target-reserve, 5-class target-reserve, and a bilinear batch-auction pool),
//!   two liquidity providers, swaps spread over time (several TWAP observations per class), one settled batch and
//!   one batch with intents waiting, accrued protocol fees, an owed entry (a deferred withdrawal), a proposed owner.
//! - job-registry: jobs Open, Assigned, Running, Attested, Disputed, Settled, Cancelled, Expired and Failed
//!   (`Verified` is not reachable: poai never reports it).
//! - poai: two workers with bonds and obligations, one slashed for a timeout and one for a refuted attestation,
//!   two verifiers (one with an unbonding claim), jobs Assigned, Attested, disputed, Succeeded, Failed and Refuted,
//!   closed epochs with emissions, claimed and pending rewards, a worker's unbonding claim, experience submissions
//!   (one scored).

use cosmwasm_std::{Binary, Decimal256, Uint128};
use cw20::Cw20ExecuteMsg;
use hmm::job::{ExecuteMsg as JobExec, JobSpec, ReceiveMsg as JobReceive, RefundMode};
use hmm::poai::{AttestationResponse, ExecuteMsg, QueryMsg, ReceiveMsg, Verdict};
use hmm::pool::{
    Ask, ClassDeposit, ClassParams, CreatePoolMsg, CurveKind, ExecuteMsg as PoolExec,
    ReceiveMsg as PoolReceive,
};
use k256::ecdsa::SigningKey;
use sha2::{Digest, Sha256};

use super::exchange::{self, balance, job_sla, pool_sla, send, swap_checked, Exchange, UNIT};
use super::jobs::{
    self, attestation_digest, register_hook, sign, Jobs, BOND, JOB_MAX_SPEND, JOB_SENT, RAW,
    WORKER_MIN,
};
use crate::chain::{Chain, ChainError};

/// Everything [`populate`] deployed and every address that holds something.
pub struct Populated {
    pub x: Exchange,
    pub j: Jobs,
    /// The second liquidity provider.
    pub lp2: String,
    /// The second worker.
    pub worker2: String,
    /// The two verifiers.
    pub verifiers: Vec<String>,
    /// Submits experiences.
    pub curator: String,
    /// The proposed new owner of the pool contract.
    pub new_owner: String,
    /// The batch-auction pool.
    pub batch_pool: u64,
}

impl Populated {
    /// Every account of the scenario (users, not contracts).
    pub fn accounts(&self) -> Vec<String> {
        let x = &self.x;
        let mut v = vec![
            x.owner.clone(),
            x.treasury.clone(),
            x.lp.clone(),
            self.lp2.clone(),
            x.trader.clone(),
            x.client.clone(),
            x.worker.clone(),
            self.worker2.clone(),
            x.anyone.clone(),
            self.curator.clone(),
            self.new_owner.clone(),
        ];
        v.extend(self.verifiers.iter().cloned());
        v
    }
}

fn u(a: u128) -> Uint128 {
    Uint128::new(a)
}

fn e(err: ChainError) -> String {
    err.to_string()
}

fn sha(data: &[u8]) -> [u8; 32] {
    Sha256::digest(data).into()
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// The second worker's enclave key.
pub fn enclave_key2() -> SigningKey {
    SigningKey::from_bytes(&[9u8; 32].into()).expect("a valid secp256k1 scalar")
}

/// The input commitment of job `job_id` in these scenarios.
pub fn job_input(job_id: u64) -> [u8; 32] {
    sha(format!("input of job {job_id}").as_bytes())
}

/// Moves the chain to block time `t` (one block), if it is in the future.
pub fn advance_to(chain: &Chain, t: u64) {
    let now = chain.now();
    if t > now {
        chain.advance(1, t - now);
    }
}

fn transfer(chain: &Chain, token: &str, from: &str, to: &str, amount: u128) -> Result<(), String> {
    chain
        .execute(
            from,
            token,
            &Cw20ExecuteMsg::Transfer {
                recipient: to.to_string(),
                amount: u(amount),
            },
        )
        .map(|_| ())
        .map_err(e)
}

/// Registers `worker` with `key`, bonds [`BOND`] and offers [`RAW`] capacity of the A100 class.
pub fn onboard_worker(
    x: &Exchange,
    j: &Jobs,
    worker: &str,
    key: &SigningKey,
) -> Result<(), String> {
    let chain = &x.chain;
    let (_, hook) = register_hook(&chain.block().chain_id, &j.poai, worker, key)?;
    send(chain, worker, &x.ai, &j.poai, WORKER_MIN, &hook).map_err(e)?;
    send(
        chain,
        worker,
        &x.ai,
        &j.poai,
        BOND - WORKER_MIN,
        &ReceiveMsg::Bond {},
    )
    .map_err(e)?;
    chain
        .execute(
            worker,
            &j.poai,
            &ExecuteMsg::OfferCapacity {
                cu_token: x.cu_a.clone(),
                raw_amount: u(RAW),
            },
        )
        .map_err(e)?;
    Ok(())
}

/// `client` submits a job for 20 A100 CU (finish within `duration` seconds); returns its id.
pub fn submit_job(x: &Exchange, j: &Jobs, client: &str, duration: u64) -> Result<u64, String> {
    let chain = &x.chain;
    let now = chain.now();
    // As JSON: the releases before the router answer without its field.
    let config: serde_json::Value = chain
        .query(&j.registry, &hmm::job::QueryMsg::Config {})
        .map_err(e)?;
    let job_count = config["job_count"]
        .as_u64()
        .ok_or_else(|| format!("registry config without job_count: {config}"))?;
    let spec = JobSpec {
        resources: vec![hmm::router::BundleItem {
            cu_token: x.cu_a.clone(),
            amount: u(jobs::JOB_CU),
            pools: vec![],
        }],
        sla: job_sla(),
        max_spend: u(JOB_MAX_SPEND),
        start_by: now + duration / 2,
        finish_by: now + duration,
        input_commitment: hex(&job_input(job_count + 1)),
    };
    let res = send(
        chain,
        client,
        &x.ai,
        &j.registry,
        JOB_SENT,
        &JobReceive::SubmitJob { spec },
    )
    .map_err(e)?;
    res.attr("job_id")
        .and_then(|v| v.parse().ok())
        .ok_or_else(|| "submit: no job_id attribute".to_string())
}

/// `worker` takes `job_id`.
pub fn take(x: &Exchange, j: &Jobs, worker: &str, job_id: u64) -> Result<(), String> {
    x.chain
        .execute(worker, &j.registry, &JobExec::TakeJob { job_id })
        .map(|_| ())
        .map_err(e)
}

/// `worker` attests `job_id` with a valid signature of `key`; returns poai's view of the job after it.
pub fn attest(
    x: &Exchange,
    j: &Jobs,
    worker: &str,
    key: &SigningKey,
    job_id: u64,
) -> Result<AttestationResponse, String> {
    let chain = &x.chain;
    let (input, output) = (
        job_input(job_id),
        sha(format!("output of job {job_id}").as_bytes()),
    );
    let (io, tee) = (sha(b"io"), sha(b"tee report"));
    let digest = attestation_digest(
        &chain.block().chain_id,
        &j.poai,
        job_id,
        worker,
        &input,
        &output,
        &io,
        &tee,
    );
    chain
        .execute(
            worker,
            &j.poai,
            &ExecuteMsg::Attest {
                job_id,
                output_commitment: hex(&output),
                io_merkle_root: hex(&io),
                tee_report_hash: hex(&tee),
                signature: sign(key, &digest)?,
                proof_hash: None,
                used: None,
            },
        )
        .map_err(e)?;
    chain
        .query(&j.poai, &QueryMsg::Attestation { job_id })
        .map_err(e)
}

/// The attestation's commit and reveal period ends.
fn periods(att: &AttestationResponse) -> Result<(u64, u64), String> {
    att.attestation
        .as_ref()
        .map(|a| (a.commit_end, a.reveal_end))
        .ok_or_else(|| format!("job {}: no attestation", att.job_id))
}

/// A verifier's salt for a job.
fn salt(verifier: &str, job_id: u64) -> Binary {
    Binary::from(sha(format!("salt {verifier} {job_id}").as_bytes()).to_vec())
}

fn cu_deposit(cu: u128, ai: u128, classes: usize) -> Vec<ClassDeposit> {
    vec![
        ClassDeposit {
            resource: u(cu),
            credits: u(ai),
        };
        classes
    ]
}

/// The pool's extra state: a second LP, swaps over time, the batch pool (one batch settled), an owed entry.
fn pool_state(x: &Exchange, lp2: &str) -> Result<u64, String> {
    let chain = &x.chain;
    // The second LP: funded by the first, joins the bilinear and the 5-class pool.
    transfer(chain, &x.ai, &x.lp, lp2, 100_000 * UNIT)?;
    for cu in std::iter::once(&x.cu_a).chain(&x.cu5) {
        transfer(chain, cu, &x.lp, lp2, 2_000 * UNIT)?;
    }
    for token in std::iter::once(&x.ai)
        .chain(std::iter::once(&x.cu_a))
        .chain(&x.cu5)
    {
        chain
            .execute(
                lp2,
                token,
                &Cw20ExecuteMsg::IncreaseAllowance {
                    spender: x.pool.clone(),
                    amount: u(100_000 * UNIT),
                    expires: None,
                },
            )
            .map_err(e)?;
    }
    for (pool_id, classes) in [(x.bilinear, 1), (x.five, 5)] {
        chain
            .execute(
                lp2,
                &x.pool,
                &PoolExec::AddLiquidity {
                    pool_id,
                    deposits: cu_deposit(200 * UNIT, 1_000 * UNIT, classes),
                    min_shares: Uint128::zero(),
                    deadline: None,
                },
            )
            .map_err(e)?;
    }
    // Swaps a few minutes apart: TWAP observations (at most one a minute per class).
    for step in 0..3u128 {
        chain.advance(10, 90);
        swap_checked(
            x,
            x.bilinear,
            &x.ai,
            &x.cu_a,
            (3 + step) * UNIT,
            None,
            "",
            None,
        )?;
        swap_checked(x, x.hmm, &x.cu_h, &x.ai, (2 + step) * UNIT, None, "", None)?;
        swap_checked(
            x,
            x.five,
            &x.ai,
            &x.cu5[step as usize],
            4 * UNIT,
            None,
            "",
            None,
        )?;
    }
    // A withdrawal with one token deferred: an owed entry for lp2.
    let share: hmm::pool::ShareResponse = chain
        .query(
            &x.pool,
            &hmm::pool::QueryMsg::Share {
                pool_id: x.five,
                owner: lp2.to_string(),
            },
        )
        .map_err(e)?;
    chain
        .execute(
            lp2,
            &x.pool,
            &PoolExec::RemoveLiquidity {
                pool_id: x.five,
                shares: share.shares.multiply_ratio(1u128, 10u128),
                min_credits: Uint128::zero(),
                min_resources: vec![],
                deadline: None,
                defer: vec![x.cu5[0].clone()],
            },
        )
        .map_err(e)?;
    // The batch-auction pool on the target-reserve pool's token; one batch cleared.
    let res = chain
        .execute(
            &x.owner,
            &x.pool,
            &PoolExec::CreatePool(CreatePoolMsg {
                kind: CurveKind::Bilinear,
                classes: vec![ClassParams {
                    cu_token: x.cu_h.clone(),
                    weight: Decimal256::one(),
                }],
                curvature: None,
                fees: None,
                execution: None,
                sla: pool_sla(),
                max_price_impact: Some(Decimal256::percent(50)),
                batch_window: Some(300),
            }),
        )
        .map_err(e)?;
    let batch_pool: u64 = res
        .attr("pool_id")
        .and_then(|v| v.parse().ok())
        .ok_or("create_pool: no pool_id")?;
    chain
        .execute(
            &x.lp,
            &x.pool,
            &PoolExec::AddLiquidity {
                pool_id: batch_pool,
                deposits: cu_deposit(500 * UNIT, 1_000 * UNIT, 1),
                min_shares: Uint128::zero(),
                deadline: None,
            },
        )
        .map_err(e)?;
    batch_intents(x, batch_pool)?;
    chain.advance(60, 301);
    chain
        .execute(
            &x.anyone,
            &x.pool,
            &PoolExec::SettleBatch {
                pool_id: batch_pool,
                defer: vec![],
            },
        )
        .map_err(e)?;
    Ok(batch_pool)
}

/// Two intents into the batch pool: the trader buys CU with $AI and sells CU for $AI.
fn batch_intents(x: &Exchange, batch_pool: u64) -> Result<(), String> {
    let chain = &x.chain;
    send(
        chain,
        &x.trader,
        &x.ai,
        &x.pool,
        10 * UNIT,
        &PoolReceive::BatchIntent {
            pool_id: batch_pool,
            ask: Ask::Cu {
                token: x.cu_h.clone(),
            },
            min_out: None,
        },
    )
    .map_err(e)?;
    send(
        chain,
        &x.trader,
        &x.cu_h,
        &x.pool,
        3 * UNIT,
        &PoolReceive::BatchIntent {
            pool_id: batch_pool,
            ask: Ask::Ai,
            min_out: Some(u(UNIT)),
        },
    )
    .map_err(e)?;
    Ok(())
}

/// Deploys the whole stack (the artifacts the chain was told to use for each crate, see [`Chain::instantiate`])
/// and fills every contract with state (see the module doc).
pub fn populate(chain: &Chain) -> Result<Populated, String> {
    let x = exchange::exchange(chain)?;
    let lp2 = chain.addr("lp2");
    let batch_pool = pool_state(&x, &lp2)?;
    let new_owner = chain.addr("new-owner");
    // A pending ownership transfer: 0.5 and older proposed with `propose_owner` (which the migration drops, see
    // hmm-pool's `state::move_owner_to_cw_ownable`), the code under test with cw-ownable's `update_ownership`.
    let propose = if chain.deploys_artifact("hmm-pool") {
        serde_json::to_value(PoolExec::UpdateOwnership(
            cw_ownable::Action::TransferOwnership {
                new_owner: new_owner.clone(),
                expiry: None,
            },
        ))
        .map_err(|err| err.to_string())?
    } else {
        serde_json::json!({ "propose_owner": { "owner": new_owner } })
    };
    chain.execute(&x.owner, &x.pool, &propose).map_err(e)?;

    // Jobs 1 (settled) and 2 (expired, the worker slashed and denied for a while).
    let j = jobs::jobs(&x)?;
    let worker2 = chain.addr("worker2");
    let verifiers = vec![chain.addr("verifier1"), chain.addr("verifier2")];
    let curator = chain.addr("curator");
    for who in [&worker2, &verifiers[0], &verifiers[1], &curator] {
        transfer(chain, &x.ai, &x.lp, who, 20_000 * UNIT)?;
    }
    let key1 = jobs::enclave_key();
    let key2 = enclave_key2();
    onboard_worker(&x, &j, &worker2, &key2)?;
    for v in &verifiers {
        send(
            chain,
            v,
            &x.ai,
            &j.poai,
            2_000 * UNIT,
            &ReceiveMsg::RegisterVerifier {},
        )
        .map_err(e)?;
    }

    // Job 3 stays open; job 4 is cancelled (a second client: the trader).
    submit_job(&x, &j, &x.client, 100_000)?;
    let job4 = submit_job(&x, &j, &x.trader, 100_000)?;
    chain
        .execute(
            &x.trader,
            &j.registry,
            &JobExec::CancelJob {
                job_id: job4,
                refund: RefundMode::ReturnCu,
            },
        )
        .map_err(e)?;
    // Job 5: attested by worker 2, disputed, refuted by both verifiers (registry Failed, poai Refuted).
    // Job 6: attested by worker 2 in the same epoch, finalized (Settled / Succeeded).
    let job5 = submit_job(&x, &j, &x.client, 100_000)?;
    take(&x, &j, &worker2, job5)?;
    let att5 = attest(&x, &j, &worker2, &key2, job5)?;
    let job6 = submit_job(&x, &j, &x.trader, 100_000)?;
    take(&x, &j, &worker2, job6)?;
    attest(&x, &j, &worker2, &key2, job6)?;
    chain
        .execute(
            &verifiers[0],
            &j.poai,
            &ExecuteMsg::Dispute {
                job_id: job5,
                evidence_hash: hex(&sha(b"evidence of job 5")),
            },
        )
        .map_err(e)?;
    let (commit_end, reveal_end) = periods(&att5)?;
    // The commit period opens when the attestation's epoch ends.
    advance_to(chain, commit_end - jobs::COMMIT + 1);
    for v in &verifiers {
        let c: hmm::poai::CommitmentResponse = chain
            .query(
                &j.poai,
                &QueryMsg::VerdictCommitment {
                    job_id: job5,
                    verifier: v.clone(),
                    verdict: Verdict::Invalid,
                    salt: salt(v, job5),
                },
            )
            .map_err(e)?;
        chain
            .execute(
                v,
                &j.poai,
                &ExecuteMsg::CommitVerdict {
                    job_id: job5,
                    commitment: c.hash,
                },
            )
            .map_err(e)?;
    }
    advance_to(chain, commit_end);
    for v in &verifiers {
        chain
            .execute(
                v,
                &j.poai,
                &ExecuteMsg::RevealVerdict {
                    job_id: job5,
                    verdict: Verdict::Invalid,
                    salt: salt(v, job5),
                    audit: Some(hmm::poai::AuditRecord {
                        kind: hmm::poai::AuditKind::SeedReplay,
                        evidence_hash: hex(&sha(v.as_bytes())),
                    }),
                },
            )
            .map_err(e)?;
    }
    advance_to(chain, reveal_end);
    for job_id in [job5, job6] {
        chain
            .execute(&x.anyone, &j.poai, &ExecuteMsg::Finalize { job_id })
            .map_err(e)?;
    }
    chain
        .execute(&x.anyone, &j.poai, &ExecuteMsg::DistributeEmissions {})
        .map_err(e)?;
    // The first worker claims its rewards (job 1's epoch); the others' stay pending.
    chain
        .execute(&x.worker, &j.poai, &ExecuteMsg::ClaimRewards {})
        .map_err(e)?;

    // Both workers' denial windows (slashed for job 2 and job 5) pass; fresh heartbeats.
    chain.advance(100, 601);
    for w in [&x.worker, &worker2] {
        chain
            .execute(w, &j.poai, &ExecuteMsg::Heartbeat {})
            .map_err(e)?;
    }
    // Job 7: running (worker 1). Job 8: assigned (worker 2). Job 9: attested (worker 1). Job 10: attested by
    // worker 2 and disputed.
    let job7 = submit_job(&x, &j, &x.client, 100_000)?;
    take(&x, &j, &x.worker, job7)?;
    chain
        .execute(&x.worker, &j.registry, &JobExec::StartJob { job_id: job7 })
        .map_err(e)?;
    let job8 = submit_job(&x, &j, &x.trader, 100_000)?;
    take(&x, &j, &worker2, job8)?;
    let job9 = submit_job(&x, &j, &x.client, 100_000)?;
    take(&x, &j, &x.worker, job9)?;
    attest(&x, &j, &x.worker, &key1, job9)?;
    let job10 = submit_job(&x, &j, &x.client, 100_000)?;
    take(&x, &j, &worker2, job10)?;
    attest(&x, &j, &worker2, &key2, job10)?;
    chain
        .execute(
            &verifiers[1],
            &j.poai,
            &ExecuteMsg::Dispute {
                job_id: job10,
                evidence_hash: hex(&sha(b"evidence of job 10")),
            },
        )
        .map_err(e)?;

    // Unbonding claims: a worker's and a verifier's.
    chain
        .execute(
            &x.worker,
            &j.poai,
            &ExecuteMsg::Unbond {
                amount: u(100 * UNIT),
            },
        )
        .map_err(e)?;
    chain
        .execute(
            &verifiers[0],
            &j.poai,
            &ExecuteMsg::UnbondVerifier {
                amount: u(500 * UNIT),
            },
        )
        .map_err(e)?;
    // Experiences: one scored (curator points), one waiting.
    let deposit = jobs::params().experience_deposit.u128();
    for n in 0..2u8 {
        send(
            chain,
            &curator,
            &x.ai,
            &j.poai,
            deposit,
            &ReceiveMsg::SubmitExperience {
                content_hash: hex(&sha(&[n])),
                uri: Some(format!("ipfs://experience-{n}")),
            },
        )
        .map_err(e)?;
    }
    chain
        .execute(
            &x.owner,
            &j.poai,
            &ExecuteMsg::ScoreExperience {
                id: 1,
                utility: Decimal256::percent(60),
            },
        )
        .map_err(e)?;
    chain
        .execute(&x.anyone, &j.poai, &ExecuteMsg::DistributeEmissions {})
        .map_err(e)?;

    // Last, so that no time passes after it: a batch with intents waiting.
    batch_intents(&x, batch_pool)?;
    check_books(&x, &j)?;
    Ok(Populated {
        x,
        j,
        lp2,
        worker2,
        verifiers,
        curator,
        new_owner,
        batch_pool,
    })
}

/// The contracts' token balances against their books: the pool holds its reserves (as the exchange scenario
/// checks); the registry holds exactly its total escrow; poai holds exactly its bonds, claims, deposits and
/// reward reserve.
pub fn check_books(x: &Exchange, j: &Jobs) -> Result<(), String> {
    let chain = &x.chain;
    exchange::check_solvent(x)?;
    let held: hmm::job::TotalEscrowResponse = chain
        .query(&j.registry, &hmm::job::QueryMsg::TotalEscrow {})
        .map_err(e)?;
    let ai = balance(chain, &x.ai, &j.registry)?;
    if ai != held.ai.u128() {
        return Err(format!(
            "registry holds {ai} $AI, its escrow is {}",
            held.ai
        ));
    }
    let cu = balance(chain, &x.cu_a, &j.registry)?;
    let booked: u128 = held
        .cu
        .iter()
        .filter(|c| c.token == x.cu_a)
        .map(|c| c.amount.u128())
        .sum();
    if cu != booked || held.cu.iter().any(|c| c.token != x.cu_a) {
        return Err(format!(
            "registry holds {cu} A100 CU, its escrow is {:?}",
            held.cu
        ));
    }
    let t: hmm::poai::TotalsResponse = chain.query(&j.poai, &QueryMsg::Totals {}).map_err(e)?;
    let owed = t.worker_bonds + t.verifier_bonds + t.claims + t.deposits + t.reward_reserve;
    let poai_ai = balance(chain, &x.ai, &j.poai)?;
    if poai_ai != owed.u128() {
        return Err(format!("poai holds {poai_ai} $AI, its books say {owed}"));
    }
    Ok(())
}
