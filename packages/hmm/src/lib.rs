//! Message and response types of every contract of the HMM exchange.
//!
//! One module per contract. Every message and field carries a doc comment: it flows into the JSON schema
//! that wallets and clients read; `deny(missing_docs)` keeps it so.

#![deny(missing_docs)]

pub mod asset;
pub mod job;
pub mod orderbook;
pub mod poai;
pub mod pool;
pub mod router;
pub mod schema;
pub mod token;
