import { resample } from "@tactus/audio";
import { synthesizeClip } from "@tactus/datasets";
import { seededRandom, withEssentia } from "@tactus/dsp";
import { describe, expect, it } from "vitest";
import { beatFMeasure } from "./metrics.js";
import { MULTIFEATURE_DEFAULTS, trackBeatsMultifeature } from "./multifeature.js";
import {
  erbBank,
  essentiaFrameCount,
  melBank,
  mersenneTwister,
  multifeatureOdfs,
  ODF_HOP_FRAMEWISE,
  ODF_HOP_GLOBAL,
} from "./multifeature-odf.js";

/** Largest absolute difference relative to the largest magnitude of the reference. */
function relativeError(actual: ArrayLike<number>, expected: ArrayLike<number>): number {
  expect(actual.length).toBe(expected.length);
  let scale = 0;
  let diff = 0;
  for (let i = 0; i < expected.length; i++) {
    scale = Math.max(scale, Math.abs(expected[i]!));
    diff = Math.max(diff, Math.abs(actual[i]! - expected[i]!));
  }
  return diff / scale;
}

async function clip44k(spec: Parameters<typeof synthesizeClip>[0]): Promise<Float32Array> {
  const clip = synthesizeClip(spec);
  return resample(clip.samples, clip.sampleRate, 44100, { quality: "fastest" });
}

describe("multifeature onset detection functions (TypeScript vs essentia.js)", () => {
  it("beat_emphasis and infogain equal essentia's OnsetDetectionGlobal", async () => {
    const x = await clip44k({ numerator: 7, denominator: 8, bpm: 150, durationSec: 10, seed: 31 });
    const odfs = multifeatureOdfs(x);
    const ref = withEssentia(({ essentia, vector, outputs, toArray }) => {
      const v = vector(x);
      const global = (method: string) =>
        toArray(outputs(essentia.OnsetDetectionGlobal(v, 2048, 512, method, 44100)).onsetDetections);
      return { beatEmphasis: global("beat_emphasis"), infogain: global("infogain") };
    });
    // float32 (essentia) against float64 (here): measured ~5e-6 and ~2e-6.
    expect(relativeError(odfs.beatEmphasis, ref.beatEmphasis)).toBeLessThan(1e-4);
    expect(relativeError(odfs.infogain, ref.infogain)).toBeLessThan(1e-4);
    expect(odfs.complex.length).toBe(essentiaFrameCount(x.length, ODF_HOP_FRAMEWISE));
    expect(odfs.beatEmphasis.length).toBe(essentiaFrameCount(x.length, ODF_HOP_GLOBAL));
  }, 30_000);

  it("the mel and ERB filter banks equal essentia's MelBands and ERBBands", () => {
    const random = seededRandom(5);
    const spectrum = Float32Array.from({ length: 1025 }, () => random());
    const ref = withEssentia(({ essentia, vector, outputs, toArray }) => ({
      mel: toArray(
        outputs(
          essentia.MelBands(vector(spectrum), 4000, 1025, false, 0, "unit_sum", 40, 44100, "power", "htkMel", "warping"),
        ).bands,
      ),
      erb: toArray(outputs(essentia.ERBBands(vector(spectrum), 22050, 1025, 80, 40, 44100, "magnitude", 1)).bands),
    }));
    const { start, weights } = melBank();
    const mel = weights.map((w, b) => w.reduce((acc, v, j) => acc + v * spectrum[start[b]! + j]! ** 2, 0));
    const bank = erbBank();
    const erb = Array.from({ length: 40 }, (_, b) => {
      let acc = 0;
      for (let k = 0; k < 1025; k++) acc += bank[b * 1025 + k]! * spectrum[k]!;
      return acc;
    });
    for (let b = 0; b < 40; b++) {
      expect(Math.abs(mel[b]! / ref.mel[b]! - 1)).toBeLessThan(1e-5);
      // essentia designs the gammatone filters in float32: up to 2e-3 off in the lowest band.
      expect(Math.abs(erb[b]! / ref.erb[b]! - 1)).toBeLessThan(3e-3);
    }
  });

  it("draws essentia's NoiseAdder noise (MT19937, seed 0) for silent frames", () => {
    const noise = withEssentia(({ essentia, vector, outputs, toArray }) =>
      toArray(outputs(essentia.NoiseAdder(vector(new Float32Array(8)), true, -100)).signal),
    );
    const random = mersenneTwister(0);
    for (const v of noise) expect(v).toBeCloseTo(Math.fround(1e-10) * (Math.fround(random()) * 2 - 1), 16);
  });

  it("counts frames like essentia's FrameCutter (startFromZero)", () => {
    expect(essentiaFrameCount(0, 512)).toBe(0);
    expect(essentiaFrameCount(100, 512)).toBe(1);
    expect(essentiaFrameCount(2048, 512)).toBe(1);
    expect(essentiaFrameCount(2049, 512)).toBe(2);
    expect(essentiaFrameCount(2048 + 1024, 1024)).toBe(2);
    expect(essentiaFrameCount(2048 + 1025, 1024)).toBe(3);
  });
});

describe("multifeature (essentia BeatTrackerMultiFeature)", () => {
  it("gives essentia's BeatTrackerMultiFeature ticks and confidence", async () => {
    const specs = [
      { numerator: 3, denominator: 4, bpm: 96, durationSec: 10, seed: 41 },
      { numerator: 5, denominator: 4, bpm: 132, durationSec: 10, seed: 42 },
      { numerator: 9, denominator: 8, bpm: 168, durationSec: 10, seed: 43 },
    ];
    for (const spec of specs) {
      const clip = synthesizeClip(spec);
      const x = await resample(clip.samples, clip.sampleRate, 44100, { quality: "fastest" });
      const ref = withEssentia(({ essentia, vector, outputs, toArray }) => {
        const out = outputs(essentia.BeatTrackerMultiFeature(vector(x), MULTIFEATURE_DEFAULTS.maxBpm, MULTIFEATURE_DEFAULTS.minBpm));
        return { ticks: toArray(out.ticks), confidence: Number(out.confidence) };
      });
      const { beats, confidence } = await trackBeatsMultifeature(clip.samples, clip.sampleRate);
      const expected = Array.from(ref.ticks).filter((t) => t >= 0 && t <= spec.durationSec);
      expect(beats.length).toBe(expected.length);
      for (const [i, b] of beats.entries()) expect(Math.abs(b.timeSec - expected[i]!)).toBeLessThan(1e-4);
      expect(Math.abs(confidence - ref.confidence)).toBeLessThan(1e-4);
    }
  }, 60_000);

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
