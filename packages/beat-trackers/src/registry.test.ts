import { readFileSync } from "node:fs";
import { synthesizeClip } from "@tactus/datasets";
import { spectralFrontEnd } from "@tactus/onset";
import { describe, expect, it } from "vitest";
import { type ActivationModel, DSP_ACTIVATIONS } from "./activations.js";
import { beatFMeasure, downbeatFMeasure } from "./metrics.js";
import { createSharedInputs, type DbnRunOptions, getTracker, runAllTrackers, TRACKER_NAMES, TRACKERS } from "./registry.js";

const clip = synthesizeClip({ numerator: 3, denominator: 4, bpm: 132, durationSec: 8, seed: 21 });
const reference = clip.beats.map((b) => b.timeSec);

/** The DSP model, counting its calls. */
function countingModel(): ActivationModel & { calls: number } {
  const model = {
    name: "counting",
    fps: DSP_ACTIVATIONS.fps,
    calls: 0,
    compute(samples: Float32Array, sampleRate: number) {
      model.calls += 1;
      return DSP_ACTIVATIONS.compute(samples, sampleRate);
    },
  };
  return model;
}

describe("tracker registry", () => {
  it("registers the seven trackers under stable names, each with a one-line description", () => {
    expect(TRACKER_NAMES).toEqual(["dp", "multifeature", "dbn_bpb3", "dbn_bpb4", "dbn_bpb5", "dbn_bpb7", "dbn"]);
    expect(new Set(TRACKER_NAMES).size).toBe(TRACKERS.length);
    for (const t of TRACKERS) {
      expect(t.description.length).toBeGreaterThan(10);
      expect(t.description).not.toContain("\n");
      expect(t.downbeats).toBe(t.name.startsWith("dbn"));
    }
  });

  it("matches the README's registry table", () => {
    const readme = readFileSync(new URL("../README.md", import.meta.url), "utf8");
    for (const t of TRACKERS) {
      expect(readme).toContain(`| \`${t.name}\` | ${t.downbeats ? "yes" : "no"} | ${t.description} |`);
    }
  });

  it("finds trackers by name and lists the valid names otherwise", () => {
    expect(getTracker("dbn_bpb5").name).toBe("dbn_bpb5");
    expect(() => getTracker("madmom")).toThrow(
      'unknown beat tracker "madmom"; valid trackers: dp, multifeature, dbn_bpb3, dbn_bpb4, dbn_bpb5, dbn_bpb7, dbn',
    );
  });

  it("runs one tracker alone", () => {
    const beats = getTracker("dbn_bpb3").run(clip.samples, clip.sampleRate);
    expect(beats).not.toBeInstanceOf(Promise);
    const list = beats as Exclude<typeof beats, Promise<unknown>>;
    expect(beatFMeasure(reference, list.map((b) => b.timeSec))).toBeGreaterThan(0.9);
    expect(downbeatFMeasure(clip.downbeatsSec, list.filter((b) => b.isDownbeat).map((b) => b.timeSec))).toBeGreaterThan(0.8);
  });

  it("runs every tracker with one activation computation and shared DBN decodes", async () => {
    const model = countingModel();
    const shared = createSharedInputs();
    const all = await runAllTrackers(clip.samples, clip.sampleRate, { activationModel: model, shared });
    expect(model.calls).toBe(1);
    expect(Object.keys(all.results)).toEqual([...TRACKER_NAMES]);
    for (const name of TRACKER_NAMES) {
      const r = all.results[name];
      expect(r.error).toBeUndefined();
      expect(beatFMeasure(reference, r.beats.map((b) => b.timeSec))).toBeGreaterThan(0.9);
    }
    expect(all.results.multifeature.confidence).toBeGreaterThan(1);
    expect(all.results.dbn.beatsPerBar).toBe(3);
    expect(Object.keys(all.results.dbn.barLengthScores!).map(Number)).toEqual([3, 4, 5, 7, 9, 11]);
    expect(all.results.dbn.beats).toBe(all.results.dbn_bpb3.beats);
    expect(all.activations.fps).toBeCloseTo(DSP_ACTIVATIONS.fps, 6);
    expect(all.onsetEnvelope.hopLength).toBe(512);
    // Later single runs on the same shared inputs reuse everything.
    const options: DbnRunOptions = { shared, activationModel: model };
    getTracker("dbn_bpb7").run(clip.samples, clip.sampleRate, options);
    expect(model.calls).toBe(1);
  });

  it("reads a front end handed in instead of computing its own, with the same results", async () => {
    const trackers = ["dp", "dbn_bpb3"] as const;
    const own = await runAllTrackers(clip.samples, clip.sampleRate, { trackers });
    const front = spectralFrontEnd(clip.samples, clip.sampleRate);
    const given = await runAllTrackers(clip.samples, clip.sampleRate, { trackers, frontEnd: front });
    expect(given.onsetEnvelope.envelope).toEqual(own.onsetEnvelope.envelope);
    expect(given.results).toEqual(own.results);
    // A front end of other samples (or other framing) is refused, not silently used.
    const other = spectralFrontEnd(clip.samples.subarray(0, 22050), clip.sampleRate);
    await expect(runAllTrackers(clip.samples, clip.sampleRate, { trackers, frontEnd: other })).rejects.toThrow(/frontEnd is not/);
  });

  it("turns a tracker's exception into an empty result with the error", async () => {
    const broken: ActivationModel = {
      name: "broken",
      fps: 100,
      compute: () => {
        throw new Error("no activations today");
      },
    };
    const all = await runAllTrackers(clip.samples, clip.sampleRate, {
      activationModel: broken,
      trackers: ["dp", "dbn_bpb4", "dbn"],
    });
    expect(Object.keys(all.results)).toEqual(["dp", "dbn_bpb4", "dbn"]);
    expect(all.results.dbn_bpb4).toMatchObject({ beats: [], error: "no activations today" });
    expect(all.results.dbn).toMatchObject({ beats: [], error: "no activations today" });
    expect(all.results.dp.error).toBeUndefined();
    expect(all.results.dp.beats.length).toBeGreaterThan(10);
  });
});
