import { createHash } from 'node:crypto';
import { html, type HtmlValue, type SafeHtml } from './html.js';
import { PATIENT_CSS } from './style.js';
import { PATIENT_JS } from './script.js';

/** Asset URLs carry a content hash: cached for a year, replaced on every change. */
const hash = (s: string) => createHash('sha256').update(s).digest('hex').slice(0, 12);
export const ASSETS = {
  css: { path: `/assets/patient.${hash(PATIENT_CSS)}.css`, type: 'text/css; charset=utf-8', body: PATIENT_CSS },
  js: { path: `/assets/patient.${hash(PATIENT_JS)}.js`, type: 'text/javascript; charset=utf-8', body: PATIENT_JS },
} as const;

export interface DocumentOptions {
  title: string;
  body: HtmlValue;
  /** Load the script (pages with popups, dialogs or loading states). */
  script?: boolean;
}

/** The frame of every patient page: lang, viewport, the one stylesheet, the one script. */
export function patientDocument(o: DocumentOptions): SafeHtml {
  return html`<!doctype html>
<html lang="zh-CN"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1,viewport-fit=cover">
<meta name="referrer" content="no-referrer"><meta name="format-detection" content="telephone=no">
<title>${o.title}</title><link rel="stylesheet" href="${ASSETS.css.path}">${o.script ? html`<script src="${ASSETS.js.path}" defer></script>` : ''}</head>
<body>${o.body}</body></html>`;
}

/** 3.9 dialogs and the 3.8 popup-level loading, filled in by the script. */
export function dialogs(payingText = '正在支付'): SafeHtml {
  return html`<dialog id="alert" class="alert" aria-labelledby="alert-title" aria-describedby="alert-text"><div class="alert-body"><h2 id="alert-title" class="alert-title"></h2><p id="alert-text" class="alert-text"></p><p id="alert-code" class="alert-code" hidden></p></div>
<div class="alert-actions"><button type="button" id="alert-ok" class="primary" data-close>我知道了</button><a id="alert-back" class="primary" href="#" hidden>返回</a></div></dialog>
<dialog id="confirm" class="alert" aria-labelledby="confirm-title" aria-describedby="confirm-text"><div class="alert-body"><h2 id="confirm-title" class="alert-title"></h2><p id="confirm-text" class="alert-text"></p></div>
<div class="alert-actions"><button type="button" data-close>取消</button><button type="button" id="confirm-ok" class="primary">确认支付</button></div></dialog>
<dialog id="paying" class="toast" aria-live="assertive" aria-label="${payingText}"><span class="spinner" aria-hidden="true"></span><span>${payingText}</span></dialog>`;
}

/**
 * A failure as a patient reads it (3.9 single-button dialog, shown as the page): what happened, what
 * to do next, a way back; the protocol code only in small print.
 */
export interface PatientFailure {
  title: string;
  text: string;
  code?: string;
  backUrl?: string;
  backText?: string;
}

export function failurePage(f: PatientFailure): SafeHtml {
  return patientDocument({
    title: f.title,
    body: html`<main class="page plain" id="app"><div class="alert static" role="alertdialog" aria-labelledby="fail-title" aria-describedby="fail-text"><div class="alert-body"><h1 id="fail-title" class="alert-title">${f.title}</h1><p id="fail-text" class="alert-text">${f.text}</p>${f.code ? html`<p class="alert-code">错误代码 ${f.code}</p>` : ''}</div>
<div class="alert-actions">${f.backUrl ? html`<a class="primary" href="${f.backUrl}">${f.backText ?? '返回机构页面'}</a>` : html`<a class="primary" href="/">返回首页</a>`}</div></div></main>`,
  });
}
