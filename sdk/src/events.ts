// Reading what the contracts emit: every response carries a `wasm` event with an `action` attribute (each contract's
// README lists the attributes per action); the order book adds `wasm-<kind>` events (e.g. `wasm-fill`).

import type { TxEvent } from './tx';

/** One contract event: the emitting contract, the event type without the `wasm-` prefix (`wasm` for the main one),
 * its `action` if any, and its attributes (a key may repeat, e.g. the pool's `bought` per token). */
export interface ContractEvent {
  contract: string;
  type: string;
  action: string | undefined;
  attributes: Record<string, string[]>;
}

/** The contract events of a transaction, in order; `filter` keeps those of one contract and/or one action. */
export function contractEvents(
  events: readonly TxEvent[],
  filter: { contract?: string; action?: string; type?: string } = {},
): ContractEvent[] {
  const out: ContractEvent[] = [];
  for (const e of events) {
    if (e.type !== 'wasm' && !e.type.startsWith('wasm-')) continue;
    const attributes: Record<string, string[]> = {};
    for (const a of e.attributes) (attributes[a.key] ??= []).push(a.value);
    const contract = attributes._contract_address?.[0] ?? '';
    delete attributes._contract_address;
    const ev: ContractEvent = {
      contract,
      type: e.type === 'wasm' ? 'wasm' : e.type.slice('wasm-'.length),
      action: attributes.action?.[0],
      attributes,
    };
    if (filter.contract !== undefined && ev.contract !== filter.contract) continue;
    if (filter.action !== undefined && ev.action !== filter.action) continue;
    if (filter.type !== undefined && ev.type !== filter.type) continue;
    out.push(ev);
  }
  return out;
}

/** The one value of an attribute; throws if it is absent or repeated. */
export function attr(event: ContractEvent, key: string): string {
  const v = event.attributes[key];
  if (!v || v.length !== 1) throw new Error(`event ${event.action ?? event.type}: ${v ? v.length : 0} values of ${key}`);
  return v[0];
}

/** `key:value` pairs of a repeated attribute (e.g. the pool's `bought` = `cu_token:amount`), split at the last colon. */
export function pairs(event: ContractEvent, key: string): [string, string][] {
  return (event.attributes[key] ?? []).map((v) => {
    const at = v.lastIndexOf(':');
    return [v.slice(0, at), v.slice(at + 1)];
  });
}
