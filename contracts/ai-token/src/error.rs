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

    /// `migrate` was called on a contract that is not an `ai-token` instance.
    #[error("cannot migrate contract `{found}`: this code is `{expected}`")]
    WrongContract {
        /// The cw2 name of this code.
        expected: String,
        /// The cw2 name stored in the contract being migrated.
        found: String,
    },

    /// `migrate` would go to an older version.
    #[error("cannot migrate from version {stored} to older version {new}")]
    CannotDowngrade {
        /// The version stored in the contract.
        stored: String,
        /// The version of this code.
        new: String,
    },

    /// A stored or compiled-in cw2 version is not semver.
    #[error("invalid contract version `{version}`: {reason}")]
    InvalidVersion {
        /// The version string.
        version: String,
        /// The parse error.
        reason: String,
    },
}
