import type { Matrix } from "./matrix.js";

/** The most likely state sequence and its joint log-probability (natural log). */
export interface ViterbiResult {
  /** State index per frame. */
  readonly path: Int32Array;
  /** log P(path, observations); −Infinity when every path is impossible. */
  readonly logProbability: number;
}

/**
 * Observations for large state spaces (madmom's pointer trick): many states share one density.
 * logDensities is nClasses × nFrames; state s at frame t scores logDensities[stateClass[s], t].
 */
export interface ObservationModel {
  readonly logDensities: Matrix;
  readonly stateClass: Int32Array;
}

/** Log-observations: a dense nStates × nFrames matrix, or shared densities plus a state → class map. */
export type LogObservations = Matrix | ObservationModel;

function isObservationModel(o: LogObservations): o is ObservationModel {
  return (o as ObservationModel).stateClass !== undefined;
}

function observationShape(obs: LogObservations, nStates: number): { nFrames: number; rows: Int32Array; data: Float32Array } {
  if (isObservationModel(obs)) {
    if (obs.stateClass.length !== nStates) {
      throw new RangeError(`stateClass has ${obs.stateClass.length} entries, expected ${nStates} states`);
    }
    for (let s = 0; s < nStates; s++) {
      const c = obs.stateClass[s];
      if (c < 0 || c >= obs.logDensities.nRows) throw new RangeError(`state ${s} maps to missing density ${c}`);
    }
    return { nFrames: obs.logDensities.nCols, rows: obs.stateClass, data: obs.logDensities.data };
  }
  if (obs.nRows !== nStates) throw new RangeError(`logObs has ${obs.nRows} rows, expected ${nStates} states`);
  const rows = new Int32Array(nStates);
  for (let s = 0; s < nStates; s++) rows[s] = s;
  return { nFrames: obs.nCols, rows, data: obs.data };
}

function argMaxFirst(v: Float64Array): number {
  let best = 0;
  for (let s = 1; s < v.length; s++) if (v[s] > v[best]) best = s;
  return best;
}

/**
 * Dense log-domain Viterbi (librosa.sequence.viterbi in logs). logInit: nStates;
 * logTrans: nStates × nStates with row = from, column = to; logObs: nStates × nFrames.
 * Ties go to the lowest state index, like numpy's argmax.
 */
export function viterbi(logInit: ArrayLike<number>, logTrans: Matrix, logObs: LogObservations): ViterbiResult {
  const nStates = logInit.length;
  if (logTrans.nRows !== nStates || logTrans.nCols !== nStates) {
    throw new RangeError(`logTrans is ${logTrans.nRows}×${logTrans.nCols}, expected ${nStates}×${nStates}`);
  }
  const { nFrames, rows, data } = observationShape(logObs, nStates);
  if (nFrames === 0) return { path: new Int32Array(0), logProbability: 0 };
  let value = new Float64Array(nStates);
  let next = new Float64Array(nStates);
  const back = new Int32Array(nFrames * nStates);
  for (let s = 0; s < nStates; s++) value[s] = logInit[s] + data[rows[s] * nFrames];
  const trans = logTrans.data;
  for (let t = 1; t < nFrames; t++) {
    for (let j = 0; j < nStates; j++) {
      let best = Number.NEGATIVE_INFINITY;
      let from = 0;
      for (let i = 0; i < nStates; i++) {
        const v = value[i] + trans[i * nStates + j];
        if (v > best) {
          best = v;
          from = i;
        }
      }
      back[t * nStates + j] = from;
      next[j] = best + data[rows[j] * nFrames + t];
    }
    [value, next] = [next, value];
  }
  const path = new Int32Array(nFrames);
  path[nFrames - 1] = argMaxFirst(value);
  const logProbability = value[path[nFrames - 1]];
  for (let t = nFrames - 1; t > 0; t--) path[t - 1] = back[t * nStates + path[t]];
  return { path, logProbability };
}

/**
 * A sparse transition model in compressed rows by destination: the edges into state `to` are
 * pointers[to]..pointers[to + 1], each with its source state and log-probability. Build once per
 * state space with {@link sparseTransitions} and reuse for every decode.
 */
