import type { TObject, TSchema } from '@sinclair/typebox';
import { getDictionary } from './dictionaries.js';
import { fieldMeta } from './field.js';
import { isOptional } from './validate.js';
import { mobileTransactions } from './mobile.js';
import { portalTransactions } from './portal.js';

/**
 * The API description, generated from the catalogue — never hand-written: an OpenAPI 3.0 document of
 * the center's routes, and a Postman v2.1 collection (Apifox imports both).
 *
 * Every route takes the envelope v2.0.1 (mobile-payment.txt 2.2.3.3), whose `data` travels encrypted
 * in `encData`; the plaintext `data` of each transaction is described as its own schema
 * (`components.schemas.T6201Input` …) and referenced from the route with `x-yibao-data`.
 */
function jsonSchema(schema: TSchema): Record<string, unknown> {
  const m = fieldMeta(schema);
  const base: Record<string, unknown> = {};
  if (m) {
    base.title = m.name;
    const parts = [m.name, m.note].filter(Boolean);
    if (m.dict) {
      const d = getDictionary(m.dict);
      if (d) parts.push(`字典 ${d.id}（${d.name}）：${Object.entries(d.entries).map(([k, v]) => `${k} ${v}`).join('，')}`);
    }
    base.description = parts.join('；');
    base['x-field'] = m;
  }
  switch (m?.kind) {
    case '数值型':
      return { ...base, type: 'number', 'x-decimal': { precision: m.length, scale: m.scale }, ...(m.scale ? { multipleOf: Number(`1e-${m.scale}`) } : {}) };
    case '字符型':
      return { ...base, type: 'string', ...(m.length ? { maxLength: m.length } : {}), ...(m.dict && getDictionary(m.dict)?.closed ? { enum: Object.keys(getDictionary(m.dict)!.entries) } : {}), ...(m.format ? { pattern: formatPattern(m.format) } : {}) };
    case '日期时间型':
    case '日期型':
      return { ...base, type: 'string', pattern: formatPattern(m.format ?? (m.kind === '日期型' ? 'yyyy-MM-dd' : 'yyyy-MM-dd HH:mm:ss')) };
    case '布尔型':
      return { ...base, type: 'boolean' };
    case '列表':
      return { ...base, type: 'array', items: jsonSchema((schema as unknown as { items: TSchema }).items) };
    default: {
      const props = (schema as TObject).properties;
      if (!props) return { ...base, type: 'object', additionalProperties: true };
      return objectSchema(schema as TObject, base);
    }
  }
}

function objectSchema(schema: TObject, base: Record<string, unknown> = {}): Record<string, unknown> {
  const properties: Record<string, unknown> = {};
  const required: string[] = [];
  for (const [k, v] of Object.entries(schema.properties)) {
    properties[k] = jsonSchema(v);
    if (!isOptional(v)) required.push(k);
  }
  return { ...base, type: 'object', properties, ...(required.length ? { required } : {}), additionalProperties: true };
}

function formatPattern(format: string): string {
  return (
    {
      'yyyy-MM-dd HH:mm:ss': '^\\d{4}-\\d{2}-\\d{2} \\d{2}:\\d{2}:\\d{2}$',
      'yyyy-MM-dd': '^\\d{4}-\\d{2}-\\d{2}$',
      yyyyMMddHHmmss: '^\\d{14}$',
    } as Record<string, string>
  )[format] ?? '.*';
}

const ENVELOPE_REQUEST = {
  type: 'object',
  description: '报文公共参数（移动支付 2.2.3.3）。data 明文签名（SM3withSM2，base64 的 r||s），再 SM4 加密为 encData（大写十六进制）。',
  required: ['appId', 'version', 'timestamp', 'encType', 'signType', 'signData'],
  properties: {
    appId: { type: 'string', maxLength: 32, description: '渠道 id' },
    version: { type: 'string', example: '2.0.1', description: '版本号' },
    timestamp: { type: 'string', example: '20200207175759', description: '当前时间 yyyyMMddHHmmss（也接受 yyyyMMddHHmmssSSS、毫秒时间戳）' },
    encType: { type: 'string', enum: ['SM4', 'plain'], description: '加密方式' },
    encData: { type: 'string', description: 'SM4-ECB/PKCS7 加密的 data JSON，大写十六进制；密钥由 appId/appSecret 派生（2.2.3.2）' },
    data: { type: 'object', description: 'encType=plain 时的明文业务数据' },
    signType: { type: 'string', enum: ['SM2', 'SM3'], description: '签名方式' },
    signData: { type: 'string', maxLength: 200, description: '签名串：待签名字符串见 2.2.3.1（剔除 signData/encData/extra 与空值，ASCII 排序，嵌套对象排序后序列化，末尾 &key=appSecret）' },
  },
};

