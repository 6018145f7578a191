//! `hmm-pool`: many Hamiltonian pools in one contract, addressed by pool id (as the seeds' `IHMM` interface does).
//!
//! Units: every amount is an integer number of token atoms (`Uint128`). Every pool class trades one compute-unit
//! (CU) cw20 token against $AI (the numeraire): `resource_reserve` is the seeds' q (Ψ), `credit_reserve` is p (Θ).
//! Rates are `Decimal256`: fees and weights as fractions, prices in $AI atoms per CU atom.
//!
//! Tokens arrive through cw20 `Send` with a [`ReceiveMsg`] hook (swaps, bundle purchases);
//! liquidity is pulled with `TransferFrom` from allowances the provider granted beforehand.

use cosmwasm_schema::{cw_serde, QueryResponses};
use cosmwasm_std::{Addr, Decimal256, SignedDecimal256, Uint128};
use cw20::Cw20ReceiveMsg;

/// Seconds after a batch window closes during which only `SettleBatch` may clear it; after that anyone may also
/// `RefundBatch` it.
pub const BATCH_GRACE: u64 = 3_600;
/// Seconds after a batch window closes before `SettleBatch` honours a `defer` list: until then a settlement pays
/// every fill by transfer (a keeper cannot push traders onto the owed ledger); after it, a token that refuses
/// transfers can be deferred so the batch settles anyway.
pub const DEFER_AFTER: u64 = 600;
/// Most intents one trader may hold in one batch (with eviction of the smallest intent when a batch is full, one
/// party cannot shut others out).
pub const MAX_INTENTS_PER_TRADER: u32 = 5;

/// Creates the pool contract.
#[cw_serde]
pub struct InstantiateMsg {
    /// Owner (admin); defaults to the sender.
    pub owner: Option<String>,
    /// The $AI cw20 token, numeraire of every pool.
    pub ai_token: String,
    /// Receives the treasury share of fees.
    pub treasury: String,
    /// When true anyone may create a pool; otherwise only the owner.
    pub permissionless_pools: bool,
}

/// Which invariant a pool conserves (see `hmm-math::hamiltonian`).
#[cw_serde]
#[derive(Copy)]
pub enum CurveKind {
    /// `q·p = κ` per class (2025 eq.1): constant product.
    Bilinear,
    /// `Σ wqp + λ/2 Σ (q² + p²)`, normalised (2025 eq.2); sound only for λ < w.
    MultiAsset,
    /// `Σ wqp + λ/2 Σ w K ((q − q̄)/q̄)²`, normalised (2026 eq.4); sound for λ < 2 at target.
    TargetReserve,
    /// Target-reserve plus the kinetic term `½ μ K (p/p̄)²` (2026 eq.9).
    Augmented,
}

/// How a swap moves the pool along its level set.
#[cw_serde]
#[derive(Copy)]
pub enum ExecutionMode {
    /// Closed-form solve of the level set (default, cheapest, exact).
    Exact,
    /// Integrate the Hamiltonian flow with Störmer–Verlet (2026 Alg.1) in `steps` steps, then project.
    Verlet { steps: u32 },
    /// Integrate with Ruth's 4th-order method (2026 Alg.2) in `steps` steps, then project.
    Ruth4 { steps: u32 },
}

/// Latency class a pool's capacity is offered at (an SLA tag used by routing).
#[cw_serde]
#[derive(Copy, PartialOrd, Eq, Ord)]
pub enum LatencyClass {
    /// Interactive inference (sub-second).
    Realtime,
    /// Minutes.
    Interactive,
    /// Hours; training and batch jobs.
    Batch,
}

/// SLA tags of a pool's capacity (2026 §6.2: region z, latency l_max, privacy tier σ), matched by routing.
#[cw_serde]
pub struct SlaTags {
    /// Region code, e.g. "eu-west". Empty means unspecified (matches only requests that allow any region).
    pub region: String,
    /// The latency class the capacity meets.
    pub latency: LatencyClass,
    /// Privacy tier 0 (public) to 3 (confidential); higher serves every lower requirement.
    pub privacy_tier: u8,
    /// Whether the capacity runs in a trusted execution environment.
    pub tee: bool,
}

/// What a job or a buyer requires of the capacity it buys.
#[cw_serde]
#[derive(Default)]
pub struct SlaRequirement {
    /// Allowed regions; empty allows any.
    pub regions: Vec<String>,
    /// Slowest acceptable latency class; `None` accepts any.
    pub max_latency: Option<LatencyClass>,
    /// Minimum privacy tier.
    pub min_privacy_tier: u8,
    /// Whether a TEE is required.
    pub tee_required: bool,
}

