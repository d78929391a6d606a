#!/usr/bin/env node
// Compares the DBN trackers under the DSP activations as they are and under two variants, on
// development corpora:
//   fitted  the logistic downbeat weights (DSP_ACTIVATION_DEFAULTS.downbeatWeights) refitted:
//           one sample per annotated beat, evidence read at the onset function's peak within
//           ±30 ms, label 1 on downbeats; L2-regularised logistic regression (Newton's method), so
//           σ(bias + Σ w·evidence) estimates P(downbeat | beat);
//   spread  beat and downbeat activations widened by a decaying ±k-frame maximum (the beat
//           states of the decoder cover 1/16 of a beat period: 6 frames at 61 BPM, 3 at 122);
//   shoulder  each activation raised to at least `shoulder` × its largest value within ±k
//           frames: a low flank over the beat states a slow reading spans, which leaves a skipped
//           peak as costly as before (the decaying maximum makes half-tempo readings cheaper).
//
//   pnpm --filter @tactus/beat-trackers activation-variants [-- --seeds 3,4,5 --durations 12,30 --per-class 10 --l2 0.01 --spread 3 --shoulder 0.1]
//
// Development seeds only: seed 1 (the `accuracy` script's default) and seed 2024 (the test suite's
// corpus, 30 s) are held out: no variant is chosen on them.

import { parseArgs } from "node:util";
import { planCorpus, synthesizeClip } from "@tactus/datasets";
import {
  computeDspActivations,
  DBN_FIXED_BAR_LENGTHS,
  DSP_ACTIVATION_DEFAULTS,
  dbnVariantName,
  downbeatFMeasure,
  runDbnVariants,
} from "../dist/index.js";

const { values } = parseArgs({
  allowPositionals: true,
  options: {
    seeds: { type: "string", default: "3,4,5" },
    durations: { type: "string", default: "12,30" },
    "per-class": { type: "string", default: "10" },
    l2: { type: "string", default: "0.01" },
    spread: { type: "string", default: "3" },
    shoulder: { type: "string", default: "0.1" },
  },
});
const seeds = values.seeds.split(",").map(Number);
const durations = values.durations.split(",").map(Number);
for (const held of [1, 2024]) if (seeds.includes(held)) throw new Error(`seed ${held} is held out for evaluation`);
const perClass = Number(values["per-class"]);
const l2 = Number(values.l2);
const spreadFrames = Number(values.spread);
const shoulder = Number(values.shoulder);
const TERMS = ["accent", "lowAccent", "mid", "harmonicShort", "harmonicLong"];
const PEAK_FRAMES = 3;

/** Per corpus: clips with their evidence, onset probability and annotations. */
const corpora = [];
const rows = [];
const labels = [];
for (const durationSec of durations) {
  for (const seed of seeds) {
    const clips = [];
    for (const entry of planCorpus({ outDir: "unused", perClass, durationSec, seed })) {
      const clip = synthesizeClip(entry.spec);
      const detail = computeDspActivations(clip.samples, clip.sampleRate);
      const probability = detail.beat.map((b, t) => b + detail.downbeat[t]);
      const kept = { meter: entry.meterClass, probability, evidence: detail.evidence, fps: detail.fps, downbeatsSec: clip.downbeatsSec };
      checkMirror(kept, detail.downbeat);
      for (const beat of clip.beats) {
        const centre = Math.round(beat.timeSec * detail.fps);
        let peak = -1;
        for (let f = Math.max(0, centre - PEAK_FRAMES); f <= Math.min(detail.onset.length - 1, centre + PEAK_FRAMES); f++) {
          if (peak < 0 || detail.onset[f] > detail.onset[peak]) peak = f;
        }
        if (peak < 0) continue;
        rows.push(TERMS.map((k) => detail.evidence[k][peak]));
        labels.push(beat.position === 1 ? 1 : 0);
      }
      clips.push(kept);
    }
    corpora.push({ name: `seed ${seed}, ${durationSec} s`, clips });
    process.stderr.write(`\r${corpora.length}/${seeds.length * durations.length} corpora`);
  }
}
process.stderr.write("\n");

