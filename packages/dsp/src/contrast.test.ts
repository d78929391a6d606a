import { describe, expect, it } from "vitest";
import { spectralContrast } from "./contrast.js";
import { matrixColumn } from "./matrix.js";
import { magnitudeSpectrogram, powerSpectrogram } from "./stft.js";
import { argMax, maxAbsDiff, noise, sine } from "./test-utils/signals.js";

const SR = 22050;

describe("spectralContrast (librosa.feature.spectral_contrast)", () => {
  it("is zero everywhere for a flat spectrum (a single impulse) and 7 × nFrames", () => {
    const x = new Float32Array(SR);
    x[11025] = 1;
    const c = spectralContrast(x, { sampleRate: SR });
    expect(c.nRows).toBe(7);
    expect(c.nCols).toBe(44);
    expect(Math.max(...c.data.map(Math.abs))).toBeLessThan(1e-4);
  });

  it("is large in the octave band holding a sine (1 kHz → band 3, 800–1600 Hz)", () => {
    const x = sine(1000, SR, SR, 0.5);
    for (let i = 0; i < x.length; i++) x[i] += 1e-4 * Math.sin(i * 1.7);
    const column = matrixColumn(spectralContrast(x, { sampleRate: SR }), 20);
    expect(argMax(column)).toBe(3);
    expect(column[3]).toBeGreaterThan(30);
  });

  it("accepts a precomputed magnitude or power spectrogram", () => {
    const x = noise(20000, 9, 0.3);
    const fromSamples = spectralContrast(x, { sampleRate: SR });
    expect(maxAbsDiff(fromSamples.data, spectralContrast(magnitudeSpectrogram(x), { sampleRate: SR }).data)).toBe(0);
    expect(maxAbsDiff(fromSamples.data, spectralContrast(powerSpectrogram(x), { sampleRate: SR }).data)).toBeLessThan(1e-3);
  });

  it("matches a brute-force sort of the librosa band layout", () => {
    const x = noise(6000, 21, 0.3);
    const s = magnitudeSpectrogram(x);
    const c = spectralContrast(s, { sampleRate: SR, linear: true });
    // band 2 (400–800 Hz): bins with 400 ≤ f ≤ 800 are 38..74, plus bin 37 below, minus the last → 37..73
    const values = Array.from({ length: 37 }, (_, i) => s.data[(37 + i) * s.nCols + 5]).sort((a, b) => a - b);
    const n = Math.max(1, Math.round(0.02 * 38)); // rint(0.76) = 1
    const expected = values.slice(-n).reduce((a, b) => a + b) / n - values.slice(0, n).reduce((a, b) => a + b) / n;
    expect(c.data[2 * c.nCols + 5]).toBeCloseTo(expected, 4);
  });

  it("rejects bands beyond Nyquist", () => {
    expect(() => spectralContrast(new Float32Array(4096), { sampleRate: 8000, nBands: 6 })).toThrow(/Nyquist/);
  });
});
