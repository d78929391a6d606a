import { describe, expect, it } from "vitest";
import { matrixGet } from "./matrix.js";
import { fftFrequencies, magnitudeSpectrogram, powerSpectrogram, stft, stftFrameCount, toScale } from "./stft.js";
import { maxAbsDiff, naiveRealDft, noise, sine } from "./test-utils/signals.js";
import { hannWindow } from "./window.js";

describe("stftFrameCount", () => {
  it("is 1 + floor(N / hop) when centred", () => {
    expect(stftFrameCount(22050 * 30)).toBe(1292);
    expect(stftFrameCount(22050)).toBe(44);
    expect(stftFrameCount(0)).toBe(1);
    expect(stftFrameCount(1023, { fftSize: 2048, hopLength: 512 })).toBe(2);
  });
  it("is 1 + floor((N − fftSize) / hop) without centring", () => {
    expect(stftFrameCount(4096, { center: false })).toBe(5);
    expect(() => stftFrameCount(100, { center: false })).toThrow(RangeError);
  });
  it("defaults the hop to fftSize / 4 like librosa", () => {
    expect(stftFrameCount(1000, { fftSize: 256 })).toBe(1 + Math.floor(1000 / 64));
  });
});

describe("stft", () => {
  const x = noise(3000, 42, 0.8);
  const fftSize = 256;
  const hopLength = 64;
  const spec = stft(x, { fftSize, hopLength });

  it("has 1 + fftSize/2 bins and matches a direct DFT of each zero-padded, Hann-windowed frame", () => {
    expect(spec.real.nRows).toBe(129);
    expect(spec.real.nCols).toBe(1 + Math.floor(3000 / 64));
    const window = hannWindow(fftSize);
    for (const t of [0, 1, 20, spec.real.nCols - 1]) {
      const frame = new Float64Array(fftSize);
      for (let i = 0; i < fftSize; i++) {
        const n = t * hopLength + i - fftSize / 2;
        frame[i] = n >= 0 && n < x.length ? x[n] * window[i] : 0;
      }
      const { re, im } = naiveRealDft(frame);
      for (let k = 0; k <= fftSize / 2; k++) {
        expect(matrixGet(spec.real, k, t)).toBeCloseTo(re[k], 4);
        expect(matrixGet(spec.imag, k, t)).toBeCloseTo(im[k], 4);
      }
    }
  });

  it("satisfies Parseval per frame: Σ_k c_k·|X_k|² / N = Σ_n (x·w)²", () => {
    const power = powerSpectrogram(x, { fftSize, hopLength });
    const window = hannWindow(fftSize);
    for (const t of [3, 17, 40]) {
      let timeEnergy = 0;
      for (let i = 0; i < fftSize; i++) {
        const n = t * hopLength + i - fftSize / 2;
        const v = n >= 0 && n < x.length ? x[n] * window[i] : 0;
        timeEnergy += v * v;
      }
      let freqEnergy = 0;
      for (let k = 0; k <= fftSize / 2; k++) {
        const weight = k === 0 || k === fftSize / 2 ? 1 : 2;
        freqEnergy += weight * matrixGet(power, k, t);
      }
      expect(freqEnergy / fftSize / timeEnergy).toBeCloseTo(1, 5);
    }
  });

  it("gives the same magnitude and power from samples, from the complex STFT, and by rescaling", () => {
    const fromSamples = magnitudeSpectrogram(x, { fftSize, hopLength });
    const fromComplex = magnitudeSpectrogram(spec);
    expect(fromSamples.scale).toBe("magnitude");
    expect(maxAbsDiff(fromSamples.data, fromComplex.data)).toBeLessThan(1e-5);
    const power = powerSpectrogram(x, { fftSize, hopLength });
    const peak = Math.max(...power.data);
    expect(maxAbsDiff(toScale(fromSamples, "power").data, power.data) / peak).toBeLessThan(1e-6);
    expect(toScale(power, "power")).toBe(power);
  });

  it("puts a bin-centred sine of amplitude A at that bin with magnitude A·N/4", () => {
    const sampleRate = 22050;
    const bin = 40;
    const y = sine((bin * sampleRate) / 2048, sampleRate, sampleRate, 0.5);
    const s = magnitudeSpectrogram(y);
    expect(matrixGet(s, bin, 20)).toBeCloseTo((0.5 * 2048) / 4, 1);
    expect(matrixGet(s, bin + 3, 20)).toBeLessThan(1e-2);
    expect(fftFrequencies(sampleRate, 2048)[bin]).toBeCloseTo((bin * sampleRate) / 2048, 10);
  });

  it("pads with numpy's reflect and edge modes", () => {
    const y = Float32Array.from([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    const window = new Float32Array(8).fill(1);
    // frame 0 covers padded[0..8): reflect → [5,4,3,2,1,2,3,4]; edge → [1,1,1,1,1,2,3,4]; DC bin = sum
    const reflect = stft(y, { fftSize: 8, hopLength: 2, window, padMode: "reflect" });
    const edge = stft(y, { fftSize: 8, hopLength: 2, window, padMode: "edge" });
    expect(matrixGet(reflect.real, 0, 0)).toBeCloseTo(24, 5);
    expect(matrixGet(edge.real, 0, 0)).toBeCloseTo(14, 5);
  });
});
