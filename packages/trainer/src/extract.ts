/**
 * `extract`: the extracted dataset of ARCHITECTURE.md decision 9, built from the engine cache by
 * `featuresForFile` — the inference path, so training and inference see the same vector.
 *
 *   <dir>/meta.json                layout id, feature length, classes, component fingerprints
 *   <dir>/<split>/X.npy            float32 [n, 1630]
 *   <dir>/<split>/Y.npy            float32 [n, 6] soft targets
 *   <dir>/<split>/onset_mlp.npy    float32 [n, 12] the onset-MLP signal's scores (METER_KEYS order),
 *                                  the Arbiter's last 12 inputs; only when an onset-MLP checkpoint
 *                                  gave every row its scores (meta.json `onsetMlp` says per split)
 *   <dir>/<split>/index.json       the split's dataset names, and rows: file, id, dataset, meters
 *                                  (the entry's soft targets), primary (its meter), audio hash
 *
 * Input is `DatasetEntry`s of `@tactus/datasets` (any loader); a Y row is `targetVector(entry)`,
 * so WIKIMETER's soft multi-label targets reach training as they are.
 *
 * Evaluation-only datasets ({@link EVAL_ONLY_DATASETS}: Ballroom, the reference's cross-dataset
 * evaluation set) never become rows here, whatever the caller passes; `tactus eval --dataset
 * ballroom` evaluates them.
 *
 * Rows are reused only when meta.json matches the current layout and fingerprints and the file's
 * audio hash and labels are unchanged; anything else is re-read from the cache. Files whose cache
 * entries are missing are reported ("run `tactus warm` first"), never computed here.
 */
import { existsSync, readFileSync, rmSync } from "node:fs";
import { dirname, join, sep } from "node:path";
import { type AnalysisCache, type Component, fingerprint, keyFor } from "@tactus/cache";
import { CORPUS_MANIFEST, type DatasetEntry, SPLITS, type Split, targetVector } from "@tactus/datasets";
import { featuresForFile, ONSET_MLP_SIGNAL } from "@tactus/engine";
import { FEATURE_LENGTH, LAYOUT_ID } from "@tactus/features";
import { METER_CLASSES, METER_KEYS, scoresToVector } from "@tactus/signals";
import { displayPath, writeJsonAtomic } from "./files.js";
import { N_CLASSES } from "./labels.js";
import { readNpy, writeNpy } from "./npy.js";

export const DATASET_META = "meta.json";
export const DATASET_FORMAT = "tactus-dataset/1";
/** Per split: the onset-MLP signal's scores, n × METER_KEYS (the Arbiter's last inputs). */
export const ONSET_MLP_FILE = "onset_mlp.npy";

/**
 * Datasets used only for evaluation, never as training rows (`DatasetEntry.dataset`): Ballroom is
 * the reference's cross-dataset evaluation set. The one place this rule lives.
 */
export const EVAL_ONLY_DATASETS: readonly string[] = ["ballroom"];

export function isEvalOnlyDataset(dataset: string): boolean {
  return EVAL_ONLY_DATASETS.includes(dataset);
}

/** The rule in words, for command help and messages. */
export const EVAL_ONLY_NOTE = `${EVAL_ONLY_DATASETS.join(", ")} ${EVAL_ONLY_DATASETS.length === 1 ? "is" : "are"} evaluation-only: never extracted as training rows (not even with --extra-data); evaluate with \`tactus eval --dataset ${EVAL_ONLY_DATASETS[0]}\``;

export interface DatasetMeta {
  format: typeof DATASET_FORMAT;
  layoutId: string;
  featureLength: number;
  classes: number[];
  /** Component id → fingerprint of every engine cache component the vectors were read from. */
  fingerprints: Record<string, string>;
  createdAt: string;
  splits: Partial<Record<Split, number>>;
  /** Rows per dataset (`DatasetEntry.dataset`), all splits together. */
  datasets?: Record<string, number>;
  /** Where each dataset's rows came from (provenance for checkpoints trained on this dataset). */
  sources?: Record<string, DatasetSource>;
  /**
   * Per split: whether `<split>/onset_mlp.npy` holds every row's onset-MLP scores. Absent or false:
   * the Arbiter's onset_mlp input is not in the dataset (no onset-MLP checkpoint at extraction).
   */
  onsetMlp?: Partial<Record<Split, boolean>>;
}

