// Signing on Injective (eth_secp256k1 keys, EthAccount): @injectivelabs/sdk-ts builds and signs the transactions,
// this module gives the generated clients and `executeCalls` the same interface the CosmJS adapter gives.

import {
  BaseAccount,
  ChainRestAuthApi,
  MsgExecuteContract,
  PrivateKey,
  TxClient,
  createTransaction,
} from '@injectivelabs/sdk-ts';
import http from 'node:http';
import https from 'node:https';
import type { ISigningCosmWasmClient } from './generated/baseClient';
import { ContractError, type ContractCall, type Coin, type TxEvent } from './tx';

/** Where the chain is and how to pay for gas (the devnet's values are in `.devnet/endpoints.json`). */
export interface InjectiveOptions {
  /** REST (LCD) endpoint, e.g. `http://127.0.0.1:1317`: simulation, broadcast, accounts and smart queries. */
  rest: string;
  chainId: string;
  /** Atoms of `feeDenom` per gas unit; default `160000000` (Injective's minimum gas price). */
  gasPrice?: string;
  /** Default `inj`. */
  feeDenom?: string;
  /** Gas limit = ceil(simulated gas × gasMultiplier) + gasMargin. Default 1.3. */
  gasMultiplier?: number;
  /**
   * Added to the scaled estimate; default 40000. The node simulates a transaction without its fee payment (about
   * 28–29 k gas on Injective), so a factor alone does not cover small transactions (docs/devnet.md, "The gas rule").
   */
  gasMargin?: number;
  /** How long to wait for a transaction's inclusion; default 60 s. */
  timeoutMs?: number;
}

/** The outcome of an included transaction (the fields `executeCalls` and the examples read). */
export interface InjectiveExecuteResult {
  transactionHash: string;
  height: number;
  gasWanted: number;
  gasUsed: number;
  events: TxEvent[];
  logs: readonly unknown[];
}

/** The HD path of `injectived keys add` (coin type 60, eth_secp256k1). */
export const INJECTIVE_HD_PATH = "m/44'/60'/0'/0/0";

/**
 * One Injective account that signs with its private key: `execute` / `queryContractSmart` for the generated clients
 * (`new PoaiClient(signer, signer.address, m.poai)`), `executeMultiple` for {@link executeCalls} (several messages,
 * one transaction).
 *
 * Gas: every transaction is simulated first, then sent with ceil(simulated × gasMultiplier) + gasMargin gas at
 * `gasPrice`; a fee given explicitly (a `StdFee`) is used as it is. Sequence: the account number and sequence are
 * read from the node once and the sequence is counted locally after each transaction the mempool accepts; after a
 * sequence mismatch it is read again and the transaction is signed again (once). Transactions from one signer are
 * queued: calls made without awaiting go out one after another, never with the same sequence.
 * Errors: a contract's refusal (in simulation or in the block) is thrown as {@link ContractError}.
 */
export class InjectiveSigner implements ISigningCosmWasmClient {
  readonly address: string;
  private readonly key: PrivateKey;
  private readonly rest: string;
  private readonly chainId: string;
  private readonly gasPrice: bigint;
  private readonly feeDenom: string;
  private readonly gasMultiplier: number;
  private readonly gasMargin: number;
  private readonly timeoutMs: number;
  private readonly authApi: ChainRestAuthApi;
  private account: { accountNumber: number; sequence: number } | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(key: PrivateKey, opts: InjectiveOptions) {
    this.key = key;
    this.address = key.toBech32();
    this.rest = opts.rest.replace(/\/+$/, '');
    this.chainId = opts.chainId;
    this.gasPrice = BigInt(opts.gasPrice ?? '160000000');
    this.feeDenom = opts.feeDenom ?? 'inj';
    this.gasMultiplier = opts.gasMultiplier ?? 1.3;
    this.gasMargin = opts.gasMargin ?? 40000;
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.authApi = new ChainRestAuthApi(this.rest);
  }

