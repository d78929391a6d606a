import { describe, expect, it } from "vitest";
import { Rng } from "./prng.js";
import { driftShape, TempoMap } from "./timeline.js";

describe("TempoMap", () => {
  it("places beats every 60/bpm seconds after the start at constant tempo", () => {
    const map = new TempoMap(0.25, 40, () => 120);
    expect(map.timeAt(0)).toBe(0.25);
    expect(map.timeAt(10)).toBeCloseTo(5.25, 12);
    expect(map.timeAt(2.5)).toBeCloseTo(1.5, 12);
    expect(map.timeAt(41)).toBeCloseTo(20.75, 12);
  });

  it("integrates a tempo ramp: bpm = 60(1 + b/100) gives t(b) = 100·ln(1 + b/100)", () => {
    const map = new TempoMap(0, 50, (b) => 60 * (1 + b / 100));
    for (const b of [1, 10, 33.5, 50]) expect(map.timeAt(b)).toBeCloseTo(100 * Math.log(1 + b / 100), 9);
  });
});

describe("driftShape", () => {
  it("is slow, varies, and peaks at magnitude 1", () => {
    for (const seed of [1, 2, 3, 4]) {
      const shape = driftShape(new Rng(seed), 200, 120);
      const values = Array.from({ length: 801 }, (_, i) => shape(i / 4));
      expect(Math.max(...values.map(Math.abs))).toBeCloseTo(1, 6);
      expect(Math.max(...values) - Math.min(...values)).toBeGreaterThan(0.8);
      // Within one beat the tempo moves by well under half of its full swing.
      for (let i = 4; i < values.length; i++) expect(Math.abs(values[i]! - values[i - 4]!)).toBeLessThan(0.4);
    }
  });
});
