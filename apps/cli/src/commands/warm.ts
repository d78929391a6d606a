import { mkdirSync, writeFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { type AnalysisCache, audioHash, FAMILIES, keyFor } from "@tactus/cache";
import { openEngineCache } from "@tactus/engine";
import type { Command } from "commander";
import {
  DATASET_KINDS,
  type DatasetKind,
  SPLIT_SELECTIONS,
  type SplitSelection,
  selectFiles,
} from "../dataset-files.js";
import { describeFailure, UsageError } from "../fail.js";
import { table } from "../format.js";
import { nonNegativeInt, positiveInt } from "../options.js";
import { startProgress } from "../progress.js";
import { runFiles } from "../run-files.js";
import { openPool, type WarmTaskOptions, type WarmTaskResult } from "../tasks.js";

interface WarmOptions {
  dataset: string;
  dataDir?: string;
  split: string;
  extraData?: boolean;
  workers: number;
  limit: number;
  strict?: boolean;
  failures?: string;
  cacheDir?: string;
}

export const FAILURES_FILE = "warm-failures.tsv";

export function registerWarmCommand(program: Command): void {
  program
    .command("warm")
    .description("fill the analysis cache for a dataset (resumable; finished files are never recomputed)")
    .option("--dataset <kind>", `dataset format: ${DATASET_KINDS.join(", ")} (labels.tsv, or a plain folder of audio)`, "folder")
    .option("--data-dir <dir>", "dataset folder")
    .option("--split <split>", `which files: ${SPLIT_SELECTIONS.join(", ")} (tuning = train + val)`, "all")
    .option("--extra-data", "also warm the extra datasets under data/extra/*")
    .option("-w, --workers <n>", "worker processes (1 = in this process)", positiveInt("--workers"), 1)
    .option("--limit <n>", "first N files only (0 = all)", nonNegativeInt("--limit"), 0)
    .option("--strict", "exit 1 when any file failed")
    .option("--failures <file>", `where to write the failure list (default: <cache dir>/${FAILURES_FILE})`)
    .option("--cache-dir <dir>", "cache directory (default: $TACTUS_CACHE_DIR or .cache)")
    .action(async (opts: WarmOptions) => {
      if (!(DATASET_KINDS as readonly string[]).includes(opts.dataset)) {
        throw new UsageError(`--dataset: unknown dataset "${opts.dataset}" (known: ${DATASET_KINDS.join(", ")})`);
      }
      if (!(SPLIT_SELECTIONS as readonly string[]).includes(opts.split)) {
        throw new UsageError(`--split: unknown split "${opts.split}" (known: ${SPLIT_SELECTIONS.join(", ")})`);
      }
      if (!opts.dataDir) throw new UsageError("--data-dir is required for --dataset folder");
      const selection = await selectFiles({
        dataset: opts.dataset as DatasetKind,
        dataDir: opts.dataDir,
        split: opts.split as SplitSelection,
        extraData: opts.extraData,
        limit: opts.limit,
      });
      for (const note of selection.notes) process.stderr.write(`${note}\n`);
      const cacheDir = resolve(opts.cacheDir ?? (process.env.TACTUS_CACHE_DIR || ".cache"));
      const failuresPath = resolve(opts.failures ?? join(cacheDir, FAILURES_FILE));
      const started = Date.now();

      const cache = openEngineCache({ dir: cacheDir });
      try {
        // Hash every file and skip the complete ones before anything is dispatched.
        const failures: { path: string; reason: string }[] = [];
        const hashes = new Map<string, string>();
        const todo: string[] = [];
        let alreadyCached = 0;
        for (const file of selection.files) {
          try {
            const ah = await audioHash(file.path);
            hashes.set(file.path, ah);
            if (isComplete(cache, ah)) alreadyCached++;
            else todo.push(file.path);
          } catch (error) {
            failures.push({ path: file.path, reason: describeFailure(file.path, error as Error) });
          }
        }
        const total = selection.files.length;
        const workers = Math.max(1, Math.min(opts.workers, todo.length));
        process.stderr.write(
          todo.length === 0 && failures.length === 0
            ? `warm: all ${total} files cached\n`
            : `warm: ${total} files: ${alreadyCached} cached, ${todo.length} to compute (${workers} worker${workers > 1 ? "s" : ""})\n`,
        );

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
              else if (outcome.result.cached) cachedByWorker++;
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

        mkdirSync(dirname(failuresPath), { recursive: true });
        writeFileSync(failuresPath, `file\terror\n${failures.map((f) => `${f.path}\t${f.reason.replace(/[\t\n]/g, " ")}\n`).join("")}`);
        if (failures.length > 0) {
          process.stderr.write(
            `\n${failures.length} file(s) failed (written to ${failuresPath}):\n${failures.map((f) => `  ${f.reason}\n`).join("")}`,
          );
        }
        if (run.interrupted) {
          process.stderr.write("interrupted: finished files are cached; run the same command again to resume\n");
          process.exitCode = 130;
        } else if (opts.strict && failures.length > 0) process.exitCode = 1;
      } finally {
        await cache.close();
      }
    });
}

/** Every registered engine component has a current entry for the file. */
function isComplete(cache: AnalysisCache, ah: string): boolean {
  for (const component of cache.components) if (!cache.has(keyFor(component, ah))) return false;
  return true;
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
