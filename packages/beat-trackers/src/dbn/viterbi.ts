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
 * The max over source tempi starts from the best source of the next faster tempo (the
 * same one in most cases), then covers the other sources under an upper bound (a
 * log-interval-additive bound of the transition): the ones between that source and
 * the destination tempo by a running maximum of their bounds, the outer ones by a scan
 * outwards that stops once a prefix / suffix maximum (a distance transform of the
 * source scores) shows that no remaining source can reach the current best. Every
 * source that could reach or tie the best is evaluated; ties keep the lowest tempo
 * index, as madmom's ascending strict-greater scan does.
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

  // Layout: the states of tempo j occupy beatsPerBar · interval consecutive scores, slot-major
  // with the beats interleaved, so that the slots read and written at one frame (the same slot
  // for every beat) share cache lines.
  const tempoStart = new Int32Array(numTempi);
  let numStates = 0;
  for (let j = 0; j < numTempi; j++) {
    tempoStart[j] = numStates;
    numStates += beatsPerBar * intervals[j]!;
  }
  // Stored score = true log score − offset; all states start at log(1/N).
  const scores = new Float64Array(numStates).fill(Math.log(1 / numStates));
  let offset = 0;
  // head[j]: slot of position 0 at tempo j (every beat advances alike); position k of beat b
  // lives at scores[tempoStart[j] + ((head + k) mod interval) · beatsPerBar + b].
  const head = new Int32Array(numTempi);
  // headBase[j] = tempoStart[j] + head[j] · beatsPerBar, the current frame's head slot.
  const headBase = new Int32Array(numTempi);
  const lastScore = new Float64Array(numSegments);
  // Per source (b, i), with L its last-position score: pointBelow = L + belowScale[i] and
  // pointAbove = L − aboveScale[i] bound what it can give a destination above / below it (see
  // BarModel.belowScale); boundBelow[b·T + k] = max over i ≤ k of pointBelow, boundAbove[b·T + k]
  // = max over i ≥ k of pointAbove: a scan stops once the bound of all sources left is below
  // the best, and skips a source whose own bound is.
  const pointBelow = new Float64Array(numSegments);
  const pointAbove = new Float64Array(numSegments);
  const boundBelow = new Float64Array(numSegments);
  const boundAbove = new Float64Array(numSegments);
  // Scratch of the scan: maxima of pointAbove over [k, guess − 1].
  const windowAbove = new Float64Array(numTempi + 1);
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
  for (let b = 0; b < beatsPerBar; b++) {
    const stay = b === 0 ? downbeatStay : beatStay;
    for (let j = 0; j < numTempi; j++) {
      const region = beatRegion[b * numTempi + j]!;
      for (let k = 1; k < region; k++) scores[tempoStart[j]! + (k - 1) * beatsPerBar + b]! += stay[region - k]!;
    }
  }

  const backPointer =
    numTempi <= 256
      ? new Uint8Array(numFrames * numSegments)
      : new Uint16Array(numFrames * numSegments);

  for (let t = 0; t < numFrames; t++) {
    // Advance all pointers: the slot before the head holds the last position of frame t − 1.
    for (let j = 0; j < numTempi; j++) {
      let h = head[j]! - 1;
      if (h < 0) h += intervals[j]!;
      head[j] = h;
      headBase[j] = tempoStart[j]! + h * beatsPerBar;
    }
    for (let b = 0; b < beatsPerBar; b++) {
      const base = b * numTempi;
      let below = Number.NEGATIVE_INFINITY;
      for (let j = 0; j < numTempi; j++) {
        const s = base + j;
        const v = scores[headBase[j]! + b]!;
        lastScore[s] = v;
        const pb = v + belowScale[j]!;
        pointBelow[s] = pb;
        pointAbove[s] = v - aboveScale[j]!;
        if (pb > below) below = pb;
        boundBelow[s] = below;
      }
      let above = Number.NEGATIVE_INFINITY;
      for (let s = base + numTempi - 1; s >= base; s--) {
        const pa = pointAbove[s]!;
        if (pa > above) above = pa;
        boundAbove[s] = above;
      }
    }
    // The new first positions are credited at once with their whole stay in the (down)beat
    // region (every state gets the non-beat density through the offset, added below).
    fillStay(t);

    // Beat boundaries: first position of beat b at tempo j from the last position of beat b − 1.
    // The best source of tempo j − 1 is tried first (it usually wins again); the sources
    // between it and j are skipped while the maximum of their bounds stays below the best,
    // the outer ones are scanned outwards until the prefix / suffix bound rules them out.
    // Each scan visits sources in one direction away from all evaluated ones, so ties go to
    // the lowest tempo index by `>=` when descending and `>` when ascending.
    const frameBase = t * numSegments;
    for (let b = 0; b < beatsPerBar; b++) {
      const from = (b === 0 ? beatsPerBar - 1 : b - 1) * numTempi;
      const out = b * numTempi;
      const stay = b === 0 ? downbeatStay : beatStay;
      let guess = 0;
      // max of pointBelow over (runFrom, runTo] (sources between the guess and j, guess ≤ j)
      let runFrom = -1;
      let runTo = -1;
      let runMax = Number.NEGATIVE_INFINITY;
      // windowAbove[k] is max of pointAbove over [k, windowFor − 1] for k ≥ windowLow
      let windowFor = -1;
      let windowLow = 0;
      for (let j = 0; j < numTempi; j++) {
        const row = j * numTempi;
        const lo = sourceLo[j]!;
        const hi = sourceHi[j]!;
        const g = Math.min(Math.max(guess, lo), hi);
        // Sources i ≤ j can reach at most pointBelow[i] − belowScale[j] + belowIntercept,
        // sources i ≥ j at most pointAbove[i] + aboveScale[j] + aboveIntercept.
        const belowShift = belowScale[j]! - belowMargin;
        const aboveShift = -aboveScale[j]! - aboveMargin;
        let best = lastScore[from + g]! + logTransitionTo[row + g]!;
        let arg = g;
        if (g <= j) {
          // Between: (g, j], ascending (each source is above every one evaluated: strict).
          if (g < j) {
            if (runFrom === g && runTo === j - 1) {
              const pb = pointBelow[from + j]!;
              if (pb > runMax) runMax = pb;
            } else {
              runMax = Number.NEGATIVE_INFINITY;
              for (let i = g + 1; i <= j; i++) {
                const pb = pointBelow[from + i]!;
                if (pb > runMax) runMax = pb;
              }
              runFrom = g;
            }
            runTo = j;
            if (runMax >= best + belowShift) {
              for (let i = g + 1; i <= j; i++) {
                if (pointBelow[from + i]! >= best + belowShift) {
                  const v = lastScore[from + i]! + logTransitionTo[row + i]!;
                  if (v > best) {
                    best = v;
                    arg = i;
                  }
                }
              }
            }
          }
        } else {
          // Between: [j, g), descending.
          if (windowFor !== g || windowLow > j) {
            let max = Number.NEGATIVE_INFINITY;
            for (let k = g - 1; k >= j; k--) {
              const pa = pointAbove[from + k]!;
              if (pa > max) max = pa;
              windowAbove[k] = max;
            }
            windowFor = g;
            windowLow = j;
          }
          if (windowAbove[j]! >= best + aboveShift) {
            for (let i = g - 1; i >= j; i--) {
              if (pointAbove[from + i]! >= best + aboveShift) {
                const v = lastScore[from + i]! + logTransitionTo[row + i]!;
                if (v >= best) {
                  best = v;
                  arg = i;
                }
              }
            }
          }
        }
        // Below both g and j, descending (each source is below every one evaluated: it wins ties).
        for (let i = Math.min(g, j) - 1; i >= lo && boundBelow[from + i]! >= best + belowShift; i--) {
          if (pointBelow[from + i]! < best + belowShift) continue;
          const v = lastScore[from + i]! + logTransitionTo[row + i]!;
          if (v >= best) {
            best = v;
            arg = i;
          }
        }
        // Above both, ascending (each source is above every one evaluated: strict).
        for (let i = Math.max(g, j) + 1; i <= hi && boundAbove[from + i]! >= best + aboveShift; i++) {
          if (pointAbove[from + i]! < best + aboveShift) continue;
          const v = lastScore[from + i]! + logTransitionTo[row + i]!;
          if (v > best) {
            best = v;
            arg = i;
          }
        }
        guess = arg;
        scores[headBase[j]! + b] = best + stay[beatRegion[out + j]!]!;
        backPointer[frameBase + out + j] = arg;
      }
    }

    offset += densities.nonBeat[t]!;

    // Keep stored scores near zero so the bound margins stay far above float rounding.
    if (t % RENORMALISE_FRAMES === RENORMALISE_FRAMES - 1) {
      let max = Number.NEGATIVE_INFINITY;
      for (let n = 0; n < numStates; n++) if (scores[n]! > max) max = scores[n]!;
      for (let n = 0; n < numStates; n++) scores[n]! -= max;
      offset += max;
    }
  }

  // Best final state, lowest state index on ties (madmom's argmax over beat, tempo, position).
  let bestSegment = 0;
  let bestPosition = 0;
  let bestScore = Number.NEGATIVE_INFINITY;
  for (let s = 0; s < numSegments; s++) {
    const b = Math.floor(s / numTempi);
    const j = s - b * numTempi;
    const interval = intervals[j]!;
    const h = head[j]!;
    for (let k = 0; k < interval; k++) {
      const slot = h + k < interval ? h + k : h + k - interval;
      const v = scores[tempoStart[j]! + slot * beatsPerBar + b]!;
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