  /** A signer from a BIP-39 mnemonic (`injectived keys add`'s, or `.devnet/keys.json`'s). */
  static fromMnemonic(mnemonic: string, opts: InjectiveOptions, hdPath = INJECTIVE_HD_PATH): InjectiveSigner {
    return new InjectiveSigner(PrivateKey.fromMnemonic(mnemonic, hdPath), opts);
  }

  /** A signer from a hex private key (with or without `0x`). */
  static fromPrivateKeyHex(hex: string, opts: InjectiveOptions): InjectiveSigner {
    return new InjectiveSigner(PrivateKey.fromHex(hex), opts);
  }

  /** A smart query (REST); the contract's refusal is thrown as {@link ContractError}. */
  async queryContractSmart(contract: string, query: Record<string, unknown>): Promise<any> {
    return injectiveQuery(this.rest, contract, query);
  }

  /** One `MsgExecuteContract` (the generated clients' `execute`); `fee` `"auto"`/undefined: simulated. */
  async execute(
    sender: string,
    contract: string,
    msg: Record<string, unknown>,
    fee?: unknown,
    memo?: string,
    funds?: readonly Coin[],
  ): Promise<InjectiveExecuteResult> {
    return this.executeMultiple(sender, [{ contractAddress: contract, msg, funds }], fee, memo);
  }

