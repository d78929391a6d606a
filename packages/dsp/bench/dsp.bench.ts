// 30 s clip at 22050 Hz: per-primitive cost and the shared-STFT feature path. Run: pnpm bench
import { bench, describe } from "vitest";
import {
  chroma,
  estimateTuning,
  magnitudeSpectrogram,
  melSpectrogram,
  mfcc,
  normalizedAutocorrelation,
  powerToDb,
  spectralContrast,
  tempogram,
} from "../src/index.js";

const SR = 22050;
const clip = (() => {
  // Chords changing every 0.5 s, a click every beat at 120 BPM, a little seeded noise.
  const x = new Float32Array(30 * SR);
  let seed = 1;
  const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
  const roots = [220, 246.94, 261.63, 293.66, 329.63, 349.23, 392];
  for (let i = 0; i < x.length; i++) {
    const chord = roots[Math.floor(i / (SR / 2)) % roots.length];
    let v = 0;
    for (const ratio of [1, 1.25, 1.5, 2]) v += 0.1 * Math.sin((2 * Math.PI * chord * ratio * i) / SR);
    const sinceBeat = i % (SR / 2);
    v += 0.5 * Math.exp(-sinceBeat / 200) * Math.sin(sinceBeat * 0.3);
    x[i] = v + 0.01 * rand();
  }
  return x;
})();
const spectrogram = magnitudeSpectrogram(clip);
const melDb = powerToDb(melSpectrogram(spectrogram, { sampleRate: SR }));
const tuning = estimateTuning(spectrogram, { sampleRate: SR, binsPerOctave: 36 });
const envelope = Float32Array.from({ length: melDb.nCols }, (_, i) => Math.abs(Math.sin(i * 0.146)));

describe("30 s clip at 22050 Hz", () => {
  bench("STFT (|X|, 2048/512)", () => {
    magnitudeSpectrogram(clip);
  });
  bench("mel dB (128 bands) from the STFT", () => {
    powerToDb(melSpectrogram(spectrogram, { sampleRate: SR }));
  });
  bench("MFCC (13) from mel dB", () => {
    mfcc(melDb);
  });
  bench("tuning estimate from the STFT", () => {
    estimateTuning(spectrogram, { sampleRate: SR, binsPerOctave: 36 });
  });
  bench("chroma (CQT 252 bins, tuning given)", () => {
    chroma(clip, { sampleRate: SR, tuning });
  });
  bench("spectral contrast from the STFT", () => {
    spectralContrast(spectrogram, { sampleRate: SR });
  });
  bench("tempogram (384 lags)", () => {
    tempogram(envelope);
  });
  bench("normalized autocorrelation (1292 frames)", () => {
    normalizedAutocorrelation(envelope);
  });
  bench("STFT + mel + MFCC + chroma (with tuning estimate), shared STFT", () => {
    const s = magnitudeSpectrogram(clip);
    mfcc(powerToDb(melSpectrogram(s, { sampleRate: SR })));
    chroma(clip, { sampleRate: SR, spectrogram: s });
  });
});
