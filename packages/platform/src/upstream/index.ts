import type { Queryable } from '../store/store.js';
import { DEFAULT_POLICY } from './policy.js';
import { createSimChannels } from './sim-channels.js';
import { createSimEVoucher } from './sim-evoucher.js';
import { createSimFsiCore } from './sim-fsi.js';
import type { ChannelFailureRule, PersonConfig, PolicyConfig, Upstreams } from './types.js';

export * from './types.js';
export { computeSettlement, categoryOf, resolvePolicy, DEFAULT_POLICY } from './policy.js';
export { DEFAULT_PERSONS } from './persons.js';

export interface SimUpstreamOptions {
  persons: PersonConfig[];
  policy?: PolicyConfig;
  failures?: ChannelFailureRule[];
  ecTokenTtlMs?: number;
  payAuthNoTtlMs?: number;
}

/** The built-in simulations of the three upstreams (DESIGN.md §1). */
export function createSimUpstreams(opts: SimUpstreamOptions) {
  const fsi = createSimFsiCore({ persons: opts.persons, policy: opts.policy ?? DEFAULT_POLICY });
  const channels = createSimChannels({ failures: opts.failures ?? [] });
  const evoucher = createSimEVoucher({
    persons: opts.persons,
    ...(opts.ecTokenTtlMs ? { ecTokenTtlMs: opts.ecTokenTtlMs } : {}),
    ...(opts.payAuthNoTtlMs ? { payAuthNoTtlMs: opts.payAuthNoTtlMs } : {}),
  });
  const upstreams = {
    fsi,
    channels,
    evoucher,
    persons: opts.persons,
    /** Opening balances for persons not yet in the database (safe to run on every start). */
    seed: (db: Queryable) => fsi.seedAccounts(db),
  } satisfies Upstreams & Record<string, unknown>;
  return upstreams;
}

