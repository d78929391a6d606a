/**
 * Bar-pointer state space of Krebs, Böck & Widmer (2015) as built by madmom's
 * `BeatStateSpace`, `BarStateSpace`, `BarTransitionModel` and
 * `RNNDownBeatTrackingObservationModel` — reduced to the few numbers an
 * efficient Viterbi needs (see `viterbi.ts`).
 *
 * State order is madmom's: beat b (0 = downbeat) major, then tempo (interval)
 * j, then position k = 0 … interval−1 inside the beat. Within a beat the
 * pointer advances deterministically; only from the last position of a beat
 * to the first position of the next beat may the tempo change.
 */

/** numpy's `np.round` (round half to even), needed to reproduce madmom's tempo grid. */
export function roundHalfEven(x: number): number {
  const floor = Math.floor(x);
  const frac = x - floor;
  if (frac > 0.5) return floor + 1;
  if (frac < 0.5) return floor;
  return floor % 2 === 0 ? floor : floor + 1;
}

/** numpy's `np.linspace(start, stop, num)` with endpoint=True, bit for bit. */
function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (num - 1);
  for (let k = 0; k < num; k++) out[k] = k * step + start;
  out[num - 1] = stop;
  return out;
}

/**
 * Beat intervals (frames per beat) modelled by madmom's `BeatStateSpace`.
 *
 * Linear spacing `round(minInterval) … round(maxInterval)`; when `numIntervals`
 * is smaller than that count, log spacing instead: madmom raises the number of
 * log-spaced points until `numIntervals` unique integers remain after rounding
 * (so e.g. 60 tempi at 100 fps really are 60 distinct intervals, 28 … 109).
 */
export function beatIntervals(
  minInterval: number,
  maxInterval: number,
  numIntervals?: number,
): Int32Array {
  const lo = roundHalfEven(minInterval);
  const hi = roundHalfEven(maxInterval);
  const linearCount = Math.max(0, hi - lo + 1);
  let intervals: number[] = [];
  for (let i = 0; i < linearCount; i++) intervals.push(lo + i);
  if (numIntervals !== undefined && numIntervals < linearCount) {
    const start = Math.log2(minInterval);
    const stop = Math.log2(maxInterval);
    intervals = [];
    for (let num = numIntervals; intervals.length < numIntervals; num++) {
      const unique = new Set<number>();
      for (const e of linspace(start, stop, num)) unique.add(roundHalfEven(2 ** e));
      intervals = [...unique].sort((a, b) => a - b);
    }
  }
  if (intervals.length === 0 || intervals[0]! < 1) {
    throw new RangeError(
      `beat intervals ${minInterval.toFixed(2)}–${maxInterval.toFixed(2)} frames: ` +
        "the tempo range needs at least one frame per beat",
    );
  }
  return Int32Array.from(intervals);
}

/**
 * madmom's `exponential_transition`: probability of moving from beat interval
 * `from[i]` to `to[j]`, ∝ exp(−λ·|to/from − 1|), values ≤ `threshold` set to 0,
 * each row normalised to sum 1. Row-major `from.length × to.length`.
 */
export function exponentialTransition(
  from: ArrayLike<number>,
  to: ArrayLike<number>,
  transitionLambda: number,
  threshold = Number.EPSILON,
): Float64Array {
  const prob = new Float64Array(from.length * to.length);
  for (let i = 0; i < from.length; i++) {
    const row = i * to.length;
    let sum = 0;
    for (let j = 0; j < to.length; j++) {
      let p = Math.exp(-transitionLambda * Math.abs(to[j]! / from[i]! - 1));
      if (p <= threshold) p = 0;
      prob[row + j] = p;
      sum += p;
    }
    for (let j = 0; j < to.length; j++) prob[row + j]! /= sum;
  }
  return prob;
}

/** Everything the bar-pointer Viterbi needs about one bar length. */
export interface BarModel {
  /** Beats per bar (number of stacked beat state spaces). */
  readonly beatsPerBar: number;
  /** Beat interval (frames) of each tempo, ascending. */
  readonly intervals: Int32Array;
  /** Total number of HMM states: beatsPerBar · Σ intervals. */
  readonly numStates: number;
  /**
   * `beatRegion[b·numTempi + j]`: how many leading positions of beat b at tempo
   * j lie in the (down)beat region, i.e. have `position mod 1 < 1/observationLambda`.
   */
  readonly beatRegion: Int32Array;
  /** `logTransitionTo[j·numTempi + i]`: log P(tempo i → tempo j) at a beat boundary (destination-major); −∞ if pruned. */
  readonly logTransitionTo: Float64Array;
  /** Per destination tempo j: the (contiguous) source tempi with non-zero probability. */
  readonly sourceLo: Int32Array;
  readonly sourceHi: Int32Array;
  /**
   * Upper bounds of the transition log probability that are additive in log-interval
   * distance, for an exact early exit of the max over source tempi: for a faster source
   * (i ≤ j) log P(i → j) ≤ belowIntercept − (belowScale[j] − belowScale[i]), for a slower one
   * (i ≥ j) log P(i → j) ≤ aboveIntercept − (aboveScale[i] − aboveScale[j]); each scale is a
   * slope times ln(interval).
   */
  readonly belowScale: Float64Array;
  readonly belowIntercept: number;
  readonly aboveScale: Float64Array;
  readonly aboveIntercept: number;
}

