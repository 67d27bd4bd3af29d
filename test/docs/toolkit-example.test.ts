import { mkdtempSync, readFileSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import ts from 'typescript';
import { describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

/** The typed 6201 example of docs/toolkit.md, compiled against the SDK's types (issue 15). */
function example(): string {
  const doc = readFileSync(join(ROOT, 'docs', 'toolkit.md'), 'utf8');
  const at = doc.indexOf('<!-- compiled: test/docs/toolkit-example.test.ts -->');
  expect(at).toBeGreaterThan(0);
  const m = /```ts\n([\s\S]*?)```/.exec(doc.slice(at));
  return m![1]!;
}

/**
 * tsc's diagnostics for each code as a HIS file importing `yibao/sdk` (the repository's sources), in one
 * program: the SDK is type-checked once for all of them.
 */
function compile(codes: string[]): string[][] {
  const dir = mkdtempSync(join(tmpdir(), 'yibao-doc-'));
  const files = codes.map((code, i) => {
    const file = join(dir, `his${i}.ts`);
    writeFileSync(file, code.replace(/from 'yibao\/sdk'/g, `from '${join(ROOT, 'packages', 'yibao', 'src', 'sdk', 'index.js')}'`));
    return file;
  });
  const program = ts.createProgram(files, {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: ['node'],
    typeRoots: [join(ROOT, 'node_modules', '@types')],
  });
  return files.map((file) => ts.getPreEmitDiagnostics(program, program.getSourceFile(file)).map((d) => ts.flattenDiagnosticMessageText(d.messageText, '\n')));
}

describe('docs/toolkit.md: the typed 6201 example', () => {
  it('compiles (strict) against the SDK, with ~20 fields, diagnoses and fee lines, and no cast; the types catch a misspelt field and a code outside a closed dictionary', () => {
    const code = example();
    expect(code).toMatch(/diseinfoList: \[/);
    expect(code).toMatch(/feedetailList: /);
    expect(code).toMatch(/up\.extData\?\.mdtrtId/);
    expect(code).not.toMatch(/ as (never|any|unknown)\b/);
    const upload = code.slice(code.indexOf('const upload: Txn6201Input = {'), code.indexOf('diseinfoList:'));
    expect(upload.match(/^ {4}\w+[,:]/gm)!.length).toBeGreaterThanOrEqual(20);
    const [asWritten, misspelt, badCode] = compile([code, code.replace("    feeType: '01',", "    feetype: '01',"), code.replace("acctUsedFlag: '1',", "acctUsedFlag: '2',")]);
    expect(asWritten).toEqual([]);
    expect(misspelt!.join('\n')).toMatch(/feetype/);
    expect(badCode!.join('\n')).toMatch(/"2"/);
  });

  it('our own demo and conformance use the types without casts', () => {
    for (const f of readdirSync(join(ROOT, 'packages', 'platform', 'src', 'cli')).filter((n) => n.startsWith('demo')).map((n) => join(ROOT, 'packages', 'platform', 'src', 'cli', n)).concat(join(ROOT, 'packages', 'yibao', 'src', 'sdk', 'conformance.ts'))) {
      expect(readFileSync(f, 'utf8'), f).not.toMatch(/as never/);
    }
  });
});
