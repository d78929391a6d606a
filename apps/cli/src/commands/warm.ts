import { basename } from "node:path";
import { type AnalysisCache, cacheDirectory, FAMILIES } from "@tactus/cache";
import { openEngineCache } from "@tactus/engine";
import { missingEntries } from "@tactus/trainer";
import type { Command } from "commander";
import { type FailureFlags, failureOptions, reportFailures, skippedFailures } from "../batch-failures.js";
import { type DatasetFlags, datasetOptions, printSelection, selectDataset } from "../dataset-select.js";
import { describeFailure } from "../fail.js";
import { table } from "../format.js";
import { positiveInt } from "../options.js";
import { startProgress } from "../progress.js";
import { runFiles } from "../run-files.js";
import { openPool, type WarmTaskOptions, type WarmTaskResult } from "../tasks.js";

interface WarmOptions extends DatasetFlags, FailureFlags {
  workers: number;
  cacheDir?: string;
}

export function registerWarmCommand(program: Command): void {
  failureOptions(
    datasetOptions(
      program
        .command("warm")
        .description("fill the analysis cache for a dataset (resumable; finished files are never recomputed); --dataset folder may be a plain folder of audio"),
      "all",
    ),
    "warm",
  )
    .option("-w, --workers <n>", "worker processes (1 = in this process)", positiveInt("--workers"), 1)
    .option("--cache-dir <dir>", "cache directory (default: $TACTUS_CACHE_DIR or .cache)")
    .action(async (opts: WarmOptions) => {
      const selection = await selectDataset(opts, { plainFolder: true });
      printSelection(selection, 0);
      const paths = [...selection.entries.map((e) => e.audioPath), ...selection.unlabelled];
      const cacheDir = cacheDirectory(opts.cacheDir);
      const started = Date.now();

      const cache = openEngineCache({ dir: cacheDir });
      try {
        // Label rows without an entry (missing audio, unknown label) are failures too.
        const failures = skippedFailures(selection.skipped);
        // Hash every file and skip the complete ones before anything is dispatched.
        const hashes = new Map<string, string>();
        const todo: string[] = [];
        let alreadyCached = 0;
        for (const path of paths) {
          try {
            const ah = await cache.audioHash(path);
            hashes.set(path, ah);
            if (missingEntries(cache, ah).length === 0) alreadyCached++;
            else todo.push(path);
          } catch (error) {
            failures.push({ path, reason: describeFailure(path, error as Error) });
          }
        }
        const total = paths.length;
        const workers = Math.max(1, Math.min(opts.workers, todo.length));
        process.stderr.write(
          todo.length === 0 && failures.length === 0
            ? `warm: all ${total} files cached\n`
            : `warm: ${total} files: ${alreadyCached} cached, ${todo.length} to compute (${workers} worker${workers > 1 ? "s" : ""})\n`,
        );

        // What a worker wrote is visible here once the read snapshot is renewed.
        const storedByWorker = (path: string) => {
          cache.refresh();
          return missingEntries(cache, hashes.get(path)!).length === 0;
        };
        let computed = 0;
        let cachedByWorker = 0;
        const progress = todo.length > 0 ? startProgress("warm", todo.length) : undefined;
        const options: WarmTaskOptions = { cacheDir };
        const run = await runFiles<WarmTaskResult>(
          openPool(workers),
          todo.map((path) => ({ task: "warm", path, options })),
          {
            onOutcome: (outcome) => {
              if (!outcome.ok) failures.push({ path: outcome.path, reason: describeFailure(outcome.path, outcome.error) });
              else if (!storedByWorker(outcome.path)) {
                // The worker computed the file but its cache write failed (disk full, read-only): not warmed.
                failures.push({ path: outcome.path, reason: `${outcome.path}: analysed, but its results are not in the cache (cache write failed: disk full or read-only?)` });
              } else if (outcome.result.cached) cachedByWorker++;
              else computed++;
              progress?.label(basename(outcome.path));
              progress?.tick();
            },
          },
        );
        progress?.stop();

        const seconds = ((Date.now() - started) / 1000).toFixed(1);
        process.stdout.write(
          `warm: ${computed} computed, ${alreadyCached + cachedByWorker} already cached, ${failures.length} failed` +
            (run.interrupted ? `, ${run.notRun.length} not finished (interrupted; ${run.abandoned.length} stopped mid-file)` : "") +
            ` (${seconds} s)\n`,
        );
        process.stdout.write(`${coverage(cache, [...hashes.values()])}\n`);

        reportFailures("warm", failures, opts, cacheDir);
        if (run.interrupted) {
          process.stderr.write("interrupted: finished files are cached; run the same command again to resume\n");
          process.exitCode = 130;
        }
      } finally {
        await cache.close();
      }
    });
}

/** Per family: selected files with every entry of that family current. */
export function coverage(cache: AnalysisCache, hashes: string[]): string {
  const stats = cache.stats(hashes);
  const rows = FAMILIES.map((family) => {
    const f = stats.families[family];
    const pct = f.total ? (100 * f.hits) / f.total : 100;
    return [family, `${f.hits}/${f.total}`, `${pct.toFixed(0)}%`, pct > 95 ? "OK" : "LOW"];
  });
  return `coverage of the ${new Set(hashes).size} selected files:\n${table(["family", "cached", "pct", ""], rows)}`;
}
