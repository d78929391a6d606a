/**
 * What the engine derives from the cached records on every run (cheap, never cached): degenerate
 * DBN discard and primary tracker (§5), tempo consensus and curve (§6), the beat interval the
 * signals use, and the `dbn_best` slot. The same code runs on the cold and the fast path.
 */
import {
  type Beat,
  consensusTempo,
  interBeatCandidate,
  type PrimarySelection,
  selectPrimaryTracker,
  type TempoCandidate,
  type TempoEstimate,
  type TrackerBeats,
  TRACKER_NAMES,
  tempoCurve,
} from "@tactus/beat-trackers";
import { selectBestDbn } from "@tactus/features";
import { LIBROSA_TEMPO_CONFIDENCE, TEMPOGRAM_TEMPO_CONFIDENCE } from "@tactus/onset";
import { type BeatRecord, type OnsetsRecord, recordToBeats } from "./records.js";

export interface Derived {
  /** Beats per tracker (all stored lists, registry order). */
  beats: Record<string, Beat[]>;
  primary: PrimarySelection;
  tempo: TempoEstimate;
  /** 60 / consensus bpm (undefined when there is no tempo). */
  beatIntervalSec: number | undefined;
  /** Beats by feature slot (dbn, multifeature, dbn_best) after the degenerate discard, absolute times. */
  slots: Record<string, Beat[]>;
  /** Which fixed DBN variant fills the `dbn_best` slot. */
  dbnBest: string | null;
  durationSec: number;
}

export function derive(beatRecords: Readonly<Record<string, BeatRecord[]>>, onsets: OnsetsRecord): Derived {
  const beats: Record<string, Beat[]> = {};
  for (const name of TRACKER_NAMES) beats[name] = recordToBeats(beatRecords[name] ?? []);
  const primary = selectPrimaryTracker(beats as TrackerBeats, onsets.onset_events);
  const candidates: TempoCandidate[] = [];
  const ibi = interBeatCandidate(primary.beats, primary.f1);
  if (ibi) candidates.push(ibi);
  if (onsets.rhythmic && onsets.tempo_librosa > 0) {
    candidates.push({ bpm: onsets.tempo_librosa, confidence: LIBROSA_TEMPO_CONFIDENCE, method: "librosa" });
  }
  if (onsets.rhythmic && onsets.tempo_tempogram > 0) {
    candidates.push({ bpm: onsets.tempo_tempogram, confidence: TEMPOGRAM_TEMPO_CONFIDENCE, method: "tempogram" });
  }
  const tempo: TempoEstimate = { ...consensusTempo(candidates), curve: tempoCurve(primary.beats) };
  const kept = (name: string): Beat[] => (primary.discarded.includes(name as never) ? [] : (beats[name] ?? []));
  const variants: Record<string, Beat[]> = {};
  for (const name of TRACKER_NAMES) if (name.startsWith("dbn_bpb")) variants[name] = kept(name);
  // The beat records do not keep the `dbn` tracker's barLengthScores, so the slot falls back to
  // onset alignment (reference §7.4) here until they are cached.
  const best = selectBestDbn(variants, onsets.onset_events, undefined);
  return {
    beats,
    primary,
    tempo,
    beatIntervalSec: tempo.fallback || !(tempo.bpm > 0) ? undefined : 60 / tempo.bpm,
    slots: { dbn: kept("dbn"), multifeature: kept("multifeature"), dbn_best: best ? [...(best.beats as Beat[])] : [] },
    dbnBest: best?.name ?? null,
    durationSec: onsets.n_samples / onsets.sample_rate,
  };
}
