import { describe, expect, it } from "vitest";
import { amplitudeToDb, powerToDb } from "./db.js";
import { matrixFrom } from "./matrix.js";

describe("powerToDb", () => {
  const s = matrixFrom(Float32Array.from([1, 0.1, 1e-12, 100]), 2, 2);

  it("takes 10·log10(max(amin, S)) relative to ref, floored at (global max − topDb)", () => {
    expect(Array.from(powerToDb(s, { topDb: null }).data)).toEqual([0, -10, -100, 20].map(Math.fround));
    // max is 20 dB, so everything is clamped to at least −60 dB
    expect(Array.from(powerToDb(s).data)).toEqual([0, -10, -60, 20]);
    expect(Array.from(powerToDb(s, { topDb: 15 }).data)).toEqual([5, 5, 5, 20]);
  });

  it("supports ref = 'max' and custom amin", () => {
    expect(Array.from(powerToDb(s, { ref: "max", topDb: null, amin: 1e-6 }).data)).toEqual([-20, -30, -80, 0]);
  });

  it("turns silence into a constant −100 dB (the floor is relative to the silent max)", () => {
    const silent = matrixFrom(new Float32Array(6), 2, 3);
    expect(Array.from(powerToDb(silent).data)).toEqual(new Array(6).fill(-100));
  });

  it("rejects a non-positive amin or a negative topDb", () => {
    expect(() => powerToDb(s, { amin: 0 })).toThrow(RangeError);
    expect(() => powerToDb(s, { topDb: -1 })).toThrow(RangeError);
  });
});

describe("amplitudeToDb", () => {
  it("is 20·log10 of the amplitude", () => {
    const a = matrixFrom(Float32Array.from([1, 10, 0.01]), 1, 3);
    const db = amplitudeToDb(a, { topDb: null });
    expect(db.data[0]).toBeCloseTo(0, 5);
    expect(db.data[1]).toBeCloseTo(20, 5);
    expect(db.data[2]).toBeCloseTo(-40, 5);
  });
});
