/**
 * Per-file records through the cache: read every entry in one read transaction; compute only what
 * is missing (decoding the audio only when a missing entry needs it); write the new entries in one
 * transaction at the end, so a killed process leaves a file either untouched or complete.
 * The onset-MLP signal (with a checkpoint) is computed from the audio block, cached or fresh, so
 * it never needs decoding.
 */

import { TRACKER_NAMES, type TrackerName } from "@tactus/beat-trackers";
import { type AnalysisCache, CacheError, type Component, fingerprint, keyFor, type PutEntry } from "@tactus/cache";
import type { LoadedCheckpoint } from "@tactus/meternet";
import { signalCacheName } from "./components.js";
import { type Derived, derive } from "./derive.js";
import type { LoadedAudio } from "./load.js";
import { ONSET_MLP_SIGNAL, onsetMlpRecord } from "./onset-mlp.js";
import { asTrackerRecord, type FileRecords, type OnsetsRecord, type SignalRecord, type TrackerRecord, viaJson } from "./records.js";
import { computeBeats } from "./stages/beats.js";
import { ClipContext } from "./stages/clip.js";
import { computeFeatureGroups, FEATURE_GROUPS, type FeatureGroup } from "./stages/features.js";
import { computeOnsets } from "./stages/onsets.js";
import { COMPUTED_SIGNALS, computeSignalRecords, signalNeedsAudio } from "./stages/signals.js";
import type { Stage } from "./types.js";

export interface RecordsOutcome {
  records: FileRecords;
  derived: Derived;
  /** Component ids computed in this call. */
  computed: string[];
  /** Every entry came from the cache: no audio decoded. */
  fastPath: boolean;
  /** Some entries came from the cache. */
  hit: boolean;
  /** The decoder's warnings: this call's when it decoded the file, else the ones remembered with its entries. */
  decodeWarnings: string[];
}

export interface RecordsRequest {
  cache: AnalysisCache | null;
  /** Content hash of the file (with a cache). */
  audioHash: string | null;
  /** Decodes the audio; called at most once, only when something must be computed. */
  load: () => Promise<LoadedAudio>;
  onStage: (stage: Stage, ms: number) => void;
  /** Called when a cache write fails, or when the onset-MLP signal cannot be cached (the analysis goes on). */
  warn: (message: string, kind?: "cache_write" | "onset_mlp_uncached") => void;
  /**
   * The onset-MLP checkpoint to run; null/undefined: the signal is unavailable (absent from the
   * records). Cached only when the cache's `signals:onset_mlp` component carries its hash.
   */
  onsetMlp?: LoadedCheckpoint | null;
}

interface Partial_ {
  beats: Record<string, TrackerRecord>;
  onsets: OnsetsRecord | undefined;
  signals: Record<string, SignalRecord>;
  features: Partial<Record<FeatureGroup, Float32Array>>;
}

const timed = async <T>(stage: Stage, onStage: RecordsRequest["onStage"], f: () => T | Promise<T>): Promise<T> => {
  const t0 = performance.now();
  const value = await f();
  onStage(stage, performance.now() - t0);
  return value;
};

/** The component of `family:name` registered in the cache (`undefined` when uncached or unregistered). */
function componentOf(cache: AnalysisCache | null, family: "beats" | "onsets" | "signals" | "features", name: string): Component | undefined {
  if (!cache) return undefined;
  return family === "onsets" ? cache.components.onsets() : cache.components.get(family, name);
}

/**
 * The cache component to read and write the onset-MLP signal under: the registered
 * `signals:onset_mlp` when it was built for this very checkpoint (same hash), else none.
 */
export function onsetMlpComponent(cache: AnalysisCache | null, checkpoint: LoadedCheckpoint | null | undefined): Component | undefined {
  const component = checkpoint ? componentOf(cache, "signals", ONSET_MLP_SIGNAL) : undefined;
  return component && component.extra === checkpoint!.hash ? component : undefined;
}

/** Name of the decoder warnings remembered per audio hash (`AnalysisCache.putDerived`). */
const DECODE_WARNINGS = "decode-warnings";

