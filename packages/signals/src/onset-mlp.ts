import { METER_CLASSES, METER_KEYS, type MeterKey, type MeterScores } from "./meters.js";
import type { SignalDefinition } from "./types.js";

export const ONSET_MLP_SOURCE = import.meta.url;

/**
 * The keys the onset-MLP scores: every meter key whose numerator is one of the model's classes
 * (3/4, 4/4, 5/4, 5/8, 7/4, 7/8, 9/8, 11/8). 2/4, 6/8, 10/8 and 12/8 have no class of their own,
 * so the signal has no opinion on them (absent, not 0).
 */
export const ONSET_MLP_KEYS: readonly MeterKey[] = Object.freeze(
  METER_KEYS.filter((key) => (METER_CLASSES as readonly number[]).includes(Number(key.split("/")[0]))),
);

/**
 * The onset-MLP's six class probabilities (METER_CLASSES order: 3, 4, 5, 7, 9, 11) as meter
 * scores. One rule: a key gets the probability of the class equal to its numerator, so 3 → 3/4,
 * 4 → 4/4, 9 → 9/8, 11 → 11/8, and 5 and 7 go to both their denominators (5/4 and 5/8, 7/4 and
 * 7/8) with the same value — the model predicts numerators only and must not pretend to choose a
 * denominator. Keys whose numerator is no class (2/4, 6/8, 10/8, 12/8) are left out. Non-finite
 * probabilities are left out too (no opinion rather than NaN).
 */
export function onsetMlpScores(probabilities: ArrayLike<number>): MeterScores {
  if (probabilities.length !== METER_CLASSES.length) {
    throw new RangeError(`onsetMlpScores: expected ${METER_CLASSES.length} class probabilities, got ${probabilities.length}`);
  }
  const out: MeterScores = {};
  for (const key of ONSET_MLP_KEYS) {
    const p = probabilities[(METER_CLASSES as readonly number[]).indexOf(Number(key.split("/")[0]))]!;
    if (Number.isFinite(p)) out[key] = p;
  }
  return out;
}

/**
 * The onset-MLP slot: a small network (`@tactus/meternet` kind "onset-mlp") over the MeterNet
 * audio block, its class probabilities mapped by {@link onsetMlpScores}. The model lives outside
 * this package, so the definition has no `compute`: `computeSignal` answers "unavailable". The
 * engine runs the checkpoint when there is one (its cache component carries the checkpoint hash,
 * ARCHITECTURE.md decision 2) and reports "unavailable" otherwise.
 */
export const onsetMlpSignal: SignalDefinition = {
  name: "onset_mlp",
  description: "Onset-feature MLP over the audio block, class probabilities per meter key (needs a trained model)",
  sources: [ONSET_MLP_SOURCE],
  // It reads the MeterNet audio block (1449 values), which is no `SignalInputs` field: the engine
  // feeds it from its cached `features:meter_net_audio` entry.
  inputs: [],
  trackers: [],
  keys: ONSET_MLP_KEYS,
  requiresModel: true,
};
