/**
 * The score of a synthetic clip: the beat grid (with drift, pickup and intro), and every note of
 * every part, placed so that the meter is heard the way real music shows it: kicks and bass on
 * downbeats and group starts, backbeats, hi-hats on subdivisions, fills at phrase ends, chords that
 * change at bar starts and comping that follows the grouping. No audio is rendered here.
 */
import { bassMidi, type Chord, chordAt, chordName, type HarmonyPlan, keyName, planHarmony, voiceChord } from "./harmony.js";
import type { HitVoice, PitchedVoice, Voice } from "./instruments.js";
import { groupStartPositions } from "./meter.js";
import type { Rng } from "./prng.js";
import { driftShape, TempoMap } from "./timeline.js";

export type Instrumentation = "drums" | "drumless" | "percussion";
export type NoiseColor = "pink" | "white";
export type Part = "drums" | "percussion" | "bass" | "keys";

/** A clip specification with every optional field decided (what `meta.spec` reports). */
export interface ResolvedClipSpec {
  numerator: number;
  denominator: number;
  grouping: number[];
  bpm: number;
  bars?: number;
  durationSec?: number;
  seed: number;
  instrumentation: Instrumentation;
  swing: number;
  tempoDriftPct: number;
  noiseDb: number | null;
  noiseColor: NoiseColor;
  sampleRate: number;
  pickupBeats: number;
  introSilenceSec: number;
  phraseBars: number;
}

export interface BeatAnnotation {
  timeSec: number;
  /** 1 = downbeat, up to the numerator. */
  position: number;
}

export interface ScoreEvent {
  voice: Voice;
  part: Part;
  timeSec: number;
  velocity: number;
  /** Pitched voices only. */
  midi?: number;
  durationSec?: number;
  /** Hit voices only: which round-robin variant. */
  variant?: number;
}

export interface PartStyles {
  drums?: string;
  percussion?: string;
  bass?: string;
  keys?: string;
}

export interface Score {
  spec: ResolvedClipSpec;
  tempo: TempoMap;
  /** Bars composed (the last may lie partly past `durationSec`). */
  bars: number;
  totalSamples: number;
  beats: BeatAnnotation[];
  events: ScoreEvent[];
  chordChanges: { timeSec: number; chord: string }[];
  key: string;
  parts: Part[];
  styles: PartStyles;
  /** The chords behind `chordChanges` (key, per-bar segments), for parts added after composition. */
  harmony: HarmonyPlan;
}

/** Ticks per beat for hi-hats and comping: eighths or sixteenths under a quarter, eighths or sixteenths-of-eighth. */
export function ticksPerBeat(denominator: number, bpm: number): number {
  if (denominator <= 4) return bpm < 84 ? 4 : 2;
  return bpm <= 125 ? 2 : 1;
}

const TAIL_SEC = 1.2;

interface BarInfo {
  index: number;
  /** Global beat index of the bar's first beat. */
  startBeat: number;
  phrase: number;
  isPhraseStart: boolean;
  isPhraseEnd: boolean;
  gain: number;
}

/** Shared context of one clip's composition. */
class Composer {
  readonly events: ScoreEvent[] = [];
  readonly n: number;
  readonly groupStarts: number[];
  readonly groupStartSet: Set<number>;
  readonly ticks: number;

  constructor(
    readonly spec: ResolvedClipSpec,
    readonly tempo: TempoMap,
    readonly barInfo: BarInfo[],
  ) {
    this.n = spec.numerator;
    this.groupStarts = groupStartPositions(spec.grouping).map((p) => p - 1);
    this.groupStartSet = new Set(this.groupStarts);
    this.ticks = ticksPerBeat(spec.denominator, spec.bpm);
  }

  /** Metric weight of a beat: downbeat > group start > other beats. */
  weight(beat: number): number {
    return beat === 0 ? 1 : this.groupStartSet.has(beat) ? 0.82 : 0.64;
  }

