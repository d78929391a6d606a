/**
 * Reading the extracted dataset back, refusing a stale one, and turning 1630-value rows into the
 * input of each model kind (MeterNet: the whole vector; onset-MLP: the audio block; Arbiter: the
 * signal block plus the onset-MLP signal's twelve scores, optionally sharpened).
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { Split } from "@tactus/datasets";
import { AUDIO_BLOCK, FEATURE_LENGTH, SIGNAL_BLOCK } from "@tactus/features";
import { ARBITER_SIGNALS, inputLayout, type ModelKind } from "@tactus/meternet";
import { METER_KEYS } from "@tactus/signals";
import { type DatasetMeta, type IndexRow, ONSET_MLP_FILE, readDatasetMeta, readOnsetMlpScores, staleness } from "./extract.js";
import { N_CLASSES } from "./labels.js";
import { readNpy } from "./npy.js";

export interface SplitData {
  n: number;
  /** n × FEATURE_LENGTH raw feature rows. */
  x: Float32Array;
  /** n × 6 soft targets. */
  y: Float32Array;
  /** n × 12 onset-MLP signal scores (METER_KEYS order), null when the dataset has none for this split. */
  onsetMlp: Float32Array | null;
  rows: IndexRow[];
}

export interface LoadedDataset {
  dir: string;
  meta: DatasetMeta;
  splits: Partial<Record<Split, SplitData>>;
}

export class StaleDatasetError extends Error {
  override name = "StaleDatasetError";
}

/**
 * Loads `dir`; with `fingerprints`, refuses a dataset extracted with another layout or other code
 * (re-run `tactus extract`).
 */
export function loadDataset(dir: string, fingerprints?: Record<string, string>): LoadedDataset {
  const meta = readDatasetMeta(dir);
  if (!meta) throw new StaleDatasetError(`${dir}: no extracted dataset (run \`tactus extract\` first)`);
  const reason = staleness(meta, fingerprints ?? meta.fingerprints);
  if (reason) throw new StaleDatasetError(`${dir}: ${reason}; run \`tactus extract\` again`);
  const splits: LoadedDataset["splits"] = {};
  for (const split of Object.keys(meta.splits) as Split[]) {
    const x = readNpy(join(dir, split, "X.npy"));
    const y = readNpy(join(dir, split, "Y.npy"));
    const { rows } = JSON.parse(readFileSync(join(dir, split, "index.json"), "utf8")) as { rows: IndexRow[] };
    if (x.cols !== FEATURE_LENGTH || y.cols !== N_CLASSES || x.rows !== rows.length || y.rows !== rows.length) {
      throw new StaleDatasetError(`${join(dir, split)}: X/Y/index.json disagree (${x.rows}×${x.cols}, ${y.rows}×${y.cols}, ${rows.length} rows)`);
    }
    const onsetMlp = meta.onsetMlp?.[split] ? readOnsetMlpScores(dir, split, rows.length) : null;
    if (meta.onsetMlp?.[split] && !onsetMlp) throw new StaleDatasetError(`${join(dir, split, ONSET_MLP_FILE)}: missing or not ${rows.length}×${METER_KEYS.length}`);
    splits[split] = { n: rows.length, x: x.data, y: y.data, onsetMlp, rows };
  }
  return { dir, meta, splits };
}

/**
 * Why the Arbiter's onset_mlp input is missing from `splits` (their last 12 inputs would be
 * zeros), or null when every split has it.
 */
export function missingOnsetMlpInput(dataset: LoadedDataset, splits: readonly Split[] = ["train", "val", "test"]): string | null {
  const lacking = splits.filter((s) => dataset.splits[s] && dataset.splits[s]!.n > 0 && !dataset.splits[s]!.onsetMlp);
  if (lacking.length === 0) return null;
  return (
    `Arbiter input "onset_mlp" (12 of its ${inputLayout("arbiter").length} inputs) is missing from ${dataset.dir} ` +
    `(split${lacking.length === 1 ? "" : "s"} ${lacking.join(", ")}: no ${ONSET_MLP_FILE}); those inputs are ZEROS. ` +
    "Train an onset-MLP (`tactus train --model onset-mlp --save data/onset_mlp`), run `tactus warm`, then `tactus extract` again"
  );
}

/** Per-signal exponent applied to the Arbiter's input scores (`autocorr:1.5,bar_tracking:2`). */
export type Sharpen = Record<string, number>;

export function parseSharpen(text: string | undefined): Sharpen {
  const out: Sharpen = {};
  if (!text || text === "none") return out;
  for (const part of text.split(",")) {
    const [name, value] = part.split("=").length === 2 ? part.split("=") : [part.slice(0, part.lastIndexOf(":")), part.slice(part.lastIndexOf(":") + 1)];
    const exponent = Number(value);
    if (!name || !(exponent > 0)) throw new RangeError(`--sharpen: cannot read "${part}" (expected signal:exponent)`);
    if (name !== "all" && !ARBITER_SIGNALS.includes(name)) {
      throw new RangeError(`--sharpen: unknown signal "${name}" (known: all, ${ARBITER_SIGNALS.join(", ")})`);
    }
    out[name] = exponent;
  }
  return out;
}

export function formatSharpen(sharpen: Sharpen): string {
  const parts = Object.entries(sharpen).map(([k, v]) => `${k}:${v}`);
  return parts.length ? parts.join(",") : "none";
}

export interface InputOptions {
  sharpen?: Sharpen;
  /**
   * The onset-MLP signal's scores per row (n × 12, METER_KEYS order) for the Arbiter; its inputs
   * stay zeros when absent (callers warn: `missingOnsetMlpInput`).
   */
  onsetMlpScores?: Float32Array;
}

/** The input rows of `kind` for n feature rows. */
export function modelInput(kind: ModelKind, x: Float32Array, n: number, options: InputOptions = {}): Float32Array {
  if (kind === "meternet") return x;
  const { length } = inputLayout(kind);
  const out = new Float32Array(n * length);
  if (kind === "onset-mlp") {
    for (let r = 0; r < n; r++) out.set(x.subarray(r * FEATURE_LENGTH + AUDIO_BLOCK.offset, r * FEATURE_LENGTH + AUDIO_BLOCK.offset + AUDIO_BLOCK.length), r * length);
    return out;
  }
  const k = METER_KEYS.length;
  for (let r = 0; r < n; r++) {
    out.set(x.subarray(r * FEATURE_LENGTH + SIGNAL_BLOCK.offset, r * FEATURE_LENGTH + SIGNAL_BLOCK.offset + SIGNAL_BLOCK.length), r * length);
    if (options.onsetMlpScores) out.set(options.onsetMlpScores.subarray(r * k, (r + 1) * k), r * length + SIGNAL_BLOCK.length);
  }
  const sharpen = options.sharpen ?? {};
  ARBITER_SIGNALS.forEach((name, s) => {
    const exponent = sharpen[name] ?? sharpen.all;
    if (exponent === undefined || exponent === 1) return;
    for (let r = 0; r < n; r++) {
      for (let c = s * k; c < (s + 1) * k; c++) out[r * length + c] = Math.max(0, out[r * length + c]!) ** exponent;
    }
  });
  return out;
}
