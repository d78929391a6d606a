import { describe, expect, it } from "vitest";
import { powerToDb } from "./db.js";
import { createMatrix, matrixGet } from "./matrix.js";
import { melSpectrogram } from "./mel.js";
import { dctBasis, mfcc } from "./mfcc.js";

describe("mfcc", () => {
  it("maps a constant dB spectrum c to c0 = c·√nMels and zeros elsewhere", () => {
    const melDb = createMatrix(128, 4);
    melDb.data.fill(-37.5);
    const c = mfcc(melDb);
    expect(c.nRows).toBe(13);
    expect(c.nCols).toBe(4);
    for (let t = 0; t < 4; t++) {
      expect(matrixGet(c, 0, t)).toBeCloseTo(-37.5 * Math.sqrt(128), 3);
      for (let k = 1; k < 13; k++) expect(Math.abs(matrixGet(c, k, t))).toBeLessThan(1e-4);
    }
  });

  it("gives c0 = −100·√128 ≈ −1131.37 for silence, as in the reference", () => {
    const melDb = powerToDb(melSpectrogram(new Float32Array(22050), { sampleRate: 22050 }));
    expect(matrixGet(mfcc(melDb), 0, 10)).toBeCloseTo(-1131.37, 2);
  });

  it("recovers a single cosine of the DCT-II basis as one coefficient √(N/2)", () => {
    const n = 40;
    const melDb = createMatrix(n, 1);
    for (let i = 0; i < n; i++) melDb.data[i] = Math.cos((Math.PI * 3 * (2 * i + 1)) / (2 * n));
    const c = mfcc(melDb, { nMfcc: 6 });
    for (let k = 0; k < 6; k++) expect(matrixGet(c, k, 0)).toBeCloseTo(k === 3 ? Math.sqrt(n / 2) : 0, 5);
  });

  it("uses an orthonormal basis (D·Dᵀ = I)", () => {
    const n = 16;
    const d = dctBasis(n, n);
    for (let a = 0; a < n; a++) {
      for (let b = 0; b < n; b++) {
        let dot = 0;
        for (let i = 0; i < n; i++) dot += d[a * n + i] * d[b * n + i];
        expect(dot).toBeCloseTo(a === b ? 1 : 0, 12);
      }
    }
  });

  it("applies librosa's sinusoidal lifter", () => {
    const melDb = createMatrix(128, 1);
    for (let i = 0; i < 128; i++) melDb.data[i] = Math.sin(i * 0.3);
    const plain = mfcc(melDb);
    const liftered = mfcc(melDb, { lifter: 22 });
    for (let k = 0; k < 13; k++) {
      expect(liftered.data[k]).toBeCloseTo(plain.data[k] * (1 + 11 * Math.sin((Math.PI * (k + 1)) / 22)), 4);
    }
  });
});