  /** Group (index, start, length) containing a beat of the bar. */
  groupOf(beat: number): { index: number; start: number; length: number } {
    let index = 0;
    for (let i = 0; i < this.groupStarts.length; i++) if (this.groupStarts[i]! <= beat) index = i;
    return { index, start: this.groupStarts[index]!, length: this.spec.grouping[index]! };
  }

  /** Time of tick `tick` (of `ticksPerBeat`) after beat `beat` of a bar; odd ticks are swung late. */
  tickTime(bar: BarInfo, beat: number, tick = 0, perBeat = this.ticks): number {
    return this.tempo.timeAt(swungPosition(bar.startBeat, beat, tick, perBeat, this.spec.swing));
  }

  /** The beat itself, or the half-beat after it (swung when the off-beat is the odd tick). */
  offbeatTime(bar: BarInfo, beat: number, half: boolean): number {
    if (!half) return this.tickTime(bar, beat);
    return this.ticks >= 2 ? this.tickTime(bar, beat, this.ticks / 2) : this.tickTime(bar, beat, 1, 2);
  }

  beatSec(globalBeat: number): number {
    return this.tempo.timeAt(globalBeat + 1) - this.tempo.timeAt(globalBeat);
  }

  hit(rng: Rng, part: Part, voice: HitVoice, timeSec: number, velocity: number, jitterMs: number, gain = 1): void {
    this.events.push({
      voice,
      part,
      timeSec: humanizeTime(rng, timeSec, jitterMs),
      velocity: humanizeVelocity(rng, velocity) * gain,
      variant: rng.int(0, 2),
    });
  }

  note(
    rng: Rng,
    part: Part,
    voice: PitchedVoice,
    midi: number,
    timeSec: number,
    durationSec: number,
    velocity: number,
    jitterMs: number,
    gain = 1,
  ): void {
    this.events.push({
      voice,
      part,
      midi,
      timeSec: humanizeTime(rng, timeSec, jitterMs),
      durationSec: Math.max(0.03, durationSec),
      velocity: humanizeVelocity(rng, velocity) * gain,
    });
  }
}

/** A few milliseconds of human timing error (clamped at 2.5 σ); annotations keep the ideal time. */
export function humanizeTime(rng: Rng, timeSec: number, jitterMs: number): number {
  const e = Math.max(-2.5, Math.min(2.5, rng.normal()));
  return Math.max(0, timeSec + (e * jitterMs) / 1000);
}

export function humanizeVelocity(rng: Rng, velocity: number): number {
  return Math.max(0.02, velocity * (1 + 0.08 * Math.max(-2.5, Math.min(2.5, rng.normal()))));
}

/** Beat position of tick `tick` (of `perBeat`) after beat `beat` counted from `startBeat`; odd ticks are swung late by `swing` ticks. */
export function swungPosition(startBeat: number, beat: number, tick: number, perBeat: number, swing: number): number {
  return startBeat + beat + (tick + (tick % 2 === 1 ? swing : 0)) / perBeat;
}

