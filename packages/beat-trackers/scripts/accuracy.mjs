#!/usr/bin/env node
// Accuracy of every registered tracker on a seeded synthetic corpus (in memory, nothing written):
// per tracker × meter class, mean beat F-measure, downbeat F-measure, CMLt and AMLt (mir_eval
// conventions), plus how often `dbn` picks the annotated bar length and each tracker's median run
// time. Beat metrics follow mir_eval.beat.evaluate: both beat lists trimmed to t ≥ --min-beat-time
// (5 s, trim_beats; 0 keeps every beat). Downbeat F is never trimmed.
//
//   pnpm --filter @tactus/beat-trackers accuracy [--per-class 10] [--duration 30] [--seed 1] [--min-beat-time 5]
//
// Runs on the built package (the `accuracy` script builds it first).

import { parseArgs } from "node:util";
import { planCorpus, synthesizeClip } from "@tactus/datasets";
import {
  beatFMeasure,
  continuity,
  createSharedInputs,
  downbeatFMeasure,
  runAllTrackers,
  TRACKERS,
  trimBeats,
} from "../dist/index.js";

const { values } = parseArgs({
  // pnpm passes a literal "--" through: ignore positionals.
  allowPositionals: true,
  options: {
    "per-class": { type: "string", default: "10" },
    duration: { type: "string", default: "30" },
    seed: { type: "string", default: "1" },
    "min-beat-time": { type: "string", default: "5" },
  },
});
const perClass = Number(values["per-class"]);
const durationSec = Number(values.duration);
const seed = Number(values.seed);
const minBeatTime = Number(values["min-beat-time"]);
if (!(minBeatTime >= 0 && minBeatTime < durationSec)) throw new Error(`--min-beat-time must be in [0, ${durationSec}), got ${values["min-beat-time"]}`);

const plan = planCorpus({ outDir: "unused", perClass, durationSec, seed });
const meters = [...new Set(plan.map((c) => c.meterClass))];
/** tracker → meter → metric → values */
const scores = new Map(TRACKERS.map((t) => [t.name, new Map(meters.map((m) => [m, { beatF: [], downF: [], CMLt: [], AMLt: [] }]))]));
const chosen = new Map(meters.map((m) => [m, { right: 0, total: 0, picks: {} }]));
const seconds = new Map(TRACKERS.map((t) => [t.name, []]));
const shares = [];

const started = performance.now();
for (const [index, entry] of plan.entries()) {
  const clip = synthesizeClip(entry.spec);
  const reference = trimBeats(clip.beats.map((b) => b.timeSec), minBeatTime);
  const t0 = performance.now();
  const shared = createSharedInputs();
  const { results } = await runAllTrackers(clip.samples, clip.sampleRate, { shared });
  shares.push((performance.now() - t0) / 1000);
  for (const tracker of TRACKERS) {
    const beats = results[tracker.name].beats;
    const est = trimBeats(beats.map((b) => b.timeSec), minBeatTime);
    const row = scores.get(tracker.name).get(entry.meterClass);
    row.beatF.push(beatFMeasure(reference, est));
    const c = continuity(reference, est);
    row.CMLt.push(c.CMLt);
    row.AMLt.push(c.AMLt);
    if (tracker.downbeats) {
      row.downF.push(downbeatFMeasure(clip.downbeatsSec, beats.filter((b) => b.isDownbeat).map((b) => b.timeSec)));
    }
  }
  const pick = results.dbn.beatsPerBar ?? 0;
  const choice = chosen.get(entry.meterClass);
  choice.total += 1;
  choice.right += pick === entry.meterClass ? 1 : 0;
  choice.picks[pick] = (choice.picks[pick] ?? 0) + 1;
  process.stderr.write(`\r${index + 1}/${plan.length} clips`);
}
process.stderr.write("\n");

const mean = (v) => (v.length === 0 ? Number.NaN : v.reduce((a, b) => a + b, 0) / v.length);
const fmt = (x) => (Number.isNaN(x) ? "   –" : x.toFixed(2).padStart(4));
const header = `${"tracker".padEnd(13)} ${"meter".padStart(5)}  ${"n".padStart(3)}  beatF  downF  CMLt  AMLt`;
console.log(`\n${plan.length} synthetic clips of ${durationSec} s (seed ${seed}, ${perClass} per meter class)`);
console.log(`beat metrics on beats at t ≥ ${minBeatTime} s (mir_eval.beat.evaluate trims at 5 s); downbeat F on all downbeats\n`);
console.log(header);
console.log("-".repeat(header.length));
for (const tracker of TRACKERS) {
  const all = { beatF: [], downF: [], CMLt: [], AMLt: [] };
  for (const m of meters) {
    const r = scores.get(tracker.name).get(m);
    for (const k of Object.keys(all)) all[k].push(...r[k]);
    console.log(
      `${tracker.name.padEnd(13)} ${String(m).padStart(5)}  ${String(r.beatF.length).padStart(3)}  ${fmt(mean(r.beatF))}   ${fmt(mean(r.downF))}  ${fmt(mean(r.CMLt))}  ${fmt(mean(r.AMLt))}`,
    );
  }
  console.log(
    `${tracker.name.padEnd(13)} ${"all".padStart(5)}  ${String(all.beatF.length).padStart(3)}  ${fmt(mean(all.beatF))}   ${fmt(mean(all.downF))}  ${fmt(mean(all.CMLt))}  ${fmt(mean(all.AMLt))}`,
  );
  console.log("-".repeat(header.length));
}
let right = 0;
console.log("\ndbn bar-length choice (annotated meter: correct / clips, picks)");
for (const [m, c] of chosen) {
  right += c.right;
  console.log(`  ${String(m).padStart(2)}: ${c.right}/${c.total}  ${JSON.stringify(c.picks)}`);
}
console.log(`  all: ${right}/${plan.length} = ${(right / plan.length).toFixed(2)}`);
const sorted = [...shares].sort((a, b) => a - b);
console.log(
  `\nall trackers + shared inputs per clip: median ${sorted[sorted.length >> 1].toFixed(2)} s (total ${((performance.now() - started) / 1000).toFixed(0)} s incl. synthesis)`,
);
