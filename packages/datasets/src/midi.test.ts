import { describe, expect, it } from "vitest";
import { encodeMidiFile, encodeVarLen, type MidiEvent, SECONDS_TIMING, secondsToTicks, sortMidiEvents } from "./midi.js";
import { parseMidi, readVarLen } from "./test-utils/midi-reader.js";

describe("encodeVarLen", () => {
  it("matches the examples of the SMF specification", () => {
    const cases: [number, number[]][] = [
      [0x00, [0x00]],
      [0x40, [0x40]],
      [0x7f, [0x7f]],
      [0x80, [0x81, 0x00]],
      [0x2000, [0xc0, 0x00]],
      [0x3fff, [0xff, 0x7f]],
      [0x4000, [0x81, 0x80, 0x00]],
      [0x100000, [0xc0, 0x80, 0x00]],
      [0x1fffff, [0xff, 0xff, 0x7f]],
      [0x200000, [0x81, 0x80, 0x80, 0x00]],
      [0x0fffffff, [0xff, 0xff, 0xff, 0x7f]],
    ];
    for (const [value, bytes] of cases) {
      expect(encodeVarLen(value)).toEqual(bytes);
      expect(readVarLen(Uint8Array.from(bytes), 0)).toEqual([value, bytes.length]);
    }
  });

  it("refuses values it cannot encode", () => {
    expect(() => encodeVarLen(-1)).toThrow(RangeError);
    expect(() => encodeVarLen(0x10000000)).toThrow(RangeError);
    expect(() => encodeVarLen(1.5)).toThrow(RangeError);
  });
});

describe("encodeMidiFile", () => {
  it("writes the header and a track chunk byte for byte", () => {
    const bytes = encodeMidiFile({
      ticksPerQuarter: 480,
      tracks: [
        {
          events: [
            { tick: 0, type: "tempo", microsPerQuarter: 500_000 },
            { tick: 0, type: "programChange", channel: 2, program: 33 },
            { tick: 200, type: "noteOff", channel: 2, key: 40 },
            { tick: 0, type: "noteOn", channel: 2, key: 40, velocity: 100 },
          ],
        },
      ],
    });
    expect([...bytes]).toEqual([
      // MThd, length 6, format 1, 1 track, 480 ticks per quarter
      0x4d, 0x54, 0x68, 0x64, 0, 0, 0, 6, 0, 1, 0, 1, 0x01, 0xe0,
      // MTrk, length 23 = 7 + 3 + 4 + 5 + 4
      0x4d, 0x54, 0x72, 0x6b, 0, 0, 0, 23,
      0x00, 0xff, 0x51, 0x03, 0x07, 0xa1, 0x20, // tempo 500000 µs
      0x00, 0xc2, 33, // program change, channel 3
      0x00, 0x92, 40, 100, // note on
      0x81, 0x48, 0x82, 40, 64, // delta 200, note off
      0x00, 0xff, 0x2f, 0x00, // end of track
    ]);
  });

  it("orders same-tick events: meta, programs, controllers, note-offs, then note-ons", () => {
    const events: MidiEvent[] = [
      { tick: 10, type: "noteOn", channel: 0, key: 60, velocity: 90 },
      { tick: 10, type: "noteOff", channel: 0, key: 60 },
      { tick: 10, type: "controlChange", channel: 0, controller: 7, value: 100 },
      { tick: 10, type: "programChange", channel: 0, program: 4 },
      { tick: 5, type: "noteOn", channel: 0, key: 64, velocity: 80 },
      { tick: 10, type: "trackName", text: "x" },
    ];
    expect(sortMidiEvents(events).map((e) => `${e.tick}:${e.type}`)).toEqual([
      "5:noteOn",
      "10:trackName",
      "10:programChange",
      "10:controlChange",
      "10:noteOff",
      "10:noteOn",
    ]);
  });

  it("reads back: chunk lengths, absolute ticks, end of track at endTick, several tracks", () => {
    const notes = Array.from({ length: 40 }, (_, i) => i * 137);
    const file = encodeMidiFile({
      ticksPerQuarter: SECONDS_TIMING.ticksPerQuarter,
      tracks: [
        { events: [{ tick: 0, type: "trackName", text: "conductor ♩" }, { tick: 0, type: "tempo", microsPerQuarter: 500_000 }], endTick: 9000 },
        {
          events: notes.flatMap((t, i): MidiEvent[] => [
            { tick: t, type: "noteOn", channel: 9, key: 36 + (i % 5), velocity: 1 + i },
            { tick: t + 100, type: "noteOff", channel: 9, key: 36 + (i % 5) },
          ]),
        },
      ],
    });
    const midi = parseMidi(file);
    expect(midi.format).toBe(1);
    expect(midi.ticksPerQuarter).toBe(1000);
    expect(midi.tracks).toHaveLength(2);
    const [conductor, drums] = midi.tracks as [typeof midi.tracks[0], typeof midi.tracks[0]];
    expect(new TextDecoder().decode(Uint8Array.from(conductor[0]!.data))).toBe("conductor ♩");
    expect(conductor.at(-1)).toEqual({ tick: 9000, status: 0xff, meta: 0x2f, data: [] });
    const ons = drums.filter((e) => e.status === 0x99);
    expect(ons.map((e) => e.tick)).toEqual(notes);
    expect(ons.map((e) => e.data[1])).toEqual(notes.map((_, i) => 1 + i));
    const offs = drums.filter((e) => e.status === 0x89);
    expect(offs.map((e) => e.tick)).toEqual(notes.map((t) => t + 100));
    expect(drums.at(-1)!.meta).toBe(0x2f);
    expect(drums.at(-1)!.tick).toBe(notes.at(-1)! + 100);
  });

  it("refuses out-of-range values with the field named", () => {
    const one = (e: MidiEvent) => () => encodeMidiFile({ ticksPerQuarter: 96, tracks: [{ events: [e] }] });
    expect(one({ tick: 0, type: "noteOn", channel: 16, key: 60, velocity: 9 })).toThrow(/channel/);
    expect(one({ tick: 0, type: "noteOn", channel: 0, key: 128, velocity: 9 })).toThrow(/key/);
    expect(one({ tick: 0, type: "noteOn", channel: 0, key: 60, velocity: 0 })).toThrow(/velocity/);
    expect(one({ tick: -1, type: "programChange", channel: 0, program: 1 })).toThrow(/tick/);
    expect(() => encodeMidiFile({ ticksPerQuarter: 0x8000, tracks: [{ events: [] }] })).toThrow(/ticks per quarter/);
  });
});

describe("secondsToTicks", () => {
  it("maps seconds onto the fixed 120 bpm, 1000-tick timing (0.5 ms per tick)", () => {
    expect(secondsToTicks(0)).toBe(0);
    expect(secondsToTicks(1)).toBe(2000);
    expect(secondsToTicks(0.00074)).toBe(1);
    expect(secondsToTicks(12.3456)).toBe(24691);
  });
});
