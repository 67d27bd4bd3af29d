import { escapeHtml, trusted, type Html } from './html.js';

/**
 * Charts as inline SVG drawn on the server (docs/console.md): no chart library, no script, nothing
 * fetched; they print, and work under a CSP without 'unsafe-inline' because they use presentation
 * attributes only (no style attributes). Every bar and point has a <title> for its exact value.
 */
const AXIS = '#C0C4CC';
const TEXT = '#606266';
const FONT = 'font-size="11" font-family="sans-serif"';

export interface Series {
  name: string;
  color: string;
  values: number[];
}

function niceMax(v: number): number {
  if (v <= 0) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (v <= m * p) return m * p;
  return 10 * p;
}

/** Stacked vertical bars, one per category (days), with a legend. */
export function stackedBars(p: { title: string; categories: string[]; series: Series[]; format: (v: number) => string; width?: number; height?: number }): Html {
  // Drawn at about the size a dashboard card shows it (~400 px), so that its 11-px text stays 11 px.
  const width = p.width ?? 400;
  const height = p.height ?? 220;
  const left = 60;
  const bottom = 28;
  const top = 24;
  const plotH = height - bottom - top;
  const plotW = width - left - 8;
  const totals = p.categories.map((_, i) => p.series.reduce((s, x) => s + (x.values[i] ?? 0), 0));
  const max = niceMax(Math.max(0, ...totals));
  const slot = plotW / Math.max(1, p.categories.length);
  const barW = Math.max(4, Math.min(40, slot * 0.7));
  const y = (v: number) => top + plotH - (v / max) * plotH;
  const parts: string[] = [];
  parts.push(`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeHtml(p.title)}" class="chart">`);
  parts.push(`<title>${escapeHtml(p.title)}</title>`);
  for (const f of [0, 0.5, 1]) {
    const yy = y(max * f);
    parts.push(`<line x1="${left}" x2="${width - 8}" y1="${yy}" y2="${yy}" stroke="${AXIS}" stroke-width="${f === 0 ? 1 : 0.5}"/>`);
    parts.push(`<text x="${left - 6}" y="${yy + 4}" text-anchor="end" fill="${TEXT}" ${FONT}>${escapeHtml(p.format(max * f))}</text>`);
  }
  p.categories.forEach((c, i) => {
    const x = left + i * slot + (slot - barW) / 2;
    let acc = 0;
    for (const s of p.series) {
      const v = s.values[i] ?? 0;
      if (v > 0) {
        const y1 = y(acc + v);
        const h = y(acc) - y1;
        parts.push(`<rect x="${x.toFixed(1)}" y="${y1.toFixed(1)}" width="${barW.toFixed(1)}" height="${Math.max(0.5, h).toFixed(1)}" fill="${s.color}"><title>${escapeHtml(`${c} ${s.name}：${p.format(v)}`)}</title></rect>`);
      }
      acc += v;
    }
    if (p.categories.length <= 8 || i % 2 === (p.categories.length - 1) % 2) {
      parts.push(`<text x="${(x + barW / 2).toFixed(1)}" y="${height - 10}" text-anchor="middle" fill="${TEXT}" ${FONT}>${escapeHtml(c.slice(5))}</text>`);
    }
  });
  let lx = left;
  for (const s of p.series) {
    parts.push(`<rect x="${lx}" y="6" width="10" height="10" fill="${s.color}"/><text x="${lx + 14}" y="15" fill="${TEXT}" ${FONT}>${escapeHtml(s.name)}</text>`);
    lx += 24 + s.name.length * 12;
  }
  parts.push('</svg>');
  return trusted(parts.join(''));
}

