/** Ogg page walking (RFC 3533): enough to identify the codec and to notice a cut-off stream. */

export interface OggStreamSummary {
  /** Pages whose header and body are all present. */
  completePages: number;
  /** Byte offset where walking stopped: the data length when every byte belonged to a complete page. */
  endOffset: number;
  /** True when the walk stopped at a page that runs past the end of the data. */
  lastPageCut: boolean;
  /** True when the last complete page carries the end-of-stream flag. */
  endsWithEos: boolean;
  /** Granule position of the last complete page that has one (-1 means "none" in Ogg), or null. */
  lastGranule: number | null;
  /** The first packet of the first page, when that page is complete. */
  firstPacket: Uint8Array | null;
}

const PAGE_HEADER_BYTES = 27;
const EOS_FLAG = 0x04;

function isCapturePattern(bytes: Uint8Array, offset: number): boolean {
  return (
    offset + 4 <= bytes.length &&
    bytes[offset] === 0x4f && // O
    bytes[offset + 1] === 0x67 && // g
    bytes[offset + 2] === 0x67 && // g
    bytes[offset + 3] === 0x53 // S
  );
}

/** Walk pages from the start of `bytes` until the data ends or the capture pattern is lost. */
export function summariseOggStream(bytes: Uint8Array): OggStreamSummary {
  const view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  let offset = 0;
  let completePages = 0;
  let lastPageCut = false;
  let endsWithEos = false;
  let lastGranule: number | null = null;
  let firstPacket: Uint8Array | null = null;
  while (isCapturePattern(bytes, offset)) {
    if (offset + PAGE_HEADER_BYTES > bytes.length) {
      lastPageCut = true;
      break;
    }
    const segments = bytes[offset + 26]!;
    const bodyStart = offset + PAGE_HEADER_BYTES + segments;
    if (bodyStart > bytes.length) {
      lastPageCut = true;
      break;
    }
    let bodyBytes = 0;
    for (let i = 0; i < segments; i++) bodyBytes += bytes[offset + PAGE_HEADER_BYTES + i]!;
    if (bodyStart + bodyBytes > bytes.length) {
      lastPageCut = true;
      break;
    }
    if (completePages === 0) {
      // The first packet ends at the first lacing value below 255.
      let packetBytes = 0;
      for (let i = 0; i < segments; i++) {
        const lacing = bytes[offset + PAGE_HEADER_BYTES + i]!;
        packetBytes += lacing;
        if (lacing < 255) break;
      }
      firstPacket = bytes.subarray(bodyStart, bodyStart + packetBytes);
    }
    const granule = view.getBigInt64(offset + 6, true);
    if (granule !== -1n) lastGranule = Number(granule);
    endsWithEos = (bytes[offset + 5]! & EOS_FLAG) !== 0;
    completePages++;
    offset = bodyStart + bodyBytes;
  }
  return { completePages, endOffset: offset, lastPageCut, endsWithEos, lastGranule, firstPacket };
}

/** The Opus identification header fields we need (RFC 7845 §5.1). */
export interface OpusHead {
  channels: number;
  /** Samples at 48 kHz to drop from the start of the decoded stream. */
  preSkip: number;
  /** Sample rate of the encoder's input (informational; Opus always decodes at 48 kHz). */
  inputSampleRate: number;
}

export function parseOpusHead(packet: Uint8Array): OpusHead | null {
  if (packet.length < 19 || asciiAt(packet, 0, 8) !== "OpusHead") return null;
  const view = new DataView(packet.buffer, packet.byteOffset, packet.byteLength);
  return { channels: packet[9]!, preSkip: view.getUint16(10, true), inputSampleRate: view.getUint32(12, true) };
}

export function asciiAt(bytes: Uint8Array, offset: number, length: number): string {
  let text = "";
  for (let i = offset; i < offset + length && i < bytes.length; i++) text += String.fromCharCode(bytes[i]!);
  return text;
}
