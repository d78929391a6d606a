import { describe, expect, it } from "vitest";
import { createMatrix, type Matrix } from "./matrix.js";
import { seededRandom } from "./test-utils/signals.js";
import { sparseTransitions, viterbi, viterbiSparse } from "./viterbi.js";

function randomLogMatrix(nRows: number, nCols: number, seed: number): Matrix {
  const rand = seededRandom(seed);
  const m = createMatrix(nRows, nCols);
  for (let i = 0; i < m.data.length; i++) m.data[i] = Math.log(0.05 + rand());
  return m;
}

/** Enumerate all nStates^nFrames paths. */
function bruteForce(logInit: Float64Array, trans: Matrix, obs: Matrix): { path: number[]; logProbability: number } {
  const nStates = logInit.length;
  const nFrames = obs.nCols;
  let best = { path: [] as number[], logProbability: Number.NEGATIVE_INFINITY };
  const path = new Array<number>(nFrames).fill(0);
  for (let code = 0; code < nStates ** nFrames; code++) {
    let c = code;
    for (let t = nFrames - 1; t >= 0; t--) {
      path[t] = c % nStates;
      c = Math.floor(c / nStates);
    }
    let lp = logInit[path[0]] + obs.data[path[0] * nFrames];
    for (let t = 1; t < nFrames; t++) lp += trans.data[path[t - 1] * nStates + path[t]] + obs.data[path[t] * nFrames + t];
    if (lp > best.logProbability) best = { path: [...path], logProbability: lp };
  }
  return best;
}

describe("viterbi", () => {
  const nStates = 3;
  const nFrames = 7;
  const logInit = Float64Array.from([0.2, 0.5, 0.3], Math.log);
  const trans = randomLogMatrix(nStates, nStates, 1);
  const obs = randomLogMatrix(nStates, nFrames, 2);

  it("matches brute-force enumeration of all 3^7 paths", () => {
    const expected = bruteForce(logInit, trans, obs);
    const result = viterbi(logInit, trans, obs);
    expect(Array.from(result.path)).toEqual(expected.path);
    expect(result.logProbability).toBeCloseTo(expected.logProbability, 9);
  });

  it("agrees with the sparse decoder given every edge", () => {
    const from: number[] = [];
    const to: number[] = [];
    const lp: number[] = [];
    for (let i = nStates - 1; i >= 0; i--) {
      for (let j = 0; j < nStates; j++) {
        from.push(i);
        to.push(j);
        lp.push(trans.data[i * nStates + j]);
      }
    }
    const sparse = viterbiSparse(logInit, sparseTransitions(nStates, from, to, lp), obs);
    const dense = viterbi(logInit, trans, obs);
    expect(Array.from(sparse.path)).toEqual(Array.from(dense.path));
    expect(sparse.logProbability).toBeCloseTo(dense.logProbability, 9);
  });

  it("treats missing sparse edges as impossible (−∞ in the dense matrix)", () => {
    // A left-to-right chain 0 → 1 → 2 → 3 with self loops, 5 frames.
    const n = 4;
    const frames = 5;
    const o = randomLogMatrix(n, frames, 9);
    const dense = createMatrix(n, n);
    dense.data.fill(Number.NEGATIVE_INFINITY);
    const from: number[] = [];
    const to: number[] = [];
    const lp: number[] = [];
    for (let s = 0; s < n; s++) {
      for (const d of [s, s + 1]) {
        if (d >= n) continue;
        from.push(s);
        to.push(d);
        lp.push(Math.log(d === s || s === n - 1 ? 0.6 : 0.4));
        dense.data[s * n + d] = lp[lp.length - 1];
      }
    }
    const init = Float64Array.from([0, -Infinity, -Infinity, -Infinity]);
    const a = viterbi(init, dense, o);
    const b = viterbiSparse(init, sparseTransitions(n, from, to, lp), o);
    expect(Array.from(b.path)).toEqual(Array.from(a.path));
    expect(b.logProbability).toBeCloseTo(a.logProbability, 5); // float64 edges vs float32 matrix
    expect(b.path[0]).toBe(0);
    for (let t = 1; t < frames; t++) expect(b.path[t] - b.path[t - 1]).toBeGreaterThanOrEqual(0);
    expect(bruteForce(init, dense, o).logProbability).toBeCloseTo(a.logProbability, 9);
  });

  it("accepts shared observation densities with a state → class map", () => {
    const densities = randomLogMatrix(2, nFrames, 5);
    const stateClass = Int32Array.from([0, 1, 1]);
    const expanded = createMatrix(nStates, nFrames);
    for (let s = 0; s < nStates; s++) expanded.data.set(densities.data.subarray(stateClass[s] * nFrames, (stateClass[s] + 1) * nFrames), s * nFrames);
    const a = viterbi(logInit, trans, { logDensities: densities, stateClass });
    const b = viterbi(logInit, trans, expanded);
    expect(Array.from(a.path)).toEqual(Array.from(b.path));
    expect(a.logProbability).toBe(b.logProbability);
  });

  it("reports −∞ when no path is possible and handles empty input", () => {
    const impossible = viterbi(Float64Array.from([-Infinity, -Infinity, -Infinity]), trans, obs);
    expect(impossible.logProbability).toBe(Number.NEGATIVE_INFINITY);
    expect(viterbi(logInit, trans, createMatrix(3, 0)).path.length).toBe(0);
    expect(() => viterbi(logInit, createMatrix(2, 2), obs)).toThrow(RangeError);
    expect(() => sparseTransitions(2, [0], [5], [0])).toThrow(RangeError);
  });
});
