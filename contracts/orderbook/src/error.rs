use cosmwasm_std::{Decimal, DivideByZeroError, OverflowError, StdError, Uint128};
use cw_ownable::OwnershipError;
use cw_utils::PaymentError;
use hmm::asset::FundsError;
use thiserror::Error;

/// Every way a message to the order book can fail. A failed message changes nothing.
#[derive(Error, Debug, PartialEq)]
pub enum ContractError {
    #[error(transparent)]
    Std(#[from] StdError),

    #[error(transparent)]
    Overflow(#[from] OverflowError),

    #[error(transparent)]
    DivideByZero(#[from] DivideByZeroError),

    #[error(transparent)]
    Payment(#[from] PaymentError),

    #[error(transparent)]
    Funds(#[from] FundsError),

    #[error(transparent)]
    Ownership(#[from] OwnershipError),

    #[error(transparent)]
    Migrate(#[from] hmm_record::MigrateError),

    #[error("market {market_id} does not exist")]
    UnknownMarket { market_id: u32 },

    #[error("order {order_id} is not resting in the book")]
    UnknownOrder { order_id: u64 },

    #[error("{base} already has market {market_id}")]
    MarketExists { base: String, market_id: u32 },

    #[error("the base asset must differ from the quote asset {quote}")]
    BaseIsQuote { quote: String },

    #[error("{what} must be positive")]
    Zero { what: &'static str },

    #[error("fee rate {rate} exceeds the maximum {max}")]
    FeeTooHigh { rate: Decimal, max: Decimal },

    #[error("burn share {burn_share} exceeds 1")]
    BurnShareTooHigh { burn_share: Decimal },

    #[error("price {price} is not a multiple of the tick size {tick_size}")]
    OffTick { price: Uint128, tick_size: Uint128 },

    #[error("quantity {quantity} is not a multiple of the lot size {lot_size}")]
    OffLot {
        quantity: Uint128,
        lot_size: Uint128,
    },

    #[error("order too small: {lots} lots worth {notional} (minimum {min_lots} lots and {min_notional})")]
    BelowMinimum {
        lots: Uint128,
        notional: Uint128,
        min_lots: Uint128,
        min_notional: Uint128,
    },

    #[error("this order is paid in {expected}, not {got}")]
    WrongAsset { expected: String, got: String },

    #[error("this order escrows exactly {expected}, got {got}")]
    WrongAmount { expected: Uint128, got: Uint128 },

    #[error("expiry {expires_at} is not after the block time {now}")]
    AlreadyExpired { expires_at: u64, now: u64 },

    #[error(
        "an immediate order (immediate-or-cancel, fill-or-kill) never rests: it takes no expiry"
    )]
    ExpiryOnImmediate,

    #[error("only an immediate order (immediate-or-cancel, fill-or-kill) may name a recipient")]
    RecipientOnResting,

    #[error("only the configured router may grant a taker-fee discount, of at most 50 %")]
    DiscountNotAllowed,

    #[error("fill-or-kill order filled {filled} of its {lots} lots")]
    NotFilled { filled: Uint128, lots: Uint128 },

    #[error("max_fills {max_fills} must be between 1 and {cap}")]
    InvalidMaxFills { max_fills: u32, cap: u32 },

    #[error("post-only order at {price} would match the resting {best}")]
    PostOnlyWouldCross { price: Uint128, best: Uint128 },

    #[error("order {order_id} belongs to another account and has not expired")]
    NotOrderOwner { order_id: u64 },

    #[error("cancel names {count} orders; at most {max}")]
    TooManyOrders { count: usize, max: u32 },

    #[error("cancel names no order")]
    NothingToCancel,

    #[error("no fees to collect")]
    NothingToCollect,
}

pub type ContractResult<T> = Result<T, ContractError>;
