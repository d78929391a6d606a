import { FLACDecoder } from "@wasm-audio-decoders/flac";
import { OggVorbisDecoder } from "@wasm-audio-decoders/ogg-vorbis";
import { MPEGDecoder } from "mpg123-decoder";
import { OggOpusDecoder } from "ogg-opus-decoder";
import { CorruptAudioError, NoSamplesError } from "./errors.js";
import { summariseMpegStream } from "./mpeg.js";
import { asciiAt, parseOpusHead, summariseOggStream } from "./ogg.js";
import type { DecodedPcm } from "./types.js";

/** What every wasm-audio-decoders decoder returns. */
interface WasmDecoded {
  channelData: Float32Array[];
  samplesDecoded: number;
  sampleRate: number;
  errors: { message: string }[];
}

const MAX_CHANNELS = 255;

/** MPEG-1/2/2.5 audio (layer III, also I/II) via mpg123 compiled to WASM; gapless trimming from the LAME header. */
export async function decodeMp3(bytes: Uint8Array, path: string): Promise<DecodedPcm> {
  const stream = summariseMpegStream(bytes, 0);
  const audioFrames = stream.completeFrames - (stream.hasXingFrame ? 1 : 0);
  // Only a walk that reached the end (or an ID3v1 tag) can tell that frames are missing.
  const reachedEnd = stream.endOffset === bytes.length || asciiAt(bytes, stream.endOffset, 3) === "TAG";
  const warnings: string[] = [];
  let truncated = false;
  if (stream.lastFrameCut) {
    truncated = true;
    warnings.push(`truncated: the file ends inside MPEG frame ${stream.completeFrames + 1}`);
  } else if (stream.xingFrames !== null && reachedEnd && audioFrames < stream.xingFrames) {
    truncated = true;
    warnings.push(`truncated: the Xing/Info header announces ${stream.xingFrames} frames but only ${audioFrames} are present`);
  }
  const decoded = await runDecoder(path, "MPEG", async () => {
    const decoder = new MPEGDecoder();
    await decoder.ready;
    try {
      return decoder.decode(stream.lastFrameCut ? bytes.subarray(0, stream.endOffset) : bytes);
    } finally {
      decoder.free();
    }
  });
  return toPcm(decoded, truncated, warnings, path, "no complete MPEG audio frame");
}

/** Native FLAC via libFLAC compiled to WASM; truncation is judged against STREAMINFO's sample count. */
export async function decodeFlac(bytes: Uint8Array, path: string): Promise<DecodedPcm> {
  const info = parseStreamInfo(bytes, path);
  const decoded = await runDecoder(path, "FLAC", async () => {
    const decoder = new FLACDecoder();
    await decoder.ready;
    try {
      return await decoder.decodeFile(bytes);
    } finally {
      decoder.free();
    }
  });
  const warnings: string[] = [];
  const samples = decoded.samplesDecoded;
  const truncated = info.totalSamples > 0 && samples < info.totalSamples;
  if (truncated) warnings.push(`truncated: STREAMINFO announces ${info.totalSamples} samples per channel but only ${samples} decoded`);
  const pcm = toPcm(decoded, truncated, warnings, path, "no complete FLAC frame");
  for (const channel of pcm.channelData) rescaleFlacSamples(channel, info.bitsPerSample);
  return pcm;
}

/**
 * The WASM libFLAC build divides integers by 2^(b−1) − 1; WAV, libsndfile and librosa divide by
 * 2^(b−1). Recover the integer (exact up to 24 bits, where float32 still holds it) and rescale,
 * so the same PCM reads identically from FLAC and WAV.
 */
function rescaleFlacSamples(channel: Float32Array, bitsPerSample: number): void {
  const decoderScale = 2 ** (bitsPerSample - 1) - 1;
  const invFullScale = 1 / 2 ** (bitsPerSample - 1);
  if (bitsPerSample <= 24) {
    for (let i = 0; i < channel.length; i++) channel[i] = Math.round(channel[i]! * decoderScale) * invFullScale;
  } else {
    const factor = decoderScale * invFullScale;
    for (let i = 0; i < channel.length; i++) channel[i]! *= factor;
  }
}

/** Ogg Vorbis via libvorbis compiled to WASM. */
export async function decodeOggVorbis(bytes: Uint8Array, path: string): Promise<DecodedPcm> {
  const { truncated, warnings, summary } = checkOggStream(bytes);
  const decoded = await runDecoder(path, "Vorbis", async () => {
    const decoder = new OggVorbisDecoder();
    await decoder.ready;
    try {
      return await decoder.decodeFile(bytes.subarray(0, summary.endOffset));
    } finally {
      decoder.free();
    }
  });
  return toPcm(decoded, truncated, warnings, path, "no complete Vorbis audio page");
}

/**
 * Ogg Opus via libopus compiled to WASM. Output is always 48 kHz (Opus has no other decode rate).
 * The end is trimmed to the last granule position minus pre-skip (RFC 7845 §4.4), which the
 * decoder does not always do itself.
 */
