// End-to-end benchmarks of the BUILT workspace packages (no build step here; `turbo run bench`
// builds the dependencies first). Not a test: CI never runs it.
//   pnpm --filter @tactus/bench bench [-- --quick] [-- --out docs/BENCHMARKS.md]
//   node packages/bench/src/run.mjs --quick            (after `pnpm build`)
// --out is resolved against the repository root. Everything (corpus, caches, checkpoint) lives
// in one temp folder that is removed at the end.
import { spawn } from "node:child_process";
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import { dirname, isAbsolute, join, relative, resolve } from "node:path";
import { fileURLToPath } from "node:url";
import { writeWav } from "@tactus/audio";
import { generateCorpus, loadFolder, synthesizeClip } from "@tactus/datasets";
import { clearAudioHashMemo, hashBytes, keyFor, RACY_MARGIN_NS } from "@tactus/cache";
import { analyzeFile, openEngineCache, warmFile } from "@tactus/engine";
import { createModel, initBackend, saveCheckpoint } from "@tactus/meternet";
import { evaluate } from "@tactus/trainer";
import { Bench } from "tinybench";

const HERE = dirname(fileURLToPath(import.meta.url));
const REPO = resolve(HERE, "../../..");
const CLI = join(REPO, "apps/cli/dist/main.js");

// ---------------------------------------------------------------- options
const argv = process.argv.slice(2).filter((a) => a !== "--");
const quick = argv.includes("--quick");
// --only eval700: just the 700-file eval case (a few minutes less than the whole bench).
const onlyIdx = argv.indexOf("--only");
const only = onlyIdx >= 0 ? argv[onlyIdx + 1] : undefined;
if (onlyIdx >= 0 && only !== "eval700") fail("--only takes: eval700");
const outIdx = argv.indexOf("--out");
const out = outIdx >= 0 ? argv[outIdx + 1] : undefined;
if (outIdx >= 0 && !out) fail("--out needs a path");
if (argv.includes("-h") || argv.includes("--help")) {
  console.log("usage: node packages/bench/src/run.mjs [--quick] [--only eval700] [--out docs/BENCHMARKS.md]");
  process.exit(0);
}
const CFG = quick
  ? { coldRuns: 2, coldSec: 30, fastN: 12, fastSec: 4, fastPasses: 3, warmClips: 6, warmSec: 6, warmRounds: 1, epochs: 1, evalRuns: 2, bigSources: 3, bigRuns: 2 }
  : { coldRuns: 5, coldSec: 30, fastN: 50, fastSec: 4, fastPasses: 5, warmClips: 30, warmSec: 10, warmRounds: 3, epochs: 3, evalRuns: 3, bigSources: 6, bigRuns: 5 };
// The issue-8 eval case: 700 files of 20 s (22 050 Hz 16-bit WAV, ≈ 0.9 MB each).
const BIG = { files: 700, sec: 20 };
// Epoch timings at the recipe's batch size (64) and at larger ones (fewer optimizer steps per epoch).
const TRAIN = { hidden: 640, recipeBatch: 64, batches: [64, 128, 256] };
const METERNET_BENCH = join(REPO, "packages/meternet/bench/forward.mjs");

// ---------------------------------------------------------------- helpers
const median = (xs) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[s.length >> 1] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = (x) => (x >= 100 ? x.toFixed(0) : x >= 10 ? x.toFixed(1) : x.toFixed(2));
const sec = (x) => (x / 1000).toFixed(2);
const log = (...a) => console.error("[bench]", ...a);
function fail(message) {
  console.error(`bench: ${message}`);
  process.exit(2);
}
function runChild(args, { cwd = REPO, env = {}, timeoutMs } = {}) {
  return new Promise((res, rej) => {
    const t0 = performance.now();
    const child = spawn(process.execPath, args, { cwd, env: { ...process.env, CI: "1", ...env }, stdio: ["ignore", "pipe", "pipe"], ...(timeoutMs ? { timeout: timeoutMs } : {}) });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (d) => (stdout += d));
    child.stderr.on("data", (d) => (stderr += d));
    child.on("error", rej);
    child.on("close", (code) => {
      const wallMs = performance.now() - t0;
      if (code !== 0) rej(new Error(`${args.join(" ")} exited ${code}\n${stderr.slice(-2000)}`));
      else res({ stdout, stderr, wallMs });
    });
  });
}

