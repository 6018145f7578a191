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

/// The largest volume discount a `Buy` (or a book order) may carry: HIP-8's top tier is 30 %.
pub const MAX_FEE_DISCOUNT: cosmwasm_std::Decimal = cosmwasm_std::Decimal::percent(50);

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
    /// Integrate the Hamiltonian flow with Störmer–Verlet (2026 Alg.1) in `steps` steps, then project. Only
    /// `Bilinear` and `TargetReserve` pools (`UnsupportedExecution` otherwise).
    Verlet {
        /// Integrator steps per swap, 1 to 256.
        steps: u32,
    },
    /// Integrate with Ruth's 4th-order method (2026 Alg.2) in `steps` steps, then project. Only `Bilinear` and
    /// `TargetReserve` pools, as `Verlet`.
    Ruth4 {
        /// Integrator steps per swap, 1 to 256.
        steps: u32,
    },
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

/// Fee parameters (2025 eq.11, 2026 eq.28) and their split; all rates are fractions (0.003 = 30 bps). A trade's fee
/// rate is `min(f_m + f_r·|Δq|/q + f_v·Vol, max_fee)`, charged on the input, in the input token.
#[cw_serde]
pub struct FeeConfig {
    /// Base market fee f_m (default 0.003); positive and at most `max_fee`.
    pub market_fee: Decimal256,
    /// Risk-fee coefficient f_r, charged as `f_r · |Δq|/q` on the input reserve (default 0.02); at most 1.
    pub risk_fee: Decimal256,
    /// Volatility surcharge f_v, charged as `f_v · Vol` (default 0.1); at most 1.
    pub volatility_fee: Decimal256,
    /// Cap on the total fee rate (default 0.05); at most 0.5.
    pub max_fee: Decimal256,
    /// Share ζ of every fee burned (default 0.25); `burn_share + treasury_share` at most 1.
    pub burn_share: Decimal256,
    /// Share of every fee paid to the treasury (default 0.1); LPs get the rest.
    pub treasury_share: Decimal256,
}

/// Curvature parameters: λ₀, inertia μ and the dynamic-curvature rule λ(t) = λ₀(1 + α·Vol + β·Util) (2026 eq.30).
#[cw_serde]
pub struct CurvatureConfig {
    /// Base curvature λ₀ (dimensionless, normalised form); at most `lambda_max`. Ignored by `Bilinear`.
    pub lambda: Decimal256,
    /// Inertia μ (only `Augmented`), at most 1; 2026 §14.1 recommends 0.01–0.1.
    pub mu: Decimal256,
    /// Volatility sensitivity α of eq.30. Must be 0 on chain (`DynamicCurvatureRefused`: a λ step would change κ
    /// with no trade); kept for the simulator's study of eq.30.
    pub alpha: Decimal256,
    /// Utilisation sensitivity β of eq.30. Must be 0 on chain, as α.
    pub beta: Decimal256,
    /// Upper bound on λ(t); must keep the curve inside the sound region (checked at every update): below 2 for
    /// `TargetReserve` and `Augmented`, below every class weight for `MultiAsset`, and sound at the target with μ.
    pub lambda_max: Decimal256,
}

/// A new pool.
#[cw_serde]
pub struct CreatePoolMsg {
    /// The invariant.
    pub kind: CurveKind,
    /// One entry per resource class (one for a single-resource pool): 1 to 8, distinct tokens, none of them $AI.
    pub classes: Vec<ClassParams>,
    /// Curvature; defaults: λ 0.5, μ 0.05, α 0, β 0, λ_max 1.5.
    pub curvature: Option<CurvatureConfig>,
    /// Fees; defaults from the seeds (see [`FeeConfig`]).
    pub fees: Option<FeeConfig>,
    /// Execution mode; default exact.
    pub execution: Option<ExecutionMode>,
    /// SLA tags used by routing.
    pub sla: SlaTags,
    /// Largest price impact one swap may have (HIP-8 "maximum price impact limits"), a fraction in (0, 1], e.g.
    /// 0.1 = 10 %. Default 0.2.
    pub max_price_impact: Option<Decimal256>,
    /// Batch-auction window in seconds, 1 to 86 400 (2026 Alg.3): trades arrive as `BatchIntent`s and clear
    /// together at one price per class after the window. `None`: continuous trading. Fixed at creation.
    pub batch_window: Option<u64>,
}

