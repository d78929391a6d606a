/**
 * Beat-tracking metrics with mir_eval's conventions (mir_eval.beat, mir_eval.util), plus the
 * reference system's onset-alignment score used to choose the primary tracker.
 *
 * All times are in seconds. Like mir_eval, event lists must be non-decreasing and ≤ 30 000 s
 * (else RangeError), and metrics with an empty side are 0 — mir_eval also warns then; these
 * functions stay silent. Nothing here trims: apply {@link trimBeats} yourself, as mir_eval's
 * `evaluate()` does before its metrics.
 */

/** mir_eval's MAX_TIME: larger event times are taken to be in the wrong unit. */
const MAX_TIME_SEC = 30000;

/** mir_eval.beat.trim_beats: the beats at or after `minTimeSec` (5 s by convention). */
export function trimBeats(beats: ArrayLike<number>, minTimeSec = 5): number[] {
  return Array.from(beats).filter((t) => t >= minTimeSec);
}

function validateEvents(events: ArrayLike<number>, what: string): void {
  for (let i = 0; i < events.length; i++) {
    const t = events[i]!;
    if (!Number.isFinite(t)) throw new RangeError(`${what}: event ${i} is not a finite time (${t})`);
    if (t > MAX_TIME_SEC) {
      throw new RangeError(`${what}: event at ${t} s exceeds ${MAX_TIME_SEC} s (times must be in seconds)`);
    }
    if (i > 0 && t < events[i - 1]!) throw new RangeError(`${what}: events must be in increasing order`);
  }
}

