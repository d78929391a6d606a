import {
  type BeatAnnotation,
  composeScore,
  type Instrumentation,
  type NoiseColor,
  type Part,
  type PartStyles,
  type ResolvedClipSpec,
  type Score,
} from "./compose.js";
import { InvalidSpecError } from "./errors.js";
import { chooseTimbre } from "./instruments.js";
import { defaultGrouping, groupingProblem, groupStartPositions } from "./meter.js";
import { Rng } from "./prng.js";
import { renderScore } from "./render.js";

export interface ClipSpec {
  /** Beats per bar (3, 4, 5, 7, 9, 11 …). */
  numerator: number;
  /** Note value of the beat: 4 (quarter) or 8 (eighth); 2 and 16 also work. */
  denominator: number;
  /** How the bar's beats group, summing to the numerator (default: {@link defaultGrouping}). */
  grouping?: readonly number[];
  /** Tempo of the annotated beat (the denominator's note value), before drift. */
  bpm: number;
  /** Length in whole bars (then the clip ends with a 1.2 s ring-out) … */
  bars?: number;
  /** … or in seconds (an excerpt, cut with a short fade). Exactly one of the two. */
  durationSec?: number;
  /** Everything random derives from this integer. */
  seed: number;
  /** Default "drums" (drum kit, bass and keys). */
  instrumentation?: Instrumentation;
  /** 0..0.5 of a subdivision by which off-beat subdivisions are delayed (default 0). */
  swing?: number;
  /** Peak slow tempo deviation in percent, 0..30 (default 0). */
  tempoDriftPct?: number;
  /** Noise RMS relative to the music's RMS in dB (e.g. −20), or null for none (default). */
  noiseDb?: number | null;
  /** Default "pink". */
  noiseColor?: NoiseColor;
  /** Default 22050. */
  sampleRate?: number;
  /** Anacrusis beats before the first downbeat (default: drawn from the seed, usually 0). */
  pickupBeats?: number;
  /** Silence before the first note, 0..0.5 s (default: drawn from the seed). */
  introSilenceSec?: number;
  /** Phrase length in bars, 4 or 8 (default: drawn from the seed). */
  phraseBars?: number;
}

export interface ClipMeta {
  /** The spec with every default decided: passing it back reproduces the clip exactly. */
  spec: ResolvedClipSpec;
  durationSec: number;
  /** Bars whose downbeat lies inside the clip. */
  bars: number;
  groupStartPositions: number[];
  key: string;
  chordChanges: { timeSec: number; chord: string }[];
  parts: Part[];
  styles: PartStyles;
  /** Local tempo at each annotated beat (equal to bpm without drift). */
  localBpm: number[];
  eventCount: number;
}

export interface SynthesizedClip {
  samples: Float32Array;
  sampleRate: number;
  beats: BeatAnnotation[];
  downbeatsSec: number[];
  meta: ClipMeta;
}

const INSTRUMENTATIONS: readonly Instrumentation[] = ["drums", "drumless", "percussion"];

function check(ok: boolean, field: string, reason: string): void {
  if (!ok) throw new InvalidSpecError(field, reason);
}

