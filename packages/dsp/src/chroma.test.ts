import { describe, expect, it } from "vitest";
import { chroma, cqtToChroma } from "./chroma.js";
import { C1_HZ, cqtFrequencies } from "./cqt.js";
import { createMatrix, matrixColumn, matrixGet } from "./matrix.js";
import { magnitudeSpectrogram } from "./stft.js";
import { argMax, sine } from "./test-utils/signals.js";
import { estimateTuning, pitchTuning } from "./tuning.js";

const SR = 22050;

describe("cqtToChroma (librosa.filters.cq_to_chroma)", () => {
  it("folds the 3 bins centred on each pitch class, starting at C", () => {
    const nBins = 252;
    const c = createMatrix(nBins, nBins);
    for (let b = 0; b < nBins; b++) c.data[b * nBins + b] = 1; // column b = impulse in bin b
    const folded = cqtToChroma(c, { norm: null });
    const classOf = (b: number) => argMax(matrixColumn(folded, b));
    expect(classOf(0)).toBe(0); // C1
    expect(classOf(1)).toBe(0); // C1 + 1/3 semitone
    expect(classOf(2)).toBe(1); // C♯1 − 1/3 semitone
    expect(classOf(35)).toBe(0); // C2 − 1/3 semitone
    expect(classOf(135)).toBe(9); // A4
    for (let b = 0; b < nBins; b++) expect(classOf(b)).toBe(Math.round(b / 3) % 12);
  });

  it("normalises each frame to a maximum of 1 and leaves silent frames at 0", () => {
    const c = createMatrix(36, 2);
    c.data[0 * 2] = 4; // frame 0: class C
    c.data[27 * 2] = 2; // frame 0: class A
    const out = cqtToChroma(c);
    expect(matrixGet(out, 0, 0)).toBe(1);
    expect(matrixGet(out, 9, 0)).toBe(0.5);
    expect(Array.from(matrixColumn(out, 1))).toEqual(new Array(12).fill(0));
  });
});

describe("tuning estimation", () => {
  it("reproduces librosa's pitch_tuning example: notes at +25 cents → 0.25", () => {
    expect(pitchTuning(cqtFrequencies(24, 55, 12, 0.25))).toBeCloseTo(0.25, 10);
    expect(pitchTuning([])).toBe(0);
  });

  it("finds an in-tune A440 close to 0 and a sine 0.3 bins sharp close to +0.3 (36 bins/octave)", () => {
    const inTune = estimateTuning(sine(440, SR, SR * 2, 0.5), { sampleRate: SR, binsPerOctave: 36 });
    expect(Math.abs(inTune)).toBeLessThanOrEqual(0.05);
    const sharp = sine(440 * 2 ** (0.3 / 36), SR, SR * 2, 0.5);
    expect(estimateTuning(magnitudeSpectrogram(sharp), { sampleRate: SR, binsPerOctave: 36 })).toBeCloseTo(0.3, 1);
  });
});

describe("chroma (CQT-based, librosa.feature.chroma_cqt)", () => {
  it("puts a 440 Hz sine in class A with value 1 and little elsewhere", () => {
    const x = sine(440, SR, SR * 3, 0.5);
    const out = chroma(x, { sampleRate: SR });
    expect(out.nRows).toBe(12);
    expect(out.nCols).toBe(1 + Math.floor(x.length / 512));
    const column = matrixColumn(out, 64);
    expect(argMax(column)).toBe(9);
    expect(column[9]).toBeCloseTo(1, 6);
    for (let c = 0; c < 12; c++) if (c !== 9) expect(column[c]).toBeLessThan(0.05);
  });

  it("labels a C major triad's classes C, E, G highest", () => {
    const length = SR * 3;
    const x = new Float32Array(length);
    for (const f of [261.63, 329.63, 392.0]) {
      const s = sine(f, SR, length, 0.3);
      for (let i = 0; i < length; i++) x[i] += s[i];
    }
    const column = matrixColumn(chroma(x, { sampleRate: SR, spectrogram: magnitudeSpectrogram(x) }), 64);
    const top3 = Array.from(column.keys())
      .sort((a, b) => column[b] - column[a])
      .slice(0, 3)
      .sort((a, b) => a - b);
    expect(top3).toEqual([0, 4, 7]);
  });

  it("returns all-zero frames for silence", () => {
    const out = chroma(new Float32Array(SR), { sampleRate: SR, tuning: 0 });
    expect(out.data.every((v) => v === 0)).toBe(true);
  });

  it("rejects CQT bins beyond Nyquist", () => {
    expect(() => chroma(new Float32Array(4000), { sampleRate: 8000, tuning: 0 })).toThrow(/Nyquist/);
    expect(C1_HZ).toBeCloseTo(32.70319566257483, 12);
  });
});
