/**
 * `eval`: end-to-end evaluation (reference/pipeline.md §6) through the engine's feature path.
 * With a warm cache every vector comes from LMDB (`featuresForFile` fast path, no decoding) and
 * the model runs ONE batched forward pass over all files. Cold files are computed through the
 * cache first (in worker processes when the caller provides `warm`). Files are `DatasetEntry`s of
 * `@tactus/datasets`, scored by its `isCorrect` (§6.4) and counted in the bucket of `entry.meter`.
 * An Arbiter checkpoint gets each file's onset-MLP signal scores as its last 12 inputs, as in
 * training. An interrupted promotion of the checkpoint folder is finished or rolled back first.
 */
import type { AnalysisCache } from "@tactus/cache";
import { type DatasetEntry, isCorrect, isMultiLabel } from "@tactus/datasets";
import { featuresForFile } from "@tactus/engine";
import { FEATURE_LENGTH } from "@tactus/features";
import { createRng, initBackend, loadCheckpoint, meterHypotheses, predict, recoverModelDir } from "@tactus/meternet";
import { METER_KEYS, scoresToVector } from "@tactus/signals";
import { modelInput, parseSharpen } from "./dataset.js";
import { missingEntries } from "./extract.js";
import { classIndex, N_CLASSES } from "./labels.js";
import { type ClassCount, type ConfusionMatrix, classMetrics, confusionMatrix } from "./metrics.js";

export interface FileResult {
  /** `DatasetEntry.id`. */
  fname: string;
  path: string;
  /** `DatasetEntry.dataset`. */
  dataset?: string;
  /** The primary meter (`DatasetEntry.meter`). */
  expected: number;
  predicted: number | null;
  ok: boolean;
  /** The targets of a multi-label entry, else null. */
  multilabel: Record<string, number> | null;
  /** Class probabilities (METER_CLASSES order), null when no vector. */
  probabilities: number[] | null;
  error?: string;
}

export interface EvalTimings {
  hashMs: number;
  warmMs: number;
  featuresMs: number;
  forwardMs: number;
  totalMs: number;
}

/** One dataset's evaluation, as stored in a snapshot's `datasets.<name>`. */
export interface DatasetRecord {
  dataset: string;
  split: string;
  total: number;
  correct: number;
  /** Percent, 1 decimal. */
  accuracy: number;
  balancedAccuracy: number;
  elapsedS: number;
  perClass: Record<string, ClassCount>;
  /** 3 and 4 together: exact predictions of the 3/x and 4/x files. */
  threeFour: ClassCount;
  multiLabel: { matched: number; total: number };
  confusion: ConfusionMatrix;
  timings: EvalTimings;
  /** Files evaluated from the warm cache without computing anything. */
  warmFiles: number;
  files: FileResult[];
}

export interface CheckpointInfo {
  path: string;
  hash: string;
  kind: string;
  trained: string;
  gitAtTrain: string;
  validationBalancedAccuracy: number | null;
}

export interface EvalOptions {
  entries: readonly DatasetEntry[];
  cache: AnalysisCache | null;
  checkpointDir: string;
  datasetName: string;
  split: string;
  /** Computes the cache entries of cold files (e.g. with worker processes); errors by path. */
  warm?: (paths: string[]) => Promise<Map<string, string>>;
  onProgress?: (done: number, total: number, file: string) => void;
  /** onset-MLP checkpoint for an Arbiter's onset_mlp input (default: the cache's, else `data/onset_mlp`). */
  onsetMlpDir?: string;
  /** Warnings (promotion recovery, missing Arbiter inputs); default `process.emitWarning`. */
  warn?: (message: string) => void;
}

export interface EvalOutcome {
  record: DatasetRecord;
  checkpoint: CheckpointInfo;
  backend: string;
  /** Everything passed to `warn`. */
  warnings: string[];
}

const round1 = (x: number) => Math.round(x * 10) / 10;

/** The class the engine would answer: the top hypothesis' model class (4 for the fallback). */
export function predictedClass(probabilities: ArrayLike<number>): number {
  const top = meterHypotheses(probabilities, {}).hypotheses[0]!;
  return top.meterClass ?? top.numerator;
}

