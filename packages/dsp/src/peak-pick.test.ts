import { describe, expect, it } from "vitest";
import { peakPick } from "./peak-pick.js";

// librosa.onset.onset_detect's settings at 22050 Hz / hop 512 (reference P5).
const ONSET = { preMax: 1, postMax: 1, preAvg: 4, postAvg: 5, delta: 0.07, wait: 1 };

describe("peakPick (librosa.util.peak_pick)", () => {
  it("matches a hand-computed example with onset_detect's parameters", () => {
    const x = Float32Array.from([0.9, 0.1, 0.0, 0.0, 0.5, 0.4, 0.0, 0.0, 0.0, 0.3, 0.3, 0.0, 1.0, 0.0]);
    // n=0: 0.9 ≥ max(x[0:1]) and 0.9 ≥ mean(x[0:5]) + 0.07 = 0.37 → peak, continue at 2
    // n=3: x3 = max(x[2:4]) = 0 but 0 < mean(x[0:8]) + 0.07 = 0.3075 → no
    // n=4: 0.5 = max(x[3:5]), 0.5 ≥ mean(x[0:9]) + 0.07 = 0.281 → peak, continue at 6
    // n=9: 0.3 = max(x[8:10]), 0.3 ≥ mean(x[5:14]) + 0.07 = 0.292 → peak; n=10 (the plateau twin) is skipped
    // n=12: 1.0 = max(x[11:13]), 1.0 ≥ mean(x[8:14]) + 0.07 = 0.337 → peak
    expect(Array.from(peakPick(x, ONSET))).toEqual([0, 4, 9, 12]);
  });

  it("special-cases frame 0: compared only with x[0:postMax] and mean(x[0:postAvg])", () => {
    // With the general rule frame 0 would need x0 ≥ max(x[0:1]) = x0 (true) and ≥ mean(x[0:5]) + δ.
    const x = Float32Array.from([0.2, 0.1, 0.9, 0.1, 0.0, 0.0, 0.0]);
    // mean(x[0:5]) + 0.07 = 0.33 > 0.2 → frame 0 is not a peak; frame 2 is.
    expect(Array.from(peakPick(x, ONSET))).toEqual([2]);
    // postMax = 3 makes frame 0 compare with x[0:3], which contains 0.9 → still not a peak.
    expect(Array.from(peakPick(Float32Array.from([0.5, 0, 0.9, 0, 0, 0]), { ...ONSET, postMax: 3, delta: 0 }))).toEqual([2]);
    expect(Array.from(peakPick(Float32Array.from([0.5, 0, 0.4, 0, 0, 0]), { ...ONSET, postMax: 2, delta: 0 }))).toEqual([0, 2]);
  });

  it("skips `wait` frames after each peak and accepts equality with delta = 0", () => {
    const flat = new Float32Array(7);
    expect(Array.from(peakPick(flat, { ...ONSET, delta: 0, wait: 1 }))).toEqual([0, 2, 4, 6]);
    expect(Array.from(peakPick(flat, { ...ONSET, delta: 0, wait: 2 }))).toEqual([0, 3, 6]);
    expect(Array.from(peakPick(flat, { ...ONSET, delta: 0, wait: 0 }))).toEqual([0, 1, 2, 3, 4, 5, 6]);
    expect(Array.from(peakPick(flat, ONSET))).toEqual([]);
  });

  it("accepts x ≥ mean + delta inclusively, for float32 and float64 input", () => {
    // frame 0 with delta 0.25: mean(x[0:5]) = x0/5, so x0 = 0.3125 sits exactly on the threshold
    const options = { ...ONSET, delta: 0.25 };
    expect(Array.from(peakPick(Float32Array.from([0.3125, 0, 0, 0, 0, 0]), options))).toEqual([0]);
    expect(Array.from(peakPick([0.3125, 0, 0, 0, 0, 0], options))).toEqual([0]);
    expect(Array.from(peakPick([0.3124, 0, 0, 0, 0, 0], options))).toEqual([]);
  });

  it("validates its windows like librosa", () => {
    const x = new Float32Array(4);
    expect(() => peakPick(x, { ...ONSET, postMax: 0 })).toThrow(RangeError);
    expect(() => peakPick(x, { ...ONSET, postAvg: 0 })).toThrow(RangeError);
    expect(() => peakPick(x, { ...ONSET, preMax: -1 })).toThrow(RangeError);
    expect(() => peakPick(x, { ...ONSET, delta: -0.1 })).toThrow(RangeError);
    expect(peakPick(new Float32Array(0), ONSET).length).toBe(0);
  });
});
