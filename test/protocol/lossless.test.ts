import { describe, expect, it } from 'vitest';
import fc from 'fast-check';
import { parse } from 'lossless-json';
import { parseLossless, DepthError } from '../../packages/yibao/src/protocol/lossless.js';
import { parseWire } from '../../packages/yibao/src/protocol/json.js';

/** Both parsers' outcome on a text: the value, or that it was refused. */
function outcome(f: () => unknown): unknown {
  try {
    return { value: f() };
  } catch (err) {
    return { error: err instanceof SyntaxError };
  }
}

describe('parseLossless: lossless-json, faster', () => {
  it('gives what lossless-json gives on generated JSON, spaced or not', () => {
    fc.assert(
      fc.property(fc.jsonValue(), fc.boolean(), (v, spaced) => {
        const text = JSON.stringify(v, null, spaced ? 2 : undefined);
        expect(parseLossless(text)).toEqual(parse(text));
      }),
      { numRuns: 500 },
    );
  });

  it('refuses what lossless-json refuses, accepts what it accepts (mutated texts)', () => {
    fc.assert(
      fc.property(fc.json(), fc.nat(), fc.constantFrom('', '"', '\\', ',', '}', ']', '{', '[', ':', '\u0001', '01', '-', '1e', 'tru'), (text, at, insert) => {
        const k = at % (text.length + 1);
        const t = text.slice(0, k) + insert + text.slice(k);
        expect(outcome(() => parseLossless(t))).toEqual(outcome(() => parse(t)));
      }),
      { numRuns: 1000 },
    );
  });

  it('numbers verbatim, duplicate keys with another value refused, __proto__ kept as data', () => {
    expect(String((parseLossless('{"a":12.30}') as { a: unknown }).a)).toBe('12.30');
    expect(() => parseLossless('{"psnNo":"a","psnNo":"b"}')).toThrow("Duplicate key 'psnNo' encountered at position 14");
    expect(parseLossless('{"a":1,"a":1}')).toEqual(parse('{"a":1,"a":1}'));
    const o = parseLossless('{"__proto__":{"x":1}}') as Record<string, unknown>;
    expect(Object.getPrototypeOf(o)).toBe(Object.prototype);
    expect(Object.keys(o)).toEqual(['__proto__']);
    expect(parseLossless('"a\\u00e9\\n\\"b"')).toBe('aé\n"b');
  });

  it('refuses nesting past the limit before recursing further', () => {
    expect(() => parseLossless('['.repeat(100_000), 32)).toThrow(DepthError);
    expect(() => parseWire('['.repeat(33) + ']'.repeat(33))).toThrow(/嵌套层级超过 32 层/);
    expect(parseWire('['.repeat(32) + ']'.repeat(32))).toBeDefined();
  });

  it('counts depth, not containers: a 6201 with 500 fee lines (sibling objects, each with a nested one) parses', () => {
    const lines = Array.from({ length: 500 }, (_, k) => ({ feedetlSn: `FD${k}`, detItemFeeSumamt: 1.5, extra: { a: [{ b: {} }] } }));
    const text = JSON.stringify({ data: { feedetailList: lines, diseinfoList: [{ diagCode: 'J06.900' }] } });
    expect(() => parseLossless(text, 32)).not.toThrow();
    expect(() => parseWire(text)).not.toThrow();
  });
});
