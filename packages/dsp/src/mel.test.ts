import { describe, expect, it } from "vitest";
import { matrixColumn, matrixGet } from "./matrix.js";
import { hzToMel, melFilterBank, melFrequencies, melSpectrogram, melToHz } from "./mel.js";
import { magnitudeSpectrogram, powerSpectrogram } from "./stft.js";
import { argMax, maxAbsDiff, noise, sine } from "./test-utils/signals.js";

const SR = 22050;

describe("mel scale", () => {
  it("is Slaney's: linear 200/3 Hz per mel below 1 kHz, 27 mels per factor 6.4 above", () => {
    expect(hzToMel(0)).toBe(0);
    expect(hzToMel(200)).toBeCloseTo(3, 12);
    expect(hzToMel(1000)).toBeCloseTo(15, 12);
    expect(hzToMel(6400)).toBeCloseTo(42, 12);
    for (const f of [30, 440, 999, 1000, 2500, 11025]) expect(melToHz(hzToMel(f))).toBeCloseTo(f, 8);
  });
  it("offers the HTK formula", () => {
    expect(hzToMel(700, true)).toBeCloseTo(2595 * Math.log10(2), 10);
    expect(melToHz(hzToMel(3000, true), true)).toBeCloseTo(3000, 8);
  });
});

describe("melFilterBank (librosa.filters.mel, Slaney)", () => {
  const bank = melFilterBank({ sampleRate: SR, fftSize: 2048 });
  // Independent derivation: 130 points equally spaced in Slaney mel between 0 and 11025 Hz.
  const maxMel = 15 + (27 * Math.log(11025 / 1000)) / Math.log(6.4);
  const slaneyHz = (mel: number) => (mel < 15 ? (200 / 3) * mel : 1000 * 6.4 ** ((mel - 15) / 27));

  it("has 128 × 1025 weights and band edges from the Slaney formula", () => {
    expect(bank.weights.nRows).toBe(128);
    expect(bank.weights.nCols).toBe(1025);
    for (const i of [0, 1, 17, 40, 64, 100, 129]) expect(bank.edgesHz[i]).toBeCloseTo(slaneyHz((i * maxMel) / 129), 6);
    expect(bank.edgesHz[129]).toBeCloseTo(11025, 6);
    expect(melFrequencies(130, 0, 11025)).toEqual(bank.edgesHz);
  });

  it("peaks each filter at the FFT bin nearest its centre frequency", () => {
    for (const m of [5, 30, 64, 120]) {
      const row = bank.weights.data.subarray(m * 1025, (m + 1) * 1025);
      expect(argMax(row)).toBe(Math.round((bank.edgesHz[m + 1] * 2048) / SR));
    }
  });

  it("normalises each triangle to unit area in Hz (Slaney): Σ_k W[m,k]·Δf ≈ 1", () => {
    const binHz = SR / 2048;
    for (let m = 0; m < 128; m++) {
      const widthBins = (bank.edgesHz[m + 2] - bank.edgesHz[m]) / binHz;
      if (widthBins < 8) continue; // too few samples of the triangle for a discrete area
      let area = 0;
      for (let k = 0; k < 1025; k++) area += matrixGet(bank.weights, m, k) * binHz;
      expect(area).toBeCloseTo(1, 1);
    }
    // height of a triangle = 2 / width(Hz): filter 64 at its peak bin
    const peakBin = Math.round((bank.edgesHz[65] * 2048) / SR);
    const f = (peakBin * SR) / 2048;
    const expected =
      (2 / (bank.edgesHz[66] - bank.edgesHz[64])) *
      Math.min((f - bank.edgesHz[64]) / (bank.edgesHz[65] - bank.edgesHz[64]), (bank.edgesHz[66] - f) / (bank.edgesHz[66] - bank.edgesHz[65]));
    expect(matrixGet(bank.weights, 64, peakBin)).toBeCloseTo(expected, 7);
  });

  it("stores each filter's nonzero range exactly", () => {
    let mismatches = 0;
    for (let m = 0; m < 128; m++) {
      expect(bank.end[m]).toBeGreaterThan(bank.start[m]);
      for (let k = 0; k < 1025; k++) {
        const inside = k >= bank.start[m] && k < bank.end[m];
        if (inside !== matrixGet(bank.weights, m, k) > 0) mismatches++;
      }
    }
    expect(mismatches).toBe(0);
  });

  it("is memoised per parameter set", () => {
    expect(melFilterBank({ sampleRate: SR, fftSize: 2048 })).toBe(bank);
    expect(melFilterBank({ sampleRate: SR, fftSize: 2048, nMels: 64 })).not.toBe(bank);
  });
});

describe("melSpectrogram", () => {
  it("puts a 440 Hz sine in the band whose centre is nearest 440 Hz", () => {
    const mel = melSpectrogram(sine(440, SR, SR * 2, 0.5), { sampleRate: SR });
    const edges = melFilterBank({ sampleRate: SR, fftSize: 2048 }).edgesHz;
    let nearest = 0;
    for (let m = 1; m < 128; m++) if (Math.abs(edges[m + 1] - 440) < Math.abs(edges[nearest + 1] - 440)) nearest = m;
    expect(nearest).toBe(16);
    expect(argMax(matrixColumn(mel, 40))).toBe(nearest);
  });

  it("gives the same result from samples, a magnitude spectrogram and a power spectrogram", () => {
    const x = noise(8000, 5, 0.5);
    const fromSamples = melSpectrogram(x, { sampleRate: SR });
    const fromMagnitude = melSpectrogram(magnitudeSpectrogram(x), { sampleRate: SR });
    const fromPower = melSpectrogram(powerSpectrogram(x), { sampleRate: SR });
    const peak = Math.max(...fromSamples.data);
    expect(maxAbsDiff(fromSamples.data, fromMagnitude.data) / peak).toBeLessThan(1e-6);
    expect(maxAbsDiff(fromSamples.data, fromPower.data) / peak).toBeLessThan(1e-6);
    const magnitudeMel = melSpectrogram(powerSpectrogram(x), { sampleRate: SR, power: 1 });
    const direct = melSpectrogram(x, { sampleRate: SR, power: 1 });
    expect(maxAbsDiff(magnitudeMel.data, direct.data) / Math.max(...direct.data)).toBeLessThan(1e-5);
  });
});
