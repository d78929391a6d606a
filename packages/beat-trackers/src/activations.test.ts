import { synthesizeClip } from "@tactus/datasets";
import { describe, expect, it } from "vitest";
import {
  calibrateActivation,
  computeDspActivations,
  DSP_ACTIVATIONS,
  dspActivationModel,
  hasRhythmicEvidence,
  movingMax,
  movingMedian,
} from "./activations.js";
import { seededRandom } from "./test-utils/corpus.js";

const SR = 22050;

/** Decaying noise bursts (clicks) at the given times. */
function clickTrack(timesSec: number[], durationSec: number, seed = 1): Float32Array {
  const x = new Float32Array(Math.round(durationSec * SR));
  const rand = seededRandom(seed);
  for (const t of timesSec) {
    const start = Math.round(t * SR);
    for (let i = 0; i < 0.05 * SR && start + i < x.length; i++) {
      x[start + i]! += 0.5 * Math.exp(-i / (0.008 * SR)) * (2 * rand() - 1);
    }
  }
  return x;
}

describe("DSP activation model", () => {
  it("declares its name and frame rate (hop 220 at 22 050 Hz ≈ 100.2 fps)", () => {
    expect(DSP_ACTIVATIONS.name).toBe("dsp-flux-v1");
    expect(DSP_ACTIVATIONS.fps).toBeCloseTo(22050 / 220, 6);
    const act = DSP_ACTIVATIONS.compute(new Float32Array(SR), SR);
    expect(act.fps).toBeCloseTo(22050 / 220, 6);
    expect(act.beat.length).toBe(1 + Math.floor(SR / 220));
    expect(dspActivationModel({ hopLength: 256 }).fps).toBeCloseTo(22050 / 256, 6);
  });

  it("keeps the frame rate when the sample rate changes", () => {
    const act = DSP_ACTIVATIONS.compute(new Float32Array(44100), 44100);
    expect(act.fps).toBeCloseTo(44100 / 440, 6);
  });

  it("peaks on clicks and stays below 1/16 between them", () => {
    const times = Array.from({ length: 16 }, (_, k) => 0.5 + 0.5 * k);
    const act = DSP_ACTIVATIONS.compute(clickTrack(times, 9), SR);
    const p = act.beat.map((b, i) => b + act.downbeat[i]!);
    for (const t of times) {
      const f = Math.round(t * act.fps);
      expect(Math.max(...p.subarray(f - 1, f + 3))).toBeGreaterThan(0.3);
    }
    const clickFrames = times.map((t) => Math.round(t * act.fps));
    for (let f = 0; f < p.length; f++) {
      if (clickFrames.every((c) => Math.abs(f - c) > 6)) expect(p[f]).toBeLessThan(1 / 16);
    }
  });

  it("gives probabilities: beat, downbeat ≥ 0 and beat + downbeat ≤ 1", () => {
    const clip = synthesizeClip({ numerator: 3, denominator: 4, bpm: 100, durationSec: 6, seed: 5 });
    const act = DSP_ACTIVATIONS.compute(clip.samples, clip.sampleRate);
    for (let t = 0; t < act.beat.length; t++) {
      expect(act.beat[t]).toBeGreaterThanOrEqual(0);
      expect(act.downbeat[t]).toBeGreaterThanOrEqual(0);
      expect(act.beat[t]! + act.downbeat[t]!).toBeLessThanOrEqual(1);
    }
  });

  it("marks clicks where the harmony changes as downbeats", () => {
    // Equal clicks every 0.5 s over sustained triads that change every 4 clicks (C, F, G, A minor).
    const times = Array.from({ length: 24 }, (_, k) => 0.5 + 0.5 * k);
    const x = clickTrack(times, 13, 2);
    const chords = [
      [261.63, 329.63, 392.0],
      [349.23, 440.0, 523.25],
      [392.0, 493.88, 587.33],
      [440.0, 523.25, 659.25],
    ];
    for (let i = Math.round(0.5 * SR); i < x.length; i++) {
      const chord = chords[Math.floor((i / SR - 0.5) / 2) % chords.length]!;
      for (const hz of chord) x[i]! += 0.1 * Math.sin((2 * Math.PI * hz * i) / SR);
    }
    const detail = computeDspActivations(x, SR);
    const at = (series: Float32Array) => (k: number) => {
      const f = Math.round(times[k]! * detail.fps);
      return Math.max(...series.subarray(f - 2, f + 3));
    };
    const changes = times.map((_, k) => k).filter((k) => k > 0 && k % 4 === 0);
    const others = times.map((_, k) => k).filter((k) => k % 4 !== 0);
    const harmonic = at(detail.evidence.harmonicShort);
    expect(Math.min(...changes.map(harmonic))).toBeGreaterThan(0.3);
    expect(Math.max(...others.map(harmonic))).toBeLessThan(0.1);
    const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    const downbeatness = at(detail.downbeatness);
    expect(avg(changes.map(downbeatness))).toBeGreaterThan(avg(others.map(downbeatness)) + 0.15);
  });

  it("measures accent by an onset's loudness, not by its rise over a note still sounding", () => {
    // A monophonic 100 Hz bass line: an approach note (0.5) at 0.8 s, still ringing (≈ 0.2) when
    // the loud note (1.0) replaces it at 1.0 s, and a weak note (0.35) after near-silence at 2.0 s.
    const notes = [
      { t: 0.8, amp: 0.5 },
      { t: 1.0, amp: 1.0 },
      { t: 2.0, amp: 0.35 },
    ];
    const x = new Float32Array(3 * SR);
    for (let i = 0; i < x.length; i++) {
      const note = notes.findLast((n) => i / SR >= n.t);
      if (note) x[i] = note.amp * Math.exp(-(i / SR - note.t) / 0.25) * Math.sin((2 * Math.PI * 100 * i) / SR);
    }
    const detail = computeDspActivations(x, SR);
    const near = (series: Float32Array, t: number) => {
      const f = Math.round(t * detail.fps);
      return Math.max(...series.subarray(f - 1, f + 5));
    };
    // Log flux (the beat onset function's) rises less at the loud note than at the weak one
    // (measured: low band 0.29 vs 0.41 of the local maximum); the accent evidence follows loudness.
    expect(near(detail.evidence.lowAccent, 1.0)).toBeGreaterThan(1.5 * near(detail.evidence.lowAccent, 2.0));
    expect(near(detail.evidence.accent, 1.0)).toBeGreaterThan(1.5 * near(detail.evidence.accent, 2.0));
  });

  it("puts more downbeat probability on annotated downbeats of music", () => {
    const clip = synthesizeClip({ numerator: 4, denominator: 4, bpm: 110, durationSec: 12, seed: 11 });
    const act = DSP_ACTIVATIONS.compute(clip.samples, clip.sampleRate);
    const near = (t: number) => {
      const f = Math.round(t * act.fps);
      return Math.max(...act.downbeat.subarray(Math.max(0, f - 2), f + 3));
    };
    const down = clip.beats.filter((b) => b.position === 1).map((b) => near(b.timeSec));
    const other = clip.beats.filter((b) => b.position !== 1).map((b) => near(b.timeSec));
    const avg = (v: number[]) => v.reduce((a, b) => a + b, 0) / v.length;
    expect(avg(down)).toBeGreaterThan(2 * avg(other));
  });

  it("sees no rhythm in silence, a single click or white noise, and sees it in music", () => {
    const rand = seededRandom(3);
    const noise = new Float32Array(10 * SR).map(() => 0.3 * (2 * rand() - 1));
    expect(hasRhythmicEvidence(DSP_ACTIVATIONS.compute(new Float32Array(10 * SR), SR))).toBe(false);
    expect(hasRhythmicEvidence(DSP_ACTIVATIONS.compute(clickTrack([1], 5), SR))).toBe(false);
    expect(hasRhythmicEvidence(DSP_ACTIVATIONS.compute(noise, SR))).toBe(false);
    const clip = synthesizeClip({ numerator: 4, denominator: 4, bpm: 120, durationSec: 5, seed: 1, noiseDb: -10 });
    expect(hasRhythmicEvidence(DSP_ACTIVATIONS.compute(clip.samples, clip.sampleRate))).toBe(true);
  });
});

