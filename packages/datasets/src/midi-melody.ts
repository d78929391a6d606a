/**
 * A simple melody over a composed score's harmony, for the GM rendering: phrase-aware (it rests
 * in some phrases and ends each phrase it plays on a held chord tone), with a two-bar rhythmic
 * motif built per group of the grouping so every group starts with a note on its strong beat.
 */
import { humanizeTime, humanizeVelocity, type Score, swungPosition, ticksPerBeat } from "./compose.js";
import { chordAt, chordPitchClasses } from "./harmony.js";
import { groupStartPositions } from "./meter.js";
import type { Rng } from "./prng.js";

export interface MelodyNote {
  timeSec: number;
  durationSec: number;
  midi: number;
  /** Linear, as the score's velocities (about 0..1.2). */
  velocity: number;
}

/** Rhythms per group length: onsets in beats from the group start (x.5 = the off-beat). */
const RHYTHMS: Record<number, readonly (readonly number[])[]> = {
  1: [[0]],
  2: [[0], [0, 1], [0, 0.5, 1], [0, 1.5]],
  3: [[0, 2], [0, 1, 2], [0, 1.5, 2], [0], [0, 1]],
  4: [[0, 2, 3], [0, 1, 2, 3], [0, 1.5, 3], [0, 2]],
};

const SCALES = { major: [0, 2, 4, 5, 7, 9, 11], minor: [0, 2, 3, 5, 7, 8, 10] } as const;

/** Which phrases the melody plays: all, every other one (call and response) or all after the first. */
type PhrasePlan = "all" | "alternate" | "enter-late";

export function composeMelody(score: Score, rng: Rng): MelodyNote[] {
  const { spec, tempo, harmony } = score;
  const n = spec.numerator;
  const groupStarts = groupStartPositions(spec.grouping).map((p) => p - 1);
  const ticks = ticksPerBeat(spec.denominator, spec.bpm);
  const halfBeats = ticks >= 2 && spec.denominator <= 4;
  const plan = rng.weighted<PhrasePlan>([
    ["all", 2],
    ["alternate", 1.5],
    ["enter-late", 1],
  ]);
  const legato = rng.uniform(0.7, 0.98);
  const centre = rng.int(64, 72);
  const scale = SCALES[harmony.mode].map((s) => (s + harmony.tonic) % 12);
  const pitches: number[] = [];
  for (let m = centre - 10; m <= centre + 10; m++) if (scale.includes(m % 12)) pitches.push(m);
  const endSec = spec.durationSec ?? Number.POSITIVE_INFINITY;
  const jitterMs = 8;

  // Two bar rhythms (A and B), each a rhythm per group; phrases alternate A B A B … and cadence.
  const barRhythm = () =>
    spec.grouping.map((length) => rng.pick((RHYTHMS[length] ?? [[0]]).filter((r) => halfBeats || r.every(Number.isInteger))));
  const motifs = [barRhythm(), barRhythm()];

  const notes: MelodyNote[] = [];
  let index = Math.floor(pitches.length / 2);
  /** Index of the chord tone nearest to `from` (the lower one on a tie). */
  const nearestChordTone = (pcs: number[], from: number) => {
    for (let d = 0; d < pitches.length; d++) {
      for (const i of [from - d, from + d]) if (i >= 0 && i < pitches.length && pcs.includes(pitches[i]! % 12)) return i;
    }
    return from;
  };
  for (let bar = 0; bar < score.bars; bar++) {
    const phrase = Math.floor(bar / spec.phraseBars);
    const inPhrase = bar % spec.phraseBars;
    if ((plan === "alternate" && phrase % 2 === 1) || (plan === "enter-late" && phrase === 0)) continue;
    const startBeat = spec.pickupBeats + bar * n;
    const timeOf = (beat: number) => {
      const whole = Math.floor(beat);
      return tempo.timeAt(swungPosition(startBeat, whole, Math.round((beat - whole) * ticks), ticks, spec.swing));
    };
    if (timeOf(0) >= endSec) break;
    const gain = 0.92 + 0.16 * (inPhrase / Math.max(1, spec.phraseBars - 1));
    if (inPhrase === spec.phraseBars - 1) {
      // Cadence: one chord tone held from the downbeat, then a rest before the next phrase.
      const pcs = chordPitchClasses(chordAt(harmony, bar, 0));
      index = nearestChordTone([pcs[0]!, pcs[1]!], index);
      const t = timeOf(0);
      const held = groupStarts.length > 1 ? groupStarts[groupStarts.length - 1]! : Math.max(1, n - 1);
      notes.push(note(rng, t, timeOf(held) - t, pitches[index]!, 0.9 * gain, jitterMs));
      continue;
    }
    const motif = motifs[inPhrase % 2]!;
    const target = rng.int(2, pitches.length - 3);
    for (let gi = 0; gi < spec.grouping.length; gi++) {
      const start = groupStarts[gi]!;
      const length = spec.grouping[gi]!;
      const onsets = motif[gi]!;
      for (let k = 0; k < onsets.length; k++) {
        const beat = start + onsets[k]!;
        const pcs = chordPitchClasses(chordAt(harmony, bar, Math.floor(beat)));
        if (k === 0) {
          // Strong beats take a chord tone near the line; the first of a phrase any chord tone.
          index = inPhrase === 0 && gi === 0 ? nearestChordTone(pcs, rng.int(2, pitches.length - 3)) : nearestChordTone(pcs, index);
        } else {
          const step = rng.pick([1, 1, 2]) * (index < target ? 1 : index > target ? -1 : rng.chance(0.5) ? 1 : -1);
          index = Math.max(0, Math.min(pitches.length - 1, index + step));
        }
        const next = k + 1 < onsets.length ? start + onsets[k + 1]! : start + length;
        const t = timeOf(beat);
        if (t >= endSec) break;
        const accent = beat === 0 ? 1 : k === 0 ? 0.82 : 0.6;
        notes.push(note(rng, t, (timeOf(next) - t) * legato, pitches[index]!, accent * gain, jitterMs));
      }
    }
  }
  return notes;
}

function note(rng: Rng, timeSec: number, durationSec: number, midi: number, velocity: number, jitterMs: number): MelodyNote {
  return { timeSec: humanizeTime(rng, timeSec, jitterMs), durationSec: Math.max(0.05, durationSec), midi, velocity: humanizeVelocity(rng, velocity) };
}
