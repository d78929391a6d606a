import { synthesizeClip } from "@tactus/datasets";
import { onsetStrength } from "@tactus/onset";
import { describe, expect, it } from "vitest";
import {
  consensusTempo,
  estimateTempo,
  interBeatCandidate,
  pyRound,
  type TempoCandidate,
  tempoCandidates,
  tempoCategory,
  tempoCurve,
} from "./tempo.js";
import type { Beat } from "./types.js";

const beatsAt = (times: number[]): Beat[] => times.map((timeSec) => ({ timeSec, isDownbeat: false, strength: 1 }));
const steady = (period: number, count: number, start = 0.2) => beatsAt(Array.from({ length: count }, (_, k) => start + k * period));
const c = (bpm: number, confidence: number, method: TempoCandidate["method"] = "librosa"): TempoCandidate => ({
  bpm,
  confidence,
  method,
});

describe("pyRound", () => {
  it("rounds like Python: exact binary halves to even, everything else correctly", () => {
    expect(pyRound(0.125, 2)).toBe(0.12);
    expect(pyRound(0.375, 2)).toBe(0.38);
    expect(pyRound(2.5)).toBe(2);
    expect(pyRound(3.5)).toBe(4);
    expect(pyRound(2.675, 2)).toBe(2.67); // 2.67499999… in binary
    expect(pyRound(120.25, 1)).toBe(120.2);
    expect(pyRound(119.96, 1)).toBe(120);
    expect(pyRound(-0.125, 2)).toBe(-0.12);
    expect(pyRound(1e-320, 2)).toBe(0);
    expect(pyRound(123456.5)).toBe(123456);
  });
});

describe("inter-beat candidate (§6.1)", () => {
  it("gives 60/median IBI with confidence 1 − 2cv, scaled by the best F1", () => {
    const cand = interBeatCandidate(steady(0.5, 20), 0.8);
    expect(cand).toEqual({ bpm: 120, confidence: 0.8, method: "inter_beat" });
    // IBIs 0.4, 0.6, 0.4, 0.6: median 0.5, cv 0.2 → 0.6, times max(F1, 0.1) = 0.1
    expect(interBeatCandidate(beatsAt([0, 0.4, 1.0, 1.4, 2.0]), 0.02)).toEqual({ bpm: 120, confidence: 0.06, method: "inter_beat" });
  });

  it("needs ≥ 3 beats and ≥ 2 IBIs strictly inside (0.2, 1.5) s", () => {
    expect(interBeatCandidate(steady(0.5, 2), 1)).toBeNull();
    expect(interBeatCandidate(beatsAt([0, 1.6, 3.2, 4.8]), 1)).toBeNull();
    expect(interBeatCandidate(beatsAt([0, 0.1, 0.2, 0.7]), 1)).toBeNull();
    expect(interBeatCandidate(beatsAt([0, 1.5, 2.0, 2.5]), 1)?.bpm).toBe(120);
  });
});