  /** Several calls in ONE transaction (all or nothing): what {@link executeCalls} takes. */
  async executeMultiple(
    sender: string,
    calls: readonly ContractCall[],
    fee?: unknown,
    memo = '',
  ): Promise<InjectiveExecuteResult> {
    if (sender !== this.address) {
      throw new Error(`this signer is ${this.address}; it cannot send for ${sender}`);
    }
    if (calls.length === 0) throw new Error('no calls');
    const msgs = this.toMsgs(calls);
    const run = () => this.send(msgs, fee, memo ?? '', true);
    const next = this.queue.then(run, run);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /**
   * Signs the calls as one transaction without a node (account number, sequence and gas given): the encoded
   * `TxRaw` bytes, ready for `/cosmos/tx/v1beta1/txs` (`tx_bytes`, base64) or `injectived tx broadcast`.
   */
  signOffline(
    calls: readonly ContractCall[],
    args: { accountNumber: number; sequence: number; gas: number | bigint; memo?: string },
  ): Uint8Array {
    const txRaw = this.sign(this.toMsgs(calls), args.memo ?? '', this.feeFor(BigInt(args.gas)), args);
    return Buffer.from(TxClient.encode(txRaw), 'base64');
  }

  private toMsgs(calls: readonly ContractCall[]): MsgExecuteContract[] {
    if (calls.length === 0) throw new Error('no calls');
    return calls.map((c) =>
      MsgExecuteContract.fromJSON({
        sender: this.address,
        contractAddress: c.contractAddress,
        msg: c.msg,
        ...(c.funds && c.funds.length > 0 ? { funds: c.funds.map((f) => ({ denom: f.denom, amount: f.amount })) } : {}),
      }),
    );
  }

  /** Native balance (e.g. `inj`) of an address. */
  async nativeBalance(address: string, denom = this.feeDenom): Promise<bigint> {
    const r = await getJson(`${this.rest}/cosmos/bank/v1beta1/balances/${address}/by_denom?denom=${encodeURIComponent(denom)}`);
    return BigInt(r?.balance?.amount ?? '0');
  }

  private async loadAccount(): Promise<{ accountNumber: number; sequence: number }> {
    if (!this.account) {
      const raw = await this.authApi.fetchAccount(this.address);
      const acc = BaseAccount.fromRestApi(raw);
      this.account = { accountNumber: acc.accountNumber, sequence: acc.sequence };
    }
    return this.account;
  }

  /**
   * The signer's public key as an `Any` of `/injective.crypto.v1beta1.ethsecp256k1.PubKey`. sdk-ts picks the key type
   * of a base64 key from the chain id (`injective*` → ethsecp256k1, anything else → cosmos secp256k1), so on a chain
   * with another id (the devnet's `hmm-local-1`) the node would refuse the transaction with "pubKey does not match
   * signer address"; an `Any` is used as it is.
   */
  private pubKeyAny(): string {
    return this.key.toPublicKey().toAny() as unknown as string;
  }

  /** The fee of `gas` at the signer's gas price. */
  private feeFor(gas: bigint): { amount: Coin[]; gas: string } {
    return { amount: [{ denom: this.feeDenom, amount: (gas * this.gasPrice).toString() }], gas: gas.toString() };
  }

  private sign(
    msgs: MsgExecuteContract[],
    memo: string,
    fee: { amount: Coin[]; gas: string },
    acc: { accountNumber: number; sequence: number },
  ) {
    const { txRaw, signHashedBytes } = createTransaction({
      message: msgs,
      memo,
      chainId: this.chainId,
      pubKey: this.pubKeyAny(),
      sequence: acc.sequence,
      accountNumber: acc.accountNumber,
      fee: { amount: fee.amount.map((c) => ({ denom: c.denom, amount: c.amount })), gas: fee.gas },
    });
    txRaw.signatures = [this.key.signHashed(signHashedBytes)];
    return txRaw;
  }

  private async send(msgs: MsgExecuteContract[], fee: unknown, memo: string, retry: boolean): Promise<InjectiveExecuteResult> {
    const acc = await this.loadAccount();
    try {
      let stdFee: { amount: Coin[]; gas: string };
      if (fee && typeof fee === 'object' && 'gas' in (fee as any)) {
        stdFee = fee as { amount: Coin[]; gas: string }; // given: used as it is
      } else {
        const multiplier = typeof fee === 'number' ? fee : this.gasMultiplier;
        const sim = await postJson(`${this.rest}/cosmos/tx/v1beta1/simulate`, {
          tx_bytes: TxClient.encode(this.sign(msgs, memo, this.feeFor(400_000n), acc)),
        });
        if (!sim.ok) throw txError('simulation', sim.body);
        const simulated = Number(sim.body?.gas_info?.gas_used);
        if (!Number.isFinite(simulated) || simulated <= 0) throw txError('simulation', sim.body);
        stdFee = this.feeFor(BigInt(Math.ceil(simulated * multiplier)) + BigInt(this.gasMargin));
      }
      return await this.broadcast(this.sign(msgs, memo, stdFee, acc), acc);
    } catch (e) {
      if (retry && /account sequence mismatch|incorrect account sequence/i.test(e instanceof Error ? e.message : String(e))) {
        this.account = undefined; // read it again from the node, sign again, once
        return this.send(msgs, fee, memo, false);
      }
      throw e;
    }
  }

  private async broadcast(txRaw: ReturnType<InjectiveSigner['sign']>, acc: { sequence: number }): Promise<InjectiveExecuteResult> {
    const sent = await postJson(`${this.rest}/cosmos/tx/v1beta1/txs`, {
      tx_bytes: TxClient.encode(txRaw),
      mode: 'BROADCAST_MODE_SYNC',
    });
    if (!sent.ok) throw txError('broadcast', sent.body);
    const r = sent.body?.tx_response;
    if (!r || Number(r.code) !== 0) throw txError('CheckTx', r ?? sent.body); // refused: the sequence is not used
    acc.sequence += 1; // in the mempool: the sequence is used whatever the block does
    const hash: string = r.txhash;
    const deadline = Date.now() + this.timeoutMs;
    for (;;) {
      const got = await requestJson(`${this.rest}/cosmos/tx/v1beta1/txs/${hash}`);
      if (got.ok) {
        const tx: any = got.body.tx_response;
        if (Number(tx.code) !== 0) throw txError('the block', tx);
        return {
          transactionHash: tx.txhash,
          height: Number(tx.height),
          gasWanted: Number(tx.gas_wanted),
          gasUsed: Number(tx.gas_used),
          events: (tx.events ?? []).map((ev: any) => ({
            type: String(ev.type),
            attributes: (ev.attributes ?? []).map((a: any) => ({ key: String(a.key), value: String(a.value ?? '') })),
          })),
          logs: tx.logs ?? [],
        };
      }
      if (Date.now() > deadline) throw new Error(`transaction ${hash} not included within ${this.timeoutMs} ms`);
      await new Promise((res) => setTimeout(res, 250));
    }
  }
}

/** A read-only client for the generated query clients: smart queries over REST, refusals as {@link ContractError}. */
export function injectiveQueryClient(rest: string) {
  const base = rest.replace(/\/+$/, '');
  return {
    queryContractSmart: (contract: string, query: Record<string, unknown>) => injectiveQuery(base, contract, query),
  };
}

async function injectiveQuery(rest: string, contract: string, query: Record<string, unknown>): Promise<any> {
  const q = Buffer.from(JSON.stringify(query)).toString('base64');
  const r = await requestJson(`${rest}/cosmwasm/wasm/v1/contract/${contract}/smart/${encodeURIComponent(q)}`);
  if (!r.ok) {
    const message = String(r.body?.message ?? JSON.stringify(r.body));
    throw ContractError.from(new Error(/wasm contract failed/.test(message) ? message : `query wasm contract failed: ${message}`));
  }
  return r.body.data;
}

async function getJson(url: string): Promise<any> {
  const r = await requestJson(url);
  if (!r.ok) throw new Error(`GET ${url}: ${JSON.stringify(r.body)}`);
  return r.body;
}

/**
 * POST JSON with node's http client and `insecureHTTPParser`: when a gRPC call fails, the node's REST gateway appends
 * an HTTP trailer holding raw protobuf bytes (`Grpc-Trailer-Grpc-Status-Details-Bin`), which fetch (undici) and axios
 * reject as an invalid header ("terminated" / "Response does not match the HTTP/1.1 protocol") — and with it the
 * node's error text, i.e. the contract's refusal. The lenient parser keeps the JSON body.
 */
function postJson(url: string, body: unknown): Promise<{ ok: boolean; body: any }> {
  return requestJson(url, body);
}

/** GET (no body) or POST (a body) of JSON through the lenient parser (see {@link postJson}). */
function requestJson(url: string, body?: unknown): Promise<{ ok: boolean; body: any }> {
  const u = new URL(url);
  const data = body === undefined ? '' : JSON.stringify(body);
  const mod = u.protocol === 'https:' ? https : http;
  return new Promise((resolve, reject) => {
    const req = mod.request(
      u,
      {
        method: body === undefined ? 'GET' : 'POST',
        insecureHTTPParser: true,
        headers: body === undefined ? { accept: 'application/json' }
          : { 'content-type': 'application/json', 'content-length': Buffer.byteLength(data) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          const ok = (res.statusCode ?? 500) < 300;
          try {
            resolve({ ok, body: JSON.parse(text) });
          } catch {
            resolve({ ok: false, body: { message: text } });
          }
        });
      },
    );
    req.on('error', reject);
    req.end(data);
  });
}

/** A node's refusal (`{code, message}` of the REST gateway, or a tx_response's `raw_log`) as an Error; a contract's
 * refusal as a {@link ContractError} carrying the contract's text. */
function txError(stage: string, body: any): Error {
  const text = String(body?.raw_log || body?.message || JSON.stringify(body));
  const e = ContractError.from(new Error(text));
  if (e instanceof ContractError) return e;
  return new InjectiveTxError(stage, text, body?.code !== undefined ? Number(body.code) : undefined);
}

/** A transaction refused for another reason than its contract (fees, sequence, signature, gas…). */
export class InjectiveTxError extends Error {
  constructor(readonly stage: string, readonly raw: string, readonly code?: number) {
    super(`Injective transaction failed in ${stage}${code !== undefined ? ` (code ${code})` : ''}: ${raw}`);
    this.name = 'InjectiveTxError';
  }
}
