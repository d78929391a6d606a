/**
 * The beat stage of an analysis end to end: every tracker (shared inputs computed once), onset
 * events, the primary tracker (§5), the tempo consensus and curve (§6).
 */

import { type OnsetEvents, onsetEvents } from "@tactus/onset";
import { hasRhythmicEvidence } from "./activations.js";
import { type AllTrackersResult, type RunAllOptions, runAllTrackers } from "./registry.js";
import { type DegenerateOptions, type PrimarySelection, selectPrimaryTracker, type TrackerBeats } from "./selection.js";
import { estimateTempo, type TempoEstimate } from "./tempo.js";

export interface BeatAnalysis extends AllTrackersResult {
  /** Discrete onsets (librosa onset_detect with backtracking) used to score the trackers. */
  onsets: OnsetEvents;
  primary: PrimarySelection;
  tempo: TempoEstimate;
  /** False when the activations show no rhythm: no tracker ran and tempo is the 120 BPM fallback. */
  rhythmic: boolean;
}

export interface AnalyzeBeatsOptions extends RunAllOptions {
  degenerate?: DegenerateOptions;
}

/**
 * Trackers → onset events → primary tracker → tempo. Without rhythmic evidence (silence, a click,
 * stationary noise) the onset-envelope tempo estimates are not used either, so the tempo is the
 * §6.4 fallback (120 BPM, confidence 0, `fallback`).
 */
export async function analyzeBeats(
  samples: Float32Array,
  sampleRate: number,
  options: AnalyzeBeatsOptions = {},
): Promise<BeatAnalysis> {
  const all = await runAllTrackers(samples, sampleRate, options);
  const rhythmic = hasRhythmicEvidence(all.activations);
  const onsets = onsetEvents(all.onsetEnvelope);
  const beats: TrackerBeats = {};
  for (const [name, result] of Object.entries(all.results)) beats[name as keyof TrackerBeats] = result.beats;
  const primary = selectPrimaryTracker(beats, onsets.timesSec, options.degenerate);
  const tempo = estimateTempo(primary.beats, primary.f1, all.onsetEnvelope, { useOnsetEstimates: rhythmic });
  return { ...all, onsets, primary, tempo, rhythmic };
}
