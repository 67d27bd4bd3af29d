/**
 * `npm run bench:crypto`: yibao's SM2/SM3/SM4 against OpenSSL (`openssl speed`) and sm-crypto, measured
 * in one run on one machine, CPU time on both sides (process.cpuUsage here; `openssl speed` counts its
 * user CPU time unless given -elapsed). Prints a table with ratios and, as the last line, one JSON object.
 * Not a test: numbers depend on the machine; the ratios are what matters (docs/crypto.md).
 *
 * Options: --seconds N (per measurement, default 2).
 */
import { execFileSync } from 'node:child_process';
import { createRequire } from 'node:module';
import { randomBytes } from 'node:crypto';
import { deriveSm4Key, generateKeyPair, parsePrivateKey, sm2Sign, sm2Verify, sm3, sm4EcbEncrypt } from 'yibao/crypto';

const args = process.argv.slice(2);
const secondsArg = args.indexOf('--seconds');
const SECONDS = secondsArg >= 0 ? Math.max(0.5, Number(args[secondsArg + 1])) : 2;

/**
 * Runs fn repeatedly for `seconds` of this process's CPU time, returns operations per CPU second.
 * CPU time, because that is what `openssl speed` reports without -elapsed (its user time): wall time
 * here against CPU time there made yibao look half as fast whenever the machine was busy.
 */
function cpuSeconds(since: NodeJS.CpuUsage): number {
  const u = process.cpuUsage(since);
  return (u.user + u.system) / 1e6;
}

function rate(fn: () => void, seconds = SECONDS): number {
  for (let i = 0; i < 20; i++) fn(); // warm-up
  let n = 0;
  const start = process.cpuUsage();
  while (cpuSeconds(start) < seconds) {
    for (let i = 0; i < 10; i++) fn();
    n += 10;
  }
  return n / cpuSeconds(start);
}

function opensslSpeed(argsList: string[]): string {
  try {
    return execFileSync('openssl', ['speed', '-seconds', String(Math.max(1, Math.round(SECONDS))), ...argsList], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'ignore'] });
  } catch {
    return '';
  }
}

function opensslSm2(): { sign: number; verify: number } {
  const out = opensslSpeed(['sm2']);
  const m = /SM2 \(CurveSM2\)\s+\S+\s+\S+\s+([\d.]+)\s+([\d.]+)/.exec(out);
  return m ? { sign: Number(m[1]), verify: Number(m[2]) } : { sign: NaN, verify: NaN };
}

/** `openssl speed -bytes 2048 -evp X` prints bytes per second ('k' = 1000 bytes) for 2048-byte blocks. */
function opensslPer2k(evp: string): number {
  const out = opensslSpeed(['-bytes', '2048', '-evp', evp]);
  const line = out.split('\n').find((l) => l.toLowerCase().startsWith(evp.toLowerCase()));
  const m = line ? /([\d.]+)k\s*$/.exec(line.trim()) : null;
  return m ? (Number(m[1]) * 1000) / 2048 : NaN;
}

const require = createRequire(import.meta.url);
const smCrypto = require('sm-crypto') as { sm2: { doSignature(m: string, k: string, o: object): string; doVerifySignature(m: string, s: string, k: string, o: object): boolean } };

const kp = generateKeyPair();
const priv = parsePrivateKey(kp.privateKey);
const message = JSON.stringify({ appId: '43AF047BBA47FC8A1AE8EFB232BDBBCB', data: { payOrdId: 'ORD1', feeSumamt: 12.3 }, timestamp: '20261122093000' });
const signature = sm2Sign(priv, message);
sm2Verify(kp.publicKey, message, signature); // "a public key seen before": its table is built once, here
const block = randomBytes(2048);
const sm4Key = deriveSm4Key('43AF047BBA47FC8A1AE8EFB232BDBBCB', '4117E877F5FA0A0188891283E4B617D5');

// Interleave: ours, OpenSSL, ours again; keep the best of each, so load hits both alike.
const best = (a: number, b: number) => Math.max(a, b);
let sm2SignPerSec = rate(() => sm2Sign(priv, message));
let sm2VerifyPerSec = rate(() => sm2Verify(kp.publicKey, message, signature));
const o1 = opensslSm2();
let sm4Encrypt2kPerSec = rate(() => sm4EcbEncrypt(sm4Key, block));
const opensslSm4a = opensslPer2k('sm4-ecb');
let sm3Hash2kPerSec = rate(() => sm3(block));
const opensslSm3a = opensslPer2k('sm3');
sm2SignPerSec = best(sm2SignPerSec, rate(() => sm2Sign(priv, message)));
sm2VerifyPerSec = best(sm2VerifyPerSec, rate(() => sm2Verify(kp.publicKey, message, signature)));
const o2 = opensslSm2();
sm4Encrypt2kPerSec = best(sm4Encrypt2kPerSec, rate(() => sm4EcbEncrypt(sm4Key, block)));
sm3Hash2kPerSec = best(sm3Hash2kPerSec, rate(() => sm3(block)));
const opensslSm2SignPerSec = best(o1.sign, o2.sign);
const opensslSm2VerifyPerSec = best(o1.verify, o2.verify);
const opensslSm4Encrypt2kPerSec = best(opensslSm4a, opensslPer2k('sm4-ecb'));
const opensslSm3Hash2kPerSec = best(opensslSm3a, opensslPer2k('sm3'));

