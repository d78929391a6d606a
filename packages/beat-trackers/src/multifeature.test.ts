import { synthesizeClip } from "@tactus/datasets";
import { describe, expect, it } from "vitest";
import { beatFMeasure } from "./metrics.js";
import { trackBeatsMultifeature } from "./multifeature.js";

describe("multifeature (essentia BeatTrackerMultiFeature)", () => {
  it("tracks a clip at 22 050 Hz (resampled to 44 100) and at 44 100 Hz, with its confidence", async () => {
    for (const sampleRate of [22050, 44100]) {
      const clip = synthesizeClip({ numerator: 4, denominator: 4, bpm: 120, durationSec: 8, seed: 12, sampleRate });
      const { beats, confidence } = await trackBeatsMultifeature(clip.samples, clip.sampleRate);
      expect(beatFMeasure(clip.beats.map((b) => b.timeSec), beats.map((b) => b.timeSec))).toBeGreaterThan(0.9);
      expect(confidence).toBeGreaterThan(1.5);
      expect(confidence).toBeLessThanOrEqual(5.32);
      for (let i = 1; i < beats.length; i++) expect(beats[i]!.timeSec).toBeGreaterThan(beats[i - 1]!.timeSec);
      expect(beats.every((b) => !b.isDownbeat && b.strength === 1)).toBe(true);
      expect(beats.at(-1)!.timeSec).toBeLessThanOrEqual(clip.samples.length / sampleRate);
    }
  }, 30_000);

  it("returns nothing with confidence 0 for silence and for input shorter than 1 s", async () => {
    expect(await trackBeatsMultifeature(new Float32Array(22050 * 3), 22050)).toEqual({ beats: [], confidence: 0 });
    expect(await trackBeatsMultifeature(new Float32Array(1000).fill(0.1), 22050)).toEqual({ beats: [], confidence: 0 });
  });

  it("rejects a non-integer sample rate", async () => {
    await expect(trackBeatsMultifeature(new Float32Array(10), 22050.5)).rejects.toThrow(RangeError);
  });
});
