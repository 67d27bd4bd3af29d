import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { formatCompact, formatCompactMs, formatDate, formatDateTime, formatTime6, parseWireTime, requireWireTime } from '../../packages/yibao/src/protocol/time.js';
import { YibaoError } from '../../packages/yibao/src/protocol/errors.js';

describe('wire times (Beijing time, UTC+8)', () => {
  const instant = new Date('2020-02-07T09:57:59.123Z'); // 17:57:59.123 in Beijing
  it('parses the three forms real traffic uses, and the dashed one of the portal/FSI', () => {
    expect(parseWireTime('20200207175759')?.toISOString()).toBe('2020-02-07T09:57:59.000Z');
    expect(parseWireTime('20200207175759123')?.toISOString()).toBe('2020-02-07T09:57:59.123Z');
    expect(parseWireTime(String(instant.getTime()))?.toISOString()).toBe(instant.toISOString());
    expect(parseWireTime(instant.getTime())?.toISOString()).toBe(instant.toISOString());
    expect(parseWireTime('2020-02-07 17:57:59')?.toISOString()).toBe('2020-02-07T09:57:59.000Z');
  });
  it('emits each spec format', () => {
    expect(formatCompact(instant)).toBe('20200207175759');
    expect(formatCompactMs(instant)).toBe('20200207175759123');
    expect(formatDateTime(instant)).toBe('2020-02-07 17:57:59');
    expect(formatDate(instant)).toBe('2020-02-07');
    expect(formatTime6(instant)).toBe('175759');
  });
  it('refuses impossible dates and other shapes', () => {
    for (const bad of ['20200230120000', '20201301000000', '20200101246000', '202002071757', '1700000000', 'abc', '', '2020-02-07T17:57:59Z', null, undefined, {}, 1.5]) {
      expect(parseWireTime(bad)).toBeUndefined();
    }
    expect(() => requireWireTime('x', 'timestamp')).toThrow(YibaoError);
    expect(() => requireWireTime('x', 'timestamp')).toThrow(/timestamp: 应为 yyyyMMddHHmmss/);
  });
  it('property: format → parse is the identity to the millisecond', () => {
    fc.assert(
      fc.property(fc.date({ min: new Date('2000-01-01T00:00:00Z'), max: new Date('2099-12-31T00:00:00Z'), noInvalidDate: true }), (d) => {
        expect(parseWireTime(formatCompactMs(d))?.getTime()).toBe(d.getTime());
        expect(parseWireTime(formatCompact(d))?.getTime()).toBe(Math.floor(d.getTime() / 1000) * 1000);
      }),
    );
  });
});
