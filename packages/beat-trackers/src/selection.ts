/**
 * Choosing the primary tracker (reference signals.md §5): drop DBN variants that collapsed to a
 * degenerate answer (§5.2, generalised), then score every remaining tracker by onset-alignment F1
 * (§5.1) and keep the best in a fixed candidate order (§5.3), `dp` being the fallback.
 */

import { DBN_DOWNBEAT_DEFAULTS } from "./dbn/decode.js";
import { onsetAlignmentF1 } from "./metrics.js";
import { TRACKER_NAMES, type TrackerName } from "./registry.js";
import type { Beat } from "./types.js";

/** Beat lists by tracker name; missing or empty lists take no part. */
export type TrackerBeats = Partial<Record<TrackerName, readonly Beat[]>>;

/** The fallback primary tracker (the reference's librosa tracker). */
export const FALLBACK_PRIMARY: TrackerName = "dp";

const isFixedDbn = (name: string) => name.startsWith("dbn_bpb");

/**
 * Candidate order of §5.3 mapped onto our trackers: multifeature (the reference's neural trackers'
 * slot), the free-bar-length `dbn`, the fixed-length DBN variants in registry order, `dp` last.
 */
export const PRIMARY_CANDIDATE_ORDER: readonly TrackerName[] = [
  ...TRACKER_NAMES.filter((n) => n === "multifeature"),
  ...TRACKER_NAMES.filter((n) => n === "dbn"),
  ...TRACKER_NAMES.filter(isFixedDbn),
  ...TRACKER_NAMES.filter((n) => n === FALLBACK_PRIMARY),
];

/** Parameters of the degenerate-DBN rule. */
export interface DegenerateOptions {
  /** Largest spread (max − min) of beat counts among the variants. Default 2. */
  countTolerance?: number;
  /** Largest distance (s) of each variant's median IBI from the common value. Default 0.03. */
  ibiToleranceSec?: number;
  /**
   * The beat periods (s) the decoder falls back to without evidence. Default: both ends of the
   * DBN tempo grid, 60/55 s and 60/215 s. The DBN has a uniform tempo prior, so on an
   * uninformative activation the Viterbi path uses as few beat regions as it can (activation
   * below 1/16: slowest tempo) or as many (above 1/16: fastest); our tests decode flat
   * activations to check this. (madmom's 0.5 s is a property of its RNN, not of the DBN.)
   */
  priorIbiSec?: readonly number[];
}

export const DEGENERATE_DEFAULTS = {
  countTolerance: 2,
  ibiToleranceSec: 0.03,
  priorIbiSec: [60 / DBN_DOWNBEAT_DEFAULTS.minBpm, 60 / DBN_DOWNBEAT_DEFAULTS.maxBpm],
} as const;

/** Median of the inter-beat intervals (numpy median); NaN with fewer than 2 beats. */
export function medianIbi(beats: readonly Beat[]): number {
  if (beats.length < 2) return Number.NaN;
  const ibis: number[] = [];
  for (let i = 1; i < beats.length; i++) ibis.push(beats[i]!.timeSec - beats[i - 1]!.timeSec);
  return median(ibis);
}

function median(values: number[]): number {
  const s = [...values].sort((a, b) => a - b);
  const m = s.length >> 1;
  return s.length % 2 === 1 ? s[m]! : 0.5 * (s[m - 1]! + s[m]!);
}

function identicalLists(lists: readonly (readonly Beat[])[]): boolean {
  const [first, ...rest] = lists;
  return rest.every(
    (l) =>
      l.length === first!.length &&
      l.every((b, i) => b.timeSec === first![i]!.timeSec && b.isDownbeat === first![i]!.isDownbeat),
  );
}

/**
 * True when the fixed-bar-length DBN variants collapsed to one degenerate answer. Precisely:
 * at least 2 variants are present; each has ≥ 3 beats; their beat counts differ by at most
 * `countTolerance`; their median IBIs all lie within `ibiToleranceSec` of the median of those
 * medians, m; and either m lies within `ibiToleranceSec` of one of the decoder's prior periods
 * (`priorIbiSec`), or the lists are identical, downbeat flags included (the bar length changed
 * nothing, which a working downbeat activation never allows). A variant with < 3 beats prevents
 * the discard, as in the reference.
 */
