/** Keys, chord progressions and voicings for the harmonic parts of a synthetic clip. */
import type { Rng } from "./prng.js";

export type ChordQuality = "maj" | "min" | "dom7" | "maj7" | "min7";

export interface Chord {
  /** Pitch class of the root, 0 = C. */
  root: number;
  quality: ChordQuality;
}

const NOTE_NAMES = ["C", "C#", "D", "Eb", "E", "F", "F#", "G", "Ab", "A", "Bb", "B"];
const INTERVALS: Record<ChordQuality, readonly number[]> = {
  maj: [0, 4, 7],
  min: [0, 3, 7],
  dom7: [0, 4, 7, 10],
  maj7: [0, 4, 7, 11],
  min7: [0, 3, 7, 10],
};
const SUFFIX: Record<ChordQuality, string> = { maj: "", min: "m", dom7: "7", maj7: "maj7", min7: "m7" };

export function chordName(chord: Chord): string {
  return NOTE_NAMES[chord.root]! + SUFFIX[chord.quality];
}

export function keyName(tonic: number, mode: Mode): string {
  return `${NOTE_NAMES[tonic]} ${mode}`;
}

export function chordPitchClasses(chord: Chord): number[] {
  return INTERVALS[chord.quality].map((i) => (chord.root + i) % 12);
}

export function sameChord(a: Chord, b: Chord): boolean {
  return a.root === b.root && a.quality === b.quality;
}

export type Mode = "major" | "minor";
type Degree = readonly [semitones: number, quality: "maj" | "min"];

const DEGREES: Record<Mode, Record<string, Degree>> = {
  major: { I: [0, "maj"], ii: [2, "min"], iii: [4, "min"], IV: [5, "maj"], V: [7, "maj"], vi: [9, "min"] },
  minor: { i: [0, "min"], III: [3, "maj"], iv: [5, "min"], v: [7, "min"], V: [7, "maj"], VI: [8, "maj"], VII: [10, "maj"] },
};

/** Four-bar progressions in common use; every one changes chord on every bar and loops cleanly. */
const PROGRESSIONS: Record<Mode, readonly (readonly string[])[]> = {
  major: [
    ["I", "V", "vi", "IV"],
    ["I", "vi", "IV", "V"],
    ["I", "IV", "V", "IV"],
    ["vi", "IV", "I", "V"],
    ["I", "iii", "IV", "V"],
    ["ii", "V", "I", "vi"],
    ["I", "IV", "vi", "V"],
    ["IV", "I", "V", "vi"],
  ],
  minor: [
    ["i", "VI", "III", "VII"],
    ["i", "iv", "VII", "III"],
    ["i", "VII", "VI", "V"],
    ["i", "iv", "VI", "V"],
    ["i", "VI", "iv", "V"],
    ["iv", "i", "v", "VI"],
  ],
};

function degreeChord(tonic: number, mode: Mode, degree: string, sevenths: boolean): Chord {
  const [semitones, triad] = DEGREES[mode][degree]!;
  const root = (tonic + semitones) % 12;
  if (!sevenths) return { root, quality: triad };
  if (degree === "V") return { root, quality: "dom7" };
  return { root, quality: triad === "maj" ? "maj7" : "min7" };
}

/** One chord segment of a bar: the chord sounding from `startBeat` (0-based, a group start). */
export interface ChordSegment {
  startBeat: number;
  chord: Chord;
}

export interface HarmonyPlan {
  tonic: number;
  mode: Mode;
  /** Per bar, one segment (chord changes at the bar start) or two (a change at a group boundary). */
  bars: ChordSegment[][];
  /** A chord heard before the first downbeat (for pickups): the last chord of the progression. */
  pickupChord: Chord;
}

/**
 * Plan the harmony: an A-A-B-A phrase form from two progressions, chords changing at each bar start,
 * and now and then (`midBarRate`) a passing chord from a later group start to the bar end.
 */
