// Pool actions: a swap from a quote, and providing liquidity in one transaction.

import type { Ask, PoolResponse, QuoteResponse } from './generated/HmmPool.types';
import type { ReceiveMsg as PoolHook } from './generated/HmmPoolHooks.types';
import {
  type Amount,
  type Expiration,
  cw20DecreaseAllowance,
  cw20IncreaseAllowance,
  cw20Send,
  uint128,
} from './cw20';
import type { ContractCall } from './tx';

/** The least to accept for a quoted output: `returnAmount` less `slippageBps` basis points, rounded down. */
export function minOutFor(returnAmount: Amount, slippageBps = 50): string {
  if (!Number.isInteger(slippageBps) || slippageBps < 0 || slippageBps > 10_000) {
    throw new Error(`slippageBps must be an integer in [0, 10000]: ${slippageBps}`);
  }
  return uint128((BigInt(uint128(returnAmount)) * BigInt(10_000 - slippageBps)) / 10_000n);
}

/**
 * An exact-in `Swap`: sell `amount` atoms of `offerToken` on pool `poolId` for `ask`, receiving at least the quote's
 * `return_amount` less `slippageBps` (default 50 = 0.5 %), or at least `minOut` if given.
 */
export function swapFromQuote(args: {
  poolContract: string;
  poolId: number;
  offerToken: string;
  amount: Amount;
  ask: Ask;
  quote?: QuoteResponse;
  minOut?: Amount;
  slippageBps?: number;
  deadline?: number | null;
  to?: string | null;
}): { call: ContractCall; hook: PoolHook } {
  let minOut: string | null = null;
  if (args.minOut !== undefined) minOut = uint128(args.minOut);
  else if (args.quote) minOut = minOutFor(args.quote.return_amount, args.slippageBps);
  const hook: PoolHook = {
    swap: {
      pool_id: args.poolId,
      ask: args.ask,
      exact_out: null,
      min_out: minOut,
      deadline: args.deadline ?? null,
      to: args.to ?? null,
    },
  };
  return {
    call: cw20Send({ token: args.offerToken, contract: args.poolContract, amount: args.amount, hook }),
    hook,
  };
}

/** One class of a deposit: the class's CU token and the atoms of it and of $AI to deposit. */
export interface ClassDepositOf {
  cuToken: string;
  resource: Amount;
  credits: Amount;
}

/**
 * Provide liquidity as ONE transaction: an `IncreaseAllowance` of each class's CU token and one of $AI (the sum of
 * the credits) for the pool contract, then `AddLiquidity`, which pulls them with `TransferFrom`; all messages succeed
 * or none does. A later deposit pulls only the proportional amounts of its smallest ratio, so with `revokeLeftover`
 * (default true) the transaction ends with a `DecreaseAllowance` of each token by what was granted: no allowance is
 * left behind (cw20-base removes an allowance that would go below 0; an allowance the pool had before is removed too).
 * `deposits` are in the pool's class order (`classesOf(pool)` reads it from a `Pool` query).
 */
export function provideLiquidity(args: {
  poolContract: string;
  aiToken: string;
  poolId: number;
  deposits: readonly ClassDepositOf[];
  minShares?: Amount;
  deadline?: number | null;
  expires?: Expiration;
  revokeLeftover?: boolean;
}): ContractCall[] {
  if (args.deposits.length === 0) throw new Error('no deposits');
  const seen = new Set<string>();
  let credits = 0n;
  const calls: ContractCall[] = [];
  for (const d of args.deposits) {
    if (seen.has(d.cuToken)) throw new Error(`class ${d.cuToken} twice`);
    seen.add(d.cuToken);
    if (BigInt(uint128(d.resource)) === 0n || BigInt(uint128(d.credits)) === 0n) {
      throw new Error(`class ${d.cuToken}: amounts must be positive`);
    }
    credits += BigInt(uint128(d.credits));
    calls.push(
      cw20IncreaseAllowance({ token: d.cuToken, spender: args.poolContract, amount: d.resource, expires: args.expires }),
    );
  }
  calls.push(
    cw20IncreaseAllowance({ token: args.aiToken, spender: args.poolContract, amount: credits, expires: args.expires }),
  );
  calls.push({
    contractAddress: args.poolContract,
    msg: {
      add_liquidity: {
        pool_id: args.poolId,
        deposits: args.deposits.map((d) => ({ resource: uint128(d.resource), credits: uint128(d.credits) })),
        min_shares: uint128(args.minShares ?? 0),
        deadline: args.deadline ?? null,
      },
    },
  });
  if (args.revokeLeftover ?? true) {
    for (const d of args.deposits) {
      calls.push(cw20DecreaseAllowance({ token: d.cuToken, spender: args.poolContract, amount: d.resource }));
    }
    calls.push(cw20DecreaseAllowance({ token: args.aiToken, spender: args.poolContract, amount: credits }));
  }
  return calls;
}

/**
 * Deposits in a pool's class order at its current ratio: for each class, `resource` CU atoms and the $AI its
 * reserves pair with them (credit reserve × resource ÷ resource reserve, rounded up so the deposit is not limited
 * by its $AI). For a pool without reserves (the first deposit), give `credits` per class yourself.
 */
export function depositsAtRatio(pool: PoolResponse, resources: readonly Amount[]): ClassDepositOf[] {
  if (resources.length !== pool.classes.length) {
    throw new Error(`pool ${pool.pool_id} has ${pool.classes.length} classes, ${resources.length} amounts given`);
  }
  return pool.classes.map((c, i) => {
    const q = BigInt(c.resource_reserve);
    const p = BigInt(c.credit_reserve);
    if (q === 0n) throw new Error(`pool ${pool.pool_id} class ${i} has no reserve: give the credits yourself`);
    const r = BigInt(uint128(resources[i]));
    return { cuToken: c.cu_token, resource: r.toString(), credits: ((p * r + q - 1n) / q).toString() };
  });
}
