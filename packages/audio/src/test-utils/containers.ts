/** Byte-level builders for hand-made WAV files and Ogg pages, to test parsers on exact layouts. */

export interface Chunk {
  id: string;
  body: Uint8Array;
}

export interface WavSpec {
  formatCode: number;
  channels: number;
  sampleRate: number;
  bitsPerSample: number;
  /** Bytes per frame; defaults to channels × ceil(bits / 8). */
  blockAlign?: number;
  /** Wrap as WAVE_FORMAT_EXTENSIBLE with this sub-format code. */
  extensibleSubformat?: number;
  /** Interleaved sample bytes. */
  data: Uint8Array;
  /** Value written in the data chunk's size field; defaults to data.length. */
  declaredDataBytes?: number;
  /** Chunks placed before fmt, between fmt and data, and after data. */
  chunksBeforeFmt?: Chunk[];
  chunksBeforeData?: Chunk[];
  chunksAfterData?: Chunk[];
  /** Leave out the pad byte after odd-sized chunks (a common writer bug). */
  omitPadBytes?: boolean;
}

const GUID_TAIL = [0x00, 0x00, 0x00, 0x00, 0x10, 0x00, 0x80, 0x00, 0x00, 0xaa, 0x00, 0x38, 0x9b, 0x71];

export function ascii(text: string): Uint8Array {
  return Uint8Array.from(text, (c) => c.charCodeAt(0));
}

export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let offset = 0;
  for (const part of parts) {
    out.set(part, offset);
    offset += part.length;
  }
  return out;
}

function chunkBytes(id: string, body: Uint8Array, declaredSize = body.length, omitPad = false): Uint8Array {
  const header = new Uint8Array(8);
  header.set(ascii(id));
  new DataView(header.buffer).setUint32(4, declaredSize, true);
  const pad = body.length % 2 === 1 && !omitPad ? new Uint8Array(1) : new Uint8Array(0);
  return concat(header, body, pad);
}

export function buildWav(spec: WavSpec): Uint8Array {
  const blockAlign = spec.blockAlign ?? spec.channels * Math.ceil(spec.bitsPerSample / 8);
  const extensible = spec.extensibleSubformat !== undefined;
  const fmt = new Uint8Array(extensible ? 40 : 16);
  const view = new DataView(fmt.buffer);
  view.setUint16(0, extensible ? 0xfffe : spec.formatCode, true);
  view.setUint16(2, spec.channels, true);
  view.setUint32(4, spec.sampleRate, true);
  view.setUint32(8, spec.sampleRate * blockAlign, true);
  view.setUint16(12, blockAlign, true);
  view.setUint16(14, spec.bitsPerSample, true);
  if (extensible) {
    view.setUint16(16, 22, true);
    view.setUint16(18, spec.bitsPerSample, true);
    view.setUint32(20, 0, true);
    view.setUint16(24, spec.extensibleSubformat!, true);
    fmt.set(GUID_TAIL, 26);
  }
  const omit = spec.omitPadBytes ?? false;
  const body = concat(
    ascii("WAVE"),
    ...(spec.chunksBeforeFmt ?? []).map((c) => chunkBytes(c.id, c.body, c.body.length, omit)),
    chunkBytes("fmt ", fmt),
    ...(spec.chunksBeforeData ?? []).map((c) => chunkBytes(c.id, c.body, c.body.length, omit)),
    chunkBytes("data", spec.data, spec.declaredDataBytes ?? spec.data.length, omit),
    ...(spec.chunksAfterData ?? []).map((c) => chunkBytes(c.id, c.body, c.body.length, omit)),
  );
  return chunkBytes("RIFF", body);
}

/** Interleave per-channel values into little-endian sample bytes of the given kind. */
export function interleave(
  channels: number[][],
  kind: "u8" | "s16" | "s24" | "s32" | "f32" | "f64" | "s24in32",
): Uint8Array {
  const bytesPer = { u8: 1, s16: 2, s24: 3, s32: 4, f32: 4, f64: 8, s24in32: 4 }[kind];
  const frames = channels[0]!.length;
  const out = new Uint8Array(frames * channels.length * bytesPer);
  const view = new DataView(out.buffer);
  let offset = 0;
  for (let i = 0; i < frames; i++) {
    for (const channel of channels) {
      const v = channel[i]!;
      if (kind === "u8") view.setUint8(offset, v);
      else if (kind === "s16") view.setInt16(offset, v, true);
      else if (kind === "s24") {
        view.setUint8(offset, v & 0xff);
        view.setUint8(offset + 1, (v >> 8) & 0xff);
        view.setInt8(offset + 2, v >> 16);
      } else if (kind === "s32") view.setInt32(offset, v, true);
      else if (kind === "s24in32") view.setInt32(offset, v * 256, true);
      else if (kind === "f32") view.setFloat32(offset, v, true);
      else view.setFloat64(offset, v, true);
      offset += bytesPer;
    }
  }
  return out;
}

/** One Ogg page holding one packet (CRC left zero: nothing here checks it). */
export function oggPage(packet: Uint8Array, flags: number, granule: bigint, sequence: number): Uint8Array {
  const lacing: number[] = [];
  let remaining = packet.length;
  while (remaining >= 255) {
    lacing.push(255);
    remaining -= 255;
  }
  lacing.push(remaining);
  const header = new Uint8Array(27 + lacing.length);
  const view = new DataView(header.buffer);
  header.set(ascii("OggS"));
  header[5] = flags;
  view.setBigInt64(6, granule, true);
  view.setUint32(14, 1, true);
  view.setUint32(18, sequence, true);
  header[26] = lacing.length;
  header.set(lacing, 27);
  return concat(header, packet);
}
