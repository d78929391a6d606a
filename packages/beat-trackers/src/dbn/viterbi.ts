import type { BarModel } from "./state-space.js";

const RENORMALISE_FRAMES = 1000;

/** Per-frame observation log densities of the three state classes (madmom's density columns). */
export interface ObservationLogDensities {
  /** log((1 − p_beat − p_down) / (λ − 1)): states outside every beat region. */
  readonly nonBeat: Float64Array;
  /** log(p_beat): beat regions of beats 2 … N. */
  readonly beat: Float64Array;
  /** log(p_down): beat region of the first beat of the bar. */
  readonly downbeat: Float64Array;
}

/** The Viterbi path, reduced to what beat extraction needs. */
export interface BarPointerPath {
  /** Log probability of the best path (madmom's `log_prob`, uniform initial distribution included). */
  readonly logProb: number;
  /** Beat index inside the bar (0 = downbeat) of the path's state at each frame. */
  readonly beatIndex: Uint16Array;
  /** 1 where the path's state lies in a (down)beat region (madmom: observation pointer ≥ 1). */
  readonly inBeatRange: Uint8Array;
}

/**
 * Exact Viterbi decoding of a bar-pointer HMM (same maximum and tie-breaking as
 * madmom's `HiddenMarkovModel.viterbi`) in time ∝ frames · beats · tempi (times the few
 * source tempi the bound below cannot rule out) instead of frames · states.
 *
 * The structure makes three shortcuts exact:
 * - Each (beat, tempo) run of positions is a ring buffer: advancing every pointer
 *   by one position is a head decrement, not a copy; only the slot that held the
 *   last position is rewritten with the new first position.
 * - Scores are stored relative to a running offset that absorbs the non-beat
 *   density every state receives. Since all frames are known, a state entering a
 *   beat is credited at once with the (down)beat densities of the frames it will
 *   spend in the beat region: scores are exact wherever they are read (last
 *   positions, and every position at the final frame, where credits are clipped).
 * - Back-pointers are needed only for first positions (one source tempo each);
 *   every other state has a single predecessor.
 * The max over source tempi scans outwards from the same tempo and stops once an
 * upper bound (a distance transform of the source scores under a log-interval-
 * additive bound of the transition) shows that no remaining source can reach the
 * current best; ties keep the lowest tempo index, as madmom's ascending
 * strict-greater scan does.
 */
