//! Storage of what `ai-token` adds to cw20-base. cw20-base's own keys (`token_info`, `balance`, `allowance`,
//! `marketing_info`, `logo`, ...) are untouched; this crate's keys carry the `hmm_` prefix so they cannot collide.

use cw_storage_plus::Item;
use hmm::token::ResourceMetadata;

/// The resource class of a compute-unit token; absent for $AI. Written once, at instantiation.
pub const RESOURCE: Item<ResourceMetadata> = Item::new("hmm_resource");