export function isDegenerateDbn(variants: readonly (readonly Beat[])[], options: DegenerateOptions = {}): boolean {
  const countTolerance = options.countTolerance ?? DEGENERATE_DEFAULTS.countTolerance;
  const tolerance = options.ibiToleranceSec ?? DEGENERATE_DEFAULTS.ibiToleranceSec;
  const priors = options.priorIbiSec ?? DEGENERATE_DEFAULTS.priorIbiSec;
  if (variants.length < 2 || variants.some((v) => v.length < 3)) return false;
  const counts = variants.map((v) => v.length);
  if (Math.max(...counts) - Math.min(...counts) > countTolerance) return false;
  const ibis = variants.map(medianIbi);
  const common = median(ibis);
  if (ibis.some((ibi) => Math.abs(ibi - common) > tolerance)) return false;
  return priors.some((p) => Math.abs(common - p) <= tolerance) || identicalLists(variants);
}

/**
 * The non-empty tracker results minus degenerate DBN output: when the fixed-length variants are
 * degenerate ({@link isDegenerateDbn}) they are all dropped, and so is `dbn` (it chose among the
 * same decodes) when it matches them (count within tolerance, median IBI within tolerance of theirs).
 */
export function discardDegenerateDbn(
  results: TrackerBeats,
  options: DegenerateOptions = {},
): { kept: TrackerBeats; discarded: TrackerName[] } {
  const kept: TrackerBeats = {};
  for (const name of TRACKER_NAMES) {
    const beats = results[name];
    if (beats !== undefined && beats.length > 0) kept[name] = beats;
  }
  const fixed = TRACKER_NAMES.filter((n) => isFixedDbn(n) && kept[n] !== undefined);
  const lists = fixed.map((n) => kept[n]!);
  if (!isDegenerateDbn(lists, options)) return { kept, discarded: [] };
  const discarded = [...fixed];
  const free = kept.dbn;
  if (free !== undefined) {
    const countTolerance = options.countTolerance ?? DEGENERATE_DEFAULTS.countTolerance;
    const tolerance = options.ibiToleranceSec ?? DEGENERATE_DEFAULTS.ibiToleranceSec;
    const counts = lists.map((l) => l.length);
    const common = median(lists.map(medianIbi));
    if (
      free.length >= Math.min(...counts) - countTolerance &&
      free.length <= Math.max(...counts) + countTolerance &&
      Math.abs(medianIbi(free) - common) <= tolerance
    ) {
      discarded.push("dbn");
    }
  }
  for (const name of discarded) delete kept[name];
  return { kept, discarded };
}

/** The primary-tracker decision. */
export interface PrimarySelection {
  /** The chosen tracker (`dp` when nothing beat it, even with no beats at all). */
  name: TrackerName;
  beats: readonly Beat[];
  /** Its onset-alignment F1 (0 when it is the fallback by default). */
  f1: number;
  /** Onset-alignment F1 of every tracker that took part. */
  scores: Partial<Record<TrackerName, number>>;
  /** Best F1 over the fixed-length DBN variants (the reference's "madmom" alignment); 0 if none. */
  bestFixedDbnF1: number;
  /** DBN trackers dropped as degenerate. */
  discarded: TrackerName[];
}

/**
 * Pick the primary tracker (§5.1–5.3): degenerate DBN output is dropped, the remaining
 * non-empty lists are scored by onset-alignment F1 against `onsetTimesSec` in
 * {@link PRIMARY_CANDIDATE_ORDER}; starting from `dp` with score 0, a candidate replaces the
 * current choice only with a strictly greater F1 (ties keep the earlier one).
 */
export function selectPrimaryTracker(
  results: TrackerBeats,
  onsetTimesSec: ArrayLike<number>,
  options: DegenerateOptions = {},
): PrimarySelection {
  const { kept, discarded } = discardDegenerateDbn(results, options);
  const scores: Partial<Record<TrackerName, number>> = {};
  let name: TrackerName = FALLBACK_PRIMARY;
  let best = 0;
  for (const candidate of PRIMARY_CANDIDATE_ORDER) {
    const beats = kept[candidate];
    if (beats === undefined) continue;
    const f1 = onsetAlignmentF1(
      beats.map((b) => b.timeSec),
      onsetTimesSec,
    );
    scores[candidate] = f1;
    if (f1 > best) {
      best = f1;
      name = candidate;
    }
  }
  const fixedScores = TRACKER_NAMES.filter(isFixedDbn).map((n) => scores[n] ?? 0);
  return {
    name,
    beats: kept[name] ?? results[name] ?? [],
    f1: best,
    scores,
    bestFixedDbnF1: Math.max(0, ...fixedScores),
    discarded,
  };
}
