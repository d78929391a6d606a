/**
 * Signal stage: the registered meter signals (`@tactus/signals`) over the records and, for the
 * signals that read audio (bar_tracking: downbeat activation and loudness; hcdf: chroma), the clip.
 * Model signals without a model (onset_mlp) are not computed: they are reported "unavailable".
 */
import { computeSignal, nonSilentFraction, SIGNALS, type SignalDefinition, type SignalInputs } from "@tactus/signals";
import type { Derived } from "../derive.js";
import { type OnsetsRecord, type SignalRecord, scoresToRecord } from "../records.js";
import type { ClipContext } from "./clip.js";

/** Signals the engine computes and caches (every registered signal that needs no model). */
export const COMPUTED_SIGNALS: readonly SignalDefinition[] = SIGNALS.filter((s) => s.compute !== undefined);

/** Whether computing `signal` needs the decoded audio (beyond the records). */
export function signalNeedsAudio(signal: SignalDefinition): boolean {
  return signal.inputs.some((input) => input === "downbeatActivation" || input === "chroma" || input === "nonSilentFraction");
}

/**
 * Scores of the named signals. `clip` is required when one of them needs audio
 * ({@link signalNeedsAudio}); without it such a signal would have no input.
 */
export function computeSignalRecords(
  names: readonly string[],
  derived: Derived,
  onsets: OnsetsRecord,
  clip: ClipContext | undefined,
): Record<string, SignalRecord> {
  const inputs: SignalInputs = {
    beatsByTracker: derived.beats,
    primaryBeats: derived.primary.beats,
    onsetEnvelope: { values: onsets.onset_strengths, fps: onsets.fps },
    ...(derived.beatIntervalSec !== undefined ? { beatIntervalSec: derived.beatIntervalSec } : {}),
  };
  const wanted = COMPUTED_SIGNALS.filter((s) => names.includes(s.name));
  if (clip && wanted.some(signalNeedsAudio)) {
    const activation = clip.downbeatActivation();
    inputs.downbeatActivation = { values: activation.downbeat, fps: activation.fps };
    inputs.nonSilentFraction = nonSilentFraction(clip.samples, clip.sampleRate);
    const analysis = wanted.some((s) => s.inputs.includes("chroma")) ? clip.analysis() : null;
    if (analysis) inputs.chroma = { matrix: analysis.chroma, fps: analysis.sampleRate / analysis.hopLength };
  }
  const out: Record<string, SignalRecord> = {};
  for (const signal of wanted) {
    const outcome = computeSignal(signal.name, inputs);
    out[signal.name] = outcome.status === "ok" ? scoresToRecord(outcome.scores) : {};
  }
  return out;
}
