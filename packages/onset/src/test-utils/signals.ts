/** Deterministic test signals: click tracks, noise and silence. */
import { seededRandom } from "@tactus/dsp";

export { seededRandom };


export interface ClickTrack {
  samples: Float32Array;
  sampleRate: number;
  /** Start time of every click. */
  clickTimesSec: number[];
}

/**
 * Clicks every 60/bpm seconds from `firstSec`: 20 ms of exponentially decaying seeded white
 * noise (a rim-shot-like broadband transient) over digital silence.
 */
export function clickTrack(options: {
  bpm: number;
  durationSec: number;
  sampleRate?: number;
  firstSec?: number;
  seed?: number;
  amplitude?: number;
}): ClickTrack {
  const sampleRate = options.sampleRate ?? 22050;
  const firstSec = options.firstSec ?? 0.5;
  const amplitude = options.amplitude ?? 0.8;
  const random = seededRandom(options.seed ?? 1);
  const samples = new Float32Array(Math.round(options.durationSec * sampleRate));
  const clickLength = Math.round(0.02 * sampleRate);
  const clickTimesSec: number[] = [];
  for (let t = firstSec; t < options.durationSec - 0.05; t += 60 / options.bpm) {
    const start = Math.round(t * sampleRate);
    clickTimesSec.push(start / sampleRate);
    for (let i = 0; i < clickLength && start + i < samples.length; i++) {
      samples[start + i] += amplitude * (2 * random() - 1) * Math.exp(-i / (0.004 * sampleRate));
    }
  }
  return { samples, sampleRate, clickTimesSec };
}

/** Seeded white noise, uniform in [−amplitude, amplitude]. */
export function whiteNoise(durationSec: number, options: { sampleRate?: number; seed?: number; amplitude?: number } = {}): Float32Array {
  const sampleRate = options.sampleRate ?? 22050;
  const amplitude = options.amplitude ?? 0.5;
  const random = seededRandom(options.seed ?? 1);
  const out = new Float32Array(Math.round(durationSec * sampleRate));
  for (let i = 0; i < out.length; i++) out[i] = amplitude * (2 * random() - 1);
  return out;
}

/** Relative error |estimate − truth| / truth. */
export function relativeError(estimate: number, truth: number): number {
  return Math.abs(estimate - truth) / truth;
}
