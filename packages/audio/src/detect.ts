import { CorruptAudioError, EmptyAudioFileError, NotAudioError, UnsupportedCodecError } from "./errors.js";
import { isAdtsHeader, isConfirmedMpegFrame } from "./mpeg.js";
import { asciiAt, summariseOggStream } from "./ogg.js";
import type { AudioFormat } from "./types.js";

export interface DetectedFormat {
  format: AudioFormat;
  /** Where the codec's own data starts (after an ID3v2 tag, for example). */
  offset: number;
}

// How far past an ID3v2 tag we look for the first MPEG frame (some taggers leave unannounced padding).
const MAX_SYNC_SEARCH_BYTES = 65536;
const ID3_HEADER_BYTES = 10;

/**
 * Identify the container/codec from magic bytes alone (the file name is only used in errors).
 * Throws NotAudioError for unknown data and UnsupportedCodecError for audio we recognise but
 * cannot decode.
 */
export function detectFormat(bytes: Uint8Array, path: string): DetectedFormat {
  if (bytes.length === 0) throw new EmptyAudioFileError(path, "file is empty (0 bytes)");
  return detectAt(bytes, 0, path);
}

function detectAt(bytes: Uint8Array, offset: number, path: string): DetectedFormat {
  const magic = asciiAt(bytes, offset, 4);
  const remaining = bytes.length - offset;
  if (magic === "RIFF") {
    if (remaining < 12) throw new CorruptAudioError(path, `RIFF header is truncated (${remaining} of 12 bytes)`);
    const kind = asciiAt(bytes, offset + 8, 4);
    if (kind === "WAVE") return { format: "wav", offset };
    throw new NotAudioError(path, `RIFF container of type "${printable(kind)}" is not WAVE audio`);
  }
  if (magic === "RF64" || magic === "BW64")
    throw new UnsupportedCodecError(path, `${magic} (64-bit WAV) is not supported; convert to WAV, FLAC or Opus`);
  if (magic === "RIFX") throw new UnsupportedCodecError(path, "big-endian WAV (RIFX) is not supported");
  if (magic === "fLaC") return { format: "flac", offset };
  if (magic === "OggS") return { format: detectOggCodec(bytes.subarray(offset), path), offset };
  if (magic.startsWith("ID3")) return detectAfterId3(bytes, offset, path);
  if (isAdtsHeader(bytes, offset)) throw unsupportedAac(path, "raw AAC (ADTS)");
  if (isConfirmedMpegFrame(bytes, offset)) return { format: "mp3", offset };
  if (asciiAt(bytes, offset + 4, 4) === "ftyp") throw unsupportedAac(path, "MP4/M4A (AAC or ALAC)");
  if (magic === "FORM" && /^AIF[FC]$/.test(asciiAt(bytes, offset + 8, 4)))
    throw new UnsupportedCodecError(path, "AIFF is not supported; convert to WAV or FLAC");
  if (magic === "caff") throw new UnsupportedCodecError(path, "Core Audio Format (CAF) is not supported");
  if (bytes[offset] === 0x30 && bytes[offset + 1] === 0x26 && bytes[offset + 2] === 0xb2 && bytes[offset + 3] === 0x75)
    throw new UnsupportedCodecError(path, "ASF/WMA is not supported: there is no pure-JS/WASM WMA decoder");
  const head = Array.from(bytes.subarray(offset, offset + 8), (b) => b.toString(16).padStart(2, "0")).join(" ");
  const size = remaining < 12 ? `only ${remaining} byte${remaining === 1 ? "" : "s"}, ` : "";
  throw new NotAudioError(path, `not a recognised audio format (${size}starts with ${head})`);
}

function unsupportedAac(path: string, what: string): UnsupportedCodecError {
  return new UnsupportedCodecError(
    path,
    `${what} is not supported: there is no maintained pure-JS/WASM AAC decoder for Node; convert to FLAC, Opus, MP3 or WAV`,
  );
}

function detectAfterId3(bytes: Uint8Array, offset: number, path: string): DetectedFormat {
  if (bytes.length - offset < ID3_HEADER_BYTES) throw new CorruptAudioError(path, "ID3v2 tag header is truncated");
  // Tag size is "syncsafe": four 7-bit groups; a footer (flag 0x10) adds another 10 bytes.
  const size =
    ((bytes[offset + 6]! & 0x7f) << 21) |
    ((bytes[offset + 7]! & 0x7f) << 14) |
    ((bytes[offset + 8]! & 0x7f) << 7) |
    (bytes[offset + 9]! & 0x7f);
  const footer = bytes[offset + 5]! & 0x10 ? 10 : 0;
  const end = offset + ID3_HEADER_BYTES + size + footer;
  if (end >= bytes.length)
    throw new CorruptAudioError(path, `ID3v2 tag announces ${size} bytes but no audio follows it (file has ${bytes.length} bytes)`);
  if (asciiAt(bytes, end, 4) !== "fLaC" && !isAdtsHeader(bytes, end)) {
    const limit = Math.min(bytes.length, end + MAX_SYNC_SEARCH_BYTES);
    for (let i = end; i < limit; i++) {
      if (bytes[i] === 0xff && isConfirmedMpegFrame(bytes, i)) return { format: "mp3", offset: i };
    }
    throw new CorruptAudioError(path, `ID3v2 tag is not followed by MPEG audio frames (searched from byte ${end})`);
  }
  return detectAt(bytes, end, path);
}

function detectOggCodec(bytes: Uint8Array, path: string): AudioFormat {
  const { firstPacket } = summariseOggStream(bytes);
  if (firstPacket === null) throw new CorruptAudioError(path, "Ogg stream is truncated inside its first page");
  if (asciiAt(firstPacket, 0, 8) === "OpusHead") return "ogg-opus";
  if (firstPacket[0] === 1 && asciiAt(firstPacket, 1, 6) === "vorbis") return "ogg-vorbis";
  if (firstPacket[0] === 0x7f && asciiAt(firstPacket, 1, 4) === "FLAC")
    throw new UnsupportedCodecError(path, "FLAC inside Ogg is not supported; use native .flac");
  if (asciiAt(firstPacket, 0, 5) === "Speex") throw new UnsupportedCodecError(path, "Ogg Speex is not supported");
  throw new UnsupportedCodecError(
    path,
    `Ogg stream with an unsupported codec (first packet starts with "${printable(asciiAt(firstPacket, 0, 8))}")`,
  );
}

function printable(text: string): string {
  return text.replace(/[^\x20-\x7e]/g, "?");
}