export function composeScore(spec: ResolvedClipSpec, rng: Rng): Score {
  const structureRng = rng.fork("structure");
  const harmonyRng = rng.fork("harmony");
  const drumsRng = rng.fork("drums");
  const percRng = rng.fork("percussion");
  const bassRng = rng.fork("bass");
  const keysRng = rng.fork("keys");

  const n = spec.numerator;
  const driftFraction = spec.tempoDriftPct / 100;
  let bars: number;
  if (spec.bars !== undefined) {
    bars = spec.bars;
  } else {
    const maxBpm = spec.bpm * (1 + driftFraction);
    const beatsNeeded = Math.ceil((spec.durationSec! * maxBpm) / 60) + 1;
    bars = Math.max(1, Math.ceil((beatsNeeded - spec.pickupBeats) / n));
  }
  const totalBeats = spec.pickupBeats + (bars + 1) * n;
  const shape = driftFraction > 0 ? driftShape(structureRng, totalBeats, spec.bpm) : () => 0;
  const tempo = new TempoMap(spec.introSilenceSec, totalBeats, (b) => spec.bpm * (1 + driftFraction * shape(b)));

  const endSec =
    spec.durationSec !== undefined ? spec.durationSec : tempo.timeAt(spec.pickupBeats + bars * n) + TAIL_SEC;
  const totalSamples = Math.round(endSec * spec.sampleRate);

  const beats: BeatAnnotation[] = [];
  for (let g = 0; g < spec.pickupBeats + bars * n; g++) {
    const timeSec = tempo.timeAt(g);
    if (spec.durationSec !== undefined && timeSec >= spec.durationSec) break;
    const position = g < spec.pickupBeats ? n - spec.pickupBeats + g + 1 : ((g - spec.pickupBeats) % n) + 1;
    beats.push({ timeSec, position });
  }

  const barInfo: BarInfo[] = [];
  for (let k = 0; k < bars; k++) {
    const phrase = Math.floor(k / spec.phraseBars);
    barInfo.push({
      index: k,
      startBeat: spec.pickupBeats + k * n,
      phrase,
      isPhraseStart: k % spec.phraseBars === 0,
      isPhraseEnd: k % spec.phraseBars === spec.phraseBars - 1,
      gain: 1,
    });
  }
  // Phrases differ slightly in level (±1.5 dB), as sections of a song do.
  const phraseGains = Array.from({ length: Math.ceil(bars / spec.phraseBars) + 1 }, (_, i) =>
    i === 0 ? 1 : 10 ** (structureRng.uniform(-1.5, 1.5) / 20),
  );
  for (const bar of barInfo) bar.gain = phraseGains[bar.phrase]!;

  const c = new Composer(spec, tempo, barInfo);
  const harmony = planHarmony(harmonyRng, bars, spec.phraseBars, c.groupStarts);
  const styles: PartStyles = {};
  const parts: Part[] = [];
  if (spec.instrumentation === "drums") {
    styles.drums = composeDrums(c, drumsRng);
    parts.push("drums");
  }
  if (spec.instrumentation === "percussion") {
    styles.percussion = composePercussion(c, percRng);
    parts.push("percussion");
  }
  if (spec.instrumentation !== "percussion") {
    styles.bass = composeBass(c, bassRng, harmony);
    styles.keys = composeKeys(c, keysRng, harmony);
    parts.push("bass", "keys");
  }

  const chordChanges: { timeSec: number; chord: string }[] = [];
  if (spec.instrumentation !== "percussion") {
    for (const bar of barInfo) {
      for (const segment of harmony.bars[bar.index]!) {
        const timeSec = c.tickTime(bar, segment.startBeat);
        if (timeSec < endSec) chordChanges.push({ timeSec, chord: chordName(segment.chord) });
      }
    }
  }
  c.events.sort((a, b) => a.timeSec - b.timeSec);
  return {
    spec,
    tempo,
    bars,
    totalSamples,
    beats,
    events: c.events,
    chordChanges,
    key: spec.instrumentation === "percussion" ? "none" : keyName(harmony.tonic, harmony.mode),
    parts,
    styles,
    harmony,
  };
}

// ---------------------------------------------------------------------------------------------
// Drum kit

