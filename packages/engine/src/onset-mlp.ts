/**
 * The onset-MLP signal in the engine: a `@tactus/meternet` "onset-mlp" checkpoint run on the
 * cached MeterNet audio block (1449 values), its six class probabilities mapped onto meter keys by
 * `onsetMlpScores` (`@tactus/signals`). Without a checkpoint the signal is "unavailable" (absent
 * from the records, never zeros). Its cache component carries the checkpoint hash in `extra`
 * (ARCHITECTURE.md decision 2), so retraining invalidates exactly the `signals:onset_mlp` entries.
 */
import { statSync } from "node:fs";
import { join, resolve } from "node:path";
import { AUDIO_BLOCK } from "@tactus/features";
import { CheckpointNotFoundError, checkpointHashSync, initBackend, type LoadedCheckpoint, loadCheckpoint, META_FILE, predict } from "@tactus/meternet";
import { onsetMlpScores } from "@tactus/signals";
import { type SignalRecord, scoresToRecord } from "./records.js";

/** Where `tactus train --model onset-mlp --save` puts the promoted checkpoint (against the cwd). */
export const DEFAULT_ONSET_MLP_DIR = "data/onset_mlp";

/** Registry name of the signal (`signals:onset_mlp` in the cache). */
export const ONSET_MLP_SIGNAL = "onset_mlp";

/** `mtime:size:inode` of the checkpoint's meta.json (saveCheckpoint renames a new directory into place), or null. */
export function onsetMlpStamp(dir: string): string | null {
  try {
    const stat = statSync(join(resolve(dir), META_FILE));
    return `${stat.mtimeMs}:${stat.size}:${stat.ino}`;
  } catch {
    return null;
  }
}

/**
 * `checkpointHashSync(dir)` of `@tactus/meternet` (the one hash implementation, the same as
 * `checkpointHash` and `LoadedCheckpoint.hash`), synchronous because the component set is built
 * synchronously (`engineComponents()`, `openEngineCache()`). Null when there is no checkpoint (no
 * meta.json); a corrupt or mismatched checkpoint throws meternet's error, as loading it would.
 */
export function onsetMlpCheckpointHash(dir: string): string | null {
  try {
    return checkpointHashSync(dir);
  } catch (error) {
    if (error instanceof CheckpointNotFoundError) return null;
    throw error;
  }
}

const memo = new Map<string, { stamp: string; checkpoint: Promise<LoadedCheckpoint | null> }>();

/** The onset-MLP checkpoint at `dir` (loaded once per directory and content), or null when there is none. */
export function loadOnsetMlp(dir: string = DEFAULT_ONSET_MLP_DIR): Promise<LoadedCheckpoint | null> {
  const root = resolve(dir);
  const stamp = onsetMlpStamp(root);
  if (stamp === null) return Promise.resolve(null);
  const known = memo.get(root);
  if (known && known.stamp === stamp) return known.checkpoint;
  const checkpoint = (async () => {
    await initBackend();
    try {
      return await loadCheckpoint(root, "onset-mlp");
    } catch (error) {
      if (error instanceof CheckpointNotFoundError) return null;
      throw error;
    }
  })();
  memo.set(root, { stamp, checkpoint });
  checkpoint.catch(() => memo.delete(root));
  return checkpoint;
}

/**
 * The signal's record from the file's audio block: the model's class probabilities as meter
 * scores; {} (no opinion) when the clip was too short for features (empty block).
 */
export function onsetMlpRecord(checkpoint: LoadedCheckpoint, audioBlock: Float32Array): SignalRecord {
  if (audioBlock.length !== AUDIO_BLOCK.length) return {};
  return scoresToRecord(onsetMlpScores(predict(checkpoint.model, audioBlock, 1)));
}
