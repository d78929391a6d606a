/**
 * The per-file tasks the CLI runs (in this process or in a worker process): thin calls into
 * `@tactus/engine`, returning plain data that crosses the process boundary.
 */
import type { AnalysisCache } from "@tactus/cache";
import { analyzeFile, openEngineCache, toJson, tryOpenEngineCache, type WarmResult, warmFile } from "@tactus/engine";
import { initBackend } from "@tactus/meternet";
import { ForkPool, InProcessPool, type Pool, type TaskRequest } from "./pool.js";

export interface AnalyzeTaskOptions {
  /** Cache directory (default: $TACTUS_CACHE_DIR, else .cache). */
  cacheDir?: string;
  /** Run uncached. */
  noCache?: boolean;
  checkpointDir?: string;
  sections: boolean;
  verbose: boolean;
}

export interface AnalyzeTaskResult {
  /** `toJson(result)` of the engine. */
  json: ReturnType<typeof toJson>;
  /** TF.js backend the model ran on, else the one it would run on. */
  backend: string;
}

export interface WarmTaskOptions {
  cacheDir?: string;
}

export type WarmTaskResult = WarmResult;

// One store per worker process and directory, opened on first use (LMDB allows many processes).
const caches = new Map<string, AnalysisCache | null>();

function cacheAt(dir: string | undefined, required: boolean): AnalysisCache | null {
  const key = dir ?? "";
  if (!caches.has(key)) caches.set(key, required ? openEngineCache({ dir }) : tryOpenEngineCache({ dir }));
  return caches.get(key)!;
}

async function analyzeTask(path: string, options: AnalyzeTaskOptions): Promise<AnalyzeTaskResult> {
  const result = await analyzeFile(path, {
    cache: options.noCache ? null : cacheAt(options.cacheDir, false),
    checkpointDir: options.checkpointDir,
    sections: options.sections,
    verbose: options.verbose,
  });
  return { json: toJson(result), backend: result.backend ?? (await initBackend()).name };
}

async function warmTask(path: string, options: WarmTaskOptions): Promise<WarmTaskResult> {
  return warmFile(path, { cache: cacheAt(options.cacheDir, true)! });
}

export const TASKS = {
  analyze: analyzeTask,
  warm: warmTask,
} as const;

export type TaskName = keyof typeof TASKS;

/** Runs one request (the worker entry and the in-process pool both call this). */
export function runTask(request: TaskRequest): Promise<unknown> {
  const task = TASKS[request.task as TaskName] as ((path: string, options: unknown) => Promise<unknown>) | undefined;
  if (!task) return Promise.reject(new Error(`unknown task "${request.task}"`));
  return task(request.path, request.options);
}

export const WORKER_ENTRY = new URL("./worker.js", import.meta.url);

/** `workers` ≤ 1: in this process; otherwise that many worker processes (dist/worker.js). */
export function openPool(workers: number): Pool {
  return workers <= 1 ? new InProcessPool(runTask) : new ForkPool({ size: workers, entry: WORKER_ENTRY });
}
