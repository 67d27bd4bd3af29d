import { randomInt } from 'node:crypto';
import { formatCompact } from 'yibao/protocol';

/** Random decimal digits from the CSPRNG (ids that are also credentials, like payToken, must not be guessable). */
export function randomDigits(count: number): string {
  let out = '';
  while (out.length < count) out += String(randomInt(0, 1_000_000_000)).padStart(9, '0');
  return out.slice(0, count);
}

/** prefix + yyyyMMddHHmmss (Beijing) + random digits: sortable by time, unique by constraint. */
export function newId(prefix: string, randomCount = 10, now: Date = new Date()): string {
  return `${prefix}${formatCompact(now)}${randomDigits(randomCount)}`;
}

/** An opaque token: 32 hex characters from the CSPRNG. */
export function newToken(prefix = ''): string {
  return `${prefix}${randomDigits(8)}${Buffer.from(Array.from({ length: 12 }, () => randomInt(0, 256))).toString('hex')}`;
}
