import { describe, expect, it } from "vitest";
import { beatIntervals, buildBarModel, exponentialTransition, roundHalfEven } from "./state-space.js";

describe("roundHalfEven", () => {
  it("rounds halves to the even neighbour like numpy", () => {
    expect([0.5, 1.5, 2.5, 3.5, -1.5, -2.5].map(roundHalfEven)).toEqual([0, 2, 2, 4, -2, -2]);
    expect([27.907, 109.09, 12.02, 2.4999].map(roundHalfEven)).toEqual([28, 109, 12, 2]);
  });
});

describe("beatIntervals", () => {
  it("reproduces madmom's 60 log-spaced intervals at 100 fps, 55–215 BPM", () => {
    // numpy/madmom BeatStateSpace(60·100/215, 60·100/55, 60).intervals
    const madmom = [
      28, 29, 30, 31, 32, 33, 34, 35, 36, 37, 38, 39, 40, 41, 42, 43, 44, 45, 46, 47, 48, 49, 50, 51, 52,
      53, 54, 55, 56, 58, 59, 60, 61, 63, 64, 65, 67, 68, 70, 71, 73, 74, 76, 78, 79, 81, 83, 84, 86, 88,
      90, 92, 94, 96, 98, 100, 102, 105, 107, 109,
    ];
    expect([...beatIntervals(6000 / 215, 6000 / 55, 60)]).toEqual(madmom);
  });

  it("falls back to the linear grid when it has fewer intervals than requested (≈43 fps)", () => {
    const fps = 22050 / 512;
    const intervals = beatIntervals((60 * fps) / 215, (60 * fps) / 55, 60);
    expect([...intervals]).toEqual(Array.from({ length: 36 }, (_, i) => 12 + i));
  });

  it("uses the linear grid when no count is given and rejects sub-frame beats", () => {
    expect([...beatIntervals(4.4, 7.6)]).toEqual([4, 5, 6, 7, 8]);
    expect(() => beatIntervals(0.2, 0.4)).toThrow(RangeError);
  });
});

describe("exponentialTransition", () => {
  it("normalises rows and zeroes probabilities at or below the threshold", () => {
    const intervals = [10, 11, 20];
    const p = exponentialTransition(intervals, intervals, 10);
    for (let i = 0; i < 3; i++) expect(p[3 * i]! + p[3 * i + 1]! + p[3 * i + 2]!).toBeCloseTo(1, 12);
    // 10 → 11: exp(−10·0.1) relative to exp(0); 10 → 20: exp(−10) is kept at this λ
    const z = 1 + Math.exp(-1) + Math.exp(-10);
    expect(p[0]).toBeCloseTo(1 / z, 12);
    expect(p[1]).toBeCloseTo(Math.exp(-1) / z, 12);
    // with λ = 100, 10 → 20 gives exp(−100) < 2^−52: pruned
    const q = exponentialTransition(intervals, intervals, 100);
    expect(q[2]).toBe(0);
    expect(q[6]).toBe(0);
  });
});

describe("buildBarModel", () => {
  const intervals = beatIntervals(6000 / 215, 6000 / 55, 60);
  const model = buildBarModel(4, { intervals, transitionLambda: 100, observationLambda: 16 });

  it("stacks one beat state space per beat", () => {
    const perBeat = intervals.reduce((a, b) => a + b, 0);
    expect(model.numStates).toBe(4 * perBeat);
  });

  it("marks the first 1/16 of every beat as its beat region (madmom's float positions)", () => {
    // position k/interval < 1/16 ⇔ k < interval/16, including exact boundaries (32 → 2, 48 → 3)
    for (let b = 0; b < 4; b++) {
      intervals.forEach((interval, j) => {
        expect(model.beatRegion[b * intervals.length + j]).toBe(Math.ceil(interval / 16));
      });
    }
    const j32 = intervals.indexOf(32);
    expect(model.beatRegion[j32]).toBe(2);
  });

  it("allows tempo changes only to nearby tempi, each source row summing to 1", () => {
    const n = intervals.length;
    for (let i = 0; i < n; i++) {
      let sum = 0;
      for (let j = 0; j < n; j++) {
        const logP = model.logTransitionTo[j * n + i]!;
        const inSupport = i >= model.sourceLo[j]! && i <= model.sourceHi[j]!;
        expect(Number.isFinite(logP)).toBe(inSupport);
        if (inSupport) sum += Math.exp(logP);
      }
      expect(sum).toBeCloseTo(1, 12);
    }
    // 28 → 109 frames per beat is far beyond exp(−100·|r − 1|) > 2^−52
    expect(model.sourceHi[0]).toBeLessThan(n - 1);
  });

  it("bounds every transition by the log-interval-additive envelopes used for pruning", () => {
    const n = intervals.length;
    for (let j = 0; j < n; j++) {
      for (let i = model.sourceLo[j]!; i <= model.sourceHi[j]!; i++) {
        const logP = model.logTransitionTo[j * n + i]!;
        if (i <= j) {
          const bound = model.belowIntercept - (model.belowScale[j]! - model.belowScale[i]!);
          expect(logP).toBeLessThanOrEqual(bound + 1e-12);
        }
        if (i >= j) {
          const bound = model.aboveIntercept - (model.aboveScale[i]! - model.aboveScale[j]!);
          expect(logP).toBeLessThanOrEqual(bound + 1e-12);
        }
      }
    }
    // faster sources pay at least λ per unit of log interval (|r − 1| ≥ ln r for r > 1)
    const slope = (model.belowScale[1]! - model.belowScale[0]!) / Math.log(intervals[1]! / intervals[0]!);
    expect(slope).toBeGreaterThanOrEqual(100);
  });
});