/** An error as one line with its class (`NotAudioError: song.wav: …`), as the CLI reports failures. */
function errorText(error: unknown): string {
  if (!(error instanceof Error)) return String(error);
  return error.name && error.name !== "Error" ? `${error.name}: ${error.message}` : error.message;
}

export async function evaluate(options: EvalOptions): Promise<EvalOutcome> {
  const started = performance.now();
  const { cache } = options;
  const files = options.entries.map((entry) => ({ entry, path: entry.audioPath }));
  const warnings: string[] = [];
  const warn = (message: string) => {
    warnings.push(message);
    (options.warn ?? ((m: string) => process.emitWarning(m, { code: "TACTUS_EVAL" })))(message);
  };
  for (const note of recoverModelDir(options.checkpointDir).notes) warn(`${options.checkpointDir}: ${note}`);
  const backend = await initBackend();
  const loaded = await loadCheckpoint(options.checkpointDir);
  const { meta } = loaded;
  const isArbiter = meta.model === "arbiter";
  // An Arbiter trained with zeros in place of onset_mlp is fed zeros again (train = inference input).
  const trainedWithOnsetMlp = meta.hyperParameters.onsetMlpInput !== false;

  let t0 = performance.now();
  const cold: string[] = [];
  const errors = new Map<string, string>();
  let warmFiles = 0;
  for (const file of files) {
    if (!cache) {
      cold.push(file.path);
      continue;
    }
    try {
      const ah = await cache.audioHash(file.path);
      if (missingEntries(cache, ah).length === 0) warmFiles++;
      else cold.push(file.path);
    } catch (error) {
      errors.set(file.path, errorText(error));
    }
  }
  const hashMs = performance.now() - t0;
  if (cold.length > 0 && cache) {
    warn(
      `${cold.length} of ${files.length} files have no current cache entries (never warmed, or the analysis code changed): ` +
        `computing them ${options.warm ? "with the worker processes" : "in this process"} before the model runs` +
        (options.warm ? "" : " (`tactus warm -w N` first, or `eval --workers N`, is faster)"),
    );
  }

  t0 = performance.now();
  if (cold.length > 0 && options.warm && cache) {
    for (const [path, message] of await options.warm(cold)) errors.set(path, message);
  }
  const warmMs = performance.now() - t0;

  t0 = performance.now();
  const rows: number[] = [];
  const x = new Float32Array(files.length * FEATURE_LENGTH);
  const K = METER_KEYS.length;
  const onsetMlp = new Float32Array(files.length * K);
  let withoutOnsetMlp = 0;
  let done = 0;
  for (const [i, file] of files.entries()) {
    options.onProgress?.(++done, files.length, file.path);
    if (errors.has(file.path)) continue;
    try {
      const vector = await featuresForFile(file.path, { cache, ...(options.onsetMlpDir !== undefined ? { onsetMlpDir: options.onsetMlpDir } : {}) });
      if (!vector.ok) {
        errors.set(file.path, `${vector.reason} (${vector.durationSec.toFixed(2)} s)`);
        continue;
      }
      if (vector.onsetMlp) onsetMlp.set(scoresToVector(vector.onsetMlp), rows.length * K);
      else withoutOnsetMlp++;
      x.set(vector.vector, rows.length * FEATURE_LENGTH);
      rows.push(i);
    } catch (error) {
      errors.set(file.path, errorText(error));
    }
  }
  const featuresMs = performance.now() - t0;

  const n = rows.length;
  if (isArbiter && !trainedWithOnsetMlp) {
    warn(`${loaded.dir}: this Arbiter was trained without its onset_mlp input (zeros); it is evaluated the same way. Retrain on a dataset extracted with an onset-MLP checkpoint`);
  } else if (isArbiter && withoutOnsetMlp > 0) {
    warn(`Arbiter input "onset_mlp" is missing for ${withoutOnsetMlp}/${n} files (no onset-MLP checkpoint or scores): their 12 onset_mlp inputs are ZEROS`);
  }

  t0 = performance.now();
  const input = modelInput(meta.model, x.subarray(0, n * FEATURE_LENGTH), n, {
    sharpen: parseSharpen(typeof meta.hyperParameters.sharpen === "string" ? meta.hyperParameters.sharpen : undefined),
    ...(isArbiter && trainedWithOnsetMlp ? { onsetMlpScores: onsetMlp.subarray(0, n * K) } : {}),
  });
  const probabilities = n > 0 ? predict(loaded.model, input, n) : new Float32Array(0);
  const forwardMs = performance.now() - t0;

  const byFile = new Map<number, number[]>(rows.map((fileIndex, r) => [fileIndex, Array.from(probabilities.subarray(r * N_CLASSES, (r + 1) * N_CLASSES))]));
  const results: FileResult[] = files.map(({ entry, path }, i) => {
    const p = byFile.get(i) ?? null;
    const predicted = p ? predictedClass(p) : null;
    const error = errors.get(path);
    return {
      fname: entry.id,
      path,
      dataset: entry.dataset,
      expected: entry.meter,
      predicted,
      ok: isCorrect(predicted, entry),
      multilabel: isMultiLabel(entry) ? { ...entry.targets } : null,
      probabilities: p ? p.map((v) => Math.round(v * 1e4) / 1e4) : null,
      ...(error ? { error } : {}),
    };
  });

  const metrics = classMetrics(results.map((r) => ({ expected: classIndex(r.expected), ok: r.ok })));
  const c3 = metrics.perClass["3"] ?? { correct: 0, total: 0 };
  const c4 = metrics.perClass["4"] ?? { correct: 0, total: 0 };
  const multi = results.filter((r) => r.multilabel);
  const totalMs = performance.now() - started;
  const record: DatasetRecord = {
    dataset: options.datasetName,
    split: options.split,
    total: metrics.total,
    correct: metrics.correct,
    accuracy: round1(100 * metrics.accuracy),
    balancedAccuracy: round1(100 * metrics.balancedAccuracy),
    elapsedS: Math.round(totalMs) / 1000,
    perClass: metrics.perClass,
    threeFour: { correct: c3.correct + c4.correct, total: c3.total + c4.total },
    multiLabel: { matched: multi.filter((r) => r.ok).length, total: multi.length },
    confusion: confusionMatrix(results.map((r) => ({ expected: r.expected, predicted: r.predicted }))),
    timings: {
      hashMs: Math.round(hashMs),
      warmMs: Math.round(warmMs),
      featuresMs: Math.round(featuresMs),
      forwardMs: Math.round(forwardMs * 10) / 10,
      totalMs: Math.round(totalMs),
    },
    warmFiles,
    files: results,
  };
  const metric = meta.validationMetrics.balancedAccuracy;
  return {
    record,
    warnings,
    backend: backend.name,
    checkpoint: {
      path: loaded.dir,
      hash: loaded.hash,
      kind: meta.model,
      trained: meta.provenance.createdAt,
      gitAtTrain: meta.provenance.codeRevision,
      validationBalancedAccuracy: typeof metric === "number" ? metric : null,
    },
  };
}

