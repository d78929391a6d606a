import { describe, expect, it } from "vitest";
import { beatBlock, beatSlotFeatures, dominantMeter, selectBestDbn } from "./beat-block.js";
import { BEAT_BLOCK } from "./layout.js";

/** A steady grid at `bpm` with a downbeat every `bar` beats. */
function grid(bpm: number, n: number, bar: number, offsetSec = 0) {
  return Array.from({ length: n }, (_, i) => ({ timeSec: offsetSec + (i * 60) / bpm, isDownbeat: bar > 0 && i % bar === 0 }));
}

describe("beatBlock", () => {
  it("IBI features of a 120 BPM grid (known answers)", () => {
    const beats = grid(120, 20, 4);
    const events = beats.map((b) => b.timeSec);
    const f = beatSlotFeatures(beats, events, 10);
    expect(f[0]).toBeCloseTo(0.5 / 3, 12);
    expect(f[1]).toBeCloseTo(0, 12);
    expect(f[2]).toBeCloseTo(0, 12);
    expect(f[3]).toBeCloseTo(20 / 10 / 10, 12);
    expect(f[4]).toBeCloseTo(1, 12); // beats exactly on the onsets
    expect(Array.from(f.subarray(5, 11))).toEqual([0, 0, 1, 0, 0, 0]); // every bar spans 4 beats
    expect(f[11]).toBeCloseTo(120 / 300, 12);
    expect(Array.from(beatSlotFeatures(beats.slice(0, 2), events, 10))).toEqual(new Array(12).fill(0));
  });

  it("agreement counts the dominant meters of the slots (multifeature never votes)", () => {
    const three = grid(120, 24, 3);
    const four = grid(120, 24, 4);
    const block = beatBlock({ dbn: three, multifeature: grid(120, 24, 0), dbn_best: four }, [], 12);
    expect(block.length).toBe(BEAT_BLOCK.length);
    expect(Array.from(block.subarray(36))).toEqual([0.5, 0.5, 0, 0, 0, 0]);
    const agree = beatBlock({ dbn: three, dbn_best: three }, [], 12);
    expect(Array.from(agree.subarray(36))).toEqual([1, 0, 0, 0, 0, 0]);
    // one slot with a dominant meter is not agreement
    expect(Array.from(beatBlock({ dbn: three }, [], 12).subarray(36))).toEqual([0, 0, 0, 0, 0, 0]);
    // multifeature slot (index 1): downbeat histogram 0 by construction
    expect(Array.from(block.subarray(12 + 5, 12 + 11))).toEqual([0, 0, 0, 0, 0, 0]);
    expect(block[12]).toBeCloseTo(0.5 / 3, 6);
  });

  it("dominant meter: the most common spacing, first seen on ties, only METER_CLASSES", () => {
    expect(dominantMeter(grid(120, 24, 7))).toBe(7);
    expect(dominantMeter(grid(120, 24, 6))).toBeUndefined(); // 6 is not a class
    const mixed = [...grid(120, 6, 3), ...grid(120, 8, 4, 3)]; // spacings 3, 3, 4
    expect(dominantMeter(mixed)).toBe(3);
    expect(dominantMeter(grid(120, 24, 0))).toBeUndefined();
  });

  it("dbn_best: the variant whose bar length the HMM scores highest (log probability per frame)", () => {
    const onsets = grid(100, 20, 0).map((b) => b.timeSec);
    const variants = { dbn_bpb3: grid(120, 20, 3), dbn_bpb4: grid(100, 20, 4), dbn_bpb5: grid(100, 2, 5), dbn_bpb7: grid(100, 20, 7) };
    // 9 and 11 are not slot variants; 5 has too few beats; 3 wins over the better-aligned 4
    const scores = { 3: -1.2, 4: -1.5, 5: -0.1, 7: -2, 9: -0.5, 11: -3 };
    expect(selectBestDbn(variants, onsets, scores)?.name).toBe("dbn_bpb3");
    expect(selectBestDbn(variants, onsets, { ...scores, 7: -1 })?.name).toBe("dbn_bpb7");
    // ties: the first of 3/4/5/7; a length without a finite score is skipped
    expect(selectBestDbn(variants, onsets, { 3: -1, 4: -1 })?.name).toBe("dbn_bpb3");
    expect(selectBestDbn(variants, onsets, { 3: Number.NaN, 4: -9 })?.name).toBe("dbn_bpb4");
    expect(selectBestDbn({ dbn_bpb5: grid(100, 2, 5) }, onsets, scores)).toBeUndefined();
  });

  it("dbn_best fallback without scores (reference §7.4): best onset-aligned; the first with ≥ 3 beats without onsets", () => {
    const onsets = grid(100, 20, 0).map((b) => b.timeSec);
    const variants = { dbn_bpb3: grid(120, 20, 3), dbn_bpb4: grid(100, 20, 4), dbn_bpb5: grid(100, 2, 5) };
    expect(selectBestDbn(variants, onsets, undefined)?.name).toBe("dbn_bpb4");
    expect(selectBestDbn(variants, onsets, {})?.name).toBe("dbn_bpb4");
    expect(selectBestDbn(variants, onsets, { 5: 0, 9: 0 })?.name).toBe("dbn_bpb4"); // no eligible variant scored
    expect(selectBestDbn(variants, [], undefined)?.name).toBe("dbn_bpb3");
    expect(selectBestDbn({ dbn_bpb5: grid(100, 2, 5) }, onsets, undefined)).toBeUndefined();
  });
});
