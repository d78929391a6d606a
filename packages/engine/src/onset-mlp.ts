/**
 * The onset-MLP signal in the engine: a `@tactus/meternet` "onset-mlp" checkpoint run on the
 * cached MeterNet audio block (1449 values), its six class probabilities mapped onto meter keys by
 * `onsetMlpScores` (`@tactus/signals`). Without a checkpoint the signal is "unavailable" (absent
 * from the records, never zeros). Its cache component carries the checkpoint hash in `extra`
 * (ARCHITECTURE.md decision 2), so retraining invalidates exactly the `signals:onset_mlp` entries.
 */
import { AUDIO_BLOCK } from "@tactus/features";
import { CheckpointNotFoundError, checkpointHashSync, type LoadedCheckpoint, predict } from "@tactus/meternet";
import { onsetMlpScores } from "@tactus/signals";
import { loadCheckpointOnce } from "./model.js";
import { type SignalRecord, scoresToRecord } from "./records.js";

/** Where `tactus train --model onset-mlp --save` puts the promoted checkpoint (against the cwd). */
export const DEFAULT_ONSET_MLP_DIR = "data/onset_mlp";

/** Registry name of the signal (`signals:onset_mlp` in the cache). */
export const ONSET_MLP_SIGNAL = "onset_mlp";

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

/** The onset-MLP checkpoint at `dir` (loaded once per directory and content), or null when there is none. */
export function loadOnsetMlp(dir: string = DEFAULT_ONSET_MLP_DIR): Promise<LoadedCheckpoint | null> {
  return loadCheckpointOnce(dir, "onset-mlp");
}

/**
 * The signal's record from the file's audio block: the model's class probabilities as meter
 * scores; {} (no opinion) when the clip was too short for features (empty block).
 */
export function onsetMlpRecord(checkpoint: LoadedCheckpoint, audioBlock: Float32Array): SignalRecord {
  if (audioBlock.length !== AUDIO_BLOCK.length) return {};
  return scoresToRecord(onsetMlpScores(predict(checkpoint.model, audioBlock, 1)));
}