/**
 * `--quick`: a stratified sample of `size` files (seed 42): per class max(1, round(n_c/total·size))
 * capped at the class size, leftovers to the largest classes; then shuffled.
 */
export function quickSample<T extends Pick<DatasetEntry, "meter">>(files: readonly T[], size = 100, seed = 42): T[] {
  const byClass = new Map<number, T[]>();
  for (const f of files) byClass.set(f.meter, [...(byClass.get(f.meter) ?? []), f]);
  const classes = [...byClass.keys()].sort((a, b) => a - b);
  const alloc = new Map(classes.map((m) => [m, Math.min(byClass.get(m)!.length, Math.max(1, Math.round((byClass.get(m)!.length / files.length) * size)))]));
  let left = size - [...alloc.values()].reduce((a, b) => a + b, 0);
  for (const m of [...classes].sort((a, b) => byClass.get(b)!.length - byClass.get(a)!.length)) {
    if (left <= 0) break;
    const extra = Math.min(left, byClass.get(m)!.length - alloc.get(m)!);
    alloc.set(m, alloc.get(m)! + extra);
    left -= extra;
  }
  const rng = createRng(seed);
  const shuffle = <U>(items: U[]): U[] => {
    const out = [...items];
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(rng.next() * (i + 1));
      [out[i], out[j]] = [out[j]!, out[i]!];
    }
    return out;
  };
  return shuffle(classes.flatMap((m) => shuffle(byClass.get(m)!).slice(0, alloc.get(m)!)));
}