/** Validate a spec and decide its defaults (seed-drawn ones from their own stream). */
export function resolveClipSpec(spec: ClipSpec): ResolvedClipSpec {
  const { numerator, denominator, bpm, seed } = spec;
  check(Number.isInteger(numerator) && numerator >= 1 && numerator <= 32, "numerator", `must be an integer 1..32, got ${numerator}`);
  check([2, 4, 8, 16].includes(denominator), "denominator", `must be 2, 4, 8 or 16, got ${denominator}`);
  check(Number.isFinite(bpm) && bpm >= 20 && bpm <= 400, "bpm", `must be within 20..400, got ${bpm}`);
  check(Number.isInteger(seed), "seed", `must be an integer, got ${seed}`);
  const grouping = spec.grouping ? [...spec.grouping] : defaultGrouping(numerator, denominator);
  const problem = groupingProblem(grouping, numerator);
  check(problem === undefined, "grouping", problem ?? "");
  check((spec.bars === undefined) !== (spec.durationSec === undefined), "bars", "give exactly one of bars or durationSec");
  if (spec.bars !== undefined) check(Number.isInteger(spec.bars) && spec.bars >= 1 && spec.bars <= 2000, "bars", `must be an integer 1..2000, got ${spec.bars}`);
  if (spec.durationSec !== undefined) {
    check(Number.isFinite(spec.durationSec) && spec.durationSec > 0 && spec.durationSec <= 3600, "durationSec", `must be within (0, 3600], got ${spec.durationSec}`);
  }
  const instrumentation = spec.instrumentation ?? "drums";
  check(INSTRUMENTATIONS.includes(instrumentation), "instrumentation", `must be one of ${INSTRUMENTATIONS.join(", ")}, got ${instrumentation}`);
  const swing = spec.swing ?? 0;
  check(Number.isFinite(swing) && swing >= 0 && swing <= 0.5, "swing", `must be within 0..0.5, got ${swing}`);
  const tempoDriftPct = spec.tempoDriftPct ?? 0;
  check(Number.isFinite(tempoDriftPct) && tempoDriftPct >= 0 && tempoDriftPct <= 30, "tempoDriftPct", `must be within 0..30, got ${tempoDriftPct}`);
  const noiseDb = spec.noiseDb ?? null;
  check(noiseDb === null || (Number.isFinite(noiseDb) && noiseDb <= 20), "noiseDb", `must be a number ≤ 20 or null, got ${noiseDb}`);
  const noiseColor = spec.noiseColor ?? "pink";
  check(noiseColor === "pink" || noiseColor === "white", "noiseColor", `must be pink or white, got ${noiseColor}`);
  const sampleRate = spec.sampleRate ?? 22050;
  check(Number.isInteger(sampleRate) && sampleRate >= 8000 && sampleRate <= 192000, "sampleRate", `must be an integer 8000..192000, got ${sampleRate}`);

  // Seed-drawn defaults come from their own stream and are always drawn, so giving one
  // explicitly changes nothing else about the clip.
  const defaults = new Rng(seed).fork("defaults");
  const lastGroup = grouping[grouping.length - 1]!;
  const drawnPickup = defaults.chance(0.25) ? (grouping.length > 1 ? lastGroup : Math.max(1, numerator - 1)) : 0;
  const drawnIntro = Math.round(defaults.uniform(0, 0.5) * 1000) / 1000;
  const drawnPhrase = defaults.chance(0.5) ? 4 : 8;
  const pickupBeats = spec.pickupBeats ?? Math.min(drawnPickup, numerator - 1);
  check(Number.isInteger(pickupBeats) && pickupBeats >= 0 && pickupBeats < numerator, "pickupBeats", `must be an integer 0..${numerator - 1}, got ${pickupBeats}`);
  const introSilenceSec = spec.introSilenceSec ?? drawnIntro;
  check(Number.isFinite(introSilenceSec) && introSilenceSec >= 0 && introSilenceSec <= 10, "introSilenceSec", `must be within 0..10, got ${introSilenceSec}`);
  const phraseBars = spec.phraseBars ?? drawnPhrase;
  check(Number.isInteger(phraseBars) && phraseBars >= 1 && phraseBars <= 64, "phraseBars", `must be an integer 1..64, got ${phraseBars}`);

  const resolved: ResolvedClipSpec = {
    numerator,
    denominator,
    grouping,
    bpm,
    seed,
    instrumentation,
    swing,
    tempoDriftPct,
    noiseDb,
    noiseColor,
    sampleRate,
    pickupBeats,
    introSilenceSec,
    phraseBars,
  };
  if (spec.bars !== undefined) resolved.bars = spec.bars;
  else resolved.durationSec = spec.durationSec!;
  return resolved;
}

/**
 * Compose the score of a clip (beat annotations and every note) without rendering audio:
 * cheap, and what {@link synthesizeClip} renders.
 */
export function composeClip(spec: ClipSpec): Score {
  const resolved = resolveClipSpec(spec);
  return composeScore(resolved, new Rng(resolved.seed).fork("score"));
}

/**
 * Synthesise a music clip in a given meter, with its beat and downbeat annotations.
 * The same spec always gives the same samples, bit for bit.
 */
export function synthesizeClip(spec: ClipSpec): SynthesizedClip {
  const score = composeClip(spec);
  const root = new Rng(score.spec.seed);
  const timbre = chooseTimbre(root.fork("timbre"));
  const samples = renderScore(score, timbre, root.fork("render"));
  return {
    samples,
    sampleRate: score.spec.sampleRate,
    beats: score.beats,
    downbeatsSec: score.beats.filter((b) => b.position === 1).map((b) => b.timeSec),
    meta: clipMeta(score, samples.length),
  };
}

function clipMeta(score: Score, length: number): ClipMeta {
  return {
    spec: score.spec,
    durationSec: length / score.spec.sampleRate,
    bars: score.beats.filter((b) => b.position === 1).length,
    groupStartPositions: groupStartPositions(score.spec.grouping),
    key: score.key,
    chordChanges: score.chordChanges,
    parts: score.parts,
    styles: score.styles,
    localBpm: score.beats.map((_, g) => score.tempo.bpmAt(g)),
    eventCount: score.events.length,
  };
}
