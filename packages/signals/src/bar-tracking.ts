import type { MeterScores } from "./meters.js";
import type { BeatLike, FrameSeries } from "./types.js";
import { keepMeterKeys } from "./util.js";

export const BAR_TRACKING_SOURCE = import.meta.url;

/** Parameters of {@link barTrackingScores}. */
export interface BarTrackingOptions {
  /** Bar lengths in beats, each scored under its key in `keyOf`. */
  beatsPerBar: readonly number[];
  /** Half-width of the window around each beat whose maximum activation is the beat's value [s]. */
  windowSec: number;
  /**
   * Observation weight w: a beat off the downbeat position costs ln((1 − a)/(w − 1)), on it ln a
   * (madmom's RNNBeatTrackingObservationModel; madmom uses 100 with its GRU probabilities).
   */
  observationWeight: number;
  /** Fewer beats than this → {}. */
  minBeats: number;
  /** Softmax probabilities at or below this are dropped. */
  minProbability: number;
  /** Quality gate: a `nonSilentFraction` below this → {}. */
  minNonSilentFraction: number;
}

export const BAR_TRACKING_DEFAULTS: BarTrackingOptions = {
  // 9 and 11 beyond the reference's [3, 4, 5, 7]: the classes need them, and a wrong long bar
  // loses to the right one because it leaves downbeats on off-positions.
  beatsPerBar: [3, 4, 5, 7, 9, 11],
  windowSec: 0.05,
  // threshold at a quarter of the clip's strongest beat; chosen on seeded synthetic clips (README)
  observationWeight: 4,
  minBeats: 6,
  minProbability: 0.05,
  minNonSilentFraction: 0.15,
};

/** Key of each bar length: quarter-note keys up to 7, eighth-note keys for the additive 9 and 11. */
export function barTrackingKey(beatsPerBar: number): string {
  return beatsPerBar >= 9 ? `${beatsPerBar}/8` : `${beatsPerBar}/4`;
}

/** Smallest probability used inside logs (activations may reach 0 or 1). */
const EPS = 1e-6;

/**
 * One downbeat activation value per beat: the maximum of the frame-wise activation within
 * ±windowSec of the beat (the beat-synchronous input madmom's RNNBarProcessor produces with its
 * GRU; ours is the beat-trackers' activation model sampled on the beat grid).
 */
export function sampleOnBeats(activation: FrameSeries, beatTimesSec: readonly number[], windowSec: number): Float64Array {
  const out = new Float64Array(beatTimesSec.length);
  const n = activation.values.length;
  beatTimesSec.forEach((t, i) => {
    const lo = Math.max(0, Math.ceil((t - windowSec) * activation.fps));
    const hi = Math.min(n - 1, Math.floor((t + windowSec) * activation.fps));
    let best = 0;
    for (let f = lo; f <= hi; f++) if (activation.values[f]! > best) best = activation.values[f]!;
    out[i] = best;
  });
  return out;
}

/**
 * Viterbi log probability per beat of a one-state-per-beat bar HMM with `beatsPerBar` positions
 * (madmom DBNBarTrackingProcessor, closed form of reference §7.3): the best phase p of
 * ln(1/bpb) + Σ_i [(i + p) mod bpb = 0 ? ln a_i : ln((1 − a_i)/(w − 1))], divided by the length.
 */
export function barLogProbability(perBeat: ArrayLike<number>, beatsPerBar: number, observationWeight: number): number {
  const n = perBeat.length;
  const offWeight = Math.log(observationWeight - 1);
  let best = Number.NEGATIVE_INFINITY;
  for (let phase = 0; phase < beatsPerBar; phase++) {
    let sum = Math.log(1 / beatsPerBar);
    for (let i = 0; i < n; i++) {
      const a = Math.min(1 - EPS, Math.max(EPS, perBeat[i]!));
      sum += (i + phase) % beatsPerBar === 0 ? Math.log(a) : Math.log(1 - a) - offWeight;
    }
    if (sum > best) best = sum;
  }
  return best / n;
}

/**
 * Bar tracking (reference §7.3 with our own downbeat activation in place of madmom's GRU):
 *
 * quality gate → activation sampled per beat → per-bar-length HMM log probability per beat →
 * softmax → keep probabilities > 0.05 → divide by the largest.
 *
 * Deviations: the activation comes from the beat-trackers' activation model (any model behind
 * `ActivationModel`), per-beat values are divided by the clip's largest and the
 * observation weight is 4 rather than madmom's 100, because DSP activations are not calibrated to
 * be ~0 off the downbeat (with 100 nearly every beat would rather be a downbeat and the shortest
 * bar would win; a beat now counts as downbeat evidence above 1/4 of the strongest), and bar
 * lengths 9 and 11 are scored too.
 */
export function barTrackingScores(
  beats: readonly BeatLike[],
  downbeatActivation: FrameSeries,
  nonSilent: number | undefined,
  options: Partial<BarTrackingOptions> = {},
): MeterScores {
  const opts = { ...BAR_TRACKING_DEFAULTS, ...options };
  if (beats.length < opts.minBeats || !(downbeatActivation.fps > 0)) return {};
  if (nonSilent !== undefined && nonSilent < opts.minNonSilentFraction) return {};
  const perBeat = sampleOnBeats(
    downbeatActivation,
    beats.map((b) => b.timeSec),
    opts.windowSec,
  );
  let peak = 0;
  for (const a of perBeat) peak = Math.max(peak, a);
  if (peak <= 0) return {}; // no downbeat evidence anywhere: no opinion
  // Relative to the clip's strongest beat, so w sets the on/off threshold at 1/w of it.
  for (let i = 0; i < perBeat.length; i++) perBeat[i] /= peak;

  const logProbs = opts.beatsPerBar.map((bpb) => barLogProbability(perBeat, bpb, opts.observationWeight));
  const top = Math.max(...logProbs);
  const weights = logProbs.map((lp) => Math.exp(lp - top));
  const total = weights.reduce((s, w) => s + w, 0);
  const raw = new Map<string, number>();
  let maxProb = 0;
  opts.beatsPerBar.forEach((bpb, k) => {
    const p = weights[k]! / total;
    if (p > opts.minProbability) {
      raw.set(barTrackingKey(bpb), p);
      maxProb = Math.max(maxProb, p);
    }
  });
  for (const [key, p] of raw) raw.set(key, p / maxProb);
  return keepMeterKeys(raw);
}
