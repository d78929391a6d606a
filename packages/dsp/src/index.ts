// @tactus/dsp — spectral primitives shared by every Tactus package (librosa 0.11 defaults).


export {
  AUTOCORRELATION_MIN_ENERGY,
  AUTOCORRELATION_MIN_LENGTH,
  autocorrelate,
  normalizedAutocorrelation,
} from "./autocorrelation.js";
export type { ChromaOptions, CqtToChromaOptions } from "./chroma.js";
export { CHROMA_DEFAULTS, chroma, cqtToChroma } from "./chroma.js";
export type { SpectralContrastOptions } from "./contrast.js";
export { SPECTRAL_CONTRAST_DEFAULTS, spectralContrast } from "./contrast.js";
export type { CqtOptions } from "./cqt.js";
export { C1_HZ, CQT_DEFAULTS, cqt, cqtFrequencies } from "./cqt.js";
export type { PowerToDbOptions } from "./db.js";
export { amplitudeToDb, POWER_TO_DB_DEFAULTS, powerToDb } from "./db.js";
export type { Deletable, Essentia, EssentiaScope, EssentiaVector } from "./essentia.js";
export { getEssentia, withEssentia } from "./essentia.js";
export type { FftInstance } from "./fft.js";
export { getFft, isPowerOfTwo, nextPowerOfTwo } from "./fft.js";
export type { Matrix } from "./matrix.js";
export { createMatrix, matrixColumn, matrixFrom, matrixGet, matrixRow, meanOverColumns } from "./matrix.js";
export type { MelFilterBank, MelOptions, MelSpectrogramOptions } from "./mel.js";
export {
  applyMelFilterBank,
  hzToMel,
  MEL_DEFAULTS,
  melFilterBank,
  melFrequencies,
  melSpectrogram,
  melToHz,
} from "./mel.js";
export type { MfccOptions } from "./mfcc.js";
export { dctBasis, MFCC_DEFAULTS, mfcc } from "./mfcc.js";
export { FLOAT32_TINY, normalizeColumnsInPlace } from "./normalize.js";
export type { PeakPickOptions } from "./peak-pick.js";
export { peakPick } from "./peak-pick.js";
export { seededRandom } from "./random.js";
export type { ComplexSpectrogram, PadMode, Spectrogram, StftOptions } from "./stft.js";
export {
  fftFrequencies,
  magnitudeSpectrogram,
  powerSpectrogram,
  STFT_DEFAULTS,
  stft,
  stftFrameCount,
  toScale,
} from "./stft.js";
export type { Tempogram, TempogramOptions } from "./tempogram.js";
export { bpmToLag, lagToBpm, meanTempogram, TEMPOGRAM_DEFAULTS, tempoFrequencies, tempogram } from "./tempogram.js";
export type { EstimateTuningOptions, PiptrackOptions, PitchPeaks, PitchTuningOptions } from "./tuning.js";
export { estimateTuning, PIPTRACK_DEFAULTS, PITCH_TUNING_DEFAULTS, piptrack, pitchTuning } from "./tuning.js";
export type { LogObservations, ObservationModel, SparseTransitions, ViterbiResult } from "./viterbi.js";
export { sparseTransitions, viterbi, viterbiSparse } from "./viterbi.js";
export { hannWindow } from "./window.js";
