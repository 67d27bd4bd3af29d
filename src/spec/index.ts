import type { TObject } from '@sinclair/typebox';
import { mobileTransactions } from './mobile.js';
import { fsiTransactions } from './fsi.js';
import { portalTransactions } from './portal.js';
import { terminalTransactions } from './terminal.js';
import { validate, toWire as toWireSchema, type CrossRule, type FieldIssue } from './validate.js';

export * from './field.js';
export * from './validate.js';
export * from './dictionaries.js';
export * from './money.js';
export * from './portal-codes.js';
export * from './mobile.js';
export * from './fsi.js';
export * from './portal.js';
export * from './terminal.js';
export * from './statement.js';

/** One transaction of the four specs, as data. */
export interface TxnSpec {
  id: string;
  name: string;
  spec: string;
  from: string;
  to: string;
  /** HTTP path where the spec gives one (or yibao chose one: pathIsYibaoChoice). */
  path?: string;
  pathIsYibaoChoice?: boolean;
  input: TObject;
  output: TObject;
  rules?: readonly CrossRule[];
  /** Cross-field rules of the output (fields the spec marks Y that exist only in some states). */
  outputRules?: readonly CrossRule[];
}

export const transactions = {
  ...mobileTransactions,
  ...fsiTransactions,
  ...portalTransactions,
  ...terminalTransactions,
} as const satisfies Record<string, TxnSpec>;

export type TxnId = keyof typeof transactions;

export function getTxn(id: string): TxnSpec {
  const t = (transactions as Record<string, TxnSpec>)[id];
  if (!t) throw new Error(`unknown transaction ${id}`);
  return t;
}

/** Every issue of a transaction's input or output, its cross-field rules included. */
export function validateTxn(id: string, direction: 'input' | 'output', value: unknown, root = 'data'): FieldIssue[] {
  const t = getTxn(id);
  const issues = validate(t[direction], value, root);
  const rules = direction === 'input' ? t.rules : t.outputRules;
  if (rules && typeof value === 'object' && value !== null && !Array.isArray(value)) {
    for (const rule of rules) issues.push(...rule(value as Record<string, unknown>, root));
  }
  return issues;
}

/** The wire form of a transaction's data: 数值型 fields become JSON numbers with their exact text. */
export function toWire(schema: TObject, value: unknown): unknown {
  return toWireSchema(schema, value);
}
export * from './openapi.js';