/// One class's deposit in an `AddLiquidity`. The first deposit pulls exactly these amounts; a later one pulls the
/// amounts proportional to the reserves (rounded up) for the smallest ratio over all of them, so these are maxima.
#[cw_serde]
pub struct ClassDeposit {
    /// CU atoms of the class's token; positive.
    pub resource: Uint128,
    /// $AI atoms paired with this class; positive.
    pub credits: Uint128,
}

/// Parameters the owner may change on an existing pool (each bounded; the curve must stay sound).
#[cw_serde]
#[derive(Default)]
pub struct PoolUpdate {
    /// New curvature, checked as at creation; the current reserves must also stay sound under it. The curvature
    /// in force (`lambda_now`) becomes its λ. `None`: unchanged.
    pub curvature: Option<CurvatureConfig>,
    /// New fees, checked as at creation. `None`: unchanged.
    pub fees: Option<FeeConfig>,
    /// New execution mode, checked against the pool's curve kind as at creation. `None`: unchanged.
    pub execution: Option<ExecutionMode>,
    /// New SLA tags. `None`: unchanged.
    pub sla: Option<SlaTags>,
    /// New price-impact cap, a fraction in (0, 1]. `None`: unchanged.
    pub max_price_impact: Option<Decimal256>,
}

/// The pool contract's execute messages. Native funds are refused on every one (`Payment`).
#[cw_serde]
pub enum ExecuteMsg {
    /// cw20 tokens arrive here (`Send`); the payload is a [`ReceiveMsg`].
    Receive(Cw20ReceiveMsg),
    /// Create a pool (owner only, unless pools are permissionless). Pool ids count from 1.
    CreatePool(CreatePoolMsg),
    /// Deposit every class of a pool, pulled with `TransferFrom` (grant allowances first). The first deposit sets
    /// the reserves and locks [`MINIMUM_LIQUIDITY`] shares forever; later deposits get the min-ratio share.
    AddLiquidity {
        /// The pool.
        pool_id: u64,
        /// One entry per class, in the pool's class order.
        deposits: Vec<ClassDeposit>,
        /// Refuse if fewer shares would be minted (LP shares; 0: no bound).
        min_shares: Uint128,
        /// Refuse after this block time (seconds since the Unix epoch); `None`: no deadline.
        deadline: Option<u64>,
    },
    /// Burn shares for the pro-rata reserves (rounded down) plus the position's unclaimed fees. Allowed while
    /// paused.
    RemoveLiquidity {
        /// The pool.
        pool_id: u64,
        /// LP shares to burn: positive, at most the sender's.
        shares: Uint128,
        /// Minimum $AI to receive in total (reserves only, fees not counted); 0: no bound.
        min_credits: Uint128,
        /// Minimum CU atoms per class, in class order (one entry per class, or none); empty: no bound.
        min_resources: Vec<Uint128>,
        /// Refuse after this block time (seconds since the Unix epoch); `None`: no deadline.
        deadline: Option<u64>,
        /// Tokens not to transfer now but to credit to the sender's owed ledger (`ClaimOwed`): the way out when
        /// one token of a multi-class pool refuses transfers. Empty (default): pay every token now.
        #[serde(default)]
        defer: Vec<String>,
    },
    /// Pay the sender's accrued LP fees of a pool.
    ClaimFees {
        /// The pool.
        pool_id: u64,
        /// As in `RemoveLiquidity`: tokens credited to the owed ledger instead of transferred.
        #[serde(default)]
        defer: Vec<String>,
    },
    /// Clear a batch-auction pool's intents after its window closed (anyone): one price per class, fills pro rata.
    /// A class whose clearing fails (no liquidity, fees above the amount, unsound) refunds its own intents; the
    /// other classes settle.
    SettleBatch {
        /// The pool (a batch-auction pool whose current batch has intents).
        pool_id: u64,
        /// Tokens whose payouts are credited to the traders' owed ledgers (`ClaimOwed`) instead of transferred:
        /// a token that refuses transfers cannot block the batch. Accepted only [`DEFER_AFTER`] seconds after the
        /// window closed (`DeferTooEarly` before).
        #[serde(default)]
        defer: Vec<String>,
    },
    /// The owner of a waiting intent takes it back, refunded, before the batch window closes.
    CancelIntent {
        /// The batch-auction pool.
        pool_id: u64,
        /// The intent's index in the batch (`BatchIntentInfo::intent`, the `intent` attribute of `batch_intent`).
        intent: u32,
    },
    /// Refund every intent of a batch that was not settled within [`BATCH_GRACE`] seconds after its window closed
    /// (anyone): no batch can hold traders' tokens forever.
    RefundBatch {
        /// The batch-auction pool.
        pool_id: u64,
        /// As in `SettleBatch`.
        #[serde(default)]
        defer: Vec<String>,
    },
    /// Pay what the owed ledger holds for the sender in `token` (deferred payouts).
    ClaimOwed {
        /// The cw20 token address to pay out.
        token: String,
    },
    /// Pay the accumulated treasury share and burn the accumulated burn share (anyone), per token: a token that
    /// refuses transfers fails only a collection that includes it, so name the others in `tokens`.
    CollectProtocolFees {
        /// Only these tokens; empty (default): every token with a balance.
        #[serde(default)]
        tokens: Vec<String>,
    },
    /// Owner: change a pool's parameters within bounds.
    UpdatePool {
        /// The pool.
        pool_id: u64,
        /// The parameters to change; absent ones are kept.
        update: PoolUpdate,
    },
    /// Owner: stop or resume trading and deposits (withdrawals always stay open).
    SetPaused {
        /// The pool; `None`: the whole contract (every pool).
        pool_id: Option<u64>,
        /// `true` pauses, `false` resumes.
        paused: bool,
    },
    /// Owner: set the treasury or whether pool creation is permissionless.
    UpdateConfig {
        /// New treasury address; `None`: unchanged.
        treasury: Option<String>,
        /// Whether anyone may create pools; `None`: unchanged.
        permissionless_pools: Option<bool>,
        /// The router whose `Buy`s may carry a volume discount; `None`: unchanged; the empty string: none.
        #[serde(default)]
        router: Option<String>,
    },
    /// Two-step ownership transfer (cw-ownable): the owner proposes (with an optional expiry), the proposed owner
    /// accepts; the owner may also renounce.
    UpdateOwnership(cw_ownable::Action),
}

