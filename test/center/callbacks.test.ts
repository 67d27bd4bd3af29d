import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';
import { authorise, LISI, payData, scanAndUpload } from '../helpers/flow.js';

async function until<T>(fn: () => Promise<T | undefined>, timeoutMs = 15_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await fn();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe.each(storeKinds)('6302 callbacks on $name', (kind) => {
  let t: TestPlatform & { reuse: any };
  beforeAll(async () => {
    t = await startTestPlatform(kind, { callbacks: { schedule: ['200ms', '200ms', '200ms', '200ms'], timeoutMs: 2000, pollMs: 100 } });
  });
  afterAll(async () => {
    await t?.close();
  });

  it('a receiver that fails three times, then succeeds: four attempts recorded, delivered once', async () => {
    t.receiver.attempts = 0;
    t.receiver.failFirst = 3;
    const received = t.receiver.received.length;
    const u = await scanAndUpload(t, LISI);
    await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    await t.receiver.waitFor(received + 1);
    expect(t.receiver.received.filter((r) => r.data.payOrdId === u.payOrdId)).toHaveLength(1);
    const list = await t.admin(`/admin/callbacks?payOrdId=${u.payOrdId}`);
    expect(list.status).toBe(200);
    const cb = await until(async () => {
      const l = await t.admin(`/admin/callbacks?payOrdId=${u.payOrdId}`);
      return l.json.callbacks[0]?.status === 'DELIVERED' ? l.json.callbacks[0] : undefined;
    });
    const detail = await t.admin(`/admin/callbacks/${cb.id}`);
    const attempts = detail.json.attemptsHistory;
    expect(attempts.map((a: { success: boolean }) => a.success)).toEqual([false, false, false, true]);
    expect(attempts.map((a: { attempt: number }) => a.attempt)).toEqual([1, 2, 3, 4]);
    expect(attempts[0].http_status).toBe(500);
    expect(attempts[0].error).toMatch(/HIS 未确认/);
    t.receiver.failFirst = 0;
  });

  it('when the schedule is used up the callback is RETRIES_EXCEEDED; an operator re-sends it', async () => {
    t.receiver.attempts = 0;
    t.receiver.failFirst = 1000;
    const u = await scanAndUpload(t, LISI);
    await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    const cb = await until(async () => {
      const l = await t.admin(`/admin/callbacks?payOrdId=${u.payOrdId}`);
      return l.json.callbacks[0]?.status === 'RETRIES_EXCEEDED' ? l.json.callbacks[0] : undefined;
    });
    expect(cb.attempts).toBe(5); // the first attempt and one per schedule entry
    t.receiver.failFirst = 0;
    const before = t.receiver.received.length;
    const resend = await t.admin(`/admin/callbacks/${cb.id}/resend`, { method: 'POST' });
    expect(resend.json).toEqual({ ok: true, id: cb.id });
    await t.receiver.waitFor(before + 1);
    const detail = await until(async () => {
      const d = await t.admin(`/admin/callbacks/${cb.id}`);
      return d.json.status === 'DELIVERED' ? d.json : undefined;
    });
    expect(detail.attemptsHistory).toHaveLength(6);
    expect(detail.attemptsHistory.at(-1).attempt).toBe(6);
  });

  it('a restart loses no pending callback', async () => {
    // the HIS is down: every attempt fails and the callback waits in the outbox
    t.receiver.failFirst = 1_000_000;
    t.receiver.attempts = 0;
    const u = await scanAndUpload(t, LISI);
    await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    await until(async () => (t.receiver.attempts > 0 ? true : undefined));
    await t.platform.close(); // the instance stops with the callback pending
    const rows = await t.reuse.store.query("SELECT status FROM callbacks WHERE pay_ord_id = $1", [u.payOrdId]);
    // Stopped right after the first failed attempt, long before its schedule (300ms, 300ms, 300ms, 1s) runs out.
    expect(rows[0].status).toBe('PENDING');
    t.receiver.failFirst = 0;
    const before = t.receiver.received.length;
    const t2 = await startTestPlatform(kind, { callbacks: { schedule: ['200ms'], timeoutMs: 2000, pollMs: 100 } }, t.reuse);
    try {
      await t.receiver.waitFor(before + 1);
      expect(t.receiver.received.at(-1)!.data.payOrdId).toBe(u.payOrdId);
    } finally {
      await t2.close();
    }
    // the original platform was closed; keep afterAll from closing it twice
    t = { ...t, close: async () => { await t.reuse.receiver.close(); await t.reuse.store.close(); } };
  });
});
