import { createRequire } from "node:module";
import type FFTType from "fft.js";

// fft.js is CommonJS with `export =` typings; createRequire keeps NodeNext ESM happy.
const FFT = createRequire(import.meta.url)("fft.js") as typeof FFTType;

/** An fft.js instance: radix-4, power-of-two sizes, interleaved [re, im] Float64Array buffers. */
export type FftInstance = FFTType;

const instances = new Map<number, FftInstance>();

/** Memoised fft.js instance for a power-of-two size ≥ 2 (its twiddle table is built once). */
export function getFft(size: number): FftInstance {
  let fft = instances.get(size);
  if (fft === undefined) {
    if (!isPowerOfTwo(size) || size < 2) throw new RangeError(`FFT size must be a power of two ≥ 2, got ${size}`);
    fft = new FFT(size);
    instances.set(size, fft);
  }
  return fft;
}

export function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n > 0 && (n & (n - 1)) === 0;
}

/** Smallest power of two ≥ n (and ≥ 2). */
export function nextPowerOfTwo(n: number): number {
  let p = 2;
  while (p < n) p *= 2;
  return p;
}
