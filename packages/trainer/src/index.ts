// @tactus/trainer — dataset extraction, training (MeterNet, Arbiter, onset-MLP), grid search,
// evaluation and run snapshots. The CLI (`tactus extract|train|grid|eval|dashboard`) is a thin
// layer over these functions.

export {
  formatSharpen,
  type InputOptions,
  type LoadedDataset,
  loadDataset,
  missingOnsetMlpInput,
  modelInput,
  parseSharpen,
  type Sharpen,
  type SplitData,
  StaleDatasetError,
} from "./dataset.js";
export {
  type CheckpointInfo,
  type DatasetRecord,
  type EvalOptions,
  type EvalOutcome,
  type EvalTimings,
  evaluate,
  type FileResult,
  predictedClass,
  quickSample,
} from "./eval.js";
export {
  currentFingerprints,
  DATASET_FORMAT,
  DATASET_META,
  type DatasetMeta,
  EVAL_ONLY_DATASETS,
  EVAL_ONLY_NOTE,
  type ExtractFailure,
  type ExtractOptions,
  type ExtractSummary,
  extractDataset,
  type IndexRow,
  isEvalOnlyDataset,
  missingEntries,
  ONSET_MLP_FILE,
  readDatasetMeta,
  readOnsetMlpScores,
  staleness,
  WARM_FIRST,
} from "./extract.js";
export { writeFileAtomic, writeJsonAtomic } from "./files.js";
export {
  ARBITER_BOOST_RARE,
  ARBITER_SHARPEN,
  type Combo,
  type ComboParams,
  comboOf,
  combosOf,
  configFor,
  DEFAULT_METERNET_AXES,
  datasetIdentity,
  defaultAxes,
  FULL_METERNET_AXES,
  type GridAxes,
  type GridEntry,
  type GridOptions,
  type GridOutcome,
  type GridResults,
  type PruneRule,
  parsePrune,
  RESULTS_FILE,
  readResults,
  runGrid,
  winnerOf,
} from "./grid.js";
export { argmax, classIndex, N_CLASSES } from "./labels.js";
export { type ClassCount, type ClassMetrics, type ConfusionMatrix, classMetrics, confusionMatrix, pct, rowMetrics } from "./metrics.js";
export { decodeNpy, encodeNpy, type Matrix, readNpy, writeNpy } from "./npy.js";
export { DATA_DIR_ENV, type DataPaths, dataPaths } from "./paths.js";
// Recovery of every model folder under a data root (promotion itself: @tactus/meternet).
export * from "./promotion.js";
export {
  baselineFor,
  formatDashboard,
  formatRecord,
  formatRegressions,
  listRuns,
  type Regression,
  RUN_FORMAT,
  type RunSnapshot,
  regressions,
  type SavedRun,
  saveRun,
} from "./runs.js";
export {
  batchBounds,
  codeRevision,
  cosineWarmRestartLr,
  defaultTrainConfig,
  type EpochReport,
  epochLine,
  perClassLine,
  positiveWeights,
  RARE_CLASSES,
  samplerWeights,
  sampleWithReplacement,
  saveTrainedModel,
  type TrainConfig,
  type TrainHooks,
  type TrainResult,
  trainModel,
} from "./train.js";
