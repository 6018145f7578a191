//! One file per action.

pub mod buy;
pub mod pools;
