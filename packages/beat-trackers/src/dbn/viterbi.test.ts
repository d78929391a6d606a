import { seededRandom as mulberry32 } from "@tactus/dsp";
import { describe, expect, it } from "vitest";
import { type BarModel, beatIntervals, buildBarModel } from "./state-space.js";
import { type ObservationLogDensities, viterbiBarPointer } from "./viterbi.js";


/**
 * madmom's HiddenMarkovModel.viterbi, literally: explicit states in madmom's order, every
 * state's predecessors in ascending state order, uniform initial distribution, full
 * back-pointer matrix. Slow, only for small models.
 */
function referenceViterbi(model: BarModel, d: ObservationLogDensities, numFrames: number) {
  const { beatsPerBar, intervals, beatRegion, logTransitionTo } = model;
  const numTempi = intervals.length;
  const beatStates = intervals.reduce((a, b) => a + b, 0);
  const numStates = beatsPerBar * beatStates;
  const firstOfTempo: number[] = [];
  let acc = 0;
  for (const interval of intervals) {
    firstOfTempo.push(acc);
    acc += interval;
  }
  const stateBeat = new Int32Array(numStates);
  const stateTempo = new Int32Array(numStates);
  const statePos = new Int32Array(numStates);
  const predecessors: { prev: number[]; logP: number[] }[] = [];
  for (let b = 0; b < beatsPerBar; b++) {
    for (let j = 0; j < numTempi; j++) {
      for (let k = 0; k < intervals[j]!; k++) {
        const s = b * beatStates + firstOfTempo[j]! + k;
        stateBeat[s] = b;
        stateTempo[s] = j;
        statePos[s] = k;
        if (k > 0) {
          predecessors[s] = { prev: [s - 1], logP: [0] };
        } else {
          const pb = (b + beatsPerBar - 1) % beatsPerBar;
          const prev: number[] = [];
          const logP: number[] = [];
          for (let i = 0; i < numTempi; i++) {
            const lp = logTransitionTo[j * numTempi + i]!;
            if (lp === Number.NEGATIVE_INFINITY) continue;
            prev.push(pb * beatStates + firstOfTempo[i]! + intervals[i]! - 1);
            logP.push(lp);
          }
          predecessors[s] = { prev, logP };
        }
      }
    }
  }
  const density = (s: number, t: number) => {
    if (statePos[s]! >= beatRegion[stateBeat[s]! * numTempi + stateTempo[s]!]!) return d.nonBeat[t]!;
    return stateBeat[s] === 0 ? d.downbeat[t]! : d.beat[t]!;
  };
  let previous = new Float64Array(numStates).fill(Math.log(1 / numStates));
  let current = new Float64Array(numStates);
  const bt = new Int32Array(numFrames * numStates);
  for (let t = 0; t < numFrames; t++) {
    for (let s = 0; s < numStates; s++) {
      current[s] = Number.NEGATIVE_INFINITY;
      const dens = density(s, t);
      const { prev, logP } = predecessors[s]!;
      for (let n = 0; n < prev.length; n++) {
        const v = previous[prev[n]!]! + logP[n]! + dens;
        if (v > current[s]!) {
          current[s] = v;
          bt[t * numStates + s] = prev[n]!;
        }
      }
    }
    [previous, current] = [current, previous];
  }
  let state = 0;
  for (let s = 1; s < numStates; s++) if (previous[s]! > previous[state]!) state = s;
  const logProb = previous[state]!;
  const beatIndex = new Uint16Array(numFrames);
  const inBeatRange = new Uint8Array(numFrames);
  for (let t = numFrames - 1; t >= 0; t--) {
    beatIndex[t] = stateBeat[state]!;
    inBeatRange[t] =
      statePos[state]! < beatRegion[stateBeat[state]! * numTempi + stateTempo[state]!]! ? 1 : 0;
    state = bt[t * numStates + state]!;
  }
  return { logProb, beatIndex, inBeatRange };
}

/** Observation densities of random activations with a faint periodic pulse. */
function randomDensities(numFrames: number, period: number, seed: number): ObservationLogDensities {
  const random = mulberry32(seed);
  const nonBeat = new Float64Array(numFrames);
  const beat = new Float64Array(numFrames);
  const downbeat = new Float64Array(numFrames);
  for (let t = 0; t < numFrames; t++) {
    const pulse = t % period === 0 ? 0.4 : 0;
    const pBeat = 0.01 + 0.3 * random() + pulse;
    const pDown = 0.01 + 0.2 * random() + (t % (3 * period) === 0 ? 0.3 : 0);
    beat[t] = Math.log(pBeat);
    downbeat[t] = Math.log(pDown);
    nonBeat[t] = Math.log(Math.max(1 - pBeat - pDown, 1e-10) / 15);
  }
  return { nonBeat, beat, downbeat };
}

describe("viterbiBarPointer", () => {
  const cases = [
    { name: "linear tempo grid (20 fps), 3 beats", fps: 20, numTempi: 60, beats: 3, lambda: 100, frames: 400 },
    { name: "log tempo grid (100 fps), 2 beats", fps: 100, numTempi: 12, beats: 2, lambda: 100, frames: 600 },
    { name: "frequent tempo changes (λ = 5), 4 beats", fps: 20, numTempi: 60, beats: 4, lambda: 5, frames: 500 },
    { name: "one beat per bar", fps: 20, numTempi: 60, beats: 1, lambda: 30, frames: 300 },
  ];
  for (const c of cases) {
    it(`matches madmom's dense Viterbi: ${c.name}`, () => {
      const intervals = beatIntervals((60 * c.fps) / 215, (60 * c.fps) / 55, c.numTempi);
      const model = buildBarModel(c.beats, { intervals, transitionLambda: c.lambda, observationLambda: 16 });
      for (const seed of [1, 2, 3]) {
        const d = randomDensities(c.frames, 7 + seed * 3, seed);
        const fast = viterbiBarPointer(model, d, c.frames);
        const slow = referenceViterbi(model, d, c.frames);
        expect(fast.logProb).toBeCloseTo(slow.logProb, 8);
        expect(fast.beatIndex).toEqual(slow.beatIndex);
        expect(fast.inBeatRange).toEqual(slow.inBeatRange);
      }
    });
  }

  it("decodes a single frame", () => {
    const intervals = beatIntervals(6, 8);
    const model = buildBarModel(2, { intervals, transitionLambda: 100, observationLambda: 16 });
    const d = randomDensities(1, 5, 9);
    const fast = viterbiBarPointer(model, d, 1);
    const slow = referenceViterbi(model, d, 1);
    expect(fast.logProb).toBeCloseTo(slow.logProb, 12);
    expect(fast.beatIndex).toEqual(slow.beatIndex);
  });
});
