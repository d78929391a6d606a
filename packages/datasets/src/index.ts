export type { BallroomOptions } from "./ballroom.js";
export { BALLROOM_ANNOTATION_DIRS, BALLROOM_AUDIO_EXTENSIONS, BALLROOM_STYLES, ballroomStyleMeter, loadBallroom } from "./ballroom.js";
export { formatBeats, parseBeats, readBeatsFile } from "./beats-file.js";
export type { DatasetClass } from "./classes.js";
export { DATASET_CLASSES, isDatasetClass, METER_WORDS } from "./classes.js";
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
export type { CorpusClip, CorpusOptions, CorpusResult, CorpusVariety, MeterVariant } from "./corpus.js";
export {
  CORPUS_MANIFEST,
  DEFAULT_CLASSES,
  DEFAULT_VARIETY,
  GENERATOR_VERSION,
  generateCorpus,
  LABELS_HEADER,
  METER_VARIANTS,
  planCorpus,
} from "./corpus.js";
export type { RenderCorpusOptions, RenderCorpusResult, RenderedCorpusClip } from "./corpus-render.js";
export { MIDI_DIR, planRenderCorpus, RENDER_GENERATOR_VERSION, RENDER_VARIETY, renderCorpus } from "./corpus-render.js";
export type { DatasetEntry, DatasetName, LoadReport, MeterTargets, MissingAudio, UnknownLabel } from "./entry.js";
export { emptyReport, isCorrect, isMultiLabel, targetVector, trueClass } from "./entry.js";
export { DatasetFormatError, DatasetPathError, InvalidSpecError } from "./errors.js";
export type { FolderDatasetEntry } from "./folder-dataset.js";
export { ANNOTATIONS_DIR, LABELS_CSV_FILE, LABELS_FILE, loadFolderDataset, resolveInsideRoot } from "./folder-dataset.js";
export type { GmArrangement, GmChannelMix, PitchedRole } from "./gm.js";
export { chooseGmArrangement, GM_CHANNELS, GM_DRUM_CHANNEL, GM_DRUM_KITS, GM_PROGRAM_NAMES, GM_PROGRAM_SETS, midiVelocity } from "./gm.js";
export type { FolderOptions, FoundDataset, LoadDatasetOptions } from "./load.js";
export { DATASET_NAMES, findExtraDatasets, loadDataset, loadFolder } from "./load.js";
export { defaultGrouping, formatGrouping, groupStartPositions, parseGrouping } from "./meter.js";
export type { Meter2800Corrections, Meter2800Options } from "./meter2800.js";
export {
  loadMeter2800,
  METER2800_CORRECTIONS_FILE,
  METER2800_EXTENSIONS,
  meter2800Candidates,
  meter2800LabelFile,
  parseMeter2800Corrections,
  parseMeter2800Filename,
  readMeter2800Corrections,
} from "./meter2800.js";
export type { MidiEvent, MidiFile, MidiTrack } from "./midi.js";
export { encodeMidiFile, encodeVarLen, SECONDS_TIMING, secondsToTicks, sortMidiEvents } from "./midi.js";
export type { MelodyNote } from "./midi-melody.js";
export { composeMelody } from "./midi-melody.js";
export { hashSeed, Rng } from "./prng.js";
export type { FluidsynthOptions, FluidsynthSetup, MidiClip, RenderedMidiClip } from "./render-midi.js";
export {
  composeMidiClip,
  DEFAULT_SOUNDFONTS,
  FLUIDSYNTH_PACKAGES,
  findFluidsynth,
  measureFluidsynthLatency,
  RenderToolError,
  renderGmClip,
  renderMidiWithFluidsynth,
  scoreToMidi,
} from "./render-midi.js";
export type { Split, SplitSelector } from "./split.js";
export { expandSplit, hashSplit, inSplit, SPLIT_SELECTORS, SPLITS, songSplit, songStem, stemHashPercent } from "./split.js";
export type { ClipMeta, ClipSpec, SynthesizedClip } from "./synthesize.js";
export { composeClip, resolveClipSpec, synthesizeClip } from "./synthesize.js";
export type { Table, TableRow } from "./table.js";
export { parseTable, splitRow } from "./table.js";
export type { WikimeterOptions } from "./wikimeter.js";
export { loadWikimeter, parseMeterList, toTargets, WIKIMETER_LABEL_FILE } from "./wikimeter.js";
