//! The market designs compared, each as one venue per resource with the same starting capital.

use anyhow::Result;
use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha12Rng;

use crate::clob::{Clob, Maker};
use crate::hmm::{HmmParams, HmmVenue};
use crate::venue::{Concentrated, ConstantProduct, OracleAmm, Range, StableSwap, Venue, Weighted};

/// Fee of every reference AMM (Uniswap's 30 bps tier; the HMM pools use the contract's defaults: 30 bps market fee
/// plus the risk and volatility fees).
pub const REF_FEE: f64 = 0.003;
/// Hours of expected demand each venue starts with in CU (and the same value in $AI).
pub const LIQUIDITY_HOURS: f64 = 72.0;
pub const CLOB_MAKERS: usize = 20;
pub const ORACLE_PERIOD: u64 = 300;
pub const ORACLE_LAG: u64 = 600;
/// v3 ranges as (share of capital, lower/P0, upper/P0): a 10× range (√(pa/pb) = 0.81), a 4× range, and full range.
pub const V3_RANGES: [(f64, f64, f64); 3] = [
    (1.0 / 3.0, 0.81, 1.0 / 0.81),
    (1.0 / 3.0, 0.5, 2.0),
    (1.0 / 3.0, 1e-4, 1e4),
];

#[derive(Clone, Debug)]
pub enum Design {
    Hmm { label: String, params: HmmParams },
    ConstantProduct,
    Concentrated,
    StableSwap { amp: f64 },
    Weighted { w_cu: f64 },
    Clob,
    OracleAmm,
}

impl Design {
    pub fn name(&self) -> String {
        match self {
            Design::Hmm { label, .. } => label.clone(),
            Design::ConstantProduct => "Constant product (v2)".into(),
            Design::Concentrated => "Concentrated (v3 ranges)".into(),
            Design::StableSwap { amp } => format!("Stableswap (A={amp})"),
            Design::Weighted { w_cu } => {
                format!("Weighted {:.0}/{:.0}", w_cu * 100.0, (1.0 - w_cu) * 100.0)
            }
            Design::Clob => format!("CLOB ({CLOB_MAKERS} makers)"),
            Design::OracleAmm => "Oracle AMM (lagged)".into(),
        }
    }

    pub fn is_hmm(&self) -> bool {
        matches!(self, Design::Hmm { .. })
    }

    /// One venue holding `cu` CU and `ai` $AI (worth 2·`ai` at `price` = `ai`/`cu`).
    pub fn venue(&self, cu: f64, ai: f64, seed: u64) -> Result<Box<dyn Venue>> {
        let price = ai / cu;
        let value = 2.0 * ai;
        Ok(match self {
            Design::Hmm { params, .. } => Box::new(HmmVenue::new(params, cu, ai)?),
            Design::ConstantProduct => Box::new(ConstantProduct::new(cu, ai, REF_FEE)),
            Design::Concentrated => {
                let ranges = V3_RANGES
                    .iter()
                    .map(|&(share, lo, hi)| {
                        Range::with_value(value * share, price, price * lo, price * hi)
                    })
                    .collect();
                Box::new(Concentrated::new(ranges, price, REF_FEE))
            }
            Design::StableSwap { amp } => Box::new(StableSwap::new(cu, ai, *amp, price, REF_FEE)),
            Design::Weighted { w_cu } => Box::new(Weighted::new(value, price, *w_cu, REF_FEE)),
            Design::Clob => {
                let mut rng = ChaCha12Rng::seed_from_u64(seed ^ 0xC10B);
                let makers = (0..CLOB_MAKERS)
                    .map(|_| {
                        Maker::new(
                            cu / CLOB_MAKERS as f64,
                            ai / CLOB_MAKERS as f64,
                            rng.gen_range(0.001..0.004),
                            60 * rng.gen_range(1..=10),
                            60 * rng.gen_range(0..=5),
                        )
                    })
                    .collect();
                let mut c = Clob::new(makers, price);
                c.on_block(0, price);
                Box::new(c)
            }
            Design::OracleAmm => Box::new(OracleAmm::new(
                cu,
                ai,
                price,
                REF_FEE,
                ORACLE_PERIOD,
                ORACLE_LAG,
            )),
        })
    }
}

/// HMM at curvature λ (fixed).
pub fn hmm(lambda: f64) -> Design {
    Design::Hmm {
        label: format!("HMM λ={lambda}"),
        params: HmmParams::fixed(lambda),
    }
}

/// HMM with the dynamic curvature of 2026 eq.30: λ(t) = λ₀(1 + α·Vol + β·Util), capped at 1.5.
pub fn hmm_dynamic(lambda0: f64, alpha: f64, beta: f64) -> Design {
    Design::Hmm {
        label: format!("HMM λ₀={lambda0} dyn."),
        params: HmmParams {
            alpha,
            beta,
            lambda_max: 1.5,
            ..HmmParams::fixed(lambda0)
        },
    }
}

/// The designs of the main run, HMM first.
pub fn all() -> Vec<Design> {
    vec![
        hmm(0.5),
        hmm(1.0),
        hmm(1.5),
        hmm_dynamic(0.5, 50.0, 1.0),
        Design::ConstantProduct,
        Design::Concentrated,
        Design::StableSwap { amp: 100.0 },
        Design::Weighted { w_cu: 0.8 },
        Design::Clob,
        Design::OracleAmm,
    ]
}
