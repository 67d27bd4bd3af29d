/**
 * The SM2 recommended curve (GB/T 32918.5-2017) and the point arithmetic yibao needs for signature
 * *verification*, where every input is public. Secret-scalar multiplication (signing) never runs here:
 * it goes to OpenSSL (sm2.ts).
 *
 * Why our own arithmetic rather than a library: verification is s·G + t·P. With @noble/curves and
 * precomputed tables for G and P it reached only ≈0.7–0.8× OpenSSL on this hardware (docs/crypto.md);
 * BigInt multiplication is the cost, so the win is in doing fewer of them: Jacobian coordinates,
 * mixed additions against affine tables (7M + 4S instead of ~14M), and signed fixed windows so a
 * 256-bit scalar costs ~33 additions and no doublings.
 */
export const P = 0xfffffffeffffffffffffffffffffffffffffffff00000000ffffffffffffffffn;
export const A = P - 3n;
export const B = 0x28e9fa9e9d9f5e344d5a9e4bcf6509a7f39789f515ab8f92ddbcbd414d940e93n;
export const N = 0xfffffffeffffffffffffffffffffffff7203df6b21c6052b53bbf40939d54123n;
export const GX = 0x32c4ae2c1f1981195f9904466a39c9948fe30bbff2660be1715a4589334c74c7n;
export const GY = 0xbc3736a2f4f6779c59bdcee36b692153d0a9877cc62a474002df32e52139f0a0n;

export interface Affine {
  x: bigint;
  y: bigint;
}

/** Jacobian (X, Y, Z) ↦ (X/Z², Y/Z³); Z = 0 is the point at infinity. */
interface Jacobian {
  X: bigint;
  Y: bigint;
  Z: bigint;
}

const INF: Jacobian = { X: 1n, Y: 1n, Z: 0n };

export function mod(a: bigint, m: bigint = P): bigint {
  const r = a % m;
  return r < 0n ? r + m : r;
}

/** Modular inverse by the extended Euclidean algorithm (variable time: public values or mod-n arithmetic only). */
export function invert(a: bigint, m: bigint = P): bigint {
  let r0 = mod(a, m);
  if (r0 === 0n) throw new RangeError('inverse of zero');
  let r1 = m;
  let s0 = 1n;
  let s1 = 0n;
  while (r1 !== 0n) {
    const q = r0 / r1;
    [r0, r1] = [r1, r0 - q * r1];
    [s0, s1] = [s1, s0 - q * s1];
  }
  return mod(s0, m);
}

export function isOnCurve(pt: Affine): boolean {
  if (pt.x < 0n || pt.x >= P || pt.y < 0n || pt.y >= P) return false;
  return mod(pt.y * pt.y - (pt.x * pt.x * pt.x + A * pt.x + B)) === 0n;
}

/** y from x for a compressed point; p ≡ 3 (mod 4), so y = c^((p+1)/4). */
export function decompress(x: bigint, odd: boolean): Affine | undefined {
  if (x >= P) return undefined;
  const c = mod(x * x * x + A * x + B);
  let y = modPow(c, (P + 1n) / 4n, P);
  if (mod(y * y) !== c) return undefined;
  if (((y & 1n) === 1n) !== odd) y = P - y;
  return { x, y };
}

export function modPow(base: bigint, exp: bigint, m: bigint): bigint {
  let result = 1n;
  let b = mod(base, m);
  let e = exp;
  while (e > 0n) {
    if (e & 1n) result = (result * b) % m;
    b = (b * b) % m;
    e >>= 1n;
  }
  return result;
}

/** dbl-2001-b for a = −3: 3M + 5S. */
function double(p: Jacobian): Jacobian {
  if (p.Z === 0n || p.Y === 0n) return INF;
  const delta = (p.Z * p.Z) % P;
  const gamma = (p.Y * p.Y) % P;
  const beta = (p.X * gamma) % P;
  const alpha = (3n * (((p.X - delta) * (p.X + delta)) % P)) % P;
  const X3 = mod(alpha * alpha - 8n * beta);
  const Z3 = mod((p.Y + p.Z) * (p.Y + p.Z) - gamma - delta);
  const Y3 = mod(alpha * (4n * beta - X3) - 8n * ((gamma * gamma) % P));
  return { X: X3, Y: Y3, Z: Z3 };
}

/** madd-2007-bl: Jacobian + affine, 7M + 4S. */
function addMixed(p: Jacobian, q: Affine): Jacobian {
  if (p.Z === 0n) return { X: q.x, Y: q.y, Z: 1n };
  const Z1Z1 = (p.Z * p.Z) % P;
  const U2 = (q.x * Z1Z1) % P;
  const S2 = (((q.y * p.Z) % P) * Z1Z1) % P;
  const H = mod(U2 - p.X);
  const r = mod(2n * (S2 - p.Y));
  if (H === 0n) return r === 0n ? double(p) : INF;
  const HH = (H * H) % P;
  const I = (4n * HH) % P;
  const J = (H * I) % P;
  const V = (p.X * I) % P;
  const X3 = mod(r * r - J - 2n * V);
  const Y3 = mod(r * (V - X3) - 2n * ((p.Y * J) % P));
  const Z3 = mod((p.Z + H) * (p.Z + H) - Z1Z1 - HH);
  return { X: X3, Y: Y3, Z: Z3 };
}

