//! The actions, one file each; `settle` holds what they share (payouts, the fee ledger, removing an order with its
//! refund).

pub mod admin;
pub mod cancel;
pub mod market;
pub mod place;
pub mod settle;