/**
 * The stamp of remembered decoder warnings: the onsets component's fingerprint, which covers the
 * decoding and preprocessing code (and changes with it). Undefined when the cache lacks it.
 */
function decodeWarningsStamp(cache: AnalysisCache): string | undefined {
  const onsets = componentOf(cache, "onsets", "onsets");
  return onsets ? fingerprint(onsets) : undefined;
}

/**
 * Decoder warnings (truncation, replaced non-finite samples) are remembered with the file's entries,
 * so a cached re-run that decodes nothing still reports them. Without the cache's memo store they
 * are not remembered, and such a re-run has none.
 */
function rememberDecodeWarnings(cache: AnalysisCache, audioHash: string, warnings: readonly string[]): void {
  const stamp = decodeWarningsStamp(cache);
  if (stamp) cache.putDerived(DECODE_WARNINGS, audioHash, stamp, new TextEncoder().encode(JSON.stringify(warnings)));
}

function rememberedDecodeWarnings(cache: AnalysisCache, audioHash: string): string[] {
  const stamp = decodeWarningsStamp(cache);
  const bytes = stamp ? cache.getDerived(DECODE_WARNINGS, audioHash, stamp) : undefined;
  if (!bytes) return [];
  try {
    const parsed: unknown = JSON.parse(new TextDecoder().decode(bytes));
    return Array.isArray(parsed) ? parsed.filter((w): w is string => typeof w === "string") : [];
  } catch {
    return [];
  }
}

