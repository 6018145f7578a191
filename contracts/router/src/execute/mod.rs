//! One file per action.

pub mod book;
pub mod buy;
pub mod pools;
pub mod sell;