function composeDrums(c: Composer, rng: Rng): string {
  const { spec, n, ticks } = c;
  const quarterFeel = spec.denominator <= 4;
  const tripleStyle = rng.pick(["waltz", "backbeat-on-3", "backbeat-on-2"] as const);
  const laterGroupVoice = rng.chance(0.65) ? "kick" : "snare";
  const rideOnOddPhrases = rng.chance(0.3);
  const variationRate = rng.uniform(0.2, 0.5);
  const jitterMs = 3;

  // Base pattern (per beat of the bar): kick on the downbeat and group starts, snare backbeats.
  const kick = new Array<number>(n).fill(0);
  const snare = new Array<number>(n).fill(0);
  spec.grouping.forEach((length, gi) => {
    const s = c.groupStarts[gi]!;
    if (quarterFeel) {
      kick[s] = 1;
      if (length === 2) snare[s + 1] = 0.9;
      else if (length === 3) {
        if (tripleStyle === "waltz") snare[s + 1] = snare[s + 2] = 0.6;
        else snare[tripleStyle === "backbeat-on-3" ? s + 2 : s + 1] = 0.9;
      } else if (length >= 4) for (let b = s + 1; b < s + length; b += 2) snare[b] = 0.9;
    } else if (gi === 0) {
      kick[s] = 1;
    } else if (gi % 2 === 1 || gi === spec.grouping.length - 1) {
      // In additive x/8 grooves the backbeat lands on the group starts after the first.
      if (gi % 2 === 1) snare[s] = 0.95;
      else if (laterGroupVoice === "kick") kick[s] = 0.9;
      else snare[s] = 0.9;
    } else {
      kick[s] = 0.9;
    }
  });

  const fillVoices: HitVoice[] = ["snare", "tomHigh", "tomMid", "tomLow"];
  const fillTicks = quarterFeel ? 4 : 2;

  // Pickup: a snare lead-in into the first downbeat.
  if (spec.pickupBeats > 0) {
    for (let g = 0; g < spec.pickupBeats; g++) {
      for (let j = 0; j < 2; j++) {
        const t = c.tempo.timeAt(g + j / 2);
        c.hit(rng, "drums", "snare", t, 0.35 + (0.4 * (g * 2 + j)) / (spec.pickupBeats * 2), jitterMs);
      }
    }
  }

  for (const bar of c.barInfo) {
    const g = bar.gain;
    if (bar.isPhraseStart && (bar.index > 0 || spec.pickupBeats > 0 || rng.chance(0.5))) {
      c.hit(rng, "drums", "crash", c.tickTime(bar, 0), 0.75, jitterMs, g);
    }
    const fill = bar.isPhraseEnd && rng.chance(0.85);
    let fillStart = n;
    if (fill) {
      fillStart = spec.grouping.length > 1 ? c.groupStarts[c.groupStarts.length - 1]! : Math.max(1, n - 2);
      fillStart = Math.max(fillStart, n - 4);
    }
    const hatVoice: HitVoice = rideOnOddPhrases && bar.phrase % 2 === 1 ? "ride" : "hatClosed";
    const openAt = rng.chance(0.2) && ticks >= 2 ? { beat: n - 1, tick: ticks - 1 } : undefined;

    for (let beat = 0; beat < fillStart; beat++) {
      const w = c.weight(beat);
      const t = c.tickTime(bar, beat);
      if (kick[beat]! > 0) c.hit(rng, "drums", "kick", t, kick[beat]! * w, jitterMs, g);
      if (snare[beat]! > 0) c.hit(rng, "drums", "snare", t, snare[beat]! * (0.85 + 0.15 * w), jitterMs, g);
      for (let j = 0; j < ticks; j++) {
        const open = openAt && openAt.beat === beat && openAt.tick === j;
        const v = j === 0 ? (c.groupStartSet.has(beat) ? 0.8 : 0.62) : j * 2 === ticks ? 0.45 : 0.32;
        c.hit(rng, "drums", open ? "hatOpen" : hatVoice, c.tickTime(bar, beat, j), v, jitterMs, g);
      }
    }

    // Per-bar variation: kick anticipations and pushes on off-beats, ghost notes.
    if (rng.chance(variationRate)) {
      const kind = rng.int(0, 2);
      if (kind === 0 && ticks >= 2 && c.groupStarts.length > 1) {
        const target = c.groupStarts[rng.int(1, c.groupStarts.length - 1)]!;
        if (target < fillStart) c.hit(rng, "drums", "kick", c.tickTime(bar, target - 1, ticks - 1), 0.5, jitterMs, g);
      } else if (kind === 1 && ticks >= 2) {
        c.hit(rng, "drums", "kick", c.tickTime(bar, 0, ticks / 2), 0.5, jitterMs, g);
      } else {
        for (let k = rng.int(1, 3); k > 0; k--) {
          const beat = rng.int(0, fillStart - 1);
          const j = ticks >= 2 ? rng.int(1, ticks - 1) : 0;
          if (j === 0 && c.groupStartSet.has(beat)) continue;
          c.hit(rng, "drums", "snare", c.tickTime(bar, beat, j), 0.18, jitterMs, g);
        }
      }
    }

    // Fill: the last group turns into a snare-and-toms run with a crescendo; the kick keeps the group start.
    if (fill) {
      if (kick[fillStart]! > 0 || c.groupStartSet.has(fillStart)) {
        c.hit(rng, "drums", "kick", c.tickTime(bar, fillStart), 0.85, jitterMs, g);
      }
      const total = (n - fillStart) * fillTicks;
      for (let k = 0; k < total; k++) {
        if (k > 0 && !rng.chance(0.85)) continue;
        const beat = fillStart + Math.floor(k / fillTicks);
        const j = k % fillTicks;
        const voice = fillVoices[Math.min(fillVoices.length - 1, Math.floor((k / total) * fillVoices.length))]!;
        const v = 0.45 + (0.5 * k) / total + (j === 0 ? 0.1 : 0);
        c.hit(rng, "drums", voice, c.tickTime(bar, beat, j, fillTicks), v, jitterMs, g);
      }
    }
  }
  if (!quarterFeel) return `additive/${laterGroupVoice}`;
  return spec.grouping.includes(3) ? `backbeat/${tripleStyle}` : "backbeat";
}

