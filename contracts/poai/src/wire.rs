//! The messages and queries poai sends to other contracts, declared with only the variants it uses.
//!
//! Each is wire-identical to the shared type (`hmm::job::ExecuteMsg`, `hmm::job::QueryMsg`, `hmm::pool::QueryMsg`,
//! cw20's `Cw20ExecuteMsg` / `Cw20QueryMsg`); the tests below compare the JSON variant by variant. Serialising the
//! full enums would link a serializer for every variant of each (poai's wasm must stay under the size limit).

use cosmwasm_std::Uint128;
use hmm::poai::CuAmount;
use serde::Serialize;

/// cw20 execute messages (`cw20::Cw20ExecuteMsg`).
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Cw20Msg {
    Transfer { recipient: String, amount: Uint128 },
    Mint { recipient: String, amount: Uint128 },
    Burn { amount: Uint128 },
}

/// cw20 queries (`cw20::Cw20QueryMsg`).
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Cw20Query {
    TokenInfo {},
    Minter {},
}

/// Pool queries (`hmm::pool::QueryMsg`).
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum PoolQuery {
    Pool {
        pool_id: u64,
    },
    Twap {
        pool_id: u64,
        cu_token: String,
        window: Option<u64>,
    },
}

/// Interim verdict reported to the registry (`hmm::job::Verdict`).
#[derive(Serialize, Debug, Clone, Copy, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum RegistryVerdict {
    Disputed,
}

/// Settlement outcome (`hmm::job::SettlementOutcome`).
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    Success { used: Vec<CuAmount> },
    Failure { reason: String },
}

/// Registry execute messages poai sends (`hmm::job::ExecuteMsg`).
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum RegistryMsg {
    RecordAttestation {
        job_id: u64,
    },
    RecordVerdict {
        job_id: u64,
        verdict: RegistryVerdict,
    },
    Settle {
        job_id: u64,
        outcome: Outcome,
    },
}

/// Registry queries (`hmm::job::QueryMsg`).
#[derive(Serialize, Debug, Clone, PartialEq)]
#[serde(rename_all = "snake_case")]
pub enum RegistryQuery {
    Job { job_id: u64 },
    Config {},
}

/// The part of the registry's `ConfigResponse` poai reads (`hmm::job::ConfigResponse`; unknown fields are ignored).
#[derive(serde::Deserialize, Debug, Clone, PartialEq)]
pub struct RegistryConfig {
    pub limits: hmm::job::Limits,
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::to_json_string;
    use hmm::job::{
        CuAmount as JobCu, ExecuteMsg as JobExec, QueryMsg as JobQuery, SettlementOutcome, Verdict,
    };

    fn same<A: Serialize, B: Serialize>(a: &A, b: &B) {
        assert_eq!(to_json_string(a).unwrap(), to_json_string(b).unwrap());
    }

    #[test]
    fn registry_messages_match_hmm_job() {
        same(
            &RegistryMsg::RecordAttestation { job_id: 7 },
            &JobExec::RecordAttestation { job_id: 7 },
        );
        same(
            &RegistryMsg::RecordVerdict {
                job_id: 7,
                verdict: RegistryVerdict::Disputed,
            },
            &JobExec::RecordVerdict {
                job_id: 7,
                verdict: Verdict::Disputed,
            },
        );
        same(
            &RegistryMsg::Settle {
                job_id: 7,
                outcome: Outcome::Success {
                    used: vec![CuAmount {
                        token: "cu".to_string(),
                        amount: Uint128::new(5),
                    }],
                },
            },
            &JobExec::Settle {
                job_id: 7,
                outcome: SettlementOutcome::Success {
                    used: vec![JobCu {
                        token: "cu".to_string(),
                        amount: Uint128::new(5),
                    }],
                },
            },
        );
        same(
            &RegistryMsg::Settle {
                job_id: 7,
                outcome: Outcome::Failure {
                    reason: "r".to_string(),
                },
            },
            &JobExec::Settle {
                job_id: 7,
                outcome: SettlementOutcome::Failure {
                    reason: "r".to_string(),
                },
            },
        );
        same(
            &RegistryQuery::Job { job_id: 7 },
            &JobQuery::Job { job_id: 7 },
        );
        same(&RegistryQuery::Config {}, &JobQuery::Config {});
    }

    #[test]
    fn pool_and_cw20_messages_match() {
        same(
            &PoolQuery::Pool { pool_id: 2 },
            &hmm::pool::QueryMsg::Pool { pool_id: 2 },
        );
        same(
            &PoolQuery::Twap {
                pool_id: 2,
                cu_token: "cu".to_string(),
                window: Some(3_600),
            },
            &hmm::pool::QueryMsg::Twap {
                pool_id: 2,
                cu_token: "cu".to_string(),
                window: Some(3_600),
            },
        );
        let a = Uint128::new(9);
        same(
            &Cw20Msg::Transfer {
                recipient: "r".to_string(),
                amount: a,
            },
            &cw20::Cw20ExecuteMsg::Transfer {
                recipient: "r".to_string(),
                amount: a,
            },
        );
        same(
            &Cw20Msg::Mint {
                recipient: "r".to_string(),
                amount: a,
            },
            &cw20::Cw20ExecuteMsg::Mint {
                recipient: "r".to_string(),
                amount: a,
            },
        );
        same(
            &Cw20Msg::Burn { amount: a },
            &cw20::Cw20ExecuteMsg::Burn { amount: a },
        );
        same(&Cw20Query::TokenInfo {}, &cw20::Cw20QueryMsg::TokenInfo {});
        same(&Cw20Query::Minter {}, &cw20::Cw20QueryMsg::Minter {});
    }
}
