import { Type, type TObject, type TProperties, type TSchema, type TOptional, type TString, type TBoolean, type TArray, type TUnsafe } from '@sinclair/typebox';

/**
 * One field of a transaction, as the spec tables give it: 参数代码 (the object key), 参数名称,
 * 参数类型, 长度, 代码标识 (dictionary), 是否必填, 说明. Each field is a TypeBox schema carrying this
 * metadata under `x-field`, so one description yields the TypeScript type (Static<…>), the runtime
 * validator (validate.ts), the wire encoder (toWire) and the API description.
 *
 * 数值型 fields are `string` in TypeScript: after an envelope is opened, numbers are the exact text
 * of their literal ("12.30"), so money never passes through a float.
 */
export type FieldKind = '字符型' | '数值型' | '日期时间型' | '日期型' | '布尔型' | '对象' | '列表';

export interface FieldMeta {
  name: string;
  kind: FieldKind;
  /** 字符型: maximum characters. 数值型: precision p (total digits). */
  length?: number;
  /** 数值型: digits after the point (0 for integers). */
  scale?: number;
  /** Dictionary id (dictionaries.ts). */
  dict?: string;
  /** 是否必填 exactly as the spec table says (Y/N), even where yibao enforces otherwise. */
  specRequired: boolean;
  /** A format the note states, checked: 'yyyy-MM-dd HH:mm:ss', 'yyyy-MM-dd', 'yyyyMMddHHmmss'. */
  format?: string;
  /** The content of a JSON-string field (expContent): validated when present. */
  json?: TObject;
  /** Negative values allowed (数值型); amounts are never negative. */
  signed?: boolean;
  /** 列表: a single object is accepted as a one-element list (where a spec's own example sends one). */
  single?: boolean;
  note?: string;
}

export const META = 'x-field';

export interface FieldOptions {
  dict?: string;
  format?: string;
  note?: string;
  json?: TObject;
  signed?: boolean;
  /** The spec says Y but yibao does not enforce it (documented in docs/catalogue.md). */
  specRequired?: boolean;
  single?: boolean;
}

function meta(name: string, kind: FieldKind, required: boolean, o: FieldOptions = {}, extra: Partial<FieldMeta> = {}): Record<string, unknown> {
  const m: FieldMeta = { name, kind, specRequired: o.specRequired ?? required, ...extra };
  if (o.dict) m.dict = o.dict;
  if (o.format) m.format = o.format;
  if (o.note) m.note = o.note;
  if (o.json) m.json = o.json;
  if (o.signed) m.signed = o.signed;
  if (o.single) m.single = o.single;
  return { [META]: m, title: name, ...(o.note ? { description: o.note } : {}) };
}

/** Required fields (是否必填 Y). */
export const req = {
  str: (name: string, length: number, o?: FieldOptions): TString => Type.String(meta(name, '字符型', true, o, { length })),
  num: (name: string, precision: number, scale: number, o?: FieldOptions): TString => Type.String(meta(name, '数值型', true, o, { length: precision, scale })),
  int: (name: string, digits: number, o?: FieldOptions): TString => Type.String(meta(name, '数值型', true, o, { length: digits, scale: 0 })),
  datetime: (name: string, o?: FieldOptions): TString => Type.String(meta(name, '日期时间型', true, o, { format: 'yyyy-MM-dd HH:mm:ss' })),
  bool: (name: string, o?: FieldOptions): TBoolean => Type.Boolean(meta(name, '布尔型', true, o)),
  obj: <T extends TProperties>(name: string, props: T, o?: FieldOptions): TObject<T> => Type.Object(props, { ...meta(name, '对象', true, o), additionalProperties: true }),
  list: <T extends TSchema>(name: string, item: T, o?: FieldOptions): TArray<T> => Type.Array(item, meta(name, '列表', true, o)),
};

/** Optional fields (是否必填 N). */
export const opt = {
  str: (name: string, length: number, o?: FieldOptions): TOptional<TString> => Type.Optional(req.str(name, length, { specRequired: false, ...o })),
  num: (name: string, precision: number, scale: number, o?: FieldOptions): TOptional<TString> => Type.Optional(req.num(name, precision, scale, { specRequired: false, ...o })),
  int: (name: string, digits: number, o?: FieldOptions): TOptional<TString> => Type.Optional(req.int(name, digits, { specRequired: false, ...o })),
  datetime: (name: string, o?: FieldOptions): TOptional<TString> => Type.Optional(req.datetime(name, { specRequired: false, ...o })),
  bool: (name: string, o?: FieldOptions): TOptional<TBoolean> => Type.Optional(req.bool(name, { specRequired: false, ...o })),
  obj: <T extends TProperties>(name: string, props: T, o?: FieldOptions): TOptional<TObject<T>> => Type.Optional(req.obj(name, props, { specRequired: false, ...o })),
  /** extData-like objects whose content varies by region. */
  any: (name: string, o?: FieldOptions): TOptional<TUnsafe<Record<string, unknown> | null>> =>
    // Typed as nullable: the specs' own examples send `"extData": null` (regional-payment-portal.txt DLL 示例).
    Type.Optional(Type.Unsafe<Record<string, unknown> | null>(Type.Record(Type.String(), Type.Unknown(), meta(name, '对象', false, { specRequired: false, ...o })))),
  list: <T extends TSchema>(name: string, item: T, o?: FieldOptions): TOptional<TArray<T>> => Type.Optional(req.list(name, item, { specRequired: false, ...o })),
};

/** A node (节点) of a transaction: an object schema whose keys are the spec's 参数代码. */
export function node<T extends TProperties>(name: string, props: T): TObject<T> {
  return Type.Object(props, { ...meta(name, '对象', true), additionalProperties: true });
}

export function fieldMeta(schema: TSchema): FieldMeta | undefined {
  return (schema as Record<string, unknown>)[META] as FieldMeta | undefined;
}
