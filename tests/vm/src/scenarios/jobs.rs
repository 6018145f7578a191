//! The job and PoAI flows in the VM (job-registry and poai on top of [`super::exchange`]).

use super::exchange::Exchange;

/// Placeholder.
pub fn jobs(_x: &Exchange) -> Result<(), String> {
    Ok(())
}
