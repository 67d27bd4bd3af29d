import { describe, expect, it } from 'vitest';
import { OneCodeClient } from '../../packages/yibao/src/sdk/onecode-client.js';
import { DEFAULT_PERSONS } from '../../packages/platform/src/upstream/persons.js';
import { storeKinds } from '../helpers/db.js';
import { startTestPlatform } from '../helpers/platform.js';

/**
 * issue 12 §4: every answer of every system, not only the center's, is checked against its output
 * table in the tests (test/helpers/platform.ts checkAnswers). This shows the check bites on a system
 * other than the center: a person whose name is longer than 1101's psn_name (字符型 50) makes the
 * module's real answer break 6.2's table, and the platform's close() reports it.
 */
describe('answers of every system are checked against their output tables', () => {
  it('a 1101 answer breaking its table is reported when the test platform closes', async () => {
    const long = { ...DEFAULT_PERSONS[0]!, psnNo: '35010000000000000099', idNo: '350102198503120099', qrCode: 'YBEC-LONG-NAME', userName: '名'.repeat(51) };
    const t = await startTestPlatform(storeKinds[0]!, { persons: [...DEFAULT_PERSONS, long] });
    let closed = false;
    try {
      const client = new OneCodeClient({ baseUrl: t.url, appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey as string, platformPublicKey: t.platformPublicKey, fixmedinsCode: t.app.config.orgCodg, fixmedinsName: t.app.config.orgName, mdtrtareaAdmvs: '350100' });
      await client.personInfo({ psn_cert_type: '01', certno: long.idNo }).catch(() => undefined);
      closed = true;
      await expect(t.close()).rejects.toThrow(/1101: output\.baseinfo\.psn_name: 长度不能超过 50/);
    } finally {
      if (!closed) await t.close().catch(() => undefined);
    }
  });
});
