// Contract calls as plain data, and how to put several of them in one transaction.

import { utf8 } from './encoding';

/** A coin: `amount` atoms of a native denomination. */
export interface Coin {
  denom: string;
  amount: string;
}

/**
 * One `MsgExecuteContract` as data: the contract, its JSON message, native funds. The same shape as CosmJS's
 * `ExecuteInstruction`, so a list of calls goes to `SigningCosmWasmClient.executeMultiple` as it is: one transaction,
 * all messages or none.
 */
export interface ContractCall {
  contractAddress: string;
  msg: Record<string, unknown>;
  funds?: readonly Coin[];
}

/** The `typeUrl` of `MsgExecuteContract`. */
export const MSG_EXECUTE_CONTRACT_TYPE_URL = '/cosmwasm.wasm.v1.MsgExecuteContract';

/** A `MsgExecuteContract` encode object (CosmJS and interchainjs `signAndBroadcast` both take this shape). */
export interface ExecuteEncodeObject {
  typeUrl: typeof MSG_EXECUTE_CONTRACT_TYPE_URL;
  value: { sender: string; contract: string; msg: Uint8Array; funds: Coin[] };
}

/** The encode object of a call sent by `sender`. */
export function toEncodeObject(sender: string, call: ContractCall): ExecuteEncodeObject {
  return {
    typeUrl: MSG_EXECUTE_CONTRACT_TYPE_URL,
    value: {
      sender,
      contract: call.contractAddress,
      msg: utf8(JSON.stringify(call.msg)),
      funds: [...(call.funds ?? [])],
    },
  };
}

/** What `executeCalls` needs of a signing client: CosmJS's `SigningCosmWasmClient` has it. */
export interface MultiExecutor {
  executeMultiple(
    senderAddress: string,
    instructions: readonly ContractCall[],
    fee: unknown,
    memo?: string,
  ): Promise<{ transactionHash: string; events: readonly TxEvent[]; gasUsed: bigint | number }>;
}

/** A transaction event (ABCI): type and attributes. */
export interface TxEvent {
  type: string;
  attributes: readonly { key: string; value: string }[];
}

/**
 * Broadcasts the calls as ONE transaction (all or nothing) and turns a contract's refusal into a {@link ContractError}
 * that carries the contract's own error text. `fee` is what the client takes (CosmJS: a `StdFee`, `"auto"`, or a
 * number — the gas multiplier applied to the simulated gas, e.g. `1.3` for a 30 % margin; a client built with a
 * `gasPrice` is needed for those two).
 */
export async function executeCalls(
  client: MultiExecutor,
  sender: string,
  calls: readonly ContractCall[],
  fee: unknown = 1.3,
  memo = '',
) {
  if (calls.length === 0) throw new Error('no calls');
  try {
    return await client.executeMultiple(sender, calls, fee, memo);
  } catch (e) {
    throw ContractError.from(e);
  }
}

/**
 * A failed transaction or simulation, with the contract's error text (`contractMessage`) cut out of the node's log
 * (`failed to execute message; message index: 1: <contract's text>: execute wasm contract failed`) and the index of
 * the message that failed, when the log says.
 */
export class ContractError extends Error {
  readonly contractMessage: string;
  readonly messageIndex: number | undefined;
  readonly raw: string;

  constructor(raw: string) {
    const parsed = parseContractError(raw);
    super(parsed.message);
    this.name = 'ContractError';
    this.raw = raw;
    this.contractMessage = parsed.message;
    this.messageIndex = parsed.index;
  }

  /** Wraps any thrown value whose text looks like a contract's refusal; returns other errors unchanged. */
  static from(e: unknown): Error {
    const text = e instanceof Error ? e.message : String(e);
    if (/execute wasm contract failed|query wasm contract failed|message index: \d+/.test(text)) {
      return new ContractError(text);
    }
    return e instanceof Error ? e : new Error(text);
  }
}

/** The contract's error text and the failing message's index in a node's error log. */
export function parseContractError(raw: string): { message: string; index: number | undefined } {
  let text = raw;
  let index: number | undefined;
  const at = /message index: (\d+): /.exec(text);
  if (at) {
    index = Number(at[1]);
    text = text.slice(at.index + at[0].length);
  } else {
    const gen = /Generic error: /.exec(text);
    if (gen) text = text.slice(gen.index);
  }
  text = text
    .replace(/: (execute|query) wasm contract failed.*$/s, '')
    .replace(/^.*?rpc error: code = \w+ desc = /s, '')
    .trim();
  return { message: text, index };
}
