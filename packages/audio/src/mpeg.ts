/** MPEG audio (layer I/II/III) frame headers: enough to recognise a stream and walk its frames. */

export interface MpegFrameHeader {
  /** 1 for MPEG-1, 2 for MPEG-2, 2.5 for MPEG-2.5. */
  version: 1 | 2 | 2.5;
  layer: 1 | 2 | 3;
  sampleRate: number;
  channels: 1 | 2;
  /** Bytes in the whole frame, header included. */
  frameBytes: number;
  samplesPerFrame: number;
}

// kbit/s by [version is MPEG-1 ? 0 : 1][layer - 1][index]; index 0 (free format) and 15 are invalid here.
const BITRATES_KBPS: readonly (readonly (readonly number[])[])[] = [
  [
    [0, 32, 64, 96, 128, 160, 192, 224, 256, 288, 320, 352, 384, 416, 448],
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320, 384],
    [0, 32, 40, 48, 56, 64, 80, 96, 112, 128, 160, 192, 224, 256, 320],
  ],
  [
    [0, 32, 48, 56, 64, 80, 96, 112, 128, 144, 160, 176, 192, 224, 256],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
    [0, 8, 16, 24, 32, 40, 48, 56, 64, 80, 96, 112, 128, 144, 160],
  ],
];
const SAMPLE_RATES_MPEG1 = [44100, 48000, 32000];

/**
 * Parse the 4-byte frame header at `offset`, or return null when it is not a valid one.
 * Free-format frames (bitrate index 0) are rejected because their length cannot be computed.
 */
export function parseMpegFrameHeader(bytes: Uint8Array, offset: number): MpegFrameHeader | null {
  if (offset + 4 > bytes.length) return null;
  const b1 = bytes[offset + 1]!;
  const b2 = bytes[offset + 2]!;
  const b3 = bytes[offset + 3]!;
  if (bytes[offset] !== 0xff || (b1 & 0xe0) !== 0xe0) return null;
  const versionBits = (b1 >> 3) & 3;
  const layerBits = (b1 >> 1) & 3;
  const bitrateIndex = b2 >> 4;
  const rateIndex = (b2 >> 2) & 3;
  if (versionBits === 1 || layerBits === 0 || bitrateIndex === 0 || bitrateIndex === 15 || rateIndex === 3) return null;
  const version = versionBits === 3 ? 1 : versionBits === 2 ? 2 : 2.5;
  const layer = (4 - layerBits) as 1 | 2 | 3;
  const sampleRate = SAMPLE_RATES_MPEG1[rateIndex]! / (version === 1 ? 1 : version === 2 ? 2 : 4);
  const bitRate = BITRATES_KBPS[version === 1 ? 0 : 1]![layer - 1]![bitrateIndex]! * 1000;
  const padding = (b2 >> 1) & 1;
  let frameBytes: number;
  let samplesPerFrame: number;
  if (layer === 1) {
    frameBytes = (Math.floor((12 * bitRate) / sampleRate) + padding) * 4;
    samplesPerFrame = 384;
  } else {
    // Layer III in MPEG-2/2.5 carries half as many samples per frame, hence 72 instead of 144.
    const lsf = layer === 3 && version !== 1;
    frameBytes = Math.floor(((lsf ? 72 : 144) * bitRate) / sampleRate) + padding;
    samplesPerFrame = lsf ? 576 : 1152;
  }
  const channels = b3 >> 6 === 3 ? 1 : 2;
  return { version, layer, sampleRate, channels, frameBytes, samplesPerFrame };
}

/** True when `bytes` starts with an ADTS (raw AAC) header, whose sync word looks like MPEG audio's. */
export function isAdtsHeader(bytes: Uint8Array, offset: number): boolean {
  return (
    offset + 2 <= bytes.length &&
    bytes[offset] === 0xff &&
    (bytes[offset + 1]! & 0xf6) === 0xf0 // 12-bit sync, layer bits 00
  );
}

/**
 * A frame header at `offset` that is confirmed by a second header right after it (when the data
 * reaches that far); the check makes random bytes starting with 0xFFEx very unlikely to pass.
 */
export function isConfirmedMpegFrame(bytes: Uint8Array, offset: number): boolean {
  const first = parseMpegFrameHeader(bytes, offset);
  if (first === null) return false;
  const next = offset + first.frameBytes;
  if (next + 4 > bytes.length) return true;
  const second = parseMpegFrameHeader(bytes, next);
  return second !== null && second.sampleRate === first.sampleRate && second.layer === first.layer;
}

export interface MpegStreamSummary {
  /** Frames whose bytes are all present (the Xing/Info frame included, if any). */
  completeFrames: number;
  /** Where the walk stopped: the data length when the frames run to the very end. */
  endOffset: number;
  /** True when the last frame header announces more bytes than the file holds. */
  lastFrameCut: boolean;
  /** Audio frames announced by a Xing/Info header (which does not count itself), if present. */
  xingFrames: number | null;
  /** True when the first frame is a Xing/Info header frame (metadata, no audio). */
  hasXingFrame: boolean;
}

/** Walk consecutive frames from `offset` until the sync is lost or the data ends. */
export function summariseMpegStream(bytes: Uint8Array, offset: number): MpegStreamSummary {
  let completeFrames = 0;
  let lastFrameCut = false;
  let position = offset;
  for (;;) {
    const header = parseMpegFrameHeader(bytes, position);
    if (header === null) {
      // A lone partial header at the very end also means the file was cut.
      if (position < bytes.length && bytes.length - position < 4 && bytes[position] === 0xff) lastFrameCut = true;
      break;
    }
    if (position + header.frameBytes > bytes.length) {
      lastFrameCut = true;
      break;
    }
    completeFrames++;
    position += header.frameBytes;
  }
  const xingFrames = readXingFrameCount(bytes, offset);
  return { completeFrames, endOffset: position, lastFrameCut, xingFrames: xingFrames ?? null, hasXingFrame: xingFrames !== undefined };
}

/** Frame count from a Xing/Info header in the first frame: a number, null (tag without count) or undefined (no tag). */
function readXingFrameCount(bytes: Uint8Array, offset: number): number | null | undefined {
  const header = parseMpegFrameHeader(bytes, offset);
  if (header === null || header.layer !== 3) return undefined;
  // The tag sits right after the side information, whose size depends on version and channel count.
  const sideInfoBytes = header.version === 1 ? (header.channels === 1 ? 17 : 32) : header.channels === 1 ? 9 : 17;
  const tag = offset + 4 + sideInfoBytes;
  if (tag + 12 > bytes.length) return undefined;
  const id = String.fromCharCode(bytes[tag]!, bytes[tag + 1]!, bytes[tag + 2]!, bytes[tag + 3]!);
  if (id !== "Xing" && id !== "Info") return undefined;
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const flags = view.getUint32(tag + 4, false);
  return flags & 1 ? view.getUint32(tag + 8, false) : null;
}
