/**
 * MeterNet for the engine: the checkpoint is loaded once per directory and content (and the
 * TensorFlow.js backend initialised only when there is one); a missing checkpoint means model
 * "none" and the §8.1 fallback, never an error. Before a model folder is first looked at, an
 * interrupted promotion of it (`<dir>.next`, `.next.partial`, `.prev.old`, a stale lock) is finished
 * or rolled back (`recoverModelDir` of `@tactus/meternet`), once per process and folder.
 */
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  CheckpointNotFoundError,
  initBackend,
  type LoadedCheckpoint,
  loadCheckpoint,
  META_FILE,
  predict,
  recoverModelDir,
} from "@tactus/meternet";

export const DEFAULT_CHECKPOINT_DIR = "data/meter_net";

export interface LoadedModel {
  checkpoint: LoadedCheckpoint;
  backend: string;
}

const memo = new Map<string, { stamp: string; checkpoint: Promise<LoadedCheckpoint | null> }>();

const recovered = new Set<string>();

/**
 * Finishes or rolls back an interrupted promotion of the model folder `dir`, once per process and
 * folder (again after "busy": another live process was promoting). What it did is a warning; a
 * recovery that fails (read-only data folder …) is a warning too, and the folder is used as it is.
 */
export function recoverModelDirOnce(dir: string): void {
  const root = resolve(dir);
  if (recovered.has(root)) return;
  try {
    const report = recoverModelDir(root);
    if (report.action === "busy") return;
    for (const note of report.notes) process.emitWarning(`${root}: ${note}`, { code: "TACTUS_MODEL_RECOVERY" });
  } catch (error) {
    process.emitWarning(`${root}: recovery of an interrupted promotion failed: ${(error as Error).message}`, {
      code: "TACTUS_MODEL_RECOVERY",
    });
  }
  recovered.add(root);
}

/**
 * `mtime:size:inode` of a checkpoint's meta.json (saveCheckpoint renames a new directory into
 * place), or null. Every look at a model folder starts here, so this runs {@link recoverModelDirOnce} first.
 */
export function checkpointStamp(dir: string): string | null {
  recoverModelDirOnce(dir);
  try {
    const stat = statSync(join(resolve(dir), META_FILE));
    return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  } catch {
    return null;
  }
}

/**
 * The `kind` checkpoint at `dir`, loaded once per directory and content (the TensorFlow.js backend
 * is initialised only when there is one), or null when there is none.
 */
export function loadCheckpointOnce(dir: string, kind: "meternet" | "onset-mlp"): Promise<LoadedCheckpoint | null> {
  const root = resolve(dir);
  const stamp = checkpointStamp(root);
  if (stamp === null) return Promise.resolve(null);
  const key = `${kind}\0${root}`;
  const known = memo.get(key);
  if (known && known.stamp === stamp) return known.checkpoint;
  const checkpoint = (async () => {
    await initBackend();
    try {
      return await loadCheckpoint(root, kind);
    } catch (error) {
      if (error instanceof CheckpointNotFoundError) return null;
      throw error;
    }
  })();
  memo.set(key, { stamp, checkpoint });
  checkpoint.catch(() => memo.delete(key));
  return checkpoint;
}

/** The MeterNet checkpoint at `dir` (default `data/meter_net` against the cwd), or null when there is none. */
export async function loadModel(dir: string = DEFAULT_CHECKPOINT_DIR): Promise<LoadedModel | null> {
  const checkpoint = await loadCheckpointOnce(dir, "meternet");
  return checkpoint ? { checkpoint, backend: (await initBackend()).name } : null;
}

/** Class probabilities (METER_CLASSES order) of one feature vector. */
export function predictOne(model: LoadedModel, vector: Float32Array): number[] {
  return Array.from(predict(model.checkpoint.model, vector, 1));
}
