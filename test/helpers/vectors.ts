import { existsSync, readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
/** The vectors are copied verbatim into the repo so a fresh clone tests them; see vectors.test.ts. */
export const VECTOR_DIR = join(here, '..', 'vectors');
/** The team's shared copy, next to the checkout on developer machines (absent on a fresh clone). */
export const SHARED_VECTOR_DIR = join(here, '..', '..', '..', 'shared', 'vectors');

export function loadVector<T = Record<string, unknown>>(name: string): T {
  return JSON.parse(readFileSync(join(VECTOR_DIR, name), 'utf8')) as T;
}

export function sharedVectorText(name: string): string | undefined {
  const p = join(SHARED_VECTOR_DIR, name);
  return existsSync(p) ? readFileSync(p, 'utf8') : undefined;
}
