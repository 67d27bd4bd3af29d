import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

/**
 * The two packages as their users get them: packed (what `files` ships), installed into a project of
 * their own. The toolkit (`yibao`) alone, as a HIS project adds it: light (no database engine, no web
 * server), importable as ES module and as CommonJS, typed for `moduleResolution: node` and `nodenext`.
 * The platform (`yibao-platform`) with it: `npx yibao …` runs. Catches a broken `bin`, `files` or
 * `exports` entry, which every other test (they run the sources or dist/ in place) would miss.
 * Dependencies come from npm's cache, filled by the `npm install` that preceded the tests.
 */
describe('the packed packages', () => {
  const work = mkdtempSync(join(tmpdir(), 'yibao-pack-'));
  const env = { ...process.env, npm_config_audit: 'false', npm_config_fund: 'false', npm_config_update_notifier: 'false' };
  const sh = (cmd: string, args: string[], cwd: string) => {
    const r = spawnSync(cmd, args, { cwd, encoding: 'utf8', timeout: 240_000, env });
    expect(r.status, `${cmd} ${args.join(' ')}\n${r.stdout}\n${r.stderr}`).toBe(0);
    return { stdout: r.stdout, stderr: r.stderr };
  };
  const tarballs: Record<string, string> = {};

  beforeAll(() => {
    // --ignore-scripts: `npm test` has just built dist/, so packing need not build again.
    for (const ws of ['yibao', 'yibao-platform']) {
      const before = new Set(readdirSync(work));
      sh(npm, ['pack', '--ignore-scripts', '-w', ws, '--pack-destination', work], ROOT);
      tarballs[ws] = join(work, readdirSync(work).find((f) => f.endsWith('.tgz') && !before.has(f))!);
    }
  }, 300_000);

  it('the toolkit installs alone, light, and imports as ESM and as CommonJS with types', () => {
    const project = join(work, 'his');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'his-demo', private: true }));
    const install = sh(npm, ['install', '--prefer-offline', '--ignore-scripts', tarballs.yibao!], project);
    // No engine warnings, no install scripts, and none of the server's dependencies.
    expect(install.stderr).not.toMatch(/EBADENGINE/);
    const installed = readdirSync(join(project, 'node_modules')).filter((n) => !n.startsWith('.'));
    for (const heavy of ['@electric-sql', 'fastify', 'pg', 'pino', 'commander']) expect(installed).not.toContain(heavy);
    const lock = JSON.parse(readFileSync(join(project, 'package-lock.json'), 'utf8')) as { packages: Record<string, unknown> };
    expect(Object.keys(lock.packages).filter((k) => k !== '').length).toBeLessThanOrEqual(4);

    const esm = sh(process.execPath, ['--input-type=module', '-e', "const s = await import('yibao/sdk'); const c = await import('yibao/crypto'); console.log(typeof s.YibaoClient, typeof s.createCallbackHandler, typeof c.sm2Sign)"], project);
    expect(esm.stdout.trim()).toBe('function function function');
    const cjs = sh(process.execPath, ['-e', "const s = require('yibao/sdk'); const p = require('yibao/protocol'); const y = require('yibao'); console.log(typeof s.YibaoClient, typeof p.buildSignString, typeof y.sm3)"], project);
    expect(cjs.stdout.trim()).toBe('function function function');

    // A HIS written in TypeScript, once with the old `moduleResolution: node` and CommonJS, once with
    // `nodenext` as an ES module: both find the types of `yibao/sdk`.
    const src = [
      "import { YibaoClient, toYuan } from 'yibao/sdk';",
      "import { sm3Hex } from 'yibao/crypto';",
      'const c: YibaoClient | undefined = undefined;',
      "const y: string = toYuan(100);",
      "const h: string = sm3Hex('abc');",
      'export { c, y, h };',
    ].join('\n');
    for (const [name, options] of [
      ['node10', { module: 'commonjs', moduleResolution: 'node' }],
      ['nodenext', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ] as const) {
      const dir = join(project, `ts-${name}`);
      mkdirSync(dir);
      writeFileSync(join(dir, 'index.ts'), src);
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions: { ...options, strict: true, noEmit: true, types: ['node'], typeRoots: [join(ROOT, 'node_modules', '@types')], skipLibCheck: false, target: 'es2022', lib: ['es2022'] }, files: ['index.ts'] }));
      if (name === 'nodenext') writeFileSync(join(dir, 'package.json'), JSON.stringify({ type: 'module' }));
      sh(process.execPath, [TSC, '-p', dir], dir);
    }
  }, 300_000);

  it('the platform installs with it; npx yibao runs', () => {
    const project = join(work, 'center');
    mkdirSync(project);
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'center-demo', private: true, type: 'module' }));
    sh(npm, ['install', '--prefer-offline', '--ignore-scripts', tarballs.yibao!, tarballs['yibao-platform']!], project);
    const keys = JSON.parse(sh(npm, ['exec', '--no', '--', 'yibao', 'keys', 'sm2'], project).stdout);
    expect(keys.privateKey).toMatch(/^[0-9a-f]{64}$/);
    const out = sh(process.execPath, ['--input-type=module', '-e', "const p = await import('yibao-platform'); console.log(typeof p.startPlatform)"], project);
    expect(out.stdout.trim()).toBe('function');
    expect(existsSync(join(project, 'node_modules', 'yibao-platform', 'dist', 'server', 'platform.js'))).toBe(true);
  }, 300_000);

  it('npm publish --dry-run is clean for both packages', () => {
    for (const ws of ['yibao', 'yibao-platform']) {
      const r = sh(npm, ['publish', '--dry-run', '--ignore-scripts', '-w', ws], ROOT);
      // npm warns about anything it had to correct in package.json (bin paths, repository, …). The one
      // warning allowed is that this machine is not logged in to a registry.
      const warnings = r.stderr.split('\n').filter((l) => /npm warn/i.test(l) && !/requires you to be logged in/.test(l));
      expect(warnings, ws).toEqual([]);
    }
  }, 300_000);
});
