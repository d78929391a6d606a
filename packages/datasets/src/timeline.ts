import type { Rng } from "./prng.js";

/** Resolution of the tempo map: steps per beat (divisible by 2, 3, 4, 6 and 8). */
const STEPS_PER_BEAT = 24;

/**
 * Where every (fractional) beat falls in time. Beat 0 is the first beat of the clip (the first
 * pickup beat, or the first downbeat) and sits at `startSec`. The local tempo may drift slowly;
 * times are the integral of the local beat period, so annotations follow the drift exactly.
 */
export class TempoMap {
  private readonly times: Float64Array;

  constructor(
    readonly startSec: number,
    readonly totalBeats: number,
    private readonly bpmAtBeat: (beat: number) => number,
  ) {
    const steps = totalBeats * STEPS_PER_BEAT;
    this.times = new Float64Array(steps + 1);
    this.times[0] = startSec;
    const dBeat = 1 / STEPS_PER_BEAT;
    for (let i = 0; i < steps; i++) {
      // Simpson's rule over the step: exact for a locally quadratic tempo.
      const a = 60 / bpmAtBeat(i * dBeat);
      const m = 60 / bpmAtBeat((i + 0.5) * dBeat);
      const b = 60 / bpmAtBeat((i + 1) * dBeat);
      this.times[i + 1] = this.times[i]! + (dBeat * (a + 4 * m + b)) / 6;
    }
  }

  /** Time in seconds of a (fractional) beat index; extrapolates at the last tempo past the end. */
  timeAt(beat: number): number {
    const x = beat * STEPS_PER_BEAT;
    const last = this.times.length - 1;
    if (x <= 0) return this.startSec + (beat * 60) / this.bpmAtBeat(0);
    if (x >= last) return this.times[last]! + ((beat - this.totalBeats) * 60) / this.bpmAtBeat(this.totalBeats);
    const i = Math.floor(x);
    const f = x - i;
    return this.times[i]! * (1 - f) + this.times[i + 1]! * f;
  }

  bpmAt(beat: number): number {
    return this.bpmAtBeat(beat);
  }
}

/**
 * A slow tempo drift shape over [0, totalBeats], peak |value| = 1: a sinusoid with a period of
 * 10–40 s mixed with a smoothed random walk (knots every ~4 s), as live players speed up and relax.
 */
export function driftShape(rng: Rng, totalBeats: number, bpm: number): (beat: number) => number {
  const beatsPerSec = bpm / 60;
  const period = rng.uniform(10, 40) * beatsPerSec;
  const phase = rng.uniform(0, 2 * Math.PI);
  const knotSpacing = Math.max(2, 4 * beatsPerSec);
  const knots = Math.ceil(totalBeats / knotSpacing) + 2;
  const walk = new Float64Array(knots);
  for (let i = 1; i < knots; i++) walk[i] = walk[i - 1]! + rng.normal();
  let walkMean = 0;
  for (const w of walk) walkMean += w / knots;
  let walkPeak = 1e-9;
  for (let i = 0; i < knots; i++) {
    walk[i] = walk[i]! - walkMean;
    walkPeak = Math.max(walkPeak, Math.abs(walk[i]!));
  }
  const sineWeight = rng.uniform(0.4, 0.8);
  const raw = (beat: number): number => {
    const k = beat / knotSpacing;
    const i = Math.max(0, Math.min(knots - 2, Math.floor(k)));
    const f = Math.min(1, Math.max(0, k - i));
    const smooth = (1 - Math.cos(Math.PI * f)) / 2; // cosine interpolation keeps the tempo smooth
    const w = (walk[i]! * (1 - smooth) + walk[i + 1]! * smooth) / walkPeak;
    return sineWeight * Math.sin((2 * Math.PI * beat) / period + phase) + (1 - sineWeight) * w;
  };
  let peak = 1e-9;
  for (let b = 0; b <= totalBeats * 4; b++) peak = Math.max(peak, Math.abs(raw(b / 4)));
  return (beat: number) => raw(beat) / peak;
}
