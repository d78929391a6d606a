/**
 * Bar-pointer DBN trackers over beat/downbeat activations (ARCHITECTURE.md decision 4c):
 * `dbn_bpb3`, `dbn_bpb4`, `dbn_bpb5`, `dbn_bpb7` with a fixed bar length, and `dbn` choosing the
 * bar length among 3, 4, 5, 7, 9, 11 — madmom `DBNDownBeatTrackingProcessor` semantics
 * (55–215 BPM, 60 tempi, λ 100, observation λ 16, threshold 0.05, correct=True).
 *
 * activations (once) → one Viterbi decode per bar length (each length decoded once) →
 * fixed-length variants read their own decode, `dbn` takes the best log probability.
 */

import type { Activations } from "./activations.js";
import { DBN_DOWNBEAT_DEFAULTS, type DbnDownbeatOptions, decodeBeatsDownbeats } from "./dbn/decode.js";
import type { Beat } from "./types.js";

/** Bar lengths of the fixed-length variants, one tracker each (`dbn_bpb3` …). */
export const DBN_FIXED_BAR_LENGTHS = [3, 4, 5, 7] as const;
/** Bar lengths the free `dbn` tracker chooses among. */
export const DBN_FREE_BAR_LENGTHS = [3, 4, 5, 7, 9, 11] as const;

export type DbnFixedBarLength = (typeof DBN_FIXED_BAR_LENGTHS)[number];
export type DbnVariantName = `dbn_bpb${DbnFixedBarLength}`;

/** Registry name of the fixed-length variant with `beatsPerBar` beats per bar. */
export function dbnVariantName(beatsPerBar: DbnFixedBarLength): DbnVariantName {
  return `dbn_bpb${beatsPerBar}`;
}

/** Decoder parameters (madmom's defaults); `beatsPerBar` is decided per variant. */
export type DbnTrackerOptions = Omit<DbnDownbeatOptions, "beatsPerBar">;

/** The free-bar-length tracker's answer. */
export interface DbnFreeResult {
  beats: Beat[];
  /** Chosen bar length (0 when nothing was decoded). */
  beatsPerBar: number;
  /**
   * Viterbi log probability per decoded frame for every bar length tried (higher is better);
   * the chosen one is the maximum (first in {@link DBN_FREE_BAR_LENGTHS} order on ties).
   */
  scores: Record<number, number>;
}

/** Every DBN variant on one activation. */
export interface DbnAllResult {
  /** The fixed-length variants by registry name. */
  variants: Record<DbnVariantName, Beat[]>;
  dbn: DbnFreeResult;
}

/**
 * Decode one bar length; beats carry the activation (beat + downbeat) at their frame as strength.
 */
export function trackDbnFixed(
  activations: Activations,
  beatsPerBar: number,
  options: DbnTrackerOptions = {},
): { beats: Beat[]; logProbPerFrame: number } {
  const { beat, downbeat, fps } = activations;
  const result = decodeBeatsDownbeats(beat, downbeat, fps, { ...DBN_DOWNBEAT_DEFAULTS, ...options, beatsPerBar: [beatsPerBar] });
  const beats = result.beats.map((b) => {
    const frame = Math.min(beat.length - 1, Math.max(0, Math.round(b.timeSec * fps)));
    return {
      timeSec: b.timeSec,
      isDownbeat: b.position === 1,
      strength: Math.min(1, beat[frame]! + downbeat[frame]!),
    };
  });
  const logProbPerFrame = result.logProbPerFrame[beatsPerBar] ?? Number.NEGATIVE_INFINITY;
  return { beats, logProbPerFrame };
}

/**
 * Run all DBN variants on one activation, decoding each bar length once: the fixed-length
 * variants and the free choice share the decodes of 3, 4, 5 and 7 (madmom's free choice runs
 * the same independent HMMs and keeps the most probable one).
 */
export function runDbnVariants(activations: Activations, options: DbnTrackerOptions = {}): DbnAllResult {
  const decoded = new Map<number, { beats: Beat[]; logProbPerFrame: number }>();
  for (const length of DBN_FREE_BAR_LENGTHS) decoded.set(length, trackDbnFixed(activations, length, options));

  const variants = {} as Record<DbnVariantName, Beat[]>;
  for (const length of DBN_FIXED_BAR_LENGTHS) variants[dbnVariantName(length)] = decoded.get(length)!.beats;

  const scores: Record<number, number> = {};
  let best = 0;
  for (const length of DBN_FREE_BAR_LENGTHS) {
    const { beats, logProbPerFrame } = decoded.get(length)!;
    if (beats.length === 0) continue;
    scores[length] = logProbPerFrame;
    if (best === 0 || logProbPerFrame > scores[best]!) best = length;
  }
  return {
    variants,
    dbn: { beats: best === 0 ? [] : decoded.get(best)!.beats, beatsPerBar: best, scores },
  };
}

/** The free-bar-length DBN alone (the same six decodes as {@link runDbnVariants}). */
export function trackDbnFree(activations: Activations, options: DbnTrackerOptions = {}): DbnFreeResult {
  return runDbnVariants(activations, options).dbn;
}
