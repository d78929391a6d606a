/**
 * MeterNet for the engine: the checkpoint is loaded once per directory and content (and the
 * TensorFlow.js backend initialised only when there is one); a missing checkpoint means model
 * "none" and the §8.1 fallback, never an error.
 */
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import {
  CheckpointNotFoundError,
  initBackend,
  loadCheckpoint,
  type LoadedCheckpoint,
  META_FILE,
  predict,
} from "@tactus/meternet";

export const DEFAULT_CHECKPOINT_DIR = "data/meter_net";

export interface LoadedModel {
  checkpoint: LoadedCheckpoint;
  backend: string;
}

const memo = new Map<string, { stamp: string; checkpoint: Promise<LoadedCheckpoint | null> }>();

/** `mtime:size:inode` of a checkpoint's meta.json (saveCheckpoint renames a new directory into place), or null. */
export function checkpointStamp(dir: string): string | null {
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