/// One resource class of a new pool.
#[cw_serde]
pub struct ClassParams {
    /// The CU cw20 token of this class.
    pub cu_token: String,
    /// Weight wᵢ of the class in the invariant, in (0, 1]. (For MultiAsset the curve is sound only if λ < w.)
    /// The target reserve q̄ and reference credit p̄ are set by the first deposit and scale with liquidity.
    pub weight: Decimal256,
}

/// Fee parameters (2025 eq.11, 2026 eq.28) and their split; all rates are fractions (0.003 = 30 bps).
#[cw_serde]
pub struct FeeConfig {
    /// Base market fee f_m (default 0.003).
    pub market_fee: Decimal256,
    /// Risk-fee coefficient f_r, charged as `f_r · |Δq|/q` (default 0.02).
    pub risk_fee: Decimal256,
    /// Volatility surcharge f_v, charged as `f_v · Vol` (default 0.1).
    pub volatility_fee: Decimal256,
    /// Cap on the total fee rate (default 0.05).
    pub max_fee: Decimal256,
    /// Share ζ of every fee burned (default 0.25).
    pub burn_share: Decimal256,
    /// Share of every fee paid to the treasury (default 0.1); LPs get the rest.
    pub treasury_share: Decimal256,
}

/// Curvature parameters: λ₀, inertia μ and the dynamic-curvature rule λ(t) = λ₀(1 + α·Vol + β·Util) (2026 eq.30).
#[cw_serde]
pub struct CurvatureConfig {
    /// Base curvature λ₀ (dimensionless, normalised form). Ignored by `Bilinear`.
    pub lambda: Decimal256,
    /// Inertia μ (only `Augmented`); 2026 §14.1 recommends 0.01–0.1.
    pub mu: Decimal256,
    /// Volatility sensitivity α of eq.30. Must be 0 on chain (`DynamicCurvatureRefused`: a λ step would change κ
    /// with no trade); kept for the simulator's study of eq.30.
    pub alpha: Decimal256,
    /// Utilisation sensitivity β of eq.30. Must be 0 on chain, as α.
    pub beta: Decimal256,
    /// Upper bound on λ(t); must keep the curve inside the sound region (checked at every update).
    pub lambda_max: Decimal256,
}

/// A new pool.
#[cw_serde]
pub struct CreatePoolMsg {
    /// The invariant.
    pub kind: CurveKind,
    /// One entry per resource class (one for a single-resource pool).
    pub classes: Vec<ClassParams>,
    /// Curvature; defaults: λ 0.5, μ 0.05, α 0, β 0, λ_max 1.5.
    pub curvature: Option<CurvatureConfig>,
    /// Fees; defaults from the seeds (see [`FeeConfig`]).
    pub fees: Option<FeeConfig>,
    /// Execution mode; default exact.
    pub execution: Option<ExecutionMode>,
    /// SLA tags used by routing.
    pub sla: SlaTags,
    /// Largest price impact one swap may have (HIP-8 "maximum price impact limits"), e.g. 0.1 = 10 %.
    pub max_price_impact: Option<Decimal256>,
    /// Batch-auction window in seconds (2026 Alg.3): trades arrive as `BatchIntent`s and clear together at one
    /// price per class after the window. `None`: continuous trading.
    pub batch_window: Option<u64>,
}

/// One class's deposit in an `AddLiquidity`.
#[cw_serde]
pub struct ClassDeposit {
    /// CU atoms.
    pub resource: Uint128,
    /// $AI atoms.
    pub credits: Uint128,
}

/// Parameters the owner may change on an existing pool (each bounded; the curve must stay sound).
#[cw_serde]
#[derive(Default)]
pub struct PoolUpdate {
    pub curvature: Option<CurvatureConfig>,
    pub fees: Option<FeeConfig>,
    pub execution: Option<ExecutionMode>,
    pub sla: Option<SlaTags>,
    pub max_price_impact: Option<Decimal256>,
}