const ENVELOPE_RESPONSE = {
  type: 'object',
  description: '返回报文（2.2.3.3）：先判断 code，再判断业务，最后判断交易状态。签名用平台公钥验证；必须验签，失败即拒绝。',
  required: ['code', 'appId', 'timestamp', 'encType', 'signType', 'signData'],
  properties: {
    code: { type: 'string', description: '0 成功；000102 签名无效；000105 参数校验不合法；010010 重放；-6 限流；-8 应用信息不存在；-4 权限校验异常；-1 业务失败' },
    message: { type: 'string' },
    success: { type: 'boolean' },
    ...ENVELOPE_REQUEST.properties,
  },
};

export function buildOpenApi(serverUrl: string): Record<string, unknown> {
  const paths: Record<string, unknown> = {};
  const schemas: Record<string, unknown> = { Envelope: ENVELOPE_REQUEST, EnvelopeResponse: ENVELOPE_RESPONSE };
  for (const t of Object.values(mobileTransactions)) {
    schemas[`T${t.id}Input`] = objectSchema(t.input, { title: `${t.id} ${t.name} 入参 data` });
    schemas[`T${t.id}Output`] = objectSchema(t.output, { title: `${t.id} ${t.name} 出参 data` });
    if (!('path' in t) || !t.path) continue;
    paths[t.path] = {
      post: {
        operationId: `txn${t.id}`,
        summary: `【${t.id}】${t.name}`,
        description: `${t.spec}。请求体为加密信封，明文 data 见 ${'`'}T${t.id}Input${'`'}；响应 data 见 ${'`'}T${t.id}Output${'`'}。${'pathIsYibaoChoice' in t ? '（规范未给出路径，此为 yibao 选定）' : ''}`,
        tags: ['移动支付中心'],
        'x-yibao-txn': t.id,
        'x-yibao-data': { $ref: `#/components/schemas/T${t.id}Input` },
        // The envelope, with its `data` (encType plain; encrypted into encData otherwise) typed as the
        // transaction's fields, so that Apifox/Postman/Redoc show them.
        requestBody: {
          required: true,
          content: { 'application/json': { schema: { allOf: [{ $ref: '#/components/schemas/Envelope' }, { type: 'object', properties: { data: { $ref: `#/components/schemas/T${t.id}Input` } } }] } } },
        },
        responses: {
          '200': {
            description: '签名（并加密）的返回报文',
            'x-yibao-data': { $ref: `#/components/schemas/T${t.id}Output` },
            headers: {
              'x-yibao-trace-id': { description: '本次请求的追踪号', schema: { type: 'string' } },
              // A yibao extension (docs/apps.md): which platform key signed the answer, for clients
              // holding several during a rotation.
              'x-yibao-key-id': { description: 'yibao 扩展：签名所用平台公钥的 key id（SM3(04‖x‖y 大写十六进制) 的前 16 位，docs/apps.md）', schema: { type: 'string', pattern: '^[0-9A-F]{16}$' } },
            },
            content: { 'application/json': { schema: { allOf: [{ $ref: '#/components/schemas/EnvelopeResponse' }, { type: 'object', properties: { data: { $ref: `#/components/schemas/T${t.id}Output` } } }] } } },
          },
        },
      },
    };
  }
  for (const t of Object.values(portalTransactions)) {
    schemas[`${t.id}Input`] = objectSchema(t.input, { title: `${t.name} 入参` });
    schemas[`${t.id}Output`] = objectSchema(t.output, { title: `${t.name} 出参` });
  }
  return {
    openapi: '3.0.3',
    info: {
      title: 'yibao 医保移动支付中心 API',
      version: '2.0.1',
      description: '由 yibao 交易目录自动生成（src/spec）。所有请求与响应都是移动支付 v2.0.1 信封：签名 SM3withSM2，加密 SM4。调试可用 `yibao call`、`yibao envelope seal` 或本地 `yibao bridge`（明文进、明文出）。',
    },
    servers: [{ url: serverUrl }],
    tags: [{ name: '移动支付中心', description: 'mobile-payment.txt 2.3' }],
    paths,
    components: { schemas },
  };
}

/** Example plaintext data for a transaction: every required field, with a plausible value. */
export function exampleData(schema: TObject): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [k, v] of Object.entries(schema.properties)) {
    if (isOptional(v)) continue;
    const m = fieldMeta(v);
    if (!m) continue;
    if (m.kind === '列表') out[k] = [exampleData((v as unknown as { items: TObject }).items)];
    else if (m.kind === '对象') out[k] = (v as TObject).properties ? exampleData(v as TObject) : {};
    else if (m.kind === '数值型') out[k] = m.scale ? `1.${'0'.repeat(m.scale)}` : '1';
    else if (m.kind === '布尔型') out[k] = true;
    else if (m.kind === '日期时间型' || m.format === 'yyyy-MM-dd HH:mm:ss') out[k] = '2026-11-22 09:30:00';
    else if (m.format === 'yyyyMMddHHmmss') out[k] = '20261122093000';
    else if (m.format === 'yyyy-MM-dd' || m.kind === '日期型') out[k] = '2026-11-22';
    else if (m.dict && getDictionary(m.dict)) out[k] = Object.keys(getDictionary(m.dict)!.entries)[0];
    else out[k] = m.length !== undefined && m.length < m.name.length + 2 ? '01'.slice(0, Math.min(2, m.length)).padStart(Math.min(2, m.length), '0') : `<${m.name}>`;
  }
  return out;
}

