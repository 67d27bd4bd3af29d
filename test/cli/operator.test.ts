import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { yibao } from '../helpers/cli.js';
import { openStore } from '../../packages/platform/src/store/index.js';
import { login, tokenOperator } from '../../packages/platform/src/center/operators.js';

/** `yibao operator add|token` on a PGlite data directory, as a first-time operator would. */
describe('yibao operator', () => {
  const dir = mkdtempSync(join(tmpdir(), 'yibao-operator-'));
  const env = { DATABASE_URL: '' };
  afterAll(() => rmSync(dir, { recursive: true, force: true }));

  it('adds the first admin with a generated password (shown once), refuses bad input in one line, and creates an API token', async () => {
    const add = yibao(['operator', 'add', '--name', 'admin', '--role', 'admin', '--data', dir], { env });
    expect(add.stderr).toBe('');
    expect(add.code).toBe(0);
    const password = /initial password \(shown once\): (\S+)/.exec(add.stdout)![1]!;
    expect(password.length).toBeGreaterThanOrEqual(16);
    const again = yibao(['operator', 'add', '--name', 'admin', '--role', 'admin', '--data', dir], { env });
    expect(again.code).toBe(2);
    expect(again.stderr.trim()).toMatch(/^yibao: name: 操作员已存在：admin$/);
    const badRole = yibao(['operator', 'add', '--name', 'li', '--role', 'root', '--password-stdin', '--data', dir], { env, input: 'long-enough-password\n' });
    expect(badRole.code).toBe(2);
    expect(badRole.stderr).toContain('role: 应为 viewer、operator 或 admin');
    const short = yibao(['operator', 'add', '--name', 'li', '--role', 'operator', '--password-stdin', '--data', dir], { env, input: 'short\n' });
    expect(short.code).toBe(2);
    expect(short.stderr).toContain('password: 至少 10 个字符');
    const fromStdin = yibao(['operator', 'add', '--name', 'li', '--role', 'operator', '--password-stdin', '--data', dir], { env, input: 'long-enough-password\n' });
    expect(fromStdin.code).toBe(0);
    expect(fromStdin.stdout).not.toContain('long-enough-password');
    const token = yibao(['operator', 'token', '--name', 'li', '--label', 'prometheus', '--data', dir], { env });
    expect(token.code).toBe(0);
    const store = await openStore({ dataDir: join(dir, 'pgdata') });
    try {
      expect((await login(store, 'admin', password, new Date())).ok).toBe(true);
      expect((await login(store, 'li', 'long-enough-password', new Date())).ok).toBe(true);
      expect(await tokenOperator(store, token.stdout.trim(), new Date())).toEqual({ name: 'li', role: 'operator' });
      const audit = await store.query<{ action: string; target: string }>('SELECT action, target FROM audit_log ORDER BY id');
      expect(audit.map((a) => a.action)).toEqual(['operator.add', 'operator.add', 'token.create']);
    } finally {
      await store.close();
    }
  }, 300_000); // seven cold starts of PGlite on a data directory
});