#[cw_serde]
pub enum ExecuteMsg {
    /// cw20 tokens arrive here (`Send`); the payload is a [`ReceiveMsg`].
    Receive(Cw20ReceiveMsg),
    /// Create a pool (owner only, unless pools are permissionless).
    CreatePool(CreatePoolMsg),
    /// Deposit every class of a pool, pulled with `TransferFrom` (grant allowances first). The first deposit sets
    /// the reserves and locks [`MINIMUM_LIQUIDITY`] shares forever; later deposits get the min-ratio share.
    AddLiquidity {
        pool_id: u64,
        /// One entry per class, in the pool's class order.
        deposits: Vec<ClassDeposit>,
        /// Refuse if fewer shares would be minted.
        min_shares: Uint128,
        /// Refuse after this block time (seconds).
        deadline: Option<u64>,
    },
    /// Burn shares for the pro-rata reserves (rounded down) plus the position's unclaimed fees.
    RemoveLiquidity {
        pool_id: u64,
        shares: Uint128,
        /// Minimum $AI to receive in total.
        min_credits: Uint128,
        /// Minimum CU atoms per class, in class order; empty: no bound.
        min_resources: Vec<Uint128>,
        deadline: Option<u64>,
        /// Tokens not to transfer now but to credit to the sender's owed ledger (`ClaimOwed`): the way out when
        /// one token of a multi-class pool refuses transfers. Empty (default): pay every token now.
        #[serde(default)]
        defer: Vec<String>,
    },
    /// Pay the sender's accrued LP fees of a pool.
    ClaimFees {
        pool_id: u64,
        /// As in `RemoveLiquidity`: tokens credited to the owed ledger instead of transferred.
        #[serde(default)]
        defer: Vec<String>,
    },
    /// Clear a batch-auction pool's intents after its window closed (anyone): one price per class, fills pro rata.
    /// A class whose clearing fails (no liquidity, fees above the amount, unsound) refunds its own intents; the
    /// other classes settle.
    SettleBatch {
        pool_id: u64,
        /// Tokens whose payouts are credited to the traders' owed ledgers (`ClaimOwed`) instead of transferred:
        /// a token that refuses transfers cannot block the batch.
        #[serde(default)]
        defer: Vec<String>,
    },
    /// The owner of a waiting intent takes it back, refunded, before the batch window closes.
    CancelIntent { pool_id: u64, intent: u32 },
    /// Refund every intent of a batch that was not settled within [`BATCH_GRACE`] seconds after its window closed
    /// (anyone): no batch can hold traders' tokens forever.
    RefundBatch {
        pool_id: u64,
        /// As in `SettleBatch`.
        #[serde(default)]
        defer: Vec<String>,
    },
    /// Pay what the owed ledger holds for the sender in `token` (deferred payouts).
    ClaimOwed { token: String },
    /// Pay the accumulated treasury share and burn the accumulated burn share (anyone), per token: a token that
    /// refuses transfers fails only a collection that includes it, so name the others in `tokens`.
    CollectProtocolFees {
        /// Only these tokens; empty (default): every token with a balance.
        #[serde(default)]
        tokens: Vec<String>,
    },
    /// Owner: change a pool's parameters within bounds.
    UpdatePool { pool_id: u64, update: PoolUpdate },
    /// Owner: stop or resume trading and deposits (withdrawals always stay open). `None`: the whole contract.
    SetPaused { pool_id: Option<u64>, paused: bool },
    /// Owner: set the treasury or whether pool creation is permissionless.
    UpdateConfig {
        treasury: Option<String>,
        permissionless_pools: Option<bool>,
    },
    /// Owner: propose a new owner, who must accept.
    ProposeOwner { owner: String },
    /// The proposed owner accepts.
    AcceptOwner {},
}

/// What a swap asks for in exchange for the tokens sent.
#[cw_serde]
pub enum Ask {
    /// $AI (sending a CU token sells it).
    Ai,
    /// This CU token (sending $AI buys it; sending another CU swaps class against class through credits).
    Cu { token: String },
}

/// One line of a bundle purchase: `amount` atoms of a CU token.
#[cw_serde]
pub struct BundleItem {
    /// The CU token to buy.
    pub cu_token: String,
    /// CU atoms to receive (exact out).
    pub amount: Uint128,
    /// Only these pools may sell the line (still filtered for eligibility: not paused, continuous, SLA met,
    /// funded; at most 16). Empty (default): the router's choice among the pools of the class (see `Route`).
    /// A buyer who knows its market names it, so no number of other pools can hide it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub pools: Vec<u64>,
}

