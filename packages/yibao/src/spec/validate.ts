import { LosslessNumber } from 'lossless-json';
import { OptionalKind, type TObject, type TSchema } from '@sinclair/typebox';
import { getDictionary } from './dictionaries.js';
import { fieldMeta, type FieldMeta } from './field.js';

/**
 * Validation against the catalogue. Every problem is named with its path, rule and Chinese name, in
 * the shape the center answers with 000105: `data.feedetailList[3].pric: 应为数值(16,6)（单价）`.
 * Unknown fields are allowed and kept: centers and HIS add fields.
 */
export interface FieldIssue {
  path: string;
  rule: 'required' | 'type' | 'length' | 'decimal' | 'integer' | 'format' | 'enum' | 'rule';
  field: string;
  name: string;
  message: string;
}

export type CrossRule = (value: Record<string, unknown>, root: string) => FieldIssue[];

const DECIMAL = /^(-?)(\d+)(?:\.(\d+))?$/;
const FORMATS: Record<string, RegExp> = {
  'yyyy-MM-dd HH:mm:ss': /^(\d{4})-(\d{2})-(\d{2}) (\d{2}):(\d{2}):(\d{2})$/,
  'yyyy-MM-dd': /^(\d{4})-(\d{2})-(\d{2})$/,
  yyyyMMddHHmmss: /^(\d{4})(\d{2})(\d{2})(\d{2})(\d{2})(\d{2})$/,
};

const FORMAT_EXAMPLES: Record<string, string> = {
  'yyyy-MM-dd HH:mm:ss': '2026-12-03 10:00:00',
  'yyyy-MM-dd': '2026-12-03',
  yyyyMMddHHmmss: '20261203100000',
};

function validDate(m: RegExpExecArray): boolean {
  const [y = 0, mo = 0, d = 0, h = 0, mi = 0, s = 0] = m.slice(1).map((x) => Number(x ?? 0));
  if (mo < 1 || mo > 12 || d < 1 || h > 23 || mi > 59 || s > 59) return false;
  const dt = new Date(Date.UTC(y, mo - 1, d));
  return dt.getUTCDate() === d && dt.getUTCMonth() === mo - 1;
}

export function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '';
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !(v instanceof LosslessNumber);
}

function scalarText(v: unknown): string | undefined {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isFinite(v)) return String(v);
  if (v instanceof LosslessNumber) return v.value;
  return undefined;
}

export function isOptional(schema: TSchema): boolean {
  return (schema as unknown as Record<symbol, unknown>)[OptionalKind] === 'Optional';
}

function issue(path: string, rule: FieldIssue['rule'], m: FieldMeta, text: string): FieldIssue {
  const field = path.slice(path.lastIndexOf('.') + 1).replace(/\[\d+\]$/, '');
  return { path, rule, field, name: m.name, message: `${path}: ${text}（${m.name}）` };
}

/**
 * Bidi controls and zero-width characters (docs/operations.md, limits of the HTTP layer): in an identifier they make two ids look
 * alike or reorder what an operator reads (U+202E turns "ORD-1234" around), so identifier fields
 * refuse them with 000105. Free text (names, messages) keeps them: emoji and Arabic need some.
 */
const INVISIBLE = /[\u00ad\u034f\u061c\u115f\u1160\u17b4\u17b5\u180e\u200b-\u200f\u202a-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0]/u;

/** Identifier fields by their spec name: …No, …Id, …Sn, …Ser, …Codg, …Code, …Token, …Ord, …Type, infno, msgid. */
const IDENTIFIER = /(no|id|sn|ser|codg|code|token|ord|type|flag|stas|infno|msgid|admdvs)$/i;

/** True when the text holds a bidi control or a zero-width character (path and query values too). */
export function hasInvisible(text: string): boolean {
  return INVISIBLE.test(text);
}

function isIdentifierField(path: string): boolean {
  return IDENTIFIER.test(path.slice(path.lastIndexOf('.') + 1).replace(/\[\d+\]$/, ''));
}

