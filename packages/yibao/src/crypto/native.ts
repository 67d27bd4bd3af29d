import { createECDH, type ECDH } from 'node:crypto';
import { bigintToBytes, bytesToBigint } from './bytes.js';

/**
 * k·G through the OpenSSL that Node carries: `ECDH.setPrivateKey` computes the public point with
 * OpenSSL's own (constant-time) scalar multiplication. This is how secret scalars stay out of
 * JavaScript BigInt arithmetic, and it runs at OpenSSL's speed (docs/crypto.md).
 */
let ecdh: ECDH | undefined;

export function ecdhPublicKey(k: bigint): { x: bigint; y: bigint } {
  ecdh ??= createECDH('SM2');
  ecdh.setPrivateKey(bigintToBytes(k));
  const pub = ecdh.getPublicKey(); // 04‖x‖y
  return { x: bytesToBigint(pub.subarray(1, 33)), y: bytesToBigint(pub.subarray(33, 65)) };
}