/// What a swap asks for in exchange for the tokens sent.
#[cw_serde]
pub enum Ask {
    /// $AI (sending a CU token sells it).
    Ai,
    /// This CU token (sending $AI buys it; sending another CU swaps class against class through credits).
    Cu {
        /// The CU cw20 token address: a class of the pool.
        token: String,
    },
}

/// What one pool sells in a `ReceiveMsg::Buy`: its lines, in order.
#[cw_serde]
pub struct BuyOrder {
    /// The pool.
    pub pool_id: u64,
    /// The lines: non-empty, every amount positive, every token a class of the pool.
    pub lines: Vec<BuyLine>,
}

/// One line of a `ReceiveMsg::Buy` order: `amount` atoms of one of the pool's CU tokens.
#[cw_serde]
pub struct BuyLine {
    /// The CU token to buy: a class of the pool.
    pub cu_token: String,
    /// CU atoms to receive (exact out); positive.
    pub amount: Uint128,
}

/// Hooks carried by a cw20 `Send` to this contract.
#[cw_serde]
pub enum ReceiveMsg {
    /// Swap the tokens sent. Exact in (default): all of them are sold, `min_out` bounds the output.
    /// Exact out: `exact_out` is received and the unused input refunded; the amount sent is the maximum input.
    Swap {
        /// The pool (continuous trading: a batch-auction pool refuses swaps with `BatchOnly`).
        pool_id: u64,
        /// What to receive.
        ask: Ask,
        /// Receive exactly this amount, in atoms of the asked token (exact-out mode); `None`: exact in.
        exact_out: Option<Uint128>,
        /// Minimum output in atoms of the asked token (checked in both modes); `None`: no bound.
        min_out: Option<Uint128>,
        /// Refuse after this block time (seconds since the Unix epoch); `None`: no deadline.
        deadline: Option<u64>,
        /// Recipient of the output; defaults to the sender of the tokens (a refund always goes to the sender).
        to: Option<String>,
    },
    /// Buy CU with the $AI sent, exact out: each order's lines from its pool, line after line in the order given (a
    /// later line of a class sees the earlier one's effect, and the risk fee and price-impact cap apply to the
    /// message's total per pool class); unspent $AI is refunded. No routing: the orders say which pool sells what.
    /// This is what the router (`hmm::router`) and the job registry send to execute a bundle's plan in one call,
    /// and what a buyer who chose its pools sends directly. At most 64 lines in all.
    Buy {
        /// The orders: non-empty, each pool at most once, each a continuous-trading pool (a batch-auction pool
        /// refuses with `BatchOnly`).
        orders: Vec<BuyOrder>,
        /// Refuse after this block time (seconds since the Unix epoch); `None`: no deadline.
        deadline: Option<u64>,
        /// Recipient of the CU; defaults to the sender of the $AI (the refund always goes to the sender).
        to: Option<String>,
        /// A volume discount on every fee rate (HIP-8 tiers), at most [`MAX_FEE_DISCOUNT`]: honoured only when the
        /// $AI comes from the contract's configured router (`UpdateConfig.router`), else `DiscountNotAllowed`.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        fee_discount: Option<cosmwasm_std::Decimal>,
    },
    /// Join a batch-auction pool's current batch (2026 Alg.3): sell the tokens sent for `ask` at the batch's
    /// clearing price. One class against $AI (no class-against-class intents).
    BatchIntent {
        /// The batch-auction pool.
        pool_id: u64,
        /// What to receive: `ai` when sending a CU token of the pool, that pool's CU token when sending $AI.
        ask: Ask,
        /// Refunded instead of filled if the clearing gives less.
        min_out: Option<Uint128>,
    },
}

