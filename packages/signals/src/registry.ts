import { TRACKERS, type TrackerName } from "@tactus/beat-trackers";
import { AUTOCORR_SOURCE, onsetAutocorrelationScores } from "./autocorr.js";
import { BAR_TRACKING_DEFAULTS, BAR_TRACKING_SOURCE, barTrackingKey, barTrackingScores } from "./bar-tracking.js";
import { HCDF_CANDIDATES, HCDF_SOURCE, hcdfScores } from "./hcdf.js";
import { isMeterKey, METERS_SOURCE, type MeterKey } from "./meters.js";
import { onsetMlpSignal } from "./onset-mlp.js";
import { downbeatSpacingScores, SPACING_SOURCE } from "./spacing.js";
import type { SignalDefinition, SignalInputs, SignalOutcome } from "./types.js";
import { UTIL_SOURCE } from "./util.js";

export const REGISTRY_SOURCE = import.meta.url;

/**
 * Trackers that mark downbeats, in tracker-registry order (derived from `TRACKERS`' `downbeats`
 * flag, never retyped): one `spacing:<tracker>` signal each.
 */
export const DOWNBEAT_TRACKERS: readonly TrackerName[] = Object.freeze(TRACKERS.filter((t) => t.downbeats).map((t) => t.name));

const SPACING_KEYS: readonly MeterKey[] = ["2/4", "3/4", "4/4", "5/4", "7/4"];

/** Name of the spacing signal over one tracker's downbeats. */
export function spacingSignalName(tracker: string): string {
  return `spacing:${tracker}`;
}

/** The downbeat-spacing signal over `tracker`'s beats (reference §7.1). */
export function spacingSignal(tracker: string): SignalDefinition {
  return {
    name: spacingSignalName(tracker),
    description: `Downbeat spacing of the ${tracker} tracker: share of bars of each length`,
    sources: [SPACING_SOURCE, UTIL_SOURCE, METERS_SOURCE],
    inputs: ["beatsByTracker"],
    trackers: [tracker],
    keys: SPACING_KEYS,
    requiresModel: false,
    compute: (inputs) => {
      const beats = inputs.beatsByTracker?.[tracker];
      return beats ? downbeatSpacingScores(beats) : {};
    },
  };
}

const autocorrSignal: SignalDefinition = {
  name: "autocorr",
  description: "Onset-envelope autocorrelation at bar lags of each candidate meter",
  sources: [AUTOCORR_SOURCE, UTIL_SOURCE, METERS_SOURCE],
  inputs: ["onsetEnvelope", "beatIntervalSec"],
  trackers: [],
  keys: ["2/4", "3/4", "4/4", "5/4", "7/4", "5/8", "6/8", "7/8", "9/8", "11/8", "12/8"],
  requiresModel: false,
  compute: ({ onsetEnvelope, beatIntervalSec }) =>
    onsetEnvelope && beatIntervalSec !== undefined ? onsetAutocorrelationScores(onsetEnvelope, beatIntervalSec) : {},
};

const barTrackingSignal: SignalDefinition = {
  name: "bar_tracking",
  description: "Bar-length HMM over the downbeat activation sampled on the primary beats",
  sources: [BAR_TRACKING_SOURCE, UTIL_SOURCE, METERS_SOURCE],
  inputs: ["primaryBeats", "downbeatActivation", "nonSilentFraction"],
  trackers: [],
  keys: BAR_TRACKING_DEFAULTS.beatsPerBar.map(barTrackingKey).filter(isMeterKey),
  requiresModel: false,
  compute: ({ primaryBeats, downbeatActivation, nonSilentFraction }) =>
    primaryBeats && downbeatActivation ? barTrackingScores(primaryBeats, downbeatActivation, nonSilentFraction) : {},
};

const hcdfSignal: SignalDefinition = {
  name: "hcdf",
  description: "Harmonic-change curve autocorrelation at bar lags (Harte et al. 2006)",
  sources: [HCDF_SOURCE, UTIL_SOURCE, METERS_SOURCE],
  inputs: ["chroma", "beatIntervalSec"],
  trackers: [],
  keys: HCDF_CANDIDATES.map(([key]) => key).filter(isMeterKey),
  requiresModel: false,
  compute: ({ chroma, beatIntervalSec }) =>
    chroma && beatIntervalSec !== undefined ? hcdfScores(chroma.matrix, chroma.fps, beatIntervalSec) : {},
};

/** Every signal, in a stable order: spacing per downbeat tracker, autocorr, bar_tracking, hcdf, onset_mlp. */
export const SIGNALS: readonly SignalDefinition[] = Object.freeze([
  ...DOWNBEAT_TRACKERS.map(spacingSignal),
  autocorrSignal,
  barTrackingSignal,
  hcdfSignal,
  onsetMlpSignal,
]);

/** Names of every registered signal (derived, never retyped). */
export const SIGNAL_NAMES: readonly string[] = SIGNALS.map((s) => s.name);

export class UnknownSignalError extends Error {
  constructor(readonly signal: string) {
    super(`UnknownSignalError: ${signal}: no such signal (known: ${SIGNAL_NAMES.join(", ")})`);
    this.name = "UnknownSignalError";
  }
}

/** The registered signal called `name`. */
export function getSignal(name: string): SignalDefinition {
  const signal = SIGNALS.find((s) => s.name === name);
  if (!signal) throw new UnknownSignalError(name);
  return signal;
}

/**
 * Run one signal. A model signal without a model answers `unavailable` (never fake scores);
 * otherwise `scores` ({} = no opinion: missing inputs, too short, silent …).
 */
export function computeSignal(name: string, inputs: SignalInputs): SignalOutcome {
  const signal = getSignal(name);
  if (!signal.compute) {
    return { status: "unavailable", name, reason: `${name} requires a trained model and none is loaded` };
  }
  return { status: "ok", name, scores: signal.compute(inputs) };
}

/** Run every signal (or the named ones) on the same inputs, keyed by name. */
export function computeSignals(inputs: SignalInputs, names: readonly string[] = SIGNAL_NAMES): Record<string, SignalOutcome> {
  const out: Record<string, SignalOutcome> = {};
  for (const name of names) out[name] = computeSignal(name, inputs);
  return out;
}

