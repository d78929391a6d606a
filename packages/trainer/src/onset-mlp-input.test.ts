/**
 * The Arbiter's onset_mlp input end to end on a temp data root: a tiny onset-MLP checkpoint
 * (random weights) → warm → extract (onset_mlp.npy) → load → train → eval; the same without a
 * checkpoint must warn, naming the missing input. Also: Ballroom entries never become rows.
 */
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { AnalysisCache } from "@tactus/cache";
import { type DatasetEntry, generateCorpus, type Split } from "@tactus/datasets";
import { featuresForFile, openEngineCache, warmFile } from "@tactus/engine";
import { SIGNAL_BLOCK } from "@tactus/features";
import { createModel, initBackend, inputLayout, loadCheckpoint, saveCheckpoint } from "@tactus/meternet";
import { METER_KEYS, scoresToVector } from "@tactus/signals";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDataset, missingOnsetMlpInput, modelInput } from "./dataset.js";
import { evaluate } from "./eval.js";
import { EVAL_ONLY_DATASETS, extractDataset, ONSET_MLP_FILE, readDatasetMeta } from "./extract.js";
import { combosOf, runGrid } from "./grid.js";
import { readNpy } from "./npy.js";
import { dataPaths } from "./paths.js";
import { defaultTrainConfig, saveTrainedModel, trainModel } from "./train.js";

const SLOW = 600_000;
let root: string;
let entries: DatasetEntry[];
let withMlp: AnalysisCache;
let withoutMlp: AnalysisCache;
const K = METER_KEYS.length;

beforeAll(async () => {
  await initBackend();
  root = mkdtempSync(join(tmpdir(), "trainer-onset-mlp-"));
  const corpus = await generateCorpus({ outDir: join(root, "corpus"), perClass: 2, classes: [3, 4], durationSec: 4, seed: 5 });
  const splits: Split[] = ["train", "val", "train", "test"];
  entries = corpus.clips.map((clip, i) => ({
    id: clip.id,
    dataset: "synthetic",
    audioPath: join(root, "corpus", clip.file),
    file: clip.file,
    split: splits[i % splits.length]!,
    meter: clip.meterClass as DatasetEntry["meter"],
    targets: { [clip.meterClass]: 1 },
  }));
  const onsetMlpDir = dataPaths(root, "onset-mlp").model;
  await saveCheckpoint(onsetMlpDir, createModel("onset-mlp", { hidden: 16 }, 3), {
    provenance: { command: "trainer test", dataset: "none (random weights)", codeRevision: "test" },
  });
  withMlp = openEngineCache({ dir: join(root, "cache"), onsetMlpDir });
  for (const e of entries) await warmFile(e.audioPath, { cache: withMlp });
  await withMlp.close();
  // The same store opened without a checkpoint: every entry but signals:onset_mlp still current.
  withoutMlp = openEngineCache({ dir: join(root, "cache"), onsetMlpDir: join(root, "no_onset_mlp") });
  withMlp = openEngineCache({ dir: join(root, "cache"), onsetMlpDir });
}, SLOW);

afterAll(async () => {
  await withMlp?.close();
  await withoutMlp?.close();
  rmSync(root, { recursive: true, force: true });
});

