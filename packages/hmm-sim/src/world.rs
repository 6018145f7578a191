//! The market around the venues (2026 §11.1): five resource types, 50 heterogeneous workers, 100 clients, Poisson
//! job arrivals with log-normal sizes, and an off-chain index price per resource. Everything is drawn from seeded
//! ChaCha streams, so every design sees the same world and the same order flow.

use rand::{Rng, SeedableRng};
use rand_chacha::ChaCha12Rng;

pub const N_RES: usize = 5;
pub const N_WORKERS: usize = 50;
pub const N_CLIENTS: usize = 100;
pub const DAY: u64 = 86_400;

/// One resource type.
#[derive(Clone, Copy, Debug)]
pub struct Resource {
    pub name: &'static str,
    pub unit: &'static str,
    /// Starting index price, $AI per unit.
    pub p0: f64,
    /// Log trend of the index per year (compute gets cheaper).
    pub trend: f64,
}

pub const RESOURCES: [Resource; N_RES] = [
    Resource {
        name: "A100",
        unit: "GPU-h",
        p0: 1.20,
        trend: -0.20,
    },
    Resource {
        name: "H100",
        unit: "GPU-h",
        p0: 2.50,
        trend: -0.30,
    },
    Resource {
        name: "VRAM",
        unit: "GB-h",
        p0: 0.008,
        trend: -0.10,
    },
    Resource {
        name: "Bandwidth",
        unit: "Gbps-h",
        p0: 0.05,
        trend: 0.0,
    },
    Resource {
        name: "Storage",
        unit: "TB-h",
        p0: 0.03,
        trend: -0.05,
    },
];

/// Job profiles: (share of clients, resource vector of a job of size 1).
pub const PROFILES: [(f64, [f64; N_RES]); 4] = [
    // training on H100
    (0.25, [0.0, 16.0, 1280.0, 20.0, 2.0]),
    // training on A100
    (0.25, [16.0, 0.0, 640.0, 20.0, 2.0]),
    // inference
    (0.35, [2.0, 1.0, 120.0, 10.0, 0.2]),
    // data processing
    (0.15, [0.0, 0.0, 0.0, 50.0, 20.0]),
];

/// Standard normal (Box–Muller).
pub fn normal(rng: &mut impl Rng) -> f64 {
    let u1: f64 = rng.gen_range(f64::MIN_POSITIVE..1.0);
    let u2: f64 = rng.gen();
    (-2.0 * u1.ln()).sqrt() * (std::f64::consts::TAU * u2).cos()
}

pub fn lognormal(rng: &mut impl Rng, mu: f64, sigma: f64) -> f64 {
    (mu + sigma * normal(rng)).exp()
}

/// Poisson count (Knuth for small means, a rounded normal above 500).
pub fn poisson(rng: &mut impl Rng, mean: f64) -> u64 {
    if mean <= 0.0 {
        return 0;
    }
    if mean > 500.0 {
        return (mean + mean.sqrt() * normal(rng)).round().max(0.0) as u64;
    }
    let l = (-mean).exp();
    let mut k = 0u64;
    let mut p = 1.0;
    loop {
        p *= rng.gen::<f64>();
        if p <= l {
            return k;
        }
        k += 1;
    }
}

#[derive(Clone, Debug)]
pub struct Worker {
    /// Capacity offered per hour, per resource.
    pub capacity: [f64; N_RES],
    /// Reservation price as a multiple of the index (sells when the market pays at least this).
    pub cost: f64,
}

#[derive(Clone, Debug)]
pub struct Client {
    /// Resource vector of a job of size 1.
    pub profile: [f64; N_RES],
    /// Willingness to pay as a multiple of the bundle's index value.
    pub value: f64,
}

/// Log-normal job size: σ of ln(size); mean size 1.
pub const SIZE_SIGMA: f64 = 1.0;

/// Index process: log-OU around a trend, mean reversion time and stationary log-deviation.
pub const INDEX_REVERSION_DAYS: f64 = 7.0;
pub const INDEX_LOG_STD: f64 = 0.05;

#[derive(Clone, Debug)]
pub struct World {
    pub workers: Vec<Worker>,
    pub clients: Vec<Client>,
    /// Expected demand per hour at 10 jobs/min and full acceptance.
    pub demand_per_hour: [f64; N_RES],
}

