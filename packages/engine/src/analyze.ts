/**
 * The engine's entry points: `analyzeFile` / `analyzeAudio` (the whole analysis, through the cache
 * when one is given), `warmFile` (fill a file's cache entries, no MeterNet) and `featuresForFile`
 * (the MeterNet input of a file, for extraction and training — the same path inference uses).
 */
import { preprocess, resample } from "@tactus/audio";
import { type AnalysisCache, CacheUnavailableError } from "@tactus/cache";
import { fallbackHypotheses, type LoadedCheckpoint, type MeterHypothesesResult, meterHypotheses } from "@tactus/meternet";
import { computeSignal, SIGNALS } from "@tactus/signals";
import { type OpenEngineCacheOptions, onsetMlpDirOf, openEngineCache } from "./components.js";
import { type LoadedAudio, loadPreprocessed, SAMPLE_RATE } from "./load.js";
import { DEFAULT_CHECKPOINT_DIR, loadModel, predictOne } from "./model.js";
import { DEFAULT_ONSET_MLP_DIR, loadOnsetMlp, ONSET_MLP_SIGNAL } from "./onset-mlp.js";
import { fileRecords, type RecordsOutcome } from "./pipeline.js";
import { type OnsetsRecord, recordToBeats } from "./records.js";
import { detectSections } from "./sections.js";
import type {
  AnalysisDetails,
  AnalysisResult,
  AnalyzeOptions,
  FeatureVectorResult,
  ResultBeat,
  SignalDetail,
  Stage,
  WarmOptions,
  WarmResult,
} from "./types.js";
import { computeFeatureVector, decodeVectorResult, encodeVectorResult, signalsBySlot, VECTOR_MEMO, vectorStamp } from "./vector.js";

const warned = new Set<string>();

/** Print a warning once per process (per kind). */
function warnOnce(kind: string, message: string): void {
  if (warned.has(kind)) return;
  warned.add(kind);
  process.emitWarning(message, { code: `TACTUS_${kind.toUpperCase()}` });
}

/**
 * `openEngineCache`, or null (with one warning per process) when the store is unavailable —
 * read-only directory, foreign file — so the analysis runs uncached.
 */
export function tryOpenEngineCache(options: OpenEngineCacheOptions = {}): AnalysisCache | null {
  try {
    return openEngineCache(options);
  } catch (error) {
    if (!(error instanceof CacheUnavailableError)) throw error;
    warnOnce("cache_unavailable", `analysis cache unavailable, running uncached: ${error.message}`);
    return null;
  }
}

