import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';

/**
 * The package as a HIS project gets it: packed (what `files` ships), installed into a project of its
 * own, then `npx yibao …` and `import 'yibao/sdk'`. Catches a broken `bin`, `files` or `exports`
 * entry, which every other test (they run bin/yibao.js in place) would miss. Dependencies come from
 * npm's cache, filled by the `npm install` that preceded the tests.
 */
describe('the packed package', () => {
  it('installs; npx yibao runs; yibao/sdk and yibao/crypto import', () => {
    const work = mkdtempSync(join(tmpdir(), 'yibao-pack-'));
    const sh = (cmd: string, args: string[], cwd: string) => {
      const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 240_000, env: { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' } });
      expect(r.status, `${cmd} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
      return r.stdout;
    };
    // --ignore-scripts: `npm test` has just built dist/, so packing need not build again.
    sh(npm, ['pack', '--ignore-scripts', '--pack-destination', work], ROOT);
    const tarball = readdirSync(work).find((f) => f.endsWith('.tgz'))!;
    const project = join(work, 'his');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'his-demo', private: true, type: 'module' }));
    sh(npm, ['install', '--prefer-offline', '--ignore-scripts', join(work, tarball)], project);
    const keys = JSON.parse(sh(npm, ['exec', '--no', '--', 'yibao', 'keys', 'sm2'], project));
    expect(keys.privateKey).toMatch(/^[0-9a-f]{64}$/);
    const out = sh(process.execPath, ['--input-type=module', '-e', "const s = await import('yibao/sdk'); const c = await import('yibao/crypto'); console.log(typeof s.YibaoClient, typeof s.createCallbackHandler, typeof c.sm2Sign)"], project);
    expect(out.trim()).toBe('function function function');
  }, 300_000);
});