impl World {
    pub fn new(seed: u64, jobs_per_min: f64) -> World {
        let mut rng = ChaCha12Rng::seed_from_u64(seed ^ 0x57_0A1D);
        let mut clients = Vec::with_capacity(N_CLIENTS);
        for _ in 0..N_CLIENTS {
            let mut u: f64 = rng.gen();
            let mut base = PROFILES[0].1;
            for (share, v) in PROFILES {
                if u < share {
                    base = v;
                    break;
                }
                u -= share;
            }
            let mut profile = [0.0; N_RES];
            for (p, b) in profile.iter_mut().zip(base) {
                *p = b * lognormal(&mut rng, -0.045, 0.3);
            }
            clients.push(Client {
                profile,
                value: lognormal(&mut rng, 0.3, 0.25),
            });
        }
        let mut demand_per_hour = [0.0; N_RES];
        for c in &clients {
            for (d, p) in demand_per_hour.iter_mut().zip(c.profile) {
                *d += p * jobs_per_min * 60.0 / N_CLIENTS as f64;
            }
        }
        // Workers: GPU types by chance, other resources always, heterogeneous sizes; scaled so that total capacity
        // equals the expected demand (at the index, ~88 % of workers sell and ~88 % of jobs are accepted).
        let mut raw = Vec::with_capacity(N_WORKERS);
        for _ in 0..N_WORKERS {
            let has_a100 = rng.gen::<f64>() < 0.6;
            let has_h100 = rng.gen::<f64>() < 0.4 || !has_a100;
            let mut cap = [0.0; N_RES];
            for (i, c) in cap.iter_mut().enumerate() {
                let present = match i {
                    0 => has_a100,
                    1 => has_h100,
                    _ => true,
                };
                if present {
                    *c = lognormal(&mut rng, 0.0, 0.8);
                }
            }
            raw.push((cap, lognormal(&mut rng, -0.3, 0.25)));
        }
        let mut totals = [0.0; N_RES];
        for (cap, _) in &raw {
            for (t, c) in totals.iter_mut().zip(cap) {
                *t += c;
            }
        }
        let workers = raw
            .into_iter()
            .map(|(cap, cost)| {
                let mut capacity = [0.0; N_RES];
                for i in 0..N_RES {
                    capacity[i] = cap[i] / totals[i].max(1e-12) * demand_per_hour[i];
                }
                Worker { capacity, cost }
            })
            .collect();
        World {
            workers,
            clients,
            demand_per_hour,
        }
    }
}

/// The off-chain index (e.g. cloud spot prices) of every resource.
#[derive(Clone, Debug)]
pub struct Index {
    pub log: [f64; N_RES],
    /// Permanent log shifts from shocks (added to the level the index reverts to).
    shift: [f64; N_RES],
    rng: ChaCha12Rng,
}

impl Index {
    pub fn new(seed: u64) -> Index {
        let mut log = [0.0; N_RES];
        for (l, r) in log.iter_mut().zip(RESOURCES) {
            *l = r.p0.ln();
        }
        Index {
            log,
            shift: [0.0; N_RES],
            rng: ChaCha12Rng::seed_from_u64(seed ^ 0x1_DE_C5),
        }
    }

    /// Advance by `dt` seconds to time `t` (exact OU transition).
    pub fn step(&mut self, t: u64, dt: u64) {
        let theta = 1.0 / (INDEX_REVERSION_DAYS * DAY as f64);
        let decay = (-theta * dt as f64).exp();
        let sd = INDEX_LOG_STD * (1.0 - decay * decay).sqrt();
        for ((l, r), sh) in self.log.iter_mut().zip(RESOURCES).zip(self.shift) {
            let mean = r.p0.ln() + sh + r.trend * t as f64 / (365.0 * DAY as f64);
            *l = mean + (*l - mean) * decay + sd * normal(&mut self.rng);
        }
    }

    /// Multiply the index of resource `i`, and the level it reverts to, by `factor` (a lasting shock).
    pub fn shock(&mut self, i: usize, factor: f64) {
        if let (Some(l), Some(s)) = (self.log.get_mut(i), self.shift.get_mut(i)) {
            let d = factor.max(1e-9).ln();
            *l += d;
            *s += d;
        }
    }

    pub fn price(&self, i: usize) -> f64 {
        self.log.get(i).map_or(f64::NAN, |l| l.exp())
    }
}
