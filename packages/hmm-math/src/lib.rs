//! # hmm-math
//!
//! Fixed-point arithmetic and every formula of the Hamiltonian Market Maker seeds, pure and deterministic:
//! no floats on any path a contract links (f64 appears only in tests and reference models), no storage, no panics.
//! Every fallible operation returns a [`MathError`].

pub mod error;
pub mod fixed;
pub mod hamiltonian;
pub mod swap;
pub mod transcendental;
mod wide;

pub use error::{MathError, MathResult};
pub use fixed::{Rounding, Sdec, Udec};
pub use hamiltonian::{
    Augmented, Bilinear, ClassCurve, Gradient, Hamiltonian, MultiAsset, PhaseState, Scaling,
    TargetReserve,
};
pub use swap::{swap_exact, Direction, SwapKind, SwapOutcome};
pub mod economics;
pub mod fees;
pub mod impermanent_loss;
pub mod integrator;
pub mod liquidity;
pub mod quality;
