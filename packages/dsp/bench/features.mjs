// Cost of each primitive on a 30 s clip at 22050 Hz, one STFT shared by mel, MFCC, tuning and
// contrast. Prints min and median over 25 runs (the min is robust on a busy machine).
// Run: npx pnpm@10.34.8 --filter @tactus/dsp bench   (builds dist first)
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
} from "@tactus/dsp";

const SR = 22050;
const RUNS = 25;

// Chords changing every 0.5 s, a click on every beat at 120 BPM, a little seeded noise.
const clip = new Float32Array(30 * SR);
let seed = 1;
const rand = () => ((seed = (seed * 1664525 + 1013904223) >>> 0) / 2 ** 32) * 2 - 1;
const roots = [220, 246.94, 261.63, 293.66, 329.63, 349.23, 392];
for (let i = 0; i < clip.length; i++) {
  const root = roots[Math.floor(i / (SR / 2)) % roots.length];
  let v = 0;
  for (const ratio of [1, 1.25, 1.5, 2]) v += 0.1 * Math.sin((2 * Math.PI * root * ratio * i) / SR);
  const sinceBeat = i % (SR / 2);
  clip[i] = v + 0.5 * Math.exp(-sinceBeat / 200) * Math.sin(sinceBeat * 0.3) + 0.01 * rand();
}
const envelope = Float32Array.from({ length: 1292 }, (_, i) => Math.abs(Math.sin(i * 0.146)));

const times = new Map();
const time = (name, fn) => {
  const t0 = performance.now();
  const result = fn();
  times.set(name, [...(times.get(name) ?? []), performance.now() - t0]);
  return result;
};

for (let run = 0; run < RUNS; run++) {
  const t0 = performance.now();
  const S = time("STFT magnitude 2048/512", () => magnitudeSpectrogram(clip));
  const melDb = time("mel dB (128) from the STFT", () => powerToDb(melSpectrogram(S, { sampleRate: SR })));
  time("MFCC (13) from mel dB", () => mfcc(melDb));
  const tuning = time("tuning estimate from the STFT", () => estimateTuning(S, { sampleRate: SR, binsPerOctave: 36 }));
  time("chroma: CQT 252 bins + fold", () => chroma(clip, { sampleRate: SR, tuning }));
  times.set("= STFT + mel + MFCC + chroma", [...(times.get("= STFT + mel + MFCC + chroma") ?? []), performance.now() - t0]);
  time("spectral contrast from the STFT", () => spectralContrast(S, { sampleRate: SR }));
  time("tempogram 384 lags", () => tempogram(envelope));
  time("normalized autocorrelation", () => normalizedAutocorrelation(envelope));
}

console.log(`30 s clip at ${SR} Hz, ${RUNS} runs (ms)`);
for (const [name, values] of times) {
  values.sort((a, b) => a - b);
  console.log(`${name.padEnd(34)} min ${values[0].toFixed(1).padStart(6)}   median ${values[values.length >> 1].toFixed(1).padStart(6)}`);
}
