/**
 * The one feature path (ARCHITECTURE.md decision 1): the 1630-value MeterNet input of a file,
 * built from its records — the two cached groups (audio 1449, SSM 75) and the live blocks (beat 42,
 * signal 60, tempo 4) computed from the cached beats, onsets and signals. Inference, extraction and
 * training all call {@link computeFeatureVector}.
 */
import type { Beat } from "@tactus/beat-trackers";
import { type Component, defineComponent, fingerprint } from "@tactus/cache";
import {
  AUDIO_BLOCK,
  assembleFeatureVector,
  beatBlock,
  clipWindow,
  FEATURE_LENGTH,
  LAYOUT_ID,
  MIN_CLIP_DURATION_SEC,
  SIGNAL_SLOTS,
  SSM_BLOCK,
  shiftIntoWindow,
  signalBlock,
  tempoBlock,
} from "@tactus/features";
import type { MeterScores } from "@tactus/signals";
import { type Derived, derive } from "./derive.js";
import type { FileRecords, OnsetsRecord } from "./records.js";
import { engineModule, moduleClosure } from "./sources.js";
import type { FeatureVectorResult } from "./types.js";

/** Signal results by layout slot: `spacing:dbn_best` reads the spacing signal of the chosen DBN variant. */
export function signalsBySlot(signals: Readonly<Record<string, MeterScores>>, dbnBest: string | null): Record<string, MeterScores> {
  const out: Record<string, MeterScores> = {};
  for (const slot of SIGNAL_SLOTS) {
    const source = slot.name === "spacing:dbn_best" ? (dbnBest ? `spacing:${dbnBest}` : undefined) : slot.name;
    const scores = source === undefined ? undefined : signals[source];
    if (scores && Object.keys(scores).length > 0) out[slot.name] = scores;
  }
  return out;
}

export interface VectorParts {
  onsets: OnsetsRecord;
  audio: Float32Array;
  ssm: Float32Array;
  /** Beats by tracker slot, absolute times. */
  slots: Readonly<Record<string, readonly Beat[]>>;
  /** Signal results by slot name. */
  signals: Readonly<Record<string, MeterScores>>;
  libBpm: number;
  tgBpm: number;
  /** Restrict beats and onset events to this window (sections); default the whole file. */
  windowSec?: { start: number; end: number };
}

/** Assemble the vector from its parts (used for the file and, with a window, for sections). */
export function vectorFromParts(parts: VectorParts): FeatureVectorResult {
  const { onsets } = parts;
  const durationSec = onsets.n_samples / onsets.sample_rate;
  if (parts.audio.length !== AUDIO_BLOCK.length || parts.ssm.length !== SSM_BLOCK.length || durationSec < MIN_CLIP_DURATION_SEC) {
    return { ok: false, reason: "too short", durationSec };
  }
  const crop = parts.windowSec
    ? { offsetSec: parts.windowSec.start, durationSec: parts.windowSec.end - parts.windowSec.start }
    : clipWindow(onsets.n_samples, onsets.sample_rate);
  const slots: Record<string, Beat[]> = {};
  for (const [slot, beats] of Object.entries(parts.slots)) slots[slot] = shiftIntoWindow(beats, crop.offsetSec, crop.durationSec);
  const events = shiftIntoWindow(
    onsets.onset_events.map((timeSec) => ({ timeSec })),
    crop.offsetSec,
    crop.durationSec,
  ).map((e) => e.timeSec);
  const vector = assembleFeatureVector({
    audio: parts.audio,
    ssm: parts.ssm,
    beat: beatBlock(slots, events, crop.durationSec),
    signal: signalBlock(parts.signals),
    tempo: tempoBlock(parts.libBpm, parts.tgBpm),
  });
  return { ok: true, vector, durationSec };
}

/** The file's 1630-value vector from its records (`derived` when already computed). */
export function computeFeatureVector(records: FileRecords, derived: Derived = derive(records.beats, records.onsets)): FeatureVectorResult {
  return vectorFromParts({
    onsets: records.onsets,
    audio: records.features.meter_net_audio,
    ssm: records.features.meter_net_ssm,
    slots: derived.slots,
    signals: signalsBySlot(records.signals, derived.dbnBest),
    libBpm: records.onsets.tempo_librosa,
    tgBpm: records.onsets.tempo_tempogram,
  });
}

/** `AnalysisCache.getDerived` name of a file's remembered `featuresForFile` result. */
export const VECTOR_MEMO = "meter_net_vector";

let vectorCode: string[] | undefined;
const stamps = new WeakMap<object, Map<string, string>>();

/**
 * What a remembered vector must have been computed with: this module's code closure (derive,
 * records, the features package, …), the layout, the fingerprint of every component the records
 * come from (`components`: the cache's registered set, each covering its own sources and
 * dependencies) and the onset-MLP checkpoint that produced the `onsetMlp` scores. Memoised per
 * component set.
 */
export function vectorStamp(components: Iterable<Component> & object, onsetMlpHash: string | null): string {
  let byCheckpoint = stamps.get(components);
  if (!byCheckpoint) stamps.set(components, (byCheckpoint = new Map()));
  const key = onsetMlpHash ?? "none";
  let stamp = byCheckpoint.get(key);
  if (stamp === undefined) {
    vectorCode ??= moduleClosure([engineModule("./vector.js")]);
    const component = defineComponent({
      family: "features",
      name: VECTOR_MEMO,
      sources: vectorCode,
      dependsOn: [...components],
      extra: `${LAYOUT_ID}:${FEATURE_LENGTH}:onset_mlp=${key}`,
    });
    stamp = fingerprint(component);
    byCheckpoint.set(key, stamp);
  }
  return stamp;
}

/** `featuresForFile`'s result as memo bytes: u32 JSON length, JSON (without the vector), padding, float32 vector. */
export function encodeVectorResult(result: FeatureVectorResult): Uint8Array {
  const { vector, ...rest } = result.ok ? result : { ...result, vector: new Float32Array(0) };
  const json = Buffer.from(JSON.stringify(rest), "utf8");
  const offset = 4 + Math.ceil(json.length / 4) * 4;
  const out = new Uint8Array(offset + vector.byteLength);
  new DataView(out.buffer).setUint32(0, json.length, true);
  out.set(json, 4);
  out.set(new Uint8Array(vector.buffer, vector.byteOffset, vector.byteLength), offset);
  return out;
}

/** The result {@link encodeVectorResult} stored (a fresh vector), or undefined when the bytes are not one. */
export function decodeVectorResult(bytes: Uint8Array): FeatureVectorResult | undefined {
  if (bytes.length < 4) return undefined;
  const length = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength).getUint32(0, true);
  const offset = 4 + Math.ceil(length / 4) * 4;
  if (offset > bytes.length || (bytes.length - offset) % 4 !== 0) return undefined;
  let rest: Omit<Extract<FeatureVectorResult, { ok: true }>, "vector"> | Extract<FeatureVectorResult, { ok: false }>;
  try {
    rest = JSON.parse(Buffer.from(bytes.buffer, bytes.byteOffset + 4, length).toString("utf8"));
  } catch {
    return undefined;
  }
  if (!rest.ok) return rest;
  const vector = new Float32Array(new Uint8Array(bytes.subarray(offset)).buffer); // a copy, aligned
  return vector.length === FEATURE_LENGTH ? { ...rest, vector } : undefined;
}
