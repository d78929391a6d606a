/**
 * Public types of `@tactus/engine`: options, the analysis result (reference signals.md §10 plus
 * model, backend, timings and cache state) and what `warmFile` / `featuresForFile` return.
 */
import type { AnalysisCache } from "@tactus/cache";
import type { MeterHypothesis } from "@tactus/meternet";
import type { MeterScores } from "@tactus/signals";

/** Stages reported to `onStage` and in `timings` (milliseconds). */
export type Stage =
  | "hash"
  | "cache_read"
  | "decode"
  | "preprocess"
  | "trackers"
  | "onsets"
  | "signals"
  | "features"
  | "cache_write"
  | "tempo"
  | "model"
  | "hypotheses"
  | "sections"
  | "total";

export interface AnalyzeOptions {
  /** An open engine cache (`openEngineCache`); null/undefined = uncached. */
  cache?: AnalysisCache | null;
  /** MeterNet checkpoint directory. Default `data/meter_net` against the working directory; missing → model "none". */
  checkpointDir?: string;
  /**
   * onset-MLP checkpoint directory for the `onset_mlp` signal. Default: the directory the cache's
   * component set was built for (`openEngineCache({ onsetMlpDir })`), else `data/onset_mlp` against
   * the working directory; missing → the signal is "unavailable".
   */
  onsetMlpDir?: string;
  /** Detect sections (§8.6). Default true. */
  sections?: boolean;
  /** Add per-tracker beats, alignment F1s, signal scores and the onset envelope (`details`). */
  verbose?: boolean;
  /** Called after each stage with its duration in ms ("decode" only when audio is decoded). */
  onStage?: (stage: Stage, ms: number) => void;
}

/** One beat of the result (the primary tracker's). */
export interface ResultBeat {
  timeSec: number;
  isDownbeat: boolean;
  strength: number;
}

export type TempoCategory = "steady" | "slightly_variable" | "variable" | "rubato";

export interface TempoResult {
  /** One decimal. */
  bpm: number;
  /** Two decimals, [0, 1]. */
  confidence: number;
  isVariable: boolean;
  bpmRange: [number, number] | null;
  category: TempoCategory;
  /** True when no estimate existed (120 BPM, confidence 0). */
  fallback: boolean;
}

export interface Section {
  startSec: number;
  endSec: number;
  meter: MeterHypothesis | null;
  tempo: TempoResult | null;
}

/** Which MeterNet produced the hypotheses: "none" without a checkpoint. */
export type ModelInfo = "none" | { kind: string; dir: string; hash: string };

export interface TrackerDetail {
  beats: ResultBeat[];
  /** Onset-alignment F1 (absent when the tracker took no part: empty or discarded). */
  f1: number | null;
  /** Dropped as degenerate DBN output (§5.2). */
  discarded: boolean;
}

export type SignalDetail =
  | { status: "ok"; scores: MeterScores }
  | { status: "unavailable"; reason: string };

/** Behind `verbose`. */
export interface AnalysisDetails {
  trackers: Record<string, TrackerDetail>;
  /** Onset-alignment F1 per tracker that took part in the primary choice. */
  alignment: Record<string, number>;
  signals: Record<string, SignalDetail>;
  /** The `dbn_best` slot: the fixed-bar-length DBN variant whose bar length the `dbn` tracker's HMM scores highest. */
  dbnBest: string | null;
  /** Class probabilities of the model (METER_CLASSES order), null without one. */
  probabilities: number[] | null;
  /**
   * The onset envelope (max 1, from t = 0), max-pooled to at most 1000 values, for plots
   * (`@tactus/plots` `analysisPlot`'s `envelope`). JSON: `details.onset_envelope: { fps, values }`.
   */
  onsetEnvelope: { fps: number; values: number[] };
}

export interface AnalysisResult {
  tempo: TempoResult;
  meterHypotheses: MeterHypothesis[];
  /** Normalised entropy of the meter scores, 3 decimals (1.0 for the fallback). */
  meterAmbiguity: number;
  /** The primary tracker's beats. */
  beats: ResultBeat[];
  primaryTracker: string;
  tempoCurve: { timeSec: number; bpm: number }[];
  sections: Section[];
  durationSec: number;
  /** True when the hypotheses are the §8.1 fallback (no model, too short, no class ≥ 0.01). */
  fallback: boolean;
  /** True when the clip is shorter than 2 s: no features, fallback hypothesis. */
  tooShort: boolean;
  model: ModelInfo;
  /** TensorFlow.js backend the model ran on; null when no model ran. */
  backend: string | null;
  /** Milliseconds per stage, plus "total". */
  timings: Partial<Record<Stage, number>>;
  cache: { hit: boolean; fastPath: boolean };
  /** Content hash of the file (null for `analyzeAudio`). */
  audioHash: string | null;
  warnings: string[];
  details?: AnalysisDetails;
}

export interface WarmOptions {
  cache: AnalysisCache;
  /** onset-MLP checkpoint directory (see `AnalyzeOptions.onsetMlpDir`). */
  onsetMlpDir?: string;
  onStage?: (stage: Stage, ms: number) => void;
}

export interface WarmResult {
  /** Ids (`family:name`) of the components computed for this file. */
  computed: string[];
  /** True when every entry was already cached (nothing computed). */
  cached: boolean;
}

export type FeatureVectorResult =
  | {
      ok: true;
      vector: Float32Array;
      durationSec: number;
      /** `featuresForFile` with an onset-MLP checkpoint: the `onset_mlp` signal's scores (absent without one). */
      onsetMlp?: MeterScores;
    }
  | { ok: false; reason: "too short"; durationSec: number };
