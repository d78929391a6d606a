import { existsSync, rmSync } from "node:fs";
import { join, resolve } from "node:path";
import { engineComponents } from "@tactus/engine";
import type { ModelKind } from "@tactus/meternet";
import {
  comboOf,
  combosOf,
  currentFingerprints,
  dataPaths,
  datasetIdentity,
  defaultAxes,
  defaultTrainConfig,
  type GridAxes,
  parsePrune,
  pct,
  RESULTS_FILE,
  readResults,
  runGrid,
  winnerOf,
} from "@tactus/trainer";
import type { Command } from "commander";
import { UsageError } from "../fail.js";
import { table } from "../format.js";
import { nonNegativeInt, positiveInt } from "../options.js";
import { modelKind } from "./train.js";

interface GridOptions {
  model: ModelKind;
  dryRun?: boolean;
  reset?: boolean;
  summary?: boolean;
  top: number;
  parallelRuns: number;
  prune: string;
  full?: boolean;
  epochs: number;
  batchSize: number;
  patience: number;
  seed: number;
  lr?: string;
  hidden?: string;
  dropout?: string;
  blocks?: string;
  sharpen?: string;
  boostRare?: string;
  promote: boolean;
  dataRoot?: string;
  datasetDir?: string;
}

function numbers(name: string, text: string | undefined): number[] | undefined {
  if (text === undefined) return undefined;
  const values = text.split(",").map(Number);
  if (values.length === 0 || values.some((v) => !Number.isFinite(v) || v <= 0)) throw new UsageError(`${name}: expected a comma list of positive numbers, got "${text}"`);
  return values;
}

export function registerGridCommand(program: Command): void {
  program
    .command("grid")
    .description("resumable hyper-parameter search; the best VALIDATION balanced accuracy is promoted to the model folder")
    .option("--model <kind>", "meternet | arbiter", modelKind, "meternet")
    .option("--dry-run", "list the combos (DONE/TODO) and run nothing")
    .option("--reset", "clear previous results and run every combo again")
    .option("--summary", "print the results table and exit")
    .option("--top <n>", "rows of the summary table", positiveInt("--top"), 10)
    .option("--parallel-runs <n>", "combos trained at the same time (worker processes)", positiveInt("--parallel-runs"), 1)
    .option("--prune <G>", `stop a run whose val balanced accuracy falls G pp below the best finished run ("G", "G,winner" or "G,E")`, "")
    .option("--full", "the reference's full grid (108 MeterNet combos; arbiter: × 10 seeds)")
    .option("--epochs <n>", "maximum epochs per run", positiveInt("--epochs"), 200)
    .option("--batch-size <n>", "batch size", positiveInt("--batch-size"), 64)
    .option("--patience <n>", "early stopping patience", positiveInt("--patience"), 50)
    .option("--seed <n>", "seed of every run", nonNegativeInt("--seed"), 42)
    .option("--lr <list>", "override the lr axis (comma list)")
    .option("--hidden <list>", "override the hidden axis")
    .option("--dropout <list>", "override the dropout-scale axis")
    .option("--blocks <list>", "override the residual-blocks axis")
    .option("--sharpen <list>", "arbiter: override the sharpen axis (';'-separated specs, e.g. none;autocorr:1.5)")
    .option("--boost-rare <list>", "arbiter: override the boost_rare axis")
    .option("--no-promote", "do not copy the winner to the model folder")
    .option("--data-root <dir>", "pipeline data folder (default: $TACTUS_DATA_DIR or data)")
    .option("--dataset-dir <dir>", "extracted dataset (default: <data root>/meter_net_dataset)")
    .action(async (opts: GridOptions) => {
      if (opts.model === "onset-mlp") throw new UsageError("grid: --model meternet or arbiter");
      const paths = dataPaths(opts.dataRoot, opts.model);
      const axes: Partial<GridAxes> = { ...defaultAxes(opts.model, Boolean(opts.full)) };
      const override = <K extends keyof GridAxes>(key: K, value: GridAxes[K] | undefined) => {
        if (value !== undefined) axes[key] = value;
      };
      override("lr", numbers("--lr", opts.lr));
      override("hidden", numbers("--hidden", opts.hidden));
      override("dropoutScale", numbers("--dropout", opts.dropout));
      override("nBlocks", numbers("--blocks", opts.blocks));
      override("boostRare", numbers("--boost-rare", opts.boostRare));
      if (opts.sharpen !== undefined) axes.sharpen = opts.sharpen.split(";");
      const combos = combosOf(opts.model, axes);
      const datasetDir = resolve(opts.datasetDir ?? paths.dataset);
      const results = readResults(paths.grid, opts.model, opts.summary ? undefined : datasetIdentity(datasetDir));

      if (opts.summary) {
        const entries = Object.values(results.runs).sort((a, b) => (b.valAcc ?? 0) - (a.valAcc ?? 0));
        const winner = winnerOf(results, combos);
        process.stdout.write(`Top ${Math.min(opts.top, entries.length)}/${entries.length} runs by val balanced accuracy (${join(paths.grid, RESULTS_FILE)})\n`);
        const rows = entries.slice(0, opts.top).map((e, i) => [
          String(i + 1),
          e.valAcc === null ? "–" : pct(e.valAcc),
          comboOf(e.params).label,
          e.bestEpoch === null ? "–" : String(e.bestEpoch),
          e.status === "done" ? "" : e.status,
          e.id === winner?.id ? "<- BEST" : "",
        ]);
        process.stdout.write(`${table(["#", "Val bal", "combo", "best ep", "status", ""], rows)}\n`);
        return;
      }
      if (results.discarded && !opts.reset) {
        process.stdout.write(`Earlier results were trained on another extraction (${results.discarded}): every combo runs again.\n`);
      }
      // A dry run lists what --reset would run, and deletes nothing.
      if (opts.reset && !opts.dryRun) {
        rmSync(join(paths.grid, RESULTS_FILE), { force: true });
        process.stdout.write("Results cleared.\n");
      }
      const current = opts.reset ? { runs: {} as Record<string, unknown> } : results;
      if (opts.dryRun) {
        const done = combos.filter((c) => current.runs[c.id]).length;
        process.stdout.write(`Grid search: ${combos.length} combinations total\nAlready done: ${done}, remaining: ${combos.length - done}\n`);
        for (const c of combos) process.stdout.write(`${current.runs[c.id] ? "[DONE]" : "[TODO]"} ${c.label}\n`);
        return;
      }
      if (!existsSync(datasetDir)) throw new UsageError(`${datasetDir}: no extracted dataset (run \`tactus extract\` first)`);
      const base = { ...defaultTrainConfig(opts.model), epochs: opts.epochs, batchSize: opts.batchSize, patience: opts.patience, seed: opts.seed, lr: 3e-4 };
      const outcome = await runGrid({
        model: opts.model,
        combos,
        base,
        datasetDir,
        gridDir: paths.grid,
        promoteTo: opts.promote ? paths.model : null,
        promotePrev: paths.modelPrev,
        parallelRuns: opts.parallelRuns,
        prune: parsePrune(opts.prune),
        command: `tactus ${process.argv.slice(2).join(" ")}`,
        fingerprints: currentFingerprints(engineComponents().all),
        log: (line) => process.stdout.write(`${line}\n`),
      });
      if (!outcome.winner) process.exitCode = 1;
    });
}
