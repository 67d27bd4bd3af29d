import pino, { type Logger } from 'pino';

/**
 * Logs for people and for machines: on a terminal one short line per event (time, level, message,
 * fields), elsewhere (a file, journald, a log shipper) pino's JSON lines. A few lines of formatting
 * rather than pino-pretty and its dependencies. The fields are already masked by the loggers' callers
 * (src/util/mask.ts); this only lays them out.
 */
const LEVELS: Record<number, string> = { 10: 'TRACE', 20: 'DEBUG', 30: 'INFO ', 40: 'WARN ', 50: 'ERROR', 60: 'FATAL' };
const COLORS: Record<number, string> = { 10: '90', 20: '90', 30: '32', 40: '33', 50: '31', 60: '31' };
const SKIP = new Set(['level', 'time', 'pid', 'hostname', 'msg', 'v']);

function value(v: unknown): string {
  if (typeof v === 'string') return /[\s"=]/.test(v) ? JSON.stringify(v) : v;
  if (v && typeof v === 'object' && 'message' in v && typeof (v as { message: unknown }).message === 'string') {
    const e = v as { type?: string; message: string };
    return JSON.stringify(`${e.type ? `${e.type}: ` : ''}${e.message}`);
  }
  return JSON.stringify(v);
}

/** One pino JSON line → one human line (the line itself when it is not pino's JSON). */
export function formatLogLine(line: string, color = false): string {
  let o: Record<string, unknown>;
  try {
    o = JSON.parse(line) as Record<string, unknown>;
  } catch {
    return line.endsWith('\n') ? line : `${line}\n`;
  }
  const level = typeof o.level === 'number' ? o.level : 30;
  const t = typeof o.time === 'number' ? new Date(o.time) : new Date();
  const time = `${String(t.getHours()).padStart(2, '0')}:${String(t.getMinutes()).padStart(2, '0')}:${String(t.getSeconds()).padStart(2, '0')}`;
  const name = LEVELS[level] ?? String(level);
  const lvl = color ? `\u001b[${COLORS[level] ?? '0'}m${name}\u001b[0m` : name;
  const fields = Object.entries(o)
    .filter(([k]) => !SKIP.has(k))
    .map(([k, v]) => `${k}=${value(v)}`)
    .join(' ');
  return `${time} ${lvl} ${typeof o.msg === 'string' ? o.msg : ''}${fields ? `  ${fields}` : ''}\n`;
}

/** A pino destination that writes human lines to `out`. */
export function humanDestination(out: { write(s: string): unknown }, color: boolean): { write(s: string): void } {
  return { write: (s) => void out.write(formatLogLine(s.trimEnd(), color)) };
}

/**
 * The server's logger: human lines when stdout is a terminal, JSON otherwise; `YIBAO_LOG_FORMAT`
 * (`json` or `pretty`) decides when set, `YIBAO_LOG_LEVEL` sets the level (default info).
 */
export function serverLogger(env: NodeJS.ProcessEnv = process.env, out: { write(s: string): unknown; isTTY?: boolean } = process.stdout): Logger {
  const format = env.YIBAO_LOG_FORMAT === 'json' || env.YIBAO_LOG_FORMAT === 'pretty' ? env.YIBAO_LOG_FORMAT : out.isTTY ? 'pretty' : 'json';
  const level = env.YIBAO_LOG_LEVEL ?? 'info';
  if (format === 'json') return out === process.stdout ? pino({ level }) : pino({ level }, out as never);
  return pino({ level }, humanDestination(out, !!out.isTTY && env.NO_COLOR === undefined));
}
