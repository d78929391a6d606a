#!/usr/bin/env node
// Where the tracker stage's time goes on one 30 s synthetic clip (22 050 Hz), split the way
// runAllTrackers shares its inputs: spectral front end, DSP activations, the six DBN decodes
// (once, as runAllTrackers does), dp, multifeature. Median of 5 after a warm-up, wall and CPU.
//
//   pnpm --filter @tactus/beat-trackers speed
//
// Runs on the built package (the `speed` script builds it first).

import { synthesizeClip } from "@tactus/datasets";
import { spectralFrontEnd } from "@tactus/onset";
import { createSharedInputs, DSP_ACTIVATIONS, runAllTrackers, runDbnVariants, sharedActivations, TRACKERS } from "../dist/index.js";

const RUNS = 5;
const clip = synthesizeClip({ numerator: 4, denominator: 4, bpm: 120, durationSec: 30, seed: 5 });
const { samples, sampleRate } = clip;
const byName = Object.fromEntries(TRACKERS.map((t) => [t.name, t]));

// A tracker alone, with the activations (its rhythm gate) already shared, as in runAllTrackers.
const withActivations = () => {
  const shared = createSharedInputs();
  sharedActivations(samples, sampleRate, { shared });
  return { shared };
};
const parts = {
  "spectral front end": () => spectralFrontEnd(samples, sampleRate),
  activations: () => DSP_ACTIVATIONS.compute(samples, sampleRate),
  "six DBN decodes": (activations) => runDbnVariants(activations),
  "dp (with its onset envelope)": (_, options) => byName.dp.analyze(samples, sampleRate, options),
  multifeature: (_, options) => byName.multifeature.analyze(samples, sampleRate, options),
  "runAllTrackers (all of it)": () => runAllTrackers(samples, sampleRate),
};

const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
const activations = DSP_ACTIVATIONS.compute(samples, sampleRate);
const rows = [];
for (const [name, run] of Object.entries(parts)) {
  await run(activations, withActivations()); // warm-up: WASM, FFT plans
  const wall = [];
  const cpu = [];
  for (let r = 0; r < RUNS; r++) {
    const options = withActivations();
    const c0 = process.cpuUsage();
    const t0 = performance.now();
    await run(activations, options);
    wall.push(performance.now() - t0);
    const c = process.cpuUsage(c0);
    cpu.push((c.user + c.system) / 1000);
  }
  rows.push([name, median(wall), median(cpu)]);
}
console.log(`30 s clip, median of ${RUNS} (ms):`);
console.log("| part | wall | CPU |\n|---|---:|---:|");
for (const [name, wall, cpu] of rows) console.log(`| ${name} | ${wall.toFixed(0)} | ${cpu.toFixed(0)} |`);
console.log("(runAllTrackers computes each part once and shares it; the rows above sum to about its time)");
