/**
 * `grid`: resumable hyper-parameter search (reference/pipeline.md §5, arbiter era for the
 * Arbiter). Each combo trains into `<grid>/<combo-id>/` with its log in `<grid>/logs/`; the results
 * file is rewritten atomically after every run, so a killed search loses at most the runs in
 * flight, which are redone on resume (finished, failed and pruned ones are not; `--reset` clears
 * them). The winner is the best VALIDATION balanced accuracy (ties: first in grid order); it is
 * promoted to the model directory crash-safely (promotion.ts), the previous one kept as
 * `<model>.prev`; an interrupted promotion is finished or rolled back when the grid starts.
 */
import { type ChildProcess, fork } from "node:child_process";
import { appendFileSync, existsSync, mkdirSync, readFileSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { type ModelKind, promoteCheckpoint, recoverModelDir } from "@tactus/meternet";
import { type LoadedDataset, loadDataset, missingOnsetMlpInput, parseSharpen } from "./dataset.js";
import { readDatasetMeta } from "./extract.js";
import { writeJsonAtomic } from "./files.js";
import { pct } from "./metrics.js";
import { type EpochReport, saveTrainedModel, type TrainConfig, trainModel } from "./train.js";

export const RESULTS_FILE = "results.json";

/** The searched parameters of one combo. */
export interface ComboParams {
  lr?: number;
  hidden?: number;
  dropoutScale?: number;
  nBlocks?: number;
  sharpen?: string;
  boostRare?: number;
  seed?: number;
}

export interface Combo {
  id: string;
  label: string;
  params: ComboParams;
}

export interface GridAxes {
  lr: number[];
  hidden: number[];
  dropoutScale: number[];
  nBlocks: number[];
  sharpen: string[];
  boostRare: number[];
  seed: number[];
}

/** The reference's 108 MeterNet combos (§5.1). */
export const FULL_METERNET_AXES: Pick<GridAxes, "lr" | "hidden" | "dropoutScale" | "nBlocks"> = {
  lr: [3e-4, 2e-4],
  hidden: [128, 256, 384, 512, 756, 1024],
  dropoutScale: [1.0, 1.5, 2.0],
  nBlocks: [1, 2, 3],
};

/**
 * Default MeterNet grid: 4 combos around the reference's best region. Measured ≈ 5.5 s per epoch
 * for 3000 rows at hidden 640 (wasm, one core, full recipe), so ≈ 2.3 s at 256 and ≈ 4.3 s at
 * 512: at most ≈ 45 min for 200 epochs each, less with early stopping.
 */
export const DEFAULT_METERNET_AXES: Pick<GridAxes, "lr" | "hidden" | "dropoutScale" | "nBlocks"> = {
  lr: [3e-4],
  hidden: [256, 512],
  dropoutScale: [1.0, 1.5],
  nBlocks: [1],
};

/** Arbiter-era grid: sharpening configs × boost_rare (× 10 seeds with --full). */
export const ARBITER_SHARPEN = ["none", "autocorr:1.5", "autocorr:2", "bar_tracking:1.5", "all:1.5"];
export const ARBITER_BOOST_RARE = [0.5, 1, 2];

const SHORT: Record<keyof ComboParams, string> = { lr: "lr", hidden: "h", dropoutScale: "d", nBlocks: "b", sharpen: "s", boostRare: "br", seed: "seed" };

function idPart(value: number | string): string {
  return String(value).replaceAll(".", "p").replaceAll("-", "m").replaceAll(":", "-").replaceAll(",", "+").replace(/[^A-Za-z0-9p+_-]/g, "_");
}

export function comboOf(params: ComboParams): Combo {
  const entries = Object.entries(params).filter(([, v]) => v !== undefined) as [keyof ComboParams, number | string][];
  return {
    id: entries.map(([k, v]) => `${SHORT[k]}_${idPart(v)}`).join("_"),
    label: entries.map(([k, v]) => `${SHORT[k]}=${v}`).join(", "),
    params,
  };
}

/** Cartesian product in axis order (the first axis varies slowest). */
export function combosOf(model: ModelKind, axes: Partial<GridAxes>): Combo[] {
  const order: (keyof ComboParams)[] = model === "arbiter" ? ["sharpen", "boostRare", "seed"] : ["lr", "hidden", "dropoutScale", "nBlocks", "seed"];
  let out: ComboParams[] = [{}];
  for (const key of order) {
    const values = axes[key as keyof GridAxes] as (number | string)[] | undefined;
    if (!values || values.length === 0) continue;
    out = out.flatMap((p) => values.map((v) => ({ ...p, [key]: v })));
  }
  return out.map(comboOf);
}

export function defaultAxes(model: ModelKind, full: boolean): Partial<GridAxes> {
  if (model === "arbiter") {
    return { sharpen: ARBITER_SHARPEN, boostRare: ARBITER_BOOST_RARE, ...(full ? { seed: Array.from({ length: 10 }, (_, i) => 42 + i) } : {}) };
  }
  return full ? { ...FULL_METERNET_AXES } : { ...DEFAULT_METERNET_AXES };
}

export type ComboStatus = "done" | "failed" | "pruned";

export interface GridEntry {
  id: string;
  params: ComboParams;
  status: ComboStatus;
  /** Validation balanced accuracy (fraction) of the best epoch; null unless done. */
  valAcc: number | null;
  bestEpoch: number | null;
  epochsRun: number | null;
  checkpoint: string | null;
  log: string;
  seconds: number;
  timestamp: string;
  error?: string;
  pruneReason?: string;
}

export interface GridResults {
  format: "tactus-grid/1";
  model: ModelKind;
  /** The extracted dataset the runs were trained on ({@link datasetIdentity}); absent in older files. */
  dataset?: string;
  /** By combo id, in completion order. */
  runs: Record<string, GridEntry>;
  winner?: { id: string; valAcc: number; checkpoint: string; promotedTo: string | null; timestamp: string };
}

/** Which extraction a dataset folder holds: layout id and extraction time from its meta.json (null without one). */
export function datasetIdentity(datasetDir: string): string | null {
  const meta = readDatasetMeta(datasetDir);
  return meta ? `${meta.layoutId} extracted ${meta.createdAt}` : null;
}

/**
 * The grid's results so far. With `dataset` ({@link datasetIdentity} of the dataset about to be
 * used), runs recorded for another extraction are not results of this grid: they are set aside
 * (`discarded` says which dataset they were for) and every combo runs again.
 */
export function readResults(gridDir: string, model: ModelKind, dataset?: string | null): GridResults & { discarded?: string } {
  const file = join(gridDir, RESULTS_FILE);
  const fresh: GridResults = { format: "tactus-grid/1", model, ...(dataset ? { dataset } : {}), runs: {} };
  if (!existsSync(file)) return fresh;
  const parsed = JSON.parse(readFileSync(file, "utf8")) as GridResults;
  if (dataset && parsed.dataset !== undefined && parsed.dataset !== dataset) return { ...fresh, discarded: parsed.dataset };
  return { ...parsed, ...(dataset ? { dataset } : {}), runs: parsed.runs ?? {} };
}

/** The best done run by validation balanced accuracy; ties go to the first in `combos` order. */
export function winnerOf(results: GridResults, combos: readonly Combo[]): GridEntry | null {
  let best: GridEntry | null = null;
  for (const combo of combos) {
    const entry = results.runs[combo.id];
    if (entry?.status !== "done" || entry.valAcc === null || !entry.checkpoint) continue;
    if (!best || entry.valAcc > best.valAcc!) best = entry;
  }
  return best;
}

export interface PruneRule {
  /** Percentage points below the best completed run. */
  gapPp: number;
  /** Fixed start epoch; default: min(winner's best epoch, maxStart). */
  startEpoch?: number;
  maxStart: number;
}

export function parsePrune(text: string): PruneRule | null {
  if (!text) return null;
  const [gap, start] = text.split(",");
  const gapPp = Number(gap);
  if (!(gapPp > 0)) throw new RangeError(`--prune: expected "G", "G,winner" or "G,E", got "${text}"`);
  if (start === undefined || start === "winner") return { gapPp, maxStart: 60 };
  const startEpoch = Number(start);
  if (!Number.isInteger(startEpoch) || startEpoch < 1) throw new RangeError(`--prune: bad start epoch "${start}"`);
  return { gapPp, startEpoch, maxStart: 60 };
}

export interface GridOptions {
  model: ModelKind;
  combos: readonly Combo[];
  /** Training settings shared by every combo (epochs, batch size, patience …). */
  base: TrainConfig;
  datasetDir: string;
  gridDir: string;
  /** Promote the winner here (keeping the previous as `promotePrev`); null: do not promote. */
  promoteTo: string | null;
  promotePrev: string;
  parallelRuns: number;
  prune: PruneRule | null;
  /** The command line, for checkpoint provenance. */
  command: string;
  /** Fingerprints the dataset must match (refuse a stale dataset). */
  fingerprints?: Record<string, string>;
  log: (line: string) => void;
  /** Worker entry for parallel runs (default: the compiled grid-worker next to this module). */
  workerEntry?: URL;
}

export interface GridOutcome {
  results: GridResults;
  ran: string[];
  skipped: string[];
  winner: GridEntry | null;
  promoted: boolean;
}

export function configFor(base: TrainConfig, params: ComboParams): TrainConfig {
  return {
    ...base,
    ...(params.lr !== undefined ? { lr: params.lr } : {}),
    ...(params.hidden !== undefined ? { hidden: params.hidden } : {}),
    ...(params.dropoutScale !== undefined ? { dropoutScale: params.dropoutScale } : {}),
    ...(params.nBlocks !== undefined ? { nBlocks: params.nBlocks } : {}),
    ...(params.boostRare !== undefined ? { boostRare: params.boostRare } : {}),
    ...(params.seed !== undefined ? { seed: params.seed } : {}),
    ...(params.sharpen !== undefined ? { sharpen: parseSharpen(params.sharpen) } : {}),
  };
}

/** Message from a grid worker process. */
export type WorkerMessage = { type: "epoch"; report: EpochReport } | { type: "done"; entry: GridEntry };
/** Message to a grid worker process. */
export type WorkerRequest =
  | { type: "run"; combo: Combo; config: TrainConfig; datasetDir: string; gridDir: string; command: string; fingerprints?: Record<string, string> }
  | { type: "stop"; reason: string };

/**
 * Trains one combo (in this process): log to `<grid>/logs/<id>.log`, checkpoint to `<grid>/<id>/`.
 * `shouldStop` is asked after every epoch (pruning).
 */
export async function runCombo(
  combo: Combo,
  config: TrainConfig,
  dataset: LoadedDataset,
  gridDir: string,
  command: string,
  onEpoch: (report: EpochReport) => string | null,
): Promise<GridEntry> {
  const logFile = join(gridDir, "logs", `${combo.id}.log`);
  mkdirSync(join(gridDir, "logs"), { recursive: true });
  writeFileSync(logFile, `# started=${new Date().toISOString()}\n# combo=${combo.label}\n`);
  const write = (line: string) => appendFileSync(logFile, `${line}\n`);
  const started = performance.now();
  const base = { id: combo.id, params: combo.params, log: logFile, timestamp: "", seconds: 0 };
  let pruneReason: string | null = null;
  try {
    const result = await trainModel(dataset, config, {
      log: write,
      warn: () => {}, // already in the log; the grid says it once for the whole search
      onEpoch: (report) => {
        pruneReason = onEpoch(report);
        return pruneReason ? "stop" : undefined;
      },
    });
    const seconds = (performance.now() - started) / 1000;
    if (pruneReason) {
      write(`# PRUNED ${pruneReason}`);
      return { ...base, status: "pruned", valAcc: null, bestEpoch: result.bestEpoch, epochsRun: result.epochsRun, checkpoint: null, seconds, timestamp: new Date().toISOString(), pruneReason };
    }
    const checkpoint = join(gridDir, combo.id);
    await saveTrainedModel({ dir: checkpoint, command: `${command} [${combo.label}]`, dataset, config, result });
    write(`# done val_bal=${pct(result.val.balancedAccuracy)} best_epoch=${result.bestEpoch} checkpoint=${checkpoint}`);
    return {
      ...base,
      status: "done",
      valAcc: result.val.balancedAccuracy,
      bestEpoch: result.bestEpoch,
      epochsRun: result.epochsRun,
      checkpoint,
      seconds,
      timestamp: new Date().toISOString(),
    };
  } catch (error) {
    write(`# FAILED ${(error as Error).stack ?? error}`);
    return {
      ...base,
      status: "failed",
      valAcc: null,
      bestEpoch: null,
      epochsRun: null,
      checkpoint: null,
      seconds: (performance.now() - started) / 1000,
      timestamp: new Date().toISOString(),
      error: (error as Error).message,
    };
  }
}

function pruneCheck(rule: PruneRule | null, results: GridResults, combos: readonly Combo[]): (report: EpochReport) => string | null {
  return (report) => {
    if (!rule) return null;
    const best = winnerOf(results, combos);
    if (!best || best.valAcc === null) return null;
    const start = rule.startEpoch ?? Math.min(best.bestEpoch ?? rule.maxStart, rule.maxStart);
    const floor = best.valAcc - rule.gapPp / 100;
    if (report.epoch >= start && report.valBalanced < floor) {
      return `val_bal ${pct(report.valBalanced)} < ${pct(floor)} (best ${pct(best.valAcc)} − ${rule.gapPp}pp) at epoch ${report.epoch}`;
    }
    return null;
  };
}

/** Runs every combo without a result, then picks and promotes the winner. */
export async function runGrid(options: GridOptions): Promise<GridOutcome> {
  const { combos, gridDir, log } = options;
  if (options.promoteTo) {
    for (const note of recoverModelDir(options.promoteTo, options.promotePrev).notes) log(`${options.promoteTo}: ${note}`);
  }
  mkdirSync(gridDir, { recursive: true });
  const { discarded, ...results } = readResults(gridDir, options.model, datasetIdentity(options.datasetDir));
  if (discarded) log(`${join(gridDir, RESULTS_FILE)}: its runs were trained on another extraction (${discarded}); running every combo again`);
  const save = () => writeJsonAtomic(join(gridDir, RESULTS_FILE), results);
  const todo = combos.filter((c) => !results.runs[c.id]);
  const skipped = combos.filter((c) => results.runs[c.id]).map((c) => c.id);
  const ran: string[] = [];
  const total = combos.length;
  const position = new Map(combos.map((c, i) => [c.id, i + 1]));
  for (const id of skipped) {
    const e = results.runs[id]!;
    log(`[${position.get(id)}/${total}] SKIP ${comboOf(e.params).label} | ${e.status === "done" ? `val=${pct(e.valAcc ?? 0)}` : e.status.toUpperCase()}`);
  }
  const finish = (entry: GridEntry) => {
    results.runs[entry.id] = entry;
    save();
    ran.push(entry.id);
    const best = winnerOf(results, combos);
    const epochs = entry.epochsRun ?? 0;
    log(
      `[${position.get(entry.id)}/${total}] ${entry.status === "done" ? "DONE" : entry.status === "pruned" ? "PRUNE" : "FAIL"} ` +
        `${entry.valAcc !== null ? `val=${pct(entry.valAcc)}` : ""} | ${entry.seconds.toFixed(1)}s | ep=${epochs}/${options.base.epochs} | ` +
        `best=${best?.valAcc !== undefined && best?.valAcc !== null ? pct(best.valAcc) : "–"} | log=${relative(process.cwd(), entry.log)}` +
        (entry.pruneReason ? ` | ${entry.pruneReason}` : "") +
        (entry.error ? ` | ${entry.error}` : ""),
    );
  };
  const check = pruneCheck(options.prune, results, combos);
  const warnInputs = (dataset: LoadedDataset) => {
    const missing = options.model === "arbiter" ? missingOnsetMlpInput(dataset) : null;
    if (missing) log(`WARNING: ${missing}`);
  };

  if (todo.length > 0 && options.parallelRuns <= 1) {
    const dataset = loadDataset(options.datasetDir, options.fingerprints);
    warnInputs(dataset);
    for (const combo of todo) {
      log(`[${position.get(combo.id)}/${total}] RUN  ${combo.label} | epochs=${options.base.epochs}`);
      finish(await runCombo(combo, configFor(options.base, combo.params), dataset, gridDir, options.command, check));
    }
  } else if (todo.length > 0) {
    warnInputs(loadDataset(options.datasetDir, options.fingerprints)); // fail fast, before starting workers
    const queue = [...todo];
    const entry = options.workerEntry ?? new URL("./grid-worker.js", import.meta.url);
    const lane = async () => {
      for (let combo = queue.shift(); combo; combo = queue.shift()) {
        log(`[${position.get(combo.id)}/${total}] RUN  ${combo.label} | epochs=${options.base.epochs}`);
        finish(await runInWorker(entry, combo, options, check));
      }
    };
    await Promise.all(Array.from({ length: Math.min(options.parallelRuns, todo.length) }, lane));
  }

  const winner = winnerOf(results, combos);
  let promoted = false;
  const complete = combos.every((c) => results.runs[c.id]);
  if (winner && complete) {
    log(`GRID SEARCH COMPLETE`);
    log(`Best: ${comboOf(winner.params).label} (val=${pct(winner.valAcc!)})`);
    let promotedTo: string | null = null;
    if (options.promoteTo) {
      promoted = await promoteCheckpoint(winner.checkpoint!, options.promoteTo, options.promotePrev);
      promotedTo = options.promoteTo;
      log(promoted ? `Promoted ${winner.id} → ${options.promoteTo} (previous kept at ${options.promotePrev})` : `${options.promoteTo} already holds ${winner.id}`);
    }
    results.winner = { id: winner.id, valAcc: winner.valAcc!, checkpoint: winner.checkpoint!, promotedTo, timestamp: new Date().toISOString() };
    save();
  } else if (!complete) {
    log(`grid incomplete: ${combos.filter((c) => !results.runs[c.id]).length} combos left; run again to resume`);
  }
  return { results, ran, skipped, winner, promoted };
}

function runInWorker(entry: URL, combo: Combo, options: GridOptions, check: (r: EpochReport) => string | null): Promise<GridEntry> {
  return new Promise((resolve) => {
    const child: ChildProcess = fork(entry, [], { stdio: ["ignore", "ignore", "pipe", "ipc"] });
    let stderr = "";
    let settled = false;
    child.stderr?.on("data", (d: Buffer) => {
      stderr += d.toString();
    });
    const request: WorkerRequest = {
      type: "run",
      combo,
      config: configFor(options.base, combo.params),
      datasetDir: options.datasetDir,
      gridDir: options.gridDir,
      command: options.command,
      ...(options.fingerprints ? { fingerprints: options.fingerprints } : {}),
    };
    child.send(request);
    child.on("message", (message: WorkerMessage) => {
      if (message.type === "epoch") {
        const reason = check(message.report);
        if (reason) child.send({ type: "stop", reason } satisfies WorkerRequest);
      } else if (message.type === "done") {
        settled = true;
        resolve(message.entry);
        child.disconnect();
      }
    });
    child.on("exit", (code, signal) => {
      if (settled) return;
      resolve({
        id: combo.id,
        params: combo.params,
        status: "failed",
        valAcc: null,
        bestEpoch: null,
        epochsRun: null,
        checkpoint: null,
        log: join(options.gridDir, "logs", `${combo.id}.log`),
        seconds: 0,
        timestamp: new Date().toISOString(),
        error: `worker exited (${signal ?? code}): ${stderr.trim().split("\n").slice(-1)[0] ?? ""}`,
      });
    });
  });
}