// ---------------------------------------------------------------------------------------------
// Hand percussion

function composePercussion(c: Composer, rng: Rng): string {
  const { spec, n, ticks } = c;
  const slapRate = rng.uniform(0.15, 0.45);
  const blockOnGroups = rng.chance(0.5);
  const shaker = rng.chance(0.8);
  const jitterMs = 4;

  if (spec.pickupBeats > 0) {
    for (let g = 0; g < spec.pickupBeats; g++) {
      for (let j = 0; j < 2; j++) {
        const v = 0.35 + (0.4 * (g * 2 + j)) / (spec.pickupBeats * 2);
        c.hit(rng, "percussion", j === 0 ? "handOpen" : "handSlap", c.tempo.timeAt(g + j / 2), v, jitterMs);
      }
    }
  }

  for (const bar of c.barInfo) {
    const g = bar.gain;
    const fill = bar.isPhraseEnd && rng.chance(0.7);
    const fillStart = fill
      ? spec.grouping.length > 1
        ? c.groupStarts[c.groupStarts.length - 1]!
        : Math.max(1, n - 2)
      : n;
    for (let beat = 0; beat < n; beat++) {
      const t = c.tickTime(bar, beat);
      const w = c.weight(beat);
      const start = c.groupStartSet.has(beat);
      if (start) c.hit(rng, "percussion", "handLow", t, w, jitterMs, g);
      if (beat < fillStart) {
        if (!start) c.hit(rng, "percussion", rng.chance(slapRate) ? "handSlap" : "handOpen", t, 0.6, jitterMs, g);
        for (let j = 1; j < ticks; j++) {
          if (rng.chance(0.25)) c.hit(rng, "percussion", "handOpen", c.tickTime(bar, beat, j), 0.25, jitterMs, g);
        }
      } else {
        for (let j = start ? 1 : 0; j < 2; j++) {
          const k = (beat - fillStart) * 2 + j;
          const v = 0.4 + (0.5 * k) / ((n - fillStart) * 2);
          c.hit(rng, "percussion", j === 0 ? "handOpen" : "handSlap", c.tickTime(bar, beat, j, 2), v, jitterMs, g);
        }
      }
      if (shaker) {
        for (let j = 0; j < ticks; j++) {
          const v = j === 0 ? (start ? 0.65 : 0.5) : 0.32;
          c.hit(rng, "percussion", "shaker", c.tickTime(bar, beat, j), v, jitterMs, g);
        }
      }
      if (beat === 0 || (blockOnGroups && start)) c.hit(rng, "percussion", "block", t, beat === 0 ? 0.6 : 0.4, jitterMs, g);
    }
  }
  return `hand-drums/${blockOnGroups ? "block-on-groups" : "block-on-downbeats"}${shaker ? "+shaker" : ""}`;
}

