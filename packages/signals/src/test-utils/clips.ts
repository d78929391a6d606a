import { analyzeBeats, type BeatAnalysis, onsetAlignmentF1 } from "@tactus/beat-trackers";
import { synthesizeClip } from "@tactus/datasets";
import { METER_KEYS, type MeterScores } from "../meters.js";
import { DOWNBEAT_TRACKERS } from "../registry.js";
import type { BeatLike } from "../types.js";

/** The seeded evaluation set: short drum clips per meter, tempi spread over a range. */
export const EVAL_METERS = [
  [3, 4],
  [4, 4],
  [5, 4],
  [7, 8],
] as const;

export interface EvalClip {
  meter: string;
  numerator: number;
  /** Annotated tempo of the annotated beat (eighths for 7/8). */
  bpm: number;
  samples: Float32Array;
  sampleRate: number;
  /** Annotated beats and downbeats. */
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

export interface AnalyzedClip extends EvalClip {
  /** analyzeBeats over the downbeat trackers only (beats, activations, onset envelope, tempo). */
  analysis: BeatAnalysis;
  /** The fixed-bar-length DBN variant whose beats align best with the onsets (`dbn_bpbN`). */
  bestFixed: { name: string; beats: readonly BeatLike[] };
}

const analyzed = new Map<string, Promise<AnalyzedClip[]>>();

/**
 * The evaluation clips through the real beat stage (`analyzeBeats` with the DBN trackers;
 * `dp` and `multifeature` are not needed by any signal here), computed once per test file.
 */
export function analyzedClips(perMeter: number, durationSec = 12): Promise<AnalyzedClip[]> {
  const key = `${perMeter}:${durationSec}`;
  let pending = analyzed.get(key);
  if (!pending) {
    pending = (async () => {
      const out: AnalyzedClip[] = [];
      for (const clip of evalClips(perMeter, durationSec)) {
        const analysis = await analyzeBeats(clip.samples, clip.sampleRate, { trackers: DOWNBEAT_TRACKERS });
        const onsets = Array.from(analysis.onsets.timesSec);
        let bestFixed = { name: "", beats: [] as readonly BeatLike[] };
        let bestF1 = -1;
        for (const result of Object.values(analysis.results)) {
          if (result.name === "dbn" || result.beats.length === 0) continue;
          const f1 = onsetAlignmentF1(
            result.beats.map((b) => b.timeSec),
            onsets,
          );
          if (f1 > bestF1) {
            bestF1 = f1;
            bestFixed = { name: result.name, beats: result.beats };
          }
        }
        out.push({ ...clip, analysis, bestFixed });
      }
      return out;
    })();
    analyzed.set(key, pending);
  }
  return pending;
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

/** True when the top key's numerator is the clip's annotated numerator. */
export function numeratorHit(scores: MeterScores, numerator: number): boolean {
  return topKey(scores).split("/")[0] === String(numerator);
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
  /** Hit rate of one meter (0 when absent). */
  rateOf(meter: string): number {
    const t = this.hits.get(meter);
    return t && t.total > 0 ? t.hit / t.total : 0;
  }
  toString(): string {
    return [...this.hits].map(([m, t]) => `${m} ${t.hit}/${t.total}`).join(", ") + ` (overall ${(100 * this.rate).toFixed(1)} %)`;
  }
}

/** A per-meter markdown-ish table of several tallies (one row per signal). */
export function tallyTable(rows: readonly [string, Tally][]): string {
  const meters = EVAL_METERS.map(([n, d]) => `${n}/${d}`);
  const lines = [`| signal | ${meters.join(" | ")} | overall |`];
  for (const [name, t] of rows) {
    const cells = meters.map((m) => {
      const h = t.hits.get(m);
      return h ? `${h.hit}/${h.total}` : "–";
    });
    lines.push(`| ${name} | ${cells.join(" | ")} | ${(100 * t.rate).toFixed(0)} % |`);
  }
  return lines.join("\n");
}
