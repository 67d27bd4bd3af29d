import { describe, expect, it } from 'vitest';
import { chaosLine, runChaos } from '../../bench/chaos/run.js';
import { TEST_DATABASE_URL } from '../helpers/db.js';

/**
 * The short chaos run of issue 14 (20 s of load, or longer until each kind of chaos — EXP injection,
 * pg_terminate_backend, kill -9 and restart, a database freeze — has happened once: ≈ 30 s; then
 * settling): `npm run chaos` is the long one (300 s by default). Served processes (`yibao serve`,
 * compiled by `npm test`'s build step) on the PostgreSQL of TEST_DATABASE_URL; every invariant
 * checked in SQL at the end.
 */
if (!TEST_DATABASE_URL) console.warn('chaos: skipped (TEST_DATABASE_URL not set; `npm run chaos` needs PostgreSQL)');

describe.skipIf(!TEST_DATABASE_URL)('chaos: two instances, kill -9, pg_terminate_backend, a frozen database, hostile callback endpoints', () => {
  it('breaks no invariant and leaves nothing in 14 or EXP', async () => {
    const result = await runChaos({ databaseUrl: TEST_DATABASE_URL!, durationMs: 20_000, workers: 4, settleMs: 45_000 });
    console.log(chaosLine(result));
    expect(result.violations).toEqual([]);
    expect(result.figures.kill9).toBeGreaterThanOrEqual(1);
    expect(result.figures.pgTerminate).toBeGreaterThanOrEqual(1);
    expect(result.figures.freezes).toBeGreaterThanOrEqual(1);
    expect(result.figures.settled).toBeGreaterThan(0);
  }, 300_000);
});
