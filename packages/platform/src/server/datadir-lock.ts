import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeFileSync, writeSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One platform per data directory. A second `npm start` on the same directory used to open the same
 * PGlite files (a WASM abort, or an order paid through it lost after a restart) and rewrite
 * sandbox.json's baseUrl. `yibao.lock` in the directory holds the owner's pid and port; a second start
 * is refused at once, naming them. A lock whose pid is no longer alive (a crash, kill -9) is stale and
 * taken over.
 */
export class DataDirLockedError extends Error {
  constructor(
    message: string,
    readonly pid: number,
    readonly port: number | null,
  ) {
    super(message);
    this.name = 'DataDirLockedError';
  }
}

interface LockContent {
  pid: number;
  port: number | null;
  url?: string;
  startedAt: string;
}

/** Directories this process holds (a pid alone cannot tell this process's own locks apart). */
const held = new Set<string>();

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    // EPERM: the process exists, it belongs to someone else.
    return (err as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function read(file: string): LockContent | undefined {
  try {
    const c = JSON.parse(readFileSync(file, 'utf8')) as LockContent;
    return Number.isInteger(c.pid) ? c : undefined;
  } catch {
    return undefined;
  }
}

export interface DataDirLock {
  file: string;
  /** Records where the owner listens, for the refusal message of the next one. */
  listening(port: number, url: string): void;
  release(): void;
}

export function lockDataDir(dataDir: string): DataDirLock {
  mkdirSync(dataDir, { recursive: true });
  const file = join(dataDir, 'yibao.lock');
  const refuse = (c: LockContent) =>
    new DataDirLockedError(
      `yibao 已在运行 / already running (pid ${c.pid}, port ${c.port ?? '启动中 / starting'})：数据目录 ${dataDir} 正被使用；先停止它，或用 --data 指定另一个目录 / stop it, or give another --data directory`,
      c.pid,
      c.port,
    );
  if (held.has(file)) throw refuse(read(file) ?? { pid: process.pid, port: null, startedAt: '' });
  for (let attempt = 0; ; attempt++) {
    const content: LockContent = { pid: process.pid, port: null, startedAt: new Date().toISOString() };
    try {
      // 'wx': created only if absent, atomically — two starts at the same instant cannot both win.
      const fd = openSync(file, 'wx', 0o600);
      writeSync(fd, JSON.stringify(content));
      closeSync(fd);
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST' || attempt > 2) throw err;
      const other = read(file);
      if (other && other.pid !== process.pid && alive(other.pid)) throw refuse(other);
      // Stale (its process is gone) or unreadable (a crash mid-write): take it over.
      rmSync(file, { force: true });
    }
  }
  held.add(file);
  let released = false;
  return {
    file,
    listening(port, url) {
      if (released) return;
      writeFileSync(file, JSON.stringify({ ...(read(file) ?? {}), pid: process.pid, port, url } satisfies Partial<LockContent>), { mode: 0o600 });
    },
    release() {
      if (released) return;
      released = true;
      held.delete(file);
      if (read(file)?.pid === process.pid) rmSync(file, { force: true });
    },
  };
}