/// Hooks carried by a cw20 `Send` to this contract.
#[cw_serde]
pub enum ReceiveMsg {
    /// Swap the tokens sent. Exact in (default): all of them are sold, `min_out` bounds the output.
    /// Exact out: `exact_out` is received and the unused input refunded; the amount sent is the maximum input.
    Swap {
        pool_id: u64,
        ask: Ask,
        /// Receive exactly this amount (exact-out mode).
        exact_out: Option<Uint128>,
        /// Minimum output (exact-in mode).
        min_out: Option<Uint128>,
        /// Refuse after this block time (seconds).
        deadline: Option<u64>,
        /// Recipient; defaults to the sender.
        to: Option<String>,
    },
    /// Buy a bundle of CU with the $AI sent, each line from the cheapest pool that meets the SLA (exact out);
    /// unspent $AI is refunded. Fails as a whole if any line cannot be filled within the amount sent.
    BuyBundle {
        items: Vec<BundleItem>,
        sla: SlaRequirement,
        deadline: Option<u64>,
        to: Option<String>,
    },
    /// Join a batch-auction pool's current batch (2026 Alg.3): sell the tokens sent for `ask` at the batch's
    /// clearing price. One class against $AI (no class-against-class intents).
    BatchIntent {
        pool_id: u64,
        ask: Ask,
        /// Refunded instead of filled if the clearing gives less.
        min_out: Option<Uint128>,
    },
}

#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    #[returns(ConfigResponse)]
    Config {},
    #[returns(PoolResponse)]
    Pool { pool_id: u64 },
    /// Pools by ascending id.
    #[returns(PoolsResponse)]
    Pools {
        start_after: Option<u64>,
        limit: Option<u32>,
    },
    /// Marginal price of a class in $AI per CU (2025 eq.3, 2026 eq.7).
    #[returns(SpotPriceResponse)]
    SpotPrice { pool_id: u64, cu_token: String },
    /// Price of one CU token in another within a multi-asset pool: the executed (credit-route) rate, and the
    /// literal 2026 eq.21 ratio for comparison.
    #[returns(CrossPriceResponse)]
    CrossPrice {
        pool_id: u64,
        offer_cu: String,
        ask_cu: String,
    },
    /// The seeds' `getQuote` for selling `offer_amount` of `offer` (the $AI token or a CU token).
    #[returns(QuoteResponse)]
    Quote {
        pool_id: u64,
        offer: String,
        ask: Ask,
        offer_amount: Uint128,
    },
    /// What must be offered to receive `ask_amount`.
    #[returns(QuoteResponse)]
    ReverseQuote {
        pool_id: u64,
        offer: String,
        ask: Ask,
        ask_amount: Uint128,
    },
    /// An LP position and its current value.
    #[returns(ShareResponse)]
    Share { pool_id: u64, owner: String },
    /// Time-weighted average price of a class over the last `window` seconds (default 1800, 2026 §12.2).
    #[returns(TwapResponse)]
    Twap {
        pool_id: u64,
        cu_token: String,
        window: Option<u64>,
    },
    /// Impermanent loss of a position since it was opened (2026 eq.25), and the constant-product value (2025 eq.14).
    #[returns(ImpermanentLossResponse)]
    ImpermanentLoss { pool_id: u64, owner: String },
    /// The intents waiting in a batch-auction pool.
    #[returns(BatchResponse)]
    Batch { pool_id: u64 },
    /// What the owed ledger holds for an address (deferred payouts, claimed with `ClaimOwed`).
    #[returns(OwedResponse)]
    Owed { address: String },
    /// Cheapest SLA-matching way to buy a bundle (what `BuyBundle` would do now): each line from the cheapest pool,
    /// or split across pools when that costs less, with the shadow price of each line. The budget has no shadow
    /// price: amounts are exact, so a budget either leaves slack (multiplier 0) or makes the bundle infeasible.
    #[returns(RouteResponse)]
    Route {
        items: Vec<BundleItem>,
        sla: SlaRequirement,
    },
    /// Rank candidate policies by expected free energy (2025 eq.15, 2026 eq.34):
    /// `EFE(π) = ΔI + ΔU − λ_c·cost(π)` and `η_π = e^{β·EFE(π)} / Σ_π' e^{β·EFE(π')}`, where `cost(π)` is what the
    /// policy's bundle costs here now (`Route`'s total) and ΔI, ΔU are the caller's expectations (they are not
    /// observable on chain). Policies are alternatives: each is priced against the pools as they are now. A policy
    /// that no SLA-matching pool can fill gets no weight. 1 to 16 policies.
    #[returns(EfeRankResponse)]
    EfeRank {
        policies: Vec<EfePolicy>,
        /// β ≥ 0, the inverse temperature: 0 weighs the feasible policies equally, a large β favours the best.
        beta: Decimal256,
        /// λ_c: EFE units per $AI atom of cost.
        cost_sensitivity: Decimal256,
    },
}