/** Horizontal bars: a label and a value each (backlog, ages, apps). */
export function barList(p: { title: string; items: Array<{ label: string; value: number; color?: string }>; width?: number }): Html {
  const width = p.width ?? 360;
  const rowH = 22;
  const height = Math.max(1, p.items.length) * rowH + 8;
  const labelW = 120;
  const max = niceMax(Math.max(0, ...p.items.map((i) => i.value)));
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="${escapeHtml(p.title)}" class="chart"><title>${escapeHtml(p.title)}</title>`];
  if (p.items.length === 0) parts.push(`<text x="4" y="18" fill="${TEXT}" ${FONT}>无数据</text>`);
  p.items.forEach((it, i) => {
    const yy = 4 + i * rowH;
    const w = ((width - labelW - 48) * it.value) / max;
    parts.push(`<text x="${labelW - 6}" y="${yy + 14}" text-anchor="end" fill="${TEXT}" ${FONT}>${escapeHtml(it.label)}</text>`);
    parts.push(`<rect x="${labelW}" y="${yy + 3}" width="${Math.max(it.value > 0 ? 2 : 0, w).toFixed(1)}" height="${rowH - 8}" fill="${it.color ?? '#3B71E8'}"><title>${escapeHtml(`${it.label}：${it.value}`)}</title></rect>`);
    parts.push(`<text x="${(labelW + w + 6).toFixed(1)}" y="${yy + 14}" fill="${TEXT}" ${FONT}>${escapeHtml(String(it.value))}</text>`);
  });
  parts.push('</svg>');
  return trusted(parts.join(''));
}

export interface TimelineEvent {
  at: Date;
  label: string;
  kind: 'state' | 'callback-ok' | 'callback-fail' | 'refund' | 'flag';
}

const KIND_COLOR: Record<TimelineEvent['kind'], string> = {
  state: '#3B71E8',
  'callback-ok': '#67C23A',
  'callback-fail': '#F56C6C',
  refund: '#E6A23C',
  flag: '#F56C6C',
};

/**
 * An order's history as one picture: states above the time axis, callback attempts and refunds
 * below, each at its time. Events closer than a label's width are spread apart along their lane.
 */
export function timeline(events: TimelineEvent[], p: { width?: number } = {}): Html {
  const width = p.width ?? 860;
  const sorted = [...events].sort((a, b) => a.at.getTime() - b.at.getTime());
  const lanes = { above: sorted.filter((e) => e.kind === 'state'), below: sorted.filter((e) => e.kind !== 'state') };
  const rowsAbove = Math.min(6, lanes.above.length);
  const rowsBelow = Math.min(8, lanes.below.length);
  const rowH = 18;
  const axisY = 24 + rowsAbove * rowH + 10;
  const height = axisY + 30 + rowsBelow * rowH + 10;
  const left = 20;
  const right = width - 20;
  const t0 = sorted[0]?.at.getTime() ?? 0;
  const t1 = sorted.at(-1)?.at.getTime() ?? t0;
  const span = Math.max(1, t1 - t0);
  const x = (d: Date) => left + ((d.getTime() - t0) / span) * (right - left);
  const parts: string[] = [`<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 ${width} ${height}" width="100%" role="img" aria-label="订单时间线" class="chart timeline"><title>订单时间线</title>`];
  parts.push(`<line x1="${left}" x2="${right}" y1="${axisY}" y2="${axisY}" stroke="${AXIS}" stroke-width="2"/>`);
  const fmt = (d: Date) => new Date(d.getTime() + 8 * 3600_000).toISOString().slice(5, 19).replace('T', ' ');
  if (sorted.length > 0) {
    parts.push(`<text x="${left}" y="${axisY + 16}" fill="${TEXT}" ${FONT}>${escapeHtml(fmt(sorted[0]!.at))}</text>`);
    if (span > 1) parts.push(`<text x="${right}" y="${axisY + 16}" text-anchor="end" fill="${TEXT}" ${FONT}>${escapeHtml(fmt(sorted.at(-1)!.at))}</text>`);
  }
  const place = (list: TimelineEvent[], dir: -1 | 1, rows: number) => {
    list.forEach((e, i) => {
      const xx = x(e.at);
      const row = rows > 0 ? i % rows : 0;
      const ty = dir < 0 ? axisY - 12 - row * rowH : axisY + 34 + row * rowH;
      const color = KIND_COLOR[e.kind];
      const anchor = xx > width * 0.7 ? 'end' : 'start';
      parts.push(`<line x1="${xx.toFixed(1)}" x2="${xx.toFixed(1)}" y1="${axisY}" y2="${(ty + (dir < 0 ? 4 : -12)).toFixed(1)}" stroke="${color}" stroke-width="1" stroke-dasharray="2 2"/>`);
      parts.push(`<circle cx="${xx.toFixed(1)}" cy="${axisY}" r="5" fill="${color}"><title>${escapeHtml(`${fmt(e.at)} ${e.label}`)}</title></circle>`);
      parts.push(`<text x="${(xx + (anchor === 'end' ? -4 : 4)).toFixed(1)}" y="${ty.toFixed(1)}" text-anchor="${anchor}" fill="${color}" ${FONT} class="tl-label">${escapeHtml(e.label)}</text>`);
    });
  };
  place(lanes.above, -1, rowsAbove);
  place(lanes.below, 1, rowsBelow);
  parts.push('</svg>');
  return trusted(parts.join(''));
}
