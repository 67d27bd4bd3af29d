import { chaosLine, runChaos } from './chaos/run.js';

/**
 * `npm run chaos` (issue 14): two instances on one PostgreSQL under load, SIGKILL, pg_terminate_backend,
 * a database freeze, a hanging and a flooding callback endpoint; every invariant checked in SQL at the
 * end; one line of figures. CHAOS_DATABASE_URL (or TEST_DATABASE_URL, DATABASE_URL) names the
 * database, CHAOS_SECONDS the length (default 300). Exit code 1 on any violation.
 */
const databaseUrl = process.env.CHAOS_DATABASE_URL ?? process.env.TEST_DATABASE_URL ?? process.env.DATABASE_URL;
if (!databaseUrl) {
  console.error('chaos: 需要 PostgreSQL / needs PostgreSQL: set CHAOS_DATABASE_URL (or TEST_DATABASE_URL)');
  process.exit(2);
}
const seconds = Number(process.env.CHAOS_SECONDS ?? 300);
const verbose = process.argv.includes('--verbose') || process.argv.includes('-v');
const result = await runChaos({ databaseUrl, durationMs: seconds * 1000, workers: Number(process.env.CHAOS_WORKERS ?? 6), ...(verbose ? { log: (l: string) => console.error(l) } : {}) });
for (const v of result.violations) console.error(`violation: ${v}`);
console.log(chaosLine(result));
console.log(JSON.stringify(result));
process.exit(result.violations.length === 0 ? 0 : 1);