/// One candidate policy of `EfeRank`: a bundle to buy under an SLA, and what the caller expects it to be worth.
#[cw_serde]
pub struct EfePolicy {
    pub items: Vec<BundleItem>,
    pub sla: SlaRequirement,
    /// ΔI: expected information gain, in EFE units.
    pub info_gain: SignedDecimal256,
    /// ΔU: expected utility, in EFE units.
    pub utility: SignedDecimal256,
}

/// A policy's place in the EFE weighting.
#[cw_serde]
pub struct EfeScore {
    /// $AI atoms, fees included, to buy the policy's bundle now; `None` if no SLA-matching route fills it.
    pub cost: Option<Uint128>,
    /// EFE(π), rounded down (the cost term rounded up); `None` if the policy is infeasible.
    pub efe: Option<SignedDecimal256>,
    /// η_π (2026 eq.34): the policy's share of liquidity. The feasible policies' weights sum to exactly 1 (each
    /// rounds down, the remaining ulps go to the largest); 0 for an infeasible policy.
    pub weight: Decimal256,
}

#[cw_serde]
pub struct EfeRankResponse {
    /// One score per policy, in the order given.
    pub scores: Vec<EfeScore>,
    /// Indices into the policies: feasible ones by EFE from highest (ties by index), then the infeasible ones.
    pub ranking: Vec<u32>,
}

#[cw_serde]
pub struct ConfigResponse {
    pub owner: Addr,
    pub pending_owner: Option<Addr>,
    pub ai_token: Addr,
    pub treasury: Addr,
    pub permissionless_pools: bool,
    pub paused: bool,
    pub pool_count: u64,
    /// Treasury fees held for `CollectProtocolFees`, per token.
    pub pending_treasury: Vec<TokenAmount>,
    /// Burn share held for `CollectProtocolFees`, per token.
    pub pending_burn: Vec<TokenAmount>,
}

#[cw_serde]
pub struct OwedResponse {
    /// Per token, what `ClaimOwed` would pay.
    pub owed: Vec<TokenAmount>,
}

#[cw_serde]
pub struct TokenAmount {
    pub token: Addr,
    pub amount: Uint128,
}

/// One class of a pool as stored.
#[cw_serde]
pub struct ClassInfo {
    pub cu_token: Addr,
    pub weight: Decimal256,
    /// q̄ in CU atoms (scaled with liquidity).
    pub target_reserve: Uint128,
    /// p̄ in $AI atoms (scaled with liquidity).
    pub reference_credit: Uint128,
    /// q: CU atoms held for trading.
    pub resource_reserve: Uint128,
    /// p: $AI atoms held for trading.
    pub credit_reserve: Uint128,
    /// Marginal price in $AI atoms per CU atom.
    pub spot_price: Decimal256,
}

#[cw_serde]
pub struct PoolResponse {
    pub pool_id: u64,
    pub kind: CurveKind,
    pub classes: Vec<ClassInfo>,
    pub curvature: CurvatureConfig,
    /// The curvature in force now (dynamic, 2026 eq.30).
    pub lambda_now: Decimal256,
    /// Rolling volatility estimate feeding eq.28 and eq.30.
    pub volatility: Decimal256,
    pub fees: FeeConfig,
    pub execution: ExecutionMode,
    pub sla: SlaTags,
    pub max_price_impact: Decimal256,
    /// Batch-auction window in seconds; `None` for continuous trading.
    pub batch_window: Option<u64>,
    pub total_shares: Uint128,
    /// The invariant value H of the current reserves (lower bound), for monitoring κ.
    pub invariant: Decimal256,
    pub paused: bool,
}

#[cw_serde]
pub struct PoolsResponse {
    pub pools: Vec<PoolResponse>,
}

#[cw_serde]
pub struct SpotPriceResponse {
    /// $AI atoms per CU atom.
    pub price: Decimal256,
}

#[cw_serde]
pub struct CrossPriceResponse {
    /// Ask-CU atoms per offer-CU atom when swapping through credits (what a swap executes at the margin).
    pub route_price: Decimal256,
    /// The 2026 eq.21 ratio ∂H/∂q_offer ÷ ∂H/∂q_ask (not executable; see DESIGN notes).
    pub eq21_price: SignedDecimal256,
}

