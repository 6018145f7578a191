//! Lenient views of other contracts' query answers: only the fields poai reads, unknown fields ignored.
//!
//! The full response types (`hmm::job::JobResponse`, `hmm::pool::PoolResponse`, cw20's `TokenInfoResponse`) parse the
//! same JSON; reading only what is used keeps poai's wasm small (each full type brings its whole deserializer, with
//! every nested type) and lets the other contracts add fields without breaking poai.

use cosmwasm_std::Addr;
use serde::Deserialize;

/// The part of `hmm::job::JobResponse` poai reads.
#[derive(Deserialize, Debug, Clone, PartialEq)]
pub struct JobView {
    /// Who took it.
    pub worker: Option<Addr>,
    /// Hex sha256 of the job input.
    pub input_commitment: String,
}

/// One class of `hmm::pool::PoolResponse`.
#[derive(Deserialize, Debug, Clone, PartialEq)]
pub struct PoolClassView {
    pub cu_token: Addr,
}

/// The part of `hmm::pool::PoolResponse` poai reads.
#[derive(Deserialize, Debug, Clone, PartialEq)]
pub struct PoolView {
    pub classes: Vec<PoolClassView>,
}

/// The part of cw20's `TokenInfoResponse` poai reads.
#[derive(Deserialize, Debug, Clone, PartialEq)]
pub struct TokenInfoView {
    pub decimals: u8,
}

#[cfg(test)]
mod tests {
    use super::*;
    use cosmwasm_std::{from_json, to_json_vec, Uint128};
    use hmm::job::{JobResponse, JobState};
    use hmm::pool::SlaRequirement;

    /// The view parses what the registry really sends.
    #[test]
    fn job_view_reads_a_full_job_response() {
        let full = JobResponse {
            job_id: 3,
            client: Addr::unchecked("client"),
            worker: Some(Addr::unchecked("worker")),
            state: JobState::Running,
            cu: vec![],
            purchase: vec![],
            sla: SlaRequirement::default(),
            input_commitment: "ab".repeat(32),
            max_spend: Uint128::new(5),
            value: Uint128::new(4),
            escrow: Uint128::new(1),
            fee: Uint128::new(1),
            start_by: 1,
            finish_by: 2,
            settle_by: 3,
            timeout_at: Some(2),
            submitted_at: 0,
            assigned_at: Some(1),
            started_at: None,
            attested_at: None,
            closed_at: None,
            close_reason: None,
            used: vec![],
        };
        let view: JobView = from_json(to_json_vec(&full).unwrap()).unwrap();
        assert_eq!(view.worker, full.worker);
        assert_eq!(view.input_commitment, full.input_commitment);
    }
}
