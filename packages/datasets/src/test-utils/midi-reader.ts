/**
 * A tiny Standard MIDI File reader for tests: header, track chunks, delta times and the events
 * the writer emits (running status included, so it also reads files from other writers).
 */
export interface ParsedEvent {
  /** Absolute tick. */
  tick: number;
  /** Status byte (0xff for meta events). */
  status: number;
  /** Meta type for meta events. */
  meta?: number;
  data: number[];
}

export interface ParsedMidi {
  format: number;
  ticksPerQuarter: number;
  tracks: ParsedEvent[][];
}

export function readVarLen(bytes: Uint8Array, at: number): [value: number, next: number] {
  let value = 0;
  let i = at;
  for (;;) {
    const b = bytes[i++]!;
    value = (value << 7) | (b & 0x7f);
    if (!(b & 0x80)) return [value, i];
    if (i - at > 4) throw new Error(`variable-length quantity at ${at} longer than 4 bytes`);
  }
}

function uint32(bytes: Uint8Array, at: number): number {
  return ((bytes[at]! << 24) | (bytes[at + 1]! << 16) | (bytes[at + 2]! << 8) | bytes[at + 3]!) >>> 0;
}

function ascii(bytes: Uint8Array, at: number): string {
  return String.fromCharCode(...bytes.subarray(at, at + 4));
}

export function parseMidi(bytes: Uint8Array): ParsedMidi {
  if (ascii(bytes, 0) !== "MThd" || uint32(bytes, 4) !== 6) throw new Error("no MThd header of length 6");
  const format = (bytes[8]! << 8) | bytes[9]!;
  const ntracks = (bytes[10]! << 8) | bytes[11]!;
  const ticksPerQuarter = (bytes[12]! << 8) | bytes[13]!;
  const tracks: ParsedEvent[][] = [];
  let at = 14;
  for (let t = 0; t < ntracks; t++) {
    if (ascii(bytes, at) !== "MTrk") throw new Error(`no MTrk at byte ${at}`);
    const end = at + 8 + uint32(bytes, at + 4);
    if (end > bytes.length) throw new Error(`track ${t} runs past the end of the file`);
    at += 8;
    const events: ParsedEvent[] = [];
    let tick = 0;
    let running = 0;
    while (at < end) {
      const [delta, next] = readVarLen(bytes, at);
      tick += delta;
      at = next;
      let status = bytes[at]!;
      if (status & 0x80) at++;
      else status = running;
      if (status === 0xff) {
        const meta = bytes[at++]!;
        const [length, body] = readVarLen(bytes, at);
        events.push({ tick, status, meta, data: [...bytes.subarray(body, body + length)] });
        at = body + length;
        continue;
      }
      running = status;
      const size = (status & 0xf0) === 0xc0 || (status & 0xf0) === 0xd0 ? 1 : 2;
      events.push({ tick, status, data: [...bytes.subarray(at, at + size)] });
      at += size;
    }
    if (at !== end) throw new Error(`track ${t} events overrun its chunk`);
    tracks.push(events);
  }
  if (at !== bytes.length) throw new Error(`${bytes.length - at} bytes after the last track`);
  return { format, ticksPerQuarter, tracks };
}