/// The seeds' `Quote` struct (2026 App. B): amount, fee, slippage and expiry.
#[cw_serde]
pub struct QuoteResponse {
    pub offer_amount: Uint128,
    /// ΔQ: what is received.
    pub return_amount: Uint128,
    /// Total fee, in the offered token's atoms.
    pub fee_amount: Uint128,
    /// The fee rate applied (market + risk + volatility).
    pub fee_rate: Decimal256,
    /// Price impact against the spot price, in basis points.
    pub slippage_bps: u32,
    /// The quote is for this block height; any trade changes it.
    pub expiry_height: u64,
}

#[cw_serde]
pub struct ShareResponse {
    pub shares: Uint128,
    pub total_shares: Uint128,
    /// Pro-rata reserves the shares would withdraw now, per class.
    pub resources: Vec<Uint128>,
    pub credits: Uint128,
    /// Claimable LP fees: $AI, then per class CU atoms.
    pub pending_fee_credits: Uint128,
    pub pending_fee_resources: Vec<Uint128>,
}

#[cw_serde]
pub struct TwapResponse {
    /// Average $AI atoms per CU atom over the window.
    pub price: Decimal256,
    /// The window actually covered (shorter if the pool is younger).
    pub window: u64,
    /// Price cumulative (price × seconds) now and at the start of the window.
    pub cumulative_now: Decimal256,
    pub cumulative_start: Decimal256,
    /// Observations stored for this class (ring buffer).
    pub observations: u32,
    /// The spot price now, so a caller can take max(spot, TWAP) in one query (poai values collateral so).
    pub spot: Decimal256,
    /// The class's CU reserve now (its depth; poai bounds a worker's mint per epoch against it).
    pub resource_reserve: Uint128,
}

#[cw_serde]
pub struct ImpermanentLossResponse {
    /// V_pool/V_hold − 1 at current spot prices (2026 eq.25); ≤ 0.
    pub impermanent_loss: SignedDecimal256,
    /// 2√r/(1+r) − 1 for the first class's price ratio r (2025 eq.14).
    pub constant_product_reference: SignedDecimal256,
    pub value_pool: Uint128,
    pub value_hold: Uint128,
}

/// How one line of a bundle is bought.
#[cw_serde]
pub struct RouteLeg {
    /// The pool that sells the line, or the largest part of it when the line is split (see `parts`).
    pub pool_id: u64,
    pub cu_token: Addr,
    /// CU atoms bought: the whole line.
    pub amount: Uint128,
    /// $AI in, fee included, for the whole line.
    pub cost: Uint128,
    /// When the line is split across pools (2025 §6.2, 2026 eq.22): each pool's part. Empty: one pool sells it all.
    #[serde(default)]
    pub parts: Vec<RoutePart>,
    /// Shadow price of the line's quantity constraint: the $AI cost of one more CU atom at the end of the purchase
    /// (spot price after it ÷ (1 − fee rate of its last trade); the fee rate's own growth with size is not
    /// included). Lines split across pools end with equal marginal prices to within one split step.
    #[serde(default)]
    pub marginal_price: Decimal256,
}

/// One pool's part of a line split across pools.
#[cw_serde]
pub struct RoutePart {
    pub pool_id: u64,
    /// CU atoms bought from this pool.
    pub amount: Uint128,
    /// $AI in, fee included.
    pub cost: Uint128,
}

#[cw_serde]
pub struct RouteResponse {
    pub legs: Vec<RouteLeg>,
    pub total_cost: Uint128,
}

/// One waiting intent.
#[cw_serde]
pub struct BatchIntentInfo {
    /// The intent's index in its batch (what `CancelIntent` names).
    pub intent: u32,
    pub trader: Addr,
    /// The token sent.
    pub offer_token: Addr,
    pub offer_amount: Uint128,
    /// The token asked for.
    pub ask_token: Addr,
    pub min_out: Option<Uint128>,
}

#[cw_serde]
pub struct BatchResponse {
    /// When the current batch's window closes (block time, seconds); `None` when no intent is waiting.
    pub window_end: Option<u64>,
    pub intents: Vec<BatchIntentInfo>,
}

#[cw_serde]
pub struct MigrateMsg {}

/// Shares locked forever at the first deposit (sent to nobody), so the first depositor cannot inflate the share
/// price to steal later deposits' rounding.
pub const MINIMUM_LIQUIDITY: u128 = 1_000;
