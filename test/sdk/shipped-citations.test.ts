import { existsSync, readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

/**
 * The toolkit's declarations (.d.ts) keep the JSDoc of its sources. They must not send a HIS developer
 * to files the package does not ship (STYLE.md, DESIGN.md, tests, the platform's sources, issues),
 * and the docs they cite must exist (issue 15: errors.d.ts cites nothing that is not shipped).
 */
const TOOLKIT = ['sdk', 'protocol', 'spec', 'crypto'];
const UNSHIPPED = /\b(STYLE\.md|DESIGN\.md)|(^|[\s(`'])(test|bench)\/|src\/(center|server|store|upstream|cli)\b|\b[Ii]ssue \d+/;

function jsdocBlocks(text: string): string[] {
  return text.match(/\/\*\*[\s\S]*?\*\//g) ?? [];
}

describe('toolkit declarations cite only what is shipped', () => {
  it('no JSDoc in packages/yibao/src/{sdk,protocol,spec,crypto} cites an unshipped file; every cited docs/*.md exists', () => {
    const bad: string[] = [];
    for (const area of TOOLKIT) {
      for (const name of readdirSync(join(ROOT, 'packages', 'yibao', 'src', area)).filter((n) => n.endsWith('.ts'))) {
        const text = readFileSync(join(ROOT, 'packages', 'yibao', 'src', area, name), 'utf8');
        for (const block of jsdocBlocks(text)) {
          const m = UNSHIPPED.exec(block);
          if (m) bad.push(`packages/yibao/src/${area}/${name}: ${m[0].trim()}`);
          for (const doc of block.match(/docs\/[\w.-]+\.md/g) ?? []) if (!existsSync(join(ROOT, doc))) bad.push(`packages/yibao/src/${area}/${name}: ${doc} does not exist`);
        }
      }
    }
    expect(bad).toEqual([]);
  });
});