/** One dataset's root folder and, for a corpus this project generated, how it was generated. */
export interface DatasetSource {
  /** The folder holding the dataset's audio, relative to the working directory when inside it. */
  root: string;
  rows: number;
  /** From the root's `corpus.json` (`tactus corpus synth|render`): generator, seed, size. */
  corpus?: { format: string; seed: number; perClass: number; durationSec: number; clips: number; generatorVersion?: number };
}

export interface IndexRow {
  /** Absolute audio path (`DatasetEntry.audioPath`). */
  file: string;
  id: string;
  /** `DatasetEntry.dataset`: meter2800, wikimeter, ballroom, or a folder dataset's name. */
  dataset: string;
  /** `DatasetEntry.targets`: meter → weight; several keys = a multi-label row. */
  meters: Record<string, number>;
  /** `DatasetEntry.meter`: the primary meter (sampler weight, eval bucket). */
  primary: number;
  audioHash: string;
}

export interface ExtractFailure {
  path: string;
  reason: string;
}

export interface ExtractSummary {
  dir: string;
  /** Per split: rows written, rows reused from the previous extraction, rows read from the cache. */
  splits: Partial<Record<Split, { rows: number; reused: number; extracted: number }>>;
  failures: ExtractFailure[];
  /** Nothing changed: the previous dataset was kept as it was. */
  upToDate: boolean;
  /** Why old rows were not reused (layout or fingerprints changed), if so. */
  staleReason: string | null;
  /** Entries left out because their dataset is evaluation-only ({@link EVAL_ONLY_DATASETS}), by dataset. */
  evalOnly: Record<string, number>;
  /** Per split: whether onset_mlp.npy was written (every row has the onset-MLP signal's scores). */
  onsetMlp: Partial<Record<Split, boolean>>;
}

export interface ExtractOptions {
  /** Labelled entries from `@tactus/datasets`; each goes to the split in `entry.split`. */
  entries: readonly DatasetEntry[];
  cache: AnalysisCache;
  dir: string;
  /** onset-MLP checkpoint for the scores (default: the cache's `signals:onset_mlp` component's). */
  onsetMlpDir?: string;
  onProgress?: (done: number, total: number, file: string) => void;
}

export const WARM_FIRST = "run `tactus warm` first";

/** Fingerprints of the engine's cache components (those registered in a cache, or `engineComponents().all`). */
export function currentFingerprints(components: Iterable<Component>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const component of components) out[component.id] = fingerprint(component);
  return Object.fromEntries(Object.entries(out).sort(([a], [b]) => a.localeCompare(b)));
}

/** Ids of the components with no current entry for this audio hash. */
export function missingEntries(cache: AnalysisCache, ah: string): string[] {
  const missing: string[] = [];
  for (const component of cache.components) if (!cache.has(keyFor(component, ah))) missing.push(component.id);
  return missing;
}

/** Why a dataset's meta does not match the current code, or null when it does. */
export function staleness(meta: DatasetMeta | null, fingerprints: Record<string, string>): string | null {
  if (!meta) return "no previous dataset";
  if (meta.layoutId !== LAYOUT_ID) return `feature layout changed (${meta.layoutId} → ${LAYOUT_ID})`;
  if (meta.featureLength !== FEATURE_LENGTH) return `feature length changed (${meta.featureLength} → ${FEATURE_LENGTH})`;
  const changed = Object.keys({ ...meta.fingerprints, ...fingerprints }).filter((id) => meta.fingerprints[id] !== fingerprints[id]);
  if (changed.length > 0) return `code fingerprints changed: ${changed.join(", ")}`;
  return null;
}

