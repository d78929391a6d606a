import { describe, expect, it } from "vitest";
import { hashSeed, Rng } from "./prng.js";

describe("Rng", () => {
  it("repeats its sequence for the same seed and differs for another", () => {
    const a = new Rng(42);
    const b = new Rng(42);
    const c = new Rng(43);
    const xs = Array.from({ length: 5 }, () => a.next());
    expect(Array.from({ length: 5 }, () => b.next())).toEqual(xs);
    expect(Array.from({ length: 5 }, () => c.next())).not.toEqual(xs);
  });

  it("draws uniformly in [0, 1): mean 1/2, variance 1/12", () => {
    const rng = new Rng(7);
    const xs = Array.from({ length: 20000 }, () => rng.next());
    const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
    const variance = xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length;
    expect(Math.min(...xs)).toBeGreaterThanOrEqual(0);
    expect(Math.max(...xs)).toBeLessThan(1);
    expect(mean).toBeCloseTo(0.5, 2);
    expect(variance).toBeCloseTo(1 / 12, 2);
  });

  it("draws integers over the whole closed range and normals with unit variance", () => {
    const rng = new Rng(3);
    const seen = new Set(Array.from({ length: 500 }, () => rng.int(2, 5)));
    expect([...seen].sort()).toEqual([2, 3, 4, 5]);
    const zs = Array.from({ length: 20000 }, () => rng.normal());
    const variance = zs.reduce((s, z) => s + z * z, 0) / zs.length;
    expect(variance).toBeGreaterThan(0.95);
    expect(variance).toBeLessThan(1.05);
  });

  it("shuffles into a permutation and forks independent streams", () => {
    const rng = new Rng(9);
    expect(rng.shuffle([1, 2, 3, 4, 5, 6]).sort()).toEqual([1, 2, 3, 4, 5, 6]);
    const parent = new Rng(1);
    expect(parent.fork("a").next()).not.toBe(new Rng(1).fork("b").next());
  });
});

describe("hashSeed", () => {
  it("separates its parts and gives unsigned 32-bit integers", () => {
    expect(hashSeed("ab", "c")).not.toBe(hashSeed("a", "bc"));
    expect(hashSeed(1, 2)).not.toBe(hashSeed(2, 1));
    expect(hashSeed(5)).toBe(hashSeed(5));
    const h = hashSeed("x", 1);
    expect(Number.isInteger(h) && h >= 0 && h < 2 ** 32).toBe(true);
  });
});
