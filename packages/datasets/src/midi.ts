/**
 * A small Standard MIDI File writer (format 1): channel events (note on/off, program change,
 * control change) and the meta events a renderer needs (tempo, track name, end of track).
 * Timing is in ticks; {@link secondsToTicks} maps absolute seconds onto a fixed tempo.
 */

export type MidiEvent =
  | { tick: number; type: "noteOn"; channel: number; key: number; velocity: number }
  | { tick: number; type: "noteOff"; channel: number; key: number; velocity?: number }
  | { tick: number; type: "programChange"; channel: number; program: number }
  | { tick: number; type: "controlChange"; channel: number; controller: number; value: number }
  | { tick: number; type: "tempo"; microsPerQuarter: number }
  | { tick: number; type: "trackName"; text: string };

export interface MidiTrack {
  events: MidiEvent[];
  /** Tick of the End of Track event (default: the last event's tick). */
  endTick?: number;
}

export interface MidiFile {
  /** Ticks per quarter note (the header's division), 1..32767. */
  ticksPerQuarter: number;
  tracks: MidiTrack[];
}

/** The fixed timing used for absolute-seconds files: 120 quarters per minute, 1000 ticks each (0.5 ms). */
export const SECONDS_TIMING = { ticksPerQuarter: 1000, microsPerQuarter: 500_000 } as const;

/** Ticks of an absolute time under a fixed tempo (rounded to the nearest tick). */
export function secondsToTicks(sec: number, timing: { ticksPerQuarter: number; microsPerQuarter: number } = SECONDS_TIMING): number {
  return Math.round((sec * 1e6 * timing.ticksPerQuarter) / timing.microsPerQuarter);
}

/** A MIDI variable-length quantity: 7 bits per byte, most significant first, high bit = more follows. */
export function encodeVarLen(value: number): number[] {
  if (!Number.isInteger(value) || value < 0 || value > 0x0fffffff) {
    throw new RangeError(`variable-length quantity must be an integer 0..${0x0fffffff}, got ${value}`);
  }
  const bytes = [value & 0x7f];
  for (let v = value >>> 7; v > 0; v >>>= 7) bytes.unshift((v & 0x7f) | 0x80);
  return bytes;
}

/**
 * Order of events at the same tick: meta events, then programs and controllers (so a note hears
 * its instrument), then note-offs before note-ons (so a repeated key is released before it is struck).
 */
const ORDER: Record<MidiEvent["type"], number> = {
  trackName: 0,
  tempo: 1,
  programChange: 2,
  controlChange: 3,
  noteOff: 4,
  noteOn: 5,
};

function checkRange(what: string, value: number, lo: number, hi: number): void {
  if (!Number.isInteger(value) || value < lo || value > hi) throw new RangeError(`MIDI ${what} must be an integer ${lo}..${hi}, got ${value}`);
}

type Checked = readonly [what: string, value: number, lo: number, hi: number];

/** A channel message: the status nibble with the channel, then the data bytes, each range-checked. */
function channelMessage(status: number, channel: number, ...data: Checked[]): number[] {
  checkRange("channel", channel, 0, 15);
  for (const [what, value, lo, hi] of data) checkRange(what, value, lo, hi);
  return [status | channel, ...data.map((d) => d[1])];
}

function eventBytes(e: MidiEvent): number[] {
  switch (e.type) {
    case "noteOn":
      return channelMessage(0x90, e.channel, ["key", e.key, 0, 127], ["note-on velocity", e.velocity, 1, 127]);
    case "noteOff":
      return channelMessage(0x80, e.channel, ["key", e.key, 0, 127], ["note-off velocity", e.velocity ?? 64, 0, 127]);
    case "programChange":
      return channelMessage(0xc0, e.channel, ["program", e.program, 0, 127]);
    case "controlChange":
      return channelMessage(0xb0, e.channel, ["controller", e.controller, 0, 119], ["controller value", e.value, 0, 127]);
    case "tempo":
      checkRange("tempo (µs per quarter)", e.microsPerQuarter, 1, 0xffffff);
      return [0xff, 0x51, 0x03, (e.microsPerQuarter >>> 16) & 0xff, (e.microsPerQuarter >>> 8) & 0xff, e.microsPerQuarter & 0xff];
    case "trackName": {
      const text = [...new TextEncoder().encode(e.text)];
      return [0xff, 0x03, ...encodeVarLen(text.length), ...text];
    }
  }
}

/** Events in file order: by tick, then {@link ORDER}, then as given (a stable sort). */
export function sortMidiEvents(events: readonly MidiEvent[]): MidiEvent[] {
  return events
    .map((e, i) => [e, i] as const)
    .sort((a, b) => a[0].tick - b[0].tick || ORDER[a[0].type] - ORDER[b[0].type] || a[1] - b[1])
    .map(([e]) => e);
}

function trackChunk(track: MidiTrack): number[] {
  const body: number[] = [];
  let last = 0;
  for (const e of sortMidiEvents(track.events)) {
    checkRange("event tick", e.tick, 0, 0x0fffffff);
    body.push(...encodeVarLen(e.tick - last), ...eventBytes(e));
    last = e.tick;
  }
  const end = Math.max(last, track.endTick ?? last);
  body.push(...encodeVarLen(end - last), 0xff, 0x2f, 0x00);
  return [0x4d, 0x54, 0x72, 0x6b, ...uint32(body.length), ...body];
}

function uint32(n: number): number[] {
  return [(n >>> 24) & 0xff, (n >>> 16) & 0xff, (n >>> 8) & 0xff, n & 0xff];
}

/** Encode a format-1 Standard MIDI File (running status is not used: every event has its status byte). */
export function encodeMidiFile(file: MidiFile): Uint8Array {
  checkRange("ticks per quarter", file.ticksPerQuarter, 1, 0x7fff);
  if (file.tracks.length < 1 || file.tracks.length > 0xffff) throw new RangeError(`a MIDI file needs 1..65535 tracks, got ${file.tracks.length}`);
  const bytes: number[] = [0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 1];
  bytes.push((file.tracks.length >>> 8) & 0xff, file.tracks.length & 0xff);
  bytes.push((file.ticksPerQuarter >>> 8) & 0xff, file.ticksPerQuarter & 0xff);
  for (const track of file.tracks) for (const b of trackChunk(track)) bytes.push(b);
  return Uint8Array.from(bytes);
}
