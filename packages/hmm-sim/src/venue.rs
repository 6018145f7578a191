//! One market for one resource against $AI, and the reference designs (f64; simulator only).
//!
//! Units: whole tokens. `cu` is the resource (compute units), `ai` the numeraire ($AI). Prices are $AI per CU.
//! Every venue charges its fee on the input side and keeps fees outside its reserves (as Uniswap v3 and the HMM
//! pool do), so `holdings()` is the LP position without fees and `lp_fees()` what LPs earned, valued by the caller.

/// The outcome of one trade.
#[derive(Clone, Copy, Debug, Default, PartialEq)]
pub struct Fill {
    /// CU that changed hands.
    pub cu: f64,
    /// $AI that changed hands (paid by a buyer including fees, received by a seller after fees).
    pub ai: f64,
}

/// Why a trade did not happen.
#[derive(Clone, Debug, PartialEq)]
pub enum Refusal {
    /// Not enough liquidity on the curve / in the book / in the range.
    Liquidity,
    /// The venue refused it (the HMM pool's typed error, e.g. the price-impact limit or the sound region).
    Refused(String),
}

pub type TradeResult = Result<Fill, Refusal>;

/// A market for one resource against $AI.
pub trait Venue: Send {
    /// Marginal (mid) price, $AI per CU.
    fn spot(&self) -> f64;
    /// Buy exactly `cu` CU; state changes only on success.
    fn buy(&mut self, cu: f64, now: u64) -> TradeResult;
    /// Sell exactly `cu` CU; state changes only on success.
    fn sell(&mut self, cu: f64, now: u64) -> TradeResult;
    /// What `buy` would do, without changing anything.
    fn quote_buy(&self, cu: f64) -> TradeResult;
    /// What `sell` would do, without changing anything.
    fn quote_sell(&self, cu: f64) -> TradeResult;
    /// The CU amount to buy (> 0) or sell (< 0) that moves the marginal price to `target` (ignoring fees); 0 if
    /// the price cannot be moved by trading (oracle pricing) or is already there.
    fn size_to_price(&self, target: f64) -> f64;
    /// Called at the start of each block with the current off-chain index price (oracle updates, MM re-quotes).
    fn on_block(&mut self, _now: u64, _index: f64) {}
    /// The liquidity providers' position (CU, $AI), fees excluded.
    fn holdings(&self) -> (f64, f64);
    /// Fees earned by liquidity providers so far (CU, $AI).
    fn lp_fees(&self) -> (f64, f64);
    /// A copy (for what-if trades such as sandwich tests).
    fn boxed_clone(&self) -> Box<dyn Venue>;
    /// Prices come from an oracle, not from the venue's reserves.
    fn oracle_priced(&self) -> bool {
        false
    }
    /// The conserved invariant, where the design has one that the simulator reports (the HMM pools).
    fn invariant(&self) -> Option<f64> {
        None
    }
    /// Curvature in force (HMM pools).
    fn lambda(&self) -> Option<f64> {
        None
    }
}

/// Bisection for `size_to_price` on venues whose price falls as CU is sold into them (all curve designs).
pub fn bisect_size(
    spot_after: impl Fn(f64) -> Option<f64>,
    spot: f64,
    target: f64,
    max: f64,
) -> f64 {
    if !(target > 0.0) || (target - spot).abs() <= 1e-12 * spot {
        return 0.0;
    }
    // Buying raises the price; a positive x is a purchase, a negative one a sale.
    let sign = if target > spot { 1.0 } else { -1.0 };
    let (mut lo, mut hi) = (0.0f64, max);
    match spot_after(sign * hi) {
        Some(p) if (p - target) * sign < 0.0 => return sign * hi,
        _ => {}
    }
    for _ in 0..60 {
        let mid = 0.5 * (lo + hi);
        match spot_after(sign * mid) {
            Some(p) if (p - target) * sign < 0.0 => lo = mid,
            _ => hi = mid,
        }
    }
    sign * lo
}

// ---------------------------------------------------------------------------------------------------------------
// Constant product (Uniswap v2)
// ---------------------------------------------------------------------------------------------------------------

