#!/usr/bin/env node
// 30 s of mono audio to 22 050 Hz ("medium", the load path's quality): libsamplerate itself vs
// `resample` (computed here, bit-identical); and 22 050 → 44 100 Hz ("fastest", the multifeature
// tracker's ×2) through the general input walk vs the cyclic path. Median of 7 in one process.
// After a build:
//   node packages/audio/bench/resample.mjs
import { exactResampleVariant, libsamplerate, resample } from "../dist/resample.js";

const RUNS = 7;
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const time = async (run) => {
  await run(); // warm-up: the library's WASM/JS module and the filter table
  const ms = [];
  for (let r = 0; r < RUNS; r++) {
    const t0 = performance.now();
    await run();
    ms.push(performance.now() - t0);
  }
  return median(ms);
};
for (const from of [44100, 48000]) {
  const x = Float32Array.from({ length: 30 * from }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / from) + 0.1 * Math.sin(i * 0.37));
  const n = Math.ceil((x.length * 22050) / from);
  const library = await time(() => libsamplerate(x, from, 22050, "medium", n));
  const here = await time(() => resample(x, from, 22050, { quality: "medium" }));
  console.log(`${from} → 22050 Hz, 30 s: libsamplerate ${library.toFixed(0)} ms, resample ${here.toFixed(0)} ms (median of ${RUNS})`);
}
const up = Float32Array.from({ length: 30 * 22050 }, (_, i) => 0.5 * Math.sin((2 * Math.PI * 440 * i) / 22050) + 0.1 * Math.sin(i * 0.37));
const general = await time(() => exactResampleVariant(up, 22050, 44100, "fastest", false));
const cyclic = await time(() => exactResampleVariant(up, 22050, 44100, "fastest", true));
console.log(`22050 → 44100 Hz, 30 s, fastest: general walk ${general.toFixed(0)} ms, cyclic path ${cyclic.toFixed(0)} ms (median of ${RUNS})`);