/**
 * Cores kept busy by OTHER processes: /proc/stat sampled over `ms` while this process sleeps
 * (Linux); elsewhere the 1-minute load average. A 1-minute load average would also count the
 * build `turbo run bench` just did, and this run's own work.
 */
async function busyCores(ms = 1500) {
  const a = cpuTimes();
  if (!a) return os.loadavg()[0];
  await new Promise((r) => setTimeout(r, ms));
  return coresBusyBetween(a, cpuTimes());
}
/** Machine-wide CPU time counters (Linux /proc/stat), or null elsewhere. */
function cpuTimes() {
  try {
    const f = readFileSync("/proc/stat", "utf8").split("\n")[0].trim().split(/\s+/).slice(1).map(Number);
    return { idle: f[3] + (f[4] ?? 0), total: f.reduce((a, b) => a + b, 0) };
  } catch {
    return null;
  }
}
/** Average number of busy cores between two {@link cpuTimes} snapshots. */
function coresBusyBetween(a, b) {
  return (1 - (b.idle - a.idle) / (b.total - a.total)) * os.cpus().length;
}
const loadSamples = []; // [when, busy cores]
const sampleLoad = async (when) => {
  const busy = await busyCores();
  loadSamples.push([when, busy]);
  log(`other load before ${when}: ${busy.toFixed(2)} busy cores`);
};

const startedAt = new Date();
const load0 = os.loadavg();
const root = mkdtempSync(join(os.tmpdir(), "tactus-bench-"));
const rows = []; // [what, figure, notes]
const stageRows = []; // [stage, median, min, max]
let backendLine = "?";