/// The pool contract's queries.
#[cw_serde]
#[derive(QueryResponses)]
pub enum QueryMsg {
    /// The contract's configuration and the protocol fees waiting for collection.
    #[returns(ConfigResponse)]
    Config {},
    /// The owner, and the proposed owner while a transfer is pending (cw-ownable's `Ownership`).
    #[returns(cw_ownable::Ownership<String>)]
    Ownership {},
    /// One pool.
    #[returns(PoolResponse)]
    Pool {
        /// The pool.
        pool_id: u64,
    },
    /// Pools by ascending id.
    #[returns(PoolsResponse)]
    Pools {
        /// Start after this pool id.
        start_after: Option<u64>,
        /// Page size (default 10, at most 30).
        limit: Option<u32>,
    },
    /// Marginal price of a class in $AI per CU (2025 eq.3, 2026 eq.7).
    #[returns(SpotPriceResponse)]
    SpotPrice {
        /// The pool.
        pool_id: u64,
        /// The class's CU token.
        cu_token: String,
    },
    /// Price of one CU token in another within a multi-asset pool: the executed (credit-route) rate, and the
    /// literal 2026 eq.21 ratio for comparison.
    #[returns(CrossPriceResponse)]
    CrossPrice {
        /// The pool (multi-class).
        pool_id: u64,
        /// The CU token offered: a class of the pool.
        offer_cu: String,
        /// The CU token asked: another class of the pool.
        ask_cu: String,
    },
    /// The seeds' `getQuote` for selling `offer_amount` of `offer` (the $AI token or a CU token): what a `Swap`
    /// (exact in) would do now, with the same planning code, including the price-impact cap.
    #[returns(QuoteResponse)]
    Quote {
        /// The pool.
        pool_id: u64,
        /// The token offered: the $AI token or a CU token of the pool.
        offer: String,
        /// What to receive.
        ask: Ask,
        /// Atoms of `offer` sent, fee included.
        offer_amount: Uint128,
    },
    /// What must be offered to receive `ask_amount` (a `Swap` with `exact_out`).
    #[returns(QuoteResponse)]
    ReverseQuote {
        /// The pool.
        pool_id: u64,
        /// The token offered: the $AI token or a CU token of the pool.
        offer: String,
        /// What to receive.
        ask: Ask,
        /// Atoms of the asked token to receive.
        ask_amount: Uint128,
    },
    /// An LP position and its current value.
    #[returns(ShareResponse)]
    Share {
        /// The pool.
        pool_id: u64,
        /// The LP's address.
        owner: String,
    },
    /// Time-weighted average price of a class over the last `window` seconds (2026 §12.2).
    #[returns(TwapResponse)]
    Twap {
        /// The pool.
        pool_id: u64,
        /// The class's CU token.
        cu_token: String,
        /// Seconds to average over: default 1800, 0 counts as 1. Observations are stored at most once a minute in
        /// a ring of 64 per class, so a window older than the oldest kept one covers less (`TwapResponse::window`).
        window: Option<u64>,
    },
    /// Impermanent loss of a position since it was opened (2026 eq.25), and the constant-product value (2025 eq.14).
    /// Fails for an address holding no shares.
    #[returns(ImpermanentLossResponse)]
    ImpermanentLoss {
        /// The pool.
        pool_id: u64,
        /// The LP's address.
        owner: String,
    },
    /// The intents waiting in a batch-auction pool.
    #[returns(BatchResponse)]
    Batch {
        /// The batch-auction pool (`NotBatched` for a continuous one).
        pool_id: u64,
    },
    /// What the owed ledger holds for an address (deferred payouts, claimed with `ClaimOwed`).
    #[returns(OwedResponse)]
    Owed {
        /// The address.
        address: String,
    },
}

