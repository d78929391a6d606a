/** Analytic test signals and the measurements tests compare them against. */

export function sine(frequencyHz: number, sampleRate: number, durationSec: number, amplitude = 1): Float32Array {
  const out = new Float32Array(Math.round(durationSec * sampleRate));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / sampleRate);
  return out;
}

/**
 * Amplitude of the `frequencyHz` component over `x` (single-bin DFT, normalised so a full sine of
 * amplitude A reads A). Exact when the span holds a whole number of periods.
 */
export function toneAmplitude(x: ArrayLike<number>, frequencyHz: number, sampleRate: number): number {
  let re = 0;
  let im = 0;
  for (let i = 0; i < x.length; i++) {
    const phase = (2 * Math.PI * frequencyHz * i) / sampleRate;
    re += x[i]! * Math.cos(phase);
    im -= x[i]! * Math.sin(phase);
  }
  return (2 * Math.hypot(re, im)) / x.length;
}

/** Frequency from upward zero crossings, located to sub-sample precision by linear interpolation. */
export function zeroCrossingFrequency(x: ArrayLike<number>, sampleRate: number): number {
  let first = -1;
  let last = -1;
  let count = 0;
  for (let i = 1; i < x.length; i++) {
    const a = x[i - 1]!;
    const b = x[i]!;
    if (a < 0 && b >= 0) {
      const t = i - 1 + a / (a - b);
      if (first < 0) first = t;
      last = t;
      count++;
    }
  }
  if (count < 2) return 0;
  return ((count - 1) * sampleRate) / (last - first);
}

export function rms(x: ArrayLike<number>): number {
  let sum = 0;
  for (let i = 0; i < x.length; i++) sum += x[i]! * x[i]!;
  return Math.sqrt(sum / Math.max(1, x.length));
}

export function decibels(ratio: number): number {
  return 20 * Math.log10(ratio);
}

/** Deterministic PRNG (mulberry32) so "random" inputs are the same on every run. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function randomBytes(length: number, seed: number): Uint8Array {
  const next = seededRandom(seed);
  return Uint8Array.from({ length }, () => Math.floor(next() * 256));
}