const smSig = smCrypto.sm2.doSignature(message, kp.privateKey, { hash: true });
const smCryptoSm2SignPerSec = rate(() => smCrypto.sm2.doSignature(message, kp.privateKey, { hash: true }), Math.max(2, SECONDS));
const smCryptoSm2VerifyPerSec = rate(() => smCrypto.sm2.doVerifySignature(message, smSig, kp.publicKey, { hash: true }), Math.max(2, SECONDS));

const rows: Array<[string, number, number, number, string]> = [
  ['SM2 sign', sm2SignPerSec, opensslSm2SignPerSec, 0.8, '≥ 0.8×'],
  ['SM2 verify (key seen before)', sm2VerifyPerSec, opensslSm2VerifyPerSec, 0.8, '≥ 0.8×'],
  ['SM4-ECB encrypt 2 KB', sm4Encrypt2kPerSec, opensslSm4Encrypt2kPerSec, 0.6, '≥ 0.6×'],
  ['SM3 hash 2 KB', sm3Hash2kPerSec, opensslSm3Hash2kPerSec, 0.6, '≥ 0.6×'],
];
const fmt = (n: number) => (Number.isFinite(n) ? Math.round(n).toLocaleString('en-US') : 'n/a');
console.log(`yibao crypto benchmark (${SECONDS} CPU s per measurement, operations per CPU second on both sides, best of two interleaved runs)\n`);
console.log('| operation | yibao /s | OpenSSL /s | ratio | bar | holds |');
console.log('|---|---|---|---|---|---|');
const ratios: Record<string, number> = {};
for (const [name, ours, theirs, bar, barText] of rows) {
  const ratio = ours / theirs;
  ratios[name] = ratio;
  console.log(`| ${name} | ${fmt(ours)} | ${fmt(theirs)} | ${Number.isFinite(ratio) ? ratio.toFixed(2) : 'n/a'}× | ${barText} | ${Number.isFinite(ratio) ? (ratio >= bar ? 'yes' : 'NO') : 'n/a (no openssl)'} |`);
}
console.log(`| sm-crypto SM2 sign | ${fmt(smCryptoSm2SignPerSec)} | | ${(smCryptoSm2SignPerSec / opensslSm2SignPerSec).toFixed(3)}× | | |`);
console.log(`| sm-crypto SM2 verify | ${fmt(smCryptoSm2VerifyPerSec)} | | ${(smCryptoSm2VerifyPerSec / opensslSm2VerifyPerSec).toFixed(3)}× | | |`);
console.log('');
const round = (n: number) => (Number.isFinite(n) ? Math.round(n) : null);
console.log(
  JSON.stringify({
    sm2SignPerSec: round(sm2SignPerSec),
    sm2VerifyPerSec: round(sm2VerifyPerSec),
    opensslSm2SignPerSec: round(opensslSm2SignPerSec),
    opensslSm2VerifyPerSec: round(opensslSm2VerifyPerSec),
    smCryptoSm2SignPerSec: round(smCryptoSm2SignPerSec),
    smCryptoSm2VerifyPerSec: round(smCryptoSm2VerifyPerSec),
    sm4Encrypt2kPerSec: round(sm4Encrypt2kPerSec),
    opensslSm4Encrypt2kPerSec: round(opensslSm4Encrypt2kPerSec),
    sm3Hash2kPerSec: round(sm3Hash2kPerSec),
    opensslSm3Hash2kPerSec: round(opensslSm3Hash2kPerSec),
    sm2SignRatio: Number((sm2SignPerSec / opensslSm2SignPerSec).toFixed(3)),
    sm2VerifyRatio: Number((sm2VerifyPerSec / opensslSm2VerifyPerSec).toFixed(3)),
    sm4Ratio: Number((sm4Encrypt2kPerSec / opensslSm4Encrypt2kPerSec).toFixed(3)),
    sm3Ratio: Number((sm3Hash2kPerSec / opensslSm3Hash2kPerSec).toFixed(3)),
  }),
);
