import { METER_KEYS, type MeterKey, type MeterScores } from "./meters.js";
import type { FrameSeries } from "./types.js";
import { normaliseAndKeep } from "./util.js";

export const AUTOCORR_SOURCE = import.meta.url;

/** Parameters of {@link onsetAutocorrelationScores}. */
export const AUTOCORR_DEFAULTS = {
  /** Half-width of the window whose envelope maximum is a half-beat's accent [s] (capped at a quarter half-beat). */
  accentWindowSec: 0.04,
  /** Longest lag of the accent autocorrelation, in half-beats (12 beats: two bars of 6/4, 12/8). */
  maxLagHalfBeats: 24,
  /** A lag needs at least this many accent pairs to count. */
  minPairs: 4,
  /**
   * Added to 4/4: without bar-level structure beyond the half bar (kick on 1 and 3, snare on 2
   * and 4 — the accents of a 2-beat and a 4-beat bar are then the same) 4/4 is the reading, and
   * any other bar length needs at least this much comb contrast to beat it.
   */
  fourFourPrior: 0.1,
  /**
   * Subtracted from a bar length that is a whole multiple of another candidate's (12/8 = two
   * bars of 3/4, 7/4 = two of 7/8 …): a longer bar whose contrast only ties its divisor's adds
   * nothing. The 2-beat bar of 2/4 does not count as a divisor (see `fourFourPrior`).
   */
  multiplePenalty: 0.05,
  /** Clips whose last envelope frame is earlier than this give {}. */
  minDurationSec: 3,
} as const;

/**
 * Bar length of each key in half-beats of the beat interval: n/4 = 2n, n/8 = n (reference §7.2's
 * lags; 3/4 and 6/8, 5/4 and 10/8 share one).
 */
export const AUTOCORR_BAR_HALF_BEATS: Readonly<Record<MeterKey, number>> = Object.freeze(
  Object.fromEntries(
    METER_KEYS.map((key) => {
      const [num, den] = key.split("/").map(Number) as [number, number];
      return [key, den === 4 ? 2 * num : num];
    }),
  ) as Record<MeterKey, number>,
);

/** Bar lengths (half-beats) that make another candidate a multiple: every key's but 2/4's. */
const DIVISORS = [...new Set(Object.entries(AUTOCORR_BAR_HALF_BEATS).filter(([k]) => k !== "2/4").map(([, h]) => h))];

/**
 * One accent per half-beat: the envelope's maximum within ±window of each half-beat position,
 * the grid's phase being the one (folding the envelope at the beat period) that collects the most
 * onset strength on the beats.
 */
export function halfBeatAccents(values: ArrayLike<number>, fps: number, beatIntervalSec: number, windowSec: number): Float64Array {
  const beatFrames = beatIntervalSec * fps;
  const n = values.length;
  let phase = 0;
  let best = Number.NEGATIVE_INFINITY;
  for (let p = 0; p < Math.max(1, Math.round(beatFrames)); p++) {
    let sum = 0;
    for (let t = p; Math.round(t) < n; t += beatFrames) sum += values[Math.round(t)]!;
    if (sum > best) {
      best = sum;
      phase = p;
    }
  }
  const step = beatFrames / 2;
  const w = Math.max(1, Math.min(Math.round(windowSec * fps), Math.floor(step / 4)));
  const accents: number[] = [];
  for (let t = phase; Math.round(t) < n; t += step) {
    const c = Math.round(t);
    let m = 0;
    for (let i = Math.max(0, c - w); i <= Math.min(n - 1, c + w); i++) m = Math.max(m, values[i]!);
    accents.push(m);
  }
  return Float64Array.from(accents);
}

/**
 * Unbiased autocorrelation of the mean-removed sequence at lags 1..maxLag, divided by the
 * variance (each lag's sum is divided by its own number of pairs, N − ℓ, so long lags are not
 * shrunk towards 0); NaN where fewer than `minPairs` pairs exist. Null for a constant sequence.
 */
export function unbiasedAutocorrelation(x: ArrayLike<number>, maxLag: number, minPairs: number): Float64Array | null {
  const n = x.length;
  let mean = 0;
  for (let i = 0; i < n; i++) mean += x[i]!;
  mean /= n;
  let variance = 0;
  for (let i = 0; i < n; i++) variance += (x[i]! - mean) ** 2;
  variance /= n;
  if (!(variance > 1e-12)) return null;
  const r = new Float64Array(maxLag + 1).fill(Number.NaN);
  r[0] = 1;
  for (let lag = 1; lag <= maxLag && n - lag >= minPairs; lag++) {
    let s = 0;
    for (let i = 0; i + lag < n; i++) s += (x[i]! - mean) * (x[i + lag]! - mean);
    r[lag] = s / (n - lag) / variance;
  }
  return r;
}

/**
 * Onset autocorrelation (reference §7.2, reworked; README "Deviations"): how much more the onset
 * envelope repeats after whole bars of each candidate length than after other beat lags.
 *
 * envelope → one accent per half-beat (beat interval = the unit) → unbiased autocorrelation ρ of
 * the accents at 1..24 half-beats → comb contrast per key: mean ρ at the multiples of its bar
 * length minus mean ρ at the other lags of its lattice (whole beats for bars of whole beats, every
 * half-beat otherwise) → −0.05 for bars that are multiples of another candidate, +0.1 for 4/4 →
 * keep > 0 → divide by the largest.
 *
 * Why not the reference's: its biased autocorrelation of the 50 Hz grid decays with the lag (the
 * sum over N − ℓ frames is divided by the lag-0 energy) and is dominated by the beat pulse, so
 * the shortest bar (2/4) won on most clips whatever the meter; a single lag also cannot tell a
 * bar from its multiples or divisors. 3/4 and 6/8 (and 5/4, 10/8) share a bar length and score
 * the same.
 */
export function onsetAutocorrelationScores(envelope: FrameSeries, beatIntervalSec: number): MeterScores {
  const opts = AUTOCORR_DEFAULTS;
  const values = envelope.values;
  if (values.length < 10 || !(beatIntervalSec > 0) || !(envelope.fps > 0)) return {};
  const lastTimeSec = (values.length - 1) / envelope.fps;
  if (lastTimeSec < opts.minDurationSec || beatIntervalSec * envelope.fps < 2) return {};

  const accents = halfBeatAccents(values, envelope.fps, beatIntervalSec, opts.accentWindowSec);
  const r = unbiasedAutocorrelation(accents, opts.maxLagHalfBeats, opts.minPairs);
  if (r === null) return {}; // constant envelope (silence): nothing repeats

  const raw = new Map<string, number>();
  for (const key of METER_KEYS) {
    const bar = AUTOCORR_BAR_HALF_BEATS[key];
    let on = 0;
    let onCount = 0;
    let off = 0;
    let offCount = 0;
    for (let lag = 1; lag <= opts.maxLagHalfBeats; lag++) {
      const v = r[lag]!;
      if (Number.isNaN(v)) continue;
      if (lag % bar === 0) {
        on += v;
        onCount++;
      } else if (bar % 2 === 1 || lag % 2 === 0) {
        off += v;
        offCount++;
      }
    }
    if (onCount === 0) continue;
    let score = on / onCount - (offCount > 0 ? off / offCount : 0);
    if (DIVISORS.some((d) => d < bar && bar % d === 0)) score -= opts.multiplePenalty;
    if (key === "4/4") score += opts.fourFourPrior;
    if (score > 0) raw.set(key, score);
  }
  return normaliseAndKeep(raw);
}