/// `x·y = k`, fee on the input, kept outside the reserves.
#[derive(Clone, Debug)]
pub struct ConstantProduct {
    pub x: f64,
    pub y: f64,
    pub fee: f64,
    fees: (f64, f64),
}

impl ConstantProduct {
    pub fn new(cu: f64, ai: f64, fee: f64) -> Self {
        ConstantProduct {
            x: cu,
            y: ai,
            fee,
            fees: (0.0, 0.0),
        }
    }
}

impl Venue for ConstantProduct {
    fn spot(&self) -> f64 {
        self.y / self.x
    }
    fn quote_buy(&self, cu: f64) -> TradeResult {
        if !(cu > 0.0) || cu >= self.x {
            return Err(Refusal::Liquidity);
        }
        let net = self.x * self.y / (self.x - cu) - self.y;
        Ok(Fill {
            cu,
            ai: net / (1.0 - self.fee),
        })
    }
    fn quote_sell(&self, cu: f64) -> TradeResult {
        if !(cu > 0.0) {
            return Err(Refusal::Liquidity);
        }
        let net = cu * (1.0 - self.fee);
        Ok(Fill {
            cu,
            ai: self.y - self.x * self.y / (self.x + net),
        })
    }
    fn buy(&mut self, cu: f64, _now: u64) -> TradeResult {
        let f = self.quote_buy(cu)?;
        let net = f.ai * (1.0 - self.fee);
        self.fees.1 += f.ai - net;
        self.x -= cu;
        self.y += net;
        Ok(f)
    }
    fn sell(&mut self, cu: f64, _now: u64) -> TradeResult {
        let f = self.quote_sell(cu)?;
        let net = cu * (1.0 - self.fee);
        self.fees.0 += cu - net;
        self.x += net;
        self.y -= f.ai;
        Ok(f)
    }
    fn size_to_price(&self, target: f64) -> f64 {
        if !(target > 0.0) {
            return 0.0;
        }
        let k = self.x * self.y;
        let x_new = (k / target).sqrt();
        self.x - x_new
    }
    fn holdings(&self) -> (f64, f64) {
        (self.x, self.y)
    }
    fn lp_fees(&self) -> (f64, f64) {
        self.fees
    }
    fn boxed_clone(&self) -> Box<dyn Venue> {
        Box::new(self.clone())
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Weighted (Balancer)
// ---------------------------------------------------------------------------------------------------------------

/// `x^wx · y^(1−wx) = k` with `x` the CU balance.
#[derive(Clone, Debug)]
pub struct Weighted {
    pub x: f64,
    pub y: f64,
    pub wx: f64,
    pub fee: f64,
    fees: (f64, f64),
}

impl Weighted {
    /// A pool worth `value` $AI at price `price`, `wx` of it in CU.
    pub fn new(value: f64, price: f64, wx: f64, fee: f64) -> Self {
        Weighted {
            x: value * wx / price,
            y: value * (1.0 - wx),
            wx,
            fee,
            fees: (0.0, 0.0),
        }
    }
    fn ratio(&self) -> f64 {
        self.wx / (1.0 - self.wx)
    }
}

impl Venue for Weighted {
    fn spot(&self) -> f64 {
        (self.y / (1.0 - self.wx)) / (self.x / self.wx)
    }
    fn quote_buy(&self, cu: f64) -> TradeResult {
        if !(cu > 0.0) || cu >= self.x {
            return Err(Refusal::Liquidity);
        }
        let net = self.y * ((self.x / (self.x - cu)).powf(self.ratio()) - 1.0);
        Ok(Fill {
            cu,
            ai: net / (1.0 - self.fee),
        })
    }
    fn quote_sell(&self, cu: f64) -> TradeResult {
        if !(cu > 0.0) {
            return Err(Refusal::Liquidity);
        }
        let net = cu * (1.0 - self.fee);
        Ok(Fill {
            cu,
            ai: self.y * (1.0 - (self.x / (self.x + net)).powf(self.ratio())),
        })
    }
    fn buy(&mut self, cu: f64, _now: u64) -> TradeResult {
        let f = self.quote_buy(cu)?;
        let net = f.ai * (1.0 - self.fee);
        self.fees.1 += f.ai - net;
        self.x -= cu;
        self.y += net;
        Ok(f)
    }
    fn sell(&mut self, cu: f64, _now: u64) -> TradeResult {
        let f = self.quote_sell(cu)?;
        let net = cu * (1.0 - self.fee);
        self.fees.0 += cu - net;
        self.x += net;
        self.y -= f.ai;
        Ok(f)
    }
    fn size_to_price(&self, target: f64) -> f64 {
        if !(target > 0.0) {
            return 0.0;
        }
        // Along the curve y = k·x^(−r), spot = (y/wy)/(x/wx) ∝ x^(−r−1).
        let r = self.ratio();
        let x_new = self.x * (self.spot() / target).powf(1.0 / (r + 1.0));
        self.x - x_new
    }
    fn holdings(&self) -> (f64, f64) {
        (self.x, self.y)
    }
    fn lp_fees(&self) -> (f64, f64) {
        self.fees
    }
    fn boxed_clone(&self) -> Box<dyn Venue> {
        Box::new(self.clone())
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Stableswap (Curve, two coins)
// ---------------------------------------------------------------------------------------------------------------

/// Curve's stableswap invariant for two coins, `4A(x₀ + x₁) + D = 4AD + D³/(4x₀x₁)`, with `x₀` the $AI balance
/// and `x₁ = peg·CU` (the resource valued at the peg price, so the pool is balanced at `peg`).
#[derive(Clone, Debug)]
pub struct StableSwap {
    pub x0: f64,
    pub x1: f64,
    pub amp: f64,
    pub peg: f64,
    pub fee: f64,
    fees: (f64, f64),
}

impl StableSwap {
    pub fn new(cu: f64, ai: f64, amp: f64, peg: f64, fee: f64) -> Self {
        StableSwap {
            x0: ai,
            x1: cu * peg,
            amp,
            peg,
            fee,
            fees: (0.0, 0.0),
        }
    }

    /// The invariant D (Curve's Newton iteration).
    pub fn d(x0: f64, x1: f64, amp: f64) -> f64 {
        let s = x0 + x1;
        if s <= 0.0 {
            return 0.0;
        }
        let ann = 4.0 * amp;
        let mut d = s;
        for _ in 0..255 {
            let d_p = d * d * d / (4.0 * x0 * x1);
            let prev = d;
            d = (ann * s + 2.0 * d_p) * d / ((ann - 1.0) * d + 3.0 * d_p);
            if (d - prev).abs() <= 1e-13 * d {
                break;
            }
        }
        d
    }

    /// The other balance given one balance `x` and invariant `d` (Curve's `get_y`).
    pub fn y(x: f64, d: f64, amp: f64) -> f64 {
        let ann = 4.0 * amp;
        let c = d * d * d / (4.0 * x * ann);
        let b = x + d / ann;
        let mut y = d;
        for _ in 0..255 {
            let prev = y;
            y = (y * y + c) / (2.0 * y + b - d);
            if (y - prev).abs() <= 1e-13 * y.max(1e-300) {
                break;
            }
        }
        y
    }

    fn price_at(x0: f64, x1: f64, amp: f64, peg: f64) -> f64 {
        let d = Self::d(x0, x1, amp);
        let k = d * d * d / (4.0 * x0 * x1);
        // ∂I/∂x₁ ÷ ∂I/∂x₀ with I = 4A(x₀+x₁) − D³/(4x₀x₁) at fixed D.
        let g1 = 4.0 * amp + k / x1;
        let g0 = 4.0 * amp + k / x0;
        peg * g1 / g0
    }
}

impl Venue for StableSwap {
    fn spot(&self) -> f64 {
        Self::price_at(self.x0, self.x1, self.amp, self.peg)
    }
    fn quote_buy(&self, cu: f64) -> TradeResult {
        let x1n = self.x1 - cu * self.peg;
        if !(cu > 0.0) || x1n <= 1e-9 * self.x1 {
            return Err(Refusal::Liquidity);
        }
        let d = Self::d(self.x0, self.x1, self.amp);
        let x0n = Self::y(x1n, d, self.amp);
        let net = x0n - self.x0;
        if !(net.is_finite()) || net <= 0.0 {
            return Err(Refusal::Liquidity);
        }
        Ok(Fill {
            cu,
            ai: net / (1.0 - self.fee),
        })
    }
    fn quote_sell(&self, cu: f64) -> TradeResult {
        if !(cu > 0.0) {
            return Err(Refusal::Liquidity);
        }
        let d = Self::d(self.x0, self.x1, self.amp);
        let x1n = self.x1 + cu * (1.0 - self.fee) * self.peg;
        let x0n = Self::y(x1n, d, self.amp);
        let out = self.x0 - x0n;
        if !(out.is_finite()) || out <= 0.0 || x0n <= 0.0 {
            return Err(Refusal::Liquidity);
        }
        Ok(Fill { cu, ai: out })
    }
    fn buy(&mut self, cu: f64, _now: u64) -> TradeResult {
        let f = self.quote_buy(cu)?;
        let net = f.ai * (1.0 - self.fee);
        self.fees.1 += f.ai - net;
        self.x1 -= cu * self.peg;
        self.x0 += net;
        Ok(f)
    }
    fn sell(&mut self, cu: f64, _now: u64) -> TradeResult {
        let f = self.quote_sell(cu)?;
        let net = cu * (1.0 - self.fee);
        self.fees.0 += cu - net;
        self.x1 += net * self.peg;
        self.x0 -= f.ai;
        Ok(f)
    }
    fn size_to_price(&self, target: f64) -> f64 {
        let d = Self::d(self.x0, self.x1, self.amp);
        let (x1, amp, peg) = (self.x1, self.amp, self.peg);
        let after = |cu: f64| {
            let x1n = x1 - cu * peg;
            if x1n <= 1e-9 * x1 {
                return None;
            }
            let x0n = Self::y(x1n, d, amp);
            (x0n > 0.0 && x0n.is_finite()).then(|| Self::price_at(x0n, x1n, amp, peg))
        };
        bisect_size(after, self.spot(), target, x1 / peg * 0.999_999)
    }
    fn holdings(&self) -> (f64, f64) {
        (self.x1 / self.peg, self.x0)
    }
    fn lp_fees(&self) -> (f64, f64) {
        self.fees
    }
    fn boxed_clone(&self) -> Box<dyn Venue> {
        Box::new(self.clone())
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Concentrated liquidity (Uniswap v3)
// ---------------------------------------------------------------------------------------------------------------

/// A position `[pa, pb)` with liquidity `l` (in √price space).
#[derive(Clone, Copy, Debug)]
pub struct Range {
    pub sa: f64,
    pub sb: f64,
    pub l: f64,
}

impl Range {
    /// Liquidity of a position worth `value` $AI at price `p` over `[pa, pb]` (pa < p < pb).
    pub fn with_value(value: f64, p: f64, pa: f64, pb: f64) -> Range {
        let (s, sa, sb) = (p.sqrt(), pa.sqrt(), pb.sqrt());
        // value = L(1/s − 1/sb)·p + L(s − sa)
        let per_l = (1.0 / s - 1.0 / sb) * p + (s - sa);
        Range {
            sa,
            sb,
            l: value / per_l,
        }
    }
    /// Amounts (CU, $AI) at √price `s`.
    pub fn amounts(&self, s: f64) -> (f64, f64) {
        if s <= self.sa {
            (self.l * (1.0 / self.sa - 1.0 / self.sb), 0.0)
        } else if s >= self.sb {
            (0.0, self.l * (self.sb - self.sa))
        } else {
            (self.l * (1.0 / s - 1.0 / self.sb), self.l * (s - self.sa))
        }
    }
}

/// Static ranges, swaps crossing range boundaries (the active liquidity is piecewise constant in √price).
#[derive(Clone, Debug)]
pub struct Concentrated {
    pub ranges: Vec<Range>,
    /// Current √price.
    pub s: f64,
    pub fee: f64,
    /// Sorted boundaries.
    ticks: Vec<f64>,
    fees: (f64, f64),
}

impl Concentrated {
    pub fn new(ranges: Vec<Range>, price: f64, fee: f64) -> Self {
        let mut ticks: Vec<f64> = ranges.iter().flat_map(|r| [r.sa, r.sb]).collect();
        ticks.sort_by(f64::total_cmp);
        ticks.dedup();
        Concentrated {
            ranges,
            s: price.sqrt(),
            fee,
            ticks,
            fees: (0.0, 0.0),
        }
    }

    /// Active liquidity just above (`up`) or just below `s`.
    fn active(&self, s: f64, up: bool) -> f64 {
        self.ranges
            .iter()
            .filter(|r| {
                if up {
                    r.sa <= s && s < r.sb
                } else {
                    r.sa < s && s <= r.sb
                }
            })
            .map(|r| r.l)
            .sum()
    }

    /// Move √price up by buying `cu` out; returns (new s, $AI in net of fee) or None if liquidity runs out.
    fn walk_up(&self, mut cu: f64) -> Option<(f64, f64)> {
        let mut s = self.s;
        let mut ai = 0.0;
        while cu > 0.0 {
            let next = self.ticks.iter().copied().find(|&t| t > s)?;
            let l = self.active(s, true);
            if l <= 0.0 {
                s = next;
                continue;
            }
            // CU available until `next`: L(1/s − 1/next).
            let avail = l * (1.0 / s - 1.0 / next);
            if cu < avail {
                let s_new = 1.0 / (1.0 / s - cu / l);
                ai += l * (s_new - s);
                return Some((s_new, ai));
            }
            ai += l * (next - s);
            cu -= avail;
            s = next;
        }
        Some((s, ai))
    }

    /// Move √price down by selling `cu` (net of fee) in; returns (new s, $AI out).
    fn walk_down(&self, mut cu: f64) -> Option<(f64, f64)> {
        let mut s = self.s;
        let mut ai = 0.0;
        while cu > 0.0 {
            let next = self.ticks.iter().rev().copied().find(|&t| t < s)?;
            let l = self.active(s, false);
            if l <= 0.0 {
                s = next;
                continue;
            }
            let room = l * (1.0 / next - 1.0 / s);
            if cu < room {
                let s_new = 1.0 / (1.0 / s + cu / l);
                ai += l * (s - s_new);
                return Some((s_new, ai));
            }
            ai += l * (s - next);
            cu -= room;
            s = next;
        }
        Some((s, ai))
    }
}

impl Venue for Concentrated {
    fn spot(&self) -> f64 {
        self.s * self.s
    }
    fn quote_buy(&self, cu: f64) -> TradeResult {
        if !(cu > 0.0) {
            return Err(Refusal::Liquidity);
        }
        let (_, net) = self.walk_up(cu).ok_or(Refusal::Liquidity)?;
        Ok(Fill {
            cu,
            ai: net / (1.0 - self.fee),
        })
    }
    fn quote_sell(&self, cu: f64) -> TradeResult {
        if !(cu > 0.0) {
            return Err(Refusal::Liquidity);
        }
        let (_, out) = self
            .walk_down(cu * (1.0 - self.fee))
            .ok_or(Refusal::Liquidity)?;
        Ok(Fill { cu, ai: out })
    }
    fn buy(&mut self, cu: f64, _now: u64) -> TradeResult {
        let f = self.quote_buy(cu)?;
        let (s, net) = self.walk_up(cu).ok_or(Refusal::Liquidity)?;
        self.fees.1 += f.ai - net;
        self.s = s;
        Ok(f)
    }
    fn sell(&mut self, cu: f64, _now: u64) -> TradeResult {
        let f = self.quote_sell(cu)?;
        let (s, _) = self
            .walk_down(cu * (1.0 - self.fee))
            .ok_or(Refusal::Liquidity)?;
        self.fees.0 += cu * self.fee;
        self.s = s;
        Ok(f)
    }
    fn size_to_price(&self, target: f64) -> f64 {
        if !(target > 0.0) {
            return 0.0;
        }
        let (lo, hi) = (
            self.ticks.first().copied().unwrap_or(0.0),
            self.ticks.last().copied().unwrap_or(0.0),
        );
        let st = target.sqrt().clamp(lo, hi);
        let (x0, _) = self.holdings();
        let x1: f64 = self.ranges.iter().map(|r| r.amounts(st).0).sum();
        x0 - x1
    }
    fn holdings(&self) -> (f64, f64) {
        self.ranges.iter().fold((0.0, 0.0), |(x, y), r| {
            let (a, b) = r.amounts(self.s);
            (x + a, y + b)
        })
    }
    fn lp_fees(&self) -> (f64, f64) {
        self.fees
    }
    fn boxed_clone(&self) -> Box<dyn Venue> {
        Box::new(self.clone())
    }
}

// ---------------------------------------------------------------------------------------------------------------
// Oracle-priced AMM
// ---------------------------------------------------------------------------------------------------------------

/// Trades at the last oracle price ± a spread, against its reserves, with no price impact. The oracle reads the
/// index every `period` seconds and publishes it `lag` seconds late.
#[derive(Clone, Debug)]
pub struct OracleAmm {
    pub x: f64,
    pub y: f64,
    pub spread: f64,
    pub period: u64,
    pub lag: u64,
    price: f64,
    /// (observed at, value) readings not yet published.
    pending: std::collections::VecDeque<(u64, f64)>,
    last_read: Option<u64>,
    fees: (f64, f64),
}

impl OracleAmm {
    pub fn new(cu: f64, ai: f64, price: f64, spread: f64, period: u64, lag: u64) -> Self {
        OracleAmm {
            x: cu,
            y: ai,
            spread,
            period,
            lag,
            price,
            pending: Default::default(),
            last_read: None,
            fees: (0.0, 0.0),
        }
    }
}

impl Venue for OracleAmm {
    fn spot(&self) -> f64 {
        self.price
    }
    fn quote_buy(&self, cu: f64) -> TradeResult {
        if !(cu > 0.0) || cu >= self.x {
            return Err(Refusal::Liquidity);
        }
        Ok(Fill {
            cu,
            ai: cu * self.price * (1.0 + self.spread),
        })
    }
    fn quote_sell(&self, cu: f64) -> TradeResult {
        let ai = cu * self.price * (1.0 - self.spread);
        if !(cu > 0.0) || ai >= self.y {
            return Err(Refusal::Liquidity);
        }
        Ok(Fill { cu, ai })
    }
    fn buy(&mut self, cu: f64, _now: u64) -> TradeResult {
        let f = self.quote_buy(cu)?;
        let net = cu * self.price;
        self.fees.1 += f.ai - net;
        self.x -= cu;
        self.y += net;
        Ok(f)
    }
    fn sell(&mut self, cu: f64, _now: u64) -> TradeResult {
        let f = self.quote_sell(cu)?;
        let net = cu * (1.0 - self.spread);
        self.fees.0 += cu - net;
        self.x += net;
        self.y -= f.ai;
        Ok(f)
    }
    fn size_to_price(&self, _target: f64) -> f64 {
        0.0
    }
    fn oracle_priced(&self) -> bool {
        true
    }
    fn on_block(&mut self, now: u64, index: f64) {
        if self.last_read.is_none_or(|t| now >= t + self.period) {
            self.pending.push_back((now, index));
            self.last_read = Some(now);
        }
        while let Some(&(t, v)) = self.pending.front() {
            if now >= t + self.lag {
                self.price = v;
                self.pending.pop_front();
            } else {
                break;
            }
        }
    }
    fn holdings(&self) -> (f64, f64) {
        (self.x, self.y)
    }
    fn lp_fees(&self) -> (f64, f64) {
        self.fees
    }
    fn boxed_clone(&self) -> Box<dyn Venue> {
        Box::new(self.clone())
    }
}
