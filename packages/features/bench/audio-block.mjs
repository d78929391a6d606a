// Audio-block cost on a 30 s clip (one core: plain single-threaded JS).
// Run after a build: node bench/audio-block.mjs [runs=5]
import { synthesizeClip } from "@tactus/datasets";
import {
  chroma,
  meanTempogram,
  mfcc,
  spectralContrast,
  tempogram,
} from "@tactus/dsp";
import { onsetStrengthFromMelDb, spectralFrontEnd } from "@tactus/onset";
import { analyzeClip, audioBlock } from "../dist/index.js";

const runs = Number(process.argv[2] ?? 5);
const sampleRate = 22050;
const { samples } = synthesizeClip({ numerator: 4, denominator: 4, bpm: 120, durationSec: 30, seed: 1 });

function median(xs) {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}
function time(fn) {
  fn(); // warm-up: JIT, FFT plans, mel bank, CQT kernel
  const ms = [];
  for (let i = 0; i < runs; i++) {
    const t0 = performance.now();
    fn();
    ms.push(performance.now() - t0);
  }
  return ms;
}

const total = time(() => audioBlock(samples, sampleRate));
const shared = time(() => analyzeClip(samples, sampleRate));
const analysis = analyzeClip(samples, sampleRate);
const blockOnly = time(() => audioBlock(samples, sampleRate, { analysis }));
const stages = {
  "STFT + mel + dB (front end)": () => spectralFrontEnd(samples, sampleRate),
  "onset envelope": () => onsetStrengthFromMelDb(analysis.melDb),
  "tempogram (384)": () => meanTempogram(tempogram(analysis.onset.envelope)),
  "chroma (tuning + CQT)": () => chroma(samples, { sampleRate, spectrogram: analysis.spectrogram }),
  MFCC: () => mfcc(analysis.melDb),
  "spectral contrast": () => spectralContrast(analysis.spectrogram, { sampleRate }),
};

console.log(`audio block, 30 s clip at ${sampleRate} Hz, median of ${runs} runs after one warm-up (node ${process.version})`);
console.log(`  audioBlock (analysis + features): ${median(total).toFixed(1)} ms   [${total.map((t) => t.toFixed(0)).join(", ")}]`);
console.log(`  analyzeClip (shared intermediates): ${median(shared).toFixed(1)} ms`);
console.log(`  features from a shared analysis:    ${median(blockOnly).toFixed(1)} ms`);
for (const [name, fn] of Object.entries(stages)) console.log(`    ${name.padEnd(24)} ${median(time(fn)).toFixed(1)} ms`);
