// CosmJS clients (standard Cosmos chains) plugged into the generated clients, with gas estimated with a margin.

import type { ICosmWasmClient, ISigningCosmWasmClient } from './generated/baseClient';
import { ContractError } from './tx';

/** The part of CosmJS's `SigningCosmWasmClient` the adapter uses. */
export interface CosmJsSigningClient {
  queryContractSmart(address: string, query: Record<string, unknown>): Promise<any>;
  execute(
    senderAddress: string,
    contractAddress: string,
    msg: Record<string, unknown>,
    fee: any,
    memo?: string,
    funds?: readonly { denom: string; amount: string }[],
  ): Promise<any>;
}

/**
 * A CosmJS `SigningCosmWasmClient` (or `CosmWasmClient` for queries) as the generated clients take it:
 * `new HmmPoolClient(fromCosmJs(client), sender, address)`. A fee of `"auto"` (the generated methods' default) or
 * none becomes the simulated gas times `gasMultiplier` (default 1.3: a 30 % margin; the CosmJS client needs a
 * `gasPrice`); a contract's refusal is thrown as a {@link ContractError} with the contract's text.
 */
export function fromCosmJs(client: CosmJsSigningClient, opts: { gasMultiplier?: number } = {}): ISigningCosmWasmClient {
  const multiplier = opts.gasMultiplier ?? 1.3;
  return {
    ...queryFromCosmJs(client),
    async execute(sender, contract, msg, fee, memo, funds) {
      try {
        return await client.execute(sender, contract, msg, fee === undefined || fee === 'auto' ? multiplier : fee, memo, funds);
      } catch (e) {
        throw ContractError.from(e);
      }
    },
  };
}

/** A read-only CosmJS `CosmWasmClient` for the generated query clients, with contract errors as {@link ContractError}. */
export function queryFromCosmJs(client: Pick<CosmJsSigningClient, 'queryContractSmart'>): ICosmWasmClient {
  return {
    async queryContractSmart(contract: string, query: any) {
      try {
        return await client.queryContractSmart(contract, query);
      } catch (e) {
        throw ContractError.from(e);
      }
    },
  };
}
