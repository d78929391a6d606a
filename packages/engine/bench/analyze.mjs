// Cold analysis of a 30 s clip (uncached, median of 5) and the fast path (warm cache, with a
// MeterNet checkpoint of the default size), after `npx tsc -p tsconfig.build.json`:
//   node bench/analyze.mjs
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { writeWav } from "@tactus/audio";
import { synthesizeClip } from "@tactus/datasets";
import { analyzeFile, openEngineCache, warmFile } from "@tactus/engine";
import { createModel, initBackend, saveCheckpoint } from "@tactus/meternet";

const root = mkdtempSync(join(tmpdir(), "tactus-engine-bench-"));
const median = (xs) => [...xs].sort((a, b) => a - b)[xs.length >> 1];
try {
  const file = join(root, "clip.wav");
  await writeWav(file, synthesizeClip({ numerator: 7, denominator: 8, bpm: 140, durationSec: 30, seed: 5 }).samples, 22050);
  await initBackend();
  const checkpointDir = join(root, "meter_net");
  await saveCheckpoint(checkpointDir, createModel("meternet", {}, 1), {
    provenance: { command: "bench", dataset: "none (untrained)", codeRevision: "bench" },
  });

  const cold = [];
  const stages = {};
  for (let i = 0; i < (process.env.COLD_RUNS ? Number(process.env.COLD_RUNS) : 5); i++) {
    const r = await analyzeFile(file, { cache: null, checkpointDir });
    cold.push(r.timings.total);
    for (const [k, v] of Object.entries(r.timings)) (stages[k] ??= []).push(v);
  }
  console.log(`cold analyze, 30 s clip, uncached: median ${median(cold).toFixed(0)} ms of`, cold.map((t) => t.toFixed(0)).join(", "));
  console.log("  per stage (median ms):", Object.fromEntries(Object.entries(stages).map(([k, v]) => [k, Math.round(median(v))])));

  const cache = openEngineCache({ dir: join(root, "cache") });
  await warmFile(file, { cache });
  const fast = [];
  const fastStages = {};
  for (let i = 0; i < 200; i++) {
    const r = await analyzeFile(file, { cache, checkpointDir });
    if (!r.cache.fastPath) throw new Error("expected the fast path");
    fast.push(r.timings.total);
    for (const [k, v] of Object.entries(r.timings)) (fastStages[k] ??= []).push(v);
  }
  console.log(`fast path (warm cache, model forward, sections): median ${median(fast.slice(20)).toFixed(2)} ms per file`);
  console.log("  per stage (median ms):", Object.fromEntries(Object.entries(fastStages).map(([k, v]) => [k, median(v)])));
  await cache.close();
} finally {
  rmSync(root, { recursive: true, force: true });
}
