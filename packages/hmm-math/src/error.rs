use thiserror::Error;

/// Every way a computation of this crate can fail. Nothing here panics: a contract maps these onto its own
/// typed errors, and the state it would have written is left untouched.
#[derive(Error, Debug, Clone, PartialEq, Eq)]
pub enum MathError {
    #[error("arithmetic overflow in {0}")]
    Overflow(&'static str),

    #[error("division by zero in {0}")]
    DivideByZero(&'static str),

    #[error("negative result in {0} where a non-negative value is required")]
    Negative(&'static str),

    #[error("logarithm of a non-positive number")]
    LogOfNonPositive,

    #[error("invalid parameter {name}: {reason}")]
    InvalidParameter {
        name: &'static str,
        reason: &'static str,
    },

    #[error("class index {index} out of range: the curve has {classes} classes")]
    ClassOutOfRange { index: usize, classes: usize },

    #[error("outside the sound region: {0}")]
    Unsound(&'static str),

    #[error("not enough liquidity: the trade would empty a reserve")]
    InsufficientLiquidity,

    #[error("the invariant would fall: the trade is refused")]
    InvariantDecreased,

    #[error("solver did not converge within {iterations} iterations")]
    NoConvergence { iterations: u32 },

    #[error(
        "integrator left the level set: |H - kappa| = {drift} exceeds the tolerance {tolerance}"
    )]
    DriftExceeded { drift: String, tolerance: String },

    #[error("empty input: {0}")]
    Empty(&'static str),
}

pub type MathResult<T> = Result<T, MathError>;
