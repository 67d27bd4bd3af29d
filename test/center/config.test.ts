import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfig, ConfigError, parseDuration, type YibaoConfig } from '../../packages/platform/src/center/config.js';
import { ROOT } from '../helpers/cli.js';
import { DEFAULT_POLICY } from '../../packages/platform/src/upstream/policy.js';

describe('configuration file', () => {
  it('the documented example file is a valid configuration', () => {
    const example = JSON.parse(readFileSync(join(ROOT, 'yibao.config.example.json'), 'utf8')) as YibaoConfig;
    expect(() => checkConfig(example)).not.toThrow();
    expect(example.callbacks!.schedule!.map(parseDuration)[3]).toBe(180_000);
  });
  it('the policy example of docs/policy.md is a valid policy', () => {
    const doc = readFileSync(join(ROOT, 'docs', 'policy.md'), 'utf8');
    const block = /## Configuration[\s\S]*?```json\n([\s\S]*?)```/.exec(doc)![1]!;
    expect(() => checkConfig({ policy: JSON.parse(block) } as YibaoConfig)).not.toThrow();
  });
  it('typos are refused with the key named', () => {
    const bad = (c: YibaoConfig, re: RegExp) => expect(() => checkConfig(c)).toThrow(re);
    const app = { appId: '0123456789ABCDEF0123', appSecret: 's', orgCodg: 'H', orgName: 'n', publicKey: '04' };
    bad({ apps: [{ ...app, appId: 'short' }] }, /apps\[0\]\.appId/);
    bad({ apps: [app, app] }, /重复/);
    bad({ apps: [{ ...app, notifyUrl: 'not a url' }] }, /notifyUrl/);
    bad({ apps: [{ ...app, publicKey: undefined as never }] }, /publicKey/);
    bad({ persons: [{ psnNo: 'P', idNo: 'I', idType: '01', userName: 'U', insutype: '310', insuAdmdvs: '350100', balance: '12.3', qrCode: 'Q', gender: '1', birthday: '2000-01-01', psnType: '1101' }] }, /balance/);
    bad({ callbacks: { schedule: ['15 seconds'] } }, /15 seconds/);
    expect(() => checkConfig({ replayWindowSeconds: 0 })).toThrow(ConfigError);
    bad({ apps: [{ ...app, portal: ['pushMsg', 'refund' as never] }] }, /apps\[0\]\.portal/);
    bad({ oneCode: { infno: { oneCodeStatus: '97A1' } } }, /oneCode\.infno\.oneCodeStatus/);
    bad({ oneCode: { infno: { oneCodeStatus: '9701', oneCodePayCert: '9701' } } }, /不能相同/);
    // Against the defaults too: one number given may collide with the other's default, or with 1101.
    bad({ oneCode: { infno: { oneCodePayCert: '9701' } } }, /不能相同/);
    bad({ oneCode: { infno: { oneCodeStatus: '9702' } } }, /不能相同/);
    bad({ oneCode: { infno: { oneCodeStatus: '1101' } } }, /oneCode\.infno\.oneCodeStatus 不能为 1101/);
    bad({ oneCode: { infno: { oneCodePayCert: '1101' } } }, /oneCode\.infno\.oneCodePayCert 不能为 1101/);
    bad({ oneCode: { payCertTtlSeconds: 0 } }, /payCertTtlSeconds/);
    bad({ addressRateLimit: { perSecond: 0, burst: 1 } }, /addressRateLimit/);
    bad({ apps: [{ ...app, rateLimit: { perSecond: 5 } as never }] }, /apps\[0\]\.rateLimit/);
  });

  it('the reimbursement policy is checked: the default passes, a mistyped ratio or amount is named', () => {
    expect(() => checkConfig({ policy: DEFAULT_POLICY })).not.toThrow();
    const copy = () => JSON.parse(JSON.stringify(DEFAULT_POLICY)) as typeof DEFAULT_POLICY;
    const withRatio = copy();
    withRatio.regions.default!.insutypes.default!.medTypes.default!.ratio.A = 12000;
    expect(() => checkConfig({ policy: withRatio })).toThrow(/policy\.regions\.default\.insutypes\.default\.medTypes\.default\.ratio\.A 应为 0–10000/);
    const missingB = copy();
    delete (missingB.regions.default!.insutypes.default!.medTypes.default!.ratio as { B?: number }).B;
    expect(() => checkConfig({ policy: missingB })).toThrow(/ratio\.B/);
    const negative = copy();
    negative.regions.default!.insutypes.default!.medTypes.default!.deductible = '-1.00';
    expect(() => checkConfig({ policy: negative })).toThrow(/deductible/);
    const noDefault = copy();
    delete (noDefault.regions as Record<string, unknown>).default;
    expect(() => checkConfig({ policy: noDefault })).toThrow(/policy\.regions\.default 必填/);
  });
});
