// A router quote (`Route`) turned into the purchase it prices.

import type { BundleItem, RouteResponse, SlaRequirement } from './generated/Router.types';
import type { ReceiveMsg as RouterHook } from './generated/RouterHooks.types';
import type { ReceiveMsg as PoolHook } from './generated/HmmPoolHooks.types';
import { type Amount, cw20Send, uint128 } from './cw20';
import type { ContractCall } from './tx';

/** Most pools a bundle line may name (`BundleItem::pools`). */
export const MAX_LINE_POOLS = 16;

/**
 * The most to send for a quoted cost: `maxSpend` if given (refused if below the quote: the purchase would fail with
 * `MaxInExceeded`), else the quote plus `slippageBps` basis points, rounded up. The contracts refund what is unspent.
 */
export function maxSpendFor(totalCost: Amount, opts: { maxSpend?: Amount; slippageBps?: number }): string {
  const cost = BigInt(uint128(totalCost));
  if (opts.maxSpend !== undefined) {
    const max = BigInt(uint128(opts.maxSpend));
    if (max < cost) throw new Error(`max spend ${max} is below the quoted cost ${cost}`);
    return max.toString();
  }
  const bps = opts.slippageBps ?? 50;
  if (!Number.isInteger(bps) || bps < 0) throw new Error(`slippageBps must be a non-negative integer: ${bps}`);
  return uint128((cost * BigInt(10_000 + bps) + 9_999n) / 10_000n);
}

/** Checks that a route answers these items (one leg per item, same token and amount, in order). */
export function checkRouteMatches(route: RouteResponse, items: readonly BundleItem[]): void {
  if (route.legs.length !== items.length) {
    throw new Error(`the route has ${route.legs.length} legs for ${items.length} items`);
  }
  route.legs.forEach((leg, i) => {
    if (leg.cu_token !== items[i].cu_token || leg.amount !== uint128(items[i].amount)) {
      throw new Error(`leg ${i} (${leg.amount} of ${leg.cu_token}) does not match item ${i}`);
    }
  });
}

/**
 * The `BuyBundle` that executes a quote: a cw20 `Send` of $AI to the router of at most `maxSpend` (or the quote plus
 * `slippageBps`, default 50 = 0.5 %). With `pinPools`, each line names the pools its leg was planned on, so the
 * purchase cannot be routed to a pool that was not quoted (it fails instead, if those pools moved too much).
 */
export function buyBundleFromRoute(args: {
  route: RouteResponse;
  items: readonly BundleItem[];
  sla: SlaRequirement;
  router: string;
  aiToken: string;
  maxSpend?: Amount;
  slippageBps?: number;
  pinPools?: boolean;
  deadline?: number | null;
  to?: string | null;
}): { call: ContractCall; maxSpend: string; hook: RouterHook } {
  checkRouteMatches(args.route, args.items);
  const maxSpend = maxSpendFor(args.route.total_cost, args);
  const items: BundleItem[] = args.items.map((item, i) => {
    const out: BundleItem = { cu_token: item.cu_token, amount: uint128(item.amount) };
    if (args.pinPools) {
      const leg = args.route.legs[i];
      const pools = [...new Set([leg.pool_id, ...(leg.parts ?? []).map((p) => p.pool_id)])];
      if (pools.length > MAX_LINE_POOLS) throw new Error(`leg ${i} uses ${pools.length} pools`);
      out.pools = pools;
    } else if (item.pools && item.pools.length > 0) {
      out.pools = [...item.pools];
    }
    return out;
  });
  const hook: RouterHook = {
    buy_bundle: { items, sla: args.sla, deadline: args.deadline ?? null, to: args.to ?? null },
  };
  return {
    call: cw20Send({ token: args.aiToken, contract: args.router, amount: maxSpend, hook }),
    maxSpend,
    hook,
  };
}

/**
 * The quote's plan sent straight to the pool contract as one `Buy` (`route.orders`): what the router would send,
 * without the router's second planning; the pools charge exactly the planned cost if nothing traded in between.
 */
export function buyOrdersFromRoute(args: {
  route: RouteResponse;
  aiToken: string;
  maxSpend?: Amount;
  slippageBps?: number;
  deadline?: number | null;
  to?: string | null;
}): { call: ContractCall; maxSpend: string; hook: PoolHook } {
  if (args.route.orders.length === 0) throw new Error('the route has no orders');
  const maxSpend = maxSpendFor(args.route.total_cost, args);
  const hook: PoolHook = {
    buy: {
      orders: args.route.orders.map((o) => ({ pool_id: o.pool_id, lines: o.lines })),
      deadline: args.deadline ?? null,
      to: args.to ?? null,
    },
  };
  return {
    call: cw20Send({ token: args.aiToken, contract: args.route.pool_contract, amount: maxSpend, hook }),
    maxSpend,
    hook,
  };
}
