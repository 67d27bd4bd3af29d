// sm-crypto ships no types; the tests and the benchmark use these two functions only.
declare module 'sm-crypto' {
  interface Sm2Options {
    hash?: boolean;
    der?: boolean;
    userId?: string;
  }
  const smCrypto: {
    sm2: {
      doSignature(msg: string, privateKey: string, opts?: Sm2Options): string;
      doVerifySignature(msg: string, signature: string, publicKey: string, opts?: Sm2Options): boolean;
    };
  };
  export default smCrypto;
}