/** add-2007-bl: Jacobian + Jacobian (table building only). */
function add(p: Jacobian, q: Jacobian): Jacobian {
  if (p.Z === 0n) return q;
  if (q.Z === 0n) return p;
  const Z1Z1 = (p.Z * p.Z) % P;
  const Z2Z2 = (q.Z * q.Z) % P;
  const U1 = (p.X * Z2Z2) % P;
  const U2 = (q.X * Z1Z1) % P;
  const S1 = (((p.Y * q.Z) % P) * Z2Z2) % P;
  const S2 = (((q.Y * p.Z) % P) * Z1Z1) % P;
  const H = mod(U2 - U1);
  const r = mod(2n * (S2 - S1));
  if (H === 0n) return r === 0n ? double(p) : INF;
  const I = (4n * H * H) % P;
  const J = (H * I) % P;
  const V = (U1 * I) % P;
  const X3 = mod(r * r - J - 2n * V);
  const Y3 = mod(r * (V - X3) - 2n * ((S1 * J) % P));
  const Z3 = mod(((p.Z + q.Z) * (p.Z + q.Z) - Z1Z1 - Z2Z2) * H);
  return { X: X3, Y: Y3, Z: Z3 };
}

function toAffine(p: Jacobian): Affine | undefined {
  if (p.Z === 0n) return undefined;
  const zi = invert(p.Z);
  const zi2 = (zi * zi) % P;
  return { x: (p.X * zi2) % P, y: (((p.Y * zi2) % P) * zi) % P };
}

/** Normalises many points with one inversion (Montgomery's trick). */
function batchToAffine(points: Jacobian[]): Affine[] {
  const prefix: bigint[] = new Array(points.length);
  let acc = 1n;
  for (let i = 0; i < points.length; i++) {
    prefix[i] = acc;
    acc = (acc * points[i]!.Z) % P;
  }
  let inv = invert(acc);
  const out: Affine[] = new Array(points.length);
  for (let i = points.length - 1; i >= 0; i--) {
    const zi = (inv * prefix[i]!) % P;
    inv = (inv * points[i]!.Z) % P;
    const zi2 = (zi * zi) % P;
    out[i] = { x: (points[i]!.X * zi2) % P, y: (((points[i]!.Y * zi2) % P) * zi) % P };
  }
  return out;
}

/**
 * Signed fixed-window table: for window i and digit d in 1..2^(w−1), the affine point d·2^(w·i)·Q.
 * A scalar is then the sum of one table entry (or its negation) per window: no doublings at all.
 */
export class FixedBaseTable {
  readonly windows: number;
  private readonly entries: Affine[][];

  constructor(
    readonly point: Affine,
    readonly w: number,
  ) {
    this.windows = Math.ceil(257 / w); // one spare window for the carry of signed digits
    const half = 1 << (w - 1);
    const all: Jacobian[] = [];
    let base: Jacobian = { X: point.x, Y: point.y, Z: 1n };
    for (let i = 0; i < this.windows; i++) {
      let acc = base;
      all.push(acc);
      for (let d = 2; d <= half; d++) {
        acc = add(acc, base);
        all.push(acc);
      }
      // base ← 2^w · base
      for (let k = 0; k < w; k++) base = double(base);
    }
    const affine = batchToAffine(all);
    this.entries = [];
    for (let i = 0; i < this.windows; i++) this.entries.push(affine.slice(i * half, (i + 1) * half));
  }

  /** k·Q as a Jacobian point, for 0 ≤ k < 2^256. Variable time: public scalars only. */
  multiply(k: bigint, into: Jacobian = INF): Jacobian {
    const w = BigInt(this.w);
    const mask = (1n << w) - 1n;
    const full = 1 << this.w;
    const half = full >> 1;
    let acc = into;
    let carry = 0;
    let rest = k;
    for (let i = 0; i < this.windows; i++) {
      let digit = Number(rest & mask) + carry;
      rest >>= w;
      carry = 0;
      if (digit > half) {
        digit -= full;
        carry = 1;
      }
      if (digit !== 0) {
        const e = this.entries[i]![Math.abs(digit) - 1]!;
        acc = addMixed(acc, digit > 0 ? e : { x: e.x, y: P - e.y });
      }
    }
    return acc;
  }
}

let gTable: FixedBaseTable | undefined;
/** G's table, built on first use (w = 10: 26 windows × 512 points ≈ 13k points, a few MB). */
export function generatorTable(): FixedBaseTable {
  gTable ??= new FixedBaseTable({ x: GX, y: GY }, 10);
  return gTable;
}

/** x-coordinate of s·G + t·Q (undefined at infinity), with tables for both. */
export function mulAddX(s: bigint, t: bigint, qTable: FixedBaseTable): bigint | undefined {
  const acc = qTable.multiply(t, generatorTable().multiply(s));
  return toAffine(acc)?.x;
}

/** Plain double-and-add for a one-off public point (no table worth building). */
export function multiplyAffine(k: bigint, q: Affine): Affine | undefined {
  let acc = INF;
  for (let i = k.toString(2).length - 1; i >= 0; i--) {
    acc = double(acc);
    if ((k >> BigInt(i)) & 1n) acc = addMixed(acc, q);
  }
  return toAffine(acc);
}