describe("the Arbiter's onset_mlp input", () => {
  it("is extracted to onset_mlp.npy, loaded, fed to training and eval", async () => {
    const dir = join(root, "dataset-mlp");
    const ballroom: DatasetEntry = { ...entries[0]!, id: "waltz", dataset: EVAL_ONLY_DATASETS[0]! };
    const summary = await extractDataset({ entries: [...entries, ballroom], cache: withMlp, dir });
    expect(summary.failures).toEqual([]);
    expect(summary.evalOnly).toEqual({ ballroom: 1 });
    expect(summary.onsetMlp).toEqual({ train: true, val: true, test: true });
    expect(readDatasetMeta(dir)!.onsetMlp).toEqual({ train: true, val: true, test: true });
    expect(readDatasetMeta(dir)!.datasets).toEqual({ synthetic: entries.length });

    // Each row holds the engine's scores for that file, in METER_KEYS order.
    const scores = readNpy(join(dir, "train", ONSET_MLP_FILE));
    expect([scores.rows, scores.cols]).toEqual([2, K]);
    const first = await featuresForFile(entries[0]!.audioPath, { cache: withMlp });
    if (!first.ok || !first.onsetMlp) throw new Error("no onset-MLP scores");
    expect(Array.from(scores.data.subarray(0, K))).toEqual(Array.from(Float32Array.from(scoresToVector(first.onsetMlp))));
    expect(scores.data.some((v) => v !== 0)).toBe(true);

    // A second run reuses every row, scores included.
    const again = await extractDataset({ entries, cache: withMlp, dir });
    expect(again.upToDate).toBe(true);

    const dataset = loadDataset(dir);
    expect(missingOnsetMlpInput(dataset)).toBeNull();
    const train = dataset.splits.train!;
    const input = modelInput("arbiter", train.x, train.n, { onsetMlpScores: train.onsetMlp! });
    const L = inputLayout("arbiter").length;
    expect(Array.from(input.subarray(SIGNAL_BLOCK.length, L))).toEqual(Array.from(train.onsetMlp!.subarray(0, K)));

    const warnings: string[] = [];
    const config = { ...defaultTrainConfig("arbiter"), epochs: 2, hidden: 8 };
    const result = await trainModel(dataset, config, { warn: (m) => warnings.push(m) });
    expect(warnings).toEqual([]);
    expect(result.onsetMlpInput).toBe(true);
    const checkpointDir = join(root, "arbiter");
    await saveTrainedModel({ dir: checkpointDir, command: "test", dataset, config, result });

    const evalWarnings: string[] = [];
    const test = entries.filter((e) => e.split === "test");
    const outcome = await evaluate({ entries: test, cache: withMlp, checkpointDir, datasetName: "synthetic", split: "test", warn: (m) => evalWarnings.push(m) });
    expect(evalWarnings).toEqual([]);
    expect(outcome.record.files.every((f) => f.probabilities !== null)).toBe(true);
    // Eval feeds the same inputs as the dataset: its probabilities match the model on the extracted row.
    const { model } = await loadCheckpoint(checkpointDir);
    const testSplit = dataset.splits.test!;
    const { predict } = await import("@tactus/meternet");
    const p = predict(model, modelInput("arbiter", testSplit.x, testSplit.n, { onsetMlpScores: testSplit.onsetMlp! }), testSplit.n);
    outcome.record.files[0]!.probabilities!.forEach((v, c) => {
      expect(v).toBeCloseTo(p[c]!, 3);
    });

    // Without onset-MLP scores at eval time the missing input is named.
    const missing: string[] = [];
    await evaluate({ entries: test, cache: withoutMlp, checkpointDir, datasetName: "synthetic", split: "test", onsetMlpDir: join(root, "no_onset_mlp"), warn: (m) => missing.push(m) });
    expect(missing.join("\n")).toMatch(/Arbiter input "onset_mlp" is missing for 1\/1 files/);
  }, SLOW);

  it("warns, naming the missing input, when the dataset has no onset-MLP scores", async () => {
    const dir = join(root, "dataset-plain");
    const summary = await extractDataset({ entries, cache: withoutMlp, dir });
    expect(summary.failures).toEqual([]);
    expect(summary.onsetMlp).toEqual({ train: false, val: false, test: false });
    expect(existsSync(join(dir, "train", ONSET_MLP_FILE))).toBe(false);
    const dataset = loadDataset(dir);
    expect(dataset.splits.train!.onsetMlp).toBeNull();

    const warnings: string[] = [];
    const logged: string[] = [];
    const result = await trainModel(dataset, { ...defaultTrainConfig("arbiter"), epochs: 1, hidden: 8 }, { warn: (m) => warnings.push(m), log: (l) => logged.push(l) });
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatch(/Arbiter input "onset_mlp" .* is missing .*ZEROS/);
    expect(logged.some((l) => l.startsWith("WARNING:") && l.includes("onset_mlp"))).toBe(true);
    expect(result.onsetMlpInput).toBe(false);

    // The grid says it once for the search and promotes the winner crash-safely.
    const paths = dataPaths(root, "arbiter");
    const lines: string[] = [];
    const outcome = await runGrid({
      model: "arbiter",
      combos: combosOf("arbiter", { sharpen: ["none"], boostRare: [1] }),
      base: { ...defaultTrainConfig("arbiter"), epochs: 1, hidden: 8 },
      datasetDir: dir,
      gridDir: paths.grid,
      promoteTo: paths.model,
      promotePrev: paths.modelPrev,
      parallelRuns: 1,
      prune: null,
      command: "test",
      log: (l) => lines.push(l),
    });
    expect(outcome.promoted).toBe(true);
    expect(lines.filter((l) => l.startsWith("WARNING: Arbiter input \"onset_mlp\""))).toHaveLength(1);
    expect((await loadCheckpoint(paths.model, "arbiter")).meta.hyperParameters.onsetMlpInput).toBe(false);

    // MeterNet does not read it: no warning.
    const quiet: string[] = [];
    await trainModel(dataset, { ...defaultTrainConfig("meternet"), epochs: 1, hidden: 16 }, { warn: (m) => quiet.push(m) });
    expect(quiet).toEqual([]);
  }, SLOW);

  it("never extracts an evaluation-only dataset alone", async () => {
    const ballroomOnly = entries.map((e) => ({ ...e, dataset: "ballroom" }));
    await expect(extractDataset({ entries: ballroomOnly, cache: withMlp, dir: join(root, "dataset-ballroom") })).rejects.toThrow(/evaluation-only/);
    expect(existsSync(join(root, "dataset-ballroom"))).toBe(false);
  });
});
