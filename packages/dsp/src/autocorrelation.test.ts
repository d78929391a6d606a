import { describe, expect, it } from "vitest";
import { autocorrelate, normalizedAutocorrelation } from "./autocorrelation.js";
import { argMax, impulseTrain, noise } from "./test-utils/signals.js";

describe("autocorrelate", () => {
  it("equals the direct O(N²) linear autocorrelation", () => {
    const x = noise(300, 1);
    const r = autocorrelate(x);
    for (const lag of [0, 1, 7, 150, 299]) {
      let direct = 0;
      for (let i = 0; i + lag < x.length; i++) direct += x[i] * x[i + lag];
      expect(r[lag]).toBeCloseTo(direct, 9);
    }
    expect(autocorrelate(x, 10).length).toBe(10);
  });
});

describe("normalizedAutocorrelation (reference P7)", () => {
  it("peaks at the period of an impulse train and its multiples", () => {
    const r = normalizedAutocorrelation(impulseTrain(400, 20, 3));
    expect(r).not.toBeNull();
    if (r === null) return;
    expect(r.length).toBe(400);
    expect(r[0]).toBeCloseTo(1, 6);
    expect(argMax(r.subarray(5))).toBe(20 - 5);
    expect(r[40]).toBeGreaterThan(r[39]);
    expect(r[40]).toBeGreaterThan(r[41]);
    // biased estimator: the value at lag 20k decays with the overlap
    expect(r[20]).toBeGreaterThan(r[200]);
  });

  it("is r[ℓ] = Σ x_i·x_{i+ℓ} / Σ x_i² after removing the mean", () => {
    const x = Float32Array.from([1, 2, 3, 4, 5, 4, 3, 2, 1, 0, 1, 2]);
    const mean = x.reduce((a, b) => a + b) / x.length;
    const c = Array.from(x, (v) => v - mean);
    const energy = c.reduce((a, v) => a + v * v, 0);
    const r = normalizedAutocorrelation(x);
    for (let lag = 0; lag < x.length; lag++) {
      let s = 0;
      for (let i = 0; i + lag < x.length; i++) s += c[i] * c[i + lag];
      expect(r?.[lag]).toBeCloseTo(s / energy, 6);
    }
  });

  it("returns null for fewer than 10 samples and zeros for a constant signal", () => {
    expect(normalizedAutocorrelation(new Float32Array(9))).toBeNull();
    const flat = normalizedAutocorrelation(new Float32Array(50).fill(0.3));
    expect(flat).toEqual(new Float32Array(50));
  });
});
