/**
 * A small seeded PRNG (mulberry32). Initial weights are drawn here in plain JavaScript, so a seed
 * gives the same model on every backend.
 */
export interface Rng {
  /** Uniform in [0, 1). */
  next(): number;
  /** A fresh 31-bit seed, e.g. for a tfjs random op. */
  nextSeed(): number;
}

export function createRng(seed: number): Rng {
  let state = (Math.trunc(seed) ^ 0x9e3779b9) >>> 0;
  const next = (): number => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  return { next, nextSeed: () => Math.floor(next() * 0x7fffffff) };
}

/** `length` values uniform in [−limit, limit). */
export function uniformArray(rng: Rng, length: number, limit: number): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = (2 * rng.next() - 1) * limit;
  return out;
}
