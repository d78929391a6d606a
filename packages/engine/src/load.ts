/**
 * Decoding: the one place the engine reads audio (`@tactus/audio` at 22 050 Hz, then the §2.2
 * preprocessing). Counted, so tests can check that the fast path decodes nothing.
 */
import { loadAudio, preprocess } from "@tactus/audio";

export const SAMPLE_RATE = 22050;

let decodes = 0;

/** How many files this process has decoded (for tests and diagnostics). */
export function decodeCount(): number {
  return decodes;
}

export interface LoadedAudio {
  /** Preprocessed (peak-normalised, 60 Hz high-passed) mono samples at `sampleRate`. */
  samples: Float32Array;
  sampleRate: number;
  decodeMs: number;
  preprocessMs: number;
  /** The decoder's warnings (truncation, replaced non-finite samples), for the result's `warnings`. */
  warnings: string[];
}

/** Decode `path` to 22 050 Hz mono and preprocess it. */
export async function loadPreprocessed(path: string): Promise<LoadedAudio> {
  decodes++;
  const t0 = performance.now();
  const audio = await loadAudio(path, { sampleRate: SAMPLE_RATE });
  const t1 = performance.now();
  const samples = preprocess(audio.samples, audio.sampleRate);
  return { samples, sampleRate: audio.sampleRate, decodeMs: t1 - t0, preprocessMs: performance.now() - t1, warnings: audio.warnings };
}