// ---------------------------------------------------------------------------------------------
// Bass

function composeBass(c: Composer, rng: Rng, harmony: HarmonyPlan): string {
  const { spec, n, ticks } = c;
  const style = rng.pick(["groups", "pulse", "syncopated"] as const);
  const approachRate = rng.uniform(0.2, 0.5);
  const jitterMs = 5;
  const staccato = rng.uniform(0.55, 0.95);

  // Pickup: a stepwise walk up into the first root.
  if (spec.pickupBeats > 0) {
    const first = harmony.bars[0]![0]!.chord;
    for (let g = 0; g < spec.pickupBeats; g++) {
      const midi = bassMidi(first.root) - 2 * (spec.pickupBeats - g);
      c.note(rng, "bass", "bass", midi, c.tempo.timeAt(g), 0.8 * c.beatSec(g), 0.55, jitterMs);
    }
  }

  for (const bar of c.barInfo) {
    const g = bar.gain;
    const next: Chord | undefined = harmony.bars[bar.index + 1]?.[0]?.chord;
    for (let beat = 0; beat < n; beat++) {
      const chord = chordAt(harmony, bar.index, beat);
      const root = bassMidi(chord.root);
      const group = c.groupOf(beat);
      const start = group.start === beat;
      const t = c.tickTime(bar, beat);
      const beatSec = c.beatSec(bar.startBeat + beat);
      const lastBeat = beat === n - 1;
      // Chromatic or whole-step approach into the next bar's root.
      if (lastBeat && !start && next && rng.chance(approachRate)) {
        const target = bassMidi(next.root);
        c.note(rng, "bass", "bass", target + rng.pick([-1, 1, -2, 2]), t, 0.8 * beatSec, 0.6, jitterMs, g);
        continue;
      }
      if (start) {
        const midi = beat === 0 ? root : rng.weighted([[root, 3], [root + 12, 1], [root + 7, 1]] as const);
        const length = style === "groups" ? group.length * 0.92 : style === "pulse" ? staccato : group.length * 0.6;
        c.note(rng, "bass", "bass", midi, t, length * beatSec, c.weight(beat), jitterMs, g);
      } else if (style === "pulse") {
        const midi = rng.chance(0.7) ? root : root + 7;
        c.note(rng, "bass", "bass", midi, t, staccato * beatSec, 0.5, jitterMs, g);
      }
      // Syncopated: a short push on the last off-beat of each group.
      if (style === "syncopated" && beat === group.start + group.length - 1 && (ticks >= 2 || !start)) {
        const tp = c.tickTime(bar, beat, ticks >= 2 ? ticks - 1 : 0);
        c.note(rng, "bass", "bass", rng.chance(0.5) ? root + 12 : root + 7, tp, 0.3 * beatSec, 0.45, jitterMs, g);
      }
    }
  }
  return style;
}

// ---------------------------------------------------------------------------------------------
// Keys: comping that follows the grouping

/** Comping rhythms per group length, as beat offsets inside the group (x.5 = the off-beat). */
const COMP_TEMPLATES: Record<number, readonly (readonly number[])[]> = {
  1: [[0]],
  2: [[0], [0, 1], [0, 1.5]],
  3: [[0], [0, 2], [0, 1.5], [0, 1, 2]],
  4: [[0, 2], [0, 1.5, 3], [0, 2.5]],
};

