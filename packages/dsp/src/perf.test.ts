import { it } from "vitest";
import { chroma, magnitudeSpectrogram, melSpectrogram, mfcc, powerToDb, spectralContrast, tempogram, meanTempogram, estimateTuning, cqt } from "./index.js";
import { noise, sine } from "./test-utils/signals.js";
it("perf", () => {
  const sr = 22050;
  const x = noise(sr * 30, 1, 0.3);
  const s2 = sine(440, sr, sr * 30, 0.5);
  for (let i = 0; i < x.length; i++) x[i] += s2[i];
  for (let rep = 0; rep < 3; rep++) {
    const t: Record<string, number> = {};
    let t0 = performance.now();
    const S = magnitudeSpectrogram(x);
    t.stft = performance.now() - t0; t0 = performance.now();
    const mel = powerToDb(melSpectrogram(S, { sampleRate: sr }));
    t.mel = performance.now() - t0; t0 = performance.now();
    mfcc(mel);
    t.mfcc = performance.now() - t0; t0 = performance.now();
    const tun = estimateTuning(S, { sampleRate: sr, binsPerOctave: 36 });
    t.tuning = performance.now() - t0; t0 = performance.now();
    cqt(x, { sampleRate: sr, nBins: 252, binsPerOctave: 36, tuning: tun });
    t.cqt = performance.now() - t0; t0 = performance.now();
    chroma(x, { sampleRate: sr, spectrogram: S });
    t.chroma = performance.now() - t0; t0 = performance.now();
    spectralContrast(S, { sampleRate: sr });
    t.contrast = performance.now() - t0; t0 = performance.now();
    const env = new Float32Array(1292).map((_, i) => (i % 22 === 0 ? 1 : 0));
    meanTempogram(tempogram(env));
    t.tempogram = performance.now() - t0;
    console.log(tun, JSON.stringify(Object.fromEntries(Object.entries(t).map(([k, v]) => [k, Math.round(v)]))));
  }
}, 60000);
