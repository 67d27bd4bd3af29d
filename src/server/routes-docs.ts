import type { FastifyInstance } from 'fastify';
import type { TObject, TSchema } from '@sinclair/typebox';
import { buildOpenApi, buildPostmanCollection, fieldMeta, getDictionary, isOptional, transactions } from 'yibao/spec';
import type { Platform } from './platform.js';
import { esc, page } from './html.js';

function typeText(s: TSchema): string {
  const m = fieldMeta(s)!;
  if (m.kind === '数值型') return m.scale ? `数值型 ${m.length},${m.scale}` : `数值型 ${m.length}`;
  if (m.kind === '字符型') return `字符型 ${m.length ?? ''}`;
  return m.kind;
}

function rows(schema: TObject, prefix = ''): string {
  return Object.entries(schema.properties)
    .map(([code, f]) => {
      const m = fieldMeta(f);
      if (!m) return '';
      const dict = m.dict ? getDictionary(m.dict) : undefined;
      const dictText = dict ? `${dict.id}${dict.closed ? '' : '（开放）'}: ${Object.entries(dict.entries).slice(0, 8).map(([k, v]) => `${k} ${v}`).join('，')}` : '';
      const row = `<tr><td><code>${esc(prefix + code)}</code></td><td>${esc(m.name)}</td><td>${esc(typeText(f))}</td><td>${isOptional(f) ? 'N' : 'Y'}${m.specRequired !== !isOptional(f) ? `（规范 ${m.specRequired ? 'Y' : 'N'}）` : ''}</td><td>${esc([m.format, dictText, m.note].filter(Boolean).join('；'))}</td></tr>`;
      const nested = m.kind === '列表' ? rows((f as unknown as { items: TObject }).items, `${prefix}${code}[].`) : m.kind === '对象' && (f as TObject).properties ? rows(f as TObject, `${prefix}${code}.`) : '';
      return row + nested;
    })
    .join('');
}

/**
 * The API description at /docs: a browsable page of every transaction's fields (as the spec tables
 * show them), the OpenAPI 3 document and the Apifox/Postman collection — all generated from the
 * catalogue at run time.
 */
export function registerDocsRoutes(app: FastifyInstance, platform: Platform): void {
  app.get('/docs/openapi.json', async () => buildOpenApi(platform.deps.publicUrl));
  app.get('/docs/postman.json', async (_req, reply) => {
    reply.header('content-disposition', 'attachment; filename="yibao.postman_collection.json"');
    return buildPostmanCollection(platform.deps.publicUrl);
  });
  app.get('/docs', async (_req, reply) => {
    const sections = Object.values(transactions)
      .map(
        (t) => `<div class="card" id="${esc(t.id)}"><h2>${esc(t.id)} ${esc(t.name)}</h2>
<p class="muted">${esc(t.spec)} · ${esc(t.from)} → ${esc(t.to)}${'path' in t && t.path ? ` · <code>POST ${esc(t.path)}</code>` : ''}</p>
<h3>入参 input</h3><table><tr><th>参数代码</th><th>参数名称</th><th>类型</th><th>必填</th><th>说明</th></tr>${rows(t.input)}</table>
<h3>出参 output</h3><table><tr><th>参数代码</th><th>参数名称</th><th>类型</th><th>必填</th><th>说明</th></tr>${rows(t.output)}</table></div>`,
      )
      .join('');
    const toc = Object.values(transactions)
      .map((t) => `<a href="#${esc(t.id)}">${esc(t.id)} ${esc(t.name)}</a>`)
      .join(' · ');
    reply.type('text/html; charset=utf-8').send(
      page(
        'yibao API 文档',
        `<header>yibao 医保移动支付 API 文档</header>
<div class="card"><p>所有移动支付中心的请求与响应都是 v2.0.1 信封：<code>appId, version, timestamp, encType, encData, signType, signData</code>。
data 明文按 2.2.3.1 拼接待签名字符串（剔除 signData/encData/extra 与空值，ASCII 排序，末尾 <code>&amp;key=appSecret</code>），SM3withSM2 签名（base64 的 r||s），
再用 appId/appSecret 派生的 SM4 密钥加密为 encData（大写十六进制）。</p>
<p>下载：<a href="/docs/openapi.json">OpenAPI 3 (openapi.json)</a> · <a href="/docs/postman.json">Apifox / Postman 集合</a>（“经 bridge”文件夹可直接用明文调试）</p>
<p class="muted">${toc}</p></div>
<style>table{border-collapse:collapse;width:100%;font-size:13px}td,th{border:1px solid #E6E6E6;padding:4px 6px;text-align:left;vertical-align:top}th{background:#f5f6f8}h2{color:#3B71E8}</style>
${sections}`,
      ),
    );
  });
}
