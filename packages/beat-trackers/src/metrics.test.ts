import { describe, expect, it } from "vitest";
import {
  beatFMeasure,
  continuity,
  downbeatFMeasure,
  matchEvents,
  onsetAlignmentF1,
  trimBeats,
} from "./metrics.js";

const range = (start: number, end: number, step: number) => {
  const out: number[] = [];
  for (let i = 0; start + i * step <= end + 1e-9; i++) out.push(start + i * step);
  return out;
};

describe("trimBeats", () => {
  it("keeps beats at or after the minimum time", () => {
    expect(trimBeats([1, 4.99, 5, 6])).toEqual([5, 6]);
    expect(trimBeats(new Float64Array([0.5, 1.5]), 1)).toEqual([1.5]);
  });
});

describe("matchEvents", () => {
  it("finds the maximum matching where nearest-first greedy pairing does not", () => {
    // greedy would pair 1.02 with 1.05 (nearer) and leave 1.10 unmatched
    expect(matchEvents([0.97, 1.05], [1.02, 1.1], 0.07)).toEqual([
      [0, 0],
      [1, 1],
    ]);
  });

  it("has the size of a brute-force maximum matching on random event lists", () => {
    let seed = 12345;
    const random = () => {
      seed = (seed * 1103515245 + 12345) % 2147483648;
      return seed / 2147483648;
    };
    const bruteForce = (ref: number[], est: number[], w: number): number => {
      const best = (j: number, usedRef: number): number => {
        if (j === est.length) return 0;
        let result = best(j + 1, usedRef); // leave estimate j unmatched
        for (let i = 0; i < ref.length; i++) {
          if (usedRef & (1 << i)) continue;
          if (ref[i]! >= est[j]! - w && ref[i]! <= est[j]! + w) {
            result = Math.max(result, 1 + best(j + 1, usedRef | (1 << i)));
          }
        }
        return result;
      };
      return best(0, 0);
    };
    for (let trial = 0; trial < 200; trial++) {
      const ref = Array.from({ length: 1 + Math.floor(random() * 7) }, () => random()).sort((a, b) => a - b);
      const est = Array.from({ length: 1 + Math.floor(random() * 7) }, () => random()).sort((a, b) => a - b);
      const pairs = matchEvents(ref, est, 0.15);
      expect(pairs.length).toBe(bruteForce(ref, est, 0.15));
      // a matching: every index used once, every pair within the window
      expect(new Set(pairs.map(([i]) => i)).size).toBe(pairs.length);
      expect(new Set(pairs.map(([, j]) => j)).size).toBe(pairs.length);
      for (const [i, j] of pairs) expect(Math.abs(ref[i]! - est[j]!)).toBeLessThanOrEqual(0.15 + 1e-12);
    }
  });

  it("matches long chains of overlapping windows", () => {
    const ref = range(0, 100, 0.01);
    const est = ref.map((t) => t + 0.006);
    expect(matchEvents(ref, est, 0.07)).toHaveLength(ref.length);
  });
});

describe("beatFMeasure", () => {
  it("is 1 for a perfect match and for estimates within the window", () => {
    const ref = range(5, 20, 0.5);
    expect(beatFMeasure(ref, ref)).toBe(1);
    expect(beatFMeasure(ref, ref.map((t) => t + 0.05))).toBe(1);
  });

  it("counts a partial match: 2 of 3 estimates on 2 of 4 references → F = 4/7", () => {
    expect(beatFMeasure([1, 2, 3, 4], [1.05, 2.1, 3.0])).toBeCloseTo(4 / 7, 12);
  });

  it("uses mir_eval's window bounds (est ± window, inclusive)", () => {
    // |1.07 − 1.0| is 0.07000000000000006 in floating point, yet 1.0 + 0.07 === 1.07
    expect(beatFMeasure([1.07], [1.0])).toBe(1);
    expect(beatFMeasure([1.08], [1.0])).toBe(0);
    expect(beatFMeasure([1.08], [1.0], { window: 0.1 })).toBe(1);
  });

  it("is 0 when either side is empty (mir_eval warns; so does nothing here)", () => {
    expect(beatFMeasure([], [1])).toBe(0);
    expect(beatFMeasure([1], [])).toBe(0);
    expect(beatFMeasure([], [])).toBe(0);
  });

  it("rejects unsorted or out-of-unit times like mir_eval", () => {
    expect(() => beatFMeasure([2, 1], [1])).toThrow(RangeError);
    expect(() => beatFMeasure([1], [40000])).toThrow(RangeError);
    expect(() => beatFMeasure([Number.NaN], [1])).toThrow(RangeError);
  });

  it("applies to downbeats unchanged", () => {
    expect(downbeatFMeasure([1, 3, 5], [1.01, 5.02])).toBeCloseTo(0.8, 12);
  });
});

