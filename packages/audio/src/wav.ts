import { CorruptAudioError, NoSamplesError, UnsupportedCodecError } from "./errors.js";
import { asciiAt } from "./ogg.js";
import type { DecodedPcm } from "./types.js";

const FORMAT_PCM = 0x0001;
const FORMAT_IEEE_FLOAT = 0x0003;
const FORMAT_EXTENSIBLE = 0xfffe;
// Names for the non-PCM codes people actually meet, so the error says what the file is.
const FORMAT_NAMES = new Map<number, string>([
  [0x0002, "Microsoft ADPCM"],
  [0x0006, "A-law"],
  [0x0007, "mu-law"],
  [0x0011, "IMA ADPCM"],
  [0x0031, "GSM 6.10"],
  [0x0050, "MPEG audio"],
  [0x0055, "MP3"],
  [0x00ff, "AAC"],
  [0x1610, "AAC (ADTS)"],
]);
// Bytes 2..15 of every KSDATAFORMAT_SUBTYPE GUID (…-0000-0010-8000-00aa00389b71).
const SUBFORMAT_GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];
const UNSET_DATA_SIZE = 0xffffffff;
const CHUNK_HEADER_BYTES = 8;

interface WavFormat {
  /** 1 (integer PCM) or 3 (IEEE float), after resolving WAVE_FORMAT_EXTENSIBLE. */
  code: number;
  channels: number;
  sampleRate: number;
  blockAlign: number;
  bitsPerSample: number;
}

/**
 * Decode a RIFF/WAVE file: integer PCM (8/16/24/32-bit), IEEE float (32/64-bit),
 * WAVE_FORMAT_EXTENSIBLE, any channel count. Unknown chunks are skipped, odd-sized chunks padded.
 * A data chunk that claims more bytes than the file holds is decoded as far as it goes
 * (`truncated: true` plus a warning); if not one whole frame remains, CorruptAudioError.
 */
export function decodeWav(bytes: Uint8Array, path: string): DecodedPcm {
  if (bytes.length < 12 || asciiAt(bytes, 0, 4) !== "RIFF" || asciiAt(bytes, 8, 4) !== "WAVE")
    throw new CorruptAudioError(path, "missing RIFF/WAVE header");
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const warnings: string[] = [];
  let format: WavFormat | null = null;
  let data: { start: number; declaredBytes: number; availableBytes: number } | null = null;
  let position = 12;
  while (format === null || data === null) {
    if (position + CHUNK_HEADER_BYTES > bytes.length) {
      const missing = format === null ? "fmt" : "data";
      throw new CorruptAudioError(path, `no "${missing}" chunk before the end of the file (${bytes.length} bytes)`);
    }
    const id = asciiAt(bytes, position, 4);
    const size = view.getUint32(position + 4, true);
    const bodyStart = position + CHUNK_HEADER_BYTES;
    if (id === "fmt ") {
      if (bodyStart + size > bytes.length)
        throw new CorruptAudioError(path, `file ends inside the fmt chunk (needs ${size} bytes, has ${bytes.length - bodyStart})`);
      format = parseFormat(view, bodyStart, size, path);
    } else if (id === "data") {
      const toEnd = bytes.length - bodyStart;
      if (size === UNSET_DATA_SIZE) warnings.push("data chunk size is unset (0xFFFFFFFF); reading to the end of the file");
      const declaredBytes = size === UNSET_DATA_SIZE ? toEnd : size;
      data = { start: bodyStart, declaredBytes, availableBytes: Math.min(declaredBytes, toEnd) };
    }
    position = nextChunk(bytes, bodyStart, size);
  }
  return decodeSamples(view, format, data, warnings, path);
}

/** Chunks are word-aligned: odd sizes are followed by a pad byte, which some writers forget. */
function nextChunk(bytes: Uint8Array, bodyStart: number, size: number): number {
  const unpadded = bodyStart + size;
  if (size % 2 === 0) return unpadded;
  if (!isChunkId(bytes, unpadded + 1) && isChunkId(bytes, unpadded)) return unpadded;
  return unpadded + 1;
}

function isChunkId(bytes: Uint8Array, offset: number): boolean {
  if (offset + 4 > bytes.length) return false;
  for (let i = offset; i < offset + 4; i++) if (bytes[i]! < 0x20 || bytes[i]! > 0x7e) return false;
  return true;
}

