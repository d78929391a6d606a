import { onsetAlignmentF1 } from "@tactus/beat-trackers";
import { type BeatLike, METER_CLASSES } from "@tactus/signals";
import { BEAT_BLOCK, BEAT_SLOT_FEATURES, DBN_VARIANTS, TRACKER_SLOTS } from "./layout.js";
import type { BeatsBySlot } from "./ssm-block.js";

/** Fewer beats than this give an all-zero slot and no dominant meter. */
export const BEAT_MIN_BEATS = 3;
/** Downbeat spacings counted by the per-slot histogram (features [5..10]). */
const HISTOGRAM_SPACINGS = [2, 3, 4, 5, 6, 7] as const;

/** Per-bar-length HMM evidence of the `dbn` tracker: log probability per frame by bar length (beats). */
export type BarLengthScores = Readonly<Record<number, number>>;

/** Bar length (beats) of a fixed DBN variant name (`dbn_bpb3` → 3). */
const variantBarLength = (name: (typeof DBN_VARIANTS)[number]): number => Number(name.slice("dbn_bpb".length));

/**
 * The `dbn_best` slot (reference: madmom's columns). Among the fixed-bar-length DBN variants
 * (`dbn_bpb3/4/5/7`) with ≥ 3 beats, the one whose bar length the bar-pointer HMM scores highest:
 * `barLengthScores` is the `dbn` tracker's per-bar-length Viterbi log probability per frame
 * (TrackerResult.barLengthScores, covering 3, 4, 5, 7, 9, 11); strict >, so the first of 3/4/5/7
 * wins ties, and a length without a finite score is skipped.
 *
 * Deviation from reference §7.4, which takes the variant best aligned with the onset events: beat
 * alignment hardly depends on where the downbeats fall, so that rule mostly picked `dbn_bpb3` and
 * the slot carried about chance information on the meter (measured in the package README). The
 * §7.4 rule remains the fallback when no eligible variant has a score (`barLengthScores`
 * undefined or empty): highest onset-alignment F1 (strict >), or without onset events the first
 * variant with ≥ 3 beats. Used by both the SSM and the beat block and by the `spacing:dbn_best`
 * signal (the reference's SSM took the variant with most beats instead).
 */
export function selectBestDbn(
  variants: Readonly<Record<string, readonly BeatLike[] | undefined>>,
  onsetEventTimes: readonly number[],
  barLengthScores: BarLengthScores | undefined,
): { name: string; beats: readonly BeatLike[] } | undefined {
  const eligible = DBN_VARIANTS.flatMap((name) => {
    const beats = variants[name];
    return beats && beats.length >= BEAT_MIN_BEATS ? [{ name, beats }] : [];
  });
  let best: { name: string; beats: readonly BeatLike[] } | undefined;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (const candidate of eligible) {
    const score = barLengthScores?.[variantBarLength(candidate.name)];
    if (score === undefined || !Number.isFinite(score)) continue;
    if (best === undefined || score > bestScore) {
      bestScore = score;
      best = candidate;
    }
  }
  if (best) return { name: best.name, beats: best.beats };
  // fallback: reference §7.4 onset alignment
  bestScore = -1;
  for (const { name, beats } of eligible) {
    if (onsetEventTimes.length === 0) return { name, beats };
    const score = onsetAlignmentF1(
      beats.map((b) => b.timeSec),
      onsetEventTimes,
    );
    if (score > bestScore) {
      bestScore = score;
      best = { name, beats };
    }
  }
  return best;
}

/** Index differences between consecutive downbeats. */
function downbeatSpacings(beats: readonly BeatLike[]): number[] {
  const spacings: number[] = [];
  let last = -1;
  beats.forEach((b, i) => {
    if (!b.isDownbeat) return;
    if (last >= 0) spacings.push(i - last);
    last = i;
  });
  return spacings;
}

function median(sorted: readonly number[]): number {
  const m = sorted.length >> 1;
  return sorted.length % 2 === 1 ? sorted[m]! : (sorted[m - 1]! + sorted[m]!) / 2;
}