export function readDatasetMeta(dir: string): DatasetMeta | null {
  const file = join(dir, DATASET_META);
  if (!existsSync(file)) return null;
  try {
    return JSON.parse(readFileSync(file, "utf8")) as DatasetMeta;
  } catch {
    return null;
  }
}

interface OldRow {
  row: IndexRow;
  x: Float32Array;
  /** The row's onset-MLP scores, null when the split has none. */
  onsetMlp: Float32Array | null;
}

interface OldSplit {
  rows: Map<string, OldRow>;
  order: string[];
}

/** `<split>/onset_mlp.npy` when it matches `rows`, else null. */
export function readOnsetMlpScores(dir: string, split: Split, rows: number): Float32Array | null {
  const file = join(dir, split, ONSET_MLP_FILE);
  if (!existsSync(file)) return null;
  const m = readNpy(file);
  return m.rows === rows && m.cols === METER_KEYS.length ? m.data : null;
}

function readOldSplit(dir: string, split: Split): OldSplit | null {
  try {
    const index = JSON.parse(readFileSync(join(dir, split, "index.json"), "utf8")) as { rows: IndexRow[] };
    const x = readNpy(join(dir, split, "X.npy"));
    if (x.cols !== FEATURE_LENGTH || x.rows !== index.rows.length) return null;
    const scores = readOnsetMlpScores(dir, split, index.rows.length);
    const k = METER_KEYS.length;
    const rows = new Map<string, OldRow>();
    index.rows.forEach((row, i) => {
      rows.set(row.file, { row, x: x.data.slice(i * x.cols, (i + 1) * x.cols), onsetMlp: scores ? scores.slice(i * k, (i + 1) * k) : null });
    });
    return { rows, order: index.rows.map((r) => r.file) };
  } catch {
    return null;
  }
}

const sameMeters = (a: Record<string, number>, b: Record<string, number>) => JSON.stringify(sortKeys(a)) === JSON.stringify(sortKeys(b));
const sortKeys = (o: Record<string, number>) => Object.fromEntries(Object.entries(o).sort(([x], [y]) => x.localeCompare(y)));