class Timer {
  readonly timings: Partial<Record<Stage, number>> = {};
  readonly #start = performance.now();
  constructor(readonly user: AnalyzeOptions["onStage"]) {}
  readonly record = (stage: Stage, ms: number): void => {
    this.timings[stage] = (this.timings[stage] ?? 0) + ms;
    this.user?.(stage, ms);
  };
  finish(): Partial<Record<Stage, number>> {
    this.record("total", performance.now() - this.#start);
    for (const key of Object.keys(this.timings) as Stage[]) this.timings[key] = Math.round(this.timings[key]! * 100) / 100;
    return this.timings;
  }
}

async function hashOf(path: string, cache: AnalysisCache | null | undefined, timer: Timer): Promise<string | null> {
  if (!cache) return null;
  const t0 = performance.now();
  try {
    return await cache.audioHash(path);
  } catch {
    return null; // unreadable file: decoding below reports it with the audio package's typed error
  } finally {
    timer.record("hash", performance.now() - t0);
  }
}

/**
 * The onset-MLP checkpoint of an analysis: `onsetMlpDir` when given, else the directory the
 * cache's `signals:onset_mlp` component was built for, else `data/onset_mlp`; null when none.
 */
async function onsetMlpFor(onsetMlpDir: string | undefined, cache: AnalysisCache | null, timer: Timer) {
  const t0 = performance.now();
  const dir = onsetMlpDir ?? onsetMlpDirOf(cache?.components.get("signals", ONSET_MLP_SIGNAL)) ?? DEFAULT_ONSET_MLP_DIR;
  const checkpoint = await loadOnsetMlp(dir);
  if (checkpoint) timer.record("model", performance.now() - t0);
  return checkpoint;
}

const warnRecords = (message: string, kind: string = "cache_write") => warnOnce(kind, message);

async function recordsForFile(
  path: string,
  cache: AnalysisCache | null,
  timer: Timer,
  onsetMlpDir: string | undefined,
  known?: { audioHash: string | null; onsetMlp: LoadedCheckpoint | null },
): Promise<RecordsOutcome & { audioHash: string | null }> {
  const ah = known ? known.audioHash : await hashOf(path, cache, timer);
  const outcome = await fileRecords({
    cache: ah ? cache : null,
    audioHash: ah,
    load: () => loadPreprocessed(path),
    onStage: timer.record,
    warn: warnRecords,
    onsetMlp: known ? known.onsetMlp : await onsetMlpFor(onsetMlpDir, cache, timer),
  });
  return { ...outcome, audioHash: ah };
}

/** Analyse an audio file: meter hypotheses, tempo, beats, sections (see `AnalysisResult`). */
export async function analyzeFile(path: string, options: AnalyzeOptions = {}): Promise<AnalysisResult> {
  const timer = new Timer(options.onStage);
  const outcome = await recordsForFile(path, options.cache ?? null, timer, options.onsetMlpDir);
  return finishAnalysis(outcome, outcome.audioHash, options, timer);
}

export interface AnalyzeAudioOptions extends AnalyzeOptions {
  /** Apply the §2.2 preprocessing (peak normalisation, 60 Hz high-pass) as `analyzeFile` does. Default true. */
  preprocess?: boolean;
}

/** Analyse samples in memory (mono; resampled to 22 050 Hz when needed). Never cached: there is no file to hash. */
export async function analyzeAudio(samples: Float32Array, sampleRate: number, options: AnalyzeAudioOptions = {}): Promise<AnalysisResult> {
  const timer = new Timer(options.onStage);
  const load = async (): Promise<LoadedAudio> => {
    const t0 = performance.now();
    const resampled = sampleRate === SAMPLE_RATE ? samples : await resample(samples, sampleRate, SAMPLE_RATE);
    const t1 = performance.now();
    const ready = options.preprocess === false ? resampled : preprocess(resampled, SAMPLE_RATE);
    return { samples: ready, sampleRate: SAMPLE_RATE, decodeMs: t1 - t0, preprocessMs: performance.now() - t1, warnings: [] };
  };
  const onsetMlp = await onsetMlpFor(options.onsetMlpDir, null, timer);
  const outcome = await fileRecords({ cache: null, audioHash: null, load, onStage: timer.record, warn: () => {}, onsetMlp });
  return finishAnalysis(outcome, null, options, timer);
}

async function finishAnalysis(
  outcome: RecordsOutcome,
  ah: string | null,
  options: AnalyzeOptions,
  timer: Timer,
): Promise<AnalysisResult> {
  const { records, derived } = outcome;
  let t0 = performance.now();
  const model = await loadModel(options.checkpointDir ?? DEFAULT_CHECKPOINT_DIR);
  const vector = computeFeatureVector(records, derived);
  let probabilities: number[] | null = null;
  if (model && vector.ok) probabilities = predictOne(model, vector.vector);
  timer.record("model", performance.now() - t0);

  t0 = performance.now();
  const signalResults = signalsBySlot(records.signals, derived.dbnBest);
  const hypotheses: MeterHypothesesResult = probabilities
    ? meterHypotheses(probabilities, signalResults, { model: "meternet" })
    : fallbackHypotheses(model ? "meternet" : "none");
  timer.record("hypotheses", performance.now() - t0);

  const warnings: string[] = [...outcome.decodeWarnings];
  if (!vector.ok) warnings.push(`too short: ${vector.durationSec.toFixed(2)} s < 2 s, no features; fallback meter`);
  else if (!model) warnings.push("no MeterNet checkpoint: fallback meter");

  t0 = performance.now();
  const sections = options.sections === false ? [] : detectSections(records, derived, model, derived.tempo.bpm);
  if (options.sections !== false) timer.record("sections", performance.now() - t0);

  const { tempo } = derived;
  const result: AnalysisResult = {
    tempo: {
      bpm: tempo.bpm,
      confidence: tempo.confidence,
      isVariable: tempo.curve.isVariable,
      bpmRange: tempo.curve.bpmRange,
      category: tempo.curve.category,
      fallback: tempo.fallback,
    },
    meterHypotheses: hypotheses.hypotheses,
    meterAmbiguity: hypotheses.ambiguity,
    beats: toResultBeats(derived.primary.beats),
    primaryTracker: derived.primary.name,
    tempoCurve: tempo.curve.points.map((p) => ({ timeSec: p.timeSec, bpm: p.bpm })),
    sections,
    durationSec: derived.durationSec,
    fallback: hypotheses.fallback,
    tooShort: !vector.ok,
    model: model ? { kind: "meternet", dir: model.checkpoint.dir, hash: model.checkpoint.hash } : "none",
    backend: model ? model.backend : null,
    timings: {},
    cache: { hit: outcome.hit, fastPath: outcome.fastPath },
    audioHash: ah,
    warnings,
  };
  if (options.verbose) result.details = details(outcome, probabilities);
  result.timings = timer.finish();
  return result;
}

function toResultBeats(beats: readonly { timeSec: number; isDownbeat: boolean; strength: number }[]): ResultBeat[] {
  return beats.map((b) => ({ timeSec: b.timeSec, isDownbeat: b.isDownbeat, strength: b.strength }));
}

function details(outcome: RecordsOutcome, probabilities: number[] | null): AnalysisDetails {
  const { records, derived } = outcome;
  const trackers: AnalysisDetails["trackers"] = {};
  for (const [name, record] of Object.entries(records.beats)) {
    trackers[name] = {
      beats: toResultBeats(recordToBeats(record.beats)),
      f1: derived.primary.scores[name as keyof typeof derived.primary.scores] ?? null,
      discarded: derived.primary.discarded.includes(name as never),
    };
  }
  const signals: Record<string, SignalDetail> = {};
  for (const signal of SIGNALS) {
    const cached = records.signals[signal.name];
    if (cached !== undefined) signals[signal.name] = { status: "ok", scores: cached };
    else {
      const outcome = computeSignal(signal.name, {});
      if (outcome.status === "unavailable") signals[signal.name] = { status: "unavailable", reason: outcome.reason };
    }
  }
  return {
    trackers,
    alignment: { ...derived.primary.scores } as Record<string, number>,
    signals,
    dbnBest: derived.dbnBest,
    probabilities,
    onsetEnvelope: envelopeForPlot(records.onsets),
  };
}

/** Most points `details.onsetEnvelope` carries. */
export const ENVELOPE_MAX_POINTS = 1000;

/**
 * The cached onset envelope (max 1) reduced for plots: max-pooled over windows of
 * ceil(n / 1000) frames (peaks survive), so at most 1000 values at `fps / window` per second from t = 0.
 */
export function envelopeForPlot(onsets: OnsetsRecord, maxPoints: number = ENVELOPE_MAX_POINTS): { fps: number; values: number[] } {
  const source = onsets.onset_strengths;
  const window = Math.max(1, Math.ceil(source.length / maxPoints));
  const values: number[] = [];
  for (let start = 0; start < source.length; start += window) {
    let peak = 0;
    for (let i = start; i < Math.min(source.length, start + window); i++) if (source[i]! > peak) peak = source[i]!;
    values.push(peak);
  }
  return { fps: onsets.fps / window, values };
}

/**
 * Fill every cache entry of one file (trackers, onsets, signals — onset_mlp with a checkpoint —,
 * feature groups) without running MeterNet. New entries are written in one transaction at the end: a killed process leaves the
 * file untouched or complete, and a complete file is never recomputed.
 */
export async function warmFile(path: string, options: WarmOptions): Promise<WarmResult> {
  if (!options.cache) throw new TypeError("warmFile needs a cache (openEngineCache())");
  const timer = new Timer(options.onStage);
  const cache = options.cache;
  const known = { audioHash: await hashOf(path, cache, timer), onsetMlp: await onsetMlpFor(options.onsetMlpDir, cache, timer) };
  const outcome = await recordsForFile(path, cache, timer, options.onsetMlpDir, known);
  // The vector costs little once the records are there: remember it for `featuresForFile`
  // (unless nothing was computed and it is remembered already).
  if (known.audioHash && (outcome.computed.length > 0 || !rememberedVector(cache, known.audioHash, known.onsetMlp))) {
    vectorResult(cache, known.audioHash, known.onsetMlp, outcome);
  }
  timer.finish();
  return { computed: outcome.computed, cached: outcome.computed.length === 0 };
}

export interface FeaturesForFileOptions {
  cache?: AnalysisCache | null;
  /** onset-MLP checkpoint directory (default: the cache's, else `data/onset_mlp`); see `AnalyzeOptions`. */
  onsetMlpDir?: string;
}

/**
 * The MeterNet input vector of a file (1630 values), through the cache like `analyzeFile`:
 * extraction and training call this, inference computes the same vector the same way. With an
 * onset-MLP checkpoint the result also carries the `onset_mlp` signal's scores (`onsetMlp`, the
 * Arbiter's last 12 inputs), read from the same records; without one `onsetMlp` is absent.
 */
export async function featuresForFile(path: string, options: FeaturesForFileOptions = {}): Promise<FeatureVectorResult> {
  const timer = new Timer(undefined);
  const cache = options.cache ?? null;
  const ah = await hashOf(path, cache, timer);
  const onsetMlp = await onsetMlpFor(options.onsetMlpDir, cache, timer);
  // The result itself is remembered per file, stamped with the code and every input's fingerprint.
  const remembered = cache && ah ? rememberedVector(cache, ah, onsetMlp) : undefined;
  if (remembered) return remembered;
  const outcome = await recordsForFile(path, cache, timer, options.onsetMlpDir, { audioHash: ah, onsetMlp });
  return vectorResult(cache, ah, onsetMlp, outcome);
}

/** The remembered `featuresForFile` result of a file, if its stamp still matches. */
function rememberedVector(cache: AnalysisCache, ah: string, onsetMlp: LoadedCheckpoint | null): FeatureVectorResult | undefined {
  const bytes = cache.getDerived(VECTOR_MEMO, ah, vectorStamp(cache.components, onsetMlp?.hash ?? null));
  return (bytes && decodeVectorResult(bytes)) || undefined;
}

/** The file's `featuresForFile` result from its records, remembered in the cache's memo when there is a hash. */
function vectorResult(
  cache: AnalysisCache | null,
  ah: string | null,
  onsetMlp: LoadedCheckpoint | null,
  outcome: RecordsOutcome,
): FeatureVectorResult {
  const vector = computeFeatureVector(outcome.records, outcome.derived);
  const mlpScores = outcome.records.signals[ONSET_MLP_SIGNAL];
  const result: FeatureVectorResult = vector.ok && mlpScores !== undefined ? { ...vector, onsetMlp: mlpScores } : vector;
  if (cache && ah) cache.putDerived(VECTOR_MEMO, ah, vectorStamp(cache.components, onsetMlp?.hash ?? null), encodeVectorResult(result));
  return result;
}

