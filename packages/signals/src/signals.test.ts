import { DSP_ACTIVATIONS } from "../../beat-trackers/dist/activations.js";
import { synthesizeClip } from "@tactus/datasets";
import { chroma } from "@tactus/dsp";
import { onsetStrength } from "@tactus/onset";
import { describe, expect, it } from "vitest";
import { onsetAutocorrelationScores } from "./autocorr.js";
import { barLogProbability, barTrackingScores } from "./bar-tracking.js";
import { hcdfScores } from "./hcdf.js";
import { METER_CLASSES, METER_KEYS, meterKey, scoresToVector } from "./meters.js";
import { nonSilentFraction } from "./quality.js";
import { computeSignal, computeSignals, getSignal, SIGNAL_NAMES, SIGNALS, UnknownSignalError } from "./registry.js";
import { downbeatSpacingScores } from "./spacing.js";
import type { BeatLike } from "./types.js";
import { evalClips, Tally, topKey } from "./test-utils/clips.js";

const FPS = 22050 / 512;

/** A beat grid with a downbeat every `bar` beats (the pattern may vary bar to bar). */
function grid(bars: readonly number[], beatSec = 0.5): BeatLike[] {
  const beats: BeatLike[] = [];
  let t = 0;
  for (const bar of bars) {
    for (let k = 0; k < bar; k++, t += beatSec) beats.push({ timeSec: t, isDownbeat: k === 0 });
  }
  return beats;
}

describe("meters", () => {
  it("lists the twelve keys and six classes in decision-6 order", () => {
    expect(METER_KEYS).toEqual(["2/4", "3/4", "4/4", "5/4", "5/8", "6/8", "7/4", "7/8", "9/8", "10/8", "11/8", "12/8"]);
    expect(METER_CLASSES).toEqual([3, 4, 5, 7, 9, 11]);
    expect(meterKey(7, 8)).toBe("7/8");
    expect(meterKey(6, 4)).toBeUndefined();
    expect(Array.from(scoresToVector({ "4/4": 0.5, "12/8": 1 }))).toEqual([0, 0, 0.5, 0, 0, 0, 0, 0, 0, 0, 0, 1]);
  });
});

describe("spacing", () => {
  it("scores the bar length and its octave (known answers)", () => {
    expect(downbeatSpacingScores(grid([3, 3, 3, 3, 3]))).toEqual({ "3/4": 1 }); // 6/4 bonus is not a key
    expect(downbeatSpacingScores(grid([2, 2, 2, 2]))).toEqual({ "2/4": 1, "4/4": 0.4 });
    const mixed = downbeatSpacingScores(grid([4, 4, 4, 2, 2, 1])); // spacings 4,4,4,2,2
    expect(mixed["4/4"]).toBeCloseTo(0.6 + 0.4 * 0.4, 12);
    expect(mixed["2/4"]).toBeCloseTo(0.4, 12);
  });

  it("does not depend on which spacing occurs first (the reference's overwrite is not copied)", () => {
    const a = downbeatSpacingScores(grid([2, 2, 4, 4, 4, 1]));
    const b = downbeatSpacingScores(grid([4, 4, 4, 2, 2, 1]));
    expect(a).toEqual(b);
  });

  it("ignores rare spacings and answers {} with fewer than two downbeats", () => {
    expect(downbeatSpacingScores(grid([5, 5, 5, 5, 5, 5, 5, 3]))).toEqual({ "5/4": 1 }); // 3: 1/8 < 0.15
    expect(downbeatSpacingScores([])).toEqual({});
    expect(downbeatSpacingScores(grid([7]))).toEqual({});
  });

  it("ranks the annotated meter first on the seeded clips' annotated downbeats", () => {
    const tally = new Tally();
    for (const clip of evalClips(3)) {
      tally.add(clip.meter, topKey(downbeatSpacingScores(clip.beats)).split("/")[0] === String(clip.numerator));
    }
    console.log(`spacing (annotated beats): ${tally}`);
    expect(tally.rate).toBe(1);
  });
});

