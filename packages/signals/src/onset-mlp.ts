import { METER_KEYS } from "./meters.js";
import type { SignalDefinition } from "./types.js";

export const ONSET_MLP_SOURCE = import.meta.url;

/**
 * The onset-MLP slot: a small network over the onset features that will score all twelve keys.
 * It needs a trained model, and there is none yet, so it has no `compute`: `computeSignal`
 * answers "unavailable" rather than inventing scores. The model work fills in `compute` (and
 * adds the checkpoint hash to its cache key, ARCHITECTURE.md decision 2).
 */
export const onsetMlpSignal: SignalDefinition = {
  name: "onset_mlp",
  description: "Onset-feature MLP over the twelve meter keys (needs a trained model; none yet)",
  sources: [ONSET_MLP_SOURCE],
  inputs: ["onsetEnvelope", "beatIntervalSec"],
  trackers: [],
  keys: METER_KEYS,
  requiresModel: true,
};