/// Answer to [`QueryMsg::Config`].
#[cw_serde]
pub struct ConfigResponse {
    /// The $AI cw20 token, numeraire of every pool.
    pub ai_token: Addr,
    /// Receives the treasury share of fees.
    pub treasury: Addr,
    /// Whether anyone may create pools.
    pub permissionless_pools: bool,
    /// Whether the whole contract is paused (each pool also has its own flag).
    pub paused: bool,
    /// Pools created so far (the last pool id).
    pub pool_count: u64,
    /// Treasury fees held for `CollectProtocolFees`, per token.
    pub pending_treasury: Vec<TokenAmount>,
    /// Burn share held for `CollectProtocolFees`, per token.
    pub pending_burn: Vec<TokenAmount>,
}

/// Answer to [`QueryMsg::Owed`].
#[cw_serde]
pub struct OwedResponse {
    /// Per token, what `ClaimOwed` would pay.
    pub owed: Vec<TokenAmount>,
}

/// An amount of one cw20 token.
#[cw_serde]
pub struct TokenAmount {
    /// The cw20 token address.
    pub token: Addr,
    /// Atoms of that token.
    pub amount: Uint128,
}

/// One class of a pool as stored.
#[cw_serde]
pub struct ClassInfo {
    /// The class's CU token.
    pub cu_token: Addr,
    /// Weight wᵢ of the class in the invariant, in (0, 1].
    pub weight: Decimal256,
    /// q̄ in CU atoms (scaled with liquidity).
    pub target_reserve: Uint128,
    /// p̄ in $AI atoms (scaled with liquidity).
    pub reference_credit: Uint128,
    /// q: CU atoms held for trading.
    pub resource_reserve: Uint128,
    /// p: $AI atoms held for trading.
    pub credit_reserve: Uint128,
    /// Marginal price in $AI atoms per CU atom; 0 while the class holds no reserve.
    pub spot_price: Decimal256,
}

/// Answer to [`QueryMsg::Pool`]: a pool's parameters and state.
#[cw_serde]
pub struct PoolResponse {
    /// The pool id.
    pub pool_id: u64,
    /// The invariant.
    pub kind: CurveKind,
    /// The classes, in the pool's class order (the order of deposits and per-class lists).
    pub classes: Vec<ClassInfo>,
    /// The curvature parameters.
    pub curvature: CurvatureConfig,
    /// The curvature in force now (dynamic, 2026 eq.30).
    pub lambda_now: Decimal256,
    /// Rolling volatility estimate feeding eq.28 and eq.30: each transaction adds 0.1 × its largest relative
    /// price move |Δπ|/π, and the sum decays by a factor e per hour.
    pub volatility: Decimal256,
    /// The fee parameters.
    pub fees: FeeConfig,
    /// How swaps move the pool along its level set.
    pub execution: ExecutionMode,
    /// The pool's SLA tags.
    pub sla: SlaTags,
    /// Largest price impact one swap may have, a fraction in (0, 1].
    pub max_price_impact: Decimal256,
    /// Batch-auction window in seconds; `None` for continuous trading.
    pub batch_window: Option<u64>,
    /// LP shares outstanding, the [`MINIMUM_LIQUIDITY`] locked ones included.
    pub total_shares: Uint128,
    /// The invariant value H of the current reserves (lower bound), for monitoring κ.
    pub invariant: Decimal256,
    /// Whether this pool is paused (the contract-wide flag is `ConfigResponse::paused`).
    pub paused: bool,
}

/// Answer to [`QueryMsg::Pools`].
#[cw_serde]
pub struct PoolsResponse {
    /// The pools, by ascending id.
    pub pools: Vec<PoolResponse>,
}