function composeKeys(c: Composer, rng: Rng, harmony: HarmonyPlan): string {
  const { spec, n } = c;
  const drumless = spec.instrumentation === "drumless";
  const style = rng.weighted([
    ["stabs", 2],
    ["arpeggio", 1.5],
    ["pad+stabs", 1.5],
  ] as const);
  const stabVoice: PitchedVoice = rng.chance(0.75) ? "epiano" : "pluck";
  const arpVoice: PitchedVoice = rng.chance(0.7) ? "pluck" : "epiano";
  const arpOrder = rng.pick([
    [0, 1, 2, 1],
    [0, 1, 2, 3],
    [0, 2, 1, 2],
  ]);
  const legato = rng.uniform(0.5, 0.95);
  const offbeats = c.ticks >= 2;
  const templates = new Map<number, readonly number[]>();
  for (const length of new Set(spec.grouping)) {
    const options = (COMP_TEMPLATES[length] ?? [[0]]).filter((t) => offbeats || t.every(Number.isInteger));
    templates.set(length, rng.pick(options));
  }
  // Without drums the accents have to carry the meter: wider dynamic contrast.
  const weak = drumless ? 0.45 : 0.55;
  const jitterMs = 6;
  let voicing: number[] | undefined;

  if (spec.pickupBeats > 0) {
    const v = voiceChord(harmony.pickupChord, undefined);
    for (let g = 0; g < spec.pickupBeats; g++) {
      const midi = v[(v.length - 1 - (g % v.length) + v.length) % v.length]! + 12;
      c.note(rng, "keys", arpVoice, midi, c.tempo.timeAt(g), 0.9 * c.beatSec(g), 0.5, jitterMs);
    }
  }

  for (const bar of c.barInfo) {
    const g = bar.gain;
    for (const segment of harmony.bars[bar.index]!) {
      voicing = voiceChord(segment.chord, voicing);
      const segEnd = harmony.bars[bar.index]!.find((s) => s.startBeat > segment.startBeat)?.startBeat ?? n;
      if (style === "pad+stabs") {
        const t0 = c.tickTime(bar, segment.startBeat);
        const t1 = c.tickTime(bar, segEnd);
        for (const midi of voicing) c.note(rng, "keys", "pad", midi, t0, (t1 - t0) * 0.97, 0.8, jitterMs, g);
      }
      for (let gi = 0; gi < spec.grouping.length; gi++) {
        const start = c.groupStarts[gi]!;
        const length = spec.grouping[gi]!;
        if (start < segment.startBeat || start >= segEnd) continue;
        const accent = start === 0 ? 1 : 0.82;
        if (style === "arpeggio") {
          // The arpeggio restarts on every group start, so its contour outlines the grouping.
          const steps = length * (offbeats && spec.denominator <= 4 ? 2 : 1);
          const perBeat = steps / length;
          for (let s = 0; s < steps; s++) {
            const midi = voicing[arpOrder[s % arpOrder.length]! % voicing.length]!;
            const t = c.offbeatTime(bar, start + Math.floor(s / perBeat), perBeat === 2 && s % 2 === 1);
            const dur = (1.6 / perBeat) * c.beatSec(bar.startBeat + start);
            c.note(rng, "keys", arpVoice, midi + (s === 0 ? 0 : 12), t, dur, s === 0 ? accent : weak, jitterMs, g);
          }
          continue;
        }
        const template = style === "pad+stabs" ? [0] : templates.get(length)!;
        for (let h = 0; h < template.length; h++) {
          const offset = template[h]!;
          if (h > 0 && rng.chance(0.15)) continue; // occasionally leave a weak stab out
          const beat = start + Math.floor(offset);
          const t = c.offbeatTime(bar, beat, offset % 1 !== 0);
          const nextOffset = template[h + 1] ?? length;
          const dur = (nextOffset - offset) * legato * c.beatSec(bar.startBeat + beat);
          const v = h === 0 ? accent : weak;
          for (const midi of voicing) c.note(rng, "keys", stabVoice, midi, t, dur, v, jitterMs, g);
        }
      }
    }
  }
  return style === "arpeggio" ? `arpeggio/${arpVoice}` : `${style}/${stabVoice}`;
}