function parseFormat(view: DataView, start: number, size: number, path: string): WavFormat {
  if (size < 16) throw new CorruptAudioError(path, `fmt chunk is ${size} bytes; at least 16 are needed`);
  let code = view.getUint16(start, true);
  const channels = view.getUint16(start + 2, true);
  const sampleRate = view.getUint32(start + 4, true);
  const blockAlign = view.getUint16(start + 12, true);
  const bitsPerSample = view.getUint16(start + 14, true);
  if (code === FORMAT_EXTENSIBLE) {
    if (size < 40) throw new CorruptAudioError(path, `WAVE_FORMAT_EXTENSIBLE fmt chunk is ${size} bytes; 40 are needed`);
    code = view.getUint16(start + 24, true);
    const tailMatches = SUBFORMAT_GUID_TAIL.every((b, i) => view.getUint8(start + 26 + i) === b);
    if (!tailMatches) throw new UnsupportedCodecError(path, "WAVE_FORMAT_EXTENSIBLE with a non-standard sub-format GUID");
  }
  if (code !== FORMAT_PCM && code !== FORMAT_IEEE_FLOAT) {
    const name = FORMAT_NAMES.get(code) ?? "unknown codec";
    throw new UnsupportedCodecError(
      path,
      `WAV with format code 0x${code.toString(16).padStart(4, "0")} (${name}); only integer PCM and IEEE float are supported`,
    );
  }
  if (channels === 0) throw new CorruptAudioError(path, "fmt chunk declares 0 channels");
  if (sampleRate === 0) throw new CorruptAudioError(path, "fmt chunk declares a sample rate of 0 Hz");
  if (blockAlign === 0 || blockAlign % channels !== 0)
    throw new CorruptAudioError(path, `fmt chunk block size ${blockAlign} is not a multiple of ${channels} channels`);
  const containerBytes = blockAlign / channels;
  if (bitsPerSample === 0 || bitsPerSample > containerBytes * 8)
    throw new CorruptAudioError(path, `${bitsPerSample}-bit samples do not fit ${containerBytes}-byte containers`);
  const supported = code === FORMAT_PCM ? containerBytes <= 4 : containerBytes === 4 || containerBytes === 8;
  if (!supported) {
    const kind = code === FORMAT_PCM ? "integer PCM" : "float";
    throw new UnsupportedCodecError(path, `${containerBytes * 8}-bit ${kind} WAV is not supported`);
  }
  return { code, channels, sampleRate, blockAlign, bitsPerSample };
}

function decodeSamples(
  view: DataView,
  format: WavFormat,
  data: { start: number; declaredBytes: number; availableBytes: number },
  warnings: string[],
  path: string,
): DecodedPcm {
  const { channels, blockAlign } = format;
  const frames = Math.floor(data.availableBytes / blockAlign);
  const truncated = data.availableBytes < data.declaredBytes;
  if (frames === 0) {
    if (truncated)
      throw new CorruptAudioError(
        path,
        `truncated: the data chunk claims ${data.declaredBytes} bytes but the file ends after ${data.availableBytes}, less than one ${blockAlign}-byte frame`,
      );
    throw new NoSamplesError(path, "the data chunk holds no samples");
  }
  if (truncated) {
    const declaredFrames = Math.floor(data.declaredBytes / blockAlign);
    warnings.push(
      `truncated: the data chunk claims ${data.declaredBytes} bytes but only ${data.availableBytes} are present; decoded ${frames} of ${declaredFrames} frames`,
    );
  } else if (data.availableBytes % blockAlign !== 0) {
    warnings.push(`data chunk size ${data.declaredBytes} is not a multiple of the ${blockAlign}-byte frame; ignored the remainder`);
  }
  const channelData = Array.from({ length: channels }, () => new Float32Array(frames));
  const containerBytes = blockAlign / channels;
  const read = sampleReader(format.code, containerBytes);
  for (let c = 0; c < channels; c++) {
    const out = channelData[c]!;
    let offset = data.start + c * containerBytes;
    for (let i = 0; i < frames; i++, offset += blockAlign) out[i] = read(view, offset);
  }
  return { channelData, sampleRate: format.sampleRate, truncated, warnings };
}

type SampleReader = (view: DataView, offset: number) => number;

/** Integer samples are left-justified in their container, so the container width sets the scale. */
function sampleReader(code: number, containerBytes: number): SampleReader {
  if (code === FORMAT_IEEE_FLOAT)
    return containerBytes === 4 ? (v, o) => v.getFloat32(o, true) : (v, o) => v.getFloat64(o, true);
  switch (containerBytes) {
    case 1:
      return (v, o) => (v.getUint8(o) - 128) / 128; // 8-bit WAV is unsigned
    case 2:
      return (v, o) => v.getInt16(o, true) / 32768;
    case 3:
      return (v, o) => (v.getUint8(o) | (v.getUint8(o + 1) << 8) | (v.getInt8(o + 2) << 16)) / 8388608;
    default:
      return (v, o) => v.getInt32(o, true) / 2147483648;
  }
}
