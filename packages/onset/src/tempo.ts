import { lagToBpm, meanTempogram, tempogram } from "@tactus/dsp";
import type { OnsetEnvelope } from "./envelope.js";

/** One global tempo estimate (signals §6, §10). */
export interface BpmCandidate {
  bpm: number;
  confidence: number;
  method: "librosa" | "tempogram";
}

export interface TempoLibrosaOptions {
  /** Centre of the log-normal tempo prior. Default 120. */
  startBpm?: number;
  /** Width of the prior in octaves. Default 1. */
  stdBpm?: number;
  /** Lags whose tempo is ≥ this are excluded. Default 320. */
  maxBpm?: number;
  /** Autocorrelation window in seconds (344 frames at 22050/512). Default 8. */
  acSizeSec?: number;
  /** Refine the winning lag by parabolic interpolation (see README). Default true. */
  refine?: boolean;
}

export const TEMPO_LIBROSA_DEFAULTS = {
  startBpm: 120,
  stdBpm: 1,
  maxBpm: 320,
  acSizeSec: 8,
  refine: true,
} as const satisfies TempoLibrosaOptions;

/** The reference's fixed confidences (signals §6.2–6.3), which the tempo consensus weights by. */
export const LIBROSA_TEMPO_CONFIDENCE = 0.7;
export const TEMPOGRAM_TEMPO_CONFIDENCE = 0.8;

export interface TempoTempogramOptions {
  /** Default 40. */
  minBpm?: number;
  /** Default 300. */
  maxBpm?: number;
  /** Tempogram window in frames. Default 384. */
  winLength?: number;
  /** Refine the winning lag by parabolic interpolation (see README). Default true. */
  refine?: boolean;
}

export const TEMPO_TEMPOGRAM_DEFAULTS = {
  minBpm: 40,
  maxBpm: 300,
  winLength: 384,
  refine: true,
} as const satisfies TempoTempogramOptions;

/**
 * The lag of librosa.feature.rhythm.tempo (signals §6.2): the time-averaged autocorrelation
 * tempogram over an `acSizeSec` window, weighted as ln(1 + 10⁶·tg) plus a log-normal prior
 * −½((log₂ bpm − log₂ startBpm)/stdBpm)², lags at or above `maxBpm` excluded; the argmax
 * (first on ties). Returns the integer lag and, when `refine`, the interpolated lag; null for an
 * envelope without energy (librosa would return the prior's mode there).
 */
export function librosaTempoLag(
  env: OnsetEnvelope,
  options: TempoLibrosaOptions = {},
): { lag: number; refinedLag: number } | null {
  const startBpm = options.startBpm ?? TEMPO_LIBROSA_DEFAULTS.startBpm;
  const stdBpm = options.stdBpm ?? TEMPO_LIBROSA_DEFAULTS.stdBpm;
  const maxBpm = options.maxBpm ?? TEMPO_LIBROSA_DEFAULTS.maxBpm;
  const acSizeSec = options.acSizeSec ?? TEMPO_LIBROSA_DEFAULTS.acSizeSec;
  if (!(startBpm > 0)) throw new RangeError(`startBpm must be positive, got ${startBpm}`);
  if (!(stdBpm > 0)) throw new RangeError(`stdBpm must be positive, got ${stdBpm}`);
  if (!hasEnergy(env.envelope)) return null;
  // librosa.time_to_frames: floor(seconds · sr / hop)
  const winLength = Math.floor((acSizeSec * env.sampleRate) / env.hopLength);
  if (winLength < 3) throw new RangeError(`acSizeSec=${acSizeSec} gives a window of ${winLength} frames`);
  const avg = meanTempogram(tempogram(env.envelope, { winLength }));
  const score = new Float64Array(winLength).fill(Number.NEGATIVE_INFINITY);
  const log2Start = Math.log2(startBpm);
  for (let lag = 1; lag < winLength; lag++) {
    const bpm = lagToBpm(lag, env.sampleRate, env.hopLength);
    if (bpm >= maxBpm) continue;
    const prior = -0.5 * ((Math.log2(bpm) - log2Start) / stdBpm) ** 2;
    const s = Math.log1p(1e6 * avg[lag]) + prior;
    if (!Number.isNaN(s)) score[lag] = s;
  }
  const lag = argmax(score);
  if (lag < 0) return null;
  const refine = options.refine ?? TEMPO_LIBROSA_DEFAULTS.refine;
  return { lag, refinedLag: refine ? parabolicPeak(score, lag) : lag };
}

