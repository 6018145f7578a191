//! A continuous limit-order book with market makers (f64; simulator only).
//!
//! Each maker holds CU and $AI, and at each of its refreshes cancels and re-posts a ladder of `LEVELS` asks and
//! bids around its fair value: the index price as it saw it `lag` seconds ago, skewed by its inventory (a maker
//! long CU quotes lower). Market orders walk the book at the makers' prices (no taker fee; makers earn the spread).
//! Between refreshes the book only loses depth.

use crate::venue::{Fill, Refusal, TradeResult, Venue};

/// Levels per side per maker.
pub const LEVELS: usize = 3;
/// Share of a maker's inventory on each level.
pub const LEVEL_SHARE: f64 = 0.1;
/// Inventory skew: fair value × (1 − SKEW·(CU share of value − ½)).
pub const SKEW: f64 = 0.1;

#[derive(Clone, Debug)]
pub struct Maker {
    pub cu: f64,
    pub ai: f64,
    pub half_spread: f64,
    /// Seconds between refreshes.
    pub refresh: u64,
    /// Age of the index reading it prices from.
    pub lag: u64,
    last_refresh: Option<u64>,
}

impl Maker {
    pub fn new(cu: f64, ai: f64, half_spread: f64, refresh: u64, lag: u64) -> Self {
        Maker {
            cu,
            ai,
            half_spread,
            refresh,
            lag,
            last_refresh: None,
        }
    }
}

#[derive(Clone, Copy, Debug)]
struct Order {
    price: f64,
    size: f64,
    maker: usize,
}

#[derive(Clone, Debug)]
pub struct Clob {
    pub makers: Vec<Maker>,
    /// Ascending by price.
    asks: Vec<Order>,
    /// Descending by price.
    bids: Vec<Order>,
    /// (time, index) readings, oldest first, pruned to the longest lag.
    history: std::collections::VecDeque<(u64, f64)>,
    last_mid: f64,
}

impl Clob {
    pub fn new(makers: Vec<Maker>, price: f64) -> Self {
        Clob {
            makers,
            asks: Vec::new(),
            bids: Vec::new(),
            history: Default::default(),
            last_mid: price,
        }
    }

    fn index_at(&self, t: u64) -> f64 {
        let mut v = self.last_mid;
        for &(time, x) in &self.history {
            if time <= t {
                v = x;
            } else {
                break;
            }
        }
        v
    }

    fn requote(&mut self, m: usize, fair_index: f64) {
        self.asks.retain(|o| o.maker != m);
        self.bids.retain(|o| o.maker != m);
        let Some(mk) = self.makers.get(m) else {
            return;
        };
        let value = mk.cu * fair_index + mk.ai;
        if value <= 0.0 {
            return;
        }
        let share = mk.cu * fair_index / value;
        let fair = fair_index * (1.0 - SKEW * (share - 0.5));
        for k in 1..=LEVELS {
            let off = mk.half_spread * k as f64;
            let ask = Order {
                price: fair * (1.0 + off),
                size: mk.cu * LEVEL_SHARE,
                maker: m,
            };
            let bid_price = fair * (1.0 - off);
            let bid = Order {
                price: bid_price,
                size: mk.ai * LEVEL_SHARE / bid_price,
                maker: m,
            };
            if ask.size > 0.0 {
                self.asks.push(ask);
            }
            if bid.size > 0.0 {
                self.bids.push(bid);
            }
        }
    }

    /// Best price first (stable: equal prices keep the makers' order). Once per block, after every re-quote.
    fn sort_book(&mut self) {
        self.asks.sort_by(|a, b| a.price.total_cmp(&b.price));
        self.bids.sort_by(|a, b| b.price.total_cmp(&a.price));
    }

    /// Walk one side for `cu`; returns the $AI total and per-order fills, or None if depth runs out.
    fn walk(book: &[Order], mut cu: f64) -> Option<(f64, Vec<(usize, f64)>)> {
        let mut ai = 0.0;
        let mut fills = Vec::new();
        for (i, o) in book.iter().enumerate() {
            if cu <= 0.0 {
                break;
            }
            let take = cu.min(o.size);
            ai += take * o.price;
            cu -= take;
            fills.push((i, take));
        }
        (cu <= 1e-12).then_some((ai, fills))
    }

