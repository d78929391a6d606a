/**
 * Onset stage: the mean-aggregated onset envelope (normalised to max 1), onset events, both global
 * tempo estimates and the audio length — everything later stages read of the audio's onsets.
 */
import { hasRhythmicEvidence } from "@tactus/beat-trackers";
import { normalizedEnvelope, onsetEvents, onsetStrength, tempoLibrosa, tempoTempogram } from "@tactus/onset";
import type { OnsetsRecord } from "../records.js";
import type { ClipContext } from "./clip.js";

export function computeOnsets(clip: ClipContext): OnsetsRecord {
  const { samples, sampleRate } = clip;
  const env = onsetStrength(samples, { sampleRate, melDb: clip.frontEnd().melDb });
  const events = onsetEvents(env);
  const rhythmic = hasRhythmicEvidence(clip.downbeatActivation());
  const estimate = (f: () => { bpm: number } | null) => {
    if (!rhythmic) return 0;
    try {
      const bpm = f()?.bpm ?? 0;
      return Number.isFinite(bpm) && bpm > 0 ? bpm : 0;
    } catch {
      return 0;
    }
  };
  const strengths = normalizedEnvelope(env);
  const fps = sampleRate / env.hopLength;
  return {
    onset_times: Array.from(strengths, (_, i) => i / fps),
    onset_strengths: Array.from(strengths),
    onset_events: Array.from(events.timesSec),
    fps,
    tempo_librosa: estimate(() => tempoLibrosa(env)),
    tempo_tempogram: estimate(() => tempoTempogram(env)),
    rhythmic,
    n_samples: samples.length,
    sample_rate: sampleRate,
  };
}