try {
  const backend = await initBackend();
  backendLine = `${backend.name} (simd ${backend.simd}, threads ${backend.threads})`;
  log(`backend ${backendLine}; temp ${root}; ${quick ? "QUICK" : "full"} run`);

  // An untrained MeterNet of the default size: the forward pass costs the same as a trained one.
  const checkpointDir = join(root, "meter_net");
  await saveCheckpoint(checkpointDir, createModel("meternet", {}, 1), { provenance: { command: "bench", dataset: "none (untrained)", codeRevision: "bench" } });
  const onsetMlpDir = join(root, "no_onset_mlp"); // absent on purpose: same for every measurement

  await evalLargeCase(root, checkpointDir, onsetMlpDir);
  if (!only) {
  // ------------------------------------------------------------ 1. cold analysis, 30 s clip
  const clip = join(root, "clip30.wav");
  await writeWav(clip, synthesizeClip({ numerator: 7, denominator: 8, bpm: 140, durationSec: CFG.coldSec, seed: 5 }).samples, 22050);
  const coldOnce = async () => {
    const dir = mkdtempSync(join(root, "cold-cache-"));
    const cache = openEngineCache({ dir, onsetMlpDir });
    const stages = {};
    try {
      const t0 = performance.now();
      const r = await analyzeFile(clip, { cache, checkpointDir, onsetMlpDir, onStage: (s, t) => (stages[s] = (stages[s] ?? 0) + t) });
      const wall = performance.now() - t0;
      if (r.cache.fastPath) throw new Error("cold run hit the fast path");
      return { wall, stages };
    } finally {
      await cache.close();
      rmSync(dir, { recursive: true, force: true });
    }
  };
  await sampleLoad("cold analysis");
  log("cold: warm-up run (module/wasm initialisation, not counted)");
  const first = await coldOnce();
  const cold = [];
  for (let i = 0; i < CFG.coldRuns; i++) {
    cold.push(await coldOnce());
    log(`cold run ${i + 1}/${CFG.coldRuns}: ${sec(cold.at(-1).wall)} s`);
  }
  const coldWall = cold.map((c) => c.wall);
  const coldMed = median(coldWall);
  rows.push([
    `cold \`analyzeFile\`, ${CFG.coldSec} s clip, fresh cache each run`,
    `median ${sec(coldMed)} s (min ${sec(Math.min(...coldWall))}, max ${sec(Math.max(...coldWall))}; n=${CFG.coldRuns})`,
    `first run in the process ${sec(first.wall)} s (not counted); includes cache writes`,
  ]);
  rows.push(["real-time factor (cold)", `${(coldMed / 1000 / CFG.coldSec).toFixed(3)} (${((CFG.coldSec * 1000) / coldMed).toFixed(1)}× real time)`, "processing time ÷ audio duration"]);
  const order = ["hash", "cache_read", "decode", "preprocess", "trackers", "onsets", "tempo", "signals", "features", "cache_write", "model", "hypotheses", "sections", "total"];
  const seen = new Set(cold.flatMap((c) => Object.keys(c.stages)));
  for (const s of [...order.filter((s) => seen.has(s)), ...[...seen].filter((s) => !order.includes(s))]) {
    const v = cold.map((c) => c.stages[s] ?? 0);
    stageRows.push([s, median(v), Math.min(...v), Math.max(...v)]);
  }

  // ------------------------------------------------------------ 2. fast path over N cached files
  const perClass = Math.ceil(CFG.fastN / 6);
  const fastDir = join(root, "corpus-fast");
  log(`fast path: synthesising ${perClass * 6} clips of ${CFG.fastSec} s`);
  const corpus = await generateCorpus({ outDir: fastDir, perClass, durationSec: CFG.fastSec, seed: 7 });
  const fastFiles = corpus.clips.slice(0, CFG.fastN).map((c) => join(fastDir, c.file));
  const fastCache = openEngineCache({ dir: join(root, "fast-cache"), onsetMlpDir });
  const t0 = performance.now();
  for (const f of fastFiles) await warmFile(f, { cache: fastCache, onsetMlpDir });
  const warmInProc = performance.now() - t0;
  log(`warmed ${fastFiles.length} files in ${sec(warmInProc)} s`);
  const bench = new Bench({ iterations: CFG.fastPasses, time: 0, warmupIterations: 1, warmupTime: 0 });
  bench.add(`analyzeFile × ${fastFiles.length}`, async () => {
    for (const f of fastFiles) {
      const r = await analyzeFile(f, { cache: fastCache, checkpointDir, onsetMlpDir });
      if (!r.cache.fastPath) throw new Error(`${f}: expected the fast path`);
    }
  });
  await bench.run();
  const task = bench.tasks[0];
  if (task.result?.error) throw task.result.error;
  const lat = task.result.latency;
  const perFile = lat.p50 / fastFiles.length;
  rows.push([
    `fast path \`analyzeFile\` (warm cache), ${fastFiles.length} files × ${CFG.fastSec} s`,
    `${ms(perFile)} ms per file (pass median ${ms(lat.p50)} ms, min ${ms(lat.min)}, max ${ms(lat.max)}; ${task.result.latency.samples?.length ?? CFG.fastPasses} passes)`,
    `→ ${sec(perFile * 700)} s per 700 files (**extrapolated** ×700/${fastFiles.length})`,
  ]);

  // trainer's batched eval path: featuresForFile from the cache + ONE forward pass
  const entries = (await loadFolder(fastDir)).entries.filter((e) => fastFiles.includes(e.audioPath));
  const evals = [];
  for (let i = 0; i < CFG.evalRuns; i++) {
    const { record } = await evaluate({ entries, cache: fastCache, checkpointDir, datasetName: "bench", split: "all", onsetMlpDir, warn: () => {} });
    if (record.warmFiles !== entries.length) throw new Error(`eval: only ${record.warmFiles}/${entries.length} files warm`);
    evals.push(record.timings);
  }
  const evTotal = median(evals.map((t) => t.totalMs));
  const evFwd = median(evals.map((t) => t.forwardMs));
  const evFeat = median(evals.map((t) => t.featuresMs));
  const evHash = median(evals.map((t) => t.hashMs));
  rows.push([
    `trainer \`evaluate\` (batched eval, warm cache), ${entries.length} files`,
    `${ms(evTotal)} ms total = ${ms(evTotal / entries.length)} ms per file (hash ${ms(evHash)}, features ${ms(evFeat)}, forward ${ms(evFwd)} ms; median of ${CFG.evalRuns})`,
    `→ ${sec((evTotal / entries.length) * 700)} s per 700 files (**extrapolated**; checkpoint load included)`,
  ]);
  await fastCache.close();

  // ------------------------------------------------------------ 3. warm throughput, 1 vs 2 workers
  const warmDir = join(root, "corpus-warm");
  // Enough clips that the workers' start-up (module and WASM initialisation, ≈ 1 s each) and the
  // last file's tail do not dominate: a real warm runs over hundreds of files.
  await generateCorpus({ outDir: warmDir, perClass: CFG.warmClips / 6, durationSec: CFG.warmSec, seed: 11 });
  await sampleLoad("warm throughput");
  // Alternating -w 1 / -w 2 runs (each on a fresh cache), medians per worker count: a busy moment
  // on a shared machine then spoils one run, not the ratio.
  const workerRuns = { 1: [], 2: [] };
  // Cores busy machine-wide during each run (the machine is otherwise idle, see the load line):
  // -w 1 is one process, but V8's helper threads (concurrent GC, compilers) keep part of a second
  // core busy, which caps what -w 2 can add on two cores.
  const workerCores = { 1: [], 2: [] };
  for (let round = 0; round < CFG.warmRounds; round++) {
    for (const w of [1, 2]) {
      const cacheDir = join(root, `warm-cache-w${w}-${round}`);
      mkdirSync(cacheDir);
      log(`warm -w ${w} (round ${round + 1}/${CFG.warmRounds}): ${CFG.warmClips} clips of ${CFG.warmSec} s`);
      const before = cpuTimes();
      const r = await runChild([CLI, "warm", "--data-dir", warmDir, "-w", String(w), "--cache-dir", cacheDir]);
      const after = cpuTimes();
      const m = /warm: (\d+) computed, (\d+) already cached, (\d+) failed/.exec(r.stdout);
      if (!m || Number(m[1]) !== CFG.warmClips) throw new Error(`warm -w ${w}: unexpected output\n${r.stdout}\n${r.stderr.slice(-1000)}`);
      workerRuns[w].push(r.wallMs);
      if (before && after) workerCores[w].push(coresBusyBetween(before, after));
    }
  }
  const fps = (w) => CFG.warmClips / (median(workerRuns[w]) / 1000);
  const runsOf = (w) => workerRuns[w].map(sec).join(", ");
  const occupancy = (w) => {
    if (workerCores[w].length === 0) return "";
    const cores = median(workerCores[w]);
    const cpuPerFile = (cores * median(workerRuns[w])) / 1000 / CFG.warmClips;
    return `; ${cores.toFixed(2)} cores busy (median), ${cpuPerFile.toFixed(2)} CPU-s per file`;
  };
  rows.push([`\`tactus warm\` -w 1, ${CFG.warmClips} clips × ${CFG.warmSec} s`, `${fps(1).toFixed(2)} files/s (median of ${CFG.warmRounds}: ${runsOf(1)} s)`, `wall time of the CLI process, start-up included; fresh cache each run${occupancy(1)}`]);
  rows.push([`\`tactus warm\` -w 2, same clips`, `${fps(2).toFixed(2)} files/s (median of ${CFG.warmRounds}: ${runsOf(2)} s)`, `speed-up w2/w1 = **${(fps(2) / fps(1)).toFixed(2)}×** (medians, runs alternated, ${os.cpus().length} cores)${occupancy(2)}`]);

  // ------------------------------------------------------------ 4. peak RSS of one worker
  const rssCache = join(root, "rss-cache");
  mkdirSync(rssCache);
  const rss = await runChild([join(HERE, "rss-child.mjs"), clip, checkpointDir, rssCache, onsetMlpDir]);
  const rssOut = JSON.parse(rss.stdout.trim().split("\n").at(-1));
  rows.push(["peak RSS, child process running one cold analysis", `${(rssOut.maxRSSKiB / 1024).toFixed(0)} MiB`, `\`process.resourceUsage().maxRSS\`; ${CFG.coldSec} s clip, ${sec(rssOut.totalMs)} s`]);

  // ------------------------------------------------------------ 5. MeterNet training epoch
  // Each batch size in a fresh child process (a clean heap and WASM memory, as `tactus grid`
  // trains): @tactus/meternet's own bench script; its first epoch is the warm-up, not counted.
  await sampleLoad("training");
  for (const batch of TRAIN.batches) {
    const env = { HIDDEN: String(TRAIN.hidden), BATCH: String(batch), EPOCHS: String(CFG.epochs + 1) };
    const r = await runChild([METERNET_BENCH], { env });
    const out = JSON.parse(r.stdout.trim().split("\n").at(-1));
    const counted = out.epochSec.slice(1);
    log(`training batch ${batch}: ${out.epochSec.map((s) => s.toFixed(2)).join(", ")} s`);
    rows.push([
      `MeterNet training epoch, ${out.rows}×${out.inputLength}, hidden ${out.hidden}, batch ${batch}${batch === TRAIN.recipeBatch ? " (the recipe's)" : ""}`,
      `**${median(counted).toFixed(2)} s** (median of ${counted.length}: ${counted.map((s) => s.toFixed(2)).join(", ")})`,
      `bare AdamW steps in a fresh process (packages/meternet/bench/forward.mjs), first epoch not counted; backend ${out.backend}`,
    ]);
  }
  }
} finally {
  rmSync(root, { recursive: true, force: true });
}

