import type { MeterScores } from "./meters.js";
import type { BeatLike } from "./types.js";
import { keepMeterKeys } from "./util.js";

export const SPACING_SOURCE = import.meta.url;

/** Spacings seen in fewer than this fraction of bars are ignored (reference §7.1). */
export const SPACING_MIN_RATIO = 0.15;
/** Weight of the octave bonus a spacing of n beats gives to 2n beats. */
export const SPACING_OCTAVE_BONUS = 0.4;

/**
 * Downbeat spacing (reference signals.md §7.1): how many beats lie between consecutive
 * downbeats, as a share of all bars, scored on the quarter-note keys n/4.
 *
 * downbeat indices → spacings → share per spacing (≥ 0.15) → score(n/4) = share(n) + 0.4·share(n/2).
 *
 * Deliberate deviation: the reference assigns score(n/4) = share(n) while walking spacings in
 * order of first occurrence, so the octave bonus from n/2 survives only when n/2 happens to occur
 * after n. We always add it, which makes the answer independent of where in the piece each spacing
 * first appears (the reference's value when n occurs first; values can exceed 1, not normalised).
 * Fewer than two downbeats → {}.
 */
export function downbeatSpacingScores(beats: readonly BeatLike[]): MeterScores {
  const downbeatIndices: number[] = [];
  beats.forEach((beat, i) => {
    if (beat.isDownbeat) downbeatIndices.push(i);
  });
  if (downbeatIndices.length < 2) return {};

  const counts = new Map<number, number>();
  for (let k = 1; k < downbeatIndices.length; k++) {
    const spacing = downbeatIndices[k]! - downbeatIndices[k - 1]!;
    counts.set(spacing, (counts.get(spacing) ?? 0) + 1);
  }
  const total = downbeatIndices.length - 1;

  const raw = new Map<string, number>();
  const add = (beatsPerBar: number, value: number) => {
    const key = `${beatsPerBar}/4`;
    raw.set(key, (raw.get(key) ?? 0) + value);
  };
  for (const [spacing, count] of counts) {
    const ratio = count / total;
    if (ratio < SPACING_MIN_RATIO || spacing < 2 || spacing > 12) continue;
    add(spacing, ratio);
    if (2 * spacing <= 12) add(2 * spacing, SPACING_OCTAVE_BONUS * ratio);
  }
  return keepMeterKeys(raw);
}
