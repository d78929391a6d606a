import { resolve } from "node:path";
import { loadFolderDataset, type FolderDatasetEntry } from "@tactus/datasets";
import { openEngineCache } from "@tactus/engine";
import { dataPaths, extractDataset, type LabeledFile, metersOf, SPLITS, type Split } from "@tactus/trainer";
import type { Command } from "commander";
import { DATASET_KINDS, extraDatasetDirs, SPLIT_SELECTIONS, type SplitSelection, selectFiles } from "../dataset-files.js";
import { UsageError } from "../fail.js";
import { table } from "../format.js";
import { nonNegativeInt, positiveInt } from "../options.js";
import { startProgress } from "../progress.js";

export interface DatasetSelectOptions {
  dataset: string;
  dataDir?: string;
  split: string;
  extraData?: boolean;
  limit: number;
}

/**
 * Labelled files of a folder dataset for a split selection: the CLI's deterministic split
 * (`selectFiles`), labels from `labels.tsv`. Files without labels are left out (noted).
 */
export async function labeledFiles(opts: DatasetSelectOptions): Promise<{ files: LabeledFile[]; notes: string[] }> {
  if (!(DATASET_KINDS as readonly string[]).includes(opts.dataset)) {
    throw new UsageError(`--dataset: unknown dataset "${opts.dataset}" (known: ${DATASET_KINDS.join(", ")})`);
  }
  if (!(SPLIT_SELECTIONS as readonly string[]).includes(opts.split)) {
    throw new UsageError(`--split: unknown split "${opts.split}" (known: ${SPLIT_SELECTIONS.join(", ")})`);
  }
  if (!opts.dataDir) throw new UsageError("--data-dir is required for --dataset folder");
  const labels = new Map<string, FolderDatasetEntry>();
  for (const dir of [opts.dataDir, ...(opts.extraData ? extraDatasetDirs() : [])]) {
    try {
      for (const entry of await loadFolderDataset(dir)) labels.set(resolve(entry.audioPath), entry);
    } catch {
      // a plain folder without labels.tsv: nothing to train or score on
    }
  }
  const wanted: Split[] = opts.split === "all" ? [...SPLITS] : opts.split === "tuning" ? ["train", "val"] : [opts.split as Split];
  const files: LabeledFile[] = [];
  const notes: string[] = [];
  let unlabeled = 0;
  for (const split of wanted) {
    const selection = await selectFiles({ dataset: "folder", dataDir: opts.dataDir, split: split as SplitSelection, extraData: opts.extraData });
    for (const file of selection.files) {
      const entry = labels.get(resolve(file.path));
      if (!entry) {
        unlabeled++;
        continue;
      }
      files.push({ id: file.id, path: resolve(file.path), dataset: file.dataset, split, meters: metersOf(entry), primary: entry.meter });
    }
  }
  if (unlabeled > 0) notes.push(`${unlabeled} file(s) without a labels.tsv row left out`);
  return { files: opts.limit > 0 ? files.slice(0, opts.limit) : files, notes };
}

interface ExtractOptions extends DatasetSelectOptions {
  dataRoot?: string;
  cacheDir?: string;
  out?: string;
  workers: number;
}

export function registerExtractCommand(program: Command): void {
  program
    .command("extract")
    .description("write the extracted dataset (X.npy, Y.npy, index.json per split) from the warm analysis cache")
    .option("--dataset <kind>", `dataset format: ${DATASET_KINDS.join(", ")}`, "folder")
    .option("--data-dir <dir>", "dataset folder (labels.tsv)")
    .option("--split <split>", `which files: ${SPLIT_SELECTIONS.join(", ")} (tuning = train + val)`, "all")
    .option("--extra-data", "also include the extra datasets under data/extra/*")
    .option("--limit <n>", "first N files only (0 = all)", nonNegativeInt("--limit"), 0)
    .option("-w, --workers <n>", "accepted for the reference's command line; extraction only reads the cache, in this process", positiveInt("--workers"), 1)
    .option("--data-root <dir>", "pipeline data folder (default: $TACTUS_DATA_DIR or data)")
    .option("--out <dir>", "dataset folder (default: <data root>/meter_net_dataset)")
    .option("--cache-dir <dir>", "cache directory (default: $TACTUS_CACHE_DIR or .cache)")
    .action(async (opts: ExtractOptions) => {
      const { files, notes } = await labeledFiles(opts);
      for (const note of notes) process.stderr.write(`${note}\n`);
      if (files.length === 0) throw new UsageError(`${opts.dataDir}: no labelled files in split ${opts.split}`);
      const dir = resolve(opts.out ?? dataPaths(opts.dataRoot).dataset);
      const started = Date.now();
      const cache = openEngineCache({ dir: resolve(opts.cacheDir ?? (process.env.TACTUS_CACHE_DIR || ".cache")) });
      try {
        const progress = startProgress("extract", files.length);
        const summary = await extractDataset({ files, cache, dir, onProgress: () => progress.tick() });
        progress.stop();
        if (summary.staleReason) process.stderr.write(`previous dataset not reused: ${summary.staleReason}\n`);
        const rows = Object.entries(summary.splits).map(([split, s]) => [split, String(s.rows), String(s.reused), String(s.extracted)]);
        process.stdout.write(`${table(["split", "rows", "reused", "from cache"], rows)}\n`);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        process.stdout.write(summary.upToDate ? `extract: ${dir} is up to date (${seconds} s)\n` : `extract: wrote ${dir} (${seconds} s)\n`);
        if (summary.failures.length > 0) {
          process.stderr.write(`\n${summary.failures.length} file(s) left out:\n${summary.failures.map((f) => `  ${f.reason}\n`).join("")}`);
        }
      } finally {
        await cache.close();
      }
    });
}