describe("autocorr", () => {
  it("finds the accented bar in a pulse envelope (known answer)", () => {
    const beatSec = 0.5;
    const envelope = (bar: number) => {
      const values = new Float32Array(Math.round(20 * FPS));
      for (let k = 0; k * beatSec < 19.5; k++) {
        const frame = Math.round(k * beatSec * FPS);
        for (let d = 0; d < 6; d++) values[frame + d] = (k % bar === 0 ? 1 : 0.3) * Math.exp(-d / 2);
      }
      return { values, fps: FPS };
    };
    for (const bar of [4, 5, 7]) expect(topKey(onsetAutocorrelationScores(envelope(bar), beatSec))).toBe(`${bar}/4`);
    // Bars of 3: 3/4 and 6/8 share a lag; 12/8 (two bars, a wider ±5 % window) edges ahead.
    const three = onsetAutocorrelationScores(envelope(3), beatSec);
    expect(three["3/4"]).toBe(three["6/8"]);
    expect(three["3/4"]!).toBeGreaterThan(0.85);
    expect(three["12/8"]).toBe(1);
    for (const other of ["2/4", "4/4", "5/4", "7/4"] as const) expect(three[other]!).toBeLessThan(three["3/4"]!);
  });

  it("answers {} for short, silent or tempo-less input", () => {
    expect(onsetAutocorrelationScores({ values: new Float32Array(Math.round(2.5 * FPS)).fill(1), fps: FPS }, 0.5)).toEqual({});
    expect(onsetAutocorrelationScores({ values: new Float32Array(Math.round(10 * FPS)), fps: FPS }, 0.5)).toEqual({});
    expect(onsetAutocorrelationScores({ values: new Float32Array(Math.round(10 * FPS)).fill(1), fps: FPS }, 0)).toEqual({});
  });

  it("ranking on seeded synthetic drum clips (reported; the mel-flux envelope carries little bar structure)", () => {
    const tally = new Tally();
    for (const clip of evalClips(5)) {
      const env = onsetStrength(clip.samples);
      const scores = onsetAutocorrelationScores({ values: env.envelope, fps: env.fps }, 60 / clip.bpm);
      expect(Object.keys(scores).length).toBeGreaterThan(0);
      tally.add(clip.meter, topKey(scores).split("/")[0] === String(clip.numerator));
    }
    console.log(`autocorr: ${tally}`);
  });
});

describe("bar_tracking", () => {
  it("closed form: the phase that puts downbeats on the strong beats wins", () => {
    const a = Array.from({ length: 24 }, (_, i) => (i % 4 === 1 ? 1 : 0.05));
    const lp4 = barLogProbability(a, 4, 4);
    expect(lp4).toBeCloseTo((Math.log(1 / 4) + 6 * Math.log(1 - 1e-6) + 18 * (Math.log(0.95) - Math.log(3))) / 24, 9);
    expect(lp4).toBeGreaterThan(barLogProbability(a, 3, 4));
    expect(lp4).toBeGreaterThan(barLogProbability(a, 8, 4));
  });

  it("ranks the annotated meter first on ≥ 80 % of seeded clips (activation sampled on the annotated beats)", () => {
    const tally = new Tally();
    for (const clip of evalClips(10)) {
      const act = DSP_ACTIVATIONS.compute(clip.samples, clip.sampleRate);
      const nonSilent = nonSilentFraction(clip.samples, clip.sampleRate);
      const scores = barTrackingScores(clip.beats, { values: act.downbeat, fps: act.fps }, nonSilent);
      tally.add(clip.meter, topKey(scores).split("/")[0] === String(clip.numerator));
    }
    console.log(`bar_tracking: ${tally}`);
    expect(tally.rate).toBeGreaterThanOrEqual(0.8);
  });

  it("answers {} without beats, on silence and on mostly-silent audio", () => {
    const activation = { values: new Float32Array(500).fill(0.5), fps: FPS };
    expect(barTrackingScores([], activation, 1)).toEqual({});
    expect(barTrackingScores(grid([4, 4, 4]), { values: new Float32Array(800), fps: FPS }, 1)).toEqual({});
    expect(barTrackingScores(grid([4, 4, 4]), activation, 0.1)).toEqual({});
    expect(nonSilentFraction(new Float32Array(22050), 22050)).toBe(0);
    const sparse = new Float32Array(22050 * 6);
    sparse[100] = 1;
    expect(nonSilentFraction(sparse, 22050)).toBeLessThan(0.15);
  });
});