/** First index in sorted `values` with values[i] ≥ x (`strict`: > x). */
function searchSorted(values: ArrayLike<number>, x: number, strict: boolean): number {
  let lo = 0;
  let hi = values.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (strict ? values[mid]! <= x : values[mid]! < x) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/**
 * mir_eval.util.match_events: a maximum matching between reference and estimated events,
 * pairing reference i with estimate j only when est_j − window ≤ ref_i ≤ est_j + window.
 * Both lists must be sorted. Returns [referenceIndex, estimatedIndex] pairs sorted by
 * reference index. (A greedy nearest-first pairing is not maximal in general; this uses
 * Hopcroft–Karp like mir_eval.)
 */
export function matchEvents(
  reference: ArrayLike<number>,
  estimated: ArrayLike<number>,
  windowSec: number,
): Array<[number, number]> {
  const numEst = estimated.length;
  // Windowed hits, as mir_eval's _fast_hit_windows (bounds computed as est ± window).
  const adjStart = new Int32Array(numEst + 1);
  const adjEnd = new Int32Array(numEst);
  for (let j = 0; j < numEst; j++) {
    adjStart[j] = searchSorted(reference, estimated[j]! - windowSec, false);
    adjEnd[j] = searchSorted(reference, estimated[j]! + windowSec, true);
  }
  const matchOfRef = new Int32Array(reference.length).fill(-1);
  const matchOfEst = new Int32Array(numEst).fill(-1);
  hopcroftKarp(numEst, adjStart, adjEnd, matchOfEst, matchOfRef);
  const pairs: Array<[number, number]> = [];
  for (let i = 0; i < reference.length; i++) if (matchOfRef[i]! >= 0) pairs.push([i, matchOfRef[i]!]);
  return pairs;
}

/**
 * Maximum bipartite matching (Hopcroft–Karp). Left vertex u (an estimate) is adjacent to the
 * right vertices (references) adjStart[u] … adjEnd[u] − 1. Iterative, so long chains of
 * overlapping windows cannot overflow the stack.
 */
function hopcroftKarp(
  numLeft: number,
  adjStart: Int32Array,
  adjEnd: Int32Array,
  matchLeft: Int32Array,
  matchRight: Int32Array,
): void {
  const UNSEEN = -1;
  const layer = new Int32Array(numLeft);
  const queue = new Int32Array(numLeft);
  const cursor = new Int32Array(numLeft);
  const stack = new Int32Array(numLeft);
  for (;;) {
    // BFS from the free left vertices, layering along alternating paths.
    let head = 0;
    let tail = 0;
    for (let u = 0; u < numLeft; u++) {
      if (matchLeft[u]! < 0) {
        layer[u] = 0;
        queue[tail++] = u;
      } else {
        layer[u] = UNSEEN;
      }
    }
    let foundFree = false;
    while (head < tail) {
      const u = queue[head++]!;
      for (let v = adjStart[u]!; v < adjEnd[u]!; v++) {
        const w = matchRight[v]!;
        if (w < 0) foundFree = true;
        else if (layer[w] === UNSEEN) {
          layer[w] = layer[u]! + 1;
          queue[tail++] = w;
        }
      }
    }
    if (!foundFree) return;

    // DFS along the layers for vertex-disjoint shortest augmenting paths.
    for (let u = 0; u < numLeft; u++) cursor[u] = adjStart[u]!;
    for (let root = 0; root < numLeft; root++) {
      if (matchLeft[root]! >= 0) continue;
      let depth = 0;
      stack[0] = root;
      while (depth >= 0) {
        const u = stack[depth]!;
        if (cursor[u]! >= adjEnd[u]!) {
          layer[u] = UNSEEN; // dead end: never revisit in this phase
          depth--;
          continue;
        }
        const v = cursor[u]!;
        const w = matchRight[v]!;
        if (w < 0) {
          // Augment: every vertex on the stack takes the reference its cursor points at.
          for (let d = depth; d >= 0; d--) {
            const x = stack[d]!;
            const y = cursor[x]!;
            matchRight[y] = x;
            matchLeft[x] = y;
          }
          break;
        }
        if (layer[w] === layer[u]! + 1) {
          stack[++depth] = w;
        } else {
          cursor[u]!++;
        }
      }
      // Advance cursors of the augmented path's vertices past the references they took.
      for (let d = 0; d <= depth; d++) cursor[stack[d]!]!++;
    }
  }
}

function fMeasure(precision: number, recall: number): number {
  return precision === 0 && recall === 0 ? 0 : (2 * precision * recall) / (precision + recall);
}

export interface BeatFMeasureOptions {
  /** Half-width of the hit window in seconds (mir_eval f_measure_threshold). */
  window?: number;
}

/**
 * mir_eval.beat.f_measure: precision and recall of a maximum one-to-one matching within
 * ±window, F = 2PR/(P+R). 0 when either list is empty (both empty included).
 */
export function beatFMeasure(
  reference: ArrayLike<number>,
  estimated: ArrayLike<number>,
  options: BeatFMeasureOptions = {},
): number {
  const window = options.window ?? 0.07;
  validateEvents(reference, "reference beats");
  validateEvents(estimated, "estimated beats");
  if (reference.length === 0 || estimated.length === 0) return 0;
  const matched = matchEvents(reference, estimated, window).length;
  return fMeasure(matched / estimated.length, matched / reference.length);
}

/** {@link beatFMeasure} on downbeat times (the usual downbeat F-measure). */
export function downbeatFMeasure(
  referenceDownbeats: ArrayLike<number>,
  estimatedDownbeats: ArrayLike<number>,
  options: BeatFMeasureOptions = {},
): number {
  return beatFMeasure(referenceDownbeats, estimatedDownbeats, options);
}

export interface ContinuityOptions {
  /** Largest |beat − annotation| as a fraction of the annotation interval. */
  phaseThreshold?: number;
  /** Largest |1 − beat interval / annotation interval|. */
  periodThreshold?: number;
}

export interface ContinuityScores {
  /** Correct metric level, longest continuously correct segment. */
  CMLc: number;
  /** Correct metric level, all correct beats. */
  CMLt: number;
  /** Any metric level (also double, half, off-beat), longest continuous segment. */
  AMLc: number;
  /** Any metric level, all correct beats. */
  AMLt: number;
}

/**
 * mir_eval.beat.continuity (Hainsworth / Klapuri continuity). A beat is correct when its
 * nearest unused annotation is within phaseThreshold·interval and the local inter-beat
 * interval within periodThreshold of the annotation interval. Scores are fractions of
 * max(#annotations, #beats); AML takes the best over the annotations, the off-beat,
 * double tempo, and both half-tempo variants. All 0 when either side has ≤ 1 beat.
 */
export function continuity(
  reference: ArrayLike<number>,
  estimated: ArrayLike<number>,
  options: ContinuityOptions = {},
): ContinuityScores {
  const phaseThreshold = options.phaseThreshold ?? 0.175;
  const periodThreshold = options.periodThreshold ?? 0.175;
  validateEvents(reference, "reference beats");
  validateEvents(estimated, "estimated beats");
  if (reference.length <= 1 || estimated.length <= 1) return { CMLc: 0, CMLt: 0, AMLc: 0, AMLt: 0 };

  const est = Array.from(estimated);
  const scores = referenceVariations(Array.from(reference)).map((ref) =>
    continuityAgainst(ref, est, phaseThreshold, periodThreshold),
  );
  return {
    CMLc: scores[0]!.continuous,
    CMLt: scores[0]!.total,
    AMLc: Math.max(...scores.map((s) => s.continuous)),
    AMLt: Math.max(...scores.map((s) => s.total)),
  };
}

/** Annotations, off-beat, double tempo, half tempo (odd beats), half tempo (even beats). */
function referenceVariations(ref: number[]): number[][] {
  // np.interp at the half indices: slope·0.5 + left value
  const double: number[] = [];
  for (let i = 0; i < ref.length; i++) {
    double.push(ref[i]!);
    if (i + 1 < ref.length) double.push((ref[i + 1]! - ref[i]!) * 0.5 + ref[i]!);
  }
  return [
    ref,
    double.filter((_, i) => i % 2 === 1),
    double,
    ref.filter((_, i) => i % 2 === 0),
    ref.filter((_, i) => i % 2 === 1),
  ];
}

function continuityAgainst(
  ref: number[],
  est: number[],
  phaseThreshold: number,
  periodThreshold: number,
): { continuous: number; total: number } {
  const n = Math.max(ref.length, est.length);
  const used = new Uint8Array(n);
  const success = new Uint8Array(n);
  // numpy's ref[i − 1] wraps to the last element at i = 0 (reached only with one annotation)
  const refAt = (i: number) => ref[(i + ref.length) % ref.length]!;
  for (let m = 0; m < est.length; m++) {
    let nearest = 0;
    let minDiff = Math.abs(est[m]! - ref[0]!);
    for (let k = 1; k < ref.length; k++) {
      const diff = Math.abs(est[m]! - ref[k]!);
      if (diff < minDiff) {
        minDiff = diff;
        nearest = k;
      }
    }
    if (used[nearest]) continue;
    let phase: number;
    let period: number;
    if (m === 0 || nearest === 0) {
      // First beat or first annotation: look forward (backward at the very end).
      const refInterval =
        nearest + 1 < ref.length ? ref[nearest + 1]! - ref[nearest]! : ref[nearest]! - refAt(nearest - 1);
      const estInterval = m + 1 < est.length ? est[m + 1]! - est[m]! : est[m]! - est[m - 1]!;
      if (refInterval === 0) {
        phase = minDiff === 0 ? 1 : Number.POSITIVE_INFINITY;
        period = estInterval === 0 ? 0 : Number.POSITIVE_INFINITY;
      } else {
        phase = Math.abs(minDiff / refInterval);
        period = Math.abs(1 - estInterval / refInterval);
      }
    } else {
      const refInterval = ref[nearest]! - ref[nearest - 1]!;
      phase = Math.abs(minDiff / refInterval);
      period = Math.abs(1 - (est[m]! - est[m - 1]!) / refInterval);
    }
    if (phase < phaseThreshold && period < periodThreshold) {
      used[nearest] = 1;
      success[m] = 1;
    }
  }
  let longest = 0;
  let run = 0;
  let total = 0;
  for (let m = 0; m < n; m++) {
    run = success[m] ? run + 1 : 0;
    longest = Math.max(longest, run);
    total += success[m]!;
  }
  return { continuous: longest / n, total: total / n };
}

/** Distance from each sorted-array `query` to its nearest element of sorted `targets`, capped at `cap`. */
function meanCappedNearest(queries: number[], targets: number[], cap: number): number {
  let sum = 0;
  for (const q of queries) {
    const i = searchSorted(targets, q, false);
    let d = cap;
    if (i < targets.length) d = Math.min(d, targets[i]! - q);
    if (i > 0) d = Math.min(d, q - targets[i - 1]!);
    sum += d;
  }
  return sum / queries.length;
}

/**
 * Onset-alignment F1 (reference signals.md §5.1), used to pick the primary tracker: a
 * continuous score, not a hit count. With distances capped at maxDistSec,
 * precision = 1 − mean over beats of the distance to the nearest onset / maxDistSec,
 * recall = 1 − mean over onsets of the distance to the nearest beat / maxDistSec,
 * F1 = 2PR/(P+R). 0 when either list is empty. Inputs need not be sorted.
 */
export function onsetAlignmentF1(
  beatTimes: ArrayLike<number>,
  onsetTimes: ArrayLike<number>,
  maxDistSec = 0.07,
): number {
  if (beatTimes.length === 0 || onsetTimes.length === 0) return 0;
  const beats = Array.from(beatTimes).sort((a, b) => a - b);
  const onsets = Array.from(onsetTimes).sort((a, b) => a - b);
  const precision = 1 - meanCappedNearest(beats, onsets, maxDistSec) / maxDistSec;
  const recall = 1 - meanCappedNearest(onsets, beats, maxDistSec) / maxDistSec;
  return fMeasure(precision, recall);
}
