import { parsePublicKey, publicKeyToHex, type Sm2PublicKey } from '../crypto/keys.js';
import { sm3Hex } from '../crypto/sm3.js';

/**
 * A yibao extension (docs/apps.md "Key rotation"): the id of an SM2 public key, so that a platform
 * answer can say which of its keys signed it (HTTP header `x-yibao-key-id`) and a client holding
 * several platform keys during a rotation can pick the right one. The id is derived from the key
 * itself — the first 16 hex digits of SM3 over the uncompressed point (04‖x‖y, uppercase hex) — so
 * nobody has to configure or transmit it, and any form of the same key (hex, base64, PEM) has one id.
 */
export const KEY_ID_HEADER = 'x-yibao-key-id';

export function keyId(publicKey: string | Uint8Array | Sm2PublicKey): string {
  return sm3Hex(publicKeyToHex(parsePublicKey(publicKey)).toUpperCase()).slice(0, 16).toUpperCase();
}

/**
 * The keys to try for an answer, in order: the one the header names first; without a header or with
 * an unknown id, every key (the signature decides; a key id is a hint, never a reason to accept).
 */
export function keysByHint<T extends string>(keys: readonly T[], hint: string | null | undefined): T[] {
  if (!hint) return [...keys];
  const named = keys.filter((k) => keyId(k) === hint.toUpperCase());
  return [...named, ...keys.filter((k) => !named.includes(k))];
}