export interface BarModelOptions {
  /** Beat intervals from {@link beatIntervals}. */
  intervals: Int32Array;
  transitionLambda: number;
  observationLambda: number;
}

/** Build the bar-pointer model for one bar length (madmom's BarStateSpace + models). */
export function buildBarModel(beatsPerBar: number, options: BarModelOptions): BarModel {
  const { intervals, transitionLambda, observationLambda } = options;
  const numTempi = intervals.length;
  let beatStates = 0;
  for (const interval of intervals) beatStates += interval;

  // Observation model: madmom compares the float state positions (k/interval + b) mod 1
  // against 1/λ, so reproduce exactly that arithmetic, boundary cases included.
  const border = 1 / observationLambda;
  const beatRegion = new Int32Array(beatsPerBar * numTempi);
  for (let b = 0; b < beatsPerBar; b++) {
    for (let j = 0; j < numTempi; j++) {
      const interval = intervals[j]!;
      const step = 1 / interval;
      let k = 0;
      while (k < interval && (k * step + b) % 1 < border) k++;
      beatRegion[b * numTempi + j] = k;
    }
  }

  const prob = exponentialTransition(intervals, intervals, transitionLambda);
  const logTransitionTo = new Float64Array(numTempi * numTempi);
  for (let i = 0; i < numTempi; i++) {
    for (let j = 0; j < numTempi; j++) {
      logTransitionTo[j * numTempi + i] = Math.log(prob[i * numTempi + j]!);
    }
  }
  const sourceLo = new Int32Array(numTempi);
  const sourceHi = new Int32Array(numTempi);
  for (let j = 0; j < numTempi; j++) {
    // |to/from − 1| grows monotonically away from from = to, so the non-zero sources are contiguous.
    let lo = j;
    while (lo > 0 && prob[(lo - 1) * numTempi + j]! > 0) lo--;
    let hi = j;
    while (hi < numTempi - 1 && prob[(hi + 1) * numTempi + j]! > 0) hi++;
    sourceLo[j] = lo;
    sourceHi[j] = hi;
  }

  // λ·|r − 1| ≥ λ·c·|ln r| over the non-zero pairs of each side (r = to/from; c ≥ 1 when
  // r > 1, c < 1 when r < 1); the intercepts absorb the row normalisation and float rounding.
  const below = additiveBound(intervals, logTransitionTo, sourceLo, sourceHi, transitionLambda, "below");
  const above = additiveBound(intervals, logTransitionTo, sourceLo, sourceHi, transitionLambda, "above");

  return {
    beatsPerBar,
    intervals,
    numStates: beatsPerBar * beatStates,
    beatRegion,
    logTransitionTo,
    sourceLo,
    sourceHi,
    belowScale: below.scale,
    belowIntercept: below.intercept,
    aboveScale: above.scale,
    aboveIntercept: above.intercept,
  };
}

/** Slope·ln(interval) and intercept of the bound for the sources on one side of each destination. */
function additiveBound(
  intervals: Int32Array,
  logTransitionTo: Float64Array,
  sourceLo: Int32Array,
  sourceHi: Int32Array,
  transitionLambda: number,
  side: "below" | "above",
): { scale: Float64Array; intercept: number } {
  const numTempi = intervals.length;
  const range = (j: number): [number, number] =>
    side === "below" ? [sourceLo[j]!, j] : [j, sourceHi[j]!];
  let c = Number.POSITIVE_INFINITY;
  for (let j = 0; j < numTempi; j++) {
    const [from, to] = range(j);
    for (let i = from; i <= to; i++) {
      if (i === j) continue;
      const r = intervals[j]! / intervals[i]!;
      c = Math.min(c, Math.abs(r - 1) / Math.abs(Math.log(r)));
    }
  }
  if (!Number.isFinite(c)) c = 1; // no tempo changes on this side
  const scale = new Float64Array(numTempi);
  for (let i = 0; i < numTempi; i++) scale[i] = transitionLambda * c * Math.log(intervals[i]!);
  let intercept = Number.NEGATIVE_INFINITY;
  for (let j = 0; j < numTempi; j++) {
    const [from, to] = range(j);
    for (let i = from; i <= to; i++) {
      intercept = Math.max(intercept, logTransitionTo[j * numTempi + i]! + Math.abs(scale[j]! - scale[i]!));
    }
  }
  return { scale, intercept };
}