// ---------------------------------------------------------------- 700-file eval
/**
 * `tactus eval` over 700 cached 20 s WAVs after the model changed. Warming 700 clips would take
 * ~20 CPU-minutes, so `bigSources` clips are warmed and each of the 700 files is a copy of one of
 * them with its last 4 bytes (the last two samples) set to the file's index: every file has its
 * own content hash, and its cache entries are the source's, stored under that hash. Every file
 * then goes through the whole fast path: hash, LMDB reads, vector. Measured: the first eval (no
 * memo: every file hashed and its vector computed from its entries), then `bigRuns` evals with
 * ANOTHER checkpoint, each with a freshly opened cache and an empty in-process hash memo, as a
 * new `tactus eval` process would run (hash and vector from memo.lmdb); and the CLI's wall time.
 */
async function evalLargeCase(root, checkpointDir, onsetMlpDir) {
  await sampleLoad("eval 700");
  const dir = join(root, "corpus-700");
  const cacheDir = join(root, "cache-700");
  const perClass = Math.ceil(CFG.bigSources / 6);
  const corpus = await generateCorpus({ outDir: join(root, "corpus-700-src"), perClass, durationSec: BIG.sec, seed: 13 });
  const sources = corpus.clips.slice(0, CFG.bigSources);
  let cache = openEngineCache({ dir: cacheDir, onsetMlpDir });
  log(`eval 700: warming ${sources.length} clips of ${BIG.sec} s`);
  const entriesOf = [];
  for (const c of sources) {
    const path = join(root, "corpus-700-src", c.file);
    await warmFile(path, { cache, onsetMlpDir });
    const stored = cache.loadAllForAudio(await cache.audioHash(path));
    if (stored.missing.length > 0) throw new Error(`${path}: not warm (${stored.missing.join(", ")})`);
    const value = (component) => (component.family === "onsets" ? stored.onsets : stored[component.family][component.name]);
    entriesOf.push({ bytes: readFileSync(path), label: c, values: [...cache.components].map((component) => [component, value(component)]) });
  }
  mkdirSync(join(dir, "audio"), { recursive: true });
  const labels = ["file\tmeter\tdenominator"];
  for (let i = 0; i < BIG.files; i++) {
    const source = entriesOf[i % entriesOf.length];
    const bytes = Buffer.from(source.bytes);
    bytes.writeUInt32LE(i, bytes.length - 4);
    const file = `audio/copy-${String(i).padStart(4, "0")}.wav`;
    writeFileSync(join(dir, file), bytes);
    labels.push(`${file}\t${source.label.spec.numerator}\t${source.label.spec.denominator}`);
    const ah = hashBytes(bytes);
    await cache.putMany(source.values.map(([component, v]) => ({ key: keyFor(component, ah), value: v })));
  }
  writeFileSync(join(dir, "labels.tsv"), `${labels.join("\n")}\n`);
  await cache.close();
  const mb = (BIG.files * entriesOf[0].bytes.length) / 2 ** 20;
  // Files changed less than RACY_MARGIN_NS before hashing are not remembered (racily clean).
  await new Promise((r) => setTimeout(r, Number(RACY_MARGIN_NS / 1_000_000n) + 200));

  const retrained = join(root, "meter_net_retrained");
  await saveCheckpoint(retrained, createModel("meternet", {}, 2), { provenance: { command: "bench", dataset: "none (untrained)", codeRevision: "bench" } });
  const entries = (await loadFolder(dir)).entries;
  if (entries.length !== BIG.files) throw new Error(`eval 700: ${entries.length} labelled files, expected ${BIG.files}`);
  const evalOnce = async (ckpt) => {
    clearAudioHashMemo();
    cache = openEngineCache({ dir: cacheDir, onsetMlpDir });
    try {
      const { record } = await evaluate({ entries, cache, checkpointDir: ckpt, datasetName: "bench", split: "all", onsetMlpDir, warn: () => {} });
      if (record.warmFiles !== BIG.files || record.files.some((f) => f.error)) throw new Error(`eval 700: ${record.warmFiles}/${BIG.files} warm, errors: ${record.files.find((f) => f.error)?.error}`);
      return record.timings;
    } finally {
      await cache.close();
    }
  };
  const firstRun = await evalOnce(checkpointDir);
  const runs = [];
  for (let i = 0; i < CFG.bigRuns; i++) runs.push(await evalOnce(retrained));
  const med = (k) => median(runs.map((t) => t[k]));
  const split = (t) => `hash+check ${ms(t.hashMs)}, features ${ms(t.featuresMs)}, forward ${ms(t.forwardMs)} ms`;
  log(`eval 700: first ${sec(firstRun.totalMs)} s (${split(firstRun)}); then ${runs.map((t) => sec(t.totalMs)).join(", ")} s`);
  // A new process fingerprints the code again: if a package was rebuilt meanwhile, every file is cold.
  const cli = await runChild([CLI, "eval", "--data-dir", dir, "--split", "all", "--checkpoint", retrained, "--cache-dir", cacheDir], {
    env: { TACTUS_DATA_DIR: root },
    timeoutMs: 120_000,
  }).catch((error) => {
    throw new Error(`eval 700: the CLI run failed or took over 120 s (were packages rebuilt during the bench? entries are then stale): ${error.message}`);
  });
  rows.push([
    `\`evaluate\` over ${BIG.files} cached ${BIG.sec} s WAVs (${mb.toFixed(0)} MB), model changed`,
    `**${sec(med("totalMs"))} s** (median of ${CFG.bigRuns}; ${split({ hashMs: med("hashMs"), featuresMs: med("featuresMs"), forwardMs: med("forwardMs") })}; checkpoint load included)`,
    `each run: fresh cache handle, empty in-process memo; hashes and vectors from memo.lmdb. First eval with no memo: ${sec(firstRun.totalMs)} s (${split(firstRun)})`,
  ]);
  rows.push([`\`tactus eval\` CLI, same ${BIG.files} files`, `${sec(cli.wallMs)} s wall`, "whole process: start-up, TF.js, fingerprints, selection, eval, report"]);
}