describe("calibrateActivation", () => {
  it("maps silence and constants to 0", () => {
    expect([...calibrateActivation(new Float32Array(500), 100)].every((v) => v === 0)).toBe(true);
    expect([...calibrateActivation(new Float32Array(500).fill(3), 100)].every((v) => v === 0)).toBe(true);
    expect(calibrateActivation(new Float32Array(0), 100).length).toBe(0);
  });

  it("turns isolated strong peaks into high probabilities, capped at maxProbability", () => {
    const odf = new Float32Array(1000).fill(0.01);
    for (let f = 50; f < 1000; f += 50) odf[f] = 1;
    const p = calibrateActivation(odf, 100);
    for (let f = 50; f < 1000; f += 50) expect(p[f]).toBeCloseTo(0.9, 5);
    expect(p[75]).toBe(0);
  });

  it("keeps weak contrast (noise-level fluctuations) low", () => {
    const rand = seededRandom(9);
    const odf = new Float32Array(2000).map(() => 1 + 0.5 * rand());
    expect(Math.max(...calibrateActivation(odf, 100))).toBeLessThan(0.05);
  });
});

describe("moving window helpers", () => {
  const rand = seededRandom(4);
  const x = new Float32Array(300).map(() => Math.round(rand() * 50));
  for (const half of [0, 1, 5, 40]) {
    it(`match a direct computation (half-width ${half})`, () => {
      const max = movingMax(x, half);
      const med = movingMedian(x, half);
      for (let t = 0; t < x.length; t++) {
        const w = Array.from(x.subarray(Math.max(0, t - half), Math.min(x.length, t + half + 1))).sort((a, b) => a - b);
        const m = w.length >> 1;
        expect(max[t]).toBe(w[w.length - 1]);
        expect(med[t]).toBe(w.length % 2 ? w[m] : 0.5 * (w[m - 1]! + w[m]!));
      }
    });
  }
});