/**
 * Global tempo as librosa.feature.rhythm.tempo with its defaults (signals §6.2), method
 * "librosa", confidence 0.7. null when the envelope has no energy (silence).
 */
export function tempoLibrosa(env: OnsetEnvelope, options: TempoLibrosaOptions = {}): BpmCandidate | null {
  const found = librosaTempoLag(env, options);
  if (found === null) return null;
  return {
    bpm: round1(lagToBpm(found.refinedLag, env.sampleRate, env.hopLength)),
    confidence: LIBROSA_TEMPO_CONFIDENCE,
    method: "librosa",
  };
}

/**
 * Global tempo from the plain mean tempogram (signals §6.3): the lag with the largest mean
 * autocorrelation among lags whose tempo lies in [minBpm, maxBpm] (k = 9..64 at 22050/512),
 * method "tempogram", confidence 0.8. null when the envelope has no energy or the range holds
 * no lag.
 */
export function tempoTempogram(env: OnsetEnvelope, options: TempoTempogramOptions = {}): BpmCandidate | null {
  const minBpm = options.minBpm ?? TEMPO_TEMPOGRAM_DEFAULTS.minBpm;
  const maxBpm = options.maxBpm ?? TEMPO_TEMPOGRAM_DEFAULTS.maxBpm;
  const winLength = options.winLength ?? TEMPO_TEMPOGRAM_DEFAULTS.winLength;
  const refine = options.refine ?? TEMPO_TEMPOGRAM_DEFAULTS.refine;
  if (!(minBpm > 0 && maxBpm >= minBpm)) throw new RangeError(`invalid tempo range [${minBpm}, ${maxBpm}]`);
  if (!hasEnergy(env.envelope)) return null;
  const avg = meanTempogram(tempogram(env.envelope, { winLength }));
  const score = new Float64Array(winLength).fill(Number.NEGATIVE_INFINITY);
  for (let lag = 1; lag < winLength; lag++) {
    const bpm = lagToBpm(lag, env.sampleRate, env.hopLength);
    if (bpm >= minBpm && bpm <= maxBpm) score[lag] = avg[lag];
  }
  const lag = argmax(score);
  if (lag < 0 || !(score[lag] > 0)) return null;
  const refinedLag = refine ? parabolicPeak(score, lag) : lag;
  return {
    bpm: round1(lagToBpm(refinedLag, env.sampleRate, env.hopLength)),
    confidence: TEMPOGRAM_TEMPO_CONFIDENCE,
    method: "tempogram",
  };
}

function hasEnergy(x: Float32Array): boolean {
  for (let i = 0; i < x.length; i++) if (x[i] > 0 && Number.isFinite(x[i])) return true;
  return false;
}

/** Index of the first maximum over finite values; −1 if none. */
function argmax(x: Float64Array): number {
  let best = -1;
  for (let i = 0; i < x.length; i++) if (x[i] > Number.NEGATIVE_INFINITY && (best < 0 || x[i] > x[best])) best = i;
  return best;
}

/**
 * Vertex of the parabola through (k−1, k, k+1): sub-lag peak position. The integer lag grid
 * is ~4.6 % apart at 120 BPM, so unrefined estimates cannot land within ±2 % of most tempi.
 * Falls back to k when a neighbour is excluded or the three points are not concave.
 */
function parabolicPeak(score: Float64Array, k: number): number {
  if (k < 1 || k + 1 >= score.length) return k;
  const a = score[k - 1];
  const b = score[k];
  const c = score[k + 1];
  if (!Number.isFinite(a) || !Number.isFinite(c)) return k;
  const curvature = a - 2 * b + c;
  if (!(curvature < 0)) return k;
  const offset = (0.5 * (a - c)) / curvature;
  return k + Math.max(-0.5, Math.min(0.5, offset));
}

/** Python round(x, 1) up to binary representation (ties are measure-zero for real tempi). */
function round1(x: number): number {
  return Math.round(x * 10) / 10;
}
