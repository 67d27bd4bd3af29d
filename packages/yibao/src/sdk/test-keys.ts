import { generateKeyPair } from '../crypto/keys.js';

/**
 * A fresh SM2 key pair (hex: private key 64 characters, public key 130 starting with 04), for the
 * HIS's own tests: configure `createCallbackHandler` with `publicKey` and sign test callbacks with
 * `privateKey` (generateTestCallback), as stripe-node's test helpers do for webhooks. Production keys
 * come from the center's registration, never from here.
 */
export function generateTestKeys(): { privateKey: string; publicKey: string } {
  return generateKeyPair();
}