/// Answer to [`QueryMsg::SpotPrice`].
#[cw_serde]
pub struct SpotPriceResponse {
    /// $AI atoms per CU atom.
    pub price: Decimal256,
}

/// Answer to [`QueryMsg::CrossPrice`].
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
    /// What is paid, fee included, in atoms of the offered token (a reverse quote: what must be sent).
    pub offer_amount: Uint128,
    /// ΔQ: what is received.
    pub return_amount: Uint128,
    /// Total fee, in the offered token's atoms.
    pub fee_amount: Uint128,
    /// The fee rate applied (market + risk + volatility, capped); for a class-to-class swap the larger leg's.
    pub fee_rate: Decimal256,
    /// Price impact against the spot price, in basis points.
    pub slippage_bps: u32,
    /// The quote is for this block height; any trade changes it.
    pub expiry_height: u64,
}

/// Answer to [`QueryMsg::Share`].
#[cw_serde]
pub struct ShareResponse {
    /// The LP's shares.
    pub shares: Uint128,
    /// All shares of the pool.
    pub total_shares: Uint128,
    /// Pro-rata CU reserves the shares would withdraw now, per class in class order, in CU atoms (rounded down).
    pub resources: Vec<Uint128>,
    /// Pro-rata $AI the shares would withdraw now, over every class, in $AI atoms (rounded down).
    pub credits: Uint128,
    /// Claimable LP fees paid in $AI, $AI atoms.
    pub pending_fee_credits: Uint128,
    /// Claimable LP fees paid in CU, per class in class order, CU atoms.
    pub pending_fee_resources: Vec<Uint128>,
}

/// Answer to [`QueryMsg::Twap`].
#[cw_serde]
pub struct TwapResponse {
    /// Average $AI atoms per CU atom over the window.
    pub price: Decimal256,
    /// The window actually covered (shorter if the pool is younger).
    pub window: u64,
    /// Price cumulative (price × seconds) now.
    pub cumulative_now: Decimal256,
    /// Price cumulative at the start of the window (the observation it starts from).
    pub cumulative_start: Decimal256,
    /// Observations stored for this class (ring buffer).
    pub observations: u32,
    /// The spot price now, so a caller can take max(spot, TWAP) in one query (poai values collateral so).
    pub spot: Decimal256,
    /// The class's CU reserve now (its depth; poai bounds a worker's mint per epoch against it).
    pub resource_reserve: Uint128,
}

/// Answer to [`QueryMsg::ImpermanentLoss`].
#[cw_serde]
pub struct ImpermanentLossResponse {
    /// V_pool/V_hold − 1 at current spot prices (2026 eq.25); ≤ 0.
    pub impermanent_loss: SignedDecimal256,
    /// 2√r/(1+r) − 1 for the first class's price ratio r (2025 eq.14).
    pub constant_product_reference: SignedDecimal256,
    /// The position's pro-rata reserves at current spot prices, $AI atoms (rounded down).
    pub value_pool: Uint128,
    /// What the position deposited (less what it withdrew, pro rata) at current spot prices, $AI atoms.
    pub value_hold: Uint128,
}

/// One waiting intent.
#[cw_serde]
pub struct BatchIntentInfo {
    /// The intent's index in its batch (what `CancelIntent` names).
    pub intent: u32,
    /// Who sent it (and gets the fill or the refund).
    pub trader: Addr,
    /// The token sent.
    pub offer_token: Addr,
    /// Atoms of `offer_token` sent.
    pub offer_amount: Uint128,
    /// The token asked for.
    pub ask_token: Addr,
    /// Refunded instead of filled if the clearing gives less (atoms of `ask_token`).
    pub min_out: Option<Uint128>,
}

/// Answer to [`QueryMsg::Batch`].
#[cw_serde]
pub struct BatchResponse {
    /// When the current batch's window closes (block time, seconds); `None` when no intent is waiting.
    pub window_end: Option<u64>,
    /// The waiting intents, by index.
    pub intents: Vec<BatchIntentInfo>,
}

/// Migrates the pool contract to a newer code of `hmm-pool`.
#[cw_serde]
pub struct MigrateMsg {}

/// Shares locked forever at the first deposit (sent to nobody), so the first depositor cannot inflate the share
/// price to steal later deposits' rounding.
pub const MINIMUM_LIQUIDITY: u128 = 1_000;
