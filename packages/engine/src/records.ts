/**
 * What the cache stores per file, as plain JSON (reference signals.md §9.2), and the conversions
 * between those records and the packages' types. The cold path converts its fresh results into
 * records and analyses the records, exactly as the fast path analyses the records it read, so both
 * give identical results.
 */
import type { Beat, TrackerResult } from "@tactus/beat-trackers";
import { isMeterKey, type MeterScores } from "@tactus/signals";

/** A beat as stored (reference format). */
export interface BeatRecord {
  time: number;
  is_downbeat: boolean;
  strength: number;
}

/**
 * A tracker's entry (`beats:{tracker}:…`), the same object for every tracker: its beats, plus the
 * bar-length decision of the trackers that make one (the DBN trackers): `beats_per_bar`, and for
 * the free-bar-length `dbn` its per-bar-length HMM scores (log probability per frame, keyed by
 * bar length in beats; only finite scores are kept). The `dbn_best` slot is chosen by those scores.
 */
export interface TrackerRecord {
  beats: BeatRecord[];
  beats_per_bar?: number;
  bar_length_scores?: Record<string, number>;
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
  /** By tracker name. */
  beats: Record<string, TrackerRecord>;
  onsets: OnsetsRecord;
  /** By signal name (registry names, e.g. "spacing:dbn"). */
  signals: Record<string, SignalRecord>;
  /** Feature groups; an empty array means "too short: no features". */
  features: { meter_net_audio: Float32Array; meter_net_ssm: Float32Array };
}

export function beatsToRecord(beats: readonly Beat[]): BeatRecord[] {
  return beats.map((b) => ({ time: b.timeSec, is_downbeat: b.isDownbeat, strength: b.strength }));
}

/** The cache record of a tracker's result (see {@link TrackerRecord}). */
export function trackerToRecord(result: Pick<TrackerResult, "beats" | "beatsPerBar" | "barLengthScores"> | undefined): TrackerRecord {
  const record: TrackerRecord = { beats: beatsToRecord(result?.beats ?? []) };
  if (result?.beatsPerBar !== undefined && Number.isFinite(result.beatsPerBar)) record.beats_per_bar = result.beatsPerBar;
  if (result?.barLengthScores !== undefined) {
    const scores: Record<string, number> = {};
    for (const [length, score] of Object.entries(result.barLengthScores)) if (Number.isFinite(score)) scores[length] = score;
    record.bar_length_scores = scores;
  }
  return record;
}

/**
 * A stored tracker entry, or undefined when the value is not one (then it is recomputed, never
 * misread). Entries of an older format also have another `beats:*` fingerprint, since this module
 * is among the beats components' sources, so the store drops them at open.
 */
export function asTrackerRecord(value: unknown): TrackerRecord | undefined {
  if (typeof value !== "object" || value === null || Array.isArray(value)) return undefined;
  const record = value as Partial<TrackerRecord>;
  if (!Array.isArray(record.beats)) return undefined;
  if (record.beats_per_bar !== undefined && typeof record.beats_per_bar !== "number") return undefined;
  const scores = record.bar_length_scores;
  if (scores !== undefined && (typeof scores !== "object" || scores === null || Array.isArray(scores))) return undefined;
  return record as TrackerRecord;
}

/** The `dbn` tracker's per-bar-length scores as `selectBestDbn` takes them (undefined when not stored). */
export function barLengthScoresOf(record: TrackerRecord | undefined): Record<number, number> | undefined {
  if (!record?.bar_length_scores) return undefined;
  const scores: Record<number, number> = {};
  for (const [length, score] of Object.entries(record.bar_length_scores)) scores[Number(length)] = score;
  return scores;
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
