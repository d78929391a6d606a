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

const memo = new Map<string, { stamp: string; model: Promise<LoadedModel | null> }>();

function stampOf(dir: string): string | null {
  try {
    const stat = statSync(join(dir, META_FILE));
    return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  } catch {
    return null;
  }
}

/** The MeterNet checkpoint at `dir` (default `data/meter_net` against the cwd), or null when there is none. */
export function loadModel(dir: string = DEFAULT_CHECKPOINT_DIR): Promise<LoadedModel | null> {
  const root = resolve(dir);
  const stamp = stampOf(root);
  if (stamp === null) return Promise.resolve(null);
  const known = memo.get(root);
  if (known && known.stamp === stamp) return known.model;
  const model = (async () => {
    const backend = await initBackend();
    try {
      return { checkpoint: await loadCheckpoint(root, "meternet"), backend: backend.name };
    } catch (error) {
      if (error instanceof CheckpointNotFoundError) return null;
      throw error;
    }
  })();
  memo.set(root, { stamp, model });
  model.catch(() => memo.delete(root));
  return model;
}

/** Class probabilities (METER_CLASSES order) of one feature vector. */
export function predictOne(model: LoadedModel, vector: Float32Array): number[] {
  return Array.from(predict(model.checkpoint.model, vector, 1));
}
