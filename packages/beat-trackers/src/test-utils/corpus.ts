import { planCorpus, type SynthesizedClip, synthesizeClip } from "@tactus/datasets";

/** One synthetic clip with its meter class. */
export interface CorpusEntry {
  id: string;
  meter: number;
  clip: SynthesizedClip;
}

/**
 * The seeded test corpus, synthesised in memory: `perClass` clips for each meter class 3, 4, 5,
 * 7, 9, 11 (x/4 at 60–180 BPM, x/8 eighths at 110–180; a sixth drumless, a sixth hand percussion,
 * a quarter with noise, some swing and drift: the generator's default variety).
 */
export function testCorpus(perClass: number, durationSec: number, seed: number): CorpusEntry[] {
  // planCorpus only decides specs; nothing is written to outDir.
  return planCorpus({ outDir: "unused", perClass, durationSec, seed }).map((c) => ({
    id: c.id,
    meter: c.meterClass,
    clip: synthesizeClip(c.spec),
  }));
}

/** mulberry32: a seeded uniform generator in [0, 1). */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
