import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { DataDirLockedError, lockDataDir } from '../../packages/platform/src/server/datadir-lock.js';
import { formatLogLine, serverLogger } from '../../packages/platform/src/util/log-format.js';
import { BIN, yibao } from '../helpers/cli.js';

interface Started {
  child: ChildProcess;
  stdout: () => string;
  stderr: () => string;
}

/** `yibao serve` as `npm start` runs it: no --port (PORT decides), until its banner. */
async function start(dataDir: string, env: NodeJS.ProcessEnv): Promise<Started> {
  const child = spawn(process.execPath, [BIN, 'serve', '--data', dataDir], { env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  child.stdout!.on('data', (c) => (out += String(c)));
  child.stderr!.on('data', (c) => (err += String(c)));
  await new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`serve did not start: ${err}`)), 90_000);
    child.stderr!.on('data', () => {
      if (/Ctrl\+C/.test(err)) {
        clearTimeout(timer);
        resolve();
      }
    });
    child.on('exit', (code) => reject(new Error(`serve exited ${code}: ${err}`)));
  });
  return { child, stdout: () => out, stderr: () => err };
}

function stop(s: Started): Promise<void> {
  if (s.child.exitCode !== null) return Promise.resolve();
  return new Promise((r) => {
    s.child.once('exit', () => r());
    s.child.kill('SIGTERM');
  });
}

async function freePort(): Promise<number> {
  const srv = createServer();
  await new Promise<void>((r) => srv.listen(0, '127.0.0.1', r));
  const port = (srv.address() as { port: number }).port;
  await new Promise((r) => srv.close(r));
  return port;
}

/** The pid of a process that has ended. */
function deadPid(): number {
  const r = spawnSync(process.execPath, ['-e', 'process.stdout.write(String(process.pid))'], { encoding: 'utf8' });
  return Number(r.stdout);
}

describe('data directory lock', () => {
  it('a second lock on the same directory is refused, naming pid and port; released, it can be taken again', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yibao-lock-'));
    const lock = lockDataDir(dir);
    lock.listening(8123, 'http://127.0.0.1:8123');
    expect(() => lockDataDir(dir)).toThrow(DataDirLockedError);
    expect(() => lockDataDir(dir)).toThrow(new RegExp(`already running \\(pid ${process.pid}, port 8123\\)`));
    lock.release();
    expect(existsSync(join(dir, 'yibao.lock'))).toBe(false);
    lockDataDir(dir).release();
  });

  it('a lock left by a process that is gone (kill -9, a crash) is stale and taken over', () => {
    const dir = mkdtempSync(join(tmpdir(), 'yibao-lock-'));
    writeFileSync(join(dir, 'yibao.lock'), JSON.stringify({ pid: deadPid(), port: 8080, startedAt: '2026-01-01T00:00:00Z' }));
    const lock = lockDataDir(dir);
    expect(JSON.parse(readFileSync(join(dir, 'yibao.lock'), 'utf8')).pid).toBe(process.pid);
    lock.release();
  });
});

describe('logs: human lines on a terminal, JSON otherwise', () => {
  it('formats a pino line as time, level, message and fields', () => {
    const line = formatLogLine(JSON.stringify({ level: 40, time: Date.UTC(2026, 0, 1, 2, 3, 4), pid: 1, hostname: 'h', msg: 'callback failed', payOrdId: 'ORD1', err: { type: 'Error', message: 'ECONNREFUSED' } }));
    expect(line).toMatch(/^\d{2}:\d{2}:\d{2} WARN  callback failed {2}payOrdId=ORD1 err="Error: ECONNREFUSED"\n$/);
    expect(line).not.toMatch(/hostname|pid=/);
  });

  it('serverLogger: pretty on a TTY, JSON on a pipe, YIBAO_LOG_FORMAT overrides', () => {
    const sink = (isTTY: boolean) => {
      const lines: string[] = [];
      return { lines, out: { isTTY, write: (s: string) => lines.push(s) } };
    };
    const tty = sink(true);
    serverLogger({ NO_COLOR: '1' }, tty.out).info({ payOrdId: 'ORD1' }, 'settled');
    expect(tty.lines.join('')).toMatch(/ INFO  settled {2}payOrdId=ORD1/);
    const pipe = sink(false);
    serverLogger({}, pipe.out).info({ payOrdId: 'ORD1' }, 'settled');
    expect(JSON.parse(pipe.lines.join(''))).toMatchObject({ level: 30, msg: 'settled', payOrdId: 'ORD1' });
    const forced = sink(true);
    serverLogger({ YIBAO_LOG_FORMAT: 'json' }, forced.out).info('x');
    expect(JSON.parse(forced.lines.join(''))).toMatchObject({ msg: 'x' });
  });
});

describe('npm start twice on one data directory', () => {
  const started: Started[] = [];
  afterAll(async () => {
    await Promise.all(started.map(stop));
  });

  it('PORT/HOST from the environment, one banner; a second start is refused at once with "already running (pid N, port P)"', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'yibao-serve-'));
    const port = await freePort();
    const first = await start(dir, { PORT: String(port), HOST: '127.0.0.1' });
    started.push(first);
    expect(first.stderr()).toContain(`platform listening on http://127.0.0.1:${port}`);
    expect(first.stderr().match(/listening/g)).toHaveLength(1);
    expect(first.stdout()).not.toMatch(/Server listening/);

    const t0 = Date.now();
    const second = yibao(['serve', '--data', dir, '--port', '0']);
    expect(second.code).toBe(2);
    expect(second.stderr).toContain(`already running (pid ${first.child.pid}, port ${port})`);
    // Refused before opening the database (PGlite alone takes seconds to start).
    expect(Date.now() - t0).toBeLessThan(45_000);
    // The first one was left alone: its sandbox file still names its own address.
    expect(JSON.parse(readFileSync(join(dir, 'sandbox.json'), 'utf8')).baseUrl).toBe(`http://127.0.0.1:${port}`);
    await stop(first);
    expect(existsSync(join(dir, 'yibao.lock'))).toBe(false);
  });
});