const fitted = fitLogistic(rows, labels, l2);
const current = DSP_ACTIVATION_DEFAULTS.downbeatWeights;
const round = (x) => Math.round(x * 100) / 100;
const candidate = { bias: round(fitted[0]), ...Object.fromEntries(TERMS.map((k, i) => [k, round(fitted[i + 1])])) };
console.log(`${rows.length} beats (${labels.filter((y) => y === 1).length} downbeats) from ${corpora.length} corpora`);
console.log(`current: ${JSON.stringify(current)}  log loss ${logLoss(rows, labels, asVector(current)).toFixed(4)}`);
console.log(`fitted:  ${JSON.stringify(candidate)}  log loss ${logLoss(rows, labels, asVector(candidate)).toFixed(4)}`);

console.log(`\nDBN on the development corpora: downbeat F of dbn_bpbN on N-beat clips, and how often dbn picks the annotated bar length`);
const header = `${"corpus".padEnd(16)} ${"variant".padEnd(12)} ${DBN_FIXED_BAR_LENGTHS.map((n) => `bpb${n}`.padStart(5)).join(" ")}  bar length`;
console.log(header);
console.log("-".repeat(header.length));
/** [name, downbeat weights, widening: { frames, shoulder } (shoulder null: decaying maximum)] */
const variants = [
  ["current", current, { frames: 0, shoulder: null }],
  ["fitted", candidate, { frames: 0, shoulder: null }],
  [`spread ${spreadFrames}`, current, { frames: spreadFrames, shoulder: null }],
  [`shoulder ${shoulder}`, current, { frames: spreadFrames, shoulder }],
];
const totals = variants.map(() => ({ own: Object.fromEntries(DBN_FIXED_BAR_LENGTHS.map((n) => [n, []])), right: 0, clips: 0 }));
for (const corpus of corpora) {
  variants.forEach(([name, weights, spread], v) => {
    const { own, right } = scoreDbn(corpus.clips, weights, spread);
    for (const n of DBN_FIXED_BAR_LENGTHS) totals[v].own[n].push(...own[n]);
    totals[v].right += right;
    totals[v].clips += corpus.clips.length;
    console.log(`${corpus.name.padEnd(16)} ${name.padEnd(12)} ${DBN_FIXED_BAR_LENGTHS.map((n) => mean(own[n]).toFixed(2).padStart(5)).join(" ")}  ${right}/${corpus.clips.length}`);
  });
}
console.log("-".repeat(header.length));
variants.forEach(([name], v) => {
  const t = totals[v];
  console.log(`${"all".padEnd(16)} ${name.padEnd(12)} ${DBN_FIXED_BAR_LENGTHS.map((n) => mean(t.own[n]).toFixed(2).padStart(5)).join(" ")}  ${t.right}/${t.clips}`);
});

function mean(v) {
  return v.reduce((a, b) => a + b, 0) / v.length;
}

/**
 * A weighted maximum over ±k frames: the peak keeps its frame and height, its flanks widen.
 * Weights decay linearly (1 − d/(k+1)), or are the constant `shoulder` when one is given.
 */
function spreadPeaks(x, k, shoulder = null) {
  if (k <= 0) return x;
  const out = new Float32Array(x.length);
  for (let t = 0; t < x.length; t++) {
    let m = x[t];
    for (let d = 1; d <= k; d++) {
      const w = shoulder ?? 1 - d / (k + 1);
      if (t - d >= 0) m = Math.max(m, w * x[t - d]);
      if (t + d < x.length) m = Math.max(m, w * x[t + d]);
    }
    out[t] = m;
  }
  return out;
}

function asVector(w) {
  return [w.bias, ...TERMS.map((k) => w[k])];
}

/** Per meter: dbn_bpbN downbeat F on N-beat clips (one value per clip); and dbn's right bar lengths. */
function scoreDbn(clips, weights, spread) {
  const w = asVector(weights);
  const own = Object.fromEntries(DBN_FIXED_BAR_LENGTHS.map((n) => [n, []]));
  let right = 0;
  for (const clip of clips) {
    const { beat, downbeat } = recombine(clip, w);
    const result = runDbnVariants(widen(beat, downbeat, spread, clip.fps));
    if (result.dbn.beatsPerBar === clip.meter) right++;
    if (DBN_FIXED_BAR_LENGTHS.includes(clip.meter)) {
      const est = result.variants[dbnVariantName(clip.meter)].filter((b) => b.isDownbeat).map((b) => b.timeSec);
      own[clip.meter].push(downbeatFMeasure(clip.downbeatsSec, est));
    }
  }
  return { own, right };
}

