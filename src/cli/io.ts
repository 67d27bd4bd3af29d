import { readFileSync } from 'node:fs';
import { CryptoError } from '../crypto/errors.js';
import { YibaoError } from '../protocol/errors.js';

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

/** Reads a file as UTF-8, without the BOM Windows editors put in front (HIS developers use them). */
export function readTextFile(path: string, io: Io = processIo): string {
  let text: string;
  try {
    text = path === '-' ? io.readStdin() : readFileSync(path, 'utf8');
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `文件不存在 / file not found: ${path}` : `无法读取文件 / cannot read ${path}: ${code ?? String(err)}`);
  }
  return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
}

/** `--data TEXT` or `--file F` (exactly one). */
export function readDataOrFile(opts: { data?: string; file?: string }, io: Io = processIo): string {
  if (opts.data !== undefined && opts.file !== undefined) throw new CliError('--data 与 --file 只能给一个 / give either --data or --file');
  if (opts.data !== undefined) return opts.data;
  if (opts.file !== undefined) return readTextFile(opts.file, io);
  throw new CliError('缺少输入 / missing input: 请给出 --data TEXT 或 --file F');
}

/**
 * `--data TEXT` (its UTF-8) or `--file F` byte for byte — a BOM and bytes that are not UTF-8
 * included — for what is signed, verified or encrypted: the same bytes OpenSSL would see.
 */
export function readDataOrFileBytes(opts: { data?: string; file?: string }, io: Io = processIo): Buffer {
  if (opts.data !== undefined && opts.file !== undefined) throw new CliError('--data 与 --file 只能给一个 / give either --data or --file');
  if (opts.data !== undefined) return Buffer.from(opts.data, 'utf8');
  if (opts.file === undefined) throw new CliError('缺少输入 / missing input: 请给出 --data TEXT 或 --file F');
  try {
    return opts.file === '-' ? (io.readStdinBytes?.() ?? Buffer.from(io.readStdin(), 'utf8')) : readFileSync(opts.file);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    throw new CliError(code === 'ENOENT' ? `文件不存在 / file not found: ${opts.file}` : `无法读取文件 / cannot read ${opts.file}: ${code ?? String(err)}`);
  }
}

/** One line for any error we expect; unexpected ones still get one line, with their class name. */
export function describeError(err: unknown): string {
  if (err instanceof CliError) return err.message;
  if (err instanceof YibaoError) return `${err.code} ${err.message}`;
  if (err instanceof CryptoError) return err.message;
  if (err instanceof Error) return `${err.name}: ${err.message}`.split('\n')[0]!;
  return String(err);
}