/** Extracts (or refreshes) the dataset at `options.dir`. */
export async function extractDataset(options: ExtractOptions): Promise<ExtractSummary> {
  const { cache, dir } = options;
  const failures: ExtractFailure[] = [];
  const files: DatasetEntry[] = [];
  const evalOnly: Record<string, number> = {};
  for (const entry of options.entries) {
    if (isEvalOnlyDataset(entry.dataset)) evalOnly[entry.dataset] = (evalOnly[entry.dataset] ?? 0) + 1;
    else if (entry.split) files.push(entry);
    else failures.push({ path: entry.audioPath, reason: `${entry.audioPath}: ${entry.dataset} entry ${entry.id} has no split` });
  }
  if (files.length === 0 && Object.keys(evalOnly).length > 0) {
    throw new RangeError(`${dir}: nothing to extract: ${EVAL_ONLY_NOTE}`);
  }
  // With an onset-MLP component every complete file has the signal's scores; rows without them are not reused.
  const wantsOnsetMlp = cache.components.get("signals", ONSET_MLP_SIGNAL) !== undefined || options.onsetMlpDir !== undefined;
  const fingerprints = currentFingerprints(cache.components);
  const oldMeta = readDatasetMeta(dir);
  const staleReason = staleness(oldMeta, fingerprints);
  const summary: ExtractSummary = { dir, splits: {}, failures, upToDate: true, staleReason: oldMeta && staleReason ? staleReason : null, evalOnly, onsetMlp: {} };
  const splits = SPLITS.filter((s) => files.some((f) => f.split === s));
  if (staleReason !== null || splits.some((s) => oldMeta?.splits[s] === undefined) || Object.keys(oldMeta?.splits ?? {}).length !== splits.length) {
    summary.upToDate = false;
  }
  let done = 0;
  const built: Partial<Record<Split, { rows: IndexRow[]; x: Float32Array[]; y: Float32Array[]; onsetMlp: (Float32Array | null)[] }>> = {};
  for (const split of splits) {
    const old = staleReason === null ? readOldSplit(dir, split) : null;
    if (!old) summary.upToDate = false;
    const out = { rows: [] as IndexRow[], x: [] as Float32Array[], y: [] as Float32Array[], onsetMlp: [] as (Float32Array | null)[] };
    let reused = 0;
    let extracted = 0;
    for (const file of files.filter((f) => f.split === split)) {
      const path = file.audioPath;
      options.onProgress?.(++done, files.length, path);
      let ah: string;
      try {
        ah = await options.cache.audioHash(path);
      } catch (error) {
        failures.push({ path, reason: `${path}: ${(error as Error).message}` });
        continue;
      }
      const meters: Record<string, number> = { ...file.targets };
      const row: IndexRow = { file: path, id: file.id, dataset: file.dataset, meters, primary: file.meter, audioHash: ah };
      const y = Float32Array.from(targetVector(file));
      const previous = old?.rows.get(path);
      if (
        previous &&
        previous.row.audioHash === ah &&
        sameMeters(previous.row.meters, meters) &&
        previous.row.primary === file.meter &&
        previous.row.dataset === file.dataset &&
        (!wantsOnsetMlp || previous.onsetMlp !== null)
      ) {
        out.rows.push(row);
        out.x.push(previous.x);
        out.y.push(y);
        out.onsetMlp.push(previous.onsetMlp);
        reused++;
        continue;
      }
      const missing = missingEntries(cache, ah);
      if (missing.length > 0) {
        failures.push({ path, reason: `${path}: ${missing.length} cache entries missing (${missing.slice(0, 3).join(", ")}${missing.length > 3 ? ", …" : ""}): ${WARM_FIRST}` });
        continue;
      }
      const vector = await featuresForFile(path, { cache, ...(options.onsetMlpDir !== undefined ? { onsetMlpDir: options.onsetMlpDir } : {}) });
      if (!vector.ok) {
        failures.push({ path, reason: `${path}: ${vector.reason} (${vector.durationSec.toFixed(2)} s), no features` });
        continue;
      }
      out.rows.push(row);
      out.x.push(vector.vector);
      out.y.push(y);
      out.onsetMlp.push(vector.onsetMlp ? Float32Array.from(scoresToVector(vector.onsetMlp)) : null);
      extracted++;
    }
    if (extracted > 0 || !old || old.order.join("\n") !== out.rows.map((r) => r.file).join("\n")) summary.upToDate = false;
    built[split] = out;
    summary.splits[split] = { rows: out.rows.length, reused, extracted };
    summary.onsetMlp[split] = out.rows.length > 0 && out.onsetMlp.every((s) => s !== null);
    if (summary.onsetMlp[split] !== (oldMeta?.onsetMlp?.[split] ?? false)) summary.upToDate = false;
  }
  if (summary.upToDate) return summary;

  // Row files first, meta.json last: a dataset whose meta is current has current rows.
  for (const split of splits) {
    const b = built[split]!;
    const n = b.rows.length;
    const x = new Float32Array(n * FEATURE_LENGTH);
    const y = new Float32Array(n * N_CLASSES);
    b.x.forEach((row, i) => {
      x.set(row, i * FEATURE_LENGTH);
    });
    b.y.forEach((row, i) => {
      y.set(row, i * N_CLASSES);
    });
    writeNpy(join(dir, split, "X.npy"), { rows: n, cols: FEATURE_LENGTH, data: x });
    writeNpy(join(dir, split, "Y.npy"), { rows: n, cols: N_CLASSES, data: y });
    const onsetMlpFile = join(dir, split, ONSET_MLP_FILE);
    if (summary.onsetMlp[split]) {
      const k = METER_KEYS.length;
      const scores = new Float32Array(n * k);
      b.onsetMlp.forEach((row, i) => {
        scores.set(row!, i * k);
      });
      writeNpy(onsetMlpFile, { rows: n, cols: k, data: scores });
    } else rmSync(onsetMlpFile, { force: true });
    writeJsonAtomic(join(dir, split, "index.json"), { layoutId: LAYOUT_ID, datasets: [...new Set(b.rows.map((r) => r.dataset))].sort(), rows: b.rows });
  }
  const meta: DatasetMeta = {
    format: DATASET_FORMAT,
    layoutId: LAYOUT_ID,
    featureLength: FEATURE_LENGTH,
    classes: [...METER_CLASSES],
    fingerprints,
    createdAt: new Date().toISOString(),
    splits: Object.fromEntries(splits.map((s) => [s, built[s]!.rows.length])),
    datasets: countDatasets(splits.flatMap((s) => built[s]!.rows)),
    sources: datasetSources(splits.flatMap((s) => built[s]!.rows)),
    onsetMlp: { ...summary.onsetMlp },
  };
  writeJsonAtomic(join(dir, DATASET_META), meta);
  return summary;
}

