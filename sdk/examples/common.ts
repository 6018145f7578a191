// Shared by the examples: the deployment manifest (scripts/deploy), the devnet's funded keys, Injective signers,
// assertions that exit non-zero.
//
// Environment: DEPLOYMENT (default ../.devnet/deployment.json), DEVNET_KEYS (default ../.devnet/keys.json),
// CHAIN_REST (default: the manifest's `rest`).

import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { AiTokenQueryClient, InjectiveSigner } from '../src/index';

const here = dirname(fileURLToPath(import.meta.url));
const repo = resolve(here, '..', '..');

export interface Deployment {
  chain_id: string;
  rest: string;
  decimals: number;
  contracts: { ai_token: string; pool: string; router: string; orderbook: string; job_registry: string; poai: string };
  classes: { kind: string; symbol: string; token: string; pool_id: number; market_id: number }[];
  profile: string;
}

export const deployment: Deployment = JSON.parse(
  readFileSync(process.env.DEPLOYMENT ?? resolve(repo, '.devnet', 'deployment.json'), 'utf8'),
);
const keys: Record<string, { address: string; mnemonic: string }> = JSON.parse(
  readFileSync(process.env.DEVNET_KEYS ?? resolve(repo, '.devnet', 'keys.json'), 'utf8'),
);
export const m = deployment.contracts;

/** What one example leaves for the next (the job id, the worker's enclave key…): next to the deployment file. */
const stateFile = process.env.EXAMPLES_STATE ?? resolve(repo, '.devnet', 'examples-state.json');
export function loadState(): Record<string, any> {
  return existsSync(stateFile) ? JSON.parse(readFileSync(stateFile, 'utf8')) : {};
}
export function saveState(patch: Record<string, unknown>): void {
  writeFileSync(stateFile, JSON.stringify({ ...loadState(), ...patch }, null, 1) + '\n');
}

/** The SLA of the examples' jobs (the deployment's pools are tagged eu-west, interactive, privacy tier 2, TEE). */
export const SLA = { regions: ['eu-west'], max_latency: 'interactive' as const, min_privacy_tier: 2, tee_required: true };
export const rest = process.env.CHAIN_REST ?? deployment.rest;
export const ONE = 10n ** BigInt(deployment.decimals);

/** The class (CU token, pool) of a symbol, e.g. `CUHGPU`. */
export function cls(symbol: string) {
  const c = deployment.classes.find((x) => x.symbol === symbol);
  if (!c) throw new Error(`no class ${symbol} in the deployment`);
  return c;
}

/** An Injective signer for one of the devnet's keys (lp, worker1, worker2, client, verifier, admin). */
export function signer(name: string): InjectiveSigner {
  const k = keys[name];
  if (!k?.mnemonic) throw new Error(`no mnemonic for ${name} in keys.json`);
  const s = InjectiveSigner.fromMnemonic(k.mnemonic, { rest, chainId: deployment.chain_id });
  if (s.address !== k.address) throw new Error(`${name}: derived ${s.address}, keys.json has ${k.address}`);
  return s;
}

/** cw20 balance (atoms). */
export async function balance(client: InjectiveSigner, token: string, address: string): Promise<bigint> {
  const r = await new AiTokenQueryClient(client, token).balance({ address });
  return BigInt(r.balance);
}

export function check(cond: boolean, what: string): void {
  if (!cond) throw new Error(`check failed: ${what}`);
  console.log(`   ok  ${what}`);
}

export function eq(got: unknown, want: unknown, what: string): void {
  const g = typeof got === 'bigint' ? got.toString() : JSON.stringify(got);
  const w = typeof want === 'bigint' ? want.toString() : JSON.stringify(want);
  check(g === w, `${what}: ${g}${g === w ? '' : ` (expected ${w})`}`);
}

/** Latest block time (seconds) from the node. */
export async function blockTime(): Promise<number> {
  const r = await fetch(`${rest}/cosmos/base/tendermint/v1beta1/blocks/latest`);
  const b: any = await r.json();
  return Math.floor(Date.parse(b.block.header.time) / 1000);
}

export async function sleep(ms: number) {
  await new Promise((r) => setTimeout(r, ms));
}

/** Waits until the chain's block time is at least `t` (seconds). */
export async function waitUntil(t: number, why: string): Promise<void> {
  const now = await blockTime();
  if (now >= t) return;
  console.log(`   waiting ${t - now} s for ${why}`);
  while ((await blockTime()) < t) await sleep(500);
}

/** Runs an example: prints its time, exits 1 on any error (with the contract's text for a ContractError). */
export function main(name: string, body: () => Promise<void>): void {
  const t0 = Date.now();
  console.log(`== example ${name}`);
  body().then(
    () => {
      console.log(`== example ${name} passed in ${((Date.now() - t0) / 1000).toFixed(1)} s`);
      process.exit(0);
    },
    (e) => {
      console.error(`== example ${name} FAILED: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      process.exit(1);
    },
  );
}
