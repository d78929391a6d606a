import { describe, expect, it } from "vitest";
import { chooseGmArrangement, GM_CHANNELS, GM_DRUM_CHANNEL, GM_PROGRAM_SETS, midiVelocity } from "./gm.js";
import type { HitVoice } from "./instruments.js";
import { secondsToTicks } from "./midi.js";
import { composeMelody } from "./midi-melody.js";
import { hashSeed, Rng } from "./prng.js";
import { composeMidiClip } from "./render-midi.js";
import { type ClipSpec, composeClip, resolveClipSpec } from "./synthesize.js";
import { type ParsedEvent, parseMidi } from "./test-utils/midi-reader.js";

const spec = (over: Partial<ClipSpec> = {}) =>
  resolveClipSpec({ numerator: 7, denominator: 8, grouping: [2, 2, 3], bpm: 150, durationSec: 12, seed: 11, instrumentation: "drums", ...over });

const channelOf = (e: ParsedEvent) => e.status & 0x0f;
const kindOf = (e: ParsedEvent) => e.status & 0xf0;

function midiOf(over: Partial<ClipSpec> = {}, melody?: boolean) {
  const s = spec(over);
  const arrangement = { ...chooseGmArrangement(s.seed, s.instrumentation), ...(melody === undefined ? {} : { melody }) };
  const clip = composeMidiClip(s, arrangement);
  return { s, arrangement, clip, parsed: parseMidi(clip.midi) };
}

describe("chooseGmArrangement", () => {
  it("draws programs from the role's set, is reproducible, and varies with the seed", () => {
    const a = chooseGmArrangement(3, "drums");
    expect(chooseGmArrangement(3, "drums")).toEqual(a);
    for (const [role, choice] of Object.entries(a.programs)) {
      expect(GM_PROGRAM_SETS[role as keyof typeof GM_PROGRAM_SETS].map(([p]) => p)).toContain(choice.program);
      expect(choice.name.length).toBeGreaterThan(0);
    }
    const basses = new Set(Array.from({ length: 60 }, (_, i) => chooseGmArrangement(i, "drums").programs.bass.program));
    expect(basses.size).toBeGreaterThanOrEqual(4);
    expect(Array.from({ length: 40 }, (_, i) => chooseGmArrangement(i, "percussion").melody).some(Boolean)).toBe(false);
  });

  it("maps the kit to GM percussion keys", () => {
    for (let seed = 0; seed < 30; seed++) {
      const keys = chooseGmArrangement(seed, "drums").hitKeys;
      expect([35, 36]).toContain(keys.kick);
      expect([38, 40]).toContain(keys.snare);
      expect(keys.hatClosed).toBe(42);
      expect(keys.hatOpen).toBe(46);
      expect([51, 59]).toContain(keys.ride);
      expect([49, 57]).toContain(keys.crash);
      expect([60, 61, 62, 63, 64, 65, 66]).toContain(keys.handLow);
      expect([70, 82, 69, 54]).toContain(keys.shaker);
      expect([76, 77, 75, 56, 37]).toContain(keys.block);
    }
  });

  it("velocity mapping is monotonic within 1..127", () => {
    expect(midiVelocity(0)).toBe(1);
    expect(midiVelocity(1.15)).toBe(127);
    expect(midiVelocity(5)).toBe(127);
    expect(midiVelocity(0.25)).toBeLessThan(midiVelocity(0.5));
  });
});

