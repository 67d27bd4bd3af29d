import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { checkConfig, ConfigError, parseDuration, type YibaoConfig } from '../../src/center/config.js';
import { ROOT } from '../helpers/cli.js';

describe('configuration file', () => {
  it('the documented example file is a valid configuration', () => {
    const example = JSON.parse(readFileSync(join(ROOT, 'yibao.config.example.json'), 'utf8')) as YibaoConfig;
    expect(() => checkConfig(example)).not.toThrow();
    expect(example.callbacks!.schedule!.map(parseDuration)[3]).toBe(180_000);
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
    bad({ oneCode: { payCertTtlSeconds: 0 } }, /payCertTtlSeconds/);
  });
});
