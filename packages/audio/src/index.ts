export { decodeFlac, decodeMp3, decodeOggOpus, decodeOggVorbis } from "./codecs.js";
export type { DetectedFormat } from "./detect.js";
export { detectFormat } from "./detect.js";
export {
  AudioError,
  AudioFileNotFoundError,
  AudioIsDirectoryError,
  AudioReadError,
  CorruptAudioError,
  EmptyAudioFileError,
  NoSamplesError,
  NotAudioError,
  UnsupportedCodecError,
} from "./errors.js";
export type { AudioData, DecodeAudioOptions, LoadAudioOptions } from "./load.js";
export { decodeAudio, downmix, LOAD_DEFAULTS, loadAudio } from "./load.js";
export type { HighpassOptions, Sos } from "./preprocess.js";
export {
  butterworthHighpassSos,
  HIGHPASS_DEFAULTS,
  highpass,
  peakNormalize,
  preprocess,
  sosFilter,
  sosMagnitudeResponse,
} from "./preprocess.js";
export type { ResampleOptions, ResampleQuality } from "./resample.js";
export { resample } from "./resample.js";
export type { AudioFormat, DecodedPcm } from "./types.js";
export { decodeWav } from "./wav.js";
export type { EncodeWavOptions, WavSampleFormat } from "./wav-encode.js";
export { encodeWav, writeWav } from "./wav-encode.js";
