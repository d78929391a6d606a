import { describe, expect, it } from "vitest";
import { getEssentia, withEssentia } from "./essentia.js";
import { argMax, clickTrack, sine } from "./test-utils/signals.js";

describe("essentia.js wrapper", () => {
  it("loads once and reuses the instance", () => {
    const a = getEssentia();
    expect(getEssentia()).toBe(a);
    expect(a.algorithmNames).toContain("BeatTrackerMultiFeature");
  });

  it("runs Windowing + Spectrum: a unit sine on bin 64 of 1024 peaks at 1.0 in bin 64", () => {
    const frame = sine(64 * (44100 / 1024), 44100, 1024);
    const spectrum = withEssentia(({ essentia, vector, outputs, toArray }) => {
      const windowed = outputs(essentia.Windowing(vector(frame), true, 1024, "hann"));
      return toArray(outputs(essentia.Spectrum(windowed.frame, 1024)).spectrum);
    });
    expect(spectrum.length).toBe(513);
    expect(argMax(spectrum)).toBe(64);
    expect(spectrum[64]).toBeCloseTo(1, 4);
  });

  it("tracks the beats of a 120 BPM click track with BeatTrackerMultiFeature", () => {
    const audio = clickTrack(120, 44100, 12);
    const ticks = withEssentia(({ essentia, vector, outputs, toArray }) =>
      toArray(outputs(essentia.BeatTrackerMultiFeature(vector(audio))).ticks),
    );
    expect(ticks.length).toBeGreaterThan(10);
    const intervals = Array.from(ticks.subarray(1), (t, i) => t - ticks[i]).sort((a, b) => a - b);
    expect(intervals[intervals.length >> 1]).toBeCloseTo(0.5, 1);
  }, 20000);

  it("deletes every tracked vector, even when the callback throws", () => {
    let deleted = 0;
    const fake = { delete: () => deleted++ };
    expect(() =>
      withEssentia(({ track }) => {
        track(fake);
        track(fake); // tracked twice, deleted once
        throw new Error("boom");
      }),
    ).toThrow("boom");
    expect(deleted).toBe(1);
  });
});
