import { describe, expect, it } from "vitest";
import type { Activations } from "./activations.js";
import {
  DBN_FIXED_BAR_LENGTHS,
  DBN_FREE_BAR_LENGTHS,
  dbnVariantName,
  runDbnVariants,
  trackDbnFixed,
  trackDbnFree,
} from "./dbn-trackers.js";
import { beatFMeasure, downbeatFMeasure } from "./metrics.js";

/** Ideal activations at 100 fps: a beat every `periodFrames`, every `barLength`-th one a downbeat. */
function idealActivations(barLength: number, periodFrames = 50, seconds = 24, firstFrame = 25): {
  activations: Activations;
  beats: number[];
  downbeats: number[];
} {
  const fps = 100;
  const beat = new Float32Array(seconds * fps).fill(0.01);
  const downbeat = new Float32Array(seconds * fps).fill(0.005);
  const beats: number[] = [];
  const downbeats: number[] = [];
  for (let k = 0, f = firstFrame; f < beat.length; k++, f += periodFrames) {
    if (k % barLength === 0) {
      downbeat[f] = 0.8;
      beat[f] = 0.1;
      downbeats.push(f / fps);
    } else {
      beat[f] = 0.8;
      downbeat[f] = 0.05;
    }
    beats.push(f / fps);
  }
  return { activations: { beat, downbeat, fps }, beats, downbeats };
}

describe("DBN trackers", () => {
  it("names the fixed variants dbn_bpb3, dbn_bpb4, dbn_bpb5, dbn_bpb7", () => {
    expect(DBN_FIXED_BAR_LENGTHS.map(dbnVariantName)).toEqual(["dbn_bpb3", "dbn_bpb4", "dbn_bpb5", "dbn_bpb7"]);
    expect(DBN_FREE_BAR_LENGTHS).toEqual([3, 4, 5, 7, 9, 11]);
  });

  for (const barLength of [3, 4, 5, 7, 9, 11]) {
    it(`recovers beats, downbeats and the bar length ${barLength} from ideal activations`, () => {
      const { activations, beats, downbeats } = idealActivations(barLength, barLength > 7 ? 30 : 50);
      const all = runDbnVariants(activations);
      expect(all.dbn.beatsPerBar).toBe(barLength);
      expect(Object.keys(all.dbn.scores).map(Number)).toEqual([...DBN_FREE_BAR_LENGTHS]);
      const best = Math.max(...Object.values(all.dbn.scores));
      expect(all.dbn.scores[barLength]).toBe(best);
      expect(beatFMeasure(beats, all.dbn.beats.map((b) => b.timeSec))).toBe(1);
      expect(downbeatFMeasure(downbeats, all.dbn.beats.filter((b) => b.isDownbeat).map((b) => b.timeSec))).toBe(1);
      const own = (DBN_FIXED_BAR_LENGTHS as readonly number[]).includes(barLength)
        ? all.variants[dbnVariantName(barLength as 3 | 4 | 5 | 7)]
        : undefined;
      if (own) expect(own).toEqual(all.dbn.beats);
    });
  }

  it("shares decodes: the free choice is the fixed variant with the best score", () => {
    const { activations } = idealActivations(4);
    const all = runDbnVariants(activations);
    expect(all.dbn.beats).toEqual(all.variants.dbn_bpb4);
    expect(trackDbnFree(activations)).toEqual(all.dbn);
    for (const length of DBN_FIXED_BAR_LENGTHS) {
      const alone = trackDbnFixed(activations, length);
      expect(alone.beats).toEqual(all.variants[dbnVariantName(length)]);
      expect(alone.logProbPerFrame).toBe(all.dbn.scores[length]);
    }
  });

  it("keeps the beats but moves downbeats when the bar length is wrong", () => {
    const { activations, beats } = idealActivations(3);
    const all = runDbnVariants(activations);
    for (const length of DBN_FIXED_BAR_LENGTHS) {
      const variant = all.variants[dbnVariantName(length)];
      expect(beatFMeasure(beats, variant.map((b) => b.timeSec))).toBeGreaterThan(0.95);
      const positions = variant.map((b, i) => (b.isDownbeat ? i : -1)).filter((i) => i >= 0);
      for (let k = 1; k < positions.length; k++) expect(positions[k]! - positions[k - 1]!).toBe(length);
    }
  });

  it("reports the activation at each beat as its strength", () => {
    const { activations } = idealActivations(4);
    for (const b of runDbnVariants(activations).dbn.beats) {
      expect(b.strength).toBeGreaterThan(0.85);
      expect(b.strength).toBeLessThanOrEqual(1);
    }
  });

  it("returns nothing for activations that never reach the threshold", () => {
    const quiet: Activations = { beat: new Float32Array(1000).fill(0.01), downbeat: new Float32Array(1000), fps: 100 };
    const all = runDbnVariants(quiet);
    expect(all.dbn).toEqual({ beats: [], beatsPerBar: 0, scores: {} });
    for (const length of DBN_FIXED_BAR_LENGTHS) expect(all.variants[dbnVariantName(length)]).toEqual([]);
    const empty: Activations = { beat: new Float32Array(0), downbeat: new Float32Array(0), fps: 100 };
    expect(runDbnVariants(empty).dbn.beats).toEqual([]);
  });
});
