// @tactus/onset — onset-strength envelope, onset events and global tempo estimates (librosa 0.11 semantics).

export type { OnsetAggregate, OnsetEnvelope, OnsetStrengthOptions } from "./envelope.js";
export {
  envelopeTimes,
  normalizedEnvelope,
  ONSET_STRENGTH_DEFAULTS,
  onsetStrength,
  onsetStrengthFromMelDb,
} from "./envelope.js";
export type { OnsetEvents, OnsetEventsOptions } from "./events.js";
export { backtrackToMinima, ONSET_EVENTS_DEFAULTS, onsetEvents } from "./events.js";
export type { SpectralFrontEnd, SpectralFrontEndOptions } from "./front-end.js";
export { SPECTRAL_FRONT_END_DEFAULTS, spectralFrontEnd } from "./front-end.js";
export type { BpmCandidate, TempoLibrosaOptions, TempoTempogramOptions } from "./tempo.js";
export {
  LIBROSA_TEMPO_CONFIDENCE,
  librosaTempoLag,
  TEMPO_LIBROSA_DEFAULTS,
  TEMPO_TEMPOGRAM_DEFAULTS,
  TEMPOGRAM_TEMPO_CONFIDENCE,
  tempoLibrosa,
  tempoTempogram,
} from "./tempo.js";
