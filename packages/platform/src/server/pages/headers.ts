import type { FastifyReply } from 'fastify';
import type { SafeHtml } from './html.js';

/**
 * Every page the platform serves is self-contained: its stylesheet and script come from this origin,
 * images are ours (inline SVG / data:) or the app's configured logo, nothing is framed (clickjacking on
 * a payment page), no inline script runs. `extraImg` adds one origin to img-src (an app's `logoUrl`).
 */
export function pageSecurityHeaders(reply: FastifyReply, extraImg?: string): FastifyReply {
  const img = ["'self'", 'data:', ...(extraImg ? [extraImg] : [])].join(' ');
  return reply
    .header('content-security-policy', `default-src 'self'; script-src 'self'; style-src 'self'; img-src ${img}; connect-src 'self'; object-src 'none'; base-uri 'none'; frame-ancestors 'none'`)
    .header('x-frame-options', 'DENY')
    .header('x-content-type-options', 'nosniff')
    .header('referrer-policy', 'no-referrer')
    .header('cache-control', 'no-store');
}

export function sendPage(reply: FastifyReply, page: SafeHtml, status = 200, extraImg?: string): FastifyReply {
  return pageSecurityHeaders(reply, extraImg).code(status).type('text/html; charset=utf-8').send(page.text);
}
