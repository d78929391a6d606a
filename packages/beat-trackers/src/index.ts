export {
  DBN_DOWNBEAT_DEFAULTS,
  type DbnBeat,
  type DbnDecodeResult,
  type DbnDownbeatOptions,
  decodeBeatsDownbeats,
} from "./dbn/decode.js";
export {
  type BeatFMeasureOptions,
  beatFMeasure,
  type ContinuityOptions,
  type ContinuityScores,
  continuity,
  downbeatFMeasure,
  matchEvents,
  onsetAlignmentF1,
  trimBeats,
} from "./metrics.js";
