import { describe, expect, it } from "vitest";
import { C1_HZ, cqt, cqtFrequencies } from "./cqt.js";
import { matrixGet } from "./matrix.js";
import { argMax, noise, sine } from "./test-utils/signals.js";

const SR = 22050;
const HOP = 512;

/** Direct time-domain reference: √L·|Σ_j b[j]·x[t·hop − j]| with librosa's Hann wavelet b. */
function directCqt(x: Float32Array, frequencyHz: number, binsPerOctave: number, frame: number): number {
  const r = 2 ** (1 / binsPerOctave);
  const alpha = (r * r - 1) / (r * r + 1);
  const length = SR / (alpha * frequencyHz);
  const j0 = Math.floor(-length / 2);
  const n = Math.floor(length / 2) - j0;
  let re = 0;
  let im = 0;
  for (let m = 0; m < n; m++) {
    const j = j0 + m;
    const idx = frame * HOP - j;
    if (idx < 0 || idx >= x.length) continue;
    const w = (0.5 - 0.5 * Math.cos((2 * Math.PI * m) / n)) / (n / 2);
    const a = (2 * Math.PI * frequencyHz * j) / SR;
    re += w * Math.cos(a) * x[idx];
    im += w * Math.sin(a) * x[idx];
  }
  return Math.sqrt(length) * Math.hypot(re, im);
}

describe("cqt", () => {
  it("matches a direct time-domain convolution (no sparsification)", () => {
    const x = noise(SR * 2, 7, 0.5);
    const c = cqt(x, { sampleRate: SR, nBins: 84, binsPerOctave: 12, sparsity: 0 });
    const freqs = cqtFrequencies(84, C1_HZ, 12);
    expect(c.nRows).toBe(84);
    expect(c.nCols).toBe(1 + Math.floor(x.length / HOP));
    for (const k of [0, 13, 40, 83]) {
      for (const t of [0, 3, 40, c.nCols - 1]) {
        const expected = directCqt(x, freqs[k], 12, t);
        expect(Math.abs(matrixGet(c, k, t) - expected)).toBeLessThan(1e-3 * Math.max(1, expected));
      }
    }
  });

  it("stays within a few percent of the exact response with the default 1% sparsity", () => {
    const x = noise(SR * 2, 11, 0.5);
    const c = cqt(x, { sampleRate: SR, nBins: 252, binsPerOctave: 36 });
    const freqs = cqtFrequencies(252, C1_HZ, 36);
    let worst = 0;
    for (const k of [0, 50, 171, 251]) {
      for (const t of [10, 43]) {
        const expected = directCqt(x, freqs[k], 36, t);
        worst = Math.max(worst, Math.abs(matrixGet(c, k, t) - expected) / expected);
      }
    }
    expect(worst).toBeLessThan(0.05);
  });

  it("puts a 440 Hz sine in bin A4 with magnitude √L·A/2", () => {
    const amplitude = 0.5;
    const x = sine(440, SR, SR * 3, amplitude);
    const c = cqt(x, { sampleRate: SR, nBins: 252, binsPerOctave: 36 });
    const frame = 64;
    const column = new Float32Array(252);
    for (let k = 0; k < 252; k++) column[k] = matrixGet(c, k, frame);
    expect(argMax(column)).toBe(135); // A4 = C1·2^(45/12): MIDI 69 − 24 = 45 semitones × 3 bins
    const r = 2 ** (1 / 36);
    const length = (SR * (r * r + 1)) / ((r * r - 1) * 440);
    expect(column[135] / ((Math.sqrt(length) * amplitude) / 2)).toBeCloseTo(1, 1);
  });

  it("processes long signals in overlap-save blocks without seams", () => {
    const x = noise(SR * 20, 3, 0.5);
    const c = cqt(x, { sampleRate: SR, nBins: 36, binsPerOctave: 12, fMin: 65.4, sparsity: 0 });
    const freqs = cqtFrequencies(36, 65.4, 12);
    for (const t of [400, 442, 443, 444, 800, 861]) {
      for (const k of [0, 35]) {
        const expected = directCqt(x, freqs[k], 12, t);
        expect(Math.abs(matrixGet(c, k, t) - expected)).toBeLessThan(1e-3 * Math.max(1, expected));
      }
    }
  });
});
