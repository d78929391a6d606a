// @tactus/engine — the whole meter and tempo analysis through the LMDB cache.

export {
  type AnalyzeAudioOptions,
  analyzeAudio,
  analyzeFile,
  type FeaturesForFileOptions,
  featuresForFile,
  tryOpenEngineCache,
  warmFile,
} from "./analyze.js";
export {
  type BuildComponentsOptions,
  buildEngineComponents,
  type EngineComponents,
  engineComponents,
  type OpenEngineCacheOptions,
  onsetMlpDirOf,
  openEngineCache,
  signalCacheName,
} from "./components.js";
export { curveAtOctave, type Derived, derive } from "./derive.js";
export { toJson } from "./json.js";
export { decodeCount, SAMPLE_RATE } from "./load.js";
export { DEFAULT_CHECKPOINT_DIR, type LoadedModel, loadModel } from "./model.js";
export { DEFAULT_ONSET_MLP_DIR, loadOnsetMlp, ONSET_MLP_SIGNAL, onsetMlpCheckpointHash } from "./onset-mlp.js";
export type { BeatRecord, FileRecords, OnsetsRecord, SignalRecord, TrackerRecord } from "./records.js";
export { detectSections, SECTION_DEFAULTS, sectionBoundaries, sectionTempo } from "./sections.js";
export { importSpecifiers, moduleClosure, packageFiles, packageModule } from "./sources.js";
export { COMPUTED_SIGNALS } from "./stages/signals.js";
export type {
  AnalysisDetails,
  AnalysisResult,
  AnalyzeOptions,
  FeatureVectorResult,
  ModelInfo,
  ResultBeat,
  Section,
  SignalDetail,
  Stage,
  TempoCategory,
  TempoResult,
  TrackerDetail,
  WarmOptions,
  WarmResult,
} from "./types.js";
export { computeFeatureVector } from "./vector.js";