/** Checks one present value against its field; returns the issues (possibly nested). */
function checkValue(path: string, schema: TSchema, m: FieldMeta, v: unknown): FieldIssue[] {
  switch (m.kind) {
    case '字符型': {
      const t = scalarText(v);
      if (t === undefined) return [issue(path, 'type', m, '应为字符串')];
      const hidden = isIdentifierField(path) ? INVISIBLE.exec(t) : null;
      if (hidden) return [issue(path, 'format', m, `含有不可见或改变文字方向的字符 U+${hidden[0].codePointAt(0)!.toString(16).toUpperCase().padStart(4, '0')}，标识字段不允许`)];
      // The format first: an ISO time ("2026-12-03T10:00:00.000Z") is told it is in the wrong format,
      // not that it is too long.
      if (m.format) {
        const r = FORMATS[m.format]!.exec(t);
        if (!r || !validDate(r)) return [issue(path, 'format', m, `应为 ${m.format} 格式${/^\d{4}-\d{2}-\d{2}T/.test(t) ? `（不是 ISO 8601；例如 ${FORMAT_EXAMPLES[m.format] ?? m.format}，北京时间）` : ''}`)];
      }
      if (m.length !== undefined && [...t].length > m.length) return [issue(path, 'length', m, `长度不能超过 ${m.length}`)];
      if (m.json) {
        let inner: unknown;
        try {
          inner = typeof v === 'string' ? JSON.parse(v) : v;
        } catch {
          return [issue(path, 'format', m, '应为 JSON 对象字符串')];
        }
        if (!isPlainObject(inner)) return [issue(path, 'format', m, '应为 JSON 对象字符串')];
        return validate(m.json, inner, path);
      }
      return checkDict(path, m, t);
    }
    case '数值型': {
      const t = scalarText(v);
      const r = t === undefined ? null : DECIMAL.exec(t);
      const scale = m.scale ?? 0;
      const p = m.length ?? 16;
      const what = scale === 0 ? `应为整数(最多 ${p} 位)` : `应为数值(${p},${scale})`;
      if (!r || (r[1] === '-' && !m.signed)) return [issue(path, scale === 0 ? 'integer' : 'decimal', m, what)];
      const intDigits = r[2]!.replace(/^0+(?=\d)/, '').length;
      const fracDigits = (r[3] ?? '').length;
      if (intDigits > p - scale || fracDigits > scale) return [issue(path, scale === 0 ? 'integer' : 'decimal', m, what)];
      return checkDict(path, m, t!);
    }
    case '日期时间型':
    case '日期型': {
      const t = scalarText(v);
      const fmt = m.format ?? (m.kind === '日期型' ? 'yyyy-MM-dd' : 'yyyy-MM-dd HH:mm:ss');
      const r = t === undefined ? null : FORMATS[fmt]!.exec(t);
      if (!r || !validDate(r)) return [issue(path, 'format', m, `应为 ${fmt} 格式`)];
      return [];
    }
    case '布尔型':
      if (v === true || v === false || v === 'true' || v === 'false') return [];
      return [issue(path, 'type', m, '应为布尔值 true/false')];
    case '对象':
      if (!isPlainObject(v)) return [issue(path, 'type', m, '应为 JSON 对象')];
      return (schema as TObject).properties ? validate(schema as TObject, v, path) : [];
    case '列表': {
      const item = (schema as unknown as { items: TSchema }).items;
      const im = fieldMeta(item) ?? { name: m.name, kind: '对象' as const, specRequired: true };
      if (m.single && isPlainObject(v)) return checkValue(path, item, im, v);
      if (!Array.isArray(v)) return [issue(path, 'type', m, '应为数组')];
      return v.flatMap((el, i) => checkValue(`${path}[${i}]`, item, im, el));
    }
  }
}

function checkDict(path: string, m: FieldMeta, t: string): FieldIssue[] {
  if (!m.dict) return [];
  const d = getDictionary(m.dict);
  if (d && !d.closed && d.pattern && !(t in d.entries) && !d.pattern.regex.test(t)) {
    return [issue(path, 'enum', m, `应为${d.name}代码（${d.pattern.text}）`)];
  }
  if (!d || !d.closed || t in d.entries) return [];
  const codes = Object.keys(d.entries);
  return [issue(path, 'enum', m, codes.length <= 8 ? `应为 ${codes.join('/')} 之一` : `不是有效的${d.name}代码`)];
}

/** All issues of `value` against an object schema, in field order; `root` is the path prefix. */
export function validate(schema: TObject, value: unknown, root = 'data'): FieldIssue[] {
  const rootMeta = fieldMeta(schema) ?? { name: root, kind: '对象' as const, specRequired: true };
  if (!isPlainObject(value)) {
    return [{ path: root, rule: 'type', field: root, name: rootMeta.name, message: `${root}: 应为 JSON 对象（${rootMeta.name}）` }];
  }
  const out: FieldIssue[] = [];
  for (const [key, prop] of Object.entries(schema.properties)) {
    const m = fieldMeta(prop);
    if (!m) continue;
    const path = `${root}.${key}`;
    const v = value[key];
    const required = !isOptional(prop);
    if (isEmpty(v) || (m.kind === '列表' && Array.isArray(v) && v.length === 0 && required)) {
      if (required) out.push(issue(path, 'required', m, '必填'));
      continue;
    }
    out.push(...checkValue(path, prop, m, v));
  }
  return out;
}

/**
 * A copy of `value` where every 数值型 field holds a LosslessNumber of its decimal text, so that
 * lossless-json writes "12.30" as the JSON number 12.30. Unknown fields are left as they are.
 */
export function toWire(schema: TObject, value: unknown): unknown {
  return rebuild(schema, value, { numbers: true, singleAsList: false });
}

/**
 * A copy of a received `value` where each 列表 that a peer may send as one object (`single`, e.g.
 * 1101 `insuinfo`, which the spec's 6.2 example writes as an object) is a one-element list, so that
 * the caller always gets the list its type promises.
 */
export function asLists(schema: TObject, value: unknown): unknown {
  return rebuild(schema, value, { numbers: false, singleAsList: true });
}

/** A copy of `value` along `schema` (objects and list items recursed), numbers and lists shaped as asked. */
function rebuild(schema: TObject, value: unknown, how: { numbers: boolean; singleAsList: boolean }): unknown {
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = { ...value };
  for (const [key, prop] of Object.entries(schema.properties)) {
    const m = fieldMeta(prop);
    const v = value[key];
    if (!m || isEmpty(v)) continue;
    if (m.kind === '数值型') {
      const t = how.numbers ? scalarText(v) : undefined;
      if (t !== undefined && DECIMAL.test(t)) out[key] = new LosslessNumber(t);
    } else if (m.kind === '对象' && (prop as TObject).properties) {
      out[key] = rebuild(prop as TObject, v, how);
    } else if (m.kind === '列表') {
      const item = (prop as unknown as { items: TSchema }).items;
      const each = (el: unknown) => ((item as TObject).properties ? rebuild(item as TObject, el, how) : el);
      if (Array.isArray(v)) out[key] = v.map(each);
      else if (m.single && isPlainObject(v)) out[key] = how.singleAsList ? [each(v)] : each(v);
    }
  }
  return out;
}
