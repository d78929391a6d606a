/**
 * Render a composed score with a General MIDI sound font: the score (plus a melody) becomes a
 * Standard MIDI File, FluidSynth renders it, and the result is trimmed, noised and normalised like
 * a synthesised clip. FluidSynth and the sound font are system packages that this package never
 * installs: {@link findFluidsynth} says which are missing.
 */
import { execFile } from "node:child_process";
import { constants } from "node:fs";
import { access, mkdtemp, readFile, rm, stat, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { delimiter, join } from "node:path";
import { promisify } from "node:util";
import { decodeWav, downmix } from "@tactus/audio";
import type { BeatAnnotation, ResolvedClipSpec, Score } from "./compose.js";
import {
  GM_CHANNELS,
  GM_DRUM_CHANNEL,
  type GmArrangement,
  HIT_LENGTH_SEC,
  midiVelocity,
  type PitchedRole,
  VOICE_ROLE,
} from "./gm.js";
import type { HitVoice, PitchedVoice } from "./instruments.js";
import { PITCHED_VOICES } from "./instruments.js";
import { encodeMidiFile, type MidiEvent, type MidiFile, type MidiTrack, SECONDS_TIMING, secondsToTicks } from "./midi.js";
import { composeMelody, type MelodyNote } from "./midi-melody.js";
import { hashSeed, Rng } from "./prng.js";
import { finishClip } from "./render.js";
import { peakAbs } from "./synth-dsp.js";
import { composeClip } from "./synthesize.js";

const run = promisify(execFile);

/** The Debian/Ubuntu packages the GM renderer needs. */
export const FLUIDSYNTH_PACKAGES = ["fluidsynth", "fluid-soundfont-gm"] as const;
const INSTALL_HINT = `install them yourself, e.g. \`sudo apt-get install ${FLUIDSYNTH_PACKAGES.join(" ")}\` (tactus never installs anything)`;

/** Where GM sound fonts are installed by Debian/Ubuntu (fluid-soundfont-gm), Fedora and Arch. */
export const DEFAULT_SOUNDFONTS = [
  "/usr/share/sounds/sf2/FluidR3_GM.sf2",
  "/usr/share/sounds/sf2/default-GM.sf2",
  "/usr/share/soundfonts/FluidR3_GM.sf2",
  "/usr/share/soundfonts/default.sf2",
] as const;

/** FluidSynth or its sound font is missing or failed: the message says what to install or fix. */
export class RenderToolError extends Error {
  override name = "RenderToolError";
}

export interface FluidsynthSetup {
  /** The executable. */
  fluidsynth: string;
  /** The first line of `fluidsynth --version` (output bytes can differ between versions). */
  version: string;
  soundfont: string;
  /** Size of the sound font in bytes (identifies it in a corpus manifest). */
  soundfontBytes: number;
}

export interface FluidsynthOptions {
  /** A sound font (.sf2); default `$TACTUS_SOUNDFONT`, then {@link DEFAULT_SOUNDFONTS}. */
  soundfont?: string;
  /** The executable; default `$TACTUS_FLUIDSYNTH`, then `fluidsynth` on `$PATH`. */
  fluidsynth?: string;
  env?: NodeJS.ProcessEnv;
}

async function executable(path: string): Promise<boolean> {
  try {
    await access(path, constants.X_OK);
    return (await stat(path)).isFile();
  } catch {
    return false;
  }
}

/** Locate FluidSynth and a GM sound font, or throw a {@link RenderToolError} naming the packages to install. */
export async function findFluidsynth(options: FluidsynthOptions = {}): Promise<FluidsynthSetup> {
  const env = options.env ?? process.env;
  let fluidsynth = options.fluidsynth ?? env.TACTUS_FLUIDSYNTH;
  if (fluidsynth !== undefined) {
    if (!(await executable(fluidsynth))) throw new RenderToolError(`${fluidsynth}: not an executable FluidSynth; ${INSTALL_HINT}`);
  } else {
    for (const dir of (env.PATH ?? "").split(delimiter)) {
      if (dir && (await executable(join(dir, "fluidsynth")))) {
        fluidsynth = join(dir, "fluidsynth");
        break;
      }
    }
    if (fluidsynth === undefined) throw new RenderToolError(`fluidsynth not found on PATH; ${INSTALL_HINT}`);
  }
  const given = options.soundfont ?? env.TACTUS_SOUNDFONT;
  const candidates = given !== undefined ? [given] : DEFAULT_SOUNDFONTS;
  let soundfont: string | undefined;
  let soundfontBytes = 0;
  for (const candidate of candidates) {
    try {
      const s = await stat(candidate);
      if (s.isFile()) {
        soundfont = candidate;
        soundfontBytes = s.size;
        break;
      }
    } catch {
      // try the next
    }
  }
  if (soundfont === undefined) {
    throw new RenderToolError(
      given !== undefined
        ? `${given}: sound font not found (from --soundfont or TACTUS_SOUNDFONT)`
        : `no GM sound font found (looked for ${DEFAULT_SOUNDFONTS.join(", ")}); ${INSTALL_HINT}, or pass --soundfont / set TACTUS_SOUNDFONT`,
    );
  }
  let version: string;
  try {
    const { stdout } = await run(fluidsynth, ["--version"]);
    version = stdout.split("\n").find((l) => /version/i.test(l))?.trim() ?? stdout.trim();
  } catch (err) {
    throw new RenderToolError(`${fluidsynth} --version failed: ${(err as Error).message}`);
  }
  return { fluidsynth, version, soundfont, soundfontBytes };
}

// ---------------------------------------------------------------------------------------------
// Score → MIDI

interface Note {
  channel: number;
  key: number;
  velocity: number;
  start: number;
  end: number;
}

/** Track order: one track per channel that plays, named after its role. */
const TRACKS: readonly [number, PitchedRole | "drums"][] = [
  [GM_DRUM_CHANNEL, "drums"],
  [GM_CHANNELS.bass, "bass"],
  [GM_CHANNELS.keys, "keys"],
  [GM_CHANNELS.pluck, "pluck"],
  [GM_CHANNELS.pad, "pad"],
  [GM_CHANNELS.melody, "melody"],
];

/** Silence kept after the clip's end in the MIDI file, so the render covers the trimmed lead too. */
const MIDI_TAIL_SEC = 0.25;

/**
 * The MIDI file of a score: a conductor track (fixed tempo, so ticks are absolute time) and one
 * track per channel with its program, volume, pan, reverb and chorus, then the notes. Notes that
 * start after the clip's end are dropped; a repeat of a sounding key ends the earlier note.
 */
export function scoreToMidi(score: Score, arrangement: GmArrangement, melody: readonly MelodyNote[] = []): MidiFile {
  const { spec } = score;
  const endSec = spec.durationSec ?? score.totalSamples / spec.sampleRate;
  const endTick = secondsToTicks(endSec + MIDI_TAIL_SEC);
  const notes: Note[] = [];
  const add = (channel: number, key: number, velocity: number, timeSec: number, durationSec: number) => {
    if (timeSec >= endSec) return;
    const start = secondsToTicks(timeSec);
    notes.push({ channel, key, velocity: midiVelocity(velocity), start, end: Math.min(endTick, Math.max(start + 1, secondsToTicks(timeSec + durationSec))) });
  };
  for (const e of score.events) {
    if (PITCHED_VOICES.has(e.voice)) {
      add(GM_CHANNELS[VOICE_ROLE[e.voice as PitchedVoice]], e.midi!, e.velocity, e.timeSec, e.durationSec!);
    } else {
      const voice = e.voice as HitVoice;
      add(GM_DRUM_CHANNEL, arrangement.hitKeys[voice], e.velocity, e.timeSec, HIT_LENGTH_SEC[voice]);
    }
  }
  for (const m of melody) add(GM_CHANNELS.melody, m.midi, m.velocity, m.timeSec, m.durationSec);

  // One sounding note per (channel, key): a restrike ends the note before it; a duplicate strike
  // at the same tick keeps the louder one.
  const byKey = new Map<number, Note[]>();
  for (const note of notes) {
    const k = note.channel * 128 + note.key;
    const list = byKey.get(k) ?? [];
    list.push(note);
    byKey.set(k, list);
  }
  const kept: Note[] = [];
  for (const list of byKey.values()) {
    list.sort((a, b) => a.start - b.start || b.velocity - a.velocity);
    for (let i = 0; i < list.length; i++) {
      const note = list[i]!;
      if (i > 0 && list[i - 1]!.start === note.start) continue;
      const next = list.slice(i + 1).find((n) => n.start > note.start);
      if (next && next.start < note.end) note.end = next.start;
      kept.push(note);
    }
  }

  const conductor: MidiTrack = {
    events: [
      { tick: 0, type: "trackName", text: `tactus ${spec.numerator}/${spec.denominator} ${spec.grouping.join("+")} ${spec.bpm} bpm seed ${spec.seed}` },
      { tick: 0, type: "tempo", microsPerQuarter: SECONDS_TIMING.microsPerQuarter },
    ],
    endTick,
  };
  const tracks: MidiTrack[] = [conductor];
  for (const [channel, role] of TRACKS) {
    const own = kept.filter((n) => n.channel === channel);
    if (own.length === 0) continue;
    const mix = arrangement.mix[role];
    const program = role === "drums" ? arrangement.drumKit.program : arrangement.programs[role].program;
    const events: MidiEvent[] = [
      { tick: 0, type: "trackName", text: role },
      { tick: 0, type: "programChange", channel, program },
      { tick: 0, type: "controlChange", channel, controller: 7, value: mix.volume },
      { tick: 0, type: "controlChange", channel, controller: 10, value: mix.pan },
      { tick: 0, type: "controlChange", channel, controller: 91, value: mix.reverb },
      { tick: 0, type: "controlChange", channel, controller: 93, value: mix.chorus },
    ];
    own.sort((a, b) => a.start - b.start || a.key - b.key);
    for (const n of own) {
      events.push({ tick: n.start, type: "noteOn", channel, key: n.key, velocity: n.velocity });
      events.push({ tick: n.end, type: "noteOff", channel, key: n.key });
    }
    tracks.push({ events, endTick });
  }
  return { ticksPerQuarter: SECONDS_TIMING.ticksPerQuarter, tracks };
}

export interface MidiClip {
  score: Score;
  melody: MelodyNote[];
  midi: Uint8Array;
}

/** Compose a clip (the synthetic generator's score plus, if the arrangement says so, a melody) and encode it as MIDI. */
export function composeMidiClip(spec: ResolvedClipSpec, arrangement: GmArrangement): MidiClip {
  const score = composeClip(spec);
  const melody = arrangement.melody ? composeMelody(score, new Rng(hashSeed(spec.seed, "gm-melody"))) : [];
  return { score, melody, midi: encodeMidiFile(scoreToMidi(score, arrangement, melody)) };
}

// ---------------------------------------------------------------------------------------------
// FluidSynth

/** Master gain: float output never clips, and the clip is normalised afterwards. */
const FLUIDSYNTH_GAIN = 0.5;

/**
 * Render MIDI bytes with FluidSynth (`-F`, 32-bit float WAV, reverb and chorus on unless `dry`) and
 * mix to mono. The temporary files live in a fresh folder under the OS temp dir and are removed afterwards.
 */
export async function renderMidiWithFluidsynth(setup: FluidsynthSetup, midi: Uint8Array, sampleRate: number, dry = false): Promise<Float32Array> {
  const dir = await mkdtemp(join(tmpdir(), "tactus-fluidsynth-"));
  try {
    const midPath = join(dir, "in.mid");
    const wavPath = join(dir, "out.wav");
    await writeFile(midPath, midi);
    const effects = dry ? "0" : "1";
    const args = ["-ni", "-q", "-R", effects, "-C", effects, "-g", String(FLUIDSYNTH_GAIN), "-r", String(sampleRate), "-T", "wav", "-O", "float", "-F", wavPath, setup.soundfont, midPath];
    try {
      await run(setup.fluidsynth, args, { maxBuffer: 16 * 1024 * 1024 });
    } catch (err) {
      const e = err as Error & { stderr?: string };
      throw new RenderToolError(`${setup.fluidsynth} ${args.join(" ")} failed: ${(e.stderr || e.message).trim()}`);
    }
    let bytes: Uint8Array;
    try {
      bytes = await readFile(wavPath);
    } catch {
      throw new RenderToolError(`${setup.fluidsynth} wrote no audio to ${wavPath}`);
    }
    const pcm = decodeWav(bytes, wavPath);
    if (pcm.sampleRate !== sampleRate) throw new RenderToolError(`${wavPath}: FluidSynth wrote ${pcm.sampleRate} Hz, asked for ${sampleRate} Hz`);
    return downmix(pcm.channelData);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

/** Click times of the latency probe: irregular spacing, so every position in FluidSynth's 64-sample block is hit. */
const PROBE_TIMES = Array.from({ length: 24 }, (_, i) => 0.3 + i * 0.5013);
const PROBE_KEY = 76; // hi wood block: a sharp attack

/** Onset of each probe click in `x`: the first sample above 1/1000 of the peak, from 10 ms before the click. */
export function probeOnsets(x: Float32Array, sampleRate: number, times: readonly number[] = PROBE_TIMES): number[] {
  const peak = peakAbs(x);
  return times.map((t) => {
    let i = Math.max(0, Math.round((t - 0.01) * sampleRate));
    while (i < x.length && Math.abs(x[i]!) < peak * 1e-3) i++;
    return i / sampleRate - t;
  });
}

/** The MIDI file of the latency probe: wood-block clicks on the drum channel. */
export function latencyProbeMidi(): Uint8Array {
  const events: MidiEvent[] = [];
  for (const t of PROBE_TIMES) {
    events.push({ tick: secondsToTicks(t), type: "noteOn", channel: GM_DRUM_CHANNEL, key: PROBE_KEY, velocity: 120 });
    events.push({ tick: secondsToTicks(t + 0.1), type: "noteOff", channel: GM_DRUM_CHANNEL, key: PROBE_KEY });
  }
  const endTick = secondsToTicks(PROBE_TIMES[PROBE_TIMES.length - 1]! + 0.3);
  return encodeMidiFile({ ticksPerQuarter: SECONDS_TIMING.ticksPerQuarter, tracks: [{ events: [{ tick: 0, type: "tempo", microsPerQuarter: SECONDS_TIMING.microsPerQuarter }] }, { events, endTick }] });
}

/**
 * FluidSynth's output lags the MIDI times by a few milliseconds (at 22 050 Hz about 4–7 ms: a fixed
 * delay plus the 64-sample block the event falls in). Measured by rendering wood-block clicks dry; the
 * median, in whole samples, is trimmed from the start of every render so annotations line up.
 */
export async function measureFluidsynthLatency(setup: FluidsynthSetup, sampleRate: number): Promise<number> {
  const x = await renderMidiWithFluidsynth(setup, latencyProbeMidi(), sampleRate, true);
  const offsets = probeOnsets(x, sampleRate).sort((a, b) => a - b);
  const median = offsets[Math.floor(offsets.length / 2)]!;
  if (!(median >= 0 && median < 0.05)) throw new RenderToolError(`FluidSynth latency probe gave ${(median * 1000).toFixed(1)} ms (expected 0–50 ms); is ${setup.soundfont} a GM sound font?`);
  return Math.round(median * sampleRate);
}

export interface RenderedMidiClip extends MidiClip {
  samples: Float32Array;
  beats: BeatAnnotation[];
}

/**
 * Compose, encode and render one clip: FluidSynth's output minus `latencySamples` at the start,
 * cut (or padded) to the clip's length, then faded, noised and normalised like a synthesised clip.
 */
export async function renderGmClip(
  spec: ResolvedClipSpec,
  arrangement: GmArrangement,
  setup: FluidsynthSetup,
  latencySamples: number,
): Promise<RenderedMidiClip> {
  const clip = composeMidiClip(spec, arrangement);
  const raw = await renderMidiWithFluidsynth(setup, clip.midi, spec.sampleRate);
  const samples = new Float32Array(clip.score.totalSamples);
  samples.set(raw.subarray(latencySamples, latencySamples + samples.length));
  let first = samples.length;
  for (const e of [...clip.score.events, ...clip.melody]) first = Math.min(first, Math.round(e.timeSec * spec.sampleRate));
  finishClip(samples, spec, first, new Rng(hashSeed(spec.seed, "gm-finish")));
  return { ...clip, samples, beats: clip.score.beats };
}
