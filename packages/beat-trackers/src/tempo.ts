/**
 * Global tempo and tempo curve (reference signals.md §6): an inter-beat-interval candidate from the
 * primary tracker's beats (§6.1), onset's two tempogram estimates (§6.2–6.3), their consensus with
 * octave handling (§6.4) and the local tempo curve with its variability category (§6.5).
 */

import { type OnsetEnvelope, tempoLibrosa, tempoTempogram } from "@tactus/onset";
import type { Beat } from "./types.js";

/** One tempo estimate. */
export interface TempoCandidate {
  bpm: number;
  /** In [0, 1]. */
  confidence: number;
  method: "inter_beat" | "librosa" | "tempogram";
}

export interface TempoRange {
  /** Default 40. */
  minBpm?: number;
  /** Default 300. */
  maxBpm?: number;
}

export interface EstimateTempoOptions extends TempoRange {
  /** Include the onset-envelope estimates (librosa, tempogram). Default true. */
  useOnsetEstimates?: boolean;
}

export const TEMPO_DEFAULTS = { minBpm: 40, maxBpm: 300 } as const;

/**
 * Python's round(x, digits) for digits ≥ 0: the exact binary value of x rounded to `digits`
 * decimals, ties to even (so 0.125 → 0.12 but 2.675, really 2.67499…, → 2.67).
 */
export function pyRound(x: number, digits = 0): number {
  if (!Number.isFinite(x) || x === 0) return x;
  if (x < 0) return -pyRound(-x, digits);
  // x = mantissa · 2^exponent exactly
  const view = new DataView(new ArrayBuffer(8));
  view.setFloat64(0, x);
  const bits = view.getBigUint64(0);
  const biased = Number((bits >> 52n) & 0x7ffn);
  const fraction = bits & 0xfffffffffffffn;
  const mantissa = biased === 0 ? fraction : fraction | (1n << 52n);
  const exponent = (biased === 0 ? 1 : biased) - 1075;
  const scaled = mantissa * 10n ** BigInt(digits);
  let rounded: bigint;
  if (exponent >= 0) rounded = scaled << BigInt(exponent);
  else {
    const shift = BigInt(-exponent);
    const quotient = scaled >> shift;
    const twiceRemainder = (scaled - (quotient << shift)) << 1n;
    const half = 1n << shift;
    rounded = twiceRemainder > half || (twiceRemainder === half && (quotient & 1n) === 1n) ? quotient + 1n : quotient;
  }
  return Number(rounded) / 10 ** digits;
}

function clamp01(x: number): number {
  return Math.min(1, Math.max(0, x));
}