    fn best(&self) -> (Option<f64>, Option<f64>) {
        (
            self.bids.first().map(|o| o.price),
            self.asks.first().map(|o| o.price),
        )
    }
}

impl Venue for Clob {
    fn spot(&self) -> f64 {
        match self.best() {
            (Some(b), Some(a)) => 0.5 * (a + b),
            (Some(b), None) => b,
            (None, Some(a)) => a,
            (None, None) => self.last_mid,
        }
    }
    fn quote_buy(&self, cu: f64) -> TradeResult {
        if !(cu > 0.0) {
            return Err(Refusal::Liquidity);
        }
        let (ai, _) = Self::walk(&self.asks, cu).ok_or(Refusal::Liquidity)?;
        Ok(Fill { cu, ai })
    }
    fn quote_sell(&self, cu: f64) -> TradeResult {
        if !(cu > 0.0) {
            return Err(Refusal::Liquidity);
        }
        let (ai, _) = Self::walk(&self.bids, cu).ok_or(Refusal::Liquidity)?;
        Ok(Fill { cu, ai })
    }
    fn buy(&mut self, cu: f64, _now: u64) -> TradeResult {
        let (ai, fills) = Self::walk(&self.asks, cu).ok_or(Refusal::Liquidity)?;
        for &(i, take) in &fills {
            if let Some(o) = self.asks.get_mut(i) {
                o.size -= take;
                if let Some(m) = self.makers.get_mut(o.maker) {
                    m.cu -= take;
                    m.ai += take * o.price;
                }
            }
        }
        self.asks.retain(|o| o.size > 1e-12);
        self.last_mid = self.spot();
        Ok(Fill { cu, ai })
    }
    fn sell(&mut self, cu: f64, _now: u64) -> TradeResult {
        let (ai, fills) = Self::walk(&self.bids, cu).ok_or(Refusal::Liquidity)?;
        for &(i, take) in &fills {
            if let Some(o) = self.bids.get_mut(i) {
                o.size -= take;
                if let Some(m) = self.makers.get_mut(o.maker) {
                    m.cu += take;
                    m.ai -= take * o.price;
                }
            }
        }
        self.bids.retain(|o| o.size > 1e-12);
        self.last_mid = self.spot();
        Ok(Fill { cu, ai })
    }
    fn size_to_price(&self, target: f64) -> f64 {
        let spot = self.spot();
        if target > spot {
            self.asks
                .iter()
                .take_while(|o| o.price < target)
                .map(|o| o.size)
                .sum()
        } else {
            -self
                .bids
                .iter()
                .take_while(|o| o.price > target)
                .map(|o| o.size)
                .sum::<f64>()
        }
    }
    fn on_block(&mut self, now: u64, index: f64) {
        self.history.push_back((now, index));
        let max_lag = self.makers.iter().map(|m| m.lag).max().unwrap_or(0);
        while self.history.len() > 2
            && self
                .history
                .get(1)
                .is_some_and(|&(t, _)| t + max_lag + 1 < now)
        {
            self.history.pop_front();
        }
        let mut requoted = false;
        for m in 0..self.makers.len() {
            let due = self
                .makers
                .get(m)
                .is_some_and(|mk| mk.last_refresh.is_none_or(|t| now >= t + mk.refresh));
            if due {
                let lag = self.makers.get(m).map_or(0, |mk| mk.lag);
                let fair = self.index_at(now.saturating_sub(lag));
                self.requote(m, fair);
                requoted = true;
                if let Some(mk) = self.makers.get_mut(m) {
                    mk.last_refresh = Some(now);
                }
            }
        }
        if requoted {
            self.sort_book();
        }
    }
    fn holdings(&self) -> (f64, f64) {
        self.makers
            .iter()
            .fold((0.0, 0.0), |(x, y), m| (x + m.cu, y + m.ai))
    }
    fn lp_fees(&self) -> (f64, f64) {
        (0.0, 0.0)
    }
    fn boxed_clone(&self) -> Box<dyn Venue> {
        Box::new(self.clone())
    }
}
