import type { TObject, TSchema } from '@sinclair/typebox';
import { getDictionary } from './dictionaries.js';
import { fieldMeta, type FieldMeta } from './field.js';
import { isOptional } from './validate.js';
import type { TxnSpec } from './index.js';

/**
 * Writes the catalogue's transactions as TypeScript interfaces whose every field carries its JSDoc:
 * 中文名, type, length, 是否必填, dictionary (with its codes), format and the spec's note — so that an
 * editor hovering `feeType` shows `费用类型 字符型 3 必填 …`. Dictionary fields are literal
 * unions (an open dictionary keeps `string` beside its known codes); 数值型 fields the institution
 * sends accept `string | number` (the validator reads a number as its text and refuses more decimals
 * than the spec allows, so a float never becomes an amount silently); what the institution receives is
 * the exact text (`string`).
 *
 * The output is types.generated.ts beside this file (`npm run gen:types` in the repository); a test fails when
 * the committed file differs from what the current catalogue generates.
 */
export const GENERATED_HEADER = '// Generated from the transaction catalogue (src/spec) by src/spec/typegen.ts. Do not edit: `npm run gen:types`.\n';

/** The TypeScript name of a transaction: Txn6201, OneCodeStatus, PushMsg, EcAuth (cn.nhsa.ec.auth). */
export function typeNameOf(id: string): string {
  if (/^\d+$/.test(id)) return `Txn${id}`;
  const parts = id.startsWith('cn.nhsa.') ? id.slice('cn.nhsa.'.length).split('.') : [id];
  return parts.map(pascal).join('');
}

function pascal(s: string): string {
  return s
    .split(/[^A-Za-z0-9]+/)
    .filter(Boolean)
    .map((p) => p[0]!.toUpperCase() + p.slice(1))
    .join('');
}

const IDENT = /^[A-Za-z_$][A-Za-z0-9_$]*$/;

