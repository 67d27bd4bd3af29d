import { lookup } from 'node:dns/promises';
import { lookup as dnsLookup, type LookupAddress, type LookupOptions } from 'node:dns';
import { isIP } from 'node:net';
import ipaddr from 'ipaddr.js';

/**
 * What the platform may call (issue 14 point 11, SSRF): 6302 callbacks and channel notifications go
 * to URLs an institution chose. Outside sandbox mode a URL must be http(s), its host on the
 * allow-list when the list names hosts, and every address its host resolves to public, unless an
 * address entry of the list covers it. The addresses are checked, not the literal host: a name that
 * resolves to 127.0.0.1 or 169.254.169.254 is refused like the address itself. Redirects are never
 * followed (the callback worker answers a 3xx as not acknowledged).
 */
export interface OutboundPolicy {
  /** Sandbox mode: everything is allowed (a developer's HIS on localhost). */
  sandbox: boolean;
  /** `outbound.allow` of the config: host names, `*.suffix`, addresses, CIDRs. */
  allow: string[];
}

/** Ranges ipaddr.js names that a request from the platform must never reach unless allowed. */
const PUBLIC_RANGES = new Set(['unicast']);

interface Compiled {
  hosts: string[];
  suffixes: string[];
  cidrs: Array<[ipaddr.IPv4 | ipaddr.IPv6, number]>;
}

// By the list itself: a policy whose list is replaced (a reload) is compiled again.
const compiled = new WeakMap<string[], Compiled>();

function compile(policy: OutboundPolicy): Compiled {
  const hit = compiled.get(policy.allow);
  if (hit) return hit;
  const c: Compiled = { hosts: [], suffixes: [], cidrs: [] };
  for (const raw of policy.allow) {
    const e = raw.trim().toLowerCase();
    if (e.includes('/')) c.cidrs.push(ipaddr.parseCIDR(e));
    else if (ipaddr.isValid(e)) {
      const a = ipaddr.process(e);
      c.cidrs.push([a, a.kind() === 'ipv4' ? 32 : 128]);
    } else if (e.startsWith('*.')) c.suffixes.push(e.slice(1));
    else c.hosts.push(e);
  }
  compiled.set(policy.allow, c);
  return c;
}

/** A config error in `outbound.allow`, or undefined. */
export function badAllowEntry(entry: string): string | undefined {
  const e = entry.trim().toLowerCase();
  if (e.includes('/')) {
    try {
      ipaddr.parseCIDR(e);
      return undefined;
    } catch {
      return `outbound.allow: "${entry}" 不是有效的 CIDR`;
    }
  }
  if (ipaddr.isValid(e)) return undefined;
  return /^(\*\.)?[a-z0-9-]+(\.[a-z0-9-]+)*$/.test(e) ? undefined : `outbound.allow: "${entry}" 不是主机名、*.后缀、IP 或 CIDR`;
}

function covered(c: Compiled, address: string): boolean {
  const a = ipaddr.process(address);
  return c.cidrs.some(([net, bits]) => net.kind() === a.kind() && a.match(net, bits));
}

/** Why an address may not be called, or undefined. IPv4-mapped IPv6 addresses count as their IPv4. */
export function refusedAddress(policy: OutboundPolicy, address: string): string | undefined {
  const c = compile(policy);
  if (covered(c, address)) return undefined;
  const range = ipaddr.process(address).range();
  if (PUBLIC_RANGES.has(range)) return undefined;
  return `地址 ${address} 属于 ${range} 网段（内网、回环或链路本地），不在 outbound.allow 之内`;
}

/** The host part of a URL, brackets of an IPv6 literal removed. */
function hostOf(url: URL): string {
  return url.hostname.replace(/^\[(.*)\]$/, '$1').toLowerCase();
}

/**
 * The checks that need no name resolution: scheme, and host against the allow-list's host entries;
 * a literal address is checked as an address. For config values at start and request fields at once.
 */
export function refusedUrlSync(policy: OutboundPolicy, text: string): string | undefined {
  let url: URL;
  try {
    url = new URL(text);
  } catch {
    return '不是有效的 URL';
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') return '应为 http(s) 地址';
  if (url.username || url.password) return '不能包含用户名或密码';
  if (policy.sandbox) return undefined;
  const host = hostOf(url);
  const c = compile(policy);
  const namesHosts = c.hosts.length + c.suffixes.length > 0;
  if (isIP(host)) {
    // A list of host names admits an address only through an address entry.
    if (namesHosts && !covered(c, host)) return `地址 ${host} 不在 outbound.allow 之内`;
    return refusedAddress(policy, host);
  }
  if (namesHosts && !c.hosts.includes(host) && !c.suffixes.some((s) => host.endsWith(s))) {
    return `主机 ${host} 不在 outbound.allow 之内`;
  }
  return undefined;
}

/** Every check, the host's resolved addresses included; undefined when the URL may be called. */
export async function refusedUrl(policy: OutboundPolicy, text: string): Promise<string | undefined> {
  const sync = refusedUrlSync(policy, text);
  if (sync || policy.sandbox) return sync;
  const host = hostOf(new URL(text));
  if (isIP(host)) return undefined;
  let addresses: Array<{ address: string }>;
  try {
    addresses = await lookup(host, { all: true, verbatim: true });
  } catch (err) {
    return `无法解析主机 ${host}：${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`;
  }
  for (const { address } of addresses) {
    const why = refusedAddress(policy, address);
    if (why) return `主机 ${host} 解析为${why}`;
  }
  return undefined;
}

/**
 * A `lookup` for `http.request`/`net.connect` that refuses what `refusedAddress` refuses, at connect
 * time: the address checked is the address connected to, so a name that resolves to a public address
 * for the check and to 127.0.0.1 a moment later (DNS rebinding) is refused too. `fetch` cannot take
 * one; a delivery through node:http should pass it (`lookup: outboundLookup(policy)`).
 */
export function outboundLookup(policy: OutboundPolicy) {
  return (hostname: string, options: LookupOptions, callback: (err: NodeJS.ErrnoException | null, address: string | LookupAddress[], family?: number) => void): void => {
    dnsLookup(hostname, { ...options, all: true }, (err, addresses) => {
      if (err) return callback(err, '');
      const list = addresses as LookupAddress[];
      const bad = policy.sandbox ? undefined : list.map((a) => refusedAddress(policy, a.address)).find((w) => w !== undefined);
      if (bad) return callback(Object.assign(new OutboundRefused(`主机 ${hostname} 解析为${bad}`), { code: 'EOUTBOUNDREFUSED' }), '');
      if (options.all) return callback(null, list);
      callback(null, list[0]!.address, list[0]!.family);
    });
  };
}

/** For `fetch` callers: throws an Error whose message says why the URL is refused. */
export async function assertOutbound(policy: OutboundPolicy, url: string): Promise<void> {
  const why = await refusedUrl(policy, url);
  if (why) throw new OutboundRefused(why);
}

export class OutboundRefused extends Error {
  constructor(reason: string) {
    super(`出站地址被拒绝（SSRF 防护）：${reason}`);
    this.name = 'OutboundRefused';
  }
}