export function viterbiBarPointer(
  model: BarModel,
  densities: ObservationLogDensities,
  numFrames: number,
): BarPointerPath {
  const { beatsPerBar, intervals, beatRegion, logTransitionTo, sourceLo, sourceHi } = model;
  const { belowScale, aboveScale } = model;
  const numTempi = intervals.length;
  const numSegments = beatsPerBar * numTempi;

  const segmentStart = new Int32Array(numSegments);
  let numStates = 0;
  for (let s = 0; s < numSegments; s++) {
    segmentStart[s] = numStates;
    numStates += intervals[s % numTempi]!;
  }
  // Stored score = true log score − offset; all states start at log(1/N).
  const scores = new Float64Array(numStates).fill(Math.log(1 / numStates));
  let offset = 0;
  // head[s]: slot of position 0 of segment s; position k lives at (head + k) mod interval.
  const head = new Int32Array(numSegments);
  const lastScore = new Float64Array(numSegments);
  const firstScore = new Float64Array(numSegments);
  // boundBelow[b·T + j] = max over tempi i ≤ j of lastScore + belowScale[i];
  // boundAbove[b·T + j] = max over i ≥ j of lastScore − aboveScale[i] (see BarModel.belowScale).
  const boundBelow = new Float64Array(numSegments);
  const boundAbove = new Float64Array(numSegments);
  // The bound only has to hold, never be tight: the margins absorb float rounding.
  const belowMargin = model.belowIntercept + 1e-6;
  const aboveMargin = model.aboveIntercept + 1e-6;
  // (Down)beat densities relative to the non-beat one, and their sums over the next r frames
  // (clipped at the last frame): the credit of a state entering a region of r positions.
  let maxRegion = 0;
  for (const region of beatRegion) maxRegion = Math.max(maxRegion, region);
  const beatStay = new Float64Array(maxRegion + 1);
  const downbeatStay = new Float64Array(maxRegion + 1);
  const fillStay = (t: number) => {
    let beat = 0;
    let downbeat = 0;
    for (let r = 1, u = t; r <= maxRegion; r++, u++) {
      if (u < numFrames) {
        beat += densities.beat[u]! - densities.nonBeat[u]!;
        downbeat += densities.downbeat[u]! - densities.nonBeat[u]!;
      }
      beatStay[r] = beat;
      downbeatStay[r] = downbeat;
    }
  };
  // States that start inside a region (position k ≥ 1 at frame 0, in slot k − 1) are
  // credited for the r − k region frames they have left.
  if (numFrames > 0) fillStay(0);
  for (let s = 0; s < numSegments; s++) {
    const stay = s < numTempi ? downbeatStay : beatStay;
    const region = beatRegion[s]!;
    for (let k = 1; k < region; k++) scores[segmentStart[s]! + k - 1]! += stay[region - k]!;
  }

  const backPointer =
    numTempi <= 256
      ? new Uint8Array(numFrames * numSegments)
      : new Uint16Array(numFrames * numSegments);

  for (let t = 0; t < numFrames; t++) {
    // Advance all pointers: the slot before the head holds the last position of frame t − 1.
    for (let b = 0; b < beatsPerBar; b++) {
      const base = b * numTempi;
      let below = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < numTempi; j++) {
        const s = base + j;
        let h = head[s]! - 1;
        if (h < 0) h += intervals[j]!;
        head[s] = h;
        const v = scores[segmentStart[s]! + h]!;
        lastScore[s] = v;
        below = Math.max(below, v + belowScale[j]!);
        boundBelow[s] = below;
      }
      let above = Number.NEGATIVE_INFINITY;
      for (let j = numTempi - 1; j >= 0; j--) {
        above = Math.max(above, lastScore[base + j]! - aboveScale[j]!);
        boundAbove[base + j] = above;
      }
    }

    // Beat boundaries: first position of beat b at tempo j from the last position of beat b − 1.
    // Source tempi are scanned outwards from j until the bound shows that none left can win.
    const frameBase = t * numSegments;
    for (let b = 0; b < beatsPerBar; b++) {
      const from = (b === 0 ? beatsPerBar - 1 : b - 1) * numTempi;
      for (let j = 0; j < numTempi; j++) {
        const row = j * numTempi;
        const lo = sourceLo[j]!;
        const hi = sourceHi[j]!;
        // Sources i ≤ k can reach at most boundBelow[k] − belowScale[j] + belowIntercept,
        // sources i ≥ k at most boundAbove[k] + aboveScale[j] + aboveIntercept.
        const belowShift = belowScale[j]! - belowMargin;
        const aboveShift = -aboveScale[j]! - aboveMargin;
        let best = lastScore[from + j]! + logTransitionTo[row + j]!;
        let arg = j;
        // Scan the side with the higher bound first: its best source then prunes the other side.
        const belowFirst =
          (j > lo ? boundBelow[from + j - 1]! - belowShift : Number.NEGATIVE_INFINITY) >=
          (j < hi ? boundAbove[from + j + 1]! - aboveShift : Number.NEGATIVE_INFINITY);
        for (let pass = 0; pass < 2; pass++) {
          if (belowFirst === (pass === 0)) {
            for (let i = j - 1; i >= lo && boundBelow[from + i]! >= best + belowShift; i--) {
              const v = lastScore[from + i]! + logTransitionTo[row + i]!;
              // i is below every tempo examined so far: it wins ties (madmom keeps the lowest).
              if (v >= best) {
                best = v;
                arg = i;
              }
            }
          } else {
            for (let i = j + 1; i <= hi && boundAbove[from + i]! >= best + aboveShift; i++) {
              const v = lastScore[from + i]! + logTransitionTo[row + i]!;
              if (v > best) {
                best = v;
                arg = i;
              }
            }
          }
        }
        firstScore[b * numTempi + j] = best;
        backPointer[frameBase + b * numTempi + j] = arg;
      }
    }

    // Observation: every state gets the non-beat density through the offset; a new first
    // position is credited at once with its whole stay in the (down)beat region.
    offset += densities.nonBeat[t]!;
    fillStay(t);
    for (let b = 0; b < beatsPerBar; b++) {
      const stay = b === 0 ? downbeatStay : beatStay;
      for (let j = 0, s = b * numTempi; j < numTempi; j++, s++) {
        scores[segmentStart[s]! + head[s]!] = firstScore[s]! + stay[beatRegion[s]!]!;
      }
    }

    // Keep stored scores near zero so the bound margins stay far above float rounding.
    if (t % RENORMALISE_FRAMES === RENORMALISE_FRAMES - 1) {
      let max = Number.NEGATIVE_INFINITY;
      for (let n = 0; n < numStates; n++) if (scores[n]! > max) max = scores[n]!;
      for (let n = 0; n < numStates; n++) scores[n]! -= max;
      offset += max;
    }
  }

  // Best final state, lowest state index on ties (madmom's argmax).
  let bestSegment = 0;
  let bestPosition = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let s = 0; s < numSegments; s++) {
    const start = segmentStart[s]!;
    const interval = intervals[s % numTempi]!;
    const h = head[s]!;
    for (let k = 0; k < interval; k++) {
      const slot = h + k < interval ? h + k : h + k - interval;
      const v = scores[start + slot]!;
      if (v > bestScore) {
        bestScore = v;
        bestSegment = s;
        bestPosition = k;
      }
    }
  }

  const beatIndex = new Uint16Array(numFrames);
  const inBeatRange = new Uint8Array(numFrames);
  let s = bestSegment;
  let k = bestPosition;
  for (let t = numFrames - 1; t >= 0; t--) {
    const b = Math.floor(s / numTempi);
    beatIndex[t] = b;
    inBeatRange[t] = k < beatRegion[s]! ? 1 : 0;
    if (k > 0) {
      k--;
    } else if (t > 0) {
      const i = backPointer[t * numSegments + s]!;
      s = (b === 0 ? beatsPerBar - 1 : b - 1) * numTempi + i;
      k = intervals[i]! - 1;
    }
  }

  return { logProb: bestScore + offset, beatIndex, inBeatRange };
}