describe("score → MIDI", () => {
  it("writes format 1 at a fixed tempo, programs and mix per channel, drums on channel 10", () => {
    const { arrangement, parsed } = midiOf();
    expect(parsed.format).toBe(1);
    expect(parsed.ticksPerQuarter).toBe(1000);
    const tempo = parsed.tracks[0]!.find((e) => e.meta === 0x51)!;
    expect(tempo.data).toEqual([0x07, 0xa1, 0x20]);
    const programs = new Map<number, number>();
    const controllers = new Map<string, number>();
    for (const track of parsed.tracks.slice(1)) {
      const channels = new Set(track.filter((e) => e.status < 0xf0).map(channelOf));
      expect(channels.size).toBe(1); // one channel per track
      for (const e of track) {
        if (kindOf(e) === 0xc0) programs.set(channelOf(e), e.data[0]!);
        if (kindOf(e) === 0xb0) {
          expect(e.tick).toBe(0);
          controllers.set(`${channelOf(e)}:${e.data[0]}`, e.data[1]!);
        }
      }
    }
    expect(programs.get(GM_DRUM_CHANNEL)).toBe(arrangement.drumKit.program);
    expect(programs.get(GM_CHANNELS.bass)).toBe(arrangement.programs.bass.program);
    expect(controllers.get(`${GM_DRUM_CHANNEL}:7`)).toBe(arrangement.mix.drums.volume);
    expect(controllers.get(`${GM_CHANNELS.bass}:91`)).toBe(arrangement.mix.bass.reverb);
    expect(controllers.get(`${GM_CHANNELS.bass}:10`)).toBe(arrangement.mix.bass.pan);
    expect(controllers.get(`${GM_CHANNELS.bass}:93`)).toBe(arrangement.mix.bass.chorus);
  });

  it("puts every hit of the score on its GM key at its tick", () => {
    const { s, arrangement, clip, parsed } = midiOf();
    const drums = parsed.tracks.flat().filter((e) => kindOf(e) === 0x90 && channelOf(e) === GM_DRUM_CHANNEL);
    for (const voice of ["kick", "snare", "hatClosed", "crash"] as HitVoice[]) {
      const expected = clip.score.events.filter((e) => e.voice === voice && e.timeSec < s.durationSec!).map((e) => secondsToTicks(e.timeSec));
      const got = drums.filter((e) => e.data[0] === arrangement.hitKeys[voice]).map((e) => e.tick);
      expect(expected.length).toBeGreaterThan(0);
      // Duplicate strikes at one tick are merged; everything else is there, in order.
      expect(got).toEqual([...new Set(expected)].sort((a, b) => a - b));
    }
    const bass = parsed.tracks.flat().filter((e) => kindOf(e) === 0x90 && channelOf(e) === GM_CHANNELS.bass);
    expect(bass.map((e) => e.data[0])).toEqual(
      clip.score.events.filter((e) => e.voice === "bass" && e.timeSec < s.durationSec!).sort((a, b) => a.timeSec - b.timeSec || a.midi! - b.midi!).map((e) => e.midi),
    );
  });

  it("never strikes a sounding key: each note-on of a channel and key follows its note-off", () => {
    const { parsed } = midiOf({ instrumentation: "drumless", seed: 4 }, true);
    for (const track of parsed.tracks) {
      const on = new Set<string>();
      for (const e of track) {
        const key = `${channelOf(e)}:${e.data[0]}`;
        if (kindOf(e) === 0x90) {
          expect(on.has(key)).toBe(false);
          on.add(key);
        } else if (kindOf(e) === 0x80) {
          expect(on.delete(key)).toBe(true);
        }
      }
      expect(on.size).toBe(0);
    }
  });

  it("keeps the instrumentations: drumless has no channel 10, percussion only hand percussion", () => {
    const drumless = midiOf({ instrumentation: "drumless" }).parsed.tracks.flat();
    expect(drumless.some((e) => e.status < 0xf0 && channelOf(e) === GM_DRUM_CHANNEL)).toBe(false);
    expect(drumless.some((e) => kindOf(e) === 0x90 && channelOf(e) === GM_CHANNELS.bass)).toBe(true);
    const { arrangement, parsed } = midiOf({ instrumentation: "percussion" });
    const notes = parsed.tracks.flat().filter((e) => kindOf(e) === 0x90);
    expect(new Set(notes.map(channelOf))).toEqual(new Set([GM_DRUM_CHANNEL]));
    const hand = new Set((["handLow", "handOpen", "handSlap", "shaker", "block"] as const).map((v) => arrangement.hitKeys[v]));
    for (const e of notes) expect(hand.has(e.data[0]!)).toBe(true);
  });

  it("adds the melody on its own channel only when the arrangement asks for it", () => {
    const withMelody = midiOf({}, true);
    const melodyNotes = withMelody.parsed.tracks.flat().filter((e) => kindOf(e) === 0x90 && channelOf(e) === GM_CHANNELS.melody);
    expect(melodyNotes.length).toBe(withMelody.clip.melody.length);
    expect(withMelody.clip.melody.length).toBeGreaterThan(10);
    const without = midiOf({}, false);
    expect(without.parsed.tracks.flat().some((e) => e.status < 0xf0 && channelOf(e) === GM_CHANNELS.melody)).toBe(false);
  });

  it("drops notes after the clip's end and ends every track 0.25 s after it", () => {
    const { s, parsed } = midiOf();
    const end = secondsToTicks(s.durationSec! + 0.25);
    for (const track of parsed.tracks) {
      expect(track.at(-1)).toMatchObject({ meta: 0x2f, tick: end });
      for (const e of track) if (kindOf(e) === 0x90) expect(e.tick).toBeLessThan(secondsToTicks(s.durationSec!) + 1);
    }
  });

  it("is deterministic: the same spec gives the same bytes, another seed other bytes", () => {
    const a = midiOf({ seed: 21 }).clip.midi;
    expect(Buffer.from(midiOf({ seed: 21 }).clip.midi).equals(Buffer.from(a))).toBe(true);
    expect(Buffer.from(midiOf({ seed: 22 }).clip.midi).equals(Buffer.from(a))).toBe(false);
  });
});

describe("composeMelody", () => {
  it("stays in the key, starts its bars on the downbeat and rests in some phrases", () => {
    for (let seed = 0; seed < 12; seed++) {
      const score = composeClip({ numerator: 5, denominator: 8, grouping: [3, 2], bpm: 140, bars: 16, seed, instrumentation: "drumless", phraseBars: 4 });
      const notes = composeMelody(score, new Rng(hashSeed(seed, "m")));
      expect(notes.length).toBeGreaterThan(0);
      const scale = (score.harmony.mode === "major" ? [0, 2, 4, 5, 7, 9, 11] : [0, 2, 3, 5, 7, 8, 10]).map((x) => (x + score.harmony.tonic) % 12);
      for (const n of notes) {
        expect(scale).toContain(n.midi % 12);
        expect(n.midi).toBeGreaterThanOrEqual(54);
        expect(n.midi).toBeLessThanOrEqual(82);
        expect(n.durationSec).toBeGreaterThan(0);
      }
      // Each bar with melody has a note within the timing jitter (8 ms × 2.5) of its downbeat.
      const downbeats = score.beats.filter((b) => b.position === 1).map((b) => b.timeSec);
      const barStarts = downbeats.map((t, i) => [t, downbeats[i + 1] ?? Number.POSITIVE_INFINITY] as const);
      let silentBars = 0;
      for (const [t0, t1] of barStarts) {
        const inBar = notes.filter((n) => n.timeSec >= t0 - 0.021 && n.timeSec < t1 - 0.021);
        if (inBar.length === 0) silentBars++;
        else expect(Math.abs(inBar[0]!.timeSec - t0)).toBeLessThan(0.021);
      }
      expect(silentBars % 4).toBe(0); // whole phrases rest, never single bars
    }
  });
});
