use cosmwasm_std::StdError;
use thiserror::Error;

/// Every way an `ai-token` message can fail.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    /// A storage, serialisation or address-validation error.
    #[error("{0}")]
    Std(#[from] StdError),

    /// An error of the cw20 logic (cw20-base), e.g. `Unauthorized` for a mint by anyone but the minter,
    /// `CannotExceedCap` for a mint above the cap.
    #[error("{0}")]
    Cw20(#[from] cw20_base::ContractError),

    /// The resource metadata of a compute-unit token is malformed.
    #[error("invalid resource metadata: `{field}` {reason}")]
    InvalidResource {
        /// The offending field.
        field: String,
        /// What is wrong with it.
        reason: String,
    },

    /// `migrate` refused: another contract, a newer version, or a version that is not semver.
    #[error(transparent)]
    Migrate(#[from] hmm_record::MigrateError),
}