export function planHarmony(
  rng: Rng,
  bars: number,
  phraseBars: number,
  groupStarts: readonly number[],
  midBarRate = 0.15,
): HarmonyPlan {
  const tonic = rng.int(0, 11);
  const mode: Mode = rng.chance(0.6) ? "major" : "minor";
  const sevenths = rng.chance(0.3);
  const progA = rng.pick(PROGRESSIONS[mode]);
  const progB = rng.pick(PROGRESSIONS[mode]);
  const palette = Object.keys(DEGREES[mode]).map((d) => degreeChord(tonic, mode, d, sevenths));
  const chords: Chord[] = [];
  for (let bar = 0; bar < bars; bar++) {
    const phrase = Math.floor(bar / phraseBars);
    const prog = phrase % 4 === 2 ? progB : progA;
    const inPhrase = bar % phraseBars;
    let degree = prog[inPhrase % 4]!;
    // 8-bar phrases end on a dominant turnaround when the progression allows it.
    if (phraseBars === 8 && inPhrase === 7 && degree !== "V" && prog[0] !== "V" && prog[2] !== "V") degree = "V";
    chords.push(degreeChord(tonic, mode, degree, sevenths));
  }
  // Every bar start is a chord change: replace any chord that repeats its predecessor.
  for (let bar = 1; bar < bars; bar++) {
    if (sameChord(chords[bar]!, chords[bar - 1]!)) {
      const next = chords[bar + 1];
      const options = palette.filter((c) => !sameChord(c, chords[bar - 1]!) && (!next || !sameChord(c, next)));
      chords[bar] = rng.pick(options);
    }
  }
  const plan: ChordSegment[][] = chords.map((chord, bar) => {
    const segments: ChordSegment[] = [{ startBeat: 0, chord }];
    if (groupStarts.length > 1 && rng.chance(midBarRate)) {
      const startBeat = groupStarts[rng.int(1, groupStarts.length - 1)]!;
      const next = chords[bar + 1];
      const options = palette.filter((c) => !sameChord(c, chord) && (!next || !sameChord(c, next)));
      segments.push({ startBeat, chord: rng.pick(options) });
    }
    return segments;
  });
  return { tonic, mode, bars: plan, pickupChord: chords.length > 0 ? chords[chords.length - 1]! : palette[0]! };
}

export function chordAt(plan: HarmonyPlan, bar: number, beat: number): Chord {
  const segments = plan.bars[bar]!;
  let chord = segments[0]!.chord;
  for (const s of segments) if (s.startBeat <= beat) chord = s.chord;
  return chord;
}

/** Bass pitch for a pitch class, in A1..G#2 (55–104 Hz). */
export function bassMidi(pitchClass: number): number {
  return 33 + ((pitchClass - 9 + 12) % 12);
}

/**
 * Voice a chord in the middle register (MIDI 52–76), choosing the inversion nearest to the
 * previous voicing, as a keyboard player would.
 */
export function voiceChord(chord: Chord, previous: readonly number[] | undefined): number[] {
  const pcs = chordPitchClasses(chord);
  const candidates: number[][] = [];
  for (let inversion = 0; inversion < pcs.length; inversion++) {
    const order = [...pcs.slice(inversion), ...pcs.slice(0, inversion)];
    for (let base = 52; base < 64; base++) {
      if (base % 12 !== order[0]) continue;
      const notes = [base];
      for (let i = 1; i < order.length; i++) {
        let n = notes[i - 1]! + 1;
        while (n % 12 !== order[i]) n++;
        notes.push(n);
      }
      if (notes[notes.length - 1]! <= 76) candidates.push(notes);
    }
  }
  const target = previous ?? [60, 64, 67];
  const centre = target.reduce((a, b) => a + b, 0) / target.length;
  let best = candidates[0]!;
  let bestCost = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    const mean = c.reduce((a, b) => a + b, 0) / c.length;
    const cost = Math.abs(mean - centre) + (previous ? 0 : Math.abs(c[0]! % 12 === pcs[0] ? 0 : 2));
    if (cost < bestCost) {
      bestCost = cost;
      best = c;
    }
  }
  return best;
}
