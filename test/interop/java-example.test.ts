import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { storeKinds } from '../helpers/db.js';
import { ROOT } from '../helpers/cli.js';
import { startTestPlatform, type TestPlatform } from '../helpers/platform.js';

/**
 * issue 12 §2: examples/java/YibaoDemo.java — a HIS using only BouncyCastle and Jackson from Debian
 * (libbcprov-java, libjackson2-databind-java; .ci/run installs them) — compiled with javac and run
 * against a platform started here: 6101 → 6201 → 6202 → 6302 → 6301 → 6203.
 */
const JARS = ['bcprov.jar', 'jackson-databind.jar', 'jackson-core.jar', 'jackson-annotations.jar'].map((j) => join('/usr/share/java', j));
const hasJavac = spawnSync('javac', ['-version'], { encoding: 'utf8' }).status === 0;
const missing = [...(hasJavac ? [] : ['javac']), ...JARS.filter((j) => !existsSync(j))];
if (missing.length > 0) console.warn(`examples/java: skipped, not installed: ${missing.join(', ')} (apt-get install -y default-jdk-headless libbcprov-java libjackson2-databind-java)`);

describe.skipIf(missing.length > 0)('examples/java against the sandbox', () => {
  let t: TestPlatform;
  beforeAll(async () => {
    t = await startTestPlatform(storeKinds[0]!);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('compiles with javac and pays, is called back, queries and refunds one order', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yibao-java-'));
    const cp = JARS.join(':');
    const javac = spawnSync('javac', ['-encoding', 'UTF-8', '-cp', cp, '-d', dir, join(ROOT, 'examples', 'java', 'YibaoDemo.java')], { encoding: 'utf8', timeout: 120_000 });
    expect(javac.status, javac.stderr).toBe(0);
    // The sandbox file `npm start` writes, for this platform.
    const sandbox = (await (await fetch(`${t.url}/sandbox`)).json()) as { persons: unknown[] };
    const file = join(dir, 'sandbox.json');
    writeFileSync(
      file,
      JSON.stringify({
        baseUrl: t.url,
        institution: { appId: t.app.keys.appId, appSecret: t.app.keys.appSecret, privateKey: t.app.keys.privateKey, orgCodg: t.app.config.orgCodg },
        platform: { publicKey: t.platformPublicKey },
        persons: sandbox.persons,
      }),
    );
    // Asynchronous: the Java program calls this process's platform back.
    const run = await new Promise<{ status: number | null; stdout: string; stderr: string }>((resolve) => {
      const p = spawn('java', ['-cp', `${dir}:${cp}`, 'YibaoDemo', file], { stdio: ['ignore', 'pipe', 'pipe'] });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d) => (stdout += d));
      p.stderr.on('data', (d) => (stderr += d));
      const timer = setTimeout(() => p.kill(), 120_000);
      p.on('close', (status) => {
        clearTimeout(timer);
        resolve({ status, stdout, stderr });
      });
    });
    expect(run.status, `${run.stdout}\n${run.stderr}`).toBe(0);
    expect(run.stdout).toContain('[6202] ordStas 6');
    expect(run.stdout).toContain('[6302] callback verified and decrypted');
    expect(run.stdout.trim().split('\n').at(-1)).toBe('OK 6101 6201 6202 6302 6301 6203');
  });
});
