import { describe, expect, it } from "vitest";
import { InvalidSpecError } from "./errors.js";
import { type ClipSpec, synthesizeClip } from "./synthesize.js";
import { bandEnergy, chroma, cosineDistance, mean } from "./test-utils/spectral.js";

function bytes(samples: Float32Array): Buffer {
  return Buffer.from(samples.buffer, samples.byteOffset, samples.byteLength);
}

describe("synthesizeClip: determinism", () => {
  const spec: ClipSpec = { numerator: 7, denominator: 8, bpm: 150, durationSec: 6, seed: 11, swing: 0.1, tempoDriftPct: 3, noiseDb: -25 };

  it("gives byte-identical samples for the same spec and different ones for another seed", () => {
    const a = synthesizeClip(spec);
    const b = synthesizeClip({ ...spec });
    const c = synthesizeClip({ ...spec, seed: 12 });
    expect(bytes(a.samples).equals(bytes(b.samples))).toBe(true);
    expect(a.beats).toEqual(b.beats);
    expect(bytes(a.samples).equals(bytes(c.samples))).toBe(false);
  });

  it("reproduces a clip from its resolved spec in meta", () => {
    const a = synthesizeClip(spec);
    const again = synthesizeClip(a.meta.spec);
    expect(bytes(again.samples).equals(bytes(a.samples))).toBe(true);
    expect(a.meta.spec.grouping).toEqual([2, 2, 3]);
  });

  it("normalises the peak to −1 dBFS and keeps the requested length", () => {
    const a = synthesizeClip(spec);
    let peak = 0;
    for (const x of a.samples) peak = Math.max(peak, Math.abs(x));
    expect(peak).toBeCloseTo(10 ** (-1 / 20), 5);
    expect(a.samples.length).toBe(6 * 22050);
    expect(a.meta.durationSec).toBe(6);
  });
});

describe("synthesizeClip: annotations", () => {
  it("annotates bars × numerator beats on an exact grid, after the intro silence", () => {
    const clip = synthesizeClip({ numerator: 5, denominator: 4, bpm: 100, bars: 6, seed: 3, pickupBeats: 0, introSilenceSec: 0.3 });
    expect(clip.beats).toHaveLength(30);
    expect(clip.beats.map((b) => b.position)).toEqual(Array.from({ length: 30 }, (_, i) => (i % 5) + 1));
    expect(clip.beats[0]!.timeSec).toBeCloseTo(0.3, 12);
    for (const [i, b] of clip.beats.entries()) expect(b.timeSec).toBeCloseTo(0.3 + i * 0.6, 9);
    expect(clip.downbeatsSec).toHaveLength(6);
    for (let i = 1; i < clip.downbeatsSec.length; i++) {
      expect(clip.downbeatsSec[i]! - clip.downbeatsSec[i - 1]!).toBeCloseTo(5 * 0.6, 9);
    }
    // Nothing sounds before the intro ends (notes may be early by at most ~15 ms of human timing).
    const silent = Math.floor((0.3 - 0.02) * 22050);
    expect(clip.samples.subarray(0, silent).every((x) => x === 0)).toBe(true);
    // A bars-long clip ends with a ring-out after the last bar.
    expect(clip.meta.durationSec).toBeCloseTo(0.3 + 30 * 0.6 + 1.2, 3);
  });

  it("adds the pickup beats before the first downbeat", () => {
    const clip = synthesizeClip({ numerator: 4, denominator: 4, bpm: 120, bars: 4, seed: 5, pickupBeats: 2, introSilenceSec: 0.1 });
    expect(clip.beats).toHaveLength(4 * 4 + 2);
    expect(clip.beats.slice(0, 4).map((b) => b.position)).toEqual([3, 4, 1, 2]);
    expect(clip.downbeatsSec[0]).toBeCloseTo(0.1 + 2 * 0.5, 9);
    expect(clip.meta.bars).toBe(4);
    expect(clip.meta.spec.pickupBeats).toBe(2);
  });

  it("keeps only beats inside an excerpt of durationSec", () => {
    const clip = synthesizeClip({ numerator: 3, denominator: 4, bpm: 90, durationSec: 5, seed: 8, introSilenceSec: 0, pickupBeats: 0 });
    // Beats at 0, 2/3, … 14/3 s: eight of them lie before 5 s.
    expect(clip.beats).toHaveLength(8);
    expect(clip.beats.every((b) => b.timeSec < 5)).toBe(true);
    expect(clip.downbeatsSec).toHaveLength(3);
  });

  it("lets the beats follow the tempo drift exactly", () => {
    const bpm = 120;
    const clip = synthesizeClip({ numerator: 4, denominator: 4, bpm, durationSec: 30, seed: 21, tempoDriftPct: 8, pickupBeats: 0 });
    const ibis = clip.beats.slice(1).map((b, i) => b.timeSec - clip.beats[i]!.timeSec);
    // Each interval is the beat period at the local tempo (at the interval's midpoint, to 0.2 %).
    for (const [i, ibi] of ibis.entries()) {
      const local = (clip.meta.localBpm[i]! + clip.meta.localBpm[i + 1]!) / 2;
      expect(Math.abs(ibi - 60 / local) / ibi).toBeLessThan(0.002);
    }
    const longest = Math.max(...ibis);
    const shortest = Math.min(...ibis);
    expect(longest / shortest).toBeGreaterThan(1.05);
    expect(longest).toBeLessThan((60 / bpm) * (1 / 0.92) + 1e-3);
    expect(shortest).toBeGreaterThan((60 / bpm) * (1 / 1.08) - 1e-3);
    // Slow drift: neighbouring intervals differ by far less than the total swing.
    for (let i = 1; i < ibis.length; i++) expect(Math.abs(ibis[i]! - ibis[i - 1]!)).toBeLessThan(0.01);
  });

  it("rejects impossible specs naming the field", () => {
    expect(() => synthesizeClip({ numerator: 7, denominator: 8, grouping: [2, 2, 2], bpm: 120, bars: 2, seed: 1 })).toThrow(
      new InvalidSpecError("grouping", "groups sum to 6, not to the numerator 7"),
    );
    expect(() => synthesizeClip({ numerator: 4, denominator: 4, bpm: 120, bars: 2, durationSec: 3, seed: 1 })).toThrow(InvalidSpecError);
    expect(() => synthesizeClip({ numerator: 4, denominator: 5, bpm: 120, bars: 2, seed: 1 })).toThrow(/denominator/);
  });
});

