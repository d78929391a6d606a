import { describe, expect, it } from "vitest";
import { type OnsetEnvelope, onsetStrength } from "./envelope.js";
import { backtrackToMinima, onsetEvents } from "./events.js";
import { clickTrack, whiteNoise } from "./test-utils/signals.js";

const envelopeOf = (values: number[]): OnsetEnvelope => ({
  envelope: Float32Array.from(values),
  fps: 22050 / 512,
  hopLength: 512,
  sampleRate: 22050,
});

describe("onsetEvents", () => {
  it("finds every click of a 120 BPM click track within ±1 frame", () => {
    const { samples, clickTimesSec } = clickTrack({ bpm: 120, durationSec: 10, seed: 4 });
    const env = onsetStrength(samples);
    const events = onsetEvents(env);
    expect(events.timesSec.length).toBe(clickTimesSec.length);
    const frame = 512 / 22050;
    clickTimesSec.forEach((t, k) => {
      expect(Math.abs(events.timesSec[k] - t)).toBeLessThanOrEqual(frame + 1e-9);
    });
    for (const s of events.strengths) {
      expect(s).toBeGreaterThan(0.5);
      expect(s).toBeLessThanOrEqual(1);
    }
  });

  it("peaks of a hand-made envelope, backtracked to the preceding minimum", () => {
    // Rises over frames 9..10 and 28..30; a tiny bump at 20 stays below mean + delta. With
    // librosa's post_max = 1 a frame only has to reach its predecessor, so the picker fires on
    // the first rising frame that clears mean(x[n−4 .. n+4]) + 0.07: 9 (0.5 ≥ 0.19 + 0.07) and
    // 29 (28 has 0.2 < 0.18 + 0.07), then waits one frame.
    const x = new Array(45).fill(0);
    [x[9], x[10], x[11]] = [0.5, 1, 0.2];
    x[20] = 0.05;
    [x[28], x[29], x[30]] = [0.2, 0.6, 0.8];
    const env = envelopeOf(x);
    const plain = onsetEvents(env, { backtrack: false });
    expect(Array.from(plain.frames)).toEqual([9, 29]);
    expect(Array.from(plain.peakFrames)).toEqual([9, 29]);
    expect(Array.from(plain.strengths)).toEqual([1, Math.fround(0.8)]);
    const back = onsetEvents(env);
    expect(Array.from(back.frames)).toEqual([8, 27]);
    expect(Array.from(back.peakFrames)).toEqual([9, 29]);
    expect(back.timesSec[0]).toBeCloseTo((8 * 512) / 22050, 12);
    // Strength is read at the top of the rise (frames 10 and 30), not at the backtracked minimum.
    expect(Array.from(back.strengths)).toEqual([1, Math.fround(0.8)]);
  });

  it("applies delta on the min–max normalised envelope", () => {
    // The offset (min 1) is removed first; peaks of 0.06 above a flat floor are below delta 0.07.
    const x = new Array(40).fill(1);
    x[10] = 2;
    x[25] = 1.06;
    expect(Array.from(onsetEvents(envelopeOf(x), { backtrack: false }).frames)).toEqual([10]);
    expect(Array.from(onsetEvents(envelopeOf(x), { backtrack: false, delta: 0.01 }).frames)).toEqual([10, 25]);
  });

  it("silence, a constant envelope and non-finite values give no events", () => {
    for (const env of [
      onsetStrength(new Float32Array(22050)),
      envelopeOf(new Array(50).fill(3)),
      envelopeOf([0, 1, Number.NaN, 0]),
      envelopeOf([]),
    ]) {
      const events = onsetEvents(env);
      expect(events.timesSec.length).toBe(0);
      expect(events.strengths.length).toBe(0);
    }
  });

  it("white noise gives a few sorted, finite events without throwing", () => {
    const env = onsetStrength(whiteNoise(3, { seed: 11 }));
    const { timesSec, strengths } = onsetEvents(env);
    for (let k = 0; k < timesSec.length; k++) {
      expect(Number.isFinite(timesSec[k]) && Number.isFinite(strengths[k])).toBe(true);
      if (k > 0) expect(timesSec[k]).toBeGreaterThanOrEqual(timesSec[k - 1]);
    }
    expect(timesSec.length).toBeLessThan(3 * 20);
  });
});

describe("backtrackToMinima", () => {
  it("moves each event to the last interior minimum at or before it, else frame 0", () => {
    //              0  1  2  3  4  5  6  7  8
    const energy = [3, 2, 1, 4, 4, 2, 2, 5, 1];
    // minima: i with e[i] ≤ e[i−1] and e[i] < e[i+1] → 2, 6 (5 ties 6 and is not below it); plus 0
    expect(Array.from(backtrackToMinima([1, 3, 5, 6, 7, 8], energy))).toEqual([0, 2, 2, 6, 6, 6]);
  });
});
