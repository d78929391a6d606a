export { synthesizeClip, composeClip, resolveClipSpec } from "./synthesize.js";
export type { ClipSpec, ClipMeta, SynthesizedClip } from "./synthesize.js";
export type {
  BeatAnnotation,
  Instrumentation,
  NoiseColor,
  Part,
  PartStyles,
  ResolvedClipSpec,
  Score,
  ScoreEvent,
} from "./compose.js";
export { defaultGrouping, formatGrouping, groupStartPositions, parseGrouping } from "./meter.js";
export {
  CORPUS_MANIFEST,
  DEFAULT_CLASSES,
  DEFAULT_VARIETY,
  GENERATOR_VERSION,
  LABELS_HEADER,
  METER_VARIANTS,
  generateCorpus,
  planCorpus,
} from "./corpus.js";
export type { CorpusClip, CorpusOptions, CorpusResult, CorpusVariety, MeterVariant } from "./corpus.js";
export { ANNOTATIONS_DIR, LABELS_FILE, loadFolderDataset, resolveInsideRoot } from "./folder-dataset.js";
export type { FolderDatasetEntry } from "./folder-dataset.js";
export { formatBeats, parseBeats, readBeatsFile } from "./beats-file.js";
export { DatasetFormatError, DatasetPathError, InvalidSpecError } from "./errors.js";
export { Rng, hashSeed } from "./prng.js";
