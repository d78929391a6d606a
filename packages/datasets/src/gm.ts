/**
 * General MIDI choices for rendering a score with a GM sound font: which percussion key plays each
 * hit voice, which program plays each pitched part, and the per-clip mix (volume, pan, reverb,
 * chorus). Every choice is drawn from the clip's seed, so a clip's arrangement is reproducible and
 * recorded in corpus.json.
 */
import type { Instrumentation } from "./compose.js";
import type { HitVoice, PitchedVoice } from "./instruments.js";
import { hashSeed, Rng } from "./prng.js";

/** The GM percussion channel (10, zero-based 9). */
export const GM_DRUM_CHANNEL = 9;

/** Channels of the pitched roles (the drum channel is {@link GM_DRUM_CHANNEL}). */
export const GM_CHANNELS = { bass: 0, keys: 1, pluck: 2, pad: 3, melody: 4 } as const;
export type PitchedRole = keyof typeof GM_CHANNELS;

/** Which role plays each pitched voice of the composer. */
export const VOICE_ROLE: Readonly<Record<PitchedVoice, PitchedRole>> = { bass: "bass", epiano: "keys", pluck: "pluck", pad: "pad" };

/** GM program names (zero-based program numbers) of the programs used here. */
export const GM_PROGRAM_NAMES: Readonly<Record<number, string>> = {
  0: "Acoustic Grand Piano",
  1: "Bright Acoustic Piano",
  4: "Electric Piano 1",
  5: "Electric Piano 2",
  6: "Harpsichord",
  7: "Clavinet",
  8: "Celesta",
  10: "Music Box",
  11: "Vibraphone",
  12: "Marimba",
  16: "Drawbar Organ",
  17: "Percussive Organ",
  19: "Church Organ",
  21: "Accordion",
  22: "Harmonica",
  24: "Acoustic Guitar (nylon)",
  25: "Acoustic Guitar (steel)",
  26: "Electric Guitar (jazz)",
  27: "Electric Guitar (clean)",
  32: "Acoustic Bass",
  33: "Electric Bass (finger)",
  34: "Electric Bass (pick)",
  35: "Fretless Bass",
  38: "Synth Bass 1",
  39: "Synth Bass 2",
  40: "Violin",
  45: "Pizzicato Strings",
  46: "Orchestral Harp",
  48: "String Ensemble 1",
  49: "String Ensemble 2",
  50: "Synth Strings 1",
  52: "Choir Aahs",
  53: "Voice Oohs",
  56: "Trumpet",
  65: "Alto Sax",
  66: "Tenor Sax",
  68: "Oboe",
  71: "Clarinet",
  73: "Flute",
  74: "Recorder",
  75: "Pan Flute",
  80: "Lead 1 (square)",
  81: "Lead 2 (sawtooth)",
  88: "Pad 1 (new age)",
  89: "Pad 2 (warm)",
  90: "Pad 3 (polysynth)",
  91: "Pad 4 (choir)",
  108: "Kalimba",
};

/** Programs per role, with relative weights. */
export const GM_PROGRAM_SETS: Readonly<Record<PitchedRole, readonly (readonly [number, number])[]>> = {
  bass: [[32, 2], [33, 3], [34, 2], [35, 1.5], [38, 1], [39, 0.5]],
  keys: [[0, 3], [1, 1], [4, 3], [5, 2], [16, 1], [17, 1], [7, 0.7], [6, 0.5], [11, 1], [21, 0.7], [27, 1.5], [24, 1]],
  pluck: [[24, 2], [25, 2], [26, 1], [27, 2], [46, 1.5], [12, 1.5], [11, 1], [0, 1.5], [45, 1], [8, 0.5], [10, 0.3], [108, 0.5]],
  pad: [[48, 3], [49, 2], [50, 1.5], [52, 1.5], [53, 1], [89, 1.5], [88, 1], [90, 1], [91, 0.7], [19, 0.7]],
  melody: [[73, 2], [71, 1.5], [68, 1], [65, 1.5], [66, 1], [56, 1.5], [40, 1.5], [11, 1], [0, 1.5], [22, 0.7], [74, 0.7], [75, 0.7], [80, 0.5], [81, 0.5], [26, 1]],
};

/** Drum-kit programs (bank 128) of the GM/GS sound fonts, with relative weights. */
export const GM_DRUM_KITS: readonly (readonly [number, string, number])[] = [
  [0, "Standard", 4],
  [8, "Room", 2],
  [16, "Power", 1.5],
  [24, "Electronic", 0.7],
  [25, "TR-808", 0.5],
  [32, "Jazz", 1.5],
  [40, "Brush", 1],
];

/** GM percussion keys for each hit voice of the drum kit, as alternatives drawn per clip. */
const KIT_KEYS = {
  kick: [36, 35],
  snare: [38, 40],
  hatClosed: [42],
  hatOpen: [46],
  ride: [51, 59],
  crash: [49, 57],
} as const;
/** High, mid and low tom keys. */
const TOM_SETS = [
  [50, 47, 43],
  [48, 45, 41],
] as const;

/** Hand-drum families: keys for the low tone, the open tone and the slap. */
const HAND_DRUMS = {
  congas: { handLow: 64, handOpen: 63, handSlap: 62 },
  bongos: { handLow: 61, handOpen: 60, handSlap: 60 },
  timbales: { handLow: 66, handOpen: 65, handSlap: 65 },
} as const;
const SHAKERS = [
  [70, "maracas"],
  [82, "shaker"],
  [69, "cabasa"],
  [54, "tambourine"],
] as const;
const BLOCKS = [
  [76, "hi wood block"],
  [77, "low wood block"],
  [75, "claves"],
  [56, "cowbell"],
  [37, "side stick"],
] as const;

