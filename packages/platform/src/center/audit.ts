import type { Queryable } from '../store/store.js';
import { toSafeInt } from '../store/store.js';

/**
 * The operator audit log (issue 13: "every operator action … is written to an audit log with who,
 * when, what, and a required reason; nobody can edit it"). The table is append-only: a trigger
 * refuses UPDATE, DELETE and TRUNCATE (migration 0006_audit_log).
 *
 * `recordAudit` takes any Queryable, so an action and its audit row commit together: pass the
 * transaction the action runs in, and a failed action leaves no audit row (nor an unaudited action).
 */
export interface AuditEntry {
  /** Who: an operator's name, or 'operatorToken (legacy)' for the shared token (deprecated). */
  actor: string;
  /** What, as a dotted verb: 'callback.resend', 'app.update', 'statement.regenerate' … */
  action: string;
  /** On what: a payOrdId, an appId, `appId/2026-12-03` … */
  target: string;
  /** Why, in the operator's words: required, never blank. */
  reason: string;
  /** Anything structured worth keeping (before/after values). Never secrets or personal data in clear. */
  detail?: Record<string, unknown>;
}

export interface AuditRecord extends AuditEntry {
  id: number;
  at: string;
}

export class AuditReasonMissing extends Error {
  constructor() {
    super('reason 必填：请说明操作原因');
    this.name = 'AuditReasonMissing';
  }
}

/** A reason as given in a request body, trimmed; undefined when absent or blank. */
export function auditReason(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  const r = value.trim();
  return r === '' ? undefined : r.slice(0, 500);
}

export async function recordAudit(q: Queryable, entry: AuditEntry): Promise<AuditRecord> {
  const reason = auditReason(entry.reason);
  if (!reason) throw new AuditReasonMissing();
  const rows = await q.query<{ id: unknown; at: Date | string }>(
    `INSERT INTO audit_log (actor, action, target, reason, detail) VALUES ($1, $2, $3, $4, $5) RETURNING id, at`,
    [entry.actor, entry.action, entry.target, reason, entry.detail === undefined ? null : JSON.stringify(entry.detail)],
  );
  const row = rows[0]!;
  return {
    id: toSafeInt(row.id, 'audit_log.id'),
    at: new Date(row.at).toISOString(),
    actor: entry.actor,
    action: entry.action,
    target: entry.target,
    reason,
    ...(entry.detail !== undefined ? { detail: entry.detail } : {}),
  };
}

export interface AuditFilter {
  from?: Date;
  to?: Date;
  actor?: string;
  action?: string;
  target?: string;
  /** 1–500, default 100. */
  limit?: number;
  /** id of the last row of the previous page (newest first). */
  before?: number;
}

/** Newest first. */
export async function listAudit(q: Queryable, f: AuditFilter = {}): Promise<AuditRecord[]> {
  const where: string[] = [];
  const params: unknown[] = [];
  const add = (sql: string, v: unknown) => {
    params.push(v);
    where.push(sql.replace('?', `$${params.length}`));
  };
  if (f.from) add('at >= ?', f.from);
  if (f.to) add('at < ?', f.to);
  if (f.actor) add('actor = ?', f.actor);
  if (f.action) add('action = ?', f.action);
  if (f.target) add('target = ?', f.target);
  if (f.before !== undefined) add('id < ?', f.before);
  const limit = Math.min(Math.max(Math.trunc(f.limit ?? 100), 1), 500);
  const rows = await q.query<{ id: unknown; at: Date | string; actor: string; action: string; target: string; reason: string; detail: unknown }>(
    `SELECT id, at, actor, action, target, reason, detail FROM audit_log
     ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY id DESC LIMIT ${limit}`,
    params,
  );
  return rows.map((r) => ({
    id: toSafeInt(r.id, 'audit_log.id'),
    at: new Date(r.at).toISOString(),
    actor: r.actor,
    action: r.action,
    target: r.target,
    reason: r.reason,
    ...(r.detail !== null && r.detail !== undefined ? { detail: (typeof r.detail === 'string' ? JSON.parse(r.detail) : r.detail) as Record<string, unknown> } : {}),
  }));
}
