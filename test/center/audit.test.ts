import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { AuditReasonMissing, listAudit, recordAudit } from '../../packages/platform/src/center/audit.js';
import type { Store } from '../../packages/platform/src/store/store.js';
import { storeKinds } from '../helpers/db.js';

describe.each(storeKinds)('audit log on $name', (kind) => {
  let store: Store;
  beforeAll(async () => {
    store = await kind.open();
  });
  afterAll(async () => {
    await store?.close();
  });

  it('records inside a transaction, lists newest first with filters', async () => {
    await store.transaction(async (tx) => {
      await recordAudit(tx, { actor: 'alice', action: 'app.update', target: 'APP1', reason: '更换回调地址', detail: { notifyUrl: 'https://his/cb' } });
    });
    await recordAudit(store, { actor: 'bob', action: 'callback.resend', target: '42', reason: '医院补收' });
    const all = await listAudit(store);
    expect(all.map((r) => r.actor)).toEqual(['bob', 'alice']);
    expect(all[1]).toMatchObject({ action: 'app.update', target: 'APP1', reason: '更换回调地址', detail: { notifyUrl: 'https://his/cb' } });
    expect((await listAudit(store, { actor: 'alice' })).length).toBe(1);
    expect((await listAudit(store, { action: 'callback.resend' }))[0]!.target).toBe('42');
    expect(await listAudit(store, { from: new Date(Date.now() + 3_600_000) })).toEqual([]);
    expect((await listAudit(store, { limit: 1 })).length).toBe(1);
  });

  it('a rolled-back action leaves no audit row', async () => {
    const before = (await listAudit(store)).length;
    await expect(
      store.transaction(async (tx) => {
        await recordAudit(tx, { actor: 'carol', action: 'app.disable', target: 'APP2', reason: '停用' });
        throw new Error('the action failed');
      }),
    ).rejects.toThrow('the action failed');
    expect((await listAudit(store)).length).toBe(before);
  });

  it('a reason is required, by the code and by the table', async () => {
    await expect(recordAudit(store, { actor: 'a', action: 'x', target: 't', reason: '  ' })).rejects.toBeInstanceOf(AuditReasonMissing);
    await expect(store.query("INSERT INTO audit_log (actor, action, target, reason) VALUES ('a', 'x', 't', ' ')")).rejects.toThrow();
    await expect(store.query("INSERT INTO audit_log (actor, action, target) VALUES ('a', 'x', 't')")).rejects.toThrow();
  });

  it('nobody can edit or delete it', async () => {
    await expect(store.query("UPDATE audit_log SET reason = 'changed'")).rejects.toThrow(/append-only/);
    await expect(store.query('DELETE FROM audit_log')).rejects.toThrow(/append-only/);
    await expect(store.query('TRUNCATE audit_log')).rejects.toThrow(/append-only/);
    expect((await listAudit(store)).every((r) => r.reason !== 'changed')).toBe(true);
  });
});
