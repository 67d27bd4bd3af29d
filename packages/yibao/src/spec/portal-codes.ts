/**
 * 响应码说明 of regional-payment-portal.txt as a typed catalogue. yibao answers every system's
 * protocol errors with these codes (docs/protocol.md). The spec lists 000001 twice — 未知错误 and
 * 请求应用非法，APPID无效 — both meanings are kept under the one code.
 */
export type PortalCodeLevel = '系统级' | '外部级' | '应用级';

export interface PortalCode {
  code: string;
  level: PortalCodeLevel;
  message: string;
}

export const PORTAL_CODES = [
  { code: '000000', level: '系统级', message: '成功' },
  { code: '000001', level: '系统级', message: '未知错误；请求应用非法，APPID无效' },
  { code: '000002', level: '系统级', message: '系统错误' },
  { code: '000003', level: '系统级', message: '系统维护中，或灰度发布中，请等待恢复' },
  { code: '000100', level: '外部级', message: '外部接口存在问题，请联系管理员排查' },
  { code: '000101', level: '系统级', message: '系统接口加密失败' },
  { code: '000102', level: '系统级', message: '核验签名参数失败，签名无效' },
  { code: '000105', level: '系统级', message: '参数校验不合法' },
  { code: '010010', level: '系统级', message: '重放攻击拦截器,请勿重复操作,谢谢您的配合!' },
  { code: '-1', level: '应用级', message: '业务子系统内未知错误' },
  { code: '-2', level: '应用级', message: '请求参数异常' },
  { code: '-3', level: '应用级', message: '服务端子系统内超时' },
  { code: '-4', level: '应用级', message: '权限校验异常' },
  { code: '-5', level: '应用级', message: '无效的请求地址' },
  { code: '-6', level: '应用级', message: '业务子系统限流，并发数过大，触发限流' },
  { code: '-7', level: '应用级', message: '鉴权子系统出现错误或用户子系统内部错误' },
  { code: '-8', level: '应用级', message: '应用信息不存在' },
  { code: '444444', level: '系统级', message: '程序存在致命性错误,请先停止使用,并联系系统管理员!' },
  { code: '404404', level: '系统级', message: '该功能未开放' },
] as const satisfies readonly PortalCode[];

export type PortalCodeValue = (typeof PORTAL_CODES)[number]['code'];

export function portalCode(code: string): PortalCode | undefined {
  return PORTAL_CODES.find((c) => c.code === code);
}
