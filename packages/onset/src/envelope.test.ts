import { matrixFrom, stftFrameCount } from "@tactus/dsp";
import { describe, expect, it } from "vitest";
import { envelopeTimes, normalizedEnvelope, onsetStrength, onsetStrengthFromMelDb } from "./envelope.js";
import { spectralFrontEnd } from "./front-end.js";
import { clickTrack, whiteNoise } from "./test-utils/signals.js";

describe("onsetStrengthFromMelDb (reference P3 on a hand-made mel-dB matrix)", () => {
  // 3 bands × 7 frames. Lag-1 positive differences per band, then aggregated:
  //   band 0: 0→10 (+10), 10→10 (0), 10→4 (−), 4→6 (+2), 6→6, 6→0
  //   band 1: 0→2 (+2), 2→8 (+6), 8→8, 8→8, 8→9 (+1), 9→0
  //   band 2: 0→6 (+6), 6→0, 0→0, 0→3 (+3), 3→3, 3→3
  const melDb = matrixFrom(
    Float32Array.from([0, 10, 10, 4, 6, 6, 0, /**/ 0, 2, 8, 8, 8, 9, 0, /**/ 0, 6, 0, 0, 3, 3, 3]),
    3,
    7,
  );

  it("mean: flux shifted right by 1 + 2048/(2·512) = 3 frames and cut to the frame count", () => {
    const env = onsetStrengthFromMelDb(melDb, { aggregate: "mean" });
    // diffs d0..d5 = mean([10,2,6]), mean([0,6,0]), 0, mean([2,0,3]), mean([0,1,0]), 0; the last two are cut.
    const expected = [0, 0, 0, 6, 2, 0, 5 / 3];
    expect(env.envelope.length).toBe(7);
    for (let i = 0; i < 7; i++) expect(env.envelope[i]).toBeCloseTo(expected[i], 6);
    expect(env.fps).toBeCloseTo(22050 / 512, 12);
    expect(env).toMatchObject({ hopLength: 512, sampleRate: 22050 });
  });

  it("median over bands", () => {
    const env = onsetStrengthFromMelDb(melDb, { aggregate: "median" });
    expect(Array.from(env.envelope)).toEqual([0, 0, 0, 6, 0, 0, 2]);
  });

  it("an even band count takes the mean of the two middle values (numpy median)", () => {
    const m = matrixFrom(Float32Array.from([0, 1, 0, 3, 0, 5, 0, 7]), 4, 2);
    const env = onsetStrengthFromMelDb(m, { aggregate: "median", fftSize: 512, hopLength: 512 });
    // shift 1 + floor(512/1024) = 1; diffs [1, 3, 5, 7] → median 4
    expect(Array.from(env.envelope)).toEqual([0, 4]);
  });

  it("too few frames for the shift gives zeros", () => {
    const env = onsetStrengthFromMelDb(matrixFrom(new Float32Array([1, 5, 9]), 1, 3));
    expect(Array.from(env.envelope)).toEqual([0, 0, 0]);
  });
});

describe("onsetStrength on audio", () => {
  it("silence gives an all-zero envelope of 1 + floor(N/512) frames", () => {
    const env = onsetStrength(new Float32Array(22050 * 3));
    expect(env.envelope.length).toBe(1 + Math.floor((22050 * 3) / 512));
    expect(env.envelope.every((v) => v === 0)).toBe(true);
    expect(Array.from(normalizedEnvelope(env)).every((v) => v === 0)).toBe(true);
  });

  it("a click track peaks on the click frames and is quiet between them", () => {
    const { samples, clickTimesSec } = clickTrack({ bpm: 120, durationSec: 6 });
    const env = onsetStrength(samples);
    const x = env.envelope;
    let max = 0;
    for (const v of x) max = Math.max(max, v);
    for (const t of clickTimesSec) {
      const frame = Math.round(t * env.fps);
      let peak = 0;
      let peakFrame = -1;
      for (let i = frame - 2; i <= frame + 2; i++) if (x[i] > peak) [peak, peakFrame] = [x[i], i];
      expect(Math.abs(peakFrame - frame)).toBeLessThanOrEqual(1);
      expect(peak).toBeGreaterThan(0.5 * max);
    }
    // Half-way between clicks nothing changes.
    for (const t of clickTimesSec) expect(x[Math.round((t + 0.25) * env.fps)]).toBe(0);
    expect(x.every(Number.isFinite)).toBe(true);
  });

  it("a precomputed mel-dB matrix gives the same envelope as the samples", () => {
    const samples = whiteNoise(2, { seed: 7 });
    for (let i = 20000; i < 22050; i++) samples[i] *= 4;
    const front = spectralFrontEnd(samples, 22050);
    for (const aggregate of ["mean", "median"] as const) {
      const direct = onsetStrength(samples, { aggregate });
      const shared = onsetStrength(samples, { aggregate, melDb: front.melDb });
      expect(Array.from(shared.envelope)).toEqual(Array.from(direct.envelope));
    }
  });

  it("rejects a mel-dB matrix with the wrong frame count", () => {
    const front = spectralFrontEnd(new Float32Array(22050), 22050);
    expect(() => onsetStrength(new Float32Array(44100), { melDb: front.melDb })).toThrow(RangeError);
  });

  it("follows the hop length", () => {
    const { samples } = clickTrack({ bpm: 100, durationSec: 3 });
    const env = onsetStrength(samples, { hopLength: 256 });
    expect(env.envelope.length).toBe(1 + Math.floor(samples.length / 256));
    expect(env.fps).toBeCloseTo(22050 / 256, 12);
  });
});

describe("spectralFrontEnd", () => {
  it("one STFT feeding power, mel power and mel dB (top 80 dB)", () => {
    const samples = whiteNoise(1, { seed: 3, amplitude: 0.1 });
    const front = spectralFrontEnd(samples, 22050);
    const frames = stftFrameCount(samples.length, { fftSize: 2048, hopLength: 512 });
    expect([front.power.nRows, front.power.nCols, front.power.scale]).toEqual([1025, frames, "power"]);
    expect([front.melPower.nRows, front.melPower.nCols]).toEqual([128, frames]);
    expect([front.melDb.nRows, front.melDb.nCols]).toEqual([128, frames]);
    let max = Number.NEGATIVE_INFINITY;
    let min = Number.POSITIVE_INFINITY;
    for (const v of front.melDb.data) [max, min] = [Math.max(max, v), Math.min(min, v)];
    expect(max - min).toBeLessThanOrEqual(80 + 1e-4);
    // dB of one cell matches its power
    const i = 40 * frames + 10;
    expect(front.melDb.data[i]).toBeCloseTo(Math.max(10 * Math.log10(front.melPower.data[i]), max - 80), 3);
  });
});

describe("normalizedEnvelope and envelopeTimes", () => {
  it("divides by the maximum and stamps frame i at i·hop/sr", () => {
    const env = { envelope: Float32Array.from([0, 2, 8, 4]), fps: 22050 / 512, hopLength: 512, sampleRate: 22050 };
    expect(Array.from(normalizedEnvelope(env))).toEqual([0, 0.25, 1, 0.5]);
    expect(Array.from(env.envelope)).toEqual([0, 2, 8, 4]);
    const times = envelopeTimes(env);
    expect(times[3]).toBeCloseTo((3 * 512) / 22050, 12);
  });
});
