import type { Matrix } from "@tactus/dsp";
import type { MeterScores } from "./meters.js";
import { normaliseAndKeep } from "./util.js";

export const HCDF_SOURCE = import.meta.url;

/** Candidate bars of {@link hcdfScores}: key and its length in notes of the key's denominator. */
export const HCDF_CANDIDATES: readonly (readonly [key: string, notes: number])[] = [
  ["2/4", 2],
  ["3/4", 3],
  ["4/4", 4],
  ["5/4", 5],
  ["5/8", 5],
  ["6/8", 6],
  ["7/4", 7],
  ["7/8", 7],
  ["9/8", 9],
  ["11/8", 11],
  ["12/8", 12],
];

/** Clips shorter than this give {} [s]. */
export const HCDF_MIN_DURATION_SEC = 4;

/**
 * Harmonic change detection (Harte, Sandler & Gasser 2006, reference §7.4): chords tend to change
 * on bar lines, so the harmonic-change curve repeats with the bar period.
 *
 * chroma → unit columns → h[t] = 1 − cos(c_t, c_{t+1}) → centred, unit-norm h → Σ h_i·h_{i+lag}
 * at each candidate bar lag (eighth-note keys at half the beat interval) → clipped at 0 →
 * divided by the largest.
 *
 * Unlike the reference (cache-only, from raw audio with its own tempo estimate) this is computed
 * like every other signal, from the clip's chroma and the consensus beat interval.
 */
export function hcdfScores(chroma: Matrix, chromaFps: number, beatIntervalSec: number): MeterScores {
  const { nRows, nCols, data } = chroma;
  if (!(beatIntervalSec > 0) || !(chromaFps > 0) || nCols / chromaFps < HCDF_MIN_DURATION_SEC || nCols < 10) return {};

  const norms = new Float64Array(nCols);
  for (let t = 0; t < nCols; t++) {
    let s = 0;
    for (let r = 0; r < nRows; r++) s += data[r * nCols + t]! ** 2;
    const norm = Math.sqrt(s);
    norms[t] = norm < 1e-8 ? 1 : norm;
  }
  const h = new Float64Array(nCols - 1);
  for (let t = 0; t < nCols - 1; t++) {
    let dot = 0;
    for (let r = 0; r < nRows; r++) dot += data[r * nCols + t]! * data[r * nCols + t + 1]!;
    h[t] = 1 - Math.min(1, Math.max(-1, dot / (norms[t]! * norms[t + 1]!)));
  }
  if (h.length < 20) return {};

  let mean = 0;
  for (const v of h) mean += v;
  mean /= h.length;
  let energy = 0;
  for (let i = 0; i < h.length; i++) {
    h[i] -= mean;
    energy += h[i]! ** 2;
  }
  const norm = Math.sqrt(energy);
  if (norm < 1e-8) return {}; // no harmonic change at all (silence, one sustained chord)
  for (let i = 0; i < h.length; i++) h[i] /= norm;

  const raw = new Map<string, number>();
  for (const [key, notes] of HCDF_CANDIDATES) {
    const barSec = beatIntervalSec * notes * (key.endsWith("/8") ? 0.5 : 1);
    const lag = Math.round(barSec * chromaFps);
    if (lag < 2 || lag >= h.length || h.length - lag < 10) continue;
    let sum = 0;
    for (let i = 0; i < h.length - lag; i++) sum += h[i]! * h[i + lag]!;
    raw.set(key, Math.max(0, sum));
  }
  return normaliseAndKeep(raw);
}