export interface SparseTransitions {
  readonly nStates: number;
  readonly pointers: Int32Array;
  readonly fromStates: Int32Array;
  readonly logProbs: Float64Array;
  /** Largest number of edges into one state (decides the back-pointer width). */
  readonly maxInDegree: number;
}

/**
 * Compile a list of (from, to, logProb) edges into {@link SparseTransitions}. Edges into the same
 * state keep ascending source order, so ties resolve to the lowest source like the dense decoder.
 */
export function sparseTransitions(
  nStates: number,
  from: ArrayLike<number>,
  to: ArrayLike<number>,
  logProb: ArrayLike<number>,
): SparseTransitions {
  const nEdges = from.length;
  if (to.length !== nEdges || logProb.length !== nEdges) throw new RangeError("from, to and logProb must have equal lengths");
  const pointers = new Int32Array(nStates + 1);
  for (let e = 0; e < nEdges; e++) {
    const f = from[e];
    const d = to[e];
    if (!(Number.isInteger(f) && f >= 0 && f < nStates && Number.isInteger(d) && d >= 0 && d < nStates)) {
      throw new RangeError(`edge ${e} (${f} → ${d}) is outside 0..${nStates - 1}`);
    }
    pointers[d + 1]++;
  }
  let maxInDegree = 0;
  for (let s = 0; s < nStates; s++) {
    maxInDegree = Math.max(maxInDegree, pointers[s + 1]);
    pointers[s + 1] += pointers[s];
  }
  const order = Array.from({ length: nEdges }, (_, e) => e).sort((a, b) => to[a] - to[b] || from[a] - from[b] || a - b);
  const fromStates = new Int32Array(nEdges);
  const logProbs = new Float64Array(nEdges);
  order.forEach((e, i) => {
    fromStates[i] = from[e];
    logProbs[i] = logProb[e];
  });
  return { nStates, pointers, fromStates, logProbs, maxInDegree };
}

/**
 * Log-domain Viterbi over a sparse transition model (thousands of states, a few edges each), e.g.
 * a bar-pointer DBN. Back-pointers store the edge ordinal within the destination's edge list, in
 * 8, 16 or 32 bits depending on the largest in-degree. States without incoming edges are
 * unreachable after frame 0.
 */
export function viterbiSparse(
  logInit: ArrayLike<number>,
  transitions: SparseTransitions,
  logObs: LogObservations,
): ViterbiResult {
  const { nStates, pointers, fromStates, logProbs, maxInDegree } = transitions;
  if (logInit.length !== nStates) throw new RangeError(`logInit has ${logInit.length} states, expected ${nStates}`);
  const { nFrames, rows, data } = observationShape(logObs, nStates);
  if (nFrames === 0) return { path: new Int32Array(0), logProbability: 0 };
  const size = nFrames * nStates;
  const back = maxInDegree <= 256 ? new Uint8Array(size) : maxInDegree <= 65536 ? new Uint16Array(size) : new Uint32Array(size);
  let value = new Float64Array(nStates);
  let next = new Float64Array(nStates);
  for (let s = 0; s < nStates; s++) value[s] = logInit[s] + data[rows[s] * nFrames];
  for (let t = 1; t < nFrames; t++) {
    const row = t * nStates;
    for (let j = 0; j < nStates; j++) {
      const start = pointers[j];
      const end = pointers[j + 1];
      let best = Number.NEGATIVE_INFINITY;
      let ordinal = 0;
      for (let e = start; e < end; e++) {
        const v = value[fromStates[e]] + logProbs[e];
        if (v > best) {
          best = v;
          ordinal = e - start;
        }
      }
      back[row + j] = ordinal;
      next[j] = best + data[rows[j] * nFrames + t];
    }
    [value, next] = [next, value];
  }
  const path = new Int32Array(nFrames);
  path[nFrames - 1] = argMaxFirst(value);
  const logProbability = value[path[nFrames - 1]];
  for (let t = nFrames - 1; t > 0; t--) {
    const j = path[t];
    path[t - 1] = pointers[j] < pointers[j + 1] ? fromStates[pointers[j] + back[t * nStates + j]] : 0;
  }
  return { path, logProbability };
}
