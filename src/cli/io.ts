import { readFileSync } from 'node:fs';
import { CryptoError } from 'yibao/crypto';
import { YibaoError } from 'yibao/protocol';

/**
 * A failure the user can fix: printed as one line, exit code 2, never a stack trace (issue: "Wrong
 * input … gives a one-line error naming what is wrong and exit code 2").
 */
export class CliError extends Error {
  readonly exitCode: number;
  constructor(message: string, exitCode = 2) {
    super(message);
    this.name = 'CliError';
    this.exitCode = exitCode;
  }
}

export interface Io {
  out(text: string): void;
  err(text: string): void;
  readStdin(): string;
  readStdinBytes?(): Buffer;
}

export const processIo: Io = {
  out: (text) => process.stdout.write(text.endsWith('\n') ? text : `${text}\n`),
  err: (text) => process.stderr.write(text.endsWith('\n') ? text : `${text}\n`),
  readStdin: () => readFileSync(0, 'utf8'),
  readStdinBytes: () => readFileSync(0),
};

/** Reads a file (`-`: standard input); a missing or unreadable one is one line naming it. */
function readInput<T>(path: string, read: () => T): T {
  try {
    return read();
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `文件不存在 / file not found: ${path}` : `无法读取文件 / cannot read ${path}: ${code ?? String(err)}`);
  }
}

/** Reads a file as UTF-8, without the BOM Windows editors put in front (HIS developers use them). */
export function readTextFile(path: string, io: Io = processIo): string {
  const text = readInput(path, () => (path === '-' ? io.readStdin() : readFileSync(path, 'utf8')));
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** Exactly one of `--data TEXT` and `--file F`. */
function oneInput(opts: { data?: string; file?: string }): { data: string } | { file: string } {
  if (opts.data !== undefined && opts.file !== undefined) throw new CliError('--data 与 --file 只能给一个 / give either --data or --file');
  if (opts.data !== undefined) return { data: opts.data };
  if (opts.file !== undefined) return { file: opts.file };
  throw new CliError('缺少输入 / missing input: 请给出 --data TEXT 或 --file F');
}

/** `--data TEXT` or `--file F` (exactly one). */
export function readDataOrFile(opts: { data?: string; file?: string }, io: Io = processIo): string {
  const input = oneInput(opts);
  return 'data' in input ? input.data : readTextFile(input.file, io);
}

/**
 * `--data TEXT` (its UTF-8) or `--file F` byte for byte — a BOM and bytes that are not UTF-8
 * included — for what is signed, verified or encrypted: the same bytes OpenSSL would see.
 */
export function readDataOrFileBytes(opts: { data?: string; file?: string }, io: Io = processIo): Buffer {
  const input = oneInput(opts);
  if ('data' in input) return Buffer.from(input.data, 'utf8');
  const { file } = input;
  return readInput(file, () => (file === '-' ? (io.readStdinBytes?.() ?? Buffer.from(io.readStdin(), 'utf8')) : readFileSync(file)));
}

/** One line for any error we expect; unexpected ones still get one line, with their class name. */
export function describeError(err: unknown): string {
  if (err instanceof CliError) return err.message;
  if (err instanceof YibaoError) return `${err.code} ${err.message}`;
  if (err instanceof CryptoError) return err.message;
  if (err instanceof Error) return `${err.name}: ${err.message}`.split('\n')[0]!;
  return String(err);
}

/**
 * Runs until SIGINT or SIGTERM, then `stop`. The handlers are installed before `announce` prints the
 * ready line: a supervisor (or a test) that signals as soon as it reads that line must not meet the
 * default action, which kills the process without closing the store.
 */
export function untilSignal(announce: () => void, stop: () => Promise<void>): Promise<void> {
  const done = new Promise<void>((resolve) => {
    const onSignal = () => {
      process.removeListener('SIGINT', onSignal);
      process.removeListener('SIGTERM', onSignal);
      stop().finally(resolve);
    };
    process.on('SIGINT', onSignal);
    process.on('SIGTERM', onSignal);
  });
  announce();
  return done;
}
