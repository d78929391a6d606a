/**
 * The onset-MLP signal in the engine: a `@tactus/meternet` "onset-mlp" checkpoint run on the
 * cached MeterNet audio block (1449 values), its six class probabilities mapped onto meter keys by
 * `onsetMlpScores` (`@tactus/signals`). Without a checkpoint the signal is "unavailable" (absent
 * from the records, never zeros). Its cache component carries the checkpoint hash in `extra`
 * (ARCHITECTURE.md decision 2), so retraining invalidates exactly the `signals:onset_mlp` entries.
 */
import { readFileSync, statSync } from "node:fs";
import { join, resolve } from "node:path";
import { createHasher } from "@tactus/cache";
import { AUDIO_BLOCK } from "@tactus/features";
import {
  CHECKPOINT_FORMAT,
  CheckpointNotFoundError,
  initBackend,
  type LoadedCheckpoint,
  loadCheckpoint,
  META_FILE,
  MODEL_FILE,
  predict,
} from "@tactus/meternet";
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
 * `checkpointHash(dir)` of `@tactus/meternet`, computed synchronously (same files, same framing,
 * same xxh64), because the component set is built synchronously (`engineComponents()`,
 * `openEngineCache()`). Null when there is no checkpoint (no meta.json). A test keeps it equal to
 * `checkpointHash`. It does not validate the checkpoint: loading does, and the engine caches the
 * signal only when the loaded checkpoint's hash is this one.
 */
export function onsetMlpCheckpointHash(dir: string): string | null {
  const root = resolve(dir);
  let metaBytes: Buffer;
  try {
    metaBytes = readFileSync(join(root, META_FILE));
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return null;
    throw error;
  }
  const read = (name: string): Buffer => readFileSync(join(root, name));
  const meta = JSON.parse(metaBytes.toString("utf8")) as {
    model: unknown;
    classes: unknown;
    featureLayoutId: unknown;
    inputLength: unknown;
    standardisation: { file: string };
  };
  const modelBytes = read(MODEL_FILE);
  const manifest = (JSON.parse(modelBytes.toString("utf8")) as { weightsManifest: { paths: string[] }[] }).weightsManifest;
  const parts: { name: string; bytes: Uint8Array }[] = [{ name: MODEL_FILE, bytes: modelBytes }];
  for (const group of manifest) for (const name of group.paths) parts.push({ name, bytes: read(name) });
  parts.push({ name: meta.standardisation.file, bytes: read(meta.standardisation.file) });
  const predictive = { model: meta.model, classes: meta.classes, featureLayoutId: meta.featureLayoutId, inputLength: meta.inputLength };
  parts.push({ name: META_FILE, bytes: new TextEncoder().encode(JSON.stringify(predictive)) });
  const hasher = createHasher().update(CHECKPOINT_FORMAT);
  for (const part of parts) hasher.update(`\0${part.name}\0${part.bytes.byteLength}\0`).update(part.bytes);
  return hasher.digest();
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
