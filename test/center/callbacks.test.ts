import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform, until, type TestPlatform } from '../helpers/platform.js';
import { authorise, LISI, payData, scanAndUpload, ZHANGSAN } from '../helpers/flow.js';
import { buildCallbackAck } from '../../packages/yibao/src/protocol/mobile.js';
import { createServer, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { DEFAULT_CALLBACK_SCHEDULE, parseDuration } from '../../packages/platform/src/center/config.js';

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
/** WeChat Pay's notification intervals, which the issue asks for as the default schedule. */
const WECHAT_SCHEDULE_MS = [15 * SECOND, 15 * SECOND, 30 * SECOND, 3 * MINUTE, 10 * MINUTE, 20 * MINUTE, 30 * MINUTE, 30 * MINUTE, 30 * MINUTE, 60 * MINUTE, 3 * HOUR, 3 * HOUR, 3 * HOUR, 6 * HOUR, 6 * HOUR];

interface AttemptRow {
  attempt: number;
  started_at: string;
  duration_ms: number | null;
  success: boolean | null;
}

/** When an attempt's outcome was known: the worker computes the next attempt time after this. */
const endOf = (a: { started_at: Date | string; duration_ms: number | null }): number => new Date(a.started_at).getTime() + (a.duration_ms ?? 0);

/**
 * How long the outbox waits after failed attempt `n` of a callback, once that failure is written
 * back (undefined before). One statement, so the row's next attempt time and the attempt are read
 * together: the operator endpoint reads them in two queries, which a delivery can fall between.
 */
async function waitAfterFailure(p: TestPlatform, callbackId: number, n: number): Promise<number | undefined> {
  const [r] = await p.platform.deps.store.query<{ next_attempt_at: Date | string; started_at: Date | string; duration_ms: number | null }>(
    `SELECT c.next_attempt_at, a.started_at, a.duration_ms FROM callbacks c JOIN callback_attempts a ON a.callback_id = c.id AND a.attempt = c.attempts
     WHERE c.id = $1 AND c.attempts = $2 AND c.status = 'PENDING' AND c.lease_until IS NULL AND a.success = false`,
    [callbackId, n],
  );
  return r ? new Date(r.next_attempt_at).getTime() - endOf(r) : undefined;
}

describe('default 6302 schedule', () => {
  it("is WeChat Pay's, in milliseconds", () => {
    expect(DEFAULT_CALLBACK_SCHEDULE.map(parseDuration)).toEqual(WECHAT_SCHEDULE_MS);
  });
});

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
    const u = await scanAndUpload(t, LISI);
    await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    await t.receiver.waitForOrder(u.payOrdId);
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

  it('a HIS that answers HTTP 200 with success:false is retried until it answers success:true', async () => {
    // mobile-payment.txt 2.3.1.3.2: the HIS acknowledges with data.success; HTTP 200 alone is not an ack.
    t.receiver.attempts = 0;
    t.receiver.failFirst = 2;
    t.receiver.failWith = 'ack-false';
    t.receiver.failMessage = '院内订单处理中，请稍后重试';
    try {
      const u = await scanAndUpload(t, LISI);
      await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
      const cb = await until(async () => {
        const l = await t.admin(`/admin/callbacks?payOrdId=${u.payOrdId}`);
        return l.json.callbacks[0]?.status === 'DELIVERED' ? l.json.callbacks[0] : undefined;
      });
      const detail = await t.admin(`/admin/callbacks/${cb.id}`);
      const attempts = detail.json.attemptsHistory as Array<{ success: boolean; http_status: number; error: string | null; response_body: string }>;
      expect(attempts.map((a) => a.success)).toEqual([false, false, true]);
      expect(attempts.map((a) => a.http_status)).toEqual([200, 200, 200]);
      for (const a of attempts.slice(0, 2)) {
        expect(a.error).toBe('HIS 未确认：HTTP 200，院内订单处理中，请稍后重试');
        expect(JSON.parse(a.response_body).data).toEqual({ success: false, message: '院内订单处理中，请稍后重试' });
      }
      expect(attempts[2]!.error).toBeNull();
      expect(detail.json.attempts).toBe(3);
      expect(detail.json.last_error).toBeNull();
      expect(t.receiver.received.filter((r) => r.data.payOrdId === u.payOrdId)).toHaveLength(1);
    } finally {
      t.receiver.failFirst = 0;
      t.receiver.failWith = 'http-500';
      t.receiver.failMessage = '院内系统繁忙';
    }
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
    const resend = await t.admin(`/admin/callbacks/${cb.id}/resend`, { method: 'POST' });
    expect(resend.json).toEqual({ ok: true, id: cb.id });
    await t.receiver.waitForOrder(u.payOrdId);
    const detail = await until(async () => {
      const d = await t.admin(`/admin/callbacks/${cb.id}`);
      return d.json.status === 'DELIVERED' ? d.json : undefined;
    });
    expect(detail.attemptsHistory).toHaveLength(6);
    expect(detail.attemptsHistory.at(-1).attempt).toBe(6);
  });

  it('an attempt is recorded when it starts: one cut off by a dead instance shows as interrupted; no resend while one runs', async () => {
    t.receiver.failFirst = 1_000_000;
    const u = await scanAndUpload(t, LISI);
    await t.call('6202', payData(u, (await authorise(t, LISI)).payAuthNo));
    const cb = await until(async () => (await t.admin(`/admin/callbacks?payOrdId=${u.payOrdId}`)).json.callbacks[0]);
    // As if an instance had claimed it and died mid-delivery: an attempt with no outcome, a lease that ran out.
    await t.platform.deps.store.query(
      `INSERT INTO callback_attempts (callback_id, attempt, started_at, duration_ms, success) VALUES ($1, (SELECT count(*) + 1 FROM callback_attempts WHERE callback_id = $1), now(), NULL, NULL)`,
      [cb.id],
    );
    // While a delivery holds the lease, the operator's resend is refused (it would deliver twice at once).
    await t.platform.deps.store.query("UPDATE callbacks SET lease_until = now() + interval '1 minute' WHERE id = $1", [cb.id]);
    expect((await t.admin(`/admin/callbacks/${cb.id}/resend`, { method: 'POST' })).status).toBe(409);
    await t.platform.deps.store.query("UPDATE callbacks SET lease_until = now() - interval '1 second', next_attempt_at = now() WHERE id = $1", [cb.id]);
    t.receiver.failFirst = 0;
    const detail = await until(async () => {
      const d = await t.admin(`/admin/callbacks/${cb.id}`);
      return d.json.status === 'DELIVERED' ? d.json : undefined;
    });
    const history = detail.attemptsHistory as Array<{ success: boolean | null; error: string | null }>;
    expect(history.some((a) => a.success === false && /投递中断/.test(a.error ?? ''))).toBe(true);
    expect(history.at(-1)!.success).toBe(true);
    expect(history.every((a) => a.success !== null)).toBe(true);
  });

  it('each retry waits the delay of its own schedule step', async () => {
    // Uneven steps, so that a worker reusing one step's delay for another is seen.
    const schedule = ['1s', '3s'];
    const p = await startTestPlatform(kind, { callbacks: { schedule, timeoutMs: 2000, pollMs: 100 } });
    try {
      p.receiver.failFirst = 2;
      const u = await scanAndUpload(p, LISI);
      await p.call('6202', payData(u, (await authorise(p, LISI)).payAuthNo));
      const cb = await until(async () => (await p.admin(`/admin/callbacks?payOrdId=${u.payOrdId}`)).json.callbacks[0]);
      // While it waits for each retry, the row says when that is: exactly its own step after the
      // failed attempt's recorded end (±2 ms of timestamp rounding), not the other step.
      for (const [i, delay] of schedule.map(parseDuration).entries()) {
        const wait = await until(() => waitAfterFailure(p, cb.id, i + 1));
        expect(Math.abs(wait - delay), `wait after attempt ${i + 1}: ${wait}`).toBeLessThanOrEqual(2);
      }
      const detail = await until(async () => {
        const d = (await p.admin(`/admin/callbacks/${cb.id}`)).json;
        return d.status === 'DELIVERED' ? d : undefined;
      });
      const history = detail.attemptsHistory as AttemptRow[];
      expect(history.map((a) => a.success)).toEqual([false, false, true]);
      // Attempt n+1 does not start before step n's delay has passed since attempt n ended.
      for (const [i, delay] of schedule.map(parseDuration).entries()) {
        const gap = new Date(history[i + 1]!.started_at).getTime() - endOf(history[i]!);
        expect(gap, `wait before attempt ${i + 2}`).toBeGreaterThanOrEqual(delay - 2);
      }
    } finally {
      await p.close();
    }
  });

  it("without callbacks.schedule the platform retries on WeChat Pay's schedule, step by step", async () => {
    // No schedule in the config: the platform resolves the default itself. Hours cannot be waited
    // out, so after each failed attempt the recorded next attempt time is checked against the step,
    // then moved to now.
    const p = await startTestPlatform(kind, { callbacks: { timeoutMs: 2000, pollMs: 100 } });
    try {
      p.receiver.failFirst = 1_000_000;
      const u = await scanAndUpload(p, LISI);
      await p.call('6202', payData(u, (await authorise(p, LISI)).payAuthNo));
      const cb = await until(async () => (await p.admin(`/admin/callbacks?payOrdId=${u.payOrdId}`)).json.callbacks[0]);
      const waits: number[] = [];
      for (let n = 1; n <= WECHAT_SCHEDULE_MS.length; n++) {
        waits.push(await until(() => waitAfterFailure(p, cb.id, n)));
        const moved = await p.platform.deps.store.query(
          "UPDATE callbacks SET next_attempt_at = now() WHERE id = $1 AND attempts = $2 AND status = 'PENDING' AND lease_until IS NULL RETURNING id",
          [cb.id, n],
        );
        expect(moved).toHaveLength(1);
      }
      for (const [i, expected] of WECHAT_SCHEDULE_MS.entries()) {
        expect(Math.abs(waits[i]! - expected), `wait after attempt ${i + 1}: ${waits[i]}`).toBeLessThanOrEqual(2);
      }
      // One attempt, then one per step: the 16th failure ends it.
      const done = await until(async () => {
        const r = (await p.admin(`/admin/callbacks/${cb.id}`)).json;
        return r.status === 'RETRIES_EXCEEDED' ? r : undefined;
      });
      expect(done.attempts).toBe(WECHAT_SCHEDULE_MS.length + 1);
      expect(done.attemptsHistory).toHaveLength(WECHAT_SCHEDULE_MS.length + 1);
    } finally {
      await p.close();
    }
  });

  it('an institution whose endpoint hangs takes at most half the delivery slots: another institution\'s callback goes through meanwhile', async () => {
    // Its own platform: a long delivery timeout, so that the hanging attempts stay open throughout.
    const p = await startTestPlatform(kind, { callbacks: { schedule: ['1s'], timeoutMs: 20_000, pollMs: 100 } });
    const hanging: ServerResponse[] = [];
    const hang = createServer((_req, res) => void hanging.push(res));
    const arrived: string[] = [];
    const quick = createServer((req, res) => {
      let body = '';
      req.on('data', (c) => (body += c));
      req.on('end', () => {
        arrived.push(body);
        res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(buildCallbackAck(true, 'ok')));
      });
    });
    const listen = async (s: Server) => {
      await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
      return `http://127.0.0.1:${(s.address() as AddressInfo).port}/notify`;
    };
    try {
      await p.post(`/sandbox/apps/${p.app.keys.appId}`, { notifyUrl: await listen(hang), encryptCallbacks: false });
      await p.post(`/sandbox/apps/${p.other.keys.appId}`, { notifyUrl: await listen(quick), encryptCallbacks: false });
      // Six paid orders of the first institution, whose endpoint never answers…
      for (let i = 0; i < 6; i++) {
        const u = await scanAndUpload(p, LISI);
        expect((await p.call('6202', payData(u, (await authorise(p, LISI)).payAuthNo))).code).toBe('0');
      }
      await until(async () => (hanging.length >= 5 ? true : undefined));
      // …then one of the other institution: delivered while all five slots of the first still hang.
      const b = await scanAndUpload(p, ZHANGSAN, { app: p.other });
      expect((await p.call('6202', payData(b, (await authorise(p, ZHANGSAN, p.other.config.orgCodg)).payAuthNo), { app: p.other })).code).toBe('0');
      await until(async () => (arrived.some((x) => x.includes(b.payOrdId)) ? true : undefined), 10_000);
      expect(hanging.filter((r) => !r.writableEnded && !r.destroyed)).toHaveLength(5);
    } finally {
      for (const r of hanging) r.destroy();
      hang.closeAllConnections();
      await new Promise((r) => hang.close(r));
      await new Promise((r) => quick.close(r));
      await p.close();
    }
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
    const t2 = await startTestPlatform(kind, { callbacks: { schedule: ['200ms'], timeoutMs: 2000, pollMs: 100 } }, t.reuse);
    try {
      expect((await t.receiver.waitForOrder(u.payOrdId)).data.payOrdId).toBe(u.payOrdId);
    } finally {
      await t2.close();
    }
    // the original platform was closed; keep afterAll from closing it twice
    t = { ...t, close: async () => { await t.reuse.receiver.close(); await t.reuse.store.close(); } };
  });
});