/** Low-band (30–150 Hz) energy just after each beat, split by group starts and other beats. */
function lowBandByRole(spec: ClipSpec) {
  const clip = synthesizeClip(spec);
  const starts = new Set(clip.meta.groupStartPositions);
  const onStarts: number[] = [];
  const elsewhere: number[] = [];
  for (const b of clip.beats) {
    const e = bandEnergy(clip.samples, clip.sampleRate, b.timeSec, 0.08, 30, 150);
    (starts.has(b.position) ? onStarts : elsewhere).push(e);
  }
  return mean(onStarts) / mean(elsewhere);
}

/** Chroma change across each beat: mean over downbeats / mean over the other beats. */
function chromaChangeRatio(spec: ClipSpec) {
  const clip = synthesizeClip(spec);
  const ibi = 60 / spec.bpm;
  const w = Math.min(0.25, 0.4 * ibi);
  const atBars: number[] = [];
  const within: number[] = [];
  for (const b of clip.beats) {
    if (b.timeSec - w - 0.03 < 0 || b.timeSec + w + 0.03 > clip.meta.durationSec) continue;
    const before = chroma(clip.samples, clip.sampleRate, b.timeSec - 0.03 - w, w);
    const after = chroma(clip.samples, clip.sampleRate, b.timeSec + 0.03, w);
    (b.position === 1 ? atBars : within).push(cosineDistance(before, after));
  }
  return mean(atBars) / mean(within);
}

describe("synthesizeClip: the meter is expressed as in real music", () => {
  it("drums: more low-band energy on downbeats and group starts than on other beats", () => {
    const cases: ClipSpec[] = [
      { numerator: 4, denominator: 4, bpm: 110, durationSec: 10, seed: 1 },
      { numerator: 7, denominator: 8, grouping: [2, 2, 3], bpm: 160, durationSec: 10, seed: 2 },
      { numerator: 5, denominator: 4, grouping: [3, 2], bpm: 95, durationSec: 10, seed: 3 },
      { numerator: 11, denominator: 8, bpm: 170, durationSec: 10, seed: 4, swing: 0.2 },
    ];
    for (const spec of cases) expect(lowBandByRole(spec)).toBeGreaterThan(2);
  });

  it("percussion: the low hand drum marks the group starts", () => {
    const spec: ClipSpec = { numerator: 9, denominator: 8, grouping: [2, 2, 2, 3], bpm: 150, durationSec: 10, seed: 5, instrumentation: "percussion" };
    expect(lowBandByRole(spec)).toBeGreaterThan(5);
  });

  it("drumless: the harmony changes at bar lines far more than within bars", () => {
    const cases: ClipSpec[] = [
      { numerator: 3, denominator: 4, bpm: 100, durationSec: 12, seed: 6, instrumentation: "drumless" },
      { numerator: 7, denominator: 8, bpm: 150, durationSec: 12, seed: 7, instrumentation: "drumless" },
      { numerator: 5, denominator: 4, bpm: 120, durationSec: 12, seed: 8, instrumentation: "drumless", tempoDriftPct: 4 },
    ];
    for (const spec of cases) expect(chromaChangeRatio(spec)).toBeGreaterThan(2);
  });

  it("drumless: no percussion — almost no energy above 5 kHz, unlike the drum version", () => {
    const base: ClipSpec = { numerator: 4, denominator: 4, bpm: 100, durationSec: 8, seed: 9 };
    const hf = (spec: ClipSpec) => {
      const clip = synthesizeClip(spec);
      return mean(clip.beats.map((b) => bandEnergy(clip.samples, clip.sampleRate, b.timeSec, 0.05, 5000, 10000)));
    };
    const drumless = synthesizeClip({ ...base, instrumentation: "drumless" });
    expect(drumless.meta.parts).toEqual(["bass", "keys"]);
    expect(hf({ ...base, instrumentation: "drumless" })).toBeLessThan(0.01 * hf(base));
  });

  it("changes chords at bar starts, and otherwise only at group starts", () => {
    const clip = synthesizeClip({ numerator: 7, denominator: 8, bpm: 150, bars: 16, seed: 10 });
    const beatTimes = new Map(clip.beats.map((b) => [b.timeSec.toFixed(6), b.position]));
    const positions = clip.meta.chordChanges.map((c) => beatTimes.get(c.timeSec.toFixed(6)));
    expect(positions.filter((p) => p === 1)).toHaveLength(16);
    for (const p of positions) expect(clip.meta.groupStartPositions).toContain(p);
  });
});
