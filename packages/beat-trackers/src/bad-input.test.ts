/** Silence, a lone click, half a second of audio, white noise: no tracker throws or loops. */
import { synthesizeClip } from "@tactus/datasets";
import { describe, expect, it } from "vitest";
import { analyzeBeats } from "./analyze.js";
import { TRACKERS } from "./registry.js";
import { seededRandom } from "./test-utils/corpus.js";

const SR = 22050;
const rand = seededRandom(77);
const music = synthesizeClip({ numerator: 4, denominator: 4, bpm: 120, durationSec: 2, seed: 4 }).samples;
const click = new Float32Array(5 * SR);
for (let i = 0; i < 200; i++) click[2 * SR + i] = (1 - i / 200) * (i % 2 ? 1 : -1);

const inputs: Record<string, Float32Array> = {
  silence: new Float32Array(10 * SR),
  "a single click": click,
  "0.5 s of music": music.slice(0, SR / 2),
  "white noise": new Float32Array(10 * SR).map(() => 0.5 * (2 * rand() - 1)),
  "no samples": new Float32Array(0),
};

describe("bad input", () => {
  for (const [what, samples] of Object.entries(inputs)) {
    it(`${what}: every tracker returns at most 2 beats, dp is primary, tempo falls back`, async () => {
      for (const tracker of TRACKERS) {
        const beats = await tracker.run(samples, SR);
        expect(beats.length, tracker.name).toBeLessThanOrEqual(2);
      }
      const analysis = await analyzeBeats(samples, SR);
      for (const result of Object.values(analysis.results)) {
        expect(result.error, result.name).toBeUndefined();
        expect(result.beats.length, result.name).toBeLessThanOrEqual(2);
      }
      expect(analysis.rhythmic).toBe(false);
      expect(analysis.primary.name).toBe("dp");
      expect(analysis.tempo).toMatchObject({ bpm: 120, confidence: 0, fallback: true });
      expect(analysis.tempo.curve.category).toBe("steady");
    }, 30_000);
  }
});
