import { describe, expect, it } from "vitest";
import { SIGNAL_BLOCK, SIGNAL_SLOTS } from "./layout.js";
import { signalBlock } from "./signal-block.js";
import { tempoBlock } from "./tempo-block.js";

describe("signalBlock", () => {
  it("writes each slot's scores in layout order and meter-key order", () => {
    const block = signalBlock({ autocorr: { "3/4": 1, "6/8": 0.5 }, hcdf: { "12/8": 0.25 }, "spacing:dbn": {} });
    expect(block.length).toBe(SIGNAL_BLOCK.length);
    const autocorr = SIGNAL_SLOTS.findIndex((s) => s.name === "autocorr");
    expect(autocorr).toBe(2);
    expect(block[autocorr * 12 + 1]).toBe(1); // 3/4
    expect(block[autocorr * 12 + 5]).toBe(0.5); // 6/8
    expect(block[4 * 12 + 11]).toBe(0.25); // hcdf 12/8
    expect(Array.from(block).filter((v) => v !== 0).length).toBe(3);
  });

  it("refuses unknown slot names and non-finite scores", () => {
    expect(() => signalBlock({ autocor: { "3/4": 1 } })).toThrow(/not a signal slot/);
    expect(() => signalBlock({ hcdf: { "3/4": Number.NaN } })).toThrow(/hcdf 3\/4/);
  });
});

describe("tempoBlock", () => {
  it("follows the §9 examples", () => {
    expect(Array.from(tempoBlock(0, 0))).toEqual([0, 0, 1, 0]);
    expect(Array.from(tempoBlock(120, 0))).toEqual([Math.fround(0.4), 0, 1, 0.5]);
    expect(Array.from(tempoBlock(120, 60))).toEqual([Math.fround(0.4), Math.fround(0.2), 2, 0.5]);
    expect(Array.from(tempoBlock(450, 150))).toEqual([1, Math.fround(0.5), 3, Math.fround(1 - 300 / 450)]);
  });

  it("refuses negative or non-finite tempi", () => {
    expect(() => tempoBlock(-1, 120)).toThrow(/libBpm/);
    expect(() => tempoBlock(120, Number.POSITIVE_INFINITY)).toThrow(/tgBpm/);
  });
});
