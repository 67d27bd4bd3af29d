import { generateKeyPair } from '../../packages/yibao/src/crypto/keys.js';

/** Fresh SM2 pairs for a test file: one for the institution (HIS), one for the platform. */
export function testKeys() {
  const his = generateKeyPair();
  const platform = generateKeyPair();
  const appId = 'A1B2C3D4E5F6A7B8C9D0E1F2A3B4C5D6';
  const appSecret = '4117E877F5FA0A0188891283E4B617D5';
  return {
    appId,
    appSecret,
    his,
    platform,
    /** What the HIS holds: its private key, the platform's public key. */
    hisKeys: { appId, appSecret, privateKey: his.privateKey, peerPublicKey: platform.publicKey },
    /** What the center holds for this app: its own private key, the HIS's public key. */
    centerKeys: { appId, appSecret, privateKey: platform.privateKey, peerPublicKey: his.publicKey },
  };
}