describe("consensus (§6.4)", () => {
  it("falls back to 120 BPM with confidence 0 when there are no candidates", () => {
    expect(consensusTempo([])).toEqual({ bpm: 120, confidence: 0, candidates: [], fallback: true });
  });

  it("takes the first candidate with confidence 0.1 when all confidences are 0", () => {
    expect(consensusTempo([c(97, 0), c(130, 0)])).toMatchObject({ bpm: 97, confidence: 0.1, fallback: false });
  });

  it("octave-normalises to the most confident candidate and weights by confidence", () => {
    // reference 100 (0.8); 52 doubles to 104; 210 halves to 105
    const r = consensusTempo([c(52, 0.4), c(100, 0.8), c(210, 0.8, "tempogram")]);
    const w = (104 * 0.4 + 100 * 0.8 + 105 * 0.8) / 2;
    expect(r.bpm).toBe(pyRound(w, 1));
    const spread = (0.4 * Math.abs(104 - w) + 0.8 * Math.abs(100 - w) + 0.8 * Math.abs(105 - w)) / w / 2;
    expect(r.confidence).toBe(pyRound(1 - 5 * spread, 2));
  });

  it("doubles a slow consensus when a raw candidate sits near twice it (half-speed fix)", () => {
    const r = consensusTempo([c(60, 0.8, "tempogram"), c(120, 0.7), c(120, 0.56, "inter_beat")]);
    expect(r.bpm).toBe(120);
    // the normalised candidates all sat at 60: |60 − 120|/120 = 0.5 → confidence clamps to 0
    expect(r.confidence).toBe(0);
  });

  it("halves a fast consensus within 80–180 after halving (double-speed fix)", () => {
    expect(consensusTempo([c(240, 0.8), c(236, 0.7)]).bpm).toBe(pyRound((240 * 0.8 + 236 * 0.7) / 1.5 / 2, 1));
    // w/2 = 101 and no raw candidate near it: still halved, 80 ≤ 101 ≤ 180
    expect(consensusTempo([c(202, 1)]).bpm).toBe(101);
    // w ≤ 200 is never halved
    expect(consensusTempo([c(190, 1)]).bpm).toBe(190);
  });

  it("keeps a single confident candidate with confidence 1", () => {
    expect(consensusTempo([c(133.3, 0.7)])).toMatchObject({ bpm: 133.3, confidence: 1, fallback: false });
  });
});

describe("tempo curve (§6.5)", () => {
  it("is empty and steady below 4 beats", () => {
    expect(tempoCurve(steady(0.5, 3))).toEqual({ points: [], isVariable: false, bpmRange: null, category: "steady", cv: 0 });
  });

  it("is flat for a steady pulse", () => {
    const curve = tempoCurve(steady(0.5, 30));
    expect(curve.points).toHaveLength(29);
    expect(curve.points.every((p) => p.bpm === 120)).toBe(true);
    expect(curve).toMatchObject({ isVariable: false, bpmRange: [120, 120], category: "steady" });
  });

  it("follows an accelerando and classifies its variability", () => {
    const times = [0];
    for (let k = 1; k < 40; k++) times.push(times[k - 1]! + 60 / (100 + 1.5 * k)); // 101.5 → 158.5 BPM
    const curve = tempoCurve(beatsAt(times));
    expect(curve.isVariable).toBe(true);
    expect(curve.category).toBe("variable");
    expect(curve.points[0]!.timeSec).toBe(0);
    expect(curve.bpmRange![0]).toBeLessThan(110);
    expect(curve.bpmRange![1]).toBeGreaterThan(145);
    expect(curve.points.at(-1)!.bpm).toBeGreaterThan(curve.points[0]!.bpm);
  });

  it("uses the reference's category thresholds", () => {
    expect([0, 0.029, 0.03, 0.069, 0.07, 0.149, 0.15, 1].map(tempoCategory)).toEqual([
      "steady",
      "steady",
      "slightly_variable",
      "slightly_variable",
      "variable",
      "variable",
      "rubato",
      "rubato",
    ]);
  });
});

describe("tempo of a clip", () => {
  it("agrees with the annotated tempo from the onset envelope and the beats", () => {
    const clip = synthesizeClip({ numerator: 4, denominator: 4, bpm: 128, durationSec: 12, seed: 8 });
    const env = onsetStrength(clip.samples, { sampleRate: clip.sampleRate });
    const beats = clip.beats.map((b) => ({ timeSec: b.timeSec, isDownbeat: b.position === 1, strength: 1 }));
    const candidates = tempoCandidates(beats, 0.9, env);
    expect(candidates.map((x) => x.method)).toEqual(["inter_beat", "librosa", "tempogram"]);
    const tempo = estimateTempo(beats, 0.9, env);
    expect(tempo.bpm).toBeGreaterThan(126);
    expect(tempo.bpm).toBeLessThan(130);
    expect(tempo.curve.category).toBe("steady");
    expect(estimateTempo([], 0, env, { useOnsetEstimates: false })).toMatchObject({ bpm: 120, confidence: 0, fallback: true });
  });
});
