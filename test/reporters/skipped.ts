import type { Reporter, TestModule } from 'vitest/node';

/**
 * The last line of `npm test`: what was not tested and why, once, instead of notes printed in the
 * middle of the run by the test files (issue 15). Tests that skip say why with `ctx.skip(note)`.
 */
export default class SkippedSummary implements Reporter {
  onTestRunEnd(testModules: ReadonlyArray<TestModule>): void {
    const reasons = new Map<string, number>();
    for (const m of testModules) {
      for (const t of m.children.allTests('skipped')) {
        // Skipped while running (ctx.skip(note)) or todo; not those a -t filter or .only left out.
        if (t.options.mode === 'skip') continue;
        const r = t.result();
        const note = (r.state === 'skipped' ? r.note : undefined) ?? `${t.options.mode === 'todo' ? 'todo' : '未说明原因 / no reason given'}`;
        reasons.set(note, (reasons.get(note) ?? 0) + 1);
      }
    }
    const parts = [...reasons].map(([why, n]) => `${n} × ${why}`);
    if (!process.env.TEST_DATABASE_URL && !process.env.DATABASE_URL) parts.push('存储测试只在 PGlite 上运行（设置 TEST_DATABASE_URL 以同时测 PostgreSQL）/ storage tests ran on PGlite only');
    process.stdout.write(parts.length ? `\n跳过 / skipped: ${parts.join('；')}\n` : '\n无跳过 / nothing skipped\n');
  }
}
