import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, expectTypeOf, it } from 'vitest';
import { transactions } from '../../packages/yibao/src/spec/index.js';
import { generateTypes } from '../../packages/yibao/src/spec/typegen.js';
import type { Txn6201Input, Txn6201Output, Txn6202Input, Txn6203Input, Txn6301Output } from '../../packages/yibao/src/sdk/index.js';

const FILE = fileURLToPath(new URL('../../packages/yibao/src/spec/types.generated.ts', import.meta.url));

describe('types generated from the catalogue', () => {
  it('the committed src/spec/types.generated.ts is what the catalogue generates (else: npm run gen:types)', () => {
    // A dictionary or field added to src/spec without regenerating fails here.
    expect(readFileSync(FILE, 'utf8'), 'src/spec/types.generated.ts is stale: run `npm run gen:types`').toBe(generateTypes(transactions));
  });

  it('every field carries its Chinese name, type, length and rule as JSDoc', () => {
    const text = generateTypes(transactions);
    const docOf = (iface: string, field: string) => {
      const body = text.slice(text.indexOf(`export interface ${iface} {`));
      const end = body.indexOf(`  ${field}`);
      return body.slice(body.lastIndexOf('/**', end), end);
    };
    expect(docOf('Txn6201Input', 'feeType:')).toMatch(/费用类型 字符型 3 必填/);
    expect(docOf('Txn6201Input', 'medfeeSumamt:')).toMatch(/医疗费总额 数值型 16,2 必填/);
    expect(docOf('Txn6201Input', 'begntime:')).toMatch(/格式：yyyy-MM-dd HH:mm:ss/);
    expect(docOf('Txn6203Input', 'refdType:')).toMatch(/字典 refdType（退费类型）：ALL 全部；CASH 只退现金；HI 只退医保/);
    // Every field of every interface has a comment right above it.
    const fields = text.match(/^ {2}[A-Za-z_'][^:\n]*\??: [^\n]+;$/gm)!.filter((l) => !l.startsWith('  [key'));
    const documented = text.match(/ {3}\*\/\n {2}[A-Za-z_'][^:\n]*\??: [^\n]+;/g)!;
    expect(fields.length).toBeGreaterThan(300);
    expect(documented.length).toBe(fields.length);
  });

  it('dictionary fields are literal unions, money inputs string | number, what the HIS receives is text', () => {
    expectTypeOf<Txn6203Input['refdType']>().toEqualTypeOf<'ALL' | 'CASH' | 'HI'>();
    expectTypeOf<Txn6201Input['acctUsedFlag']>().toEqualTypeOf<'0' | '1'>();
    expectTypeOf<Txn6201Input['medfeeSumamt']>().toEqualTypeOf<string | number>();
    expectTypeOf<Txn6202Input['deposit']>().toEqualTypeOf<string | number | undefined>();
    expectTypeOf<Txn6301Output['feeSumamt']>().toEqualTypeOf<string>();
    // An open dictionary (national baseline) suggests its codes and takes any other.
    expectTypeOf<'310'>().toExtend<Txn6201Input['insutype']>();
    expectTypeOf<'999'>().toExtend<Txn6201Input['insutype']>();
    // The visit id a 6202 repeats is typed (no cast needed to read it).
    expectTypeOf<NonNullable<Txn6201Output['extData']>['mdtrtId']>().toEqualTypeOf<string | undefined>();
    // @ts-expect-error — not a refund type
    const bad: Txn6203Input['refdType'] = 'PART';
    void bad;
  });
});
