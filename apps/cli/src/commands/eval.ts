import { basename, resolve } from "node:path";
import { cacheDirectory } from "@tactus/cache";
import type { DatasetEntry } from "@tactus/datasets";
import { openEngineCache } from "@tactus/engine";
import {
  baselineFor,
  dataPaths,
  EVAL_ONLY_DATASETS,
  evaluate,
  formatRecord,
  formatRegressions,
  quickSample,
  regressions,
  saveRun,
} from "@tactus/trainer";
import type { Command } from "commander";
import { type FailureFlags, failureOptions, reportFailures, skippedFailures } from "../batch-failures.js";
import { type DatasetFlags, datasetOptions, printSelection, selectDataset } from "../dataset-select.js";
import { describeFailure, UsageError } from "../fail.js";
import { nonNegativeInt } from "../options.js";
import { startProgress } from "../progress.js";
import { runFiles } from "../run-files.js";
import { openPool, type WarmTaskResult } from "../tasks.js";

interface EvalOptions extends DatasetFlags, FailureFlags {
  save?: boolean;
  workers: number;
  verbose?: boolean;
  quick?: boolean;
  meter: number;
  checkpoint?: string;
  cacheDir?: string;
}

export function registerEvalCommand(program: Command): void {
  failureOptions(
    datasetOptions(
      program
        .command("eval")
        .description("accuracy, per class, balanced, confusion matrix; --save snapshots the run; regressions vs the last saved run exit 1"),
      "test",
      "first N files after the --meter filter (0 = all)",
    ),
    "eval",
  )
    .option("--save", "write <data root>/runs/<timestamp>.json and a confusion-matrix SVG")
    .option("-w, --workers <n>", "processes computing cold files (0/1 = in this process)", nonNegativeInt("--workers"), 0)
    .option("--verbose", "one line per file")
    .option("--quick", "stratified sample of 100 files of the tuning split (seed 42)")
    .option("--meter <m>", "only files whose expected meter is M", nonNegativeInt("--meter"), 0)
    .option("--checkpoint <dir>", "model checkpoint (default: <data root>/meter_net)")
    .option("--cache-dir <dir>", "cache directory (default: $TACTUS_CACHE_DIR or .cache)")
    .addHelpText("after", `\nCross-dataset evaluation: --dataset ${EVAL_ONLY_DATASETS[0]} (evaluation-only, never in the extracted training data).`)
    .action(async (opts: EvalOptions) => {
      const paths = dataPaths(opts.dataRoot);
      const split = opts.quick ? "tuning" : opts.split;
      const selection = await selectDataset({ ...opts, split, limit: 0 });
      printSelection(selection);
      let entries: DatasetEntry[] = selection.entries.filter((e) => opts.meter === 0 || e.meter === opts.meter);
      if (opts.quick) entries = quickSample(entries, 100, 42);
      else if (opts.limit > 0) entries = entries.slice(0, opts.limit);
      const datasetName = selection.name;
      if (entries.length === 0) throw new UsageError(`${datasetName}: no labelled files in split ${split}${opts.meter ? ` with meter ${opts.meter}` : ""}`);
      const splitLabel = opts.quick ? "tuning (quick)" : split;
      const checkpointDir = resolve(opts.checkpoint ?? paths.model);
      const cacheDir = cacheDirectory(opts.cacheDir);
      const counts = new Map<number, number>();
      for (const e of entries) counts.set(e.meter, (counts.get(e.meter) ?? 0) + 1);
      process.stdout.write(
        `${datasetName.toUpperCase()} ${splitLabel}  |  ${entries.length} files  |  ${opts.workers > 1 ? `${opts.workers} workers` : "in-process"} [${checkpointDir}]\n` +
          `  ${[...counts].sort(([a], [b]) => a - b).map(([m, n]) => `${m}/x: ${n}`).join("  ")}\n`,
      );

      const cache = openEngineCache({ dir: cacheDir });
      try {
        const warm =
          opts.workers > 1
            ? async (paths: string[]) => {
                const errors = new Map<string, string>();
                const progress = startProgress("warm (cold files)", paths.length);
                await runFiles<WarmTaskResult>(openPool(Math.min(opts.workers, paths.length)), paths.map((path) => ({ task: "warm", path, options: { cacheDir } })), {
                  onOutcome: (o) => {
                    if (!o.ok) errors.set(o.path, describeFailure(o.path, o.error));
                    progress.tick();
                  },
                });
                progress.stop();
                return errors;
              }
            : undefined;
        const progress = startProgress("eval", entries.length);
        const outcome = await evaluate({
          entries,
          cache,
          checkpointDir,
          datasetName,
          split: splitLabel,
          ...(warm ? { warm } : {}),
          onProgress: () => progress.tick(),
          warn: (message) => process.stderr.write(`warning: ${message}\n`),
        });
        progress.stop();
        const { record } = outcome;
        if (opts.verbose) {
          for (const f of record.files) {
            const multi = f.multilabel ? " [multi]" : "";
            process.stdout.write(
              f.error
                ? `ERR  ${f.fname}: ${f.error}\n`
                : `${f.ok ? "OK  " : "FAIL"} ${f.predicted}/x exp=${f.expected}/x  ${f.fname}${multi}\n`,
            );
          }
        }
        process.stdout.write(`${formatRecord(record).join("\n")}\n`);
        process.stdout.write(`model ${outcome.checkpoint.kind} ${outcome.checkpoint.hash} (${outcome.backend})\n`);

        const baseline = baselineFor(paths.runs, datasetName);
        let regressed = false;
        if (baseline && baseline.record.split !== record.split) {
          process.stdout.write(`last saved run (${basename(baseline.file)}) evaluated split ${baseline.record.split}: no regression check\n`);
        } else if (baseline) {
          const found = regressions(baseline.record, record);
          if (found.length > 0) {
            regressed = true;
            process.stdout.write(`${formatRegressions(found).join("\n")}\n`);
          } else {
            const b = baseline.record;
            process.stdout.write(`vs last saved: ${b.correct}/${b.total} (${b.accuracy.toFixed(1)}%, bal=${b.balancedAccuracy.toFixed(1)}%)\n`);
          }
        }
        if (opts.save) {
          const file = saveRun(paths.runs, {
            command: `tactus ${process.argv.slice(2).join(" ")}`,
            backend: outcome.backend,
            checkpoints: { meter_net: outcome.checkpoint },
            datasets: { [datasetName]: record },
          });
          process.stdout.write(`saved ${file}\n`);
        }
        const failed = record.files.filter((f) => f.error).map((f) => ({ path: f.path, reason: f.error!.includes(f.path) ? f.error! : `${f.path}: ${f.error}` }));
        reportFailures("eval", [...skippedFailures(selection.skipped), ...failed], opts, cacheDir);
        if (regressed) process.exitCode = 1;
      } finally {
        await cache.close();
      }
    });
}