export async function fileRecords(request: RecordsRequest): Promise<RecordsOutcome> {
  const { cache, audioHash, onStage } = request;
  const onsetMlp = request.onsetMlp ?? null;
  const mlpComponent = onsetMlpComponent(cache, onsetMlp);
  const have: Partial_ = { beats: {}, onsets: undefined, signals: {}, features: {} };
  if (cache && audioHash) {
    await timed("cache_read", onStage, () => {
      const entries = cache.loadAllForAudio(audioHash);
      for (const [name, value] of Object.entries(entries.beats)) {
        const record = asTrackerRecord(value);
        if (record) have.beats[name] = record;
      }
      have.onsets = entries.onsets as OnsetsRecord | undefined;
      for (const signal of COMPUTED_SIGNALS) {
        const value = entries.signals[signalCacheName(signal.name)];
        if (value !== undefined) have.signals[signal.name] = value as SignalRecord;
      }
      const mlp = mlpComponent ? entries.signals[mlpComponent.name] : undefined;
      if (mlp !== undefined) have.signals[ONSET_MLP_SIGNAL] = mlp as SignalRecord;
      for (const group of FEATURE_GROUPS) {
        const value = entries.features[group];
        if (value !== undefined) have.features[group] = value;
      }
    });
  }
  const missingTrackers = TRACKER_NAMES.filter((n) => have.beats[n] === undefined);
  const missingSignals = COMPUTED_SIGNALS.filter((s) => have.signals[s.name] === undefined);
  const missingGroups = FEATURE_GROUPS.filter((g) => have.features[g] === undefined);
  const anyCached =
    Object.keys(have.beats).length + Object.keys(have.signals).length + Object.keys(have.features).length > 0 || have.onsets !== undefined;
  const needsAudio =
    missingTrackers.length > 0 || have.onsets === undefined || missingGroups.length > 0 || missingSignals.some(signalNeedsAudio);

  const computed: string[] = [];
  const fresh: Partial_ = { beats: {}, onsets: undefined, signals: {}, features: {} };
  let clip: ClipContext | undefined;
  let decodeWarnings: string[] = [];
  if (needsAudio) {
    const audio = await request.load();
    decodeWarnings = audio.warnings;
    if (cache && audioHash) rememberDecodeWarnings(cache, audioHash, decodeWarnings);
    onStage("decode", audio.decodeMs);
    onStage("preprocess", audio.preprocessMs);
    clip = new ClipContext(audio.samples, audio.sampleRate);
  } else if (cache && audioHash) {
    decodeWarnings = rememberedDecodeWarnings(cache, audioHash);
  }
  if (clip && missingTrackers.length > 0) {
    const beats = await timed("trackers", onStage, () => computeBeats(clip, missingTrackers));
    Object.assign(fresh.beats, viaJson(beats));
    computed.push(...missingTrackers.map((n) => `beats:${n}`));
  }
  if (clip && have.onsets === undefined) {
    fresh.onsets = viaJson(await timed("onsets", onStage, () => computeOnsets(clip)));
    computed.push("onsets:onsets");
  }
  const beats = { ...have.beats, ...fresh.beats };
  const onsets = (have.onsets ?? fresh.onsets)!;
  const derived = await timed("tempo", onStage, () => derive(beats, onsets));

  if (missingSignals.length > 0) {
    const names = missingSignals.map((s) => s.name);
    const scores = await timed("signals", onStage, () => computeSignalRecords(names, derived, onsets, clip));
    Object.assign(fresh.signals, viaJson(scores));
    computed.push(...names.map((n) => `signals:${signalCacheName(n)}`));
  }
  if (clip && missingGroups.length > 0) {
    Object.assign(fresh.features, await timed("features", onStage, () => computeFeatureGroups(missingGroups, derived, clip)));
    computed.push(...missingGroups.map((g) => `features:${g}`));
  }
  const audioBlock = have.features.meter_net_audio ?? fresh.features.meter_net_audio;
  if (onsetMlp && have.signals[ONSET_MLP_SIGNAL] === undefined && audioBlock) {
    fresh.signals[ONSET_MLP_SIGNAL] = await timed("signals", onStage, () => onsetMlpRecord(onsetMlp, audioBlock));
    computed.push(`signals:${ONSET_MLP_SIGNAL}`);
    if (cache && audioHash && !mlpComponent) {
      request.warn(
        `onset_mlp not cached: the cache was opened for ${componentOf(cache, "signals", ONSET_MLP_SIGNAL) ? "another onset-MLP checkpoint" : "no onset-MLP checkpoint"} (open it with the same onsetMlpDir)`,
        "onset_mlp_uncached",
      );
    }
  }

  if (cache && audioHash && computed.length > 0) await save(cache, audioHash, fresh, request, mlpComponent);

  const signals: Record<string, SignalRecord> = {};
  for (const signal of COMPUTED_SIGNALS) signals[signal.name] = have.signals[signal.name] ?? fresh.signals[signal.name] ?? {};
  const mlp = have.signals[ONSET_MLP_SIGNAL] ?? fresh.signals[ONSET_MLP_SIGNAL];
  if (onsetMlp && mlp !== undefined) signals[ONSET_MLP_SIGNAL] = mlp;
  const features = { ...have.features, ...fresh.features } as FileRecords["features"];
  return {
    records: { beats, onsets, signals, features },
    derived,
    computed,
    fastPath: !needsAudio,
    hit: anyCached,
    decodeWarnings,
  };
}

async function save(
  cache: AnalysisCache,
  audioHash: string,
  fresh: Partial_,
  request: RecordsRequest,
  mlpComponent: Component | undefined,
): Promise<void> {
  const entries: PutEntry[] = [];
  const add = (component: Component | undefined, value: unknown) => {
    if (component) entries.push({ key: keyFor(component, audioHash), value });
  };
  for (const [name, value] of Object.entries(fresh.beats)) add(componentOf(cache, "beats", name as TrackerName), value);
  if (fresh.onsets) add(componentOf(cache, "onsets", "onsets"), fresh.onsets);
  for (const [name, value] of Object.entries(fresh.signals)) {
    add(name === ONSET_MLP_SIGNAL ? mlpComponent : componentOf(cache, "signals", signalCacheName(name)), value);
  }
  for (const [group, value] of Object.entries(fresh.features)) add(componentOf(cache, "features", group), value);
  const t0 = performance.now();
  try {
    await cache.putMany(entries);
  } catch (error) {
    if (!(error instanceof CacheError)) throw error;
    request.warn(`cache write failed, results not cached: ${error.message}`);
  }
  request.onStage("cache_write", performance.now() - t0);
}
