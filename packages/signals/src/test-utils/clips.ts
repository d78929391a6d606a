import { synthesizeClip } from "@tactus/datasets";
import { METER_KEYS, type MeterScores } from "../meters.js";
import type { BeatLike } from "../types.js";

/** The seeded evaluation set: 10 short drum clips per meter, tempi spread over a range. */
export const EVAL_METERS = [
  [3, 4],
  [4, 4],
  [5, 4],
  [7, 8],
] as const;

export interface EvalClip {
  meter: string;
  numerator: number;
  bpm: number;
  samples: Float32Array;
  sampleRate: number;
  beats: BeatLike[];
}

export function* evalClips(perMeter = 10, durationSec = 12): Generator<EvalClip> {
  for (const [numerator, denominator] of EVAL_METERS) {
    for (let seed = 1; seed <= perMeter; seed++) {
      const bpm = denominator === 8 ? 150 + seed * 8 : 80 + seed * 8;
      const clip = synthesizeClip({ numerator, denominator, bpm, durationSec, seed: seed * 7 + numerator });
      yield {
        meter: `${numerator}/${denominator}`,
        numerator,
        bpm,
        samples: clip.samples,
        sampleRate: clip.sampleRate,
        beats: clip.beats.map((b) => ({ timeSec: b.timeSec, isDownbeat: b.position === 1 })),
      };
    }
  }
}

/** Highest-scoring key (first in METER_KEYS order on ties); "" for {}. */
export function topKey(scores: MeterScores): string {
  let best = "";
  let bestValue = Number.NEGATIVE_INFINITY;
  for (const key of METER_KEYS) {
    const v = scores[key];
    if (v !== undefined && v > bestValue) {
      bestValue = v;
      best = key;
    }
  }
  return best;
}

/** Per-meter hit counts plus the overall rate. */
export class Tally {
  readonly hits = new Map<string, { hit: number; total: number }>();
  add(meter: string, ok: boolean): void {
    const t = this.hits.get(meter) ?? { hit: 0, total: 0 };
    t.hit += ok ? 1 : 0;
    t.total += 1;
    this.hits.set(meter, t);
  }
  get rate(): number {
    let hit = 0;
    let total = 0;
    for (const t of this.hits.values()) {
      hit += t.hit;
      total += t.total;
    }
    return total === 0 ? 0 : hit / total;
  }
  toString(): string {
    return [...this.hits].map(([m, t]) => `${m} ${t.hit}/${t.total}`).join(", ") + ` (overall ${(100 * this.rate).toFixed(1)} %)`;
  }
}
