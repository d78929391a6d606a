import { readFile } from "node:fs/promises";
import { decodeFlac, decodeMp3, decodeOggOpus, decodeOggVorbis } from "./codecs.js";
import { detectFormat } from "./detect.js";
import {
  type AudioError,
  AudioFileNotFoundError,
  AudioIsDirectoryError,
  AudioReadError,
  EmptyAudioFileError,
} from "./errors.js";
import { withDefaults } from "./options.js";
import { type ResampleQuality, resample } from "./resample.js";
import type { AudioFormat, DecodedPcm } from "./types.js";
import { decodeWav } from "./wav.js";

export interface LoadAudioOptions {
  /** Output sample rate in Hz; `null` keeps the source rate. Default 22050 (the analysis rate). */
  sampleRate?: number | null;
  /** When false, `channels` also holds every source channel, resampled. Default true. */
  mono?: boolean;
  /** libsamplerate converter. Default "medium". */
  resampleQuality?: ResampleQuality;
}

export interface DecodeAudioOptions extends LoadAudioOptions {
  /** Name used in errors and warnings (a file path, a URL, an upload's name). Default "<memory>". */
  name?: string;
}

export const LOAD_DEFAULTS: Required<LoadAudioOptions> = { sampleRate: 22050, mono: true, resampleQuality: "medium" };

export interface AudioData {
  /** Mono signal (mean of the source channels) at `sampleRate`. */
  samples: Float32Array;
  /** Only with `mono: false`: each source channel at `sampleRate`, in file order. */
  channels?: Float32Array[];
  sampleRate: number;
  durationSec: number;
  /** Rate of the decoded PCM before resampling (always 48000 for Opus, which decodes at 48 kHz). */
  sourceSampleRate: number;
  sourceChannels: number;
  format: AudioFormat;
  /** True when the file ended before its header said it would; what was present was decoded. */
  truncated: boolean;
  /** Recoverable problems, in plain words (truncation, replaced non-finite samples, …). */
  warnings: string[];
}

const DECODERS: Record<AudioFormat, (bytes: Uint8Array, path: string) => DecodedPcm | Promise<DecodedPcm>> = {
  wav: decodeWav,
  mp3: decodeMp3,
  flac: decodeFlac,
  "ogg-vorbis": decodeOggVorbis,
  "ogg-opus": decodeOggOpus,
};

/**
 * Read an audio file, detect its format from magic bytes, decode, downmix to mono (mean of
 * channels) and resample to `sampleRate` (default 22050 Hz). Throws an AudioError subclass
 * carrying the path and the reason when the file cannot be used.
 */
export async function loadAudio(path: string, options: LoadAudioOptions = {}): Promise<AudioData> {
  let bytes: Uint8Array;
  try {
    bytes = await readFile(path);
  } catch (error) {
    throw fileError(path, error);
  }
  return decodeAudio(bytes, { ...options, name: path });
}

/** Same as `loadAudio` for bytes already in memory. */
export async function decodeAudio(bytes: Uint8Array, options: DecodeAudioOptions = {}): Promise<AudioData> {
  const { sampleRate, mono, resampleQuality } = withDefaults<LoadAudioOptions>(LOAD_DEFAULTS, options);
  const name = options.name ?? "<memory>";
  if (sampleRate !== null && (!Number.isInteger(sampleRate) || sampleRate <= 0))
    throw new RangeError(`sampleRate must be a positive integer or null, got ${sampleRate}`);
  if (bytes.length === 0) throw new EmptyAudioFileError(name, "file is empty (0 bytes)");
  const { format, offset } = detectFormat(bytes, name);
  const pcm = await DECODERS[format](offset === 0 ? bytes : bytes.subarray(offset), name);
  const warnings = [...pcm.warnings];
  const replaced = replaceNonFinite(pcm.channelData);
  if (replaced > 0) warnings.push(`replaced ${replaced} non-finite sample${replaced === 1 ? "" : "s"} (NaN/Infinity) with 0`);
  const targetRate = sampleRate ?? pcm.sampleRate;
  const samples = await resample(downmix(pcm.channelData), pcm.sampleRate, targetRate, { quality: resampleQuality });
  const data: AudioData = {
    samples,
    sampleRate: targetRate,
    durationSec: samples.length / targetRate,
    sourceSampleRate: pcm.sampleRate,
    sourceChannels: pcm.channelData.length,
    format,
    truncated: pcm.truncated,
    warnings,
  };
  if (!mono) {
    data.channels =
      pcm.channelData.length === 1
        ? [samples]
        : await Promise.all(
            pcm.channelData.map((channel) => resample(channel, pcm.sampleRate, targetRate, { quality: resampleQuality })),
          );
  }
  return data;
}

/** Mean of the channels (librosa's to_mono); a single channel is returned as is. */
export function downmix(channelData: readonly Float32Array[]): Float32Array {
  if (channelData.length === 0) throw new RangeError("downmix needs at least one channel");
  if (channelData.length === 1) return channelData[0]!;
  const length = channelData[0]!.length;
  if (channelData.some((channel) => channel.length !== length)) throw new RangeError("downmix needs channels of equal length");
  const out = new Float32Array(length);
  if (channelData.length === 2) {
    const [left, right] = channelData as [Float32Array, Float32Array];
    for (let i = 0; i < length; i++) out[i] = (left[i]! + right[i]!) * 0.5;
    return out;
  }
  const scale = 1 / channelData.length;
  for (let i = 0; i < length; i++) {
    let sum = 0; // float64 accumulator, one rounding to float32 at the end
    for (const channel of channelData) sum += channel[i]!;
    out[i] = sum * scale;
  }
  return out;
}

/** Replace NaN and ±Infinity with 0 in place; returns how many were replaced. */
function replaceNonFinite(channelData: Float32Array[]): number {
  let replaced = 0;
  for (const channel of channelData) {
    for (let i = 0; i < channel.length; i++) {
      // x − x is 0 for finite x and NaN for NaN/±Infinity: one comparison per sample.
      if (channel[i]! - channel[i]! !== 0) {
        channel[i] = 0;
        replaced++;
      }
    }
  }
  return replaced;
}

function fileError(path: string, error: unknown): AudioError {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  const options = { cause: error };
  if (code === "ENOENT") return new AudioFileNotFoundError(path, "no such file", options);
  if (code === "EISDIR") return new AudioIsDirectoryError(path, "is a directory, not an audio file", options);
  if (code === "ENOTDIR") return new AudioFileNotFoundError(path, "a parent of this path is not a directory", options);
  const detail = error instanceof Error ? error.message : String(error);
  return new AudioReadError(path, `cannot read file (${code ?? detail})`, options);
}
