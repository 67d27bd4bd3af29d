/**
 * A tiny HTML template: `html\`<p>${value}</p>\`` escapes every interpolated value unless it is
 * already `SafeHtml` (another template, or `raw()` for markup we wrote ourselves). Arrays are joined.
 * Generic on purpose: the patient pages and the operator console share it (DESIGN.md §9).
 */
export class SafeHtml {
  constructor(readonly text: string) {}
  toString(): string {
    return this.text;
  }
}

const ENTITIES: Record<string, string> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;', '`': '&#96;' };

export function escapeHtml(value: unknown): string {
  return String(value ?? '').replace(/[&<>"'`]/g, (c) => ENTITIES[c]!);
}

export type HtmlValue = SafeHtml | string | number | boolean | null | undefined | readonly HtmlValue[];

// Any value renders: escaped text, or nothing for null/undefined/false (a row's column, a stored upload's field).
function render(value: unknown): string {
  if (value === null || value === undefined || value === false) return '';
  if (value instanceof SafeHtml) return value.text;
  if (Array.isArray(value)) return value.map((v: unknown) => render(v)).join('');
  return escapeHtml(value);
}

export function html(strings: TemplateStringsArray, ...values: unknown[]): SafeHtml {
  let out = strings[0]!;
  for (let i = 0; i < values.length; i++) out += render(values[i]) + strings[i + 1]!;
  return new SafeHtml(out);
}

/** Markup we wrote ourselves (an icon, a stylesheet): never pass anything that came from a request. */
export function raw(markup: string): SafeHtml {
  return new SafeHtml(markup);
}