describe("hcdf", () => {
  it("ranks the bar length high on drumless clips whose chords change every bar", () => {
    for (const [numerator, bpm, seed] of [
      [3, 132, 4],
      [4, 112, 5],
    ] as const) {
      const clip = synthesizeClip({ numerator, denominator: 4, bpm, durationSec: 15, seed, instrumentation: "drumless" });
      const c = chroma(clip.samples, { sampleRate: clip.sampleRate });
      const scores = hcdfScores(c, FPS, 60 / bpm);
      const key = `${numerator}/4` as const;
      const ranked = Object.entries(scores).sort((x, y) => y[1] - x[1]).map(([k]) => k);
      console.log(`hcdf ${key}: ${ranked.slice(0, 4).map((k) => `${k}=${scores[k as typeof key]!.toFixed(2)}`).join(" ")}`);
      expect(scores[key]).toBeGreaterThanOrEqual(0.7); // 4/4: mid-bar changes on the 2+2 group make 2/4 first
      expect(ranked.indexOf(key)).toBeLessThan(3);
      expect(scores["5/4"]!).toBeLessThan(scores[key]!);
    }
  });

  it("answers {} under 4 s, without tempo and for a constant chord", () => {
    const short = { data: new Float32Array(12 * 100).fill(0.5), nRows: 12, nCols: 100 };
    expect(hcdfScores(short, FPS, 0.5)).toEqual({});
    const constant = { data: new Float32Array(12 * 400).fill(0.5), nRows: 12, nCols: 400 };
    expect(hcdfScores(constant, FPS, 0.5)).toEqual({});
    expect(hcdfScores({ data: new Float32Array(12 * 400), nRows: 12, nCols: 400 }, FPS, 0)).toEqual({});
  });
});

describe("registry", () => {
  it("registers every signal once with its own module among its sources", () => {
    expect(SIGNAL_NAMES).toEqual([
      "spacing:dbn_bpb3",
      "spacing:dbn_bpb4",
      "spacing:dbn_bpb5",
      "spacing:dbn_bpb7",
      "spacing:dbn",
      "autocorr",
      "bar_tracking",
      "hcdf",
      "onset_mlp",
    ]);
    expect(new Set(SIGNAL_NAMES).size).toBe(SIGNAL_NAMES.length);
    for (const s of SIGNALS) {
      expect(s.description.length).toBeGreaterThan(10);
      expect(s.sources.length).toBeGreaterThan(0);
      expect(s.sources[0]).toMatch(/^file:/);
      for (const k of s.keys) expect(METER_KEYS).toContain(k);
    }
    expect(getSignal("hcdf").sources[0]).toMatch(/hcdf\.(ts|js)$/);
    expect(() => getSignal("nope")).toThrow(UnknownSignalError);
  });

  it("onset_mlp is an explicit, model-less slot: unavailable, never scores", () => {
    const slot = getSignal("onset_mlp");
    expect(slot.requiresModel).toBe(true);
    expect(slot.compute).toBeUndefined();
    expect(slot.keys).toEqual(METER_KEYS);
    expect(computeSignal("onset_mlp", {})).toEqual({
      status: "unavailable",
      name: "onset_mlp",
      reason: expect.stringContaining("model"),
    });
  });

  it("every computable signal answers {} for empty inputs; spacing reads its own tracker", () => {
    const outcomes = computeSignals({ beatsByTracker: {}, primaryBeats: [] });
    for (const name of SIGNAL_NAMES.filter((n) => n !== "onset_mlp")) expect(outcomes[name]).toEqual({ status: "ok", name, scores: {} });
    const inputs = { beatsByTracker: { dbn: grid([3, 3, 3, 3]), dbn_bpb4: grid([4, 4, 4]) } };
    expect(computeSignal("spacing:dbn", inputs)).toEqual({ status: "ok", name: "spacing:dbn", scores: { "3/4": 1 } });
    expect(computeSignal("spacing:dbn_bpb4", inputs)).toMatchObject({ scores: { "4/4": 1 } });
  });
});
