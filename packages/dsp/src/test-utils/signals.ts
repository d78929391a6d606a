/** Deterministic test signals and brute-force references (test-only; excluded from the build). */
import { seededRandom } from "../random.js";

export { seededRandom };


/** Uniform noise in [-amplitude, amplitude). */
export function noise(length: number, seed: number, amplitude = 1): Float32Array {
  const rand = seededRandom(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = amplitude * (2 * rand() - 1);
  return out;
}

/** amplitude·sin(2π·f·n/sr + phase). */
export function sine(frequencyHz: number, sampleRate: number, length: number, amplitude = 1, phase = 0): Float32Array {
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = amplitude * Math.sin((2 * Math.PI * frequencyHz * i) / sampleRate + phase);
  return out;
}

/** Unit impulses every `period` samples (fractional periods are rounded per impulse), starting at `offset`. */
export function impulseTrain(length: number, period: number, offset = 0): Float32Array {
  const out = new Float32Array(length);
  for (let k = 0; ; k++) {
    const i = Math.round(offset + k * period);
    if (i >= length) break;
    out[i] = 1;
  }
  return out;
}

/** Short decaying 1 kHz clicks at the given tempo (a metronome). */
export function clickTrack(bpm: number, sampleRate: number, seconds: number): Float32Array {
  const out = new Float32Array(Math.round(seconds * sampleRate));
  const period = (60 / bpm) * sampleRate;
  const clickLength = Math.round(0.02 * sampleRate);
  for (let start = 0; start < out.length; start += period) {
    const s = Math.round(start);
    for (let i = 0; i < clickLength && s + i < out.length; i++) {
      out[s + i] += Math.exp(-i / (0.003 * sampleRate)) * Math.sin((2 * Math.PI * 1000 * i) / sampleRate);
    }
  }
  return out;
}

/** Direct O(N²) DFT of a real frame, bins 0..N/2: [re, im] pairs. */
export function naiveRealDft(frame: ArrayLike<number>): { re: Float64Array; im: Float64Array } {
  const n = frame.length;
  const nBins = Math.floor(n / 2) + 1;
  const re = new Float64Array(nBins);
  const im = new Float64Array(nBins);
  for (let k = 0; k < nBins; k++) {
    let r = 0;
    let i = 0;
    for (let t = 0; t < n; t++) {
      const a = (2 * Math.PI * k * t) / n;
      r += frame[t] * Math.cos(a);
      i -= frame[t] * Math.sin(a);
    }
    re[k] = r;
    im[k] = i;
  }
  return { re, im };
}

export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) throw new Error(`length mismatch ${a.length} vs ${b.length}`);
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i] - b[i]));
  return m;
}

export function argMax(a: ArrayLike<number>): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return best;
}