export interface GmChannelMix {
  /** CC 7, 0..127. */
  volume: number;
  /** CC 10, 0 = left, 64 = centre, 127 = right. */
  pan: number;
  /** CC 91, reverb send. */
  reverb: number;
  /** CC 93, chorus send. */
  chorus: number;
}

export interface GmArrangement {
  /** Programs of the pitched roles (zero-based GM numbers) and their names. */
  programs: Record<PitchedRole, { program: number; name: string }>;
  /** Drum-kit program on channel 10 (bank 128). */
  drumKit: { program: number; name: string };
  /** Percussion key of every hit voice. */
  hitKeys: Record<HitVoice, number>;
  /** The hand-drum family and the shaker and block sounds (for the record). */
  handDrums: keyof typeof HAND_DRUMS;
  shaker: string;
  block: string;
  /** Whether a melody is added over the harmony (never in percussion-only clips). */
  melody: boolean;
  mix: Record<PitchedRole | "drums", GmChannelMix>;
}

function program(role: PitchedRole, rng: Rng): { program: number; name: string } {
  const p = rng.weighted(GM_PROGRAM_SETS[role]);
  return { program: p, name: GM_PROGRAM_NAMES[p]! };
}

function clamp7(x: number): number {
  return Math.max(0, Math.min(127, Math.round(x)));
}

/**
 * Draw a clip's GM arrangement from its seed and instrumentation alone (no score needed), so a
 * corpus plan can record it before anything is rendered.
 */
export function chooseGmArrangement(seed: number, instrumentation: Instrumentation): GmArrangement {
  const rng = new Rng(hashSeed(seed, "gm-arrangement"));
  const programs = {
    bass: program("bass", rng),
    keys: program("keys", rng),
    pluck: program("pluck", rng),
    pad: program("pad", rng),
    melody: program("melody", rng),
  };
  const kit = rng.weighted(GM_DRUM_KITS.map(([p, name, w]) => [[p, name] as const, w] as const));
  const toms = rng.pick(TOM_SETS);
  const handDrums = rng.pick(Object.keys(HAND_DRUMS) as (keyof typeof HAND_DRUMS)[]);
  const shaker = rng.pick(SHAKERS);
  const block = rng.pick(BLOCKS);
  const hitKeys: Record<HitVoice, number> = {
    kick: rng.pick(KIT_KEYS.kick),
    snare: rng.weighted([
      [KIT_KEYS.snare[0], 3],
      [KIT_KEYS.snare[1], 1],
    ]),
    hatClosed: KIT_KEYS.hatClosed[0],
    hatOpen: KIT_KEYS.hatOpen[0],
    ride: rng.pick(KIT_KEYS.ride),
    crash: rng.pick(KIT_KEYS.crash),
    tomHigh: toms[0],
    tomMid: toms[1],
    tomLow: toms[2],
    ...HAND_DRUMS[handDrums],
    shaker: shaker[0],
    block: block[0],
  };
  // A wetter room for sparse (drumless) music, a drier one for a kit; chorus mostly on keys and pads.
  const room = instrumentation === "drums" ? rng.uniform(15, 60) : rng.uniform(30, 90);
  const chorus = rng.uniform(0, 50);
  const channel = (volume: number, pan: number, reverbScale: number, chorusScale: number): GmChannelMix => ({
    volume: clamp7(volume + rng.uniform(-8, 8)),
    pan: clamp7(pan),
    reverb: clamp7(room * reverbScale),
    chorus: clamp7(chorus * chorusScale),
  });
  const side = rng.chance(0.5) ? 1 : -1;
  const mix = {
    drums: channel(108, 64, 0.7, 0),
    bass: channel(100, 64, 0.3, 0),
    keys: channel(88, 64 + side * rng.uniform(10, 35), 1, 1),
    pluck: channel(88, 64 - side * rng.uniform(10, 35), 1, 0.8),
    pad: channel(72, 64 + rng.uniform(-15, 15), 1.2, 1.2),
    melody: channel(96, 64 + rng.uniform(-12, 12), 1, 0.6),
  };
  return {
    programs,
    drumKit: instrumentation === "percussion" ? { program: 0, name: "Standard" } : { program: kit[0], name: kit[1] },
    hitKeys,
    handDrums,
    shaker: shaker[1],
    block: block[1],
    melody: instrumentation !== "percussion" && rng.chance(0.65),
    mix,
  };
}

/** MIDI velocity of a score velocity (about 0..1.2, linear gain): GM velocity curves are roughly quadratic. */
export function midiVelocity(velocity: number): number {
  return Math.max(1, Math.min(127, Math.round(127 * Math.sqrt(Math.max(0, velocity) / 1.15))));
}

/** How long each hit sounds before its note-off (cymbals ring; a repeat of the same key cuts it). */
export const HIT_LENGTH_SEC: Readonly<Record<HitVoice, number>> = {
  kick: 0.4,
  snare: 0.4,
  hatClosed: 0.25,
  hatOpen: 0.8,
  ride: 1.5,
  crash: 2.5,
  tomHigh: 0.6,
  tomMid: 0.6,
  tomLow: 0.7,
  handLow: 0.5,
  handOpen: 0.4,
  handSlap: 0.3,
  shaker: 0.2,
  block: 0.3,
};
