// Is this SDK for the contracts deployed at these addresses? cw2's `contract_info`, read by a raw query, against the
// versions the generated code was made for.

import { CONTRACT_VERSIONS } from './generated/versions';
import { utf8 } from './encoding';

/** The contracts of the exchange, by name. */
export type ContractName = keyof typeof CONTRACT_VERSIONS;

/** What `checkDeployment` needs: CosmJS's `CosmWasmClient.queryContractRaw`. */
export interface RawQuerier {
  queryContractRaw(address: string, key: Uint8Array): Promise<Uint8Array | null>;
}

/** One contract's check: what the chain says it runs, against what this SDK was generated for. */
export interface VersionCheck {
  name: ContractName;
  address: string;
  expected: string;
  found: { contract: string; version: string } | null;
  ok: boolean;
}

/**
 * Reads each contract's cw2 `contract_info` (raw key `contract_info`) and compares it with `CONTRACT_VERSIONS`: `ok`
 * when the contract is `crates.io:<name>` at the version the schemas had.
 */
export async function checkDeployment(
  client: RawQuerier,
  addresses: Partial<Record<ContractName, string>>,
): Promise<VersionCheck[]> {
  const out: VersionCheck[] = [];
  for (const [name, address] of Object.entries(addresses) as [ContractName, string][]) {
    const raw = await client.queryContractRaw(address, utf8('contract_info'));
    const found = raw ? (JSON.parse(new TextDecoder().decode(raw)) as { contract: string; version: string }) : null;
    const expected = CONTRACT_VERSIONS[name];
    out.push({
      name,
      address,
      expected,
      found,
      ok: found !== null && found.contract === `crates.io:${name}` && found.version === expected,
    });
  }
  return out;
}