describe("continuity", () => {
  const ref = range(0, 10, 1);

  it("is 1 everywhere for a perfect match", () => {
    expect(continuity(ref, ref)).toEqual({ CMLc: 1, CMLt: 1, AMLc: 1, AMLt: 1 });
  });

  it("scores off-beat estimates only at any metric level", () => {
    expect(continuity(ref, range(0.5, 9.5, 1))).toEqual({ CMLc: 0, CMLt: 0, AMLc: 1, AMLt: 1 });
  });

  it("scores double and half tempo only at any metric level", () => {
    expect(continuity(ref, range(0, 10, 0.5))).toEqual({ CMLc: 0, CMLt: 0, AMLc: 1, AMLt: 1 });
    expect(continuity(ref, range(0, 10, 2))).toEqual({ CMLc: 0, CMLt: 0, AMLc: 1, AMLt: 1 });
  });

  it("separates the longest correct run from the total on a partial match", () => {
    // beat 3 is half a period late (phase error), so beats 3 and 4 fail: 1 1 0 0 1 1 1 1 1 1
    const r = range(1, 10, 1);
    expect(continuity(r, [1, 2, 3.5, 4, 5, 6, 7, 8, 9, 10])).toEqual({ CMLc: 0.6, CMLt: 0.8, AMLc: 0.6, AMLt: 0.8 });
    // 5.3 fails on phase, 6 on period (0.7 s interval); 9.1 and 10 are within both thresholds
    expect(continuity(r, [1, 2, 3, 4, 5.3, 6, 7, 8, 9.1, 10])).toEqual({ CMLc: 0.4, CMLt: 0.8, AMLc: 0.4, AMLt: 0.8 });
  });

  it("divides by the longer of the two sequences", () => {
    const s = continuity([1, 2, 3], [1.05, 2.02]);
    expect(s.CMLc).toBeCloseTo(2 / 3, 12);
    expect(s.CMLt).toBeCloseTo(2 / 3, 12);
  });

  it("is 0 when either side has fewer than two beats", () => {
    const zero = { CMLc: 0, CMLt: 0, AMLc: 0, AMLt: 0 };
    expect(continuity([], [])).toEqual(zero);
    expect(continuity([1], [1])).toEqual(zero);
    expect(continuity(ref, [])).toEqual(zero);
  });
});

describe("onsetAlignmentF1", () => {
  it("is 1 when beats and onsets coincide", () => {
    expect(onsetAlignmentF1([1, 2, 3], [3, 1, 2])).toBe(1);
  });

  it("uses capped nearest distances, not hit counts", () => {
    // precision: distances 0 and 0.035 → 1 − 0.0175/0.07 = 0.75
    // recall: distances 0, 0.035 and 1.0 capped to 0.07 → 1 − 0.035/0.07 = 0.5
    expect(onsetAlignmentF1([1, 2], [1, 2.035, 3])).toBeCloseTo(0.6, 12);
  });

  it("is 0 with nothing aligned or an empty side", () => {
    expect(onsetAlignmentF1([1, 2], [1.5])).toBe(0);
    expect(onsetAlignmentF1([], [1])).toBe(0);
    expect(onsetAlignmentF1([1], [])).toBe(0);
  });
});
