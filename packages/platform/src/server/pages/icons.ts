import qrcode from 'qrcode-generator';
import { html, raw, type SafeHtml } from './html.js';

/** The cashier's channels (6204 chnlType). */
export const CHANNELS = ['WX', 'ALI', 'UP', 'BANK'] as const;
export type CashierChannel = (typeof CHANNELS)[number];
export const CHANNEL_NAMES: Record<CashierChannel, string> = { WX: '微信支付', ALI: '支付宝', UP: '云闪付', BANK: '银行卡' };

/**
 * Channel icons (表 A.2: 50x50): drawn here as inline SVG, never fetched (no third-party request from
 * a payment page, and no trademarked artwork copied): a coloured tile with the channel's first glyph.
 */
const CHANNEL_ART: Record<CashierChannel, { bg: string; glyph: string }> = {
  WX: { bg: '#07C160', glyph: '微' },
  ALI: { bg: '#1677FF', glyph: '支' },
  UP: { bg: '#D7000F', glyph: '云' },
  BANK: { bg: '#3B71E8', glyph: '卡' },
};

export function channelIcon(c: CashierChannel): SafeHtml {
  const a = CHANNEL_ART[c];
  return html`<svg class="channel-icon" viewBox="0 0 50 50" aria-hidden="true" focusable="false"><rect width="50" height="50" rx="10" fill="${a.bg}"/><text x="25" y="33" font-size="24" text-anchor="middle" fill="#fff" font-family="sans-serif">${a.glyph}</text></svg>`;
}

/** The institution's icon when its app has no `logoUrl`: a monogram of the first character of its name. */
export function monogram(name: string, cls = 'org-icon'): SafeHtml {
  const first = [...name.trim()][0] ?? '医';
  return html`<svg class="${cls}" viewBox="0 0 80 80" role="img" aria-label="${name} 图标"><circle cx="40" cy="40" r="40" fill="#fff"/><text x="40" y="52" font-size="34" text-anchor="middle" fill="#3B71E8" font-family="sans-serif">${first}</text></svg>`;
}

export function stateIcon(kind: 'ok' | 'warn' | 'stop'): SafeHtml {
  const color = kind === 'ok' ? '#3B71E8' : kind === 'warn' ? '#E6A23C' : '#909399';
  const mark = kind === 'ok' ? '<path d="M16 29l9 9 18-19" fill="none" stroke="#fff" stroke-width="5" stroke-linecap="round" stroke-linejoin="round"/>' : kind === 'warn' ? '<path d="M28 14v18M28 40v2" stroke="#fff" stroke-width="5" stroke-linecap="round"/>' : '<path d="M18 18l20 20M38 18L18 38" stroke="#fff" stroke-width="5" stroke-linecap="round"/>';
  return html`<svg class="state-icon" viewBox="0 0 56 56" aria-hidden="true" focusable="false"><circle cx="28" cy="28" r="28" fill="${color}"/>${raw(mark)}</svg>`;
}

/**
 * A QR code as inline SVG (one path of dark modules), byte mode so any text round-trips; error
 * correction M, a 4-module quiet zone.
 */
export function qrSvg(text: string, label: string): SafeHtml {
  const qr = qrcode(0, 'M');
  qr.addData(text, 'Byte');
  qr.make();
  const n = qr.getModuleCount();
  const q = 4;
  let d = '';
  for (let r = 0; r < n; r++) for (let c = 0; c < n; c++) if (qr.isDark(r, c)) d += `M${c + q} ${r + q}h1v1h-1z`;
  const size = n + 2 * q;
  return html`<svg viewBox="0 0 ${size} ${size}" role="img" aria-label="${label}" shape-rendering="crispEdges"><rect width="${size}" height="${size}" fill="#fff"/><path d="${d}" fill="#000"/></svg>`;
}
