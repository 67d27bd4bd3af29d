import type { Store } from './store.js';
import { MIGRATIONS } from './migrations.js';

/**
 * The advisory lock every DDL statement of the migrations runs under: one number for yibao, paired
 * with the schema being migrated (migrations of different schemas of one database do not race, and
 * must not wait for each other past statement_timeout).
 */
export const MIGRATION_LOCK = 7265431;
const LOCK = `SELECT pg_advisory_xact_lock(${MIGRATION_LOCK}, hashtext(current_schema()))`;

/**
 * Applies the migrations not yet applied, in order, each in its own transaction. Several instances
 * may start at once on one database: a transaction-scoped advisory lock makes them take turns, and
 * every DDL statement runs under it, the bookkeeping table's own CREATE included (issue 14 point 8:
 * two concurrent `CREATE TABLE IF NOT EXISTS` both pass the check and one dies on
 * pg_type_typname_nsp_index).
 */
export async function migrate(store: Store, migrations: readonly { id: string; sql: string }[] = MIGRATIONS): Promise<string[]> {
  await store.transaction(async (tx) => {
    await tx.query(LOCK);
    await tx.query(`CREATE TABLE IF NOT EXISTS yb_migrations (
      id text PRIMARY KEY,
      applied_at timestamptz NOT NULL DEFAULT now()
    )`);
  });
  const applied: string[] = [];
  for (const m of migrations) {
    const done = await store.transaction(async (tx) => {
      await tx.query(LOCK);
      const rows = await tx.query('SELECT 1 FROM yb_migrations WHERE id = $1', [m.id]);
      if (rows.length > 0) return false;
      for (const statement of splitStatements(m.sql)) await tx.query(statement);
      await tx.query('INSERT INTO yb_migrations (id) VALUES ($1)', [m.id]);
      return true;
    });
    if (done) applied.push(m.id);
  }
  return applied;
}

/** Our migrations contain no functions or quoted semicolons, so `;` at a line end separates statements. */
function splitStatements(sql: string): string[] {
  return sql
    .split(/;\s*$/m)
    .map((s) => s.trim())
    .filter((s) => s.length > 0 && !/^(--[^\n]*\n?)+$/.test(s));
}
