import { isMeterKey, type MeterScores } from "./meters.js";

export const UTIL_SOURCE = import.meta.url;

/**
 * Divide every score by the largest (when it is > 0), then keep only the twelve meter keys.
 * Normalising before filtering keeps the reference's values when a signal also scores keys such
 * as 6/4 that the feature vector drops.
 */
export function normaliseAndKeep(raw: ReadonlyMap<string, number>): MeterScores {
  let max = 0;
  for (const v of raw.values()) if (v > max) max = v;
  const out: MeterScores = {};
  for (const [key, v] of raw) {
    if (isMeterKey(key)) out[key] = max > 0 ? v / max : v;
  }
  return out;
}

/** Keep only the twelve meter keys, unchanged. */
export function keepMeterKeys(raw: ReadonlyMap<string, number>): MeterScores {
  const out: MeterScores = {};
  for (const [key, v] of raw) if (isMeterKey(key)) out[key] = v;
  return out;
}
