/**
 * What the cache stores per file, as plain JSON (reference signals.md §9.2), and the conversions
 * between those records and the packages' types. The cold path converts its fresh results into
 * records and analyses the records, exactly as the fast path analyses the records it read, so both
 * give identical results.
 */
import type { Beat } from "@tactus/beat-trackers";
import { type MeterScores, isMeterKey } from "@tactus/signals";

/** A beat as stored (reference format). */
export interface BeatRecord {
  time: number;
  is_downbeat: boolean;
  strength: number;
}

/** The onsets entry: envelope (normalised to max 1), onset events, global tempo estimates, audio length. */
export interface OnsetsRecord {
  onset_times: number[];
  onset_strengths: number[];
  onset_events: number[];
  /** Frames per second of the envelope (sample_rate / hop). */
  fps: number;
  /** `tempoLibrosa` / `tempoTempogram` of the envelope, 0 = no estimate. */
  tempo_librosa: number;
  tempo_tempogram: number;
  /** Whether the activations showed rhythm (otherwise the onset tempo estimates are not used). */
  rhythmic: boolean;
  /** Length of the preprocessed audio, so crops and sections need no decoding. */
  n_samples: number;
  sample_rate: number;
}

/** A signal entry: `{ "num/den": score }` ({} = no opinion). */
export type SignalRecord = MeterScores;

/** Everything the engine needs of one file; what the fast path reads in one transaction. */
export interface FileRecords {
  beats: Record<string, BeatRecord[]>;
  onsets: OnsetsRecord;
  /** By signal name (registry names, e.g. "spacing:dbn"). */
  signals: Record<string, SignalRecord>;
  /** Feature groups; an empty array means "too short: no features". */
  features: { meter_net_audio: Float32Array; meter_net_ssm: Float32Array };
}

export function beatsToRecord(beats: readonly Beat[]): BeatRecord[] {
  return beats.map((b) => ({ time: b.timeSec, is_downbeat: b.isDownbeat, strength: b.strength }));
}

export function recordToBeats(record: readonly BeatRecord[]): Beat[] {
  return record.map((b) => ({ timeSec: b.time, isDownbeat: b.is_downbeat, strength: b.strength }));
}

/** Keeps only meter keys with finite scores (JSON would turn NaN into null). */
export function scoresToRecord(scores: MeterScores): SignalRecord {
  const out: SignalRecord = {};
  for (const [key, value] of Object.entries(scores)) {
    if (isMeterKey(key) && typeof value === "number" && Number.isFinite(value)) out[key] = value;
  }
  return out;
}

/** The value JSON storage would give back (exactly what a later cache read returns). */
export function viaJson<T>(value: T): T {
  return JSON.parse(JSON.stringify(value)) as T;
}
