import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'vitest';
import { ChannelClient } from '../../packages/yibao/src/sdk/channel-client.js';
import { YibaoClient } from '../../packages/yibao/src/sdk/client.js';
import { OneCodeClient } from '../../packages/yibao/src/sdk/onecode-client.js';
import { PortalClient } from '../../packages/yibao/src/sdk/portal-client.js';
import { TerminalClient } from '../../packages/yibao/src/sdk/terminal-client.js';
import type { PersonConfig } from '../../packages/platform/src/upstream/types.js';
import { upload6201, type Line } from '../helpers/his.js';
import type { TestApp, TestPlatform } from '../helpers/platform.js';
import { BILL } from '../helpers/flow.js';

/** Every SDK client of one institution, pointed at a test platform. */
export function clientsFor(t: TestPlatform, app: TestApp = t.app) {
  const base = { baseUrl: t.url, appId: app.keys.appId, appSecret: app.keys.appSecret };
  return {
    center: new YibaoClient({ ...base, privateKey: app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, orgCodg: app.config.orgCodg, retries: 0 }),
    onecode: new OneCodeClient({ ...base, privateKey: app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, fixmedinsCode: app.config.orgCodg, fixmedinsName: app.config.orgName, mdtrtareaAdmvs: '350100' }),
    terminal: new TerminalClient({ ...base, orgId: app.config.orgCodg }),
    channel: new ChannelClient(base),
    portal: new PortalClient({ baseUrl: t.url, appId: app.keys.appId, appKey: app.keys.appSecret, orgId: app.config.orgCodg }),
  };
}

export type Clients = ReturnType<typeof clientsFor>;

export const OPERATOR = { operatorId: 'OP01', operatorName: '收款员甲', officeId: 'NK01', officeName: '内科' };
export const DEVICE = { opterId: 'OP01', opterName: '收款员甲', devId: '00-1A-2B-3C-4D-5E', devIP: '10.0.0.8' };

/** The patient steps in front of the terminal; the HIS gets authNo (ec.auth) and the identity with its fecToken (auth.check). */
export async function faceScan(t: TestPlatform, c: Clients, who: PersonConfig, opts: { proxy?: boolean; orgCodg?: string } = {}) {
  const staged = await t.post('/sandbox/terminal/face', { psnNo: who.psnNo, orgCodg: opts.orgCodg ?? t.app.config.orgCodg, proxy: opts.proxy ?? false });
  expect(staged.status).toBe(200);
  const auth = await c.terminal.faceAuth({ businessType: '01101', ...OPERATOR });
  const identity = await c.terminal.authCheck({ authNo: auth.authNo, outBizNo: auth.outBizNo, businessType: '01101', operatorId: 'OP01', operatorName: '收款员甲' });
  return { auth, identity };
}

/** 6201 with the face scan's ecToken, then 6202 with its authNo: the insurance part only (先医保后自费). */
export async function settleInsuranceFirst(c: Clients, t: TestPlatform, who: PersonConfig, face: Awaited<ReturnType<typeof faceScan>>, opts: { lines?: Line[]; acctUsedFlag?: string; medType?: string } = {}) {
  const data = upload6201({
    orgCodg: t.app.config.orgCodg,
    psnNo: who.psnNo,
    idNo: face.identity.idNo,
    userName: face.identity.userName,
    insutype: who.insutype,
    ecToken: face.identity.ecToken,
    lines: opts.lines ?? BILL,
    medType: opts.medType ?? '14',
    acctUsedFlag: opts.acctUsedFlag ?? '1',
  });
  const plain = JSON.parse(JSON.stringify(data, (_k, v) => (v && typeof v === 'object' && 'isLosslessNumber' in v ? v.value : v)));
  const up = await c.center.uploadFees(plain);
  const paid = await c.center.payOrder({
    payAuthNo: face.auth.authNo,
    payOrdId: up.payOrdId,
    payToken: up.payToken,
    chrgBchno: data.chrgBchno,
    feeType: '01',
    mdtrtId: String((up.extData as Record<string, unknown>).mdtrtId),
    expContent: JSON.stringify({ ownPayBy: 'HIS' }),
  } as never);
  return { up, paid, data };
}

/** The HIS's endpoint for the channel's notifications (4.1 step 15). */
export async function notificationSink(opts: { failFirst?: number } = {}): Promise<{ url: string; received: Array<Record<string, unknown>>; waitFor(n: number): Promise<void>; close(): Promise<void> }> {
  const received: Array<Record<string, unknown>> = [];
  let refuse = opts.failFirst ?? 0;
  const server: Server = createServer((req, res) => {
    let body = '';
    req.on('data', (d) => (body += d));
    req.on('end', () => {
      received.push(JSON.parse(body) as Record<string, unknown>);
      // The first `failFirst` deliveries are refused the two ways a HIS refuses: an error status, an explicit FAIL.
      if (refuse > 0) {
        refuse -= 1;
        if (refuse % 2 === 1) res.writeHead(500).end('busy');
        else res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":"FAIL","message":"处理中"}');
        return;
      }
      res.writeHead(200, { 'content-type': 'application/json' }).end('{"code":"SUCCESS"}');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/his/channel-notify`,
    received,
    async waitFor(n) {
      const until = Date.now() + 10_000;
      while (received.length < n) {
        if (Date.now() > until) throw new Error(`channel notifications: ${received.length} of ${n}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** Expects a rejected SDK call and returns its error. */
export async function refused<T>(p: Promise<T>): Promise<Error & { code: string; type: string; centerMessage: string; raw?: string }> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, 'the call should have been refused').toBeInstanceOf(Error);
  return err as Error & { code: string; type: string; centerMessage: string; raw?: string };
}
