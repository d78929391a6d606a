import { planCorpus, type SynthesizedClip, synthesizeClip } from "@tactus/datasets";
import { seededRandom } from "@tactus/dsp";

export { seededRandom };

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


export function mean(values: readonly number[]): number {
  return values.length === 0 ? Number.NaN : values.reduce((a, b) => a + b, 0) / values.length;
}