/**
 * A Postman v2.1 collection (imported by Apifox and Postman). Two folders: the center's routes (the
 * envelope must be sealed, e.g. with `yibao envelope seal`), and the same transactions through the
 * local `yibao bridge`, which signs and encrypts — plain JSON in Apifox, nothing else needed.
 */
export function buildPostmanCollection(centerUrl: string, bridgeUrl = 'http://127.0.0.1:9080'): Record<string, unknown> {
  const center = [];
  const bridge = [];
  for (const t of Object.values(mobileTransactions)) {
    if (!('path' in t) || !t.path) continue;
    // The institution's own code comes from a variable: a placeholder would override what the
    // bridge is configured with and be refused (000105 orgId: 与应用所属机构不符).
    const data = Object.fromEntries(Object.entries(exampleData(t.input)).map(([k, v]) => [k, k === 'orgId' || k === 'orgCodg' ? '{{orgCodg}}' : v]));
    center.push({
      name: `【${t.id}】${t.name}`,
      request: {
        method: 'POST',
        header: [{ key: 'Content-Type', value: 'application/json' }],
        url: { raw: `{{centerUrl}}${t.path}`, host: ['{{centerUrl}}'], path: t.path.split('/').filter(Boolean) },
        description: `${t.spec}。请求体是 v2.0.1 信封：先用 \`yibao envelope seal --file data.json\` 生成（data 示例见下）。明文 data 示例：\n\n\`\`\`json\n${JSON.stringify(data, null, 2)}\n\`\`\``,
        body: { mode: 'raw', raw: JSON.stringify({ appId: '{{appId}}', version: '2.0.1', timestamp: '{{timestamp}}', encType: 'SM4', encData: '<yibao envelope seal 生成>', signType: 'SM2', signData: '<yibao envelope seal 生成>' }, null, 2) },
      },
    });
    bridge.push({
      name: `【${t.id}】${t.name}（经 bridge，明文）`,
      request: {
        method: 'POST',
        header: [{ key: 'Content-Type', value: 'application/json' }],
        url: { raw: '{{bridgeUrl}}/', host: ['{{bridgeUrl}}'], path: [''] },
        description: 'yibao bridge 负责签名、加密、验签、解密。',
        body: { mode: 'raw', raw: JSON.stringify({ txn: t.id, data }, null, 2) },
      },
    });
  }
  for (const t of Object.values(portalTransactions)) {
    bridge.push({
      name: `${t.name}（经 bridge，MobileTrans）`,
      request: {
        method: 'POST',
        header: [{ key: 'Content-Type', value: 'application/json' }],
        url: { raw: '{{bridgeUrl}}/', host: ['{{bridgeUrl}}'], path: [''] },
        body: {
          mode: 'raw',
          raw: JSON.stringify(
            { data: { serverAddr: `{{portalUrl}}${t.path}`, appId: '{{portalAppId}}', appKey: '{{portalAppKey}}', encryptType: 'SM4', signType: 'SM3', timestamp: '2026-11-22 09:30:00', version: '1.0.0', ...exampleData(t.input) }, orgId: '{{orgId}}' },
            null,
            2,
          ),
        },
      },
    });
  }
  return {
    info: {
      name: 'yibao 医保移动支付',
      schema: 'https://schema.getpostman.com/json/collection/v2.1.0/collection.json',
      description: '由 yibao 交易目录自动生成。信封说明：data 明文按 2.2.3.1 拼接待签名字符串，SM3withSM2 签名（base64 r||s），再以 appId/appSecret 派生的 SM4 密钥加密为 encData。Apifox/Postman 无法计算国密签名，请用“经 bridge”文件夹：本地运行 `yibao bridge`，明文进、明文出。',
    },
    variable: [
      { key: 'centerUrl', value: centerUrl },
      { key: 'bridgeUrl', value: bridgeUrl },
      { key: 'portalUrl', value: centerUrl },
      { key: 'appId', value: '' },
      { key: 'timestamp', value: '' },
      { key: 'orgId', value: '' },
      { key: 'orgCodg', value: '', description: '定点医药机构编码（沙箱：sandbox.json 的 institution.orgCodg）' },
      { key: 'portalAppId', value: '' },
      { key: 'portalAppKey', value: '' },
    ],
    item: [
      { name: '移动支付中心（信封）', item: center },
      { name: '经 yibao bridge（明文）', item: bridge },
    ],
  };
}
