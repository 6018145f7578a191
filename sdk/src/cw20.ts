// cw20 messages: a hook carried by `Send`, allowances.

import { toBinaryJson } from './encoding';
import type { ContractCall } from './tx';

/** An amount of atoms: a decimal string (`Uint128` in JSON), a bigint or a safe integer. */
export type Amount = string | bigint | number;

/** The decimal string of an amount; throws unless it is a non-negative integer below 2^128. */
export function uint128(amount: Amount): string {
  const v = typeof amount === 'string' ? (/^\d+$/.test(amount) ? BigInt(amount) : NaN) : amount;
  if (typeof v === 'number' && !Number.isSafeInteger(v)) throw new Error(`not an integer amount: ${amount}`);
  const b = BigInt(v as bigint | number);
  if (b < 0n || b >= 1n << 128n) throw new Error(`amount out of range: ${amount}`);
  return b.toString();
}

/** When an allowance ends (cw20's `Expiration`). */
export type Expiration = { at_height: number } | { at_time: string } | { never: Record<string, never> };

/** The `msg` of a cw20 `Send`: the hook's JSON, base64 (what the receiving contract's `ReceiveMsg` parses). */
export function encodeHook(hook: object): string {
  return toBinaryJson(hook);
}

/**
 * A cw20 `Send` of `amount` atoms of `token` to `contract` carrying `hook` (e.g. a pool's `{swap: {...}}`, typed by the
 * generated `HmmPoolHooksTypes.ReceiveMsg`).
 */
export function cw20Send<H extends object>(args: {
  token: string;
  contract: string;
  amount: Amount;
  hook: H;
}): ContractCall {
  return {
    contractAddress: args.token,
    msg: { send: { contract: args.contract, amount: uint128(args.amount), msg: encodeHook(args.hook) } },
  };
}

/** `IncreaseAllowance`: let `spender` pull `amount` more atoms of `token` with `TransferFrom`. */
export function cw20IncreaseAllowance(args: {
  token: string;
  spender: string;
  amount: Amount;
  expires?: Expiration;
}): ContractCall {
  return {
    contractAddress: args.token,
    msg: {
      increase_allowance: {
        spender: args.spender,
        amount: uint128(args.amount),
        ...(args.expires ? { expires: args.expires } : {}),
      },
    },
  };
}

/** `DecreaseAllowance` (cw20-base removes the allowance when `amount` is at least what is left). */
export function cw20DecreaseAllowance(args: { token: string; spender: string; amount: Amount }): ContractCall {
  return {
    contractAddress: args.token,
    msg: { decrease_allowance: { spender: args.spender, amount: uint128(args.amount) } },
  };
}
