import { normalizedAutocorrelation } from "@tactus/dsp";
import type { MeterScores } from "./meters.js";
import type { FrameSeries } from "./types.js";
import { normaliseAndKeep, windowMax } from "./util.js";

export const AUTOCORR_SOURCE = import.meta.url;

/** Parameters of {@link onsetAutocorrelationScores} (reference §7.2). */
export const AUTOCORR_DEFAULTS = {
  /** Rate of the grid the envelope is resampled to [Hz]. */
  gridHz: 50,
  /** Bar lengths scored as n/4 (n beats). */
  quarterBars: [2, 3, 4, 5, 6, 7, 9, 11, 12],
  /** Bar lengths also scored as n/8 (n half-beats). */
  eighthBars: [3, 5, 6, 7, 9, 11, 12],
  /** Peaks at or below this are no evidence. */
  minPeak: 0.02,
  /** Clips whose last envelope frame is earlier than this give {}. */
  minDurationSec: 3,
} as const;

/**
 * Onset autocorrelation (reference §7.2): how strongly the onset envelope repeats after one bar
 * of each candidate length, with the beat period as the unit.
 *
 * envelope / max → 50 Hz max-resampled grid → normalised autocorrelation → window-max at each
 * bar lag (±5 %) → keep peaks > 0.02 → divide by the largest.
 *
 * Keys outside the twelve (6/4, 9/4 …) take part in the normalisation and are then dropped.
 * Note 3/4 and 6/8 (and 6/4, 12/8) share a lag, so they always score the same.
 */
export function onsetAutocorrelationScores(envelope: FrameSeries, beatIntervalSec: number): MeterScores {
  const { gridHz, minPeak, minDurationSec } = AUTOCORR_DEFAULTS;
  const values = envelope.values;
  if (values.length < 10 || !(beatIntervalSec > 0) || !(envelope.fps > 0)) return {};
  const lastTimeSec = (values.length - 1) / envelope.fps;
  const n = Math.trunc(lastTimeSec * gridHz);
  if (lastTimeSec < minDurationSec || n < 50) return {};

  let max = 0;
  for (let i = 0; i < values.length; i++) if (values[i]! > max) max = values[i]!;
  const scale = max > 0 ? 1 / max : 1;
  const grid = new Float64Array(n);
  for (let i = 0; i < values.length; i++) {
    const g = Math.trunc((i / envelope.fps) * gridHz);
    if (g < n) grid[g] = Math.max(grid[g]!, values[i]! * scale);
  }
  const r = normalizedAutocorrelation(grid);
  if (r === null || r[0] === 0) return {}; // constant envelope (silence): no energy to correlate

  const raw = new Map<string, number>();
  const score = (key: string, lag: number) => {
    if (!(lag > 2 && lag < n - 2)) return;
    const peak = windowMax(r, lag, Math.max(1, Math.trunc(0.05 * lag)));
    if (peak > minPeak) raw.set(key, peak);
  };
  for (const bar of AUTOCORR_DEFAULTS.quarterBars) {
    score(`${bar}/4`, Math.trunc(beatIntervalSec * bar * gridHz));
  }
  for (const bar of AUTOCORR_DEFAULTS.eighthBars) {
    score(`${bar}/8`, Math.trunc((beatIntervalSec / 2) * bar * gridHz));
  }
  return normaliseAndKeep(raw);
}
