/** Deterministic test signals for the feature tests (test-only; excluded from the build). */
import { seededRandom } from "@tactus/dsp";

export { seededRandom };


export interface ClickTrackOptions {
  /** Samples between clicks (fractional values are rounded per click). */
  beatSamples: number;
  /** Gain of each beat of the bar, cycled: [1, 0.5, 0.5] is an accented 3/4 bar. */
  accents: readonly number[];
  durationSec: number;
  sampleRate?: number;
  seed?: number;
  /** Optional sustained tone (Hz) under the clicks, so chroma is not silent. */
  toneHz?: number;
}

/** Decaying noise bursts starting exactly at t = k·beat (k = 0, 1, …), with per-beat accents. */
export function clickTrack(options: ClickTrackOptions): Float32Array {
  const sampleRate = options.sampleRate ?? 22050;
  const rand = seededRandom(options.seed ?? 1);
  const out = new Float32Array(Math.round(options.durationSec * sampleRate));
  for (let k = 0; Math.round(k * options.beatSamples) < out.length; k++) {
    const gain = options.accents[k % options.accents.length];
    const start = Math.round(k * options.beatSamples);
    for (let i = 0; i < 2000 && start + i < out.length; i++) out[start + i] += gain * Math.exp(-i / 110) * (2 * rand() - 1);
  }
  if (options.toneHz !== undefined) {
    for (let i = 0; i < out.length; i++) out[i] += 0.1 * Math.sin((2 * Math.PI * options.toneHz * i) / sampleRate);
  }
  return out;
}

/** Uniform white noise in [−amplitude, amplitude). */
export function whiteNoise(length: number, seed: number, amplitude = 0.5): Float32Array {
  const rand = seededRandom(seed);
  const out = new Float32Array(length);
  for (let i = 0; i < length; i++) out[i] = amplitude * (2 * rand() - 1);
  return out;
}

/** `source` repeated end to end up to `length` samples (a cheap long clip). */
export function tile(source: Float32Array, length: number): Float32Array {
  const out = new Float32Array(length);
  for (let offset = 0; offset < length; offset += source.length) {
    out.set(source.subarray(0, Math.min(source.length, length - offset)), offset);
  }
  return out;
}
