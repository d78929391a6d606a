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
  pyRound,
  selectPrimaryTracker,
  type TempoCandidate,
  type TempoCurve,
  type TempoEstimate,
  TRACKER_NAMES,
  type TrackerBeats,
  tempoCurve,
} from "@tactus/beat-trackers";
import { selectBestDbn } from "@tactus/features";
import { LIBROSA_TEMPO_CONFIDENCE, TEMPOGRAM_TEMPO_CONFIDENCE } from "@tactus/onset";
import { barLengthScoresOf, type OnsetsRecord, recordToBeats, type TrackerRecord } from "./records.js";

export interface Derived {
  /** Beats per tracker (all stored lists, registry order). */
  beats: Record<string, Beat[]>;
  primary: PrimarySelection;
  tempo: TempoEstimate;
  /** 60 / consensus bpm (undefined when there is no tempo). */
  beatIntervalSec: number | undefined;
  /** Beats by feature slot (dbn, multifeature, dbn_best) after the degenerate discard, absolute times. */
  slots: Record<string, Beat[]>;
  /** Which fixed DBN variant fills the `dbn_best` slot (by the `dbn` tracker's bar-length scores). */
  dbnBest: string | null;
  durationSec: number;
}

export function derive(trackerRecords: Readonly<Record<string, TrackerRecord>>, onsets: OnsetsRecord): Derived {
  const beats: Record<string, Beat[]> = {};
  for (const name of TRACKER_NAMES) beats[name] = recordToBeats(trackerRecords[name]?.beats ?? []);
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
  const consensus = consensusTempo(candidates);
  const curve = consensus.fallback ? tempoCurve(primary.beats) : curveAtOctave(tempoCurve(primary.beats), consensus.bpm);
  const tempo: TempoEstimate = { ...consensus, curve };
  const kept = (name: string): Beat[] => (primary.discarded.includes(name as never) ? [] : (beats[name] ?? []));
  const variants: Record<string, Beat[]> = {};
  for (const name of TRACKER_NAMES) if (name.startsWith("dbn_bpb")) variants[name] = kept(name);
  // The `dbn` tracker's per-bar-length HMM scores (stored in its record) choose the variant;
  // without them (no rhythm: no scores) selectBestDbn falls back to onset alignment (§7.4).
  const best = selectBestDbn(variants, onsets.onset_events, barLengthScoresOf(trackerRecords.dbn));
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

/**
 * The tempo curve at the consensus octave: every local tempo (and the range) times the power of 2
 * that brings the curve's median nearest the consensus BPM (in log2 distance; ties keep the lower
 * octave). The curve follows the primary beats, while the consensus may choose the other octave
 * (e.g. 166 BPM beats of a 7/8 clip reported at 83 BPM); the user reads both together. cv and
 * category are ratios, unchanged by the scaling.
 */
export function curveAtOctave(curve: TempoCurve, bpm: number): TempoCurve {
  if (curve.points.length === 0 || !(bpm > 0)) return curve;
  const sorted = curve.points.map((p) => p.bpm).sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  const median = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  if (!(median > 0)) return curve;
  const k = -Math.round(Math.log2(median / bpm) + 1e-9);
  if (k === 0) return curve;
  const factor = 2 ** k;
  const scale = (x: number) => pyRound(x * factor, 1);
  return {
    ...curve,
    points: curve.points.map((p) => ({ timeSec: p.timeSec, bpm: scale(p.bpm) })),
    bpmRange: curve.bpmRange ? [scale(curve.bpmRange[0]), scale(curve.bpmRange[1])] : null,
  };
}