/**
 * The 12 beat features of one slot (reference features.md §7.3): [0] median IBI/3, [1] IBI std,
 * [2] min(CV, 2)/2 (IBIs in (0.1, 3) s, ≥ 2 of them), [3] beats/duration/10, [4] onset-alignment F1,
 * [5..10] share of downbeat spacings equal to 2…7, [11] min(60/median IBI, 300)/300.
 */
export function beatSlotFeatures(beats: readonly BeatLike[], onsetEventTimes: readonly number[], durationSec: number): Float64Array {
  const out = new Float64Array(BEAT_SLOT_FEATURES.length);
  if (beats.length < BEAT_MIN_BEATS) return out;
  const valid: number[] = [];
  for (let i = 1; i < beats.length; i++) {
    const ibi = beats[i]!.timeSec - beats[i - 1]!.timeSec;
    if (ibi > 0.1 && ibi < 3.0) valid.push(ibi);
  }
  if (valid.length >= 2) {
    const sorted = [...valid].sort((a, b) => a - b);
    const med = median(sorted);
    const mean = valid.reduce((s, v) => s + v, 0) / valid.length;
    const sd = Math.sqrt(valid.reduce((s, v) => s + (v - mean) ** 2, 0) / valid.length);
    out[0] = med / 3;
    out[1] = sd;
    out[2] = Math.min(sd / Math.max(med, 1e-8), 2) / 2;
    out[11] = Math.min(60 / med, 300) / 300;
  }
  if (durationSec > 0) out[3] = beats.length / durationSec / 10;
  if (onsetEventTimes.length > 0) {
    out[4] = onsetAlignmentF1(
      beats.map((b) => b.timeSec),
      onsetEventTimes,
    );
  }
  const counted = downbeatSpacings(beats).filter((s) => s >= 2 && s <= 7);
  for (const s of counted) out[5 + HISTOGRAM_SPACINGS.indexOf(s as (typeof HISTOGRAM_SPACINGS)[number])]! += 1 / counted.length;
  return out;
}

/**
 * A slot's dominant meter: the most common downbeat spacing (first seen wins ties) when it is one
 * of METER_CLASSES; undefined with fewer than 3 beats or 2 downbeats.
 */
export function dominantMeter(beats: readonly BeatLike[]): number | undefined {
  if (beats.length < BEAT_MIN_BEATS) return undefined;
  const spacings = downbeatSpacings(beats);
  if (spacings.length === 0) return undefined;
  const counts = new Map<number, number>();
  for (const s of spacings) counts.set(s, (counts.get(s) ?? 0) + 1);
  let mode = spacings[0]!;
  for (const [s, c] of counts) if (c > counts.get(mode)!) mode = s;
  return (METER_CLASSES as readonly number[]).includes(mode) ? mode : undefined;
}

/**
 * The 42-value beat block: {@link beatSlotFeatures} per tracker slot in layout order, then the
 * agreement over METER_CLASSES (share of slots whose dominant meter is each class, 0 unless ≥ 2
 * slots have one). `multifeature` marks no downbeats, so its histogram is 0 and it never votes.
 * `durationSec` is the analysed clip's length (prepareClip's durationSec; never a 30 s default).
 */
export function beatBlock(beatsBySlot: BeatsBySlot, onsetEventTimes: readonly number[], durationSec: number): Float32Array {
  if (!(durationSec >= 0)) throw new RangeError(`durationSec must be ≥ 0, got ${durationSec}`);
  const out = new Float32Array(BEAT_BLOCK.length);
  const dominant: number[] = [];
  TRACKER_SLOTS.forEach((slot, k) => {
    const beats = beatsBySlot[slot.slot] ?? [];
    out.set(beatSlotFeatures(beats, onsetEventTimes, durationSec), k * BEAT_SLOT_FEATURES.length);
    const meter = dominantMeter(beats);
    if (meter !== undefined) dominant.push(meter);
  });
  if (dominant.length >= 2) {
    const base = TRACKER_SLOTS.length * BEAT_SLOT_FEATURES.length;
    METER_CLASSES.forEach((m, i) => {
      out[base + i] = dominant.filter((d) => d === m).length / dominant.length;
    });
  }
  return out;
}
