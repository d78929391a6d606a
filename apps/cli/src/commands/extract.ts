import { resolve } from "node:path";
import { cacheDirectory } from "@tactus/cache";
import { openEngineCache } from "@tactus/engine";
import { dataPaths, EVAL_ONLY_NOTE, extractDataset, isEvalOnlyDataset } from "@tactus/trainer";
import type { Command } from "commander";
import { type FailureFlags, failureOptions, reportFailures, skippedFailures } from "../batch-failures.js";
import { type DatasetFlags, datasetOptions, printSelection, selectDataset } from "../dataset-select.js";
import { UsageError } from "../fail.js";
import { table } from "../format.js";
import { positiveInt } from "../options.js";
import { startProgress } from "../progress.js";

interface ExtractOptions extends DatasetFlags, FailureFlags {
  cacheDir?: string;
  out?: string;
  workers: number;
}

export function registerExtractCommand(program: Command): void {
  failureOptions(
    datasetOptions(
      program.command("extract").description("write the extracted dataset (X.npy, Y.npy, index.json per split) from the warm analysis cache"),
      "all",
    ),
    "extract",
  )
    .option("-w, --workers <n>", "accepted for the reference's command line; extraction only reads the cache, in this process", positiveInt("--workers"), 1)
    .option("--out <dir>", "dataset folder (default: <data root>/meter_net_dataset)")
    .option("--cache-dir <dir>", "cache directory (default: $TACTUS_CACHE_DIR or .cache)")
    .addHelpText("after", `\nTraining data only: ${EVAL_ONLY_NOTE}.`)
    .action(async (opts: ExtractOptions) => {
      const selection = await selectDataset(opts);
      printSelection(selection);
      const { entries } = selection;
      if (entries.length === 0) throw new UsageError(`${selection.name}: no labelled files in split ${opts.split}`);
      if (entries.every((e) => isEvalOnlyDataset(e.dataset))) throw new UsageError(`${selection.name}: nothing to extract: ${EVAL_ONLY_NOTE}`);
      const dir = resolve(opts.out ?? dataPaths(opts.dataRoot).dataset);
      const started = Date.now();
      const cacheDir = cacheDirectory(opts.cacheDir);
      const cache = openEngineCache({ dir: cacheDir });
      try {
        const progress = startProgress("extract", entries.length);
        const summary = await extractDataset({ entries, cache, dir, onProgress: () => progress.tick() });
        progress.stop();
        if (summary.staleReason) process.stderr.write(`previous dataset not reused: ${summary.staleReason}\n`);
        for (const [name, n] of Object.entries(summary.evalOnly)) process.stderr.write(`${name}: ${n} entries left out (${EVAL_ONLY_NOTE})\n`);
        const withoutOnsetMlp = Object.entries(summary.onsetMlp).filter(([, has]) => !has).map(([split]) => split);
        if (withoutOnsetMlp.length > 0) {
          process.stderr.write(`no onset-MLP scores (onset_mlp.npy) for ${withoutOnsetMlp.join(", ")}: an Arbiter trained on this dataset gets zeros for its onset_mlp input\n`);
        }
        const rows = Object.entries(summary.splits).map(([split, s]) => [split, String(s.rows), String(s.reused), String(s.extracted)]);
        process.stdout.write(`${table(["split", "rows", "reused", "from cache"], rows)}\n`);
        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        process.stdout.write(summary.upToDate ? `extract: ${dir} is up to date (${seconds} s)\n` : `extract: wrote ${dir} (${seconds} s)\n`);
        reportFailures("extract", [...skippedFailures(selection.skipped), ...summary.failures], opts, cacheDir);
      } finally {
        await cache.close();
      }
    });
}