export async function decodeOggOpus(bytes: Uint8Array, path: string): Promise<DecodedPcm> {
  const { truncated, warnings, summary } = checkOggStream(bytes);
  const head = summary.firstPacket === null ? null : parseOpusHead(summary.firstPacket);
  if (head === null) throw new CorruptAudioError(path, "OpusHead packet is truncated");
  const decoded = await runDecoder(path, "Opus", async () => {
    const decoder = new OggOpusDecoder();
    await decoder.ready;
    try {
      return await decoder.decodeFile(bytes.subarray(0, summary.endOffset));
    } finally {
      decoder.free();
    }
  });
  const pcm = toPcm(decoded, truncated, warnings, path, "no complete Opus audio page");
  const expected = summary.lastGranule === null ? null : summary.lastGranule - head.preSkip;
  const length = pcm.channelData[0]!.length;
  if (!truncated && expected !== null && expected > 0 && expected < length) {
    pcm.channelData = pcm.channelData.map((channel) => channel.slice(0, expected));
  }
  return pcm;
}

/**
 * Page-level integrity. Only complete pages are handed to the decoders: given a cut page they
 * decode its missing packets as loss (Opus even invents seconds of concealment audio).
 */
function checkOggStream(bytes: Uint8Array) {
  const summary = summariseOggStream(bytes);
  const warnings: string[] = [];
  let truncated = false;
  if (summary.lastPageCut) {
    truncated = true;
    warnings.push(`truncated: the file ends inside Ogg page ${summary.completePages + 1}`);
  } else if (summary.endOffset < bytes.length) {
    warnings.push(`bytes from offset ${summary.endOffset} are not Ogg pages; ignored`);
  } else if (!summary.endsWithEos) {
    truncated = true;
    warnings.push(`truncated: the stream ends after page ${summary.completePages} without an end-of-stream page`);
  }
  return { truncated, warnings, summary };
}

/** Run a WASM decoder, turning its exceptions into CorruptAudioError. */
async function runDecoder(path: string, codec: string, decode: () => Promise<WasmDecoded>): Promise<WasmDecoded> {
  try {
    return await decode();
  } catch (error) {
    const detail = error instanceof Error ? error.message : String(error);
    throw new CorruptAudioError(path, `${codec} decoder failed: ${detail}`, { cause: error });
  }
}

/**
 * Validate a decoder result. With zero samples the other fields are not trustworthy (the Vorbis
 * decoder reports nonsense channel counts then), so they are checked only when samples exist.
 */
function toPcm(
  decoded: WasmDecoded,
  truncated: boolean,
  warnings: string[],
  path: string,
  nothingDecoded: string,
): DecodedPcm {
  const samples = decoded.samplesDecoded;
  const errors = decoded.errors ?? [];
  if (samples === 0) {
    if (truncated) throw new CorruptAudioError(path, `truncated: ${nothingDecoded} (${warnings.join("; ")})`);
    if (errors.length > 0) throw new CorruptAudioError(path, `${nothingDecoded}: ${errors[0]!.message}`);
    throw new NoSamplesError(path, `the stream holds no samples (${nothingDecoded})`);
  }
  const channels = decoded.channelData.length;
  if (channels < 1 || channels > MAX_CHANNELS || !(decoded.sampleRate > 0))
    throw new CorruptAudioError(path, `decoder reported ${channels} channels at ${decoded.sampleRate} Hz`);
  if (errors.length > 0)
    warnings.push(`${errors.length} frame${errors.length === 1 ? "" : "s"} could not be decoded (first: ${errors[0]!.message})`);
  const channelData = decoded.channelData.map((channel) =>
    channel.length === samples ? channel : channel.slice(0, samples),
  );
  return { channelData, sampleRate: decoded.sampleRate, truncated, warnings };
}

interface StreamInfo {
  sampleRate: number;
  channels: number;
  bitsPerSample: number;
  /** Samples per channel; 0 means "unknown" in FLAC. */
  totalSamples: number;
}

/** STREAMINFO is always the first metadata block, right after "fLaC" (34 bytes of data). */
function parseStreamInfo(bytes: Uint8Array, path: string): StreamInfo {
  if (bytes.length < 42) throw new CorruptAudioError(path, `truncated: the file ends inside the FLAC STREAMINFO block (${bytes.length} bytes)`);
  if (asciiAt(bytes, 0, 4) !== "fLaC" || (bytes[4]! & 0x7f) !== 0)
    throw new CorruptAudioError(path, "FLAC stream does not start with a STREAMINFO block");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  // Bits from byte 18: sample rate (20), channels - 1 (3), bits per sample - 1 (5), total samples (36).
  const sampleRate = view.getUint32(18, false) >>> 12;
  const channels = ((bytes[20]! >> 1) & 0x07) + 1;
  const bitsPerSample = (((bytes[20]! & 0x01) << 4) | (bytes[21]! >> 4)) + 1;
  const totalSamples = (bytes[21]! & 0x0f) * 2 ** 32 + view.getUint32(22, false);
  if (sampleRate === 0) throw new CorruptAudioError(path, "FLAC STREAMINFO declares a sample rate of 0 Hz");
  return { sampleRate, channels, bitsPerSample, totalSamples };
}
