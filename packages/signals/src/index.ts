// @tactus/signals — meter signals: name → { "num/den": score }. ({} = no opinion.)

export { AUTOCORR_DEFAULTS, onsetAutocorrelationScores } from "./autocorr.js";
export {
  BAR_TRACKING_DEFAULTS,
  type BarTrackingOptions,
  barLogProbability,
  barTrackingKey,
  barTrackingScores,
  sampleOnBeats,
} from "./bar-tracking.js";
export { HCDF_CANDIDATES, HCDF_MIN_DURATION_SEC, hcdfScores } from "./hcdf.js";
export {
  isMeterKey,
  METER_CLASSES,
  METER_KEYS,
  type MeterClass,
  type MeterKey,
  type MeterScores,
  meterKey,
  parseMeterKey,
  scoresToVector,
} from "./meters.js";
export { ONSET_MLP_KEYS, onsetMlpScores, onsetMlpSignal } from "./onset-mlp.js";
export { nonSilentFraction } from "./quality.js";
export {
  computeSignal,
  computeSignals,
  DOWNBEAT_TRACKERS,
  getSignal,
  SIGNAL_NAMES,
  SIGNALS,
  spacingSignal,
  spacingSignalName,
  UnknownSignalError,
} from "./registry.js";
export { downbeatSpacingScores, SPACING_MIN_RATIO, SPACING_OCTAVE_BONUS } from "./spacing.js";
export type { BeatLike, FrameSeries, SignalDefinition, SignalInputs, SignalOutcome } from "./types.js";