/** `*\/` inside a note would end the comment. */
function doc(text: string): string {
  return text.replace(/\*\//g, '*\\/');
}

function lengthText(m: FieldMeta): string {
  if (m.kind === '数值型') return m.length === undefined ? '' : m.scale ? ` ${m.length},${m.scale}` : ` ${m.length}`;
  if (m.kind === '字符型') return m.length === undefined ? '' : ` ${m.length}`;
  return '';
}

/** The JSDoc lines of one field. */
function fieldDoc(m: FieldMeta, required: boolean, sent: boolean): string[] {
  const head = `${m.name} ${m.kind}${lengthText(m)} ${required ? '必填' : m.specRequired ? '条件必填（规范标 Y，见说明）' : '可选'}`;
  const lines = [head];
  if (m.format) lines.push(`格式：${m.format}`);
  if (m.kind === '数值型') {
    const decimals = m.scale ? `最多 ${m.scale} 位小数的十进制数` : '整数';
    lines.push(sent ? `${decimals}：字符串 "12.30" 或数字；金额由分得到用 toYuan(1230)` : `${decimals}，原文字符串（如 "12.30"）；金额转分用 toFen()`);
  }
  if (m.note) lines.push(m.note);
  if (m.dict) {
    const d = getDictionary(m.dict);
    if (d) {
      const codes = dictCodes(d.entries).map((c) => `${c} ${d.entries[c]}`);
      // A shape the dictionary checks (where it has one; some dictionaries publish no codes at all).
      const shape = (d as { pattern?: { text?: string } }).pattern?.text;
      lines.push(`字典 ${d.id}（${d.name}${d.closed ? '' : '，开放：其他代码也可'}${shape ? `，${shape}` : ''}）${codes.length ? `：${codes.join('；')}` : '：各地中心公布'}`);
    } else lines.push(`字典 ${m.dict}`);
  }
  return lines;
}

/** A dictionary's codes in reading order: JS lists integer-like keys first ('10' before '00'). */
function dictCodes(entries: Record<string, string>): string[] {
  const codes = Object.keys(entries);
  return codes.every((c) => /^\d+$/.test(c)) ? codes.sort((a, b) => a.length - b.length || (a < b ? -1 : a > b ? 1 : 0)) : codes;
}

interface Emitter {
  out: string[];
  /** Input the institution sends: money as string | number. */
  sent: boolean;
}

function scalarType(m: FieldMeta, sent: boolean): string {
  if (m.kind === '布尔型') return 'boolean';
  if (m.dict) {
    const d = getDictionary(m.dict);
    if (d) {
      const codes = dictCodes(d.entries).map((c) => `'${c.replace(/'/g, "\\'")}'`);
      // An open dictionary lists the common codes for completion and still takes any string.
      const union = d.closed ? codes : [...codes, codes.length ? '(string & {})' : 'string'];
      return m.kind === '数值型' && sent ? [...union, 'number'].join(' | ') : union.join(' | ');
    }
  }
  if (m.kind === '数值型') return sent ? 'string | number' : 'string';
  return 'string';
}

function typeOf(e: Emitter, schema: TSchema, m: FieldMeta, name: string, key = ''): string {
  if (m.kind === '对象') {
    const props = (schema as TObject).properties;
    if (props && Object.keys(props).length > 0) {
      emitInterface(e, name, schema as TObject, `${m.name}`, key === 'extData');
      return name;
    }
    return '{ [key: string]: unknown }';
  }
  if (m.kind === '列表') {
    const item = (schema as unknown as { items: TSchema }).items;
    const im = fieldMeta(item) ?? { name: m.name, kind: '对象' as const, specRequired: true };
    const t = typeOf(e, item, im, `${name}Item`);
    // A peer may send one object where the spec's own example does (1101 insuinfo): accepted when sent.
    return m.single && e.sent ? `${t} | ${t}[]` : `${t}[]`;
  }
  return scalarType(m, e.sent);
}

function emitInterface(e: Emitter, name: string, schema: TObject, title: string, open = false): void {
  // The parent goes before the interfaces of its nested objects, which typeOf emits meanwhile.
  const at = e.out.length;
  const body: string[] = [];
  for (const [key, prop] of Object.entries(schema.properties)) {
    const m = fieldMeta(prop);
    if (!m) continue;
    const required = !isOptional(prop);
    let t = typeOf(e, prop, m, `${name}${pascal(key)}`, key);
    // The specs' own examples send `"extData": null`: an optional object may arrive as null.
    if (m.kind === '对象' && !required && !e.sent) t = `${t} | null`;
    body.push('  /**', ...fieldDoc(m, required, e.sent).map((l) => `   * ${doc(l)}`), '   */', `  ${IDENT.test(key) ? key : `'${key}'`}${required ? '' : '?'}: ${t};`);
  }
  // Region-specific content (extData) takes fields the catalogue does not know. Elsewhere, no index
  // signature: a misspelt field name is a compile error (send an extra field with a spread or a cast).
  if (open) body.push('  [key: string]: unknown;');
  e.out.splice(at, 0, `/** ${doc(title)} */`, `export interface ${name} {`, ...body, '}', '');
}

/** The whole generated file for a set of transactions. */
export function generateTypes(transactions: Record<string, TxnSpec>): string {
  const out: string[] = [GENERATED_HEADER, '/* eslint-disable */', ''];
  for (const t of Object.values(transactions)) {
    const base = typeNameOf(t.id);
    const sent = t.from === 'HIS';
    for (const [dir, schema, label] of [['Input', t.input, '入参'], ['Output', t.output, '出参']] as const) {
      const e: Emitter = { out: [], sent: dir === 'Input' && sent };
      emitInterface(e, `${base}${dir}`, schema, `【${t.id}】${t.name} ${label}（${t.spec}；${t.from} → ${t.to}）`);
      out.push(...e.out);
    }
  }
  return out.join('\n').replace(/\n+$/, '\n');
}
