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
#[cfg_attr(feature = "std-kernel", allow(dead_code))]
mod wide;
#[cfg(any(test, feature = "std-kernel"))]
mod wide_std;
/// The 256-bit multiply-divide and square root every fixed-point operation runs on: the hand-written limb kernel
/// ([`wide`]), or with the feature `std-kernel` cosmwasm-std's 512-bit integers (measured against each other in
/// `docs/wasm-size.md`).
#[cfg(not(feature = "std-kernel"))]
use wide as kernel;
#[cfg(feature = "std-kernel")]
use wide_std as kernel;

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