/** The deepest folder holding every path. */
function commonDir(paths: readonly string[]): string {
  let parts = dirname(paths[0]!).split(sep);
  for (const p of paths) {
    const q = dirname(p).split(sep);
    let i = 0;
    while (i < parts.length && i < q.length && parts[i] === q[i]) i++;
    parts = parts.slice(0, i);
  }
  return parts.join(sep) || sep;
}

/** A generated corpus's manifest in `dir` or its parent (audio lives in `<corpus>/audio/`), if any. */
function corpusManifest(dir: string): DatasetSource["corpus"] & { root: string } | undefined {
  for (const root of [dir, dirname(dir)]) {
    const file = join(root, CORPUS_MANIFEST);
    if (!existsSync(file)) continue;
    try {
      const m = JSON.parse(readFileSync(file, "utf8")) as { format?: unknown; options?: Record<string, unknown>; clips?: unknown };
      const o = m.options ?? {};
      const num = (v: unknown) => (typeof v === "number" && Number.isFinite(v) ? v : Number.NaN);
      const corpus = {
        root,
        format: String(m.format),
        seed: num(o.seed),
        perClass: num(o.perClass),
        durationSec: num(o.durationSec),
        clips: Array.isArray(m.clips) ? m.clips.length : 0,
        ...(typeof o.generatorVersion === "number" ? { generatorVersion: o.generatorVersion } : {}),
      };
      return [corpus.seed, corpus.perClass, corpus.durationSec].every(Number.isFinite) ? corpus : undefined;
    } catch {
      return undefined;
    }
  }
  return undefined;
}

/** Per dataset: its root folder and, when it is a generated corpus, the generator's seed and size. */
export function datasetSources(rows: readonly Pick<IndexRow, "dataset" | "file">[]): Record<string, DatasetSource> {
  const files = new Map<string, string[]>();
  for (const row of rows) files.set(row.dataset, [...(files.get(row.dataset) ?? []), row.file]);
  const out: Record<string, DatasetSource> = {};
  for (const [name, paths] of [...files].sort(([a], [b]) => a.localeCompare(b))) {
    const dir = commonDir(paths);
    const manifest = corpusManifest(dir);
    if (manifest) {
      const { root, ...corpus } = manifest;
      out[name] = { root: displayPath(root), rows: paths.length, corpus };
    } else out[name] = { root: displayPath(dir), rows: paths.length };
  }
  return out;
}

/** One line per dataset source, for checkpoint provenance. */
export function describeSources(sources: Record<string, DatasetSource>): string {
  return Object.entries(sources)
    .map(([name, s]) => {
      const c = s.corpus;
      const gen = c ? `, ${c.format} seed ${c.seed}, ${c.perClass}/class × ${c.durationSec} s, ${c.clips} clips` : "";
      return `${name}: ${s.rows} rows from ${s.root}${gen}`;
    })
    .join("; ");
}

function countDatasets(rows: readonly IndexRow[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const row of [...rows].sort((a, b) => a.dataset.localeCompare(b.dataset))) counts[row.dataset] = (counts[row.dataset] ?? 0) + 1;
  return counts;
}