// ---------------------------------------------------------------- report
const load1 = os.loadavg();
const cores = os.cpus().length;
// The bench itself keeps ≥ 1 core busy, so the load average cannot say whether other work was
// running; the busy-core samples taken while the bench idled before each section can.
const loaded = loadSamples.some(([, busy]) => busy > 0.5);
const command = `node packages/bench/src/run.mjs ${process.argv.slice(2).join(" ")}`.trim();
const lines = [
  "# Benchmarks",
  "",
  `Produced by \`@tactus/bench\` (\`${command}\`); regenerate with \`pnpm --filter @tactus/bench bench -- --out docs/BENCHMARKS.md\`. Do not edit by hand.`,
  "",
  `- date: ${startedAt.toISOString()}${quick ? " (**--quick**: fewer runs, smoke only)" : ""}`,
  `- machine: ${os.cpus()[0]?.model ?? "?"}, ${cores} cores, ${(os.totalmem() / 2 ** 30).toFixed(1)} GiB, ${os.platform()} ${os.release()}`,
  `- Node ${process.version}, TF.js backend ${backendLine}`,
  `- other work on the machine (busy cores over 1.5 s while the bench idled, before each section): ${loadSamples.map(([w, b]) => `${w} ${b.toFixed(2)}`).join(", ")}; load average (1 min) before / after: ${load0[0].toFixed(2)} / ${load1[0].toFixed(2)}${loaded ? " — **measured under load**: treat as pessimistic" : " — idle machine"}`,
  "",
  "| what | figure | notes |",
  "|---|---|---|",
  ...rows.map((r) => `| ${r.join(" | ")} |`),
  "",
  ...(stageRows.length === 0 ? [] : [`Cold analysis, per stage (ms, ${CFG.coldRuns} runs; stages as the engine's \`onStage\` reports them — the trackers are one stage, and \`features\` is the audio block, SSM, beat and tempo groups together; \`signals\` sums its calls):`,
  "",
  "| stage | median | min | max |",
  "|---|---:|---:|---:|",
  ...stageRows.map(([s, m, lo, hi]) => `| ${s} | ${ms(m)} | ${ms(lo)} | ${ms(hi)} |`),
  ""]),
];
const md = lines.join("\n");
console.log(md);
if (out) {
  const path = isAbsolute(out) ? out : resolve(REPO, out);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, md);
  log(`wrote ${relative(process.cwd(), path) || path}`);
}