function median(values: readonly number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

function populationStd(values: readonly number[]): number {
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  return Math.sqrt(values.reduce((a, v) => a + (v - mean) ** 2, 0) / values.length);
}

/**
 * §6.1 IBI candidate: needs ≥ 3 beats and ≥ 2 IBIs strictly inside (60/maxBpm, 60/minBpm);
 * bpm = round(60/median, 1), confidence = clamp(1 − 2·cv, 0, 1) with cv = std/median, then scaled
 * as the engine does: round(confidence · max(bestF1, 0.1), 2), bestF1 being the primary tracker's
 * onset-alignment F1 (pass 1 for the unscaled confidence).
 */
export function interBeatCandidate(
  beats: readonly Beat[],
  bestF1: number,
  range: TempoRange = {},
): TempoCandidate | null {
  const minBpm = range.minBpm ?? TEMPO_DEFAULTS.minBpm;
  const maxBpm = range.maxBpm ?? TEMPO_DEFAULTS.maxBpm;
  if (beats.length < 3) return null;
  const lo = 60 / maxBpm;
  const hi = 60 / minBpm;
  const ibis: number[] = [];
  for (let i = 1; i < beats.length; i++) {
    const d = beats[i]!.timeSec - beats[i - 1]!.timeSec;
    if (d > lo && d < hi) ibis.push(d);
  }
  if (ibis.length < 2) return null;
  const med = median(ibis);
  const cv = populationStd(ibis) / med;
  const confidence = clamp01(1 - 2 * cv);
  return { bpm: pyRound(60 / med, 1), confidence: pyRound(confidence * Math.max(bestF1, 0.1), 2), method: "inter_beat" };
}

/**
 * The candidates of §6 in the reference's order: inter-beat (from the primary beats), librosa's
 * tempo, the plain tempogram peak — each only when it exists.
 */
export function tempoCandidates(
  primaryBeats: readonly Beat[],
  bestF1: number,
  onsetEnvelope: OnsetEnvelope,
  options: EstimateTempoOptions = {},
): TempoCandidate[] {
  const out: TempoCandidate[] = [];
  const ibi = interBeatCandidate(primaryBeats, bestF1, options);
  if (ibi) out.push(ibi);
  if (options.useOnsetEstimates === false) return out;
  for (const estimator of [tempoLibrosa, tempoTempogram]) {
    const estimate = tryEstimate(() => estimator(onsetEnvelope));
    if (estimate !== null && Number.isFinite(estimate.bpm) && estimate.bpm > 0) out.push({ ...estimate });
  }
  return out;
}

/** The reference turns an estimator's exception into "no candidate". */
function tryEstimate<T>(estimate: () => T | null): T | null {
  try {
    return estimate();
  } catch {
    return null;
  }
}

/** Result of {@link consensusTempo}. */
export interface TempoConsensus {
  /** One decimal. */
  bpm: number;
  /** In [0, 1], two decimals. */
  confidence: number;
  candidates: TempoCandidate[];
  /** True when there was no candidate: bpm is then the 120 BPM default with confidence 0. */
  fallback: boolean;
}

/** Tempo reported when no estimate exists. */
export const FALLBACK_BPM = 120;

/**
 * §6.4 consensus: reference = the most confident candidate (first on ties); every candidate is
 * octave-shifted into [0.7, 1.4]·reference (doubling while < 0.7·ref and 2b ≤ max, then halving
 * while > 1.4·ref and b/2 ≥ min); w = confidence-weighted mean; half-speed fix (w < 80, 2w ≤ max
 * and some raw bpm within 15 % of 2w → 2w); double-speed fix (w > 200, w/2 ≥ min and some raw bpm
 * within 15 % of w/2 or 80 ≤ w/2 ≤ 180 → w/2); confidence = clamp(1 − 5·Σ conf·|b − w|/w / Σ conf).
 * No candidates → 120 BPM, confidence 0, `fallback`; zero total confidence → the first
 * candidate's bpm with confidence 0.1.
 */
export function consensusTempo(candidates: readonly TempoCandidate[], range: TempoRange = {}): TempoConsensus {
  const minBpm = range.minBpm ?? TEMPO_DEFAULTS.minBpm;
  const maxBpm = range.maxBpm ?? TEMPO_DEFAULTS.maxBpm;
  const list = [...candidates];
  if (list.length === 0) return { bpm: FALLBACK_BPM, confidence: 0, candidates: list, fallback: true };
  const total = list.reduce((a, c) => a + c.confidence, 0);
  if (total === 0) return { bpm: list[0]!.bpm, confidence: 0.1, candidates: list, fallback: false };

  let reference = list[0]!;
  for (const c of list) if (c.confidence > reference.confidence) reference = c;
  const ref = reference.bpm;
  const normalised = list.map((c) => {
    let b = c.bpm;
    while (b < 0.7 * ref && 2 * b <= maxBpm) b *= 2;
    while (b > 1.4 * ref && b / 2 >= minBpm) b /= 2;
    return b;
  });
  let w = normalised.reduce((a, b, i) => a + b * list[i]!.confidence, 0) / total;

  const near = (target: number) => list.some((c) => Math.abs(c.bpm - target) / target < 0.15);
  if (w < 80 && 2 * w <= maxBpm && near(2 * w)) w *= 2;
  if (w > 200 && w / 2 >= minBpm && (near(w / 2) || (w / 2 >= 80 && w / 2 <= 180))) w /= 2;

  const spread = normalised.reduce((a, b, i) => a + (list[i]!.confidence * Math.abs(b - w)) / w, 0) / total;
  return {
    bpm: pyRound(w, 1),
    confidence: pyRound(clamp01(1 - 5 * spread), 2),
    candidates: list,
    fallback: false,
  };
}

export type TempoCategory = "steady" | "slightly_variable" | "variable" | "rubato";

export interface TempoCurvePoint {
  timeSec: number;
  /** One decimal. */
  bpm: number;
}

export interface TempoCurve {
  points: TempoCurvePoint[];
  isVariable: boolean;
  /** [min, max] of the local tempi, one decimal; null without a curve. */
  bpmRange: [number, number] | null;
  category: TempoCategory;
  /** Coefficient of variation of the local tempi (0 without a curve). */
  cv: number;
}

/** §6.5 category thresholds on the coefficient of variation. */
export function tempoCategory(cv: number): TempoCategory {
  return cv < 0.03 ? "steady" : cv < 0.07 ? "slightly_variable" : cv < 0.15 ? "variable" : "rubato";
}

/**
 * §6.5 tempo curve: for each IBI i, 60 / median of the positive IBIs in [i − 4, i + 5) (9 values
 * at most), kept when within 30–400 BPM, stamped at beat i. cv = std/mean of the kept values,
 * variable when cv > 0.05. Fewer than 4 beats → no curve, steady.
 */
export function tempoCurve(beats: readonly Beat[], windowBeats = 8): TempoCurve {
  const none: TempoCurve = { points: [], isVariable: false, bpmRange: null, category: "steady", cv: 0 };
  if (beats.length < 4) return none;
  const ibis: number[] = [];
  for (let i = 1; i < beats.length; i++) ibis.push(beats[i]!.timeSec - beats[i - 1]!.timeSec);
  const half = windowBeats / 2;
  const points: TempoCurvePoint[] = [];
  const values: number[] = [];
  for (let i = 0; i < ibis.length; i++) {
    const window = ibis.slice(Math.max(0, i - half), Math.min(ibis.length, i + half + 1)).filter((d) => d > 0);
    if (window.length === 0) continue;
    const local = 60 / median(window);
    if (local >= 30 && local <= 400) {
      points.push({ timeSec: beats[i]!.timeSec, bpm: pyRound(local, 1) });
      values.push(local);
    }
  }
  if (values.length === 0) return none;
  const mean = values.reduce((a, b) => a + b, 0) / values.length;
  const cv = populationStd(values) / mean;
  return {
    points,
    isVariable: cv > 0.05,
    bpmRange: [pyRound(Math.min(...values), 1), pyRound(Math.max(...values), 1)],
    category: tempoCategory(cv),
    cv,
  };
}

/** Everything §6 produces for one piece of audio. */
export interface TempoEstimate extends TempoConsensus {
  curve: TempoCurve;
}

/**
 * §6 end to end: candidates from the primary beats (with the primary tracker's onset-alignment
 * F1) and the onset envelope, their consensus, and the tempo curve of the primary beats.
 */
export function estimateTempo(
  primaryBeats: readonly Beat[],
  bestF1: number,
  onsetEnvelope: OnsetEnvelope,
  options: EstimateTempoOptions = {},
): TempoEstimate {
  const consensus = consensusTempo(tempoCandidates(primaryBeats, bestF1, onsetEnvelope, options), options);
  return { ...consensus, curve: tempoCurve(primaryBeats) };
}
