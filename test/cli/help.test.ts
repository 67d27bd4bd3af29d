import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { describe, expect, it } from 'vitest';
import { commandPath } from '../../packages/platform/src/cli/examples.js';
import { buildProgram, main } from '../../packages/platform/src/cli/main.js';
import type { Io } from '../../packages/platform/src/cli/io.js';

function capture(): Io & { text: () => string } {
  let text = '';
  return { out: (s) => void (text += `${s}\n`), err: (s) => void (text += `${s}\n`), readStdin: () => '', text: () => text };
}

function all(cmd: Command): Command[] {
  return [cmd, ...cmd.commands.flatMap(all)];
}

describe('yibao --help and --version', () => {
  it('every command\'s --help ends with an example', async () => {
    const paths = all(buildProgram(capture(), () => {})).map(commandPath);
    expect(paths.length).toBeGreaterThan(15);
    for (const path of paths) {
      const io = capture();
      const code = await main([...(path ? path.split(' ') : []), '--help'], io);
      expect(code, path).toBe(0);
      expect(io.text(), `yibao ${path} --help has no example (src/cli/examples.ts)`).toMatch(/示例 \/ Example:\n {2}\$ (yibao|npm|PORT|DATABASE_URL)/);
    }
  });

  it('yibao --version prints the package version', async () => {
    const version = (JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version: string }).version;
    for (const flag of ['--version', '-V']) {
      const io = capture();
      expect(await main([flag], io)).toBe(0);
      expect(io.text().trim()).toBe(version);
    }
  });
});