/**
 * Beat and downbeat activations from the onset probability and the downbeat evidence under
 * weights `w` (bias first): computeDspActivations' last step, redone here so a variant does not
 * recompute the spectra; {@link checkMirror} holds it to the package's own output.
 */
function recombine(clip, w) {
  const n = clip.probability.length;
  const beat = new Float32Array(n);
  const downbeat = new Float32Array(n);
  for (let t = 0; t < n; t++) {
    let z = w[0];
    TERMS.forEach((k, i) => {
      z += w[i + 1] * clip.evidence[k][t];
    });
    downbeat[t] = clip.probability[t] / (1 + Math.exp(-z));
    beat[t] = clip.probability[t] - downbeat[t];
  }
  return { beat, downbeat };
}

/** Throws when {@link recombine} with the current weights does not give the package's downbeat activation. */
function checkMirror(clip, downbeat) {
  const mirrored = recombine(clip, asVector(DSP_ACTIVATION_DEFAULTS.downbeatWeights)).downbeat;
  for (let t = 0; t < downbeat.length; t++) {
    if (Math.abs(mirrored[t] - downbeat[t]) > 1e-6) {
      throw new Error(`recombine() no longer matches computeDspActivations at frame ${t} (${mirrored[t]} vs ${downbeat[t]}): update it`);
    }
  }
}

/** The activations with widened peaks, rescaled where beat + downbeat would exceed 0.95. */
function widen(beat, downbeat, spread, fps) {
  if (spread.frames <= 0) return { beat, downbeat, fps };
  const b = spreadPeaks(beat, spread.frames, spread.shoulder);
  const d = spreadPeaks(downbeat, spread.frames, spread.shoulder);
  for (let t = 0; t < b.length; t++) {
    const sum = b[t] + d[t];
    if (sum > 0.95) {
      b[t] *= 0.95 / sum;
      d[t] *= 0.95 / sum;
    }
  }
  return { beat: b, downbeat: d, fps };
}

/** L2-regularised (bias excluded) logistic regression by Newton's method. */
function fitLogistic(x, y, lambda) {
  const d = x[0].length + 1;
  const w = new Float64Array(d);
  for (let iteration = 0; iteration < 50; iteration++) {
    const grad = new Float64Array(d);
    const hess = Array.from({ length: d }, () => new Float64Array(d));
    for (let i = 0; i < x.length; i++) {
      const xi = [1, ...x[i]];
      const p = 1 / (1 + Math.exp(-xi.reduce((s, v, j) => s + v * w[j], 0)));
      for (let j = 0; j < d; j++) {
        grad[j] += (p - y[i]) * xi[j];
        for (let k = 0; k < d; k++) hess[j][k] += p * (1 - p) * xi[j] * xi[k];
      }
    }
    for (let j = 1; j < d; j++) {
      grad[j] += lambda * x.length * w[j];
      hess[j][j] += lambda * x.length;
    }
    const step = solve(hess, grad);
    let size = 0;
    for (let j = 0; j < d; j++) {
      w[j] -= step[j];
      size = Math.max(size, Math.abs(step[j]));
    }
    if (size < 1e-8) break;
  }
  return [...w];
}

function logLoss(x, y, w) {
  let total = 0;
  for (let i = 0; i < x.length; i++) {
    const z = w[0] + x[i].reduce((s, v, j) => s + v * w[j + 1], 0);
    const p = Math.min(1 - 1e-12, Math.max(1e-12, 1 / (1 + Math.exp(-z))));
    total -= y[i] ? Math.log(p) : Math.log(1 - p);
  }
  return total / x.length;
}

/** Gaussian elimination with partial pivoting: a x = b. */
function solve(a, b) {
  const n = b.length;
  const m = a.map((row, i) => [...row, b[i]]);
  for (let c = 0; c < n; c++) {
    let pivot = c;
    for (let r = c + 1; r < n; r++) if (Math.abs(m[r][c]) > Math.abs(m[pivot][c])) pivot = r;
    [m[c], m[pivot]] = [m[pivot], m[c]];
    for (let r = c + 1; r < n; r++) {
      const f = m[r][c] / m[c][c];
      for (let k = c; k <= n; k++) m[r][k] -= f * m[c][k];
    }
  }
  const out = new Array(n).fill(0);
  for (let r = n - 1; r >= 0; r--) {
    let s = m[r][n];
    for (let k = r + 1; k < n; k++) s -= m[r][k] * out[k];
    out[r] = s / m[r][r];
  }
  return out;
}
